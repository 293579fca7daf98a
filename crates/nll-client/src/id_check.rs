//! The answer to "is this number valid?" as the counter's fields show it while the pharmacist
//! types or scans, and as `nllc check-id --json` prints it: one shape for both, from the same
//! parser the lookup uses.

use chrono::NaiveDate;
use nll::ids::{Gln, IdKind, PersonId};
use serde::Serialize;
use ts_rs::TS;

/// A personnummer or samordningsnummer checked on `today` (the century of a 10-digit number
/// and the age depend on it).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct IdCheck {
    pub ok: bool,
    pub kind: Option<IdKind>,
    pub twelve: Option<String>,
    pub display: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub age: Option<u32>,
    /// Why it is not valid, in Swedish and English.
    pub error_sv: Option<String>,
    pub error_en: Option<String>,
}

impl IdCheck {
    pub fn of(text: &str, today: NaiveDate) -> IdCheck {
        match PersonId::parse(text, today) {
            Ok(id) => IdCheck {
                ok: true,
                kind: Some(id.kind()),
                twelve: Some(id.twelve().into()),
                display: Some(id.display(today)),
                birth_date: Some(id.birth_date()),
                age: Some(id.age_on(today)),
                error_sv: None,
                error_en: None,
            },
            Err(e) => IdCheck {
                ok: false,
                kind: None,
                twelve: None,
                display: None,
                birth_date: None,
                age: None,
                error_sv: Some(e.to_string()),
                error_en: Some(e.message_en()),
            },
        }
    }
}

/// A pharmacy's GLN (13 digits, GS1 check digit), checked as it is typed in Inställningar.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct GlnCheck {
    pub ok: bool,
    pub error_sv: Option<String>,
    pub error_en: Option<String>,
}

impl GlnCheck {
    pub fn of(text: &str) -> GlnCheck {
        match Gln::parse(text) {
            Ok(_) => GlnCheck {
                ok: true,
                error_sv: None,
                error_en: None,
            },
            Err(e) => GlnCheck {
                ok: false,
                error_sv: Some(e.to_string()),
                error_en: Some(e.message_en()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_valid_number_says_what_it_is_and_an_invalid_one_why() {
        let today = NaiveDate::from_ymd_opt(2025, 6, 15).unwrap();
        let c = IdCheck::of("121212+1212", today);
        assert!(c.ok);
        assert_eq!(c.twelve.as_deref(), Some("191212121212"));
        assert_eq!(c.age, Some(112));
        let c = IdCheck::of("19121212-1213", today);
        assert!(!c.ok);
        assert_eq!(c.error_sv.as_deref(), Some("Kontrollsiffran stämmer inte."));
        assert!(GlnCheck::of("7350045511119").ok);
        assert!(!GlnCheck::of("7350045511118").ok);
    }
}
