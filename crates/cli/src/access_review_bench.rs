//! `nllc review bench`: a synthetic chain (400 pharmacies × 4 counters × 30 days ≈ 10 million
//! rows by default, with planted improper accesses of every rule's kind) written into a new
//! database through the same batch INSERT the counters use, then reviewed. Prints the ingest
//! rate, the review's time and this program's peak memory, and planted vs found per rule.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::anyhow;
use review::bench::{staff_list, tally, Chain, ChainSize, SYNTHETIC_KEY};
use review::rules::{Period, ReviewConfig};
use review::staff::{ChainKey, StaffList};
use review::testdb::TestPg;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Pharmacies in the synthetic chain (4 counters each, 30 days, 40 lookups a counter a day).
    #[arg(long, default_value_t = 400)]
    pharmacies: u32,
    /// An owner's connection, "host=… port=… user=… password=…"; a new database is made in it
    /// (default: $RECEPTDISK_TEST_PG, as set by scripts/pg-test-cluster.sh).
    #[arg(long, value_name = "CONNECTION")]
    pg: Option<String>,
    /// Rows per INSERT.
    #[arg(long, default_value_t = 5000)]
    batch: usize,
    /// Parallel connections writing (counters sending at once).
    #[arg(long, default_value_t = 2)]
    writers: usize,
    /// Keep the database afterwards (else it is dropped).
    #[arg(long)]
    keep: bool,
}

/// This process's peak resident memory (Linux), in MiB.
fn peak_mib() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = s
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

pub async fn run(a: &Args) -> anyhow::Result<ExitCode> {
    let spec = a
        .pg
        .clone()
        .or_else(|| std::env::var("RECEPTDISK_TEST_PG").ok())
        .ok_or_else(|| {
            anyhow!("ange --pg \"host=… port=… user=… password=…\" eller kör under scripts/pg-test-cluster.sh run")
        })?;
    let pg = TestPg::parse(&spec);
    let size = ChainSize::scaled(a.pharmacies.max(4));
    let name = pg.fresh_db("bench").await;
    let mut db = pg.connect_admin(&name).await;
    review::schema::init_db(&mut db, 1, 1).await?;
    let settings = db
        .query_one(
            "SELECT version(), current_setting('fsync'), current_setting('shared_buffers'), current_setting('work_mem')",
            &[],
        )
        .await?;
    println!(
        "PostgreSQL: {}\nfsync={} shared_buffers={} work_mem={}",
        settings.get::<_, String>(0),
        settings.get::<_, String>(1),
        settings.get::<_, String>(2),
        settings.get::<_, String>(3)
    );
    println!(
        "Kedja: {} apotek × {} kassor × {} dagar, {} slagningar per kassa och dag ≈ {} rader",
        size.pharmacies,
        size.counters,
        size.days,
        size.lookups,
        size.rows()
    );

    // Ingest: the generator feeds `writers` connections through a bounded channel.
    let (tx, rx) = tokio::sync::mpsc::channel::<Vec<review::row::CentralRow>>(4);
    let rx = std::sync::Arc::new(tokio::sync::Mutex::new(rx));
    let mut writers = Vec::new();
    for _ in 0..a.writers.max(1) {
        let c = pg.connect_admin(&name).await;
        let rx = rx.clone();
        writers.push(tokio::spawn(async move {
            let mut n = 0u64;
            loop {
                let batch = rx.lock().await.recv().await;
                let Some(batch) = batch else { break };
                n += review::row::insert_batch(&c, &batch).await?;
            }
            anyhow::Ok(n)
        }));
    }
    let started = Instant::now();
    let mut chain = Chain::new(size, 2026);
    let batch = a.batch.max(1);
    let generator = {
        let tx = tx.clone();
        tokio::task::spawn_blocking(move || {
            let mut buf = Vec::with_capacity(batch);
            chain.generate(|rows| {
                for r in rows {
                    buf.push(r);
                    if buf.len() == batch {
                        let full = std::mem::replace(&mut buf, Vec::with_capacity(batch));
                        if tx.blocking_send(full).is_err() {
                            return;
                        }
                    }
                }
            });
            if !buf.is_empty() {
                let _ = tx.blocking_send(buf);
            }
            chain
        })
    };
    drop(tx);
    let chain = generator.await?;
    let mut inserted = 0;
    for w in writers {
        inserted += w.await??;
    }
    let ingest = started.elapsed().as_secs_f64();
    println!(
        "Inläsning: {inserted} rader på {ingest:.1} s = {:.0} rader/s ({} anslutningar, {} rader per INSERT)",
        inserted as f64 / ingest,
        a.writers.max(1),
        batch
    );
    db.batch_execute("ANALYZE access_log").await?;
    let bytes: i64 = db
        .query_one(
            "SELECT sum(pg_total_relation_size(inhrelid))::int8 FROM pg_inherits WHERE inhparent = 'access_log'::regclass",
            &[],
        )
        .await?
        .get(0);
    println!(
        "Storlek i databasen: {:.0} MiB (tabell och index) = {:.0} byte per rad",
        bytes as f64 / 1048576.0,
        bytes as f64 / inserted.max(1) as f64
    );

    let cfg = ReviewConfig::builtin();
    let staff = StaffList::parse(&staff_list(&size), &ChainKey::new(&SYNTHETIC_KEY)?)?;
    let period = Period {
        from: ChainSize::first_day(),
        through: size.last_day(),
        gln: None,
    };
    let before = peak_mib();
    let t = Instant::now();
    let r = review::rules::review(&db, &cfg, &period, Some(&staff)).await?;
    let review_s = t.elapsed().as_secs_f64();
    let html = review::report::html(&r, &cfg, "bench");
    println!(
        "Granskning: {review_s:.1} s för {} rader ({} fynd, stickprov {} rader, rapport {} KiB); \
         nllc:s största minne {:.0} MiB (före granskningen {:.0} MiB)",
        r.rows,
        r.findings.len(),
        r.sample.len(),
        html.len() / 1024,
        peak_mib().unwrap_or(0.0),
        before.unwrap_or(0.0)
    );
    let t = Instant::now();
    let v = review::verify::verify(&db).await?;
    println!(
        "Central verifiering: {} rader, {} arbetsstationer, {} avvikelser på {:.1} s",
        v.rows,
        v.workstations,
        v.problems.len(),
        t.elapsed().as_secs_f64()
    );
    println!(
        "\n{:<22} {:>9} {:>7} {:>10}",
        "regel", "planterade", "funna", "fynd totalt"
    );
    let mut all_found = true;
    for (rule, planted, found, all) in tally(&chain.planted, &r) {
        all_found &= found == planted;
        println!("{rule:<22} {planted:>9} {found:>7} {all:>10}");
    }
    if !a.keep {
        drop(db);
        let admin = pg.connect_admin("postgres").await;
        admin
            .batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
            .await?;
    } else {
        println!("Databasen {name} finns kvar.");
    }
    Ok(if all_found {
        ExitCode::SUCCESS
    } else {
        println!("Alla planterade fall hittades inte.");
        ExitCode::from(1)
    })
}
