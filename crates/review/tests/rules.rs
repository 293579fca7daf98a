//! The review's rules on a small synthetic chain in a real PostgreSQL: each rule finds its
//! planted case, none fires on clean rows, and the sample is reproducible.

use review::bench::{gln, staff_list, tally, Chain, ChainSize, SYNTHETIC_KEY};
use review::rules::{review, Period, ReviewConfig};
use review::staff::{ChainKey, StaffList};
use review::testdb::TestPg;

async fn filled(label: &str, plant: bool) -> (tokio_postgres::Client, Chain) {
    let pg = TestPg::shared();
    let (_name, db) = pg.fresh_schema(label).await;
    let mut chain = Chain::new(ChainSize::SMALL, 42);
    chain.plant = plant;
    let mut rows = Vec::new();
    chain.generate(|r| rows.extend(r));
    for batch in rows.chunks(2000) {
        review::row::insert_batch(&db, batch).await.unwrap();
    }
    (db, chain)
}

fn whole(chain: &Chain) -> Period {
    Period {
        from: ChainSize::first_day(),
        through: chain.size.last_day(),
        gln: None,
    }
}

fn staff(chain: &Chain) -> StaffList {
    StaffList::parse(
        &staff_list(&chain.size),
        &ChainKey::new(&SYNTHETIC_KEY).unwrap(),
    )
    .unwrap()
}

#[tokio::test]
async fn each_rule_finds_its_planted_case_and_nothing_else() {
    let (db, chain) = filled("planted", true).await;
    let cfg = ReviewConfig::builtin();
    let r = review(&db, &cfg, &whole(&chain), Some(&staff(&chain)))
        .await
        .unwrap();
    assert!(r.not_run.is_empty(), "{:?}", r.not_run);
    for (rule, planted, found, all) in tally(&chain.planted, &r) {
        assert!(planted >= 1, "no case planted for {rule}");
        assert_eq!(found, planted, "{rule}: planted {planted}, found {found}");
        let extra: Vec<_> = r
            .findings
            .iter()
            .filter(|f| f.rule == rule && !chain.planted.iter().any(|p| p.found_by(f)))
            .collect();
        assert_eq!(
            all, planted,
            "{rule}: findings beyond the planted: {extra:#?}"
        );
    }
    for f in &r.findings {
        assert!(!f.rows.is_empty(), "{f:?} names no rows");
        assert!(!f.what.is_empty());
    }
    report_prints_on_a4_in_chromium(&r, &cfg);
    // The pharmacy filter: only that pharmacy's findings.
    let one = Period {
        gln: Some(gln(1)),
        ..whole(&chain)
    };
    let r1 = review(&db, &cfg, &one, Some(&staff(&chain))).await.unwrap();
    assert!(!r1.findings.is_empty());
    assert!(r1
        .findings
        .iter()
        .all(|f| f.gln.as_deref() == Some(gln(1).as_str()) || f.gln.is_none()));
    // Without a staff list the staff rules say they did not run, rather than finding nothing.
    let r2 = review(&db, &cfg, &whole(&chain), None).await.unwrap();
    let not_run: Vec<&str> = r2.not_run.iter().map(|n| n.0.as_str()).collect();
    assert_eq!(not_run, ["kollega", "egen_uppgift"]);
}

#[tokio::test]
async fn no_rule_fires_on_clean_rows_and_the_sample_is_reproducible() {
    let (db, chain) = filled("clean", false).await;
    let cfg = ReviewConfig::builtin();
    let r = review(&db, &cfg, &whole(&chain), Some(&staff(&chain)))
        .await
        .unwrap();
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    let users = (chain.size.pharmacies * chain.size.counters) as usize;
    assert_eq!(r.users, users);
    assert_eq!(r.sample.len(), users * cfg.sample.per_user as usize);
    let again = review(&db, &cfg, &whole(&chain), None).await.unwrap();
    assert_eq!(r.sample, again.sample, "same seed, same sample");
    let mut other = cfg.clone();
    other.sample.seed = "annat frö".into();
    let third = review(&db, &other, &whole(&chain), None).await.unwrap();
    assert_ne!(r.sample, third.sample, "another seed draws another sample");
    assert!(third.sample_how.contains("annat frö"));
}

/// The HTML report: self-contained (no scripts, nothing fetched), Swedish, every finding with
/// its rows; headless Chromium prints it on A4 pages with the text intact.
fn report_prints_on_a4_in_chromium(r: &review::rules::Review, cfg: &ReviewConfig) {
    let html = review::report::html(r, cfg, "2026-12-01 08:00");
    let lower = html.to_lowercase();
    for banned in ["<script", "http://", "https://", "src=", "@import", "url("] {
        assert!(!lower.contains(banned), "the report has {banned}");
    }
    assert!(html.contains("<html lang=\"sv\">"));
    assert!(html.contains("<svg"), "no charts");
    for f in &r.findings {
        assert!(
            html.contains(&f.rows[0].to_string()),
            "{f:?} not in the report"
        );
        assert!(html.contains(&cfg.rule(&f.rule).title));
    }
    let csv = review::report::csv(r, cfg);
    assert_eq!(csv.lines().count(), r.findings.len() + 1);

    let dir = std::env::temp_dir().join(format!("receptdisk-report-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let page = dir.join("rapport.html");
    std::fs::write(&page, &html).unwrap();
    let chromium = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|c| {
            std::process::Command::new(c)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .expect("headless Chromium is missing: run scripts/setup.sh (apt package chromium)");
    let pdf = dir.join("rapport.pdf");
    let png = dir.join("rapport.png");
    let url = format!("file://{}", page.display());
    let run = |extra: &[String]| {
        let out = std::process::Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-pdf-header-footer",
            ])
            .args(extra)
            .arg(&url)
            .output()
            .expect("chromium");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&[format!("--print-to-pdf={}", pdf.display())]);
    run(&[
        format!("--screenshot={}", png.display()),
        "--window-size=900,1300".to_string(),
    ]);
    let info = std::process::Command::new("pdfinfo")
        .arg(&pdf)
        .output()
        .expect("pdfinfo");
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(info.contains("(A4)"), "not A4: {info}");
    let text = std::process::Command::new("pdftotext")
        .args([pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext");
    let text = String::from_utf8_lossy(&text.stdout);
    for want in [
        "Åtkomstkontroll",
        "Slagningar per dag",
        "Stickprov",
        &cfg.rule("kollega").title,
    ] {
        assert!(
            text.contains(want),
            "{want} missing from the printed report"
        );
    }
    assert!(
        std::fs::metadata(&png).unwrap().len() > 10_000,
        "blank screenshot"
    );
    // RECEPTDISK_REPORT_SHOT=path keeps the screenshot (the README's picture).
    if let Ok(keep) = std::env::var("RECEPTDISK_REPORT_SHOT") {
        std::fs::copy(&png, keep).unwrap();
    }
    let _ = std::fs::remove_dir_all(&dir);
}
