//! Protected personal data: fail-closed detection and the one masking function.

use chrono::NaiveDate;
use nll::list::{build, ListInput};
use nll::masking::{detect_protection, mask, reveal};
use nll::model::{parse_bundle, Bundle, Coding, Patient};
use nll::*;
use proptest::prelude::*;

fn fixture(name: &str) -> Bundle {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    parse_bundle(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn labels() -> Vec<String> {
    vec!["sekretessmarkering".into(), "skyddadFolkbokforing".into()]
}

fn ctx() -> ListContext {
    ListContext {
        flow: Flow::Expediering,
        purpose: Purpose::Expediering,
        access: AccessType::UtanKravSamtycke,
        as_of: d(2025, 3, 15),
        window_from: Some(d(2023, 3, 15)),
    }
}

fn margareta_input() -> ListInput {
    let bundles: Vec<Bundle> = [
        "patient-margareta.json",
        "listinfo-margareta.json",
        "medication-requests-page1.json",
        "medication-requests-page2.json",
        "medication-requests-special.json",
        "medication-dispenses.json",
        "datalocks-margareta.json",
    ]
    .into_iter()
    .map(fixture)
    .collect();
    ListInput::from_bundles(bundles)
}

fn margareta() -> Patient {
    fixture("patient-margareta.json")
        .patients()
        .next()
        .unwrap()
        .clone()
}

fn with_label(system: Option<&str>, code: &str) -> Patient {
    let mut p = margareta();
    p.security.push(Coding {
        system: system.map(str::to_string),
        code: Some(code.to_string()),
        display: None,
    });
    p
}

#[test]
fn detection_is_fail_closed() {
    let sl = Some(fhir::SYSTEM_SECURITY_LABEL);
    assert_eq!(
        detect_protection(&margareta(), None, &labels()),
        (false, vec![])
    );
    assert_eq!(
        detect_protection(&with_label(sl, "skyddadFolkbokforing"), None, &labels()),
        (true, vec!["security:skyddadFolkbokforing".to_string()])
    );
    // A label from the protection system that the policy does not know: protected.
    assert_eq!(
        detect_protection(&with_label(sl, "fingeradeUppgifter"), None, &labels()),
        (
            true,
            vec!["security-unknown:fingeradeUppgifter".to_string()]
        )
    );
    // A configured label counts whatever its system; an unknown one without a system too.
    assert!(
        detect_protection(
            &with_label(Some("urn:x"), "sekretessmarkering"),
            None,
            &labels()
        )
        .0
    );
    assert!(detect_protection(&with_label(None, "X1"), None, &labels()).0);
    let v3 = Some("http://terminology.hl7.org/CodeSystem/v3-Confidentiality");
    assert!(detect_protection(&with_label(v3, "V"), None, &labels()).0);
    assert!(!detect_protection(&with_label(v3, "N"), None, &labels()).0);
    // A label of an unrelated system is not a protection signal.
    assert!(!detect_protection(&with_label(Some("urn:other"), "N"), None, &labels()).0);

    let mut named = margareta();
    named.name = Some("PERSONUPPGIFT SKYDDAD ".into());
    assert_eq!(
        detect_protection(&named, None, &labels()),
        (true, vec!["name".to_string()])
    );

    let li = fixture("listinfo-protected.json")
        .list_infos()
        .next()
        .unwrap()
        .clone();
    assert_eq!(
        detect_protection(&margareta(), Some(&li), &labels()),
        (true, vec!["list-info".to_string()])
    );
    // With the labels configured away, an otherwise known label still fails closed.
    assert!(detect_protection(&with_label(sl, "sekretessmarkering"), None, &[]).0);
}

#[test]
fn unprotected_list_passes_unchanged() {
    let list = build(margareta_input(), ctx(), &labels());
    assert!(!list.patient.protected);
    let m = mask(&list);
    assert!(!m.masked);
    assert!(m.record.is_empty());
    assert_eq!(m.list, list);
}

/// Every location-revealing value in the fixtures for Margareta.
const LOCATION_VALUES: &[&str] = &[
    "Margareta Lindberg",
    "Svartbäcksgatan",
    "753 20",
    "070-412 38 56",
    "margareta.lindberg@exempel.se",
    "0380",
    "Karin Holm",
    "Vårdcentralen Gottsunda",
    "0380123401",
    "Gottsunda allé",
    "018-611 47 00",
    "Erik Sandberg",
    "Folktandvården Sävja",
    "Sara Ek",
    "Diabetesmottagningen",
    "Apotek Hjärtat Stora Torget",
    "7350005042103",
    "Stora Torget 1",
    "Apoteket Gränby",
    "7350005047375",
    "Kronans Apotek Svartbäcken",
    "7350002178515",
    "Apotek Produktion & Laboratorier Dos Uppsala",
    "018-430 30 00",
    "Lina Berg",
    "Närakuten Flemingsberg",
    "Uppsala",
];

#[test]
fn protected_list_from_fixtures_is_masked_and_revealable() {
    let mut input = margareta_input();
    input.patient.as_mut().unwrap().security.push(Coding {
        system: Some(fhir::SYSTEM_SECURITY_LABEL.into()),
        code: Some("sekretessmarkering".into()),
        display: None,
    });
    let list = build(input, ctx(), &labels());
    let before = serde_json::to_string(&list).unwrap();
    for v in LOCATION_VALUES {
        assert!(before.contains(v), "fixture no longer has {v}");
    }

    let m = mask(&list);
    assert!(m.masked);
    let json = serde_json::to_string(&m).unwrap();
    for v in LOCATION_VALUES {
        assert!(!json.contains(v), "{v} survived masking");
    }
    assert!(!json.contains("\"kind\":\"clear\""));
    // What is not location-revealing stays: personnummer, professions, products.
    assert!(json.contains("195403122384"));
    assert!(json.contains("Läkare") && json.contains("Tandläkare"));
    assert!(json.contains("Metformin Teva"));

    let keys: Vec<&str> = m.record.iter().map(|r| r.key.as_str()).collect();
    let unique: std::collections::HashSet<_> = keys.iter().collect();
    assert_eq!(unique.len(), keys.len(), "keys are unique");
    assert!(keys.contains(&"patient.name"));
    assert!(keys.contains(&"patient.address"));
    let d1 = "disp/d4c3b2a1-0000-4000-8000-000000000001";
    assert_eq!(
        reveal(&list, &format!("{d1}/pharmacy.gln")),
        Some((
            MaskedFieldKind::DispensingPharmacyGln,
            "7350005042103".into()
        ))
    );
    let r1 = "rx/e1a2b3c4-0000-4000-8000-000000000001";
    assert_eq!(
        reveal(&list, &format!("{r1}/prescriber.workplace_name")),
        Some((
            MaskedFieldKind::PrescriberWorkplace,
            "Vårdcentralen Gottsunda".into()
        ))
    );
    assert_eq!(
        m.list.patient.name,
        Guarded::Masked {
            key: "patient.name".into()
        }
    );
    assert_eq!(reveal(&list, "patient.nothing"), None);
    // Masking the same list twice gives the same keys (stable).
    assert_eq!(mask(&list).record, m.record);
}

// ---------------------------------------------------------------------------------------------
// Property: for generated lists of protected patients, no location-revealing value survives.

/// Location values are the only strings with capitals and Swedish letters; every other string
/// in a generated list is lowercase ASCII or digits, so a hit can only be a leak.
fn loc() -> impl Strategy<Value = String> {
    "[A-ZÅÄÖ][a-zåäö]{2,8} [0-9]{1,3}[A-Z]{2}"
}

fn oloc() -> impl Strategy<Value = Option<Guarded>> {
    prop::option::of(loc().prop_map(Guarded::clear))
}

fn prescriber() -> impl Strategy<Value = PrescriberView> {
    (
        oloc(),
        oloc(),
        oloc(),
        oloc(),
        oloc(),
        prop::option::of("[a-z]{4,9}"),
    )
        .prop_map(
            |(
                name,
                workplace_name,
                workplace_code,
                workplace_address,
                workplace_phone,
                profession,
            )| {
                PrescriberView {
                    name,
                    profession,
                    workplace_name,
                    workplace_code,
                    workplace_address,
                    workplace_phone,
                }
            },
        )
}

fn product() -> impl Strategy<Value = Product> {
    ("[a-z]{3,10}", prop::option::of("[a-z]{3,8}")).prop_map(|(name, substance)| Product {
        name,
        substance,
        form: Some("tablett".into()),
        strength: Some("10 mg".into()),
        pack_size: Some("30 st".into()),
        atc: Some("c07ab02".into()),
        npl_id: Some("19900101000012".into()),
        npl_pack_id: None,
        consumable: false,
    })
}

fn prescription() -> impl Strategy<Value = PrescriptionView> {
    (
        "[a-c]{1,2}", // few ids, so duplicates happen and keys must stay unique
        product(),
        prescriber(),
        oloc(),
        oloc(),
        oloc(),
        any::<bool>(),
    )
        .prop_map(
            |(id, product, prescriber, receiving, dose_name, dose_phone, dos)| PrescriptionView {
                id,
                chain_id: Some("chain".into()),
                group: RxGroup::Current,
                end: None,
                status: "active".into(),
                authored_on: Some(NaiveDate::from_ymd_opt(2025, 1, 2).unwrap()),
                valid_from: None,
                valid_until: None,
                product,
                dosage: Some("1 x 1".into()),
                packages: Some(1),
                dispenses_allowed: Some(4),
                dispenses_made: 0,
                substitution_allowed: Some(true),
                benefit: Some("med förmån".into()),
                treatment_reason: TreatmentReason::Shown {
                    text: "diabetes".into(),
                },
                prescriber,
                receiving_pharmacy: receiving,
                dos,
                dose_pharmacy_name: dose_name,
                dose_pharmacy_phone: dose_phone,
                markers: vec![],
            },
        )
}

fn dispense() -> impl Strategy<Value = DispenseView> {
    (
        "[a-c]{1,2}",
        product(),
        prescriber(),
        oloc(),
        oloc(),
        oloc(),
        any::<bool>(),
    )
        .prop_map(
            |(id, product, prescriber, name, gln, address, paper)| DispenseView {
                id,
                prescription_id: None,
                channel: if paper {
                    DispenseChannel::Paper
                } else {
                    DispenseChannel::EPrescription
                },
                handed_over: Some(NaiveDate::from_ymd_opt(2025, 2, 3).unwrap()),
                product,
                packages: Some(1),
                quantity: Some("30 st".into()),
                dosage: None,
                prescriber,
                pharmacy: PharmacyView { name, gln, address },
                credited: None,
                substituted: Some(false),
                benefit: None,
                markers: vec![],
            },
        )
}

fn list(protected: bool) -> impl Strategy<Value = MedicationList> {
    (
        loc(),
        oloc(),
        oloc(),
        oloc(),
        oloc(),
        oloc(),
        prop::collection::vec(prescription(), 0..6),
        prop::collection::vec(dispense(), 0..6),
    )
        .prop_map(
            move |(name, address, municipality, region, phone, email, prescriptions, dispenses)| {
                MedicationList {
                    patient: PatientView {
                        nll_id: Some("0000-1111".into()),
                        personnummer: Some("195403122384".into()),
                        id_kind: Some(ids::IdKind::Personnummer),
                        personnummer_display: Some("540312-2384".into()),
                        name: Guarded::clear(name),
                        birth_date: Some(NaiveDate::from_ymd_opt(1954, 3, 12).unwrap()),
                        age: Some(71),
                        deceased: false,
                        address,
                        municipality_code: municipality,
                        region_code: region,
                        phone,
                        email,
                        protected,
                        protection_signals: if protected {
                            vec!["security:sekretessmarkering".into()]
                        } else {
                            vec![]
                        },
                    },
                    info: ListInfoView {
                        version: Some(1),
                        controlled_drugs: false,
                        privacy_lock: false,
                        dos_patient: false,
                    },
                    context: ctx(),
                    prescriptions,
                    dispenses,
                    locks: vec![],
                    notices: vec![],
                    unknown_resources: vec![],
                }
            },
        )
}

/// Every clear location value in a list (what masking must remove).
fn clear_values(l: &MedicationList) -> Vec<String> {
    let json = serde_json::to_value(l).unwrap();
    let mut out = Vec::new();
    fn walk(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(o) => {
                if o.get("kind").and_then(|k| k.as_str()) == Some("clear") {
                    if let Some(s) = o.get("value").and_then(|x| x.as_str()) {
                        out.push(s.to_string());
                    }
                }
                o.values().for_each(|x| walk(x, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    walk(&json, &mut out);
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn no_location_value_survives_masking(l in list(true)) {
        let secrets = clear_values(&l);
        prop_assert!(!secrets.is_empty());
        let m = mask(&l);
        prop_assert!(m.masked);
        let json = serde_json::to_string(&m).unwrap();
        for s in &secrets {
            prop_assert!(!json.contains(s.as_str()), "{} survived", s);
        }
        prop_assert_eq!(m.record.len(), secrets.len());
        let keys: std::collections::HashSet<_> = m.record.iter().map(|r| &r.key).collect();
        prop_assert_eq!(keys.len(), m.record.len());
        // Each key reveals exactly the value it replaced.
        let mut revealed: Vec<String> =
            m.record.iter().map(|r| reveal(&l, &r.key).unwrap().1).collect();
        let mut expected = secrets.clone();
        revealed.sort();
        expected.sort();
        prop_assert_eq!(revealed, expected);
    }

    #[test]
    fn unprotected_lists_pass_unchanged(l in list(false)) {
        let m = mask(&l);
        prop_assert!(!m.masked);
        prop_assert!(m.record.is_empty());
        prop_assert_eq!(m.list, l);
    }
}

#[test]
fn unknown_resource_ids_are_dropped_for_protected_patients() {
    let bundles = [
        fixture("patient-protected.json"),
        parse_bundle(
            r#"{"resourceType":"Bundle","type":"searchset","entry":[
            {"resource":{"resourceType":"Location","id":"7350005042103","name":"Apotek"}}]}"#,
        )
        .unwrap(),
    ];
    let list = build(ListInput::from_bundles(bundles), ctx(), &labels());
    assert_eq!(list.unknown_resources, ["Location/7350005042103"]);
    let m = mask(&list);
    assert_eq!(m.list.unknown_resources, ["Location"]);
    assert!(!serde_json::to_string(&m).unwrap().contains("7350005042103"));
}
