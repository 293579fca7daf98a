//! `nllc print`: one lookup, then one printout as PDF — saved to a file or sent to a printer.
//! The printout renders only from the masked list, and only if the policy lets the flow hand it
//! out. A failed print keeps the PDF and says where.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use nll::PrintoutKind;
use nll_client::{nll_api, Actor, PrintOutcome};
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
    let looked = match rt.block_on(fetch::lookup_once(&args.lookup))? {
        Ok(x) => x,
        Err(e) => return Ok(fetch::report_error(&e, false)),
    };
    let code = print_shown(args, &looked);
    looked.counter.end_customer();
    code
}

/// Renders, prints or saves, and writes the printout's row to the access log (also for a
/// failed one), as the app does.
fn print_shown(args: &PrintArgs, looked: &fetch::Looked) -> anyhow::Result<ExitCode> {
    let (result, counter) = (&looked.result, &looked.counter);
    let shown = match counter.shown(result.lookup_seq) {
        Ok(s) => s,
        Err(e) => return Ok(fetch::report_error(&e, false)),
    };
    let opts = RenderOptions::new(result.user.org.clone());
    let pdf = match printout::render_for_flow(
        &looked.policy,
        args.lookup.flow,
        args.kind,
        &shown.masked,
        &opts,
    ) {
        Ok(pdf) => pdf,
        Err(e) => {
            eprintln!("{e}");
            return Ok(ExitCode::from(1));
        }
    };
    let role = nll_api::role_code(result.user.role);
    let log = |copies: u32, printer: Option<&str>, outcome: PrintOutcome| {
        let who = Actor {
            user: &result.user.user,
            role: &role,
        };
        let row = shown.printout_row(who, args.kind, pdf.pages as u32, copies, printer, outcome);
        counter.client().access_log().append(&row).map(|_| ())
    };
    if let Some(out) = &args.out {
        if let Err(e) = pdf.save(out) {
            eprintln!("{e}");
            log(1, None, PrintOutcome::Failed(e.code()))?;
            return Ok(ExitCode::from(2));
        }
        log(1, None, PrintOutcome::Saved)?;
        println!(
            "{} sparad: {} ({} sidor)",
            pdf.title,
            out.display(),
            pdf.pages
        );
        return Ok(ExitCode::SUCCESS);
    }
    let queue = args.printer.clone().unwrap_or_default();
    let printed = printout::print(&pdf, &PrintTarget::named(queue.clone(), args.copies));
    let outcome = match &printed {
        Ok(_) => PrintOutcome::Printed,
        Err(f) => PrintOutcome::Failed(f.error.code()),
    };
    log(args.copies, Some(&queue), outcome)?;
    match printed {
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
