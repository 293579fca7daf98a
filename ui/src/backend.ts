// The one module through which the UI talks to Rust. `TauriBackend` calls the shell's commands
// (src-tauri/src/commands.rs); `FakeBackend` (fake-backend.ts) answers in memory so the UI runs
// and is tested in a plain browser. Types are generated from Rust (bindings/, ts-rs).
import type { SessionInfo } from "./bindings/SessionInfo";
import type { IdCheck } from "./bindings/IdCheck";
import type { LookupRequest } from "./bindings/LookupRequest";
import type { LookupResult } from "./bindings/LookupResult";
import type { Revealed } from "./bindings/Revealed";
import type { LogEntry } from "./bindings/LogEntry";
import type { AccessLogQuery } from "./bindings/AccessLogQuery";
import type { Settings } from "./bindings/Settings";
import type { KeyringStatus } from "./bindings/KeyringStatus";
import type { ClientError } from "./bindings/ClientError";

export interface Backend {
  sessionInfo(): Promise<SessionInfo>;
  login(login: string | null): Promise<SessionInfo>;
  logout(): Promise<void>;
  checkId(text: string): Promise<IdCheck>;
  lookup(request: LookupRequest): Promise<LookupResult>;
  reveal(lookupSeq: number, key: string): Promise<Revealed>;
  endCustomer(): Promise<void>;
  accessLog(query: AccessLogQuery): Promise<LogEntry[]>;
  accessLogCsv(query: AccessLogQuery): Promise<string>;
  getSettings(): Promise<Settings>;
  saveSettings(settings: Settings): Promise<void>;
  storeSecret(account: string, value: string): Promise<void>;
  keyringStatus(): Promise<KeyringStatus>;
}

/** Any error from a command, normalised to the `{code, message, requestId}` shape. */
export function asClientError(e: unknown): ClientError {
  if (e && typeof e === "object" && "code" in e && "message" in e) return e as ClientError;
  const message = typeof e === "string" ? e : e instanceof Error ? e.message : String(e);
  return {
    code: "internal" as ClientError["code"],
    message,
    messageEn: message,
    requestId: null,
    nllCode: null,
    httpStatus: null,
    denialRule: null,
  };
}

type Invoke = (cmd: string, args?: Record<string, unknown>) => Promise<unknown>;

export class TauriBackend implements Backend {
  constructor(private readonly invoke: Invoke) {}
  private call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
    return this.invoke(cmd, args).catch((e) => Promise.reject(asClientError(e))) as Promise<T>;
  }
  sessionInfo() { return this.call<SessionInfo>("session_info"); }
  login(login: string | null) { return this.call<SessionInfo>("login", { login }); }
  logout() { return this.call<void>("logout"); }
  checkId(text: string) { return this.call<IdCheck>("check_id", { text }); }
  lookup(request: LookupRequest) { return this.call<LookupResult>("lookup", { request }); }
  reveal(lookupSeq: number, key: string) { return this.call<Revealed>("reveal", { lookupSeq, key }); }
  endCustomer() { return this.call<void>("end_customer"); }
  accessLog(query: AccessLogQuery) { return this.call<LogEntry[]>("access_log", { query }); }
  accessLogCsv(query: AccessLogQuery) { return this.call<string>("access_log_csv", { query }); }
  getSettings() { return this.call<Settings>("get_settings"); }
  saveSettings(settings: Settings) { return this.call<void>("save_settings", { settings }); }
  storeSecret(account: string, value: string) { return this.call<void>("store_secret", { account, value }); }
  keyringStatus() { return this.call<KeyringStatus>("keyring_status"); }
}

/** Tauri present → the real shell; otherwise (or with ?fake=1) the in-memory fake. */
export async function chooseBackend(): Promise<Backend> {
  const w = window as unknown as { __TAURI_INTERNALS__?: unknown };
  const forceFake = new URLSearchParams(location.search).has("fake");
  if (w.__TAURI_INTERNALS__ && !forceFake) {
    const { invoke } = await import("@tauri-apps/api/core");
    return new TauriBackend(invoke);
  }
  const { FakeBackend } = await import("./fake-backend");
  return new FakeBackend();
}
