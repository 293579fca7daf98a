//! `nllc check-id`: is this a valid personnummer or samordningsnummer, and what does it say?

use std::process::ExitCode;

use chrono::NaiveDate;
use nll::ids::{Gln, HsaId, IdError, PersonId};
use nll_client::id_check::{GlnCheck, IdCheck};
use serde_json::json;

#[derive(clap::Args)]
pub struct Args {
    /// The number as typed or scanned: 10 or 12 digits, with or without - or +. Several words
    /// are joined (`nllc check-id 19121212 1212`).
    #[arg(required = true, num_args = 1..)]
    text: Vec<String>,
    /// Reference date for the century of 10-digit numbers and the age (default: today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: Option<NaiveDate>,
    /// Check a GLN (13 digits, GS1 check digit) instead.
    #[arg(long, conflicts_with = "hsa")]
    gln: bool,
    /// Check an HSA-id instead.
    #[arg(long)]
    hsa: bool,
    /// Print JSON: for a personnummer or a GLN the check as the app's fields get it
    /// (`{ok, kind, twelve, display, birthDate, age, errorSv, errorEn}`), also when invalid.
    #[arg(long)]
    json: bool,
}

fn refuse(e: &IdError) -> ExitCode {
    eprintln!("Ogiltigt: {e}");
    ExitCode::from(1)
}

/// `--json`: the check as the app's number fields get it (valid or not), exit 1 when invalid.
fn print_json<T: serde::Serialize>(check: &T, ok: bool) -> anyhow::Result<ExitCode> {
    println!("{}", serde_json::to_string_pretty(check)?);
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let text = args.text.join("");
    if args.gln && args.json {
        let check = GlnCheck::of(&text);
        return print_json(&check, check.ok);
    }
    if args.gln || args.hsa {
        let (kind, value) = if args.gln {
            match Gln::parse(&text) {
                Ok(g) => ("GLN", g.to_string()),
                Err(e) => return Ok(refuse(&e)),
            }
        } else {
            match HsaId::parse(&text) {
                Ok(h) => ("HSA-id", h.to_string()),
                Err(e) => return Ok(refuse(&e)),
            }
        };
        if args.json {
            println!("{}", json!({ "kind": kind, "value": value }));
        } else {
            println!("Typ:           {kind}");
            println!("Värde:         {value}");
        }
        return Ok(ExitCode::SUCCESS);
    }

    let today = args
        .date
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    if args.json {
        let check = IdCheck::of(&text, today);
        return print_json(&check, check.ok);
    }
    let id = match PersonId::parse(&text, today) {
        Ok(id) => id,
        Err(e) => return Ok(refuse(&e)),
    };
    let age = id.age_on(today);
    println!("Typ:           {}", id.kind().label_sv());
    println!("12 siffror:    {}", id.twelve());
    println!("Visningsform:  {}", id.display(today));
    println!("Födelsedatum:  {}", id.birth_date());
    println!("Ålder:         {age} år (den {today})");
    Ok(ExitCode::SUCCESS)
}
