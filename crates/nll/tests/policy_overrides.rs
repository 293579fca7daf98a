//! Wire codes overridden from a pharmacy's TOML file; every error names its line.

use nll::policy::{CodeStatus, Policy, PolicyError};
use nll::{AccessType, Flow, Purpose};

#[test]
fn overrides_change_codes_and_mark_them_configured() {
    let text = r#"
# corrected against EHM's current tables
protection_labels = ["SM", "SF", "sekretessmarkering"]

[purpose]
UNDERLATTANDE_LAKEMEDELSANVANDNING = "LAKEMEDELSANVANDNING"

[access]
KOPFULLMAKT = "FULLMAKT"
EGNA_UPPGIFTER = "urn:ehm:egna|1.0"
"#;
    let p = Policy::from_overrides_toml(text).unwrap();
    assert_eq!(
        p.purpose_code(Purpose::UnderlattandeLakemedelsanvandning),
        "LAKEMEDELSANVANDNING"
    );
    assert_eq!(
        p.purpose_status(Purpose::UnderlattandeLakemedelsanvandning),
        CodeStatus::Configured
    );
    assert_eq!(
        p.purpose_source(Purpose::UnderlattandeLakemedelsanvandning),
        "override file line 6"
    );
    assert_eq!(p.access_code(AccessType::Kopfullmakt), "FULLMAKT");
    assert_eq!(
        p.access_from_code("FULLMAKT"),
        Some(AccessType::Kopfullmakt)
    );
    assert_eq!(p.access_from_code("KOPFULLMAKT"), None);
    assert_eq!(p.access_code(AccessType::EgnaUppgifter), "urn:ehm:egna|1.0");
    assert_eq!(p.protection_labels(), ["SM", "SF", "sekretessmarkering"]);
    // Untouched codes keep their standard value and status.
    assert_eq!(p.purpose_code(Purpose::Expediering), "EXPEDIERING");
    assert_eq!(
        p.purpose_status(Purpose::Expediering),
        CodeStatus::Confirmed
    );
    // The request context carries the overridden code.
    let c = nll::policy::Confirmations {
        agent: Some(nll::ids::PersonId::from_parts(
            chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap(),
            1,
            nll::ids::IdKind::Personnummer,
        )),
        ..Default::default()
    };
    let ctx = p
        .evaluate(
            nll::Role::Apotekspersonal,
            Flow::Ombud,
            &nll::policy::PatientFacts::unknown(),
            &c,
        )
        .unwrap();
    assert_eq!(ctx.access_code, "FULLMAKT");
    assert_eq!(
        p.rule_for_codes("LASA_EGNA_UPPGIFTER", "FULLMAKT")
            .map(|r| r.flow),
        Some(Flow::Ombud)
    );
}

#[test]
fn empty_file_is_the_standard_policy() {
    assert_eq!(Policy::from_overrides_toml("").unwrap(), Policy::standard());
    assert_eq!(
        Policy::from_overrides_toml("# nothing\n[purpose]\n[access]\n").unwrap(),
        Policy::standard()
    );
}

fn error(text: &str) -> PolicyError {
    Policy::from_overrides_toml(text).expect_err(text)
}

#[test]
fn unknown_key_in_a_section_names_the_line() {
    let e = error("[purpose]\nEXPEDIERING = \"E\"\nEXPEDITION = \"X\"\n");
    assert_eq!(
        e,
        PolicyError::UnknownKey {
            line: 3,
            section: "purpose".into(),
            key: "EXPEDITION".into()
        }
    );
    assert_eq!(
        e.to_string(),
        "Policyfilen rad 3: okänd nyckel `EXPEDITION` i [purpose]."
    );
    assert_eq!(
        e.message_en(),
        "Policy file line 3: unknown key `EXPEDITION` in [purpose]."
    );
    // Keys are the code names, not the Rust names.
    let e = error("\n[access]\nKopfullmakt = \"F\"\n");
    assert_eq!(e.line(), Some(3));
    assert!(matches!(e, PolicyError::UnknownKey { .. }));
}

#[test]
fn unknown_top_level_key_or_section_names_the_line() {
    let e = error("[purpose]\nVARD = \"V\"\n\n[roles]\nFARMACEUT = \"X\"\n");
    assert!(
        matches!(&e, PolicyError::UnknownKey { key, line: 4, section } if key == "roles" && section.is_empty()),
        "{e:?}"
    );
    let e = error("\nprotection_label = [\"x\"]\n");
    assert!(
        matches!(&e, PolicyError::UnknownKey { key, line: 2, .. } if key == "protection_label"),
        "{e:?}"
    );
    assert!(
        e.to_string().starts_with("Policyfilen rad 2: okänd nyckel"),
        "{e}"
    );
}

#[test]
fn bad_values_name_the_line() {
    for (text, line) in [
        ("[access]\nKOPFULLMAKT = 3\n", 2),
        ("[access]\n\nKOPFULLMAKT = \"\"\n", 3),
        ("[access]\nKOPFULLMAKT = \"KÖP FULLMAKT\"\n", 2),
        ("[access]\nKOPFULLMAKT = \"KOP\\nFULLMAKT\"\n", 2),
        ("[purpose]\nVARD = [\"VARD\"]\n", 2),
        ("protection_labels = []\n", 1),
        ("protection_labels = [\"ok\",\n  \"not ok\"]\n", 2),
        ("protection_labels = [1]\n", 1),
    ] {
        let e = error(text);
        assert!(matches!(e, PolicyError::BadValue { .. }), "{text:?}: {e:?}");
        assert_eq!(e.line(), Some(line), "{text:?}: {e}");
        assert!(
            e.to_string()
                .starts_with(&format!("Policyfilen rad {line}: ogiltigt värde")),
            "{e}"
        );
    }
    assert_eq!(
        error("[access]\nKOPFULLMAKT = 3\n").to_string(),
        "Policyfilen rad 2: ogiltigt värde för `KOPFULLMAKT`: värdet ska vara en sträng inom citattecken."
    );
}

#[test]
fn duplicate_codes_are_refused() {
    // Two access types with one code could not be told apart in a response or by the server.
    let e = error("[access]\nKOPFULLMAKT = \"VARDNADSHAVARE\"\n");
    assert_eq!(
        e,
        PolicyError::DuplicateCode {
            line: 2,
            code: "VARDNADSHAVARE".into(),
            other: "VARDNADSHAVARE [access]".into()
        }
    );
    // Swapping two codes in one file is fine.
    let p = Policy::from_overrides_toml(
        "[access]\nKOPFULLMAKT = \"VARDNADSHAVARE\"\nVARDNADSHAVARE = \"KOPFULLMAKT\"\n",
    )
    .unwrap();
    assert_eq!(
        p.access_from_code("VARDNADSHAVARE"),
        Some(AccessType::Kopfullmakt)
    );
}

#[test]
fn syntax_errors_name_the_line() {
    let e = error("[purpose]\nEXPEDIERING = \"E\n");
    assert!(matches!(e, PolicyError::Syntax { .. }), "{e:?}");
    assert_eq!(e.line(), Some(2));
    assert!(e.to_string().starts_with("Policyfilen rad 2:"), "{e}");
}

/// `[headers]`: the JSON headers' encoding and the unpublished agent/guardian headers.
#[test]
fn header_settings_default_and_switch() {
    use nll::headers::HeaderEncoding;
    let d = Policy::standard().headers();
    assert_eq!(
        (d.json_encoding, d.agent_id, d.guardian_id),
        (HeaderEncoding::Base64, false, false)
    );
    let p = Policy::from_overrides_toml(
        "[headers]\njson_encoding = \"ascii-json\"\nguardian_id = true\n",
    )
    .unwrap();
    let h = p.headers();
    assert_eq!(
        (h.json_encoding, h.agent_id, h.guardian_id),
        (HeaderEncoding::AsciiJson, false, true)
    );
    let e = error("\n[headers]\njson_encoding = \"utf8\"\n");
    assert_eq!(e.line(), Some(3), "{e}");
    assert!(e.to_string().contains("base64"), "{e}");
    let e = error("[headers]\nX_Agent = true\n");
    assert!(e.to_string().contains("X_Agent"), "{e}");
}

/// The test server's view: without the agent/guardian headers NLL takes the access type as the
/// assertion (the client checked the register and the relation); with them switched on, the
/// header is required and what NLL knows about that person decides.
#[test]
fn nll_side_with_and_without_the_person_headers() {
    use nll::policy::{DenialRule, PatientFacts};
    let child = PatientFacts {
        age: Some(9),
        protected: Some(false),
        dos_consent: Some(false),
        ..PatientFacts::unknown()
    };
    let off = Policy::standard();
    for flow in [Flow::Ombud, Flow::Vardnadshavare] {
        assert_eq!(
            off.evaluate_at_nll(nll::Role::Apotekspersonal, flow, &child, None, None),
            Ok(())
        );
    }
    // Protection is NLL's to check either way.
    let protected = PatientFacts {
        protected: Some(true),
        ..child
    };
    assert_eq!(
        off.evaluate_at_nll(nll::Role::Farmaceut, Flow::Ombud, &protected, None, None)
            .unwrap_err()
            .rule,
        DenialRule::ProtectedPatientForAgentOrGuardian
    );
    let on = Policy::from_overrides_toml("[headers]\nagent_id = true\nguardian_id = true").unwrap();
    assert_eq!(
        on.evaluate_at_nll(nll::Role::Farmaceut, Flow::Ombud, &child, None, None)
            .unwrap_err()
            .rule,
        DenialRule::AgentMissing
    );
    let guardian = nll::ids::PersonId::from_parts(
        chrono::NaiveDate::from_ymd_opt(1980, 1, 1).unwrap(),
        2,
        nll::ids::IdKind::Personnummer,
    );
    let no_relation = PatientFacts {
        guardian_relation: Some(false),
        ..child
    };
    assert_eq!(
        on.evaluate_at_nll(
            nll::Role::Farmaceut,
            Flow::Vardnadshavare,
            &no_relation,
            None,
            Some(guardian)
        )
        .unwrap_err()
        .rule,
        DenialRule::NoGuardianRelation
    );
}
