//! The counter session: one customer at a time, its own `X-Context-ID`, and a guarantee that
//! the screen never shows one patient's data under another's name.
//!
//! - [`Counter::new_customer`] starts a session (a new context id) and forgets everything of the
//!   previous customer; [`Counter::end_customer`] ("Avsluta kund", idle timeout) forgets it too.
//! - [`Counter::lookup`] runs the fetch plan. Starting a lookup cancels the one still running
//!   (its in-flight requests are dropped and logged as cancelled) and clears the previous
//!   result at once. Every result carries its session id, its sequence number and its patient
//!   reference; a result whose session or sequence is no longer the current one is dropped
//!   ([`ErrorCode::Stale`](crate::ErrorCode::Stale)) — the UI should also compare the tags.
//! - [`Counter::reveal`] gives back one masked value of the current list and logs the reveal
//!   (key and kind, never the value).
//! - [`Counter::treatment_reason`] reads one prescription of the current list again with one of
//!   the shown flow's treatment-reason variants (consent, locked reason, child), for the same
//!   patient in the same session, and gives back that prescription's treatment reason. The shown
//!   list stays as it is; the read goes through the fetch plan, so the policy check and the
//!   access-log rows are the same as for any lookup.

use std::sync::{Arc, Mutex};

use std::future::Future;

use nll::masking;
use nll::policy::RequestContext;
use nll::view::{MaskedFieldKind, MaskedList, MedicationList, TreatmentReason};
use nll::Flow;
use serde::{Deserialize, Serialize};
use tokio::sync::watch;
use ts_rs::TS;
use uuid::Uuid;

use crate::access_log::{Actor, NewEntry, PrintOutcome, Printout, Why};
use crate::client::{NllClient, UserInfo};
use crate::error::ClientError;
use crate::nll_api::{flow_name, role_code, wire_name};
use crate::plan::{self, LookupRequest};

/// One lookup's answer, tagged with the session and patient it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LookupResult {
    /// The counter session (`X-Context-ID`).
    pub session_id: String,
    /// Increases with every lookup of this counter; the UI shows only the latest.
    #[ts(type = "number")]
    pub lookup_seq: u64,
    /// NLL's reference of the patient the list belongs to.
    pub patient_ref: Option<String>,
    /// The list, masked when the patient has protected personal data (shared with the counter:
    /// a heavy patient's list is held once).
    #[ts(as = "MaskedList")]
    pub list: Arc<MaskedList>,
    pub context: RequestContext,
    pub user: UserInfo,
    /// Requests sent one after the other on the longest chain (2 for an ordinary lookup).
    pub round_trips: u32,
    /// Requests sent in all.
    pub requests: u32,
    #[ts(type = "number")]
    pub elapsed_ms: u64,
}

/// A value given back on purpose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Revealed {
    pub session_id: String,
    pub key: String,
    pub kind: MaskedFieldKind,
    pub value: String,
}

/// A treatment reason asked for one prescription of the shown list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TreatmentReasonRequest {
    /// The shown list's `lookupSeq`: asking about a list no longer shown is refused.
    #[ts(type = "number")]
    pub lookup_seq: u64,
    /// The prescription's id in the shown list.
    pub prescription_id: String,
    /// One of the shown flow's treatment-reason variants (a policy row reading one prescription
    /// whose main flow is the shown flow).
    pub flow: Flow,
    /// The patient consents now (the consent variants; the child variant needs none).
    #[serde(default)]
    pub consent: bool,
}

/// One prescription's treatment reason, read on purpose for the shown list.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TreatmentReasonResult {
    pub session_id: String,
    /// The list it belongs to (the UI drops it if another list is shown by then).
    #[ts(type = "number")]
    pub lookup_seq: u64,
    pub prescription_id: String,
    /// The variant that read it (its access type is in the access log).
    pub flow: Flow,
    /// `Shown`, or still `Withheld` when NLL kept it back (e.g. a locked reason asked for with
    /// the ordinary consent), or `None` when the prescription has no reason.
    pub reason: TreatmentReason,
    /// `X-Request-ID` of the MedicationRequest read.
    pub request_id: Option<String>,
}

/// The masked list on screen with what a printout needs of its errand (see [`Counter::shown`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ShownList {
    pub lookup_seq: u64,
    pub masked: Arc<MaskedList>,
    /// What the list was read with: its flow decides which printouts may be handed out, and
    /// a printout's log row names its purpose and access type.
    pub context: RequestContext,
    /// Who shows it (the printing pharmacy's name).
    pub who: UserInfo,
    /// The customer session and the patient's NLL reference, for a printout's log row.
    pub session_id: String,
    pub patient_ref: Option<String>,
    /// The patient's keyed hash (with the chain's key), for a printout's log row.
    pub patient_key: Option<String>,
}

impl ShownList {
    /// The row of a printout of this list: its kind, pages, copies, printer (none: saved to a
    /// file), masked or not, and how it ended — never its content or a file's path. The one
    /// printout row, for the app and `nllc print`.
    pub fn printout_row(
        &self,
        who: Actor<'_>,
        kind: nll::PrintoutKind,
        pages: u32,
        copies: u32,
        printer: Option<&str>,
        outcome: PrintOutcome,
    ) -> NewEntry {
        let flow = flow_name(self.context.flow);
        let kind = wire_name(&kind);
        NewEntry::printout(
            who,
            Why {
                flow: &flow,
                purpose: &self.context.purpose_code,
                access: &self.context.access_code,
            },
            &self.session_id,
            &Printout {
                kind: &kind,
                pages,
                copies,
                printer,
                masked: self.masked.masked,
                outcome,
            },
        )
        .patient(self.patient_ref.clone(), Some(self.masked.masked))
        .patient_key(self.patient_key.clone())
    }
}

struct Current {
    session: Uuid,
    seq: u64,
    /// What was asked for the shown list: the personnummer a variant reads again.
    request: LookupRequest,
    patient_ref: Option<String>,
    patient_key: Option<String>,
    /// The list in the clear, kept only when the shown list is masked (what a reveal gives
    /// back); otherwise the shown list is the list, and a heavy patient is held once.
    clear: Option<MedicationList>,
    masked: Arc<MaskedList>,
    context: RequestContext,
    who: UserInfo,
}

#[derive(Default)]
struct State {
    session: Option<Uuid>,
    seq: u64,
    current: Option<Current>,
}

/// One counter (one pharmacist's screen).
pub struct Counter {
    client: Arc<NllClient>,
    state: Mutex<State>,
    /// The sequence number of the newest lookup (or session change): older lookups stop.
    latest: watch::Sender<u64>,
}

impl std::fmt::Debug for Counter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Counter").finish_non_exhaustive()
    }
}

impl Counter {
    pub fn new(client: Arc<NllClient>) -> Counter {
        Counter {
            client,
            state: Mutex::new(State::default()),
            latest: watch::channel(0).0,
        }
    }

    pub fn client(&self) -> &Arc<NllClient> {
        &self.client
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic elsewhere must not leave patient data reachable: start from empty.
        self.state.lock().unwrap_or_else(|p| {
            let mut g = p.into_inner();
            *g = State::default();
            g
        })
    }

    /// The current session's id, if a customer is being served.
    pub fn session_id(&self) -> Option<String> {
        self.lock().session.map(|s| s.hyphenated().to_string())
    }

    /// A new customer: a new `X-Context-ID`; the previous customer's data is dropped and any
    /// running lookup is cancelled.
    pub fn new_customer(&self) -> String {
        let mut s = self.lock();
        let id = Uuid::new_v4();
        s.session = Some(id);
        s.seq += 1;
        s.current = None;
        self.latest.send_replace(s.seq);
        id.hyphenated().to_string()
    }

    /// "Avsluta kund": every patient detail is dropped and any running lookup cancelled.
    pub fn end_customer(&self) {
        let mut s = self.lock();
        s.session = None;
        s.seq += 1;
        s.current = None;
        self.latest.send_replace(s.seq);
    }

    /// Resolves once sequence `seq` is no longer the newest (a new lookup, a new or ended
    /// customer): the work racing it must stop.
    fn superseded(&self, seq: u64) -> impl Future<Output = ()> + 'static {
        let mut latest = self.latest.subscribe();
        async move {
            loop {
                if *latest.borrow_and_update() != seq {
                    return;
                }
                if latest.changed().await.is_err() {
                    std::future::pending::<()>().await;
                }
            }
        }
    }

    /// The masked list on screen and its `lookup_seq`, if one is shown (for checks that a side
    /// read such as a treatment reason left it as it was).
    pub fn shown_list(&self) -> Option<(u64, MaskedList)> {
        self.lock()
            .current
            .as_ref()
            .map(|c| (c.seq, MaskedList::clone(&c.masked)))
    }

    /// The list on screen for a printout: only while `lookup_seq` is still the shown list, so
    /// a replaced or ended customer's list is never printed. The shell asks again right before
    /// the PDF leaves (printer or file): the customer may have ended while it rendered.
    pub fn shown(&self, lookup_seq: u64) -> Result<ShownList, ClientError> {
        let s = self.lock();
        let c = s
            .current
            .as_ref()
            .filter(|c| c.seq == lookup_seq)
            .ok_or_else(ClientError::list_gone)?;
        Ok(ShownList {
            lookup_seq: c.seq,
            masked: c.masked.clone(),
            context: c.context.clone(),
            who: c.who.clone(),
            session_id: c.session.to_string(),
            patient_ref: c.patient_ref.clone(),
            patient_key: c.patient_key.clone(),
        })
    }

    /// Is there a list in memory (for tests of "end customer clears everything")?
    pub fn has_patient_data(&self) -> bool {
        self.lock().current.is_some()
    }

    /// Looks a patient up in the current session (one is started if there is none).
    pub async fn lookup(&self, req: LookupRequest) -> Result<LookupResult, ClientError> {
        let (session, seq) = self.begin_lookup();
        let superseded = self.superseded(seq);
        let work = async {
            let who = self.client.user_info().await?;
            let planned = plan::run(&self.client, &who, &req, session).await?;
            Ok::<_, ClientError>((who, planned))
        };
        let outcome = tokio::select! {
            r = work => r,
            _ = superseded => return Err(ClientError::cancelled()),
        };
        self.accept(session, seq, req, outcome)
    }

    /// A new lookup: the shown list goes at once, and the lookup still running stops.
    fn begin_lookup(&self) -> (Uuid, u64) {
        let mut s = self.lock();
        let session = *s.session.get_or_insert_with(Uuid::new_v4);
        s.seq += 1;
        s.current = None;
        self.latest.send_replace(s.seq);
        (session, s.seq)
    }

    /// Keeps a finished lookup only while it is still the newest of its session: the customer
    /// may have ended, or a newer lookup started, after NLL answered and before this lock.
    fn accept(
        &self,
        session: Uuid,
        seq: u64,
        request: LookupRequest,
        outcome: Result<(UserInfo, plan::Planned), ClientError>,
    ) -> Result<LookupResult, ClientError> {
        let mut s = self.lock();
        if s.seq != seq || s.session != Some(session) {
            return Err(ClientError::stale());
        }
        let (who, p) = outcome?;
        let masked = Arc::new(p.masked);
        // The clear list is kept only where something is masked (reveals need it).
        let clear = if masked.masked {
            Some(p.list)
        } else {
            nll::list::drop_aside(p.list);
            None
        };
        let result = LookupResult {
            session_id: session.hyphenated().to_string(),
            lookup_seq: seq,
            patient_ref: p.patient_ref.clone(),
            list: masked.clone(),
            context: p.context.clone(),
            user: who.clone(),
            round_trips: p.round_trips,
            requests: p.requests,
            elapsed_ms: p.elapsed_ms,
        };
        s.current = Some(Current {
            session,
            seq,
            request,
            patient_ref: p.patient_ref,
            patient_key: p.patient_key,
            clear,
            masked,
            context: p.context,
            who,
        });
        Ok(result)
    }

    /// Gives back one masked value of the current list, and logs the reveal (key and kind).
    /// `lookup_seq` must be the result's: a reveal for a list no longer shown is refused.
    pub fn reveal(&self, lookup_seq: u64, key: &str) -> Result<Revealed, ClientError> {
        let s = self.lock();
        let c = s
            .current
            .as_ref()
            .filter(|c| c.seq == lookup_seq)
            .ok_or_else(ClientError::nothing_to_reveal)?;
        let field = c
            .masked
            .record
            .iter()
            .find(|f| f.key == key)
            .ok_or_else(ClientError::nothing_to_reveal)?;
        let (kind, value) = c
            .clear
            .as_ref()
            .and_then(|clear| masking::reveal(clear, key))
            .ok_or_else(ClientError::nothing_to_reveal)?;
        let (role, flow) = (role_code(c.who.role), flow_name(c.context.flow));
        let field_kind = wire_name(&field.kind);
        self.client.log.append(
            &NewEntry::reveal(
                Actor {
                    user: &c.who.user,
                    role: &role,
                },
                Why {
                    flow: &flow,
                    purpose: &c.context.purpose_code,
                    access: &c.context.access_code,
                },
                &c.session.hyphenated().to_string(),
                &field_kind,
                key,
            )
            .patient(c.patient_ref.clone(), Some(c.masked.masked))
            .patient_key(c.patient_key.clone()),
        )?;
        Ok(Revealed {
            session_id: c.session.hyphenated().to_string(),
            key: key.to_string(),
            kind,
            value,
        })
    }

    /// Reads one prescription of the shown list again with a treatment-reason variant of the
    /// shown flow and gives back its treatment reason. Same session (`X-Context-ID`), same
    /// patient, same signed-in user; the shown list is not replaced. The fetch plan checks the
    /// policy (consent before any request, the child's age after the Patient lookup) and logs
    /// every request and refusal. Refused as stale when `lookup_seq` is not the shown list or
    /// the customer changes while the read runs.
    pub async fn treatment_reason(
        &self,
        ask: &TreatmentReasonRequest,
    ) -> Result<TreatmentReasonResult, ClientError> {
        let (session, seq, req, who, patient_ref) = {
            let s = self.lock();
            let c = s
                .current
                .as_ref()
                .filter(|c| c.seq == ask.lookup_seq)
                .ok_or_else(ClientError::list_gone)?;
            let policy = &self.client.policy;
            let shown = c.context.flow;
            let rule = policy.rule(ask.flow);
            if ask.flow == shown || rule.main_flow != shown || !rule.reads_one_prescription() {
                let shown_rule = policy.rule(shown);
                return Err(ClientError::invalid_input(
                    format!(
                        "{} kan inte visa en behandlingsorsak i listan som visas ({}): välj behandlingsorsak på en rad i listan.",
                        rule.label_sv, shown_rule.label_sv
                    ),
                    format!(
                        "{} cannot show a treatment reason in the list shown ({}): choose treatment reason on a row of the list.",
                        rule.label_en, shown_rule.label_en
                    ),
                ));
            }
            if !c
                .masked
                .list
                .prescriptions
                .iter()
                .any(|p| p.id == ask.prescription_id)
            {
                return Err(ClientError::invalid_input(
                    "Receptet finns inte i listan som visas: välj det på en rad i listan.",
                    "The prescription is not in the list shown: choose it on a row of the list.",
                ));
            }
            let mut req = LookupRequest::new(&c.request.personnummer, ask.flow);
            req.consent = ask.consent;
            req.prescription_id = Some(ask.prescription_id.clone());
            (c.session, c.seq, req, c.who.clone(), c.patient_ref.clone())
        };
        let superseded = self.superseded(seq);
        let outcome = tokio::select! {
            r = plan::run(&self.client, &who, &req, session) => r,
            // The customer changed while NLL answered: nothing of it may reach the screen.
            _ = superseded => return Err(ClientError::stale()),
        };
        let p = outcome?;
        let s = self.lock();
        let still_shown =
            s.session == Some(session) && s.current.as_ref().is_some_and(|c| c.seq == seq);
        // The personnummer must still name the patient of the shown list.
        if !still_shown || p.patient_ref != patient_ref {
            return Err(ClientError::stale());
        }
        let rx = p
            .list
            .prescriptions
            .iter()
            .find(|r| r.id == ask.prescription_id)
            .ok_or_else(|| {
                let e = ClientError::new(
                    crate::ErrorCode::NotFound,
                    "Nationella läkemedelslistan lämnade inte ut receptet: det kan ha ändrats – sök fram patienten igen.",
                    "The National Medication List did not return the prescription: it may have changed – look the patient up again.",
                );
                match &p.rx_request_id {
                    Some(id) => e.with_request_id(id.clone()),
                    None => e,
                }
            })?;
        Ok(TreatmentReasonResult {
            session_id: session.hyphenated().to_string(),
            lookup_seq: seq,
            prescription_id: ask.prescription_id.clone(),
            flow: ask.flow,
            reason: rx.treatment_reason.clone(),
            request_id: p.rx_request_id.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    //! The counter against the real test server over plain HTTP on loopback (the acceptance
    //! tests do the same over mutual TLS).
    use super::*;
    use crate::access_log::{AccessLog, LogFilter};
    use crate::config::{ClientConfig, TokenConfig};
    use crate::error::ErrorCode;
    use crate::secrets::MemorySecrets;
    use chrono::NaiveDate;
    use nll::policy::DenialRule;
    use nll::LockContent;
    use nll_sim::{SimConfig, SimHandle};

    async fn sim() -> SimHandle {
        nll_sim::start(SimConfig {
            today: NaiveDate::from_ymd_opt(2026, 11, 22),
            ..SimConfig::default()
        })
        .await
        .expect("sim")
    }

    fn counter(sim: &SimHandle, login: &str) -> (Counter, Arc<AccessLog>) {
        let mut cfg = ClientConfig::with_static_token(&sim.fhir_base(), "");
        cfg.token = TokenConfig::exchange_for(sim.token_url(), "unit", login);
        cfg.today = Some(sim.catalogue().today());
        let log = Arc::new(AccessLog::in_memory().expect("log"));
        let secrets = MemorySecrets::new().with("oauth2-client-secret", "unit-secret");
        let client = NllClient::new(&cfg, &secrets, log.clone()).expect("client");
        (Counter::new(Arc::new(client)), log)
    }

    fn pnr(sim: &SimHandle, key: &str) -> String {
        sim.catalogue().by_key(key).expect("patient").pnr.clone()
    }

    fn nll_requests(sim: &SimHandle) -> usize {
        sim.requests()
            .iter()
            .filter(|r| r.path.starts_with("/fhir/"))
            .count()
    }

    /// The sim's own record of a prescription's reason and whether a lock covers the reason.
    fn truth(sim: &SimHandle, key: &str, rx_id: &str) -> (Option<String>, Option<LockContent>) {
        let patient = sim.catalogue().by_key(key).expect("patient");
        patient
            .history()
            .reason_and_lock(rx_id)
            .expect("prescription in the sim")
    }

    fn ask(seq: u64, rx: &str, flow: Flow, consent: bool) -> TreatmentReasonRequest {
        TreatmentReasonRequest {
            lookup_seq: seq,
            prescription_id: rx.into(),
            flow,
            consent,
        }
    }

    /// The prescriptions of the shown list whose reason Expediering withheld.
    fn withheld(r: &LookupResult) -> Vec<String> {
        r.list
            .list
            .prescriptions
            .iter()
            .filter(|p| matches!(p.treatment_reason, TreatmentReason::Withheld { .. }))
            .map(|p| p.id.clone())
            .collect()
    }

    #[tokio::test]
    async fn an_answer_that_arrives_after_the_customer_changed_is_stale() {
        // NLL has answered, but before the answer is kept the customer ends or a newer lookup
        // starts: the answer is dropped as stale and nothing of it stays in memory.
        let sim = sim().await;
        let (c, _) = counter(&sim, "farmaceut");
        c.new_customer();
        let req = LookupRequest::new(&pnr(&sim, "vuxen"), Flow::Expediering);
        let answer = || async {
            let who = c.client.user_info().await.unwrap();
            let session = Uuid::parse_str(&c.session_id().unwrap()).unwrap();
            let p = plan::run(&c.client, &who, &req, session).await.unwrap();
            (session, who, p)
        };

        let (_, seq) = c.begin_lookup();
        let (session, who, p) = answer().await;
        c.end_customer();
        let e = c
            .accept(session, seq, req.clone(), Ok((who, p)))
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Stale);
        assert!(!c.has_patient_data());

        c.new_customer();
        let (_, older) = c.begin_lookup();
        let (session, who, p) = answer().await;
        let (_, newer) = c.begin_lookup();
        let e = c
            .accept(session, older, req.clone(), Ok((who.clone(), p.clone())))
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Stale);
        assert!(!c.has_patient_data());
        // The newest one is kept.
        let kept = c.accept(session, newer, req.clone(), Ok((who, p))).unwrap();
        assert_eq!(c.shown_list().map(|(s, _)| s), Some(kept.lookup_seq));
    }

    #[tokio::test]
    async fn a_lookup_fails_closed_when_the_log_cannot_be_written() {
        // No access without a log row: a full log and a read-only one each stop the lookup
        // with their cause, and nothing is shown.
        let sim = sim().await;
        for (setup, cause) in [
            ("full", "disken är full"),
            ("PRAGMA query_only = 1", "skrivskyddad"),
        ] {
            let (c, log) = counter(&sim, "farmaceut");
            c.new_customer();
            if setup == "full" {
                // SQLite keeps the file at its present size (the limit is raised to it).
                log.execute_raw("PRAGMA max_page_count = 1").unwrap();
                let filler = crate::access_log::NewEntry::logout(
                    crate::access_log::Actor {
                        user: "u",
                        role: "",
                    },
                    crate::access_log::Mode::Training,
                );
                while log.append(&filler).is_ok() {}
            } else {
                log.execute_raw(setup).unwrap();
            }
            let e = c
                .lookup(LookupRequest::new(&pnr(&sim, "vuxen"), Flow::Expediering))
                .await
                .unwrap_err();
            assert_eq!(e.code, crate::ErrorCode::AccessLog, "{setup}");
            assert!(e.message.contains(cause), "{setup}: {}", e.message);
            assert_eq!(c.shown_list(), None, "{setup}: nothing is shown");
        }
    }

    #[tokio::test]
    async fn a_consented_reason_comes_back_and_the_list_stays() {
        let sim = sim().await;
        let (c, log) = counter(&sim, "farmaceut");
        let session = c.new_customer();
        let r = c
            .lookup(LookupRequest::new(&pnr(&sim, "vuxen"), Flow::Expediering))
            .await
            .unwrap();
        let rx = withheld(&r)
            .into_iter()
            .find(|id| truth(&sim, "vuxen", id).1.is_none())
            .expect("an unlocked prescription with a withheld reason");
        let before = c.shown_list();
        let got = c
            .treatment_reason(&ask(
                r.lookup_seq,
                &rx,
                Flow::ExpedieringBehandlingsorsak,
                true,
            ))
            .await
            .unwrap();
        let text = truth(&sim, "vuxen", &rx).0.expect("the sim has a reason");
        assert_eq!(got.reason, TreatmentReason::Shown { text });
        assert_eq!(got.session_id, session);
        assert_eq!(got.lookup_seq, r.lookup_seq);
        assert_eq!(c.shown_list(), before, "the shown list is not replaced");
        assert_eq!(before.map(|(seq, _)| seq), Some(r.lookup_seq));

        // The read is in the access log under the variant, with the request id returned.
        let rows = log.query(&LogFilter::default()).unwrap();
        let row = rows
            .iter()
            .find(|l| l.entry.request_id == got.request_id)
            .expect("a log row for the MedicationRequest read");
        assert_eq!(row.entry.flow, "expediering-behandlingsorsak");
        assert_eq!(row.entry.access, "TILLFALLIGT_SAMTYCKE_BEHANDLINGSORSAK");
        assert_eq!(row.entry.resource.as_deref(), Some("medication-request"));
        assert_eq!(row.entry.patient_ref, r.patient_ref);
        assert_eq!(row.entry.context_id, session);
        // Only the prescription asked about was read.
        let last = sim.requests().into_iter().last().unwrap();
        assert_eq!(last.path, "/fhir/MedicationRequest");
        assert!(last.query.unwrap().contains(&format!("_id={rx}")));
    }

    #[tokio::test]
    async fn without_consent_nothing_is_sent_and_the_denial_is_logged() {
        let sim = sim().await;
        let (c, log) = counter(&sim, "farmaceut");
        c.new_customer();
        let r = c
            .lookup(LookupRequest::new(&pnr(&sim, "vuxen"), Flow::Expediering))
            .await
            .unwrap();
        let rx = withheld(&r)[0].clone();
        let sent = nll_requests(&sim);
        let e = c
            .treatment_reason(&ask(
                r.lookup_seq,
                &rx,
                Flow::ExpedieringBehandlingsorsak,
                false,
            ))
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::PolicyDenied);
        assert_eq!(e.denial_rule, Some(DenialRule::ConsentMissing));
        assert_eq!(nll_requests(&sim), sent, "nothing sent");
        let rows = log.query(&LogFilter::default()).unwrap();
        assert!(rows.iter().any(|l| l.entry.kind == crate::EntryKind::Denial
            && l.entry.flow == "expediering-behandlingsorsak"
            && l.entry.outcome == "denied: consent-missing"));
        assert!(c.has_patient_data(), "a refusal leaves the list shown");
    }

    #[tokio::test]
    async fn a_locked_reason_needs_the_locked_variant() {
        let sim = sim().await;
        let (c, _) = counter(&sim, "farmaceut");
        c.new_customer();
        let key = "integritetsspärr";
        let r = c
            .lookup(LookupRequest::new(&pnr(&sim, key), Flow::Expediering))
            .await
            .unwrap();
        let rx = withheld(&r)
            .into_iter()
            .find(|id| truth(&sim, key, id).1 == Some(LockContent::TreatmentReasonOnly))
            .expect("a prescription whose reason only is locked");
        let ordinary = c
            .treatment_reason(&ask(
                r.lookup_seq,
                &rx,
                Flow::ExpedieringBehandlingsorsak,
                true,
            ))
            .await
            .unwrap();
        assert!(
            matches!(ordinary.reason, TreatmentReason::Withheld { .. }),
            "{ordinary:?}"
        );
        let locked = c
            .treatment_reason(&ask(
                r.lookup_seq,
                &rx,
                Flow::ExpedieringSparradBehandlingsorsak,
                true,
            ))
            .await
            .unwrap();
        let text = truth(&sim, key, &rx).0.expect("reason");
        assert_eq!(locked.reason, TreatmentReason::Shown { text });
    }

    #[tokio::test]
    async fn the_child_variant_needs_a_patient_under_18_and_no_consent() {
        let sim = sim().await;
        let (c, _) = counter(&sim, "farmaceut");
        c.new_customer();
        let r = c
            .lookup(LookupRequest::new(
                &pnr(&sim, "ungdom-15"),
                Flow::Expediering,
            ))
            .await
            .unwrap();
        let rx = withheld(&r)
            .into_iter()
            .find(|id| truth(&sim, "ungdom-15", id).1.is_none())
            .expect("an unlocked prescription");
        let got = c
            .treatment_reason(&ask(
                r.lookup_seq,
                &rx,
                Flow::ExpedieringBarnBehandlingsorsak,
                false,
            ))
            .await
            .unwrap();
        assert!(
            matches!(got.reason, TreatmentReason::Shown { .. }),
            "{got:?}"
        );

        // An adult: refused after the Patient lookup, before the prescription is read.
        c.new_customer();
        let r = c
            .lookup(LookupRequest::new(&pnr(&sim, "vuxen"), Flow::Expediering))
            .await
            .unwrap();
        sim.clear_requests();
        let e = c
            .treatment_reason(&ask(
                r.lookup_seq,
                &withheld(&r)[0],
                Flow::ExpedieringBarnBehandlingsorsak,
                false,
            ))
            .await
            .unwrap_err();
        assert_eq!(e.denial_rule, Some(DenialRule::PatientTooOld));
        let paths: Vec<String> = sim.requests().into_iter().map(|q| q.path).collect();
        assert_eq!(paths, ["/fhir/Patient"]);
    }

    #[tokio::test]
    async fn only_the_shown_list_and_its_own_variants() {
        let sim = sim().await;
        let (c, _) = counter(&sim, "farmaceut");
        // Nothing shown yet.
        let e = c
            .treatment_reason(&ask(1, "x", Flow::ExpedieringBehandlingsorsak, true))
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Stale);

        c.new_customer();
        let r = c
            .lookup(LookupRequest::new(&pnr(&sim, "vuxen"), Flow::Expediering))
            .await
            .unwrap();
        let rx = withheld(&r)[0].clone();
        let sent = nll_requests(&sim);
        for flow in [Flow::Expediering, Flow::Lakemedelsstod, Flow::EgnaUppgifter] {
            let e = c
                .treatment_reason(&ask(r.lookup_seq, &rx, flow, true))
                .await
                .unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidInput, "{flow:?}");
        }
        let e = c
            .treatment_reason(&ask(
                r.lookup_seq,
                "not-in-the-list",
                Flow::ExpedieringBehandlingsorsak,
                true,
            ))
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput);
        let e = c
            .treatment_reason(&ask(
                r.lookup_seq + 1,
                &rx,
                Flow::ExpedieringBehandlingsorsak,
                true,
            ))
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Stale);
        assert!(
            e.message.contains("sök fram patienten igen"),
            "{}",
            e.message
        );
        assert_eq!(nll_requests(&sim), sent, "nothing sent");

        // A variant of another flow than the one shown: Läkemedelsstöd has none that reads one
        // prescription, so its list cannot ask for a reason.
        let mut req = LookupRequest::new(&pnr(&sim, "vuxen"), Flow::Lakemedelsstod);
        req.consent = true;
        let l = c.lookup(req).await.unwrap();
        let any = l.list.list.prescriptions[0].id.clone();
        let e = c
            .treatment_reason(&ask(
                l.lookup_seq,
                &any,
                Flow::ExpedieringBehandlingsorsak,
                true,
            ))
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput);

        // The earlier list's seq after a new lookup; then an ended customer.
        let e = c
            .treatment_reason(&ask(
                r.lookup_seq,
                &rx,
                Flow::ExpedieringBehandlingsorsak,
                true,
            ))
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Stale);
        c.end_customer();
        let e = c
            .treatment_reason(&ask(
                l.lookup_seq,
                &any,
                Flow::ExpedieringBehandlingsorsak,
                true,
            ))
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Stale);
    }
}
