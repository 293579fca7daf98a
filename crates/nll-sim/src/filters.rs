//! NLL's filters (NLL.md §6–7): what a read returns under a chosen flow.
//!
//! - FIL001 (Expediering): only data registered in the last 24 months; privacy-locked data is
//!   still shown. A prescription counts as registered in the window when it was issued there or
//!   dispensed there (a dispense updates it), so a dispense never points at a prescription that
//!   was left out.
//! - FIL003 (Läkemedelsstöd, Tillfälligt samtycke): prescription chains and paper dispenses under
//!   a privacy lock on their whole content are not returned.
//! - FIL004 (Dospatients uppgifter): privacy-locked data is shown.
//! - FIL005 / FIL006: the treatment reason is withheld (`nlldataAbsentReason`) unless the access
//!   type is one of the treatment-reason types; a privacy-locked reason needs
//!   `SAMTYCKE_SPARRAD_BEHANDLINGSORSAK`.
//! - Confidentiality locks: against the guardian — the chain is withheld in the Vårdnadshavare
//!   flow; the treatment reason against the patient — withheld in Egna uppgifter, Ombud and
//!   Vårdnadshavare.
//! - Ombud: current prescriptions only.

use std::collections::HashSet;

use chrono::{Months, NaiveDate};
use nll::{AccessType, Flow, LockAgainst, LockContent, LockKind};

use crate::access::Choice;
use crate::catalogue::{DataLock, Dispense, History, Prescription};

/// The treatment reason as the server sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason<'a> {
    Shown(&'a str),
    Withheld,
    /// No reason recorded.
    None,
}

/// The filters of one flow over one patient's history.
pub struct View<'h> {
    choice: Choice,
    today: NaiveDate,
    history: &'h History,
    /// Start of the data window, if any.
    pub window_from: Option<NaiveDate>,
    /// Prescriptions dispensed in the window (by index).
    dispensed_in_window: HashSet<usize>,
}

impl<'h> View<'h> {
    pub fn new(choice: Choice, today: NaiveDate, history: &'h History) -> View<'h> {
        let window_from = choice
            .window_months
            .map(|m| today.checked_sub_months(Months::new(m)).unwrap_or(today));
        let dispensed_in_window = match window_from {
            Some(from) => history
                .dispenses
                .iter()
                .filter(|d| d.handed_over.date() >= from)
                .filter_map(|d| d.prescription)
                .collect(),
            None => HashSet::new(),
        };
        View {
            choice,
            today,
            history,
            window_from,
            dispensed_in_window,
        }
    }

    fn chain_lock(&self, rx: &Prescription, pred: impl Fn(&DataLock) -> bool) -> bool {
        self.history.chain_locks(rx.chain_id).any(pred)
    }

    fn privacy_whole(l: &DataLock) -> bool {
        l.kind == LockKind::Privacy && l.content == LockContent::Whole
    }

    fn guardian_whole(l: &DataLock) -> bool {
        l.kind == LockKind::Confidentiality
            && l.against == LockAgainst::Guardian
            && l.content == LockContent::Whole
    }

    fn access(&self) -> AccessType {
        self.choice.access
    }

    pub fn prescription_visible(&self, index: usize) -> bool {
        let rx = &self.history.prescriptions[index];
        if let Some(from) = self.window_from {
            if rx.authored_on < from && !self.dispensed_in_window.contains(&index) {
                return false;
            }
        }
        match self.choice.flow {
            Flow::Lakemedelsstod if self.chain_lock(rx, Self::privacy_whole) => false,
            Flow::Vardnadshavare if self.chain_lock(rx, Self::guardian_whole) => false,
            Flow::Ombud => rx.is_current(self.today),
            _ => true,
        }
    }

    pub fn dispense_visible(&self, d: &Dispense) -> bool {
        if let Some(from) = self.window_from {
            if d.handed_over.date() < from {
                return false;
            }
        }
        match (d.prescription, &d.paper) {
            (Some(i), _) => {
                let rx = &self.history.prescriptions[i];
                match self.choice.flow {
                    Flow::Lakemedelsstod => !self.chain_lock(rx, Self::privacy_whole),
                    Flow::Vardnadshavare => !self.chain_lock(rx, Self::guardian_whole),
                    _ => true,
                }
            }
            (None, _) => match self.choice.flow {
                Flow::Lakemedelsstod => !self.history.paper_locks().any(Self::privacy_whole),
                Flow::Vardnadshavare => !self.history.paper_locks().any(Self::guardian_whole),
                _ => true,
            },
        }
    }

    /// The locks the flow may see (Expediering's flows: all of them).
    pub fn lock_visible(&self, _l: &DataLock) -> bool {
        true
    }

    fn reason_rule(&self, text: Option<&'h str>, locks: &[&DataLock]) -> Reason<'h> {
        let Some(text) = text else {
            return Reason::None;
        };
        let privacy_locked = locks.iter().any(|l| l.kind == LockKind::Privacy);
        let against_patient = locks
            .iter()
            .any(|l| l.kind == LockKind::Confidentiality && l.against == LockAgainst::Patient);
        let against_guardian = locks
            .iter()
            .any(|l| l.kind == LockKind::Confidentiality && l.against == LockAgainst::Guardian);
        let shown = match self.access() {
            AccessType::UtanKravSamtycke
            | AccessType::TillfalligtSamtycke
            | AccessType::DospatientsUppgifter
            | AccessType::Kopfullmakt => false,
            AccessType::TillfalligtSamtyckeBehandlingsorsak
            | AccessType::BehandlingsorsakUtanKravSamtyckeBarn => !privacy_locked,
            AccessType::SamtyckeSparradBehandlingsorsak => true,
            AccessType::EgnaUppgifter => !against_patient,
            AccessType::Vardnadshavare => !against_patient && !against_guardian,
            // Care's access types are no pharmacy combination: `access::choose` refuses them
            // before any view is built. Withheld, should one ever get here.
            AccessType::FormodatSamtycke
            | AccessType::Nodatkomst
            | AccessType::TillfalligtSamtyckeSparradeUppgifter
            | AccessType::UtanKravSamtyckeBarn
            | AccessType::SamtyckePrivatTillVardpersonal => false,
        };
        if shown {
            Reason::Shown(text)
        } else {
            Reason::Withheld
        }
    }

    pub fn prescription_reason(&self, rx: &'h Prescription) -> Reason<'h> {
        let locks: Vec<&DataLock> = self.history.chain_locks(rx.chain_id).collect();
        self.reason_rule(rx.reason.as_deref(), &locks)
    }

    pub fn paper_reason(&self, d: &'h Dispense) -> Reason<'h> {
        let locks: Vec<&DataLock> = self.history.paper_locks().collect();
        self.reason_rule(d.paper.as_ref().and_then(|p| p.reason.as_deref()), &locks)
    }
}
