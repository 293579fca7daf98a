//! The log's table, its version (`PRAGMA user_version`) and the in-place upgrade of older logs.
//!
//! Version 1 (no `user_version`, 17 columns) had per-file integer ids only. Version 2 adds what
//! makes a row attributable across the chain's pharmacies (UUID v7, GLN, workstation, app
//! version), the printout, login and export columns, and the hash chain (`prev_hash`, `hash`).
//! A version-1 log is rebuilt in one transaction on first open: its rows keep their ids and
//! times, get a UUID v7 from their time, this computer's workstation id, no GLN and no app
//! version (both unknown then), and are chained in id order.
//!
//! Version 3 adds `patient_key`, the patient's keyed hash (see `patient_key`). A version-2 log
//! gains the column in place; its rows keep their hashes (the chain encodes the key only on a
//! row that has one).

use rusqlite::{params, Connection, Transaction, TransactionBehavior};

use super::chain;
use super::{LogEntry, Origin};
use crate::access_log::entry::{EntryKind, NewEntry};

/// The schema this build reads and writes.
pub const VERSION: i32 = 3;

const TABLE: &str = "
CREATE TABLE IF NOT EXISTS access_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid        TEXT    NOT NULL UNIQUE,
    time        TEXT    NOT NULL,
    gln         TEXT,
    workstation TEXT    NOT NULL,
    app_version TEXT,
    kind        TEXT    NOT NULL CHECK (kind IN ('request', 'denial', 'reveal', 'printout',
                                                 'login', 'logout', 'export', 'setting')),
    user        TEXT    NOT NULL,
    role        TEXT    NOT NULL,
    flow        TEXT    NOT NULL,
    purpose     TEXT    NOT NULL,
    access      TEXT    NOT NULL,
    resource    TEXT,
    patient_ref TEXT,
    protected   INTEGER CHECK (protected IN (0, 1)),
    request_id  TEXT,
    context_id  TEXT    NOT NULL,
    outcome     TEXT    NOT NULL,
    http_status INTEGER,
    nll_code    TEXT,
    field_key   TEXT,
    mode        TEXT    CHECK (mode IN ('live', 'training')),
    printer     TEXT,
    pages       INTEGER,
    copies      INTEGER,
    masked      INTEGER CHECK (masked IN (0, 1)),
    detail      TEXT,
    prev_hash   TEXT    NOT NULL,
    hash        TEXT    NOT NULL,
    patient_key TEXT
);";

const INDEXES_AND_TRIGGERS: &str = "
CREATE INDEX IF NOT EXISTS access_log_time ON access_log (time);
CREATE TRIGGER IF NOT EXISTS access_log_no_update BEFORE UPDATE ON access_log
BEGIN SELECT RAISE(ABORT, 'access log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS access_log_no_delete BEFORE DELETE ON access_log
BEGIN SELECT RAISE(ABORT, 'access log is append-only'); END;
";

/// Every column in table order: the one list `insert` and the readers use.
pub const COLUMNS: &str = "id, uuid, time, gln, workstation, app_version, kind, user, role, flow, \
     purpose, access, resource, patient_ref, protected, request_id, context_id, outcome, \
     http_status, nll_code, field_key, mode, printer, pages, copies, masked, detail, prev_hash, hash, \
     patient_key";

pub fn user_version(conn: &Connection) -> rusqlite::Result<i32> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}

fn has_table(conn: &Connection) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'access_log'",
        [],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n > 0)
}

/// Creates the table in a new log, or upgrades an older one in place. Runs in one immediate
/// transaction, so two programs opening the same log at once neither both upgrade nor see half
/// of it. Returns the version found when it is newer than this build's (nothing is changed).
pub fn prepare(conn: &mut Connection, origin: &Origin) -> rusqlite::Result<Option<i32>> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found = user_version(&tx)?;
    if found > VERSION {
        return Ok(Some(found));
    }
    if found < VERSION && has_table(&tx)? {
        if found < 2 {
            upgrade_from_v1(&tx, origin)?;
        } else {
            tx.execute_batch("ALTER TABLE access_log ADD COLUMN patient_key TEXT;")?;
        }
    }
    tx.execute_batch(TABLE)?;
    tx.execute_batch(INDEXES_AND_TRIGGERS)?;
    tx.pragma_update(None, "user_version", VERSION)?;
    tx.commit()?;
    Ok(None)
}

/// Appends one row as it stands (its hash already computed).
pub fn insert(conn: &Connection, row: &LogEntry) -> rusqlite::Result<i64> {
    let e = &row.entry;
    conn.prepare_cached(&format!(
        "INSERT INTO access_log ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, \
         ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, \
         ?28, ?29, ?30)"
    ))?
    .execute(params![
        (row.id > 0).then_some(row.id),
        row.uuid,
        row.time,
        row.gln,
        row.workstation,
        row.app_version,
        e.kind.as_str(),
        e.user,
        e.role,
        e.flow,
        e.purpose,
        e.access,
        e.resource,
        e.patient_ref,
        e.protected,
        e.request_id,
        e.context_id,
        e.outcome,
        e.http_status,
        e.nll_code,
        e.field_key,
        e.mode,
        e.printer,
        e.pages,
        e.copies,
        e.masked,
        e.detail,
        row.prev_hash,
        row.hash,
        e.patient_key,
    ])?;
    Ok(conn.last_insert_rowid())
}

/// A version-1 row: the seventeen columns it had.
fn v1_row(r: &rusqlite::Row<'_>, origin: &Origin) -> rusqlite::Result<LogEntry> {
    let time: String = r.get(1)?;
    let kind: String = r.get(2)?;
    Ok(LogEntry {
        id: r.get(0)?,
        uuid: chain::uuid_at(&time).hyphenated().to_string(),
        time,
        gln: None,
        workstation: origin.workstation.clone(),
        app_version: None,
        entry: NewEntry {
            kind: EntryKind::parse(&kind).unwrap_or(EntryKind::Request),
            user: r.get(3)?,
            role: r.get(4)?,
            flow: r.get(5)?,
            purpose: r.get(6)?,
            access: r.get(7)?,
            resource: r.get(8)?,
            patient_ref: r.get(9)?,
            patient_key: None,
            protected: r.get(10)?,
            request_id: r.get(11)?,
            context_id: r.get(12)?,
            outcome: r.get(13)?,
            http_status: r.get(14)?,
            nll_code: r.get(15)?,
            field_key: r.get(16)?,
            mode: None,
            printer: None,
            pages: None,
            copies: None,
            masked: None,
            detail: None,
        },
        prev_hash: String::new(),
        hash: String::new(),
    })
}

fn upgrade_from_v1(tx: &Transaction<'_>, origin: &Origin) -> rusqlite::Result<()> {
    // The triggers refuse every change, so they go first; they come back with the new table.
    tx.execute_batch(
        "DROP TRIGGER IF EXISTS access_log_no_update;
         DROP TRIGGER IF EXISTS access_log_no_delete;
         DROP INDEX IF EXISTS access_log_time;
         ALTER TABLE access_log RENAME TO access_log_v1;",
    )?;
    tx.execute_batch(TABLE)?;
    let mut prev = chain::GENESIS.to_string();
    {
        let mut st = tx.prepare(
            "SELECT id, time, kind, user, role, flow, purpose, access, resource, patient_ref,
                    protected, request_id, context_id, outcome, http_status, nll_code, field_key
             FROM access_log_v1 ORDER BY id",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let mut row = v1_row(r, origin)?;
            row.prev_hash = prev;
            row.hash = chain::row_hash(&row);
            insert(tx, &row)?;
            prev = row.hash;
        }
    }
    tx.execute_batch("DROP TABLE access_log_v1;")
}
