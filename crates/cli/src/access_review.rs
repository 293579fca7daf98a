//! `nllc review`: the chain's access review over the central log (PostgreSQL), and the
//! database's set-up, verification and benchmark.
//!
//! ```text
//! nllc review --config granskning.toml --from 2026-11-01 --through 2026-11-30 \
//!     [--pharmacy GLN] --out rapport.html [--csv fynd.csv]
//! nllc review init-db --config granskning.toml [--user receptdisk_owner]
//! nllc review verify --config granskning.toml
//! nllc review bench [--pharmacies 400]
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{anyhow, Context};
use chrono::NaiveDate;
use nll_client::{CentralLogConfig, KeyringStore, SecretStore};
use review::rules::{Period, ReviewConfig};
use review::staff::{ChainKey, StaffList, CHAIN_KEY_ACCOUNT};

#[derive(clap::Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    command: Option<Sub>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(clap::Subcommand, Debug)]
enum Sub {
    /// Create or migrate the central log's schema, roles and monthly partitions (as its owner).
    InitDb(InitArgs),
    /// Check every workstation's hash chain in the central log; exit 1 naming what is wrong.
    Verify(VerifyArgs),
    /// Fill a database with a synthetic chain and measure ingest, review and what is found.
    Bench(crate::access_review_bench::Args),
}

#[derive(clap::Args, Debug)]
struct RunArgs {
    /// The review configuration: [database], rules, staff list.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// First local day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    from: Option<NaiveDate>,
    /// Last local day, included (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    through: Option<NaiveDate>,
    /// Only this pharmacy (GLN).
    #[arg(long, value_name = "GLN")]
    pharmacy: Option<String>,
    /// The HTML report.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// The findings as CSV.
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
struct InitArgs {
    #[arg(long, value_name = "FILE")]
    config: PathBuf,
    /// Connect as this user (the schema's owner) instead of [database].user.
    #[arg(long)]
    user: Option<String>,
    /// Monthly partitions made ahead of time.
    #[arg(long, default_value_t = 12)]
    months_ahead: u32,
    #[arg(long, default_value_t = 1)]
    months_back: u32,
}

#[derive(clap::Args, Debug)]
struct VerifyArgs {
    #[arg(long, value_name = "FILE")]
    config: PathBuf,
}

fn database(cfg: &ReviewConfig, file: &std::path::Path) -> anyhow::Result<CentralLogConfig> {
    cfg.database.clone().ok_or_else(|| {
        anyhow!(
            "{}: [database] saknas (host, dbname, user för kedjans logg)",
            file.display()
        )
    })
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let rt = tokio::runtime::Runtime::new()?;
    match &args.command {
        Some(Sub::InitDb(a)) => rt.block_on(init_db(a)),
        Some(Sub::Verify(a)) => rt.block_on(verify(a)),
        Some(Sub::Bench(a)) => rt.block_on(crate::access_review_bench::run(a)),
        None => rt.block_on(review(&args.run)),
    }
}

async fn init_db(a: &InitArgs) -> anyhow::Result<ExitCode> {
    let cfg = ReviewConfig::load(&a.config)?;
    let mut db_cfg = database(&cfg, &a.config)?;
    if let Some(u) = &a.user {
        db_cfg.user = u.clone();
    }
    let mut db = review::connect(&db_cfg, &KeyringStore).await?;
    let r = review::schema::init_db(&mut db, a.months_back, a.months_ahead).await?;
    if r.applied.is_empty() {
        println!("Schemat är redan version {}.", r.version);
    } else {
        println!(
            "Migreringar körda: {:?}; schemat är version {}.",
            r.applied, r.version
        );
    }
    println!(
        "{} månadspartitioner finns från {} månader bakåt till {} framåt. Kör igen varje månad.",
        r.months, a.months_back, a.months_ahead
    );
    Ok(ExitCode::SUCCESS)
}

async fn verify(a: &VerifyArgs) -> anyhow::Result<ExitCode> {
    let cfg = ReviewConfig::load(&a.config)?;
    let db = review::connect(&database(&cfg, &a.config)?, &KeyringStore).await?;
    let v = review::verify::verify(&db).await?;
    println!(
        "{} rader från {} arbetsstationer kontrollerade.",
        v.rows, v.workstations
    );
    if v.problems.is_empty() {
        println!("Alla kedjor hänger ihop: inget saknas, inget är ändrat.");
        return Ok(ExitCode::SUCCESS);
    }
    for p in &v.problems {
        println!("{p}");
    }
    Ok(ExitCode::from(1))
}

fn staff(cfg: &ReviewConfig) -> anyhow::Result<Option<StaffList>> {
    let Some(path) = &cfg.staff_list else {
        return Ok(None);
    };
    let account = cfg
        .chain_key_keyring
        .as_deref()
        .unwrap_or(CHAIN_KEY_ACCOUNT);
    let secret = KeyringStore
        .get(account)
        .map_err(|e| anyhow!("kedjans patientnyckel: {}", e.message))?;
    let key = ChainKey::new(secret.expose().as_bytes())?;
    Ok(Some(StaffList::load(path, &key)?))
}

async fn review(a: &RunArgs) -> anyhow::Result<ExitCode> {
    let file = a
        .config
        .as_ref()
        .ok_or_else(|| anyhow!("ange --config granskning.toml (se README, Kedjan)"))?;
    let (Some(from), Some(through), Some(out)) = (a.from, a.through, &a.out) else {
        return Err(anyhow!(
            "ange --from, --through och --out (t.ex. --out rapport.html)"
        ));
    };
    let cfg = ReviewConfig::load(file)?;
    let staff = staff(&cfg)?;
    let db = review::connect(&database(&cfg, file)?, &KeyringStore).await?;
    let period = Period {
        from,
        through,
        gln: a.pharmacy.clone(),
    };
    let r = review::rules::review(&db, &cfg, &period, staff.as_ref()).await?;
    let generated = chrono::Local::now().format("%Y-%m-%d %H:%M").to_string();
    std::fs::write(out, review::report::html(&r, &cfg, &generated))
        .with_context(|| format!("{} kunde inte skrivas", out.display()))?;
    if let Some(csv) = &a.csv {
        std::fs::write(csv, review::report::csv(&r, &cfg))
            .with_context(|| format!("{} kunde inte skrivas", csv.display()))?;
    }
    println!(
        "{} loggrader, {} slagningar, {} fynd. Rapporten: {}",
        r.rows,
        r.lookups,
        r.findings.len(),
        out.display()
    );
    for (rule, why) in &r.not_run {
        println!("Regeln {rule} kördes inte helt: {why}");
    }
    Ok(ExitCode::SUCCESS)
}
