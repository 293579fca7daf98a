//! The counter's access log forwarded to the chain's central log in the background
//! (`[access_log.central]`, live mode only): every `interval_s` seconds, the rows the central log
//! has not acknowledged go in batches (`review::push`, the same as `nllc log push`). It never
//! stands in the counter's way: a database that is down, a network that is gone or a keyring
//! without the password only leaves the rows waiting in the local log, and *Logg* says how far
//! the central log has got, how old the oldest waiting row is and what the last attempt met.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use nll_client::{AccessLog, CentralLogConfig, SecretStore};
use serde::Serialize;
use ts_rs::TS;

/// What *Logg* shows about the central log.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CentralStatus {
    /// `[access_log.central]` is configured (and the app is in live mode).
    pub configured: bool,
    /// The chain's log: `host/dbname`.
    pub target: Option<String>,
    /// The last local row the central log acknowledged (0: none yet).
    #[ts(type = "number")]
    pub acknowledged: i64,
    /// Rows waiting to be sent.
    #[ts(type = "number")]
    pub waiting: u64,
    /// The oldest waiting row's time (RFC 3339).
    pub oldest_waiting: Option<String>,
    /// When the last attempt ended (RFC 3339), and what it met if it failed.
    pub last_attempt: Option<String>,
    pub last_error: Option<String>,
}

/// The background forwarder and what its last attempt met.
pub struct Forwarder {
    cfg: CentralLogConfig,
    last: Mutex<(Option<DateTime<Utc>>, Option<String>)>,
}

impl Forwarder {
    /// Starts forwarding `log` to `cfg` now and every `interval_s` seconds (at least 5).
    pub fn start(
        log: Arc<AccessLog>,
        cfg: CentralLogConfig,
        secrets: Arc<dyn SecretStore>,
    ) -> Arc<Forwarder> {
        let forwarder = Arc::new(Forwarder {
            cfg,
            last: Mutex::new((None, None)),
        });
        let f = forwarder.clone();
        tauri::async_runtime::spawn(async move {
            let every = Duration::from_secs(f.cfg.interval_s.max(5));
            loop {
                f.push_once(&log, secrets.as_ref()).await;
                tokio::time::sleep(every).await;
            }
        });
        forwarder
    }

    /// One attempt: what `nllc log push` does, remembered for *Logg*.
    pub async fn push_once(&self, log: &AccessLog, secrets: &dyn SecretStore) {
        let outcome = review::push::push_to(log, &self.cfg, secrets).await;
        let error = outcome.err().map(|e| {
            format!("Kedjans logg nåddes inte: {e:#}. Raderna väntar kvar lokalt och skickas vid nästa försök.")
        });
        if let Some(e) = &error {
            eprintln!("receptdisk: {e}");
        }
        *crate::state::lock(&self.last) = (Some(Utc::now()), error);
    }

    /// How far the central log has got with `log`.
    pub fn status(&self, log: &AccessLog) -> CentralStatus {
        let (last_attempt, last_error) = crate::state::lock(&self.last).clone();
        let (acknowledged, waiting, oldest_waiting, read_error) = match review::push::status(log) {
            Ok(s) => (s.acknowledged, s.waiting, s.oldest_waiting, None),
            Err(e) => (0, 0, None, Some(format!("{e:#}"))),
        };
        let time = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
        CentralStatus {
            configured: true,
            target: Some(format!("{}/{}", self.cfg.host, self.cfg.dbname)),
            acknowledged,
            waiting,
            oldest_waiting: oldest_waiting.map(time),
            last_attempt: last_attempt.map(time),
            last_error: last_error.or(read_error),
        }
    }
}

#[cfg(test)]
mod tests {
    //! Against the throwaway PostgreSQL of `make test` (RECEPTDISK_TEST_PG).
    use super::*;
    use nll_client::{Actor, NewEntry};
    use review::schema::COUNTER_ROLE;
    use review::testdb::TestPg;

    fn rows(log: &AccessLog, n: usize) {
        let who = Actor {
            user: "SE2321000016-F001",
            role: "FARMACEUT",
        };
        for _ in 0..n {
            log.append(&NewEntry::logout(who, nll_client::Mode::Live))
                .unwrap();
        }
    }

    #[tokio::test]
    async fn rows_wait_while_the_database_is_away_and_arrive_once_it_is_back() {
        let pg = TestPg::shared();
        let (name, owner) = pg.fresh_schema("app").await;
        let (login, pw) = pg.new_login(&owner, "kassa", COUNTER_ROLE).await;
        let (cfg, secrets) = pg.login(&name, &login, &pw);
        let path = std::env::temp_dir()
            .join(format!("receptdisk-central-{}", uuid::Uuid::new_v4()))
            .join("access-log.sqlite3");
        let log = AccessLog::open(&path).unwrap();
        rows(&log, 3);

        // A port nothing listens on: the attempt fails, says so, and the rows wait.
        let closed = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let away = Forwarder {
            cfg: CentralLogConfig {
                port: closed,
                ..cfg.clone()
            },
            last: Mutex::new((None, None)),
        };
        away.push_once(&log, &secrets).await;
        let s = away.status(&log);
        assert_eq!((s.acknowledged, s.waiting), (0, 3));
        assert!(s.oldest_waiting.is_some());
        assert!(
            s.last_error
                .as_deref()
                .unwrap()
                .contains("väntar kvar lokalt"),
            "{s:?}"
        );

        let back = Forwarder {
            cfg,
            last: Mutex::new((None, None)),
        };
        back.push_once(&log, &secrets).await;
        rows(&log, 2);
        let s = back.status(&log);
        assert_eq!((s.acknowledged, s.waiting, s.last_error), (3, 2, None));
        back.push_once(&log, &secrets).await;
        let s = back.status(&log);
        assert_eq!((s.acknowledged, s.waiting, s.oldest_waiting), (5, 0, None));
        let central: i64 = pg
            .connect_admin(&name)
            .await
            .query_one("SELECT count(*) FROM access_log", &[])
            .await
            .unwrap()
            .get(0);
        assert_eq!(central, 5);
        let _ = std::fs::remove_dir_all(path.parent().unwrap());
    }
}
