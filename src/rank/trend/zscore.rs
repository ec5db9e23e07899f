//! `zscore`: how many standard deviations above the baseline's mean.

use super::{Context, Score, TrendScorer, mean};

/// `(x − mean) / sd` over `history`, with the population sd floored at 1
/// so that a flat history does not give infinity. Returns `(z, mean, sd)`;
/// an empty history has mean 0.
///
/// ```
/// use hashtrend::rank::trend::zscore;
/// let (z, mean, sd) = zscore(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0], 12.0);
/// assert_eq!((z, mean, sd), (3.5, 5.0, 2.0));
/// ```
pub fn zscore(history: &[f64], x: f64) -> (f64, f64, f64) {
    let m = mean(history);
    let var = if history.is_empty() {
        0.0
    } else {
        history.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / history.len() as f64
    };
    let sd = var.sqrt().max(1.0);
    ((x - m) / sd, m, sd)
}

/// Scores the z-score of the bucket against its baseline (`--baseline N`,
/// default 7 buckets); 0 unless above the mean. Components: `mean`, `sd`
/// (floored), `window` (baseline buckets used).
#[derive(Debug, Clone, Copy, Default)]
pub struct ZscoreScorer;

impl TrendScorer for ZscoreScorer {
    fn name(&self) -> &'static str {
        "zscore"
    }

    fn score(&self, cx: &Context<'_>) -> Score {
        let history = cx.baseline_values(cx.at);
        let x = cx.observed();
        let (z, m, sd) = zscore(&history, x);
        Score::new(z.max(0.0), x, m)
            .with("mean", m)
            .with("sd", sd)
            .with("window", history.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_and_empty_histories_floor_the_sd_at_one() {
        assert_eq!(zscore(&[3.0; 7], 5.0), (2.0, 3.0, 1.0));
        assert_eq!(zscore(&[], 4.0), (4.0, 0.0, 1.0));
    }
}
