//! Every access rule of the server, over real HTTP: 401, 400, 403, 422, X-PatientRef,
//! X-Request-ID, and the token exchange.

mod common;

use common::*;
use nll::fhir as F;
use nll_sim::SimConfig;

#[tokio::test]
async fn no_bad_or_expired_token_is_401_with_an_operation_outcome() {
    let sim = sim().await;
    let mut c = Counter::new(&sim, "farmaceut", EXP);
    let pnr = c.pnr("vuxen");

    c.token = None;
    let a = c.patient_search(&pnr).await;
    assert_eq!(a.status, 401);
    assert_eq!(a.nll_code(), "2-25-101");
    assert!(a.header("www-authenticate").unwrap().starts_with("Bearer"));
    let oo = a.json();
    assert_eq!(oo["issue"][0]["code"], "login");
    assert_eq!(
        oo["issue"][0]["details"]["coding"][0]["system"],
        F::SYSTEM_ERROR_CODES
    );
    assert!(oo["issue"][0]["details"]["text"]
        .as_str()
        .unwrap()
        .contains("saknas"));

    c.token = Some("eyJhbGciOiJub25lIn0.e30.forged".into());
    let a = c.patient_search(&pnr).await;
    assert_eq!((a.status, a.nll_code().as_str()), (401, "2-25-102"));

    c.token = Some(sim.token_for("farmaceut"));
    assert_eq!(c.patient_search(&pnr).await.status, 200);
    sim.expire_access_tokens();
    let a = c.patient_search(&pnr).await;
    assert_eq!((a.status, a.nll_code().as_str()), (401, "2-25-103"));
}

#[tokio::test]
async fn token_exchange_and_refresh_over_http() {
    let sim = sim().await;
    let http = client();
    let form = |pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", v.replace(':', "%3A")))
            .collect::<Vec<_>>()
            .join("&")
    };
    let post = |body: String| {
        http.post(sim.token_url())
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    let r = post(form(&[
        (
            "grant_type",
            "urn:ietf:params:oauth:grant-type:token-exchange",
        ),
        ("subject_token", "farmaceut"),
        (
            "subject_token_type",
            "urn:ietf:params:oauth:token-type:saml2",
        ),
    ]))
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    let t: serde_json::Value = r.json().await.unwrap();
    assert_eq!(t["token_type"], "Bearer");
    assert!(t["expires_in"].as_u64().unwrap() > 0);

    // The token works on NLL; after expiry 401; the refresh token gives a new one.
    let mut c = Counter::new(&sim, "farmaceut", EXP);
    c.token = Some(t["access_token"].as_str().unwrap().to_string());
    assert_eq!(c.patient_search(&c.pnr("vuxen")).await.status, 200);
    sim.expire_access_tokens();
    assert_eq!(c.patient_search(&c.pnr("vuxen")).await.status, 401);
    let r = post(form(&[
        ("grant_type", "refresh_token"),
        ("refresh_token", t["refresh_token"].as_str().unwrap()),
    ]))
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    let t2: serde_json::Value = r.json().await.unwrap();
    c.token = Some(t2["access_token"].as_str().unwrap().to_string());
    assert_eq!(c.patient_search(&c.pnr("vuxen")).await.status, 200);

    let bad = post(form(&[
        (
            "grant_type",
            "urn:ietf:params:oauth:grant-type:token-exchange",
        ),
        ("subject_token", "mallory"),
        (
            "subject_token_type",
            "urn:ietf:params:oauth:token-type:saml2",
        ),
    ]))
    .await
    .unwrap();
    assert_eq!(bad.status(), 400);
    let e: serde_json::Value = bad.json().await.unwrap();
    assert_eq!(e["error"], "invalid_grant");
}

#[tokio::test]
async fn missing_or_unknown_purpose_and_access_are_400() {
    let sim = sim().await;
    let mut c = Counter::new(&sim, "farmaceut", EXP);
    let pnr = c.pnr("vuxen");
    c.flow = None;
    let a = c.patient_search(&pnr).await;
    assert_eq!((a.status, a.nll_code().as_str()), (400, "2-25-110"));

    let c2 = Counter::new(&sim, "farmaceut", ("EXPEDIERING", "")).with("X-Access", "");
    let a = c2.patient_search(&pnr).await;
    assert_eq!((a.status, a.nll_code().as_str()), (400, "2-25-111"));

    let c3 = Counter::new(&sim, "farmaceut", ("SHOPPING", "UTAN_KRAV_SAMTYCKE"));
    let a = c3.patient_search(&pnr).await;
    assert_eq!((a.status, a.nll_code().as_str()), (400, "2-25-112"));
    let c4 = Counter::new(&sim, "farmaceut", ("EXPEDIERING", "OKAND_ATKOMST"));
    let a = c4.patient_search(&pnr).await;
    assert_eq!((a.status, a.nll_code().as_str()), (400, "2-25-113"));
}

#[tokio::test]
async fn invalid_combination_role_or_resource_is_403() {
    let sim = sim().await;
    let pnr = sim.catalogue().by_key("vuxen").unwrap().pnr.clone();

    // Care's purpose with a pharmacy access type: not a pharmacy combination.
    let a = Counter::new(&sim, "farmaceut", ("VARD", "UTAN_KRAV_SAMTYCKE"))
        .patient_search(&pnr)
        .await;
    assert_eq!((a.status, a.nll_code().as_str()), (403, "2-25-130"));
    let a = Counter::new(&sim, "farmaceut", ("EXPEDIERING", "KOPFULLMAKT"))
        .patient_search(&pnr)
        .await;
    assert_eq!((a.status, a.nll_code().as_str()), (403, "2-25-130"));

    // Läkemedelsstöd is for a farmaceut only; the role comes from the token, not the client.
    let a = Counter::new(&sim, "apotekspersonal", STOD)
        .patient_search(&pnr)
        .await;
    assert_eq!((a.status, a.nll_code().as_str()), (403, "2-25-131"));
    let a = Counter::new(&sim, "apotekspersonal", EXP_REASON)
        .patient_search(&pnr)
        .await;
    assert_eq!(a.status, 403);
    assert_eq!(
        Counter::new(&sim, "apotekspersonal", EXP)
            .patient_search(&pnr)
            .await
            .status,
        200
    );

    // An agent may not read dispenses; Läkemedelsstöd may not read data locks.
    let mut c = Counter::new(&sim, "farmaceut", OMBUD)
        .with(F::H_AGENT_ID, &agent_of(&sim, "fullmakt-aktiv"));
    assert_eq!(c.open("fullmakt-aktiv").await.status, 200);
    let a = c.dispenses("").await;
    assert_eq!((a.status, a.nll_code().as_str()), (403, "2-25-132"));
    let mut c = Counter::new(&sim, "farmaceut", STOD);
    c.open("vuxen").await;
    assert_eq!(c.basic("datalock").await.status, 403);
    assert_eq!(c.basic("medlistinfo").await.status, 200);

    // A treatment-reason access type reads one prescription only.
    let mut c = Counter::new(&sim, "farmaceut", EXP_REASON);
    c.open("vuxen").await;
    let a = c.prescriptions("").await;
    assert_eq!((a.status, a.nll_code().as_str()), (403, "2-25-133"));
}

fn agent_of(sim: &nll_sim::SimHandle, key: &str) -> String {
    sim.catalogue().by_key(key).unwrap().powers_of_attorney[0]
        .agent
        .pnr
        .clone()
}

fn guardian_of(sim: &nll_sim::SimHandle, key: &str) -> String {
    let p = sim.catalogue().by_key(key).unwrap();
    p.guardians
        .first()
        .or(p.former_guardians.first())
        .unwrap()
        .pnr
        .clone()
}

#[tokio::test]
async fn failed_validation_is_422() {
    let sim = sim().await;
    let code = |a: &Answer| (a.status, a.nll_code());

    // Vårdnadshavare: child 13 or older.
    let mut c = Counter::new(&sim, "apotekspersonal", GUARDIAN)
        .with(F::H_GUARDIAN_ID, &guardian_of(&sim, "ungdom-15"));
    assert_eq!(code(&c.open("ungdom-15").await), (422, "2-25-150".into()));
    // …a person who is not the guardian.
    let mut c = Counter::new(&sim, "apotekspersonal", GUARDIAN)
        .with(F::H_GUARDIAN_ID, &agent_of(&sim, "fullmakt-aktiv"));
    assert_eq!(code(&c.open("barn-9").await), (422, "2-25-152".into()));
    // …a protected child (relation removed by EHM).
    let mut c = Counter::new(&sim, "apotekspersonal", GUARDIAN)
        .with(F::H_GUARDIAN_ID, &guardian_of(&sim, "skyddat-barn-9"));
    assert_eq!(
        code(&c.open("skyddat-barn-9").await),
        (422, "2-25-155".into())
    );
    // …the real guardian of an unprotected child under 13 is let through.
    let mut c = Counter::new(&sim, "apotekspersonal", GUARDIAN)
        .with(F::H_GUARDIAN_ID, &guardian_of(&sim, "barn-9"));
    assert_eq!(c.open("barn-9").await.status, 200);
    assert_eq!(c.prescriptions("").await.status, 200);

    // Ombud: ended power of attorney; none at all; active.
    let mut c = Counter::new(&sim, "apotekspersonal", OMBUD)
        .with(F::H_AGENT_ID, &agent_of(&sim, "fullmakt-upphord"));
    assert_eq!(
        code(&c.open("fullmakt-upphord").await),
        (422, "2-25-153".into())
    );
    let mut c = Counter::new(&sim, "apotekspersonal", OMBUD)
        .with(F::H_AGENT_ID, &agent_of(&sim, "fullmakt-upphord"));
    assert_eq!(code(&c.open("vuxen").await), (422, "2-25-153".into()));
    let mut c = Counter::new(&sim, "apotekspersonal", OMBUD)
        .with(F::H_AGENT_ID, &agent_of(&sim, "fullmakt-aktiv"));
    assert_eq!(c.open("fullmakt-aktiv").await.status, 200);
    // …and for a protected patient an agent is refused whatever the register says.
    let mut c = Counter::new(&sim, "apotekspersonal", OMBUD)
        .with(F::H_AGENT_ID, &agent_of(&sim, "fullmakt-aktiv"));
    assert_eq!(
        code(&c.open("skyddad-folkbokforing").await),
        (422, "2-25-155".into())
    );

    // Dos consent.
    let mut c = Counter::new(&sim, "farmaceut", STOD_DOS);
    assert_eq!(code(&c.open("vuxen").await), (422, "2-25-154".into()));
    let mut c = Counter::new(&sim, "farmaceut", STOD_DOS);
    assert_eq!(c.open("dos").await.status, 200);

    // Treatment reason without consent for a child: under 18 only.
    let mut c = Counter::new(&sim, "farmaceut", EXP_CHILD);
    assert_eq!(code(&c.open("vuxen").await), (422, "2-25-151".into()));
    let mut c = Counter::new(&sim, "farmaceut", EXP_CHILD);
    assert_eq!(c.open("ungdom-15").await.status, 200);
}

/// By default no agent or guardian header is expected (none is published): the access type is
/// the assertion and the client has checked the register and the relation; age and protection
/// are still NLL's to check. A header that is sent anyway is still checked.
#[tokio::test]
async fn without_person_headers_the_access_type_is_the_assertion() {
    let sim = sim().await;
    let mut c = Counter::new(&sim, "farmaceut", OMBUD);
    assert_eq!(c.open("fullmakt-aktiv").await.status, 200);
    let mut c = Counter::new(&sim, "farmaceut", GUARDIAN);
    assert_eq!(c.open("barn-9").await.status, 200);
    let mut c = Counter::new(&sim, "farmaceut", OMBUD);
    let a = c.open("skyddad-folkbokforing").await;
    assert_eq!((a.status, a.nll_code().as_str()), (422, "2-25-155"));
    let mut c = Counter::new(&sim, "farmaceut", GUARDIAN);
    let a = c.open("ungdom-15").await;
    assert_eq!((a.status, a.nll_code().as_str()), (422, "2-25-150"));
    let mut c = Counter::new(&sim, "apotekspersonal", OMBUD)
        .with(F::H_AGENT_ID, &agent_of(&sim, "fullmakt-upphord"));
    let a = c.open("fullmakt-upphord").await;
    assert_eq!((a.status, a.nll_code().as_str()), (422, "2-25-153"));
}

/// With the policy file's switch on, the server requires the header and checks the person.
#[tokio::test]
async fn agent_and_guardian_headers_are_required_and_checked() {
    let sim = sim_with(SimConfig {
        policy_overrides: Some("[headers]\nagent_id = true\nguardian_id = true\n".into()),
        ..SimConfig::default()
    })
    .await;
    let mut c = Counter::new(&sim, "farmaceut", OMBUD);
    let a = c.open("fullmakt-aktiv").await;
    assert_eq!((a.status, a.nll_code().as_str()), (400, "2-25-117"));
    let mut c = Counter::new(&sim, "farmaceut", GUARDIAN);
    let a = c.open("barn-9").await;
    assert_eq!((a.status, a.nll_code().as_str()), (400, "2-25-118"));
    let mut c = Counter::new(&sim, "farmaceut", GUARDIAN).with(F::H_GUARDIAN_ID, "198606301281");
    let a = c.open("barn-9").await;
    assert_eq!(
        (a.status, a.nll_code().as_str()),
        (400, "2-25-119"),
        "bad check digit"
    );
}

#[tokio::test]
async fn patient_ref_must_name_the_patient_asked_for() {
    let sim = sim().await;
    let mut c = Counter::new(&sim, "farmaceut", EXP);
    assert_eq!(c.open("vuxen").await.status, 200);
    assert_eq!(c.prescriptions("").await.status, 200);

    // Another patient's id in the query with this patient's X-PatientRef.
    let other = c.id("dos");
    let a = c
        .get(&format!("/fhir/MedicationDispense?patient={other}"))
        .await;
    assert_eq!((a.status, a.nll_code().as_str()), (400, "2-25-115"));
    let a = c
        .get(&format!(
            "/fhir/Basic?code=medlistinfo&subject=Patient/{other}"
        ))
        .await;
    assert_eq!(a.status, 400);
    // A stale X-PatientRef on the next customer's lookup.
    let a = c.patient_search(&c.pnr("dos")).await;
    assert_eq!((a.status, a.nll_code().as_str()), (400, "2-25-115"));
    // No X-PatientRef after the lookup.
    c.patient_ref = None;
    let a = c
        .get(&format!(
            "/fhir/MedicationRequest?patient={}",
            c.id("vuxen")
        ))
        .await;
    assert_eq!((a.status, a.nll_code().as_str()), (400, "2-25-114"));
}

#[tokio::test]
async fn request_id_is_echoed_on_every_answer_and_requests_are_recorded() {
    let sim = sim().await;
    let http = client();
    for (path, token) in [
        ("/fhir/Patient?identifier=x", false),
        ("/fhir/Nonsense", true),
        ("/fullmakt", false),
    ] {
        let mut rb = http
            .get(format!("{}{path}", sim.base_url()))
            .header("X-Request-ID", "3f1e0d7c-aaaa-4bbb-8ccc-123456789abc");
        if token {
            rb = rb.bearer_auth(sim.token_for("farmaceut"));
        }
        let r = rb.send().await.unwrap();
        assert_eq!(
            r.headers()["x-request-id"],
            "3f1e0d7c-aaaa-4bbb-8ccc-123456789abc",
            "{path}"
        );
    }
    // Without one, the server makes one up.
    let r = http
        .get(format!("{}/fhir/metadata", sim.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-request-id"].to_str().unwrap().len(), 36);

    let mut c = Counter::new(&sim, "farmaceut", EXP).with("X-Context-ID", "ctx-1");
    c.open("vuxen").await;
    let recorded = sim.requests();
    let last = recorded.last().unwrap();
    assert_eq!(last.method, "GET");
    assert_eq!(last.path, "/fhir/Patient");
    assert_eq!(last.header("x-purpose"), Some("EXPEDIERING"));
    assert_eq!(last.header("X-Context-ID"), Some("ctx-1"));
    assert_eq!(last.status, Some(200));
    assert!(last
        .query_param("identifier")
        .unwrap()
        .ends_with(&c.pnr("vuxen")));
}

#[tokio::test]
async fn search_parameters_are_checked() {
    let sim = sim().await;
    let mut c = Counter::new(&sim, "farmaceut", EXP);
    let a = c
        .get("/fhir/Patient?identifier=http%3A%2F%2Fexample.org%7C196804152382")
        .await;
    assert_eq!((a.status, a.nll_code().as_str()), (400, "2-25-116"));
    let a = c.get("/fhir/Patient?identifier=196804152381").await;
    assert_eq!(a.status, 400, "check digit");
    let a = c.get("/fhir/Patient?name=Karin").await;
    assert_eq!(a.status, 400);
    // Unknown personnummer with a valid check digit: an empty searchset.
    let a = c.patient_search("191212121212").await;
    assert_eq!(a.status, 200);
    assert_eq!(a.json()["total"], 0);
    c.open("vuxen").await;
    assert_eq!(c.prescriptions("&_count=5000").await.status, 400);
    assert_eq!(c.prescriptions("&_count=abc").await.status, 400);
    let a = c.get("/fhir/Observation?patient=x").await;
    assert_eq!((a.status, a.nll_code().as_str()), (404, "2-25-191"));
}

#[tokio::test]
async fn power_of_attorney_register() {
    let sim = sim().await;
    let http = client();
    let token = sim.token_for("apotekspersonal");
    let ask = |givare: String, ombud: String| {
        http.get(format!(
            "{}/fullmakt?givare={givare}&ombud={ombud}",
            sim.base_url()
        ))
        .bearer_auth(&token)
        .send()
    };
    let cat = sim.catalogue();
    let status = |v: serde_json::Value| v["status"].as_str().unwrap().to_string();
    let active = cat.by_key("fullmakt-aktiv").unwrap();
    let ended = cat.by_key("fullmakt-upphord").unwrap();
    let r = ask(active.pnr.clone(), agent_of(&sim, "fullmakt-aktiv"))
        .await
        .unwrap();
    assert_eq!(status(r.json().await.unwrap()), "active");
    let r = ask(ended.pnr.clone(), agent_of(&sim, "fullmakt-upphord"))
        .await
        .unwrap();
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(status(v.clone()), "ended");
    assert!(v["giltigTom"].is_string());
    let r = ask(active.pnr.clone(), agent_of(&sim, "fullmakt-upphord"))
        .await
        .unwrap();
    assert_eq!(status(r.json().await.unwrap()), "none");
    let r = ask("abc".into(), "def".into()).await.unwrap();
    assert_eq!(r.status(), 400);
    let r = http
        .get(format!(
            "{}/fullmakt?givare={}&ombud={}",
            sim.base_url(),
            active.pnr,
            agent_of(&sim, "fullmakt-aktiv")
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn guardian_check_returns_the_relation_only_when_nll_has_it() {
    let sim = sim().await;
    let c = Counter::new(&sim, "apotekspersonal", GUARDIAN);
    let sys = F::SYSTEM_PERSONNUMMER
        .replace(':', "%3A")
        .replace('/', "%2F");
    let ask = |guardian: String, child: String| {
        format!(
            "/fhir/RelatedPerson?identifier={sys}%7C{guardian}&patient.identifier={sys}%7C{child}"
        )
    };
    let a = c
        .get(&ask(guardian_of(&sim, "barn-9"), c.pnr("barn-9")))
        .await;
    assert_eq!(a.status, 200);
    let rel = a.resources();
    assert_eq!(rel.len(), 1);
    assert_eq!(rel[0]["resourceType"], "RelatedPerson");
    assert_eq!(
        rel[0]["patient"]["reference"],
        format!("Patient/{}", c.id("barn-9"))
    );
    let a = c
        .get(&ask(
            guardian_of(&sim, "skyddat-barn-9"),
            c.pnr("skyddat-barn-9"),
        ))
        .await;
    assert_eq!(
        a.resources().len(),
        0,
        "relation removed for a protected child"
    );
    let a = c
        .get(&ask(agent_of(&sim, "fullmakt-aktiv"), c.pnr("barn-9")))
        .await;
    assert_eq!(a.resources().len(), 0);
    // Not a resource for Expediering.
    let e = Counter::new(&sim, "apotekspersonal", EXP);
    assert_eq!(
        e.get(&ask(guardian_of(&sim, "barn-9"), c.pnr("barn-9")))
            .await
            .status,
        403
    );
}

/// `X-User-Agent` and `X-Org-Info` are read in either encoding; a malformed one is refused with
/// 400, code 2-25-120 and a text naming the header and the fault (NLL.md §2).
#[tokio::test]
async fn json_headers_in_either_encoding_and_malformed_ones_refused() {
    use nll::headers::{org_info_value, user_agent_value, HeaderEncoding, OrgInfo, UserAgent};
    let sim = sim().await;
    let ua = UserAgent::new("Receptdisk", "0.1.0");
    let org = OrgInfo {
        org_namn: "Apoteksbolaget Syd AB".into(),
        orgenhets_id: "7350012345013".into(),
        orgenhets_namn: "Apoteket Kronan".into(),
        orgenhets_ort: "Malmö".into(),
    };
    for enc in [HeaderEncoding::Base64, HeaderEncoding::AsciiJson] {
        let mut c = Counter::new(&sim, "farmaceut", EXP)
            .with("X-User-Agent", &user_agent_value(&ua, enc))
            .with("X-Org-Info", &org_info_value(&org, enc));
        assert_eq!(c.open("vuxen").await.status, 200, "{enc:?}");
    }
    let refused = |a: &Answer| {
        let text = a.json()["issue"][0]["details"]["text"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        (a.status, a.nll_code(), text)
    };
    let mut bad_gln = org.clone();
    bad_gln.orgenhets_id = "7350012345014".into();
    for (header, value, says) in [
        (
            "X-User-Agent",
            "Receptdisk/0.1.0 (linux)".to_string(),
            "varken JSON eller Base64",
        ),
        (
            "X-User-Agent",
            r#"{"name":"Receptdisk"}"#.to_string(),
            "\"version\" saknas",
        ),
        (
            "X-Org-Info",
            org_info_value(&bad_gln, HeaderEncoding::Base64),
            "orgenhetsId",
        ),
        ("X-Org-Info", "e30=".to_string(), "saknas"),
    ] {
        let c = Counter::new(&sim, "farmaceut", EXP).with(header, &value);
        let (status, code, text) = refused(&c.patient_search(&c.pnr("vuxen")).await);
        assert_eq!(
            (status, code.as_str()),
            (400, "2-25-120"),
            "{header}: {value}"
        );
        assert!(text.starts_with(&format!("{header} är felaktig")), "{text}");
        assert!(text.contains(says), "{text}");
    }
}

/// The server accepts exactly the codes of the table: the earlier guesses are unknown (400,
/// 2-25-113), care's codes are known but no pharmacy combination (403, 2-25-130).
#[tokio::test]
async fn only_the_tables_access_codes_are_accepted() {
    let sim = sim().await;
    let pnr = sim.catalogue().by_key("vuxen").unwrap().pnr.clone();
    for old in ["SAMTYCKE_SPARRADE_UPPGIFTER", "REGISTRERAT_ATKOMSTSAMTYCKE"] {
        let a = Counter::new(&sim, "farmaceut", ("EXPEDIERING", old))
            .patient_search(&pnr)
            .await;
        assert_eq!(
            (a.status, a.nll_code().as_str()),
            (400, "2-25-113"),
            "{old}"
        );
    }
    for care in [
        "FORMODAT_SAMTYCKE",
        "NODATKOMST",
        "TILLFALLIGT_SAMTYCKE_SPARRADE_UPPGIFTER",
        "UTAN_KRAV_SAMTYCKE_BARN",
        "SAMTYCKE_PRIVAT_TILL_VARDPERSONAL",
    ] {
        for purpose in ["EXPEDIERING", "VARD"] {
            let a = Counter::new(&sim, "farmaceut", (purpose, care))
                .patient_search(&pnr)
                .await;
            assert_eq!(
                (a.status, a.nll_code().as_str()),
                (403, "2-25-130"),
                "{purpose} {care}"
            );
        }
    }
}
