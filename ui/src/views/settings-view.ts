// Inställningar: training or live mode, the NLL connection (base URL, token source, client
// certificate and key, extra CA, proxy), the pharmacy's org info (GLN checked as typed), role and
// user for an opaque token, a test patient, printer, idle timeout and language; Testa
// anslutningen (the nllc doctor check) on what the form shows. A key the chain set machine-wide
// is shown but locked ("satt av apotekskedjan"). Passwords and secrets go to the OS keyring with
// the save (all or nothing) and are never kept here: the fields are emptied once handed over.
import { h, fill } from "../dom";
import { t, pick } from "../i18n";
import { asClientError, type Backend } from "../backend";
import type { Settings } from "../bindings/Settings";
import type { LiveSettings } from "../bindings/LiveSettings";
import type { SecretAccount } from "../backend-types";
import type { SecretInput } from "../bindings/SecretInput";
import type { DoctorReport } from "../bindings/DoctorReport";
import type { PrinterInfo } from "../bindings/PrinterInfo";

function field(id: string, label: string, input: HTMLElement, hint?: HTMLElement | null): HTMLElement {
  return h("div", { class: "form-row" }, h("label", { for: id, class: "field-label small" }, label), input, hint ?? null);
}

function text(id: string, value: string | null | undefined, extra: Record<string, unknown> = {}): HTMLInputElement {
  return h("input", { id, type: "text", value: value ?? "", autocomplete: "off", spellcheck: "false", ...extra });
}

const EMPTY_LIVE: LiveSettings = {
  baseUrl: "https://",
  fullmaktUrl: null,
  token: { kind: "exchange", tokenUrl: "https://", clientId: "", subjectTokenCommand: [], subjectToken: null },
  clientCertificate: null,
  clientKey: null,
  extraCa: null,
  proxyUrl: null,
  noProxy: null,
  org: { orgName: "", gln: "", unitName: "", town: "" },
  role: null,
  user: null,
  testPersonnummer: null,
};

/** The configuration key each input edits (locked when the chain set it machine-wide). */
const KEYS: Record<string, string[]> = {
  "set-base-url": ["base_url"],
  "set-fullmakt-url": ["fullmakt_url"],
  "set-token-url": ["token.token_url", "token.source"],
  "set-client-id": ["token.client_id", "token.source"],
  "set-subject-command": ["token.subject_token_command", "token.source"],
  "set-subject-token": ["token.subject_token", "token.source"],
  "set-command": ["token.command", "token.source"],
  "set-client-cert": ["client_certificate.pkcs12", "client_certificate.pem"],
  "set-client-key": ["client_certificate.key_pem", "client_certificate.pkcs12"],
  "set-extra-ca": ["extra_ca_pem"],
  "set-proxy": ["proxy.url"],
  "set-no-proxy": ["proxy.no_proxy"],
  "set-org-name": ["org.org_namn"],
  "set-gln": ["org.orgenhets_id"],
  "set-unit-name": ["org.orgenhets_namn"],
  "set-town": ["org.orgenhets_ort"],
  "set-role": ["role"],
  "set-user": ["user"],
  "set-test-pnr": ["test_personnummer"],
  "set-printer": ["counter.printer"],
  "set-idle": ["counter.idle_timeout_minutes"],
  "set-lang": ["counter.language"],
  "set-training": ["base_url"],
  "set-live": ["base_url"],
  "set-token-exchange": ["token.source"],
  "set-token-command": ["token.source"],
  "set-token-static": ["token.source"],
};

const lines = (v: string) => v.split("\n").map((x) => x.trim()).filter(Boolean);

export class SettingsView {
  readonly el: HTMLElement;
  private readonly msg: HTMLElement;
  private readonly keyring: HTMLElement;
  private readonly inputs: Record<string, HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement> = {};
  private readonly liveBox: HTMLFieldSetElement;
  private readonly doctorBox: HTMLElement;
  private glnToken = 0;

  constructor(
    private readonly backend: Backend,
    private settings: Settings,
    printers: PrinterInfo[],
    private readonly saved: (s: Settings) => void,
    back: () => void,
    backLabel: string = t("settings.back"),
  ) {
    const live = settings.live ?? EMPTY_LIVE;
    const tok = live.token;
    const i = this.inputs;
    const modeTraining = h("input", { type: "radio", name: "mode", id: "set-training", value: "training", checked: settings.live === null, on: { change: () => this.syncMode() } });
    const modeLive = h("input", { type: "radio", name: "mode", id: "set-live", value: "live", checked: settings.live !== null, on: { change: () => this.syncMode() } });
    i.baseUrl = text("set-base-url", live.baseUrl, { type: "url" });
    i.fullmaktUrl = text("set-fullmakt-url", live.fullmaktUrl, { type: "url" });
    const tokExchange = h("input", { type: "radio", name: "token", id: "set-token-exchange", checked: tok.kind === "exchange", on: { change: () => this.syncMode() } });
    const tokCommand = h("input", { type: "radio", name: "token", id: "set-token-command", checked: tok.kind === "command", on: { change: () => this.syncMode() } });
    const tokStatic = h("input", { type: "radio", name: "token", id: "set-token-static", checked: tok.kind === "static", on: { change: () => this.syncMode() } });
    i.tokenUrl = text("set-token-url", tok.kind === "exchange" ? tok.tokenUrl : "https://", { type: "url" });
    i.clientId = text("set-client-id", tok.kind === "exchange" ? tok.clientId : "");
    i.clientSecret = h("input", { id: "set-client-secret", type: "password", autocomplete: "new-password", placeholder: "••••••" });
    i.subjectCommand = h("textarea", { id: "set-subject-command", rows: 2, spellcheck: "false" }, tok.kind === "exchange" ? tok.subjectTokenCommand.join("\n") : "");
    i.subjectToken = text("set-subject-token", tok.kind === "exchange" ? tok.subjectToken : "");
    i.command = h("textarea", { id: "set-command", rows: 3, spellcheck: "false" }, tok.kind === "command" ? tok.command.join("\n") : "");
    i.staticToken = h("input", { id: "set-static-token", type: "password", autocomplete: "new-password", placeholder: "••••••" });
    i.role = h("select", { id: "set-role" }, h("option", { value: "", selected: !live.role }, t("settings.roleFromToken")), h("option", { value: "FARMACEUT", selected: live.role === "FARMACEUT" }, t("role.FARMACEUT")), h("option", { value: "APOTEKSPERSONAL", selected: live.role === "APOTEKSPERSONAL" }, t("role.APOTEKSPERSONAL")));
    i.user = text("set-user", live.user);
    i.testPnr = text("set-test-pnr", live.testPersonnummer, { inputmode: "numeric" });
    i.clientCertificate = text("set-client-cert", live.clientCertificate);
    i.clientKey = text("set-client-key", live.clientKey);
    i.certPassword = h("input", { id: "set-cert-password", type: "password", autocomplete: "new-password", placeholder: "••••••" });
    i.extraCa = text("set-extra-ca", live.extraCa);
    i.proxyUrl = text("set-proxy", live.proxyUrl);
    i.noProxy = text("set-no-proxy", live.noProxy);
    i.orgName = text("set-org-name", live.org.orgName);
    i.gln = text("set-gln", live.org.gln, { inputmode: "numeric", maxlength: 13, "aria-describedby": "set-gln-hint", on: { input: () => void this.checkGln() } });
    i.unitName = text("set-unit-name", live.org.unitName);
    i.town = text("set-town", live.org.town);
    i.printer = h(
      "select",
      { id: "set-printer" },
      h("option", { value: "", selected: settings.printer === null }, t("print.systemDefault")),
      printers.map((p) => h("option", { value: p.name, selected: p.name === settings.printer }, p.name)),
    );
    if (settings.printer && !printers.some((p) => p.name === settings.printer)) {
      i.printer.appendChild(h("option", { value: settings.printer, selected: true }, settings.printer));
    }
    i.idle = h("input", { id: "set-idle", type: "number", min: 1, max: 60, value: String(settings.idleTimeoutMinutes) });
    i.lang = h("select", { id: "set-lang" }, h("option", { value: "sv", selected: settings.language !== "en" }, t("settings.langSv")), h("option", { value: "en", selected: settings.language === "en" }, t("settings.langEn")));
    const pick1 = (target: HTMLInputElement, kind: "certificate" | "ca") =>
      h("button", { type: "button", class: "pick-btn", on: { click: async () => { const p = await this.backend.pickFile(kind).catch(() => null); if (p) target.value = p; } } }, t("settings.pick"));

    this.msg = h("p", { id: "settings-msg", class: "print-msg", role: "status", hidden: true });
    this.doctorBox = h("div", { id: "doctor", class: "doctor", "aria-live": "polite" });
    this.keyring = h("p", { id: "keyring-status", class: "muted" });
    this.liveBox = h(
      "fieldset",
      { class: "live-box", id: "live-settings" },
      h("legend", null, t("settings.nll")),
      field("set-base-url", t("settings.baseUrl"), i.baseUrl),
      field("set-fullmakt-url", t("settings.fullmaktUrl"), i.fullmaktUrl),
      h(
        "fieldset",
        { class: "sub" },
        h("legend", null, t("settings.token")),
        h("label", { class: "check" }, tokExchange, h("span", null, t("settings.tokenExchange"))),
        h(
          "div",
          { class: "indent", id: "token-exchange" },
          field("set-token-url", t("settings.tokenUrl"), i.tokenUrl),
          field("set-client-id", t("settings.clientId"), i.clientId),
          field("set-client-secret", t("settings.clientSecret"), i.clientSecret, h("p", { class: "hint" }, t("settings.secretKept"))),
          field("set-subject-command", t("settings.subjectCommand"), i.subjectCommand, h("p", { class: "hint" }, t("settings.subjectCommandHint"))),
          field("set-subject-token", t("settings.subjectToken"), i.subjectToken, h("p", { class: "hint" }, t("settings.subjectTokenHint"))),
        ),
        h("label", { class: "check" }, tokCommand, h("span", null, t("settings.tokenCommand"))),
        h("div", { class: "indent", id: "token-command" }, field("set-command", t("settings.command"), i.command)),
        h("label", { class: "check" }, tokStatic, h("span", null, t("settings.tokenStatic"))),
        h("div", { class: "indent", id: "token-static" }, field("set-static-token", t("settings.staticToken"), i.staticToken, h("p", { class: "hint" }, t("settings.secretKept")))),
        field("set-role", t("settings.role"), i.role),
        field("set-user", t("settings.user"), i.user),
      ),
      h(
        "fieldset",
        { class: "sub" },
        h("legend", null, t("settings.certificate")),
        field("set-client-cert", t("settings.clientCert"), h("div", { class: "with-btn" }, i.clientCertificate, pick1(i.clientCertificate as HTMLInputElement, "certificate"))),
        field("set-client-key", t("settings.clientKey"), h("div", { class: "with-btn" }, i.clientKey, pick1(i.clientKey as HTMLInputElement, "certificate"))),
        field("set-cert-password", t("settings.certPassword"), i.certPassword, h("p", { class: "hint" }, t("settings.secretKept"))),
        field("set-extra-ca", t("settings.extraCa"), h("div", { class: "with-btn" }, i.extraCa, pick1(i.extraCa as HTMLInputElement, "ca"))),
      ),
      h("fieldset", { class: "sub" }, h("legend", null, t("settings.proxy")), field("set-proxy", t("settings.proxyUrl"), i.proxyUrl), field("set-no-proxy", t("settings.noProxy"), i.noProxy)),
      h(
        "fieldset",
        { class: "sub" },
        h("legend", null, t("settings.org")),
        field("set-org-name", t("settings.orgName"), i.orgName),
        field("set-gln", t("settings.gln"), i.gln, h("p", { id: "set-gln-hint", class: "hint", "aria-live": "polite" })),
        field("set-unit-name", t("settings.unitName"), i.unitName),
        field("set-town", t("settings.town"), i.town),
      ),
      field("set-test-pnr", t("settings.testPnr"), i.testPnr),
    );

    const form = h(
      "form",
      { class: "settings-form", id: "settings-form", on: { submit: (e: Event) => e.preventDefault() } },
      h(
        "div",
        { class: "settings-cols" },
        h(
          "div",
          { class: "settings-col" },
          h("fieldset", null, h("legend", null, t("settings.mode")), h("label", { class: "check" }, modeTraining, h("span", null, t("settings.training"))), h("label", { class: "check" }, modeLive, h("span", null, t("settings.live"))), h("p", { class: "hint" }, t("settings.restart"))),
          h("fieldset", null, h("legend", null, t("settings.counter")), field("set-printer", t("settings.printer"), i.printer), field("set-idle", t("settings.idleTimeout"), i.idle), field("set-lang", t("settings.language"), i.lang)),
          this.keyring,
          h("p", { class: "hint", id: "settings-files" }, settings.files.length ? t("settings.files", { files: settings.files.join(", ") }) : t("settings.noFiles", { file: settings.userFile ?? "" })),
        ),
        h("div", { class: "settings-col wide" }, this.liveBox),
      ),
      this.msg,
      this.doctorBox,
      h(
        "div",
        { class: "form-actions" },
        h("button", { type: "button", id: "test-connection", on: { click: () => void this.testConnection() } }, t("settings.test")),
        h("button", { type: "submit", class: "primary", id: "save-settings", on: { click: (e: Event) => { e.preventDefault(); void this.save(); } } }, t("settings.save")),
      ),
    );
    this.el = h(
      "main",
      { class: "page settings-page", id: "settings-view" },
      h("div", { class: "page-head" }, h("h1", null, t("settings.title")), h("button", { type: "button", id: "back", on: { click: back } }, backLabel, " ", h("kbd", null, "Esc"))),
      form,
    );
    this.lock(settings.locked);
    this.syncMode();
    void this.checkGln();
    void this.loadKeyring();
  }

  /** Inputs for keys the chain set machine-wide: disabled, with "satt av apotekskedjan". */
  private lock(locked: string[]) {
    for (const [id, keys] of Object.entries(KEYS)) {
      if (!keys.some((k) => locked.includes(k))) continue;
      const input = this.el.querySelector<HTMLInputElement>(`#${id}`);
      if (!input) continue;
      input.disabled = true;
      input.classList.add("locked");
      const note = h("span", { class: "hint locked-note", id: `${id}-locked` }, t("settings.locked"));
      input.setAttribute("aria-describedby", `${id}-locked`);
      input.closest(".form-row, label")?.appendChild(note);
    }
  }

  private tokenKind(): "exchange" | "command" | "static" {
    if (this.liveBox.querySelector<HTMLInputElement>("#set-token-command")!.checked) return "command";
    if (this.liveBox.querySelector<HTMLInputElement>("#set-token-static")!.checked) return "static";
    return "exchange";
  }

  private isLive(): boolean {
    return this.el.querySelector<HTMLInputElement>("#set-live")!.checked;
  }

  private syncMode() {
    this.liveBox.disabled = !this.isLive();
    const kind = this.tokenKind();
    this.liveBox.querySelector<HTMLElement>("#token-exchange")!.hidden = kind !== "exchange";
    this.liveBox.querySelector<HTMLElement>("#token-command")!.hidden = kind !== "command";
    this.liveBox.querySelector<HTMLElement>("#token-static")!.hidden = kind !== "static";
  }

  private async loadKeyring() {
    try {
      const k = await this.backend.keyringStatus();
      this.keyring.textContent = k.ok ? t("settings.keyringOk") : t("settings.keyringBad", { message: k.message ?? "" });
      this.keyring.className = k.ok ? "muted" : "print-msg error";
    } catch (e) {
      this.keyring.textContent = t("settings.keyringBad", { message: asClientError(e).message });
      this.keyring.className = "print-msg error";
    }
  }

  private async checkGln() {
    const hint = this.liveBox.querySelector<HTMLElement>("#set-gln-hint")!;
    const value = this.inputs.gln.value.trim();
    const token = ++this.glnToken;
    if (!value) {
      hint.textContent = "";
      return;
    }
    const c = await this.backend.checkGln(value).catch(() => null);
    if (token !== this.glnToken || !c) return;
    hint.textContent = c.ok ? `✓ ${t("settings.glnOk")}` : pick(c.errorSv ?? "", c.errorEn);
    hint.className = c.ok ? "hint valid" : "hint invalid";
  }

  /** The settings as the form shows them (no secrets: those are not part of Settings). */
  collect(): Settings {
    const v = (k: string) => this.inputs[k].value.trim();
    const opt = (k: string) => v(k) || null;
    const kind = this.tokenKind();
    const live: LiveSettings | null = this.isLive()
      ? {
          baseUrl: v("baseUrl"),
          fullmaktUrl: opt("fullmaktUrl"),
          token:
            kind === "command"
              ? { kind: "command", command: lines(this.inputs.command.value) }
              : kind === "static"
                ? { kind: "static" }
                : { kind: "exchange", tokenUrl: v("tokenUrl"), clientId: v("clientId"), subjectTokenCommand: lines(this.inputs.subjectCommand.value), subjectToken: opt("subjectToken") },
          clientCertificate: opt("clientCertificate"),
          clientKey: opt("clientKey"),
          extraCa: opt("extraCa"),
          proxyUrl: opt("proxyUrl"),
          noProxy: opt("noProxy"),
          org: { orgName: v("orgName"), gln: v("gln"), unitName: v("unitName"), town: v("town") },
          role: v("role") === "FARMACEUT" || v("role") === "APOTEKSPERSONAL" ? (v("role") as LiveSettings["role"]) : null,
          user: opt("user"),
          testPersonnummer: opt("testPnr"),
        }
      : null;
    const s = this.settings;
    return { live, printer: opt("printer"), idleTimeoutMinutes: Math.round(Number(v("idle")) || 0), language: v("lang") === "en" ? "en" : "sv", locked: s.locked, files: s.files, userFile: s.userFile };
  }

  /** The typed secrets (not kept: the fields are emptied by the caller once handed over). */
  private secrets(): SecretInput[] {
    const typed: [SecretAccount, string][] = [
      ["pkcs12-password", this.inputs.certPassword.value],
      ["oauth2-client-secret", this.inputs.clientSecret.value],
      ["nll-token", this.inputs.staticToken.value],
    ];
    return typed.filter(([, value]) => value).map(([account, value]) => ({ account, value }));
  }

  private clearSecrets() {
    for (const k of ["certPassword", "clientSecret", "staticToken"]) this.inputs[k].value = "";
  }

  async save() {
    const s = this.collect();
    const secrets = this.secrets();
    this.clearSecrets(); // handed over (or not): never kept in the window
    try {
      const saved = await this.backend.saveSettings(s, secrets);
      const modeChanged = (saved.live === null) !== (this.settings.live === null);
      this.show(secrets.length ? t("settings.savedSecrets") : t("settings.saved"), "ok");
      if (modeChanged) this.msg.appendChild(h("button", { type: "button", id: "restart", class: "primary", on: { click: () => void this.backend.restart() } }, t("settings.restartNow")));
      this.saved(saved);
    } catch (e) {
      const err = asClientError(e);
      const again = secrets.length ? ` ${t("settings.secretsAgain")}` : "";
      this.show(t("settings.failed", { message: pick(err.message, err.messageEn) }) + again, "error");
    }
  }

  /** Testa anslutningen: each step ✓/✗ with what to fix; typed secrets are used, not saved. */
  async testConnection() {
    fill(this.doctorBox, h("p", { class: "muted" }, t("settings.testing")));
    let report: DoctorReport;
    try {
      report = await this.backend.testConnection(this.collect(), this.secrets());
    } catch (e) {
      const err = asClientError(e);
      fill(this.doctorBox, h("p", { class: "print-msg error" }, pick(err.message, err.messageEn)));
      return;
    }
    const mark = { ok: "✓", failed: "✗", skipped: "·" } as const;
    fill(
      this.doctorBox,
      h("h2", null, t("settings.testTitle")),
      h(
        "ul",
        { class: "doctor-steps", id: "doctor-steps" },
        report.steps.map((step) => h("li", { class: `step ${step.status}` }, h("span", { class: "mark", "aria-hidden": "true" }, mark[step.status]), " ", pick(step.message, step.messageEn))),
      ),
    );
    // The report is below the form: bring it into view (jsdom has no scrolling).
    this.doctorBox.scrollIntoView?.({ block: "nearest" });
  }

  private show(text: string, kind: "ok" | "error") {
    fill(this.msg, text);
    this.msg.className = `print-msg ${kind}`;
    this.msg.hidden = false;
    this.msg.scrollIntoView?.({ block: "nearest" });
  }

  focus() {
    this.el.querySelector<HTMLInputElement>(this.settings.live ? "#set-live" : "#set-training")?.focus();
  }
}
