//! What each printout says (NLL.md §9), independent of where it goes on the page.
//!
//! Built only from a [`MaskedList`]: a `Guarded::Masked` field has no text to print, so it is
//! left out entirely — no placeholder, no "▒", no empty label that hints something was there.
//! The patient's name is the one exception: it is replaced by "Personuppgift skyddad", as EHM
//! does.

use chrono::{Months, NaiveDate, NaiveDateTime};
use nll::headers::OrgInfo;
use nll::ids::IdKind;
use nll::view::{
    DisclosureMarker, DispenseChannel, DispenseView, Guarded, MaskedList, PrescriberView,
    PrescriptionView, RxEnd, RxGroup,
};
use nll::PrintoutKind;

use crate::text::Face;

/// Printed on a masked printout's first page (NLL.md §8).
pub const MASKED_NOTICE: &str =
    "Uppgifter som kan röja var personen bor har utelämnats på grund av skyddade personuppgifter.";
/// Printed on every page of the internal printout (NLL.md §9, 4).
pub const INTERNAL_MARKING: &str = "Endast för internt bruk – lämnas inte ut";
/// Footer of the prescription printouts.
pub const NOT_A_PRESCRIPTION: &str = "Utskriften är inte giltig som recept";
/// The protected patient's name on paper.
pub const PROTECTED_NAME: &str = "Personuppgift skyddad";

pub const EMPTY_AKTUELLA: &str = "Det finns inga aktuella recept";
pub const EMPTY_UTHAMTADE: &str =
    "Expeditioner saknas för aktuellt personnummer de senaste 15 månaderna";
pub const EMPTY_FORTECKNING: &str = "Det finns inga aktuella recept";
pub const EMPTY_HISTORIK: &str = "Det finns inga förskrivningar för aktuellt personnummer";

/// How prescriptions are ordered on Aktuella recept, Förteckning recept and
/// Förskrivningshistorik. Uthämtade läkemedel is always by date, newest first (§9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortOrder {
    /// Issue date, newest first (EHM's order).
    #[default]
    IssueDateNewestFirst,
    /// Product name, Swedish alphabetical order.
    Alphabetical,
}

/// Who prints, when, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderOptions {
    /// The pharmacy that prints (as `X-Org-Info` names it). An ordinary patient's printout
    /// names it and its town ("Utskriven … av", the document author); a protected patient's
    /// names no part of it — where and by whom an errand was handled is location-revealing
    /// (NLL.md §8).
    pub pharmacy: OrgInfo,
    /// Local time of printing.
    pub printed_at: NaiveDateTime,
    pub order: SortOrder,
}

impl RenderOptions {
    /// Printed now (local time), issue-date order.
    pub fn new(pharmacy: OrgInfo) -> RenderOptions {
        RenderOptions {
            pharmacy,
            printed_at: chrono::Local::now().naive_local(),
            order: SortOrder::default(),
        }
    }
}

/// "Apoteket Kronan, Malmö": the printing pharmacy as an ordinary patient's printout names it.
fn printed_by(org: &OrgInfo) -> String {
    [org.orgenhets_namn.trim(), org.orgenhets_ort.trim()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A paragraph inside a table cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Para {
    pub face: Face,
    pub text: String,
}

/// One table cell: paragraphs, each wrapped to the column.
pub type Cell = Vec<Para>;

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub cells: Vec<Cell>,
    /// Credited dispense: the row is struck through.
    pub struck: bool,
    /// A line under the row, across the table, never struck (the credit's date and comment).
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub head: &'static str,
    /// Share of the table width.
    pub share: f32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A heading and its table (the heading and column heads repeat after a page break).
    Section {
        heading: String,
        columns: Vec<Column>,
        rows: Vec<Row>,
    },
    /// The empty-state text of the printout.
    Empty(String),
    /// A line of text (dose pharmacy, completeness notices).
    Line(String),
}

/// A printout's content.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub kind: PrintoutKind,
    pub title: String,
    /// Under the title (the period of Uthämtade läkemedel).
    pub subtitle: Option<String>,
    pub patient_name: String,
    /// "Personnummer 19121212-1212" (or Samordningsnummer); `None` if the patient has none.
    pub id_line: Option<String>,
    /// 12 digits for the barcode.
    pub barcode: Option<String>,
    pub printed_line: String,
    /// The document author: the printing pharmacy, empty for a protected patient.
    pub pharmacy: String,
    pub printed_at: NaiveDateTime,
    pub masked_notice: Option<&'static str>,
    /// Every page.
    pub internal_marking: Option<&'static str>,
    /// Every page's footer.
    pub footer: Option<&'static str>,
    pub blocks: Vec<Block>,
}

fn date(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| "–".to_string())
}

fn clear(g: &Option<Guarded>) -> Option<&str> {
    g.as_ref()
        .and_then(Guarded::text)
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

fn para(face: Face, text: impl Into<String>) -> Para {
    Para {
        face,
        text: text.into(),
    }
}

/// "Alvedon (paracetamol), filmdragerad tablett 500 mg".
fn product_text(p: &nll::view::Product) -> String {
    let mut s = p.name.trim().to_string();
    if let Some(sub) = p.substance.as_deref().filter(|s| !s.trim().is_empty()) {
        s.push_str(&format!(" ({})", sub.trim()));
    }
    let rest: Vec<&str> = [p.form.as_deref(), p.strength.as_deref()]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect();
    if !rest.is_empty() {
        s.push_str(", ");
        s.push_str(&rest.join(" "));
    }
    s
}

/// "3 x 500 g" (§9); the pack size alone if the number of packages is unknown.
fn amount(packages: Option<u32>, pack_size: Option<&str>) -> String {
    match (packages, pack_size.map(str::trim).filter(|s| !s.is_empty())) {
        (Some(n), Some(size)) => format!("{n} x {size}"),
        (Some(n), None) => format!("{n} förp."),
        (None, Some(size)) => size.to_string(),
        (None, None) => String::new(),
    }
}

fn substitution(s: Option<bool>) -> &'static str {
    match s {
        Some(true) => "Utbyte tillåtet",
        Some(false) => "Utbyte ej tillåtet",
        None => "",
    }
}

/// Name and workplace only when clear; the profession always (NLL.md §8).
fn prescriber_cell(p: &PrescriberView) -> Cell {
    let mut cell = Vec::new();
    if let Some(name) = clear(&p.name) {
        cell.push(para(Face::Regular, name));
    }
    if let Some(prof) = p.profession.as_deref().filter(|t| !t.trim().is_empty()) {
        cell.push(para(Face::Regular, prof.trim()));
    }
    if let Some(wp) = clear(&p.workplace_name) {
        cell.push(para(Face::Regular, wp));
    }
    cell
}

/// Swedish alphabetical key: å, ä, ö after z; é as e; ü as y.
fn swedish_key(s: &str) -> Vec<u32> {
    s.to_lowercase()
        .chars()
        .map(|c| match c {
            'å' => 'z' as u32 + 1,
            'ä' | 'æ' => 'z' as u32 + 2,
            'ö' | 'ø' => 'z' as u32 + 3,
            'é' | 'è' | 'ê' | 'ë' => 'e' as u32,
            'ü' => 'y' as u32,
            'á' | 'à' => 'a' as u32,
            c => c as u32,
        })
        .collect()
}

fn sort_prescriptions(rxs: &mut [&PrescriptionView], order: SortOrder) {
    match order {
        SortOrder::IssueDateNewestFirst => rxs.sort_by(|a, b| {
            b.authored_on
                .cmp(&a.authored_on)
                .then_with(|| swedish_key(&a.product.name).cmp(&swedish_key(&b.product.name)))
        }),
        SortOrder::Alphabetical => rxs.sort_by(|a, b| {
            swedish_key(&a.product.name)
                .cmp(&swedish_key(&b.product.name))
                .then_with(|| b.authored_on.cmp(&a.authored_on))
        }),
    }
}

fn uttag_kvar(rx: &PrescriptionView) -> String {
    match rx.dispenses_allowed {
        Some(n) => format!("{} av {n}", n.saturating_sub(rx.dispenses_made)),
        None => String::new(),
    }
}

fn aktuella_columns() -> Vec<Column> {
    vec![
        Column {
            head: "Förskrivet",
            share: 0.11,
        },
        Column {
            head: "Läkemedel",
            share: 0.285,
        },
        Column {
            head: "Användning",
            share: 0.205,
        },
        Column {
            head: "Mängd",
            share: 0.10,
        },
        Column {
            head: "Uttag kvar",
            share: 0.07,
        },
        Column {
            head: "Giltigt t.o.m.",
            share: 0.11,
        },
        Column {
            head: "Utbyte och förmån",
            share: 0.12,
        },
    ]
}

fn aktuella_row(rx: &PrescriptionView) -> Row {
    let mut benefit = Vec::new();
    let sub = substitution(rx.substitution_allowed);
    if !sub.is_empty() {
        benefit.push(para(Face::Regular, sub));
    }
    if let Some(b) = rx.benefit.as_deref().filter(|b| !b.trim().is_empty()) {
        benefit.push(para(Face::Regular, b.trim()));
    }
    Row {
        cells: vec![
            vec![para(Face::Regular, date(rx.authored_on))],
            vec![para(Face::Bold, product_text(&rx.product))],
            vec![para(Face::Regular, rx.dosage.clone().unwrap_or_default())],
            vec![para(
                Face::Regular,
                amount(rx.packages, rx.product.pack_size.as_deref()),
            )],
            vec![para(Face::Regular, uttag_kvar(rx))],
            vec![para(Face::Regular, date(rx.valid_until))],
            benefit,
        ],
        struck: false,
        note: None,
    }
}

fn aktuella(ml: &MaskedList, opts: &RenderOptions) -> Vec<Block> {
    let mut current: Vec<&PrescriptionView> = ml
        .list
        .prescriptions
        .iter()
        .filter(|rx| rx.group == RxGroup::Current && !rx.dos)
        .collect();
    sort_prescriptions(&mut current, opts.order);
    let mut blocks = Vec::new();
    for (heading, consumable) in [("Läkemedel", false), ("Handelsvaror", true)] {
        let rows: Vec<Row> = current
            .iter()
            .filter(|rx| rx.product.consumable == consumable)
            .map(|rx| aktuella_row(rx))
            .collect();
        // An empty section and its heading are omitted (§9).
        if !rows.is_empty() {
            blocks.push(Block::Section {
                heading: heading.into(),
                columns: aktuella_columns(),
                rows,
            });
        }
    }
    if blocks.is_empty() {
        blocks.push(Block::Empty(EMPTY_AKTUELLA.into()));
    }
    blocks
}

/// First day of the 15-month window of Uthämtade läkemedel.
pub fn uthamtade_from(as_of: NaiveDate) -> NaiveDate {
    as_of
        .checked_sub_months(Months::new(15))
        .unwrap_or(NaiveDate::MIN)
}

fn dispense_row(d: &DispenseView) -> Row {
    let mut product = product_text(&d.product);
    if let Some(size) = d
        .product
        .pack_size
        .as_deref()
        .filter(|s| !s.trim().is_empty())
    {
        product.push_str(&format!(", {}", size.trim()));
    }
    // The leading number is the number of packages (§9).
    if let Some(n) = d.packages {
        product = format!("{n} {product}");
    }
    // EHM's word for a credited dispense's date (TA 42).
    let note = d.credited.as_ref().map(|c| {
        let mut s = format!("Borttagsdatum {}", date(c.date));
        if let Some(comment) = c.comment.as_deref().filter(|t| !t.trim().is_empty()) {
            s.push_str(&format!(": {}", comment.trim()));
        }
        s
    });
    Row {
        cells: vec![
            vec![para(Face::Regular, date(d.handed_over))],
            vec![para(Face::Bold, product)],
            vec![para(Face::Regular, d.dosage.clone().unwrap_or_default())],
            prescriber_cell(&d.prescriber),
            vec![para(Face::Regular, d.quantity.clone().unwrap_or_default())],
            vec![para(
                Face::Regular,
                d.product.atc.clone().unwrap_or_default(),
            )],
        ],
        struck: d.credited.is_some(),
        note,
    }
}

fn uthamtade(ml: &MaskedList) -> Vec<Block> {
    let from = uthamtade_from(ml.list.context.as_of);
    let mut in_period: Vec<&DispenseView> = ml
        .list
        .dispenses
        .iter()
        // A dispense without a date cannot be shown to be outside the period: kept.
        .filter(|d| d.handed_over.is_none_or(|h| h >= from))
        .collect();
    in_period.sort_by_key(|d| std::cmp::Reverse(d.handed_over));
    // EHM's column heads (TA 42, NLL.md §9.2).
    let columns = || {
        vec![
            Column {
                head: "Uthämtat datum",
                share: 0.11,
            },
            Column {
                head: "Uthämtat läkemedel",
                share: 0.28,
            },
            Column {
                head: "Användning",
                share: 0.23,
            },
            Column {
                head: "Förskrivet av",
                share: 0.2,
            },
            Column {
                head: "Uthämtad mängd",
                share: 0.09,
            },
            Column {
                head: "ATC",
                share: 0.09,
            },
        ]
    };
    let mut blocks = Vec::new();
    for (heading, channel) in [
        ("Uthämtade med e-recept", DispenseChannel::EPrescription),
        ("Uthämtade med pappersrecept", DispenseChannel::Paper),
    ] {
        let rows: Vec<Row> = in_period
            .iter()
            .filter(|d| d.channel == channel)
            .map(|d| dispense_row(d))
            .collect();
        if !rows.is_empty() {
            blocks.push(Block::Section {
                heading: heading.into(),
                columns: columns(),
                rows,
            });
        }
    }
    if blocks.is_empty() {
        blocks.push(Block::Empty(EMPTY_UTHAMTADE.into()));
    }
    blocks
}

/// When a past prescription ended, as far as the list tells: the expiry date, else the last
/// dispense of a completed prescription, else the end of its validity.
fn ended_on(rx: &PrescriptionView, ml: &MaskedList) -> Option<NaiveDate> {
    let last_dispense = || {
        ml.list
            .dispenses
            .iter()
            .filter(|d| d.prescription_id.as_deref() == Some(rx.id.as_str()))
            .filter_map(|d| d.handed_over)
            .max()
    };
    match rx.end {
        Some(RxEnd::Expired) => rx.valid_until,
        Some(RxEnd::Completed) => last_dispense().or(rx.valid_until),
        _ => rx.valid_until,
    }
}

fn end_label(end: Option<RxEnd>) -> &'static str {
    match end {
        Some(RxEnd::Expired) => "Utgånget",
        Some(RxEnd::Cancelled) => "Borttaget",
        Some(RxEnd::Completed) => "Slutexpedierat",
        None => "Avslutat",
    }
}

fn forteckning(ml: &MaskedList, opts: &RenderOptions) -> Vec<Block> {
    let rxs = &ml.list.prescriptions;
    let mut blocks = Vec::new();

    // The dose pharmacy, from the dos prescriptions; left out entirely when masked.
    let dose_pharmacy = rxs
        .iter()
        .filter(|rx| rx.dos)
        .find_map(|rx| clear(&rx.dose_pharmacy_name).map(|n| (n, clear(&rx.dose_pharmacy_phone))));
    if let Some((name, phone)) = dose_pharmacy {
        let mut s = format!("Dosapotek: {name}");
        if let Some(phone) = phone {
            s.push_str(&format!(", telefon {phone}"));
        }
        blocks.push(Block::Line(s));
    }

    // Standing dose medicines: one row per medicine, its latest start date and prescriber.
    let mut dos: Vec<&PrescriptionView> = rxs
        .iter()
        .filter(|rx| rx.dos && rx.group == RxGroup::Current)
        .collect();
    dos.sort_by(|a, b| {
        b.valid_from
            .or(b.authored_on)
            .cmp(&a.valid_from.or(a.authored_on))
    });
    let mut seen = std::collections::HashSet::new();
    dos.retain(|rx| seen.insert(product_text(&rx.product).to_lowercase()));
    sort_prescriptions(&mut dos, opts.order);
    if !dos.is_empty() {
        blocks.push(Block::Section {
            heading: "Stående dosläkemedel".into(),
            columns: vec![
                Column {
                    head: "Läkemedel",
                    share: 0.34,
                },
                Column {
                    head: "Användning",
                    share: 0.28,
                },
                Column {
                    head: "Senaste start",
                    share: 0.12,
                },
                Column {
                    head: "Förskrivare",
                    share: 0.26,
                },
            ],
            rows: dos
                .iter()
                .map(|rx| Row {
                    cells: vec![
                        vec![para(Face::Bold, product_text(&rx.product))],
                        vec![para(Face::Regular, rx.dosage.clone().unwrap_or_default())],
                        vec![para(Face::Regular, date(rx.valid_from.or(rx.authored_on)))],
                        prescriber_cell(&rx.prescriber),
                    ],
                    struck: false,
                    note: None,
                })
                .collect(),
        });
    }

    // Current prescriptions outside the dose dispensing (whole packages).
    let mut other: Vec<&PrescriptionView> = rxs
        .iter()
        .filter(|rx| !rx.dos && rx.group == RxGroup::Current)
        .collect();
    sort_prescriptions(&mut other, opts.order);
    if !other.is_empty() {
        blocks.push(Block::Section {
            heading: "Övriga aktuella recept".into(),
            columns: aktuella_columns(),
            rows: other.iter().map(|rx| aktuella_row(rx)).collect(),
        });
    }

    // Prescriptions finished in the last 3 months.
    let since = ml
        .list
        .context
        .as_of
        .checked_sub_months(Months::new(3))
        .unwrap_or(NaiveDate::MIN);
    let mut ended: Vec<(&PrescriptionView, Option<NaiveDate>)> = rxs
        .iter()
        .filter(|rx| rx.group == RxGroup::Past)
        .map(|rx| (rx, ended_on(rx, ml)))
        .filter(|(_, end)| end.is_some_and(|e| e >= since))
        .collect();
    ended.sort_by_key(|e| std::cmp::Reverse(e.1));
    if !ended.is_empty() {
        blocks.push(Block::Section {
            heading: "Avslutade recept de senaste 3 månaderna".into(),
            columns: vec![
                Column {
                    head: "Läkemedel",
                    share: 0.34,
                },
                Column {
                    head: "Användning",
                    share: 0.28,
                },
                Column {
                    head: "Avslutat",
                    share: 0.14,
                },
                Column {
                    head: "Förskrivare",
                    share: 0.24,
                },
            ],
            rows: ended
                .iter()
                .map(|(rx, end)| Row {
                    cells: vec![
                        vec![para(Face::Bold, product_text(&rx.product))],
                        vec![para(Face::Regular, rx.dosage.clone().unwrap_or_default())],
                        vec![
                            para(Face::Regular, end_label(rx.end)),
                            para(Face::Regular, date(*end)),
                        ],
                        prescriber_cell(&rx.prescriber),
                    ],
                    struck: false,
                    note: None,
                })
                .collect(),
        });
    }
    let has_section = blocks.iter().any(|b| matches!(b, Block::Section { .. }));
    if !has_section {
        blocks.push(Block::Empty(EMPTY_FORTECKNING.into()));
    }
    blocks
}

fn status_cell(rx: &PrescriptionView) -> Cell {
    let mut cell = vec![para(
        Face::Regular,
        match rx.group {
            RxGroup::Current => "Aktuellt",
            RxGroup::Future => "Kommande",
            RxGroup::Past => end_label(rx.end),
        },
    )];
    if rx.dos {
        cell.push(para(Face::Regular, "Dosrecept"));
    }
    for m in &rx.markers {
        cell.push(para(
            Face::Regular,
            match m {
                DisclosureMarker::NotToGuardian => "Får inte lämnas ut till vårdnadshavare",
                DisclosureMarker::ReasonNotToPatient => {
                    "Behandlingsorsak får inte lämnas ut till patienten"
                }
                DisclosureMarker::PrivacyLocked => "Spärrad",
            },
        ));
    }
    cell
}

fn forskrivningshistorik(ml: &MaskedList, opts: &RenderOptions) -> Vec<Block> {
    let mut blocks: Vec<Block> = ml
        .list
        .notices
        .iter()
        .map(|n| Block::Line(n.sv.clone()))
        .collect();
    let columns = || {
        vec![
            Column {
                head: "Förskrivet",
                share: 0.11,
            },
            Column {
                head: "Läkemedel",
                share: 0.23,
            },
            Column {
                head: "Användning",
                share: 0.15,
            },
            Column {
                head: "Förskrivare",
                share: 0.18,
            },
            Column {
                head: "Giltighet",
                share: 0.13,
            },
            Column {
                head: "Uttag",
                share: 0.06,
            },
            Column {
                head: "Status",
                share: 0.14,
            },
        ]
    };
    let mut any = false;
    for (heading, group) in [
        ("Aktuella recept", RxGroup::Current),
        ("Kommande recept", RxGroup::Future),
        ("Avslutade recept", RxGroup::Past),
    ] {
        let mut rxs: Vec<&PrescriptionView> = ml
            .list
            .prescriptions
            .iter()
            .filter(|rx| rx.group == group)
            .collect();
        if rxs.is_empty() {
            continue;
        }
        any = true;
        sort_prescriptions(&mut rxs, opts.order);
        let rows = rxs
            .iter()
            .map(|rx| {
                let mut product = vec![para(Face::Bold, product_text(&rx.product))];
                let amount = amount(rx.packages, rx.product.pack_size.as_deref());
                if !amount.is_empty() {
                    product.push(para(Face::Regular, amount));
                }
                Row {
                    cells: vec![
                        vec![para(Face::Regular, date(rx.authored_on))],
                        product,
                        vec![para(Face::Regular, rx.dosage.clone().unwrap_or_default())],
                        prescriber_cell(&rx.prescriber),
                        vec![para(
                            Face::Regular,
                            format!("{} – {}", date(rx.valid_from), date(rx.valid_until)),
                        )],
                        vec![para(
                            Face::Regular,
                            match rx.dispenses_allowed {
                                Some(n) => format!("{} av {n}", rx.dispenses_made),
                                None => rx.dispenses_made.to_string(),
                            },
                        )],
                        status_cell(rx),
                    ],
                    struck: false,
                    note: None,
                }
            })
            .collect();
        blocks.push(Block::Section {
            heading: heading.into(),
            columns: columns(),
            rows,
        });
    }
    if !any {
        blocks.push(Block::Empty(EMPTY_HISTORIK.into()));
    }
    blocks
}

/// "19121212-1212".
fn twelve_with_hyphen(twelve: &str) -> String {
    if twelve.len() == 12 && twelve.is_ascii() {
        format!("{}-{}", &twelve[..8], &twelve[8..])
    } else {
        twelve.to_string()
    }
}

/// The content of `kind` for the masked list.
pub fn document(kind: PrintoutKind, ml: &MaskedList, opts: &RenderOptions) -> Document {
    let patient = &ml.list.patient;
    let patient_name = if ml.masked || patient.name.is_masked() {
        PROTECTED_NAME.to_string()
    } else {
        patient.name.text().unwrap_or_default().trim().to_string()
    };
    let twelve = patient
        .personnummer
        .as_deref()
        .filter(|p| p.len() == 12 && p.bytes().all(|b| b.is_ascii_digit()));
    let id_label = match patient.id_kind {
        Some(IdKind::Samordningsnummer) => "Samordningsnummer",
        _ => "Personnummer",
    };
    let id_line = patient
        .personnummer
        .as_deref()
        .map(|p| format!("{id_label} {}", twelve_with_hyphen(p)));
    let title = nll::policy::printout_label_sv(kind).to_string();
    let subtitle = match kind {
        PrintoutKind::Uthamtade => {
            let as_of = ml.list.context.as_of;
            Some(format!(
                "Period {} – {}",
                uthamtade_from(as_of).format("%Y-%m-%d"),
                as_of.format("%Y-%m-%d")
            ))
        }
        PrintoutKind::Forskrivningshistorik => ml
            .list
            .context
            .window_from
            .map(|from| format!("Förskrivningar från {}", from.format("%Y-%m-%d"))),
        _ => None,
    };
    let blocks = match kind {
        PrintoutKind::AktuellaRecept => aktuella(ml, opts),
        PrintoutKind::Uthamtade => uthamtade(ml),
        PrintoutKind::Forteckning => forteckning(ml, opts),
        PrintoutKind::Forskrivningshistorik => forskrivningshistorik(ml, opts),
    };
    // A protected patient's printout names neither the pharmacy nor its town (NLL.md §8).
    let pharmacy = if ml.masked {
        String::new()
    } else {
        printed_by(&opts.pharmacy)
    };
    let mut printed_line = format!("Utskriven {}", opts.printed_at.format("%Y-%m-%d kl. %H:%M"));
    if !pharmacy.is_empty() {
        printed_line.push_str(&format!(" av {pharmacy}"));
    }
    Document {
        kind,
        title,
        subtitle,
        patient_name,
        id_line,
        barcode: twelve.map(str::to_string),
        printed_line,
        pharmacy,
        printed_at: opts.printed_at,
        masked_notice: ml.masked.then_some(MASKED_NOTICE),
        internal_marking: (kind == PrintoutKind::Forskrivningshistorik).then_some(INTERNAL_MARKING),
        footer: matches!(
            kind,
            PrintoutKind::AktuellaRecept | PrintoutKind::Forteckning
        )
        .then_some(NOT_A_PRESCRIPTION),
        blocks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swedish_alphabetical_order() {
        let mut names = vec![
            "Öronvax",
            "Alvedon",
            "Ägg",
            "Åbyrå",
            "Zinkpasta",
            "Eltroxin",
        ];
        names.sort_by_key(|n| swedish_key(n));
        assert_eq!(
            names,
            vec![
                "Alvedon",
                "Eltroxin",
                "Zinkpasta",
                "Åbyrå",
                "Ägg",
                "Öronvax"
            ]
        );
    }

    #[test]
    fn amount_is_packages_times_pack_size() {
        assert_eq!(amount(Some(3), Some("500 g")), "3 x 500 g");
        assert_eq!(amount(None, Some("20 st")), "20 st");
        assert_eq!(amount(Some(2), None), "2 förp.");
    }

    #[test]
    fn fifteen_months_back() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(
            uthamtade_from(d),
            NaiveDate::from_ymd_opt(2025, 8, 23).unwrap()
        );
    }
}
