//! Where the access token comes from, chosen in the configuration:
//!
//! - **OAuth 2.0 token exchange** (RFC 8693; EHM's Intygsväxling): the user's assertion (from a
//!   command run after the e-ID login, or fixed in a test environment) is exchanged for an
//!   access token, with the client authenticated by id and secret (HTTP Basic, RFC 6749
//!   §2.3.1; the secret from the OS keyring). The token is refreshed with the refresh token
//!   `refresh_margin_s` before it expires, and on a 401.
//! - **Token command**: a program whose standard output is the token, like a credential helper
//!   (for pharmacies whose e-ID login hands out tokens). Reused until it expires (`exp` in a
//!   JWT-shaped token) or for `cache_seconds`, and asked again after a 401.
//! - **Static token** (test environments): inline in the configuration or from the keyring.
//!
//! Tokens are [`Secret`]s: never in `Debug`, logs or error texts. The command's output and
//! error stream are never quoted either.

use std::process::Stdio;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use nll::Role;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::config::{
    TokenConfig, DEFAULT_CLIENT_ID_ACCOUNT, DEFAULT_CLIENT_SECRET_ACCOUNT,
    DEFAULT_STATIC_TOKEN_ACCOUNT,
};
use crate::error::ClientError;
use crate::secrets::{Secret, SecretStore};
use crate::transport::{Answer, Transport};

pub const GRANT_TOKEN_EXCHANGE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
pub const TOKEN_TYPE_ACCESS: &str = "urn:ietf:params:oauth:token-type:access_token";

/// What a JWT-shaped token says about the user (read, not verified: NLL verifies it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TokenClaims {
    /// The user's HSA-id.
    #[serde(default)]
    pub sub: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub role: Option<Role>,
    /// The pharmacy's GLN.
    #[serde(default)]
    pub gln: Option<String>,
    #[serde(default)]
    pub org_name: Option<String>,
    /// Expiry, seconds since 1970.
    #[serde(default)]
    #[ts(type = "number | null")]
    pub exp: Option<i64>,
}

/// The claims of a `header.payload.signature` token; empty when it is not one.
pub fn decode_claims(token: &str) -> TokenClaims {
    let mut parts = token.split('.');
    let (Some(_), Some(payload), Some(_)) = (parts.next(), parts.next(), parts.next()) else {
        return TokenClaims::default();
    };
    let bytes = URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .unwrap_or_default();
    #[derive(Deserialize)]
    struct Raw {
        sub: Option<String>,
        name: Option<String>,
        role: Option<String>,
        gln: Option<String>,
        #[serde(rename = "orgName")]
        org_name: Option<String>,
        exp: Option<i64>,
    }
    match serde_json::from_slice::<Raw>(&bytes) {
        Ok(r) => TokenClaims {
            sub: r.sub,
            name: r.name,
            role: r
                .role
                .and_then(|s| serde_json::from_value(serde_json::Value::String(s)).ok()),
            gln: r.gln,
            org_name: r.org_name,
            exp: r.exp,
        },
        Err(_) => TokenClaims::default(),
    }
}

enum Subject {
    Fixed(Secret),
    Command(Vec<String>, Duration),
}

enum Source {
    Static(Secret),
    Command {
        command: Vec<String>,
        timeout: Duration,
        cache: Duration,
    },
    Exchange {
        token_url: String,
        client_id: Secret,
        client_secret: Option<Secret>,
        subject: Subject,
        subject_type: String,
        margin: Duration,
        scope: Option<String>,
    },
}

struct Cached {
    access: Secret,
    /// `None` = no known expiry (static).
    expires: Option<Instant>,
    refresh: Option<Secret>,
}

/// Hands out a valid access token; one refresh at a time.
pub struct TokenProvider {
    source: Source,
    transport: Transport,
    cache: tokio::sync::Mutex<Option<Cached>>,
}

impl std::fmt::Debug for TokenProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.source {
            Source::Static(_) => "static",
            Source::Command { .. } => "command",
            Source::Exchange { .. } => "oauth2-exchange",
        };
        f.debug_struct("TokenProvider")
            .field("source", &kind)
            .finish_non_exhaustive()
    }
}

impl TokenProvider {
    pub fn new(
        cfg: &TokenConfig,
        secrets: &dyn SecretStore,
        transport: Transport,
    ) -> Result<TokenProvider, ClientError> {
        let source = match cfg {
            TokenConfig::Static { token, keyring } => match (token, keyring) {
                (Some(t), _) => Source::Static(Secret::new(t.trim())),
                (None, k) => Source::Static(
                    secrets.get(k.as_deref().unwrap_or(DEFAULT_STATIC_TOKEN_ACCOUNT))?,
                ),
            },
            TokenConfig::Command {
                command,
                timeout_ms,
                cache_seconds,
            } => Source::Command {
                command: command.clone(),
                timeout: Duration::from_millis(*timeout_ms),
                cache: Duration::from_secs(*cache_seconds),
            },
            TokenConfig::Oauth2Exchange {
                token_url,
                client_id,
                client_id_keyring,
                client_secret_keyring,
                subject_token,
                subject_token_command,
                subject_token_type,
                refresh_margin_s,
                scope,
            } => {
                let client_id = match client_id {
                    Some(id) => Secret::new(id.clone()),
                    None => secrets.get(
                        client_id_keyring
                            .as_deref()
                            .unwrap_or(DEFAULT_CLIENT_ID_ACCOUNT),
                    )?,
                };
                let client_secret = Some(
                    secrets.get(
                        client_secret_keyring
                            .as_deref()
                            .unwrap_or(DEFAULT_CLIENT_SECRET_ACCOUNT),
                    )?,
                );
                let subject = match (subject_token_command, subject_token) {
                    (Some(cmd), _) if !cmd.is_empty() => {
                        Subject::Command(cmd.clone(), Duration::from_secs(60))
                    }
                    (_, Some(s)) => Subject::Fixed(Secret::new(s.clone())),
                    _ => {
                        return Err(ClientError::config(
                            "token: subject_token_command saknas",
                            "token: subject_token_command is missing",
                        ))
                    }
                };
                Source::Exchange {
                    token_url: token_url.clone(),
                    client_id,
                    client_secret,
                    subject,
                    subject_type: subject_token_type.clone(),
                    margin: Duration::from_secs(*refresh_margin_s),
                    scope: scope.clone(),
                }
            }
        };
        Ok(TokenProvider {
            source,
            transport,
            cache: tokio::sync::Mutex::new(None),
        })
    }

    /// Can a new token be had after a 401 (not for a static token)?
    pub fn renewable(&self) -> bool {
        !matches!(self.source, Source::Static(_))
    }

    /// Forget the access token (after a 401); a refresh token is kept.
    pub async fn invalidate(&self) {
        if let Some(c) = self.cache.lock().await.as_mut() {
            c.expires = Some(Instant::now());
        }
    }

    /// A token valid for at least the refresh margin.
    pub async fn token(&self) -> Result<Secret, ClientError> {
        let mut cache = self.cache.lock().await;
        let now = Instant::now();
        let margin = match &self.source {
            Source::Exchange { margin, .. } => *margin,
            _ => Duration::from_secs(5),
        };
        if let Some(c) = cache.as_ref() {
            if c.expires.is_none_or(|e| now + margin < e) {
                return Ok(c.access.clone());
            }
        }
        let fresh = match &self.source {
            Source::Static(t) => Cached {
                access: t.clone(),
                expires: None,
                refresh: None,
            },
            Source::Command {
                command,
                timeout,
                cache: keep,
            } => {
                let t = run_command(command, *timeout).await?;
                let expires = expiry_of(&t, now).unwrap_or(now + *keep);
                Cached {
                    access: t,
                    expires: Some(expires),
                    refresh: None,
                }
            }
            Source::Exchange { .. } => {
                let refresh = cache.as_ref().and_then(|c| c.refresh.clone());
                let refreshed = match refresh {
                    Some(rt) => self.refresh_grant(&rt).await.ok(),
                    None => None,
                };
                match refreshed {
                    Some(c) => c,
                    None => self.exchange().await?,
                }
            }
        };
        let t = fresh.access.clone();
        *cache = Some(fresh);
        Ok(t)
    }

    async fn exchange(&self) -> Result<Cached, ClientError> {
        let Source::Exchange {
            subject,
            subject_type,
            scope,
            ..
        } = &self.source
        else {
            unreachable!("exchange on a non-exchange source");
        };
        let subject = match subject {
            Subject::Fixed(s) => s.clone(),
            Subject::Command(cmd, timeout) => run_command(cmd, *timeout).await?,
        };
        let mut form: Vec<(&str, &str)> = vec![
            ("grant_type", GRANT_TOKEN_EXCHANGE),
            ("subject_token", subject.expose()),
            ("subject_token_type", subject_type),
            ("requested_token_type", TOKEN_TYPE_ACCESS),
        ];
        if let Some(s) = scope {
            form.push(("scope", s));
        }
        self.token_request(&form).await
    }

    async fn refresh_grant(&self, refresh: &Secret) -> Result<Cached, ClientError> {
        self.token_request(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh.expose()),
        ])
        .await
    }

    async fn token_request(&self, form: &[(&str, &str)]) -> Result<Cached, ClientError> {
        let Source::Exchange {
            token_url,
            client_id,
            client_secret,
            ..
        } = &self.source
        else {
            unreachable!("token request on a non-exchange source");
        };
        let basic = format!(
            "{}:{}",
            crate::transport::form_encode(client_id.expose()),
            client_secret
                .as_ref()
                .map(|s| crate::transport::form_encode(s.expose()))
                .unwrap_or_default()
        );
        let headers = [("Authorization", format!("Basic {}", STANDARD.encode(basic)))];
        let now = Instant::now();
        let answer = self
            .transport
            .post_form(token_url, &headers, form)
            .await
            .map_err(|f| f.error)?;
        parse_token_answer(&answer, now)
    }
}

fn parse_token_answer(a: &Answer, now: Instant) -> Result<Cached, ClientError> {
    #[derive(Deserialize)]
    struct Ok_ {
        access_token: String,
        expires_in: Option<u64>,
        refresh_token: Option<String>,
    }
    #[derive(Deserialize)]
    struct Err_ {
        error: String,
    }
    if a.is_success() {
        let ok: Ok_ = serde_json::from_slice(&a.body).map_err(|_| {
            ClientError::token_unavailable(
                "tokentjänstens svar gick inte att läsa",
                "the token service's answer could not be read",
            )
        })?;
        let access = Secret::new(ok.access_token);
        let expires = ok
            .expires_in
            .map(|s| now + Duration::from_secs(s))
            .or_else(|| expiry_of(&access, now))
            .unwrap_or(now + Duration::from_secs(300));
        return Ok(Cached {
            access,
            expires: Some(expires),
            refresh: ok.refresh_token.map(Secret::new),
        });
    }
    if matches!(a.status, 400 | 401) {
        if let Ok(e) = serde_json::from_slice::<Err_>(&a.body) {
            return Err(ClientError::login_failed(&e.error));
        }
    }
    let mut e = ClientError::from_status(a.status, None);
    if a.status < 500 {
        e = ClientError::token_unavailable(
            &format!("tokentjänsten svarade {}", a.status),
            &format!("the token service answered {}", a.status),
        );
    }
    Err(e)
}

/// When a JWT-shaped token expires, as an `Instant`.
fn expiry_of(token: &Secret, now: Instant) -> Option<Instant> {
    let exp = decode_claims(token.expose()).exp?;
    let left = exp - chrono::Utc::now().timestamp();
    Some(now + Duration::from_secs(left.max(0) as u64))
}

/// Runs a token command; its trimmed standard output is the token.
async fn run_command(command: &[String], timeout: Duration) -> Result<Secret, ClientError> {
    let (prog, args) = command.split_first().ok_or_else(|| {
        ClientError::config("tokenkommandot är tomt", "the token command is empty")
    })?;
    let child = tokio::process::Command::new(prog)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| {
            ClientError::token_unavailable(
                &format!("tokenkommandot {prog} kunde inte startas: {}", e.kind()),
                &format!(
                    "the token command {prog} could not be started: {}",
                    e.kind()
                ),
            )
        })?;
    let out = tokio::time::timeout(timeout, child.wait_with_output())
        .await
        .map_err(|_| {
            ClientError::token_unavailable(
                "tokenkommandot svarade inte i tid",
                "the token command did not answer in time",
            )
        })?
        .map_err(|e| {
            ClientError::token_unavailable(
                &format!("tokenkommandot misslyckades: {}", e.kind()),
                &format!("the token command failed: {}", e.kind()),
            )
        })?;
    if !out.status.success() {
        let code = out
            .status
            .code()
            .map(|c| c.to_string())
            .unwrap_or_else(|| "signal".into());
        return Err(ClientError::token_unavailable(
            &format!("tokenkommandot avslutades med felkod {code}"),
            &format!("the token command exited with code {code}"),
        ));
    }
    let text = String::from_utf8(out.stdout).unwrap_or_default();
    let token = text.trim();
    if token.is_empty() || !token.bytes().all(|b| (0x21..0x7f).contains(&b)) {
        return Err(ClientError::token_unavailable(
            "tokenkommandot skrev ingen giltig token",
            "the token command printed no valid token",
        ));
    }
    Ok(Secret::new(token))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(payload: &str) -> String {
        format!(
            "{}.{}.sig",
            URL_SAFE_NO_PAD.encode("{\"alg\":\"none\"}"),
            URL_SAFE_NO_PAD.encode(payload)
        )
    }

    #[test]
    fn claims_from_a_jwt_shaped_token() {
        let c = decode_claims(&jwt(
            r#"{"sub":"SE5565594230-F001","name":"Anna Lindqvist","role":"FARMACEUT","gln":"7350012345013","orgName":"Apotek Kronan","exp":2000000000}"#,
        ));
        assert_eq!(c.role, Some(Role::Farmaceut));
        assert_eq!(c.sub.as_deref(), Some("SE5565594230-F001"));
        assert_eq!(c.org_name.as_deref(), Some("Apotek Kronan"));
        assert_eq!(c.exp, Some(2_000_000_000));
        assert_eq!(decode_claims("opaque-token"), TokenClaims::default());
        assert_eq!(
            decode_claims(&jwt(r#"{"role":"KUNG"}"#)).role,
            None,
            "an unknown role is not guessed"
        );
    }

    #[tokio::test]
    async fn command_output_is_the_token_and_failures_never_quote_it() {
        let ok = run_command(
            &["sh".into(), "-c".into(), "printf ' tok-123\\n'".into()],
            Duration::from_secs(5),
        )
        .await
        .unwrap();
        assert_eq!(ok.expose(), "tok-123");

        let e = run_command(
            &[
                "sh".into(),
                "-c".into(),
                "echo hemlig-456; echo hemlig-789 >&2; exit 3".into(),
            ],
            Duration::from_secs(5),
        )
        .await
        .unwrap_err();
        assert!(e.message.contains("felkod 3"), "{}", e.message);
        let all = format!("{e:?}{}", serde_json::to_string(&e).unwrap());
        assert!(!all.contains("hemlig"), "{all}");

        let e = run_command(
            &["sh".into(), "-c".into(), "sleep 5".into()],
            Duration::from_millis(100),
        )
        .await
        .unwrap_err();
        assert!(e.message.contains("i tid"), "{}", e.message);

        let e = run_command(&["/nonexistent/tokenhelper".into()], Duration::from_secs(1))
            .await
            .unwrap_err();
        assert_eq!(e.code, crate::error::ErrorCode::TokenUnavailable);
    }

    #[test]
    fn token_answers() {
        let now = Instant::now();
        let a = |status: u16, body: &str| Answer {
            status,
            content_type: Some("application/json".into()),
            retry_after: None,
            body: body.as_bytes().to_vec(),
        };
        let c = parse_token_answer(
            &a(
                200,
                r#"{"access_token":"at-1","expires_in":900,"refresh_token":"rt-1"}"#,
            ),
            now,
        )
        .unwrap();
        assert_eq!(c.access.expose(), "at-1");
        assert_eq!(c.expires, Some(now + Duration::from_secs(900)));
        let e = parse_token_answer(
            &a(
                400,
                r#"{"error":"invalid_grant","error_description":"rt-1 hemlig"}"#,
            ),
            now,
        )
        .err()
        .unwrap();
        assert_eq!(e.code, crate::error::ErrorCode::LoginFailed);
        assert!(e.message.contains("invalid_grant"));
        assert!(!e.message.contains("hemlig"));
        let e = parse_token_answer(&a(503, ""), now).err().unwrap();
        assert_eq!(e.code, crate::error::ErrorCode::ServerError);
    }
}
