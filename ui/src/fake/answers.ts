// The answers the fake backend gives, recorded from the real code: `answers.json` is written by
// the Rust test `crates/cli/tests/ui_fake.rs` from `nllc fetch --sim --json` (lookups, revealed
// values, treatment reasons) and `nllc check-id --json` (number fields), on the test server's
// date below. `scripts/test.sh` fails when it is stale. Nothing here decides anything: a
// question that was not recorded is answered with an error that says so.
import type { ClientError } from "../bindings/ClientError";
import type { Flow } from "../bindings/Flow";
import type { GlnCheck } from "../bindings/GlnCheck";
import type { IdCheck } from "../bindings/IdCheck";
import type { LookupResult } from "../bindings/LookupResult";
import type { Revealed } from "../bindings/Revealed";
import type { TreatmentReasonResult } from "../bindings/TreatmentReasonResult";
import answersJson from "./answers.json";

export type Answer<T> = { ok: T } | { error: ClientError };

/** One recorded lookup: the request as `nllc fetch` got it, and its answer. */
export type RecordedRequest = {
  login: string;
  personnummer: string;
  flow: Flow;
  consent: boolean;
  identityChecked: boolean;
  agent: string | null;
  guardian: string | null;
  /** The test server's fault (`nllc fetch --fault`), or null. */
  fault: string | null;
};

type Recorded = {
  today: string;
  idChecks: { text: string; check: IdCheck }[];
  glnChecks: { text: string; check: GlnCheck }[];
  lookups: { request: RecordedRequest; answer: Answer<LookupResult> }[];
  revealed: { request: RecordedRequest; revealed: Answer<Revealed>[] }[];
  treatmentReasons: { personnummer: string; flow: Flow; consent: boolean; answers: { prescriptionId: string; answer: Answer<TreatmentReasonResult> }[] }[];
};

export const RECORDED = answersJson as unknown as Recorded;

/** The test server's date the answers were recorded on (ages, "24 months", …). */
export const FAKE_TODAY = RECORDED.today;

/** Test patients to try in the browser (`?fake=1`) and in the UI tests (README "Test patients"). */
export const FAKE_PATIENTS = {
  ordinary: "196804152384",
  protectedPatient: "198509234822",
  sekretessmarkering: "197911023559",
  child: "201703142461",
  childGuardian: "198606301284",
  teen: "201105205825",
  teenGuardian: "197809141356",
  dos: "194108081599",
  privacyLocks: "197205303915",
  deceased: "192411021880",
  samordningsnummer: "199003684579",
  noPrescriptions: "199509091394",
  agentPatient: "194812014225",
  agent: "197504170775",
  /** A valid personnummer NLL does not know. */
  unknown: "200001012384",
};

const idChecks = new Map(RECORDED.idChecks.map((c) => [c.text, c.check]));
const glnChecks = new Map(RECORDED.glnChecks.map((c) => [c.text, c.check]));

function notRecorded(what: string): string {
  return `Övningsdata saknas: ${what} finns inte bland de inspelade svaren (ui/src/fake/answers.json, crates/cli/tests/ui_fake.rs).`;
}

export function recordedIdCheck(text: string): IdCheck {
  const c = idChecks.get(text);
  if (c) return c;
  const msg = notRecorded(`numret "${text}"`);
  return { ok: false, kind: null, twelve: null, display: null, birthDate: null, age: null, errorSv: msg, errorEn: msg };
}

export function recordedGlnCheck(text: string): GlnCheck {
  const msg = notRecorded(`GLN "${text}"`);
  return glnChecks.get(text) ?? { ok: false, errorSv: msg, errorEn: msg };
}

/** A number as the shell reads it: the 12 digits when valid, else the text as typed. */
function normal(text: string | null): string | null {
  if (text === null) return null;
  return recordedIdCheck(text.trim()).twelve ?? text.trim();
}

function same(a: RecordedRequest, b: RecordedRequest): boolean {
  return (
    a.login === b.login &&
    a.flow === b.flow &&
    normal(a.personnummer) === normal(b.personnummer) &&
    a.consent === b.consent &&
    a.identityChecked === b.identityChecked &&
    normal(a.agent) === normal(b.agent) &&
    normal(a.guardian) === normal(b.guardian) &&
    a.fault === b.fault
  );
}

export function notRecordedError(what: string): ClientError {
  const msg = notRecorded(what);
  return { code: "invalid-input", message: msg, messageEn: msg, requestId: null, nllCode: null, httpStatus: null, denialRule: null };
}

/** The recorded answer to this request, or null. */
export function recordedLookup(req: RecordedRequest): Answer<LookupResult> | null {
  return RECORDED.lookups.find((l) => same(l.request, req))?.answer ?? null;
}

/** The recorded value behind one masked key of the list `req` showed. */
export function recordedReveal(req: RecordedRequest, key: string): Revealed | null {
  const r = RECORDED.revealed.find((x) => same(x.request, req));
  for (const a of r?.revealed ?? []) if ("ok" in a && a.ok.key === key) return a.ok;
  return null;
}

/** The recorded treatment reason of one prescription in Expediering (patient, variant, consent). */
export function recordedTreatmentReason(personnummer: string, flow: Flow, consent: boolean, prescriptionId: string): Answer<TreatmentReasonResult> | null {
  const r = RECORDED.treatmentReasons.find((x) => x.personnummer === normal(personnummer) && x.flow === flow && x.consent === consent);
  return r?.answers.find((a) => a.prescriptionId === prescriptionId)?.answer ?? null;
}
