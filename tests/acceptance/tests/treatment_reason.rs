//! A treatment reason at the counter, on purpose and with consent: one prescription of the
//! shown Expediering list read again with a treatment-reason variant (real client ↔ real sim
//! over mutual TLS). The shown list stays; a refusal sends nothing; an ended customer gets
//! nothing; every read and refusal is in the access log.

use std::sync::Arc;
use std::time::Duration;

use acceptance::{assert_clean_error, start, Env};
use nll::policy::DenialRule;
use nll::view::TreatmentReason;
use nll::{Flow, LockContent};
use nll_client::{
    Counter, EntryKind, ErrorCode, LookupRequest, LookupResult, TreatmentReasonRequest,
};
use nll_sim::{FaultKind, FaultSpec};

fn ask(r: &LookupResult, rx: &str, flow: Flow, consent: bool) -> TreatmentReasonRequest {
    TreatmentReasonRequest {
        lookup_seq: r.lookup_seq,
        prescription_id: rx.into(),
        flow,
        consent,
    }
}

/// The sim's reason for a prescription, and the content of a lock on its chain, if any.
fn truth(env: &Env, key: &str, rx: &str) -> (Option<String>, Option<LockContent>) {
    let patient = env.sim.catalogue().by_key(key).expect("patient");
    patient
        .history()
        .reason_and_lock(rx)
        .expect("prescription in the sim")
}

/// A prescription of the shown list whose reason Expediering withheld, with no lock on it.
fn unlocked_withheld(env: &Env, key: &str, r: &LookupResult) -> String {
    r.list
        .list
        .prescriptions
        .iter()
        .filter(|p| matches!(p.treatment_reason, TreatmentReason::Withheld { .. }))
        .map(|p| p.id.clone())
        .find(|id| truth(env, key, id).1.is_none())
        .expect("an unlocked prescription with a withheld reason")
}

async fn shown(env: &Env, counter: &Counter, key: &str) -> LookupResult {
    counter.new_customer();
    counter
        .lookup(LookupRequest::new(&env.pnr(key), Flow::Expediering))
        .await
        .expect("lookup")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_consent_the_reason_comes_back_in_the_same_session() {
    let env = start().await;
    let counter = env.counter("farmaceut");
    let r = shown(&env, &counter, "vuxen").await;
    let rx = unlocked_withheld(&env, "vuxen", &r);
    let before = counter.shown_list();
    env.sim.clear_requests();

    let got = counter
        .treatment_reason(&ask(&r, &rx, Flow::ExpedieringBehandlingsorsak, true))
        .await
        .expect("reason");
    let text = truth(&env, "vuxen", &rx).0.expect("the sim has a reason");
    assert_eq!(got.reason, TreatmentReason::Shown { text });
    assert_eq!(got.session_id, r.session_id);
    assert_eq!(
        counter.shown_list(),
        before,
        "the shown list is not replaced"
    );

    // The Patient lookup again, then only this prescription; the variant's access type, the
    // same X-Context-ID, and X-PatientRef on the prescription read.
    let reqs = env.nll_requests();
    let paths: Vec<&str> = reqs.iter().map(|q| q.path.as_str()).collect();
    assert_eq!(paths, ["/fhir/Patient", "/fhir/MedicationRequest"]);
    for q in &reqs {
        assert_eq!(q.header("x-purpose"), Some("EXPEDIERING"));
        assert_eq!(
            q.header("x-access"),
            Some("TILLFALLIGT_SAMTYCKE_BEHANDLINGSORSAK")
        );
        assert_eq!(q.header("x-context-id"), Some(r.session_id.as_str()));
    }
    let rx_read = &reqs[1];
    assert_eq!(rx_read.header("x-patientref"), r.patient_ref.as_deref());
    assert!(rx_read
        .query
        .as_deref()
        .is_some_and(|q| q.contains(&format!("_id={rx}"))));
    assert_eq!(
        got.request_id.as_deref(),
        rx_read.header("x-request-id"),
        "the request id shown is the prescription read's"
    );

    // The access log row of that read, under the variant.
    let rows = env.log_rows();
    let row = rows
        .iter()
        .find(|l| l.entry.request_id == got.request_id)
        .expect("log row");
    assert_eq!(row.entry.kind, EntryKind::Request);
    assert_eq!(row.entry.flow, "expediering-behandlingsorsak");
    assert_eq!(row.entry.purpose, "EXPEDIERING");
    assert_eq!(row.entry.access, "TILLFALLIGT_SAMTYCKE_BEHANDLINGSORSAK");
    assert_eq!(row.entry.resource.as_deref(), Some("medication-request"));
    assert_eq!(row.entry.patient_ref, r.patient_ref);
    assert_eq!(row.entry.context_id, r.session_id);
    assert_eq!(row.entry.outcome, "ok");
    env.check_log();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_consent_it_is_refused_before_any_request() {
    let env = start().await;
    let counter = env.counter("farmaceut");
    let r = shown(&env, &counter, "vuxen").await;
    let rx = unlocked_withheld(&env, "vuxen", &r);
    let sent = env.nll_requests().len();
    for flow in [
        Flow::ExpedieringBehandlingsorsak,
        Flow::ExpedieringSparradBehandlingsorsak,
    ] {
        let e = counter
            .treatment_reason(&ask(&r, &rx, flow, false))
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::PolicyDenied, "{e:?}");
        assert_eq!(e.denial_rule, Some(DenialRule::ConsentMissing));
        assert!(e.message.contains("samtycker"), "{}", e.message);
        assert_clean_error(&env, &e);
    }
    assert_eq!(env.nll_requests().len(), sent, "nothing may be sent");
    let denials: Vec<_> = env
        .log_rows()
        .into_iter()
        .filter(|l| l.entry.kind == EntryKind::Denial)
        .collect();
    assert_eq!(denials.len(), 2, "{denials:?}");
    assert!(denials
        .iter()
        .all(|d| d.entry.outcome == "denied: consent-missing" && d.entry.request_id.is_none()));
    assert!(counter.has_patient_data());
    env.check_log();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_reason_with_its_own_consent_and_a_child_without() {
    let env = start().await;
    let counter = env.counter("farmaceut");
    let key = "integritetsspärr";
    let r = shown(&env, &counter, key).await;
    let rx = r
        .list
        .list
        .prescriptions
        .iter()
        .map(|p| p.id.clone())
        .find(|id| truth(&env, key, id).1 == Some(LockContent::TreatmentReasonOnly))
        .expect("a prescription with a locked reason");
    let ordinary = counter
        .treatment_reason(&ask(&r, &rx, Flow::ExpedieringBehandlingsorsak, true))
        .await
        .unwrap();
    assert!(matches!(ordinary.reason, TreatmentReason::Withheld { .. }));
    let locked = counter
        .treatment_reason(&ask(
            &r,
            &rx,
            Flow::ExpedieringSparradBehandlingsorsak,
            true,
        ))
        .await
        .unwrap();
    assert_eq!(
        locked.reason,
        TreatmentReason::Shown {
            text: truth(&env, key, &rx).0.unwrap()
        }
    );

    let r = shown(&env, &counter, "ungdom-15").await;
    let rx = unlocked_withheld(&env, "ungdom-15", &r);
    let child = counter
        .treatment_reason(&ask(&r, &rx, Flow::ExpedieringBarnBehandlingsorsak, false))
        .await
        .unwrap();
    assert_eq!(
        child.reason,
        TreatmentReason::Shown {
            text: truth(&env, "ungdom-15", &rx).0.unwrap()
        }
    );
    env.check_log();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_shown_list_keeps_its_reveals() {
    let env = start().await;
    let counter = env.counter("farmaceut");
    let key = "skyddad-folkbokforing";
    let r = shown(&env, &counter, key).await;
    assert!(r.list.masked);
    let rx = unlocked_withheld(&env, key, &r);
    counter
        .treatment_reason(&ask(&r, &rx, Flow::ExpedieringBehandlingsorsak, true))
        .await
        .unwrap();
    let (seq, list) = counter.shown_list().expect("still shown");
    assert_eq!((seq, &list), (r.lookup_seq, &*r.list));
    let field = &r.list.record[0];
    let revealed = counter.reveal(r.lookup_seq, &field.key).expect("reveal");
    assert_eq!(revealed.kind, field.kind);
    env.check_log();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ended_customer_gets_no_reason() {
    let env = start().await;
    let counter = Arc::new(env.counter("farmaceut"));
    let r = shown(&env, &counter, "vuxen").await;
    let rx = unlocked_withheld(&env, "vuxen", &r);

    // Ended before asking.
    counter.end_customer();
    let sent = env.nll_requests().len();
    let e = counter
        .treatment_reason(&ask(&r, &rx, Flow::ExpedieringBehandlingsorsak, true))
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Stale);
    assert!(e.message.contains("kunden avslutad"), "{}", e.message);
    assert_eq!(env.nll_requests().len(), sent);

    // Ended while NLL answers: the answer is dropped, the request is logged as cancelled.
    let r = shown(&env, &counter, "vuxen").await;
    env.sim.add_fault(
        FaultSpec::new(FaultKind::Latency { ms: 3000 })
            .on("/fhir/MedicationRequest")
            .times(1),
    );
    let c = counter.clone();
    let req = ask(&r, &rx, Flow::ExpedieringBehandlingsorsak, true);
    let running = tokio::spawn(async move { c.treatment_reason(&req).await });
    let mut arrived = false;
    for _ in 0..400 {
        if env.nll_requests().iter().any(|q| {
            q.path == "/fhir/MedicationRequest"
                && q.header("x-access") == Some("TILLFALLIGT_SAMTYCKE_BEHANDLINGSORSAK")
        }) {
            arrived = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(arrived, "the prescription read never reached the server");
    counter.end_customer();
    let e = running.await.unwrap().unwrap_err();
    assert_eq!(e.code, ErrorCode::Stale, "{e:?}");
    assert!(!counter.has_patient_data());
    let cancelled: Vec<_> = env
        .log_rows()
        .into_iter()
        .filter(|l| l.entry.outcome == "cancelled")
        .collect();
    assert_eq!(cancelled.len(), 1, "{cancelled:?}");
    assert_eq!(cancelled[0].entry.flow, "expediering-behandlingsorsak");
    assert_eq!(
        cancelled[0].entry.resource.as_deref(),
        Some("medication-request")
    );
}
