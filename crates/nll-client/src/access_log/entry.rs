//! The rows: what each kind records, and the one place rows are built ([`NewEntry`]'s
//! constructors). A row never holds a personnummer, a name, a printout's content, a file path
//! or a secret.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What a row records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum EntryKind {
    /// A request sent to NLL (or the power-of-attorney register).
    Request,
    /// The access policy refused a flow (no request was sent for it).
    Denial,
    /// A masked field was revealed on purpose.
    Reveal,
    /// A printout printed or saved as a PDF (or the attempt that failed): data leaving the
    /// pharmacy.
    Printout,
    /// A user logged in (live or training).
    Login,
    /// A user logged out.
    Logout,
    /// The access log (or part of it) was exported.
    Export,
    /// A privileged setting was changed (NLL address, certificate, token source, policy).
    Setting,
}

impl EntryKind {
    pub const ALL: [EntryKind; 8] = [
        EntryKind::Request,
        EntryKind::Denial,
        EntryKind::Reveal,
        EntryKind::Printout,
        EntryKind::Login,
        EntryKind::Logout,
        EntryKind::Export,
        EntryKind::Setting,
    ];

    /// The value stored in the file and the CSV.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Request => "request",
            EntryKind::Denial => "denial",
            EntryKind::Reveal => "reveal",
            EntryKind::Printout => "printout",
            EntryKind::Login => "login",
            EntryKind::Logout => "logout",
            EntryKind::Export => "export",
            EntryKind::Setting => "setting",
        }
    }

    pub fn parse(s: &str) -> Option<EntryKind> {
        EntryKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The kind in words, as *Logg* and `nllc log` show it.
    pub fn label_sv(self) -> &'static str {
        match self {
            EntryKind::Request => "anrop",
            EntryKind::Denial => "nekad",
            EntryKind::Reveal => "visning",
            EntryKind::Printout => "utskrift",
            EntryKind::Login => "inloggning",
            EntryKind::Logout => "utloggning",
            EntryKind::Export => "export",
            EntryKind::Setting => "inställning",
        }
    }
}

/// The computer account, as rows name the user of an act outside a login (an export with
/// `nllc`, a setting changed before logging in): `konto:<name>`.
pub fn computer_account() -> String {
    let name = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "okänt".to_string());
    format!("konto:{name}")
}

/// Live NLL or the built-in training server: named on login and logout rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Live,
    Training,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Live => "live",
            Mode::Training => "training",
        }
    }
}

/// How a printout ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrintOutcome {
    /// Sent to a printer.
    Printed,
    /// Saved as a PDF file (its path is not logged).
    Saved,
    /// Neither: the reason in words, never the content or a path.
    Failed(String),
}

/// A printout as its row records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Printout<'a> {
    /// The printout's kind (e.g. `uthamtade`).
    pub kind: &'a str,
    pub pages: u32,
    pub copies: u32,
    /// The printer, or `None` when saved to a file.
    pub printer: Option<&'a str>,
    /// Whether the printout showed the masked view.
    pub masked: bool,
    pub outcome: PrintOutcome,
}

/// Who acted: the user and the role every row names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor<'a> {
    /// HSA-id (or the configured user name); for an act before login, the computer account.
    pub user: &'a str,
    /// `FARMACEUT` / `APOTEKSPERSONAL`, empty when nobody is logged in.
    pub role: &'a str,
}

/// Why: the counter flow and the purpose and access-type codes sent (or that would be).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Why<'a> {
    pub flow: &'a str,
    pub purpose: &'a str,
    pub access: &'a str,
}

/// A row to append: what the caller records. The log adds the row's UUID, time, pharmacy,
/// workstation, app version and hashes (see [`crate::access_log::LogEntry`]).
///
/// Fields a kind does not use are empty (`""`) or `None`: `flow`, `purpose` and `access` are
/// empty on login, logout, export and setting rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewEntry {
    pub kind: EntryKind,
    pub user: String,
    /// `FARMACEUT` / `APOTEKSPERSONAL`.
    pub role: String,
    /// `expediering`, `ombud`, …
    pub flow: String,
    /// The purpose and access-type codes sent (or that would have been sent).
    pub purpose: String,
    pub access: String,
    /// `patient`, `list-info`, `medication-request`, …, `power-of-attorney`; for a reveal the
    /// masked field's kind; for a printout its kind; for an export its format (`csv`).
    pub resource: Option<String>,
    /// NLL's logical id of the patient.
    pub patient_ref: Option<String>,
    /// The patient's keyed hash (HMAC-SHA-256 of the personnummer with the chain's key, hex),
    /// when the chain's key is configured: lets the review find lookups of colleagues without a
    /// personnummer in any log (`patient_key`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub patient_key: Option<String>,
    pub protected: Option<bool>,
    pub request_id: Option<String>,
    /// The counter session (one customer); empty for rows outside one.
    pub context_id: String,
    /// `ok`, `http 422`, `timeout`, `cancelled`, `denied: <rule>`, `revealed`, `printed`,
    /// `saved`, `failed: <reason>`, `changed` …
    pub outcome: String,
    pub http_status: Option<u16>,
    pub nll_code: Option<String>,
    /// For a reveal the field's key (e.g. `patient.address`), never its value; for a setting
    /// the setting's key (e.g. `nll.base_url`), never its value.
    pub field_key: Option<String>,
    /// Login and logout: `live` or `training`.
    pub mode: Option<String>,
    /// A printout sent to a printer: the printer's name (`None` when saved to a file).
    pub printer: Option<String>,
    /// A printout: its pages and copies.
    pub pages: Option<u32>,
    pub copies: Option<u32>,
    /// A printout: whether it showed the masked view.
    pub masked: Option<bool>,
    /// A short, non-secret detail in words (an export: how many rows and which filter).
    pub detail: Option<String>,
}

impl NewEntry {
    /// The common part of every row; the constructors below fill in their kind's fields.
    fn base(kind: EntryKind, who: Actor<'_>, outcome: impl Into<String>) -> NewEntry {
        NewEntry {
            kind,
            user: who.user.to_string(),
            role: who.role.to_string(),
            flow: String::new(),
            purpose: String::new(),
            access: String::new(),
            resource: None,
            patient_ref: None,
            patient_key: None,
            protected: None,
            request_id: None,
            context_id: String::new(),
            outcome: outcome.into(),
            http_status: None,
            nll_code: None,
            field_key: None,
            mode: None,
            printer: None,
            pages: None,
            copies: None,
            masked: None,
            detail: None,
        }
    }

    fn why(mut self, why: Why<'_>, context_id: &str) -> NewEntry {
        self.flow = why.flow.to_string();
        self.purpose = why.purpose.to_string();
        self.access = why.access.to_string();
        self.context_id = context_id.to_string();
        self
    }

    /// Whom the row is about: NLL's patient reference and whether the patient is protected.
    pub fn patient(mut self, patient_ref: Option<String>, protected: Option<bool>) -> NewEntry {
        self.patient_ref = patient_ref;
        self.protected = protected;
        self
    }

    /// The patient's keyed hash (see [`crate::access_log::patient_key`]); `None` without the
    /// chain's key.
    pub fn patient_key(mut self, key: Option<String>) -> NewEntry {
        self.patient_key = key;
        self
    }

    /// A request sent to NLL for `resource`, with its outcome (`ok`, `http 422`, …).
    pub fn request(
        who: Actor<'_>,
        why: Why<'_>,
        context_id: &str,
        resource: &str,
        request_id: &str,
        outcome: impl Into<String>,
    ) -> NewEntry {
        let mut e = NewEntry::base(EntryKind::Request, who, outcome).why(why, context_id);
        e.resource = Some(resource.to_string());
        e.request_id = Some(request_id.to_string());
        e
    }

    /// The HTTP status and NLL's error code of a request's answer.
    pub fn answer(mut self, http_status: Option<u16>, nll_code: Option<String>) -> NewEntry {
        self.http_status = http_status;
        self.nll_code = nll_code;
        self
    }

    /// The access policy refused the flow by `rule`.
    pub fn denial(who: Actor<'_>, why: Why<'_>, context_id: &str, rule: &str) -> NewEntry {
        NewEntry::base(EntryKind::Denial, who, format!("denied: {rule}")).why(why, context_id)
    }

    /// A masked field revealed: its kind and key, never its value.
    pub fn reveal(
        who: Actor<'_>,
        why: Why<'_>,
        context_id: &str,
        field_kind: &str,
        field_key: &str,
    ) -> NewEntry {
        let mut e = NewEntry::base(EntryKind::Reveal, who, "revealed").why(why, context_id);
        e.resource = Some(field_kind.to_string());
        e.field_key = Some(field_key.to_string());
        e
    }

    /// A printout printed, saved or failed: never its content or a file's path.
    pub fn printout(who: Actor<'_>, why: Why<'_>, context_id: &str, p: &Printout<'_>) -> NewEntry {
        let outcome = match &p.outcome {
            PrintOutcome::Printed => "printed".to_string(),
            PrintOutcome::Saved => "saved".to_string(),
            PrintOutcome::Failed(why) => format!("failed: {why}"),
        };
        let mut e = NewEntry::base(EntryKind::Printout, who, outcome).why(why, context_id);
        e.resource = Some(p.kind.to_string());
        e.pages = Some(p.pages);
        e.copies = Some(p.copies);
        e.printer = p.printer.map(str::to_string);
        e.masked = Some(p.masked);
        e
    }

    /// A login (`outcome` `ok`, or `failed: <code>`).
    pub fn login(who: Actor<'_>, mode: Mode, outcome: impl Into<String>) -> NewEntry {
        let mut e = NewEntry::base(EntryKind::Login, who, outcome);
        e.mode = Some(mode.as_str().to_string());
        e
    }

    pub fn logout(who: Actor<'_>, mode: Mode) -> NewEntry {
        let mut e = NewEntry::base(EntryKind::Logout, who, "ok");
        e.mode = Some(mode.as_str().to_string());
        e
    }

    /// An export of `rows` rows in `format` (`csv`); `filter` says which rows, in words.
    pub fn export(
        who: Actor<'_>,
        format: &str,
        rows: usize,
        filter: &str,
        outcome: impl Into<String>,
    ) -> NewEntry {
        let mut e = NewEntry::base(EntryKind::Export, who, outcome);
        e.resource = Some(format.to_string());
        e.detail = Some(if filter.is_empty() {
            format!("{rows} rader")
        } else {
            format!("{rows} rader; {filter}")
        });
        e
    }

    /// A privileged setting changed: its key, never its value.
    pub fn setting(who: Actor<'_>, key: &str) -> NewEntry {
        let mut e = NewEntry::base(EntryKind::Setting, who, "changed");
        e.field_key = Some(key.to_string());
        e
    }
}
