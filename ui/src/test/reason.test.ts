// A prescription's treatment reason at the counter: offered on rows of the Expediering list whose
// reason was withheld, asked for in a small modal (consent now, the locked-reason consent, or the
// child who cannot consent), shown on the row for this errand only.
import { afterEach, describe, expect, it } from "vitest";
import { FAKE_PATIENTS } from "../fake/answers";
import type { FakeBackend } from "../fake/backend";
import { $, fetchPatient, flush, key, setup, teardown, text } from "./helpers";

afterEach(() => teardown());

const askButtons = () => [...document.querySelectorAll<HTMLButtonElement>("#table [data-reason-ask]")];
const askFor = (product: string) => $<HTMLButtonElement>(`#table [aria-label="Visa behandlingsorsak för ${product}"]`);
const reasonCalls = (b: FakeBackend) => b.calls.filter((c) => c.startsWith("treatmentReason"));

describe("treatment reason: offered", () => {
  it("on each Expediering row whose reason was withheld, not on a row without a reason", async () => {
    await setup();
    await fetchPatient(FAKE_PATIENTS.ordinary);
    const rows = [...document.querySelectorAll("#table .vt-spacer > .vt-row")];
    const withButton = rows.filter((r) => r.querySelector("[data-reason-ask]"));
    // Current: Omnifix (a consumable, no reason), Atorvastatin, Locobase (no reason).
    expect(withButton.length).toBe(1);
    const bandage = rows.find((r) => r.textContent!.includes("Omnifix"))!;
    expect(bandage.querySelector("[data-reason-ask]")).toBeNull();
    expect(askFor("Atorvastatin Krka 40 mg").textContent).toBe("Behandlingsorsak");
    // No reason text is in the DOM before it is asked for.
    expect(document.body.textContent).not.toContain("Höga blodfetter");
  });

  it("not for apotekspersonal (the role has no treatment-reason variant)", async () => {
    await setup("apotekspersonal");
    await fetchPatient(FAKE_PATIENTS.ordinary);
    expect(document.querySelectorAll("#table .vt-spacer > .vt-row").length).toBeGreaterThan(0);
    expect(askButtons()).toEqual([]);
  });

  it("not in a flow without such a variant (Läkemedelsstöd)", async () => {
    await setup();
    key("F2");
    $<HTMLInputElement>("#consent").click();
    await fetchPatient(FAKE_PATIENTS.ordinary);
    expect(text("#context-line")).toContain("Läkemedelsstöd");
    expect(document.querySelectorAll("#table .vt-spacer > .vt-row").length).toBeGreaterThan(0);
    expect(askButtons()).toEqual([]);
  });
});

describe("treatment reason: asked for", () => {
  it("needs the patient's consent: without it the refusal shows in the modal and nothing is read", async () => {
    const { backend } = await setup();
    await fetchPatient(FAKE_PATIENTS.ordinary);
    askFor("Atorvastatin Krka 40 mg").click();
    expect(text(".modal")).toContain("Visa behandlingsorsak?");
    expect(text(".modal")).toContain("Patienten samtycker nu till att du ser behandlingsorsaken");
    // An adult: no child alternative.
    expect(document.querySelector("#reason-child")).toBeNull();
    expect($<HTMLInputElement>("#reason-consent").type).toBe("checkbox");
    $("[data-reason-ok]").click();
    await flush();
    expect(text("#reason-error")).toContain("Behandlingsorsaken visas bara om patienten samtycker nu");
    expect(document.querySelector(".modal")).not.toBeNull();
    expect(document.body.textContent).not.toContain("Höga blodfetter");
    const log = await backend.accessLog({ since: null, through: null, protectedOnly: false, revealsOnly: false });
    const variantRows = log.filter((r) => r.flow === "expediering-behandlingsorsak");
    expect(variantRows.map((r) => r.kind)).toEqual(["denial"]);
  });

  it("with consent the reason appears on its row; the list and the other rows stay", async () => {
    const { app, backend } = await setup();
    await fetchPatient(FAKE_PATIENTS.dos);
    const notices = text("#notices");
    const seq = app.counter!.status.kind === "result" ? app.counter!.status.result.lookupSeq : -1;
    const before = askButtons().length;
    askFor("Alvedon 500 mg").click();
    $<HTMLInputElement>("#reason-consent").click();
    $("[data-reason-ok]").click();
    await flush();
    expect(document.querySelector(".modal")).toBeNull();
    const row = [...document.querySelectorAll("#table .vt-spacer > .vt-row")].find((r) => r.textContent!.includes("Alvedon"))!;
    expect(row.querySelector("[data-reason]")!.textContent).toBe("Behandlingsorsak: Smärta");
    expect(row.querySelector("[data-reason-ask]")).toBeNull();
    // Only that one: the others keep their button and their reasons stay unread.
    expect(askButtons().length).toBe(before - 1);
    expect(document.body.textContent).not.toContain("Förmaksflimmer");
    // Same list (same lookup) and NLL's notices, with a line on what was read since; the read
    // is logged under the variant.
    expect(app.counter!.status.kind === "result" && app.counter!.status.result.lookupSeq).toBe(seq);
    expect(text("#notices")).toBe(notices + "iBehandlingsorsak hämtad för 1 av 14 i det här ärendet.");
    expect(reasonCalls(backend)).toHaveLength(1);
    expect(reasonCalls(backend)[0]).toMatch(/^treatmentReason:expediering-behandlingsorsak:/);
    const log = await backend.accessLog({ since: null, through: null, protectedOnly: false, revealsOnly: false });
    const read = log.filter((r) => r.flow === "expediering-behandlingsorsak");
    expect(read.map((r) => [r.kind, r.resource, r.outcome])).toEqual([["request", "medication-request", "ok"]]);
  });

  it("a locked reason asks for consent to the locked reason and uses that variant", async () => {
    const { backend } = await setup();
    await fetchPatient(FAKE_PATIENTS.dos);
    askFor("Sertralin Accord 50 mg").click();
    expect(text(".modal")).toContain("Patienten har spärrat behandlingsorsaken.");
    expect(text(".modal")).toContain("Patienten samtycker nu till att du ser den spärrade behandlingsorsaken");
    $<HTMLInputElement>("#reason-consent").click();
    $("[data-reason-ok]").click();
    await flush();
    expect(reasonCalls(backend)[0]).toMatch(/^treatmentReason:expediering-sparrad-behandlingsorsak:/);
    expect(text("#table [data-reason]")).toBe("Behandlingsorsak: Nedstämdhet");
  });

  it("still withheld (a lock the list did not show): the row offers the locked-reason consent", async () => {
    // The patient has locked this reason; the list as fetched does not say so.
    const { backend } = await setup("farmaceut", (b) => {
      b.alterAnswer = (r) => r.list.list.prescriptions.forEach((p) => (p.markers = p.markers.filter((m) => m !== "privacyLocked")));
    });
    await fetchPatient(FAKE_PATIENTS.privacyLocks);
    expect(askFor("Imovane 7,5 mg").textContent).toBe("Behandlingsorsak");
    askFor("Imovane 7,5 mg").click();
    $<HTMLInputElement>("#reason-consent").click();
    $("[data-reason-ok]").click();
    await flush();
    expect(text("#table [data-reason]")).toBe("Behandlingsorsak: lämnades inte ut (spärrad)");
    expect(text("#notices")).not.toContain("hämtad för");
    // Asked once more, with the only variant that can open it.
    expect(askFor("Imovane 7,5 mg").textContent).toBe("Spärrad behandlingsorsak");
    askFor("Imovane 7,5 mg").click();
    expect(text(".modal")).toContain("Patienten har spärrat behandlingsorsaken.");
    expect($<HTMLInputElement>("#reason-consent").type).toBe("checkbox");
    $<HTMLInputElement>("#reason-consent").click();
    $("[data-reason-ok]").click();
    await flush();
    expect(reasonCalls(backend).map((c) => c.split(":")[1])).toEqual(["expediering-behandlingsorsak", "expediering-sparrad-behandlingsorsak"]);
    expect(text("#table [data-reason]")).toBe("Behandlingsorsak: Sömnbesvär");
    // Nothing more to offer on that row.
    expect(document.querySelectorAll('#table [aria-label="Visa behandlingsorsak för Imovane 7,5 mg"]').length).toBe(0);
  });

  it("for a patient under 18 the child alternative needs no consent", async () => {
    const { backend } = await setup();
    await fetchPatient(FAKE_PATIENTS.teen);
    askFor("Concerta 36 mg").click();
    expect($<HTMLInputElement>("#reason-consent").type).toBe("radio");
    expect(text(".modal")).toContain("Barnet kan inte samtycka – behandlingsorsaken behövs för säker expediering");
    $<HTMLInputElement>("#reason-child").click();
    $("[data-reason-ok]").click();
    await flush();
    expect(reasonCalls(backend)[0]).toMatch(/^treatmentReason:expediering-barn-behandlingsorsak:/);
    expect(text("#table [data-reason]")).toBe("Behandlingsorsak: ADHD");
  });

  it("an error shows in the modal and on the row with its request id; nothing is lost", async () => {
    const { backend } = await setup();
    await fetchPatient(FAKE_PATIENTS.ordinary);
    backend.reasonFaults.push({ code: "unreachable", message: "Nationella läkemedelslistan svarar inte. Försök igen om en stund.", messageEn: "NLL does not answer.", requestId: null, nllCode: null, httpStatus: null, denialRule: null });
    askFor("Atorvastatin Krka 40 mg").click();
    $<HTMLInputElement>("#reason-consent").click();
    $("[data-reason-ok]").click();
    await flush();
    const modalError = text("#reason-error");
    expect(modalError).toContain("Nationella läkemedelslistan svarar inte.");
    expect(modalError).toMatch(/request 7f0c2a1e-/);
    // The choice is kept; the list is still shown; the row says what happened and offers it again.
    expect($<HTMLInputElement>("#reason-consent").checked).toBe(true);
    expect(text("#patient-name")).toContain("Karin Andersson");
    expect(text("#table [data-reason-error]")).toContain("Nationella läkemedelslistan svarar inte.");
    // Trying again from the same modal works.
    $("[data-reason-ok]").click();
    await flush();
    expect(document.querySelector(".modal")).toBeNull();
    expect(text("#table [data-reason]")).toBe("Behandlingsorsak: Höga blodfetter");
    expect(document.querySelector("#table [data-reason-error]")).toBeNull();
  });
});

describe("treatment reason: this errand only", () => {
  it("Avsluta kund clears it; a new lookup of the same patient starts without it", async () => {
    const { app, backend } = await setup();
    await fetchPatient(FAKE_PATIENTS.ordinary);
    askFor("Atorvastatin Krka 40 mg").click();
    $<HTMLInputElement>("#reason-consent").click();
    $("[data-reason-ok]").click();
    await flush();
    expect(document.body.textContent).toContain("Höga blodfetter");
    key("Escape");
    await flush();
    expect(document.body.textContent).not.toContain("Höga blodfetter");
    expect(app.counter!.reasons.size).toBe(0);
    expect(backend.calls).toContain("endCustomer");
    await fetchPatient(FAKE_PATIENTS.ordinary);
    expect(document.body.textContent).not.toContain("Höga blodfetter");
    expect(askFor("Atorvastatin Krka 40 mg")).toBeTruthy();
  });

  it("a new lookup clears it too", async () => {
    await setup();
    await fetchPatient(FAKE_PATIENTS.ordinary);
    askFor("Atorvastatin Krka 40 mg").click();
    $<HTMLInputElement>("#reason-consent").click();
    $("[data-reason-ok]").click();
    await flush();
    expect(document.body.textContent).toContain("Höga blodfetter");
    key("Enter", {}, $("#pnr"));
    await flush();
    expect(document.body.textContent).not.toContain("Höga blodfetter");
  });

  it("an answer arriving after Avsluta kund is dropped", async () => {
    const { app, backend } = await setup();
    await fetchPatient(FAKE_PATIENTS.ordinary);
    backend.latencyMs = 30;
    askFor("Atorvastatin Krka 40 mg").click();
    $<HTMLInputElement>("#reason-consent").click();
    $("[data-reason-ok]").click();
    await app.counter!.endCustomer("user");
    await new Promise((r) => setTimeout(r, 60));
    await flush();
    expect(app.counter!.reasons.size).toBe(0);
    expect(document.body.textContent).not.toContain("Höga blodfetter");
  });
});

describe("treatment reason: keyboard", () => {
  it("Enter on the consent box confirms; Esc closes the modal only", async () => {
    await setup();
    await fetchPatient(FAKE_PATIENTS.ordinary);
    askFor("Atorvastatin Krka 40 mg").click();
    expect(document.activeElement).toBe($("#reason-consent"));
    key("Escape");
    expect(document.querySelector(".modal")).toBeNull();
    expect(text("#patient-name")).toContain("Karin Andersson");
    askFor("Atorvastatin Krka 40 mg").click();
    $<HTMLInputElement>("#reason-consent").click();
    key("Enter", {}, $("#reason-consent"));
    await flush();
    expect(document.querySelector(".modal")).toBeNull();
    expect(text("#table [data-reason]")).toBe("Behandlingsorsak: Höga blodfetter");
  });
});
