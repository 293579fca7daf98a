//! `nllc sim`: the NLL test server (`nll-sim`) in the foreground, for pilots and training.
//! Prints the base URL as the first line of stdout (scripts read it), then what to connect
//! with; runs until Ctrl-C.

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Context};
use nll_sim::pki::TestPki;
use nll_sim::{FaultSpec, SimConfig, TlsConfig, TEST_USERS};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Port to listen on (0 = any free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Address to listen on. Plain HTTP is allowed on loopback only.
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// Mutual TLS. Without --cert/--key/--client-ca a fresh test PKI is written to --pki-dir.
    #[arg(long)]
    tls: bool,
    /// Server certificate (PEM).
    #[arg(long, requires_all = ["tls", "key", "client_ca"])]
    cert: Option<PathBuf>,
    /// Server private key (PEM).
    #[arg(long, requires_all = ["tls", "cert", "client_ca"])]
    key: Option<PathBuf>,
    /// CA that client certificates must chain to (PEM).
    #[arg(long, requires_all = ["tls", "cert", "key"])]
    client_ca: Option<PathBuf>,
    /// Where `--tls` without files writes the test PKI (CA, server and client certificates).
    #[arg(long, default_value = "sim-pki")]
    pki_dir: PathBuf,
    /// Added to every answer, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Seed of the synthetic catalogue's ids and histories.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The server's date (YYYY-MM-DD); histories are relative to it. Default: today.
    #[arg(long)]
    today: Option<chrono::NaiveDate>,
    /// A fault from the start, e.g. `503,count=2`, `latency:300,path=/fhir/Patient`, `429:5`,
    /// `hang`, `malformed`, `truncated`, `oversized[:BYTES]`, `wrong-content-type`. Repeatable.
    #[arg(long = "fault", value_parser = parse_fault)]
    faults: Vec<FaultSpec>,
    /// Turn off the test-mode admin endpoints (/admin/faults, /admin/requests …).
    #[arg(long)]
    no_admin: bool,
    /// Policy override file (TOML): the server accepts the overridden codes.
    #[arg(long)]
    policy: Option<PathBuf>,
}

fn parse_fault(s: &str) -> Result<FaultSpec, String> {
    s.parse()
}

fn read(path: &PathBuf) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("kan inte läsa {}", path.display()))
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(serve(args))
}

async fn serve(args: &Args) -> anyhow::Result<ExitCode> {
    // Ctrl-C is caught from here on, before the base URL is printed: a script that reads the URL
    // and stops the server at once must get a clean stop, not a process killed by SIGINT.
    let stop = interrupted()?;
    if !args.tls && !args.bind.is_loopback() {
        bail!(
            "okrypterad HTTP bara på loopback: använd --tls för {} / plain HTTP on loopback only",
            args.bind
        );
    }
    let mut pki_note = Vec::new();
    let tls = match (args.tls, &args.cert, &args.key, &args.client_ca) {
        (false, ..) => None,
        (true, Some(cert), Some(key), Some(ca)) => Some(TlsConfig {
            cert_pem: read(cert)?,
            key_pem: read(key)?,
            client_ca_pem: read(ca)?,
        }),
        (true, None, None, None) => {
            let pki = TestPki::generate()?;
            let files = pki.write_to_dir(
                &args.pki_dir,
                &["Apotek Kronan kassa 1", "Apotek Kronan kassa 2"],
            )?;
            pki_note.push(format!(
                "  CA (lita på den):          {}",
                files.ca.display()
            ));
            for c in &files.clients {
                pki_note.push(format!(
                    "  klient \"{}\": {} + {} (eller {}, lösenord \"{}\")",
                    c.common_name,
                    c.cert.display(),
                    c.key.display(),
                    c.pkcs12.display(),
                    nll_sim::pki::PKCS12_PASSWORD
                ));
            }
            Some(TlsConfig::from_pki(&pki))
        }
        _ => bail!("--cert, --key och --client-ca anges tillsammans / give all three or none"),
    };
    let sim = nll_sim::start(SimConfig {
        seed: args.seed,
        today: args.today,
        bind: args.bind,
        port: args.port,
        tls,
        latency: Duration::from_millis(args.latency_ms),
        faults: args.faults.clone(),
        admin: !args.no_admin,
        prewarm: true,
        policy_overrides: args.policy.as_ref().map(read).transpose()?,
        ..SimConfig::default()
    })
    .await?;

    // First line: the base URL alone, for scripts.
    println!("{}", sim.base_url());
    println!(
        "NLL-testserver (Receptdisk) – syntetiska testpatienter, inga riktiga personuppgifter"
    );
    println!("  FHIR:      {}", sim.fhir_base());
    println!(
        "  token:     {}  (subject_token = testanvändare)",
        sim.token_url()
    );
    println!("  fullmakt:  {}/fullmakt?givare=…&ombud=…", sim.base_url());
    if !args.no_admin {
        println!(
            "  admin:     {}/admin/faults, /admin/requests (bara loopback)",
            sim.base_url()
        );
    }
    for line in &pki_note {
        println!("{line}");
    }
    let users: Vec<String> = TEST_USERS
        .iter()
        .map(|u| {
            format!(
                "{} ({})",
                u.login,
                serde_json::to_value(u.role)
                    .unwrap_or_default()
                    .as_str()
                    .unwrap_or("")
            )
        })
        .collect();
    println!("  testanvändare: {}", users.join(", "));
    println!(
        "  testpatienter: {} st, se README (The NLL test server)",
        sim.catalogue().patients().len()
    );
    println!("Avsluta med Ctrl-C.");
    use std::io::Write;
    std::io::stdout().flush()?;

    stop.await;
    eprintln!("nllc sim: stänger");
    sim.shutdown().await;
    Ok(ExitCode::SUCCESS)
}

/// A future that completes on Ctrl-C (SIGINT); the handler is in place when this returns.
#[cfg(unix)]
fn interrupted() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut sigint = signal(SignalKind::interrupt()).context("Ctrl-C kunde inte fångas")?;
    Ok(async move {
        sigint.recv().await;
    })
}

#[cfg(not(unix))]
fn interrupted() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}
