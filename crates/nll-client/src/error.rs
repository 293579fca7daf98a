//! Errors as the pharmacist sees them: a stable machine code, one Swedish sentence saying what
//! happened and what to do (English alongside), NLL's own error code and the request id.
//!
//! Every way a lookup can fail ends here: the policy's refusal, NLL's OperationOutcome, an HTTP
//! status without one, a timeout, a TLS problem (the server's certificate, or ours being
//! rejected), an unreachable server, a malformed answer, the local configuration. Texts never
//! carry a token, a secret, a URL (a lookup URL holds the personnummer) or a personnummer.

use std::error::Error as StdError;

use nll::model::OperationOutcome;
use nll::policy::{Denial, DenialRule};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Stable machine codes (the UI keys its help texts on these).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum ErrorCode {
    /// The access policy refused the flow (before any request, or after the Patient lookup).
    PolicyDenied,
    /// NLL refused with 422 (a business rule).
    NllRefused,
    /// 403: the combination, role or resource is not allowed.
    Forbidden,
    /// 401: the token is missing, invalid or expired.
    Unauthorized,
    /// 400: NLL could not accept the request as sent.
    BadRequest,
    /// 404 from NLL.
    NotFound,
    /// The Patient search found nobody.
    PatientNotFound,
    /// 429 still after the retries.
    RateLimited,
    /// 5xx still after the retries.
    ServerError,
    /// No answer in time.
    Timeout,
    /// The TLS connection failed (e.g. the server's certificate is not trusted).
    TlsFailure,
    /// NLL did not accept our client certificate (missing, unknown CA, expired, revoked).
    ClientCertificateRejected,
    /// Our client certificate could not be loaded (file, format, password).
    ClientCertificateInvalid,
    /// Our client certificate has expired (checked locally before connecting).
    ClientCertificateExpired,
    /// No connection: refused, DNS, proxy.
    Unreachable,
    /// The answer is not the FHIR JSON expected (not JSON, wrong type, cut short).
    MalformedResponse,
    /// The answer is larger than the configured cap.
    ResponseTooLarge,
    /// More pages than the configured cap.
    TooManyPages,
    /// Plain `http://` to a host other than this computer.
    InsecureUrl,
    /// The configuration is wrong or incomplete.
    Config,
    /// A secret is missing from the OS keyring, or the keyring cannot be used.
    Keyring,
    /// No token could be obtained (token command or token service failed).
    TokenUnavailable,
    /// The token service refused the login.
    LoginFailed,
    /// The access log could not be written (nothing is shown then).
    AccessLog,
    /// The input is not valid (e.g. a personnummer with a wrong check digit).
    InvalidInput,
    /// A newer lookup replaced this one.
    Cancelled,
    /// The answer belongs to an earlier customer or lookup and was dropped.
    Stale,
    /// There is no list (or no such masked field) to reveal from.
    NothingToReveal,
}

/// What a caller (the CLI's exit code, the UI's tone) makes of an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// The request was refused (policy or NLL), or NLL has nothing for it: exit code 1.
    Refused,
    /// Usage or configuration: exit code 2.
    Usage,
    /// Network, server or local failure: exit code 3.
    Failure,
}

impl ErrorCode {
    pub fn class(self) -> ErrorClass {
        use ErrorCode::*;
        match self {
            PolicyDenied | NllRefused | Forbidden | Unauthorized | BadRequest | NotFound
            | PatientNotFound | LoginFailed | Cancelled | Stale | NothingToReveal => {
                ErrorClass::Refused
            }
            ClientCertificateInvalid
            | ClientCertificateExpired
            | InsecureUrl
            | Config
            | Keyring
            | InvalidInput => ErrorClass::Usage,
            RateLimited
            | ServerError
            | Timeout
            | TlsFailure
            | ClientCertificateRejected
            | Unreachable
            | MalformedResponse
            | ResponseTooLarge
            | TooManyPages
            | TokenUnavailable
            | AccessLog => ErrorClass::Failure,
        }
    }

    /// `nllc` exit code: 1 refused, 2 usage/configuration, 3 network/server.
    pub fn exit_code(self) -> i32 {
        match self.class() {
            ErrorClass::Refused => 1,
            ErrorClass::Usage => 2,
            ErrorClass::Failure => 3,
        }
    }
}

/// The error the UI and `nllc` show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, thiserror::Error)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
#[error("{message}")]
pub struct ClientError {
    pub code: ErrorCode,
    /// One Swedish sentence: what happened and what to do.
    pub message: String,
    /// The same in English.
    pub message_en: String,
    /// `X-Request-ID` of the request that failed (show it; support asks for it).
    pub request_id: Option<String>,
    /// NLL's error code from the OperationOutcome (`2-25-153`).
    pub nll_code: Option<String>,
    /// HTTP status, when there was an answer.
    pub http_status: Option<u16>,
    /// The policy rule, for a policy denial.
    pub denial_rule: Option<DenialRule>,
}

impl ClientError {
    pub fn new(code: ErrorCode, sv: impl Into<String>, en: impl Into<String>) -> ClientError {
        ClientError {
            code,
            message: sv.into(),
            message_en: en.into(),
            request_id: None,
            nll_code: None,
            http_status: None,
            denial_rule: None,
        }
    }

    pub fn with_request_id(mut self, id: impl Into<String>) -> ClientError {
        self.request_id = Some(id.into());
        self
    }

    pub fn exit_code(&self) -> i32 {
        self.code.exit_code()
    }

    pub fn class(&self) -> ErrorClass {
        self.code.class()
    }

    // ---- constructors, one per kind -------------------------------------------------------

    pub fn policy(d: &Denial) -> ClientError {
        let mut e = ClientError::new(ErrorCode::PolicyDenied, d.sv.clone(), d.en.clone());
        e.denial_rule = Some(d.rule);
        e
    }

    pub fn config(detail_sv: impl AsRef<str>, detail_en: impl AsRef<str>) -> ClientError {
        ClientError::new(
            ErrorCode::Config,
            format!(
                "Inställningarna för Nationella läkemedelslistan är felaktiga: {} – rätta dem och försök igen.",
                trim_end_period(detail_sv.as_ref())
            ),
            format!(
                "The NLL settings are wrong: {} – correct them and try again.",
                trim_end_period(detail_en.as_ref())
            ),
        )
    }

    pub fn invalid_input(sv: impl Into<String>, en: impl Into<String>) -> ClientError {
        ClientError::new(ErrorCode::InvalidInput, sv, en)
    }

    pub fn insecure_url() -> ClientError {
        ClientError::new(
            ErrorCode::InsecureUrl,
            "Adressen till Nationella läkemedelslistan använder okrypterad http, som bara är tillåten mot den egna datorn – ange en https-adress i inställningarna.",
            "The NLL address uses unencrypted http, which is allowed only to this computer – enter an https address in the settings.",
        )
    }

    pub fn keyring_missing(account: &str) -> ClientError {
        ClientError::new(
            ErrorCode::Keyring,
            format!(
                "Hemligheten \"{account}\" finns inte i operativsystemets nyckelring – lägg in den i Inställningar (eller med nllc secret set {account}) och försök igen."
            ),
            format!(
                "The secret \"{account}\" is not in the OS keyring – store it in the settings (or with nllc secret set {account}) and try again."
            ),
        )
    }

    pub fn keyring_unavailable(detail: &str) -> ClientError {
        let (how_sv, how_en) = keyring_help();
        ClientError::new(
            ErrorCode::Keyring,
            format!(
                "Operativsystemets nyckelring går inte att använda ({}) – {how_sv}",
                trim_end_period(detail)
            ),
            format!(
                "The OS keyring cannot be used ({}) – {how_en}",
                trim_end_period(detail)
            ),
        )
    }

    pub fn certificate_invalid(detail_sv: &str, detail_en: &str) -> ClientError {
        ClientError::new(
            ErrorCode::ClientCertificateInvalid,
            format!(
                "Apotekets certifikat kunde inte läsas ({}) – kontrollera certifikatfilen och lösenordet i inställningarna.",
                trim_end_period(detail_sv)
            ),
            format!(
                "The pharmacy's certificate could not be read ({}) – check the certificate file and its password in the settings.",
                trim_end_period(detail_en)
            ),
        )
    }

    pub fn certificate_expired(not_after: &str) -> ClientError {
        ClientError::new(
            ErrorCode::ClientCertificateExpired,
            format!(
                "Apotekets certifikat gick ut {not_after} – skaffa ett nytt funktionscertifikat och lägg in det i inställningarna."
            ),
            format!(
                "The pharmacy's certificate expired on {not_after} – obtain a new function certificate and enter it in the settings."
            ),
        )
    }

    pub fn certificate_rejected(possibly: bool) -> ClientError {
        let (sv, en) = if possibly {
            (
                "Anslutningen till Nationella läkemedelslistan bröts direkt, troligen för att apotekets certifikat inte godtogs – kontrollera funktionscertifikatet eller kontakta IT-support.",
                "The connection to NLL was dropped at once, probably because the pharmacy's certificate was not accepted – check the function certificate or contact IT support.",
            )
        } else {
            (
                "Nationella läkemedelslistan godtog inte apotekets certifikat (det saknas, är okänt, har gått ut eller är spärrat) – kontrollera funktionscertifikatet eller kontakta IT-support.",
                "NLL did not accept the pharmacy's certificate (missing, unknown, expired or revoked) – check the function certificate or contact IT support.",
            )
        };
        ClientError::new(ErrorCode::ClientCertificateRejected, sv, en)
    }

    /// The server asked for a client certificate and none is configured.
    pub fn certificate_missing() -> ClientError {
        ClientError::new(
            ErrorCode::ClientCertificateRejected,
            "Nationella läkemedelslistan kräver apotekets certifikat, och inget är inställt – ange funktionscertifikatet under Certifikat i inställningarna (client_certificate).",
            "NLL requires the pharmacy's certificate, and none is configured – enter the function certificate under Certificate in the settings (client_certificate).",
        )
    }

    /// A search answered 404: the FHIR base in the settings is not NLL's (a search that finds
    /// nothing answers with an empty Bundle).
    pub fn wrong_fhir_path() -> ClientError {
        ClientError::config(
            "adressen till Nationella läkemedelslistan (base_url) pekar inte på FHIR-tjänsten: servern svarade 404 (finns inte) på en sökning; sökvägen ska vara NLL:s FHIR-bas, t.ex. https://…/fhir",
            "the NLL address (base_url) does not point at the FHIR service: the server answered 404 (not found) to a search; the path must be NLL's FHIR base, e.g. https://…/fhir",
        )
    }

    pub fn tls_failure(server_cert: bool) -> ClientError {
        let (sv, en) = if server_cert {
            (
                "Servern som svarade kunde inte styrkas vara Nationella läkemedelslistan (dess certifikat är inte utfärdat av en betrodd CA), så inget skickades – lägg serverns CA i \"Extra CA\" i inställningarna (extra_ca_pem), eller kontakta IT-support.",
                "The server that answered could not be proven to be NLL (its certificate is not from a trusted CA), so nothing was sent – put the server's CA in \"Extra CA\" in the settings (extra_ca_pem), or contact IT support.",
            )
        } else {
            (
                "Den säkra anslutningen till Nationella läkemedelslistan kunde inte upprättas – försök igen, och kontakta IT-support om det upprepas.",
                "The secure connection to NLL could not be established – try again, and contact IT support if it happens again.",
            )
        };
        ClientError::new(ErrorCode::TlsFailure, sv, en)
    }

    pub fn timeout() -> ClientError {
        ClientError::new(
            ErrorCode::Timeout,
            "Nationella läkemedelslistan svarade inte i tid – försök igen, och kontakta IT-support om det upprepas.",
            "NLL did not answer in time – try again, and contact IT support if it happens again.",
        )
    }

    pub fn unreachable() -> ClientError {
        ClientError::new(
            ErrorCode::Unreachable,
            "Nationella läkemedelslistan går inte att nå – kontrollera nätverket och proxyinställningarna och försök igen.",
            "NLL cannot be reached – check the network and the proxy settings and try again.",
        )
    }

    pub fn malformed() -> ClientError {
        ClientError::new(
            ErrorCode::MalformedResponse,
            "Svaret från Nationella läkemedelslistan gick inte att läsa – försök igen, och kontakta IT-support om det upprepas.",
            "NLL's answer could not be read – try again, and contact IT support if it happens again.",
        )
    }

    /// The Patient lookup answered with a person other than the one asked for (or one without
    /// a number): nothing of it may be shown.
    pub fn other_patient() -> ClientError {
        ClientError::new(
            ErrorCode::MalformedResponse,
            "Nationella läkemedelslistan svarade med en annan patient än personnumret som söktes, så ingenting visas. Sök igen och kontakta IT-support om det upprepas.",
            "The National Medication List answered with another patient than the personnummer asked for, so nothing is shown. Search again, and contact IT support if it happens again.",
        )
    }

    pub fn too_large(limit_bytes: u64) -> ClientError {
        let mb = limit_bytes.div_ceil(1024 * 1024);
        ClientError::new(
            ErrorCode::ResponseTooLarge,
            format!(
                "Svaret från Nationella läkemedelslistan var större än tillåtet ({mb} MB), så listan visas inte – kontakta IT-support."
            ),
            format!(
                "NLL's answer was larger than allowed ({mb} MB), so the list is not shown – contact IT support."
            ),
        )
    }

    /// All answers of one lookup together over `max_lookup_bytes`.
    pub fn lookup_too_large(limit_bytes: u64) -> ClientError {
        let mb = limit_bytes.div_ceil(1024 * 1024);
        ClientError::new(
            ErrorCode::ResponseTooLarge,
            format!(
                "Svaren från Nationella läkemedelslistan var tillsammans större än tillåtet för en slagning ({mb} MB, max_lookup_bytes), så listan visas inte – kontakta IT-support."
            ),
            format!(
                "NLL's answers together were larger than allowed for one lookup ({mb} MB, max_lookup_bytes), so the list is not shown – contact IT support."
            ),
        )
    }

    pub fn too_many_pages(cap: u32) -> ClientError {
        ClientError::new(
            ErrorCode::TooManyPages,
            format!(
                "Listan har fler än {cap} sidor och skulle visas ofullständig, så den visas inte – kontakta IT-support."
            ),
            format!(
                "The list has more than {cap} pages and would be shown incomplete, so it is not shown – contact IT support."
            ),
        )
    }

    pub fn patient_not_found() -> ClientError {
        ClientError::new(
            ErrorCode::PatientNotFound,
            "Personnumret finns inte i Nationella läkemedelslistan – kontrollera numret och försök igen.",
            "The personal identity number is not in NLL – check the number and try again.",
        )
    }

    pub fn token_unavailable(detail_sv: &str, detail_en: &str) -> ClientError {
        ClientError::new(
            ErrorCode::TokenUnavailable,
            format!(
                "Ingen inloggning mot Nationella läkemedelslistan kunde hämtas ({}) – logga in igen eller kontrollera inställningarna.",
                trim_end_period(detail_sv)
            ),
            format!(
                "No login for NLL could be obtained ({}) – log in again or check the settings.",
                trim_end_period(detail_en)
            ),
        )
    }

    pub fn login_failed(oauth_error: &str) -> ClientError {
        // `oauth_error` is RFC 6749's fixed vocabulary (invalid_grant …), never a secret.
        let code: String = oauth_error
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
            .take(40)
            .collect();
        ClientError::new(
            ErrorCode::LoginFailed,
            format!(
                "Inloggningstjänsten nekade inloggningen ({code}) – logga in igen och kontrollera klientuppgifterna i inställningarna."
            ),
            format!(
                "The login service refused the login ({code}) – log in again and check the client credentials in the settings."
            ),
        )
    }

    /// The access log could not be written (or opened), so nothing is shown: no access without
    /// a log row. The message names the cause, since each has its own remedy.
    pub fn access_log_failed(f: &crate::access_log::LogFailure) -> ClientError {
        use crate::access_log::LogFailure as F;
        let (sv, en) = match f {
            F::DiskFull => (
                "Åtkomstloggen kunde inte skrivas eftersom disken är full, så uppgifterna visas inte – frigör utrymme på datorn eller kontakta IT-support.".to_string(),
                "The access log could not be written because the disk is full, so the data is not shown – free space on the computer or contact IT support.".to_string(),
            ),
            F::ReadOnly => (
                "Åtkomstloggen är skrivskyddad, så inga uppgifter hämtas eller visas – ge Receptdisk skrivrätt till loggfilen och dess mapp, eller kontakta IT-support.".to_string(),
                "The access log is read-only, so no data is fetched or shown – give Receptdisk write access to the log file and its folder, or contact IT support.".to_string(),
            ),
            F::Damaged => (
                "Åtkomstloggens fil är skadad, så inga uppgifter hämtas eller visas – radera inte filen; kontakta IT-support.".to_string(),
                "The access log file is damaged, so no data is fetched or shown – do not delete the file; contact IT support.".to_string(),
            ),
            F::Busy => (
                "Åtkomstloggen är låst av ett annat program, så uppgifterna visas inte – försök igen om en stund.".to_string(),
                "The access log is locked by another program, so the data is not shown – try again in a moment.".to_string(),
            ),
            F::Newer(v) => (
                format!("Åtkomstloggen är från en nyare version av Receptdisk (loggversion {v}, den här versionen skriver {}) och skrivs inte till, så inga uppgifter hämtas – uppdatera Receptdisk. Loggen kan fortfarande läsas.", crate::access_log::schema::VERSION),
                format!("The access log is from a newer version of Receptdisk (log version {v}, this version writes {}) and is not written to, so no data is fetched – update Receptdisk. The log can still be read.", crate::access_log::schema::VERSION),
            ),
            F::NoFolder => (
                "Det finns ingen datamapp för åtkomstloggen, så inga uppgifter hämtas – ange loggens sökväg i inställningarna.".to_string(),
                "There is no data folder for the access log, so no data is fetched – set the log's path in the settings.".to_string(),
            ),
            F::Other(code) => (
                format!("Åtkomstloggen kunde inte skrivas ({code}), så uppgifterna visas inte – kontakta IT-support."),
                format!("The access log could not be written ({code}), so the data is not shown – contact IT support."),
            ),
        };
        ClientError::new(ErrorCode::AccessLog, sv, en)
    }

    pub fn cancelled() -> ClientError {
        ClientError::new(
            ErrorCode::Cancelled,
            "Sökningen avbröts eftersom en ny sökning startades.",
            "The lookup was cancelled because a new one was started.",
        )
    }

    pub fn stale() -> ClientError {
        ClientError::new(
            ErrorCode::Stale,
            "Svaret gällde en tidigare kund eller sökning och visas därför inte – sök igen om det behövs.",
            "The answer belonged to an earlier customer or lookup and is not shown – search again if needed.",
        )
    }

    /// A question about a list that is no longer shown (a newer lookup, or the customer ended).
    pub fn list_gone() -> ClientError {
        ClientError::new(
            ErrorCode::Stale,
            "Receptlistan visas inte längre (ny sökning eller kunden avslutad) – sök fram patienten igen.",
            "The prescription list is no longer shown (a new lookup, or the customer was ended) – look the patient up again.",
        )
    }

    pub fn nothing_to_reveal() -> ClientError {
        ClientError::new(
            ErrorCode::NothingToReveal,
            "Det finns ingen dold uppgift att visa för den här kunden – sök fram patienten igen.",
            "There is no hidden item to show for this customer – look the patient up again.",
        )
    }

    /// An HTTP error status, with NLL's OperationOutcome if the body had one.
    pub fn from_status(status: u16, outcome: Option<&OperationOutcome>) -> ClientError {
        let issue = outcome.and_then(|o| o.main_issue());
        let nll_code = issue.and_then(|i| i.error_code()).map(clean_code);
        let text = issue
            .and_then(|i| i.text())
            .map(clean_text)
            .filter(|t| !t.is_empty());
        let said = |sv_default: &str| match &text {
            Some(t) => format!("{} ", trim_end_period(t)),
            None => sv_default.to_string(),
        };
        let (code, sv, en) = match status {
            401 => (
                ErrorCode::Unauthorized,
                "Inloggningen mot Nationella läkemedelslistan gäller inte längre – logga in igen och försök på nytt.".to_string(),
                "The login for NLL is no longer valid – log in again and retry.".to_string(),
            ),
            403 => (
                ErrorCode::Forbidden,
                format!(
                    "Nationella läkemedelslistan tillåter inte anropet: {}– välj ett ärende som din roll får använda, eller kontakta systemförvaltningen.",
                    said("åtkomsten är inte tillåten ")
                ),
                "NLL does not allow the request – choose a flow your role may use, or contact the system administrators.".to_string(),
            ),
            422 => (
                ErrorCode::NllRefused,
                format!(
                    "Nationella läkemedelslistan nekade åtkomst: {}– kontrollera ärendet och uppgifterna du angett.",
                    said("en kontroll gick inte igenom ")
                ),
                "NLL refused access – check the flow and the details you entered.".to_string(),
            ),
            404 => (
                ErrorCode::NotFound,
                format!(
                    "Nationella läkemedelslistan hittade inte uppgiften: {}– kontrollera uppgifterna och försök igen.",
                    said("den finns inte ")
                ),
                "NLL did not find the item – check the details and try again.".to_string(),
            ),
            429 => (
                ErrorCode::RateLimited,
                "Nationella läkemedelslistan tar emot för många anrop just nu – vänta en stund och försök igen.".to_string(),
                "NLL is receiving too many requests right now – wait a while and try again.".to_string(),
            ),
            s if (500..600).contains(&s) => (
                ErrorCode::ServerError,
                "Nationella läkemedelslistan har ett tekniskt fel just nu – försök igen om en stund, och kontakta IT-support om det upprepas.".to_string(),
                "NLL has a technical fault right now – try again in a while, and contact IT support if it happens again.".to_string(),
            ),
            _ => (
                ErrorCode::BadRequest,
                format!(
                    "Nationella läkemedelslistan kunde inte ta emot anropet: {}– kontakta systemförvaltningen och uppge referensnumret.",
                    said("anropet var felaktigt ")
                ),
                "NLL could not accept the request – contact the system administrators and give the reference number.".to_string(),
            ),
        };
        let mut e = ClientError::new(code, sv, en);
        e.nll_code = nll_code;
        e.http_status = Some(status);
        e
    }

    /// A failed `reqwest` call, classified by walking its causes (the top-level text is only
    /// "error sending request"; the TLS alert is several sources down).
    pub fn from_reqwest(err: &reqwest::Error) -> ClientError {
        let class = classify_transport(err);
        match class {
            TransportFault::Timeout => ClientError::timeout(),
            TransportFault::CertRejected => ClientError::certificate_rejected(false),
            TransportFault::PossiblyCertRejected => ClientError::certificate_rejected(true),
            TransportFault::ServerCertificate => ClientError::tls_failure(true),
            TransportFault::Tls => ClientError::tls_failure(false),
            TransportFault::Connect => ClientError::unreachable(),
            TransportFault::Body => ClientError::malformed(),
            TransportFault::Other => ClientError::unreachable(),
        }
    }
}

/// What went wrong below HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportFault {
    Timeout,
    /// The server sent a TLS alert about our certificate.
    CertRejected,
    /// The connection closed right after the handshake ("connection was not ready" in TLS 1.3
    /// when the server's alert races the first request).
    PossiblyCertRejected,
    /// The server's certificate failed verification.
    ServerCertificate,
    Tls,
    Connect,
    /// The body broke off (truncated answer).
    Body,
    Other,
}

impl TransportFault {
    /// Worth another attempt (GET only): a connection that never got going.
    pub fn is_connection_error(self) -> bool {
        matches!(self, TransportFault::Connect)
    }
}

pub fn classify_transport(err: &reqwest::Error) -> TransportFault {
    if err.is_timeout() {
        return TransportFault::Timeout;
    }
    let mut cur: Option<&(dyn StdError + 'static)> = Some(err);
    let mut text = String::new();
    while let Some(e) = cur {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return classify_rustls(tls);
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::TimedOut {
                return TransportFault::Timeout;
            }
            // `io::Error::source()` skips the wrapped error itself: look at it here.
            if let Some(tls) = io.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
                return classify_rustls(tls);
            }
        }
        text.push_str(&e.to_string().to_ascii_lowercase());
        text.push('\n');
        cur = e.source();
    }
    // An answer that broke off (e.g. "peer closed connection without sending TLS
    // close_notify" mid-body) is a broken answer, not a TLS set-up problem.
    if err.is_body() || err.is_decode() {
        return TransportFault::Body;
    }
    // The same alerts when only the text survives the wrapping.
    const CERT_ALERTS: [&str; 8] = [
        "certificaterequired",
        "badcertificate",
        "certificateexpired",
        "certificaterevoked",
        "certificateunknown",
        "unknownca",
        "accessdenied",
        "decrypterror",
    ];
    if CERT_ALERTS.iter().any(|a| text.contains(a)) {
        return TransportFault::CertRejected;
    }
    if text.contains("invalid peer certificate") {
        return TransportFault::ServerCertificate;
    }
    if text.contains("connection was not ready") {
        return TransportFault::PossiblyCertRejected;
    }
    if text.contains("tls") || text.contains("handshake") || text.contains("fatal alert") {
        return TransportFault::Tls;
    }
    if err.is_connect() {
        return TransportFault::Connect;
    }
    TransportFault::Other
}

fn classify_rustls(tls: &rustls::Error) -> TransportFault {
    use rustls::AlertDescription as A;
    match tls {
        // Alerts a server sends about the client's certificate. DecryptError: rustls answers a
        // client certificate from an unknown CA with it in practice (seen against the test
        // server), as it does a bad CertificateVerify signature.
        rustls::Error::AlertReceived(
            A::CertificateRequired
            | A::BadCertificate
            | A::CertificateExpired
            | A::CertificateRevoked
            | A::CertificateUnknown
            | A::UnsupportedCertificate
            | A::UnknownCA
            | A::AccessDenied
            | A::DecryptError,
        ) => TransportFault::CertRejected,
        rustls::Error::InvalidCertificate(_) => TransportFault::ServerCertificate,
        _ => TransportFault::Tls,
    }
}

/// How to start or unlock the keyring on this system, in one sentence.
pub fn keyring_help() -> (&'static str, &'static str) {
    if cfg!(target_os = "windows") {
        (
            "Windows Autentiseringshanteraren ska alltid finnas; logga ut och in igen, eller kontakta IT-support.",
            "Windows Credential Manager is always there; log out and in again, or contact IT support.",
        )
    } else if cfg!(target_os = "macos") {
        (
            "lås upp inloggningsnyckelringen i Nyckelhanterare (Keychain Access) och försök igen.",
            "unlock the login keychain in Keychain Access and try again.",
        )
    } else {
        (
            "starta nyckelringen genom att logga in i skrivbordet igen (eller kör gnome-keyring-daemon --start --components=secrets i sessionen) och lås upp den med ditt lösenord i Lösenord och nycklar (seahorse); finns den inte: apt install gnome-keyring.",
            "start the keyring by logging in to the desktop again (or run gnome-keyring-daemon --start --components=secrets in the session) and unlock it with your password in Passwords and Keys (seahorse); if it is missing: apt install gnome-keyring.",
        )
    }
}

fn trim_end_period(s: &str) -> &str {
    s.trim().trim_end_matches(['.', '!']).trim_end()
}

/// NLL's texts go to the screen: printable, one line, bounded.
fn clean_text(s: &str) -> String {
    let one_line: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let t = one_line.trim();
    if t.chars().count() > 300 {
        let mut cut: String = t.chars().take(300).collect();
        cut.push('…');
        cut
    } else {
        t.to_string()
    }
}

fn clean_code(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
        .take(40)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(code: &str, text: &str) -> OperationOutcome {
        let v = serde_json::json!({
            "resourceType": "OperationOutcome",
            "issue": [{ "severity": "error", "code": "business-rule",
                "details": { "coding": [{ "system": nll::fhir::SYSTEM_ERROR_CODES, "code": code }], "text": text } }]
        });
        match nll::model::Resource::from_value(v).unwrap() {
            nll::model::Resource::OperationOutcome(o) => o,
            other => panic!("not an OperationOutcome: {}", other.resource_type()),
        }
    }

    #[test]
    fn outcome_422_keeps_nll_text_and_code() {
        let e = ClientError::from_status(
            422,
            Some(&outcome(
                "2-25-153",
                "Det finns ingen aktiv fullmakt från patienten till ombudet.",
            )),
        );
        assert_eq!(e.code, ErrorCode::NllRefused);
        assert_eq!(e.nll_code.as_deref(), Some("2-25-153"));
        assert_eq!(
            e.message,
            "Nationella läkemedelslistan nekade åtkomst: Det finns ingen aktiv fullmakt från patienten till ombudet – kontrollera ärendet och uppgifterna du angett."
        );
        assert_eq!(e.exit_code(), 1);
    }

    #[test]
    fn statuses_map_to_codes_and_exit_classes() {
        let cases = [
            (400, ErrorCode::BadRequest, 1),
            (401, ErrorCode::Unauthorized, 1),
            (403, ErrorCode::Forbidden, 1),
            (404, ErrorCode::NotFound, 1),
            (422, ErrorCode::NllRefused, 1),
            (429, ErrorCode::RateLimited, 3),
            (500, ErrorCode::ServerError, 3),
            (502, ErrorCode::ServerError, 3),
            (503, ErrorCode::ServerError, 3),
        ];
        for (status, code, exit) in cases {
            let e = ClientError::from_status(status, None);
            assert_eq!(e.code, code, "{status}");
            assert_eq!(e.exit_code(), exit, "{status}");
            assert_eq!(e.http_status, Some(status));
            // One sentence: a single full stop, at the end.
            assert!(e.message.ends_with('.'), "{}", e.message);
            assert_eq!(
                e.message.matches(". ").count(),
                0,
                "more than one sentence: {}",
                e.message
            );
        }
    }

    #[test]
    fn nll_text_is_one_line_and_bounded() {
        let long = format!("rad ett\nrad två {}", "x".repeat(500));
        let e = ClientError::from_status(422, Some(&outcome("2-25-1\n56", &long)));
        assert!(!e.message.contains('\n'));
        assert!(e.message.chars().count() < 420);
        assert_eq!(e.nll_code.as_deref(), Some("2-25-156"));
    }

    #[test]
    fn serialises_for_the_ui() {
        let e = ClientError::timeout().with_request_id("abc");
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["code"], "timeout");
        assert_eq!(v["requestId"], "abc");
        assert!(v["message"].as_str().unwrap().starts_with("Nationella"));
        assert_eq!(ErrorCode::Timeout.exit_code(), 3);
        assert_eq!(ErrorCode::Config.exit_code(), 2);
    }
}
