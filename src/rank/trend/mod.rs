//! Trending: which tags rise in one bucket against their own history.
//!
//! Counting says what is big; trending says what is rising now. Each
//! method is a [`TrendScorer`]: it sees one tag's zero-filled series (a
//! [`Context`]) and returns a [`Score`] that explains itself (observed,
//! expected, and the method's own components such as mean, sd or
//! interval). [`trending`] scores every candidate tag of a bucket in
//! parallel and ranks them; [`bursts`] lists Kleinberg burst intervals.
//!
//! | method | scores | expected value | default parameters |
//! |---|---|---|---|
//! | [`Method::Change`] | percent change vs the bucket before | the previous count (0 counts as 1) | none |
//! | [`Method::Zscore`] | (x − mean) / sd of the baseline | baseline mean | `baseline` 7, sd floored at 1 |
//! | [`Method::Ewma`] | (x − m) / √v of an exponentially weighted mean | m | `alpha` 0.3 |
//! | [`Method::Poisson`] | \|c − ν\| / (hi − lo), Gnip's score | ν, the baseline mean (at least 0.5) | `baseline` 7, level 0.99 |
//! | [`Method::Authors`] | (o − e)² / e on distinct authors, decaying peak | baseline mean of authors (at least 1) | minimum 5 authors, half-life 4 h |
//! | [`Method::Llr`] | Dunning's G² on the tag's share of uses | uses at the baseline share | `baseline` 7 |
//! | [`Method::Burst`] | Kleinberg two-state burst weight | base rate × posts | s 2, γ 1 |
//!
//! Only rises rank: a tag at or below its expectation scores 0 and is left
//! out of the ranking. `authors` scores a rising tag by the highest of the
//! recent buckets' scores decayed by the half-life (Mastodon's trending
//! tags): a tag that peaked an hour ago and still rises, more slowly, keeps
//! part of its peak. Ties rank by distinct authors in the bucket (more first), then
//! by tag key.
//!
//! ```
//! use hashtrend::rank::trend::{self, Method, TrendOptions, TrendParams};
//! use hashtrend::{AnalyzerBuilder, Input};
//!
//! let mut csv = String::from("id,created_at,author_id,text\n");
//! let mut id = 0;
//! for day in 1..=8 {
//!     // #flu: 2 posts a day, then 12 on June 8; #bcsm steady at 3.
//!     let flu = if day == 8 { 12 } else { 2 };
//!     for (tag, n) in [("flu", flu), ("bcsm", 3)] {
//!         for k in 0..n {
//!             id += 1;
//!             csv += &format!("{id},2024-06-0{day}T10:00:00Z,u{k},#{tag}\n");
//!         }
//!     }
//! }
//! let report = AnalyzerBuilder::new()
//!     .build()
//!     .run(vec![Input::from_reader("posts.csv", std::io::Cursor::new(csv))])?;
//! let scorer = Method::Zscore.scorer(&TrendParams::default());
//! let options = TrendOptions { at: Some(1_717_804_800), ..TrendOptions::default() }; // 2024-06-08
//! let trending = trend::trending(&report, scorer.as_ref(), &options)?;
//! let top = &trending.rows[0];
//! assert_eq!(report.counts().tags()[top.tag as usize].key, "flu");
//! // History [2; 7]: mean 2, sd 0 floored at 1, so z = (12 - 2) / 1.
//! assert_eq!((top.score.score, top.score.expected), (10.0, 2.0));
//! assert_eq!(trending.rows.len(), 1); // #bcsm did not rise
//! # Ok::<(), hashtrend::Error>(())
//! ```

mod authors;
mod burst;
mod change;
pub mod eval;
mod ewma;
mod llr;
mod poisson;
mod series;
mod zscore;

use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;

use rayon::prelude::*;
use serde_json::{Map, Value};

pub use authors::{AuthorsScorer, decayed, mastodon_score};
pub use burst::{BurstPath, BurstScorer, kleinberg};
pub use change::{ChangeScorer, percent_change};
pub use ewma::{Ewma, EwmaScorer};
pub use llr::{LlrScorer, g2};
pub use poisson::{PoissonScorer, poisson_interval, poisson_score};
pub use series::{Baseline, Timeline};
pub use zscore::{ZscoreScorer, zscore};

use crate::analyzer::TrendReport;
use crate::bucket::Bucketer;
use crate::error::{Error, Result};
use crate::rank::Measure;

/// What a scorer sees of one tag: its series up to the scored bucket and
/// the run's time line.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The tag's series (by [`Context::measure`]) over buckets `0..=at`,
    /// zero-filled.
    pub values: &'a [f64],
    /// The index of the scored bucket (`values.len() - 1`).
    pub at: usize,
    /// Which count `values` holds.
    pub measure: Measure,
    /// The run's time line: bucket starts, posts and hashtag uses per
    /// bucket.
    pub timeline: &'a Timeline,
    /// Which earlier buckets a bucket is compared with.
    pub baseline: &'a Baseline,
    /// The run's bucketing (for seasonal baselines).
    pub bucketer: &'a Bucketer,
}

impl Context<'_> {
    /// The value in the scored bucket.
    pub fn observed(&self) -> f64 {
        self.values[self.at]
    }

    /// The baseline buckets of bucket `i` (at most `at`), oldest first.
    pub fn baseline_of(&self, i: usize) -> Vec<usize> {
        self.baseline.of(i, self.timeline, self.bucketer)
    }

    /// The values of the baseline buckets of bucket `i`, oldest first.
    pub fn baseline_values(&self, i: usize) -> Vec<f64> {
        self.baseline_of(i)
            .into_iter()
            .map(|j| self.values[j])
            .collect()
    }
}

/// A tag's score in one bucket, with what explains it.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    /// The score; 0 when the tag did not rise.
    pub score: f64,
    /// The value the method looked at in the scored bucket.
    pub observed: f64,
    /// The value the method expected there.
    pub expected: f64,
    /// The method's own figures (mean, sd, interval, window, state path…),
    /// written in JSON output.
    pub components: Map<String, Value>,
}

impl Score {
    /// A score with its observed and expected values and no components.
    pub fn new(score: f64, observed: f64, expected: f64) -> Score {
        Score {
            score,
            observed,
            expected,
            components: Map::new(),
        }
    }

    /// Adds a component.
    pub fn with(mut self, name: &str, value: impl Into<Value>) -> Score {
        self.components.insert(name.to_owned(), value.into());
        self
    }
}

/// A trend-scoring method. Implement it to plug a new method into
/// [`trending`]; the seven built in are listed in [`Method`].
///
/// # Example
///
/// A scorer of how far a tag rises above the highest count of its
/// baseline, plugged into [`trending`] like the built-in ones:
///
/// ```
/// use hashtrend::rank::trend::{self, Context, Score, TrendOptions, TrendScorer};
/// use hashtrend::{AnalyzerBuilder, Input};
///
/// struct AboveMax;
///
/// impl TrendScorer for AboveMax {
///     fn name(&self) -> &'static str {
///         "above-max"
///     }
///     fn score(&self, cx: &Context<'_>) -> Score {
///         let max = cx.baseline_values(cx.at).into_iter().fold(0.0, f64::max);
///         let x = cx.observed();
///         Score::new((x - max).max(0.0), x, max).with("baseline_max", max)
///     }
/// }
///
/// let csv = "id,created_at,author_id,text\n\
///            1,2024-06-01T10:00:00Z,a,#rsv\n\
///            2,2024-06-02T10:00:00Z,a,#rsv\n\
///            3,2024-06-02T11:00:00Z,b,#rsv\n\
///            4,2024-06-02T23:00:00Z,c,#rsv\n";
/// let report = AnalyzerBuilder::new()
///     .build()
///     .run(vec![Input::from_reader("posts.csv", std::io::Cursor::new(csv))])?;
/// let ranked = trend::trending(&report, &AboveMax, &TrendOptions::default())?;
/// assert_eq!(ranked.rows[0].score.score, 2.0); // 3 posts on June 2, at most 1 before
/// # Ok::<(), hashtrend::Error>(())
/// ```
pub trait TrendScorer: Sync {
    /// The method's name, as `--method` takes it.
    fn name(&self) -> &'static str;

    /// The series it scores when the user asks for `by` (most methods
    /// follow `by`; `authors` always scores distinct authors, `llr` uses).
    fn measure(&self, by: Measure) -> Measure {
        by
    }

    /// How long (seconds) before the scored bucket an earlier bucket can
    /// still make its score; 0 when only the scored bucket can. Tags used
    /// in no bucket of that reach are not scored.
    fn reach(&self) -> i64 {
        0
    }

    /// Scores one tag.
    fn score(&self, cx: &Context<'_>) -> Score;
}

/// The built-in methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Method {
    /// Percent change against the bucket before (Symplur's measure).
    Change,
    /// z-score against the baseline's mean and sd.
    Zscore,
    /// z-score against an exponentially weighted mean and variance.
    Ewma,
    /// Gnip's Poisson score, rising from zero allowed.
    Poisson,
    /// Mastodon's trending-tags score on distinct authors; the default.
    #[default]
    Authors,
    /// Dunning's log-likelihood ratio of the tag's share of uses.
    Llr,
    /// Kleinberg's two-state burst model.
    Burst,
}

impl Method {
    /// Every method, in documentation order.
    pub const ALL: [Method; 7] = [
        Method::Change,
        Method::Zscore,
        Method::Ewma,
        Method::Poisson,
        Method::Authors,
        Method::Llr,
        Method::Burst,
    ];

    /// The method's scorer with `params`.
    pub fn scorer(self, params: &TrendParams) -> Box<dyn TrendScorer> {
        match self {
            Method::Change => Box::new(ChangeScorer),
            Method::Zscore => Box::new(ZscoreScorer),
            Method::Ewma => Box::new(EwmaScorer {
                alpha: params.ewma_alpha,
            }),
            Method::Poisson => Box::new(PoissonScorer {
                level: params.poisson_level,
            }),
            Method::Authors => Box::new(AuthorsScorer {
                minimum: params.min_rise_authors,
                half_life: params.half_life,
            }),
            Method::Llr => Box::new(LlrScorer),
            Method::Burst => Box::new(BurstScorer {
                s: params.burst_s,
                gamma: params.burst_gamma,
            }),
        }
    }

    /// The score at or above which the method calls a rise, as the
    /// evaluation in the README uses it.
    pub fn threshold(self) -> f64 {
        match self {
            Method::Change => 100.0,
            Method::Zscore | Method::Ewma => 3.0,
            Method::Poisson => 1.0,
            // Pearson's χ² for one cell, and Dunning's G², at p = 0.001 with one
            // degree of freedom.
            Method::Authors | Method::Llr => 10.83,
            // Any burst state.
            Method::Burst => f64::MIN_POSITIVE,
        }
    }
}

impl FromStr for Method {
    type Err = Error;
    fn from_str(s: &str) -> Result<Method> {
        Method::ALL
            .into_iter()
            .find(|m| m.to_string() == s)
            .ok_or_else(|| {
                Error::config(format!(
                    "unknown method \"{s}\": expected change, zscore, ewma, poisson, authors, llr or burst"
                ))
            })
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Method::Change => "change",
            Method::Zscore => "zscore",
            Method::Ewma => "ewma",
            Method::Poisson => "poisson",
            Method::Authors => "authors",
            Method::Llr => "llr",
            Method::Burst => "burst",
        })
    }
}

/// The methods' parameters; every one has a documented default.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrendParams {
    /// `ewma`: weight of the newest value, in (0, 1]. Default 0.3.
    pub ewma_alpha: f64,
    /// `poisson`: level of the central interval. Default 0.99.
    pub poisson_level: f64,
    /// `authors`: fewest distinct authors for a rise to score. Default 5.
    pub min_rise_authors: f64,
    /// `authors`: half-life of a peak score, seconds. Default 4 hours.
    pub half_life: f64,
    /// `burst`: how many times the base rate the burst state emits.
    /// Default 2.
    pub burst_s: f64,
    /// `burst`: cost of entering the burst state, times ln(buckets).
    /// Default 1.
    pub burst_gamma: f64,
}

impl Default for TrendParams {
    fn default() -> Self {
        TrendParams {
            ewma_alpha: 0.3,
            poisson_level: 0.99,
            min_rise_authors: 5.0,
            half_life: 4.0 * 3600.0,
            burst_s: 2.0,
            burst_gamma: 1.0,
        }
    }
}

impl TrendParams {
    /// Checks that every parameter is in its range.
    ///
    /// # Errors
    /// The first parameter out of range, by its CLI name.
    pub fn validate(&self) -> Result<()> {
        let bad = |what: &str| Err(Error::config(what.to_owned()));
        if !(self.ewma_alpha > 0.0 && self.ewma_alpha <= 1.0) {
            return bad("--ewma-alpha: must be in (0, 1]");
        }
        if !(self.poisson_level > 0.0 && self.poisson_level < 1.0) {
            return bad("--poisson-level: must be in (0, 1)");
        }
        if self.min_rise_authors.is_nan() || self.min_rise_authors < 0.0 {
            return bad("--rise-authors: must be at least 0");
        }
        if !(self.half_life > 0.0 && self.half_life.is_finite()) {
            return bad("--half-life: must be a positive duration");
        }
        if !(self.burst_s > 1.0 && self.burst_s.is_finite()) {
            return bad("--burst-s: must be greater than 1");
        }
        if !(self.burst_gamma > 0.0 && self.burst_gamma.is_finite()) {
            return bad("--burst-gamma: must be positive");
        }
        Ok(())
    }
}

/// What to rank and how: the bucket, the series, the baseline, filters.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendOptions {
    /// An instant in the bucket to rank; `None` picks the latest complete
    /// bucket (see [`trending`]).
    pub at: Option<i64>,
    /// The series scored: posts (default), occurrences or authors.
    pub by: Measure,
    /// Baseline buckets; default 7.
    pub baseline: usize,
    /// Compare with the same hour of day (sub-day buckets) or day of week
    /// (day buckets) instead of the buckets just before.
    pub seasonal: bool,
    /// Keep the first N tags (default: all that rose).
    pub top: Option<usize>,
    /// Fewest posts in the bucket for a tag to rank. Default 0.
    pub min_posts: u64,
    /// Fewest distinct authors in the bucket for a tag to rank. Default 0.
    pub min_authors: u64,
    /// Tag keys never ranked (already normalized, without `#`).
    pub ignore: HashSet<String>,
}

impl Default for TrendOptions {
    fn default() -> Self {
        TrendOptions {
            at: None,
            by: Measure::Posts,
            baseline: 7,
            seasonal: false,
            top: None,
            min_posts: 0,
            min_authors: 0,
            ignore: HashSet::new(),
        }
    }
}

/// One ranked tag.
#[derive(Debug, Clone, PartialEq)]
pub struct Trend {
    /// 1-based rank.
    pub rank: usize,
    /// Index into [`crate::Counts::tags`].
    pub tag: u32,
    /// The score and what explains it.
    pub score: Score,
    /// Distinct posts with the tag in the bucket.
    pub posts: u64,
    /// Distinct authors of those posts.
    pub authors: u64,
}

/// A ranking of one bucket.
#[derive(Debug, Clone, PartialEq)]
pub struct Trending {
    /// Start of the ranked bucket (Unix seconds); `None` without posts.
    pub bucket: Option<i64>,
    /// Why this bucket: the one asked for, or the latest complete one.
    pub why: String,
    /// The method's name.
    pub method: &'static str,
    /// The series scored.
    pub measure: Measure,
    /// Things the reader should know (a method scoring posts for lack of
    /// authors…).
    pub notes: Vec<String>,
    /// Tags scored: used in the bucket (or within the method's reach) and
    /// passing the filters; those that rose are in `rows`.
    pub scored: usize,
    /// The tags that rose, best first.
    pub rows: Vec<Trend>,
}

/// Ranks the tags of one bucket by `scorer`.
///
/// The bucket is the one holding `options.at`; by default, the latest
/// bucket if the posts reach into its last twentieth (after 22:48 for a
/// day), else the one before it, and [`Trending::why`] says which. Series
/// are zero-filled between the first and last bucket of the data. Tags are
/// scored in parallel; the result does not depend on the thread count.
///
/// # Errors
/// `options.at` outside the data's buckets, or a seasonal baseline for
/// weeks or months.
pub fn trending(
    report: &TrendReport,
    scorer: &dyn TrendScorer,
    options: &TrendOptions,
) -> Result<Trending> {
    let timeline = Timeline::new(report)?;
    let counts = report.counts();
    let bucketer = report.bucketer();
    let mut measure = scorer.measure(options.by);
    let mut notes = Vec::new();
    if measure == Measure::Authors && counts.totals().iter().all(|t| t.authors == 0) {
        measure = Measure::Posts;
        notes.push(format!(
            "the posts have no authors: {} scores posts instead of distinct authors",
            scorer.name()
        ));
    }
    let mut out = Trending {
        bucket: None,
        why: "no posts were counted".into(),
        method: scorer.name(),
        measure,
        notes,
        scored: 0,
        rows: Vec::new(),
    };
    if timeline.is_empty() {
        return Ok(out);
    }
    let (at, why) = scored_bucket(report, &timeline, options.at)?;
    out.bucket = Some(timeline.starts[at]);
    out.why = why;
    let baseline = Baseline::new(options.baseline, options.seasonal, bucketer)?;
    let ignored: HashSet<u32> = options
        .ignore
        .iter()
        .filter_map(|k| counts.tag_index(k))
        .collect();
    let since = timeline.starts[at].saturating_sub(scorer.reach());
    let candidates: Vec<(u32, u64, u64)> = (0..counts.tags().len() as u32)
        .filter(|t| !ignored.contains(t))
        .filter_map(|t| {
            let mut recent = false;
            let mut now = (0, 0);
            for (i, cell) in timeline.cells(counts, t) {
                if i <= at && timeline.starts[i] >= since {
                    recent = true;
                }
                if i == at {
                    now = (cell.tallies.posts, cell.tallies.authors);
                }
            }
            (recent && now.0 >= options.min_posts && now.1 >= options.min_authors)
                .then_some((t, now.0, now.1))
        })
        .collect();
    out.scored = candidates.len();
    let mut rows: Vec<Trend> = candidates
        .par_iter()
        .filter_map(|&(tag, posts, authors)| {
            let values = timeline.series(counts, tag, measure, at + 1);
            let cx = Context {
                values: &values,
                at,
                measure,
                timeline: &timeline,
                baseline: &baseline,
                bucketer,
            };
            let score = scorer.score(&cx);
            (score.score > 0.0 && score.score.is_finite()).then_some(Trend {
                rank: 0,
                tag,
                score,
                posts,
                authors,
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        b.score
            .score
            .total_cmp(&a.score.score)
            .then(b.authors.cmp(&a.authors))
            .then(a.tag.cmp(&b.tag))
    });
    rows.truncate(options.top.unwrap_or(usize::MAX));
    for (i, r) in rows.iter_mut().enumerate() {
        r.rank = i + 1;
    }
    out.rows = rows;
    Ok(out)
}

/// The bucket to rank and why.
fn scored_bucket(
    report: &TrendReport,
    timeline: &Timeline,
    at: Option<i64>,
) -> Result<(usize, String)> {
    let bucketer = report.bucketer();
    let first = timeline.starts[0];
    let last_index = timeline.len() - 1;
    let last = timeline.starts[last_index];
    if let Some(at) = at {
        let start = bucketer.clone().start(at);
        let end = bucketer.next(last);
        return match timeline.index(start) {
            Some(i) => Ok((i, format!("bucket {} as asked", bucketer.format(start)))),
            None => Err(Error::config(format!(
                "--at {}: outside the posts' buckets, {} to {} (exclusive)",
                bucketer.format(at),
                bucketer.format(first),
                bucketer.format(end)
            ))),
        };
    }
    let latest = report.activity().span.map_or(last, |s| s.1);
    let end = bucketer.next(last);
    // The last twentieth of the latest bucket: after 22:48 for a day.
    let threshold = last + (end - last) * 19 / 20;
    if latest >= threshold || last_index == 0 {
        let why = if latest >= threshold {
            "the posts reach into its last twentieth"
        } else {
            "the only bucket, though the posts end before its last twentieth"
        };
        Ok((
            last_index,
            format!(
                "latest bucket {}: {why} (last post {})",
                bucketer.format(last),
                bucketer.format(latest)
            ),
        ))
    } else {
        Ok((
            last_index - 1,
            format!(
                "bucket {}, the one before the latest: the posts end at {}, before the last twentieth of {} (from {})",
                bucketer.format(timeline.starts[last_index - 1]),
                bucketer.format(latest),
                bucketer.format(last),
                bucketer.format(threshold)
            ),
        ))
    }
}

/// A burst interval of one tag: buckets `start..=end` of the time line in
/// the burst state.
#[derive(Debug, Clone, PartialEq)]
pub struct Burst {
    /// Index into [`crate::Counts::tags`].
    pub tag: u32,
    /// First bucket (start, Unix seconds).
    pub start: i64,
    /// Start of the last bucket, inclusive.
    pub end: i64,
    /// Buckets in the burst.
    pub bins: usize,
    /// The burst's weight: how much cheaper the burst state explains its
    /// buckets than the base state.
    pub weight: f64,
}

/// Kleinberg burst intervals over the whole series of each tag (or only of
/// `tags`, keys), in time order (then heavier first, then by tag key).
/// The series is `by` against the posts per bucket (uses per bucket for
/// occurrences).
///
/// # Errors
/// A parameter out of range.
pub fn bursts(
    report: &TrendReport,
    by: Measure,
    params: &TrendParams,
    tags: Option<&[String]>,
) -> Result<Vec<Burst>> {
    params.validate()?;
    let timeline = Timeline::new(report)?;
    let counts = report.counts();
    let chosen: Vec<u32> = match tags {
        Some(keys) => keys.iter().filter_map(|k| counts.tag_index(k)).collect(),
        None => (0..counts.tags().len() as u32).collect(),
    };
    let totals = burst::totals(&timeline, by);
    let mut found: Vec<Burst> = chosen
        .par_iter()
        .flat_map_iter(|&tag| {
            let values = timeline.series(counts, tag, by, timeline.len());
            let path = kleinberg(&values, &totals, params.burst_s, params.burst_gamma);
            path.intervals()
                .into_iter()
                .map(|(a, b, weight)| Burst {
                    tag,
                    start: timeline.starts[a],
                    end: timeline.starts[b],
                    bins: b - a + 1,
                    weight,
                })
                .collect::<Vec<_>>()
        })
        .collect();
    found.sort_by(|a, b| {
        a.start
            .cmp(&b.start)
            .then(b.weight.total_cmp(&a.weight))
            .then(a.tag.cmp(&b.tag))
    });
    Ok(found)
}

/// Mean of `values`; 0 when empty.
fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        0.0
    } else {
        values.iter().sum::<f64>() / values.len() as f64
    }
}
