//! Renders every printout for the test patients into a folder (default `target/printouts`),
//! with a PNG of page 1 next to each PDF when `pdftoppm` is there:
//! `cargo run -p printout --example samples -- docs/printouts`.

#[path = "../tests/common/mod.rs"]
mod common;

use nll::PrintoutKind as K;

fn main() {
    let dir = std::path::PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "target/printouts".into()),
    );
    std::fs::create_dir_all(&dir).expect("output folder");
    let cases = [
        (
            "ordinary",
            common::ordinary(),
            vec![K::AktuellaRecept, K::Uthamtade, K::Forskrivningshistorik],
        ),
        (
            "protected",
            common::protected(false),
            vec![K::AktuellaRecept, K::Uthamtade, K::Forskrivningshistorik],
        ),
        ("dos", common::dos_patient(), vec![K::Forteckning]),
        (
            "protected-dos",
            common::protected(true),
            vec![K::Forteckning],
        ),
        (
            "heavy",
            common::heavy(60),
            vec![K::Uthamtade, K::Forskrivningshistorik],
        ),
    ];
    for (who, list, kinds) in cases {
        let masked = nll::masking::mask(&list);
        for kind in kinds {
            let pdf = printout::render(kind, &masked, &common::opts()).expect("render");
            let stem = format!(
                "{}-{who}",
                pdf.file_name.split("-20").next().unwrap_or("printout")
            );
            let path = dir.join(format!("{stem}.pdf"));
            pdf.save(&path).expect("save");
            let png = std::process::Command::new("pdftoppm")
                .args(["-r", "80", "-png", "-f", "1", "-l", "1", "-singlefile"])
                .arg(&path)
                .arg(dir.join(&stem))
                .status()
                .map(|s| s.success())
                .unwrap_or(false);
            println!(
                "{} ({} pages, {} KB){}",
                path.display(),
                pdf.pages,
                pdf.bytes.len() / 1024,
                if png { " + png" } else { "" }
            );
        }
    }
}
