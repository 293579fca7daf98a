//! Uthämtade läkemedel for a heavy patient (≈1,000 dispenses): prints milliseconds per render
//! (target under 100 ms in release). Not asserted. `cargo bench -p printout`.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

fn main() {
    let rows = 1000;
    let mut list = common::heavy(rows);
    // Every dispense inside the 15 months, so all of them are on the printout.
    for (i, d) in list.dispenses.iter_mut().enumerate() {
        d.handed_over = Some(common::today() - chrono::Days::new((i % 400) as u64));
    }
    let masked = nll::masking::mask(&list);
    let opts = common::opts();
    let warm = printout::render(nll::PrintoutKind::Uthamtade, &masked, &opts).expect("render");
    let runs = 10;
    let mut times = Vec::with_capacity(runs);
    let mut layout_times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        let l = printout::layout_for(nll::PrintoutKind::Uthamtade, &masked, &opts);
        layout_times.push(t.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(l);
        let t = Instant::now();
        let pdf = printout::render(nll::PrintoutKind::Uthamtade, &masked, &opts).expect("render");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(pdf);
    }
    times.sort_by(f64::total_cmp);
    layout_times.sort_by(f64::total_cmp);
    println!(
        "Uthämtade läkemedel, {rows} dispenses, {} pages, {} KB: median {:.1} ms, min {:.1} ms, max {:.1} ms (layout alone: median {:.1} ms); target < 100 ms in release",
        warm.pages,
        warm.bytes.len() / 1024,
        times[runs / 2],
        times[0],
        times[runs - 1],
        layout_times[runs / 2],
    );
}
