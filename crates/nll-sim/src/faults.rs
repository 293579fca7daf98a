//! Faults on demand: what a network, a proxy or a struggling NLL does to a client.
//!
//! A fault is a kind plus a scope: only requests whose path starts with `pathPrefix` (default:
//! every request outside `/admin`), and only the next `count` of them (default: until cleared).
//! Faults are set from `SimConfig`, from `nllc sim --fault …`, or at run time through
//! `POST /admin/faults` (test mode, loopback only). Latency faults add up with other faults; of
//! the other kinds, the oldest matching fault wins.

use std::str::FromStr;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

/// What goes wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum FaultKind {
    /// Answer late (added to the server's base latency).
    Latency { ms: u64 },
    /// Answer with this status: 500 and 503 as an OperationOutcome, 502 as a gateway's HTML page.
    Status { code: u16 },
    /// 429 Too Many Requests with `Retry-After: <seconds>`.
    RateLimited {
        #[serde(rename = "retryAfter", default = "default_retry_after")]
        retry_after: u64,
    },
    /// Accept the request and never answer (until the server shuts down).
    Hang,
    /// 200 with a body that is not valid JSON.
    MalformedJson,
    /// The real response's headers (with its full Content-Length), half its body, then the
    /// connection is dropped.
    Truncated,
    /// A valid, enormous searchset Bundle (`bytes` of it, default 64 MiB), streamed without a
    /// Content-Length.
    Oversized {
        #[serde(default = "default_oversized")]
        bytes: u64,
    },
    /// The real body, labelled `text/html; charset=utf-8`.
    WrongContentType,
    /// A Patient search answered with another test patient (a mix-up of answers): the client
    /// must show nothing of it.
    OtherPatient,
}

fn default_retry_after() -> u64 {
    2
}

fn default_oversized() -> u64 {
    64 * 1024 * 1024
}

/// A fault and where it applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FaultSpec {
    #[serde(flatten)]
    pub kind: FaultKind,
    /// Only requests whose path starts with this (e.g. `/fhir/MedicationDispense`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_prefix: Option<String>,
    /// Only the next N matching requests; `None` = until cleared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
}

impl FaultSpec {
    pub fn new(kind: FaultKind) -> FaultSpec {
        FaultSpec {
            kind,
            path_prefix: None,
            count: None,
        }
    }
    pub fn on(mut self, path_prefix: &str) -> FaultSpec {
        self.path_prefix = Some(path_prefix.to_string());
        self
    }
    pub fn times(mut self, n: u32) -> FaultSpec {
        self.count = Some(n);
        self
    }
    fn matches(&self, path: &str) -> bool {
        self.path_prefix
            .as_deref()
            .is_none_or(|p| path.starts_with(p))
    }
}

/// Parses the `--fault` syntax: `KIND[:ARG][,path=PREFIX][,count=N]` with KIND one of
/// `latency:MS`, `500`, `502`, `503` (any 4xx/5xx), `429[:RETRY_AFTER_S]`, `hang`, `malformed`,
/// `truncated`, `oversized[:BYTES]`, `wrong-content-type`, `other-patient`.
impl FromStr for FaultSpec {
    type Err = String;

    fn from_str(s: &str) -> Result<FaultSpec, String> {
        let mut parts = s.split(',');
        let head = parts.next().unwrap_or_default().trim();
        let (name, arg) = match head.split_once(':') {
            Some((n, a)) => (n, Some(a)),
            None => (head, None),
        };
        let num = |a: Option<&str>, what: &str| -> Result<Option<u64>, String> {
            a.map(|v| {
                v.parse::<u64>()
                    .map_err(|_| format!("{what}: not a number: {v}"))
            })
            .transpose()
        };
        let kind = match name {
            "latency" => FaultKind::Latency {
                ms: num(arg, "latency")?.ok_or("latency needs milliseconds, e.g. latency:300")?,
            },
            "429" | "rate-limited" => FaultKind::RateLimited {
                retry_after: num(arg, "429")?.unwrap_or_else(default_retry_after),
            },
            "hang" => FaultKind::Hang,
            "malformed" | "malformed-json" => FaultKind::MalformedJson,
            "truncated" => FaultKind::Truncated,
            "oversized" => FaultKind::Oversized {
                bytes: num(arg, "oversized")?.unwrap_or_else(default_oversized),
            },
            "wrong-content-type" | "content-type" => FaultKind::WrongContentType,
            "other-patient" => FaultKind::OtherPatient,
            code => match code.parse::<u16>() {
                Ok(c) if (400..600).contains(&c) => FaultKind::Status { code: c },
                _ => return Err(format!("unknown fault: {head}")),
            },
        };
        let mut spec = FaultSpec::new(kind);
        for opt in parts {
            match opt.trim().split_once('=') {
                Some(("path", p)) => spec.path_prefix = Some(p.to_string()),
                Some(("count", n)) => {
                    spec.count = Some(n.parse().map_err(|_| format!("count: not a number: {n}"))?)
                }
                _ => return Err(format!("unknown fault option: {opt} (path=…, count=…)")),
            }
        }
        Ok(spec)
    }
}

/// An active fault with its id and what is left of its count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActiveFault {
    pub id: u64,
    #[serde(flatten)]
    pub spec: FaultSpec,
    /// Requests it has affected so far.
    pub hits: u32,
}

/// What applies to one request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    pub latency_ms: u64,
    pub fault: Option<FaultKind>,
}

#[derive(Debug, Default)]
pub struct Faults {
    inner: Mutex<(u64, Vec<ActiveFault>)>,
}

impl Faults {
    pub fn add(&self, spec: FaultSpec) -> u64 {
        let mut g = self.inner.lock().expect("faults");
        g.0 += 1;
        let id = g.0;
        g.1.push(ActiveFault { id, spec, hits: 0 });
        id
    }

    pub fn list(&self) -> Vec<ActiveFault> {
        self.inner.lock().expect("faults").1.clone()
    }

    pub fn clear(&self) {
        self.inner.lock().expect("faults").1.clear();
    }

    pub fn remove(&self, id: u64) -> bool {
        let mut g = self.inner.lock().expect("faults");
        let before = g.1.len();
        g.1.retain(|f| f.id != id);
        g.1.len() != before
    }

    /// Takes what applies to a request on `path`, counting it against scoped faults.
    pub fn take(&self, path: &str) -> Applied {
        let mut g = self.inner.lock().expect("faults");
        let mut applied = Applied::default();
        for f in g.1.iter_mut() {
            if !f.spec.matches(path) {
                continue;
            }
            match &f.spec.kind {
                FaultKind::Latency { ms } => {
                    applied.latency_ms += ms;
                    f.hits += 1;
                }
                other if applied.fault.is_none() => {
                    applied.fault = Some(other.clone());
                    f.hits += 1;
                }
                _ => {}
            }
        }
        g.1.retain(|f| f.spec.count.is_none_or(|c| f.hits < c));
        applied
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_flag_syntax() {
        assert_eq!(
            "503,count=2".parse::<FaultSpec>().unwrap(),
            FaultSpec::new(FaultKind::Status { code: 503 }).times(2)
        );
        assert_eq!(
            "latency:250,path=/fhir/Patient"
                .parse::<FaultSpec>()
                .unwrap(),
            FaultSpec::new(FaultKind::Latency { ms: 250 }).on("/fhir/Patient")
        );
        assert_eq!(
            "429:7".parse::<FaultSpec>().unwrap().kind,
            FaultKind::RateLimited { retry_after: 7 }
        );
        assert_eq!(
            "oversized:1000".parse::<FaultSpec>().unwrap().kind,
            FaultKind::Oversized { bytes: 1000 }
        );
        assert!("teapot".parse::<FaultSpec>().is_err());
        assert!("200".parse::<FaultSpec>().is_err());
        assert!("hang,when=now".parse::<FaultSpec>().is_err());
    }

    #[test]
    fn json_shape_round_trips() {
        let spec: FaultSpec = serde_json::from_str(
            r#"{"kind":"rate-limited","retryAfter":3,"pathPrefix":"/fhir","count":1}"#,
        )
        .unwrap();
        assert_eq!(
            spec,
            FaultSpec::new(FaultKind::RateLimited { retry_after: 3 })
                .on("/fhir")
                .times(1)
        );
        let back = serde_json::to_value(&spec).unwrap();
        assert_eq!(back["kind"], "rate-limited");
        assert_eq!(back["pathPrefix"], "/fhir");
    }

    #[test]
    fn scope_and_count() {
        let f = Faults::default();
        f.add(
            FaultSpec::new(FaultKind::Status { code: 500 })
                .on("/fhir/MedicationDispense")
                .times(2),
        );
        f.add(FaultSpec::new(FaultKind::Latency { ms: 10 }));
        assert_eq!(
            f.take("/fhir/Patient"),
            Applied {
                latency_ms: 10,
                fault: None
            }
        );
        for _ in 0..2 {
            assert_eq!(
                f.take("/fhir/MedicationDispense").fault,
                Some(FaultKind::Status { code: 500 })
            );
        }
        assert_eq!(f.take("/fhir/MedicationDispense").fault, None);
        assert_eq!(f.list().len(), 1);
        f.clear();
        assert_eq!(f.take("/x"), Applied::default());
    }
}
