//! `authors`: Mastodon's trending-tags score on distinct authors, on any
//! bucket size. Distinct authors resist one account flooding a tag.

use super::{Context, Score, TrendScorer, mean};
use crate::rank::Measure;

/// Mastodon's score: `(o − e)² / e` when `o ≥ e` and `o ≥ minimum`, else
/// 0, with the expectation `e` clamped to at least 1.
///
/// ```
/// use hashtrend::rank::trend::mastodon_score;
/// assert_eq!(mastodon_score(20.0, 4.0, 5.0), 64.0);
/// assert_eq!(mastodon_score(6.0, 0.0, 5.0), 25.0);
/// assert_eq!(mastodon_score(4.0, 0.0, 5.0), 0.0);
/// ```
pub fn mastodon_score(observed: f64, expected: f64, minimum: f64) -> f64 {
    let e = expected.max(1.0);
    if observed >= e && observed >= minimum {
        (observed - e) * (observed - e) / e
    } else {
        0.0
    }
}

/// A peak `score` decayed over `age` with `half_life` (same units).
///
/// ```
/// use hashtrend::rank::trend::decayed;
/// assert_eq!(decayed(64.0, 8.0 * 3600.0, 4.0 * 3600.0), 16.0);
/// ```
pub fn decayed(score: f64, age: f64, half_life: f64) -> f64 {
    score * 0.5f64.powf(age / half_life)
}

/// Half-lives after which a peak is forgotten (its score has fallen to
/// 2^-32 of itself, about a four-billionth).
const FORGET_AFTER: f64 = 32.0;

/// Scores each bucket within reach by [`mastodon_score`] of its distinct
/// authors against the mean of its own baseline (Mastodon compares with
/// yesterday: `--baseline 1`), and ranks by the highest such score decayed
/// to the scored bucket's start by the half-life, as long as the tag is
/// still above its expectation, with the minimum of authors, in the scored
/// bucket (a tag at or below it scores 0). Without authors in the
/// data, [`super::trending`] gives it posts and says so. Components:
/// `minimum`, `half_life_hours`, `peak_bucket` (index on the time line),
/// `peak_score`, `window`.
#[derive(Debug, Clone, Copy)]
pub struct AuthorsScorer {
    /// Fewest distinct authors for a rise to score; default 5.
    pub minimum: f64,
    /// Half-life of a peak, seconds; default 4 hours.
    pub half_life: f64,
}

impl TrendScorer for AuthorsScorer {
    fn name(&self) -> &'static str {
        "authors"
    }

    fn measure(&self, _by: Measure) -> Measure {
        Measure::Authors
    }

    fn reach(&self) -> i64 {
        (self.half_life * FORGET_AFTER).min(i64::MAX as f64 / 2.0) as i64
    }

    fn score(&self, cx: &Context<'_>) -> Score {
        let now = cx.timeline.starts[cx.at];
        let since = now.saturating_sub(self.reach());
        let expected_at = |i: usize| mean(&cx.baseline_values(i)).max(1.0);
        let mut peak = (0.0, cx.at);
        // Only rises rank: a peak carries over only while the tag is above
        // its expectation, with at least the minimum of authors.
        let expected = expected_at(cx.at);
        let in_use = cx.observed() > expected && cx.observed() >= self.minimum;
        for i in (0..=cx.at).rev().take_while(|_| in_use) {
            let start = cx.timeline.starts[i];
            if start < since {
                break;
            }
            if cx.values[i] < self.minimum.max(1.0) {
                continue;
            }
            let s = mastodon_score(cx.values[i], expected_at(i), self.minimum);
            let s = decayed(s, (now - start) as f64, self.half_life);
            if s > peak.0 {
                peak = (s, i);
            }
        }
        let window = cx.baseline_of(cx.at).len();
        Score::new(peak.0, cx.observed(), expected)
            .with("minimum", self.minimum)
            .with("half_life_hours", self.half_life / 3600.0)
            .with("peak_bucket", peak.1)
            .with("peak_score", peak.0)
            .with("window", window)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issue_values() {
        assert_eq!(mastodon_score(20.0, 4.0, 5.0), 64.0);
        assert_eq!(decayed(64.0, 8.0 * 3600.0, 4.0 * 3600.0), 16.0);
        assert_eq!(mastodon_score(6.0, 0.0, 5.0), 25.0);
        assert_eq!(mastodon_score(4.0, 0.0, 5.0), 0.0);
        // At or below the expectation: nothing.
        assert_eq!(mastodon_score(8.0, 9.0, 5.0), 0.0);
    }
}
