//! `nllc flows`: the counter flows a role may run, from the policy table (`nll::policy`).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use nll::policy::{printout_label_sv, role_label_sv, CheckedBy, CodeStatus, FlowInfo, Policy};
use nll::Role;

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum RoleArg {
    Farmaceut,
    Apotekspersonal,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::Farmaceut => Role::Farmaceut,
            RoleArg::Apotekspersonal => Role::Apotekspersonal,
        }
    }
}

#[derive(clap::Args)]
pub struct Args {
    /// The role NLL gives the user (from the token).
    #[arg(long, value_enum)]
    role: RoleArg,
    /// Print JSON (the same `FlowInfo` objects the UI gets).
    #[arg(long)]
    json: bool,
    /// TOML file overriding wire codes (`[purpose]`, `[access]`, `protection_labels`).
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
}

/// The standard policy, or the standard one with the file's overrides.
pub fn load_policy(path: Option<&PathBuf>) -> anyhow::Result<Policy> {
    let Some(path) = path else {
        return Ok(Policy::standard());
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("kan inte läsa policyfilen {}", path.display()))?;
    Policy::from_overrides_toml(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

fn status_sv(s: CodeStatus) -> &'static str {
    match s {
        CodeStatus::Confirmed => "bekräftad",
        CodeStatus::Assumed => "ANTAGEN",
        CodeStatus::Configured => "från policyfilen",
    }
}

fn print_flow(f: &FlowInfo) {
    let key = f.fkey.map(|k| format!("F{k}")).unwrap_or_default();
    println!("{key:<4}{}", f.label_sv);
    println!("    {}", f.summary_sv);
    println!(
        "    Ändamål:      {} ({})",
        f.purpose_code,
        status_sv(f.purpose_code_status)
    );
    println!(
        "    Åtkomsttyp:   {} ({})",
        f.access_code,
        status_sv(f.access_code_status)
    );
    if f.requires.is_empty() {
        println!("    Kräver:       inget att bekräfta");
    } else {
        for (i, r) in f.requires.iter().enumerate() {
            let lead = if i == 0 { "Kräver:" } else { "" };
            let how = match r.checked_by {
                CheckedBy::Confirmation => "bekräftas före anropet",
                CheckedBy::PatientFacts => "kontrolleras efter patientuppslaget",
            };
            println!("    {lead:<14}{} [{how}]", r.label_sv);
        }
    }
    if let Some(m) = f.window_months {
        println!("    Tidsfönster:  {m} månader");
    }
    let prints: Vec<&str> = f.printouts.iter().map(|p| printout_label_sv(*p)).collect();
    let dos: Vec<&str> = f
        .printouts_dos
        .iter()
        .map(|p| printout_label_sv(*p))
        .collect();
    if !prints.is_empty() || !dos.is_empty() {
        let show = |v: &[&str]| {
            if v.is_empty() {
                "inga".to_string()
            } else {
                v.join(", ")
            }
        };
        if prints == dos {
            println!("    Utskrifter:   {}", show(&prints));
        } else {
            println!(
                "    Utskrifter:   {} (dospatient: {})",
                show(&prints),
                show(&dos)
            );
        }
    }
    println!();
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let policy = load_policy(args.policy.as_ref())?;
    let role: Role = args.role.into();
    let infos = policy.flow_infos(role);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&infos)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "Roll: {} — {} ärenden (nll::policy)\n",
        role_label_sv(role),
        infos.len()
    );
    for f in &infos {
        print_flow(f);
    }
    Ok(ExitCode::SUCCESS)
}
