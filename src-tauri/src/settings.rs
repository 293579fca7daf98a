//! What *Inställningar* shows and edits: a view of the one configuration the app and `nllc`
//! share (`nll_client::layers`: the chain's machine-wide file, then the user's). Saving writes
//! the user's `receptdisk.toml`, keeps every key the screen does not know, never writes a key the
//! chain set machine-wide (those are locked), and never writes a secret: certificate passwords,
//! client secrets and tokens go to the OS keyring, and the file only names the account.
//!
//! The old `settings.json` is read once, written as the user's TOML file and renamed
//! `settings.json.migrated`.

use std::path::{Path, PathBuf};

use nll::Role;
use nll_client::config::{
    DEFAULT_CLIENT_SECRET_ACCOUNT, DEFAULT_PKCS12_ACCOUNT, DEFAULT_STATIC_TOKEN_ACCOUNT,
};
use nll_client::layers::{put, Layer, LayerKind};
use nll_client::{ClientError, ConfigPaths, Layers};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Keyring accounts the settings screen writes (the defaults the file's `*_keyring` keys name).
pub const CERT_PASSWORD_ACCOUNT: &str = DEFAULT_PKCS12_ACCOUNT;
pub const CLIENT_SECRET_ACCOUNT: &str = DEFAULT_CLIENT_SECRET_ACCOUNT;
pub const STATIC_TOKEN_ACCOUNT: &str = DEFAULT_STATIC_TOKEN_ACCOUNT;
pub const SECRET_ACCOUNTS: [&str; 3] = [
    CERT_PASSWORD_ACCOUNT,
    CLIENT_SECRET_ACCOUNT,
    STATIC_TOKEN_ACCOUNT,
];

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
    /// Keys the chain set machine-wide (`base_url`, `token.client_id` …): shown, not editable.
    pub locked: Vec<String>,
    /// The configuration files read, the chain's first.
    pub files: Vec<String>,
    /// The user's file, which saving writes.
    pub user_file: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            live: None,
            printer: None,
            idle_timeout_minutes: 3,
            language: "sv".into(),
            locked: Vec::new(),
            files: Vec::new(),
            user_file: None,
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
    /// file (the chain, and the key unless `client_key` names it).
    pub client_certificate: Option<String>,
    /// The PEM private key, when it is in a file of its own.
    #[serde(default)]
    pub client_key: Option<String>,
    /// An extra CA (PEM) to trust besides the OS store.
    pub extra_ca: Option<String>,
    pub proxy_url: Option<String>,
    pub no_proxy: Option<String>,
    pub org: OrgSettings,
    /// Role and user when the token does not carry them (an opaque token).
    #[serde(default)]
    pub role: Option<Role>,
    #[serde(default)]
    pub user: Option<String>,
    /// A test patient *Testa anslutningen* searches for.
    #[serde(default)]
    pub test_personnummer: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum TokenSettings {
    /// EHM's token exchange: URL and client id (the client secret is in the keyring), and the
    /// user's assertion from the e-ID login helper, or a fixed test user (test environments).
    #[serde(rename_all = "camelCase")]
    Exchange {
        token_url: String,
        client_id: String,
        #[serde(default)]
        subject_token_command: Vec<String>,
        #[serde(default)]
        subject_token: Option<String>,
    },
    /// A program that prints a token (e.g. the pharmacy's e-ID login helper).
    Command { command: Vec<String> },
    /// A fixed token from the keyring (test environments).
    Static {},
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

/// A secret typed in *Inställningar*, on its way to the keyring (never stored elsewhere).
#[derive(Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SecretInput {
    pub account: String,
    pub value: String,
}

impl std::fmt::Debug for SecretInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretInput")
            .field("account", &self.account)
            .finish_non_exhaustive()
    }
}

/// The title of the native dialog that confirms a new NLL address or login.
pub const CONFIRM_TITLE: &str = "Bekräfta ändring – Receptdisk";

/// The question to confirm in a native dialog before saving, when the change decides where
/// patient data is sent (the mode, the NLL address, the power-of-attorney register) or what
/// runs at the next login (the token source, a token or e-ID command): `changed` as
/// [`privileged_changes`] names them. `None`: nothing to confirm.
pub fn needs_confirmation(changed: &[String], new: &Settings) -> Option<String> {
    const ASK: [&str; 4] = ["mode", "nll.base_url", "nll.fullmakt_url", "token.source"];
    if !changed.iter().any(|k| ASK.contains(&k.as_str())) {
        return None;
    }
    let Some(live) = &new.live else {
        return Some(
            "Byta till övningsläge? Receptdisk startar då mot den inbyggda testservern.".into(),
        );
    };
    let mut lines = vec![
        "Inställningarna skickar patientuppgifter och inloggning till en ny mottagare. Spara bara om du själv gjorde ändringen.".to_string(),
        format!("NLL:s adress: {}", live.base_url),
    ];
    if let Some(f) = &live.fullmakt_url {
        lines.push(format!("Fullmaktsregistret: {f}"));
    }
    match &live.token {
        TokenSettings::Exchange {
            token_url,
            subject_token_command,
            ..
        } => {
            lines.push(format!("Token-växling: {token_url}"));
            if !subject_token_command.is_empty() {
                lines.push(format!(
                    "Program vid inloggning: {}",
                    subject_token_command.join(" ")
                ));
            }
        }
        TokenSettings::Command { command } => {
            lines.push(format!("Program vid inloggning: {}", command.join(" ")));
        }
        TokenSettings::Static {} => lines.push("Fast token ur nyckelringen".into()),
    }
    Some(lines.join("\n"))
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
            (&a.client_certificate, &a.client_key) != (&b.client_certificate, &b.client_key),
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

fn get<'a>(t: &'a toml::Table, key: &str) -> Option<&'a toml::Value> {
    let mut cur = t;
    let mut parts = key.split('.').peekable();
    while let Some(p) = parts.next() {
        let v = cur.get(p)?;
        if parts.peek().is_none() {
            return Some(v);
        }
        cur = v.as_table()?;
    }
    None
}

fn text(t: &toml::Table, key: &str) -> Option<String> {
    get(t, key).and_then(|v| match v {
        toml::Value::String(s) => Some(s.clone()),
        toml::Value::Integer(i) => Some(i.to_string()),
        _ => None,
    })
}

fn list(t: &toml::Table, key: &str) -> Vec<String> {
    get(t, key)
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn s(v: &Option<String>) -> Option<toml::Value> {
    v.as_deref()
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(|x| toml::Value::String(x.into()))
}

fn strings(v: &[String]) -> Option<toml::Value> {
    let items: Vec<toml::Value> = v
        .iter()
        .map(|x| x.trim())
        .filter(|x| !x.is_empty())
        .map(|x| toml::Value::String(x.into()))
        .collect();
    (!items.is_empty()).then_some(toml::Value::Array(items))
}

fn is_pkcs12(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".p12") || lower.ends_with(".pfx")
}

impl Settings {
    /// What the screen shows of the merged configuration.
    pub fn from_layers(layers: &Layers, paths: &ConfigPaths) -> Settings {
        let t = layers.merged();
        let counter = layers.counter().unwrap_or_default();
        let token = match text(t, "token.source").as_deref() {
            Some("command") => TokenSettings::Command {
                command: list(t, "token.command"),
            },
            Some("static") => TokenSettings::Static {},
            _ => TokenSettings::Exchange {
                token_url: text(t, "token.token_url").unwrap_or_default(),
                client_id: text(t, "token.client_id").unwrap_or_default(),
                subject_token_command: list(t, "token.subject_token_command"),
                subject_token: text(t, "token.subject_token"),
            },
        };
        let live = text(t, "base_url").map(|base_url| LiveSettings {
            base_url,
            fullmakt_url: text(t, "fullmakt_url"),
            token,
            client_certificate: text(t, "client_certificate.pkcs12")
                .or_else(|| text(t, "client_certificate.pem")),
            client_key: text(t, "client_certificate.key_pem"),
            extra_ca: text(t, "extra_ca_pem"),
            proxy_url: text(t, "proxy.url"),
            no_proxy: text(t, "proxy.no_proxy"),
            org: OrgSettings {
                org_name: text(t, "org.org_namn").unwrap_or_default(),
                gln: text(t, "org.orgenhets_id").unwrap_or_default(),
                unit_name: text(t, "org.orgenhets_namn").unwrap_or_default(),
                town: text(t, "org.orgenhets_ort").unwrap_or_default(),
            },
            role: text(t, "role").and_then(|r| serde_json::from_value(r.into()).ok()),
            user: text(t, "user"),
            test_personnummer: text(t, "test_personnummer"),
        });
        Settings {
            live,
            printer: counter.printer,
            idle_timeout_minutes: counter.idle_timeout_minutes,
            language: counter.language,
            locked: layers.locked_keys(),
            files: layers
                .files()
                .iter()
                .map(|p| p.display().to_string())
                .collect(),
            user_file: paths.user.as_ref().map(|p| p.display().to_string()),
        }
    }

    /// The user's table with what the screen edits written into `base` (the user's file as
    /// it is): keys the screen does not know stay, locked keys are left to the chain.
    pub fn to_table(&self, base: &toml::Table) -> toml::Table {
        let mut t = base.clone();
        let mut edits: Vec<(&str, Option<toml::Value>)> = vec![
            ("counter.printer", s(&self.printer)),
            (
                "counter.idle_timeout_minutes",
                Some(toml::Value::Integer(self.idle_timeout_minutes.into())),
            ),
            ("counter.language", Some(self.language.clone().into())),
        ];
        match &self.live {
            // Training: no base_url; the rest of live mode stays for the next switch.
            None => edits.push(("base_url", None)),
            Some(l) => {
                let (pkcs12, pem) = match &l.client_certificate {
                    Some(p) if is_pkcs12(p) => (Some(p.clone()), None),
                    other => (None, other.clone()),
                };
                edits.extend([
                    ("base_url", Some(l.base_url.trim().into())),
                    ("fullmakt_url", s(&l.fullmakt_url)),
                    ("extra_ca_pem", s(&l.extra_ca)),
                    ("client_certificate.pkcs12", s(&pkcs12)),
                    ("client_certificate.pem", s(&pem)),
                    (
                        "client_certificate.key_pem",
                        if pem.is_some() {
                            s(&l.client_key)
                        } else {
                            None
                        },
                    ),
                    ("proxy.url", s(&l.proxy_url)),
                    ("proxy.no_proxy", s(&l.no_proxy)),
                    ("org.org_namn", s(&Some(l.org.org_name.clone()))),
                    ("org.orgenhets_id", s(&Some(l.org.gln.clone()))),
                    ("org.orgenhets_namn", s(&Some(l.org.unit_name.clone()))),
                    ("org.orgenhets_ort", s(&Some(l.org.town.clone()))),
                    (
                        "role",
                        l.role.map(|r| nll_client::nll_api::role_code(r).into()),
                    ),
                    ("user", s(&l.user)),
                    ("test_personnummer", s(&l.test_personnummer)),
                ]);
                let none = || None;
                let token: [(&str, Option<toml::Value>); 7] = match &l.token {
                    TokenSettings::Exchange {
                        token_url,
                        client_id,
                        subject_token_command,
                        subject_token,
                    } => [
                        ("token.source", Some("oauth2-exchange".into())),
                        ("token.token_url", s(&Some(token_url.clone()))),
                        ("token.client_id", s(&Some(client_id.clone()))),
                        (
                            "token.subject_token_command",
                            strings(subject_token_command),
                        ),
                        ("token.subject_token", s(subject_token)),
                        ("token.command", none()),
                        ("token.keyring", none()),
                    ],
                    TokenSettings::Command { command } => [
                        ("token.source", Some("command".into())),
                        ("token.token_url", none()),
                        ("token.client_id", none()),
                        ("token.subject_token_command", none()),
                        ("token.subject_token", none()),
                        ("token.command", strings(command)),
                        ("token.keyring", none()),
                    ],
                    TokenSettings::Static {} => [
                        ("token.source", Some("static".into())),
                        ("token.token_url", none()),
                        ("token.client_id", none()),
                        ("token.subject_token_command", none()),
                        ("token.subject_token", none()),
                        ("token.command", none()),
                        ("token.keyring", Some(STATIC_TOKEN_ACCOUNT.into())),
                    ],
                };
                edits.extend(token);
            }
        }
        for (key, value) in edits {
            if !self.locked.iter().any(|k| k == key) {
                put(&mut t, key, value);
            }
        }
        t
    }
}

/// The chain's layer (as read) and the user's as the screen would write it, merged: what
/// saving checks and what *Testa anslutningen* tests before anything is saved.
pub fn proposed_layers(
    current: &Layers,
    paths: &ConfigPaths,
    settings: &Settings,
) -> Result<(Layers, toml::Table), ClientError> {
    let user_path = paths.user.clone().ok_or_else(|| {
        ClientError::config(
            "ingen mapp för användarens inställningar finns",
            "there is no folder for the user's settings",
        )
    })?;
    let base = current
        .layers
        .iter()
        .find(|l| l.kind == LayerKind::User)
        .map(|l| l.table.clone())
        .unwrap_or_default();
    let mut settings = settings.clone();
    settings.locked = current.locked_keys();
    let table = settings.to_table(&base);
    let mut layers: Vec<Layer> = current
        .layers
        .iter()
        .filter(|l| l.kind == LayerKind::Machine)
        .cloned()
        .collect();
    layers.push(Layer::from_table(
        LayerKind::User,
        &user_path,
        table.clone(),
    ));
    Ok((Layers::from_layers(layers), table))
}

/// Writes the user's file whole (a temporary file renamed over it). A file that could not be
/// read is kept beside it as `receptdisk.toml.bak` first: nothing the user wrote is lost.
pub fn write_user_file(path: &Path, table: &toml::Table) -> Result<(), ClientError> {
    let fail = |e: std::io::Error| {
        ClientError::invalid_input(
            format!(
                "Inställningarna kunde inte sparas i {} ({}) – kontrollera att mappen är skrivbar.",
                path.display(),
                e.kind()
            ),
            format!(
                "The settings could not be saved in {} ({}) – check that the folder is writable.",
                path.display(),
                e.kind()
            ),
        )
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    if path.exists() && Layer::read(LayerKind::User, path).is_err() {
        std::fs::copy(path, path.with_extension("toml.bak")).map_err(fail)?;
    }
    let text = format!(
        "# Receptdisk – användarens inställningar (skrivs av Inställningar; se README, Configuration)\n{}",
        toml::to_string(table).unwrap_or_default()
    );
    let tmp = path.with_extension("toml.tmp");
    std::fs::write(&tmp, text).map_err(fail)?;
    std::fs::rename(&tmp, path).map_err(fail)
}

/// `settings.json` of earlier versions, read once: written as the user's TOML file (unless
/// that exists) and renamed `settings.json.migrated`. Returns what happened, for stderr.
pub fn migrate_settings_json(old_dir: &Path, paths: &ConfigPaths) -> Option<String> {
    let old = old_dir.join("settings.json");
    let text = std::fs::read_to_string(&old).ok()?;
    let user = paths.user.clone()?;
    if user.exists() {
        return None;
    }
    let settings: Settings = match serde_json::from_str(&text) {
        Ok(s) => s,
        Err(e) => {
            return Some(format!(
                "{} kunde inte läsas ({e}) och flyttades inte till {}",
                old.display(),
                user.display()
            ))
        }
    };
    let table = settings.to_table(&toml::Table::new());
    if let Err(e) = write_user_file(&user, &table) {
        return Some(e.message);
    }
    let done = PathBuf::from(format!("{}.migrated", old.display()));
    let _ = std::fs::rename(&old, &done);
    Some(format!(
        "{} flyttades till {} (den gamla filen heter nu {})",
        old.display(),
        user.display(),
        done.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp() -> PathBuf {
        std::env::temp_dir().join(format!("receptdisk-settings-{}", uuid::Uuid::new_v4()))
    }

    fn live() -> LiveSettings {
        LiveSettings {
            base_url: "https://nll.example/fhir".into(),
            fullmakt_url: None,
            token: TokenSettings::Exchange {
                token_url: "https://nll.example/token".into(),
                client_id: "apotek-kronan".into(),
                subject_token_command: vec!["eid-login".into(), "--saml".into()],
                subject_token: None,
            },
            client_certificate: Some("/etc/receptdisk/kassa1.pem".into()),
            client_key: Some("/etc/receptdisk/kassa1-key.pem".into()),
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
            role: None,
            user: None,
            test_personnummer: None,
        }
    }

    fn paths(dir: &Path) -> ConfigPaths {
        ConfigPaths {
            machine: dir.join("machine.toml"),
            user: Some(dir.join("receptdisk.toml")),
        }
    }

    #[test]
    fn a_new_address_or_login_program_is_confirmed_and_a_printer_is_not() {
        let with = |live: LiveSettings| Settings {
            live: Some(live),
            ..Settings::default()
        };
        let ask = |old: &Settings, new: &Settings| {
            let keys: Vec<String> = privileged_changes(old, new)
                .into_iter()
                .map(str::to_string)
                .collect();
            needs_confirmation(&keys, new)
        };
        let mut printer = with(live());
        printer.printer = Some("Kassa2".into());
        assert_eq!(ask(&with(live()), &printer), None);
        let mut gln = live();
        gln.org.gln = nll::ids::Gln::with_check_digit("735000000002")
            .as_str()
            .into();
        assert_eq!(ask(&with(live()), &with(gln)), None, "logged, not asked");

        let mut moved = live();
        moved.base_url = "https://elsewhere.example/fhir".into();
        let q = ask(&with(live()), &with(moved)).expect("asked");
        assert!(q.contains("https://elsewhere.example/fhir"), "{q}");
        let mut program = live();
        program.token = TokenSettings::Command {
            command: vec!["/tmp/x".into(), "--now".into()],
        };
        let q = ask(&with(live()), &with(program)).expect("asked");
        assert!(q.contains("Program vid inloggning: /tmp/x --now"), "{q}");
        let q = ask(&Settings::default(), &with(live())).expect("training to live is asked");
        assert!(q.contains("https://nll.example/fhir"), "{q}");
        assert!(ask(&with(live()), &Settings::default())
            .expect("live to training is asked")
            .contains("övningsläge"));
    }

    #[test]
    fn privileged_changes_name_each_key_and_nothing_else() {
        let training = Settings::default();
        let with = |live: LiveSettings| Settings {
            live: Some(live),
            ..Settings::default()
        };
        assert_eq!(privileged_changes(&training, &with(live())), ["mode"]);
        assert!(privileged_changes(&with(live()), &with(live())).is_empty());
        let mut printer = with(live());
        printer.printer = Some("Kassa2".into());
        assert!(privileged_changes(&with(live()), &printer).is_empty());
        let mut changed = live();
        changed.base_url = "https://other.example/fhir".into();
        changed.client_key = Some("/etc/receptdisk/other-key.pem".into());
        changed.token = TokenSettings::Command {
            command: vec!["get-token".into()],
        };
        assert_eq!(
            privileged_changes(&with(live()), &with(changed)),
            ["nll.base_url", "nll.client_certificate", "token.source"]
        );
    }

    #[test]
    fn saved_settings_round_trip_keep_unknown_keys_and_hold_no_secret() {
        let dir = temp();
        let p = paths(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(p.user.as_ref().unwrap(), "max_pages = 7\n").unwrap();
        let current = Layers::load(&p).unwrap();
        let s = Settings {
            live: Some(live()),
            printer: Some("Kassa1".into()),
            idle_timeout_minutes: 5,
            ..Settings::default()
        };
        let (proposed, table) = proposed_layers(&current, &p, &s).unwrap();
        assert!(proposed.problems().is_empty(), "{:?}", proposed.problems());
        write_user_file(p.user.as_ref().unwrap(), &table).unwrap();
        let text = std::fs::read_to_string(p.user.as_ref().unwrap()).unwrap();
        assert!(text.contains("max_pages = 7"), "{text}");
        assert!(!text.to_lowercase().contains("password") && !text.contains("secret"));
        let again = Settings::from_layers(&Layers::load(&p).unwrap(), &p);
        assert_eq!(again.live, s.live);
        assert_eq!(again.printer.as_deref(), Some("Kassa1"));
        let cfg = Layers::load(&p).unwrap().client_config().unwrap();
        let cert = cfg.client_certificate.unwrap();
        assert!(cert.key_pem.is_some() && cert.pem.is_some() && cert.pkcs12.is_none());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_key_the_chain_set_is_locked_and_never_written_to_the_users_file() {
        let dir = temp();
        let p = paths(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(&p.machine, "base_url = \"https://nll.kedjan.se/fhir\"\n").unwrap();
        let current = Layers::load(&p).unwrap();
        let shown = Settings::from_layers(&current, &p);
        assert_eq!(shown.locked, vec!["base_url".to_string()]);
        let mut s = Settings {
            live: Some(live()),
            ..Settings::default()
        };
        s.live.as_mut().unwrap().base_url = "https://annan.example/fhir".into();
        let (proposed, table) = proposed_layers(&current, &p, &s).unwrap();
        assert!(!table.contains_key("base_url"));
        assert_eq!(
            proposed.client_config().unwrap().base_url,
            "https://nll.kedjan.se/fhir"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_wrong_gln_check_digit_is_refused_in_swedish() {
        let dir = temp();
        let p = paths(&dir);
        let good = nll::ids::Gln::with_check_digit("735000000001")
            .as_str()
            .to_string();
        let last = good.as_bytes()[12] - b'0';
        let mut l = live();
        l.org.gln = format!("{}{}", &good[..12], (last + 1) % 10);
        let s = Settings {
            live: Some(l),
            ..Settings::default()
        };
        let (proposed, _) = proposed_layers(&Layers::from_layers(vec![]), &p, &s).unwrap();
        let problems = proposed.problems();
        assert_eq!(problems[0].key.as_deref(), Some("org.orgenhets_id"));
        assert!(
            problems[0].message.contains("apotekets GLN"),
            "{}",
            problems[0]
        );
    }

    #[test]
    fn settings_json_is_migrated_once() {
        let dir = temp();
        let p = paths(&dir);
        let old = dir.join("old");
        std::fs::create_dir_all(&old).unwrap();
        std::fs::write(
            old.join("settings.json"),
            r#"{"live":{"baseUrl":"https://nll.example/fhir","fullmaktUrl":null,
                "token":{"kind":"command","command":["hämta-token"]},
                "clientCertificate":"/etc/receptdisk/kassa1.p12","extraCa":null,
                "proxyUrl":null,"noProxy":null,
                "org":{"orgName":"A","gln":"7350012345013","unitName":"B","town":"C"}},
                "printer":null,"idleTimeoutMinutes":4,"language":"sv"}"#,
        )
        .unwrap();
        assert!(migrate_settings_json(&old, &p).is_some());
        assert!(old.join("settings.json.migrated").exists());
        let layers = Layers::load(&p).unwrap();
        let cfg = layers.client_config().unwrap();
        assert!(matches!(
            cfg.token,
            nll_client::config::TokenConfig::Command { .. }
        ));
        assert_eq!(cfg.counter.idle_timeout_minutes, 4);
        assert!(cfg.client_certificate.unwrap().pkcs12.is_some());
        assert!(migrate_settings_json(&old, &p).is_none());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
