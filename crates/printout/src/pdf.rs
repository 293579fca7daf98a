//! The layout written as a PDF: printpdf 0.12 writes the document (A4 pages, metadata title,
//! author (the pharmacy) and creation date) and embeds DejaVu Sans cut to the glyphs used; each
//! page's content stream is written here (`page_content`), and the streams are deflated here.

use std::collections::BTreeSet;

use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{CmapTarget, SubsetProfile};
use chrono::{Datelike, NaiveDateTime, Timelike};
use printpdf::{
    FontId, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Pt, TextItem,
};

use crate::layout::{Draw, Layout, Page, PAGE_H, PAGE_W};
use crate::text::{metrics, Face, BOLD_TTF, REGULAR_TTF};

fn pdf_date(t: NaiveDateTime) -> printpdf::OffsetDateTime {
    // Local wall-clock time; the offset is not known to a NaiveDateTime and is left at zero.
    printpdf::OffsetDateTime {
        date: printpdf::Date {
            year: t.year(),
            month: t.month() as u8,
            day: t.day() as u8,
        },
        time: printpdf::Time {
            hour: t.hour() as u8,
            minute: t.minute() as u8,
            second: t.second() as u8,
            millisecond: 0,
        },
        offset: printpdf::Offset {
            hours: 0,
            minutes: 0,
            seconds: 0,
            milliseconds: 0,
        },
    }
}

/// The face cut down to the glyphs of the characters `seen`, so that a printout embeds some
/// kilobytes of font instead of the whole 700 KB TTF (and writes in a fraction of the time).
/// Falls back to the whole font if subsetting fails: a bigger file beats no printout.
fn subset(face: Face, ttf: &'static [u8], seen: &BTreeSet<char>) -> ParsedFont {
    let full = &metrics(face).font;
    let gids: BTreeSet<u16> = seen
        .iter()
        .filter_map(|c| full.lookup_glyph_index(*c as u32))
        .collect();
    // Glyph 0 (.notdef) first, as allsorts requires.
    let ids: Vec<u16> = std::iter::once(0)
        .chain(gids.into_iter().filter(|g| *g != 0))
        .collect();
    let cut = || -> Option<ParsedFont> {
        let scope = ReadScope::new(ttf);
        let data = scope.read::<FontData<'_>>().ok()?;
        let provider = data.table_provider(0).ok()?;
        let bytes =
            allsorts::subset::subset(&provider, &ids, &SubsetProfile::Pdf, CmapTarget::Unicode)
                .ok()?;
        let font = ParsedFont::from_bytes(&bytes, 0, &mut Vec::new())?;
        // Every used character must still map to a glyph.
        seen.iter()
            .filter(|c| full.lookup_glyph_index(**c as u32).is_some())
            .all(|c| font.lookup_glyph_index(*c as u32).is_some())
            .then_some(font)
    };
    cut().unwrap_or_else(|| full.clone())
}

/// A face as the content streams name and encode it: printpdf's resource name for the
/// embedded font, and each character's glyph id in it (Identity-H: two bytes a glyph).
struct FontUse {
    name: String,
    latin: [u16; 256],
    other: std::collections::HashMap<char, u16>,
}

impl FontUse {
    fn new(id: &FontId, font: &ParsedFont, chars: &BTreeSet<char>) -> FontUse {
        let gid = |c: char| font.lookup_glyph_index(c as u32).unwrap_or(0);
        let mut latin = [0; 256];
        for (i, g) in latin.iter_mut().enumerate() {
            *g = gid(char::from(i as u8));
        }
        FontUse {
            name: id.0.clone(),
            latin,
            other: chars
                .iter()
                .filter(|c| (**c as u32) > 255)
                .map(|c| (*c, gid(*c)))
                .collect(),
        }
    }

    fn glyph(&self, c: char) -> u16 {
        match u8::try_from(c as u32) {
            Ok(b) => self.latin[usize::from(b)],
            Err(_) => self.other.get(&c).copied().unwrap_or(0),
        }
    }
}

/// One page's content stream, written directly: graphics first, then all text in one text
/// object, with colour, line width and font set only when they change. Nothing is drawn over
/// text, so the order of the two passes does not show. (printpdf's own operations cost about
/// 0.3 ms a page more — number and hex formatting through lopdf — which was a third of a
/// 127-page printout's time.)
fn page_content(page: &Page, regular: &FontUse, bold: &FontUse) -> Vec<u8> {
    let mut out = Vec::with_capacity(page.draws.len() * 48);
    let mut fill: Option<f32> = None;
    let mut stroke: Option<(f32, f32)> = None;
    let set_fill = |out: &mut Vec<u8>, fill: &mut Option<f32>, g: f32| {
        if *fill != Some(g) {
            op(out, &[g], "g");
            *fill = Some(g);
        }
    };
    let set_stroke = |out: &mut Vec<u8>, stroke: &mut Option<(f32, f32)>, g: f32, w: f32| {
        if *stroke != Some((g, w)) {
            op(out, &[g], "G");
            op(out, &[w], "w");
            *stroke = Some((g, w));
        }
    };
    for d in &page.draws {
        match d {
            Draw::Text { .. } => {}
            Draw::Line {
                x1,
                y1,
                x2,
                y2,
                width,
                grey: g,
            } => {
                set_stroke(&mut out, &mut stroke, *g, *width);
                op(&mut out, &[*x1, *y1], "m");
                op(&mut out, &[*x2, *y2], "l S");
            }
            Draw::Strike { x1, x2, y, width } => {
                set_stroke(&mut out, &mut stroke, 0.0, *width);
                op(&mut out, &[*x1, *y], "m");
                op(&mut out, &[*x2, *y], "l S");
            }
            Draw::Fill {
                x,
                y,
                w,
                h,
                grey: g,
            } => {
                set_fill(&mut out, &mut fill, *g);
                op(&mut out, &[*x, *y, *w, *h], "re f");
            }
            Draw::Frame { x, y, w, h, width } => {
                set_stroke(&mut out, &mut stroke, 0.0, *width);
                op(&mut out, &[*x, *y, *w, *h], "re S");
            }
        }
    }
    out.extend_from_slice(b"BT\n");
    let mut font: Option<(Face, f32)> = None;
    for d in &page.draws {
        let Draw::Text {
            x,
            y,
            size,
            face,
            grey: g,
            text,
        } = d
        else {
            continue;
        };
        let f = match face {
            Face::Regular => regular,
            Face::Bold => bold,
        };
        if font != Some((*face, *size)) {
            out.push(b'/');
            out.extend_from_slice(f.name.as_bytes());
            out.push(b' ');
            op(&mut out, &[*size], "Tf");
            font = Some((*face, *size));
        }
        set_fill(&mut out, &mut fill, *g);
        op(&mut out, &[1.0, 0.0, 0.0, 1.0, *x, *y], "Tm");
        out.push(b'<');
        for c in text.chars() {
            let [hi, lo] = f.glyph(c).to_be_bytes();
            for b in [hi >> 4, hi & 15, lo >> 4, lo & 15] {
                out.push(b"0123456789ABCDEF"[usize::from(b)]);
            }
        }
        out.extend_from_slice(b"> Tj\n");
    }
    out.extend_from_slice(b"ET\n");
    out
}

/// `a b c operator` and a newline; numbers to 1/1000 of a point.
fn op(out: &mut Vec<u8>, numbers: &[f32], operator: &str) {
    for n in numbers {
        number(out, *n);
        out.push(b' ');
    }
    out.extend_from_slice(operator.as_bytes());
    out.push(b'\n');
}

fn number(out: &mut Vec<u8>, n: f32) {
    let thousandths = (f64::from(n) * 1000.0).round() as i64;
    if thousandths < 0 {
        out.push(b'-');
    }
    let t = thousandths.unsigned_abs();
    let (whole, frac) = (t / 1000, t % 1000);
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut w = whole;
    loop {
        i -= 1;
        digits[i] = b'0' + (w % 10) as u8;
        w /= 10;
        if w == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
    if frac != 0 {
        let f = [frac / 100, frac / 10 % 10, frac % 10];
        let len = if f[2] != 0 {
            3
        } else if f[1] != 0 {
            2
        } else {
            1
        };
        out.push(b'.');
        out.extend(f[..len].iter().map(|d| b'0' + *d as u8));
    }
}

/// Writes the PDF.
pub fn write(layout: &Layout) -> Vec<u8> {
    let doc = &layout.doc;
    let mut pdf = PdfDocument::new(&doc.title);
    let info = &mut pdf.metadata.info;
    info.author = doc.pharmacy.clone();
    info.creator = "Receptdisk".into();
    info.producer = format!("Receptdisk {}", env!("CARGO_PKG_VERSION"));
    info.subject = doc.title.clone();
    info.creation_date = pdf_date(doc.printed_at);
    info.modification_date = info.creation_date;
    info.metadata_date = info.creation_date;

    let used = |face: Face| {
        layout
            .pages
            .iter()
            .flat_map(|p| &p.draws)
            .filter_map(move |d| match d {
                Draw::Text { face: f, text, .. } if *f == face => Some(text.as_str()),
                _ => None,
            })
    };
    let chars = |face: Face| -> BTreeSet<char> { used(face).flat_map(str::chars).collect() };
    let (regular_chars, bold_chars) = (chars(Face::Regular), chars(Face::Bold));
    let regular_font = subset(Face::Regular, REGULAR_TTF, &regular_chars);
    let bold_font = subset(Face::Bold, BOLD_TTF, &bold_chars);
    let regular_id = pdf.add_font(&regular_font);
    let bold_id = pdf.add_font(&bold_font);
    let regular = FontUse::new(&regular_id, &regular_font, &regular_chars);
    let bold = FontUse::new(&bold_id, &bold_font, &bold_chars);

    // printpdf writes the document, the pages and the fonts — each font with the widths and
    // the text map (ToUnicode) of the glyphs its pages show, which it learns from the pages'
    // text. So the first page shows every character used, once per face; then each page's
    // content is replaced by its own stream (`page_content`).
    let mut inventory = vec![Op::StartTextSection];
    for (id, chars) in [(&regular_id, &regular_chars), (&bold_id, &bold_chars)] {
        if !chars.is_empty() {
            inventory.push(Op::SetFont {
                font: PdfFontHandle::External(id.clone()),
                size: Pt(1.0),
            });
            inventory.push(Op::ShowText {
                items: vec![TextItem::Text(chars.iter().collect())],
            });
        }
    }
    inventory.push(Op::EndTextSection);
    let pages = layout
        .pages
        .iter()
        .enumerate()
        .map(|(i, _)| {
            let ops = if i == 0 {
                std::mem::take(&mut inventory)
            } else {
                Vec::new()
            };
            PdfPage::new(Pt(PAGE_W).into(), Pt(PAGE_H).into(), ops)
        })
        .collect();
    let pdf = pdf.with_pages(pages);
    let options = PdfSaveOptions {
        subset_fonts: false,
        optimize: false,
        ..PdfSaveOptions::default()
    };
    let mut doc = printpdf::to_lopdf_doc(pdf, &options, &mut Vec::new());
    for (page, (_, id)) in layout.pages.iter().zip(doc.get_pages()) {
        let contents = doc
            .get_dictionary(id)
            .and_then(|d| d.get(b"Contents"))
            .and_then(lopdf::Object::as_reference);
        if let Ok(stream) = contents {
            let content = page_content(page, &regular, &bold);
            doc.objects.insert(
                stream,
                lopdf::Object::Stream(lopdf::Stream::new(lopdf::Dictionary::new(), content)),
            );
        }
    }
    compress(&mut doc);
    let mut out = Vec::new();
    // Writing to memory cannot fail.
    let _ = doc.save_to(&mut out);
    out
}

/// Deflate level of the streams. lopdf's own `compress` uses the best (9). Measured on a
/// 71-page printout (`cargo bench -p printout`): level 9 compresses in 22 ms to 226 KB, level 3
/// in 9 ms to 246 KB, level 1 in 6 ms but to 434 KB.
const DEFLATE_LEVEL: u32 = 3;

/// Compresses every stream that allows it and is not compressed yet (FlateDecode), as lopdf's
/// `Document::compress` does, at [`DEFLATE_LEVEL`]; a stream is left as is when compressing
/// does not make it smaller. The pages' streams are shared between two threads where the
/// machine has two cores: they are independent, and a 127-page printout has 127 of them.
fn compress(doc: &mut lopdf::Document) {
    let streams: Vec<&mut lopdf::Stream> = doc
        .objects
        .values_mut()
        .filter_map(|o| match o {
            lopdf::Object::Stream(s) if s.allows_compression && s.dict.get(b"Filter").is_err() => {
                Some(s)
            }
            _ => None,
        })
        .collect();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(2));
    if threads < 2 {
        streams.into_iter().for_each(deflate);
        return;
    }
    let (mut even, mut odd) = (Vec::new(), Vec::new());
    for (i, s) in streams.into_iter().enumerate() {
        if i % 2 == 0 {
            even.push(s)
        } else {
            odd.push(s)
        }
    }
    std::thread::scope(|scope| {
        scope.spawn(|| odd.into_iter().for_each(deflate));
        even.into_iter().for_each(deflate);
    });
}

fn deflate(stream: &mut lopdf::Stream) {
    use std::io::Write;
    let mut z = flate2::write::ZlibEncoder::new(
        Vec::with_capacity(stream.content.len() / 4),
        flate2::Compression::new(DEFLATE_LEVEL),
    );
    let Ok(packed) = z.write_all(&stream.content).and_then(|()| z.finish()) else {
        return;
    };
    if packed.len() + 19 < stream.content.len() {
        stream.dict.set("Filter", "FlateDecode");
        stream.set_content(packed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(v: f32) -> String {
        let mut out = Vec::new();
        number(&mut out, v);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn numbers_are_written_to_a_thousandth_of_a_point() {
        assert_eq!(n(0.0), "0");
        assert_eq!(n(12.5), "12.5");
        assert_eq!(n(1.0), "1");
        assert_eq!(n(-3.0), "-3");
        assert_eq!(n(-0.25), "-0.25");
        assert_eq!(n(595.2756), "595.276");
        assert_eq!(n(841.89), "841.89");
        assert_eq!(n(0.0004), "0");
        assert_eq!(n(-0.0004), "0");
        assert_eq!(n(100.05), "100.05");
    }
}
