//! `nllc sim`: the NLL test server (`nll-sim`) in the foreground, for pilots and training.
//! Prints the base URL as the first line of stdout (scripts read it), then what to connect
//! with; runs until Ctrl-C.

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Context};
use nll_sim::pki::{PkiFiles, TestPki};
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
    /// Where `--tls` without files keeps the test PKI (CA, server and client certificates),
    /// reused at the next start so clients keep trusting it.
    #[arg(long, default_value = "sim-pki")]
    pki_dir: PathBuf,
    /// With --tls: make a new test PKI even if --pki-dir has one.
    #[arg(long, requires = "tls")]
    fresh_pki: bool,
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
    /// Print every value the server holds that could reveal where test patient KEY lives
    /// (address, prescribers' workplaces, pharmacies), one per line, and exit: what a masking
    /// check looks for on a screen, a printout or in a log. With --seed and --today.
    #[arg(long, value_name = "KEY")]
    location_values: Option<String>,
}

/// The client certificates of the test PKI.
const CLIENTS: [&str; 2] = ["Apotek Kronan kassa 1", "Apotek Kronan kassa 2"];

pub fn parse_fault(s: &str) -> Result<FaultSpec, String> {
    s.parse()
}

fn read(path: &PathBuf) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("kan inte läsa {}", path.display()))
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    if let Some(key) = &args.location_values {
        let today = args
            .today
            .unwrap_or_else(|| chrono::Local::now().date_naive());
        let catalogue = nll_sim::Catalogue::new(args.seed, today);
        let patient = catalogue
            .by_key(key)
            .with_context(|| format!("ingen testpatient {key} (se README, The NLL test server)"))?;
        for v in patient.location_values() {
            println!("{v}");
        }
        return Ok(ExitCode::SUCCESS);
    }
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
    let mut pki_files = None;
    let tls = match (args.tls, &args.cert, &args.key, &args.client_ca) {
        (false, ..) => None,
        (true, Some(cert), Some(key), Some(ca)) => Some(TlsConfig {
            cert_pem: read(cert)?,
            key_pem: read(key)?,
            client_ca_pem: read(ca)?,
        }),
        (true, None, None, None) => {
            let (files, fresh) = match PkiFiles::existing(&args.pki_dir, &CLIENTS) {
                Some(f) if !args.fresh_pki => (f, false),
                _ => (
                    TestPki::generate()?.write_to_dir(&args.pki_dir, &CLIENTS)?,
                    true,
                ),
            };
            pki_note.push(format!(
                "  test-PKI i {} ({})",
                args.pki_dir.display(),
                if fresh {
                    "ny"
                } else {
                    "återanvänd; --fresh-pki gör en ny"
                }
            ));
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
            let tls = TlsConfig {
                cert_pem: read(&files.server_cert)?,
                key_pem: read(&files.server_key)?,
                client_ca_pem: read(&files.ca)?,
            };
            pki_files = Some(files);
            Some(tls)
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
    if let Some(files) = &pki_files {
        let toml = client_toml(&sim, files)?;
        let path = args.pki_dir.join("receptdisk.toml");
        std::fs::write(&path, &toml)
            .with_context(|| format!("kan inte skriva {}", path.display()))?;
        println!(
            "\nKlientinställningar för den här servern (också i {}):",
            path.display()
        );
        println!("{toml}");
    }
    println!("Avsluta med Ctrl-C.");
    use std::io::Write;
    std::io::stdout().flush()?;

    stop.await;
    eprintln!("nllc sim: stänger");
    sim.shutdown().await;
    Ok(ExitCode::SUCCESS)
}

/// A ready client configuration for this server: its FHIR base, the test PKI's CA and first
/// client certificate (PEM and key), and a token exchange as the test pharmacist.
fn client_toml(sim: &nll_sim::SimHandle, files: &PkiFiles) -> anyhow::Result<String> {
    let abs = |p: &std::path::Path| -> anyhow::Result<String> {
        Ok(std::fs::canonicalize(p)
            .with_context(|| format!("{} finns inte", p.display()))?
            .display()
            .to_string())
    };
    let client = &files.clients[0];
    let q = |s: &str| toml_string(s);
    Ok(format!(
        "# Receptdisk mot NLL-testservern (syntetiska testpatienter)\n\
         base_url = {}\n\
         fullmakt_url = {}\n\
         extra_ca_pem = {}\n\
         test_personnummer = \"19680415-2384\"\n\
         \n\
         [client_certificate]\n\
         pem = {}\n\
         key_pem = {}\n\
         \n\
         [token]\n\
         source = \"oauth2-exchange\"\n\
         token_url = {}\n\
         client_id = \"receptdisk\"\n\
         # testmiljö: en fast testanvändare; i drift subject_token_command = [\"e-legitimering\", …]\n\
         subject_token = \"farmaceut\"\n\
         # klienthemligheten i nyckelringen: printf 'test\\n' | nllc secret set oauth2-client-secret\n",
        q(&sim.fhir_base()),
        q(&format!("{}/fullmakt", sim.base_url())),
        q(&abs(&files.ca)?),
        q(&abs(&client.cert)?),
        q(&abs(&client.key)?),
        q(&sim.token_url()),
    ))
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
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
