//! Text from NLL (names, dosage texts, error texts) reaches the pharmacist's terminal only
//! without control characters: an escape sequence inside an answer could otherwise move the
//! cursor, rewrite what was printed above it or set the window title.

use std::borrow::Cow;

/// `s` with every control character but the line break replaced by U+FFFD, so a stray one is
/// seen rather than obeyed.
pub fn safe(s: &str) -> Cow<'_, str> {
    if !s.chars().any(unsafe_char) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| if unsafe_char(c) { '\u{FFFD}' } else { c })
            .collect(),
    )
}

/// C0 and C1 controls (ESC, CR, BEL, CSI …) except `\n`, and the bidirectional overrides
/// that make a line read differently from what it holds.
fn unsafe_char(c: char) -> bool {
    (c.is_control() && c != '\n') || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::safe;

    #[test]
    fn escapes_and_other_controls_are_shown_not_obeyed() {
        assert_eq!(safe("Alvedon 500 mg\n"), "Alvedon 500 mg\n");
        assert!(matches!(safe("Åsa Öberg"), std::borrow::Cow::Borrowed(_)));
        assert_eq!(safe("a\u{1b}]0;title\u{7}b"), "a\u{FFFD}]0;title\u{FFFD}b");
        assert_eq!(
            safe("x\u{1b}[2Jy\rz\u{9b}1m"),
            "x\u{FFFD}[2Jy\u{FFFD}z\u{FFFD}1m"
        );
        assert_eq!(safe("\u{202E}gpj.exe"), "\u{FFFD}gpj.exe");
        assert_eq!(safe("tab\there"), "tab\u{FFFD}here");
    }
}
