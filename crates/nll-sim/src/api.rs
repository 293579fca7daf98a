//! The FHIR endpoints under `/fhir`: Patient search, Basic (list info, data locks),
//! MedicationRequest and MedicationDispense search with paging, RelatedPerson (guardian check).
//!
//! Every patient read goes through the same gate: token → purpose/access/role/resource
//! (`access::choose`) → the patient → `X-PatientRef` → the patient's facts (`access::validate`)
//! → the flow's filters (`filters::View`).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use nll::fhir as F;
use nll::Resource;

use crate::access::{Choice, Facts};
use crate::auth::TestUser;
use crate::catalogue::idnum::is_valid_twelve;
use crate::catalogue::Patient;
use crate::filters::View;
use crate::outcome::Problem;
use crate::record::url_pairs;
use crate::resources::{self, fhir_json_response, fhir_text_response, Entry};
use crate::server::AppState;

use nll::headers::{
    parse_org_info, parse_user_agent, H_ACCESS, H_AUTHORIZATION, H_ORG_INFO, H_PATIENT_REF,
    H_PURPOSE, H_USER_AGENT,
};

/// Page size when `_count` is not given, and the largest allowed.
pub const DEFAULT_COUNT: usize = 100;
pub const MAX_COUNT: usize = 1000;

type ApiResult = Result<Response, Problem>;

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
}

/// Query parameters, checked against the ones an endpoint knows.
struct Query(HashMap<String, String>);

impl Query {
    fn parse(raw: Option<String>, allowed: &[&str]) -> Result<Query, Problem> {
        let mut map = HashMap::new();
        for (k, v) in url_pairs(raw.as_deref().unwrap_or("")) {
            if !allowed.contains(&k.as_str()) {
                return Err(Problem::BadParameter(format!("{k} stöds inte")));
            }
            if map.insert(k.clone(), v).is_some() {
                return Err(Problem::BadParameter(format!("{k} angiven flera gånger")));
            }
        }
        Ok(Query(map))
    }
    fn get(&self, k: &str) -> Option<&str> {
        self.0.get(k).map(String::as_str)
    }
    fn required(&self, k: &str) -> Result<&str, Problem> {
        self.get(k)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| Problem::BadParameter(format!("{k} saknas")))
    }
    fn usize(&self, k: &str, default: usize) -> Result<usize, Problem> {
        match self.get(k) {
            None => Ok(default),
            Some(v) => v
                .parse()
                .map_err(|_| Problem::BadParameter(format!("{k}={v}"))),
        }
    }
}

/// `system|value` (or a bare value) with a personnummer/samordningsnummer system.
fn person_identifier(
    param: &str,
    value: &str,
    today: chrono::NaiveDate,
) -> Result<String, Problem> {
    let (system, pnr) = match value.split_once('|') {
        Some((s, v)) => (Some(s), v),
        None => (None, value),
    };
    if let Some(s) = system {
        if s != F::SYSTEM_PERSONNUMMER && s != F::SYSTEM_SAMORDNINGSNUMMER {
            return Err(Problem::BadParameter(format!(
                "{param}: okänt identifierarsystem {s}"
            )));
        }
    }
    if !is_valid_twelve(pnr, today) {
        return Err(Problem::BadParameter(format!(
            "{param}: personnumret ska ha 12 siffror och giltig kontrollsiffra"
        )));
    }
    Ok(pnr.to_string())
}

/// `Patient/<id>` or `<id>`.
fn patient_ref(value: &str) -> &str {
    value.strip_prefix("Patient/").unwrap_or(value)
}

/// `X-User-Agent` and `X-Org-Info`, when sent, decoded in either encoding and checked: a
/// malformed one is refused (NLL.md §2).
fn json_headers(headers: &HeaderMap) -> Result<(), Problem> {
    let bad = |e: nll::headers::HeaderError| Problem::BadJsonHeader(e.to_string());
    // A value that is not visible ASCII is neither encoding (Base64 and ASCII JSON both are).
    let value = |name: &'static str| match headers.get(name).map(|v| v.to_str()) {
        None => Ok(None),
        Some(Ok(v)) => Ok(Some(v)),
        Some(Err(_)) => Err(Problem::BadJsonHeader(format!(
            "{name} är felaktig: värdet innehåller tecken utanför ASCII"
        ))),
    };
    if let Some(v) = value(H_USER_AGENT)? {
        parse_user_agent(v).map_err(bad)?;
    }
    if let Some(v) = value(H_ORG_INFO)? {
        parse_org_info(v).map_err(bad)?;
    }
    Ok(())
}

/// Token, the JSON headers and flow, before the patient is known.
fn gate(
    state: &AppState,
    headers: &HeaderMap,
    resource: Resource,
) -> Result<(&'static TestUser, Choice), Problem> {
    let user = state.tokens.check(header(headers, H_AUTHORIZATION))?;
    json_headers(headers)?;
    let choice = state.rules.choose(
        user.role,
        header(headers, H_PURPOSE),
        header(headers, H_ACCESS),
        resource,
    )?;
    Ok((user, choice))
}

/// `X-PatientRef` and the patient's facts. `ref_required`: after the Patient lookup the client
/// must name the patient in `X-PatientRef`.
fn admit(
    state: &AppState,
    headers: &HeaderMap,
    choice: &Choice,
    patient: &Patient,
    ref_required: bool,
) -> Result<(), Problem> {
    match header(headers, H_PATIENT_REF) {
        Some(r) if r != patient.id => return Err(Problem::PatientRefMismatch),
        None if ref_required => return Err(Problem::MissingPatientRef),
        _ => {}
    }
    let today = state.catalogue.today();
    let person = |name: &'static str| -> Result<Option<nll::ids::PersonId>, Problem> {
        match header(headers, name) {
            None | Some("") => Ok(None),
            Some(v) if is_valid_twelve(v, today) => nll::ids::PersonId::parse(v, today)
                .map(Some)
                .map_err(|_| Problem::BadPersonId(name)),
            Some(_) => Err(Problem::BadPersonId(name)),
        }
    };
    let agent = person(F::H_AGENT_ID)?;
    let guardian = person(F::H_GUARDIAN_ID)?;
    let protected = patient.protection.is_some();
    let facts = Facts {
        age: nll::ids::age_on(patient.birth_date, today),
        protected,
        dos_consent: patient.dos,
        guardian: guardian.map(|g| {
            let rel = patient.has_guardian(g.twelve());
            (g, rel)
        }),
        // EHM ends powers of attorney for patients with protected personal data.
        agent: agent.map(|a| {
            let active = !protected
                && patient
                    .power_of_attorney(a.twelve())
                    .is_some_and(|f| f.is_active(today));
            (a, active)
        }),
    };
    state.rules.validate(choice, &facts)
}

fn searchset_response(
    state: &AppState,
    kind: &str,
    q: &Query,
    total: usize,
    offset: usize,
    count: usize,
    entries: &[Entry],
) -> Response {
    let base = format!("{}/{}", state.fhir_base(), kind);
    let mut params: Vec<(String, String)> =
        q.0.iter()
            .filter(|(k, _)| k.as_str() != "_offset")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
    params.sort();
    let encode = |extra: Option<usize>| {
        let mut s: Vec<String> = params
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect();
        if let Some(o) = extra.filter(|o| *o > 0) {
            s.push(format!("_offset={o}"));
        }
        format!("{base}?{}", s.join("&"))
    };
    let self_url = encode(Some(offset));
    let next = (count > 0 && offset + count < total).then(|| encode(Some(offset + count)));
    fhir_text_response(
        StatusCode::OK,
        resources::searchset(total, &self_url, next.as_deref(), entries),
    )
}

fn enc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn page_bounds(q: &Query) -> Result<(usize, usize), Problem> {
    let count = q.usize("_count", DEFAULT_COUNT)?;
    if count > MAX_COUNT {
        return Err(Problem::BadParameter(format!("_count högst {MAX_COUNT}")));
    }
    Ok((q.usize("_offset", 0)?, count))
}

fn entry(state: &AppState, kind: &str, id: &str, json: Arc<str>) -> Entry {
    Entry {
        full_url: format!("{}/{kind}/{id}", state.fhir_base()),
        resource: json,
    }
}

fn text(v: serde_json::Value) -> Arc<str> {
    Arc::from(v.to_string())
}

pub async fn patient_search(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> ApiResult {
    let (_, choice) = gate(&state, &headers, Resource::Patient)?;
    let q = Query::parse(raw, &["identifier"])?;
    let pnr = person_identifier(
        "identifier",
        q.required("identifier")?,
        state.catalogue.today(),
    )?;
    let mut entries = Vec::new();
    if let Some(p) = state.catalogue.by_pnr(&pnr) {
        admit(&state, &headers, &choice, p, false)?;
        entries.push(entry(&state, "Patient", &p.id, text(resources::patient(p))));
    }
    let n = entries.len();
    Ok(searchset_response(&state, "Patient", &q, n, 0, n, &entries))
}

pub async fn patient_read(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult {
    let (_, choice) = gate(&state, &headers, Resource::Patient)?;
    let p = state.catalogue.by_id(&id).ok_or(Problem::NotFound)?;
    admit(&state, &headers, &choice, p, false)?;
    Ok(fhir_json_response(StatusCode::OK, &resources::patient(p)))
}

pub async fn basic_search(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> ApiResult {
    let q = Query::parse(raw, &["code", "subject"])?;
    let code = q
        .required("code")
        .map_err(|_| Problem::BadParameter("code saknas".into()))?;
    let code = code.rsplit('|').next().unwrap_or(code);
    let resource = match code {
        F::BASIC_MEDLISTINFO => Resource::ListInfo,
        F::BASIC_DATALOCK => Resource::DataLock,
        other => {
            // Authenticate first: an unknown code must not tell an anonymous caller anything.
            state.tokens.check(header(&headers, H_AUTHORIZATION))?;
            return Err(Problem::BadParameter(format!("code={other}")));
        }
    };
    let (_, choice) = gate(&state, &headers, resource)?;
    let subject = patient_ref(q.required("subject")?);
    let Some(p) = state.catalogue.by_id(subject) else {
        admit_unknown(&headers, subject)?;
        return Ok(searchset_response(&state, "Basic", &q, 0, 0, 0, &[]));
    };
    admit(&state, &headers, &choice, p, true)?;
    let h = p.history();
    let entries: Vec<Entry> = match resource {
        Resource::ListInfo => vec![{
            let v = resources::list_info(p, &h);
            let id = v["id"].as_str().unwrap_or_default().to_string();
            entry(&state, "Basic", &id, text(v))
        }],
        _ => {
            let view = View::new(choice, state.catalogue.today(), &h);
            h.locks
                .iter()
                .filter(|l| view.lock_visible(l))
                .map(|l| {
                    entry(
                        &state,
                        "Basic",
                        &l.id.to_string(),
                        text(resources::data_lock(p, l)),
                    )
                })
                .collect()
        }
    };
    let n = entries.len();
    Ok(searchset_response(&state, "Basic", &q, n, 0, n, &entries))
}

/// A search naming a patient the server does not know: still answer a wrong `X-PatientRef`.
fn admit_unknown(headers: &HeaderMap, id: &str) -> Result<(), Problem> {
    match header(headers, H_PATIENT_REF) {
        Some(r) if r != id => Err(Problem::PatientRefMismatch),
        None => Err(Problem::MissingPatientRef),
        _ => Ok(()),
    }
}

fn reason_flow(choice: &Choice) -> bool {
    use nll::AccessType as A;
    matches!(
        choice.access,
        A::TillfalligtSamtyckeBehandlingsorsak
            | A::SamtyckeSparradBehandlingsorsak
            | A::BehandlingsorsakUtanKravSamtyckeBarn
    )
}

pub async fn medication_request_search(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> ApiResult {
    let (_, choice) = gate(&state, &headers, Resource::MedicationRequest)?;
    let q = Query::parse(raw, &["patient", "_id", "status", "_count", "_offset"])?;
    let (offset, count) = page_bounds(&q)?;
    if reason_flow(&choice) && q.get("_id").is_none() {
        return Err(Problem::OnePrescriptionOnly);
    }
    let pid = patient_ref(q.required("patient")?);
    let Some(p) = state.catalogue.by_id(pid) else {
        admit_unknown(&headers, pid)?;
        return Ok(searchset_response(
            &state,
            "MedicationRequest",
            &q,
            0,
            0,
            count,
            &[],
        ));
    };
    admit(&state, &headers, &choice, p, true)?;
    let h = p.history();
    let view = View::new(choice, state.catalogue.today(), &h);
    let statuses: Option<Vec<&str>> = q.get("status").map(|s| s.split(',').collect());
    let ids: Option<Vec<&str>> = q.get("_id").map(|s| s.split(',').collect());
    let matching: Vec<usize> = (0..h.prescriptions.len())
        .filter(|&i| view.prescription_visible(i))
        .filter(|&i| {
            statuses
                .as_ref()
                .is_none_or(|s| s.contains(&h.prescriptions[i].status.fhir()))
        })
        .filter(|&i| {
            ids.as_ref()
                .is_none_or(|s| s.contains(&h.prescriptions[i].id.to_string().as_str()))
        })
        .collect();
    let entries: Vec<Entry> = matching
        .iter()
        .skip(offset)
        .take(count)
        .map(|&i| {
            let rx = &h.prescriptions[i];
            let v = resources::prescription(p, rx, &view.prescription_reason(rx));
            entry(&state, "MedicationRequest", &rx.id.to_string(), text(v))
        })
        .collect();
    Ok(searchset_response(
        &state,
        "MedicationRequest",
        &q,
        matching.len(),
        offset,
        count,
        &entries,
    ))
}

pub async fn medication_request_read(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult {
    let (_, choice) = gate(&state, &headers, Resource::MedicationRequest)?;
    let found = state.catalogue.patients().iter().find_map(|p| {
        let h = p.history();
        let i = h
            .prescriptions
            .iter()
            .position(|r| r.id.to_string() == id)?;
        Some((p, h, i))
    });
    let (p, h, i) = found.ok_or(Problem::NotFound)?;
    admit(&state, &headers, &choice, p, true)?;
    let view = View::new(choice, state.catalogue.today(), &h);
    if !view.prescription_visible(i) {
        return Err(Problem::NotFound);
    }
    let rx = &h.prescriptions[i];
    Ok(fhir_json_response(
        StatusCode::OK,
        &resources::prescription(p, rx, &view.prescription_reason(rx)),
    ))
}

pub async fn medication_dispense_search(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> ApiResult {
    let (_, choice) = gate(&state, &headers, Resource::MedicationDispense)?;
    let q = Query::parse(raw, &["patient", "_count", "_offset"])?;
    let (offset, count) = page_bounds(&q)?;
    let pid = patient_ref(q.required("patient")?);
    let Some(p) = state.catalogue.by_id(pid) else {
        admit_unknown(&headers, pid)?;
        return Ok(searchset_response(
            &state,
            "MedicationDispense",
            &q,
            0,
            0,
            count,
            &[],
        ));
    };
    admit(&state, &headers, &choice, p, true)?;
    let h = p.history();
    let view = View::new(choice, state.catalogue.today(), &h);
    let rendered = state.rendered_dispenses(p);
    let matching: Vec<usize> = (0..h.dispenses.len())
        .filter(|&i| view.dispense_visible(&h.dispenses[i]))
        .collect();
    let entries: Vec<Entry> = matching
        .iter()
        .skip(offset)
        .take(count)
        .map(|&i| {
            let d = &h.dispenses[i];
            let json = match &rendered[i] {
                Some(cached) => cached.clone(),
                None => text(resources::dispense(p, &h, d, &view.paper_reason(d))),
            };
            entry(&state, "MedicationDispense", &d.id.to_string(), json)
        })
        .collect();
    Ok(searchset_response(
        &state,
        "MedicationDispense",
        &q,
        matching.len(),
        offset,
        count,
        &entries,
    ))
}

/// The guardian check (TA 08): the relation between a guardian and a child, if NLL has it.
pub async fn related_person_search(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> ApiResult {
    let (_, _choice) = gate(&state, &headers, Resource::RelatedPerson)?;
    let q = Query::parse(raw, &["identifier", "patient.identifier"])?;
    let guardian = person_identifier(
        "identifier",
        q.required("identifier")?,
        state.catalogue.today(),
    )?;
    let child = person_identifier(
        "patient.identifier",
        q.required("patient.identifier")?,
        state.catalogue.today(),
    )?;
    let mut entries = Vec::new();
    if let Some(p) = state.catalogue.by_pnr(&child) {
        if let Some(r) = header(&headers, H_PATIENT_REF) {
            if r != p.id {
                return Err(Problem::PatientRefMismatch);
            }
        }
        if let Some(g) = p.guardians.iter().find(|g| g.pnr == guardian) {
            let v = resources::related_person(p, g);
            let id = v["id"].as_str().unwrap_or_default().to_string();
            entries.push(entry(&state, "RelatedPerson", &id, text(v)));
        }
    }
    let n = entries.len();
    Ok(searchset_response(
        &state,
        "RelatedPerson",
        &q,
        n,
        0,
        n,
        &entries,
    ))
}

pub async fn metadata(State(state): State<Arc<AppState>>) -> Response {
    let search = |t: &str, params: &[&str]| {
        serde_json::json!({
            "type": t,
            "interaction": [{ "code": "search-type" }],
            "searchParam": params.iter().map(|p| serde_json::json!({ "name": p })).collect::<Vec<_>>()
        })
    };
    fhir_json_response(
        StatusCode::OK,
        &serde_json::json!({
            "resourceType": "CapabilityStatement",
            "status": "active",
            "date": state.catalogue.today().to_string(),
            "kind": "instance",
            "software": { "name": "nll-sim (Receptdisk NLL test server)", "version": env!("CARGO_PKG_VERSION") },
            "implementation": { "description": "NLL testserver – syntetiska testpatienter", "url": state.fhir_base() },
            "fhirVersion": "4.0.1",
            "format": ["application/fhir+json"],
            "rest": [{
                "mode": "server",
                "resource": [
                    search("Patient", &["identifier"]),
                    search("Basic", &["code", "subject"]),
                    search("MedicationRequest", &["patient", "_id", "status", "_count"]),
                    search("MedicationDispense", &["patient", "_count"]),
                    search("RelatedPerson", &["identifier", "patient.identifier"])
                ]
            }]
        }),
    )
}

pub async fn not_supported(uri: axum::http::Uri) -> Response {
    Problem::NotSupported(uri.path().to_string()).into_response()
}
