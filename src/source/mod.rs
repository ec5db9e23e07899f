//! Sources: reading post exports (CSV, JSON lines) into fields.
//!
//! A file's format comes from its extension (`.csv`, `.tsv`, `.jsonl`,
//! `.ndjson`, `.json`), else from its first bytes (`{` starts JSON lines).
//! Columns for text, time, author, post id and the repost flag are found by
//! their common names ([`TEXT_NAMES`] and friends) or named by the user with
//! [`Columns`]. Input is read in chunks that end on record boundaries
//! ([`batch`]), so worker threads can parse chunks independently.

pub mod batch;
pub(crate) mod csv;
pub(crate) mod jsonl;

use std::borrow::Cow;
use std::path::Path;
use std::str::FromStr;

use serde_json::value::RawValue;

use crate::diagnostics::SkipReason;
use crate::error::{Error, ErrorKind, Result};

/// Column names tried, in order, for the post text (case-insensitive).
pub const TEXT_NAMES: &[&str] = &["full_text", "text", "tweet", "content", "body", "message"];
/// Column names tried, in order, for the post time.
pub const TIME_NAMES: &[&str] = &["created_at", "date", "timestamp", "time", "created_utc"];
/// Column names tried, in order, for the author. For JSON, `user.id_str`
/// (Twitter API v1.1) is tried right after `author_id`.
pub const AUTHOR_NAMES: &[&str] = &[
    "author_id",
    "user_id",
    "user",
    "username",
    "user_name",
    "screen_name",
    "author",
];
/// Column names tried, in order, for the post id.
pub const ID_NAMES: &[&str] = &["id_str", "id", "tweet_id", "post_id"];
/// Column names of a repost flag (`true`, `1`, `yes` mean a repost).
pub const REPOST_NAMES: &[&str] = &["is_retweet", "retweet", "is_repost"];

/// The layout of an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Delimited text with a header row.
    Csv {
        /// The field delimiter (`,` by default).
        delimiter: u8,
    },
    /// One JSON object per line.
    JsonLines,
}

impl FromStr for Format {
    type Err = Error;
    fn from_str(s: &str) -> Result<Format> {
        match s.to_ascii_lowercase().as_str() {
            "csv" => Ok(Format::Csv { delimiter: b',' }),
            "tsv" => Ok(Format::Csv { delimiter: b'\t' }),
            "jsonl" | "ndjson" | "json" => Ok(Format::JsonLines),
            _ => Err(Error::config(format!(
                "unknown format \"{s}\": expected csv, tsv or jsonl"
            ))),
        }
    }
}

impl Format {
    /// Guesses the format from a file name's extension, if it tells.
    pub fn from_extension(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(Format::Csv { delimiter: b',' }),
            "tsv" | "tab" => Some(Format::Csv { delimiter: b'\t' }),
            "jsonl" | "ndjson" | "json" => Some(Format::JsonLines),
            _ => None,
        }
    }

    /// Guesses the format from the first bytes: an object (`{`, after any
    /// byte-order mark and whitespace) means JSON lines, anything else CSV.
    pub fn sniff(head: &[u8]) -> Format {
        let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
        match head.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'{') => Format::JsonLines,
            _ => Format::Csv { delimiter: b',' },
        }
    }
}

/// Columns named by the user; `None` means "detect from common names".
///
/// For CSV a name is matched exactly, then case-insensitively; for JSON it
/// is a key or a dotted path (`user.id_str`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Columns {
    /// The post text.
    pub text: Option<String>,
    /// The post time.
    pub time: Option<String>,
    /// The author (any stable id or handle).
    pub author: Option<String>,
    /// The post id, used to drop duplicates.
    pub id: Option<String>,
}

/// The fields of one record that hashtrend uses.
#[derive(Debug, Default)]
pub(crate) struct Fields<'a> {
    pub text: Option<Cow<'a, str>>,
    pub time: Option<Cow<'a, str>>,
    pub author: Option<Cow<'a, str>>,
    pub id: Option<Cow<'a, str>>,
    /// The record says it is a repost (a flag column, `retweeted_status`, a
    /// v2 `retweeted` reference). An `RT @name:` text prefix is checked later.
    pub repost: bool,
    /// Some field was not valid UTF-8 and was decoded lossily.
    pub lossy: bool,
}

/// A record that could not be read.
#[derive(Debug)]
pub(crate) struct Bad {
    pub reason: SkipReason,
    pub detail: String,
}

/// Where a record starts inside its chunk.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RecordPos {
    pub offset: usize,
    pub line: u64,
}

/// How to read the records of one input, resolved from its header (CSV) or
/// from the column settings (JSON).
#[derive(Debug, Clone)]
pub(crate) enum Schema {
    Csv(CsvSchema),
    Json(JsonSchema),
}

#[derive(Debug, Clone)]
pub(crate) struct CsvSchema {
    delimiter: u8,
    text: usize,
    time: usize,
    author: Option<usize>,
    id: Option<usize>,
    repost: Option<usize>,
    /// The highest column index read: a record with fewer fields is malformed.
    needed: usize,
}

#[derive(Debug, Clone)]
pub(crate) struct JsonSchema {
    /// Top-level keys to keep.
    keys: Vec<String>,
    text: Vec<Vec<String>>,
    time: Vec<Vec<String>>,
    author: Vec<Vec<String>>,
    id: Vec<Vec<String>>,
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
        _ => Err(Error::new(ErrorKind::Input {
            file: file.to_owned(),
            message: format!(
                "no {role} column named \"{name}\"; the header has: {}",
                header.join(", ")
            ),
        })),
    }
}

fn detect_column(header: &[String], names: &[&str]) -> Option<usize> {
    names.iter().find_map(|n| find_column(header, n))
}

impl CsvSchema {
    /// Resolves the columns of a CSV file from its header fields.
    pub(crate) fn new(
        header: &[String],
        delimiter: u8,
        columns: &Columns,
        file: &str,
    ) -> Result<Self> {
        let resolve =
            |given: &Option<String>, names: &[&str], role: &str| -> Result<Option<usize>> {
                match given {
                    Some(name) => named_column(header, name, role, file).map(Some),
                    None => Ok(detect_column(header, names)),
                }
            };
        let required =
            |i: Option<usize>, role: &str, names: &[&str], flag: &str| -> Result<usize> {
                i.ok_or_else(|| {
                Error::new(ErrorKind::Input {
                    file: file.to_owned(),
                    message: format!(
                        "no {role} column: looked for {} in the header ({}); name it with {flag}",
                        names.join(", "),
                        header.join(", ")
                    ),
                })
            })
            };
        let text = required(
            resolve(&columns.text, TEXT_NAMES, "text")?,
            "text",
            TEXT_NAMES,
            "--text-column",
        )?;
        let time = required(
            resolve(&columns.time, TIME_NAMES, "time")?,
            "time",
            TIME_NAMES,
            "--time-column",
        )?;
        let author = resolve(&columns.author, AUTHOR_NAMES, "author")?;
        let id = resolve(&columns.id, ID_NAMES, "id")?;
        let repost = detect_column(header, REPOST_NAMES);
        let needed = [Some(text), Some(time), author, id]
            .into_iter()
            .flatten()
            .max()
            .unwrap_or(0);
        Ok(CsvSchema {
            delimiter,
            text,
            time,
            author,
            id,
            repost,
            needed,
        })
    }
}

/// Splits a dotted path; a name without dots is a one-step path.
fn split_path(p: &str) -> Vec<String> {
    p.split('.').map(str::to_owned).collect()
}

impl JsonSchema {
    /// Builds the JSON lookups: the user's path for a role, else the common
    /// names (with Twitter v1.1's `extended_tweet.full_text` and
    /// `user.id_str` in their place).
    pub(crate) fn new(columns: &Columns) -> Self {
        let role = |given: &Option<String>, defaults: Vec<&str>| -> Vec<Vec<String>> {
            match given {
                Some(p) => vec![split_path(p)],
                None => defaults.into_iter().map(split_path).collect(),
            }
        };
        let mut text_defaults = vec!["full_text", "extended_tweet.full_text"];
        text_defaults.extend(TEXT_NAMES.iter().filter(|n| **n != "full_text"));
        let mut author_defaults = vec!["author_id", "user.id_str"];
        author_defaults.extend(AUTHOR_NAMES.iter().filter(|n| **n != "author_id"));
        let text = role(&columns.text, text_defaults);
        let time = role(&columns.time, TIME_NAMES.to_vec());
        let author = role(&columns.author, author_defaults);
        let id = role(&columns.id, ID_NAMES.to_vec());
        let mut keys: Vec<String> = Vec::new();
        for p in text.iter().chain(&time).chain(&author).chain(&id) {
            if !keys.contains(&p[0]) {
                keys.push(p[0].clone());
            }
        }
        for k in ["retweeted_status", "referenced_tweets"]
            .iter()
            .chain(REPOST_NAMES)
        {
            if !keys.iter().any(|x| x == k) {
                keys.push((*k).to_owned());
            }
        }
        JsonSchema {
            keys,
            text,
            time,
            author,
            id,
        }
    }

    fn lookup<'a>(
        &self,
        raws: &[Option<&'a RawValue>],
        paths: &[Vec<String>],
    ) -> Option<Cow<'a, str>> {
        paths.iter().find_map(|p| {
            let i = self.keys.iter().position(|k| *k == p[0])?;
            let raw = raws[i]?;
            let rest: Vec<&str> = p[1..].iter().map(String::as_str).collect();
            jsonl::text(jsonl::path(raw, &rest)?)
        })
    }

    fn raw<'a>(&self, raws: &[Option<&'a RawValue>], key: &str) -> Option<&'a RawValue> {
        let i = self.keys.iter().position(|k| k == key)?;
        raws[i]
    }
}

fn decode<'a>(bytes: Cow<'a, [u8]>, lossy: &mut bool) -> Cow<'a, str> {
    match bytes {
        Cow::Borrowed(b) => match std::str::from_utf8(b) {
            Ok(s) => Cow::Borrowed(s),
            Err(_) => {
                *lossy = true;
                String::from_utf8_lossy(b)
            }
        },
        Cow::Owned(v) => match String::from_utf8(v) {
            Ok(s) => Cow::Owned(s),
            Err(e) => {
                *lossy = true;
                Cow::Owned(String::from_utf8_lossy(e.as_bytes()).into_owned())
            }
        },
    }
}

fn non_empty(s: Cow<'_, str>) -> Option<Cow<'_, str>> {
    let t = s.trim();
    if t.is_empty() || t == "null" || t == "None" {
        None
    } else {
        Some(s)
    }
}

/// Decodes the HTML entities `&amp;`, `&lt;` and `&gt;` once, as Twitter's API
/// escapes them in post text. Other entities are left alone.
///
/// # Example
/// ```
/// assert_eq!(hashtrend::source::unescape_html("Q&amp;A &amp;#BCSM"), "Q&A &#BCSM");
/// ```
pub fn unescape_html(text: &str) -> Cow<'_, str> {
    if memchr::memchr(b'&', text.as_bytes()).is_none() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let (ch, len) = if tail.starts_with("&amp;") {
            ('&', 5)
        } else if tail.starts_with("&lt;") {
            ('<', 4)
        } else if tail.starts_with("&gt;") {
            ('>', 4)
        } else {
            ('&', 1)
        };
        out.push(ch);
        rest = &tail[len..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

impl Schema {
    /// Calls `f` for every record of `chunk` (which starts on a record
    /// boundary) and returns the number of line feeds in the chunk.
    pub(crate) fn for_each_record(
        &self,
        chunk: &[u8],
        mut f: impl FnMut(RecordPos, std::result::Result<Fields<'_>, Bad>),
    ) -> u64 {
        match self {
            Schema::Csv(s) => s.for_each_record(chunk, &mut f),
            Schema::Json(s) => s.for_each_record(chunk, &mut f),
        }
    }
}

impl CsvSchema {
    fn for_each_record(
        &self,
        chunk: &[u8],
        f: &mut impl FnMut(RecordPos, std::result::Result<Fields<'_>, Bad>),
    ) -> u64 {
        let mut record = csv::Record::default();
        let mut pos = 0;
        let mut line = 0u64;
        while pos < chunk.len() {
            let end = csv::record_end(chunk, pos, self.delimiter).unwrap_or(chunk.len());
            let at = RecordPos { offset: pos, line };
            let complete = record.parse(chunk, pos, end, self.delimiter);
            let ends_with_lf = chunk[end - 1] == b'\n';
            line += record.inner_newlines + u64::from(ends_with_lf);
            if !complete {
                line = line.max(memchr::memchr_iter(b'\n', &chunk[..end]).count() as u64);
                f(
                    at,
                    Err(Bad {
                        reason: SkipReason::MalformedRecord,
                        detail: "a quoted field is not closed before the end of the input".into(),
                    }),
                );
            } else if record.len() == 1
                && record
                    .field(chunk, 0)
                    .is_some_and(|v| v.iter().all(|b| b.is_ascii_whitespace()))
            {
                // A blank line: not a record.
            } else if record.len() <= self.needed {
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
            } else {
                let mut lossy = false;
                let mut get = |i: Option<usize>| {
                    i.and_then(|i| record.field(chunk, i))
                        .map(|b| decode(b, &mut lossy))
                        .and_then(non_empty)
                };
                let fields = Fields {
                    text: get(Some(self.text)),
                    time: get(Some(self.time)),
                    author: get(self.author),
                    id: get(self.id),
                    repost: get(self.repost).is_some_and(|v: Cow<'_, str>| jsonl::is_truthy(&v)),
                    lossy,
                };
                f(at, Ok(fields));
            }
            pos = end;
        }
        line
    }
}

impl JsonSchema {
    fn for_each_record(
        &self,
        chunk: &[u8],
        f: &mut impl FnMut(RecordPos, std::result::Result<Fields<'_>, Bad>),
    ) -> u64 {
        let keys: Vec<&str> = self.keys.iter().map(String::as_str).collect();
        let mut pos = 0;
        let mut line = 0u64;
        while pos < chunk.len() {
            let end = memchr::memchr(b'\n', &chunk[pos..]).map_or(chunk.len(), |i| pos + i + 1);
            let at = RecordPos { offset: pos, line };
            line += u64::from(chunk[end - 1] == b'\n');
            let raw_line = &chunk[pos..end];
            pos = end;
            let trimmed = raw_line.trim_ascii();
            if trimmed.is_empty() {
                continue;
            }
            let mut lossy = false;
            let text = decode(Cow::Borrowed(trimmed), &mut lossy);
            let mut raws: Vec<Option<&RawValue>> = vec![None; keys.len()];
            if let Err(e) = jsonl::pick(&text, &keys, &mut raws) {
                f(
                    at,
                    Err(Bad {
                        reason: SkipReason::InvalidJson,
                        detail: e.to_string(),
                    }),
                );
                continue;
            }
            let repost = self
                .raw(&raws, "retweeted_status")
                .is_some_and(jsonl::present)
                || self
                    .raw(&raws, "referenced_tweets")
                    .is_some_and(jsonl::has_retweeted_reference)
                || REPOST_NAMES
                    .iter()
                    .any(|k| self.raw(&raws, k).is_some_and(jsonl::truthy));
            let fields = Fields {
                text: self
                    .lookup(&raws, &self.text)
                    .map(|t| match unescape_html(&t) {
                        Cow::Borrowed(_) => t,
                        Cow::Owned(s) => Cow::Owned(s),
                    }),
                time: self.lookup(&raws, &self.time),
                author: self.lookup(&raws, &self.author),
                id: self.lookup(&raws, &self.id),
                repost,
                lossy,
            };
            f(at, Ok(fields));
        }
        line
    }
}
