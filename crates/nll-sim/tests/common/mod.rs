//! Shared helpers: a running server, a client, and the wire codes of each counter flow.
#![allow(dead_code)]

use chrono::NaiveDate;
use nll_sim::{SimConfig, SimHandle};
use reqwest::header::HeaderMap;
use serde_json::Value;

pub const EXP: (&str, &str) = ("EXPEDIERING", "UTAN_KRAV_SAMTYCKE");
pub const EXP_REASON: (&str, &str) = ("EXPEDIERING", "TILLFALLIGT_SAMTYCKE_BEHANDLINGSORSAK");
pub const EXP_LOCKED_REASON: (&str, &str) = ("EXPEDIERING", "SAMTYCKE_SPARRAD_BEHANDLINGSORSAK");
pub const EXP_CHILD: (&str, &str) = ("EXPEDIERING", "BEHANDLINGSORSAK_UTAN_KRAV_SAMTYCKE_BARN");
pub const STOD: (&str, &str) = ("UNDERLATTANDE_LAKEMEDELSANVANDNING", "TILLFALLIGT_SAMTYCKE");
pub const STOD_DOS: (&str, &str) = (
    "UNDERLATTANDE_LAKEMEDELSANVANDNING",
    "DOSPATIENTS_UPPGIFTER",
);
pub const EGNA: (&str, &str) = ("LASA_EGNA_UPPGIFTER", "EGNA_UPPGIFTER");
pub const OMBUD: (&str, &str) = ("LASA_EGNA_UPPGIFTER", "KOPFULLMAKT");
pub const GUARDIAN: (&str, &str) = ("LASA_EGNA_UPPGIFTER", "VARDNADSHAVARE");

/// The date the tests pin the catalogue to (histories are relative to it).
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

pub async fn sim() -> SimHandle {
    sim_with(SimConfig::default()).await
}

pub async fn sim_with(mut config: SimConfig) -> SimHandle {
    config.today.get_or_insert(today());
    nll_sim::start(config).await.expect("sim starts")
}

pub fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().no_proxy().build().unwrap()
}

/// One call's answer.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    /// The NLL-style code of an OperationOutcome.
    pub fn nll_code(&self) -> String {
        let v = self.json();
        assert_eq!(v["resourceType"], "OperationOutcome", "{}", self.text);
        v["issue"][0]["details"]["coding"][0]["code"]
            .as_str()
            .unwrap()
            .to_string()
    }
    /// Resources of a searchset Bundle.
    pub fn resources(&self) -> Vec<Value> {
        let v = self.json();
        assert_eq!(v["resourceType"], "Bundle", "{}", self.text);
        v["entry"]
            .as_array()
            .map(|a| a.iter().map(|e| e["resource"].clone()).collect())
            .unwrap_or_default()
    }
    pub fn next_link(&self) -> Option<String> {
        self.json()["link"]
            .as_array()?
            .iter()
            .find(|l| l["relation"] == "next")
            .map(|l| l["url"].as_str().unwrap().to_string())
    }
}

/// A client of one counter session.
pub struct Counter<'a> {
    pub sim: &'a SimHandle,
    pub http: reqwest::Client,
    pub token: Option<String>,
    pub flow: Option<(&'static str, &'static str)>,
    pub patient_ref: Option<String>,
    pub extra: Vec<(&'static str, String)>,
}

impl<'a> Counter<'a> {
    pub fn new(sim: &'a SimHandle, login: &str, flow: (&'static str, &'static str)) -> Counter<'a> {
        Counter {
            sim,
            http: client(),
            token: Some(sim.token_for(login)),
            flow: Some(flow),
            patient_ref: None,
            extra: Vec::new(),
        }
    }

    pub fn with(mut self, header: &'static str, value: &str) -> Counter<'a> {
        self.extra.push((header, value.to_string()));
        self
    }

    pub fn pnr(&self, key: &str) -> String {
        self.sim.catalogue().by_key(key).unwrap().pnr.clone()
    }

    pub fn id(&self, key: &str) -> String {
        self.sim.catalogue().by_key(key).unwrap().id.clone()
    }

    /// GET `<base_url><path_and_query>` with this session's headers.
    pub async fn get(&self, path_and_query: &str) -> Answer {
        let url = if path_and_query.starts_with("http") {
            path_and_query.to_string()
        } else {
            format!("{}{}", self.sim.base_url(), path_and_query)
        };
        let mut rb = self
            .http
            .get(url)
            .header("Accept", "application/fhir+json")
            .header("X-Request-ID", uuid::Uuid::new_v4().to_string());
        if let Some(t) = &self.token {
            rb = rb.bearer_auth(t);
        }
        if let Some((p, a)) = self.flow {
            rb = rb.header("X-Purpose", p).header("X-Access", a);
        }
        if let Some(r) = &self.patient_ref {
            rb = rb.header("X-PatientRef", r);
        }
        for (k, v) in &self.extra {
            rb = rb.header(*k, v);
        }
        let resp = rb.send().await.expect("request sent");
        Answer {
            status: resp.status().as_u16(),
            headers: resp.headers().clone(),
            text: resp.text().await.unwrap_or_default(),
        }
    }

    pub async fn patient_search(&self, pnr: &str) -> Answer {
        self.get(&format!(
            "/fhir/Patient?identifier={}%7C{pnr}",
            nll::fhir::SYSTEM_PERSONNUMMER
                .replace(':', "%3A")
                .replace('/', "%2F")
        ))
        .await
    }

    /// Looks the patient up (a new customer: no `X-PatientRef` yet) and sets `X-PatientRef`
    /// for what follows.
    pub async fn open(&mut self, key: &str) -> Answer {
        self.patient_ref = None;
        let a = self.patient_search(&self.pnr(key)).await;
        if a.status == 200 {
            self.patient_ref = a
                .resources()
                .first()
                .map(|p| p["id"].as_str().unwrap().to_string());
        }
        a
    }

    pub async fn prescriptions(&self, extra: &str) -> Answer {
        let id = self.patient_ref.clone().expect("open first");
        self.get(&format!("/fhir/MedicationRequest?patient={id}{extra}"))
            .await
    }

    pub async fn dispenses(&self, extra: &str) -> Answer {
        let id = self.patient_ref.clone().expect("open first");
        self.get(&format!("/fhir/MedicationDispense?patient={id}{extra}"))
            .await
    }

    pub async fn basic(&self, code: &str) -> Answer {
        let id = self.patient_ref.clone().expect("open first");
        self.get(&format!("/fhir/Basic?code={code}&subject=Patient/{id}"))
            .await
    }

    /// Follows `next` links and returns every resource.
    pub async fn all_pages(&self, first: Answer) -> Vec<Value> {
        let mut out = first.resources();
        let mut next = first.next_link();
        while let Some(url) = next {
            let a = self.get(&url).await;
            assert_eq!(a.status, 200, "{}", a.text);
            out.extend(a.resources());
            next = a.next_link();
        }
        out
    }
}

/// The value of an extension (by URL) on a resource.
pub fn ext<'v>(resource: &'v Value, url: &str) -> Option<&'v Value> {
    resource["extension"]
        .as_array()?
        .iter()
        .find(|e| e["url"] == url)
}

/// Whether a prescription's treatment reason was withheld (nlldataAbsentReason).
pub fn reason_withheld(rx: &Value) -> bool {
    rx["reasonCode"][0]["extension"]
        .as_array()
        .is_some_and(|a| {
            a.iter()
                .any(|e| e["url"] == nll::fhir::EXT_DATA_ABSENT_REASON)
        })
}

pub fn reason_text(rx: &Value) -> Option<String> {
    ext(rx, nll::fhir::EXT_TREATMENT_REASON).map(|e| e["valueString"].as_str().unwrap().to_string())
}
