// Inställningar: training or live mode, the NLL connection (base URL, token source, client
// certificate, extra CA, proxy), the pharmacy's org info (GLN checked as typed), printer, idle
// timeout and language. Passwords and secrets go straight to the OS keyring through the backend
// and are never kept here: the fields are emptied as soon as they have been handed over.
import { h, fill } from "../dom";
import { t, pick } from "../i18n";
import { asClientError, type Backend } from "../backend";
import type { Settings } from "../bindings/Settings";
import type { LiveSettings } from "../bindings/LiveSettings";
import type { SecretAccount } from "../backend-types";
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
  token: { kind: "exchange", tokenUrl: "https://", clientId: "" },
  clientCertificate: null,
  extraCa: null,
  proxyUrl: null,
  noProxy: null,
  org: { orgName: "", gln: "", unitName: "", town: "" },
};

export class SettingsView {
  readonly el: HTMLElement;
  private readonly msg: HTMLElement;
  private readonly keyring: HTMLElement;
  private readonly inputs: Record<string, HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement> = {};
  private readonly liveBox: HTMLFieldSetElement;
  private glnToken = 0;

  constructor(
    private readonly backend: Backend,
    private readonly settings: Settings,
    printers: PrinterInfo[],
    private readonly saved: (s: Settings) => void,
    back: () => void,
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
    i.tokenUrl = text("set-token-url", tok.kind === "exchange" ? tok.tokenUrl : "https://", { type: "url" });
    i.clientId = text("set-client-id", tok.kind === "exchange" ? tok.clientId : "");
    i.clientSecret = h("input", { id: "set-client-secret", type: "password", autocomplete: "new-password", placeholder: "••••••" });
    i.command = h("textarea", { id: "set-command", rows: 3, spellcheck: "false" }, tok.kind === "command" ? tok.command.join("\n") : "");
    i.clientCertificate = text("set-client-cert", live.clientCertificate);
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
        h("div", { class: "indent", id: "token-exchange" }, field("set-token-url", t("settings.tokenUrl"), i.tokenUrl), field("set-client-id", t("settings.clientId"), i.clientId), field("set-client-secret", t("settings.clientSecret"), i.clientSecret, h("p", { class: "hint" }, t("settings.secretKept")))),
        h("label", { class: "check" }, tokCommand, h("span", null, t("settings.tokenCommand"))),
        h("div", { class: "indent", id: "token-command" }, field("set-command", t("settings.command"), i.command)),
      ),
      h(
        "fieldset",
        { class: "sub" },
        h("legend", null, t("settings.certificate")),
        field("set-client-cert", t("settings.clientCert"), h("div", { class: "with-btn" }, i.clientCertificate, pick1(i.clientCertificate as HTMLInputElement, "certificate"))),
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
        ),
        h("div", { class: "settings-col wide" }, this.liveBox),
      ),
      this.msg,
      h("div", { class: "form-actions" }, h("button", { type: "submit", class: "primary", id: "save-settings", on: { click: (e: Event) => { e.preventDefault(); void this.save(); } } }, t("settings.save"))),
    );
    this.el = h(
      "main",
      { class: "page settings-page", id: "settings-view" },
      h("div", { class: "page-head" }, h("h1", null, t("settings.title")), h("button", { type: "button", id: "back", on: { click: back } }, t("settings.back"), " ", h("kbd", null, "Esc"))),
      form,
    );
    this.syncMode();
    void this.checkGln();
    void this.loadKeyring();
  }

  private isLive(): boolean {
    return this.el.querySelector<HTMLInputElement>("#set-live")!.checked;
  }

  private syncMode() {
    this.liveBox.disabled = !this.isLive();
    const cmd = this.liveBox.querySelector<HTMLInputElement>("#set-token-command")!.checked;
    this.liveBox.querySelector<HTMLElement>("#token-exchange")!.hidden = cmd;
    this.liveBox.querySelector<HTMLElement>("#token-command")!.hidden = !cmd;
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
    const live: LiveSettings | null = this.isLive()
      ? {
          baseUrl: v("baseUrl"),
          fullmaktUrl: opt("fullmaktUrl"),
          token: this.liveBox.querySelector<HTMLInputElement>("#set-token-command")!.checked
            ? { kind: "command", command: this.inputs.command.value.split("\n").map((s) => s.trim()).filter(Boolean) }
            : { kind: "exchange", tokenUrl: v("tokenUrl"), clientId: v("clientId") },
          clientCertificate: opt("clientCertificate"),
          extraCa: opt("extraCa"),
          proxyUrl: opt("proxyUrl"),
          noProxy: opt("noProxy"),
          org: { orgName: v("orgName"), gln: v("gln"), unitName: v("unitName"), town: v("town") },
        }
      : null;
    return { live, printer: opt("printer"), idleTimeoutMinutes: Math.round(Number(v("idle")) || 0), language: v("lang") === "en" ? "en" : "sv" };
  }

  async save() {
    const s = this.collect();
    const secrets: [SecretAccount, HTMLInputElement][] = [
      ["pkcs12-password", this.inputs.certPassword as HTMLInputElement],
      ["oauth2-client-secret", this.inputs.clientSecret as HTMLInputElement],
    ];
    try {
      await this.backend.saveSettings(s);
      let stored = false;
      for (const [account, input] of secrets) {
        const value = input.value;
        input.value = ""; // handed over (or not): never kept in the window
        if (value) {
          await this.backend.storeSecret(account, value);
          stored = true;
        }
      }
      this.show(stored ? t("settings.savedSecrets") : t("settings.saved"), "ok");
      this.saved(s);
    } catch (e) {
      for (const [, input] of secrets) input.value = "";
      const err = asClientError(e);
      this.show(t("settings.failed", { message: pick(err.message, err.messageEn) }), "error");
    }
  }

  private show(text: string, kind: "ok" | "error") {
    fill(this.msg, text);
    this.msg.className = `print-msg ${kind}`;
    this.msg.hidden = false;
  }

  focus() {
    this.el.querySelector<HTMLInputElement>(this.settings.live ? "#set-live" : "#set-training")?.focus();
  }
}
