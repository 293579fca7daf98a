// A table that renders only the rows in view, so 5,000 dispenses scroll as smoothly as 5.
// Rows have one fixed height (two text lines); the scroll area holds a spacer of the full height
// and the visible rows are positioned inside it with CSSOM (allowed by the strict CSP).
import { h, fill } from "../dom";

type Cell = Node | string | null | (Node | string | null)[];

export type Column<T> = {
  title: string;
  /** A CSS grid track, e.g. "2fr" or "96px". */
  width: string;
  render: (row: T) => Cell;
  className?: string;
};

export type TableOptions<T> = {
  id?: string;
  label: string;
  columns: Column<T>[];
  emptyText: string;
  rowHeight?: number;
  rowClass?: (row: T) => string | null;
};

/** Rows drawn above and below the visible ones, so fast scrolling does not show gaps. */
const OVERSCAN = 8;
/** Used when the element has no layout yet (or none at all, as in tests). */
const FALLBACK_VIEWPORT = 600;

export class VirtualTable<T> {
  readonly el: HTMLElement;
  private readonly viewport: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly empty: HTMLElement;
  private rows: T[] = [];
  private first = -1;
  private last = -1;
  private frame = 0;
  readonly rowHeight: number;

  constructor(private readonly opts: TableOptions<T>) {
    this.rowHeight = opts.rowHeight ?? 50;
    const header = h("div", { class: "vt-row vt-head", role: "row", "aria-rowindex": 1 }, opts.columns.map((c) => h("div", { class: `vt-cell ${c.className ?? ""}`, role: "columnheader" }, c.title)));
    this.spacer = h("div", { class: "vt-spacer", role: "rowgroup" });
    this.empty = h("div", { class: "vt-empty", hidden: true }, opts.emptyText);
    this.viewport = h("div", { class: "vt-viewport", tabindex: 0, "aria-label": opts.label, on: { scroll: () => this.schedule() } }, this.spacer, this.empty);
    this.el = h("div", { class: "vt", role: "table", "aria-label": opts.label, id: opts.id }, header, this.viewport);
    this.el.style.setProperty("--vt-cols", opts.columns.map((c) => c.width).join(" "));
    this.el.style.setProperty("--vt-row-h", `${this.rowHeight}px`);
  }

  setRows(rows: T[]) {
    this.rows = rows;
    this.el.setAttribute("aria-rowcount", String(rows.length + 1));
    this.spacer.style.height = `${rows.length * this.rowHeight}px`;
    this.empty.hidden = rows.length > 0;
    this.viewport.scrollTop = 0;
    this.refresh();
  }

  /** Re-renders the visible rows (after a reveal, a language switch…). */
  refresh() {
    this.first = -1;
    this.draw();
  }

  /** The number of row elements currently in the DOM (tests check it stays small). */
  renderedRows(): number {
    return this.spacer.childElementCount;
  }

  private schedule() {
    if (this.frame) return;
    const raf = typeof requestAnimationFrame === "function" ? requestAnimationFrame : (f: FrameRequestCallback) => setTimeout(() => f(0), 16);
    this.frame = raf(() => {
      this.frame = 0;
      this.draw();
    }) as unknown as number;
  }

  private draw() {
    const height = this.viewport.clientHeight || FALLBACK_VIEWPORT;
    const top = this.viewport.scrollTop;
    const first = Math.max(0, Math.floor(top / this.rowHeight) - OVERSCAN);
    const last = Math.min(this.rows.length, Math.ceil((top + height) / this.rowHeight) + OVERSCAN);
    if (first === this.first && last === this.last) return;
    this.first = first;
    this.last = last;
    const out: HTMLElement[] = [];
    for (let i = first; i < last; i++) out.push(this.renderRow(this.rows[i], i));
    fill(this.spacer, out);
  }

  private renderRow(row: T, i: number): HTMLElement {
    const extra = this.opts.rowClass?.(row);
    const el = h(
      "div",
      { class: `vt-row${i % 2 ? " vt-odd" : ""}${extra ? ` ${extra}` : ""}`, role: "row", "aria-rowindex": i + 2 },
      this.opts.columns.map((c) => h("div", { class: `vt-cell ${c.className ?? ""}`, role: "cell" }, c.render(row))),
    );
    el.style.transform = `translateY(${i * this.rowHeight}px)`;
    return el;
  }
}
