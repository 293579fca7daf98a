//! The layout written as a PDF with printpdf 0.12 (ops API): embedded DejaVu Sans, A4 pages,
//! metadata title, author (the pharmacy) and creation date.

use std::collections::BTreeSet;

use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{CmapTarget, SubsetProfile};
use chrono::{Datelike, NaiveDateTime, Timelike};
use printpdf::{
    Color, FontId, Greyscale, Line, LinePoint, Op, PaintMode, ParsedFont, PdfDocument,
    PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, Rect, TextItem, TextMatrix,
};

use crate::layout::{Draw, Layout, Page, PAGE_H, PAGE_W};
use crate::text::{metrics, Face, BOLD_TTF, REGULAR_TTF};

fn grey(g: f32) -> Color {
    Color::Greyscale(Greyscale {
        percent: g,
        icc_profile: None,
    })
}

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

fn line(x1: f32, y1: f32, x2: f32, y2: f32) -> Op {
    let p = |x, y| LinePoint {
        p: Point { x: Pt(x), y: Pt(y) },
        bezier: false,
    };
    Op::DrawLine {
        line: Line {
            points: vec![p(x1, y1), p(x2, y2)],
            is_closed: false,
        },
    }
}

/// The face cut down to the glyphs `texts` use, so that a printout embeds some kilobytes of
/// font instead of the whole 700 KB TTF (and writes in a fraction of the time). Falls back
/// to the whole font if subsetting fails: a bigger file beats no printout.
fn subset<'a>(face: Face, ttf: &'static [u8], texts: impl Iterator<Item = &'a str>) -> ParsedFont {
    let full = &metrics(face).font;
    let mut gids: BTreeSet<u16> = BTreeSet::new();
    let mut seen: BTreeSet<char> = BTreeSet::new();
    for c in texts.flat_map(str::chars) {
        if seen.insert(c) {
            if let Some(g) = full.lookup_glyph_index(c as u32) {
                gids.insert(g);
            }
        }
    }
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

/// One page's content: graphics first, then all text in one text object, with colour, line
/// width and font set only when they change — a thousand-row printout stays small and quick
/// to compress. Nothing is drawn over text, so the order of the two passes does not show.
fn page_ops(page: &Page, regular: &FontId, bold: &FontId) -> Vec<Op> {
    let mut ops = Vec::with_capacity(page.draws.len() * 3);
    let mut fill: Option<f32> = None;
    let mut stroke: Option<(f32, f32)> = None;
    let mut set_fill = |ops: &mut Vec<Op>, g: f32| {
        if fill != Some(g) {
            ops.push(Op::SetFillColor { col: grey(g) });
            fill = Some(g);
        }
    };
    let mut set_stroke = |ops: &mut Vec<Op>, g: f32, w: f32| {
        if stroke != Some((g, w)) {
            ops.push(Op::SetOutlineColor { col: grey(g) });
            ops.push(Op::SetOutlineThickness { pt: Pt(w) });
            stroke = Some((g, w));
        }
    };
    let rect = |x: f32, y: f32, w: f32, h: f32, mode: PaintMode| Op::DrawRectangle {
        rectangle: Rect {
            mode: Some(mode),
            ..Rect::from_xywh(Pt(x), Pt(y), Pt(w), Pt(h))
        },
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
                set_stroke(&mut ops, *g, *width);
                ops.push(line(*x1, *y1, *x2, *y2));
            }
            Draw::Strike { x1, x2, y, width } => {
                set_stroke(&mut ops, 0.0, *width);
                ops.push(line(*x1, *y, *x2, *y));
            }
            Draw::Fill {
                x,
                y,
                w,
                h,
                grey: g,
            } => {
                set_fill(&mut ops, *g);
                ops.push(rect(*x, *y, *w, *h, PaintMode::Fill));
            }
            Draw::Frame { x, y, w, h, width } => {
                set_stroke(&mut ops, 0.0, *width);
                ops.push(rect(*x, *y, *w, *h, PaintMode::Stroke));
            }
        }
    }
    ops.push(Op::StartTextSection);
    let mut font: Option<(Face, f32)> = None;
    for d in &page.draws {
        if let Draw::Text {
            x,
            y,
            size,
            face,
            grey: g,
            text,
        } = d
        {
            if font != Some((*face, *size)) {
                let id = match face {
                    Face::Regular => regular.clone(),
                    Face::Bold => bold.clone(),
                };
                ops.push(Op::SetFont {
                    font: PdfFontHandle::External(id),
                    size: Pt(*size),
                });
                font = Some((*face, *size));
            }
            set_fill(&mut ops, *g);
            ops.push(Op::SetTextMatrix {
                matrix: TextMatrix::Translate(Pt(*x), Pt(*y)),
            });
            ops.push(Op::ShowText {
                items: vec![TextItem::Text(text.clone())],
            });
        }
    }
    ops.push(Op::EndTextSection);
    ops
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
    let regular = pdf.add_font(&subset(Face::Regular, REGULAR_TTF, used(Face::Regular)));
    let bold = pdf.add_font(&subset(Face::Bold, BOLD_TTF, used(Face::Bold)));

    let pages = layout
        .pages
        .iter()
        .map(|page| {
            PdfPage::new(
                Pt(PAGE_W).into(),
                Pt(PAGE_H).into(),
                page_ops(page, &regular, &bold),
            )
        })
        .collect();
    let pdf = pdf.with_pages(pages);
    let options = PdfSaveOptions {
        subset_fonts: false,
        optimize: false,
        ..PdfSaveOptions::default()
    };
    let mut doc = printpdf::to_lopdf_doc(pdf, &options, &mut Vec::new());
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
