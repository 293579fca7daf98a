//! The synthetic catalogue: test patients, their medication histories, guardians, agents and
//! powers of attorney. Deterministic for a seed and a `today`; histories are built lazily (the
//! heavy patient only when first asked for).
//!
//! Personnummer and birth dates are fixed, so the README's table stays true; histories are
//! relative to `today`, so "older than 24 months" and "current" stay true whenever the server
//! runs. Ages are chosen to hold until at least 2029 (see `tests::age_classes_hold`).

mod history;
pub mod idnum;
mod patients;
pub mod reference;

use std::sync::{Arc, OnceLock};

use chrono::NaiveDate;
use nll::ids::IdKind;
use uuid::Uuid;

pub use history::{Credit, DataLock, Dispense, History, PaperRx, Prescription, RxStatus};
pub use reference::{
    Medicine, Pharmacy, Prescriber, Workplace, MEDICINES, PHARMACIES, PRESCRIBERS, WORKPLACES,
};

use crate::rng::Rng;

/// Protected personal data as NLL returns it to a pharmacy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protection {
    /// Skyddad folkbokföring: name "Personuppgift skyddad", no address.
    SkyddadFolkbokforing,
    /// Sekretessmarkering: NLL still returns the name and address here; only the security label
    /// says it (proves that detection fails closed).
    Sekretessmarkering,
}

/// A person who is not the patient: a guardian or an agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// 12 digits.
    pub pnr: String,
    pub given: &'static str,
    pub family: &'static str,
}

impl Person {
    pub fn name(&self) -> String {
        format!("{} {}", self.given, self.family)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    pub line: &'static str,
    pub postal_code: &'static str,
    pub city: &'static str,
}

/// A power of attorney (fullmakt) for pharmacy errands in the register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PowerOfAttorney {
    pub agent: Person,
    pub from: NaiveDate,
    /// Last day it was valid; `None` = until further notice.
    pub until: Option<NaiveDate>,
}

impl PowerOfAttorney {
    pub fn is_active(&self, today: NaiveDate) -> bool {
        self.from <= today && self.until.is_none_or(|u| today <= u)
    }
}

/// A test patient.
pub struct Patient {
    /// Stable short key, e.g. `vuxen`, `skyddad-folkbokforing`.
    pub key: &'static str,
    /// NLL's logical id (UUID), deterministic for the seed.
    pub id: String,
    /// 12 digits.
    pub pnr: String,
    pub kind: IdKind,
    /// The real name; NLL sends "Personuppgift skyddad" instead for skyddad folkbokföring.
    pub given: &'static str,
    pub family: &'static str,
    pub gender: &'static str,
    pub birth_date: NaiveDate,
    pub address: Option<Address>,
    pub municipality_code: Option<&'static str>,
    pub region_code: Option<&'static str>,
    pub phone: Option<&'static str>,
    pub email: Option<&'static str>,
    pub protection: Option<Protection>,
    pub deceased: Option<NaiveDate>,
    /// Has a dos consent (multi-dose dispensing).
    pub dos: bool,
    /// Index into `PHARMACIES`.
    pub dose_pharmacy: Option<usize>,
    /// Guardians NLL has a relation for (TA 08).
    pub guardians: Vec<Person>,
    /// Guardians whose relation EHM removed (protected child) — for tests and the README.
    pub former_guardians: Vec<Person>,
    pub powers_of_attorney: Vec<PowerOfAttorney>,
    /// What the patient demonstrates (README table).
    pub demonstrates: &'static str,
    history_spec: fn(&mut history::HistoryBuilder),
    history: OnceLock<Arc<History>>,
    seed: u64,
    today: NaiveDate,
}

impl std::fmt::Debug for Patient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Patient")
            .field("key", &self.key)
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl Patient {
    /// The name as NLL returns it to a pharmacy.
    pub fn nll_name(&self) -> (Option<&'static str>, String) {
        match self.protection {
            Some(Protection::SkyddadFolkbokforing) => (None, nll::fhir::PROTECTED_NAME.to_string()),
            _ => (Some(self.given), format!("{} {}", self.given, self.family)),
        }
    }

    /// The address as NLL returns it (none for skyddad folkbokföring).
    pub fn nll_address(&self) -> Option<&Address> {
        match self.protection {
            Some(Protection::SkyddadFolkbokforing) => None,
            _ => self.address.as_ref(),
        }
    }

    pub fn age_on(&self, date: NaiveDate) -> u32 {
        use chrono::Datelike;
        let mut age = date.year() - self.birth_date.year();
        if (date.month(), date.day()) < (self.birth_date.month(), self.birth_date.day()) {
            age -= 1;
        }
        age.max(0) as u32
    }

    /// The medication history, built on first use.
    pub fn history(&self) -> Arc<History> {
        self.history
            .get_or_init(|| {
                let mut b =
                    history::HistoryBuilder::new(Rng::derive(self.seed, self.key), self.today);
                (self.history_spec)(&mut b);
                Arc::new(b.finish())
            })
            .clone()
    }

    /// Every value the test server holds that could reveal where this patient lives, as it
    /// sends it (NLL does not mask them for a pharmacy): the patient's address, phone and
    /// e-mail, each prescriber's name and workplace (name, code, street, postal code, town,
    /// phone), each dispensing pharmacy and the dose pharmacy (name, GLN, street, postal code,
    /// town, phone). What a masking test looks for: none of them may reach the screen, a
    /// printout or `nllc`'s output for a protected patient.
    pub fn location_values(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        if let Some(a) = &self.address {
            out.extend([a.line, a.postal_code, a.city].map(str::to_string));
        }
        out.extend(
            self.phone
                .iter()
                .chain(self.email.iter())
                .map(|s| s.to_string()),
        );
        let h = self.history();
        let mut pharmacies: Vec<usize> = h.dispenses.iter().map(|d| d.pharmacy).collect();
        pharmacies.extend(self.dose_pharmacy);
        for p in h.prescriptions.iter().map(|r| &PRESCRIBERS[r.prescriber]) {
            let w = &WORKPLACES[p.workplace];
            out.push(format!("{} {}", p.given, p.family));
            out.extend(
                [w.name, w.code, w.street, w.postal_code, w.city, w.phone].map(str::to_string),
            );
        }
        for ph in pharmacies.into_iter().map(|i| &PHARMACIES[i]) {
            out.push(idnum::gln(ph.gln12));
            out.extend([ph.name, ph.street, ph.postal_code, ph.city, ph.phone].map(str::to_string));
        }
        out.sort();
        out.dedup();
        out
    }

    /// Whether a guardian relation exists (removed for protected children).
    pub fn has_guardian(&self, pnr: &str) -> bool {
        self.guardians.iter().any(|g| g.pnr == pnr)
    }

    /// The power of attorney from this patient to `agent`, if any.
    pub fn power_of_attorney(&self, agent: &str) -> Option<&PowerOfAttorney> {
        self.powers_of_attorney
            .iter()
            .find(|p| p.agent.pnr == agent)
    }
}

/// All test patients for one seed and date.
#[derive(Debug)]
pub struct Catalogue {
    seed: u64,
    today: NaiveDate,
    patients: Vec<Patient>,
}

impl Catalogue {
    pub fn new(seed: u64, today: NaiveDate) -> Catalogue {
        let mut ids = Rng::derive(seed, "patient-ids");
        let patients = patients::all(today)
            .into_iter()
            .map(|spec| {
                let id: Uuid = ids.uuid();
                spec.into_patient(id.to_string(), seed, today)
            })
            .collect();
        Catalogue {
            seed,
            today,
            patients,
        }
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn today(&self) -> NaiveDate {
        self.today
    }

    pub fn patients(&self) -> &[Patient] {
        &self.patients
    }

    pub fn by_key(&self, key: &str) -> Option<&Patient> {
        self.patients.iter().find(|p| p.key == key)
    }

    pub fn by_pnr(&self, pnr: &str) -> Option<&Patient> {
        self.patients.iter().find(|p| p.pnr == pnr)
    }

    pub fn by_id(&self, id: &str) -> Option<&Patient> {
        self.patients.iter().find(|p| p.id == id)
    }

    /// Everyone who is a guardian or an agent somewhere (for the README and the app's hints).
    pub fn related_people(&self) -> Vec<(&Person, &'static str, &Patient)> {
        let mut out = Vec::new();
        for p in &self.patients {
            for g in &p.guardians {
                out.push((g, "vårdnadshavare", p));
            }
            for g in &p.former_guardians {
                out.push((g, "vårdnadshavare, relationen borttagen", p));
            }
            for f in &p.powers_of_attorney {
                let what = if f.is_active(self.today) {
                    "ombud, fullmakt aktiv"
                } else {
                    "ombud, fullmakten upphörd"
                };
                out.push((&f.agent, what, p));
            }
        }
        out
    }
}

/// How `patients.rs` describes a patient before ids are assigned.
pub(crate) struct PatientSpec {
    pub key: &'static str,
    pub birth: NaiveDate,
    pub serial: u16,
    pub kind: IdKind,
    pub given: &'static str,
    pub family: &'static str,
    pub gender: &'static str,
    pub address: Option<Address>,
    pub municipality_code: Option<&'static str>,
    pub region_code: Option<&'static str>,
    pub phone: Option<&'static str>,
    pub email: Option<&'static str>,
    pub protection: Option<Protection>,
    pub deceased: Option<NaiveDate>,
    pub dos: bool,
    pub dose_pharmacy: Option<usize>,
    pub guardians: Vec<Person>,
    pub former_guardians: Vec<Person>,
    pub powers_of_attorney: Vec<PowerOfAttorney>,
    pub demonstrates: &'static str,
    pub history: fn(&mut history::HistoryBuilder),
}

impl PatientSpec {
    fn into_patient(self, id: String, seed: u64, today: NaiveDate) -> Patient {
        Patient {
            key: self.key,
            id,
            pnr: idnum::person_number(self.birth, self.serial, self.kind),
            kind: self.kind,
            given: self.given,
            family: self.family,
            gender: self.gender,
            birth_date: self.birth,
            address: self.address,
            municipality_code: self.municipality_code,
            region_code: self.region_code,
            phone: self.phone,
            email: self.email,
            protection: self.protection,
            deceased: self.deceased,
            dos: self.dos,
            dose_pharmacy: self.dose_pharmacy,
            guardians: self.guardians,
            former_guardians: self.former_guardians,
            powers_of_attorney: self.powers_of_attorney,
            demonstrates: self.demonstrates,
            history_spec: self.history,
            history: OnceLock::new(),
            seed,
            today,
        }
    }
}

#[cfg(test)]
mod tests;
