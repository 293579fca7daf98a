//! The chain's central access log on PostgreSQL and the access review (åtkomstkontroll).
//!
//! Every counter keeps its local log (SQLite, `nll_client::access_log`); that log is also its
//! outbox. [`push`] forwards the rows not yet acknowledged to one central table, in batches and
//! idempotently by the row's UUID. The chain's compliance officer then runs [`rules`] over a
//! period and gets one HTML [`report`].
//!
//! - [`connect`]: a connection (TLS verify-full unless loopback; password or client certificate).
//! - [`schema`]: versioned migrations, the monthly partitions, least-privilege roles.
//! - [`row`]: the central row, the one mapping from a local row, the one batch INSERT.
//! - [`push`]: forwarding, exactly once, remembering how far it got.
//! - [`verify`]: every workstation's hash chain checked centrally.
//! - [`rules`], [`staff`], [`report`]: the review, the staff list's keyed hashes, HTML and CSV.
//! - [`bench`]: a synthetic chain for the benchmark.
//!
//! Nothing here depends on Tauri; nothing else in the workspace depends on PostgreSQL.

pub mod bench;
pub mod connect;
pub mod push;
pub mod report;
pub mod row;
pub mod rules;
pub mod schema;
pub mod staff;
pub mod verify;

#[doc(hidden)]
pub mod testdb;

pub use connect::connect;
