//! Every counter flow on the test patients that exercise it: real client ↔ real test server over
//! mutual TLS; the headers as the server recorded them; the access log after each.

use acceptance::{assert_headers_as_built, start, Env};
use nll::fhir as F;
use nll::view::{Guarded, RxGroup, TreatmentReason};
use nll::Flow;
use nll_client::{EntryKind, LogFilter, LookupRequest, LookupResult};

fn paths(env: &Env) -> Vec<String> {
    env.nll_requests()
        .iter()
        .map(|r| match r.query_param("code") {
            Some(c) => format!("{}?code={c}", r.path),
            None => r.path.clone(),
        })
        .collect()
}

/// Headers of every request of the lookup, the stage order, and the log rows.
fn check_lookup(env: &Env, r: &LookupResult) {
    let reqs = env.nll_requests();
    let id = r.patient_ref.clone().expect("patient ref");
    let first_stage2 = reqs
        .iter()
        .position(|q| q.header("x-patientref").is_some())
        .unwrap_or(reqs.len());
    for (i, q) in reqs.iter().enumerate() {
        let stage1 = i < first_stage2;
        assert_eq!(
            stage1,
            matches!(
                q.path.as_str(),
                "/fhir/Patient" | "/fhir/RelatedPerson" | "/fullmakt"
            ),
            "{} in the wrong round trip",
            q.path
        );
        assert_headers_as_built(q, r, if stage1 { None } else { Some(&id) });
        assert_eq!(q.header("x-context-id"), Some(r.session_id.as_str()));
        assert_eq!(q.status, Some(200), "{} {:?}", q.path, q.query);
    }
    let mut ids: Vec<&str> = reqs
        .iter()
        .filter_map(|q| q.header("x-request-id"))
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), reqs.len(), "a fresh X-Request-ID per request");

    let rows = env
        .log
        .query(&LogFilter {
            context_id: Some(r.session_id.clone()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(rows.len(), reqs.len());
    for row in &rows {
        assert_eq!(row.entry.kind, EntryKind::Request);
        assert_eq!(row.entry.outcome, "ok");
        assert_eq!(row.entry.http_status, Some(200));
        assert_eq!(
            row.entry.flow,
            serde_json::to_value(r.context.flow).unwrap()
        );
        assert_eq!(row.entry.purpose, r.context.purpose_code);
        assert_eq!(row.entry.access, r.context.access_code);
        assert_eq!(row.entry.user, r.user.user);
        if row.entry.resource.as_deref() != Some("power-of-attorney")
            && row.entry.resource.as_deref() != Some("related-person")
        {
            assert_eq!(
                row.entry.patient_ref.as_deref(),
                Some(id.as_str()),
                "{row:?}"
            );
            assert_eq!(row.entry.protected, Some(r.list.masked), "{row:?}");
        }
    }
    env.check_log();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expediering_reads_the_whole_list_in_two_round_trips() {
    let env = start().await;
    let counter = env.counter("farmaceut");
    let session = counter.new_customer();
    let r = counter
        .lookup(LookupRequest::new(&env.pnr("vuxen"), Flow::Expediering))
        .await
        .unwrap();
    assert_eq!(r.session_id, session);
    assert_eq!(r.patient_ref, Some(env.id("vuxen")));
    assert_eq!((r.round_trips, r.requests), (2, 5));
    assert_eq!(r.user.user, "SE5565594230-F001");
    assert!(!r.list.masked);
    let list = &r.list.list;
    assert_eq!(list.patient.name.text(), Some("Karin Andersson"));
    assert!(list
        .prescriptions
        .iter()
        .any(|p| p.group == RxGroup::Current));
    assert!(!list.dispenses.is_empty());
    assert!(list.notices.iter().any(|n| n.code == "window-24-months"));
    // FIL005: no treatment reason in Expediering.
    assert!(list
        .prescriptions
        .iter()
        .all(|p| !matches!(p.treatment_reason, TreatmentReason::Shown { .. })));

    let mut p = paths(&env);
    assert_eq!(p.remove(0), "/fhir/Patient");
    p.sort();
    assert_eq!(
        p,
        [
            "/fhir/Basic?code=datalock",
            "/fhir/Basic?code=medlistinfo",
            "/fhir/MedicationDispense",
            "/fhir/MedicationRequest"
        ]
    );
    let lookup = &env.nll_requests()[0];
    assert_eq!(
        lookup.query_param("identifier"),
        Some(format!("{}|{}", F::SYSTEM_PERSONNUMMER, env.pnr("vuxen")))
    );
    assert_eq!(lookup.header("x-purpose"), Some("EXPEDIERING"));
    assert_eq!(lookup.header("x-access"), Some("UTAN_KRAV_SAMTYCKE"));
    let (encoding, org) =
        nll::headers::parse_org_info(lookup.header("x-org-info").unwrap()).unwrap();
    assert_eq!(encoding, nll::headers::HeaderEncoding::Base64);
    assert_eq!(org.orgenhets_id.len(), 13);
    check_lookup(&env, &r);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apotekspersonal_may_dispense_and_is_logged_with_that_role() {
    let env = start().await;
    let counter = env.counter("apotekspersonal");
    let r = counter
        .lookup(LookupRequest::new(&env.pnr("vuxen"), Flow::Expediering))
        .await
        .unwrap();
    assert_eq!(r.context.role, nll::Role::Apotekspersonal);
    assert!(env
        .log_rows()
        .iter()
        .all(|l| l.entry.role == "APOTEKSPERSONAL"));
    check_lookup(&env, &r);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lakemedelsstod_hides_privacy_locked_chains_and_reads_no_locks() {
    let env = start().await;
    let counter = env.counter("farmaceut");
    let mut req = LookupRequest::new(&env.pnr("integritetsspärr"), Flow::Lakemedelsstod);
    req.consent = true;
    let r = counter.lookup(req).await.unwrap();
    assert_eq!(r.round_trips, 2);
    assert!(
        !paths(&env).iter().any(|p| p.contains("datalock")),
        "{:?}",
        paths(&env)
    );
    assert!(
        r.list.list.context.window_from.is_none(),
        "5 years, no window"
    );
    assert!(
        r.list
            .list
            .notices
            .iter()
            .any(|n| n.code.starts_with("locked")),
        "{:?}",
        r.list.list.notices
    );
    check_lookup(&env, &r);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dos_patient_sees_locked_dos_chain_only_with_dospatients_uppgifter() {
    let env = start().await;
    let counter = env.counter("farmaceut");
    let pnr = env.pnr("dos");
    let dos = counter
        .lookup(LookupRequest::new(&pnr, Flow::LakemedelsstodDos))
        .await
        .unwrap();
    assert!(dos.list.list.info.dos_patient);
    assert_eq!(dos.context.access_code, "DOSPATIENTS_UPPGIFTER");
    check_lookup(&env, &dos);
    env.sim.clear_requests();
    counter.new_customer();
    let mut req = LookupRequest::new(&pnr, Flow::Lakemedelsstod);
    req.consent = true;
    let plain = counter.lookup(req).await.unwrap();
    assert!(
        plain.list.list.prescriptions.len() < dos.list.list.prescriptions.len(),
        "FIL003 hides the privacy-locked dos chain, FIL004 shows it"
    );
    check_lookup(&env, &plain);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn egna_uppgifter_withholds_a_reason_locked_against_the_patient() {
    let env = start().await;
    let counter = env.counter("apotekspersonal");
    let mut req = LookupRequest::new(&env.pnr("sekretess-orsak"), Flow::EgnaUppgifter);
    req.identity_checked = true;
    let r = counter.lookup(req).await.unwrap();
    assert!(r
        .list
        .list
        .prescriptions
        .iter()
        .any(|p| matches!(p.treatment_reason, TreatmentReason::Withheld { .. })));
    assert!(!paths(&env).iter().any(|p| p.contains("datalock")));
    check_lookup(&env, &r);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ombud_checks_the_register_first_and_reads_current_prescriptions_only() {
    let env = start().await;
    let counter = env.counter("farmaceut");
    let agent = env.related("Per Sjögren");
    let mut req = LookupRequest::new(&env.pnr("fullmakt-aktiv"), Flow::Ombud);
    req.agent = Some(agent.clone());
    let r = counter.lookup(req).await.unwrap();
    assert_eq!(r.round_trips, 2);
    let reqs = env.nll_requests();
    let register = reqs
        .iter()
        .find(|q| q.path == "/fullmakt")
        .expect("register asked");
    assert_eq!(register.query_param("ombud"), Some(agent.clone()));
    assert_eq!(
        register.query_param("givare"),
        Some(env.pnr("fullmakt-aktiv"))
    );
    // No published header names the agent: NLL never gets the agent's personnummer.
    assert!(reqs
        .iter()
        .filter(|q| q.path.starts_with("/fhir/"))
        .all(|q| q.header(F::H_AGENT_ID).is_none()));
    assert!(!paths(&env).iter().any(|p| p.contains("MedicationDispense")));
    let list = &r.list.list;
    assert!(!list.prescriptions.is_empty());
    assert!(list
        .prescriptions
        .iter()
        .all(|p| p.group == RxGroup::Current));
    assert!(list.dispenses.is_empty());
    assert!(list.notices.iter().any(|n| n.code == "agent-current-only"));
    check_lookup(&env, &r);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vardnadshavare_checks_the_relation_in_the_first_round_trip() {
    let env = start().await;
    let counter = env.counter("farmaceut");
    let guardian = env.related("Maria Berg");
    let mut req = LookupRequest::new(&env.pnr("barn-9"), Flow::Vardnadshavare);
    req.guardian = Some(guardian.clone());
    let r = counter.lookup(req).await.unwrap();
    assert_eq!(r.round_trips, 2);
    let reqs = env.nll_requests();
    let rel = reqs
        .iter()
        .position(|q| q.path == "/fhir/RelatedPerson")
        .expect("guardian check");
    assert!(
        reqs[rel].header("x-patientref").is_none(),
        "first round trip"
    );
    assert_eq!(
        reqs[rel].query_param("identifier"),
        Some(format!("{}|{guardian}", F::SYSTEM_PERSONNUMMER))
    );
    // No published header names the guardian: the RelatedPerson query is where it goes.
    assert!(reqs
        .iter()
        .filter(|q| q.path.starts_with("/fhir/"))
        .all(|q| q.header(F::H_GUARDIAN_ID).is_none()));
    assert!(!paths(&env).iter().any(|p| p.contains("datalock")));
    assert!(r
        .list
        .list
        .notices
        .iter()
        .any(|n| n.code == "guardian-filter"));
    check_lookup(&env, &r);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn skyddad_folkbokforing_is_masked_and_a_reveal_is_logged_without_its_value() {
    let env = start().await;
    let counter = env.counter("farmaceut");
    let r = counter
        .lookup(LookupRequest::new(
            &env.pnr("skyddad-folkbokforing"),
            Flow::Expediering,
        ))
        .await
        .unwrap();
    assert!(r.list.masked);
    assert!(r.list.list.patient.protected);
    assert!(r.list.list.patient.name.is_masked());
    // NLL does not mask the prescribers' workplaces or the dispensing pharmacies for a
    // pharmacy: the client does. None of the values the server holds is left.
    let json = serde_json::to_string(&r.list).unwrap();
    let values = env
        .sim
        .catalogue()
        .by_key("skyddad-folkbokforing")
        .unwrap()
        .location_values();
    assert!(values.len() > 15, "{values:?}");
    for v in &values {
        assert!(!json.contains(v.as_str()), "`{v}` left in the masked list");
    }
    let key = r
        .list
        .record
        .iter()
        .find(|f| f.key.starts_with("disp/") && f.key.ends_with("pharmacy.name"))
        .map(|f| f.key.clone())
        .expect("a masked dispensing pharmacy");
    check_lookup(&env, &r);

    let shown = counter.reveal(r.lookup_seq, &key).unwrap();
    assert!(!shown.value.is_empty());
    let reveals = env
        .log
        .query(&LogFilter {
            reveals_only: true,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(reveals.len(), 1);
    assert_eq!(reveals[0].entry.field_key.as_deref(), Some(key.as_str()));
    assert_eq!(reveals[0].entry.protected, Some(true));
    assert_eq!(reveals[0].entry.patient_ref, r.patient_ref);
    let all = serde_json::to_string(&env.log_rows()).unwrap();
    assert!(
        !all.contains(&shown.value),
        "the revealed value is not logged"
    );
    // Only masked keys can be revealed.
    assert!(counter
        .reveal(r.lookup_seq, "patient.personnummer")
        .is_err());
    let protected = env
        .log
        .query(&LogFilter {
            protected_only: true,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(protected.len(), env.log_rows().len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sekretessmarkering_with_a_returned_name_still_fails_closed() {
    let env = start().await;
    let counter = env.counter("farmaceut");
    let r = counter
        .lookup(LookupRequest::new(
            &env.pnr("sekretessmarkering"),
            Flow::Expediering,
        ))
        .await
        .unwrap();
    assert!(r.list.masked);
    assert!(matches!(r.list.list.patient.name, Guarded::Masked { .. }));
    let json = serde_json::to_string(&r.list).unwrap();
    assert!(!json.contains("Eriksson"));
    check_lookup(&env, &r);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn samordningsnummer_deceased_and_empty_lists() {
    let env = start().await;
    let counter = env.counter("farmaceut");
    let r = counter
        .lookup(LookupRequest::new(
            &env.pnr("samordningsnummer"),
            Flow::Expediering,
        ))
        .await
        .unwrap();
    assert_eq!(
        env.nll_requests()[0].query_param("identifier"),
        Some(format!(
            "{}|{}",
            F::SYSTEM_SAMORDNINGSNUMMER,
            env.pnr("samordningsnummer")
        ))
    );
    assert_eq!(
        r.list.list.patient.id_kind,
        Some(nll::ids::IdKind::Samordningsnummer)
    );
    check_lookup(&env, &r);

    env.sim.clear_requests();
    counter.new_customer();
    let r = counter
        .lookup(LookupRequest::new(&env.pnr("avliden"), Flow::Expediering))
        .await
        .unwrap();
    assert!(r.list.list.patient.deceased);
    assert!(r
        .list
        .list
        .patient
        .personnummer_display
        .as_deref()
        .unwrap()
        .contains('+'));
    check_lookup(&env, &r);

    env.sim.clear_requests();
    counter.new_customer();
    let r = counter
        .lookup(LookupRequest::new(
            &env.pnr("inga-recept"),
            Flow::Expediering,
        ))
        .await
        .unwrap();
    assert!(r.list.list.prescriptions.is_empty() && r.list.list.dispenses.is_empty());
    check_lookup(&env, &r);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn heavy_patient_is_read_over_every_page() {
    let env = start().await;
    let mut cfg = env.config("farmaceut");
    cfg.page_size = 1000;
    let counter = env.counter_with(&cfg);
    let mut req = LookupRequest::new(&env.pnr("storkund"), Flow::EgnaUppgifter);
    req.identity_checked = true;
    let r = counter.lookup(req).await.unwrap();
    let pages = env
        .nll_requests()
        .iter()
        .filter(|q| q.path == "/fhir/MedicationDispense")
        .count();
    assert!(pages >= 4, "{pages} pages");
    assert!(r.list.list.dispenses.len() >= 4000);
    assert!(r.list.list.prescriptions.len() >= 600);
    // Pages are sequential: the longest chain is the lookup plus every dispense page.
    assert_eq!(r.round_trips as usize, 1 + pages);
    assert!(env
        .nll_requests()
        .iter()
        .filter(|q| q.path == "/fhir/MedicationDispense")
        .skip(1)
        .all(|q| q.query_param("_offset").is_some()));
    check_lookup(&env, &r);
}
