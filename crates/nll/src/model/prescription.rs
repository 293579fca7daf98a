//! NLLMedicationRequest with its contained NLLPractitioner (and contained Patient), and the
//! medication concept shared with dispenses.

use chrono::NaiveDate;
use serde_json::Value;

use super::patient::Patient;
use super::read::{join, Reader, Res};
use super::{Coding, ModelError, RawJson};
use crate::fhir as F;

/// The product, read from `medicationCodeableConcept`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Medication {
    pub text: Option<String>,
    pub npl_id: Option<String>,
    pub npl_display: Option<String>,
    pub npl_pack_id: Option<String>,
    pub npl_pack_display: Option<String>,
    pub varunummer: Option<String>,
    pub atc: Option<String>,
    pub atc_display: Option<String>,
    pub details: ProductDetails,
    /// Handelsvara (`F::EXT_CONSUMABLE` on the concept or on the resource).
    pub consumable: bool,
}

/// `F::EXT_PRODUCT_DETAILS`: the article register's words for the product.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProductDetails {
    pub name: Option<String>,
    pub substance: Option<String>,
    pub form: Option<String>,
    pub strength: Option<String>,
    pub pack_size: Option<String>,
}

impl ProductDetails {
    /// Sets the part a sub-extension's url names (others are not read).
    pub(crate) fn set(&mut self, url: &str, text: Option<String>) {
        match url {
            F::SUB_NAME => self.name = text,
            F::SUB_SUBSTANCE => self.substance = text,
            F::SUB_FORM => self.form = text,
            F::SUB_STRENGTH => self.strength = text,
            F::SUB_PACK_SIZE => self.pack_size = text,
            _ => {}
        }
    }
}

impl Medication {
    /// Reads `medicationCodeableConcept` of the resource element at `at`.
    pub(crate) fn read(
        r: &Reader,
        v: &Value,
        at: &str,
        resource_consumable: bool,
    ) -> Res<Medication> {
        let key = &join(at, "medicationCodeableConcept");
        let Some(cc) = r.opt_obj(v, "medicationCodeableConcept", at)? else {
            if r.get(v, "medicationReference").is_some() {
                return Err(r.err(
                    &join(at, "medicationReference"),
                    "not supported: expected medicationCodeableConcept",
                ));
            }
            return Ok(Medication {
                consumable: resource_consumable,
                ..Medication::default()
            });
        };
        let codings = r.codings(cc, key)?;
        let mut details = ProductDetails::default();
        if let Some(e) = r.ext(cc, F::EXT_PRODUCT_DETAILS, key)? {
            for sub in r.extensions(e.v, &e.path)? {
                details.set(sub.url, r.ext_text(&sub)?);
            }
        }
        let consumable = resource_consumable || r.flag(cc, F::EXT_CONSUMABLE, key)? == Some(true);
        Ok(Medication::resolve(
            r.opt_str(cc, "text", key)?,
            codings,
            details,
            consumable,
        ))
    }

    /// The product from what its concept says: its codings by system (the first of each of NPL
    /// id, pack, varunummer and ATC), its text and the article register's details.
    pub(crate) fn resolve(
        text: Option<String>,
        codings: impl IntoIterator<Item = Coding>,
        details: ProductDetails,
        consumable: bool,
    ) -> Medication {
        let (mut npl, mut pack, mut varunummer, mut atc) = (None, None, None, None);
        for c in codings {
            let slot = match c.system.as_deref() {
                Some(F::SYSTEM_NPL_ID) => &mut npl,
                Some(F::SYSTEM_NPL_PACK_ID) => &mut pack,
                Some(F::SYSTEM_VARUNUMMER) => &mut varunummer,
                Some(F::SYSTEM_ATC) => &mut atc,
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(c);
            }
        }
        let (npl_id, npl_display) = npl.map(|c| (c.code, c.display)).unwrap_or_default();
        let (npl_pack_id, npl_pack_display) = pack.map(|c| (c.code, c.display)).unwrap_or_default();
        let (atc, atc_display) = atc.map(|c| (c.code, c.display)).unwrap_or_default();
        Medication {
            text,
            npl_id,
            npl_display,
            npl_pack_id,
            npl_pack_display,
            varunummer: varunummer.and_then(|c| c.code),
            atc,
            atc_display,
            details,
            consumable,
        }
    }

    /// Product name: the details' name, else `text`, else the NPL display.
    pub fn name(&self) -> Option<&str> {
        self.details
            .name
            .as_deref()
            .or(self.text.as_deref())
            .or(self.npl_display.as_deref())
    }

    /// Substance: the details', else the ATC coding's display.
    pub fn substance(&self) -> Option<&str> {
        self.details
            .substance
            .as_deref()
            .or(self.atc_display.as_deref())
    }

    /// Pack size text: the details', else the NPL pack coding's display.
    pub fn pack_size(&self) -> Option<&str> {
        self.details
            .pack_size
            .as_deref()
            .or(self.npl_pack_display.as_deref())
    }
}

/// The prescriber's workplace (`F::EXT_WORKPLACE`, else the practitioner's address/telecom).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Workplace {
    pub name: Option<String>,
    /// Arbetsplatskod.
    pub code: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
}

/// NLLPractitioner, always contained.
#[derive(Debug, Clone, PartialEq)]
pub struct Practitioner {
    pub id: Option<String>,
    pub name: Option<String>,
    pub hsa_id: Option<String>,
    /// Profession as shown at the pharmacy ("Läkare").
    pub profession: Option<String>,
    pub profession_code: Option<String>,
    pub acronym: Option<String>,
    pub workplace: Workplace,
    pub raw: RawJson,
}

impl Practitioner {
    /// Reads a contained Practitioner; errors name the containing resource and `at`.
    pub(crate) fn read(r: &Reader, v: &Value, at: &str) -> Res<Practitioner> {
        r.obj(v, at)?;
        let hsa_id = r
            .array(v, "identifier", at)?
            .iter()
            .enumerate()
            .map(|(i, id)| {
                let p = format!("{}[{i}]", join(at, "identifier"));
                r.obj(id, &p)?;
                Ok((r.opt_str(id, "system", &p)?, r.opt_str(id, "value", &p)?))
            })
            .collect::<Res<Vec<_>>>()?
            .into_iter()
            .find(|(s, _)| s.as_deref() == Some(F::SYSTEM_HSA_ID))
            .and_then(|(_, v)| v);
        let mut profession = None;
        let mut profession_code = None;
        for (i, q) in r.array(v, "qualification", at)?.iter().enumerate() {
            let p = format!("{}[{i}]", join(at, "qualification"));
            r.obj(q, &p)?;
            // A qualification carrying an identifier is the licence number: never shown.
            if r.get(q, "identifier").is_some() {
                continue;
            }
            let Some(code) = r.opt_obj(q, "code", &p)? else {
                continue;
            };
            let cp = join(&p, "code");
            let codings = r.codings(code, &cp)?;
            if let Some((c, words)) = profession_in(&codings, r.opt_str(code, "text", &cp)?) {
                (profession_code, profession) = (c, words);
                break;
            }
        }
        let mut workplace = Workplace::default();
        if let Some(e) = r.ext(v, F::EXT_WORKPLACE, at)? {
            for sub in r.extensions(e.v, &e.path)? {
                match sub.url {
                    F::SUB_NAME => workplace.name = r.ext_text(&sub)?,
                    F::SUB_CODE => workplace.code = r.ext_text(&sub)?,
                    F::SUB_ADDRESS => {
                        workplace.address = match r.opt_obj(sub.v, "valueAddress", &sub.path)? {
                            Some(a) => r.address(a, &join(&sub.path, "valueAddress"))?,
                            None => r.ext_text(&sub)?,
                        }
                    }
                    F::SUB_PHONE => {
                        workplace.phone = match r.opt_obj(sub.v, "valueContactPoint", &sub.path)? {
                            Some(cp) => {
                                r.opt_str(cp, "value", &join(&sub.path, "valueContactPoint"))?
                            }
                            None => r.ext_text(&sub)?,
                        }
                    }
                    _ => {}
                }
            }
        }
        if workplace.address.is_none() {
            workplace.address = r.first_address(v, "address", at)?;
        }
        if workplace.phone.is_none() {
            workplace.phone = r.telecom(v, "phone", at)?;
        }
        Ok(Practitioner {
            id: r.opt_str(v, "id", at)?,
            name: r.human_name(v, at)?.map(|n| n.text),
            hsa_id,
            profession,
            profession_code,
            acronym: r.text_ext(v, F::EXT_USER_ACRONYM, at)?,
            workplace,
            raw: RawJson::of(v),
        })
    }
}

/// The profession a qualification's concept names, if a coding is in the profession system:
/// its code, and its words (the coding's display, else the concept's text, else the code).
pub(crate) fn profession_in(
    codings: &[Coding],
    text: Option<String>,
) -> Option<(Option<String>, Option<String>)> {
    let c = codings
        .iter()
        .find(|c| c.system.as_deref() == Some(F::SYSTEM_PROFESSION))?;
    Some((
        c.code.clone(),
        c.display.clone().or(text).or(c.code.clone()),
    ))
}

/// A FHIR Quantity: the value's decimal text kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quantity {
    pub value: Option<String>,
    pub unit: Option<String>,
}

impl Quantity {
    pub(crate) fn read(r: &Reader, v: &Value, key: &str, prefix: &str) -> Res<Option<Quantity>> {
        let Some(q) = r.opt_obj(v, key, prefix)? else {
            return Ok(None);
        };
        let p = join(prefix, key);
        Ok(Some(Quantity {
            value: r.opt_decimal(q, "value", &p)?,
            unit: r.opt_str(q, "unit", &p)?.or(r.opt_str(q, "code", &p)?),
        }))
    }

    /// "100 st", "1.50 ml".
    pub fn text(&self) -> Option<String> {
        match (&self.value, &self.unit) {
            (Some(v), Some(u)) => Some(format!("{v} {u}")),
            (Some(v), None) => Some(v.clone()),
            _ => None,
        }
    }
}

/// `dispenseRequest`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DispenseRequest {
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub repeats_allowed: Option<u32>,
    /// Quantity per dispense.
    pub quantity: Option<Quantity>,
    /// Packages per dispense (`F::EXT_NUMBER_OF_PACKAGES`).
    pub packages: Option<u32>,
}

impl DispenseRequest {
    /// First dispense + repeats.
    pub fn dispenses_allowed(&self) -> Option<u32> {
        self.repeats_allowed.map(|n| n.saturating_add(1))
    }
}

/// `F::EXT_DOSE_PHARMACY`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DosePharmacy {
    pub name: Option<String>,
    pub phone: Option<String>,
}

/// `F::EXT_RECEIVING_PHARMACY`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReceivingPharmacy {
    pub name: Option<String>,
    pub gln: Option<String>,
}

/// NLLMedicationRequest (also the contained prescription of a paper-prescription dispense).
#[derive(Debug, Clone, PartialEq)]
pub struct MedicationRequest {
    pub id: String,
    /// `identifier[system = nllmedicationrequestid]`.
    pub nll_id: Option<String>,
    /// `meta.versionId`: the prescription's version.
    pub version: Option<String>,
    pub profiles: Vec<String>,
    /// FHIR status as sent.
    pub status: String,
    pub status_reason: Option<String>,
    pub intent: Option<String>,
    pub authored_on: Option<NaiveDate>,
    pub chain_id: Option<String>,
    pub medication: Medication,
    /// `subject.reference`.
    pub subject: Option<String>,
    /// The contained Patient, when the patient has no personnummer.
    pub contained_patient: Option<Patient>,
    pub requester: Option<Practitioner>,
    pub treatment_reason: Option<String>,
    /// `nlldataAbsentReason` code: the treatment reason was filtered.
    pub reason_absent: Option<String>,
    pub benefit: Option<String>,
    pub dos: bool,
    pub dose_pharmacy: Option<DosePharmacy>,
    pub receiving_pharmacy: Option<ReceivingPharmacy>,
    pub dosage: Option<String>,
    pub dispense_request: DispenseRequest,
    pub substitution_allowed: Option<bool>,
    pub raw: RawJson,
}

impl MedicationRequest {
    /// Reads it from its JSON tree; `raw` is its JSON text (a range of its page, or the tree
    /// written out: [`Resource::from_value`](super::Resource::from_value)).
    pub(crate) fn read_with_raw(
        owned: Value,
        raw: RawJson,
    ) -> Result<MedicationRequest, ModelError> {
        let r = Reader::for_resource(&owned, "MedicationRequest");
        let mut m = Self::read(&r, &owned, "", &[])?;
        m.raw = raw;
        Ok(m)
    }

    /// Reads a MedicationRequest at `at` (empty for a top-level resource, `contained[n]` inside
    /// a paper-prescription dispense); local references resolve in its own `contained`, then in
    /// `outer` (the dispense's). `raw` is left for the caller to set.
    pub(crate) fn read(r: &Reader, v: &Value, at: &str, outer: &[Value]) -> Res<MedicationRequest> {
        r.obj(v, at)?;
        let p = |k: &str| join(at, k);
        let id = r.req_str(v, "id", at)?;
        let own = r.array(v, "contained", at)?;
        for (i, c) in own.iter().enumerate() {
            r.obj(c, &format!("{}[{i}]", p("contained")))?;
        }

        let requester_ref = r.reference(v, "requester", at)?;
        let requester = match requester_ref.as_deref() {
            Some(rf) if rf.starts_with('#') => {
                let Some((i, c)) = find_contained(rf, own, outer) else {
                    return Err(r.err(
                        &format!("{}.reference", p("requester")),
                        format!("{rf} is not among the contained resources"),
                    ));
                };
                Some(Practitioner::read(r, c, &i)?)
            }
            // NLL always contains the requester; without a local reference, the one contained
            // Practitioner is it.
            _ => {
                let mut found = None;
                for (i, c) in own.iter().enumerate() {
                    if c.get("resourceType").and_then(Value::as_str) == Some("Practitioner") {
                        found = Some(Practitioner::read(
                            r,
                            c,
                            &format!("{}[{i}]", p("contained")),
                        )?);
                        break;
                    }
                }
                found
            }
        };

        let subject = r.reference(v, "subject", at)?;
        let contained_patient = match subject.as_deref() {
            Some(rf) if rf.starts_with('#') => {
                let Some((_, c)) = find_contained(rf, own, outer) else {
                    return Err(r.err(
                        &format!("{}.reference", p("subject")),
                        format!("{rf} is not among the contained resources"),
                    ));
                };
                Some(Patient::read_with_raw(c.clone(), RawJson::of(c))?)
            }
            _ => None,
        };

        // Treatment reason: the extension, else reasonCode[].text / reasonCode[].extension.
        let mut treatment_reason = r.text_ext(v, F::EXT_TREATMENT_REASON, at)?;
        let mut reason_absent = None;
        for (i, rc) in r.array(v, "reasonCode", at)?.iter().enumerate() {
            let rp = format!("{}[{i}]", p("reasonCode"));
            r.obj(rc, &rp)?;
            if let Some(e) = r.ext(rc, F::EXT_DATA_ABSENT_REASON, &rp)? {
                reason_absent = Some(r.ext_text(&e)?.unwrap_or_else(|| "unknown".into()));
            }
            if treatment_reason.is_none() {
                treatment_reason = r
                    .text_ext(rc, F::EXT_TREATMENT_REASON, &rp)?
                    .or(r.opt_str(rc, "text", &rp)?);
            }
        }
        if r.ext(v, F::EXT_DATA_ABSENT_REASON, at)?.is_some() && reason_absent.is_none() {
            let e = r.ext(v, F::EXT_DATA_ABSENT_REASON, at)?.expect("checked");
            reason_absent = Some(r.ext_text(&e)?.unwrap_or_else(|| "unknown".into()));
        }
        if reason_absent.is_some() {
            // A withheld reason is withheld, whatever else came along.
            treatment_reason = None;
        }

        let mut dispense_request = DispenseRequest::default();
        if let Some(dr) = r.opt_obj(v, "dispenseRequest", at)? {
            let dp = p("dispenseRequest");
            if let Some(vp) = r.opt_obj(dr, "validityPeriod", &dp)? {
                let vpp = join(&dp, "validityPeriod");
                dispense_request.valid_from = r.opt_date(vp, "start", &vpp)?;
                dispense_request.valid_until = r.opt_date(vp, "end", &vpp)?;
            }
            dispense_request.repeats_allowed = r.opt_u32(dr, "numberOfRepeatsAllowed", &dp)?;
            dispense_request.quantity = Quantity::read(r, dr, "quantity", &dp)?;
            if let Some(e) = r.ext(dr, F::EXT_NUMBER_OF_PACKAGES, &dp)? {
                dispense_request.packages = r.ext_u32(&e)?;
            }
        }
        let substitution_allowed = match r.opt_obj(v, "substitution", at)? {
            Some(s) => r.opt_bool(s, "allowedBoolean", &p("substitution"))?,
            None => None,
        };

        let dose_pharmacy = match r.ext(v, F::EXT_DOSE_PHARMACY, at)? {
            Some(e) => {
                let mut d = DosePharmacy::default();
                for sub in r.extensions(e.v, &e.path)? {
                    match sub.url {
                        F::SUB_NAME => d.name = r.ext_text(&sub)?,
                        F::SUB_PHONE => d.phone = r.ext_text(&sub)?,
                        _ => {}
                    }
                }
                Some(d)
            }
            None => None,
        };
        let receiving_pharmacy = match r.ext(v, F::EXT_RECEIVING_PHARMACY, at)? {
            Some(e) => {
                let mut rp = ReceivingPharmacy::default();
                if let Some(reference) = r.opt_obj(e.v, "valueReference", &e.path)? {
                    let rr = join(&e.path, "valueReference");
                    rp.name = r.opt_str(reference, "display", &rr)?;
                    if let Some(id) = r.opt_obj(reference, "identifier", &rr)? {
                        rp.gln = r.opt_str(id, "value", &join(&rr, "identifier"))?;
                    }
                } else if let Some(text) = r.ext_text(&e)? {
                    rp.name = Some(text);
                } else {
                    for sub in r.extensions(e.v, &e.path)? {
                        match sub.url {
                            F::SUB_NAME => rp.name = r.ext_text(&sub)?,
                            F::SUB_CODE => rp.gln = r.ext_text(&sub)?,
                            _ => {}
                        }
                    }
                }
                Some(rp)
            }
            None => None,
        };

        let nll_id = r
            .array(v, "identifier", at)?
            .iter()
            .enumerate()
            .map(|(i, x)| {
                let ip = format!("{}[{i}]", p("identifier"));
                r.obj(x, &ip)?;
                Ok((r.opt_str(x, "system", &ip)?, r.opt_str(x, "value", &ip)?))
            })
            .collect::<Res<Vec<_>>>()?
            .into_iter()
            .find(|(s, _)| s.as_deref() == Some(F::SYSTEM_MEDICATION_REQUEST_ID))
            .and_then(|(_, v)| v);

        let resource_consumable = r.flag(v, F::EXT_CONSUMABLE, at)? == Some(true);
        let status_reason = match r.opt_obj(v, "statusReason", at)? {
            Some(sr) => r.opt_str(sr, "text", &p("statusReason"))?,
            None => None,
        };
        let status = r.req_str(v, "status", at)?;
        Ok(MedicationRequest {
            nll_id,
            version: r.version_id(v)?,
            profiles: r.profiles(v)?,
            status,
            status_reason,
            intent: r.opt_str(v, "intent", at)?,
            authored_on: r.opt_date(v, "authoredOn", at)?,
            chain_id: r.text_ext(v, F::EXT_PRESCRIPTION_CHAIN, at)?,
            medication: Medication::read(r, v, at, resource_consumable)?,
            subject,
            contained_patient,
            requester,
            treatment_reason,
            reason_absent,
            benefit: r.text_ext(v, F::EXT_BENEFIT, at)?,
            dos: r.flag(v, F::EXT_DOS_PRESCRIPTION, at)? == Some(true),
            dose_pharmacy,
            receiving_pharmacy,
            dosage: r.dosage_text(v, at)?,
            dispense_request,
            substitution_allowed,
            id,
            // Set by the caller, who owns the JSON (or holds it contained in another resource).
            raw: RawJson::default(),
        })
    }

    /// Lets its JSON text go, and its contained resources' (see [`Resource::forget_raw`](super::Resource::forget_raw)).
    pub(crate) fn forget_raw(&mut self) {
        self.raw = RawJson::default();
        if let Some(p) = &mut self.requester {
            p.raw = RawJson::default();
        }
        if let Some(p) = &mut self.contained_patient {
            p.raw = RawJson::default();
        }
    }

    /// Locally built label `MedicationRequest/<id>` (what a dispense's `authorizingPrescription`
    /// references).
    pub fn reference(&self) -> String {
        format!("MedicationRequest/{}", self.id)
    }
}

/// A contained resource by local reference, with its element path.
pub(crate) fn find_contained<'a>(
    reference: &str,
    own: &'a [Value],
    outer: &'a [Value],
) -> Option<(String, &'a Value)> {
    let id = reference.strip_prefix('#')?;
    let hit = |list: &'a [Value]| {
        list.iter()
            .enumerate()
            .find(|(_, c)| c.get("id").and_then(Value::as_str) == Some(id))
    };
    if let Some((i, c)) = hit(own) {
        return Some((format!("contained[{i}]"), c));
    }
    hit(outer).map(|(i, c)| (format!("contained[{i}]"), c))
}
