// Synthetic Swedish test patients for the fake backend, mirroring the training server's catalogue
// (README "Test patients"): same personnummer and names, so what you try in the browser behaves
// like the app in training mode. Lists are built in the clear; fake/backend.ts masks them the
// way `nll::masking` does.
import type { PrescriptionView } from "../bindings/PrescriptionView";
import type { DispenseView } from "../bindings/DispenseView";
import type { LockView } from "../bindings/LockView";
import type { Product } from "../bindings/Product";
import type { PrescriberView } from "../bindings/PrescriberView";
import type { DisclosureMarker } from "../bindings/DisclosureMarker";
import type { RxGroup } from "../bindings/RxGroup";
import type { RxEnd } from "../bindings/RxEnd";
import type { TreatmentReason } from "../bindings/TreatmentReason";
import { FAKE_TODAY } from "./ids";

export type FakePatient = {
  key: string;
  personnummer: string;
  name: string;
  address: string | null;
  phone: string | null;
  deceased: boolean;
  /** Skyddad folkbokföring / sekretessmarkering: the list is masked. */
  protected: boolean;
  /** What NLL says the name is (protected by skyddad folkbokföring: "Personuppgift skyddad"). */
  dosPatient: boolean;
  dosConsent: boolean;
  privacyLock: boolean;
  controlledDrugs: boolean;
  guardians: string[];
  agents: string[];
  prescriptions: PrescriptionView[];
  dispenses: DispenseView[];
  locks: LockView[];
};

const c = (value: string) => ({ kind: "clear" as const, value });

function addDays(date: string, days: number): string {
  const d = new Date(date + "T00:00:00Z");
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
export const daysAgo = (n: number) => addDays(FAKE_TODAY, -n);

function product(name: string, substance: string | null, form: string, strength: string | null, packSize: string, atc: string | null, consumable = false): Product {
  return { name, substance, form, strength, packSize, atc, nplId: null, nplPackId: null, consumable };
}

export const PRODUCTS = {
  alvedon: product("Alvedon", "paracetamol", "tablett", "500 mg", "20 st", "N02BE01"),
  enalapril: product("Enalapril Sandoz", "enalapril", "tablett", "10 mg", "98 st", "C09AA02"),
  atorvastatin: product("Atorvastatin Teva", "atorvastatin", "filmdragerad tablett", "20 mg", "100 st", "C10AA05"),
  metformin: product("Metformin Meda", "metformin", "filmdragerad tablett", "500 mg", "100 st", "A10BA02"),
  omeprazol: product("Omeprazol Actavis", "omeprazol", "enterokapsel", "20 mg", "100 st", "A02BC01"),
  ventoline: product("Ventoline Evohaler", "salbutamol", "inhalationsspray", "0,1 mg/dos", "200 doser", "R03AC02"),
  sertralin: product("Sertralin Bluefish", "sertralin", "tablett", "50 mg", "98 st", "N06AB06"),
  levaxin: product("Levaxin", "levotyroxin", "tablett", "50 mikrog", "100 st", "H03AA01"),
  waran: product("Waran", "warfarin", "tablett", "2,5 mg", "100 st", "B01AA03"),
  kavepenin: product("Kåvepenin", "fenoximetylpenicillin", "filmdragerad tablett", "800 mg", "20 st", "J01CE02"),
  elvanse: product("Elvanse", "lisdexamfetamin", "kapsel", "30 mg", "30 st", "N06BA12"),
  neovletta: product("Neovletta", "levonorgestrel, etinylestradiol", "tablett", "0,15 mg/0,03 mg", "3 x 21 st", "G03AA07"),
  flutide: product("Flutide Nasal", "flutikason", "nässpray", "50 mikrog/dos", "120 doser", "R01AD08"),
  teststickor: product("Accu-Chek Guide teststickor", null, "teststicka", null, "50 st", null, true),
  kompress: product("Mepilex Border", null, "förband", null, "10 st", null, true),
  ipren: product("Ipren", "ibuprofen", "tablett", "200 mg", "30 st", "M01AE01"),
  desloratadin: product("Desloratadin Krka", "desloratadin", "tablett", "5 mg", "30 st", "R06AX27"),
  trombyl: product("Trombyl", "acetylsalicylsyra", "tablett", "75 mg", "100 st", "B01AC06"),
  furix: product("Furix", "furosemid", "tablett", "40 mg", "100 st", "C03CA01"),
  oxascand: product("Oxascand", "oxazepam", "tablett", "10 mg", "25 st", "N05BA04"),
};

type Doc = { name: string; profession: string; workplace: string; address: string; phone: string; code: string };
export const DOCTORS: Record<string, Doc> = {
  ek: { name: "Karin Ek", profession: "Läkare", workplace: "Vårdcentralen Linné", address: "Linnégatan 12, 223 58 Lund", phone: "046-17 20 00", code: "SE2321000016-1A2B" },
  berglund: { name: "Johan Berglund", profession: "Läkare", workplace: "Kiruna vårdcentral", address: "Thulegatan 29, 981 31 Kiruna", phone: "0980-740 00", code: "SE2321000230-7K3L" },
  holm: { name: "Sara Holm", profession: "Sjuksköterska", workplace: "BVC Bagarmossen", address: "Lagaholmsvägen 28, 128 45 Bagarmossen", phone: "08-123 478 00", code: "SE2321000016-9B1C" },
  nyman: { name: "Per Nyman", profession: "Läkare", workplace: "Capio Vårdcentral Sävsjö", address: "Storgatan 3, 576 30 Sävsjö", phone: "0382-175 00", code: "SE2321000065-4D4E" },
  lind: { name: "Eva Lind", profession: "Tandläkare", workplace: "Folktandvården Kungsholmen", address: "Fleminggatan 22, 112 26 Stockholm", phone: "08-123 170 00", code: "SE2321000016-2T2T" },
  ahmadi: { name: "Leila Ahmadi", profession: "Läkare", workplace: "BUP Malmö", address: "Jan Waldenströms gata 18, 205 02 Malmö", phone: "040-33 10 00", code: "SE2321000081-5B5P" },
};

function prescriber(d: Doc): PrescriberView {
  return { name: c(d.name), profession: d.profession, workplaceName: c(d.workplace), workplaceCode: c(d.code), workplaceAddress: c(d.address), workplacePhone: c(d.phone) };
}

type Pharm = { name: string; gln: string; address: string };
export const PHARMACIES: Record<string, Pharm> = {
  kronanCentrum: { name: "Apotek Kronan Centrum, Stockholm", gln: "7350045511119", address: "Drottninggatan 45, 111 21 Stockholm" },
  kiruna: { name: "Apotek Hjärtat Kiruna", gln: "7350045512208", address: "Föreningsgatan 9, 981 31 Kiruna" },
  lund: { name: "Apoteket Linnéa, Lund", gln: "7350045513304", address: "Bangatan 4, 222 21 Lund" },
  dos: { name: "Apotekstjänst Dos Malmö", gln: "7350045514400", address: "Industrigatan 18, 212 14 Malmö" },
};

let seq = 0;

type RxSpec = {
  p: Product;
  dosage: string;
  doc: Doc;
  group?: RxGroup;
  end?: RxEnd | null;
  authored: number; // days ago
  validDays?: number; // from authored
  packages?: number;
  allowed?: number;
  made?: number;
  chain?: string;
  reason?: TreatmentReason;
  markers?: DisclosureMarker[];
  dos?: boolean;
  benefit?: string;
  substitution?: boolean;
  receiving?: Pharm | null;
};

export function rx(s: RxSpec): PrescriptionView {
  const id = `rx-${++seq}`;
  const authoredOn = daysAgo(s.authored);
  const validFrom = s.group === "future" ? addDays(FAKE_TODAY, 20) : authoredOn;
  const validUntil = addDays(authoredOn, s.validDays ?? 365);
  const group: RxGroup = s.group ?? (validUntil < FAKE_TODAY ? "past" : "current");
  return {
    id,
    chainId: s.chain ?? `chain-${id}`,
    group,
    end: group === "past" ? (s.end ?? "expired") : null,
    status: group === "past" ? (s.end === "cancelled" ? "cancelled" : s.end === "completed" ? "completed" : "stopped") : "active",
    authoredOn,
    validFrom,
    validUntil,
    product: s.p,
    dosage: s.dosage,
    packages: s.packages ?? 1,
    dispensesAllowed: s.allowed ?? 3,
    dispensesMade: s.made ?? 0,
    substitutionAllowed: s.substitution ?? true,
    benefit: s.benefit ?? "med förmån",
    treatmentReason: s.reason ?? { kind: "none" },
    prescriber: prescriber(s.doc),
    receivingPharmacy: s.receiving ? c(s.receiving.name) : null,
    dos: s.dos ?? false,
    dosePharmacyName: s.dos ? c(PHARMACIES.dos.name) : null,
    dosePharmacyPhone: s.dos ? c("040-680 12 00") : null,
    markers: s.markers ?? [],
  };
}

type DispSpec = { of: PrescriptionView; days: number; pharm: Pharm; credited?: { days: number; comment: string }; paper?: boolean; quantity?: string; substituted?: boolean };

export function disp(s: DispSpec): DispenseView {
  const r = s.of;
  return {
    id: `d-${++seq}`,
    prescriptionId: s.paper ? null : r.id,
    channel: s.paper ? "paper" : "ePrescription",
    handedOver: daysAgo(s.days),
    product: r.product,
    packages: r.packages,
    quantity: s.quantity ?? r.product.packSize?.replace(/ .*/, "") ?? null,
    dosage: r.dosage,
    prescriber: { ...r.prescriber },
    pharmacy: { name: c(s.pharm.name), gln: c(s.pharm.gln), address: c(s.pharm.address) },
    credited: s.credited ? { date: daysAgo(s.credited.days), comment: s.credited.comment } : null,
    substituted: s.substituted ?? false,
    benefit: r.benefit,
    markers: [...r.markers],
  };
}

function patient(p: Partial<FakePatient> & Pick<FakePatient, "key" | "personnummer" | "name">): FakePatient {
  return {
    address: "Storgatan 1, 111 22 Stockholm",
    phone: "070-123 45 67",
    deceased: false,
    protected: false,
    dosPatient: false,
    dosConsent: false,
    privacyLock: false,
    controlledDrugs: false,
    guardians: [],
    agents: [],
    prescriptions: [],
    dispenses: [],
    locks: [],
    ...p,
  };
}

const withheld: TreatmentReason = { kind: "withheld", reason: "FIL005" };
const reason = (text: string): TreatmentReason => ({ kind: "shown", text });

function vuxen(): FakePatient {
  const alvedon = rx({ p: PRODUCTS.alvedon, dosage: "1–2 tabletter vid behov, högst 8 per dygn", doc: DOCTORS.ek, authored: 80, allowed: 3, made: 1, reason: reason("Smärta") });
  const enalapril = rx({ p: PRODUCTS.enalapril, dosage: "1 tablett på morgonen", doc: DOCTORS.ek, authored: 200, allowed: 4, made: 2, packages: 1, reason: reason("Högt blodtryck") });
  const atorva = rx({ p: PRODUCTS.atorvastatin, dosage: "1 tablett till kvällen", doc: DOCTORS.ek, authored: 140, allowed: 4, made: 1, reason: reason("Förhöjda blodfetter") });
  const omeprazol = rx({ p: PRODUCTS.omeprazol, dosage: "1 kapsel dagligen före frukost", doc: DOCTORS.nyman, authored: 30, allowed: 2, made: 0, reason: reason("Halsbränna") });
  const ventoline = rx({ p: PRODUCTS.ventoline, dosage: "1–2 inhalationer vid andnöd", doc: DOCTORS.nyman, authored: 300, allowed: 5, made: 3, substitution: false, reason: reason("Astma") });
  const sticks = rx({ p: PRODUCTS.teststickor, dosage: "Enligt ordination", doc: DOCTORS.ek, authored: 120, allowed: 4, made: 1, packages: 2, benefit: "med förmån" });
  const future = rx({ p: PRODUCTS.flutide, dosage: "2 sprayningar i varje näsborre dagligen under pollensäsongen", doc: DOCTORS.nyman, authored: 10, group: "future", allowed: 2, reason: reason("Allergisk snuva") });
  const expired = rx({ p: PRODUCTS.kavepenin, dosage: "1 tablett 3 gånger dagligen i 10 dagar", doc: DOCTORS.nyman, authored: 500, validDays: 90, allowed: 1, made: 1, end: "completed", reason: reason("Halsfluss") });
  const cancelled = rx({ p: PRODUCTS.sertralin, dosage: "1 tablett dagligen", doc: DOCTORS.ek, authored: 420, validDays: 365, allowed: 4, made: 2, end: "cancelled", reason: withheld });
  const old = rx({ p: PRODUCTS.ipren, dosage: "1 tablett vid behov", doc: DOCTORS.lind, authored: 380, validDays: 30, allowed: 1, made: 1, end: "expired", reason: reason("Tandvärk") });
  const prescriptions = [omeprazol, alvedon, sticks, atorva, enalapril, ventoline, future, cancelled, old, expired];
  const dispenses = [
    disp({ of: alvedon, days: 78, pharm: PHARMACIES.kronanCentrum }),
    disp({ of: enalapril, days: 110, pharm: PHARMACIES.kronanCentrum }),
    disp({ of: enalapril, days: 195, pharm: PHARMACIES.lund, substituted: true }),
    disp({ of: atorva, days: 138, pharm: PHARMACIES.kronanCentrum, credited: { days: 137, comment: "Fel styrka utlämnad, ny expediering samma dag" } }),
    disp({ of: atorva, days: 137, pharm: PHARMACIES.kronanCentrum }),
    disp({ of: sticks, days: 100, pharm: PHARMACIES.kronanCentrum, quantity: "100" }),
    disp({ of: ventoline, days: 60, pharm: PHARMACIES.lund }),
    disp({ of: ventoline, days: 170, pharm: PHARMACIES.lund }),
    disp({ of: ventoline, days: 290, pharm: PHARMACIES.kronanCentrum }),
    disp({ of: expired, days: 498, pharm: PHARMACIES.kronanCentrum }),
    disp({ of: cancelled, days: 400, pharm: PHARMACIES.kronanCentrum }),
    disp({ of: cancelled, days: 320, pharm: PHARMACIES.kronanCentrum }),
    disp({ of: old, days: 375, pharm: PHARMACIES.lund, paper: true }),
  ];
  return patient({ key: "vuxen", personnummer: "196804152384", name: "Karin Andersson", address: "Sveavägen 12, 113 50 Stockholm", prescriptions, dispenses });
}

function skyddad(): FakePatient {
  const a = rx({ p: PRODUCTS.levaxin, dosage: "1 tablett på morgonen, fastande", doc: DOCTORS.berglund, authored: 60, allowed: 4, made: 1, reason: reason("Underfunktion i sköldkörteln"), receiving: PHARMACIES.kiruna });
  const b = rx({ p: PRODUCTS.sertralin, dosage: "1 tablett dagligen", doc: DOCTORS.berglund, authored: 150, allowed: 4, made: 2, reason: withheld });
  const d = rx({ p: PRODUCTS.desloratadin, dosage: "1 tablett dagligen vid besvär", doc: DOCTORS.berglund, authored: 20, allowed: 2, made: 0, reason: reason("Allergi") });
  const past = rx({ p: PRODUCTS.kavepenin, dosage: "1 tablett 3 gånger dagligen i 10 dagar", doc: DOCTORS.berglund, authored: 400, validDays: 60, allowed: 1, made: 1, end: "completed", reason: reason("Halsfluss") });
  return patient({
    key: "skyddad-folkbokforing",
    personnummer: "198509234822",
    name: "Personuppgift skyddad",
    address: null,
    phone: null,
    protected: true,
    prescriptions: [d, a, b, past],
    dispenses: [
      disp({ of: a, days: 58, pharm: PHARMACIES.kiruna }),
      disp({ of: b, days: 90, pharm: PHARMACIES.kiruna }),
      disp({ of: b, days: 148, pharm: PHARMACIES.kiruna }),
      disp({ of: past, days: 399, pharm: PHARMACIES.kiruna }),
    ],
  });
}

function sekretess(): FakePatient {
  const a = rx({ p: PRODUCTS.metformin, dosage: "1 tablett 2 gånger dagligen", doc: DOCTORS.nyman, authored: 90, allowed: 4, made: 1, reason: reason("Diabetes typ 2") });
  return patient({
    key: "sekretessmarkering",
    personnummer: "197911023559",
    name: "Johan Eriksson",
    address: "Skogsvägen 4, 576 31 Sävsjö",
    protected: true,
    prescriptions: [a],
    dispenses: [disp({ of: a, days: 85, pharm: PHARMACIES.lund })],
  });
}

function barn9(): FakePatient {
  const a = rx({ p: PRODUCTS.ventoline, dosage: "1 inhalation vid andnöd, med spacer", doc: DOCTORS.holm, authored: 100, allowed: 3, made: 1, reason: reason("Astma") });
  const locked = rx({ p: PRODUCTS.sertralin, dosage: "1/2 tablett dagligen", doc: DOCTORS.ahmadi, authored: 50, allowed: 3, made: 1, chain: "chain-barn-locked", markers: ["notToGuardian"], reason: withheld });
  return patient({
    key: "barn-9",
    personnummer: "201703142461",
    name: "Elsa Berg",
    address: "Björkvägen 7, 128 45 Bagarmossen",
    guardians: ["198606301284", "198403123170"],
    prescriptions: [locked, a],
    dispenses: [disp({ of: a, days: 95, pharm: PHARMACIES.kronanCentrum }), disp({ of: locked, days: 45, pharm: PHARMACIES.kronanCentrum })],
    locks: [{ id: "lock-barn-1", kind: "confidentiality", scope: "prescriptionChain", content: "whole", against: "guardian", chainId: "chain-barn-locked" }],
  });
}

function ungdom15(): FakePatient {
  const pill = rx({ p: PRODUCTS.neovletta, dosage: "1 tablett dagligen i 21 dagar, därefter 7 dagars uppehåll", doc: DOCTORS.nyman, authored: 70, allowed: 4, made: 1, chain: "chain-ungdom-pill", markers: ["notToGuardian"], reason: withheld });
  const adhd = rx({ p: PRODUCTS.elvanse, dosage: "1 kapsel på morgonen", doc: DOCTORS.ahmadi, authored: 25, allowed: 1, made: 0, substitution: false, reason: reason("ADHD") });
  return patient({
    key: "ungdom-15",
    personnummer: "201105205825",
    name: "Alva Lindgren",
    controlledDrugs: true,
    guardians: ["197809141356"],
    prescriptions: [adhd, pill],
    dispenses: [disp({ of: pill, days: 68, pharm: PHARMACIES.kronanCentrum })],
    locks: [{ id: "lock-ungdom-1", kind: "confidentiality", scope: "prescriptionChain", content: "whole", against: "guardian", chainId: "chain-ungdom-pill" }],
  });
}

function dos(): FakePatient {
  const w = rx({ p: PRODUCTS.waran, dosage: "Enligt ordination från AK-mottagningen", doc: DOCTORS.nyman, authored: 120, allowed: 12, made: 4, dos: true, substitution: false, reason: reason("Förmaksflimmer") });
  const t = rx({ p: PRODUCTS.trombyl, dosage: "1 tablett dagligen", doc: DOCTORS.nyman, authored: 120, allowed: 12, made: 4, dos: true, reason: reason("Hjärtkärlsjukdom") });
  const f = rx({ p: PRODUCTS.furix, dosage: "1 tablett på morgonen", doc: DOCTORS.nyman, authored: 120, allowed: 12, made: 4, dos: true, reason: reason("Hjärtsvikt") });
  const o = rx({ p: PRODUCTS.oxascand, dosage: "1 tablett till natten vid behov", doc: DOCTORS.ek, authored: 40, allowed: 2, made: 1, chain: "chain-dos-locked", markers: ["privacyLocked"], reason: reason("Sömnbesvär") });
  return patient({
    key: "dos",
    personnummer: "194108081599",
    name: "Gunnar Svensson",
    dosPatient: true,
    dosConsent: true,
    privacyLock: true,
    prescriptions: [o, w, t, f],
    dispenses: [disp({ of: w, days: 14, pharm: PHARMACIES.dos }), disp({ of: t, days: 14, pharm: PHARMACIES.dos }), disp({ of: f, days: 14, pharm: PHARMACIES.dos }), disp({ of: o, days: 38, pharm: PHARMACIES.kronanCentrum })],
    locks: [{ id: "lock-dos-1", kind: "privacy", scope: "prescriptionChain", content: "whole", against: "care", chainId: "chain-dos-locked" }],
  });
}

function avliden(): FakePatient {
  const a = rx({ p: PRODUCTS.furix, dosage: "1 tablett på morgonen", doc: DOCTORS.ek, authored: 200, allowed: 4, made: 2, reason: reason("Hjärtsvikt") });
  return patient({ key: "avliden", personnummer: "192411021880", name: "Tyra Johansson", deceased: true, prescriptions: [a], dispenses: [disp({ of: a, days: 150, pharm: PHARMACIES.lund })] });
}

function samordning(): FakePatient {
  const a = rx({ p: PRODUCTS.ipren, dosage: "1 tablett 3 gånger dagligen i högst 5 dagar", doc: DOCTORS.nyman, authored: 12, allowed: 1, made: 0, reason: reason("Ryggsmärta") });
  return patient({ key: "samordningsnummer", personnummer: "199003684579", name: "Ahmad Karimi", address: null, prescriptions: [a] });
}

function ingaRecept(): FakePatient {
  return patient({ key: "inga-recept", personnummer: "199509091394", name: "Nils Nyberg" });
}

function fullmakt(): FakePatient {
  const a = rx({ p: PRODUCTS.enalapril, dosage: "1 tablett på morgonen", doc: DOCTORS.ek, authored: 100, allowed: 4, made: 1, reason: reason("Högt blodtryck") });
  const b = rx({ p: PRODUCTS.levaxin, dosage: "1 tablett på morgonen, fastande", doc: DOCTORS.ek, authored: 180, allowed: 4, made: 2, reason: reason("Underfunktion i sköldkörteln") });
  return patient({ key: "fullmakt-aktiv", personnummer: "194812014225", name: "Birgitta Sjögren", agents: ["197504170775"], prescriptions: [a, b], dispenses: [disp({ of: a, days: 95, pharm: PHARMACIES.kronanCentrum })] });
}

/** Heavy patient: 600 prescriptions and 5,000 dispenses (the tables must stay smooth). */
function storkund(): FakePatient {
  const products = Object.values(PRODUCTS).filter((p) => !p.consumable);
  const docs = Object.values(DOCTORS);
  const prescriptions: PrescriptionView[] = [];
  for (let i = 0; i < 600; i++) {
    prescriptions.push(rx({ p: products[i % products.length], dosage: `${1 + (i % 3)} tablett${i % 3 ? "er" : ""} dagligen`, doc: docs[i % docs.length], authored: 5 + ((i * 3) % 700), validDays: 365, allowed: 4, made: i % 4, reason: withheld }));
  }
  const dispenses: DispenseView[] = [];
  const pharms = Object.values(PHARMACIES);
  for (let i = 0; i < 5000; i++) {
    dispenses.push(disp({ of: prescriptions[i % 600], days: 1 + Math.floor(i * 0.14), pharm: pharms[i % pharms.length], credited: i % 97 === 5 ? { days: Math.floor(i * 0.14), comment: "Krediterad vid kassan" } : undefined }));
  }
  prescriptions.sort((a, b) => (b.authoredOn ?? "").localeCompare(a.authoredOn ?? ""));
  return patient({ key: "storkund", personnummer: "195001253060", name: "Ingrid Lundberg", prescriptions, dispenses });
}

function tolvan(): FakePatient {
  const a = rx({ p: PRODUCTS.alvedon, dosage: "2 tabletter vid behov", doc: DOCTORS.ek, authored: 40, allowed: 2, made: 0, reason: reason("Feber") });
  return patient({ key: "tolvan", personnummer: "191212121212", name: "Tolvan Tolvansson", prescriptions: [a] });
}

export function catalogue(): FakePatient[] {
  seq = 0;
  return [vuxen(), skyddad(), sekretess(), barn9(), ungdom15(), dos(), avliden(), samordning(), ingaRecept(), fullmakt(), storkund(), tolvan()];
}

/** Numbers to try in the browser (`?fake=1`); tests use them too. */
export const FAKE_PATIENTS = {
  ordinary: "196804152384",
  protectedPatient: "198509234822",
  sekretessmarkering: "197911023559",
  child: "201703142461",
  childGuardian: "198606301284",
  teen: "201105205825",
  dos: "194108081599",
  deceased: "192411021880",
  samordningsnummer: "199003684579",
  noPrescriptions: "199509091394",
  agentPatient: "194812014225",
  agent: "197504170775",
  heavy: "195001253060",
  /** The first lookup fails as if NLL did not answer; the retry works. */
  flaky: "191212121212",
  /** NLL refuses the request itself (403 with an OperationOutcome code). */
  refused: "197209172381",
  /** A valid personnummer NLL does not know. */
  unknown: "200001012384",
};
