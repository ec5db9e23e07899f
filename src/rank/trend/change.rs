//! `change`: percent change against the preceding period of equal length,
//! Symplur's measure.

use super::{Context, Score, TrendScorer};

/// Percent change from `previous` to `current`; a previous count of 0
/// counts as 1, so a tag rising from nothing to 5 changes by 400%.
///
/// ```
/// use hashtrend::rank::trend::percent_change;
/// assert_eq!(percent_change(10.0, 25.0), 150.0);
/// assert_eq!(percent_change(0.0, 5.0), 400.0);
/// ```
pub fn percent_change(previous: f64, current: f64) -> f64 {
    let base = previous.max(1.0);
    100.0 * (current - base) / base
}

/// Scores the percent change against the bucket before (with a seasonal
/// baseline, the same bucket one period before); 0 unless it rose.
/// Components: `previous`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ChangeScorer;

impl TrendScorer for ChangeScorer {
    fn name(&self) -> &'static str {
        "change"
    }

    fn score(&self, cx: &Context<'_>) -> Score {
        let x = cx.observed();
        let previous = cx.baseline_of(cx.at).last().map_or(0.0, |&i| cx.values[i]);
        let change = percent_change(previous, x);
        Score::new(change.max(0.0), x, previous).with("previous", previous)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn falls_and_flat_series_do_not_rise() {
        assert_eq!(percent_change(10.0, 5.0), -50.0);
        assert_eq!(percent_change(0.0, 1.0), 0.0);
        assert_eq!(percent_change(4.0, 4.0), 0.0);
    }
}
