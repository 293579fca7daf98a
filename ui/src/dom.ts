// Small DOM helpers instead of a framework: elements are built with `h()`, text is always set as
// text (never parsed as HTML, so nothing NLL sends can inject markup), and each view re-renders
// only its own region.

type Child = Node | string | number | null | undefined | false | Child[];

export type Props = {
  class?: string;
  id?: string;
  /** Event handlers: `on: { click: fn }`. */
  on?: { [K in keyof HTMLElementEventMap]?: (ev: HTMLElementEventMap[K]) => void };
  /** Other attributes (`role`, `aria-*`, `data-*`, `for`, `type`, …). `false`/null leaves it out. */
  [attr: string]: unknown;
};

// Set as properties, not attributes, so the live state (value, checked) is what changes.
const PROPS = new Set(["value", "checked", "disabled", "hidden", "tabIndex", "selected", "indeterminate"]);

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props?: Props | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props) {
    for (const [k, v] of Object.entries(props)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "on") {
        for (const [ev, fn] of Object.entries(v as Record<string, EventListener>)) el.addEventListener(ev, fn);
      } else if (k === "class") {
        el.className = String(v);
      } else if (PROPS.has(k)) {
        (el as unknown as Record<string, unknown>)[k] = v;
      } else {
        el.setAttribute(k, v === true ? "" : String(v));
      }
    }
  }
  append(el, children);
  return el;
}

function append(parent: Node, children: Child[]) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(parent, c);
    else parent.appendChild(typeof c === "object" ? c : document.createTextNode(String(c)));
  }
}

/** Replaces an element's content. */
export function fill(el: Element, ...children: Child[]) {
  el.replaceChildren();
  append(el, children);
}

export function byId<T extends HTMLElement = HTMLElement>(id: string, root: ParentNode = document): T | null {
  return root.querySelector<T>(`#${id}`);
}

/** Is this element one where typed text belongs (so digits must not be captured)? */
export function isTextEntry(el: Element | null): boolean {
  if (!el) return false;
  if (el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) return true;
  if (el instanceof HTMLInputElement) {
    return !["checkbox", "radio", "button", "submit", "reset", "range", "color", "file"].includes(el.type);
  }
  return (el as HTMLElement).isContentEditable === true;
}

/** What names a focusable element across a redraw: its id and data-* attributes (a redrawn
 *  *visa* button has the same data-reveal key). */
export type FocusKey = [string, string][];

export function focusKey(el: Element): FocusKey {
  return [...el.attributes].filter((a) => a.name === "id" || a.name.startsWith("data-")).map((a): [string, string] => [a.name, a.value]);
}

/** The element under root named by key (null when the key is empty or nothing matches). */
export function findByKey(root: ParentNode, key: FocusKey, selector = "*"): HTMLElement | null {
  if (!key.length) return null;
  return [...root.querySelectorAll<HTMLElement>(selector)].find((e) => key.every(([k, v]) => e.getAttribute(k) === v)) ?? null;
}
