// How a location-revealing field (Guarded) is shown: the value, or ▒▒▒ with "visa" that asks
// first and then fetches the one value from the backend (which logs it).
import { h } from "../dom";
import { t, type Key } from "../i18n";
import type { Guarded } from "../bindings/Guarded";
import type { MaskedFieldKind } from "../bindings/MaskedFieldKind";
import { showModal } from "./modal";

export type GuardCtx = {
  revealed: Map<string, string>;
  kindOf: (key: string) => MaskedFieldKind | undefined;
  reveal: (key: string) => Promise<void>;
};

export function fieldName(kind: MaskedFieldKind | undefined): string {
  return t((kind ? `field.${kind}` : "field.unknown") as Key);
}

export function guarded(g: Guarded | null | undefined, ctx: GuardCtx): Node | string | null {
  if (!g) return null;
  if (g.kind === "clear") return g.value;
  const value = ctx.revealed.get(g.key);
  if (value !== undefined) {
    return h("span", { class: "revealed", "data-revealed": g.key, title: t("mask.revealed") }, value);
  }
  const label = t("mask.revealLabel", { field: fieldName(ctx.kindOf(g.key)) });
  return h(
    "span",
    { class: "masked", "data-masked": g.key },
    h("span", { class: "mask-bars", "aria-hidden": "true" }, "▒▒▒▒▒▒"),
    h("span", { class: "sr-only" }, t("mask.hidden")),
    h("button", { type: "button", class: "reveal-btn", "data-reveal": g.key, "aria-label": label, title: label, on: { click: () => askReveal(g.key, ctx) } }, t("mask.reveal")),
  );
}

/** "Visa uppgiften? Åtkomsten loggas." — then one value, for this errand only. */
export function askReveal(key: string, ctx: GuardCtx) {
  const field = fieldName(ctx.kindOf(key));
  let close = () => {};
  const ok = h("button", { type: "button", class: "primary", "data-reveal-ok": key, on: { click: () => { close(); void ctx.reveal(key); } } }, t("reveal.ok"));
  const cancel = h("button", { type: "button", "data-reveal-cancel": "", on: { click: () => close() } }, t("reveal.cancel"));
  const body = h(
    "div",
    { class: "reveal-confirm confirm" },
    h("h2", { id: "reveal-title" }, t("reveal.title")),
    h("p", null, t("reveal.body", { field: field.charAt(0).toUpperCase() + field.slice(1) })),
    h("div", { class: "modal-actions" }, ok, cancel),
  );
  close = showModal({ label: t("reveal.title"), className: "modal-small", body, initialFocus: ok });
}
