//! hashtrend's integration tests, one module per capability.

mod conformance;
mod extract;
