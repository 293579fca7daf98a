//! NLLOperationOutcome: what NLL says when it refuses or warns.

use serde_json::Value;

use super::read::Reader;
use super::{Coding, ModelError, RawJson};
use crate::fhir as F;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// `fatal`, `error`, `warning`, `information`.
    pub severity: Option<String>,
    /// FHIR issue type (`business-rule`, `forbidden`, …).
    pub code: Option<String>,
    /// `details.coding[]`.
    pub details: Vec<Coding>,
    pub details_text: Option<String>,
    pub diagnostics: Option<String>,
}

impl Issue {
    /// NLL's error code (`2-25-182`): the coding in `F::SYSTEM_ERROR_CODES`, else the first code.
    pub fn error_code(&self) -> Option<&str> {
        self.details
            .iter()
            .find(|c| c.system.as_deref() == Some(F::SYSTEM_ERROR_CODES))
            .or(self.details.first())
            .and_then(|c| c.code.as_deref())
    }

    /// The sentence to show: `details.text`, else `diagnostics`.
    pub fn text(&self) -> Option<&str> {
        self.details_text.as_deref().or(self.diagnostics.as_deref())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct OperationOutcome {
    pub id: Option<String>,
    pub issues: Vec<Issue>,
    pub raw: RawJson,
}

impl OperationOutcome {
    /// Reads it from its JSON tree; `raw` is its JSON text (a range of its page, or the tree
    /// written out: [`Resource::from_value`](super::Resource::from_value)).
    pub(crate) fn read_with_raw(
        owned: Value,
        raw: RawJson,
    ) -> Result<OperationOutcome, ModelError> {
        let v = &owned;
        let r = Reader::for_resource(v, "OperationOutcome");
        r.obj(v, "")?;
        let mut issues = Vec::new();
        for (i, is) in r.array(v, "issue", "")?.iter().enumerate() {
            let p = format!("issue[{i}]");
            r.obj(is, &p)?;
            let (details, details_text) = match r.opt_obj(is, "details", &p)? {
                Some(d) => {
                    let dp = format!("{p}.details");
                    (r.codings(d, &dp)?, r.opt_str(d, "text", &dp)?)
                }
                None => (Vec::new(), None),
            };
            issues.push(Issue {
                severity: r.opt_str(is, "severity", &p)?,
                code: r.opt_str(is, "code", &p)?,
                details,
                details_text,
                diagnostics: r.opt_str(is, "diagnostics", &p)?,
            });
        }
        Ok(OperationOutcome {
            id: r.opt_str(v, "id", "")?,
            issues,
            raw,
        })
    }

    /// The first issue of severity `fatal` or `error`, else the first issue.
    pub fn main_issue(&self) -> Option<&Issue> {
        self.issues
            .iter()
            .find(|i| matches!(i.severity.as_deref(), Some("fatal" | "error")))
            .or(self.issues.first())
    }

    /// Any issue is an error (`fatal` or `error`).
    pub fn is_error(&self) -> bool {
        self.issues
            .iter()
            .any(|i| matches!(i.severity.as_deref(), Some("fatal" | "error")))
    }
}
