//! The client's configuration file (TOML). Paths are relative to the file's folder. Secrets are
//! never in the file: they are named by keyring account (service `se.receptdisk`). The one
//! exception is `token.source = "static"` with an inline `token`, meant for test environments.
//!
//! ```toml
//! base_url = "https://nll.example.se/fhir"       # https, or http only to this computer
//! fullmakt_url = "https://fullmakt.example.se/fullmakt"   # optional power-of-attorney register
//! extra_ca_pem = "certs/extra-ca.pem"            # optional, added to the OS trust store
//! connect_timeout_ms = 5000
//! request_timeout_ms = 20000
//! max_retries = 2                                # GETs only; at most 2
//! max_retry_wait_ms = 10000                      # longest Retry-After honoured
//! page_size = 1000                               # _count; 0 = the server's default
//! max_pages = 50                                 # per resource
//! max_response_bytes = 33554432
//! policy_overrides = "policy.toml"               # optional: codes and [headers] (nll::policy)
//! role = "FARMACEUT"                             # optional: else from the token
//! user = "SE5565594230-F001"                     # optional: else from the token
//! access_log = "/var/lib/receptdisk/access.db"   # optional: else the app data folder; or the
//!                                                # [access_log] table with the chain's central
//!                                                # log: see `central_log`
//! workstation = "disk-3"                         # optional: the access log's counter id, else the host name
//!
//! [client_certificate]                           # mutual TLS
//! pkcs12 = "certs/kassa1.p12"                    # password from the keyring:
//! password_keyring = "pkcs12-password"           #   account (default "pkcs12-password")
//! # or: pem = "certs/kassa1.pem" (+ key_pem = "certs/kassa1-key.pem" if the key is apart)
//!
//! [proxy]                                        # absent: HTTPS_PROXY / NO_PROXY from the environment
//! url = "http://proxy.apotek.local:3128"
//! no_proxy = "localhost,127.0.0.1,.apotek.local"
//! # disabled = true                              # no proxy at all, environment ignored
//!
//! [org]                                          # X-Org-Info; absent: from the token's claims
//! org_namn = "Apoteksbolaget Syd AB"
//! orgenhets_id = "7350012345013"
//! orgenhets_namn = "Apoteket Kronan"
//! orgenhets_ort = "Malmö"
//!
//! [token]
//! source = "oauth2-exchange"                     # or "command" or "static"
//! token_url = "https://idp.example.se/oauth/token"
//! client_id = "receptdisk-kassa"                 # else keyring account "oauth2-client-id"
//! client_secret_keyring = "oauth2-client-secret" # keyring account of the client secret
//! subject_token_command = ["eid-login", "--saml"] # prints the user's assertion
//! # subject_token = "farmaceut"                  # test environments: a fixed subject
//! subject_token_type = "urn:ietf:params:oauth:token-type:saml2"
//! refresh_margin_s = 60
//! ```

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use nll::headers::OrgInfo;
use nll::Role;
use serde::Deserialize;

use crate::central_log::AccessLogConfig;
use crate::error::ClientError;

pub const DEFAULT_CONNECT_TIMEOUT_MS: u64 = 5_000;
pub const DEFAULT_REQUEST_TIMEOUT_MS: u64 = 20_000;
/// The most retries any configuration gets (issue: "at most 2").
pub const MAX_RETRIES: u32 = 2;
pub const DEFAULT_PAGE_SIZE: u32 = 1000;
pub const DEFAULT_MAX_PAGES: u32 = 50;
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 32 * 1024 * 1024;
pub const DEFAULT_MAX_RETRY_WAIT_MS: u64 = 10_000;
pub const DEFAULT_PKCS12_ACCOUNT: &str = "pkcs12-password";
pub const DEFAULT_CLIENT_ID_ACCOUNT: &str = "oauth2-client-id";
pub const DEFAULT_CLIENT_SECRET_ACCOUNT: &str = "oauth2-client-secret";
pub const DEFAULT_STATIC_TOKEN_ACCOUNT: &str = "nll-token";
pub const SUBJECT_TOKEN_TYPE_SAML2: &str = "urn:ietf:params:oauth:token-type:saml2";

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientConfig {
    /// NLL's FHIR base, e.g. `https://…/fhir`.
    pub base_url: String,
    #[serde(default)]
    pub fullmakt_url: Option<String>,
    #[serde(default)]
    pub extra_ca_pem: Option<PathBuf>,
    #[serde(default = "d_connect")]
    pub connect_timeout_ms: u64,
    #[serde(default = "d_request")]
    pub request_timeout_ms: u64,
    #[serde(default = "d_retries")]
    pub max_retries: u32,
    #[serde(default = "d_retry_wait")]
    pub max_retry_wait_ms: u64,
    #[serde(default = "d_page_size")]
    pub page_size: u32,
    #[serde(default = "d_max_pages")]
    pub max_pages: u32,
    #[serde(default = "d_max_bytes")]
    pub max_response_bytes: u64,
    #[serde(default)]
    pub policy_overrides: Option<PathBuf>,
    #[serde(default)]
    pub role: Option<Role>,
    #[serde(default)]
    pub user: Option<String>,
    /// The local log's path and the chain's central log (`[access_log.central]`).
    #[serde(default)]
    pub access_log: AccessLogConfig,
    /// This counter's id on its access-log rows (e.g. `disk-3`); else the host name.
    #[serde(default)]
    pub workstation: Option<String>,
    /// The date lists are built for (training and tests pin it to the test server's date).
    #[serde(default)]
    pub today: Option<NaiveDate>,
    #[serde(default)]
    pub client_certificate: Option<CertConfig>,
    #[serde(default)]
    pub proxy: ProxyConfig,
    #[serde(default)]
    pub org: Option<OrgConfig>,
    pub token: TokenConfig,
}

impl std::fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientConfig")
            .field("base_url", &self.base_url)
            .field("token", &self.token)
            .finish_non_exhaustive()
    }
}

fn d_connect() -> u64 {
    DEFAULT_CONNECT_TIMEOUT_MS
}
fn d_request() -> u64 {
    DEFAULT_REQUEST_TIMEOUT_MS
}
fn d_retries() -> u32 {
    MAX_RETRIES
}
fn d_retry_wait() -> u64 {
    DEFAULT_MAX_RETRY_WAIT_MS
}
fn d_page_size() -> u32 {
    DEFAULT_PAGE_SIZE
}
fn d_max_pages() -> u32 {
    DEFAULT_MAX_PAGES
}
fn d_max_bytes() -> u64 {
    DEFAULT_MAX_RESPONSE_BYTES
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertConfig {
    /// Certificate chain and key in one PEM file (or the chain, with `key_pem` for the key).
    #[serde(default)]
    pub pem: Option<PathBuf>,
    #[serde(default)]
    pub key_pem: Option<PathBuf>,
    /// A PKCS#12 file; its password comes from the keyring.
    #[serde(default)]
    pub pkcs12: Option<PathBuf>,
    #[serde(default)]
    pub password_keyring: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProxyConfig {
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub no_proxy: Option<String>,
    #[serde(default)]
    pub disabled: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgConfig {
    pub org_namn: String,
    pub orgenhets_id: String,
    pub orgenhets_namn: String,
    pub orgenhets_ort: String,
}

impl OrgConfig {
    pub fn org_info(&self) -> OrgInfo {
        OrgInfo {
            org_namn: self.org_namn.clone(),
            orgenhets_id: self.orgenhets_id.clone(),
            orgenhets_namn: self.orgenhets_namn.clone(),
            orgenhets_ort: self.orgenhets_ort.clone(),
        }
    }
}

/// Where the access token comes from.
#[derive(Clone, Deserialize)]
#[serde(tag = "source", rename_all = "kebab-case", deny_unknown_fields)]
pub enum TokenConfig {
    /// A fixed token (test environments): inline, or from the keyring.
    Static {
        #[serde(default)]
        token: Option<String>,
        #[serde(default)]
        keyring: Option<String>,
    },
    /// A program whose standard output is the token (like a credential helper).
    Command {
        command: Vec<String>,
        #[serde(default = "d_command_timeout")]
        timeout_ms: u64,
        /// How long a token is reused when it does not say when it expires.
        #[serde(default = "d_cache_seconds")]
        cache_seconds: u64,
    },
    /// OAuth 2.0 token exchange (RFC 8693), EHM's Intygsväxling.
    Oauth2Exchange {
        token_url: String,
        #[serde(default)]
        client_id: Option<String>,
        #[serde(default)]
        client_id_keyring: Option<String>,
        #[serde(default)]
        client_secret_keyring: Option<String>,
        #[serde(default)]
        subject_token: Option<String>,
        #[serde(default)]
        subject_token_command: Option<Vec<String>>,
        #[serde(default = "d_subject_type")]
        subject_token_type: String,
        #[serde(default = "d_refresh_margin")]
        refresh_margin_s: u64,
        #[serde(default)]
        scope: Option<String>,
    },
}

impl TokenConfig {
    /// A token exchange with a fixed SAML subject token (a test user's login at a test server),
    /// the other settings at their defaults; the client secret comes from the keyring.
    pub fn exchange_for(token_url: String, client_id: &str, subject_token: &str) -> TokenConfig {
        TokenConfig::Oauth2Exchange {
            token_url,
            client_id: Some(client_id.into()),
            client_id_keyring: None,
            client_secret_keyring: None,
            subject_token: Some(subject_token.into()),
            subject_token_command: None,
            subject_token_type: d_subject_type(),
            refresh_margin_s: d_refresh_margin(),
            scope: None,
        }
    }
}

impl std::fmt::Debug for TokenConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // No token, subject or command line in debug output.
        match self {
            TokenConfig::Static { keyring, .. } => f
                .debug_struct("Static")
                .field("keyring", keyring)
                .finish_non_exhaustive(),
            TokenConfig::Command { .. } => f.debug_struct("Command").finish_non_exhaustive(),
            TokenConfig::Oauth2Exchange { token_url, .. } => f
                .debug_struct("Oauth2Exchange")
                .field("token_url", token_url)
                .finish_non_exhaustive(),
        }
    }
}

fn d_command_timeout() -> u64 {
    10_000
}
fn d_cache_seconds() -> u64 {
    300
}
fn d_subject_type() -> String {
    SUBJECT_TOKEN_TYPE_SAML2.to_string()
}
fn d_refresh_margin() -> u64 {
    60
}

impl ClientConfig {
    /// A minimal configuration: a base URL and a static token (`nllc --base-url --token`).
    pub fn with_static_token(base_url: &str, token: &str) -> ClientConfig {
        ClientConfig {
            base_url: base_url.to_string(),
            fullmakt_url: None,
            extra_ca_pem: None,
            connect_timeout_ms: DEFAULT_CONNECT_TIMEOUT_MS,
            request_timeout_ms: DEFAULT_REQUEST_TIMEOUT_MS,
            max_retries: MAX_RETRIES,
            max_retry_wait_ms: DEFAULT_MAX_RETRY_WAIT_MS,
            page_size: DEFAULT_PAGE_SIZE,
            max_pages: DEFAULT_MAX_PAGES,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            policy_overrides: None,
            role: None,
            user: None,
            access_log: AccessLogConfig::default(),
            workstation: None,
            today: None,
            client_certificate: None,
            proxy: ProxyConfig::default(),
            org: None,
            token: TokenConfig::Static {
                token: Some(token.to_string()),
                keyring: None,
            },
        }
    }

    /// Reads a configuration file; relative paths in it are taken from the file's folder.
    pub fn load(path: &Path) -> Result<ClientConfig, ClientError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            ClientError::config(
                format!("filen {} kunde inte läsas ({})", path.display(), e.kind()),
                format!(
                    "the file {} could not be read ({})",
                    path.display(),
                    e.kind()
                ),
            )
        })?;
        let dir = path.parent().unwrap_or(Path::new("."));
        ClientConfig::from_toml(&text, dir)
    }

    pub fn from_toml(text: &str, dir: &Path) -> Result<ClientConfig, ClientError> {
        let mut cfg: ClientConfig = toml::from_str(text).map_err(|e| {
            // Only the message and the line: toml's own Display quotes the line, which could
            // hold an inline test token.
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            let msg = e.message().lines().next().unwrap_or("").to_string();
            match line {
                Some(l) => {
                    ClientError::config(format!("rad {l}: {msg}"), format!("line {l}: {msg}"))
                }
                None => ClientError::config(msg.clone(), msg),
            }
        })?;
        cfg.resolve_paths(dir);
        cfg.validate()?;
        Ok(cfg)
    }

    fn resolve_paths(&mut self, dir: &Path) {
        let fix = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = dir.join(&*p);
            }
        };
        if let Some(p) = &mut self.extra_ca_pem {
            fix(p);
        }
        if let Some(p) = &mut self.policy_overrides {
            fix(p);
        }
        self.access_log.resolve_paths(dir);
        if let Some(c) = &mut self.client_certificate {
            for p in [&mut c.pem, &mut c.key_pem, &mut c.pkcs12]
                .into_iter()
                .flatten()
            {
                fix(p);
            }
        }
    }

    /// Checks what can be checked without the network.
    pub fn validate(&self) -> Result<(), ClientError> {
        check_url(&self.base_url)?;
        self.access_log.validate()?;
        if let Some(u) = &self.fullmakt_url {
            check_url(u)?;
        }
        if let TokenConfig::Oauth2Exchange {
            token_url,
            subject_token,
            subject_token_command,
            ..
        } = &self.token
        {
            check_url(token_url)?;
            if subject_token.is_none() && subject_token_command.is_none() {
                return Err(ClientError::config(
                    "token: ange subject_token_command (eller subject_token i testmiljö)",
                    "token: give subject_token_command (or subject_token in a test environment)",
                ));
            }
        }
        if let TokenConfig::Command { command, .. } = &self.token {
            if command.is_empty() {
                return Err(ClientError::config(
                    "token.command är tomt",
                    "token.command is empty",
                ));
            }
        }
        if self.max_retries > MAX_RETRIES {
            return Err(ClientError::config(
                format!("max_retries får vara högst {MAX_RETRIES}"),
                format!("max_retries may be at most {MAX_RETRIES}"),
            ));
        }
        if self.max_pages == 0 {
            return Err(ClientError::config(
                "max_pages måste vara minst 1",
                "max_pages must be at least 1",
            ));
        }
        if let Some(c) = &self.client_certificate {
            let n = [c.pem.is_some(), c.pkcs12.is_some()]
                .iter()
                .filter(|x| **x)
                .count();
            if n != 1 {
                return Err(ClientError::config(
                    "client_certificate: ange antingen pem eller pkcs12",
                    "client_certificate: give either pem or pkcs12",
                ));
            }
        }
        Ok(())
    }
}

/// `https://…`, or `http://` to this computer only (loopback: the test server, a local proxy of
/// the pharmacy's own). Anything else is refused before a byte is sent.
pub fn check_url(url: &str) -> Result<reqwest::Url, ClientError> {
    let parsed = reqwest::Url::parse(url).map_err(|_| {
        ClientError::config(
            format!("adressen \"{}\" är ogiltig", redact_url(url)),
            format!("the address \"{}\" is not valid", redact_url(url)),
        )
    })?;
    match parsed.scheme() {
        "https" => Ok(parsed),
        "http" if is_loopback(&parsed) => Ok(parsed),
        "http" => Err(ClientError::insecure_url()),
        other => Err(ClientError::config(
            format!("adressen har schemat {other}; bara https är tillåtet"),
            format!("the address has the scheme {other}; only https is allowed"),
        )),
    }
}

pub fn is_loopback(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => bare.eq_ignore_ascii_case("localhost"),
    }
}

/// A URL for an error text: scheme, host and path, no query (a query can hold a personnummer)
/// and no user info.
pub fn redact_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(u) => format!(
            "{}://{}{}",
            u.scheme(),
            u.host_str().unwrap_or(""),
            u.path()
        ),
        Err(_) => url
            .split(['?', '#'])
            .next()
            .unwrap_or("")
            .chars()
            .take(80)
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    const FULL: &str = r#"
base_url = "https://nll.example.se/fhir"
extra_ca_pem = "certs/ca.pem"
role = "FARMACEUT"
[client_certificate]
pkcs12 = "certs/kassa1.p12"
[proxy]
url = "http://proxy.apotek.local:3128"
no_proxy = "localhost"
[org]
org_namn = "Apoteksbolaget Syd AB"
orgenhets_id = "7350012345013"
orgenhets_namn = "Apoteket Kronan"
orgenhets_ort = "Malmö"
[token]
source = "oauth2-exchange"
token_url = "https://idp.example.se/oauth/token"
client_id = "kassa"
subject_token_command = ["eid-login"]
"#;

    #[test]
    fn full_file_reads_and_paths_are_relative_to_it() {
        let c = ClientConfig::from_toml(FULL, Path::new("/etc/receptdisk")).unwrap();
        assert_eq!(
            c.extra_ca_pem.as_deref(),
            Some(Path::new("/etc/receptdisk/certs/ca.pem"))
        );
        assert_eq!(
            c.client_certificate.unwrap().pkcs12.as_deref(),
            Some(Path::new("/etc/receptdisk/certs/kassa1.p12"))
        );
        assert_eq!(c.role, Some(Role::Farmaceut));
        assert_eq!(c.max_retries, 2);
        assert!(matches!(c.token, TokenConfig::Oauth2Exchange { .. }));
        assert_eq!(c.org.unwrap().orgenhets_ort, "Malmö");
    }

    #[test]
    fn plain_http_only_to_loopback() {
        assert!(check_url("http://127.0.0.1:8080/fhir").is_ok());
        assert!(check_url("http://localhost/fhir").is_ok());
        assert!(check_url("http://[::1]:9/fhir").is_ok());
        assert!(check_url("https://nll.example.se/fhir").is_ok());
        let e = check_url("http://nll.example.se/fhir").unwrap_err();
        assert_eq!(e.code, ErrorCode::InsecureUrl);
        assert_eq!(e.exit_code(), 2);
        let e = check_url("http://10.0.0.5/fhir").unwrap_err();
        assert_eq!(e.code, ErrorCode::InsecureUrl);
        assert_eq!(check_url("ftp://x/").unwrap_err().code, ErrorCode::Config);
        let text = FULL.replace("https://nll.example.se", "http://nll.example.se");
        let e = ClientConfig::from_toml(&text, Path::new(".")).unwrap_err();
        assert_eq!(e.code, ErrorCode::InsecureUrl);
    }

    #[test]
    fn errors_name_the_line_but_never_quote_it() {
        let text = "base_url = \"https://x/fhir\"\n[token]\nsource = \"static\"\ntoken = hemlig-token-123\n";
        let e = ClientConfig::from_toml(text, Path::new(".")).unwrap_err();
        assert_eq!(e.code, ErrorCode::Config);
        assert!(e.message.contains("rad 4"), "{}", e.message);
        assert!(!e.message.contains("hemlig-token-123"), "{}", e.message);
        assert!(!format!("{e:?}").contains("hemlig-token-123"));
    }

    #[test]
    fn unknown_keys_and_limits_are_refused() {
        let e = ClientConfig::from_toml(
            "base_url = \"https://x/fhir\"\nmax_retries = 5\n[token]\nsource = \"static\"\ntoken = \"t\"\n",
            Path::new("."),
        )
        .unwrap_err();
        assert!(e.message.contains("max_retries"), "{}", e.message);
        let e = ClientConfig::from_toml(
            "base_url = \"https://x/fhir\"\n[token]\nsource = \"static\"\ntokne = \"t\"\n",
            Path::new("."),
        )
        .unwrap_err();
        assert!(e.message.contains("tokne"), "{}", e.message);
    }

    #[test]
    fn debug_never_shows_a_token() {
        let c = ClientConfig::with_static_token("https://x/fhir", "hemlig-token-123");
        assert!(!format!("{c:?}").contains("hemlig-token-123"));
    }

    #[test]
    fn redacted_urls_have_no_query() {
        assert_eq!(
            redact_url("https://u:p@nll.example.se/fhir/Patient?identifier=x%7C191212121212"),
            "https://nll.example.se/fhir/Patient"
        );
    }
}
