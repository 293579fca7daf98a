//! The layout written as a PDF with printpdf 0.12 (ops API): embedded DejaVu Sans, A4 pages,
//! metadata title, author (the pharmacy) and creation date.

use std::collections::BTreeSet;

use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{CmapTarget, SubsetProfile};
use chrono::{Datelike, NaiveDateTime, Timelike};
use printpdf::{
    Color, Greyscale, Line, LinePoint, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle,
    PdfPage, PdfSaveOptions, Point, Pt, Rect, TextItem,
};

use crate::layout::{Draw, Layout, PAGE_H, PAGE_W};
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
            let mut ops = Vec::with_capacity(page.draws.len() * 4);
            for d in &page.draws {
                match d {
                    Draw::Text {
                        x,
                        y,
                        size,
                        face,
                        grey: g,
                        text,
                    } => {
                        let font = match face {
                            Face::Regular => regular.clone(),
                            Face::Bold => bold.clone(),
                        };
                        ops.extend([
                            Op::StartTextSection,
                            Op::SetFillColor { col: grey(*g) },
                            Op::SetFont {
                                font: PdfFontHandle::External(font),
                                size: Pt(*size),
                            },
                            Op::SetTextCursor {
                                pos: Point {
                                    x: Pt(*x),
                                    y: Pt(*y),
                                },
                            },
                            Op::ShowText {
                                items: vec![TextItem::Text(text.clone())],
                            },
                            Op::EndTextSection,
                        ]);
                    }
                    Draw::Line {
                        x1,
                        y1,
                        x2,
                        y2,
                        width,
                        grey: g,
                    } => ops.extend([
                        Op::SetOutlineColor { col: grey(*g) },
                        Op::SetOutlineThickness { pt: Pt(*width) },
                        line(*x1, *y1, *x2, *y2),
                    ]),
                    Draw::Strike { x1, x2, y, width } => ops.extend([
                        Op::SetOutlineColor { col: grey(0.0) },
                        Op::SetOutlineThickness { pt: Pt(*width) },
                        line(*x1, *y, *x2, *y),
                    ]),
                    Draw::Fill {
                        x,
                        y,
                        w,
                        h,
                        grey: g,
                    } => ops.extend([
                        Op::SetFillColor { col: grey(*g) },
                        Op::DrawRectangle {
                            rectangle: Rect {
                                mode: Some(PaintMode::Fill),
                                ..Rect::from_xywh(Pt(*x), Pt(*y), Pt(*w), Pt(*h))
                            },
                        },
                    ]),
                    Draw::Frame { x, y, w, h, width } => ops.extend([
                        Op::SetOutlineColor { col: grey(0.0) },
                        Op::SetOutlineThickness { pt: Pt(*width) },
                        Op::DrawRectangle {
                            rectangle: Rect {
                                mode: Some(PaintMode::Stroke),
                                ..Rect::from_xywh(Pt(*x), Pt(*y), Pt(*w), Pt(*h))
                            },
                        },
                    ]),
                }
            }
            PdfPage::new(Pt(PAGE_W).into(), Pt(PAGE_H).into(), ops)
        })
        .collect();
    pdf.with_pages(pages)
        .save(&PdfSaveOptions::default(), &mut Vec::new())
}
