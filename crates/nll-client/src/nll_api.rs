//! One NLL read, done right: the headers from `nll::headers::read_headers` (nowhere else), a
//! fresh `X-Request-ID` per request, retries (GET only; connection errors and 429/502/503/504;
//! at most `max_retries`; backoff honouring `Retry-After`), one new token after a 401 when the
//! source can renew, an access-log row per request sent, and paging over `Bundle.link` next up
//! to a cap, never leaving NLL's origin.

use std::time::Duration;

use nll::headers::read_headers;
use nll::model::{self, Bundle};
use nll::policy::RequestContext;
use uuid::Uuid;

use crate::access_log::{Actor, NewEntry, Why};
use crate::client::{NllClient, UserInfo};
use crate::error::ClientError;
use crate::transport::Answer;

/// The access-log resource names (the `nll::Resource` kebab names, and the register).
pub const LOG_POWER_OF_ATTORNEY: &str = "power-of-attorney";

pub fn resource_name(r: nll::Resource) -> &'static str {
    match r {
        nll::Resource::Patient => "patient",
        nll::Resource::ListInfo => "list-info",
        nll::Resource::MedicationRequest => "medication-request",
        nll::Resource::MedicationDispense => "medication-dispense",
        nll::Resource::DataLock => "data-lock",
        nll::Resource::RelatedPerson => "related-person",
    }
}

/// What a reader makes of an answer: the value, and what the log row says about the patient.
pub(crate) struct Read<T> {
    pub result: Result<T, ClientError>,
    pub patient_ref: Option<String>,
    pub protected: Option<bool>,
}

/// The session-side facts of a call.
pub(crate) struct Call<'a> {
    pub client: &'a NllClient,
    pub who: &'a UserInfo,
    pub ctx: &'a RequestContext,
    pub context_id: Uuid,
    pub patient_ref: Option<&'a str>,
    pub protected: Option<bool>,
    /// The patient's keyed hash, on every row of the call (`None` without the chain's key).
    pub patient_key: Option<&'a str>,
    /// What the lookup's answers may take together (shared by its calls).
    pub budget: &'a ByteBudget,
}

/// The bytes one lookup may still receive (`max_lookup_bytes`), across all its requests.
pub(crate) struct ByteBudget {
    limit: u64,
    used: std::sync::atomic::AtomicU64,
}

impl ByteBudget {
    pub fn new(limit: u64) -> ByteBudget {
        ByteBudget {
            limit,
            used: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// Takes `bytes`; over the limit, the lookup stops.
    fn spend(&self, bytes: usize) -> Result<(), ClientError> {
        let used = self
            .used
            .fetch_add(bytes as u64, std::sync::atomic::Ordering::SeqCst)
            + bytes as u64;
        if used > self.limit {
            return Err(ClientError::lookup_too_large(self.limit));
        }
        Ok(())
    }
}

/// Writes "cancelled" if the request's future is dropped before the answer was logged (a newer
/// lookup replaced this one): the request may have reached NLL, so it is logged either way.
struct LogGuard<'a> {
    call: &'a Call<'a>,
    resource: &'a str,
    request_id: Uuid,
    done: bool,
}

impl LogGuard<'_> {
    fn finish(
        &mut self,
        outcome: String,
        status: Option<u16>,
        nll_code: Option<String>,
        patient_ref: Option<String>,
        protected: Option<bool>,
    ) -> Result<(), ClientError> {
        self.done = true;
        self.call
            .log_request(
                self.resource,
                self.request_id,
                outcome,
                status,
                nll_code,
                patient_ref,
                protected,
            )
            .map(|_| ())
    }
}

impl Drop for LogGuard<'_> {
    fn drop(&mut self) {
        if !self.done {
            let _ = self.call.log_request(
                self.resource,
                self.request_id,
                "cancelled".into(),
                None,
                None,
                self.call.patient_ref.map(str::to_string),
                self.call.protected,
            );
        }
    }
}

fn error_outcome(e: &ClientError) -> String {
    match e.http_status {
        Some(s) => format!("http {s}"),
        None => serde_json::to_value(e.code)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_else(|| "error".into()),
    }
}

/// Backoff before retry `attempt` (0-based) when the server gives no `Retry-After`.
fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(200 * 2u64.pow(attempt))
}

impl<'a> Call<'a> {
    #[allow(clippy::too_many_arguments)]
    fn log_request(
        &self,
        resource: &str,
        request_id: Uuid,
        outcome: String,
        http_status: Option<u16>,
        nll_code: Option<String>,
        patient_ref: Option<String>,
        protected: Option<bool>,
    ) -> Result<i64, ClientError> {
        let role = role_code(self.who.role);
        let (flow, context_id) = (flow_name(self.ctx.flow), self.context_id.hyphenated());
        self.client.log.append(
            &NewEntry::request(
                Actor {
                    user: &self.who.user,
                    role: &role,
                },
                Why {
                    flow: &flow,
                    purpose: &self.ctx.purpose_code,
                    access: &self.ctx.access_code,
                },
                &context_id.to_string(),
                resource,
                &request_id.hyphenated().to_string(),
                outcome,
            )
            .answer(http_status, nll_code)
            .patient(patient_ref, protected)
            .patient_key(self.patient_key.map(str::to_string)),
        )
    }

    /// One logical GET: retried and logged per attempt. Returns the value, how many requests
    /// were sent one after the other, and the `X-Request-ID` of the one that answered (shown to
    /// the pharmacist next to what it fetched, as errors show theirs).
    pub async fn request<T>(
        &self,
        resource: &str,
        url: &str,
        read: impl Fn(&Answer) -> Read<T>,
    ) -> Result<(T, u32, String), ClientError> {
        let c = self.client;
        let mut attempt = 0u32;
        let mut renewed = false;
        let mut sent = 0u32;
        loop {
            let request_id = Uuid::new_v4();
            let token = c.tokens.token().await?;
            let headers = read_headers(
                self.ctx,
                token.expose(),
                self.context_id,
                request_id,
                self.patient_ref,
                &self.who.org,
                &c.user_agent,
                c.policy.headers().json_encoding,
            );
            let mut guard = LogGuard {
                call: self,
                resource,
                request_id,
                done: false,
            };
            sent += 1;
            let rid = request_id.hyphenated().to_string();
            match c.transport.get(url, &headers).await {
                Ok(answer) => {
                    let over_budget = self.budget.spend(answer.body.len());
                    let retryable =
                        over_budget.is_ok() && matches!(answer.status, 429 | 502 | 503 | 504);
                    let read = match over_budget {
                        Ok(()) => read(&answer),
                        Err(e) => Read {
                            result: Err(e),
                            patient_ref: None,
                            protected: None,
                        },
                    };
                    let (outcome, nll_code) = match &read.result {
                        Ok(_) => ("ok".to_string(), None),
                        Err(e) => (error_outcome(e), e.nll_code.clone()),
                    };
                    guard.finish(
                        outcome,
                        Some(answer.status),
                        nll_code,
                        read.patient_ref.or(self.patient_ref.map(str::to_string)),
                        read.protected.or(self.protected),
                    )?;
                    if answer.status == 401 && c.tokens.renewable() && !renewed {
                        renewed = true;
                        c.tokens.invalidate().await;
                        continue;
                    }
                    if retryable && attempt < c.max_retries {
                        let wait = answer.retry_after.unwrap_or_else(|| backoff(attempt));
                        if wait <= c.max_retry_wait {
                            tokio::time::sleep(wait).await;
                            attempt += 1;
                            continue;
                        }
                    }
                    return match read.result {
                        Ok(v) => Ok((v, sent, rid)),
                        Err(e) => Err(e.with_request_id(rid)),
                    };
                }
                Err(f) => {
                    guard.finish(
                        error_outcome(&f.error),
                        None,
                        None,
                        self.patient_ref.map(str::to_string),
                        self.protected,
                    )?;
                    if f.fault.is_connection_error() && attempt < c.max_retries {
                        tokio::time::sleep(backoff(attempt)).await;
                        attempt += 1;
                        continue;
                    }
                    return Err(f.error.with_request_id(rid));
                }
            }
        }
    }

    /// One searchset page.
    pub async fn bundle(
        &self,
        resource: &str,
        url: &str,
        log_ref: impl Fn(&Bundle) -> (Option<String>, Option<bool>),
    ) -> Result<(Bundle, u32, String), ClientError> {
        self.request(resource, url, |a| {
            let result = read_bundle(a);
            let (patient_ref, protected) = match &result {
                Ok(b) => log_ref(b),
                Err(_) => (None, None),
            };
            Read {
                result,
                patient_ref,
                protected,
            }
        })
        .await
    }

    /// Every page of a search (`Bundle.link` next), up to `max_pages`. Returns the pages, the
    /// number of requests sent one after the other and the request id of the last page.
    pub async fn pages(
        &self,
        resource: &str,
        first: &str,
    ) -> Result<(Vec<Bundle>, u32, Option<String>), ClientError> {
        let origin = origin(&self.client.base_url);
        let mut pages = Vec::new();
        let mut sent = 0;
        let mut url = first.to_string();
        loop {
            let (b, n, rid) = self.bundle(resource, &url, |_| (None, None)).await?;
            sent += n;
            let next = b.next_url().map(str::to_string);
            pages.push(b);
            let Some(next) = next else {
                return Ok((pages, sent, Some(rid)));
            };
            if pages.len() as u32 >= self.client.max_pages {
                return Err(ClientError::too_many_pages(self.client.max_pages));
            }
            // A next link elsewhere would carry the token and patient headers away from NLL.
            if origin.is_none() || origin != self::origin(&next) {
                return Err(ClientError::malformed());
            }
            url = next;
        }
    }
}

/// `scheme://host:port` of a URL.
fn origin(url: &str) -> Option<String> {
    let u = reqwest::Url::parse(url).ok()?;
    Some(format!(
        "{}://{}:{}",
        u.scheme(),
        u.host_str()?,
        u.port_or_known_default()?
    ))
}

/// A 2xx FHIR JSON searchset, or the error the answer means.
pub(crate) fn read_bundle(a: &Answer) -> Result<Bundle, ClientError> {
    if a.status == 404 {
        return Err(ClientError::wrong_fhir_path());
    }
    if !a.is_success() {
        return Err(status_error(a));
    }
    if !a.is_json() {
        return Err(ClientError::malformed());
    }
    let text = std::str::from_utf8(&a.body).map_err(|_| ClientError::malformed())?;
    model::parse_bundle(text).map_err(|_| ClientError::malformed())
}

/// A non-2xx answer as an error, with NLL's OperationOutcome when the body is one.
pub(crate) fn status_error(a: &Answer) -> ClientError {
    let outcome = if a.is_json() {
        std::str::from_utf8(&a.body)
            .ok()
            .and_then(|t| model::parse_resource(t).ok())
            .and_then(|r| match r {
                model::Resource::OperationOutcome(o) => Some(o),
                _ => None,
            })
    } else {
        None
    };
    ClientError::from_status(a.status, outcome.as_ref())
}

/// The name a value of one of the domain's enums has on the wire and in the access log
/// (`FARMACEUT`, `expediering`, `uthamtade-lakemedel` …).
pub fn wire_name<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

pub fn role_code(r: nll::Role) -> String {
    wire_name(&r)
}

pub fn flow_name(f: nll::Flow) -> String {
    wire_name(&f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn origins() {
        assert_eq!(
            origin("https://nll.example.se/fhir/X?a=1").as_deref(),
            Some("https://nll.example.se:443")
        );
        assert_ne!(
            origin("https://nll.example.se/fhir"),
            origin("https://evil.example/fhir")
        );
        assert_ne!(
            origin("http://127.0.0.1:8080/fhir"),
            origin("http://127.0.0.1:8081/fhir")
        );
    }

    #[test]
    fn backoff_grows() {
        assert_eq!(backoff(0), Duration::from_millis(200));
        assert_eq!(backoff(1), Duration::from_millis(400));
    }

    #[test]
    fn non_json_success_is_malformed_and_outcomes_are_read() {
        let html = Answer {
            status: 200,
            content_type: Some("text/html".into()),
            retry_after: None,
            body: b"<html>".to_vec(),
        };
        assert_eq!(
            read_bundle(&html).unwrap_err().code,
            ErrorCode::MalformedResponse
        );
        let oo = Answer {
            status: 422,
            content_type: Some("application/fhir+json".into()),
            retry_after: None,
            body: br#"{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"business-rule","details":{"coding":[{"system":"http://electronichealth.se/CodeSystem/error-codes","code":"2-25-154"}],"text":"Patienten har inget samtycke till dosdispensering."}}]}"#.to_vec(),
        };
        let e = read_bundle(&oo).unwrap_err();
        assert_eq!(e.code, ErrorCode::NllRefused);
        assert_eq!(e.nll_code.as_deref(), Some("2-25-154"));
        let gw = Answer {
            status: 502,
            content_type: Some("text/html".into()),
            retry_after: None,
            body: b"<html>502</html>".to_vec(),
        };
        assert_eq!(read_bundle(&gw).unwrap_err().code, ErrorCode::ServerError);
    }
}
