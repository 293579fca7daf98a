//! A synthetic chain: pharmacies, counters, days of ordinary lookups in opening hours, and
//! planted improper accesses of every rule's kind. The tests review a small one (each rule finds
//! its case, none fires on the clean rows); `nllc review bench` fills a database with ~10 million
//! rows and reports ingest rate, review time and planted vs found.
//!
//! Deterministic: the same sizes and seed give the same rows. Times are in November 2026, when
//! Sweden is on UTC+1 all month, so local opening hours are fixed UTC hours here.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use uuid::Uuid;

use crate::row::CentralRow;
use crate::rules::{Finding, Review};
use crate::staff::ChainKey;

/// The chain's size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainSize {
    pub pharmacies: u32,
    pub counters: u32,
    pub days: u32,
    /// Lookups per counter and day (each is one `patient` request and four more requests).
    pub lookups: u32,
}

impl ChainSize {
    /// The chain: 400 pharmacies, 4 counters each, 30 days; ~10 million rows.
    pub const FULL: ChainSize = ChainSize {
        pharmacies: 400,
        counters: 4,
        days: 30,
        lookups: 40,
    };
    /// The tests' chain: a few thousand rows.
    pub const SMALL: ChainSize = ChainSize {
        pharmacies: 4,
        counters: 2,
        days: 10,
        lookups: 10,
    };

    pub fn scaled(pharmacies: u32) -> ChainSize {
        ChainSize {
            pharmacies,
            ..ChainSize::FULL
        }
    }

    /// About how many rows it makes (clean rows; the planted add a little).
    pub fn rows(&self) -> u64 {
        let per_day = u64::from(self.lookups) * ROWS_PER_LOOKUP as u64 + 2;
        u64::from(self.pharmacies * self.counters * self.days) * per_day
    }

    pub fn first_day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 1).expect("date")
    }

    pub fn last_day(&self) -> NaiveDate {
        ChainSize::first_day() + Duration::days(i64::from(self.days) - 1)
    }
}

const ROWS_PER_LOOKUP: usize = 5;
const RESOURCES: [&str; ROWS_PER_LOOKUP] = [
    "patient",
    "list-info",
    "medication-request",
    "medication-dispense",
    "lock",
];
/// Patients per pharmacy (each pharmacy has its own): large, so a user seldom meets one twice.
const POOL: u64 = 50_000;
/// The chain's key of the synthetic data (tests and bench only).
pub const SYNTHETIC_KEY: [u8; 32] = *b"receptdisk-synthetic-chain-key!!";

/// A planted case: the rule that must find it and who it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planted {
    pub rule: &'static str,
    pub user: Option<String>,
    pub patient_ref: Option<String>,
    pub gln: Option<String>,
}

impl Planted {
    pub fn found_by(&self, f: &Finding) -> bool {
        f.rule == self.rule
            && (self.user.is_none() || f.user == self.user)
            && (self.patient_ref.is_none() || f.patient_ref == self.patient_ref)
            && (self.gln.is_none() || f.gln == self.gln)
    }
}

/// Per rule: planted, found of the planted, and findings in all.
pub fn tally(planted: &[Planted], review: &Review) -> Vec<(String, usize, usize, usize)> {
    crate::rules::RULES
        .iter()
        .map(|(rule, _)| {
            let mine: Vec<&Planted> = planted.iter().filter(|p| p.rule == *rule).collect();
            let found = mine
                .iter()
                .filter(|p| review.findings.iter().any(|f| p.found_by(f)))
                .count();
            let all = review.findings.iter().filter(|f| f.rule == *rule).count();
            (rule.to_string(), mine.len(), found, all)
        })
        .collect()
}

/// A small deterministic generator (splitmix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, per_million: u64) -> bool {
        self.below(1_000_000) < per_million
    }
}

/// A pharmacy's GLN (with a valid check digit).
pub fn gln(p: u32) -> String {
    let body = format!("735001{:06}", p);
    let sum: u32 = body
        .chars()
        .rev()
        .enumerate()
        .map(|(i, c)| c.to_digit(10).unwrap() * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    format!("{body}{}", (10 - sum % 10) % 10)
}

pub fn user(p: u32, c: u32) -> String {
    format!("SE2321000016-P{p:04}C{c}")
}

fn patient(p: u32, k: u64) -> String {
    format!("pat-{p:04}-{k:06}")
}

fn personnummer(p: u32, k: u64) -> String {
    format!("19{:02}{:08}", p % 100, k)
}

/// The staff list of the synthetic chain, as the chain would give it (personnummer;HSA-id):
/// one line per user; staff personnummer start with `20`, never a synthetic patient's.
pub fn staff_list(size: &ChainSize) -> String {
    let mut s = String::from("personnummer;hsa_id\n");
    for p in 0..size.pharmacies {
        for c in 0..size.counters {
            s.push_str(&format!("20{:06}{:04};{}\n", p, c, user(p, c)));
        }
    }
    s
}

fn staff_pnr(p: u32, c: u32) -> String {
    format!("20{:06}{:04}", p, c)
}

/// One event at a counter before it becomes a row.
#[derive(Clone)]
struct Event {
    time: DateTime<Utc>,
    kind: &'static str,
    flow: &'static str,
    access: &'static str,
    patient: Option<(String, String)>,
    protected: bool,
    http_status: Option<i32>,
    /// One lookup makes five request rows.
    lookup: bool,
}

impl Event {
    fn lookup(time: DateTime<Utc>, patient: (String, String)) -> Event {
        Event {
            time,
            kind: "request",
            flow: "expediering",
            access: "UTAN_KRAV_SAMTYCKE",
            patient: Some(patient),
            protected: false,
            http_status: Some(200),
            lookup: true,
        }
    }
    fn other(time: DateTime<Utc>, kind: &'static str) -> Event {
        Event {
            time,
            kind,
            flow: "",
            access: "",
            patient: None,
            protected: false,
            http_status: None,
            lookup: false,
        }
    }
}

/// Opening hours of the synthetic pharmacies: 09:00–19:00 local = 08:00–18:00 UTC.
fn open_at(day: NaiveDate, rng: &mut Rng) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(8, 5, 0).expect("time"))
        + Duration::seconds(rng.below(9 * 3600 + 3000) as i64)
}

/// The chain: every counter's rows, workstation by workstation, handed to `sink` in batches.
pub struct Chain {
    pub size: ChainSize,
    pub planted: Vec<Planted>,
    key: ChainKey,
    seed: u64,
    /// Plant the improper accesses (off: only clean rows).
    pub plant: bool,
}

impl Chain {
    pub fn new(size: ChainSize, seed: u64) -> Chain {
        assert!(size.pharmacies >= 4 && size.counters >= 2 && size.days >= 8);
        Chain {
            size,
            planted: Vec::new(),
            key: ChainKey::new(&SYNTHETIC_KEY).expect("key"),
            seed,
            plant: true,
        }
    }

    /// The planted events of counter `c` at pharmacy `p` (pharmacies 0–3 hold them).
    fn planted_events(&mut self, p: u32, c: u32, rng: &mut Rng) -> Vec<Event> {
        let d = |k: u32| ChainSize::first_day() + Duration::days(i64::from(k));
        let at = |k: u32, h: u32, m: u32| {
            Utc.from_utc_datetime(&d(k).and_hms_opt(h, m, 0).expect("time"))
        };
        let u = user(p, c);
        let g = gln(p);
        let mut plant = |rule, user: Option<&str>, patient: Option<&str>, gln: Option<&str>| {
            self.planted.push(Planted {
                rule,
                user: user.map(str::to_string),
                patient_ref: patient.map(str::to_string),
                gln: gln.map(str::to_string),
            })
        };
        let pat = |k: u64| (patient(p, k), personnummer(p, k));
        let mut ev = Vec::new();
        match (p, c) {
            (0, 0) => {
                // A protected patient looked up, a field revealed, and printed for them.
                let prot = (format!("pat-skyddad-{p}"), "197001019999".to_string());
                let mut e = Event::lookup(at(2, 10, 0), prot.clone());
                e.protected = true;
                ev.push(e.clone());
                plant("skyddad_patient", Some(&u), Some(&prot.0), None);
                let mut r = Event::other(at(2, 10, 3), "reveal");
                (r.flow, r.access, r.patient, r.protected) = (
                    "expediering",
                    "UTAN_KRAV_SAMTYCKE",
                    Some(prot.clone()),
                    true,
                );
                ev.push(r);
                plant("visning", Some(&u), Some(&prot.0), None);
                let mut pr = Event::other(at(2, 10, 5), "printout");
                (pr.flow, pr.access, pr.patient, pr.protected) = (
                    "expediering",
                    "UTAN_KRAV_SAMTYCKE",
                    Some(prot.clone()),
                    true,
                );
                ev.push(pr);
                plant("utskrift_skyddad", Some(&u), Some(&prot.0), None);
                // Outside opening hours (23:30 local).
                ev.push(Event::lookup(at(4, 22, 30), pat(POOL + 1)));
                plant("utanfor_oppettider", Some(&u), None, None);
            }
            (0, 1) => {
                // An Ombud printout.
                let who = pat(POOL + 2);
                let mut pr = Event::other(at(3, 11, 0), "printout");
                (pr.flow, pr.access, pr.patient) =
                    ("ombud", "UTAN_KRAV_SAMTYCKE", Some(who.clone()));
                ev.push(pr);
                plant("utskrift_ombud", Some(&u), Some(&who.0), None);
                // One patient on six days.
                let again = pat(POOL + 3);
                for k in 0..6 {
                    ev.push(Event::lookup(at(k, 12, 0), again.clone()));
                }
                plant("atervander", Some(&u), Some(&again.0), None);
            }
            (1, 0) => {
                // Far more lookups than peers on one day.
                let n = self.size.lookups * 4 + 40;
                for k in 0..n {
                    ev.push(Event::lookup(
                        at(5, 8, 10) + Duration::seconds(i64::from(k) * 60),
                        pat(POOL + 100 + u64::from(k)),
                    ));
                }
                plant("manga_uppslag", Some(&u), None, None);
                // Four refusals in a day.
                for k in 0..4 {
                    let mut e = Event::other(at(6, 9, k * 5), "denial");
                    (e.flow, e.access) = ("ombud", "UTAN_KRAV_SAMTYCKE");
                    ev.push(e);
                }
                plant("upprepade_nekanden", Some(&u), None, None);
            }
            (1, 1) => {
                // Consent attested on 40 % of lookups.
                let n = self.size.lookups * self.size.days * 2 / 5;
                for k in 0..n {
                    let mut e = Event::lookup(
                        open_at(d(k % self.size.days), rng),
                        pat(POOL + 1000 + u64::from(k)),
                    );
                    e.access = "TILLFALLIGT_SAMTYCKE";
                    ev.push(e);
                }
                plant("samtycke_ofta", Some(&u), None, None);
                // A colleague looked up, and oneself.
                let colleague = (format!("pat-personal-{p}-0"), staff_pnr(p, 0));
                ev.push(Event::lookup(at(7, 13, 0), colleague));
                plant("kollega", Some(&u), None, None);
                let own = (format!("pat-personal-{p}-{c}"), staff_pnr(p, c));
                ev.push(Event::lookup(at(7, 14, 0), own));
                plant("egen_uppgift", Some(&u), None, None);
            }
            (2 | 3, 0) => {
                // One patient at three pharmacies within a day (pharmacies 1, 2, 3).
                let traveller = ("pat-resenar".to_string(), "198001019876".to_string());
                ev.push(Event::lookup(at(3, 9 + p, 0), traveller.clone()));
                if p == 3 {
                    plant("manga_apotek", None, Some(&traveller.0), None);
                }
                // A workstation whose chain misses a row (pharmacy 2) is made in `rows_of`.
                if p == 2 {
                    plant("lucka_i_kedjan", None, None, Some(&g));
                }
            }
            _ => {}
        }
        if (p, c) == (1, 0) {
            ev.push(Event::lookup(
                at(3, 15, 0),
                ("pat-resenar".to_string(), "198001019876".to_string()),
            ));
        }
        ev
    }

    /// Every row of workstation `c` at pharmacy `p`, in order, chained.
    fn workstation(&mut self, p: u32, c: u32) -> Vec<CentralRow> {
        let mut rng = Rng(self.seed ^ (u64::from(p) << 20) ^ u64::from(c));
        let mut events = Vec::new();
        for k in 0..self.size.days {
            let day = ChainSize::first_day() + Duration::days(i64::from(k));
            events.push(Event::other(
                Utc.from_utc_datetime(&day.and_hms_opt(8, 0, 0).expect("time")),
                "login",
            ));
            events.push(Event::other(
                Utc.from_utc_datetime(&day.and_hms_opt(18, 0, 0).expect("time")),
                "logout",
            ));
            for _ in 0..self.size.lookups {
                let mut e = Event::lookup(open_at(day, &mut rng), {
                    let k = rng.below(POOL);
                    (patient(p, k), personnummer(p, k))
                });
                if rng.chance(20_000) {
                    e.access = "TILLFALLIGT_SAMTYCKE";
                }
                if rng.chance(200) {
                    e.http_status = Some(403);
                }
                events.push(e);
            }
        }
        if self.plant && p < 4 {
            events.extend(self.planted_events(p, c, &mut rng));
        }
        events.sort_by_key(|e| e.time);
        self.rows_of(p, c, &events, &mut rng)
    }

    fn rows_of(&self, p: u32, c: u32, events: &[Event], rng: &mut Rng) -> Vec<CentralRow> {
        let g = gln(p);
        let ws = format!("kassa-{}", c + 1);
        let u = user(p, c);
        let mut out = Vec::with_capacity(events.len() * ROWS_PER_LOOKUP);
        let mut prev: Option<Vec<u8>> = None;
        let mut seq = 0i64;
        for e in events {
            let n = if e.lookup { ROWS_PER_LOOKUP } else { 1 };
            let context = format!("{:016x}", rng.next());
            let key = e.patient.as_ref().map(|(_, pnr)| self.key.patient_key(pnr));
            for (i, resource) in RESOURCES.iter().enumerate().take(n) {
                seq += 1;
                let time = e.time + Duration::milliseconds(i as i64 * 40);
                let id = v7(time, rng.next());
                let status = if i == 0 {
                    e.http_status
                } else {
                    e.http_status.map(|_| 200)
                };
                let mut row = CentralRow {
                    id,
                    time,
                    gln: Some(g.clone()),
                    workstation: ws.clone(),
                    seq,
                    app_version: Some("0.1.0".into()),
                    schema_version: crate::row::LOCAL_SCHEMA_VERSION,
                    kind: e.kind.to_string(),
                    user_id: u.clone(),
                    role: "FARMACEUT".into(),
                    flow: e.flow.to_string(),
                    purpose: if e.flow.is_empty() { "" } else { "EXPEDIERING" }.to_string(),
                    access: e.access.to_string(),
                    resource: e.lookup.then(|| resource.to_string()),
                    patient_ref: e.patient.as_ref().map(|p| p.0.clone()),
                    patient_key: key.clone(),
                    protected: e.patient.as_ref().map(|_| e.protected),
                    request_id: e.lookup.then(|| format!("{:016x}", rng.next())),
                    context_id: context.clone(),
                    outcome: match status {
                        Some(200) | None => "ok".into(),
                        Some(s) => format!("http {s}"),
                    },
                    http_status: status,
                    nll_code: None,
                    field_key: (e.kind == "reveal").then(|| "patient.address".to_string()),
                    mode: matches!(e.kind, "login" | "logout").then(|| "live".to_string()),
                    printer: (e.kind == "printout").then(|| "Kassa 1".to_string()),
                    pages: (e.kind == "printout").then_some(1),
                    copies: (e.kind == "printout").then_some(1),
                    masked: (e.kind == "printout").then_some(e.protected),
                    detail: None,
                    prev_hash: Some(prev.clone().unwrap_or_else(|| vec![0; 32])),
                    hash: Vec::new(),
                };
                // The hash a counter would have written (the bench's rows verify centrally).
                row.hash = crate::row::local_hash(&row).expect("a known kind");
                prev = Some(row.hash.clone());
                out.push(row);
            }
        }
        if self.plant && (p, c) == (2, 0) {
            // The planted gap: a row in the middle never reached the central log.
            out.remove(out.len() / 2);
        }
        out
    }

    /// Every workstation's rows, handed to `sink` one workstation at a time.
    pub fn generate(&mut self, mut sink: impl FnMut(Vec<CentralRow>)) {
        self.planted.clear();
        for p in 0..self.size.pharmacies {
            for c in 0..self.size.counters {
                let rows = self.workstation(p, c);
                sink(rows);
            }
        }
    }
}

/// A UUID v7 for `time` with `rand` for the random bits.
fn v7(time: DateTime<Utc>, rand: u64) -> Uuid {
    let ms = time.timestamp_millis() as u64;
    let hi = (ms << 16) | 0x7000 | (rand >> 52);
    let lo = (rand & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000;
    Uuid::from_u64_pair(hi, lo)
}

/// An ordinary lookup row, distinct by `n` (schema tests).
pub fn sample_row(n: u64) -> CentralRow {
    let time = Utc.with_ymd_and_hms(2026, 11, 16, 10, 0, 0).unwrap() + Duration::seconds(n as i64);
    let chain = Chain::new(ChainSize::SMALL, n);
    let mut row = chain
        .rows_of(
            0,
            0,
            &[Event::lookup(time, (patient(0, n), personnummer(0, n)))],
            &mut Rng(n),
        )
        .remove(0);
    row.seq = n as i64;
    row
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glns_pass_their_check_digit() {
        for p in [0, 1, 399] {
            let g = gln(p);
            let digits: Vec<u32> = g.chars().map(|c| c.to_digit(10).unwrap()).collect();
            let sum: u32 = digits[..12]
                .iter()
                .rev()
                .enumerate()
                .map(|(i, d)| d * if i % 2 == 0 { 3 } else { 1 })
                .sum();
            assert_eq!((10 - sum % 10) % 10, digits[12], "{g}");
        }
    }

    #[test]
    fn uuids_are_v7_and_time_ordered() {
        let t = Utc.with_ymd_and_hms(2026, 11, 1, 8, 0, 0).unwrap();
        let a = v7(t, 1);
        let b = v7(t + Duration::milliseconds(1), 0);
        assert_eq!(a.get_version_num(), 7);
        assert!(a < b);
    }

    #[test]
    fn same_seed_same_chain_and_rows_are_linked() {
        let mut one = Vec::new();
        Chain::new(ChainSize::SMALL, 7).generate(|r| one.extend(r));
        let mut two = Vec::new();
        Chain::new(ChainSize::SMALL, 7).generate(|r| two.extend(r));
        assert_eq!(one, two);
        let ws: Vec<&CentralRow> = one
            .iter()
            .filter(|r| r.workstation == "kassa-2" && r.gln.as_deref() == Some(&gln(3)))
            .collect();
        for w in ws.windows(2) {
            assert_eq!(w[1].prev_hash.as_ref(), Some(&w[0].hash));
            assert_eq!(w[1].seq, w[0].seq + 1);
        }
    }
}
