//! Identifiers: personnummer, samordningsnummer, GLN, HSA-id (NLL.md §10).
//!
//! Input is taken the way it reaches a counter: typed with or without `-`/`+`, in 10 or 12
//! digits, pasted with spaces or an en dash, or typed by a barcode scanner (which may add a
//! trailing CR/LF or tab). Every rejection says exactly what is wrong, in Swedish (`Display`) and
//! English (`message_en`), with a stable `code()` for the UI.
//!
//! Rules kept here:
//! - 10-digit forms take the century from the separator and the reference date: `-` (or none)
//!   means the person is under 100 in the reference year, `+` means 100 or older ("from the year
//!   they turn 100", Skatteverket). Without a separator, or with `-`, a date that would lie later
//!   this year is read as 100 years earlier (the only date that exists for it).
//! - 12-digit forms carry the century; a `+` there must agree with the age.
//! - The Luhn check digit covers the nine digits YYMMDDNNN as written (a samordningsnummer's
//!   day + 60 included).
//! - Samordningsnummer whose birth day or month is unknown (day 60, month 00) are rejected as
//!   "date does not exist": this type always has a real birth date. Known limit.
//! - What is sent to NLL is always 12 digits with century 18, 19 or 20 and a valid check digit
//!   (FK001, NLL.md §10): a 12-digit form with another century is rejected.
//! - Numbers Skatteverket never issues are rejected even when the check digit fits: birth number
//!   (NNN) 000, and a birth date after the reference date.
//! - Whitespace around the number or a separator is dropped (scanners, pasting); whitespace
//!   *between two digits* is rejected, as the personnummer project's shared test list expects
//!   (`19090527 1474` is not a number: the space could stand for `-` or `+`).

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum IdKind {
    Personnummer,
    Samordningsnummer,
}

impl IdKind {
    pub fn label_sv(self) -> &'static str {
        match self {
            IdKind::Personnummer => "Personnummer",
            IdKind::Samordningsnummer => "Samordningsnummer",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            IdKind::Personnummer => "Personal identity number",
            IdKind::Samordningsnummer => "Coordination number",
        }
    }
}

/// Why an identifier was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdError {
    /// Nothing but whitespace.
    Empty,
    /// A character that is neither a digit nor an allowed separator (letters, `/`, …).
    InvalidCharacter { ch: char },
    /// The number of digits is wrong; `expected` is a human phrase such as "10 eller 12".
    WrongLength {
        found: usize,
        expected_sv: &'static str,
        expected_en: &'static str,
    },
    /// `-` or `+` somewhere other than before the last four digits, or more than one.
    MisplacedSeparator,
    /// The birth date part is not a calendar date (e.g. 1990-02-30, month 13, 1900-02-29).
    DateDoesNotExist { year: i32, month: u32, day: u32 },
    /// The birth date lies after the reference date.
    BirthDateInFuture { date: NaiveDate },
    /// A 12-digit number with `+` for someone who is not 100 in the reference year.
    PlusForUnder100,
    /// The Luhn check digit does not match.
    CheckDigit,
    /// Whitespace between two digits.
    SpaceInsideNumber,
    /// Birth number (the three digits before the check digit) 000: never issued.
    BirthNumberZero,
    /// A 12-digit form whose century is not 18, 19 or 20 (FK001).
    CenturyNotAllowed { century: u32 },
    /// GLN check digit (GS1 mod-10) does not match.
    GlnCheckDigit,
    /// HSA-id does not start with `SE`.
    HsaPrefix,
    /// HSA-id: `SE` is not followed by a 10-digit organisation number.
    HsaOrgNumber,
    /// HSA-id: no `-` after the organisation number.
    HsaSeparator,
    /// HSA-id: the part after `-` is empty or has a character other than A–Z, a–z, 0–9.
    HsaUnitPart,
    /// HSA-id longer than 31 characters.
    HsaTooLong { found: usize },
}

impl IdError {
    /// Stable machine code for the UI (`{code, message}` errors).
    pub fn code(&self) -> &'static str {
        match self {
            IdError::Empty => "id-empty",
            IdError::InvalidCharacter { .. } => "id-invalid-character",
            IdError::WrongLength { .. } => "id-wrong-length",
            IdError::MisplacedSeparator => "id-misplaced-separator",
            IdError::DateDoesNotExist { .. } => "id-date-does-not-exist",
            IdError::BirthDateInFuture { .. } => "id-birth-date-in-future",
            IdError::PlusForUnder100 => "id-plus-for-under-100",
            IdError::CheckDigit => "id-check-digit",
            IdError::SpaceInsideNumber => "id-space-inside-number",
            IdError::BirthNumberZero => "id-birth-number-zero",
            IdError::CenturyNotAllowed { .. } => "id-century-not-allowed",
            IdError::GlnCheckDigit => "gln-check-digit",
            IdError::HsaPrefix => "hsa-prefix",
            IdError::HsaOrgNumber => "hsa-org-number",
            IdError::HsaSeparator => "hsa-separator",
            IdError::HsaUnitPart => "hsa-unit-part",
            IdError::HsaTooLong { .. } => "hsa-too-long",
        }
    }

    /// The same sentence in English.
    pub fn message_en(&self) -> String {
        match self {
            IdError::Empty => "No number was entered.".into(),
            IdError::InvalidCharacter { ch } => format!(
                "Invalid character '{}': only digits and - or + are allowed.",
                ch.escape_default()
            ),
            IdError::WrongLength {
                found, expected_en, ..
            } => format!("Wrong number of digits: {found}, expected {expected_en}."),
            IdError::MisplacedSeparator => {
                "The - or + is in the wrong place: it goes before the last four digits.".into()
            }
            IdError::DateDoesNotExist { year, month, day } => format!(
                "The date does not exist: {}.",
                date_text(*year, *month, *day)
            ),
            IdError::BirthDateInFuture { date } => {
                format!("The birth date {date} lies in the future.")
            }
            IdError::PlusForUnder100 => {
                "The + sign is only used for people who turn 100 or more this year.".into()
            }
            IdError::CheckDigit => "The check digit does not match.".into(),
            IdError::SpaceInsideNumber => {
                "There is a space inside the number: write it without spaces, with - or + before the last four digits.".into()
            }
            IdError::BirthNumberZero => {
                "The birth number 000 is never issued: check the last four digits.".into()
            }
            IdError::CenturyNotAllowed { century } => format!(
                "The century {century} is not allowed: a 12-digit number starts with 18, 19 or 20."
            ),
            IdError::GlnCheckDigit => "The GLN check digit does not match.".into(),
            IdError::HsaPrefix => "An HSA-id starts with SE.".into(),
            IdError::HsaOrgNumber => {
                "An HSA-id has a 10-digit organisation number right after SE.".into()
            }
            IdError::HsaSeparator => {
                "An HSA-id has a - right after the organisation number.".into()
            }
            IdError::HsaUnitPart => {
                "After the - an HSA-id has only letters A-Z, a-z and digits (at least one).".into()
            }
            IdError::HsaTooLong { found } => {
                format!("The HSA-id is too long: {found} characters, at most 31.")
            }
        }
    }
}

fn date_text(year: i32, month: u32, day: u32) -> String {
    format!("{year:04}-{month:02}-{day:02}")
}

impl fmt::Display for IdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdError::Empty => write!(f, "Inget nummer angivet."),
            IdError::InvalidCharacter { ch } => write!(
                f,
                "Otillåtet tecken '{}': bara siffror och - eller + är tillåtna.",
                ch.escape_default()
            ),
            IdError::WrongLength {
                found, expected_sv, ..
            } => write!(f, "Fel antal siffror: {found}, ska vara {expected_sv}."),
            IdError::MisplacedSeparator => write!(
                f,
                "Bindestrecket eller plustecknet står på fel plats: det ska stå före de fyra sista siffrorna."
            ),
            IdError::DateDoesNotExist { year, month, day } => {
                write!(f, "Datumet finns inte: {}.", date_text(*year, *month, *day))
            }
            IdError::BirthDateInFuture { date } => {
                write!(f, "Födelsedatumet {date} ligger i framtiden.")
            }
            IdError::PlusForUnder100 => write!(
                f,
                "Plustecknet används bara för den som fyller 100 år eller mer i år."
            ),
            IdError::CheckDigit => write!(f, "Kontrollsiffran stämmer inte."),
            IdError::SpaceInsideNumber => write!(
                f,
                "Mellanslag mitt i numret: skriv det utan mellanslag, med - eller + före de fyra sista siffrorna."
            ),
            IdError::BirthNumberZero => write!(
                f,
                "Födelsenumret 000 delas aldrig ut: kontrollera de fyra sista siffrorna."
            ),
            IdError::CenturyNotAllowed { century } => write!(
                f,
                "Århundradet {century} är inte tillåtet: ett nummer med 12 siffror börjar med 18, 19 eller 20."
            ),
            IdError::GlnCheckDigit => write!(f, "Kontrollsiffran i GLN-numret stämmer inte."),
            IdError::HsaPrefix => write!(f, "Ett HSA-id börjar med SE."),
            IdError::HsaOrgNumber => write!(
                f,
                "Ett HSA-id har ett organisationsnummer med 10 siffror direkt efter SE."
            ),
            IdError::HsaSeparator => write!(
                f,
                "Ett HSA-id har ett bindestreck direkt efter organisationsnumret."
            ),
            IdError::HsaUnitPart => write!(
                f,
                "Efter bindestrecket får ett HSA-id bara ha bokstäverna A–Z, a–z och siffror (minst ett tecken)."
            ),
            IdError::HsaTooLong { found } => write!(
                f,
                "HSA-id:t är för långt: {found} tecken, högst 31."
            ),
        }
    }
}

impl std::error::Error for IdError {}

/// A valid personnummer or samordningsnummer, stored as its 12 digits.
///
/// `Debug` hides the serial and check digit so a stray `{:?}` in a log line does not write a
/// full personnummer (DESIGN.md: no personnummer in log files). `Serialize` gives the 12 digits.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PersonId {
    twelve: String,
    kind: IdKind,
    birth: NaiveDate,
}

impl fmt::Debug for PersonId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PersonId({:?} {}-XXXX)", self.kind, &self.twelve[..8])
    }
}

impl Serialize for PersonId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.twelve)
    }
}

/// Separator characters as they arrive: hyphen, plus, and the dashes word processors and web
/// pages substitute for a hyphen.
fn separator(c: char) -> Option<char> {
    match c {
        '-' | '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2212}' => {
            Some('-')
        }
        '+' => Some('+'),
        _ => None,
    }
}

/// Luhn check digit over ASCII digits (weights 2,1,2,1,… from the left, as for 9 digits).
fn luhn_check_digit(digits: &[u8]) -> u8 {
    let sum: u32 = digits
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0') * if i % 2 == 0 { 2 } else { 1 };
            d / 10 + d % 10
        })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

fn two(d: &[u8]) -> u32 {
    u32::from(d[0] - b'0') * 10 + u32::from(d[1] - b'0')
}

impl PersonId {
    /// Parses a personnummer or samordningsnummer; `today` decides the century of 10-digit forms
    /// and rejects birth dates in the future.
    pub fn parse(text: &str, today: NaiveDate) -> Result<PersonId, IdError> {
        // Whitespace and control characters (scanner CR/LF/tab, pasted spaces) are dropped, unless
        // they stand between two digits.
        let blank = |c: &char| c.is_whitespace() || c.is_control();
        let all: Vec<char> = text.chars().collect();
        for (i, c) in all.iter().enumerate() {
            if blank(c) {
                let before = all[..i].iter().rev().find(|c| !blank(c));
                let after = all[i + 1..].iter().find(|c| !blank(c));
                if before.is_some_and(char::is_ascii_digit)
                    && after.is_some_and(char::is_ascii_digit)
                {
                    return Err(IdError::SpaceInsideNumber);
                }
            }
        }
        let chars: Vec<char> = all.into_iter().filter(|c| !blank(c)).collect();
        if chars.is_empty() {
            return Err(IdError::Empty);
        }
        let mut digits: Vec<u8> = Vec::with_capacity(12);
        let mut sep: Option<(usize, char)> = None;
        let mut seps = 0;
        for &c in &chars {
            if c.is_ascii_digit() {
                digits.push(c as u8);
            } else if let Some(s) = separator(c) {
                seps += 1;
                sep = Some((digits.len(), s));
            } else {
                return Err(IdError::InvalidCharacter { ch: c });
            }
        }
        if digits.len() != 10 && digits.len() != 12 {
            return Err(IdError::WrongLength {
                found: digits.len(),
                expected_sv: "10 eller 12",
                expected_en: "10 or 12",
            });
        }
        if seps > 1 {
            return Err(IdError::MisplacedSeparator);
        }
        if let Some((at, _)) = sep {
            if at != digits.len() - 4 {
                return Err(IdError::MisplacedSeparator);
            }
        }
        let sep = sep.map(|(_, s)| s);
        // The last ten digits: YYMMDDNNNC.
        let ten = &digits[digits.len() - 10..];
        let yy = two(&ten[0..2]) as i32;
        let month = two(&ten[2..4]);
        let raw_day = two(&ten[4..6]);
        let (kind, day) = if raw_day >= 60 {
            (IdKind::Samordningsnummer, raw_day - 60)
        } else {
            (IdKind::Personnummer, raw_day)
        };

        let birth = if digits.len() == 12 {
            let century = two(&digits[0..2]);
            if !(18..=20).contains(&century) {
                return Err(IdError::CenturyNotAllowed { century });
            }
            let year = century as i32 * 100 + yy;
            let birth = NaiveDate::from_ymd_opt(year, month, day)
                .ok_or(IdError::DateDoesNotExist { year, month, day })?;
            if sep == Some('+') && today.year() - year < 100 {
                return Err(IdError::PlusForUnder100);
            }
            birth
        } else {
            // Latest year ending in `yy` not after this year; `+` moves it back a century.
            let mut year = today.year() - (today.year() - yy).rem_euclid(100);
            if sep == Some('+') {
                year -= 100;
            }
            match NaiveDate::from_ymd_opt(year, month, day) {
                Some(d) if d > today && sep != Some('+') => {
                    // Born later this year is impossible; a century earlier is the only reading
                    // (someone turning 100 this year who was written with '-').
                    NaiveDate::from_ymd_opt(year - 100, month, day).ok_or(
                        IdError::DateDoesNotExist {
                            year: year - 100,
                            month,
                            day,
                        },
                    )?
                }
                Some(d) => d,
                // 29 February: a leap year a century earlier (e.g. 2000 vs 1900) may differ,
                // but the rule picks one century; report the date in that century.
                None => return Err(IdError::DateDoesNotExist { year, month, day }),
            }
        };
        if birth > today {
            return Err(IdError::BirthDateInFuture { date: birth });
        }
        if luhn_check_digit(&ten[..9]) != ten[9] - b'0' {
            return Err(IdError::CheckDigit);
        }
        if &ten[6..9] == b"000" {
            return Err(IdError::BirthNumberZero);
        }
        Ok(PersonId {
            twelve: format!(
                "{:04}{}",
                birth.year(),
                std::str::from_utf8(&ten[2..]).unwrap()
            ),
            kind,
            birth,
        })
    }

    /// Builds a number from its parts and computes the check digit (test data, the test server).
    ///
    /// # Panics
    /// If `serial > 999` or the year is outside 0..=9999.
    pub fn from_parts(birth: NaiveDate, serial: u16, kind: IdKind) -> PersonId {
        assert!(serial <= 999, "serial must be 0..=999, got {serial}");
        assert!(
            (0..=9999).contains(&birth.year()),
            "year must have four digits"
        );
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
        let check = luhn_check_digit(nine.as_bytes());
        PersonId {
            twelve: format!("{:04}{}{}", birth.year(), &nine[2..], check),
            kind,
            birth,
        }
    }

    pub fn kind(&self) -> IdKind {
        self.kind
    }

    /// The 12-digit form, `YYYYMMDDNNNC` (samordningsnummer with day + 60).
    pub fn twelve(&self) -> &str {
        &self.twelve
    }

    /// The 12-digit form with a hyphen, `YYYYMMDD-NNNC`, as printouts and the screen show it.
    pub fn twelve_with_hyphen(&self) -> String {
        format!("{}-{}", &self.twelve[..8], &self.twelve[8..])
    }

    /// The 10-digit display form, `YYMMDD-NNNC`, or `YYMMDD+NNNC` from the year the person
    /// turns 100.
    pub fn display(&self, today: NaiveDate) -> String {
        let sep = if today.year() - self.birth.year() >= 100 {
            '+'
        } else {
            '-'
        };
        format!("{}{}{}", &self.twelve[2..8], sep, &self.twelve[8..])
    }

    pub fn birth_date(&self) -> NaiveDate {
        self.birth
    }

    /// Completed years on `date`.
    pub fn age_on(&self, date: NaiveDate) -> u32 {
        age_on(self.birth, date)
    }
}

/// Completed years between `birth` and `date` (0 if `date` is before `birth`). Someone born on
/// 29 February becomes a year older on 1 March in other years.
pub fn age_on(birth: NaiveDate, date: NaiveDate) -> u32 {
    if date <= birth {
        return 0;
    }
    let mut years = date.year() - birth.year();
    if (date.month(), date.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years.max(0) as u32
}

/// A Global Location Number (13 digits, GS1 mod-10 check digit): the pharmacy's id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Gln(String);

fn gs1_check_digit(first12: &[u8]) -> u8 {
    // Weights 3,1,3,… from the right of the data digits.
    let sum: u32 = first12
        .iter()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

impl Gln {
    pub fn parse(text: &str) -> Result<Gln, IdError> {
        let s: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && !c.is_control())
            .collect();
        if s.is_empty() {
            return Err(IdError::Empty);
        }
        if let Some(ch) = s.chars().find(|c| !c.is_ascii_digit()) {
            return Err(IdError::InvalidCharacter { ch });
        }
        if s.len() != 13 {
            return Err(IdError::WrongLength {
                found: s.len(),
                expected_sv: "13",
                expected_en: "13",
            });
        }
        let b = s.as_bytes();
        if gs1_check_digit(&b[..12]) != b[12] - b'0' {
            return Err(IdError::GlnCheckDigit);
        }
        Ok(Gln(s))
    }

    /// The GLN with its check digit appended.
    ///
    /// # Panics
    /// If `first12` is not exactly 12 ASCII digits.
    pub fn with_check_digit(first12: &str) -> Gln {
        assert!(
            first12.len() == 12 && first12.bytes().all(|b| b.is_ascii_digit()),
            "a GLN without its check digit is 12 digits, got {first12:?}"
        );
        let check = gs1_check_digit(first12.as_bytes());
        Gln(format!("{first12}{check}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Gln {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An HSA-id: `SE` + 10-digit organisation number + `-` + `[A-Za-z0-9]+`, at most 31
/// characters. The format is all that is checked (NLL.md §10: no check digit of its own).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct HsaId(String);

impl HsaId {
    pub fn parse(text: &str) -> Result<HsaId, IdError> {
        let s = text.trim_matches(|c: char| c.is_whitespace() || c.is_control());
        if s.is_empty() {
            return Err(IdError::Empty);
        }
        let count = s.chars().count();
        if count > 31 {
            return Err(IdError::HsaTooLong { found: count });
        }
        let rest = s.strip_prefix("SE").ok_or(IdError::HsaPrefix)?;
        let org = rest.get(..10).ok_or(IdError::HsaOrgNumber)?;
        if !org.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdError::HsaOrgNumber);
        }
        let unit = rest[10..].strip_prefix('-').ok_or(IdError::HsaSeparator)?;
        if unit.is_empty() || !unit.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(IdError::HsaUnitPart);
        }
        Ok(HsaId(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for HsaId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    const TODAY: fn() -> NaiveDate = || d(2025, 6, 15);

    fn ok(text: &str) -> PersonId {
        PersonId::parse(text, TODAY()).unwrap_or_else(|e| panic!("{text:?}: {e}"))
    }

    fn err(text: &str) -> IdError {
        PersonId::parse(text, TODAY()).expect_err(text)
    }

    /// Independent Luhn validity check over the 10-digit tail (sum of all ten digits' Luhn
    /// products must be a multiple of 10).
    fn luhn_valid(ten: &str) -> bool {
        let sum: u32 = ten
            .bytes()
            .enumerate()
            .map(|(i, b)| {
                let v = u32::from(b - b'0') * if i % 2 == 0 { 2 } else { 1 };
                if v > 9 {
                    v - 9
                } else {
                    v
                }
            })
            .sum();
        sum.is_multiple_of(10)
    }

    #[test]
    fn skatteverket_test_number_in_every_written_form() {
        // Reference date 2011: the 10-digit '-' forms are still under 100 then.
        let in_2011 = d(2011, 6, 1);
        for text in [
            "19121212-1212",
            "191212121212",
            "121212-1212",
            "1212121212",
            " 19121212 - 1212 ",
            "191212121212\r\n",
            "\t121212-1212\n",
            "121212\u{2013}1212", // en dash from a web page
        ] {
            let id = PersonId::parse(text, in_2011).unwrap_or_else(|e| panic!("{text:?}: {e}"));
            assert_eq!(id.kind(), IdKind::Personnummer, "{text:?}");
            assert_eq!(id.twelve(), "191212121212", "{text:?}");
            assert_eq!(id.birth_date(), d(1912, 12, 12), "{text:?}");
        }
    }

    #[test]
    fn display_switches_to_plus_in_the_year_of_the_hundredth_birthday() {
        let id = ok("191212121212");
        assert_eq!(id.display(d(2011, 12, 31)), "121212-1212");
        assert_eq!(id.display(d(2012, 1, 1)), "121212+1212");
        assert_eq!(id.display(TODAY()), "121212+1212");
        assert_eq!(id.twelve_with_hyphen(), "19121212-1212");
    }

    #[test]
    fn ten_digit_century_follows_the_separator_and_the_reference_date() {
        // In 2025, 121212-1212 is someone born 2012; with + it is 1912.
        assert_eq!(ok("121212-1212").twelve(), "201212121212");
        assert_eq!(ok("1212121212").twelve(), "201212121212");
        assert_eq!(ok("121212+1212").twelve(), "191212121212");
        // Reference date decides: in 2011 the same '-' form is 1912.
        let id = PersonId::parse("121212-1212", d(2011, 6, 1)).unwrap();
        assert_eq!(id.birth_date(), d(1912, 12, 12));
    }

    #[test]
    fn ten_digit_date_later_this_year_is_read_a_century_back() {
        // On 2025-06-15, 251212 cannot be 2025-12-12 (not born yet): it is 1925-12-12, who turns
        // 100 this year. Check digit for 251212121: compute via from_parts.
        let p = PersonId::from_parts(d(1925, 12, 12), 121, IdKind::Personnummer);
        let ten = &p.twelve()[2..];
        let dash = format!("{}-{}", &ten[..6], &ten[6..]);
        assert_eq!(ok(&dash).birth_date(), d(1925, 12, 12));
        assert_eq!(ok(ten).birth_date(), d(1925, 12, 12));
        assert_eq!(p.display(TODAY()), format!("{}+{}", &ten[..6], &ten[6..]));
    }

    #[test]
    fn twelve_digit_plus_must_agree_with_the_age() {
        assert_eq!(ok("19121212+1212").twelve(), "191212121212");
        assert_eq!(err("20121212+1212"), IdError::PlusForUnder100);
    }

    #[test]
    fn samordningsnummer_day_plus_sixty() {
        let id = ok("19701063-2391");
        assert_eq!(id.kind(), IdKind::Samordningsnummer);
        assert_eq!(id.birth_date(), d(1970, 10, 3));
        assert_eq!(id.twelve(), "197010632391");
        assert_eq!(id.display(TODAY()), "701063-2391");
        assert_eq!(ok("701063-2391").twelve(), "197010632391");
        assert_eq!(id.age_on(TODAY()), 54);
        // Day 91 = 31 + 60 exists in October; day 92 does not.
        let p = PersonId::from_parts(d(1970, 10, 31), 239, IdKind::Samordningsnummer);
        assert_eq!(&p.twelve()[6..8], "91");
        assert_eq!(ok(p.twelve()).birth_date(), d(1970, 10, 31));
    }

    #[test]
    fn samordningsnummer_with_unknown_day_is_rejected_as_nonexistent_date() {
        // Day 60 = day 00: not a calendar date (documented limit).
        let mut ten = String::from("70106023");
        ten.push(char::from(b'0' + 9));
        let check = luhn_check_digit(ten.as_bytes());
        ten.push(char::from(b'0' + check));
        assert!(matches!(
            err(&ten),
            IdError::DateDoesNotExist { day: 0, .. }
        ));
    }

    #[test]
    fn from_parts_computes_the_check_digit_and_roundtrips() {
        let p = PersonId::from_parts(d(1912, 12, 12), 121, IdKind::Personnummer);
        assert_eq!(p.twelve(), "191212121212");
        for (birth, serial, kind) in [
            (d(2000, 2, 29), 5, IdKind::Personnummer),
            (d(1999, 1, 1), 1, IdKind::Samordningsnummer),
            (d(1980, 7, 31), 999, IdKind::Samordningsnummer),
            (d(2024, 2, 29), 42, IdKind::Samordningsnummer),
        ] {
            let p = PersonId::from_parts(birth, serial, kind);
            assert!(luhn_valid(&p.twelve()[2..]), "{}", p.twelve());
            let back = ok(p.twelve());
            assert_eq!(back, p);
            assert_eq!(back.kind(), kind);
            assert_eq!(back.birth_date(), birth);
        }
    }

    #[test]
    #[should_panic(expected = "serial")]
    fn from_parts_rejects_a_four_digit_serial() {
        PersonId::from_parts(d(1990, 1, 1), 1000, IdKind::Personnummer);
    }

    #[test]
    fn leap_days() {
        // 2000 and 2024 are leap years; 1900 and 2023 are not.
        for (birth, valid) in [
            ((2000, 2, 29), true),
            ((2024, 2, 29), true),
            ((1900, 2, 29), false),
            ((2023, 2, 29), false),
            ((1996, 2, 29), true),
        ] {
            let nine = format!("{:02}{:02}{:02}123", birth.0 % 100, birth.1, birth.2);
            let check = luhn_check_digit(nine.as_bytes());
            let twelve = format!("{:02}{nine}{check}", birth.0 / 100);
            let r = PersonId::parse(&twelve, TODAY());
            if valid {
                assert_eq!(r.unwrap().birth_date(), d(birth.0, birth.1, birth.2));
            } else {
                assert_eq!(
                    r.unwrap_err(),
                    IdError::DateDoesNotExist {
                        year: birth.0,
                        month: 2,
                        day: 29
                    },
                    "{twelve}"
                );
            }
        }
    }

    #[test]
    fn wrong_check_digit() {
        let e = err("19121212-1213");
        assert_eq!(e, IdError::CheckDigit);
        assert_eq!(e.to_string(), "Kontrollsiffran stämmer inte.");
        assert_eq!(e.message_en(), "The check digit does not match.");
        assert_eq!(err("121212-1210"), IdError::CheckDigit);
        // Samordningsnummer with a wrong check digit.
        assert_eq!(err("701063-2390"), IdError::CheckDigit);
    }

    #[test]
    fn impossible_dates() {
        // Month 13, day 32, 30 February, month 00: each with a correct Luhn digit so the date
        // is what fails.
        for nine in ["901301123", "900132123", "900230123", "900001123"] {
            let check = luhn_check_digit(nine.as_bytes());
            let text = format!("19{nine}{check}");
            let e = err(&text);
            assert!(
                matches!(e, IdError::DateDoesNotExist { .. }),
                "{text}: {e:?}"
            );
            assert!(
                e.to_string().starts_with("Datumet finns inte: 1990-"),
                "{e}"
            );
            assert!(e.message_en().starts_with("The date does not exist"));
        }
    }

    #[test]
    fn letters_and_other_characters() {
        let e = err("19121212-12A2");
        assert_eq!(e, IdError::InvalidCharacter { ch: 'A' });
        assert_eq!(
            e.to_string(),
            "Otillåtet tecken 'A': bara siffror och - eller + är tillåtna."
        );
        assert_eq!(err("121212/1212"), IdError::InvalidCharacter { ch: '/' });
        assert_eq!(err("abc"), IdError::InvalidCharacter { ch: 'a' });
    }

    #[test]
    fn wrong_number_of_digits() {
        for (text, n) in [
            ("12121212", 8),
            ("121212-121", 9),
            ("19121212-12120", 13),
            ("12121212121", 11),
        ] {
            let e = err(text);
            assert!(
                matches!(e, IdError::WrongLength { found, .. } if found == n),
                "{text}: {e:?}"
            );
            assert_eq!(
                e.to_string(),
                format!("Fel antal siffror: {n}, ska vara 10 eller 12.")
            );
            assert_eq!(
                e.message_en(),
                format!("Wrong number of digits: {n}, expected 10 or 12.")
            );
        }
    }

    #[test]
    fn empty_and_separator_errors() {
        assert_eq!(err(""), IdError::Empty);
        assert_eq!(err(" \r\n"), IdError::Empty);
        assert_eq!(err("1212-121212"), IdError::MisplacedSeparator);
        assert_eq!(err("121212--1212"), IdError::MisplacedSeparator);
        assert_eq!(err("121212-+1212"), IdError::MisplacedSeparator);
        assert_eq!(err("1912121-21212"), IdError::MisplacedSeparator);
    }

    #[test]
    fn birth_date_in_the_future() {
        let p = PersonId::from_parts(d(2030, 1, 1), 123, IdKind::Personnummer);
        assert_eq!(
            err(p.twelve()),
            IdError::BirthDateInFuture {
                date: d(2030, 1, 1)
            }
        );
    }

    #[test]
    fn ages() {
        let birth = d(2012, 12, 12);
        assert_eq!(age_on(birth, d(2025, 12, 11)), 12);
        assert_eq!(age_on(birth, d(2025, 12, 12)), 13);
        assert_eq!(age_on(birth, d(2012, 12, 12)), 0);
        assert_eq!(age_on(birth, d(2000, 1, 1)), 0);
        // Leap-day birthdays: a year older on 1 March in common years, on 29 Feb in leap years.
        let leap = d(2008, 2, 29);
        assert_eq!(age_on(leap, d(2026, 2, 28)), 17);
        assert_eq!(age_on(leap, d(2026, 3, 1)), 18);
        assert_eq!(age_on(leap, d(2028, 2, 28)), 19);
        assert_eq!(age_on(leap, d(2028, 2, 29)), 20);
        assert_eq!(ok("191212121212").age_on(d(2025, 6, 15)), 112);
    }

    #[test]
    fn debug_hides_the_last_four_digits_and_serialize_gives_twelve() {
        let id = ok("19121212-1212");
        let dbg = format!("{id:?}");
        assert!(!dbg.contains("1212121212"), "{dbg}");
        assert!(dbg.contains("19121212-XXXX"), "{dbg}");
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"191212121212\"");
    }

    #[test]
    fn gln() {
        // GS1's own example: 629104150021 → check digit 3.
        assert_eq!(
            Gln::with_check_digit("629104150021").as_str(),
            "6291041500213"
        );
        assert_eq!(
            Gln::with_check_digit("735000000000").as_str(),
            "7350000000009"
        );
        assert_eq!(
            Gln::parse(" 6291041500213\n").unwrap().as_str(),
            "6291041500213"
        );
        assert_eq!(Gln::parse("6291041500214"), Err(IdError::GlnCheckDigit));
        assert!(matches!(
            Gln::parse("629104150021"),
            Err(IdError::WrongLength { found: 12, .. })
        ));
        assert_eq!(
            Gln::parse("62910415002X3"),
            Err(IdError::InvalidCharacter { ch: 'X' })
        );
        assert_eq!(
            Gln::parse("629104150021").unwrap_err().to_string(),
            "Fel antal siffror: 12, ska vara 13."
        );
        assert_eq!(
            Gln::parse("6291041500214").unwrap_err().to_string(),
            "Kontrollsiffran i GLN-numret stämmer inte."
        );
    }

    #[test]
    #[should_panic(expected = "12 digits")]
    fn gln_with_check_digit_needs_twelve_digits() {
        Gln::with_check_digit("12345");
    }

    #[test]
    fn hsa_id() {
        assert_eq!(
            HsaId::parse("SE2321000016-15CQ").unwrap().as_str(),
            "SE2321000016-15CQ"
        );
        assert!(HsaId::parse("SE5565594230-B1x9").is_ok());
        // 31 characters is the maximum.
        let max = format!("SE2321000016-{}", "A".repeat(18));
        assert_eq!(max.len(), 31);
        assert!(HsaId::parse(&max).is_ok());
        let long = format!("{max}B");
        assert_eq!(HsaId::parse(&long), Err(IdError::HsaTooLong { found: 32 }));
        assert_eq!(HsaId::parse("2321000016-15CQ"), Err(IdError::HsaPrefix));
        assert_eq!(HsaId::parse("se2321000016-15CQ"), Err(IdError::HsaPrefix));
        assert_eq!(HsaId::parse("SE232100001-15CQ"), Err(IdError::HsaOrgNumber));
        assert_eq!(
            HsaId::parse("SE23210000X6-15CQ"),
            Err(IdError::HsaOrgNumber)
        );
        assert_eq!(HsaId::parse("SE232"), Err(IdError::HsaOrgNumber));
        assert_eq!(
            HsaId::parse("SE2321000016_15CQ"),
            Err(IdError::HsaSeparator)
        );
        assert_eq!(HsaId::parse("SE2321000016"), Err(IdError::HsaSeparator));
        assert_eq!(HsaId::parse("SE2321000016-"), Err(IdError::HsaUnitPart));
        assert_eq!(
            HsaId::parse("SE2321000016-15 CQ"),
            Err(IdError::HsaUnitPart)
        );
        assert_eq!(HsaId::parse("SE2321000016-15-Q"), Err(IdError::HsaUnitPart));
        assert_eq!(HsaId::parse("SE2321000016-Å1"), Err(IdError::HsaUnitPart));
        assert_eq!(
            HsaId::parse("SE2321000016").unwrap_err().to_string(),
            "Ett HSA-id har ett bindestreck direkt efter organisationsnumret."
        );
    }

    #[test]
    fn every_error_has_a_code_and_both_languages() {
        let all = [
            IdError::Empty,
            IdError::InvalidCharacter { ch: 'x' },
            IdError::WrongLength {
                found: 3,
                expected_sv: "13",
                expected_en: "13",
            },
            IdError::MisplacedSeparator,
            IdError::DateDoesNotExist {
                year: 1990,
                month: 2,
                day: 30,
            },
            IdError::BirthDateInFuture {
                date: d(2030, 1, 1),
            },
            IdError::PlusForUnder100,
            IdError::CheckDigit,
            IdError::GlnCheckDigit,
            IdError::HsaPrefix,
            IdError::HsaOrgNumber,
            IdError::HsaSeparator,
            IdError::HsaUnitPart,
            IdError::HsaTooLong { found: 40 },
        ];
        let mut codes = std::collections::HashSet::new();
        for e in &all {
            assert!(codes.insert(e.code()), "duplicate code {}", e.code());
            assert!(e.to_string().ends_with('.'), "{e}");
            assert!(e.message_en().ends_with('.'), "{}", e.message_en());
            assert_ne!(e.to_string(), e.message_en());
        }
    }
}
