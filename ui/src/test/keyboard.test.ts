// Keyboard rules of the counter screen: what Enter may start, roving focus in the list, focus
// after each dialog. A lookup is an access to NLL that the patient sees in Läkemedelskollen:
// only the pharmacist's explicit request may start one.
import { afterEach, describe, expect, it } from "vitest";
import { FAKE_PATIENTS } from "../fake/patients";
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
