//! How long the test server takes to answer one searchset page of 1,000 dispenses (the heavy
//! test patient), over real HTTP on loopback, and its four pages in turn. Targets: under 20 ms
//! a page, under 60 ms the four. Reports, never asserts.
//!
//! Also reports how long the client takes to read such a page into the model.
//!
//! `cargo bench -p nll-sim --bench dispense_page`

use std::time::{Duration, Instant};

use nll_sim::{SimConfig, TEST_USERS};

const ROUNDS: usize = 50;

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(run());
}

async fn run() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let sim = nll_sim::start(SimConfig::default())
        .await
        .expect("sim starts");
    let heavy = sim.catalogue().by_key("storkund").expect("heavy patient");
    let id = heavy.id.clone();
    let token = sim.token_for(TEST_USERS[0].login);
    let http = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    // Läkemedelsstöd: the whole 5 years, so every page of 1,000 is full.
    let url = format!(
        "{}/MedicationDispense?patient={id}&_count=1000",
        sim.fhir_base()
    );
    let page = |offset: usize| {
        http.get(format!("{url}&_offset={offset}"))
            .bearer_auth(&token)
            .header("X-Purpose", "UNDERLATTANDE_LAKEMEDELSANVANDNING")
            .header("X-Access", "TILLFALLIGT_SAMTYCKE")
            .header("X-PatientRef", &id)
            .send()
    };

    let t = Instant::now();
    let first = page(0).await.expect("first page");
    assert_eq!(first.status(), 200, "the benchmark needs a 200");
    let body = first.bytes().await.expect("body");
    let cold = t.elapsed();

    let mut times = Vec::with_capacity(ROUNDS);
    let mut bytes = 0;
    for i in 0..ROUNDS {
        let t = Instant::now();
        let r = page((i % 4) * 1000).await.expect("page");
        let b = r.bytes().await.expect("body");
        times.push(t.elapsed());
        bytes = b.len();
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let median = times[times.len() / 2];
    let p95 = times[times.len() * 95 / 100];
    println!("nll-sim: searchset page of 1,000 dispenses over HTTP (loopback, {ROUNDS} rounds)");
    println!(
        "  first (builds the 5-year history and renders it): {:.1} ms, {} bytes",
        ms(cold),
        body.len()
    );
    println!(
        "  warm: min {:.2} ms, median {:.2} ms, p95 {:.2} ms, max {:.2} ms ({} bytes per page)",
        ms(times[0]),
        ms(median),
        ms(p95),
        ms(*times.last().expect("rounds")),
        bytes
    );
    println!(
        "  target < 20 ms: {}",
        if median < Duration::from_millis(20) {
            "met (median)"
        } else {
            "NOT met (median)"
        }
    );
    // storkund's whole dispense history: its four pages, one after the other.
    let mut all = Vec::with_capacity(ROUNDS / 5);
    for _ in 0..ROUNDS / 5 {
        let t = Instant::now();
        for offset in [0, 1000, 2000, 3000] {
            let r = page(offset).await.expect("page");
            std::hint::black_box(r.bytes().await.expect("body"));
        }
        all.push(t.elapsed());
    }
    all.sort();
    let median_all = all[all.len() / 2];
    println!(
        "  storkund's four pages of dispenses in turn: min {:.1} ms, median {:.1} ms; target < 60 ms: {}",
        ms(all[0]),
        ms(median_all),
        if median_all < Duration::from_millis(60) {
            "met (median)"
        } else {
            "NOT met (median)"
        }
    );
    // The client's side of the same page: the model, read entry by entry.
    let text = std::str::from_utf8(&body).expect("UTF-8");
    let mut parse = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let t = Instant::now();
        let bundle = nll::model::parse_bundle(text).expect("a Bundle");
        parse.push(t.elapsed());
        std::hint::black_box(bundle);
    }
    parse.sort();
    println!(
        "  client: JSON and model of one page: min {:.1} ms, median {:.1} ms",
        ms(parse[0]),
        ms(parse[parse.len() / 2])
    );
    sim.shutdown().await;
}
