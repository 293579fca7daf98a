//! Identifiers: personnummer, samordningsnummer, GLN, HSA-id. (in progress)
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum IdKind {
    Personnummer,
    Samordningsnummer,
}
