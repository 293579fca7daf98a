//! Staff looking up colleagues, or themselves, without a personnummer in any log: with the
//! chain's key (`[access_log] chain_key_keyring`, an account in the OS keyring), every row about
//! a patient carries a keyed hash (HMAC-SHA-256) of the patient's personnummer. The reviewer's
//! machine hashes the chain's staff list with the same key and looks for those hashes
//! (`review::staff`). Without the key nobody can turn a hash back into a number; with it, only
//! a number one already has can be recognised.

use ring::hmac;

use crate::error::ClientError;

/// The keyring account of the chain's key, unless the configuration names another.
pub const CHAIN_KEY_ACCOUNT: &str = "chain-patient-key";

/// The chain's key for patients' keyed hashes.
pub struct ChainKey(hmac::Key);

impl std::fmt::Debug for ChainKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChainKey(***)")
    }
}

impl ChainKey {
    /// At least 32 bytes (any text: a generated passphrase or base64 of random bytes).
    pub fn new(secret: &[u8]) -> Result<ChainKey, ClientError> {
        if secret.len() < 32 {
            return Err(ClientError::config(
                format!(
                    "kedjans patientnyckel är för kort ({} byte; minst 32) – lägg in kedjans nyckel med nllc secret set",
                    secret.len()
                ),
                format!(
                    "the chain's patient key is too short ({} bytes; at least 32) – store the chain's key with nllc secret set",
                    secret.len()
                ),
            ));
        }
        Ok(ChainKey(hmac::Key::new(hmac::HMAC_SHA256, secret)))
    }

    /// The keyed hash of a personnummer (or samordningsnummer), over its 12 digits, so
    /// `19121212-1212` and `191212121212` of one person give one hash.
    pub fn patient_key(&self, personnummer: &str) -> Vec<u8> {
        let digits: String = personnummer.chars().filter(char::is_ascii_digit).collect();
        hmac::sign(&self.0, digits.as_bytes()).as_ref().to_vec()
    }

    /// The same, as lower-case hex: how the local log stores it.
    pub fn patient_key_hex(&self, personnummer: &str) -> String {
        crate::access_log::chain::hex(&self.patient_key(personnummer))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_person_one_key_whatever_the_writing() {
        let k = ChainKey::new(&[7; 32]).unwrap();
        assert_eq!(
            k.patient_key("19121212-1212"),
            k.patient_key("191212121212")
        );
        assert_ne!(k.patient_key("191212121212"), k.patient_key("191212121213"));
        let other = ChainKey::new(&[8; 32]).unwrap();
        assert_ne!(
            k.patient_key("191212121212"),
            other.patient_key("191212121212")
        );
        assert!(ChainKey::new(b"short").is_err());
        assert_eq!(k.patient_key("1").len(), 32);
        assert_eq!(k.patient_key_hex("191212121212").len(), 64);
    }

    #[test]
    fn it_is_hmac_sha256() {
        // The 12 digits, signed with the key as it is: what the reviewer's staff list gives.
        let secret = [0x0b_u8; 32];
        let k = ChainKey::new(&secret).unwrap();
        let direct = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, &secret), b"199001012380");
        assert_eq!(k.patient_key("19900101-2380"), direct.as_ref());
    }
}
