//! The medication-list view model: what the screen, the printouts and `nllc` show.
//!
//! Built from the FHIR model by `list::build`, then passed through `masking::mask`, which is the
//! only way to get a [`MaskedList`]. Printouts and the screen take a `MaskedList`, so nothing can
//! be shown or printed without going through masking.
//!
//! Every field that can reveal where a person lives (NLL.md §8) has the type [`Guarded`]. In an
//! unmasked list it is `Clear`; masking turns it into `Masked` with a key from which the backend
//! can reveal that one value on purpose (and log it). A `Masked` value holds no trace of the text.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ids::IdKind;
use crate::vocab::{AccessType, Flow, Purpose};

/// A location-revealing text value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum Guarded {
    Clear {
        value: String,
    },
    /// Withheld because of protected personal data. `key` names the field for a logged reveal.
    Masked {
        key: String,
    },
}

impl Guarded {
    pub fn clear(v: impl Into<String>) -> Self {
        Guarded::Clear { value: v.into() }
    }
    /// The text, if it is not masked.
    pub fn text(&self) -> Option<&str> {
        match self {
            Guarded::Clear { value } => Some(value),
            Guarded::Masked { .. } => None,
        }
    }
    pub fn is_masked(&self) -> bool {
        matches!(self, Guarded::Masked { .. })
    }
}

/// The whole answer to one lookup, ready to show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MedicationList {
    pub patient: PatientView,
    pub info: ListInfoView,
    /// The request context the list was fetched under (for the banner and notices).
    pub context: ListContext,
    /// All prescriptions, each with its group; sorted by issue date, newest first.
    pub prescriptions: Vec<PrescriptionView>,
    /// All dispenses (e-prescription and paper); sorted by hand-over date, newest first.
    pub dispenses: Vec<DispenseView>,
    pub locks: Vec<LockView>,
    /// What the user must be told because the list is incomplete (never "none" for filtered data).
    pub notices: Vec<Notice>,
    /// Resources NLL returned that the model does not know: kept, counted, never silently dropped.
    pub unknown_resources: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ListContext {
    pub flow: Flow,
    pub purpose: Purpose,
    pub access: AccessType,
    /// The date the list was built for (window and group boundaries are computed from it).
    pub as_of: NaiveDate,
    /// Data older than this was not returned (Expediering's 24 months), if a window applies.
    pub window_from: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PatientView {
    /// NLL's logical id (UUID), used as X-PatientRef and in the access log.
    pub nll_id: Option<String>,
    /// 12 digits, if the patient has a personnummer or samordningsnummer.
    pub personnummer: Option<String>,
    pub id_kind: Option<IdKind>,
    /// Display form `YYMMDD-NNNC` (with `+` from the year the person turns 100).
    pub personnummer_display: Option<String>,
    pub name: Guarded,
    pub birth_date: Option<NaiveDate>,
    pub age: Option<u32>,
    pub deceased: bool,
    pub address: Option<Guarded>,
    pub municipality_code: Option<Guarded>,
    pub region_code: Option<Guarded>,
    pub phone: Option<Guarded>,
    pub email: Option<Guarded>,
    /// Protected personal data (skyddade personuppgifter), detected fail-closed.
    pub protected: bool,
    /// Why `protected` is true (labels, name, list info), for the banner and tests.
    pub protection_signals: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ListInfoView {
    #[ts(type = "number | null")]
    pub version: Option<i64>,
    pub controlled_drugs: bool,
    pub privacy_lock: bool,
    pub dos_patient: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum RxGroup {
    /// Aktuella: valid now and dispensable.
    Current,
    /// Kommande: valid from a later date.
    Future,
    /// Avslutade: expired, cancelled, completed.
    Past,
}

/// Why a prescription is in the past group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum RxEnd {
    /// Utgånget.
    Expired,
    /// Borttaget (cancelled by the prescriber).
    Cancelled,
    /// Slutexpedierat.
    Completed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Product {
    /// Product name, e.g. "Alvedon".
    pub name: String,
    /// Substance, e.g. "paracetamol".
    pub substance: Option<String>,
    /// Form, e.g. "tablett".
    pub form: Option<String>,
    /// Strength, e.g. "500 mg".
    pub strength: Option<String>,
    /// Pack size text, e.g. "20 st" or "500 g".
    pub pack_size: Option<String>,
    pub atc: Option<String>,
    pub npl_id: Option<String>,
    pub npl_pack_id: Option<String>,
    /// Handelsvara (consumable) rather than a medicine.
    pub consumable: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PrescriberView {
    pub name: Option<Guarded>,
    /// Profession (kept even when protected).
    pub profession: Option<String>,
    pub workplace_name: Option<Guarded>,
    pub workplace_code: Option<Guarded>,
    pub workplace_address: Option<Guarded>,
    pub workplace_phone: Option<Guarded>,
}

/// The treatment reason as the pharmacist may see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum TreatmentReason {
    Shown {
        text: String,
    },
    /// NLL withheld it (nlldataAbsentReason); `reason` is NLL's code.
    Withheld {
        reason: String,
    },
    None,
}

/// A marker that an item must not be disclosed to someone (NLL.md §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum DisclosureMarker {
    /// "Får inte lämnas ut till vårdnadshavare".
    NotToGuardian,
    /// The treatment reason must not be disclosed to the patient.
    ReasonNotToPatient,
    /// Covered by the patient's privacy lock (shown because the flow allows it).
    PrivacyLocked,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PrescriptionView {
    pub id: String,
    pub chain_id: Option<String>,
    pub group: RxGroup,
    pub end: Option<RxEnd>,
    /// FHIR status as NLL sent it.
    pub status: String,
    pub authored_on: Option<NaiveDate>,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub product: Product,
    pub dosage: Option<String>,
    /// Packages per dispense, e.g. 3 in "3 x 500 g".
    pub packages: Option<u32>,
    /// Number of dispenses allowed in total (first + repeats).
    pub dispenses_allowed: Option<u32>,
    /// Dispenses already made (counted from this list's dispenses).
    pub dispenses_made: u32,
    pub substitution_allowed: Option<bool>,
    /// "med förmån", "utan förmån", …
    pub benefit: Option<String>,
    pub treatment_reason: TreatmentReason,
    pub prescriber: PrescriberView,
    pub receiving_pharmacy: Option<Guarded>,
    pub dos: bool,
    pub dose_pharmacy_name: Option<Guarded>,
    pub dose_pharmacy_phone: Option<Guarded>,
    pub markers: Vec<DisclosureMarker>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum DispenseChannel {
    /// Uthämtade med e-recept.
    EPrescription,
    /// Uthämtade med pappersrecept.
    Paper,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Credit {
    pub date: Option<NaiveDate>,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PharmacyView {
    pub name: Option<Guarded>,
    pub gln: Option<Guarded>,
    pub address: Option<Guarded>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DispenseView {
    pub id: String,
    pub prescription_id: Option<String>,
    pub channel: DispenseChannel,
    pub handed_over: Option<NaiveDate>,
    pub product: Product,
    pub packages: Option<u32>,
    /// Quantity as NLL sent it (decimal text kept).
    pub quantity: Option<String>,
    /// The dispense's dosage, else the prescription's.
    pub dosage: Option<String>,
    pub prescriber: PrescriberView,
    pub pharmacy: PharmacyView,
    pub credited: Option<Credit>,
    pub substituted: Option<bool>,
    pub benefit: Option<String>,
    pub markers: Vec<DisclosureMarker>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum LockKind {
    /// Integritetsspärr, set by the patient.
    Privacy,
    /// Sekretesspärr, set by care.
    Confidentiality,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum LockScope {
    PrescriptionChain,
    PaperDispenses,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum LockContent {
    Whole,
    TreatmentReasonOnly,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum LockAgainst {
    /// Privacy lock: against care and pharmacy purposes other than Expediering.
    Care,
    Guardian,
    Patient,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LockView {
    pub id: String,
    pub kind: LockKind,
    pub scope: LockScope,
    pub content: LockContent,
    pub against: LockAgainst,
    pub chain_id: Option<String>,
}

/// A completeness notice: the list is not all there is, and the user must know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Notice {
    /// Stable code, e.g. `window-24-months`, `locked-hidden`, `reason-withheld`.
    pub code: String,
    pub sv: String,
    pub en: String,
}

/// What a masked field was (for the record, the access log and the UI's "visa" label).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum MaskedFieldKind {
    PatientName,
    PatientAddress,
    PatientMunicipality,
    PatientRegion,
    PatientPhone,
    PatientEmail,
    PrescriberName,
    PrescriberWorkplace,
    PrescriberWorkplaceCode,
    PrescriberAddress,
    PrescriberPhone,
    DispensingPharmacy,
    DispensingPharmacyGln,
    DispensingPharmacyAddress,
    ReceivingPharmacy,
    DosePharmacy,
    DosePharmacyPhone,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MaskedField {
    pub key: String,
    pub kind: MaskedFieldKind,
}

/// A list that has been through `masking::mask`. Only `masking` can construct one.
// `_sealed` (not `#[non_exhaustive]`) so that no other module of this crate builds one either.
#[allow(clippy::manual_non_exhaustive)]
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MaskedList {
    pub list: MedicationList,
    /// True when location-revealing data was withheld (patient protected).
    pub masked: bool,
    pub record: Vec<MaskedField>,
    #[serde(skip)]
    #[ts(skip)]
    pub(crate) _sealed: (),
}
