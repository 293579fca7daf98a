//! The FHIR R4 JSON the server sends: NLLPatient, NLLMedicationListInfo and NLLDataLock (Basic),
//! NLLMedicationRequest with a contained NLLPractitioner, NLLMedicationDispense and
//! NLLDispensePaperPrescription, NLLRelatedPerson, searchset Bundles. Every URL comes from
//! `nll::fhir`; the shapes are the ones `nll::model` reads.

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use chrono::NaiveDateTime;
use nll::fhir as F;
use nll::{LockAgainst, LockContent, LockKind, LockScope};
use serde_json::{json, Value};

use crate::catalogue::{
    idnum, DataLock, Dispense, History, Patient, Person, Prescription, Protection, MEDICINES,
    PHARMACIES, PRESCRIBERS, WORKPLACES,
};
use crate::filters::Reason;

pub const FHIR_JSON: &str = "application/fhir+json; charset=utf-8";

pub fn fhir_json_response(status: StatusCode, body: &Value) -> Response {
    fhir_text_response(status, body.to_string())
}

pub fn fhir_text_response(status: StatusCode, body: String) -> Response {
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = status;
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(FHIR_JSON));
    r
}

fn instant(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

pub fn patient(p: &Patient) -> Value {
    let mut meta = json!({ "profile": [F::PROFILE_PATIENT] });
    let label = match p.protection {
        Some(Protection::SkyddadFolkbokforing) => Some(F::SECURITY_SKYDDAD_FOLKBOKFORING),
        Some(Protection::Sekretessmarkering) => Some(F::SECURITY_SEKRETESSMARKERING),
        None => None,
    };
    if let Some(code) = label {
        meta["security"] = json!([{ "system": F::SYSTEM_SECURITY_LABEL, "code": code }]);
    }
    let shielded = p.protection == Some(Protection::SkyddadFolkbokforing);
    let mut extension = Vec::new();
    if !shielded {
        if let Some(m) = p.municipality_code {
            extension.push(json!({ "url": F::EXT_MUNICIPALITY_CODE, "valueString": m }));
        }
        if let Some(r) = p.region_code {
            extension.push(json!({ "url": F::EXT_REGION_CODE, "valueString": r }));
        }
    }
    extension
        .push(json!({ "url": F::EXT_POPULATION_REGISTERED, "valueBoolean": p.deceased.is_none() }));
    let (given, text) = p.nll_name();
    let name = match given {
        Some(g) => json!([{ "text": text, "family": p.family, "given": [g] }]),
        None => json!([{ "text": text }]),
    };
    let mut v = json!({
        "resourceType": "Patient",
        "id": p.id,
        "meta": meta,
        "extension": extension,
        "identifier": [{ "system": F::SYSTEM_PERSONNUMMER, "value": p.pnr }],
        "active": p.deceased.is_none(),
        "name": name,
        "gender": p.gender,
        "birthDate": p.birth_date.to_string(),
    });
    if !shielded {
        let mut telecom = Vec::new();
        if let Some(ph) = p.phone {
            telecom.push(json!({ "system": "phone", "value": ph, "use": "mobile" }));
        }
        if let Some(e) = p.email {
            telecom.push(json!({ "system": "email", "value": e }));
        }
        if !telecom.is_empty() {
            v["telecom"] = Value::Array(telecom);
        }
    }
    if let Some(d) = p.deceased {
        v["deceasedDateTime"] = json!(d.to_string());
    }
    if let Some(a) = p.nll_address() {
        v["address"] = json!([{ "use": "home", "line": [a.line], "postalCode": a.postal_code, "city": a.city }]);
    }
    v
}

pub fn list_info(p: &Patient, h: &History) -> Value {
    let privacy = h.locks.iter().any(|l| l.kind == LockKind::Privacy);
    let mut ext = vec![
        json!({ "url": F::EXT_CONTROLLED_DRUGS, "valueBoolean": h.controlled_drugs() }),
        json!({ "url": F::EXT_MEDICATIONLIST_VERSION, "valueInteger": list_version(h) }),
        json!({ "url": F::EXT_PRIVACY_LOCK, "valueBoolean": privacy }),
        json!({ "url": F::EXT_DOS_PATIENT, "valueBoolean": p.dos }),
    ];
    // Only skyddad folkbokföring is flagged here: the sekretessmarkering patient proves that a
    // single signal (the security label) is enough.
    if p.protection == Some(Protection::SkyddadFolkbokforing) {
        ext.push(json!({ "url": F::EXT_PROTECTED_PERSON, "valueBoolean": true }));
    }
    json!({
        "resourceType": "Basic",
        "id": format!("medlistinfo-{}", p.id),
        "meta": { "profile": [F::PROFILE_MEDICATION_LIST_INFO] },
        "extension": ext,
        "code": { "coding": [{ "system": F::SYSTEM_BASIC_CODE, "code": F::BASIC_MEDLISTINFO }] },
        "subject": { "reference": format!("Patient/{}", p.id) },
    })
}

fn list_version(h: &History) -> u64 {
    (h.prescriptions
        .iter()
        .map(|r| u64::from(r.version))
        .sum::<u64>()
        + h.dispenses
            .iter()
            .map(|d| u64::from(d.version))
            .sum::<u64>())
    .max(1)
}

pub fn data_lock(p: &Patient, l: &DataLock) -> Value {
    let kind = match l.kind {
        LockKind::Privacy => F::LOCK_KIND_PRIVACY,
        LockKind::Confidentiality => F::LOCK_KIND_CONFIDENTIALITY,
    };
    let scope = match l.scope {
        LockScope::PrescriptionChain => F::LOCK_SCOPE_CHAIN,
        LockScope::PaperDispenses => F::LOCK_SCOPE_PAPER,
    };
    let content = match l.content {
        LockContent::Whole => F::LOCK_CONTENT_WHOLE,
        LockContent::TreatmentReasonOnly => F::LOCK_CONTENT_REASON,
    };
    let against = match l.against {
        LockAgainst::Care => F::LOCK_AGAINST_CARE,
        LockAgainst::Guardian => F::LOCK_AGAINST_GUARDIAN,
        LockAgainst::Patient => F::LOCK_AGAINST_PATIENT,
    };
    let mut ext = vec![
        json!({ "url": F::EXT_LOCK_KIND, "valueCode": kind }),
        json!({ "url": F::EXT_LOCK_SCOPE, "valueCode": scope }),
        json!({ "url": F::EXT_LOCK_CONTENT, "valueCode": content }),
        json!({ "url": F::EXT_LOCK_AGAINST, "valueCode": against }),
    ];
    if let Some(c) = l.chain_id {
        ext.push(json!({ "url": F::EXT_PRESCRIPTION_CHAIN, "valueString": c.to_string() }));
    }
    json!({
        "resourceType": "Basic",
        "id": l.id.to_string(),
        "meta": { "profile": [F::PROFILE_DATA_LOCK] },
        "extension": ext,
        "code": { "coding": [{ "system": F::SYSTEM_BASIC_CODE, "code": F::BASIC_DATALOCK }] },
        "subject": { "reference": format!("Patient/{}", p.id) },
        "created": l.created.to_string(),
    })
}

fn medication(index: usize) -> Value {
    let m = &MEDICINES[index];
    let mut coding = vec![
        json!({ "system": F::SYSTEM_NPL_ID, "code": crate::catalogue::Medicine::npl_id(index), "display": product_display(index) }),
        json!({ "system": F::SYSTEM_NPL_PACK_ID, "code": crate::catalogue::Medicine::npl_pack_id(index), "display": m.pack_text }),
        json!({ "system": F::SYSTEM_VARUNUMMER, "code": crate::catalogue::Medicine::varunummer(index) }),
    ];
    if !m.atc.is_empty() {
        coding.push(json!({ "system": F::SYSTEM_ATC, "code": m.atc, "display": m.substance }));
    }
    let mut details = vec![
        json!({ "url": F::SUB_NAME, "valueString": m.name }),
        json!({ "url": F::SUB_FORM, "valueString": m.form }),
        json!({ "url": F::SUB_PACK_SIZE, "valueString": m.pack_text }),
    ];
    if !m.substance.is_empty() {
        details.push(json!({ "url": F::SUB_SUBSTANCE, "valueString": m.substance }));
    }
    if let Some(st) = m.strength_opt() {
        details.push(json!({ "url": F::SUB_STRENGTH, "valueString": st }));
    }
    let mut concept = json!({
        "extension": [{ "url": F::EXT_PRODUCT_DETAILS, "extension": details }],
        "coding": coding,
        "text": m.name
    });
    if m.consumable {
        concept["extension"]
            .as_array_mut()
            .expect("array")
            .push(json!({ "url": F::EXT_CONSUMABLE, "valueBoolean": true }));
    }
    concept
}

fn product_display(index: usize) -> String {
    let m = &MEDICINES[index];
    match m.strength_opt() {
        Some(s) => format!("{} {} {}", m.name, m.form, s),
        None => format!("{} {}", m.name, m.form),
    }
}

fn practitioner(index: usize, id: &str) -> Value {
    let pr = &PRESCRIBERS[index];
    let w = &WORKPLACES[pr.workplace];
    json!({
        "resourceType": "Practitioner",
        "id": id,
        "meta": { "profile": [F::PROFILE_PRACTITIONER] },
        "extension": [{
            "url": F::EXT_WORKPLACE,
            "extension": [
                { "url": F::SUB_NAME, "valueString": w.name },
                { "url": F::SUB_CODE, "valueString": w.code },
                { "url": F::SUB_ADDRESS, "valueAddress": { "line": [w.street], "postalCode": w.postal_code, "city": w.city } },
                { "url": F::SUB_PHONE, "valueString": w.phone }
            ]
        }],
        "identifier": [{ "system": F::SYSTEM_HSA_ID, "value": pr.hsa_id() }],
        "name": [{ "text": pr.name(), "family": pr.family, "given": [pr.given] }],
        "telecom": [{ "system": "phone", "value": w.phone, "use": "work" }],
        "address": [{ "use": "work", "line": [w.street], "postalCode": w.postal_code, "city": w.city }],
        "qualification": [{
            "code": {
                "coding": [{ "system": F::SYSTEM_PROFESSION, "code": pr.profession_code, "display": pr.profession }],
                "text": pr.profession
            }
        }]
    })
}

fn reason_fields(v: &mut Value, reason: &Reason<'_>) {
    match reason {
        Reason::Shown(text) => {
            push_ext(
                v,
                json!({ "url": F::EXT_TREATMENT_REASON, "valueString": text }),
            );
        }
        Reason::Withheld => {
            v["reasonCode"] = json!([{
                "extension": [{ "url": F::EXT_DATA_ABSENT_REASON, "valueCode": F::DATA_ABSENT_MASKED }]
            }]);
        }
        Reason::None => {}
    }
}

fn push_ext(v: &mut Value, e: Value) {
    match v.get_mut("extension").and_then(Value::as_array_mut) {
        Some(a) => a.push(e),
        None => v["extension"] = json!([e]),
    }
}

fn prescription_body(
    id: &str,
    subject: &str,
    medicine: usize,
    authored_on: chrono::NaiveDate,
    dosage: &str,
    reason: &Reason<'_>,
) -> Value {
    let m = &MEDICINES[medicine];
    let mut v = json!({
        "resourceType": "MedicationRequest",
        "id": id,
        "meta": { "profile": [F::PROFILE_MEDICATION_REQUEST] },
        "contained": [],
        "extension": [],
        "status": "active",
        "intent": "order",
        "medicationCodeableConcept": medication(medicine),
        "subject": { "reference": subject },
        "authoredOn": authored_on.to_string(),
        "requester": { "reference": "#prescriber" },
        "dosageInstruction": [{ "text": dosage }],
    });
    if m.consumable {
        push_ext(
            &mut v,
            json!({ "url": F::EXT_CONSUMABLE, "valueBoolean": true }),
        );
    }
    reason_fields(&mut v, reason);
    v
}

pub fn prescription(p: &Patient, rx: &Prescription, reason: &Reason<'_>) -> Value {
    let id = rx.id.to_string();
    let mut v = prescription_body(
        &id,
        &format!("Patient/{}", p.id),
        rx.medicine,
        rx.authored_on,
        &rx.dosage,
        reason,
    );
    v["meta"]["versionId"] = json!(rx.version.to_string());
    v["contained"] = json!([practitioner(rx.prescriber, "prescriber")]);
    v["identifier"] = json!([{ "system": F::SYSTEM_MEDICATION_REQUEST_ID, "value": id }]);
    v["status"] = json!(rx.status.fhir());
    push_ext(
        &mut v,
        json!({ "url": F::EXT_PRESCRIPTION_CHAIN, "valueString": rx.chain_id.to_string() }),
    );
    push_ext(
        &mut v,
        json!({ "url": F::EXT_BENEFIT, "valueString": rx.benefit }),
    );
    if rx.dos {
        push_ext(
            &mut v,
            json!({ "url": F::EXT_DOS_PRESCRIPTION, "valueBoolean": true }),
        );
        if let Some(ph) = p.dose_pharmacy {
            let d = &PHARMACIES[ph];
            push_ext(
                &mut v,
                json!({
                    "url": F::EXT_DOSE_PHARMACY,
                    "extension": [
                        { "url": F::SUB_NAME, "valueString": d.name },
                        { "url": F::SUB_PHONE, "valueString": d.phone }
                    ]
                }),
            );
        }
    }
    if let Some(c) = rx.cancelled_on {
        v["statusReason"] = json!({ "text": format!("Borttagen av förskrivaren {c}") });
    }
    let m = &MEDICINES[rx.medicine];
    v["dispenseRequest"] = json!({
        "extension": [{ "url": F::EXT_NUMBER_OF_PACKAGES, "valuePositiveInt": rx.packages }],
        "validityPeriod": { "start": rx.valid_from.to_string(), "end": rx.valid_until.to_string() },
        "numberOfRepeatsAllowed": rx.dispenses_allowed.saturating_sub(1),
        "quantity": { "value": rx.packages * m.pack_amount, "unit": m.unit },
    });
    v["substitution"] = json!({ "allowedBoolean": rx.substitution_allowed });
    v
}

fn pharmacy_location(index: usize) -> Value {
    let ph = &PHARMACIES[index];
    json!({
        "resourceType": "Location",
        "id": "pharmacy",
        "identifier": [{ "system": F::SYSTEM_GLN, "value": idnum::gln(ph.gln12) }],
        "name": ph.name,
        "telecom": [{ "system": "phone", "value": ph.phone }],
        "address": { "line": [ph.street], "postalCode": ph.postal_code, "city": ph.city }
    })
}

/// A dispense. For a paper-prescription dispense `paper_reason` says how its prescription's
/// treatment reason is shown; e-prescription dispenses carry no reason (it is on the prescription).
pub fn dispense(p: &Patient, h: &History, d: &Dispense, paper_reason: &Reason<'_>) -> Value {
    let medicine = d.medicine(h);
    let m = &MEDICINES[medicine];
    let (profile, dosage) = match (&d.paper, d.prescription) {
        (Some(paper), _) => (F::PROFILE_DISPENSE_PAPER, paper.dosage.as_str()),
        (None, Some(i)) => (
            F::PROFILE_MEDICATION_DISPENSE,
            h.prescriptions[i].dosage.as_str(),
        ),
        (None, None) => unreachable!("dispense without prescription"),
    };
    let mut contained = vec![pharmacy_location(d.pharmacy)];
    let mut ext = vec![
        json!({ "url": F::EXT_NUMBER_OF_PACKAGES, "valuePositiveInt": d.packages }),
        json!({ "url": F::EXT_ACTOR_DISPATCH_ID, "valueString": d.actor_dispatch_id }),
        json!({ "url": F::EXT_DISPATCH_ID, "valueString": d.dispatch_id }),
        json!({ "url": F::EXT_BENEFIT_CHOICE_CODE, "valueCode": benefit_choice_code(d.benefit) }),
        json!({ "url": F::EXT_BENEFIT, "valueString": d.benefit }),
        json!({ "url": F::EXT_DISPATCH_ROW_NO, "valueDecimal": d.row_no }),
    ];
    if m.consumable {
        ext.push(json!({ "url": F::EXT_CONSUMABLE, "valueBoolean": true }));
    }
    if let Some(c) = &d.credited {
        ext.push(json!({
            "url": F::EXT_CREDITED,
            "extension": [
                { "url": F::SUB_DATE, "valueDate": c.date.to_string() },
                { "url": F::SUB_COMMENT, "valueString": c.comment }
            ]
        }));
    }
    let authorizing = match (&d.paper, d.prescription) {
        (Some(paper), _) => {
            let mut rx = prescription_body(
                "paper-prescription",
                &format!("Patient/{}", p.id),
                paper.medicine,
                paper.authored_on,
                &paper.dosage,
                paper_reason,
            );
            rx.as_object_mut().expect("object").remove("contained");
            contained.push(practitioner(paper.prescriber, "prescriber"));
            contained.push(rx);
            json!([{ "reference": "#paper-prescription" }])
        }
        (None, Some(i)) => {
            json!([{ "reference": format!("MedicationRequest/{}", h.prescriptions[i].id) }])
        }
        (None, None) => unreachable!(),
    };
    json!({
        "resourceType": "MedicationDispense",
        "id": d.id.to_string(),
        "meta": { "versionId": d.version.to_string(), "profile": [profile] },
        "contained": contained,
        "extension": ext,
        "status": "completed",
        "medicationCodeableConcept": medication(medicine),
        "subject": { "reference": format!("Patient/{}", p.id) },
        "authorizingPrescription": authorizing,
        "quantity": { "value": d.packages * m.pack_amount, "unit": m.unit },
        "whenHandedOver": instant(d.handed_over),
        "location": { "reference": "#pharmacy", "display": PHARMACIES[d.pharmacy].name },
        "dosageInstruction": [{ "text": dosage }],
        "substitution": { "wasSubstituted": d.substituted },
    })
}

fn benefit_choice_code(benefit: &str) -> &'static str {
    use crate::catalogue::reference::{BENEFIT_FREE_CHILD, BENEFIT_WITHOUT};
    if benefit == BENEFIT_WITHOUT {
        "EF"
    } else if benefit == BENEFIT_FREE_CHILD {
        "KB"
    } else {
        "F"
    }
}

pub fn related_person(child: &Patient, guardian: &Person) -> Value {
    json!({
        "resourceType": "RelatedPerson",
        "id": format!("{}-{}", child.id, guardian.pnr),
        "meta": { "profile": [F::PROFILE_RELATED_PERSON] },
        "identifier": [{ "system": F::SYSTEM_PERSONNUMMER, "value": guardian.pnr }],
        "active": true,
        "patient": {
            "reference": format!("Patient/{}", child.id),
            "identifier": { "system": F::SYSTEM_PERSONNUMMER, "value": child.pnr }
        },
        "relationship": [{
            "coding": [{ "system": F::SYSTEM_V3_ROLE_CODE, "code": F::ROLE_CODE_GUARDIAN, "display": "guardian" }],
            "text": "Vårdnadshavare"
        }],
        "name": [{ "text": guardian.name(), "family": guardian.family, "given": [guardian.given] }],
    })
}

/// One entry of a searchset page.
pub struct Entry {
    pub full_url: String,
    /// The resource's JSON text.
    pub resource: std::sync::Arc<str>,
}

/// Writes a searchset Bundle around already-rendered resources (no re-parsing: a page of 1,000
/// dispenses is string concatenation).
pub fn searchset(
    total: usize,
    self_url: &str,
    next_url: Option<&str>,
    entries: &[Entry],
) -> String {
    let mut links = vec![json!({ "relation": "self", "url": self_url })];
    if let Some(n) = next_url {
        links.push(json!({ "relation": "next", "url": n }));
    }
    let head = json!({
        "resourceType": "Bundle",
        "id": uuid::Uuid::new_v4().to_string(),
        "meta": { "lastUpdated": instant(chrono::Utc::now().naive_utc()) },
        "type": "searchset",
        "total": total,
        "link": links,
    })
    .to_string();
    let size: usize = entries
        .iter()
        .map(|e| e.resource.len() + e.full_url.len() + 64)
        .sum();
    if entries.is_empty() {
        // FHIR JSON has no empty arrays: an empty searchset has no `entry`.
        return head;
    }
    let mut out = String::with_capacity(head.len() + size + 16);
    out.push_str(&head[..head.len() - 1]);
    out.push_str(",\"entry\":[");
    for (i, e) in entries.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"fullUrl\":");
        out.push_str(&Value::String(e.full_url.clone()).to_string());
        out.push_str(",\"resource\":");
        out.push_str(&e.resource);
        out.push_str(",\"search\":{\"mode\":\"match\"}}");
    }
    out.push_str("]}");
    out
}
