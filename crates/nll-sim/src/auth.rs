//! The token exchange (EHM's Intygsväxling, OAuth 2.0 token exchange RFC 8693) for test users,
//! and the check of `Authorization: Bearer` on every NLL call.
//!
//! An access token looks like a JWT (`header.payload.nonce`): the payload carries the user's name,
//! HSA-id, role and the pharmacy's GLN so a client can show who it is logged in as. The third part
//! is a random nonce, not a signature: the server accepts only tokens it issued (looked up in its
//! own store), so editing the payload (say, the role) gives 401.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use nll::Role;
use serde::Serialize;
use serde_json::json;

use crate::catalogue::{idnum, PHARMACIES};
use crate::outcome::Problem;

/// A test user of the token exchange.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TestUser {
    /// What the client sends as `subject_token` (stands in for the e-ID assertion).
    pub login: &'static str,
    pub name: &'static str,
    pub hsa_id: &'static str,
    pub role: Role,
    /// Index into `PHARMACIES`.
    #[serde(skip)]
    pub pharmacy: usize,
}

impl TestUser {
    pub fn pharmacy_name(&self) -> &'static str {
        PHARMACIES[self.pharmacy].name
    }
    pub fn pharmacy_gln(&self) -> String {
        idnum::gln(PHARMACIES[self.pharmacy].gln12)
    }
}

pub static TEST_USERS: &[TestUser] = &[
    TestUser {
        login: "farmaceut",
        name: "Anna Lindqvist",
        hsa_id: "SE5565594230-F001",
        role: Role::Farmaceut,
        pharmacy: 0,
    },
    TestUser {
        login: "apotekspersonal",
        name: "Erik Johansson",
        hsa_id: "SE5565594230-A002",
        role: Role::Apotekspersonal,
        pharmacy: 0,
    },
    TestUser {
        login: "farmaceut-goteborg",
        name: "Fatima Haddad",
        hsa_id: "SE5565594230-F003",
        role: Role::Farmaceut,
        pharmacy: 1,
    },
];

pub fn user(login: &str) -> Option<&'static TestUser> {
    TEST_USERS.iter().find(|u| u.login == login)
}

pub const GRANT_TOKEN_EXCHANGE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
pub const GRANT_REFRESH: &str = "refresh_token";
pub const TOKEN_TYPE_ACCESS: &str = "urn:ietf:params:oauth:token-type:access_token";
/// Subject token types accepted (what the e-ID/IdP step would hand over).
pub const SUBJECT_TOKEN_TYPES: &[&str] = &[
    "urn:ietf:params:oauth:token-type:saml2",
    "urn:ietf:params:oauth:token-type:id_token",
    "urn:ietf:params:oauth:token-type:jwt",
    "urn:ietf:params:oauth:token-type:access_token",
];

#[derive(Debug, Clone)]
struct Issued {
    user: &'static TestUser,
    expires: Instant,
}

/// Issued access and refresh tokens.
#[derive(Debug)]
pub struct Tokens {
    access_ttl: Duration,
    refresh_ttl: Duration,
    inner: Mutex<TokenMaps>,
}

#[derive(Debug, Default)]
struct TokenMaps {
    access: HashMap<String, Issued>,
    refresh: HashMap<String, Issued>,
}

/// A successful token response (RFC 6749 §5.1 + RFC 8693 §2.2.1).
#[derive(Debug, Clone, Serialize)]
pub struct TokenResponse {
    pub access_token: String,
    pub issued_token_type: &'static str,
    pub token_type: &'static str,
    pub expires_in: u64,
    pub refresh_token: String,
    pub refresh_expires_in: u64,
    pub scope: &'static str,
}

/// An OAuth error (RFC 6749 §5.2): `invalid_request`, `invalid_grant`, `unsupported_grant_type`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    pub error: &'static str,
    pub description: String,
}

impl OAuthError {
    fn new(error: &'static str, description: impl Into<String>) -> OAuthError {
        OAuthError {
            error,
            description: description.into(),
        }
    }
    pub fn body(&self) -> serde_json::Value {
        json!({ "error": self.error, "error_description": self.description })
    }
}

fn random_part() -> String {
    let a = uuid::Uuid::new_v4();
    let b = uuid::Uuid::new_v4();
    let mut bytes = a.as_bytes().to_vec();
    bytes.extend_from_slice(b.as_bytes());
    URL_SAFE_NO_PAD.encode(bytes)
}

impl Tokens {
    pub fn new(access_ttl: Duration, refresh_ttl: Duration) -> Tokens {
        Tokens {
            access_ttl,
            refresh_ttl,
            inner: Mutex::new(TokenMaps::default()),
        }
    }

    /// Issues an access token and a refresh token for a user.
    pub fn issue(&self, user: &'static TestUser) -> TokenResponse {
        let now = Instant::now();
        let exp =
            chrono::Utc::now() + chrono::Duration::from_std(self.access_ttl).unwrap_or_default();
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"at+jwt"}"#);
        let claims = json!({
            "iss": "nll-sim",
            "sub": user.hsa_id,
            "name": user.name,
            "role": user.role,
            "gln": user.pharmacy_gln(),
            "orgName": user.pharmacy_name(),
            "iat": chrono::Utc::now().timestamp(),
            "exp": exp.timestamp(),
            "jti": uuid::Uuid::new_v4().to_string(),
        });
        let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
        let access = format!("{header}.{payload}.{}", random_part());
        let refresh = format!("rt.{}", random_part());
        let mut m = self.inner.lock().expect("token store");
        m.access.insert(
            access.clone(),
            Issued {
                user,
                expires: now + self.access_ttl,
            },
        );
        m.refresh.insert(
            refresh.clone(),
            Issued {
                user,
                expires: now + self.refresh_ttl,
            },
        );
        TokenResponse {
            access_token: access,
            issued_token_type: TOKEN_TYPE_ACCESS,
            token_type: "Bearer",
            expires_in: self.access_ttl.as_secs(),
            refresh_token: refresh,
            refresh_expires_in: self.refresh_ttl.as_secs(),
            scope: "nll",
        }
    }

    /// Handles one form-encoded token request.
    pub fn exchange(&self, form: &HashMap<String, String>) -> Result<TokenResponse, OAuthError> {
        let field = |k: &str| form.get(k).map(String::as_str).filter(|v| !v.is_empty());
        match field("grant_type") {
            Some(GRANT_TOKEN_EXCHANGE) => {
                let subject = field("subject_token")
                    .ok_or_else(|| OAuthError::new("invalid_request", "subject_token saknas"))?;
                let kind = field("subject_token_type").ok_or_else(|| {
                    OAuthError::new("invalid_request", "subject_token_type saknas")
                })?;
                if !SUBJECT_TOKEN_TYPES.contains(&kind) {
                    return Err(OAuthError::new(
                        "invalid_request",
                        format!("subject_token_type stöds inte: {kind}"),
                    ));
                }
                let user = user(subject).ok_or_else(|| {
                    OAuthError::new(
                        "invalid_grant",
                        "Okänd användare (subject_token) i testmiljön",
                    )
                })?;
                Ok(self.issue(user))
            }
            Some(GRANT_REFRESH) => {
                let rt = field("refresh_token")
                    .ok_or_else(|| OAuthError::new("invalid_request", "refresh_token saknas"))?;
                // Refresh tokens rotate: each can be used once.
                let issued = self.inner.lock().expect("token store").refresh.remove(rt);
                match issued {
                    Some(i) if i.expires > Instant::now() => Ok(self.issue(i.user)),
                    Some(_) => Err(OAuthError::new(
                        "invalid_grant",
                        "refresh_token har gått ut",
                    )),
                    None => Err(OAuthError::new(
                        "invalid_grant",
                        "Okänd eller redan använd refresh_token",
                    )),
                }
            }
            Some(other) => Err(OAuthError::new(
                "unsupported_grant_type",
                format!("grant_type stöds inte: {other}"),
            )),
            None => Err(OAuthError::new("invalid_request", "grant_type saknas")),
        }
    }

    /// The user behind an `Authorization` header value.
    pub fn check(&self, authorization: Option<&str>) -> Result<&'static TestUser, Problem> {
        let value = authorization.ok_or(Problem::NoToken)?;
        let token = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(Problem::BadToken)?;
        let m = self.inner.lock().expect("token store");
        match m.access.get(token) {
            Some(i) if i.expires > Instant::now() => Ok(i.user),
            Some(_) => Err(Problem::ExpiredToken),
            None => Err(Problem::BadToken),
        }
    }

    /// Makes every access token expired (refresh tokens stay valid): for tests of 401 + refresh.
    pub fn expire_access_tokens(&self) {
        let past = Instant::now();
        let mut m = self.inner.lock().expect("token store");
        for i in m.access.values_mut() {
            i.expires = past;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn exchange_refresh_and_expiry() {
        let t = Tokens::new(Duration::from_secs(60), Duration::from_secs(600));
        let r = t
            .exchange(&form(&[
                ("grant_type", GRANT_TOKEN_EXCHANGE),
                ("subject_token", "apotekspersonal"),
                ("subject_token_type", SUBJECT_TOKEN_TYPES[0]),
            ]))
            .unwrap();
        let bearer = format!("Bearer {}", r.access_token);
        assert_eq!(t.check(Some(&bearer)).unwrap().role, Role::Apotekspersonal);
        // The payload is readable and names the role and the pharmacy's GLN.
        let payload = r.access_token.split('.').nth(1).unwrap();
        let claims: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
        assert_eq!(claims["role"], "APOTEKSPERSONAL");
        assert_eq!(claims["gln"].as_str().unwrap().len(), 13);

        t.expire_access_tokens();
        assert_eq!(t.check(Some(&bearer)).unwrap_err(), Problem::ExpiredToken);
        let r2 = t
            .exchange(&form(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", &r.refresh_token),
            ]))
            .unwrap();
        assert!(t
            .check(Some(&format!("Bearer {}", r2.access_token)))
            .is_ok());
        // Rotated: the old refresh token is spent.
        let again = t.exchange(&form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", &r.refresh_token),
        ]));
        assert_eq!(again.unwrap_err().error, "invalid_grant");
    }

    #[test]
    fn forged_or_missing_tokens_are_refused() {
        let t = Tokens::new(Duration::from_secs(60), Duration::from_secs(600));
        let r = t.issue(user("apotekspersonal").unwrap());
        let mut parts: Vec<String> = r.access_token.split('.').map(String::from).collect();
        parts[1] = URL_SAFE_NO_PAD.encode(r#"{"role":"FARMACEUT"}"#);
        assert_eq!(
            t.check(Some(&format!("Bearer {}", parts.join("."))))
                .unwrap_err(),
            Problem::BadToken
        );
        assert_eq!(t.check(None).unwrap_err(), Problem::NoToken);
        assert_eq!(t.check(Some("Basic abc")).unwrap_err(), Problem::BadToken);
        let bad = t.exchange(&form(&[
            ("grant_type", GRANT_TOKEN_EXCHANGE),
            ("subject_token", "okand"),
            ("subject_token_type", SUBJECT_TOKEN_TYPES[0]),
        ]));
        assert_eq!(bad.unwrap_err().error, "invalid_grant");
        assert_eq!(
            t.exchange(&form(&[("grant_type", "password")]))
                .unwrap_err()
                .error,
            "unsupported_grant_type"
        );
    }
}
