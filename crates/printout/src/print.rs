//! Printing and saving.
//!
//! Linux and macOS: through CUPS with its own commands — `lpstat -p/-a/-d` to find the queue
//! and refuse a missing, stopped or rejecting one before anything is sent, `lp -d QUEUE -n N
//! -t TITLE` to submit, then polling `lpstat -o` until the job has left the queue and asking
//! the scheduler (IPP Get-Job-Attributes) whether it completed or was cancelled/aborted. A
//! queue that stops while our job waits is a failure too; the job is then cancelled so that a
//! later restart of the queue does not print it a second time after the pharmacist reprinted.
//!
//! Windows (not tested here): the PDF is handed to the system's PDF handler with
//! `cmd /C start "" file.pdf`, which opens it in the default viewer for the user to print;
//! the file stays in [`spool_dir`] because the viewer reads it after we return.
//!
//! The PDF is never lost: before printing it is written to a private file in [`spool_dir`]
//! (mode 0600 — it holds personal data). It is deleted once CUPS reports the job completed;
//! on any failure it stays, and [`PrintFailure`] carries its path and the bytes, so the app can
//! offer "Spara som…" or a retry. [`discard_kept`] removes it when the user is done.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use crate::Pdf;

/// Where and how to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintTarget {
    /// CUPS queue name; `None` = the system's default printer.
    pub printer: Option<String>,
    pub copies: u32,
    /// Job title (shown in the queue); keep personal data out of it.
    pub title: String,
    /// How long to wait for the job to complete.
    pub wait: Duration,
}

impl Default for PrintTarget {
    fn default() -> Self {
        PrintTarget {
            printer: None,
            copies: 1,
            title: "Receptdisk".into(),
            wait: Duration::from_secs(120),
        }
    }
}

impl PrintTarget {
    /// The default printer, `copies` copies.
    pub fn default_printer(copies: u32) -> PrintTarget {
        PrintTarget {
            copies,
            ..PrintTarget::default()
        }
    }
    /// A named queue.
    pub fn named(queue: impl Into<String>, copies: u32) -> PrintTarget {
        PrintTarget {
            printer: Some(queue.into()),
            copies,
            ..PrintTarget::default()
        }
    }
}

/// A queue's state from `lpstat -p`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueueState {
    Idle,
    Printing,
    /// Disabled (`cupsdisable`, or stopped by CUPS after an error); the reason if CUPS gave one.
    Stopped {
        reason: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrinterInfo {
    pub name: String,
    pub state: QueueState,
    /// Accepting jobs (`cupsaccept`/`cupsreject`).
    pub accepting: bool,
    pub is_default: bool,
}

/// A job that CUPS reports as completed (or, on Windows, a file handed to the PDF viewer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintJob {
    pub printer: String,
    /// CUPS request id, e.g. `PDF-12`.
    pub request_id: String,
    /// The scheduler confirmed `completed`. False when it could not be asked (the job left the
    /// queue and is listed among the completed jobs) and on Windows.
    pub confirmed: bool,
}

/// What went wrong. `Display` is the Swedish sentence for the user; [`PrintError::message_en`]
/// the English one.
#[derive(Debug)]
pub enum PrintError {
    NoPrinter,
    UnknownPrinter(String),
    Stopped {
        printer: String,
        reason: Option<String>,
    },
    NotAccepting {
        printer: String,
        reason: Option<String>,
    },
    /// CUPS is not running or cannot be reached, or a command is missing.
    Service(String),
    /// The job ended without printing (cancelled, aborted) or the queue stopped under it.
    JobFailed {
        printer: String,
        request_id: String,
        detail: String,
    },
    TimedOut {
        printer: String,
        request_id: String,
        waited: Duration,
    },
    Save {
        path: PathBuf,
        error: std::io::Error,
    },
}

fn reason_suffix(reason: &Option<String>) -> String {
    reason
        .as_deref()
        .map(|r| format!(" ({r})"))
        .unwrap_or_default()
}

impl fmt::Display for PrintError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PrintError::NoPrinter => write!(
                f,
                "Ingen skrivare är vald och datorn har ingen standardskrivare. Välj en skrivare eller spara utskriften som fil."
            ),
            PrintError::UnknownPrinter(p) => write!(
                f,
                "Skrivaren \"{p}\" finns inte. Välj en annan skrivare eller spara utskriften som fil."
            ),
            PrintError::Stopped { printer, reason } => write!(
                f,
                "Skrivaren \"{printer}\" är stoppad{}. Starta skrivaren igen eller välj en annan.",
                reason_suffix(reason)
            ),
            PrintError::NotAccepting { printer, reason } => write!(
                f,
                "Skrivaren \"{printer}\" tar inte emot utskrifter{}. Välj en annan skrivare.",
                reason_suffix(reason)
            ),
            PrintError::Service(d) => write!(f, "Utskriftstjänsten svarar inte: {d}"),
            PrintError::JobFailed {
                printer,
                request_id,
                detail,
            } => write!(
                f,
                "Utskriften {request_id} på \"{printer}\" blev inte klar: {detail}."
            ),
            PrintError::TimedOut {
                printer,
                request_id,
                waited,
            } => write!(
                f,
                "Utskriften {request_id} på \"{printer}\" blev inte klar inom {} sekunder och har avbrutits.",
                waited.as_secs()
            ),
            PrintError::Save { path, error } => write!(
                f,
                "Utskriften kunde inte sparas till {}: {error}",
                path.display()
            ),
        }
    }
}

impl std::error::Error for PrintError {}

impl PrintError {
    /// Why a printout failed, for its access-log row: a fixed word, since the messages name
    /// printers' states and file paths.
    pub fn code(&self) -> String {
        match self {
            PrintError::NoPrinter => "no-printer",
            PrintError::UnknownPrinter(_) => "unknown-printer",
            PrintError::Stopped { .. } => "printer-stopped",
            PrintError::NotAccepting { .. } => "printer-not-accepting",
            PrintError::Service(_) => "print-service",
            PrintError::JobFailed { .. } => "job-failed",
            PrintError::TimedOut { .. } => "timed-out",
            PrintError::Save { error, .. } => return format!("save: {}", error.kind()),
        }
        .to_string()
    }

    pub fn message_en(&self) -> String {
        match self {
            PrintError::NoPrinter => {
                "No printer chosen and the computer has no default printer.".into()
            }
            PrintError::UnknownPrinter(p) => format!("The printer \"{p}\" does not exist."),
            PrintError::Stopped { printer, reason } => {
                format!("The printer \"{printer}\" is stopped{}.", reason_suffix(reason))
            }
            PrintError::NotAccepting { printer, reason } => format!(
                "The printer \"{printer}\" does not accept jobs{}.",
                reason_suffix(reason)
            ),
            PrintError::Service(d) => format!("The print service does not answer: {d}"),
            PrintError::JobFailed {
                printer,
                request_id,
                detail,
            } => format!("Print job {request_id} on \"{printer}\" did not complete: {detail}."),
            PrintError::TimedOut {
                printer,
                request_id,
                waited,
            } => format!(
                "Print job {request_id} on \"{printer}\" did not complete within {} seconds and was cancelled.",
                waited.as_secs()
            ),
            PrintError::Save { path, error } => {
                format!("Could not save the printout to {}: {error}", path.display())
            }
        }
    }
}

/// A print that did not happen, with the PDF kept.
#[derive(Debug)]
pub struct PrintFailure {
    pub error: PrintError,
    /// The PDF in the spool folder, kept until printed or saved (`None` only if even writing
    /// it there failed — then `pdf` is the only copy).
    pub kept: Option<PathBuf>,
    pub pdf: Pdf,
}

impl fmt::Display for PrintFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.error)?;
        match &self.kept {
            Some(p) => write!(f, " Utskriften finns kvar i {}.", p.display()),
            None => write!(
                f,
                " Utskriften finns kvar i programmet och kan sparas som fil."
            ),
        }
    }
}

impl std::error::Error for PrintFailure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// The folder where PDFs wait until printed or saved, the user's own:
/// `$XDG_RUNTIME_DIR/receptdisk/utskrifter` where there is one (per user, in memory), else
/// `<user cache>/receptdisk/utskrifter`. Never a fixed name in the shared temp folder, where
/// another user could create it first and so block printing or read what waits there.
pub fn spool_dir() -> PathBuf {
    dirs::runtime_dir()
        .or_else(dirs::cache_dir)
        .unwrap_or_else(std::env::temp_dir)
        .join("receptdisk")
        .join("utskrifter")
}

/// Creates `dir` (and its parents) and makes it private: 0700 on Unix. A folder another user
/// owns cannot be made private, and that is an error rather than a file left readable.
pub fn private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Writes `bytes` to a new private file (0600 on Unix) in the private folder `dir`.
pub fn write_private(dir: &Path, file_name: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    use std::io::Write;
    private_dir(dir)?;
    let stem = file_name.strip_suffix(".pdf").unwrap_or(file_name);
    for n in 0..1000 {
        let name = if n == 0 {
            format!("{stem}.pdf")
        } else {
            format!("{stem}-{n}.pdf")
        };
        let path = dir.join(name);
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        match opts.open(&path) {
            Ok(mut f) => {
                f.write_all(bytes)?;
                f.sync_all()?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other(
        "no free file name in the spool folder",
    ))
}

/// Saves the PDF to `path` (the user's "Spara som…").
pub fn save(pdf: &Pdf, path: &Path) -> Result<(), PrintError> {
    std::fs::write(path, &pdf.bytes).map_err(|error| PrintError::Save {
        path: path.to_path_buf(),
        error,
    })
}

/// Removes a kept PDF once the user has printed or saved it.
pub fn discard_kept(path: &Path) -> std::io::Result<()> {
    std::fs::remove_file(path)
}

/// Prints through the OS, keeping the PDF in [`spool_dir`] on failure.
pub fn print(pdf: &Pdf, target: &PrintTarget) -> Result<PrintJob, Box<PrintFailure>> {
    print_in(pdf, target, &spool_dir())
}

/// [`print`] with the spool folder given.
pub fn print_in(
    pdf: &Pdf,
    target: &PrintTarget,
    dir: &Path,
) -> Result<PrintJob, Box<PrintFailure>> {
    let kept = match write_private(dir, &pdf.file_name, &pdf.bytes) {
        Ok(p) => p,
        Err(error) => {
            return Err(Box::new(PrintFailure {
                error: PrintError::Save {
                    path: dir.to_path_buf(),
                    error,
                },
                kept: None,
                pdf: pdf.clone(),
            }))
        }
    };
    match os::print_file(&kept, target) {
        Ok(job) => {
            if job.confirmed {
                let _ = std::fs::remove_file(&kept);
            }
            Ok(job)
        }
        Err(error) => Err(Box::new(PrintFailure {
            error,
            kept: Some(kept),
            pdf: pdf.clone(),
        })),
    }
}

/// The printers the OS knows.
pub fn list_printers() -> Result<Vec<PrinterInfo>, PrintError> {
    os::list_printers()
}

/// The system's default printer, if it has one.
pub fn default_printer() -> Result<Option<String>, PrintError> {
    os::default_printer()
}

fn run(cmd: &str, args: &[&str]) -> Result<Output, PrintError> {
    Command::new(cmd)
        .args(args)
        // lpstat's and lp's messages are parsed: keep them in English.
        .env("LC_ALL", "C")
        .env("LANG", "C")
        .output()
        .map_err(|e| PrintError::Service(format!("{cmd}: {e}")))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).trim().to_string()
}

/// Parses `lpstat -p` output.
pub fn parse_lpstat_p(out: &str) -> Vec<(String, QueueState)> {
    let mut printers: Vec<(String, QueueState)> = Vec::new();
    for line in out.lines() {
        if let Some(rest) = line.strip_prefix("printer ") {
            let name = rest
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_string();
            let state = if rest.contains(" disabled since ") || rest.contains(" disabled.") {
                QueueState::Stopped { reason: None }
            } else if rest.contains(" now printing ") {
                QueueState::Printing
            } else {
                QueueState::Idle
            };
            printers.push((name, state));
        } else if line.starts_with(['\t', ' ']) {
            // The reason line under a stopped queue.
            let reason = line.trim();
            if let Some((_, QueueState::Stopped { reason: r })) = printers.last_mut() {
                if r.is_none() && !reason.is_empty() && reason != "reason unknown" {
                    *r = Some(reason.to_string());
                }
            }
        }
    }
    printers
}

/// Parses `lpstat -a` output: (queue, accepting, reason).
pub fn parse_lpstat_a(out: &str) -> Vec<(String, bool, Option<String>)> {
    let mut v: Vec<(String, bool, Option<String>)> = Vec::new();
    for line in out.lines() {
        if line.starts_with(['\t', ' ']) {
            let reason = line.trim();
            if let Some((_, false, r)) = v.last_mut() {
                if r.is_none() && !reason.is_empty() && reason != "Rejecting Jobs" {
                    *r = Some(reason.to_string());
                }
            }
            continue;
        }
        let mut words = line.split_whitespace();
        let Some(name) = words.next() else { continue };
        let accepting = !line.contains(" not accepting ");
        v.push((name.to_string(), accepting, None));
    }
    v
}

fn lpstat_error(stderr: &str, queue: Option<&str>) -> PrintError {
    let s = stderr.to_ascii_lowercase();
    if let Some(q) = queue {
        if s.contains("invalid destination")
            || s.contains("unknown destination")
            || s.contains("no destinations added")
            || s.contains("not found")
        {
            return PrintError::UnknownPrinter(q.to_string());
        }
    }
    PrintError::Service(if stderr.is_empty() {
        "lpstat misslyckades".into()
    } else {
        stderr.to_string()
    })
}

#[cfg(unix)]
mod os {
    use super::*;
    use crate::ipp::{self, JobState};

    pub(super) fn default_printer() -> Result<Option<String>, PrintError> {
        let out = run("lpstat", &["-d"])?;
        let stdout = text(&out.stdout);
        if let Some(name) = stdout
            .lines()
            .find_map(|l| l.strip_prefix("system default destination:"))
        {
            return Ok(Some(name.trim().to_string()));
        }
        if stdout.contains("no system default destination") {
            return Ok(None);
        }
        let stderr = text(&out.stderr);
        if stderr
            .to_ascii_lowercase()
            .contains("no destinations added")
            || stderr.is_empty()
        {
            return Ok(None);
        }
        Err(lpstat_error(&stderr, None))
    }

    pub(super) fn list_printers() -> Result<Vec<PrinterInfo>, PrintError> {
        let out = run("lpstat", &["-p"])?;
        let stderr = text(&out.stderr);
        if !out.status.success() {
            if stderr
                .to_ascii_lowercase()
                .contains("no destinations added")
            {
                return Ok(Vec::new());
            }
            return Err(lpstat_error(&stderr, None));
        }
        let states = parse_lpstat_p(&text(&out.stdout));
        let acc = run("lpstat", &["-a"])?;
        let accepting = parse_lpstat_a(&text(&acc.stdout));
        let default = default_printer()?;
        Ok(states
            .into_iter()
            .map(|(name, state)| PrinterInfo {
                accepting: accepting
                    .iter()
                    .find(|(n, _, _)| *n == name)
                    .is_none_or(|(_, a, _)| *a),
                is_default: default.as_deref() == Some(name.as_str()),
                name,
                state,
            })
            .collect())
    }

    /// The queue, refused if missing, stopped or rejecting.
    fn check_queue(queue: &str) -> Result<QueueState, PrintError> {
        let out = run("lpstat", &["-p", queue])?;
        let stderr = text(&out.stderr);
        if !out.status.success() || !stderr.is_empty() && out.stdout.is_empty() {
            return Err(lpstat_error(&stderr, Some(queue)));
        }
        let state = parse_lpstat_p(&text(&out.stdout))
            .into_iter()
            .find(|(n, _)| n == queue)
            .map(|(_, s)| s)
            .ok_or_else(|| PrintError::UnknownPrinter(queue.to_string()))?;
        if let QueueState::Stopped { reason } = &state {
            return Err(PrintError::Stopped {
                printer: queue.to_string(),
                reason: reason.clone(),
            });
        }
        let acc = run("lpstat", &["-a", queue])?;
        if let Some((_, false, reason)) = parse_lpstat_a(&text(&acc.stdout))
            .into_iter()
            .find(|(n, _, _)| n == queue)
        {
            return Err(PrintError::NotAccepting {
                printer: queue.to_string(),
                reason,
            });
        }
        Ok(state)
    }

    fn job_listed(queue: &str, request_id: &str, which: &[&str]) -> Result<bool, PrintError> {
        let mut args = which.to_vec();
        args.extend(["-o", queue]);
        let out = run("lpstat", &args)?;
        Ok(text(&out.stdout)
            .lines()
            .any(|l| l.split_whitespace().next() == Some(request_id)))
    }

    fn cancel(request_id: &str) {
        let _ = run("cancel", &[request_id]);
    }

    pub(super) fn print_file(file: &Path, target: &PrintTarget) -> Result<PrintJob, PrintError> {
        let queue = match &target.printer {
            Some(q) if !q.trim().is_empty() => q.trim().to_string(),
            _ => default_printer()?.ok_or(PrintError::NoPrinter)?,
        };
        check_queue(&queue)?;
        let copies = target.copies.max(1).to_string();
        let file_arg = file.to_string_lossy();
        let out = run(
            "lp",
            &[
                "-d",
                &queue,
                "-n",
                &copies,
                "-t",
                &target.title,
                "--",
                &file_arg,
            ],
        )?;
        let stdout = text(&out.stdout);
        // "request id is PDF-12 (1 file(s))"
        let request_id = stdout
            .split_whitespace()
            .skip_while(|w| *w != "is")
            .nth(1)
            .map(str::to_string)
            .filter(|_| out.status.success())
            .ok_or_else(|| {
                let err = text(&out.stderr);
                let low = err.to_ascii_lowercase();
                if low.contains("not accepting") {
                    PrintError::NotAccepting {
                        printer: queue.clone(),
                        reason: None,
                    }
                } else if low.contains("does not exist") || low.contains("unknown destination") {
                    PrintError::UnknownPrinter(queue.clone())
                } else {
                    PrintError::Service(format!("lp: {err}{stdout}"))
                }
            })?;
        let job_id: Option<u32> = request_id.rsplit('-').next().and_then(|n| n.parse().ok());

        let start = Instant::now();
        let mut pause = Duration::from_millis(50);
        loop {
            if !job_listed(&queue, &request_id, &[])? {
                break;
            }
            // Stopped under our job (CUPS's stop-printer error policy): fail now, and take the
            // job out so that it does not print later after a reprint.
            if let Err(e @ (PrintError::Stopped { .. } | PrintError::UnknownPrinter(_))) =
                check_queue(&queue)
            {
                cancel(&request_id);
                return Err(PrintError::JobFailed {
                    printer: queue,
                    request_id,
                    detail: e.to_string().trim_end_matches('.').to_string(),
                });
            }
            if start.elapsed() >= target.wait {
                cancel(&request_id);
                return Err(PrintError::TimedOut {
                    printer: queue,
                    request_id,
                    waited: target.wait,
                });
            }
            std::thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_millis(400));
        }

        // Left the queue: completed, or cancelled/aborted?
        match job_id.map(|id| ipp::job_info(&queue, id)) {
            Some(Ok(info)) => match info.state {
                JobState::Completed => Ok(PrintJob {
                    printer: queue,
                    request_id,
                    confirmed: true,
                }),
                state => {
                    let what = match state {
                        JobState::Canceled => "utskriften avbröts",
                        JobState::Aborted => "skrivaren avbröt utskriften",
                        _ => "utskriften fastnade i kön",
                    };
                    let mut detail = what.to_string();
                    if let Some(m) = info.message {
                        detail.push_str(&format!(" ({m})"));
                    } else if let Some(r) = info.reasons.iter().find(|r| *r != "none") {
                        detail.push_str(&format!(" ({r})"));
                    }
                    Err(PrintError::JobFailed {
                        printer: queue,
                        request_id,
                        detail,
                    })
                }
            },
            // The scheduler could not be asked: trust the completed list, unconfirmed.
            _ => {
                if job_listed(&queue, &request_id, &["-W", "completed"])? {
                    Ok(PrintJob {
                        printer: queue,
                        request_id,
                        confirmed: false,
                    })
                } else {
                    Err(PrintError::JobFailed {
                        printer: queue,
                        request_id,
                        detail: "jobbet försvann ur kön utan att rapporteras som klart".into(),
                    })
                }
            }
        }
    }
}

#[cfg(windows)]
mod os {
    use super::*;

    /// Hands the file to the PDF handler (`start ""` opens it in the default viewer, whose print
    /// dialog the user confirms). Not testable in CI; the file stays in the spool folder.
    pub(super) fn print_file(file: &Path, target: &PrintTarget) -> Result<PrintJob, PrintError> {
        let status = Command::new("cmd")
            .args(["/C", "start", ""])
            .arg(file)
            .status()
            .map_err(|e| PrintError::Service(format!("cmd /C start: {e}")))?;
        if !status.success() {
            return Err(PrintError::Service(format!(
                "Windows kunde inte öppna PDF-filen ({status})"
            )));
        }
        Ok(PrintJob {
            printer: target.printer.clone().unwrap_or_else(|| "standard".into()),
            request_id: String::new(),
            confirmed: false,
        })
    }

    pub(super) fn list_printers() -> Result<Vec<PrinterInfo>, PrintError> {
        Ok(Vec::new())
    }

    pub(super) fn default_printer() -> Result<Option<String>, PrintError> {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_lpstat_p() {
        let out = "printer PDF is idle.  enabled since Mon Nov 23 00:16:00 2026\n\
                   printer Hylla now printing Hylla-3.  enabled since Mon Nov 23 00:16:00 2026\n\
                   printer Disk disabled since Mon Nov 23 00:24:18 2026 -\n\
                   \tpaper jam test\n\
                   printer Kassa disabled since Mon Nov 23 00:24:18 2026 -\n\
                   \treason unknown";
        assert_eq!(
            parse_lpstat_p(out),
            vec![
                ("PDF".into(), QueueState::Idle),
                ("Hylla".into(), QueueState::Printing),
                (
                    "Disk".into(),
                    QueueState::Stopped {
                        reason: Some("paper jam test".into())
                    }
                ),
                ("Kassa".into(), QueueState::Stopped { reason: None }),
            ]
        );
    }

    #[test]
    fn parses_lpstat_a() {
        let out = "PDF accepting requests since Mon Nov 23 00:16:00 2026\n\
                   Disk not accepting requests since Mon Nov 23 00:24:18 2026 -\n\
                   \tunder service";
        assert_eq!(
            parse_lpstat_a(out),
            vec![
                ("PDF".into(), true, None),
                ("Disk".into(), false, Some("under service".into())),
            ]
        );
    }

    #[test]
    fn messages_are_swedish_and_name_the_printer() {
        let e = PrintError::Stopped {
            printer: "Kassa1".into(),
            reason: Some("Paper jam".into()),
        };
        assert_eq!(
            e.to_string(),
            "Skrivaren \"Kassa1\" är stoppad (Paper jam). Starta skrivaren igen eller välj en annan."
        );
        assert!(e.message_en().contains("stopped"));
    }

    #[test]
    fn the_spool_folder_is_the_users_own() {
        let shared = std::env::temp_dir();
        if let Some(home) = dirs::runtime_dir().or_else(dirs::cache_dir) {
            assert!(spool_dir().starts_with(home), "{:?}", spool_dir());
            assert_ne!(spool_dir().parent(), Some(shared.as_path()));
        }
    }

    #[test]
    fn spool_files_are_private_and_never_overwritten() {
        let dir = std::env::temp_dir().join(format!("printout-spool-test-{}", std::process::id()));
        // A folder left readable (0755) is made private before anything is written in it.
        std::fs::create_dir_all(&dir).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let a = write_private(&dir, "x.pdf", b"a").unwrap();
        let b = write_private(&dir, "x.pdf", b"b").unwrap();
        assert_ne!(a, b);
        assert_eq!(std::fs::read(&a).unwrap(), b"a");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&b).unwrap().permissions().mode() & 0o777,
                0o600
            );
            assert_eq!(
                std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
                0o700
            );
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
