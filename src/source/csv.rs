//! Delimited text (CSV): record boundaries, fields, and the header.
//!
//! The grammar is RFC 4180 with the leniency of common readers: a field that
//! starts with `"` is quoted until a `"` not followed by another `"` (a doubled
//! quote is a literal one), and anything after the closing quote up to the
//! next delimiter is kept literally; a `"` inside an unquoted field is a
//! literal. A record ends at a line feed outside quotes; a carriage return
//! before it is dropped, so CRLF and LF files read alike.
//!
//! The same rules drive [`record_end`], which splits input into chunks for the
//! worker threads, and [`Record::parse`], which reads one record, so chunking
//! can never disagree with parsing.

use std::borrow::Cow;
use std::io::Read;
use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use memchr::{memchr, memchr2};

use crate::diagnostics::SkipReason;
use crate::error::{Error, ErrorKind, Result};
use crate::scan::find2;
use crate::source::{
    AUTHOR_NAMES, Bad, Columns, Fields, ID_NAMES, Prepared, REPOST_NAMES, RecordPos, Scanned,
    Schema, TEXT_NAMES, TIME_NAMES, Utf8Ahead, decode, json, non_empty, read_error, unescape_html,
};
use crate::time::TimeParser;

/// How fields are separated and whether `"` quotes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Dialect {
    pub delimiter: u8,
    /// Whether a `"` at the start of a field quotes it. Off for files
    /// written without quoting, where a text may well start with a quote.
    pub quoting: bool,
}

impl From<u8> for Dialect {
    fn from(delimiter: u8) -> Dialect {
        Dialect {
            delimiter,
            quoting: true,
        }
    }
}

/// Finds the end (one past the line feed) of the record starting at `start`,
/// or `None` when the input ends first (an incomplete record).
pub(crate) fn record_end(buf: &[u8], start: usize, dialect: impl Into<Dialect>) -> Option<usize> {
    let Dialect { delimiter, quoting } = dialect.into();
    if !quoting {
        return memchr(b'\n', &buf[start..]).map(|i| start + i + 1);
    }
    let mut pos = start;
    loop {
        let hit = pos + memchr2(b'"', b'\n', &buf[pos..])?;
        if buf[hit] == b'\n' {
            return Some(hit + 1);
        }
        let at_field_start = hit == start || buf[hit - 1] == delimiter;
        if !at_field_start {
            pos = hit + 1;
            continue;
        }
        pos = quoted_end(buf, hit + 1)?;
    }
}

/// Given the position just after an opening quote, returns the position just
/// after the closing quote, or `None` if the input ends inside the quotes.
fn quoted_end(buf: &[u8], pos: usize) -> Option<usize> {
    quoted_end_doubled(buf, pos).map(|(end, _)| end)
}

/// [`quoted_end`], and whether the quotes held a doubled `""`.
fn quoted_end_doubled(buf: &[u8], mut pos: usize) -> Option<(usize, bool)> {
    let mut doubled = false;
    loop {
        let q = pos + memchr(b'"', &buf[pos..])?;
        if buf.get(q + 1) == Some(&b'"') {
            pos = q + 2;
            doubled = true;
        } else {
            return Some((q + 1, doubled));
        }
    }
}

/// One field's place in its record.
#[derive(Debug, Clone, Default)]
struct Field {
    range: Range<usize>,
    /// Quoted and containing a doubled quote (or text after the closing
    /// quote), so the value must be rebuilt rather than borrowed.
    escaped: bool,
}

/// The fields of one record, as ranges into the input (no copying).
#[derive(Debug, Default)]
pub(crate) struct Record {
    fields: Vec<Field>,
    /// Line feeds inside quoted fields, for line numbering.
    pub(crate) inner_newlines: u64,
    /// Quoted fields with text after the closing quote (`"a" b`): a sign
    /// that the file is not written with quoting at all.
    pub(crate) loose_quotes: usize,
    /// Fields that started with a quote.
    pub(crate) quoted_fields: usize,
}

impl Record {
    /// Parses the record `buf[start..end]` (as returned by [`record_end`], or
    /// the rest of the input for a last record without a line feed). Returns
    /// false when a quoted field is not closed.
    pub(crate) fn parse(
        &mut self,
        buf: &[u8],
        start: usize,
        end: usize,
        dialect: impl Into<Dialect>,
    ) -> bool {
        let Dialect { delimiter, quoting } = dialect.into();
        self.fields.clear();
        self.inner_newlines = 0;
        self.loose_quotes = 0;
        self.quoted_fields = 0;
        let mut line_end = end;
        if line_end > start && buf[line_end - 1] == b'\n' {
            line_end -= 1;
        }
        let rec = &buf[..line_end];
        let mut pos = start;
        loop {
            if quoting && rec.get(pos) == Some(&b'"') {
                let Some(close) = quoted_end(rec, pos + 1) else {
                    return false;
                };
                self.inner_newlines += memchr::memchr_iter(b'\n', &rec[pos..close]).count() as u64;
                let (tail_end, next) = match memchr(delimiter, &rec[close..]) {
                    Some(i) => (close + i, Some(close + i + 1)),
                    None => (strip_cr(rec, close, rec.len()), None),
                };
                let inner = pos + 1..close - 1;
                self.loose_quotes += usize::from(tail_end > close);
                self.quoted_fields += 1;
                let escaped = tail_end > close || memchr(b'"', &rec[inner.clone()]).is_some();
                let range = if escaped { pos..tail_end } else { inner };
                self.fields.push(Field { range, escaped });
                match next {
                    Some(n) => pos = n,
                    None => return true,
                }
            } else {
                match memchr(delimiter, &rec[pos..]) {
                    Some(i) => {
                        self.fields.push(Field {
                            range: pos..pos + i,
                            escaped: false,
                        });
                        pos += i + 1;
                    }
                    None => {
                        let e = strip_cr(rec, pos, rec.len());
                        self.fields.push(Field {
                            range: pos..e,
                            escaped: false,
                        });
                        return true;
                    }
                }
            }
        }
    }

    /// Parses the record starting at `start` and finds its end in the same
    /// pass: returns one past its line feed (or the end of `buf`), and
    /// whether it is complete (false when a quoted field is not closed; the
    /// record then runs to the end of `buf`). Fields, line feeds inside
    /// quotes and the record's end are exactly those of [`record_end`]
    /// followed by [`Record::parse`].
    pub(crate) fn parse_next(
        &mut self,
        buf: &[u8],
        start: usize,
        dialect: impl Into<Dialect>,
    ) -> (usize, bool) {
        let Dialect { delimiter, quoting } = dialect.into();
        self.fields.clear();
        self.inner_newlines = 0;
        self.loose_quotes = 0;
        self.quoted_fields = 0;
        let mut pos = start;
        loop {
            if quoting && buf.get(pos) == Some(&b'"') {
                let Some((close, doubled)) = quoted_end_doubled(buf, pos + 1) else {
                    return (buf.len(), false);
                };
                self.inner_newlines += memchr::memchr_iter(b'\n', &buf[pos..close]).count() as u64;
                let (tail_end, next) = match find2(delimiter, b'\n', &buf[close..]) {
                    Some(i) if buf[close + i] == delimiter => (close + i, Ok(close + i + 1)),
                    Some(i) => (strip_cr(buf, close, close + i), Err(close + i + 1)),
                    None => (strip_cr(buf, close, buf.len()), Err(buf.len())),
                };
                let inner = pos + 1..close - 1;
                self.loose_quotes += usize::from(tail_end > close);
                self.quoted_fields += 1;
                let escaped = tail_end > close || doubled;
                let range = if escaped { pos..tail_end } else { inner };
                self.fields.push(Field { range, escaped });
                match next {
                    Ok(n) => pos = n,
                    Err(end) => return (end, true),
                }
            } else {
                match find2(delimiter, b'\n', &buf[pos..]) {
                    Some(i) if buf[pos + i] == delimiter => {
                        self.fields.push(Field {
                            range: pos..pos + i,
                            escaped: false,
                        });
                        pos += i + 1;
                    }
                    found => {
                        let (line_end, end) = match found {
                            Some(i) => (pos + i, pos + i + 1),
                            None => (buf.len(), buf.len()),
                        };
                        self.fields.push(Field {
                            range: pos..strip_cr(buf, pos, line_end),
                            escaped: false,
                        });
                        return (end, true);
                    }
                }
            }
        }
    }

    /// Where field `i` starts in the input.
    pub(crate) fn field_start(&self, i: usize) -> usize {
        self.fields[i].range.start
    }

    /// Number of fields.
    pub(crate) fn len(&self) -> usize {
        self.fields.len()
    }

    /// The raw bytes of field `i`, unquoted; borrowed unless it held doubled
    /// quotes.
    #[inline]
    pub(crate) fn field<'a>(&self, buf: &'a [u8], i: usize) -> Option<Cow<'a, [u8]>> {
        let f = self.fields.get(i)?;
        let raw = &buf[f.range.clone()];
        if !f.escaped {
            return Some(Cow::Borrowed(raw));
        }
        Some(Cow::Owned(unquote(raw)))
    }
}

/// A quoted field as written, `"..."tail`, with the doubling inside the
/// quotes undone and the tail kept.
#[cold]
fn unquote(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 1;
    while i < raw.len() {
        let b = raw[i];
        if b == b'"' {
            if raw.get(i + 1) == Some(&b'"') {
                out.push(b'"');
                i += 2;
                continue;
            }
            out.extend_from_slice(&raw[i + 1..]);
            break;
        }
        out.push(b);
        i += 1;
    }
    out
}

fn strip_cr(buf: &[u8], start: usize, end: usize) -> usize {
    if end > start && buf[end - 1] == b'\r' {
        end - 1
    } else {
        end
    }
}

/// Delimiters tried when the user names none, in order of preference.
const DELIMITERS: [u8; 4] = [b',', b'\t', b';', b'|'];
/// Records looked at to sniff the delimiter, the header and the columns.
const SAMPLE_RECORDS: usize = 200;

/// What a CSV input needs to be prepared.
pub(crate) struct CsvOptions<'a> {
    /// The delimiter the user gave, if any.
    pub delimiter: Option<u8>,
    /// The delimiter preferred on a tie (tab for `.tsv`).
    pub preferred: u8,
    pub columns: &'a Columns,
    pub time: &'a TimeParser,
    /// Times come from post ids, so no time column is needed.
    pub time_from_id: bool,
    pub name: &'a str,
}

/// How to read the records of one delimited file.
#[derive(Debug, Clone)]
pub(crate) struct CsvSchema {
    dialect: Dialect,
    text: usize,
    time: Option<usize>,
    author: Option<usize>,
    id: Option<usize>,
    repost: Option<Repost>,
    tags: Option<usize>,
    /// The highest column index read: a record with fewer fields is malformed.
    needed: usize,
    /// Fields in a regular record.
    width: usize,
    /// The text is the last column, so a record with extra delimiters keeps
    /// the rest of its line there.
    text_takes_rest: bool,
    /// Records that had extra delimiters (shared by the threads).
    ragged: Arc<AtomicU64>,
    /// The text is HTML-escaped, as Twitter's API writes it, so `&amp;`,
    /// `&lt;` and `&gt;` are decoded once.
    unescape: bool,
}

/// Whether sampled texts look HTML-escaped: they hold `&amp;`, `&lt;` or
/// `&gt;` and never a bare `&` (an escaped text cannot have one).
fn looks_escaped<'a>(texts: impl Iterator<Item = &'a str>) -> bool {
    let (mut entities, mut bare) = (0, 0);
    for t in texts {
        for (i, _) in t.match_indices('&') {
            let rest = &t[i..];
            if rest.starts_with("&amp;") || rest.starts_with("&lt;") || rest.starts_with("&gt;") {
                entities += 1;
            } else if !(rest.starts_with("&#")
                || rest.starts_with("&quot;")
                || rest.starts_with("&apos;"))
            {
                bare += 1;
            }
        }
    }
    entities > 0 && bare == 0
}

/// A column that tells reposts apart.
#[derive(Debug, Clone, Copy)]
enum Repost {
    /// A yes/no flag (`is_retweet`).
    Flag(usize),
    /// The id of the reposted post, empty for others (twarc-csv's
    /// `referenced_tweets.retweeted.id`).
    Reference(usize),
    /// A post type whose value `retweet` marks a repost (twarc 1's `tweet_type`).
    Type(usize),
}

/// Column names of the platform's own hashtag list.
const TAG_LIST_NAMES: &[&str] = &["entities.hashtags", "hashtags"];

/// The fields of up to `max` records from `buf[start..]`, each decoded
/// lossily, with the end of the last one read.
fn sample_records(
    buf: &[u8],
    start: usize,
    dialect: Dialect,
    max: usize,
) -> (Vec<Vec<String>>, Vec<usize>) {
    let mut out = Vec::new();
    let mut ends = Vec::new();
    let mut record = Record::default();
    let mut pos = start;
    while out.len() < max {
        let Some(end) = record_end(buf, pos, dialect) else {
            break;
        };
        if record.parse(buf, pos, end, dialect) {
            let fields = (0..record.len())
                .map(|i| {
                    String::from_utf8_lossy(&record.field(buf, i).unwrap_or_default()).into_owned()
                })
                .collect::<Vec<_>>();
            if !(fields.len() == 1 && fields[0].trim().is_empty()) {
                out.push(fields);
                ends.push(end);
            }
        }
        pos = end;
    }
    (out, ends)
}

/// The most common number of fields among `records`, and how many have it.
fn mode_width(records: &[Vec<String>]) -> (usize, usize) {
    let mut counts: Vec<(usize, usize)> = Vec::new();
    for r in records {
        match counts.iter_mut().find(|(w, _)| *w == r.len()) {
            Some(c) => c.1 += 1,
            None => counts.push((r.len(), 1)),
        }
    }
    counts
        .into_iter()
        .max_by_key(|&(w, n)| (n, w))
        .unwrap_or((0, 0))
}

/// Picks the delimiter, and whether `"` quotes, under which the sampled
/// records most consistently have two or more fields; ties go to
/// `preferred`, then `,` `\t` `;` `|`, and to quoting.
fn sniff_dialect(buf: &[u8], start: usize, preferred: u8) -> Dialect {
    let mut best = (0, Dialect::from(preferred));
    let order =
        std::iter::once(preferred).chain(DELIMITERS.into_iter().filter(|d| *d != preferred));
    for delimiter in order {
        for quoting in [true, false] {
            let dialect = Dialect { delimiter, quoting };
            let (records, _) = sample_records(buf, start, dialect, 50);
            let (width, n) = mode_width(&records);
            let score = if width >= 2 { n } else { 0 };
            if score > best.0 {
                best = (score, dialect);
            }
        }
    }
    best.1
}

/// Whether the file quotes fields: yes unless a sampled quoted field has
/// text after its closing quote (`"a" b`, a sign of a file written without
/// quoting); for `|` and tab, only when some field is properly quoted.
fn uses_quoting(buf: &[u8], start: usize, delimiter: u8) -> bool {
    let mut record = Record::default();
    let (mut pos, mut quoted, mut loose) = (start, 0, 0);
    for _ in 0..SAMPLE_RECORDS {
        let Some(end) = record_end(buf, pos, delimiter) else {
            break;
        };
        record.parse(buf, pos, end, delimiter);
        quoted += record.quoted_fields;
        loose += record.loose_quotes;
        pos = end;
    }
    loose == 0 && (quoted > 0 || matches!(delimiter, b',' | b';'))
}

/// 2000-01-01T00:00:00Z: guessed time columns must hold times after it.
const PLAUSIBLE_SINCE: i64 = 946_684_800;

/// The words of a column name, lowercased: `firstpost_date` → firstpost,
/// date; `createdAt` → created, at.
fn name_tokens(name: &str) -> impl Iterator<Item = String> + '_ {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            words.push(std::mem::take(&mut cur));
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower {
            words.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_lowercase();
        cur.extend(c.to_lowercase());
    }
    words.push(cur);
    words.into_iter().filter(|w| !w.is_empty())
}

/// True for a value that looks like a large integer (a post or user id).
fn is_large_integer(v: &str) -> bool {
    let v = v.trim();
    v.len() >= 6 && v.bytes().all(|b| b.is_ascii_digit())
}

/// Whether the first record is a header: no field parses as a time or is a
/// large number, and none is long free text.
fn looks_like_header(first: &[String], time: &TimeParser) -> bool {
    first.iter().all(|f| {
        let f = f.trim();
        f.len() <= 100 && !is_large_integer(f) && (f.is_empty() || time.parse(f).is_err())
    })
}

/// Share of the non-empty sampled values of column `i` for which `test` holds.
fn share(records: &[Vec<String>], i: usize, test: impl Fn(&str) -> bool) -> f64 {
    let values: Vec<&str> = records
        .iter()
        .filter_map(|r| r.get(i))
        .map(|v| v.trim())
        .filter(|v| !v.is_empty() && *v != "None" && *v != "null")
        .collect();
    if values.is_empty() {
        return 0.0;
    }
    values.iter().filter(|v| test(v)).count() as f64 / values.len() as f64
}

/// Reads what precedes the records (a header row, if the file has one),
/// reading more of `reader` into `head` when the first records are not
/// whole, and resolves the columns by name, by position, or from content.
pub(crate) fn prepare(
    start: usize,
    head: &mut Vec<u8>,
    reader: &mut dyn Read,
    opts: &CsvOptions<'_>,
) -> Result<Prepared> {
    let name = opts.name;
    // The first record must be whole to be judged.
    let guess = opts.delimiter.unwrap_or(opts.preferred);
    loop {
        if record_end(head, start, guess).is_some() {
            break;
        }
        let before = head.len();
        reader
            .take(1 << 20)
            .read_to_end(head)
            .map_err(|e| read_error(e, name))?;
        if head.len() == before {
            break;
        }
    }
    let sniffed = sniff_dialect(head, start, opts.delimiter.unwrap_or(opts.preferred));
    let delimiter = opts.delimiter.unwrap_or(sniffed.delimiter);
    let dialect = Dialect {
        delimiter,
        quoting: sniffed.quoting && uses_quoting(head, start, delimiter),
    };
    let (records, ends) = sample_records(head, start, dialect, SAMPLE_RECORDS);
    let tail_empty = head[start..].iter().all(|b| b.is_ascii_whitespace());
    let Some(first) = records.first() else {
        return Err(Error::new(ErrorKind::Input {
            file: name.to_owned(),
            message: if tail_empty {
                "empty file, nothing to read".into()
            } else {
                "no complete record in the first bytes: not delimited text?".into()
            },
        }));
    };
    let header_given = [
        &opts.columns.text,
        &opts.columns.time,
        &opts.columns.author,
        &opts.columns.id,
    ]
    .into_iter()
    .flatten()
    .any(|c| first.iter().any(|f| f.trim() == c.as_str()));
    let has_header = header_given || looks_like_header(first, opts.time);
    let (names, data, consumed) = if has_header {
        let names: Vec<String> = first.iter().map(|f| f.trim().to_owned()).collect();
        (names, &records[1..], ends[0])
    } else {
        let (width, _) = mode_width(&records);
        let width = width.max(first.len());
        (
            (1..=width).map(|i| i.to_string()).collect(),
            &records[..],
            start,
        )
    };
    let schema = CsvSchema::resolve(&names, data, has_header, dialect, opts)?;
    let lines = memchr::memchr_iter(b'\n', &head[..consumed]).count() as u64;
    Ok(Prepared {
        schema: Schema::Csv(schema),
        start: consumed,
        lines,
    })
}

fn find_column(header: &[String], wanted: &str) -> Option<usize> {
    header
        .iter()
        .position(|h| h == wanted)
        .or_else(|| header.iter().position(|h| h.eq_ignore_ascii_case(wanted)))
}

/// Resolves a user-named column: by name, else as a 1-based position.
fn named_column(header: &[String], name: &str, role: &str, file: &str) -> Result<usize> {
    if let Some(i) = find_column(header, name) {
        return Ok(i);
    }
    match name.parse::<usize>() {
        Ok(n) if n >= 1 && n <= header.len() => Ok(n - 1),
        _ => Err(Error::config(format!(
            "{file}: no {role} column named \"{name}\"; the columns are: {}",
            header.join(", ")
        ))),
    }
}

fn detect_column(header: &[String], names: &[&str]) -> Option<usize> {
    names.iter().find_map(|n| find_column(header, n))
}

impl CsvSchema {
    /// Resolves every role: the user's column, else a known name, else
    /// (times) a name containing date/time/created whose values parse, else
    /// (files without a header) the content of the sampled records.
    fn resolve(
        names: &[String],
        data: &[Vec<String>],
        has_header: bool,
        dialect: Dialect,
        opts: &CsvOptions<'_>,
    ) -> Result<Self> {
        let file = opts.name;
        let given = |c: &Option<String>, role: &str| -> Result<Option<usize>> {
            c.as_deref()
                .map(|n| named_column(names, n, role, file))
                .transpose()
        };
        let by_name = |list: &[&str]| {
            if has_header {
                detect_column(names, list)
            } else {
                None
            }
        };
        // A column guessed to hold times must hold plausible post times:
        // small numbers (a `sentiment` of -3) parse as epochs in 1970.
        let parses = |v: &str| opts.time.parse(v).is_ok_and(|t| t >= PLAUSIBLE_SINCE);

        let time = given(&opts.columns.time, "time")?
            .or_else(|| by_name(TIME_NAMES))
            .or_else(|| {
                if has_header {
                    // Names that suggest a time, in header order: the first whose values parse.
                    names.iter().enumerate().find_map(|(i, n)| {
                        let hinted = name_tokens(n).any(|t| {
                            matches!(
                                t.as_str(),
                                "date" | "time" | "timestamp" | "datetime" | "created" | "posted"
                            )
                        });
                        (hinted && share(data, i, parses) >= 0.5).then_some(i)
                    })
                } else {
                    (0..names.len())
                        .map(|i| (i, share(data, i, parses)))
                        .filter(|&(_, s)| s >= 0.8)
                        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
                        .map(|(i, _)| i)
                }
            });
        let id = given(&opts.columns.id, "id")?
            .or_else(|| by_name(ID_NAMES))
            .or_else(|| {
                (!has_header)
                    .then(|| {
                        (0..names.len())
                            .find(|&i| Some(i) != time && share(data, i, is_large_integer) >= 0.9)
                    })
                    .flatten()
            });
        let text = given(&opts.columns.text, "text")?
            .or_else(|| by_name(TEXT_NAMES))
            .or_else(|| {
                if has_header {
                    return None;
                }
                // The long free-text column.
                (0..names.len())
                    .filter(|&i| Some(i) != time && Some(i) != id)
                    .map(|i| {
                        let lens: Vec<usize> = data
                            .iter()
                            .filter_map(|r| r.get(i))
                            .map(|v| v.chars().count())
                            .collect();
                        (
                            i,
                            lens.iter().sum::<usize>() as f64 / lens.len().max(1) as f64,
                        )
                    })
                    .filter(|&(i, len)| {
                        len >= 10.0
                            && share(data, i, |v| !v.bytes().all(|b| b.is_ascii_digit())) > 0.5
                    })
                    .max_by(|a, b| a.1.total_cmp(&b.1))
                    .map(|(i, _)| i)
            });
        let missing = |role: &str, list: &[&str], flag: &str| {
            let looked = if has_header {
                format!(
                    "looked for {} in the header ({})",
                    list.join(", "),
                    names.join(", ")
                )
            } else {
                "the file has no header and no column's content fits".to_owned()
            };
            Error::new(ErrorKind::Input {
                file: file.to_owned(),
                message: format!("no {role} column: {looked}; name it with {flag}"),
            })
        };
        let text = text.ok_or_else(|| missing("text", TEXT_NAMES, "--text-column"))?;
        if time.is_none() && !opts.time_from_id {
            return Err(missing(
                "time",
                TIME_NAMES,
                "--time-column (or use --time-from-id)",
            ));
        }
        let author = given(&opts.columns.author, "author")?.or_else(|| by_name(AUTHOR_NAMES));
        let repost = by_name(REPOST_NAMES)
            .map(Repost::Flag)
            .or_else(|| by_name(&["referenced_tweets.retweeted.id"]).map(Repost::Reference))
            .or_else(|| by_name(&["tweet_type"]).map(Repost::Type));
        let tags = by_name(TAG_LIST_NAMES);
        let needed = [Some(text), time, author, id]
            .into_iter()
            .flatten()
            .max()
            .unwrap_or(0);
        Ok(CsvSchema {
            dialect,
            text,
            time,
            author,
            id,
            repost,
            tags,
            needed,
            width: names.len(),
            text_takes_rest: text + 1 == names.len(),
            ragged: Arc::new(AtomicU64::new(0)),
            unescape: looks_escaped(data.iter().filter_map(|r| r.get(text)).map(String::as_str)),
        })
    }

    /// The delimiter and quoting the file uses.
    pub(crate) fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// Records that had more fields than the header and kept the rest of
    /// their line in the text column.
    pub(crate) fn ragged(&self) -> u64 {
        self.ragged.load(Ordering::Relaxed)
    }

    pub(crate) fn for_each_record(
        &self,
        chunk: &[u8],
        limit: usize,
        f: &mut impl FnMut(RecordPos, std::result::Result<Fields<'_>, Bad>),
    ) -> Scanned {
        let mut record = Record::default();
        let mut utf8 = Utf8Ahead::default();
        let mut pos = 0;
        let mut line = 0u64;
        while pos < limit.min(chunk.len()) {
            let (end, complete) = record.parse_next(chunk, pos, self.dialect);
            let at = RecordPos {
                offset: pos,
                end,
                line,
            };
            let ends_with_lf = chunk[end - 1] == b'\n';
            line += record.inner_newlines + u64::from(ends_with_lf);
            pos = end;
            if !complete {
                line = line.max(memchr::memchr_iter(b'\n', &chunk[..end]).count() as u64);
                f(
                    at,
                    Err(Bad {
                        reason: SkipReason::MalformedRecord,
                        detail: "a quoted field is not closed before the end of the input".into(),
                    }),
                );
                continue;
            }
            if record.len() == 1
                && record
                    .field(chunk, 0)
                    .is_some_and(|v| v.iter().all(|b| b.is_ascii_whitespace()))
            {
                continue; // A blank line: not a record.
            }
            if record.len() <= self.needed {
                f(
                    at,
                    Err(Bad {
                        reason: SkipReason::MalformedRecord,
                        detail: format!(
                            "{} fields, expected at least {}",
                            record.len(),
                            self.needed + 1
                        ),
                    }),
                );
                continue;
            }
            let mut lossy = false;
            let valid = utf8.valid(chunk, at.offset, end);
            let text_bytes = if self.text_takes_rest && record.len() > self.width {
                self.ragged.fetch_add(1, Ordering::Relaxed);
                let from = record.field_start(self.text);
                let mut to = end;
                while to > from && matches!(chunk[to - 1], b'\n' | b'\r') {
                    to -= 1;
                }
                Some(Cow::Borrowed(&chunk[from..to]))
            } else {
                record.field(chunk, self.text)
            };
            let mut get = |i: Option<usize>| {
                i.and_then(|i| record.field(chunk, i))
                    .map(|b| decode(b, valid, &mut lossy))
                    .and_then(non_empty)
            };
            let time = get(self.time);
            let author = get(self.author);
            let id = get(self.id);
            let repost = match self.repost {
                Some(Repost::Flag(i)) => get(Some(i)).is_some_and(|v| json::is_truthy(&v)),
                Some(Repost::Reference(i)) => get(Some(i)).is_some(),
                Some(Repost::Type(i)) => {
                    get(Some(i)).is_some_and(|v| v.trim().eq_ignore_ascii_case("retweet"))
                }
                None => false,
            };
            let tags = self.tags.and_then(|i| record.field(chunk, i)).map(|b| {
                let list = decode(b, valid, &mut lossy);
                parse_tag_list(&list)
            });
            let text = text_bytes
                .map(|b| decode(b, valid, &mut lossy))
                .and_then(non_empty)
                .map(|t| {
                    if !self.unescape {
                        return t;
                    }
                    match unescape_html(&t) {
                        Cow::Owned(u) => Cow::Owned(u),
                        Cow::Borrowed(_) => t,
                    }
                });
            f(
                at,
                Ok(Fields {
                    text,
                    time,
                    author,
                    id,
                    repost,
                    lossy,
                    tags,
                }),
            );
        }
        Scanned {
            lines: line,
            end: pos,
        }
    }
}

/// Reads a hashtag-list cell as exports write it: a Python or JSON list
/// (`['BCSM', 'T1D']`, `["#BCSM"]`, a JSON list of objects with `tag` or
/// `text`), or tags separated by spaces, `~`, `,`, `;` or `|`. Signs are
/// dropped; `None`, `null` and empty cells are an empty list.
pub(crate) fn parse_tag_list(cell: &str) -> Vec<Cow<'static, str>> {
    let cell = cell.trim();
    if cell.is_empty() || cell == "None" || cell == "null" || cell == "[]" {
        return Vec::new();
    }
    let strip = |t: &str| -> Option<Cow<'static, str>> {
        let t = t.trim().trim_start_matches(['#', '＃']).trim();
        (!t.is_empty()).then(|| Cow::Owned(t.to_owned()))
    };
    if cell.starts_with('[') {
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(cell)
            && let Some(items) = v.as_array()
        {
            return items
                .iter()
                .filter_map(|item| match item {
                    serde_json::Value::String(s) => strip(s),
                    serde_json::Value::Object(o) => o
                        .get("tag")
                        .or_else(|| o.get("text"))
                        .and_then(|t| t.as_str())
                        .and_then(strip),
                    _ => None,
                })
                .collect();
        }
        // A Python list literal: quoted items, single or double quotes.
        let inner = cell.trim_start_matches('[').trim_end_matches(']');
        return inner
            .split(',')
            .filter_map(|item| strip(item.trim().trim_matches(['\'', '"'])))
            .collect();
    }
    cell.split(|c: char| c.is_whitespace() || matches!(c, '~' | ',' | ';' | '|'))
        .filter_map(strip)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The one-pass parser ends records where `record_end` does (chunk
        /// starts are found with it) and finds the same fields as `parse`.
        #[test]
        fn one_pass_parse_equals_end_then_parse(
            input in "[a\",\n\r;]{0,40}",
            quoting in proptest::bool::ANY,
        ) {
            let buf = input.as_bytes();
            let dialect = Dialect { delimiter: b',', quoting };
            let mut pos = 0;
            while pos < buf.len() {
                let mut one = Record::default();
                let (end, complete) = one.parse_next(buf, pos, dialect);
                let expected_end = record_end(buf, pos, dialect).unwrap_or(buf.len());
                proptest::prop_assert_eq!(end, expected_end);
                let mut two = Record::default();
                let complete_two = two.parse(buf, pos, expected_end, dialect);
                proptest::prop_assert_eq!(complete, complete_two);
                if complete {
                    proptest::prop_assert_eq!(one.len(), two.len());
                    for i in 0..one.len() {
                        proptest::prop_assert_eq!(one.field(buf, i), two.field(buf, i));
                    }
                    proptest::prop_assert_eq!(one.inner_newlines, two.inner_newlines);
                    proptest::prop_assert_eq!(one.loose_quotes, two.loose_quotes);
                }
                pos = end;
            }
        }
    }

    #[test]
    fn utf8_checked_ahead_flags_exactly_the_bad_records() {
        // Records of every length around the block size, one in seven with
        // a byte that is not UTF-8, one in five with a character cut by the
        // end of a block if blocks fell there.
        let mut buf = Vec::new();
        let mut records = Vec::new();
        for i in 0..400usize {
            let start = buf.len();
            buf.extend(std::iter::repeat_n(b'a', i * 331 % 2000));
            if i % 5 == 0 {
                buf.extend_from_slice("é健".as_bytes());
            }
            if i % 7 == 3 {
                buf.push(0xE9);
            }
            buf.push(b'\n');
            records.push((start, buf.len(), i % 7 != 3));
        }
        let mut ahead = Utf8Ahead::default();
        for &(start, end, valid) in &records {
            assert_eq!(ahead.valid(&buf, start, end), valid, "record at {start}");
            assert_eq!(std::str::from_utf8(&buf[start..end]).is_ok(), valid);
        }
    }

    fn fields(line: &str) -> Vec<String> {
        let buf = line.as_bytes();
        let end = record_end(buf, 0, b',').unwrap_or(buf.len());
        let mut r = Record::default();
        assert!(r.parse(buf, 0, end, b','));
        (0..r.len())
            .map(|i| String::from_utf8(r.field(buf, i).unwrap().into_owned()).unwrap())
            .collect()
    }

    #[test]
    fn plain_and_quoted_fields() {
        assert_eq!(fields("a,b,c\n"), ["a", "b", "c"]);
        assert_eq!(fields("a,,c\r\n"), ["a", "", "c"]);
        assert_eq!(
            fields("\"x, y\",\"say \"\"hi\"\"\",z\n"),
            ["x, y", "say \"hi\"", "z"]
        );
        assert_eq!(fields("\"\",b"), ["", "b"]);
        assert_eq!(fields("ab\"c,d\n"), ["ab\"c", "d"]);
        assert_eq!(fields("\"ab\"c,d\n"), ["abc", "d"]);
    }

    #[test]
    fn embedded_newlines_stay_in_the_record() {
        let buf = b"1,\"line one\nline two\r\n#BCSM\",x\n2,b,c\n";
        let end = record_end(buf, 0, b',').unwrap();
        assert_eq!(&buf[end..], b"2,b,c\n");
        let mut r = Record::default();
        assert!(r.parse(buf, 0, end, b','));
        assert_eq!(r.inner_newlines, 2);
        assert_eq!(&*r.field(buf, 1).unwrap(), b"line one\nline two\r\n#BCSM");
    }

    #[test]
    fn unterminated_quote_is_incomplete() {
        let buf = b"1,\"never closed\n2,b\n";
        assert_eq!(record_end(buf, 0, b','), None);
        let mut r = Record::default();
        assert!(!r.parse(buf, 0, buf.len(), b','));
    }

    #[test]
    fn other_delimiters() {
        let buf = b"a;\"b;c\";d\n";
        let end = record_end(buf, 0, b';').unwrap();
        let mut r = Record::default();
        assert!(r.parse(buf, 0, end, b';'));
        assert_eq!(r.len(), 3);
        assert_eq!(&*r.field(buf, 1).unwrap(), b"b;c");
    }
}
