// The print panel (Ctrl+P): only the printouts the flow allows, a preview of page 1 (an image
// the shell renders from the same masked list it prints), the printer, copies, [Skriv ut] and
// [Spara som PDF]. A failed print keeps the PDF and offers to save it.
import { h } from "../dom";
import { t, pick, type Key } from "../i18n";
import { asClientError, type Backend } from "../backend";
import type { PrintoutKind } from "../bindings/PrintoutKind";
import type { PrinterInfo } from "../bindings/PrinterInfo";
import { showModal } from "./modal";

function message(el: HTMLElement, text: string, kind: "info" | "ok" | "error") {
  el.className = `print-msg ${kind}`;
  el.textContent = text;
  el.hidden = !text;
}

function simpleModal(text: string) {
  let close = () => {};
  const ok = h("button", { type: "button", class: "primary", on: { click: () => close() } }, t("print.close"));
  close = showModal({ label: t("print.title"), className: "modal-small", body: h("div", { id: "print-panel" }, h("h2", null, t("print.title")), h("p", { id: "print-msg" }, text), h("div", { class: "modal-actions" }, ok)), initialFocus: ok });
}

/** `lookupSeq`: the list on screen (null when none is): every call names it, so a list that
 * is no longer shown is never printed. */
export async function openPrintPanel(backend: Backend, opts: { lookupSeq: number | null; preselect?: PrintoutKind; defaultPrinter: string | null }) {
  const seq = opts.lookupSeq;
  if (seq === null) {
    simpleModal(t("print.noCustomer"));
    return;
  }
  let kinds: PrintoutKind[];
  let printers: PrinterInfo[] = [];
  try {
    [kinds, printers] = await Promise.all([backend.printouts(seq), backend.listPrinters().catch(() => [] as PrinterInfo[])]);
  } catch (e) {
    simpleModal(pick(asClientError(e).message, asClientError(e).messageEn));
    return;
  }
  if (!kinds.length) {
    simpleModal(t("print.none"));
    return;
  }
  let kind: PrintoutKind = opts.preselect && kinds.includes(opts.preselect) ? opts.preselect : kinds[0];
  let previewToken = 0;

  const img = h("img", { id: "print-preview-img", class: "preview-img", alt: "", hidden: true });
  const previewNote = h("p", { class: "preview-caption", id: "print-preview-caption" });
  const maskedNote = h("p", { class: "masked-note", hidden: true }, t("print.maskedNote"));
  const preview = h("div", { class: "preview", id: "print-preview" }, img);
  const msg = h("p", { id: "print-msg", class: "print-msg", role: "status", hidden: true });

  const loadPreview = async () => {
    const token = ++previewToken;
    img.hidden = true;
    preview.classList.add("loading");
    previewNote.textContent = t("print.previewLoading");
    try {
      const p = await backend.renderPreview(seq, kind);
      if (token !== previewToken) return;
      img.src = p.image;
      img.alt = t("print.previewAlt", { title: t(`printout.${kind}` as Key) });
      img.hidden = false;
      previewNote.textContent = t("print.preview", { pages: p.pages });
      maskedNote.hidden = !p.masked;
    } catch (e) {
      if (token !== previewToken) return;
      const err = asClientError(e);
      message(msg, pick(err.message, err.messageEn), "error");
    } finally {
      if (token === previewToken) preview.classList.remove("loading");
    }
  };

  const kindList = h(
    "div",
    { class: "print-kinds", role: "radiogroup", "aria-label": t("print.kind") },
    kinds.map((k) =>
      h(
        "label",
        { class: "check" },
        h("input", {
          type: "radio",
          name: "print-kind",
          value: k,
          "data-kind": k,
          checked: k === kind,
          on: {
            change: () => {
              kind = k;
              message(msg, "", "info");
              saveBtn.classList.remove("primary");
              void loadPreview();
            },
          },
        }),
        h("span", null, t(`printout.${k}` as Key)),
      ),
    ),
  );

  const defaultQueue = opts.defaultPrinter ?? printers.find((p) => p.isDefault)?.name ?? null;
  const printerSelect = h(
    "select",
    { id: "printer" },
    printers.length === 0 && h("option", { value: "" }, t("print.systemDefault")),
    printers.map((p) =>
      h("option", { value: p.name, selected: p.name === defaultQueue }, p.state === "stopped" ? t("print.stopped", { name: p.name }) : p.isDefault ? t("print.defaultPrinter", { name: p.name }) : p.name),
    ),
  );
  const copies = h("input", { id: "copies", type: "number", min: 1, max: 20, value: "1", class: "copies" });
  const printBtn = h("button", { type: "button", class: "primary", id: "print-go" }, t("print.print"));
  const saveBtn = h("button", { type: "button", id: "print-save" }, t("print.savePdf"));
  let close = () => {};
  const closeBtn = h("button", { type: "button", id: "print-close", on: { click: () => close() } }, t("print.close"));

  printBtn.addEventListener("click", async () => {
    const n = Math.min(20, Math.max(1, Number(copies.value) || 1));
    printBtn.disabled = true;
    message(msg, t("print.printing"), "info");
    try {
      const out = await backend.print(seq, kind, printerSelect.value || null, n);
      if (out.kind === "printed") {
        message(msg, t("print.printed", { printer: out.printer, job: out.jobId }), "ok");
      } else {
        const kept = out.kept ? t("print.kept", { path: out.kept }) : t("print.keptMemory");
        message(msg, `${t("print.failed", { message: pick(out.message, out.messageEn) })} ${kept}`, "error");
        saveBtn.classList.add("primary");
        saveBtn.focus();
      }
    } catch (e) {
      const err = asClientError(e);
      message(msg, t("print.failed", { message: pick(err.message, err.messageEn) }), "error");
    } finally {
      printBtn.disabled = false;
    }
  });
  saveBtn.addEventListener("click", async () => {
    try {
      const path = await backend.savePdf(seq, kind);
      if (path) message(msg, t("print.saved", { path }), "ok");
    } catch (e) {
      const err = asClientError(e);
      message(msg, pick(err.message, err.messageEn), "error");
    }
  });

  const body = h(
    "div",
    { class: "print-panel", id: "print-panel" },
    h(
      "div",
      { class: "print-side" },
      h("h2", null, t("print.title")),
      h("div", { class: "field-label" }, t("print.kind")),
      kindList,
      h("label", { for: "printer", class: "field-label" }, t("print.printer")),
      printerSelect,
      h("label", { for: "copies", class: "field-label" }, t("print.copies")),
      copies,
      maskedNote,
      msg,
      h("div", { class: "modal-actions" }, printBtn, saveBtn, closeBtn),
    ),
    h("div", { class: "print-preview-col" }, preview, previewNote),
  );
  close = showModal({ label: t("print.title"), className: "modal-wide", body, initialFocus: printBtn });
  await loadPreview();
}
