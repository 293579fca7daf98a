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
//! max_response_bytes = 33554432                 # one answer
//! max_lookup_bytes = 134217728                   # all answers of one lookup together
//! policy_overrides = "policy.toml"               # optional: codes and [headers] (nll::policy)
//! role = "FARMACEUT"                             # optional: else from the token
//! user = "SE5565594230-F001"                     # optional: else from the token
//! workstation = "disk-3"                         # optional: the access log's counter id, else the host name
//! test_personnummer = "19680415-2384"            # optional: `nllc doctor` searches for it
//!
//! [access_log]                                   # optional; or the short form access_log = "…"
//! path = "/var/lib/receptdisk/access-log.sqlite3" # optional: else the data folder
//! # [access_log.central]: the chain's central log, see `central_log`
//!
//! [counter]                                      # the desktop app's counter screen
//! printer = "Kassa1"                             # CUPS queue; absent: the system default
//! idle_timeout_minutes = 3                       # 1–60
//! language = "sv"                                # or "en"
//!
//! [client_certificate]                           # mutual TLS
//! pkcs12 = "certs/kassa1.p12"                    # password from the keyring:
//! password_keyring = "pkcs12-password"           #   account (default "pkcs12-password")
//! # or: pem = "certs/kassa1.pem" (+ key_pem = "certs/kassa1-key.pem" if the key is apart)
//!
//! [proxy]                                        # absent: HTTPS_PROXY / NO_PROXY from the environment
//! url = "http://proxy.apotek.local:3128"
//! no_proxy = ".apotek.local"                   # this computer is never proxied anyway
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
use serde::{Deserialize, Serialize};

use crate::central_log::AccessLogConfig;
use crate::error::{ClientError, ErrorCode};

pub const DEFAULT_CONNECT_TIMEOUT_MS: u64 = 5_000;
pub const DEFAULT_REQUEST_TIMEOUT_MS: u64 = 20_000;
/// The most retries any configuration gets (issue: "at most 2").
pub const MAX_RETRIES: u32 = 2;
pub const DEFAULT_PAGE_SIZE: u32 = 1000;
pub const DEFAULT_MAX_PAGES: u32 = 50;
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 32 * 1024 * 1024;
/// All answers of one lookup together: the largest test patient (`storkund`, 4,000 dispenses)
/// takes about 12 MB, so ten times that; a server sending page after page stops here, not at
/// pages × answers × resources.
pub const DEFAULT_MAX_LOOKUP_BYTES: u64 = 128 * 1024 * 1024;
pub const DEFAULT_MAX_RETRY_WAIT_MS: u64 = 10_000;
pub const DEFAULT_PKCS12_ACCOUNT: &str = "pkcs12-password";
pub const DEFAULT_CLIENT_ID_ACCOUNT: &str = "oauth2-client-id";
pub const DEFAULT_CLIENT_SECRET_ACCOUNT: &str = "oauth2-client-secret";
pub const DEFAULT_STATIC_TOKEN_ACCOUNT: &str = "nll-token";
pub const SUBJECT_TOKEN_TYPE_SAML2: &str = "urn:ietf:params:oauth:token-type:saml2";

#[derive(Clone, Deserialize, Serialize)]
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
    #[serde(default = "d_max_lookup_bytes")]
    pub max_lookup_bytes: u64,
    #[serde(default)]
    pub policy_overrides: Option<PathBuf>,
    #[serde(default)]
    pub role: Option<Role>,
    #[serde(default)]
    pub user: Option<String>,
    /// This counter's id on its access-log rows (e.g. `disk-3`); else the host name.
    #[serde(default)]
    pub workstation: Option<String>,
    /// A test patient `nllc doctor` and *Testa anslutningen* search for (a real lookup, logged).
    #[serde(default)]
    pub test_personnummer: Option<String>,
    /// The date lists are built for (training and tests pin it to the test server's date).
    #[serde(default, skip_serializing)]
    pub today: Option<NaiveDate>,
    /// The local log's path and the chain's central log (`[access_log.central]`).
    #[serde(default)]
    pub access_log: AccessLogConfig,
    #[serde(default)]
    pub counter: CounterConfig,
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
fn d_max_lookup_bytes() -> u64 {
    DEFAULT_MAX_LOOKUP_BYTES
}

/// The desktop app's counter screen (`[counter]`); `nllc print` takes its printer too.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct CounterConfig {
    /// CUPS queue; `None` = the system's default printer.
    pub printer: Option<String>,
    /// Minutes without input before the customer is cleared (1–60).
    pub idle_timeout_minutes: u32,
    /// "sv" or "en".
    pub language: String,
}

impl Default for CounterConfig {
    fn default() -> Self {
        CounterConfig {
            printer: None,
            idle_timeout_minutes: 3,
            language: "sv".into(),
        }
    }
}

impl CounterConfig {
    /// What is wrong, as (key, Swedish, English).
    pub fn problems(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        if !(1..=60).contains(&self.idle_timeout_minutes) {
            out.push(Problem::new(
                "counter.idle_timeout_minutes",
                "tiden till automatisk utloggning av kund ska vara 1–60 minuter",
                "the idle timeout must be 1–60 minutes",
            ));
        }
        if !matches!(self.language.as_str(), "sv" | "en") {
            out.push(Problem::new(
                "counter.language",
                "språket ska vara \"sv\" eller \"en\"",
                "the language must be \"sv\" or \"en\"",
            ));
        }
        out
    }
}

/// One thing wrong with a configuration: the key it is about and what to do, in Swedish and
/// English. [`crate::layers`] adds the file and line the key was set on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub key: &'static str,
    pub sv: String,
    pub en: String,
    /// An error of its own kind (an insecure URL), kept as the error to return.
    pub error: Option<ClientError>,
}

impl Problem {
    pub fn new(key: &'static str, sv: impl Into<String>, en: impl Into<String>) -> Problem {
        Problem {
            key,
            sv: sv.into(),
            en: en.into(),
            error: None,
        }
    }

    pub fn to_error(&self) -> ClientError {
        self.error
            .clone()
            .unwrap_or_else(|| ClientError::config(&self.sv, &self.en))
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
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

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProxyConfig {
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub no_proxy: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub disabled: bool,
}

/// The pharmacy (`X-Org-Info`). Only the GLN is required: the names come from the token when
/// it carries them.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OrgConfig {
    #[serde(default)]
    pub org_namn: String,
    pub orgenhets_id: String,
    #[serde(default)]
    pub orgenhets_namn: String,
    #[serde(default)]
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
#[derive(Clone, Deserialize, Serialize)]
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
            max_lookup_bytes: DEFAULT_MAX_LOOKUP_BYTES,
            policy_overrides: None,
            role: None,
            user: None,
            workstation: None,
            test_personnummer: None,
            today: None,
            access_log: AccessLogConfig::default(),
            counter: CounterConfig::default(),
            client_certificate: None,
            proxy: ProxyConfig::default(),
            org: None,
            token: TokenConfig::Static {
                token: Some(token.to_string()),
                keyring: None,
            },
        }
    }

    /// Reads one configuration file (no layers); relative paths in it are taken from the
    /// file's folder. Errors name the file and the line.
    pub fn load(path: &Path) -> Result<ClientConfig, ClientError> {
        let layer = crate::layers::Layer::read(crate::layers::LayerKind::User, path)
            .map_err(|p| p.to_error())?
            .ok_or_else(|| {
                ClientError::config(
                    format!("filen {} finns inte", path.display()),
                    format!("the file {} does not exist", path.display()),
                )
            })?;
        crate::layers::Layers::from_layers(vec![layer])
            .client_config()
            .map_err(|p| p.to_error())
    }

    /// One configuration text whose relative paths are taken from `dir`.
    pub fn from_toml(text: &str, dir: &Path) -> Result<ClientConfig, ClientError> {
        let layer = crate::layers::Layer::parse(
            crate::layers::LayerKind::User,
            &dir.join("receptdisk.toml"),
            text,
        )
        .map_err(|p| p.to_error())?;
        crate::layers::Layers::from_layers(vec![layer])
            .client_config()
            .map_err(|p| p.to_error())
    }

    /// Checks what can be checked without the network; the first problem as an error.
    pub fn validate(&self) -> Result<(), ClientError> {
        match self.problems().first() {
            Some(p) => Err(p.to_error()),
            None => Ok(()),
        }
    }

    /// Everything wrong that can be seen without the network, each with its key.
    pub fn problems(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        let url = |key: &'static str, u: &str, out: &mut Vec<Problem>| {
            if let Err(e) = check_url(u) {
                out.push(Problem {
                    key,
                    sv: format!("{key}: {}", config_detail(&e.message)),
                    en: format!("{key}: {}", config_detail(&e.message_en)),
                    error: (e.code != ErrorCode::Config).then_some(e),
                });
            }
        };
        url("base_url", &self.base_url, &mut out);
        if let Err(e) = self.access_log.validate() {
            out.push(Problem::new("access_log.central", e.message, e.message_en));
        }
        if let Some(u) = &self.fullmakt_url {
            url("fullmakt_url", u, &mut out);
        }
        match &self.token {
            TokenConfig::Oauth2Exchange {
                token_url,
                subject_token,
                subject_token_command,
                ..
            } => {
                url("token.token_url", token_url, &mut out);
                let command_given = subject_token_command
                    .as_ref()
                    .is_some_and(|c| !c.is_empty());
                if subject_token.is_none() && !command_given {
                    out.push(Problem::new(
                        "token.subject_token_command",
                        "token: ange inloggningskommandot (subject_token_command), eller ett fast subject_token i en testmiljö",
                        "token: give the login command (subject_token_command), or a fixed subject_token in a test environment",
                    ));
                }
            }
            TokenConfig::Command { command, .. } if command.is_empty() => {
                out.push(Problem::new(
                    "token.command",
                    "token.command är tomt – ange programmet som skriver ut en token",
                    "token.command is empty – give the program that prints a token",
                ));
            }
            _ => {}
        }
        if self.max_retries > MAX_RETRIES {
            out.push(Problem::new(
                "max_retries",
                format!("max_retries får vara högst {MAX_RETRIES}"),
                format!("max_retries may be at most {MAX_RETRIES}"),
            ));
        }
        if self.max_pages == 0 {
            out.push(Problem::new(
                "max_pages",
                "max_pages måste vara minst 1",
                "max_pages must be at least 1",
            ));
        }
        if let Some(c) = &self.client_certificate {
            if c.pem.is_some() == c.pkcs12.is_some() {
                out.push(Problem::new(
                    "client_certificate",
                    "client_certificate: ange antingen pem eller pkcs12",
                    "client_certificate: give either pem or pkcs12",
                ));
            }
            if c.key_pem.is_some() && c.pem.is_none() {
                out.push(Problem::new(
                    "client_certificate.key_pem",
                    "client_certificate.key_pem hör till pem – ange certifikatet i pem",
                    "client_certificate.key_pem belongs with pem – give the certificate in pem",
                ));
            }
        }
        if let Some(org) = &self.org {
            if let Err(e) = nll::ids::Gln::parse(&org.orgenhets_id) {
                out.push(Problem::new(
                    "org.orgenhets_id",
                    format!("apotekets GLN (org.orgenhets_id): {e}"),
                    format!("the pharmacy's GLN (org.orgenhets_id): {}", e.message_en()),
                ));
            }
        }
        if let Some(p) = &self.test_personnummer {
            if let Err(e) = nll::ids::PersonId::parse(p, chrono::Local::now().date_naive()) {
                out.push(Problem::new(
                    "test_personnummer",
                    format!("test_personnummer: {e}"),
                    format!("test_personnummer: {}", e.message_en()),
                ));
            }
        }
        out.extend(self.counter.problems());
        out
    }
}

/// The detail inside a config error's sentence ("… är felaktiga: DETAIL – rätta …").
fn config_detail(message: &str) -> String {
    let detail = message
        .split_once(": ")
        .map(|(_, rest)| rest)
        .unwrap_or(message);
    detail
        .split(" – ")
        .next()
        .unwrap_or(detail)
        .trim_end_matches('.')
        .to_string()
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

/// A URL for an error text: scheme, host, port and path, no query (a query can hold a
/// personnummer) and no user info.
pub fn redact_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(u) => format!(
            "{}://{}{}{}",
            u.scheme(),
            u.host_str().unwrap_or(""),
            u.port().map(|p| format!(":{p}")).unwrap_or_default(),
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
