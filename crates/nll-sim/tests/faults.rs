//! Faults on demand over real HTTP: latency, 500/502/503, 429 + Retry-After, hang, malformed
//! JSON, truncated body, oversized bundle, wrong content type; scoping by path and count; the
//! admin endpoint.

mod common;

use std::time::{Duration, Instant};

use common::*;
use nll_sim::{FaultKind, FaultSpec, SimConfig};

async fn opened(sim: &nll_sim::SimHandle) -> Counter<'_> {
    let mut c = Counter::new(sim, "farmaceut", EXP);
    assert_eq!(c.open("vuxen").await.status, 200);
    c
}

#[tokio::test]
async fn status_faults_with_scope_and_count() {
    let sim = sim().await;
    let c = opened(&sim).await;
    sim.add_fault(
        FaultSpec::new(FaultKind::Status { code: 503 })
            .on("/fhir/MedicationDispense")
            .times(2),
    );
    for _ in 0..2 {
        let a = c.dispenses("").await;
        assert_eq!(a.status, 503);
        assert_eq!(a.json()["issue"][0]["code"], "transient");
        assert!(a.header("x-request-id").is_some());
    }
    assert_eq!(c.dispenses("").await.status, 200, "count used up");
    assert_eq!(
        c.prescriptions("").await.status,
        200,
        "other paths untouched"
    );

    sim.add_fault(FaultSpec::new(FaultKind::Status { code: 500 }).times(1));
    let a = c.prescriptions("").await;
    assert_eq!(a.status, 500);
    assert_eq!(a.nll_code(), "2-25-500");

    sim.add_fault(FaultSpec::new(FaultKind::Status { code: 502 }).times(1));
    let a = c.prescriptions("").await;
    assert_eq!(a.status, 502);
    assert!(
        a.header("content-type").unwrap().starts_with("text/html"),
        "a proxy's page, not FHIR"
    );
    assert!(sim.faults().is_empty());

    let rec = sim.requests();
    assert!(rec
        .iter()
        .any(|r| r.fault.as_deref() == Some("status 502") && r.status == Some(502)));
}

#[tokio::test]
async fn rate_limited_with_retry_after() {
    let sim = sim().await;
    let c = opened(&sim).await;
    sim.add_fault(FaultSpec::new(FaultKind::RateLimited { retry_after: 7 }).times(1));
    let a = c.prescriptions("").await;
    assert_eq!(a.status, 429);
    assert_eq!(a.header("retry-after"), Some("7"));
    assert_eq!(a.json()["issue"][0]["code"], "throttled");
    assert_eq!(c.prescriptions("").await.status, 200);
}

#[tokio::test]
async fn latency_from_config_and_from_a_fault() {
    // Base latency from the configuration applies to every call.
    let slow = sim_with(SimConfig {
        latency: Duration::from_millis(150),
        ..SimConfig::default()
    })
    .await;
    let c = Counter::new(&slow, "farmaceut", EXP);
    let t = Instant::now();
    assert_eq!(c.patient_search(&c.pnr("vuxen")).await.status, 200);
    assert!(t.elapsed() >= Duration::from_millis(150));

    let sim = sim().await;
    let c = opened(&sim).await;
    sim.add_fault(
        FaultSpec::new(FaultKind::Latency { ms: 300 })
            .on("/fhir/MedicationRequest")
            .times(1),
    );
    let t = Instant::now();
    assert_eq!(
        c.prescriptions("").await.status,
        200,
        "latency alone still answers"
    );
    assert!(t.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn hang_never_answers() {
    let sim = sim().await;
    let c = opened(&sim).await;
    sim.add_fault(FaultSpec::new(FaultKind::Hang).times(1));
    let r = c
        .http
        .get(format!("{}/fhir/metadata", sim.base_url()))
        .timeout(Duration::from_millis(400))
        .send()
        .await;
    assert!(r.unwrap_err().is_timeout());
    assert_eq!(c.prescriptions("").await.status, 200, "next call is fine");
    sim.add_fault(FaultSpec::new(FaultKind::Hang));
    // Shutdown ends a hanging request instead of waiting forever.
    let url = format!("{}/fhir/metadata", sim.base_url());
    let pending = tokio::spawn(async move { client().get(url).send().await });
    tokio::time::sleep(Duration::from_millis(100)).await;
    tokio::time::timeout(Duration::from_secs(5), sim.shutdown())
        .await
        .expect("shutdown with a hanging request");
    let _ = tokio::time::timeout(Duration::from_secs(5), pending)
        .await
        .expect("hanging request ended");
}

#[tokio::test]
async fn malformed_json_truncated_body_and_wrong_content_type() {
    let sim = sim().await;
    let c = opened(&sim).await;

    sim.add_fault(FaultSpec::new(FaultKind::MalformedJson).times(1));
    let a = c.prescriptions("").await;
    assert_eq!(a.status, 200);
    assert!(a
        .header("content-type")
        .unwrap()
        .starts_with("application/fhir+json"));
    assert!(serde_json::from_str::<serde_json::Value>(&a.text).is_err());

    sim.add_fault(
        FaultSpec::new(FaultKind::Truncated)
            .on("/fhir/MedicationDispense")
            .times(1),
    );
    let r = c
        .http
        .get(format!(
            "{}/fhir/MedicationDispense?patient={}",
            sim.base_url(),
            c.patient_ref.clone().unwrap()
        ))
        .bearer_auth(c.token.clone().unwrap())
        .header("X-Purpose", EXP.0)
        .header("X-Access", EXP.1)
        .header("X-PatientRef", c.patient_ref.clone().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let declared: usize = r.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(declared > 1000);
    assert!(r.bytes().await.is_err(), "the body ends early");

    sim.add_fault(FaultSpec::new(FaultKind::WrongContentType).times(1));
    let a = c.prescriptions("").await;
    assert_eq!(a.status, 200);
    assert_eq!(a.header("content-type"), Some("text/html; charset=utf-8"));
    assert_eq!(a.json()["resourceType"], "Bundle", "same body, wrong label");
}

#[tokio::test]
async fn oversized_bundle_is_valid_and_huge() {
    let sim = sim().await;
    let c = opened(&sim).await;
    sim.add_fault(
        FaultSpec::new(FaultKind::Oversized {
            bytes: 3 * 1024 * 1024,
        })
        .times(1),
    );
    let a = c.dispenses("").await;
    assert_eq!(a.status, 200);
    assert!(
        a.header("content-length").is_none(),
        "streamed, size not announced"
    );
    assert!(a.text.len() >= 3 * 1024 * 1024);
    let v = a.json();
    assert_eq!(v["resourceType"], "Bundle");
    assert!(v["entry"].as_array().unwrap().len() > 500);
}

#[tokio::test]
async fn admin_endpoint_sets_lists_and_clears_faults() {
    let sim = sim().await;
    let http = client();
    let admin = format!("{}/admin/faults", sim.base_url());
    let r = http
        .post(&admin)
        .body(r#"{"kind":"status","code":503,"pathPrefix":"/fhir/Patient","count":1}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let listed: serde_json::Value = http.get(&admin).send().await.unwrap().json().await.unwrap();
    assert_eq!(listed[0]["kind"], "status");
    assert_eq!(listed[0]["pathPrefix"], "/fhir/Patient");
    let c = Counter::new(&sim, "farmaceut", EXP);
    assert_eq!(c.patient_search(&c.pnr("vuxen")).await.status, 503);
    assert_eq!(c.patient_search(&c.pnr("vuxen")).await.status, 200);

    http.post(&admin)
        .body(r#"{"kind":"rate-limited","retryAfter":1}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(c.patient_search(&c.pnr("vuxen")).await.status, 429);
    // Admin calls are never faulted.
    assert_eq!(http.get(&admin).send().await.unwrap().status(), 200);
    assert_eq!(http.delete(&admin).send().await.unwrap().status(), 204);
    assert_eq!(c.patient_search(&c.pnr("vuxen")).await.status, 200);

    let bad = http
        .post(&admin)
        .body(r#"{"kind":"teapot"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);

    // Recorded requests over HTTP.
    let rec: serde_json::Value = http
        .get(format!("{}/admin/requests", sim.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(rec
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["path"] == "/fhir/Patient" && r["status"] == 503));
}

#[tokio::test]
async fn admin_exists_only_in_test_mode() {
    let sim = sim_with(SimConfig {
        admin: false,
        ..SimConfig::default()
    })
    .await;
    let r = client()
        .get(format!("{}/admin/faults", sim.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = client()
        .post(format!("{}/admin/faults", sim.base_url()))
        .body(r#"{"kind":"hang"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert!(sim.faults().is_empty());
}

#[tokio::test]
async fn faults_from_the_configuration() {
    let sim = sim_with(SimConfig {
        faults: vec!["503,count=1".parse().unwrap()],
        ..SimConfig::default()
    })
    .await;
    let c = Counter::new(&sim, "farmaceut", EXP);
    assert_eq!(c.patient_search(&c.pnr("vuxen")).await.status, 503);
    assert_eq!(c.patient_search(&c.pnr("vuxen")).await.status, 200);
}
