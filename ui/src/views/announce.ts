// The counter's one polite live region: a screen reader hears one sentence per lookup ("Karin
// Andersson, 3 aktuella recept, 22 uthämtade"), the protected-patient notice, a completed
// personnummer's check and a tab switched with Ctrl+1…5 — not every keystroke. Errors are not
// here: they are role=alert (assertive) where they are shown.
import { h } from "../dom";
import { t } from "../i18n";
import type { LookupResult } from "../bindings/LookupResult";

export class Announcer {
  readonly el: HTMLElement = h("div", { id: "announce", class: "sr-only", "aria-live": "polite", "aria-atomic": "true" });
  private pending: ReturnType<typeof setTimeout> | null = null;

  /** Says text once. Emptied first, so the same sentence twice (the same patient fetched again)
   *  is a change the screen reader speaks again. */
  say(text: string) {
    this.clear();
    this.pending = setTimeout(() => {
      this.pending = null;
      this.el.textContent = text;
    }, 0);
  }

  /** Nothing said, nothing left: a patient's name must not stay in the page after they are gone. */
  clear() {
    if (this.pending) clearTimeout(this.pending);
    this.pending = null;
    this.el.textContent = "";
  }
}

/** What a lookup brought, in one sentence. Counts of what the flow did not read are left out
 *  (a "0" would be a lie); a protected patient's name is not spoken. */
export function lookupSentence(r: LookupResult, dispensesRead: boolean): string {
  const l = r.list.list;
  const p = l.patient;
  const name = p.name.kind === "clear" ? p.name.value : t("banner.protectedName");
  const parts = [name, t("announce.current", { n: l.prescriptions.filter((x) => x.group === "current").length })];
  if (dispensesRead) parts.push(t("announce.dispenses", { n: l.dispenses.length }));
  const sentence = parts.join(", ");
  return r.list.masked || p.protected ? `${t("announce.protected")} ${sentence}` : sentence;
}
