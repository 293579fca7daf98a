//! Every FHIR system, extension URL and code string this project reads or writes, in one place.
//!
//! NLL-FHIR.md marks several of these as *inferred*: they are kept here so a correction is a
//! one-line change, and the test server (`nll-sim`) builds its resources from the same constants
//! the model reads them with.

pub const SD_BASE: &str = "http://electronichealth.se/fhir/StructureDefinition/";

// Identifier systems
pub const SYSTEM_PERSONNUMMER: &str = "http://electronichealth.se/identifier/personnummer";
/// Samordningsnummer share the personnummer system in NLL's patient search (ASSUMED).
pub const SYSTEM_SAMORDNINGSNUMMER: &str =
    "http://electronichealth.se/identifier/samordningsnummer";
pub const SYSTEM_MEDICATION_REQUEST_ID: &str =
    "http://electronichealth.se/identifier/nllmedicationrequestid";
pub const SYSTEM_GLN: &str = "urn:oid:1.3.6.1.4.1.9979.1"; // *inferred*: GS1 GLN
pub const SYSTEM_HSA_ID: &str = "urn:oid:1.2.752.129.2.1.4.1";
pub const SYSTEM_NPL_ID: &str = "http://electronichealth.se/fhir/NamingSystem/nplid";
pub const SYSTEM_NPL_PACK_ID: &str = "http://electronichealth.se/fhir/NamingSystem/nplpackid";
pub const SYSTEM_VARUNUMMER: &str = "http://electronichealth.se/fhir/NamingSystem/varunr";
pub const SYSTEM_ATC: &str = "http://www.whocc.no/atc";
pub const SYSTEM_ERROR_CODES: &str = "http://electronichealth.se/CodeSystem/error-codes"; // *inferred*
pub const SYSTEM_SECURITY_LABEL: &str = "http://hl7.se/fhir/ig/base/CodeSystem/SecurityLabel";
pub const SYSTEM_PROFESSION: &str = "http://electronichealth.se/CodeSystem/profession"; // *inferred*
pub const SYSTEM_BASIC_CODE: &str = "http://electronichealth.se/CodeSystem/basic-code"; // *inferred*

// Basic.code values
pub const BASIC_MEDLISTINFO: &str = "medlistinfo";
pub const BASIC_DATALOCK: &str = "datalock";

/// Protection labels in `Patient.meta.security` (ASSUMED codes; configurable in policy overrides).
pub const SECURITY_SEKRETESSMARKERING: &str = "sekretessmarkering";
pub const SECURITY_SKYDDAD_FOLKBOKFORING: &str = "skyddadFolkbokforing";
/// The name NLL gives a patient with protected personal data.
pub const PROTECTED_NAME: &str = "Personuppgift skyddad";

// Profiles
pub const PROFILE_PATIENT: &str = "http://electronichealth.se/fhir/StructureDefinition/NLLPatient";
pub const PROFILE_MEDICATION_REQUEST: &str =
    "http://electronichealth.se/fhir/StructureDefinition/NLLMedicationRequest";
pub const PROFILE_MEDICATION_DISPENSE: &str =
    "http://electronichealth.se/fhir/StructureDefinition/NLLMedicationDispense";
pub const PROFILE_DISPENSE_PAPER: &str =
    "http://electronichealth.se/fhir/StructureDefinition/NLLDispensePaperPrescription";
pub const PROFILE_PRACTITIONER: &str =
    "http://electronichealth.se/fhir/StructureDefinition/NLLPractitioner";
pub const PROFILE_DATA_LOCK: &str =
    "http://electronichealth.se/fhir/StructureDefinition/NLLDataLock";
pub const PROFILE_MEDICATION_LIST_INFO: &str =
    "http://electronichealth.se/fhir/StructureDefinition/NLLMedicationListInfo";
pub const PROFILE_RELATED_PERSON: &str =
    "http://electronichealth.se/fhir/StructureDefinition/NLLRelatedPerson";
pub const PROFILE_OPERATION_OUTCOME: &str =
    "http://electronichealth.se/fhir/StructureDefinition/NLLOperationOutcome";

// Extensions (full URLs = SD_BASE + name)
pub const EXT_CONTROLLED_DRUGS: &str =
    "http://electronichealth.se/fhir/StructureDefinition/nllControlledDrugs";
pub const EXT_MEDICATIONLIST_VERSION: &str =
    "http://electronichealth.se/fhir/StructureDefinition/nllMedicationlistVersion";
pub const EXT_PRIVACY_LOCK: &str =
    "http://electronichealth.se/fhir/StructureDefinition/nllPrivacyLock";
/// *inferred*: list-info flag for protected personal data (one of the fail-closed signals).
pub const EXT_PROTECTED_PERSON: &str =
    "http://electronichealth.se/fhir/StructureDefinition/nllProtectedPersonalData";
/// *inferred*: list-info flag that the patient has a dos consent (multi-dose dispensing).
pub const EXT_DOS_PATIENT: &str =
    "http://electronichealth.se/fhir/StructureDefinition/nllDosPatient";
pub const EXT_MUNICIPALITY_CODE: &str =
    "http://electronichealth.se/fhir/StructureDefinition/NLLMunicipalityCode";
pub const EXT_REGION_CODE: &str =
    "http://electronichealth.se/fhir/StructureDefinition/NLLRegionCode";
pub const EXT_POPULATION_REGISTERED: &str =
    "http://electronichealth.se/fhir/StructureDefinition/NLLPopulationRegistered";
pub const EXT_RECEIVING_PHARMACY: &str =
    "http://electronichealth.se/fhir/StructureDefinition/nllReceivingPharmacy";
pub const EXT_PRESCRIPTION_CHAIN: &str =
    "http://electronichealth.se/fhir/StructureDefinition/nllPrescriptionChain";
pub const EXT_TREATMENT_REASON: &str =
    "http://electronichealth.se/fhir/StructureDefinition/nllPatientTreatmentReason";
pub const EXT_DATA_ABSENT_REASON: &str =
    "http://electronichealth.se/fhir/StructureDefinition/nlldataAbsentReason";
/// *inferred*: benefit text on a prescription ("med förmån", "utan förmån", …).
pub const EXT_BENEFIT: &str = "http://electronichealth.se/fhir/StructureDefinition/nllBenefit";
/// *inferred*: the prescription is for a dos patient (multi-dose dispensing).
pub const EXT_DOS_PRESCRIPTION: &str =
    "http://electronichealth.se/fhir/StructureDefinition/nllDosPrescription";
/// *inferred*: the dose pharmacy (name, phone) of a dos prescription.
pub const EXT_DOSE_PHARMACY: &str =
    "http://electronichealth.se/fhir/StructureDefinition/nllDosePharmacy";
/// *inferred*: consumable (handelsvara) rather than a medicine.
pub const EXT_CONSUMABLE: &str =
    "http://electronichealth.se/fhir/StructureDefinition/nllConsumable";
pub const EXT_NUMBER_OF_PACKAGES: &str =
    "http://electronichealth.se/fhir/StructureDefinition/nllNumberOfPackagesDispensed";
pub const EXT_ACTOR_DISPATCH_ID: &str =
    "http://electronichealth.se/fhir/StructureDefinition/nllActorDispatchId";
pub const EXT_DISPATCH_ID: &str =
    "http://electronichealth.se/fhir/StructureDefinition/nllDispatchId";
pub const EXT_BENEFIT_CHOICE_CODE: &str =
    "http://electronichealth.se/fhir/StructureDefinition/nllBenefitChoiceCode";
pub const EXT_DISPATCH_ROW_NO: &str =
    "http://electronichealth.se/fhir/StructureDefinition/nllDispatchRowNo";
pub const EXT_DEDUCTED_QUANTITY: &str =
    "http://electronichealth.se/fhir/StructureDefinition/nllDeductedQuantity";
pub const EXT_COMPLETE_PRESCRIPTION_CHOICE: &str =
    "http://electronichealth.se/fhir/StructureDefinition/nllCompletePrescriptionChoice";
/// *inferred*: a credited (krediterad) dispense: a complex extension with sub-extensions
/// [`SUB_DATE`] (valueDate) and [`SUB_COMMENT`] (valueString).
pub const EXT_CREDITED: &str = "http://electronichealth.se/fhir/StructureDefinition/nllCredited";
/// *inferred*: practitioner's workplace (name, code, address, phone) as a complex extension.
pub const EXT_WORKPLACE: &str = "http://electronichealth.se/fhir/StructureDefinition/nllWorkplace";
pub const EXT_USER_ACRONYM: &str =
    "http://electronichealth.se/fhir/StructureDefinition/userAcronym";
/// *inferred*: NLLDataLock details (kind, scope, content, against, chain).
pub const EXT_LOCK_KIND: &str = "http://electronichealth.se/fhir/StructureDefinition/nllLockKind";
pub const EXT_LOCK_SCOPE: &str = "http://electronichealth.se/fhir/StructureDefinition/nllLockScope";
pub const EXT_LOCK_CONTENT: &str =
    "http://electronichealth.se/fhir/StructureDefinition/nllLockContent";
pub const EXT_LOCK_AGAINST: &str =
    "http://electronichealth.se/fhir/StructureDefinition/nllLockAgainst";

/// *project-defined*: the article register's product details carried on
/// `medicationCodeableConcept.extension` (NLL itself leaves them to the article register /
/// `Medication` by NPL pack id). A complex extension with sub-extensions, each valueString:
/// [`SUB_NAME`], [`SUB_SUBSTANCE`], [`SUB_FORM`], [`SUB_STRENGTH`], [`SUB_PACK_SIZE`].
pub const EXT_PRODUCT_DETAILS: &str =
    "http://electronichealth.se/fhir/StructureDefinition/nllProductDetails";

// Sub-extension urls (relative names inside complex extensions: workplace, dose pharmacy,
// credited, product details).
pub const SUB_NAME: &str = "name";
pub const SUB_CODE: &str = "code";
pub const SUB_ADDRESS: &str = "address";
pub const SUB_PHONE: &str = "phone";
pub const SUB_DATE: &str = "date";
pub const SUB_COMMENT: &str = "comment";
pub const SUB_SUBSTANCE: &str = "substance";
pub const SUB_FORM: &str = "form";
pub const SUB_STRENGTH: &str = "strength";
pub const SUB_PACK_SIZE: &str = "packSize";

// NLLDataLock codes (*inferred*), valueCode of the EXT_LOCK_* extensions.
pub const LOCK_KIND_PRIVACY: &str = "privacy";
pub const LOCK_KIND_CONFIDENTIALITY: &str = "confidentiality";
pub const LOCK_SCOPE_CHAIN: &str = "prescription-chain";
pub const LOCK_SCOPE_PAPER: &str = "paper-dispenses";
pub const LOCK_CONTENT_WHOLE: &str = "whole";
pub const LOCK_CONTENT_REASON: &str = "treatment-reason";
pub const LOCK_AGAINST_CARE: &str = "care";
pub const LOCK_AGAINST_GUARDIAN: &str = "guardian";
pub const LOCK_AGAINST_PATIENT: &str = "patient";

/// Local ids of contained resources as the test server writes them (`#prescriber`, …). The model
/// resolves any local reference, so these are a convention, not a requirement.
pub const CONTAINED_PRESCRIBER: &str = "prescriber";
pub const CONTAINED_PATIENT: &str = "patient";
/// The dispensing pharmacy: a contained `Location` referenced from `MedicationDispense.location`.
pub const CONTAINED_PHARMACY: &str = "pharmacy";
/// A paper prescription's details: a contained `MedicationRequest` in the dispense.
pub const CONTAINED_PAPER_PRESCRIPTION: &str = "paper-prescription";

/// FHIR data-absent-reason code NLL gives a filtered treatment reason (`nlldataAbsentReason`).
pub const DATA_ABSENT_MASKED: &str = "masked";

/// RelatedPerson.relationship for a guardian (HL7 v3 RoleCode `GUARD`).
pub const SYSTEM_V3_ROLE_CODE: &str = "http://terminology.hl7.org/CodeSystem/v3-RoleCode";
pub const ROLE_CODE_GUARDIAN: &str = "GUARD";

/// A header in no published table (NLL.md §2) for the agent's 12-digit personnummer in the
/// Ombud flow. Never sent unless the policy file turns it on (`[headers] agent_id = true`), should
/// EHM publish such a header; the client checks the power of attorney in the register itself.
pub const H_AGENT_ID: &str = "X-Agent-Id";
/// As [`H_AGENT_ID`], for the guardian in the Vårdnadshavare flow (`[headers] guardian_id`); the
/// client checks the guardian relation (RelatedPerson, TA 08) itself.
pub const H_GUARDIAN_ID: &str = "X-Guardian-Id";

/// Full extension URL for a short name.
pub fn ext(name: &str) -> String {
    format!("{SD_BASE}{name}")
}

/// A FHIR logical id (`[A-Za-z0-9\-\.]{1,64}`, FHIR R4 §2.1.28.0.1). NLL's ids end up in a
/// header (`X-PatientRef`) and in URLs; anything else in their place is a malformed answer.
pub fn is_resource_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

#[cfg(test)]
mod tests {
    use super::is_resource_id;

    #[test]
    fn resource_ids_are_what_fhir_allows() {
        for ok in [
            "3f2b8c1e-5a4d-4e7f-9b6a-1c2d3e4f5a6b",
            "a",
            "A.b-9",
            &"x".repeat(64),
        ] {
            assert!(is_resource_id(ok), "{ok}");
        }
        for bad in [
            "",
            "a b",
            "a/b",
            "a\r\nX-Evil: 1",
            "ä",
            "a%2F",
            &"x".repeat(65),
        ] {
            assert!(!is_resource_id(bad), "{bad:?}");
        }
    }
}
