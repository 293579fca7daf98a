//! What goes on the wire, recorded by the test server over mutual TLS, against the README's
//! header table (`<!-- wire:headers -->`): every published header and nothing else — no agent or
//! guardian header by default (NLL.md §2), `X-User-Agent` and `X-Org-Info` as Base64 of compact
//! JSON. With the policy file's switches on, the same flows run with ASCII JSON and the person
//! headers, and the test server accepts them too.

use acceptance::{start, Env};
use nll::headers::{parse_org_info, parse_user_agent, HeaderEncoding};
use nll::Flow;
use nll_client::LookupRequest;

/// `(header, value cell)` of the README's wire table.
fn readme_headers() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md"))
        .expect("README");
    let start = text.find("<!-- wire:headers -->").expect("README marker");
    let end = text
        .find("<!-- /wire:headers -->")
        .expect("README end marker");
    text[start..end]
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split(" | ").map(str::trim).collect();
            (cells[0].trim_matches('`').to_string(), cells[2].to_string())
        })
        .collect()
}

/// The headers NLL.md §2 is about: `Authorization`, `Accept` and every `X-` header.
fn nll_header_names(env: &Env) -> Vec<String> {
    let mut names: Vec<String> = env
        .nll_requests()
        .iter()
        .filter(|r| r.path.starts_with("/fhir/"))
        .flat_map(|r| r.headers.iter().map(|(k, _)| k.to_ascii_lowercase()))
        .filter(|k| k == "authorization" || k == "accept" || k.starts_with("x-"))
        .collect();
    names.sort();
    names.dedup();
    names
}

async fn run(env: &Env, cfg: &nll_client::ClientConfig) {
    let counter = env.counter_with(cfg);
    counter
        .lookup(LookupRequest::new(&env.pnr("vuxen"), Flow::Expediering))
        .await
        .expect("Expediering");
    let mut req = LookupRequest::new(&env.pnr("fullmakt-aktiv"), Flow::Ombud);
    req.agent = Some(env.related("Per Sjögren"));
    counter.lookup(req).await.expect("Ombud");
    let mut req = LookupRequest::new(&env.pnr("barn-9"), Flow::Vardnadshavare);
    req.guardian = Some(env.related("Maria Berg"));
    counter.lookup(req).await.expect("Vårdnadshavare");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_header_table_is_what_goes_on_the_wire() {
    let env = start().await;
    run(&env, &env.config("farmaceut")).await;
    let table = readme_headers();
    let mut documented: Vec<String> = table.iter().map(|(h, _)| h.to_ascii_lowercase()).collect();
    documented.sort();
    assert_eq!(
        nll_header_names(&env),
        documented,
        "README table vs the wire"
    );

    // The values as the table describes them: Base64 of the compact JSON shown.
    let reqs = env.nll_requests();
    let lookup = reqs.iter().find(|r| r.path == "/fhir/Patient").unwrap();
    let ua = lookup.header("x-user-agent").unwrap();
    let (enc, agent) = parse_user_agent(ua).unwrap();
    assert_eq!(enc, HeaderEncoding::Base64);
    let json = serde_json::to_string(&agent).unwrap();
    assert_eq!(
        json,
        format!(
            r#"{{"name":"Receptdisk","version":"{}"}}"#,
            env!("CARGO_PKG_VERSION")
        )
    );
    let cell = |h: &str| table.iter().find(|(n, _)| n == h).unwrap().1.clone();
    assert!(
        cell("X-User-Agent").contains(&format!("Base64 of `{json}`")),
        "{}",
        cell("X-User-Agent")
    );
    let (enc, org) = parse_org_info(lookup.header("x-org-info").unwrap()).unwrap();
    assert_eq!(enc, HeaderEncoding::Base64);
    assert!(nll::ids::Gln::parse(&org.orgenhets_id).is_ok());
    assert!(
        cell("X-Org-Info").starts_with("Base64 of `{\"orgNamn\""),
        "{}",
        cell("X-Org-Info")
    );
    // X-PatientRef only after the lookup.
    assert!(lookup.header("x-patientref").is_none());
    assert!(reqs
        .iter()
        .filter(|r| r.path == "/fhir/MedicationRequest")
        .all(|r| r.header("x-patientref").is_some()));
}

/// The policy file's switches: ASCII JSON and the (unpublished) person headers, each only in
/// its own flow; the test server accepts them and checks the person.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_switches_on_the_person_headers_go_out_and_are_accepted() {
    let env = start().await;
    let policy = env.dir.join("policy.toml");
    std::fs::write(
        &policy,
        "[headers]\njson_encoding = \"ascii-json\"\nagent_id = true\nguardian_id = true\n",
    )
    .unwrap();
    let mut cfg = env.config("farmaceut");
    cfg.policy_overrides = Some(policy);
    run(&env, &cfg).await;
    let reqs = env.nll_requests();
    let with = |h: &str| -> Vec<String> {
        reqs.iter()
            .filter(|r| r.header(h).is_some())
            .map(|r| r.header("x-access").unwrap_or_default().to_string())
            .collect()
    };
    assert!(!with("x-agent-id").is_empty());
    assert!(with("x-agent-id").iter().all(|a| a == "KOPFULLMAKT"));
    assert!(!with("x-guardian-id").is_empty());
    assert!(with("x-guardian-id").iter().all(|a| a == "VARDNADSHAVARE"));
    let agent = env.related("Per Sjögren");
    assert!(reqs
        .iter()
        .filter_map(|r| r.header("x-agent-id"))
        .all(|v| v == agent));
    for r in reqs.iter().filter(|r| r.path.starts_with("/fhir/")) {
        assert_eq!(
            parse_user_agent(r.header("x-user-agent").unwrap())
                .unwrap()
                .0,
            HeaderEncoding::AsciiJson
        );
        assert!(r.header("x-org-info").unwrap().starts_with('{'));
    }
}
