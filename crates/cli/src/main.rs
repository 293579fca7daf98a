//! `nllc`: the counter's flows without the window — for tests, pilots and support.
//!
//! One subcommand = one variant of [`Command`] + one module with `Args` and
//! `run(&Args) -> anyhow::Result<ExitCode>`. Exit codes: 0 done, 1 the input was checked and
//! refused (the reason is on stderr), 2 usage or configuration error.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod check_id;
mod flows;

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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::CheckId(args) => check_id::run(args),
        Command::Flows(args) => flows::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("nllc: {e:#}");
            ExitCode::from(2)
        }
    }
}
