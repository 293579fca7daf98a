//! Basic resources: NLLMedicationListInfo and NLLDataLock.

use chrono::NaiveDate;
use serde_json::Value;

use super::read::{Reader, Res};
use super::ModelError;
use super::RawJson;
use crate::fhir as F;
use crate::view::{LockAgainst, LockContent, LockKind, LockScope};

pub(crate) enum BasicKind {
    ListInfo,
    DataLock,
}

/// Which Basic this is: by `code` first, then by profile; `None` = not one the model reads.
pub(crate) fn classify(r: &Reader, v: &Value) -> Res<Option<BasicKind>> {
    if let Some(code) = r.opt_obj(v, "code", "")? {
        for c in r.codings(code, "code")? {
            match c.code.as_deref() {
                Some(F::BASIC_MEDLISTINFO) => return Ok(Some(BasicKind::ListInfo)),
                Some(F::BASIC_DATALOCK) => return Ok(Some(BasicKind::DataLock)),
                _ => {}
            }
        }
    }
    let profiles = r.profiles(v)?;
    if profiles
        .iter()
        .any(|p| p == F::PROFILE_MEDICATION_LIST_INFO)
    {
        return Ok(Some(BasicKind::ListInfo));
    }
    if profiles.iter().any(|p| p == F::PROFILE_DATA_LOCK) {
        return Ok(Some(BasicKind::DataLock));
    }
    Ok(None)
}

/// NLLMedicationListInfo. Flags are `None` when NLL did not send them.
#[derive(Debug, Clone, PartialEq)]
pub struct ListInfo {
    pub id: Option<String>,
    pub subject: Option<String>,
    pub controlled_drugs: Option<bool>,
    pub version: Option<i64>,
    pub privacy_lock: Option<bool>,
    /// `F::EXT_PROTECTED_PERSON`: protected personal data (one of the fail-closed signals).
    pub protected_person: Option<bool>,
    pub dos_patient: Option<bool>,
    pub raw: RawJson,
}

impl ListInfo {
    /// Reads it from its JSON tree; `raw` is its JSON text (a range of its page, or the tree
    /// written out: [`Resource::from_value`](super::Resource::from_value)).
    pub(crate) fn read_with_raw(owned: Value, raw: RawJson) -> Result<ListInfo, ModelError> {
        let v = &owned;
        let r = Reader::for_resource(v, "Basic");
        r.obj(v, "")?;
        let version = match r.ext(v, F::EXT_MEDICATIONLIST_VERSION, "")? {
            Some(e) => r.ext_i64(&e)?,
            None => None,
        };
        Ok(ListInfo {
            id: r.opt_str(v, "id", "")?,
            subject: r.reference(v, "subject", "")?,
            controlled_drugs: r.flag(v, F::EXT_CONTROLLED_DRUGS, "")?,
            version,
            privacy_lock: r.flag(v, F::EXT_PRIVACY_LOCK, "")?,
            protected_person: r.flag(v, F::EXT_PROTECTED_PERSON, "")?,
            dos_patient: r.flag(v, F::EXT_DOS_PATIENT, "")?,
            raw,
        })
    }
}

/// NLLDataLock: a privacy lock (integritetsspärr) or confidentiality lock (sekretesspärr).
#[derive(Debug, Clone, PartialEq)]
pub struct DataLock {
    pub id: String,
    pub subject: Option<String>,
    pub created: Option<NaiveDate>,
    pub kind: LockKind,
    pub scope: LockScope,
    pub content: LockContent,
    pub against: LockAgainst,
    /// The locked prescription chain (scope `PrescriptionChain`).
    pub chain_id: Option<String>,
    pub raw: RawJson,
}

impl DataLock {
    /// Reads it from its JSON tree; `raw` is its JSON text (a range of its page, or the tree
    /// written out: [`Resource::from_value`](super::Resource::from_value)).
    pub(crate) fn read_with_raw(owned: Value, raw: RawJson) -> Result<DataLock, ModelError> {
        let v = &owned;
        let r = Reader::for_resource(v, "Basic");
        r.obj(v, "")?;
        // A lock must not be misread: every one of its four codes must be known.
        let code = |url: &str| -> Res<(String, String)> {
            let path = format!("extension[{}]", super::read::short(url));
            match r.text_ext(v, url, "")? {
                Some(c) => Ok((c, path)),
                None => Err(r.err(&path, "missing")),
            }
        };
        let unknown = |path: &str, c: &str| r.err(path, format!("unknown code {c:?}"));
        let (c, p) = code(F::EXT_LOCK_KIND)?;
        let kind = match c.as_str() {
            F::LOCK_KIND_PRIVACY => LockKind::Privacy,
            F::LOCK_KIND_CONFIDENTIALITY => LockKind::Confidentiality,
            _ => return Err(unknown(&p, &c)),
        };
        let (c, p) = code(F::EXT_LOCK_SCOPE)?;
        let scope = match c.as_str() {
            F::LOCK_SCOPE_CHAIN | "prescriptionChain" => LockScope::PrescriptionChain,
            F::LOCK_SCOPE_PAPER | "paperDispenses" => LockScope::PaperDispenses,
            _ => return Err(unknown(&p, &c)),
        };
        let (c, p) = code(F::EXT_LOCK_CONTENT)?;
        let content = match c.as_str() {
            F::LOCK_CONTENT_WHOLE => LockContent::Whole,
            F::LOCK_CONTENT_REASON | "treatmentReasonOnly" => LockContent::TreatmentReasonOnly,
            _ => return Err(unknown(&p, &c)),
        };
        let (c, p) = code(F::EXT_LOCK_AGAINST)?;
        let against = match c.as_str() {
            F::LOCK_AGAINST_CARE => LockAgainst::Care,
            F::LOCK_AGAINST_GUARDIAN => LockAgainst::Guardian,
            F::LOCK_AGAINST_PATIENT => LockAgainst::Patient,
            _ => return Err(unknown(&p, &c)),
        };
        let chain_id = r.text_ext(v, F::EXT_PRESCRIPTION_CHAIN, "")?;
        if scope == LockScope::PrescriptionChain && chain_id.is_none() {
            return Err(r.err(
                &format!(
                    "extension[{}]",
                    super::read::short(F::EXT_PRESCRIPTION_CHAIN)
                ),
                "missing: a prescription-chain lock must name its chain",
            ));
        }
        Ok(DataLock {
            id: r.req_str(v, "id", "")?,
            subject: r.reference(v, "subject", "")?,
            created: r.opt_date(v, "created", "")?,
            kind,
            scope,
            content,
            against,
            chain_id,
            raw,
        })
    }
}
