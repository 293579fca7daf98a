//! The central schema, created and migrated by `nllc review init-db` (run by the database's
//! owner, never by a counter). Each migration runs once, in order, in one transaction, and is
//! recorded in `receptdisk_schema`; two runs at once wait for each other (an advisory lock).
//!
//! One table, `access_log`, partitioned by month on the row's time. Least privilege:
//! `receptdisk_counter` may only INSERT, `receptdisk_reviewer` may only SELECT, and nobody may
//! UPDATE or DELETE — not granted to anyone, and a trigger refuses it as well (so an owner or a
//! superuser must first switch the trigger off, which leaves a trace in the server's log).

use anyhow::Context;
use chrono::{Datelike, NaiveDate, Utc};
use tokio_postgres::Client;

/// The role every counter's login is a member of: INSERT only.
pub const COUNTER_ROLE: &str = "receptdisk_counter";
/// The role every reviewer's login is a member of: SELECT only.
pub const REVIEWER_ROLE: &str = "receptdisk_reviewer";

/// The migrations, in order. A released migration is never edited: add the next one.
pub const MIGRATIONS: &[(i32, &str, &str)] = &[(
    1,
    "central access log, partitioned by month; roles; no changes",
    r#"
CREATE TABLE access_log (
    id             uuid        NOT NULL,   -- the row's UUID (v7) from the counter
    time           timestamptz NOT NULL,   -- when the counter wrote it
    gln            text,                   -- the pharmacy (none when the counter had no GLN)
    workstation    text        NOT NULL,
    seq            bigint      NOT NULL,   -- the row's number in the workstation's local log
    app_version    text,
    schema_version integer     NOT NULL,   -- of the local log the row came from
    kind           text        NOT NULL,
    user_id        text        NOT NULL,
    role           text        NOT NULL,
    flow           text        NOT NULL,
    purpose        text        NOT NULL,
    access         text        NOT NULL,
    resource       text,
    patient_ref    text,
    patient_key    bytea,                  -- HMAC-SHA-256 of the personnummer, chain key
    protected      boolean,
    request_id     text,
    context_id     text        NOT NULL,
    outcome        text        NOT NULL,
    http_status    integer,
    nll_code       text,
    field_key      text,
    mode           text,                   -- login, logout: live or training
    printer        text,                   -- printout: the printer (none: saved to a file)
    pages          integer,
    copies         integer,
    masked         boolean,
    detail         text,
    prev_hash      bytea,
    hash           bytea       NOT NULL,
    received_at    timestamptz NOT NULL DEFAULT now(),
    received_by    text        NOT NULL DEFAULT session_user,
    PRIMARY KEY (id, time)
) PARTITION BY RANGE (time);
CREATE TABLE access_log_default PARTITION OF access_log DEFAULT;

-- The rules' ways in: a workstation's chain, a user's days, a patient's history, the rare kinds.
CREATE INDEX access_log_chain ON access_log (gln, workstation, seq);
CREATE INDEX access_log_user ON access_log (user_id, time);
CREATE INDEX access_log_patient ON access_log (patient_ref, time) WHERE patient_ref IS NOT NULL;
CREATE INDEX access_log_patient_key ON access_log (patient_key) WHERE patient_key IS NOT NULL;
CREATE INDEX access_log_notable ON access_log (time)
    WHERE protected OR kind IN ('reveal', 'printout', 'denial') OR http_status IN (403, 422);

-- Who sent a row and when it arrived is the server's word, not the counter's.
CREATE FUNCTION access_log_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.received_at := now();
    NEW.received_by := session_user;
    RETURN NEW;
END $$;
CREATE TRIGGER access_log_stamp BEFORE INSERT ON access_log
    FOR EACH ROW EXECUTE FUNCTION access_log_stamp();

CREATE FUNCTION access_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'kedjans åtkomstlogg går bara att lägga till i (% nekad)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log
    FOR EACH ROW EXECUTE FUNCTION access_log_refuse_change();

-- A month's partition; init-db makes them ahead of time, rows outside go to the default one.
CREATE FUNCTION access_log_month(first date) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    m date := date_trunc('month', first)::date;
    name text := format('access_log_%s', to_char(m, 'YYYY_MM'));
BEGIN
    IF to_regclass(name) IS NULL THEN
        EXECUTE format('CREATE TABLE %I PARTITION OF access_log FOR VALUES FROM (%L) TO (%L)',
                       name, m::timestamptz, (m + interval '1 month')::timestamptz);
    END IF;
END $$;

DO $$ BEGIN
    CREATE ROLE receptdisk_counter NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
DO $$ BEGIN
    CREATE ROLE receptdisk_reviewer NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
REVOKE ALL ON access_log FROM PUBLIC;
GRANT INSERT ON access_log TO receptdisk_counter;
GRANT SELECT ON access_log TO receptdisk_reviewer;
"#,
)];

/// What `init_db` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitReport {
    pub applied: Vec<i32>,
    pub version: i32,
    pub months: u32,
}

/// Creates or migrates the schema, then makes sure the monthly partitions exist from
/// `months_back` months ago to `months_ahead` months from now. Safe to run again (monthly, say).
pub async fn init_db(
    db: &mut Client,
    months_back: u32,
    months_ahead: u32,
) -> anyhow::Result<InitReport> {
    let tx = db.transaction().await?;
    // One init-db at a time; the lock ends with the transaction.
    tx.execute("SELECT pg_advisory_xact_lock(7350012345013)", &[])
        .await?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS receptdisk_schema (
             version integer PRIMARY KEY,
             name text NOT NULL,
             applied_at timestamptz NOT NULL DEFAULT now())",
    )
    .await?;
    let done: Vec<i32> = tx
        .query("SELECT version FROM receptdisk_schema", &[])
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut applied = Vec::new();
    for (version, name, sql) in MIGRATIONS {
        if done.contains(version) {
            continue;
        }
        tx.batch_execute(sql)
            .await
            .with_context(|| format!("migrering {version} ({name}) misslyckades"))?;
        tx.execute(
            "INSERT INTO receptdisk_schema (version, name) VALUES ($1, $2)",
            &[version, name],
        )
        .await?;
        applied.push(*version);
    }
    let today = Utc::now().date_naive();
    let first = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).expect("first of month");
    let mut months = 0;
    for k in -(months_back as i32)..=(months_ahead as i32) {
        let m = add_months(first, k);
        tx.execute("SELECT access_log_month($1)", &[&m]).await?;
        months += 1;
    }
    tx.commit().await?;
    Ok(InitReport {
        applied,
        version: MIGRATIONS.last().map(|m| m.0).unwrap_or(0),
        months,
    })
}

/// The first of the month `k` months after `first`.
pub fn add_months(first: NaiveDate, k: i32) -> NaiveDate {
    let n = first.year() * 12 + first.month0() as i32 + k;
    NaiveDate::from_ymd_opt(n.div_euclid(12), n.rem_euclid(12) as u32 + 1, 1).expect("month")
}

/// A login for one counter (INSERT only) or one reviewer (SELECT only). Names are checked
/// here, since they go into DDL.
pub async fn create_login(
    db: &Client,
    login: &str,
    password: &str,
    role: &str,
) -> anyhow::Result<()> {
    anyhow::ensure!(
        !login.is_empty()
            && login
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
        "inloggningen {login:?} får bara ha a–z, 0–9 och _"
    );
    anyhow::ensure!(
        role == COUNTER_ROLE || role == REVIEWER_ROLE,
        "okänd roll {role}"
    );
    let quoted_pw = password.replace('\'', "''");
    db.batch_execute(&format!(
        "CREATE ROLE {login} LOGIN PASSWORD '{quoted_pw}' IN ROLE {role}"
    ))
    .await
    .with_context(|| format!("inloggningen {login} kunde inte skapas"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_roll_over_years() {
        let d = |y, m| NaiveDate::from_ymd_opt(y, m, 1).unwrap();
        assert_eq!(add_months(d(2026, 12), 1), d(2027, 1));
        assert_eq!(add_months(d(2026, 1), -1), d(2025, 12));
        assert_eq!(add_months(d(2026, 3), -27), d(2023, 12));
        assert_eq!(add_months(d(2026, 3), 0), d(2026, 3));
    }
}
