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

/// Runs the plan for one lookup in the counter session `context_id`: the policy before any
/// request, the first round trip (the patient, and the guardian relation or the power of
/// attorney the flow needs), the policy on what was found, the second round trip (only what the
/// flow may read), then the list and the one masking function.
pub(crate) async fn run(
    client: &NllClient,
    who: &UserInfo,
    req: &LookupRequest,
    context_id: Uuid,
) -> Result<Planned, ClientError> {
    let started = Instant::now();
    let lookup = Lookup::new(client, who, req, context_id)?;
    let ctx0 = lookup.before_any_request()?;
    let mut found = lookup.first_round_trip(&ctx0).await?;
    let read = lookup.second_round_trip(&found).await?;
    lookup.check_dos(&mut found, &read)?;
    Ok(lookup.build(found, read, started))
}

/// One lookup's fixed facts, shared by its stages.
struct Lookup<'a> {
    client: &'a NllClient,
    who: &'a UserInfo,
    req: &'a LookupRequest,
    context_id: Uuid,
    today: NaiveDate,
    labels: Vec<String>,
    patient: PersonId,
    confirmations: Confirmations,
    /// The patient's keyed hash on every row of this lookup (with the chain's key), also a
    /// refusal's: trying to look up a colleague is worth a review too.
    patient_key: Option<String>,
    /// What all the lookup's answers may take together.
    budget: ByteBudget,
}

/// What the first round trip found, and the context the flow reads with from here on.
struct Found {
    patient_bundle: Bundle,
    patient_ref: String,
    facts: PatientFacts,
    ctx: nll::policy::RequestContext,
    requests: u32,
    round_trips: u32,
}

/// What the second round trip read: every page of each resource the flow may read.
struct ListPages {
    list_info: Vec<Bundle>,
    prescriptions: Vec<Bundle>,
    dispenses: Vec<Bundle>,
    locks: Vec<Bundle>,
    /// `X-Request-ID` of the (last) MedicationRequest search, if one was sent.
    rx_request_id: Option<String>,
    requests: u32,
    round_trips: u32,
}

impl<'a> Lookup<'a> {
    /// The numbers asked for, parsed (a bad one is refused before anything is sent).
    fn new(
        client: &'a NllClient,
        who: &'a UserInfo,
        req: &'a LookupRequest,
        context_id: Uuid,
    ) -> Result<Lookup<'a>, ClientError> {
        let today = client.today();
        let person = |text: &Option<String>, sv: &str, en: &str| {
            text.as_deref()
                .filter(|s| !s.trim().is_empty())
                .map(|t| parse_person(t, today, sv, en))
                .transpose()
        };
        let patient = parse_person(
            &req.personnummer,
            today,
            "Patientens personnummer",
            "The patient's number",
        )?;
        let confirmations = Confirmations {
            consent: req.consent,
            identity_checked: req.identity_checked,
            agent: person(&req.agent, "Ombudets personnummer", "The agent's number")?,
            guardian: person(
                &req.guardian,
                "Vårdnadshavarens personnummer",
                "The guardian's number",
            )?,
        };
        Ok(Lookup {
            client,
            who,
            req,
            context_id,
            today,
            labels: client.policy.protection_labels().to_vec(),
            patient_key: client.patient_key(&patient),
            patient,
            confirmations,
            budget: ByteBudget::new(client.max_lookup_bytes),
        })
    }

    /// A refusal: its log row (with the patient found, if any), then the policy's error.
    fn refuse(
        &self,
        d: Denial,
        patient_ref: Option<String>,
        protected: Option<bool>,
    ) -> ClientError {
        let patient = (patient_ref, protected, self.patient_key.as_deref());
        match log_denial(
            self.client,
            self.who,
            self.req.flow,
            self.context_id,
            &d,
            patient,
        ) {
            Ok(()) => ClientError::policy(&d),
            Err(e) => e,
        }
    }

    /// A call of this lookup in context `ctx`, about the patient `patient_ref` once found.
    fn call<'c>(
        &'c self,
        ctx: &'c nll::policy::RequestContext,
        patient_ref: Option<&'c str>,
        protected: Option<bool>,
    ) -> Call<'c> {
        Call {
            client: self.client,
            who: self.who,
            ctx,
            context_id: self.context_id,
            patient_ref,
            protected,
            patient_key: self.patient_key.as_deref(),
            budget: &self.budget,
        }
    }

    /// Stage 0, before any request: the role and flow, what the user confirmed, a register to ask,
    /// the prescription a treatment-reason flow is about.
    fn before_any_request(&self) -> Result<nll::policy::RequestContext, ClientError> {
        let (client, req) = (self.client, self.req);
        let ctx0 = client
            .policy
            .evaluate(
                self.who.role,
                req.flow,
                &PatientFacts::unknown(),
                &self.confirmations,
            )
            .map_err(|d| self.refuse(d, None, None))?;
        let rule = client.policy.rule(req.flow);
        if rule.requires.contains(&Requirement::PowerOfAttorneyActive)
            && client.fullmakt_url.is_none()
        {
            let d = power_of_attorney_unverified(&Unverified::NoRegister);
            return Err(self.refuse(d, None, None));
        }
        if rule.reads_one_prescription()
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
        Ok(ctx0)
    }

    /// Stage 1, the first round trip: the patient, and at once the guardian relation or the power of
    /// attorney the flow needs; then the policy on what was found.
    async fn first_round_trip(
        &self,
        ctx0: &nll::policy::RequestContext,
    ) -> Result<Found, ClientError> {
        let (client, patient, today) = (self.client, &self.patient, self.today);
        let base = &client.base_url;
        let rule = client.policy.rule(self.req.flow);
        let needs_register = rule.requires.contains(&Requirement::PowerOfAttorneyActive);
        let call0 = self.call(ctx0, None, None);
        let lookup_url = format!(
            "{base}/Patient?identifier={}",
            query_encode(&format!("{}|{}", system(patient), patient.twelve()))
        );
        let labels = &self.labels;
        let lookup = call0.request(resource_name(Resource::Patient), &lookup_url, |a| {
            // The answer must be the person asked for: another person's Patient (a server
            // fault, a mix-up of answers) is a malformed answer, and nothing of it is shown or
            // logged as theirs.
            let result = read_bundle(a).and_then(|b| the_patient_asked(&b, patient).map(|()| b));
            let (patient_ref, protected) =
                match result.as_ref().ok().and_then(|b| b.patients().next()) {
                    Some(p) => (
                        p.id.clone(),
                        Some(masking::detect_protection(p, None, labels).0),
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
                &self.confirmations.guardian,
                rule.requires.contains(&Requirement::GuardianRelation),
            ) {
                (Some(g), true) => {
                    let url = format!(
                        "{base}/RelatedPerson?identifier={}&patient.identifier={}",
                        query_encode(&format!("{}|{}", system(g), g.twelve())),
                        query_encode(&format!("{}|{}", system(patient), patient.twelve()))
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
            match (
                &self.confirmations.agent,
                &client.fullmakt_url,
                needs_register,
            ) {
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
                .map(|p| masking::detect_protection(p, None, labels).0),
            ..PatientFacts::unknown()
        };
        if let Ok(Some((b, _, _))) = &guardian {
            let child = patient.twelve();
            let g = self
                .confirmations
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
        // A refusal from here on concerns the patient found: logged with it, then returned.
        let patient_ref = found.as_ref().and_then(|p| p.id.clone());
        let refuse = |d: Denial| self.refuse(d, patient_ref.clone(), facts.protected);
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
            .evaluate(self.who.role, self.req.flow, &facts, &self.confirmations)
            .map_err(refuse)?;
        let (patient_bundle, n_lookup, lookup_rid) = lookup?;
        let n_guardian = guardian?.map(|(_, n, _)| n).unwrap_or(0);
        let n_poa = poa?.map(|(_, n, _)| n).unwrap_or(0);
        // Support finds the search by its request id, also when it found no one.
        let Some(patient_ref) = patient_ref else {
            return Err(ClientError::patient_not_found().with_request_id(lookup_rid));
        };
        if patient_bundle.patients().count() > 1 {
            // One patient per personnummer; two would mean the list could be someone else's.
            return Err(ClientError::malformed().with_request_id(lookup_rid));
        }
        Ok(Found {
            patient_bundle,
            patient_ref,
            facts,
            ctx,
            requests: n_lookup + n_guardian + n_poa,
            round_trips: n_lookup.max(n_guardian).max(n_poa),
        })
    }

    /// Stage 2, the second round trip: only what the flow may read, the resources at once, every
    /// page of each.
    async fn second_round_trip(&self, found: &Found) -> Result<ListPages, ClientError> {
        let (client, req, ctx) = (self.client, self.req, &found.ctx);
        let call = self.call(ctx, Some(&found.patient_ref), found.facts.protected);
        let base = &client.base_url;
        let subject = query_encode(&format!("Patient/{}", found.patient_ref));
        let pid = query_encode(&found.patient_ref);
        let count = match client.page_size {
            0 => String::new(),
            n => format!("&_count={n}"),
        };
        let one_prescription = client.policy.rule(req.flow).reads_one_prescription();
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
        Ok(ListPages {
            list_info: li,
            prescriptions: rx,
            dispenses: disp,
            locks: lk,
            rx_request_id,
            requests: n1 + n2 + n3 + n4,
            round_trips: n1.max(n2).max(n3).max(n4),
        })
    }

    /// The list info says whether this is a dos patient: the policy is asked again with that
    /// (defence in depth for the dos flow), and its context replaces the one from before.
    fn check_dos(&self, found: &mut Found, read: &ListPages) -> Result<(), ClientError> {
        let dos = read
            .list_info
            .iter()
            .flat_map(|b: &Bundle| b.list_infos())
            .find_map(|l| l.dos_patient);
        if let Some(dos) = dos {
            found.facts.dos_consent = Some(dos);
            // The context as the list's facts give it: what may be handed out differs for a dos
            // patient (Förteckning instead of Aktuella recept), so the buttons shown with the
            // list are the printouts printing allows.
            found.ctx = self
                .client
                .policy
                .evaluate(
                    self.who.role,
                    self.req.flow,
                    &found.facts,
                    &self.confirmations,
                )
                .map_err(|d| {
                    self.refuse(d, Some(found.patient_ref.clone()), found.facts.protected)
                })?;
        }
        Ok(())
    }

    /// Stage 3: the list, then the one masking function.
    fn build(&self, found: Found, read: ListPages, started: Instant) -> Planned {
        let ctx = found.ctx;
        let bundles = std::iter::once(found.patient_bundle)
            .chain(read.list_info)
            .chain(read.prescriptions)
            .chain(read.dispenses)
            .chain(read.locks);
        let input = ListInput::from_bundles(bundles);
        let lctx = ListContext {
            flow: ctx.flow,
            purpose: ctx.purpose,
            access: ctx.access,
            as_of: self.today,
            window_from: ctx
                .window_months
                .and_then(|m| self.today.checked_sub_months(Months::new(m))),
        };
        let list = list::build(input, lctx, &self.labels);
        let masked = masking::mask(&list);
        Planned {
            list,
            masked,
            context: ctx,
            patient_ref: Some(found.patient_ref),
            patient_key: self.patient_key.clone(),
            rx_request_id: read.rx_request_id,
            round_trips: found.round_trips + read.round_trips,
            requests: found.requests + read.requests,
            elapsed_ms: started.elapsed().as_millis() as u64,
        }
    }
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
