// Receptdisk desktop shell: translates between the counter UI and the crates. Thin by design:
// every rule lives in `nll`, every request in `nll-client`, every PDF in `printout`.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod printing;
mod settings;
mod state;

use std::sync::{Arc, Mutex};
use std::time::Instant;

use tauri::{Listener, Manager};

use crate::settings::Settings;
use crate::state::AppState;

fn main() {
    let started = Instant::now();
    // The counter screen needs no GPU compositing and no DMA-BUF buffers between WebKit's
    // processes. Without them WebKitGTK uses about 85 MiB less memory (scripts/measure.py), and
    // some GPU drivers no longer show a blank window. Set before GTK and WebKit start; a value
    // the user set wins.
    #[cfg(target_os = "linux")]
    for var in [
        "WEBKIT_DISABLE_COMPOSITING_MODE",
        "WEBKIT_DISABLE_DMABUF_RENDERER",
    ] {
        if std::env::var_os(var).is_none() {
            std::env::set_var(var, "1");
        }
    }
    let _ = rustls::crypto::ring::default_provider().install_default();
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .setup(move |app| {
            // The UI says when its first screen can be used; the start-up time pilots and
            // scripts/measure.sh read (stderr, one line).
            app.once_any("ui-ready", move |_| {
                eprintln!(
                    "receptdisk: interactive after {} ms",
                    started.elapsed().as_millis()
                );
            });
            let paths = app.path();
            // RECEPTDISK_HOME gives tests and pilots a private folder for settings and the log.
            let (config_dir, data_dir) = match std::env::var_os("RECEPTDISK_HOME") {
                Some(home) => (home.clone().into(), std::path::PathBuf::from(home)),
                None => (paths.app_config_dir()?, paths.app_data_dir()?),
            };
            let settings = Settings::load(&config_dir).unwrap_or_else(|e| {
                // A damaged settings file: say so and fall back to training mode.
                eprintln!("{e}");
                Settings::default()
            });
            std::fs::create_dir_all(&data_dir)?;
            let log = Arc::new(nll_client::AccessLog::open(
                &data_dir.join("access-log.sqlite3"),
            )?);
            let training = if settings.live.is_none() {
                Some(tauri::async_runtime::block_on(nll_sim::start(
                    state::training_server(),
                ))?)
            } else {
                None
            };
            // The chain is walked off the start-up path; its warning appears once known.
            let log_warning = Arc::new(Mutex::new(None));
            {
                let (log, warning) = (log.clone(), log_warning.clone());
                std::thread::spawn(move || {
                    let found = state::LogWarning::check(&log);
                    if let Some(w) = &found {
                        eprintln!("receptdisk: {}", w.message);
                    }
                    *state::lock(warning.as_ref()) = found;
                });
            }
            app.manage(AppState {
                config_dir,
                settings: Mutex::new(settings),
                log,
                training,
                counter: Mutex::new(None),
                user: Mutex::new(None),
                log_warning,
            });
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::session_info,
            commands::login,
            commands::logout,
            commands::check_id,
            commands::lookup,
            commands::reveal,
            commands::end_customer,
            commands::treatment_reason,
            commands::access_log,
            commands::access_log_csv,
            commands::get_settings,
            commands::save_settings,
            commands::store_secret,
            commands::keyring_status,
            commands::check_gln,
            commands::save_access_log_csv,
            printing::printouts,
            printing::render_preview,
            printing::list_printers,
            printing::print,
            printing::save_pdf,
        ])
        .run(tauri::generate_context!())
        .expect("Receptdisk could not start");
}
