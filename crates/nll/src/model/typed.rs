//! The typed reading of MedicationRequest and MedicationDispense: nearly every resource on a
//! heavy patient's pages (96 % of a 600-prescription, 4,000-dispense list).
//!
//! A resource is deserialized straight from its text into the borrowed serde shapes below — no
//! JSON tree, extension urls and systems borrowed from the page, decimals as their text — and
//! then into the model. Members neither reader knows are skipped unread (they stay in `raw`).
//!
//! It reads the canonical shape of the module doc of [`super`] and gives up on anything it is
//! not sure of: an "also read" form (a `valueCoding` where `valueString` is canonical, a
//! `medicationReference`, a contained Patient), a member of the wrong type, a duplicate
//! member, an extension with two values. The general reader, which knows every tolerated form
//! and names the element in its errors, then reads the resource instead. So this reading is a
//! shortcut, never a second set of rules: where it answers, it answers what the general reader
//! would, which nll-sim's `tests/model.rs` checks field by field for every test patient's
//! answers, and `tests/model.rs` here for the odd forms.

use std::borrow::Cow;
use std::sync::Arc;

use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Number;

use super::dispense::prescription_id_of;
use super::prescription::profession_in;
use super::read::{address_line, dosage_line, fhir_date, name_text};
use super::{
    Coding, Credited, DispenseRequest, DispensingPharmacy, DosePharmacy, Medication,
    MedicationDispense, MedicationRequest, Practitioner, ProductDetails, Quantity, RawJson,
    ReceivingPharmacy, Resource, Workplace,
};
use crate::fhir as F;

/// The typed reading gave up: the general reader reads the resource.
struct GiveUp;

type Fast<T> = Result<T, GiveUp>;

/// Reads `text`, a resource on `page`, when it is a MedicationRequest or MedicationDispense of
/// the canonical shape; `None` otherwise.
pub(crate) fn read(page: &Arc<str>, text: &str) -> Option<Resource> {
    let shape: Shape = serde_json::from_str(text).ok()?;
    let resource = match shape.resource_type.as_ref() {
        "MedicationDispense" => {
            let mut d = dispense(shape, page).ok()?;
            d.raw = RawJson::within(page, text);
            Resource::MedicationDispense(Box::new(d))
        }
        "MedicationRequest" => {
            let mut m = request(shape, page, &[]).ok()?;
            m.raw = RawJson::within(page, text);
            Resource::MedicationRequest(Box::new(m))
        }
        _ => return None,
    };
    Some(resource)
}

/// The first member of every shape below. serde reads a struct from a JSON array too, element
/// by element; this member, never present in an object, refuses the first element, so an
/// array where FHIR has an object is given up on (the general reader says it is not an object).
#[derive(Default)]
struct Object;

impl<'de> Deserialize<'de> for Object {
    fn deserialize<D: serde::Deserializer<'de>>(_: D) -> Result<Object, D::Error> {
        Err(serde::de::Error::custom("a JSON object, not an array"))
    }
}

/// A string borrowed from the page where it has no escapes.
#[derive(Deserialize, PartialEq)]
struct Str<'a>(#[serde(borrow)] Cow<'a, str>);

impl Str<'_> {
    fn is(this: &Option<Str<'_>>, text: &str) -> bool {
        this.as_ref().is_some_and(|s| s.0 == text)
    }
}

/// A MedicationRequest or a MedicationDispense: the members of both (the general reader
/// ignores one's members on the other, and so does this reading).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Shape<'a> {
    #[serde(default, rename = "(object)")]
    _object: Object,
    #[serde(borrow)]
    resource_type: Cow<'a, str>,
    id: Option<String>,
    meta: Option<Meta>,
    #[serde(borrow, default)]
    contained: Vec<&'a RawValue>,
    #[serde(borrow, default)]
    extension: Vec<Ext<'a>>,
    #[serde(borrow, default)]
    identifier: Vec<Identifier<'a>>,
    status: Option<String>,
    status_reason: Option<Text>,
    intent: Option<String>,
    authored_on: Option<String>,
    #[serde(borrow)]
    medication_codeable_concept: Option<Concept<'a>>,
    medication_reference: Option<IgnoredAny>,
    subject: Option<Reference>,
    requester: Option<Reference>,
    #[serde(borrow, default)]
    reason_code: Vec<ReasonCode<'a>>,
    #[serde(default)]
    dosage_instruction: Vec<Text>,
    #[serde(borrow)]
    dispense_request: Option<DispenseRequestShape<'a>>,
    substitution: Option<Substitution>,
    #[serde(default)]
    authorizing_prescription: Vec<Reference>,
    quantity: Option<QuantityShape>,
    when_handed_over: Option<String>,
    #[serde(borrow)]
    location: Option<LocationReference<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Meta {
    #[serde(default, rename = "(object)")]
    _object: Object,
    version_id: Option<String>,
    #[serde(default)]
    profile: Vec<String>,
}

/// An element whose only member read is `text`.
#[derive(Deserialize)]
struct Text {
    #[serde(default, rename = "(object)")]
    _object: Object,
    text: Option<String>,
}

#[derive(Deserialize)]
struct Reference {
    #[serde(default, rename = "(object)")]
    _object: Object,
    reference: Option<String>,
}

#[derive(Deserialize)]
struct LocationReference<'a> {
    #[serde(default, rename = "(object)")]
    _object: Object,
    reference: Option<String>,
    display: Option<String>,
    #[serde(borrow)]
    identifier: Option<Identifier<'a>>,
}

/// An Identifier, or a ContactPoint (`telecom`): both are read for `system` and `value`.
#[derive(Deserialize)]
struct Identifier<'a> {
    #[serde(default, rename = "(object)")]
    _object: Object,
    #[serde(borrow)]
    system: Option<Str<'a>>,
    value: Option<String>,
}

#[derive(Deserialize)]
struct Concept<'a> {
    #[serde(default, rename = "(object)")]
    _object: Object,
    #[serde(default)]
    coding: Vec<CodingShape>,
    text: Option<String>,
    #[serde(borrow, default)]
    extension: Vec<Ext<'a>>,
}

#[derive(Deserialize)]
struct CodingShape {
    #[serde(default, rename = "(object)")]
    _object: Object,
    system: Option<String>,
    code: Option<String>,
    display: Option<String>,
}

impl From<CodingShape> for Coding {
    fn from(c: CodingShape) -> Coding {
        Coding {
            system: c.system,
            code: c.code,
            display: c.display,
        }
    }
}

#[derive(Deserialize)]
struct ReasonCode<'a> {
    #[serde(default, rename = "(object)")]
    _object: Object,
    #[serde(borrow, default)]
    extension: Vec<Ext<'a>>,
    text: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DispenseRequestShape<'a> {
    #[serde(default, rename = "(object)")]
    _object: Object,
    validity_period: Option<Period>,
    number_of_repeats_allowed: Option<Number>,
    quantity: Option<QuantityShape>,
    #[serde(borrow, default)]
    extension: Vec<Ext<'a>>,
}

#[derive(Deserialize)]
struct Period {
    #[serde(default, rename = "(object)")]
    _object: Object,
    start: Option<String>,
    end: Option<String>,
}

#[derive(Deserialize)]
struct QuantityShape {
    #[serde(default, rename = "(object)")]
    _object: Object,
    value: Option<Number>,
    unit: Option<String>,
    code: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Substitution {
    #[serde(default, rename = "(object)")]
    _object: Object,
    allowed_boolean: Option<bool>,
    was_substituted: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AddressShape {
    #[serde(default, rename = "(object)")]
    _object: Object,
    #[serde(default)]
    line: Vec<String>,
    postal_code: Option<String>,
    city: Option<String>,
    text: Option<String>,
}

#[derive(Deserialize)]
struct NameShape {
    #[serde(default, rename = "(object)")]
    _object: Object,
    text: Option<String>,
    family: Option<String>,
    #[serde(default)]
    given: Vec<String>,
}

#[derive(Deserialize)]
struct Qualification<'a> {
    #[serde(default, rename = "(object)")]
    _object: Object,
    identifier: Option<IgnoredAny>,
    #[serde(borrow)]
    code: Option<Concept<'a>>,
}

/// A contained Practitioner.
#[derive(Deserialize)]
struct PractitionerShape<'a> {
    #[serde(default, rename = "(object)")]
    _object: Object,
    id: Option<String>,
    #[serde(borrow, default)]
    identifier: Vec<Identifier<'a>>,
    #[serde(borrow, default)]
    qualification: Vec<Qualification<'a>>,
    #[serde(borrow, default)]
    extension: Vec<Ext<'a>>,
    #[serde(borrow)]
    address: Option<&'a RawValue>,
    #[serde(borrow, default)]
    telecom: Vec<Identifier<'a>>,
    #[serde(default)]
    name: Vec<NameShape>,
}

/// A contained Location (the dispensing pharmacy).
#[derive(Deserialize)]
struct LocationShape<'a> {
    #[serde(default, rename = "(object)")]
    _object: Object,
    name: Option<String>,
    #[serde(borrow, default)]
    identifier: Vec<Identifier<'a>>,
    #[serde(borrow)]
    address: Option<&'a RawValue>,
    #[serde(borrow, default)]
    telecom: Vec<Identifier<'a>>,
}

/// What is needed to find a contained resource by its local id.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Probe<'a> {
    #[serde(default, rename = "(object)")]
    _object: Object,
    #[serde(borrow)]
    resource_type: Option<Str<'a>>,
    #[serde(borrow)]
    id: Option<Str<'a>>,
}

struct Contained<'a> {
    raw: &'a RawValue,
    probe: Probe<'a>,
}

/// An extension with the values this reading knows; the other forms the general reader reads
/// are noted only to give up on them.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Ext<'a> {
    #[serde(default, rename = "(object)")]
    _object: Object,
    #[serde(borrow)]
    url: Cow<'a, str>,
    #[serde(borrow, default)]
    extension: Vec<Ext<'a>>,
    value_string: Option<String>,
    value_code: Option<String>,
    value_boolean: Option<bool>,
    value_positive_int: Option<Number>,
    value_decimal: Option<Number>,
    value_date: Option<String>,
    value_address: Option<AddressShape>,
    value_id: Option<IgnoredAny>,
    value_uri: Option<IgnoredAny>,
    value_markdown: Option<IgnoredAny>,
    value_integer: Option<IgnoredAny>,
    value_unsigned_int: Option<IgnoredAny>,
    value_identifier: Option<IgnoredAny>,
    value_coding: Option<IgnoredAny>,
    value_codeable_concept: Option<IgnoredAny>,
    value_date_time: Option<IgnoredAny>,
    value_instant: Option<IgnoredAny>,
    value_reference: Option<IgnoredAny>,
    value_contact_point: Option<IgnoredAny>,
}

impl Ext<'_> {
    /// At most one value, of a form read here, and the same for every nested extension.
    fn canonical(&self) -> bool {
        let others = [
            self.value_id.is_some(),
            self.value_uri.is_some(),
            self.value_markdown.is_some(),
            self.value_integer.is_some(),
            self.value_unsigned_int.is_some(),
            self.value_identifier.is_some(),
            self.value_coding.is_some(),
            self.value_codeable_concept.is_some(),
            self.value_date_time.is_some(),
            self.value_instant.is_some(),
            self.value_reference.is_some(),
            self.value_contact_point.is_some(),
        ];
        let values = [
            self.value_string.is_some(),
            self.value_code.is_some(),
            self.value_boolean.is_some(),
            self.value_positive_int.is_some(),
            self.value_decimal.is_some(),
            self.value_date.is_some(),
            self.value_address.is_some(),
        ];
        !others.contains(&true)
            && values.iter().filter(|v| **v).count() <= 1
            && self.extension.iter().all(Ext::canonical)
    }

    /// The value as text (the general reader's `ext_text`, for the canonical forms).
    fn text(&self) -> Option<String> {
        let number = self
            .value_positive_int
            .as_ref()
            .or(self.value_decimal.as_ref());
        self.value_string
            .clone()
            .or(self.value_code.clone())
            .or(number.map(Number::to_string))
    }

    /// A decimal's text (`ext_decimal`).
    fn decimal(&self) -> Option<String> {
        match self
            .value_decimal
            .as_ref()
            .or(self.value_positive_int.as_ref())
        {
            Some(n) => Some(n.to_string()),
            None => self.value_string.clone(),
        }
    }

    /// A count (`ext_u32`).
    fn count(&self) -> Fast<Option<u32>> {
        self.value_positive_int.as_ref().map(u32_of).transpose()
    }

    fn date(&self) -> Fast<Option<chrono::NaiveDate>> {
        date(self.value_date.as_deref())
    }
}

/// The first extension with this url, when it is canonical.
fn ext<'e, 'a>(exts: &'e [Ext<'a>], url: &str) -> Fast<Option<&'e Ext<'a>>> {
    match exts.iter().find(|e| e.url == url) {
        Some(e) if !e.canonical() => Err(GiveUp),
        found => Ok(found),
    }
}

fn text_ext(exts: &[Ext<'_>], url: &str) -> Fast<Option<String>> {
    Ok(ext(exts, url)?.and_then(Ext::text))
}

fn flag(exts: &[Ext<'_>], url: &str) -> Fast<Option<bool>> {
    Ok(ext(exts, url)?.and_then(|e| e.value_boolean))
}

fn u32_of(n: &Number) -> Fast<u32> {
    n.as_u64().and_then(|x| u32::try_from(x).ok()).ok_or(GiveUp)
}

fn date(text: Option<&str>) -> Fast<Option<chrono::NaiveDate>> {
    match text {
        Some(t) => fhir_date(t).map_err(|_| GiveUp),
        None => Ok(None),
    }
}

fn quantity(q: Option<QuantityShape>) -> Option<Quantity> {
    q.map(|q| Quantity {
        value: q.value.as_ref().map(Number::to_string),
        unit: q.unit.or(q.code),
    })
}

fn address(a: &AddressShape) -> Option<String> {
    address_line(
        a.line.iter().map(String::as_str),
        a.postal_code.as_deref(),
        a.city.as_deref(),
        a.text.clone(),
    )
}

/// `address`: one Address or an array of them (the first is read).
fn first_address(raw: Option<&RawValue>) -> Fast<Option<String>> {
    let Some(raw) = raw else {
        return Ok(None);
    };
    let one = if raw.get().starts_with('[') {
        let all: Vec<AddressShape> = serde_json::from_str(raw.get()).map_err(|_| GiveUp)?;
        all.into_iter().next()
    } else {
        Some(serde_json::from_str(raw.get()).map_err(|_| GiveUp)?)
    };
    Ok(one.as_ref().and_then(address))
}

/// The first phone number among `telecom[]`.
fn phone(telecom: &[Identifier<'_>]) -> Option<String> {
    telecom
        .iter()
        .filter(|t| Str::is(&t.system, "phone"))
        .find_map(|t| t.value.clone())
}

fn dosage(instructions: Vec<Text>) -> Option<String> {
    dosage_line(instructions.into_iter().map(|d| d.text))
}

fn contained<'a>(raws: &[&'a RawValue]) -> Fast<Vec<Contained<'a>>> {
    raws.iter()
        .map(|raw| {
            let probe = serde_json::from_str(raw.get()).map_err(|_| GiveUp)?;
            Ok(Contained { raw, probe })
        })
        .collect()
}

/// A contained resource by local reference (`#id`): in the resource's own `contained`, then in
/// `outer` (the dispense's, for its contained prescription).
fn find<'c, 'a>(
    reference: &str,
    own: &'c [Contained<'a>],
    outer: &'c [Contained<'a>],
) -> Fast<&'c Contained<'a>> {
    let id = reference.strip_prefix('#').ok_or(GiveUp)?;
    own.iter()
        .chain(outer)
        .find(|c| Str::is(&c.probe.id, id))
        .ok_or(GiveUp)
}

fn medication(
    cc: Option<Concept<'_>>,
    reference: Option<IgnoredAny>,
    resource_consumable: bool,
) -> Fast<Medication> {
    let Some(cc) = cc else {
        if reference.is_some() {
            return Err(GiveUp);
        }
        return Ok(Medication {
            consumable: resource_consumable,
            ..Medication::default()
        });
    };
    let mut details = ProductDetails::default();
    if let Some(e) = ext(&cc.extension, F::EXT_PRODUCT_DETAILS)? {
        for sub in &e.extension {
            details.set(&sub.url, sub.text());
        }
    }
    let consumable = resource_consumable || flag(&cc.extension, F::EXT_CONSUMABLE)? == Some(true);
    let codings = cc.coding.into_iter().map(Coding::from);
    Ok(Medication::resolve(cc.text, codings, details, consumable))
}

fn practitioner(c: &Contained<'_>, page: &Arc<str>) -> Fast<Practitioner> {
    let s: PractitionerShape = serde_json::from_str(c.raw.get()).map_err(|_| GiveUp)?;
    let hsa_id = s
        .identifier
        .iter()
        .find(|i| Str::is(&i.system, F::SYSTEM_HSA_ID))
        .and_then(|i| i.value.clone());
    let (mut profession_code, mut profession) = (None, None);
    for q in s.qualification {
        // A qualification carrying an identifier is the licence number: never shown.
        let (None, Some(code)) = (q.identifier, q.code) else {
            continue;
        };
        let codings: Vec<Coding> = code.coding.into_iter().map(Coding::from).collect();
        if let Some((c, words)) = profession_in(&codings, code.text) {
            (profession_code, profession) = (c, words);
            break;
        }
    }
    let mut workplace = Workplace::default();
    if let Some(e) = ext(&s.extension, F::EXT_WORKPLACE)? {
        for sub in &e.extension {
            match sub.url.as_ref() {
                F::SUB_NAME => workplace.name = sub.text(),
                F::SUB_CODE => workplace.code = sub.text(),
                F::SUB_ADDRESS => {
                    workplace.address = match &sub.value_address {
                        Some(a) => address(a),
                        None => sub.text(),
                    }
                }
                F::SUB_PHONE => workplace.phone = sub.text(),
                _ => {}
            }
        }
    }
    if workplace.address.is_none() {
        workplace.address = first_address(s.address)?;
    }
    if workplace.phone.is_none() {
        workplace.phone = phone(&s.telecom);
    }
    let name = s
        .name
        .into_iter()
        .next()
        .and_then(|n| name_text(n.text, &n.given, n.family.as_deref()));
    Ok(Practitioner {
        id: s.id,
        name,
        hsa_id,
        profession,
        profession_code,
        acronym: text_ext(&s.extension, F::EXT_USER_ACRONYM)?,
        workplace,
        raw: RawJson::within(page, c.raw.get()),
    })
}

/// A MedicationRequest; `outer` is the dispense's contained resources for a paper prescription.
/// `raw` is left for the caller to set.
fn request(s: Shape<'_>, page: &Arc<str>, outer: &[Contained<'_>]) -> Fast<MedicationRequest> {
    let own = contained(&s.contained)?;
    let requester_ref = s.requester.and_then(|r| r.reference);
    let requester = match requester_ref.as_deref() {
        Some(rf) if rf.starts_with('#') => Some(practitioner(find(rf, &own, outer)?, page)?),
        // NLL always contains the requester; without a local reference, the one contained
        // Practitioner is it.
        _ => match own
            .iter()
            .find(|c| Str::is(&c.probe.resource_type, "Practitioner"))
        {
            Some(c) => Some(practitioner(c, page)?),
            None => None,
        },
    };
    let subject = s.subject.and_then(|r| r.reference);
    if subject.as_deref().is_some_and(|rf| rf.starts_with('#')) {
        // A contained Patient: the general reader reads it.
        return Err(GiveUp);
    }

    // Treatment reason: the extension, else reasonCode[].text / reasonCode[].extension.
    let absent = |e: &Ext<'_>| e.text().unwrap_or_else(|| "unknown".into());
    let mut treatment_reason = text_ext(&s.extension, F::EXT_TREATMENT_REASON)?;
    let mut reason_absent = None;
    for rc in s.reason_code {
        if let Some(e) = ext(&rc.extension, F::EXT_DATA_ABSENT_REASON)? {
            reason_absent = Some(absent(e));
        }
        if treatment_reason.is_none() {
            treatment_reason = text_ext(&rc.extension, F::EXT_TREATMENT_REASON)?.or(rc.text);
        }
    }
    if reason_absent.is_none() {
        reason_absent = ext(&s.extension, F::EXT_DATA_ABSENT_REASON)?.map(absent);
    }
    if reason_absent.is_some() {
        // A withheld reason is withheld, whatever else came along.
        treatment_reason = None;
    }

    let mut dispense_request = DispenseRequest::default();
    if let Some(dr) = s.dispense_request {
        if let Some(vp) = dr.validity_period {
            dispense_request.valid_from = date(vp.start.as_deref())?;
            dispense_request.valid_until = date(vp.end.as_deref())?;
        }
        dispense_request.repeats_allowed = dr
            .number_of_repeats_allowed
            .as_ref()
            .map(u32_of)
            .transpose()?;
        dispense_request.quantity = quantity(dr.quantity);
        if let Some(e) = ext(&dr.extension, F::EXT_NUMBER_OF_PACKAGES)? {
            dispense_request.packages = e.count()?;
        }
    }

    let dose_pharmacy = ext(&s.extension, F::EXT_DOSE_PHARMACY)?.map(|e| {
        let mut d = DosePharmacy::default();
        for sub in &e.extension {
            match sub.url.as_ref() {
                F::SUB_NAME => d.name = sub.text(),
                F::SUB_PHONE => d.phone = sub.text(),
                _ => {}
            }
        }
        d
    });
    let receiving_pharmacy = ext(&s.extension, F::EXT_RECEIVING_PHARMACY)?.map(|e| {
        let mut rp = ReceivingPharmacy::default();
        if let Some(text) = e.text() {
            rp.name = Some(text);
        } else {
            for sub in &e.extension {
                match sub.url.as_ref() {
                    F::SUB_NAME => rp.name = sub.text(),
                    F::SUB_CODE => rp.gln = sub.text(),
                    _ => {}
                }
            }
        }
        rp
    });
    let nll_id = s
        .identifier
        .iter()
        .find(|i| Str::is(&i.system, F::SYSTEM_MEDICATION_REQUEST_ID))
        .and_then(|i| i.value.clone());
    let resource_consumable = flag(&s.extension, F::EXT_CONSUMABLE)? == Some(true);
    let (version, profiles) = s
        .meta
        .map(|m| (m.version_id, m.profile))
        .unwrap_or_default();
    Ok(MedicationRequest {
        id: s.id.ok_or(GiveUp)?,
        nll_id,
        version,
        profiles,
        status: s.status.ok_or(GiveUp)?,
        status_reason: s.status_reason.and_then(|x| x.text),
        intent: s.intent,
        authored_on: date(s.authored_on.as_deref())?,
        chain_id: text_ext(&s.extension, F::EXT_PRESCRIPTION_CHAIN)?,
        medication: medication(
            s.medication_codeable_concept,
            s.medication_reference,
            resource_consumable,
        )?,
        subject,
        contained_patient: None,
        requester,
        treatment_reason,
        reason_absent,
        benefit: text_ext(&s.extension, F::EXT_BENEFIT)?,
        dos: flag(&s.extension, F::EXT_DOS_PRESCRIPTION)? == Some(true),
        dose_pharmacy,
        receiving_pharmacy,
        dosage: dosage(s.dosage_instruction),
        dispense_request,
        substitution_allowed: s.substitution.and_then(|x| x.allowed_boolean),
        raw: RawJson::default(),
    })
}

/// A MedicationDispense; `raw` is left for the caller to set.
fn dispense(s: Shape<'_>, page: &Arc<str>) -> Fast<MedicationDispense> {
    let own = contained(&s.contained)?;
    let (version, profiles) = s
        .meta
        .map(|m| (m.version_id, m.profile))
        .unwrap_or_default();
    let mut prescription_id = None;
    let mut paper_prescription = None;
    let auth_ref = s
        .authorizing_prescription
        .into_iter()
        .next()
        .and_then(|a| a.reference);
    match auth_ref.as_deref() {
        Some(rf) if rf.starts_with('#') => {
            let c = find(rf, &own, &[])?;
            if !Str::is(&c.probe.resource_type, "MedicationRequest") {
                return Err(GiveUp);
            }
            let shape: Shape = serde_json::from_str(c.raw.get()).map_err(|_| GiveUp)?;
            let mut paper = request(shape, page, &own)?;
            paper.raw = RawJson::within(page, c.raw.get());
            paper_prescription = Some(Box::new(paper));
        }
        Some(rf) => prescription_id = Some(prescription_id_of(rf).ok_or(GiveUp)?),
        None => {}
    }
    let paper =
        profiles.iter().any(|p| p == F::PROFILE_DISPENSE_PAPER) || paper_prescription.is_some();

    let credited = match ext(&s.extension, F::EXT_CREDITED)? {
        Some(e) => {
            let mut c = Credited {
                date: e.date()?,
                comment: None,
            };
            for sub in &e.extension {
                match sub.url.as_ref() {
                    F::SUB_DATE => c.date = sub.date()?,
                    F::SUB_COMMENT => c.comment = sub.text(),
                    _ => {}
                }
            }
            Some(c)
        }
        None => None,
    };
    let packages = match ext(&s.extension, F::EXT_NUMBER_OF_PACKAGES)? {
        Some(e) => e.count()?,
        None => None,
    };
    let decimal = |url: &str| Ok(ext(&s.extension, url)?.and_then(Ext::decimal));
    let resource_consumable = flag(&s.extension, F::EXT_CONSUMABLE)? == Some(true);
    Ok(MedicationDispense {
        id: s.id.ok_or(GiveUp)?,
        version,
        profiles,
        status: s.status,
        paper,
        prescription_id,
        paper_prescription,
        medication: medication(
            s.medication_codeable_concept,
            s.medication_reference,
            resource_consumable,
        )?,
        subject: s.subject.and_then(|r| r.reference),
        handed_over: date(s.when_handed_over.as_deref())?,
        handed_over_text: s.when_handed_over,
        quantity: quantity(s.quantity),
        packages,
        row_no: decimal(F::EXT_DISPATCH_ROW_NO)?,
        deducted_quantity: decimal(F::EXT_DEDUCTED_QUANTITY)?,
        dispatch_id: text_ext(&s.extension, F::EXT_DISPATCH_ID)?,
        actor_dispatch_id: text_ext(&s.extension, F::EXT_ACTOR_DISPATCH_ID)?,
        benefit_choice_code: text_ext(&s.extension, F::EXT_BENEFIT_CHOICE_CODE)?,
        benefit: text_ext(&s.extension, F::EXT_BENEFIT)?,
        dosage: dosage(s.dosage_instruction),
        substituted: s.substitution.and_then(|x| x.was_substituted),
        credited,
        pharmacy: pharmacy(s.location, &own)?,
        raw: RawJson::default(),
    })
}

/// `location`: a contained Location ("#pharmacy"), or `Location/<GLN>` with a display, or a
/// logical `identifier`.
fn pharmacy(
    loc: Option<LocationReference<'_>>,
    own: &[Contained<'_>],
) -> Fast<Option<DispensingPharmacy>> {
    let Some(loc) = loc else {
        return Ok(None);
    };
    let mut ph = DispensingPharmacy {
        name: loc.display,
        gln: loc.identifier.and_then(|i| i.value),
        ..DispensingPharmacy::default()
    };
    match loc.reference.as_deref() {
        Some(rf) if rf.starts_with('#') => {
            let c = find(rf, own, &[])?;
            let l: LocationShape = serde_json::from_str(c.raw.get()).map_err(|_| GiveUp)?;
            if l.name.is_some() {
                ph.name = l.name;
            }
            for id in l.identifier {
                if ph.takes_gln_from(id.system.as_ref().map(|s| s.0.as_ref())) {
                    ph.gln = id.value;
                }
            }
            ph.address = first_address(l.address)?;
            ph.phone = phone(&l.telecom);
        }
        Some(rf) => ph.logical_reference(rf),
        None => {}
    }
    Ok(Some(ph))
}
