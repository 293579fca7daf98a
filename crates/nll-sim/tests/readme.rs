//! The README's table of test patients (and of guardians and agents) matches the catalogue.
//! On a mismatch the test prints the table as the catalogue has it, ready to paste.

use chrono::NaiveDate;
use nll_sim::Catalogue;

fn readme() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md");
    std::fs::read_to_string(path).expect("README.md at the workspace root")
}

/// Data rows of the Markdown table between `<!-- NAME -->` and `<!-- /NAME -->`.
fn table(text: &str, name: &str) -> Vec<Vec<String>> {
    let start = text
        .find(&format!("<!-- {name} -->"))
        .unwrap_or_else(|| panic!("README has no <!-- {name} --> marker"));
    let end = text
        .find(&format!("<!-- /{name} -->"))
        .unwrap_or_else(|| panic!("README has no <!-- /{name} --> marker"));
    text[start..end]
        .lines()
        .filter(|l| l.trim_start().starts_with('|'))
        .skip(2) // header and separator
        .map(|l| {
            let inner = l.trim().trim_start_matches('|').trim_end_matches('|');
            inner
                .split(" | ")
                .map(|c| c.trim().trim_matches('`').to_string())
                .collect()
        })
        .collect()
}

fn display(pnr: &str) -> String {
    format!("{}-{}", &pnr[..8], &pnr[8..])
}

fn expected_patients(cat: &Catalogue) -> String {
    let mut s = String::from("| key | personnummer | name | demonstrates |\n|---|---|---|---|\n");
    for p in cat.patients() {
        s += &format!(
            "| `{}` | {} | {} | {} |\n",
            p.key,
            display(&p.pnr),
            p.nll_name().1,
            p.demonstrates
        );
    }
    s
}

fn expected_related(cat: &Catalogue) -> String {
    let mut s = String::from("| personnummer | name | role | patient |\n|---|---|---|---|\n");
    for (person, role, p) in cat.related_people() {
        s += &format!(
            "| {} | {} | {} | `{}` |\n",
            display(&person.pnr),
            person.name(),
            role,
            p.key
        );
    }
    s
}

/// A valid 12-digit number as `nll::ids` reads it (check digit, real date).
fn luhn_ok(pnr12: &str) -> bool {
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    nll::ids::PersonId::parse(pnr12, today).is_ok_and(|p| p.twelve() == pnr12)
}

#[test]
fn readme_table_of_test_patients_matches_the_catalogue() {
    // Personnummer, names and texts do not depend on the seed or the date.
    let cat = Catalogue::new(1, NaiveDate::from_ymd_opt(2026, 11, 22).unwrap());
    let text = readme();
    let rows = table(&text, "sim:patients");
    let hint = format!(
        "README table out of date; the catalogue says:\n\n{}",
        expected_patients(&cat)
    );
    assert_eq!(rows.len(), cat.patients().len(), "{hint}");
    for row in &rows {
        assert_eq!(row.len(), 4, "{row:?}\n{hint}");
        let p = cat
            .by_key(&row[0])
            .unwrap_or_else(|| panic!("no test patient {}\n{hint}", row[0]));
        let pnr = row[1].replace('-', "");
        assert_eq!(pnr, p.pnr, "{}\n{hint}", p.key);
        assert!(luhn_ok(&pnr), "{pnr}: check digit");
        assert_eq!(row[2], p.nll_name().1, "{}\n{hint}", p.key);
        assert_eq!(row[3], p.demonstrates, "{}\n{hint}", p.key);
    }

    let rows = table(&text, "sim:related");
    let related = cat.related_people();
    let hint = format!(
        "README table out of date; the catalogue says:\n\n{}",
        expected_related(&cat)
    );
    assert_eq!(rows.len(), related.len(), "{hint}");
    for (row, (person, role, p)) in rows.iter().zip(&related) {
        assert_eq!(row[0].replace('-', ""), person.pnr, "{hint}");
        assert!(luhn_ok(&person.pnr));
        assert_eq!(row[1], person.name(), "{hint}");
        assert_eq!(row[2], *role, "{hint}");
        assert_eq!(row[3], p.key, "{hint}");
    }
}
