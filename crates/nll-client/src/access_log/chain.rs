//! The hash chain that makes the log tamper-evident.
//!
//! Each row's `hash` is SHA-256 (lower-case hex) over a canonical encoding of its fields and
//! the previous row's hash (`prev_hash`; the first row's is 64 zeros). The encoding starts with
//! the line `receptdisk-access-log/2\n`, then every field below in this order, each as one byte
//! `0` (no value) or one byte `1`, the UTF-8 length as a 4-byte big-endian number, and the
//! UTF-8 bytes. Numbers are written in decimal, yes/no as `1`/`0`:
//!
//! `prev_hash, uuid, time, gln, workstation, app_version, kind, user, role, flow, purpose,
//! access, resource, patient_ref, protected, request_id, context_id, outcome, http_status,
//! nll_code, field_key, mode, printer, pages, copies, masked, detail`
//!
//! and then, only on a row that has one, `patient_key` (the patient's keyed hash, hex; schema
//! version 3). A row without it encodes exactly as in version 2, so the hashes of rows written
//! before the upgrade still hold.
//!
//! The row's integer `id` is not hashed: the chain's order is the ids' order, and a row moved
//! breaks the link to its neighbour.
//!
//! What a chain alone cannot prove: someone who knows this scheme can rewrite the rows and
//! compute every hash again, and rows cut from the end leave no gap. The anchor for both is a
//! copy of the last hash kept elsewhere (`nllc log verify --print-head`, the central store).

use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::LogEntry;

/// The `prev_hash` of a log's first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

const TAG: &[u8] = b"receptdisk-access-log/2\n";

fn field(out: &mut Vec<u8>, v: Option<&str>) {
    match v {
        None => out.push(0),
        Some(s) => {
            out.push(1);
            out.extend_from_slice(&(s.len() as u32).to_be_bytes());
            out.extend_from_slice(s.as_bytes());
        }
    }
}

/// The bytes the row's hash is computed over.
pub fn canonical(row: &LogEntry) -> Vec<u8> {
    let e = &row.entry;
    let num = |n: Option<u32>| n.map(|n| n.to_string());
    let yes_no = |b: Option<bool>| b.map(|b| if b { "1" } else { "0" }.to_string());
    let fields: [Option<String>; 27] = [
        Some(row.prev_hash.clone()),
        Some(row.uuid.clone()),
        Some(row.time.clone()),
        row.gln.clone(),
        Some(row.workstation.clone()),
        row.app_version.clone(),
        Some(e.kind.as_str().to_string()),
        Some(e.user.clone()),
        Some(e.role.clone()),
        Some(e.flow.clone()),
        Some(e.purpose.clone()),
        Some(e.access.clone()),
        e.resource.clone(),
        e.patient_ref.clone(),
        yes_no(e.protected),
        e.request_id.clone(),
        Some(e.context_id.clone()),
        Some(e.outcome.clone()),
        num(e.http_status.map(u32::from)),
        e.nll_code.clone(),
        e.field_key.clone(),
        e.mode.clone(),
        e.printer.clone(),
        num(e.pages),
        num(e.copies),
        yes_no(e.masked),
        e.detail.clone(),
    ];
    let mut out = TAG.to_vec();
    for f in &fields {
        field(&mut out, f.as_deref());
    }
    if let Some(k) = &e.patient_key {
        field(&mut out, Some(k));
    }
    out
}

/// SHA-256 of the canonical encoding, lower-case hex.
pub fn row_hash(row: &LogEntry) -> String {
    hex(&Sha256::digest(canonical(row)))
}

/// Lower-case hex: how the log writes hashes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The bytes of lower-case or upper-case hex; `None` for anything else.
pub fn from_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// A UUID v7 for a row of an older log, from its RFC 3339 time (so ids still sort by time).
pub fn uuid_at(rfc3339: &str) -> Uuid {
    let t = chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| t.timestamp_millis().max(0) as u64)
        .unwrap_or(0);
    Uuid::new_v7(uuid::Timestamp::from_unix(
        uuid::NoContext,
        t / 1000,
        ((t % 1000) * 1_000_000) as u32,
    ))
}

/// Where the chain first breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Break {
    /// The row's fields no longer give its hash: changed (or added by hand) after it was
    /// written.
    Changed { id: i64, uuid: String },
    /// Rows between these two are missing (`after` is `None` when the first rows are).
    Removed { after: Option<i64>, before: i64 },
    /// The row's predecessor in the chain is elsewhere in the log: rows were moved.
    Reordered { id: i64, uuid: String },
    /// The row is not linked to any row of the log: inserted.
    Inserted { id: i64, uuid: String },
}

impl Break {
    /// One Swedish sentence naming the row, for `nllc log verify`, *Logg* and the header.
    pub fn message(&self) -> String {
        match self {
            Break::Changed { id, uuid } => format!(
                "rad {id} ({uuid}) stämmer inte med sin kontrollsumma – den har ändrats efter att den skrevs"
            ),
            Break::Removed { after: Some(a), before } => {
                format!("rader saknas mellan rad {a} och rad {before} – de har tagits bort")
            }
            Break::Removed { after: None, before } => {
                format!("rader saknas före rad {before} – loggens början har tagits bort")
            }
            Break::Reordered { id, uuid } => format!(
                "rad {id} ({uuid}) står på fel plats i kedjan – rader har flyttats"
            ),
            Break::Inserted { id, uuid } => format!(
                "rad {id} ({uuid}) hör inte till kedjan – den har lagts till i efterhand"
            ),
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            Break::Changed { id, uuid } => format!(
                "row {id} ({uuid}) does not match its hash – it was changed after it was written"
            ),
            Break::Removed {
                after: Some(a),
                before,
            } => {
                format!("rows are missing between row {a} and row {before} – they were removed")
            }
            Break::Removed {
                after: None,
                before,
            } => {
                format!("rows are missing before row {before} – the start of the log was removed")
            }
            Break::Reordered { id, uuid } => {
                format!("row {id} ({uuid}) is out of place in the chain – rows were moved")
            }
            Break::Inserted { id, uuid } => {
                format!("row {id} ({uuid}) is not linked into the chain – it was added afterwards")
            }
        }
    }
}

/// The result of walking the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// Rows walked.
    pub rows: u64,
    /// The last row's id and hash (the log's head), when there is a row.
    pub head: Option<(i64, String)>,
    /// The first break, if any.
    pub broken: Option<Break>,
}

/// One row as the walk reads it: the row, or `None` when its stored values cannot be read as
/// a row (an unknown kind, a number out of range) — a change as well.
pub struct Walked {
    pub id: i64,
    pub uuid: String,
    pub prev_hash: String,
    pub hash: String,
    pub row: Option<LogEntry>,
}

/// Walks rows in id order. `find_hash` answers which row (id) has a given hash, asked only
/// once a link is broken, to tell a moved row from an inserted one.
pub fn walk(
    rows: impl Iterator<Item = Walked>,
    find_hash: impl Fn(&str) -> Option<i64>,
) -> Verification {
    let mut v = Verification {
        rows: 0,
        head: None,
        broken: None,
    };
    let mut prev: Option<(i64, String)> = None;
    for w in rows {
        v.rows += 1;
        let intact = w.row.as_ref().is_some_and(|r| row_hash(r) == w.hash);
        if !intact {
            v.broken = Some(Break::Changed {
                id: w.id,
                uuid: w.uuid,
            });
            return v;
        }
        let expected = prev.as_ref().map_or(GENESIS, |(_, h)| h.as_str());
        if w.prev_hash != expected {
            let prev_id = prev.as_ref().map(|(id, _)| *id);
            v.broken = Some(if find_hash(&w.prev_hash).is_some() {
                Break::Reordered {
                    id: w.id,
                    uuid: w.uuid,
                }
            } else if w.id > prev_id.unwrap_or(0) + 1 {
                Break::Removed {
                    after: prev_id,
                    before: w.id,
                }
            } else {
                Break::Inserted {
                    id: w.id,
                    uuid: w.uuid,
                }
            });
            return v;
        }
        prev = Some((w.id, w.hash));
    }
    v.head = prev;
    v
}
