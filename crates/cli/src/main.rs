//! `nllc`: the counter's flows without the window — for tests, pilots and support.
//!
//! One subcommand = one variant of [`Command`] + one module with `Args` and
//! `run(&Args) -> anyhow::Result<ExitCode>`. Exit codes: 0 done, 1 the input was checked and
//! refused (the reason is on stderr), 2 usage or configuration error.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod access_review;
mod access_review_bench;
mod bench;
mod check_id;
mod config;
mod doctor;
mod fetch;
mod flows;
mod log;
mod log_push;
mod print;
mod secret;
mod sim;
mod terminal;

#[derive(Parser)]
#[command(
    name = "nllc",
    version,
    about = "Receptdisk: NLL at the pharmacy counter, from the command line"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a personnummer or samordningsnummer (or a GLN / HSA-id).
    CheckId(check_id::Args),
    /// List the counter flows open to a role, with their purpose and access codes.
    Flows(flows::Args),
    /// Look a patient up in NLL for a counter flow: banner, notices, the list (masked when protected).
    Fetch(fetch::FetchArgs),
    /// The local access log for the access review (åtkomstkontroll).
    Log(log::Args),
    /// Measure the fetch plan against the test server with added latency.
    BenchFetch(bench::Args),
    /// One lookup, then one printout as PDF: saved (--out) or printed (--printer).
    Print(print::PrintArgs),
    /// The chain's access review over the central log (PostgreSQL): report, init-db, verify, bench.
    Review(access_review::Args),
    /// Run the NLL test server (synthetic patients, mutual TLS, faults) until Ctrl-C.
    Sim(sim::Args),
    /// The configuration the app and nllc share: `show` (merged, with where each value came
    /// from) or `check` (what is wrong, by file and line).
    Config(config::Args),
    /// Check the connection to NLL step by step: configuration, certificate, network, TLS,
    /// login, FHIR, a test patient.
    Doctor(doctor::Args),
    /// Manage the secrets in the OS keyring (certificate password, client secret, token).
    Secret(secret::Args),
}

fn main() -> ExitCode {
    quiet_on_closed_pipe();
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::CheckId(args) => check_id::run(args),
        Command::Flows(args) => flows::run(args),
        Command::Fetch(args) => fetch::run(args),
        Command::Log(args) => log::run(args),
        Command::BenchFetch(args) => bench::run(args),
        Command::Print(args) => print::run(args),
        Command::Sim(args) => sim::run(args),
        Command::Review(args) => access_review::run(args),
        Command::Config(args) => config::run(args),
        Command::Doctor(args) => doctor::run(args),
        Command::Secret(args) => secret::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("nllc: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// `nllc log | head`: when the reader stops early, stop quietly with the exit status of a
/// process ended by SIGPIPE (128 + 13), as other Unix tools do, instead of a panic message.
fn quiet_on_closed_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .unwrap_or("");
        if message.starts_with("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(141);
        }
        default(info)
    }));
}
