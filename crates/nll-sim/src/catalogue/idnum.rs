//! Identifier numbers for the catalogue. Temporary local check-digit code until `nll::ids`
//! provides `PersonId::from_parts` and `Gln::with_check_digit`.

use chrono::{Datelike, NaiveDate};
use nll::ids::IdKind;

/// 12-digit personnummer or samordningsnummer (day + 60) with its Luhn check digit.
pub fn person_number(birth: NaiveDate, serial: u16, kind: IdKind) -> String {
    let day = birth.day()
        + match kind {
            IdKind::Personnummer => 0,
            IdKind::Samordningsnummer => 60,
        };
    let nine = format!(
        "{:02}{:02}{:02}{:03}",
        birth.year() % 100,
        birth.month(),
        day,
        serial
    );
    let check = luhn(&nine);
    format!("{:04}{}{}", birth.year(), &nine[2..], check)
}

fn luhn(digits: &str) -> u32 {
    let sum: u32 = digits
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0') * if i % 2 == 0 { 2 } else { 1 };
            d / 10 + d % 10
        })
        .sum();
    (10 - sum % 10) % 10
}

/// 13-digit GLN: the first 12 digits plus the GS1 mod-10 check digit.
pub fn gln(first12: &str) -> String {
    let sum: u32 = first12
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    format!("{first12}{}", (10 - sum % 10) % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_numbers() {
        let d = NaiveDate::from_ymd_opt(1912, 12, 12).unwrap();
        assert_eq!(person_number(d, 121, IdKind::Personnummer), "191212121212");
        assert_eq!(gln("735000000000"), "7350000000009");
        // GS1's own example: 629104150021 → 3.
        assert_eq!(gln("629104150021"), "6291041500213");
    }
}
