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

/// Ranks `(tag, count)` pairs exactly as [`rank`] ranks them as scores:
/// count descending, then tag index ascending; keeps the first `top`. Counts
/// sort as integers, packed with their tag into one word when they fit in
/// 32 bits (all but the largest inputs), several times faster than
/// comparing floats.
pub fn rank_counts(
    scored: impl IntoIterator<Item = (u32, u64)>,
    top: Option<usize>,
) -> Vec<Ranked> {
    let mut all: Vec<(u32, u64)> = scored.into_iter().collect();
    let ranked = |(i, (tag, count)): (usize, (u32, u64))| Ranked {
        rank: i + 1,
        tag,
        score: count as f64,
    };
    let keep = top.unwrap_or(usize::MAX);
    if let Some(order) = counting_order(&all) {
        return order
            .into_iter()
            .take(keep)
            .map(|i| all[i as usize])
            .enumerate()
            .map(ranked)
            .collect();
    }
    if all.iter().all(|&(_, c)| c <= u64::from(u32::MAX)) {
        let pack = |(tag, c): (u32, u64)| ((u64::from(u32::MAX) - c) << 32) | u64::from(tag);
        let mut keys: Vec<u64> = all.into_iter().map(pack).collect();
        keys.sort_unstable();
        let unpack = |k: u64| ((k & 0xFFFF_FFFF) as u32, u64::from(u32::MAX) - (k >> 32));
        return keys
            .into_iter()
            .take(keep)
            .map(unpack)
            .enumerate()
            .map(ranked)
            .collect();
    }
    all.sort_unstable_by_key(|&(tag, c)| (std::cmp::Reverse(c), tag));
    all.into_iter().take(keep).enumerate().map(ranked).collect()
}

/// The ranking order of `(tag, count)` pairs given in ascending tag order
/// (as a bucket's cells are), by a counting sort on the count: placed from
/// the highest count down, ties in the order given, which is the tag order.
/// `None` when the tags are not ascending or the largest count exceeds
/// twice the number of pairs, where a comparison sort is cheaper.
fn counting_order(all: &[(u32, u64)]) -> Option<Vec<u32>> {
    let max = all.iter().map(|&(_, c)| c).max()?;
    if max > 2 * all.len() as u64 || all.len() > u32::MAX as usize {
        return None;
    }
    if !all.windows(2).all(|w| w[0].0 < w[1].0) {
        return None;
    }
    let slots = all.iter().map(|&(_, c)| (max - c) as usize);
    Some(crate::count::group_by_slot(slots, max as usize + 1).1)
}

/// The overall ranking: every tag by `measure` of its totals.
pub fn top_tags(counts: &Counts, measure: Measure, top: Option<usize>) -> Vec<Ranked> {
    let scored = counts
        .totals()
        .iter()
        .enumerate()
        .map(|(i, t)| (i as u32, measure.of(t)));
    rank_counts(scored, top)
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
            .map(|c| (c.tag, measure.of(&c.tallies)));
        out.push((bucket, rank_counts(scored, top)));
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

    #[test]
    fn counts_rank_as_their_scores_do() {
        let mut state = 7u64;
        let mut next = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            state >> 33
        };
        // Tags scrambled (compared) and ascending with small counts (placed
        // by a counting sort), as a bucket's cells come.
        for (len, spread, big, ascending) in [
            (0, 1, 0, false),
            (1, 1, 0, false),
            (50, 3, 0, false),
            (500, 40, 0, false),
            (300, 5, 1 << 40, false),
            (1, 1, 0, true),
            (50, 3, 0, true),
            (500, 40, 0, true),
            (500, 1000, 0, true),
            (300, 5, 1 << 40, true),
        ] {
            let scored: Vec<(u32, u64)> = (0..len)
                .map(|i| {
                    (
                        if ascending { i * 3 } else { (i * 7919) % 1000 } as u32,
                        next() % spread + big * (next() % 2),
                    )
                })
                .collect();
            for top in [None, Some(0), Some(3), Some(1000)] {
                let want = rank(scored.iter().map(|&(t, c)| (t, c as f64)), top);
                assert_eq!(
                    rank_counts(scored.iter().copied(), top),
                    want,
                    "{len} {top:?}"
                );
            }
        }
    }
}
