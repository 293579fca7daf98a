// The window: training band, header (pharmacy, user and role, Logg, Inställningar), and one of
// four views — login, counter, access log, settings. Owns the global keys and the idle timeout.
import { h, fill } from "./dom";
import { t, setLang, lang, pick } from "./i18n";
import { asClientError, type Backend } from "./backend";
import { Counter } from "./counter";
import type { SessionInfo } from "./bindings/SessionInfo";
import type { PrintoutKind } from "./bindings/PrintoutKind";
import type { Settings } from "./bindings/Settings";
import { CounterView } from "./views/counter-view";
import { LogView } from "./views/log-view";
import { SettingsView } from "./views/settings-view";
import { openPrintPanel } from "./views/print-panel";
import { closeModal, modalKey, modalOpen } from "./views/modal";

export type View = "login" | "counter" | "log" | "settings" | "config-problem";

export class App {
  session: SessionInfo | null = null;
  counter: Counter | null = null;
  view: View = "login";
  counterView: CounterView | null = null;
  logView: LogView | null = null;
  settingsView: SettingsView | null = null;
  private loginError: string | null = null;
  /** A live login failed: the error offers the way to Inställningar. */
  private loginErrorLive = false;
  private configProblemShown = false;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly onKey = (e: KeyboardEvent) => this.key(e);
  private readonly onActivity = () => this.touch();

  constructor(
    private readonly root: HTMLElement,
    readonly backend: Backend,
  ) {}

  async start() {
    document.addEventListener("keydown", this.onKey);
    for (const ev of ["keydown", "pointerdown", "wheel", "input"]) document.addEventListener(ev, this.onActivity, { capture: true, passive: true });
    fill(this.root, h("p", { class: "loading" }, t("app.loading")));
    try {
      this.session = await this.backend.sessionInfo();
    } catch (e) {
      fill(this.root, h("div", { class: "error-banner", role: "alert", id: "error" }, t("app.startFailed", { message: asClientError(e).message })));
      return;
    }
    setLang(this.session.settings.language);
    this.afterSession();
    this.touch();
  }

  /** Removes global listeners (tests create one App per test). */
  stop() {
    document.removeEventListener("keydown", this.onKey);
    for (const ev of ["keydown", "pointerdown", "wheel", "input"]) document.removeEventListener(ev, this.onActivity, { capture: true });
    if (this.idleTimer) clearTimeout(this.idleTimer);
    closeModal();
  }

  private afterSession() {
    const s = this.session!;
    if (s.user) {
      this.counter = new Counter(this.backend, s.flows);
      this.view = "counter";
    } else {
      this.counter = null;
      // A configuration that could not be read is said first, never silently skipped.
      this.view = s.configProblem && !this.configProblemShown ? "config-problem" : "login";
      this.configProblemShown ||= s.configProblem !== null;
    }
    this.render();
  }

  async login(login: string | null) {
    this.loginError = null;
    try {
      this.session = await this.backend.login(login);
    } catch (e) {
      const err = asClientError(e);
      this.loginError = pick(err.message, err.messageEn);
      this.loginErrorLive = !this.session?.training;
      this.render();
      return;
    }
    this.afterSession();
  }

  async logout() {
    if (this.counter) await this.counter.endCustomer("user");
    await this.backend.logout().catch(() => undefined);
    this.session = await this.backend.sessionInfo();
    this.afterSession();
  }

  show(view: View) {
    if (view === this.view) return;
    this.view = view;
    this.render();
  }

  private teardown() {
    this.counterView?.destroy();
    this.counterView = null;
    this.logView = null;
    this.settingsView = null;
  }

  render() {
    this.teardown();
    const s = this.session;
    if (!s) return;
    const parts: HTMLElement[] = [];
    if (s.training) parts.push(h("div", { class: "training-band", id: "training-band", role: "note" }, t("app.training")));
    parts.push(this.header());
    let body: HTMLElement;
    let focus: () => void = () => {};
    if (this.view === "config-problem") {
      body = this.configProblemView();
      focus = () => body.querySelector<HTMLElement>("button")?.focus();
    } else if (this.view === "settings") {
      body = h("main", { class: "page" }, t("app.loading"));
      void this.openSettings(body);
    } else if (this.view === "login" || !this.counter) {
      body = this.loginView();
      focus = () => body.querySelector<HTMLElement>("button")?.focus();
    } else if (this.view === "log") {
      const v = new LogView(this.backend, s.flows, () => this.show("counter"));
      this.logView = v;
      body = v.el;
      void v.load();
      focus = () => v.focus();
    } else {
      const v = new CounterView(this.counter, { openPrint: (k) => void this.openPrint(k), endCustomer: () => void this.endCustomer() });
      this.counterView = v;
      body = v.el;
      focus = () => v.focus();
    }
    parts.push(body);
    fill(this.root, h("div", { class: `app view-${this.view}` }, parts));
    focus();
  }

  private async openSettings(placeholder: HTMLElement) {
    const [settings, printers] = await Promise.all([this.backend.getSettings(), this.backend.listPrinters().catch(() => [])]);
    if (this.view !== "settings" || !placeholder.isConnected) return;
    const v = new SettingsView(this.backend, settings, printers, (saved) => this.settingsSaved(saved), () => this.show(this.counter ? "counter" : "login"), this.counter ? t("settings.back") : t("settings.backLogin"));
    this.settingsView = v;
    placeholder.replaceWith(v.el);
    v.focus();
  }

  private settingsSaved(s: Settings) {
    if (!this.session) return;
    this.session.settings = s;
    if (s.language !== lang()) {
      setLang(s.language);
      this.render();
    }
    this.touch();
  }

  private header(): HTMLElement {
    const s = this.session!;
    const u = s.user;
    const nav = (id: string, label: string, view: View) =>
      h("button", { type: "button", id, class: `nav-btn${this.view === view ? " active" : ""}`, "aria-current": this.view === view ? "page" : null, on: { click: () => this.show(view) } }, label);
    return h(
      "header",
      { class: "app-header" },
      h("span", { class: "brand" }, t("app.name")),
      u && h("span", { class: "pharmacy", id: "pharmacy" }, [u.org.orgenhetsNamn, u.org.orgenhetsOrt].filter(Boolean).join(", "), " ", h("span", { class: "muted" }, `(${t("header.gln", { gln: u.org.orgenhetsId })})`)),
      h("span", { class: "spacer" }),
      s.logWarning && h("span", { class: "tag tag-red", id: "log-warning-header", role: "alert", title: pick(s.logWarning.message, s.logWarning.messageEn) }, t("header.logWarning")),
      u && h("span", { class: "user", id: "user" }, h("strong", null, u.name ?? u.user), " · ", t(`role.${u.role}`)),
      u && h("nav", { class: "nav" }, nav("open-counter", t("header.counter"), "counter"), nav("open-log", t("header.log"), "log"), nav("open-settings", t("header.settings"), "settings"), h("button", { type: "button", id: "logout", class: "nav-btn", on: { click: () => void this.logout() } }, t("header.logout"))),
      // Named by its visible text (in the language it names); what it does is its description.
      h("button", { type: "button", id: "lang-switch", class: "nav-btn lang", lang: lang() === "sv" ? "en" : "sv", title: t("header.languageHint"), on: { click: () => this.switchLanguage() } }, t("header.language")),
    );
  }

  private switchLanguage() {
    setLang(lang() === "sv" ? "en" : "sv");
    this.render();
  }

  private loginView(): HTMLElement {
    const s = this.session!;
    const users = s.training
      ? s.trainingUsers.map((u) =>
          h("button", { type: "button", class: "login-user", "data-login": u.login, on: { click: () => void this.login(u.login) } }, h("strong", null, u.name), h("span", null, t(`role.${u.role}`)), h("span", { class: "muted" }, u.pharmacy)),
        )
      : [h("button", { type: "button", class: "login-user primary", "data-login": "", on: { click: () => void this.login(null) } }, t("login.liveButton"))];
    // An ordinary button: the header's nav-btn is white on dark and would vanish on the card.
    const toSettings = (id: string) => h("button", { type: "button", id, on: { click: () => this.show("settings") } }, t("login.settings"));
    return h(
      "main",
      { class: "login", id: "login-view" },
      h(
        "div",
        { class: "login-card" },
        h("h1", null, t("login.title")),
        h("p", { class: "muted" }, s.training ? t("login.training") : t("login.live")),
        this.loginError && h("div", { class: "error-banner", role: "alert", id: "error" }, this.loginError, this.loginErrorLive && h("div", null, toSettings("error-open-settings"))),
        h("div", { class: "login-users" }, users),
        h("div", { class: "login-settings" }, toSettings("login-open-settings")),
      ),
    );
  }

  /** The configuration file could not be read: which file and line, and the two ways on. */
  private configProblemView(): HTMLElement {
    const p = this.session!.configProblem!;
    const where = p.path ? (p.line ? t("config.where", { path: p.path, line: String(p.line) }) : p.path) : "";
    return h(
      "main",
      { class: "login", id: "config-problem" },
      h(
        "div",
        { class: "login-card" },
        h("h1", null, t("config.title")),
        h("div", { class: "error-banner", role: "alert" }, where && h("p", { id: "config-problem-where" }, h("code", null, where)), h("p", null, pick(p.message, p.messageEn))),
        h("p", { class: "muted" }, t("config.explain")),
        h(
          "div",
          { class: "form-actions" },
          h("button", { type: "button", id: "use-training", class: "primary", on: { click: () => this.show("login") } }, t("config.training")),
          h("button", { type: "button", id: "config-open-settings", on: { click: () => this.show("settings") } }, t("config.settings")),
        ),
      ),
    );
  }

  async openPrint(kind?: PrintoutKind) {
    if (!this.counter || !this.session) return;
    const status = this.counter.status;
    const lookupSeq = status.kind === "result" ? status.result.lookupSeq : null;
    await openPrintPanel(this.backend, { lookupSeq, preselect: kind, defaultPrinter: this.session.settings.printer });
  }

  /** Avsluta kund: the print panel or a confirmation may show patient data, so it goes too. */
  async endCustomer() {
    closeModal();
    await this.counter?.endCustomer("user");
  }

  /** Any keyboard or pointer activity restarts the idle timeout. */
  touch() {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const minutes = this.session?.settings.idleTimeoutMinutes ?? 3;
    this.idleTimer = setTimeout(() => this.idle(minutes), minutes * 60_000);
  }

  private idle(minutes: number) {
    this.idleTimer = null;
    if (this.counter?.hasCustomer()) {
      closeModal();
      void this.counter.endCustomer("idle", minutes);
    }
    this.touch();
  }

  private key(e: KeyboardEvent) {
    if (modalOpen()) {
      modalKey(e);
      return;
    }
    if (this.view === "counter" && this.counterView) {
      this.counterView.handleKey(e);
      return;
    }
    if ((this.view === "log" || this.view === "settings") && e.key === "Escape") {
      e.preventDefault();
      this.show(this.counter ? "counter" : "login");
      return;
    }
    if ((e.ctrlKey || e.metaKey) && (e.key === "p" || e.key === "P")) e.preventDefault();
  }
}
