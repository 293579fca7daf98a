//! The app's state, created once in `setup()`: the configuration, the access log, the training
//! server (in training mode) and, after login, the counter.

use std::sync::{Arc, Mutex};

use nll_client::{
    computer_account, AccessLog, Actor, ClientConfig, ClientError, ConfigPaths, ConfigProblem,
    Counter, KeyringStore, Layers, MemorySecrets, Mode, NewEntry, NllClient, SecretStore, UserInfo,
};
use nll_sim::SimHandle;
use serde::Serialize;
use ts_rs::TS;

use crate::settings::Settings;

pub struct AppState {
    /// Where the configuration is read from and saved to.
    pub paths: ConfigPaths,
    /// The configuration as read (the chain's file, then the user's).
    pub layers: Mutex<Layers>,
    /// A configuration that could not be read at start: the app opened in training mode and
    /// says which file and line.
    pub config_problem: Option<ConfigProblem>,
    /// What *Inställningar* shows (derived from `layers`).
    pub settings: Mutex<Settings>,
    pub log: Arc<AccessLog>,
    /// The built-in NLL test server; running in training mode only.
    pub training: Option<SimHandle>,
    /// After login: the counter (one customer at a time).
    pub counter: Mutex<Option<Arc<Counter>>>,
    /// Who is logged in: named on the rows of acts outside a lookup (printouts, exports,
    /// settings, logout).
    pub user: Mutex<Option<UserInfo>>,
    /// What the start-up check of the access log found wrong (a broken chain, a log this
    /// version does not write to): shown in *Logg* and the counter's header.
    pub log_warning: Arc<Mutex<Option<LogWarning>>>,
    /// Live mode with `[access_log.central]`: the background forwarding to the chain's log.
    pub central: Option<Arc<crate::central::Forwarder>>,
}

/// A problem with the access log, in Swedish and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LogWarning {
    pub message: String,
    pub message_en: String,
}

impl LogWarning {
    /// Walks the log's hash chain; `None` when it is whole and written to.
    pub fn check(log: &AccessLog) -> Option<LogWarning> {
        if let Some(why) = log.read_only() {
            let e = ClientError::access_log_failed(why);
            return Some(LogWarning {
                message: e.message,
                message_en: e.message_en,
            });
        }
        match log.verify() {
            Ok(v) => v.broken.map(|b| LogWarning {
                message: format!(
                    "Åtkomstloggens kedja är bruten: {}. Loggen kan ha ändrats – kontakta IT-support och den som granskar loggen.",
                    b.message()
                ),
                message_en: format!(
                    "The access log's chain is broken: {}. The log may have been altered – contact IT support and the log's reviewer.",
                    b.message_en()
                ),
            }),
            Err(e) => Some(LogWarning {
                message: e.message,
                message_en: e.message_en,
            }),
        }
    }
}

impl AppState {
    pub fn counter(&self) -> Result<Arc<Counter>, ClientError> {
        lock(&self.counter).clone().ok_or_else(|| {
            ClientError::invalid_input(
                "Du är inte inloggad. Logga in först.",
                "You are not logged in. Log in first.",
            )
        })
    }

    /// Logs in: builds the NLL client from the training server or the live settings.
    pub fn login(&self, training_login: Option<&str>) -> Result<Arc<Counter>, ClientError> {
        // Training uses a fixed, public training secret held in memory; live secrets come
        // from the OS keyring only.
        let training_secrets = MemorySecrets::new().with(
            nll_client::config::DEFAULT_CLIENT_SECRET_ACCOUNT,
            "receptdisk-training",
        );
        let (cfg, secrets): (ClientConfig, &dyn SecretStore) = match &self.training {
            Some(sim) => (
                training_config(sim, training_login.unwrap_or("farmaceut")),
                &training_secrets,
            ),
            None => (
                lock(&self.layers)
                    .client_config()
                    .map_err(|p| p.to_error())?,
                &KeyringStore,
            ),
        };
        let client = Arc::new(NllClient::new(&cfg, secrets, self.log.clone())?);
        let counter = Arc::new(Counter::new(client));
        *lock(&self.counter) = Some(counter.clone());
        Ok(counter)
    }

    /// Training or live.
    pub fn mode(&self) -> Mode {
        match self.training {
            Some(_) => Mode::Training,
            None => Mode::Live,
        }
    }

    /// Who a row of an act outside a lookup names: the logged-in user, else the computer
    /// account. Calls `f` with it.
    pub fn as_actor<T>(&self, f: impl FnOnce(Actor<'_>) -> T) -> T {
        let user = lock(&self.user).clone();
        acting(user.as_ref(), f)
    }

    /// A successful login: its row is written first, and without it there is no login (no
    /// access without a log row). A log this version only reads (a newer version's, a
    /// read-only file) is the exception: the app then works read-only — *Logg* can be read,
    /// while every lookup and printout is refused with the reason, which the header shows.
    pub fn logged_in(&self, user: UserInfo) -> Result<(), ClientError> {
        if self.log.read_only().is_some() {
            *lock(&self.user) = Some(user);
            return Ok(());
        }
        let row = acting(Some(&user), |who| NewEntry::login(who, self.mode(), "ok"));
        if let Err(e) = self.log.append(&row) {
            self.end_session();
            return Err(e);
        }
        *lock(&self.user) = Some(user);
        Ok(())
    }

    /// A login that failed: the attempt is a row too (named by the training login, else the
    /// computer account), with the error's code.
    pub fn login_failed(&self, training_login: Option<&str>, e: &ClientError) {
        self.end_session();
        let account = computer_account();
        let row = NewEntry::login(
            Actor {
                user: training_login.unwrap_or(&account),
                role: "",
            },
            self.mode(),
            format!("failed: {}", nll_client::nll_api::wire_name(&e.code)),
        );
        if let Err(le) = self.log.append(&row) {
            eprintln!("receptdisk: {}", le.message);
        }
    }

    /// Logs out. Logging out always happens; a log that cannot be written is reported on
    /// stderr (and the next lookup fails with its cause).
    pub fn logout(&self) {
        if let Some(user) = lock(&self.user).take() {
            let row = acting(Some(&user), |who| NewEntry::logout(who, self.mode()));
            if let Err(e) = self.log.append(&row) {
                eprintln!("receptdisk: {}", e.message);
            }
        }
        self.end_session();
    }

    fn end_session(&self) {
        if let Some(c) = lock(&self.counter).take() {
            c.end_customer();
        }
    }
}

/// The test server of training mode: NLL's rules and synthetic patients only. Its test-mode
/// admin endpoints (faults, the request record, token expiry) stay off: nothing else on the
/// computer may steer or read the counter's training server.
pub fn training_server() -> nll_sim::SimConfig {
    nll_sim::SimConfig {
        admin: false,
        ..nll_sim::SimConfig::default()
    }
}

/// Calls `f` with the actor a row names: `user`, else the computer account.
fn acting<T>(user: Option<&UserInfo>, f: impl FnOnce(Actor<'_>) -> T) -> T {
    let account = computer_account();
    let role = user
        .map(|u| nll_client::nll_api::role_code(u.role))
        .unwrap_or_default();
    f(Actor {
        user: user.map_or(account.as_str(), |u| u.user.as_str()),
        role: &role,
    })
}

/// Training mode talks to the in-process test server over loopback and logs in as a test user
/// through the server's token exchange, as a pharmacy would through EHM's.
fn training_config(sim: &SimHandle, login: &str) -> ClientConfig {
    let mut cfg = ClientConfig::with_static_token(&sim.fhir_base(), "");
    cfg.token = nll_client::config::TokenConfig::exchange_for(
        sim.token_url(),
        "receptdisk-training",
        login,
    );
    cfg.fullmakt_url = Some(format!("{}/fullmakt", sim.base_url()));
    cfg.today = Some(sim.catalogue().today());
    // Training stays on this computer: no proxy, whatever the environment says.
    cfg.proxy.disabled = true;
    let user = nll_sim::TEST_USERS.iter().find(|u| u.login == login);
    if let Some(u) = user {
        cfg.org = Some(nll_client::config::OrgConfig {
            org_namn: u.pharmacy_name().into(),
            orgenhets_id: u.pharmacy_gln(),
            orgenhets_namn: u.pharmacy_name().into(),
            orgenhets_ort: String::new(),
        });
    }
    cfg
}

/// A poisoned lock must not leave patient data reachable or the app stuck: take the value.
pub fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}
