//! The pharmacy's client certificate (SITHS function certificate) for mutual TLS, from PEM or
//! PKCS#12, and the optional extra CA.
//!
//! rustls has no PKCS#12 reader (reqwest's `Identity::from_pkcs12_der` is native-tls only), so a
//! `.p12` is opened with `p12-keystore` and turned into PEM: leaf first, then the chain, then
//! the PKCS#8 key. The certificate's validity is checked here, before any connection, so an
//! expired certificate gives a clear message instead of a TLS alert.

use std::path::Path;

use chrono::{DateTime, Utc};

use crate::config::{CertConfig, DEFAULT_PKCS12_ACCOUNT};
use crate::error::ClientError;
use crate::secrets::SecretStore;

/// The identity as one PEM buffer (certificates then key) and when its leaf expires.
pub struct LoadedIdentity {
    pem: Vec<u8>,
    pub not_after: DateTime<Utc>,
    pub subject: String,
}

impl std::fmt::Debug for LoadedIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadedIdentity")
            .field("subject", &self.subject)
            .field("not_after", &self.not_after)
            .finish_non_exhaustive()
    }
}

impl LoadedIdentity {
    pub fn reqwest_identity(&self) -> Result<reqwest::Identity, ClientError> {
        reqwest::Identity::from_pem(&self.pem).map_err(|_| {
            ClientError::certificate_invalid(
                "certifikatet eller nyckeln har ett format som inte stöds",
                "the certificate or key has an unsupported format",
            )
        })
    }
}

fn read(path: &Path) -> Result<Vec<u8>, ClientError> {
    std::fs::read(path).map_err(|e| {
        ClientError::certificate_invalid(
            &format!("filen {} kunde inte läsas: {}", path.display(), e.kind()),
            &format!(
                "the file {} could not be read: {}",
                path.display(),
                e.kind()
            ),
        )
    })
}

/// Loads the configured identity; the PKCS#12 password comes from `secrets`.
pub fn load(
    cfg: &CertConfig,
    secrets: &dyn SecretStore,
    now: DateTime<Utc>,
) -> Result<LoadedIdentity, ClientError> {
    let pem = if let Some(p12) = &cfg.pkcs12 {
        let account = cfg
            .password_keyring
            .as_deref()
            .unwrap_or(DEFAULT_PKCS12_ACCOUNT);
        let password = secrets.get(account)?;
        pkcs12_to_pem(&read(p12)?, password.expose())?
    } else if let Some(pem) = &cfg.pem {
        let mut buf = read(pem)?;
        if let Some(key) = &cfg.key_pem {
            buf.push(b'\n');
            buf.extend(read(key)?);
        }
        buf
    } else {
        return Err(ClientError::config(
            "client_certificate: ange pem eller pkcs12",
            "client_certificate: give pem or pkcs12",
        ));
    };
    from_pem(pem, now)
}

/// Checks a PEM identity (certificates + one private key) and its leaf's validity.
pub fn from_pem(pem: Vec<u8>, now: DateTime<Utc>) -> Result<LoadedIdentity, ClientError> {
    let blocks = pem::parse_many(&pem).map_err(|_| {
        ClientError::certificate_invalid("PEM-filen är skadad", "the PEM file is damaged")
    })?;
    let leaf = blocks
        .iter()
        .find(|b| b.tag() == "CERTIFICATE")
        .ok_or_else(|| {
            ClientError::certificate_invalid(
                "filen innehåller inget certifikat",
                "the file holds no certificate",
            )
        })?;
    if !blocks.iter().any(|b| b.tag().ends_with("PRIVATE KEY")) {
        return Err(ClientError::certificate_invalid(
            "den privata nyckeln saknas",
            "the private key is missing",
        ));
    }
    let (_, cert) = x509_parser::parse_x509_certificate(leaf.contents()).map_err(|_| {
        ClientError::certificate_invalid(
            "certifikatet går inte att tolka",
            "the certificate cannot be parsed",
        )
    })?;
    let not_after = DateTime::<Utc>::from_timestamp(cert.validity().not_after.timestamp(), 0)
        .unwrap_or(DateTime::<Utc>::MIN_UTC);
    let not_before = DateTime::<Utc>::from_timestamp(cert.validity().not_before.timestamp(), 0)
        .unwrap_or(DateTime::<Utc>::MIN_UTC);
    if now > not_after {
        return Err(ClientError::certificate_expired(
            &not_after.format("%Y-%m-%d").to_string(),
        ));
    }
    if now < not_before {
        return Err(ClientError::certificate_invalid(
            &format!(
                "certifikatet gäller först från {}",
                not_before.format("%Y-%m-%d")
            ),
            &format!(
                "the certificate is valid only from {}",
                not_before.format("%Y-%m-%d")
            ),
        ));
    }
    Ok(LoadedIdentity {
        subject: cert.subject().to_string(),
        not_after,
        pem,
    })
}

/// PKCS#12 → PEM (leaf, chain, PKCS#8 key).
pub fn pkcs12_to_pem(p12: &[u8], password: &str) -> Result<Vec<u8>, ClientError> {
    let store = p12_keystore::KeyStore::from_pkcs12(
        p12,
        password,
        p12_keystore::Pkcs12ImportPolicy::Strict,
    )
    .map_err(|_| {
        ClientError::certificate_invalid(
            "PKCS#12-filen kunde inte öppnas: fel lösenord eller skadad fil",
            "the PKCS#12 file could not be opened: wrong password or damaged file",
        )
    })?;
    let (_, chain) = store.private_key_chain().ok_or_else(|| {
        ClientError::certificate_invalid(
            "PKCS#12-filen innehåller ingen privat nyckel",
            "the PKCS#12 file holds no private key",
        )
    })?;
    let mut out = String::new();
    for c in chain.certs() {
        out += &pem::encode(&pem::Pem::new("CERTIFICATE", c.as_der()));
    }
    out += &pem::encode(&pem::Pem::new("PRIVATE KEY", chain.key().as_der()));
    Ok(out.into_bytes())
}

/// The extra CA certificates (PEM bundle) trusted besides the OS store.
pub fn extra_cas(path: &Path) -> Result<Vec<reqwest::Certificate>, ClientError> {
    let bytes = std::fs::read(path).map_err(|e| {
        ClientError::config(
            format!(
                "CA-filen {} kunde inte läsas ({})",
                path.display(),
                e.kind()
            ),
            format!(
                "the CA file {} could not be read ({})",
                path.display(),
                e.kind()
            ),
        )
    })?;
    let certs = reqwest::Certificate::from_pem_bundle(&bytes).map_err(|_| {
        ClientError::config(
            format!("CA-filen {} är inte PEM", path.display()),
            format!("the CA file {} is not PEM", path.display()),
        )
    })?;
    if certs.is_empty() {
        return Err(ClientError::config(
            format!("CA-filen {} innehåller inget certifikat", path.display()),
            format!("the CA file {} holds no certificate", path.display()),
        ));
    }
    Ok(certs)
}
