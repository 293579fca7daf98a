//! Central verification: every workstation's rows, in the order of their numbers, must carry
//! the hash their fields give and point to the row before. A row missing, changed or moved in
//! transit or in the database is named.

use std::fmt;

use futures_util::{pin_mut, TryStreamExt};
use tokio_postgres::Client;
use uuid::Uuid;

use crate::row::{CentralRow, COLUMNS};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The row's fields no longer give its hash: it was changed after the counter wrote it.
    Changed {
        gln: Option<String>,
        workstation: String,
        seq: i64,
        id: Uuid,
    },
    /// Rows `from..=to` of the workstation's log are not in the central log.
    Missing {
        gln: Option<String>,
        workstation: String,
        from: i64,
        to: i64,
    },
    /// The row does not point to the row before it (moved, or one before it replaced).
    Unlinked {
        gln: Option<String>,
        workstation: String,
        seq: i64,
        id: Uuid,
    },
    /// Two rows with one number.
    Twice {
        gln: Option<String>,
        workstation: String,
        seq: i64,
        id: Uuid,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let place = |g: &Option<String>, w: &str| {
            format!(
                "apotek {} arbetsstation {w}",
                g.as_deref().unwrap_or("(utan GLN)")
            )
        };
        match self {
            Problem::Changed {
                gln,
                workstation,
                seq,
                id,
            } => write!(
                f,
                "{}: rad {seq} ({id}) är ändrad – dess hash stämmer inte med innehållet",
                place(gln, workstation)
            ),
            Problem::Missing {
                gln,
                workstation,
                from,
                to,
            } if from == to => write!(
                f,
                "{}: rad {from} saknas i kedjans logg",
                place(gln, workstation)
            ),
            Problem::Missing {
                gln,
                workstation,
                from,
                to,
            } => write!(
                f,
                "{}: rad {from}–{to} saknas i kedjans logg",
                place(gln, workstation)
            ),
            Problem::Unlinked {
                gln,
                workstation,
                seq,
                id,
            } => write!(
                f,
                "{}: rad {seq} ({id}) pekar inte på raden före (flyttad eller föregående ersatt)",
                place(gln, workstation)
            ),
            Problem::Twice {
                gln,
                workstation,
                seq,
                id,
            } => write!(
                f,
                "{}: radnummer {seq} finns två gånger ({id})",
                place(gln, workstation)
            ),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Verification {
    pub rows: u64,
    pub workstations: u64,
    pub problems: Vec<Problem>,
}

/// Walks the whole central log, one workstation at a time, streaming (memory stays flat).
pub async fn verify(db: &Client) -> anyhow::Result<Verification> {
    let sql = format!("SELECT {COLUMNS} FROM access_log ORDER BY gln, workstation, seq");
    let stream = db.query_raw(&sql, std::iter::empty::<i32>()).await?;
    pin_mut!(stream);
    let mut v = Verification::default();
    let mut prev: Option<CentralRow> = None;
    while let Some(r) = stream.try_next().await? {
        let row = CentralRow::from_row(&r);
        v.rows += 1;
        let same_ws = prev
            .as_ref()
            .is_some_and(|p| p.gln == row.gln && p.workstation == row.workstation);
        if !same_ws {
            v.workstations += 1;
        }
        let (gln, workstation, seq, id) =
            (row.gln.clone(), row.workstation.clone(), row.seq, row.id);
        if !crate::row::hash_holds(&row) {
            v.problems.push(Problem::Changed {
                gln: gln.clone(),
                workstation: workstation.clone(),
                seq,
                id,
            });
        }
        let before = if same_ws { prev.as_ref() } else { None };
        match before {
            None if seq > 1 => v.problems.push(Problem::Missing {
                gln,
                workstation,
                from: 1,
                to: seq - 1,
            }),
            None => {
                if row
                    .prev_hash
                    .as_deref()
                    .is_some_and(|h| h.iter().any(|b| *b != 0))
                {
                    v.problems.push(Problem::Unlinked {
                        gln,
                        workstation,
                        seq,
                        id,
                    });
                }
            }
            Some(p) if p.seq == seq => v.problems.push(Problem::Twice {
                gln,
                workstation,
                seq,
                id,
            }),
            Some(p) if seq > p.seq + 1 => v.problems.push(Problem::Missing {
                gln,
                workstation,
                from: p.seq + 1,
                to: seq - 1,
            }),
            // A row of a log without a chain (no hash) has no link to check.
            Some(p) if !row.hash.is_empty() && row.prev_hash.as_ref() != Some(&p.hash) => {
                v.problems.push(Problem::Unlinked {
                    gln,
                    workstation,
                    seq,
                    id,
                })
            }
            Some(_) => {}
        }
        prev = Some(row);
    }
    Ok(v)
}
