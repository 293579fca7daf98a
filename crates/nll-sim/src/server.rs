//! The HTTP(S) server: routes, the front middleware (request id, recording, faults, latency),
//! the token endpoint, the power-of-attorney register and the admin endpoints.

use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Form, Json, Router};
use serde_json::json;
use tokio::sync::watch;

use crate::access::AccessRules;
use crate::api;
use crate::auth::{Tokens, TEST_USERS};
use crate::catalogue::{Catalogue, Patient};
use crate::faults::{FaultKind, FaultSpec, Faults};
use crate::outcome::{operation_outcome, Problem};
use crate::record::{RecordedRequest, Recorder};
use crate::resources::{self, fhir_json_response, fhir_text_response, FHIR_JSON};

/// `X-Request-ID` (header names are case-insensitive; the `http` crate wants them lower case).
const H_REQUEST_ID: &str = "x-request-id";

/// Each dispense's JSON text; `None` for paper dispenses (rendered per request).
pub type RenderedDispenses = Arc<Vec<Option<Arc<str>>>>;

pub struct AppState {
    pub catalogue: Catalogue,
    pub rules: AccessRules,
    pub tokens: Tokens,
    pub faults: Faults,
    pub recorder: Recorder,
    pub latency: Duration,
    pub admin: bool,
    pub base_url: OnceLock<String>,
    pub shutdown: watch::Receiver<bool>,
    dispense_cache: Mutex<HashMap<String, RenderedDispenses>>,
}

impl AppState {
    pub fn new(
        catalogue: Catalogue,
        rules: AccessRules,
        tokens: Tokens,
        faults: Faults,
        latency: Duration,
        admin: bool,
        shutdown: watch::Receiver<bool>,
    ) -> AppState {
        AppState {
            catalogue,
            rules,
            tokens,
            faults,
            recorder: Recorder::default(),
            latency,
            admin,
            base_url: OnceLock::new(),
            shutdown,
            dispense_cache: Mutex::new(HashMap::new()),
        }
    }

    pub fn fhir_base(&self) -> String {
        format!(
            "{}/fhir",
            self.base_url.get().map(String::as_str).unwrap_or("")
        )
    }

    /// Each e-prescription dispense's JSON, rendered once per patient (they do not vary by flow;
    /// paper dispenses carry a flow-dependent treatment reason and are rendered per request).
    pub fn rendered_dispenses(&self, p: &Patient) -> RenderedDispenses {
        if let Some(v) = self.dispense_cache.lock().expect("cache").get(&p.id) {
            return v.clone();
        }
        let h = p.history();
        let v: Vec<Option<Arc<str>>> = h
            .dispenses
            .iter()
            .map(|d| {
                d.paper.is_none().then(|| {
                    Arc::from(
                        resources::dispense(p, &h, d, &crate::filters::Reason::None).to_string(),
                    )
                })
            })
            .collect();
        let v = Arc::new(v);
        self.dispense_cache
            .lock()
            .expect("cache")
            .insert(p.id.clone(), v.clone());
        v
    }
}

pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/fhir/metadata", get(api::metadata))
        .route("/fhir/Patient", get(api::patient_search))
        .route("/fhir/Patient/{id}", get(api::patient_read))
        .route("/fhir/Basic", get(api::basic_search))
        .route(
            "/fhir/MedicationRequest",
            get(api::medication_request_search),
        )
        .route(
            "/fhir/MedicationRequest/{id}",
            get(api::medication_request_read),
        )
        .route(
            "/fhir/MedicationDispense",
            get(api::medication_dispense_search),
        )
        .route("/fhir/RelatedPerson", get(api::related_person_search))
        .route(
            "/fhir/{*rest}",
            get(api::not_supported).post(api::not_supported),
        )
        .route("/oauth/token", post(token))
        .route("/oauth/test-users", get(test_users))
        .route("/fullmakt", get(fullmakt))
        .route(
            "/admin/faults",
            get(faults_list).post(faults_add).delete(faults_clear),
        )
        .route("/admin/faults/{id}", delete(fault_remove))
        .route("/admin/requests", get(requests_list).delete(requests_clear))
        .route("/admin/tokens/expire", post(tokens_expire))
        .route("/admin/catalogue", get(catalogue_list))
        .fallback(api::not_supported)
        .layer(middleware::from_fn_with_state(state.clone(), front))
        .with_state(state)
}

fn client_cert_subject(req: &Request) -> Option<String> {
    let info = req.extensions().get::<Arc<axum_server::tls::TlsInfo>>()?;
    let der = info.peer_certificates.first()?;
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    Some(cert.subject().to_string())
}

/// Request id, recording, admin gate, latency and faults — in front of every route.
async fn front(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let request_id = req
        .headers()
        .get(H_REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let path = req.uri().path().to_string();
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    let seq = state.recorder.push(RecordedRequest {
        seq: 0,
        method: req.method().to_string(),
        path: path.clone(),
        query: req.uri().query().map(str::to_string),
        headers: req
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        client_cert_subject: client_cert_subject(&req),
        status: None,
        fault: None,
    });

    let (mut resp, fault) = if path == "/admin" || path.starts_with("/admin/") {
        let allowed = state.admin && peer.is_some_and(|p| p.ip().is_loopback());
        if allowed {
            (next.run(req).await, None)
        } else {
            (Problem::NotSupported(path.clone()).into_response(), None)
        }
    } else {
        let applied = state.faults.take(&path);
        let delay = state.latency + Duration::from_millis(applied.latency_ms);
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        match applied.fault {
            None => (next.run(req).await, None),
            Some(kind) => {
                let label = fault_label(&kind);
                state.recorder.mark_fault(seq, label.clone());
                (apply_fault(&state, kind, req, next).await, Some(label))
            }
        }
    };
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        resp.headers_mut().insert(H_REQUEST_ID, v);
    }
    state.recorder.finish(seq, resp.status().as_u16(), fault);
    resp
}

fn fault_label(kind: &FaultKind) -> String {
    match kind {
        FaultKind::Latency { ms } => format!("latency {ms} ms"),
        FaultKind::Status { code } => format!("status {code}"),
        FaultKind::RateLimited { retry_after } => format!("429 retry-after {retry_after}"),
        FaultKind::Hang => "hang".into(),
        FaultKind::MalformedJson => "malformed-json".into(),
        FaultKind::Truncated => "truncated".into(),
        FaultKind::Oversized { bytes } => format!("oversized {bytes} bytes"),
        FaultKind::WrongContentType => "wrong-content-type".into(),
        FaultKind::OtherPatient => "other-patient".into(),
    }
}

async fn apply_fault(state: &AppState, kind: FaultKind, req: Request, next: Next) -> Response {
    match kind {
        FaultKind::Latency { .. } => next.run(req).await,
        FaultKind::Status { code: 502 } => {
            let mut r = Response::new(Body::from(
                "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>proxy</body></html>",
            ));
            *r.status_mut() = StatusCode::BAD_GATEWAY;
            r.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
            r
        }
        FaultKind::Status { code } => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let (issue, text) = match code {
                503 => ("transient", "Tjänsten är tillfälligt otillgänglig. Försök igen om en stund."),
                500 => ("exception", "Ett tekniskt fel uppstod i Nationella läkemedelslistan."),
                _ => ("exception", "Ett fel uppstod (testserverns felinjicering)."),
            };
            fhir_json_response(status, &operation_outcome(issue, &format!("2-25-{code}"), text))
        }
        FaultKind::RateLimited { retry_after } => {
            let mut r = fhir_json_response(
                StatusCode::TOO_MANY_REQUESTS,
                &operation_outcome("throttled", "2-25-429", "För många anrop. Vänta och försök igen."),
            );
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
            r
        }
        FaultKind::Hang => {
            let mut rx = state.shutdown.clone();
            // Never answer; end only when the server shuts down.
            let _ = rx.wait_for(|stop| *stop).await;
            Problem::NotSupported("avstängd".into()).into_response()
        }
        FaultKind::MalformedJson => fhir_text_response(
            StatusCode::OK,
            "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[{\"resource\":{\"resourceType\":\"MedicationDispense\",\"id\":\"6f0c\",,\"status\":completed}"
                .into(),
        ),
        FaultKind::Truncated => {
            let resp = next.run(req).await;
            let (mut parts, body) = resp.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
            let half = bytes.slice(..bytes.len() / 2);
            parts.headers.insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
            Response::from_parts(parts, Body::from_stream(CutShort::new(half)))
        }
        FaultKind::Oversized { bytes } => oversized(state, bytes),
        FaultKind::OtherPatient => next.run(other_patient(state, req)).await,
        FaultKind::WrongContentType => {
            let mut r = next.run(req).await;
            r.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
            r
        }
    }
}

/// The same request with the asked test patient's number replaced by the next test patient's,
/// so the answer is a real Patient of someone else.
fn other_patient(state: &AppState, mut req: Request) -> Request {
    let patients = state.catalogue.patients();
    let query = req.uri().query().unwrap_or_default();
    let Some(at) = patients.iter().position(|p| query.contains(&p.pnr)) else {
        return req;
    };
    let other = &patients[(at + 1) % patients.len()];
    let uri = format!(
        "{}?{}",
        req.uri().path(),
        query.replacen(&patients[at].pnr, &other.pnr, 1)
    );
    if let Ok(uri) = uri.parse() {
        *req.uri_mut() = uri;
    }
    req
}

/// Half a body, a pause (so the half really reaches the client), then an error: hyper drops the
/// connection with the promised Content-Length unmet.
struct CutShort {
    half: Option<Bytes>,
    pause: std::pin::Pin<Box<tokio::time::Sleep>>,
}

impl CutShort {
    fn new(half: Bytes) -> CutShort {
        CutShort {
            half: Some(half),
            pause: Box::pin(tokio::time::sleep(Duration::from_millis(50))),
        }
    }
}

impl futures_core::Stream for CutShort {
    type Item = Result<Bytes, std::io::Error>;
    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        if let Some(h) = self.half.take() {
            return std::task::Poll::Ready(Some(Ok(h)));
        }
        match self.pause.as_mut().poll(cx) {
            std::task::Poll::Ready(()) => {
                std::task::Poll::Ready(Some(Err(std::io::Error::other("truncated by fault"))))
            }
            std::task::Poll::Pending => std::task::Poll::Pending,
        }
    }
}

/// A stream over an iterator (no futures-util dependency for two chunks).
struct IterStream<I>(I);

impl<I: Iterator + Unpin> futures_core::Stream for IterStream<I> {
    type Item = I::Item;
    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<I::Item>> {
        std::task::Poll::Ready(self.0.next())
    }
}

/// A valid searchset Bundle of about `bytes` bytes, streamed in chunks without Content-Length.
fn oversized(state: &AppState, bytes: u64) -> Response {
    let entry = format!(
        "{{\"fullUrl\":\"{}/Basic/padding\",\"resource\":{{\"resourceType\":\"Basic\",\"id\":\"padding\",\"code\":{{\"text\":\"{}\"}}}}}}",
        state.fhir_base(),
        "x".repeat(4000)
    );
    let head = "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[".to_string();
    let per_chunk = 64usize;
    let mut chunk = String::new();
    for i in 0..per_chunk {
        if i > 0 {
            chunk.push(',');
        }
        chunk.push_str(&entry);
    }
    let chunk = Bytes::from(chunk);
    let chunks = bytes.div_ceil(chunk.len() as u64).max(1);
    let iter = std::iter::once(Ok::<Bytes, std::io::Error>(Bytes::from(head)))
        .chain((0..chunks).flat_map(move |i| {
            let sep = if i > 0 {
                Some(Ok(Bytes::from_static(b",")))
            } else {
                None
            };
            sep.into_iter().chain(std::iter::once(Ok(chunk.clone())))
        }))
        .chain(std::iter::once(Ok(Bytes::from_static(b"]}"))));
    let mut r = Response::new(Body::from_stream(IterStream(iter)));
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(FHIR_JSON));
    r
}

async fn index(State(state): State<Arc<AppState>>) -> Response {
    Json(json!({
        "service": "NLL testserver (Receptdisk) — syntetiska testpatienter, inga riktiga personuppgifter",
        "fhir": state.fhir_base(),
        "token": format!("{}/oauth/token", state.base_url.get().cloned().unwrap_or_default()),
        "fullmakt": format!("{}/fullmakt", state.base_url.get().cloned().unwrap_or_default()),
        "admin": state.admin,
    }))
    .into_response()
}

fn oauth_json(status: StatusCode, body: serde_json::Value) -> Response {
    let mut r = (status, Json(body)).into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

async fn token(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
    let form_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !form_type {
        return oauth_json(
            StatusCode::BAD_REQUEST,
            json!({ "error": "invalid_request", "error_description": "Content-Type ska vara application/x-www-form-urlencoded" }),
        );
    }
    let form: HashMap<String, String> = crate::record::url_pairs(&String::from_utf8_lossy(&body))
        .into_iter()
        .collect();
    match state.tokens.exchange(&form) {
        Ok(t) => oauth_json(StatusCode::OK, serde_json::to_value(t).unwrap_or_default()),
        Err(e) => oauth_json(StatusCode::BAD_REQUEST, e.body()),
    }
}

async fn test_users() -> Response {
    let users: Vec<_> = TEST_USERS
        .iter()
        .map(|u| {
            json!({
                "login": u.login, "name": u.name, "hsaId": u.hsa_id, "role": u.role,
                "pharmacy": u.pharmacy_name(), "gln": u.pharmacy_gln()
            })
        })
        .collect();
    Json(users).into_response()
}

/// The power-of-attorney register (Fullmaktsregistret): `GET /fullmakt?givare=<pnr>&ombud=<pnr>`.
async fn fullmakt(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Form(q): Form<HashMap<String, String>>,
) -> Response {
    if let Err(p) = state.tokens.check(
        headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok()),
    ) {
        return p.into_response();
    }
    let today = state.catalogue.today();
    let pnr_ok = |v: Option<&String>| {
        v.filter(|s| crate::catalogue::idnum::is_valid_twelve(s, today))
            .cloned()
    };
    let (Some(givare), Some(ombud)) = (pnr_ok(q.get("givare")), pnr_ok(q.get("ombud"))) else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({ "error": "invalid_request", "message": "Ange givare och ombud som personnummer med 12 siffror och giltig kontrollsiffra." })),
        )
            .into_response();
    };
    let found = state
        .catalogue
        .by_pnr(&givare)
        .and_then(|p| p.power_of_attorney(&ombud).map(|f| (p, f)));
    let body = match found {
        None => json!({ "givare": givare, "ombud": ombud, "status": "none" }),
        Some((p, f)) => {
            // EHM ends powers of attorney when the giver gets protected personal data.
            let active = f.is_active(today) && p.protection.is_none();
            json!({
                "givare": givare,
                "ombud": ombud,
                "status": if active { "active" } else { "ended" },
                "giltigFrom": f.from.to_string(),
                "giltigTom": f.until.map(|d| d.to_string()),
                "omfattning": "Apoteksärenden: hämta ut och beställa förskrivna varor, utskrift Aktuella recept, högkostnadssaldo",
            })
        }
    };
    Json(body).into_response()
}

async fn faults_list(State(state): State<Arc<AppState>>) -> Response {
    Json(state.faults.list()).into_response()
}

async fn faults_add(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    match serde_json::from_slice::<FaultSpec>(&body) {
        Ok(spec) => {
            let id = state.faults.add(spec);
            (StatusCode::CREATED, Json(json!({ "id": id }))).into_response()
        }
        Err(e) => (
            StatusCode::BAD_REQUEST,
            Json(json!({ "error": e.to_string() })),
        )
            .into_response(),
    }
}

async fn faults_clear(State(state): State<Arc<AppState>>) -> StatusCode {
    state.faults.clear();
    StatusCode::NO_CONTENT
}

async fn fault_remove(State(state): State<Arc<AppState>>, Path(id): Path<u64>) -> StatusCode {
    if state.faults.remove(id) {
        StatusCode::NO_CONTENT
    } else {
        StatusCode::NOT_FOUND
    }
}

async fn requests_list(State(state): State<Arc<AppState>>) -> Response {
    Json(state.recorder.all()).into_response()
}

async fn requests_clear(State(state): State<Arc<AppState>>) -> StatusCode {
    state.recorder.clear();
    StatusCode::NO_CONTENT
}

async fn tokens_expire(State(state): State<Arc<AppState>>) -> StatusCode {
    state.tokens.expire_access_tokens();
    StatusCode::NO_CONTENT
}

async fn catalogue_list(State(state): State<Arc<AppState>>) -> Response {
    let today = state.catalogue.today();
    let patients: Vec<_> = state
        .catalogue
        .patients()
        .iter()
        .map(|p| {
            json!({
                "key": p.key, "personnummer": p.pnr, "id": p.id, "age": p.age_on(today),
                "demonstrates": p.demonstrates
            })
        })
        .collect();
    let related: Vec<_> = state
        .catalogue
        .related_people()
        .into_iter()
        .map(|(person, role, p)| json!({ "personnummer": person.pnr, "name": person.name(), "role": role, "patient": p.key }))
        .collect();
    Json(json!({ "today": today.to_string(), "patients": patients, "related": related }))
        .into_response()
}
