//! Every refusal the server gives, as NLL gives it: an HTTP status and an `OperationOutcome`
//! with a FHIR issue code, an NLL-style error code (`2-25-nnn`, system
//! `nll::fhir::SYSTEM_ERROR_CODES`) in `issue.details.coding` and a Swedish text.
//!
//! The codes are this server's own (NLL's real table was not available, NLL.md §11): stable, one
//! per rule, listed in the README so tests and the client's help texts can name them.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use nll::policy::DenialRule;
use serde_json::json;

use crate::resources::fhir_json_response;

/// Why a request was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    // 401
    NoToken,
    BadToken,
    ExpiredToken,
    // 400
    MissingPurpose,
    MissingAccess,
    UnknownPurpose(String),
    UnknownAccess(String),
    MissingPatientRef,
    PatientRefMismatch,
    BadParameter(String),
    MissingAgentId,
    MissingGuardianId,
    BadPersonId(&'static str),
    /// `X-User-Agent` or `X-Org-Info` is not the JSON object NLL.md §2 describes, in either
    /// encoding; the text names the header and what is wrong.
    BadJsonHeader(String),
    // 403
    CombinationNotValid,
    RoleNotAllowed,
    ResourceNotAllowed,
    OnePrescriptionOnly,
    // 422
    /// `nll::policy::Policy::evaluate` refused with the patient's real facts; `text` is the
    /// policy's Swedish sentence naming the rule.
    Denied {
        rule: DenialRule,
        text: String,
    },
    // 404
    NotFound,
    NotSupported(String),
}

impl Problem {
    /// HTTP status, FHIR issue code, NLL-style code, Swedish text.
    pub fn parts(&self) -> (StatusCode, &'static str, &'static str, String) {
        use Problem::*;
        let s = |t: &str| t.to_string();
        match self {
            NoToken => (StatusCode::UNAUTHORIZED, "login", "2-25-101", s("Åtkomstbiljett (Authorization: Bearer) saknas.")),
            BadToken => (StatusCode::UNAUTHORIZED, "login", "2-25-102", s("Åtkomstbiljetten är ogiltig. Logga in igen.")),
            ExpiredToken => (StatusCode::UNAUTHORIZED, "expired", "2-25-103", s("Åtkomstbiljetten har gått ut. Förnya den eller logga in igen.")),
            MissingPurpose => (StatusCode::BAD_REQUEST, "required", "2-25-110", s("Ändamål (X-Purpose) saknas i anropet.")),
            MissingAccess => (StatusCode::BAD_REQUEST, "required", "2-25-111", s("Åtkomsttyp (X-Access) saknas i anropet.")),
            UnknownPurpose(c) => (StatusCode::BAD_REQUEST, "value", "2-25-112", format!("Okänt ändamål i X-Purpose: {c}.")),
            UnknownAccess(c) => (StatusCode::BAD_REQUEST, "value", "2-25-113", format!("Okänd åtkomsttyp i X-Access: {c}.")),
            MissingPatientRef => (StatusCode::BAD_REQUEST, "required", "2-25-114", s("Patientreferens (X-PatientRef) saknas i anropet.")),
            PatientRefMismatch => (StatusCode::BAD_REQUEST, "value", "2-25-115", s("Patientreferensen (X-PatientRef) stämmer inte med patienten i anropet.")),
            BadParameter(p) => (StatusCode::BAD_REQUEST, "invalid", "2-25-116", format!("Felaktig eller saknad sökparameter: {p}.")),
            MissingAgentId => (StatusCode::BAD_REQUEST, "required", "2-25-117", s("Ombudets personnummer (X-Agent-Id) saknas i anropet.")),
            MissingGuardianId => (StatusCode::BAD_REQUEST, "required", "2-25-118", s("Vårdnadshavarens personnummer (X-Guardian-Id) saknas i anropet.")),
            BadPersonId(h) => (StatusCode::BAD_REQUEST, "value", "2-25-119", format!("Personnumret i {h} är ogiltigt (12 siffror med giltig kontrollsiffra).")),
            BadJsonHeader(text) => (StatusCode::BAD_REQUEST, "value", "2-25-120", format!("{text}. Skicka ett JSON-objekt, Base64-kodat eller som ren ASCII-JSON.")),
            CombinationNotValid => (StatusCode::FORBIDDEN, "forbidden", "2-25-130", s("Kombinationen av ändamål och åtkomsttyp är inte giltig för apotek.")),
            RoleNotAllowed => (StatusCode::FORBIDDEN, "forbidden", "2-25-131", s("Din behörighetsroll får inte använda denna kombination av ändamål och åtkomsttyp.")),
            ResourceNotAllowed => (StatusCode::FORBIDDEN, "forbidden", "2-25-132", s("Resursen får inte läsas med denna kombination av ändamål och åtkomsttyp.")),
            OnePrescriptionOnly => (StatusCode::FORBIDDEN, "forbidden", "2-25-133", s("Åtkomsttypen gäller behandlingsorsaken för en enskild förskrivning: ange förskrivningens id.")),
            Denied { rule, text } => (StatusCode::UNPROCESSABLE_ENTITY, "business-rule", denial_code(*rule), text.clone()),
            NotFound => (StatusCode::NOT_FOUND, "not-found", "2-25-190", s("Resursen finns inte.")),
            NotSupported(what) => (StatusCode::NOT_FOUND, "not-supported", "2-25-191", format!("Stöds inte av tjänsten: {what}.")),
        }
    }

    pub fn status(&self) -> StatusCode {
        self.parts().0
    }

    pub fn code(&self) -> &'static str {
        self.parts().2
    }
}

/// The NLL-style code of each rule `Policy::evaluate` can break with the patient's facts.
pub fn denial_code(rule: DenialRule) -> &'static str {
    match rule {
        DenialRule::GuardianOfChild13OrOlder => "2-25-150",
        DenialRule::PatientTooOld => "2-25-151",
        DenialRule::NoGuardianRelation => "2-25-152",
        DenialRule::NoPowerOfAttorney => "2-25-153",
        DenialRule::NoDosConsent => "2-25-154",
        DenialRule::ProtectedPatientForAgentOrGuardian => "2-25-155",
        // Not reachable from a request (the server counts consent and identity as asserted by
        // the access type; role and missing people have their own codes), kept total.
        DenialRule::WrongRole
        | DenialRule::ConsentMissing
        | DenialRule::IdentityNotChecked
        | DenialRule::AgentMissing
        | DenialRule::GuardianMissing
        | DenialRule::PowerOfAttorneyUnverified
        | DenialRule::PrintoutNotAllowed => "2-25-156",
    }
}

/// An OperationOutcome body.
pub fn operation_outcome(issue_code: &str, nll_code: &str, text: &str) -> serde_json::Value {
    json!({
        "resourceType": "OperationOutcome",
        "meta": { "profile": [nll::fhir::PROFILE_OPERATION_OUTCOME] },
        "issue": [{
            "severity": "error",
            "code": issue_code,
            "details": {
                "coding": [{ "system": nll::fhir::SYSTEM_ERROR_CODES, "code": nll_code }],
                "text": text
            },
            "diagnostics": text
        }]
    })
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let (status, issue, code, text) = self.parts();
        let mut resp = fhir_json_response(status, &operation_outcome(issue, code, &text));
        if status == StatusCode::UNAUTHORIZED {
            let err = if matches!(self, Problem::NoToken) {
                "invalid_request"
            } else {
                "invalid_token"
            };
            if let Ok(v) = HeaderValue::from_str(&format!("Bearer realm=\"nll\", error=\"{err}\""))
            {
                resp.headers_mut()
                    .insert(axum::http::header::WWW_AUTHENTICATE, v);
            }
        }
        resp
    }
}
