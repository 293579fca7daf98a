//! Stale-response protection: the screen can never show one patient's data under another's
//! name. A new lookup cancels the running one; a new or ended customer drops everything; every
//! result is tagged with its session, sequence and patient.

use std::sync::Arc;
use std::time::Duration;

use acceptance::{start, Env};
use nll::Flow;
use nll_client::{ErrorCode, LookupRequest};
use nll_sim::{FaultKind, FaultSpec};

/// Waits until the server has received `n` Patient lookups.
async fn patient_requests(env: &Env, n: usize) {
    for _ in 0..400 {
        if env
            .sim
            .requests()
            .iter()
            .filter(|q| q.path == "/fhir/Patient")
            .count()
            >= n
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the lookup never reached the server");
}

fn slow_first_lookup(env: &Env) {
    env.sim.add_fault(
        FaultSpec::new(FaultKind::Latency { ms: 3000 })
            .on("/fhir/Patient")
            .times(1),
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_lookup_cancels_the_running_one() {
    let env = start().await;
    slow_first_lookup(&env);
    let counter = Arc::new(env.counter("farmaceut"));
    let session = counter.new_customer();
    let c = counter.clone();
    let first = LookupRequest::new(&env.pnr("vuxen"), Flow::Expediering);
    let a = tokio::spawn(async move { c.lookup(first).await });
    patient_requests(&env, 1).await;

    let b = counter
        .lookup(LookupRequest::new(
            &env.pnr("inga-recept"),
            Flow::Expediering,
        ))
        .await
        .unwrap();
    let a = a.await.unwrap().unwrap_err();
    assert_eq!(a.code, ErrorCode::Cancelled);
    assert_eq!(b.session_id, session);
    assert_eq!(b.patient_ref, Some(env.id("inga-recept")));
    assert_eq!(
        b.list.list.patient.personnummer.as_deref(),
        Some(env.pnr("inga-recept").as_str())
    );
    assert!(b.lookup_seq > 1);

    // The cancelled request may have reached NLL: it is in the log, as cancelled.
    let rows = env.log_rows();
    let cancelled: Vec<_> = rows
        .iter()
        .filter(|r| r.entry.outcome == "cancelled")
        .collect();
    assert_eq!(cancelled.len(), 1, "{rows:?}");
    assert_eq!(cancelled[0].entry.resource.as_deref(), Some("patient"));
    assert_eq!(cancelled[0].entry.patient_ref, None);
    assert_eq!(
        rows.iter().filter(|r| r.entry.outcome == "ok").count(),
        rows.len() - 1
    );
    env.check_log();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_customer_drops_the_running_lookup_and_gets_its_own_context() {
    let env = start().await;
    slow_first_lookup(&env);
    let counter = Arc::new(env.counter("farmaceut"));
    let first_session = counter.new_customer();
    let c = counter.clone();
    let req = LookupRequest::new(&env.pnr("vuxen"), Flow::Expediering);
    let a = tokio::spawn(async move { c.lookup(req).await });
    patient_requests(&env, 1).await;
    let second_session = counter.new_customer();
    assert_ne!(first_session, second_session);
    let e = a.await.unwrap().unwrap_err();
    assert!(
        matches!(e.code, ErrorCode::Cancelled | ErrorCode::Stale),
        "{e:?}"
    );
    assert!(!counter.has_patient_data());

    let r = counter
        .lookup(LookupRequest::new(&env.pnr("vuxen"), Flow::Expediering))
        .await
        .unwrap();
    assert_eq!(r.session_id, second_session);
    let reqs = env.nll_requests();
    assert_eq!(reqs[0].header("x-context-id"), Some(first_session.as_str()));
    assert!(reqs[1..]
        .iter()
        .all(|q| q.header("x-context-id") == Some(second_session.as_str())));
    env.check_log();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ending_the_customer_clears_everything_and_old_results_cannot_be_revealed() {
    let env = start().await;
    let counter = env.counter("farmaceut");
    counter.new_customer();
    let first = counter
        .lookup(LookupRequest::new(
            &env.pnr("skyddad-folkbokforing"),
            Flow::Expediering,
        ))
        .await
        .unwrap();
    let key = first.list.record[0].key.clone();
    assert!(counter.reveal(first.lookup_seq, &key).is_ok());

    // A newer lookup: the earlier result's fields can no longer be revealed.
    let second = counter
        .lookup(LookupRequest::new(
            &env.pnr("skyddad-folkbokforing"),
            Flow::Expediering,
        ))
        .await
        .unwrap();
    assert!(second.lookup_seq > first.lookup_seq);
    let e = counter.reveal(first.lookup_seq, &key).unwrap_err();
    assert_eq!(e.code, ErrorCode::NothingToReveal);

    counter.end_customer();
    assert!(!counter.has_patient_data());
    assert_eq!(counter.session_id(), None);
    let e = counter.reveal(second.lookup_seq, &key).unwrap_err();
    assert_eq!(e.code, ErrorCode::NothingToReveal);
    // One reveal was logged, the refused ones were not.
    assert_eq!(
        env.log_rows()
            .iter()
            .filter(|r| r.entry.kind == nll_client::EntryKind::Reveal)
            .count(),
        1
    );
    env.check_log();
}
