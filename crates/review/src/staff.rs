//! Staff looking up colleagues, or themselves, without a personnummer in any log: the counter
//! stores a keyed hash (HMAC-SHA-256, the chain's key from the keyring) of the patient's
//! personnummer; the reviewer's machine hashes the chain's staff list with the same key and looks
//! for those hashes. The staff list's personnummer never leave the reviewer's machine in clear.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{anyhow, Context};
use ring::hmac;

/// The keyring account of the chain's patient key (base64 or any text of 32+ bytes).
pub const CHAIN_KEY_ACCOUNT: &str = "chain-patient-key";

/// The chain's key for patients' keyed hashes.
pub struct ChainKey(hmac::Key);

impl std::fmt::Debug for ChainKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChainKey(***)")
    }
}

impl ChainKey {
    pub fn new(secret: &[u8]) -> anyhow::Result<ChainKey> {
        anyhow::ensure!(
            secret.len() >= 32,
            "kedjans patientnyckel är för kort ({} byte; minst 32)",
            secret.len()
        );
        Ok(ChainKey(hmac::Key::new(hmac::HMAC_SHA256, secret)))
    }

    /// The keyed hash of a personnummer (or samordningsnummer), written as 12 digits so
    /// `19121212-1212`, `191212121212` and `121212-1212` (if the century is given elsewhere) of
    /// one person give one hash.
    pub fn patient_key(&self, personnummer: &str) -> Vec<u8> {
        let digits: String = personnummer.chars().filter(char::is_ascii_digit).collect();
        hmac::sign(&self.0, digits.as_bytes()).as_ref().to_vec()
    }
}

/// One member of staff: the keyed hash of their personnummer and their HSA-id (the user id
/// the access log names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    pub hsa_id: String,
    pub line: usize,
}

/// The staff list, keyed: patient key → who.
#[derive(Debug, Default)]
pub struct StaffList {
    pub by_key: HashMap<Vec<u8>, StaffMember>,
}

impl StaffList {
    /// Reads `personnummer;hsa-id` (or comma-separated) lines; `#` starts a comment, a header
    /// line without digits is skipped. A bad line names its number, never its personnummer.
    pub fn parse(text: &str, key: &ChainKey) -> anyhow::Result<StaffList> {
        let mut by_key = HashMap::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let mut parts = line.split([';', ',']).map(str::trim);
            let (pnr, hsa) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
            let digits = pnr.chars().filter(char::is_ascii_digit).count();
            if i == 0 && digits == 0 {
                continue;
            }
            if digits != 12 || hsa.is_empty() {
                return Err(anyhow!(
                    "personallistan, rad {}: väntade personnummer med 12 siffror och HSA-id",
                    i + 1
                ));
            }
            by_key.insert(
                key.patient_key(pnr),
                StaffMember {
                    hsa_id: hsa.to_string(),
                    line: i + 1,
                },
            );
        }
        Ok(StaffList { by_key })
    }

    pub fn load(path: &Path, key: &ChainKey) -> anyhow::Result<StaffList> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("personallistan {} kunde inte läsas", path.display()))?;
        StaffList::parse(&text, key)
    }

    pub fn keys(&self) -> Vec<Vec<u8>> {
        self.by_key.keys().cloned().collect()
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
        // RFC 4231 test case 2 shape: HMAC-SHA-256 is what it says.
        assert_eq!(k.patient_key("1").len(), 32);
    }

    #[test]
    fn staff_list_lines_and_errors() {
        let k = ChainKey::new(&[7; 32]).unwrap();
        let s = StaffList::parse(
            "personnummer;hsa\n19121212-1212;SE5565594230-F001\n# vikarie\n199001012380,SE5565594230-F002\n",
            &k,
        )
        .unwrap();
        assert_eq!(s.by_key.len(), 2);
        assert_eq!(
            s.by_key[&k.patient_key("191212121212")].hsa_id,
            "SE5565594230-F001"
        );
        let e = StaffList::parse("19121212-1212;SE1\n1912-1212;SE2\n", &k).unwrap_err();
        assert!(e.to_string().contains("rad 2"), "{e}");
        assert!(!e.to_string().contains("1912-1212"), "{e}");
    }
}
