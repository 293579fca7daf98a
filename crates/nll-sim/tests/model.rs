//! Everything the server serves, for every test patient, parses with `nll::model` — the reader
//! the client uses — and reads back as the catalogue says; read entry by entry it gives the same
//! resources as one whole JSON tree would, in one pass as step by step; and every
//! MedicationRequest and MedicationDispense is read by the typed reader, field for field as the
//! general reader reads it.

mod common;

use common::*;
use nll::fhir as F;
use nll::list::{self, ListInput};
use nll::model::{self, Bundle};
use nll::{AccessType, Flow, ListContext, Purpose};

async fn bundle(c: &Counter<'_>, first: Answer) -> Vec<Bundle> {
    assert_eq!(first.status, 200, "{}", first.text);
    let mut out = Vec::new();
    let mut page = first;
    loop {
        let b = model::parse_bundle(&page.text).unwrap_or_else(|e| panic!("{e}\n{}", page.text));
        // The page is read in one pass, and that pass reads what the step-by-step one does.
        let streamed = model::parse_bundle_streamed(&page.text).expect("read in one pass");
        assert_eq!(streamed, model::parse_bundle_checked(&page.text).unwrap());
        // Read entry by entry, the page gives the same resources as read from one whole tree.
        let resources: Vec<model::Resource> = b.resources().cloned().collect();
        assert_eq!(resources, whole_tree(&page.text));
        typed_reading_agrees(&b);
        let next = b.next_url().map(str::to_string);
        out.push(b);
        match next {
            Some(url) => page = c.get(&url).await,
            None => return out,
        }
    }
}

/// The server writes prescriptions and dispenses in the canonical shape, so the typed reader
/// reads each one (it gives up on nothing), and it reads what the general reader reads from the
/// resource's JSON tree, field for field.
fn typed_reading_agrees(b: &Bundle) {
    for r in b.resources() {
        let label = match r {
            model::Resource::MedicationRequest(x) => format!("MedicationRequest/{}", x.id),
            model::Resource::MedicationDispense(x) => format!("MedicationDispense/{}", x.id),
            _ => continue,
        };
        let text = r.raw().text();
        let typed = model::read_typed(text)
            .unwrap_or_else(|| panic!("the typed reader gave up on {label}: {text}"));
        let general = model::Resource::from_value(r.raw().value()).expect("reads");
        assert_eq!(typed, general, "{label}");
    }
}

/// The list view model built from the pages as read (typed where it could) equals, field by
/// field, the one built from the general reader's reading of every resource's JSON.
fn views_agree(pages: Vec<Bundle>, flow: (&str, &str), key: &str) {
    let general: Vec<model::Resource> = pages
        .iter()
        .flat_map(|b| b.resources())
        .map(|r| model::Resource::from_value(r.raw().value()).expect("reads"))
        .collect();
    let (flow, purpose, access) = if flow == EGNA {
        (
            Flow::EgnaUppgifter,
            Purpose::LasaEgnaUppgifter,
            AccessType::EgnaUppgifter,
        )
    } else {
        (
            Flow::Expediering,
            Purpose::Expediering,
            AccessType::UtanKravSamtycke,
        )
    };
    let ctx = ListContext {
        flow,
        purpose,
        access,
        as_of: today(),
        window_from: None,
    };
    let policy = nll::policy::Policy::default();
    let labels = policy.protection_labels();
    let typed = list::build(ListInput::from_bundles(pages), ctx.clone(), labels);
    let general = list::build(ListInput::from_resources(general), ctx, labels);
    assert_eq!(typed, general, "{key}");
}

/// The page's resources as a reading of the whole document into one JSON tree gives them.
fn whole_tree(text: &str) -> Vec<model::Resource> {
    let v: serde_json::Value = serde_json::from_str(text).expect("JSON");
    v["entry"]
        .as_array()
        .map(|entries| {
            entries
                .iter()
                .map(|e| model::Resource::from_value(e["resource"].clone()).expect("a resource"))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn every_resource_for_every_patient_parses_with_the_model() {
    let sim = sim().await;
    let cat = sim.catalogue();
    for p in cat.patients() {
        let h = p.history();
        // Expediering: patient, list info, locks (24 months); Egna uppgifter: 5 years with reasons.
        for flow in [EXP, EGNA] {
            let mut c = Counter::new(&sim, "farmaceut", flow);
            let found = bundle(&c, c.patient_search(&p.pnr).await).await;
            let patient = found[0]
                .patients()
                .next()
                .unwrap_or_else(|| panic!("{}", p.key));
            assert_eq!(patient.id.as_deref(), Some(p.id.as_str()));
            let ident = patient.identifier.as_ref().unwrap();
            assert_eq!(ident.value, p.pnr);
            assert_eq!(ident.kind, p.kind, "{}", p.key);
            assert_eq!(patient.deceased, p.deceased.is_some());
            c.patient_ref = Some(p.id.clone());

            let info_pages = bundle(&c, c.basic("medlistinfo").await).await;
            let info = info_pages[0].list_infos().next().unwrap();
            assert_eq!(info.dos_patient, Some(p.dos));

            let mut lock_pages = Vec::new();
            if flow == EXP {
                lock_pages = bundle(&c, c.basic("datalock").await).await;
                let n: usize = lock_pages.iter().map(|b| b.data_locks().count()).sum();
                assert_eq!(n, h.locks.len(), "{}", p.key);
            }

            let rx_pages = bundle(&c, c.prescriptions("&_count=1000").await).await;
            for b in &rx_pages {
                assert_eq!(b.others().count(), 0, "{}: unknown resources", p.key);
                for rx in b.medication_requests() {
                    assert!(rx.medication.name().is_some(), "{}", rx.id);
                    assert!(rx.medication.details.form.is_some());
                    let pr = rx.requester.as_ref().expect("contained practitioner");
                    assert!(
                        pr.name.is_some() && pr.profession.is_some() && pr.workplace.name.is_some()
                    );
                    assert!(
                        rx.dispense_request.valid_from.is_some()
                            && rx.dispense_request.packages.is_some()
                    );
                    assert!(rx.chain_id.is_some());
                    if flow == EXP {
                        assert!(rx.treatment_reason.is_none());
                    }
                }
            }
            let d_pages = bundle(&c, c.dispenses("&_count=1000").await).await;
            let mut paper = 0;
            for b in &d_pages {
                assert_eq!(b.others().count(), 0);
                for d in b.medication_dispenses() {
                    let ph = d.pharmacy.as_ref().expect("dispensing pharmacy");
                    assert_eq!(ph.gln.as_deref().map(str::len), Some(13));
                    assert!(ph.name.is_some() && ph.address.is_some());
                    assert!(d.handed_over.is_some() && d.packages.is_some() && d.row_no.is_some());
                    if d.paper {
                        paper += 1;
                        let rx = d
                            .paper_prescription
                            .as_ref()
                            .expect("contained paper prescription");
                        assert!(
                            rx.requester.is_some(),
                            "paper prescriber resolved from the dispense"
                        );
                    } else {
                        assert!(d.prescription_id.is_some());
                    }
                }
            }
            if flow == EGNA {
                let total: usize = d_pages
                    .iter()
                    .map(|b| b.medication_dispenses().count())
                    .sum();
                assert_eq!(total, h.dispenses.len(), "{}", p.key);
                assert_eq!(
                    paper,
                    h.dispenses.iter().filter(|d| d.paper.is_some()).count()
                );
                let credited = d_pages
                    .iter()
                    .flat_map(|b| b.medication_dispenses())
                    .filter(|d| d.credited.is_some())
                    .count();
                assert_eq!(
                    credited,
                    h.dispenses.iter().filter(|d| d.credited.is_some()).count()
                );
            }
            let answered = [found, info_pages, lock_pages, rx_pages, d_pages].concat();
            views_agree(answered, flow, p.key);
        }
        for g in &p.guardians {
            let c = Counter::new(&sim, "apotekspersonal", GUARDIAN);
            let sys = F::SYSTEM_PERSONNUMMER
                .replace(':', "%3A")
                .replace('/', "%2F");
            let a = c
                .get(&format!(
                    "/fhir/RelatedPerson?identifier={sys}%7C{}&patient.identifier={sys}%7C{}",
                    g.pnr, p.pnr
                ))
                .await;
            let b = bundle(&c, a).await;
            let rel = b[0].related_persons().next().unwrap();
            assert!(rel.is_guardian());
            assert_eq!(
                rel.patient_ref.as_deref(),
                Some(format!("Patient/{}", p.id).as_str())
            );
        }
    }
}

#[tokio::test]
async fn protected_patient_reads_as_protected_and_errors_parse_as_operation_outcomes() {
    let sim = sim().await;
    let mut c = Counter::new(&sim, "farmaceut", EXP);
    let found = c.open("skyddad-folkbokforing").await;
    let b = bundle(&c, found).await;
    let p = b[0].patients().next().unwrap();
    assert_eq!(p.name.as_deref(), Some(F::PROTECTED_NAME));
    assert!(p.address.is_none());
    assert!(p
        .security_codes()
        .any(|s| s == F::SECURITY_SKYDDAD_FOLKBOKFORING));

    let mut reason = Counter::new(&sim, "farmaceut", EXP_LOCKED_REASON);
    reason.open("vuxen").await;
    let rx = sim
        .catalogue()
        .by_key("vuxen")
        .unwrap()
        .history()
        .prescriptions[0]
        .id;
    let a = reason.get(&format!("/fhir/MedicationRequest/{rx}")).await;
    match model::parse_resource(&a.text).unwrap() {
        model::Resource::MedicationRequest(m) => {
            assert!(m.treatment_reason.is_some() || m.medication.consumable)
        }
        other => panic!("{other:?}"),
    }
    // X-PatientRef names the protected patient, the query another one.
    let a = c
        .get(&format!(
            "/fhir/Basic?code=medlistinfo&subject=Patient/{}",
            c.id("vuxen")
        ))
        .await;
    let oo = match model::parse_resource(&a.text).unwrap() {
        model::Resource::OperationOutcome(o) => o,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        oo.raw.value()["issue"][0]["details"]["coding"][0]["code"],
        "2-25-115"
    );
    assert!(model::parse_bundle(
        &Counter::new(&sim, "farmaceut", EXP)
            .get("/fhir/metadata")
            .await
            .text
    )
    .is_err());
}
