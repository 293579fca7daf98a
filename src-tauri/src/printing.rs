//! Printing from the window: only the printouts the flow may hand out, rendered from the masked
//! list the counter shows (`Counter::shown`), printed through the OS or saved. Every call names
//! the list it means by its `lookup_seq`: a list no longer shown (a new lookup, or the customer
//! ended) is never rendered, and it is asked again right before a PDF leaves for the printer or
//! a file. A failed print keeps the PDF and says where.

use nll::PrintoutKind;
use nll_client::{ClientError, PrintOutcome as Logged, ShownList};
use printout::{Pdf, PrintTarget, QueueState, RenderOptions};
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::state::{lock, AppState};

type Res<T> = Result<T, ClientError>;

/// Renders one printout of the list on screen, if the policy lets the flow hand it out.
fn render(state: &AppState, lookup_seq: u64, kind: PrintoutKind) -> Res<(ShownList, Pdf)> {
    let counter = state.counter()?;
    let shown = counter.shown(lookup_seq)?;
    let opts = RenderOptions::new(shown.who.org.clone());
    let pdf = printout::render_for_flow(
        counter.client().policy(),
        shown.context.flow,
        kind,
        &shown.masked,
        &opts,
    )
    // A printout the flow does not offer is the access policy's refusal, with its sentence.
    .map_err(|printout::PrintoutError::NotAllowed(d)| ClientError::policy(&d))?;
    Ok((shown, pdf))
}

/// A PDF rendered for list `lookup_seq` leaves the app only while that list is still shown.
fn still_shown(state: &AppState, lookup_seq: u64) -> Res<()> {
    state.counter()?.shown(lookup_seq).map(|_| ())
}

/// Writes the printout's row (`ShownList::printout_row`).
fn log_printout(
    state: &AppState,
    shown: &ShownList,
    kind: PrintoutKind,
    pdf: &Pdf,
    copies: u32,
    printer: Option<&str>,
    outcome: Logged,
) -> Res<()> {
    let row = state
        .as_actor(|who| shown.printout_row(who, kind, pdf.pages as u32, copies, printer, outcome));
    state.log.append(&row).map(|_| ())
}

/// A log this version may not write to refuses a printout before anything leaves.
fn log_writable(state: &AppState) -> Res<()> {
    match state.log.read_only() {
        Some(why) => Err(ClientError::access_log_failed(why)),
        None => Ok(()),
    }
}

/// The printouts the current flow may produce for the patient on screen.
#[tauri::command]
pub fn printouts(state: State<'_, AppState>, lookup_seq: u64) -> Res<Vec<PrintoutKind>> {
    printouts_of(&state, lookup_seq)
}

pub(crate) fn printouts_of(state: &AppState, lookup_seq: u64) -> Res<Vec<PrintoutKind>> {
    let counter = state.counter()?;
    let shown = counter.shown(lookup_seq)?;
    Ok(counter
        .client()
        .policy()
        .printouts(shown.context.flow, shown.masked.list.info.dos_patient))
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PrintPreview {
    pub kind: PrintoutKind,
    pub title: String,
    pub pages: u32,
    /// Page 1 as a PNG data URL (rendered with poppler's pdftoppm).
    pub image: String,
    pub masked: bool,
}

/// Page 1 of the printout as an image, for the print panel.
#[tauri::command]
pub fn render_preview(
    state: State<'_, AppState>,
    lookup_seq: u64,
    kind: PrintoutKind,
) -> Res<PrintPreview> {
    use base64::Engine;
    let (shown, pdf) = render(&state, lookup_seq, kind)?;
    let masked = shown.masked.masked;
    let png = page_one_png(&pdf).ok_or_else(preview_failed)?;
    still_shown(&state, lookup_seq)?;
    Ok(PrintPreview {
        kind,
        title: pdf.title.clone(),
        pages: pdf.pages as u32,
        image: format!(
            "data:image/png;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(png)
        ),
        masked,
    })
}

/// Page 1 as a PNG, through poppler's pdftoppm. The PDF and the image live only in a private
/// folder of the user's own (0700, files 0600), removed at once: a preview of a protected
/// patient's list is not for other users of the computer.
fn page_one_png(pdf: &Pdf) -> Option<Vec<u8>> {
    let dir = printout::spool_dir().join(format!("forhandsvisning-{}", uuid::Uuid::new_v4()));
    let out = (|| {
        let src = printout::write_private(&dir, "p.pdf", &pdf.bytes).ok()?;
        let status = std::process::Command::new("pdftoppm")
            .args(["-r", "60", "-png", "-f", "1", "-l", "1", "-singlefile"])
            .arg(&src)
            .arg(dir.join("page"))
            .status()
            .ok()?;
        status
            .success()
            .then(|| std::fs::read(dir.join("page.png")).ok())?
    })();
    let _ = std::fs::remove_dir_all(&dir);
    out
}

fn preview_failed() -> ClientError {
    ClientError::invalid_input(
        "Förhandsvisningen kunde inte visas (poppler-utils saknas?). Utskriften fungerar ändå.",
        "The preview could not be shown (poppler-utils missing?). Printing still works.",
    )
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PrinterInfo {
    pub name: String,
    /// "idle" | "printing" | "stopped"
    pub state: String,
    pub reason: Option<String>,
    pub accepting: bool,
    pub is_default: bool,
}

#[tauri::command]
pub fn list_printers() -> Res<Vec<PrinterInfo>> {
    let printers = printout::print::list_printers()
        .map_err(|e| ClientError::invalid_input(e.to_string(), e.message_en()))?;
    Ok(printers
        .into_iter()
        .map(|p| {
            let (state, reason) = match p.state {
                QueueState::Idle => ("idle", None),
                QueueState::Printing => ("printing", None),
                QueueState::Stopped { reason } => ("stopped", reason),
            };
            PrinterInfo {
                name: p.name,
                state: state.into(),
                reason,
                accepting: p.accepting,
                is_default: p.is_default,
            }
        })
        .collect())
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum PrintOutcome {
    #[serde(rename_all = "camelCase")]
    Printed {
        printer: String,
        job_id: String,
        confirmed: bool,
    },
    #[serde(rename_all = "camelCase")]
    Failed {
        message: String,
        message_en: String,
        kept: Option<String>,
    },
}

/// Prints on the chosen (or the settings', or the system's default) printer.
#[tauri::command]
pub fn print(
    state: State<'_, AppState>,
    lookup_seq: u64,
    kind: PrintoutKind,
    printer: Option<String>,
    copies: u32,
) -> Res<PrintOutcome> {
    print_shown(&state, lookup_seq, kind, printer, copies)
}

pub(crate) fn print_shown(
    state: &AppState,
    lookup_seq: u64,
    kind: PrintoutKind,
    printer: Option<String>,
    copies: u32,
) -> Res<PrintOutcome> {
    let (shown, pdf) = render(state, lookup_seq, kind)?;
    log_writable(state)?;
    still_shown(state, lookup_seq)?;
    let copies = copies.max(1);
    let printer = printer.or_else(|| lock(&state.settings).printer.clone());
    let target = match &printer {
        Some(p) => PrintTarget::named(p.clone(), copies),
        None => PrintTarget::default_printer(copies),
    };
    let mut failed = None;
    let outcome = match printout::print(&pdf, &target) {
        Ok(job) => PrintOutcome::Printed {
            printer: job.printer,
            job_id: job.request_id,
            confirmed: job.confirmed,
        },
        Err(f) => {
            failed = Some(f.error.code());
            PrintOutcome::Failed {
                message: f.error.to_string(),
                message_en: f.error.message_en(),
                kept: f.kept.map(|p| p.display().to_string()),
            }
        }
    };
    let (used, logged) = match (&outcome, failed) {
        (PrintOutcome::Printed { printer, .. }, _) => (printer.as_str(), Logged::Printed),
        (PrintOutcome::Failed { .. }, code) => (
            printer.as_deref().unwrap_or("standardskrivaren"),
            Logged::Failed(code.unwrap_or_default()),
        ),
    };
    log_printout(state, &shown, kind, &pdf, copies, Some(used), logged)?;
    Ok(outcome)
}

/// Asks where (the native dialog, opened here), then saves the printout; returns the path
/// (`None`: cancelled).
#[tauri::command]
pub async fn save_pdf(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    lookup_seq: u64,
    kind: PrintoutKind,
) -> Res<Option<String>> {
    // Rendered first: the dialog suggests the printout's own file name.
    let (shown, pdf) = render(&state, lookup_seq, kind)?;
    let Some(path) = crate::commands::ask_save_path(&app, &pdf.file_name, ("PDF", &["pdf"])) else {
        return Ok(None);
    };
    save_rendered(&state, lookup_seq, kind, (&shown, &pdf), &path).map(Some)
}

/// Renders list `lookup_seq`'s printout and saves it to `path` (see `save_rendered`).
#[cfg(test)]
fn save_pdf_to(
    state: &AppState,
    lookup_seq: u64,
    kind: PrintoutKind,
    path: &std::path::Path,
) -> Res<String> {
    let (shown, pdf) = render(state, lookup_seq, kind)?;
    save_rendered(state, lookup_seq, kind, (&shown, &pdf), path)
}

/// Saves a rendered printout of list `lookup_seq` to `path` (chosen in the dialog), if that
/// list is still shown, and logs it.
fn save_rendered(
    state: &AppState,
    lookup_seq: u64,
    kind: PrintoutKind,
    (shown, pdf): (&ShownList, &Pdf),
    path: &std::path::Path,
) -> Res<String> {
    log_writable(state)?;
    still_shown(state, lookup_seq)?;
    let saved = pdf.save(path);
    let logged = match &saved {
        Ok(_) => Logged::Saved,
        Err(e) => Logged::Failed(e.code()),
    };
    log_printout(state, shown, kind, pdf, 1, None, logged)?;
    saved.map_err(|e| ClientError::invalid_input(e.to_string(), e.message_en()))?;
    Ok(path.display().to_string())
}

#[cfg(test)]
mod tests {
    //! Printing through the shell's own functions, with the app state of training mode: the
    //! in-process test server, a real access log and the counter after a real login.
    use super::*;
    use std::sync::{Arc, Mutex};

    use nll::Flow;
    use nll_client::{AccessLog, ErrorCode, LookupRequest};

    async fn training_state() -> AppState {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let sim = nll_sim::start(crate::state::training_server())
            .await
            .expect("test server");
        AppState {
            paths: nll_client::ConfigPaths {
                machine: std::env::temp_dir().join("no-machine-config.toml"),
                user: None,
            },
            layers: Mutex::new(nll_client::Layers::from_layers(Vec::new())),
            config_problem: None,
            settings: Mutex::new(Default::default()),
            log: Arc::new(AccessLog::in_memory().expect("log")),
            training: Some(sim),
            counter: Mutex::new(None),
            user: Mutex::new(None),
            log_warning: Arc::new(Mutex::new(None)),
            central: None,
        }
    }

    fn pnr(state: &AppState, key: &str) -> String {
        let sim = state.training.as_ref().unwrap();
        sim.catalogue()
            .by_key(key)
            .expect("test patient")
            .pnr
            .clone()
    }

    #[tokio::test]
    async fn only_the_list_on_screen_is_printed() {
        let state = training_state().await;
        let counter = state.login(Some("farmaceut")).expect("login");
        counter.new_customer();
        let mut req = LookupRequest::new(&pnr(&state, "vuxen"), Flow::EgnaUppgifter);
        req.identity_checked = true;
        let first = counter.lookup(req.clone()).await.expect("lookup");
        let kinds = printouts_of(&state, first.lookup_seq).expect("printouts");
        assert!(kinds.contains(&PrintoutKind::AktuellaRecept), "{kinds:?}");
        // A printout the flow does not offer: the access policy's refusal, not a bad input.
        let refused = [
            PrintoutKind::AktuellaRecept,
            PrintoutKind::Uthamtade,
            PrintoutKind::Forteckning,
            PrintoutKind::Forskrivningshistorik,
        ]
        .into_iter()
        .find(|k| !kinds.contains(k))
        .expect("a printout Egna uppgifter does not offer");
        let e = render(&state, first.lookup_seq, refused).unwrap_err();
        assert_eq!(e.code, ErrorCode::PolicyDenied, "{e:?}");
        let (shown, pdf) =
            render(&state, first.lookup_seq, PrintoutKind::AktuellaRecept).expect("rendered");
        assert_eq!(shown.lookup_seq, first.lookup_seq);
        assert!(pdf.pages >= 1);
        let png = page_one_png(&pdf).expect("a preview through pdftoppm");
        assert!(png.starts_with(b"\x89PNG"));

        // A newer lookup: the earlier list is no longer on screen and is not printed.
        let second = counter.lookup(req).await.expect("lookup");
        for seq in [first.lookup_seq, second.lookup_seq + 1] {
            let e = render(&state, seq, PrintoutKind::AktuellaRecept).unwrap_err();
            assert_eq!(e.code, ErrorCode::Stale, "seq {seq}");
            assert_eq!(
                printouts_of(&state, seq).unwrap_err().code,
                ErrorCode::Stale
            );
        }
        render(&state, second.lookup_seq, PrintoutKind::AktuellaRecept).expect("the shown list");
        // Saved where the dialog said: the file, and a "saved" row.
        let dir = std::env::temp_dir().join(format!("receptdisk-save-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let saved = dir.join("aktuella.pdf");
        save_pdf_to(
            &state,
            second.lookup_seq,
            PrintoutKind::AktuellaRecept,
            &saved,
        )
        .expect("saved");
        assert!(std::fs::read(&saved).unwrap().starts_with(b"%PDF"));
        let rows = state.log.query(&Default::default()).unwrap();
        assert!(
            rows.iter()
                .any(|r| r.entry.kind == nll_client::EntryKind::Printout
                    && r.entry.outcome == "saved")
        );

        // Avsluta kund: the ended customer's list is gone for every printing call, whatever
        // the UI still believes it shows.
        counter.end_customer();
        let e = render(&state, second.lookup_seq, PrintoutKind::AktuellaRecept).unwrap_err();
        assert_eq!(e.code, ErrorCode::Stale);
        let late = dir.join("efter-avsluta-kund.pdf");
        let e = save_pdf_to(
            &state,
            second.lookup_seq,
            PrintoutKind::AktuellaRecept,
            &late,
        )
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::Stale);
        assert!(!late.exists(), "an ended customer's list was saved");
        let _ = std::fs::remove_dir_all(&dir);
        let e = print_shown(
            &state,
            second.lookup_seq,
            PrintoutKind::AktuellaRecept,
            Some("PDF".into()),
            1,
        )
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::Stale);
        assert!(
            e.message.contains("sök fram patienten igen"),
            "{}",
            e.message
        );
    }

    #[tokio::test]
    async fn the_training_server_has_no_admin_endpoints() {
        let state = training_state().await;
        let sim = state.training.as_ref().unwrap();
        for path in ["/admin/requests", "/admin/faults", "/admin/catalogue"] {
            let status = reqwest::get(format!("{}{path}", sim.base_url()))
                .await
                .expect("the server answers")
                .status();
            assert_eq!(status.as_u16(), 404, "{path}");
        }
    }

    #[tokio::test]
    async fn a_lookup_ended_while_it_ran_leaves_nothing_to_print() {
        let state = training_state().await;
        let counter = state.login(Some("farmaceut")).expect("login");
        counter.new_customer();
        let req = LookupRequest::new(&pnr(&state, "vuxen"), Flow::Expediering);
        // Avsluta kund lands while NLL answers: the lookup is dropped and nothing is printable
        // under any sequence number it could have had.
        let running = counter.lookup(req);
        let ended = async {
            tokio::task::yield_now().await;
            counter.end_customer();
        };
        let (outcome, ()) = tokio::join!(running, ended);
        let e = outcome.unwrap_err();
        assert!(
            matches!(e.code, ErrorCode::Cancelled | ErrorCode::Stale),
            "{e:?}"
        );
        for seq in 0..5 {
            assert_eq!(
                printouts_of(&state, seq).unwrap_err().code,
                ErrorCode::Stale
            );
        }
        assert!(!counter.has_patient_data());
    }
}
