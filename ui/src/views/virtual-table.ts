// A table that renders only the rows in view, so 5,000 dispenses scroll as smoothly as 5.
// Rows have one fixed height (two text lines); the scroll area holds a spacer of the full height
// and the visible rows are positioned inside it with CSSOM (allowed by the strict CSP).
//
// Keyboard (UX.md): the table is one tab stop. One row — the active one — is focusable with Tab
// (and the buttons in it, such as *visa*); arrow keys, Home/End and PageUp/PageDown move the
// active row. The active row is always in the DOM, and a redraw (scrolling, a reveal) keeps the
// element that had focus, or puts focus back on the same row, so focus never falls to <body>.
//
// Narrow screens (≤ 640 CSS px, e.g. 200 % zoom): each row is a card, one line per column with the
// column's title beside it; the card height is fixed too, so the same virtualisation works.
import { h, focusKey, findByKey, type FocusKey } from "../dom";

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
/** Where rows become cards (styles.css has the same width). */
export const CARD_QUERY = "(max-width: 640px)";
/** A card's line per column, and its padding (styles.css: .vt-card). */
const CARD_LINE = 38;
const CARD_PAD = 14;

/** What can take focus inside a row (besides the row itself). */
const FOCUSABLE = "button, a[href], input, select, textarea";

function cardMode(): boolean {
  return typeof matchMedia === "function" && matchMedia(CARD_QUERY).matches;
}

export class VirtualTable<T> {
  readonly el: HTMLElement;
  private readonly viewport: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly empty: HTMLElement;
  private rows: T[] = [];
  /** Row elements in the DOM, by row index. */
  private readonly drawn = new Map<number, HTMLElement>();
  private first = -1;
  private last = -1;
  private frame = 0;
  /** The row that holds the table's tab stop. */
  private active = 0;
  private cards = false;
  rowHeight: number;

  constructor(private readonly opts: TableOptions<T>) {
    this.rowHeight = opts.rowHeight ?? 50;
    const header = h("div", { class: "vt-row vt-head", role: "row", "aria-rowindex": 1 }, opts.columns.map((c) => h("div", { class: `vt-cell ${c.className ?? ""}`, role: "columnheader" }, c.title)));
    this.spacer = h("div", { class: "vt-spacer", role: "rowgroup", on: { keydown: (e: KeyboardEvent) => this.key(e), focusin: (e: FocusEvent) => this.focused(e) } });
    this.empty = h("div", { class: "vt-empty", hidden: true }, opts.emptyText);
    // The scroll area is no element of its own for assistive technology (no role, no tab stop):
    // between role=table and its rows only rows and row groups may stand.
    this.viewport = h("div", { class: "vt-viewport", on: { scroll: () => this.schedule() } }, this.spacer, this.empty);
    this.el = h("div", { class: "vt", role: "table", "aria-label": opts.label, id: opts.id }, h("div", { class: "vt-headgroup", role: "rowgroup" }, header), this.viewport);
    this.el.style.setProperty("--vt-cols", opts.columns.map((c) => c.width).join(" "));
    this.layout();
    if (typeof ResizeObserver === "function") {
      // A window resized or zoomed: more rows may fit, or rows become cards (or cards rows).
      const ro = new ResizeObserver(() => (this.el.isConnected ? this.schedule() : ro.disconnect()));
      ro.observe(this.viewport);
    }
  }

  /** Row height and card mode for the current width. True when that changed. */
  private layout(): boolean {
    const cards = cardMode();
    const height = cards ? CARD_PAD + this.opts.columns.length * CARD_LINE : (this.opts.rowHeight ?? 50);
    const changed = cards !== this.cards || height !== this.rowHeight;
    this.cards = cards;
    this.rowHeight = height;
    this.el.classList.toggle("vt-cards", cards);
    this.el.style.setProperty("--vt-row-h", `${height}px`);
    this.spacer.style.height = `${this.rows.length * height}px`;
    return changed;
  }

  setRows(rows: T[]) {
    this.rows = rows;
    this.active = 0;
    this.el.setAttribute("aria-rowcount", String(rows.length + 1));
    this.layout();
    this.empty.hidden = rows.length > 0;
    this.viewport.scrollTop = 0;
    this.refresh();
  }

  /** Re-renders the visible rows (after a reveal, a language switch…), keeping focus. */
  refresh() {
    const place = this.focusPlace();
    for (const el of this.drawn.values()) el.remove();
    this.drawn.clear();
    this.first = -1;
    this.draw();
    if (place) this.restoreFocus(place);
  }

  /** The number of row elements currently in the DOM (tests check it stays small). */
  renderedRows(): number {
    return this.spacer.childElementCount;
  }

  /** The row that Tab enters the table on (0-based). */
  activeRow(): number {
    return this.active;
  }

  /** Puts focus on a row (scrolled into view), as the arrow keys do. */
  focusRow(index: number) {
    if (!this.rows.length) return;
    this.setActive(Math.max(0, Math.min(this.rows.length - 1, index)));
    this.scrollIntoView(this.active);
    this.draw();
    this.drawn.get(this.active)?.focus({ preventScroll: true });
  }

  private schedule() {
    if (this.frame) return;
    const raf = typeof requestAnimationFrame === "function" ? requestAnimationFrame : (f: FrameRequestCallback) => setTimeout(() => f(0), 16);
    this.frame = raf(() => {
      this.frame = 0;
      if (this.layout()) this.refresh();
      else this.draw();
    }) as unknown as number;
  }

  private draw() {
    const height = this.viewport.clientHeight || FALLBACK_VIEWPORT;
    const top = this.viewport.scrollTop;
    const first = Math.max(0, Math.floor(top / this.rowHeight) - OVERSCAN);
    const last = Math.min(this.rows.length, Math.ceil((top + height) / this.rowHeight) + OVERSCAN);
    if (first === this.first && last === this.last && (this.drawn.has(this.active) || !this.rows.length)) return;
    this.first = first;
    this.last = last;
    const keep = (i: number) => (i >= first && i < last) || i === this.active;
    // Rows still wanted keep their element (and whatever in them has focus); the rest go.
    for (const [i, el] of this.drawn) {
      if (!keep(i)) {
        el.remove();
        this.drawn.delete(i);
      }
    }
    const wanted = [...new Set([...Array.from({ length: last - first }, (_, k) => first + k), this.active])].filter((i) => i < this.rows.length).sort((a, b) => a - b);
    const ordered: HTMLElement[] = [];
    for (const i of wanted) {
      let el = this.drawn.get(i);
      if (!el) {
        el = this.renderRow(this.rows[i], i);
        this.drawn.set(i, el);
      }
      ordered.push(el);
    }
    // DOM order follows row order (screen readers read it so); moving a node that has focus
    // would blur it, so only rows out of place are moved.
    let prev: HTMLElement | null = null;
    for (const el of ordered) {
      const want: Element | null = prev ? prev.nextElementSibling : this.spacer.firstElementChild;
      if (want !== el) this.spacer.insertBefore(el, want);
      prev = el;
    }
  }

  private renderRow(row: T, i: number): HTMLElement {
    const extra = this.opts.rowClass?.(row);
    const el = h(
      "div",
      { class: `vt-row${i % 2 ? " vt-odd" : ""}${extra ? ` ${extra}` : ""}`, role: "row", "aria-rowindex": i + 2, "data-row": i },
      this.opts.columns.map((c) => h("div", { class: `vt-cell ${c.className ?? ""}`, role: "cell", "data-label": c.title }, c.render(row))),
    );
    el.style.transform = `translateY(${i * this.rowHeight}px)`;
    this.setTabStop(el, i === this.active);
    return el;
  }

  /** The active row and its buttons are in the tab order; other rows are reached with arrows. */
  private setTabStop(el: HTMLElement, on: boolean) {
    el.tabIndex = on ? 0 : -1;
    for (const f of el.querySelectorAll<HTMLElement>(FOCUSABLE)) f.tabIndex = on ? 0 : -1;
  }

  private setActive(i: number) {
    if (i === this.active) return;
    const old = this.drawn.get(this.active);
    if (old) this.setTabStop(old, false);
    this.active = i;
    const now = this.drawn.get(i);
    if (now) this.setTabStop(now, true);
  }

  private rowOf(node: EventTarget | null): number | null {
    const row = node instanceof Element ? node.closest<HTMLElement>(".vt-row[data-row]") : null;
    return row && this.spacer.contains(row) ? Number(row.dataset.row) : null;
  }

  /** A click or Tab into a row makes it the active one, so Tab leaves the table from there. */
  private focused(e: FocusEvent) {
    const i = this.rowOf(e.target);
    if (i !== null) this.setActive(i);
  }

  private pageRows(): number {
    return Math.max(1, Math.floor((this.viewport.clientHeight || FALLBACK_VIEWPORT) / this.rowHeight) - 1);
  }

  private key(e: KeyboardEvent) {
    if (e.ctrlKey || e.altKey || e.metaKey || e.shiftKey) return;
    const i = this.rowOf(e.target);
    if (i === null) return;
    const last = this.rows.length - 1;
    const next: Record<string, number> = {
      ArrowDown: i + 1,
      ArrowUp: i - 1,
      Home: 0,
      End: last,
      PageDown: i + this.pageRows(),
      PageUp: i - this.pageRows(),
    };
    if (!(e.key in next)) return;
    e.preventDefault();
    this.focusRow(next[e.key]);
  }

  private scrollIntoView(i: number) {
    const top = i * this.rowHeight;
    const height = this.viewport.clientHeight;
    if (top < this.viewport.scrollTop) this.viewport.scrollTop = top;
    else if (height && top + this.rowHeight > this.viewport.scrollTop + height) this.viewport.scrollTop = top + this.rowHeight - height;
    else if (!height) this.viewport.scrollTop = Math.max(0, top - FALLBACK_VIEWPORT / 2);
  }

  /** Where focus is in the table: a row, and the element in it that had focus (null: the row). */
  private focusPlace(): { row: number; key: FocusKey | null } | null {
    const a = document.activeElement;
    const row = this.rowOf(a);
    if (row === null || !a) return null;
    return { row, key: a === this.drawn.get(row) ? null : focusKey(a) };
  }

  /** The same element in the redrawn row, or the row itself when that element is gone (a
   *  revealed value replaces its *visa* button). */
  private restoreFocus(place: { row: number; key: FocusKey | null }) {
    const el = this.drawn.get(place.row);
    if (!el) return;
    const inner = place.key ? findByKey(el, place.key, FOCUSABLE) : null;
    (inner ?? el).focus({ preventScroll: true });
  }
}

