//! hashtrend's integration tests, one module per capability.

mod util;

mod conformance;
mod counts;
mod extract;
mod reference;
