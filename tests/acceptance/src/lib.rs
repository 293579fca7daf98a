//! The harness of the acceptance tests: the real `nll-sim` over mutual TLS with a fresh test PKI
//! written to a temporary folder, and the real `nll-client` configured against it (certificate
//! files, the test CA as extra CA, OAuth2 token exchange, an access log file). Tests are in
//! `tests/`.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::NaiveDate;
use nll_client::config::{CertConfig, TokenConfig};
use nll_client::{
    AccessLog, ClientConfig, ClientError, Counter, LogEntry, LogFilter, MemorySecrets, NllClient,
};
use nll_sim::pki::{PkiFiles, TestPki};
use nll_sim::{RecordedRequest, SimConfig, SimHandle, TlsConfig};

/// The date the catalogue and the client are pinned to (ages and histories depend on it).
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).expect("date")
}

/// The OAuth2 client secret the tests keep in the (memory) keyring: it must never show up.
pub const CLIENT_SECRET: &str = "klienthemlighet-ACCEPT-4711";
pub const CLIENT_ID: &str = "receptdisk-acceptans";
/// Common name of the client certificate.
pub const CLIENT_CN: &str = "Apotek Kronan kassa 1";

pub struct Env {
    pub sim: SimHandle,
    pub pki: TestPki,
    pub files: PkiFiles,
    pub dir: PathBuf,
    pub log: Arc<AccessLog>,
    pub log_path: PathBuf,
}

impl Drop for Env {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A test server with mutual TLS, pinned to [`today`].
pub async fn start() -> Env {
    start_with(|_| {}).await
}

pub async fn start_with(tweak: impl FnOnce(&mut SimConfig)) -> Env {
    let dir = std::env::temp_dir().join(format!("receptdisk-acceptance-{}", uuid::Uuid::new_v4()));
    let pki = TestPki::generate().expect("pki");
    let files = pki.write_to_dir(&dir, &[CLIENT_CN]).expect("pki files");
    let mut cfg = SimConfig {
        today: Some(today()),
        tls: Some(TlsConfig::from_pki(&pki)),
        ..SimConfig::default()
    };
    tweak(&mut cfg);
    let sim = nll_sim::start(cfg).await.expect("sim starts");
    let log_path = dir.join("access-log.sqlite");
    let log = Arc::new(AccessLog::open(&log_path).expect("access log"));
    Env {
        sim,
        pki,
        files,
        dir,
        log,
        log_path,
    }
}

impl Env {
    /// The client configuration a pharmacy would have: mTLS with the PEM certificate, the test
    /// CA as extra CA, OAuth2 token exchange as `login`, the power-of-attorney register.
    pub fn config(&self, login: &str) -> ClientConfig {
        let mut c = ClientConfig::with_static_token(&self.sim.fhir_base(), "unused");
        c.fullmakt_url = Some(format!("{}/fullmakt", self.sim.base_url()));
        c.extra_ca_pem = Some(self.files.ca.clone());
        c.client_certificate = Some(CertConfig {
            pem: Some(self.files.clients[0].cert.clone()),
            key_pem: Some(self.files.clients[0].key.clone()),
            ..CertConfig::default()
        });
        c.proxy.disabled = true;
        c.today = Some(today());
        c.request_timeout_ms = 15_000;
        c.token = TokenConfig::exchange_for(self.sim.token_url(), CLIENT_ID, login);
        c
    }

    /// The keyring as the tests fill it.
    pub fn secrets(&self) -> MemorySecrets {
        MemorySecrets::new()
            .with("oauth2-client-secret", CLIENT_SECRET)
            .with("pkcs12-password", nll_sim::pki::PKCS12_PASSWORD)
    }

    pub fn client(&self, cfg: &ClientConfig) -> Result<Arc<NllClient>, ClientError> {
        NllClient::new(cfg, &self.secrets(), self.log.clone()).map(Arc::new)
    }

    pub fn counter_with(&self, cfg: &ClientConfig) -> Counter {
        Counter::new(self.client(cfg).expect("client"))
    }

    /// A counter signed in as `login` (`farmaceut`, `apotekspersonal`).
    pub fn counter(&self, login: &str) -> Counter {
        self.counter_with(&self.config(login))
    }

    pub fn pnr(&self, key: &str) -> String {
        self.sim
            .catalogue()
            .by_key(key)
            .expect("patient")
            .pnr
            .clone()
    }

    pub fn id(&self, key: &str) -> String {
        self.sim
            .catalogue()
            .by_key(key)
            .expect("patient")
            .id
            .clone()
    }

    /// The personnummer of a guardian or agent by name.
    pub fn related(&self, name: &str) -> String {
        self.sim
            .catalogue()
            .related_people()
            .into_iter()
            .find(|(p, _, _)| p.name() == name)
            .map(|(p, _, _)| p.pnr.clone())
            .unwrap_or_else(|| panic!("no related person {name}"))
    }

    /// Requests the server received for NLL data and the register (not the token service).
    pub fn nll_requests(&self) -> Vec<RecordedRequest> {
        self.sim
            .requests()
            .into_iter()
            .filter(|r| r.path.starts_with("/fhir/") || r.path == "/fullmakt")
            .collect()
    }

    pub fn log_rows(&self) -> Vec<LogEntry> {
        self.log.query(&LogFilter::default()).expect("log query")
    }

    /// The access log agrees with what the server saw, and holds no personnummer, no name,
    /// no token and no secret — checked on the rows and on the database files' bytes.
    pub fn check_log(&self) {
        let rows = self.log_rows();
        for r in self.nll_requests() {
            let rid = r.header("x-request-id").expect("request id sent");
            let n = rows
                .iter()
                .filter(|l| l.entry.request_id.as_deref() == Some(rid))
                .count();
            assert_eq!(
                n, 1,
                "one log row for request {rid} ({} {:?})",
                r.path, r.fault
            );
        }
        let mut forbidden: Vec<String> = Vec::new();
        for p in self.sim.catalogue().patients() {
            forbidden.push(p.pnr.clone());
            forbidden.push(p.family.to_string());
        }
        for (p, _, _) in self.sim.catalogue().related_people() {
            forbidden.push(p.pnr.clone());
        }
        for r in self.sim.requests() {
            if let Some(a) = r.header("authorization") {
                if let Some(t) = a.strip_prefix("Bearer ") {
                    forbidden.push(t.to_string());
                }
            }
        }
        forbidden.push(CLIENT_SECRET.to_string());
        let text = serde_json::to_string(&rows).expect("rows");
        let mut bytes = Vec::new();
        for suffix in ["", "-wal"] {
            let mut p = self.log_path.clone().into_os_string();
            p.push(suffix);
            if let Ok(b) = std::fs::read(PathBuf::from(p)) {
                bytes.extend(b);
            }
        }
        let raw = String::from_utf8_lossy(&bytes);
        for f in &forbidden {
            assert!(!text.contains(f.as_str()), "log rows contain {f}");
            assert!(!raw.contains(f.as_str()), "log file contains {f}");
        }
    }
}

/// Nothing secret or personal in an error the UI or a log might show.
pub fn assert_clean_error(env: &Env, e: &ClientError) {
    let text = format!("{e:?} {} {e}", serde_json::to_string(e).expect("json"));
    assert!(!text.contains(CLIENT_SECRET), "{text}");
    for r in env.sim.requests() {
        if let Some(t) = r
            .header("authorization")
            .and_then(|a| a.strip_prefix("Bearer "))
        {
            assert!(!text.contains(t), "token in error: {text}");
        }
    }
    for p in env.sim.catalogue().patients() {
        assert!(!text.contains(&p.pnr), "personnummer in error: {text}");
    }
    assert!(!text.contains("https://127.0.0.1"), "URL in error: {text}");
}

/// The recorded request carries exactly what `nll::headers::read_headers` builds for it: the
/// result's request context and pharmacy, the session, the request's own id and token, and
/// `X-PatientRef` only after the lookup.
pub fn assert_headers_as_built(
    req: &RecordedRequest,
    r: &nll_client::LookupResult,
    patient_ref: Option<&str>,
) {
    let token = req
        .header("authorization")
        .and_then(|a| a.strip_prefix("Bearer "))
        .expect("bearer token");
    let parse = |h: &str| {
        uuid::Uuid::parse_str(req.header(h).unwrap_or_else(|| panic!("{h} missing")))
            .unwrap_or_else(|_| panic!("{h} is not a UUID"))
    };
    let expected = nll::headers::read_headers(
        &r.context,
        token,
        parse("x-context-id"),
        parse("x-request-id"),
        patient_ref,
        &r.user.org,
        &nll_client::client::user_agent(),
        nll::headers::HeaderEncoding::default(),
    );
    for (name, value) in &expected {
        assert_eq!(
            req.header(name),
            Some(value.as_str()),
            "{name} on {} {:?}",
            req.path,
            req.query
        );
    }
    if patient_ref.is_none() {
        assert_eq!(
            req.header("x-patientref"),
            None,
            "no X-PatientRef on {}",
            req.path
        );
    }
    assert_eq!(
        req.client_cert_subject
            .as_deref()
            .map(|s| s.contains(&format!("CN={CLIENT_CN}"))),
        Some(true),
        "client certificate on {}",
        req.path
    );
}
