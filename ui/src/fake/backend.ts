// An in-memory Backend with Swedish test data, so the UI runs in a plain browser (`?fake=1`) and
// its logic is tested without Rust. It imitates the shell closely where the UI depends on it:
// the policy's refusals (same sentences), masking with reveal keys, stale lookups, the access
// log, printers that fail. Shapes are the generated Rust types.
import type { Backend } from "../backend";
import type { SessionInfo } from "../bindings/SessionInfo";
import type { CentralStatus } from "../bindings/CentralStatus";
import type { FlowInfo } from "../bindings/FlowInfo";
import type { IdCheck } from "../bindings/IdCheck";
import type { LookupRequest } from "../bindings/LookupRequest";
import type { LookupResult } from "../bindings/LookupResult";
import type { MedicationList } from "../bindings/MedicationList";
import type { MaskedList } from "../bindings/MaskedList";
import type { MaskedField } from "../bindings/MaskedField";
import type { MaskedFieldKind } from "../bindings/MaskedFieldKind";
import type { Guarded } from "../bindings/Guarded";
import type { Revealed } from "../bindings/Revealed";
import type { TreatmentReasonRequest } from "../bindings/TreatmentReasonRequest";
import type { TreatmentReasonResult } from "../bindings/TreatmentReasonResult";
import type { LogEntry } from "../bindings/LogEntry";
import type { AccessLogQuery } from "../bindings/AccessLogQuery";
import type { Settings } from "../bindings/Settings";
import type { SecretInput } from "../bindings/SecretInput";
import type { DoctorReport } from "../bindings/DoctorReport";
import type { ConfigProblem } from "../bindings/ConfigProblem";
import type { ClientError } from "../bindings/ClientError";
import type { DenialRule } from "../bindings/DenialRule";
import type { UserInfo } from "../bindings/UserInfo";
import type { TrainingUser } from "../bindings/TrainingUser";
import type { PrintoutKind } from "../bindings/PrintoutKind";
import type { Notice } from "../bindings/Notice";
import type { GlnCheck } from "../bindings/GlnCheck";
import type { PrinterInfo } from "../bindings/PrinterInfo";
import type { PrintOutcome } from "../bindings/PrintOutcome";
import type { PrintPreview } from "../bindings/PrintPreview";
import type { PickFileKind } from "../backend-types";
import flowsJson from "./flows.json";
import { catalogue, daysAgo, type FakePatient } from "./patients";
import { ageOn, checkGln, checkId, FAKE_TODAY } from "./ids";

/** The real policy's flows for a farmaceut, written by `nllc flows --role farmaceut --json` in the cli tests. */
export const FAKE_FLOWS = flowsJson as FlowInfo[];

const USERS: (TrainingUser & { hsa: string; gln: string; town: string })[] = [
  { login: "farmaceut", name: "Anna Lindqvist", role: "FARMACEUT", pharmacy: "Apotek Kronan Centrum", hsa: "SE5565594230-F001", gln: "7350045511119", town: "Stockholm" },
  { login: "apotekspersonal", name: "Erik Johansson", role: "APOTEKSPERSONAL", pharmacy: "Apotek Kronan Centrum", hsa: "SE5565594230-A002", gln: "7350045511119", town: "Stockholm" },
  { login: "farmaceut-goteborg", name: "Fatima Haddad", role: "FARMACEUT", pharmacy: "Apotek Kronan Nordstan", hsa: "SE5565594230-F003", gln: "7350045511126", town: "Göteborg" },
];

export const PRINTOUT_TITLES: Record<PrintoutKind, string> = {
  "aktuella-recept": "Aktuella recept",
  uthamtade: "Uthämtade läkemedel",
  forteckning: "Förteckning recept",
  forskrivningshistorik: "Förskrivningshistorik",
};

let requestCounter = 0;
function requestId(): string {
  requestCounter += 1;
  const n = requestCounter.toString(16).padStart(12, "0");
  return `7f0c2a1e-${n.slice(0, 4)}-4${n.slice(4, 7)}-8${n.slice(7, 10)}-0000000${n.slice(0, 5)}`;
}

function err(code: ClientError["code"], message: string, messageEn: string, extra: Partial<ClientError> = {}): ClientError {
  return { code, message, messageEn, requestId: null, nllCode: null, httpStatus: null, denialRule: null, ...extra };
}

function denial(rule: DenialRule, sv: string, en: string): ClientError {
  return err("policy-denied", sv, en, { denialRule: rule });
}

type Current = {
  seq: number;
  patient: FakePatient;
  clear: MedicationList;
  masked: MaskedList;
  values: Map<string, { kind: MaskedFieldKind; value: string }>;
  flow: FlowInfo;
};

export type FakeOptions = {
  /** Milliseconds every lookup takes (the browser demo sets a little, so "Hämtar…" shows). */
  latencyMs?: number;
};

export class FakeBackend implements Backend {
  readonly kind = "fake" as const;
  announceReady() {
    return Promise.resolve();
  }
  readonly patients = catalogue();
  user: (typeof USERS)[number] | null = null;
  settings: Settings = { live: null, printer: null, idleTimeoutMinutes: 3, language: "sv", locked: [], files: [], userFile: "/home/apotek/.config/receptdisk/receptdisk.toml" };
  /** A configuration that could not be read at start (tests of the broken-file screen). */
  configProblem: ConfigProblem | null = null;
  /** Set: the keyring cannot store secrets (tests of saving all or nothing). */
  keyringBroken: string | null = null;
  /** What the next Testa anslutningen answers. */
  doctor: DoctorReport = { steps: [{ status: "ok", message: "Inställningar lästa", messageEn: "Settings read", code: null }] };
  log: LogEntry[] = [];
  /** What the app's start-up check of the log found (a broken chain …). */
  logWarning: SessionInfo["logWarning"] = null;
  /** The chain's central log as the shell reports it; not configured unless a test sets it. */
  central: CentralStatus = { configured: false, target: null, acknowledged: 0, waiting: 0, oldestWaiting: null, lastAttempt: null, lastError: null };
  /** Per-lookup delays in ms, consumed in order (tests make an earlier lookup slower). */
  delays: number[] = [];
  /** A superseded lookup still answers with its own (old) patient instead of `cancelled`: the
   * worst a shell could do, so the UI's own check that only the newest answer is shown is tested. */
  lateSuccesses = false;
  latencyMs: number;
  /** Failures the next treatment-reason reads answer with, in order (tests of the error path). */
  reasonFaults: ClientError[] = [];
  /** Every call, in order, by method name (tests assert what the UI asked for). */
  calls: string[] = [];
  secrets = new Map<string, string>();
  savedFiles: string[] = [];
  lastCsv: string | null = null;
  printed: { kind: PrintoutKind; printer: string; copies: number }[] = [];
  printers: PrinterInfo[] = [
    { name: "Disken", state: "idle", reason: null, accepting: true, isDefault: true },
    { name: "PDF", state: "idle", reason: null, accepting: true, isDefault: false },
    { name: "Kontoret", state: "stopped", reason: "Papperet är slut", accepting: true, isDefault: false },
  ];
  private seq = 0;
  private session = "3c1d5e0a-6b8f-4a57-9d2e-5f0c7b1a9e44";
  private current: Current | null = null;
  private failedOnce = new Set<string>();

  constructor(opts: FakeOptions = {}) {
    this.latencyMs = opts.latencyMs ?? 0;
  }

  /** Is any patient data held (tests of Avsluta kund)? */
  hasPatientData(): boolean {
    return this.current !== null;
  }

  private userInfo(): UserInfo | null {
    const u = this.user;
    if (!u) return null;
    return { user: u.hsa, name: u.name, role: u.role, org: { orgNamn: "Apotek Kronan AB", orgenhetsId: u.gln, orgenhetsNamn: u.pharmacy, orgenhetsOrt: u.town } };
  }

  private flowsFor(): FlowInfo[] {
    const role = this.user?.role;
    return role ? FAKE_FLOWS.filter((f) => f.roles.includes(role)) : [];
  }

  async sessionInfo(): Promise<SessionInfo> {
    this.calls.push("sessionInfo");
    return {
      training: this.settings.live === null,
      version: "0.1.0",
      user: this.userInfo(),
      flows: this.flowsFor(),
      trainingUsers: USERS.map(({ login, name, role, pharmacy }) => ({ login, name, role, pharmacy })),
      settings: structuredClone(this.settings),
      logWarning: this.logWarning,
      configProblem: this.configProblem,
    };
  }

  async login(login: string | null): Promise<SessionInfo> {
    this.calls.push("login");
    const u = USERS.find((x) => x.login === (login ?? "farmaceut"));
    if (!u) throw err("login-failed", "Inloggningen misslyckades: okänd testanvändare.", "Login failed: unknown test user.");
    this.user = u;
    return this.sessionInfo();
  }

  async logout() {
    this.calls.push("logout");
    this.current = null;
    this.user = null;
  }

  async checkId(text: string): Promise<IdCheck> {
    this.calls.push("checkId");
    return checkId(text);
  }

  async checkGln(text: string): Promise<GlnCheck> {
    this.calls.push("checkGln");
    return checkGln(text);
  }

  private logRow(kind: LogEntry["kind"], flow: FlowInfo, fields: Partial<LogEntry>) {
    const u = this.userInfo()!;
    this.log.push({
      id: this.log.length + 1,
      uuid: `0190c0de-0000-7000-8000-${String(this.log.length + 1).padStart(12, "0")}`,
      time: new Date().toISOString(),
      gln: u.org.orgenhetsId,
      workstation: "disk-1",
      appVersion: "0.1.0",
      kind,
      user: u.user,
      role: u.role,
      flow: flow.flow,
      purpose: flow.purposeCode,
      access: flow.accessCode,
      resource: null,
      patientRef: null,
      protected: null,
      requestId: null,
      contextId: this.session,
      outcome: "ok",
      httpStatus: null,
      nllCode: null,
      fieldKey: null,
      mode: null,
      printer: null,
      pages: null,
      copies: null,
      masked: null,
      detail: null,
      prevHash: "",
      hash: "",
      ...fields,
    });
  }

  async lookup(req: LookupRequest): Promise<LookupResult> {
    this.calls.push("lookup");
    const seq = ++this.seq;
    this.current = null;
    const delay = this.delays.length ? this.delays.shift()! : this.latencyMs;
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    if (seq !== this.seq && !this.lateSuccesses) throw err("cancelled", "Hämtningen avbröts av en nyare.", "The lookup was replaced by a newer one.");
    const u = this.user;
    if (!u) throw err("invalid-input", "Du är inte inloggad. Logga in först.", "You are not logged in. Log in first.");
    const flow = this.flowsFor().find((f) => f.flow === req.flow);
    const anyFlow = FAKE_FLOWS.find((f) => f.flow === req.flow);
    if (!anyFlow) throw err("invalid-input", "Okänt ärende.", "Unknown flow.");
    const refuse = (e: ClientError) => {
      this.logRow("denial", anyFlow, { outcome: `denied: ${e.denialRule ?? e.code}` });
      return e;
    };
    if (!flow) {
      throw refuse(denial("wrong-role", `${anyFlow.labelSv} kräver rollen farmaceut; du är inloggad som apotekspersonal.`, `${anyFlow.labelEn} requires the role pharmacist; you are signed in as pharmacy staff.`));
    }
    const needs = new Set(flow.requires.map((r) => r.requirement));
    if (needs.has("patient-consent") && !req.consent) {
      throw refuse(denial("consent-missing", "Läkemedelsstöd kräver att patienten är på plats och samtycker: bekräfta samtycket först.", "Medication support requires the patient to be present and consent: confirm the consent first."));
    }
    if (needs.has("identity-checked") && !req.identityChecked) {
      throw refuse(denial("identity-not-checked", "Egna uppgifter kräver att du har kontrollerat legitimation och att personen vid disken är patienten: bekräfta det först.", "Own data requires that you checked ID and that the person at the counter is the patient: confirm it first."));
    }
    const agent = req.agent ? checkId(req.agent) : null;
    if (needs.has("agent-personnummer") && !agent?.ok) {
      throw refuse(denial("agent-missing", "Ombud med fullmakt kräver ombudets personnummer: ange det först.", "Agent with power of attorney requires the agent's personal identity number: enter it first."));
    }
    const guardian = req.guardian ? checkId(req.guardian) : null;
    if (needs.has("guardian-personnummer") && !guardian?.ok) {
      throw refuse(denial("guardian-missing", "Vårdnadshavare kräver vårdnadshavarens personnummer: ange det först.", "Guardian requires the guardian's personal identity number: enter it first."));
    }
    const id = checkId(req.personnummer);
    if (!id.ok) throw err("invalid-input", id.errorSv!, id.errorEn!);
    const rid = requestId();
    if (id.twelve === "191212121212" && !this.failedOnce.has(id.twelve)) {
      this.failedOnce.add(id.twelve);
      this.logRow("request", flow, { resource: "patient", requestId: rid, outcome: "unreachable" });
      throw err("unreachable", `Nationella läkemedelslistan svarar inte. Försök igen om en stund; kvarstår felet, kontakta support (request ${rid.slice(0, 8)}…).`, "The National Medication List does not answer. Try again in a moment; if it persists, contact support.", { requestId: rid });
    }
    if (id.twelve === "197209172381") {
      this.logRow("request", flow, { resource: "patient", requestId: rid, outcome: "nll-refused", httpStatus: 403, nllCode: "2-25-182" });
      throw err("nll-refused", "Nationella läkemedelslistan nekade åtkomst: ändamålet och åtkomsttypen stämmer inte med användarens behörighet. Kontakta apotekets behörighetsadministratör.", "The National Medication List refused access: the purpose and access type do not match the user's authority.", { requestId: rid, httpStatus: 403, nllCode: "2-25-182" });
    }
    const p = this.patients.find((x) => x.personnummer === id.twelve);
    if (!p) {
      this.logRow("request", flow, { resource: "patient", requestId: rid, outcome: "not-found", httpStatus: 200 });
      throw err("patient-not-found", "Ingen patient med det personnumret finns i Nationella läkemedelslistan.", "No patient with that personal identity number is in the National Medication List.", { requestId: rid, httpStatus: 200 });
    }
    const patientRef = nllId(p.key);
    const age = ageOn(id.birthDate!, FAKE_TODAY);
    const post = (e: ClientError) => {
      this.logRow("denial", flow, { patientRef, protected: p.protected, outcome: `denied: ${e.denialRule ?? e.code}` });
      return e;
    };
    if (flow.flow === "vardnadshavare") {
      if (age >= 13) throw post(denial("guardian-of-child13-or-older", `En vårdnadshavare får läsa barnets lista bara om barnet är under 13 år; patienten är ${age} år.`, `A guardian may read the child's list only if the child is under 13; the patient is ${age}.`));
      if (p.protected) throw post(denial("protected-patient-for-agent-or-guardian", "Barnet har skyddade personuppgifter: vårdnadshavarrelationen är borttagen i NLL, så vårdnadshavaren måste visa personbevis på ett fysiskt apotek.", "The child has protected personal data: NLL has removed the guardian relation."));
      if (!p.guardians.includes(guardian!.twelve!)) throw post(denial("no-guardian-relation", "Personen är inte registrerad som vårdnadshavare för barnet i Nationella läkemedelslistan.", "The person is not registered as the child's guardian in the National Medication List."));
    }
    if (flow.flow === "ombud") {
      if (p.protected) throw post(denial("protected-patient-for-agent-or-guardian", "Patienten har skyddade personuppgifter: fullmakter har upphört, så uppgifterna kan inte hämtas som ombud.", "The patient has protected personal data: powers of attorney have ended."));
      if (!p.agents.includes(agent!.twelve!)) throw post(denial("no-power-of-attorney", "Ombudet har ingen aktiv fullmakt från patienten för apoteksärenden, så uppgifterna kan inte hämtas som ombud.", "The agent has no active power of attorney from the patient for pharmacy errands."));
    }
    if (flow.flow === "lakemedelsstod-dos" && !p.dosConsent) {
      throw post(denial("no-dos-consent", "Patienten har inget dossamtycke: använd Läkemedelsstöd med patientens samtycke i stället.", "The patient has no multi-dose consent: use Medication support with the patient's consent instead."));
    }
    const clear = buildList(p, flow, age);
    const { masked, values } = mask(clear);
    for (const r of flow.resources) {
      this.logRow("request", flow, { resource: r, patientRef, protected: p.protected, requestId: requestId(), httpStatus: 200 });
    }
    if (seq === this.seq) this.current = { seq, patient: p, clear, masked, values, flow };
    return {
      sessionId: this.session,
      lookupSeq: seq,
      patientRef,
      list: masked,
      context: {
        role: u.role,
        flow: flow.flow,
        purpose: flow.purpose,
        access: flow.access,
        purposeCode: flow.purposeCode,
        accessCode: flow.accessCode,
        resources: flow.resources,
        windowMonths: flow.windowMonths,
        printouts: p.dosPatient ? flow.printoutsDos : flow.printouts,
      },
      user: this.userInfo()!,
      roundTrips: 2,
      requests: flow.resources.length,
      elapsedMs: delay,
    };
  }

  async reveal(lookupSeq: number, key: string): Promise<Revealed> {
    this.calls.push(`reveal:${key}`);
    const c = this.current;
    const v = c && c.seq === lookupSeq ? c.values.get(key) : undefined;
    if (!c || !v) throw err("nothing-to-reveal", "Uppgiften finns inte längre att visa. Hämta patienten igen.", "The value is no longer there to reveal. Fetch the patient again.");
    this.logRow("reveal", c.flow, { resource: v.kind, patientRef: c.masked.list.patient.nllId, protected: true, fieldKey: key, outcome: "revealed" });
    return { sessionId: this.session, key, kind: v.kind, value: v.value };
  }

  /** Like `Counter::treatment_reason`: the shown list's patient, one prescription, a variant of
   * the shown flow; consent checked before anything is "sent", the child's age after the
   * lookup; a locked reason only with the locked-reason variant. The shown list is not touched. */
  async treatmentReason(req: TreatmentReasonRequest): Promise<TreatmentReasonResult> {
    this.calls.push(`treatmentReason:${req.flow}:${req.prescriptionId}`);
    const c = this.current;
    if (!c || c.seq !== req.lookupSeq) throw err("stale", "Receptlistan visas inte längre (ny sökning eller kunden avslutad) – sök fram patienten igen.", "The prescription list is no longer shown (a new lookup, or the customer was ended) – look the patient up again.");
    const flow = this.flowsFor().find((f) => f.flow === req.flow);
    const oneRx = flow && !flow.resources.includes("list-info") && !flow.resources.includes("medication-dispense");
    if (!flow || !oneRx || flow.mainFlow !== c.flow.flow || flow.flow === c.flow.flow) throw err("invalid-input", "Ärendet kan inte visa en behandlingsorsak i listan som visas.", "That flow cannot show a treatment reason in the list shown.");
    const rx = c.patient.prescriptions.find((r) => r.id === req.prescriptionId);
    if (!rx) throw err("invalid-input", "Receptet finns inte i listan som visas: välj det på en rad i listan.", "The prescription is not in the list shown.");
    const patientRef = c.masked.list.patient.nllId;
    const needs = new Set(flow.requires.map((r) => r.requirement));
    const refuse = (e: ClientError) => {
      this.logRow("denial", flow, { patientRef: needs.has("patient-under18") ? patientRef : null, outcome: `denied: ${e.denialRule ?? e.code}` });
      return e;
    };
    if (needs.has("treatment-reason-consent") && !req.consent) throw refuse(denial("consent-missing", "Behandlingsorsaken visas bara om patienten samtycker nu: bekräfta samtycket först.", "The treatment reason is shown only if the patient consents now: confirm the consent first."));
    if (needs.has("locked-treatment-reason-consent") && !req.consent) throw refuse(denial("consent-missing", "En spärrad behandlingsorsak visas bara om patienten samtycker nu: bekräfta samtycket först.", "A locked treatment reason is shown only if the patient consents now: confirm the consent first."));
    const age = c.masked.list.patient.age ?? 0;
    if (needs.has("patient-under18") && age >= 18) throw refuse(denial("patient-too-old", `Behandlingsorsak utan samtycke för barn gäller bara patienter under 18 år; patienten är ${age} år.`, `Treatment reason without consent for a child applies only to patients under 18; the patient is ${age}.`));
    const delay = this.latencyMs;
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    const rid = requestId();
    const fault = this.reasonFaults.shift();
    if (fault) {
      this.logRow("request", flow, { resource: "medication-request", patientRef, protected: c.patient.protected, requestId: rid, outcome: fault.code, httpStatus: fault.httpStatus });
      throw { ...fault, requestId: rid };
    }
    if (this.current !== c) throw err("stale", "Svaret gällde en tidigare kund eller sökning och visas därför inte – sök igen om det behövs.", "The answer belonged to an earlier customer or lookup.");
    this.logRow("request", flow, { resource: "medication-request", patientRef, protected: c.patient.protected, requestId: rid, httpStatus: 200 });
    const locked = rx.markers.includes("privacyLocked");
    const truth = rx.treatmentReason;
    const reason: TreatmentReasonResult["reason"] = truth.kind !== "shown" ? truth : locked && !needs.has("locked-treatment-reason-consent") ? { kind: "withheld", reason: "masked" } : truth;
    return { sessionId: this.session, lookupSeq: c.seq, prescriptionId: rx.id, flow: flow.flow, reason: structuredClone(reason), requestId: rid };
  }

  async endCustomer() {
    this.calls.push("endCustomer");
    this.current = null;
    this.seq++;
    this.session = `3c1d5e0a-6b8f-4a57-9d2e-${String(this.seq).padStart(12, "0")}`;
  }

  /** Like `Counter::shown`: only the list on screen, named by its sequence number. */
  private shown(lookupSeq: number): Current {
    const c = this.current;
    if (!c || c.seq !== lookupSeq) throw err("stale", "Receptlistan visas inte längre (ny sökning eller kunden avslutad) – sök fram patienten igen.", "The prescription list is no longer shown (a new lookup, or the customer was ended) – look the patient up again.");
    return c;
  }

  async printouts(lookupSeq: number): Promise<PrintoutKind[]> {
    this.calls.push("printouts");
    const c = this.shown(lookupSeq);
    return c.patient.dosPatient ? c.flow.printoutsDos : c.flow.printouts;
  }

  private requirePrintout(lookupSeq: number, kind: PrintoutKind): Current {
    const c = this.shown(lookupSeq);
    const allowed = c.patient.dosPatient ? c.flow.printoutsDos : c.flow.printouts;
    if (!allowed.includes(kind)) throw denial("printout-not-allowed", `Utskriften ${PRINTOUT_TITLES[kind]} erbjuds inte i ${c.flow.labelSv}.`, `The printout is not offered in ${c.flow.labelEn}.`);
    return c;
  }

  async renderPreview(lookupSeq: number, kind: PrintoutKind): Promise<PrintPreview> {
    this.calls.push(`renderPreview:${kind}`);
    const c = this.requirePrintout(lookupSeq, kind);
    const svg = previewSvg(kind, c.masked);
    return { kind, title: PRINTOUT_TITLES[kind], pages: 1 + Math.floor(c.masked.list.dispenses.length / 30), image: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`, masked: c.masked.masked };
  }

  async listPrinters() {
    this.calls.push("listPrinters");
    return structuredClone(this.printers);
  }

  async print(lookupSeq: number, kind: PrintoutKind, printer: string | null, copies: number): Promise<PrintOutcome> {
    this.calls.push(`print:${kind}`);
    this.requirePrintout(lookupSeq, kind);
    const q = this.printers.find((p) => p.name === printer) ?? this.printers.find((p) => p.isDefault);
    if (!q) return { kind: "failed", message: "Ingen skrivare är vald och datorn har ingen standardskrivare.", messageEn: "No printer chosen and no default printer.", kept: `/tmp/receptdisk-utskrifter/${kind}.pdf` };
    if (q.state === "stopped") {
      return {
        kind: "failed",
        message: `Skrivaren ${q.name} är stoppad (${q.reason ?? "okänd orsak"}). Starta om skrivaren eller välj en annan.`,
        messageEn: `The printer ${q.name} is stopped.`,
        kept: `/tmp/receptdisk-utskrifter/${kind}-${FAKE_TODAY}.pdf`,
      };
    }
    this.printed.push({ kind, printer: q.name, copies });
    return { kind: "printed", printer: q.name, jobId: `${q.name}-${this.printed.length + 11}`, confirmed: true };
  }

  async savePdf(lookupSeq: number, kind: PrintoutKind) {
    this.calls.push(`savePdf:${kind}`);
    this.requirePrintout(lookupSeq, kind);
    const path = `/home/apotek/Dokument/${kind}-${FAKE_TODAY}.pdf`;
    this.savedFiles.push(path);
    return path;
  }

  async centralStatus(): Promise<CentralStatus> {
    this.calls.push("centralStatus");
    return { ...this.central };
  }

  async accessLog(q: AccessLogQuery): Promise<LogEntry[]> {
    this.calls.push("accessLog");
    return filterLog(this.log, q).slice().reverse();
  }

  async exportLogCsv(q: AccessLogQuery) {
    this.calls.push("exportLogCsv");
    const rows = filterLog(this.log, q);
    const cols: (keyof LogEntry)[] = ["id", "uuid", "time", "gln", "workstation", "appVersion", "kind", "user", "role", "flow", "purpose", "access", "resource", "patientRef", "protected", "requestId", "contextId", "outcome", "httpStatus", "nllCode", "fieldKey", "mode", "printer", "pages", "copies", "masked", "detail", "prevHash", "hash"];
    this.lastCsv = [cols.join(","), ...rows.map((r) => cols.map((k) => String(r[k] ?? "")).join(","))].join("\n") + "\n";
    const path = `/home/apotek/Dokument/receptdisk-atkomstlogg-${FAKE_TODAY}.csv`;
    this.savedFiles.push(path);
    return path;
  }

  async getSettings() {
    this.calls.push("getSettings");
    return structuredClone(this.settings);
  }

  async saveSettings(s: Settings, secrets: SecretInput[]) {
    this.calls.push("saveSettings");
    if (!(s.idleTimeoutMinutes >= 1 && s.idleTimeoutMinutes <= 60)) throw "Tiden till automatisk utloggning av kund ska vara 1–60 minuter.";
    if (s.live) {
      const g = checkGln(s.live.org.gln);
      if (!g.ok) throw `Apotekets GLN: ${g.errorSv}`;
      if (!s.live.baseUrl.startsWith("https://")) throw "Adressen till Nationella läkemedelslistan måste börja med https://.";
    }
    const typed = secrets.filter((x) => x.value);
    if (typed.length && this.keyringBroken) throw { code: "keyring", message: `Ingenting sparades. ${this.keyringBroken}`, messageEn: `Nothing was saved. ${this.keyringBroken}` };
    for (const x of typed) {
      this.calls.push(`storeSecret:${x.account}`);
      this.secrets.set(x.account, x.value);
    }
    const kept = { locked: this.settings.locked, files: this.settings.files, userFile: this.settings.userFile };
    this.settings = { ...structuredClone(s), ...kept };
    return structuredClone(this.settings);
  }

  async testConnection(_s: Settings, _secrets: SecretInput[]) {
    this.calls.push("testConnection");
    return structuredClone(this.doctor);
  }

  async restart() {
    this.calls.push("restart");
  }

  async keyringStatus() {
    this.calls.push("keyringStatus");
    return { ok: true, message: null };
  }

  async pickFile(kind: PickFileKind) {
    this.calls.push(`pickFile:${kind}`);
    return kind === "certificate" ? "/home/apotek/certifikat/apotek-kronan-centrum.p12" : "/etc/ssl/certs/sjunet-ca.pem";
  }
}

/** NLL's logical id for a patient: a UUID that says nothing about the person (FNV-1a of the key). */
function nllId(key: string): string {
  let hex = "";
  for (let round = 0; hex.length < 32; round++) {
    let x = 0x811c9dc5 ^ round;
    for (const ch of key) x = Math.imul(x ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    hex += x.toString(16).padStart(8, "0");
  }
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function filterLog(rows: LogEntry[], q: AccessLogQuery): LogEntry[] {
  return rows.filter((r) => (!q.since || r.time.slice(0, 10) >= q.since) && (!q.through || r.time.slice(0, 10) <= q.through) && (!q.protectedOnly || r.protected === true) && (!q.revealsOnly || r.kind === "reveal"));
}

function notice(code: string, sv: string, en: string): Notice {
  return { code, sv, en };
}

/** The flow's reads and NLL's filters, roughly as `nll::list::build` leaves them. */
function buildList(p: FakePatient, flow: FlowInfo, age: number): MedicationList {
  let rxs = structuredClone(p.prescriptions);
  let dispenses = structuredClone(p.dispenses);
  let locks = structuredClone(p.locks);
  const notices: Notice[] = [];
  let windowFrom: string | null = null;
  const f = flow.flow;
  if (f === "expediering") {
    windowFrom = daysAgo(730);
    rxs = rxs.filter((r) => (r.authoredOn ?? "") >= windowFrom!);
    dispenses = dispenses.filter((d) => (d.handedOver ?? "") >= windowFrom!);
    notices.push(notice("window-24-months", "Visar uppgifter registrerade de senaste 24 månaderna.", "Showing data registered in the last 24 months."));
    for (const r of rxs) if (r.treatmentReason.kind !== "none") r.treatmentReason = { kind: "withheld", reason: "FIL005" };
  }
  if (f === "lakemedelsstod") {
    const hidden = rxs.filter((r) => r.markers.includes("privacyLocked")).length;
    rxs = rxs.filter((r) => !r.markers.includes("privacyLocked"));
    const ids = new Set(rxs.map((r) => r.id));
    dispenses = dispenses.filter((d) => d.prescriptionId === null || ids.has(d.prescriptionId));
    if (hidden) notices.push(notice("locked-hidden", `${hidden} förskrivning${hidden > 1 ? "ar är spärrade" : " är spärrad"} och visas inte.`, `${hidden} prescription(s) locked and not shown.`));
    for (const r of rxs) r.treatmentReason = { kind: "none" };
  }
  if (!flow.resources.includes("data-lock")) locks = [];
  if (f === "ombud") {
    rxs = rxs.filter((r) => r.group === "current");
    dispenses = [];
    notices.push(notice("agent-current-only", "Som ombud visas endast aktuella recept. Avslutade och kommande recept, uthämtade läkemedel och spärrar visas inte.", "For an agent only current prescriptions are shown."));
  }
  if (f === "egna-uppgifter" || f === "ombud") {
    for (const r of rxs) if (r.markers.includes("reasonNotToPatient")) r.treatmentReason = { kind: "withheld", reason: "SEKRETESS" };
    notices.push(notice("patient-filter", "Uppgifter med sekretesspärr mot patienten visas inte.", "Data with a confidentiality lock against the patient is not shown."));
  }
  if (f === "vardnadshavare") {
    rxs = rxs.filter((r) => !r.markers.includes("notToGuardian"));
    dispenses = dispenses.filter((d) => !d.markers.includes("notToGuardian"));
    notices.push(notice("guardian-filter", "Uppgifter med sekretesspärr mot vårdnadshavare visas inte.", "Data with a confidentiality lock against the guardian is not shown."));
  }
  const withheld = rxs.filter((r) => r.treatmentReason.kind === "withheld").length;
  if (withheld) {
    const hint = f === "expediering" ? " Patientens samtycke krävs för att se behandlingsorsak." : "";
    notices.push(notice("reason-withheld", `Behandlingsorsak visas inte för ${withheld} förskrivning${withheld > 1 ? "ar" : ""}.${hint}`, `Treatment reason withheld for ${withheld} prescription(s).`));
  }
  if (!flow.resources.includes("medication-dispense")) dispenses = [];
  dispenses.sort((a, b) => (b.handedOver ?? "").localeCompare(a.handedOver ?? ""));
  const id = checkId(p.personnummer);
  return {
    patient: {
      nllId: nllId(p.key),
      personnummer: p.personnummer,
      idKind: id.kind,
      personnummerDisplay: id.display,
      name: { kind: "clear", value: p.name },
      birthDate: id.birthDate,
      age,
      deceased: p.deceased,
      address: p.address ? { kind: "clear", value: p.address } : null,
      municipalityCode: null,
      regionCode: null,
      phone: p.phone ? { kind: "clear", value: p.phone } : null,
      email: null,
      protected: p.protected,
      protectionSignals: p.protected ? (p.name === "Personuppgift skyddad" ? ["security:skyddadFolkbokforing", "name"] : ["security:sekretessmarkering"]) : [],
    },
    info: { version: 7, controlledDrugs: p.controlledDrugs, privacyLock: p.privacyLock, dosPatient: p.dosPatient },
    context: { flow: flow.flow, purpose: flow.purpose, access: flow.access, asOf: FAKE_TODAY, windowFrom },
    prescriptions: rxs,
    dispenses,
    locks,
    notices,
    unknownResources: [],
  };
}

/** Like `nll::masking::mask`: every location-revealing field of a protected patient → Masked. */
function mask(list: MedicationList): { masked: MaskedList; values: Map<string, { kind: MaskedFieldKind; value: string }> } {
  const values = new Map<string, { kind: MaskedFieldKind; value: string }>();
  const record: MaskedField[] = [];
  if (!list.patient.protected) return { masked: { list, masked: false, record }, values };
  const m = structuredClone(list);
  const guard = (g: Guarded | null, key: string, kind: MaskedFieldKind): Guarded | null => {
    if (!g || g.kind !== "clear") return g;
    values.set(key, { kind, value: g.value });
    record.push({ key, kind });
    return { kind: "masked", key };
  };
  const p = m.patient;
  p.name = guard(p.name, "patient.name", "patientName")!;
  p.address = guard(p.address, "patient.address", "patientAddress");
  p.phone = guard(p.phone, "patient.phone", "patientPhone");
  p.email = guard(p.email, "patient.email", "patientEmail");
  const prescriber = (base: string, pr: MedicationList["prescriptions"][number]["prescriber"]) => {
    pr.name = guard(pr.name, `${base}/prescriber.name`, "prescriberName");
    pr.workplaceName = guard(pr.workplaceName, `${base}/prescriber.workplace_name`, "prescriberWorkplace");
    pr.workplaceCode = guard(pr.workplaceCode, `${base}/prescriber.workplace_code`, "prescriberWorkplaceCode");
    pr.workplaceAddress = guard(pr.workplaceAddress, `${base}/prescriber.workplace_address`, "prescriberAddress");
    pr.workplacePhone = guard(pr.workplacePhone, `${base}/prescriber.workplace_phone`, "prescriberPhone");
  };
  for (const r of m.prescriptions) {
    const base = `rx/${r.id}`;
    prescriber(base, r.prescriber);
    r.receivingPharmacy = guard(r.receivingPharmacy, `${base}/receiving_pharmacy`, "receivingPharmacy");
    r.dosePharmacyName = guard(r.dosePharmacyName, `${base}/dose_pharmacy_name`, "dosePharmacy");
    r.dosePharmacyPhone = guard(r.dosePharmacyPhone, `${base}/dose_pharmacy_phone`, "dosePharmacyPhone");
  }
  for (const d of m.dispenses) {
    const base = `disp/${d.id}`;
    prescriber(base, d.prescriber);
    d.pharmacy.name = guard(d.pharmacy.name, `${base}/pharmacy.name`, "dispensingPharmacy");
    d.pharmacy.gln = guard(d.pharmacy.gln, `${base}/pharmacy.gln`, "dispensingPharmacyGln");
    d.pharmacy.address = guard(d.pharmacy.address, `${base}/pharmacy.address`, "dispensingPharmacyAddress");
  }
  return { masked: { list: m, masked: true, record }, values };
}

function xml(s: string): string {
  return s.replace(/[&<>"]/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[ch]!);
}

/** A page-1 likeness of the printout as SVG (the shell renders the real PDF's page 1). */
function previewSvg(kind: PrintoutKind, ml: MaskedList): string {
  const l = ml.list;
  const name = l.patient.name.kind === "clear" ? l.patient.name.value : "Personuppgift skyddad";
  const lines: string[] = [];
  let y = 60;
  const text = (x: number, s: string, size = 11, weight = "normal") => {
    lines.push(`<text x="${x}" y="${y}" font-family="DejaVu Sans, sans-serif" font-size="${size}" font-weight="${weight}">${xml(s)}</text>`);
  };
  text(40, PRINTOUT_TITLES[kind], 20, "bold");
  y += 22;
  text(40, `${name}  ·  ${l.patient.personnummerDisplay ?? ""}`, 11);
  y += 16;
  text(40, `Utskriven ${FAKE_TODAY} 10:42 · Apotek Kronan Centrum`, 9);
  let bars = "";
  for (let i = 0, x = 370; i < 60; i++) {
    const w = 1 + ((i * 7 + Number(l.patient.personnummer?.[i % 12] ?? 1)) % 3);
    if (i % 2 === 0) bars += `<rect x="${x}" y="40" width="${w}" height="40" fill="#000"/>`;
    x += w + 1;
  }
  lines.push(bars);
  y += 20;
  if (ml.masked) {
    lines.push(`<rect x="36" y="${y - 14}" width="523" height="36" fill="#fff" stroke="#000"/>`);
    text(44, "Uppgifter som kan avslöja var personen bor har utelämnats", 10, "bold");
    y += 14;
    text(44, "eftersom personen har skyddade personuppgifter.", 10);
    y += 26;
  }
  if (kind === "forskrivningshistorik") {
    text(40, "Endast för internt bruk – lämnas inte ut", 11, "bold");
    y += 22;
  }
  const rows =
    kind === "uthamtade"
      ? l.dispenses.map((d) => `${d.handedOver ?? ""}  ${d.packages ?? 1} ${d.product.name} ${d.product.strength ?? ""}`)
      : l.prescriptions.filter((r) => kind !== "aktuella-recept" || r.group === "current").map((r) => `${r.product.name} (${r.product.substance ?? "–"}) ${r.product.form ?? ""} ${r.product.strength ?? ""}  ${r.packages ?? 1} x ${r.product.packSize ?? ""}`);
  text(40, kind === "uthamtade" ? "Uthämtade med e-recept" : "Läkemedel", 12, "bold");
  y += 8;
  lines.push(`<line x1="40" y1="${y}" x2="555" y2="${y}" stroke="#000" stroke-width="0.6"/>`);
  y += 16;
  if (!rows.length) {
    text(40, kind === "uthamtade" ? "Expeditioner saknas för aktuellt personnummer de senaste 15 månaderna" : "Det finns inga aktuella recept", 10);
  }
  for (const r of rows.slice(0, 38)) {
    text(40, r, 9.5);
    y += 17;
  }
  if (kind === "aktuella-recept") {
    y = 810;
    text(40, "Utskriften är inte giltig som recept", 9);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="595" height="842" viewBox="0 0 595 842"><rect width="595" height="842" fill="#fff"/>${lines.join("")}</svg>`;
}
