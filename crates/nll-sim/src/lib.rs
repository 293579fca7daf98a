//! The NLL test server (see README, section "The NLL test server").

pub mod catalogue;
pub mod pki;
mod rng;
