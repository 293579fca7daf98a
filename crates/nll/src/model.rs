//! Typed read views over NLL's FHIR R4 JSON.
//!
//! Every URL below is a constant in [`crate::fhir`] (written `F::NAME`); the test server writes
//! resources with the same constants. "Canonical" is what the server should write; "also read"
//! lists what the reader tolerates besides. Unknown elements are tolerated and kept: every typed
//! view holds the resource's JSON as text ([`RawJson`]). A Bundle is read entry by entry, so a
//! page of a thousand dispenses never becomes one JSON tree (about twenty bytes of memory per
//! byte of JSON), and a MedicationRequest or MedicationDispense of the canonical shape is read
//! typed, straight from its text (`typed`); anything else, and any form that reading is not
//! sure of, goes through a JSON tree of the one resource and the general reader below.
//! Decimals keep their text (serde_json's `arbitrary_precision`): `1.50` stays `"1.50"`. A
//! known element of the wrong type (a string where a date belongs, an object where an array
//! belongs) is an error naming the resource and the element, e.g.
//! `MedicationRequest/7c1…: dispenseRequest.validityPeriod.end: not a date`.
//!
//! Strings read "as text" below accept `valueString`, `valueCode`, `valueId`, `valueUri`,
//! `valueIdentifier.value`, `valueCoding.code`, `valueInteger`, `valueDecimal`.
//! Dates accept FHIR `date` (`2024-05-02`; partial `2024`/`2024-05` read as no date) and
//! `dateTime`/`instant`; a time with an offset is turned into the Swedish calendar date
//! (Europe/Stockholm, CET/CEST by the EU rule), so `2024-05-02T22:30:00Z` is 3 May.
//!
//! Local ids of contained resources are free; the test server uses `F::CONTAINED_PRESCRIBER`,
//! `F::CONTAINED_PATIENT`, `F::CONTAINED_PHARMACY` and `F::CONTAINED_PAPER_PRESCRIPTION`.
//!
//! # Bundle (searchset)
//! `{"resourceType":"Bundle","type":"searchset","total":N,"link":[{"relation":"self"|"next",
//! "url":…}],"entry":[{"fullUrl":…,"resource":{…},"search":{"mode":"match"|"include"}}]}`.
//! [`Bundle::next_url`] is the `link` with relation `next`. Entries become [`Resource`]s;
//! a resourceType the model does not know is kept as [`Resource::Other`].
//!
//! # Patient (NLLPatient)
//! - `id` (NLL's UUID), `identifier[]`: system `F::SYSTEM_PERSONNUMMER` or
//!   `F::SYSTEM_SAMORDNINGSNUMMER`, `value` 12 digits (a personnummer-system value whose day is
//!   61–91 is read as a samordningsnummer).
//! - `meta.security[]`: `{system: F::SYSTEM_SECURITY_LABEL, code}` — protection labels.
//!   Every coding is kept ([`Patient::security`]); masking decides.
//! - `name[0]`: `text`, else `given` + `family`. "Personuppgift skyddad" = protected.
//! - `birthDate` (date), `gender`, `active` (boolean),
//!   `deceasedBoolean` | `deceasedDateTime`.
//! - `address[0]`: `line[]`, `postalCode`, `city` (also `text`) → one line
//!   "Storgatan 1, 123 45 Stockholm".
//! - `telecom[]`: `system` `phone` | `email`, `value`.
//! - `extension[]`: `F::EXT_MUNICIPALITY_CODE` and `F::EXT_REGION_CODE` — canonical
//!   `valueString` ("0180", "01"), also read `valueCoding.code`/`valueCode`;
//!   `F::EXT_POPULATION_REGISTERED` valueBoolean.
//!
//! # Basic: medication-list info (NLLMedicationListInfo)
//! Recognised by `code.coding[].code == F::BASIC_MEDLISTINFO` (system `F::SYSTEM_BASIC_CODE`)
//! or `meta.profile` `F::PROFILE_MEDICATION_LIST_INFO`. `subject.reference` `Patient/<id>`.
//! Extensions: `F::EXT_CONTROLLED_DRUGS` valueBoolean, `F::EXT_MEDICATIONLIST_VERSION`
//! valueInteger, `F::EXT_PRIVACY_LOCK` valueBoolean, `F::EXT_PROTECTED_PERSON` valueBoolean,
//! `F::EXT_DOS_PATIENT` valueBoolean.
//!
//! # Basic: data lock (NLLDataLock)
//! Recognised by code `F::BASIC_DATALOCK` or profile `F::PROFILE_DATA_LOCK`. `created` (date).
//! Extensions, each `valueCode`:
//! `F::EXT_LOCK_KIND` `privacy` | `confidentiality`;
//! `F::EXT_LOCK_SCOPE` `prescription-chain` | `paper-dispenses`;
//! `F::EXT_LOCK_CONTENT` `whole` | `treatment-reason`;
//! `F::EXT_LOCK_AGAINST` `care` | `guardian` | `patient` (constants `F::LOCK_*`; the camelCase
//! spellings `prescriptionChain`, `paperDispenses`, `treatmentReasonOnly` are also read);
//! `F::EXT_PRESCRIPTION_CHAIN` (text) — the locked chain.
//! A missing or unknown kind/scope/content/against is an error (a lock must not be misread), and
//! so is a `prescription-chain` lock without its chain.
//!
//! # MedicationRequest (NLLMedicationRequest)
//! - `id`; `identifier[]` system `F::SYSTEM_MEDICATION_REQUEST_ID`; `meta.versionId`.
//! - `status` (FHIR code as sent: `active`, `on-hold`, `cancelled`, `completed`, `stopped`,
//!   `entered-in-error`, `draft`, `unknown`); `statusReason.text`; `authoredOn` (date/dateTime).
//! - `contained[]`: the NLLPractitioner (see below) and, for a patient without personnummer,
//!   a Patient (name + birthDate). `requester.reference` `#<practitioner id>`;
//!   `subject.reference` `Patient/<id>` or `#<contained patient id>`.
//! - `medicationCodeableConcept`: see *Medication* below.
//! - `extension[]`: `F::EXT_PRESCRIPTION_CHAIN` (text: the chain id);
//!   `F::EXT_TREATMENT_REASON` valueString (also read: `reasonCode[].text`, or the extension
//!   inside `reasonCode[]`); `F::EXT_BENEFIT` valueString ("med förmån");
//!   `F::EXT_DOS_PRESCRIPTION` valueBoolean; `F::EXT_CONSUMABLE` valueBoolean;
//!   `F::EXT_DOSE_PHARMACY` complex: `F::SUB_NAME` valueString, `F::SUB_PHONE` valueString;
//!   `F::EXT_RECEIVING_PHARMACY`: complex (`F::SUB_NAME` valueString, `F::SUB_CODE` the GLN
//!   as text), also read `valueString` (name) and `valueReference` (`display`,
//!   `identifier.value`).
//! - `reasonCode[].extension[]` `F::EXT_DATA_ABSENT_REASON` `valueCode` (canonical
//!   `F::DATA_ABSENT_MASKED`), also read `valueCoding.code`: the reason was filtered.
//! - `dosageInstruction[].text` (joined with "; ").
//! - `dispenseRequest`: `validityPeriod.start`/`.end` (dates), `numberOfRepeatsAllowed`
//!   (unsignedInt; dispenses allowed = repeats + 1), `quantity` {`value` decimal kept as text,
//!   `unit`}, `extension[]` `F::EXT_NUMBER_OF_PACKAGES` valuePositiveInt = packages per dispense.
//! - `substitution.allowedBoolean`.
//!
//! # Practitioner (NLLPractitioner, always contained)
//! `name[0]` (`text`, else given + family); `identifier[]` (HSA-id, `F::SYSTEM_HSA_ID`);
//! `qualification[].code.coding[]` with system `F::SYSTEM_PROFESSION` → profession (`display`,
//! else `code.text`, else the code); a qualification with an `identifier` (licence number) is
//! not a profession and is never shown; `extension[]` `F::EXT_USER_ACRONYM` valueString;
//! `F::EXT_WORKPLACE` complex: `F::SUB_NAME` valueString, `F::SUB_CODE` valueString
//! (arbetsplatskod), `F::SUB_ADDRESS` valueAddress (also valueString), `F::SUB_PHONE`
//! valueString (also valueContactPoint). Without the extension's address / phone, the
//! practitioner's own `address[0]` / `telecom[system=phone]` are the workplace's.
//!
//! # Medication (`medicationCodeableConcept`, on requests and dispenses)
//! `coding[]`: `F::SYSTEM_NPL_ID` (code = NPL id, display = "Alvedon tablett 500 mg"),
//! `F::SYSTEM_NPL_PACK_ID` (code, display = pack size "20 st"), `F::SYSTEM_VARUNUMMER` (code),
//! `F::SYSTEM_ATC` (code "N02BE01", display = substance "paracetamol"); `text` = product name.
//! `extension[]` `F::EXT_PRODUCT_DETAILS` (project-defined) complex, each valueString:
//! `F::SUB_NAME`, `F::SUB_SUBSTANCE`, `F::SUB_FORM`, `F::SUB_STRENGTH`, `F::SUB_PACK_SIZE`.
//! [`Medication`] resolves: name = details name, else `text`, else NPL display; substance =
//! details, else ATC display; pack size = details, else NPL pack display; form and strength only
//! from the details. `F::EXT_CONSUMABLE` valueBoolean on the concept or on the resource =
//! handelsvara.
//!
//! # MedicationDispense (NLLMedicationDispense and NLLDispensePaperPrescription)
//! - `id`, `meta.versionId`, `meta.profile`, `status`, `subject`, `medicationCodeableConcept`.
//! - `authorizingPrescription[0].reference`: e-prescription `MedicationRequest/<id>`; paper
//!   `#<id>` pointing at a **contained MedicationRequest** that carries the paper
//!   prescription's details (read exactly like a MedicationRequest; its `requester` points at a
//!   Practitioner contained in the *dispense*, since contained resources do not nest).
//!   A dispense is paper when its profile is `F::PROFILE_DISPENSE_PAPER` or its authorizing
//!   prescription is contained.
//! - `whenHandedOver` (dateTime; date in Swedish time); `quantity` {`value` decimal text,
//!   `unit`}; `dosageInstruction[].text`; `substitution.wasSubstituted`.
//! - `extension[]`: `F::EXT_NUMBER_OF_PACKAGES` valuePositiveInt; `F::EXT_DISPATCH_ROW_NO`
//!   valueDecimal (text kept); `F::EXT_DEDUCTED_QUANTITY` valueDecimal (text kept);
//!   `F::EXT_ACTOR_DISPATCH_ID`, `F::EXT_DISPATCH_ID` (text); `F::EXT_BENEFIT_CHOICE_CODE`
//!   valueCode; `F::EXT_BENEFIT` valueString (benefit text); `F::EXT_CONSUMABLE` valueBoolean;
//!   `F::EXT_CREDITED` complex: `F::SUB_DATE` valueDate, `F::SUB_COMMENT` valueString (also
//!   read: `valueDate`/`valueDateTime` on the extension itself).
//! - `location`: the dispensing pharmacy. Canonical `{"reference":"#pharmacy","display":name}`
//!   pointing at a **contained Location** `{"resourceType":"Location","id":"pharmacy",
//!   "identifier":[{"system":F::SYSTEM_GLN,"value":GLN}],"name":…,"address":{line[],
//!   postalCode,city},"telecom":[…]}`. Also read: `{"reference":"Location/<GLN>","display":…}`
//!   (older examples) and `location.identifier`.
//!
//! # RelatedPerson (NLLRelatedPerson)
//! `identifier[]` (the guardian's personnummer), `patient.reference` and `patient.identifier`
//! (the child), `relationship[].coding[]` (`F::SYSTEM_V3_ROLE_CODE` `F::ROLE_CODE_GUARDIAN`),
//! `active`, `name[0]`, `period`.
//!
//! # OperationOutcome (NLLOperationOutcome)
//! `issue[]`: `severity`, `code`, `details.coding[]` (system `F::SYSTEM_ERROR_CODES`, code
//! like `2-25-182`), `details.text`, `diagnostics`.

mod basic;
mod dispense;
mod outcome;
mod page;
mod patient;
mod prescription;
pub(crate) mod read;
mod typed;

use std::ops::Range;
use std::sync::Arc;

use serde_json::Value;

pub use basic::{DataLock, ListInfo};
pub use dispense::{Credited, DispensingPharmacy, MedicationDispense};
pub use outcome::{Issue, OperationOutcome};
pub use patient::{Patient, PatientIdentifier, RelatedPerson};
pub use prescription::{
    DispenseRequest, DosePharmacy, Medication, MedicationRequest, Practitioner, ProductDetails,
    Quantity, ReceivingPharmacy, Workplace,
};
pub use read::{fhir_date, stockholm_date};

use read::Reader;

/// What went wrong reading NLL's JSON. `Malformed` names the resource and the element.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    #[error("svaret är inte giltig JSON / the response is not valid JSON: {0}")]
    Json(String),
    #[error("{resource}: {element}: {problem}")]
    Malformed {
        /// `ResourceType/id`, or the resource type alone when it has no id.
        resource: String,
        /// FHIR element path, e.g. `dispenseRequest.validityPeriod.end`.
        element: String,
        problem: String,
    },
}

/// A FHIR Coding as read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Coding {
    pub system: Option<String>,
    pub code: Option<String>,
    pub display: Option<String>,
}

/// One resource of a response.
#[derive(Debug, Clone, PartialEq)]
pub enum Resource {
    Patient(Box<Patient>),
    MedicationRequest(Box<MedicationRequest>),
    MedicationDispense(Box<MedicationDispense>),
    ListInfo(ListInfo),
    DataLock(DataLock),
    RelatedPerson(RelatedPerson),
    OperationOutcome(OperationOutcome),
    /// A resource the model does not read (a DetectedIssue, a Provenance, a Basic with another
    /// code …): kept whole, never dropped silently.
    Other(OtherResource),
}

/// JSON as NLL sent it (unknown elements included), kept as text: only diagnostics and tests
/// read it, and a parsed tree would cost about twenty times its bytes. A resource read from a
/// page is a range of that page's text (shared, not copied); one built from a tree is the
/// tree written out compact.
#[derive(Clone)]
pub struct RawJson {
    text: Arc<str>,
    range: Range<usize>,
}

impl RawJson {
    pub fn of(v: &Value) -> RawJson {
        let text: Arc<str> = serde_json::to_string(v)
            .unwrap_or_else(|_| "null".into())
            .into();
        let range = 0..text.len();
        RawJson { text, range }
    }

    /// `part`, a slice of `page`'s text, without copying it.
    fn within(page: &Arc<str>, part: &str) -> RawJson {
        let start = (part.as_ptr() as usize).wrapping_sub(page.as_ptr() as usize);
        match page.get(start..start.wrapping_add(part.len())) {
            Some(s) if std::ptr::eq(s.as_ptr(), part.as_ptr()) => RawJson {
                text: page.clone(),
                range: start..start + part.len(),
            },
            // Not a slice of the page after all: a copy.
            _ => {
                let text: Arc<str> = part.into();
                let range = 0..text.len();
                RawJson { text, range }
            }
        }
    }

    /// The JSON, parsed.
    pub fn value(&self) -> Value {
        serde_json::from_str(self.text()).unwrap_or(Value::Null)
    }

    pub fn text(&self) -> &str {
        &self.text[self.range.clone()]
    }
}

/// `null`: no JSON kept (one shared text, so letting a resource's JSON go allocates nothing).
impl Default for RawJson {
    fn default() -> Self {
        static NULL: std::sync::OnceLock<Arc<str>> = std::sync::OnceLock::new();
        RawJson {
            text: NULL.get_or_init(|| "null".into()).clone(),
            range: 0..4,
        }
    }
}

/// The same JSON: the same text, or (a page's own layout against compact) the same tree.
impl PartialEq for RawJson {
    fn eq(&self, other: &Self) -> bool {
        self.text() == other.text() || self.value() == other.value()
    }
}

impl std::fmt::Debug for RawJson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RawJson({} bytes)", self.range.len())
    }
}

/// A resource kept raw.
#[derive(Debug, Clone, PartialEq)]
pub struct OtherResource {
    pub resource_type: String,
    pub id: Option<String>,
    pub raw: RawJson,
}

impl OtherResource {
    /// `Type/id` (or the type alone).
    pub fn label(&self) -> String {
        match &self.id {
            Some(id) => format!("{}/{id}", self.resource_type),
            None => self.resource_type.clone(),
        }
    }
}

impl Resource {
    /// Reads one resource from its JSON tree, which it keeps written out as `raw`.
    pub fn from_value(v: Value) -> Result<Resource, ModelError> {
        let raw = RawJson::of(&v);
        Self::read_with_raw(v, raw)
    }

    /// Reads it; `raw` is its JSON text (a range of its page, see [`Bundle::parse`], so a page's
    /// resources are not written out again).
    pub(crate) fn read_with_raw(v: Value, raw: RawJson) -> Result<Resource, ModelError> {
        let r = Reader::for_resource(&v, "Resource");
        r.obj(&v, "")?;
        let rt = r.req_str(&v, "resourceType", "")?;
        Ok(match rt.as_str() {
            "Patient" => Resource::Patient(Box::new(Patient::read_with_raw(v, raw)?)),
            "MedicationRequest" => {
                Resource::MedicationRequest(Box::new(MedicationRequest::read_with_raw(v, raw)?))
            }
            "MedicationDispense" => {
                Resource::MedicationDispense(Box::new(MedicationDispense::read_with_raw(v, raw)?))
            }
            "RelatedPerson" => Resource::RelatedPerson(RelatedPerson::read_with_raw(v, raw)?),
            "OperationOutcome" => {
                Resource::OperationOutcome(OperationOutcome::read_with_raw(v, raw)?)
            }
            "Basic" => match basic::classify(&r, &v)? {
                Some(basic::BasicKind::ListInfo) => {
                    Resource::ListInfo(ListInfo::read_with_raw(v, raw)?)
                }
                Some(basic::BasicKind::DataLock) => {
                    Resource::DataLock(DataLock::read_with_raw(v, raw)?)
                }
                None => Resource::Other(other(&r, v, rt, raw)?),
            },
            _ => Resource::Other(other(&r, v, rt, raw)?),
        })
    }

    /// `resourceType`.
    pub fn resource_type(&self) -> &str {
        match self {
            Resource::Patient(_) => "Patient",
            Resource::MedicationRequest(_) => "MedicationRequest",
            Resource::MedicationDispense(_) => "MedicationDispense",
            Resource::ListInfo(_) | Resource::DataLock(_) => "Basic",
            Resource::RelatedPerson(_) => "RelatedPerson",
            Resource::OperationOutcome(_) => "OperationOutcome",
            Resource::Other(o) => &o.resource_type,
        }
    }

    /// Lets the resource's JSON text go (`raw` becomes `null`), its contained resources' too:
    /// for holders of the typed fields only, so that a page's text is not kept alive.
    pub fn forget_raw(&mut self) {
        match self {
            Resource::Patient(x) => x.raw = RawJson::default(),
            Resource::MedicationRequest(x) => x.forget_raw(),
            Resource::MedicationDispense(x) => {
                x.raw = RawJson::default();
                if let Some(rx) = &mut x.paper_prescription {
                    rx.forget_raw();
                }
            }
            Resource::ListInfo(x) => x.raw = RawJson::default(),
            Resource::DataLock(x) => x.raw = RawJson::default(),
            Resource::RelatedPerson(x) => x.raw = RawJson::default(),
            Resource::OperationOutcome(x) => x.raw = RawJson::default(),
            Resource::Other(x) => x.raw = RawJson::default(),
        }
    }

    /// The resource's JSON as NLL sent it (unknown elements included).
    pub fn raw(&self) -> &RawJson {
        match self {
            Resource::Patient(x) => &x.raw,
            Resource::MedicationRequest(x) => &x.raw,
            Resource::MedicationDispense(x) => &x.raw,
            Resource::ListInfo(x) => &x.raw,
            Resource::DataLock(x) => &x.raw,
            Resource::RelatedPerson(x) => &x.raw,
            Resource::OperationOutcome(x) => &x.raw,
            Resource::Other(x) => &x.raw,
        }
    }
}

fn other(
    r: &Reader,
    v: Value,
    resource_type: String,
    raw: RawJson,
) -> Result<OtherResource, ModelError> {
    Ok(OtherResource {
        resource_type,
        id: r.opt_str(&v, "id", "")?,
        raw,
    })
}

/// `Bundle.link[]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub relation: String,
    pub url: String,
}

/// `Bundle.entry[]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub full_url: Option<String>,
    /// `search.mode`: `match`, `include`, `outcome`.
    pub search_mode: Option<String>,
    pub resource: Resource,
}

/// A Bundle (NLL answers searches with `type` = `searchset`).
#[derive(Debug, Clone, PartialEq)]
pub struct Bundle {
    pub id: Option<String>,
    pub bundle_type: Option<String>,
    /// `total`: matches over all pages, when NLL says.
    pub total: Option<u64>,
    pub links: Vec<Link>,
    pub entries: Vec<Entry>,
    /// The Bundle as sent, except each entry's `resource` (read into `entries`).
    pub raw: RawJson,
}

impl Bundle {
    /// Reads a Bundle from its JSON text, entry by entry, each resource read into the model
    /// (typed where it can, with its own `raw`) as its entry is met (see [`page`]).
    pub fn parse(json: &str) -> Result<Bundle, ModelError> {
        page::read(json.into())
    }

    /// The `next` page's URL, if there is one.
    pub fn next_url(&self) -> Option<&str> {
        self.links
            .iter()
            .find(|l| l.relation == "next")
            .map(|l| l.url.as_str())
    }

    pub fn resources(&self) -> impl Iterator<Item = &Resource> {
        self.entries.iter().map(|e| &e.resource)
    }

    pub fn patients(&self) -> impl Iterator<Item = &Patient> {
        self.resources().filter_map(|r| match r {
            Resource::Patient(x) => Some(&**x),
            _ => None,
        })
    }

    pub fn medication_requests(&self) -> impl Iterator<Item = &MedicationRequest> {
        self.resources().filter_map(|r| match r {
            Resource::MedicationRequest(x) => Some(&**x),
            _ => None,
        })
    }

    pub fn medication_dispenses(&self) -> impl Iterator<Item = &MedicationDispense> {
        self.resources().filter_map(|r| match r {
            Resource::MedicationDispense(x) => Some(&**x),
            _ => None,
        })
    }

    pub fn list_infos(&self) -> impl Iterator<Item = &ListInfo> {
        self.resources().filter_map(|r| match r {
            Resource::ListInfo(x) => Some(x),
            _ => None,
        })
    }

    pub fn data_locks(&self) -> impl Iterator<Item = &DataLock> {
        self.resources().filter_map(|r| match r {
            Resource::DataLock(x) => Some(x),
            _ => None,
        })
    }

    pub fn related_persons(&self) -> impl Iterator<Item = &RelatedPerson> {
        self.resources().filter_map(|r| match r {
            Resource::RelatedPerson(x) => Some(x),
            _ => None,
        })
    }

    pub fn operation_outcomes(&self) -> impl Iterator<Item = &OperationOutcome> {
        self.resources().filter_map(|r| match r {
            Resource::OperationOutcome(x) => Some(x),
            _ => None,
        })
    }

    /// Resources the model does not read (kept raw).
    pub fn others(&self) -> impl Iterator<Item = &OtherResource> {
        self.resources().filter_map(|r| match r {
            Resource::Other(x) => Some(x),
            _ => None,
        })
    }
}

fn parse_json(json: &str) -> Result<Value, ModelError> {
    serde_json::from_str(json).map_err(|e| ModelError::Json(e.to_string()))
}

/// The typed reading alone ([`typed`]): `None` where it gives up and the general reader would
/// read the resource. Public for the tests that compare the two.
#[doc(hidden)]
pub fn read_typed(json: &str) -> Option<Resource> {
    let page: Arc<str> = json.into();
    typed::read(&page, &page)
}

/// The one-pass reading of a page alone (`page::streamed`): `None` where it stops and the
/// step-by-step reading would read the page. Public for the tests that compare the two.
#[doc(hidden)]
pub fn parse_bundle_streamed(json: &str) -> Option<Bundle> {
    page::streamed_bundle(json.into())
}

/// The step-by-step reading of a page alone (`page::checked`). Public for the tests that
/// compare the two.
#[doc(hidden)]
pub fn parse_bundle_checked(json: &str) -> Result<Bundle, ModelError> {
    page::checked(&json.into())
}

/// Reads a searchset Bundle, entry by entry.
pub fn parse_bundle(json: &str) -> Result<Bundle, ModelError> {
    Bundle::parse(json)
}

/// Reads a single resource (a read by id, or an `OperationOutcome` error body).
pub fn parse_resource(json: &str) -> Result<Resource, ModelError> {
    Resource::from_value(parse_json(json)?)
}
