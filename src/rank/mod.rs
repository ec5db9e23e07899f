//! Ranking: tags ordered by a score, ties broken by tag key.
//!
//! A volume ranking is built from `(tag, score)` pairs of a [`Measure`] of
//! the counts. Ties go to the tag whose key comes first in byte order, which
//! is the tag's index in [`Counts::tags`], so a ranking never depends on
//! hash or thread order. [`trend`] ranks by how much tags rise in one
//! bucket (ties there go to more distinct authors first).

mod measure;
pub mod trend;

pub use measure::Measure;

use crate::count::Counts;

/// A tag's place in a ranking.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ranked {
    /// 1-based rank.
    pub rank: usize,
    /// Index into [`Counts::tags`].
    pub tag: u32,
    /// The score it was ranked by (higher first).
    pub score: f64,
}

/// Ranks `(tag, score)` pairs: score descending, then tag index ascending;
/// keeps the first `top` (all when `None`). NaN scores rank last.
pub fn rank(scored: impl IntoIterator<Item = (u32, f64)>, top: Option<usize>) -> Vec<Ranked> {
    let mut all: Vec<(u32, f64)> = scored.into_iter().collect();
    let key = |s: f64| if s.is_nan() { f64::NEG_INFINITY } else { s };
    all.sort_unstable_by(|a, b| key(b.1).total_cmp(&key(a.1)).then(a.0.cmp(&b.0)));
    all.truncate(top.unwrap_or(usize::MAX));
    all.into_iter()
        .enumerate()
        .map(|(i, (tag, score))| Ranked {
            rank: i + 1,
            tag,
            score,
        })
        .collect()
}

/// The overall ranking: every tag by `measure` of its totals.
pub fn top_tags(counts: &Counts, measure: Measure, top: Option<usize>) -> Vec<Ranked> {
    let scored = counts
        .totals()
        .iter()
        .enumerate()
        .map(|(i, t)| (i as u32, measure.of(t) as f64));
    rank(scored, top)
}

/// A ranking per bucket: for each bucket index (ascending), its tags by
/// `measure`, keeping `top` per bucket.
pub fn top_per_bucket(
    counts: &Counts,
    measure: Measure,
    top: Option<usize>,
) -> Vec<(u32, Vec<Ranked>)> {
    let cells = counts.cells();
    let mut out = Vec::new();
    let mut start = 0;
    while start < cells.len() {
        let bucket = cells[start].bucket;
        let end = start
            + cells[start..]
                .iter()
                .take_while(|c| c.bucket == bucket)
                .count();
        let scored = cells[start..end]
            .iter()
            .map(|c| (c.tag, measure.of(&c.tallies) as f64));
        out.push((bucket, rank(scored, top)));
        start = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_go_to_the_lower_tag_index() {
        let r = rank([(3, 5.0), (1, 5.0), (2, 9.0), (0, 1.0)], Some(3));
        let order: Vec<u32> = r.iter().map(|x| x.tag).collect();
        assert_eq!(order, [2, 1, 3]);
        assert_eq!(r[2].rank, 3);
    }
}
