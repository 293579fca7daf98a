//! `nllc print`: one lookup, then one printout as PDF — saved to a file or sent to a printer.
//! The printout renders only from the masked list, and only if the policy lets the flow hand it
//! out. A failed print keeps the PDF and says where.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use nll::PrintoutKind;
use printout::{PrintTarget, RenderOptions};

use crate::fetch;

#[derive(Debug, Parser)]
pub struct PrintArgs {
    /// aktuella-recept | uthamtade | forteckning | forskrivningshistorik
    #[arg(long, value_parser = parse_kind)]
    pub kind: PrintoutKind,
    /// Save the PDF here.
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present = "printer",
        conflicts_with = "printer"
    )]
    pub out: Option<PathBuf>,
    /// Print on this CUPS queue.
    #[arg(long, value_name = "QUEUE")]
    pub printer: Option<String>,
    #[arg(long, default_value_t = 1)]
    pub copies: u32,
    #[command(flatten)]
    pub lookup: fetch::Args,
}

fn parse_kind(s: &str) -> Result<PrintoutKind, String> {
    serde_json::from_value(serde_json::Value::String(s.into())).map_err(|_| {
        "välj aktuella-recept, uthamtade, forteckning eller forskrivningshistorik".to_string()
    })
}

pub fn run(args: &PrintArgs) -> anyhow::Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let (result, policy) = match rt.block_on(fetch::lookup_once(&args.lookup))? {
        Ok(x) => x,
        Err(e) => return Ok(fetch::report_error(&e, false)),
    };
    let opts = RenderOptions::new(result.user.org.clone());
    let pdf = match printout::render_for_flow(
        &policy,
        args.lookup.flow,
        args.kind,
        &result.list,
        &opts,
    ) {
        Ok(pdf) => pdf,
        Err(e) => {
            eprintln!("{e}");
            return Ok(ExitCode::from(1));
        }
    };
    if let Some(out) = &args.out {
        if let Err(e) = pdf.save(out) {
            eprintln!("{e}");
            return Ok(ExitCode::from(2));
        }
        println!(
            "{} sparad: {} ({} sidor)",
            pdf.title,
            out.display(),
            pdf.pages
        );
        return Ok(ExitCode::SUCCESS);
    }
    let queue = args.printer.clone().unwrap_or_default();
    match printout::print(&pdf, &PrintTarget::named(queue, args.copies)) {
        Ok(_) => {
            println!("{} utskriven ({} sidor)", pdf.title, pdf.pages);
            Ok(ExitCode::SUCCESS)
        }
        Err(failure) => {
            eprintln!("{failure}");
            Ok(ExitCode::from(3))
        }
    }
}
