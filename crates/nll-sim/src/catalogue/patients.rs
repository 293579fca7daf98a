//! The test patients (issue 4 §4). Each has a fixed personnummer and a history function; the
//! README's table of test patients is checked against this list by a test.

use chrono::{Duration, NaiveDate};
use nll::ids::IdKind;
use nll::{LockAgainst, LockContent, LockKind, LockScope};

use super::history::{Chain, HistoryBuilder};
use super::reference::{BENEFIT_FREE_CHILD, BENEFIT_WITHOUT, CREDIT_COMMENTS, MEDICINES};
use super::{Address, PatientSpec, Person, PowerOfAttorney, Protection};

// Rows of `MEDICINES` used by name below.
const ALVEDON: usize = 0;
const IPREN: usize = 1;
const OMEPRAZOL: usize = 2;
const ENALAPRIL: usize = 3;
const ATORVASTATIN: usize = 4;
const AMLODIPIN: usize = 5;
const SELOKEN: usize = 6;
const WARAN: usize = 7;
const ELIQUIS: usize = 8;
const TROMBYL: usize = 9;
const METFORMIN: usize = 10;
const LEVAXIN: usize = 11;
const SERTRALIN: usize = 12;
const IMOVANE: usize = 14;
const TRAMADOL: usize = 15;
const VENTOLINE: usize = 17;
const AERIUS: usize = 19;
const NASONEX: usize = 20;
const AMOXICILLIN: usize = 21;
const KAVEPENIN: usize = 22;
const FURADANTIN: usize = 23;
const LERGIGAN: usize = 24;
const ALENDRONAT: usize = 25;
const CALCICHEW: usize = 26;
const FURIX: usize = 27;
const LOSARTAN: usize = 28;
const CONCERTA: usize = 31;
const CIRCADIN: usize = 32;
const FLIXOTIDE: usize = 33;
const ELOCON: usize = 34;
const DESOGESTREL: usize = 35;
const OLANZAPIN: usize = 36;
const SIMVASTATIN: usize = 37;
const XYLOCAIN: usize = 39;
const LOCOBASE: usize = 40;
const OMNIFIX: usize = 41;
const TENA: usize = 44;

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid catalogue date")
}

fn person(birth: NaiveDate, serial: u16, given: &'static str, family: &'static str) -> Person {
    Person {
        pnr: super::idnum::person_number(birth, serial, IdKind::Personnummer),
        given,
        family,
    }
}

#[allow(clippy::too_many_arguments)]
fn spec(
    key: &'static str,
    birth: NaiveDate,
    serial: u16,
    given: &'static str,
    family: &'static str,
    gender: &'static str,
    demonstrates: &'static str,
    history: fn(&mut HistoryBuilder),
) -> PatientSpec {
    PatientSpec {
        key,
        birth,
        serial,
        kind: IdKind::Personnummer,
        given,
        family,
        gender,
        address: None,
        municipality_code: None,
        region_code: None,
        phone: None,
        email: None,
        protection: None,
        deceased: None,
        dos: false,
        dose_pharmacy: None,
        guardians: Vec::new(),
        former_guardians: Vec::new(),
        powers_of_attorney: Vec::new(),
        demonstrates,
        history,
    }
}

fn lives(
    mut s: PatientSpec,
    line: &'static str,
    postal_code: &'static str,
    city: &'static str,
    municipality: &'static str,
    region: &'static str,
) -> PatientSpec {
    s.address = Some(Address {
        line,
        postal_code,
        city,
    });
    s.municipality_code = Some(municipality);
    s.region_code = Some(region);
    s
}

pub(crate) fn all(today: NaiveDate) -> Vec<PatientSpec> {
    let mut v = Vec::new();

    let mut p = lives(
        spec("vuxen", ymd(1968, 4, 15), 238, "Karin", "Andersson", "female",
            "Ordinary adult, 3 years of history: prescriptions older than 24 months, current, cancelled and future ones, a credited dispense, a paper-prescription dispense, consumables (handelsvaror).",
            vuxen),
        "Sveavägen 44", "113 34", "Stockholm", "0180", "01",
    );
    p.phone = Some("070-123 45 67");
    p.email = Some("karin.andersson@exempel.se");
    v.push(p);

    let mut p = spec("skyddad-folkbokforing", ymd(1985, 9, 23), 482, "Sara", "Nilsson", "female",
        "Skyddad folkbokföring: NLL returns the name \"Personuppgift skyddad\", no address and a security label; prescribers' workplaces and dispensing pharmacies (Kiruna) are not masked by NLL.",
        skyddad_folkbokforing);
    p.protection = Some(Protection::SkyddadFolkbokforing);
    v.push(p);

    let mut p = lives(
        spec("sekretessmarkering", ymd(1979, 11, 2), 355, "Johan", "Eriksson", "male",
            "Sekretessmarkering whose name and address NLL still returns: only the security label says protected (detection must fail closed).",
            sekretessmarkering),
        "Storgatan 12", "972 31", "Luleå", "2580", "25",
    );
    p.protection = Some(Protection::Sekretessmarkering);
    p.phone = Some("070-987 65 43");
    v.push(p);

    let mut p = lives(
        spec("barn-9", ymd(2017, 3, 14), 246, "Elsa", "Berg", "female",
            "Child under 13 with two guardians (Vårdnadshavare flow); one prescription chain has a confidentiality lock against the guardian.",
            barn_9),
        "Kastanjegatan 3", "416 71", "Göteborg", "1480", "14",
    );
    p.guardians = vec![
        person(ymd(1986, 6, 30), 128, "Maria", "Berg"),
        person(ymd(1984, 3, 12), 317, "Anders", "Berg"),
    ];
    v.push(p);

    let mut p = spec("skyddat-barn-9", ymd(2017, 8, 5), 473, "Leo", "Holm", "male",
        "Protected child under 13 (skyddad folkbokföring): the guardian relation is removed, so the Vårdnadshavare flow is refused.",
        skyddat_barn_9);
    p.protection = Some(Protection::SkyddadFolkbokforing);
    p.former_guardians = vec![person(ymd(1989, 1, 17), 264, "Lena", "Holm")];
    v.push(p);

    let mut p = lives(
        spec("ungdom-15", ymd(2011, 5, 20), 582, "Alva", "Lindgren", "female",
            "15-year-old: too old for the Vårdnadshavare flow; contraceptives with a confidentiality lock against the guardian; a controlled drug (ADHD).",
            ungdom_15),
        "Tornavägen 8", "223 63", "Lund", "1281", "12",
    );
    p.guardians = vec![person(ymd(1978, 9, 14), 135, "Peter", "Lindgren")];
    v.push(p);

    let mut p = lives(
        spec("dos", ymd(1941, 8, 8), 159, "Gunnar", "Svensson", "male",
            "Dos patient (multi-dose dispensing, dose pharmacy in Malmö); one dos chain has a privacy lock: shown with Dospatients uppgifter (FIL004), hidden in Läkemedelsstöd (FIL003).",
            dos),
        "Ystadvägen 20", "214 45", "Malmö", "1280", "12",
    );
    p.dos = true;
    p.dose_pharmacy = Some(9);
    v.push(p);

    let mut p = lives(
        spec("integritetsspärr", ymd(1972, 5, 30), 391, "Lars", "Petersson", "male",
            "Privacy locks (integritetsspärr): a whole prescription chain, the paper-prescription dispenses, and one treatment reason only.",
            integritetssparr),
        "Svartbäcksgatan 17", "753 20", "Uppsala", "0380", "03",
    );
    p.email = Some("lars.petersson@exempel.se");
    v.push(p);

    let p = lives(
        spec("sekretess-orsak", ymd(1966, 10, 10), 273, "Mikael", "Sandberg", "male",
            "A treatment reason with a confidentiality lock against the patient: withheld in Egna uppgifter and Ombud.",
            sekretess_orsak),
        "Gamla Rådstugugatan 9", "602 32", "Norrköping", "0581", "05",
    );
    v.push(p);

    let mut p = lives(
        spec(
            "fullmakt-aktiv",
            ymd(1948, 12, 1),
            422,
            "Birgitta",
            "Sjögren",
            "female",
            "Active power of attorney to an agent (Ombud flow sees current prescriptions only).",
            fullmakt_aktiv,
        ),
        "Vasagatan 31",
        "722 15",
        "Västerås",
        "1980",
        "19",
    );
    p.powers_of_attorney = vec![PowerOfAttorney {
        agent: person(ymd(1975, 4, 17), 77, "Per", "Sjögren"),
        from: today - Duration::days(400),
        until: None,
    }];
    v.push(p);

    let mut p = lives(
        spec(
            "fullmakt-upphord",
            ymd(1952, 7, 19),
            231,
            "Stig",
            "Olsson",
            "male",
            "Power of attorney that has ended (Ombud flow refused).",
            fullmakt_upphord,
        ),
        "Engelbrektsgatan 5",
        "703 61",
        "Örebro",
        "1880",
        "18",
    );
    p.powers_of_attorney = vec![PowerOfAttorney {
        agent: person(ymd(1980, 2, 28), 346, "Eva", "Olsson"),
        from: today - Duration::days(800),
        until: Some(today - Duration::days(90)),
    }];
    v.push(p);

    let mut p = lives(
        spec("avliden", ymd(1924, 11, 2), 188, "Tyra", "Johansson", "female",
            "Deceased patient (Patient.active false, deceasedDateTime); over 100, so the display form uses '+'.",
            avliden),
        "Rådhusgatan 40", "831 34", "Östersund", "2380", "23",
    );
    p.deceased = Some(today - Duration::days(DIED_DAYS_AGO));
    v.push(p);

    let mut p = spec(
        "samordningsnummer",
        ymd(1990, 3, 8),
        457,
        "Ahmad",
        "Karimi",
        "male",
        "Samordningsnummer (day + 60), no registered address.",
        samordningsnummer,
    );
    p.kind = IdKind::Samordningsnummer;
    p.phone = Some("073-555 12 34");
    v.push(p);

    v.push(lives(
        spec(
            "inga-recept",
            ymd(1995, 9, 9),
            139,
            "Nils",
            "Nyberg",
            "male",
            "A patient with no prescriptions and no dispenses.",
            |_| {},
        ),
        "Götgatan 70",
        "118 30",
        "Stockholm",
        "0180",
        "01",
    ));

    v.push(lives(
        spec("storkund", ymd(1950, 1, 25), 306, "Ingrid", "Lundberg", "female",
            "Heavy patient: 5 years, at least 600 prescriptions and 4,000 dispenses (paging, performance).",
            storkund),
        "Odengatan 88", "113 22", "Stockholm", "0180", "01",
    ));

    v
}

const DIED_DAYS_AGO: i64 = 120;

fn vuxen(b: &mut HistoryBuilder) {
    // Blood pressure for almost three years: renewed yearly, dispensed every quarter. The first
    // prescription and its dispenses lie before Expediering's 24 months.
    b.chain(
        Chain::new(ENALAPRIL, 0, 1040)
            .renewed(3, 365)
            .dispenses(4)
            .at(&[0, 2]),
    );
    let statin = b.chain(
        Chain::new(ATORVASTATIN, 12, 900)
            .renewed(3, 365)
            .dispenses(4)
            .at(&[0, 10]),
    );
    b.credit(statin, 5, CREDIT_COMMENTS[0]);
    // A penicillin course older than 24 months.
    b.chain(Chain::new(KAVEPENIN, 0, 800).dispenses(1).at(&[0]));
    // Stomach protection, cancelled (borttaget) by the prescriber a month ago.
    b.chain(
        Chain::new(OMEPRAZOL, 1, 120)
            .dispenses(3)
            .cancelled(30)
            .at(&[2]),
    );
    // Consumables (handelsvaror) on prescription.
    b.chain(
        Chain::new(LOCOBASE, 0, 200)
            .dispenses(4)
            .packages(2)
            .no_reason()
            .at(&[0]),
    );
    b.chain(
        Chain::new(OMNIFIX, 0, 60)
            .dispenses(2)
            .packages(3)
            .no_reason()
            .benefit(BENEFIT_WITHOUT)
            .at(&[0]),
    );
    // After a dental procedure in Luleå: a paper prescription.
    b.paper_dispense(IPREN, 4, 240, 4);
    // Allergy season: valid from next month (Kommande).
    b.future(AERIUS, 0, 30);
}

fn skyddad_folkbokforing(b: &mut HistoryBuilder) {
    // Everything here points at Kiruna: exactly what must not reach a printout.
    b.chain(
        Chain::new(LEVAXIN, 2, 700)
            .renewed(2, 365)
            .dispenses(4)
            .at(&[3]),
    );
    b.chain(Chain::new(SERTRALIN, 2, 300).dispenses(4).at(&[3, 10]));
    b.chain(Chain::new(ALVEDON, 2, 90).dispenses(2).at(&[3]));
    b.chain(Chain::new(AMOXICILLIN, 3, 500).dispenses(1).at(&[1]));
}

fn sekretessmarkering(b: &mut HistoryBuilder) {
    b.chain(
        Chain::new(LOSARTAN, 10, 500)
            .renewed(2, 365)
            .dispenses(4)
            .at(&[4]),
    );
    b.chain(Chain::new(XYLOCAIN, 4, 100).dispenses(1).at(&[4]));
    b.chain(Chain::new(TRAMADOL, 10, 45).dispenses(2).at(&[4, 11]));
}

fn barn_9(b: &mut HistoryBuilder) {
    b.chain(
        Chain::new(FLIXOTIDE, 3, 600)
            .renewed(2, 365)
            .dispenses(4)
            .benefit(BENEFIT_FREE_CHILD)
            .at(&[1]),
    );
    b.chain(
        Chain::new(VENTOLINE, 3, 400)
            .renewed(2, 365)
            .dispenses(3)
            .benefit(BENEFIT_FREE_CHILD)
            .at(&[1]),
    );
    b.chain(
        Chain::new(AERIUS, 13, 200)
            .dispenses(2)
            .benefit(BENEFIT_FREE_CHILD)
            .at(&[1]),
    );
    let sleep = b.chain(
        Chain::new(CIRCADIN, 13, 250)
            .dispenses(4)
            .benefit(BENEFIT_FREE_CHILD)
            .at(&[1]),
    );
    b.lock(
        LockKind::Confidentiality,
        LockScope::PrescriptionChain,
        LockContent::Whole,
        LockAgainst::Guardian,
        Some(sleep),
        249,
    );
}

fn skyddat_barn_9(b: &mut HistoryBuilder) {
    b.chain(
        Chain::new(KAVEPENIN, 6, 150)
            .dispenses(1)
            .benefit(BENEFIT_FREE_CHILD)
            .at(&[6]),
    );
    b.chain(
        Chain::new(VENTOLINE, 6, 300)
            .dispenses(3)
            .benefit(BENEFIT_FREE_CHILD)
            .at(&[6]),
    );
    b.chain(
        Chain::new(ELOCON, 6, 80)
            .dispenses(1)
            .benefit(BENEFIT_FREE_CHILD)
            .at(&[6]),
    );
}

fn ungdom_15(b: &mut HistoryBuilder) {
    let pill = b.chain(
        Chain::new(DESOGESTREL, 8, 200)
            .dispenses(4)
            .benefit(BENEFIT_FREE_CHILD)
            .at(&[5]),
    );
    b.lock(
        LockKind::Confidentiality,
        LockScope::PrescriptionChain,
        LockContent::Whole,
        LockAgainst::Guardian,
        Some(pill),
        200,
    );
    b.chain(
        Chain::new(CONCERTA, 5, 500)
            .renewed(2, 365)
            .dispenses(12)
            .benefit(BENEFIT_FREE_CHILD)
            .no_substitution()
            .at(&[5]),
    );
    b.chain(
        Chain::new(AERIUS, 5, 150)
            .dispenses(2)
            .benefit(BENEFIT_FREE_CHILD)
            .at(&[5]),
    );
}

fn dos(b: &mut HistoryBuilder) {
    for med in [LEVAXIN, TROMBYL, SIMVASTATIN, FURIX, SELOKEN, OMEPRAZOL] {
        b.chain(
            Chain::new(med, 11, 700)
                .renewed(2, 365)
                .dispenses(26)
                .dos()
                .at(&[9]),
        );
    }
    let mood = b.chain(Chain::new(SERTRALIN, 11, 330).dispenses(26).dos().at(&[9]));
    b.lock(
        LockKind::Privacy,
        LockScope::PrescriptionChain,
        LockContent::Whole,
        LockAgainst::Care,
        Some(mood),
        300,
    );
    b.chain(Chain::new(ALVEDON, 11, 120).dispenses(2).at(&[5]));
}

fn integritetssparr(b: &mut HistoryBuilder) {
    b.chain(
        Chain::new(LOSARTAN, 1, 600)
            .renewed(2, 365)
            .dispenses(4)
            .at(&[2]),
    );
    let mood = b.chain(
        Chain::new(SERTRALIN, 1, 400)
            .renewed(2, 365)
            .dispenses(4)
            .at(&[2]),
    );
    b.lock(
        LockKind::Privacy,
        LockScope::PrescriptionChain,
        LockContent::Whole,
        LockAgainst::Care,
        Some(mood),
        390,
    );
    let sleep = b.chain(Chain::new(IMOVANE, 1, 150).dispenses(3).at(&[2]));
    b.lock(
        LockKind::Privacy,
        LockScope::PrescriptionChain,
        LockContent::TreatmentReasonOnly,
        LockAgainst::Care,
        Some(sleep),
        140,
    );
    b.paper_dispense(TRAMADOL, 10, 90, 11);
    b.paper_dispense(LERGIGAN, 1, 200, 2);
    b.lock(
        LockKind::Privacy,
        LockScope::PaperDispenses,
        LockContent::Whole,
        LockAgainst::Care,
        None,
        80,
    );
}

fn sekretess_orsak(b: &mut HistoryBuilder) {
    let psy = b.chain(
        Chain::new(OLANZAPIN, 9, 400)
            .renewed(2, 365)
            .dispenses(6)
            .at(&[8]),
    );
    b.lock(
        LockKind::Confidentiality,
        LockScope::PrescriptionChain,
        LockContent::TreatmentReasonOnly,
        LockAgainst::Patient,
        Some(psy),
        390,
    );
    b.chain(Chain::new(AMLODIPIN, 9, 300).dispenses(4).at(&[8]));
}

fn fullmakt_aktiv(b: &mut HistoryBuilder) {
    b.chain(
        Chain::new(ELIQUIS, 6, 500)
            .renewed(2, 365)
            .dispenses(4)
            .at(&[6]),
    );
    b.chain(
        Chain::new(ALENDRONAT, 6, 700)
            .renewed(2, 365)
            .dispenses(12)
            .at(&[6]),
    );
    b.chain(Chain::new(CALCICHEW, 6, 200).dispenses(4).at(&[6]));
    b.chain(Chain::new(FURADANTIN, 6, 300).dispenses(1).at(&[6]));
    b.chain(
        Chain::new(TENA, 6, 100)
            .dispenses(4)
            .packages(4)
            .no_reason()
            .at(&[6]),
    );
}

fn fullmakt_upphord(b: &mut HistoryBuilder) {
    b.chain(
        Chain::new(METFORMIN, 7, 600)
            .renewed(2, 365)
            .dispenses(4)
            .at(&[7]),
    );
    b.chain(Chain::new(ENALAPRIL, 7, 250).dispenses(4).at(&[7]));
}

fn avliden(b: &mut HistoryBuilder) {
    b.chain(
        Chain::new(WARAN, 10, 700)
            .renewed(2, 365)
            .dispenses(6)
            .no_substitution()
            .at(&[11]),
    );
    b.chain(
        Chain::new(FURIX, 10, 650)
            .renewed(2, 365)
            .dispenses(4)
            .at(&[11]),
    );
    b.chain(Chain::new(ALVEDON, 10, 300).dispenses(3).at(&[11]));
    let died = b.today() - Duration::days(DIED_DAYS_AGO);
    b.end_all_on(died);
}

fn samordningsnummer(b: &mut HistoryBuilder) {
    b.chain(Chain::new(AMOXICILLIN, 11, 40).dispenses(1).at(&[5]));
    b.chain(Chain::new(IPREN, 11, 40).dispenses(1).at(&[5]));
    b.chain(Chain::new(NASONEX, 11, 200).dispenses(2).at(&[5]));
}

/// Five years of a patient with many illnesses: at least 600 prescriptions and exactly 4,000
/// dispenses, some on paper, some credited.
fn storkund(b: &mut HistoryBuilder) {
    const PRESCRIPTIONS: usize = 600;
    const DISPENSES: usize = 4000;
    let stockholm = [0usize, 10, 2, 1];
    for _ in 0..40 {
        let med = b.rng().below(MEDICINES.len() as u64) as usize;
        let prescriber = b.rng().below(super::reference::PRESCRIBERS.len() as u64) as usize;
        let days = b.rng().range(1, 1800);
        let pharmacy = *b.rng().pick(&stockholm);
        b.paper_dispense(med, prescriber, days, pharmacy);
    }
    let mut chains = Vec::new();
    loop {
        let (rx, d) = b.counts();
        if rx >= PRESCRIPTIONS && d >= DISPENSES {
            break;
        }
        let med = b.rng().below(MEDICINES.len() as u64) as usize;
        let prescriber = b.rng().below(super::reference::PRESCRIBERS.len() as u64) as usize;
        let start = b.rng().range(20, 1800);
        let renew = b.rng().range(120, 365);
        let count = (start / renew + 1) as u32;
        let per_rx = b.rng().range(2, 10) as u32;
        let first = *b.rng().pick(&stockholm);
        let second = *b.rng().pick(&stockholm);
        let mut c = Chain::new(med, prescriber, start)
            .renewed(count, renew)
            .dispenses(per_rx)
            .at(&[first, second]);
        if MEDICINES[med].consumable {
            c = c.no_reason();
        }
        if b.rng().chance(3) {
            c = c.cancelled(b.rng().range(1, start.min(300)));
        }
        chains.push(b.chain(c));
    }
    b.trim_dispenses_to(DISPENSES);
    for (i, chain) in chains.iter().enumerate().step_by(25) {
        b.credit(*chain, 0, CREDIT_COMMENTS[i % CREDIT_COMMENTS.len()]);
    }
}
