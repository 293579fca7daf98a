//! A patient's medication history: prescriptions in chains, dispenses (e-prescription and paper),
//! credits and data locks — built from a few declarative calls, deterministic for a seed.
//!
//! Dates are relative to the catalogue's `today`, so "older than 24 months" and "current" stay
//! true whenever the server runs. All history lies in NLL's 5-year retention.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use nll::{LockAgainst, LockContent, LockKind, LockScope};
use uuid::Uuid;

use super::reference::{BENEFIT_WITH, MEDICINES};
use crate::rng::Rng;

/// FHIR status of a prescription as this server sends it. An expired prescription keeps
/// `Active` with a validity period in the past (NLL.md: "utgånget" is a date fact).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RxStatus {
    Active,
    /// Slutexpedierat: every allowed dispense made.
    Completed,
    /// Borttaget by the prescriber.
    Cancelled,
}

impl RxStatus {
    pub fn fhir(self) -> &'static str {
        match self {
            RxStatus::Active => "active",
            RxStatus::Completed => "completed",
            RxStatus::Cancelled => "cancelled",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Prescription {
    pub id: Uuid,
    pub chain_id: Uuid,
    /// `meta.versionId`.
    pub version: u32,
    /// Index into `MEDICINES`.
    pub medicine: usize,
    /// Index into `PRESCRIBERS`.
    pub prescriber: usize,
    pub authored_on: NaiveDate,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
    pub status: RxStatus,
    pub cancelled_on: Option<NaiveDate>,
    /// Packages per dispense.
    pub packages: u32,
    /// First dispense + repeats.
    pub dispenses_allowed: u32,
    pub dosage: String,
    pub substitution_allowed: bool,
    pub benefit: &'static str,
    pub reason: Option<String>,
    /// Dosdispenserat (multi-dose) prescription.
    pub dos: bool,
}

impl Prescription {
    /// Valid now and dispensable (Aktuella) — what an agent may see.
    pub fn is_current(&self, today: NaiveDate) -> bool {
        self.status == RxStatus::Active && self.valid_from <= today && today <= self.valid_until
    }
}

/// A paper prescription's details, carried in the dispense itself (NLLDispensePaperPrescription).
#[derive(Debug, Clone)]
pub struct PaperRx {
    pub medicine: usize,
    pub prescriber: usize,
    pub authored_on: NaiveDate,
    pub dosage: String,
    pub reason: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Credit {
    pub date: NaiveDate,
    pub comment: &'static str,
}

#[derive(Debug, Clone)]
pub struct Dispense {
    pub id: Uuid,
    /// Index into `History::prescriptions`; `None` for a paper-prescription dispense.
    pub prescription: Option<usize>,
    pub paper: Option<PaperRx>,
    /// When the goods were handed over (UTC).
    pub handed_over: NaiveDateTime,
    pub packages: u32,
    /// Index into `PHARMACIES`.
    pub pharmacy: usize,
    pub credited: Option<Credit>,
    pub substituted: bool,
    pub benefit: &'static str,
    pub dispatch_id: String,
    pub actor_dispatch_id: String,
    pub row_no: u32,
    pub version: u32,
}

impl Dispense {
    pub fn medicine(&self, history: &History) -> usize {
        match (&self.paper, self.prescription) {
            (Some(p), _) => p.medicine,
            (None, Some(i)) => history.prescriptions[i].medicine,
            (None, None) => unreachable!("a dispense has a prescription or a paper prescription"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct DataLock {
    pub id: Uuid,
    pub kind: LockKind,
    pub scope: LockScope,
    pub content: LockContent,
    pub against: LockAgainst,
    /// The locked chain (scope `PrescriptionChain`).
    pub chain_id: Option<Uuid>,
    pub created: NaiveDate,
}

#[derive(Debug, Clone, Default)]
pub struct History {
    /// Newest authored first.
    pub prescriptions: Vec<Prescription>,
    /// Newest handed over first.
    pub dispenses: Vec<Dispense>,
    pub locks: Vec<DataLock>,
}

impl History {
    /// Locks covering a prescription chain.
    pub fn chain_locks(&self, chain: Uuid) -> impl Iterator<Item = &DataLock> {
        self.locks
            .iter()
            .filter(move |l| l.scope == LockScope::PrescriptionChain && l.chain_id == Some(chain))
    }
    /// A prescription's treatment reason as recorded, and what the first lock on its chain
    /// covers: the truth the tests hold NLL's filtered answers against.
    pub fn reason_and_lock(&self, rx_id: &str) -> Option<(Option<String>, Option<LockContent>)> {
        let rx = self
            .prescriptions
            .iter()
            .find(|r| r.id.to_string() == rx_id)?;
        let lock = self.chain_locks(rx.chain_id).map(|l| l.content).next();
        Some((rx.reason.clone(), lock))
    }
    /// Locks covering the patient's paper-prescription dispenses.
    pub fn paper_locks(&self) -> impl Iterator<Item = &DataLock> {
        self.locks
            .iter()
            .filter(|l| l.scope == LockScope::PaperDispenses)
    }
    pub fn controlled_drugs(&self) -> bool {
        self.prescriptions
            .iter()
            .any(|p| MEDICINES[p.medicine].controlled)
    }
}

/// How a chain of prescriptions unfolds.
#[derive(Debug, Clone)]
pub struct Chain {
    pub medicine: usize,
    pub prescriber: usize,
    /// Days before today the first prescription was issued.
    pub started_days_ago: i64,
    /// Number of prescriptions (renewals + 1), each valid one year.
    pub prescriptions: u32,
    /// Days between renewals.
    pub renew_every_days: i64,
    /// Dispenses allowed on each prescription.
    pub dispenses_per_rx: u32,
    pub packages: u32,
    pub with_reason: bool,
    pub dos: bool,
    pub substitution_allowed: bool,
    pub benefit: &'static str,
    /// The last prescription was cancelled (borttaget) this many days ago.
    pub cancelled_days_ago: Option<i64>,
    /// Pharmacies that dispense it (round robin, with chance).
    pub pharmacies: Vec<usize>,
}

impl Chain {
    pub fn new(medicine: usize, prescriber: usize, started_days_ago: i64) -> Chain {
        Chain {
            medicine,
            prescriber,
            started_days_ago,
            prescriptions: 1,
            renew_every_days: 365,
            dispenses_per_rx: 4,
            packages: 1,
            with_reason: true,
            dos: false,
            substitution_allowed: true,
            benefit: BENEFIT_WITH,
            cancelled_days_ago: None,
            pharmacies: vec![0],
        }
    }
    pub fn renewed(mut self, prescriptions: u32, every_days: i64) -> Chain {
        self.prescriptions = prescriptions;
        self.renew_every_days = every_days;
        self
    }
    pub fn dispenses(mut self, per_rx: u32) -> Chain {
        self.dispenses_per_rx = per_rx;
        self
    }
    pub fn packages(mut self, n: u32) -> Chain {
        self.packages = n;
        self
    }
    pub fn at(mut self, pharmacies: &[usize]) -> Chain {
        self.pharmacies = pharmacies.to_vec();
        self
    }
    pub fn no_reason(mut self) -> Chain {
        self.with_reason = false;
        self
    }
    pub fn dos(mut self) -> Chain {
        self.dos = true;
        self
    }
    pub fn no_substitution(mut self) -> Chain {
        self.substitution_allowed = false;
        self
    }
    pub fn benefit(mut self, text: &'static str) -> Chain {
        self.benefit = text;
        self
    }
    pub fn cancelled(mut self, days_ago: i64) -> Chain {
        self.cancelled_days_ago = Some(days_ago);
        self
    }
}

/// Builds one patient's history.
pub struct HistoryBuilder {
    rng: Rng,
    today: NaiveDate,
    h: History,
}

impl HistoryBuilder {
    pub fn new(rng: Rng, today: NaiveDate) -> HistoryBuilder {
        HistoryBuilder {
            rng,
            today,
            h: History::default(),
        }
    }

    pub fn today(&self) -> NaiveDate {
        self.today
    }

    pub fn rng(&mut self) -> &mut Rng {
        &mut self.rng
    }

    fn days_ago(&self, d: i64) -> NaiveDate {
        self.today - Duration::days(d)
    }

    fn handed_over_on(&mut self, day: NaiveDate) -> NaiveDateTime {
        let minutes = self.rng.range(7 * 60, 17 * 60 + 30) as u32;
        day.and_time(NaiveTime::from_hms_opt(minutes / 60, minutes % 60, 0).expect("valid time"))
    }

    fn dispatch_ids(&mut self, pharmacy: usize) -> (String, String) {
        let n = self.rng.below(9_000_000) + 1_000_000;
        let a = self.rng.below(900_000) + 100_000;
        (format!("EXP{n}"), format!("AP{pharmacy:02}-{a}"))
    }

    #[allow(clippy::too_many_arguments)]
    fn push_dispense(
        &mut self,
        prescription: Option<usize>,
        paper: Option<PaperRx>,
        day: NaiveDate,
        packages: u32,
        pharmacy: usize,
        benefit: &'static str,
        substitution_allowed: bool,
    ) -> usize {
        let handed_over = self.handed_over_on(day);
        let (dispatch_id, actor_dispatch_id) = self.dispatch_ids(pharmacy);
        let substituted = substitution_allowed && self.rng.chance(30);
        let d = Dispense {
            id: self.rng.uuid(),
            prescription,
            paper,
            handed_over,
            packages,
            pharmacy,
            credited: None,
            substituted,
            benefit,
            dispatch_id,
            actor_dispatch_id,
            row_no: 1,
            version: 1,
        };
        self.h.dispenses.push(d);
        self.h.dispenses.len() - 1
    }

    /// Adds a chain; returns its id.
    pub fn chain(&mut self, c: Chain) -> Uuid {
        let chain_id = self.rng.uuid();
        let med = &MEDICINES[c.medicine];
        let cancelled_on = c.cancelled_days_ago.map(|d| self.days_ago(d));
        for i in 0..c.prescriptions {
            let authored = self.days_ago(c.started_days_ago - i64::from(i) * c.renew_every_days);
            if authored > self.today {
                break;
            }
            let valid_until = authored + Duration::days(364);
            let last = i + 1 == c.prescriptions;
            let cancelled = if last {
                cancelled_on.map(|c| c.max(authored))
            } else {
                None
            };
            let rx_index = self.h.prescriptions.len();
            self.h.prescriptions.push(Prescription {
                id: self.rng.uuid(),
                chain_id,
                version: 1,
                medicine: c.medicine,
                prescriber: c.prescriber,
                authored_on: authored,
                valid_from: authored,
                valid_until,
                status: RxStatus::Active,
                cancelled_on: cancelled,
                packages: c.packages,
                dispenses_allowed: c.dispenses_per_rx,
                dosage: med.dosage.to_string(),
                substitution_allowed: c.substitution_allowed,
                benefit: c.benefit,
                reason: c.with_reason.then(|| med.reason.to_string()),
                dos: c.dos,
            });
            // Dispenses spread over the validity year, none after today or after a cancellation.
            let step = (364 / i64::from(c.dispenses_per_rx.max(1))).max(1);
            let mut made = 0;
            for j in 0..c.dispenses_per_rx {
                let jitter = if j == 0 {
                    self.rng.range(0, 3)
                } else {
                    self.rng.range(-4, 4)
                };
                let day =
                    authored + Duration::days(i64::from(j) * step + jitter).max(Duration::zero());
                let stop = cancelled.map_or(self.today, |c| c.min(self.today));
                if day > stop || day > valid_until {
                    break;
                }
                let pharmacy = if c.pharmacies.len() > 1 && self.rng.chance(70) {
                    c.pharmacies[0]
                } else {
                    *self.rng.pick(&c.pharmacies)
                };
                self.push_dispense(
                    Some(rx_index),
                    None,
                    day,
                    c.packages,
                    pharmacy,
                    c.benefit,
                    c.substitution_allowed,
                );
                made += 1;
            }
            let rx = &mut self.h.prescriptions[rx_index];
            if cancelled.is_some() {
                rx.status = RxStatus::Cancelled;
                rx.version = 2;
            } else if made == c.dispenses_per_rx {
                rx.status = RxStatus::Completed;
            }
        }
        chain_id
    }

    /// A prescription valid from a later date (Kommande).
    pub fn future(&mut self, medicine: usize, prescriber: usize, valid_in_days: i64) -> Uuid {
        let chain_id = self.rng.uuid();
        let med = &MEDICINES[medicine];
        let authored = self.days_ago(2);
        let valid_from = self.today + Duration::days(valid_in_days);
        self.h.prescriptions.push(Prescription {
            id: self.rng.uuid(),
            chain_id,
            version: 1,
            medicine,
            prescriber,
            authored_on: authored,
            valid_from,
            valid_until: authored + Duration::days(364),
            status: RxStatus::Active,
            cancelled_on: None,
            packages: 1,
            dispenses_allowed: 2,
            dosage: med.dosage.to_string(),
            substitution_allowed: true,
            benefit: BENEFIT_WITH,
            reason: Some(med.reason.to_string()),
            dos: false,
        });
        chain_id
    }

    /// A dispense on a paper prescription.
    pub fn paper_dispense(
        &mut self,
        medicine: usize,
        prescriber: usize,
        days_ago: i64,
        pharmacy: usize,
    ) -> usize {
        let day = self.days_ago(days_ago);
        let med = &MEDICINES[medicine];
        let paper = PaperRx {
            medicine,
            prescriber,
            authored_on: day - Duration::days(self.rng.range(1, 20)),
            dosage: med.dosage.to_string(),
            reason: Some(med.reason.to_string()),
        };
        self.push_dispense(None, Some(paper), day, 1, pharmacy, BENEFIT_WITH, true)
    }

    /// Credits the `nth` dispense (0 = oldest) of a chain some days after it was handed over.
    pub fn credit(&mut self, chain: Uuid, nth: usize, comment: &'static str) {
        let mut of_chain: Vec<usize> = (0..self.h.dispenses.len())
            .filter(|&i| {
                self.h.dispenses[i]
                    .prescription
                    .is_some_and(|p| self.h.prescriptions[p].chain_id == chain)
            })
            .collect();
        of_chain.sort_by_key(|&i| self.h.dispenses[i].handed_over);
        if of_chain.is_empty() {
            return;
        }
        let i = of_chain[nth.min(of_chain.len() - 1)];
        let d = &mut self.h.dispenses[i];
        d.credited = Some(Credit {
            date: (d.handed_over.date() + Duration::days(1)).min(self.today),
            comment,
        });
        d.version = 2;
    }

    pub fn lock(
        &mut self,
        kind: LockKind,
        scope: LockScope,
        content: LockContent,
        against: LockAgainst,
        chain_id: Option<Uuid>,
        created_days_ago: i64,
    ) {
        let id = self.rng.uuid();
        let created = self.days_ago(created_days_ago);
        self.h.locks.push(DataLock {
            id,
            kind,
            scope,
            content,
            against,
            chain_id,
            created,
        });
    }

    /// Cancels every prescription still valid after `day` (e.g. at death).
    pub fn end_all_on(&mut self, day: NaiveDate) {
        for rx in &mut self.h.prescriptions {
            if rx.status == RxStatus::Active && rx.valid_until >= day {
                rx.status = RxStatus::Cancelled;
                rx.cancelled_on = Some(day);
                rx.version += 1;
            }
        }
        let keep: Vec<bool> = self
            .h
            .dispenses
            .iter()
            .map(|d| d.handed_over.date() <= day)
            .collect();
        let mut k = keep.iter();
        self.h.dispenses.retain(|_| *k.next().expect("same length"));
    }

    pub fn counts(&self) -> (usize, usize) {
        (self.h.prescriptions.len(), self.h.dispenses.len())
    }

    /// Drops the most recently added dispenses until `n` remain; their prescriptions are no
    /// longer complete.
    pub fn trim_dispenses_to(&mut self, n: usize) {
        while self.h.dispenses.len() > n {
            let d = self.h.dispenses.pop().expect("non-empty");
            if let Some(p) = d.prescription {
                let rx = &mut self.h.prescriptions[p];
                if rx.status == RxStatus::Completed {
                    rx.status = RxStatus::Active;
                }
            }
        }
    }

    /// Sorts (newest first) and hands the history over. Dispense → prescription indexes are
    /// rewritten to the sorted order.
    pub fn finish(mut self) -> History {
        let mut order: Vec<usize> = (0..self.h.prescriptions.len()).collect();
        order.sort_by(|&a, &b| {
            let (pa, pb) = (&self.h.prescriptions[a], &self.h.prescriptions[b]);
            pb.authored_on.cmp(&pa.authored_on).then(pa.id.cmp(&pb.id))
        });
        let mut new_index = vec![0; order.len()];
        for (new, &old) in order.iter().enumerate() {
            new_index[old] = new;
        }
        let old = std::mem::take(&mut self.h.prescriptions);
        let mut slots: Vec<Option<Prescription>> = old.into_iter().map(Some).collect();
        self.h.prescriptions = order
            .iter()
            .map(|&i| slots[i].take().expect("each once"))
            .collect();
        for d in &mut self.h.dispenses {
            if let Some(p) = d.prescription.as_mut() {
                *p = new_index[*p];
            }
        }
        self.h
            .dispenses
            .sort_by(|a, b| b.handed_over.cmp(&a.handed_over).then(a.id.cmp(&b.id)));
        self.h
    }
}
