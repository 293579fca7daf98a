//! `nllc bench-fetch`: the fetch plan against the in-process test server with added latency
//! (default 100 ms per answer), over mutual TLS, as the counter runs it. Prints the time per
//! lookup and the number of requests sent one after the other; the target (DESIGN.md §5) is at
//! most two round trips plus 50 ms. Numbers only: nothing is asserted.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use nll::Flow;
use nll_client::{AccessLog, Counter, LookupRequest};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Latency the test server adds to every answer, in milliseconds.
    #[arg(long, default_value_t = 100)]
    latency_ms: u64,
    /// Lookups measured (after one warm-up lookup: login, TLS handshake).
    #[arg(long, default_value_t = 10)]
    lookups: u32,
    /// Test patients to look up, by catalogue key, in turn.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "vuxen,dos,skyddad-folkbokforing,integritetsspärr"
    )]
    patients: Vec<String>,
    /// The counter flow.
    #[arg(long, value_parser = crate::fetch::parse_flow, default_value = "expediering")]
    flow: Flow,
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(bench(args))
}

async fn bench(args: &Args) -> anyhow::Result<ExitCode> {
    let latency = Duration::from_millis(args.latency_ms);
    let ep = crate::fetch::start_sim("farmaceut", None, latency, &[]).await?;
    let sim = ep.sim.as_ref().expect("sim");
    // Training data never enters a real access log: this one lives in memory.
    let log = Arc::new(AccessLog::in_memory().map_err(|e| anyhow::anyhow!("{}", e.message))?);
    let client = ep
        .client(log)
        .map_err(|e| anyhow::anyhow!("{}", e.message))?;
    let counter = Counter::new(client);
    let pnrs: Vec<(String, String)> = args
        .patients
        .iter()
        .map(|k| {
            sim.catalogue()
                .by_key(k)
                .map(|p| (k.clone(), p.pnr.clone()))
                .ok_or_else(|| anyhow::anyhow!("okänd testpatient {k}"))
        })
        .collect::<anyhow::Result<_>>()?;
    anyhow::ensure!(!pnrs.is_empty(), "ange minst en testpatient");

    let request = |pnr: &str| {
        let mut r = LookupRequest::new(pnr, args.flow);
        r.consent = true;
        r.identity_checked = true;
        r
    };
    counter.new_customer();
    let warm = Instant::now();
    counter
        .lookup(request(&pnrs[0].1))
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.message))?;
    println!(
        "nllc bench-fetch: {} ms latens per svar, ömsesidig TLS, flöde {}",
        args.latency_ms,
        serde_json::to_value(args.flow)?.as_str().unwrap_or("")
    );
    println!(
        "uppvärmning (inloggning, TLS-handslag): {} ms",
        warm.elapsed().as_millis()
    );
    println!(
        "{:<4} {:<24} {:>9} {:>14} {:>8}",
        "nr", "patient", "tid (ms)", "anrop i följd", "anrop"
    );
    let mut times = Vec::new();
    let mut max_chain = 0;
    for i in 0..args.lookups {
        let (key, pnr) = &pnrs[i as usize % pnrs.len()];
        counter.new_customer();
        let t = Instant::now();
        let r = counter
            .lookup(request(pnr))
            .await
            .map_err(|e| anyhow::anyhow!("{key}: {}", e.message))?;
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        times.push(ms);
        max_chain = max_chain.max(r.round_trips);
        println!(
            "{:<4} {:<24} {:>9.1} {:>14} {:>8}",
            i + 1,
            key,
            ms,
            r.round_trips,
            r.requests
        );
    }
    counter.end_customer();
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let budget = 2.0 * args.latency_ms as f64 + 50.0;
    println!(
        "median {median:.1} ms, min {:.1} ms, max {:.1} ms; högst {max_chain} anrop i följd",
        times[0],
        times[times.len() - 1]
    );
    println!(
        "mål: högst 2 anrop i följd + 50 ms = {budget:.0} ms; median {} målet",
        if median <= budget { "inom" } else { "ÖVER" }
    );
    Ok(ExitCode::SUCCESS)
}
