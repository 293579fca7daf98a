//! The connection check, a pilot's first step: `nllc doctor` and *Testa anslutningen* in
//! *Inställningar* both run [`check`]. It walks configuration → certificate files and validity →
//! TCP → TLS with the client certificate → token → `GET metadata` → a Patient search for a test
//! personnummer (if one is configured), and says for each step what it found: ✓, or ✗ with one
//! sentence naming the setting to fix. After a ✗ the steps that depend on it are not tried.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use serde::Serialize;
use ts_rs::TS;

use crate::access_log::AccessLog;
use crate::client::NllClient;
use crate::config::{check_url, ClientConfig};
use crate::counter::Counter;
use crate::error::{ClientError, ErrorCode, TransportFault};
use crate::identity;
use crate::layers::Layers;
use crate::plan::LookupRequest;
use crate::secrets::SecretStore;
use crate::transport::{Answer, Transport};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum StepStatus {
    Ok,
    Failed,
    /// Not tried: an earlier step failed, or nothing is configured for it.
    Skipped,
}

/// One line of the check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DoctorStep {
    pub status: StepStatus,
    /// What was checked and what was found (Swedish), e.g. "TLS: …".
    pub message: String,
    pub message_en: String,
    /// The error's code when the step failed (`nllc doctor`'s exit code comes from it).
    pub code: Option<ErrorCode>,
}

impl DoctorStep {
    fn ok(sv: impl Into<String>, en: impl Into<String>) -> DoctorStep {
        DoctorStep {
            status: StepStatus::Ok,
            message: sv.into(),
            message_en: en.into(),
            code: None,
        }
    }

    fn failed(code: ErrorCode, sv: impl Into<String>, en: impl Into<String>) -> DoctorStep {
        DoctorStep {
            status: StepStatus::Failed,
            message: sv.into(),
            message_en: en.into(),
            code: Some(code),
        }
    }

    fn error(label: &str, label_en: &str, e: &ClientError) -> DoctorStep {
        DoctorStep::failed(
            e.code,
            format!("{label}: {}", e.message),
            format!("{label_en}: {}", e.message_en),
        )
    }

    fn skipped(sv: impl Into<String>, en: impl Into<String>) -> DoctorStep {
        DoctorStep {
            status: StepStatus::Skipped,
            message: sv.into(),
            message_en: en.into(),
            code: None,
        }
    }

    /// `✓ …`, `✗ …` or `· …`.
    pub fn line(&self) -> String {
        let mark = match self.status {
            StepStatus::Ok => '✓',
            StepStatus::Failed => '✗',
            StepStatus::Skipped => '·',
        };
        format!("{mark} {}", self.message)
    }
}

/// The whole check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DoctorReport {
    pub steps: Vec<DoctorStep>,
}

impl DoctorReport {
    pub fn ok(&self) -> bool {
        self.steps.iter().all(|s| s.status != StepStatus::Failed)
    }

    /// 0 when every step passed, else the first failure's exit code (2 configuration, 3
    /// network or server, 1 refused).
    pub fn exit_code(&self) -> i32 {
        self.steps
            .iter()
            .find_map(|s| s.code)
            .map(|c| c.exit_code())
            .unwrap_or(0)
    }

    /// The report when the configuration could not even be read.
    pub fn config_failed(e: &ClientError) -> DoctorReport {
        let mut r = DoctorReport {
            steps: vec![DoctorStep::error("Inställningar", "Settings", e)],
        };
        r.not_tried(&[("Funktionscertifikat", "Client certificate")]);
        r.not_tried(&LATER);
        r
    }

    fn not_tried(&mut self, from: &[(&str, &str)]) {
        for (sv, en) in from {
            self.steps.push(DoctorStep::skipped(
                format!("{sv} – inte provat"),
                format!("{en} – not tried"),
            ));
        }
    }
}

const LATER: [(&str, &str); 5] = [
    ("Nätverk", "Network"),
    ("TLS", "TLS"),
    ("Inloggning", "Login"),
    ("FHIR", "FHIR"),
    ("Patientsökning", "Patient search"),
];

/// The common name of a certificate subject ("CN=Apotek Kronan kassa 1, O=…"), else all of it.
fn common_name(subject: &str) -> String {
    subject
        .split(',')
        .find_map(|p| p.trim().strip_prefix("CN="))
        .unwrap_or(subject)
        .to_string()
}

/// Runs the check. The test patient search is a lookup like any other: its rows go to the
/// configured access log.
pub async fn check(layers: &Layers, secrets: &dyn SecretStore) -> DoctorReport {
    // 1. The configuration.
    let files: Vec<String> = layers
        .files()
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    if let Some(p) = layers.problems().into_iter().next() {
        return DoctorReport::config_failed(&p.to_error());
    }
    let cfg = match layers.client_config() {
        Ok(c) => c,
        Err(p) => return DoctorReport::config_failed(&p.to_error()),
    };
    let mut report = DoctorReport {
        steps: vec![DoctorStep::ok(
            format!("Inställningar lästa ({})", files.join(", ")),
            format!("Settings read ({})", files.join(", ")),
        )],
    };
    check_config(&cfg, secrets, &mut report).await;
    report
}

/// Steps 2–7 for a configuration that reads.
pub async fn check_config(
    cfg: &ClientConfig,
    secrets: &dyn SecretStore,
    report: &mut DoctorReport,
) {
    let url = match check_url(&cfg.base_url) {
        Ok(u) => u,
        Err(e) => {
            report
                .steps
                .push(DoctorStep::error("Inställningar", "Settings", &e));
            return report.not_tried(&LATER);
        }
    };
    let https = url.scheme() == "https";
    // 2. Certificate files and validity.
    let mut cert_ok = false;
    let mut cert_name = None;
    match &cfg.client_certificate {
        None if https => report.steps.push(DoctorStep::failed(
            ErrorCode::ClientCertificateInvalid,
            "Funktionscertifikat: inget är inställt, och Nationella läkemedelslistan kräver ett – ange apotekets certifikat under Certifikat i Inställningar (client_certificate.pkcs12, eller pem och key_pem)",
            "Client certificate: none is configured, and NLL requires one – enter the pharmacy's certificate under Certificate in the settings (client_certificate.pkcs12, or pem and key_pem)",
        )),
        None => report.steps.push(DoctorStep::skipped(
            "Funktionscertifikat: inget inställt (behövs inte för http till den egna datorn)",
            "Client certificate: none configured (not needed for http to this computer)",
        )),
        Some(c) => match identity::load(c, secrets, Utc::now()) {
            Ok(id) => {
                let name = common_name(&id.subject);
                report.steps.push(DoctorStep::ok(
                    format!(
                        "Funktionscertifikat: {name}, giltigt till {}",
                        id.not_after.format("%Y-%m-%d")
                    ),
                    format!(
                        "Client certificate: {name}, valid until {}",
                        id.not_after.format("%Y-%m-%d")
                    ),
                ));
                cert_ok = true;
                cert_name = Some(name);
            }
            Err(e) => report
                .steps
                .push(DoctorStep::error("Funktionscertifikat", "Client certificate", &e)),
        },
    }
    if let Some(ca) = &cfg.extra_ca_pem {
        match identity::extra_cas(ca) {
            Ok(certs) => report.steps.push(DoctorStep::ok(
                format!("Extra CA: {} ({} certifikat)", ca.display(), certs.len()),
                format!("Extra CA: {} ({} certificates)", ca.display(), certs.len()),
            )),
            Err(e) => {
                report
                    .steps
                    .push(DoctorStep::error("Extra CA", "Extra CA", &e));
                return report.not_tried(&LATER);
            }
        }
    }
    // 3. TCP to the server (or to the proxy).
    let host = url.host_str().unwrap_or("").to_string();
    let port = url.port_or_known_default().unwrap_or(443);
    let proxy = cfg
        .proxy
        .url
        .as_deref()
        .filter(|_| !cfg.proxy.disabled)
        .and_then(|p| reqwest::Url::parse(p).ok());
    let (to_host, to_port, via) = match &proxy {
        Some(p) => (
            p.host_str().unwrap_or("").to_string(),
            p.port_or_known_default().unwrap_or(3128),
            " (proxyn, proxy.url)",
        ),
        None => (host.clone(), port, ""),
    };
    let timeout = Duration::from_millis(cfg.connect_timeout_ms);
    let addr = format!(
        "{}:{to_port}",
        to_host.trim_start_matches('[').trim_end_matches(']')
    );
    match tokio::time::timeout(timeout, tokio::net::TcpStream::connect(&addr)).await {
        Ok(Ok(_)) => report.steps.push(DoctorStep::ok(
            format!("Nätverk: {to_host}:{to_port}{via} nåddes"),
            format!("Network: {to_host}:{to_port}{via} reached"),
        )),
        Ok(Err(e)) => {
            report.steps.push(DoctorStep::failed(
                ErrorCode::Unreachable,
                format!(
                    "Nätverk: {to_host}:{to_port}{via} gick inte att nå ({}) – kontrollera adressen (base_url), att servern är igång och nätverket{}",
                    io_kind_sv(e.kind()),
                    if proxy.is_some() { " och proxyn (proxy.url)" } else { "" }
                ),
                format!(
                    "Network: {to_host}:{to_port}{via} could not be reached ({}) – check the address (base_url), that the server is running and the network",
                    e.kind()
                ),
            ));
            return report.not_tried(&LATER[1..]);
        }
        Err(_) => {
            report.steps.push(DoctorStep::failed(
                ErrorCode::Timeout,
                format!(
                    "Nätverk: {to_host}:{to_port}{via} svarade inte inom {} ms – kontrollera adressen (base_url), brandväggen och proxyn (proxy.url)",
                    cfg.connect_timeout_ms
                ),
                format!(
                    "Network: {to_host}:{to_port}{via} did not answer within {} ms – check the address (base_url), the firewall and the proxy (proxy.url)",
                    cfg.connect_timeout_ms
                ),
            ));
            return report.not_tried(&LATER[1..]);
        }
    }
    // 4. TLS with the client certificate: one GET of the CapabilityStatement (no token needed).
    let transport_cfg = {
        let mut c = cfg.clone();
        if !cert_ok {
            c.client_certificate = None;
        }
        c
    };
    let transport = match Transport::build(&transport_cfg, secrets) {
        Ok(t) => t,
        Err(e) => {
            report.steps.push(DoctorStep::error("TLS", "TLS", &e));
            return report.not_tried(&LATER[2..]);
        }
    };
    let base = cfg.base_url.trim_end_matches('/');
    let metadata_url = format!("{base}/metadata");
    let answer = match transport
        .get(
            &metadata_url,
            &[("Accept", "application/fhir+json".to_string())],
        )
        .await
    {
        Ok(a) => a,
        Err(f) => {
            report.steps.push(tls_step(
                &f.fault,
                &f.error,
                https,
                &host,
                cert_name.as_deref(),
                cfg,
            ));
            return report.not_tried(&LATER[2..]);
        }
    };
    if https {
        report.steps.push(DoctorStep::ok(
            format!(
                "TLS: {host} godtogs och godtog {}",
                cert_name
                    .as_deref()
                    .map(|n| format!("klientcertifikatet {n}"))
                    .unwrap_or_else(|| "anslutningen".into())
            ),
            format!("TLS: {host} was trusted and accepted the connection"),
        ));
    } else {
        report.steps.push(DoctorStep::skipped(
            "TLS: inte använd (http till den egna datorn)",
            "TLS: not used (http to this computer)",
        ));
    }
    if cfg.client_certificate.is_some() && !cert_ok {
        return report.not_tried(&LATER[2..]);
    }
    // 5. The token (and who it says is logged in).
    let log = AccessLog::configured_path(&cfg.access_log)
        .ok_or_else(|| ClientError::access_log_failed(&crate::access_log::LogFailure::NoFolder))
        .and_then(|p| AccessLog::open(&p));
    let client = match log.and_then(|log| NllClient::new(cfg, secrets, Arc::new(log))) {
        Ok(c) => Arc::new(c),
        Err(e) => {
            report
                .steps
                .push(DoctorStep::error("Inloggning", "Login", &e));
            return report.not_tried(&LATER[3..]);
        }
    };
    let who = match client.user_info().await {
        Ok(u) => u,
        Err(e) => {
            report
                .steps
                .push(DoctorStep::error("Inloggning", "Login", &e));
            return report.not_tried(&LATER[3..]);
        }
    };
    report.steps.push(DoctorStep::ok(
        format!(
            "Inloggning: {} ({}), apotek {} (GLN {})",
            who.name.as_deref().unwrap_or(&who.user),
            nll::policy::role_label_sv(who.role),
            if who.org.orgenhets_namn.is_empty() {
                "–"
            } else {
                who.org.orgenhets_namn.as_str()
            },
            who.org.orgenhets_id
        ),
        format!(
            "Login: {} ({:?}), pharmacy GLN {}",
            who.name.as_deref().unwrap_or(&who.user),
            who.role,
            who.org.orgenhets_id
        ),
    ));
    // 6. The FHIR base answers as FHIR.
    match metadata_step(&answer, &metadata_url) {
        Ok(step) => report.steps.push(step),
        Err(step) => {
            report.steps.push(step);
            return report.not_tried(&LATER[4..]);
        }
    }
    // 7. A Patient search for the configured test patient (a real lookup: logged).
    let Some(pnr) = &cfg.test_personnummer else {
        report.steps.push(DoctorStep::skipped(
            "Patientsökning: ingen testpatient inställd (test_personnummer)",
            "Patient search: no test patient configured (test_personnummer)",
        ));
        return;
    };
    let counter = Counter::new(client);
    counter.new_customer();
    let result = counter
        .lookup(LookupRequest::new(pnr, nll::Flow::Expediering))
        .await;
    counter.end_customer();
    report.steps.push(match result {
        Ok(r) => DoctorStep::ok(
            format!(
                "Patientsökning: testpatienten hittades ({} recept, {} uttag)",
                r.list.list.prescriptions.len(),
                r.list.list.dispenses.len()
            ),
            format!(
                "Patient search: the test patient was found ({} prescriptions, {} dispenses)",
                r.list.list.prescriptions.len(),
                r.list.list.dispenses.len()
            ),
        ),
        Err(e) if e.code == ErrorCode::PatientNotFound => DoctorStep::failed(
            e.code,
            "Patientsökning: testpatienten finns inte hos servern – ange en testpatient som finns (test_personnummer)",
            "Patient search: the test patient does not exist on the server – give one that does (test_personnummer)",
        ),
        Err(e) => DoctorStep::error("Patientsökning", "Patient search", &e),
    });
}

fn io_kind_sv(k: std::io::ErrorKind) -> &'static str {
    match k {
        std::io::ErrorKind::ConnectionRefused => "anslutningen nekades",
        std::io::ErrorKind::TimedOut => "tidsgränsen nåddes",
        std::io::ErrorKind::NotFound => "namnet finns inte",
        _ => "nätverksfel",
    }
}

/// What a failed TLS set-up means, with the setting that fixes it.
fn tls_step(
    fault: &TransportFault,
    e: &ClientError,
    https: bool,
    host: &str,
    cert: Option<&str>,
    cfg: &ClientConfig,
) -> DoctorStep {
    match fault {
        TransportFault::ServerCertificate => DoctorStep::failed(
            ErrorCode::TlsFailure,
            format!(
                "TLS: servern {host} godtogs inte (dess certifikat är inte utfärdat av en betrodd CA) – lägg dess CA i \"Extra CA\" (extra_ca_pem){}",
                if cfg.extra_ca_pem.is_some() { "; den som är inställd nu är inte rätt" } else { "" }
            ),
            format!(
                "TLS: the server {host} was not trusted (its certificate is not from a trusted CA) – put its CA in \"Extra CA\" (extra_ca_pem)"
            ),
        ),
        TransportFault::CertRejected | TransportFault::PossiblyCertRejected => match cert {
            None if cfg.client_certificate.is_some() => DoctorStep::failed(
                ErrorCode::ClientCertificateRejected,
                format!("TLS: servern {host} kräver ett klientcertifikat, och det inställda kunde inte läsas (se ovan) – rätta certifikatet (client_certificate)"),
                format!("TLS: the server {host} requires a client certificate, and the configured one could not be read (see above) – fix the certificate (client_certificate)"),
            ),
            None => DoctorStep::failed(
                ErrorCode::ClientCertificateRejected,
                format!("TLS: servern {host} kräver ett klientcertifikat och inget användes – ange apotekets certifikat (client_certificate)"),
                format!("TLS: the server {host} requires a client certificate and none was used – enter the pharmacy's certificate (client_certificate)"),
            ),
            Some(n) => DoctorStep::failed(
                ErrorCode::ClientCertificateRejected,
                format!("TLS: servern {host} godtog inte klientcertifikatet {n} – ange ett certifikat som servern litar på (client_certificate)"),
                format!("TLS: the server {host} did not accept the client certificate {n} – enter a certificate the server trusts (client_certificate)"),
            ),
        },
        TransportFault::Connect if !https => DoctorStep::error("Nätverk", "Network", e),
        _ => DoctorStep::error("TLS", "TLS", e),
    }
}

/// `GET metadata`: a CapabilityStatement means `base_url` is a FHIR base.
fn metadata_step(a: &Answer, url: &str) -> Result<DoctorStep, DoctorStep> {
    let shown = crate::config::redact_url(url);
    let capability = a.is_success()
        && a.is_json()
        && serde_json::from_slice::<serde_json::Value>(&a.body)
            .ok()
            .and_then(|v| {
                v.get("resourceType")
                    .and_then(|t| t.as_str())
                    .map(str::to_string)
            })
            .as_deref()
            == Some("CapabilityStatement");
    if capability {
        return Ok(DoctorStep::ok(
            format!("FHIR: {shown} svarade med en CapabilityStatement"),
            format!("FHIR: {shown} answered with a CapabilityStatement"),
        ));
    }
    Err(DoctorStep::failed(
        ErrorCode::Config,
        format!(
            "FHIR: {shown} svarade {} utan en CapabilityStatement – adressen (base_url) ska vara NLL:s FHIR-bas, t.ex. https://…/fhir",
            a.status
        ),
        format!(
            "FHIR: {shown} answered {} without a CapabilityStatement – the address (base_url) must be NLL's FHIR base, e.g. https://…/fhir",
            a.status
        ),
    ))
}
