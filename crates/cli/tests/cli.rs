//! `nllc` as a user runs it: the built binary, its stdout, stderr and exit code.

use std::path::PathBuf;
use std::process::{Command, Output};

fn nllc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nllc"))
        .args(args)
        .output()
        .expect("run nllc")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

#[test]
fn check_id_prints_kind_forms_birth_date_and_age() {
    let o = nllc(&["check-id", "19121212-1212", "--date", "2025-06-15"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "Typ:           Personnummer\n\
         12 siffror:    191212121212\n\
         Visningsform:  121212+1212\n\
         Födelsedatum:  1912-12-12\n\
         Ålder:         112 år (den 2025-06-15)\n"
    );
    assert!(stderr(&o).is_empty());
}

#[test]
fn check_id_ten_digits_take_the_century_from_the_date_and_separator() {
    let o = nllc(&["check-id", "121212-1212", "--date", "2025-06-15"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stdout(&o).contains("12 siffror:    201212121212"),
        "{}",
        stdout(&o)
    );
    assert!(
        stdout(&o).contains("Ålder:         12 år"),
        "{}",
        stdout(&o)
    );
    let o = nllc(&["check-id", "121212+1212", "--date", "2025-06-15"]);
    assert!(
        stdout(&o).contains("12 siffror:    191212121212"),
        "{}",
        stdout(&o)
    );
    // Scanner-style input split over words is joined.
    let o = nllc(&["check-id", "19121212", "1212", "--date", "2025-06-15"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn check_id_samordningsnummer_json() {
    let o = nllc(&[
        "check-id",
        "19701063-2391",
        "--date",
        "2025-06-15",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["kind"], "samordningsnummer");
    assert_eq!(v["twelve"], "197010632391");
    assert_eq!(v["display"], "701063-2391");
    assert_eq!(v["birthDate"], "1970-10-03");
    assert_eq!(v["age"], 54);
    assert_eq!(v["ok"], true);
    // Invalid: the same shape with the reason, exit 1.
    let o = nllc(&["check-id", "19121212-1213", "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["ok"], false);
    assert_eq!(v["errorSv"], "Kontrollsiffran stämmer inte.");
}

#[test]
fn check_id_refuses_with_the_reason_in_swedish() {
    for (text, reason) in [
        ("19121212-1213", "Ogiltigt: Kontrollsiffran stämmer inte.\n"),
        (
            "19900230-1234",
            "Ogiltigt: Datumet finns inte: 1990-02-30.\n",
        ),
        (
            "1212121",
            "Ogiltigt: Fel antal siffror: 7, ska vara 10 eller 12.\n",
        ),
        (
            "19121212-12A2",
            "Ogiltigt: Otillåtet tecken 'A': bara siffror och - eller + är tillåtna.\n",
        ),
    ] {
        let o = nllc(&["check-id", text, "--date", "2025-06-15"]);
        assert_eq!(o.status.code(), Some(1), "{text}");
        assert_eq!(stderr(&o), reason, "{text}");
        assert!(stdout(&o).is_empty(), "{text}");
    }
}

#[test]
fn check_id_gln_and_hsa() {
    let o = nllc(&["check-id", "--gln", "6291041500213"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stdout(&o),
        "Typ:           GLN\nVärde:         6291041500213\n"
    );
    let o = nllc(&["check-id", "--gln", "6291041500214"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "Ogiltigt: Kontrollsiffran i GLN-numret stämmer inte.\n"
    );
    let o = nllc(&["check-id", "--hsa", "SE2321000016-15CQ"]);
    assert_eq!(o.status.code(), Some(0));
    let o = nllc(&["check-id", "--hsa", "SE2321000016"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("bindestreck"), "{}", stderr(&o));
}

#[test]
fn flows_for_farmaceut_list_every_flow_with_codes_and_requirements() {
    let o = nllc(&["flows", "--role", "farmaceut"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.starts_with("Roll: Farmaceut — 9 ärenden"), "{out}");
    for line in [
        "F1  Expediering",
        "F2  Läkemedelsstöd",
        "F3  Ombud med fullmakt",
        "F4  Egna uppgifter",
        "F5  Vårdnadshavare",
        "    Expediering – visa behandlingsorsak",
        "    Ändamål:      EXPEDIERING (bekräftad)",
        "    Åtkomsttyp:   KOPFULLMAKT (ANTAGEN)",
        "    Kräver:       Ombudets personnummer [bekräftas före anropet]",
        "    Kräver:       Patienten är på plats och samtycker till åtkomsten nu [bekräftas före anropet]",
        "    Tidsfönster:  24 månader",
        "    Utskrifter:   Aktuella recept, Uthämtade läkemedel (dospatient: Uthämtade läkemedel, Förteckning recept)",
    ] {
        assert!(out.lines().any(|l| l == line), "missing {line:?} in\n{out}");
    }
}

#[test]
fn flows_for_apotekspersonal_leave_out_pharmacist_only_flows() {
    let o = nllc(&["flows", "--role", "apotekspersonal"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(
        out.starts_with("Roll: Apotekspersonal — 4 ärenden"),
        "{out}"
    );
    assert!(!out.contains("Läkemedelsstöd"), "{out}");
    assert!(!out.contains("– visa behandlingsorsak"), "{out}");
    assert!(!out.contains("F2"), "{out}");
    assert!(out.contains("F3  Ombud med fullmakt"));
}

#[test]
fn flows_json_is_the_ui_shape() {
    let o = nllc(&["flows", "--role", "farmaceut", "--json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let flows = v.as_array().unwrap();
    assert_eq!(flows.len(), 9);
    let dos = flows
        .iter()
        .find(|f| f["flow"] == "lakemedelsstod-dos")
        .unwrap();
    assert_eq!(dos["accessCode"], "DOSPATIENTS_UPPGIFTER");
    assert_eq!(dos["mainFlow"], "lakemedelsstod");
    assert_eq!(dos["requires"][0]["requirement"], "dos-consent");
    assert_eq!(dos["requires"][0]["checkedBy"], "patient-facts");
    let reason = flows
        .iter()
        .find(|f| f["flow"] == "expediering-behandlingsorsak")
        .unwrap();
    assert_eq!(reason["readsOnePrescription"], true);
    assert_eq!(dos["readsOnePrescription"], false);
    // The UI's fake backend uses this very output; `scripts/test.sh` fails if the committed
    // copy differs from what this wrote.
    let fake =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/fake/flows.json");
    std::fs::write(fake, &o.stdout).unwrap();
}

/// `nllc flows --all`: the whole code table for the approval process — every code with its
/// status and source, care's five marked never offered at the counter.
#[test]
fn flows_all_lists_every_code_with_status_and_source() {
    let o = nllc(&["flows", "--all"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.starts_with("Kodtabellen (nll::policy): 18 koder"),
        "{out}"
    );
    for line in [
        "X-Access     TILLFALLIGT_SAMTYCKE_SPARRADE_UPPGIFTER (bekräftad)",
        "X-Access     SAMTYCKE_PRIVAT_TILL_VARDPERSONAL (bekräftad)",
        "X-Access     KOPFULLMAKT (ANTAGEN)",
        "X-Purpose    VARD (bekräftad)",
        "             källa: NLL.md §5: care only; EHM's care table [S8]",
        "             används i: endast vård – erbjuds aldrig vid disken",
        "             används i: Ombud med fullmakt",
        "  X-User-Agent, X-Org-Info: Base64 av kompakt JSON (ANTAGEN)",
        "  X-Agent-Id: skickas inte (opublicerad)",
    ] {
        assert!(out.lines().any(|l| l == line), "missing {line:?} in\n{out}");
    }
    let o = nllc(&["flows", "--all", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let codes = v["codes"].as_array().unwrap();
    assert_eq!(codes.len(), 18);
    let care: Vec<&str> = codes
        .iter()
        .filter(|c| c["careOnly"] == true)
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        care,
        [
            "VARD",
            "FORMODAT_SAMTYCKE",
            "NODATKOMST",
            "TILLFALLIGT_SAMTYCKE_SPARRADE_UPPGIFTER",
            "UTAN_KRAV_SAMTYCKE_BARN",
            "SAMTYCKE_PRIVAT_TILL_VARDPERSONAL"
        ]
    );
    assert_eq!(v["headers"]["jsonEncoding"], "base64");
    assert_eq!(v["headers"]["agentId"], false);
    // Neither a role nor --all: a usage error.
    assert_eq!(nllc(&["flows"]).status.code(), Some(2));
}

fn policy_file(name: &str, text: &str) -> PathBuf {
    let p = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn flows_with_a_policy_file() {
    let p = policy_file("nllc-ok.toml", "[access]\nKOPFULLMAKT = \"FULLMAKT\"\n");
    let o = nllc(&[
        "flows",
        "--role",
        "apotekspersonal",
        "--policy",
        p.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o)
            .lines()
            .any(|l| l == "    Åtkomsttyp:   FULLMAKT (från policyfilen)"),
        "{}",
        stdout(&o)
    );

    let p = policy_file(
        "nllc-bad.toml",
        "[access]\nKOPFULLMAKT = \"F\"\nFULLMAKT = \"X\"\n",
    );
    let o = nllc(&[
        "flows",
        "--role",
        "farmaceut",
        "--policy",
        p.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("Policyfilen rad 3: okänd nyckel `FULLMAKT` i [access]."),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).is_empty());

    let o = nllc(&[
        "flows",
        "--role",
        "farmaceut",
        "--policy",
        "/nonexistent/policy.toml",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("kan inte läsa policyfilen"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn usage_errors() {
    assert_eq!(nllc(&["flows"]).status.code(), Some(2), "role is required");
    assert_eq!(nllc(&["flows", "--role", "doktor"]).status.code(), Some(2));
    assert_eq!(nllc(&["check-id"]).status.code(), Some(2));
    assert_eq!(
        nllc(&["check-id", "--date", "2025-13-01", "1212121212"])
            .status
            .code(),
        Some(2)
    );
}
