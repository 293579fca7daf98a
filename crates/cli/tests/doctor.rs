//! The pilot guide's steps as a pilot runs them: `nllc sim --tls` in its own process as "NLL",
//! the client configuration it writes, the client secret into the OS keyring with `nllc secret`,
//! then `nllc doctor` — all ✓ — and each usual fault with its ✗ line and exit code: the
//! server's CA not trusted, no client certificate, a wrong PKCS#12 password, a broken
//! configuration file, a wrong FHIR path, the server stopped. Also: the test PKI is kept across
//! restarts (`--fresh-pki` renews it) and its keys are 0600.
//!
//! Needs the OS keyring (Secret Service): `make test` runs it in a session with an unlocked one.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

struct Env {
    dir: PathBuf,
}

impl Env {
    fn new() -> Env {
        let dir = std::env::temp_dir().join(format!("nllc-doctor-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        Env { dir }
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_nllc"));
        c.args(args)
            .env("RECEPTDISK_HOME", self.dir.join("home"))
            .env(
                "RECEPTDISK_MACHINE_CONFIG",
                self.dir.join("no-machine.toml"),
            )
            .env_remove("HTTPS_PROXY")
            .env_remove("https_proxy")
            .env_remove("ALL_PROXY");
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().expect("run nllc")
    }

    fn secret(&self, account: &str, value: &str) {
        let mut child = self
            .cmd(&["secret", "set", account])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{value}").unwrap();
        let o = child.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }

    /// `nllc doctor --config` on `toml`: (exit code, stdout).
    fn doctor(&self, name: &str, toml: &str) -> (i32, String) {
        let path = self.dir.join(name);
        std::fs::write(&path, toml).unwrap();
        let o = self.run(&["doctor", "--config", path.to_str().unwrap()]);
        (
            o.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&o.stdout).into_owned(),
        )
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `nllc sim --tls` with its PKI in `pki`; returns once it has printed its client configuration.
fn start_sim(env: &Env, pki: &Path, extra: &[&str]) -> (Child, String) {
    let mut args = vec!["sim", "--tls", "--pki-dir", pki.to_str().unwrap()];
    args.extend_from_slice(extra);
    let mut child = env
        .cmd(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut base = String::new();
    out.read_line(&mut base).unwrap();
    let mut line = String::new();
    while out.read_line(&mut line).unwrap() > 0 {
        if line.starts_with("Avsluta med Ctrl-C") {
            break;
        }
        line.clear();
    }
    // Keep reading so the server never blocks on a full pipe.
    std::thread::spawn(move || {
        let mut sink = String::new();
        while out.read_line(&mut sink).unwrap_or(0) > 0 {
            sink.clear();
        }
    });
    (child, base.trim().to_string())
}

fn stop(child: &mut Child) {
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    for _ in 0..100 {
        if child.try_wait().unwrap().is_some() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
}

/// The lines of `text` without the ones starting with one of `keys`.
fn without(text: &str, keys: &[&str]) -> String {
    text.lines()
        .filter(|l| !keys.iter().any(|k| l.starts_with(k)))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn doctor_walks_the_pilot_guide_and_names_each_fault() {
    let env = Env::new();
    let pki = env.dir.join("sim-pki");
    let (mut sim, base) = start_sim(&env, &pki, &[]);
    assert!(base.starts_with("https://127.0.0.1:"), "{base}");
    let client = std::fs::read_to_string(pki.join("receptdisk.toml")).unwrap();
    let ca = std::fs::read(pki.join("ca.pem")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for key in ["server-key.pem", "client-1-key.pem", "client-1.p12"] {
            let mode = std::fs::metadata(pki.join(key))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{key}");
        }
    }
    env.secret("oauth2-client-secret", "test");
    let o = env.run(&["secret", "status", "oauth2-client-secret"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&o.stdout).contains("test\n"));

    // All well: every step ✓, the test patient found.
    let (code, out) = env.doctor("good.toml", &client);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains('✗'), "{out}");
    for step in [
        "✓ Inställningar lästa",
        "✓ Funktionscertifikat: Apotek Kronan kassa 1, giltigt till",
        "✓ Nätverk: 127.0.0.1:",
        "✓ TLS: 127.0.0.1 godtogs och godtog klientcertifikatet Apotek Kronan kassa 1",
        "✓ Inloggning: Anna Lindqvist (Farmaceut)",
        "✓ FHIR: ",
        "✓ Patientsökning: testpatienten hittades",
    ] {
        assert!(out.contains(step), "{step}\n{out}");
    }

    // The server's CA not trusted: the extra CA left out.
    let (code, out) = env.doctor("no-ca.toml", &without(&client, &["extra_ca_pem"]));
    assert_eq!(code, 3, "{out}");
    assert!(
        out.contains("✗ TLS: servern 127.0.0.1 godtogs inte"),
        "{out}"
    );
    assert!(out.contains("\"Extra CA\" (extra_ca_pem)"), "{out}");
    assert!(out.contains("· Inloggning – inte provat"), "{out}");

    // No client certificate configured.
    let no_cert = without(&client, &["[client_certificate]", "pem = ", "key_pem = "]);
    let (code, out) = env.doctor("no-cert.toml", &no_cert);
    assert_ne!(code, 0, "{out}");
    assert!(
        out.contains("✗ Funktionscertifikat: inget är inställt"),
        "{out}"
    );
    assert!(out.contains("client_certificate"), "{out}");
    assert!(
        out.contains("✗ TLS: servern 127.0.0.1 kräver ett klientcertifikat och inget användes"),
        "{out}"
    );

    // A PKCS#12 file whose password in the keyring is wrong.
    env.secret("doctor-test-p12", "fel-lösenord");
    let p12 = client.replace(
        &format!("pem = {:?}", pki.join("client-1.pem").display().to_string()),
        &format!(
            "pkcs12 = {:?}\npassword_keyring = \"doctor-test-p12\"",
            pki.join("client-1.p12").display().to_string()
        ),
    );
    let p12 = without(&p12, &["key_pem"]);
    let (code, out) = env.doctor("p12.toml", &p12);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("✗ Funktionscertifikat: "), "{out}");
    assert!(out.contains("fel lösenord"), "{out}");
    env.secret("doctor-test-p12", "test");
    let (code, out) = env.doctor("p12.toml", &p12);
    assert_eq!(code, 0, "{out}");
    let _ = env.run(&["secret", "delete", "doctor-test-p12"]);

    // A broken configuration file: its file and line.
    let broken = client.replace("source = \"oauth2-exchange\"", "source = oauth2-exchange");
    let (code, out) = env.doctor("broken.toml", &broken);
    assert_eq!(code, 2, "{out}");
    let line = broken
        .lines()
        .position(|l| l.starts_with("source = oauth2"))
        .unwrap()
        + 1;
    assert!(
        out.contains("✗ Inställningar: ") && out.contains(&format!("broken.toml, rad {line}")),
        "{out}"
    );
    let o = env.run(&[
        "config",
        "check",
        "--config",
        env.dir.join("broken.toml").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains(&format!("rad {line}")));

    // A wrong FHIR path: a configuration error (exit 2), in doctor and in a lookup.
    let fihr = client.replacen("/fhir\"", "/fihr\"", 1);
    let (code, out) = env.doctor("fihr.toml", &fihr);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("✗ FHIR: ") && out.contains("base_url"),
        "{out}"
    );
    let o = env.run(&[
        "fetch",
        "--config",
        env.dir.join("fihr.toml").to_str().unwrap(),
        "--personnummer",
        "19680415-2384",
        "--flow",
        "expediering",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("base_url") && !err.contains("hittade inte uppgiften"),
        "{err}"
    );

    // The server stopped.
    stop(&mut sim);
    let (code, out) = env.doctor("good.toml", &client);
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("✗ Nätverk: 127.0.0.1:"), "{out}");
    assert!(out.contains("att servern är igång"), "{out}");

    // Restarted on the same folder, the PKI is kept: the same CA; --fresh-pki renews it.
    let (mut sim, _) = start_sim(&env, &pki, &[]);
    assert_eq!(std::fs::read(pki.join("ca.pem")).unwrap(), ca);
    stop(&mut sim);
    let (mut sim, _) = start_sim(&env, &pki, &["--fresh-pki"]);
    assert_ne!(std::fs::read(pki.join("ca.pem")).unwrap(), ca);
    stop(&mut sim);
}
