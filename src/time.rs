//! Timestamps and time zones: turning the text of a post's time into an
//! instant, and mapping instants to local wall-clock time.
//!
//! Every instant in hashtrend is an `i64` count of Unix seconds (UTC).
//! Sub-second parts are dropped by flooring toward negative infinity, so a
//! post stamped `23:59:59.9` stays in the day (and bucket) its label says.
//!
//! [`TimeParser`] reads one timestamp per post; [`Zone`] says how instants
//! map to *local seconds*: the wall-clock reading of a zone written as
//! seconds since `1970-01-01T00:00:00` on that wall clock. Bucketing
//! ([`crate::bucket`]) floors local seconds and converts back with
//! [`Zone::from_local`].

use std::fmt;
use std::str::FromStr;

use chrono::format::ParseErrorKind;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Offset, TimeZone};
use chrono_tz::Tz;

use crate::scan::{ZEROS, non_digits};

/// Seconds in a day.
pub(crate) const DAY: i64 = 86_400;

/// Instants the bucketing arithmetic supports, about ±250,000 years.
/// Callers clamp to this range so that adding offsets or a month never
/// overflows and chrono (which stops near year ±262,000) can represent
/// every local time we hand it.
pub(crate) const MIN_TS: i64 = -8_000_000_000_000;
/// Upper end of the supported range; see [`MIN_TS`].
pub(crate) const MAX_TS: i64 = 8_000_000_000_000;

/// Slightly wider than `MIN_TS..=MAX_TS` so that a clamped instant plus a
/// zone offset or one bucket is still inside chrono's range.
const CHRONO_LIMIT: i64 = 8_200_000_000_000;

/// Largest instant the parser returns: `9999-12-31T23:59:59Z`. Epoch values
/// beyond it are garbage in social-media data, so they are errors rather
/// than silently accepted dates 300 million years away.
const MAX_PARSED: i64 = 253_402_300_799;

/// Epoch values at or above this are milliseconds. As seconds it would be
/// the year 5138, and as milliseconds it is 1973, before any social network.
const EPOCH_MS_THRESHOLD: u64 = 100_000_000_000;

/// A time zone: how instants map to local wall-clock time.
///
/// Use it to say which zone naive timestamps are written in
/// ([`TimeParser::new`]) and which zone's days and hours buckets follow
/// ([`crate::bucket::Bucketer::new`]). The default is [`Zone::Utc`].
///
/// Parse one from text with [`FromStr`]: `UTC` (also `utc`, `Z`), a fixed
/// offset (`+05:30`, `-05:00`, `+0530`, `+05`) or an IANA name
/// (`America/New_York`, matched ignoring ASCII case).
///
/// # Example
///
/// ```
/// use hashtrend::time::Zone;
///
/// let ny: Zone = "America/New_York".parse().unwrap();
/// // 2024-03-01T00:00:00Z is 19:00 the day before in New York (EST).
/// assert_eq!(ny.offset_at(1_709_251_200), -5 * 3600);
/// assert_eq!(ny.to_string(), "America/New_York");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Zone {
    /// Coordinated Universal Time; the default.
    #[default]
    Utc,
    /// A constant offset from UTC, such as `+05:30`; no daylight saving.
    Fixed(FixedOffset),
    /// An IANA time zone such as `America/New_York`, with its daylight
    /// saving rules and history.
    Named(Tz),
}

impl Zone {
    /// The offset of this zone from UTC at instant `ts`, in seconds east of
    /// UTC (New York in winter gives `-18000`).
    ///
    /// Use it to find a post's local wall-clock time: `ts + offset_at(ts)`
    /// (or [`Zone::to_local`]). For named zones, instants beyond about
    /// ±260,000 years get the offset at the end of that range.
    pub fn offset_at(&self, ts: i64) -> i32 {
        match self {
            Zone::Utc => 0,
            Zone::Fixed(offset) => offset.local_minus_utc(),
            Zone::Named(tz) => {
                match DateTime::from_timestamp(ts.clamp(-CHRONO_LIMIT, CHRONO_LIMIT), 0) {
                    Some(utc) => tz
                        .offset_from_utc_datetime(&utc.naive_utc())
                        .fix()
                        .local_minus_utc(),
                    // Unreachable after the clamp; UTC is a harmless answer.
                    None => 0,
                }
            }
        }
    }

    /// The local seconds (wall-clock time as seconds since
    /// `1970-01-01T00:00:00` local) at instant `ts`.
    ///
    /// Saturates instead of overflowing for instants near `i64` limits.
    pub fn to_local(&self, ts: i64) -> i64 {
        ts.saturating_add(i64::from(self.offset_at(ts)))
    }

    /// The instant at which this zone's wall clock reads `local` (local
    /// seconds, see [`Zone::to_local`]).
    ///
    /// Use it to read naive timestamps and to find where local days begin.
    /// Daylight-saving transitions are resolved so that the result never
    /// decreases as `local` grows:
    ///
    /// - a wall-clock time skipped by a spring-forward gap maps to the first
    ///   instant after the gap (New York `2024-03-10 02:30` becomes
    ///   `03:00-04:00`);
    /// - a wall-clock time that occurs twice in a fall-back fold maps to the
    ///   earlier instant (New York `2024-11-03 01:30` is `01:30-04:00`).
    ///
    /// In other words, it is the first instant whose wall-clock time is at
    /// or after `local`.
    pub fn from_local(&self, local: i64) -> i64 {
        match self {
            Zone::Utc => local,
            Zone::Fixed(offset) => local.saturating_sub(i64::from(offset.local_minus_utc())),
            Zone::Named(tz) => named_from_local(*tz, local.clamp(-CHRONO_LIMIT, CHRONO_LIMIT)),
        }
    }

    /// Writes instant `ts` as RFC 3339 in this zone, seconds always present:
    /// `2024-03-01T00:00:00Z` for [`Zone::Utc`], a numeric offset otherwise
    /// (`2024-03-01T00:00:00-05:00`, even when the offset is `+00:00`).
    ///
    /// Writes without allocating. Years outside 0000–9999 are written in
    /// ISO 8601's expanded form (`+10000`, `-0001`), and an offset with
    /// seconds (some zones' historical local mean time) as `-04:56:02`,
    /// since RFC 3339 has no way to say it and rounding would misstate the
    /// instant.
    pub fn write_rfc3339<W: fmt::Write>(&self, ts: i64, w: &mut W) -> fmt::Result {
        let ts = ts.clamp(MIN_TS, MAX_TS);
        let offset = self.offset_at(ts);
        let local = ts + i64::from(offset);
        let (year, month, day) = civil_from_days(local.div_euclid(DAY));
        let secs = local.rem_euclid(DAY);
        if (0..=9999).contains(&year) {
            write!(w, "{year:04}")?;
        } else if year < 0 {
            write!(w, "-{:04}", year.unsigned_abs())?;
        } else {
            write!(w, "+{year}")?;
        }
        write!(
            w,
            "-{month:02}-{day:02}T{:02}:{:02}:{:02}",
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        )?;
        match self {
            Zone::Utc => w.write_char('Z'),
            _ => write_offset(w, offset),
        }
    }
}

/// Writes `+HH:MM` (or `+HH:MM:SS` when the offset has seconds).
fn write_offset<W: fmt::Write>(w: &mut W, offset: i32) -> fmt::Result {
    let sign = if offset < 0 { '-' } else { '+' };
    let abs = offset.unsigned_abs();
    write!(w, "{sign}{:02}:{:02}", abs / 3600, abs / 60 % 60)?;
    if !abs.is_multiple_of(60) {
        write!(w, ":{:02}", abs % 60)?;
    }
    Ok(())
}

fn named_from_local(tz: Tz, local: i64) -> i64 {
    let Some(naive) = DateTime::from_timestamp(local, 0).map(|dt| dt.naive_utc()) else {
        return local;
    };
    match tz.offset_from_local_datetime(&naive) {
        chrono::LocalResult::Single(offset) => local - i64::from(offset.fix().local_minus_utc()),
        chrono::LocalResult::Ambiguous(a, b) => {
            let a = local - i64::from(a.fix().local_minus_utc());
            let b = local - i64::from(b.fix().local_minus_utc());
            a.min(b)
        }
        chrono::LocalResult::None => {
            match chrono_tz::GapInfo::new(&naive, &tz).and_then(|gap| gap.end) {
                Some(end) => end.timestamp(),
                // chrono-tz leaves the end unknown only at the edge of its
                // data; the offset from before the gap is the best guess.
                None => local - i64::from(Zone::Named(tz).offset_at(local - DAY)),
            }
        }
    }
}

impl fmt::Display for Zone {
    /// Writes `UTC`, the offset (`+05:30`), or the IANA name; the text
    /// parses back to the same zone.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Zone::Utc => f.write_str("UTC"),
            Zone::Fixed(offset) => write_offset(f, offset.local_minus_utc()),
            Zone::Named(tz) => f.write_str(tz.name()),
        }
    }
}

impl FromStr for Zone {
    type Err = ZoneError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim_ascii();
        if t.eq_ignore_ascii_case("utc") || t.eq_ignore_ascii_case("z") {
            return Ok(Zone::Utc);
        }
        let b = t.as_bytes();
        if matches!(b.first(), Some(b'+' | b'-')) {
            return parse_offset(b)
                .and_then(|(secs, rest)| rest.is_empty().then_some(secs))
                .and_then(FixedOffset::east_opt)
                .map(Zone::Fixed)
                .ok_or_else(|| ZoneError {
                    input: s.to_owned(),
                });
        }
        if let Ok(tz) = t.parse::<Tz>() {
            return Ok(Zone::Named(tz));
        }
        // chrono-tz matches names exactly unless built with a feature we
        // don't enable; a linear scan on this rare path accepts
        // `america/new_york` too.
        chrono_tz::TZ_VARIANTS
            .iter()
            .find(|tz| tz.name().eq_ignore_ascii_case(t))
            .map(|tz| Zone::Named(*tz))
            .ok_or_else(|| ZoneError {
                input: s.to_owned(),
            })
    }
}

/// The error from parsing a [`Zone`]: the text was not `UTC`, an offset or
/// a known IANA name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown time zone {}: expected UTC, an offset such as +05:30, or an IANA name such as America/New_York",
    Shown(.input)
)]
pub struct ZoneError {
    input: String,
}

impl ZoneError {
    /// The text that failed to parse.
    pub fn input(&self) -> &str {
        &self.input
    }
}

/// Reads post timestamps into Unix seconds.
///
/// Build one per input with [`TimeParser::new`] (or use the default: UTC,
/// no custom format) and share it across threads; [`TimeParser::parse`]
/// does not allocate on success.
///
/// Accepted formats, after trimming surrounding ASCII whitespace:
///
/// | Format | Example | Zone |
/// |---|---|---|
/// | RFC 3339, fraction optional, `T`/`t`/space, `Z`/`z`/`UTC`/`+05:30`/`+0530`/`+05`, optionally after a space | `2024-03-01T12:34:56.123+05:30`, `2018-10-10 20:19:24+00:00` | as written |
/// | ISO without offset, seconds and fraction optional | `2024-03-01 12:34:56`, `2024-03-01T12:34` | input zone |
/// | Date only | `2024-03-01` | midnight, input zone |
/// | Twitter API v1.1 | `Wed Oct 10 20:19:24 +0000 2018` | as written |
/// | Unix epoch seconds, integer or decimal | `1600454175`, `1600454175.5` | UTC |
/// | Unix epoch milliseconds (values ≥ 100,000,000,000) | `1600454175123` | UTC |
/// | US spreadsheet dates, optional time and AM/PM | `3/1/24`, `03/01/2024 2:05 PM`, `3/1/2024 14:05:09` | input zone |
///
/// Details worth knowing:
///
/// - Naive times are read in the input zone with [`Zone::from_local`]: a
///   time skipped by daylight saving maps to the end of the gap, and a
///   repeated time to its first occurrence.
/// - A leap second `:60` is read as `:59`, so a post stamped
///   `2016-12-31T23:59:60Z` stays in 2016 with the day its label names.
/// - Two-digit US years follow Excel's window: `00`–`29` are 2000–2029 and
///   `30`–`99` are 1930–1999.
/// - All-digit text is always an epoch value, never a compact date such as
///   `20240301`. Negative epochs and instants after 9999-12-31 are errors.
/// - The weekday in the Twitter format must be a weekday name but is not
///   checked against the date; the date wins.
/// - With a custom format (a chrono strftime string), that format is tried
///   first. If it contains `%z`/`%:z`/`%#z`/`%+` the text's offset is used,
///   if it contains `%s` the value is UTC, and otherwise the time is read in
///   the input zone (a format without a time means midnight). When it does
///   not match, the unambiguous built-in formats are tried, but not the US
///   `MM/DD` form: a user who supplies a format may well write `DD/MM`, and
///   silently swapping day and month would be worse than an error.
///
/// # Example
///
/// ```
/// use hashtrend::time::{TimeParser, Zone};
///
/// let parser = TimeParser::default();
/// assert_eq!(parser.parse("2024-03-01T00:00:00Z"), Ok(1_709_251_200));
/// assert_eq!(parser.parse("Wed Oct 10 20:19:24 +0000 2018"), Ok(1_539_202_764));
///
/// let ny = TimeParser::new("America/New_York".parse().unwrap(), None);
/// assert_eq!(ny.parse("2024-03-01 00:00:00"), Ok(1_709_269_200));
/// assert!(ny.parse("yesterday").is_err());
/// ```
#[derive(Debug, Clone, Default)]
pub struct TimeParser {
    zone: Zone,
    format: Option<String>,
    format_kind: FormatKind,
}

/// What a custom format's fields say about the zone of the text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum FormatKind {
    /// No offset or epoch field: the time is read in the input zone.
    #[default]
    Naive,
    /// `%z` and friends: the text carries its own offset.
    Offset,
    /// `%s`: the text is an epoch value, UTC by definition.
    Epoch,
}

impl TimeParser {
    /// A parser reading naive timestamps in `input_tz`, trying the chrono
    /// strftime `format` first when one is given.
    ///
    /// Use [`TimeParser::default`] for UTC and the built-in formats only.
    /// The format is not validated here; a broken format shows up as a
    /// parse error naming it.
    pub fn new(input_tz: Zone, format: Option<String>) -> Self {
        let format_kind = format.as_deref().map_or(FormatKind::Naive, format_kind);
        TimeParser {
            zone: input_tz,
            format,
            format_kind,
        }
    }

    /// The zone naive timestamps are read in; UTC by default.
    pub fn zone(&self) -> Zone {
        self.zone
    }

    /// The custom strftime format, if any; none by default.
    pub fn format(&self) -> Option<&str> {
        self.format.as_deref()
    }

    /// Parses one timestamp into Unix seconds, flooring sub-second parts.
    ///
    /// See [`TimeParser`] for the accepted formats. The error says what was
    /// found and what was expected; it never panics, whatever the input.
    pub fn parse(&self, s: &str) -> Result<i64, TimeError> {
        let text = s.trim_ascii();
        let Some(fmt) = &self.format else {
            return self
                .parse_builtin(text.as_bytes(), true)
                .map_err(|why| why.into_error(text));
        };
        let custom_error = match self.parse_custom(text, fmt) {
            Ok(ts) => return Ok(ts),
            Err(e) => e,
        };
        self.parse_builtin(text.as_bytes(), false).map_err(|_| TimeError {
            input: shorten(text),
            kind: TimeErrorKind::FormatMismatch,
            detail: format!(
                "does not match the format {fmt:?} ({custom_error}), nor any of the built-in formats: {EXPECTED}"
            ),
        })
    }

    /// [`TimeParser::parse`], remembering the date of the usual
    /// `YYYY-MM-DDTHH:MM:SSZ` layout in `memo` between calls: the same
    /// result, faster on a run of times from the same day.
    pub(crate) fn parse_memo(&self, s: &str, memo: &mut DateMemo) -> Result<i64, TimeError> {
        if self.format.is_none()
            && let Some(ts) = utc_seconds(trim_ends(s.as_bytes()), memo)
        {
            return Ok(ts);
        }
        self.parse(s)
    }

    fn parse_custom(&self, text: &str, fmt: &str) -> Result<i64, chrono::ParseError> {
        let ts = match self.format_kind {
            FormatKind::Offset => DateTime::parse_from_str(text, fmt)?.timestamp(),
            FormatKind::Epoch => NaiveDateTime::parse_from_str(text, fmt)?
                .and_utc()
                .timestamp(),
            FormatKind::Naive => {
                let local = match NaiveDateTime::parse_from_str(text, fmt) {
                    Ok(dt) => dt.and_utc().timestamp(),
                    // A format with a date and no time, e.g. `%d.%m.%Y`.
                    Err(e) if e.kind() == ParseErrorKind::NotEnough => {
                        NaiveDate::parse_from_str(text, fmt)
                            .map_err(|_| e)?
                            .and_time(chrono::NaiveTime::MIN)
                            .and_utc()
                            .timestamp()
                    }
                    Err(e) => return Err(e),
                };
                self.zone.from_local(local)
            }
        };
        Ok(ts)
    }

    fn parse_builtin(&self, b: &[u8], allow_us: bool) -> Result<i64, Why> {
        match b {
            [y0, y1, y2, y3, b'-', ..]
                if y0.is_ascii_digit()
                    && y1.is_ascii_digit()
                    && y2.is_ascii_digit()
                    && y3.is_ascii_digit() =>
            {
                self.parse_iso(b)
            }
            [d, ..] if d.is_ascii_digit() => {
                if memchr::memchr(b'/', b).is_some() {
                    if allow_us {
                        self.parse_us(b)
                    } else {
                        Err(Why::Unrecognized)
                    }
                } else {
                    parse_epoch(b)
                }
            }
            [b'-', d, ..] if d.is_ascii_digit() => match parse_epoch(&b[1..]) {
                Ok(_) => Err(Why::NegativeEpoch),
                Err(_) => Err(Why::Unrecognized),
            },
            [a, ..] if a.is_ascii_alphabetic() => parse_twitter(b),
            _ => Err(Why::Unrecognized),
        }
    }

    /// `YYYY-MM-DD`, optionally followed by `[T ]HH:MM[:SS[.fff]]` and an
    /// optional offset. This is the hot path for most exports, hence the
    /// fixed positions and no chrono.
    fn parse_iso(&self, b: &[u8]) -> Result<i64, Why> {
        if let Some(ts) = utc_seconds(b, &mut DateMemo::default()) {
            return Ok(ts);
        }
        let mut c = Cursor::new(b);
        let year = c.digits(4, 4).ok_or(Why::Unrecognized)?;
        c.expect(b'-')?;
        let month = c.digits(2, 2).ok_or(Why::Unrecognized)?;
        c.expect(b'-')?;
        let day = c.digits(2, 2).ok_or(Why::Unrecognized)?;
        let days = checked_days(i64::from(year), month, day);
        if c.at_end() {
            return Ok(self.zone.from_local(days? * DAY));
        }
        if !(c.eat(b'T') || c.eat(b't') || c.eat(b' ')) {
            return Err(Why::Unrecognized);
        }
        let (hour, minute, second) = c.clock()?;
        let day_secs = day_seconds(hour, minute, second)?;
        let local = days? * DAY + day_secs;
        match c.zone_suffix()? {
            Some(offset) => Ok(local - i64::from(offset)),
            None => Ok(self.zone.from_local(local)),
        }
    }

    /// US spreadsheet dates: `M/D/YY` or `M/D/YYYY`, optionally followed by
    /// `H:MM[:SS[.fff]]` and an optional `AM`/`PM`.
    fn parse_us(&self, b: &[u8]) -> Result<i64, Why> {
        let mut c = Cursor::new(b);
        let month = c.digits(1, 2).ok_or(Why::Unrecognized)?;
        c.expect(b'/')?;
        let day = c.digits(1, 2).ok_or(Why::Unrecognized)?;
        c.expect(b'/')?;
        let start = c.pos;
        let year = c.digits(2, 4).ok_or(Why::Unrecognized)?;
        let year = match c.pos - start {
            // Excel's two-digit year window.
            2 if year < 30 => 2000 + year,
            2 => 1900 + year,
            4 => year,
            _ => return Err(Why::Unrecognized),
        };
        let days = checked_days(i64::from(year), month, day);
        if c.at_end() {
            return Ok(self.zone.from_local(days? * DAY));
        }
        if !c.eat(b' ') {
            return Err(Why::Unrecognized);
        }
        c.skip_spaces();
        let (mut hour, minute, second) = c.clock()?;
        c.skip_spaces();
        let meridiem = match c.rest() {
            [] => None,
            [a, m] if m.eq_ignore_ascii_case(&b'm') && a.eq_ignore_ascii_case(&b'a') => Some(false),
            [p, m] if m.eq_ignore_ascii_case(&b'm') && p.eq_ignore_ascii_case(&b'p') => Some(true),
            _ => return Err(Why::Unrecognized),
        };
        if let Some(pm) = meridiem {
            if !(1..=12).contains(&hour) {
                return Err(Why::Meridiem(hour));
            }
            hour = hour % 12 + if pm { 12 } else { 0 };
        }
        let local = days? * DAY + day_seconds(hour, minute, second)?;
        Ok(self.zone.from_local(local))
    }
}

/// Whether a strftime format carries an offset or an epoch field.
fn format_kind(fmt: &str) -> FormatKind {
    let b = fmt.as_bytes();
    let mut i = 0;
    let mut kind = FormatKind::Naive;
    while i < b.len() {
        if b[i] != b'%' {
            i += 1;
            continue;
        }
        i += 1;
        // Padding and offset-style flags sit between `%` and the letter.
        while i < b.len()
            && matches!(
                b[i],
                b'-' | b'_' | b'0' | b':' | b'#' | b'.' | b'3' | b'6' | b'9'
            )
        {
            i += 1;
        }
        match b.get(i) {
            Some(b'z' | b'+') => return FormatKind::Offset,
            Some(b's') => kind = FormatKind::Epoch,
            _ => {}
        }
        i += 1;
    }
    kind
}

/// Unix epoch seconds or milliseconds, optionally with a decimal fraction.
fn parse_epoch(b: &[u8]) -> Result<i64, Why> {
    let (int, frac) = match memchr::memchr(b'.', b) {
        Some(dot) => (&b[..dot], Some(&b[dot + 1..])),
        None => (b, None),
    };
    if int.is_empty() || !int.iter().all(u8::is_ascii_digit) {
        return Err(Why::Unrecognized);
    }
    if let Some(frac) = frac
        && (frac.is_empty() || !frac.iter().all(u8::is_ascii_digit))
    {
        return Err(Why::Unrecognized);
    }
    let mut value: u64 = 0;
    for &d in int {
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(d - b'0')))
            .ok_or(Why::EpochTooLarge)?;
    }
    // Positive values, so truncating the fraction (and integer division of
    // milliseconds) is the floor.
    let secs = if value >= EPOCH_MS_THRESHOLD {
        value / 1000
    } else {
        value
    };
    match i64::try_from(secs) {
        Ok(secs) if secs <= MAX_PARSED => Ok(secs),
        _ => Err(Why::EpochTooLarge),
    }
}

/// Twitter API v1.1's `created_at`: `Wed Oct 10 20:19:24 +0000 2018`.
fn parse_twitter(b: &[u8]) -> Result<i64, Why> {
    const WEEKDAYS: [&[u8; 3]; 7] = [b"mon", b"tue", b"wed", b"thu", b"fri", b"sat", b"sun"];
    const MONTHS: [&[u8; 3]; 12] = [
        b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov",
        b"dec",
    ];
    let word = |w: &[u8], names: &[&[u8; 3]]| names.iter().position(|n| n.eq_ignore_ascii_case(w));
    let [w0, w1, w2, b' ', m0, m1, m2, b' ', rest @ ..] = b else {
        return Err(Why::Unrecognized);
    };
    word(&[*w0, *w1, *w2], &WEEKDAYS).ok_or(Why::Unrecognized)?;
    let month = word(&[*m0, *m1, *m2], &MONTHS).ok_or(Why::Unrecognized)?;
    let mut c = Cursor::new(rest);
    let day = c.digits(2, 2).ok_or(Why::Unrecognized)?;
    c.expect(b' ')?;
    let (hour, minute, second) = c.clock()?;
    c.expect(b' ')?;
    let (offset, after) = parse_offset(c.rest()).ok_or(Why::Unrecognized)?;
    let mut c = Cursor::new(after);
    c.expect(b' ')?;
    let year = c.digits(4, 4).ok_or(Why::Unrecognized)?;
    if !c.at_end() {
        return Err(Why::Unrecognized);
    }
    // `month` indexes a 12-element table, so the cast is exact.
    let days = checked_days(i64::from(year), month as u32 + 1, day)?;
    Ok(days * DAY + day_seconds(hour, minute, second)? - i64::from(offset))
}

/// `+HH`, `+HHMM` or `+HH:MM` (or `-`) at the start of `b`: the offset in
/// seconds east of UTC and the bytes after it. Hours up to 23, minutes up
/// to 59.
fn parse_offset(b: &[u8]) -> Option<(i32, &[u8])> {
    let (sign, rest) = match b {
        [b'+', rest @ ..] => (1, rest),
        [b'-', rest @ ..] => (-1, rest),
        _ => return None,
    };
    let mut c = Cursor::new(rest);
    let hours = c.digits(2, 2)?;
    let minutes = if c.eat(b':') {
        c.digits(2, 2)?
    } else {
        // A lone `+HH`, or `+HHMM` run together.
        c.digits(2, 2).unwrap_or(0)
    };
    if hours > 23 || minutes > 59 {
        return None;
    }
    // At most 23 * 3600 + 59 * 60, well inside i32.
    let secs = (hours * 3600 + minutes * 60) as i32;
    Some((sign * secs, c.rest()))
}

/// The date of the last time [`utc_seconds`] read, and its day number, so
/// that the next time of the same day (most of them: exports are in time
/// order) skips the calendar. Only a valid date is ever kept; the empty
/// memo's zeros never match a date, whose fifth byte is `-`.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct DateMemo {
    date: [u8; 10],
    days: i64,
}

/// `b` without ASCII white space at its ends; nothing to trim (and no
/// loop) when both ends are visible.
#[inline]
fn trim_ends(b: &[u8]) -> &[u8] {
    match (b.first(), b.last()) {
        (Some(f), Some(l)) if f.is_ascii_graphic() && l.is_ascii_graphic() => b,
        _ => b.trim_ascii(),
    }
}

/// The fast path of [`TimeParser::parse_iso`] for the layout most exports
/// use, `YYYY-MM-DDTHH:MM:SSZ` (or a space for the `T`): fixed positions,
/// the digits read as one word. `None` for anything else, including an
/// invalid date or time, which the general path then reads (and reports)
/// exactly as before.
fn utc_seconds(b: &[u8], memo: &mut DateMemo) -> Option<i64> {
    let b: &[u8; 20] = b.try_into().ok()?;
    if b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b' ') || b[19] != b'Z' {
        return None;
    }
    let digit = |i: usize| {
        let d = b[i].wrapping_sub(b'0');
        (d < 10).then_some(u32::from(d))
    };
    let two = |i: usize| Some(digit(i)? * 10 + digit(i + 1)?);
    let date: [u8; 10] = b[..10].try_into().ok()?;
    let days = if date == memo.date {
        memo.days
    } else {
        let year = two(0)? * 100 + two(2)?;
        let days = checked_days(i64::from(year), two(5)?, two(8)?).ok()?;
        *memo = DateMemo { date, days };
        days
    };
    let (hour, minute, second) = clock(u64::from_le_bytes(b[11..19].try_into().ok()?))?;
    let secs = day_seconds(hour, minute, second).ok()?;
    Some(days * DAY + secs)
}

/// `HH:MM:SS`, read as one little-endian word, as its three numbers: the
/// colons checked and swapped for `0`s, the six digits checked at once
/// ([`non_digits`]), then each pair's tens and units added in place (a
/// byte's ten times its digit plus the next byte's digit is at most 99, so
/// nothing carries between bytes).
#[inline]
fn clock(w: u64) -> Option<(u32, u32, u32)> {
    const COLONS_AT: u64 = 0x0000_FF00_00FF_0000;
    const COLONS: u64 = 0x0000_3A00_003A_0000;
    if w & COLONS_AT != COLONS {
        return None;
    }
    let w = (w & !COLONS_AT) | (ZEROS & COLONS_AT);
    if non_digits(w) != 0 {
        return None;
    }
    let v = w - ZEROS;
    let pairs = v * 10 + (v >> 8);
    let at = |byte: u32| ((pairs >> (8 * byte)) & 0xFF) as u32;
    Some((at(0), at(3), at(6)))
}

/// Seconds since midnight, after range checks. A leap second (`:60`) is
/// read as `:59`; see [`TimeParser`] for why.
fn day_seconds(hour: u32, minute: u32, second: u32) -> Result<i64, Why> {
    if hour > 23 {
        return Err(Why::Field("hour", hour, "0–23"));
    }
    if minute > 59 {
        return Err(Why::Field("minute", minute, "0–59"));
    }
    if second > 60 {
        return Err(Why::Field("second", second, "0–60"));
    }
    Ok(i64::from(hour * 3600 + minute * 60 + second.min(59)))
}

/// Days since 1970-01-01 of a date, after checking that the date exists.
fn checked_days(year: i64, month: u32, day: u32) -> Result<i64, Why> {
    if !(1..=12).contains(&month) {
        return Err(Why::Field("month", month, "1–12"));
    }
    if day == 0 || day > days_in_month(year, month) {
        return Err(Why::Day { year, month, day });
    }
    Ok(days_from_civil(year, month, day))
}

/// Days in `month` (1–12) of `year` in the proleptic Gregorian calendar.
pub(crate) fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date; `month` in 1–12,
/// `day` in 1–31 (not checked against the month).
///
/// Howard Hinnant's algorithm, <https://howardhinnant.github.io/date_algorithms.html>:
/// branch-free apart from the March-based year, exact for any `i64` year
/// whose result fits.
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = i64::from((month + 9) % 12);
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The proleptic Gregorian `(year, month, day)` of a count of days since
/// 1970-01-01; the inverse of [`days_from_civil`] (same source).
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    // Both are small and positive by construction (1–31 and 1–12).
    let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u32;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// A forward-only reader over the bytes of one timestamp.
struct Cursor<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(b: &'a [u8]) -> Self {
        Cursor { b, pos: 0 }
    }

    fn at_end(&self) -> bool {
        self.pos >= self.b.len()
    }

    fn rest(&self) -> &'a [u8] {
        self.b.get(self.pos..).unwrap_or_default()
    }

    fn eat(&mut self, byte: u8) -> bool {
        let hit = self.b.get(self.pos) == Some(&byte);
        self.pos += usize::from(hit);
        hit
    }

    fn expect(&mut self, byte: u8) -> Result<(), Why> {
        if self.eat(byte) {
            Ok(())
        } else {
            Err(Why::Unrecognized)
        }
    }

    fn skip_spaces(&mut self) {
        while self.eat(b' ') {}
    }

    /// Between `min` and `max` (at most 9) ASCII digits as a number.
    fn digits(&mut self, min: usize, max: usize) -> Option<u32> {
        let mut value = 0u32;
        let mut n = 0;
        while n < max {
            match self.b.get(self.pos) {
                Some(d) if d.is_ascii_digit() => value = value * 10 + u32::from(d - b'0'),
                _ => break,
            }
            self.pos += 1;
            n += 1;
        }
        (n >= min).then_some(value)
    }

    /// `H:MM` or `HH:MM`, optionally `:SS` and a fraction of a second
    /// (dropped: it only ever adds to the time, so dropping it floors).
    fn clock(&mut self) -> Result<(u32, u32, u32), Why> {
        let hour = self.digits(1, 2).ok_or(Why::Unrecognized)?;
        self.expect(b':')?;
        let minute = self.digits(2, 2).ok_or(Why::Unrecognized)?;
        let mut second = 0;
        if self.eat(b':') {
            second = self.digits(2, 2).ok_or(Why::Unrecognized)?;
            if self.eat(b'.') || self.eat(b',') {
                let start = self.pos;
                while self.b.get(self.pos).is_some_and(u8::is_ascii_digit) {
                    self.pos += 1;
                }
                if self.pos == start {
                    return Err(Why::Unrecognized);
                }
            }
        }
        Ok((hour, minute, second))
    }

    /// What may follow an ISO time: nothing (`None`: read in the input
    /// zone), or after an optional space `Z`, `UTC` or a numeric offset.
    fn zone_suffix(&mut self) -> Result<Option<i32>, Why> {
        if self.at_end() {
            return Ok(None);
        }
        self.eat(b' ');
        match self.rest() {
            [z] if z.eq_ignore_ascii_case(&b'z') => Ok(Some(0)),
            utc if utc.eq_ignore_ascii_case(b"utc") => Ok(Some(0)),
            rest @ [b'+' | b'-', ..] => match parse_offset(rest) {
                Some((offset, [])) => Ok(Some(offset)),
                _ => Err(Why::Offset),
            },
            _ => Err(Why::Unrecognized),
        }
    }
}

/// Why a built-in parse failed, kept `Copy` so the fast path never
/// allocates; turned into a [`TimeError`] only on failure.
#[derive(Debug, Clone, Copy)]
enum Why {
    Unrecognized,
    Field(&'static str, u32, &'static str),
    Day { year: i64, month: u32, day: u32 },
    Meridiem(u32),
    Offset,
    NegativeEpoch,
    EpochTooLarge,
}

impl Why {
    fn into_error(self, text: &str) -> TimeError {
        let (kind, detail) = match self {
            Why::Unrecognized => (TimeErrorKind::Unrecognized, EXPECTED.to_owned()),
            Why::Field(name, value, range) => (
                TimeErrorKind::Invalid,
                format!("{name} {value} is out of range ({range})"),
            ),
            Why::Day { year, month, day } => (
                TimeErrorKind::Invalid,
                format!("day {day} does not exist in {year:04}-{month:02}"),
            ),
            Why::Meridiem(hour) => (
                TimeErrorKind::Invalid,
                format!("hour {hour} is out of range for AM/PM (1–12)"),
            ),
            Why::Offset => (
                TimeErrorKind::Invalid,
                "bad UTC offset: expected +HH:MM, +HHMM or +HH with hours 00–23 and minutes 00–59"
                    .to_owned(),
            ),
            Why::NegativeEpoch => (
                TimeErrorKind::Invalid,
                "negative epoch values are not accepted".to_owned(),
            ),
            Why::EpochTooLarge => (
                TimeErrorKind::Invalid,
                "epoch value is after 9999-12-31 even when read as milliseconds".to_owned(),
            ),
        };
        TimeError {
            input: shorten(text),
            kind,
            detail,
        }
    }
}

/// The list of formats that error messages offer.
const EXPECTED: &str = "expected RFC 3339 (2024-03-01T12:34:56Z), YYYY-MM-DD HH:MM:SS, YYYY-MM-DD, \
MM/DD/YYYY [H:MM[:SS] [AM|PM]], Twitter's Wed Oct 10 20:19:24 +0000 2018, \
or Unix epoch seconds or milliseconds";

/// A timestamp that could not be read.
///
/// Its message names the text found (shortened to 64 characters) and what
/// was expected, e.g. `unrecognized time "yesterday": expected RFC 3339
/// (2024-03-01T12:34:56Z), YYYY-MM-DD HH:MM:SS, ...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeError {
    input: String,
    kind: TimeErrorKind,
    detail: String,
}

/// What went wrong in a [`TimeError`].
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeErrorKind {
    /// The text matches none of the accepted formats.
    Unrecognized,
    /// The text has a known shape but impossible values (month 13, Feb 30,
    /// a negative epoch, ...).
    Invalid,
    /// The custom format did not match and no built-in format did either.
    FormatMismatch,
}

impl TimeError {
    /// The text that failed, trimmed and shortened to 64 characters.
    pub fn input(&self) -> &str {
        &self.input
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> TimeErrorKind {
        self.kind
    }
}

impl fmt::Display for TimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let input = Shown(&self.input);
        match self.kind {
            TimeErrorKind::Unrecognized => write!(f, "unrecognized time {input}: {}", self.detail),
            TimeErrorKind::Invalid => write!(f, "invalid time {input}: {}", self.detail),
            TimeErrorKind::FormatMismatch => write!(f, "time {input} {}", self.detail),
        }
    }
}

impl std::error::Error for TimeError {}

/// Quotes text for an error message, escaping control characters so that
/// arbitrary input can't garble a terminal or a log line.
struct Shown<'a>(&'a str);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

/// Keeps error messages readable when a whole record lands in a time field.
fn shorten(text: &str) -> String {
    const MAX_CHARS: usize = 64;
    match text.char_indices().nth(MAX_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `clock` by reading the bytes one at a time.
    fn clock_by_bytes(b: &[u8; 8]) -> Option<(u32, u32, u32)> {
        if b[2] != b':' || b[5] != b':' {
            return None;
        }
        let d = |i: usize| b[i].is_ascii_digit().then(|| u32::from(b[i] - b'0'));
        let two = |i: usize| Some(d(i)? * 10 + d(i + 1)?);
        Some((two(0)?, two(3)?, two(6)?))
    }

    #[test]
    fn clock_reads_what_the_bytes_say() {
        // Every pair of digits in every place.
        for a in 0..100u32 {
            for (h, m, s) in [(a, 0, 0), (0, a, 0), (0, 0, a), (a, 99 - a, a)] {
                let text = format!("{h:02}:{m:02}:{s:02}");
                let b: [u8; 8] = text.as_bytes().try_into().unwrap();
                assert_eq!(clock(u64::from_le_bytes(b)), Some((h, m, s)), "{text}");
            }
        }
        // Every byte value at every place of a valid time.
        for at in 0..8 {
            for v in 0..=255u8 {
                let mut b = *b"23:59:60";
                b[at] = v;
                assert_eq!(clock(u64::from_le_bytes(b)), clock_by_bytes(&b), "{b:?}");
            }
        }
    }

    #[test]
    fn the_fast_path_trims_as_the_general_one() {
        let p = TimeParser::default();
        let mut memo = DateMemo::default();
        // (text, whether the fast path itself answers it)
        for (s, fast) in [
            ("2024-03-08T00:00:10Z", true),
            (" 2024-03-08T00:00:10Z", true),
            ("2024-03-08T00:00:10Z\t", true),
            ("\n2024-03-08 23:59:60Z ", true),
            // Not ASCII white space: the general parser's to trim.
            ("\u{a0}2024-03-08T00:00:10Z", false),
            ("2024-03-08T24:00:00Z", false),
            ("2024-02-30T00:00:00Z", false),
            ("2024-03-08T00:0a:10Z", false),
        ] {
            let general = p.parse(s).ok();
            let answered = utc_seconds(trim_ends(s.as_bytes()), &mut memo);
            assert_eq!(answered.is_some(), fast, "{s:?}");
            if fast {
                assert_eq!(answered, general, "{s:?}");
            }
            assert_eq!(p.parse_memo(s, &mut memo).ok(), general, "{s:?}");
        }
        assert_eq!(trim_ends(b" \tab\r\n"), b"ab");
        assert_eq!(trim_ends(b"a b"), b"a b");
        assert_eq!(trim_ends(b""), b"");
    }

    fn utc(s: &str) -> Result<i64, TimeError> {
        TimeParser::default().parse(s)
    }

    fn zone(s: &str) -> Zone {
        s.parse().unwrap()
    }

    fn in_zone(tz: &str, s: &str) -> Result<i64, TimeError> {
        TimeParser::new(zone(tz), None).parse(s)
    }

    // Expected instants below come from `date -u -d ... +%s` (or
    // `TZ=... date -d ... +%s`) and are written next to their input.

    #[test]
    fn rfc3339_variants() {
        let cases = [
            ("2024-03-01T00:00:00Z", 1_709_251_200),
            ("2024-03-01T12:34:56Z", 1_709_296_496),
            ("2024-03-01T12:34:56.123Z", 1_709_296_496),
            ("2024-03-01T12:34:56,999999999Z", 1_709_296_496),
            ("2024-03-01t12:34:56z", 1_709_296_496),
            ("2024-03-01 12:34:56Z", 1_709_296_496),
            ("2024-03-01T12:34:56+05:30", 1_709_276_696),
            ("2024-03-01T12:34:56.123+05:30", 1_709_276_696),
            ("2024-03-01T12:34:56+0530", 1_709_276_696),
            ("2024-03-01T14:05:00+01:00", 1_709_298_300),
            ("2024-03-01T14:05:00+01", 1_709_298_300),
            ("2024-03-01T12:34:56-00:00", 1_709_296_496),
            ("2018-10-10 20:19:24+00:00", 1_539_202_764),
            ("2018-10-10 20:19:24+0000", 1_539_202_764),
            ("2018-10-10 20:19:24+00", 1_539_202_764),
            ("2018-10-10 20:19:24 +00:00", 1_539_202_764),
            ("2018-10-10 20:19:24 UTC", 1_539_202_764),
            ("  2024-03-01T00:00:00Z\t\n", 1_709_251_200),
            ("1969-12-31T23:59:59Z", -1),
            // Flooring: -0.5 s is in the second that starts at -1.
            ("1969-12-31T23:59:59.5Z", -1),
            ("1969-07-20T20:17:40Z", -14_182_940),
            ("0000-01-01T00:00:00Z", -62_167_219_200),
            ("9999-12-31T23:59:59Z", 253_402_300_799),
        ];
        for (text, want) in cases {
            assert_eq!(utc(text), Ok(want), "{text}");
        }
    }

    #[test]
    fn utc_fast_path_agrees_with_the_general_one() {
        // The general path alone: the same bytes with the `Z` spelled `+00:00`.
        let general = |s: &str| utc(&format!("{}+00:00", &s[..19]));
        for s in [
            "2024-03-01T12:34:56Z",
            "2024-03-01 12:34:56Z",
            "2024-02-29T23:59:59Z",
            "2024-12-31T23:59:60Z",
            "1970-01-01T00:00:00Z",
            "0000-03-01T00:00:00Z",
        ] {
            assert_eq!(
                utc_seconds(s.as_bytes(), &mut DateMemo::default()).map(Ok),
                Some(general(s)),
                "{s}"
            );
            assert_eq!(utc(s), general(s), "{s}");
            // Remembering the date: the same answer from a memo of it, and
            // from a memo of another date.
            let mut memo = DateMemo::default();
            utc_seconds(b"2024-03-01T00:00:00Z", &mut memo);
            for _ in 0..2 {
                assert_eq!(
                    utc_seconds(s.as_bytes(), &mut memo).map(Ok),
                    Some(general(s)),
                    "{s}"
                );
            }
            let parser = TimeParser::default();
            assert_eq!(parser.parse_memo(s, &mut memo), general(s), "{s}");
        }
        // Anything off the layout, or an impossible date or time, is left
        // to the general path, which reports it as before.
        for s in [
            "2023-02-29T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-03-01T24:00:00Z",
            "2024-03-01T12:60:00Z",
            "2024-03-01T12:00:61Z",
            "2024-03-01T12:00:0xZ",
            "2024-03-01X12:00:00Z",
            "2024-03-01T12:00:00z",
            "2024-03-01T12:00:00.5Z",
            "+024-03-01T12:00:00Z",
        ] {
            assert_eq!(
                utc_seconds(s.as_bytes(), &mut DateMemo::default()),
                None,
                "{s}"
            );
            // A memo of the same date does not make a bad time good.
            let mut memo = DateMemo::default();
            utc_seconds(b"2024-03-01T00:00:00Z", &mut memo);
            assert_eq!(utc_seconds(s.as_bytes(), &mut memo), None, "{s}");
            let parser = TimeParser::default();
            assert_eq!(parser.parse_memo(s, &mut memo), utc(s), "{s}");
        }
        assert!(utc("2023-02-29T00:00:00Z").is_err());
        assert!(utc("2024-03-01T24:00:00Z").is_err());
    }

    #[test]
    fn naive_iso_reads_in_input_zone() {
        assert_eq!(utc("2024-03-01 12:34:56"), Ok(1_709_296_496));
        assert_eq!(utc("2024-03-01T12:34:56"), Ok(1_709_296_496));
        assert_eq!(utc("2024-03-01T12:34:56.75"), Ok(1_709_296_496));
        // 2024-03-01T14:05:00Z, seconds left out.
        assert_eq!(utc("2024-03-01 14:05"), Ok(1_709_301_900));
        // 2024-03-01T00:00:00+05:30.
        assert_eq!(in_zone("+05:30", "2024-03-01 00:00:00"), Ok(1_709_231_400));
        // An explicit offset wins over the input zone.
        assert_eq!(in_zone("+05:30", "2024-03-01T00:00:00Z"), Ok(1_709_251_200));
    }

    #[test]
    fn named_input_zone_across_dst() {
        let ny = |s| in_zone("America/New_York", s);
        // TZ=America/New_York date -d '2024-03-10 00:00' +%s (EST)
        assert_eq!(ny("2024-03-10 00:00:00"), Ok(1_710_046_800));
        // '2024-03-11 00:00', after spring forward (EDT)
        assert_eq!(ny("2024-03-11 00:00:00"), Ok(1_710_129_600));
        // 02:30 does not exist: the gap ends at 03:00 EDT.
        assert_eq!(ny("2024-03-10 02:30:00"), Ok(1_710_054_000));
        assert_eq!(ny("2024-03-10 03:00:00"), Ok(1_710_054_000));
        // 01:30 happens twice on 2024-11-03: the first (EDT) one wins.
        assert_eq!(ny("2024-11-03 01:30:00"), Ok(1_730_611_800));
        assert_eq!(ny("2024-11-03"), Ok(1_730_606_400));
        assert_eq!(ny("11/3/2024 2:00 AM"), Ok(1_730_617_200));
    }

    #[test]
    fn from_local_resolves_gaps_and_folds() {
        let ny = zone("America/New_York");
        // Every local second of the gap maps to its end.
        for local in [0, 1, 1799, 3599] {
            // 2024-03-10 02:00 local as local seconds is 1710036000.
            assert_eq!(ny.from_local(1_710_036_000 + local), 1_710_054_000);
        }
        assert_eq!(ny.from_local(1_710_036_000 - 1), 1_710_053_999);
        assert_eq!(ny.offset_at(1_710_053_999), -5 * 3600);
        assert_eq!(ny.offset_at(1_710_054_000), -4 * 3600);
        // Santiago skips 2024-09-08 00:00–01:00 (`TZ=America/Santiago date`
        // shows 2024-09-07T23:59:59-0400 then 2024-09-08T01:00:00-0300).
        let scl = zone("America/Santiago");
        // 2024-09-08 00:00 local as local seconds is 1725753600.
        assert_eq!(scl.from_local(1_725_753_600), 1_725_768_000);
        // Asia/Beirut: 2024-03-31 00:00 does not exist.
        let bey = zone("Asia/Beirut");
        // 2024-03-31 00:00 local = 1711843200 local seconds; gap ends at 01:00+03.
        assert_eq!(bey.from_local(1_711_843_200), 1_711_836_000);
    }

    #[test]
    fn twitter_classic() {
        assert_eq!(utc("Wed Oct 10 20:19:24 +0000 2018"), Ok(1_539_202_764));
        assert_eq!(utc("Wed Oct 10 20:19:24 +0200 2018"), Ok(1_539_195_564));
        assert_eq!(
            utc("wed oct 10 20:19:24 -0130 2018"),
            Ok(1_539_202_764 + 5400)
        );
        // Input zone is irrelevant: the offset is always written.
        assert_eq!(
            in_zone("America/New_York", "Wed Oct 10 20:19:24 +0000 2018"),
            Ok(1_539_202_764)
        );
        assert!(utc("Wed Oct 32 20:19:24 +0000 2018").is_err());
        assert!(utc("Xyz Oct 10 20:19:24 +0000 2018").is_err());
        assert!(utc("Wed Oct 10 20:19:24 +0000 2018 ").is_ok());
        assert!(utc("Wed Oct 10 20:19:24 +0000 20180").is_err());
        assert!(utc("Wed Oct 10 20:19:24 2018").is_err());
    }

    #[test]
    fn epochs() {
        assert_eq!(utc("1600454175"), Ok(1_600_454_175));
        assert_eq!(utc("1600454175.5"), Ok(1_600_454_175));
        assert_eq!(utc("1600454175.999999"), Ok(1_600_454_175));
        assert_eq!(utc("1600454175123"), Ok(1_600_454_175));
        assert_eq!(utc("1600454175999.9"), Ok(1_600_454_175));
        assert_eq!(utc("0"), Ok(0));
        // Just below the threshold: seconds (year 5138).
        assert_eq!(utc("99999999999"), Ok(99_999_999_999));
        // At the threshold: milliseconds.
        assert_eq!(utc("100000000000"), Ok(100_000_000));
        assert_eq!(utc("253402300799999"), Ok(253_402_300_799));
        // Epochs are UTC whatever the input zone.
        assert_eq!(in_zone("America/New_York", "1600454175"), Ok(1_600_454_175));

        for bad in ["-1", "-1600454175", "-1.5"] {
            let err = utc(bad).unwrap_err();
            assert_eq!(err.kind(), TimeErrorKind::Invalid, "{bad}");
            assert!(err.to_string().contains("negative"), "{err}");
        }
        for bad in [
            "253402300800000",
            "99999999999999999999999999",
            "18446744073709551616",
        ] {
            assert_eq!(
                utc(bad).unwrap_err().kind(),
                TimeErrorKind::Invalid,
                "{bad}"
            );
        }
        for bad in [
            "1600454175.",
            ".5",
            "1e10",
            "1600454175.5.5",
            "16004x54175",
            "1,5",
        ] {
            assert_eq!(
                utc(bad).unwrap_err().kind(),
                TimeErrorKind::Unrecognized,
                "{bad}"
            );
        }
    }

    #[test]
    fn date_only() {
        assert_eq!(utc("2024-03-01"), Ok(1_709_251_200));
        assert_eq!(utc("1900-01-01"), Ok(-2_208_988_800));
        assert_eq!(utc("2000-02-29"), Ok(951_782_400));
        assert_eq!(in_zone("America/New_York", "2024-03-01"), Ok(1_709_269_200));
        assert_eq!(in_zone("America/New_York", "2024-03-10"), Ok(1_710_046_800));
    }

    #[test]
    fn us_spreadsheet_dates() {
        let cases = [
            ("3/1/2024", 1_709_251_200),
            ("03/01/2024", 1_709_251_200),
            ("3/1/24", 1_709_251_200),
            ("03/01/2024 14:05", 1_709_301_900),
            ("3/1/2024 14:05:00", 1_709_301_900),
            ("3/1/2024 14:05:00.250", 1_709_301_900),
            ("3/1/24 2:05 PM", 1_709_301_900),
            ("3/1/24 2:05:00 pm", 1_709_301_900),
            ("3/1/24 2:05PM", 1_709_301_900),
            ("3/1/2024 12:00 AM", 1_709_251_200),
            ("3/1/2024 12:00 PM", 1_709_251_200 + 12 * 3600),
            ("3/1/2024 11:59:59 PM", 1_709_251_200 + DAY - 1),
            // Excel's window: 29 is 2029, 30 is 1930.
            ("12/31/29", 1_893_369_600),
            ("1/1/30", -1_262_304_000),
            ("1/1/00", 946_684_800),
        ];
        for (text, want) in cases {
            assert_eq!(utc(text), Ok(want), "{text}");
        }
        assert_eq!(in_zone("America/New_York", "3/1/2024"), Ok(1_709_269_200));
        for bad in [
            "13/1/2024",
            "2/30/2024",
            "3/1/202",
            "3/1/20245",
            "3/1",
            "3/1/2024 13:00 PM",
            "3/1/2024 0:30 AM",
            "3/1/2024 2:05 XM",
            "3/1/2024T14:05",
            "3/1/2024 25:00",
        ] {
            assert!(utc(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn range_validation() {
        assert_eq!(utc("2024-02-29T00:00:00Z"), Ok(1_709_164_800));
        for bad in [
            "2024-13-01T00:00:00Z",
            "2024-00-01T00:00:00Z",
            "2024-02-30T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "1900-02-29",
            "2024-04-31",
            "2024-03-00",
            "2024-03-01T24:00:00Z",
            "2024-03-01T12:60:00Z",
            "2024-03-01T12:00:61Z",
            "2024-03-01T12:00:00+24:00",
            "2024-03-01T12:00:00+05:60",
            "2024-03-01T12:00:00+5",
            "2024-03-01T12:00:00.Z",
            "2024-03-01T12:00:00ZZ",
            "2024-3-01",
            "2024-03-01X12:00:00",
            "2024-03-01T1200",
        ] {
            assert!(utc(bad).is_err(), "{bad}");
        }
        let err = utc("2023-02-29").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid time \"2023-02-29\": day 29 does not exist in 2023-02"
        );
        let err = utc("2024-03-01T24:00:00Z").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid time \"2024-03-01T24:00:00Z\": hour 24 is out of range (0–23)"
        );
    }

    #[test]
    fn leap_second_is_read_as_59() {
        // 2016-12-31T23:59:59Z; the leap second stays in 2016.
        assert_eq!(utc("2016-12-31T23:59:60Z"), Ok(1_483_228_799));
        assert_eq!(utc("2016-12-31T23:59:60.5Z"), Ok(1_483_228_799));
    }

    #[test]
    fn custom_format() {
        let p = |fmt: &str, tz: &str| TimeParser::new(zone(tz), Some(fmt.to_owned()));
        let day_first = p("%d/%m/%Y %H:%M", "UTC");
        // 2024-03-01T14:05:00Z
        assert_eq!(day_first.parse("01/03/2024 14:05"), Ok(1_709_301_900));
        // 2024-03-01T14:05:00+01:00
        let with_offset = p("%d.%m.%Y %H:%M %z", "America/New_York");
        assert_eq!(
            with_offset.parse("01.03.2024 14:05 +0100"),
            Ok(1_709_298_300)
        );
        let date_only = p("%d.%m.%Y", "America/New_York");
        assert_eq!(date_only.parse("10.03.2024"), Ok(1_710_046_800));
        let naive = p("%d.%m.%Y %H:%M:%S%.f", "+05:30");
        assert_eq!(naive.parse("01.03.2024 00:00:00.9"), Ok(1_709_231_400));
        assert_eq!(
            p("%s", "America/New_York").parse("1600454175"),
            Ok(1_600_454_175)
        );
        // Unambiguous built-ins still work when the format doesn't match.
        assert_eq!(day_first.parse("2024-03-01T00:00:00Z"), Ok(1_709_251_200));
        assert_eq!(day_first.parse("1600454175"), Ok(1_600_454_175));
        // The US form does not: it would swap day and month.
        let err = day_first.parse("01/03/2024").unwrap_err();
        assert_eq!(err.kind(), TimeErrorKind::FormatMismatch);
        let msg = err.to_string();
        assert!(
            msg.starts_with("time \"01/03/2024\" does not match the format \"%d/%m/%Y %H:%M\" ("),
            "{msg}"
        );
        assert!(msg.contains("RFC 3339"), "{msg}");
        // A broken format is reported, not a panic.
        assert!(p("%Q %", "UTC").parse("x").is_err());
        assert_eq!(day_first.format(), Some("%d/%m/%Y %H:%M"));
        assert_eq!(day_first.zone(), Zone::Utc);
    }

    #[test]
    fn format_kinds() {
        assert_eq!(format_kind("%Y-%m-%d %H:%M:%S"), FormatKind::Naive);
        assert_eq!(format_kind("%Y %z"), FormatKind::Offset);
        assert_eq!(format_kind("%Y %:z"), FormatKind::Offset);
        assert_eq!(format_kind("%+"), FormatKind::Offset);
        assert_eq!(format_kind("%s"), FormatKind::Epoch);
        assert_eq!(format_kind("100%% %Y"), FormatKind::Naive);
    }

    #[test]
    fn unrecognized_message() {
        let err = utc("yesterday").unwrap_err();
        assert_eq!(err.kind(), TimeErrorKind::Unrecognized);
        assert_eq!(err.input(), "yesterday");
        assert_eq!(
            err.to_string(),
            "unrecognized time \"yesterday\": expected RFC 3339 (2024-03-01T12:34:56Z), \
             YYYY-MM-DD HH:MM:SS, YYYY-MM-DD, MM/DD/YYYY [H:MM[:SS] [AM|PM]], \
             Twitter's Wed Oct 10 20:19:24 +0000 2018, or Unix epoch seconds or milliseconds"
        );
        assert_eq!(utc("").unwrap_err().kind(), TimeErrorKind::Unrecognized);
        assert_eq!(utc("   ").unwrap_err().kind(), TimeErrorKind::Unrecognized);
        let long = "x".repeat(500);
        assert_eq!(utc(&long).unwrap_err().input().chars().count(), 65);
        assert!(
            utc("bad\u{1b}[2J")
                .unwrap_err()
                .to_string()
                .contains("\\u{1b}")
        );
    }

    #[test]
    fn never_panics_on_junk() {
        let valid = [
            "2024-03-01T12:34:56.123+05:30",
            "Wed Oct 10 20:19:24 +0000 2018",
            "03/01/2024 2:05:00 PM",
            "1600454175999.9",
        ];
        let parsers = [
            TimeParser::default(),
            TimeParser::new(zone("America/New_York"), None),
            TimeParser::new(Zone::Utc, Some("%d.%m.%Y %H:%M %z".to_owned())),
        ];
        // Every prefix and every single-byte substitution of valid inputs,
        // then pseudo-random bytes: none may panic.
        let mut inputs: Vec<Vec<u8>> = Vec::new();
        for v in valid {
            let b = v.as_bytes();
            for i in 0..=b.len() {
                inputs.push(b[..i].to_vec());
                for sub in [b'9', b'0', b'-', b':', b' ', b'+', 0xff] {
                    let mut m = b.to_vec();
                    if i < m.len() {
                        m[i] = sub;
                        inputs.push(m);
                    }
                }
            }
        }
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..2000 {
            let len = (state % 40) as usize;
            let bytes = (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    b"0123456789-:/ T.+ZAPM"[(state % 21) as usize]
                })
                .collect();
            inputs.push(bytes);
        }
        for input in &inputs {
            let text = String::from_utf8_lossy(input);
            for p in &parsers {
                let _ = p.parse(&text);
            }
        }
    }

    #[test]
    fn zone_parsing_and_display() {
        let ist = FixedOffset::east_opt(5 * 3600 + 1800).unwrap();
        let est = FixedOffset::west_opt(5 * 3600).unwrap();
        let cases = [
            ("UTC", Zone::Utc),
            ("utc", Zone::Utc),
            ("Z", Zone::Utc),
            ("+05:30", Zone::Fixed(ist)),
            ("+0530", Zone::Fixed(ist)),
            ("-05:00", Zone::Fixed(est)),
            ("-05", Zone::Fixed(est)),
            ("America/New_York", Zone::Named(Tz::America__New_York)),
            ("america/new_york", Zone::Named(Tz::America__New_York)),
            (" Asia/Kolkata ", Zone::Named(Tz::Asia__Kolkata)),
        ];
        for (text, want) in cases {
            assert_eq!(text.parse::<Zone>(), Ok(want), "{text}");
            // Display parses back to the same zone.
            assert_eq!(want.to_string().parse::<Zone>(), Ok(want));
        }
        assert_eq!(Zone::Fixed(ist).to_string(), "+05:30");
        assert_eq!(Zone::Fixed(est).to_string(), "-05:00");
        assert_eq!(Zone::default(), Zone::Utc);
        for bad in ["Mars/Olympus", "+24:00", "+5", "+05:3", "EST5EDT6", ""] {
            assert!(bad.parse::<Zone>().is_err(), "{bad}");
        }
        assert_eq!(
            "Mars/Olympus".parse::<Zone>().unwrap_err().to_string(),
            "unknown time zone \"Mars/Olympus\": expected UTC, an offset such as +05:30, \
             or an IANA name such as America/New_York"
        );
    }

    #[test]
    fn offsets_and_rfc3339_output() {
        let ny = zone("America/New_York");
        let text = |z: Zone, ts: i64| {
            let mut s = String::new();
            z.write_rfc3339(ts, &mut s).unwrap();
            s
        };
        assert_eq!(text(Zone::Utc, 1_709_251_200), "2024-03-01T00:00:00Z");
        assert_eq!(text(ny, 1_709_269_200), "2024-03-01T00:00:00-05:00");
        assert_eq!(text(ny, 1_710_129_600), "2024-03-11T00:00:00-04:00");
        assert_eq!(
            text(zone("+05:30"), 1_709_231_400),
            "2024-03-01T00:00:00+05:30"
        );
        assert_eq!(
            text(zone("Europe/London"), 1_709_251_200),
            "2024-03-01T00:00:00+00:00"
        );
        assert_eq!(text(Zone::Utc, -1), "1969-12-31T23:59:59Z");
        assert_eq!(text(Zone::Utc, -62_167_219_201), "-0001-12-31T23:59:59Z");
        assert_eq!(text(Zone::Utc, 253_402_300_800), "+10000-01-01T00:00:00Z");
        // New York's local mean time before 1883 was -4:56:02.
        assert_eq!(text(ny, -5_000_000_000), "1811-07-23T10:10:38-04:56:02");
        for ts in [i64::MIN, i64::MAX] {
            assert!(!text(ny, ts).is_empty());
            assert!(!text(Zone::Utc, ts).is_empty());
            let _ = ny.offset_at(ts);
            let _ = ny.from_local(ts);
            let _ = ny.to_local(ts);
        }
    }

    #[test]
    fn parser_can_be_shared_across_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<TimeParser>();
        assert_send_sync::<Zone>();
        assert_send_sync::<TimeError>();
    }

    #[test]
    fn civil_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2024, 3, 1), 19_783);
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        let mut days = -800_000;
        while days < 3_000_000 {
            let (y, m, d) = civil_from_days(days);
            assert!(d >= 1 && d <= days_in_month(y, m));
            assert_eq!(days_from_civil(y, m, d), days);
            days += 7;
        }
    }
}
