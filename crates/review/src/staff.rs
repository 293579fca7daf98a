//! Staff looking up colleagues, or themselves, without a personnummer in any log: the counter
//! stores a keyed hash (HMAC-SHA-256, the chain's key from the keyring) of the patient's
//! personnummer (`nll_client::access_log::patient_key`); the reviewer's machine hashes the
//! chain's staff list with the same key and looks for those hashes. The staff list's personnummer never leave the reviewer's machine in clear.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{anyhow, Context};
pub use nll_client::access_log::patient_key::{ChainKey, CHAIN_KEY_ACCOUNT};

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
