//! Reference data the synthetic catalogue draws on: medicines and consumables as the Swedish
//! article register describes them, prescribers at workplaces in different towns, and pharmacies.
//!
//! Product names, substances, forms, strengths, pack sizes and ATC codes are realistic; NPL ids,
//! NPL pack ids, varunummer, HSA-ids, workplace codes, addresses and phone numbers are synthetic
//! (shaped like the real ones, derived from the row so they are stable).

/// One article: a medicine (läkemedel) or a consumable (handelsvara).
#[derive(Debug, Clone, Copy)]
pub struct Medicine {
    pub name: &'static str,
    /// Empty for consumables.
    pub substance: &'static str,
    pub form: &'static str,
    /// Empty when the article has no strength.
    pub strength: &'static str,
    /// Amount in one package (the number in `pack_text`), e.g. 100.
    pub pack_amount: u32,
    /// Unit of `pack_amount`: "st", "g", "ml", "doser".
    pub unit: &'static str,
    /// Pack size as printed, e.g. "100 st", "5 x 3 ml".
    pub pack_text: &'static str,
    /// Empty for consumables.
    pub atc: &'static str,
    pub consumable: bool,
    /// Narkotikaklassat (list info `nllControlledDrugs`).
    pub controlled: bool,
    /// A typical dosage instruction.
    pub dosage: &'static str,
    /// A typical treatment reason (behandlingsorsak).
    pub reason: &'static str,
}

impl Medicine {
    /// NPL id: 14 digits (registration-date-like prefix), stable for the row.
    pub fn npl_id(index: usize) -> String {
        let (y, m, d) = npl_date(index);
        format!("{y:04}{m:02}{d:02}{:06}", 100_000 + index * 37)
    }
    /// NPL pack id: 14 digits, stable for the row.
    pub fn npl_pack_id(index: usize) -> String {
        let (y, m, d) = npl_date(index);
        format!("{y:04}{m:02}{d:02}{:06}", 500_000 + index * 41)
    }
    /// Varunummer: 6 digits, stable for the row.
    pub fn varunummer(index: usize) -> String {
        format!("{:06}", 10_000 + (index * 7_919) % 980_000)
    }
    /// The strength text or `None`.
    pub fn strength_opt(&self) -> Option<&'static str> {
        (!self.strength.is_empty()).then_some(self.strength)
    }
}

fn npl_date(index: usize) -> (usize, usize, usize) {
    (
        1994 + index % 28,
        1 + (index * 5) % 12,
        1 + (index * 11) % 28,
    )
}

macro_rules! med {
    ($name:expr, $sub:expr, $form:expr, $str:expr, $amt:expr, $unit:expr, $pack:expr, $atc:expr,
     $dos:expr, $reason:expr) => {
        Medicine {
            name: $name,
            substance: $sub,
            form: $form,
            strength: $str,
            pack_amount: $amt,
            unit: $unit,
            pack_text: $pack,
            atc: $atc,
            consumable: false,
            controlled: false,
            dosage: $dos,
            reason: $reason,
        }
    };
}

macro_rules! narcotic {
    ($($t:tt)*) => {
        Medicine { controlled: true, ..med!($($t)*) }
    };
}

macro_rules! consumable {
    ($name:expr, $form:expr, $amt:expr, $unit:expr, $pack:expr, $dos:expr, $reason:expr) => {
        Medicine {
            name: $name,
            substance: "",
            form: $form,
            strength: "",
            pack_amount: $amt,
            unit: $unit,
            pack_text: $pack,
            atc: "",
            consumable: true,
            controlled: false,
            dosage: $dos,
            reason: $reason,
        }
    };
}

/// The article register of the test server. Indexes into this table are stable: append only.
pub static MEDICINES: &[Medicine] = &[
    /* 0 */
    med!(
        "Alvedon",
        "paracetamol",
        "tablett",
        "500 mg",
        100,
        "st",
        "100 st",
        "N02BE01",
        "1–2 tabletter vid behov, högst 8 tabletter per dygn",
        "Smärta"
    ),
    /* 1 */
    med!(
        "Ipren",
        "ibuprofen",
        "tablett",
        "400 mg",
        30,
        "st",
        "30 st",
        "M01AE01",
        "1 tablett vid behov, högst 3 tabletter per dygn",
        "Smärta och inflammation"
    ),
    /* 2 */
    med!(
        "Omeprazol Actavis",
        "omeprazol",
        "enterokapsel, hård",
        "20 mg",
        100,
        "st",
        "100 st",
        "A02BC01",
        "1 kapsel på morgonen",
        "Magkatarr"
    ),
    /* 3 */
    med!(
        "Enalapril Sandoz",
        "enalapril",
        "tablett",
        "10 mg",
        100,
        "st",
        "100 st",
        "C09AA02",
        "1 tablett 1 gång dagligen",
        "Högt blodtryck"
    ),
    /* 4 */
    med!(
        "Atorvastatin Krka",
        "atorvastatin",
        "filmdragerad tablett",
        "40 mg",
        100,
        "st",
        "100 st",
        "C10AA05",
        "1 tablett till kvällen",
        "Höga blodfetter"
    ),
    /* 5 */
    med!(
        "Amlodipin Teva",
        "amlodipin",
        "tablett",
        "5 mg",
        98,
        "st",
        "98 st",
        "C08CA01",
        "1 tablett 1 gång dagligen",
        "Högt blodtryck"
    ),
    /* 6 */
    med!(
        "Seloken ZOC",
        "metoprolol",
        "depottablett",
        "50 mg",
        100,
        "st",
        "100 st",
        "C07AB02",
        "1 tablett på morgonen",
        "Förmaksflimmer"
    ),
    /* 7 */
    med!(
        "Waran",
        "warfarin",
        "tablett",
        "2,5 mg",
        100,
        "st",
        "100 st",
        "B01AA03",
        "Enligt ordination från AK-mottagningen",
        "Förebyggande av blodpropp"
    ),
    /* 8 */
    med!(
        "Eliquis",
        "apixaban",
        "filmdragerad tablett",
        "5 mg",
        168,
        "st",
        "168 st",
        "B01AF02",
        "1 tablett 2 gånger dagligen",
        "Förebyggande av blodpropp"
    ),
    /* 9 */
    med!(
        "Trombyl",
        "acetylsalicylsyra",
        "tablett",
        "75 mg",
        100,
        "st",
        "100 st",
        "B01AC06",
        "1 tablett 1 gång dagligen",
        "Förebyggande av hjärtinfarkt"
    ),
    /* 10 */
    med!(
        "Metformin Meda",
        "metformin",
        "filmdragerad tablett",
        "500 mg",
        100,
        "st",
        "100 st",
        "A10BA02",
        "1 tablett 2 gånger dagligen i samband med måltid",
        "Typ 2-diabetes"
    ),
    /* 11 */
    med!(
        "Levaxin",
        "levotyroxin",
        "tablett",
        "100 mikrogram",
        100,
        "st",
        "100 st",
        "H03AA01",
        "1 tablett på morgonen före frukost",
        "Underfunktion i sköldkörteln"
    ),
    /* 12 */
    med!(
        "Sertralin Accord",
        "sertralin",
        "filmdragerad tablett",
        "50 mg",
        98,
        "st",
        "98 st",
        "N06AB06",
        "1 tablett 1 gång dagligen",
        "Nedstämdhet"
    ),
    /* 13 */
    med!(
        "Citalopram Bluefish",
        "citalopram",
        "filmdragerad tablett",
        "20 mg",
        100,
        "st",
        "100 st",
        "N06AB04",
        "1 tablett på morgonen",
        "Ångest"
    ),
    /* 14 */
    narcotic!(
        "Imovane",
        "zopiklon",
        "filmdragerad tablett",
        "7,5 mg",
        30,
        "st",
        "30 st",
        "N05CF01",
        "1 tablett till natten vid behov",
        "Sömnbesvär"
    ),
    /* 15 */
    narcotic!(
        "Tramadol Actavis",
        "tramadol",
        "kapsel, hård",
        "50 mg",
        50,
        "st",
        "50 st",
        "N02AX02",
        "1–2 kapslar vid behov, högst 8 per dygn",
        "Svår smärta"
    ),
    /* 16 */
    narcotic!(
        "OxyNorm",
        "oxikodon",
        "kapsel, hård",
        "5 mg",
        30,
        "st",
        "30 st",
        "N02AA05",
        "1 kapsel vid behov, högst 4 per dygn",
        "Svår smärta efter operation"
    ),
    /* 17 */
    med!(
        "Ventoline Evohaler",
        "salbutamol",
        "inhalationsspray, suspension",
        "0,1 mg/dos",
        200,
        "doser",
        "200 doser",
        "R03AC02",
        "1–2 inhalationer vid behov",
        "Astma"
    ),
    /* 18 */
    med!(
        "Symbicort Turbuhaler",
        "budesonid, formoterol",
        "inhalationspulver",
        "160 mikrogram/4,5 mikrogram/dos",
        120,
        "doser",
        "120 doser",
        "R03AK07",
        "1 inhalation morgon och kväll",
        "Astma"
    ),
    /* 19 */
    med!(
        "Aerius",
        "desloratadin",
        "filmdragerad tablett",
        "5 mg",
        30,
        "st",
        "30 st",
        "R06AX27",
        "1 tablett 1 gång dagligen under pollensäsong",
        "Allergi"
    ),
    /* 20 */
    med!(
        "Nasonex",
        "mometason",
        "nässpray, suspension",
        "50 mikrogram/dos",
        140,
        "doser",
        "140 doser",
        "R01AD09",
        "2 sprayningar i varje näsborre 1 gång dagligen",
        "Allergisk snuva"
    ),
    /* 21 */
    med!(
        "Amoxicillin Sandoz",
        "amoxicillin",
        "filmdragerad tablett",
        "750 mg",
        30,
        "st",
        "30 st",
        "J01CA04",
        "1 tablett 3 gånger dagligen i 7 dagar",
        "Lunginflammation"
    ),
    /* 22 */
    med!(
        "Kåvepenin",
        "fenoximetylpenicillin",
        "filmdragerad tablett",
        "1 g",
        30,
        "st",
        "30 st",
        "J01CE02",
        "1 tablett 3 gånger dagligen i 10 dagar",
        "Halsfluss"
    ),
    /* 23 */
    med!(
        "Furadantin",
        "nitrofurantoin",
        "tablett",
        "50 mg",
        30,
        "st",
        "30 st",
        "J01XE01",
        "1 tablett 3 gånger dagligen i 5 dagar",
        "Urinvägsinfektion"
    ),
    /* 24 */
    med!(
        "Lergigan",
        "prometazin",
        "filmdragerad tablett",
        "25 mg",
        50,
        "st",
        "50 st",
        "R06AD02",
        "1 tablett till natten vid behov",
        "Oro"
    ),
    /* 25 */
    med!(
        "Alendronat Bluefish",
        "alendronsyra",
        "tablett",
        "70 mg",
        4,
        "st",
        "4 st",
        "M05BA04",
        "1 tablett 1 gång i veckan på fastande mage",
        "Benskörhet"
    ),
    /* 26 */
    med!(
        "Calcichew-D3",
        "kalciumkarbonat, kolekalciferol",
        "tuggtablett",
        "500 mg/400 IE",
        100,
        "st",
        "100 st",
        "A12AX",
        "1 tablett 2 gånger dagligen",
        "Benskörhet"
    ),
    /* 27 */
    med!(
        "Furix",
        "furosemid",
        "tablett",
        "40 mg",
        100,
        "st",
        "100 st",
        "C03CA01",
        "1 tablett på morgonen",
        "Hjärtsvikt"
    ),
    /* 28 */
    med!(
        "Losartan Krka",
        "losartan",
        "filmdragerad tablett",
        "50 mg",
        98,
        "st",
        "98 st",
        "C09CA01",
        "1 tablett 1 gång dagligen",
        "Högt blodtryck"
    ),
    /* 29 */
    med!(
        "NovoRapid FlexPen",
        "insulin aspart",
        "injektionsvätska, lösning i förfylld injektionspenna",
        "100 E/ml",
        15,
        "ml",
        "5 x 3 ml",
        "A10AB05",
        "Enligt ordination i samband med måltid",
        "Typ 1-diabetes"
    ),
    /* 30 */
    med!(
        "Lantus SoloStar",
        "insulin glargin",
        "injektionsvätska, lösning i förfylld injektionspenna",
        "100 E/ml",
        15,
        "ml",
        "5 x 3 ml",
        "A10AE04",
        "Enligt ordination till kvällen",
        "Typ 1-diabetes"
    ),
    /* 31 */
    narcotic!(
        "Concerta",
        "metylfenidat",
        "depottablett",
        "36 mg",
        30,
        "st",
        "30 st",
        "N06BA04",
        "1 tablett på morgonen",
        "ADHD"
    ),
    /* 32 */
    med!(
        "Circadin",
        "melatonin",
        "depottablett",
        "2 mg",
        30,
        "st",
        "30 st",
        "N05CH01",
        "1 tablett 1–2 timmar före sänggåendet",
        "Insomningssvårigheter"
    ),
    /* 33 */
    med!(
        "Flixotide Evohaler",
        "flutikason",
        "inhalationsspray, suspension",
        "50 mikrogram/dos",
        120,
        "doser",
        "120 doser",
        "R03BA05",
        "2 inhalationer morgon och kväll",
        "Astma"
    ),
    /* 34 */
    med!(
        "Elocon",
        "mometason",
        "kräm",
        "0,1 %",
        30,
        "g",
        "30 g",
        "D07AC13",
        "Smörjs tunt 1 gång dagligen",
        "Eksem"
    ),
    /* 35 */
    med!(
        "Desogestrel Stada",
        "desogestrel",
        "filmdragerad tablett",
        "75 mikrogram",
        84,
        "st",
        "3 x 28 st",
        "G03AC09",
        "1 tablett dagligen utan uppehåll",
        "Preventivmedel"
    ),
    /* 36 */
    med!(
        "Olanzapin Krka",
        "olanzapin",
        "filmdragerad tablett",
        "5 mg",
        28,
        "st",
        "28 st",
        "N05AH03",
        "1 tablett till kvällen",
        "Psykotiska symtom"
    ),
    /* 37 */
    med!(
        "Simvastatin Teva",
        "simvastatin",
        "filmdragerad tablett",
        "20 mg",
        98,
        "st",
        "98 st",
        "C10AA01",
        "1 tablett till kvällen",
        "Höga blodfetter"
    ),
    /* 38 */
    med!(
        "Lyrica",
        "pregabalin",
        "kapsel, hård",
        "75 mg",
        56,
        "st",
        "56 st",
        "N03AX16",
        "1 kapsel 2 gånger dagligen",
        "Nervsmärta"
    ),
    /* 39 */
    med!(
        "Xylocain",
        "lidokain",
        "salva",
        "5 %",
        35,
        "g",
        "35 g",
        "N01BB02",
        "Appliceras vid behov",
        "Lokal smärtlindring"
    ),
    /* 40 */
    consumable!(
        "Locobase Repair",
        "kräm",
        350,
        "g",
        "350 g",
        "Smörjs på torr hud vid behov",
        "Torr hud"
    ),
    /* 41 */
    consumable!(
        "Omnifix elastic",
        "fixeringsförband 10 cm x 10 m",
        1,
        "st",
        "1 st",
        "Används vid förbandsbyte",
        "Sårvård"
    ),
    /* 42 */
    consumable!(
        "FreeStyle Lite",
        "blodglukosteststickor",
        50,
        "st",
        "50 st",
        "Enligt ordination",
        "Blodsockerkontroll"
    ),
    /* 43 */
    consumable!(
        "BD Micro-Fine+ pennkanyl",
        "kanyl 0,25 mm x 5 mm",
        100,
        "st",
        "100 st",
        "Ny kanyl vid varje injektion",
        "Insulinbehandling"
    ),
    /* 44 */
    consumable!(
        "Tena Lady Normal",
        "inkontinensskydd",
        24,
        "st",
        "24 st",
        "Byts vid behov",
        "Inkontinens"
    ),
];

/// A prescriber's workplace (vårdenhet).
#[derive(Debug, Clone, Copy)]
pub struct Workplace {
    pub name: &'static str,
    /// Arbetsplatskod.
    pub code: &'static str,
    pub street: &'static str,
    pub postal_code: &'static str,
    pub city: &'static str,
    pub phone: &'static str,
}

pub static WORKPLACES: &[Workplace] = &[
    /* 0 */
    Workplace {
        name: "Vårdcentralen Kungsholmen",
        code: "0180234501",
        street: "Fleminggatan 22",
        postal_code: "112 26",
        city: "Stockholm",
        phone: "08-123 450 00",
    },
    /* 1 */
    Workplace {
        name: "Akademiska sjukhuset, Medicinmottagningen",
        code: "0380110220",
        street: "Sjukhusvägen 1",
        postal_code: "751 85",
        city: "Uppsala",
        phone: "018-611 00 00",
    },
    /* 2 */
    Workplace {
        name: "Hälsocentralen Centrum Kiruna",
        code: "2584001001",
        street: "Lars Janssonsgatan 5",
        postal_code: "981 31",
        city: "Kiruna",
        phone: "0980-730 00",
    },
    /* 3 */
    Workplace {
        name: "Sahlgrenska Universitetssjukhuset, Lungmottagningen",
        code: "1480233010",
        street: "Blå stråket 5",
        postal_code: "413 45",
        city: "Göteborg",
        phone: "031-342 10 00",
    },
    /* 4 */
    Workplace {
        name: "Folktandvården Luleå Centrum",
        code: "2580440120",
        street: "Storgatan 40",
        postal_code: "972 31",
        city: "Luleå",
        phone: "0920-28 40 00",
    },
    /* 5 */
    Workplace {
        name: "Barn- och ungdomsmedicinska mottagningen, Skånes universitetssjukhus",
        code: "1280554300",
        street: "Jan Waldenströms gata 15",
        postal_code: "205 02",
        city: "Malmö",
        phone: "040-33 10 00",
    },
    /* 6 */
    Workplace {
        name: "Vårdcentralen Skultuna",
        code: "1980220070",
        street: "Bruksgatan 3",
        postal_code: "726 31",
        city: "Västerås",
        phone: "021-17 30 00",
    },
    /* 7 */
    Workplace {
        name: "Capio Vårdcentral Örebro",
        code: "1880341200",
        street: "Drottninggatan 18",
        postal_code: "702 10",
        city: "Örebro",
        phone: "019-602 10 00",
    },
    /* 8 */
    Workplace {
        name: "Ungdomsmottagningen Lund",
        code: "1281011050",
        street: "Klostergatan 11",
        postal_code: "222 22",
        city: "Lund",
        phone: "046-35 90 00",
    },
    /* 9 */
    Workplace {
        name: "Psykiatriska öppenvårdsmottagningen Norrköping",
        code: "0581300410",
        street: "Trädgårdsgatan 21",
        postal_code: "602 24",
        city: "Norrköping",
        phone: "011-10 50 00",
    },
    /* 10 */
    Workplace {
        name: "Östersunds sjukhus, Ortopedkliniken",
        code: "2380120900",
        street: "Lasarettsvägen 1",
        postal_code: "831 83",
        city: "Östersund",
        phone: "063-15 30 00",
    },
    /* 11 */
    Workplace {
        name: "Vårdcentralen Rosengård",
        code: "1280300650",
        street: "Amiralsgatan 93",
        postal_code: "214 37",
        city: "Malmö",
        phone: "040-623 40 00",
    },
];

/// A prescriber (förskrivare); always sent as a contained NLLPractitioner.
#[derive(Debug, Clone, Copy)]
pub struct Prescriber {
    pub given: &'static str,
    pub family: &'static str,
    /// Profession as shown at the pharmacy.
    pub profession: &'static str,
    /// Profession code (legitimationsyrke), e.g. "LK".
    pub profession_code: &'static str,
    pub hsa_suffix: &'static str,
    pub workplace: usize,
}

impl Prescriber {
    pub fn name(&self) -> String {
        format!("{} {}", self.given, self.family)
    }
    /// HSA-id: `SE` + a 10-digit organisation number + `-` + suffix.
    pub fn hsa_id(&self) -> String {
        format!("SE2321000016-{}", self.hsa_suffix)
    }
}

pub static PRESCRIBERS: &[Prescriber] = &[
    /* 0 */
    Prescriber {
        given: "Helena",
        family: "Wikström",
        profession: "Läkare",
        profession_code: "LK",
        hsa_suffix: "1A2B",
        workplace: 0,
    },
    /* 1 */
    Prescriber {
        given: "Omar",
        family: "Haddad",
        profession: "Läkare",
        profession_code: "LK",
        hsa_suffix: "3C4D",
        workplace: 1,
    },
    /* 2 */
    Prescriber {
        given: "Kerstin",
        family: "Nordin",
        profession: "Läkare",
        profession_code: "LK",
        hsa_suffix: "5E6F",
        workplace: 2,
    },
    /* 3 */
    Prescriber {
        given: "Jonas",
        family: "Ek",
        profession: "Läkare",
        profession_code: "LK",
        hsa_suffix: "7G8H",
        workplace: 3,
    },
    /* 4 */
    Prescriber {
        given: "Maja",
        family: "Lindholm",
        profession: "Tandläkare",
        profession_code: "TL",
        hsa_suffix: "9J1K",
        workplace: 4,
    },
    /* 5 */
    Prescriber {
        given: "Farid",
        family: "Rahimi",
        profession: "Läkare",
        profession_code: "LK",
        hsa_suffix: "2L3M",
        workplace: 5,
    },
    /* 6 */
    Prescriber {
        given: "Annika",
        family: "Bergström",
        profession: "Sjuksköterska",
        profession_code: "SJ",
        hsa_suffix: "4N5P",
        workplace: 6,
    },
    /* 7 */
    Prescriber {
        given: "Mats",
        family: "Forsberg",
        profession: "Läkare",
        profession_code: "LK",
        hsa_suffix: "6Q7R",
        workplace: 7,
    },
    /* 8 */
    Prescriber {
        given: "Sofia",
        family: "Axelsson",
        profession: "Barnmorska",
        profession_code: "BM",
        hsa_suffix: "8S9T",
        workplace: 8,
    },
    /* 9 */
    Prescriber {
        given: "Gustav",
        family: "Holmberg",
        profession: "Läkare",
        profession_code: "LK",
        hsa_suffix: "1U2V",
        workplace: 9,
    },
    /* 10 */
    Prescriber {
        given: "Linnea",
        family: "Sundqvist",
        profession: "Läkare",
        profession_code: "LK",
        hsa_suffix: "3W4X",
        workplace: 10,
    },
    /* 11 */
    Prescriber {
        given: "Yusuf",
        family: "Demir",
        profession: "Läkare",
        profession_code: "LK",
        hsa_suffix: "5Y6Z",
        workplace: 11,
    },
    /* 12 */
    Prescriber {
        given: "Eva",
        family: "Sjöberg",
        profession: "Läkare",
        profession_code: "LK",
        hsa_suffix: "7A8B",
        workplace: 0,
    },
    /* 13 */
    Prescriber {
        given: "Karl",
        family: "Öberg",
        profession: "Läkare",
        profession_code: "LK",
        hsa_suffix: "9C1D",
        workplace: 3,
    },
];

/// A pharmacy (dispensing, receiving or dose pharmacy). GLN built with the GS1 check digit.
#[derive(Debug, Clone, Copy)]
pub struct Pharmacy {
    pub name: &'static str,
    /// First 12 digits of the GLN; the check digit is computed.
    pub gln12: &'static str,
    pub street: &'static str,
    pub postal_code: &'static str,
    pub city: &'static str,
    pub phone: &'static str,
}

pub static PHARMACIES: &[Pharmacy] = &[
    /* 0 */
    Pharmacy {
        name: "Apotek Kronan Centrum",
        gln12: "735001234501",
        street: "Drottninggatan 45",
        postal_code: "111 21",
        city: "Stockholm",
        phone: "0771-61 00 01",
    },
    /* 1 */
    Pharmacy {
        name: "Apotek Kronan Nordstan",
        gln12: "735001234502",
        street: "Nordstadstorget 6",
        postal_code: "411 05",
        city: "Göteborg",
        phone: "0771-61 00 02",
    },
    /* 2 */
    Pharmacy {
        name: "Apoteket Svanen",
        gln12: "735000411203",
        street: "Kungsgatan 52",
        postal_code: "753 21",
        city: "Uppsala",
        phone: "0771-45 04 50",
    },
    /* 3 */
    Pharmacy {
        name: "Apotek Hjärtat Kiruna",
        gln12: "735000911704",
        street: "Föreningsgatan 13",
        postal_code: "981 31",
        city: "Kiruna",
        phone: "0771-40 54 05",
    },
    /* 4 */
    Pharmacy {
        name: "Apoteket Ugglan",
        gln12: "735000411805",
        street: "Storgatan 27",
        postal_code: "972 38",
        city: "Luleå",
        phone: "0771-45 04 51",
    },
    /* 5 */
    Pharmacy {
        name: "Lloyds Apotek Mobilia",
        gln12: "735000722306",
        street: "Per Albin Hanssons väg 40",
        postal_code: "214 32",
        city: "Malmö",
        phone: "0771-58 00 00",
    },
    /* 6 */
    Pharmacy {
        name: "Apotek Hjärtat Erikslund",
        gln12: "735000911807",
        street: "Hallsta Gårdsgata 7",
        postal_code: "721 38",
        city: "Västerås",
        phone: "0771-40 54 06",
    },
    /* 7 */
    Pharmacy {
        name: "Kronans Apotek Vivalla",
        gln12: "735001234508",
        street: "Vivallatorget 4",
        postal_code: "703 75",
        city: "Örebro",
        phone: "0771-61 00 08",
    },
    /* 8 */
    Pharmacy {
        name: "Apoteket Lejonet",
        gln12: "735000412009",
        street: "Drottninggatan 28",
        postal_code: "602 24",
        city: "Norrköping",
        phone: "0771-45 04 52",
    },
    /* 9 */
    Pharmacy {
        name: "Apoteket AB Dosapoteket Malmö",
        gln12: "735000400010",
        street: "Agnesfridsvägen 186",
        postal_code: "213 75",
        city: "Malmö",
        phone: "040-691 20 00",
    },
    /* 10 */
    Pharmacy {
        name: "Apotea.se",
        gln12: "735000911911",
        street: "Box 2024",
        postal_code: "125 02",
        city: "Älvsjö",
        phone: "010-201 10 00",
    },
    /* 11 */
    Pharmacy {
        name: "Apoteket Kärnan",
        gln12: "735000412112",
        street: "Storgatan 14",
        postal_code: "831 30",
        city: "Östersund",
        phone: "0771-45 04 53",
    },
];

/// Benefit texts (förmån) on prescriptions.
pub const BENEFIT_WITH: &str = "med förmån";
pub const BENEFIT_WITHOUT: &str = "utan förmån";
pub const BENEFIT_FREE_CHILD: &str = "kostnadsfri för barn och unga under 18 år";

/// Reasons printed on credited dispenses.
pub static CREDIT_COMMENTS: &[&str] = &[
    "Fel vara expedierad, krediterad",
    "Kunden ångrade köpet",
    "Felaktigt antal förpackningar",
];
