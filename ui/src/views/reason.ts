// A treatment reason on purpose: the row's button, the small modal that asks for what the chosen
// variant needs (the patient's consent now — for a locked reason, consent to the locked reason —
// or, for a patient under 18, that the child cannot consent and safe dispensing needs it), and
// the row's line once it is read. Errors stay in the modal (and on the row) with the request id.
import { h, fill } from "../dom";
import { t, pick } from "../i18n";
import type { Counter, ReasonOptions } from "../counter";
import type { PrescriptionView } from "../bindings/PrescriptionView";
import type { ClientError } from "../bindings/ClientError";
import { showModal } from "./modal";

function productName(p: PrescriptionView["product"]): string {
  return [p.name, p.strength].filter(Boolean).join(" ");
}

export function errorText(e: ClientError): string {
  return [pick(e.message, e.messageEn), e.requestId ? ` (${t("error.request", { id: e.requestId })})` : ""].join("");
}

/** The row's part: the reason once read, "Hämtar…", an error with the button again, or the button. */
export function reasonCell(rx: PrescriptionView, counter: Counter): HTMLElement | null {
  const state = counter.reasons.get(rx.id);
  if (state?.kind === "pending") return h("span", { class: "muted", "data-reason-pending": rx.id }, t("reason.fetching"));
  const options = counter.reasonOptions(rx);
  const offered = options.consent !== null || options.child !== null;
  const label = t("reason.buttonLabel", { product: productName(rx.product) });
  const button = offered ? h("button", { type: "button", class: "reason-btn", "data-reason-ask": rx.id, "aria-label": label, title: label, on: { click: () => askReason(rx, counter) } }, t(options.locked ? "reason.buttonLocked" : "reason.button")) : null;
  if (state?.kind === "done") {
    const r = state.result.reason;
    const text = r.kind === "shown" ? t("rx.reason", { text: r.text }) : r.kind === "withheld" ? t("reason.withheld") : t("reason.none");
    const read = h("span", { class: `reason-read reason-${r.kind}`, "data-reason": rx.id, title: t("reason.readTitle") }, text);
    // Still withheld: the locked-reason consent is offered beside the answer.
    return button ? h("span", { class: "reason-row-again" }, read, " ", button) : read;
  }
  if (!button) return null;
  if (state?.kind === "error") return h("span", { class: "reason-row-error" }, button, " ", h("span", { class: "reason-error-text", role: "alert", "data-reason-error": rx.id }, t("reason.failed", { message: errorText(state.error) })));
  return button;
}

/** The confirmation. OK runs the chosen variant; the modal closes only when the reason came back. */
export function askReason(rx: PrescriptionView, counter: Counter) {
  const options: ReasonOptions = counter.reasonOptions(rx);
  const consentText = options.locked ? t("reason.consentLocked") : t("reason.consent");
  // With a child variant the two ways are alternatives (radios); otherwise one checkbox.
  const both = options.consent !== null && options.child !== null;
  const consentInput = options.consent ? (h("input", { type: both ? "radio" : "checkbox", name: "reason-why", id: "reason-consent", value: "consent" }) as HTMLInputElement) : null;
  const childInput = options.child ? (h("input", { type: both ? "radio" : "checkbox", name: "reason-why", id: "reason-child", value: "child" }) as HTMLInputElement) : null;
  const choice = (input: HTMLInputElement | null, text: string) => input && h("label", { class: "check" }, input, h("span", null, text));
  const errorEl = h("p", { class: "reason-error", id: "reason-error", role: "alert", hidden: true });
  const busy = h("p", { class: "muted", id: "reason-busy", hidden: true }, t("reason.fetching"));
  let close = () => {};
  const submit = async () => {
    const child = childInput?.checked === true && options.child !== null;
    const flow = child ? options.child! : (options.consent ?? options.child!);
    const consent = !child && consentInput?.checked === true;
    ok.disabled = true;
    busy.hidden = false;
    errorEl.hidden = true;
    const error = await counter.treatmentReason(rx.id, flow.flow, consent);
    ok.disabled = false;
    busy.hidden = true;
    if (!error) {
      close();
      return;
    }
    // Nothing is lost: the modal keeps the choice, the list stays as it was.
    errorEl.hidden = false;
    fill(errorEl, t("reason.failed", { message: errorText(error) }));
  };
  const ok = h("button", { type: "button", class: "primary", "data-reason-ok": rx.id, on: { click: () => void submit() } }, t("reason.ok")) as HTMLButtonElement;
  const cancel = h("button", { type: "button", "data-reason-cancel": "", on: { click: () => close() } }, t("reason.cancel"));
  const body = h(
    "div",
    {
      class: "reason-confirm confirm",
      on: {
        // Enter on a choice confirms, as on the button (Space ticks the box).
        keydown: (e: KeyboardEvent) => {
          if (e.key === "Enter" && (e.target as HTMLElement).tagName === "INPUT") {
            e.preventDefault();
            if (!ok.disabled) void submit();
          }
        },
      },
    },
    h("h2", { id: "reason-title" }, t("reason.title")),
    h("p", { class: "reason-product" }, h("strong", null, productName(rx.product)), rx.dosage ? ` · ${rx.dosage}` : ""),
    h("p", null, t("reason.body")),
    options.locked && h("p", { class: "reason-locked" }, t("reason.lockedNote")),
    h("fieldset", { class: "reason-choices" }, h("legend", { class: "sr-only" }, t("reason.legend")), choice(consentInput, consentText), choice(childInput, t("reason.child"))),
    busy,
    errorEl,
    h("div", { class: "modal-actions" }, ok, cancel),
  );
  close = showModal({ label: t("reason.title"), className: "modal-small", body, initialFocus: consentInput ?? childInput ?? ok });
}
