//! The secrets in the real OS keyring (Secret Service, service `se.receptdisk`): the PKCS#12
//! password and the OAuth2 client secret are read from it for a real lookup over mutual TLS.
//!
//! `make test` provides a session bus with an unlocked keyring (scripts/ci-env.sh). Run alone
//! without one, this test starts its own bus and gnome-keyring-daemon (keyring files in a
//! throwaway folder) and stops them afterwards. It is the only test in this binary because it
//! may set `DBUS_SESSION_BUS_ADDRESS` for the process.

use std::io::Write;
use std::process::{Command, Stdio};

use acceptance::Env;
use nll::Flow;
use nll_client::config::{CertConfig, TokenConfig};
use nll_client::{ErrorCode, KeyringStore, LookupRequest, NllClient};

/// A private session bus with an unlocked Secret Service; returns the bus daemon's pid.
fn private_keyring(dir: &std::path::Path) -> u32 {
    let out = Command::new("dbus-daemon")
        .args(["--session", "--fork", "--print-address=1", "--print-pid=1"])
        .stderr(Stdio::null())
        .output()
        .expect("dbus-daemon (package dbus) is installed");
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let mut lines = text.lines();
    let address = lines.next().expect("bus address").to_string();
    let pid: u32 = lines.next().expect("bus pid").trim().parse().expect("pid");
    // Set before any thread of this test exists (plain #[test], runtime built afterwards).
    std::env::set_var("DBUS_SESSION_BUS_ADDRESS", &address);
    std::fs::create_dir_all(dir).unwrap();
    let mut daemon = Command::new("gnome-keyring-daemon")
        .args(["--unlock", "--components=secrets"])
        .env("XDG_DATA_HOME", dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("gnome-keyring-daemon is installed");
    daemon
        .stdin
        .take()
        .unwrap()
        .write_all(b"acceptance-keyring-pw")
        .unwrap();
    daemon.wait().unwrap();
    pid
}

#[test]
fn pkcs12_password_and_client_secret_come_from_the_os_keyring() {
    let own_bus = if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        let dir = std::env::temp_dir().join(format!("acceptance-keyring-{}", uuid::Uuid::new_v4()));
        Some((private_keyring(&dir), dir))
    } else {
        None
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        rt.block_on(run());
    }));
    if let Some((pid, dir)) = own_bus {
        let _ = Command::new("kill").arg(pid.to_string()).status();
        let _ = std::fs::remove_dir_all(dir);
    }
    if let Err(p) = outcome {
        std::panic::resume_unwind(p);
    }
}

async fn run() {
    let env: Env = acceptance::start().await;
    let tag = uuid::Uuid::new_v4();
    let p12_account = format!("acceptance-pkcs12-{tag}");
    let secret_account = format!("acceptance-oauth2-{tag}");
    let store = KeyringStore;
    store
        .set(&p12_account, nll_sim::pki::PKCS12_PASSWORD)
        .expect("keyring usable");
    store
        .set(&secret_account, acceptance::CLIENT_SECRET)
        .expect("keyring usable");

    let mut cfg = env.config("farmaceut");
    cfg.client_certificate = Some(CertConfig {
        pkcs12: Some(env.files.clients[0].pkcs12.clone()),
        password_keyring: Some(p12_account.clone()),
        ..CertConfig::default()
    });
    if let TokenConfig::Oauth2Exchange {
        client_secret_keyring,
        ..
    } = &mut cfg.token
    {
        *client_secret_keyring = Some(secret_account.clone());
    }
    let client = NllClient::new(&cfg, &store, env.log.clone()).expect("client from keyring");
    let counter = nll_client::Counter::new(std::sync::Arc::new(client));
    let r = counter
        .lookup(LookupRequest::new(&env.pnr("vuxen"), Flow::Expediering))
        .await
        .expect("lookup");
    assert_eq!(r.round_trips, 2);
    env.check_log();

    // Gone from the keyring: the error names the account, nothing else.
    store.delete(&p12_account).unwrap();
    let e = NllClient::new(&cfg, &store, env.log.clone()).unwrap_err();
    assert_eq!(e.code, ErrorCode::Keyring);
    assert!(e.message.contains(&p12_account), "{}", e.message);
    assert_eq!(e.exit_code(), 2);
    store.delete(&secret_account).unwrap();
}
