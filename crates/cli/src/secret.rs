//! `nllc secret set|delete|status ACCOUNT`: the OS keyring accounts the configuration names
//! (service `se.receptdisk`): the PKCS#12 password, the OAuth2 client secret, a static token.
//! The value is read from a prompt (not echoed) or from standard input, never from an argument:
//! arguments end up in shell history and process lists.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use clap::Subcommand;
use nll_client::KeyringStore;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Store a secret: typed at a prompt, or the first line of standard input.
    Set { account: String },
    /// Remove a secret (done if there was none).
    Delete { account: String },
    /// Is a secret stored (never shows it)? Exit 1 if not.
    Status { account: String },
}

fn check_account(account: &str) -> anyhow::Result<()> {
    anyhow::ensure!(
        !account.is_empty()
            && account
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')),
        "kontonamnet får bara ha bokstäver a–z, siffror, '-', '_' och '.' (t.ex. pkcs12-password)"
    );
    Ok(())
}

/// The value: from a prompt without echo on a terminal, else one line of standard input.
fn read_value(account: &str) -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    let value = if stdin.is_terminal() {
        eprint!("Värde för {account} (visas inte): ");
        std::io::stderr().flush()?;
        let _echo = EchoOff::new();
        let mut line = String::new();
        stdin.lock().read_line(&mut line)?;
        eprintln!();
        line
    } else {
        let mut line = String::new();
        stdin.lock().read_line(&mut line)?;
        line
    };
    let value = value.trim_end_matches(['\r', '\n']).to_string();
    anyhow::ensure!(!value.is_empty(), "inget värde angavs");
    Ok(value)
}

/// Terminal echo off while the secret is typed (`stty`, on Unix), back on when dropped.
struct EchoOff(bool);

impl EchoOff {
    fn new() -> EchoOff {
        let off = cfg!(unix)
            && std::process::Command::new("stty")
                .arg("-echo")
                .stdin(std::process::Stdio::inherit())
                .status()
                .is_ok_and(|s| s.success());
        EchoOff(off)
    }
}

impl Drop for EchoOff {
    fn drop(&mut self) {
        if self.0 {
            let _ = std::process::Command::new("stty")
                .arg("echo")
                .stdin(std::process::Stdio::inherit())
                .status();
        }
    }
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let store = KeyringStore;
    let fail = |e: nll_client::ClientError| {
        eprintln!("nllc: {}", e.message);
        Ok(ExitCode::from(e.exit_code() as u8))
    };
    match &args.command {
        Cmd::Set { account } => {
            check_account(account)?;
            let value = read_value(account)?;
            match store.set(account, &value) {
                Ok(()) => println!("Sparat i nyckelringen: {account}"),
                Err(e) => return fail(e),
            }
        }
        Cmd::Delete { account } => {
            check_account(account)?;
            match store.delete(account) {
                Ok(()) => println!("Borttaget ur nyckelringen: {account}"),
                Err(e) => return fail(e),
            }
        }
        Cmd::Status { account } => {
            check_account(account)?;
            match store.has(account) {
                Ok(true) => println!("{account}: finns i nyckelringen"),
                Ok(false) => {
                    println!("{account}: finns inte i nyckelringen");
                    return Ok(ExitCode::from(1));
                }
                Err(e) => return fail(e),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
