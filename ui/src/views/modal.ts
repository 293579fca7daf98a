// One modal at a time (reveal confirmation, print panel). Keyboard: Tab stays inside, Esc
// closes the modal only (it must not also end the customer), focus returns where it was — or,
// when a redraw replaced that element meanwhile, to its twin or its table row, never to <body>.
import { h, focusKey, findByKey } from "../dom";

type Open = { el: HTMLElement; close: () => void };
let open: Open | null = null;

export function modalOpen(): boolean {
  return open !== null;
}

/** Closes the open modal, if any (Avsluta kund and the idle timeout close it: it may hold patient data). */
export function closeModal() {
  open?.close();
}

export function showModal(opts: { label: string; className?: string; body: HTMLElement; initialFocus?: HTMLElement | null; onClose?: () => void }): () => void {
  closeModal();
  const before = document.activeElement as HTMLElement | null;
  // Named now: by the time the dialog closes, a redraw may have replaced the element.
  const back = before && before !== document.body ? { key: focusKey(before), row: before.closest<HTMLElement>("[role=table][id] [data-row]"), table: before.closest<HTMLElement>("[role=table][id]")?.id } : null;
  const dialog = h("div", { class: `modal ${opts.className ?? ""}`, role: "dialog", "aria-modal": "true", "aria-label": opts.label }, opts.body);
  const overlay = h("div", { class: "modal-overlay" }, dialog);
  const close = () => {
    if (open?.el !== overlay) return;
    open = null;
    overlay.remove();
    opts.onClose?.();
    // Where it came from: the element, its redrawn twin, or its table row.
    const target =
      (before?.isConnected ? before : null) ??
      (back ? findByKey(document, back.key) : null) ??
      (back?.row && back.table ? document.querySelector<HTMLElement>(`#${back.table} [data-row="${back.row.dataset.row}"]`) : null);
    target?.focus({ preventScroll: true });
  };
  overlay.addEventListener("mousedown", (e) => {
    if (e.target === overlay) close();
  });
  open = { el: overlay, close };
  document.body.appendChild(overlay);
  (opts.initialFocus ?? focusables(dialog)[0] ?? dialog).focus();
  return close;
}

function focusables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>("button, input, select, textarea, [tabindex]:not([tabindex='-1'])")].filter((e) => !(e as HTMLButtonElement).disabled && !e.hidden);
}

/** The modal's share of the global key handler. True when the key was handled. */
export function modalKey(e: KeyboardEvent): boolean {
  if (!open) return false;
  if (e.key === "Escape") {
    e.preventDefault();
    open.close();
    return true;
  }
  if (e.key === "Tab") {
    const items = focusables(open.el);
    if (!items.length) return true;
    const i = items.indexOf(document.activeElement as HTMLElement);
    const next = e.shiftKey ? (i <= 0 ? items.length - 1 : i - 1) : i === items.length - 1 ? 0 : i + 1;
    e.preventDefault();
    items[next].focus();
    return true;
  }
  return false;
}
