//! The NLL client: what the app and `nllc` use to talk to NLL — the real one and the test
//! server alike.
//!
//! - [`config`]: the configuration (endpoint, certificate, proxy, token source, limits);
//!   [`layers`]: read in layers (defaults, the chain's machine-wide file, the user's file).
//! - [`transport`]: reqwest + rustls (ring), OS trust store + extra CA, client certificate
//!   ([`identity`]: PEM or PKCS#12), proxy, timeouts, a size cap; plain `http://` to loopback only.
//! - [`token`]: OAuth2 token exchange, a token command, or a static token; [`secrets`]: the OS
//!   keyring (service `se.receptdisk`).
//! - [`nll_api`]: one read — headers from `nll::headers`, retries, paging, a log row per request.
//! - [`plan`]: the fetch plan (two round trips), the policy checked before and after the lookup.
//! - [`counter`]: the counter session API the desktop app uses.
//! - [`doctor`]: the connection check (`nllc doctor`, *Testa anslutningen*).
//! - [`access_log`]: the append-only SQLite access log; [`central_log`]: where it is forwarded.
//! - [`error`]: `{code, message, requestId, nllCode}` errors in Swedish (English alongside).
//!
//! ```no_run
//! # async fn demo() -> Result<(), nll_client::ClientError> {
//! use std::sync::Arc;
//! use nll_client::{AccessLog, ClientConfig, Counter, KeyringStore, LookupRequest, NllClient};
//! let cfg = ClientConfig::load(std::path::Path::new("receptdisk.toml"))?;
//! let log = Arc::new(AccessLog::open_default()?);
//! let client = Arc::new(NllClient::new(&cfg, &KeyringStore, log)?);
//! let counter = Counter::new(client);
//! counter.new_customer();
//! let result = counter.lookup(LookupRequest::new("19121212-1212", nll::Flow::Expediering)).await?;
//! println!("{} prescriptions", result.list.list.prescriptions.len());
//! counter.end_customer();
//! # Ok(()) }
//! ```

pub mod access_log;
pub mod central_log;
pub mod client;
pub mod config;
pub mod counter;
pub mod doctor;
pub mod error;
pub mod id_check;
pub mod identity;
pub mod layers;
pub mod nll_api;
pub mod plan;
pub mod secrets;
pub mod token;
pub mod transport;

pub use access_log::{
    computer_account, local_day_start, to_csv, AccessLog, Actor, Break, EntryKind, LogEntry,
    LogFailure, LogFilter, Mode, NewEntry, PrintOutcome, Printout, Verification, Why,
};
pub use central_log::{AccessLogConfig, CentralLogConfig};
pub use client::{NllClient, UserInfo};
pub use config::ClientConfig;
pub use counter::{
    Counter, LookupResult, Revealed, ShownList, TreatmentReasonRequest, TreatmentReasonResult,
};
pub use error::{ClientError, ErrorClass, ErrorCode};
pub use layers::{ConfigPaths, ConfigProblem, Layers};
pub use plan::LookupRequest;
pub use secrets::{KeyringStore, MemorySecrets, Secret, SecretStore, SERVICE as KEYRING_SERVICE};
