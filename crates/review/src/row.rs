//! The central row, the one mapping from a counter's local row, and the one batch INSERT.

use chrono::{DateTime, Utc};
use nll_client::{EntryKind, LogEntry};
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

/// Where the counter's rows come from: its pharmacy, workstation and version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub gln: Option<String>,
    pub workstation: String,
    pub app_version: String,
}

/// The local log's version whose rows [`from_local`] maps.
pub const LOCAL_SCHEMA_VERSION: i32 = 1;

/// The one mapping from a counter's local row to a central row.
///
/// The local log of this version has neither UUIDs nor a hash chain: the row's UUID is derived
/// from its pharmacy, workstation and number (the same row always gets the same UUID, which is
/// what makes sending it twice harmless), and the hashes are left empty.
pub fn from_local(e: &LogEntry, origin: &Origin) -> anyhow::Result<CentralRow> {
    let time = DateTime::parse_from_rfc3339(&e.time)
        .map_err(|_| anyhow::anyhow!("rad {}: tiden {:?} går inte att läsa", e.id, e.time))?
        .with_timezone(&Utc);
    let mut h = ring::digest::Context::new(&ring::digest::SHA256);
    for part in [
        origin.gln.as_deref().unwrap_or(""),
        &origin.workstation,
        &e.id.to_string(),
    ] {
        h.update(part.as_bytes());
        h.update(&[0]);
    }
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&h.finish().as_ref()[..16]);
    let l = &e.entry;
    Ok(CentralRow {
        id: uuid::Builder::from_random_bytes(bytes).into_uuid(),
        time,
        gln: origin.gln.clone(),
        workstation: origin.workstation.clone(),
        seq: e.id,
        app_version: Some(origin.app_version.clone()),
        schema_version: LOCAL_SCHEMA_VERSION,
        kind: match l.kind {
            EntryKind::Request => "request",
            EntryKind::Denial => "denial",
            EntryKind::Reveal => "reveal",
        }
        .to_string(),
        user_id: l.user.clone(),
        role: l.role.clone(),
        flow: l.flow.clone(),
        purpose: l.purpose.clone(),
        access: l.access.clone(),
        resource: l.resource.clone(),
        patient_ref: l.patient_ref.clone(),
        patient_key: None,
        protected: l.protected,
        request_id: l.request_id.clone(),
        context_id: l.context_id.clone(),
        outcome: l.outcome.clone(),
        http_status: l.http_status.map(i32::from),
        nll_code: l.nll_code.clone(),
        field_key: l.field_key.clone(),
        mode: None,
        printer: None,
        pages: None,
        copies: None,
        masked: None,
        detail: None,
        prev_hash: None,
        hash: Vec::new(),
    })
}

/// Whether the row's fields still give its hash (the counter's hash chain, recomputed here).
/// A row of a local log without a chain (version 1) has no hash to check; linkage and numbering
/// are still checked by [`crate::verify`].
pub fn hash_holds(row: &CentralRow) -> bool {
    row.schema_version <= LOCAL_SCHEMA_VERSION
}
