// Print panel, access log, settings, language — against the FakeBackend.
import { afterEach, describe, expect, it } from "vitest";
import { FAKE_PATIENTS } from "../fake/answers";
import { outcomeText, parseDay, whatText } from "../views/log-view";
import { $, fetchPatient, flush, hiddenValues, key, setup, teardown, text, typeInto } from "./helpers";

afterEach(() => teardown());

const kinds = () => [...document.querySelectorAll<HTMLInputElement>("#print-panel [data-kind]")].map((i) => i.dataset.kind);

describe("print panel", () => {
  it("Ctrl+P offers only the flow's printouts: Expediering → the internal history only", async () => {
    const { backend } = await setup();
    await fetchPatient(FAKE_PATIENTS.ordinary);
    key("p", { ctrlKey: true });
    await flush();
    expect(kinds()).toEqual(["forskrivningshistorik"]);
    expect(backend.calls).toContain("renderPreview:forskrivningshistorik");
    expect($<HTMLImageElement>("#print-preview-img").src).toMatch(/^data:image\/svg\+xml/);
    expect(text("#print-preview-caption")).toContain("sida 1 av");
  });

  it("a list that stopped being shown while the panel was open is never printed", async () => {
    const { backend } = await setup();
    key("F4");
    $<HTMLInputElement>("#identity").click();
    await fetchPatient(FAKE_PATIENTS.ordinary);
    key("p", { ctrlKey: true });
    await flush();
    // The customer ends behind the panel (the idle timeout, a second window): the shell is
    // asked with the panel's sequence number and refuses it.
    await backend.endCustomer();
    $<HTMLButtonElement>("#print-go").click();
    await flush();
    expect(backend.printed).toEqual([]);
    expect(text("#print-msg")).toContain("visas inte längre");
    $<HTMLButtonElement>("#print-save").click();
    await flush();
    expect(backend.savedFiles).toEqual([]);
  });

  it("Egna uppgifter offers Aktuella recept and Uthämtade läkemedel; a dos patient gets Förteckning instead", async () => {
    await setup();
    key("F4");
    $<HTMLInputElement>("#identity").click();
    await fetchPatient(FAKE_PATIENTS.ordinary);
    expect([...document.querySelectorAll<HTMLElement>("[data-print]")].map((b) => b.dataset.print)).toEqual(["aktuella-recept", "uthamtade"]);
    key("p", { ctrlKey: true });
    await flush();
    expect(kinds()).toEqual(["aktuella-recept", "uthamtade"]);
    key("Escape");
    expect(document.querySelector("#print-panel")).toBeNull();
    expect(text("#patient-name")).toBe("Karin Andersson");
    // A new customer: the number first; the ID check given for the previous one is gone.
    typeInto($<HTMLInputElement>("#pnr"), FAKE_PATIENTS.dos);
    await flush();
    expect($<HTMLInputElement>("#identity").checked).toBe(false);
    $<HTMLInputElement>("#identity").click();
    key("Enter", {}, $("#pnr"));
    await flush();
    key("p", { ctrlKey: true });
    await flush();
    expect(kinds()).toEqual(["uthamtade", "forteckning"]);
  });

  it("Läkemedelsstöd has nothing to hand out, and without a customer there is nothing to print", async () => {
    await setup();
    key("p", { ctrlKey: true });
    await flush();
    expect(text("#print-msg")).toBe("Hämta en patient först.");
    key("Escape");
    key("F2");
    $<HTMLInputElement>("#consent").click();
    await fetchPatient(FAKE_PATIENTS.ordinary);
    key("p", { ctrlKey: true });
    await flush();
    expect(text("#print-msg")).toBe("Det här ärendet ger inga utskrifter att lämna ut.");
    expect(kinds()).toEqual([]);
  });

  it("prints to the chosen printer; a stopped printer fails, keeps the PDF and offers saving it", async () => {
    const { backend } = await setup();
    key("F4");
    $<HTMLInputElement>("#identity").click();
    await fetchPatient(FAKE_PATIENTS.ordinary);
    $<HTMLButtonElement>('[data-print="uthamtade"]').click();
    await flush();
    expect($<HTMLInputElement>('[data-kind="uthamtade"]').checked).toBe(true);
    expect($<HTMLSelectElement>("#printer").value).toBe("Disken");
    $<HTMLInputElement>("#copies").value = "2";
    $("#print-go").click();
    await flush();
    expect(backend.printed).toEqual([{ kind: "uthamtade", printer: "Disken", copies: 2 }]);
    expect(text("#print-msg")).toContain("Utskriften skickades till Disken");
    $<HTMLSelectElement>("#printer").value = "Kontoret";
    $("#print-go").click();
    await flush();
    expect(text("#print-msg")).toContain("Utskriften misslyckades: Skrivaren Kontoret är stoppad");
    expect(text("#print-msg")).toContain("PDF:en finns kvar");
    expect(document.activeElement).toBe($("#print-save"));
    $("#print-save").click();
    await flush();
    expect(backend.savedFiles).toEqual(["/home/apotek/Dokument/uthamtade-2026-11-23.pdf"]);
    expect(text("#print-msg")).toContain("Sparad:");
  });

  it("the preview of a protected patient's printout says data was left out; Avsluta kund closes the panel", async () => {
    await setup();
    key("F4");
    $<HTMLInputElement>("#identity").click();
    await fetchPatient(FAKE_PATIENTS.protectedPatient);
    key("p", { ctrlKey: true });
    await flush();
    expect($(".masked-note").hidden).toBe(false);
    const svg = decodeURIComponent($<HTMLImageElement>("#print-preview-img").src.split(",")[1]);
    expect(svg).toContain("Personuppgift skyddad");
    const secrets = hiddenValues(FAKE_PATIENTS.protectedPatient, "egna-uppgifter");
    expect(secrets.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(svg).not.toContain(secret);
    $("#print-close").click();
    $("#end-customer").click();
    await flush();
    expect(document.querySelector("#print-panel")).toBeNull();
    expect(document.body.textContent).not.toContain("850923");
  });
});

describe("access log", () => {
  it("lists lookups and reveals, filters to reveals and protected patients, exports what is shown", async () => {
    const { backend } = await setup();
    await fetchPatient(FAKE_PATIENTS.ordinary);
    await fetchPatient(FAKE_PATIENTS.protectedPatient);
    const btn = $<HTMLButtonElement>("#table [data-reveal]");
    const k = btn.dataset.reveal!;
    btn.click();
    $(`[data-reveal-ok="${k}"]`).click();
    await flush();
    $("#open-log").click();
    await flush();
    expect(text("#training-band")).toBe("ÖVNINGSLÄGE – testdata");
    const all = Number(text("#log-count").split(" ")[0]);
    expect(all).toBeGreaterThan(5);
    const reveals = $<HTMLInputElement>("#log-reveals");
    reveals.click();
    await flush();
    expect(text("#log-count")).toBe("1 rader");
    expect(text("#log-table")).toContain(k);
    expect(text("#log-table")).toContain("Visad uppgift");
    reveals.click();
    $<HTMLInputElement>("#log-protected").click();
    await flush();
    const prot = Number(text("#log-count").split(" ")[0]);
    expect(prot).toBeGreaterThan(1);
    expect(prot).toBeLessThan(all);
    $("#log-export").click();
    await flush();
    expect(backend.lastCsv!.split("\n")[0]).toContain("fieldKey");
    expect(backend.lastCsv!.trim().split("\n").length).toBe(prot + 1);
    expect(text("#log-msg")).toContain("receptdisk-atkomstlogg");
    key("Escape");
    expect(document.querySelector("#counter")).not.toBeNull();
  });

  it("filters to a period of dates, both ends included, and exports that period", async () => {
    const { backend } = await setup();
    await fetchPatient(FAKE_PATIENTS.ordinary);
    $("#open-log").click();
    await flush();
    const all = text("#log-count");
    const today = new Date().toISOString().slice(0, 10);
    const setDate = async (id: string, value: string) => {
      const input = $<HTMLInputElement>(id);
      input.value = value;
      input.dispatchEvent(new Event("change"));
      await flush();
    };
    await setDate("#log-through", "2020-12-31");
    expect(text("#log-count")).toBe("0 rader");
    await setDate("#log-since", today);
    await setDate("#log-through", today);
    expect(text("#log-count")).toBe(all);
    $("#log-export").click();
    await flush();
    expect(backend.lastCsv!.trim().split("\n").length).toBe(Number(all.split(" ")[0]) + 1);
    await setDate("#log-through", "");
    expect(text("#log-count")).toBe(all);
    // Typed without dashes it is still a date, shown in ÅÅÅÅ-MM-DD.
    await setDate("#log-since", today.replaceAll("-", ""));
    expect($<HTMLInputElement>("#log-since").value).toBe(today);
    expect(text("#log-count")).toBe(all);
  });

  it("a date that is not one gets a clear message and no query", async () => {
    const { backend } = await setup();
    $("#open-log").click();
    await flush();
    const queries = backend.calls.filter((c) => c === "accessLog").length;
    const since = $<HTMLInputElement>("#log-since");
    since.value = "2026-02-30";
    since.dispatchEvent(new Event("change"));
    await flush();
    expect(text("#log-msg")).toBe("Ogiltigt datum – skriv det som ÅÅÅÅ-MM-DD, till exempel 2026-11-01.");
    expect(since.getAttribute("aria-invalid")).toBe("true");
    expect(document.activeElement).toBe(since);
    expect(backend.calls.filter((c) => c === "accessLog").length).toBe(queries);
    $("#log-export").click();
    await flush();
    expect(backend.savedFiles).toEqual([]);
    since.value = "2026-02-28";
    since.dispatchEvent(new Event("change"));
    await flush();
    expect($("#log-msg").hidden).toBe(true);
    expect(since.getAttribute("aria-invalid")).toBe("false");
  });

  it("reads a typed date in the Swedish form, whatever the locale", () => {
    expect(parseDay("2026-11-01")).toBe("2026-11-01");
    expect(parseDay(" 20261101 ")).toBe("2026-11-01");
    expect(parseDay("")).toBe("");
    expect(parseDay("2026-13-01")).toBeNull();
    expect(parseDay("2025-02-29")).toBeNull();
    expect(parseDay("2024-02-29")).toBe("2024-02-29");
    expect(parseDay("11/01/2026")).toBeNull();
  });

  it("says each outcome in words and keeps the code in the tooltip", async () => {
    await setup();
    await fetchPatient(FAKE_PATIENTS.ordinary);
    $("#open-log").click();
    await flush();
    const cells = [...document.querySelectorAll<HTMLElement>("#log-table [title]")].filter((e) => e.title === "ok");
    expect(cells.length).toBeGreaterThan(0);
    expect(cells[0].textContent).toBe("Svar");
    expect(outcomeText("revealed")).toBe("Visad");
    expect(outcomeText("denied: consent-missing")).toBe("Nekad: consent-missing");
    expect(outcomeText("http 503")).toBe("Fel: http 503");
    expect(outcomeText("timeout")).toBe("Fel: timeout");
  });
});

describe("access log rows of every kind", () => {
  it("says a printout, login, export and setting change in words, and shows a broken chain in Logg and the header", async () => {
    const warning = { message: "Åtkomstloggens kedja är bruten: rad 3 har ändrats.", messageEn: "The access log's chain is broken: row 3 was changed." };
    const { backend } = await setup("farmaceut", (b) => (b.logWarning = warning));
    await fetchPatient(FAKE_PATIENTS.ordinary);
    const base = backend.log[0];
    const row = (fields: Partial<typeof base>) => ({ ...base, requestId: null, httpStatus: null, ...fields });
    backend.log.push(
      row({ id: 90, kind: "printout", resource: "uthamtade", pages: 2, copies: 1, printer: "PDF", masked: true, outcome: "printed" }),
      row({ id: 91, kind: "login", flow: "", mode: "training", outcome: "ok" }),
      row({ id: 92, kind: "export", flow: "", resource: "csv", detail: "12 rader; skyddade", outcome: "ok" }),
      row({ id: 93, kind: "setting", flow: "", fieldKey: "nll.base_url", outcome: "changed" }),
    );
    $("#open-log").click();
    await flush();
    const table = text("#log-table");
    for (const words of ["Utskrift", "2 s × 1 · PDF · maskerad", "Utskriven", "Inloggning", "Övningsläge", "Export", "12 rader; skyddade", "Ändrad inställning", "nll.base_url", "Ändrad"]) {
      expect(table).toContain(words);
    }
    expect(whatText(row({ kind: "printout", resource: "uthamtade", pages: 1, copies: 2, printer: null, masked: false }))).toEqual(["uthamtade", "1 s × 2 · sparad som fil"]);
    expect(outcomeText("failed: printer-stopped")).toBe("Misslyckades: printer-stopped");
    expect($("#log-warning").hidden).toBe(false);
    expect(text("#log-warning")).toContain("rad 3 har ändrats");
    expect(document.querySelector("#log-warning-header")).not.toBeNull();
  });
});

describe("the chain's central log in Logg", () => {
  it("says how far it has got, how old the oldest waiting row is and what the last attempt met; nothing when not configured", async () => {
    const { backend } = await setup("farmaceut");
    $("#open-log").click();
    await flush();
    expect($("#log-central").hidden).toBe(true);
    $("#back").click();
    await flush();
    backend.central = { configured: true, target: "logg.kedjan.se/receptdisk", acknowledged: 120, waiting: 7, oldestWaiting: "2026-12-02T08:15:00Z", lastAttempt: "2026-12-02T09:00:00Z", lastError: "Kedjans logg nåddes inte: anslutningen nekades. Raderna väntar kvar lokalt och skickas vid nästa försök." };
    $("#open-log").click();
    await flush();
    expect($("#log-central").hidden).toBe(false);
    expect(text("#log-central")).toContain("till och med rad 120; 7 rader väntar, den äldsta från 2026-12-02");
    expect(text("#log-central")).toContain("väntar kvar lokalt");
    expect($("#log-central").className).toContain("error");
    $("#back").click();
    await flush();
    backend.central = { ...backend.central, acknowledged: 127, waiting: 0, oldestWaiting: null, lastError: null };
    $("#open-log").click();
    await flush();
    expect(text("#log-central")).toContain("har tagit emot alla rader (till och med rad 127)");
    expect($("#log-central").className).toContain("ok");
  });
});

describe("settings", () => {
  it("checks the GLN as typed, refuses a bad one, and sends the certificate password only to the keyring", async () => {
    const { backend } = await setup();
    $("#open-settings").click();
    await flush();
    expect(text("#keyring-status")).toContain("Nyckelringen fungerar");
    expect($<HTMLFieldSetElement>("#live-settings").disabled).toBe(true);
    $<HTMLInputElement>("#set-live").click();
    expect($<HTMLFieldSetElement>("#live-settings").disabled).toBe(false);
    typeInto($<HTMLInputElement>("#set-base-url"), "https://nll.example.se/fhir");
    typeInto($<HTMLInputElement>("#set-gln"), "7350045511118");
    await flush();
    expect(text("#set-gln-hint")).toBe("Kontrollsiffran i GLN-numret stämmer inte.");
    $("#save-settings").click();
    await flush();
    expect(text("#settings-msg")).toContain("Kunde inte spara: Apotekets GLN");
    typeInto($<HTMLInputElement>("#set-gln"), "7350045511119");
    await flush();
    expect(text("#set-gln-hint")).toBe("✓ Giltigt GLN");
    $("#set-client-cert ~ button, .with-btn button").click();
    await flush();
    expect($<HTMLInputElement>("#set-client-cert").value).toBe("/home/apotek/certifikat/apotek-kronan-centrum.p12");
    typeInto($<HTMLInputElement>("#set-cert-password"), "hemligt-lösen");
    typeInto($<HTMLInputElement>("#set-idle"), "5");
    $("#save-settings").click();
    await flush();
    expect(text("#settings-msg")).toContain("Inställningarna är sparade");
    expect(backend.secrets.get("pkcs12-password")).toBe("hemligt-lösen");
    expect($<HTMLInputElement>("#set-cert-password").value).toBe("");
    expect(JSON.stringify(backend.settings)).not.toContain("hemligt");
    expect(backend.settings.live?.org.gln).toBe("7350045511119");
    expect(backend.settings.live?.clientCertificate).toBe("/home/apotek/certifikat/apotek-kronan-centrum.p12");
    expect(backend.settings.idleTimeoutMinutes).toBe(5);
  });

  it("is reachable from the login screen; keys the chain set are locked; Testa anslutningen lists each step", async () => {
    const { backend } = await setup(null, (b) => {
      b.settings.locked = ["base_url", "extra_ca_pem"];
      b.settings.files = ["/etc/receptdisk/receptdisk.toml"];
      b.doctor = {
        steps: [
          { status: "ok", message: "Inställningar lästa (/etc/receptdisk/receptdisk.toml)", messageEn: "Settings read", code: null },
          { status: "failed", message: 'TLS: servern nll.example.se godtogs inte – lägg dess CA i "Extra CA" (extra_ca_pem)', messageEn: "TLS: not trusted", code: "tls-failure" },
          { status: "skipped", message: "Inloggning – inte provat", messageEn: "Login – not tried", code: null },
        ],
      };
    });
    $("#login-open-settings").click();
    await flush();
    expect($<HTMLInputElement>("#set-base-url").disabled).toBe(true);
    expect($<HTMLInputElement>("#set-live").disabled).toBe(true);
    expect(text("#set-base-url-locked")).toBe("satt av apotekskedjan");
    expect($<HTMLInputElement>("#set-extra-ca").disabled).toBe(true);
    expect($<HTMLInputElement>("#set-gln").disabled).toBe(false);
    expect(text("#settings-files")).toContain("/etc/receptdisk/receptdisk.toml");
    $("#test-connection").click();
    await flush();
    expect(backend.calls).toContain("testConnection");
    const steps = [...document.querySelectorAll("#doctor-steps li")].map((li) => li.textContent);
    expect(steps[0]).toBe("✓ Inställningar lästa (/etc/receptdisk/receptdisk.toml)");
    expect(steps[1]).toContain("✗ TLS");
    expect(steps[1]).toContain("extra_ca_pem");
    expect(steps[2]).toBe("· Inloggning – inte provat");
    expect(text("#back")).toContain("Tillbaka till inloggningen");
    $("#back").click();
    expect($("#login-view")).toBeTruthy();
  });

  it("saves nothing when a secret cannot go to the keyring, and says how to start it", async () => {
    const { backend } = await setup("farmaceut", (b) => {
      b.keyringBroken = "Operativsystemets nyckelring går inte att använda (no bus) – starta nyckelringen …";
    });
    $("#open-settings").click();
    await flush();
    $<HTMLInputElement>("#set-live").click();
    typeInto($<HTMLInputElement>("#set-base-url"), "https://nll.example.se/fhir");
    typeInto($<HTMLInputElement>("#set-gln"), "7350045511119");
    typeInto($<HTMLInputElement>("#set-client-secret"), "hemlig-klient");
    $("#save-settings").click();
    await flush();
    expect(text("#settings-msg")).toContain("Ingenting sparades");
    expect(text("#settings-msg")).toContain("starta nyckelringen");
    expect(backend.settings.live).toBeNull();
    expect($<HTMLInputElement>("#set-client-secret").value).toBe("");
  });

  it("token exchange with a login command or a fixed test user, and a static token, are all editable", async () => {
    const { backend } = await setup();
    $("#open-settings").click();
    await flush();
    $<HTMLInputElement>("#set-live").click();
    typeInto($<HTMLInputElement>("#set-base-url"), "https://127.0.0.1:8443/fhir");
    typeInto($<HTMLInputElement>("#set-gln"), "7350045511119");
    typeInto($<HTMLInputElement>("#set-token-url"), "https://127.0.0.1:8443/oauth/token");
    typeInto($<HTMLInputElement>("#set-client-id"), "receptdisk");
    typeInto($<HTMLInputElement>("#set-subject-token"), "farmaceut");
    typeInto($<HTMLInputElement>("#set-client-key"), "/srv/sim-pki/client-1-key.pem");
    $("#save-settings").click();
    await flush();
    expect(backend.settings.live?.token).toEqual({ kind: "exchange", tokenUrl: "https://127.0.0.1:8443/oauth/token", clientId: "receptdisk", subjectTokenCommand: [], subjectToken: "farmaceut" });
    expect(backend.settings.live?.clientKey).toBe("/srv/sim-pki/client-1-key.pem");
    expect($("#restart")).toBeTruthy();
    $<HTMLInputElement>("#set-token-static").click();
    expect($<HTMLElement>("#token-static").hidden).toBe(false);
    expect($<HTMLElement>("#token-exchange").hidden).toBe(true);
    typeInto($<HTMLInputElement>("#set-static-token"), "hemlig-token");
    $("#save-settings").click();
    await flush();
    expect(backend.settings.live?.token).toEqual({ kind: "static" });
    expect(backend.secrets.get("nll-token")).toBe("hemlig-token");
    expect(JSON.stringify(backend.settings)).not.toContain("hemlig-token");
  });

  it("a broken configuration file opens on a screen naming file and line, with training mode and settings", async () => {
    await setup(null, (b) => {
      b.configProblem = { path: "/home/apotek/.config/receptdisk/receptdisk.toml", line: 4, key: null, message: "filen är inte giltig TOML (invalid string)", messageEn: "not valid TOML" };
    });
    expect(text("#config-problem-where")).toBe("/home/apotek/.config/receptdisk/receptdisk.toml, rad 4");
    expect(text("#config-problem")).toContain("filen är inte giltig TOML");
    $("#config-open-settings").click();
    await flush();
    expect($("#settings-view")).toBeTruthy();
    $("#back").click();
    expect($("#login-view")).toBeTruthy();
    teardown();
    await setup(null, (b) => {
      b.configProblem = { path: "/x/receptdisk.toml", line: 2, key: null, message: "fel", messageEn: "wrong" };
    });
    $("#use-training").click();
    expect($("#login-view")).toBeTruthy();
    expect(document.querySelectorAll("[data-login]").length).toBeGreaterThan(0);
  });

  it("switches the language: the whole UI in English, back to Swedish", async () => {
    await setup();
    $("#open-settings").click();
    await flush();
    $<HTMLSelectElement>("#set-lang").value = "en";
    $("#save-settings").click();
    await flush();
    expect(text("#open-log")).toBe("Log");
    expect(text("#training-band")).toBe("TRAINING MODE – test data");
    expect(document.documentElement.lang).toBe("en");
    $("#open-counter").click();
    expect(text("label[for=pnr]")).toBe("Personal identity number");
    expect(text('[data-flow="expediering"] .flow-label')).toBe("Dispensing");
    $("#lang-switch").click();
    expect(text("label[for=pnr]")).toBe("Personnummer");
  });
});

describe("keyboard", () => {
  it("Tab stays inside a dialog; arrow keys move between tabs; Enter on a tab does not fetch again", async () => {
    const { backend } = await setup();
    await fetchPatient(FAKE_PATIENTS.protectedPatient);
    $<HTMLButtonElement>("#table [data-reveal]").click();
    const inDialog = () => document.activeElement?.closest(".modal") !== null;
    expect(inDialog()).toBe(true);
    for (let i = 0; i < 4; i++) {
      key("Tab");
      expect(inDialog()).toBe(true);
    }
    key("Tab", { shiftKey: true });
    expect(inDialog()).toBe(true);
    key("Escape");
    $("#tab-current").focus();
    key("ArrowRight");
    expect(document.activeElement).toBe($("#tab-future"));
    expect(text(".tab.active")).toContain("Kommande");
    const lookups = backend.calls.filter((c) => c === "lookup").length;
    const ev = key("Enter");
    expect(ev.defaultPrevented).toBe(false);
    expect(backend.calls.filter((c) => c === "lookup").length).toBe(lookups);
  });
});
