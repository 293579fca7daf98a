//! `nllc print` against the built-in test server: the printout is masked for a protected
//! patient, a printout the flow may not hand out is refused, a missing printer keeps the PDF,
//! and every printout (saved or failed) is a row in the access log.
use std::process::Command;

fn nllc(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_nllc"))
        .args(args)
        .env(
            "HOME",
            std::env::temp_dir().join(format!("nllc-print-{}", std::process::id())),
        )
        .output()
        .expect("run nllc")
}

/// The printout rows of the log at `log`, as `nllc log --kind printout --csv` gives them.
fn printout_rows(log: &std::path::Path) -> Vec<String> {
    let o = nllc(&[
        "log",
        "--access-log",
        log.to_str().unwrap(),
        "--kind",
        "printout",
        "--csv",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .skip(1)
        .map(str::to_string)
        .collect()
}

#[test]
fn protected_patients_printout_is_masked() {
    let out = std::env::temp_dir().join(format!("nllc-print-{}.pdf", std::process::id()));
    let log = std::env::temp_dir().join(format!("nllc-print-{}.sqlite3", std::process::id()));
    let o = nllc(&[
        "print",
        "--access-log",
        log.to_str().unwrap(),
        "--sim",
        "--personnummer",
        "19850923-4822",
        "--flow",
        "egna-uppgifter",
        "--identity-checked",
        "--kind",
        "uthamtade",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = Command::new("pdftotext")
        .arg(&out)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("utelämnats på grund av skyddade personuppgifter"),
        "{text}"
    );
    assert!(text.contains("Personuppgift skyddad"));
    // The test server sends this patient's prescribers' workplaces and pharmacies unmasked.
    let catalogue = nll_sim::Catalogue::new(1, chrono::Local::now().date_naive());
    let values = catalogue
        .by_key("skyddad-folkbokforing")
        .unwrap()
        .location_values();
    assert!(values.len() > 15, "{values:?}");
    for v in &values {
        assert!(
            !text.contains(v.as_str()),
            "a location-revealing value was printed: `{v}`\n{text}"
        );
    }
    let rows = printout_rows(&log);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(
        rows[0].contains("uthamtade") && rows[0].contains("saved"),
        "{rows:?}"
    );
}

#[test]
fn a_printout_the_flow_may_not_hand_out_is_refused() {
    let out = std::env::temp_dir().join(format!("nllc-refused-{}.pdf", std::process::id()));
    let o = nllc(&[
        "print",
        "--sim",
        "--personnummer",
        "19481201-4225",
        "--flow",
        "ombud",
        "--agent",
        "19750417-0775",
        "--kind",
        "uthamtade",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!out.exists());
}

#[test]
fn a_missing_printer_keeps_the_pdf() {
    let log = std::env::temp_dir().join(format!("nllc-noprinter-{}.sqlite3", std::process::id()));
    let o = nllc(&[
        "print",
        "--access-log",
        log.to_str().unwrap(),
        "--sim",
        "--personnummer",
        "19680415-2384",
        "--flow",
        "expediering",
        "--kind",
        "forskrivningshistorik",
        "--printer",
        "RECEPTDISK_FINNS_INTE",
    ]);
    assert_eq!(o.status.code(), Some(3));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("finns inte") && err.contains(".pdf"), "{err}");
    let rows = printout_rows(&log);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0].contains("failed: unknown-printer"), "{rows:?}");
}
