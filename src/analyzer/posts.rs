//! Turning the records of one chunk into bucketed, tagged posts: the part
//! of the pipeline that runs in parallel, one chunk per task.

use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};

use rustc_hash::FxHashMap;

use super::{Analyzer, Summary};
use crate::bucket::Bucketer;

use crate::count::{self, Local, PostParts, PostRecord, PostTags, RawTags, SHARDS, id_shard};
use crate::diagnostics::{Diagnostics, Skip, SkipReason};
use crate::error::Location;
use crate::hashtag::hashtags;
use crate::scan::{ZEROS, non_digits};
use crate::source::{self, Fields, Schema, TagsFrom};
use crate::time::DateMemo;

/// A parsed chunk: its posts, their tags, and what was skipped.
#[derive(Default)]
pub(super) struct ChunkPosts {
    pub posts: Vec<PostRecord>,
    pub tags: PostTags,
    /// The distinct bucket starts of the chunk's posts, which index them.
    pub buckets: Vec<i64>,
    /// Their global numbers, once the chunk is counted.
    pub bucket_ids: Vec<u32>,
    /// Posts in each of `buckets` (duplicates are taken out later).
    pub bucket_posts: Vec<u64>,
    /// The earliest and latest post times (duplicates included).
    pub span: Option<(i64, i64)>,
    /// The worker thread whose [`Local`] numbered the chunk's tags.
    pub thread: usize,
    pub diagnostics: Diagnostics,
    pub summary: Summary,
    pub lines: u64,
    /// Where the chunk's records end, relative to its start.
    pub end: usize,
    /// Per run of id and author sets (one a thread, see
    /// [`shards_per_thread`](crate::count::shards_per_thread)),
    /// the posts whose id or author falls in it, in input order: each
    /// thread walks only its own posts when ids and authors are numbered.
    pub walks: Vec<Walk>,
}

/// The posts of a chunk one thread numbers the ids and authors of.
#[derive(Default)]
pub(super) struct Walk {
    /// Posts with an id in the thread's sets (none when duplicates are kept).
    pub ids: Vec<u32>,
    /// Posts with tags and an author in the thread's sets.
    pub authors: Vec<u32>,
    /// (post, entry) of each entry whose key falls in the thread's tag
    /// shards (numbered as the sets), for counting.
    pub entries: Vec<(u32, u32)>,
}

/// The two big vectors of a counted chunk, emptied, for the next window's
/// chunks to fill: posts written into fresh pages of a new allocation cost a
/// page fault each 4 KiB, and vectors growing by doubling copy into fresh
/// pages again (a third of a run's page faults before they were reused).
#[derive(Default)]
pub(super) struct Spare {
    posts: Vec<PostRecord>,
    entries: Vec<crate::count::Entry>,
    walks: Vec<Walk>,
}

impl ChunkPosts {
    /// Empties the chunk's vectors for reuse.
    pub fn into_spare(self) -> Spare {
        let (mut posts, mut entries, mut walks) = (self.posts, self.tags.entries, self.walks);
        posts.clear();
        entries.clear();
        for w in &mut walks {
            w.ids.clear();
            w.authors.clear();
            w.entries.clear();
        }
        Spare {
            posts,
            entries,
            walks,
        }
    }
}

/// A 64-bit key for an id or author: the number itself when it is a plain
/// decimal that fits (no collision possible), else a SipHash of the bytes.
fn id_key(s: &str) -> u64 {
    // Nearly always a plain number, with nothing around it to trim.
    if let Some(n) = decimal(s.as_bytes()) {
        return n;
    }
    let s = s.trim();
    decimal(s.as_bytes())
        .unwrap_or_else(|| BuildHasherDefault::<DefaultHasher>::default().hash_one(s))
}

/// `b` as a number, when it is 1 to 19 decimal digits.
fn decimal(b: &[u8]) -> Option<u64> {
    // Up to 19 decimal digits always fit in a u64 (10^19 - 1 < 2^64).
    let len = b.len();
    if len == 0 || len > 19 {
        return None;
    }
    if len < 8 {
        let mut n = 0;
        for &c in b {
            let d = c.wrapping_sub(b'0');
            if d > 9 {
                return None;
            }
            n = n * 10 + u64::from(d);
        }
        return Some(n);
    }
    // The last eight digits, the (up to) eight before them, and the (up
    // to) three before those, each read as one word: a word starting
    // before the digits it wants is shifted, its extra bytes replaced by
    // leading '0's.
    let low = eight_digits(word(b, len - 8))?;
    if len == 8 {
        return Some(low);
    }
    if len <= 16 {
        let high = eight_digits(tail_of(word(b, 0), len - 8))?;
        return Some(high * 100_000_000 + low);
    }
    let mid = eight_digits(word(b, len - 16))?;
    let high = eight_digits(tail_of(word(b, 0), len - 16))?;
    Some((high * 100_000_000 + mid) * 100_000_000 + low)
}

/// The eight bytes of `b` from `at`, as a little-endian word.
#[inline(always)]
fn word(b: &[u8], at: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(w)
}

/// The first `n` (1 to 8) bytes of the little-endian word `w` moved to its
/// end, behind `8 - n` ASCII '0's: eight digits of the same value.
#[inline(always)]
fn tail_of(w: u64, n: usize) -> u64 {
    if n >= 8 {
        return w;
    }
    let shift = 8 * (8 - n) as u32;
    (w << shift) | (ZEROS >> (64 - shift))
}

/// Eight ASCII decimal digits, read as a little-endian word, as their
/// number, a word at a time (the SWAR reduction of digit pairs, then quads,
/// then the halves); `None` if any byte is not a digit.
#[inline(always)]
fn eight_digits(w: u64) -> Option<u64> {
    if non_digits(w) != 0 {
        return None;
    }
    let w = w - ZEROS;
    // Byte i holds digit i (the first, most significant, in the low byte).
    let w = (w * 10 + (w >> 8)) & 0x00FF_00FF_00FF_00FF;
    let w = (w * 100 + (w >> 16)) & 0x0000_FFFF_0000_FFFF;
    Some((w * 10_000 + (w >> 32)) & 0xFFFF_FFFF)
}

/// The start of a row for diagnostics: its first line, at most
/// [`source::EXCERPT_BYTES`] bytes of it, from its own bytes `data[at..end]`.
pub(super) fn excerpt_at(data: &[u8], at: usize, end: usize) -> String {
    let rest = data.get(at..end.min(data.len())).unwrap_or_default();
    let line = &rest[..memchr::memchr(b'\n', rest).unwrap_or(rest.len())];
    let cut = &line[..line.len().min(source::EXCERPT_BYTES)];
    String::from_utf8_lossy(cut)
        .trim_end_matches('\r')
        .to_owned()
}

fn excerpt(s: &str) -> String {
    const MAX: usize = 60;
    match s.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

impl Analyzer {
    /// Parses the records of `data` (which starts on a record boundary)
    /// that start before `limit` into posts.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn parse_chunk(
        &self,
        data: &[u8],
        limit: usize,
        offset: u64,
        schema: &Schema,
        bucketer: &mut Bucketer,
        name: &str,
        keep_all: bool,
        local: &mut Local,
        spare: Spare,
    ) -> ChunkPosts {
        let mut out = ChunkPosts {
            posts: spare.posts,
            diagnostics: Diagnostics::keeping_all(keep_all),
            ..ChunkPosts::default()
        };
        out.tags.entries = spare.entries;
        out.walks = spare.walks;
        let per = count::shards_per_thread();
        out.walks.resize_with(SHARDS.div_ceil(per), Walk::default);
        // One buffer of tags as written per thread, reused chunk after chunk.
        thread_local! {
            static RAW: std::cell::RefCell<RawTags> = std::cell::RefCell::default();
        }
        let mut raw = RAW.take();
        raw.clear();
        let mut last_bucket: Option<(i64, u32)> = None;
        let mut bucket_index: FxHashMap<i64, u32> = FxHashMap::default();
        let mut date_memo = DateMemo::default();
        let scanned = schema.for_each_record(data, limit, |at, fields| {
            out.summary.records += 1;
            let location = || Location {
                file: name.to_owned(),
                line: at.line,
                byte_offset: offset + at.offset as u64,
            };
            let mut skip = |reason: SkipReason, detail: String| {
                out.diagnostics.push_with(reason, || Skip {
                    location: location(),
                    reason,
                    detail,
                    excerpt: excerpt_at(data, at.offset, at.end),
                });
            };
            let fields: Fields<'_> = match fields {
                Ok(f) => f,
                Err(bad) => return skip(bad.reason, bad.detail),
            };
            out.summary.invalid_utf8 += u64::from(fields.lossy);
            let Some(text) = fields.text else {
                return skip(SkipReason::MissingText, "no text".into());
            };
            let (time, parsed) = if self.config.time_from_id {
                let Some(id) = fields.id.as_deref() else {
                    return skip(
                        SkipReason::MissingTime,
                        "no id to take the time from".into(),
                    );
                };
                (
                    id,
                    snowflake_time(id).ok_or_else(|| {
                        format!("id \"{}\" is not a Twitter snowflake", excerpt(id))
                    }),
                )
            } else {
                let Some(time) = fields.time.as_deref() else {
                    return skip(SkipReason::MissingTime, "no time".into());
                };
                (
                    time,
                    self.time
                        .parse_memo(time, &mut date_memo)
                        .map_err(|e| e.to_string()),
                )
            };
            let ts = match parsed {
                Ok(ts) => ts,
                Err(e) => return skip(SkipReason::BadTime, e),
            };
            if self.config.from.is_some_and(|f| ts < f) || self.config.to.is_some_and(|t| ts >= t) {
                return skip(
                    SkipReason::OutOfRange,
                    format!("{} is outside --from/--to", excerpt(time)),
                );
            }
            let repost = fields.repost || is_rt_prefix(&text);
            out.summary.reposts += u64::from(repost);
            if repost && self.config.exclude_reposts {
                out.summary.reposts_excluded += 1;
                return;
            }
            // The tags as written, numbered once the chunk is read.
            let first = raw.len();
            match (self.config.tags_from, &fields.tags) {
                (TagsFrom::Auto | TagsFrom::Field, Some(list)) => {
                    for tag in list {
                        raw.push(tag);
                    }
                }
                (TagsFrom::Field, None) => {}
                (TagsFrom::Text, _) | (TagsFrom::Auto, None) => {
                    for h in hashtags(&text) {
                        raw.push(h.tag);
                    }
                }
            }
            let tags = first..raw.len();
            let start = bucketer.start(ts);
            let bucket = match last_bucket {
                Some((s, i)) if s == start => i,
                _ => {
                    let next = out.buckets.len() as u32;
                    let i = *bucket_index.entry(start).or_insert(next);
                    if i == next {
                        out.buckets.push(start);
                        out.bucket_posts.push(0);
                    }
                    last_bucket = Some((start, i));
                    i
                }
            };
            out.summary.posts += 1;
            out.bucket_posts[bucket as usize] += 1;
            out.span = Some(
                out.span
                    .map_or((ts, ts), |(lo, hi)| (lo.min(ts), hi.max(ts))),
            );
            out.summary.posts_with_tags += u64::from(!tags.is_empty());
            out.summary.posts_without_author += u64::from(fields.author.is_none());
            let (id, author) = (
                fields.id.as_deref().map(id_key),
                fields.author.as_deref().map(id_key),
            );
            let p = out.posts.len() as u32;
            if let Some(id) = id
                && !self.config.keep_duplicates
            {
                out.walks[id_shard(id) / per].ids.push(p);
            }
            // Authors count only through tags: a post without tags needs no
            // author number.
            if let Some(a) = author
                && !tags.is_empty()
            {
                out.walks[id_shard(a) / per].authors.push(p);
            }
            out.posts.push(PostRecord::new(PostParts {
                time: ts,
                id,
                author,
                offset: offset + at.offset as u64,
                line: at.line,
                bucket,
                tags,
                len: u32::try_from(at.end - at.offset).unwrap_or(u32::MAX),
            }));
        });
        let walks = &mut out.walks;
        local.number_posts(&raw, &mut out.posts, &mut out.tags, |set, p, e| {
            walks[set / per].entries.push((p, e));
        });
        RAW.set(raw);
        out.lines = scanned.lines;
        out.end = scanned.end;
        out
    }
}

/// The time of a Twitter snowflake id, in Unix seconds: its top 42 bits
/// count milliseconds since 2010-11-04T01:42:54.657Z.
fn snowflake_time(id: &str) -> Option<i64> {
    let n: u64 = id.trim().parse().ok()?;
    let ms = (n >> 22) as i64 + 1_288_834_974_657;
    Some(ms.div_euclid(1000))
}

/// True for a classic retweet: the text starts with `RT @name`.
fn is_rt_prefix(text: &str) -> bool {
    // Nothing to trim when the text starts with a visible ASCII character.
    if text.as_bytes().first().is_some_and(u8::is_ascii_graphic) {
        return text.starts_with("RT @");
    }
    text.trim_start().starts_with("RT @")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_keys_of_numbers_are_the_numbers() {
        assert_eq!(id_key("1765000000000000000"), 1_765_000_000_000_000_000);
        assert_eq!(id_key(" 42\t"), 42);
        // Unicode white space is trimmed as before.
        assert_eq!(id_key("\u{2003}42\u{a0}"), 42);
        assert_eq!(id_key("9999999999999999999"), 9_999_999_999_999_999_999);
        // Not a plain number of at most 19 digits: hashed, the same for the
        // same trimmed text.
        let hashed =
            BuildHasherDefault::<DefaultHasher>::default().hash_one("12345678901234567890");
        assert_eq!(id_key("12345678901234567890"), hashed);
        assert_eq!(id_key("\u{2003}12345678901234567890"), hashed);
        assert_ne!(id_key("t3_abc"), id_key("t3_abd"));
        // Every length, and a non-digit at every place.
        for len in 1..=19 {
            let digits: String = (0..len)
                .map(|i| char::from(b'1' + (i * 7 % 9) as u8))
                .collect();
            assert_eq!(
                decimal(digits.as_bytes()),
                Some(digits.parse().unwrap()),
                "{digits}"
            );
            for at in 0..len {
                for bad in [b'/', b':', b'a', b' ', 0x80] {
                    let mut b = digits.clone().into_bytes();
                    b[at] = bad;
                    assert_eq!(decimal(&b), None, "{b:?}");
                }
            }
        }
        assert_eq!(decimal(b"00000000"), Some(0));
        assert_eq!(decimal(b"99999999"), Some(99_999_999));
        assert_eq!(decimal(b""), None);
        assert_eq!(decimal(b"0000000000000000001"), Some(1));
        assert_eq!(decimal(b"100000000"), Some(100_000_000));
        assert_eq!(
            decimal(b"1000000000000000000"),
            Some(1_000_000_000_000_000_000)
        );
        assert_eq!(id_key("-5"), id_key(" -5 "));
    }
}
