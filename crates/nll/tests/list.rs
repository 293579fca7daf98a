//! The medication-list view model built from the fixtures, per flow.

use chrono::NaiveDate;
use nll::list::{build, ListInput};
use nll::model::{parse_bundle, Bundle, DataLock};
use nll::*;

fn fixture(name: &str) -> Bundle {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    parse_bundle(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

const AS_OF: (i32, u32, u32) = (2025, 3, 15);

fn labels() -> Vec<String> {
    vec!["sekretessmarkering".into(), "skyddadFolkbokforing".into()]
}

fn ctx(flow: Flow, window_from: Option<NaiveDate>) -> ListContext {
    let (purpose, access) = match flow {
        Flow::Expediering => (Purpose::Expediering, AccessType::UtanKravSamtycke),
        Flow::ExpedieringBehandlingsorsak => (
            Purpose::Expediering,
            AccessType::TillfalligtSamtyckeBehandlingsorsak,
        ),
        Flow::Lakemedelsstod => (
            Purpose::UnderlattandeLakemedelsanvandning,
            AccessType::TillfalligtSamtycke,
        ),
        Flow::LakemedelsstodDos => (
            Purpose::UnderlattandeLakemedelsanvandning,
            AccessType::DospatientsUppgifter,
        ),
        Flow::EgnaUppgifter => (Purpose::LasaEgnaUppgifter, AccessType::EgnaUppgifter),
        Flow::Ombud => (Purpose::LasaEgnaUppgifter, AccessType::Kopfullmakt),
        Flow::Vardnadshavare => (Purpose::LasaEgnaUppgifter, AccessType::Vardnadshavare),
        _ => (Purpose::Expediering, AccessType::UtanKravSamtycke),
    };
    ListContext {
        flow,
        purpose,
        access,
        as_of: d(AS_OF.0, AS_OF.1, AS_OF.2),
        window_from,
    }
}

/// Margareta's whole answer: patient, list info, both prescription pages, dispenses, locks.
fn margareta(with_locks: bool) -> ListInput {
    let mut files = vec![
        "patient-margareta.json",
        "listinfo-margareta.json",
        "medication-requests-page1.json",
        "medication-requests-page2.json",
        "medication-dispenses.json",
    ];
    if with_locks {
        files.push("datalocks-margareta.json");
    }
    let bundles: Vec<Bundle> = files.into_iter().map(fixture).collect();
    ListInput::from_bundles(bundles)
}

#[test]
fn a_resource_handed_over_twice_is_shown_once_in_its_highest_version() {
    let plain = build(margareta(false), ctx(Flow::EgnaUppgifter, None), &labels());
    let mut input = margareta(false);
    let first = input.dispenses[0].clone();
    // A later version on a later page, and an older one after it.
    let mut newer = first.clone();
    newer.version = Some("9".into());
    newer.packages = Some(7);
    let mut older = first.clone();
    older.version = Some("0".into());
    older.packages = Some(1);
    input.dispenses.push(newer);
    input.dispenses.push(older);
    let l = build(input, ctx(Flow::EgnaUppgifter, None), &labels());
    let ids =
        |l: &nll::MedicationList| l.dispenses.iter().map(|d| d.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&l), ids(&plain), "one of each, in the order first seen");
    let shown = l.dispenses.iter().find(|d| d.id == first.id).unwrap();
    assert_eq!(shown.packages, Some(7));
}

#[test]
fn the_list_input_holds_typed_fields_without_the_pages_text() {
    let input = margareta(true);
    assert!(!input.dispenses.is_empty() && !input.prescriptions.is_empty());
    let raws = input
        .dispenses
        .iter()
        .map(|d| &d.raw)
        .chain(input.prescriptions.iter().map(|r| &r.raw))
        .chain(
            input
                .prescriptions
                .iter()
                .filter_map(|r| r.requester.as_ref().map(|p| &p.raw)),
        )
        .chain(input.patient.iter().map(|p| &p.raw))
        .chain(input.locks.iter().map(|l| &l.raw));
    for raw in raws {
        assert_eq!(raw.text(), "null");
    }
}

fn rx_id(n: u8) -> String {
    format!("e1a2b3c4-0000-4000-8000-00000000000{n}")
}

fn disp_id(n: u8) -> String {
    format!("d4c3b2a1-0000-4000-8000-00000000000{n}")
}

fn rx(l: &MedicationList, n: u8) -> &PrescriptionView {
    let id = rx_id(n);
    l.prescriptions.iter().find(|p| p.id == id).unwrap()
}

fn disp(l: &MedicationList, n: u8) -> &DispenseView {
    let id = disp_id(n);
    l.dispenses.iter().find(|p| p.id == id).unwrap()
}

fn codes(l: &MedicationList) -> Vec<&str> {
    l.notices.iter().map(|n| n.code.as_str()).collect()
}

fn expediering() -> MedicationList {
    build(
        margareta(true),
        ctx(Flow::Expediering, Some(d(2023, 3, 15))),
        &labels(),
    )
}

#[test]
fn patient_view() {
    let l = expediering();
    let p = &l.patient;
    assert_eq!(
        p.nll_id.as_deref(),
        Some("3f6c2b1e-8d4a-4c1b-9e2f-5a7d8c9b0a12")
    );
    assert_eq!(p.personnummer.as_deref(), Some("195403122384"));
    assert_eq!(p.personnummer_display.as_deref(), Some("540312-2384"));
    assert_eq!(p.id_kind, Some(ids::IdKind::Personnummer));
    assert_eq!(p.name.text(), Some("Margareta Lindberg"));
    assert_eq!(p.age, Some(71));
    assert_eq!(p.birth_date, Some(d(1954, 3, 12)));
    assert_eq!(
        p.address.as_ref().and_then(Guarded::text),
        Some("Svartbäcksgatan 24 lgh 1102, 753 20 Uppsala")
    );
    assert_eq!(
        p.municipality_code.as_ref().and_then(Guarded::text),
        Some("0380")
    );
    assert!(!p.protected);
    assert!(p.protection_signals.is_empty());
    assert!(l.info.privacy_lock);
    assert_eq!(l.info.version, Some(17));
}

#[test]
fn groups_and_order() {
    let l = expediering();
    let order: Vec<_> = l.prescriptions.iter().map(|p| p.id.clone()).collect();
    assert_eq!(
        order,
        [3, 2, 7, 1, 6, 5, 4].map(rx_id),
        "newest issue date first"
    );
    let g = |n| (rx(&l, n).group, rx(&l, n).end);
    assert_eq!(g(1), (RxGroup::Current, None));
    assert_eq!(g(2), (RxGroup::Current, None));
    assert_eq!(g(7), (RxGroup::Current, None));
    assert_eq!(g(3), (RxGroup::Future, None));
    assert_eq!(g(4), (RxGroup::Past, Some(RxEnd::Expired)));
    assert_eq!(g(5), (RxGroup::Past, Some(RxEnd::Cancelled)));
    assert_eq!(g(6), (RxGroup::Past, Some(RxEnd::Completed)));
}

#[test]
fn group_boundaries_are_inclusive() {
    let mut input = margareta(false);
    input.prescriptions.retain(|p| p.id == rx_id(3));
    // Omeprazol is valid from 2025-04-01.
    let mut c = ctx(Flow::Expediering, None);
    c.as_of = d(2025, 3, 31);
    assert_eq!(
        build(input.clone(), c.clone(), &labels()).prescriptions[0].group,
        RxGroup::Future
    );
    c.as_of = d(2025, 4, 1);
    assert_eq!(
        build(input.clone(), c.clone(), &labels()).prescriptions[0].group,
        RxGroup::Current
    );
    c.as_of = d(2026, 2, 28);
    assert_eq!(
        build(input.clone(), c.clone(), &labels()).prescriptions[0].group,
        RxGroup::Current
    );
    c.as_of = d(2026, 3, 1);
    let l = build(input, c, &labels());
    assert_eq!(
        (l.prescriptions[0].group, l.prescriptions[0].end),
        (RxGroup::Past, Some(RxEnd::Expired))
    );
}

#[test]
fn prescription_details() {
    let l = expediering();
    let p = rx(&l, 1);
    assert_eq!(p.product.name, "Metformin Teva");
    assert_eq!(p.product.substance.as_deref(), Some("metformin"));
    assert_eq!(p.product.form.as_deref(), Some("tablett"));
    assert_eq!(p.product.strength.as_deref(), Some("500 mg"));
    assert_eq!(p.product.pack_size.as_deref(), Some("100 st"));
    assert_eq!(p.product.atc.as_deref(), Some("A10BA02"));
    assert_eq!(p.packages, Some(1));
    assert_eq!(p.dispenses_allowed, Some(4));
    // D1 and D3; D2 was credited.
    assert_eq!(p.dispenses_made, 2);
    assert_eq!(p.benefit.as_deref(), Some("med förmån"));
    assert_eq!(p.substitution_allowed, Some(true));
    assert_eq!(p.prescriber.profession.as_deref(), Some("Läkare"));
    assert_eq!(
        p.prescriber.workplace_name.as_ref().and_then(Guarded::text),
        Some("Vårdcentralen Gottsunda")
    );
    assert!(p.markers.is_empty());
    assert_eq!(rx(&l, 2).dispenses_made, 1);
    assert_eq!(rx(&l, 2).packages, Some(3));
    assert_eq!(
        rx(&l, 2)
            .receiving_pharmacy
            .as_ref()
            .and_then(Guarded::text),
        Some("Apotek Hjärtat Stora Torget")
    );
    assert_eq!(rx(&l, 6).dispenses_made, 1);
    assert_eq!(rx(&l, 3).dispenses_made, 0);
    assert!(rx(&l, 7).product.consumable);
}

#[test]
fn dispenses_channels_credit_and_fallbacks() {
    let l = expediering();
    let order: Vec<_> = l.dispenses.iter().map(|x| x.id.clone()).collect();
    assert_eq!(
        order,
        [1, 5, 3, 6, 2, 4].map(disp_id),
        "newest hand-over first"
    );
    assert_eq!(disp(&l, 1).handed_over, Some(d(2025, 2, 21)));
    assert_eq!(disp(&l, 1).channel, DispenseChannel::EPrescription);
    assert_eq!(disp(&l, 5).channel, DispenseChannel::Paper);
    let credited = disp(&l, 2).credited.as_ref().unwrap();
    assert_eq!(credited.date, Some(d(2024, 12, 3)));
    assert_eq!(credited.comment.as_deref(), Some("Fel styrka expedierad"));
    assert!(disp(&l, 1).credited.is_none());
    // No dosage on the dispense: the prescription's.
    assert_eq!(disp(&l, 6).dosage.as_deref(), Some("1 tablett på morgonen"));
    assert_eq!(
        disp(&l, 5).dosage.as_deref(),
        Some("1 kapsel 3 gånger dagligen i 7 dagar")
    );
    assert_eq!(
        disp(&l, 1).dosage.as_deref(),
        Some("1 tablett 2 gånger dagligen i samband med måltid")
    );
    // Prescriber of an e-prescription dispense: from the referenced prescription.
    let p3 = &disp(&l, 3).prescriber;
    assert_eq!(p3.name.as_ref().and_then(Guarded::text), Some("Karin Holm"));
    assert_eq!(p3.profession.as_deref(), Some("Läkare"));
    let p5 = &disp(&l, 5).prescriber;
    assert_eq!(
        p5.name.as_ref().and_then(Guarded::text),
        Some("Erik Sandberg")
    );
    assert_eq!(p5.profession.as_deref(), Some("Tandläkare"));
    // Pharmacy, quantity text kept.
    let ph = &disp(&l, 3).pharmacy;
    assert_eq!(
        ph.gln.as_ref().and_then(Guarded::text),
        Some("7350002178515")
    );
    assert_eq!(
        ph.name.as_ref().and_then(Guarded::text),
        Some("Kronans Apotek Svartbäcken")
    );
    assert_eq!(disp(&l, 6).quantity.as_deref(), Some("300.0 st"));
    assert_eq!(disp(&l, 6).packages, Some(3));
    assert_eq!(disp(&l, 4).benefit.as_deref(), Some("utan förmån"));
    // Product from the dispense itself.
    assert_eq!(disp(&l, 5).product.name, "Amimox");
}

#[test]
fn locks_become_markers() {
    let l = expediering();
    assert_eq!(l.locks.len(), 3);
    assert_eq!(rx(&l, 5).markers, [DisclosureMarker::PrivacyLocked]);
    assert_eq!(rx(&l, 2).markers, [DisclosureMarker::ReasonNotToPatient]);
    assert_eq!(disp(&l, 5).markers, [DisclosureMarker::PrivacyLocked]);
    assert_eq!(disp(&l, 6).markers, [DisclosureMarker::ReasonNotToPatient]);
    assert!(disp(&l, 1).markers.is_empty());
}

#[test]
fn guardian_lock_marks_for_staff_and_hides_for_guardian() {
    let mut input = margareta(true);
    let mut lock: DataLock = input.locks[1].clone();
    lock.id = "lock-guardian".into();
    lock.against = LockAgainst::Guardian;
    lock.content = LockContent::Whole;
    lock.chain_id = rx(&expediering(), 1).chain_id.clone();
    input.locks.push(lock);

    let staff = build(
        input.clone(),
        ctx(Flow::Expediering, Some(d(2023, 3, 15))),
        &labels(),
    );
    assert_eq!(rx(&staff, 1).markers, [DisclosureMarker::NotToGuardian]);
    assert_eq!(disp(&staff, 1).markers, [DisclosureMarker::NotToGuardian]);

    let guardian = build(input, ctx(Flow::Vardnadshavare, None), &labels());
    assert!(guardian.prescriptions.iter().all(|p| p.id != rx_id(1)));
    // D1, D2, D3 belong to the locked chain.
    assert_eq!(guardian.dispenses.len(), 3);
    let hidden = guardian
        .notices
        .iter()
        .find(|n| n.code == "locked-hidden")
        .unwrap();
    assert_eq!(hidden.sv, "1 förskrivning är spärrad och visas inte.");
    let hidden = guardian
        .notices
        .iter()
        .find(|n| n.code == "locked-dispenses-hidden")
        .unwrap();
    assert_eq!(hidden.sv, "3 uttag är spärrade och visas inte.");
    assert!(codes(&guardian).contains(&"guardian-filter"));
}

#[test]
fn expediering_notices_and_withheld_reasons() {
    let l = expediering();
    let window = l
        .notices
        .iter()
        .find(|n| n.code == "window-24-months")
        .unwrap();
    assert_eq!(
        window.sv,
        "Visar uppgifter registrerade de senaste 24 månaderna."
    );
    // NLL withheld R2's reason; the others the flow may not show (FIL005) whatever was sent.
    assert_eq!(
        rx(&l, 2).treatment_reason,
        TreatmentReason::Withheld {
            reason: "masked".into()
        }
    );
    assert_eq!(
        rx(&l, 1).treatment_reason,
        TreatmentReason::Withheld {
            reason: "FIL005".into()
        }
    );
    assert_eq!(rx(&l, 6).treatment_reason, TreatmentReason::None);
    let withheld = l
        .notices
        .iter()
        .find(|n| n.code == "reason-withheld")
        .unwrap();
    assert!(
        withheld
            .sv
            .starts_with("Behandlingsorsak visas inte för 6 förskrivningar."),
        "{}",
        withheld.sv
    );
    // Privacy-locked data is shown in Expediering: no "hidden" notice.
    assert!(!codes(&l).contains(&"locked-hidden"));
}

#[test]
fn consent_to_reason_shows_unlocked_reasons_only() {
    let l = build(
        margareta(true),
        ctx(Flow::ExpedieringBehandlingsorsak, Some(d(2023, 3, 15))),
        &labels(),
    );
    assert_eq!(
        rx(&l, 1).treatment_reason,
        TreatmentReason::Shown {
            text: "Diabetes typ 2".into()
        }
    );
    // Sertralin's chain carries a privacy lock: the item shows, its reason does not.
    assert_eq!(
        rx(&l, 5).treatment_reason,
        TreatmentReason::Withheld {
            reason: "lock".into()
        }
    );
}

#[test]
fn window_hides_older_items_and_says_so() {
    let l = build(
        margareta(true),
        ctx(Flow::Expediering, Some(d(2024, 3, 15))),
        &labels(),
    );
    assert!(l.prescriptions.iter().all(|p| p.id != rx_id(4)));
    assert!(codes(&l).contains(&"window-12-months"));
    let n = l
        .notices
        .iter()
        .find(|n| n.code == "outside-window-hidden")
        .unwrap();
    assert_eq!(n.sv, "1 uppgift äldre än tidsfönstret visas inte.");
}

#[test]
fn lakemedelsstod_privacy_lock_hidden_from_flag() {
    // Locks are not a resource of Läkemedelsstöd: only the list info says there are some.
    let l = build(margareta(false), ctx(Flow::Lakemedelsstod, None), &labels());
    let n = l
        .notices
        .iter()
        .find(|n| n.code == "locked-hidden")
        .unwrap();
    assert!(n.sv.contains("integritetsspärrade"), "{}", n.sv);
    assert!(l.locks.is_empty());
    assert!(!codes(&l).iter().any(|c| c.starts_with("window")));
    // FIL006: no treatment reason in Läkemedelsstöd.
    assert!(matches!(
        rx(&l, 1).treatment_reason,
        TreatmentReason::Withheld { .. }
    ));
}

#[test]
fn lakemedelsstod_hides_privacy_locked_items_a_server_sent_anyway() {
    let l = build(margareta(true), ctx(Flow::Lakemedelsstod, None), &labels());
    assert!(l.prescriptions.iter().all(|p| p.id != rx_id(5)));
    assert!(l.dispenses.iter().all(|x| x.id != disp_id(5)));
    let n = l
        .notices
        .iter()
        .find(|n| n.code == "locked-hidden")
        .unwrap();
    assert_eq!(n.sv, "1 förskrivning är spärrad och visas inte.");
    assert_eq!(n.en, "1 prescription is locked and not shown.");
    let n = l
        .notices
        .iter()
        .find(|n| n.code == "locked-dispenses-hidden")
        .unwrap();
    assert_eq!(n.sv, "1 uttag är spärrat och visas inte.");
}

#[test]
fn dos_flow_shows_privacy_locked_items() {
    let l = build(
        margareta(true),
        ctx(Flow::LakemedelsstodDos, None),
        &labels(),
    );
    assert_eq!(rx(&l, 5).markers, [DisclosureMarker::PrivacyLocked]);
    assert!(!codes(&l).contains(&"locked-hidden"));
}

#[test]
fn agent_sees_current_prescriptions_only() {
    let l = build(margareta(true), ctx(Flow::Ombud, None), &labels());
    let ids: Vec<_> = l.prescriptions.iter().map(|p| p.id.clone()).collect();
    assert_eq!(ids, [2, 7, 1].map(rx_id));
    assert!(l.prescriptions.iter().all(|p| p.group == RxGroup::Current));
    assert!(l.dispenses.is_empty());
    assert!(l.locks.is_empty());
    // The count of dispenses made still comes from what NLL returned.
    assert_eq!(rx(&l, 1).dispenses_made, 2);
    let n = l
        .notices
        .iter()
        .find(|n| n.code == "agent-current-only")
        .unwrap();
    assert!(n.sv.starts_with("Som ombud visas endast aktuella recept."));
}

#[test]
fn own_data_withholds_reason_locked_against_patient() {
    let l = build(margareta(true), ctx(Flow::EgnaUppgifter, None), &labels());
    assert!(matches!(
        rx(&l, 2).treatment_reason,
        TreatmentReason::Withheld { .. }
    ));
    assert!(codes(&l).contains(&"patient-filter"));
    // Everything else is there: the patient may see their own list whole.
    assert_eq!(l.prescriptions.len(), 7);
    assert_eq!(l.dispenses.len(), 6);
}

#[test]
fn protected_patient_is_detected() {
    let bundles = [
        fixture("patient-protected.json"),
        fixture("listinfo-protected.json"),
    ];
    let l = build(
        ListInput::from_bundles(bundles),
        ctx(Flow::Expediering, Some(d(2023, 3, 15))),
        &labels(),
    );
    assert!(l.patient.protected);
    assert_eq!(
        l.patient.protection_signals,
        ["security:sekretessmarkering", "name", "list-info"]
    );
    assert!(l.prescriptions.is_empty());
}

#[test]
fn patient_without_personnummer_from_contained_patient() {
    let bundles = [fixture("medication-requests-special.json")];
    let l = build(
        ListInput::from_bundles(bundles),
        ctx(Flow::Expediering, Some(d(2023, 3, 15))),
        &labels(),
    );
    assert_eq!(l.patient.personnummer, None);
    assert_eq!(l.patient.personnummer_display, None);
    assert_eq!(l.patient.name.text(), Some("Chidi Okafor"));
    assert_eq!(l.patient.age, Some(28));
    assert!(codes(&l).contains(&"list-info-missing"));
    let dos = l.prescriptions.iter().find(|p| p.dos).unwrap();
    assert_eq!(dos.authored_on, Some(d(2025, 2, 1)));
    assert_eq!(
        dos.dose_pharmacy_phone.as_ref().and_then(Guarded::text),
        Some("018-430 30 00")
    );
}

#[test]
fn samordningsnummer_patient() {
    let bundles = [fixture("patient-samordningsnummer.json")];
    let l = build(
        ListInput::from_bundles(bundles),
        ctx(Flow::Expediering, None),
        &labels(),
    );
    assert_eq!(l.patient.id_kind, Some(ids::IdKind::Samordningsnummer));
    assert_eq!(
        l.patient.personnummer_display.as_deref(),
        Some("900274-2733")
    );
    assert_eq!(l.patient.age, Some(35));
}

#[test]
fn unknown_resources_are_counted() {
    let json = r#"{"resourceType":"Bundle","type":"searchset","entry":[
        {"resource":{"resourceType":"DetectedIssue","id":"di1","status":"final"}}]}"#;
    let mut bundles = vec![parse_bundle(json).unwrap()];
    bundles.push(fixture("patient-margareta.json"));
    let l = build(
        ListInput::from_bundles(bundles),
        ctx(Flow::Expediering, None),
        &labels(),
    );
    assert_eq!(l.unknown_resources, ["DetectedIssue/di1"]);
    let n = l
        .notices
        .iter()
        .find(|n| n.code == "unknown-resources")
        .unwrap();
    assert_eq!(n.sv, "NLL skickade 1 uppgift som programmet inte kan visa.");
}

#[test]
fn a_resource_repeated_across_pages_counts_once() {
    let mut input = margareta(true);
    let mut again = input.dispenses[0].clone();
    again.version = Some("2".into());
    input.dispenses.push(again);
    input.prescriptions.push(input.prescriptions[0].clone());
    let l = build(
        input,
        ctx(Flow::Expediering, Some(d(2023, 3, 15))),
        &labels(),
    );
    assert_eq!(l.prescriptions.len(), 7);
    assert_eq!(l.dispenses.len(), 6);
    assert_eq!(rx(&l, 1).dispenses_made, 2);
}

#[test]
fn one_prescription_flows_do_not_miss_the_list_info() {
    let mut input = margareta(false);
    input.list_info = None;
    input.prescriptions.retain(|p| p.id == rx_id(1));
    input.dispenses.clear();
    let l = build(
        input.clone(),
        ctx(Flow::ExpedieringBehandlingsorsak, Some(d(2023, 3, 15))),
        &labels(),
    );
    assert!(!codes(&l).contains(&"list-info-missing"));
    let l = build(
        input,
        ctx(Flow::Expediering, Some(d(2023, 3, 15))),
        &labels(),
    );
    assert!(codes(&l).contains(&"list-info-missing"));
}

#[test]
fn a_personnummer_that_does_not_parse_is_kept_without_display() {
    let mut input = margareta(false);
    input
        .patient
        .as_mut()
        .unwrap()
        .identifier
        .as_mut()
        .unwrap()
        .value = "195403122385".into();
    let l = build(input, ctx(Flow::Expediering, None), &labels());
    assert_eq!(l.patient.personnummer.as_deref(), Some("195403122385"));
    assert_eq!(l.patient.personnummer_display, None);
    // The birth date still comes from the Patient resource.
    assert_eq!(l.patient.age, Some(71));
}
