// The counter's state and rules, free of DOM: one customer (errand) at a time. Views render it
// and call its methods; tests drive it directly or through the views.
//
// Patient safety lives here:
// - every lookup gets a token; an answer whose token is no longer the newest is dropped, so a
//   slow earlier lookup can never overwrite a newer one (the shell drops stale ones too);
// - starting a lookup clears the previous patient at once (the "fetching" state has no data);
// - Avsluta kund and the idle timeout drop every patient detail held here and tell the shell.
import { asClientError, type Backend } from "./backend";
import { t } from "./i18n";
import type { FlowInfo } from "./bindings/FlowInfo";
import type { Flow } from "./bindings/Flow";
import type { IdCheck } from "./bindings/IdCheck";
import type { LookupRequest } from "./bindings/LookupRequest";
import type { LookupResult } from "./bindings/LookupResult";
import type { ClientError } from "./bindings/ClientError";
import type { Requirement } from "./bindings/Requirement";
import type { PrescriptionView } from "./bindings/PrescriptionView";
import type { TreatmentReasonResult } from "./bindings/TreatmentReasonResult";

export type Tab = "current" | "future" | "past" | "dispenses" | "locks";
export const TABS: Tab[] = ["current", "future", "past", "dispenses", "locks"];

export type Status =
  | { kind: "empty"; ended: boolean }
  | { kind: "fetching"; request: LookupRequest }
  | { kind: "result"; result: LookupResult }
  | { kind: "error"; error: ClientError; request: LookupRequest | null }
  | { kind: "idle-cleared"; minutes: number };

/** What changed, so a view re-renders only that region. */
export type Change = "input" | "checks" | "flow" | "status" | "tab" | "reveal" | "reason";

/** A treatment reason asked for on a row of the shown list. */
export type ReasonState = { kind: "pending" } | { kind: "done"; result: TreatmentReasonResult } | { kind: "error"; error: ClientError };

/** How a row's treatment reason may be asked for: the consent variant (the locked-reason one for
 *  a locked reason) and, for a patient under 18, the child variant. */
export type ReasonOptions = { consent: FlowInfo | null; child: FlowInfo | null; locked: boolean };

type Field = "pnr" | "agent" | "guardian";

/** Error codes after which trying again can help (network, server, rate limit). */
export const RETRYABLE = new Set<ClientError["code"]>(["unreachable", "timeout", "server-error", "rate-limited", "tls-failure", "malformed-response", "token-unavailable"]);

export class Counter {
  pnr = "";
  agent = "";
  guardian = "";
  checks: Record<Field, IdCheck | null> = { pnr: null, agent: null, guardian: null };
  flow: Flow;
  consent = false;
  identityChecked = false;
  status: Status = { kind: "empty", ended: false };
  /** Values revealed on purpose, for this errand only (key → value). */
  revealed = new Map<string, string>();
  /** A reveal that failed (shown without losing the list). */
  revealError: ClientError | null = null;
  /** Treatment reasons asked for on rows of the shown list, for this errand only (prescription id → state). */
  reasons = new Map<string, ReasonState>();
  tab: Tab = "current";
  /** After an answer the next typed digit starts a new number (the field is selected). */
  replaceOnNextInput = false;

  private token = 0;
  private checkTokens: Record<Field, number> = { pnr: 0, agent: 0, guardian: 0 };
  private listeners: ((c: Change) => void)[] = [];

  constructor(
    private readonly backend: Backend,
    readonly flows: FlowInfo[],
  ) {
    this.flow = this.defaultFlow();
  }

  onChange(fn: (c: Change) => void): () => void {
    this.listeners.push(fn);
    return () => (this.listeners = this.listeners.filter((l) => l !== fn));
  }

  private emit(c: Change) {
    for (const l of this.listeners) l(c);
  }

  /** The flows offered in the picker: the role's main flows, in F-key order. */
  mainFlows(): FlowInfo[] {
    return this.flows.filter((f) => f.fkey !== null && f.flow === f.mainFlow).sort((a, b) => (a.fkey ?? 0) - (b.fkey ?? 0));
  }

  /** Variants of a main flow the role may pick up front (e.g. Läkemedelsstöd for a dos patient). */
  variants(main: Flow): FlowInfo[] {
    return this.flows.filter((f) => f.mainFlow === main && f.flow !== main && !f.readsOnePrescription);
  }

  info(flow: Flow = this.flow): FlowInfo | undefined {
    return this.flows.find((f) => f.flow === flow);
  }

  mainOf(flow: Flow = this.flow): Flow {
    return this.info(flow)?.mainFlow ?? flow;
  }

  private defaultFlow(): Flow {
    return this.mainFlows()[0]?.flow ?? "expediering";
  }

  /** The confirmations the chosen flow asks for before anything is sent. */
  needs(flow: Flow = this.flow): Set<Requirement> {
    const info = this.info(flow);
    return new Set((info?.requires ?? []).filter((r) => r.checkedBy === "confirmation").map((r) => r.requirement));
  }

  selectFlow(flow: Flow) {
    if (flow === this.flow || !this.info(flow)) return;
    this.flow = flow;
    // A confirmation belongs to the errand it was given for.
    this.consent = false;
    this.identityChecked = false;
    this.agent = "";
    this.guardian = "";
    this.checks.agent = null;
    this.checks.guardian = null;
    this.emit("flow");
  }

  /** F1–F5. False when the role has no flow on that key. */
  selectByFKey(n: number): boolean {
    const f = this.mainFlows().find((x) => x.fkey === n);
    if (!f) return false;
    this.selectFlow(f.flow);
    return true;
  }

  setConsent(v: boolean) {
    this.consent = v;
    this.emit("input");
  }

  setIdentityChecked(v: boolean) {
    this.identityChecked = v;
    this.emit("input");
  }

  /** The personnummer as typed or scanned. A new number means a new customer: the shown one goes. */
  async setPnr(text: string): Promise<void> {
    this.replaceOnNextInput = false;
    const previous = this.pnr;
    this.pnr = text;
    if (text !== previous && (this.status.kind === "result" || this.status.kind === "error" || this.status.kind === "idle-cleared" || (this.status.kind === "empty" && this.status.ended))) {
      const hadPatient = this.status.kind === "result";
      if (hadPatient) {
        // A new number after a shown patient is a new customer: confirmations given for the
        // previous one (consent, ID checked, agent, guardian) do not carry over.
        this.consent = false;
        this.identityChecked = false;
        this.agent = "";
        this.guardian = "";
        this.checks.agent = null;
        this.checks.guardian = null;
      }
      this.token++;
      this.revealed.clear();
      this.reasons.clear();
      this.revealError = null;
      this.status = { kind: "empty", ended: false };
      this.emit("status");
      if (hadPatient) void this.backend.endCustomer().catch(() => undefined);
    }
    await this.validate("pnr", text);
  }

  async setAgent(text: string): Promise<void> {
    this.agent = text;
    await this.validate("agent", text);
  }

  async setGuardian(text: string): Promise<void> {
    this.guardian = text;
    await this.validate("guardian", text);
  }

  private async validate(field: Field, text: string) {
    const token = ++this.checkTokens[field];
    if (!text.trim()) {
      this.checks[field] = null;
      this.emit("checks");
      return;
    }
    try {
      const check = await this.backend.checkId(text);
      if (token !== this.checkTokens[field]) return; // the user typed on
      this.checks[field] = check;
    } catch {
      if (token !== this.checkTokens[field]) return;
      this.checks[field] = null;
    }
    this.emit("checks");
  }

  request(): LookupRequest {
    const needs = this.needs();
    return {
      personnummer: this.pnr.trim(),
      flow: this.flow,
      consent: needs.has("patient-consent") && this.consent,
      identityChecked: needs.has("identity-checked") && this.identityChecked,
      agent: needs.has("agent-personnummer") ? this.agent.trim() || null : null,
      guardian: needs.has("guardian-personnummer") ? this.guardian.trim() || null : null,
      prescriptionId: null,
    };
  }

  /** Enter. Runs the flow for the number in the field; the previous patient is gone at once. */
  async lookup(): Promise<void> {
    if (!this.pnr.trim()) {
      this.showLocalError("invalid-input", "state.noPnr");
      return;
    }
    await this.run(this.request());
  }

  /** After network trouble: the same request again. */
  async retry(): Promise<void> {
    if (this.status.kind === "error" && this.status.request) await this.run(this.status.request);
  }

  private showLocalError(code: ClientError["code"], key: "state.noPnr") {
    const message = t(key);
    this.token++;
    this.revealed.clear();
    this.reasons.clear();
    this.status = { kind: "error", error: { code, message, messageEn: message, requestId: null, nllCode: null, httpStatus: null, denialRule: null }, request: null };
    this.emit("status");
  }

  private async run(request: LookupRequest) {
    const token = ++this.token;
    this.revealed.clear();
    this.reasons.clear();
    this.revealError = null;
    this.status = { kind: "fetching", request };
    this.emit("status");
    let next: Status;
    try {
      const result = await this.backend.lookup(request);
      if (token !== this.token) return; // a newer lookup or Avsluta kund came in between
      next = { kind: "result", result };
    } catch (e) {
      if (token !== this.token) return;
      const error = asClientError(e);
      // Superseded in the shell by a newer lookup: that one's answer is what counts.
      if (error.code === "cancelled" || error.code === "stale") return;
      next = { kind: "error", error, request };
    }
    this.status = next;
    this.tab = "current";
    this.replaceOnNextInput = true;
    this.emit("status");
  }

  /** One masked value, on purpose, after the user confirmed. The shell logs it. */
  async reveal(key: string): Promise<void> {
    if (this.status.kind !== "result") return;
    const token = this.token;
    try {
      const r = await this.backend.reveal(this.status.result.lookupSeq, key);
      if (token !== this.token) return;
      this.revealed.set(key, r.value);
      this.revealError = null;
    } catch (e) {
      if (token !== this.token) return;
      this.revealError = asClientError(e);
    }
    this.emit("reveal");
  }

  /** The shown flow's treatment-reason variants the role may use (started from a row). */
  reasonVariants(): FlowInfo[] {
    if (this.status.kind !== "result") return [];
    const shown = this.status.result.context.flow;
    return this.flows.filter((f) => f.mainFlow === shown && f.flow !== shown && f.readsOnePrescription);
  }

  /** What may be offered for a row: nothing unless its reason was withheld. The variants are
   *  found by what they require (policy data), not by name. */
  reasonOptions(rx: PrescriptionView): ReasonOptions {
    const none: ReasonOptions = { consent: null, child: null, locked: false };
    if (this.status.kind !== "result" || rx.treatmentReason.kind !== "withheld") return none;
    const variants = this.reasonVariants();
    const requiring = (q: Requirement) => variants.find((f) => f.requires.some((r) => r.requirement === q)) ?? null;
    const read = this.reasons.get(rx.id);
    if (read?.kind === "done") {
      // NLL still withheld it: the patient has locked the reason, which the list does not always
      // say. Only the locked-reason consent can open it now, unless that was what was asked.
      const lockedVariant = requiring("locked-treatment-reason-consent");
      if (read.result.reason.kind !== "withheld" || !lockedVariant || read.result.flow === lockedVariant.flow) return none;
      return { consent: lockedVariant, child: null, locked: true };
    }
    // A privacy lock on the prescription covers its reason too: only the locked-reason consent opens it.
    const locked = rx.markers.includes("privacyLocked");
    const age = this.status.result.list.list.patient.age;
    return {
      consent: requiring(locked ? "locked-treatment-reason-consent" : "treatment-reason-consent"),
      child: age !== null && age < 18 ? requiring("patient-under18") : null,
      locked,
    };
  }

  /** Reads one row's treatment reason on purpose. The shown list stays; the answer lives here for
   *  this errand only. Resolves with the error (also kept for the row), or null. */
  async treatmentReason(prescriptionId: string, flow: Flow, consent: boolean): Promise<ClientError | null> {
    if (this.status.kind !== "result") return null;
    const token = this.token;
    const lookupSeq = this.status.result.lookupSeq;
    this.reasons.set(prescriptionId, { kind: "pending" });
    this.emit("reason");
    try {
      const result = await this.backend.treatmentReason({ lookupSeq, prescriptionId, flow, consent });
      if (token !== this.token) return null; // another customer or list by now
      this.reasons.set(prescriptionId, { kind: "done", result });
      this.emit("reason");
      return null;
    } catch (e) {
      if (token !== this.token) return null;
      const error = asClientError(e);
      this.reasons.set(prescriptionId, { kind: "error", error });
      this.emit("reason");
      return error;
    }
  }

  /** Of the shown list's withheld treatment reasons, how many were read on purpose (shown, or
   *  found to be none): for the notice under NLL's count. */
  reasonsRead(): { read: number; withheld: number } {
    if (this.status.kind !== "result") return { read: 0, withheld: 0 };
    const withheld = this.status.result.list.list.prescriptions.filter((rx) => rx.treatmentReason.kind === "withheld");
    const read = withheld.filter((rx) => {
      const s = this.reasons.get(rx.id);
      return s?.kind === "done" && s.result.reason.kind !== "withheld";
    }).length;
    return { read, withheld: withheld.length };
  }

  setTab(tab: Tab) {
    if (this.tab === tab) return;
    this.tab = tab;
    this.emit("tab");
  }

  /** Is anything of a customer held (typed numbers, answers, revealed values)? */
  hasCustomer(): boolean {
    return this.status.kind === "result" || this.status.kind === "error" || this.status.kind === "fetching" || this.pnr !== "" || this.agent !== "" || this.guardian !== "" || this.revealed.size > 0 || this.reasons.size > 0;
  }

  /** Avsluta kund (Esc) or the idle timeout: forget everything of this customer, here and in the shell. */
  async endCustomer(reason: "user" | "idle", idleMinutes = 0): Promise<void> {
    this.token++;
    for (const f of ["pnr", "agent", "guardian"] as Field[]) this.checkTokens[f]++;
    const hadSomething = this.hasCustomer();
    this.pnr = "";
    this.agent = "";
    this.guardian = "";
    this.checks = { pnr: null, agent: null, guardian: null };
    this.consent = false;
    this.identityChecked = false;
    this.revealed.clear();
    this.reasons.clear();
    this.revealError = null;
    this.flow = this.defaultFlow();
    this.tab = "current";
    this.replaceOnNextInput = false;
    this.status = reason === "idle" ? { kind: "idle-cleared", minutes: idleMinutes } : { kind: "empty", ended: hadSomething };
    this.emit("status");
    await this.backend.endCustomer().catch(() => undefined);
  }
}
