//! `nllc fetch`, `nllc log` and `nllc bench-fetch` as a user runs them: the built binary against
//! the test server (`--sim`, or a plain-HTTP loopback server started here), its output and its
//! exit code. Each test keeps its logs in its own data folder (XDG_DATA_HOME).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const VUXEN: &str = "19680415-2384";
const SKYDDAD: &str = "19850923-4822";

fn data_dir() -> PathBuf {
    std::env::temp_dir().join(format!("nllc-fetch-test-{}", uuid::Uuid::new_v4()))
}

fn nllc(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nllc"))
        .args(args)
        .env("XDG_DATA_HOME", data)
        // No configuration of this computer's: the chain's file and the user's are absent.
        .env("XDG_CONFIG_HOME", data)
        .env("RECEPTDISK_MACHINE_CONFIG", data.join("no-machine.toml"))
        .env_remove("HTTPS_PROXY")
        .env_remove("https_proxy")
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .env_remove("ALL_PROXY")
        .output()
        .expect("run nllc")
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn sim_lookup_prints_banner_and_list_and_logs_it_for_training() {
    let data = data_dir();
    let o = nllc(
        &data,
        &[
            "fetch",
            "--sim",
            "--personnummer",
            VUXEN,
            "--flow",
            "expediering",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let s = out(&o);
    assert!(
        s.starts_with("Patient:   Karin Andersson  680415-2384"),
        "{s}"
    );
    assert!(s.contains("Ärende:    Expediering (EXPEDIERING / UTAN_KRAV_SAMTYCKE)"));
    assert!(s.contains("5 anrop, 2 i följd"), "{s}");
    assert!(s.contains("Aktuella recept ("));
    assert!(s.contains("Visar uppgifter registrerade de senaste 24 månaderna."));
    assert!(err(&o).contains("ÖVNINGSLÄGE"));

    // The training log has the five requests; the real log was not touched.
    let o = nllc(&data, &["log", "--training", "--csv"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let csv = out(&o);
    assert_eq!(csv.lines().count(), 1 + 5, "{csv}");
    assert!(!csv.contains("196804152384") && !csv.contains("Andersson"));
    assert!(!data.join("receptdisk/access-log.sqlite3").exists());
    let _ = std::fs::remove_dir_all(&data);
}

#[test]
fn protected_patient_is_masked_and_json_is_the_ui_shape() {
    let data = data_dir();
    let o = nllc(
        &data,
        &[
            "fetch",
            "--sim",
            "--personnummer",
            SKYDDAD,
            "--flow",
            "expediering",
            "--all",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let s = out(&o);
    assert!(s.contains("SKYDDADE PERSONUPPGIFTER"), "{s}");
    let values = skyddad_location_values();
    for v in &values {
        assert!(!s.contains(v.as_str()), "`{v}` printed:\n{s}");
    }

    let o = nllc(
        &data,
        &[
            "fetch",
            "--sim",
            "--personnummer",
            SKYDDAD,
            "--flow",
            "expediering",
            "--json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["list"]["masked"], true);
    assert_eq!(v["roundTrips"], 2);
    assert_eq!(v["context"]["purposeCode"], "EXPEDIERING");
    for v in &values {
        assert!(!out(&o).contains(v.as_str()), "`{v}` in the JSON");
    }

    let o = nllc(&data, &["log", "--training", "--protected-only"]);
    assert!(out(&o).ends_with("10 rader\n"), "{}", out(&o));
    let _ = std::fs::remove_dir_all(&data);
}

#[test]
fn refusals_exit_1_with_one_sentence() {
    let data = data_dir();
    let o = nllc(
        &data,
        &[
            "fetch",
            "--sim",
            "--personnummer",
            "19520719-2310",
            "--flow",
            "ombud",
            "--agent",
            "198002283466",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(err(&o)
        .contains("nllc: Ombudet har ingen aktiv fullmakt från patienten för apoteksärenden"));
    assert!(err(&o).contains("Felkod: policy-denied"));

    let o = nllc(
        &data,
        &[
            "fetch",
            "--sim",
            "--login",
            "apotekspersonal",
            "--personnummer",
            VUXEN,
            "--flow",
            "lakemedelsstod",
            "--consent",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("kräver rollen Farmaceut"), "{}", err(&o));

    let o = nllc(
        &data,
        &[
            "fetch",
            "--sim",
            "--personnummer",
            "19121212-1212",
            "--flow",
            "expediering",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("finns inte i Nationella läkemedelslistan"));

    let o = nllc(&data, &["log", "--training"]);
    assert!(
        out(&o).contains("denied: no-power-of-attorney"),
        "{}",
        out(&o)
    );
    assert!(out(&o).contains("denied: wrong-role"));
    let _ = std::fs::remove_dir_all(&data);
}

#[test]
fn usage_and_configuration_errors_exit_2() {
    let data = data_dir();
    let o = nllc(
        &data,
        &["fetch", "--personnummer", VUXEN, "--flow", "expediering"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    let o = nllc(
        &data,
        &["fetch", "--sim", "--personnummer", VUXEN, "--flow", "vård"],
    );
    assert_eq!(o.status.code(), Some(2));
    let o = nllc(
        &data,
        &[
            "fetch",
            "--sim",
            "--personnummer",
            "19680415-2385",
            "--flow",
            "expediering",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("Patientens personnummer"), "{}", err(&o));
    let o = nllc(
        &data,
        &[
            "fetch",
            "--base-url",
            "http://nll.example.se/fhir",
            "--token",
            "t",
            "--personnummer",
            VUXEN,
            "--flow",
            "expediering",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("okrypterad http"));
    let cfg = data.join("bad.toml");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(
        &cfg,
        "base_url = \"https://x/fhir\"\n[token]\nsource = \"static\"\ntokne = \"hemligt\"\n",
    )
    .unwrap();
    let o = nllc(
        &data,
        &[
            "fetch",
            "--config",
            cfg.to_str().unwrap(),
            "--personnummer",
            VUXEN,
            "--flow",
            "expediering",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("bad.toml, rad 4: token.tokne: unknown field `tokne`"),
        "{}",
        err(&o)
    );
    assert!(!err(&o).contains("hemligt"));
    let _ = std::fs::remove_dir_all(&data);
}

/// `--base-url --token` against a plain-HTTP test server on loopback, and exit 3 when it fails.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn base_url_and_token_and_server_failure_exit_3() {
    let sim = plain_http_sim().await;
    let base = sim.fhir_base();
    let token = sim.token_for("farmaceut");
    let data = data_dir();
    let log = data.join("log.sqlite");
    let run = |args: Vec<String>| {
        let data = data.clone();
        tokio::task::spawn_blocking(move || {
            let a: Vec<&str> = args.iter().map(String::as_str).collect();
            nllc(&data, &a)
        })
    };
    let args = |extra: &[&str]| {
        let mut v: Vec<String> = [
            "fetch",
            "--base-url",
            &base,
            "--token",
            &token,
            "--access-log",
            log.to_str().unwrap(),
            "--personnummer",
            VUXEN,
            "--flow",
            "expediering",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    let o = run(args(&[])).await.unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(out(&o).contains("Karin Andersson"));

    sim.add_fault(nll_sim::FaultSpec::new(nll_sim::FaultKind::Status {
        code: 503,
    }));
    let o = run(args(&[])).await.unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", err(&o));
    assert!(err(&o).contains("tekniskt fel"), "{}", err(&o));
    assert!(err(&o).contains("NLL-felkod: 2-25-503"));
    assert!(err(&o).contains("Referens (X-Request-ID): "));
    assert!(!err(&o).contains(&token));

    let o = run(args(&["--json"])).await.unwrap();
    assert_eq!(o.status.code(), Some(3));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["code"], "server-error");

    // The log: 5 + 3 + 3 rows; the CSV and the filters.
    let lg = |extra: &[&str]| {
        let mut v = vec![
            "log".to_string(),
            "--access-log".into(),
            log.to_str().unwrap().into(),
        ];
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    let o = run(lg(&["--csv"])).await.unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(out(&o).lines().count(), 1 + 11, "{}", out(&o));
    assert_eq!(out(&o).matches(",http 503,").count(), 6);
    let o = run(lg(&["--since", "2999-01-01"])).await.unwrap();
    assert!(out(&o).ends_with("0 rader\n"));
    let o = run(lg(&["--through", "2000-12-31"])).await.unwrap();
    assert!(out(&o).ends_with("0 rader\n"));
    let today = chrono::Local::now().date_naive().to_string();
    let o = run(lg(&["--since", &today, "--through", &today]))
        .await
        .unwrap();
    // The 11 rows and the CSV export's own row.
    assert!(out(&o).ends_with("12 rader\n"), "{}", out(&o));
    let o = run(lg(&["--through", "31/12"])).await.unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("ange ett datum YYYY-MM-DD"), "{}", err(&o));
    let o = run(lg(&["--reveals"])).await.unwrap();
    assert!(out(&o).ends_with("0 rader\n"));
    sim.shutdown().await;
    let _ = std::fs::remove_dir_all(&data);
}

#[test]
fn bench_fetch_reports_time_and_round_trips() {
    let data = data_dir();
    let o = nllc(
        &data,
        &["bench-fetch", "--lookups", "2", "--latency-ms", "20"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let s = out(&o);
    assert!(s.contains("20 ms latens per svar"), "{s}");
    assert!(s.contains("högst 2 anrop i följd"), "{s}");
    assert!(
        s.contains("mål: högst 2 anrop i följd + 50 ms = 90 ms"),
        "{s}"
    );
    let _ = std::fs::remove_dir_all(&data);
}

/// The token from a file or from standard input, never needed on the command line (where
/// every user of the computer sees it in `ps`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_from_a_file_or_standard_input() {
    let sim = plain_http_sim().await;
    let base = sim.fhir_base();
    let token = sim.token_for("farmaceut");
    let data = data_dir();
    std::fs::create_dir_all(&data).unwrap();
    let token_file = data.join("token.txt");
    std::fs::write(&token_file, format!("{token}\n")).unwrap();
    let empty_file = data.join("empty.txt");
    std::fs::write(&empty_file, "\n").unwrap();
    let run = |how: Vec<String>, stdin: Option<String>| {
        let data = data.clone();
        let base = base.clone();
        tokio::task::spawn_blocking(move || {
            use std::io::Write;
            let mut child = Command::new(env!("CARGO_BIN_EXE_nllc"))
                .args(["fetch", "--base-url", &base])
                .args(&how)
                .args(["--personnummer", VUXEN, "--flow", "expediering"])
                .env("XDG_DATA_HOME", &data)
                .env_remove("HTTP_PROXY")
                .env_remove("http_proxy")
                .env_remove("ALL_PROXY")
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("run nllc");
            let mut input = child.stdin.take().unwrap();
            input
                .write_all(stdin.unwrap_or_default().as_bytes())
                .unwrap();
            drop(input);
            child.wait_with_output().unwrap()
        })
    };
    let file = vec![
        "--token-file".to_string(),
        token_file.to_str().unwrap().into(),
    ];
    let o = run(file, None).await.unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(out(&o).contains("Karin Andersson"));

    let o = run(
        vec!["--token".into(), "-".into()],
        Some(format!("{token}\n")),
    )
    .await
    .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(out(&o).contains("Karin Andersson"));

    // An empty token, a missing file, and --base-url without a token: usage errors, exit 2.
    let empty = vec![
        "--token-file".to_string(),
        empty_file.to_str().unwrap().into(),
    ];
    let o = run(empty, None).await.unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    assert!(err(&o).contains("åtkomsttoken är tom"), "{}", err(&o));
    let missing = vec![
        "--token-file".to_string(),
        data.join("nej.txt").to_str().unwrap().into(),
    ];
    let o = run(missing, None).await.unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    assert!(err(&o).contains("kunde inte läsas"), "{}", err(&o));
    let o = run(vec![], None).await.unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    assert!(err(&o).contains("--token-file"), "{}", err(&o));
    sim.shutdown().await;
    let _ = std::fs::remove_dir_all(&data);
}

/// Every location-revealing value the test server holds for the protected test patient.
fn skyddad_location_values() -> Vec<String> {
    let catalogue = nll_sim::Catalogue::new(1, chrono::Local::now().date_naive());
    let values = catalogue
        .by_key("skyddad-folkbokforing")
        .expect("test patient")
        .location_values();
    assert!(values.len() > 15, "{values:?}");
    values
}

/// The test server on loopback without TLS, for `--base-url http://127.0.0.1:…`.
async fn plain_http_sim() -> nll_sim::SimHandle {
    nll_sim::start(nll_sim::SimConfig {
        tls: None,
        ..nll_sim::SimConfig::default()
    })
    .await
    .unwrap()
}
