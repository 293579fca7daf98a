// The left side of the counter: the question — who (personnummer, scanner-friendly, validated as
// typed) and why (the role's flows with F-keys, each with one line on what it allows), plus only
// the confirmations the chosen flow needs.
import { h, fill } from "../dom";
import { t, pick } from "../i18n";
import type { Counter } from "../counter";
import type { FlowInfo } from "../bindings/FlowInfo";
import type { IdCheck } from "../bindings/IdCheck";

/** A number still being typed: fewer digits than its form needs. Fewer than 10 always; 10 or 11
 *  when the 12-digit form is on its way (ÅÅÅÅMMDD- typed, or no separator and a century first),
 *  so "19680415-23" is not yet "Datumet finns inte". */
export function stillTyping(text: string): boolean {
  if (!/^[0-9 +-]*$/.test(text)) return false;
  const digits = text.replace(/[^0-9]/g, "");
  if (digits.length < 10) return true;
  if (digits.length >= 12) return false;
  const sep = text.search(/[-+]/);
  if (sep >= 0) return text.slice(0, sep).replace(/[^0-9]/g, "").length === 8;
  return /^(18|19|20)/.test(digits);
}

type CheckText = { state: string; ok: string; error: string; cls: string };

/** What the field says about a number. While it is still being typed only a calm hint (the digit
 *  count), never a red error; after leaving the field (blurred) the reason is said as it is. */
function checkText(c: IdCheck | null, text: string, blurred = false): CheckText {
  if (!c || !text.trim()) return { state: "", ok: "", error: "", cls: "" };
  if (c.ok) {
    const key = c.kind === "samordningsnummer" ? "pnr.validSamordning" : "pnr.valid";
    return { state: "✓", ok: t(key, { display: c.display ?? "", age: c.age ?? "" }), error: "", cls: "valid" };
  }
  const digits = text.replace(/[^0-9]/g, "").length;
  const reason = pick(c.errorSv ?? "", c.errorEn);
  if (!blurred && stillTyping(text)) return { state: "", ok: "", error: digits < 10 ? reason : t("pnr.typing12", { n: digits }), cls: "typing" };
  return { state: "✗", ok: "", error: reason, cls: "invalid" };
}

export class QueryView {
  readonly el: HTMLElement;
  readonly pnrInput: HTMLInputElement;
  private readonly pnrState: HTMLElement;
  private readonly pnrOk: HTMLElement;
  private readonly pnrError: HTMLElement;
  private readonly pnrRow: HTMLElement;
  private readonly flowsEl: HTMLElement;
  private readonly confirmEl: HTMLElement;
  private readonly flowHint: HTMLElement;

  /** The personnummer field was left with this text (its check is then said in full). */
  private blurredText: string | null = null;
  /** The last check said aloud per field, so each is said once. */
  private spoken = "";
  private readonly spokenFor = { agent: "", guardian: "" };

  constructor(
    private readonly counter: Counter,
    private readonly announce: (text: string) => void = () => {},
  ) {
    this.pnrInput = h("input", {
      id: "pnr",
      type: "text",
      inputmode: "numeric",
      autocomplete: "off",
      spellcheck: "false",
      maxlength: 16,
      placeholder: t("pnr.placeholder"),
      "aria-describedby": "pnr-hint",
      value: counter.pnr,
      on: {
        input: () => {
          this.blurredText = null;
          void this.counter.setPnr(this.pnrInput.value);
        },
        blur: () => {
          this.blurredText = this.pnrInput.value;
          this.renderChecks();
        },
      },
    });
    this.pnrState = h("span", { id: "pnr-state", class: "pnr-state", "aria-hidden": "true" });
    this.pnrOk = h("span", { id: "pnr-ok" });
    this.pnrError = h("span", { id: "pnr-error" });
    this.pnrRow = h("div", { class: "pnr-row" }, this.pnrInput, this.pnrState);
    this.flowsEl = h("fieldset", { id: "flows", class: "flows" });
    this.flowHint = h("p", { id: "flow-hint", class: "pnr-hint small invalid" });
    this.confirmEl = h("div", { id: "confirmations", class: "confirmations" });
    this.el = h(
      "section",
      { class: "query", "aria-label": t("query.label") },
      h("label", { for: "pnr", class: "field-label" }, t("pnr.label")),
      this.pnrRow,
      // Not a live region: read with the field (aria-describedby); said aloud only when the
      // number is complete or the field is left (renderChecks), not at every keystroke.
      h("div", { id: "pnr-hint", class: "pnr-hint" }, this.pnrOk, this.pnrError),
      this.flowsEl,
      this.flowHint,
      h("button", { type: "button", id: "fetch", class: "primary fetch-btn", on: { click: () => void this.counter.lookup() } }, t("fetch.button"), " ", h("kbd", null, "⏎ Enter")),
    );
    this.renderFlows();
    this.renderChecks();
  }

  /** Writes the model's texts into the fields (after Avsluta kund they are empty). */
  syncInputs() {
    if (this.pnrInput.value !== this.counter.pnr) this.pnrInput.value = this.counter.pnr;
    const agent = this.el.querySelector<HTMLInputElement>("#agent");
    if (agent && agent.value !== this.counter.agent) agent.value = this.counter.agent;
    const guardian = this.el.querySelector<HTMLInputElement>("#guardian");
    if (guardian && guardian.value !== this.counter.guardian) guardian.value = this.counter.guardian;
    const consent = this.el.querySelector<HTMLInputElement>("#consent");
    if (consent) consent.checked = this.counter.consent;
    const identity = this.el.querySelector<HTMLInputElement>("#identity");
    if (identity) identity.checked = this.counter.identityChecked;
  }

  renderChecks() {
    const blurred = this.blurredText !== null && this.blurredText === this.counter.pnr;
    const c = checkText(this.counter.checks.pnr, this.counter.pnr, blurred);
    const said = c.ok || c.error;
    if (c.cls !== "typing" && said && said !== this.spoken) this.announce(said);
    this.spoken = c.cls === "typing" ? "" : said;
    this.pnrState.textContent = c.state;
    this.pnrOk.textContent = c.ok;
    this.pnrError.textContent = c.error;
    this.pnrRow.className = `pnr-row ${c.cls}`;
    this.pnrInput.setAttribute("aria-invalid", c.cls === "invalid" ? "true" : "false");
    for (const field of ["agent", "guardian"] as const) {
      const el = this.el.querySelector<HTMLElement>(`#${field}-hint`);
      if (!el) continue;
      const x = checkText(this.counter.checks[field], this.counter[field]);
      el.textContent = x.ok || x.error;
      const said = x.cls === "typing" ? "" : x.ok || x.error;
      if (said && said !== this.spokenFor[field]) this.announce(said);
      this.spokenFor[field] = said;
      el.className = `pnr-hint small ${x.cls}`;
      const state = this.el.querySelector<HTMLElement>(`#${field}-state`);
      if (state) state.textContent = x.state;
      const row = state?.parentElement;
      if (row) row.className = `pnr-row small ${x.cls}`;
    }
  }

  /** A short word when an F-key has no flow for this role. */
  flashHint(text: string) {
    this.flowHint.textContent = text;
    this.announce(text);
  }

  /** The flow picker and the confirmations; rebuilt when the flow changes. */
  renderFlows() {
    this.flowHint.textContent = "";
    const hadFocus = this.flowsEl.contains(document.activeElement);
    const main = this.counter.mainOf();
    const flows = this.counter.mainFlows();
    const option = (f: FlowInfo, name: string, selected: boolean, fkey: boolean) =>
      h(
        "label",
        { class: `flow-option${selected ? " selected" : ""}`, "data-flow": f.flow },
        h("input", { type: "radio", name, value: f.flow, checked: selected, on: { change: () => this.counter.selectFlow(f.flow) } }),
        fkey && h("span", { class: "fkey" }, `F${f.fkey}`),
        h("span", { class: "flow-text" }, h("span", { class: "flow-label" }, pick(f.labelSv, f.labelEn)), h("span", { class: "flow-summary", title: pick(f.summarySv, f.summaryEn) }, pick(f.summarySv, f.summaryEn))),
      );
    const variants = this.counter.variants(main);
    const mainInfo = this.counter.info(main);
    // Variants of the chosen flow (e.g. Läkemedelsstöd for a dos patient) sit right under it,
    // compact: the label, with what it allows on hover.
    const variantGroup =
      variants.length > 0 && mainInfo
        ? h(
            "div",
            { class: "variants", role: "radiogroup", "aria-label": t("flows.variant") },
            [mainInfo, ...variants].map((f) =>
              h(
                "label",
                { class: `variant-option${f.flow === this.counter.flow ? " selected" : ""}`, "data-flow": f.flow, title: pick(f.summarySv, f.summaryEn) },
                h("input", { type: "radio", name: "variant", value: f.flow, checked: f.flow === this.counter.flow, on: { change: () => this.counter.selectFlow(f.flow) } }),
                h("span", null, pick(f.labelSv, f.labelEn)),
              ),
            ),
          )
        : null;
    fill(
      this.flowsEl,
      h("legend", { class: "field-label" }, t("flows.legend")),
      // What the chosen flow needs is asked right under it.
      flows.length ? flows.map((f) => [option(f, "flow", f.flow === main, true), f.flow === main ? [variantGroup, this.confirmEl] : null]) : h("p", { class: "muted" }, t("flows.none")),
    );
    if (hadFocus) {
      const sel = this.flowsEl.querySelector<HTMLInputElement>(`input[name=flow][value="${main}"]`);
      sel?.focus();
    }
    this.renderConfirmations();
  }

  private renderConfirmations() {
    const needs = this.counter.needs();
    const parts: HTMLElement[] = [];
    const checkbox = (id: string, label: string, checked: boolean, set: (v: boolean) => void) =>
      h("label", { class: "check" }, h("input", { type: "checkbox", id, checked, on: { change: (e: Event) => set((e.target as HTMLInputElement).checked) } }), h("span", null, label));
    const pnrField = (id: "agent" | "guardian", label: string, value: string, set: (v: string) => Promise<void>) =>
      h(
        "div",
        { class: "confirm-pnr" },
        h("label", { for: id, class: "field-label small" }, label),
        h(
          "div",
          { class: "pnr-row small" },
          h("input", { id, type: "text", inputmode: "numeric", autocomplete: "off", spellcheck: "false", maxlength: 16, value, "aria-describedby": `${id}-hint`, on: { input: (e: Event) => void set((e.target as HTMLInputElement).value) } }),
          h("span", { id: `${id}-state`, class: "pnr-state", "aria-hidden": "true" }),
        ),
        h("div", { id: `${id}-hint`, class: "pnr-hint small" }),
      );
    if (needs.has("patient-consent")) parts.push(checkbox("consent", t("confirm.consent"), this.counter.consent, (v) => this.counter.setConsent(v)));
    if (needs.has("identity-checked")) parts.push(checkbox("identity", t("confirm.identity"), this.counter.identityChecked, (v) => this.counter.setIdentityChecked(v)));
    if (needs.has("agent-personnummer")) parts.push(pnrField("agent", t("confirm.agent"), this.counter.agent, (v) => this.counter.setAgent(v)));
    if (needs.has("guardian-personnummer")) parts.push(pnrField("guardian", t("confirm.guardian"), this.counter.guardian, (v) => this.counter.setGuardian(v)));
    fill(this.confirmEl, parts);
    this.confirmEl.hidden = parts.length === 0;
    this.renderChecks();
  }

  /** The fields where Enter fetches: the personnummer, and the agent's or guardian's number that
   *  completes the question. */
  isLookupField(el: Element | null): boolean {
    return el instanceof HTMLInputElement && this.el.contains(el) && (el === this.pnrInput || el.id === "agent" || el.id === "guardian");
  }

  focusPnr(select = false) {
    this.pnrInput.focus();
    if (select) this.pnrInput.select();
  }
}
