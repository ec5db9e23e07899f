//! hashtrend's integration tests, one module per capability.

mod util;

mod cli;
mod conformance;
mod counts;
mod extract;
mod formats;
mod inputs;
mod reference;
mod robust;
mod trend;
