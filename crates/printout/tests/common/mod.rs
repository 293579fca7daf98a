//! Test patients as medication-list view models, and the poppler/zbar tools the tests read
//! PDFs with. The tools are required: a missing tool fails the test with a message naming the
//! Debian package, it never skips.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{NaiveDate, NaiveDateTime};
use nll::ids::{IdKind, PersonId};
use nll::*;
use printout::RenderOptions;

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// The day every test list is built for.
pub fn today() -> NaiveDate {
    d(2026, 11, 23)
}

/// The printing pharmacy of every test printout.
pub fn printing_pharmacy() -> nll::headers::OrgInfo {
    nll::headers::OrgInfo {
        org_namn: "Apoteksbolaget Testbacken AB".into(),
        orgenhets_id: "7350012345013".into(),
        orgenhets_namn: "Apoteket Testbacken".into(),
        orgenhets_ort: "Solna".into(),
    }
}

pub fn opts() -> RenderOptions {
    RenderOptions {
        pharmacy: printing_pharmacy(),
        printed_at: NaiveDateTime::new(today(), chrono::NaiveTime::from_hms_opt(14, 5, 0).unwrap()),
        order: printout::SortOrder::IssueDateNewestFirst,
    }
}

pub fn g(s: &str) -> Option<Guarded> {
    Some(Guarded::clear(s))
}

pub fn product(
    name: &str,
    substance: &str,
    form: &str,
    strength: &str,
    pack: &str,
    atc: &str,
) -> Product {
    Product {
        name: name.into(),
        substance: Some(substance.into()),
        form: Some(form.into()),
        strength: Some(strength.into()),
        pack_size: Some(pack.into()),
        atc: Some(atc.into()),
        npl_id: Some("20010101000011".into()),
        npl_pack_id: Some("20010101100011".into()),
        consumable: false,
    }
}

pub fn consumable(name: &str, pack: &str) -> Product {
    Product {
        name: name.into(),
        substance: None,
        form: None,
        strength: None,
        pack_size: Some(pack.into()),
        atc: None,
        npl_id: None,
        npl_pack_id: None,
        consumable: true,
    }
}

/// A prescriber whose every location-revealing field is filled (with `tag` in it, so a leak
/// is easy to spot).
pub fn prescriber(name: &str, profession: &str, workplace: &str, tag: &str) -> PrescriberView {
    PrescriberView {
        name: g(name),
        profession: Some(profession.into()),
        workplace_name: g(workplace),
        workplace_code: g(&format!("SE2321000016-{tag}")),
        workplace_address: g(&format!("{tag}gatan 7, 123 45 {tag}by")),
        workplace_phone: g(&format!("08-{tag}12 34")),
    }
}

pub fn pharmacy(name: &str, gln: &str, address: &str) -> PharmacyView {
    PharmacyView {
        name: g(name),
        gln: g(gln),
        address: g(address),
    }
}

pub fn rx(id: &str, product: Product, authored: NaiveDate) -> PrescriptionView {
    PrescriptionView {
        id: id.into(),
        chain_id: Some(format!("chain-{id}")),
        group: RxGroup::Current,
        end: None,
        status: "active".into(),
        authored_on: Some(authored),
        valid_from: Some(authored),
        valid_until: authored.checked_add_months(chrono::Months::new(12)),
        product,
        dosage: Some("1 tablett 3 gånger dagligen".into()),
        packages: Some(1),
        dispenses_allowed: Some(3),
        dispenses_made: 1,
        substitution_allowed: Some(true),
        benefit: Some("med förmån".into()),
        treatment_reason: TreatmentReason::None,
        prescriber: prescriber("Karin Läkare", "Läkare", "Vårdcentralen Centrum", "Centrum"),
        receiving_pharmacy: None,
        dos: false,
        dose_pharmacy_name: None,
        dose_pharmacy_phone: None,
        markers: vec![],
    }
}

pub fn dispense(
    id: &str,
    product: Product,
    date: NaiveDate,
    channel: DispenseChannel,
) -> DispenseView {
    DispenseView {
        id: id.into(),
        prescription_id: None,
        channel,
        handed_over: Some(date),
        product,
        packages: Some(1),
        quantity: Some("100 st".into()),
        dosage: Some("1 tablett vid behov, högst 4 per dygn".into()),
        prescriber: prescriber("Karin Läkare", "Läkare", "Vårdcentralen Centrum", "Centrum"),
        pharmacy: pharmacy(
            "Apoteket Kronan Centrum",
            "7350045500007",
            "Torget 1, 111 11 Stockholm",
        ),
        credited: None,
        substituted: Some(false),
        benefit: Some("med förmån".into()),
        markers: vec![],
    }
}

fn patient(name: &str, pnr: &PersonId, protected: bool) -> PatientView {
    PatientView {
        nll_id: Some("0f5e8d5a-3c9b-4d1e-9a57-3d7c2b1a0e11".into()),
        personnummer: Some(pnr.twelve().into()),
        id_kind: Some(pnr.kind()),
        personnummer_display: Some(pnr.display(today())),
        name: Guarded::clear(name),
        birth_date: Some(pnr.birth_date()),
        age: Some(pnr.age_on(today())),
        deceased: false,
        address: g("Storgatan 1, 111 22 Stockholm"),
        municipality_code: g("0180"),
        region_code: g("01"),
        phone: g("070-123 45 67"),
        email: g("patient@example.se"),
        protected,
        protection_signals: if protected {
            vec!["security:skyddadFolkbokforing".into()]
        } else {
            vec![]
        },
    }
}

fn list(patient: PatientView, flow: Flow, dos: bool) -> MedicationList {
    MedicationList {
        patient,
        info: ListInfoView {
            version: Some(7),
            controlled_drugs: false,
            privacy_lock: false,
            dos_patient: dos,
        },
        context: ListContext {
            flow,
            purpose: Purpose::LasaEgnaUppgifter,
            access: AccessType::EgnaUppgifter,
            as_of: today(),
            window_from: None,
        },
        prescriptions: vec![],
        dispenses: vec![],
        locks: vec![],
        notices: vec![],
        unknown_resources: vec![],
    }
}

/// Skatteverket's test personnummer 19121212-1212.
pub fn anna_pnr() -> PersonId {
    PersonId::parse("191212121212", today()).unwrap()
}

pub fn alvedon() -> Product {
    product(
        "Alvedon",
        "paracetamol",
        "filmdragerad tablett",
        "500 mg",
        "100 st",
        "N02BE01",
    )
}
pub fn eltroxin() -> Product {
    product(
        "Eltroxin",
        "levotyroxin",
        "tablett",
        "100 mikrog",
        "100 st",
        "H03AA01",
    )
}
pub fn zinkpasta() -> Product {
    product(
        "Zinkpasta ACO",
        "zinkoxid",
        "kutan pasta",
        "10 %",
        "500 g",
        "D02AB",
    )
}
pub fn omeprazol() -> Product {
    product(
        "Omeprazol Actavis",
        "omeprazol",
        "enterokapsel, hård",
        "20 mg",
        "56 st",
        "A02BC01",
    )
}

/// An ordinary patient: current medicines and a consumable, a future and a past prescription,
/// e-prescription and paper dispenses, one credited, one older than 15 months.
pub fn ordinary() -> MedicationList {
    let mut l = list(
        patient("Anna Andersson", &anna_pnr(), false),
        Flow::EgnaUppgifter,
        false,
    );
    let mut zink = rx("rx-zink", zinkpasta(), d(2026, 9, 1));
    zink.packages = Some(3);
    zink.product.pack_size = Some("500 g".into());
    zink.substitution_allowed = Some(false);
    zink.benefit = Some("utan förmån".into());
    zink.dosage = Some("Appliceras på huden 2 gånger dagligen".into());
    let mut strips = rx(
        "rx-strips",
        consumable("Accu-Chek Guide teststickor", "50 st"),
        d(2026, 6, 10),
    );
    strips.dosage = Some("Enligt ordination".into());
    let mut future = rx("rx-future", omeprazol(), d(2026, 11, 1));
    future.group = RxGroup::Future;
    future.valid_from = Some(d(2026, 12, 15));
    let mut past = rx(
        "rx-past",
        product(
            "Kåvepenin",
            "fenoximetylpenicillin",
            "tablett",
            "1 g",
            "20 st",
            "J01CE02",
        ),
        d(2025, 3, 1),
    );
    past.group = RxGroup::Past;
    past.end = Some(RxEnd::Expired);
    past.valid_until = Some(d(2026, 3, 1));
    l.prescriptions = vec![
        rx("rx-alvedon", alvedon(), d(2026, 10, 12)),
        zink,
        strips,
        rx("rx-eltroxin", eltroxin(), d(2025, 12, 2)),
        future,
        past,
    ];
    let mut credited = dispense(
        "disp-credited",
        eltroxin(),
        d(2026, 8, 14),
        DispenseChannel::EPrescription,
    );
    credited.credited = Some(Credit {
        date: Some(d(2026, 8, 15)),
        comment: Some("Fel styrka expedierad".into()),
    });
    let mut paper = dispense(
        "disp-paper",
        product(
            "Ipren",
            "ibuprofen",
            "tablett",
            "400 mg",
            "30 st",
            "M01AE01",
        ),
        d(2026, 4, 3),
        DispenseChannel::Paper,
    );
    paper.packages = Some(2);
    paper.prescriber = PrescriberView {
        name: g("Per Tandläkare"),
        profession: Some("Tandläkare".into()),
        workplace_name: g("Folktandvården Solna"),
        workplace_code: None,
        workplace_address: None,
        workplace_phone: None,
    };
    l.dispenses = vec![
        dispense(
            "disp-alvedon",
            alvedon(),
            d(2026, 10, 13),
            DispenseChannel::EPrescription,
        ),
        credited,
        dispense(
            "disp-eltroxin",
            eltroxin(),
            d(2026, 8, 14),
            DispenseChannel::EPrescription,
        ),
        paper,
        // Older than 15 months: not on Uthämtade läkemedel.
        dispense(
            "disp-old",
            product("Gammalmedel", "gammal", "tablett", "1 mg", "10 st", "X01"),
            d(2025, 6, 1),
            DispenseChannel::EPrescription,
        ),
    ];
    l
}

/// Distinctive location-revealing values of the protected patient (the leak test also asks
/// `nll::masking::reveal` for every masked key).
pub const HIDDEN: &[&str] = &[
    "Sigrid Skyddad",
    "Gömstavägen",
    "Hemliga",
    "Tallbacken",
    "Skogsbyn",
    "Apoteket Lodjuret",
    "7350012345678",
    "Doktor Dold",
];

/// A protected patient whose list is full of location-revealing data: prescriber names,
/// workplaces with codes, addresses and phones, dispensing pharmacies with GLNs and addresses,
/// a receiving pharmacy, a dose pharmacy.
pub fn protected(dos: bool) -> MedicationList {
    let pnr = PersonId::from_parts(d(1987, 4, 9), 284, IdKind::Personnummer);
    let mut p = patient("Sigrid Skyddad", &pnr, true);
    p.address = g("Gömstavägen 12, 987 65 Skogsbyn");
    p.phone = g("070-999 88 77");
    p.email = g("sigrid@skogsbyn.example");
    p.municipality_code = g("2260");
    p.region_code = g("22");
    let mut l = list(p, Flow::EgnaUppgifter, dos);
    let doc = prescriber(
        "Doktor Dold",
        "Läkare",
        "Vårdcentralen Tallbacken Skogsbyn",
        "Tallbacken",
    );
    let mut a = rx("rx-p1", alvedon(), d(2026, 10, 1));
    a.prescriber = doc.clone();
    a.receiving_pharmacy = g("Apoteket Lodjuret Skogsbyn");
    let mut e = rx("rx-p2", eltroxin(), d(2026, 7, 1));
    e.prescriber = doc.clone();
    if dos {
        e.dos = true;
        e.dose_pharmacy_name = g("Apoteket Lodjuret Dos Skogsbyn");
        e.dose_pharmacy_phone = g("0611-Hemliga 55");
    }
    let mut ended = rx("rx-p3", omeprazol(), d(2025, 11, 1));
    ended.prescriber = doc.clone();
    ended.group = RxGroup::Past;
    ended.end = Some(RxEnd::Expired);
    ended.valid_until = Some(d(2026, 10, 1));
    l.prescriptions = vec![a, e, ended];
    let mut d1 = dispense(
        "disp-p1",
        alvedon(),
        d(2026, 10, 2),
        DispenseChannel::EPrescription,
    );
    d1.prescriber = doc.clone();
    d1.pharmacy = pharmacy(
        "Apoteket Lodjuret Skogsbyn",
        "7350012345678",
        "Hemliga torget 1, 987 65 Skogsbyn",
    );
    let mut d2 = dispense("disp-p2", eltroxin(), d(2026, 7, 3), DispenseChannel::Paper);
    d2.prescriber = doc;
    d2.pharmacy = pharmacy(
        "Apoteket Lodjuret Skogsbyn",
        "7350012345678",
        "Hemliga torget 1, 987 65 Skogsbyn",
    );
    d2.credited = Some(Credit {
        date: Some(d(2026, 7, 4)),
        comment: Some("Återlämnad".into()),
    });
    l.dispenses = vec![d1, d2];
    l
}

/// A dos patient: standing dose medicines (one renewed), a whole-package prescription, one
/// finished within 3 months, one finished long ago.
pub fn dos_patient() -> MedicationList {
    let pnr = PersonId::from_parts(d(1938, 2, 17), 402, IdKind::Personnummer);
    let mut l = list(
        patient("Bertil Dosberg", &pnr, false),
        Flow::EgnaUppgifter,
        true,
    );
    let dos = |id: &str, p: Product, authored: NaiveDate| {
        let mut r = rx(id, p, authored);
        r.dos = true;
        r.dose_pharmacy_name = g("Apoteket Dosbolaget");
        r.dose_pharmacy_phone = g("010-447 00 00");
        r.dosage = Some("1 tablett på morgonen".into());
        r
    };
    let old = dos("rx-d1", eltroxin(), d(2025, 12, 1));
    let renewed = dos("rx-d2", eltroxin(), d(2026, 9, 20));
    let mut whole = rx("rx-w1", alvedon(), d(2026, 8, 8));
    whole.dosage = Some("1–2 tabletter vid behov".into());
    let mut recent_end = rx("rx-e1", omeprazol(), d(2025, 9, 1));
    recent_end.group = RxGroup::Past;
    recent_end.end = Some(RxEnd::Expired);
    recent_end.valid_until = Some(d(2026, 10, 30));
    let mut long_ago = rx(
        "rx-e2",
        product("Gammaldos", "gammal", "tablett", "1 mg", "10 st", "X02"),
        d(2024, 1, 1),
    );
    long_ago.group = RxGroup::Past;
    long_ago.end = Some(RxEnd::Expired);
    long_ago.valid_until = Some(d(2025, 1, 1));
    l.prescriptions = vec![
        renewed,
        dos(
            "rx-d3",
            product(
                "Furix",
                "furosemid",
                "tablett",
                "40 mg",
                "100 st",
                "C03CA01",
            ),
            d(2026, 5, 5),
        ),
        old,
        whole,
        recent_end,
        long_ago,
    ];
    l
}

/// Nothing at all.
pub fn empty() -> MedicationList {
    let pnr = PersonId::from_parts(d(2001, 7, 30), 123, IdKind::Personnummer);
    list(patient("Elin Tom", &pnr, false), Flow::EgnaUppgifter, false)
}

/// `n` dispenses and prescriptions, every third with a long name and dosage that must wrap,
/// every seventh dispense credited.
pub fn heavy(n: usize) -> MedicationList {
    let mut l = ordinary();
    l.dispenses.clear();
    l.prescriptions.clear();
    for i in 0..n {
        let date = today() - chrono::Days::new((i as u64 * 397) % 450);
        let mut p = if i % 3 == 0 {
            product(
                &format!("Lång{i:04} Metoprololsuccinat Ratiopharm Depottablett Extra Lång Produktbenämning"),
                "metoprololsuccinat",
                "depottablett",
                "47,5 mg",
                "100 st",
                "C07AB02",
            )
        } else {
            product(
                &format!("Medicin{i:04}"),
                "substans",
                "tablett",
                "10 mg",
                "30 st",
                "A01",
            )
        };
        p.consumable = false;
        let mut disp = dispense(
            &format!("disp-{i}"),
            p.clone(),
            date,
            if i % 5 == 4 {
                DispenseChannel::Paper
            } else {
                DispenseChannel::EPrescription
            },
        );
        if i % 3 == 0 {
            disp.dosage = Some("1 depottablett på morgonen, vid behov ytterligare en halv tablett på kvällen efter samråd med behandlande läkare".into());
        }
        if i % 7 == 0 {
            disp.credited = Some(Credit {
                date: Some(date),
                comment: Some(format!("Kreditering {i}")),
            });
        }
        l.dispenses.push(disp);
        let mut r = rx(&format!("rx-{i}"), p, date);
        if i % 4 == 3 {
            r.group = RxGroup::Past;
            r.end = Some(RxEnd::Completed);
        }
        l.prescriptions.push(r);
    }
    l.dispenses
        .sort_by_key(|d| std::cmp::Reverse(d.handed_over));
    l
}

// ------------------------------------------------------------------------------------------
// Tools

fn need(tool: &str, package: &str) {
    let ok = Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        ok,
        "`{tool}` is missing: install the Debian package `{package}` (make setup)"
    );
}

pub fn tmpdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("printout-test-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn write_pdf(name: &str, bytes: &[u8]) -> PathBuf {
    let path = tmpdir(name).join(format!("{name}.pdf"));
    std::fs::write(&path, bytes).unwrap();
    path
}

fn run(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd}: {e}"));
    assert!(
        out.status.success(),
        "{cmd} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `pdftotext -layout`, pages separated by form feeds.
pub fn pdftotext(pdf: &Path) -> String {
    need("pdftotext", "poppler-utils");
    run("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"])
}

/// Text per page.
pub fn pages_text(pdf: &Path) -> Vec<String> {
    let t = pdftotext(pdf);
    let mut pages: Vec<String> = t.split('\u{c}').map(str::to_string).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

pub fn pdfinfo(pdf: &Path) -> String {
    need("pdfinfo", "poppler-utils");
    run("pdfinfo", &[pdf.to_str().unwrap()])
}

/// The document information dictionary and the XMP metadata stream, as pdfinfo reads them.
pub fn pdf_metadata(pdf: &Path) -> String {
    need("pdfinfo", "poppler-utils");
    // Without pdfinfo's "File size" line: the file's length is not something the PDF says (and
    // its digits would match a county code such as `22` by chance).
    let info: String = run("pdfinfo", &[pdf.to_str().unwrap()])
        .lines()
        .filter(|l| !l.starts_with("File size:"))
        .map(|l| format!("{l}\n"))
        .collect();
    format!(
        "{info}{}",
        run("pdfinfo", &["-meta", pdf.to_str().unwrap()])
    )
}

/// Page 1 at `dpi` as PNG, returns the PNG path.
pub fn page1_png(pdf: &Path, dpi: u32) -> PathBuf {
    need("pdftoppm", "poppler-utils");
    let prefix = pdf.with_extension("");
    run(
        "pdftoppm",
        &[
            "-r",
            &dpi.to_string(),
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            pdf.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    prefix.with_extension("png")
}

pub fn zbarimg(png: &Path) -> String {
    need("zbarimg", "zbar-tools");
    run("zbarimg", &["--quiet", png.to_str().unwrap()])
}

/// Collapses runs of spaces (pdftotext -layout pads columns).
pub fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
