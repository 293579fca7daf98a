//! `nllc review init-db`, `nllc log push` / `status`, `nllc review verify` and the review itself,
//! as a chain runs them: the built binary, a real PostgreSQL (RECEPTDISK_TEST_PG) and the real
//! OS keyring for the passwords.

use std::path::Path;
use std::process::{Command, Output};

use nll_client::access_log::NewEntry;
use nll_client::{AccessLog, Actor, KeyringStore, Why};
use review::schema::{COUNTER_ROLE, REVIEWER_ROLE};
use review::testdb::TestPg;

fn nllc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nllc"))
        .args(args)
        .output()
        .expect("run nllc")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn database(port: u16, db: &str, user: &str, account: &str) -> String {
    format!(
        "host = \"127.0.0.1\"\nport = {port}\ndbname = \"{db}\"\nuser = \"{user}\"\npassword_keyring = \"{account}\"\n"
    )
}

/// The chain's patient key, the user, and the staff list's colleague and the user themselves.
const CHAIN_SECRET: &str = "kedjans-testnyckel-minst-32-byte-lang";
const USER: &str = "SE2321000016-F001";
const COLLEAGUE_PNR: &str = "19900101-2380";
const OWN_PNR: &str = "19680415-2384";

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
}

#[tokio::test]
async fn a_chain_sets_up_the_central_log_counters_push_and_the_reviewer_reports() {
    let pg = TestPg::shared();
    let dir = std::env::temp_dir().join(format!("nllc-review-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let tag = uuid::Uuid::new_v4().simple().to_string();
    let account = |who: &str| format!("test-{who}-{tag}");
    let keyring = KeyringStore;
    let name = pg.fresh_db("cli").await;

    // The owner creates the schema.
    keyring.set(&account("owner"), &pg.password).unwrap();
    let owner_cfg = dir.join("owner.toml");
    write(
        &owner_cfg,
        &format!(
            "[database]\n{}",
            database(pg.port, &name, &pg.user, &account("owner"))
        ),
    );
    let o = nllc(&["review", "init-db", "--config", owner_cfg.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("Migreringar körda: [1]"), "{}", text(&o));
    let o = nllc(&["review", "init-db", "--config", owner_cfg.to_str().unwrap()]);
    assert!(text(&o).contains("redan version 1"), "{}", text(&o));

    let owner = pg.connect_admin(&name).await;
    let (counter, cpw) = pg.new_login(&owner, "kassa", COUNTER_ROLE).await;
    let (reviewer, rpw) = pg.new_login(&owner, "granskare", REVIEWER_ROLE).await;
    keyring.set(&account("counter"), &cpw).unwrap();
    keyring.set(&account("reviewer"), &rpw).unwrap();

    // A counter with 30 rows in its log; with the chain's key, row 5 is a lookup of a colleague
    // and row 6 one of the user themselves (their keyed hashes, never their numbers).
    let chain_key =
        nll_client::access_log::patient_key::ChainKey::new(CHAIN_SECRET.as_bytes()).unwrap();
    let log_path = dir.join("access.sqlite");
    let log = AccessLog::open(&log_path).unwrap();
    let who = Actor {
        user: USER,
        role: "FARMACEUT",
    };
    let why = Why {
        flow: "expediering",
        purpose: "EXPEDIERING",
        access: "UTAN_KRAV_SAMTYCKE",
    };
    for n in 0..30 {
        let key = match n {
            5 => Some(chain_key.patient_key_hex(COLLEAGUE_PNR)),
            6 => Some(chain_key.patient_key_hex(OWN_PNR)),
            // A row from before the counter had the key: the review says it could not check it.
            29 => None,
            _ => Some(chain_key.patient_key_hex(&format!("19121212{:04}", n))),
        };
        let row = NewEntry::request(
            who,
            why,
            &format!("c{n}"),
            "patient",
            &format!("r{n}"),
            "ok",
        )
        .answer(Some(200), None)
        .patient(Some(format!("pat-{n}")), Some(n == 3))
        .patient_key(key);
        log.append(&row).unwrap();
    }
    drop(log);
    let client = |port: u16| {
        format!(
            "base_url = \"https://nll.example.se/fhir\"\n\
             [token]\nsource = \"static\"\ntoken = \"t\"\n\
             [org]\norg_namn = \"Apoteksbolaget\"\norgenhets_id = \"7350012345013\"\n\
             orgenhets_namn = \"Apoteket Kronan\"\norgenhets_ort = \"Malmö\"\n\
             [access_log]\npath = \"access.sqlite\"\n[access_log.central]\n{}batch_size = 7\n",
            database(port, &name, &counter, &account("counter"))
        )
    };
    let counter_cfg = dir.join("kassa.toml");
    let cfg = counter_cfg.to_str().unwrap();

    // The database out of reach: the push says so, nothing is lost, the rows wait.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    write(&counter_cfg, &client(closed));
    let o = nllc(&["log", "push", "--config", cfg]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("väntar kvar lokalt"), "{}", text(&o));
    let o = nllc(&["log", "status", "--config", cfg]);
    assert!(text(&o).contains("30 rader väntar"), "{}", text(&o));

    write(&counter_cfg, &client(pg.port));
    let o = nllc(&["log", "push", "--config", cfg]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("30 rader skickade i 5 omgångar (30 nya"),
        "{}",
        text(&o)
    );
    let o = nllc(&["log", "status", "--config", cfg]);
    assert!(
        text(&o).contains("rad 30 av den här loggen; 0 rader väntar"),
        "{}",
        text(&o)
    );

    // The reviewer verifies and reviews.
    let review_cfg = dir.join("granskning.toml");
    let staff = dir.join("personal.csv");
    write(
        &staff,
        &format!("personnummer;hsa-id\n{COLLEAGUE_PNR};SE2321000016-F002\n{OWN_PNR};{USER}\n"),
    );
    keyring.set(&account("chain"), CHAIN_SECRET).unwrap();
    write(
        &review_cfg,
        &format!(
            "staff_list = \"{}\"\nchain_key_keyring = \"{}\"\n[database]\n{}\n[sample]\nper_user = 2\n",
            staff.display(),
            account("chain"),
            database(pg.port, &name, &reviewer, &account("reviewer"))
        ),
    );
    let rc = review_cfg.to_str().unwrap();
    let o = nllc(&["review", "verify", "--config", rc]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("30 rader från 1 arbetsstationer"),
        "{}",
        text(&o)
    );
    let today = chrono::Local::now().date_naive();
    let (from, through) = (
        (today - chrono::Duration::days(1)).to_string(),
        (today + chrono::Duration::days(1)).to_string(),
    );
    let out = dir.join("rapport.html");
    let csv = dir.join("fynd.csv");
    let o = nllc(&[
        "review",
        "--config",
        rc,
        "--from",
        &from,
        "--through",
        &through,
        "--out",
        out.to_str().unwrap(),
        "--csv",
        csv.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    // The rows' time is now, so "outside opening hours" may be found as well: not asserted.
    assert!(
        text(&o).contains("30 loggrader, 30 slagningar"),
        "{}",
        text(&o)
    );
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.contains("Åtkomst till patient med skyddade personuppgifter"));
    // The colleague and the user themselves, found by their keyed hashes alone.
    assert!(html.contains("Slagning på en kollega"), "{html}");
    assert!(html.contains("Slagning på sig själv"), "{html}");
    assert!(!html.contains("19900101") && !html.contains("199001012380"));
    assert!(
        text(&o).contains("kollega kördes inte helt: inte på 1 rader"),
        "{}",
        text(&o)
    );
    assert!(std::fs::read_to_string(&csv)
        .unwrap()
        .contains("skyddad_patient"));
    // The reviewer may not write.
    let o = nllc(&["review", "init-db", "--config", rc]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));

    for who in ["owner", "counter", "reviewer", "chain"] {
        keyring.delete(&account(who)).unwrap();
    }
    let _ = std::fs::remove_dir_all(&dir);
}
