//! The app's settings: saved as JSON in the app's config directory, never with a secret in it.
//! Secrets (certificate password, OAuth client secret) go to the OS keyring through
//! `nll_client::KeyringStore`; the settings file only names the keyring account.

use std::path::{Path, PathBuf};

use nll_client::config::{CertConfig, OrgConfig, ProxyConfig, TokenConfig};
use nll_client::{ClientConfig, ClientError};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Keyring accounts the settings screen writes.
pub const CERT_PASSWORD_ACCOUNT: &str = "pkcs12-password";
pub const CLIENT_SECRET_ACCOUNT: &str = "oauth2-client-secret";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct Settings {
    /// `None`: training mode (the built-in NLL test server, synthetic patients).
    pub live: Option<LiveSettings>,
    /// CUPS queue; `None` = the system's default printer.
    pub printer: Option<String>,
    /// Minutes without input before the customer is cleared.
    pub idle_timeout_minutes: u32,
    /// "sv" or "en".
    pub language: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            live: None,
            printer: None,
            idle_timeout_minutes: 3,
            language: "sv".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LiveSettings {
    /// NLL's FHIR base URL (https).
    pub base_url: String,
    /// The power-of-attorney register, if not beside the FHIR base.
    pub fullmakt_url: Option<String>,
    pub token: TokenSettings,
    /// Client certificate: a PKCS#12 file (.p12/.pfx; its password in the keyring) or a PEM
    /// file with chain and key.
    pub client_certificate: Option<String>,
    /// An extra CA (PEM) to trust besides the OS store.
    pub extra_ca: Option<String>,
    pub proxy_url: Option<String>,
    pub no_proxy: Option<String>,
    pub org: OrgSettings,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum TokenSettings {
    /// EHM's token exchange: URL and client id; the client secret is in the keyring.
    #[serde(rename_all = "camelCase")]
    Exchange {
        token_url: String,
        client_id: String,
    },
    /// A program that prints a token (e.g. the pharmacy's e-ID login helper).
    Command { command: Vec<String> },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OrgSettings {
    pub org_name: String,
    /// The pharmacy's GLN (13 digits, GS1 check digit).
    pub gln: String,
    pub unit_name: String,
    pub town: String,
}

impl Settings {
    pub fn path(config_dir: &Path) -> PathBuf {
        config_dir.join("settings.json")
    }

    /// Reads the settings; a missing file means defaults (training mode). A damaged file is an
    /// error rather than silently dropping a pharmacy's live configuration.
    pub fn load(config_dir: &Path) -> Result<Settings, String> {
        let path = Self::path(config_dir);
        match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| {
                format!(
                    "Inställningarna i {} kunde inte läsas ({e}). Rätta eller ta bort filen.",
                    path.display()
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Settings::default()),
            Err(e) => Err(format!(
                "Inställningarna i {} kunde inte läsas: {e}",
                path.display()
            )),
        }
    }

    pub fn save(&self, config_dir: &Path) -> Result<(), String> {
        self.validate()?;
        std::fs::create_dir_all(config_dir).map_err(|e| e.to_string())?;
        let text = serde_json::to_string_pretty(self).map_err(|e| e.to_string())?;
        std::fs::write(Self::path(config_dir), text)
            .map_err(|e| format!("Inställningarna kunde inte sparas: {e}"))
    }

    /// Checks what can be checked without the network: GLN check digit, https, timeout range.
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=60).contains(&self.idle_timeout_minutes) {
            return Err("Tiden till automatisk utloggning av kund ska vara 1–60 minuter.".into());
        }
        if let Some(live) = &self.live {
            nll::ids::Gln::parse(&live.org.gln).map_err(|e| format!("Apotekets GLN: {e}"))?;
            if !live.base_url.starts_with("https://") {
                return Err(
                    "Adressen till Nationella läkemedelslistan måste börja med https://.".into(),
                );
            }
        }
        Ok(())
    }
}

/// The privileged settings that differ between `old` and `new`, by key (never a value): each
/// change is an access-log row.
pub fn privileged_changes(old: &Settings, new: &Settings) -> Vec<&'static str> {
    let (a, b) = (old.live.as_ref(), new.live.as_ref());
    if a.is_some() != b.is_some() {
        return vec!["mode"];
    }
    let (Some(a), Some(b)) = (a, b) else {
        return Vec::new();
    };
    let checks: [(&str, bool); 7] = [
        ("nll.base_url", a.base_url != b.base_url),
        ("nll.fullmakt_url", a.fullmakt_url != b.fullmakt_url),
        (
            "nll.client_certificate",
            a.client_certificate != b.client_certificate,
        ),
        ("nll.extra_ca", a.extra_ca != b.extra_ca),
        (
            "nll.proxy",
            (&a.proxy_url, &a.no_proxy) != (&b.proxy_url, &b.no_proxy),
        ),
        ("token.source", a.token != b.token),
        ("org.gln", a.org.gln != b.org.gln),
    ];
    checks
        .into_iter()
        .filter(|(_, changed)| *changed)
        .map(|(k, _)| k)
        .collect()
}

impl LiveSettings {
    /// The client configuration for live mode.
    pub fn client_config(&self) -> Result<ClientConfig, ClientError> {
        let token = match &self.token {
            TokenSettings::Exchange {
                token_url,
                client_id,
            } => TokenConfig::Oauth2Exchange {
                token_url: token_url.clone(),
                client_id: Some(client_id.clone()),
                client_id_keyring: None,
                client_secret_keyring: Some(CLIENT_SECRET_ACCOUNT.into()),
                subject_token: None,
                subject_token_command: None,
                subject_token_type: nll_client::config::SUBJECT_TOKEN_TYPE_SAML2.into(),
                refresh_margin_s: 60,
                scope: None,
            },
            TokenSettings::Command { command } => TokenConfig::Command {
                command: command.clone(),
                timeout_ms: 10_000,
                cache_seconds: 300,
            },
        };
        let mut cfg = ClientConfig::with_static_token(&self.base_url, "");
        cfg.token = token;
        cfg.fullmakt_url = self.fullmakt_url.clone();
        cfg.extra_ca_pem = self.extra_ca.as_ref().map(PathBuf::from);
        cfg.client_certificate = self.client_certificate.as_ref().map(|p| {
            let path = PathBuf::from(p);
            let pkcs12 = matches!(
                path.extension()
                    .and_then(|e| e.to_str())
                    .map(str::to_ascii_lowercase)
                    .as_deref(),
                Some("p12" | "pfx")
            );
            if pkcs12 {
                CertConfig {
                    pkcs12: Some(path),
                    password_keyring: Some(CERT_PASSWORD_ACCOUNT.into()),
                    ..CertConfig::default()
                }
            } else {
                CertConfig {
                    pem: Some(path),
                    ..CertConfig::default()
                }
            }
        });
        cfg.proxy = ProxyConfig {
            url: self.proxy_url.clone(),
            no_proxy: self.no_proxy.clone(),
            disabled: false,
        };
        cfg.org = Some(OrgConfig {
            org_namn: self.org.org_name.clone(),
            orgenhets_id: self.org.gln.clone(),
            orgenhets_namn: self.org.unit_name.clone(),
            orgenhets_ort: self.org.town.clone(),
        });
        Ok(cfg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_file_means_training_mode_defaults() {
        let dir =
            std::env::temp_dir().join(format!("receptdisk-settings-{}", uuid::Uuid::new_v4()));
        let s = Settings::load(&dir).unwrap();
        assert!(s.live.is_none());
        assert_eq!(s.idle_timeout_minutes, 3);
    }

    #[test]
    fn saved_settings_round_trip_and_hold_no_secret_fields() {
        let dir =
            std::env::temp_dir().join(format!("receptdisk-settings-{}", uuid::Uuid::new_v4()));
        let s = Settings {
            live: Some(LiveSettings {
                base_url: "https://nll.example/fhir".into(),
                fullmakt_url: None,
                token: TokenSettings::Exchange {
                    token_url: "https://nll.example/token".into(),
                    client_id: "apotek-kronan".into(),
                },
                client_certificate: Some("/etc/receptdisk/kassa1.p12".into()),
                extra_ca: None,
                proxy_url: None,
                no_proxy: None,
                org: OrgSettings {
                    org_name: "Apoteket Kronan".into(),
                    gln: nll::ids::Gln::with_check_digit("735000000001")
                        .as_str()
                        .into(),
                    unit_name: "Kronan Lund".into(),
                    town: "Lund".into(),
                },
            }),
            ..Settings::default()
        };
        s.save(&dir).unwrap();
        let text = std::fs::read_to_string(Settings::path(&dir)).unwrap();
        assert!(!text.to_lowercase().contains("password") && !text.contains("secret"));
        assert_eq!(Settings::load(&dir).unwrap(), s);
        let cfg = s.live.unwrap().client_config().unwrap();
        let cert = cfg.client_certificate.unwrap();
        assert_eq!(
            cert.password_keyring.as_deref(),
            Some(CERT_PASSWORD_ACCOUNT)
        );
    }

    #[test]
    fn a_wrong_gln_check_digit_is_refused_in_swedish() {
        let good = nll::ids::Gln::with_check_digit("735000000001")
            .as_str()
            .to_string();
        let last = good.as_bytes()[12] - b'0';
        let wrong = format!("{}{}", &good[..12], (last + 1) % 10);
        let s = Settings {
            live: Some(LiveSettings {
                base_url: "https://nll.example/fhir".into(),
                fullmakt_url: None,
                token: TokenSettings::Command {
                    command: vec!["token-helper".into()],
                },
                client_certificate: None,
                extra_ca: None,
                proxy_url: None,
                no_proxy: None,
                org: OrgSettings {
                    org_name: "Apoteket Kronan".into(),
                    gln: wrong,
                    unit_name: "Kronan Lund".into(),
                    town: "Lund".into(),
                },
            }),
            ..Settings::default()
        };
        let err = s.validate().unwrap_err();
        assert!(err.starts_with("Apotekets GLN"), "{err}");
    }
}
