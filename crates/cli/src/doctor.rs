//! `nllc doctor`: the connection check a pilot starts with (the same code as *Testa
//! anslutningen* in the app): configuration, certificate, network, TLS, login, FHIR and an
//! optional test patient search, one ✓/✗ line each.

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The user's configuration file instead of the standard one.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// One JSON object (the report the app shows) instead of lines.
    #[arg(long)]
    json: bool,
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let report = match crate::fetch::layers(args.config.as_deref()) {
        Ok(layers) => rt.block_on(nll_client::doctor::check(
            &layers,
            &nll_client::KeyringStore,
        )),
        Err(e) => nll_client::doctor::DoctorReport::config_failed(&e),
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        for step in &report.steps {
            println!("{}", step.line());
        }
    }
    Ok(ExitCode::from(report.exit_code() as u8))
}
