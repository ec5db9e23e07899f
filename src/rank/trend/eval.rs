//! A labelled synthetic benchmark for the trend methods: daily series of
//! realistic volumes, some with a planted pulse, ramp or level shift, some
//! noise only, scored by every method at its default threshold.
//!
//! Each series runs [`DAYS`] days at a base level drawn log-uniformly from
//! 1 to 300 posts a day, half of them with quieter weekends (60%), with
//! ±20% day-to-day variation and Poisson noise on top. Distinct authors are
//! 70–95% of posts. A planted event starts on a day from 35 to 50:
//!
//! - pulse: 1–3 days at 2–8 times the level, plus 10 posts;
//! - ramp: growing linearly to 3–6 times the level (plus 10) over 5–7
//!   days, then staying there;
//! - level shift: 2–4 times the level (plus 5) from the onset on;
//! - flood (a negative): one account posts the tag 30–150 times a day for
//!   1–3 days, one more author.
//!
//! Every method scores each day from day 28 on (four weeks of history).
//! An alarm is a score at or above [`Method::threshold`]. An event counts
//! as detected when an alarm falls in its window (the pulse's days, the
//! ramp's days, the shift's first three days); alarms in that window are
//! true, alarms in noise-only or flooded series or before an onset are
//! false, and
//! alarms after the window (a new level that a method has not yet
//! absorbed) are not counted either way. Time to detection is the first
//! alarm's day minus the onset.

use serde::Serialize;

use super::{Baseline, Context, Method, Timeline, TrendParams};
use crate::bucket::Bucketer;
use crate::rank::Measure;
use crate::synth::Rng;
use crate::time::DAY;

/// Days in each series.
pub const DAYS: usize = 70;
/// First day scored.
pub const FIRST_SCORED: usize = 28;

/// What was planted in a series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Event {
    /// Nothing: noise only.
    None,
    /// A short pulse.
    Pulse,
    /// A gradual ramp to a higher level.
    Ramp,
    /// A step to a higher level that stays.
    Shift,
    /// One account posting the tag 30–150 times a day for 1–3 days: more
    /// posts, one more author. Not a trend; an alarm on it is false.
    Flood,
}

/// One labelled series.
#[derive(Debug, Clone, PartialEq)]
pub struct Labelled {
    /// What was planted.
    pub event: Event,
    /// Days in the event's detection window (empty for noise and floods).
    pub window: std::ops::Range<usize>,
    /// Days of the event itself (a flood's days; empty for noise).
    pub days: std::ops::Range<usize>,
    /// Posts per day.
    pub posts: Vec<f64>,
    /// Distinct authors per day.
    pub authors: Vec<f64>,
}

/// Poisson sample (Knuth's method below 30, a rounded normal above).
fn poisson(rng: &mut Rng, lambda: f64) -> f64 {
    if lambda <= 0.0 {
        return 0.0;
    }
    if lambda < 30.0 {
        let limit = (-lambda).exp();
        let mut k = 0.0;
        let mut p = rng.unit();
        while p > limit {
            k += 1.0;
            p *= rng.unit();
        }
        return k;
    }
    // Box–Muller.
    let u = rng.unit().max(1e-300);
    let v = rng.unit();
    let z = (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos();
    (lambda + z * lambda.sqrt()).round().max(0.0)
}

/// `n` labelled series from `seed`: noise only, pulses, ramps, shifts and
/// floods in turn (a fifth each).
pub fn series(seed: u64, n: usize) -> Vec<Labelled> {
    let mut rng = Rng::new(seed, 7);
    (0..n)
        .map(|i| {
            let event = match i % 5 {
                0 => Event::None,
                1 => Event::Pulse,
                2 => Event::Ramp,
                3 => Event::Shift,
                _ => Event::Flood,
            };
            let level = (300f64.ln() * rng.unit()).exp();
            let weekly = rng.unit() < 0.5;
            let onset = 35 + rng.below(16) as usize;
            let (len, factor) = match event {
                Event::None => (0, 1.0),
                Event::Pulse => (1 + rng.below(3) as usize, 2.0 + 6.0 * rng.unit()),
                Event::Ramp => (5 + rng.below(3) as usize, 3.0 + 3.0 * rng.unit()),
                Event::Shift => (3, 2.0 + 2.0 * rng.unit()),
                Event::Flood => (1 + rng.below(3) as usize, 30.0 + 120.0 * rng.unit()),
            };
            let mut posts = Vec::with_capacity(DAYS);
            let mut authors = Vec::with_capacity(DAYS);
            for day in 0..DAYS {
                let mut lambda = level;
                if weekly && day % 7 >= 5 {
                    lambda *= 0.6;
                }
                let since = day as f64 - onset as f64;
                lambda = match event {
                    _ if day < onset => lambda,
                    Event::None | Event::Flood => lambda,
                    Event::Pulse if day < onset + len => lambda * factor + 10.0,
                    Event::Pulse => lambda,
                    Event::Ramp => {
                        let step = ((since + 1.0) / len as f64).min(1.0);
                        lambda * (1.0 + (factor - 1.0) * step) + 10.0 * step
                    }
                    Event::Shift => lambda * factor + 5.0,
                };
                let lambda = lambda * (0.8 + 0.4 * rng.unit());
                let p = poisson(&mut rng, lambda);
                let a = (p * (0.7 + 0.25 * rng.unit())).round().min(p);
                let flood = event == Event::Flood && (onset..onset + len).contains(&day);
                let extra = if flood { factor.round() } else { 0.0 };
                posts.push(p + extra);
                authors.push(a + f64::from(u8::from(flood)));
            }
            let days = match event {
                Event::None => 0..0,
                _ => onset..onset + len,
            };
            let window = if event == Event::Flood {
                0..0
            } else {
                days.clone()
            };
            Labelled {
                event,
                window,
                days,
                posts,
                authors,
            }
        })
        .collect()
}

/// One method's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    /// The method.
    pub method: String,
    /// The series it scored.
    pub by: String,
    /// Its threshold.
    pub threshold: f64,
    /// True alarms over all counted alarms.
    pub precision: f64,
    /// Detected events over events, all kinds.
    pub recall: f64,
    /// Recall of pulses, ramps and shifts.
    pub recall_by_kind: [f64; 3],
    /// Mean days from onset to the first alarm in the window, detected
    /// events only.
    pub days_to_detect: f64,
    /// False alarms per 100 days of series with no trend (noise only or
    /// flooded).
    pub false_alarms_per_100_days: f64,
    /// Share of floods with an alarm on one of their days.
    pub floods_alarmed: f64,
}

/// Every method on posts (`authors` on distinct authors, `llr` on uses),
/// then the methods that follow `--by` on distinct authors.
pub fn configurations() -> Vec<(Method, Measure)> {
    let mut all: Vec<(Method, Measure)> =
        Method::ALL.iter().map(|&m| (m, Measure::Posts)).collect();
    for m in [Method::Zscore, Method::Poisson, Method::Burst] {
        all.push((m, Measure::Authors));
    }
    all
}

/// Scores every series with each `(method, --by)` of `configurations` at
/// the method's default threshold, with default parameters and a 7-day
/// baseline.
pub fn evaluate(labelled: &[Labelled], configurations: &[(Method, Measure)]) -> Vec<Figures> {
    let starts: Vec<i64> = (0..DAYS as i64).map(|d| 1_704_067_200 + d * DAY).collect();
    // Background volume the series' shares and rates are taken against.
    let background_posts = 20_000.0;
    let background_uses = 30_000.0;
    let bucketer = Bucketer::new(Default::default(), Default::default());
    let baseline = Baseline::Previous(7);
    let params = TrendParams::default();
    configurations
        .iter()
        .map(|&(method, by)| {
            let scorer = method.scorer(&params);
            let threshold = method.threshold();
            let (mut true_alarms, mut false_alarms) = (0u64, 0u64);
            let (mut noise_days, mut noise_alarms) = (0u64, 0u64);
            let mut events = [0u64; 3];
            let mut found = [0u64; 3];
            let mut delay_sum = 0.0;
            let (mut floods, mut flooded) = (0u64, 0u64);
            for s in labelled {
                let posts: Vec<u64> = s
                    .posts
                    .iter()
                    .map(|&p| (p + background_posts) as u64)
                    .collect();
                let uses: Vec<u64> = s
                    .posts
                    .iter()
                    .map(|&p| (1.3 * p + background_uses) as u64)
                    .collect();
                let Ok(timeline) = Timeline::from_totals(starts.clone(), posts, uses) else {
                    continue;
                };
                let measure = scorer.measure(by);
                let values: Vec<f64> = match measure {
                    Measure::Authors => s.authors.clone(),
                    Measure::Occurrences => s.posts.iter().map(|p| (1.3 * p).round()).collect(),
                    Measure::Posts => s.posts.clone(),
                };
                let mut first_alarm = None;
                let mut flood_alarmed = false;
                for at in FIRST_SCORED..DAYS {
                    let cx = Context {
                        values: &values[..=at],
                        at,
                        measure,
                        timeline: &timeline,
                        baseline: &baseline,
                        bucketer: &bucketer,
                    };
                    let alarm = scorer.score(&cx).score >= threshold;
                    let negative = matches!(s.event, Event::None | Event::Flood);
                    if negative {
                        noise_days += 1;
                    }
                    if !alarm {
                        continue;
                    }
                    if s.window.contains(&at) {
                        true_alarms += 1;
                        first_alarm.get_or_insert(at);
                    } else if negative || at < s.window.start {
                        false_alarms += 1;
                        noise_alarms += u64::from(negative);
                    }
                    if s.event == Event::Flood && s.days.contains(&at) {
                        flood_alarmed = true;
                    }
                }
                floods += u64::from(s.event == Event::Flood);
                flooded += u64::from(flood_alarmed);
                let kind = match s.event {
                    Event::None | Event::Flood => continue,
                    Event::Pulse => 0,
                    Event::Ramp => 1,
                    Event::Shift => 2,
                };
                events[kind] += 1;
                if let Some(at) = first_alarm {
                    found[kind] += 1;
                    delay_sum += (at - s.window.start) as f64;
                }
            }
            let ratio = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
            let detected: u64 = found.iter().sum();
            let by = scorer.measure(by);
            Figures {
                method: method.to_string(),
                by: by.to_string(),
                threshold,
                precision: ratio(true_alarms, true_alarms + false_alarms),
                recall: ratio(detected, events.iter().sum()),
                recall_by_kind: [
                    ratio(found[0], events[0]),
                    ratio(found[1], events[1]),
                    ratio(found[2], events[2]),
                ],
                days_to_detect: if detected == 0 {
                    0.0
                } else {
                    delay_sum / detected as f64
                },
                false_alarms_per_100_days: 100.0 * ratio(noise_alarms, noise_days),
                floods_alarmed: ratio(flooded, floods),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_are_labelled_and_planted() {
        let all = series(1, 40);
        assert_eq!(all.iter().filter(|s| s.event == Event::None).count(), 8);
        for s in &all {
            assert_eq!(s.posts.len(), DAYS);
            assert!(s.authors.iter().zip(&s.posts).all(|(a, p)| a <= p));
            if !s.window.is_empty() {
                // The window's mean stands above the four weeks before.
                let before: f64 = s.posts[s.window.start - 28..s.window.start]
                    .iter()
                    .sum::<f64>()
                    / 28.0;
                let during: f64 =
                    s.posts[s.window.clone()].iter().sum::<f64>() / s.window.len() as f64;
                assert!(during > before, "{s:?}");
            }
        }
    }
}
