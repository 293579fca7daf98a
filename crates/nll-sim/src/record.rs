//! Every request the server received, as tests inspect it: method, path, query, headers, the
//! client certificate's subject (TLS), the status answered and the fault applied.

use std::sync::Mutex;

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordedRequest {
    /// 1, 2, 3 … in arrival order.
    pub seq: u64,
    pub method: String,
    pub path: String,
    /// The raw query string, if any.
    pub query: Option<String>,
    /// Header names in lower case, in arrival order.
    pub headers: Vec<(String, String)>,
    /// Subject of the client certificate (mutual TLS), e.g. `CN=Apotek Kronan kassa 1, O=…`.
    pub client_cert_subject: Option<String>,
    /// Status answered; `None` while in flight (or for a hang).
    pub status: Option<u16>,
    /// The fault applied, e.g. `status 503`, `hang`.
    pub fault: Option<String>,
}

impl RecordedRequest {
    /// The first value of a header (name case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The decoded value of a query parameter.
    pub fn query_param(&self, name: &str) -> Option<String> {
        let q = self.query.as_deref()?;
        url_pairs(q)
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }
}

/// Decodes an `application/x-www-form-urlencoded` string into pairs.
pub fn url_pairs(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = |c: u8| (c as char).to_digit(16);
                match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[derive(Debug, Default)]
pub struct Recorder {
    inner: Mutex<(u64, Vec<RecordedRequest>)>,
}

/// Most requests kept (the oldest are dropped beyond this), so a long pilot run stays small.
const KEEP: usize = 10_000;

impl Recorder {
    pub fn push(&self, mut r: RecordedRequest) -> u64 {
        let mut g = self.inner.lock().expect("recorder");
        g.0 += 1;
        r.seq = g.0;
        if g.1.len() >= KEEP {
            g.1.remove(0);
        }
        g.1.push(r);
        g.0
    }

    pub fn finish(&self, seq: u64, status: u16, fault: Option<String>) {
        let mut g = self.inner.lock().expect("recorder");
        if let Some(r) = g.1.iter_mut().rev().find(|r| r.seq == seq) {
            r.status = Some(status);
            if fault.is_some() {
                r.fault = fault;
            }
        }
    }

    pub fn mark_fault(&self, seq: u64, fault: String) {
        let mut g = self.inner.lock().expect("recorder");
        if let Some(r) = g.1.iter_mut().rev().find(|r| r.seq == seq) {
            r.fault = Some(fault);
        }
    }

    pub fn all(&self) -> Vec<RecordedRequest> {
        self.inner.lock().expect("recorder").1.clone()
    }

    pub fn clear(&self) {
        self.inner.lock().expect("recorder").1.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_queries() {
        let pairs = url_pairs("identifier=http%3A%2F%2Fx%7C191212121212&_count=5&a+b=c%2");
        assert_eq!(
            pairs[0],
            ("identifier".into(), "http://x|191212121212".into())
        );
        assert_eq!(pairs[1], ("_count".into(), "5".into()));
        assert_eq!(pairs[2], ("a b".into(), "c%2".into()));
    }
}
