// Keyboard rules of the counter screen: what Enter may start, roving focus in the list, focus
// after each dialog. A lookup is an access to NLL that the patient sees in Läkemedelskollen:
// only the pharmacist's explicit request may start one.
import { afterEach, describe, expect, it } from "vitest";
import { FAKE_PATIENTS } from "../fake/answers";
import { $, fetchPatient, flush, key, setup, teardown, typeInto } from "./helpers";
import type { FakeBackend } from "../fake/backend";

afterEach(() => teardown());

const lookups = (b: FakeBackend) => b.calls.filter((c) => c === "lookup").length;

describe("Enter starts a lookup only from the question", () => {
  it("Enter in the personnummer field fetches once; Hämta fetches once", async () => {
    const { backend } = await setup();
    await fetchPatient(FAKE_PATIENTS.ordinary);
    expect(lookups(backend)).toBe(1);
    $<HTMLButtonElement>("#fetch").click();
    await flush();
    expect(lookups(backend)).toBe(2);
  });

  it("Enter in the list, on the page, on a flow or a checkbox sends nothing and keeps what was revealed", async () => {
    const { backend } = await setup();
    await fetchPatient(FAKE_PATIENTS.protectedPatient);
    const reveal = $<HTMLButtonElement>("#table [data-reveal]");
    const revealKey = reveal.dataset.reveal!;
    reveal.click();
    $<HTMLButtonElement>("[data-reveal-ok]").click();
    await flush();
    expect(document.querySelector(`[data-revealed="${revealKey}"]`)).not.toBeNull();
    const before = lookups(backend);
    for (const target of [$("#table"), $("#table [role=row][aria-rowindex='2']"), document.body, $("#tab-panel"), $("#patient-banner"), $<HTMLInputElement>("input[name=flow]")]) {
      const ev = key("Enter", {}, target);
      expect(ev.defaultPrevented, target.outerHTML.slice(0, 60)).toBe(false);
    }
    key("F2");
    key("Enter", {}, $("#consent"));
    await flush();
    expect(lookups(backend)).toBe(before);
    expect(document.querySelector(`[data-revealed="${revealKey}"]`)).not.toBeNull();
  });

  it("Enter in the agent's number field completes the question and fetches", async () => {
    const { backend } = await setup();
    key("F3");
    typeInto($<HTMLInputElement>("#pnr"), FAKE_PATIENTS.agentPatient);
    typeInto($<HTMLInputElement>("#agent"), FAKE_PATIENTS.agent);
    await flush();
    key("Enter", {}, $("#agent"));
    await flush();
    expect(lookups(backend)).toBe(1);
  });
});

const rowEl = (i: number) => document.querySelector<HTMLElement>(`#table [data-row="${i}"]`);
const focusedRow = () => (document.activeElement as HTMLElement | null)?.closest<HTMLElement>("#table [data-row]")?.dataset.row;
const tabStops = () => [...document.querySelectorAll<HTMLElement>("#table [tabindex='0'], #table button:not([tabindex='-1'])")];

describe("roving focus in the list", () => {
  it("the list is one tab stop: the active row and its buttons; the rest is reached with the arrow keys", async () => {
    await setup();
    await fetchPatient(FAKE_PATIENTS.protectedPatient);
    key("4", { ctrlKey: true });
    const stops = tabStops();
    expect(stops[0]).toBe(rowEl(0));
    expect(stops.every((s) => s.closest("[data-row]") === rowEl(0))).toBe(true);
    // No scroll container of its own between the table and its rows (axe: aria-required-children).
    expect(document.querySelector("#table .vt-viewport")!.hasAttribute("tabindex")).toBe(false);
    rowEl(0)!.focus();
    key("ArrowDown");
    expect(focusedRow()).toBe("1");
    expect(rowEl(1)!.tabIndex).toBe(0);
    expect(rowEl(0)!.tabIndex).toBe(-1);
    expect([...rowEl(0)!.querySelectorAll("button")].every((b) => b.tabIndex === -1)).toBe(true);
    key("ArrowUp");
    expect(focusedRow()).toBe("0");
    key("ArrowUp");
    expect(focusedRow()).toBe("0");
  });

  it("End, Home and PageUp/PageDown reach every row of a long list, and a redraw keeps focus", async () => {
    const { app } = await setup("farmaceut", (b) => (b.repeatDispenses = 500));
    await fetchPatient(FAKE_PATIENTS.ordinary);
    key("4", { ctrlKey: true });
    const total = Number($("#table").getAttribute("aria-rowcount")) - 1;
    expect(total).toBeGreaterThan(100);
    rowEl(0)!.focus();
    key("End");
    expect(focusedRow()).toBe(String(total - 1));
    expect(document.activeElement!.getAttribute("aria-rowindex")).toBe(String(total + 1));
    // Scrolling back to the top redraws the rows: the focused one stays, focus stays on it.
    const viewport = $("#table .vt-viewport");
    viewport.scrollTop = 0;
    viewport.dispatchEvent(new Event("scroll"));
    await new Promise((r) => setTimeout(r, 40));
    expect(focusedRow()).toBe(String(total - 1));
    expect(document.querySelectorAll("#table .vt-spacer > .vt-row").length).toBeLessThan(60);
    key("PageUp");
    const afterPageUp = Number(focusedRow());
    expect(afterPageUp).toBeLessThan(total - 1);
    key("PageDown");
    expect(focusedRow()).toBe(String(total - 1));
    key("Home");
    expect(focusedRow()).toBe("0");
    // A refresh (a language switch, a reveal elsewhere) redraws every row: focus stays on the row.
    key("ArrowDown");
    key("ArrowDown");
    app.counterView!.answer.refreshRevealed();
    expect(focusedRow()).toBe("2");
    expect(document.activeElement).toBe(rowEl(2));
  }, 30_000); // 600 prescriptions and 5,000 dispenses built in the fake backend: slow on a busy machine

  it("Tab leaves the list from the active row: the next tab stop after it is outside the table", async () => {
    await setup();
    await fetchPatient(FAKE_PATIENTS.ordinary);
    rowEl(0)!.focus();
    key("End");
    const all = [...document.querySelectorAll<HTMLElement>("button, input, [tabindex]")].filter((e) => e.tabIndex >= 0 && !(e as HTMLButtonElement).disabled);
    const inTable = all.filter((e) => e.closest("#table"));
    // The last row and its buttons, nothing else of the table.
    expect(inTable.every((e) => e.closest("[data-row]") === document.activeElement)).toBe(true);
    const after = all[all.indexOf(inTable[inTable.length - 1]) + 1];
    expect(after.closest("#table")).toBeNull();
    expect(after.closest(".answer-actions")).not.toBeNull();
  });
});

describe("focus after each dialog", () => {
  it("after a reveal in a row: on that row (its visa is gone), not on <body>", async () => {
    await setup();
    await fetchPatient(FAKE_PATIENTS.protectedPatient);
    const reveal = $<HTMLButtonElement>("#table [data-reveal]");
    const row = reveal.closest<HTMLElement>("[data-row]")!.dataset.row;
    reveal.focus();
    reveal.click();
    expect(document.activeElement!.closest(".modal")).not.toBeNull();
    $<HTMLButtonElement>("[data-reveal-ok]").click();
    await flush();
    expect(document.activeElement).not.toBe(document.body);
    expect(focusedRow()).toBe(row);
  });

  it("after cancelling a reveal: on the same visa button", async () => {
    await setup();
    await fetchPatient(FAKE_PATIENTS.protectedPatient);
    const reveal = $<HTMLButtonElement>("#table [data-reveal]");
    reveal.focus();
    reveal.click();
    key("Escape");
    expect(document.activeElement).toBe(reveal);
  });

  it("after a reveal in the patient banner: in the banner", async () => {
    await setup();
    await fetchPatient(FAKE_PATIENTS.protectedPatient);
    const reveal = $<HTMLButtonElement>("#patient-banner [data-reveal]");
    reveal.focus();
    reveal.click();
    $<HTMLButtonElement>("[data-reveal-ok]").click();
    await flush();
    expect(document.activeElement!.closest("#patient-banner")).not.toBeNull();
  });

  it("after a treatment reason was read: on its row (the list redrew while the dialog was open)", async () => {
    await setup();
    await fetchPatient(FAKE_PATIENTS.ordinary);
    const ask = $<HTMLButtonElement>("#table [data-reason-ask]");
    const row = ask.closest<HTMLElement>("[data-row]")!.dataset.row;
    ask.focus();
    ask.click();
    $<HTMLInputElement>("#reason-consent").click();
    $<HTMLButtonElement>("[data-reason-ok]").click();
    await flush();
    expect(document.querySelector(".modal")).toBeNull();
    expect(document.activeElement).not.toBe(document.body);
    expect(focusedRow()).toBe(row);
  });

  it("after the print panel: where Ctrl+P was pressed", async () => {
    await setup();
    await fetchPatient(FAKE_PATIENTS.ordinary);
    rowEl(0)!.focus();
    key("ArrowDown");
    key("p", { ctrlKey: true });
    await flush();
    expect(document.activeElement!.closest(".modal")).not.toBeNull();
    key("Escape");
    expect(focusedRow()).toBe("1");
  });
});
