// The counter screen: question on the left, answer on the right, and its keys.
import { h, isTextEntry } from "../dom";
import { t } from "../i18n";
import type { Counter, Change } from "../counter";
import { TABS } from "../counter";
import { QueryView } from "./query";
import { AnswerView, notRead } from "./answer";
import { Announcer, lookupSentence } from "./announce";
import type { PrintoutKind } from "../bindings/PrintoutKind";

export type CounterViewActions = {
  openPrint: (kind?: PrintoutKind) => void;
  endCustomer: () => void;
};

const SCANNER_CHARS = /^[0-9+-]$/;

export class CounterView {
  readonly el: HTMLElement;
  readonly query: QueryView;
  readonly answer: AnswerView;
  readonly announcer = new Announcer();
  private readonly off: () => void;

  constructor(
    private readonly counter: Counter,
    private readonly actions: CounterViewActions,
  ) {
    this.query = new QueryView(counter, (text) => this.announcer.say(text));
    this.answer = new AnswerView(counter, actions);
    this.el = h("main", { class: "counter", id: "counter" }, this.query.el, this.answer.el, this.announcer.el);
    this.off = counter.onChange((c) => this.changed(c));
  }

  destroy() {
    this.off();
  }

  private changed(c: Change) {
    switch (c) {
      case "checks":
        this.query.renderChecks();
        break;
      case "input":
        this.query.syncInputs();
        break;
      case "flow":
        this.query.renderFlows();
        break;
      case "status": {
        this.query.syncInputs();
        this.query.renderFlows();
        this.query.renderChecks();
        const focusWasInAnswer = this.answer.el.contains(document.activeElement);
        this.answer.render();
        this.announceStatus();
        const s = this.counter.status.kind;
        if (s === "result" || s === "error") {
          // The next scan replaces the number; the retry button gets focus after network trouble.
          const retry = this.answer.el.querySelector<HTMLElement>("#retry");
          if (retry) retry.focus();
          else if (!isTextEntry(document.activeElement) || document.activeElement === this.query.pnrInput) this.query.focusPnr(true);
        } else if (s === "empty" || s === "idle-cleared" || focusWasInAnswer) {
          if (!isTextEntry(document.activeElement) || document.activeElement === this.query.pnrInput || focusWasInAnswer) this.query.focusPnr();
        }
        break;
      }
      case "tab":
        this.answer.renderTabs();
        break;
      case "reveal":
        this.answer.refreshRevealed();
        break;
      case "reason":
        this.answer.refreshReasons();
        break;
    }
  }

  focus() {
    this.query.focusPnr();
  }

  /** One sentence per lookup, and the screen's state after Avsluta kund or the idle timeout.
   *  Errors speak for themselves (role=alert). */
  private announceStatus() {
    const s = this.counter.status;
    if (s.kind === "result") this.announcer.say(lookupSentence(s.result, !notRead(s.result).has("dispenses")));
    else if (s.kind === "idle-cleared" || (s.kind === "empty" && s.ended)) this.announcer.say(this.answer.el.querySelector(".state-title")?.textContent ?? "");
    else this.announcer.clear();
  }

  /** The counter's keys (UX.md). True when the key was used. */
  handleKey(e: KeyboardEvent): boolean {
    const target = e.target as HTMLElement | null;
    if (e.key === "Escape") {
      e.preventDefault();
      this.actions.endCustomer();
      return true;
    }
    const fkey = /^F([1-9])$/.exec(e.key);
    if (fkey && !e.ctrlKey && !e.altKey && !e.metaKey) {
      e.preventDefault();
      if (!this.counter.selectByFKey(Number(fkey[1]))) this.query.flashHint(t("flows.unavailable", { n: fkey[1] }));
      return true;
    }
    if ((e.ctrlKey || e.metaKey) && !e.altKey) {
      if (/^[1-5]$/.test(e.key)) {
        e.preventDefault();
        if (this.counter.status.kind === "result") {
          const tab = TABS[Number(e.key) - 1];
          this.counter.setTab(tab);
          // Focus stays where it was, so the switch is said.
          const btn = this.answer.el.querySelector(`#tab-${tab}`);
          if (btn) this.announcer.say(t("announce.tab", { tab: btn.firstChild?.textContent?.trim() ?? "", n: btn.querySelector(".count")?.textContent ?? "" }));
        }
        return true;
      }
      if (e.key === "p" || e.key === "P") {
        e.preventDefault();
        this.actions.openPrint();
        return true;
      }
      return false;
    }
    if (e.key === "Enter") {
      // A lookup is an access to NLL, logged and seen by the patient: only Enter in a number field
      // of the question asks for one (Hämta is a button and runs it on its own). Enter anywhere
      // else — the list, a tab, a checkbox, nothing focused — keeps its own meaning or none.
      if (!this.query.isLookupField(target)) return false;
      e.preventDefault();
      void this.counter.lookup();
      return true;
    }
    if (SCANNER_CHARS.test(e.key) && !e.altKey && !isTextEntry(target)) {
      // A barcode scanner is a keyboard: digits typed anywhere go to the personnummer field.
      e.preventDefault();
      const input = this.query.pnrInput;
      const base = this.counter.replaceOnNextInput ? "" : input.value;
      input.value = base + e.key;
      input.focus();
      input.setSelectionRange(input.value.length, input.value.length);
      void this.counter.setPnr(input.value);
      return true;
    }
    return false;
  }
}

