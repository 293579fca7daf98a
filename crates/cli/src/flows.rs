//! `nllc flows`: the counter flows a role may run, from the policy table (`nll::policy`); with
//! `--all`, the whole code table — every purpose and access code, care's included, with its
//! status and source and the flows that send it — and the header settings, for a chain to hand
//! to EHM in the approval process.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use nll::headers::HeaderEncoding;
use nll::policy::{
    printout_label_sv, role_label_sv, CheckedBy, CodeInfo, CodeStatus, FlowInfo, Policy,
};
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
    #[arg(long, value_enum, required_unless_present = "all")]
    role: Option<RoleArg>,
    /// The whole code table instead: every code with its status and source, care's included.
    #[arg(long, conflicts_with = "role")]
    all: bool,
    /// Print JSON (the same `FlowInfo` objects the UI gets; with `--all`, the code table).
    #[arg(long)]
    json: bool,
    /// TOML file overriding wire codes (`[purpose]`, `[access]`, `protection_labels`,
    /// `[headers]`).
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

fn flow_label(policy: &Policy, f: nll::Flow) -> &'static str {
    policy.rule(f).label_sv
}

/// `--all`: the code table and the header settings.
fn print_all(policy: &Policy, json: bool) -> anyhow::Result<()> {
    let codes: Vec<CodeInfo> = policy.code_table();
    let headers = policy.headers();
    if json {
        let v = serde_json::json!({ "codes": codes, "headers": headers });
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(());
    }
    println!("Kodtabellen (nll::policy): {} koder\n", codes.len());
    for c in &codes {
        let used = if c.care_only {
            "endast vård – erbjuds aldrig vid disken".to_string()
        } else if c.flows.is_empty() {
            "används inte vid disken".to_string()
        } else {
            c.flows
                .iter()
                .map(|f| flow_label(policy, *f))
                .collect::<Vec<_>>()
                .join(", ")
        };
        println!("{:<13}{} ({})", c.header, c.code, status_sv(c.status));
        if c.code != c.key {
            println!("             standardnamn: {}", c.key);
        }
        println!("             källa: {}", c.source);
        println!("             används i: {used}\n");
    }
    let onoff = |b: bool| {
        if b {
            "skickas"
        } else {
            "skickas inte (opublicerad)"
        }
    };
    println!("Rubriker:");
    println!(
        "  X-User-Agent, X-Org-Info: {}",
        match headers.json_encoding {
            HeaderEncoding::Base64 => "Base64 av kompakt JSON (ANTAGEN)",
            HeaderEncoding::AsciiJson => "ren ASCII-JSON",
        }
    );
    println!("  X-Agent-Id: {}", onoff(headers.agent_id));
    println!("  X-Guardian-Id: {}", onoff(headers.guardian_id));
    Ok(())
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let policy = load_policy(args.policy.as_ref())?;
    let Some(role) = args.role else {
        print_all(&policy, args.json)?;
        return Ok(ExitCode::SUCCESS);
    };
    let role: Role = role.into();
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
