//! `nllc log` and `nllc log verify` on a log tampered with as anyone with the file could: the
//! `sqlite3` shell (Debian package `sqlite3`, installed by scripts/setup.sh) drops the triggers
//! and edits, deletes or swaps rows, and the file's bytes are damaged. Each is detected and the
//! first row concerned is named.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use nll_client::{AccessLog, Actor, LogFilter, Mode, NewEntry, PrintOutcome, Printout, Why};

const WHO: Actor<'static> = Actor {
    user: "SE5565594230-F001",
    role: "FARMACEUT",
};
const WHY: Why<'static> = Why {
    flow: "expediering",
    purpose: "EXPEDIERING",
    access: "UTAN_KRAV_SAMTYCKE",
};

/// A log of five rows of different kinds, written at workstation `disk-3`.
fn log_of_five() -> PathBuf {
    let path = std::env::temp_dir()
        .join(format!("nllc-log-test-{}", uuid::Uuid::new_v4()))
        .join("access.sqlite");
    let log = AccessLog::open(&path).unwrap();
    log.set_origin(Some("7350045511119".into()), Some("disk-3".into()));
    let rows = [
        NewEntry::login(WHO, Mode::Live, "ok"),
        NewEntry::request(WHO, WHY, "c1", "patient", "r1", "ok")
            .patient(Some("p1".into()), Some(false)),
        NewEntry::request(WHO, WHY, "c1", "list-info", "r2", "ok")
            .patient(Some("p1".into()), Some(false)),
        NewEntry::printout(
            WHO,
            WHY,
            "c1",
            &Printout {
                kind: "uthamtade",
                pages: 2,
                copies: 1,
                printer: Some("PDF"),
                masked: false,
                outcome: PrintOutcome::Printed,
            },
        ),
        NewEntry::logout(WHO, Mode::Live),
    ];
    for r in &rows {
        log.append(r).unwrap();
    }
    path
}

fn nllc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nllc"))
        .args(args)
        .output()
        .expect("run nllc")
}

fn verify(path: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["log", "verify", "--access-log", path.to_str().unwrap()];
    args.extend(extra);
    nllc(&args)
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Runs SQL on the file with the `sqlite3` shell, the triggers dropped first.
fn sqlite3(path: &Path, sql: &str) {
    let o = Command::new("sqlite3")
        .arg(path)
        .arg(format!(
            "DROP TRIGGER access_log_no_update; DROP TRIGGER access_log_no_delete; {sql}"
        ))
        .output()
        .expect("the sqlite3 shell (apt package sqlite3; scripts/setup.sh installs it)");
    assert!(o.status.success(), "sqlite3: {}", err(&o));
}

fn cleanup(path: &Path) {
    let _ = std::fs::remove_dir_all(path.parent().unwrap());
}

#[test]
fn an_intact_log_verifies_and_prints_its_head() {
    let path = log_of_five();
    let o = verify(&path, &["--print-head"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(err(&o).contains("Kedjan är hel: 5 rader"), "{}", err(&o));
    let last = AccessLog::open(&path)
        .unwrap()
        .query(&LogFilter::default())
        .unwrap()
        .pop()
        .unwrap();
    assert_eq!(out(&o).trim(), last.hash);
    cleanup(&path);
}

#[test]
fn a_row_edited_with_sqlite3_is_named() {
    let path = log_of_five();
    sqlite3(
        &path,
        "UPDATE access_log SET patient_ref = 'p2' WHERE id = 3;",
    );
    let o = verify(&path, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("rad 3 ("), "{}", err(&o));
    assert!(err(&o).contains("har ändrats"), "{}", err(&o));
    cleanup(&path);
}

#[test]
fn a_row_deleted_from_the_middle_is_named() {
    let path = log_of_five();
    sqlite3(&path, "DELETE FROM access_log WHERE id = 3;");
    let o = verify(&path, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err(&o).contains("rader saknas mellan rad 2 och rad 4"),
        "{}",
        err(&o)
    );
    cleanup(&path);
}

#[test]
fn two_rows_swapped_are_named() {
    let path = log_of_five();
    sqlite3(
        &path,
        "UPDATE access_log SET id = -1 WHERE id = 2;
         UPDATE access_log SET id = 2 WHERE id = 3;
         UPDATE access_log SET id = 3 WHERE id = -1;",
    );
    let o = verify(&path, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("rad 2 ("), "{}", err(&o));
    assert!(err(&o).contains("fel plats"), "{}", err(&o));
    cleanup(&path);
}

#[test]
fn a_row_inserted_with_sqlite3_is_named() {
    let path = log_of_five();
    // A copy of row 2 under a new id at the end, its own fields and hash untouched.
    sqlite3(
        &path,
        "INSERT INTO access_log (uuid, time, gln, workstation, app_version, kind, user, role,
             flow, purpose, access, resource, patient_ref, protected, request_id, context_id,
             outcome, http_status, nll_code, field_key, mode, printer, pages, copies, masked,
             detail, prev_hash, hash)
         SELECT uuid || '-kopia', time, gln, workstation, app_version, kind, user, role, flow,
             purpose, access, resource, patient_ref, protected, request_id, context_id, outcome,
             http_status, nll_code, field_key, mode, printer, pages, copies, masked, detail,
             prev_hash, hash
         FROM access_log WHERE id = 2;",
    );
    let o = verify(&path, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("rad 6 ("), "{}", err(&o));
    cleanup(&path);
}

#[test]
fn a_damaged_file_fails_verification() {
    // The header overwritten: SQLite no longer reads the file.
    let path = log_of_five();
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[..16].copy_from_slice(b"not a database!!");
    std::fs::write(&path, &bytes).unwrap();
    let o = verify(&path, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("skadad"), "{}", err(&o));
    cleanup(&path);

    // One byte of a row's text changed in place: SQLite reads it, the chain does not.
    let path = log_of_five();
    let mut bytes = std::fs::read(&path).unwrap();
    let at = bytes
        .windows(9)
        .position(|w| w == b"uthamtade")
        .expect("the printout row's kind in the file");
    bytes[at] = b'U';
    std::fs::write(&path, &bytes).unwrap();
    let o = verify(&path, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("rad 4 ("), "{}", err(&o));
    cleanup(&path);
}

#[test]
fn filters_by_kind_user_and_workstation() {
    let path = log_of_five();
    let log = |extra: &[&str]| {
        let mut args = vec!["log", "--access-log", path.to_str().unwrap()];
        args.extend(extra);
        let o = nllc(&args);
        assert_eq!(o.status.code(), Some(0), "{}", err(&o));
        out(&o)
    };
    let all = log(&[]);
    for word in ["inloggning", "anrop", "utskrift", "utloggning", "disk-3"] {
        assert!(all.contains(word), "{word}: {all}");
    }
    assert!(all.contains("uthamtade 2 s × 1, PDF"), "{all}");
    assert!(log(&["--kind", "printout"]).ends_with("1 rader\n"));
    assert!(log(&["--kind", "utskrift"]).ends_with("1 rader\n"));
    assert!(log(&["--kind", "request"]).ends_with("2 rader\n"));
    assert!(log(&["--user", "SE5565594230-F001"]).ends_with("5 rader\n"));
    assert!(log(&["--user", "SE5565594230-F002"]).ends_with("0 rader\n"));
    assert!(log(&["--workstation", "disk-3"]).ends_with("5 rader\n"));
    assert!(log(&["--workstation", "disk-4"]).ends_with("0 rader\n"));
    let o = nllc(&["log", "--access-log", path.to_str().unwrap(), "--kind", "x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("okänd radtyp"), "{}", err(&o));

    // An export is a row itself, named by the computer account; the chain still holds.
    let csv = log(&["--csv", "--kind", "login"]);
    assert_eq!(csv.lines().count(), 2, "{csv}");
    let exports = log(&["--kind", "export"]);
    assert!(exports.contains("konto:"), "{exports}");
    assert!(exports.contains("csv 1 rader; typ login"), "{exports}");
    assert_eq!(verify(&path, &[]).status.code(), Some(0));
    cleanup(&path);
}

#[test]
fn a_log_from_a_newer_version_is_read_and_never_written() {
    let path = log_of_five();
    let o = Command::new("sqlite3")
        .arg(&path)
        .arg("PRAGMA user_version = 99;")
        .output()
        .expect("sqlite3");
    assert!(o.status.success());
    let before = std::fs::read(&path).unwrap();
    let o = nllc(&["log", "--access-log", path.to_str().unwrap(), "--csv"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(
        err(&o).contains("nyare version av Receptdisk"),
        "{}",
        err(&o)
    );
    assert_eq!(out(&o).lines().count(), 1 + 5);
    assert_eq!(verify(&path, &[]).status.code(), Some(0));
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the file is untouched"
    );
    cleanup(&path);
}
