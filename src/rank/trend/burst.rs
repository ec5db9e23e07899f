//! `burst`: Kleinberg's two-state burst model for counts in bins
//! ("Bursty and hierarchical structure in streams", 2002, the batched
//! form), with the optimal state path found by Viterbi over the whole
//! series.

use super::{Context, Score, Timeline, TrendScorer};
use crate::rank::Measure;

/// The optimal state path of a series and the rates behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct BurstPath {
    /// 0 (base) or 1 (burst) for each bin.
    pub states: Vec<u8>,
    /// For each bin, `cost₀ − cost₁`: what the burst state saves there.
    pub gains: Vec<f64>,
    /// Base rate: the tag's share of all posts over the series.
    pub p0: f64,
    /// Burst rate: `s · p0`, kept below 1.
    pub p1: f64,
}

impl BurstPath {
    /// The burst intervals, `(first bin, last bin, weight)`, with the
    /// weight the sum of the bins' gains.
    pub fn intervals(&self) -> Vec<(usize, usize, f64)> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < self.states.len() {
            if self.states[i] == 1 {
                let a = i;
                while i + 1 < self.states.len() && self.states[i + 1] == 1 {
                    i += 1;
                }
                out.push((a, i, self.gains[a..=i].iter().sum()));
            }
            i += 1;
        }
        out
    }
}

/// Kleinberg's two-state model over `counts[t]` of `totals[t]` per bin:
/// the base state emits at rate `p0 = Σcounts / Σtotals`, the burst state
/// at `s · p0`; a bin costs `−ln(p^r (1−p)^(d−r))` in a state, entering
/// the burst state costs `γ ln n` (n bins) and leaving it nothing. The
/// path starts in the base state and minimizes the total cost (Viterbi,
/// ties to the base state), so a burst is found even where no single bin
/// pays for the entry on its own.
///
/// ```
/// use hashtrend::rank::trend::kleinberg;
/// let path = kleinberg(&[5.0, 5.0, 20.0, 25.0, 5.0, 5.0], &[100.0; 6], 2.0, 1.0);
/// assert_eq!(path.states, [0, 0, 1, 1, 0, 0]);
/// ```
pub fn kleinberg(counts: &[f64], totals: &[f64], s: f64, gamma: f64) -> BurstPath {
    let n = counts.len();
    let r: f64 = counts.iter().sum();
    let d: f64 = totals.iter().sum();
    let mut path = BurstPath {
        states: vec![0; n],
        gains: vec![0.0; n],
        p0: 0.0,
        p1: 0.0,
    };
    if n == 0 || r <= 0.0 || d <= 0.0 {
        return path;
    }
    let p0 = (r / d).min(1.0);
    let p1 = (s * p0).min(1.0 - 1e-9);
    path.p0 = p0;
    path.p1 = p1;
    if p1 <= p0 {
        return path;
    }
    let cost = |p: f64, r: f64, d: f64| {
        let miss = (d - r).max(0.0);
        let hit = if r > 0.0 { r * p.ln() } else { 0.0 };
        let no = if miss > 0.0 {
            miss * (1.0 - p).ln()
        } else {
            0.0
        };
        -(hit + no)
    };
    let enter = gamma * (n as f64).ln();
    // Viterbi: best cost ending in each state, and the state before.
    let mut back = vec![[0u8; 2]; n];
    let mut best = [0.0f64, enter];
    for t in 0..n {
        let (rt, dt) = (counts[t], totals[t].max(counts[t]));
        let c0 = cost(p0, rt, dt);
        let c1 = cost(p1, rt, dt);
        path.gains[t] = c0 - c1;
        if t == 0 {
            best = [c0, enter + c1];
            continue;
        }
        // Into the base state: from either, free. Into the burst state:
        // staying is free, entering costs `enter`.
        let (to0, from0) = if best[0] <= best[1] {
            (best[0], 0)
        } else {
            (best[1], 1)
        };
        let (to1, from1) = if best[0] + enter < best[1] {
            (best[0] + enter, 0)
        } else {
            (best[1], 1)
        };
        back[t] = [from0, from1];
        best = [to0 + c0, to1 + c1];
    }
    let mut state = if best[0] <= best[1] { 0 } else { 1 };
    for t in (0..n).rev() {
        path.states[t] = state;
        state = back[t][state as usize];
    }
    path
}

/// The totals a tag's series is compared with: posts per bucket, or all
/// hashtag uses per bucket for occurrences.
pub(super) fn totals(timeline: &Timeline, by: Measure) -> Vec<f64> {
    let source = match by {
        Measure::Occurrences => &timeline.uses,
        Measure::Posts | Measure::Authors => &timeline.posts,
    };
    source.iter().map(|&v| v as f64).collect()
}

/// Scores a bucket by the weight of the burst it is in, from the burst's
/// first bucket up to it, on the optimal path over the series up to the
/// bucket (later data do not change the past); 0 outside a burst.
/// Expected is the base rate times the bucket's posts. Components: `p0`,
/// `p1`, `s`, `gamma`, `burst_start` (index on the time line), `states`
/// (the path, one digit per bucket).
#[derive(Debug, Clone, Copy)]
pub struct BurstScorer {
    /// Burst rate over base rate; default 2.
    pub s: f64,
    /// Cost of entering a burst, times ln(bins); default 1.
    pub gamma: f64,
}

impl TrendScorer for BurstScorer {
    fn name(&self) -> &'static str {
        "burst"
    }

    fn score(&self, cx: &Context<'_>) -> Score {
        let mut totals = totals(cx.timeline, cx.measure);
        totals.truncate(cx.at + 1);
        let path = kleinberg(cx.values, &totals, self.s, self.gamma);
        let (start, weight) = match path.intervals().last() {
            Some(&(a, b, w)) if b == cx.at => (Some(a), w),
            _ => (None, 0.0),
        };
        let states: String = path.states.iter().map(|s| char::from(b'0' + s)).collect();
        Score::new(weight.max(0.0), cx.observed(), path.p0 * totals[cx.at])
            .with("p0", path.p0)
            .with("p1", path.p1)
            .with("s", self.s)
            .with("gamma", self.gamma)
            .with("burst_start", start)
            .with("states", states)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issue_values() {
        let p = kleinberg(&[5.0, 5.0, 20.0, 25.0, 5.0, 5.0], &[100.0; 6], 2.0, 1.0);
        assert_eq!(p.states, [0, 0, 1, 1, 0, 0]);
        let bursts = p.intervals();
        assert_eq!(bursts.len(), 1);
        assert_eq!((bursts[0].0, bursts[0].1), (2, 3));
        assert!((bursts[0].2 - 11.1138).abs() < 5e-4, "{}", bursts[0].2);

        let counts = [
            10.0, 10.0, 10.0, 10.0, 19.0, 19.0, 10.0, 10.0, 10.0, 10.0, 10.0,
        ];
        let p = kleinberg(&counts, &[100.0; 11], 2.0, 1.0);
        assert_eq!(p.states, [0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn nothing_to_burst() {
        assert!(kleinberg(&[], &[], 2.0, 1.0).states.is_empty());
        assert_eq!(kleinberg(&[0.0; 3], &[10.0; 3], 2.0, 1.0).states, [0, 0, 0]);
        assert_eq!(
            kleinberg(&[3.0; 4], &[10.0; 4], 2.0, 1.0).states,
            [0, 0, 0, 0]
        );
    }
}
