//! The zero-filled time line of a run and each tag's series on it.

use crate::analyzer::TrendReport;
use crate::bucket::{Bucketer, Unit};
use crate::count::Counts;
use crate::error::{Error, Result};
use crate::rank::Measure;
use crate::time::DAY;

/// Every bucket from the first to the last one holding a post, with the
/// posts and hashtag uses of each. Buckets without posts are there, with
/// zeros: trend scores compare a bucket with the ones before it, and a day
/// nobody posted is a day with a count of 0.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    /// Bucket starts (Unix seconds), ascending.
    pub starts: Vec<i64>,
    /// Posts counted in each bucket, tagged or not.
    pub posts: Vec<u64>,
    /// Uses of all hashtags in each bucket (the sum of occurrences).
    pub uses: Vec<u64>,
    /// For each tag of [`Counts::tags`], its cells' indices in
    /// [`Counts::cells`], in bucket order: `cells[offsets[t]..offsets[t+1]]`.
    offsets: Vec<usize>,
    cells: Vec<u32>,
    /// For each bucket of [`Counts::buckets`], its index in `starts`.
    slot: Vec<usize>,
}

impl Timeline {
    /// The time line of a report.
    ///
    /// # Errors
    /// When the span holds more than 10 million buckets (minute buckets over
    /// nineteen years): too long to zero-fill.
    pub fn new(report: &TrendReport) -> Result<Timeline> {
        let counts = report.counts();
        let bucketer = report.bucketer();
        let activity = report.activity();
        let mut starts = Vec::new();
        if let (Some(first), Some(last)) = (
            activity.posts_per_bucket.first(),
            activity.posts_per_bucket.last(),
        ) {
            let mut s = first.0;
            while s <= last.0 {
                starts.push(s);
                if starts.len() > 10_000_000 {
                    return Err(Error::config(
                        "the posts span more than 10 million buckets: choose a larger --bucket",
                    ));
                }
                s = bucketer.next(s);
            }
        }
        let index = |s: i64| starts.binary_search(&s).ok();
        let mut posts = vec![0; starts.len()];
        for &(s, n) in &activity.posts_per_bucket {
            if let Some(i) = index(s) {
                posts[i] = n;
            }
        }
        let slot: Vec<usize> = counts
            .buckets()
            .iter()
            .map(|&s| index(s).unwrap_or(usize::MAX))
            .collect();
        let mut uses = vec![0; starts.len()];
        let mut offsets = vec![0usize; counts.tags().len() + 1];
        for c in counts.cells() {
            if let Some(u) = uses.get_mut(slot[c.bucket as usize]) {
                *u += c.tallies.occurrences;
            }
            offsets[c.tag as usize + 1] += 1;
        }
        for t in 1..offsets.len() {
            offsets[t] += offsets[t - 1];
        }
        let mut next = offsets.clone();
        let mut cells = vec![0u32; counts.cells().len()];
        // Cells are sorted by bucket, so each tag's list comes out in
        // bucket order.
        for (i, c) in counts.cells().iter().enumerate() {
            let at = &mut next[c.tag as usize];
            cells[*at] = i as u32;
            *at += 1;
        }
        Ok(Timeline {
            starts,
            posts,
            uses,
            offsets,
            cells,
            slot,
        })
    }

    /// A time line of series kept outside a report (to score your own
    /// series, as the evaluation does): bucket starts with the posts and
    /// hashtag uses of each. It holds no tags.
    ///
    /// # Errors
    /// Lengths that differ, or starts that do not increase.
    pub fn from_totals(starts: Vec<i64>, posts: Vec<u64>, uses: Vec<u64>) -> Result<Timeline> {
        if posts.len() != starts.len() || uses.len() != starts.len() {
            return Err(Error::config(
                "a time line needs as many posts and uses as buckets",
            ));
        }
        if starts.windows(2).any(|w| w[0] >= w[1]) {
            return Err(Error::config("a time line's bucket starts must increase"));
        }
        Ok(Timeline {
            starts,
            posts,
            uses,
            offsets: vec![0],
            cells: Vec::new(),
            slot: Vec::new(),
        })
    }

    /// Number of buckets.
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// True when no post was counted.
    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// The index of the bucket that starts at `start`, if it is on the line.
    pub fn index(&self, start: i64) -> Option<usize> {
        self.starts.binary_search(&start).ok()
    }

    /// `(bucket index, cell)` of each cell of `tag`, in bucket order.
    pub fn cells<'c>(
        &'c self,
        counts: &'c Counts,
        tag: u32,
    ) -> impl Iterator<Item = (usize, &'c crate::count::Cell)> + 'c {
        let t = tag as usize;
        let range = match (self.offsets.get(t), self.offsets.get(t + 1)) {
            (Some(&a), Some(&b)) => a..b,
            _ => 0..0,
        };
        self.cells[range].iter().map(move |&i| {
            let cell = &counts.cells()[i as usize];
            (self.slot[cell.bucket as usize], cell)
        })
    }

    /// The series of `tag` by `measure` over buckets `0..len`, zeros where
    /// the tag was not used.
    pub fn series(&self, counts: &Counts, tag: u32, measure: Measure, len: usize) -> Vec<f64> {
        let mut values = vec![0.0; len];
        for (i, cell) in self.cells(counts, tag) {
            if i < len {
                values[i] = measure.of(&cell.tallies) as f64;
            }
        }
        values
    }
}

/// Which earlier buckets a bucket is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Baseline {
    /// The `n` buckets just before.
    Previous(usize),
    /// The buckets `period`, `2 × period` … `n × period` earlier on the wall
    /// clock: the same hour of day (`period` one day) or the same day of
    /// the week (one week).
    Seasonal {
        /// How many earlier periods.
        n: usize,
        /// The period, in local seconds.
        period: i64,
    },
}

impl Baseline {
    /// The baseline for `n` buckets, seasonal or not, for buckets of
    /// `bucketer`: sub-day buckets compare with the same time of day, day
    /// buckets with the same day of the week.
    ///
    /// # Errors
    /// A seasonal baseline for weeks or months, which have no such period.
    pub fn new(n: usize, seasonal: bool, bucketer: &Bucketer) -> Result<Baseline> {
        if !seasonal {
            return Ok(Baseline::Previous(n));
        }
        let period = match bucketer.spec().unit() {
            Unit::Minute | Unit::Hour => DAY,
            Unit::Day => 7 * DAY,
            Unit::Week | Unit::Month => {
                return Err(Error::config(
                    "--seasonal compares the same hour of day or day of week: it needs buckets of a day or shorter",
                ));
            }
        };
        Ok(Baseline::Seasonal { n, period })
    }

    /// The indices of the baseline buckets of bucket `at`, oldest first;
    /// fewer than `n` when the time line starts later.
    pub fn of(&self, at: usize, timeline: &Timeline, bucketer: &Bucketer) -> Vec<usize> {
        match *self {
            Baseline::Previous(n) => (at.saturating_sub(n)..at).collect(),
            Baseline::Seasonal { n, period } => {
                let zone = bucketer.zone();
                let local = zone.to_local(timeline.starts[at]);
                let mut found: Vec<usize> = (1..=n as i64)
                    .filter_map(|k| {
                        let ts = zone.from_local(local - k * period);
                        // A wall-clock time skipped or doubled by daylight
                        // saving: the bucket that holds it.
                        let start = bucketer.clone().start(ts);
                        timeline.index(start).filter(|&i| i < at)
                    })
                    .collect();
                found.sort_unstable();
                found.dedup();
                found
            }
        }
    }
}
