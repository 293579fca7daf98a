//! `nllc config show|check`: the one configuration the app and `nllc` share (the chain's
//! machine-wide file, then the user's), merged, with where each value came from; and what is
//! wrong with it, one line per problem naming its file and line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// The merged configuration as TOML, each value with its file and line (never a secret).
    Show {
        /// The user's configuration file instead of the standard one.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Reads the configuration and lists what is wrong, one line each (exit 2 if anything is).
    Check {
        /// The user's configuration file instead of the standard one.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let (Cmd::Show { config } | Cmd::Check { config }) = &args.command;
    let layers = match crate::fetch::layers(config.as_deref()) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("✗ {}", e.message);
            return Ok(ExitCode::from(2));
        }
    };
    match &args.command {
        Cmd::Show { .. } => {
            print!("{}", layers.show());
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Check { .. } => {
            let problems = layers.problems();
            for p in &problems {
                println!("✗ {p}");
            }
            if problems.is_empty() {
                let files: Vec<String> = layers
                    .files()
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect();
                if files.is_empty() {
                    println!("✓ Inga inställningsfiler: standardvärden, övningsläge");
                } else {
                    println!("✓ Inställningarna är giltiga ({})", files.join(", "));
                }
                if !layers.is_live() {
                    println!("  base_url saknas: appen startar i övningsläge");
                }
                Ok(ExitCode::SUCCESS)
            } else {
                Ok(ExitCode::from(2))
            }
        }
    }
}
