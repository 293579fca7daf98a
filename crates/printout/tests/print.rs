//! Printing through the real CUPS: the `PDF` queue (cups-pdf, writes to $HOME/PDF) that
//! scripts/ci-env.sh sets up, and throwaway queues made here to be missing, stopped,
//! rejecting, or to hold a job until it is cancelled. CUPS must be running: these tests fail,
//! they do not skip, when it is not.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::*;
use nll::masking::mask;
use nll::PrintoutKind as K;
use printout::{
    default_printer, list_printers, print_in, render, PrintError, PrintTarget, QueueState,
};

fn sh(cmd: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(cmd)
        .args(args)
        .env("LC_ALL", "C")
        .output()
        .unwrap_or_else(|e| panic!("{cmd}: {e} — install cups-client (make setup)"));
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// CUPS is up and the PDF queue exists, or the test fails with what to do.
fn cups() {
    let (_, r) = sh("lpstat", &["-r"]);
    assert!(
        r.contains("scheduler is running"),
        "CUPS is not running ({r}); `make test` starts it (scripts/ci-env.sh), or run /usr/sbin/cupsd"
    );
    let (ok, p) = sh("lpstat", &["-p", "PDF"]);
    assert!(
        ok,
        "CUPS queue PDF missing ({p}); scripts/ci-env.sh creates it with lpadmin -p PDF -E -v cups-pdf:/ -m lsb/usr/cups-pdf/CUPS-PDF_noopt.ppd"
    );
}

fn unique(tag: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("rdtest{tag}{}x{nanos}", std::process::id())
}

/// A throwaway queue, deleted on drop.
struct Queue(String);

impl Queue {
    fn new(tag: &str, device: &str, model: &str) -> Queue {
        let name = unique(tag);
        let (ok, out) = sh("lpadmin", &["-p", &name, "-E", "-v", device, "-m", model]);
        assert!(ok, "lpadmin -p {name}: {out}");
        Queue(name)
    }
    fn pdf(tag: &str) -> Queue {
        Queue::new(tag, "cups-pdf:/", "lsb/usr/cups-pdf/CUPS-PDF_noopt.ppd")
    }
    fn jobs(&self) -> Vec<String> {
        let (_, out) = sh("lpstat", &["-o", &self.0]);
        out.lines()
            .filter_map(|l| l.split_whitespace().next())
            .filter(|id| id.starts_with(&self.0))
            .map(str::to_string)
            .collect()
    }
}

impl Drop for Queue {
    fn drop(&mut self) {
        let _ = sh("cancel", &["-a", &self.0]);
        let _ = sh("lpadmin", &["-x", &self.0]);
    }
}

fn pdf() -> printout::Pdf {
    render(K::AktuellaRecept, &mask(&ordinary()), &opts()).unwrap()
}

fn spool(name: &str) -> PathBuf {
    let dir = tmpdir(&format!("spool-{name}"));
    for f in std::fs::read_dir(&dir).unwrap() {
        std::fs::remove_file(f.unwrap().path()).unwrap();
    }
    dir
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|r| r.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default()
}

#[test]
fn a_job_sent_to_the_pdf_queue_arrives_as_a_file() {
    cups();
    let pdf = pdf();
    let dir = spool("ok");
    let title = unique("job");
    let target = PrintTarget {
        printer: Some("PDF".into()),
        copies: 1,
        title: title.clone(),
        wait: Duration::from_secs(60),
    };
    let job = print_in(&pdf, &target, &dir).unwrap_or_else(|f| panic!("{f}"));
    assert_eq!(job.printer, "PDF");
    assert!(job.request_id.starts_with("PDF-"), "{}", job.request_id);
    assert!(job.confirmed, "the scheduler should confirm completion");
    // Printed: the kept copy is gone.
    assert!(files_in(&dir).is_empty(), "{:?}", files_in(&dir));

    // cups-pdf names the file after the job title (sometimes with a suffix).
    let out_dir = PathBuf::from(std::env::var("HOME").unwrap()).join("PDF");
    let deadline = Instant::now() + Duration::from_secs(20);
    let file = loop {
        if let Some(f) = files_in(&out_dir).into_iter().find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().contains(&title))
        }) {
            break f;
        }
        assert!(
            Instant::now() < deadline,
            "no file for job {title} in {}",
            out_dir.display()
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    // cups-pdf re-renders the job through PostScript and Ghostscript, which turns the fonts
    // into Type 3 without a text layer; what the printer got is checked on the page itself:
    // the page count, and the barcode read back from a 300 dpi rendering.
    let copy = tmpdir("arrived").join("arrived.pdf");
    std::fs::copy(&file, &copy).unwrap();
    let _ = std::fs::remove_file(&file);
    let info = pdfinfo(&copy);
    assert!(
        info.lines()
            .any(|l| l.starts_with("Pages:") && l.trim_end().ends_with(&format!(" {}", pdf.pages))),
        "{info}"
    );
    let png = page1_png(&copy, 300);
    assert_eq!(zbarimg(&png).trim(), "CODE-128:191212121212");
}

#[test]
fn a_missing_queue_is_refused_and_the_pdf_is_kept() {
    cups();
    let pdf = pdf();
    let dir = spool("missing");
    let name = unique("missing");
    let err = print_in(&pdf, &PrintTarget::named(&name, 1), &dir).unwrap_err();
    assert!(
        matches!(&err.error, PrintError::UnknownPrinter(n) if *n == name),
        "{err:?}"
    );
    assert_eq!(
        err.error.to_string(),
        format!("Skrivaren \"{name}\" finns inte. Välj en annan skrivare eller spara utskriften som fil.")
    );
    let kept = err.kept.clone().expect("kept file");
    assert_eq!(std::fs::read(&kept).unwrap(), pdf.bytes);
    assert_eq!(err.pdf, pdf);
    assert!(err.to_string().contains(&kept.display().to_string()));
    // The user saves it, then it can go.
    let saved = dir.join("sparad.pdf");
    err.pdf.save(&saved).unwrap();
    assert_eq!(std::fs::read(&saved).unwrap(), pdf.bytes);
    printout::discard_kept(&kept).unwrap();
}

#[test]
fn a_disabled_queue_is_refused_with_its_reason() {
    cups();
    let q = Queue::pdf("stopped");
    let (ok, out) = sh("cupsdisable", &["-r", "Pappersstopp i fack 2", &q.0]);
    assert!(ok, "{out}");
    let listed = list_printers().unwrap();
    let info = listed.iter().find(|p| p.name == q.0).expect("listed");
    assert_eq!(
        info.state,
        QueueState::Stopped {
            reason: Some("Pappersstopp i fack 2".into())
        }
    );
    let pdf = pdf();
    let dir = spool("stopped");
    let err = print_in(&pdf, &PrintTarget::named(&q.0, 1), &dir).unwrap_err();
    assert!(matches!(err.error, PrintError::Stopped { .. }), "{err:?}");
    assert_eq!(
        err.error.to_string(),
        format!(
            "Skrivaren \"{}\" är stoppad (Pappersstopp i fack 2). Starta skrivaren igen eller välj en annan.",
            q.0
        )
    );
    assert_eq!(
        std::fs::read(err.kept.as_ref().unwrap()).unwrap(),
        pdf.bytes
    );
    // Nothing was sent.
    assert!(q.jobs().is_empty());
}

#[test]
fn a_rejecting_queue_is_refused() {
    cups();
    let q = Queue::pdf("reject");
    let (ok, out) = sh("cupsreject", &["-r", "Service", &q.0]);
    assert!(ok, "{out}");
    let err = print_in(&pdf(), &PrintTarget::named(&q.0, 1), &spool("reject")).unwrap_err();
    assert!(
        matches!(&err.error, PrintError::NotAccepting { printer, .. } if *printer == q.0),
        "{err:?}"
    );
    assert!(err.error.to_string().contains("tar inte emot utskrifter"));
    assert!(err.kept.is_some());
}

/// A queue whose printer (a socket nobody reads) never finishes the job.
fn stuck_queue(tag: &str) -> (Queue, std::net::TcpListener) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let q = Queue::new(tag, &format!("socket://127.0.0.1:{port}"), "raw");
    (q, listener)
}

fn when_job_appears(queue: &str, then: impl FnOnce(&str) + Send + 'static) {
    let queue = queue.to_string();
    std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            let (_, out) = sh("lpstat", &["-o", &queue]);
            if let Some(id) = out
                .lines()
                .filter_map(|l| l.split_whitespace().next())
                .next()
            {
                std::thread::sleep(Duration::from_millis(300));
                then(id);
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    });
}

#[test]
fn a_cancelled_job_is_a_failure_and_the_pdf_is_kept() {
    cups();
    let (q, _listener) = stuck_queue("cancel");
    when_job_appears(&q.0, |id| {
        sh("cancel", &[id]);
    });
    let pdf = pdf();
    let target = PrintTarget {
        wait: Duration::from_secs(60),
        ..PrintTarget::named(&q.0, 2)
    };
    let err = print_in(&pdf, &target, &spool("cancel")).unwrap_err();
    match &err.error {
        PrintError::JobFailed {
            printer, detail, ..
        } => {
            assert_eq!(*printer, q.0);
            assert!(detail.starts_with("utskriften avbröts"), "{detail}");
        }
        other => panic!("{other:?}"),
    }
    assert!(err
        .error
        .to_string()
        .contains("blev inte klar: utskriften avbröts"));
    assert_eq!(
        std::fs::read(err.kept.as_ref().unwrap()).unwrap(),
        pdf.bytes
    );
}

#[test]
fn a_queue_stopping_under_the_job_fails_it_and_takes_the_job_out() {
    cups();
    let (q, _listener) = stuck_queue("halt");
    when_job_appears(&q.0, {
        let name = q.0.clone();
        move |_| {
            sh("cupsdisable", &["-r", "Lucka öppen", &name]);
        }
    });
    let target = PrintTarget {
        wait: Duration::from_secs(60),
        ..PrintTarget::named(&q.0, 1)
    };
    let err = print_in(&pdf(), &target, &spool("halt")).unwrap_err();
    assert!(matches!(err.error, PrintError::JobFailed { .. }), "{err:?}");
    // CUPS shows the backend's own message while a job is processing, so the reason given
    // to cupsdisable may not be the one reported.
    assert!(
        err.error.to_string().contains("är stoppad"),
        "{}",
        err.error
    );
    assert!(err.kept.is_some());
    // Cancelled, so restarting the queue does not print it after a reprint.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !q.jobs().is_empty() {
        assert!(
            Instant::now() < deadline,
            "job still queued: {:?}",
            q.jobs()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_job_that_does_not_finish_in_time_is_cancelled() {
    cups();
    let (q, _listener) = stuck_queue("slow");
    let target = PrintTarget {
        wait: Duration::from_secs(2),
        ..PrintTarget::named(&q.0, 1)
    };
    let err = print_in(&pdf(), &target, &spool("slow")).unwrap_err();
    assert!(matches!(err.error, PrintError::TimedOut { .. }), "{err:?}");
    assert!(err.error.to_string().contains("inom 2 sekunder"));
    let deadline = Instant::now() + Duration::from_secs(10);
    while !q.jobs().is_empty() {
        assert!(Instant::now() < deadline, "job still queued");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn printers_are_listed_with_state_and_default() {
    cups();
    let printers = list_printers().unwrap();
    let pdf_queue = printers
        .iter()
        .find(|p| p.name == "PDF")
        .expect("PDF listed");
    assert!(pdf_queue.accepting);
    assert!(matches!(
        pdf_queue.state,
        QueueState::Idle | QueueState::Printing
    ));
    let default = default_printer().unwrap();
    assert_eq!(
        printers
            .iter()
            .find(|p| p.is_default)
            .map(|p| p.name.clone()),
        default
    );
    // Without a named printer the default is used — or, without one, a clear refusal.
    if default.is_none() {
        let err = print_in(
            &pdf(),
            &PrintTarget::default_printer(1),
            &spool("nodefault"),
        )
        .unwrap_err();
        assert!(matches!(err.error, PrintError::NoPrinter));
        assert!(err.error.to_string().starts_with("Ingen skrivare är vald"));
        assert!(err.kept.is_some());
    }
}
