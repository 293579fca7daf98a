//! The NLL domain for the pharmacy counter. Pure Rust, no I/O.
//!
//! Data flow: `policy` decides whether a flow may run and builds a request context; `headers`
//! turns it into NLL's request headers; `model` reads NLL's FHIR JSON; `list` builds the
//! medication-list view model; `masking` hides location-revealing data for protected patients.

pub mod fhir;
pub mod headers;
pub mod ids;
pub mod list;
pub mod masking;
pub mod model;
pub mod policy;
pub mod view;
pub mod vocab;

pub use view::*;
pub use vocab::*;
