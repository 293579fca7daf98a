// The ONE module through which the UI talks to Rust. `TauriBackend` calls the shell's commands
// (snake_case names, camelCase arguments — the list with types is in ui/README.md and must match
// src-tauri exactly); `FakeBackend` (fake/backend.ts) answers in memory so the UI runs and is
// tested in a plain browser. The types are generated from Rust (./bindings, ts-rs); two small
// unions the UI sends are in ./backend-types.ts.
import type { SessionInfo } from "./bindings/SessionInfo";
import type { IdCheck } from "./bindings/IdCheck";
import type { LookupRequest } from "./bindings/LookupRequest";
import type { LookupResult } from "./bindings/LookupResult";
import type { Revealed } from "./bindings/Revealed";
import type { TreatmentReasonRequest } from "./bindings/TreatmentReasonRequest";
import type { TreatmentReasonResult } from "./bindings/TreatmentReasonResult";
import type { LogEntry } from "./bindings/LogEntry";
import type { AccessLogQuery } from "./bindings/AccessLogQuery";
import type { Settings } from "./bindings/Settings";
import type { KeyringStatus } from "./bindings/KeyringStatus";
import type { ClientError } from "./bindings/ClientError";
import type { PrintoutKind } from "./bindings/PrintoutKind";
import { t } from "./i18n";
import type { GlnCheck } from "./bindings/GlnCheck";
import type { PrinterInfo } from "./bindings/PrinterInfo";
import type { PrintOutcome } from "./bindings/PrintOutcome";
import type { PrintPreview } from "./bindings/PrintPreview";
import type { PickFileKind } from "./backend-types";
import type { SecretInput } from "./bindings/SecretInput";
import type { DoctorReport } from "./bindings/DoctorReport";
import type { CentralStatus } from "./bindings/CentralStatus";

export interface Backend {
  /** Which implementation answers (the browser demo's screenshot states are fake-only). */
  readonly kind: "tauri" | "fake";
  /** Mode, version, the signed-in user, the role's flows, training users, settings. */
  sessionInfo(): Promise<SessionInfo>;
  /** Training: `login` is a test user's login; live: null (the configured token source). */
  login(login: string | null): Promise<SessionInfo>;
  logout(): Promise<void>;
  /** Personnummer/samordningsnummer validation as the user types or scans. */
  checkId(text: string): Promise<IdCheck>;
  checkGln(text: string): Promise<GlnCheck>;
  /** Runs a flow's reads for one customer. Errors reject with a ClientError. */
  lookup(request: LookupRequest): Promise<LookupResult>;
  /** One masked value of the shown list, for this errand; the shell logs the reveal. */
  reveal(lookupSeq: number, key: string): Promise<Revealed>;
  /**
   * One prescription's treatment reason for the shown list, read with a treatment-reason
   * variant of its flow (consent now, a locked reason, a child). The shown list stays; the shell
   * checks the policy and logs the read. Errors reject with a ClientError.
   */
  treatmentReason(request: TreatmentReasonRequest): Promise<TreatmentReasonResult>;
  /** Avsluta kund / idle timeout: the shell forgets every patient detail. */
  endCustomer(): Promise<void>;
  /** The printouts the shown list's flow allows (policy, dos or not). Every printing call names
   * the list by its `lookupSeq`: a list no longer shown is refused as stale, never printed. */
  printouts(lookupSeq: number): Promise<PrintoutKind[]>;
  renderPreview(lookupSeq: number, kind: PrintoutKind): Promise<PrintPreview>;
  listPrinters(): Promise<PrinterInfo[]>;
  /** `printer` null = the system's default; a failure resolves as `{kind: "failed"}`. */
  print(lookupSeq: number, kind: PrintoutKind, printer: string | null, copies: number): Promise<PrintOutcome>;
  /** Asks where, then saves the printout (the kept one after a failed print). null = cancelled. */
  savePdf(lookupSeq: number, kind: PrintoutKind): Promise<string | null>;
  accessLog(query: AccessLogQuery): Promise<LogEntry[]>;
  /** How far the chain's central log has got with this counter's log (live mode only). */
  centralStatus(): Promise<CentralStatus>;
  /** Asks where, then writes the filtered log as CSV. null = cancelled. */
  exportLogCsv(query: AccessLogQuery): Promise<string | null>;
  getSettings(): Promise<Settings>;
  /**
   * Saves the settings, all or nothing: secrets (certificate password, client secret, token) go
   * to the OS keyring and are never kept here; if one cannot be stored, nothing is saved.
   * Resolves with the settings as now read back.
   */
  saveSettings(settings: Settings, secrets: SecretInput[]): Promise<Settings>;
  /** Testa anslutningen: the connection check (nllc doctor) on the form's settings, unsaved. */
  testConnection(settings: Settings, secrets: SecretInput[]): Promise<DoctorReport>;
  /** Restarts the app (a change of mode takes effect at start). */
  restart(): Promise<void>;
  keyringStatus(): Promise<KeyringStatus>;
  /** A file picker for a certificate or CA file; null = cancelled. */
  pickFile(kind: PickFileKind): Promise<string | null>;
  /** The first screen is usable: the shell logs the start-up time. Never fails. */
  announceReady(): Promise<void>;
}

/** Any rejection, normalised to the `{code, message, requestId}` shape the UI shows. */
export function asClientError(e: unknown): ClientError {
  if (e && typeof e === "object" && "code" in e && "message" in e) {
    const c = e as Partial<ClientError> & { code: ClientError["code"]; message: string };
    return {
      code: c.code,
      message: c.message,
      messageEn: c.messageEn ?? c.message,
      requestId: c.requestId ?? null,
      nllCode: c.nllCode ?? null,
      httpStatus: c.httpStatus ?? null,
      denialRule: c.denialRule ?? null,
    };
  }
  // Commands that fail with a plain string (e.g. save_settings' validation sentence).
  const message = typeof e === "string" ? e : e instanceof Error ? e.message : String(e);
  return { code: "invalid-input", message, messageEn: message, requestId: null, nllCode: null, httpStatus: null, denialRule: null };
}

export type Invoke = (cmd: string, args?: Record<string, unknown>) => Promise<unknown>;
/** The dialog plugin's one call the UI needs (`@tauri-apps/plugin-dialog`): picking a file to
 *  read. Where a file is written is asked by the shell itself (save_pdf, save_access_log_csv). */
export type Dialogs = {
  open(options: { title?: string; multiple?: false; directory?: false; filters?: { name: string; extensions: string[] }[] }): Promise<string | string[] | null>;
};

const FILE_FILTERS: Record<PickFileKind, () => { name: string; extensions: string[] }[]> = {
  certificate: () => [{ name: t("dialog.certificates"), extensions: ["p12", "pfx", "pem"] }],
  ca: () => [{ name: t("dialog.ca"), extensions: ["pem", "crt"] }],
};

export class TauriBackend implements Backend {
  readonly kind = "tauri" as const;
  constructor(
    private readonly invoke: Invoke,
    private readonly dialogs: Dialogs,
  ) {}

  private call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
    return (args === undefined ? this.invoke(cmd) : this.invoke(cmd, args)).catch((e) => Promise.reject(asClientError(e))) as Promise<T>;
  }

  sessionInfo() { return this.call<SessionInfo>("session_info"); }
  login(login: string | null) { return this.call<SessionInfo>("login", { login }); }
  logout() { return this.call<void>("logout"); }
  checkId(text: string) { return this.call<IdCheck>("check_id", { text }); }
  checkGln(text: string) { return this.call<GlnCheck>("check_gln", { text }); }
  lookup(request: LookupRequest) { return this.call<LookupResult>("lookup", { request }); }
  reveal(lookupSeq: number, key: string) { return this.call<Revealed>("reveal", { lookupSeq, key }); }
  treatmentReason(request: TreatmentReasonRequest) { return this.call<TreatmentReasonResult>("treatment_reason", { request }); }
  endCustomer() { return this.call<void>("end_customer"); }
  printouts(lookupSeq: number) { return this.call<PrintoutKind[]>("printouts", { lookupSeq }); }
  renderPreview(lookupSeq: number, kind: PrintoutKind) { return this.call<PrintPreview>("render_preview", { lookupSeq, kind }); }
  listPrinters() { return this.call<PrinterInfo[]>("list_printers"); }
  print(lookupSeq: number, kind: PrintoutKind, printer: string | null, copies: number) {
    return this.call<PrintOutcome>("print", { lookupSeq, kind, printer, copies });
  }
  savePdf(lookupSeq: number, kind: PrintoutKind) { return this.call<string | null>("save_pdf", { lookupSeq, kind }); }
  accessLog(query: AccessLogQuery) { return this.call<LogEntry[]>("access_log", { query }); }
  centralStatus() { return this.call<CentralStatus>("central_status"); }
  exportLogCsv(query: AccessLogQuery) { return this.call<string | null>("save_access_log_csv", { query }); }
  getSettings() { return this.call<Settings>("get_settings"); }
  saveSettings(settings: Settings, secrets: SecretInput[]) { return this.call<Settings>("save_settings", { settings, secrets }); }
  testConnection(settings: Settings, secrets: SecretInput[]) { return this.call<DoctorReport>("test_connection", { settings, secrets }); }
  restart() { return this.call<void>("restart"); }
  keyringStatus() { return this.call<KeyringStatus>("keyring_status"); }
  async pickFile(kind: PickFileKind) {
    const picked = await this.dialogs.open({ multiple: false, directory: false, filters: FILE_FILTERS[kind]() });
    return typeof picked === "string" ? picked : null;
  }
  async announceReady() {
    try {
      const { emit } = await import("@tauri-apps/api/event");
      await emit("ui-ready");
    } catch {
      // Only a measurement: the counter works without it.
    }
  }
}

/** Tauri present → the real shell; otherwise (or with `?fake=1`) the in-memory fake. */
export async function chooseBackend(): Promise<Backend> {
  const w = window as unknown as { __TAURI_INTERNALS__?: unknown };
  const forceFake = new URLSearchParams(location.search).get("fake") === "1";
  if (w.__TAURI_INTERNALS__ && !forceFake) {
    const [{ invoke }, dialog] = await Promise.all([import("@tauri-apps/api/core"), import("@tauri-apps/plugin-dialog")]);
    return new TauriBackend(invoke, dialog as unknown as Dialogs);
  }
  const { FakeBackend } = await import("./fake/backend");
  // A lookup takes a moment, as it does against NLL, so the "Hämtar…" state is seen.
  return new FakeBackend({ latencyMs: 350 });
}
