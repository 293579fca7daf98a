//! `access_log` in the client configuration: where the local log lives and, optionally, the
//! chain's central log (PostgreSQL) its rows are forwarded to.
//!
//! ```toml
//! access_log = "/var/lib/receptdisk/access.db"   # the short form: only the local file
//!
//! # or the long form:
//! [access_log]
//! path = "/var/lib/receptdisk/access.db"         # optional: else the app data folder
//! chain_key_keyring = "chain-patient-key"        # optional: rows carry the patient's keyed hash
//! [access_log.central]                           # optional: forward rows to the chain
//! host = "logg.kedjan.se"                        # verify-full TLS unless this computer
//! port = 5432
//! dbname = "receptdisk"
//! user = "kassa_7350012345013_1"                 # a login in the role receptdisk_counter
//! password_keyring = "central-log-password"      # keyring account (the default)
//! # or a client certificate: client_pem = "certs/kassa1-pg.pem", client_key_pem = "…"
//! ca_pem = "certs/kedjan-ca.pem"                 # optional: added to the OS trust store
//! batch_size = 500                               # rows per INSERT
//! interval_s = 60                                # the app's background push
//! ```

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::ClientError;

pub const DEFAULT_CENTRAL_PASSWORD_ACCOUNT: &str = "central-log-password";

/// The `access_log` key: a path, or a table with `path` and `central`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AccessLogConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<PathBuf>,
    /// Keyring account of the chain's patient key: when set, rows about a patient carry the
    /// patient's keyed hash (`access_log::patient_key`), and a missing key stops the login.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chain_key_keyring: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub central: Option<CentralLogConfig>,
}

/// A connection to the chain's central log: the counter's (`[access_log.central]`) and the
/// reviewer's (`[database]` of the review configuration) have the same shape.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CentralLogConfig {
    /// A host name, an IP address, or a Unix socket folder (starting with `/`).
    pub host: String,
    #[serde(default = "d_port")]
    pub port: u16,
    pub dbname: String,
    pub user: String,
    /// Keyring account of the password (default `central-log-password`); not used with a
    /// client certificate.
    #[serde(default)]
    pub password_keyring: Option<String>,
    #[serde(default)]
    pub client_pem: Option<PathBuf>,
    #[serde(default)]
    pub client_key_pem: Option<PathBuf>,
    #[serde(default)]
    pub ca_pem: Option<PathBuf>,
    #[serde(default = "d_batch")]
    pub batch_size: u32,
    #[serde(default = "d_interval")]
    pub interval_s: u64,
    #[serde(default = "d_connect")]
    pub connect_timeout_ms: u64,
}

fn d_port() -> u16 {
    5432
}
fn d_batch() -> u32 {
    500
}
fn d_interval() -> u64 {
    60
}
fn d_connect() -> u64 {
    5_000
}

impl CentralLogConfig {
    /// A connection with defaults (tests, `nllc review bench`).
    pub fn new(host: &str, port: u16, dbname: &str, user: &str) -> CentralLogConfig {
        CentralLogConfig {
            host: host.to_string(),
            port,
            dbname: dbname.to_string(),
            user: user.to_string(),
            password_keyring: None,
            client_pem: None,
            client_key_pem: None,
            ca_pem: None,
            batch_size: d_batch(),
            interval_s: d_interval(),
            connect_timeout_ms: d_connect(),
        }
    }

    /// The keyring account holding the password.
    pub fn password_account(&self) -> &str {
        self.password_keyring
            .as_deref()
            .unwrap_or(DEFAULT_CENTRAL_PASSWORD_ACCOUNT)
    }

    /// This computer (a loopback address, `localhost` or a socket folder): TLS is not required.
    pub fn is_local(&self) -> bool {
        let h = self.host.as_str();
        h.starts_with('/')
            || h.eq_ignore_ascii_case("localhost")
            || h.trim_matches(['[', ']'])
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    }

    pub fn resolve_paths(&mut self, dir: &Path) {
        for p in [
            &mut self.client_pem,
            &mut self.client_key_pem,
            &mut self.ca_pem,
        ]
        .into_iter()
        .flatten()
        {
            if p.is_relative() {
                *p = dir.join(&*p);
            }
        }
    }

    pub fn validate(&self) -> Result<(), ClientError> {
        let bad = |sv: &str, en: &str| Err(ClientError::config(sv, en));
        if self.host.trim().is_empty() || self.dbname.trim().is_empty() {
            return bad(
                "access_log.central: ange host och dbname för kedjans logg",
                "access_log.central: give host and dbname of the chain's log",
            );
        }
        if self.user.trim().is_empty() {
            return bad(
                "access_log.central: ange user (kassans inloggning i kedjans logg)",
                "access_log.central: give user (the counter's login to the chain's log)",
            );
        }
        if self.client_key_pem.is_some() && self.client_pem.is_none() {
            return bad(
                "access_log.central: client_key_pem kräver client_pem",
                "access_log.central: client_key_pem needs client_pem",
            );
        }
        if self.batch_size == 0 || self.batch_size > 10_000 {
            return bad(
                "access_log.central: batch_size ska vara 1–10000",
                "access_log.central: batch_size must be 1–10000",
            );
        }
        Ok(())
    }
}

impl AccessLogConfig {
    pub fn resolve_paths(&mut self, dir: &Path) {
        if let Some(p) = &mut self.path {
            if p.is_relative() {
                *p = dir.join(&*p);
            }
        }
        if let Some(c) = &mut self.central {
            c.resolve_paths(dir);
        }
    }

    pub fn validate(&self) -> Result<(), ClientError> {
        self.central.as_ref().map_or(Ok(()), |c| c.validate())
    }
}

impl<'de> Deserialize<'de> for AccessLogConfig {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Table {
            #[serde(default)]
            path: Option<PathBuf>,
            #[serde(default)]
            chain_key_keyring: Option<String>,
            #[serde(default)]
            central: Option<Box<CentralLogConfig>>,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Form {
            Path(PathBuf),
            Table(Table),
        }
        Ok(match Form::deserialize(d)? {
            Form::Path(p) => AccessLogConfig {
                path: Some(p),
                ..AccessLogConfig::default()
            },
            Form::Table(t) => AccessLogConfig {
                path: t.path,
                chain_key_keyring: t.chain_key_keyring,
                central: t.central.map(|c| *c),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Doc {
        access_log: AccessLogConfig,
    }

    #[test]
    fn short_and_long_forms() {
        let d: Doc = toml::from_str("access_log = \"a.db\"").unwrap();
        assert_eq!(d.access_log.path, Some(PathBuf::from("a.db")));
        assert!(d.access_log.central.is_none());
        let d: Doc = toml::from_str(
            "[access_log]\npath = \"a.db\"\n[access_log.central]\nhost = \"logg.kedjan.se\"\n\
             dbname = \"receptdisk\"\nuser = \"kassa1\"\nca_pem = \"ca.pem\"\n",
        )
        .unwrap();
        let mut a = d.access_log;
        a.resolve_paths(Path::new("/etc/receptdisk"));
        let c = a.central.unwrap();
        assert_eq!(c.port, 5432);
        assert_eq!(c.password_account(), "central-log-password");
        assert_eq!(c.ca_pem, Some(PathBuf::from("/etc/receptdisk/ca.pem")));
        assert!(!c.is_local());
        assert!(c.validate().is_ok());
    }

    #[test]
    fn loopback_and_sockets_are_local() {
        for h in ["127.0.0.1", "::1", "[::1]", "localhost", "/run/postgresql"] {
            assert!(CentralLogConfig::new(h, 5432, "d", "u").is_local(), "{h}");
        }
        for h in ["10.0.0.5", "logg.kedjan.se", "localhost.kedjan.se"] {
            assert!(!CentralLogConfig::new(h, 5432, "d", "u").is_local(), "{h}");
        }
    }

    #[test]
    fn bad_settings_are_named() {
        let mut c = CentralLogConfig::new("h", 5432, "d", "u");
        c.batch_size = 0;
        assert!(c.validate().unwrap_err().message.contains("batch_size"));
        let e = toml::from_str::<Doc>("[access_log.central]\nhost = \"h\"\ndbname = \"d\"\n")
            .err()
            .unwrap();
        assert!(e.to_string().contains("access_log"), "{e}");
    }
}
