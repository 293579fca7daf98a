// Logg: the access log for the pharmacy's regular access review — filters (a period of local
// dates, protected patients only, reveals only) and CSV export of exactly what is shown.
import { h, fill } from "../dom";
import { t, pick, type Key } from "../i18n";
import { asClientError, type Backend } from "../backend";
import type { LogEntry } from "../bindings/LogEntry";
import type { AccessLogQuery } from "../bindings/AccessLogQuery";
import type { CentralStatus } from "../bindings/CentralStatus";
import type { FlowInfo } from "../bindings/FlowInfo";
import { fieldName } from "./fields";
import { VirtualTable } from "./virtual-table";

function localTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

function short(s: string | null): string {
  if (!s) return "–";
  return s.length > 13 ? `${s.slice(0, 13)}…` : s;
}

/** The log's outcome code in words ("ok", "revealed", "denied: <rule>", "http 503", "timeout"…);
 * the code itself stays in the tooltip and in the CSV export. */
export function outcomeText(outcome: string): string {
  if (outcome === "ok") return t("log.outcome.ok");
  if (outcome === "revealed") return t("log.outcome.revealed");
  if (outcome.startsWith("denied")) return `${t("log.outcome.denied")}${outcome.slice("denied".length)}`;
  if (outcome === "printed" || outcome === "saved" || outcome === "changed") return t(`log.outcome.${outcome}`);
  if (outcome.startsWith("failed")) return `${t("log.outcome.failed")}${outcome.slice("failed".length)}`;
  return `${t("log.outcome.error")}: ${outcome}`;
}

/** A date as typed in a filter: `ÅÅÅÅ-MM-DD` or `ÅÅÅÅMMDD` (a scanner or a quick hand), in the
 * Swedish form whatever the computer's locale. "" for an empty field, null when not a date. */
export function parseDay(text: string): string | null {
  const t = text.trim();
  if (t === "") return "";
  const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(t);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return `${m[1]}-${m[2]}-${m[3]}`;
}

/** What a row is about, in words: the resource, the revealed field, the printout (kind, pages
 * and copies, printer or file, masked), the login's mode, the export's rows, the setting's key. */
export function whatText(r: LogEntry): string[] {
  switch (r.kind) {
    case "reveal":
      return [fieldName((r.resource ?? undefined) as never), r.fieldKey ?? ""];
    case "printout":
      return [r.resource ?? "–", [t("log.pages", { pages: r.pages ?? 0, copies: r.copies ?? 0 }), r.printer ?? t("log.toFile"), r.masked ? t("log.masked") : null].filter(Boolean).join(" · ")];
    case "login":
    case "logout":
      return [t(r.mode === "training" ? "log.mode.training" : "log.mode.live")];
    case "export":
      return [r.resource ?? "–", r.detail ?? ""];
    case "setting":
      return [r.fieldKey ?? "–"];
    default:
      return [r.resource ?? "–"];
  }
}

export class LogView {
  readonly el: HTMLElement;
  private readonly since: HTMLInputElement;
  private readonly through: HTMLInputElement;
  private readonly protectedOnly: HTMLInputElement;
  private readonly revealsOnly: HTMLInputElement;
  private readonly msg: HTMLElement;
  private readonly warning: HTMLElement;
  private readonly central: HTMLElement;
  private readonly count: HTMLElement;
  private readonly table: VirtualTable<LogEntry>;
  private token = 0;

  constructor(
    private readonly backend: Backend,
    flows: FlowInfo[],
    back: () => void,
  ) {
    const flowLabel = (code: string) => {
      const f = flows.find((x) => x.flow === code);
      return f ? pick(f.labelSv, f.labelEn) : code;
    };
    const line = (text: string, cls = "cell-line") => h("div", { class: cls, title: text }, text);
    const reload = () => void this.load();
    // Text, not type="date": a date field shows the computer's locale (11/23/2026 on an English
    // desktop); the review is done in ÅÅÅÅ-MM-DD.
    const day = (id: string) => h("input", { id, type: "text", class: "day", inputmode: "numeric", maxlength: 10, placeholder: t("log.dayFormat"), autocomplete: "off", spellcheck: false, on: { change: reload } });
    this.since = day("log-since");
    this.through = day("log-through");
    this.protectedOnly = h("input", { id: "log-protected", type: "checkbox", on: { change: reload } });
    this.revealsOnly = h("input", { id: "log-reveals", type: "checkbox", on: { change: reload } });
    this.msg = h("p", { id: "log-msg", class: "print-msg", role: "status", hidden: true });
    this.warning = h("p", { id: "log-warning", class: "print-msg error", role: "alert", hidden: true });
    this.central = h("p", { id: "log-central", class: "print-msg", role: "status", hidden: true });
    this.count = h("span", { class: "muted", id: "log-count" });
    this.table = new VirtualTable<LogEntry>({
      id: "log-table",
      label: t("log.title"),
      emptyText: t("log.empty"),
      rowHeight: 44,
      rowClass: (r) => (r.kind === "reveal" ? "log-reveal" : r.kind === "denial" ? "log-denial" : null),
      columns: [
        { title: t("log.time"), width: "150px", render: (r) => localTime(r.time) },
        { title: t("log.kind"), width: "110px", render: (r) => h("span", { class: `tag ${r.kind === "reveal" ? "tag-red" : r.kind === "denial" ? "tag-amber" : "tag-grey"}` }, t(`log.kind.${r.kind}` as Key)) },
        { title: t("log.user"), width: "minmax(120px, 1.2fr)", render: (r) => [h("div", { class: "cell-line", title: t("log.workstation", { ws: r.workstation }) }, r.user), h("div", { class: "cell-line cell-sub" }, r.role ? (t(`role.${r.role}` as Key) ?? r.role) : r.workstation)] },
        { title: t("log.flow"), width: "minmax(110px, 1fr)", render: (r) => (r.flow ? [line(flowLabel(r.flow)), line(`${r.purpose} / ${r.access}`, "cell-line cell-sub")] : line("–")) },
        {
          title: t("log.what"),
          width: "minmax(130px, 1.2fr)",
          render: (r) => whatText(r).map((text, i) => line(text, i === 0 ? "cell-line" : "cell-line cell-sub")),
        },
        { title: t("log.patient"), width: "130px", render: (r) => h("span", { title: r.patientRef ?? "" }, short(r.patientRef)) },
        { title: t("log.protected"), width: "76px", render: (r) => (r.protected === null ? "–" : r.protected ? h("strong", { class: "danger" }, t("log.yes")) : t("log.no")) },
        { title: t("log.outcome"), width: "minmax(90px, 0.8fr)", render: (r) => [h("div", { class: "cell-line", title: r.outcome }, outcomeText(r.outcome)), r.httpStatus ? h("div", { class: "cell-line cell-sub" }, `HTTP ${r.httpStatus}${r.nllCode ? ` · ${r.nllCode}` : ""}`) : null] },
        { title: t("log.request"), width: "120px", render: (r) => h("span", { title: r.requestId ?? "" }, short(r.requestId)) },
      ],
    });
    const exportBtn = h("button", { type: "button", id: "log-export", on: { click: () => void this.export() } }, t("log.export"));
    this.el = h(
      "main",
      { class: "page log-page", id: "log-view" },
      h("div", { class: "page-head" }, h("h1", null, t("log.title")), h("button", { type: "button", id: "back", on: { click: back } }, t("settings.back"), " ", h("kbd", null, "Esc"))),
      h("p", { class: "muted" }, t("log.intro")),
      h(
        "div",
        { class: "filters" },
        h("label", { class: "inline" }, h("span", null, t("log.since")), this.since),
        h("label", { class: "inline" }, h("span", null, t("log.through")), this.through),
        h("label", { class: "check" }, this.protectedOnly, h("span", null, t("log.protectedOnly"))),
        h("label", { class: "check" }, this.revealsOnly, h("span", null, t("log.revealsOnly"))),
        this.count,
        exportBtn,
      ),
      this.warning,
      this.central,
      this.msg,
      this.table.el,
    );
  }

  /** The filters, or null (and a message) when a date is not one. */
  query(): AccessLogQuery | null {
    const since = parseDay(this.since.value);
    const through = parseDay(this.through.value);
    for (const [input, value] of [[this.since, since], [this.through, through]] as const) {
      input.setAttribute("aria-invalid", String(value === null));
      if (value) input.value = value;
    }
    if (since === null || through === null) {
      this.show(t("log.badDay"), "error");
      (since === null ? this.since : this.through).focus();
      return null;
    }
    return { since: since || null, through: through || null, protectedOnly: this.protectedOnly.checked, revealsOnly: this.revealsOnly.checked };
  }

  async load() {
    const query = this.query();
    if (!query) return;
    const token = ++this.token;
    try {
      // A broken chain or a log not written to, found by the check at start.
      const warning = (await this.backend.sessionInfo()).logWarning;
      this.warning.hidden = !warning;
      if (warning) fill(this.warning, pick(warning.message, warning.messageEn));
      void this.showCentral();
      const rows = await this.backend.accessLog(query);
      if (token !== this.token) return;
      // Newest first: an access review starts from what just happened.
      this.table.setRows([...rows].reverse());
      this.count.textContent = t("log.rows", { n: rows.length });
      this.msg.hidden = true;
    } catch (e) {
      if (token !== this.token) return;
      this.show(asClientError(e).message, "error");
    }
  }

  private async export() {
    const query = this.query();
    if (!query) return;
    try {
      const path = await this.backend.exportLogCsv(query);
      if (path) this.show(t("log.exported", { path }), "ok");
    } catch (e) {
      const err = asClientError(e);
      this.show(pick(err.message, err.messageEn), "error");
    }
  }

  /** The chain's central log: how far it has got, how old the oldest waiting row is, and what
   *  the last attempt met (the rows wait locally until it succeeds). */
  private async showCentral() {
    let s: CentralStatus;
    try {
      s = await this.backend.centralStatus();
    } catch {
      return;
    }
    this.central.hidden = !s.configured;
    if (!s.configured) return;
    const parts = [s.waiting === 0 ? t("log.central.allSent", { target: s.target ?? "", n: s.acknowledged }) : t("log.central.waiting", { target: s.target ?? "", n: s.acknowledged, waiting: s.waiting, oldest: s.oldestWaiting ? localTime(s.oldestWaiting) : "–" })];
    if (s.lastError) parts.push(s.lastError);
    fill(this.central, parts.join(" "));
    this.central.className = `print-msg ${s.lastError ? "error" : "ok"}`;
  }

  private show(text: string, kind: "ok" | "error") {
    fill(this.msg, text);
    this.msg.className = `print-msg ${kind}`;
    this.msg.hidden = false;
  }

  focus() {
    this.since.focus();
  }
}
