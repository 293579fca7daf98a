//! The one header builder for NLL reads (NLL.md §2).
//!
//! Everything a read sends besides the URL comes from here: the token, the purpose and access
//! codes of the [`RequestContext`] the policy built, the counter session (`X-Context-ID`), a fresh
//! request id, the patient reference, the product string and the pharmacy's org info.
//!
//! `X-Org-Info` (ASSUMED encoding, NLL.md §2): compact JSON with the keys in a fixed order and
//! every non-ASCII character escaped `\uXXXX` (lowercase hex, UTF-16 surrogate pairs above
//! U+FFFF), so the header is pure printable ASCII. [`OrgInfoEncoding::Base64`] sends the UTF-8
//! JSON Base64-encoded (standard alphabet, padded) instead.

use base64::Engine;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::policy::RequestContext;

pub use crate::fhir::{H_AGENT_ID, H_GUARDIAN_ID};

pub const H_AUTHORIZATION: &str = "Authorization";
pub const H_ACCEPT: &str = "Accept";
pub const H_PURPOSE: &str = "X-Purpose";
pub const H_ACCESS: &str = "X-Access";
pub const H_PATIENT_REF: &str = "X-PatientRef";
pub const H_REQUEST_ID: &str = "X-Request-ID";
pub const H_CONTEXT_ID: &str = "X-Context-ID";
pub const H_USER_AGENT: &str = "X-User-Agent";
pub const H_ORG_INFO: &str = "X-Org-Info";

/// NLL has validated JSON only [S4].
pub const FHIR_JSON: &str = "application/fhir+json";

/// The pharmacy (organisational unit) the user works at, as `X-Org-Info` carries it [S5].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OrgInfo {
    /// The company, e.g. "Apoteket AB".
    pub org_namn: String,
    /// The pharmacy's GLN (13 digits).
    pub orgenhets_id: String,
    /// The pharmacy, e.g. "Apoteket Kronan".
    pub orgenhets_namn: String,
    /// Its town, e.g. "Malmö".
    pub orgenhets_ort: String,
}

/// How `X-Org-Info` is encoded (a setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum OrgInfoEncoding {
    /// Compact JSON, non-ASCII escaped `\uXXXX`.
    #[default]
    AsciiJson,
    /// Base64 of the UTF-8 compact JSON.
    Base64,
}

/// The wire shape: field order is the order NLL's handbook lists them [S5].
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OrgInfoWire<'a> {
    org_namn: &'a str,
    orgenhets_id: &'a str,
    orgenhets_id_typ: &'static str,
    orgenhets_namn: &'a str,
    orgenhets_ort: &'a str,
}

fn org_info_utf8_json(org: &OrgInfo) -> String {
    serde_json::to_string(&OrgInfoWire {
        org_namn: &org.org_namn,
        orgenhets_id: &org.orgenhets_id,
        orgenhets_id_typ: "GLN",
        orgenhets_namn: &org.orgenhets_namn,
        orgenhets_ort: &org.orgenhets_ort,
    })
    .expect("strings always serialise")
}

/// `X-Org-Info` as pure printable ASCII JSON.
pub fn org_info_ascii_json(org: &OrgInfo) -> String {
    let json = org_info_utf8_json(org);
    let mut out = String::with_capacity(json.len() + 16);
    // serde_json has already escaped quotes, backslashes and C0 controls; outside string
    // literals the JSON is ASCII, so every remaining non-ASCII char (and DEL) is inside a string
    // and may be replaced by its escape.
    for c in json.chars() {
        if c.is_ascii() && c != '\u{7f}' {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        }
    }
    out
}

/// `X-Org-Info` in the chosen encoding.
pub fn org_info_value(org: &OrgInfo, encoding: OrgInfoEncoding) -> String {
    match encoding {
        OrgInfoEncoding::AsciiJson => org_info_ascii_json(org),
        OrgInfoEncoding::Base64 => {
            base64::engine::general_purpose::STANDARD.encode(org_info_utf8_json(org))
        }
    }
}

/// `X-User-Agent`: `<product>/<version> (<os>; <approval id>)`, or `(<os>)` without an approval
/// id (ASSUMED format, NLL.md §2). Characters that cannot go in a header become `_`.
pub fn user_agent(product: &str, version: &str, os: &str, approval_id: Option<&str>) -> String {
    let clean = |s: &str| -> String {
        s.trim()
            .chars()
            .map(|c| if (' '..='~').contains(&c) { c } else { '_' })
            .collect()
    };
    match approval_id.map(str::trim).filter(|a| !a.is_empty()) {
        Some(a) => format!(
            "{}/{} ({}; {})",
            clean(product),
            clean(version),
            clean(os),
            clean(a)
        ),
        None => format!("{}/{} ({})", clean(product), clean(version), clean(os)),
    }
}

/// The headers of one NLL read, in a fixed order. `patient_ref` is NLL's logical id of the
/// patient once the Patient lookup has returned it (`None` for the lookup itself).
/// The agent (Ombud) and guardian (Vårdnadshavare) travel as `X-Agent-Id` / `X-Guardian-Id`
/// (ASSUMED, see `fhir::H_AGENT_ID`) when the context has them.
#[allow(clippy::too_many_arguments)] // the contract names every input; a struct would only rename them
pub fn read_headers(
    ctx: &RequestContext,
    token: &str,
    context_id: Uuid,
    request_id: Uuid,
    patient_ref: Option<&str>,
    org: &OrgInfo,
    encoding: OrgInfoEncoding,
    user_agent: &str,
) -> Vec<(&'static str, String)> {
    let mut h: Vec<(&'static str, String)> = vec![
        (H_AUTHORIZATION, format!("Bearer {}", token.trim())),
        (H_ACCEPT, FHIR_JSON.to_string()),
        (H_PURPOSE, ctx.purpose_code.clone()),
        (H_ACCESS, ctx.access_code.clone()),
    ];
    if let Some(r) = patient_ref {
        h.push((H_PATIENT_REF, r.to_string()));
    }
    h.push((H_REQUEST_ID, request_id.hyphenated().to_string()));
    h.push((H_CONTEXT_ID, context_id.hyphenated().to_string()));
    h.push((H_USER_AGENT, user_agent.to_string()));
    h.push((H_ORG_INFO, org_info_value(org, encoding)));
    if let Some(a) = &ctx.agent {
        h.push((H_AGENT_ID, a.twelve().to_string()));
    }
    if let Some(g) = &ctx.guardian {
        h.push((H_GUARDIAN_ID, g.twelve().to_string()));
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{IdKind, PersonId};
    use crate::policy::{Confirmations, PatientFacts, Policy};
    use crate::{Flow, Role};
    use chrono::NaiveDate;

    fn org() -> OrgInfo {
        OrgInfo {
            org_namn: "Apoteksbolaget Syd AB".into(),
            orgenhets_id: "7350012345013".into(),
            orgenhets_namn: "Apoteket Kronan".into(),
            orgenhets_ort: "Malmö".into(),
        }
    }

    fn ctx(flow: Flow, c: &Confirmations) -> RequestContext {
        Policy::standard()
            .evaluate(Role::Farmaceut, flow, &PatientFacts::unknown(), c)
            .unwrap()
    }

    const CTX_ID: &str = "0b7e6f1c-3c1a-4d2e-9f00-1234567890ab";
    const REQ_ID: &str = "7f0c2d4e-5a6b-4c7d-8e9f-a0b1c2d3e4f5";

    #[test]
    fn org_info_is_compact_ascii_json_in_handbook_order() {
        assert_eq!(
            org_info_ascii_json(&org()),
            r#"{"orgNamn":"Apoteksbolaget Syd AB","orgenhetsId":"7350012345013","orgenhetsIdTyp":"GLN","orgenhetsNamn":"Apoteket Kronan","orgenhetsOrt":"Malm\u00f6"}"#
        );
    }

    #[test]
    fn org_info_escapes_every_non_ascii_character() {
        let o = OrgInfo {
            org_namn: "Åhléns \"Hälsa\" \\ Öst".into(),
            orgenhets_id: "7350012345013".into(),
            orgenhets_namn: "Apotek 😀\u{7f}".into(),
            orgenhets_ort: "Umeå\nNorr".into(),
        };
        let v = org_info_ascii_json(&o);
        assert!(v.bytes().all(|b| (0x20..0x7f).contains(&b)), "{v}");
        assert!(
            v.contains(r#""orgNamn":"\u00c5hl\u00e9ns \"H\u00e4lsa\" \\ \u00d6st""#),
            "{v}"
        );
        // Above U+FFFF: a UTF-16 surrogate pair, as JSON requires.
        assert!(v.contains(r#"Apotek \ud83d\ude00\u007f"#), "{v}");
        assert!(v.contains(r#""orgenhetsOrt":"Ume\u00e5\nNorr""#), "{v}");
        // And it is still the same JSON.
        let back: serde_json::Value = serde_json::from_str(&v).unwrap();
        assert_eq!(back["orgNamn"], "Åhléns \"Hälsa\" \\ Öst");
        assert_eq!(back["orgenhetsNamn"], "Apotek 😀\u{7f}");
        assert_eq!(back["orgenhetsIdTyp"], "GLN");
    }

    #[test]
    fn org_info_base64() {
        let v = org_info_value(&org(), OrgInfoEncoding::Base64);
        let raw = base64::engine::general_purpose::STANDARD
            .decode(&v)
            .unwrap();
        let json = String::from_utf8(raw).unwrap();
        assert_eq!(
            json,
            r#"{"orgNamn":"Apoteksbolaget Syd AB","orgenhetsId":"7350012345013","orgenhetsIdTyp":"GLN","orgenhetsNamn":"Apoteket Kronan","orgenhetsOrt":"Malmö"}"#
        );
        assert!(v
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b)));
    }

    #[test]
    fn user_agent_format() {
        assert_eq!(
            user_agent("Receptdisk", "0.1.0", "Linux", Some("EHM-2025-17")),
            "Receptdisk/0.1.0 (Linux; EHM-2025-17)"
        );
        assert_eq!(
            user_agent("Receptdisk", "0.1.0", "Linux", None),
            "Receptdisk/0.1.0 (Linux)"
        );
        assert_eq!(
            user_agent("Receptdisk", "0.1.0", "Linux", Some(" ")),
            "Receptdisk/0.1.0 (Linux)"
        );
        assert_eq!(
            user_agent("Receptdisk", "0.1.0", "Debian\n12 ö", None),
            "Receptdisk/0.1.0 (Debian_12 _)"
        );
    }

    #[test]
    fn expediering_headers_exactly() {
        let c = ctx(Flow::Expediering, &Confirmations::default());
        let h = read_headers(
            &c,
            "tok.en",
            Uuid::parse_str(CTX_ID).unwrap(),
            Uuid::parse_str(REQ_ID).unwrap(),
            Some("5f1b7c3e-0000-4000-8000-000000000001"),
            &org(),
            OrgInfoEncoding::AsciiJson,
            "Receptdisk/0.1.0 (Linux)",
        );
        let expected: Vec<(&str, String)> = vec![
            ("Authorization", "Bearer tok.en".into()),
            ("Accept", "application/fhir+json".into()),
            ("X-Purpose", "EXPEDIERING".into()),
            ("X-Access", "UTAN_KRAV_SAMTYCKE".into()),
            (
                "X-PatientRef",
                "5f1b7c3e-0000-4000-8000-000000000001".into(),
            ),
            ("X-Request-ID", REQ_ID.into()),
            ("X-Context-ID", CTX_ID.into()),
            ("X-User-Agent", "Receptdisk/0.1.0 (Linux)".into()),
            ("X-Org-Info", org_info_ascii_json(&org())),
        ];
        assert_eq!(h, expected);
        // Every value can go on the wire as it is.
        for (name, value) in &h {
            assert!(
                value.bytes().all(|b| (0x20..0x7f).contains(&b)),
                "{name}: {value}"
            );
        }
    }

    #[test]
    fn lookup_has_no_patient_ref_and_agent_and_guardian_are_sent() {
        let agent = PersonId::from_parts(
            NaiveDate::from_ymd_opt(1912, 12, 12).unwrap(),
            121,
            IdKind::Personnummer,
        );
        let c = ctx(
            Flow::Ombud,
            &Confirmations {
                agent: Some(agent),
                ..Default::default()
            },
        );
        let h = read_headers(
            &c,
            "t",
            Uuid::parse_str(CTX_ID).unwrap(),
            Uuid::parse_str(REQ_ID).unwrap(),
            None,
            &org(),
            OrgInfoEncoding::Base64,
            "ua",
        );
        let names: Vec<&str> = h.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            names,
            [
                "Authorization",
                "Accept",
                "X-Purpose",
                "X-Access",
                "X-Request-ID",
                "X-Context-ID",
                "X-User-Agent",
                "X-Org-Info",
                "X-Agent-Id"
            ]
        );
        assert_eq!(h[2].1, "LASA_EGNA_UPPGIFTER");
        assert_eq!(h[3].1, "KOPFULLMAKT");
        assert_eq!(h[8].1, "191212121212");
        assert_eq!(h[7].1, org_info_value(&org(), OrgInfoEncoding::Base64));

        let guardian = PersonId::from_parts(
            NaiveDate::from_ymd_opt(1985, 3, 1).unwrap(),
            42,
            IdKind::Personnummer,
        );
        let c = ctx(
            Flow::Vardnadshavare,
            &Confirmations {
                guardian: Some(guardian.clone()),
                ..Default::default()
            },
        );
        let h = read_headers(
            &c,
            "t",
            Uuid::nil(),
            Uuid::nil(),
            Some("p"),
            &org(),
            OrgInfoEncoding::AsciiJson,
            "ua",
        );
        assert_eq!(
            h.last().unwrap(),
            &("X-Guardian-Id", guardian.twelve().to_string())
        );
        assert!(!h.iter().any(|(n, _)| *n == "X-Agent-Id"));
    }

    #[test]
    fn overridden_codes_reach_the_headers() {
        let p = Policy::from_overrides_toml("[access]\nUTAN_KRAV_SAMTYCKE = \"UKS\"\n").unwrap();
        let c = p
            .evaluate(
                Role::Apotekspersonal,
                Flow::Expediering,
                &PatientFacts::unknown(),
                &Confirmations::default(),
            )
            .unwrap();
        let h = read_headers(
            &c,
            "t",
            Uuid::nil(),
            Uuid::nil(),
            None,
            &org(),
            OrgInfoEncoding::AsciiJson,
            "ua",
        );
        assert!(h.contains(&("X-Access", "UKS".to_string())));
    }
}
