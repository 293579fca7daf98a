//! The app's state, created once in `setup()`: settings, the access log, the training server
//! (in training mode) and, after login, the counter.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use nll_client::{
    AccessLog, ClientConfig, ClientError, Counter, KeyringStore, MemorySecrets, NllClient,
    SecretStore,
};
use nll_sim::SimHandle;

use crate::settings::Settings;

pub struct AppState {
    pub config_dir: PathBuf,
    pub settings: Mutex<Settings>,
    pub log: Arc<AccessLog>,
    /// The built-in NLL test server; running in training mode only.
    pub training: Option<SimHandle>,
    /// After login: the counter (one customer at a time).
    pub counter: Mutex<Option<Arc<Counter>>>,
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
        let (cfg, secrets): (ClientConfig, &dyn SecretStore) =
            match (&self.training, lock(&self.settings).live.clone()) {
                (Some(sim), _) => (
                    training_config(sim, training_login.unwrap_or("farmaceut")),
                    &training_secrets,
                ),
                (None, Some(live)) => (live.client_config()?, &KeyringStore),
                (None, None) => {
                    return Err(ClientError::config(
                        "ingen NLL-adress är inställd",
                        "no NLL address is configured",
                    ))
                }
            };
        let client = Arc::new(NllClient::new(&cfg, secrets, self.log.clone())?);
        let counter = Arc::new(Counter::new(client));
        *lock(&self.counter) = Some(counter.clone());
        Ok(counter)
    }

    pub fn logout(&self) {
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
