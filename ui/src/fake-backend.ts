// An in-memory backend with Swedish test data, so the UI runs in a plain browser and its logic
// is tested without Rust. Shapes are the generated Rust types.
import type { Backend } from "./backend";
import type { SessionInfo } from "./bindings/SessionInfo";
import type { FlowInfo } from "./bindings/FlowInfo";
import type { Flow } from "./bindings/Flow";
import type { IdCheck } from "./bindings/IdCheck";
import type { LookupRequest } from "./bindings/LookupRequest";
import type { LookupResult } from "./bindings/LookupResult";
import type { MedicationList } from "./bindings/MedicationList";
import type { Revealed } from "./bindings/Revealed";
import type { LogEntry } from "./bindings/LogEntry";
import type { Settings } from "./bindings/Settings";
import type { ClientError } from "./bindings/ClientError";
import type { Requirement } from "./bindings/Requirement";

function flow(flow: Flow, fkey: number | null, labelSv: string, summarySv: string, requires: Requirement[], farmaceutOnly = false): FlowInfo {
  return {
    flow, mainFlow: flow, labelSv, labelEn: labelSv, summarySv, summaryEn: summarySv,
    purpose: "EXPEDIERING", access: "UTAN_KRAV_SAMTYCKE", purposeCode: "EXPEDIERING", accessCode: "UTAN_KRAV_SAMTYCKE",
    purposeCodeStatus: "confirmed", accessCodeStatus: "confirmed",
    roles: farmaceutOnly ? ["FARMACEUT"] : ["FARMACEUT", "APOTEKSPERSONAL"], resources: [],
    requires: requires.map((r) => ({ requirement: r, checkedBy: "confirmation", labelSv: r, labelEn: r })),
    filters: [], windowMonths: flow === "expediering" ? 24 : null, printouts: [], printoutsDos: [], fkey, source: "NLL.md §6",
  } as FlowInfo;
}

export const FAKE_FLOWS: FlowInfo[] = [
  flow("expediering", 1, "Expediering", "Expediera förskrivet; 24 månader, utan samtycke.", []),
  flow("lakemedelsstod", 2, "Läkemedelsstöd", "Råd utanför expediering; kräver patientens samtycke.", ["patient-consent"], true),
  flow("ombud", 3, "Ombud med fullmakt", "Ombud hämtar ut; endast aktuella recept.", ["agent-personnummer"]),
  flow("egna-uppgifter", 4, "Egna uppgifter", "Patienten begär utskrift av sina uppgifter.", ["identity-checked"]),
  flow("vardnadshavare", 5, "Vårdnadshavare", "Vårdnadshavare till barn under 13 år.", ["guardian-personnummer"]),
];

const ORDINARY = "197001012386";
const PROTECTED = "198506152391";

function list(pnr: string, protectedPatient: boolean): MedicationList {
  const prescriber = protectedPatient
    ? { name: { kind: "masked", key: "rx/1/prescriber.name" }, profession: "Läkare", workplaceName: { kind: "masked", key: "rx/1/prescriber.workplace_name" }, workplaceCode: null, workplaceAddress: null, workplacePhone: null }
    : { name: { kind: "clear", value: "Karin Ek" }, profession: "Läkare", workplaceName: { kind: "clear", value: "Vårdcentralen Linné, Lund" }, workplaceCode: null, workplaceAddress: null, workplacePhone: null };
  return {
    patient: {
      nllId: "p-" + pnr, personnummer: pnr, idKind: "personnummer",
      personnummerDisplay: pnr.slice(2, 8) + "-" + pnr.slice(8),
      name: protectedPatient ? { kind: "masked", key: "patient.name" } : { kind: "clear", value: "Maria Andersson" },
      birthDate: null, age: protectedPatient ? 41 : 56, deceased: false,
      address: null, municipalityCode: null, regionCode: null, phone: null, email: null,
      protected: protectedPatient, protectionSignals: protectedPatient ? ["skyddadFolkbokforing"] : [],
    },
    info: { version: 3, controlledDrugs: false, privacyLock: false, dosPatient: false },
    context: { flow: "expediering", purpose: "EXPEDIERING", access: "UTAN_KRAV_SAMTYCKE", asOf: "2026-11-22", windowFrom: "2024-11-22" },
    prescriptions: [{
      id: "1", chainId: "c1", group: "current", end: null, status: "active", authoredOn: "2026-09-01", validFrom: "2026-09-01", validUntil: "2027-09-01",
      product: { name: "Alvedon", substance: "paracetamol", form: "tablett", strength: "500 mg", packSize: "20 st", atc: "N02BE01", nplId: null, nplPackId: null, consumable: false },
      dosage: "1–2 tabletter vid behov, högst 8 per dygn", packages: 1, dispensesAllowed: 3, dispensesMade: 1, substitutionAllowed: true, benefit: "med förmån",
      treatmentReason: { kind: "withheld", reason: "masked" }, prescriber, receivingPharmacy: null, dos: false, dosePharmacyName: null, dosePharmacyPhone: null, markers: [],
    }],
    dispenses: [{
      id: "d1", prescriptionId: "1", channel: "ePrescription", handedOver: "2026-09-03",
      product: { name: "Alvedon", substance: "paracetamol", form: "tablett", strength: "500 mg", packSize: "20 st", atc: "N02BE01", nplId: null, nplPackId: null, consumable: false },
      packages: 1, quantity: "20", dosage: "1–2 tabletter vid behov", prescriber,
      pharmacy: protectedPatient ? { name: { kind: "masked", key: "disp/d1/pharmacy.name" }, gln: null, address: null } : { name: { kind: "clear", value: "Apoteket Kronan, Lund" }, gln: null, address: null },
      credited: null, substituted: false, benefit: "med förmån", markers: [],
    }],
    locks: [],
    notices: [{ code: "window-24-months", sv: "Visar uppgifter registrerade de senaste 24 månaderna.", en: "Showing data registered in the last 24 months." }],
    unknownResources: [],
  } as MedicationList;
}

function error(code: string, message: string, requestId: string | null = null): ClientError {
  return { code, message, messageEn: message, requestId, nllCode: null, httpStatus: null, denialRule: null } as ClientError;
}

export class FakeBackend implements Backend {
  loggedIn = false;
  seq = 0;
  reveals: string[] = [];
  /** Milliseconds each lookup takes (tests make an earlier lookup slower than a later one). */
  delays: number[] = [];
  ended = 0;
  settings: Settings = { live: null, printer: null, idleTimeoutMinutes: 3, language: "sv" };

  async sessionInfo(): Promise<SessionInfo> {
    return {
      training: true, version: "0.1.0",
      user: this.loggedIn ? { user: "SE5565594230-F001", name: "Anna Lindqvist", role: "FARMACEUT", org: { orgNamn: "Apoteket Kronan AB", orgenhetsId: "7350045511119", orgenhetsNamn: "Apoteket Kronan", orgenhetsOrt: "Lund" } } : null,
      flows: this.loggedIn ? FAKE_FLOWS : [],
      trainingUsers: [{ login: "farmaceut", name: "Anna Lindqvist", role: "FARMACEUT", pharmacy: "Apoteket Kronan" }],
      settings: this.settings,
    };
  }
  async login(): Promise<SessionInfo> { this.loggedIn = true; return this.sessionInfo(); }
  async logout() { this.loggedIn = false; }
  async checkId(text: string): Promise<IdCheck> {
    const digits = text.replace(/[^0-9]/g, "");
    const ok = digits.length === 12 && (digits === ORDINARY || digits === PROTECTED || digits.endsWith("0"));
    return ok
      ? { ok, kind: "personnummer", twelve: digits, display: digits.slice(2, 8) + "-" + digits.slice(8), birthDate: null, age: 40, errorSv: null, errorEn: null }
      : { ok, kind: null, twelve: null, display: null, birthDate: null, age: null, errorSv: digits.length < 10 ? "Fel antal siffror." : "Kontrollsiffran stämmer inte.", errorEn: "Invalid." };
  }
  async lookup(req: LookupRequest): Promise<LookupResult> {
    const seq = ++this.seq;
    const delay = this.delays.shift() ?? 0;
    if (delay) await new Promise((r) => setTimeout(r, delay));
    const pnr = req.personnummer.replace(/[^0-9]/g, "");
    if (pnr === "199001010000") throw error("unreachable", "Nationella läkemedelslistan svarar inte. Försök igen om en stund; kvarstår felet, kontakta support.", "7f0c2a1e-0000-4000-8000-000000000001");
    if (pnr !== ORDINARY && pnr !== PROTECTED) throw error("patient-not-found", "Ingen patient med det personnumret finns i Nationella läkemedelslistan.", "7f0c2a1e-0000-4000-8000-000000000002");
    const l = list(pnr, pnr === PROTECTED);
    l.context.flow = req.flow;
    return {
      sessionId: "s-1", lookupSeq: seq, patientRef: l.patient.nllId, list: { list: l, masked: pnr === PROTECTED, record: [] },
      context: { role: "FARMACEUT", flow: req.flow, purpose: "EXPEDIERING", access: "UTAN_KRAV_SAMTYCKE", purposeCode: "EXPEDIERING", accessCode: "UTAN_KRAV_SAMTYCKE", resources: [], windowMonths: 24, printouts: [] },
      user: (await this.sessionInfo()).user!, roundTrips: 2, requests: 5, elapsedMs: 12,
    } as LookupResult;
  }
  async reveal(_seq: number, key: string): Promise<Revealed> {
    this.reveals.push(key);
    const values: Record<string, string> = { "patient.name": "Sara Nilsson", "rx/1/prescriber.name": "Karin Ek", "rx/1/prescriber.workplace_name": "Vårdcentralen Linné, Lund", "disp/d1/pharmacy.name": "Apoteket Kronan, Lund" };
    return { sessionId: "s-1", key, kind: "patientName", value: values[key] ?? "?" } as Revealed;
  }
  async endCustomer() { this.ended++; }
  async accessLog(): Promise<LogEntry[]> {
    return this.reveals.map((k, i) => ({ id: i + 1, time: "2026-11-22T10:00:00.000Z", kind: "reveal", user: "SE5565594230-F001", role: "FARMACEUT", flow: "expediering", purpose: "EXPEDIERING", access: "UTAN_KRAV_SAMTYCKE", resource: null, patientRef: "p-" + PROTECTED, protected: true, requestId: null, contextId: "s-1", outcome: "revealed", httpStatus: null, nllCode: null, fieldKey: k } as LogEntry));
  }
  async accessLogCsv() { return "id,time\n"; }
  async getSettings() { return this.settings; }
  async saveSettings(s: Settings) { this.settings = s; }
  async storeSecret() {}
  async keyringStatus() { return { ok: true, message: null }; }
}

export const FAKE_PATIENTS = { ordinary: ORDINARY, protectedPatient: PROTECTED, failing: "199001010000", unknown: "200001010000" };
