//! Printing from the window: only the printouts the flow may hand out, rendered from the masked
//! list that is on screen (`AppState.shown`), printed through the OS or saved. A failed print
//! keeps the PDF and says where.

use nll::PrintoutKind;
use nll_client::ClientError;
use printout::{Pdf, PrintTarget, QueueState, RenderOptions};
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::state::{lock, AppState};

type Res<T> = Result<T, ClientError>;

fn nothing_shown() -> ClientError {
    ClientError::invalid_input(
        "Det finns ingen lista att skriva ut. Hämta patienten först.",
        "There is no list to print. Look the patient up first.",
    )
}

/// Renders one printout of the list on screen, if the policy lets the flow hand it out.
fn render(state: &AppState, kind: PrintoutKind) -> Res<Pdf> {
    let shown = lock(&state.shown).clone().ok_or_else(nothing_shown)?;
    let counter = state.counter()?;
    let opts = RenderOptions::new(shown.user.org.orgenhets_namn.clone());
    printout::render_for_flow(
        counter.client().policy(),
        shown.context.flow,
        kind,
        &shown.list,
        &opts,
    )
    .map_err(|e| ClientError::invalid_input(e.to_string(), e.to_string()))
}

/// The printouts the current flow may produce for the patient on screen.
#[tauri::command]
pub fn printouts(state: State<'_, AppState>) -> Res<Vec<PrintoutKind>> {
    let shown = lock(&state.shown).clone().ok_or_else(nothing_shown)?;
    let counter = state.counter()?;
    Ok(counter
        .client()
        .policy()
        .printouts(shown.context.flow, shown.list.list.info.dos_patient))
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
pub fn render_preview(state: State<'_, AppState>, kind: PrintoutKind) -> Res<PrintPreview> {
    use base64::Engine;
    let pdf = render(&state, kind)?;
    let masked = lock(&state.shown).as_ref().is_some_and(|s| s.list.masked);
    let dir = std::env::temp_dir().join(format!("receptdisk-preview-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).map_err(|_| preview_failed())?;
    let src = dir.join("p.pdf");
    let out = (|| {
        std::fs::write(&src, &pdf.bytes).ok()?;
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
    let png = out.ok_or_else(preview_failed)?;
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
    kind: PrintoutKind,
    printer: Option<String>,
    copies: u32,
) -> Res<PrintOutcome> {
    let pdf = render(&state, kind)?;
    let printer = printer.or_else(|| lock(&state.settings).printer.clone());
    let target = match printer {
        Some(p) => PrintTarget::named(p, copies.max(1)),
        None => PrintTarget::default_printer(copies.max(1)),
    };
    Ok(match printout::print(&pdf, &target) {
        Ok(job) => PrintOutcome::Printed {
            printer: job.printer,
            job_id: job.request_id,
            confirmed: job.confirmed,
        },
        Err(f) => PrintOutcome::Failed {
            message: f.error.to_string(),
            message_en: f.error.message_en(),
            kept: f.kept.map(|p| p.display().to_string()),
        },
    })
}

/// Saves the printout where the user chose; returns the path.
#[tauri::command]
pub fn save_pdf(state: State<'_, AppState>, kind: PrintoutKind, path: String) -> Res<String> {
    let pdf = render(&state, kind)?;
    pdf.save(&path)
        .map_err(|e| ClientError::invalid_input(e.to_string(), e.message_en()))?;
    Ok(path)
}
