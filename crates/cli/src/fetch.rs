//! `nllc fetch`: one counter lookup — the policy, the fetch plan, the list, masked when the
//! patient is protected — against NLL (`--config`), a given endpoint (`--base-url --token`) or
//! the test server started in-process (`--sim`). Every request is written to the access log.
//!
//! Exit codes: 0 the list was fetched; 1 refused (the access policy or NLL) or no such patient;
//! 2 usage or configuration; 3 network or server failure.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use chrono::NaiveDate;
use nll::view::{
    DispenseChannel, Guarded, MedicationList, PrescriberView, RxEnd, RxGroup, TreatmentReason,
};
use nll::Flow;
use nll_client::config::{CertConfig, OrgConfig, TokenConfig};
use nll_client::{
    AccessLog, ClientConfig, ClientError, ConfigPaths, Counter, Layers, LogFailure, LookupRequest,
    LookupResult, MemorySecrets, NllClient, Revealed, TreatmentReasonRequest,
    TreatmentReasonResult,
};

/// A flow by its kebab-case name (`expediering`, `lakemedelsstod`, `ombud`, …).
pub fn parse_flow(s: &str) -> Result<Flow, String> {
    serde_json::from_value(serde_json::Value::String(s.trim().to_lowercase())).map_err(|_| {
        "expediering, lakemedelsstod, lakemedelsstod-dos, ombud, egna-uppgifter, vardnadshavare, \
         expediering-behandlingsorsak, expediering-sparrad-behandlingsorsak, \
         expediering-barn-behandlingsorsak"
            .to_string()
    })
}

#[derive(clap::Args, Debug, Clone)]
pub struct Target {
    /// The user's configuration file instead of the standard one (the chain's machine-wide
    /// file still applies); see the README, section "Configuration".
    #[arg(long, value_name = "FILE", conflicts_with_all = ["base_url", "sim"])]
    pub config: Option<PathBuf>,
    /// NLL's FHIR base URL (https, or http to this computer), with --token or --token-file.
    #[arg(long, value_name = "URL", conflicts_with = "sim")]
    pub base_url: Option<String>,
    /// A static access token (test environments). `-` reads it from standard input: a token
    /// written on the command line is visible to every user of this computer (`ps`).
    #[arg(long, value_name = "TOKEN", requires = "base_url")]
    pub token: Option<String>,
    /// The static access token from a file (its first line), e.g. one only you can read.
    #[arg(
        long,
        value_name = "FILE",
        requires = "base_url",
        conflicts_with = "token"
    )]
    pub token_file: Option<PathBuf>,
    /// Start the NLL test server in-process (mutual TLS, fresh test certificates) and use it.
    #[arg(long)]
    pub sim: bool,
    /// With --sim: a fault the test server answers with, as `nllc sim --fault` (e.g. `503`,
    /// `hang`, `malformed`): what the counter says when NLL has trouble. Repeatable.
    #[arg(long = "fault", value_name = "SPEC", requires = "sim", value_parser = crate::sim::parse_fault)]
    pub faults: Vec<nll_sim::FaultSpec>,
    /// With --sim: the test user to log in as (farmaceut, apotekspersonal, farmaceut-goteborg).
    #[arg(long, value_name = "LOGIN", default_value = "farmaceut")]
    pub login: String,
    /// The role, when the token does not carry one (an opaque token): FARMACEUT or APOTEKSPERSONAL.
    #[arg(long, value_name = "ROLE", value_parser = parse_role, conflicts_with = "sim")]
    pub role: Option<nll::Role>,
    /// The user's HSA-id, when the token does not carry it.
    #[arg(long, value_name = "HSA-ID", conflicts_with = "sim")]
    pub user: Option<String>,
    /// The pharmacy's GLN, when the token does not carry it.
    #[arg(long, value_name = "GLN", conflicts_with = "sim")]
    pub gln: Option<String>,
    /// The access log file (default: from the configuration, else the data folder; with
    /// --sim the training log there).
    #[arg(long, value_name = "FILE")]
    pub access_log: Option<PathBuf>,
    /// The date lists are built for (default: today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<NaiveDate>,
}

/// `farmaceut`, `FARMACEUT`, `apotekspersonal` …
pub fn parse_role(s: &str) -> Result<nll::Role, String> {
    serde_json::from_value(serde_json::Value::String(s.trim().to_uppercase()))
        .map_err(|_| "FARMACEUT eller APOTEKSPERSONAL".to_string())
}

/// The configuration layers: the chain's machine-wide file and the user's (or `--config FILE`).
pub fn layers(config: Option<&std::path::Path>) -> Result<Layers, ClientError> {
    let paths = match config {
        Some(p) => {
            if !p.exists() {
                return Err(ClientError::config(
                    format!("filen {} finns inte", p.display()),
                    format!("the file {} does not exist", p.display()),
                ));
            }
            ConfigPaths::with_user_file(p)
        }
        None => ConfigPaths::standard(),
    };
    Layers::load(&paths).map_err(|p| p.to_error())
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The patient's personnummer or samordningsnummer (10 or 12 digits).
    #[arg(long)]
    pub personnummer: String,
    /// The counter flow.
    #[arg(long, value_parser = parse_flow)]
    pub flow: Flow,
    /// The patient consents now (Läkemedelsstöd, treatment reason).
    #[arg(long)]
    pub consent: bool,
    /// ID checked: the person at the counter is the patient (Egna uppgifter).
    #[arg(long)]
    pub identity_checked: bool,
    /// Ombud: the agent's personnummer.
    #[arg(long, value_name = "PNR")]
    pub agent: Option<String>,
    /// Vårdnadshavare: the guardian's personnummer.
    #[arg(long, value_name = "PNR")]
    pub guardian: Option<String>,
    /// Treatment-reason flows: the prescription's id.
    #[arg(long, value_name = "ID")]
    pub prescription_id: Option<String>,
    /// Print the result (or the error) as JSON, as the app's UI gets it.
    #[arg(long)]
    pub json: bool,
    /// Print every prescription and dispense (default: the first 30 dispenses).
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub target: Target,
}

/// `nllc fetch`: the lookup, then what the pharmacist may do with the list on screen.
#[derive(clap::Args, Debug)]
pub struct FetchArgs {
    #[command(flatten)]
    pub lookup: Args,
    /// Then show this masked field of a protected patient (a key from the JSON's `record`),
    /// as the app's Visa does; each is written to the access log. Repeatable.
    #[arg(long, value_name = "KEY")]
    pub reveal: Vec<String>,
    /// Then read this prescription's treatment reason with --reason-flow, as the app's Visa
    /// behandlingsorsak does (--consent: the patient consents). Repeatable.
    #[arg(long, value_name = "ID", requires = "reason_flow")]
    pub treatment_reason: Vec<String>,
    /// The treatment-reason variant of the flow (`expediering-behandlingsorsak`,
    /// `expediering-sparrad-behandlingsorsak`, `expediering-barn-behandlingsorsak`).
    #[arg(long, value_name = "FLOW", value_parser = parse_flow, requires = "treatment_reason")]
    pub reason_flow: Option<Flow>,
}

/// What was done with the shown list, each answered or refused.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
enum Answer<T> {
    Ok(T),
    Error(ClientError),
}

impl<T> From<Result<T, ClientError>> for Answer<T> {
    fn from(r: Result<T, ClientError>) -> Self {
        match r {
            Ok(v) => Answer::Ok(v),
            Err(e) => Answer::Error(e),
        }
    }
}

/// `--json` with --reveal or --treatment-reason: the lookup and what followed, in order.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct FollowUps<'a> {
    lookup: &'a LookupResult,
    revealed: Vec<Answer<Revealed>>,
    treatment_reasons: Vec<Answer<TreatmentReasonResult>>,
}

/// A running endpoint and the client configured for it. Holds the in-process test server
/// (and its certificate folder) alive while the client is in use.
pub struct Endpoint {
    pub config: ClientConfig,
    pub secrets: MemorySecrets,
    pub sim: Option<nll_sim::SimHandle>,
    pki_dir: Option<PathBuf>,
}

impl Drop for Endpoint {
    fn drop(&mut self) {
        if let Some(d) = &self.pki_dir {
            let _ = std::fs::remove_dir_all(d);
        }
    }
}

impl Endpoint {
    pub fn client(&self, log: Arc<AccessLog>) -> Result<Arc<NllClient>, ClientError> {
        match self.sim {
            Some(_) => NllClient::new(&self.config, &self.secrets, log).map(Arc::new),
            None => NllClient::new(&self.config, &nll_client::KeyringStore, log).map(Arc::new),
        }
    }
}

/// The in-process test server with mutual TLS and a fresh PKI, and a client configuration that
/// logs in through its token exchange as `login`.
pub async fn start_sim(
    login: &str,
    date: Option<NaiveDate>,
    latency: std::time::Duration,
    faults: &[nll_sim::FaultSpec],
) -> anyhow::Result<Endpoint> {
    anyhow::ensure!(
        nll_sim::auth::user(login).is_some(),
        "okänd testanvändare {login}: farmaceut, apotekspersonal eller farmaceut-goteborg"
    );
    let dir = std::env::temp_dir().join(format!("nllc-sim-{}", uuid::Uuid::new_v4()));
    let pki = nll_sim::pki::TestPki::generate()?;
    let files = pki.write_to_dir(&dir, &["nllc kassa"])?;
    let today = date.unwrap_or_else(|| chrono::Local::now().date_naive());
    let sim = nll_sim::start(nll_sim::SimConfig {
        today: Some(today),
        tls: Some(nll_sim::TlsConfig::from_pki(&pki)),
        latency,
        prewarm: true,
        faults: faults.to_vec(),
        ..nll_sim::SimConfig::default()
    })
    .await
    .context("testservern kunde inte startas")?;
    let user = nll_sim::auth::user(login).expect("checked above");
    let mut cfg = ClientConfig::with_static_token(&sim.fhir_base(), "unused");
    cfg.fullmakt_url = Some(format!("{}/fullmakt", sim.base_url()));
    cfg.extra_ca_pem = Some(files.ca.clone());
    cfg.client_certificate = Some(CertConfig {
        pkcs12: Some(files.clients[0].pkcs12.clone()),
        ..CertConfig::default()
    });
    cfg.proxy.disabled = true;
    cfg.today = Some(today);
    cfg.org = Some(OrgConfig {
        org_namn: "Apotek Kronan AB".into(),
        orgenhets_id: user.pharmacy_gln(),
        orgenhets_namn: user.pharmacy_name().into(),
        orgenhets_ort: String::new(),
    });
    cfg.token = TokenConfig::exchange_for(sim.token_url(), "nllc", login);
    let secrets = MemorySecrets::new()
        .with("oauth2-client-secret", "nllc-training")
        .with("pkcs12-password", nll_sim::pki::PKCS12_PASSWORD);
    Ok(Endpoint {
        config: cfg,
        secrets,
        sim: Some(sim),
        pki_dir: Some(dir),
    })
}

/// The token of `--token TOKEN`, `--token -` (standard input) or `--token-file FILE`: the first
/// line, trimmed.
fn static_token(t: &Target) -> anyhow::Result<String> {
    use std::io::Read;
    let text = match (&t.token, &t.token_file) {
        (Some(dash), None) if dash == "-" => {
            let mut s = String::new();
            std::io::stdin()
                .read_to_string(&mut s)
                .map_err(|e| anyhow::anyhow!("--token -: standard input kunde inte läsas: {e}"))?;
            s
        }
        (Some(token), None) => token.clone(),
        (None, Some(path)) => std::fs::read_to_string(path).map_err(|e| {
            anyhow::anyhow!("--token-file {}: kunde inte läsas: {e}", path.display())
        })?,
        _ => anyhow::bail!("--base-url behöver --token-file FIL eller --token - (standard input)"),
    };
    let token = text.lines().next().unwrap_or("").trim().to_string();
    if token.is_empty() {
        anyhow::bail!("åtkomsttoken är tom: ange den på första raden (--token-file) eller på standard input (--token -)");
    }
    Ok(token)
}

/// The endpoint the target options name. Configuration errors come back as `ClientError`s.
pub async fn endpoint(t: &Target) -> anyhow::Result<Result<Endpoint, ClientError>> {
    if t.sim {
        return Ok(Ok(start_sim(
            &t.login,
            t.date,
            std::time::Duration::ZERO,
            &t.faults,
        )
        .await?));
    }
    let config = match &t.base_url {
        Some(url) => {
            let token = static_token(t)?;
            Ok(ClientConfig::with_static_token(url, &token))
        }
        None => layers(t.config.as_deref()).and_then(|l| {
            if !l.is_live() {
                return Err(ClientError::config(
                    "ingen adress till Nationella läkemedelslistan är inställd (base_url) – ange den i Inställningar eller med --config FILE, eller använd --sim",
                    "no NLL address is configured (base_url) – set it in the settings or with --config FILE, or use --sim",
                ));
            }
            l.client_config().map_err(|p| p.to_error())
        }),
    };
    let mut config = match config {
        Ok(c) => c,
        Err(e) => return Ok(Err(e)),
    };
    if t.date.is_some() {
        config.today = t.date;
    }
    // For an opaque token: who and where, as the token would have said.
    config.role = t.role.or(config.role);
    config.user = t.user.clone().or(config.user);
    if let Some(gln) = &t.gln {
        let mut org = config.org.clone().unwrap_or_default();
        org.orgenhets_id = gln.trim().to_string();
        config.org = Some(org);
    }
    if let Err(e) = config.validate() {
        return Ok(Err(e));
    }
    Ok(Ok(Endpoint {
        config,
        secrets: MemorySecrets::new(),
        sim: None,
        pki_dir: None,
    }))
}

/// The access log the target writes to.
pub fn open_log(t: &Target, config: &ClientConfig) -> Result<AccessLog, ClientError> {
    let path = match (&t.access_log, t.sim) {
        (Some(p), _) => Some(p.clone()),
        (None, true) => AccessLog::training_path(),
        (None, false) => AccessLog::configured_path(&config.access_log),
    };
    let path = path.ok_or_else(|| ClientError::access_log_failed(&LogFailure::NoFolder))?;
    AccessLog::open(&path)
}

/// Prints a client error: one sentence, then the references support asks for.
pub fn report_error(e: &ClientError, json: bool) -> ExitCode {
    if json {
        println!("{}", serde_json::to_string_pretty(e).unwrap_or_default());
    } else {
        // The message may quote NLL's own text.
        eprintln!("nllc: {}", crate::terminal::safe(&e.message));
        if let Some(c) = &e.nll_code {
            eprintln!("  NLL-felkod: {}", crate::terminal::safe(c));
        }
        if let Some(r) = &e.request_id {
            eprintln!("  Referens (X-Request-ID): {r}");
        }
        eprintln!(
            "  Felkod: {}",
            serde_json::to_value(e.code)
                .unwrap_or_default()
                .as_str()
                .unwrap_or("")
        );
    }
    ExitCode::from(e.exit_code() as u8)
}

pub fn run(args: &FetchArgs) -> anyhow::Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(fetch(args))
}

async fn fetch(args: &FetchArgs) -> anyhow::Result<ExitCode> {
    // The endpoint is held to the end: the test server answers the follow-ups.
    let Looked {
        result: r,
        counter,
        _endpoint,
        ..
    } = match lookup_once(&args.lookup).await? {
        Ok(looked) => looked,
        Err(e) => return Ok(report_error(&e, args.lookup.json)),
    };
    let revealed: Vec<Answer<Revealed>> = args
        .reveal
        .iter()
        .map(|key| counter.reveal(r.lookup_seq, key).into())
        .collect();
    let mut treatment_reasons = Vec::new();
    if let Some(flow) = args.reason_flow {
        for id in &args.treatment_reason {
            let ask = TreatmentReasonRequest {
                lookup_seq: r.lookup_seq,
                prescription_id: id.clone(),
                flow,
                consent: args.lookup.consent,
            };
            treatment_reasons.push(counter.treatment_reason(&ask).await.into());
        }
    }
    counter.end_customer();
    let follow_ups = !(args.reveal.is_empty() && args.treatment_reason.is_empty());
    if args.lookup.json && follow_ups {
        let all = FollowUps {
            lookup: &r,
            revealed,
            treatment_reasons,
        };
        println!("{}", serde_json::to_string_pretty(&all)?);
    } else if args.lookup.json {
        println!("{}", serde_json::to_string_pretty(&r)?);
    } else {
        print_result(&r, args.lookup.all);
        print_follow_ups(&revealed, &treatment_reasons);
    }
    Ok(ExitCode::SUCCESS)
}

/// The revealed values and treatment reasons after the list, or why each was refused.
fn print_follow_ups(revealed: &[Answer<Revealed>], reasons: &[Answer<TreatmentReasonResult>]) {
    let safe = crate::terminal::safe;
    for a in revealed {
        match a {
            Answer::Ok(v) => println!("Visad uppgift {}: {}", v.key, safe(&v.value)),
            Answer::Error(e) => eprintln!("nllc: {}", safe(&e.message)),
        }
    }
    for a in reasons {
        match a {
            Answer::Ok(v) => match &v.reason {
                TreatmentReason::Shown { text } => {
                    println!("Behandlingsorsak {}: {}", v.prescription_id, safe(text))
                }
                TreatmentReason::Withheld { .. } => println!(
                    "Behandlingsorsak {}: visas inte i detta ärende",
                    v.prescription_id
                ),
                TreatmentReason::None => {
                    println!("Behandlingsorsak {}: ingen angiven", v.prescription_id)
                }
            },
            Answer::Error(e) => eprintln!("nllc: {}", safe(&e.message)),
        }
    }
}

/// One lookup's answer, with the counter still holding the customer (printing reads the list
/// it shows; the caller ends the customer).
pub struct Looked {
    pub result: LookupResult,
    pub policy: nll::policy::Policy,
    pub counter: Counter,
    /// The endpoint stays up while the counter holds the customer (the in-process test server
    /// answers treatment-reason reads after the lookup).
    _endpoint: Endpoint,
}

/// One customer, one lookup: the endpoint, the access log, the fetch plan. Shared by
/// `nllc fetch` and `nllc print`.
pub async fn lookup_once(args: &Args) -> anyhow::Result<Result<Looked, ClientError>> {
    let ep = match endpoint(&args.target).await? {
        Ok(ep) => ep,
        Err(e) => return Ok(Err(e)),
    };
    let log = match open_log(&args.target, &ep.config) {
        Ok(l) => Arc::new(l),
        Err(e) => return Ok(Err(e)),
    };
    let client = match ep.client(log) {
        Ok(c) => c,
        Err(e) => return Ok(Err(e)),
    };
    let policy = client.policy().clone();
    let counter = Counter::new(client);
    counter.new_customer();
    let req = LookupRequest {
        personnummer: args.personnummer.clone(),
        flow: args.flow,
        consent: args.consent,
        identity_checked: args.identity_checked,
        agent: args.agent.clone(),
        guardian: args.guardian.clone(),
        prescription_id: args.prescription_id.clone(),
    };
    if ep.sim.is_some() {
        eprintln!("ÖVNINGSLÄGE – testdata från den inbyggda testservern");
    }
    let result = counter.lookup(req).await;
    if result.is_err() {
        counter.end_customer();
    }
    Ok(result.map(|result| Looked {
        result,
        policy,
        counter,
        _endpoint: ep,
    }))
}

fn g(v: &Guarded) -> String {
    match v {
        Guarded::Clear { value } => value.clone(),
        Guarded::Masked { .. } => "[dold – skyddade personuppgifter]".into(),
    }
}

fn og(v: &Option<Guarded>) -> Option<String> {
    v.as_ref().map(g).filter(|s| !s.is_empty())
}

fn date(d: Option<NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_else(|| "–".into())
}

fn prescriber(p: &PrescriberView) -> String {
    let mut parts = Vec::new();
    if let Some(n) = og(&p.name) {
        parts.push(n);
    }
    if let Some(x) = &p.profession {
        parts.push(format!("({x})"));
    }
    if let Some(w) = og(&p.workplace_name) {
        parts.push(format!("– {w}"));
    }
    parts.join(" ")
}

fn print_result(r: &LookupResult, all: bool) {
    let mut o = String::new();
    // Written at once; a closed pipe (`| head`) ends the output quietly.
    macro_rules! p {
        ($($t:tt)*) => {{
            let _ = writeln!(o, $($t)*);
        }};
    }
    let list: &MedicationList = &r.list.list;
    let p = &list.patient;
    p!(
        "Patient:   {}  {}{}{}",
        g(&p.name),
        p.personnummer_display
            .as_deref()
            .unwrap_or("(inget personnummer)"),
        p.age.map(|a| format!("  {a} år")).unwrap_or_default(),
        if p.deceased { "  AVLIDEN" } else { "" }
    );
    if r.list.masked {
        p!(
            "           SKYDDADE PERSONUPPGIFTER – uppgifter som kan avslöja var personen bor är dolda ({} fält)",
            r.list.record.len()
        );
    }
    if let Some(a) = og(&p.address) {
        p!("Adress:    {a}");
    }
    p!(
        "Ärende:    {} ({} / {})",
        r.context.flow_label(),
        r.context.purpose_code,
        r.context.access_code
    );
    p!(
        "Användare: {} ({}), {}",
        r.user.name.as_deref().unwrap_or(&r.user.user),
        nll::policy::role_label_sv(r.context.role),
        r.user.org.orgenhets_namn
    );
    p!(
        "Hämtat:    {} anrop, {} i följd, {} ms (session {})",
        r.requests,
        r.round_trips,
        r.elapsed_ms,
        r.session_id
    );
    if list.info.dos_patient || list.info.controlled_drugs || list.info.privacy_lock {
        let mut flags = Vec::new();
        if list.info.dos_patient {
            flags.push("dospatient");
        }
        if list.info.controlled_drugs {
            flags.push("narkotikaklassade läkemedel");
        }
        if list.info.privacy_lock {
            flags.push("integritetsspärr");
        }
        p!("Lista:     {}", flags.join(", "));
    }
    if !list.notices.is_empty() {
        p!("\nObservera:");
        for n in &list.notices {
            p!("  • {}", n.sv);
        }
    }
    for (group, title) in [
        (RxGroup::Current, "Aktuella recept"),
        (RxGroup::Future, "Kommande recept"),
        (RxGroup::Past, "Avslutade recept"),
    ] {
        let rows: Vec<_> = list
            .prescriptions
            .iter()
            .filter(|x| x.group == group)
            .collect();
        if rows.is_empty() && group != RxGroup::Current {
            continue;
        }
        p!("\n{title} ({})", rows.len());
        if rows.is_empty() {
            p!("  Det finns inga aktuella recept.");
        }
        let shown = if all { rows.len() } else { rows.len().min(30) };
        for rx in &rows[..shown] {
            let end = match rx.end {
                Some(RxEnd::Expired) => " [utgånget]",
                Some(RxEnd::Cancelled) => " [borttaget]",
                Some(RxEnd::Completed) => " [slutexpedierat]",
                None => "",
            };
            let strength = [rx.product.form.as_deref(), rx.product.strength.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            p!(
                "  {}  {} {}{}  uttag {}/{}  t.o.m. {}",
                date(rx.authored_on),
                rx.product.name,
                strength,
                end,
                rx.dispenses_made,
                rx.dispenses_allowed
                    .map(|n| n.to_string())
                    .unwrap_or_else(|| "?".into()),
                date(rx.valid_until)
            );
            if let Some(d) = &rx.dosage {
                p!("      {d}");
            }
            let pr = prescriber(&rx.prescriber);
            if !pr.is_empty() {
                p!("      Förskrivare: {pr}");
            }
            match &rx.treatment_reason {
                TreatmentReason::Shown { text } => p!("      Behandlingsorsak: {text}"),
                TreatmentReason::Withheld { .. } => {
                    p!("      Behandlingsorsak: visas inte i detta ärende")
                }
                TreatmentReason::None => {}
            }
            if let Some(d) = og(&rx.dose_pharmacy_name) {
                p!("      Dosapotek: {d}");
            }
        }
        if shown < rows.len() {
            p!("  … och {} till (--all visar alla)", rows.len() - shown);
        }
    }
    if !list.dispenses.is_empty() {
        p!("\nUthämtade läkemedel ({})", list.dispenses.len());
        let shown = if all {
            list.dispenses.len()
        } else {
            list.dispenses.len().min(30)
        };
        for d in &list.dispenses[..shown] {
            let channel = match d.channel {
                DispenseChannel::EPrescription => "e-recept",
                DispenseChannel::Paper => "pappersrecept",
            };
            let credited = if d.credited.is_some() {
                " [krediterad]"
            } else {
                ""
            };
            p!(
                "  {}  {}{} {}  ({channel}){credited}  {}",
                date(d.handed_over),
                d.packages.map(|n| format!("{n} x ")).unwrap_or_default(),
                d.product.name,
                d.product.strength.as_deref().unwrap_or(""),
                og(&d.pharmacy.name).unwrap_or_default()
            );
        }
        if shown < list.dispenses.len() {
            p!(
                "  … och {} till (--all visar alla)",
                list.dispenses.len() - shown
            );
        }
    }
    if !list.locks.is_empty() {
        p!("\nSpärrar ({})", list.locks.len());
        for l in &list.locks {
            p!(
                "  {:?} mot {:?}, {:?}, {:?}",
                l.kind,
                l.against,
                l.scope,
                l.content
            );
        }
    }
    if !list.unknown_resources.is_empty() {
        p!(
            "\nOkända resurser från NLL (visas inte): {}",
            list.unknown_resources.join(", ")
        );
    }
    let mut out = std::io::stdout().lock();
    let _ = out
        .write_all(crate::terminal::safe(&o).as_bytes())
        .and_then(|_| out.flush());
}

/// The flow's Swedish label, for the banner.
trait FlowLabel {
    fn flow_label(&self) -> &'static str;
}

impl FlowLabel for nll::policy::RequestContext {
    fn flow_label(&self) -> &'static str {
        nll::policy::Policy::standard().rule(self.flow).label_sv
    }
}
