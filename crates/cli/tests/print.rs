//! `nllc print` against the built-in test server: the printout is masked for a protected
//! patient, a printout the flow may not hand out is refused, and a missing printer keeps the PDF.
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

#[test]
fn protected_patients_printout_is_masked() {
    let out = std::env::temp_dir().join(format!("nllc-print-{}.pdf", std::process::id()));
    let o = nllc(&[
        "print",
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
    // The test server puts this patient's prescribers and pharmacies in Kiruna, unmasked.
    assert!(
        !text.contains("Kiruna"),
        "a location-revealing value was printed:\n{text}"
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
    let o = nllc(&[
        "print",
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
}
