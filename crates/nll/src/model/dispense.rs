//! NLLMedicationDispense (e-prescription) and NLLDispensePaperPrescription.

use chrono::NaiveDate;
use serde_json::Value;

use super::prescription::{find_contained, Medication, MedicationRequest, Quantity};
use super::read::{join, Reader, Res};
use super::ModelError;
use super::RawJson;
use crate::fhir as F;

/// `F::EXT_CREDITED`: the dispense was credited (krediterad).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Credited {
    pub date: Option<NaiveDate>,
    pub comment: Option<String>,
}

/// The dispensing pharmacy (`location`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DispensingPharmacy {
    pub name: Option<String>,
    pub gln: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
}

impl DispensingPharmacy {
    /// Whether a contained Location's identifier of this system is the GLN: one of the GLN
    /// system, else the first without a system.
    pub(crate) fn takes_gln_from(&self, system: Option<&str>) -> bool {
        system == Some(F::SYSTEM_GLN) || (system.is_none() && self.gln.is_none())
    }

    /// `Location/<GLN>` (older examples): the GLN, unless the reference's identifier gave one.
    pub(crate) fn logical_reference(&mut self, reference: &str) {
        if let Some(gln) = reference.strip_prefix("Location/") {
            if self.gln.is_none() && !gln.is_empty() {
                self.gln = Some(gln.to_string());
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct MedicationDispense {
    pub id: String,
    /// `meta.versionId`: counts up when backed out, credited or updated.
    pub version: Option<String>,
    pub profiles: Vec<String>,
    pub status: Option<String>,
    /// Dispensed on a paper prescription (NLLDispensePaperPrescription).
    pub paper: bool,
    /// The e-prescription's id (from `authorizingPrescription` `MedicationRequest/<id>`).
    pub prescription_id: Option<String>,
    /// A paper prescription's details, carried in the dispense.
    pub paper_prescription: Option<Box<MedicationRequest>>,
    pub medication: Medication,
    pub subject: Option<String>,
    /// `whenHandedOver` as a Swedish date.
    pub handed_over: Option<NaiveDate>,
    /// `whenHandedOver` as sent.
    pub handed_over_text: Option<String>,
    pub quantity: Option<Quantity>,
    /// `nllNumberOfPackagesDispensed`.
    pub packages: Option<u32>,
    /// `nllDispatchRowNo`, decimal text kept.
    pub row_no: Option<String>,
    /// `nllDeductedQuantity`, decimal text kept.
    pub deducted_quantity: Option<String>,
    pub dispatch_id: Option<String>,
    pub actor_dispatch_id: Option<String>,
    pub benefit_choice_code: Option<String>,
    /// Benefit text ("med förmån").
    pub benefit: Option<String>,
    pub dosage: Option<String>,
    pub substituted: Option<bool>,
    pub credited: Option<Credited>,
    pub pharmacy: Option<DispensingPharmacy>,
    pub raw: RawJson,
}

impl MedicationDispense {
    /// Reads it from its JSON tree; `raw` is its JSON text (a range of its page, or the tree
    /// written out: [`Resource::from_value`](super::Resource::from_value)).
    pub(crate) fn read_with_raw(
        owned: Value,
        raw: RawJson,
    ) -> Result<MedicationDispense, ModelError> {
        let v = &owned;
        let r = Reader::for_resource(v, "MedicationDispense");
        r.obj(v, "")?;
        let id = r.req_str(v, "id", "")?;
        let profiles = r.profiles(v)?;
        let contained = r.array(v, "contained", "")?;
        for (i, c) in contained.iter().enumerate() {
            r.obj(c, &format!("contained[{i}]"))?;
        }

        let auth = r.array(v, "authorizingPrescription", "")?;
        let auth_ref = match auth.first() {
            Some(a) => {
                r.obj(a, "authorizingPrescription[0]")?;
                r.opt_str(a, "reference", "authorizingPrescription[0]")?
            }
            None => None,
        };
        let mut prescription_id = None;
        let mut paper_prescription = None;
        match auth_ref.as_deref() {
            Some(rf) if rf.starts_with('#') => {
                let Some((at, c)) = find_contained(rf, contained, &[]) else {
                    return Err(r.err(
                        "authorizingPrescription[0].reference",
                        format!("{rf} is not among the contained resources"),
                    ));
                };
                if c.get("resourceType").and_then(Value::as_str) != Some("MedicationRequest") {
                    return Err(r.err(
                        &at,
                        "the authorizing prescription is not a MedicationRequest",
                    ));
                }
                let mut paper = MedicationRequest::read(&r, c, &at, contained)?;
                paper.raw = RawJson::of(c);
                paper_prescription = Some(Box::new(paper));
            }
            Some(rf) => match prescription_id_of(rf) {
                Some(x) => prescription_id = Some(x),
                None => {
                    return Err(r.err(
                        "authorizingPrescription[0].reference",
                        format!("not a MedicationRequest reference: {rf}"),
                    ))
                }
            },
            None => {}
        }
        let paper =
            profiles.iter().any(|p| p == F::PROFILE_DISPENSE_PAPER) || paper_prescription.is_some();

        let mut credited = None;
        if let Some(e) = r.ext(v, F::EXT_CREDITED, "")? {
            let mut c = Credited {
                date: r.ext_date(&e)?,
                comment: None,
            };
            for sub in r.extensions(e.v, &e.path)? {
                match sub.url {
                    F::SUB_DATE => c.date = r.ext_date(&sub)?,
                    F::SUB_COMMENT => c.comment = r.ext_text(&sub)?,
                    _ => {}
                }
            }
            credited = Some(c);
        }

        let text = |url: &str| r.text_ext(v, url, "");
        let packages = match r.ext(v, F::EXT_NUMBER_OF_PACKAGES, "")? {
            Some(e) => r.ext_u32(&e)?,
            None => None,
        };
        let row_no = match r.ext(v, F::EXT_DISPATCH_ROW_NO, "")? {
            Some(e) => r.ext_decimal(&e)?,
            None => None,
        };
        let deducted_quantity = match r.ext(v, F::EXT_DEDUCTED_QUANTITY, "")? {
            Some(e) => r.ext_decimal(&e)?,
            None => None,
        };
        let substituted = match r.opt_obj(v, "substitution", "")? {
            Some(s) => r.opt_bool(s, "wasSubstituted", "substitution")?,
            None => None,
        };
        let resource_consumable = r.flag(v, F::EXT_CONSUMABLE, "")? == Some(true);
        Ok(MedicationDispense {
            version: r.version_id(v)?,
            status: r.opt_str(v, "status", "")?,
            paper,
            prescription_id,
            paper_prescription,
            medication: Medication::read(&r, v, "", resource_consumable)?,
            subject: r.reference(v, "subject", "")?,
            handed_over: r.opt_date(v, "whenHandedOver", "")?,
            handed_over_text: r.opt_str(v, "whenHandedOver", "")?,
            quantity: Quantity::read(&r, v, "quantity", "")?,
            packages,
            row_no,
            deducted_quantity,
            dispatch_id: text(F::EXT_DISPATCH_ID)?,
            actor_dispatch_id: text(F::EXT_ACTOR_DISPATCH_ID)?,
            benefit_choice_code: text(F::EXT_BENEFIT_CHOICE_CODE)?,
            benefit: text(F::EXT_BENEFIT)?,
            dosage: r.dosage_text(v, "")?,
            substituted,
            credited,
            pharmacy: pharmacy(&r, v, contained)?,
            profiles,
            id,
            raw,
        })
    }

    /// The prescription details a paper dispense carries (`None` for an e-prescription).
    pub fn paper_prescription(&self) -> Option<&MedicationRequest> {
        self.paper_prescription.as_deref()
    }
}

/// The prescription's id in a reference `MedicationRequest/<id>` (also absolute or versioned,
/// `…/_history/n`); `None` when it references something else.
pub(crate) fn prescription_id_of(reference: &str) -> Option<String> {
    let tail = reference.split("/_history/").next().unwrap_or(reference);
    let mut parts = tail.rsplit('/');
    let id = parts.next().filter(|s| !s.is_empty());
    match (parts.next(), id) {
        (Some("MedicationRequest"), Some(x)) => Some(x.to_string()),
        _ => None,
    }
}

/// `location`: a contained Location ("#pharmacy"), or `Location/<GLN>` with a display, or a
/// logical `identifier`.
fn pharmacy(r: &Reader, v: &Value, contained: &[Value]) -> Res<Option<DispensingPharmacy>> {
    let Some(loc) = r.opt_obj(v, "location", "")? else {
        return Ok(None);
    };
    let mut ph = DispensingPharmacy {
        name: r.opt_str(loc, "display", "location")?,
        ..DispensingPharmacy::default()
    };
    if let Some(id) = r.opt_obj(loc, "identifier", "location")? {
        ph.gln = r.opt_str(id, "value", "location.identifier")?;
    }
    match r.opt_str(loc, "reference", "location")? {
        Some(rf) if rf.starts_with('#') => {
            let Some((at, c)) = find_contained(&rf, contained, &[]) else {
                return Err(r.err(
                    "location.reference",
                    format!("{rf} is not among the contained resources"),
                ));
            };
            if let Some(name) = r.opt_str(c, "name", &at)? {
                ph.name = Some(name);
            }
            for (i, id) in r.array(c, "identifier", &at)?.iter().enumerate() {
                let p = format!("{}[{i}]", join(&at, "identifier"));
                r.obj(id, &p)?;
                if ph.takes_gln_from(r.opt_str(id, "system", &p)?.as_deref()) {
                    ph.gln = r.opt_str(id, "value", &p)?;
                }
            }
            ph.address = r.first_address(c, "address", &at)?;
            ph.phone = r.telecom(c, "phone", &at)?;
        }
        Some(rf) => ph.logical_reference(&rf),
        None => {}
    }
    Ok(Some(ph))
}
