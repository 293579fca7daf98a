//! HTTP on reqwest + rustls (ring): the OS trust store plus an optional extra CA, the client
//! certificate, the proxy, timeouts and a cap on the size of an answer. One call = one request;
//! retries and logging are the caller's (`nll_api`), because each retry is a new request with
//! its own `X-Request-ID` and its own access-log row.

use std::time::Duration;

use chrono::Utc;

use crate::config::{check_url, ClientConfig, ProxyConfig};
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

/// The first of these environment variables that is set and not empty.
fn env_var(names: &[&str]) -> Option<String> {
    names
        .iter()
        .filter_map(|n| std::env::var(n).ok())
        .find(|v| !v.trim().is_empty())
}

/// The proxy: `[proxy] url` (and `no_proxy`), else `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY`
/// (and `NO_PROXY`) from the environment; none with `disabled`. Whatever the setting, a request
/// to this computer (`localhost`, 127.0.0.0/8, ::1 — the test server, the token exchange in
/// training) never goes through a proxy: a proxy there would see the Bearer token.
fn proxy(p: &ProxyConfig) -> Result<Option<reqwest::Proxy>, ClientError> {
    if p.disabled {
        return Ok(None);
    }
    let (https, http, no_proxy) = match &p.url {
        Some(url) => (Some(url.clone()), Some(url.clone()), p.no_proxy.clone()),
        None => (
            env_var(&["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]),
            env_var(&["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]),
            env_var(&["NO_PROXY", "no_proxy"]),
        ),
    };
    if https.is_none() && http.is_none() {
        return Ok(None);
    }
    let parse = |u: Option<String>| -> Result<Option<reqwest::Url>, ClientError> {
        u.map(|u| {
            reqwest::Url::parse(&u).map_err(|_| {
                ClientError::config(
                    "proxy.url (eller HTTPS_PROXY) är inte en giltig adress",
                    "proxy.url (or HTTPS_PROXY) is not a valid address",
                )
            })
        })
        .transpose()
    };
    let (https, http) = (parse(https)?, parse(http)?);
    let bypass: Vec<String> = no_proxy
        .unwrap_or_default()
        .split(',')
        .map(|e| e.trim().trim_start_matches('.').to_ascii_lowercase())
        .filter(|e| !e.is_empty())
        .collect();
    Ok(Some(reqwest::Proxy::custom(move |url| {
        let host = url.host_str().unwrap_or("").to_ascii_lowercase();
        if crate::config::is_loopback(url) || bypassed(&bypass, &host) {
            return None;
        }
        match url.scheme() {
            "https" => https.clone(),
            _ => http.clone(),
        }
    })))
}

/// `no_proxy` as curl reads it: `*` is every host; an entry is the host itself or a domain it
/// is under (`apotek.local` and `.apotek.local` both cover `nll.apotek.local`).
fn bypassed(entries: &[String], host: &str) -> bool {
    entries.iter().any(|e| {
        e == "*"
            || host == e
            || host
                .strip_suffix(e.as_str())
                .is_some_and(|r| r.ends_with('.'))
    })
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
        // Only the proxy decided here: reqwest's own reading of the environment is off.
        b = b.no_proxy();
        if let Some(proxy) = proxy(&cfg.proxy)? {
            b = b.proxy(proxy);
        }
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
        // Sized from Content-Length (already checked against the limit): a 2.5 MB page is not
        // grown by doubling, which leaves freed blocks behind in a long-running app.
        let expected = resp.content_length().unwrap_or(0);
        let mut body = Vec::with_capacity(usize::try_from(expected).unwrap_or(0));
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
    fn no_proxy_entries_cover_the_host_and_its_subdomains_only() {
        let e: Vec<String> = ["apotek.local", "nll.example.se"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert!(bypassed(&e, "apotek.local"));
        assert!(bypassed(&e, "kassa1.apotek.local"));
        assert!(!bypassed(&e, "notapotek.local"));
        assert!(!bypassed(&e, "nll.example.se.evil.com"));
        assert!(bypassed(&["*".to_string()], "anything"));
    }

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
