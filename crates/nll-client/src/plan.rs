//! The fetch plan of one lookup: at most two round trips in sequence.
//!
//! 0. `Policy::evaluate` with `PatientFacts::unknown()`: role and confirmations. A refusal sends
//!    nothing (it is logged as a denial row).
//!    Ombud with no power-of-attorney register configured is refused here too: the client
//!    checks the power of attorney itself (no header carries the agent to NLL), so without a
//!    register it could never confirm one.
//! 1. First round trip, in parallel: the Patient lookup by personnummer; for Vårdnadshavare the
//!    guardian check (RelatedPerson, TA 08); for Ombud the power-of-attorney register. Then
//!    `evaluate` again with the real facts (age, protected, relation, power of attorney): a
//!    refusal stops here, before any list data is asked for. A register answer that is neither
//!    active nor ended is a refusal, never a pass.
//! 2. Second round trip, in parallel: **only** the resources the flow's request context allows
//!    (list info, prescriptions, dispenses, data locks), each followed over its pages.
//! 3. `nll::list::build`, then `nll::masking::mask`.
//!
//! Paging adds requests to a resource's own chain only; `round_trips` reports the longest chain
//! of requests sent one after the other (1 + 1 for an ordinary patient).

use std::time::Instant;

use chrono::{Months, NaiveDate};
use nll::fhir as F;
use nll::ids::{IdKind, PersonId};
use nll::list::{self, ListInput};
use nll::masking;
use nll::model::Bundle;
use nll::policy::{
    power_of_attorney_unverified, Confirmations, Denial, PatientFacts, Requirement, Unverified,
};
use nll::view::{ListContext, MaskedList, MedicationList};
use nll::{Flow, Resource};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::access_log::{Actor, NewEntry, Why};
use crate::client::{NllClient, UserInfo};
use crate::error::ClientError;
use crate::nll_api::{
    flow_name, read_bundle, resource_name, role_code, status_error, wire_name, ByteBudget, Call,
    Read, LOG_POWER_OF_ATTORNEY,
};
use crate::transport::query_encode;

/// What the pharmacist asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LookupRequest {
    /// As entered or scanned (10 or 12 digits, with or without `-`/`+`).
    pub personnummer: String,
    pub flow: Flow,
    /// The patient consents now (Läkemedelsstöd, treatment-reason flows).
    #[serde(default)]
    pub consent: bool,
    /// ID checked: the person at the counter is the patient (Egna uppgifter).
    #[serde(default)]
    pub identity_checked: bool,
    /// Ombud: the agent's personnummer.
    #[serde(default)]
    pub agent: Option<String>,
    /// Vårdnadshavare: the guardian's personnummer.
    #[serde(default)]
    pub guardian: Option<String>,
    /// The treatment-reason flows read one prescription: its id.
    #[serde(default)]
    pub prescription_id: Option<String>,
}

impl LookupRequest {
    pub fn new(personnummer: &str, flow: Flow) -> LookupRequest {
        LookupRequest {
            personnummer: personnummer.to_string(),
            flow,
            consent: false,
            identity_checked: false,
            agent: None,
            guardian: None,
            prescription_id: None,
        }
    }
}

/// What the plan produced (unmasked list kept for logged reveals).
#[derive(Clone)]
pub(crate) struct Planned {
    pub list: MedicationList,
    pub masked: MaskedList,
    pub context: nll::policy::RequestContext,
    pub patient_ref: Option<String>,
    /// The patient's keyed hash (with the chain's key), for the rows the counter writes later.
    pub patient_key: Option<String>,
    /// `X-Request-ID` of the (last) MedicationRequest search, if one was sent.
    pub rx_request_id: Option<String>,
    pub round_trips: u32,
    pub requests: u32,
    pub elapsed_ms: u64,
}

fn parse_person(
    text: &str,
    today: NaiveDate,
    whose_sv: &str,
    whose_en: &str,
) -> Result<PersonId, ClientError> {
    PersonId::parse(text, today).map_err(|e| {
        ClientError::invalid_input(
            format!("{whose_sv}: {e}"),
            format!("{whose_en}: {}", e.message_en()),
        )
    })
}

/// Every Patient of the lookup's answer carries the number that was asked (12 digits), and an
/// id that is a FHIR id (it is sent on as `X-PatientRef` and in URLs).
fn the_patient_asked(b: &Bundle, asked: &PersonId) -> Result<(), ClientError> {
    for p in b.patients() {
        if p.identifier.as_ref().map(|i| i.value.as_str()) != Some(asked.twelve()) {
            return Err(ClientError::other_patient());
        }
        if !p.id.as_deref().is_some_and(F::is_resource_id) {
            return Err(ClientError::malformed());
        }
    }
    Ok(())
}

fn system(id: &PersonId) -> &'static str {
    match id.kind() {
        IdKind::Personnummer => F::SYSTEM_PERSONNUMMER,
        IdKind::Samordningsnummer => F::SYSTEM_SAMORDNINGSNUMMER,
    }
}

fn log_denial(
    client: &NllClient,
    who: &UserInfo,
    flow: Flow,
    context_id: Uuid,
    d: &Denial,
    patient: (Option<String>, Option<bool>, Option<&str>),
) -> Result<(), ClientError> {
    let (patient_ref, protected, patient_key) = patient;
    let rule = client.policy.rule(flow);
    let (role, flow) = (role_code(who.role), flow_name(flow));
    let denied_by = wire_name(&d.rule);
    client.log.append(
        &NewEntry::denial(
            Actor {
                user: &who.user,
                role: &role,
            },
            Why {
                flow: &flow,
                purpose: client.policy.purpose_code(rule.purpose),
                access: client.policy.access_code(rule.access),
            },
            &context_id.hyphenated().to_string(),
            &denied_by,
        )
        .patient(patient_ref, protected)
        .patient_key(patient_key.map(str::to_string)),
    )?;
    Ok(())
}

/// Runs the plan for one lookup in the counter session `context_id`.
pub(crate) async fn run(
    client: &NllClient,
    who: &UserInfo,
    req: &LookupRequest,
    context_id: Uuid,
) -> Result<Planned, ClientError> {
    let started = Instant::now();
    let today = client.today();
    let labels = client.policy.protection_labels().to_vec();
    let patient = parse_person(
        &req.personnummer,
        today,
        "Patientens personnummer",
        "The patient's number",
    )?;
    let confirmations = Confirmations {
        consent: req.consent,
        identity_checked: req.identity_checked,
        agent: req
            .agent
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|a| parse_person(a, today, "Ombudets personnummer", "The agent's number"))
            .transpose()?,
        guardian: req
            .guardian
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|g| {
                parse_person(
                    g,
                    today,
                    "Vårdnadshavarens personnummer",
                    "The guardian's number",
                )
            })
            .transpose()?,
    };

    // Every row of this lookup carries the patient's keyed hash (with the chain's key), also a
    // refusal: trying to look up a colleague is worth a review too.
    let patient_key = client.patient_key(&patient);
    let key = patient_key.as_deref();
    // What all the lookup's answers may take together.
    let budget = ByteBudget::new(client.max_lookup_bytes);

    // 0. Before any request.
    let ctx0 =
        match client
            .policy
            .evaluate(who.role, req.flow, &PatientFacts::unknown(), &confirmations)
        {
            Ok(c) => c,
            Err(d) => {
                log_denial(client, who, req.flow, context_id, &d, (None, None, key))?;
                return Err(ClientError::policy(&d));
            }
        };
    let rule = client.policy.rule(req.flow);
    let needs_register = rule.requires.contains(&Requirement::PowerOfAttorneyActive);
    if needs_register && client.fullmakt_url.is_none() {
        let d = power_of_attorney_unverified(&Unverified::NoRegister);
        log_denial(client, who, req.flow, context_id, &d, (None, None, key))?;
        return Err(ClientError::policy(&d));
    }
    let one_prescription = rule.reads_one_prescription();
    if one_prescription
        && req
            .prescription_id
            .as_deref()
            .is_none_or(|s| s.trim().is_empty())
    {
        return Err(ClientError::invalid_input(
            "Ange vilket recept behandlingsorsaken gäller.",
            "Give the prescription the treatment reason belongs to.",
        ));
    }

    // 1. First round trip.
    let base = &client.base_url;
    let call0 = Call {
        client,
        who,
        ctx: &ctx0,
        context_id,
        patient_ref: None,
        protected: None,
        patient_key: key,
        budget: &budget,
    };
    let lookup_url = format!(
        "{base}/Patient?identifier={}",
        query_encode(&format!("{}|{}", system(&patient), patient.twelve()))
    );
    let labels_ref = &labels;
    let asked = &patient;
    let lookup = call0.request(resource_name(Resource::Patient), &lookup_url, |a| {
        // The answer must be the person asked for: another person's Patient (a server fault, a
        // mix-up of answers) is a malformed answer, and nothing of it is shown or logged as
        // theirs.
        let result = read_bundle(a).and_then(|b| the_patient_asked(&b, asked).map(|()| b));
        let (patient_ref, protected) = match result.as_ref().ok().and_then(|b| b.patients().next())
        {
            Some(p) => (
                p.id.clone(),
                Some(masking::detect_protection(p, None, labels_ref).0),
            ),
            None => (None, None),
        };
        Read {
            result,
            patient_ref,
            protected,
        }
    });
    let guardian_check = async {
        match (
            &confirmations.guardian,
            rule.requires.contains(&Requirement::GuardianRelation),
        ) {
            (Some(g), true) => {
                let url = format!(
                    "{base}/RelatedPerson?identifier={}&patient.identifier={}",
                    query_encode(&format!("{}|{}", system(g), g.twelve())),
                    query_encode(&format!("{}|{}", system(&patient), patient.twelve()))
                );
                call0
                    .bundle(resource_name(Resource::RelatedPerson), &url, |_| {
                        (None, None)
                    })
                    .await
                    .map(Some)
            }
            _ => Ok(None),
        }
    };
    let poa_check = async {
        match (&confirmations.agent, &client.fullmakt_url, needs_register) {
            (Some(a), Some(register), true) => {
                let url = format!(
                    "{register}?givare={}&ombud={}",
                    patient.twelve(),
                    a.twelve()
                );
                call0
                    .request(LOG_POWER_OF_ATTORNEY, &url, read_power_of_attorney)
                    .await
                    .map(Some)
            }
            _ => Ok(None),
        }
    };
    let (lookup, guardian, poa) = tokio::join!(lookup, guardian_check, poa_check);

    let found = lookup
        .as_ref()
        .ok()
        .and_then(|(b, _, _)| b.patients().next().cloned());
    let mut facts = PatientFacts {
        age: Some(
            found
                .as_ref()
                .and_then(|p| p.birth_date)
                .map(|b| nll::ids::age_on(b, today))
                .unwrap_or_else(|| patient.age_on(today)),
        ),
        protected: found
            .as_ref()
            .map(|p| masking::detect_protection(p, None, &labels).0),
        ..PatientFacts::unknown()
    };
    if let Ok(Some((b, _, _))) = &guardian {
        let child = patient.twelve();
        let g = confirmations
            .guardian
            .as_ref()
            .map(|g| g.twelve().to_string());
        facts.guardian_relation = Some(b.related_persons().any(|r| {
            r.is_active_guardian_on(today)
                && r.identifier.as_ref().map(|i| i.value.clone()) == g
                && r.patient_identifier
                    .as_ref()
                    .is_none_or(|i| i.value == child)
        }));
    }
    let patient_ref = found.as_ref().and_then(|p| p.id.clone());
    // A refusal from here on concerns the patient found: logged with it, then returned.
    let protected = facts.protected;
    let refuse = |d: Denial| -> ClientError {
        let logged = log_denial(
            client,
            who,
            req.flow,
            context_id,
            &d,
            (patient_ref.clone(), protected, key),
        );
        logged.err().unwrap_or_else(|| ClientError::policy(&d))
    };
    if let Ok(Some((answer, _, _))) = &poa {
        match answer {
            RegisterAnswer::Active => facts.power_of_attorney_active = Some(true),
            RegisterAnswer::NotActive => facts.power_of_attorney_active = Some(false),
            RegisterAnswer::Unknown(status) => {
                return Err(refuse(power_of_attorney_unverified(
                    &Unverified::UnknownAnswer(status.clone()),
                )));
            }
        }
    }
    let ctx = client
        .policy
        .evaluate(who.role, req.flow, &facts, &confirmations)
        .map_err(refuse)?;
    let (patient_bundle, n_lookup, _) = lookup?;
    let n_guardian = guardian?.map(|(_, n, _)| n).unwrap_or(0);
    let n_poa = poa?.map(|(_, n, _)| n).unwrap_or(0);
    let stage1 = n_lookup.max(n_guardian).max(n_poa);
    let Some(pref) = patient_ref.clone() else {
        return Err(ClientError::patient_not_found());
    };
    if patient_bundle.patients().count() > 1 {
        // One patient per personnummer; two would mean the list could be someone else's.
        return Err(ClientError::malformed());
    }

    // 2. Second round trip: only what the flow may read.
    let call = Call {
        client,
        who,
        ctx: &ctx,
        context_id,
        patient_ref: Some(&pref),
        protected: facts.protected,
        patient_key: key,
        budget: &budget,
    };
    let subject = query_encode(&format!("Patient/{pref}"));
    let pid = query_encode(&pref);
    let count = match client.page_size {
        0 => String::new(),
        n => format!("&_count={n}"),
    };
    let wants = |r: Resource| ctx.resources.contains(&r);
    let list_info = async {
        if !wants(Resource::ListInfo) {
            return Ok((Vec::new(), 0, None));
        }
        let url = format!(
            "{base}/Basic?code={}&subject={subject}",
            F::BASIC_MEDLISTINFO
        );
        call.pages(resource_name(Resource::ListInfo), &url).await
    };
    let prescriptions = async {
        if !wants(Resource::MedicationRequest) {
            return Ok((Vec::new(), 0, None));
        }
        let only = match (&req.prescription_id, one_prescription) {
            (Some(id), true) => format!("&_id={}", query_encode(id.trim())),
            _ => String::new(),
        };
        let url = format!("{base}/MedicationRequest?patient={pid}{only}{count}");
        call.pages(resource_name(Resource::MedicationRequest), &url)
            .await
    };
    let dispenses = async {
        if !wants(Resource::MedicationDispense) {
            return Ok((Vec::new(), 0, None));
        }
        let url = format!("{base}/MedicationDispense?patient={pid}{count}");
        call.pages(resource_name(Resource::MedicationDispense), &url)
            .await
    };
    let locks = async {
        if !wants(Resource::DataLock) {
            return Ok((Vec::new(), 0, None));
        }
        let url = format!("{base}/Basic?code={}&subject={subject}", F::BASIC_DATALOCK);
        call.pages(resource_name(Resource::DataLock), &url).await
    };
    let ((li, n1, _), (rx, n2, rx_request_id), (disp, n3, _), (lk, n4, _)) =
        tokio::try_join!(list_info, prescriptions, dispenses, locks)?;
    let stage2 = n1.max(n2).max(n3).max(n4);

    // Defence in depth for the dos flow: the list info says whether this is a dos patient.
    if let Some(dos) = li
        .iter()
        .flat_map(|b: &Bundle| b.list_infos())
        .find_map(|l| l.dos_patient)
    {
        facts.dos_consent = Some(dos);
        client
            .policy
            .evaluate(who.role, req.flow, &facts, &confirmations)
            .map_err(refuse)?;
    }

    // 3. The list, then the one masking function.
    let bundles: Vec<&Bundle> = std::iter::once(&patient_bundle)
        .chain(li.iter())
        .chain(rx.iter())
        .chain(disp.iter())
        .chain(lk.iter())
        .collect();
    let input = ListInput::from_bundles(bundles);
    let lctx = ListContext {
        flow: ctx.flow,
        purpose: ctx.purpose,
        access: ctx.access,
        as_of: today,
        window_from: ctx
            .window_months
            .and_then(|m| today.checked_sub_months(Months::new(m))),
    };
    let list = list::build(input, lctx, &labels);
    let masked = masking::mask(&list);
    let requests = n_lookup + n_guardian + n_poa + n1 + n2 + n3 + n4;
    Ok(Planned {
        list,
        masked,
        context: ctx,
        patient_ref: Some(pref),
        patient_key,
        rx_request_id,
        round_trips: stage1 + stage2,
        requests,
        elapsed_ms: started.elapsed().as_millis() as u64,
    })
}

/// What the power-of-attorney register said.
#[derive(Debug, Clone, PartialEq, Eq)]
enum RegisterAnswer {
    Active,
    /// `ended` or `none`.
    NotActive,
    /// Any other status, or none readable: it confirms nothing.
    Unknown(Option<String>),
}

/// The power-of-attorney register's answer: `{"status": "active" | "ended" | "none", …}`.
fn read_power_of_attorney(a: &crate::transport::Answer) -> Read<RegisterAnswer> {
    let result = if !a.is_success() {
        Err(status_error(a))
    } else {
        let status = serde_json::from_slice::<serde_json::Value>(&a.body)
            .ok()
            .and_then(|v| v.get("status").and_then(|s| s.as_str()).map(str::to_string));
        Ok(match status.as_deref() {
            Some("active") => RegisterAnswer::Active,
            Some("ended") | Some("none") => RegisterAnswer::NotActive,
            _ => RegisterAnswer::Unknown(status),
        })
    };
    Read {
        result,
        patient_ref: None,
        protected: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(id: &str, pnr: Option<&str>) -> Bundle {
        let identifier = match pnr {
            Some(p) => format!(
                r#","identifier":[{{"system":"{}","value":"{p}"}}]"#,
                F::SYSTEM_PERSONNUMMER
            ),
            None => String::new(),
        };
        let json = format!(
            r#"{{"resourceType":"Bundle","type":"searchset","total":1,"entry":[{{"resource":{{"resourceType":"Patient","id":{id}{identifier}}}}}]}}"#,
            id = serde_json::to_string(id).unwrap()
        );
        nll::model::parse_bundle(&json).expect("a bundle")
    }

    #[test]
    fn only_the_person_asked_for_with_a_fhir_id() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let asked = PersonId::parse("198509234822", today).unwrap();
        let id = "3f2b8c1e-5a4d-4e7f-9b6a-1c2d3e4f5a6b";
        assert!(the_patient_asked(&answer(id, Some("198509234822")), &asked).is_ok());
        for (b, why) in [
            (answer(id, Some("191212121212")), "another person"),
            (answer(id, None), "no number"),
            (
                answer("a\r\nX-Evil: 1", Some("198509234822")),
                "not a FHIR id",
            ),
            (answer("../Patient", Some("198509234822")), "not a FHIR id"),
        ] {
            let e = the_patient_asked(&b, &asked).unwrap_err();
            assert_eq!(e.code, crate::ErrorCode::MalformedResponse, "{why}");
        }
    }
}
