//! hashtrend against an independent reference implementation on a larger
//! synthetic export: the reference reads the CSV with the `csv` crate,
//! parses times with chrono, and counts with plain maps and sets, one post
//! at a time. Only the hashtag extractor is shared (it is checked on its own
//! against the twitter-text conformance suite).

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Timelike};
use hashtrend::synth::{self, SynthOptions};
use unicode_normalization::UnicodeNormalization;

use crate::util::run_all_ways;

#[derive(Default, Debug, PartialEq, Eq)]
struct Cell {
    posts: u64,
    occurrences: u64,
    authors: HashSet<String>,
}

/// (hour start, key) → counts, from the CSV export.
fn reference(csv_path: &std::path::Path) -> BTreeMap<(i64, String), (u64, u64, u64)> {
    let mut cells: BTreeMap<(i64, String), Cell> = BTreeMap::new();
    let mut seen = HashSet::new();
    let mut reader = csv::Reader::from_path(csv_path).unwrap();
    for rec in reader.records() {
        let rec = rec.unwrap();
        let (id, time, author, text) = (&rec[0], &rec[1], &rec[2], &rec[3]);
        if !seen.insert(id.to_owned()) {
            continue;
        }
        let t = DateTime::parse_from_rfc3339(time).unwrap();
        let hour = t.timestamp() - i64::from(t.minute() * 60 + t.second());
        let mut in_post = HashSet::new();
        for h in hashtrend::hashtag::hashtags(text) {
            let key = h.tag.nfkc().collect::<String>().to_lowercase();
            let cell = cells.entry((hour, key.clone())).or_default();
            cell.occurrences += 1;
            if in_post.insert(key) {
                cell.posts += 1;
                cell.authors.insert(author.to_owned());
            }
        }
    }
    cells
        .into_iter()
        .map(|(k, c)| (k, (c.posts, c.occurrences, c.authors.len() as u64)))
        .collect()
}

#[test]
fn hourly_counts_equal_the_reference_in_csv_and_jsonl() {
    let dir = tempfile::tempdir().unwrap();
    let posts = synth::generate(&SynthOptions {
        posts: 6_000,
        seed: 7,
        ..Default::default()
    });
    let csv_path = dir.path().join("posts.csv");
    let jsonl_path = dir.path().join("posts.jsonl");
    synth::write_csv(&posts, std::fs::File::create(&csv_path).unwrap()).unwrap();
    synth::write_jsonl(&posts, std::fs::File::create(&jsonl_path).unwrap()).unwrap();
    let want = reference(&csv_path);
    assert!(
        want.len() > 1000,
        "the sample should have many (hour, tag) cells"
    );
    for path in [&csv_path, &jsonl_path] {
        assert_counts(path, &want);
    }
}

/// Posts out of time order: counting keeps each spelling's last cell to
/// skip a lookup while the bucket stays the same, and must not reuse it
/// when the bucket changes back and forth.
#[test]
fn hourly_counts_of_shuffled_posts_equal_the_reference() {
    let dir = tempfile::tempdir().unwrap();
    let mut posts = synth::generate(&SynthOptions {
        posts: 6_000,
        seed: 11,
        ..Default::default()
    });
    let mut x: u64 = 3;
    for i in (1..posts.len()).rev() {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        posts.swap(i, (x >> 33) as usize % (i + 1));
    }
    let csv_path = dir.path().join("shuffled.csv");
    synth::write_csv(&posts, std::fs::File::create(&csv_path).unwrap()).unwrap();
    let want = reference(&csv_path);
    assert!(want.len() > 1000);
    assert_counts(&csv_path, &want);
}

/// hashtrend's hourly cells of `path`, every way it can run, equal `want`.
fn assert_counts(path: &std::path::Path, want: &BTreeMap<(i64, String), (u64, u64, u64)>) {
    let report = run_all_ways(&[path.to_path_buf()], |b| {
        b.bucket("hour".parse().unwrap());
    });
    let counts = report.counts();
    let got: BTreeMap<(i64, String), (u64, u64, u64)> = counts
        .cells()
        .iter()
        .map(|c| {
            let key = (
                counts.buckets()[c.bucket as usize],
                counts.tags()[c.tag as usize].key.clone(),
            );
            (
                key,
                (c.tallies.posts, c.tallies.occurrences, c.tallies.authors),
            )
        })
        .collect();
    assert_eq!(got.len(), want.len(), "{}", path.display());
    for (k, v) in want {
        assert_eq!(got.get(k), Some(v), "{k:?} in {}", path.display());
    }
}
