// Receptdisk desktop shell: translates between the counter UI and the crates. Thin by design:
// every rule lives in `nll`, every request in `nll-client`, every PDF in `printout`.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod central;
mod commands;
mod printing;
mod settings;
mod state;

use std::sync::{Arc, Mutex};
use std::time::Instant;

use tauri::{Listener, Manager};

use crate::settings::Settings;
use crate::state::AppState;

/// The access log of earlier versions (in the app's own data folder) moves to the one path the
/// app and nllc share, unless a log is there already.
fn move_old_access_log(old_dir: &std::path::Path) {
    let old = old_dir.join("access-log.sqlite3");
    if let Some(new) = nll_client::AccessLog::default_path() {
        if old.exists() && !new.exists() {
            if let Some(dir) = new.parent() {
                let _ = std::fs::create_dir_all(dir);
            }
            if std::fs::rename(&old, &new).is_ok() {
                eprintln!("receptdisk: åtkomstloggen flyttades till {}", new.display());
            }
        }
    }
}

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
            // One configuration with nllc: the chain's machine-wide file, then the user's
            // (RECEPTDISK_HOME=DIR: the user's file and the access log in DIR, for tests and
            // pilots). The settings.json of earlier versions is moved into it once.
            let paths = nll_client::ConfigPaths::standard();
            if std::env::var_os(nll_client::layers::HOME_ENV).is_none() {
                if let Some(note) =
                    settings::migrate_settings_json(&app.path().app_config_dir()?, &paths)
                {
                    eprintln!("receptdisk: {note}");
                }
                move_old_access_log(&app.path().app_data_dir()?);
            }
            // A configuration that cannot be read opens the app in training mode, on a screen
            // that names the file and the line; it never falls back silently.
            let (layers, config_problem) = match nll_client::Layers::load(&paths) {
                Ok(l) => {
                    let problem = l.problems().into_iter().next();
                    (l, problem)
                }
                Err(p) => (nll_client::Layers::from_layers(Vec::new()), Some(p)),
            };
            if let Some(p) = &config_problem {
                eprintln!("receptdisk: {p}");
            }
            let live = config_problem.is_none() && layers.is_live();
            // Live mode: the configured log (and the chain's central log, if any); training:
            // the training log beside it.
            let live_log = if live {
                layers.client_config().ok().map(|c| c.access_log)
            } else {
                None
            };
            let log_path = if live {
                live_log
                    .as_ref()
                    .and_then(nll_client::AccessLog::configured_path)
            } else {
                nll_client::AccessLog::training_path()
            }
            .ok_or("no data folder for the access log")?;
            let log = Arc::new(nll_client::AccessLog::open(&log_path)?);
            let training = if live {
                None
            } else {
                Some(tauri::async_runtime::block_on(nll_sim::start(
                    state::training_server(),
                ))?)
            };
            let settings = Settings::from_layers(&layers, &paths);
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
            // Live mode with [access_log.central]: the log goes to the chain's central log in
            // the background.
            let central = live_log.and_then(|c| c.central).map(|c| {
                central::Forwarder::start(log.clone(), c, Arc::new(nll_client::KeyringStore))
            });
            app.manage(AppState {
                paths,
                layers: Mutex::new(layers),
                config_problem,
                settings: Mutex::new(settings),
                log,
                training,
                counter: Mutex::new(None),
                user: Mutex::new(None),
                log_warning,
                central,
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
            commands::central_status,
            commands::get_settings,
            commands::save_settings,
            commands::test_connection,
            commands::restart,
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

#[cfg(test)]
mod command_list {
    //! The window's commands are named in four places that must agree: the handler list above,
    //! `build.rs` (one permission each), `capabilities/default.json` (the window's allow-list)
    //! and `ui/src/backend.ts` (the one place the UI invokes them). A command in one and not
    //! another is either unreachable or reachable without being meant to be.
    use std::collections::BTreeSet;

    fn read(path: &str) -> String {
        std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).expect(path)
    }

    /// The quoted words between `start` and the next `end`.
    fn quoted(text: &str, start: &str, end: &str) -> BTreeSet<String> {
        let from = text.find(start).expect(start) + start.len();
        let block = &text[from..from + text[from..].find(end).expect(end)];
        block
            .split('"')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn handlers_permissions_capabilities_and_the_ui_name_the_same_commands() {
        let main = read("src/main.rs");
        let from = main.find("generate_handler![").expect("handler list");
        let handlers: BTreeSet<String> = main[from..from + main[from..].find(']').unwrap()]
            .split([',', '['])
            .skip(1)
            .filter_map(|w| w.trim().rsplit("::").next().map(str::to_string))
            .filter(|w| !w.is_empty())
            .collect();
        let build = quoted(&read("build.rs"), "COMMANDS: &[&str] = &[", "];");
        let allowed: BTreeSet<String> =
            quoted(&read("capabilities/default.json"), "\"permissions\"", "]")
                .into_iter()
                .filter_map(|p| p.strip_prefix("allow-").map(|c| c.replace('-', "_")))
                .collect();
        let ui_text = read("../ui/src/backend.ts");
        let ui: BTreeSet<String> = ui_text
            .match_indices(">(\"")
            .map(|(i, _)| {
                let rest = &ui_text[i + 3..];
                rest[..rest.find('"').unwrap()].to_string()
            })
            .collect();
        assert!(handlers.len() > 20, "{handlers:?}");
        assert_eq!(handlers, build, "main.rs vs build.rs");
        assert_eq!(handlers, allowed, "main.rs vs capabilities/default.json");
        assert_eq!(handlers, ui, "main.rs vs ui/src/backend.ts");
    }
}
