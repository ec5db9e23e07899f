//! The rows of `trending` and `bursts`.

use serde::Serialize;
use serde_json::{Map, Value};

use super::Row;
use crate::analyzer::TrendReport;
use crate::rank::trend::{Burst, Trending};

/// One ranked tag of `hashtrend trending`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendRow {
    /// 1-based rank.
    pub rank: usize,
    /// The normalized key, without the hash sign.
    pub tag: String,
    /// The spelling used most often.
    pub display: String,
    /// The ranked bucket's start, RFC 3339 in the chosen zone.
    pub bucket: String,
    /// The method's name.
    pub method: String,
    /// The score (higher ranks first).
    pub score: f64,
    /// The value the method looked at in the bucket.
    pub observed: f64,
    /// The value the method expected there.
    pub expected: f64,
    /// Distinct posts with the tag in the bucket.
    pub posts: u64,
    /// Distinct authors of those posts.
    pub authors: u64,
    /// The method's own figures (JSON only).
    pub components: Map<String, Value>,
}

/// Writes a number compactly: integers without a fraction, others with up
/// to six decimals, trailing zeros dropped.
pub fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        return format!("{}", x as i64);
    }
    let s = format!("{x:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_owned() }
}

impl Row for TrendRow {
    const COLUMNS: &'static [&'static str] = &[
        "rank", "tag", "display", "bucket", "method", "score", "observed", "expected", "posts",
        "authors",
    ];
    fn cells(&self) -> Vec<String> {
        vec![
            self.rank.to_string(),
            self.tag.clone(),
            self.display.clone(),
            self.bucket.clone(),
            self.method.clone(),
            number(self.score),
            number(self.observed),
            number(self.expected),
            self.posts.to_string(),
            self.authors.to_string(),
        ]
    }
    fn numeric(column: usize) -> bool {
        !matches!(column, 1..=4)
    }
}

/// The rows of a ranking.
pub fn trend_rows(report: &TrendReport, trending: &Trending) -> Vec<TrendRow> {
    let counts = report.counts();
    let bucket = trending
        .bucket
        .map(|b| report.bucketer().format(b))
        .unwrap_or_default();
    trending
        .rows
        .iter()
        .map(|t| {
            let info = &counts.tags()[t.tag as usize];
            TrendRow {
                rank: t.rank,
                tag: info.key.clone(),
                display: info.display.clone(),
                bucket: bucket.clone(),
                method: trending.method.to_owned(),
                score: t.score.score,
                observed: t.score.observed,
                expected: t.score.expected,
                posts: t.posts,
                authors: t.authors,
                components: t.score.components.clone(),
            }
        })
        .collect()
}

/// One burst interval of `hashtrend bursts`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BurstRow {
    /// The normalized key, without the hash sign.
    pub tag: String,
    /// Start of the burst's first bucket.
    pub start: String,
    /// Start of the burst's last bucket (inclusive).
    pub end: String,
    /// Buckets in the burst.
    pub bins: usize,
    /// The burst's weight.
    pub weight: f64,
}

impl Row for BurstRow {
    const COLUMNS: &'static [&'static str] = &["tag", "start", "end", "bins", "weight"];
    fn cells(&self) -> Vec<String> {
        vec![
            self.tag.clone(),
            self.start.clone(),
            self.end.clone(),
            self.bins.to_string(),
            number(self.weight),
        ]
    }
    fn numeric(column: usize) -> bool {
        column >= 3
    }
}

/// The rows of a burst list.
pub fn burst_rows(report: &TrendReport, bursts: &[Burst]) -> Vec<BurstRow> {
    let counts = report.counts();
    let b = report.bucketer();
    bursts
        .iter()
        .map(|x| BurstRow {
            tag: counts.tags()[x.tag as usize].key.clone(),
            start: b.format(x.start),
            end: b.format(x.end),
            bins: x.bins,
            weight: x.weight,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_compact() {
        assert_eq!(number(64.0), "64");
        assert_eq!(number(0.9375), "0.9375");
        assert_eq!(number(0.961538461538), "0.961538");
        assert_eq!(number(-0.0000001), "0");
        assert_eq!(number(2.5e20), "250000000000000000000");
    }
}
