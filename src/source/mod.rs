//! Sources: reading post exports (CSV, JSON lines, JSON arrays) into fields.
//!
//! A file's format comes from its extension (`.csv`, `.tsv`, `.jsonl`,
//! `.ndjson`), else from its first bytes ([`Format::sniff`]: `{` starts JSON
//! lines, `[` or `window.YTD.` a JSON array); `.json` and `.js` files are
//! told by their content. JSON records are read by platform (Twitter/X,
//! Mastodon, Bluesky, Reddit, or common names), told from each record's
//! keys.
//! Columns for text, time, author, post id and the repost flag are found by
//! their common names ([`TEXT_NAMES`] and friends) or named by the user with
//! [`Columns`]. Input is read in chunks that end on record boundaries
//! ([`batch`]), so worker threads can parse chunks independently.

pub mod batch;
pub(crate) mod csv;
pub(crate) mod json;
pub(crate) mod split;
// csv.rs still names the JSON module by its former name.
pub mod open;

use std::borrow::Cow;
use std::io::Read;
use std::path::Path;
use std::str::FromStr;

use crate::diagnostics::SkipReason;
use crate::error::{Error, ErrorKind, Result};

/// Column names tried, in order, for the post text (case-insensitive).
pub const TEXT_NAMES: &[&str] = &["full_text", "text", "tweet", "content", "body", "message"];
/// Column names tried, in order, for the post time.
pub const TIME_NAMES: &[&str] = &["created_at", "date", "timestamp", "time", "created_utc"];
/// Column names tried, in order, for the author: unique ids and handles
/// before display names (`user_name`). For JSON, `user.id_str` (Twitter API
/// v1.1) is tried right after `author_id`.
pub const AUTHOR_NAMES: &[&str] = &[
    "author_id",
    "user_id",
    "user",
    "username",
    "screen_name",
    "user_screen_name",
    "author.username",
    "trackback_author_nick",
    "user_name",
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
    /// One JSON object per line (a line holding an array of objects gives
    /// one record per element).
    JsonLines,
    /// A JSON document: one top-level array of objects (`[{…},{…}]`, on one
    /// line or pretty-printed over many), the X archive's `tweets.js`
    /// (`window.YTD.tweets.part0 = [ … ]`), or objects pretty-printed one
    /// after another. Each object is a record.
    JsonArray,
}

impl FromStr for Format {
    type Err = Error;
    fn from_str(s: &str) -> Result<Format> {
        match s.to_ascii_lowercase().as_str() {
            "csv" => Ok(Format::Csv { delimiter: b',' }),
            "tsv" => Ok(Format::Csv { delimiter: b'\t' }),
            "jsonl" | "ndjson" => Ok(Format::JsonLines),
            "json" | "json-array" | "js" => Ok(Format::JsonArray),
            _ => Err(Error::config(format!(
                "unknown format \"{s}\": expected csv, tsv, jsonl or json"
            ))),
        }
    }
}

impl Format {
    /// Guesses the format from a file name's extension, if it tells.
    ///
    /// `.json` and `.js` do not tell: tools write both JSON lines and JSON
    /// arrays under `.json`, so the content decides ([`Format::sniff`]).
    pub fn from_extension(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(Format::Csv { delimiter: b',' }),
            "tsv" | "tab" => Some(Format::Csv { delimiter: b'\t' }),
            "jsonl" | "ndjson" => Some(Format::JsonLines),
            _ => None,
        }
    }

    /// Guesses the format from the first bytes, after any byte-order mark
    /// and whitespace: `[` or `window.YTD.` (the X archive) start a JSON
    /// array; `{` starts JSON lines, unless that first object spans more
    /// than one line (pretty-printed JSON, read as [`Format::JsonArray`]);
    /// anything else is CSV.
    ///
    /// # Example
    /// ```
    /// use hashtrend::source::Format;
    ///
    /// assert_eq!(Format::sniff(b"[{\"text\": \"#a\"}]"), Format::JsonArray);
    /// assert_eq!(Format::sniff(b"window.YTD.tweets.part0 = ["), Format::JsonArray);
    /// assert_eq!(Format::sniff(b"{\"text\": \"#a\"}\n{\"text\": \"#b\"}\n"), Format::JsonLines);
    /// assert_eq!(Format::sniff(b"{\n  \"data\": []\n}\n"), Format::JsonArray);
    /// ```
    pub fn sniff(head: &[u8]) -> Format {
        let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
        let start = head.iter().position(|b| !b.is_ascii_whitespace());
        let head = &head[start.unwrap_or(head.len())..];
        match head.first() {
            Some(b'[') => Format::JsonArray,
            Some(b'{') => {
                // A JSON line never holds a raw line feed; a pretty-printed
                // object does. Look as far as the head goes.
                let end = json::scan::value_end(head, 0).unwrap_or(head.len());
                if memchr::memchr(b'\n', &head[..end]).is_some() {
                    Format::JsonArray
                } else {
                    Format::JsonLines
                }
            }
            _ if head.starts_with(b"window.YTD.") => Format::JsonArray,
            _ => Format::Csv { delimiter: b',' },
        }
    }
}

/// Where a post's hashtags come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TagsFrom {
    /// The platform's own hashtag list where the export has one (Twitter
    /// API entities, Mastodon `tags`, Bluesky tag facets and `tags[]`, the
    /// hashtag columns of twarc and Kaggle CSVs), else the text. The
    /// default: the platform's list is what the platform indexed, and it
    /// survives text that the export truncated (`RT @x: … #StayHom…`). Where
    /// a platform lists a tag once per post (Mastodon), occurrences equal
    /// posts; Bluesky's `tags[]` may hold tags that are not in the text.
    #[default]
    Auto,
    /// Always extract from the text.
    Text,
    /// Only the platform's list; posts without one have no tags.
    Field,
}

impl FromStr for TagsFrom {
    type Err = Error;
    fn from_str(s: &str) -> Result<TagsFrom> {
        match s {
            "auto" => Ok(TagsFrom::Auto),
            "text" => Ok(TagsFrom::Text),
            "field" => Ok(TagsFrom::Field),
            _ => Err(Error::config(format!(
                "unknown tag source \"{s}\": expected auto, text or field"
            ))),
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
    /// The platform's own list of the post's hashtags, without signs, when
    /// the export carries one (API entities, a hashtags column).
    pub tags: Option<Vec<Cow<'a, str>>>,
}

/// An input ready to be read in batches: how to read its records, and how
/// much of its head (byte-order mark, header row, prefix) was consumed.
pub(crate) struct Prepared {
    pub schema: Schema,
    /// Bytes of the head before the first record.
    pub start: usize,
    /// Line feeds in those bytes.
    pub lines: u64,
}

/// Reads what precedes the records (a header row, say) from `head`, reading
/// more from `reader` into `head` when needed, and resolves the schema.
pub(crate) fn prepare(
    format: Format,
    head: &mut Vec<u8>,
    reader: &mut dyn Read,
    opts: &PrepareOptions<'_>,
) -> Result<Prepared> {
    let bom = if head.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    match format {
        Format::JsonLines => Ok(Prepared {
            schema: Schema::Json(json::JsonSchema::new(opts.columns, json::Layout::Lines)),
            start: bom,
            lines: 0,
        }),
        Format::JsonArray => {
            // The X archive's `window.YTD.tweets.part0 = ` is JavaScript
            // before the array: skip through its `=`.
            let rest = &head[bom..];
            let lead = rest.len() - rest.trim_ascii_start().len();
            let start = if rest[lead..].starts_with(b"window.") {
                memchr::memchr(b'=', &rest[lead..]).map_or(bom, |i| bom + lead + i + 1)
            } else {
                bom
            };
            Ok(Prepared {
                schema: Schema::Json(json::JsonSchema::new(opts.columns, json::Layout::Document)),
                start,
                lines: memchr::memchr_iter(b'\n', &head[..start]).count() as u64,
            })
        }
        Format::Csv { delimiter } => {
            let csv_opts = csv::CsvOptions {
                delimiter: opts.delimiter,
                preferred: delimiter,
                columns: opts.columns,
                time: opts.time,
                time_from_id: opts.time_from_id,
                name: opts.name,
            };
            csv::prepare(bom, head, reader, &csv_opts)
        }
    }
}

/// The settings [`prepare`] needs.
pub(crate) struct PrepareOptions<'a> {
    /// The delimiter the user gave, if any (else it is sniffed).
    pub delimiter: Option<u8>,
    pub columns: &'a Columns,
    pub time: &'a crate::time::TimeParser,
    pub time_from_id: bool,
    pub name: &'a str,
}

/// The error for a failed read of input `name`.
pub(crate) fn read_error(source: std::io::Error, name: &str) -> Error {
    Error::new(ErrorKind::Io {
        path: name.into(),
        source,
    })
}

/// How much of a skipped row's first line diagnostics quote.
pub(crate) const EXCERPT_BYTES: usize = 100;

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
    /// One past the record's last byte (diagnostics quote only the record's
    /// own bytes, so what they show never depends on chunking).
    pub end: usize,
    pub line: u64,
}

/// What [`Schema::for_each_record`] read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Scanned {
    /// Line feeds in the records read.
    pub lines: u64,
    /// One past the last byte read: a record boundary.
    pub end: usize,
}

/// How to read the records of one input, resolved from its header (CSV) or
/// from the column settings (JSON).
#[derive(Debug, Clone)]
pub(crate) enum Schema {
    Csv(csv::CsvSchema),
    Json(json::JsonSchema),
}

/// Bytes as text: UTF-8 when valid, else read as Windows-1252 (the usual
/// encoding of spreadsheet exports that are not UTF-8), setting `lossy` so
/// the record is counted and the file warned about.
///
/// `valid` says the bytes are already known to be valid UTF-8 (see
/// [`Utf8Ahead`]): no check then.
#[inline]
pub(crate) fn decode<'a>(bytes: Cow<'a, [u8]>, valid: bool, lossy: &mut bool) -> Cow<'a, str> {
    if valid {
        return match bytes {
            // SAFETY: the caller checked these bytes (or a span holding
            // them, cut at ASCII bytes) to be valid UTF-8.
            Cow::Borrowed(b) => Cow::Borrowed(unsafe { std::str::from_utf8_unchecked(b) }),
            Cow::Owned(v) => Cow::Owned(unsafe { String::from_utf8_unchecked(v) }),
        };
    }
    decode_checked(bytes, lossy)
}

/// [`decode`] of bytes not known to be valid UTF-8.
#[inline(never)]
fn decode_checked<'a>(bytes: Cow<'a, [u8]>, lossy: &mut bool) -> Cow<'a, str> {
    let cp1252 = |b: &[u8]| {
        encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(b)
            .0
            .into_owned()
    };
    // Short values (ids, times, handles) are nearly always ASCII, checked
    // a word at a time; longer text goes to simdutf8, several times faster
    // than std on it. Only on failure does the slower path run.
    let valid = if bytes.len() <= 32 {
        bytes.is_ascii() || std::str::from_utf8(&bytes).is_ok()
    } else {
        simdutf8::basic::from_utf8(&bytes).is_ok()
    };
    if !valid {
        *lossy = true;
        return Cow::Owned(cp1252(&bytes));
    }
    match bytes {
        // SAFETY: just checked to be valid UTF-8.
        Cow::Borrowed(b) => Cow::Borrowed(unsafe { std::str::from_utf8_unchecked(b) }),
        Cow::Owned(v) => Cow::Owned(unsafe { String::from_utf8_unchecked(v) }),
    }
}

/// Checks UTF-8 a block at a time ahead of the records, instead of one
/// field at a time: a record inside a checked block needs no check of its
/// own (fields are cut at ASCII bytes, so each piece of a valid span is
/// valid). One `simdutf8` call per [`Self::BLOCK`] bytes instead of one per
/// field.
#[derive(Debug, Default)]
pub(crate) struct Utf8Ahead {
    /// `buf[checked.0..checked.1]` is valid UTF-8.
    checked: (usize, usize),
}

impl Utf8Ahead {
    /// Bytes checked at a time.
    const BLOCK: usize = 64 * 1024;

    /// Whether `buf[start..end]` is valid UTF-8, checking the block from
    /// `start` on when it was not checked yet. False says only that the
    /// record must be checked field by field.
    pub(crate) fn valid(&mut self, buf: &[u8], start: usize, end: usize) -> bool {
        if start >= self.checked.0 && end <= self.checked.1 {
            return true;
        }
        let stop = buf.len().min(start.saturating_add(Self::BLOCK).max(end));
        let Some(block) = buf.get(start..stop) else {
            return false;
        };
        let upto = match simdutf8::compat::from_utf8(block) {
            Ok(_) => block.len(),
            Err(e) => e.valid_up_to(),
        };
        self.checked = (start, start + upto);
        end <= self.checked.1
    }
}

/// The value, unless it means "missing" ([`is_placeholder`]).
#[inline]
pub(crate) fn non_empty(s: Cow<'_, str>) -> Option<Cow<'_, str>> {
    (!is_placeholder(&s)).then_some(s)
}

/// True for the placeholders that mean "no value": empty or blank text,
/// `null`, `None` (pandas), `[deleted]` and `[removed]` (Reddit), white
/// space around them ignored.
#[inline(always)]
pub(crate) fn is_placeholder(v: &str) -> bool {
    // Answered here, inline, for nearly every value: a visible ASCII byte
    // at an end is not trimmed, so the value is a placeholder only if that
    // end is one a placeholder has (`n`, `N` or `[` first; `l`, `e` or `]`
    // last), and, with visible bytes at both ends, only if it is 4 or 9
    // bytes long.
    let b = v.as_bytes();
    let (Some(&first), Some(&last)) = (b.first(), b.last()) else {
        return true;
    };
    let (f, l) = (first.is_ascii_graphic(), last.is_ascii_graphic());
    if (f && !matches!(first, b'n' | b'N' | b'['))
        || (l && !matches!(last, b'l' | b'e' | b']'))
        || (f && l && b.len() != 4 && b.len() != 9)
    {
        return false;
    }
    is_placeholder_trimmed(v)
}

/// [`is_placeholder`] of any value.
#[inline(never)]
fn is_placeholder_trimmed(v: &str) -> bool {
    matches!(v.trim(), "" | "null" | "None" | "[deleted]" | "[removed]")
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
    /// Calls `f` for every record of `data` (which starts on a record
    /// boundary) that starts before `limit`; a record that starts before
    /// `limit` is read whole, however far past `limit` it runs. Returns the
    /// number of line feeds in the records read and where they end: a
    /// record boundary, at or past `limit` (or the end of `data`).
    ///
    /// JSON documents (pretty-printed objects, arrays) are always read to
    /// the end of `data`.
    pub(crate) fn for_each_record(
        &self,
        data: &[u8],
        limit: usize,
        mut f: impl FnMut(RecordPos, std::result::Result<Fields<'_>, Bad>),
    ) -> Scanned {
        match self {
            Schema::Csv(s) => s.for_each_record(data, limit, &mut f),
            Schema::Json(s) => s.for_each_record(data, limit, &mut f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_values_with_and_without_white_space() {
        let kept = |s: &str| non_empty(Cow::Borrowed(s)).map(Cow::into_owned);
        for missing in [
            "",
            " ",
            "\u{a0}\u{2003}",
            "null",
            " null ",
            "None",
            "[deleted]",
            "\t[removed]\u{3000}",
            "\u{b}null",
        ] {
            assert_eq!(kept(missing), None, "{missing:?}");
        }
        // Values are kept as written, white space included.
        for value in [
            "a",
            "nul",
            "Null",
            " x ",
            "❤️",
            "null!",
            "\u{a0}é",
            "#BCSM 🎗",
            "abcd",
            "[deleted]?",
            "null\u{7f}",
            "nulll",
            "Nonee",
            "[removed",
            "n",
            "]",
        ] {
            assert_eq!(kept(value).as_deref(), Some(value), "{value:?}");
        }
    }

    #[test]
    fn the_placeholder_fast_path_answers_as_trimming_does() {
        // Every placeholder and near miss, with every mix of nothing, ASCII
        // and non-ASCII white space, and visible bytes around it.
        let cores = [
            "",
            "null",
            "None",
            "[deleted]",
            "[removed]",
            "nul",
            "ull",
            "x",
            "nulx",
        ];
        let ends = [
            "", " ", "\t", "\u{a0}", "\u{3000}", "a", "n", "l", "e", "]", "[", "é", "\u{7f}",
        ];
        for core in cores {
            for front in ends {
                for back in ends {
                    let v = format!("{front}{core}{back}");
                    assert_eq!(is_placeholder(&v), is_placeholder_trimmed(&v), "{v:?}");
                }
            }
        }
    }
}
