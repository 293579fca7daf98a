//! Mutual TLS (client certificate required, its subject recorded) and paging with `_count` and
//! `Bundle.link` next.

mod common;

use std::collections::HashSet;

use common::*;
use nll_sim::pki::TestPki;
use nll_sim::{SimConfig, TlsConfig};

#[tokio::test]
async fn mutual_tls_requires_a_client_certificate_from_the_ca() {
    let pki = TestPki::generate().unwrap();
    let sim = sim_with(SimConfig {
        tls: Some(TlsConfig::from_pki(&pki)),
        ..SimConfig::default()
    })
    .await;
    assert!(sim.base_url().starts_with("https://127.0.0.1:"));
    let _ = rustls::crypto::ring::default_provider().install_default();
    let ca = reqwest::Certificate::from_pem(pki.ca_pem().as_bytes()).unwrap();
    let id = pki.client("Apotek Kronan kassa 1").unwrap();
    let with_cert = reqwest::Client::builder()
        .no_proxy()
        .tls_certs_only([ca.clone()])
        .identity(reqwest::Identity::from_pem(id.identity_pem().as_bytes()).unwrap())
        .build()
        .unwrap();
    let r = with_cert
        .get(format!("{}/fhir/metadata", sim.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let rec = sim.requests();
    let subject = rec.last().unwrap().client_cert_subject.clone().unwrap();
    assert!(subject.contains("CN=Apotek Kronan kassa 1"), "{subject}");

    // No client certificate: the handshake (or the first request) fails.
    let without = reqwest::Client::builder()
        .no_proxy()
        .tls_certs_only([ca.clone()])
        .build()
        .unwrap();
    assert!(without
        .get(format!("{}/fhir/metadata", sim.base_url()))
        .send()
        .await
        .is_err());

    // A certificate from another CA is refused too.
    let other = TestPki::generate().unwrap();
    let stranger = other.client("Okänd kassa").unwrap();
    let wrong = reqwest::Client::builder()
        .no_proxy()
        .tls_certs_only([ca])
        .identity(reqwest::Identity::from_pem(stranger.identity_pem().as_bytes()).unwrap())
        .build()
        .unwrap();
    assert!(wrong
        .get(format!("{}/fhir/metadata", sim.base_url()))
        .send()
        .await
        .is_err());
}

#[tokio::test]
async fn plain_http_is_refused_off_loopback() {
    let err = nll_sim::start(SimConfig {
        bind: "0.0.0.0".parse().unwrap(),
        ..SimConfig::default()
    })
    .await
    .unwrap_err();
    assert!(matches!(err, nll_sim::SimError::PlainHttpNotLoopback(_)));
}

#[tokio::test]
async fn paging_follows_next_links_through_the_heavy_patient() {
    let sim = sim().await;
    let mut c = Counter::new(&sim, "farmaceut", STOD);
    assert_eq!(c.open("storkund").await.status, 200);

    let first = c.dispenses("&_count=1000").await;
    assert_eq!(first.status, 200);
    let total = first.json()["total"].as_u64().unwrap();
    assert_eq!(total, 4000);
    assert_eq!(first.resources().len(), 1000);
    let next = first.next_link().unwrap();
    assert!(next.starts_with(&format!("{}/fhir/MedicationDispense?", sim.base_url())));
    assert!(next.contains("_count=1000") && next.contains("_offset=1000"));
    let all = c.all_pages(first).await;
    assert_eq!(all.len(), 4000);
    let ids: HashSet<&str> = all.iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 4000, "no dispense twice");
    // Newest first across pages.
    let dates: Vec<&str> = all
        .iter()
        .map(|d| d["whenHandedOver"].as_str().unwrap())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]));

    // Default page size and the last page has no next link.
    let p = c.prescriptions("").await;
    let total = p.json()["total"].as_u64().unwrap() as usize;
    assert!(total >= 600);
    assert_eq!(p.resources().len(), nll_sim::DEFAULT_COUNT);
    let rx = c.all_pages(p).await;
    assert_eq!(rx.len(), total);
    let last = c
        .prescriptions(&format!("&_count=50&_offset={}", total - 10))
        .await;
    assert_eq!(last.resources().len(), 10);
    assert!(last.next_link().is_none());
    // _count=0: only the total.
    let zero = c.prescriptions("&_count=0").await;
    assert_eq!(zero.json()["total"].as_u64().unwrap() as usize, total);
    assert!(zero.resources().is_empty());
}
