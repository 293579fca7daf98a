//! Where everything goes: A4 pages of simple drawing operations, in points from the bottom-left
//! corner (PDF's own coordinates). Kept apart from the PDF writer so tests can check the
//! layout itself — a strike line through a credited row, the barcode's quiet zone, the column
//! heads repeated after a page break.

use crate::barcode;
use crate::content::{Block, Column, Document, Row};
use crate::text::{text_width, wrap, Face};

pub const PAGE_W: f32 = 595.276;
pub const PAGE_H: f32 = 841.89;
/// 15 mm.
pub const MARGIN_X: f32 = 42.52;
const MARGIN_TOP: f32 = 36.0;
const MARGIN_BOTTOM: f32 = 34.0;
const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN_X;
/// Lowest baseline of body text: above the footer.
const BODY_BOTTOM: f32 = MARGIN_BOTTOM + 26.0;

const TABLE_SIZE: f32 = 8.0;
const HEAD_SIZE: f32 = 7.5;
const LINE_FACTOR: f32 = 1.22;
const CELL_PAD_X: f32 = 2.6;
const CELL_PAD_Y: f32 = 2.8;
const NOTE_SIZE: f32 = 7.5;

/// 0.33 mm per module, the usual X dimension for Code 128 on paper.
pub const BARCODE_MODULE: f32 = 0.33 * 72.0 / 25.4;
/// 12 mm.
pub const BARCODE_HEIGHT: f32 = 12.0 * 72.0 / 25.4;

const BLACK: f32 = 0.0;
const DARK: f32 = 0.25;
const MID: f32 = 0.45;
const RULE: f32 = 0.6;
const SHADE: f32 = 0.9;

/// One drawing operation. `grey`: 0 = black, 1 = white.
#[derive(Debug, Clone, PartialEq)]
pub enum Draw {
    /// Text whose baseline starts at (x, y).
    Text {
        x: f32,
        y: f32,
        size: f32,
        face: Face,
        grey: f32,
        text: String,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        grey: f32,
    },
    /// A line through one line of text of a credited row.
    Strike {
        x1: f32,
        x2: f32,
        y: f32,
        width: f32,
    },
    /// A filled rectangle (lower-left corner, size).
    Fill {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        grey: f32,
    },
    /// A rectangle's outline.
    Frame {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        width: f32,
    },
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Page {
    pub draws: Vec<Draw>,
}

impl Page {
    /// The page's text in drawing order (tests).
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        self.draws.iter().filter_map(|d| match d {
            Draw::Text { text, .. } => Some(text.as_str()),
            _ => None,
        })
    }
}

/// Where the barcode is: its bars are `Fill`s on page 1 inside `x..x+width`, `y..y+height`.
#[derive(Debug, Clone, PartialEq)]
pub struct BarcodePlace {
    pub digits: String,
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
    /// Quiet zone each side, in points.
    pub quiet: f32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub doc: Document,
    pub pages: Vec<Page>,
    pub barcode: Option<BarcodePlace>,
}

fn lh(size: f32) -> f32 {
    size * LINE_FACTOR
}

struct Writer<'a> {
    doc: &'a Document,
    pages: Vec<Page>,
    y: f32,
    barcode: Option<BarcodePlace>,
}

impl Writer<'_> {
    fn page(&mut self) -> &mut Page {
        self.pages.last_mut().expect("a page")
    }

    fn text(&mut self, x: f32, y: f32, size: f32, face: Face, grey: f32, text: impl Into<String>) {
        let text = text.into();
        if text.is_empty() {
            return;
        }
        self.page().draws.push(Draw::Text {
            x,
            y,
            size,
            face,
            grey,
            text,
        });
    }

    fn rule(&mut self, y: f32, width: f32, grey: f32) {
        self.page().draws.push(Draw::Line {
            x1: MARGIN_X,
            y1: y,
            x2: PAGE_W - MARGIN_X,
            y2: y,
            width,
            grey,
        });
    }

    /// Wrapped full-width paragraph; returns nothing, moves the cursor.
    fn paragraph(&mut self, face: Face, size: f32, grey: f32, text: &str, x: f32, max: f32) {
        for line in wrap(face, text, size, max) {
            self.ensure(lh(size));
            self.y -= lh(size);
            self.text(x, self.y + lh(size) - size, size, face, grey, line);
        }
    }

    fn new_page(&mut self) {
        self.pages.push(Page::default());
        let first = self.pages.len() == 1;
        self.header(first);
        self.footer();
    }

    /// Starts a new page unless `h` more points fit above the footer.
    fn ensure(&mut self, h: f32) -> bool {
        if self.y - h < BODY_BOTTOM {
            self.new_page();
            return true;
        }
        false
    }

    fn header(&mut self, first: bool) {
        let doc = self.doc;
        let top = PAGE_H - MARGIN_TOP;
        if first {
            // The barcode first, top right under the page number, its quiet zone kept white;
            // the left column wraps so that nothing runs into it.
            let mut left_max = CONTENT_W - 90.0;
            let mut lowest = top;
            if let Some(modules) = doc.barcode.as_deref().and_then(barcode::code128_c) {
                let w = modules.len() as f32 * BARCODE_MODULE;
                let quiet = barcode::QUIET_ZONE_MODULES as f32 * BARCODE_MODULE;
                let x = PAGE_W - MARGIN_X - quiet - w;
                let by = top - 16.0 - BARCODE_HEIGHT;
                for (start, len) in barcode::bars(&modules) {
                    self.page().draws.push(Draw::Fill {
                        x: x + start as f32 * BARCODE_MODULE,
                        y: by,
                        w: len as f32 * BARCODE_MODULE,
                        h: BARCODE_HEIGHT,
                        grey: BLACK,
                    });
                }
                let digits = doc.barcode.clone().unwrap_or_default();
                let dw = text_width(Face::Regular, &digits, 8.0);
                self.text(
                    x + (w - dw) / 2.0,
                    by - 10.0,
                    8.0,
                    Face::Regular,
                    BLACK,
                    digits.clone(),
                );
                self.barcode = Some(BarcodePlace {
                    digits,
                    x,
                    y: by,
                    width: w,
                    height: BARCODE_HEIGHT,
                    quiet,
                });
                left_max = x - quiet - MARGIN_X - 4.0;
                lowest = by - 14.0;
            }
            let mut y = top;
            let mut left =
                |w: &mut Self, face: Face, size: f32, gap: f32, grey: f32, text: &str| {
                    for (i, line) in wrap(face, text, size, left_max).into_iter().enumerate() {
                        y -= if i == 0 { gap } else { lh(size) };
                        w.text(MARGIN_X, y, size, face, grey, line);
                    }
                };
            left(self, Face::Bold, 17.0, 17.0, BLACK, &doc.title);
            if let Some(sub) = &doc.subtitle {
                left(self, Face::Regular, 10.0, 15.0, BLACK, sub);
            }
            left(self, Face::Bold, 11.5, 20.0, BLACK, &doc.patient_name);
            if let Some(id) = &doc.id_line {
                left(self, Face::Regular, 10.0, 14.0, BLACK, id);
            }
            left(self, Face::Regular, 8.5, 14.0, DARK, &doc.printed_line);
            let mut y = y.min(lowest);
            y -= 8.0;
            self.rule(y, 0.8, BLACK);
            self.y = y - 4.0;

            if let Some(notice) = doc.masked_notice {
                self.notice_box(notice);
            }
        } else {
            let y = top - 11.0;
            self.text(MARGIN_X, y, 11.0, Face::Bold, BLACK, doc.title.clone());
            let mut who = doc.patient_name.clone();
            if let Some(id) = &doc.id_line {
                who = if who.is_empty() {
                    id.clone()
                } else {
                    format!("{who}, {id}")
                };
            }
            self.text(MARGIN_X, y - 14.0, 9.0, Face::Regular, BLACK, who);
            self.rule(y - 21.0, 0.8, BLACK);
            self.y = y - 25.0;
        }
        if let Some(mark) = doc.internal_marking {
            self.marking_box(mark);
        }
    }

    /// Page numbers are added once the number of pages is known (see `number_pages`).
    fn footer(&mut self) {
        let y = MARGIN_BOTTOM + 14.0;
        self.rule(y, 0.5, RULE);
        if let Some(f) = self.doc.footer {
            let size = 9.0;
            let w = text_width(Face::Bold, f, size);
            self.text(
                (PAGE_W - w) / 2.0,
                MARGIN_BOTTOM,
                size,
                Face::Bold,
                BLACK,
                f,
            );
        } else if let Some(mark) = self.doc.internal_marking {
            let size = 8.5;
            let w = text_width(Face::Bold, mark, size);
            self.text(
                (PAGE_W - w) / 2.0,
                MARGIN_BOTTOM,
                size,
                Face::Bold,
                BLACK,
                mark,
            );
        }
    }

    /// A shaded box with bold text (the masking notice on page 1).
    fn notice_box(&mut self, text: &str) {
        let size = 9.0;
        let pad = 5.0;
        let lines = wrap(Face::Bold, text, size, CONTENT_W - 2.0 * pad);
        let h = lines.len() as f32 * lh(size) + 2.0 * pad;
        self.y -= 4.0;
        let top = self.y;
        self.page().draws.push(Draw::Fill {
            x: MARGIN_X,
            y: top - h,
            w: CONTENT_W,
            h,
            grey: SHADE,
        });
        let mut y = top - pad;
        for l in lines {
            y -= lh(size);
            self.text(
                MARGIN_X + pad,
                y + lh(size) - size,
                size,
                Face::Bold,
                BLACK,
                l,
            );
        }
        self.y = top - h - 2.0;
    }

    /// A framed bold line (the internal marking on every page).
    fn marking_box(&mut self, text: &str) {
        let size = 10.0;
        let h = size + 9.0;
        self.y -= 5.0;
        let top = self.y;
        self.page().draws.push(Draw::Frame {
            x: MARGIN_X,
            y: top - h,
            w: CONTENT_W,
            h,
            width: 1.2,
        });
        let w = text_width(Face::Bold, text, size);
        self.text(
            (PAGE_W - w) / 2.0,
            top - h + 6.0,
            size,
            Face::Bold,
            BLACK,
            text,
        );
        self.y = top - h - 2.0;
    }

    fn section_heading(&mut self, heading: &str, continued: bool) {
        let size = 11.0;
        self.y -= 9.0;
        let text = if continued {
            format!("{heading} (forts.)")
        } else {
            heading.to_string()
        };
        self.y -= size;
        self.text(MARGIN_X, self.y, size, Face::Bold, BLACK, text);
        self.y -= 5.0;
    }

    fn column_heads(&mut self, cols: &[Column], xs: &[f32], widths: &[f32]) {
        let heads: Vec<Vec<String>> = cols
            .iter()
            .zip(widths)
            .map(|(c, w)| wrap(Face::Bold, c.head, HEAD_SIZE, w - 2.0 * CELL_PAD_X))
            .collect();
        let n = heads.iter().map(Vec::len).max().unwrap_or(1) as f32;
        let h = n * lh(HEAD_SIZE) + 2.0 * CELL_PAD_Y - 1.0;
        let top = self.y;
        self.page().draws.push(Draw::Fill {
            x: MARGIN_X,
            y: top - h,
            w: CONTENT_W,
            h,
            grey: SHADE,
        });
        for (i, lines) in heads.iter().enumerate() {
            let mut y = top - CELL_PAD_Y + 0.5;
            for l in lines {
                y -= lh(HEAD_SIZE);
                self.text(
                    xs[i] + CELL_PAD_X,
                    y + lh(HEAD_SIZE) - HEAD_SIZE,
                    HEAD_SIZE,
                    Face::Bold,
                    BLACK,
                    l.clone(),
                );
            }
        }
        self.y = top - h;
    }

    fn section(&mut self, heading: &str, cols: &[Column], rows: &[Row]) {
        let total: f32 = cols.iter().map(|c| c.share).sum::<f32>().max(f32::EPSILON);
        let widths: Vec<f32> = cols.iter().map(|c| c.share / total * CONTENT_W).collect();
        let mut xs = Vec::with_capacity(cols.len());
        let mut x = MARGIN_X;
        for w in &widths {
            xs.push(x);
            x += w;
        }
        let head_h = 2.0 * lh(HEAD_SIZE) + 2.0 * CELL_PAD_Y;
        let heading_h = 25.0;
        // Keep the heading with its column heads and the first row.
        let first_h = rows
            .first()
            .map(|r| prepared(r, &widths).height().min(200.0))
            .unwrap_or(0.0);
        self.ensure(heading_h + head_h + first_h);
        self.section_heading(heading, false);
        self.column_heads(cols, &xs, &widths);

        for row in rows {
            let p = prepared(row, &widths);
            let mut from = 0usize;
            loop {
                let avail = self.y - BODY_BOTTOM;
                let rest_lines = p.lines - from;
                let fits_whole = p.slice_height(rest_lines, true) <= avail;
                let take = if fits_whole {
                    rest_lines
                } else {
                    // A row taller than what is left: move it to the next page, and split it
                    // only if it is taller than a whole page.
                    let fresh = PAGE_H - MARGIN_TOP - 120.0 - BODY_BOTTOM;
                    if p.slice_height(rest_lines, true) <= fresh || avail < 3.0 * lh(TABLE_SIZE) {
                        self.new_page();
                        self.section_heading(heading, true);
                        self.column_heads(cols, &xs, &widths);
                        continue;
                    }
                    (((avail - 2.0 * CELL_PAD_Y) / lh(TABLE_SIZE)).floor() as usize)
                        .clamp(1, rest_lines)
                };
                let last = from + take == p.lines;
                self.row_slice(&p, row, &xs, from, take, last);
                from += take;
                if last {
                    break;
                }
                self.new_page();
                self.section_heading(heading, true);
                self.column_heads(cols, &xs, &widths);
            }
        }
    }

    fn row_slice(
        &mut self,
        p: &Prepared,
        row: &Row,
        xs: &[f32],
        from: usize,
        take: usize,
        last: bool,
    ) {
        let top = self.y;
        let line_h = lh(TABLE_SIZE);
        let mut strikes = Vec::new();
        for (i, cell) in p.cells.iter().enumerate() {
            for (k, (face, line)) in cell.iter().enumerate().skip(from).take(take) {
                let baseline = top - CELL_PAD_Y - (k - from) as f32 * line_h - TABLE_SIZE;
                let x = xs[i] + CELL_PAD_X;
                let grey = if row.struck { DARK } else { BLACK };
                if row.struck && !line.is_empty() {
                    let w = text_width(*face, line, TABLE_SIZE);
                    strikes.push(Draw::Strike {
                        x1: x - 0.5,
                        x2: x + w + 0.5,
                        y: baseline + TABLE_SIZE * 0.3,
                        width: 0.7,
                    });
                }
                self.text(x, baseline, TABLE_SIZE, *face, grey, line.clone());
            }
        }
        self.page().draws.extend(strikes);
        let mut bottom = top - p.slice_height(take, false);
        if last {
            if let Some(note) = &p.note {
                let x = xs.get(1).copied().unwrap_or(MARGIN_X) + CELL_PAD_X;
                for (j, l) in note.iter().enumerate() {
                    let baseline = bottom - (j as f32) * lh(NOTE_SIZE) - NOTE_SIZE;
                    self.text(x, baseline, NOTE_SIZE, Face::Regular, BLACK, l.clone());
                }
                bottom -= note.len() as f32 * lh(NOTE_SIZE) + CELL_PAD_Y;
            }
        }
        self.page().draws.push(Draw::Line {
            x1: MARGIN_X,
            y1: bottom,
            x2: PAGE_W - MARGIN_X,
            y2: bottom,
            width: 0.4,
            grey: RULE,
        });
        self.y = bottom;
    }

    fn block(&mut self, b: &Block) {
        match b {
            Block::Line(text) => {
                self.y -= 3.0;
                self.paragraph(Face::Regular, 9.0, BLACK, text, MARGIN_X, CONTENT_W);
            }
            Block::Empty(text) => {
                self.y -= 14.0;
                self.paragraph(Face::Regular, 11.0, BLACK, text, MARGIN_X, CONTENT_W);
            }
            Block::Section {
                heading,
                columns,
                rows,
            } => self.section(heading, columns, rows),
        }
    }
}

/// A row wrapped to its columns.
struct Prepared {
    /// Per cell: lines with their face.
    cells: Vec<Vec<(Face, String)>>,
    lines: usize,
    note: Option<Vec<String>>,
}

impl Prepared {
    fn slice_height(&self, lines: usize, with_note: bool) -> f32 {
        let mut h =
            lines as f32 * lh(TABLE_SIZE) + 2.0 * CELL_PAD_Y - (lh(TABLE_SIZE) - TABLE_SIZE);
        if with_note {
            if let Some(n) = &self.note {
                h += n.len() as f32 * lh(NOTE_SIZE) + CELL_PAD_Y;
            }
        }
        h
    }
    fn height(&self) -> f32 {
        self.slice_height(self.lines, true)
    }
}

fn prepared(row: &Row, widths: &[f32]) -> Prepared {
    let cells: Vec<Vec<(Face, String)>> = row
        .cells
        .iter()
        .zip(widths)
        .map(|(cell, w)| {
            cell.iter()
                .flat_map(|p| {
                    wrap(p.face, &p.text, TABLE_SIZE, w - 2.0 * CELL_PAD_X)
                        .into_iter()
                        .map(move |l| (p.face, l))
                })
                .collect()
        })
        .collect();
    let lines = cells.iter().map(Vec::len).max().unwrap_or(0).max(1);
    let note_x = widths.first().copied().unwrap_or(0.0);
    let note = row.note.as_ref().map(|n| {
        wrap(
            Face::Regular,
            n,
            NOTE_SIZE,
            CONTENT_W - note_x - 2.0 * CELL_PAD_X,
        )
    });
    Prepared { cells, lines, note }
}

/// "Sida x av y", right-aligned at the top of every page.
fn number_pages(pages: &mut [Page]) {
    let n = pages.len();
    for (i, page) in pages.iter_mut().enumerate() {
        let text = format!("Sida {} av {n}", i + 1);
        let size = 8.5;
        let w = text_width(Face::Regular, &text, size);
        page.draws.push(Draw::Text {
            x: PAGE_W - MARGIN_X - w,
            y: PAGE_H - MARGIN_TOP - 8.5,
            size,
            face: Face::Regular,
            grey: MID,
            text,
        });
    }
}

/// Lays out the document on A4 pages.
pub fn layout(doc: Document) -> Layout {
    let mut w = Writer {
        doc: &doc,
        pages: Vec::new(),
        y: 0.0,
        barcode: None,
    };
    w.new_page();
    for b in &doc.blocks {
        w.block(b);
    }
    let Writer {
        mut pages, barcode, ..
    } = w;
    number_pages(&mut pages);
    Layout {
        doc,
        pages,
        barcode,
    }
}
