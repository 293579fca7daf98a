// What a screen reader hears at the counter: one polite live region with one sentence per lookup
// and the protected-patient notice; errors as alerts; the personnummer's check only when the
// number is complete or the field is left, and never a false "invalid date" while typing.
import { afterEach, describe, expect, it } from "vitest";
import { FAKE_PATIENTS } from "../fake/answers";
import { $, fetchPatient, flush, key, setup, teardown, text, typeInto } from "./helpers";

afterEach(() => teardown());

const said = () => text("#announce");
const liveRegions = () => [...document.querySelectorAll("[aria-live], [role=status], [role=log]")].filter((e) => e.getAttribute("aria-live") !== "off");

describe("one polite live region", () => {
  it("says what a lookup brought in one sentence", async () => {
    await setup();
    await fetchPatient(FAKE_PATIENTS.ordinary);
    expect(liveRegions().map((e) => e.id)).toEqual(["announce"]);
    expect($("#announce").getAttribute("aria-live")).toBe("polite");
    const current = text("#tab-current .count");
    const dispensed = text("#tab-dispenses .count");
    expect(said()).toBe(`Karin Andersson, ${current} aktuella recept, ${dispensed} uthämtade`);
  });

  it("says that a protected patient's details are hidden, without the name", async () => {
    await setup();
    await fetchPatient(FAKE_PATIENTS.protectedPatient);
    expect(said()).toMatch(/^Skyddade personuppgifter – uppgifter är dolda\. Personuppgift skyddad, \d+ aktuella recept/);
  });

  it("leaves out what the flow did not read", async () => {
    await setup();
    key("F3");
    typeInto($<HTMLInputElement>("#agent"), FAKE_PATIENTS.agent);
    await fetchPatient(FAKE_PATIENTS.agentPatient);
    expect(said()).toMatch(/^Birgitta Sjögren, \d+ aktuella recept$/);
  });

  it("errors are alerts; the region keeps nothing of the previous patient", async () => {
    await setup();
    await fetchPatient(FAKE_PATIENTS.ordinary);
    key("F2");
    await fetchPatient(FAKE_PATIENTS.ordinary);
    expect($("#error").getAttribute("role")).toBe("alert");
    expect(said()).toBe("");
  });

  it("Ctrl+1…5 says the tab and its count; Esc says the customer was ended and no name stays", async () => {
    await setup();
    await fetchPatient(FAKE_PATIENTS.ordinary);
    key("4", { ctrlKey: true });
    await flush();
    expect(said()).toBe(`Uthämtade, ${text("#tab-dispenses .count")}`);
    key("Escape");
    await flush();
    expect(said()).toBe("Kunden avslutad. Inga patientuppgifter finns kvar på skärmen.");
    expect(document.body.textContent).not.toContain("Karin");
  });
});

describe("the personnummer hint", () => {
  it("is read with the field but is no live region", async () => {
    await setup();
    expect($("#pnr").getAttribute("aria-describedby")).toBe("pnr-hint");
    expect($("#pnr-hint").hasAttribute("aria-live")).toBe(false);
  });

  it("a 12-digit number at its 10th and 11th digit is still being typed: no ✗, no date error, nothing said", async () => {
    await setup();
    const pnr = $<HTMLInputElement>("#pnr");
    for (const partial of ["19680415-23", "19680415-238", "1968041523", "196804152"]) {
      typeInto(pnr, partial);
      await flush();
      expect(text("#pnr-state"), partial).toBe("");
      expect(pnr.getAttribute("aria-invalid"), partial).toBe("false");
      expect(text("#pnr-error"), partial).not.toMatch(/[Dd]atum/);
      expect(said(), partial).toBe("");
    }
    expect(text("#pnr-error")).toContain("Fel antal siffror");
    typeInto(pnr, "19680415-23");
    await flush();
    expect(text("#pnr-error")).toBe("10 av 12 siffror");
  });

  it("speaks once when the number is complete", async () => {
    await setup();
    const pnr = $<HTMLInputElement>("#pnr");
    typeInto(pnr, "19680415-2384");
    await flush();
    expect(said()).toBe(text("#pnr-ok"));
    expect(said()).toContain("680415-2384 · ");
    typeInto(pnr, "19680415-2385");
    await flush();
    expect(said()).toBe("Kontrollsiffran stämmer inte.");
  });

  it("on leaving the field an incomplete number gets its reason, said aloud", async () => {
    await setup();
    const pnr = $<HTMLInputElement>("#pnr");
    typeInto(pnr, "19680415-23");
    await flush();
    pnr.dispatchEvent(new FocusEvent("blur"));
    await flush();
    expect(text("#pnr-state")).toBe("✗");
    expect(pnr.getAttribute("aria-invalid")).toBe("true");
    expect(said()).toBe(text("#pnr-error"));
    expect(said()).not.toBe("");
    // Typing again is typing again.
    typeInto(pnr, "19680415-238");
    await flush();
    expect(text("#pnr-state")).toBe("");
  });
});
