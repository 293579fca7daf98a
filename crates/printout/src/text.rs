//! The embedded fonts, their glyph widths, and greedy word wrapping.
//!
//! DejaVu Sans (regular and bold) ships inside the binary: a printout must look the same on
//! every counter, whatever fonts the computer has, and must cover åäöÅÄÖ é ü – ×. Licence:
//! `assets/DejaVu-LICENSE.txt` (Bitstream Vera licence; DejaVu changes public domain).

use std::sync::OnceLock;

use printpdf::ParsedFont;

pub(crate) const REGULAR_TTF: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");
pub(crate) const BOLD_TTF: &[u8] = include_bytes!("../assets/DejaVuSans-Bold.ttf");

/// Regular or bold face.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Face {
    Regular,
    Bold,
}

/// One face's advance widths by character, read once from the TTF.
pub(crate) struct Metrics {
    pub(crate) font: ParsedFont,
    /// Advance widths of U+0000..U+0250 (Latin, Latin-1, Latin Extended-A/B) in font units,
    /// looked up without a map: nearly every character of a Swedish printout is in here.
    ascii_latin: Vec<u16>,
    units_per_em: f32,
}

impl Metrics {
    fn load(bytes: &'static [u8]) -> Metrics {
        let font = ParsedFont::from_bytes(bytes, 0, &mut Vec::new())
            .expect("the embedded DejaVu Sans parses");
        let units_per_em = f32::from(font.units_per_em.max(1));
        let ascii_latin = (0u32..0x250)
            .map(|c| Self::lookup(&font, c).unwrap_or(0))
            .collect();
        Metrics {
            font,
            ascii_latin,
            units_per_em,
        }
    }

    fn lookup(font: &ParsedFont, c: u32) -> Option<u16> {
        font.lookup_glyph_index(c)
            .and_then(|g| font.get_glyph_width(g))
    }

    fn units(&self, c: char) -> u16 {
        let cp = c as u32;
        if let Some(w) = self.ascii_latin.get(cp as usize) {
            return *w;
        }
        // A character the font lacks is drawn as .notdef, which has the width of glyph 0.
        Self::lookup(&self.font, cp)
            .or_else(|| self.font.get_glyph_width(0))
            .unwrap_or(0)
    }

    /// Width of `s` in points at `size` points (advance widths; no kerning, like the PDF text).
    pub(crate) fn width(&self, s: &str, size: f32) -> f32 {
        let units: u32 = s.chars().map(|c| u32::from(self.units(c))).sum();
        units as f32 * size / self.units_per_em
    }
}

pub(crate) fn metrics(face: Face) -> &'static Metrics {
    static REGULAR: OnceLock<Metrics> = OnceLock::new();
    static BOLD: OnceLock<Metrics> = OnceLock::new();
    match face {
        Face::Regular => REGULAR.get_or_init(|| Metrics::load(REGULAR_TTF)),
        Face::Bold => BOLD.get_or_init(|| Metrics::load(BOLD_TTF)),
    }
}

/// Width of `s` in points, in `face` at `size` points.
pub fn text_width(face: Face, s: &str, size: f32) -> f32 {
    metrics(face).width(s, size)
}

/// Greedy wrap of `text` into lines no wider than `max` points. Explicit `\n` starts a new
/// line; a word wider than a whole line is broken between characters (a long product name
/// or an e-mail address must not run into the next column).
pub fn wrap(face: Face, text: &str, size: f32, max: f32) -> Vec<String> {
    let m = metrics(face);
    let space = m.width(" ", size);
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        let mut line_w = 0.0f32;
        for word in para.split_whitespace() {
            let w = m.width(word, size);
            if line.is_empty() && w <= max {
                line.push_str(word);
                line_w = w;
            } else if !line.is_empty() && line_w + space + w <= max {
                line.push(' ');
                line.push_str(word);
                line_w += space + w;
            } else if w <= max {
                lines.push(std::mem::take(&mut line));
                line.push_str(word);
                line_w = w;
            } else {
                // Too wide for any line: fill the current line, then break by characters.
                if !line.is_empty() {
                    if line_w + space < max {
                        line.push(' ');
                        line_w += space;
                    } else {
                        lines.push(std::mem::take(&mut line));
                        line_w = 0.0;
                    }
                }
                for c in word.chars() {
                    let cw = m.width(c.encode_utf8(&mut [0; 4]), size);
                    if line_w + cw > max && !line.is_empty() {
                        lines.push(std::mem::take(&mut line));
                        line_w = 0.0;
                    }
                    line.push(c);
                    line_w += cw;
                }
            }
        }
        lines.push(line);
    }
    // An empty cell is one empty line; trailing empty paragraphs add nothing.
    while lines.len() > 1 && lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swedish_letters_have_widths() {
        for c in "åäöÅÄÖé–×".chars() {
            assert!(text_width(Face::Regular, &c.to_string(), 10.0) > 3.0, "{c}");
        }
        assert!(
            text_width(Face::Bold, "Läkemedel", 10.0)
                > text_width(Face::Regular, "Läkemedel", 10.0)
        );
    }

    #[test]
    fn wrap_keeps_every_word_and_respects_the_width() {
        let text = "Alvedon (paracetamol) filmdragerad tablett 500 mg, 1 tablett vid behov högst 4 gånger per dygn";
        let lines = wrap(Face::Regular, text, 8.0, 100.0);
        assert!(lines.len() > 2, "{lines:?}");
        for l in &lines {
            assert!(text_width(Face::Regular, l, 8.0) <= 100.0, "{l}");
        }
        assert_eq!(lines.join(" "), text);
    }

    #[test]
    fn wrap_breaks_a_word_wider_than_the_column() {
        let word = "Läkemedelsförsäkringsföreningen".repeat(3);
        let lines = wrap(Face::Bold, &word, 9.0, 60.0);
        assert!(lines.len() > 3);
        assert_eq!(lines.concat(), word);
        for l in &lines {
            assert!(text_width(Face::Bold, l, 9.0) <= 60.0);
        }
    }

    #[test]
    fn wrap_honours_newlines_and_empty_text() {
        assert_eq!(wrap(Face::Regular, "", 8.0, 50.0), vec![String::new()]);
        assert_eq!(
            wrap(Face::Regular, "Läkare\nVårdcentralen", 8.0, 500.0),
            vec!["Läkare".to_string(), "Vårdcentralen".to_string()]
        );
    }
}
