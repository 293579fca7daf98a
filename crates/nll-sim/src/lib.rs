//! The NLL test server: synthetic patients, NLL's access rules and filters, a token exchange, a
//! power-of-attorney register, mutual TLS and faults on demand. Used in-process by tests and by
//! the app's training mode, and as `nllc sim`. Endpoints and test patients: README, section
//! "The NLL test server".
//!
//! ```no_run
//! # async fn demo() -> Result<(), nll_sim::SimError> {
//! let sim = nll_sim::start(nll_sim::SimConfig::default()).await?;
//! println!("{}", sim.fhir_base()); // http://127.0.0.1:<port>/fhir
//! let token = sim.token_for("farmaceut");
//! // … reqwest calls with `Authorization: Bearer {token}` …
//! assert!(sim.requests().iter().all(|r| r.header("x-request-id").is_some()));
//! sim.shutdown().await;
//! # Ok(()) }
//! ```

mod access;
mod api;
pub mod auth;
pub mod catalogue;
pub mod faults;
mod filters;
mod outcome;
pub mod pki;
pub mod record;
mod resources;
mod rng;
mod server;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use tokio::sync::watch;

pub use api::{DEFAULT_COUNT, MAX_COUNT};
pub use auth::{TestUser, TEST_USERS};
pub use catalogue::Catalogue;
pub use faults::{ActiveFault, FaultKind, FaultSpec};
pub use outcome::Problem;
pub use record::RecordedRequest;

/// Mutual TLS: the server's certificate and key, and the CA that client certificates must chain
/// to (PEM text).
#[derive(Clone)]
pub struct TlsConfig {
    pub cert_pem: String,
    pub key_pem: String,
    pub client_ca_pem: String,
}

impl std::fmt::Debug for TlsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsConfig").finish_non_exhaustive()
    }
}

impl TlsConfig {
    /// The server side of a test PKI.
    pub fn from_pki(pki: &pki::TestPki) -> TlsConfig {
        TlsConfig {
            cert_pem: pki.server().cert_pem.clone(),
            key_pem: pki.server().key_pem.clone(),
            client_ca_pem: pki.ca_pem(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Seed of the catalogue's ids and histories.
    pub seed: u64,
    /// The server's "today" (histories are relative to it). Default: the local date.
    pub today: Option<NaiveDate>,
    /// Address to listen on. Plain HTTP is refused on anything but loopback.
    pub bind: IpAddr,
    /// 0 = an ephemeral port.
    pub port: u16,
    /// Mutual TLS; `None` = plain HTTP (loopback only).
    pub tls: Option<TlsConfig>,
    /// Added to every answer outside `/admin`.
    pub latency: Duration,
    /// Faults active from the start.
    pub faults: Vec<FaultSpec>,
    /// Test mode: the `/admin` endpoints (faults, recorded requests, token expiry), loopback only.
    pub admin: bool,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    /// Build every history and render every dispense in the background right after start, so
    /// the first lookup of the heavy patient is as quick as the rest (training mode, `nllc sim`).
    /// Off by default: tests start many servers.
    pub prewarm: bool,
    /// The pharmacy's policy override file (TOML, `nll::policy::Policy::from_overrides_toml`):
    /// the server then accepts the overridden purpose and access codes, like the client sends.
    pub policy_overrides: Option<String>,
}

impl Default for SimConfig {
    fn default() -> SimConfig {
        SimConfig {
            seed: 1,
            today: None,
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            tls: None,
            latency: Duration::ZERO,
            faults: Vec::new(),
            admin: true,
            access_token_ttl: Duration::from_secs(15 * 60),
            refresh_token_ttl: Duration::from_secs(8 * 3600),
            prewarm: false,
            policy_overrides: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("okrypterad HTTP är bara tillåten på loopback (127.0.0.1), inte på {0}; använd TLS")]
    PlainHttpNotLoopback(IpAddr),
    #[error("porten kunde inte öppnas: {0}")]
    Bind(#[from] std::io::Error),
    #[error("TLS-konfigurationen är ogiltig: {0}")]
    Tls(String),
    #[error("policyfilen är ogiltig: {0}")]
    Policy(String),
}

/// A running server. Dropping it stops the server.
pub struct SimHandle {
    state: Arc<server::AppState>,
    base_url: String,
    addr: SocketAddr,
    handle: axum_server::Handle<SocketAddr>,
    stop: watch::Sender<bool>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl std::fmt::Debug for SimHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimHandle")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

/// Starts the server on a loopback port and returns once it listens.
pub async fn start(config: SimConfig) -> Result<SimHandle, SimError> {
    if config.tls.is_none() && !config.bind.is_loopback() {
        return Err(SimError::PlainHttpNotLoopback(config.bind));
    }
    let today = config
        .today
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let (stop, stop_rx) = watch::channel(false);
    let faults = faults::Faults::default();
    for f in &config.faults {
        faults.add(f.clone());
    }
    let policy = match &config.policy_overrides {
        Some(text) => nll::policy::Policy::from_overrides_toml(text)
            .map_err(|e| SimError::Policy(e.to_string()))?,
        None => nll::policy::Policy::standard(),
    };
    let state = Arc::new(server::AppState::new(
        Catalogue::new(config.seed, today),
        access::AccessRules::new(policy),
        auth::Tokens::new(config.access_token_ttl, config.refresh_token_ttl),
        faults,
        config.latency,
        config.admin,
        stop_rx,
    ));
    let listener = std::net::TcpListener::bind(SocketAddr::new(config.bind, config.port))?;
    let addr = listener.local_addr()?;
    let scheme = if config.tls.is_some() {
        "https"
    } else {
        "http"
    };
    let host = match addr.ip() {
        IpAddr::V6(ip) => format!("[{ip}]"),
        IpAddr::V4(ip) => ip.to_string(),
    };
    let base_url = format!("{scheme}://{host}:{}", addr.port());
    let _ = state.base_url.set(base_url.clone());

    let app = server::router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let handle = axum_server::Handle::<SocketAddr>::new();
    let task = match &config.tls {
        None => {
            let server = axum_server::from_tcp(listener)?.handle(handle.clone());
            tokio::spawn(server.serve(app))
        }
        Some(tls) => {
            let rustls = rustls_config(tls)?;
            let server = axum_server::tls_rustls::from_tcp_rustls(
                listener,
                axum_server::tls_rustls::RustlsConfig::from_config(Arc::new(rustls)),
            )?
            .handle(handle.clone());
            tokio::spawn(server.serve(app))
        }
    };
    if config.prewarm {
        let warm = state.clone();
        tokio::task::spawn_blocking(move || {
            for p in warm.catalogue.patients() {
                warm.rendered_dispenses(p);
            }
        });
    }
    Ok(SimHandle {
        state,
        base_url,
        addr,
        handle,
        stop,
        task: Some(task),
    })
}

fn pem_blocks(text: &str, tag: &str) -> Result<Vec<Vec<u8>>, SimError> {
    let blocks = pem::parse_many(text).map_err(|e| SimError::Tls(e.to_string()))?;
    Ok(blocks
        .into_iter()
        .filter(|b| b.tag() == tag || (tag == "PRIVATE KEY" && b.tag().ends_with("PRIVATE KEY")))
        .map(|b| b.into_contents())
        .collect())
}

fn rustls_config(tls: &TlsConfig) -> Result<rustls::ServerConfig, SimError> {
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let _ = rustls::crypto::ring::default_provider().install_default();
    let err = |e: &dyn std::fmt::Display| SimError::Tls(e.to_string());
    let mut roots = rustls::RootCertStore::empty();
    for der in pem_blocks(&tls.client_ca_pem, "CERTIFICATE")? {
        roots.add(CertificateDer::from(der)).map_err(|e| err(&e))?;
    }
    if roots.is_empty() {
        return Err(SimError::Tls("ingen CA för klientcertifikat".into()));
    }
    let verifier = rustls::server::WebPkiClientVerifier::builder(Arc::new(roots))
        .build()
        .map_err(|e| err(&e))?;
    let certs: Vec<CertificateDer<'static>> = pem_blocks(&tls.cert_pem, "CERTIFICATE")?
        .into_iter()
        .map(CertificateDer::from)
        .collect();
    let key_pem = pem::parse_many(&tls.key_pem)
        .map_err(|e| err(&e))?
        .into_iter()
        .find(|b| b.tag().ends_with("PRIVATE KEY"))
        .ok_or_else(|| SimError::Tls("ingen privat nyckel".into()))?;
    let key = match key_pem.tag() {
        "RSA PRIVATE KEY" => PrivateKeyDer::Pkcs1(key_pem.into_contents().into()),
        "EC PRIVATE KEY" => PrivateKeyDer::Sec1(key_pem.into_contents().into()),
        _ => PrivateKeyDer::Pkcs8(key_pem.into_contents().into()),
    };
    rustls::ServerConfig::builder()
        .with_client_cert_verifier(verifier)
        .with_single_cert(certs, key)
        .map_err(|e| err(&e))
}

impl SimHandle {
    /// `http://127.0.0.1:<port>` or `https://…`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// `<base_url>/fhir`.
    pub fn fhir_base(&self) -> String {
        format!("{}/fhir", self.base_url)
    }

    /// `<base_url>/oauth/token`.
    pub fn token_url(&self) -> String {
        format!("{}/oauth/token", self.base_url)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn catalogue(&self) -> &Catalogue {
        &self.state.catalogue
    }

    /// An access token for a test user (as the token exchange would issue), for tests.
    ///
    /// # Panics
    /// If `login` is not one of [`TEST_USERS`].
    pub fn token_for(&self, login: &str) -> String {
        let user = auth::user(login).unwrap_or_else(|| panic!("no test user {login}"));
        self.state.tokens.issue(user).access_token
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state.recorder.all()
    }

    pub fn clear_requests(&self) {
        self.state.recorder.clear()
    }

    /// Adds a fault; returns its id.
    pub fn add_fault(&self, spec: FaultSpec) -> u64 {
        self.state.faults.add(spec)
    }

    pub fn faults(&self) -> Vec<ActiveFault> {
        self.state.faults.list()
    }

    pub fn clear_faults(&self) {
        self.state.faults.clear()
    }

    /// Makes every issued access token expired (refresh tokens stay valid).
    pub fn expire_access_tokens(&self) {
        self.state.tokens.expire_access_tokens()
    }

    /// Stops the server: open connections (including hanging requests) are closed.
    pub async fn shutdown(mut self) {
        self.stop_now();
        if let Some(task) = self.task.take() {
            let _ = tokio::time::timeout(Duration::from_secs(5), task).await;
        }
    }

    fn stop_now(&self) {
        let _ = self.stop.send(true);
        self.handle
            .graceful_shutdown(Some(Duration::from_millis(200)));
    }

    /// Runs until the server stops (for `nllc sim`).
    pub async fn wait(mut self) -> std::io::Result<()> {
        match self.task.take() {
            Some(task) => task.await.unwrap_or_else(|e| Err(std::io::Error::other(e))),
            None => Ok(()),
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        if self.task.is_some() {
            self.stop_now();
        }
    }
}
