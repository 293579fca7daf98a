//! The review as one self-contained HTML file in Swedish — no scripts, no network, inline SVG
//! charts, laid out to print on A4 — and the findings as CSV for a spreadsheet.

use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::NaiveDate;

use crate::rules::{Finding, Review, ReviewConfig, Severity};

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const STYLE: &str = r#"
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #1b1f24;
       margin: 0 auto; max-width: 186mm; font-size: 10pt; line-height: 1.35; }
h1 { font-size: 18pt; margin: 0 0 2mm; }
h2 { font-size: 13pt; margin: 7mm 0 2mm; border-bottom: 1px solid #c8ced6; padding-bottom: 1mm; }
h3 { font-size: 11pt; margin: 5mm 0 1mm; }
p.lead { color: #4a5563; margin: 0 0 4mm; }
.cards { display: flex; gap: 3mm; flex-wrap: wrap; }
.card { border: 1px solid #c8ced6; border-radius: 2mm; padding: 2mm 3mm; min-width: 34mm; }
.card b { display: block; font-size: 15pt; }
table { border-collapse: collapse; width: 100%; margin: 1mm 0 3mm; }
th, td { text-align: left; vertical-align: top; padding: 1mm 1.5mm; border-bottom: 1px solid #e1e5ea; }
th { background: #f1f3f6; font-weight: 600; }
tr { break-inside: avoid; }
.sev { display: inline-block; padding: 0 2mm; border-radius: 1mm; font-weight: 600; }
.sev-hög { background: #fde2e1; color: #8a1c17; }
.sev-medel { background: #fff1cc; color: #6b4e00; }
.sev-låg { background: #e3efff; color: #1d4f91; }
.rows { font-family: "DejaVu Sans Mono", monospace; font-size: 7pt; color: #4a5563; word-break: break-all; }
.rule { break-inside: avoid-page; }
.explain { color: #4a5563; margin: 0 0 1mm; }
svg { display: block; max-width: 100%; height: auto; }
svg text { font-family: inherit; }
.none { color: #2d6a36; font-weight: 600; }
footer { margin-top: 8mm; color: #6b7280; font-size: 8pt; }
"#;

/// The HTML report.
pub fn html(review: &Review, cfg: &ReviewConfig, generated: &str) -> String {
    let mut h = String::with_capacity(64 * 1024);
    let scope = match &review.gln {
        Some(g) => format!("apotek {}", esc(g)),
        None => "hela kedjan".to_string(),
    };
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"sv\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\
         <title>Åtkomstkontroll {} – {}</title><style>{STYLE}</style></head><body>\
         <h1>Åtkomstkontroll</h1><p class=\"lead\">Granskning av åtkomstloggen för {scope}, \
         {} till och med {}. Skapad {}.</p>",
        review.period_from,
        review.period_through,
        review.period_from,
        review.period_through,
        esc(generated)
    );
    let by_sev = |s: Severity| review.findings.iter().filter(|f| f.severity == s).count();
    let _ = write!(
        h,
        "<div class=\"cards\">\
         <div class=\"card\"><b>{}</b>loggrader</div>\
         <div class=\"card\"><b>{}</b>slagningar</div>\
         <div class=\"card\"><b>{}</b>användare</div>\
         <div class=\"card\"><b>{}</b>fynd, varav {} hög</div></div>",
        thousands(review.rows),
        thousands(review.lookups),
        review.users,
        review.findings.len(),
        by_sev(Severity::High)
    );
    h.push_str("<h2>Slagningar per dag</h2>");
    h.push_str(&chain_chart(review));
    h.push_str("<h3>Per apotek</h3>");
    h.push_str(&pharmacy_heatmap(review));
    h.push_str("<h2>Fynd per regel</h2>");
    h.push_str(&findings_summary(review, cfg));
    h.push_str("<h2>Fynden</h2>");
    if review.findings.is_empty() {
        h.push_str("<p class=\"none\">Inga fynd under perioden.</p>");
    }
    let mut by_rule: BTreeMap<(Severity, &str), Vec<&Finding>> = BTreeMap::new();
    for f in &review.findings {
        by_rule.entry((f.severity, &f.rule)).or_default().push(f);
    }
    for ((sev, rule), list) in by_rule {
        let rc = cfg.rule(rule);
        let _ = write!(
            h,
            "<section class=\"rule\"><h3>{} <span class=\"sev sev-{}\">{}</span></h3>\
             <p class=\"explain\">{}</p><table><thead><tr><th>Användare</th><th>Apotek</th>\
             <th>Dag</th><th>Patient</th><th>Vad</th></tr></thead><tbody>",
            esc(&rc.title),
            sev.label(),
            sev.label(),
            esc(&rc.explanation)
        );
        for f in list {
            let ids = f
                .rows
                .iter()
                .map(|u| u.to_string())
                .collect::<Vec<_>>()
                .join(" ");
            let more = if f.row_count > f.rows.len() {
                format!(" … och {} till", f.row_count - f.rows.len())
            } else {
                String::new()
            };
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}\
                 <div class=\"rows\">{} rader: {}{}</div></td></tr>",
                esc(f.user.as_deref().unwrap_or("–")),
                esc(f.gln.as_deref().unwrap_or("–")),
                f.day.map(|d| d.to_string()).unwrap_or_else(|| "–".into()),
                esc(f.patient_ref.as_deref().unwrap_or("–")),
                esc(&f.what),
                f.row_count,
                ids,
                more
            );
        }
        h.push_str("</tbody></table></section>");
    }
    if !review.not_run.is_empty() {
        h.push_str("<h3>Regler som inte kördes, eller inte på alla rader</h3><ul>");
        for (rule, why) in &review.not_run {
            let title = cfg
                .rules
                .get(rule)
                .map(|r| r.title.as_str())
                .unwrap_or(rule);
            let _ = write!(h, "<li>{}: {}</li>", esc(title), esc(why));
        }
        h.push_str("</ul>");
    }
    let _ = write!(
        h,
        "<h2>Stickprov för manuell granskning</h2><p>{}</p><table><thead><tr><th>Användare</th>\
         <th>Tid (UTC)</th><th>Apotek</th><th>Ärende</th><th>Patient</th><th>Rad</th></tr>\
         </thead><tbody>",
        esc(&review.sample_how)
    );
    for s in &review.sample {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"rows\">{}</td></tr>",
            esc(&s.user),
            s.time.format("%Y-%m-%d %H:%M"),
            esc(s.gln.as_deref().unwrap_or("–")),
            esc(&s.flow),
            esc(s.patient_ref.as_deref().unwrap_or("–")),
            s.id
        );
    }
    h.push_str(
        "</tbody></table><footer>Receptdisk. Raderna identifieras med sina UUID i kedjans \
         centrala åtkomstlogg; patienter med NLL:s patientreferens, aldrig personnummer.</footer>\
         </body></html>\n",
    );
    h
}

fn thousands(n: i64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('\u{a0}');
        }
        out.push(c);
    }
    out
}

/// Bars: the chain's lookups per day.
fn chain_chart(review: &Review) -> String {
    let mut per_day: BTreeMap<NaiveDate, i64> = BTreeMap::new();
    for d in &review.days {
        *per_day.entry(d.day).or_default() += d.lookups;
    }
    if per_day.is_empty() {
        return "<p>Inga slagningar under perioden.</p>".into();
    }
    let (w, h, left, bottom) = (680.0, 190.0, 48.0, 24.0);
    let max = *per_day.values().max().unwrap_or(&1) as f64;
    let n = per_day.len() as f64;
    let bw = (w - left) / n;
    let mut s = format!(
        "<svg viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" \
         aria-label=\"Kedjans slagningar per dag\">"
    );
    let _ = write!(
        s,
        "<text x=\"0\" y=\"12\" font-size=\"10\" fill=\"#4a5563\">{}</text>\
         <text x=\"0\" y=\"{}\" font-size=\"10\" fill=\"#4a5563\">0</text>\
         <line x1=\"{left}\" y1=\"{}\" x2=\"{w}\" y2=\"{}\" stroke=\"#c8ced6\"/>",
        thousands(max as i64),
        h - bottom,
        h - bottom,
        h - bottom
    );
    for (i, (day, v)) in per_day.iter().enumerate() {
        let bh = (*v as f64 / max) * (h - bottom - 8.0);
        let x = left + i as f64 * bw;
        let _ = write!(
            s,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#2f6db3\"><title>{day}: {v}</title></rect>",
            x + 1.0,
            h - bottom - bh,
            (bw - 2.0).max(1.0),
            bh
        );
        if i == 0 || i + 1 == per_day.len() || (per_day.len() > 10 && i % 7 == 0) {
            let _ = write!(
                s,
                "<text x=\"{:.1}\" y=\"{}\" font-size=\"9\" fill=\"#4a5563\">{}</text>",
                x,
                h - 8.0,
                day.format("%d/%m")
            );
        }
    }
    s.push_str("</svg>");
    s
}

/// A heat map: one row per pharmacy, one column per day, darker for more lookups.
fn pharmacy_heatmap(review: &Review) -> String {
    let days: Vec<NaiveDate> = {
        let mut d: Vec<NaiveDate> = review.days.iter().map(|d| d.day).collect();
        d.sort();
        d.dedup();
        d
    };
    let mut rows: BTreeMap<Option<&str>, BTreeMap<NaiveDate, i64>> = BTreeMap::new();
    for d in &review.days {
        *rows
            .entry(d.gln.as_deref())
            .or_default()
            .entry(d.day)
            .or_default() += d.lookups;
    }
    if rows.is_empty() {
        return String::new();
    }
    let max = rows
        .values()
        .flat_map(|r| r.values())
        .copied()
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let rh: f64 = (560.0 / rows.len() as f64).clamp(1.5, 14.0);
    let labels = rh >= 9.0;
    let left = if labels { 96.0 } else { 8.0 };
    let w = 680.0;
    let cw = (w - left) / days.len().max(1) as f64;
    let h = rh * rows.len() as f64 + 20.0;
    let mut s = format!(
        "<svg viewBox=\"0 0 {w} {h:.1}\" width=\"{w}\" height=\"{h:.0}\" role=\"img\" \
         aria-label=\"Slagningar per apotek och dag\">"
    );
    for (i, (gln, per)) in rows.iter().enumerate() {
        let y = i as f64 * rh;
        if labels {
            let _ = write!(
                s,
                "<text x=\"0\" y=\"{:.1}\" font-size=\"8\" fill=\"#4a5563\">{}</text>",
                y + rh - 2.0,
                esc(gln.unwrap_or("okänt"))
            );
        }
        for (j, day) in days.iter().enumerate() {
            let v = per.get(day).copied().unwrap_or(0);
            let t = v as f64 / max;
            // From light grey-blue to the chart blue.
            let c = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
            let _ = write!(
                s,
                "<rect x=\"{:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#{:02x}{:02x}{:02x}\"><title>{} {day}: {v}</title></rect>",
                left + j as f64 * cw,
                cw,
                (rh - 0.5).max(1.0),
                c(238.0, 31.0),
                c(242.0, 79.0),
                c(247.0, 140.0),
                esc(gln.unwrap_or("okänt"))
            );
        }
    }
    let _ = write!(
        s,
        "<text x=\"{left}\" y=\"{:.1}\" font-size=\"9\" fill=\"#4a5563\">{} apotek · {} dagar · mörkast = {} slagningar</text></svg>",
        h - 5.0,
        rows.len(),
        days.len(),
        max as i64
    );
    s
}

/// Findings by rule and severity: a table with a bar per rule.
fn findings_summary(review: &Review, cfg: &ReviewConfig) -> String {
    let mut counts: Vec<(&str, Severity, usize)> = crate::rules::RULES
        .iter()
        .filter_map(|(id, _)| cfg.rules.get(*id).map(|r| (*id, r)))
        .map(|(id, r)| {
            (
                id,
                r.severity,
                review.findings.iter().filter(|f| f.rule == id).count(),
            )
        })
        .collect();
    counts.sort_by_key(|c| (c.1, std::cmp::Reverse(c.2)));
    let max = counts.iter().map(|c| c.2).max().unwrap_or(0).max(1) as f64;
    let mut s = String::from(
        "<table><thead><tr><th>Regel</th><th>Allvar</th><th>Fynd</th><th style=\"width:40%\"></th></tr></thead><tbody>",
    );
    for (id, sev, n) in counts {
        let width = 200.0 * n as f64 / max;
        let colour = match sev {
            Severity::High => "#c0392b",
            Severity::Medium => "#d39e00",
            Severity::Low => "#2f6db3",
        };
        let _ = write!(
            s,
            "<tr><td>{}</td><td><span class=\"sev sev-{}\">{}</span></td><td>{n}</td>\
             <td><svg viewBox=\"0 0 200 10\" width=\"200\" height=\"10\" aria-hidden=\"true\">\
             <rect width=\"{width:.1}\" height=\"10\" fill=\"{colour}\"/></svg></td></tr>",
            esc(&cfg.rule(id).title),
            sev.label(),
            sev.label()
        );
    }
    s.push_str("</tbody></table>");
    s
}

/// The findings as CSV (comma, CRLF, header row); a cell that a spreadsheet would run as a
/// formula gets a leading `'`.
pub fn csv(review: &Review, cfg: &ReviewConfig) -> String {
    let mut out =
        String::from("regel,titel,allvar,anvandare,apotek,dag,patient,vad,antal_rader,rader\r\n");
    for f in &review.findings {
        let cells = [
            f.rule.clone(),
            cfg.rule(&f.rule).title.clone(),
            f.severity.label().to_string(),
            f.user.clone().unwrap_or_default(),
            f.gln.clone().unwrap_or_default(),
            f.day.map(|d| d.to_string()).unwrap_or_default(),
            f.patient_ref.clone().unwrap_or_default(),
            f.what.clone(),
            f.row_count.to_string(),
            f.rows
                .iter()
                .map(|u| u.to_string())
                .collect::<Vec<_>>()
                .join(" "),
        ];
        out.push_str(
            &cells
                .iter()
                .map(|c| nll_client::access_log::csv_cell(c))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push_str("\r\n");
    }
    out
}
