//! Rows that could not be used: counted by reason, the first few kept with
//! their location.
//!
//! A bad row never stops a run (unless strict mode is on): it is counted under
//! one [`SkipReason`] and the first [`Diagnostics::SAMPLES`] of them are kept,
//! in input order, for the user to see.

use std::fmt;

use serde::Serialize;

use crate::error::Location;

/// Why a row was left out. The names (`as_str`) are a stable, documented list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SkipReason {
    /// The record could not be split into fields: an unterminated quote at
    /// the end of the input, or fewer fields than the columns hashtrend reads.
    MalformedRecord,
    /// A JSON line that is not a JSON object.
    InvalidJson,
    /// The text field is absent, null or empty.
    MissingText,
    /// The time field is absent, null or empty.
    MissingTime,
    /// The time field could not be parsed.
    BadTime,
    /// The post id was seen before in this run; the first copy was counted.
    DuplicateId,
    /// The post's time lies outside `--from`/`--to`.
    OutOfRange,
    /// A record that is not a post: a Bluesky like, repost, follow or
    /// delete, a Jetstream identity or account event, a Twitter stream
    /// notice (`delete`, `limit`), an API response page with no posts.
    /// Not an error, but counted so nothing goes unseen. Bluesky reposts
    /// are separate records that carry no text; their posts are counted
    /// where they were created.
    NotAPost,
}

impl SkipReason {
    /// Every reason, in the order reports list them.
    pub const ALL: [SkipReason; 8] = [
        SkipReason::MalformedRecord,
        SkipReason::InvalidJson,
        SkipReason::MissingText,
        SkipReason::MissingTime,
        SkipReason::BadTime,
        SkipReason::DuplicateId,
        SkipReason::OutOfRange,
        SkipReason::NotAPost,
    ];

    /// The reason's stable name, as written in reports (`bad_time`).
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::MalformedRecord => "malformed_record",
            SkipReason::InvalidJson => "invalid_json",
            SkipReason::MissingText => "missing_text",
            SkipReason::MissingTime => "missing_time",
            SkipReason::BadTime => "bad_time",
            SkipReason::DuplicateId => "duplicate_id",
            SkipReason::OutOfRange => "out_of_range",
            SkipReason::NotAPost => "not_a_post",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip {
    /// Where the row is.
    pub location: Location,
    /// Why it was left out.
    pub reason: SkipReason,
    /// What was wrong, in words.
    pub detail: String,
    /// The start of the row as it was in the input (at most 100 bytes of
    /// its first line).
    pub excerpt: String,
}

impl fmt::Display for Skip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.location, self.reason, self.detail)
    }
}

/// Counts of rows left out, by reason, with the first few of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics {
    counts: [u64; SkipReason::ALL.len()],
    samples: Vec<Skip>,
    /// Keep every skipped row, not only the first few (for `--skipped`).
    keep_all: bool,
}

impl Diagnostics {
    /// How many skipped rows are kept with their location (the rest are only
    /// counted).
    pub const SAMPLES: usize = 20;

    /// Diagnostics that keep every skipped row when `all` is true.
    pub(crate) fn keeping_all(all: bool) -> Diagnostics {
        Diagnostics {
            keep_all: all,
            ..Diagnostics::default()
        }
    }

    /// Records one skipped row.
    pub fn push(&mut self, skip: Skip) {
        self.push_with(skip.reason, || skip);
    }

    /// Counts one skipped row for `reason`, building it only if it is kept.
    pub(crate) fn push_with(&mut self, reason: SkipReason, skip: impl FnOnce() -> Skip) {
        self.counts[reason.index()] += 1;
        if self.keep_all || self.samples.len() < Self::SAMPLES {
            self.samples.push(skip());
        }
    }

    /// Drops all but the first [`Diagnostics::SAMPLES`] kept rows.
    pub(crate) fn truncate_samples(&mut self) {
        self.samples.truncate(Self::SAMPLES);
    }

    /// Adds `other`'s counts and samples after this one's (input order is
    /// kept when `other` comes later in the input).
    pub fn append(&mut self, other: Diagnostics) {
        for (a, b) in self.counts.iter_mut().zip(other.counts) {
            *a += b;
        }
        let room = Self::SAMPLES.saturating_sub(self.samples.len());
        self.samples.extend(other.samples.into_iter().take(room));
    }

    /// Rows skipped for `reason`.
    pub fn count(&self, reason: SkipReason) -> u64 {
        self.counts[reason.index()]
    }

    /// Rows skipped for any reason.
    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Each reason with its count, zero counts included, in [`SkipReason::ALL`] order.
    pub fn counts(&self) -> impl Iterator<Item = (SkipReason, u64)> + '_ {
        SkipReason::ALL.iter().map(|&r| (r, self.count(r)))
    }

    /// The first skipped rows, in input order.
    pub fn samples(&self) -> &[Skip] {
        &self.samples
    }

    /// The first skipped row, if any.
    pub fn first(&self) -> Option<&Skip> {
        self.samples.first()
    }

    /// Adds `other`, whose rows come from the same stretch of one input,
    /// keeping the first [`Diagnostics::SAMPLES`] of both in input order (by
    /// byte offset). As each side holds its own first samples, the result
    /// holds the first of the union.
    pub(crate) fn interleave(&mut self, other: Diagnostics) {
        for (a, b) in self.counts.iter_mut().zip(other.counts) {
            *a += b;
        }
        self.samples.extend(other.samples);
        self.samples.sort_by_key(|s| s.location.byte_offset);
        if !self.keep_all {
            self.samples.truncate(Self::SAMPLES);
        }
    }

    /// Mutable access to the samples, for shifting chunk-relative locations.
    pub(crate) fn samples_mut(&mut self) -> &mut [Skip] {
        &mut self.samples
    }
}
