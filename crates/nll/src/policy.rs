//! The access policy as ONE table (NLL.md §3–6, §9): which counter flows exist, which purpose
//! and access type each sends, who may run it, which resources it reads, what the client must
//! have before the call, which filters NLL applies, and which printouts it offers.
//!
//! Wire codes are kept apart from the rows, each with its status (confirmed in a source, or
//! ASSUMED by this project) so a pharmacy can correct an assumed code from a TOML file without a
//! rebuild ([`Policy::from_overrides_toml`]). A row never holds a code, so the rows and the codes
//! cannot drift.
//!
//! [`Policy::evaluate`] is the one entry point. The client calls it twice: before any request with
//! [`PatientFacts::unknown()`] (role and confirmations; nothing is sent on a denial) and again after
//! the Patient lookup with the facts NLL returned (age, protected, dos consent, relations). An
//! unknown fact (`None`) never denies; a known one that breaks a rule always does.
//!
//! Decision recorded here (NLL.md §9 read as a whole): *Aktuella recept* is not for dos patients
//! (§9.1), so for a dos patient the patient-facing flows offer *Förteckning recept* instead of it;
//! an agent (Ombud) of a dos patient is offered no printout, since a power of attorney covers
//! *Aktuella recept* only (§6, [S10]).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use toml::Spanned;
use ts_rs::TS;

use crate::fhir;
use crate::headers::HeaderEncoding;
use crate::ids::PersonId;
use crate::vocab::{AccessType, Flow, PrintoutKind, Purpose, Resource, Role};

// ---------------------------------------------------------------------------------------------
// Vocabulary of the table
// ---------------------------------------------------------------------------------------------

/// Where a wire code comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum CodeStatus {
    /// Seen in EHM's published material (NLL.md marks it "confirmed").
    Confirmed,
    /// The project's decision where the public material stops (NLL.md "ASSUMED").
    Assumed,
    /// Set by the pharmacy's override file.
    Configured,
}

/// Something that must hold before (or, for patient facts, after the lookup and before the list
/// is shown) a flow may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum Requirement {
    /// Läkemedelsstöd: the patient is present and consents to this access now.
    PatientConsent,
    /// The patient consents now to showing one prescription's treatment reason.
    TreatmentReasonConsent,
    /// The patient consents now to showing a *locked* treatment reason.
    LockedTreatmentReasonConsent,
    /// Egna uppgifter: the person at the counter has been identified as the patient.
    IdentityChecked,
    /// Ombud: the agent's personnummer has been entered.
    AgentPersonnummer,
    /// Ombud: the patient has an active power of attorney for the agent (checked in NLL).
    PowerOfAttorneyActive,
    /// Vårdnadshavare: the guardian's personnummer has been entered.
    GuardianPersonnummer,
    /// Vårdnadshavare: NLL has the guardian relation (TA 08).
    GuardianRelation,
    /// Vårdnadshavare: the child is under 13.
    ChildUnder13,
    /// Treatment reason for a child: the patient is under 18.
    PatientUnder18,
    /// Läkemedelsstöd for a dos patient: the patient has a dos consent (VAL001).
    DosConsent,
    /// Ombud and Vårdnadshavare: the patient has no protected personal data (EHM ends powers of
    /// attorney and removes guardian relations for protected patients).
    NotProtected,
}

/// Who answers a requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum CheckedBy {
    /// The pharmacist confirms or enters it before the call ([`Confirmations`]).
    Confirmation,
    /// It follows from the patient's data ([`PatientFacts`]), known after the lookup.
    PatientFacts,
}

impl Requirement {
    pub fn checked_by(self) -> CheckedBy {
        use Requirement::*;
        match self {
            PatientConsent
            | TreatmentReasonConsent
            | LockedTreatmentReasonConsent
            | IdentityChecked
            | AgentPersonnummer
            | GuardianPersonnummer => CheckedBy::Confirmation,
            PowerOfAttorneyActive
            | GuardianRelation
            | ChildUnder13
            | PatientUnder18
            | DosConsent
            | NotProtected => CheckedBy::PatientFacts,
        }
    }

    pub fn label_sv(self) -> &'static str {
        use Requirement::*;
        match self {
            PatientConsent => "Patienten är på plats och samtycker till åtkomsten nu",
            TreatmentReasonConsent => {
                "Patienten samtycker nu till att du ser receptets behandlingsorsak"
            }
            LockedTreatmentReasonConsent => {
                "Patienten samtycker nu till att du ser den spärrade behandlingsorsaken"
            }
            IdentityChecked => "Du har kontrollerat legitimation: personen vid disken är patienten",
            AgentPersonnummer => "Ombudets personnummer",
            PowerOfAttorneyActive => {
                "Aktiv fullmakt från patienten till ombudet (kontrolleras i NLL)"
            }
            GuardianPersonnummer => "Vårdnadshavarens personnummer",
            GuardianRelation => "Vårdnadshavarrelationen finns i NLL (kontrolleras i NLL)",
            ChildUnder13 => "Barnet är under 13 år",
            PatientUnder18 => "Patienten är under 18 år",
            DosConsent => "Patienten har dossamtycke",
            NotProtected => "Patienten har inte skyddade personuppgifter",
        }
    }

    pub fn label_en(self) -> &'static str {
        use Requirement::*;
        match self {
            PatientConsent => "The patient is present and consents to this access now",
            TreatmentReasonConsent => {
                "The patient consents now to you seeing the prescription's treatment reason"
            }
            LockedTreatmentReasonConsent => {
                "The patient consents now to you seeing the locked treatment reason"
            }
            IdentityChecked => "You checked ID: the person at the counter is the patient",
            AgentPersonnummer => "The agent's personal identity number",
            PowerOfAttorneyActive => {
                "An active power of attorney from the patient to the agent (checked in NLL)"
            }
            GuardianPersonnummer => "The guardian's personal identity number",
            GuardianRelation => "NLL has the guardian relation (checked in NLL)",
            ChildUnder13 => "The child is under 13",
            PatientUnder18 => "The patient is under 18",
            DosConsent => "The patient has a multi-dose consent",
            NotProtected => "The patient has no protected personal data",
        }
    }
}

/// A filter NLL applies to a flow's answer (NLL.md §6–7). `id` is NLL's rule id where the
/// handbook gives one (FIL001…FIL006); for the others the handbook names no id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NllFilter {
    pub id: Option<&'static str>,
    pub sv: &'static str,
    pub en: &'static str,
}

/// One row of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowRule {
    pub flow: Flow,
    /// The flow the UI lists this one under (itself for the five main flows).
    pub main_flow: Flow,
    pub purpose: Purpose,
    pub access: AccessType,
    pub roles: &'static [Role],
    pub resources: &'static [Resource],
    /// Checked by [`Policy::evaluate`] in this order.
    pub requires: &'static [Requirement],
    pub filters: &'static [NllFilter],
    /// Data window NLL applies, in months (`None` = the whole retention time).
    pub window_months: Option<u32>,
    /// Printouts offered for a patient without a dos consent.
    pub printouts: &'static [PrintoutKind],
    /// Printouts offered for a dos patient.
    pub printouts_dos: &'static [PrintoutKind],
    pub label_sv: &'static str,
    pub label_en: &'static str,
    pub summary_sv: &'static str,
    pub summary_en: &'static str,
    /// F-key in the counter screen (UX.md), main flows only.
    pub fkey: Option<u8>,
    pub source: &'static str,
}

impl FlowRule {
    /// A treatment-reason flow: it reads one prescription (no list info, no dispenses), so it
    /// needs that prescription's id and is started from a row of a shown list.
    pub fn reads_one_prescription(&self) -> bool {
        !self.resources.contains(&Resource::ListInfo)
            && !self.resources.contains(&Resource::MedicationDispense)
    }
}

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

use PrintoutKind as P;
use Requirement as Q;
use Resource as R;
use Role::{Apotekspersonal as AP, Farmaceut as F};

const FIL001: NllFilter = NllFilter {
    id: Some("FIL001"),
    sv: "Bara uppgifter registrerade de senaste 24 månaderna; data med integritetsspärr visas ändå",
    en: "Only data registered in the last 24 months; data with a privacy lock is still shown",
};
const FIL003: NllFilter = NllFilter {
    id: Some("FIL003"),
    sv: "Receptkedjor och pappersrecept med integritetsspärr lämnas inte ut",
    en: "Prescription chains and paper dispenses with a privacy lock are not returned",
};
const FIL004: NllFilter = NllFilter {
    id: Some("FIL004"),
    sv: "Data med integritetsspärr visas för dospatienten",
    en: "Data with a privacy lock is shown for the dos patient",
};
const FIL005: NllFilter = NllFilter {
    id: Some("FIL005"),
    sv: "Behandlingsorsaken lämnas inte ut",
    en: "The treatment reason is withheld",
};
const FIL006: NllFilter = NllFilter {
    id: Some("FIL006"),
    sv: "Ingen behandlingsorsak lämnas ut",
    en: "No treatment reason is returned",
};
const UNLOCKED_REASON_SHOWN: NllFilter = NllFilter {
    id: None,
    sv: "Behandlingsorsaken visas om den inte är spärrad",
    en: "The treatment reason is shown unless it is locked",
};
const SEKRETESS_MOT_PATIENT: NllFilter = NllFilter {
    id: None,
    sv: "Uppgifter med sekretesspärr mot patienten (behandlingsorsak) lämnas inte ut",
    en: "Data with a confidentiality lock against the patient (treatment reason) is withheld",
};
const FULLMAKT_OMFATTNING: NllFilter = NllFilter {
    id: None,
    sv: "Bara det en fullmakt omfattar: aktuella recept och högkostnadsperioden",
    en: "Only what a power of attorney covers: current prescriptions and the high-cost period",
};
const SEKRETESS_MOT_VARDNADSHAVARE: NllFilter = NllFilter {
    id: None,
    sv: "Uppgifter med sekretesspärr mot vårdnadshavaren lämnas inte ut",
    en: "Data with a confidentiality lock against the guardian is withheld",
};

const LIST_ALL: &[Resource] = &[
    R::Patient,
    R::ListInfo,
    R::MedicationRequest,
    R::MedicationDispense,
    R::DataLock,
];
const LIST_NO_LOCKS: &[Resource] = &[
    R::Patient,
    R::ListInfo,
    R::MedicationRequest,
    R::MedicationDispense,
];
const ONE_PRESCRIPTION: &[Resource] = &[R::Patient, R::MedicationRequest];

/// NLL.md §6, one row per flow. The Patient resource is in every row because every flow starts
/// with the Patient lookup that yields `X-PatientRef`.
static TABLE: &[FlowRule] = &[
    FlowRule {
        flow: Flow::Expediering,
        main_flow: Flow::Expediering,
        purpose: Purpose::Expediering,
        access: AccessType::UtanKravSamtycke,
        roles: &[F, AP],
        resources: LIST_ALL,
        requires: &[],
        filters: &[FIL001, FIL005],
        window_months: Some(24),
        printouts: &[P::Forskrivningshistorik],
        printouts_dos: &[P::Forskrivningshistorik],
        label_sv: "Expediering",
        label_en: "Dispensing",
        summary_sv: "Expediera det som förskrivits: de senaste 24 månaderna, utan behandlingsorsak.",
        summary_en: "Dispense what was prescribed: the last 24 months, without treatment reasons.",
        fkey: Some(1),
        source: "NLL.md §4–6; seed 002 [S1]; Simplifier guide 21.3 examples [S7]",
    },
    FlowRule {
        flow: Flow::ExpedieringBehandlingsorsak,
        main_flow: Flow::Expediering,
        purpose: Purpose::Expediering,
        access: AccessType::TillfalligtSamtyckeBehandlingsorsak,
        roles: &[F],
        resources: ONE_PRESCRIPTION,
        requires: &[Q::TreatmentReasonConsent],
        filters: &[FIL001, UNLOCKED_REASON_SHOWN],
        window_months: Some(24),
        printouts: &[],
        printouts_dos: &[],
        label_sv: "Expediering – visa behandlingsorsak",
        label_en: "Dispensing – show treatment reason",
        summary_sv: "Visa ett recepts behandlingsorsak när patienten samtycker till det nu.",
        summary_en: "Show one prescription's treatment reason when the patient consents now.",
        fkey: None,
        source: "NLL.md §5–6; seed 002 [S1]",
    },
    FlowRule {
        flow: Flow::ExpedieringSparradBehandlingsorsak,
        main_flow: Flow::Expediering,
        purpose: Purpose::Expediering,
        access: AccessType::SamtyckeSparradBehandlingsorsak,
        roles: &[F],
        resources: ONE_PRESCRIPTION,
        requires: &[Q::LockedTreatmentReasonConsent],
        filters: &[FIL001],
        window_months: Some(24),
        printouts: &[],
        printouts_dos: &[],
        label_sv: "Expediering – visa spärrad behandlingsorsak",
        label_en: "Dispensing – show locked treatment reason",
        summary_sv: "Visa en spärrad behandlingsorsak när patienten samtycker till det nu.",
        summary_en: "Show a locked treatment reason when the patient consents now.",
        fkey: None,
        source: "NLL.md §5–7; seed 002 [S1]; Filtreringsregler [S9]",
    },
    FlowRule {
        flow: Flow::ExpedieringBarnBehandlingsorsak,
        main_flow: Flow::Expediering,
        purpose: Purpose::Expediering,
        access: AccessType::BehandlingsorsakUtanKravSamtyckeBarn,
        roles: &[F],
        resources: ONE_PRESCRIPTION,
        requires: &[Q::PatientUnder18],
        filters: &[FIL001],
        window_months: Some(24),
        printouts: &[],
        printouts_dos: &[],
        label_sv: "Expediering – behandlingsorsak för barn",
        label_en: "Dispensing – treatment reason for a child",
        summary_sv: "Visa behandlingsorsaken för ett barn under 18 som inte kan samtycka, när den behövs för säker expediering.",
        summary_en: "Show the treatment reason for a child under 18 who cannot consent, when safe dispensing needs it.",
        fkey: None,
        source: "NLL.md §5–6; seed 002 [S1]",
    },
    FlowRule {
        flow: Flow::Lakemedelsstod,
        main_flow: Flow::Lakemedelsstod,
        purpose: Purpose::UnderlattandeLakemedelsanvandning,
        access: AccessType::TillfalligtSamtycke,
        roles: &[F],
        resources: LIST_NO_LOCKS,
        requires: &[Q::PatientConsent],
        filters: &[FIL003, FIL006],
        window_months: None,
        printouts: &[],
        printouts_dos: &[],
        label_sv: "Läkemedelsstöd",
        label_en: "Medication support",
        summary_sv: "Hjälp patienten med läkemedlen utanför en expediering; patienten är på plats och samtycker.",
        summary_en: "Help the patient with their medicines outside a dispensing; the patient is present and consents.",
        fkey: Some(2),
        source: "NLL.md §4–7; seed 002 [S1]; Filtreringsregler [S9]",
    },
    FlowRule {
        flow: Flow::LakemedelsstodDos,
        main_flow: Flow::Lakemedelsstod,
        purpose: Purpose::UnderlattandeLakemedelsanvandning,
        access: AccessType::DospatientsUppgifter,
        roles: &[F],
        resources: LIST_NO_LOCKS,
        requires: &[Q::DosConsent],
        filters: &[FIL004],
        window_months: None,
        printouts: &[],
        printouts_dos: &[],
        label_sv: "Läkemedelsstöd – dospatient",
        label_en: "Medication support – multi-dose patient",
        summary_sv: "Läkemedelsstöd för en dospatient med dossamtycke; spärrade uppgifter visas.",
        summary_en: "Medication support for a multi-dose patient with a dos consent; locked data is shown.",
        fkey: None,
        source: "NLL.md §5–6 (VAL001); seed 002 [S1]",
    },
    FlowRule {
        flow: Flow::Ombud,
        main_flow: Flow::Ombud,
        purpose: Purpose::LasaEgnaUppgifter,
        access: AccessType::Kopfullmakt,
        roles: &[F, AP],
        resources: &[R::Patient, R::ListInfo, R::MedicationRequest],
        requires: &[
            Q::AgentPersonnummer,
            Q::NotProtected,
            Q::PowerOfAttorneyActive,
        ],
        filters: &[FULLMAKT_OMFATTNING],
        window_months: None,
        printouts: &[P::AktuellaRecept],
        printouts_dos: &[],
        label_sv: "Ombud med fullmakt",
        label_en: "Agent with power of attorney",
        summary_sv: "Ett ombud med aktiv fullmakt hämtar ut eller beställer: bara aktuella recept.",
        summary_en: "An agent with an active power of attorney collects or orders: current prescriptions only.",
        fkey: Some(3),
        source: "NLL.md §5–6, §8–9; Fullmaktsregistret [S10]; seed 000",
    },
    FlowRule {
        flow: Flow::EgnaUppgifter,
        main_flow: Flow::EgnaUppgifter,
        purpose: Purpose::LasaEgnaUppgifter,
        access: AccessType::EgnaUppgifter,
        roles: &[F, AP],
        resources: LIST_NO_LOCKS,
        requires: &[Q::IdentityChecked],
        filters: &[SEKRETESS_MOT_PATIENT],
        window_months: None,
        printouts: &[P::AktuellaRecept, P::Uthamtade],
        printouts_dos: &[P::Uthamtade, P::Forteckning],
        label_sv: "Egna uppgifter",
        label_en: "Own data",
        summary_sv: "Patienten själv ber om en utskrift av sin lista; kontrollera legitimation.",
        summary_en: "The patient asks for a printout of their own list; check ID.",
        fkey: Some(4),
        source: "NLL.md §4–6, §9; seed 002 [S1]; printout pages [S12]",
    },
    FlowRule {
        flow: Flow::Vardnadshavare,
        main_flow: Flow::Vardnadshavare,
        purpose: Purpose::LasaEgnaUppgifter,
        access: AccessType::Vardnadshavare,
        roles: &[F, AP],
        resources: &[
            R::Patient,
            R::ListInfo,
            R::MedicationRequest,
            R::MedicationDispense,
            R::RelatedPerson,
        ],
        requires: &[
            Q::GuardianPersonnummer,
            Q::ChildUnder13,
            Q::NotProtected,
            Q::GuardianRelation,
        ],
        filters: &[SEKRETESS_MOT_VARDNADSHAVARE],
        window_months: None,
        printouts: &[P::AktuellaRecept, P::Uthamtade],
        printouts_dos: &[P::Uthamtade, P::Forteckning],
        label_sv: "Vårdnadshavare",
        label_en: "Guardian",
        summary_sv: "En vårdnadshavare till ett barn under 13 år; relationen kontrolleras i NLL.",
        summary_en: "A guardian of a child under 13; the relation is checked in NLL.",
        fkey: Some(5),
        source: "NLL.md §5–6, §8–9; TA 08; seed 000",
    },
];

struct CodeRow<T> {
    value: T,
    code: &'static str,
    status: CodeStatus,
    source: &'static str,
}

/// NLL.md §4.
const PURPOSE_CODES: &[CodeRow<Purpose>] = &[
    CodeRow {
        value: Purpose::Expediering,
        code: "EXPEDIERING",
        status: CodeStatus::Confirmed,
        source: "NLL.md §4: confirmed in an example [S7]",
    },
    CodeRow {
        value: Purpose::UnderlattandeLakemedelsanvandning,
        code: "UNDERLATTANDE_LAKEMEDELSANVANDNING",
        status: CodeStatus::Assumed,
        source: "NLL.md §4: ASSUMED",
    },
    CodeRow {
        value: Purpose::LasaEgnaUppgifter,
        code: "LASA_EGNA_UPPGIFTER",
        // Seen only in an older guide's example: treated as assumed until confirmed.
        status: CodeStatus::Assumed,
        source: "NLL.md §4: an older guide's example [S7]",
    },
    CodeRow {
        value: Purpose::Vard,
        code: "VARD",
        status: CodeStatus::Confirmed,
        source: "NLL.md §4: confirmed [S8]",
    },
];

/// NLL.md §5: every access type of seed 002. The pharmacy's nine first; then the five care
/// uses (never offered at the counter: [`care_only`]), whose codes EHM publishes in its care
/// table [S8].
const ACCESS_CODES: &[CodeRow<AccessType>] = &[
    CodeRow {
        value: AccessType::UtanKravSamtycke,
        code: "UTAN_KRAV_SAMTYCKE",
        status: CodeStatus::Confirmed,
        source: "NLL.md §5: confirmed",
    },
    CodeRow {
        value: AccessType::TillfalligtSamtycke,
        code: "TILLFALLIGT_SAMTYCKE",
        status: CodeStatus::Confirmed,
        source: "NLL.md §5: confirmed",
    },
    CodeRow {
        value: AccessType::TillfalligtSamtyckeBehandlingsorsak,
        code: "TILLFALLIGT_SAMTYCKE_BEHANDLINGSORSAK",
        status: CodeStatus::Assumed,
        source: "NLL.md §5: ASSUMED",
    },
    CodeRow {
        value: AccessType::SamtyckeSparradBehandlingsorsak,
        code: "SAMTYCKE_SPARRAD_BEHANDLINGSORSAK",
        status: CodeStatus::Assumed,
        source: "NLL.md §5: ASSUMED",
    },
    CodeRow {
        value: AccessType::BehandlingsorsakUtanKravSamtyckeBarn,
        code: "BEHANDLINGSORSAK_UTAN_KRAV_SAMTYCKE_BARN",
        status: CodeStatus::Assumed,
        source: "NLL.md §5: ASSUMED",
    },
    CodeRow {
        value: AccessType::DospatientsUppgifter,
        code: "DOSPATIENTS_UPPGIFTER",
        status: CodeStatus::Confirmed,
        source: "NLL.md §5: confirmed",
    },
    CodeRow {
        value: AccessType::EgnaUppgifter,
        code: "EGNA_UPPGIFTER",
        status: CodeStatus::Assumed,
        source: "NLL.md §5: an older guide's example",
    },
    CodeRow {
        value: AccessType::Kopfullmakt,
        code: "KOPFULLMAKT",
        status: CodeStatus::Assumed,
        source: "NLL.md §5: ASSUMED (the handbook says \"fullmakt att utföra apoteksärenden\")",
    },
    CodeRow {
        value: AccessType::Vardnadshavare,
        code: "VARDNADSHAVARE",
        status: CodeStatus::Assumed,
        source: "NLL.md §5: ASSUMED",
    },
    CodeRow {
        value: AccessType::FormodatSamtycke,
        code: "FORMODAT_SAMTYCKE",
        status: CodeStatus::Confirmed,
        source: "NLL.md §5: care only; EHM's care table [S8]",
    },
    CodeRow {
        value: AccessType::Nodatkomst,
        code: "NODATKOMST",
        status: CodeStatus::Confirmed,
        source: "NLL.md §5: care only; EHM's care table [S8]",
    },
    CodeRow {
        value: AccessType::TillfalligtSamtyckeSparradeUppgifter,
        code: "TILLFALLIGT_SAMTYCKE_SPARRADE_UPPGIFTER",
        status: CodeStatus::Confirmed,
        source: "NLL.md §5: care only; EHM's care table [S8]",
    },
    CodeRow {
        value: AccessType::UtanKravSamtyckeBarn,
        code: "UTAN_KRAV_SAMTYCKE_BARN",
        status: CodeStatus::Confirmed,
        source: "NLL.md §5: care only; EHM's care table [S8]",
    },
    CodeRow {
        value: AccessType::SamtyckePrivatTillVardpersonal,
        code: "SAMTYCKE_PRIVAT_TILL_VARDPERSONAL",
        status: CodeStatus::Confirmed,
        source: "NLL.md §5: care only; EHM's care table [S8]",
    },
];

/// Care's purpose and access types (NLL.md §4–5): in the code table so it is complete, never
/// offered at the counter — no row of [`TABLE`] uses one (a test holds the table to it).
pub fn care_only_access(a: AccessType) -> bool {
    matches!(
        a,
        AccessType::FormodatSamtycke
            | AccessType::Nodatkomst
            | AccessType::TillfalligtSamtyckeSparradeUppgifter
            | AccessType::UtanKravSamtyckeBarn
            | AccessType::SamtyckePrivatTillVardpersonal
    )
}

/// See [`care_only_access`].
pub fn care_only_purpose(p: Purpose) -> bool {
    p == Purpose::Vard
}

/// NLL.md §8: `Patient.meta.security` codes meaning "protected" (ASSUMED).
const PROTECTION_LABELS: &[&str] = &[
    fhir::SECURITY_SEKRETESSMARKERING,
    fhir::SECURITY_SKYDDAD_FOLKBOKFORING,
];

// ---------------------------------------------------------------------------------------------
// Inputs and outputs of `evaluate`
// ---------------------------------------------------------------------------------------------

/// What is known about the patient. `None` = not known yet (before the lookup); an unknown fact
/// never denies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PatientFacts {
    /// Completed years on the day of the errand.
    pub age: Option<u32>,
    /// Protected personal data (any signal, NLL.md §8).
    pub protected: Option<bool>,
    pub dos_consent: Option<bool>,
    /// Vårdnadshavare: NLL has the guardian relation between the guardian and the child.
    pub guardian_relation: Option<bool>,
    /// Ombud: the power-of-attorney register has an active one from the patient to the agent.
    pub power_of_attorney_active: Option<bool>,
}

impl PatientFacts {
    /// Nothing known yet: the check before any request.
    pub fn unknown() -> PatientFacts {
        PatientFacts::default()
    }
}

/// What the pharmacist confirmed or entered for this errand.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Confirmations {
    /// The patient consented now (Läkemedelsstöd, and the treatment-reason flows).
    pub consent: bool,
    /// The person at the counter showed ID and is the patient (Egna uppgifter).
    pub identity_checked: bool,
    /// Ombud: the agent's personnummer.
    pub agent: Option<PersonId>,
    /// Vårdnadshavare: the guardian's personnummer.
    pub guardian: Option<PersonId>,
}

/// What a permitted flow sends and may read. Built only by [`Policy::evaluate`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RequestContext {
    pub role: Role,
    pub flow: Flow,
    pub purpose: Purpose,
    pub access: AccessType,
    pub purpose_code: String,
    pub access_code: String,
    pub resources: Vec<Resource>,
    /// 24 for the Expediering flows; `None` = the whole retention time.
    pub window_months: Option<u32>,
    pub printouts: Vec<PrintoutKind>,
    /// Ombud: the agent, sent as `X-Agent-Id` by `headers::read_headers` — only when the policy
    /// file switched that unpublished header on ([`HeaderSettings`]); otherwise `None`. Not
    /// serialised: a serialised context must not carry a second personnummer into logs.
    #[serde(skip)]
    #[ts(skip)]
    pub agent: Option<PersonId>,
    /// Vårdnadshavare: the guardian, sent as `X-Guardian-Id` only when switched on (as `agent`).
    #[serde(skip)]
    #[ts(skip)]
    pub guardian: Option<PersonId>,
}

/// The stable name of the rule a denial is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum DenialRule {
    /// The flow is not open to the user's role.
    WrongRole,
    /// The patient's consent has not been confirmed.
    ConsentMissing,
    /// Egna uppgifter: the identity check has not been confirmed.
    IdentityNotChecked,
    /// Ombud: no agent personnummer.
    AgentMissing,
    /// Ombud: no active power of attorney.
    NoPowerOfAttorney,
    /// Ombud: the power of attorney could not be verified (no register, or an answer that is
    /// neither active nor ended).
    PowerOfAttorneyUnverified,
    /// Vårdnadshavare: no guardian personnummer.
    GuardianMissing,
    /// Vårdnadshavare: the child is 13 or older.
    GuardianOfChild13OrOlder,
    /// Vårdnadshavare: NLL has no guardian relation.
    NoGuardianRelation,
    /// Treatment reason for a child: the patient is 18 or older.
    PatientTooOld,
    /// Ombud or Vårdnadshavare for a patient with protected personal data.
    ProtectedPatientForAgentOrGuardian,
    /// Läkemedelsstöd for a dos patient without a dos consent.
    NoDosConsent,
    /// The printout is not offered in this flow (or not for this patient).
    PrintoutNotAllowed,
}

/// A refusal: the rule, and one sentence naming it in Swedish and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Denial {
    pub rule: DenialRule,
    pub sv: String,
    pub en: String,
}

impl fmt::Display for Denial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.sv)
    }
}

impl std::error::Error for Denial {}

/// A flow as the UI and `nllc flows` show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FlowInfo {
    pub flow: Flow,
    pub main_flow: Flow,
    pub label_sv: String,
    pub label_en: String,
    pub summary_sv: String,
    pub summary_en: String,
    pub purpose: Purpose,
    pub access: AccessType,
    pub purpose_code: String,
    pub access_code: String,
    pub purpose_code_status: CodeStatus,
    pub access_code_status: CodeStatus,
    pub roles: Vec<Role>,
    pub resources: Vec<Resource>,
    pub requires: Vec<RequirementInfo>,
    pub filters: Vec<FilterInfo>,
    pub window_months: Option<u32>,
    pub printouts: Vec<PrintoutKind>,
    pub printouts_dos: Vec<PrintoutKind>,
    /// F1–F5 for the five main flows.
    pub fkey: Option<u8>,
    /// Started from a row of a shown list, not picked ([`FlowRule::reads_one_prescription`]).
    pub reads_one_prescription: bool,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RequirementInfo {
    pub requirement: Requirement,
    pub checked_by: CheckedBy,
    pub label_sv: String,
    pub label_en: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FilterInfo {
    pub id: Option<String>,
    pub sv: String,
    pub en: String,
}

// ---------------------------------------------------------------------------------------------
// The policy
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
struct Code {
    code: String,
    status: CodeStatus,
    source: String,
}

/// How the headers NLL.md §2 leaves open are sent (the policy file's `[headers]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HeaderSettings {
    /// The encoding of both JSON headers, `X-User-Agent` and `X-Org-Info` (ASSUMED default
    /// Base64, see `headers`).
    pub json_encoding: HeaderEncoding,
    /// Send `X-Agent-Id` in the Ombud flow. Off: the header is in no published table.
    pub agent_id: bool,
    /// Send `X-Guardian-Id` in the Vårdnadshavare flow. Off, as `agent_id`.
    pub guardian_id: bool,
}

/// The table plus the wire codes and header settings in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    rules: &'static [FlowRule],
    purposes: Vec<(Purpose, Code)>,
    access: Vec<(AccessType, Code)>,
    protection_labels: Vec<String>,
    headers: HeaderSettings,
}

/// One wire code as `nllc flows --all` lists it for the approval process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CodeInfo {
    /// `X-Purpose` or `X-Access`.
    pub header: &'static str,
    /// The standard code name (the override file's key).
    pub key: &'static str,
    /// The code in force.
    pub code: String,
    pub status: CodeStatus,
    pub source: String,
    /// Care only: never sent by the counter.
    pub care_only: bool,
    /// The flows that send it.
    pub flows: Vec<Flow>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy::standard()
    }
}

/// Every purpose, in table order.
pub const ALL_PURPOSES: [Purpose; 4] = [
    Purpose::Expediering,
    Purpose::UnderlattandeLakemedelsanvandning,
    Purpose::LasaEgnaUppgifter,
    Purpose::Vard,
];

/// Every access type, in table order.
pub const ALL_ACCESS_TYPES: [AccessType; 14] = [
    AccessType::UtanKravSamtycke,
    AccessType::TillfalligtSamtycke,
    AccessType::TillfalligtSamtyckeBehandlingsorsak,
    AccessType::SamtyckeSparradBehandlingsorsak,
    AccessType::BehandlingsorsakUtanKravSamtyckeBarn,
    AccessType::DospatientsUppgifter,
    AccessType::EgnaUppgifter,
    AccessType::Kopfullmakt,
    AccessType::Vardnadshavare,
    AccessType::FormodatSamtycke,
    AccessType::Nodatkomst,
    AccessType::TillfalligtSamtyckeSparradeUppgifter,
    AccessType::UtanKravSamtyckeBarn,
    AccessType::SamtyckePrivatTillVardpersonal,
];

/// Every flow, in table order.
pub const ALL_FLOWS: [Flow; 9] = [
    Flow::Expediering,
    Flow::ExpedieringBehandlingsorsak,
    Flow::ExpedieringSparradBehandlingsorsak,
    Flow::ExpedieringBarnBehandlingsorsak,
    Flow::Lakemedelsstod,
    Flow::LakemedelsstodDos,
    Flow::Ombud,
    Flow::EgnaUppgifter,
    Flow::Vardnadshavare,
];

/// The override-file key of a purpose (its standard code name, e.g. `EXPEDIERING`).
pub fn purpose_key(p: Purpose) -> &'static str {
    PURPOSE_CODES
        .iter()
        .find(|r| r.value == p)
        .map(|r| r.code)
        .expect("every purpose has a row")
}

/// The override-file key of an access type (its standard code name, e.g. `KOPFULLMAKT`).
pub fn access_key(a: AccessType) -> &'static str {
    ACCESS_CODES
        .iter()
        .find(|r| r.value == a)
        .map(|r| r.code)
        .expect("every access type has a row")
}

pub fn role_label_sv(role: Role) -> &'static str {
    match role {
        Role::Farmaceut => "Farmaceut",
        Role::Apotekspersonal => "Apotekspersonal",
    }
}

pub fn role_label_en(role: Role) -> &'static str {
    match role {
        Role::Farmaceut => "pharmacist",
        Role::Apotekspersonal => "pharmacy staff",
    }
}

pub fn printout_label_sv(kind: PrintoutKind) -> &'static str {
    match kind {
        PrintoutKind::AktuellaRecept => "Aktuella recept",
        PrintoutKind::Uthamtade => "Uthämtade läkemedel",
        PrintoutKind::Forteckning => "Förteckning recept",
        PrintoutKind::Forskrivningshistorik => "Förskrivningshistorik",
    }
}

pub fn printout_label_en(kind: PrintoutKind) -> &'static str {
    match kind {
        PrintoutKind::AktuellaRecept => "Current prescriptions",
        PrintoutKind::Uthamtade => "Dispensed medicines",
        PrintoutKind::Forteckning => "List of prescriptions (multi-dose)",
        PrintoutKind::Forskrivningshistorik => "Prescribing history",
    }
}

fn deny(rule: DenialRule, sv: String, en: String) -> Denial {
    Denial { rule, sv, en }
}

impl Policy {
    /// The table with the codes of NLL.md §4–5 and §8.
    pub fn standard() -> Policy {
        Policy {
            rules: TABLE,
            purposes: PURPOSE_CODES
                .iter()
                .map(|r| {
                    (
                        r.value,
                        Code {
                            code: r.code.into(),
                            status: r.status,
                            source: r.source.into(),
                        },
                    )
                })
                .collect(),
            access: ACCESS_CODES
                .iter()
                .map(|r| {
                    (
                        r.value,
                        Code {
                            code: r.code.into(),
                            status: r.status,
                            source: r.source.into(),
                        },
                    )
                })
                .collect(),
            protection_labels: PROTECTION_LABELS.iter().map(|s| s.to_string()).collect(),
            headers: HeaderSettings::default(),
        }
    }

    /// How the open headers are sent ([`HeaderSettings`]).
    pub fn headers(&self) -> HeaderSettings {
        self.headers
    }

    /// Every purpose and access code of the table, care's included, with status and source.
    pub fn code_table(&self) -> Vec<CodeInfo> {
        let flows_with = |pred: &dyn Fn(&FlowRule) -> bool| -> Vec<Flow> {
            self.rules
                .iter()
                .filter(|r| pred(r))
                .map(|r| r.flow)
                .collect()
        };
        let purposes = ALL_PURPOSES.iter().map(|p| {
            let c = self.purpose_entry(*p);
            CodeInfo {
                header: crate::headers::H_PURPOSE,
                key: purpose_key(*p),
                code: c.code.clone(),
                status: c.status,
                source: c.source.clone(),
                care_only: care_only_purpose(*p),
                flows: flows_with(&|r| r.purpose == *p),
            }
        });
        let access = ALL_ACCESS_TYPES.iter().map(|a| {
            let c = self.access_entry(*a);
            CodeInfo {
                header: crate::headers::H_ACCESS,
                key: access_key(*a),
                code: c.code.clone(),
                status: c.status,
                source: c.source.clone(),
                care_only: care_only_access(*a),
                flows: flows_with(&|r| r.access == *a),
            }
        });
        purposes.chain(access).collect()
    }

    /// The standard policy with wire codes overridden from TOML:
    ///
    /// ```toml
    /// protection_labels = ["sekretessmarkering", "skyddadFolkbokforing"]
    /// [purpose]
    /// UNDERLATTANDE_LAKEMEDELSANVANDNING = "LAKEMEDELSANVANDNING"
    /// [access]
    /// KOPFULLMAKT = "FULLMAKT"
    /// [headers]
    /// json_encoding = "ascii-json"   # X-User-Agent and X-Org-Info; default "base64"
    /// agent_id = false               # X-Agent-Id (unpublished); default false
    /// guardian_id = false            # X-Guardian-Id (unpublished); default false
    /// ```
    /// Keys are the standard code names. An unknown key, a value that is not a header-safe code,
    /// or two entries ending up with the same code is an error naming the line.
    pub fn from_overrides_toml(text: &str) -> Result<Policy, PolicyError> {
        overrides::apply(Policy::standard(), text)
    }

    /// Every row, in table order.
    pub fn rules(&self) -> &[FlowRule] {
        self.rules
    }

    /// The flows open to `role`, in table order.
    pub fn flows_for(&self, role: Role) -> Vec<&FlowRule> {
        self.rules
            .iter()
            .filter(|r| r.roles.contains(&role))
            .collect()
    }

    pub fn rule(&self, flow: Flow) -> &FlowRule {
        self.rules
            .iter()
            .find(|r| r.flow == flow)
            .expect("the table has a row for every flow")
    }

    /// The row a request's purpose and access codes select (the test server's view), if any.
    pub fn rule_for_codes(&self, purpose_code: &str, access_code: &str) -> Option<&FlowRule> {
        let p = self.purpose_from_code(purpose_code)?;
        let a = self.access_from_code(access_code)?;
        self.rules.iter().find(|r| r.purpose == p && r.access == a)
    }

    fn purpose_entry(&self, p: Purpose) -> &Code {
        &self
            .purposes
            .iter()
            .find(|(k, _)| *k == p)
            .expect("every purpose has a code")
            .1
    }

    fn access_entry(&self, a: AccessType) -> &Code {
        &self
            .access
            .iter()
            .find(|(k, _)| *k == a)
            .expect("every access type has a code")
            .1
    }

    pub fn purpose_code(&self, p: Purpose) -> &str {
        &self.purpose_entry(p).code
    }

    pub fn access_code(&self, a: AccessType) -> &str {
        &self.access_entry(a).code
    }

    pub fn purpose_status(&self, p: Purpose) -> CodeStatus {
        self.purpose_entry(p).status
    }

    pub fn access_status(&self, a: AccessType) -> CodeStatus {
        self.access_entry(a).status
    }

    /// Where the purpose's code comes from (NLL.md section, or "override file line N").
    pub fn purpose_source(&self, p: Purpose) -> &str {
        &self.purpose_entry(p).source
    }

    pub fn access_source(&self, a: AccessType) -> &str {
        &self.access_entry(a).source
    }

    /// Exact match after trimming surrounding whitespace (header values arrive padded).
    pub fn purpose_from_code(&self, code: &str) -> Option<Purpose> {
        let code = code.trim();
        self.purposes
            .iter()
            .find(|(_, c)| c.code == code)
            .map(|(p, _)| *p)
    }

    pub fn access_from_code(&self, code: &str) -> Option<AccessType> {
        let code = code.trim();
        self.access
            .iter()
            .find(|(_, c)| c.code == code)
            .map(|(a, _)| *a)
    }

    /// `Patient.meta.security` codes meaning "protected personal data".
    pub fn protection_labels(&self) -> &[String] {
        &self.protection_labels
    }

    /// The flows open to `role` as the UI shows them.
    pub fn flow_infos(&self, role: Role) -> Vec<FlowInfo> {
        self.flows_for(role)
            .into_iter()
            .map(|r| self.flow_info(r))
            .collect()
    }

    pub fn flow_info(&self, r: &FlowRule) -> FlowInfo {
        FlowInfo {
            flow: r.flow,
            main_flow: r.main_flow,
            label_sv: r.label_sv.into(),
            label_en: r.label_en.into(),
            summary_sv: r.summary_sv.into(),
            summary_en: r.summary_en.into(),
            purpose: r.purpose,
            access: r.access,
            purpose_code: self.purpose_code(r.purpose).into(),
            access_code: self.access_code(r.access).into(),
            purpose_code_status: self.purpose_status(r.purpose),
            access_code_status: self.access_status(r.access),
            roles: r.roles.to_vec(),
            resources: r.resources.to_vec(),
            requires: r
                .requires
                .iter()
                .map(|q| RequirementInfo {
                    requirement: *q,
                    checked_by: q.checked_by(),
                    label_sv: q.label_sv().into(),
                    label_en: q.label_en().into(),
                })
                .collect(),
            filters: r
                .filters
                .iter()
                .map(|f| FilterInfo {
                    id: f.id.map(String::from),
                    sv: f.sv.into(),
                    en: f.en.into(),
                })
                .collect(),
            window_months: r.window_months,
            printouts: r.printouts.to_vec(),
            printouts_dos: r.printouts_dos.to_vec(),
            fkey: r.fkey,
            reads_one_prescription: r.reads_one_prescription(),
            source: r.source.into(),
        }
    }

    /// The printouts a flow offers (NLL.md §9).
    pub fn printouts(&self, flow: Flow, dos_patient: bool) -> Vec<PrintoutKind> {
        let r = self.rule(flow);
        if dos_patient {
            r.printouts_dos.to_vec()
        } else {
            r.printouts.to_vec()
        }
    }

    pub fn check_printout(
        &self,
        flow: Flow,
        kind: PrintoutKind,
        dos_patient: bool,
    ) -> Result<(), Denial> {
        if self.printouts(flow, dos_patient).contains(&kind) {
            return Ok(());
        }
        let r = self.rule(flow);
        let (name_sv, name_en) = (printout_label_sv(kind), printout_label_en(kind));
        let (sv, en) = match kind {
            PrintoutKind::Forskrivningshistorik => (
                format!(
                    "{name_sv} är endast för internt bruk vid expediering och lämnas inte ut i {}.",
                    r.label_sv
                ),
                format!(
                    "{name_en} is for internal use when dispensing only and is not handed out in {}.",
                    r.label_en
                ),
            ),
            PrintoutKind::AktuellaRecept if dos_patient && r.printouts.contains(&kind) => (
                format!("{name_sv} skrivs inte ut för dospatienter."),
                format!("{name_en} is not printed for multi-dose patients."),
            ),
            PrintoutKind::Forteckning if !dos_patient && r.printouts_dos.contains(&kind) => (
                format!("{name_sv} skrivs bara ut för dospatienter."),
                format!("{name_en} is printed for multi-dose patients only."),
            ),
            _ if flow == Flow::Ombud => (
                format!(
                    "Ett ombud får inte utskriften {name_sv}: fullmakten omfattar bara Aktuella recept för patienter utan dosrecept."
                ),
                format!(
                    "An agent may not have the printout {name_en}: a power of attorney covers only Current prescriptions for patients without multi-dose."
                ),
            ),
            _ => (
                format!("Utskriften {name_sv} erbjuds inte i {}.", r.label_sv),
                format!("The printout {name_en} is not offered in {}.", r.label_en),
            ),
        };
        Err(deny(DenialRule::PrintoutNotAllowed, sv, en))
    }

    /// The one entry point: may `role` run `flow` with what is known and confirmed? Returns the
    /// request context to send, or the first rule broken (role first, then the row's
    /// requirements in table order).
    pub fn evaluate(
        &self,
        role: Role,
        flow: Flow,
        facts: &PatientFacts,
        confirmed: &Confirmations,
    ) -> Result<RequestContext, Denial> {
        let r = self.rule(flow);
        check_role(r, role)?;
        for q in r.requires {
            check(*q, r, facts, confirmed)?;
        }
        // The people at the counter travel only in a header the policy file switched on.
        let sent = |q: Requirement, on: bool, who: &Option<PersonId>| {
            (on && r.requires.contains(&q))
                .then(|| who.clone())
                .flatten()
        };
        Ok(RequestContext {
            role,
            flow,
            purpose: r.purpose,
            access: r.access,
            purpose_code: self.purpose_code(r.purpose).into(),
            access_code: self.access_code(r.access).into(),
            resources: r.resources.to_vec(),
            window_months: r.window_months,
            printouts: self.printouts(flow, facts.dos_consent == Some(true)),
            agent: sent(
                Q::AgentPersonnummer,
                self.headers.agent_id,
                &confirmed.agent,
            ),
            guardian: sent(
                Q::GuardianPersonnummer,
                self.headers.guardian_id,
                &confirmed.guardian,
            ),
        })
    }

    /// NLL's side of the same rules (the test server): what only the counter sees — consent,
    /// the identity check — is asserted by the access type itself. The agent and the guardian
    /// reach NLL only in a header the policy file switched on: then the header is required and
    /// `facts` carry what NLL found for that person; switched off, the client has checked the
    /// register and the relation itself and NLL checks the rest (age, protection, dos consent).
    pub fn evaluate_at_nll(
        &self,
        role: Role,
        flow: Flow,
        facts: &PatientFacts,
        agent: Option<PersonId>,
        guardian: Option<PersonId>,
    ) -> Result<(), Denial> {
        let r = self.rule(flow);
        check_role(r, role)?;
        let asserted = Confirmations {
            consent: true,
            identity_checked: true,
            agent,
            guardian,
        };
        for q in r.requires {
            let header_off = match q {
                Q::AgentPersonnummer => !self.headers.agent_id,
                Q::GuardianPersonnummer => !self.headers.guardian_id,
                _ => false,
            };
            if !header_off {
                check(*q, r, facts, &asserted)?;
            }
        }
        Ok(())
    }
}

fn check_role(r: &FlowRule, role: Role) -> Result<(), Denial> {
    if r.roles.contains(&role) {
        return Ok(());
    }
    let need_sv: Vec<&str> = r.roles.iter().map(|x| role_label_sv(*x)).collect();
    let need_en: Vec<&str> = r.roles.iter().map(|x| role_label_en(*x)).collect();
    Err(deny(
        DenialRule::WrongRole,
        format!(
            "{} kräver rollen {}; du är inloggad som {}.",
            r.label_sv,
            need_sv.join(" eller "),
            role_label_sv(role)
        ),
        format!(
            "{} requires the role {}; you are signed in as {}.",
            r.label_en,
            need_en.join(" or "),
            role_label_en(role)
        ),
    ))
}

/// Why the client could not verify a power of attorney itself (#17: never without one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unverified {
    /// No power-of-attorney register is configured.
    NoRegister,
    /// The register answered, but not with a status this client knows (`active`, `ended`,
    /// `none`); the answer's status as given, if any.
    UnknownAnswer(Option<String>),
}

/// The refusal when the power of attorney cannot be verified: the Ombud flow reads nothing
/// without a confirmed one.
pub fn power_of_attorney_unverified(why: &Unverified) -> Denial {
    let (sv, en) = match why {
        Unverified::NoRegister => (
            "Fullmakten kan inte kontrolleras: inget fullmaktsregister är inställt (fullmakt_url i inställningarna). Ombud med fullmakt kräver en kontrollerad fullmakt, så inget har hämtats.".to_string(),
            "The power of attorney cannot be checked: no power-of-attorney register is set (fullmakt_url in the settings). Agent with power of attorney needs a checked power of attorney, so nothing was fetched.".to_string(),
        ),
        Unverified::UnknownAnswer(status) => {
            let what_sv = match status {
                Some(s) => format!("statusen \"{}\"", s.chars().take(40).collect::<String>()),
                None => "ingen status".to_string(),
            };
            let what_en = match status {
                Some(s) => format!("the status \"{}\"", s.chars().take(40).collect::<String>()),
                None => "no status".to_string(),
            };
            (
                format!("Fullmaktsregistret svarade med {what_sv}, som inte bekräftar en aktiv fullmakt, så inget har hämtats. Kontrollera fullmakten i registret och försök igen."),
                format!("The power-of-attorney register answered with {what_en}, which does not confirm an active power of attorney, so nothing was fetched. Check the power of attorney in the register and try again."),
            )
        }
    };
    deny(DenialRule::PowerOfAttorneyUnverified, sv, en)
}

/// One requirement of one row. The sentences name the rule and say what to do.
fn check(
    q: Requirement,
    r: &FlowRule,
    facts: &PatientFacts,
    c: &Confirmations,
) -> Result<(), Denial> {
    use DenialRule as D;
    let fail = |rule, sv: &str, en: &str| Err(deny(rule, sv.into(), en.into()));
    match q {
        Q::PatientConsent if !c.consent => fail(
            D::ConsentMissing,
            "Läkemedelsstöd kräver att patienten är på plats och samtycker: bekräfta samtycket först.",
            "Medication support requires the patient to be present and consent: confirm the consent first.",
        ),
        Q::TreatmentReasonConsent if !c.consent => fail(
            D::ConsentMissing,
            "Behandlingsorsaken visas bara om patienten samtycker nu: bekräfta samtycket först.",
            "The treatment reason is shown only if the patient consents now: confirm the consent first.",
        ),
        Q::LockedTreatmentReasonConsent if !c.consent => fail(
            D::ConsentMissing,
            "En spärrad behandlingsorsak visas bara om patienten samtycker nu: bekräfta samtycket först.",
            "A locked treatment reason is shown only if the patient consents now: confirm the consent first.",
        ),
        Q::IdentityChecked if !c.identity_checked => fail(
            D::IdentityNotChecked,
            "Egna uppgifter kräver att du har kontrollerat legitimation och att personen vid disken är patienten: bekräfta det först.",
            "Own data requires that you checked ID and that the person at the counter is the patient: confirm it first.",
        ),
        Q::AgentPersonnummer if c.agent.is_none() => fail(
            D::AgentMissing,
            "Ombud med fullmakt kräver ombudets personnummer: ange det först.",
            "Agent with power of attorney requires the agent's personal identity number: enter it first.",
        ),
        Q::GuardianPersonnummer if c.guardian.is_none() => fail(
            D::GuardianMissing,
            "Vårdnadshavare kräver vårdnadshavarens personnummer: ange det först.",
            "Guardian requires the guardian's personal identity number: enter it first.",
        ),
        Q::PowerOfAttorneyActive if facts.power_of_attorney_active == Some(false) => fail(
            D::NoPowerOfAttorney,
            "Ombudet har ingen aktiv fullmakt från patienten för apoteksärenden, så uppgifterna kan inte hämtas som ombud.",
            "The agent has no active power of attorney from the patient for pharmacy errands, so the data cannot be fetched as an agent.",
        ),
        Q::GuardianRelation if facts.guardian_relation == Some(false) => fail(
            D::NoGuardianRelation,
            "Personen är inte registrerad som vårdnadshavare för barnet i Nationella läkemedelslistan.",
            "The person is not registered as the child's guardian in the National Medication List.",
        ),
        Q::ChildUnder13 => match facts.age {
            Some(age) if age >= 13 => Err(deny(
                D::GuardianOfChild13OrOlder,
                format!(
                    "En vårdnadshavare får läsa barnets lista bara om barnet är under 13 år; patienten är {age} år."
                ),
                format!(
                    "A guardian may read the child's list only if the child is under 13; the patient is {age}."
                ),
            )),
            _ => Ok(()),
        },
        Q::PatientUnder18 => match facts.age {
            Some(age) if age >= 18 => Err(deny(
                D::PatientTooOld,
                format!(
                    "Behandlingsorsak utan samtycke för barn gäller bara patienter under 18 år; patienten är {age} år."
                ),
                format!(
                    "Treatment reason without consent for a child applies only to patients under 18; the patient is {age}."
                ),
            )),
            _ => Ok(()),
        },
        Q::DosConsent if facts.dos_consent == Some(false) => fail(
            D::NoDosConsent,
            "Patienten har inget dossamtycke: använd Läkemedelsstöd med patientens samtycke i stället.",
            "The patient has no multi-dose consent: use Medication support with the patient's consent instead.",
        ),
        Q::NotProtected if facts.protected == Some(true) => {
            if r.flow == Flow::Vardnadshavare {
                fail(
                    D::ProtectedPatientForAgentOrGuardian,
                    "Barnet har skyddade personuppgifter: vårdnadshavarrelationen är borttagen i NLL, så vårdnadshavaren måste visa personbevis på ett fysiskt apotek.",
                    "The child has protected personal data: NLL has removed the guardian relation, so the guardian must show a population-register extract at a physical pharmacy.",
                )
            } else {
                fail(
                    D::ProtectedPatientForAgentOrGuardian,
                    "Patienten har skyddade personuppgifter: fullmakter har upphört, så uppgifterna kan inte hämtas som ombud.",
                    "The patient has protected personal data: powers of attorney have ended, so the data cannot be fetched as an agent.",
                )
            }
        }
        _ => Ok(()),
    }
}

// ---------------------------------------------------------------------------------------------
// Overrides from TOML
// ---------------------------------------------------------------------------------------------

/// What is wrong with an override file. `line` is 1-based.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyError {
    /// Not valid TOML, or a value of the wrong type.
    Syntax {
        line: Option<usize>,
        message: String,
    },
    /// A key the file may not have (`section` is "" for the top level).
    UnknownKey {
        line: usize,
        section: String,
        key: String,
    },
    /// A code or label that cannot be sent as a header value or matched.
    BadValue {
        line: usize,
        key: String,
        reason_sv: &'static str,
        reason_en: &'static str,
    },
    /// Two purposes (or two access types) would share a code, so a code could not be read back.
    DuplicateCode {
        line: usize,
        code: String,
        other: String,
    },
}

impl PolicyError {
    pub fn line(&self) -> Option<usize> {
        match self {
            PolicyError::Syntax { line, .. } => *line,
            PolicyError::UnknownKey { line, .. }
            | PolicyError::BadValue { line, .. }
            | PolicyError::DuplicateCode { line, .. } => Some(*line),
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            PolicyError::Syntax {
                line: Some(l),
                message,
            } => format!("Policy file line {l}: {message}"),
            PolicyError::Syntax {
                line: None,
                message,
            } => format!("Policy file: {message}"),
            PolicyError::UnknownKey { line, section, key } => {
                format!(
                    "Policy file line {line}: unknown key `{key}`{}.",
                    section_text(section, "in")
                )
            }
            PolicyError::BadValue {
                line,
                key,
                reason_en,
                ..
            } => format!("Policy file line {line}: bad value for `{key}`: {reason_en}."),
            PolicyError::DuplicateCode { line, code, other } => {
                format!("Policy file line {line}: the code \"{code}\" is already used for {other}.")
            }
        }
    }
}

fn section_text(section: &str, word: &str) -> String {
    if section.is_empty() {
        String::new()
    } else {
        format!(" {word} [{section}]")
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PolicyError::Syntax {
                line: Some(l),
                message,
            } => write!(f, "Policyfilen rad {l}: {message}"),
            PolicyError::Syntax {
                line: None,
                message,
            } => write!(f, "Policyfilen: {message}"),
            PolicyError::UnknownKey { line, section, key } => write!(
                f,
                "Policyfilen rad {line}: okänd nyckel `{key}`{}.",
                section_text(section, "i")
            ),
            PolicyError::BadValue {
                line,
                key,
                reason_sv,
                ..
            } => write!(
                f,
                "Policyfilen rad {line}: ogiltigt värde för `{key}`: {reason_sv}."
            ),
            PolicyError::DuplicateCode { line, code, other } => write!(
                f,
                "Policyfilen rad {line}: koden \"{code}\" används redan för {other}."
            ),
        }
    }
}

impl std::error::Error for PolicyError {}

mod overrides {
    use super::*;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct File {
        #[serde(default)]
        purpose: BTreeMap<String, Spanned<toml::Value>>,
        #[serde(default)]
        access: BTreeMap<String, Spanned<toml::Value>>,
        #[serde(default)]
        protection_labels: Option<Spanned<Vec<Spanned<toml::Value>>>>,
        #[serde(default)]
        headers: Option<Headers>,
    }

    /// `[headers]`: a missing key keeps its default.
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Headers {
        json_encoding: Option<HeaderEncoding>,
        agent_id: Option<bool>,
        guardian_id: Option<bool>,
    }

    fn line_of(text: &str, offset: usize) -> usize {
        text[..offset.min(text.len())].matches('\n').count() + 1
    }

    /// Codes travel in HTTP headers and are compared exactly: plain ASCII tokens only.
    fn code_ok(s: &str) -> Result<(), (&'static str, &'static str)> {
        if s.is_empty() {
            return Err(("koden är tom", "the code is empty"));
        }
        if s.len() > 100 {
            return Err((
                "koden är längre än 100 tecken",
                "the code is longer than 100 characters",
            ));
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.:/|".contains(c))
        {
            return Err((
                "koden får bara innehålla A–Z, a–z, 0–9 och _ - . : / |",
                "the code may contain only A-Z, a-z, 0-9 and _ - . : / |",
            ));
        }
        Ok(())
    }

    fn string_value<'v>(
        text: &str,
        key: &str,
        v: &'v Spanned<toml::Value>,
    ) -> Result<&'v str, PolicyError> {
        let line = line_of(text, v.span().start);
        let s = v.get_ref().as_str().ok_or(PolicyError::BadValue {
            line,
            key: key.into(),
            reason_sv: "värdet ska vara en sträng inom citattecken",
            reason_en: "the value must be a quoted string",
        })?;
        code_ok(s).map_err(|(sv, en)| PolicyError::BadValue {
            line,
            key: key.into(),
            reason_sv: sv,
            reason_en: en,
        })?;
        Ok(s)
    }

    /// Applies one section; `all` is every value with its key, `entries` the policy's codes.
    fn apply_section<T: Copy + PartialEq>(
        text: &str,
        section: &str,
        given: &BTreeMap<String, Spanned<toml::Value>>,
        keys: &[(T, &'static str)],
        entries: &mut [(T, Code)],
    ) -> Result<(), PolicyError> {
        // Report in file order, so the first error is the first line with a problem.
        let mut in_order: Vec<(&String, &Spanned<toml::Value>)> = given.iter().collect();
        in_order.sort_by_key(|(_, v)| v.span().start);
        for (key, v) in in_order {
            let line = line_of(text, v.span().start);
            let Some((t, _)) = keys.iter().find(|(_, k)| k == key) else {
                return Err(PolicyError::UnknownKey {
                    line,
                    section: section.into(),
                    key: key.clone(),
                });
            };
            let code = string_value(text, key, v)?;
            let entry = entries
                .iter_mut()
                .find(|(k, _)| k == t)
                .expect("every key has an entry");
            entry.1 = Code {
                code: code.to_string(),
                status: CodeStatus::Configured,
                source: format!("override file line {line}"),
            };
        }
        // Reverse lookup (code → purpose/access) must stay unambiguous: the first override, in
        // file order, whose code another entry also has is the error.
        let mut in_order: Vec<(&String, &Spanned<toml::Value>)> = given.iter().collect();
        in_order.sort_by_key(|(_, v)| v.span().start);
        for (key, v) in in_order {
            let (t, _) = keys.iter().find(|(_, k)| k == key).expect("checked above");
            let code = &entries.iter().find(|(k, _)| k == t).expect("entry").1.code;
            if let Some((other, _)) = entries.iter().find(|(k, c)| k != t && &c.code == code) {
                let other_key = keys
                    .iter()
                    .find(|(k, _)| k == other)
                    .map(|(_, name)| *name)
                    .unwrap_or_default();
                return Err(PolicyError::DuplicateCode {
                    line: line_of(text, v.span().start),
                    code: code.clone(),
                    other: format!("{other_key} [{section}]"),
                });
            }
        }
        Ok(())
    }

    pub(super) fn apply(mut policy: Policy, text: &str) -> Result<Policy, PolicyError> {
        let file: File = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start));
            // toml's message starts with its own location lines; keep the last, plain sentence.
            let message = e.message().trim().to_string();
            if let (Some(line), Some(key)) = (line, unknown_field(&message)) {
                return PolicyError::UnknownKey {
                    line,
                    section: String::new(),
                    key,
                };
            }
            PolicyError::Syntax { line, message }
        })?;
        let purpose_keys: Vec<(Purpose, &str)> =
            ALL_PURPOSES.iter().map(|p| (*p, purpose_key(*p))).collect();
        let access_keys: Vec<(AccessType, &str)> = ALL_ACCESS_TYPES
            .iter()
            .map(|a| (*a, access_key(*a)))
            .collect();
        apply_section(
            text,
            "purpose",
            &file.purpose,
            &purpose_keys,
            &mut policy.purposes,
        )?;
        apply_section(
            text,
            "access",
            &file.access,
            &access_keys,
            &mut policy.access,
        )?;
        if let Some(labels) = file.protection_labels {
            let line = line_of(text, labels.span().start);
            let labels = labels.into_inner();
            if labels.is_empty() {
                // An empty list would silently turn off one of the fail-closed signals.
                return Err(PolicyError::BadValue {
                    line,
                    key: "protection_labels".into(),
                    reason_sv: "listan får inte vara tom",
                    reason_en: "the list must not be empty",
                });
            }
            let mut out = Vec::with_capacity(labels.len());
            for v in &labels {
                out.push(string_value(text, "protection_labels", v)?.to_string());
            }
            policy.protection_labels = out;
        }
        if let Some(h) = file.headers {
            let d = policy.headers;
            policy.headers = HeaderSettings {
                json_encoding: h.json_encoding.unwrap_or(d.json_encoding),
                agent_id: h.agent_id.unwrap_or(d.agent_id),
                guardian_id: h.guardian_id.unwrap_or(d.guardian_id),
            };
        }
        Ok(policy)
    }

    /// The key name in toml's "unknown field `x`, expected …" message.
    fn unknown_field(message: &str) -> Option<String> {
        let rest = message.strip_prefix("unknown field `")?;
        Some(rest[..rest.find('`')?].to_string())
    }
}
