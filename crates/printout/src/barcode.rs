//! Code 128 of the 12-digit personnummer, as bars for the page.
//!
//! Character set C packs two digits per symbol: 12 digits = start + 6 + check + stop =
//! 101 modules. At 0.33 mm per module the code is 33 mm wide; scanners at the counter read it
//! from paper, and `zbarimg` reads it from a 300 dpi rendering (tested).

use barcoders::sym::code128::Code128;

/// Modules of quiet zone (white space) each side that a scanner needs.
pub const QUIET_ZONE_MODULES: usize = 10;

/// The modules (true = bar) of `digits` in Code 128 set C, or `None` if `digits` is not an
/// even number of ASCII digits.
pub fn code128_c(digits: &str) -> Option<Vec<bool>> {
    if digits.is_empty()
        || !digits.len().is_multiple_of(2)
        || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    // "Ć" selects start set C in barcoders; without it the digits are refused.
    let encoded = Code128::new(format!("Ć{digits}")).ok()?.encode();
    Some(encoded.into_iter().map(|m| m == 1).collect())
}

/// Runs of bars as (first module, width in modules).
pub fn bars(modules: &[bool]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < modules.len() {
        if !modules[i] {
            i += 1;
            continue;
        }
        let start = i;
        while i < modules.len() && modules[i] {
            i += 1;
        }
        out.push((start, i - start));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twelve_digits_are_101_modules_starting_and_ending_with_a_bar() {
        let m = code128_c("191212121212").unwrap();
        assert_eq!(m.len(), 101);
        assert!(m[0] && m[100]);
        // Stop pattern ends with the two-module termination bar.
        assert!(m[99] && m[100] && !m[98]);
    }

    #[test]
    fn only_even_digit_strings() {
        assert!(code128_c("19121212121").is_none());
        assert!(code128_c("19121212121X").is_none());
        assert!(code128_c("").is_none());
    }

    #[test]
    fn bars_are_runs() {
        assert_eq!(
            bars(&[true, true, false, true, false, false, true]),
            vec![(0, 2), (3, 1), (6, 1)]
        );
    }
}
