//! NLL's filters and lock semantics over real HTTP: FIL001, FIL003, FIL004, FIL005/FIL006,
//! confidentiality locks, Ombud's current prescriptions, and protected patients as NLL returns
//! them to a pharmacy.

mod common;

use std::collections::HashSet;

use chrono::{Months, NaiveDate};
use common::*;
use nll::fhir as F;
use serde_json::Value;

fn date(v: &Value) -> NaiveDate {
    NaiveDate::parse_from_str(&v.as_str().unwrap()[..10], "%Y-%m-%d").unwrap()
}

fn chain(rx: &Value) -> String {
    ext(rx, F::EXT_PRESCRIPTION_CHAIN).unwrap()["valueString"]
        .as_str()
        .unwrap()
        .to_string()
}

fn is_paper(d: &Value) -> bool {
    d["meta"]["profile"][0] == F::PROFILE_DISPENSE_PAPER
}

fn authorizing(d: &Value) -> String {
    d["authorizingPrescription"][0]["reference"]
        .as_str()
        .unwrap()
        .to_string()
}

/// One prescription by `_id` under the counter's flow.
async fn one(c: &Counter<'_>, rx: &Value) -> Value {
    let id = rx["id"].as_str().unwrap();
    let pid = c.patient_ref.clone().unwrap();
    let a = c
        .get(&format!("/fhir/MedicationRequest?patient={pid}&_id={id}"))
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    a.resources().remove(0)
}

async fn everything(c: &Counter<'_>) -> (Vec<Value>, Vec<Value>) {
    let rx = c.prescriptions("&_count=1000").await;
    assert_eq!(rx.status, 200, "{}", rx.text);
    let d = c.dispenses("&_count=1000").await;
    assert_eq!(d.status, 200, "{}", d.text);
    (c.all_pages(rx).await, c.all_pages(d).await)
}

fn locked_chains(locks: &[Value], kind: &str, content: &str) -> HashSet<String> {
    locks
        .iter()
        .filter(|l| ext(l, F::EXT_LOCK_KIND).unwrap()["valueCode"] == kind)
        .filter(|l| ext(l, F::EXT_LOCK_CONTENT).unwrap()["valueCode"] == content)
        .filter_map(|l| {
            ext(l, F::EXT_PRESCRIPTION_CHAIN)
                .map(|e| e["valueString"].as_str().unwrap().to_string())
        })
        .collect()
}

#[tokio::test]
async fn fil001_expediering_sees_24_months_and_privacy_locked_data() {
    let sim = sim().await;
    let cutoff = today().checked_sub_months(Months::new(24)).unwrap();

    let mut exp = Counter::new(&sim, "apotekspersonal", EXP);
    exp.open("vuxen").await;
    let (rx, d) = everything(&exp).await;
    let mut egna = Counter::new(&sim, "apotekspersonal", EGNA);
    egna.open("vuxen").await;
    let (rx_all, d_all) = everything(&egna).await;

    assert!(d.iter().all(|d| date(&d["whenHandedOver"]) >= cutoff));
    assert!(
        d_all.iter().any(|d| date(&d["whenHandedOver"]) < cutoff),
        "older data exists"
    );
    assert!(d.len() < d_all.len() && rx.len() < rx_all.len());
    // Every dispense's prescription is in the list (no dangling reference).
    let ids: HashSet<String> = rx
        .iter()
        .map(|r| format!("MedicationRequest/{}", r["id"].as_str().unwrap()))
        .collect();
    for x in d.iter().filter(|x| !is_paper(x)) {
        assert!(ids.contains(&authorizing(x)));
    }

    // Privacy-locked chains and paper dispenses are still shown for Expediering.
    let mut exp = Counter::new(&sim, "farmaceut", EXP);
    exp.open("integritetsspärr").await;
    let locks = exp.basic("datalock").await.resources();
    assert_eq!(locks.len(), 3);
    let whole = locked_chains(&locks, "privacy", "whole");
    let (rx, d) = everything(&exp).await;
    assert!(rx.iter().any(|r| whole.contains(&chain(r))));
    assert!(d.iter().any(is_paper));
}

#[tokio::test]
async fn fil003_lakemedelsstod_hides_privacy_locked_chains_and_paper_dispenses() {
    let sim = sim().await;
    let mut exp = Counter::new(&sim, "farmaceut", EXP);
    exp.open("integritetsspärr").await;
    let locks = exp.basic("datalock").await.resources();
    let whole = locked_chains(&locks, "privacy", "whole");
    let reason_only = locked_chains(&locks, "privacy", "treatment-reason");
    assert_eq!((whole.len(), reason_only.len()), (1, 1));

    let mut stod = Counter::new(&sim, "farmaceut", STOD);
    stod.open("integritetsspärr").await;
    let (rx, d) = everything(&stod).await;
    assert!(
        !rx.iter().any(|r| whole.contains(&chain(r))),
        "locked chain not returned"
    );
    assert!(
        rx.iter().any(|r| reason_only.contains(&chain(r))),
        "reason-only lock keeps the prescription"
    );
    assert!(
        !d.iter().any(is_paper),
        "locked paper dispenses not returned"
    );
    let ids: HashSet<String> = rx
        .iter()
        .map(|r| format!("MedicationRequest/{}", r["id"].as_str().unwrap()))
        .collect();
    assert!(!d.is_empty());
    assert!(
        d.iter().all(|x| ids.contains(&authorizing(x))),
        "no dispense of a hidden chain"
    );
    // FIL006: no treatment reason in Läkemedelsstöd.
    assert!(rx.iter().all(reason_withheld));
    // The list info still says there are privacy locks, so the client can tell the user.
    let info = stod.basic("medlistinfo").await.resources();
    assert_eq!(
        ext(&info[0], F::EXT_PRIVACY_LOCK).unwrap()["valueBoolean"],
        true
    );
    // The whole 5-year retention, not 24 months.
    let mut stod = Counter::new(&sim, "farmaceut", STOD);
    stod.open("vuxen").await;
    let cutoff = today().checked_sub_months(Months::new(24)).unwrap();
    let (_, d) = everything(&stod).await;
    assert!(d.iter().any(|x| date(&x["whenHandedOver"]) < cutoff));
}

#[tokio::test]
async fn fil004_dospatient_access_shows_privacy_locked_data() {
    let sim = sim().await;
    let mut dos = Counter::new(&sim, "farmaceut", STOD_DOS);
    dos.open("dos").await;
    let (rx_dos, d_dos) = everything(&dos).await;
    let mut stod = Counter::new(&sim, "farmaceut", STOD);
    stod.open("dos").await;
    let (rx_stod, d_stod) = everything(&stod).await;
    assert!(rx_dos.len() > rx_stod.len());
    assert!(d_dos.len() > d_stod.len());
    let dos_rx = rx_dos
        .iter()
        .filter(|r| ext(r, F::EXT_DOS_PRESCRIPTION).is_some())
        .count();
    assert!(dos_rx > 0);
    let dp = ext(&rx_dos[0], F::EXT_DOSE_PHARMACY)
        .or_else(|| rx_dos.iter().find_map(|r| ext(r, F::EXT_DOSE_PHARMACY)));
    assert!(dp.is_some(), "dose pharmacy named on dos prescriptions");
    assert!(rx_dos.iter().all(reason_withheld) || rx_dos.iter().all(|r| reason_text(r).is_none()));
}

#[tokio::test]
async fn fil005_reason_withheld_unless_a_treatment_reason_access_type() {
    let sim = sim().await;
    let mut exp = Counter::new(&sim, "farmaceut", EXP);
    exp.open("integritetsspärr").await;
    let (rx, _) = everything(&exp).await;
    assert!(rx.iter().all(|r| reason_text(r).is_none()));
    assert!(rx.iter().all(reason_withheld));
    let locks = exp.basic("datalock").await.resources();
    let reason_locked = locked_chains(&locks, "privacy", "treatment-reason");
    let open_rx = rx
        .iter()
        .find(|r| {
            !reason_locked.contains(&chain(r))
                && !locked_chains(&locks, "privacy", "whole").contains(&chain(r))
        })
        .unwrap();
    let locked_rx = rx
        .iter()
        .find(|r| reason_locked.contains(&chain(r)))
        .unwrap();
    // Consent to see one reason: unlocked shown, privacy-locked still withheld.
    let mut c = Counter::new(&sim, "farmaceut", EXP_REASON);
    c.open("integritetsspärr").await;
    assert_eq!(
        reason_text(&one(&c, open_rx).await).as_deref(),
        Some("Högt blodtryck")
    );
    assert!(reason_withheld(&one(&c, locked_rx).await));
    // Consent to the locked reason: shown.
    let mut c = Counter::new(&sim, "farmaceut", EXP_LOCKED_REASON);
    c.open("integritetsspärr").await;
    assert_eq!(
        reason_text(&one(&c, locked_rx).await).as_deref(),
        Some("Sömnbesvär")
    );
    // Read by id works the same way.
    let a = c
        .get(&format!(
            "/fhir/MedicationRequest/{}",
            locked_rx["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(a.status, 200);
    assert_eq!(reason_text(&a.json()).as_deref(), Some("Sömnbesvär"));
}

#[tokio::test]
async fn confidentiality_locks_against_guardian_and_against_patient() {
    let sim = sim().await;
    let guardian = sim.catalogue().by_key("barn-9").unwrap().guardians[0]
        .pnr
        .clone();

    let mut exp = Counter::new(&sim, "apotekspersonal", EXP);
    exp.open("barn-9").await;
    let locks = exp.basic("datalock").await.resources();
    let against_guardian = locked_chains(&locks, "confidentiality", "whole");
    assert_eq!(against_guardian.len(), 1);
    let (rx_exp, d_exp) = everything(&exp).await;
    assert!(
        rx_exp.iter().any(|r| against_guardian.contains(&chain(r))),
        "staff see it (with a marker)"
    );

    let mut g = Counter::new(&sim, "apotekspersonal", GUARDIAN).with(F::H_GUARDIAN_ID, &guardian);
    g.open("barn-9").await;
    let (rx_g, d_g) = everything(&g).await;
    assert!(
        !rx_g.iter().any(|r| against_guardian.contains(&chain(r))),
        "withheld from the guardian"
    );
    assert!(rx_g.len() < rx_exp.len() && d_g.len() < d_exp.len());
    let ids: HashSet<String> = rx_g
        .iter()
        .map(|r| format!("MedicationRequest/{}", r["id"].as_str().unwrap()))
        .collect();
    assert!(d_g.iter().all(|x| ids.contains(&authorizing(x))));
    // The guardian sees the other reasons (own child's data).
    assert!(rx_g.iter().any(|r| reason_text(r).is_some()));

    // Reason locked against the patient: withheld in Egna uppgifter, the rest shown.
    let mut egna = Counter::new(&sim, "apotekspersonal", EGNA);
    egna.open("sekretess-orsak").await;
    let (rx, _) = everything(&egna).await;
    let psy: Vec<&Value> = rx
        .iter()
        .filter(|r| r["medicationCodeableConcept"]["text"] == "Olanzapin Krka")
        .collect();
    assert!(!psy.is_empty());
    assert!(psy.iter().all(|r| reason_withheld(r)));
    assert!(rx
        .iter()
        .any(|r| reason_text(r).as_deref() == Some("Högt blodtryck")));
}

#[tokio::test]
async fn ombud_sees_current_prescriptions_only() {
    let sim = sim().await;
    let p = sim.catalogue().by_key("fullmakt-aktiv").unwrap();
    let agent = p.powers_of_attorney[0].agent.pnr.clone();
    let mut o = Counter::new(&sim, "apotekspersonal", OMBUD).with(F::H_AGENT_ID, &agent);
    o.open("fullmakt-aktiv").await;
    let rx = o.all_pages(o.prescriptions("").await).await;
    let mut e = Counter::new(&sim, "apotekspersonal", EGNA);
    e.open("fullmakt-aktiv").await;
    let all = e.all_pages(e.prescriptions("").await).await;
    assert!(!rx.is_empty() && rx.len() < all.len());
    for r in &rx {
        assert_eq!(r["status"], "active");
        let from = date(&r["dispenseRequest"]["validityPeriod"]["start"]);
        let to = date(&r["dispenseRequest"]["validityPeriod"]["end"]);
        assert!(from <= today() && today() <= to);
        assert!(reason_text(r).is_none());
    }
    assert_eq!(o.basic("medlistinfo").await.status, 200);
}

#[tokio::test]
async fn protected_patients_come_back_as_nll_returns_them_to_a_pharmacy() {
    let sim = sim().await;
    let mut c = Counter::new(&sim, "farmaceut", EXP);
    let p = c.open("skyddad-folkbokforing").await.resources().remove(0);
    assert_eq!(p["name"][0]["text"], F::PROTECTED_NAME);
    assert!(p.get("address").is_none());
    assert!(p.get("telecom").is_none());
    assert_eq!(
        p["meta"]["security"][0]["code"],
        F::SECURITY_SKYDDAD_FOLKBOKFORING
    );
    assert!(ext(&p, F::EXT_MUNICIPALITY_CODE).is_none());
    let info = c.basic("medlistinfo").await.resources().remove(0);
    assert_eq!(
        ext(&info, F::EXT_PROTECTED_PERSON).unwrap()["valueBoolean"],
        true
    );
    // NLL does not mask prescribers' workplaces or dispensing pharmacies for pharmacies.
    let (rx, d) = everything(&c).await;
    let workplace = ext(&rx[0]["contained"][0], F::EXT_WORKPLACE).unwrap();
    assert!(workplace.to_string().contains("Kiruna"));
    assert!(
        rx[0]["contained"][0]["name"][0]["text"]
            .as_str()
            .unwrap()
            .len()
            > 3
    );
    let pharmacy = d[0]["contained"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["resourceType"] == "Location")
        .unwrap();
    assert!(pharmacy["name"].as_str().unwrap().contains("Kiruna"));
    assert_eq!(
        pharmacy["identifier"][0]["value"].as_str().unwrap().len(),
        13
    );

    // Sekretessmarkering: name and address come back; only the label tells.
    let p = c.open("sekretessmarkering").await;
    let p = p.resources().remove(0);
    assert_eq!(p["name"][0]["text"], "Johan Eriksson");
    assert!(p["address"][0]["city"].is_string());
    assert_eq!(
        p["meta"]["security"][0]["code"],
        F::SECURITY_SEKRETESSMARKERING
    );
    let info = c.basic("medlistinfo").await.resources().remove(0);
    assert!(ext(&info, F::EXT_PROTECTED_PERSON).is_none());

    // An ordinary patient has no label.
    let p = c.open("vuxen").await.resources().remove(0);
    assert!(p["meta"].get("security").is_none());
    assert_eq!(p["name"][0]["text"], "Karin Andersson");
}

#[tokio::test]
async fn deceased_and_samordningsnummer_patients() {
    let sim = sim().await;
    let mut c = Counter::new(&sim, "farmaceut", EXP);
    let p = c.open("avliden").await.resources().remove(0);
    assert_eq!(p["active"], false);
    assert!(p["deceasedDateTime"].is_string());
    let (rx, _) = everything(&c).await;
    assert!(rx.iter().all(|r| r["status"] != "active"
        || date(&r["dispenseRequest"]["validityPeriod"]["end"]) < today()));

    let s = c.open("samordningsnummer").await.resources().remove(0);
    let value = s["identifier"][0]["value"].as_str().unwrap();
    assert!(value[6..8].parse::<u32>().unwrap() > 60);
    assert!(s.get("address").is_none());

    let a = c.open("inga-recept").await;
    assert_eq!(a.status, 200);
    let rx = c.prescriptions("").await;
    assert_eq!(rx.json()["total"], 0);
    assert!(rx.json().get("entry").is_none());
}
