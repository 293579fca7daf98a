//! NLL's access rules as the server applies them to one read (NLL.md §3–6).
//!
//! Two steps, because the second needs the patient: `choose` (before the patient is looked up:
//! are the purpose and access codes known, is the combination valid for the token's role and the
//! resource) and `validate` (with the patient's facts: age limits, dos consent, guardian relation,
//! power of attorney, protected personal data).
//!
//! The rule table itself is `nll::policy` — the same one the client uses — so the server and the
//! client cannot disagree about a combination. (Until `nll::policy` lands, a stand-in table
//! below mirrors NLL.md §6.)

use nll::{AccessType, Flow, Purpose, Resource, Role};

use crate::outcome::Problem;

/// A valid flow chosen by the request's headers and the token's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    pub role: Role,
    pub flow: Flow,
    pub purpose: Purpose,
    pub access: AccessType,
    /// Data window in months (Expediering: 24), `None` = the whole retention time.
    pub window_months: Option<u32>,
}

/// What the server knows about the patient and the people at the counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    pub age: u32,
    pub protected: bool,
    pub dos_consent: bool,
    /// `None` when the request named no guardian.
    pub guardian_relation: Option<bool>,
    /// `None` when the request named no agent.
    pub power_of_attorney_active: Option<bool>,
}

struct Row {
    flow: Flow,
    purpose: Purpose,
    access: AccessType,
    roles: &'static [Role],
    resources: &'static [Resource],
}

use AccessType as A;
use Resource as R;
use Role::{Apotekspersonal as AP, Farmaceut as F};

const ALL_LIST: &[Resource] = &[
    R::Patient,
    R::ListInfo,
    R::MedicationRequest,
    R::MedicationDispense,
    R::DataLock,
];

static ROWS: &[Row] = &[
    Row {
        flow: Flow::Expediering,
        purpose: Purpose::Expediering,
        access: A::UtanKravSamtycke,
        roles: &[F, AP],
        resources: ALL_LIST,
    },
    Row {
        flow: Flow::ExpedieringBehandlingsorsak,
        purpose: Purpose::Expediering,
        access: A::TillfalligtSamtyckeBehandlingsorsak,
        roles: &[F],
        resources: &[R::Patient, R::MedicationRequest],
    },
    Row {
        flow: Flow::ExpedieringSparradBehandlingsorsak,
        purpose: Purpose::Expediering,
        access: A::SamtyckeSparradBehandlingsorsak,
        roles: &[F],
        resources: &[R::Patient, R::MedicationRequest],
    },
    Row {
        flow: Flow::ExpedieringBarnBehandlingsorsak,
        purpose: Purpose::Expediering,
        access: A::BehandlingsorsakUtanKravSamtyckeBarn,
        roles: &[F],
        resources: &[R::Patient, R::MedicationRequest],
    },
    Row {
        flow: Flow::Lakemedelsstod,
        purpose: Purpose::UnderlattandeLakemedelsanvandning,
        access: A::TillfalligtSamtycke,
        roles: &[F],
        resources: &[
            R::Patient,
            R::ListInfo,
            R::MedicationRequest,
            R::MedicationDispense,
        ],
    },
    Row {
        flow: Flow::LakemedelsstodDos,
        purpose: Purpose::UnderlattandeLakemedelsanvandning,
        access: A::DospatientsUppgifter,
        roles: &[F],
        resources: &[
            R::Patient,
            R::ListInfo,
            R::MedicationRequest,
            R::MedicationDispense,
        ],
    },
    Row {
        flow: Flow::EgnaUppgifter,
        purpose: Purpose::LasaEgnaUppgifter,
        access: A::EgnaUppgifter,
        roles: &[F, AP],
        resources: &[
            R::Patient,
            R::ListInfo,
            R::MedicationRequest,
            R::MedicationDispense,
        ],
    },
    Row {
        flow: Flow::Ombud,
        purpose: Purpose::LasaEgnaUppgifter,
        access: A::Kopfullmakt,
        roles: &[F, AP],
        resources: &[R::Patient, R::ListInfo, R::MedicationRequest],
    },
    Row {
        flow: Flow::Vardnadshavare,
        purpose: Purpose::LasaEgnaUppgifter,
        access: A::Vardnadshavare,
        roles: &[F, AP],
        resources: &[
            R::Patient,
            R::ListInfo,
            R::MedicationRequest,
            R::MedicationDispense,
            R::RelatedPerson,
        ],
    },
];

fn purpose_code(p: Purpose) -> &'static str {
    match p {
        Purpose::Expediering => "EXPEDIERING",
        Purpose::UnderlattandeLakemedelsanvandning => "UNDERLATTANDE_LAKEMEDELSANVANDNING",
        Purpose::LasaEgnaUppgifter => "LASA_EGNA_UPPGIFTER",
        Purpose::Vard => "VARD",
    }
}

fn access_code(a: AccessType) -> &'static str {
    match a {
        A::UtanKravSamtycke => "UTAN_KRAV_SAMTYCKE",
        A::TillfalligtSamtycke => "TILLFALLIGT_SAMTYCKE",
        A::TillfalligtSamtyckeBehandlingsorsak => "TILLFALLIGT_SAMTYCKE_BEHANDLINGSORSAK",
        A::SamtyckeSparradBehandlingsorsak => "SAMTYCKE_SPARRAD_BEHANDLINGSORSAK",
        A::BehandlingsorsakUtanKravSamtyckeBarn => "BEHANDLINGSORSAK_UTAN_KRAV_SAMTYCKE_BARN",
        A::DospatientsUppgifter => "DOSPATIENTS_UPPGIFTER",
        A::EgnaUppgifter => "EGNA_UPPGIFTER",
        A::Kopfullmakt => "KOPFULLMAKT",
        A::Vardnadshavare => "VARDNADSHAVARE",
    }
}

const PURPOSES: &[Purpose] = &[
    Purpose::Expediering,
    Purpose::UnderlattandeLakemedelsanvandning,
    Purpose::LasaEgnaUppgifter,
    Purpose::Vard,
];

const ACCESS_TYPES: &[AccessType] = &[
    A::UtanKravSamtycke,
    A::TillfalligtSamtycke,
    A::TillfalligtSamtyckeBehandlingsorsak,
    A::SamtyckeSparradBehandlingsorsak,
    A::BehandlingsorsakUtanKravSamtyckeBarn,
    A::DospatientsUppgifter,
    A::EgnaUppgifter,
    A::Kopfullmakt,
    A::Vardnadshavare,
];

/// The server's view of the policy table.
#[derive(Debug, Default)]
pub struct AccessRules {}

impl AccessRules {
    pub fn standard() -> AccessRules {
        AccessRules {}
    }

    /// Step 1, before the patient is known.
    pub fn choose(
        &self,
        role: Role,
        purpose: Option<&str>,
        access: Option<&str>,
        resource: Resource,
    ) -> Result<Choice, Problem> {
        let purpose = purpose
            .filter(|s| !s.trim().is_empty())
            .ok_or(Problem::MissingPurpose)?;
        let access = access
            .filter(|s| !s.trim().is_empty())
            .ok_or(Problem::MissingAccess)?;
        let p = PURPOSES
            .iter()
            .copied()
            .find(|p| purpose_code(*p) == purpose.trim())
            .ok_or_else(|| Problem::UnknownPurpose(purpose.to_string()))?;
        let a = ACCESS_TYPES
            .iter()
            .copied()
            .find(|a| access_code(*a) == access.trim())
            .ok_or_else(|| Problem::UnknownAccess(access.to_string()))?;
        let row = ROWS
            .iter()
            .find(|r| r.purpose == p && r.access == a)
            .ok_or(Problem::CombinationNotValid)?;
        if !row.roles.contains(&role) {
            return Err(Problem::RoleNotAllowed);
        }
        if !row.resources.contains(&resource) {
            return Err(Problem::ResourceNotAllowed);
        }
        Ok(Choice {
            role,
            flow: row.flow,
            purpose: p,
            access: a,
            window_months: (p == Purpose::Expediering).then_some(24),
        })
    }

    /// Step 2, with the patient.
    pub fn validate(&self, choice: &Choice, facts: &Facts) -> Result<(), Problem> {
        match choice.flow {
            Flow::ExpedieringBarnBehandlingsorsak if facts.age >= 18 => {
                Err(Problem::PatientNotUnder18)
            }
            Flow::LakemedelsstodDos if !facts.dos_consent => Err(Problem::NoDosConsent),
            Flow::Ombud => match facts.power_of_attorney_active {
                None => Err(Problem::MissingAgentId),
                Some(_) if facts.protected => Err(Problem::ProtectedForAgentOrGuardian),
                Some(false) => Err(Problem::NoPowerOfAttorney),
                Some(true) => Ok(()),
            },
            Flow::Vardnadshavare => match facts.guardian_relation {
                None => Err(Problem::MissingGuardianId),
                Some(_) if facts.age >= 13 => Err(Problem::PatientTooOldForGuardian),
                Some(_) if facts.protected => Err(Problem::ProtectedForAgentOrGuardian),
                Some(false) => Err(Problem::NoGuardianRelation),
                Some(true) => Ok(()),
            },
            _ => Ok(()),
        }
    }
}
