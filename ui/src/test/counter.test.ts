// The counter screen's logic against the FakeBackend: what a pharmacist relies on.
import { afterEach, describe, expect, it, vi } from "vitest";
import { FAKE_PATIENTS } from "../fake/answers";
import { NLL_DOWN } from "../fake/backend";
import { $, fetchPatient, flush, hiddenValue, hiddenValues, key, setup, teardown, text, typeInto } from "./helpers";

afterEach(() => {
  teardown();
  vi.useRealTimers();
});

const flowLabels = () => [...document.querySelectorAll("#flows input[name=flow]")].map((e) => e.closest("label")!.querySelector(".flow-label")!.textContent);

describe("training mode and header", () => {
  it("shows the training band on the login screen and after login, with the user's name and role", async () => {
    const { app } = await setup(null);
    expect(text("#training-band")).toBe("ÖVNINGSLÄGE – testdata");
    expect(document.querySelectorAll("[data-login]").length).toBe(3);
    await app.login("apotekspersonal");
    expect(text("#training-band")).toBe("ÖVNINGSLÄGE – testdata");
    expect(text("#user")).toBe("Erik Johansson · Apotekspersonal");
    expect(text("#pharmacy")).toContain("Apotek Kronan Centrum");
  });
});

describe("flow picker", () => {
  it("offers a farmaceut the five flows, each with its F-key and one line on what it allows", async () => {
    await setup("farmaceut");
    expect(flowLabels()).toEqual(["Expediering", "Läkemedelsstöd", "Ombud med fullmakt", "Egna uppgifter", "Vårdnadshavare"]);
    expect([...document.querySelectorAll("#flows .fkey")].map((e) => e.textContent)).toEqual(["F1", "F2", "F3", "F4", "F5"]);
    expect(text('[data-flow="ombud"] .flow-summary')).toContain("aktiv fullmakt");
  });

  it("shows apotekspersonal only the flows the role may use, and F2 does nothing", async () => {
    const { app } = await setup("apotekspersonal");
    expect(flowLabels()).toEqual(["Expediering", "Ombud med fullmakt", "Egna uppgifter", "Vårdnadshavare"]);
    key("F2");
    expect(app.counter!.flow).toBe("expediering");
    expect(document.querySelector("#consent")).toBeNull();
    expect(text("#flow-hint")).toBe("F2 finns inte för din roll.");
  });

  it("F-keys choose the flow and ask only for what that flow needs", async () => {
    const { app } = await setup();
    const shown = () => ["#consent", "#identity", "#agent", "#guardian"].filter((s) => document.querySelector(s));
    expect(shown()).toEqual([]);
    key("F2");
    expect(app.counter!.flow).toBe("lakemedelsstod");
    expect(shown()).toEqual(["#consent"]);
    expect(document.querySelector<HTMLInputElement>('input[name=flow][value="lakemedelsstod"]')!.checked).toBe(true);
    key("F3");
    expect(shown()).toEqual(["#agent"]);
    key("F4");
    expect(shown()).toEqual(["#identity"]);
    key("F5");
    expect(shown()).toEqual(["#guardian"]);
    key("F1");
    expect(shown()).toEqual([]);
  });

  it("offers Läkemedelsstöd's dos variant under it", async () => {
    await setup();
    key("F2");
    const variants = [...document.querySelectorAll<HTMLInputElement>("input[name=variant]")].map((i) => i.value);
    expect(variants).toEqual(["lakemedelsstod", "lakemedelsstod-dos"]);
  });
});

describe("personnummer field", () => {
  it("validates as you type: a hint while typing, the reason when wrong, ✓ when right", async () => {
    await setup();
    const pnr = $<HTMLInputElement>("#pnr");
    typeInto(pnr, "19680415");
    await flush();
    expect(text("#pnr-state")).toBe("");
    expect(text("#pnr-error")).toContain("Fel antal siffror");
    typeInto(pnr, "19680415-2385");
    await flush();
    expect(text("#pnr-state")).toBe("✗");
    expect(text("#pnr-error")).toBe("Kontrollsiffran stämmer inte.");
    expect(pnr.getAttribute("aria-invalid")).toBe("true");
    typeInto(pnr, "196804152384");
    await flush();
    expect(text("#pnr-state")).toBe("✓");
    expect(text("#pnr-error")).toBe("");
    expect(text("#pnr-ok")).toBe("680415-2384 · 58 år");
  });

  it("takes digits typed anywhere (a barcode scanner is a keyboard)", async () => {
    await setup();
    $("#fetch").focus();
    key("1");
    expect($<HTMLInputElement>("#pnr").value).toBe("1");
    expect(document.activeElement).toBe($("#pnr"));
    // Wherever the focus is (not in a text field), each character lands at the end.
    for (const d of "9680415-2384") key(d, {}, document.body);
    expect($<HTMLInputElement>("#pnr").value).toBe("19680415-2384");
    await flush();
    expect(text("#pnr-state")).toBe("✓");
  });

  it("does not steal digits from the agent's field", async () => {
    await setup();
    key("F3");
    const agent = $<HTMLInputElement>("#agent");
    agent.focus();
    const ev = key("1", {}, agent);
    expect(ev.defaultPrevented).toBe(false);
    expect($<HTMLInputElement>("#pnr").value).toBe("");
  });
});

describe("lookup", () => {
  it("Enter fetches: banner, context, notices, tabs with counts; Ctrl+4 switches tab", async () => {
    const { backend } = await setup();
    await fetchPatient(FAKE_PATIENTS.ordinary);
    expect(backend.calls).toContain("lookup");
    expect(text("#patient-name")).toBe("Karin Andersson");
    expect(text("#patient-pnr")).toBe("680415-2384");
    expect(text("#patient-banner")).toContain("58 år");
    expect(text("#context-line")).toContain("Expediering · EXPEDIERING / UTAN_KRAV_SAMTYCKE · 24 mån");
    expect(text("#notices")).toContain("Visar uppgifter registrerade de senaste 24 månaderna.");
    expect(text(".tab.active")).toBe("Aktuella 3");
    expect(text("#table")).toContain("Atorvastatin Krka 40 mg");
    expect(text("#table")).toContain("filmdragerad tablett · atorvastatin · 1 x 100 st");
    expect(document.querySelector("#protected-band")).toBeNull();
    key("4", { ctrlKey: true });
    expect(text(".tab.active")).toContain("Uthämtade");
    expect(text("#table")).toContain("Enalapril Sandoz");
    key("5", { ctrlKey: true });
    expect(text(".tab.active")).toContain("Spärrar");
  });

  it("Enter with no number asks for one and sends nothing", async () => {
    const { backend } = await setup();
    key("Enter", {}, $("#pnr"));
    await flush();
    expect(text("#error")).toContain("Skriv eller skanna ett personnummer först.");
    expect(backend.calls).not.toContain("lookup");
  });

  it("shows the fetching state with the previous patient already gone", async () => {
    const { backend } = await setup();
    await fetchPatient(FAKE_PATIENTS.ordinary);
    expect(text("#patient-name")).toBe("Karin Andersson");
    backend.delays = [30];
    key("Enter", {}, $("#pnr"));
    await Promise.resolve();
    expect(text("#status")).toBe("Hämtar från Nationella läkemedelslistan…");
    expect(document.body.textContent).not.toContain("Karin Andersson");
    await new Promise((r) => setTimeout(r, 50));
    await flush();
    expect(text("#patient-name")).toBe("Karin Andersson");
  });

  it("drops a slower earlier answer: it never overwrites the newer patient", async () => {
    const { app, backend } = await setup();
    backend.lateSuccesses = true;
    backend.delays = [60, 0];
    typeInto($<HTMLInputElement>("#pnr"), FAKE_PATIENTS.ordinary);
    await flush();
    const first = app.counter!.lookup();
    typeInto($<HTMLInputElement>("#pnr"), FAKE_PATIENTS.dos);
    await flush();
    await app.counter!.lookup();
    expect(text("#patient-name")).toBe("Gunnar Svensson");
    // The earlier lookup answers with its own patient after the newer one is shown.
    expect((await first, backend.calls.filter((c) => c === "lookup").length)).toBe(2);
    await new Promise((r) => setTimeout(r, 80));
    await flush();
    expect(text("#patient-name")).toBe("Gunnar Svensson");
    expect(document.body.textContent).not.toContain("Karin Andersson");
  });

  it("a new number typed over a shown patient takes that patient off the screen", async () => {
    await setup();
    await fetchPatient(FAKE_PATIENTS.ordinary);
    expect(text("#patient-name")).toBe("Karin Andersson");
    key("1", {}, $("#fetch"));
    expect($<HTMLInputElement>("#pnr").value).toBe("1");
    expect(document.body.textContent).not.toContain("Karin Andersson");
  });

  it("shows deceased, dos and lock badges and the guardian marker", async () => {
    await setup();
    await fetchPatient(FAKE_PATIENTS.deceased);
    expect(text("#badges")).toContain("Avliden");
    expect(text("#patient-pnr")).toBe("241102+1880");
    await fetchPatient(FAKE_PATIENTS.dos);
    expect(text("#badges")).toContain("Dospatient");
    expect(text("#badges")).toContain("Spärrar 1");
    await fetchPatient(FAKE_PATIENTS.teen);
    expect(text("#table")).toContain("Får inte lämnas ut till vårdnadshavare");
  });

  it("strikes through a credited dispense", async () => {
    await setup();
    await fetchPatient(FAKE_PATIENTS.ordinary);
    key("4", { ctrlKey: true });
    const credited = [...document.querySelectorAll("#table .vt-row.credited")];
    expect(credited.length).toBe(1);
    expect(credited[0].textContent).toContain("Krediterad");
    expect(credited[0].querySelector(".strike")).not.toBeNull();
  });

  it("keeps 5,000 dispenses in a virtual table: few rows in the DOM, the right ones after scrolling", async () => {
    const { app } = await setup("farmaceut", (b) => (b.repeatDispenses = 5000));
    await fetchPatient(FAKE_PATIENTS.ordinary);
    key("4", { ctrlKey: true });
    expect(text(".tab.active")).toBe("Uthämtade 5000");
    const rows = () => document.querySelectorAll("#table .vt-spacer .vt-row");
    expect(rows().length).toBeGreaterThan(5);
    expect(rows().length).toBeLessThan(60);
    expect($("#table").getAttribute("aria-rowcount")).toBe("5001");
    const viewport = $("#table .vt-viewport");
    viewport.scrollTop = 4000 * 50;
    viewport.dispatchEvent(new Event("scroll"));
    await new Promise((r) => setTimeout(r, 40));
    const indexes = [...rows()].map((r) => Number(r.getAttribute("aria-rowindex")));
    expect(indexes).toContain(4002);
    expect(rows().length).toBeLessThan(60);
    expect(app.counterView!.answer.renderedRows()).toBe(rows().length);
  });
});

describe("refusals and errors", () => {
  it("a policy refusal names the rule in one sentence and says nothing was sent", async () => {
    await setup();
    key("F2");
    await fetchPatient(FAKE_PATIENTS.ordinary);
    expect($("#error").dataset.code).toBe("policy-denied");
    expect(text("#error")).toContain("Läkemedelsstöd kräver att patienten är på plats och samtycker");
    expect(text("#error")).toContain("Ingen fråga skickades");
  });

  it("with consent given, Läkemedelsstöd runs", async () => {
    await setup();
    key("F2");
    $<HTMLInputElement>("#consent").click();
    await fetchPatient(FAKE_PATIENTS.ordinary);
    expect(text("#patient-name")).toBe("Karin Andersson");
    expect(text("#context-line")).toContain("Läkemedelsstöd");
  });

  it("an unknown patient: the sentence and the request id", async () => {
    await setup();
    await fetchPatient(FAKE_PATIENTS.unknown);
    expect($("#error").dataset.code).toBe("patient-not-found");
    expect(text("#error")).toContain("Personnumret finns inte i Nationella läkemedelslistan – kontrollera numret och försök igen.");
    expect(text("#request-id")).toMatch(/request 7f0c2a1e-/);
  });

  it("a refusal by NLL: its sentence, NLL's code, HTTP status and request id; no retry offered", async () => {
    await setup();
    // Läkemedelsstöd for a dos patient: only NLL knows the patient has no dos consent.
    key("F2");
    $<HTMLInputElement>('input[name=variant][value="lakemedelsstod-dos"]').click();
    await fetchPatient(FAKE_PATIENTS.ordinary);
    expect($("#error").dataset.code).toBe("nll-refused");
    expect(text("#error")).toContain("Nationella läkemedelslistan nekade");
    expect(text("#error")).toContain("Patienten har inget dossamtycke");
    expect(text("#error")).toContain("NLL-kod 2-25-154");
    expect(text("#error")).toContain("HTTP 422");
    expect(text("#request-id")).toMatch(/request 7f0c2a1e-/);
    expect(document.querySelector("#retry")).toBeNull();
  });

  it("network trouble: message, request id and a retry that works", async () => {
    const { backend } = await setup();
    backend.nllTrouble = [NLL_DOWN];
    await fetchPatient(FAKE_PATIENTS.ordinary);
    expect($("#error").dataset.code).toBe("server-error");
    expect(text("#error")).toContain("Nationella läkemedelslistan har ett tekniskt fel just nu");
    expect(text("#request-id")).toMatch(/request 7f0c2a1e-/);
    expect(document.activeElement).toBe($("#retry"));
    $("#retry").click();
    await flush();
    expect(text("#patient-name")).toBe("Karin Andersson");
  });

  it("refuses a guardian of a 15-year-old with the age in the sentence", async () => {
    await setup();
    key("F5");
    typeInto($<HTMLInputElement>("#guardian"), "197809141356");
    await fetchPatient(FAKE_PATIENTS.teen);
    expect(text("#error")).toContain("bara om barnet är under 13 år; patienten är 15 år");
  });
});

describe("protected patient", () => {
  it("renders location-revealing fields masked: none of their values are in the DOM", async () => {
    await setup();
    await fetchPatient(FAKE_PATIENTS.protectedPatient);
    expect(text("#protected-band")).toContain("SKYDDADE PERSONUPPGIFTER — uppgifter som kan röja vistelseort är dolda.");
    expect(text("#patient-name")).toContain("Personuppgift skyddad");
    expect(text("#badges")).toContain("Skyddade personuppgifter");
    expect(document.querySelectorAll("#table [data-masked]").length).toBeGreaterThan(0);
    const secrets = hiddenValues(FAKE_PATIENTS.protectedPatient);
    expect(secrets.length).toBeGreaterThan(10);
    for (const tab of ["1", "2", "3", "4"]) {
      key(tab, { ctrlKey: true });
      const body = document.body.textContent ?? "";
      for (const secret of secrets) expect(body).not.toContain(secret);
    }
  });

  it("reveals one field after confirmation, through the backend, for this errand only", async () => {
    const { backend } = await setup();
    await fetchPatient(FAKE_PATIENTS.protectedPatient);
    const btn = $<HTMLButtonElement>('#table [data-reveal$="/prescriber.name"]');
    const k = btn.dataset.reveal!;
    btn.click();
    expect(text(".modal")).toContain("Visa uppgiften? Åtkomsten loggas.");
    $("[data-reveal-cancel]").click();
    expect(document.querySelector(".modal")).toBeNull();
    expect(backend.calls.filter((c) => c.startsWith("reveal"))).toEqual([]);
    $<HTMLButtonElement>(`#table [data-reveal="${k}"]`).click();
    $(`[data-reveal-ok="${k}"]`).click();
    await flush();
    expect(backend.calls).toContain(`reveal:${k}`);
    const value = hiddenValue(FAKE_PATIENTS.protectedPatient, k);
    expect(text(`#table [data-revealed="${k}"]`)).toBe(value);
    // Other fields stay masked.
    const workplace = hiddenValue(FAKE_PATIENTS.protectedPatient, k.replace("/prescriber.name", "/prescriber.workplace_name"));
    expect(document.body.textContent).not.toContain(workplace);
    // The reveal is in the access log.
    const log = await backend.accessLog({ since: null, through: null, protectedOnly: false, revealsOnly: true });
    expect(log.map((r) => r.fieldKey)).toEqual([k]);
    // A new lookup of the same patient starts masked again.
    await fetchPatient(FAKE_PATIENTS.protectedPatient);
    expect(document.body.textContent).not.toContain(value);
  });

  it("Esc inside the confirmation closes it and does not end the customer", async () => {
    await setup();
    await fetchPatient(FAKE_PATIENTS.protectedPatient);
    $<HTMLButtonElement>("#table [data-reveal]").click();
    key("Escape");
    expect(document.querySelector(".modal")).toBeNull();
    expect(text("#patient-name")).toContain("Personuppgift skyddad");
  });
});

describe("Avsluta kund", () => {
  it("Esc clears every patient detail from the DOM, the inputs and the backend", async () => {
    const { app, backend } = await setup();
    key("F3");
    typeInto($<HTMLInputElement>("#agent"), "197504170775");
    await fetchPatient(FAKE_PATIENTS.agentPatient);
    expect(text("#patient-name")).toBe("Birgitta Sjögren");
    key("Escape");
    await flush();
    const body = document.body.textContent ?? "";
    for (const s of ["Birgitta", "481201", "4225", "Enalapril", "Levaxin"]) expect(body).not.toContain(s);
    expect(document.body.innerHTML).not.toContain("194812014225");
    expect($<HTMLInputElement>("#pnr").value).toBe("");
    expect(document.querySelector("#agent")).toBeNull();
    expect(app.counter!.pnr).toBe("");
    expect(app.counter!.agent).toBe("");
    expect(app.counter!.status.kind).toBe("empty");
    expect(app.counter!.flow).toBe("expediering");
    expect(backend.calls).toContain("endCustomer");
    expect(backend.hasPatientData()).toBe(false);
    expect(document.activeElement).toBe($("#pnr"));
  });

  it("drops a lookup still running when the customer is ended", async () => {
    const { app, backend } = await setup();
    backend.lateSuccesses = true;
    backend.delays = [40];
    typeInto($<HTMLInputElement>("#pnr"), FAKE_PATIENTS.ordinary);
    const pending = app.counter!.lookup();
    key("Escape");
    await pending.catch(() => undefined);
    await new Promise((r) => setTimeout(r, 60));
    await flush();
    expect(document.body.textContent).not.toContain("Karin Andersson");
    expect(app.counter!.status.kind).toBe("empty");
  });

  it("the idle timeout clears the customer and says so; activity postpones it", async () => {
    vi.useFakeTimers();
    const { app } = await setup();
    typeInto($<HTMLInputElement>("#pnr"), FAKE_PATIENTS.ordinary);
    await vi.advanceTimersByTimeAsync(10);
    key("Enter", {}, $("#pnr"));
    await vi.advanceTimersByTimeAsync(10);
    expect(text("#patient-name")).toBe("Karin Andersson");
    await vi.advanceTimersByTimeAsync(2 * 60_000);
    key("Control", {}, document.body); // activity
    await vi.advanceTimersByTimeAsync(2 * 60_000);
    expect(text("#patient-name")).toBe("Karin Andersson");
    await vi.advanceTimersByTimeAsync(60_000 + 10);
    expect(text("#status")).toBe("Kunden avslutades efter 3 minuters inaktivitet.");
    expect(document.body.textContent).not.toContain("Karin Andersson");
    expect($<HTMLInputElement>("#pnr").value).toBe("");
    expect(app.counter!.hasCustomer()).toBe(false);
  });
});
