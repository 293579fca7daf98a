//! Forwarding a counter's local log to the central log on a real PostgreSQL: exactly once
//! across a database crash in the middle of a batch and a lost acknowledgement, two counters at
//! once, and verification naming rows missing centrally.

use std::path::PathBuf;

use nll_client::access_log::NewEntry;
use nll_client::{AccessLog, Actor, Why};
use review::push::{self, progress_path, Pushed};
use review::schema::COUNTER_ROLE;
use review::testdb::{OwnCluster, TestPg};
use review::verify::{verify, Problem};

fn temp_log() -> PathBuf {
    std::env::temp_dir()
        .join(format!("receptdisk-push-{}", uuid::Uuid::new_v4()))
        .join("access-log.sqlite")
}

/// Row `n`: a Patient request, every fiftieth a refusal; every third about a patient with a
/// keyed hash (the central store keeps it, and the chain still verifies).
fn entry(n: usize) -> NewEntry {
    let who = Actor {
        user: "SE2321000016-F001",
        role: "FARMACEUT",
    };
    let why = Why {
        flow: "expediering",
        purpose: "EXPEDIERING",
        access: "UTAN_KRAV_SAMTYCKE",
    };
    let context = format!("c{n}");
    let row = if n % 50 == 7 {
        NewEntry::denial(who, why, &context, "consent-required")
    } else {
        NewEntry::request(who, why, &context, "patient", &format!("r{n}"), "ok")
            .answer(Some(200), None)
    };
    let key = n.is_multiple_of(3).then(|| format!("{n:064x}"));
    row.patient(Some(format!("pat-{n}")), Some(false))
        .patient_key(key)
}

fn fill(log: &AccessLog, from: usize, to: usize) {
    for n in from..to {
        log.append(&entry(n)).unwrap();
    }
}

/// A counter's log at `path`, its rows written as workstation `ws` of one pharmacy.
fn counter_log(path: &std::path::Path, ws: &str) -> AccessLog {
    let log = AccessLog::open(path).unwrap();
    log.set_origin(Some("7350012345013".into()), Some(ws.into()));
    log
}

async fn central_count(pg: &TestPg, db: &str) -> (i64, i64, i64) {
    let c = pg.connect_admin(db).await;
    let r = c
        .query_one(
            "SELECT count(*), count(DISTINCT id), coalesce(max(seq), 0) FROM access_log",
            &[],
        )
        .await
        .unwrap();
    (r.get(0), r.get(1), r.get(2))
}

#[tokio::test]
async fn every_row_arrives_once_across_a_crash_mid_batch_and_a_lost_acknowledgement() {
    let cluster = OwnCluster::start();
    let pg = cluster.pg.clone();
    let (name, owner) = pg.fresh_schema("crash").await;
    let (login, pw) = pg.new_login(&owner, "kassa", COUNTER_ROLE).await;
    let (cfg, secrets) = pg.login(&name, &login, &pw);
    let path = temp_log();
    let log = counter_log(&path, "kassa-1");
    fill(&log, 0, 600);

    let first = push::push_to(&log, &cfg, &secrets).await.unwrap();
    assert_eq!((first.sent, first.new, first.acknowledged), (600, 600, 600));
    assert_eq!(first.batches, 6, "batch_size 100");

    // The counter keeps working while the database is away: more rows, locally.
    fill(&log, 600, 1200);
    // The owner holds the table, so the next batch's INSERT is in flight and waits …
    let mut holder = pg.connect_admin(&name).await;
    let hold = holder.transaction().await.unwrap();
    hold.batch_execute("LOCK TABLE access_log IN EXCLUSIVE MODE")
        .await
        .unwrap();
    let counter = review::connect(&cfg, &secrets).await.unwrap();
    let pushing = {
        let path = path.clone();
        tokio::spawn(async move {
            let log = AccessLog::open(&path).unwrap();
            push::push(&log, &counter, 100).await
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(
        !pushing.is_finished(),
        "the INSERT did not wait for the lock"
    );
    // … when the server crashes.
    cluster.crash();
    let failed = pushing.await.unwrap();
    assert!(failed.is_err(), "the push did not notice the crash");
    drop(hold);
    assert_eq!(push::acknowledged(&progress_path(&path)), 600);
    let waiting = push::status(&log).unwrap();
    assert_eq!(waiting.waiting, 600);
    assert!(waiting.oldest_waiting.is_some());

    cluster.restart();
    let second = push::push_to(&log, &cfg, &secrets).await.unwrap();
    assert_eq!(
        (second.sent, second.new, second.acknowledged),
        (600, 600, 1200)
    );
    assert_eq!(central_count(&pg, &name).await, (1200, 1200, 1200));

    // The acknowledgement lost (say, the counter crashed after the server committed): the rows
    // go again and the server skips every one.
    std::fs::write(progress_path(&path), "300\n").unwrap();
    let again = push::push_to(&log, &cfg, &secrets).await.unwrap();
    assert_eq!(
        again,
        Pushed {
            sent: 900,
            new: 0,
            batches: 9,
            acknowledged: 1200
        }
    );
    assert_eq!(central_count(&pg, &name).await, (1200, 1200, 1200));
    let st = push::status(&log).unwrap();
    assert_eq!((st.waiting, st.oldest_waiting), (0, None));
    let v = verify(&pg.connect_admin(&name).await).await.unwrap();
    assert!(v.problems.is_empty(), "{:?}", v.problems);
    assert_eq!((v.rows, v.workstations), (1200, 1));
    let _ = std::fs::remove_dir_all(path.parent().unwrap());
}

#[tokio::test]
async fn two_counters_push_at_once_and_verify_names_rows_missing_centrally() {
    let pg = TestPg::shared();
    let (name, owner) = pg.fresh_schema("two").await;
    let mut jobs = Vec::new();
    for ws in ["kassa-1", "kassa-2"] {
        let (login, pw) = pg.new_login(&owner, "kassa", COUNTER_ROLE).await;
        let (cfg, secrets) = pg.login(&name, &login, &pw);
        let path = temp_log();
        let log = counter_log(&path, ws);
        fill(&log, 0, 700);
        jobs.push(tokio::spawn(async move {
            let r = push::push_to(&log, &cfg, &secrets).await;
            let _ = std::fs::remove_dir_all(path.parent().unwrap());
            r
        }));
    }
    for j in jobs {
        let done = j.await.unwrap().unwrap();
        assert_eq!((done.sent, done.new), (700, 700));
    }
    assert_eq!(central_count(&pg, &name).await.0, 1400);
    let v = verify(&owner).await.unwrap();
    assert_eq!((v.rows, v.workstations), (1400, 2));
    assert!(v.problems.is_empty(), "{:?}", v.problems);

    // Rows removed centrally (past the trigger, as only an owner could) are named.
    owner
        .batch_execute(
            "ALTER TABLE access_log DISABLE TRIGGER access_log_append_only;
             DELETE FROM access_log WHERE workstation = 'kassa-2' AND seq IN (5, 6, 300);
             ALTER TABLE access_log ENABLE TRIGGER access_log_append_only;",
        )
        .await
        .unwrap();
    let v = verify(&owner).await.unwrap();
    let gln = Some("7350012345013".to_string());
    assert_eq!(
        v.problems,
        vec![
            Problem::Missing {
                gln: gln.clone(),
                workstation: "kassa-2".into(),
                from: 5,
                to: 6
            },
            Problem::Missing {
                gln,
                workstation: "kassa-2".into(),
                from: 300,
                to: 300
            },
        ]
    );
    assert!(v.problems[0].to_string().contains("rad 5–6 saknas"));

    // A row changed centrally no longer gives the hash its counter wrote: named as changed.
    owner
        .batch_execute(
            "ALTER TABLE access_log DISABLE TRIGGER access_log_append_only;
             UPDATE access_log SET user_id = 'SE2321000016-F002'
              WHERE workstation = 'kassa-1' AND seq = 42;
             ALTER TABLE access_log ENABLE TRIGGER access_log_append_only;",
        )
        .await
        .unwrap();
    let v = verify(&owner).await.unwrap();
    let changed: Vec<_> = v
        .problems
        .iter()
        .filter(|p| matches!(p, Problem::Changed { workstation, seq: 42, .. } if workstation == "kassa-1"))
        .collect();
    assert_eq!(changed.len(), 1, "{:?}", v.problems);
    assert_eq!(v.problems.len(), 3, "{:?}", v.problems);
}
