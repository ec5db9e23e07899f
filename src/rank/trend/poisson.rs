//! `poisson`: Gnip's point-by-point Poisson score, improved so that a rise
//! from nothing scores and the current point never enters its own
//! baseline.

use super::{Context, Score, TrendScorer, mean};

/// The central interval `[lo, hi]` of Poisson(`nu`) at `level`: `lo` is the
/// smallest count whose CDF reaches `(1 − level) / 2`, `hi` the smallest
/// whose CDF reaches `1 − (1 − level) / 2`.
///
/// The probabilities are summed around the mode over ±(12 sd + 20), where
/// all but a negligible mass lies, and normalized by their sum, so large
/// rates neither underflow nor overflow.
///
/// ```
/// use hashtrend::rank::trend::poisson_interval;
/// assert_eq!(poisson_interval(10.0, 0.99), (3, 19));
/// ```
pub fn poisson_interval(nu: f64, level: f64) -> (u64, u64) {
    if !(nu > 0.0 && nu.is_finite()) {
        return (0, 0);
    }
    let mode = nu.floor();
    let width = (12.0 * nu.sqrt() + 20.0).ceil();
    let lo_k = (mode - width).max(0.0) as u64;
    let hi_k = (mode + width) as u64;
    let m = mode as u64;
    // Probabilities relative to the mode's: p(k+1) = p(k)·ν/(k+1).
    let mut p = vec![0.0f64; (hi_k - lo_k + 1) as usize];
    p[(m - lo_k) as usize] = 1.0;
    for k in m + 1..=hi_k {
        let i = (k - lo_k) as usize;
        p[i] = p[i - 1] * nu / k as f64;
    }
    for k in (lo_k..m).rev() {
        let i = (k - lo_k) as usize;
        p[i] = p[i + 1] * (k + 1) as f64 / nu;
    }
    let total: f64 = p.iter().sum();
    let tail = (1.0 - level) / 2.0;
    let quantile = |q: f64| {
        let mut cdf = 0.0;
        for (i, v) in p.iter().enumerate() {
            cdf += v / total;
            if cdf >= q {
                return lo_k + i as u64;
            }
        }
        hi_k
    };
    (quantile(tail), quantile(1.0 - tail))
}

/// Gnip's score `|c − ν| / (hi − lo)` with `[lo, hi]` the central
/// interval of Poisson(ν) at `level`; returns `(score, lo, hi)`.
///
/// ```
/// use hashtrend::rank::trend::poisson_score;
/// assert_eq!(poisson_score(10.0, 25.0, 0.99), (0.9375, 3, 19));
/// ```
pub fn poisson_score(nu: f64, c: f64, level: f64) -> (f64, u64, u64) {
    let (lo, hi) = poisson_interval(nu, level);
    let width = (hi - lo).max(1) as f64;
    ((c - nu).abs() / width, lo, hi)
}

/// Scores a bucket's count against ν, the mean of its baseline
/// (`--baseline 1`: the previous count, Gnip's own mode), floored at 0.5
/// so that a rise from zero scores. Falls score 0. Components: `nu`,
/// `interval` `[lo, hi]`, `level`, `window`.
#[derive(Debug, Clone, Copy)]
pub struct PoissonScorer {
    /// Level of the central interval; default 0.99.
    pub level: f64,
}

impl TrendScorer for PoissonScorer {
    fn name(&self) -> &'static str {
        "poisson"
    }

    fn score(&self, cx: &Context<'_>) -> Score {
        let history = cx.baseline_values(cx.at);
        let nu = mean(&history).max(0.5);
        let c = cx.observed();
        let (score, lo, hi) = poisson_score(nu, c, self.level);
        let score = if c > nu { score } else { 0.0 };
        Score::new(score, c, nu)
            .with("nu", nu)
            .with("interval", vec![lo, hi])
            .with("level", self.level)
            .with("window", history.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 5e-7
    }

    #[test]
    fn the_issue_values() {
        assert_eq!(poisson_score(10.0, 25.0, 0.99), (0.9375, 3, 19));
        let (s, lo, hi) = poisson_score(100.0, 150.0, 0.99);
        assert_eq!((lo, hi), (75, 127));
        assert!(close(s, 0.961538));
        let (s, lo, hi) = poisson_score(25.0, 10.0, 0.99);
        assert_eq!((lo, hi), (13, 39));
        assert!(close(s, 0.576923));
    }

    #[test]
    fn intervals_match_summed_probabilities() {
        // Independent check: the CDF of Poisson(0.5) by direct sums.
        // P(0) = 0.6065, P(<=1) = 0.9098, P(<=2) = 0.9856, P(<=3) = 0.9982.
        assert_eq!(poisson_interval(0.5, 0.99), (0, 3));
        // A large rate: the normal approximation gives 1e6 ± 2.576·1000.
        let (lo, hi) = poisson_interval(1e6, 0.99);
        assert!((997_420..=997_430).contains(&lo), "{lo}");
        assert!((1_002_570..=1_002_580).contains(&hi), "{hi}");
    }
}
