//! The access review: rules as data (`rules.toml`, overridable in the chain's review
//! configuration), each finding naming its rule, severity, user, pharmacy and the rows behind it.
//! Most of the work is done by PostgreSQL in a few passes over the period; what needs a
//! comparison with peers or a sliding window is done here on the aggregates.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

use anyhow::{anyhow, Context};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use nll_client::CentralLogConfig;
use serde::{Deserialize, Serialize};
use tokio_postgres::types::ToSql;
use tokio_postgres::Client;
use uuid::Uuid;

use crate::staff::StaffList;

/// The built-in rules; a chain's file overrides them key by key.
pub const DEFAULT_RULES: &str = include_str!("../rules.toml");

/// The most rows a finding lists (the count says how many there were).
pub const MAX_ROWS_PER_FINDING: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Severity {
    #[serde(rename = "hög")]
    High,
    #[serde(rename = "medel")]
    Medium,
    #[serde(rename = "låg")]
    Low,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::High => "hög",
            Severity::Medium => "medel",
            Severity::Low => "låg",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct RuleConfig {
    pub title: String,
    pub severity: Severity,
    pub explanation: String,
    #[serde(default = "yes")]
    pub enabled: bool,
    /// The rule's thresholds.
    #[serde(flatten)]
    pub params: BTreeMap<String, toml::Value>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
pub struct SampleConfig {
    pub per_user: u32,
    pub seed: String,
}

/// The review configuration (`nllc review --config granskning.toml`): the database, the rules.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewConfig {
    /// The reviewer's connection (a login in `receptdisk_reviewer`).
    #[serde(default)]
    pub database: Option<CentralLogConfig>,
    pub time_zone: String,
    /// `personnummer;HSA-id` per line, hashed here with the chain's key.
    #[serde(default)]
    pub staff_list: Option<PathBuf>,
    /// Keyring account of the chain's patient key.
    #[serde(default)]
    pub chain_key_keyring: Option<String>,
    pub sample: SampleConfig,
    #[serde(default)]
    pub opening_hours: BTreeMap<String, String>,
    pub rules: BTreeMap<String, RuleConfig>,
}

/// Every rule the review knows, with its thresholds' names.
pub const RULES: &[(&str, &[&str])] = &[
    ("skyddad_patient", &[]),
    ("visning", &[]),
    ("utskrift_skyddad", &[]),
    ("utskrift_ombud", &[]),
    ("manga_uppslag", &["factor", "min_lookups"]),
    ("utanfor_oppettider", &["opens", "closes", "min_count"]),
    ("atervander", &["min_days"]),
    ("manga_apotek", &["min_pharmacies", "window_days"]),
    ("upprepade_nekanden", &["min_count"]),
    (
        "samtycke_ofta",
        &["factor", "min_share", "min_count", "consent_access"],
    ),
    ("lucka_i_kedjan", &[]),
    ("kollega", &[]),
    ("egen_uppgift", &[]),
];

fn merge(base: &mut toml::Value, over: toml::Value) {
    match (base, over) {
        (toml::Value::Table(b), toml::Value::Table(o)) => {
            for (k, v) in o {
                match b.get_mut(&k) {
                    Some(slot) => merge(slot, v),
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (slot, v) => *slot = v,
    }
}

impl ReviewConfig {
    /// The built-in rules with `text` (a chain's file) laid over them; paths relative to `dir`.
    pub fn from_toml(text: &str, dir: &std::path::Path) -> anyhow::Result<ReviewConfig> {
        let mut v: toml::Value = toml::from_str(DEFAULT_RULES).expect("rules.toml");
        let over: toml::Value =
            toml::from_str(text).map_err(|e| anyhow!("granskningens inställningar: {e}"))?;
        merge(&mut v, over);
        let mut cfg: ReviewConfig = v
            .try_into()
            .map_err(|e| anyhow!("granskningens inställningar: {e}"))?;
        if let Some(p) = &mut cfg.staff_list {
            if p.is_relative() {
                *p = dir.join(&*p);
            }
        }
        if let Some(db) = &mut cfg.database {
            db.resolve_paths(dir);
        }
        cfg.validate()?;
        Ok(cfg)
    }

    pub fn load(path: &std::path::Path) -> anyhow::Result<ReviewConfig> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("{} kunde inte läsas", path.display()))?;
        ReviewConfig::from_toml(&text, path.parent().unwrap_or(std::path::Path::new(".")))
    }

    pub fn builtin() -> ReviewConfig {
        ReviewConfig::from_toml("", std::path::Path::new(".")).expect("built-in rules")
    }

    fn validate(&self) -> anyhow::Result<()> {
        for (id, rule) in &self.rules {
            let known = RULES
                .iter()
                .find(|(r, _)| r == id)
                .ok_or_else(|| anyhow!("rules.{id}: ingen sådan regel (kända: {})", rule_ids()))?;
            for k in rule.params.keys() {
                if !known.1.contains(&k.as_str()) {
                    return Err(anyhow!(
                        "rules.{id}.{k}: okänd inställning (regeln har: {})",
                        if known.1.is_empty() {
                            "inga trösklar".to_string()
                        } else {
                            known.1.join(", ")
                        }
                    ));
                }
            }
            for k in known.1 {
                if !rule.params.contains_key(*k) {
                    return Err(anyhow!("rules.{id}.{k} saknas"));
                }
            }
        }
        self.opening_hours()?;
        self.hours_of("utanfor_oppettider")?;
        Ok(())
    }

    pub fn rule(&self, id: &str) -> &RuleConfig {
        &self.rules[id]
    }

    fn on(&self, id: &str) -> bool {
        self.rules.get(id).is_some_and(|r| r.enabled)
    }

    fn num(&self, id: &str, key: &str) -> anyhow::Result<f64> {
        match self.rule(id).params.get(key) {
            Some(toml::Value::Integer(i)) => Ok(*i as f64),
            Some(toml::Value::Float(f)) => Ok(*f),
            _ => Err(anyhow!("rules.{id}.{key}: ange ett tal")),
        }
    }

    fn text(&self, id: &str, key: &str) -> anyhow::Result<String> {
        match self.rule(id).params.get(key) {
            Some(toml::Value::String(s)) => Ok(s.clone()),
            _ => Err(anyhow!("rules.{id}.{key}: ange en text")),
        }
    }

    fn texts(&self, id: &str, key: &str) -> anyhow::Result<Vec<String>> {
        match self.rule(id).params.get(key) {
            Some(toml::Value::Array(a)) => a
                .iter()
                .map(|v| v.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| anyhow!("rules.{id}.{key}: ange en lista med texter")),
            _ => Err(anyhow!("rules.{id}.{key}: ange en lista med texter")),
        }
    }

    fn hours_of(&self, id: &str) -> anyhow::Result<(NaiveTime, NaiveTime)> {
        let t = |k| {
            let s = self.text(id, k)?;
            NaiveTime::parse_from_str(&s, "%H:%M")
                .map_err(|_| anyhow!("rules.{id}.{k}: {s:?} är ingen tid, skriv TT:MM"))
        };
        Ok((t("opens")?, t("closes")?))
    }

    /// Each pharmacy's own hours: GLN → (opens, closes).
    pub fn opening_hours(&self) -> anyhow::Result<Vec<(String, NaiveTime, NaiveTime)>> {
        self.opening_hours
            .iter()
            .map(|(gln, span)| {
                let bad = || anyhow!("opening_hours.{gln}: {span:?}, skriv \"TT:MM-TT:MM\"");
                let (a, b) = span.split_once('-').ok_or_else(bad)?;
                let p = |s: &str| NaiveTime::parse_from_str(s.trim(), "%H:%M").map_err(|_| bad());
                Ok((gln.clone(), p(a)?, p(b)?))
            })
            .collect()
    }
}

fn rule_ids() -> String {
    RULES.iter().map(|r| r.0).collect::<Vec<_>>().join(", ")
}

/// What is reviewed: local days `from` through `through`, the whole chain or one pharmacy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub through: NaiveDate,
    pub gln: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    pub user: Option<String>,
    pub gln: Option<String>,
    pub day: Option<NaiveDate>,
    pub patient_ref: Option<String>,
    /// What was found, in Swedish, with its numbers.
    pub what: String,
    /// How many rows are behind it (`rows` lists at most [`MAX_ROWS_PER_FINDING`]).
    pub row_count: usize,
    pub rows: Vec<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SampleItem {
    pub user: String,
    pub id: Uuid,
    pub time: DateTime<Utc>,
    pub gln: Option<String>,
    pub flow: String,
    pub patient_ref: Option<String>,
}

/// Lookups per pharmacy and local day (the report's charts).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayCount {
    pub gln: Option<String>,
    pub day: NaiveDate,
    pub lookups: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Review {
    pub period_from: NaiveDate,
    pub period_through: NaiveDate,
    pub gln: Option<String>,
    pub rows: i64,
    pub lookups: i64,
    pub users: usize,
    pub days: Vec<DayCount>,
    pub findings: Vec<Finding>,
    pub sample: Vec<SampleItem>,
    /// How the sample was drawn, in Swedish.
    pub sample_how: String,
    /// Rules that could not run, and why (e.g. no staff list).
    pub not_run: Vec<(String, String)>,
}

/// Every query gets the period's four parameters; `$4::text` names the time zone's type for the
/// queries that do not use it otherwise.
const PERIOD: &str =
    "time >= $1 AND time < $2 AND ($3::text IS NULL OR gln = $3) AND $4::text IS NOT NULL";
const LOOKUP: &str = "kind = 'request' AND resource = 'patient'";

struct Ctx<'a> {
    db: &'a Client,
    cfg: &'a ReviewConfig,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    gln: Option<String>,
    tz: String,
}

impl Ctx<'_> {
    /// Runs `sql` with the period's parameters first ($1 start, $2 end, $3 pharmacy, $4 zone).
    async fn query(
        &self,
        sql: &str,
        more: &[&(dyn ToSql + Sync)],
    ) -> anyhow::Result<Vec<tokio_postgres::Row>> {
        let mut p: Vec<&(dyn ToSql + Sync)> = vec![&self.start, &self.end, &self.gln, &self.tz];
        p.extend_from_slice(more);
        self.db
            .query(sql, &p)
            .await
            .with_context(|| format!("granskningens fråga misslyckades: {}", first_line(sql)))
    }

    /// The rows of one user on one local day (or the whole period) matching `pred`.
    async fn rows_of(
        &self,
        user: &str,
        day: Option<NaiveDate>,
        pred: &str,
    ) -> anyhow::Result<(usize, Vec<Uuid>)> {
        let sql = format!(
            "SELECT id FROM access_log WHERE {PERIOD} AND user_id = $5
               AND ($6::date IS NULL OR (time AT TIME ZONE $4)::date = $6) AND ({pred})
             ORDER BY time"
        );
        let ids: Vec<Uuid> = self
            .query(&sql, &[&user, &day])
            .await?
            .iter()
            .map(|r| r.get(0))
            .collect();
        Ok(capped(ids))
    }

    fn finding(&self, rule: &str, what: String) -> Finding {
        Finding {
            rule: rule.to_string(),
            severity: self.cfg.rule(rule).severity,
            user: None,
            gln: None,
            day: None,
            patient_ref: None,
            what,
            row_count: 0,
            rows: Vec::new(),
        }
    }
}

fn first_line(sql: &str) -> &str {
    sql.trim().lines().next().unwrap_or("")
}

fn capped(mut ids: Vec<Uuid>) -> (usize, Vec<Uuid>) {
    let n = ids.len();
    ids.truncate(MAX_ROWS_PER_FINDING);
    (n, ids)
}

fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    }
}

/// Runs every enabled rule over the period. `staff` is the keyed staff list, if the chain gave
/// one (else the staff rules are listed as not run).
pub async fn review(
    db: &Client,
    cfg: &ReviewConfig,
    period: &Period,
    staff: Option<&StaffList>,
) -> anyhow::Result<Review> {
    anyhow::ensure!(
        period.from <= period.through,
        "perioden börjar ({}) efter att den slutar ({})",
        period.from,
        period.through
    );
    let bounds = db
        .query_one(
            "SELECT ($1::date)::timestamp AT TIME ZONE $3, ($2::date + 1)::timestamp AT TIME ZONE $3",
            &[&period.from, &period.through, &cfg.time_zone],
        )
        .await
        .with_context(|| format!("tidszonen {:?} är okänd för databasen", cfg.time_zone))?;
    let cx = Ctx {
        db,
        cfg,
        start: bounds.get(0),
        end: bounds.get(1),
        gln: period.gln.clone(),
        tz: cfg.time_zone.clone(),
    };
    let mut findings = Vec::new();
    let mut not_run = Vec::new();

    let (days, rows, users) = user_days(&cx, &mut findings).await?;
    notable(&cx, &mut findings).await?;
    patients(&cx, &mut findings).await?;
    if cfg.on("lucka_i_kedjan") {
        chain_gaps(&cx, &mut findings).await?;
    }
    match staff {
        Some(s) => {
            staff_lookups(&cx, s, &mut findings).await?;
            // Rows from counters without the chain's key cannot be matched: say how many.
            let unkeyed: i64 = cx
                .query(
                    &format!(
                        "SELECT count(*) FROM access_log WHERE {PERIOD} AND patient_ref IS NOT NULL \
                         AND patient_key IS NULL AND kind IN ('request', 'reveal', 'printout')"
                    ),
                    &[],
                )
                .await?
                .first()
                .map_or(0, |r| r.get(0));
            if unkeyed > 0 {
                for id in ["kollega", "egen_uppgift"]
                    .into_iter()
                    .filter(|id| cfg.on(id))
                {
                    not_run.push((
                        id.to_string(),
                        format!(
                            "inte på {unkeyed} rader om patienter utan patientnyckel (kassor utan chain_key_keyring i [access_log])"
                        ),
                    ));
                }
            }
        }
        None => {
            for id in ["kollega", "egen_uppgift"] {
                if cfg.on(id) {
                    not_run.push((
                        id.to_string(),
                        "ingen personallista (staff_list och kedjans nyckel i nyckelringen)".into(),
                    ));
                }
            }
        }
    }
    let (sample, sample_how) = sample(&cx, period).await?;
    findings.sort_by(|a, b| {
        (a.severity, &a.rule, &a.gln, &a.user, a.day)
            .cmp(&(b.severity, &b.rule, &b.gln, &b.user, b.day))
    });
    let lookups = days.iter().map(|d| d.lookups).sum();
    Ok(Review {
        period_from: period.from,
        period_through: period.through,
        gln: period.gln.clone(),
        rows,
        lookups,
        users,
        days,
        findings,
        sample,
        sample_how,
        not_run,
    })
}

/// One pass over the period by user, pharmacy and day: the peer rules, opening hours, refusals.
async fn user_days(
    cx: &Ctx<'_>,
    out: &mut Vec<Finding>,
) -> anyhow::Result<(Vec<DayCount>, i64, usize)> {
    let cfg = cx.cfg;
    let (opens, closes) = cfg.hours_of("utanfor_oppettider")?;
    let own = cfg.opening_hours()?;
    let own_gln: Vec<String> = own.iter().map(|h| h.0.clone()).collect();
    let own_open: Vec<NaiveTime> = own.iter().map(|h| h.1).collect();
    let own_close: Vec<NaiveTime> = own.iter().map(|h| h.2).collect();
    let consent = cfg.texts("samtycke_ofta", "consent_access")?;
    let sql = format!(
        "SELECT user_id, gln, (time AT TIME ZONE $4)::date AS day, count(*),
           count(*) FILTER (WHERE {LOOKUP}),
           count(*) FILTER (WHERE kind = 'denial' OR http_status IN (403, 422)),
           count(*) FILTER (WHERE {LOOKUP} AND access = ANY($5)),
           count(*) FILTER (WHERE kind IN ('request', 'reveal', 'printout') AND NOT (
               (time AT TIME ZONE $4)::time >= coalesce(h.opens, $6)
               AND (time AT TIME ZONE $4)::time < coalesce(h.closes, $7)))
         FROM access_log
         LEFT JOIN unnest($8::text[], $9::time[], $10::time[]) AS h(gln, opens, closes) USING (gln)
         WHERE {PERIOD}
         GROUP BY 1, 2, 3"
    );
    let found = cx
        .query(
            &sql,
            &[&consent, &opens, &closes, &own_gln, &own_open, &own_close],
        )
        .await?;
    struct Ud {
        user: String,
        gln: Option<String>,
        day: NaiveDate,
        lookups: i64,
        refusals: i64,
        consent: i64,
        off_hours: i64,
    }
    let mut rows = 0i64;
    let uds: Vec<Ud> = found
        .iter()
        .map(|r| {
            rows += r.get::<_, i64>(3);
            Ud {
                user: r.get(0),
                gln: r.get(1),
                day: r.get(2),
                lookups: r.get(4),
                refusals: r.get(5),
                consent: r.get(6),
                off_hours: r.get(7),
            }
        })
        .collect();

    let mut per_day: BTreeMap<(Option<String>, NaiveDate), i64> = BTreeMap::new();
    for u in &uds {
        *per_day.entry((u.gln.clone(), u.day)).or_default() += u.lookups;
    }
    let days = per_day
        .into_iter()
        .map(|((gln, day), lookups)| DayCount { gln, day, lookups })
        .collect();
    let users = uds.iter().map(|u| &u.user).collect::<HashSet<_>>().len();

    if cfg.on("manga_uppslag") {
        let factor = cfg.num("manga_uppslag", "factor")?;
        let min = cfg.num("manga_uppslag", "min_lookups")?;
        let mut by_day: HashMap<NaiveDate, Vec<f64>> = HashMap::new();
        for u in uds.iter().filter(|u| u.lookups > 0) {
            by_day.entry(u.day).or_default().push(u.lookups as f64);
        }
        let medians: HashMap<NaiveDate, f64> =
            by_day.into_iter().map(|(d, v)| (d, median(v))).collect();
        for u in &uds {
            let m = medians.get(&u.day).copied().unwrap_or(0.0);
            let n = u.lookups as f64;
            if n >= min && n >= factor * m {
                let mut f = cx.finding(
                    "manga_uppslag",
                    format!(
                        "{} slagningar på en dag; mittvärdet för kedjans användare var {m:.0}",
                        u.lookups
                    ),
                );
                (f.row_count, f.rows) = cx.rows_of(&u.user, Some(u.day), LOOKUP).await?;
                (f.user, f.gln, f.day) = (Some(u.user.clone()), u.gln.clone(), Some(u.day));
                out.push(f);
            }
        }
    }
    if cfg.on("utanfor_oppettider") {
        let min = cfg.num("utanfor_oppettider", "min_count")? as i64;
        for u in uds.iter().filter(|u| u.off_hours >= min.max(1)) {
            let (o, c) = own
                .iter()
                .find(|h| Some(&h.0) == u.gln.as_ref())
                .map(|h| (h.1, h.2))
                .unwrap_or((opens, closes));
            let pred = format!(
                "kind IN ('request', 'reveal', 'printout') AND NOT ((time AT TIME ZONE $4)::time >= '{o}' AND (time AT TIME ZONE $4)::time < '{c}')"
            );
            let mut f = cx.finding(
                "utanfor_oppettider",
                format!(
                    "{} åtkomster utanför öppettiderna {}–{}",
                    u.off_hours,
                    o.format("%H:%M"),
                    c.format("%H:%M")
                ),
            );
            (f.row_count, f.rows) = cx.rows_of(&u.user, Some(u.day), &pred).await?;
            (f.user, f.gln, f.day) = (Some(u.user.clone()), u.gln.clone(), Some(u.day));
            out.push(f);
        }
    }
    if cfg.on("upprepade_nekanden") {
        let min = cfg.num("upprepade_nekanden", "min_count")? as i64;
        for u in uds.iter().filter(|u| u.refusals >= min) {
            let mut f = cx.finding(
                "upprepade_nekanden",
                format!("{} nekanden samma dag", u.refusals),
            );
            (f.row_count, f.rows) = cx
                .rows_of(
                    &u.user,
                    Some(u.day),
                    "kind = 'denial' OR http_status IN (403, 422)",
                )
                .await?;
            (f.user, f.gln, f.day) = (Some(u.user.clone()), u.gln.clone(), Some(u.day));
            out.push(f);
        }
    }
    if cfg.on("samtycke_ofta") {
        let factor = cfg.num("samtycke_ofta", "factor")?;
        let floor = cfg.num("samtycke_ofta", "min_share")?;
        let min = cfg.num("samtycke_ofta", "min_count")?;
        let mut per_user: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
        for u in &uds {
            let e = per_user.entry(&u.user).or_default();
            e.0 += u.consent;
            e.1 += u.lookups;
        }
        let share = |(c, n): (i64, i64)| if n > 0 { c as f64 / n as f64 } else { 0.0 };
        let m = median(
            per_user
                .values()
                .filter(|v| v.1 > 0)
                .map(|v| share(*v))
                .collect(),
        );
        for (user, v) in &per_user {
            let s = share(*v);
            if v.0 as f64 >= min && s >= factor * m.max(floor) {
                let mut f = cx.finding(
                    "samtycke_ofta",
                    format!(
                        "samtycke intygat vid {} av {} slagningar ({:.0} %); mittvärdet för kedjans användare {:.0} %",
                        v.0,
                        v.1,
                        s * 100.0,
                        m * 100.0
                    ),
                );
                let pred = format!(
                    "{LOOKUP} AND access IN ({})",
                    consent
                        .iter()
                        .map(|c| format!("'{}'", c.replace('\'', "''")))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                (f.row_count, f.rows) = cx.rows_of(user, None, &pred).await?;
                f.user = Some(user.to_string());
                f.gln = uds
                    .iter()
                    .find(|u| u.user == *user && u.consent > 0)
                    .and_then(|u| u.gln.clone());
                out.push(f);
            }
        }
    }
    Ok((days, rows, users))
}

/// Protected patients, reveals, printouts: every one is a finding, grouped by user, pharmacy,
/// patient and day.
async fn notable(cx: &Ctx<'_>, out: &mut Vec<Finding>) -> anyhow::Result<()> {
    let sql = format!(
        "SELECT kind, user_id, gln, (time AT TIME ZONE $4)::date, patient_ref, flow,
                coalesce(protected, false), array_agg(id ORDER BY time)
         FROM access_log
         WHERE {PERIOD} AND ((kind = 'request' AND protected) OR kind = 'reveal'
               OR (kind = 'printout' AND (protected OR flow = 'ombud')))
         GROUP BY 1, 2, 3, 4, 5, 6, 7"
    );
    for r in cx.query(&sql, &[]).await? {
        let kind: String = r.get(0);
        let flow: String = r.get(5);
        let protected: bool = r.get(6);
        let ids: Vec<Uuid> = r.get(7);
        let mut rules = Vec::new();
        match kind.as_str() {
            "request" => rules.push("skyddad_patient"),
            "reveal" => rules.push("visning"),
            _ => {
                if protected {
                    rules.push("utskrift_skyddad");
                }
                if flow == "ombud" {
                    rules.push("utskrift_ombud");
                }
            }
        }
        for rule in rules.into_iter().filter(|r| cx.cfg.on(r)) {
            let what = match rule {
                "skyddad_patient" => format!("{} anrop om patienten i ärendet {flow}", ids.len()),
                "visning" => format!("{} maskerade uppgifter visade", ids.len()),
                _ => format!("{} utskrifter i ärendet {flow}", ids.len()),
            };
            let mut f = cx.finding(rule, what);
            f.user = Some(r.get(1));
            f.gln = r.get(2);
            f.day = Some(r.get(3));
            f.patient_ref = r.get(4);
            (f.row_count, f.rows) = capped(ids.clone());
            out.push(f);
        }
    }
    Ok(())
}

/// One user returning to one patient on many days; one patient at many pharmacies.
async fn patients(cx: &Ctx<'_>, out: &mut Vec<Finding>) -> anyhow::Result<()> {
    let cfg = cx.cfg;
    let min_days = cfg.num("atervander", "min_days")? as i64;
    let min_ph = cfg.num("manga_apotek", "min_pharmacies")? as i64;
    let window =
        chrono::Duration::seconds((cfg.num("manga_apotek", "window_days")? * 86_400.0) as i64);
    let (on_r, on_p) = (cfg.on("atervander"), cfg.on("manga_apotek"));
    if !on_r && !on_p {
        return Ok(());
    }
    let sql = format!(
        "WITH pud AS MATERIALIZED (
             SELECT patient_ref, user_id, gln, (time AT TIME ZONE $4)::date AS day
             FROM access_log WHERE {PERIOD} AND {LOOKUP} AND patient_ref IS NOT NULL
             GROUP BY 1, 2, 3, 4)
         SELECT 'r', patient_ref, user_id, count(DISTINCT day) FROM pud
         WHERE $5 GROUP BY patient_ref, user_id HAVING count(DISTINCT day) >= $6
         UNION ALL
         SELECT 'p', patient_ref, NULL, count(DISTINCT gln) FROM pud
         WHERE $7 GROUP BY patient_ref HAVING count(DISTINCT gln) >= $8"
    );
    for r in cx.query(&sql, &[&on_r, &min_days, &on_p, &min_ph]).await? {
        let which: String = r.get(0);
        let patient: String = r.get(1);
        let n: i64 = r.get(3);
        if which == "r" {
            let user: String = r.get(2);
            let mut f = cx.finding(
                "atervander",
                format!("samma patient uppslagen {n} olika dagar"),
            );
            let rows = cx
                .query(
                    &format!(
                        "SELECT id, gln FROM access_log WHERE {PERIOD} AND {LOOKUP}
                           AND patient_ref = $5 AND user_id = $6 ORDER BY time"
                    ),
                    &[&patient, &user],
                )
                .await?;
            f.gln = rows.first().and_then(|r| r.get(1));
            (f.row_count, f.rows) = capped(rows.iter().map(|r| r.get(0)).collect());
            (f.user, f.patient_ref) = (Some(user), Some(patient));
            out.push(f);
        } else {
            // Over the period it reached the threshold; now the shortest windows that do.
            let rows = cx
                .query(
                    &format!(
                        "SELECT id, gln, time FROM access_log WHERE {PERIOD} AND {LOOKUP}
                           AND patient_ref = $5 ORDER BY time"
                    ),
                    &[&patient],
                )
                .await?;
            let hits: Vec<(Uuid, Option<String>, DateTime<Utc>)> = rows
                .iter()
                .map(|r| (r.get(0), r.get(1), r.get(2)))
                .collect();
            let mut best: Option<(usize, usize)> = None;
            let mut lo = 0;
            for hi in 0..hits.len() {
                while hits[hi].2 - hits[lo].2 > window {
                    lo += 1;
                }
                let distinct = hits[lo..=hi]
                    .iter()
                    .map(|h| &h.1)
                    .collect::<HashSet<_>>()
                    .len();
                if distinct as i64 >= min_ph {
                    best = Some((lo, hi));
                    break;
                }
            }
            if let Some((lo, hi)) = best {
                let span = &hits[lo..=hi];
                let ph = span.iter().map(|h| &h.1).collect::<HashSet<_>>().len();
                let mut f = cx.finding(
                    "manga_apotek",
                    format!(
                        "uppslagen på {ph} apotek inom {:.0} timmar",
                        (span[span.len() - 1].2 - span[0].2).num_minutes() as f64 / 60.0
                    ),
                );
                f.day = Some(span[0].2.date_naive());
                f.patient_ref = Some(patient);
                (f.row_count, f.rows) = capped(span.iter().map(|h| h.0).collect());
                out.push(f);
            }
        }
    }
    Ok(())
}

/// A workstation's rows that do not follow on from the one before (number or hash).
async fn chain_gaps(cx: &Ctx<'_>, out: &mut Vec<Finding>) -> anyhow::Result<()> {
    let sql = format!(
        "SELECT gln, workstation, seq, id, ls FROM (
             SELECT gln, workstation, seq, id, prev_hash, hash,
                    lag(hash) OVER w AS lh, lag(seq) OVER w AS ls
             FROM access_log WHERE {PERIOD}
             WINDOW w AS (PARTITION BY gln, workstation ORDER BY seq)) x
         WHERE ls IS NOT NULL
           AND (seq <> ls + 1 OR (length(hash) > 0 AND prev_hash IS DISTINCT FROM lh))
         ORDER BY gln, workstation, seq"
    );
    for r in cx.query(&sql, &[]).await? {
        let ws: String = r.get(1);
        let seq: i64 = r.get(2);
        let before: i64 = r.get(4);
        let what = if seq == before + 1 {
            format!(
                "arbetsstation {ws}: rad {seq} pekar inte på rad {before} (fel föregående hash)"
            )
        } else if seq == before {
            format!("arbetsstation {ws}: radnummer {seq} finns två gånger")
        } else {
            format!(
                "arbetsstation {ws}: rad {}–{} saknas centralt",
                before + 1,
                seq - 1
            )
        };
        let mut f = cx.finding("lucka_i_kedjan", what);
        f.gln = r.get(0);
        (f.row_count, f.rows) = (1, vec![r.get(3)]);
        out.push(f);
    }
    Ok(())
}

/// Lookups of a member of staff: a colleague, or oneself.
async fn staff_lookups(
    cx: &Ctx<'_>,
    staff: &StaffList,
    out: &mut Vec<Finding>,
) -> anyhow::Result<()> {
    let keys = staff.keys();
    let sql = format!(
        "SELECT user_id, gln, (time AT TIME ZONE $4)::date, patient_key, patient_ref,
                array_agg(id ORDER BY time)
         FROM access_log WHERE {PERIOD} AND patient_key = ANY($5) AND kind IN ('request', 'reveal', 'printout')
         GROUP BY 1, 2, 3, 4, 5"
    );
    for r in cx.query(&sql, &[&keys]).await? {
        let user: String = r.get(0);
        let key: Vec<u8> = r.get(3);
        let Some(member) = staff.by_key.get(&key) else {
            continue;
        };
        let own = member.hsa_id == user;
        let rule = if own { "egen_uppgift" } else { "kollega" };
        if !cx.cfg.on(rule) {
            continue;
        }
        let ids: Vec<Uuid> = r.get(5);
        let what = if own {
            format!("{} åtkomster till egna uppgifter", ids.len())
        } else {
            format!(
                "{} åtkomster till kollegan {} (rad {} i personallistan)",
                ids.len(),
                member.hsa_id,
                member.line
            )
        };
        let mut f = cx.finding(rule, what);
        (f.user, f.gln, f.day, f.patient_ref) = (Some(user), r.get(1), Some(r.get(2)), r.get(4));
        (f.row_count, f.rows) = capped(ids);
        out.push(f);
    }
    Ok(())
}

/// The routine part: per user, `per_user` ordinary lookups drawn by the order of
/// md5(seed ‖ row UUID) — the same seed and data give the same sample on any machine.
async fn sample(cx: &Ctx<'_>, period: &Period) -> anyhow::Result<(Vec<SampleItem>, String)> {
    let s = &cx.cfg.sample;
    let seed = if s.seed.is_empty() {
        format!("{}..{}", period.from, period.through)
    } else {
        s.seed.clone()
    };
    let per_user = i64::from(s.per_user);
    let sql = format!(
        "SELECT user_id, id, time, gln, flow, patient_ref FROM (
             SELECT user_id, id, time, gln, flow, patient_ref,
                    row_number() OVER (PARTITION BY user_id ORDER BY md5($5 || id::text)) AS n
             FROM access_log
             WHERE {PERIOD} AND {LOOKUP} AND NOT coalesce(protected, false)) x
         WHERE n <= $6 ORDER BY user_id, time"
    );
    let items = cx
        .query(&sql, &[&seed, &per_user])
        .await?
        .iter()
        .map(|r| SampleItem {
            user: r.get(0),
            id: r.get(1),
            time: r.get(2),
            gln: r.get(3),
            flow: r.get(4),
            patient_ref: r.get(5),
        })
        .collect();
    let how = format!(
        "För varje användare valdes {} vanliga slagningar (ej skyddade patienter) i ordning efter \
         md5(frö ‖ radens UUID) med fröet \"{seed}\". Samma frö och samma data ger samma urval.",
        s.per_user
    );
    Ok((items, how))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_rules_load_and_overrides_are_checked() {
        let c = ReviewConfig::builtin();
        assert_eq!(c.rules.len(), RULES.len());
        assert_eq!(c.num("manga_uppslag", "factor").unwrap(), 3.0);
        let c = ReviewConfig::from_toml(
            "[rules.manga_uppslag]\nfactor = 5\n[opening_hours]\n\"7350012345013\" = \"09:00-18:00\"\n",
            std::path::Path::new("."),
        )
        .unwrap();
        assert_eq!(c.num("manga_uppslag", "factor").unwrap(), 5.0);
        assert_eq!(c.num("manga_uppslag", "min_lookups").unwrap(), 40.0);
        assert_eq!(c.opening_hours().unwrap().len(), 1);
        let e = ReviewConfig::from_toml(
            "[rules.manga_uppslag]\nfaktor = 5\n",
            std::path::Path::new("."),
        )
        .unwrap_err();
        assert!(e.to_string().contains("rules.manga_uppslag.faktor"), "{e}");
        let e = ReviewConfig::from_toml(
            "[rules.nytt]\ntitle = \"x\"\nseverity = \"hög\"\nexplanation = \"y\"\n",
            std::path::Path::new("."),
        )
        .unwrap_err();
        assert!(e.to_string().contains("ingen sådan regel"), "{e}");
        let e = ReviewConfig::from_toml(
            "[opening_hours]\n\"1\" = \"9-18\"\n",
            std::path::Path::new("."),
        )
        .unwrap_err();
        assert!(e.to_string().contains("TT:MM-TT:MM"), "{e}");
    }

    #[test]
    fn median_of_odd_and_even() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(median(vec![]), 0.0);
    }
}
