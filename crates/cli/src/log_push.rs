//! `nllc log push` and `nllc log status`: the local log forwarded to the chain's central log
//! (`[access_log.central]` in the client configuration), and how far that has got.

use std::process::ExitCode;

use anyhow::anyhow;
use nll_client::{AccessLog, KeyringStore};

/// `nllc log push` (`status` false) and `nllc log status` (`status` true), with `nllc log`'s
/// `--config`, `--access-log` and `--training`.
pub fn run(args: &crate::log::Args, status: bool) -> anyhow::Result<ExitCode> {
    let path = crate::log::path(args)?;
    if !path.exists() {
        println!("Åtkomstloggen finns inte ännu: {}", path.display());
        return Ok(ExitCode::SUCCESS);
    }
    let log = AccessLog::open(&path).map_err(|e| anyhow!("{}", e.message))?;
    if status {
        let s = review::push::status(&log)?;
        println!(
            "Kedjans logg har tagit emot rad {} av den här loggen; {} rader väntar.",
            s.acknowledged, s.waiting
        );
        if let Some(t) = s.oldest_waiting {
            let age = chrono::Utc::now() - t;
            println!(
                "Den äldsta väntande raden är från {} ({} timmar sedan).",
                t.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M"),
                age.num_hours()
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    let central = crate::log::access_log_config(args.config.as_deref())?
        .central
        .ok_or_else(|| {
            anyhow!(
                "[access_log.central] saknas i konfigurationen – ange kedjans logg (host, dbname, user), se README, Kedjan"
            )
        })?;
    let rt = tokio::runtime::Runtime::new()?;
    match rt.block_on(review::push::push_to(&log, &central, &KeyringStore)) {
        Ok(p) => {
            println!(
                "{} rader skickade i {} omgångar ({} nya för kedjans logg); mottaget till och med rad {}.",
                p.sent, p.batches, p.new, p.acknowledged
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            // Nothing is lost: the rows wait in the local log and go with the next push.
            eprintln!("Kedjans logg nåddes inte: {e:#}. Raderna väntar kvar lokalt och skickas nästa gång.");
            Ok(ExitCode::from(1))
        }
    }
}
