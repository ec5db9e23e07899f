//! Arbitrary bytes read as a JSON document (array, X archive `tweets.js`, pretty-printed objects), and with the format sniffed: never a panic,
//! and the same report with chunks of 1..=64 bytes (from the first byte) as
//! with the default chunk size.
#![no_main]

mod common;

use hashtrend::source::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let chunk = common::small_chunk(data);
    common::same_report_whatever_the_chunks(data, Some(Format::JsonArray), chunk);
    common::same_report_whatever_the_chunks(data, None, chunk);
});
