//! Every refusal: by the client's policy before any request, by the policy after the Patient
//! lookup (nothing more is asked for), and by NLL itself — each with its sentence, its exit-code
//! class and its row in the access log.

use acceptance::{assert_clean_error, start, Env};
use nll::policy::DenialRule;
use nll::Flow;
use nll_client::{ClientError, Counter, EntryKind, ErrorCode, LookupRequest};

fn denial_rows(env: &Env) -> Vec<nll_client::LogEntry> {
    env.log_rows()
        .into_iter()
        .filter(|r| r.entry.kind == EntryKind::Denial)
        .collect()
}

fn assert_policy(env: &Env, e: &ClientError, rule: DenialRule) {
    assert_eq!(e.code, ErrorCode::PolicyDenied, "{e:?}");
    assert_eq!(e.denial_rule, Some(rule), "{e:?}");
    assert_eq!(e.exit_code(), 1);
    assert!(e.message.ends_with('.'), "{}", e.message);
    let rule_name = serde_json::to_value(rule).unwrap();
    let rows = denial_rows(env);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        rows[0].entry.outcome,
        format!("denied: {}", rule_name.as_str().unwrap())
    );
    assert_eq!(rows[0].entry.request_id, None);
    assert_clean_error(env, e);
    env.check_log();
}

/// The server's request log holds no read of list data (list info, prescriptions, dispenses,
/// data locks), and no request named the agent or the guardian in a header.
fn assert_no_list_read(env: &Env) {
    for q in env.sim.requests() {
        assert!(
            !matches!(
                q.path.as_str(),
                "/fhir/Basic" | "/fhir/MedicationRequest" | "/fhir/MedicationDispense"
            ),
            "list data read: {} {:?}",
            q.path,
            q.query
        );
        assert!(q.header("x-patientref").is_none(), "{}", q.path);
        assert_eq!(q.header("x-agent-id"), None, "{}", q.path);
        assert_eq!(q.header("x-guardian-id"), None, "{}", q.path);
    }
}

/// Refused before anything is sent.
async fn before_any_request(env: &Env, counter: &Counter, req: LookupRequest, rule: DenialRule) {
    let e = counter.lookup(req).await.unwrap_err();
    assert!(env.nll_requests().is_empty(), "nothing may be sent");
    assert_policy(env, &e, rule);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apotekspersonal_is_refused_lakemedelsstod_before_any_request() {
    let env = start().await;
    let counter = env.counter("apotekspersonal");
    let mut req = LookupRequest::new(&env.pnr("vuxen"), Flow::Lakemedelsstod);
    req.consent = true;
    before_any_request(&env, &counter, req, DenialRule::WrongRole).await;
    assert_eq!(denial_rows(&env)[0].entry.role, "APOTEKSPERSONAL");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_confirmations_are_refused_before_any_request() {
    let cases = [
        (Flow::Lakemedelsstod, DenialRule::ConsentMissing),
        (Flow::EgnaUppgifter, DenialRule::IdentityNotChecked),
        (Flow::Ombud, DenialRule::AgentMissing),
        (Flow::Vardnadshavare, DenialRule::GuardianMissing),
        (
            Flow::ExpedieringBehandlingsorsak,
            DenialRule::ConsentMissing,
        ),
    ];
    for (flow, rule) in cases {
        let env = start().await;
        let counter = env.counter("farmaceut");
        before_any_request(
            &env,
            &counter,
            LookupRequest::new(&env.pnr("vuxen"), flow),
            rule,
        )
        .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ended_power_of_attorney_stops_after_the_first_round_trip() {
    let env = start().await;
    let counter = env.counter("farmaceut");
    let mut req = LookupRequest::new(&env.pnr("fullmakt-upphord"), Flow::Ombud);
    req.agent = Some(env.related("Eva Olsson"));
    let e = counter.lookup(req).await.unwrap_err();
    assert_policy(&env, &e, DenialRule::NoPowerOfAttorney);
    // The client asked the register itself; NLL got no agent header and no list read.
    assert!(env.nll_requests().iter().any(|q| q.path == "/fullmakt"));
    assert_no_list_read(&env);
}

/// Ombud without a register to ask: refused before anything is sent (#17: never without a
/// verified power of attorney) — not even the Patient lookup goes out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ombud_without_a_register_is_refused_before_anything_is_sent() {
    let env = start().await;
    let mut cfg = env.config("farmaceut");
    cfg.fullmakt_url = None;
    let counter = env.counter_with(&cfg);
    let mut req = LookupRequest::new(&env.pnr("fullmakt-aktiv"), Flow::Ombud);
    req.agent = Some(env.related("Per Sjögren"));
    let e = counter.lookup(req).await.unwrap_err();
    assert!(env
        .sim
        .requests()
        .iter()
        .all(|q| !q.path.starts_with("/fhir/")));
    assert!(env.nll_requests().is_empty(), "nothing may be sent");
    assert_policy(&env, &e, DenialRule::PowerOfAttorneyUnverified);
    assert!(e.message.contains("fullmakt_url"), "{}", e.message);
}

/// A register answer that is neither active nor ended (here: a JSON object without a status,
/// from a wrongly configured register address) is a refusal, never a pass.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_register_answer_is_a_refusal() {
    let env = start().await;
    let mut cfg = env.config("farmaceut");
    cfg.fullmakt_url = Some(format!("{}/", env.sim.base_url()));
    let counter = env.counter_with(&cfg);
    let mut req = LookupRequest::new(&env.pnr("fullmakt-aktiv"), Flow::Ombud);
    req.agent = Some(env.related("Per Sjögren"));
    let e = counter.lookup(req).await.unwrap_err();
    assert!(
        env.sim.requests().iter().any(|q| q.path == "/"),
        "the register was asked"
    );
    assert_policy(&env, &e, DenialRule::PowerOfAttorneyUnverified);
    assert!(e.message.contains("ingen status"), "{}", e.message);
    assert_no_list_read(&env);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guardian_rules_after_the_first_round_trip() {
    // A 15-year-old: too old for the guardian flow (age from the patient's birth date).
    let env = start().await;
    let counter = env.counter("farmaceut");
    let mut req = LookupRequest::new(&env.pnr("ungdom-15"), Flow::Vardnadshavare);
    req.guardian = Some(env.related("Peter Lindgren"));
    let e = counter.lookup(req).await.unwrap_err();
    assert_policy(&env, &e, DenialRule::GuardianOfChild13OrOlder);
    assert!(e.message.contains("15 år"), "{}", e.message);

    // Someone who is not the child's guardian.
    let env = start().await;
    let counter = env.counter("farmaceut");
    let mut req = LookupRequest::new(&env.pnr("barn-9"), Flow::Vardnadshavare);
    req.guardian = Some(env.related("Peter Lindgren"));
    let e = counter.lookup(req).await.unwrap_err();
    assert_policy(&env, &e, DenialRule::NoGuardianRelation);
    // The client checked the relation itself (RelatedPerson); nothing of the list was read.
    assert!(env
        .nll_requests()
        .iter()
        .any(|q| q.path == "/fhir/RelatedPerson"));
    assert_no_list_read(&env);

    // A protected child: EHM removed the relation.
    let env = start().await;
    let counter = env.counter("apotekspersonal");
    let mut req = LookupRequest::new(&env.pnr("skyddat-barn-9"), Flow::Vardnadshavare);
    req.guardian = Some(env.related("Lena Holm"));
    let e = counter.lookup(req).await.unwrap_err();
    assert_policy(&env, &e, DenialRule::NoGuardianRelation);
    assert_no_list_read(&env);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn child_treatment_reason_is_refused_for_an_adult() {
    let env = start().await;
    let counter = env.counter("farmaceut");
    let mut req = LookupRequest::new(&env.pnr("vuxen"), Flow::ExpedieringBarnBehandlingsorsak);
    req.prescription_id = Some("any".into());
    let e = counter.lookup(req).await.unwrap_err();
    assert_policy(&env, &e, DenialRule::PatientTooOld);
}

/// An agent of a protected patient, with no agent header: NLL refuses the Patient lookup itself
/// (422, 2-25-155 — it checks protection whatever the header), the register has no active power
/// of attorney (EHM ends them), and the client refuses before any list read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agent_of_a_protected_patient_is_refused_after_the_lookup() {
    let env = start().await;
    let counter = env.counter("farmaceut");
    let mut req = LookupRequest::new(&env.pnr("skyddad-folkbokforing"), Flow::Ombud);
    req.agent = Some(env.related("Per Sjögren"));
    let e = counter.lookup(req).await.unwrap_err();
    assert_policy(&env, &e, DenialRule::NoPowerOfAttorney);
    let lookup = env
        .nll_requests()
        .into_iter()
        .find(|q| q.path == "/fhir/Patient")
        .expect("the lookup");
    assert_eq!(lookup.status, Some(422));
    assert_no_list_read(&env);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nll_refuses_dos_access_without_a_dos_consent() {
    let env = start().await;
    let counter = env.counter("farmaceut");
    let e = counter
        .lookup(LookupRequest::new(
            &env.pnr("vuxen"),
            Flow::LakemedelsstodDos,
        ))
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NllRefused, "{e:?}");
    assert_eq!(e.nll_code.as_deref(), Some("2-25-154"));
    assert_clean_error(&env, &e);
    env.check_log();
}

/// A configuration claiming a role the token does not have: the token's role is the one NLL
/// reads, so it wins, and the policy refuses before anything is sent (NLL's own 403 for a role
/// is tested against the server in nll-sim's rules tests).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tokens_role_wins_over_the_configurations() {
    let env = start().await;
    let mut cfg = env.config("apotekspersonal");
    cfg.role = Some(nll::Role::Farmaceut);
    let counter = env.counter_with(&cfg);
    let mut req = LookupRequest::new(&env.pnr("vuxen"), Flow::Lakemedelsstod);
    req.consent = true;
    let e = counter.lookup(req).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::PolicyDenied, "{e:?}");
    assert_eq!(e.http_status, None);
    assert_eq!(e.exit_code(), 1);
    assert_clean_error(&env, &e);
    env.check_log();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_and_invalid_personnummer() {
    let env = start().await;
    let counter = env.counter("farmaceut");
    // Valid check digit, not in the catalogue.
    let e = counter
        .lookup(LookupRequest::new("19121212-1212", Flow::Expediering))
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::PatientNotFound);
    assert_eq!(e.exit_code(), 1);
    assert_eq!(env.log_rows()[0].entry.outcome, "ok");
    assert_eq!(env.log_rows()[0].entry.patient_ref, None);
    env.check_log();
    // A wrong check digit never leaves the computer.
    env.sim.clear_requests();
    let e = counter
        .lookup(LookupRequest::new("19121212-1213", Flow::Expediering))
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert_eq!(e.exit_code(), 2);
    assert!(env.nll_requests().is_empty());
}
