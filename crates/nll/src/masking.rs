//! Protected personal data (skyddade personuppgifter, NLL.md §8): detection, fail closed, and
//! the ONE masking function used by the screen and by every printout.
//!
//! [`detect_protection`] says "protected" on any signal: a `meta.security` code among the
//! policy's protection labels, a code it does not know from the security-label system (or
//! without a system), a very restricted / restricted confidentiality code, the name
//! "Personuppgift skyddad", or the list info's protected flag.
//!
//! [`mask`] turns every location-revealing [`Guarded`] field of a protected patient's list into
//! `Guarded::Masked { key }` and records what it masked; the ids of resources the model does
//! not read are dropped too (an id can be a GLN). Keys are stable and unique within a
//! list: `patient.name`, `patient.address`, `rx/<id>/prescriber.workplace_name`,
//! `rx/<id>/receiving_pharmacy`, `disp/<id>/pharmacy.gln`, … (the private `visit` lists them all).
//! [`reveal`] gives one value back from the unmasked list, by key, for a deliberate, logged
//! reveal. Not protected → the list passes unchanged with `masked = false`.

use crate::fhir as F;
use crate::model::{ListInfo, Patient};
use crate::view::{
    Guarded, MaskedField, MaskedFieldKind, MaskedList, MedicationList, PrescriberView,
};

/// HL7 v3 Confidentiality, whose `R` (restricted) and `V` (very restricted) also mean protected.
const SYSTEM_V3_CONFIDENTIALITY: &str = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";

/// Is the patient protected, and by which signals (`security:<code>`,
/// `security-unknown:<code>`, `name`, `list-info`). `labels` = `Policy::protection_labels()`.
pub fn detect_protection(
    patient: &Patient,
    list_info: Option<&ListInfo>,
    labels: &[String],
) -> (bool, Vec<String>) {
    let mut signals = Vec::new();
    for c in &patient.security {
        let Some(code) = c.code.as_deref() else {
            continue;
        };
        if labels.iter().any(|l| l == code) {
            signals.push(format!("security:{code}"));
            continue;
        }
        let counts = match c.system.as_deref() {
            // A label from the protection system we do not know: fail closed.
            Some(F::SYSTEM_SECURITY_LABEL) | None => true,
            Some(SYSTEM_V3_CONFIDENTIALITY) => matches!(code, "R" | "V"),
            Some(_) => false,
        };
        if counts {
            signals.push(format!("security-unknown:{code}"));
        }
    }
    if patient
        .name
        .as_deref()
        .is_some_and(|n| n.trim().eq_ignore_ascii_case(F::PROTECTED_NAME))
    {
        signals.push("name".to_string());
    }
    if list_info.and_then(|l| l.protected_person) == Some(true) {
        signals.push("list-info".to_string());
    }
    (!signals.is_empty(), signals)
}

/// Calls `f` for every location-revealing field of the list, with its stable key and kind.
/// The single list of what is location-revealing (NLL.md §8's table); `mask` and `reveal` both
/// walk it, so they can never disagree about a key.
fn visit(list: &mut MedicationList, f: &mut dyn FnMut(String, MaskedFieldKind, &mut Guarded)) {
    use MaskedFieldKind as K;
    let mut seen = std::collections::HashSet::new();
    // Keys must be unique even if NLL sent two items with one id.
    let mut key = |base: String| {
        let mut k = base.clone();
        let mut n = 2;
        while !seen.insert(k.clone()) {
            k = format!("{base}#{n}");
            n += 1;
        }
        k
    };
    f(
        key("patient.name".into()),
        K::PatientName,
        &mut list.patient.name,
    );
    // Optional fields under one key prefix, in order (a key is taken even for an absent field,
    // so that keys do not shift with what NLL happened to send).
    let mut fields = |base: &str, fields: Vec<Field<'_>>| {
        for (suffix, kind, g) in fields {
            let k = key(format!("{base}{suffix}"));
            if let Some(g) = g {
                f(k, kind, g);
            }
        }
    };
    // A prescription's and a dispense's prescriber are masked alike.
    fn prescriber(pr: &mut PrescriberView) -> [Field<'_>; 5] {
        [
            ("/prescriber.name", K::PrescriberName, &mut pr.name),
            (
                "/prescriber.workplace_name",
                K::PrescriberWorkplace,
                &mut pr.workplace_name,
            ),
            (
                "/prescriber.workplace_code",
                K::PrescriberWorkplaceCode,
                &mut pr.workplace_code,
            ),
            (
                "/prescriber.workplace_address",
                K::PrescriberAddress,
                &mut pr.workplace_address,
            ),
            (
                "/prescriber.workplace_phone",
                K::PrescriberPhone,
                &mut pr.workplace_phone,
            ),
        ]
    }

    let p = &mut list.patient;
    fields(
        "patient",
        vec![
            (".address", K::PatientAddress, &mut p.address),
            (
                ".municipality_code",
                K::PatientMunicipality,
                &mut p.municipality_code,
            ),
            (".region_code", K::PatientRegion, &mut p.region_code),
            (".phone", K::PatientPhone, &mut p.phone),
            (".email", K::PatientEmail, &mut p.email),
        ],
    );

    for rx in &mut list.prescriptions {
        let mut all = Vec::from(prescriber(&mut rx.prescriber));
        all.extend([
            (
                "/receiving_pharmacy",
                K::ReceivingPharmacy,
                &mut rx.receiving_pharmacy,
            ),
            (
                "/dose_pharmacy_name",
                K::DosePharmacy,
                &mut rx.dose_pharmacy_name,
            ),
            (
                "/dose_pharmacy_phone",
                K::DosePharmacyPhone,
                &mut rx.dose_pharmacy_phone,
            ),
        ]);
        fields(&format!("rx/{}", rx.id), all);
    }

    for d in &mut list.dispenses {
        let mut all = Vec::from(prescriber(&mut d.prescriber));
        let ph = &mut d.pharmacy;
        all.extend([
            ("/pharmacy.name", K::DispensingPharmacy, &mut ph.name),
            ("/pharmacy.gln", K::DispensingPharmacyGln, &mut ph.gln),
            (
                "/pharmacy.address",
                K::DispensingPharmacyAddress,
                &mut ph.address,
            ),
        ]);
        fields(&format!("disp/{}", d.id), all);
    }
}

/// One optional location-revealing field: its key suffix, its kind, the field.
type Field<'a> = (&'static str, MaskedFieldKind, &'a mut Option<Guarded>);

/// The one masking function. A protected patient's list gets every location-revealing field
/// masked, with the record of what was masked; any other list passes unchanged.
pub fn mask(list: &MedicationList) -> MaskedList {
    let mut out = list.clone();
    let mut record = Vec::new();
    if list.patient.protected {
        visit(&mut out, &mut |key, kind, g| {
            *g = Guarded::Masked { key: key.clone() };
            record.push(MaskedField { key, kind });
        });
        // Resources the model does not read are listed as `Type/id`; an id can be a place
        // (`Location/<GLN>`, `Organization/<HSA-id>`), so only the type stays.
        for label in &mut out.unknown_resources {
            if let Some((rt, _)) = label.split_once('/') {
                *label = rt.to_string();
            }
        }
    }
    MaskedList {
        masked: list.patient.protected,
        list: out,
        record,
        _sealed: (),
    }
}

/// One masked value, by key, from the unmasked list (for a deliberate reveal, to be logged by
/// the caller). `None` for an unknown key or a field that is itself masked.
pub fn reveal(list: &MedicationList, key: &str) -> Option<(MaskedFieldKind, String)> {
    let mut copy = list.clone();
    let mut found = None;
    visit(&mut copy, &mut |k, kind, g| {
        if found.is_none() && k == key {
            found = g.text().map(|t| (kind, t.to_string()));
        }
    });
    found
}
