//! The log as CSV for the access review in a spreadsheet.

use super::LogEntry;

const HEADER: [&str; 30] = [
    "id",
    "uuid",
    "time",
    "gln",
    "workstation",
    "app_version",
    "kind",
    "kind_text",
    "user",
    "role",
    "flow",
    "purpose",
    "access",
    "resource",
    "patient_ref",
    "protected",
    "request_id",
    "context_id",
    "outcome",
    "http_status",
    "nll_code",
    "field_key",
    "mode",
    "printer",
    "pages",
    "copies",
    "masked",
    "detail",
    "prev_hash",
    "hash",
];

/// CSV (RFC 4180, comma, CRLF) with a header row; every stored field, and the kind in words
/// as well (`kind_text`). A cell starting with `=`, `+`, `-` or `@` gets a leading `'` so a
/// spreadsheet does not run it.
pub fn to_csv(rows: &[LogEntry]) -> String {
    let mut out = HEADER.join(",");
    out.push_str("\r\n");
    let opt = |s: &Option<String>| s.clone().unwrap_or_default();
    let num = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
    let yes_no = |b: Option<bool>| match b {
        Some(true) => "ja".to_string(),
        Some(false) => "nej".to_string(),
        None => String::new(),
    };
    for r in rows {
        let e = &r.entry;
        let cells: [String; 30] = [
            r.id.to_string(),
            r.uuid.clone(),
            r.time.clone(),
            opt(&r.gln),
            r.workstation.clone(),
            opt(&r.app_version),
            e.kind.as_str().to_string(),
            e.kind.label_sv().to_string(),
            e.user.clone(),
            e.role.clone(),
            e.flow.clone(),
            e.purpose.clone(),
            e.access.clone(),
            opt(&e.resource),
            opt(&e.patient_ref),
            yes_no(e.protected),
            opt(&e.request_id),
            e.context_id.clone(),
            e.outcome.clone(),
            num(e.http_status.map(u32::from)),
            opt(&e.nll_code),
            opt(&e.field_key),
            opt(&e.mode),
            opt(&e.printer),
            num(e.pages),
            num(e.copies),
            yes_no(e.masked),
            opt(&e.detail),
            r.prev_hash.clone(),
            r.hash.clone(),
        ];
        out.push_str(
            &cells
                .iter()
                .map(|c| csv_cell(c))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push_str("\r\n");
    }
    out
}

/// One CSV cell. A cell a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, and a
/// leading TAB or CR, which some spreadsheets skip before reading one) gets a leading `'`.
pub fn csv_cell(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::csv_cell;

    #[test]
    fn cells_a_spreadsheet_would_run_are_defused() {
        for (cell, defused) in [
            ("\t=1+1", "'\t=1+1"),
            ("\r=1+1", "\"'\r=1+1\""),
            ("-2", "'-2"),
            ("Apotek", "Apotek"),
        ] {
            assert_eq!(csv_cell(cell), defused, "{cell:?}");
        }
    }
}
