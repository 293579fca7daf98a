import { beforeEach, describe, expect, it, vi } from "vitest";
import { App } from "./app";
import { FakeBackend, FAKE_PATIENTS } from "./fake-backend";

async function setup() {
  document.body.innerHTML = `<div id="app"></div>`;
  const backend = new FakeBackend();
  const app = new App(document.getElementById("app")!, backend);
  await app.start();
  await app.login("farmaceut");
  return { app, backend, root: document.getElementById("app")! };
}
const flush = () => new Promise((r) => setTimeout(r, 0));
function key(k: string, init: KeyboardEventInit = {}) {
  document.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true, ...init }));
}
async function typePnr(app: App, pnr: string) {
  await app.checkId(pnr);
}

describe("counter screen", () => {
  beforeEach(() => vi.useRealTimers());

  it("shows the training band and only the role's flows with F-keys", async () => {
    const { root } = await setup();
    expect(root.querySelector("#training-band")?.textContent).toBe("ÖVNINGSLÄGE – testdata");
    const labels = [...root.querySelectorAll(".flow-label")].map((e) => e.textContent);
    expect(labels).toEqual(["Expediering", "Läkemedelsstöd", "Ombud med fullmakt", "Egna uppgifter", "Vårdnadshavare"]);
    expect(root.querySelector("#user")?.textContent).toContain("Farmaceut");
  });

  it("validates the personnummer as it is typed", async () => {
    const { app, root } = await setup();
    await typePnr(app, "19700101-2387");
    expect(root.querySelector("#pnr-error")?.textContent).toBe("Kontrollsiffran stämmer inte.");
    await typePnr(app, FAKE_PATIENTS.ordinary);
    expect(root.querySelector("#pnr-state")?.textContent).toBe("✓");
    expect(root.querySelector("#pnr-error")?.textContent).toBe("");
  });

  it("F-keys choose the flow and ask only for what it needs", async () => {
    const { root } = await setup();
    expect(root.querySelector("#consent")).toBeNull();
    key("F2");
    expect(root.querySelector("#consent")).not.toBeNull();
    key("F3");
    expect(root.querySelector("#consent")).toBeNull();
    expect(root.querySelector("#agent")).not.toBeNull();
    key("F5");
    expect(root.querySelector("#guardian")).not.toBeNull();
  });

  it("digits typed anywhere go to the personnummer field (barcode scanner)", async () => {
    const { root } = await setup();
    (root.querySelector("#fetch") as HTMLElement).focus();
    for (const d of "1970") key(d);
    expect((root.querySelector("#pnr") as HTMLInputElement).value).toBe("1970");
  });

  it("Enter fetches and shows the patient, the notices and the tabs", async () => {
    const { app, root } = await setup();
    await typePnr(app, FAKE_PATIENTS.ordinary);
    key("Enter");
    await flush();
    await flush();
    expect(root.querySelector("#patient-name")?.textContent).toBe("Maria Andersson");
    expect(root.textContent).toContain("Visar uppgifter registrerade de senaste 24 månaderna.");
    expect(root.querySelector(".tab.active")?.textContent).toContain("Aktuella");
    expect(root.querySelector("#table")?.textContent).toContain("Alvedon");
    key("4", { ctrlKey: true });
    expect(root.querySelector(".tab.active")?.textContent).toContain("Uthämtade");
  });

  it("drops a slower earlier answer that arrives after a newer one", async () => {
    const { app, backend, root } = await setup();
    backend.delays = [50, 0];
    await typePnr(app, FAKE_PATIENTS.ordinary);
    const first = app.fetch();
    await typePnr(app, FAKE_PATIENTS.protectedPatient);
    await app.fetch();
    await first;
    expect(root.querySelector("#protected-band")).not.toBeNull();
    expect(root.textContent).not.toContain("Maria Andersson");
  });

  it("masks a protected patient and reveals one field on purpose, through the backend", async () => {
    const { app, backend, root } = await setup();
    await typePnr(app, FAKE_PATIENTS.protectedPatient);
    await app.fetch();
    expect(root.querySelector("#protected-band")?.textContent).toContain("SKYDDADE PERSONUPPGIFTER");
    expect(root.querySelector("#patient-name")?.textContent).toContain("Personuppgift skyddad");
    expect(root.textContent).not.toContain("Vårdcentralen Linné");
    (root.querySelector('[data-reveal="rx/1/prescriber.workplace_name"]') as HTMLElement).click();
    expect(root.textContent).toContain("Visa uppgiften? Åtkomsten loggas.");
    expect(backend.reveals).toEqual([]);
    (root.querySelector('[data-reveal-ok="rx/1/prescriber.workplace_name"]') as HTMLElement).click();
    await flush();
    expect(backend.reveals).toEqual(["rx/1/prescriber.workplace_name"]);
    expect(root.textContent).toContain("Vårdcentralen Linné, Lund");
    expect(root.textContent).not.toContain("Sara Nilsson");
  });

  it("Esc clears every patient detail from the screen", async () => {
    const { app, backend, root } = await setup();
    await typePnr(app, FAKE_PATIENTS.ordinary);
    await app.fetch();
    expect(root.textContent).toContain("Maria Andersson");
    key("Escape");
    await flush();
    expect(root.textContent).not.toContain("Maria Andersson");
    expect(root.textContent).not.toContain("Alvedon");
    expect((root.querySelector("#pnr") as HTMLInputElement).value).toBe("");
    expect(backend.ended).toBe(1);
  });

  it("clears the customer after the idle timeout and says so", async () => {
    vi.useFakeTimers();
    const { app, root } = await setup();
    await typePnr(app, FAKE_PATIENTS.ordinary);
    await app.fetch();
    app.touch();
    vi.advanceTimersByTime(3 * 60_000 + 10);
    expect(root.textContent).not.toContain("Maria Andersson");
    expect(root.querySelector("#status")?.textContent).toBe("Kunden avslutades efter 3 minuters inaktivitet.");
  });

  it("shows an NLL or network error with its request id", async () => {
    const { app, root } = await setup();
    await typePnr(app, FAKE_PATIENTS.failing);
    await app.fetch();
    expect(root.querySelector("#error")?.textContent).toContain("Nationella läkemedelslistan svarar inte");
    expect(root.querySelector("#error")?.textContent).toContain("7f0c2a1e-0000-4000-8000-000000000001");
  });

  it("switches to English", async () => {
    const { app, root } = await setup();
    app.session!.settings.language = "en";
    const { setLanguage, texts } = await import("./i18n");
    setLanguage("en");
    app.t = texts();
    app.render();
    expect(root.querySelector("#training-band")?.textContent).toBe("TRAINING MODE – test data");
    setLanguage("sv");
  });
});
