//! Every printout for the test patients, read back with `pdftotext -layout`, `pdfinfo`,
//! `pdftoppm` + `zbarimg`, and checked in the layout itself where text extraction cannot see
//! (strike lines, quiet zone).

mod common;

use common::*;
use nll::masking::{mask, reveal};
use nll::policy::{DenialRule, Policy};
use nll::{Flow, MedicationList, PrintoutKind as K};
use printout::content::{
    EMPTY_AKTUELLA, EMPTY_FORTECKNING, EMPTY_HISTORIK, EMPTY_UTHAMTADE, INTERNAL_MARKING,
    MASKED_NOTICE, NOT_A_PRESCRIPTION, PROTECTED_NAME,
};
use printout::layout::{Draw, MARGIN_X, PAGE_W};
use printout::{layout_for, render, render_for_flow, PrintoutError, SortOrder};

const ALL: [K; 4] = [
    K::AktuellaRecept,
    K::Uthamtade,
    K::Forteckning,
    K::Forskrivningshistorik,
];

/// Renders and returns the text of each page.
fn pages(kind: K, list: &MedicationList, name: &str) -> Vec<String> {
    let pdf = render(kind, &mask(list), &opts()).unwrap();
    let path = write_pdf(name, &pdf.bytes);
    let pages = pages_text(&path);
    assert_eq!(pages.len(), pdf.pages, "{name}: page count");
    pages
}

fn pos(text: &str, needle: &str) -> usize {
    text.find(needle)
        .unwrap_or_else(|| panic!("`{needle}` missing from:\n{text}"))
}

#[test]
fn aktuella_recept_has_sections_lines_order_and_footer() {
    let p = pages(K::AktuellaRecept, &ordinary(), "aktuella");
    assert_eq!(p.len(), 1);
    let t = &p[0];
    let flat = squash(t);
    // Header: title, patient, personnummer, print time and pharmacy, page x of y.
    for s in [
        "Aktuella recept",
        "Anna Andersson",
        "Personnummer 19121212-1212",
        "Utskriven 2026-11-23 kl. 14:05 av Apoteket Testbacken, Solna",
        "Sida 1 av 1",
        NOT_A_PRESCRIPTION,
    ] {
        assert!(flat.contains(s), "`{s}` missing:\n{t}");
    }
    // Läkemedel before Handelsvaror; newest issue date first within a section.
    assert!(pos(t, "Läkemedel\n") < pos(t, "Handelsvaror"));
    assert!(pos(t, "Alvedon") < pos(t, "Zinkpasta") && pos(t, "Zinkpasta") < pos(t, "Eltroxin"));
    assert!(pos(t, "Handelsvaror") < pos(t, "Accu-Chek"));
    // Per line: substance in parentheses, form, strength, packages x pack size,
    // substitution and benefit.
    assert!(flat.contains("Alvedon (paracetamol),"));
    assert!(flat.contains("3 x 500 g"));
    assert!(flat.contains("Utbyte ej") && flat.contains("utan förmån"));
    assert!(flat.contains("med förmån"));
    // Only current prescriptions: not the future nor the expired one.
    assert!(!flat.contains("Omeprazol") && !flat.contains("Kåvepenin"));
    // The footer is the last line of the page.
    assert_eq!(
        t.trim_end().lines().last().unwrap().trim(),
        NOT_A_PRESCRIPTION
    );
}

#[test]
fn an_empty_section_and_its_heading_are_left_out() {
    let mut l = ordinary();
    l.prescriptions.retain(|rx| !rx.product.consumable);
    let t = squash(&pages(K::AktuellaRecept, &l, "no-consumables")[0]);
    assert!(!t.contains("Handelsvaror"));
    assert!(t.contains("Läkemedel"));
}

#[test]
fn alphabetical_order_is_an_option() {
    let l = ordinary();
    let mut o = opts();
    o.order = SortOrder::Alphabetical;
    let pdf = render(K::AktuellaRecept, &mask(&l), &o).unwrap();
    let t = pdftotext(&write_pdf("alphabetical", &pdf.bytes));
    assert!(pos(&t, "Alvedon") < pos(&t, "Eltroxin") && pos(&t, "Eltroxin") < pos(&t, "Zinkpasta"));
}

#[test]
fn empty_lists_say_so_in_every_kind() {
    let l = empty();
    for (kind, text) in [
        (K::AktuellaRecept, EMPTY_AKTUELLA),
        (K::Uthamtade, EMPTY_UTHAMTADE),
        (K::Forteckning, EMPTY_FORTECKNING),
        (K::Forskrivningshistorik, EMPTY_HISTORIK),
    ] {
        let p = pages(kind, &l, &format!("empty-{kind:?}"));
        assert_eq!(p.len(), 1);
        let flat = squash(&p[0]);
        assert!(flat.contains(text), "{kind:?}:\n{}", p[0]);
        assert!(flat.contains("Elin Tom"));
    }
    assert_eq!(
        EMPTY_UTHAMTADE,
        "Expeditioner saknas för aktuellt personnummer de senaste 15 månaderna"
    );
    assert_eq!(EMPTY_AKTUELLA, "Det finns inga aktuella recept");
}

#[test]
fn uthamtade_has_period_sections_credits_and_no_prescription_footer() {
    let p = pages(K::Uthamtade, &ordinary(), "uthamtade");
    let t = &p[0];
    let flat = squash(t);
    assert!(pos(t, "Uthämtade läkemedel") < pos(t, "Period 2025-08-23 – 2026-11-23"));
    assert!(pos(t, "Uthämtade med e-recept") < pos(t, "Uthämtade med pappersrecept"));
    // Columns and order: newest first; the paper dispense in its own section.
    for head in ["Uthämtat", "Användning", "Förskrivet av", "Uthämtad", "ATC"] {
        assert!(flat.contains(head), "{head}");
    }
    assert!(pos(t, "2026-10-13") < pos(t, "2026-08-14"));
    assert!(pos(t, "Uthämtade med pappersrecept") < pos(t, "2 Ipren (ibuprofen)"));
    // Leading number = packages; the dispense's dosage; prescriber and workplace.
    assert!(flat.contains("1 Alvedon (paracetamol)"));
    assert!(flat.contains("1 tablett vid behov, högst 4"));
    assert!(flat.contains("Per Tandläkare") && flat.contains("Folktandvården Solna"));
    // Credited: date and comment under the row.
    assert!(flat.contains("Borttagsdatum 2026-08-15: Fel styrka expedierad"));
    // Older than 15 months: not there. Not a prescription printout: no such footer.
    assert!(!flat.contains("Gammalmedel"));
    assert!(!flat.contains(NOT_A_PRESCRIPTION));
}

#[test]
fn credited_rows_are_struck_through_and_nothing_else_is() {
    let layout = layout_for(K::Uthamtade, &mask(&ordinary()), &opts());
    let page = &layout.pages[0];
    let text_at = |needle: &str| -> Vec<(f32, f32, f32, f32)> {
        page.draws
            .iter()
            .filter_map(|d| match d {
                Draw::Text {
                    x,
                    y,
                    size,
                    text,
                    face,
                    ..
                } if text.contains(needle) => Some((
                    *x,
                    *y,
                    *size,
                    printout::text::text_width(*face, text, *size),
                )),
                _ => None,
            })
            .collect()
    };
    let strikes: Vec<(f32, f32, f32)> = page
        .draws
        .iter()
        .filter_map(|d| match d {
            Draw::Strike { x1, x2, y, .. } => Some((*x1, *x2, *y)),
            _ => None,
        })
        .collect();
    let struck = |x: f32, y: f32, size: f32, w: f32| {
        strikes
            .iter()
            .any(|(x1, x2, sy)| *x1 <= x && *x2 >= x + w && *sy > y && *sy < y + size * 0.6)
    };
    // Two Eltroxin rows on the same date: the credited one (first, with the note) is struck,
    // the other is not.
    let eltroxin = text_at("1 Eltroxin");
    assert_eq!(eltroxin.len(), 2);
    let (x, y, size, w) = eltroxin[0];
    assert!(
        struck(x, y, size, w),
        "credited row not struck: {strikes:?}"
    );
    let (x, y, size, w) = eltroxin[1];
    assert!(!struck(x, y, size, w));
    // Its date and prescriber cells are struck too; the note is not.
    let credited_y = eltroxin[0].1;
    let date = text_at("2026-08-14");
    assert!(date
        .iter()
        .any(|&(x, y, s, w)| y == credited_y && struck(x, y, s, w)));
    let (x, y, s, w) = text_at("Borttagsdatum")[0];
    assert!(!struck(x, y, s, w));
    // Only the credited row's lines are struck (date, product ×2, dosage ×2, prescriber ×3,
    // quantity, ATC).
    assert!(strikes
        .iter()
        .all(|(_, _, sy)| (*sy - credited_y).abs() < 40.0));
    // And the PDF holds the lines: pdftotext still reads the struck text.
    let pdf = render(K::Uthamtade, &mask(&ordinary()), &opts()).unwrap();
    assert!(
        squash(&pdftotext(&write_pdf("struck", &pdf.bytes))).contains("1 Eltroxin (levotyroxin)")
    );
}

#[test]
fn forteckning_has_dose_pharmacy_standing_medicines_and_recent_ends() {
    let p = pages(K::Forteckning, &dos_patient(), "forteckning");
    let t = &p[0];
    let flat = squash(t);
    assert!(flat.contains("Dosapotek: Apoteket Dosbolaget, telefon 010-447 00 00"));
    assert!(pos(t, "Stående dosläkemedel") < pos(t, "Övriga aktuella recept"));
    assert!(pos(t, "Övriga aktuella recept") < pos(t, "Avslutade recept de senaste 3 månaderna"));
    // The renewed dose medicine once, with its latest start date.
    assert_eq!(flat.matches("Eltroxin").count(), 1, "{t}");
    assert!(flat.contains("2026-09-20") && !flat.contains("2025-12-01"));
    assert!(flat.contains("Furix"));
    // Ended within 3 months: there; long ago: not.
    assert!(flat.contains("Omeprazol") && flat.contains("Utgånget") && flat.contains("2026-10-30"));
    assert!(!flat.contains("Gammaldos"));
    assert!(flat.contains("Karin Läkare"));
    assert!(t.trim_end().ends_with(NOT_A_PRESCRIPTION));
    // The barcode is there for dos patients too.
    assert!(layout_for(K::Forteckning, &mask(&dos_patient()), &opts())
        .barcode
        .is_some());
}

#[test]
fn heavy_lists_break_across_pages_with_repeated_heads_and_page_numbers() {
    let mut l = heavy(45);
    for d in &mut l.dispenses {
        d.handed_over = Some(today() - chrono::Days::new(3));
        d.channel = nll::DispenseChannel::EPrescription;
    }
    let p = pages(K::Uthamtade, &l, "heavy");
    let n = p.len();
    assert!(
        n >= 3,
        "45 rows with long cells should need several pages, got {n}"
    );
    for (i, page) in p.iter().enumerate() {
        let flat = squash(page);
        assert!(
            flat.contains(&format!("Sida {} av {n}", i + 1)),
            "page {}:\n{page}",
            i + 1
        );
        assert!(
            flat.contains("Uthämtat") && flat.contains("ATC"),
            "column heads on page {}",
            i + 1
        );
        assert!(flat.contains("19121212-1212"));
        if i > 0 {
            assert!(
                flat.contains("(forts.)"),
                "continued heading on page {}",
                i + 1
            );
        }
    }
    // Every dispense is there, once, with its credit.
    let all = squash(&p.concat());
    for i in 0..45 {
        let name = if i % 3 == 0 {
            format!("Lång{i:04}")
        } else {
            format!("Medicin{i:04}")
        };
        assert_eq!(all.matches(&name).count(), 1, "{name}");
    }
    assert_eq!(all.matches("Borttagsdatum").count(), 7);
}

#[test]
fn long_cells_wrap_inside_their_columns() {
    let layout = layout_for(K::Uthamtade, &mask(&heavy(12)), &opts());
    let mut wrapped = false;
    for page in &layout.pages {
        for d in &page.draws {
            if let Draw::Text {
                x,
                text,
                size,
                face,
                ..
            } = d
            {
                let w = printout::text::text_width(*face, text, *size);
                assert!(
                    *x >= MARGIN_X - 0.01 && x + w <= PAGE_W - MARGIN_X + 0.01,
                    "`{text}` runs off the page"
                );
                wrapped |= text.contains("Produktbenämning") && !text.contains("Lång0");
            }
        }
    }
    assert!(wrapped, "the long product name should have wrapped");
    // No cell runs into the next column: texts in one row do not overlap.
    for page in &layout.pages {
        let texts: Vec<(f32, f32, f32)> = page
            .draws
            .iter()
            .filter_map(|d| match d {
                Draw::Text {
                    x,
                    y,
                    size,
                    face,
                    text,
                    ..
                } if *size == 8.0 => Some((*x, *y, printout::text::text_width(*face, text, *size))),
                _ => None,
            })
            .collect();
        for a in &texts {
            for b in &texts {
                if a != b && (a.1 - b.1).abs() < 0.01 && a.0 < b.0 {
                    assert!(a.0 + a.2 <= b.0, "overlap at y={}", a.1);
                }
            }
        }
    }
}

#[test]
fn the_internal_printout_is_marked_on_every_page() {
    let p = pages(K::Forskrivningshistorik, &heavy(60), "historik");
    assert!(p.len() >= 2);
    for (i, page) in p.iter().enumerate() {
        assert!(
            page.contains(INTERNAL_MARKING),
            "page {} lacks the marking",
            i + 1
        );
        assert!(!page.contains(NOT_A_PRESCRIPTION));
    }
    assert_eq!(INTERNAL_MARKING, "Endast för internt bruk – lämnas inte ut");
    let flat = squash(&p.concat());
    assert!(pos(&flat, "Aktuella recept") < pos(&flat, "Avslutade recept"));
    assert!(flat.contains("Slutexpedierat"));
    // Other kinds carry no internal marking.
    for kind in [K::AktuellaRecept, K::Uthamtade, K::Forteckning] {
        let t = pages(kind, &ordinary(), &format!("unmarked-{kind:?}")).concat();
        assert!(!t.contains(INTERNAL_MARKING), "{kind:?}");
    }
}

#[test]
fn metadata_title_author_date_and_a4() {
    let pdf = render(K::Uthamtade, &mask(&ordinary()), &opts()).unwrap();
    assert_eq!(pdf.file_name, "uthamtade-lakemedel-2026-11-23-1405.pdf");
    let info = pdfinfo(&write_pdf("meta", &pdf.bytes));
    let field = |k: &str| {
        info.lines()
            .find_map(|l| l.strip_prefix(&format!("{k}:")))
            .map(|v| v.trim().to_string())
            .unwrap_or_else(|| panic!("no {k} in\n{info}"))
    };
    assert_eq!(field("Title"), "Uthämtade läkemedel");
    assert_eq!(field("Author"), "Apoteket Testbacken, Solna");
    // A protected patient's: no author at all (the printing pharmacy is location-revealing).
    let pdf = render(K::Uthamtade, &mask(&protected(false)), &opts()).unwrap();
    let info = pdf_metadata(&write_pdf("meta-protected", &pdf.bytes));
    assert!(
        !info.contains("Testbacken") && !info.contains("Solna"),
        "{info}"
    );
    assert_eq!(pdf.file_name, "uthamtade-lakemedel-2026-11-23-1405.pdf");
    assert!(
        field("CreationDate").contains("Nov 23 14:05:00 2026"),
        "{info}"
    );
    assert!(field("Page size").contains("595.276 x 841.89"), "{info}");
    // Small: the fonts are embedded as subsets.
    assert!(pdf.bytes.len() < 150_000, "{} bytes", pdf.bytes.len());
}

#[test]
fn the_barcode_reads_as_the_twelve_digit_personnummer() {
    let l = ordinary();
    let pdf = render(K::AktuellaRecept, &mask(&l), &opts()).unwrap();
    let png = page1_png(&write_pdf("barcode", &pdf.bytes), 300);
    assert_eq!(zbarimg(&png).trim(), "CODE-128:191212121212");

    // The protected patient too (the personnummer is shown, NLL.md §8).
    let p = protected(false);
    let pnr = p.patient.personnummer.clone().unwrap();
    let pdf = render(K::Uthamtade, &mask(&p), &opts()).unwrap();
    let png = page1_png(&write_pdf("barcode-protected", &pdf.bytes), 300);
    assert_eq!(zbarimg(&png).trim(), format!("CODE-128:{pnr}"));
}

#[test]
fn the_barcode_keeps_its_quiet_zone_clear() {
    let layout = layout_for(K::AktuellaRecept, &mask(&ordinary()), &opts());
    let b = layout.barcode.clone().expect("barcode");
    assert!((b.quiet - 10.0 * printout::layout::BARCODE_MODULE).abs() < 0.01);
    assert!(b.x - b.quiet >= MARGIN_X && b.x + b.width + b.quiet <= PAGE_W - MARGIN_X + 0.01);
    let (left, right) = (b.x - b.quiet, b.x + b.width + b.quiet);
    let (bottom, top) = (b.y, b.y + b.height);
    for d in &layout.pages[0].draws {
        let (x0, x1, y0, y1) = match d {
            Draw::Text {
                x,
                y,
                size,
                face,
                text,
                ..
            } => {
                let w = printout::text::text_width(*face, text, *size);
                (*x, x + w, y - size * 0.25, y + size)
            }
            Draw::Fill { x, y, w, h, .. } if *x >= b.x && x + w <= b.x + b.width + 0.01 => continue,
            Draw::Fill { x, y, w, h, .. } | Draw::Frame { x, y, w, h, .. } => {
                (*x, x + w, *y, y + h)
            }
            Draw::Line { x1, y1, x2, y2, .. } => {
                (x1.min(*x2), x1.max(*x2), y1.min(*y2), y1.max(*y2))
            }
            Draw::Strike { x1, x2, y, .. } => (*x1, *x2, *y, *y),
        };
        let overlaps = x0 < right && x1 > left && y0 < top && y1 > bottom;
        assert!(!overlaps, "{d:?} intrudes on the barcode or its quiet zone");
    }
}

#[test]
fn a_patient_without_personnummer_gets_no_barcode() {
    let mut l = ordinary();
    l.patient.personnummer = None;
    l.patient.id_kind = None;
    let layout = layout_for(K::AktuellaRecept, &mask(&l), &opts());
    assert!(layout.barcode.is_none());
    assert!(!layout.pages[0]
        .texts()
        .any(|t| t.starts_with("Personnummer")));
}

#[test]
fn a_protected_patients_printout_says_why_data_is_missing() {
    let l = protected(false);
    let p = pages(K::Uthamtade, &l, "protected-notice");
    let first = squash(&p[0]);
    assert!(first.contains(MASKED_NOTICE), "{}", p[0]);
    assert!(first.contains(PROTECTED_NAME));
    // The notice is near the top: before the first section.
    assert!(pos(&first, MASKED_NOTICE) < pos(&first, "Uthämtade med e-recept"));
    assert!(!first.contains('▒'));
    // The profession stays, the prescriber's name and workplace go.
    assert!(first.contains("Läkare"));
    // An ordinary patient's printout has no such notice.
    let o = squash(&pages(K::Uthamtade, &ordinary(), "ordinary-no-notice")[0]);
    assert!(!o.contains("skyddade personuppgifter") && !o.contains(PROTECTED_NAME));
}

/// Every printout any flow may hand out, for every protected test patient, holds none of the
/// location-revealing values the unmasked list held, nor where and by whom it was printed (the
/// printing pharmacy's name, town and GLN, NLL.md §8) — neither in the text pdftotext reads,
/// nor in any text drawn on the page, nor in the metadata (info dictionary and XMP), nor in
/// the suggested file name.
#[test]
fn protected_printouts_leak_nothing_that_reveals_where_the_person_lives() {
    let policy = Policy::standard();
    let flows = [
        Flow::Expediering,
        Flow::ExpedieringBehandlingsorsak,
        Flow::ExpedieringSparradBehandlingsorsak,
        Flow::ExpedieringBarnBehandlingsorsak,
        Flow::Lakemedelsstod,
        Flow::LakemedelsstodDos,
        Flow::EgnaUppgifter,
        Flow::Ombud,
        Flow::Vardnadshavare,
    ];
    let mut rendered = 0;
    for (who, list) in [
        ("protected", protected(false)),
        ("protected-dos", protected(true)),
    ] {
        let masked = mask(&list);
        assert!(masked.masked);
        // The values masking withheld, straight from the unmasked list.
        let mut secrets: Vec<String> = masked
            .record
            .iter()
            .filter_map(|f| reveal(&list, &f.key).map(|(_, v)| v))
            .collect();
        secrets.extend(HIDDEN.iter().map(|s| s.to_string()));
        assert!(secrets.len() > 15, "{who}: {secrets:?}");
        let printer = printing_pharmacy();
        secrets.extend([
            printer.orgenhets_namn.clone(),
            printer.orgenhets_ort.clone(),
            printer.orgenhets_id.clone(),
            printer.org_namn.clone(),
            "Testbacken".to_string(),
        ]);
        let mut kinds: Vec<K> = flows
            .iter()
            .flat_map(|f| policy.printouts(*f, list.info.dos_patient))
            .collect();
        kinds.sort_by_key(|k| format!("{k:?}"));
        kinds.dedup();
        assert!(!kinds.is_empty());
        // Every kind, allowed or not, to be thorough.
        for kind in ALL {
            let pdf = render(kind, &masked, &opts()).unwrap();
            let path = write_pdf(&format!("leak-{who}-{kind:?}"), &pdf.bytes);
            let text = pdftotext(&path);
            let info = pdf_metadata(&path);
            let layout = layout_for(kind, &masked, &opts());
            let drawn: String = layout
                .pages
                .iter()
                .flat_map(|p| p.texts())
                .collect::<Vec<_>>()
                .join("\n");
            for s in &secrets {
                let s = s.trim();
                assert!(!text.contains(s), "{who} {kind:?}: `{s}` in the PDF text");
                assert!(!squash(&text).contains(&squash(s)), "{who} {kind:?}: `{s}`");
                assert!(!drawn.contains(s), "{who} {kind:?}: `{s}` drawn");
                assert!(!info.contains(s), "{who} {kind:?}: `{s}` in the metadata");
                assert!(
                    !pdf.file_name.contains(s),
                    "{who} {kind:?}: `{s}` in the file name"
                );
                // In the raw bytes only what cannot occur by chance in compressed streams: a
                // county code such as `22` is checked in the text, drawn text and metadata above.
                assert!(
                    s.chars().count() < 4 || !String::from_utf8_lossy(&pdf.bytes).contains(s),
                    "{who} {kind:?}: `{s}` in the bytes"
                );
            }
            for line in text.lines().filter(|l| l.contains("Utskriven")) {
                assert!(
                    !line.contains(" av "),
                    "{who} {kind:?}: printed by someone: {line}"
                );
            }
            assert!(squash(&text).contains(MASKED_NOTICE), "{who} {kind:?}");
            assert!(!text.contains('▒'));
            rendered += 1;
        }
    }
    assert_eq!(rendered, 8);
}

#[test]
fn flows_produce_only_the_printouts_the_policy_allows() {
    let policy = Policy::standard();
    let ordinary = mask(&ordinary());
    let dos = mask(&dos_patient());
    // Allowed.
    for (flow, kind, list) in [
        (Flow::EgnaUppgifter, K::AktuellaRecept, &ordinary),
        (Flow::EgnaUppgifter, K::Uthamtade, &ordinary),
        (Flow::EgnaUppgifter, K::Forteckning, &dos),
        (Flow::Ombud, K::AktuellaRecept, &ordinary),
        (Flow::Vardnadshavare, K::Uthamtade, &ordinary),
        (Flow::Expediering, K::Forskrivningshistorik, &ordinary),
    ] {
        let pdf = render_for_flow(&policy, flow, kind, list, &opts())
            .unwrap_or_else(|e| panic!("{flow:?} {kind:?}: {e}"));
        assert_eq!(pdf.kind, kind);
    }
    // Refused, with the policy's own sentence.
    for (flow, kind, list) in [
        (Flow::Ombud, K::Uthamtade, &ordinary),
        (Flow::EgnaUppgifter, K::Forskrivningshistorik, &ordinary),
        (Flow::Expediering, K::AktuellaRecept, &ordinary),
        (Flow::Lakemedelsstod, K::AktuellaRecept, &ordinary),
        (Flow::EgnaUppgifter, K::AktuellaRecept, &dos),
        (Flow::EgnaUppgifter, K::Forteckning, &ordinary),
    ] {
        let err = render_for_flow(&policy, flow, kind, list, &opts()).unwrap_err();
        let PrintoutError::NotAllowed(denial) = &err;
        assert_eq!(denial.rule, DenialRule::PrintoutNotAllowed);
        let expected = policy
            .check_printout(flow, kind, list.list.info.dos_patient)
            .unwrap_err();
        assert_eq!(err.to_string(), expected.sv, "{flow:?} {kind:?}");
        assert!(!err.message_en().is_empty());
    }
}

#[test]
fn swedish_letters_survive_text_extraction() {
    let mut l = ordinary();
    l.patient.name = nll::Guarded::clear("Åsa Öberg-Ängström");
    l.prescriptions[0].dosage =
        Some("Två tabletter – vid behov, ej på fastande mage (é, ü)".into());
    let t = squash(&pages(K::AktuellaRecept, &l, "letters")[0]);
    assert!(t.contains("Åsa Öberg-Ängström"), "{t}");
    assert!(t.contains("Två tabletter – vid"), "{t}");
    assert!(t.contains("(é, ü)"), "{t}");
}

/// The words of each printout, pinned to EHM's (NLL.md §9; TA 42 for Uthämtade läkemedel, TA 04
/// for Förteckning recept): section headings, column heads in order, the credited dispense's
/// *Borttagsdatum*, and the empty texts.
#[test]
fn printout_words_are_ehms() {
    use printout::content::{document, Block};
    fn sections(kind: K, list: &MedicationList) -> Vec<(String, Vec<&'static str>)> {
        document(kind, &mask(list), &opts())
            .blocks
            .into_iter()
            .filter_map(|b| match b {
                Block::Section {
                    heading, columns, ..
                } => Some((heading, columns.iter().map(|c| c.head).collect())),
                _ => None,
            })
            .collect()
    }
    let uthamtade_heads = vec![
        "Uthämtat datum",
        "Uthämtat läkemedel",
        "Användning",
        "Förskrivet av",
        "Uthämtad mängd",
        "ATC",
    ];
    assert_eq!(
        sections(K::Uthamtade, &ordinary()),
        vec![
            (
                "Uthämtade med e-recept".to_string(),
                uthamtade_heads.clone()
            ),
            ("Uthämtade med pappersrecept".to_string(), uthamtade_heads),
        ]
    );
    // A credited dispense: struck through, its Borttagsdatum under it.
    let doc = document(K::Uthamtade, &mask(&ordinary()), &opts());
    let credited: Vec<_> = doc
        .blocks
        .iter()
        .flat_map(|b| match b {
            Block::Section { rows, .. } => rows.clone(),
            _ => Vec::new(),
        })
        .filter(|r| r.struck)
        .collect();
    assert_eq!(credited.len(), 1);
    assert_eq!(
        credited[0].note.as_deref(),
        Some("Borttagsdatum 2026-08-15: Fel styrka expedierad")
    );
    let aktuella = sections(K::AktuellaRecept, &ordinary());
    assert_eq!(aktuella[0].0, "Läkemedel");
    assert_eq!(aktuella[1].0, "Handelsvaror");
    let forteckning = document(K::Forteckning, &mask(&dos_patient()), &opts());
    assert!(forteckning
        .blocks
        .iter()
        .any(|b| matches!(b, Block::Line(l) if l.starts_with("Dosapotek: "))));
    assert_eq!(
        document(K::Uthamtade, &mask(&empty()), &opts()).blocks,
        vec![Block::Empty(
            "Expeditioner saknas för aktuellt personnummer de senaste 15 månaderna".into()
        )]
    );
    assert_eq!(
        document(K::AktuellaRecept, &mask(&empty()), &opts()).blocks,
        vec![Block::Empty("Det finns inga aktuella recept".into())]
    );
    // The header names the printing pharmacy and its town for an ordinary patient only.
    assert_eq!(
        doc.printed_line,
        "Utskriven 2026-11-23 kl. 14:05 av Apoteket Testbacken, Solna"
    );
    let protected_doc = document(K::Uthamtade, &mask(&protected(false)), &opts());
    assert_eq!(protected_doc.printed_line, "Utskriven 2026-11-23 kl. 14:05");
    assert_eq!(protected_doc.pharmacy, "");
}
