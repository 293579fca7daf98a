use chrono::{Duration, NaiveDate};
use nll::{LockAgainst, LockContent, LockKind, LockScope};

use super::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

fn luhn_ok(pnr: &str) -> bool {
    idnum::is_valid_twelve(pnr, today())
}

#[test]
fn same_seed_same_catalogue_other_seed_other_ids() {
    let a = Catalogue::new(1, today());
    let b = Catalogue::new(1, today());
    let c = Catalogue::new(2, today());
    for (pa, pb) in a.patients().iter().zip(b.patients()) {
        assert_eq!(pa.id, pb.id);
        let (ha, hb) = (pa.history(), pb.history());
        let ids_a: Vec<_> = ha.dispenses.iter().map(|d| (d.id, d.handed_over)).collect();
        let ids_b: Vec<_> = hb.dispenses.iter().map(|d| (d.id, d.handed_over)).collect();
        assert_eq!(ids_a, ids_b, "{}", pa.key);
    }
    assert_ne!(a.patients()[0].id, c.patients()[0].id);
    // Personnummer do not depend on the seed: the README table holds for every seed.
    assert_eq!(a.patients()[0].pnr, c.patients()[0].pnr);
}

#[test]
fn every_identifier_has_a_valid_check_digit() {
    let cat = Catalogue::new(7, today());
    let mut pnrs = Vec::new();
    for p in cat.patients() {
        assert!(luhn_ok(&p.pnr), "{} {}", p.key, p.pnr);
        pnrs.push(p.pnr.clone());
    }
    for (person, _, _) in cat.related_people() {
        assert!(luhn_ok(&person.pnr), "{}", person.pnr);
        pnrs.push(person.pnr.clone());
    }
    let n = pnrs.len();
    pnrs.sort();
    pnrs.dedup();
    assert_eq!(pnrs.len(), n, "personnummer are unique");
    for ph in PHARMACIES {
        let gln = idnum::gln(ph.gln12);
        let sum: u32 = gln
            .bytes()
            .rev()
            .enumerate()
            .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 1 { 3 } else { 1 })
            .sum();
        assert!(sum.is_multiple_of(10), "{gln}");
    }
    let s = cat.by_key("samordningsnummer").unwrap();
    assert_eq!(&s.pnr[6..8], "68", "day + 60");
}

#[test]
fn age_classes_hold() {
    // Fixed birth dates keep the README's personnummer stable; this fails when a child grows
    // out of its role, which is the signal to move the birth years forward.
    let now = chrono::Local::now().date_naive().max(today());
    let cat = Catalogue::new(1, now);
    let age = |k: &str| cat.by_key(k).unwrap().age_on(now);
    assert!(
        age("barn-9") < 13,
        "barn-9 must be under 13: update its birth year"
    );
    assert!(
        age("skyddat-barn-9") < 13,
        "skyddat-barn-9 must be under 13"
    );
    let teen = age("ungdom-15");
    assert!((13..18).contains(&teen), "ungdom-15 must be 13–17");
    assert!(age("avliden") >= 100);
    for p in cat.patients() {
        if !["barn-9", "skyddat-barn-9", "ungdom-15"].contains(&p.key) {
            assert!(p.age_on(now) >= 18, "{}", p.key);
        }
    }
}

#[test]
fn ordinary_adult_has_what_the_issue_asks_for() {
    let cat = Catalogue::new(1, today());
    let p = cat.by_key("vuxen").unwrap();
    let h = p.history();
    let cutoff = today() - Duration::days(730);
    let oldest = h
        .dispenses
        .iter()
        .map(|d| d.handed_over.date())
        .min()
        .unwrap();
    assert!(
        oldest < today() - Duration::days(3 * 365 - 120),
        "about 3 years of history"
    );
    assert!(h.dispenses.iter().any(|d| d.handed_over.date() < cutoff));
    assert!(h.prescriptions.iter().any(|r| r.authored_on < cutoff));
    assert!(h.dispenses.iter().any(|d| d.credited.is_some()));
    assert!(h.dispenses.iter().any(|d| d.paper.is_some()));
    assert!(h
        .prescriptions
        .iter()
        .any(|r| MEDICINES[r.medicine].consumable));
    assert!(h.prescriptions.iter().any(|r| r.is_current(today())));
    assert!(h.prescriptions.iter().any(|r| r.valid_from > today()));
    assert!(h
        .prescriptions
        .iter()
        .any(|r| r.status == RxStatus::Cancelled));
    // Prescribers in more than one town.
    let towns: std::collections::BTreeSet<_> = h
        .prescriptions
        .iter()
        .map(|r| WORKPLACES[PRESCRIBERS[r.prescriber].workplace].city)
        .collect();
    assert!(towns.len() >= 2);
    // Newest first, and every dispense's prescription is in the list.
    assert!(h
        .dispenses
        .windows(2)
        .all(|w| w[0].handed_over >= w[1].handed_over));
    assert!(h
        .prescriptions
        .windows(2)
        .all(|w| w[0].authored_on >= w[1].authored_on));
}

#[test]
fn heavy_patient_is_heavy_and_quick() {
    let cat = Catalogue::new(1, today());
    let p = cat.by_key("storkund").unwrap();
    let h = p.history();
    assert!(h.prescriptions.len() >= 600, "{}", h.prescriptions.len());
    assert_eq!(h.dispenses.len(), 4000);
    let oldest = h
        .dispenses
        .iter()
        .map(|d| d.handed_over.date())
        .min()
        .unwrap();
    assert!(oldest >= today() - Duration::days(5 * 365 + 1));
    assert!(oldest < today() - Duration::days(4 * 365));
    assert!(h.dispenses.iter().all(|d| d.handed_over.date() <= today()));
    for d in h.dispenses.iter() {
        if let Some(i) = d.prescription {
            let rx = &h.prescriptions[i];
            assert!(
                d.handed_over.date() >= rx.valid_from && d.handed_over.date() <= rx.valid_until
            );
        }
    }
}

#[test]
fn locks_and_relations_are_where_the_readme_says() {
    let cat = Catalogue::new(1, today());
    let lock_of = |k: &str| cat.by_key(k).unwrap().history().locks.clone();

    let barn = cat.by_key("barn-9").unwrap();
    assert_eq!(barn.guardians.len(), 2);
    assert!(lock_of("barn-9")
        .iter()
        .any(|l| l.kind == LockKind::Confidentiality && l.against == LockAgainst::Guardian));

    let skyddat = cat.by_key("skyddat-barn-9").unwrap();
    assert!(skyddat.guardians.is_empty());
    assert_eq!(skyddat.former_guardians.len(), 1);
    assert_eq!(skyddat.protection, Some(Protection::SkyddadFolkbokforing));
    assert_eq!(skyddat.nll_name().1, nll::fhir::PROTECTED_NAME);

    let locks = lock_of("integritetsspärr");
    assert!(locks.iter().any(|l| l.scope == LockScope::PaperDispenses));
    assert!(locks
        .iter()
        .any(|l| l.content == LockContent::TreatmentReasonOnly));
    assert!(locks
        .iter()
        .any(|l| l.scope == LockScope::PrescriptionChain && l.content == LockContent::Whole));
    assert!(lock_of("sekretess-orsak").iter().any(
        |l| l.against == LockAgainst::Patient && l.content == LockContent::TreatmentReasonOnly
    ));

    let active = cat.by_key("fullmakt-aktiv").unwrap();
    assert!(active.powers_of_attorney[0].is_active(today()));
    let ended = cat.by_key("fullmakt-upphord").unwrap();
    assert!(!ended.powers_of_attorney[0].is_active(today()));

    let dead = cat.by_key("avliden").unwrap();
    let died = dead.deceased.unwrap();
    let h = dead.history();
    assert!(h.dispenses.iter().all(|d| d.handed_over.date() <= died));
    assert!(!h.prescriptions.iter().any(|r| r.is_current(today())));

    assert!(cat
        .by_key("inga-recept")
        .unwrap()
        .history()
        .prescriptions
        .is_empty());
    let dos = cat.by_key("dos").unwrap();
    assert!(dos.dos && dos.dose_pharmacy.is_some());
    assert!(dos.history().prescriptions.iter().any(|r| r.dos));
}
