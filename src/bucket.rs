//! Time buckets: which period (a 15-minute slot, an hour, a local day, an
//! ISO week, a month) a post falls in.
//!
//! A [`BucketSpec`] names the bucket size; a [`Bucketer`] maps instants
//! (Unix seconds) to the start of their bucket in a chosen [`Zone`], walks
//! from one bucket to the next for zero-filled series, and writes bucket
//! starts as RFC 3339.
//!
//! Buckets follow the zone's wall clock: days start at local midnight,
//! `6h` buckets at local 00:00, 06:00, 12:00 and 18:00. A bucket starts
//! whenever the wall clock reads one of these boundaries, and a post
//! belongs to the latest start at or before it. Around daylight saving
//! changes this means:
//!
//! - a local day lasts 23 or 25 hours;
//! - a boundary skipped by a spring-forward gap starts its bucket at the
//!   first instant after the gap (Santiago's 2024-09-08 begins at 01:00),
//!   and a bucket whose whole span is skipped does not exist (New York has
//!   no `02:00` hour on 2024-03-10);
//! - when a fall-back fold sets the clock back onto a boundary, a new
//!   bucket starts there, so New York's repeated hour on 2024-11-03 is two
//!   hourly buckets, `01:00:00-04:00` and `01:00:00-05:00`, and sub-day
//!   buckets keep their length; a bucket the fold lands inside (that day's
//!   00:00–06:00 `6h` bucket) grows by the repeated time instead.
//!
//! Bucket starts never decrease as time goes on, and their RFC 3339 text
//! (which carries the offset) is unique.

use std::fmt;
use std::str::FromStr;

use crate::time::{DAY, MAX_TS, MIN_TS, Zone, civil_from_days, days_from_civil};

/// The unit of a [`BucketSpec`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    /// Minutes, aligned to the hour.
    Minute,
    /// Hours, aligned to local midnight.
    Hour,
    /// Local calendar days, from midnight to midnight.
    Day,
    /// ISO weeks, from Monday local midnight.
    Week,
    /// Calendar months, from the 1st at local midnight.
    Month,
}

/// A bucket size: a [`Unit`] and how many of them.
///
/// Build one with [`BucketSpec::new`] or parse one with [`FromStr`]; the
/// default is one day. Accepted text (ASCII case ignored):
///
/// - `minute`, `hour`, `day`, `week` (ISO, starting Monday), `month`;
/// - the same as `1m`, `1h`, `1d`, `1w`, `1mo`;
/// - multiples `Nm` where N divides 60 (`15m`, `30m`; aligned to the hour)
///   and `Nh` where N divides 24 (`2h`, `6h`, `12h`; aligned to local
///   midnight). Other multiples would not tile the hour or day, and days,
///   weeks and months come singly for the same reason.
///
/// [`fmt::Display`] writes the canonical text (`day`, `15m`), which parses
/// back to the same spec.
///
/// # Example
///
/// ```
/// use hashtrend::bucket::{BucketSpec, Unit};
///
/// let spec: BucketSpec = "15m".parse().unwrap();
/// assert_eq!((spec.unit(), spec.count()), (Unit::Minute, 15));
/// assert_eq!(BucketSpec::default().to_string(), "day");
/// assert!("7m".parse::<BucketSpec>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BucketSpec {
    // Private so that every spec has been checked: `count` divides the
    // hour or day, or is 1 for days, weeks and months.
    unit: Unit,
    count: u32,
}

impl Default for BucketSpec {
    fn default() -> Self {
        BucketSpec {
            unit: Unit::Day,
            count: 1,
        }
    }
}

impl BucketSpec {
    /// A spec of `count` units, checked the same way as parsed text: minute
    /// counts must divide 60, hour counts must divide 24, and days, weeks
    /// and months take a count of 1.
    pub fn new(unit: Unit, count: u32) -> Result<Self, BucketSpecError> {
        let problem = match unit {
            Unit::Minute if count == 0 || 60 % count != 0 => Some(Problem::Minutes),
            Unit::Hour if count == 0 || 24 % count != 0 => Some(Problem::Hours),
            Unit::Day | Unit::Week | Unit::Month if count != 1 => Some(Problem::Single),
            _ => None,
        };
        match problem {
            None => Ok(BucketSpec { unit, count }),
            Some(problem) => {
                let suffix = match unit {
                    Unit::Minute => "m",
                    Unit::Hour => "h",
                    Unit::Day => "d",
                    Unit::Week => "w",
                    Unit::Month => "mo",
                };
                Err(BucketSpecError {
                    input: format!("{count}{suffix}"),
                    problem,
                })
            }
        }
    }

    /// The unit; [`Unit::Day`] by default.
    pub fn unit(&self) -> Unit {
        self.unit
    }

    /// How many units make one bucket; 1 by default.
    pub fn count(&self) -> u32 {
        self.count
    }

    /// The bucket length in seconds for minutes and hours, which tile the
    /// local wall clock evenly; `None` for calendar units.
    fn width(&self) -> Option<i64> {
        match self.unit {
            Unit::Minute => Some(60 * i64::from(self.count)),
            Unit::Hour => Some(3600 * i64::from(self.count)),
            Unit::Day | Unit::Week | Unit::Month => None,
        }
    }

    /// The boundary at or before `local` (local seconds).
    fn floor_local(&self, local: i64) -> i64 {
        let days = local.div_euclid(DAY);
        match (self.unit, self.width()) {
            // Widths divide the day, so aligning to multiples since the
            // epoch aligns them to the local hour (minutes) or midnight.
            (_, Some(width)) => local.div_euclid(width) * width,
            (Unit::Week, _) => {
                // 1970-01-01 was a Thursday, 3 days after a Monday.
                (days - (days + 3).rem_euclid(7)) * DAY
            }
            (Unit::Month, _) => {
                let (year, month, _) = civil_from_days(days);
                days_from_civil(year, month, 1) * DAY
            }
            _ => days * DAY,
        }
    }

    /// The boundary after `boundary` (local seconds, a value of
    /// [`BucketSpec::floor_local`]).
    fn advance_local(&self, boundary: i64) -> i64 {
        match (self.unit, self.width()) {
            (_, Some(width)) => boundary + width,
            (Unit::Week, _) => boundary + 7 * DAY,
            (Unit::Month, _) => {
                let (year, month, _) = civil_from_days(boundary.div_euclid(DAY));
                let (year, month) = if month == 12 {
                    (year + 1, 1)
                } else {
                    (year, month + 1)
                };
                days_from_civil(year, month, 1) * DAY
            }
            _ => boundary + DAY,
        }
    }
}

impl fmt::Display for BucketSpec {
    /// Writes `minute`, `hour`, `day`, `week`, `month`, or `15m`/`6h` for
    /// multiples.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.unit, self.count) {
            (Unit::Minute, 1) => f.write_str("minute"),
            (Unit::Hour, 1) => f.write_str("hour"),
            (Unit::Minute, n) => write!(f, "{n}m"),
            (Unit::Hour, n) => write!(f, "{n}h"),
            (Unit::Day, _) => f.write_str("day"),
            (Unit::Week, _) => f.write_str("week"),
            (Unit::Month, _) => f.write_str("month"),
        }
    }
}

impl FromStr for BucketSpec {
    type Err = BucketSpecError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.trim_ascii();
        let unknown = || BucketSpecError {
            input: s.to_owned(),
            problem: Problem::Unknown,
        };
        for (word, unit) in [
            ("minute", Unit::Minute),
            ("hour", Unit::Hour),
            ("day", Unit::Day),
            ("week", Unit::Week),
            ("month", Unit::Month),
        ] {
            if text.eq_ignore_ascii_case(word) {
                return Ok(BucketSpec { unit, count: 1 });
            }
        }
        let split = text
            .bytes()
            .position(|b| !b.is_ascii_digit())
            .unwrap_or(text.len());
        let (digits, suffix) = text.split_at(split);
        let unit = match suffix.to_ascii_lowercase().as_str() {
            "m" => Unit::Minute,
            "h" => Unit::Hour,
            "d" => Unit::Day,
            "w" => Unit::Week,
            "mo" => Unit::Month,
            _ => return Err(unknown()),
        };
        // An absurdly long count can only be wrong; report it like any
        // count that doesn't tile the hour or day.
        let count = if digits.is_empty() {
            Err(unknown())?
        } else {
            digits.parse().unwrap_or(0)
        };
        BucketSpec::new(unit, count).map_err(|e| BucketSpecError {
            input: s.to_owned(),
            ..e
        })
    }
}

/// The error from parsing or building a [`BucketSpec`]; its message lists
/// what is accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message())]
pub struct BucketSpecError {
    input: String,
    problem: Problem,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Problem {
    Unknown,
    Minutes,
    Hours,
    Single,
}

impl BucketSpecError {
    /// The text that was rejected.
    pub fn input(&self) -> &str {
        &self.input
    }

    fn message(&self) -> String {
        let input = &self.input;
        match self.problem {
            Problem::Unknown => format!(
                "unknown bucket {input:?}: expected minute, hour, day, week, month, \
                 or a multiple such as 15m, 30m, 2h, 6h or 12h"
            ),
            Problem::Minutes => format!(
                "bucket {input:?}: minute multiples must divide 60 (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60) \
                 because buckets are aligned to the hour"
            ),
            Problem::Hours => format!(
                "bucket {input:?}: hour multiples must divide 24 (1, 2, 3, 4, 6, 8, 12, 24) \
                 because buckets are aligned to local midnight"
            ),
            Problem::Single => format!(
                "bucket {input:?}: days, weeks and months come one at a time (day or 1d, week or 1w, month or 1mo)"
            ),
        }
    }
}

/// Maps instants to the start of their bucket in one zone.
///
/// Build one with [`Bucketer::new`] and give each worker thread its own
/// clone: [`Bucketer::start`] takes `&mut self` to keep a one-bucket cache,
/// which lets consecutive posts of one bucket (inputs are usually in time
/// order) skip the calendar and, in a named zone, the time zone lookup.
/// Answers never depend on the cache.
///
/// For UTC and fixed offsets everything is integer arithmetic. Instants
/// beyond about ±250,000 years are clamped to that range.
///
/// # Example
///
/// ```
/// use hashtrend::bucket::Bucketer;
///
/// let mut days = Bucketer::new("day".parse().unwrap(), "America/New_York".parse().unwrap());
/// // 2024-03-10T12:00:00Z is on 2024-03-10 in New York, a 23-hour day.
/// let start = days.start(1_710_072_000);
/// assert_eq!(days.format(start), "2024-03-10T00:00:00-05:00");
/// assert_eq!(days.format(days.next(start)), "2024-03-11T00:00:00-04:00");
/// assert_eq!(days.next(start) - start, 23 * 3600);
/// ```
#[derive(Debug, Clone)]
pub struct Bucketer {
    spec: BucketSpec,
    zone: Zone,
    /// The last bucket `start` found, `[start, end)`; empty (start > end)
    /// until then.
    cached: (i64, i64),
}

impl Bucketer {
    /// A bucketer for buckets of `spec` in `zone`'s local time.
    pub fn new(spec: BucketSpec, zone: Zone) -> Self {
        Bucketer {
            spec,
            zone,
            cached: (1, 0),
        }
    }

    /// The bucket size.
    pub fn spec(&self) -> BucketSpec {
        self.spec
    }

    /// The zone whose wall clock places the boundaries.
    pub fn zone(&self) -> Zone {
        self.zone
    }

    /// The start (Unix seconds) of the bucket that holds `ts`.
    ///
    /// The result is at most `ts`, and `start(start(ts)) == start(ts)`.
    pub fn start(&mut self, ts: i64) -> i64 {
        let ts = ts.clamp(MIN_TS, MAX_TS);
        // Posts come mostly in time order: most fall in the bucket before.
        let (start, end) = self.cached;
        if start <= ts && ts < end {
            return start;
        }
        let start = match self.zone {
            Zone::Named(_) => self.last_start(ts),
            Zone::Utc | Zone::Fixed(_) => {
                let offset = i64::from(self.zone.offset_at(ts));
                self.spec.floor_local(ts + offset) - offset
            }
        };
        let end = self.next(start);
        // Cache only what a fresh computation would confirm, so that
        // answers never depend on the cache.
        self.cached = if start <= ts && ts < end {
            (start, end)
        } else {
            (1, 0)
        };
        start
    }

    /// The start of the bucket after the one that begins at `start`.
    ///
    /// Use it to walk a series bucket by bucket and fill empty ones with
    /// zeros; the step follows the wall clock, so a local day can be 23 or
    /// 25 hours long. Given an instant that is not a bucket start, it
    /// returns the end of the bucket holding that instant. Always greater
    /// than `start` within the supported range.
    pub fn next(&self, start: i64) -> i64 {
        let start = start.clamp(MIN_TS, MAX_TS);
        match self.zone {
            Zone::Named(_) => self.next_start(start),
            Zone::Utc | Zone::Fixed(_) => {
                let offset = i64::from(self.zone.offset_at(start));
                self.spec
                    .advance_local(self.spec.floor_local(start + offset))
                    - offset
            }
        }
    }

    /// The bucket start as RFC 3339 in the bucketer's zone: `Z` for UTC
    /// (`2024-03-01T00:00:00Z`), a numeric offset otherwise
    /// (`2024-03-01T00:00:00-05:00`), seconds always written.
    ///
    /// Allocates a new `String`; use [`Bucketer::write_start`] to append to
    /// a buffer instead.
    pub fn format(&self, start: i64) -> String {
        let mut text = String::with_capacity(25);
        // Writing to a String cannot fail.
        let _ = self.write_start(start, &mut text);
        text
    }

    /// Writes the bucket start as [`Bucketer::format`] does, without
    /// allocating.
    pub fn write_start<W: fmt::Write>(&self, start: i64, w: &mut W) -> fmt::Result {
        self.zone.write_rfc3339(start, w)
    }

    /// The last bucket start at or before `ts` (already clamped).
    ///
    /// In the common case the wall clock has run at one offset since it
    /// last read a boundary, and that reading is the answer. Otherwise a
    /// transition lies in between: the bucket starts at the transition if
    /// the clock jumped onto or over a boundary there, else it started
    /// before the transition and we look again from just before it.
    ///
    /// Checking "same offset at both ends" assumes at most one transition
    /// per bucket; tz data has no zone with two within a day, and where two
    /// fall in one month (Morocco's Ramadan) neither crosses midnight.
    fn last_start(&self, ts: i64) -> i64 {
        let zone = self.zone;
        let mut t = ts;
        let mut fallback = None;
        for _ in 0..MAX_TRANSITION_STEPS {
            let offset = zone.offset_at(t);
            let reading = self.spec.floor_local(t + i64::from(offset)) - i64::from(offset);
            if zone.offset_at(reading) == offset {
                return reading;
            }
            fallback.get_or_insert(reading);
            let transition = first_instant(reading, t, |x| zone.offset_at(x) == offset);
            if self.starts_at(transition) {
                return transition;
            }
            t = transition - 1;
        }
        // Only reachable with pathological zone data; a boundary reading
        // at or before `ts` is still a sensible bucket start.
        fallback.unwrap_or(ts)
    }

    /// The first bucket start after `start` (already clamped); the mirror
    /// image of [`Bucketer::last_start`], with the same assumption.
    fn next_start(&self, start: i64) -> i64 {
        let zone = self.zone;
        let mut t = start + 1;
        for _ in 0..MAX_TRANSITION_STEPS {
            let offset = zone.offset_at(t);
            let local = t + i64::from(offset);
            let floor = self.spec.floor_local(local);
            let boundary = if floor == local {
                floor
            } else {
                self.spec.advance_local(floor)
            };
            let reading = boundary - i64::from(offset);
            if zone.offset_at(reading) == offset {
                return reading;
            }
            let transition = first_instant(t, reading, |x| zone.offset_at(x) != offset);
            if self.starts_at(transition) {
                return transition;
            }
            t = transition;
        }
        start + 1
    }

    /// Whether a bucket starts at instant `t`: the wall clock reads a
    /// boundary there (which includes landing on one when a fold sets it
    /// back), or it jumps over or onto one in a gap that ends there.
    fn starts_at(&self, t: i64) -> bool {
        let local = self.zone.to_local(t);
        let floor = self.spec.floor_local(local);
        floor == local || floor > self.zone.to_local(t - 1)
    }
}

/// Buckets a search may cross a transition at a time; real zones need at
/// most two or three, the cap only bounds the work on bad data.
const MAX_TRANSITION_STEPS: usize = 16;

/// The first instant in `(lo, hi]` where `reached` holds, given that it
/// fails at `lo`, holds at `hi` and flips once in between (bisection over
/// at most a month of seconds, about 22 offset lookups; this runs only for
/// buckets that contain a transition).
fn first_instant(mut lo: i64, mut hi: i64, reached: impl Fn(i64) -> bool) -> i64 {
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if reached(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    hi
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(s: &str) -> BucketSpec {
        s.parse().unwrap()
    }

    fn bucketer(s: &str, zone: &str) -> Bucketer {
        Bucketer::new(spec(s), zone.parse().unwrap())
    }

    // Instants below come from `date -u -d ... +%s` or
    // `TZ=... date -d ... +%s` and are written next to their meaning.

    #[test]
    fn spec_parsing() {
        let cases = [
            ("minute", Unit::Minute, 1),
            ("1m", Unit::Minute, 1),
            ("15m", Unit::Minute, 15),
            ("30m", Unit::Minute, 30),
            ("60m", Unit::Minute, 60),
            ("hour", Unit::Hour, 1),
            ("1h", Unit::Hour, 1),
            ("2h", Unit::Hour, 2),
            ("6h", Unit::Hour, 6),
            ("12h", Unit::Hour, 12),
            ("day", Unit::Day, 1),
            ("1d", Unit::Day, 1),
            (" Day ", Unit::Day, 1),
            ("week", Unit::Week, 1),
            ("1w", Unit::Week, 1),
            ("month", Unit::Month, 1),
            ("1mo", Unit::Month, 1),
            ("1MO", Unit::Month, 1),
        ];
        for (text, unit, count) in cases {
            let parsed = spec(text);
            assert_eq!((parsed.unit(), parsed.count()), (unit, count), "{text}");
            assert_eq!(
                parsed.to_string().parse::<BucketSpec>(),
                Ok(parsed),
                "{text}"
            );
        }
        assert_eq!(BucketSpec::default(), spec("day"));
        assert_eq!(spec("15m").to_string(), "15m");
        assert_eq!(spec("1h").to_string(), "hour");
    }

    #[test]
    fn spec_errors() {
        for bad in [
            "",
            "fortnight",
            "m",
            "15",
            "15 m",
            "0m",
            "7m",
            "45m",
            "5h",
            "0h",
            "2d",
            "2w",
            "3mo",
            "99999999999999999999m",
            "-15m",
            "1.5h",
        ] {
            assert!(bad.parse::<BucketSpec>().is_err(), "{bad}");
        }
        assert_eq!(
            "fortnight".parse::<BucketSpec>().unwrap_err().to_string(),
            "unknown bucket \"fortnight\": expected minute, hour, day, week, month, \
             or a multiple such as 15m, 30m, 2h, 6h or 12h"
        );
        let err = "7m".parse::<BucketSpec>().unwrap_err();
        assert_eq!(err.input(), "7m");
        assert!(err.to_string().contains("must divide 60"), "{err}");
        assert!(
            "5h".parse::<BucketSpec>()
                .unwrap_err()
                .to_string()
                .contains("must divide 24")
        );
        assert!(
            "2d".parse::<BucketSpec>()
                .unwrap_err()
                .to_string()
                .contains("one at a time")
        );
        assert!(BucketSpec::new(Unit::Hour, 8).is_ok());
        assert_eq!(BucketSpec::new(Unit::Hour, 5).unwrap_err().input(), "5h");
    }

    #[test]
    fn utc_buckets() {
        // 2024-03-06T14:05:09Z, a Wednesday.
        let ts = 1_709_733_909;
        let cases = [
            ("minute", 1_709_733_900), // 14:05:00
            ("15m", 1_709_733_600),    // 14:00:00
            ("hour", 1_709_733_600),   // 14:00:00
            ("6h", 1_709_726_400),     // 12:00:00
            ("day", 1_709_683_200),    // 2024-03-06
            ("week", 1_709_510_400),   // Monday 2024-03-04
            ("month", 1_709_251_200),  // 2024-03-01
        ];
        for (s, want) in cases {
            let mut b = bucketer(s, "UTC");
            assert_eq!(b.start(ts), want, "{s}");
            assert_eq!(b.start(want), want, "{s}");
        }
        let b = bucketer("15m", "UTC");
        assert_eq!(b.next(1_709_733_600), 1_709_733_600 + 900);
        // 2024-02-01 → 2024-03-01 (29 days), 2024-12-01 → 2025-01-01.
        let months = bucketer("month", "UTC");
        assert_eq!(months.next(1_706_745_600), 1_709_251_200);
        assert_eq!(months.next(1_733_011_200), 1_735_689_600);
        assert_eq!(months.format(1_709_251_200), "2024-03-01T00:00:00Z");
        assert_eq!(
            bucketer("week", "UTC").next(1_709_510_400),
            1_709_510_400 + 7 * DAY
        );
    }

    #[test]
    fn negative_timestamps() {
        let mut day = bucketer("day", "UTC");
        assert_eq!(day.start(-1), -DAY);
        assert_eq!(day.start(-DAY), -DAY);
        assert_eq!(day.start(-DAY - 1), -2 * DAY);
        // 1969-07-20T20:17:40Z → 1969-07-20.
        assert_eq!(day.start(-14_182_940), -14_256_000);
        assert_eq!(bucketer("hour", "UTC").start(-1), -3600);
        assert_eq!(bucketer("15m", "UTC").start(-1), -900);
        // 1970-01-01 was a Thursday; its week began Monday 1969-12-29.
        assert_eq!(bucketer("week", "UTC").start(0), -259_200);
        assert_eq!(bucketer("week", "UTC").start(-1), -259_200);
        // 1969-12-01.
        assert_eq!(bucketer("month", "UTC").start(-1), -2_678_400);
        assert_eq!(bucketer("month", "UTC").next(-2_678_400), 0);
        assert_eq!(day.format(-DAY), "1969-12-31T00:00:00Z");
    }

    #[test]
    fn fixed_offset_days() {
        let mut day = bucketer("day", "+05:30");
        // 2024-03-01T00:00:00+05:30 is 1709231400.
        assert_eq!(day.start(1_709_251_200), 1_709_231_400);
        // 2024-02-29T20:00:00Z is 01:30 on March 1 in +05:30.
        assert_eq!(day.start(1_709_236_800), 1_709_231_400);
        // 2024-02-29T18:29:59Z is still February 29 there.
        assert_eq!(day.start(1_709_231_399), 1_709_231_400 - DAY);
        assert_eq!(day.next(1_709_231_400), 1_709_231_400 + DAY);
        assert_eq!(day.format(1_709_231_400), "2024-03-01T00:00:00+05:30");
        // Hours follow the local clock, so they start at :30 UTC.
        assert_eq!(
            bucketer("hour", "+05:30").start(1_709_251_200),
            1_709_249_400
        );
        let west = bucketer("day", "-05:00");
        assert_eq!(west.format(1_709_269_200), "2024-03-01T00:00:00-05:00");
    }

    #[test]
    fn new_york_days_across_dst() {
        let mut day = bucketer("day", "America/New_York");
        // 2024-03-10 00:00 EST = 1710046800, 2024-03-11 00:00 EDT = 1710129600.
        assert_eq!(day.start(1_710_072_000), 1_710_046_800);
        assert_eq!(day.start(1_710_129_599), 1_710_046_800);
        assert_eq!(day.start(1_710_129_600), 1_710_129_600);
        assert_eq!(day.next(1_710_046_800), 1_710_129_600);
        assert_eq!(day.next(1_710_046_800) - 1_710_046_800, 23 * 3600);
        assert_eq!(day.format(1_710_046_800), "2024-03-10T00:00:00-05:00");
        assert_eq!(day.format(1_710_129_600), "2024-03-11T00:00:00-04:00");
        // 2024-11-03 00:00 EDT = 1730606400, 2024-11-04 00:00 EST = 1730696400.
        assert_eq!(day.start(1_730_650_000), 1_730_606_400);
        assert_eq!(day.next(1_730_606_400), 1_730_696_400);
        assert_eq!(day.next(1_730_606_400) - 1_730_606_400, 25 * 3600);
        assert_eq!(day.format(1_730_696_400), "2024-11-04T00:00:00-05:00");
    }

    #[test]
    fn new_york_sub_day_buckets_across_dst() {
        let mut six = bucketer("6h", "America/New_York");
        // 2024-03-10: 00:00 EST = 1710046800, 06:00 EDT = 1710064800 (five
        // real hours later), 12:00 EDT = 1710086400.
        // 07:30Z is 03:30 EDT, just after the gap.
        assert_eq!(six.start(1_710_055_800), 1_710_046_800);
        assert_eq!(six.next(1_710_046_800), 1_710_064_800);
        assert_eq!(six.next(1_710_064_800), 1_710_086_400);
        // 2024-03-09 18:00 EST = 1710025200.
        assert_eq!(six.start(1_710_046_799), 1_710_025_200);
        assert_eq!(six.format(1_710_064_800), "2024-03-10T06:00:00-04:00");

        let mut hour = bucketer("hour", "America/New_York");
        // 01:00 EST = 1710050400; the 02:00 boundary is skipped, so the next
        // bucket starts at 03:00 EDT = 1710054000.
        assert_eq!(hour.next(1_710_050_400), 1_710_054_000);
        assert_eq!(hour.start(1_710_054_000), 1_710_054_000);
        assert_eq!(hour.start(1_710_053_999), 1_710_050_400);
        // On 2024-11-03 01:00–02:00 happens twice: 01:00 EDT = 1730610000,
        // 01:00 EST = 1730613600, 02:00 EST = 1730617200. Each pass is its
        // own hourly bucket.
        assert_eq!(hour.start(1_730_613_599), 1_730_610_000); // 01:59:59 EDT
        assert_eq!(hour.start(1_730_613_600), 1_730_613_600); // 01:00 EST
        assert_eq!(hour.start(1_730_615_400), 1_730_613_600); // 01:30 EST
        assert_eq!(hour.next(1_730_610_000), 1_730_613_600);
        assert_eq!(hour.next(1_730_613_600), 1_730_617_200);
        assert_eq!(hour.format(1_730_610_000), "2024-11-03T01:00:00-04:00");
        assert_eq!(hour.format(1_730_613_600), "2024-11-03T01:00:00-05:00");
        let mut quarter = bucketer("15m", "America/New_York");
        assert_eq!(quarter.start(1_730_614_800), 1_730_614_500); // 01:20 EST → 01:15 EST
        assert_eq!(quarter.next(1_730_612_700), 1_730_613_600); // 01:45 EDT → 01:00 EST
        // The 00:00–06:00 6h bucket of 2024-11-03 holds the repeated hour:
        // 00:00 EDT = 1730606400 to 06:00 EST = 1730631600, seven hours.
        assert_eq!(six.start(1_730_615_400), 1_730_606_400);
        assert_eq!(six.next(1_730_606_400), 1_730_631_600);
    }

    #[test]
    fn fold_that_does_not_land_on_a_boundary() {
        // Australia/Lord_Howe goes from 02:00+11:00 back to 01:30+10:30 on
        // 2024-04-07 (`TZ=Australia/Lord_Howe date -d @1712415600`).
        let mut hour = bucketer("hour", "Australia/Lord_Howe");
        // 01:00+11:00 = 1712412000; its bucket runs to 02:00+10:30 = 1712417400.
        assert_eq!(hour.start(1_712_416_000), 1_712_412_000);
        assert_eq!(hour.next(1_712_412_000), 1_712_417_400);
        // 30-minute buckets: the clock lands on 01:30, so a bucket starts.
        let mut half = bucketer("30m", "Australia/Lord_Howe");
        assert_eq!(half.start(1_712_415_599), 1_712_413_800); // 01:59:59+11:00
        assert_eq!(half.start(1_712_415_600), 1_712_415_600); // 01:30+10:30
        assert_eq!(half.format(1_712_415_600), "2024-04-07T01:30:00+10:30");
    }

    #[test]
    fn new_york_weeks_and_months() {
        let mut week = bucketer("week", "America/New_York");
        // Wednesday 2024-03-06T14:05:09Z → Monday 2024-03-04 00:00 EST.
        assert_eq!(week.start(1_709_733_909), 1_709_528_400);
        let mut month = bucketer("month", "America/New_York");
        // 2024-03-01 00:00 EST = 1709269200, 2024-04-01 00:00 EDT = 1711944000.
        assert_eq!(month.start(1_710_000_000), 1_709_269_200);
        assert_eq!(month.next(1_709_269_200), 1_711_944_000);
        // 2024-03-01T02:00:00Z is still February in New York.
        assert!(month.start(1_709_258_400) < 1_709_269_200);
    }

    #[test]
    fn midnight_skipped_by_dst() {
        // America/Santiago jumps from 2024-09-07T23:59:59-04:00 to
        // 2024-09-08T01:00:00-03:00, so that day starts at 01:00 local.
        let mut day = bucketer("day", "America/Santiago");
        // 2024-09-08T03:00:00-03:00.
        assert_eq!(day.start(1_725_775_200), 1_725_768_000);
        assert_eq!(day.start(1_725_768_000), 1_725_768_000);
        assert_eq!(day.start(1_725_767_999), 1_725_681_600); // 2024-09-07 00:00-04:00
        assert_eq!(day.next(1_725_681_600), 1_725_768_000);
        assert_eq!(day.next(1_725_768_000), 1_725_850_800); // 2024-09-09 00:00-03:00
        assert_eq!(day.format(1_725_768_000), "2024-09-08T01:00:00-03:00");
        // Asia/Beirut skips 2024-03-31 00:00–01:00 (+02:00 → +03:00).
        let mut beirut = bucketer("day", "Asia/Beirut");
        assert_eq!(beirut.start(1_711_836_000 + 3600), 1_711_836_000);
        assert_eq!(beirut.format(1_711_836_000), "2024-03-31T01:00:00+03:00");
    }

    /// Bucket lengths from `from` up to `to` by repeated `next`.
    fn walk(b: &Bucketer, from: i64, to: i64) -> Vec<i64> {
        let (mut at, mut lengths) = (from, Vec::new());
        while at < to {
            let next = b.next(at);
            lengths.push(next - at);
            at = next;
        }
        assert_eq!(at, to);
        lengths
    }

    #[test]
    fn zero_fill_walk() {
        // March 2024 in New York has 31 local days, one of them 23 hours.
        let lengths = walk(
            &bucketer("day", "America/New_York"),
            1_709_269_200,
            1_711_944_000,
        );
        assert_eq!(lengths.len(), 31);
        assert_eq!(lengths.iter().filter(|&&l| l == 23 * 3600).count(), 1);
        // Hours are always an hour long: 23 of them on 2024-03-10, 25 on
        // 2024-11-03.
        let hour = bucketer("hour", "America/New_York");
        let spring = walk(&hour, 1_710_046_800, 1_710_129_600);
        assert_eq!(
            (spring.len(), spring.iter().all(|&l| l == 3600)),
            (23, true)
        );
        let fall = walk(&hour, 1_730_606_400, 1_730_696_400);
        assert_eq!((fall.len(), fall.iter().all(|&l| l == 3600)), (25, true));
        // And starts agree with `start`.
        let mut b = hour.clone();
        let mut at = 1_730_606_400;
        while at < 1_730_696_400 {
            assert_eq!(b.start(at + 1800), at);
            at = hour.next(at);
        }
    }

    /// A small deterministic generator, so the test needs no extra crate.
    fn pseudo_random(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    #[test]
    fn answers_do_not_depend_on_cache() {
        // 2023-12-01 .. 2025-02-01 covers both DST changes of 2024.
        let (lo, hi) = (1_701_388_800_i64, 1_738_368_000_i64);
        let mut state = 0x9e37_79b9_7f4a_7c15;
        let mut times: Vec<i64> = (0..3000)
            .map(|_| lo + (pseudo_random(&mut state) % (hi - lo) as u64) as i64)
            .collect();
        // Dense samples around the 2024 transitions of New York, Santiago
        // and Lord Howe, and the seconds on either side of each.
        for transition in [1_710_054_000, 1_730_613_600, 1_725_768_000, 1_712_415_600] {
            times.extend((transition - 4000..transition + 4000).step_by(7));
            times.extend(transition - 2..transition + 2);
        }
        for zone in [
            "America/New_York",
            "America/Santiago",
            "Australia/Lord_Howe",
            "Asia/Kolkata",
            "UTC",
            "-03:30",
        ] {
            for s in ["15m", "30m", "hour", "6h", "day", "week", "month"] {
                let fresh = |ts: i64| bucketer(s, zone).start(ts);
                let mut sorted = times.clone();
                sorted.sort_unstable();
                let mut shared = bucketer(s, zone);
                for &ts in &sorted {
                    let start = shared.start(ts);
                    assert_eq!(start, fresh(ts), "{zone} {s} {ts} sorted");
                    assert!(start <= ts && ts < shared.next(start), "{zone} {s} {ts}");
                    assert_eq!(fresh(start), start, "{zone} {s} {ts}");
                }
                let mut shared = bucketer(s, zone);
                for &ts in &times {
                    assert_eq!(shared.start(ts), fresh(ts), "{zone} {s} {ts} shuffled");
                }
            }
        }
    }

    #[test]
    fn matches_the_definition_second_by_second() {
        // Brute force from the module docs: a bucket starts at `t` when the
        // wall clock moves forward onto or over a boundary between `t - 1`
        // and `t`, or falls back exactly onto one.
        for (zone, transition) in [
            ("America/New_York", 1_710_054_000),
            ("America/New_York", 1_730_613_600),
            ("America/Santiago", 1_725_768_000),
            ("Australia/Lord_Howe", 1_712_415_600),
        ] {
            for s in ["15m", "hour", "6h", "day"] {
                let mut b = bucketer(s, zone);
                let (spec, z) = (b.spec(), b.zone());
                let from = transition - 3 * 3600;
                let mut last = b.start(from - 1);
                for t in from..transition + 3 * 3600 {
                    let (before, now) = (z.to_local(t - 1), z.to_local(t));
                    let floor = spec.floor_local(now);
                    let starts = if now > before {
                        floor > before
                    } else {
                        floor == now
                    };
                    if starts {
                        assert_eq!(b.next(last), t, "{zone} {s} next({last})");
                        last = t;
                    }
                    assert_eq!(b.start(t), last, "{zone} {s} {t}");
                }
            }
        }
    }

    #[test]
    fn extreme_inputs_do_not_panic() {
        for zone in [
            "UTC",
            "+14:00",
            "-12:00",
            "America/New_York",
            "Pacific/Apia",
        ] {
            for s in ["minute", "15m", "12h", "day", "week", "month"] {
                let mut b = bucketer(s, zone);
                for ts in [i64::MIN, i64::MIN + 1, -1, 0, i64::MAX - 1, i64::MAX] {
                    let start = b.start(ts);
                    assert!(b.next(start) > start, "{zone} {s} {ts}");
                    assert!(!b.format(start).is_empty());
                }
            }
        }
    }

    #[test]
    fn bucketer_can_move_to_worker_threads() {
        fn assert_send<T: Send>() {}
        assert_send::<Bucketer>();
    }

    #[test]
    fn getters_and_write_start() {
        let b = bucketer("6h", "Asia/Kolkata");
        assert_eq!(b.spec(), spec("6h"));
        assert_eq!(b.zone(), "Asia/Kolkata".parse().unwrap());
        let mut out = String::from("bucket=");
        b.write_start(1_709_231_400, &mut out).unwrap();
        assert_eq!(out, "bucket=2024-03-01T00:00:00+05:30");
    }
}
