// An in-memory Backend, so the UI runs in a plain browser (`?fake=1`) and its logic is tested
// without Rust. It holds no rules of its own: every lookup, refusal, masked list, revealed value,
// treatment reason and number check is an answer the real code gave, recorded in
// `answers.json` (see answers.ts). What it does itself is the shell's plumbing the UI depends on:
// sequence numbers and stale answers, the access-log panel, printers that fail, settings.
import type { Backend } from "../backend";
import type { SessionInfo } from "../bindings/SessionInfo";
import type { CentralStatus } from "../bindings/CentralStatus";
import type { FlowInfo } from "../bindings/FlowInfo";
import type { IdCheck } from "../bindings/IdCheck";
import type { LookupRequest } from "../bindings/LookupRequest";
import type { LookupResult } from "../bindings/LookupResult";
import type { MaskedList } from "../bindings/MaskedList";
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
import type { UserInfo } from "../bindings/UserInfo";
import type { TrainingUser } from "../bindings/TrainingUser";
import type { PrintoutKind } from "../bindings/PrintoutKind";
import type { GlnCheck } from "../bindings/GlnCheck";
import type { PrinterInfo } from "../bindings/PrinterInfo";
import type { PrintOutcome } from "../bindings/PrintOutcome";
import type { PrintPreview } from "../bindings/PrintPreview";
import type { PickFileKind } from "../backend-types";
import flowsJson from "./flows.json";
import { FAKE_TODAY, notRecordedError, recordedGlnCheck, recordedIdCheck, recordedLookup, recordedReveal, recordedTreatmentReason, type RecordedRequest } from "./answers";

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

/** The test server's fault for "NLL has trouble": the Patient search answers 503. */
export const NLL_DOWN = "503,path=/fhir/Patient";

type Current = {
  seq: number;
  request: RecordedRequest;
  result: LookupResult;
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
  /** Faults of the test server (`NLL_DOWN` …) the next lookups are answered with, in order. */
  nllTrouble: string[] = [];
  /** Tests of the virtual table: every dispense of the answer repeated until there are this
   * many rows (the test server's heaviest patient is too large to record). */
  repeatDispenses = 0;
  /** Tests of what NLL could answer but the test server does not: changes the next answers. */
  alterAnswer: ((r: LookupResult) => void) | null = null;
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
    return recordedIdCheck(text);
  }

  async checkGln(text: string): Promise<GlnCheck> {
    this.calls.push("checkGln");
    return recordedGlnCheck(text);
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
    const request: RecordedRequest = { login: u.login, personnummer: req.personnummer, flow: req.flow, consent: req.consent, identityChecked: req.identityChecked, agent: req.agent, guardian: req.guardian, fault: this.nllTrouble.shift() ?? null };
    const answer = recordedLookup(request);
    const flow = FAKE_FLOWS.find((f) => f.flow === req.flow);
    if (!answer || !flow) throw notRecordedError(`${req.flow} för ${req.personnummer} som ${u.login}`);
    if ("error" in answer) throw this.failed(flow, answer.error, null);
    const result = structuredClone(answer.ok);
    result.sessionId = this.session;
    result.lookupSeq = seq;
    result.elapsedMs = delay;
    if (this.repeatDispenses) result.list.list.dispenses = repeated(result.list.list.dispenses, this.repeatDispenses);
    this.alterAnswer?.(result);
    for (const r of flow.resources) {
      this.logRow("request", flow, { resource: r, patientRef: result.patientRef, protected: result.list.list.patient.protected, requestId: requestId(), httpStatus: 200 });
    }
    if (seq === this.seq) this.current = { seq, request, result, flow };
    return result;
  }

  /** A recorded refusal or failure: its log row, a fresh request id. */
  private failed(flow: FlowInfo, recorded: ClientError, patientRef: string | null): ClientError {
    const e = { ...recorded, requestId: recorded.requestId ? requestId() : null };
    if (e.code === "policy-denied") this.logRow("denial", flow, { patientRef, outcome: `denied: ${e.denialRule ?? e.code}` });
    else this.logRow("request", flow, { resource: "patient", patientRef, requestId: e.requestId, outcome: e.code, httpStatus: e.httpStatus, nllCode: e.nllCode });
    return e;
  }

  async reveal(lookupSeq: number, key: string): Promise<Revealed> {
    this.calls.push(`reveal:${key}`);
    const c = this.current;
    const v = c && c.seq === lookupSeq ? recordedReveal(c.request, key) : null;
    if (!c || !v) throw err("nothing-to-reveal", "Det finns ingen dold uppgift att visa för den här kunden – sök fram patienten igen.", "There is no hidden value to show for this customer – look the patient up again.");
    this.logRow("reveal", c.flow, { resource: v.kind, patientRef: c.result.patientRef, protected: true, fieldKey: key, outcome: "revealed" });
    return { ...v, sessionId: this.session };
  }

  /** Like `Counter::treatment_reason`: only for the list on screen; the answer is the one
   * recorded for that patient, variant, consent and prescription. */
  async treatmentReason(req: TreatmentReasonRequest): Promise<TreatmentReasonResult> {
    this.calls.push(`treatmentReason:${req.flow}:${req.prescriptionId}`);
    const c = this.current;
    if (!c || c.seq !== req.lookupSeq) throw err("stale", "Receptlistan visas inte längre (ny sökning eller kunden avslutad) – sök fram patienten igen.", "The prescription list is no longer shown (a new lookup, or the customer was ended) – look the patient up again.");
    const flow = FAKE_FLOWS.find((f) => f.flow === req.flow);
    const answer = c.flow.flow === "expediering" ? recordedTreatmentReason(c.request.personnummer, req.flow, req.consent, req.prescriptionId) : null;
    if (!answer || !flow) throw notRecordedError(`behandlingsorsak (${req.flow}) för receptet ${req.prescriptionId}`);
    const delay = this.latencyMs;
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    const fault = this.reasonFaults.shift();
    // A fault after the read was sent: it has a request id (failed gives it a fresh one).
    if (fault) throw this.failed(flow, { ...fault, requestId: "recorded-request" }, c.result.patientRef);
    if (this.current !== c) throw err("stale", "Svaret gällde en tidigare kund eller sökning och visas därför inte – sök igen om det behövs.", "The answer belonged to an earlier customer or lookup.");
    if ("error" in answer) throw this.failed(flow, answer.error, c.result.patientRef);
    const rid = requestId();
    this.logRow("request", flow, { resource: "medication-request", patientRef: c.result.patientRef, protected: c.result.list.list.patient.protected, requestId: rid, httpStatus: 200 });
    return { ...structuredClone(answer.ok), sessionId: this.session, lookupSeq: c.seq, requestId: rid };
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
    return this.shown(lookupSeq).result.context.printouts;
  }

  private requirePrintout(lookupSeq: number, kind: PrintoutKind): Current {
    const c = this.shown(lookupSeq);
    if (!c.result.context.printouts.includes(kind)) throw notRecordedError(`utskriften ${kind} i ${c.flow.flow}`);
    return c;
  }

  async renderPreview(lookupSeq: number, kind: PrintoutKind): Promise<PrintPreview> {
    this.calls.push(`renderPreview:${kind}`);
    const c = this.requirePrintout(lookupSeq, kind);
    const shown = c.result.list;
    const svg = previewSvg(kind, shown);
    return { kind, title: PRINTOUT_TITLES[kind], pages: 1 + Math.floor(shown.list.dispenses.length / 30), image: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`, masked: shown.masked };
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
      const g = recordedGlnCheck(s.live.org.gln);
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

/** `rows` repeated, with ids of their own, until there are `n`. */
function repeated<T extends { id: string }>(rows: T[], n: number): T[] {
  if (!rows.length) return rows;
  return Array.from({ length: n }, (_, i) => ({ ...structuredClone(rows[i % rows.length]), id: `${rows[i % rows.length].id}-${i}` }));
}

function filterLog(rows: LogEntry[], q: AccessLogQuery): LogEntry[] {
  return rows.filter((r) => (!q.since || r.time.slice(0, 10) >= q.since) && (!q.through || r.time.slice(0, 10) <= q.through) && (!q.protectedOnly || r.protected === true) && (!q.revealsOnly || r.kind === "reveal"));
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
