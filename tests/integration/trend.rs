//! Trending and bursts: the issue's values reproduced through whole runs,
//! the bucket chosen by default, filters, ties, and the planted rises of
//! the sample data.
//!
//! Each fixture is built from counts written next to it, so the expected
//! scores are the issue's hand-computed values.

use std::collections::HashSet;

use hashtrend::bucket::BucketSpec;
use hashtrend::rank::Measure;
use hashtrend::rank::trend::{self, Method, TrendOptions, TrendParams};
use hashtrend::synth::{PLANTED, PlantedKind};
use hashtrend::{AnalyzerBuilder, Input, TrendReport};

use crate::util::fixture;

/// Builds a CSV export: for each `(time, tag, posts, authors)`, `posts`
/// posts at `time` with `#tag`, written by `authors` distinct authors
/// (the first `authors - 1` once each, the last one the rest).
fn export(rows: &[(&str, &str, usize, usize)]) -> String {
    let mut csv = String::from("id,created_at,author_id,text\n");
    let mut id = 0;
    for &(time, tag, posts, authors) in rows {
        for k in 0..posts {
            id += 1;
            let author = k.min(authors.saturating_sub(1));
            csv.push_str(&format!("{id},{time},{tag}_{author},post #{tag}\n"));
        }
    }
    csv
}

fn run(csv: String, bucket: &str, threads: usize) -> TrendReport {
    let mut b = AnalyzerBuilder::new();
    b.bucket(bucket.parse::<BucketSpec>().unwrap());
    let analyzer = b.build();
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(|| analyzer.run(vec![Input::from_reader("t.csv", std::io::Cursor::new(csv))]))
        .unwrap()
}

fn day(d: u32) -> String {
    format!("2024-06-{d:02}T12:00:00Z")
}

fn at_day(d: u32) -> Option<i64> {
    Some(1_717_200_000 + i64::from(d - 1) * 86_400)
}

/// Options ranking June `d` against `baseline` buckets, all else default.
fn on_day(d: u32, baseline: usize) -> TrendOptions {
    TrendOptions {
        at: at_day(d),
        baseline,
        ..TrendOptions::default()
    }
}

fn score(report: &TrendReport, method: Method, options: &TrendOptions, tag: &str) -> f64 {
    let scorer = method.scorer(&TrendParams::default());
    let t = trend::trending(report, scorer.as_ref(), options).unwrap();
    let index = report.counts().tag_index(tag).unwrap();
    t.rows
        .iter()
        .find(|r| r.tag == index)
        .map_or(0.0, |r| r.score.score)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 5e-6
}

#[test]
fn zscore_of_the_issue_through_a_run() {
    // Days 1-8: 2,4,4,4,5,5,7,9 posts; day 9: 12. Mean 5, sd 2: z 3.5.
    let counts = [2, 4, 4, 4, 5, 5, 7, 9, 12];
    let days: Vec<String> = (1..=9).map(day).collect();
    let rows: Vec<(&str, &str, usize, usize)> = counts
        .iter()
        .zip(&days)
        .map(|(&n, d)| (d.as_str(), "flu", n, n))
        .collect();
    let report = run(export(&rows), "day", 2);
    let options = on_day(9, 8);
    assert!(close(score(&report, Method::Zscore, &options, "flu"), 3.5));
}

#[test]
fn poisson_ewma_and_change_through_a_run() {
    // Gnip's mode: nu = yesterday's 10, today 25: interval [3, 19], 15/16.
    let report = run(
        export(&[(&day(1), "asco", 10, 10), (&day(2), "asco", 25, 25)]),
        "day",
        1,
    );
    let options = on_day(2, 1);
    assert_eq!(score(&report, Method::Poisson, &options, "asco"), 0.9375);
    // 10 -> 25 is +150%.
    assert_eq!(score(&report, Method::Change, &options, "asco"), 150.0);

    // EWMA over 10, 14, 10, 14 then 30, alpha 0.3: z 9.15759.
    let days: Vec<String> = (1..=5).map(day).collect();
    let rows: Vec<(&str, &str, usize, usize)> = [10, 14, 10, 14, 30]
        .iter()
        .zip(&days)
        .map(|(&n, d)| (d.as_str(), "t1d", n, n))
        .collect();
    let report = run(export(&rows), "day", 2);
    let options = on_day(5, 7);
    let s = score(&report, Method::Ewma, &options, "t1d");
    assert!((s - 9.15759).abs() < 5e-6, "{s}");
}

#[test]
fn a_fall_scores_zero_and_is_not_ranked() {
    // nu = 25, today 10: 0.576923 by the formula, but a fall.
    let report = run(
        export(&[(&day(1), "mmr", 25, 25), (&day(2), "mmr", 10, 10)]),
        "day",
        1,
    );
    let options = on_day(2, 1);
    for m in Method::ALL {
        assert_eq!(score(&report, m, &options, "mmr"), 0.0, "{m}");
        let scorer = m.scorer(&TrendParams::default());
        let t = trend::trending(&report, scorer.as_ref(), &options).unwrap();
        assert_eq!((t.scored, t.rows.len()), (1, 0), "{m}");
    }
}

#[test]
fn authors_score_and_its_decay_in_hourly_buckets() {
    // Hour 0: 4 authors; hour 1: 20 authors, 64 posts (one author floods).
    // With --baseline 1: (20 - 4)^2 / 4 = 64. Hours 2-8: 20 authors each,
    // at the expectation (score 0); hour 9: 22 authors, a small rise
    // (2^2 / 20 = 0.2), no new peak: 8 hours after the peak, 64 / 4 = 16.
    let mut rows = vec![
        ("2024-06-01T00:10:00Z".to_string(), 4, 4),
        ("2024-06-01T01:10:00Z".to_string(), 64, 20),
    ];
    for h in 2..=9 {
        let n = if h == 9 { 22 } else { 20 };
        rows.push((format!("2024-06-01T{h:02}:10:00Z"), n, n));
    }
    let rows: Vec<(&str, &str, usize, usize)> = rows
        .iter()
        .map(|(t, p, a)| (t.as_str(), "ivf", *p, *a))
        .collect();
    let report = run(export(&rows), "hour", 2);
    let at = |h: i64| Some(1_717_200_000 + h * 3600);
    let options = |h| TrendOptions {
        at: at(h),
        baseline: 1,
        ..TrendOptions::default()
    };
    assert_eq!(score(&report, Method::Authors, &options(1), "ivf"), 64.0);
    assert_eq!(score(&report, Method::Authors, &options(9), "ivf"), 16.0);
    // At the expectation, hour 8 scores 0 whatever the peak.
    assert_eq!(score(&report, Method::Authors, &options(8), "ivf"), 0.0);
    // From zero: 6 authors against an expectation clamped to 1 gives 25;
    // 4 authors are under the minimum of 5.
    let report = run(
        export(&[
            (&day(1), "other", 3, 3),
            (&day(2), "rsv", 6, 6),
            (&day(2), "hpv", 4, 4),
        ]),
        "day",
        1,
    );
    let options = on_day(2, 1);
    assert_eq!(score(&report, Method::Authors, &options, "rsv"), 25.0);
    assert_eq!(score(&report, Method::Authors, &options, "hpv"), 0.0);
}

#[test]
fn llr_of_the_issue_through_a_run() {
    // Day 1: #x 20 of 10,000 uses; day 2: #x 30 of 1,000 uses. G² 81.1065.
    let report = run(
        export(&[
            (&day(1), "x", 20, 20),
            (&day(1), "y", 9_980, 100),
            (&day(2), "x", 30, 30),
            (&day(2), "y", 970, 100),
        ]),
        "day",
        2,
    );
    let options = on_day(2, 1);
    let s = score(&report, Method::Llr, &options, "x");
    assert!((s - 81.1065).abs() < 5e-5, "{s}");
}

#[test]
fn bursts_of_the_issue_through_a_run() {
    // 100 posts a day; #b has 5, 5, 20, 25, 5, 5: one burst, days 3-4,
    // weight 11.1138.
    let counts = [5, 5, 20, 25, 5, 5];
    let days: Vec<String> = (1..=6).map(day).collect();
    let mut rows: Vec<(&str, &str, usize, usize)> = Vec::new();
    for (&n, d) in counts.iter().zip(&days) {
        rows.push((d.as_str(), "b", n, n));
        rows.push((d.as_str(), "filler", 100 - n, 50));
    }
    let report = run(export(&rows), "day", 2);
    let found = trend::bursts(
        &report,
        Measure::Posts,
        &TrendParams::default(),
        Some(&["b".to_string()]),
    )
    .unwrap();
    assert_eq!(found.len(), 1);
    let b = &found[0];
    assert_eq!(
        (b.start, b.end, b.bins),
        (at_day(3).unwrap(), at_day(4).unwrap(), 2)
    );
    assert!((b.weight - 11.1138).abs() < 5e-4, "{}", b.weight);
    // Trending on day 4 sees days 1-4 only: p0 = 55/400 = 0.1375, p1 =
    // 0.275. Day 3 saves 20 ln 2 - 80 ln(0.8625/0.725) = -0.028, day 4
    // saves 25 ln 2 - 75 ln(0.8625/0.725) = 4.3040; entering costs ln 4
    // either way, so the burst is day 4 alone, weight 4.3040.
    let options = on_day(4, 7);
    let s = score(&report, Method::Burst, &options, "b");
    assert!((s - 4.3040).abs() < 5e-4, "{s}");
}

#[test]
fn the_default_bucket_is_the_latest_complete_one() {
    // Posts end at 22:50, after 22:48: the latest day is ranked.
    let late = export(&[(&day(1), "a", 1, 1), ("2024-06-02T22:50:00Z", "a", 1, 1)]);
    let report = run(late, "day", 1);
    let scorer = Method::Change.scorer(&TrendParams::default());
    let t = trend::trending(&report, scorer.as_ref(), &TrendOptions::default()).unwrap();
    assert_eq!(t.bucket, at_day(2));
    assert!(t.why.contains("last twentieth"), "{}", t.why);
    // Posts end at 22:40: the day before is ranked, and the reason says so.
    let early = export(&[(&day(1), "a", 1, 1), ("2024-06-02T22:40:00Z", "a", 1, 1)]);
    let report = run(early, "day", 1);
    let t = trend::trending(&report, scorer.as_ref(), &TrendOptions::default()).unwrap();
    assert_eq!(t.bucket, at_day(1));
    assert!(t.why.contains("the one before the latest"), "{}", t.why);
    // A bucket outside the data is an error.
    let options = on_day(20, 7);
    assert!(trend::trending(&report, scorer.as_ref(), &options).is_err());
}

#[test]
fn ties_filters_and_ignores() {
    // Day 2: #a, #b, #c all rise 1 -> 6 posts; #a has 6 authors, #b and
    // #c have 3. Same z: ranked by authors, then by key.
    let report = run(
        export(&[
            (&day(1), "c", 1, 1),
            (&day(1), "b", 1, 1),
            (&day(1), "a", 1, 1),
            (&day(2), "c", 6, 3),
            (&day(2), "b", 6, 3),
            (&day(2), "a", 6, 6),
        ]),
        "day",
        2,
    );
    let scorer = Method::Zscore.scorer(&TrendParams::default());
    let keys = |o: &TrendOptions| -> Vec<String> {
        trend::trending(&report, scorer.as_ref(), o)
            .unwrap()
            .rows
            .iter()
            .map(|r| report.counts().tags()[r.tag as usize].key.clone())
            .collect()
    };
    let base = on_day(2, 7);
    assert_eq!(keys(&base), ["a", "b", "c"]);
    let o = TrendOptions {
        min_authors: 4,
        ..base.clone()
    };
    assert_eq!(keys(&o), ["a"]);
    let o = TrendOptions {
        ignore: HashSet::from(["a".to_string()]),
        top: Some(1),
        ..base.clone()
    };
    assert_eq!(keys(&o), ["b"]);
}

#[test]
fn seasonal_baselines_compare_the_same_hour() {
    // Every day at 09:00 #clinic has 10 posts, at 10:00 2 posts. On day 4
    // at 09:00 it has 10 again: against the hours just before (2 or 0) it
    // rises; against the same hour of days 1-3 it does not.
    let mut rows = Vec::new();
    for d in 1..=4 {
        rows.push((format!("2024-06-0{d}T09:00:00Z"), 10));
        if d < 4 {
            rows.push((format!("2024-06-0{d}T10:00:00Z"), 2));
        }
    }
    let rows: Vec<(&str, &str, usize, usize)> = rows
        .iter()
        .map(|(t, n)| (t.as_str(), "clinic", *n, *n))
        .collect();
    let report = run(export(&rows), "hour", 2);
    let at = Some(1_717_200_000 + 3 * 86_400 + 9 * 3600);
    let plain = TrendOptions {
        at,
        baseline: 3,
        ..TrendOptions::default()
    };
    assert!(score(&report, Method::Zscore, &plain, "clinic") > 0.0);
    let seasonal = TrendOptions {
        seasonal: true,
        ..plain
    };
    assert_eq!(score(&report, Method::Zscore, &seasonal, "clinic"), 0.0);
}

#[test]
fn rankings_do_not_depend_on_threads() {
    let f = fixture("../../data/health_posts.csv");
    let mut first = None;
    for threads in [1, 2, 4] {
        let analyzer = AnalyzerBuilder::new().build();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let rows = pool.install(|| {
            let report = analyzer.run(vec![Input::from_path(&f)]).unwrap();
            let mut all = Vec::new();
            for m in Method::ALL {
                let scorer = m.scorer(&TrendParams::default());
                let t =
                    trend::trending(&report, scorer.as_ref(), &TrendOptions::default()).unwrap();
                all.push(format!("{:?}", t.rows));
            }
            all.push(format!(
                "{:?}",
                trend::bursts(&report, Measure::Posts, &TrendParams::default(), None).unwrap()
            ));
            all
        });
        match &first {
            None => first = Some(rows),
            Some(f) => assert_eq!(f, &rows, "{threads} threads"),
        }
    }
}

/// The default method puts each planted burst and conference of the sample
/// data in the top 3 of its first stand-out day, and leaves the one-account
/// flood out of the day's top 10.
#[test]
fn planted_rises_of_the_sample_data_rank() {
    let report = AnalyzerBuilder::new()
        .build()
        .run(vec![Input::from_path(fixture(
            "../../data/health_posts.csv",
        ))])
        .unwrap();
    let scorer = Method::default().scorer(&TrendParams::default());
    for p in PLANTED {
        let key = hashtrend::normalize::key(p.tag.trim_start_matches('#'));
        let when = p.first.and_hms_opt(12, 0, 0).unwrap().and_utc().timestamp();
        let options = TrendOptions {
            at: Some(when),
            ..TrendOptions::default()
        };
        let t = trend::trending(&report, scorer.as_ref(), &options).unwrap();
        let index = report.counts().tag_index(&key).unwrap();
        let rank = t.rows.iter().find(|r| r.tag == index).map(|r| r.rank);
        match p.kind {
            PlantedKind::Burst | PlantedKind::Conference => {
                assert!(
                    rank.is_some_and(|r| r <= 3),
                    "{} on {}: rank {rank:?}",
                    p.tag,
                    p.first
                )
            }
            PlantedKind::Flood => {
                assert!(
                    rank.is_none_or(|r| r > 10),
                    "{} on {}: rank {rank:?}",
                    p.tag,
                    p.first
                )
            }
            PlantedKind::Outbreak { .. } => {}
        }
    }
}

#[test]
fn activity_counts_every_counted_post_once() {
    // Day 1: ids 1, 2 (no tag); day 3: id 3 and a repeat of id 1 (a
    // duplicate, left out). Day 2 has no post: it is zero-filled.
    let csv = "id,created_at,author_id,text\n\
               1,2024-06-01T08:00:00Z,a,#x\n\
               2,2024-06-01T09:00:00Z,b,no tag\n\
               3,2024-06-03T23:59:00Z,a,#x\n\
               1,2024-06-03T23:59:30Z,a,#x\n";
    let report = run(csv.to_string(), "day", 2);
    let a = report.activity();
    assert_eq!(
        a.posts_per_bucket,
        [(at_day(1).unwrap(), 2), (at_day(3).unwrap(), 1)]
    );
    assert_eq!(a.span, Some((1_717_228_800, 1_717_459_140)));
    let line = trend::Timeline::new(&report).unwrap();
    assert_eq!(
        line.starts,
        [at_day(1).unwrap(), at_day(2).unwrap(), at_day(3).unwrap()]
    );
    assert_eq!(
        (line.posts.as_slice(), line.uses.as_slice()),
        (&[2, 0, 1][..], &[1, 0, 1][..])
    );
}

#[test]
fn without_authors_the_authors_method_scores_posts_and_says_so() {
    // No author column. Day 1: #b once; day 2: #b 6 posts. Expected
    // max(1, 1) = 1: (6 - 1)^2 / 1 = 25, on posts.
    let csv = "id,created_at,text\n\
               1,2024-06-01T10:00:00Z,#b\n\
               2,2024-06-02T10:00:00Z,#b\n3,2024-06-02T10:00:00Z,#b\n4,2024-06-02T10:00:00Z,#b\n\
               5,2024-06-02T10:00:00Z,#b\n6,2024-06-02T10:00:00Z,#b\n7,2024-06-02T10:00:00Z,#b\n";
    let report = run(csv.to_string(), "day", 1);
    let scorer = Method::Authors.scorer(&TrendParams::default());
    let options = on_day(2, 1);
    let t = trend::trending(&report, scorer.as_ref(), &options).unwrap();
    assert_eq!(t.measure, Measure::Posts);
    assert!(t.notes[0].contains("no authors"), "{:?}", t.notes);
    assert_eq!(t.rows[0].score.score, 25.0);
}

mod any_input {
    //! Trending never panics and never depends on the thread count, for
    //! any small export and any options.

    use proptest::prelude::*;

    use super::*;

    /// A post: hours after 2024-06-01, a tag (or none), an author (or none).
    fn post() -> impl Strategy<Value = (u32, Option<u8>, Option<u8>)> {
        (
            0u32..24 * 20,
            proptest::option::of(0u8..6),
            proptest::option::of(0u8..5),
        )
    }

    fn csv(posts: &[(u32, Option<u8>, Option<u8>)]) -> String {
        let mut csv = String::from("id,created_at,author_id,text\n");
        for (i, (hours, tag, author)) in posts.iter().enumerate() {
            let t = 1_717_200_000 + i64::from(*hours) * 3600 + i as i64 % 60;
            let time = chrono::DateTime::from_timestamp(t, 0).unwrap().to_rfc3339();
            let author = author.map(|a| format!("u{a}")).unwrap_or_default();
            let text = tag
                .map(|t| format!("see #tag{t}"))
                .unwrap_or_else(|| "none".into());
            csv.push_str(&format!("{i},{time},{author},{text}\n"));
        }
        csv
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]
        #[test]
        fn trending_is_total_and_thread_independent(
            posts in proptest::collection::vec(post(), 0..120),
            bucket in prop::sample::select(vec!["hour", "6h", "day", "week"]),
            at_hours in proptest::option::of(0i64..24 * 22),
            baseline in 0usize..10,
            seasonal in any::<bool>(),
            by in prop::sample::select(vec![Measure::Posts, Measure::Occurrences, Measure::Authors]),
        ) {
            let text = csv(&posts);
            let options = TrendOptions {
                at: at_hours.map(|h| 1_717_200_000 + h * 3600),
                by,
                baseline,
                seasonal,
                ..TrendOptions::default()
            };
            let mut seen: Option<Vec<String>> = None;
            for threads in [1, 2] {
                let report = run(text.clone(), bucket, threads);
                let mut out = Vec::new();
                for m in Method::ALL {
                    let scorer = m.scorer(&TrendParams::default());
                    out.push(format!("{:?}", trend::trending(&report, scorer.as_ref(), &options).map(|t| t.rows)));
                }
                out.push(format!("{:?}", trend::bursts(&report, by, &TrendParams::default(), None)));
                match &seen {
                    None => seen = Some(out),
                    Some(s) => prop_assert_eq!(s, &out),
                }
            }
        }
    }
}
