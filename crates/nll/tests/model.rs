//! Reading the fixtures (written after NLL's profiles) with `nll::model`.

use chrono::NaiveDate;
use nll::ids::IdKind;
use nll::model::{self, parse_bundle, parse_resource, ModelError, Resource};
use nll::{LockAgainst, LockContent, LockKind, LockScope};

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

const R1: &str = "e1a2b3c4-0000-4000-8000-000000000001";
const R2: &str = "e1a2b3c4-0000-4000-8000-000000000002";
const R6: &str = "e1a2b3c4-0000-4000-8000-000000000006";
const R7: &str = "e1a2b3c4-0000-4000-8000-000000000007";

fn requests() -> Vec<model::MedicationRequest> {
    let mut out = Vec::new();
    for f in [
        "medication-requests-page1.json",
        "medication-requests-page2.json",
    ] {
        out.extend(
            parse_bundle(&fixture(f))
                .unwrap()
                .medication_requests()
                .cloned(),
        );
    }
    out
}

fn rx(id: &str) -> model::MedicationRequest {
    requests().into_iter().find(|r| r.id == id).unwrap()
}

fn dispenses() -> Vec<model::MedicationDispense> {
    parse_bundle(&fixture("medication-dispenses.json"))
        .unwrap()
        .medication_dispenses()
        .cloned()
        .collect()
}

fn dispense(suffix: char) -> model::MedicationDispense {
    let id = format!("d4c3b2a1-0000-4000-8000-00000000000{suffix}");
    dispenses().into_iter().find(|x| x.id == id).unwrap()
}

#[test]
fn patient_with_personnummer() {
    let b = parse_bundle(&fixture("patient-margareta.json")).unwrap();
    assert_eq!(b.bundle_type.as_deref(), Some("searchset"));
    assert_eq!(b.total, Some(1));
    assert_eq!(b.next_url(), None);
    let p = b.patients().next().unwrap();
    assert_eq!(
        p.id.as_deref(),
        Some("3f6c2b1e-8d4a-4c1b-9e2f-5a7d8c9b0a12")
    );
    let id = p.identifier.as_ref().unwrap();
    assert_eq!(id.value, "195403122384");
    assert_eq!(id.kind, IdKind::Personnummer);
    assert_eq!(p.name.as_deref(), Some("Margareta Lindberg"));
    assert_eq!(p.given, ["Margareta", "Ingrid"]);
    assert_eq!(p.family.as_deref(), Some("Lindberg"));
    assert_eq!(p.birth_date, Some(d(1954, 3, 12)));
    assert_eq!(
        p.address.as_deref(),
        Some("Svartbäcksgatan 24 lgh 1102, 753 20 Uppsala")
    );
    assert_eq!(p.phone.as_deref(), Some("070-412 38 56"));
    assert_eq!(p.email.as_deref(), Some("margareta.lindberg@exempel.se"));
    assert_eq!(p.municipality_code.as_deref(), Some("0380"));
    assert_eq!(p.region_code.as_deref(), Some("03"));
    assert_eq!(p.population_registered, Some(true));
    assert_eq!(p.active, Some(true));
    assert!(!p.deceased);
    assert!(p.security.is_empty());
    // Unknown elements are kept.
    assert_eq!(
        p.raw.value()["nllUnknownElement"]["kept"],
        serde_json::json!(true)
    );
    // The resource's JSON lives in the resource, not a second time in the Bundle's.
    assert_eq!(p.raw.value()["resourceType"], "Patient");
    assert!(b.raw.value()["entry"][0]["resource"].is_null());
    assert_eq!(
        b.raw.value()["entry"][0]["fullUrl"],
        b.entries[0].full_url.as_deref().unwrap()
    );
}

#[test]
fn protected_patient_keeps_its_security_label() {
    let b = parse_bundle(&fixture("patient-protected.json")).unwrap();
    let p = b.patients().next().unwrap();
    assert_eq!(
        p.security_codes().collect::<Vec<_>>(),
        ["sekretessmarkering"]
    );
    assert_eq!(
        p.security[0].system.as_deref(),
        Some(nll::fhir::SYSTEM_SECURITY_LABEL)
    );
    assert_eq!(p.name.as_deref(), Some(nll::fhir::PROTECTED_NAME));
}

#[test]
fn samordningsnummer_and_name_from_parts() {
    let b = parse_bundle(&fixture("patient-samordningsnummer.json")).unwrap();
    let p = b.patients().next().unwrap();
    assert_eq!(
        p.identifier.as_ref().unwrap().kind,
        IdKind::Samordningsnummer
    );
    assert_eq!(p.name.as_deref(), Some("Yusuf Haddad"));
    assert!(!p.deceased);
}

#[test]
fn empty_search_is_an_empty_bundle() {
    let b = parse_bundle(&fixture("patient-none.json")).unwrap();
    assert_eq!(b.total, Some(0));
    assert_eq!(b.patients().count(), 0);
}

#[test]
fn list_info_flags() {
    let b = parse_bundle(&fixture("listinfo-margareta.json")).unwrap();
    let li = b.list_infos().next().unwrap();
    assert_eq!(li.version, Some(17));
    assert_eq!(li.privacy_lock, Some(true));
    assert_eq!(li.controlled_drugs, Some(false));
    assert_eq!(li.dos_patient, Some(false));
    assert_eq!(li.protected_person, None);
    let b = parse_bundle(&fixture("listinfo-protected.json")).unwrap();
    assert_eq!(b.list_infos().next().unwrap().protected_person, Some(true));
}

#[test]
fn paging_link_and_total() {
    let b = parse_bundle(&fixture("medication-requests-page1.json")).unwrap();
    assert_eq!(b.total, Some(7));
    assert_eq!(b.entries.len(), 4);
    assert!(b.next_url().unwrap().ends_with("&_page=2"));
    assert_eq!(b.entries[0].search_mode.as_deref(), Some("match"));
    let b2 = parse_bundle(&fixture("medication-requests-page2.json")).unwrap();
    assert_eq!(b2.next_url(), None);
    assert_eq!(b2.entries.len(), 3);
}

#[test]
fn prescription_with_contained_practitioner() {
    let r = rx(R1);
    assert_eq!(r.status, "active");
    assert_eq!(r.version.as_deref(), Some("2"));
    assert_eq!(r.nll_id.as_deref(), Some(R1));
    assert_eq!(
        r.chain_id.as_deref(),
        Some("5b0e7a3c-1d2f-4e6a-8b9c-0d1e2f3a4b51")
    );
    assert_eq!(r.authored_on, Some(d(2024, 11, 20)));
    assert_eq!(r.treatment_reason.as_deref(), Some("Diabetes typ 2"));
    assert_eq!(r.reason_absent, None);
    assert_eq!(r.benefit.as_deref(), Some("med förmån"));
    assert_eq!(
        r.dosage.as_deref(),
        Some("1 tablett 2 gånger dagligen i samband med måltid")
    );
    let dr = &r.dispense_request;
    assert_eq!(dr.valid_from, Some(d(2024, 11, 20)));
    assert_eq!(dr.valid_until, Some(d(2025, 11, 19)));
    assert_eq!(dr.repeats_allowed, Some(3));
    assert_eq!(dr.dispenses_allowed(), Some(4));
    assert_eq!(dr.packages, Some(1));
    assert_eq!(
        dr.quantity.as_ref().unwrap().text().as_deref(),
        Some("100 st")
    );
    assert_eq!(r.substitution_allowed, Some(true));
    assert!(!r.dos);
    let p = r.requester.as_ref().unwrap();
    assert_eq!(p.name.as_deref(), Some("Karin Holm"));
    assert_eq!(p.profession.as_deref(), Some("Läkare"));
    assert_eq!(p.profession_code.as_deref(), Some("LK"));
    assert_eq!(p.hsa_id.as_deref(), Some("SE2321000024-K4H7"));
    assert_eq!(p.acronym.as_deref(), Some("KAHO"));
    assert_eq!(p.workplace.name.as_deref(), Some("Vårdcentralen Gottsunda"));
    assert_eq!(p.workplace.code.as_deref(), Some("0380123401"));
    assert_eq!(
        p.workplace.address.as_deref(),
        Some("Gottsunda allé 40, 752 68 Uppsala")
    );
    assert_eq!(p.workplace.phone.as_deref(), Some("018-611 47 00"));
    let m = &r.medication;
    assert_eq!(m.name(), Some("Metformin Teva"));
    assert_eq!(m.substance(), Some("metformin"));
    assert_eq!(m.details.form.as_deref(), Some("tablett"));
    assert_eq!(m.details.strength.as_deref(), Some("500 mg"));
    assert_eq!(m.pack_size(), Some("100 st"));
    assert_eq!(m.atc.as_deref(), Some("A10BA02"));
    assert_eq!(m.npl_id.as_deref(), Some("20040716000184"));
    assert_eq!(m.npl_pack_id.as_deref(), Some("20040921100347"));
    assert_eq!(m.varunummer.as_deref(), Some("145067"));
    assert!(!m.consumable);
}

#[test]
fn withheld_reason_receiving_pharmacy_and_datetime_authored() {
    let r = rx(R2);
    assert_eq!(r.treatment_reason, None);
    assert_eq!(
        r.reason_absent.as_deref(),
        Some(nll::fhir::DATA_ABSENT_MASKED)
    );
    assert_eq!(r.authored_on, Some(d(2025, 1, 10)));
    let rp = r.receiving_pharmacy.as_ref().unwrap();
    assert_eq!(rp.name.as_deref(), Some("Apotek Hjärtat Stora Torget"));
    assert_eq!(rp.gln.as_deref(), Some("7350005042103"));
    assert_eq!(r.substitution_allowed, Some(false));
    assert_eq!(r.dispense_request.packages, Some(3));
}

#[test]
fn statuses_and_consumable() {
    let all = requests();
    let statuses: Vec<_> = all.iter().map(|r| r.status.as_str()).collect();
    assert_eq!(
        statuses,
        [
            "active",
            "active",
            "active",
            "active",
            "cancelled",
            "completed",
            "active"
        ]
    );
    let cancelled = all.iter().find(|r| r.status == "cancelled").unwrap();
    assert_eq!(
        cancelled.status_reason.as_deref(),
        Some("Borttagen av förskrivaren 2024-10-02")
    );
    let strips = rx(R7);
    assert!(strips.medication.consumable);
    assert_eq!(strips.medication.atc, None);
    assert_eq!(strips.medication.name(), Some("Accu-Chek Guide"));
    let nurse = strips.requester.unwrap();
    assert_eq!(nurse.profession.as_deref(), Some("Sjuksköterska"));
}

#[test]
fn product_without_details_falls_back_to_codings() {
    let m = rx(R6).medication;
    assert_eq!(m.details, model::ProductDetails::default());
    assert_eq!(m.name(), Some("Alvedon"));
    assert_eq!(m.substance(), Some("paracetamol"));
    assert_eq!(m.pack_size(), Some("20 st"));
    assert_eq!(m.npl_display.as_deref(), Some("Alvedon tablett 500 mg"));
}

#[test]
fn contained_patient_dos_and_receiving_reference() {
    let b = parse_bundle(&fixture("medication-requests-special.json")).unwrap();
    let v: Vec<_> = b.medication_requests().collect();
    let nopnr = v[0];
    assert_eq!(nopnr.subject.as_deref(), Some("#patient"));
    let cp = nopnr.contained_patient.as_ref().unwrap();
    assert_eq!(cp.identifier, None);
    assert_eq!(cp.name.as_deref(), Some("Chidi Okafor"));
    assert_eq!(cp.birth_date, Some(d(1996, 5, 23)));
    let rp = nopnr.receiving_pharmacy.as_ref().unwrap();
    assert_eq!(rp.name.as_deref(), Some("Apoteket Gränby"));
    assert_eq!(rp.gln.as_deref(), Some("7350005047375"));
    assert_eq!(nopnr.dispense_request.dispenses_allowed(), Some(1));
    let dos = v[1];
    assert!(dos.dos);
    let dp = dos.dose_pharmacy.as_ref().unwrap();
    assert_eq!(
        dp.name.as_deref(),
        Some("Apotek Produktion & Laboratorier Dos Uppsala")
    );
    assert_eq!(dp.phone.as_deref(), Some("018-430 30 00"));
}

#[test]
fn e_prescription_dispense() {
    let x = dispense('1');
    assert!(!x.paper);
    assert_eq!(x.prescription_id.as_deref(), Some(R1));
    // 23:30 UTC on 20 February is 00:30 on 21 February in Sweden.
    assert_eq!(x.handed_over, Some(d(2025, 2, 21)));
    assert_eq!(x.handed_over_text.as_deref(), Some("2025-02-20T23:30:00Z"));
    assert_eq!(x.packages, Some(1));
    assert_eq!(x.row_no.as_deref(), Some("1.0"));
    assert_eq!(x.benefit.as_deref(), Some("med förmån"));
    assert_eq!(x.benefit_choice_code.as_deref(), Some("F"));
    assert_eq!(x.substituted, Some(false));
    assert_eq!(x.credited, None);
    let ph = x.pharmacy.as_ref().unwrap();
    assert_eq!(ph.name.as_deref(), Some("Apotek Hjärtat Stora Torget"));
    assert_eq!(ph.gln.as_deref(), Some("7350005042103"));
    assert_eq!(
        ph.address.as_deref(),
        Some("Stora Torget 1, 753 20 Uppsala")
    );
    assert_eq!(ph.phone.as_deref(), Some("0771-405 405"));
}

#[test]
fn decimals_keep_their_text() {
    let x = dispense('6');
    assert_eq!(x.quantity.as_ref().unwrap().value.as_deref(), Some("300.0"));
    assert_eq!(x.row_no.as_deref(), Some("1.50"));
    assert_eq!(x.packages, Some(3));
    assert_eq!(x.dosage, None);
}

#[test]
fn credited_dispense() {
    let x = dispense('2');
    let c = x.credited.unwrap();
    assert_eq!(c.date, Some(d(2024, 12, 3)));
    assert_eq!(c.comment.as_deref(), Some("Fel styrka expedierad"));
    assert_eq!(x.version.as_deref(), Some("3"));
}

#[test]
fn location_by_gln_reference_and_versioned_prescription_reference() {
    let x = dispense('3');
    let ph = x.pharmacy.unwrap();
    assert_eq!(ph.gln.as_deref(), Some("7350002178515"));
    assert_eq!(ph.name.as_deref(), Some("Kronans Apotek Svartbäcken"));
    assert_eq!(ph.address, None);
    let y = dispense('4');
    assert_eq!(y.prescription_id.as_deref(), Some(R6));
    assert_eq!(y.handed_over, Some(d(2024, 9, 4)));
}

#[test]
fn paper_prescription_dispense_carries_its_prescription() {
    let x = dispense('5');
    assert!(x.paper);
    assert_eq!(x.prescription_id, None);
    let rx = x.paper_prescription().unwrap();
    assert_eq!(rx.authored_on, Some(d(2025, 2, 2)));
    assert_eq!(rx.treatment_reason.as_deref(), Some("Tandinfektion"));
    assert_eq!(
        rx.dosage.as_deref(),
        Some("1 kapsel 3 gånger dagligen i 7 dagar")
    );
    let p = rx.requester.as_ref().unwrap();
    assert_eq!(p.name.as_deref(), Some("Erik Sandberg"));
    assert_eq!(p.profession.as_deref(), Some("Tandläkare"));
    assert_eq!(p.workplace.name.as_deref(), Some("Folktandvården Sävja"));
    assert_eq!(x.medication.atc.as_deref(), Some("J01CA04"));
}

#[test]
fn data_locks() {
    let b = parse_bundle(&fixture("datalocks-margareta.json")).unwrap();
    let locks: Vec<_> = b.data_locks().collect();
    assert_eq!(locks.len(), 3);
    assert_eq!(
        (
            locks[0].kind,
            locks[0].scope,
            locks[0].content,
            locks[0].against
        ),
        (
            LockKind::Privacy,
            LockScope::PrescriptionChain,
            LockContent::Whole,
            LockAgainst::Care
        )
    );
    assert_eq!(
        locks[0].chain_id.as_deref(),
        Some("5b0e7a3c-1d2f-4e6a-8b9c-0d1e2f3a4b55")
    );
    assert_eq!(
        (locks[1].kind, locks[1].content, locks[1].against),
        (
            LockKind::Confidentiality,
            LockContent::TreatmentReasonOnly,
            LockAgainst::Patient
        )
    );
    assert_eq!(locks[2].scope, LockScope::PaperDispenses);
    assert_eq!(locks[2].chain_id, None);
    assert_eq!(locks[2].created, Some(d(2025, 2, 10)));
}

#[test]
fn related_person_guardian() {
    let b = parse_bundle(&fixture("related-person.json")).unwrap();
    let rp = b.related_persons().next().unwrap();
    assert!(rp.is_guardian());
    assert!(rp.is_active_guardian_on(d(2025, 3, 15)));
    assert!(!rp.is_active_guardian_on(d(2016, 8, 20)));
    assert_eq!(rp.identifier.as_ref().unwrap().value, "197906274316");
    assert_eq!(
        rp.patient_identifier.as_ref().unwrap().value,
        "201608211288"
    );
    assert_eq!(rp.name.as_deref(), Some("Johan Nordin"));
}

#[test]
fn operation_outcome() {
    let Resource::OperationOutcome(oo) =
        parse_resource(&fixture("operation-outcome.json")).unwrap()
    else {
        panic!("not an OperationOutcome")
    };
    assert!(oo.is_error());
    let i = oo.main_issue().unwrap();
    assert_eq!(i.error_code(), Some("2-25-182"));
    assert_eq!(i.code.as_deref(), Some("business-rule"));
    assert_eq!(
        i.text(),
        Some("Patienten har inget samtycke till dosdispensering.")
    );
    assert_eq!(
        i.diagnostics.as_deref(),
        Some("VAL001: dos consent missing")
    );
    assert_eq!(oo.issues[1].severity.as_deref(), Some("warning"));
    assert_eq!(oo.issues[1].error_code(), None);
    assert_eq!(oo.issues[1].text(), Some("Svaret är filtrerat (FIL001)."));
}

#[test]
fn unknown_resources_are_kept() {
    let json = r#"{"resourceType":"Bundle","type":"searchset","entry":[
        {"resource":{"resourceType":"DetectedIssue","id":"di1","status":"final","detail":"Interaktion"}},
        {"resource":{"resourceType":"Basic","id":"b1","code":{"coding":[{"code":"somethingelse"}]}}}
    ]}"#;
    let b = parse_bundle(json).unwrap();
    let others: Vec<_> = b.others().map(|o| o.label()).collect();
    assert_eq!(others, ["DetectedIssue/di1", "Basic/b1"]);
    assert_eq!(
        b.others().next().unwrap().raw.value()["detail"],
        "Interaktion"
    );
    assert_eq!(b.entries[1].resource.resource_type(), "Basic");
}

fn malformed(json: &str) -> (String, String, String) {
    match parse_bundle(json).unwrap_err() {
        ModelError::Malformed {
            resource,
            element,
            problem,
        } => (resource, element, problem),
        e => panic!("expected Malformed, got {e}"),
    }
}

#[test]
fn errors_name_resource_and_element() {
    let bad_date = fixture("medication-requests-page1.json").replacen(
        "\"end\": \"2025-11-19\"",
        "\"end\": \"2025-11-31\"",
        1,
    );
    let (res, el, problem) = malformed(&bad_date);
    assert_eq!(res, format!("MedicationRequest/{R1}"));
    assert_eq!(el, "dispenseRequest.validityPeriod.end");
    assert!(problem.contains("2025-11-31"), "{problem}");

    let bad_packages = fixture("medication-dispenses.json").replacen(
        "\"valuePositiveInt\": 1",
        "\"valuePositiveInt\": \"en\"",
        1,
    );
    let (res, el, _) = malformed(&bad_packages);
    assert!(res.starts_with("MedicationDispense/"), "{res}");
    assert_eq!(
        el,
        "extension[nllNumberOfPackagesDispensed].valuePositiveInt"
    );

    let bad_lock = fixture("datalocks-margareta.json").replacen(
        "\"valueCode\": \"privacy\"",
        "\"valueCode\": \"privat\"",
        1,
    );
    let (res, el, problem) = malformed(&bad_lock);
    assert_eq!(res, "Basic/a0b1c2d3-0000-4000-8000-000000000001");
    assert_eq!(el, "extension[nllLockKind]");
    assert!(problem.contains("privat"));

    let dangling = fixture("medication-requests-page1.json").replacen(
        "\"reference\": \"#prescriber\"",
        "\"reference\": \"#someone\"",
        1,
    );
    let (_, el, problem) = malformed(&dangling);
    assert_eq!(el, "requester.reference");
    assert!(problem.contains("#someone"));

    let bad_name = fixture("patient-margareta.json").replacen("\"Margareta\",", "7,", 1);
    let (res, el, _) = malformed(&bad_name);
    assert_eq!(res, "Patient/3f6c2b1e-8d4a-4c1b-9e2f-5a7d8c9b0a12");
    assert_eq!(el, "name[0].given[0]");

    // An extension without a url is refused wherever it stands, also after the ones read.
    let mut v: serde_json::Value =
        serde_json::from_str(&fixture("patient-margareta.json")).unwrap();
    let exts = v["entry"][0]["resource"]["extension"]
        .as_array_mut()
        .unwrap();
    exts.push(serde_json::json!({ "valueString": "utan url" }));
    let last = exts.len() - 1;
    let (res, el, problem) = malformed(&v.to_string());
    assert_eq!(res, "Patient/3f6c2b1e-8d4a-4c1b-9e2f-5a7d8c9b0a12");
    assert_eq!(el, format!("extension[{last}]"));
    assert_eq!(problem, "extension without a url");

    let bad_paper = fixture("medication-dispenses.json").replacen(
        "\"authoredOn\": \"2025-02-02\"",
        "\"authoredOn\": 20250202",
        1,
    );
    let (res, el, _) = malformed(&bad_paper);
    assert_eq!(
        res,
        "MedicationDispense/d4c3b2a1-0000-4000-8000-000000000005"
    );
    assert!(
        el.starts_with("contained[") && el.ends_with("].authoredOn"),
        "{el}"
    );

    assert!(matches!(
        parse_bundle("{\"resourceType\": \"Bundle\""),
        Err(ModelError::Json(_))
    ));
    let (_, el, _) = malformed(r#"{"resourceType":"Patient"}"#);
    assert_eq!(el, "resourceType");
    let (_, el, _) = malformed(r#"{"resourceType":"Bundle","entry":[{"resource":{"id":"x"}}]}"#);
    assert_eq!(el, "resourceType");
}

#[test]
fn errors_display_as_one_line() {
    let e = parse_bundle(r#"{"resourceType":"Bundle","total":"sju"}"#).unwrap_err();
    assert_eq!(e.to_string(), "Bundle: total: not a number");
}

/// Every MedicationRequest and MedicationDispense of the fixtures, as its own JSON text.
fn medication_resources() -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    for f in [
        "medication-requests-page1.json",
        "medication-requests-page2.json",
        "medication-requests-special.json",
        "medication-dispenses.json",
    ] {
        let b: serde_json::Value = serde_json::from_str(&fixture(f)).unwrap();
        for e in b["entry"].as_array().unwrap() {
            out.push(e["resource"].clone());
        }
    }
    out
}

/// The typed reading of `v` (`None`: it gave up) and the general reader's.
fn both_readings(v: &serde_json::Value) -> (Option<Resource>, Result<Resource, ModelError>) {
    let text = v.to_string();
    (model::read_typed(&text), parse_resource(&text))
}

#[test]
fn typed_reading_answers_as_the_general_reader_or_gives_up() {
    let mut typed = Vec::new();
    for v in medication_resources() {
        let (fast, general) = both_readings(&v);
        if let Some(fast) = fast {
            assert_eq!(Ok(fast), general, "{}", v["id"]);
            typed.push(v["id"].as_str().unwrap().to_string());
        }
    }
    // The canonical ones it reads itself: prescriptions with their prescriber, e-prescription,
    // paper-prescription and credited dispenses.
    for id in [R1, R2] {
        assert!(typed.iter().any(|t| t == id), "{id} read typed");
    }
    for suffix in ['1', '4', '6'] {
        let id = format!("d4c3b2a1-0000-4000-8000-00000000000{suffix}");
        assert!(typed.contains(&id), "{id} read typed");
    }

    // A contained Patient is left to the general reader.
    let special: serde_json::Value =
        serde_json::from_str(&fixture("medication-requests-special.json")).unwrap();
    let (fast, general) = both_readings(&special["entry"][0]["resource"]);
    assert!(fast.is_none());
    assert!(general.is_ok());
}

#[test]
fn typed_reading_gives_up_on_forms_it_does_not_know() {
    let canonical = medication_resources()
        .into_iter()
        .find(|v| v["id"] == "d4c3b2a1-0000-4000-8000-000000000001")
        .unwrap();
    assert!(both_readings(&canonical).0.is_some());
    let benefit = canonical["extension"]
        .as_array()
        .unwrap()
        .iter()
        .position(|e| e["url"] == nll::fhir::EXT_BENEFIT)
        .expect("a benefit extension");

    let variant = |change: &dyn Fn(&mut serde_json::Value)| {
        let mut v = canonical.clone();
        change(&mut v);
        both_readings(&v)
    };
    // An "also read" value form: the general reader reads it.
    let (fast, general) = variant(&|v| {
        v["extension"][benefit] =
            serde_json::json!({"url": nll::fhir::EXT_BENEFIT, "valueCoding": {"code": "F"}});
    });
    assert!(fast.is_none());
    match general.unwrap() {
        Resource::MedicationDispense(d) => assert_eq!(d.benefit.as_deref(), Some("F")),
        other => panic!("{other:?}"),
    }
    // Wrong types, and an array where FHIR has an object: the general reader's error stands.
    for change in [
        &(|v: &mut serde_json::Value| v["quantity"]["value"] = "30".into())
            as &dyn Fn(&mut serde_json::Value),
        &|v| v["subject"] = serde_json::json!([v["subject"]["reference"]]),
        &|v| v["extension"][benefit]["valueString"] = serde_json::json!(["med förmån"]),
        &|v| v["whenHandedOver"] = "i tisdags".into(),
    ] {
        let (fast, general) = variant(change);
        assert!(fast.is_none());
        assert!(general.is_err());
    }
    // Unknown members and extensions are skipped, kept in `raw`, and read alike.
    let (fast, general) = variant(&|v| {
        v["nllUnknownElement"] = serde_json::json!({"kept": [1, 2.50, {"a": null}]});
        v["extension"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({"url": "https://example.org/okand", "valueReference": {"reference": "X/1"}}));
        v["substitution"] = serde_json::Value::Null;
    });
    let fast = fast.expect("read typed");
    assert_eq!(Ok(fast.clone()), general);
    assert_eq!(
        fast.raw().value()["nllUnknownElement"]["kept"][1],
        serde_json::json!(2.50)
    );

    // A member twice: JSON trees keep the last; the typed reading leaves it to them.
    let text = canonical.to_string().replacen(
        "\"status\":\"completed\"",
        "\"status\":\"in-progress\",\"status\":\"completed\"",
        1,
    );
    assert!(model::read_typed(&text).is_none());
    match parse_resource(&text).unwrap() {
        Resource::MedicationDispense(d) => assert_eq!(d.status.as_deref(), Some("completed")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_page_is_read_in_one_pass_as_step_by_step() {
    for f in [
        "datalocks-margareta.json",
        "listinfo-margareta.json",
        "listinfo-protected.json",
        "medication-dispenses.json",
        "medication-requests-page1.json",
        "medication-requests-page2.json",
        "medication-requests-special.json",
        "patient-margareta.json",
        "patient-none.json",
        "patient-protected.json",
        "patient-samordningsnummer.json",
        "related-person.json",
    ] {
        let text = fixture(f);
        let streamed = model::parse_bundle_streamed(&text).unwrap_or_else(|| panic!("{f}"));
        assert_eq!(streamed, model::parse_bundle_checked(&text).unwrap(), "{f}");
    }
    // `entry: null` is no entries, read in one pass.
    let null_entry = r#"{"resourceType":"Bundle","type":"searchset","entry":null}"#;
    let b = model::parse_bundle_streamed(null_entry).expect("one pass");
    assert!(b.entries.is_empty());
    assert_eq!(b, model::parse_bundle_checked(null_entry).unwrap());
}

#[test]
fn an_unusual_page_is_read_step_by_step_and_its_problem_named() {
    let dispense = fixture("medication-dispenses.json");
    let first: serde_json::Value = serde_json::from_str(&dispense).unwrap();
    let resource = first["entry"][0]["resource"].to_string();
    for json in [
        // An entry without its resource, or with something else there.
        r#"{"resourceType":"Bundle","entry":[{"fullUrl":"x"}]}"#.to_string(),
        r#"{"resourceType":"Bundle","entry":[{"resource":[1]}]}"#.to_string(),
        r#"{"resourceType":"Bundle","entry":[{"resource":null}]}"#.to_string(),
        // `entry` not an array, an entry not an object.
        r#"{"resourceType":"Bundle","entry":{"resource":{}}}"#.to_string(),
        r#"{"resourceType":"Bundle","entry":[7]}"#.to_string(),
        // A member twice: JSON trees keep the last one.
        format!(r#"{{"resourceType":"Bundle","entry":[{{"resource":{resource}}}],"entry":[]}}"#),
        format!(
            r#"{{"resourceType":"Bundle","total":1,"total":2,"entry":[{{"resource":{resource}}}]}}"#
        ),
        format!(
            r#"{{"resourceType":"Bundle","entry":[{{"resource":{resource},"resource":{resource}}}]}}"#
        ),
        // A resource the reader refuses; text after the page.
        r#"{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"MedicationDispense"}}]}"#
            .to_string(),
        format!(r#"{{"resourceType":"Bundle","entry":[{{"resource":{resource}}}]}} x"#),
        // Not a Bundle.
        resource.clone(),
        "[]".to_string(),
    ] {
        assert!(model::parse_bundle_streamed(&json).is_none(), "{json}");
        assert_eq!(
            parse_bundle(&json),
            model::parse_bundle_checked(&json),
            "{json}"
        );
    }
    let twice = format!(
        r#"{{"resourceType":"Bundle","total":1,"total":2,"entry":[{{"resource":{resource}}}]}}"#
    );
    assert_eq!(parse_bundle(&twice).unwrap().total, Some(2));
    assert_eq!(
        malformed(r#"{"resourceType":"Bundle","entry":[{"fullUrl":"x"}]}"#).1,
        "entry[0].resource"
    );
}
