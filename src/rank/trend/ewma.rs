//! `ewma`: a z-score against an exponentially weighted moving mean and
//! variance, which adapt to a tag's level without a fixed window.

use super::{Context, Score, TrendScorer};

/// An exponentially weighted mean and variance.
///
/// Seeded with the first value (variance 0); each next value `x` updates
/// them with weight `alpha` on the newest: `d = x − m; m ← m + α·d;
/// v ← (1 − α)(v + α·d²)`.
///
/// ```
/// use hashtrend::rank::trend::Ewma;
/// let e = Ewma::over(&[10.0, 14.0, 10.0, 14.0], 0.5);
/// assert_eq!((e.mean, e.variance), (12.5, 3.75));
/// assert!((e.z(30.0) - 9.03696).abs() < 1e-5);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Ewma {
    /// The weighted mean.
    pub mean: f64,
    /// The weighted variance.
    pub variance: f64,
}

impl Ewma {
    /// The state after `values` (all zeros when empty).
    pub fn over(values: &[f64], alpha: f64) -> Ewma {
        let Some((&first, rest)) = values.split_first() else {
            return Ewma::default();
        };
        let mut e = Ewma {
            mean: first,
            variance: 0.0,
        };
        for &x in rest {
            let d = x - e.mean;
            e.mean += alpha * d;
            e.variance = (1.0 - alpha) * (e.variance + alpha * d * d);
        }
        e
    }

    /// The standard deviation, floored at 1.
    pub fn sd(&self) -> f64 {
        self.variance.sqrt().max(1.0)
    }

    /// `(x − mean) / sd` with the sd floored at 1.
    pub fn z(&self, x: f64) -> f64 {
        (x - self.mean) / self.sd()
    }
}

/// Scores the bucket's z against the EWMA state of every bucket before it
/// (seasonal: of the same-phase buckets before it); 0 unless above the
/// mean. Components: `mean`, `sd`, `alpha`, `window`.
#[derive(Debug, Clone, Copy)]
pub struct EwmaScorer {
    /// Weight of the newest value; default 0.3.
    pub alpha: f64,
}

impl TrendScorer for EwmaScorer {
    fn name(&self) -> &'static str {
        "ewma"
    }

    fn score(&self, cx: &Context<'_>) -> Score {
        let x = cx.observed();
        let history: Vec<f64> = match cx.baseline {
            super::Baseline::Previous(_) => cx.values[..cx.at].to_vec(),
            super::Baseline::Seasonal { period, .. } => {
                // Every earlier bucket of the same phase, oldest first.
                let all = super::Baseline::Seasonal {
                    n: cx.at,
                    period: *period,
                };
                all.of(cx.at, cx.timeline, cx.bucketer)
                    .into_iter()
                    .map(|i| cx.values[i])
                    .collect()
            }
        };
        let e = Ewma::over(&history, self.alpha);
        Score::new(e.z(x).max(0.0), x, e.mean)
            .with("mean", e.mean)
            .with("sd", e.sd())
            .with("alpha", self.alpha)
            .with("window", history.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 5e-6
    }

    #[test]
    fn the_issue_values() {
        let h = [10.0, 14.0, 10.0, 14.0];
        let e = Ewma::over(&h, 0.5);
        assert!(close(e.mean, 12.5) && close(e.sd(), 1.93649) && close(e.z(30.0), 9.03696));
        let e = Ewma::over(&h, 0.3);
        assert!(close(e.mean, 11.788) && close(e.sd(), 1.98873) && close(e.z(30.0), 9.15759));
    }
}
