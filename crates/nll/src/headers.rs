//! The one header builder for NLL reads (NLL.md §2), and the decoder of its JSON headers.
//!
//! Everything a read sends besides the URL comes from here: the token, the purpose and access
//! codes of the [`RequestContext`] the policy built, the counter session (`X-Context-ID`), a fresh
//! request id, the patient reference, the product (`X-User-Agent`) and the pharmacy's org info
//! (`X-Org-Info`). Nothing else: the agent's and guardian's headers are in no published table and
//! are sent only when the policy file turns them on (the context then carries them).
//!
//! `X-User-Agent` is the JSON object `{"name", "version"}` and `X-Org-Info` the JSON object of
//! [S5]; EHM's guide shows them *decoded*, so the encoding is ASSUMED (NLL.md §2): one setting,
//! [`HeaderEncoding`], for both. The default is Base64 (standard alphabet, padded) of the compact
//! UTF-8 JSON — X-Provenance is documented as Base64 JSON, and the published example is labelled
//! "Decoded value". [`HeaderEncoding::AsciiJson`] sends the compact JSON itself with every
//! non-ASCII character escaped `\uXXXX` (lowercase hex, UTF-16 surrogate pairs above U+FFFF), so
//! the header is pure printable ASCII.

use base64::Engine;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::ids::Gln;
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

/// The product, as `X-User-Agent` carries it [S15].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserAgent {
    pub name: String,
    pub version: String,
}

impl UserAgent {
    pub fn new(name: &str, version: &str) -> UserAgent {
        UserAgent {
            name: name.into(),
            version: version.into(),
        }
    }
}

/// How the JSON headers `X-User-Agent` and `X-Org-Info` are encoded: one setting for both, in
/// the policy file (`[headers] json_encoding`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum HeaderEncoding {
    /// Base64 of the UTF-8 compact JSON (ASSUMED default, see the module text).
    #[default]
    Base64,
    /// Compact JSON, non-ASCII escaped `\uXXXX`.
    AsciiJson,
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

/// Compact UTF-8 JSON as pure printable ASCII JSON.
fn ascii_json(json: &str) -> String {
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

fn encode(json: &str, encoding: HeaderEncoding) -> String {
    match encoding {
        HeaderEncoding::AsciiJson => ascii_json(json),
        HeaderEncoding::Base64 => base64::engine::general_purpose::STANDARD.encode(json),
    }
}

/// `X-Org-Info` in the chosen encoding.
pub fn org_info_value(org: &OrgInfo, encoding: HeaderEncoding) -> String {
    encode(&org_info_utf8_json(org), encoding)
}

/// `X-User-Agent` in the chosen encoding: `{"name":…,"version":…}`. Nothing else is sent (no
/// operating system, no approval id): the published object has these two keys only [S15].
pub fn user_agent_value(ua: &UserAgent, encoding: HeaderEncoding) -> String {
    encode(
        &serde_json::to_string(ua).expect("strings always serialise"),
        encoding,
    )
}

/// Why a JSON header was refused (the test server's OperationOutcome text, in Swedish).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderError {
    pub header: &'static str,
    pub reason: String,
}

impl std::fmt::Display for HeaderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} är felaktig: {}", self.header, self.reason)
    }
}

/// A JSON header's object, read in either encoding: a value starting with `{` is ASCII JSON
/// (and must be pure printable ASCII), anything else must be Base64 of UTF-8 JSON.
pub fn decode_json_header(
    header: &'static str,
    value: &str,
) -> Result<(HeaderEncoding, serde_json::Map<String, serde_json::Value>), HeaderError> {
    let err = |reason: &str| HeaderError {
        header,
        reason: reason.to_string(),
    };
    let value = value.trim();
    let (encoding, json) = if value.starts_with('{') {
        if !value.bytes().all(|b| (0x20..0x7f).contains(&b)) {
            return Err(err(
                "JSON-värdet innehåller tecken utanför ASCII; skriv dem som \\uXXXX",
            ));
        }
        (HeaderEncoding::AsciiJson, value.to_string())
    } else {
        let raw = base64::engine::general_purpose::STANDARD
            .decode(value)
            .map_err(|_| {
                err("värdet är varken JSON eller Base64 (standardalfabetet, med utfyllnad)")
            })?;
        let text = String::from_utf8(raw).map_err(|_| err("Base64-värdet är inte UTF-8"))?;
        (HeaderEncoding::Base64, text)
    };
    match serde_json::from_str::<serde_json::Value>(&json) {
        Ok(serde_json::Value::Object(map)) => Ok((encoding, map)),
        Ok(_) => Err(err("värdet ska vara ett JSON-objekt")),
        Err(_) => Err(err("värdet är inte giltig JSON")),
    }
}

/// A required string member of a JSON header's object (non-empty unless `may_be_empty`).
fn member_of<'m>(
    header: &'static str,
    map: &'m serde_json::Map<String, serde_json::Value>,
    key: &str,
    may_be_empty: bool,
) -> Result<&'m str, HeaderError> {
    match map.get(key) {
        Some(serde_json::Value::String(s)) if may_be_empty || !s.trim().is_empty() => Ok(s),
        Some(serde_json::Value::String(_)) => Err(HeaderError {
            header,
            reason: format!("\"{key}\" är tom"),
        }),
        Some(_) => Err(HeaderError {
            header,
            reason: format!("\"{key}\" ska vara en sträng"),
        }),
        None => Err(HeaderError {
            header,
            reason: format!("\"{key}\" saknas"),
        }),
    }
}

fn no_other_keys(
    header: &'static str,
    map: &serde_json::Map<String, serde_json::Value>,
    known: &[&str],
) -> Result<(), HeaderError> {
    match map.keys().find(|k| !known.contains(&k.as_str())) {
        Some(k) => Err(HeaderError {
            header,
            reason: format!("okänd nyckel \"{k}\""),
        }),
        None => Ok(()),
    }
}

fn member<'m>(
    header: &'static str,
    map: &'m serde_json::Map<String, serde_json::Value>,
    key: &str,
) -> Result<&'m str, HeaderError> {
    member_of(header, map, key, false)
}

/// `X-User-Agent` read back: exactly `name` and `version`, both non-empty strings.
pub fn parse_user_agent(value: &str) -> Result<(HeaderEncoding, UserAgent), HeaderError> {
    let (enc, map) = decode_json_header(H_USER_AGENT, value)?;
    no_other_keys(H_USER_AGENT, &map, &["name", "version"])?;
    Ok((
        enc,
        UserAgent::new(
            member(H_USER_AGENT, &map, "name")?,
            member(H_USER_AGENT, &map, "version")?,
        ),
    ))
}

/// `X-Org-Info` read back: `orgenhetsId` (a GLN with a valid check digit), `orgenhetsIdTyp` =
/// `"GLN"`, and `orgNamn`, `orgenhetsNamn`, `orgenhetsOrt` as strings (a login's claims may
/// leave the names and the town empty).
pub fn parse_org_info(value: &str) -> Result<(HeaderEncoding, OrgInfo), HeaderError> {
    let h = H_ORG_INFO;
    let (enc, map) = decode_json_header(h, value)?;
    no_other_keys(
        h,
        &map,
        &[
            "orgNamn",
            "orgenhetsId",
            "orgenhetsIdTyp",
            "orgenhetsNamn",
            "orgenhetsOrt",
        ],
    )?;
    let typ = member(h, &map, "orgenhetsIdTyp")?;
    if typ != "GLN" {
        return Err(HeaderError {
            header: h,
            reason: format!("orgenhetsIdTyp ska vara \"GLN\" för ett apotek, inte \"{typ}\""),
        });
    }
    let id = member(h, &map, "orgenhetsId")?;
    Gln::parse(id).map_err(|e| HeaderError {
        header: h,
        reason: format!("orgenhetsId: {e}"),
    })?;
    Ok((
        enc,
        OrgInfo {
            org_namn: member_of(h, &map, "orgNamn", true)?.to_string(),
            orgenhets_id: id.to_string(),
            orgenhets_namn: member_of(h, &map, "orgenhetsNamn", true)?.to_string(),
            orgenhets_ort: member_of(h, &map, "orgenhetsOrt", true)?.to_string(),
        },
    ))
}

/// The headers of one NLL read, in a fixed order. `patient_ref` is NLL's logical id of the
/// patient once the Patient lookup has returned it (`None` for the lookup itself). The agent and
/// guardian headers go out only when the context carries them, i.e. when the policy file turned
/// them on ([`crate::policy::HeaderSettings`]).
#[allow(clippy::too_many_arguments)] // the contract names every input; a struct would only rename them
pub fn read_headers(
    ctx: &RequestContext,
    token: &str,
    context_id: Uuid,
    request_id: Uuid,
    patient_ref: Option<&str>,
    org: &OrgInfo,
    user_agent: &UserAgent,
    encoding: HeaderEncoding,
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
    h.push((H_USER_AGENT, user_agent_value(user_agent, encoding)));
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

    fn org_info_ascii_json(o: &OrgInfo) -> String {
        org_info_value(o, HeaderEncoding::AsciiJson)
    }

    fn ua() -> UserAgent {
        UserAgent::new("Receptdisk", "0.1.0")
    }

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
        let v = org_info_value(&org(), HeaderEncoding::Base64);
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
    fn user_agent_is_the_json_object_name_and_version() {
        let ua = UserAgent::new("Receptdisk", "0.1.0-å");
        assert_eq!(
            user_agent_value(&ua, HeaderEncoding::AsciiJson),
            r#"{"name":"Receptdisk","version":"0.1.0-\u00e5"}"#
        );
        let b64 = user_agent_value(&ua, HeaderEncoding::Base64);
        let raw = base64::engine::general_purpose::STANDARD
            .decode(&b64)
            .unwrap();
        assert_eq!(
            String::from_utf8(raw).unwrap(),
            r#"{"name":"Receptdisk","version":"0.1.0-å"}"#
        );
        // Both read back to the same object, each naming its encoding.
        assert_eq!(
            parse_user_agent(&b64).unwrap(),
            (HeaderEncoding::Base64, ua.clone())
        );
        assert_eq!(
            parse_user_agent(&user_agent_value(&ua, HeaderEncoding::AsciiJson)).unwrap(),
            (HeaderEncoding::AsciiJson, ua)
        );
    }

    #[test]
    fn the_default_encoding_is_base64() {
        assert_eq!(HeaderEncoding::default(), HeaderEncoding::Base64);
    }

    #[test]
    fn org_info_reads_back_in_either_encoding() {
        for enc in [HeaderEncoding::Base64, HeaderEncoding::AsciiJson] {
            assert_eq!(
                parse_org_info(&org_info_value(&org(), enc)).unwrap(),
                (enc, org())
            );
        }
    }

    #[test]
    fn malformed_json_headers_are_refused_with_the_reason() {
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        let reason = |r: Result<(HeaderEncoding, UserAgent), HeaderError>| r.unwrap_err().reason;
        // The old product string is neither JSON nor Base64.
        assert!(reason(parse_user_agent("Receptdisk/0.1.0 (linux)")).contains("varken JSON"));
        assert!(reason(parse_user_agent("{\"name\":\"R\"}")).contains("\"version\" saknas"));
        assert!(reason(parse_user_agent(&b64(
            "{\"name\":\"R\",\"version\":\"1\",\"os\":\"x\"}"
        )))
        .contains("okänd nyckel \"os\""));
        assert!(reason(parse_user_agent(&b64("[1]"))).contains("JSON-objekt"));
        assert!(reason(parse_user_agent(&b64("{\"name\":"))).contains("giltig JSON"));
        assert!(reason(parse_user_agent("{\"name\":\"Å\",\"version\":\"1\"}")).contains("ASCII"));
        assert!(reason(parse_user_agent("{\"name\":\"\",\"version\":\"1\"}")).contains("tom"));
        let mut bad = org();
        bad.orgenhets_id = "7350012345014".into();
        let e = parse_org_info(&org_info_value(&bad, HeaderEncoding::Base64)).unwrap_err();
        assert_eq!(e.header, "X-Org-Info");
        assert!(e.reason.starts_with("orgenhetsId"), "{e}");
        let hsa = b64(
            r#"{"orgNamn":"A","orgenhetsId":"7350012345013","orgenhetsIdTyp":"HSA","orgenhetsNamn":"B","orgenhetsOrt":"C"}"#,
        );
        assert!(parse_org_info(&hsa).unwrap_err().reason.contains("GLN"));
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
            &ua(),
            HeaderEncoding::AsciiJson,
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
            (
                "X-User-Agent",
                r#"{"name":"Receptdisk","version":"0.1.0"}"#.into(),
            ),
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

    fn names(h: &[(&'static str, String)]) -> Vec<&'static str> {
        h.iter().map(|(n, _)| *n).collect()
    }

    #[test]
    fn agent_and_guardian_are_not_sent_by_default() {
        let agent = PersonId::from_parts(
            NaiveDate::from_ymd_opt(1912, 12, 12).unwrap(),
            121,
            IdKind::Personnummer,
        );
        let guardian = PersonId::from_parts(
            NaiveDate::from_ymd_opt(1985, 3, 1).unwrap(),
            42,
            IdKind::Personnummer,
        );
        let both = Confirmations {
            agent: Some(agent.clone()),
            guardian: Some(guardian.clone()),
            ..Default::default()
        };
        let headers = |policy: &Policy, flow| {
            let c = policy
                .evaluate(Role::Farmaceut, flow, &PatientFacts::unknown(), &both)
                .unwrap();
            read_headers(
                &c,
                "t",
                Uuid::parse_str(CTX_ID).unwrap(),
                Uuid::parse_str(REQ_ID).unwrap(),
                None,
                &org(),
                &ua(),
                HeaderEncoding::Base64,
            )
        };
        let published = [
            "Authorization",
            "Accept",
            "X-Purpose",
            "X-Access",
            "X-Request-ID",
            "X-Context-ID",
            "X-User-Agent",
            "X-Org-Info",
        ];
        let standard = Policy::standard();
        let h = headers(&standard, Flow::Ombud);
        assert_eq!(names(&h), published);
        assert_eq!(h[2].1, "LASA_EGNA_UPPGIFTER");
        assert_eq!(h[3].1, "KOPFULLMAKT");
        assert_eq!(h[6].1, user_agent_value(&ua(), HeaderEncoding::Base64));
        assert_eq!(h[7].1, org_info_value(&org(), HeaderEncoding::Base64));
        assert_eq!(names(&headers(&standard, Flow::Vardnadshavare)), published);

        // The policy file's switch, should EHM publish such a header: each flow its own person.
        let on = Policy::from_overrides_toml("[headers]\nagent_id = true\nguardian_id = true\n")
            .unwrap();
        let h = headers(&on, Flow::Ombud);
        assert_eq!(
            h.last().unwrap(),
            &("X-Agent-Id", "191212121212".to_string())
        );
        assert!(!names(&h).contains(&"X-Guardian-Id"));
        let h = headers(&on, Flow::Vardnadshavare);
        assert_eq!(
            h.last().unwrap(),
            &("X-Guardian-Id", guardian.twelve().to_string())
        );
        assert!(!names(&h).contains(&"X-Agent-Id"));
        let only_agent = Policy::from_overrides_toml("[headers]\nagent_id = true\n").unwrap();
        assert_eq!(
            names(&headers(&only_agent, Flow::Vardnadshavare)),
            published
        );
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
            &ua(),
            HeaderEncoding::AsciiJson,
        );
        assert!(h.contains(&("X-Access", "UKS".to_string())));
    }
}
