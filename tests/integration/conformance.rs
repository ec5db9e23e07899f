//! twitter-text's conformance suite: the 172 hashtag records of
//! `hashtags.jsonl`, read from the folder named by the environment variable
//! `HASHTREND_CONFORMANCE_DIR` (CI sets it to
//! `../shared/conformance/twitter-text`). Each record gives a text and the
//! tags expected from it; some also give their code-point indices.
//!
//! Without the variable the test says it was skipped and passes, so that
//! `cargo test` works outside the project's workspace; with the variable set,
//! a missing folder or file is a failure.

use std::fmt::Write as _;
use std::path::PathBuf;

use hashtrend::hashtag::hashtags;
use serde_json::Value;

/// How many records `hashtags.jsonl` holds (see its `SOURCE.md`).
const RECORDS: usize = 172;

#[test]
fn all_hashtag_records_pass() {
    let Some(dir) = std::env::var_os("HASHTREND_CONFORMANCE_DIR") else {
        eprintln!(
            "conformance: skipped, because HASHTREND_CONFORMANCE_DIR is not set; \
             set it to the folder holding twitter-text's hashtags.jsonl \
             (CI uses ../shared/conformance/twitter-text)"
        );
        return;
    };
    let path = PathBuf::from(dir).join("hashtags.jsonl");
    let data = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("conformance: cannot read {}: {e}", path.display()));

    let mut checked = 0;
    let mut failures = String::new();
    let mut failed = 0;
    for (number, line) in data.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let where_ = format!("{}:{}", path.display(), number + 1);
        let record: Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("conformance: {where_}: not a JSON record: {e}"));
        let text = field_str(&record, "text", &where_);
        let expected: Vec<&str> = record["expected"]
            .as_array()
            .unwrap_or_else(|| panic!("conformance: {where_}: `expected` is not a list"))
            .iter()
            .map(|tag| {
                tag.as_str()
                    .unwrap_or_else(|| panic!("conformance: {where_}: a tag is not a string"))
            })
            .collect();
        let expected_indices: Option<Vec<[u64; 2]>> = record.get("indices").map(|indices| {
            serde_json::from_value(indices.clone())
                .unwrap_or_else(|e| panic!("conformance: {where_}: bad `indices`: {e}"))
        });

        let found: Vec<_> = hashtags(text).collect();
        let actual: Vec<&str> = found.iter().map(|h| h.tag).collect();
        let actual_indices: Vec<[u64; 2]> = found
            .iter()
            .map(|h| {
                let span = h.code_point_span(text);
                [span.start as u64, span.end as u64]
            })
            .collect();
        let tags_ok = actual == expected;
        let indices_ok = expected_indices
            .as_ref()
            .is_none_or(|want| *want == actual_indices);
        if !(tags_ok && indices_ok) {
            failed += 1;
            let _ = writeln!(
                failures,
                "--- {} › {} › case {}: {}\n\
                 text:     {:?}\n\
                 expected: {:?}{}\n\
                 actual:   {:?}{}\n",
                field_str(&record, "file", &where_),
                field_str(&record, "section", &where_),
                record["case"],
                field_str(&record, "description", &where_),
                text,
                expected,
                expected_indices
                    .as_ref()
                    .map_or(String::new(), |i| format!(" at {i:?}")),
                actual,
                expected_indices
                    .as_ref()
                    .map_or(String::new(), |_| format!(" at {actual_indices:?}")),
            );
        }
        checked += 1;
    }

    assert!(
        failed == 0,
        "conformance: {failed} of {checked} records failed:\n\n{failures}"
    );
    assert_eq!(
        checked,
        RECORDS,
        "conformance: {} should hold {RECORDS} records",
        path.display()
    );
}

/// The string field `name` of `record`, or a panic that says where.
fn field_str<'r>(record: &'r Value, name: &str, where_: &str) -> &'r str {
    record[name]
        .as_str()
        .unwrap_or_else(|| panic!("conformance: {where_}: `{name}` is missing or not a string"))
}
