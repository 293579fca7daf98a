//! HTTP on reqwest + rustls (ring): the OS trust store plus an optional extra CA, the client
//! certificate, the proxy, timeouts and a cap on the size of an answer. One call = one request;
//! retries and logging are the caller's (`nll_api`), because each retry is a new request with
//! its own `X-Request-ID` and its own access-log row.

use std::time::Duration;

use chrono::Utc;

use crate::config::{check_url, ClientConfig};
use crate::error::{classify_transport, ClientError, TransportFault};
use crate::identity;
use crate::secrets::SecretStore;

/// An answer read whole (within the cap).
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub content_type: Option<String>,
    /// `Retry-After`, seconds or an HTTP date, as a wait from now.
    pub retry_after: Option<Duration>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// FHIR JSON (or plain JSON, which NLL-compatible servers also send).
    pub fn is_json(&self) -> bool {
        self.content_type.as_deref().is_some_and(|c| {
            let mime = c.split(';').next().unwrap_or("").trim();
            mime.eq_ignore_ascii_case("application/fhir+json")
                || mime.eq_ignore_ascii_case("application/json")
        })
    }
}

/// Why a request produced no answer.
#[derive(Debug, Clone)]
pub struct SendFailure {
    pub fault: TransportFault,
    pub error: ClientError,
}

impl SendFailure {
    fn new(fault: TransportFault, error: ClientError) -> SendFailure {
        SendFailure { fault, error }
    }
}

#[derive(Debug, Clone)]
pub struct Transport {
    http: reqwest::Client,
    pub request_timeout: Duration,
    pub max_response_bytes: u64,
    /// Subject of the client certificate, if one is configured (for `nllc` and the settings
    /// screen).
    pub client_subject: Option<String>,
}

impl Transport {
    pub fn build(cfg: &ClientConfig, secrets: &dyn SecretStore) -> Result<Transport, ClientError> {
        // reqwest's rustls-no-provider build panics in `build()` without a process-wide provider.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut b = reqwest::Client::builder()
            .connect_timeout(Duration::from_millis(cfg.connect_timeout_ms))
            .https_only(false)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Receptdisk/", env!("CARGO_PKG_VERSION")));
        if let Some(ca) = &cfg.extra_ca_pem {
            b = b.tls_certs_merge(identity::extra_cas(ca)?);
        }
        let mut client_subject = None;
        if let Some(c) = &cfg.client_certificate {
            let id = identity::load(c, secrets, Utc::now())?;
            client_subject = Some(id.subject.clone());
            b = b.identity(id.reqwest_identity()?);
        }
        let p = &cfg.proxy;
        if p.disabled {
            b = b.no_proxy();
        } else if let Some(url) = &p.url {
            let proxy = reqwest::Proxy::all(url.as_str()).map_err(|_| {
                ClientError::config(
                    "proxy.url är inte en giltig adress",
                    "proxy.url is not a valid address",
                )
            })?;
            let no = p
                .no_proxy
                .as_deref()
                .and_then(reqwest::NoProxy::from_string);
            b = b.proxy(proxy.no_proxy(no));
        }
        // Otherwise HTTP(S)_PROXY / ALL_PROXY / NO_PROXY are read by `build()`.
        let http = b.build().map_err(|_| {
            ClientError::config(
                "HTTP-klienten kunde inte skapas med de här inställningarna",
                "the HTTP client could not be built with these settings",
            )
        })?;
        Ok(Transport {
            http,
            request_timeout: Duration::from_millis(cfg.request_timeout_ms),
            max_response_bytes: cfg.max_response_bytes,
            client_subject,
        })
    }

    /// One GET.
    pub async fn get(
        &self,
        url: &str,
        headers: &[(&'static str, String)],
    ) -> Result<Answer, SendFailure> {
        let url = check_url(url).map_err(|e| SendFailure::new(TransportFault::Other, e))?;
        let mut req = self.http.get(url).timeout(self.request_timeout);
        for (k, v) in headers {
            req = req.header(*k, v);
        }
        self.send(req).await
    }

    /// One form POST (the token service).
    pub async fn post_form(
        &self,
        url: &str,
        headers: &[(&'static str, String)],
        form: &[(&str, &str)],
    ) -> Result<Answer, SendFailure> {
        let url = check_url(url).map_err(|e| SendFailure::new(TransportFault::Other, e))?;
        let body: String = form
            .iter()
            .map(|(k, v)| format!("{}={}", form_encode(k), form_encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let mut req = self
            .http
            .post(url)
            .timeout(self.request_timeout)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .body(body);
        for (k, v) in headers {
            req = req.header(*k, v);
        }
        self.send(req).await
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> Result<Answer, SendFailure> {
        let fail = |e: reqwest::Error| {
            let e = e.without_url();
            let fault = classify_transport(&e);
            // Without a certificate configured, a rejected handshake is not a guess.
            let error = match fault {
                TransportFault::CertRejected | TransportFault::PossiblyCertRejected
                    if self.client_subject.is_none() =>
                {
                    ClientError::certificate_missing()
                }
                _ => ClientError::from_reqwest(&e),
            };
            SendFailure::new(fault, error)
        };
        let mut resp = req.send().await.map_err(fail)?;
        let too_large = || {
            SendFailure::new(
                TransportFault::Other,
                ClientError::too_large(self.max_response_bytes),
            )
        };
        if resp
            .content_length()
            .is_some_and(|n| n > self.max_response_bytes)
        {
            return Err(too_large());
        }
        let status = resp.status().as_u16();
        let content_type = header_text(resp.headers(), "content-type");
        let retry_after =
            header_text(resp.headers(), "retry-after").and_then(|v| parse_retry_after(&v));
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(fail)? {
            if (body.len() + chunk.len()) as u64 > self.max_response_bytes {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Answer {
            status,
            content_type,
            retry_after,
            body,
        })
    }
}

fn header_text(h: &reqwest::header::HeaderMap, name: &str) -> Option<String> {
    h.get(name)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.trim().to_string())
}

/// `Retry-After`: delay-seconds or an HTTP date (RFC 9110 §10.2.3).
pub fn parse_retry_after(v: &str) -> Option<Duration> {
    let v = v.trim();
    if let Ok(s) = v.parse::<u64>() {
        return Some(Duration::from_secs(s));
    }
    let when = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let wait = when.with_timezone(&Utc) - Utc::now();
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}

/// `application/x-www-form-urlencoded` for one key or value.
pub fn form_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Percent-encoding for a query value in a URL.
pub fn query_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_seconds_and_dates() {
        assert_eq!(parse_retry_after("2"), Some(Duration::from_secs(2)));
        assert_eq!(parse_retry_after(" 0 "), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        let later = (Utc::now() + chrono::Duration::seconds(30)).to_rfc2822();
        let d = parse_retry_after(&later).unwrap();
        assert!(d > Duration::from_secs(25) && d <= Duration::from_secs(30));
        assert_eq!(parse_retry_after("soon"), None);
    }

    #[test]
    fn encodings() {
        assert_eq!(
            query_encode("http://electronichealth.se/identifier/personnummer|191212121212"),
            "http%3A//electronichealth.se/identifier/personnummer%7C191212121212"
        );
        assert_eq!(form_encode("a b&c=d/é"), "a+b%26c%3Dd%2F%C3%A9");
    }

    #[test]
    fn content_types() {
        let a = |ct: &str| Answer {
            status: 200,
            content_type: Some(ct.into()),
            retry_after: None,
            body: vec![],
        };
        assert!(a("application/fhir+json; charset=utf-8").is_json());
        assert!(a("application/json").is_json());
        assert!(!a("text/html; charset=utf-8").is_json());
    }
}
