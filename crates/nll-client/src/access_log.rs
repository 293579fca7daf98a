//! The local access log (SQLite, WAL) for the pharmacy's regular access review
//! (åtkomstkontroll): one row per request sent to NLL, one per refusal by the access policy, and
//! one per deliberate reveal of a masked field.
//!
//! A row holds who (user, role), why (flow, purpose and access codes), what (resource), whom (NLL's
//! patient reference — **never** the personnummer or the name), whether the patient is protected,
//! the request and context ids and the outcome. A reveal row holds the field's key and kind,
//! never its value.
//!
//! Append-only: the only statement this module runs on the table is `INSERT`, and triggers make
//! SQLite refuse any `UPDATE` or `DELETE` (`access log is append-only`).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, Local, NaiveDate, SecondsFormat, Utc};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::ClientError;

/// What a row records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum EntryKind {
    /// A request sent to NLL (or the power-of-attorney register).
    Request,
    /// The access policy refused a flow (no request was sent for it).
    Denial,
    /// A masked field was revealed on purpose.
    Reveal,
}

impl EntryKind {
    fn as_str(self) -> &'static str {
        match self {
            EntryKind::Request => "request",
            EntryKind::Denial => "denial",
            EntryKind::Reveal => "reveal",
        }
    }
    fn parse(s: &str) -> EntryKind {
        match s {
            "denial" => EntryKind::Denial,
            "reveal" => EntryKind::Reveal,
            _ => EntryKind::Request,
        }
    }
}

/// A row to append.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewEntry {
    pub kind: EntryKind,
    pub user: String,
    /// `FARMACEUT` / `APOTEKSPERSONAL`.
    pub role: String,
    /// `expediering`, `ombud`, …
    pub flow: String,
    /// The purpose and access-type codes sent (or that would have been sent).
    pub purpose: String,
    pub access: String,
    /// `patient`, `list-info`, `medication-request`, …, `power-of-attorney`; for a reveal the
    /// masked field's kind.
    pub resource: Option<String>,
    /// NLL's logical id of the patient.
    pub patient_ref: Option<String>,
    pub protected: Option<bool>,
    pub request_id: Option<String>,
    pub context_id: String,
    /// `ok`, `http 422`, `timeout`, `cancelled`, `denied: <rule>`, `revealed` …
    pub outcome: String,
    pub http_status: Option<u16>,
    pub nll_code: Option<String>,
    /// For a reveal: the field's key (e.g. `patient.address`), never its value.
    pub field_key: Option<String>,
}

/// A row as read back: what was appended, with its id and time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LogEntry {
    #[ts(type = "number")]
    pub id: i64,
    /// RFC 3339, UTC, milliseconds.
    pub time: String,
    #[serde(flatten)]
    #[ts(flatten)]
    pub entry: NewEntry,
}

/// What `query` returns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogFilter {
    /// Rows at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// Rows before this time.
    pub until: Option<DateTime<Utc>>,
    /// Only rows about patients with protected personal data.
    pub protected_only: bool,
    /// Only reveals of masked fields.
    pub reveals_only: bool,
    /// Only one counter session.
    pub context_id: Option<String>,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS access_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    time        TEXT    NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('request', 'denial', 'reveal')),
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
    field_key   TEXT
);
CREATE INDEX IF NOT EXISTS access_log_time ON access_log (time);
CREATE TRIGGER IF NOT EXISTS access_log_no_update BEFORE UPDATE ON access_log
BEGIN SELECT RAISE(ABORT, 'access log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS access_log_no_delete BEFORE DELETE ON access_log
BEGIN SELECT RAISE(ABORT, 'access log is append-only'); END;
";

/// The start of a day in this computer's time zone (the access review is done by local dates).
pub fn local_day_start(day: NaiveDate) -> Option<DateTime<Utc>> {
    day.and_hms_opt(0, 0, 0)?
        .and_local_timezone(Local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

impl LogFilter {
    /// Only the rows of these local days, `from` and `through` included (either may be open).
    pub fn days(self, from: Option<NaiveDate>, through: Option<NaiveDate>) -> LogFilter {
        LogFilter {
            since: from.and_then(local_day_start),
            until: through.and_then(|d| d.succ_opt()).and_then(local_day_start),
            ..self
        }
    }
}

/// The log, shared by every counter session of the process.
pub struct AccessLog {
    conn: Mutex<Connection>,
    path: Option<PathBuf>,
}

impl std::fmt::Debug for AccessLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessLog")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

fn db_error(e: rusqlite::Error) -> ClientError {
    let _ = e;
    ClientError::access_log()
}

/// Puts the log in WAL mode. The switch needs an exclusive lock, and SQLite answers
/// "busy" at once, without waiting, when two programs make it at the same moment on a new
/// log (a lock deadlock it does not wait out). So it is retried here for up to 5 seconds.
fn switch_to_wal(conn: &Connection) -> rusqlite::Result<()> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        match conn.pragma_update(None, "journal_mode", "WAL") {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy
                    && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            other => return other,
        }
    }
}

impl AccessLog {
    /// `<data dir>/receptdisk/access-log.sqlite` (e.g. `~/.local/share/…` on Linux,
    /// `%APPDATA%\…` on Windows).
    pub fn default_path() -> Option<PathBuf> {
        dirs::data_dir().map(|d| d.join("receptdisk").join("access-log.sqlite"))
    }

    /// Opens (or creates) the log at `path`, in WAL mode.
    pub fn open(path: &Path) -> Result<AccessLog, ClientError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|_| ClientError::access_log())?;
        }
        let conn = Connection::open(path).map_err(db_error)?;
        // First the busy timeout: switching to WAL and creating the schema take a lock, and
        // another program on this computer (the app, nllc) may be opening the same log.
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(db_error)?;
        switch_to_wal(&conn).map_err(db_error)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(db_error)?;
        conn.execute_batch(SCHEMA).map_err(db_error)?;
        Ok(AccessLog {
            conn: Mutex::new(conn),
            path: Some(path.to_path_buf()),
        })
    }

    /// The default path, or an error saying there is no data folder.
    pub fn open_default() -> Result<AccessLog, ClientError> {
        let path = AccessLog::default_path().ok_or_else(ClientError::access_log)?;
        AccessLog::open(&path)
    }

    /// An in-memory log (tests, one-off runs that must not touch the real log).
    pub fn in_memory() -> Result<AccessLog, ClientError> {
        let conn = Connection::open_in_memory().map_err(db_error)?;
        conn.execute_batch(SCHEMA).map_err(db_error)?;
        Ok(AccessLog {
            conn: Mutex::new(conn),
            path: None,
        })
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Appends one row; returns its id.
    pub fn append(&self, e: &NewEntry) -> Result<i64, ClientError> {
        let time = Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true);
        let conn = self.conn.lock().map_err(|_| ClientError::access_log())?;
        conn.prepare_cached(
            "INSERT INTO access_log (time, kind, user, role, flow, purpose, access, resource,
                 patient_ref, protected, request_id, context_id, outcome, http_status, nll_code,
                 field_key)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        )
        .and_then(|mut st| {
            st.execute(params![
                time,
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
            ])
        })
        .map_err(db_error)?;
        Ok(conn.last_insert_rowid())
    }

    /// Rows matching the filter, oldest first.
    pub fn query(&self, f: &LogFilter) -> Result<Vec<LogEntry>, ClientError> {
        let mut sql = String::from(
            "SELECT id, time, kind, user, role, flow, purpose, access, resource, patient_ref,
                    protected, request_id, context_id, outcome, http_status, nll_code, field_key
             FROM access_log WHERE 1 = 1",
        );
        let mut args: Vec<String> = Vec::new();
        if let Some(since) = f.since {
            args.push(since.to_rfc3339_opts(SecondsFormat::Millis, true));
            sql += &format!(" AND time >= ?{}", args.len());
        }
        if let Some(until) = f.until {
            args.push(until.to_rfc3339_opts(SecondsFormat::Millis, true));
            sql += &format!(" AND time < ?{}", args.len());
        }
        if f.protected_only {
            sql += " AND protected = 1";
        }
        if f.reveals_only {
            sql += " AND kind = 'reveal'";
        }
        if let Some(c) = &f.context_id {
            args.push(c.clone());
            sql += &format!(" AND context_id = ?{}", args.len());
        }
        sql += " ORDER BY id";
        let conn = self.conn.lock().map_err(|_| ClientError::access_log())?;
        let mut st = conn.prepare(&sql).map_err(db_error)?;
        let rows = st
            .query_map(rusqlite::params_from_iter(args.iter()), |r| {
                Ok(LogEntry {
                    id: r.get(0)?,
                    time: r.get(1)?,
                    entry: NewEntry {
                        kind: EntryKind::parse(&r.get::<_, String>(2)?),
                        user: r.get(3)?,
                        role: r.get(4)?,
                        flow: r.get(5)?,
                        purpose: r.get(6)?,
                        access: r.get(7)?,
                        resource: r.get(8)?,
                        patient_ref: r.get(9)?,
                        protected: r.get(10)?,
                        request_id: r.get(11)?,
                        context_id: r.get(12)?,
                        outcome: r.get(13)?,
                        http_status: r.get(14)?,
                        nll_code: r.get(15)?,
                        field_key: r.get(16)?,
                    },
                })
            })
            .map_err(db_error)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(db_error)
    }

    /// Runs raw SQL on the log's connection (tests prove the triggers refuse changes).
    #[doc(hidden)]
    pub fn execute_raw(&self, sql: &str) -> Result<usize, String> {
        let conn = self.conn.lock().map_err(|e| e.to_string())?;
        conn.execute(sql, []).map_err(|e| e.to_string())
    }
}

/// CSV (RFC 4180, comma, CRLF) with a header row, for the access review in a spreadsheet.
/// A cell starting with `=`, `+`, `-` or `@` gets a leading `'` so a spreadsheet does not run it.
pub fn to_csv(rows: &[LogEntry]) -> String {
    const HEADER: [&str; 17] = [
        "id",
        "time",
        "kind",
        "user",
        "role",
        "flow",
        "purpose",
        "access",
        "resource",
        "patient_ref",
        "protected",
        "request_id",
        "context_id",
        "outcome",
        "http_status",
        "nll_code",
        "field_key",
    ];
    let mut out = HEADER.join(",");
    out.push_str("\r\n");
    let opt = |s: &Option<String>| s.clone().unwrap_or_default();
    for r in rows {
        let cells = [
            r.id.to_string(),
            r.time.clone(),
            r.entry.kind.as_str().to_string(),
            r.entry.user.clone(),
            r.entry.role.clone(),
            r.entry.flow.clone(),
            r.entry.purpose.clone(),
            r.entry.access.clone(),
            opt(&r.entry.resource),
            opt(&r.entry.patient_ref),
            match r.entry.protected {
                Some(true) => "ja".into(),
                Some(false) => "nej".into(),
                None => String::new(),
            },
            opt(&r.entry.request_id),
            r.entry.context_id.clone(),
            r.entry.outcome.clone(),
            r.entry
                .http_status
                .map(|s| s.to_string())
                .unwrap_or_default(),
            opt(&r.entry.nll_code),
            opt(&r.entry.field_key),
        ];
        out.push_str(
            &cells
                .iter()
                .map(|c| csv_cell(c))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push_str("\r\n");
    }
    out
}

/// One CSV cell. A cell a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, and a
/// leading TAB or CR, which some spreadsheets skip before reading one) gets a leading `'`.
fn csv_cell(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(kind: EntryKind, protected: Option<bool>) -> NewEntry {
        NewEntry {
            kind,
            user: "SE5565594230-F001".into(),
            role: "FARMACEUT".into(),
            flow: "expediering".into(),
            purpose: "EXPEDIERING".into(),
            access: "UTAN_KRAV_SAMTYCKE".into(),
            resource: Some("patient".into()),
            patient_ref: Some("5f1b7c3e-0000-4000-8000-000000000001".into()),
            protected,
            request_id: Some("r1".into()),
            context_id: "c1".into(),
            outcome: "ok".into(),
            http_status: Some(200),
            nll_code: None,
            field_key: None,
        }
    }

    fn unix_millis() -> u128 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis()
    }

    fn temp_db() -> PathBuf {
        std::env::temp_dir()
            .join(format!("nll-client-log-{}", uuid::Uuid::new_v4()))
            .join("access.sqlite")
    }

    #[test]
    fn programs_opening_one_new_log_at_once_all_write() {
        // The app and nllc (or two nllc runs) may open the same log at the same moment.
        let path = temp_db();
        let start = std::sync::Arc::new(std::sync::Barrier::new(16));
        let threads: Vec<_> = (0..16)
            .map(|_| {
                let path = path.clone();
                let start = start.clone();
                std::thread::spawn(move || {
                    start.wait();
                    let log = AccessLog::open(&path)?;
                    log.append(&entry(EntryKind::Request, Some(false)))
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap().expect("open and append");
        }
        let log = AccessLog::open(&path).unwrap();
        assert_eq!(log.query(&LogFilter::default()).unwrap().len(), 16);
    }

    /// One program of `separate_programs_opening_one_new_log_at_once_all_write`: opens the
    /// log named by `RECEPTDISK_TEST_LOG` and appends one row. Run only by that test.
    #[test]
    #[ignore = "started as a separate program by another test"]
    fn one_program_opens_the_log_and_appends() {
        let path = std::env::var_os("RECEPTDISK_TEST_LOG").expect("RECEPTDISK_TEST_LOG");
        // Every program waits for the same instant, so they open the log together.
        let start: u128 = std::env::var("RECEPTDISK_TEST_START")
            .unwrap()
            .parse()
            .unwrap();
        while unix_millis() < start {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        let log = AccessLog::open(Path::new(&path)).expect("open");
        log.append(&entry(EntryKind::Request, Some(false)))
            .expect("append");
    }

    #[test]
    fn separate_programs_opening_one_new_log_at_once_all_write() {
        // Separate processes lock the file differently from threads of one process: the
        // switch to WAL can meet a lock SQLite does not wait for. Ten new logs, eight
        // programs each.
        for _ in 0..10 {
            let path = temp_db();
            let start = unix_millis() + 150;
            let children: Vec<_> = (0..8)
                .map(|_| {
                    std::process::Command::new(std::env::current_exe().unwrap())
                        .args([
                            "--exact",
                            "access_log::tests::one_program_opens_the_log_and_appends",
                            "--ignored",
                            "--quiet",
                        ])
                        .env("RECEPTDISK_TEST_LOG", &path)
                        .env("RECEPTDISK_TEST_START", start.to_string())
                        .stdout(std::process::Stdio::null())
                        .spawn()
                        .unwrap()
                })
                .collect();
            for mut c in children {
                assert!(
                    c.wait().unwrap().success(),
                    "a program could not write the log"
                );
            }
            let log = AccessLog::open(&path).unwrap();
            assert_eq!(log.query(&LogFilter::default()).unwrap().len(), 8);
        }
    }

    #[test]
    fn append_query_filter_and_wal() {
        let path = temp_db();
        let log = AccessLog::open(&path).unwrap();
        log.append(&entry(EntryKind::Request, Some(false))).unwrap();
        log.append(&entry(EntryKind::Request, Some(true))).unwrap();
        let mut reveal = entry(EntryKind::Reveal, Some(true));
        reveal.field_key = Some("patient.address".into());
        reveal.resource = Some("patientAddress".into());
        log.append(&reveal).unwrap();
        assert_eq!(log.query(&LogFilter::default()).unwrap().len(), 3);
        let prot = log
            .query(&LogFilter {
                protected_only: true,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(prot.len(), 2);
        let rev = log
            .query(&LogFilter {
                reveals_only: true,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(rev.len(), 1);
        assert_eq!(rev[0].entry.field_key.as_deref(), Some("patient.address"));
        let future = log
            .query(&LogFilter {
                since: Some(Utc::now() + chrono::Duration::hours(1)),
                ..Default::default()
            })
            .unwrap();
        assert!(future.is_empty());
        let past = log
            .query(&LogFilter {
                until: Some(Utc::now() - chrono::Duration::hours(1)),
                ..Default::default()
            })
            .unwrap();
        assert!(past.is_empty());
        let today = Local::now().date_naive();
        let days = |from, through| {
            log.query(&LogFilter::default().days(from, through))
                .unwrap()
                .len()
        };
        assert_eq!(days(Some(today), Some(today)), 3);
        assert_eq!(days(None, today.pred_opt()), 0);
        assert_eq!(days(today.succ_opt(), None), 0);
        let mode: String = log
            .conn
            .lock()
            .unwrap()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        drop(log);
        // Reopening keeps the rows.
        let again = AccessLog::open(&path).unwrap();
        assert_eq!(again.query(&LogFilter::default()).unwrap().len(), 3);
        let _ = std::fs::remove_dir_all(path.parent().unwrap());
    }

    #[test]
    fn updates_and_deletes_are_refused_by_sqlite() {
        let log = AccessLog::in_memory().unwrap();
        log.append(&entry(EntryKind::Request, Some(false))).unwrap();
        let e = log
            .execute_raw("UPDATE access_log SET outcome = 'x'")
            .unwrap_err();
        assert!(e.contains("append-only"), "{e}");
        let e = log.execute_raw("DELETE FROM access_log").unwrap_err();
        assert!(e.contains("append-only"), "{e}");
        assert_eq!(
            log.query(&LogFilter::default()).unwrap()[0].entry.outcome,
            "ok"
        );
    }

    #[test]
    fn csv_quotes_and_defuses_cells() {
        let log = AccessLog::in_memory().unwrap();
        let mut e = entry(EntryKind::Request, Some(true));
        e.outcome = "http 422, \"nekad\"".into();
        e.user = "=cmd".into();
        log.append(&e).unwrap();
        let csv = to_csv(&log.query(&LogFilter::default()).unwrap());
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert!(lines[0].starts_with("id,time,kind,user,role,flow"));
        assert!(lines[1].contains(",'=cmd,"), "{}", lines[1]);
        assert!(
            lines[1].contains("\"http 422, \"\"nekad\"\"\""),
            "{}",
            lines[1]
        );
        assert!(lines[1].contains(",ja,"));
        for (cell, defused) in [
            ("\t=1+1", "'\t=1+1"),
            ("\r=1+1", "\"'\r=1+1\""),
            ("-2", "'-2"),
            ("Apotek", "Apotek"),
        ] {
            assert_eq!(csv_cell(cell), defused, "{cell:?}");
        }
    }
}
