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

use std::sync::{Arc, Mutex};

use nll::masking;
use nll::policy::RequestContext;
use nll::view::{MaskedFieldKind, MaskedList, MedicationList};
use serde::Serialize;
use tokio::sync::watch;
use ts_rs::TS;
use uuid::Uuid;

use crate::access_log::{EntryKind, NewEntry};
use crate::client::{NllClient, UserInfo};
use crate::error::ClientError;
use crate::nll_api::{flow_name, role_code};
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
    /// The list, masked when the patient has protected personal data.
    pub list: MaskedList,
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

struct Current {
    session: Uuid,
    seq: u64,
    patient_ref: Option<String>,
    list: MedicationList,
    masked: MaskedList,
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

    /// Is there a list in memory (for tests of "end customer clears everything")?
    pub fn has_patient_data(&self) -> bool {
        self.lock().current.is_some()
    }

    /// Looks a patient up in the current session (one is started if there is none).
    pub async fn lookup(&self, req: LookupRequest) -> Result<LookupResult, ClientError> {
        let (session, seq) = {
            let mut s = self.lock();
            let session = *s.session.get_or_insert_with(Uuid::new_v4);
            s.seq += 1;
            s.current = None;
            self.latest.send_replace(s.seq);
            (session, s.seq)
        };
        let mut latest = self.latest.subscribe();
        let superseded = async move {
            loop {
                if *latest.borrow_and_update() != seq {
                    return;
                }
                if latest.changed().await.is_err() {
                    std::future::pending::<()>().await;
                }
            }
        };
        let work = async {
            let who = self.client.user_info().await?;
            let planned = plan::run(&self.client, &who, &req, session).await?;
            Ok::<_, ClientError>((who, planned))
        };
        let outcome = tokio::select! {
            r = work => r,
            _ = superseded => return Err(ClientError::cancelled()),
        };
        let mut s = self.lock();
        if s.seq != seq || s.session != Some(session) {
            return Err(ClientError::stale());
        }
        let (who, p) = outcome?;
        let result = LookupResult {
            session_id: session.hyphenated().to_string(),
            lookup_seq: seq,
            patient_ref: p.patient_ref.clone(),
            list: p.masked.clone(),
            context: p.context.clone(),
            user: who.clone(),
            round_trips: p.round_trips,
            requests: p.requests,
            elapsed_ms: p.elapsed_ms,
        };
        s.current = Some(Current {
            session,
            seq,
            patient_ref: p.patient_ref,
            list: p.list,
            masked: p.masked,
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
        let (kind, value) =
            masking::reveal(&c.list, key).ok_or_else(ClientError::nothing_to_reveal)?;
        self.client.log.append(&NewEntry {
            kind: EntryKind::Reveal,
            user: c.who.user.clone(),
            role: role_code(c.who.role),
            flow: flow_name(c.context.flow),
            purpose: c.context.purpose_code.clone(),
            access: c.context.access_code.clone(),
            resource: Some(
                serde_json::to_value(field.kind)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
            ),
            patient_ref: c.patient_ref.clone(),
            protected: Some(c.masked.masked),
            request_id: None,
            context_id: c.session.hyphenated().to_string(),
            outcome: "revealed".into(),
            http_status: None,
            nll_code: None,
            field_key: Some(key.to_string()),
        })?;
        Ok(Revealed {
            session_id: c.session.hyphenated().to_string(),
            key: key.to_string(),
            kind,
            value,
        })
    }
}
