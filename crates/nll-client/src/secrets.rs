//! Secrets (the PKCS#12 password, the OAuth2 client secret, a static token) live in the OS
//! keyring — Secret Service on Linux, Credential Manager on Windows, Keychain on macOS — under
//! the service name [`SERVICE`], never in files or logs.
//!
//! [`Secret`] wraps a secret value so that `Debug` and logs never show it; it has no `Display`.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::error::ClientError;

/// The keyring service every Receptdisk secret is stored under.
pub const SERVICE: &str = "se.receptdisk";

/// A secret value. `Debug` prints `Secret(***)`; there is no `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }
    /// The value, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Where secrets are read from.
pub trait SecretStore: Send + Sync {
    /// The secret stored under `account`.
    fn get(&self, account: &str) -> Result<Secret, ClientError>;
}

/// The OS keyring (service [`SERVICE`]).
#[derive(Debug, Default, Clone, Copy)]
pub struct KeyringStore;

impl KeyringStore {
    fn entry(account: &str) -> Result<keyring::Entry, ClientError> {
        keyring::Entry::new(SERVICE, account).map_err(|e| keyring_error(account, e))
    }

    /// Stores a secret (settings screen, `nllc`); replaces an earlier one.
    pub fn set(&self, account: &str, secret: &str) -> Result<(), ClientError> {
        Self::entry(account)?
            .set_password(secret)
            .map_err(|e| keyring_error(account, e))
    }

    /// Is a secret stored under `account` (its value is not returned)?
    pub fn has(&self, account: &str) -> Result<bool, ClientError> {
        match Self::entry(account)?.get_password() {
            Ok(_) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(keyring_error(account, e)),
        }
    }

    /// Removes a secret; `Ok` if there was none.
    pub fn delete(&self, account: &str) -> Result<(), ClientError> {
        match Self::entry(account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(keyring_error(account, e)),
        }
    }
}

impl SecretStore for KeyringStore {
    fn get(&self, account: &str) -> Result<Secret, ClientError> {
        Self::entry(account)?
            .get_password()
            .map(Secret)
            .map_err(|e| keyring_error(account, e))
    }
}

fn keyring_error(account: &str, e: keyring::Error) -> ClientError {
    match e {
        keyring::Error::NoEntry => ClientError::keyring_missing(account),
        // The platform's own text names the cause (no bus, locked collection …) and holds no
        // secret.
        keyring::Error::PlatformFailure(inner) | keyring::Error::NoStorageAccess(inner) => {
            ClientError::keyring_unavailable(&inner.to_string())
        }
        other => ClientError::keyring_unavailable(&other.to_string()),
    }
}

/// The first store's secret, else the second's: *Testa anslutningen* tries secrets typed in the
/// form before they are saved, and the keyring's for the rest.
pub struct Fallback<'a>(pub &'a dyn SecretStore, pub &'a dyn SecretStore);

impl SecretStore for Fallback<'_> {
    fn get(&self, account: &str) -> Result<Secret, ClientError> {
        self.0.get(account).or_else(|_| self.1.get(account))
    }
}

/// Secrets held in memory: tests, and `nllc --token` (a token given on the command line).
#[derive(Debug, Default)]
pub struct MemorySecrets(Mutex<HashMap<String, Secret>>);

impl MemorySecrets {
    pub fn new() -> MemorySecrets {
        MemorySecrets::default()
    }
    pub fn with(self, account: &str, secret: &str) -> MemorySecrets {
        self.0
            .lock()
            .expect("secrets")
            .insert(account.to_string(), Secret::new(secret));
        self
    }
}

impl SecretStore for MemorySecrets {
    fn get(&self, account: &str) -> Result<Secret, ClientError> {
        self.0
            .lock()
            .expect("secrets")
            .get(account)
            .cloned()
            .ok_or_else(|| ClientError::keyring_missing(account))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_debug_hides_the_value() {
        let s = Secret::new("hemligt-123");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert_eq!(s.expose(), "hemligt-123");
    }

    #[test]
    fn memory_store_reports_missing_accounts_by_name() {
        let m = MemorySecrets::new().with("a", "x");
        assert_eq!(m.get("a").unwrap().expose(), "x");
        let e = m.get("pkcs12-password").unwrap_err();
        assert_eq!(e.code, crate::error::ErrorCode::Keyring);
        assert!(e.message.contains("pkcs12-password"));
    }
}
