//! The patient's keyed hash on every log row about the patient, when the chain's key is
//! configured: what lets the chain's review find staff looking up colleagues or themselves
//! without a personnummer in any log.

use std::sync::Arc;

use acceptance::{start, Env};
use nll::Flow;
use nll_client::access_log::patient_key::ChainKey;
use nll_client::{AccessLog, Counter, EntryKind, ErrorCode, LogFilter, LookupRequest, NllClient};

const SECRET: &str = "kedjans-testnyckel-minst-32-byte-lang";
const ACCOUNT: &str = "chain-patient-key";

fn counter_with_key(env: &Env) -> Counter {
    let mut cfg = env.config("farmaceut");
    cfg.access_log.chain_key_keyring = Some(ACCOUNT.into());
    let secrets = env.secrets().with(ACCOUNT, SECRET);
    Counter::new(Arc::new(
        NllClient::new(&cfg, &secrets, env.log.clone()).expect("client"),
    ))
}

fn session_rows(log: &AccessLog, session: &str) -> Vec<nll_client::LogEntry> {
    log.query(&LogFilter {
        context_id: Some(session.to_string()),
        ..Default::default()
    })
    .unwrap()
}

#[tokio::test]
async fn every_row_about_the_patient_carries_the_keyed_hash_and_never_the_number() {
    let env = start().await;
    let counter = counter_with_key(&env);
    let pnr = env.pnr("skyddad-folkbokforing");
    let expected = ChainKey::new(SECRET.as_bytes())
        .unwrap()
        .patient_key_hex(&pnr);

    // A refusal before anything is sent (Läkemedelsstöd without consent) carries it too.
    let session = counter.new_customer();
    let e = counter
        .lookup(LookupRequest::new(&pnr, Flow::Lakemedelsstod))
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::PolicyDenied, "{e:?}");

    let r = counter
        .lookup(LookupRequest::new(&pnr, Flow::Expediering))
        .await
        .unwrap();
    let key = r.list.record[0].key.clone();
    counter.reveal(r.lookup_seq, &key).unwrap();

    let rows = session_rows(&env.log, &session);
    let kinds: Vec<EntryKind> = rows.iter().map(|r| r.entry.kind).collect();
    assert!(kinds.contains(&EntryKind::Denial), "{kinds:?}");
    assert!(kinds.contains(&EntryKind::Request), "{kinds:?}");
    assert!(kinds.contains(&EntryKind::Reveal), "{kinds:?}");
    for row in &rows {
        assert_eq!(
            row.entry.patient_key.as_deref(),
            Some(expected.as_str()),
            "{:?}",
            row.entry.kind
        );
    }
    // The key is in the hash chain: the log still verifies, and no number is in it.
    assert!(env.log.verify().unwrap().broken.is_none());
    env.check_log();
}

#[tokio::test]
async fn without_the_chain_key_no_row_has_one_and_a_configured_key_missing_stops_the_login() {
    let env = start().await;
    let counter = env.counter("farmaceut");
    let session = counter.new_customer();
    counter
        .lookup(LookupRequest::new(&env.pnr("vuxen"), Flow::Expediering))
        .await
        .unwrap();
    let rows = session_rows(&env.log, &session);
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r.entry.patient_key.is_none()));

    let mut cfg = env.config("farmaceut");
    cfg.access_log.chain_key_keyring = Some(ACCOUNT.into());
    let e = NllClient::new(&cfg, &env.secrets(), env.log.clone()).unwrap_err();
    assert!(e.message.contains(ACCOUNT), "{}", e.message);
    let short = env.secrets().with(ACCOUNT, "kort");
    let e = NllClient::new(&cfg, &short, env.log.clone()).unwrap_err();
    assert!(e.message.contains("för kort"), "{}", e.message);
}
