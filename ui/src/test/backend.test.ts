// The contract with the shell: command names and argument shapes TauriBackend sends, error
// normalisation, and the language files.
import { describe, expect, it, vi } from "vitest";
import { TauriBackend, asClientError, type Dialogs } from "../backend";
import { sv } from "../i18n/sv";
import { en } from "../i18n/en";
import { FAKE_PATIENTS, recordedGlnCheck, recordedIdCheck, recordedLookup } from "../fake/answers";
import { FAKE_FLOWS } from "../fake/backend";

function tauri(answer: unknown = null) {
  const invoke = vi.fn(async (_cmd: string, _args?: Record<string, unknown>) => answer);
  const dialogs: Dialogs = { open: vi.fn(async () => "/certs/a.p12") };
  return { invoke, dialogs, b: new TauriBackend(invoke, dialogs) };
}

describe("TauriBackend", () => {
  it("calls the shell's snake_case commands with camelCase arguments", async () => {
    const { invoke, b } = tauri();
    const q = { since: "2026-11-01", through: null, protectedOnly: true, revealsOnly: false };
    const tr = { lookupSeq: 3, prescriptionId: "rx-1", flow: "expediering-behandlingsorsak" as const, consent: true };
    const req = { personnummer: "196804152384", flow: "expediering" as const, consent: false, identityChecked: false, agent: null, guardian: null, prescriptionId: null };
    await b.sessionInfo();
    await b.login("farmaceut");
    await b.logout();
    await b.checkId("19680415-2384");
    await b.checkGln("7350045511119");
    await b.lookup(req);
    await b.reveal(3, "rx/1/prescriber.name");
    await b.treatmentReason(tr);
    await b.endCustomer();
    await b.printouts(3);
    await b.renderPreview(3, "uthamtade");
    await b.listPrinters();
    await b.print(3, "aktuella-recept", null, 2);
    await b.accessLog(q);
    await b.getSettings();
    const settings = { live: null, printer: null, idleTimeoutMinutes: 3, language: "sv", locked: [], files: [], userFile: null };
    await b.saveSettings(settings, [{ account: "pkcs12-password", value: "x" }]);
    await b.testConnection(settings, []);
    await b.keyringStatus();
    expect(invoke.mock.calls).toEqual([
      ["session_info"],
      ["login", { login: "farmaceut" }],
      ["logout"],
      ["check_id", { text: "19680415-2384" }],
      ["check_gln", { text: "7350045511119" }],
      ["lookup", { request: req }],
      ["reveal", { lookupSeq: 3, key: "rx/1/prescriber.name" }],
      ["treatment_reason", { request: tr }],
      ["end_customer"],
      ["printouts", { lookupSeq: 3 }],
      ["render_preview", { lookupSeq: 3, kind: "uthamtade" }],
      ["list_printers"],
      ["print", { lookupSeq: 3, kind: "aktuella-recept", printer: null, copies: 2 }],
      ["access_log", { query: q }],
      ["get_settings"],
      ["save_settings", { settings, secrets: [{ account: "pkcs12-password", value: "x" }] }],
      ["test_connection", { settings, secrets: [] }],
      ["keyring_status"],
    ]);
  });

  it("never names a path to write: the shell asks where to save; a cancelled dialog is null", async () => {
    const { invoke, b } = tauri("/tmp/x");
    expect(await b.savePdf(3, "uthamtade")).toBe("/tmp/x");
    expect(invoke).toHaveBeenLastCalledWith("save_pdf", { lookupSeq: 3, kind: "uthamtade" });
    const q = { since: null, through: null, protectedOnly: false, revealsOnly: true };
    await b.exportLogCsv(q);
    expect(invoke).toHaveBeenLastCalledWith("save_access_log_csv", { query: q });
    const cancelled = tauri(null);
    expect(await cancelled.b.savePdf(3, "uthamtade")).toBeNull();
    expect(await b.pickFile("certificate")).toBe("/certs/a.p12");
  });

  it("normalises rejections to {code, message, requestId}", async () => {
    const b = new TauriBackend(async () => Promise.reject({ code: "unreachable", message: "NLL svarar inte.", requestId: "7f0c" }), { open: async () => null });
    await expect(b.lookup({ personnummer: "1", flow: "expediering", consent: false, identityChecked: false, agent: null, guardian: null, prescriptionId: null })).rejects.toMatchObject({
      code: "unreachable",
      message: "NLL svarar inte.",
      messageEn: "NLL svarar inte.",
      requestId: "7f0c",
      nllCode: null,
    });
    expect(asClientError("Tiden ska vara 1–60 minuter.")).toMatchObject({ code: "invalid-input", message: "Tiden ska vara 1–60 minuter.", requestId: null });
  });
});

describe("language files", () => {
  it("English has every Swedish key, none empty", () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(sv).sort());
    for (const [k, v] of Object.entries(en)) expect(v, k).not.toBe("");
  });

  it("placeholders match between the languages", () => {
    const ph = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const k of Object.keys(sv) as (keyof typeof sv)[]) expect(ph(en[k]), k).toEqual(ph(sv[k]));
  });
});

describe("fake backend's recorded answers", () => {
  it("number checks are nllc check-id's; a number not recorded says so instead of guessing", () => {
    expect(recordedIdCheck("196804152384")).toMatchObject({ ok: true, display: "680415-2384", age: 58 });
    expect(recordedIdCheck("241102+1880")).toMatchObject({ ok: true, twelve: "192411021880", display: "241102+1880" });
    expect(recordedIdCheck("199003684579")).toMatchObject({ ok: true, kind: "samordningsnummer" });
    expect(recordedIdCheck("196804152385").errorSv).toBe("Kontrollsiffran stämmer inte.");
    expect(recordedIdCheck("19680415").errorSv).toContain("Fel antal siffror");
    expect(recordedIdCheck("197001011234").errorSv).toContain("Övningsdata saknas");
    expect(recordedGlnCheck("7350045511119").ok).toBe(true);
    expect(recordedGlnCheck("7350045511118").ok).toBe(false);
  });

  it("a lookup is nllc fetch's answer, matched on the whole request", () => {
    const req = { login: "farmaceut", personnummer: "19680415-2384", flow: "expediering" as const, consent: false, identityChecked: false, agent: null, guardian: null, fault: null };
    const a = recordedLookup(req);
    expect(a && "ok" in a && a.ok.list.list.patient.personnummer).toBe(FAKE_PATIENTS.ordinary);
    const refused = recordedLookup({ ...req, flow: "lakemedelsstod" });
    expect(refused && "error" in refused && refused.error.denialRule).toBe("consent-missing");
    expect(recordedLookup({ ...req, login: "farmaceut-goteborg" })).toBeNull();
  });

  it("uses the real policy's flows (nllc flows --json)", () => {
    expect(FAKE_FLOWS.filter((f) => f.fkey !== null).map((f) => [f.fkey, f.flow])).toEqual([
      [1, "expediering"],
      [2, "lakemedelsstod"],
      [3, "ombud"],
      [4, "egna-uppgifter"],
      [5, "vardnadshavare"],
    ]);
  });
});
