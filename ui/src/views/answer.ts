// The right side of the counter: the answer. States (empty, fetching, result, refusals, network
// trouble, idle-cleared), the patient banner, completeness notices, the five tabs and their
// virtualised tables, and the actions row (printouts, Avsluta kund).
import { h, fill, focusKey, findByKey } from "../dom";
import { t, pick, type Key } from "../i18n";
import { RETRYABLE, TABS, type Counter, type Tab } from "../counter";
import type { LookupResult } from "../bindings/LookupResult";
import type { ClientError } from "../bindings/ClientError";
import type { PrescriptionView } from "../bindings/PrescriptionView";
import type { DispenseView } from "../bindings/DispenseView";
import type { LockView } from "../bindings/LockView";
import type { PrintoutKind } from "../bindings/PrintoutKind";
import type { Resource } from "../bindings/Resource";
import { guarded, type GuardCtx } from "./fields";
import { reasonCell } from "./reason";
import { VirtualTable, type Column } from "./virtual-table";

export type AnswerActions = {
  openPrint: (kind?: PrintoutKind) => void;
  endCustomer: () => void;
};

const TAB_KEYS: Record<Tab, Key> = { current: "tab.current", future: "tab.future", past: "tab.past", dispenses: "tab.dispenses", locks: "tab.locks" };
const EMPTY_KEYS: Record<Tab, Key> = { current: "tab.emptyCurrent", future: "tab.emptyFuture", past: "tab.emptyPast", dispenses: "tab.emptyDispenses", locks: "tab.emptyLocks" };

function line(...parts: (Node | string | null | false | undefined)[]): HTMLElement {
  const kept = parts.filter((p) => p !== null && p !== false && p !== undefined && p !== "") as (Node | string)[];
  const isMasked = (p: Node | string) => p instanceof HTMLElement && (p.hasAttribute("data-masked") || p.querySelector("[data-masked]") !== null);
  if (kept.some(isMasked)) {
    // A masked value and its *visa* are never cut off: the text beside them gives way instead.
    return h("div", { class: "cell-line has-masked" }, kept.map((p) => (typeof p === "string" ? h("span", { class: "cl-text", title: p }, p) : p)));
  }
  // The full text on hover when a narrow column cuts it (masked fields have no text to leak).
  const el = h("div", { class: "cell-line" }, kept);
  el.title = el.textContent ?? "";
  return el;
}

function sub(...parts: (Node | string | null | false | undefined)[]): HTMLElement {
  const el = line(...parts);
  el.classList.add("cell-sub");
  return el;
}

function tag(text: string, cls = ""): HTMLElement {
  return h("span", { class: `tag ${cls}` }, text);
}

function productName(p: PrescriptionView["product"]): string {
  return [p.name, p.strength].filter(Boolean).join(" ");
}

/** Form, substance and pack: the product's second line. */
function productDetails(p: PrescriptionView["product"], packages: number | null): string {
  return [p.form, p.substance, p.packSize && t("rx.packages", { n: packages ?? 1, size: p.packSize })].filter(Boolean).join(" · ");
}

function shortId(id: string): string {
  return id.length > 8 ? `${id.slice(0, 8)}…` : id;
}

/** Which tabs hold data this flow did not read (so "0" would be a lie). */
export function notRead(result: LookupResult): Set<Tab> {
  const res = new Set<Resource>(result.context.resources);
  const out = new Set<Tab>();
  if (!res.has("medication-dispense")) out.add("dispenses");
  if (!res.has("data-lock")) out.add("locks");
  // An agent's power of attorney covers current prescriptions only (NLL.md §6).
  if (result.context.flow === "ombud") {
    out.add("future");
    out.add("past");
  }
  return out;
}

export class AnswerView {
  readonly el: HTMLElement;
  private table: VirtualTable<never> | null = null;
  private tableTab: Tab | null = null;
  private banner: HTMLElement | null = null;
  private revealErrorEl: HTMLElement | null = null;
  private noticesEl: HTMLElement | null = null;

  constructor(
    private readonly counter: Counter,
    private readonly actions: AnswerActions,
  ) {
    this.el = h("section", { class: "answer", id: "answer", "aria-label": t("answer.label") });
    this.render();
  }

  private ctx(): GuardCtx {
    const result = this.counter.status.kind === "result" ? this.counter.status.result : null;
    const record = new Map((result?.list.record ?? []).map((f) => [f.key, f.kind]));
    return { revealed: this.counter.revealed, kindOf: (k) => record.get(k), reveal: (k) => this.counter.reveal(k) };
  }

  /** Whole panel, on a status change: nothing of the previous patient survives. */
  render() {
    this.table = null;
    this.tableTab = null;
    this.banner = null;
    const s = this.counter.status;
    switch (s.kind) {
      case "empty":
        fill(this.el, this.stateBox(s.ended ? t("state.ended") : t("state.empty"), s.ended ? null : t("state.emptyHint"), "state-empty"), this.keysHelp());
        break;
      case "fetching":
        fill(this.el, h("div", { class: "fetching", id: "status" }, h("div", { class: "progress", "aria-hidden": "true" }, h("div", { class: "progress-bar" })), t("state.fetching")));
        break;
      case "idle-cleared":
        fill(this.el, this.stateBox(s.minutes === 1 ? t("state.idleClearedOne") : t("state.idleCleared", { n: s.minutes }), null, "state-idle"));
        break;
      case "error":
        fill(this.el, this.errorBox(s.error, s.request !== null));
        break;
      case "result":
        this.renderResult(s.result);
        break;
    }
  }

  private stateBox(title: string, hint: string | null, cls: string): HTMLElement {
    return h("div", { class: `state ${cls}`, id: "status" }, h("p", { class: "state-title" }, title), hint && h("p", { class: "state-hint" }, hint));
  }

  private keysHelp(): HTMLElement {
    const row = (k: string, v: Key) => h("div", { class: "key-row" }, h("kbd", null, k), h("span", null, t(v)));
    return h("div", { class: "keys-help", "aria-label": t("keys.title") }, row("Enter", "keys.enter"), row("F1–F5", "keys.fkeys"), row("Ctrl+1…5", "keys.tabs"), row("Ctrl+P", "keys.print"), row("Esc", "keys.esc"));
  }

  private errorBox(e: ClientError, canRetry: boolean): HTMLElement {
    let title: Key = "state.errorTitle";
    let hint: string | null = null;
    let kind = "error-other";
    if (e.code === "policy-denied") {
      title = "state.policyTitle";
      hint = t("state.policyNothingSent");
      kind = "error-policy";
    } else if (e.code === "patient-not-found") {
      title = "state.notFoundTitle";
      kind = "error-notfound";
    } else if (e.code === "nll-refused" || e.code === "forbidden" || e.code === "unauthorized" || e.code === "bad-request" || e.code === "not-found") {
      title = "state.nllTitle";
      kind = "error-nll";
    } else if (RETRYABLE.has(e.code)) {
      // The shell's sentence already says what to do; the retry button is the action.
      title = "state.networkTitle";
      kind = "error-network";
    }
    const meta = [
      e.code !== "policy-denied" && e.code !== "patient-not-found" ? t("error.code", { code: e.code }) : null,
      e.nllCode ? t("error.nllCode", { code: e.nllCode }) : null,
      e.httpStatus && e.code !== "patient-not-found" ? t("error.http", { status: e.httpStatus }) : null,
    ].filter(Boolean) as string[];
    const retry = canRetry && RETRYABLE.has(e.code) ? h("button", { type: "button", class: "primary", id: "retry", on: { click: () => void this.counter.retry() } }, t("state.retry")) : null;
    return h(
      "div",
      { class: `error-banner ${kind}`, id: "error", role: "alert", "data-code": e.code },
      h("p", { class: "error-title" }, t(title)),
      h("p", { class: "error-message" }, pick(e.message, e.messageEn)),
      hint && h("p", { class: "error-hint" }, hint),
      (meta.length > 0 || e.requestId) &&
        h("p", { class: "error-meta" }, meta.join(" · "), e.requestId && h("span", { class: "request-id", id: "request-id" }, `${meta.length ? " · " : ""}${t("error.request", { id: e.requestId })}`)),
      retry,
    );
  }

  private renderResult(r: LookupResult) {
    const l = r.list.list;
    const parts: (HTMLElement | null)[] = [];
    if (r.list.masked || l.patient.protected) {
      parts.push(h("div", { class: "protected-band", id: "protected-band", role: "note" }, h("strong", null, `⚠ ${t("banner.protected")}`), " ", h("span", null, t("banner.protectedHint"))));
    }
    this.banner = h("div", { class: "patient-banner", id: "patient-banner", tabindex: -1 });
    this.fillBanner(r);
    parts.push(this.banner);
    this.noticesEl = h("ul", { class: "notices", id: "notices" });
    this.fillNotices(r);
    parts.push(this.noticesEl);
    this.revealErrorEl = h("div", { class: "reveal-error", role: "alert", hidden: true });
    parts.push(this.revealErrorEl);
    parts.push(h("div", { class: "tabs", role: "tablist", id: "tabs", "aria-label": t("tabs.label") }));
    parts.push(h("div", { class: "tab-panel", role: "tabpanel", id: "tab-panel" }));
    parts.push(this.actionsRow(r));
    fill(this.el, parts);
    this.renderTabs();
  }

  private fillBanner(r: LookupResult) {
    if (!this.banner) return;
    const p = r.list.list.patient;
    const info = r.list.list.info;
    const ctx = this.ctx();
    const name =
      p.name.kind === "masked" && !ctx.revealed.has(p.name.key)
        ? h("span", { class: "protected-name" }, t("banner.protectedName"), " ", guarded(p.name, ctx))
        : guarded(p.name, ctx);
    const badges: HTMLElement[] = [];
    if (p.protected) badges.push(tag(t("badge.protected"), "tag-red"));
    if (p.deceased) badges.push(tag(t("badge.deceased"), "tag-dark"));
    if (info.dosPatient) badges.push(tag(t("badge.dos"), "tag-blue"));
    const locks = r.list.list.locks.length;
    if (locks) badges.push(tag(t("badge.locks", { n: locks }), "tag-amber"));
    else if (info.privacyLock) badges.push(tag(t("badge.privacyLock"), "tag-amber"));
    if (p.idKind === "samordningsnummer") badges.push(tag(t("badge.samordning"), "tag-grey"));
    if (info.controlledDrugs) badges.push(tag(t("badge.controlled"), "tag-grey"));
    const flow = pick(...this.flowLabel(r.context.flow));
    const window = r.context.windowMonths ? t("context.window", { n: r.context.windowMonths }) : t("context.wholeTime");
    fill(
      this.banner,
      h(
        "div",
        { class: "patient-line" },
        h("span", { class: "patient-name", id: "patient-name" }, name),
        h("span", { class: "patient-pnr", id: "patient-pnr" }, p.personnummerDisplay ?? t("banner.noPnr")),
        p.age !== null && h("span", { class: "patient-age" }, t("banner.age", { n: p.age })),
        !p.personnummer && p.birthDate && h("span", { class: "patient-age" }, t("banner.born", { date: p.birthDate })),
        h("span", { class: "badges", id: "badges" }, badges),
      ),
      h(
        "div",
        { class: "context-line", id: "context-line" },
        [flow, `${r.context.purposeCode} / ${r.context.accessCode}`, window].join(" · "),
        " · ",
        h("span", { title: t("context.sessionTitle") }, t("context.session", { id: shortId(r.sessionId) })),
      ),
    );
  }

  private flowLabel(flow: string): [string, string] {
    const f = this.counter.info(flow as never);
    return f ? [f.labelSv, f.labelEn] : [flow, flow];
  }

  private actionsRow(r: LookupResult): HTMLElement {
    const kinds = r.context.printouts;
    const print =
      kinds.length > 0
        ? [h("span", { class: "actions-label" }, t("actions.print")), ...kinds.map((k) => h("button", { type: "button", class: "print-btn", "data-print": k, on: { click: () => this.actions.openPrint(k) } }, t(`printout.${k}` as Key)))]
        : [h("span", { class: "actions-label muted" }, t("actions.noPrintouts"))];
    return h(
      "div",
      { class: "answer-actions" },
      h("div", { class: "print-actions" }, print),
      h("button", { type: "button", class: "end-btn", id: "end-customer", on: { click: () => this.actions.endCustomer() } }, t("actions.endCustomer"), " ", h("kbd", null, "Esc")),
    );
  }

  private rowsFor(tab: Tab, r: LookupResult): unknown[] {
    const l = r.list.list;
    switch (tab) {
      case "current":
      case "future":
      case "past":
        return l.prescriptions.filter((p) => p.group === tab);
      case "dispenses":
        return l.dispenses;
      case "locks":
        return l.locks;
    }
  }

  /** Tabs and the table, on a tab change. */
  renderTabs() {
    if (this.counter.status.kind !== "result") return;
    const r = this.counter.status.result;
    const tabs = this.el.querySelector<HTMLElement>("#tabs");
    const panel = this.el.querySelector<HTMLElement>("#tab-panel");
    if (!tabs || !panel) return;
    const missing = notRead(r);
    const active = this.counter.tab;
    fill(
      tabs,
      TABS.map((tab, i) => {
        const n = missing.has(tab) ? "–" : String(this.rowsFor(tab, r).length);
        return h(
          "button",
          {
            type: "button",
            role: "tab",
            class: `tab${tab === active ? " active" : ""}${missing.has(tab) ? " not-read" : ""}`,
            id: `tab-${tab}`,
            "data-tab": tab,
            "aria-selected": tab === active ? "true" : "false",
            "aria-controls": "tab-panel",
            tabindex: tab === active ? 0 : -1,
            title: missing.has(tab) ? t("tab.notRead") : `Ctrl+${i + 1}`,
            on: { click: () => this.counter.setTab(tab), keydown: (e: KeyboardEvent) => this.tabKey(e, i) },
          },
          t(TAB_KEYS[tab]),
          " ",
          h("span", { class: "count" }, n),
        );
      }),
    );
    panel.setAttribute("aria-labelledby", `tab-${active}`);
    if (missing.has(active)) {
      fill(panel, h("div", { class: "vt-empty" }, t("tab.notReadText")));
      return;
    }
    const table = this.makeTable(active, r);
    table.setRows(this.rowsFor(active, r) as never[]);
    this.table = table;
    this.tableTab = active;
    fill(panel, table.el);
  }

  private tabKey(e: KeyboardEvent, i: number) {
    if (e.key !== "ArrowRight" && e.key !== "ArrowLeft") return;
    e.preventDefault();
    const next = TABS[(i + (e.key === "ArrowRight" ? 1 : TABS.length - 1)) % TABS.length];
    this.counter.setTab(next);
    this.el.querySelector<HTMLElement>(`#tab-${next}`)?.focus();
  }

  /** After a reveal: the banner and the visible rows show the value. */
  refreshRevealed() {
    if (this.counter.status.kind !== "result") return;
    // A *visa* in the banner had focus: the same place again (the revealed value has no button,
    // so the banner itself).
    const a = document.activeElement;
    const inBanner = a && this.banner?.contains(a) ? focusKey(a) : null;
    this.fillBanner(this.counter.status.result);
    if (inBanner && this.banner) (findByKey(this.banner, inBanner, "button") ?? this.banner).focus();
    this.table?.refresh();
    const e = this.counter.revealError;
    if (this.revealErrorEl) {
      this.revealErrorEl.hidden = !e;
      fill(this.revealErrorEl, e ? [t("reveal.failed", { message: pick(e.message, e.messageEn) }), e.requestId ? ` (${t("error.request", { id: e.requestId })})` : ""] : []);
    }
  }

  /** After a treatment reason was asked for: the visible rows show it (or the error). */
  refreshReasons() {
    if (this.counter.status.kind !== "result") return;
    this.fillNotices(this.counter.status.result);
    this.table?.refresh();
  }

  /** NLL's completeness notices, and how many of its withheld reasons were read since. */
  private fillNotices(r: LookupResult) {
    if (!this.noticesEl) return;
    const l = r.list.list;
    const notices = l.notices.map((n) => pick(n.sv, n.en));
    if (l.unknownResources.length) notices.push(t("notice.unknown", { n: l.unknownResources.length }));
    const reasons = this.counter.reasonsRead();
    if (reasons.read > 0) notices.push(t("notice.reasonsRead", reasons));
    this.noticesEl.hidden = notices.length === 0;
    fill(this.noticesEl, notices.map((n) => h("li", null, h("span", { class: "notice-icon", "aria-hidden": "true" }, "i"), n)));
  }

  /** For tests and the frame budget: how many rows are in the DOM. */
  renderedRows(): number {
    return this.table?.renderedRows() ?? 0;
  }

  private makeTable(tab: Tab, _r: LookupResult): VirtualTable<never> {
    const ctx = this.ctx();
    const label = t(TAB_KEYS[tab]);
    if (tab === "dispenses") {
      return new VirtualTable<DispenseView>({ id: "table", label, columns: dispenseColumns(ctx), emptyText: t(EMPTY_KEYS[tab]), rowClass: (d) => (d.credited ? "credited" : null) }) as unknown as VirtualTable<never>;
    }
    if (tab === "locks") {
      const rx = this.counter.status.kind === "result" ? this.counter.status.result.list.list.prescriptions : [];
      return new VirtualTable<LockView>({ id: "table", label, columns: lockColumns(rx), emptyText: t(EMPTY_KEYS[tab]) }) as unknown as VirtualTable<never>;
    }
    const rows = this.rowsFor(tab, _r) as PrescriptionView[];
    const opts = { markers: rows.some((r) => r.markers.length > 0), allWithheld: rows.some((r) => r.treatmentReason.kind === "withheld") && rows.every((r) => r.treatmentReason.kind !== "shown"), counter: this.counter };
    return new VirtualTable<PrescriptionView>({ id: "table", label, columns: prescriptionColumns(tab, ctx, opts), emptyText: t(EMPTY_KEYS[tab]) }) as unknown as VirtualTable<never>;
  }

  currentTab(): Tab | null {
    return this.tableTab;
  }
}

function markers(m: PrescriptionView["markers"]): HTMLElement[] {
  return m.map((k) => tag(t(`marker.${k}` as Key), k === "privacyLocked" ? "tag-amber" : "tag-red"));
}

function prescriberCells(p: PrescriptionView["prescriber"], ctx: GuardCtx): HTMLElement[] {
  return [line(guarded(p.name, ctx) ?? "–"), sub(guarded(p.workplaceName, ctx) ?? p.profession ?? "")];
}

/** The dosage column's second line: a treatment reason asked for on this row (or its button),
 *  then what the flow shows there otherwise. */
function dosageSub(r: PrescriptionView, ctx: GuardCtx, opts: { allWithheld: boolean; counter: Counter }): HTMLElement | null {
  const asked = r.treatmentReason.kind === "withheld" ? reasonCell(r, opts.counter) : null;
  const rest: (Node | string | null)[] | null =
    r.treatmentReason.kind === "shown"
      ? [t("rx.reason", { text: r.treatmentReason.text })]
      : r.treatmentReason.kind === "withheld" && !opts.allWithheld && !asked
        ? [h("span", { class: "muted" }, t("rx.reasonWithheld"))]
        : r.dos && r.dosePharmacyName
          ? [`${t("rx.dosePharmacy")}: `, guarded(r.dosePharmacyName, ctx)]
          : r.receivingPharmacy
            ? [`${t("rx.receivingPharmacy")}: `, guarded(r.receivingPharmacy, ctx)]
            : null;
  if (asked) return sub(asked, rest && " · ", ...(rest ?? []));
  return rest && sub(...rest);
}

function prescriptionColumns(tab: Tab, ctx: GuardCtx, opts: { markers: boolean; allWithheld: boolean; counter: Counter }): Column<PrescriptionView>[] {
  const validity: Column<PrescriptionView> =
    tab === "future"
      ? { title: t("col.validFrom"), width: "104px", render: (r) => [line(r.validFrom ?? "–"), sub(r.validUntil ? `– ${r.validUntil}` : "")] }
      : tab === "past"
        ? { title: t("col.ended"), width: "120px", render: (r) => [line(r.end ? t(`end.${r.end}` as Key) : r.status), sub(r.validUntil ?? "")] }
        : { title: t("col.validUntil"), width: "104px", render: (r) => [line(r.validUntil ?? "–")] };
  return [
    {
      title: t("col.product"),
      width: "minmax(120px, 2.2fr)",
      render: (r) => [
        line(h("strong", null, productName(r.product))),
        sub(
          productDetails(r.product, r.packages),
          r.product.consumable && tag(t("rx.consumable"), "tag-grey"),
          r.dos && tag(t("rx.dos"), "tag-blue"),
          r.substitutionAllowed === false && tag(t("rx.noSubstitution"), "tag-grey"),
        ),
      ],
    },
    {
      title: t("col.dosage"),
      width: "minmax(110px, 2fr)",
      render: (r) => [line(r.dosage ?? "–"), dosageSub(r, ctx, opts)],
    },
    { title: t("col.left"), width: "72px", className: "num", render: (r) => (r.dispensesAllowed !== null ? t("rx.leftOf", { left: Math.max(0, r.dispensesAllowed - r.dispensesMade), total: r.dispensesAllowed }) : "–") },
    validity,
    { title: t("col.prescriber"), width: "minmax(110px, 1.6fr)", render: (r) => prescriberCells(r.prescriber, ctx) },
    // Shown when some row has one, so the names get the room otherwise.
    ...(opts.markers ? [{ title: t("col.marking"), width: "minmax(90px, 1.3fr)", className: "markers", render: (r: PrescriptionView) => markers(r.markers) }] : []),
  ];
}

function dispenseColumns(ctx: GuardCtx): Column<DispenseView>[] {
  return [
    {
      title: t("col.date"),
      width: "92px",
      render: (d) => [line(d.handedOver ?? "–"), d.credited ? sub(h("span", { class: "credit-note" }, t("disp.credited", { date: d.credited.date ?? "" }))) : null],
    },
    {
      title: t("col.product"),
      width: "minmax(120px, 2.4fr)",
      render: (d) => [
        line(h("strong", { class: "strike" }, `${d.packages ?? 1} x ${productName(d.product)}`)),
        sub(d.credited?.comment ?? [d.product.form, d.product.substance].filter(Boolean).join(" · "), d.channel === "paper" && tag(t("disp.paper"), "tag-grey"), d.substituted && tag(t("disp.substituted"), "tag-grey")),
      ],
    },
    { title: t("col.dosage"), width: "minmax(80px, 1.3fr)", render: (d) => line(h("span", { class: "strike" }, d.dosage ?? "–")) },
    { title: t("col.quantity"), width: "56px", className: "num", render: (d) => h("span", { class: "strike" }, d.quantity ?? "–") },
    { title: t("col.prescriber"), width: "minmax(100px, 1.5fr)", render: (d) => prescriberCells(d.prescriber, ctx) },
    { title: t("col.pharmacy"), width: "minmax(100px, 1.5fr)", render: (d) => [line(guarded(d.pharmacy.name, ctx) ?? "–"), d.markers.length ? sub(...markers(d.markers)) : null] },
    { title: t("col.atc"), width: "64px", render: (d) => d.product.atc ?? "–" },
  ];
}

function lockColumns(rx: PrescriptionView[]): Column<LockView>[] {
  const chainName = (chain: string | null) => {
    if (!chain) return "–";
    const p = rx.find((r) => r.chainId === chain);
    return p ? productName(p.product) : chain;
  };
  return [
    { title: t("col.lockKind"), width: "130px", render: (l) => line(h("strong", null, t(`lock.${l.kind}` as Key))) },
    { title: t("col.lockScope"), width: "120px", render: (l) => t(`lock.${l.scope}` as Key) },
    { title: t("col.lockContent"), width: "130px", render: (l) => t(`lock.${l.content}` as Key) },
    { title: t("col.lockAgainst"), width: "minmax(110px, 1fr)", render: (l) => t(`lock.${l.against}` as Key) },
    { title: t("col.lockItem"), width: "minmax(110px, 1.4fr)", render: (l) => chainName(l.chainId) },
  ];
}
