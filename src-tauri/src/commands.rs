//! The commands the counter UI calls (one `generate_handler!` in main.rs; each is also listed
//! in build.rs so the capability file can allow exactly these). Errors cross as
//! `{code, message, requestId}` (`nll_client::ClientError`).

use chrono::NaiveDate;
use nll::policy::FlowInfo;
use nll::Role;
use nll_client::doctor::DoctorReport;
use nll_client::id_check::{GlnCheck, IdCheck};
use nll_client::{
    ClientError, ConfigProblem, Layers, LogEntry, LogFilter, LookupRequest, LookupResult,
    MemorySecrets, NewEntry, Revealed, TreatmentReasonRequest, TreatmentReasonResult, UserInfo,
};
use serde::{Deserialize, Serialize};
use tauri::State;
use ts_rs::TS;

use crate::settings::{SecretInput, Settings, SECRET_ACCOUNTS};
use crate::state::{lock, AppState, LogWarning};

type Res<T> = Result<T, ClientError>;

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TrainingUser {
    pub login: String,
    pub name: String,
    pub role: Role,
    pub pharmacy: String,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SessionInfo {
    /// Training mode: the built-in test server with synthetic patients.
    pub training: bool,
    pub version: String,
    pub user: Option<UserInfo>,
    /// The flows the logged-in user's role may use (empty before login).
    pub flows: Vec<FlowInfo>,
    pub training_users: Vec<TrainingUser>,
    pub settings: Settings,
    /// A problem with the access log found at start (a broken chain, a log not written to).
    pub log_warning: Option<LogWarning>,
    /// The configuration could not be read at start (file and line): the app runs in training
    /// mode and shows this first, with *Använd övningsläge* and *Öppna inställningar*.
    pub config_problem: Option<ConfigProblem>,
}

#[tauri::command]
pub async fn session_info(state: State<'_, AppState>) -> Res<SessionInfo> {
    let counter = lock(&state.counter).clone();
    let user = match counter {
        Some(c) => Some(c.client().user_info().await?),
        None => None,
    };
    let flows = match (&user, lock(&state.counter).clone()) {
        (Some(u), Some(c)) => c.client().policy().flow_infos(u.role),
        _ => Vec::new(),
    };
    let training_users = if state.training.is_some() {
        nll_sim::TEST_USERS
            .iter()
            .map(|u| TrainingUser {
                login: u.login.into(),
                name: u.name.into(),
                role: u.role,
                pharmacy: u.pharmacy_name().into(),
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(SessionInfo {
        training: state.training.is_some(),
        version: env!("CARGO_PKG_VERSION").into(),
        user,
        flows,
        training_users,
        settings: lock(&state.settings).clone(),
        log_warning: lock(state.log_warning.as_ref()).clone(),
        config_problem: state.config_problem.clone(),
    })
}

/// Training: log in as a test user through the test server's token exchange. Live: get a
/// token from the configured source (exchange or token command).
#[tauri::command]
pub async fn login(state: State<'_, AppState>, login: Option<String>) -> Res<SessionInfo> {
    let user = match state.login(login.as_deref()) {
        Ok(counter) => counter.client().user_info().await,
        Err(e) => Err(e),
    };
    match user {
        Ok(user) => state.logged_in(user)?,
        Err(e) => {
            state.login_failed(login.as_deref(), &e);
            return Err(e);
        }
    }
    session_info(state).await
}

#[tauri::command]
pub fn logout(state: State<'_, AppState>) {
    state.logout();
}

/// Validation as the pharmacist types or scans (the same parser the lookup uses).
#[tauri::command]
pub fn check_id(state: State<'_, AppState>, text: String) -> IdCheck {
    let today = match &state.training {
        Some(sim) => sim.catalogue().today(),
        None => chrono::Local::now().date_naive(),
    };
    IdCheck::of(&text, today)
}

/// Runs the fetch plan for one customer. A newer lookup cancels this one; a stale result is
/// never returned (the counter drops it).
#[tauri::command]
pub async fn lookup(state: State<'_, AppState>, request: LookupRequest) -> Res<LookupResult> {
    state.counter()?.lookup(request).await
}

/// Gives back one masked value for this errand, and logs that it was revealed.
#[tauri::command]
pub fn reveal(state: State<'_, AppState>, lookup_seq: u64, key: String) -> Res<Revealed> {
    state.counter()?.reveal(lookup_seq, &key)
}

/// One prescription's treatment reason for the shown list, read with a treatment-reason variant
/// of its flow (the patient's consent now, a locked reason, a child who cannot consent). The
/// list on screen, its reveals and printouts stay as they are; the client checks the policy and
/// logs the read.
#[tauri::command]
pub async fn treatment_reason(
    state: State<'_, AppState>,
    request: TreatmentReasonRequest,
) -> Res<TreatmentReasonResult> {
    state.counter()?.treatment_reason(&request).await
}

/// "Avsluta kund" (Esc) and the idle timeout: every patient detail leaves memory.
#[tauri::command]
pub fn end_customer(state: State<'_, AppState>) {
    if let Ok(c) = state.counter() {
        c.end_customer();
    }
}

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct AccessLogQuery {
    /// Rows from this date (local time), inclusive.
    pub since: Option<NaiveDate>,
    /// Rows up to and including this date (local time).
    pub through: Option<NaiveDate>,
    pub protected_only: bool,
    pub reveals_only: bool,
}

impl AccessLogQuery {
    fn filter(&self) -> LogFilter {
        LogFilter {
            protected_only: self.protected_only,
            reveals_only: self.reveals_only,
            ..LogFilter::default()
        }
        .days(self.since, self.through)
    }
}

/// The access log for the pharmacy's access review (åtkomstkontroll).
#[tauri::command]
pub fn access_log(state: State<'_, AppState>, query: AccessLogQuery) -> Res<Vec<LogEntry>> {
    state.log.query(&query.filter())
}

impl AccessLogQuery {
    /// The filter in words, for the export's row.
    fn words(&self) -> String {
        let mut w = Vec::new();
        if let Some(d) = self.since {
            w.push(format!("från {d}"));
        }
        if let Some(d) = self.through {
            w.push(format!("till och med {d}"));
        }
        if self.protected_only {
            w.push("skyddade".to_string());
        }
        if self.reveals_only {
            w.push("visningar".to_string());
        }
        w.join(", ")
    }
}

/// The rows as CSV, with the export's own row written first: without it, no export.
fn export_csv(state: &AppState, query: &AccessLogQuery) -> Res<String> {
    let rows = state.log.query(&query.filter())?;
    state.as_actor(|who| {
        state.log.append(&NewEntry::export(
            who,
            "csv",
            rows.len(),
            &query.words(),
            "ok",
        ))
    })?;
    Ok(nll_client::to_csv(&rows))
}

/// How far the chain's central log has got with this counter's log (*Logg*).
#[tauri::command]
pub fn central_status(state: State<'_, AppState>) -> crate::central::CentralStatus {
    match &state.central {
        Some(f) => f.status(&state.log),
        None => crate::central::CentralStatus::default(),
    }
}

#[tauri::command]
pub fn get_settings(state: State<'_, AppState>) -> Settings {
    lock(&state.settings).clone()
}

/// Saves *Inställningar*, all or nothing: the configuration is checked first (a problem names
/// its key), then the secrets go to the keyring (if one cannot be stored, those already stored
/// are put back and nothing is saved), then the user's file is written. Mode changes take
/// effect at the next start. A new NLL address or login (where patient data goes, what program
/// runs at the next login) is first confirmed in a native dialog, which script in the window
/// cannot answer.
#[tauri::command]
pub async fn save_settings(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    settings: Settings,
    secrets: Vec<SecretInput>,
) -> Res<Settings> {
    let current = lock(&state.layers).clone();
    let (proposed, table) = crate::settings::proposed_layers(&current, &state.paths, &settings)?;
    if let Some(p) = proposed.problems().into_iter().next() {
        let key = p.key.clone().unwrap_or_default();
        return Err(ClientError::invalid_input(
            format!("{} ({key})", p.message),
            format!("{} ({key})", p.message_en),
        ));
    }
    // A change of a privileged setting (the NLL address, certificate, token source, mode, GLN)
    // and every secret stored is an access-log row naming its key (never a value); without the
    // rows nothing is saved.
    let mut keys: Vec<String> =
        crate::settings::privileged_changes(&lock(&state.settings), &settings)
            .into_iter()
            .map(str::to_string)
            .collect();
    if let Some(question) = crate::settings::needs_confirmation(&keys, &settings) {
        if !confirm_in_native_dialog(&app, &question) {
            return Err(ClientError::invalid_input(
                "Ändringen bekräftades inte – ingenting sparades.",
                "The change was not confirmed – nothing was saved.",
            ));
        }
    }
    keys.extend(
        secrets
            .iter()
            .filter(|s| !s.value.is_empty() && SECRET_ACCOUNTS.contains(&s.account.as_str()))
            .map(|s| format!("keyring.{}", s.account)),
    );
    for key in &keys {
        state.as_actor(|who| state.log.append(&NewEntry::setting(who, key)))?;
    }
    let store = nll_client::KeyringStore;
    let mut stored: Vec<(String, Option<nll_client::Secret>)> = Vec::new();
    let undo = |stored: &[(String, Option<nll_client::Secret>)]| {
        for (account, before) in stored.iter().rev() {
            let _ = match before {
                Some(v) => store.set(account, v.expose()),
                None => store.delete(account),
            };
        }
    };
    for s in secrets.iter().filter(|s| !s.value.is_empty()) {
        if !SECRET_ACCOUNTS.contains(&s.account.as_str()) {
            undo(&stored);
            return Err(ClientError::invalid_input(
                "Okänd nyckel för nyckelringen.",
                "Unknown keyring account.",
            ));
        }
        let before = nll_client::SecretStore::get(&store, &s.account).ok();
        if let Err(e) = store.set(&s.account, &s.value) {
            undo(&stored);
            return Err(nothing_saved(e));
        }
        stored.push((s.account.clone(), before));
    }
    let user_file = state.paths.user.clone().unwrap_or_default();
    if let Err(e) = crate::settings::write_user_file(&user_file, &table) {
        undo(&stored);
        return Err(e);
    }
    let reread = Layers::load(&state.paths).unwrap_or(proposed);
    let shown = Settings::from_layers(&reread, &state.paths);
    *lock(&state.layers) = reread;
    *lock(&state.settings) = shown.clone();
    Ok(shown)
}

/// A keyring failure while saving: nothing was saved, and how to start or unlock the keyring.
fn nothing_saved(e: ClientError) -> ClientError {
    ClientError::new(
        e.code,
        format!("Ingenting sparades. {}", e.message),
        format!("Nothing was saved. {}", e.message_en),
    )
}

/// Asks in a native dialog (blocking: from an async command only). The confirming button has a
/// mnemonic on Linux (Alt+J), where GTK shows it underlined.
fn confirm_in_native_dialog(app: &tauri::AppHandle, question: &str) -> bool {
    use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind};
    let yes = if cfg!(target_os = "linux") {
        "_Ja, ändra"
    } else {
        "Ja, ändra"
    };
    app.dialog()
        .message(question)
        .title(crate::settings::CONFIRM_TITLE)
        .kind(MessageDialogKind::Warning)
        .buttons(MessageDialogButtons::OkCancelCustom(
            yes.into(),
            "Avbryt".into(),
        ))
        .blocking_show()
}

/// *Testa anslutningen*: the connection check of `nllc doctor` on the settings as the form
/// shows them (not saved yet); typed secrets are used for this check only.
#[tauri::command]
pub async fn test_connection(
    state: State<'_, AppState>,
    settings: Settings,
    secrets: Vec<SecretInput>,
) -> Res<DoctorReport> {
    let current = lock(&state.layers).clone();
    let (proposed, _) = crate::settings::proposed_layers(&current, &state.paths, &settings)?;
    let typed = secrets
        .iter()
        .filter(|s| !s.value.is_empty())
        .fold(MemorySecrets::new(), |m, s| m.with(&s.account, &s.value));
    let store = nll_client::secrets::Fallback(&typed, &nll_client::KeyringStore);
    Ok(nll_client::doctor::check(&proposed, &store).await)
}

/// Restarts the app (after a change of mode in *Inställningar*).
#[tauri::command]
pub fn restart(app: tauri::AppHandle) {
    app.restart();
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct KeyringStatus {
    pub ok: bool,
    /// What is wrong and how to start or unlock the keyring, in Swedish.
    pub message: Option<String>,
}

/// Can secrets be stored? Writes, reads and removes a probe entry.
#[tauri::command]
pub fn keyring_status() -> KeyringStatus {
    let probe = "receptdisk-probe";
    let store = nll_client::KeyringStore;
    let check = store
        .set(probe, "ok")
        .and_then(|_| nll_client::SecretStore::get(&store, probe))
        .and_then(|s| store.delete(probe).map(|_| s));
    match check {
        Ok(s) if s.expose() == "ok" => KeyringStatus {
            ok: true,
            message: None,
        },
        Ok(_) => KeyringStatus {
            ok: false,
            message: Some("Nyckelringen gav tillbaka fel värde.".into()),
        },
        Err(e) => KeyringStatus {
            ok: false,
            message: Some(e.message),
        },
    }
}

/// The pharmacy's GLN, checked as it is typed in Inställningar.
#[tauri::command]
pub fn check_gln(text: String) -> GlnCheck {
    GlnCheck::of(&text)
}

/// Asks where to save, in the native dialog opened here: the window never names a path to
/// write (script in it, if any ever ran, could not choose where a file goes). `None`: cancelled.
/// Blocks until the user answers, so only from an async command (not the main thread).
pub fn ask_save_path(
    app: &tauri::AppHandle,
    suggested: &str,
    filter: (&str, &[&str]),
) -> Option<std::path::PathBuf> {
    use tauri_plugin_dialog::DialogExt;
    app.dialog()
        .file()
        .set_title("Spara som – Receptdisk")
        .set_file_name(suggested)
        .add_filter(filter.0, filter.1)
        .blocking_save_file()
        .and_then(|p| p.into_path().ok())
}

/// Asks where, then writes the filtered access log as CSV; returns the path (`None`: cancelled).
#[tauri::command]
pub async fn save_access_log_csv(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    query: AccessLogQuery,
) -> Res<Option<String>> {
    let suggested = format!(
        "receptdisk-atkomstlogg-{}.csv",
        chrono::Local::now().format("%Y-%m-%d")
    );
    let Some(path) = ask_save_path(&app, &suggested, ("CSV", &["csv"])) else {
        return Ok(None);
    };
    let csv = export_csv(&state, &query)?;
    std::fs::write(&path, csv).map_err(|e| {
        ClientError::invalid_input(
            format!("Filen kunde inte sparas: {e}"),
            format!("The file could not be saved: {e}"),
        )
    })?;
    Ok(Some(path.display().to_string()))
}
