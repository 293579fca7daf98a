//! The personnummer project's shared cross-language test list (fixture and its source in
//! `fixtures/personnummer-meta-list.*`): every form of every case through `nll::ids`, which must
//! agree with the list on validity, on the kind (personnummer or samordningsnummer) and on the
//! number sent to NLL. Then the numbers Skatteverket never issues, beyond the list.

use chrono::NaiveDate;
use nll::ids::{IdError, IdKind, PersonId};
use serde::Deserialize;

#[derive(Deserialize)]
struct Case {
    integer: u64,
    long_format: String,
    short_format: String,
    separated_format: String,
    separated_long: String,
    valid: bool,
    #[serde(rename = "type")]
    kind: String,
}

/// The list's cases are all born before this date; it is fixed so the test does not age.
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

fn cases() -> Vec<Case> {
    let text = include_str!("fixtures/personnummer-meta-list.json");
    serde_json::from_str(text).expect("the fixture is the project's list")
}

#[test]
fn every_form_of_every_case_agrees_with_the_shared_list() {
    let cases = cases();
    assert!(cases.len() >= 14, "the whole list: {}", cases.len());
    assert!(cases.iter().any(|c| c.valid) && cases.iter().any(|c| !c.valid));
    let mut checked = 0;
    for c in &cases {
        let forms = [
            ("integer", c.integer.to_string()),
            ("long_format", c.long_format.clone()),
            ("short_format", c.short_format.clone()),
            ("separated_format", c.separated_format.clone()),
            ("separated_long", c.separated_long.clone()),
        ];
        for (form, text) in forms {
            let parsed = PersonId::parse(&text, today());
            assert_eq!(
                parsed.is_ok(),
                c.valid,
                "{form} {text:?}: the list says valid = {}, nll::ids says {:?}",
                c.valid,
                parsed.as_ref().map(|_| ()).map_err(IdError::code)
            );
            if let Ok(id) = parsed {
                let kind = match c.kind.as_str() {
                    "con" => IdKind::Samordningsnummer,
                    _ => IdKind::Personnummer,
                };
                assert_eq!(id.kind(), kind, "{form} {text:?}");
                // FK001: what is sent is 12 digits, century 18/19/20.
                let twelve = id.twelve();
                assert!(twelve.len() == 12 && twelve.bytes().all(|b| b.is_ascii_digit()));
                assert!(["18", "19", "20"].contains(&&twelve[..2]), "{twelve}");
                if form == "short_format" {
                    // Without a separator the century is the latest one that fits (the list's
                    // libraries read it the same way); the ten digits are the same.
                    assert_eq!(&twelve[2..], text, "{form}");
                } else {
                    assert_eq!(twelve, c.long_format, "{form} {text:?}");
                }
            }
            checked += 1;
        }
    }
    assert_eq!(checked, cases.len() * 5);
}

/// Beyond the list: numbers Skatteverket never issues, each refused with its own reason even
/// where the check digit fits.
#[test]
fn numbers_never_issued_are_refused() {
    let code = |t: &str| {
        PersonId::parse(t, today())
            .map(|_| ())
            .map_err(|e| e.code())
    };
    // Birth number 000 (the list's 201509160006), in every form and for a samordningsnummer.
    let coordination_000 = PersonId::from_parts(
        NaiveDate::from_ymd_opt(1912, 12, 12).unwrap(),
        0,
        IdKind::Samordningsnummer,
    );
    for t in [
        "201509160006",
        "150916-0006",
        "1509160006",
        coordination_000.twelve(),
    ] {
        assert_eq!(code(t), Err("id-birth-number-zero"), "{t}");
    }
    // FK001: the century is 18, 19 or 20 (check digits fit: they ignore the century).
    assert_eq!(code("211212121212"), Err("id-century-not-allowed"));
    assert_eq!(code("171212121212"), Err("id-century-not-allowed"));
    let born_1899 = PersonId::from_parts(
        NaiveDate::from_ymd_opt(1899, 12, 12).unwrap(),
        121,
        IdKind::Personnummer,
    );
    assert_eq!(code(born_1899.twelve()), Ok(()));
    // A birth date after today.
    assert_eq!(code("20291212-1219"), Err("id-birth-date-in-future"));
    // `+` for someone under 100; a space between digits (could be `-` or `+`).
    assert_eq!(code("20121212+1212"), Err("id-plus-for-under-100"));
    assert_eq!(code("19121212 1212"), Err("id-space-inside-number"));
    // Spaces around the number or around a separator are still fine (scanners, pasting).
    assert_eq!(code(" 19121212 - 1212 \r\n"), Ok(()));
}
