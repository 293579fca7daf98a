//! Forwarding the counter's local log to the chain's central log: exactly once, never in the
//! counter's way.
//!
//! The local log is the outbox. `push` reads the rows after the last acknowledged one, oldest
//! first, sends them in batches of `batch_size` in one INSERT each (a batch is in, or not at
//! all), and after each batch the server accepted writes the last row's number to a small file
//! beside the log (`<log>.central`). The log's rows are never changed. A batch sent again — the
//! acknowledgement lost in a crash, the database gone after it committed — is skipped by the
//! server row by row (UUID), so every row arrives once, in order.

use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{DateTime, Utc};
use nll_client::{AccessLog, CentralLogConfig, LogFilter, SecretStore};
use tokio_postgres::Client;

use crate::row::{from_local, insert_batch};

/// Where the progress of `log` is kept.
pub fn progress_path(log: &Path) -> PathBuf {
    let mut p = log.as_os_str().to_owned();
    p.push(".central");
    PathBuf::from(p)
}

/// The last local row the central log acknowledged (0: none yet).
pub fn acknowledged(progress: &Path) -> i64 {
    std::fs::read_to_string(progress)
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(0)
}

/// Writes the acknowledged row number atomically (a crash leaves the old or the new number).
fn save(progress: &Path, id: i64) -> anyhow::Result<()> {
    let tmp = progress.with_extension("central.tmp");
    std::fs::write(&tmp, format!("{id}\n"))
        .and_then(|_| std::fs::rename(&tmp, progress))
        .with_context(|| format!("{} kunde inte skrivas", progress.display()))
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pushed {
    /// Rows sent (including any the server already had).
    pub sent: u64,
    /// Rows the server did not have before.
    pub new: u64,
    pub batches: u32,
    /// The last local row acknowledged.
    pub acknowledged: i64,
}

/// Sends every row after the acknowledged one; stops at the first error, having kept what was
/// acknowledged so far.
pub async fn push(log: &AccessLog, db: &Client, batch_size: u32) -> anyhow::Result<Pushed> {
    let path = log
        .path()
        .context("en logg i minnet kan inte skickas vidare")?;
    let progress = progress_path(path);
    let mut done = Pushed {
        acknowledged: acknowledged(&progress),
        ..Pushed::default()
    };
    loop {
        let rows = log
            .query(&LogFilter {
                after_id: Some(done.acknowledged),
                limit: Some(batch_size),
                ..LogFilter::default()
            })
            .map_err(|e| anyhow::anyhow!("{}", e.message))?;
        let Some(last) = rows.last() else {
            return Ok(done);
        };
        let central = rows
            .iter()
            .map(from_local)
            .collect::<anyhow::Result<Vec<_>>>()?;
        done.new += insert_batch(db, &central).await?;
        done.sent += rows.len() as u64;
        done.batches += 1;
        done.acknowledged = last.id;
        save(&progress, last.id)?;
    }
}

/// How far the central log has got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub acknowledged: i64,
    pub waiting: u64,
    /// The oldest row not yet acknowledged.
    pub oldest_waiting: Option<DateTime<Utc>>,
}

pub fn status(log: &AccessLog) -> anyhow::Result<Status> {
    let path = log.path().context("en logg i minnet har ingen status")?;
    let acknowledged = acknowledged(&progress_path(path));
    let waiting = log
        .query(&LogFilter {
            after_id: Some(acknowledged),
            ..LogFilter::default()
        })
        .map_err(|e| anyhow::anyhow!("{}", e.message))?;
    Ok(Status {
        acknowledged,
        waiting: waiting.len() as u64,
        oldest_waiting: waiting
            .first()
            .and_then(|r| DateTime::parse_from_rfc3339(&r.time).ok())
            .map(|t| t.with_timezone(&Utc)),
    })
}

/// Connects and pushes: what `nllc log push` and the app's background task run.
pub async fn push_to(
    log: &AccessLog,
    cfg: &CentralLogConfig,
    secrets: &dyn SecretStore,
) -> anyhow::Result<Pushed> {
    let db = crate::connect(cfg, secrets).await?;
    push(log, &db, cfg.batch_size).await
}
