// The counter screen. One errand at a time: the left side asks who and why, the right side
// answers. Rendering is plain DOM (no framework runtime: fast start, nothing to go stale).
import { asClientError, type Backend } from "./backend";
import { texts, setLanguage, type Texts } from "./i18n";
import type { SessionInfo } from "./bindings/SessionInfo";
import type { FlowInfo } from "./bindings/FlowInfo";
import type { LookupResult } from "./bindings/LookupResult";
import type { ClientError } from "./bindings/ClientError";
import type { Guarded } from "./bindings/Guarded";
import type { PrescriptionView } from "./bindings/PrescriptionView";
import type { DispenseView } from "./bindings/DispenseView";
import type { DisclosureMarker } from "./bindings/DisclosureMarker";
import type { IdCheck } from "./bindings/IdCheck";
import type { LogEntry } from "./bindings/LogEntry";

type View = "login" | "counter" | "log" | "settings";
type Status = "empty" | "fetching" | "result" | "error" | "idle-cleared";
export type Tab = "current" | "future" | "past" | "dispenses" | "locks";
const TABS: Tab[] = ["current", "future", "past", "dispenses", "locks"];

export function esc(s: string | null | undefined): string {
  return (s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

export class App {
  t: Texts = texts();
  view: View = "login";
  session: SessionInfo | null = null;
  flow: FlowInfo | null = null;
  status: Status = "empty";
  result: LookupResult | null = null;
  error: ClientError | null = null;
  idCheck: IdCheck | null = null;
  tab: Tab = "current";
  revealed = new Map<string, string>();
  pendingReveal: string | null = null;
  logRows: LogEntry[] = [];
  /** Increases with every lookup and every clear: an answer for an older token is dropped. */
  private token = 0;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  private form = { pnr: "", consent: false, identityChecked: false, agent: "", guardian: "" };

  constructor(private root: HTMLElement, private backend: Backend) {}

  async start() {
    this.session = await this.backend.sessionInfo();
    setLanguage(this.session.settings.language);
    this.t = texts();
    this.view = this.session.user ? "counter" : "login";
    this.flow = this.session.flows[0] ?? null;
    document.addEventListener("keydown", (e) => this.onKey(e));
    document.addEventListener("pointerdown", () => this.touch());
    this.render();
  }

  // ---- actions -------------------------------------------------------------------------

  async login(login: string | null) {
    try {
      this.session = await this.backend.login(login);
      this.flow = this.session.flows[0] ?? null;
      this.view = "counter";
      this.error = null;
    } catch (e) {
      this.error = asClientError(e);
    }
    this.render();
  }

  selectFlow(flow: FlowInfo) {
    this.flow = flow;
    this.render();
  }

  async checkId(text: string) {
    this.form.pnr = text;
    const digits = text.replace(/[^0-9]/g, "");
    if (digits.length < 10) {
      this.idCheck = null;
      this.renderIdState();
      return;
    }
    const check = await this.backend.checkId(text);
    if (this.form.pnr === text) {
      this.idCheck = check;
      this.renderIdState();
    }
  }

  needs(req: string): boolean {
    return !!this.flow?.requires.some((r) => r.requirement === req);
  }

  async fetch() {
    if (!this.flow || !this.form.pnr.trim()) return;
    const token = ++this.token;
    // The previous patient leaves the screen before the new request goes out.
    this.result = null;
    this.error = null;
    this.revealed.clear();
    this.status = "fetching";
    this.render();
    try {
      const result = await this.backend.lookup({
        personnummer: this.form.pnr,
        flow: this.flow.flow,
        consent: this.form.consent,
        identityChecked: this.form.identityChecked,
        agent: this.needs("agent-personnummer") ? this.form.agent : null,
        guardian: this.needs("guardian-personnummer") ? this.form.guardian : null,
        prescriptionId: null,
      });
      if (token !== this.token) return; // stale: a newer lookup or a clear came first
      this.result = result;
      this.status = "result";
      this.tab = "current";
    } catch (e) {
      if (token !== this.token) return;
      this.error = asClientError(e);
      this.status = "error";
    }
    this.render();
  }

  async reveal(key: string) {
    if (!this.result) return;
    const token = this.token;
    try {
      const r = await this.backend.reveal(this.result.lookupSeq, key);
      if (token !== this.token) return;
      this.revealed.set(key, r.value);
    } catch (e) {
      this.error = asClientError(e);
    }
    this.pendingReveal = null;
    this.render();
  }

  /** Avsluta kund: every patient detail leaves the screen and memory. */
  async endCustomer(reason: "user" | "idle" = "user") {
    this.token++;
    this.result = null;
    this.error = null;
    this.idCheck = null;
    this.revealed.clear();
    this.pendingReveal = null;
    this.form = { pnr: "", consent: false, identityChecked: false, agent: "", guardian: "" };
    this.status = reason === "idle" ? "idle-cleared" : "empty";
    this.flow = this.session?.flows[0] ?? null;
    this.render();
    await this.backend.endCustomer();
  }

  touch() {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const minutes = this.session?.settings.idleTimeoutMinutes ?? 3;
    this.idleTimer = setTimeout(() => {
      if (this.result || this.form.pnr || this.error) void this.endCustomer("idle");
    }, minutes * 60_000);
  }

  async openLog(filter = { since: null as string | null, protectedOnly: false, revealsOnly: false }) {
    this.view = "log";
    try {
      this.logRows = await this.backend.accessLog(filter);
    } catch (e) {
      this.error = asClientError(e);
    }
    this.render();
  }

  // ---- keys ----------------------------------------------------------------------------

  onKey(e: KeyboardEvent) {
    this.touch();
    if (this.view !== "counter") {
      if (e.key === "Escape" && (this.view === "log" || this.view === "settings")) {
        this.view = "counter";
        this.render();
      }
      return;
    }
    const target = e.target as HTMLElement | null;
    const inField = target?.tagName === "INPUT" || target?.tagName === "SELECT";
    if (e.key === "Escape") {
      e.preventDefault();
      void this.endCustomer();
    } else if (/^F[1-5]$/.test(e.key)) {
      e.preventDefault();
      const f = this.session?.flows.find((x) => x.fkey === Number(e.key.slice(1)));
      if (f) this.selectFlow(f);
    } else if (e.ctrlKey && /^[1-5]$/.test(e.key)) {
      e.preventDefault();
      this.tab = TABS[Number(e.key) - 1];
      this.render();
    } else if (e.key === "Enter" && !(target?.tagName === "BUTTON")) {
      e.preventDefault();
      void this.fetch();
    } else if (/^[0-9]$/.test(e.key) && !inField && !e.ctrlKey) {
      // A barcode scanner is a keyboard: digits typed anywhere go to the personnummer field.
      const pnr = this.root.querySelector<HTMLInputElement>("#pnr");
      if (pnr) {
        e.preventDefault();
        pnr.focus();
        pnr.value += e.key;
        void this.checkId(pnr.value);
      }
    }
  }

  // ---- rendering -----------------------------------------------------------------------

  guarded(g: Guarded | null | undefined): string {
    if (!g) return "";
    if (g.kind === "clear") return esc(g.value);
    const shown = this.revealed.get(g.key);
    if (shown !== undefined) return `<span class="revealed">${esc(shown)}</span>`;
    if (this.pendingReveal === g.key)
      return `<span class="confirm">${esc(this.t.revealConfirm)} <button data-reveal-ok="${esc(g.key)}">${esc(this.t.reveal)}</button> <button data-reveal-cancel>✕</button></span>`;
    return `<span class="masked" data-masked="${esc(g.key)}">▒▒▒▒▒▒ <button class="link" data-reveal="${esc(g.key)}">${esc(this.t.reveal)}</button></span>`;
  }

  markers(ms: DisclosureMarker[]): string {
    const t = this.t;
    const words: Record<DisclosureMarker, string> = { notToGuardian: t.notToGuardian, reasonNotToPatient: t.reasonNotToPatient, privacyLocked: t.privacyLocked };
    return ms.map((m) => `<span class="marker">${esc(words[m])}</span>`).join(" ");
  }

  render() {
    const t = this.t;
    const training = this.session?.training ? `<div class="training" id="training-band">${esc(t.training)}</div>` : "";
    let body = "";
    if (this.view === "login") body = this.renderLogin();
    else if (this.view === "log") body = this.renderLog();
    else if (this.view === "settings") body = this.renderSettings();
    else body = this.renderCounter();
    const user = this.session?.user;
    const header = user
      ? `<header><strong>${esc(t.appName)}</strong><span class="org">${esc(user.org.orgenhetsNamn)}${user.org.orgenhetsOrt ? ", " + esc(user.org.orgenhetsOrt) : ""} (GLN ${esc(user.org.orgenhetsId)})</span>
         <span class="user" id="user">${esc(user.name ?? user.user)} · ${user.role === "FARMACEUT" ? "Farmaceut" : "Apotekspersonal"}</span>
         <button id="open-log">${esc(t.log)}</button><button id="open-settings">${esc(t.settings)}</button></header>`
      : `<header><strong>${esc(t.appName)}</strong></header>`;
    this.root.innerHTML = training + header + body;
    this.wire();
    if (this.view === "counter") {
      const pnr = this.root.querySelector<HTMLInputElement>("#pnr");
      if (pnr && document.activeElement?.tagName !== "INPUT") pnr.focus();
      this.renderIdState();
    }
  }

  renderLogin(): string {
    const t = this.t;
    const users = this.session?.trainingUsers ?? [];
    const err = this.error ? `<div class="error" id="error">${esc(this.error.message)}</div>` : "";
    const choices = users.length
      ? `<p>${esc(t.loginTraining)}</p>` + users.map((u) => `<button class="login-user" data-login="${esc(u.login)}">${esc(u.name)} · ${u.role === "FARMACEUT" ? "Farmaceut" : "Apotekspersonal"} · ${esc(u.pharmacy)}</button>`).join("")
      : `<button class="login-user" data-login="">${esc(t.loginLive)}</button>`;
    return `<main class="login"><h1>${esc(t.loginTitle)}</h1>${err}${choices}</main>`;
  }

  renderCounter(): string {
    const t = this.t;
    const flows = (this.session?.flows ?? []).filter((f) => f.fkey !== null);
    const flowList = flows
      .map((f) => `<label class="flow ${f.flow === this.flow?.flow ? "selected" : ""}"><input type="radio" name="flow" value="${f.flow}" ${f.flow === this.flow?.flow ? "checked" : ""}>
        <span class="fkey">F${f.fkey}</span> <span class="flow-label">${esc(f.labelSv)}</span><small>${esc(f.summarySv)}</small></label>`)
      .join("");
    const confirmations = [
      this.needs("patient-consent") ? `<label><input type="checkbox" id="consent" ${this.form.consent ? "checked" : ""}> ${esc(t.consent)}</label>` : "",
      this.needs("identity-checked") ? `<label><input type="checkbox" id="identity" ${this.form.identityChecked ? "checked" : ""}> ${esc(t.identityChecked)}</label>` : "",
      this.needs("agent-personnummer") ? `<label>${esc(t.agent)}<input id="agent" value="${esc(this.form.agent)}" inputmode="numeric"></label>` : "",
      this.needs("guardian-personnummer") ? `<label>${esc(t.guardian)}<input id="guardian" value="${esc(this.form.guardian)}" inputmode="numeric"></label>` : "",
    ].join("");
    return `<main class="counter">
      <section class="question">
        <label for="pnr">${esc(t.personnummer)}</label>
        <div class="pnr-row"><input id="pnr" autocomplete="off" inputmode="numeric" value="${esc(this.form.pnr)}" placeholder="ÅÅÅÅMMDD-NNNN"><span id="pnr-state"></span></div>
        <div id="pnr-error" class="field-error"></div>
        <h2>${esc(t.flow)}</h2><div id="flows">${flowList}</div>
        <div class="confirmations">${confirmations}</div>
        <button id="fetch" class="primary">${esc(t.fetch)} ⏎</button>
        <button id="end-customer">${esc(t.endCustomer)} (Esc)</button>
      </section>
      <section class="answer" id="answer">${this.renderAnswer()}</section>
    </main>`;
  }

  renderAnswer(): string {
    const t = this.t;
    if (this.status === "fetching") return `<p class="status" id="status">${esc(t.fetching)}</p>`;
    if (this.status === "idle-cleared") return `<p class="status" id="status">${esc(t.idleCleared(this.session?.settings.idleTimeoutMinutes ?? 3))}</p>`;
    if (this.status === "error" && this.error)
      return `<div class="error" id="error"><p>${esc(this.error.message)}</p>${this.error.nllCode ? `<small>NLL ${esc(this.error.nllCode)}</small> ` : ""}${this.error.requestId ? `<small>${esc(t.requestId)} ${esc(this.error.requestId)}</small>` : ""}</div>`;
    if (this.status !== "result" || !this.result) return `<p class="status" id="status">${esc(t.empty)}</p>`;
    const { list } = this.result.list;
    const p = list.patient;
    const name = p.protected && p.name.kind === "masked" && !this.revealed.has(p.name.key) ? `<span class="protected-name">${esc(t.protectedName)}</span> ${this.guarded(p.name)}` : this.guarded(p.name);
    const badges = [
      p.protected ? `<span class="badge red">${esc(t.protectedBadge)}</span>` : "",
      p.deceased ? `<span class="badge">${esc(t.deceased)}</span>` : "",
      list.info.dosPatient ? `<span class="badge">${esc(t.dos)}</span>` : "",
      list.locks.length ? `<span class="badge">${esc(t.locks)} ${list.locks.length}</span>` : "",
    ].join("");
    const ctx = this.result.context;
    const counts: Record<Tab, number> = {
      current: list.prescriptions.filter((r) => r.group === "current").length,
      future: list.prescriptions.filter((r) => r.group === "future").length,
      past: list.prescriptions.filter((r) => r.group === "past").length,
      dispenses: list.dispenses.length,
      locks: list.locks.length,
    };
    const names: Record<Tab, string> = { current: t.tabCurrent, future: t.tabFuture, past: t.tabPast, dispenses: t.tabDispenses, locks: t.tabLocks };
    const tabs = TABS.map((k, i) => `<button class="tab ${k === this.tab ? "active" : ""}" data-tab="${k}" title="Ctrl+${i + 1}">${esc(names[k])} <b>${counts[k]}</b></button>`).join("");
    return `${p.protected ? `<div class="protected-band" id="protected-band">⚠ ${esc(t.protectedBand)}</div>` : ""}
      <div class="banner" id="patient-banner"><span class="pname" id="patient-name">${name}</span> · <span id="patient-pnr">${esc(p.personnummerDisplay ?? "")}</span>${p.age !== null ? ` · ${p.age} ${esc(t.years)}` : ""} ${badges}</div>
      <div class="context">${esc(this.flow?.labelSv ?? ctx.flow)} · ${esc(ctx.accessCode)}${ctx.windowMonths ? ` · ${ctx.windowMonths} mån` : ""} · ${this.result.roundTrips} anrop i följd, ${this.result.elapsedMs} ms</div>
      ${list.notices.map((n) => `<div class="notice">ⓘ ${esc(n.sv)}</div>`).join("")}
      <nav class="tabs">${tabs}</nav>
      <div class="table" id="table">${this.renderTable(list.prescriptions, list.dispenses)}</div>`;
  }

  renderTable(rx: PrescriptionView[], disp: DispenseView[]): string {
    const t = this.t;
    const product = (p: PrescriptionView["product"]) => `<b>${esc(p.name)}</b> ${esc([p.strength, p.form].filter(Boolean).join(" "))}${p.substance ? ` <small>(${esc(p.substance)})</small>` : ""}`;
    const prescriber = (pr: PrescriptionView["prescriber"]) => [this.guarded(pr.name), esc(pr.profession), this.guarded(pr.workplaceName)].filter(Boolean).join(", ");
    if (this.tab === "locks") {
      const locks = this.result!.list.list.locks;
      if (!locks.length) return `<p class="empty">${esc(t.none)}</p>`;
      return `<table><thead><tr><th>${esc(t.colKind)}</th><th></th></tr></thead><tbody>${locks.map((l) => `<tr><td>${l.kind === "privacy" ? "Integritetsspärr" : "Sekretesspärr"}</td><td>${l.scope === "prescriptionChain" ? "Förskrivningskedja" : "Pappersrecept"} · ${l.content === "whole" ? "hela innehållet" : "behandlingsorsak"} · mot ${l.against === "care" ? "vård" : l.against === "guardian" ? "vårdnadshavare" : "patient"}</td></tr>`).join("")}</tbody></table>`;
    }
    if (this.tab === "dispenses") {
      if (!disp.length) return `<p class="empty">${esc(t.none)}</p>`;
      return `<table><thead><tr><th>${esc(t.colDate)}</th><th>${esc(t.colProduct)}</th><th>${esc(t.colQuantity)}</th><th>${esc(t.colPharmacy)}</th><th>${esc(t.colPrescriber)}</th></tr></thead><tbody>${disp
        .slice(0, 2000)
        .map((d) => `<tr class="${d.credited ? "credited" : ""}"><td>${esc(d.handedOver)}</td><td>${d.packages ? d.packages + " × " : ""}${product(d.product)}<br><small>${esc(d.dosage)}</small>${d.credited ? ` <span class="marker">${esc(t.credited)} ${esc(d.credited.date)} ${esc(d.credited.comment)}</span>` : ""} ${this.markers(d.markers)}</td><td>${esc(d.quantity)}</td><td>${this.guarded(d.pharmacy.name)}</td><td>${prescriber(d.prescriber)}</td></tr>`)
        .join("")}</tbody></table>`;
    }
    const rows = rx.filter((r) => r.group === this.tab);
    if (!rows.length) return `<p class="empty">${esc(t.none)}</p>`;
    return `<table><thead><tr><th>${esc(t.colProduct)}</th><th>${esc(t.colDosage)}</th><th>${esc(t.colLeft)}</th><th>${esc(t.colValid)}</th></tr></thead><tbody>${rows
      .slice(0, 2000)
      .map((r) => `<tr><td>${product(r.product)}<br><small>${esc(t.colPrescriber)}: ${prescriber(r.prescriber)}</small> ${this.markers(r.markers)}</td><td>${esc(r.dosage)}</td><td>${r.dispensesAllowed !== null ? `${Math.max(0, r.dispensesAllowed - r.dispensesMade)} ${esc(t.of)} ${r.dispensesAllowed}` : ""}</td><td>${esc(r.validUntil)}</td></tr>`)
      .join("")}</tbody></table>`;
  }

  renderLog(): string {
    const t = this.t;
    const rows = this.logRows
      .map((r) => `<tr><td>${esc(r.time.slice(0, 19).replace("T", " "))}</td><td>${esc(r.kind)}</td><td>${esc(r.user)}</td><td>${esc(r.flow)}</td><td>${esc(r.access)}</td><td>${esc(r.resource)}</td><td>${esc(r.patientRef)}</td><td>${r.protected ? "ja" : ""}</td><td>${esc(r.fieldKey)}</td><td>${esc(r.outcome)}</td><td>${esc(r.requestId)}</td></tr>`)
      .join("");
    return `<main class="log"><h1>${esc(t.logTitle)}</h1>
      <div class="filters"><label>${esc(t.logSince)} <input type="date" id="log-since"></label>
      <label><input type="checkbox" id="log-protected"> ${esc(t.logProtected)}</label>
      <label><input type="checkbox" id="log-reveals"> ${esc(t.logReveals)}</label>
      <button id="log-export">${esc(t.logExport)}</button> <button id="back">${esc(t.back)} (Esc)</button></div>
      <table id="log-table"><thead><tr><th>Tid</th><th>Typ</th><th>Användare</th><th>Ärende</th><th>Åtkomst</th><th>Resurs</th><th>Patientref.</th><th>Skyddad</th><th>Fält</th><th>Utfall</th><th>Request</th></tr></thead><tbody>${rows}</tbody></table></main>`;
  }

  renderSettings(): string {
    const t = this.t;
    const s = this.session!.settings;
    const live = s.live;
    const tok = live?.token.kind === "exchange" ? live.token : null;
    const f = (id: string, label: string, value: string | null | undefined, type = "text") => `<label>${esc(label)}<input id="${id}" type="${type}" value="${esc(value ?? "")}"></label>`;
    return `<main class="settings"><h1>${esc(t.settings)}</h1><p>${esc(t.restartNote)}</p>
      <div class="grid">
      ${f("set-idle", t.idleTimeout, String(s.idleTimeoutMinutes), "number")}
      ${f("set-printer", t.printer, s.printer)}
      <label>${esc(t.language)}<select id="set-lang"><option value="sv" ${s.language === "sv" ? "selected" : ""}>Svenska</option><option value="en" ${s.language === "en" ? "selected" : ""}>English</option></select></label>
      <label><input type="checkbox" id="set-live" ${live ? "checked" : ""}> ${esc(t.liveMode)}</label>
      ${f("set-base", t.baseUrl, live?.baseUrl)}${f("set-token-url", t.tokenUrl, tok?.tokenUrl)}${f("set-client-id", t.clientId, tok?.clientId)}
      ${f("set-cert", t.clientCert, live?.clientCertificate)}${f("set-cert-pw", t.certPassword, "", "password")}
      ${f("set-ca", t.extraCa, live?.extraCa)}${f("set-proxy", t.proxy, live?.proxyUrl)}
      ${f("set-org", t.orgName, live?.org.orgName)}${f("set-gln", t.gln, live?.org.gln)}${f("set-unit", t.unitName, live?.org.unitName)}${f("set-town", t.town, live?.org.town)}
      </div><div id="settings-msg" class="${this.error ? "error" : ""}">${esc(this.error?.message ?? "")}</div>
      <button id="save-settings" class="primary">${esc(t.save)}</button> <button id="back">${esc(t.back)} (Esc)</button></main>`;
  }

  renderIdState() {
    const state = this.root.querySelector("#pnr-state");
    const err = this.root.querySelector("#pnr-error");
    if (!state || !err) return;
    state.textContent = this.idCheck?.ok ? "✓" : "";
    state.className = this.idCheck?.ok ? "ok" : "";
    err.textContent = this.idCheck && !this.idCheck.ok ? this.idCheck.errorSv ?? "" : "";
  }

  private wire() {
    const q = <T extends HTMLElement>(s: string) => this.root.querySelector<T>(s);
    this.root.querySelectorAll<HTMLElement>("[data-login]").forEach((b) => (b.onclick = () => void this.login(b.dataset.login || null)));
    q("#open-log") && (q("#open-log")!.onclick = () => void this.openLog());
    q("#open-settings") && (q("#open-settings")!.onclick = () => { this.view = "settings"; this.error = null; this.render(); });
    q("#back") && (q("#back")!.onclick = () => { this.view = "counter"; this.error = null; this.render(); });
    const pnr = q<HTMLInputElement>("#pnr");
    if (pnr) pnr.oninput = () => void this.checkId(pnr.value);
    this.root.querySelectorAll<HTMLInputElement>("input[name=flow]").forEach((r) => (r.onchange = () => { const f = this.session?.flows.find((x) => x.flow === r.value); if (f) this.selectFlow(f); }));
    const bind = (id: string, key: "consent" | "identityChecked") => { const el = q<HTMLInputElement>(id); if (el) el.onchange = () => (this.form[key] = el.checked); };
    bind("#consent", "consent");
    bind("#identity", "identityChecked");
    const agent = q<HTMLInputElement>("#agent");
    if (agent) agent.oninput = () => (this.form.agent = agent.value);
    const guardian = q<HTMLInputElement>("#guardian");
    if (guardian) guardian.oninput = () => (this.form.guardian = guardian.value);
    q("#fetch") && (q("#fetch")!.onclick = () => void this.fetch());
    q("#end-customer") && (q("#end-customer")!.onclick = () => void this.endCustomer());
    this.root.querySelectorAll<HTMLElement>("[data-tab]").forEach((b) => (b.onclick = () => { this.tab = b.dataset.tab as Tab; this.render(); }));
    this.root.querySelectorAll<HTMLElement>("[data-reveal]").forEach((b) => (b.onclick = () => { this.pendingReveal = b.dataset.reveal!; this.render(); }));
    this.root.querySelectorAll<HTMLElement>("[data-reveal-ok]").forEach((b) => (b.onclick = () => void this.reveal(b.dataset.revealOk!)));
    this.root.querySelectorAll<HTMLElement>("[data-reveal-cancel]").forEach((b) => (b.onclick = () => { this.pendingReveal = null; this.render(); }));
    const logFilter = () => ({ since: q<HTMLInputElement>("#log-since")?.value || null, protectedOnly: !!q<HTMLInputElement>("#log-protected")?.checked, revealsOnly: !!q<HTMLInputElement>("#log-reveals")?.checked });
    ["#log-since", "#log-protected", "#log-reveals"].forEach((id) => { const el = q<HTMLInputElement>(id); if (el) el.onchange = async () => { this.logRows = await this.backend.accessLog(logFilter()); const f = logFilter(); this.render(); q<HTMLInputElement>("#log-since")!.value = f.since ?? ""; q<HTMLInputElement>("#log-protected")!.checked = f.protectedOnly; q<HTMLInputElement>("#log-reveals")!.checked = f.revealsOnly; }; });
    q("#log-export") && (q("#log-export")!.onclick = async () => {
      const csv = await this.backend.accessLogCsv(logFilter());
      const a = document.createElement("a");
      a.href = URL.createObjectURL(new Blob([csv], { type: "text/csv" }));
      a.download = "atkomstlogg.csv";
      a.click();
    });
    q("#save-settings") && (q("#save-settings")!.onclick = () => void this.saveSettings());
  }

  private async saveSettings() {
    const v = (id: string) => this.root.querySelector<HTMLInputElement>(id)?.value.trim() ?? "";
    const live = this.root.querySelector<HTMLInputElement>("#set-live")?.checked;
    const settings = {
      live: live
        ? { baseUrl: v("#set-base"), fullmaktUrl: null, token: { kind: "exchange" as const, tokenUrl: v("#set-token-url"), clientId: v("#set-client-id") }, clientCertificate: v("#set-cert") || null, extraCa: v("#set-ca") || null, proxyUrl: v("#set-proxy") || null, noProxy: null, org: { orgName: v("#set-org"), gln: v("#set-gln"), unitName: v("#set-unit"), town: v("#set-town") } }
        : null,
      printer: v("#set-printer") || null,
      idleTimeoutMinutes: Number(v("#set-idle")) || 3,
      language: (this.root.querySelector<HTMLSelectElement>("#set-lang")?.value ?? "sv"),
    };
    try {
      await this.backend.saveSettings(settings);
      const pw = v("#set-cert-pw");
      if (pw) await this.backend.storeSecret("pkcs12-password", pw);
      this.session!.settings = settings;
      setLanguage(settings.language);
      this.t = texts();
      this.error = null;
      this.render();
      this.root.querySelector("#settings-msg")!.textContent = this.t.saved;
    } catch (e) {
      this.error = asClientError(e);
      this.render();
    }
  }
}
