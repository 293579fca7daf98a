//! [`NllClient`]: one per configured NLL endpoint — transport, token source, policy, header
//! inputs and the access log. Counter sessions ([`crate::Counter`]) share it.

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use nll::headers::{OrgInfo, UserAgent};
use nll::policy::Policy;
use nll::Role;
use serde::Serialize;
use ts_rs::TS;

use crate::access_log::patient_key::ChainKey;
use crate::access_log::AccessLog;
use crate::config::{check_url, ClientConfig};
use crate::error::ClientError;
use crate::secrets::SecretStore;
use crate::token::{decode_claims, TokenProvider};
use crate::transport::Transport;

/// Product name in `X-User-Agent`.
pub const PRODUCT: &str = "Receptdisk";

/// `X-User-Agent`: this product and its version, nothing more (NLL.md §2).
pub fn user_agent() -> UserAgent {
    UserAgent::new(PRODUCT, env!("CARGO_PKG_VERSION"))
}

/// Who is signed in, as the requests and the access log name them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UserInfo {
    /// HSA-id (or the configured user name): the access log's "user".
    pub user: String,
    pub name: Option<String>,
    /// The authority role NLL gives the token (or the configured one).
    pub role: Role,
    /// The pharmacy sent as `X-Org-Info`.
    pub org: OrgInfo,
}

pub struct NllClient {
    pub(crate) transport: Transport,
    pub(crate) tokens: TokenProvider,
    pub(crate) policy: Policy,
    pub(crate) log: Arc<AccessLog>,
    /// FHIR base without a trailing `/`.
    pub(crate) base_url: String,
    pub(crate) fullmakt_url: Option<String>,
    org: Option<OrgInfo>,
    pub(crate) user_agent: UserAgent,
    role: Option<Role>,
    user: Option<String>,
    pub(crate) page_size: u32,
    pub(crate) max_pages: u32,
    pub(crate) max_lookup_bytes: u64,
    pub(crate) max_retries: u32,
    pub(crate) max_retry_wait: Duration,
    today: Option<NaiveDate>,
    /// The chain's key for patients' keyed hashes on log rows (`[access_log] chain_key_keyring`).
    chain_key: Option<ChainKey>,
}

impl std::fmt::Debug for NllClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NllClient")
            .field("base_url", &self.base_url)
            .field("tokens", &self.tokens)
            .finish_non_exhaustive()
    }
}

impl NllClient {
    /// Builds the client: loads the certificate (password from `secrets`), the policy overrides
    /// and the token source. Nothing is sent yet.
    pub fn new(
        cfg: &ClientConfig,
        secrets: &dyn SecretStore,
        log: Arc<AccessLog>,
    ) -> Result<NllClient, ClientError> {
        cfg.validate()?;
        check_url(&cfg.base_url)?;
        let transport = Transport::build(cfg, secrets)?;
        let tokens = TokenProvider::new(&cfg.token, secrets, transport.clone())?;
        let policy = match &cfg.policy_overrides {
            None => Policy::standard(),
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    ClientError::config(
                        format!("filen {} kunde inte läsas ({})", path.display(), e.kind()),
                        format!(
                            "the file {} could not be read ({})",
                            path.display(),
                            e.kind()
                        ),
                    )
                })?;
                Policy::from_overrides_toml(&text).map_err(|e| {
                    ClientError::config(
                        format!("{}: {e}", path.display()),
                        format!("{}: {e}", path.display()),
                    )
                })?
            }
        };
        // A configured chain key that cannot be read stops here: rows without the patient's
        // keyed hash would slip past the review's colleague check unnoticed.
        let chain_key = match &cfg.access_log.chain_key_keyring {
            None => None,
            Some(account) => Some(ChainKey::new(secrets.get(account)?.expose().as_bytes())?),
        };
        // Rows written from now on name this pharmacy and counter.
        log.set_origin(
            cfg.org.as_ref().map(|o| o.orgenhets_id.clone()),
            cfg.workstation.clone(),
        );
        Ok(NllClient {
            transport,
            tokens,
            policy,
            log,
            base_url: cfg.base_url.trim_end_matches('/').to_string(),
            fullmakt_url: cfg.fullmakt_url.clone(),
            org: cfg.org.as_ref().map(|o| o.org_info()),
            user_agent: user_agent(),
            role: cfg.role,
            user: cfg.user.clone(),
            page_size: cfg.page_size,
            max_pages: cfg.max_pages,
            max_lookup_bytes: cfg.max_lookup_bytes,
            max_retries: cfg.max_retries.min(crate::config::MAX_RETRIES),
            max_retry_wait: Duration::from_millis(cfg.max_retry_wait_ms),
            today: cfg.today,
            chain_key,
        })
    }

    /// The patient's keyed hash for the log rows, with the chain's key if one is configured.
    pub(crate) fn patient_key(&self, patient: &nll::ids::PersonId) -> Option<String> {
        self.chain_key
            .as_ref()
            .map(|k| k.patient_key_hex(patient.twelve()))
    }

    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    pub fn access_log(&self) -> &Arc<AccessLog> {
        &self.log
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The subject of the configured client certificate.
    pub fn client_certificate_subject(&self) -> Option<&str> {
        self.transport.client_subject.as_deref()
    }

    /// The date lists are built for: the configured one, else the local date.
    pub fn today(&self) -> NaiveDate {
        self.today
            .unwrap_or_else(|| chrono::Local::now().date_naive())
    }

    /// Who is signed in: role, user and pharmacy from the token when it carries them (NLL
    /// reads them from it), else from the configuration (an opaque token carries none).
    pub async fn user_info(&self) -> Result<UserInfo, ClientError> {
        let token = self.tokens.token().await?;
        let claims = decode_claims(token.expose());
        let role = claims.role.or(self.role).ok_or_else(|| {
            ClientError::config(
                "rollen framgår inte av inloggningen; ange rollen i inställningarna (role = \"FARMACEUT\" eller \"APOTEKSPERSONAL\", eller nllc --role)",
                "the role is not in the login; set the role in the settings (role = \"FARMACEUT\" or \"APOTEKSPERSONAL\", or nllc --role)",
            )
        })?;
        let user = claims
            .sub
            .clone()
            .or_else(|| self.user.clone())
            .or_else(|| claims.name.clone())
            .ok_or_else(|| {
                ClientError::config(
                    "användaren framgår inte av inloggningen; ange användarens HSA-id i inställningarna (user, eller nllc --user)",
                    "the user is not in the login; set the user's HSA-id in the settings (user, or nllc --user)",
                )
            })?;
        let org = match (&claims.gln, &self.org) {
            // The configured pharmacy when it is the token's: it has the town and unit name.
            (Some(gln), Some(o)) if &o.orgenhets_id == gln => o.clone(),
            (Some(gln), configured) => {
                let name = claims
                    .org_name
                    .clone()
                    .or_else(|| configured.as_ref().map(|o| o.orgenhets_namn.clone()))
                    .unwrap_or_default();
                OrgInfo {
                    org_namn: configured
                        .as_ref()
                        .map(|o| o.org_namn.clone())
                        .filter(|n| !n.is_empty())
                        .unwrap_or_else(|| name.clone()),
                    orgenhets_id: gln.clone(),
                    orgenhets_namn: name,
                    orgenhets_ort: String::new(),
                }
            }
            (None, Some(o)) => o.clone(),
            (None, None) => {
                return Err(ClientError::config(
                    "apoteket (X-Org-Info) framgår inte av inloggningen; ange apotekets GLN i inställningarna (org.orgenhets_id, eller nllc --gln)",
                    "the pharmacy (X-Org-Info) is not in the login; set the pharmacy's GLN in the settings (org.orgenhets_id, or nllc --gln)",
                ))
            }
        };
        Ok(UserInfo {
            user,
            name: claims.name,
            role,
            org,
        })
    }
}
