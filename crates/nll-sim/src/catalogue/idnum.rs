//! Identifier numbers for the catalogue, built by `nll::ids` (the same code that checks them in
//! the client), so every personnummer, samordningsnummer and GLN has a valid check digit.

use chrono::NaiveDate;
use nll::ids::{Gln, IdKind, PersonId};

/// 12-digit personnummer or samordningsnummer (day + 60) with its Luhn check digit.
pub fn person_number(birth: NaiveDate, serial: u16, kind: IdKind) -> String {
    PersonId::from_parts(birth, serial, kind)
        .twelve()
        .to_string()
}

/// 13-digit GLN: the first 12 digits plus the GS1 mod-10 check digit.
pub fn gln(first12: &str) -> String {
    Gln::with_check_digit(first12).as_str().to_string()
}

/// A 12-digit personnummer or samordningsnummer that `nll::ids` accepts (check digit, real
/// date). The server takes only the 12-digit form in parameters and headers.
pub fn is_valid_twelve(text: &str, today: NaiveDate) -> bool {
    text.len() == 12
        && text.bytes().all(|b| b.is_ascii_digit())
        && PersonId::parse(text, today).is_ok_and(|p| p.twelve() == text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_numbers() {
        let d = NaiveDate::from_ymd_opt(1912, 12, 12).unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        assert_eq!(person_number(d, 121, IdKind::Personnummer), "191212121212");
        assert!(is_valid_twelve("191212121212", today));
        assert!(!is_valid_twelve("191212121213", today), "check digit");
        assert!(!is_valid_twelve("1212121212", today), "10 digits");
        assert!(!is_valid_twelve("191302301212", today), "no such date");
        // GS1's own example: 629104150021 → 3.
        assert_eq!(gln("629104150021"), "6291041500213");
    }
}
