//! Counting on hand-counted fixtures (tests/fixtures/README.md explains every
//! expected number), through every code path and both input formats.

use hashtrend::SkipReason;
use hashtrend::rank::Measure;
use hashtrend::report::{count_rows, top_rows};

use crate::assert_blocks_eq;
use crate::util::{csv_of, expected, fixture, run_all_ways};

const FORMATS: [&str; 2] = ["clinic.csv", "clinic.jsonl"];

#[test]
fn per_day_counts_match_the_hand_count() {
    for f in FORMATS {
        let r = run_all_ways(&[fixture(f)], |_| {});
        assert_blocks_eq!(
            expected("clinic.count.csv"),
            csv_of(&count_rows(&r, Measure::Posts, None))
        );
    }
}

#[test]
fn overall_ranking_matches_the_hand_count() {
    for f in FORMATS {
        let r = run_all_ways(&[fixture(f)], |_| {});
        assert_blocks_eq!(
            expected("clinic.top.csv"),
            csv_of(&top_rows(&r, Measure::Posts, Some(20)))
        );
    }
}

#[test]
fn skipped_rows_are_counted_by_reason_with_their_lines() {
    // CSV lines: header 1; the duplicate of 102 on line 6, 107 on 10, 108 on
    // 11, 109 on 12. JSON lines: 5, 8, 9, 10.
    for (f, lines) in [
        ("clinic.csv", [6, 10, 11, 12]),
        ("clinic.jsonl", [5, 8, 9, 10]),
    ] {
        let r = run_all_ways(&[fixture(f)], |_| {});
        let d = r.diagnostics();
        let s = r.summary();
        assert_eq!(
            (s.records, s.posts, s.skipped, s.reposts),
            (13, 9, 4, 1),
            "{f}"
        );
        assert_eq!(s.posts_without_author, 1, "{f}");
        for reason in [
            SkipReason::DuplicateId,
            SkipReason::BadTime,
            SkipReason::MissingText,
            SkipReason::MissingTime,
        ] {
            assert_eq!(d.count(reason), 1, "{f} {reason}");
        }
        let got: Vec<(u64, SkipReason)> = d
            .samples()
            .iter()
            .map(|s| (s.location.line, s.reason))
            .collect();
        let want = [
            SkipReason::DuplicateId,
            SkipReason::BadTime,
            SkipReason::MissingText,
            SkipReason::MissingTime,
        ];
        assert_eq!(got, lines.into_iter().zip(want).collect::<Vec<_>>(), "{f}");
    }
}

#[test]
fn days_in_a_named_zone() {
    for f in FORMATS {
        let r = run_all_ways(&[fixture(f)], |b| {
            b.zone("America/New_York".parse().unwrap());
        });
        assert_blocks_eq!(
            expected("clinic.count.new_york.csv"),
            csv_of(&count_rows(&r, Measure::Posts, None))
        );
    }
}

#[test]
fn reposts_can_be_left_out() {
    for f in FORMATS {
        let r = run_all_ways(&[fixture(f)], |b| {
            b.exclude_reposts(true);
        });
        assert_blocks_eq!(
            expected("clinic.count.no_reposts.csv"),
            csv_of(&count_rows(&r, Measure::Posts, None))
        );
        assert_eq!(r.summary().reposts_excluded, 1);
    }
}

#[test]
fn duplicates_can_be_kept() {
    let r = run_all_ways(&[fixture("clinic.csv")], |b| {
        b.keep_duplicates(true);
    });
    // Post 102 counted twice: asco24 gains a post and 2 occurrences on 05-31,
    // bcsm a post and an occurrence; authors do not change (bob again).
    let asco = r.counts().total("asco24");
    assert_eq!((asco.posts, asco.occurrences, asco.authors), (4, 6, 2));
    let bcsm = r.counts().total("bcsm");
    assert_eq!((bcsm.posts, bcsm.occurrences, bcsm.authors), (6, 6, 3));
    assert_eq!(r.diagnostics().count(SkipReason::DuplicateId), 0);
}

/// Ids in order take a shortcut (an id above every id of its set goes
/// straight onto the set's sorted array); a copy of an early post far down
/// the file must still be found, and one out-of-order new id must still be
/// counted.
#[test]
fn a_late_copy_of_an_early_post_is_a_duplicate_after_ids_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("id,created_at,author_id,text\n");
    for id in 1..=300 {
        csv += &format!("{id},2024-06-01T10:00:00Z,a{},#inorder\n", id % 7);
    }
    // A copy of post 5 (its tag differs, as an edited export might have it),
    // then 1000, a new id above the ids after it, which so take the general
    // path although they are new.
    csv += "5,2024-06-01T10:00:00Z,z,#copy\n";
    csv += "1000,2024-06-01T10:00:00Z,z,#late\n";
    for id in 301..=310 {
        csv += &format!("{id},2024-06-01T10:00:00Z,b,#inorder\n");
    }
    let path = dir.path().join("ordered.csv");
    std::fs::write(&path, csv).unwrap();
    let r = run_all_ways(&[path], |_| {});
    assert_eq!(r.diagnostics().count(SkipReason::DuplicateId), 1);
    assert_eq!(r.summary().posts, 311);
    let t = r.counts().total("inorder");
    assert_eq!((t.posts, t.occurrences, t.authors), (310, 310, 8));
    assert_eq!(r.counts().total("copy").posts, 0);
    assert_eq!(r.counts().total("late").posts, 1);
}

#[test]
fn from_and_to_keep_a_window() {
    // 2024-06-01 only: posts 104, 105, 106 are kept; 101, 102, 103, the
    // repeated 102, 110, 111 and 112 are out of range (7); 107–109 are
    // skipped for their own reasons before the range is checked.
    let r = run_all_ways(&[fixture("clinic.csv")], |b| {
        b.from(Some(1_717_200_000)).to(Some(1_717_286_400));
    });
    assert_eq!(r.summary().posts, 3);
    assert_eq!(r.diagnostics().count(SkipReason::OutOfRange), 7);
    assert_eq!(r.counts().total("bcsm").posts, 2);
}

#[test]
fn ranking_by_occurrences_and_authors_breaks_ties_by_tag() {
    let r = run_all_ways(&[fixture("clinic.csv")], |_| {});
    let order = |m| {
        top_rows(&r, m, None)
            .into_iter()
            .map(|t| t.tag)
            .collect::<Vec<_>>()
    };
    // occurrences: bcsm 5, asco24 4, lcsm 4, café 2, t1d 2, meded 1.
    assert_eq!(
        order(Measure::Occurrences),
        ["bcsm", "asco24", "lcsm", "café", "t1d", "meded"]
    );
    // authors: bcsm 3, asco24 2, lcsm 2, meded 1, t1d 1, café 0.
    assert_eq!(
        order(Measure::Authors),
        ["bcsm", "asco24", "lcsm", "meded", "t1d", "café"]
    );
}

#[test]
fn both_formats_in_one_run_see_every_post_as_a_duplicate_the_second_time() {
    let r = run_all_ways(&[fixture("clinic.csv"), fixture("clinic.jsonl")], |_| {});
    // The JSON copy repeats every id the CSV had: all its 9 usable posts,
    // plus its own repeat of 102, are duplicates.
    assert_eq!(r.summary().posts, 9);
    assert_eq!(r.diagnostics().count(SkipReason::DuplicateId), 1 + 10);
    assert_blocks_eq!(
        expected("clinic.count.csv"),
        csv_of(&count_rows(&r, Measure::Posts, None))
    );
}

#[test]
fn a_post_with_many_tags_and_spellings_counts_each_once_per_post() {
    // One post writes #t0 … #t39 twice each, then #T0 and #T0 again: past
    // the arena's linear lookup, so the map path is taken too. By hand:
    // t0 has 1 post, 4 occurrences (t0 ×2, T0 ×2; the tie goes to t0,
    // written first); every other tag 1 post, 2 occurrences.
    let mut text: Vec<String> = (0..40).map(|i| format!("#t{i}")).collect();
    text.extend((0..40).map(|i| format!("#t{i}")));
    text.extend(["#T0".to_owned(), "#T0".to_owned()]);
    let csv = format!(
        "id,created_at,author_id,text\n1,2024-06-01T00:00:00Z,a,{}\n",
        text.join(" ")
    );
    let input = hashtrend::Input::from_reader("many.csv", std::io::Cursor::new(csv));
    let r = hashtrend::AnalyzerBuilder::new()
        .build()
        .run(vec![input])
        .unwrap();
    let c = r.counts();
    let t0 = c.total("t0");
    assert_eq!((t0.posts, t0.occurrences, t0.authors), (1, 4, 1));
    assert_eq!(c.tags()[c.tag_index("t0").unwrap() as usize].display, "t0");
    let t39 = c.total("t39");
    assert_eq!((t39.posts, t39.occurrences), (1, 2));
    assert_eq!(c.tags().len(), 40);
}

/// The CLI writes `count --output csv` straight from the counts, formatted in
/// parallel; it must be the same bytes as the rows written one by one.
#[test]
fn fast_count_csv_equals_the_rows_written_one_by_one() {
    let report = run_all_ways(&[fixture("clinic.csv"), fixture("clinic.jsonl")], |_| {});
    for measure in [Measure::Posts, Measure::Occurrences, Measure::Authors] {
        for top in [None, Some(1), Some(2)] {
            let mut fast = Vec::new();
            hashtrend::report::write_count_csv(&report, measure, top, &mut fast).unwrap();
            let rows = csv_of(&count_rows(&report, measure, top));
            assert_eq!(
                String::from_utf8(fast).unwrap(),
                rows,
                "{measure:?} {top:?}"
            );
        }
    }
    let sample = hashtrend::AnalyzerBuilder::new()
        .build()
        .run_paths(&[concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/health_posts.csv"
        )])
        .unwrap();
    let mut fast = Vec::new();
    hashtrend::report::write_count_csv(&sample, Measure::Posts, None, &mut fast).unwrap();
    assert_eq!(
        String::from_utf8(fast).unwrap(),
        csv_of(&count_rows(&sample, Measure::Posts, None))
    );
}
