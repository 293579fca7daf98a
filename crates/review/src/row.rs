//! The central row, the one mapping from a counter's local row, and the one batch INSERT.

use chrono::{DateTime, SecondsFormat, Utc};
use nll_client::access_log::chain;
use nll_client::{EntryKind, LogEntry, NewEntry};
use tokio_postgres::types::ToSql;
use tokio_postgres::{GenericClient, Row};
use uuid::Uuid;

/// A row of the central `access_log`: the local row as the counter wrote it, plus where it came
/// from (`seq`: its number in the workstation's log).
#[derive(Debug, Clone, PartialEq)]
pub struct CentralRow {
    pub id: Uuid,
    pub time: DateTime<Utc>,
    pub gln: Option<String>,
    pub workstation: String,
    pub seq: i64,
    pub app_version: Option<String>,
    pub schema_version: i32,
    pub kind: String,
    pub user_id: String,
    pub role: String,
    pub flow: String,
    pub purpose: String,
    pub access: String,
    pub resource: Option<String>,
    pub patient_ref: Option<String>,
    pub patient_key: Option<Vec<u8>>,
    pub protected: Option<bool>,
    pub request_id: Option<String>,
    pub context_id: String,
    pub outcome: String,
    pub http_status: Option<i32>,
    pub nll_code: Option<String>,
    pub field_key: Option<String>,
    pub mode: Option<String>,
    pub printer: Option<String>,
    pub pages: Option<i32>,
    pub copies: Option<i32>,
    pub masked: Option<bool>,
    pub detail: Option<String>,
    pub prev_hash: Option<Vec<u8>>,
    pub hash: Vec<u8>,
}

/// The columns, in [`CentralRow`]'s order (SELECT lists and the INSERT).
pub const COLUMNS: &str = "id, time, gln, workstation, seq, app_version, schema_version, kind, \
    user_id, role, flow, purpose, access, resource, patient_ref, patient_key, protected, \
    request_id, context_id, outcome, http_status, nll_code, field_key, mode, printer, pages, \
    copies, masked, detail, prev_hash, hash";

const INSERT: &str = "INSERT INTO access_log (id, time, gln, workstation, seq, app_version, \
    schema_version, kind, user_id, role, flow, purpose, access, resource, patient_ref, \
    patient_key, protected, request_id, context_id, outcome, http_status, nll_code, field_key, \
    mode, printer, pages, copies, masked, detail, prev_hash, hash)
    SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::int8[], \
    $6::text[], $7::int4[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], \
    $13::text[], $14::text[], $15::text[], $16::bytea[], $17::bool[], $18::text[], $19::text[], \
    $20::text[], $21::int4[], $22::text[], $23::text[], $24::text[], $25::text[], $26::int4[], \
    $27::int4[], $28::bool[], $29::text[], $30::bytea[], $31::bytea[])
    ON CONFLICT DO NOTHING";

impl CentralRow {
    pub fn from_row(r: &Row) -> CentralRow {
        CentralRow {
            id: r.get(0),
            time: r.get(1),
            gln: r.get(2),
            workstation: r.get(3),
            seq: r.get(4),
            app_version: r.get(5),
            schema_version: r.get(6),
            kind: r.get(7),
            user_id: r.get(8),
            role: r.get(9),
            flow: r.get(10),
            purpose: r.get(11),
            access: r.get(12),
            resource: r.get(13),
            patient_ref: r.get(14),
            patient_key: r.get(15),
            protected: r.get(16),
            request_id: r.get(17),
            context_id: r.get(18),
            outcome: r.get(19),
            http_status: r.get(20),
            nll_code: r.get(21),
            field_key: r.get(22),
            mode: r.get(23),
            printer: r.get(24),
            pages: r.get(25),
            copies: r.get(26),
            masked: r.get(27),
            detail: r.get(28),
            prev_hash: r.get(29),
            hash: r.get(30),
        }
    }
}

/// Inserts the rows in one statement; a row whose UUID (and time) is already there is skipped,
/// so sending a batch again is harmless. Needs only INSERT: nothing is read back, and the
/// `ON CONFLICT` names no target (a target needs SELECT on its columns, which counters lack).
/// Returns how many rows were new.
pub async fn insert_batch(db: &impl GenericClient, rows: &[CentralRow]) -> anyhow::Result<u64> {
    if rows.is_empty() {
        return Ok(0);
    }
    macro_rules! col {
        ($f:ident) => {
            rows.iter().map(|r| r.$f.clone()).collect::<Vec<_>>()
        };
    }
    let (id, time, gln, ws, seq, app, sv) = (
        col!(id),
        col!(time),
        col!(gln),
        col!(workstation),
        col!(seq),
        col!(app_version),
        col!(schema_version),
    );
    let (kind, user, role, flow, purpose, access, resource) = (
        col!(kind),
        col!(user_id),
        col!(role),
        col!(flow),
        col!(purpose),
        col!(access),
        col!(resource),
    );
    let (pref, pkey, prot, req, ctx, outcome, status) = (
        col!(patient_ref),
        col!(patient_key),
        col!(protected),
        col!(request_id),
        col!(context_id),
        col!(outcome),
        col!(http_status),
    );
    let (code, field, mode, printer, pages, copies, masked) = (
        col!(nll_code),
        col!(field_key),
        col!(mode),
        col!(printer),
        col!(pages),
        col!(copies),
        col!(masked),
    );
    let (detail, prev, hash) = (col!(detail), col!(prev_hash), col!(hash));
    let params: [&(dyn ToSql + Sync); 31] = [
        &id, &time, &gln, &ws, &seq, &app, &sv, &kind, &user, &role, &flow, &purpose, &access,
        &resource, &pref, &pkey, &prot, &req, &ctx, &outcome, &status, &code, &field, &mode,
        &printer, &pages, &copies, &masked, &detail, &prev, &hash,
    ];
    Ok(db.execute(INSERT, &params).await?)
}

/// The local log's version whose rows [`from_local`] maps: rows with a UUID, their origin, a
/// hash chain and the patient's keyed hash (`nll_client::access_log::schema::VERSION`).
pub const LOCAL_SCHEMA_VERSION: i32 = nll_client::access_log::schema::VERSION;

/// The one mapping from a counter's local row to a central row: the row as the counter wrote
/// it (its UUID, pharmacy, workstation, version and hashes), numbered by its place in the log.
pub fn from_local(e: &LogEntry) -> anyhow::Result<CentralRow> {
    let bad = |what: &str| anyhow::anyhow!("rad {}: {what} går inte att läsa", e.id);
    let time = DateTime::parse_from_rfc3339(&e.time)
        .map_err(|_| bad("tiden"))?
        .with_timezone(&Utc);
    let l = &e.entry;
    Ok(CentralRow {
        id: Uuid::parse_str(&e.uuid).map_err(|_| bad("UUID:n"))?,
        time,
        gln: e.gln.clone(),
        workstation: e.workstation.clone(),
        seq: e.id,
        app_version: e.app_version.clone(),
        schema_version: LOCAL_SCHEMA_VERSION,
        kind: l.kind.as_str().to_string(),
        user_id: l.user.clone(),
        role: l.role.clone(),
        flow: l.flow.clone(),
        purpose: l.purpose.clone(),
        access: l.access.clone(),
        resource: l.resource.clone(),
        patient_ref: l.patient_ref.clone(),
        patient_key: match &l.patient_key {
            Some(k) => Some(chain::from_hex(k).ok_or_else(|| bad("patientnyckeln"))?),
            None => None,
        },
        protected: l.protected,
        request_id: l.request_id.clone(),
        context_id: l.context_id.clone(),
        outcome: l.outcome.clone(),
        http_status: l.http_status.map(i32::from),
        nll_code: l.nll_code.clone(),
        field_key: l.field_key.clone(),
        mode: l.mode.clone(),
        printer: l.printer.clone(),
        pages: l.pages.map(|n| n as i32),
        copies: l.copies.map(|n| n as i32),
        masked: l.masked,
        detail: l.detail.clone(),
        prev_hash: Some(chain::from_hex(&e.prev_hash).ok_or_else(|| bad("föregående hash"))?),
        hash: chain::from_hex(&e.hash).ok_or_else(|| bad("hashen"))?,
    })
}

/// The counter's own hash of a central row: the local row rebuilt and hashed by the one
/// canonical encoding (`nll_client::access_log::chain`).
pub fn local_hash(row: &CentralRow) -> Option<Vec<u8>> {
    let entry = NewEntry {
        kind: EntryKind::parse(&row.kind)?,
        user: row.user_id.clone(),
        role: row.role.clone(),
        flow: row.flow.clone(),
        purpose: row.purpose.clone(),
        access: row.access.clone(),
        resource: row.resource.clone(),
        patient_ref: row.patient_ref.clone(),
        patient_key: row.patient_key.as_deref().map(chain::hex),
        protected: row.protected,
        request_id: row.request_id.clone(),
        context_id: row.context_id.clone(),
        outcome: row.outcome.clone(),
        http_status: row.http_status.and_then(|s| u16::try_from(s).ok()),
        nll_code: row.nll_code.clone(),
        field_key: row.field_key.clone(),
        mode: row.mode.clone(),
        printer: row.printer.clone(),
        pages: row.pages.and_then(|n| u32::try_from(n).ok()),
        copies: row.copies.and_then(|n| u32::try_from(n).ok()),
        masked: row.masked,
        detail: row.detail.clone(),
    };
    let local = LogEntry {
        id: row.seq,
        uuid: row.id.to_string(),
        time: row.time.to_rfc3339_opts(SecondsFormat::Millis, true),
        gln: row.gln.clone(),
        workstation: row.workstation.clone(),
        app_version: row.app_version.clone(),
        entry,
        prev_hash: chain::hex(row.prev_hash.as_deref()?),
        hash: String::new(),
    };
    chain::from_hex(&chain::row_hash(&local))
}

/// Whether the row's fields still give its hash (the counter's hash chain, recomputed here).
pub fn hash_holds(row: &CentralRow) -> bool {
    local_hash(row).is_some_and(|h| h == row.hash)
}

#[cfg(test)]
mod tests {
    use super::*;
    use nll_client::AccessLog;

    #[test]
    fn a_local_row_maps_to_a_central_row_whose_hash_holds_and_any_change_breaks_it() {
        let log = AccessLog::in_memory().unwrap();
        log.set_origin(Some("7350012345013".into()), Some("kassa-1".into()));
        let e = NewEntry::logout(
            nll_client::Actor {
                user: "SE2321000016-F001",
                role: "FARMACEUT",
            },
            nll_client::Mode::Training,
        );
        log.append(&e).unwrap();
        log.append(&e).unwrap();
        let rows = log.query(&Default::default()).unwrap();
        let central: Vec<CentralRow> = rows.iter().map(|r| from_local(r).unwrap()).collect();
        assert_eq!(central[1].prev_hash.as_ref(), Some(&central[0].hash));
        assert_eq!(central[0].workstation, "kassa-1");
        assert_eq!(central[0].id.to_string(), rows[0].uuid);
        for r in &central {
            assert!(hash_holds(r), "{r:?}");
        }
        let mut changed = central[1].clone();
        changed.user_id = "SE2321000016-F002".into();
        assert!(!hash_holds(&changed));
        let mut moved = central[1].clone();
        moved.time += chrono::Duration::milliseconds(1);
        assert!(!hash_holds(&moved));
    }
}
