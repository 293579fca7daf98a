//! Every fault kind: what a network, a proxy, a struggling NLL or a wrong certificate does, and
//! the one sentence the pharmacist gets for it. Retries: GET only, connection errors and
//! 429/502/503/504, at most two, `Retry-After` honoured. Tokens and secrets never appear.

use acceptance::{assert_clean_error, start, Env, CLIENT_CN};
use nll::Flow;
use nll_client::config::{CertConfig, TokenConfig};
use nll_client::{
    ClientConfig, ClientError, ErrorCode, LookupRequest, LookupResult, MemorySecrets,
};
use nll_sim::{FaultKind, FaultSpec};

fn vuxen(env: &Env) -> LookupRequest {
    LookupRequest::new(&env.pnr("vuxen"), Flow::Expediering)
}

async fn lookup(env: &Env, cfg: &ClientConfig) -> Result<LookupResult, ClientError> {
    env.counter_with(cfg).lookup(vuxen(env)).await
}

async fn with_fault(spec: FaultSpec) -> (Env, Result<LookupResult, ClientError>) {
    let env = start().await;
    env.sim.add_fault(spec);
    let r = lookup(&env, &env.config("farmaceut")).await;
    (env, r)
}

fn count(env: &Env, path: &str) -> usize {
    env.nll_requests().iter().filter(|q| q.path == path).count()
}

fn outcomes(env: &Env, resource: &str) -> Vec<String> {
    env.log_rows()
        .into_iter()
        .filter(|r| r.entry.resource.as_deref() == Some(resource))
        .map(|r| r.entry.outcome)
        .collect()
}

fn failed(
    env: &Env,
    r: Result<LookupResult, ClientError>,
    code: ErrorCode,
    exit: i32,
) -> ClientError {
    let e = r.expect_err("the lookup must fail");
    assert_eq!(e.code, code, "{e:?}");
    assert_eq!(e.exit_code(), exit, "{e:?}");
    assert!(e.message.ends_with('.'), "{}", e.message);
    assert_clean_error(env, &e);
    env.check_log();
    e
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_503_is_retried_with_a_new_request_id_and_logged_twice() {
    let (env, r) = with_fault(
        FaultSpec::new(FaultKind::Status { code: 503 })
            .on("/fhir/MedicationDispense")
            .times(1),
    )
    .await;
    let r = r.unwrap();
    assert_eq!(count(&env, "/fhir/MedicationDispense"), 2);
    assert_eq!(outcomes(&env, "medication-dispense"), ["http 503", "ok"]);
    assert_eq!(r.round_trips, 3, "the retry is a third request in sequence");
    env.check_log();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_after_two_retries() {
    for (code, attempts, nll_code) in [
        (503, 3, Some("2-25-503")),
        (502, 3, None),
        (500, 1, Some("2-25-500")),
    ] {
        let (env, r) =
            with_fault(FaultSpec::new(FaultKind::Status { code }).on("/fhir/MedicationRequest"))
                .await;
        let e = failed(&env, r, ErrorCode::ServerError, 3);
        assert_eq!(count(&env, "/fhir/MedicationRequest"), attempts, "{code}");
        assert_eq!(e.http_status, Some(code));
        assert_eq!(e.nll_code.as_deref(), nll_code);
        assert!(e.message.contains("tekniskt fel"), "{}", e.message);
        let last = env
            .nll_requests()
            .into_iter()
            .rfind(|q| q.path == "/fhir/MedicationRequest")
            .unwrap();
        assert_eq!(e.request_id.as_deref(), last.header("x-request-id"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limit_honours_retry_after_or_gives_up_when_it_is_too_long() {
    let (env, r) = with_fault(
        FaultSpec::new(FaultKind::RateLimited { retry_after: 1 })
            .on("/fhir/Patient")
            .times(1),
    )
    .await;
    r.unwrap();
    assert_eq!(count(&env, "/fhir/Patient"), 2);
    assert_eq!(outcomes(&env, "patient"), ["http 429", "ok"]);
    env.check_log();

    let (env, r) =
        with_fault(FaultSpec::new(FaultKind::RateLimited { retry_after: 30 }).on("/fhir/Patient"))
            .await;
    let e = failed(&env, r, ErrorCode::RateLimited, 3);
    assert_eq!(
        count(&env, "/fhir/Patient"),
        1,
        "30 s is longer than the client waits"
    );
    assert!(e.message.contains("för många anrop"), "{}", e.message);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_server_times_out_without_a_retry() {
    let env = start().await;
    env.sim
        .add_fault(FaultSpec::new(FaultKind::Hang).on("/fhir/MedicationRequest"));
    let mut cfg = env.config("farmaceut");
    cfg.request_timeout_ms = 800;
    let r = lookup(&env, &cfg).await;
    let e = failed(&env, r, ErrorCode::Timeout, 3);
    assert_eq!(
        e.message,
        "Nationella läkemedelslistan svarade inte i tid – försök igen, och kontakta IT-support om det upprepas."
    );
    assert_eq!(count(&env, "/fhir/MedicationRequest"), 1);
    assert_eq!(outcomes(&env, "medication-request"), ["timeout"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broken_answers_are_malformed() {
    for kind in [
        FaultKind::MalformedJson,
        FaultKind::Truncated,
        FaultKind::WrongContentType,
    ] {
        let (env, r) =
            with_fault(FaultSpec::new(kind.clone()).on("/fhir/MedicationDispense")).await;
        let e = failed(&env, r, ErrorCode::MalformedResponse, 3);
        assert!(
            e.message
                .starts_with("Svaret från Nationella läkemedelslistan gick inte att läsa"),
            "{kind:?}: {}",
            e.message
        );
        assert_eq!(
            count(&env, "/fhir/MedicationDispense"),
            1,
            "{kind:?}: not retried"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_persons_patient_is_never_shown() {
    // The lookup of one person answered with another real test patient: nothing is shown,
    // nothing more is read, and the log does not file the access under the other person.
    let (env, r) = with_fault(FaultSpec::new(FaultKind::OtherPatient).on("/fhir/Patient")).await;
    let e = failed(&env, r, ErrorCode::MalformedResponse, 3);
    assert!(
        e.message
            .contains("en annan patient än personnumret som söktes"),
        "{}",
        e.message
    );
    assert!(e.request_id.is_some(), "the Patient request is named");
    let paths: Vec<String> = env.nll_requests().into_iter().map(|q| q.path).collect();
    assert_eq!(paths, ["/fhir/Patient"], "no list resource is read");
    let asked = env
        .sim
        .catalogue()
        .by_pnr(&env.pnr("vuxen"))
        .unwrap()
        .id
        .clone();
    for row in env.log_rows() {
        let r = row.entry.patient_ref.as_deref();
        assert!(r.is_none() || r == Some(asked.as_str()), "{row:?}");
    }
    assert!(
        outcomes(&env, "patient")
            .iter()
            .all(|o| o.contains("malformed")),
        "{:?}",
        outcomes(&env, "patient")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_answer_is_cut_off_at_the_cap() {
    let env = start().await;
    env.sim.add_fault(
        FaultSpec::new(FaultKind::Oversized {
            bytes: 8 * 1024 * 1024,
        })
        .on("/fhir/MedicationDispense"),
    );
    let mut cfg = env.config("farmaceut");
    cfg.max_response_bytes = 1024 * 1024;
    let e = failed(
        &env,
        lookup(&env, &cfg).await,
        ErrorCode::ResponseTooLarge,
        3,
    );
    assert!(e.message.contains("(1 MB)"), "{}", e.message);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lookup_whose_answers_together_pass_the_budget_stops_there() {
    // Every answer under the per-answer cap, but more than the lookup may take together.
    let env = start().await;
    let mut cfg = env.config("farmaceut");
    cfg.max_lookup_bytes = 4 * 1024;
    let e = lookup(&env, &cfg).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::ResponseTooLarge, "{e:?}");
    assert!(e.message.contains("max_lookup_bytes"), "{}", e.message);
    assert_clean_error(&env, &e);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_static_token_is_a_401_telling_to_log_in_again() {
    let env = start().await;
    let mut cfg = env.config("farmaceut");
    cfg.token = TokenConfig::Static {
        token: Some(env.sim.token_for("farmaceut")),
        keyring: None,
    };
    env.sim.expire_access_tokens();
    let e = failed(&env, lookup(&env, &cfg).await, ErrorCode::Unauthorized, 1);
    assert!(e.message.contains("logga in igen"), "{}", e.message);
    assert_eq!(e.nll_code.as_deref(), Some("2-25-103"));
    assert_eq!(
        count(&env, "/fhir/Patient"),
        1,
        "a static token cannot be renewed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_exchanged_token_is_refreshed_after_a_401() {
    let env = start().await;
    let counter = env.counter("farmaceut");
    counter.lookup(vuxen(&env)).await.unwrap();
    env.sim.expire_access_tokens();
    counter.new_customer();
    counter.lookup(vuxen(&env)).await.unwrap();
    let token_calls = env
        .sim
        .requests()
        .iter()
        .filter(|q| q.path == "/oauth/token")
        .count();
    assert_eq!(token_calls, 2, "one exchange, one refresh");
    assert_eq!(outcomes(&env, "patient"), ["ok", "http 401", "ok"]);
    env.check_log();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_command_source() {
    let env = start().await;
    let token = env.sim.token_for("farmaceut");
    let mut cfg = env.config("farmaceut");
    cfg.token = TokenConfig::Command {
        command: vec![
            "sh".into(),
            "-c".into(),
            format!("printf '%s\\n' '{token}'"),
        ],
        timeout_ms: 5000,
        cache_seconds: 300,
    };
    let r = lookup(&env, &cfg).await.unwrap();
    assert_eq!(r.user.role, nll::Role::Farmaceut);
    assert!(env
        .nll_requests()
        .iter()
        .all(|q| q.header("authorization") == Some(format!("Bearer {token}").as_str())));
    env.check_log();

    cfg.token = TokenConfig::Command {
        command: vec![
            "sh".into(),
            "-c".into(),
            format!("echo '{token}' >&2; exit 7"),
        ],
        timeout_ms: 5000,
        cache_seconds: 300,
    };
    let e = failed(
        &env,
        lookup(&env, &cfg).await,
        ErrorCode::TokenUnavailable,
        3,
    );
    assert!(e.message.contains("felkod 7"), "{}", e.message);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_server_is_retried_twice_then_named() {
    let env = start().await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let mut cfg = env.config("farmaceut");
    cfg.base_url = format!("https://127.0.0.1:{port}/fhir");
    cfg.token = TokenConfig::Static {
        token: Some(env.sim.token_for("farmaceut")),
        keyring: None,
    };
    let e = failed(&env, lookup(&env, &cfg).await, ErrorCode::Unreachable, 3);
    assert!(e.message.contains("går inte att nå"), "{}", e.message);
    assert_eq!(outcomes(&env, "patient"), ["unreachable"; 3]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_to_another_computer_is_refused_before_anything_is_sent() {
    let env = start().await;
    let mut cfg = env.config("farmaceut");
    cfg.base_url = "http://nll.example.se/fhir".into();
    let e = env.client(&cfg).unwrap_err();
    assert_eq!(e.code, ErrorCode::InsecureUrl);
    assert_eq!(e.exit_code(), 2);
    assert!(env.sim.requests().is_empty());
}

// ---- TLS ------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_untrusted_server_certificate_sends_nothing() {
    let env = start().await;
    let mut cfg = env.config("farmaceut");
    cfg.extra_ca_pem = None;
    let e = failed(&env, lookup(&env, &cfg).await, ErrorCode::TlsFailure, 3);
    assert!(e.message.contains("kunde inte styrkas"), "{}", e.message);
    assert!(env.sim.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_or_foreign_client_certificate_is_rejected() {
    let env = start().await;
    let mut cfg = env.config("farmaceut");
    cfg.client_certificate = None;
    let e = failed(
        &env,
        lookup(&env, &cfg).await,
        ErrorCode::ClientCertificateRejected,
        3,
    );
    assert!(e.message.contains("certifikat"), "{}", e.message);
    assert!(env.sim.requests().is_empty());

    // A certificate from another CA.
    let other = nll_sim::pki::TestPki::generate().unwrap();
    let files = other
        .write_to_dir(&env.dir.join("other"), &[CLIENT_CN])
        .unwrap();
    cfg.client_certificate = Some(CertConfig {
        pem: Some(files.clients[0].cert.clone()),
        key_pem: Some(files.clients[0].key.clone()),
        ..CertConfig::default()
    });
    failed(
        &env,
        lookup(&env, &cfg).await,
        ErrorCode::ClientCertificateRejected,
        3,
    );
    assert!(env.sim.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_client_certificate_is_named_before_connecting() {
    let env = start().await;
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, CLIENT_CN);
    params.not_before = rcgen::date_time_ymd(2020, 1, 1);
    params.not_after = rcgen::date_time_ymd(2024, 6, 30);
    let cert = params.self_signed(&key).unwrap();
    let path = env.dir.join("expired.pem");
    std::fs::write(&path, format!("{}{}", cert.pem(), key.serialize_pem())).unwrap();
    let mut cfg = env.config("farmaceut");
    cfg.client_certificate = Some(CertConfig {
        pem: Some(path),
        ..CertConfig::default()
    });
    let e = env.client(&cfg).unwrap_err();
    assert_eq!(e.code, ErrorCode::ClientCertificateExpired);
    assert_eq!(e.exit_code(), 2);
    assert!(e.message.contains("gick ut 2024-06-30"), "{}", e.message);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pkcs12_identity_with_its_password_from_the_keyring() {
    let env = start().await;
    let mut cfg = env.config("farmaceut");
    cfg.client_certificate = Some(CertConfig {
        pkcs12: Some(env.files.clients[0].pkcs12.clone()),
        ..CertConfig::default()
    });
    let r = lookup(&env, &cfg).await.unwrap();
    assert_eq!(r.round_trips, 2);
    assert!(env.nll_requests().iter().all(|q| q
        .client_cert_subject
        .as_deref()
        .is_some_and(|s| s.contains(CLIENT_CN))));
    env.check_log();

    let wrong = MemorySecrets::new()
        .with("oauth2-client-secret", acceptance::CLIENT_SECRET)
        .with("pkcs12-password", "fel-lösenord-991");
    let e = nll_client::NllClient::new(&cfg, &wrong, env.log.clone()).unwrap_err();
    assert_eq!(e.code, ErrorCode::ClientCertificateInvalid);
    assert!(e.message.contains("fel lösenord"), "{}", e.message);
    assert!(!format!("{e:?}").contains("fel-lösenord-991"));

    let none = MemorySecrets::new().with("oauth2-client-secret", acceptance::CLIENT_SECRET);
    let e = nll_client::NllClient::new(&cfg, &none, env.log.clone()).unwrap_err();
    assert_eq!(e.code, ErrorCode::Keyring);
    assert!(e.message.contains("pkcs12-password"), "{}", e.message);
}
