//! `nllc sim` as a pilot runs it: the built binary prints its base URL first, answers on it,
//! and stops cleanly on Ctrl-C (SIGINT).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

fn start(args: &[&str]) -> (Child, String, BufReader<std::process::ChildStdout>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nllc"))
        .arg("sim")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run nllc sim");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    (child, first.trim().to_string(), out)
}

fn get(base: &str, path: &str) -> String {
    let hostport = base.trim_start_matches("http://");
    let mut s = TcpStream::connect(hostport).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {hostport}\r\nX-Request-ID: cli-test\r\nConnection: close\r\n\r\n").unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    text
}

fn interrupt(child: &mut Child) -> Option<i32> {
    let ok = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
    for _ in 0..100 {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code();
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap();
    panic!("nllc sim did not stop on SIGINT");
}

#[test]
fn sim_prints_its_base_url_serves_and_stops_on_ctrl_c() {
    let (mut child, base, mut out) = start(&[
        "--today",
        "2026-11-22",
        "--fault",
        "503,path=/fhir/Patient,count=1",
    ]);
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    let meta = get(&base, "/fhir/metadata");
    assert!(meta.starts_with("HTTP/1.1 200"), "{meta}");
    assert!(meta.to_ascii_lowercase().contains("x-request-id: cli-test"));
    assert!(meta.contains("CapabilityStatement"));
    // The fault from the flag, then the token rule.
    assert!(get(&base, "/fhir/Patient?identifier=196804152384").starts_with("HTTP/1.1 503"));
    assert!(get(&base, "/fhir/Patient?identifier=196804152384").starts_with("HTTP/1.1 401"));
    assert_eq!(interrupt(&mut child), Some(0));
    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    assert!(rest.contains("/oauth/token"), "{rest}");
}

#[test]
fn sim_with_tls_writes_a_test_pki() {
    let dir = std::env::temp_dir().join(format!("nllc-sim-pki-{}", std::process::id()));
    let (mut child, base, _out) = start(&["--tls", "--pki-dir", dir.to_str().unwrap()]);
    assert!(base.starts_with("https://127.0.0.1:"), "{base}");
    for f in [
        "ca.pem",
        "server.pem",
        "server-key.pem",
        "client-1.pem",
        "client-1-key.pem",
        "client-1.p12",
    ] {
        assert!(dir.join(f).is_file(), "{f}");
    }
    assert_eq!(interrupt(&mut child), Some(0));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn sim_refuses_plain_http_off_loopback_and_bad_faults() {
    let o = Command::new(env!("CARGO_BIN_EXE_nllc"))
        .args(["sim", "--bind", "0.0.0.0"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("loopback"));
    let o = Command::new(env!("CARGO_BIN_EXE_nllc"))
        .args(["sim", "--fault", "teapot"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown fault"));
}
