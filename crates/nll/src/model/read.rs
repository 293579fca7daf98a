//! Reading helpers: typed access to JSON elements that names the resource and element on error,
//! FHIR extensions, dates in Swedish time, decimals as text.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc, Weekday};
use serde_json::{Map, Value};

use super::ModelError;

pub(crate) type Res<T> = Result<T, ModelError>;

/// Reads one resource; knows its label ("MedicationRequest/7c1…") for error messages.
#[derive(Debug, Clone, Default)]
pub(crate) struct Reader {
    pub label: String,
}

/// Joins an element path: `join("dispenseRequest", "quantity")` = `dispenseRequest.quantity`.
pub(crate) fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

/// The short name of an extension URL (the part after the last `/`), for element paths.
pub(crate) fn short(url: &str) -> &str {
    url.rsplit('/').next().unwrap_or(url)
}

impl Reader {
    pub fn for_resource(v: &Value, fallback_type: &str) -> Reader {
        let rt = v
            .get("resourceType")
            .and_then(Value::as_str)
            .unwrap_or(fallback_type);
        let label = match v.get("id").and_then(Value::as_str) {
            Some(id) => format!("{rt}/{id}"),
            None => rt.to_string(),
        };
        Reader { label }
    }

    pub fn err(&self, element: &str, problem: impl Into<String>) -> ModelError {
        ModelError::Malformed {
            resource: self.label.clone(),
            element: element.to_string(),
            problem: problem.into(),
        }
    }

    pub fn obj<'a>(&self, v: &'a Value, path: &str) -> Res<&'a Map<String, Value>> {
        v.as_object()
            .ok_or_else(|| self.err(path_or_root(path), "not a JSON object"))
    }

    /// An optional object member; `null` counts as absent.
    pub fn get<'a>(&self, v: &'a Value, key: &str) -> Option<&'a Value> {
        v.get(key).filter(|x| !x.is_null())
    }

    pub fn opt_obj<'a>(&self, v: &'a Value, key: &str, prefix: &str) -> Res<Option<&'a Value>> {
        match self.get(v, key) {
            None => Ok(None),
            Some(x) if x.is_object() => Ok(Some(x)),
            Some(_) => Err(self.err(&join(prefix, key), "not a JSON object")),
        }
    }

    pub fn array<'a>(&self, v: &'a Value, key: &str, prefix: &str) -> Res<&'a [Value]> {
        match self.get(v, key) {
            None => Ok(&[]),
            Some(Value::Array(a)) => Ok(a),
            Some(_) => Err(self.err(&join(prefix, key), "not a JSON array")),
        }
    }

    pub fn opt_str(&self, v: &Value, key: &str, prefix: &str) -> Res<Option<String>> {
        match self.get(v, key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(self.err(&join(prefix, key), "not a string")),
        }
    }

    pub fn req_str(&self, v: &Value, key: &str, prefix: &str) -> Res<String> {
        self.opt_str(v, key, prefix)?
            .ok_or_else(|| self.err(&join(prefix, key), "missing"))
    }

    pub fn opt_bool(&self, v: &Value, key: &str, prefix: &str) -> Res<Option<bool>> {
        match self.get(v, key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(self.err(&join(prefix, key), "not a boolean")),
        }
    }

    pub fn opt_u32(&self, v: &Value, key: &str, prefix: &str) -> Res<Option<u32>> {
        match self.get(v, key) {
            None => Ok(None),
            Some(Value::Number(n)) => n
                .as_u64()
                .and_then(|x| u32::try_from(x).ok())
                .map(Some)
                .ok_or_else(|| self.err(&join(prefix, key), "not a non-negative integer")),
            Some(_) => Err(self.err(&join(prefix, key), "not a number")),
        }
    }

    pub fn opt_i64(&self, v: &Value, key: &str, prefix: &str) -> Res<Option<i64>> {
        match self.get(v, key) {
            None => Ok(None),
            Some(Value::Number(n)) => n
                .as_i64()
                .map(Some)
                .ok_or_else(|| self.err(&join(prefix, key), "not an integer")),
            Some(_) => Err(self.err(&join(prefix, key), "not a number")),
        }
    }

    /// A FHIR decimal as its exact text (`1.50` stays `1.50`).
    pub fn opt_decimal(&self, v: &Value, key: &str, prefix: &str) -> Res<Option<String>> {
        match self.get(v, key) {
            None => Ok(None),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(_) => Err(self.err(&join(prefix, key), "not a decimal number")),
        }
    }

    /// A FHIR date, dateTime or instant, as a Swedish calendar date (see [`fhir_date`]).
    pub fn opt_date(&self, v: &Value, key: &str, prefix: &str) -> Res<Option<NaiveDate>> {
        match self.opt_str(v, key, prefix)? {
            None => Ok(None),
            Some(s) => fhir_date(&s).map_err(|p| self.err(&join(prefix, key), p)),
        }
    }

    /// `extension[]` of an element, each with its `url`.
    pub fn extensions<'a>(&self, v: &'a Value, prefix: &str) -> Res<Vec<Ext<'a>>> {
        let mut out = Vec::new();
        for (i, e) in self.array(v, "extension", prefix)?.iter().enumerate() {
            let url = self.ext_url(e, prefix, i)?;
            out.push(Ext::new(e, url, prefix));
        }
        Ok(out)
    }

    /// The first extension with this url. Every extension is checked, as in `extensions`, but
    /// only the one found is built: elements carry many extensions and are read once per url.
    pub fn ext<'a>(&self, v: &'a Value, url: &str, prefix: &str) -> Res<Option<Ext<'a>>> {
        let mut found = None;
        for (i, e) in self.array(v, "extension", prefix)?.iter().enumerate() {
            let u = self.ext_url(e, prefix, i)?;
            if found.is_none() && u == url {
                found = Some(Ext::new(e, u, prefix));
            }
        }
        Ok(found)
    }

    /// An extension's `url`; the error names `prefix.extension[i]`.
    fn ext_url<'a>(&self, e: &'a Value, prefix: &str, i: usize) -> Res<&'a str> {
        let here = || format!("{}[{i}]", join(prefix, "extension"));
        if !e.is_object() {
            return Err(self.err(&here(), "not a JSON object"));
        }
        match e.get("url") {
            Some(Value::String(u)) => Ok(u.as_str()),
            _ => Err(self.err(&here(), "extension without a url")),
        }
    }

    /// An extension's value read as text (see the module doc for the value[x] types accepted).
    pub fn ext_text(&self, e: &Ext<'_>) -> Res<Option<String>> {
        for key in [
            "valueString",
            "valueCode",
            "valueId",
            "valueUri",
            "valueMarkdown",
        ] {
            if self.get(e.v, key).is_some() {
                return self.opt_str(e.v, key, &e.path);
            }
        }
        for key in [
            "valueInteger",
            "valuePositiveInt",
            "valueUnsignedInt",
            "valueDecimal",
        ] {
            if self.get(e.v, key).is_some() {
                return self.opt_decimal(e.v, key, &e.path);
            }
        }
        if let Some(id) = self.opt_obj(e.v, "valueIdentifier", &e.path)? {
            return self.opt_str(id, "value", &join(&e.path, "valueIdentifier"));
        }
        if let Some(c) = self.opt_obj(e.v, "valueCoding", &e.path)? {
            return self.opt_str(c, "code", &join(&e.path, "valueCoding"));
        }
        if let Some(c) = self.opt_obj(e.v, "valueCodeableConcept", &e.path)? {
            let p = join(&e.path, "valueCodeableConcept");
            if let Some(first) = self.array(c, "coding", &p)?.first() {
                if let Some(code) = self.opt_str(first, "code", &join(&p, "coding[0]"))? {
                    return Ok(Some(code));
                }
            }
            return self.opt_str(c, "text", &p);
        }
        Ok(None)
    }

    pub fn ext_bool(&self, e: &Ext<'_>) -> Res<Option<bool>> {
        self.opt_bool(e.v, "valueBoolean", &e.path)
    }

    pub fn ext_u32(&self, e: &Ext<'_>) -> Res<Option<u32>> {
        for key in ["valuePositiveInt", "valueUnsignedInt", "valueInteger"] {
            if self.get(e.v, key).is_some() {
                return self.opt_u32(e.v, key, &e.path);
            }
        }
        Ok(None)
    }

    pub fn ext_i64(&self, e: &Ext<'_>) -> Res<Option<i64>> {
        for key in ["valueInteger", "valuePositiveInt", "valueUnsignedInt"] {
            if self.get(e.v, key).is_some() {
                return self.opt_i64(e.v, key, &e.path);
            }
        }
        Ok(None)
    }

    pub fn ext_decimal(&self, e: &Ext<'_>) -> Res<Option<String>> {
        for key in [
            "valueDecimal",
            "valueInteger",
            "valuePositiveInt",
            "valueUnsignedInt",
        ] {
            if self.get(e.v, key).is_some() {
                return self.opt_decimal(e.v, key, &e.path);
            }
        }
        self.opt_str(e.v, "valueString", &e.path)
    }

    pub fn ext_date(&self, e: &Ext<'_>) -> Res<Option<NaiveDate>> {
        for key in ["valueDate", "valueDateTime", "valueInstant"] {
            if self.get(e.v, key).is_some() {
                return self.opt_date(e.v, key, &e.path);
            }
        }
        Ok(None)
    }

    /// Boolean extension by url on an element: `None` when absent.
    pub fn flag(&self, v: &Value, url: &str, prefix: &str) -> Res<Option<bool>> {
        match self.ext(v, url, prefix)? {
            Some(e) => self.ext_bool(&e),
            None => Ok(None),
        }
    }

    /// Text extension by url on an element.
    pub fn text_ext(&self, v: &Value, url: &str, prefix: &str) -> Res<Option<String>> {
        match self.ext(v, url, prefix)? {
            Some(e) => self.ext_text(&e),
            None => Ok(None),
        }
    }

    /// A FHIR Address (`line[]`, `postalCode`, `city`, else `text`) as one line (see
    /// [`address_line`]).
    pub fn address(&self, a: &Value, path: &str) -> Res<Option<String>> {
        self.obj(a, path)?;
        let mut lines = Vec::new();
        for (i, l) in self.array(a, "line", path)?.iter().enumerate() {
            match l.as_str() {
                Some(s) => lines.push(s),
                None => {
                    return Err(self.err(&format!("{}[{i}]", join(path, "line")), "not a string"))
                }
            }
        }
        let postal_code = self.opt_str(a, "postalCode", path)?;
        let city = self.opt_str(a, "city", path)?;
        let text = self.opt_str(a, "text", path)?;
        Ok(address_line(
            lines,
            postal_code.as_deref(),
            city.as_deref(),
            text,
        ))
    }

    /// `address` element that may be one Address or an array of them (first one read).
    pub fn first_address(&self, v: &Value, key: &str, prefix: &str) -> Res<Option<String>> {
        match self.get(v, key) {
            None => Ok(None),
            Some(Value::Array(a)) => match a.first() {
                Some(first) => self.address(first, &format!("{}[0]", join(prefix, key))),
                None => Ok(None),
            },
            Some(obj @ Value::Object(_)) => self.address(obj, &join(prefix, key)),
            Some(_) => Err(self.err(&join(prefix, key), "not an Address")),
        }
    }

    /// The first `telecom` value of a system (`phone`, `email`).
    pub fn telecom(&self, v: &Value, system: &str, prefix: &str) -> Res<Option<String>> {
        for (i, t) in self.array(v, "telecom", prefix)?.iter().enumerate() {
            let p = format!("{}[{i}]", join(prefix, "telecom"));
            self.obj(t, &p)?;
            if self.opt_str(t, "system", &p)?.as_deref() == Some(system) {
                if let Some(value) = self.opt_str(t, "value", &p)? {
                    return Ok(Some(value));
                }
            }
        }
        Ok(None)
    }

    /// `name[0]`: `text`, else given names and family joined; also the parts.
    pub fn human_name(&self, v: &Value, prefix: &str) -> Res<Option<HumanName>> {
        let names = self.array(v, "name", prefix)?;
        let Some(n) = names.first() else {
            return Ok(None);
        };
        let p = format!("{}[0]", join(prefix, "name"));
        self.obj(n, &p)?;
        let text = self.opt_str(n, "text", &p)?;
        let family = self.opt_str(n, "family", &p)?;
        let mut given = Vec::new();
        for (i, g) in self.array(n, "given", &p)?.iter().enumerate() {
            match g.as_str() {
                Some(s) => given.push(s.to_string()),
                None => {
                    return Err(self.err(&format!("{}[{i}]", join(&p, "given")), "not a string"))
                }
            }
        }
        let Some(display) = name_text(text, &given, family.as_deref()) else {
            return Ok(None);
        };
        Ok(Some(HumanName {
            text: display,
            family,
            given,
        }))
    }

    /// All codings of a CodeableConcept element.
    pub fn codings(&self, cc: &Value, path: &str) -> Res<Vec<super::Coding>> {
        let mut out = Vec::new();
        for (i, c) in self.array(cc, "coding", path)?.iter().enumerate() {
            let p = format!("{}[{i}]", join(path, "coding"));
            self.obj(c, &p)?;
            out.push(super::Coding {
                system: self.opt_str(c, "system", &p)?,
                code: self.opt_str(c, "code", &p)?,
                display: self.opt_str(c, "display", &p)?,
            });
        }
        Ok(out)
    }

    /// `reference` of a Reference element.
    pub fn reference(&self, v: &Value, key: &str, prefix: &str) -> Res<Option<String>> {
        match self.opt_obj(v, key, prefix)? {
            Some(r) => self.opt_str(r, "reference", &join(prefix, key)),
            None => Ok(None),
        }
    }

    /// `text` of every `dosageInstruction[]`, joined (see [`dosage_line`]).
    pub fn dosage_text(&self, v: &Value, prefix: &str) -> Res<Option<String>> {
        let mut texts = Vec::new();
        for (i, d) in self
            .array(v, "dosageInstruction", prefix)?
            .iter()
            .enumerate()
        {
            let p = format!("{}[{i}]", join(prefix, "dosageInstruction"));
            self.obj(d, &p)?;
            texts.push(self.opt_str(d, "text", &p)?);
        }
        Ok(dosage_line(texts))
    }

    /// `meta.profile[]`.
    pub fn profiles(&self, v: &Value) -> Res<Vec<String>> {
        let Some(meta) = self.opt_obj(v, "meta", "")? else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for (i, p) in self.array(meta, "profile", "meta")?.iter().enumerate() {
            match p.as_str() {
                Some(s) => out.push(s.to_string()),
                None => return Err(self.err(&format!("meta.profile[{i}]"), "not a string")),
            }
        }
        Ok(out)
    }

    /// `meta.versionId`.
    pub fn version_id(&self, v: &Value) -> Res<Option<String>> {
        match self.opt_obj(v, "meta", "")? {
            Some(meta) => self.opt_str(meta, "versionId", "meta"),
            None => Ok(None),
        }
    }
}

/// An address as one line: "Storgatan 1, 123 45 Stockholm" (blank lines left out); `text` when
/// there is neither a line nor a postal code or city.
pub(crate) fn address_line<'s>(
    lines: impl IntoIterator<Item = &'s str>,
    postal_code: Option<&str>,
    city: Option<&str>,
    text: Option<String>,
) -> Option<String> {
    let mut parts: Vec<String> = lines
        .into_iter()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let town: Vec<&str> = [postal_code, city]
        .into_iter()
        .flatten()
        .filter(|s| !s.trim().is_empty())
        .collect();
    if !town.is_empty() {
        parts.push(town.join(" "));
    }
    if parts.is_empty() {
        return text;
    }
    Some(parts.join(", "))
}

/// A name as shown: `text`, else the given names and the family name.
pub(crate) fn name_text(
    text: Option<String>,
    given: &[String],
    family: Option<&str>,
) -> Option<String> {
    match text {
        Some(t) if !t.trim().is_empty() => Some(t),
        _ => {
            let joined = given
                .iter()
                .map(String::as_str)
                .chain(family)
                .collect::<Vec<_>>()
                .join(" ");
            (!joined.is_empty()).then_some(joined)
        }
    }
}

/// Every `dosageInstruction[].text` that says something, joined with "; ".
pub(crate) fn dosage_line(texts: impl IntoIterator<Item = Option<String>>) -> Option<String> {
    let parts: Vec<String> = texts
        .into_iter()
        .flatten()
        .filter(|t| !t.trim().is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join("; "))
}

fn path_or_root(path: &str) -> &str {
    if path.is_empty() {
        "(resource)"
    } else {
        path
    }
}

/// A person's name as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HumanName {
    pub text: String,
    pub family: Option<String>,
    pub given: Vec<String>,
}

/// A complex extension in a resource, with its element path for errors.
#[derive(Debug, Clone)]
pub(crate) struct Ext<'a> {
    pub url: &'a str,
    pub v: &'a Value,
    /// `extension[<short name>]` under its element, for error messages.
    pub path: String,
}

impl<'a> Ext<'a> {
    fn new(v: &'a Value, url: &'a str, prefix: &str) -> Ext<'a> {
        Ext {
            url,
            v,
            path: format!("{}[{}]", join(prefix, "extension"), short(url)),
        }
    }
}

/// Parses a FHIR `date`, `dateTime` or `instant` into a Swedish calendar date.
///
/// Partial dates (`2024`, `2024-05`) are valid FHIR but name no day: `Ok(None)`. A time with an
/// offset is converted to Swedish local time first, so the date is the one on the receipt.
pub fn fhir_date(text: &str) -> Result<Option<NaiveDate>, String> {
    let t = text.trim();
    let bad = || format!("not a FHIR date or dateTime: {t:?}");
    if t.contains('T') {
        if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
            return Ok(Some(stockholm_date(dt.with_timezone(&Utc))));
        }
        // Without an offset (not valid FHIR, but seen): the time is taken as local.
        for fmt in [
            "%Y-%m-%dT%H:%M:%S%.f",
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%dT%H:%M",
        ] {
            if let Ok(ndt) = NaiveDateTime::parse_from_str(t, fmt) {
                return Ok(Some(ndt.date()));
            }
        }
        return Err(bad());
    }
    match t.len() {
        4 if t.bytes().all(|b| b.is_ascii_digit()) => Ok(None),
        7 => NaiveDate::parse_from_str(&format!("{t}-01"), "%Y-%m-%d")
            .map(|_| None)
            .map_err(|_| bad()),
        10 => NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| bad()),
        _ => Err(bad()),
    }
}

/// The calendar date in Sweden (CET, CEST from the last Sunday of March 01:00 UTC to the last
/// Sunday of October 01:00 UTC — the EU rule in force since 1996).
pub fn stockholm_date(utc: DateTime<Utc>) -> NaiveDate {
    let year = utc.year();
    let start = last_sunday_0100_utc(year, 3);
    let end = last_sunday_0100_utc(year, 10);
    let offset_hours = if utc >= start && utc < end { 2 } else { 1 };
    (utc + Duration::hours(offset_hours)).date_naive()
}

fn last_sunday_0100_utc(year: i32, month: u32) -> DateTime<Utc> {
    let mut d = NaiveDate::from_ymd_opt(year, month + 1, 1)
        .and_then(|x| x.pred_opt())
        .unwrap_or(NaiveDate::MIN);
    while d.weekday() != Weekday::Sun {
        d = d.pred_opt().unwrap_or(d);
    }
    Utc.from_utc_datetime(&d.and_hms_opt(1, 0, 0).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn dates_and_swedish_time() {
        assert_eq!(fhir_date("2024-05-02"), Ok(Some(d(2024, 5, 2))));
        assert_eq!(fhir_date("2024"), Ok(None));
        assert_eq!(fhir_date("2024-05"), Ok(None));
        assert!(fhir_date("2024-13").is_err());
        assert!(fhir_date("2024-02-30").is_err());
        assert!(fhir_date("igår").is_err());
        // Summer: 22:30Z is 00:30 CEST the next day.
        assert_eq!(fhir_date("2024-05-02T22:30:00Z"), Ok(Some(d(2024, 5, 3))));
        assert_eq!(fhir_date("2024-05-02T21:59:59Z"), Ok(Some(d(2024, 5, 2))));
        // Winter: 23:00Z is 00:00 CET the next day; 22:59Z still the same day.
        assert_eq!(fhir_date("2024-01-15T23:00:00Z"), Ok(Some(d(2024, 1, 16))));
        assert_eq!(fhir_date("2024-01-15T22:59:00Z"), Ok(Some(d(2024, 1, 15))));
        // An explicit Swedish offset keeps its own date.
        assert_eq!(
            fhir_date("2024-05-02T23:30:00+02:00"),
            Ok(Some(d(2024, 5, 2)))
        );
        // DST switch 2024: 31 March 01:00 UTC; 27 October 01:00 UTC.
        assert_eq!(fhir_date("2024-03-30T23:30:00Z"), Ok(Some(d(2024, 3, 31))));
        assert_eq!(fhir_date("2024-10-26T22:30:00Z"), Ok(Some(d(2024, 10, 27))));
        assert_eq!(fhir_date("2024-10-27T22:30:00Z"), Ok(Some(d(2024, 10, 27))));
    }
}
