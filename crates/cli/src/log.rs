//! `nllc log`: the local access log for the pharmacy's regular access review (åtkomstkontroll):
//! every request to NLL, every refusal by the access policy and every reveal of a masked field.
//! Rows name NLL's patient reference, never a personnummer or a name.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, Local, NaiveDate, Utc};
use nll_client::{local_day_start, to_csv, AccessLog, ClientConfig, LogEntry, LogFilter};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Rows from this day (local time, YYYY-MM-DD) or instant (RFC 3339).
    #[arg(long, value_name = "DATE", value_parser = parse_since)]
    since: Option<DateTime<Utc>>,
    /// Rows up to and including this day (local time, YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_through)]
    through: Option<DateTime<Utc>>,
    /// Only rows about patients with protected personal data.
    #[arg(long)]
    protected_only: bool,
    /// Only reveals of masked fields.
    #[arg(long)]
    reveals: bool,
    /// CSV (comma, CRLF, header row) for a spreadsheet.
    #[arg(long)]
    csv: bool,
    /// The log file (default: from --config, else the app data folder).
    #[arg(long, value_name = "FILE", conflicts_with = "training")]
    access_log: Option<PathBuf>,
    /// Read the log file named in this client configuration.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// The training log (`nllc fetch --sim`) instead of the real one.
    #[arg(long)]
    training: bool,
}

fn parse_day(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

fn parse_since(s: &str) -> Result<DateTime<Utc>, String> {
    if let Some(d) = parse_day(s) {
        return local_day_start(d).ok_or_else(|| format!("{s}: ingen sådan lokal tid"));
    }
    DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| format!("{s}: ange ett datum YYYY-MM-DD eller en tidpunkt enligt RFC 3339"))
}

/// The end of the day: the start of the next.
fn parse_through(s: &str) -> Result<DateTime<Utc>, String> {
    parse_day(s)
        .and_then(|d| d.succ_opt())
        .and_then(local_day_start)
        .ok_or_else(|| format!("{s}: ange ett datum YYYY-MM-DD"))
}

fn path(args: &Args) -> anyhow::Result<PathBuf> {
    if let Some(p) = &args.access_log {
        return Ok(p.clone());
    }
    if args.training {
        return crate::fetch::training_log_path()
            .ok_or_else(|| anyhow::anyhow!("ingen datamapp för övningsloggen"));
    }
    if let Some(cfg) = &args.config {
        let c = ClientConfig::load(cfg).map_err(|e| anyhow::anyhow!("{}", e.message))?;
        if let Some(p) = c.access_log {
            return Ok(p);
        }
    }
    AccessLog::default_path().ok_or_else(|| anyhow::anyhow!("ingen datamapp för åtkomstloggen"))
}

fn yes_no(p: Option<bool>) -> &'static str {
    match p {
        Some(true) => "ja",
        Some(false) => "nej",
        None => "–",
    }
}

fn local_time(rfc3339: &str) -> String {
    DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| {
            t.with_timezone(&Local)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        })
        .unwrap_or_else(|_| rfc3339.to_string())
}

fn print_table(rows: &[LogEntry]) {
    println!(
        "{:<19}  {:<7}  {:<17}  {:<15}  {:<14}  {:<19}  {:<36}  {:<5} {:<22}  request-id",
        "tid", "typ", "användare", "roll", "ärende", "resurs", "patientreferens", "skydd", "utfall",
    );
    for r in rows {
        let kind = match r.entry.kind {
            nll_client::EntryKind::Request => "anrop",
            nll_client::EntryKind::Denial => "nekad",
            nll_client::EntryKind::Reveal => "visning",
        };
        let resource = match (&r.entry.field_key, &r.entry.resource) {
            (Some(k), _) => k.clone(),
            (None, Some(res)) => res.clone(),
            (None, None) => "–".into(),
        };
        let outcome = match &r.entry.nll_code {
            Some(c) => format!("{} ({c})", r.entry.outcome),
            None => r.entry.outcome.clone(),
        };
        println!(
            "{:<19}  {:<7}  {:<17}  {:<15}  {:<14}  {:<19}  {:<36}  {:<5} {:<22}  {}",
            local_time(&r.time),
            kind,
            r.entry.user,
            r.entry.role,
            r.entry.flow,
            resource,
            r.entry.patient_ref.as_deref().unwrap_or("–"),
            yes_no(r.entry.protected),
            outcome,
            r.entry.request_id.as_deref().unwrap_or("–")
        );
    }
    println!("{} rader", rows.len());
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let path = path(args)?;
    if !path.exists() {
        eprintln!("Åtkomstloggen finns inte ännu: {}", path.display());
        if args.csv {
            print!("{}", to_csv(&[]));
        }
        return Ok(ExitCode::SUCCESS);
    }
    let log = AccessLog::open(&path).map_err(|e| anyhow::anyhow!("{}", e.message))?;
    let rows = log
        .query(&LogFilter {
            since: args.since,
            until: args.through,
            protected_only: args.protected_only,
            reveals_only: args.reveals,
            context_id: None,
        })
        .map_err(|e| anyhow::anyhow!("{}", e.message))?;
    if args.csv {
        print!("{}", to_csv(&rows));
    } else {
        print_table(&rows);
    }
    Ok(ExitCode::SUCCESS)
}
