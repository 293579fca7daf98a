//! `nllc log`: the local access log for the pharmacy's regular access review (åtkomstkontroll):
//! every request to NLL, refusal by the access policy, reveal of a masked field, printout,
//! login and logout, export and change of a privileged setting. Rows name NLL's patient
//! reference, never a personnummer or a name. `nllc log verify` walks the hash chain.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, Local, NaiveDate, Utc};
use nll_client::{
    computer_account, local_day_start, to_csv, AccessLog, AccessLogConfig, Actor, EntryKind,
    LogEntry, LogFilter, NewEntry,
};

#[derive(clap::Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    command: Option<Command>,
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
    /// Only rows of this kind: request, denial, reveal, printout, login, logout, export,
    /// setting (or in Swedish: anrop, nekad, visning, utskrift, inloggning, utloggning,
    /// export, inställning).
    #[arg(long, value_name = "KIND", value_parser = parse_kind)]
    kind: Option<EntryKind>,
    /// Only rows of this user (HSA-id, or `konto:<name>` for acts outside a login).
    #[arg(long, value_name = "USER")]
    user: Option<String>,
    /// Only rows written at this workstation.
    #[arg(long, value_name = "ID")]
    workstation: Option<String>,
    /// CSV (comma, CRLF, header row) for a spreadsheet; the export is logged.
    #[arg(long)]
    csv: bool,
    /// The log file (default: from --config, else the app data folder).
    #[arg(long, value_name = "FILE", conflicts_with = "training", global = true)]
    access_log: Option<PathBuf>,
    /// The user's configuration file instead of the standard one (its `[access_log] path`).
    #[arg(long, value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,
    /// The training log (`nllc fetch --sim`) instead of the real one.
    #[arg(long, global = true)]
    training: bool,
}

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Walks the log's hash chain; exits 1 naming the first row changed, removed, inserted or
    /// moved (or a damaged file).
    Verify {
        /// Also print the last row's hash (the head), for the reviewer to note down: a later
        /// log must still contain it.
        #[arg(long)]
        print_head: bool,
    },
    /// Send the rows the chain's central log (`[access_log.central]`) has not acknowledged yet.
    Push,
    /// How far the central log has got, and how old the oldest waiting row is.
    Status,
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

fn parse_kind(s: &str) -> Result<EntryKind, String> {
    let s = s.trim().to_lowercase();
    EntryKind::ALL
        .into_iter()
        .find(|k| k.as_str() == s || k.label_sv() == s)
        .ok_or_else(|| {
            let all: Vec<&str> = EntryKind::ALL.iter().map(|k| k.as_str()).collect();
            format!("{s}: okänd radtyp – ange en av {}", all.join(", "))
        })
}

pub fn path(args: &Args) -> anyhow::Result<PathBuf> {
    if let Some(p) = &args.access_log {
        return Ok(p.clone());
    }
    if args.training {
        return AccessLog::training_path()
            .ok_or_else(|| anyhow::anyhow!("ingen datamapp för övningsloggen"));
    }
    // The log the configuration names (the one the app writes), else the default one.
    AccessLog::configured_path(&access_log_config(args.config.as_deref())?)
        .ok_or_else(|| anyhow::anyhow!("ingen datamapp för åtkomstloggen"))
}

/// `access_log` of the configuration the app and nllc share (paths already taken from the file
/// that set them), else the defaults.
pub fn access_log_config(config: Option<&std::path::Path>) -> anyhow::Result<AccessLogConfig> {
    let layers = crate::fetch::layers(config).map_err(|e| anyhow::anyhow!("{}", e.message))?;
    match layers.merged().get("access_log") {
        None => Ok(AccessLogConfig::default()),
        Some(v) => v
            .clone()
            .try_into()
            .map_err(|e| anyhow::anyhow!("access_log i konfigurationen: {e}")),
    }
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

/// What the row is about, in a few words: the resource, the revealed field, the printout,
/// the login's mode, the export's rows, the setting's key.
fn what(e: &NewEntry) -> String {
    match e.kind {
        EntryKind::Reveal | EntryKind::Setting => e.field_key.clone().unwrap_or_default(),
        EntryKind::Printout => format!(
            "{} {} s × {}, {}{}",
            e.resource.as_deref().unwrap_or(""),
            e.pages.unwrap_or(0),
            e.copies.unwrap_or(0),
            e.printer.as_deref().unwrap_or("fil"),
            if e.masked == Some(true) {
                ", maskerad"
            } else {
                ""
            }
        ),
        EntryKind::Login | EntryKind::Logout => match e.mode.as_deref() {
            Some("training") => "övning".into(),
            Some(_) => "skarp".into(),
            None => "–".into(),
        },
        EntryKind::Export => format!(
            "{} {}",
            e.resource.as_deref().unwrap_or(""),
            e.detail.as_deref().unwrap_or("")
        ),
        EntryKind::Request | EntryKind::Denial => e.resource.clone().unwrap_or_else(|| "–".into()),
    }
}

fn print_table(rows: &[LogEntry]) {
    println!(
        "{:<19}  {:<11}  {:<17}  {:<15}  {:<14}  {:<14}  {:<24}  {:<36}  {:<5} {:<22}  request-id",
        "tid",
        "typ",
        "användare",
        "roll",
        "arbetsplats",
        "ärende",
        "vad",
        "patientreferens",
        "skydd",
        "utfall",
    );
    for r in rows {
        let e = &r.entry;
        let outcome = match &e.nll_code {
            Some(c) => format!("{} ({c})", e.outcome),
            None => e.outcome.clone(),
        };
        let dash = |s: &str| {
            if s.is_empty() {
                "–".to_string()
            } else {
                s.to_string()
            }
        };
        println!(
            "{:<19}  {:<11}  {:<17}  {:<15}  {:<14}  {:<14}  {:<24}  {:<36}  {:<5} {:<22}  {}",
            local_time(&r.time),
            e.kind.label_sv(),
            e.user,
            dash(&e.role),
            r.workstation,
            dash(&e.flow),
            what(e),
            e.patient_ref.as_deref().unwrap_or("–"),
            yes_no(e.protected),
            outcome,
            e.request_id.as_deref().unwrap_or("–")
        );
    }
    println!("{} rader", rows.len());
}

/// The filter in words, for the export's row.
fn filter_words(args: &Args) -> String {
    let mut w = Vec::new();
    if let Some(s) = args.since {
        w.push(format!("från {}", local_time(&s.to_rfc3339())));
    }
    if let Some(t) = args.through {
        w.push(format!("före {}", local_time(&t.to_rfc3339())));
    }
    if args.protected_only {
        w.push("skyddade".into());
    }
    if args.reveals {
        w.push("visningar".into());
    }
    if let Some(k) = args.kind {
        w.push(format!("typ {}", k.as_str()));
    }
    if let Some(u) = &args.user {
        w.push(format!("användare {u}"));
    }
    if let Some(ws) = &args.workstation {
        w.push(format!("arbetsplats {ws}"));
    }
    w.join(", ")
}

fn verify(log: &AccessLog, print_head: bool) -> ExitCode {
    match log.verify() {
        Err(e) => {
            eprintln!("Åtkomstloggen kunde inte kontrolleras: {}", e.message);
            ExitCode::from(1)
        }
        Ok(v) => match v.broken {
            Some(b) => {
                eprintln!("Åtkomstloggens kedja är bruten: {}.", b.message());
                ExitCode::from(1)
            }
            None => {
                match &v.head {
                    Some((id, hash)) => {
                        eprintln!("Kedjan är hel: {} rader, den senaste är rad {id}.", v.rows);
                        if print_head {
                            println!("{hash}");
                        }
                    }
                    None => eprintln!("Kedjan är hel: loggen är tom."),
                }
                ExitCode::SUCCESS
            }
        },
    }
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    match &args.command {
        Some(Command::Push) => return crate::log_push::run(args, false),
        Some(Command::Status) => return crate::log_push::run(args, true),
        _ => {}
    }
    let path = path(args)?;
    if !path.exists() {
        eprintln!("Åtkomstloggen finns inte ännu: {}", path.display());
        if args.command.is_some() {
            return Ok(ExitCode::from(2));
        }
        if args.csv {
            print!("{}", to_csv(&[]));
        }
        return Ok(ExitCode::SUCCESS);
    }
    let log = match AccessLog::open(&path) {
        Ok(log) => log,
        Err(e) if args.command.is_some() => {
            eprintln!("Åtkomstloggen kunde inte kontrolleras: {}", e.message);
            return Ok(ExitCode::from(1));
        }
        Err(e) => anyhow::bail!("{}", e.message),
    };
    if let Some(why) = log.read_only() {
        eprintln!(
            "Obs: {}",
            nll_client::ClientError::access_log_failed(why).message
        );
    }
    if let Some(Command::Verify { print_head }) = &args.command {
        return Ok(verify(&log, *print_head));
    }
    let rows = log
        .query(&LogFilter {
            since: args.since,
            until: args.through,
            protected_only: args.protected_only,
            reveals_only: args.reveals,
            context_id: None,
            kind: args.kind,
            user: args.user.clone(),
            workstation: args.workstation.clone(),
            ..LogFilter::default()
        })
        .map_err(|e| anyhow::anyhow!("{}", e.message))?;
    if args.csv {
        // The export is itself a row of the review. A log this version may not write to is
        // still exported (read-only use), with the reason said above.
        let account = computer_account();
        let row = NewEntry::export(
            Actor {
                user: &account,
                role: "",
            },
            "csv",
            rows.len(),
            &filter_words(args),
            "ok",
        );
        if log.read_only().is_none() {
            log.append(&row)
                .map_err(|e| anyhow::anyhow!("{}", e.message))?;
        }
        print!("{}", to_csv(&rows));
    } else {
        print_table(&rows);
    }
    Ok(ExitCode::SUCCESS)
}
