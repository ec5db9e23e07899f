//! `llr`: Dunning's log-likelihood ratio of a tag's share of all hashtag
//! uses, now against the baseline.

use super::{Context, Score, TrendScorer};
use crate::rank::Measure;

/// Dunning's G² for the 2×2 table of `a` uses of a tag among `n1` uses now
/// and `c` among `n2` before: `2 Σ O ln(O / E)`, with `0 ln 0 = 0`.
///
/// ```
/// use hashtrend::rank::trend::g2;
/// assert!((g2(30.0, 1000.0, 20.0, 10000.0) - 81.1065).abs() < 1e-4);
/// ```
pub fn g2(a: f64, n1: f64, c: f64, n2: f64) -> f64 {
    let total = n1 + n2;
    if total <= 0.0 {
        return 0.0;
    }
    let tag = a + c;
    let rest = total - tag;
    let term = |o: f64, row: f64, col: f64| {
        let e = row * col / total;
        if o > 0.0 && e > 0.0 {
            o * (o / e).ln()
        } else {
            0.0
        }
    };
    let sum = term(a, n1, tag) + term(n1 - a, n1, rest) + term(c, n2, tag) + term(n2 - c, n2, rest);
    (2.0 * sum).max(0.0)
}

/// Scores G² of the tag's share of uses in the bucket against its share
/// over the baseline buckets; only rising shares score. Observed is the
/// tag's uses, expected the uses its baseline share would give.
/// Components: `share`, `baseline_share`, `uses` (all tags, now),
/// `baseline_uses`, `baseline_tag_uses`, `window`.
#[derive(Debug, Clone, Copy, Default)]
pub struct LlrScorer;

impl TrendScorer for LlrScorer {
    fn name(&self) -> &'static str {
        "llr"
    }

    fn measure(&self, _by: Measure) -> Measure {
        Measure::Occurrences
    }

    fn score(&self, cx: &Context<'_>) -> Score {
        let base = cx.baseline_of(cx.at);
        let a = cx.observed();
        let n1 = cx.timeline.uses[cx.at] as f64;
        let c: f64 = base.iter().map(|&i| cx.values[i]).sum();
        let n2: f64 = base.iter().map(|&i| cx.timeline.uses[i] as f64).sum();
        let share = if n1 > 0.0 { a / n1 } else { 0.0 };
        let before = if n2 > 0.0 { c / n2 } else { 0.0 };
        let score = if n2 > 0.0 && share > before {
            g2(a, n1, c, n2)
        } else {
            0.0
        };
        Score::new(score, a, before * n1)
            .with("share", share)
            .with("baseline_share", before)
            .with("uses", n1)
            .with("baseline_uses", n2)
            .with("baseline_tag_uses", c)
            .with("window", base.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issue_value_and_no_difference() {
        assert!((g2(30.0, 1000.0, 20.0, 10000.0) - 81.1065).abs() < 5e-5);
        assert!(g2(10.0, 100.0, 100.0, 1000.0).abs() < 1e-9);
        assert_eq!(g2(0.0, 0.0, 0.0, 0.0), 0.0);
    }
}
