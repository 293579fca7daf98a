//! The contract between the client side of `nll` and the server: for every row of the policy
//! table and every role it allows, the headers `nll::headers::read_headers` builds from
//! `Policy::evaluate`'s context are accepted for every resource the row reads, and a resource
//! outside the row is refused with 403 — with the default header settings (Base64 JSON headers,
//! no agent/guardian header) and with every open header switched on (ASCII JSON, both person
//! headers), so the server works either way.

mod common;

use common::*;
use nll::headers::{read_headers, HeaderEncoding, OrgInfo, UserAgent};
use nll::ids::PersonId;
use nll::policy::{Confirmations, PatientFacts, Policy};
use nll::{Flow, Resource};
use uuid::Uuid;

fn patient_for(flow: Flow) -> &'static str {
    match flow {
        Flow::ExpedieringBarnBehandlingsorsak => "ungdom-15",
        Flow::LakemedelsstodDos => "dos",
        Flow::Ombud => "fullmakt-aktiv",
        Flow::Vardnadshavare => "barn-9",
        _ => "vuxen",
    }
}

fn path(resource: Resource, patient_id: &str, rx_id: &str) -> String {
    match resource {
        Resource::Patient => format!("/fhir/Patient/{patient_id}"),
        Resource::ListInfo => format!("/fhir/Basic?code=medlistinfo&subject=Patient/{patient_id}"),
        Resource::DataLock => format!("/fhir/Basic?code=datalock&subject=Patient/{patient_id}"),
        Resource::MedicationRequest => {
            format!("/fhir/MedicationRequest?patient={patient_id}&_id={rx_id}")
        }
        Resource::MedicationDispense => format!("/fhir/MedicationDispense?patient={patient_id}"),
        Resource::RelatedPerson => String::new(),
    }
}

#[tokio::test]
async fn every_flow_the_policy_allows_is_accepted_with_the_built_headers() {
    let sim = sim().await;
    let switched_on = Policy::from_overrides_toml(
        "[headers]\njson_encoding = \"ascii-json\"\nagent_id = true\nguardian_id = true\n",
    )
    .unwrap();
    let ua = UserAgent::new("Receptdisk", "0.1.0");
    let http = client();
    let org = OrgInfo {
        org_namn: "Apotek Kronan AB".into(),
        orgenhets_id: "7350012345013".into(),
        orgenhets_namn: "Apotek Kronan Centrum".into(),
        orgenhets_ort: "Stockholm".into(),
    };
    let context_id = Uuid::new_v4();
    let all = [
        Resource::Patient,
        Resource::ListInfo,
        Resource::MedicationRequest,
        Resource::MedicationDispense,
        Resource::DataLock,
    ];
    let mut checked = 0;
    for policy in [Policy::standard(), switched_on] {
        let encoding = policy.headers().json_encoding;
        for rule in policy.rules() {
            for &role in rule.roles {
                let login = match role {
                    nll::Role::Farmaceut => "farmaceut",
                    nll::Role::Apotekspersonal => "apotekspersonal",
                };
                let token = sim.token_for(login);
                let p = sim.catalogue().by_key(patient_for(rule.flow)).unwrap();
                let person = |pnr: &str| PersonId::parse(pnr, today()).unwrap();
                let confirmed = Confirmations {
                    consent: true,
                    identity_checked: true,
                    agent: p.powers_of_attorney.first().map(|f| person(&f.agent.pnr)),
                    guardian: p.guardians.first().map(|g| person(&g.pnr)),
                };
                let ctx = policy
                    .evaluate(role, rule.flow, &PatientFacts::unknown(), &confirmed)
                    .unwrap_or_else(|d| panic!("{:?}: {}", rule.flow, d.en));
                let send = |path: String, patient_ref: Option<&str>| {
                    let mut rb = http.get(format!("{}{path}", sim.base_url()));
                    for (k, v) in read_headers(
                        &ctx,
                        &token,
                        context_id,
                        Uuid::new_v4(),
                        patient_ref,
                        &org,
                        &ua,
                        encoding,
                    ) {
                        rb = rb.header(k, v);
                    }
                    rb.send()
                };
                // The lookup, then every resource of the row with X-PatientRef.
                let sys = nll::fhir::SYSTEM_PERSONNUMMER
                    .replace(':', "%3A")
                    .replace('/', "%2F");
                let r = send(format!("/fhir/Patient?identifier={sys}%7C{}", p.pnr), None)
                    .await
                    .unwrap();
                assert_eq!(
                    r.status(),
                    200,
                    "{:?} {role:?} lookup: {}",
                    rule.flow,
                    r.text().await.unwrap()
                );
                let rx_id = p
                    .history()
                    .prescriptions
                    .iter()
                    .find(|r| r.is_current(today()))
                    .unwrap()
                    .id
                    .to_string();
                for resource in all {
                    let r = send(path(resource, &p.id, &rx_id), Some(&p.id))
                        .await
                        .unwrap();
                    let status = r.status().as_u16();
                    let body = r.text().await.unwrap();
                    if ctx.resources.contains(&resource) {
                        assert_eq!(status, 200, "{:?} {role:?} {resource:?}: {body}", rule.flow);
                    } else {
                        assert_eq!(
                            status, 403,
                            "{:?} {role:?} {resource:?} is outside the row: {body}",
                            rule.flow
                        );
                    }
                    checked += 1;
                }
            }
        }
    }
    assert!(checked >= 2 * 9 * 5);
    // The server saw the builder's headers in both encodings, and the person headers only
    // when switched on.
    let seen = sim.requests();
    for enc in [HeaderEncoding::Base64, HeaderEncoding::AsciiJson] {
        assert!(seen
            .iter()
            .any(|r| r.header("x-user-agent")
                == Some(nll::headers::user_agent_value(&ua, enc).as_str())));
    }
    let with_agent = seen
        .iter()
        .filter(|r| r.header("x-agent-id").is_some())
        .count();
    let with_guardian = seen
        .iter()
        .filter(|r| r.header("x-guardian-id").is_some())
        .count();
    assert!(with_agent > 0 && with_guardian > 0);
    assert!(
        seen.iter()
            .filter(|r| r.header("x-org-info").is_some_and(|v| !v.starts_with('{')))
            .all(|r| r.header("x-agent-id").is_none() && r.header("x-guardian-id").is_none()),
        "no person header with the default settings"
    );
}
