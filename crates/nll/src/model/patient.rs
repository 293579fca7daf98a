//! NLLPatient (also a contained Patient without personnummer) and NLLRelatedPerson.

use chrono::NaiveDate;
use serde_json::Value;

use super::read::{join, Reader, Res};
use super::{Coding, ModelError, RawJson};
use crate::fhir as F;
use crate::ids::IdKind;

/// The patient's personnummer or samordningsnummer as NLL sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientIdentifier {
    pub system: String,
    /// As sent (12 digits expected; validated by `ids`, not here).
    pub value: String,
    pub kind: IdKind,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Patient {
    /// NLL's logical id (UUID); the local id for a contained Patient.
    pub id: Option<String>,
    pub identifier: Option<PatientIdentifier>,
    /// `meta.security[]`, every coding kept.
    pub security: Vec<Coding>,
    /// `name[0].text`, else given names + family.
    pub name: Option<String>,
    pub family: Option<String>,
    pub given: Vec<String>,
    pub birth_date: Option<NaiveDate>,
    pub gender: Option<String>,
    pub active: Option<bool>,
    pub deceased: bool,
    pub deceased_date: Option<NaiveDate>,
    /// `address[0]` on one line.
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub municipality_code: Option<String>,
    pub region_code: Option<String>,
    pub population_registered: Option<bool>,
    pub raw: RawJson,
}

impl Patient {
    /// Reads it from its JSON tree; `raw` is its JSON text (a range of its page, or the tree
    /// written out: [`Resource::from_value`](super::Resource::from_value)).
    pub(crate) fn read_with_raw(owned: Value, raw: RawJson) -> Result<Patient, ModelError> {
        let v = &owned;
        let r = Reader::for_resource(v, "Patient");
        r.obj(v, "")?;
        let mut security = Vec::new();
        if let Some(meta) = r.opt_obj(v, "meta", "")? {
            for (i, s) in r.array(meta, "security", "meta")?.iter().enumerate() {
                let p = format!("meta.security[{i}]");
                r.obj(s, &p)?;
                security.push(Coding {
                    system: r.opt_str(s, "system", &p)?,
                    code: r.opt_str(s, "code", &p)?,
                    display: r.opt_str(s, "display", &p)?,
                });
            }
        }
        let name = r.human_name(v, "")?;
        let deceased_bool = r.opt_bool(v, "deceasedBoolean", "")?;
        let deceased_date = r.opt_date(v, "deceasedDateTime", "")?;
        let deceased = deceased_bool == Some(true)
            || deceased_date.is_some()
            || r.get(v, "deceasedDateTime").is_some();
        Ok(Patient {
            id: r.opt_str(v, "id", "")?,
            identifier: person_identifier(&r, v, "")?,
            security,
            name: name.as_ref().map(|n| n.text.clone()),
            family: name.as_ref().and_then(|n| n.family.clone()),
            given: name.map(|n| n.given).unwrap_or_default(),
            birth_date: r.opt_date(v, "birthDate", "")?,
            gender: r.opt_str(v, "gender", "")?,
            active: r.opt_bool(v, "active", "")?,
            deceased,
            deceased_date,
            address: r.first_address(v, "address", "")?,
            phone: r.telecom(v, "phone", "")?,
            email: r.telecom(v, "email", "")?,
            municipality_code: r.text_ext(v, F::EXT_MUNICIPALITY_CODE, "")?,
            region_code: r.text_ext(v, F::EXT_REGION_CODE, "")?,
            population_registered: r.flag(v, F::EXT_POPULATION_REGISTERED, "")?,
            raw,
        })
    }

    /// The `meta.security` codes.
    pub fn security_codes(&self) -> impl Iterator<Item = &str> {
        self.security.iter().filter_map(|c| c.code.as_deref())
    }
}

/// The personnummer / samordningsnummer among `identifier[]` of `v` (`prefix` = element path).
/// A personnummer-system value with day 61–91 is a samordningsnummer.
pub(crate) fn person_identifier(
    r: &Reader,
    v: &Value,
    prefix: &str,
) -> Res<Option<PatientIdentifier>> {
    let mut found = None;
    for (i, id) in r.array(v, "identifier", prefix)?.iter().enumerate() {
        let p = format!("{}[{i}]", join(prefix, "identifier"));
        r.obj(id, &p)?;
        found = found.or(read_person_id(r, id, &p)?);
    }
    Ok(found)
}

fn read_person_id(r: &Reader, id: &Value, p: &str) -> Res<Option<PatientIdentifier>> {
    let system = r.opt_str(id, "system", p)?;
    let Some(system) = system else {
        return Ok(None);
    };
    let kind = if system == F::SYSTEM_SAMORDNINGSNUMMER {
        IdKind::Samordningsnummer
    } else if system == F::SYSTEM_PERSONNUMMER {
        IdKind::Personnummer
    } else {
        return Ok(None);
    };
    let Some(value) = r.opt_str(id, "value", p)? else {
        return Err(r.err(&join(p, "value"), "missing"));
    };
    let day: Option<u32> = value
        .get(6..8)
        .filter(|_| value.len() == 12)
        .and_then(|d| d.parse().ok());
    let kind = match day {
        Some(d) if d > 60 => IdKind::Samordningsnummer,
        _ => kind,
    };
    Ok(Some(PatientIdentifier {
        system,
        value,
        kind,
    }))
}

/// NLLRelatedPerson: the guardian relation (TA 08).
#[derive(Debug, Clone, PartialEq)]
pub struct RelatedPerson {
    pub id: Option<String>,
    /// The related person's (guardian's) personnummer.
    pub identifier: Option<PatientIdentifier>,
    /// `patient.reference`.
    pub patient_ref: Option<String>,
    /// `patient.identifier` (the child's personnummer).
    pub patient_identifier: Option<PatientIdentifier>,
    pub relationship: Vec<Coding>,
    pub active: Option<bool>,
    pub name: Option<String>,
    pub period_start: Option<NaiveDate>,
    pub period_end: Option<NaiveDate>,
    pub raw: RawJson,
}

impl RelatedPerson {
    /// Reads it from its JSON tree; `raw` is its JSON text (a range of its page, or the tree
    /// written out: [`Resource::from_value`](super::Resource::from_value)).
    pub(crate) fn read_with_raw(owned: Value, raw: RawJson) -> Result<RelatedPerson, ModelError> {
        let v = &owned;
        let r = Reader::for_resource(v, "RelatedPerson");
        r.obj(v, "")?;
        let (patient_ref, patient_identifier) = match r.opt_obj(v, "patient", "")? {
            Some(p) => {
                let pid = match r.opt_obj(p, "identifier", "patient")? {
                    Some(id) => read_person_id(&r, id, "patient.identifier")?,
                    None => None,
                };
                (r.opt_str(p, "reference", "patient")?, pid)
            }
            None => (None, None),
        };
        let mut relationship = Vec::new();
        for (i, rel) in r.array(v, "relationship", "")?.iter().enumerate() {
            let p = format!("relationship[{i}]");
            r.obj(rel, &p)?;
            relationship.extend(r.codings(rel, &p)?);
        }
        let (period_start, period_end) = match r.opt_obj(v, "period", "")? {
            Some(p) => (
                r.opt_date(p, "start", "period")?,
                r.opt_date(p, "end", "period")?,
            ),
            None => (None, None),
        };
        Ok(RelatedPerson {
            id: r.opt_str(v, "id", "")?,
            identifier: person_identifier(&r, v, "")?,
            patient_ref,
            patient_identifier,
            relationship,
            active: r.opt_bool(v, "active", "")?,
            name: r.human_name(v, "")?.map(|n| n.text),
            period_start,
            period_end,
            raw,
        })
    }

    /// The relation is a guardian relation (v3 RoleCode `GUARD`).
    pub fn is_guardian(&self) -> bool {
        self.relationship.iter().any(|c| {
            c.system.as_deref() == Some(F::SYSTEM_V3_ROLE_CODE)
                && c.code.as_deref() == Some(F::ROLE_CODE_GUARDIAN)
        })
    }

    /// Active, guardian, and within its period on `date`.
    pub fn is_active_guardian_on(&self, date: NaiveDate) -> bool {
        self.is_guardian()
            && self.active != Some(false)
            && self.period_start.is_none_or(|s| s <= date)
            && self.period_end.is_none_or(|e| date <= e)
    }
}
