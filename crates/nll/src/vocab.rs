//! The words of the domain shared by every crate: roles, counter flows, purposes, access types,
//! resources and printouts. The rules that combine them live in `policy` (one table).
//! Wire codes are *not* here: they come from the policy table, which can be overridden.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The user's authority role. NLL derives it from the security token; the client never chooses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[ts(export)]
pub enum Role {
    /// Farmaceut på apotek (receptarie, apotekare).
    Farmaceut,
    /// Icke-legitimerad apotekspersonal (e.g. apotekstekniker).
    Apotekspersonal,
}

/// What the pharmacist says they are doing at the counter (NLL.md §6). One per UI choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum Flow {
    /// Expediering — dispensing what was prescribed.
    Expediering,
    /// Expediering, plus the patient's consent to see one prescription's treatment reason.
    ExpedieringBehandlingsorsak,
    /// Expediering, plus consent to see a *locked* treatment reason.
    ExpedieringSparradBehandlingsorsak,
    /// Expediering for a child under 18 who cannot understand consent (treatment reason).
    ExpedieringBarnBehandlingsorsak,
    /// Läkemedelsstöd (Underlättande av läkemedelsanvändning), patient present and consenting.
    Lakemedelsstod,
    /// Läkemedelsstöd for a dos patient (dos consent).
    LakemedelsstodDos,
    /// Egna uppgifter — the patient asks for a printout of their own list.
    EgnaUppgifter,
    /// Ombud med fullmakt — an agent with a power of attorney for pharmacy errands.
    Ombud,
    /// Vårdnadshavare — a guardian of a child under 13.
    Vardnadshavare,
}

/// Ändamål.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[ts(export)]
pub enum Purpose {
    Expediering,
    UnderlattandeLakemedelsanvandning,
    LasaEgnaUppgifter,
    Vard,
}

/// Åtkomsttyp. The first nine are the pharmacy's; the last five are care's (NLL.md §5): they
/// are in the code table so it is complete, but no counter flow uses one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[ts(export)]
pub enum AccessType {
    UtanKravSamtycke,
    TillfalligtSamtycke,
    TillfalligtSamtyckeBehandlingsorsak,
    SamtyckeSparradBehandlingsorsak,
    BehandlingsorsakUtanKravSamtyckeBarn,
    DospatientsUppgifter,
    EgnaUppgifter,
    Kopfullmakt,
    Vardnadshavare,
    /// Care only: Förmodat samtycke.
    FormodatSamtycke,
    /// Care only: Nödåtkomst.
    Nodatkomst,
    /// Care only: Samtycke till tillfällig åtkomst till spärrade uppgifter.
    TillfalligtSamtyckeSparradeUppgifter,
    /// Care only: Utan krav på samtycke barn.
    UtanKravSamtyckeBarn,
    /// Care only: Registrerat åtkomstsamtycke för patient till personal.
    SamtyckePrivatTillVardpersonal,
}

/// The NLL resources a counter reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum Resource {
    Patient,
    /// Basic?code=medlistinfo
    ListInfo,
    MedicationRequest,
    MedicationDispense,
    /// Basic?code=datalock
    DataLock,
    /// RelatedPerson (guardian check, TA 08)
    RelatedPerson,
}

/// The printouts (NLL.md §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum PrintoutKind {
    /// Aktuella recept.
    AktuellaRecept,
    /// Uthämtade läkemedel (last 15 months).
    Uthamtade,
    /// Förteckning recept (dos patients).
    Forteckning,
    /// Förskrivningshistorik — internal, never handed out.
    Forskrivningshistorik,
}
