//! JSON exports: JSON lines, and JSON documents (a top-level array of
//! objects, the X archive's `tweets.js`, objects pretty-printed one after
//! another), from Twitter/X, Mastodon, Bluesky, Reddit or any tool that
//! writes objects with common field names.
//!
//! # Which platform a record comes from
//!
//! Each record (a line, or an element of the array) is walked once, keeping
//! the raw values of the keys any reader needs ([`raw::pick_with`]: a light
//! walk of its own, [`walk`], with serde_json reading what it does not
//! take and saying what is wrong); its platform is then told from which
//! keys it has, record by record, so files that mix platforms or kinds of
//! line read correctly:
//!
//! | keys | read as | module |
//! |---|---|---|
//! | `data` (array or object) or `meta`, and no text | a Twitter API v2 response page (twarc2): each element of `data` is a record read by these same rules, a retweet joined to the page's `includes.tweets`; a page without posts is `not_a_post` | [`twitter`] |
//! | `tweet` holding an object | an X archive entry (`tweets.js`) wrapping a v1.1-like tweet | [`twitter`] |
//! | `did` with `commit` or `kind` | a Bluesky Jetstream event | [`bluesky`] |
//! | `$type`, or an `at://` `uri` with `value`/`record` | a Bluesky record (bare, `listRecords` or a post view) | [`bluesky`] |
//! | `account` or `reblog` holding an object | a Mastodon status | [`mastodon`] |
//! | `created_utc` or `subreddit` | a Reddit submission or comment (Pushshift, Arctic Shift) | [`reddit`] |
//! | `delete` or `limit` holding an object, no text | a Twitter stream notice: `not_a_post` | |
//! | anything else | a Twitter v1.1 or v2 tweet, or any object with common names | [`twitter`] |
//!
//! Roles the user names with [`Columns`] (a key or dotted path) override
//! what the platform reader found for those roles, not the detection. A
//! path is looked up in the record as written (the line or array element),
//! then in the post it wraps (the archive's `tweet`, Jetstream's
//! `commit.record`; for a v2 page, each element of `data`). The text found
//! there is cleaned the way the platform's text is (HTML-unescaped for
//! Twitter, Reddit and unknown exports, reduced from HTML for Mastodon).
//!
//! Everywhere, `null`, empty strings, `None`, `[deleted]` and `[removed]`
//! are missing values.

pub(crate) mod bluesky;
pub(crate) mod html;
pub(crate) mod mastodon;
pub(crate) mod raw;
pub(crate) mod record;
pub(crate) mod reddit;
pub(crate) mod scan;
pub(crate) mod twitter;
mod walk;

use std::borrow::Cow;

use crate::diagnostics::SkipReason;
use crate::source::{
    AUTHOR_NAMES, Bad, Columns, Fields, ID_NAMES, REPOST_NAMES, RecordPos, Scanned, TEXT_NAMES,
    TIME_NAMES, Utf8Ahead, decode,
};

use raw::Raw;
pub(crate) use raw::is_truthy;
pub(crate) use record::{KEY_NAMES, Key, KeyIndex, Post, Record, TextKind, not_a_post};
use walk::Shape;

/// How a JSON input holds its records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// One record per line (a line holding an array gives one record per
    /// element).
    Lines,
    /// A JSON document: the elements of a top-level array, or objects one
    /// after another however they are spread over lines ([`scan`]).
    Document,
}

/// A key's slot, or a dotted path from a slot.
#[derive(Debug, Clone)]
struct Path {
    slot: usize,
    rest: Vec<String>,
}

/// A record that is not valid JSON, or not an object.
fn invalid(e: &serde_json::Error) -> Bad {
    Bad {
        reason: SkipReason::InvalidJson,
        detail: format!("not a JSON object: {e}"),
    }
}

/// How to read the records of one JSON input.
#[derive(Debug, Clone)]
pub(crate) struct JsonSchema {
    layout: Layout,
    /// Slot of every key kept from a record: [`KEY_NAMES`], then the common
    /// names and the heads of user paths that are not among them.
    slots: KeyIndex,
    /// Common names, tried in order for each role.
    text: Vec<Path>,
    time: Vec<Path>,
    author: Vec<Path>,
    id: Vec<Path>,
    repost: Vec<usize>,
    /// Paths the user named, by role: text, time, author, id.
    user: [Option<Path>; 4],
}

impl JsonSchema {
    /// Builds the lookups: the common names for each role, and the paths the
    /// user named.
    pub(crate) fn new(columns: &Columns, layout: Layout) -> Self {
        let mut slots = KeyIndex::default();
        for k in KEY_NAMES {
            slots.slot(k);
        }
        let mut path = |p: &str| {
            let mut steps = p.split('.').map(str::to_owned);
            let head = steps.next().unwrap_or_default();
            let slot = slots.slot(&head);
            Path {
                slot,
                rest: steps.collect(),
            }
        };
        let text = TEXT_NAMES.iter().map(|n| path(n)).collect();
        let time = TIME_NAMES.iter().map(|n| path(n)).collect();
        let mut author = vec![path("author_id"), path("user.id_str")];
        author.extend(
            AUTHOR_NAMES
                .iter()
                .filter(|n| **n != "author_id")
                .map(|n| path(n)),
        );
        let id = ID_NAMES.iter().map(|n| path(n)).collect();
        let repost = REPOST_NAMES.iter().map(|n| path(n).slot).collect();
        let user = [&columns.text, &columns.time, &columns.author, &columns.id]
            .map(|c| c.as_deref().map(&mut path));
        JsonSchema {
            layout,
            slots,
            text,
            time,
            author,
            id,
            repost,
            user,
        }
    }

    /// Walks one object, keeping the raw values of the keys with a slot.
    pub(crate) fn pick<'a>(&self, json: &'a str) -> Result<Record<'a>, serde_json::Error> {
        let mut rec = Record::default();
        self.pick_into(json, &mut rec)?;
        Ok(rec)
    }

    /// [`JsonSchema::pick`] into a record of the caller's (a record is a
    /// few hundred bytes, not worth moving).
    fn pick_into<'a>(&self, json: &'a str, rec: &mut Record<'a>) -> Result<(), serde_json::Error> {
        raw::pick_with(json, |k| self.slots.get(k), rec)
    }

    /// [`JsonSchema::pick`] on a raw value.
    pub(crate) fn pick_raw<'a>(&self, raw: Raw<'a>) -> Result<Record<'a>, serde_json::Error> {
        self.pick(raw.get())
    }

    fn find<'a>(rec: &Record<'a>, p: &Path) -> Option<Cow<'a, str>> {
        raw::path(rec.at(p.slot)?, &p.rest).and_then(raw::value)
    }

    fn lookup<'a>(rec: &Record<'a>, paths: &[Path]) -> Option<Cow<'a, str>> {
        paths.iter().find_map(|p| Self::find(rec, p))
    }

    /// The first of the common text names found in `rec`, not yet cleaned.
    pub(crate) fn common_text<'a>(&self, rec: &Record<'a>) -> Option<Cow<'a, str>> {
        rec.common_text
            .get_or_init(|| Self::lookup(rec, &self.text))
            .clone()
    }

    /// The first of the common time names found in `rec`.
    pub(crate) fn common_time<'a>(&self, rec: &Record<'a>) -> Option<Cow<'a, str>> {
        Self::lookup(rec, &self.time)
    }

    /// The first of the common author names (with `user.id_str`) in `rec`.
    pub(crate) fn common_author<'a>(&self, rec: &Record<'a>) -> Option<Cow<'a, str>> {
        Self::lookup(rec, &self.author)
    }

    /// The first of the common post id names found in `rec`.
    pub(crate) fn common_id<'a>(&self, rec: &Record<'a>) -> Option<Cow<'a, str>> {
        Self::lookup(rec, &self.id)
    }

    /// True when a repost flag column (`is_retweet`, …) says yes.
    pub(crate) fn flagged(&self, rec: &Record<'_>) -> bool {
        self.repost
            .iter()
            .any(|&s| rec.at(s).is_some_and(raw::truthy))
    }

    /// Replaces the roles the user named with what their paths find in the
    /// record `outer`, else in the post it wraps.
    fn finish<'a>(&self, outer: &Record<'a>, post: Post<'a>, lossy: bool) -> Fields<'a> {
        let Post {
            mut fields,
            kind,
            inner,
        } = post;
        let find = |p: &Path| {
            Self::find(outer, p).or_else(|| inner.as_ref().and_then(|r| Self::find(r, p)))
        };
        if let Some(p) = &self.user[0] {
            fields.text = find(p).and_then(|t| kind.clean(t));
        }
        if let Some(p) = &self.user[1] {
            fields.time = find(p);
        }
        if let Some(p) = &self.user[2] {
            fields.author = find(p);
        }
        if let Some(p) = &self.user[3] {
            fields.id = find(p);
        }
        fields.lossy = lossy;
        fields
    }

    /// Reads the record `json` (one object), calling `emit` once per post
    /// it holds (several for a v2 response page), or once with why it was
    /// left out. `shape` is the layout learned from the records before it
    /// (in its chunk).
    fn record<'a>(
        &self,
        json: &'a str,
        lossy: bool,
        shape: &mut Shape,
        emit: &mut dyn FnMut(Result<Fields<'a>, Bad>),
    ) {
        let mut rec = Record::default();
        match raw::pick_shaped(json, |k| self.slots.get(k), &mut rec, shape) {
            Ok(()) => self.dispatch(&rec, None, lossy, emit),
            Err(e) => emit(Err(invalid(&e))),
        }
    }

    /// Reads the record `rec` by the platform its keys tell (see the module
    /// docs); `includes` are those of the v2 page it is on.
    fn dispatch<'a>(
        &self,
        rec: &Record<'a>,
        includes: Option<&twitter::Includes<'a>>,
        lossy: bool,
        emit: &mut dyn FnMut(Result<Fields<'a>, Bad>),
    ) {
        // A record without the keys that tell another platform (nearly
        // every line of a tweet export) is read as a tweet at once.
        const OTHERS: u64 = Key::mask(&[
            Key::Data,
            Key::Meta,
            Key::Tweet,
            Key::Did,
            Key::DollarType,
            Key::Uri,
            Key::Account,
            Key::Reblog,
            Key::CreatedUtc,
            Key::Subreddit,
            Key::Delete,
            Key::Limit,
        ]);
        if !rec.holds_any(OTHERS) {
            let post = twitter::post(self, rec, includes);
            return emit(Ok(self.finish(rec, post, lossy)));
        }
        let has_text = self.common_text(rec).is_some();
        let post =
            if !has_text && (rec.present(Key::Data).is_some() || rec.object(Key::Meta).is_some()) {
                let (items, includes) = match twitter::page(rec) {
                    Ok(page) => page,
                    Err(bad) => return emit(Err(bad)),
                };
                for item in items {
                    match self.pick_raw(item) {
                        Ok(elem) => self.dispatch(&elem, Some(&includes), lossy, emit),
                        Err(e) => emit(Err(invalid(&e))),
                    }
                }
                return;
            } else if let Some(tweet) = rec.object(Key::Tweet) {
                twitter::archive(self, tweet)
            } else if rec.get(Key::Did).is_some()
                && (rec.get(Key::Commit).is_some() || rec.get(Key::Kind).is_some())
            {
                bluesky::jetstream(self, rec)
            } else if rec.get(Key::DollarType).is_some() || bluesky::is_wrapped(rec) {
                bluesky::record(self, rec)
            } else if rec.object(Key::Account).is_some() || rec.object(Key::Reblog).is_some() {
                Ok(mastodon::status(self, rec))
            } else if rec.get(Key::CreatedUtc).is_some() || rec.get(Key::Subreddit).is_some() {
                Ok(reddit::item(self, rec))
            } else if !has_text
                && let Some(k) = [Key::Delete, Key::Limit]
                    .into_iter()
                    .find(|k| rec.object(*k).is_some())
            {
                Err(not_a_post(format!(
                    "a Twitter stream notice ({})",
                    KEY_NAMES[k as usize]
                )))
            } else {
                Ok(twitter::post(self, rec, includes))
            };
        emit(post.map(|p| self.finish(rec, p, lossy)));
    }

    /// Reads a run of bytes holding one or more records (an object, or an
    /// array of them), all reported at `at`.
    /// `valid`: the bytes are known to be UTF-8 (see [`Utf8Ahead`]).
    fn records(
        &self,
        bytes: &[u8],
        at: RecordPos,
        valid: bool,
        shape: &mut Shape,
        f: &mut impl FnMut(RecordPos, Result<Fields<'_>, Bad>),
    ) {
        let mut lossy = false;
        let text = decode(Cow::Borrowed(bytes), valid, &mut lossy);
        if !text.starts_with('[') {
            return self.record(&text, lossy, shape, &mut |r| f(at, r));
        }
        // A line holding an array: one record per element. Offsets into a
        // line that was not UTF-8 (and was decoded as Windows-1252) are not
        // byte offsets of the input, so its elements are placed at the line.
        let place = |r: &std::ops::Range<usize>| {
            if lossy {
                at
            } else {
                RecordPos {
                    offset: at.offset + r.start,
                    end: at.offset + r.end,
                    line: at.line,
                }
            }
        };
        let mut pos = 0;
        loop {
            match scan::next_value(text.as_bytes(), pos, true) {
                scan::Next::Value(r) => {
                    let at = place(&r);
                    self.record(&text[r.clone()], lossy, shape, &mut |x| f(at, x));
                    pos = r.end;
                }
                scan::Next::Cut(r) => {
                    let at = place(&r);
                    return f(at, Err(cut()));
                }
                scan::Next::End => return,
            }
        }
    }

    /// Calls `f` for every record of `chunk` (which starts on a record
    /// boundary) that starts before `limit` (JSON lines; a document is read
    /// to its end) and tells how many line feeds were read and where.
    pub(crate) fn for_each_record(
        &self,
        chunk: &[u8],
        limit: usize,
        f: &mut impl FnMut(RecordPos, Result<Fields<'_>, Bad>),
    ) -> Scanned {
        match self.layout {
            Layout::Lines => self.each_line(chunk, limit, f),
            Layout::Document => Scanned {
                lines: self.each_value(chunk, f),
                end: chunk.len(),
            },
        }
    }

    fn each_line(
        &self,
        chunk: &[u8],
        limit: usize,
        f: &mut impl FnMut(RecordPos, Result<Fields<'_>, Bad>),
    ) -> Scanned {
        let mut pos = 0;
        let mut line = 0u64;
        let mut utf8 = Utf8Ahead::default();
        let mut shape = Shape::default();
        while pos < limit.min(chunk.len()) {
            let end = memchr::memchr(b'\n', &chunk[pos..]).map_or(chunk.len(), |i| pos + i + 1);
            let start = pos;
            line += u64::from(chunk[end - 1] == b'\n');
            let raw_line = &chunk[pos..end];
            pos = end;
            let trimmed = raw_line.trim_ascii();
            if trimmed.is_empty() {
                continue;
            }
            let lead = raw_line.len() - raw_line.trim_ascii_start().len();
            let at = RecordPos {
                offset: start + lead,
                end: start + lead + trimmed.len(),
                line: line - u64::from(chunk[end - 1] == b'\n'),
            };
            let valid = utf8.valid(chunk, at.offset, at.end);
            self.records(trimmed, at, valid, &mut shape, f);
        }
        Scanned {
            lines: line,
            end: pos,
        }
    }

    fn each_value(
        &self,
        chunk: &[u8],
        f: &mut impl FnMut(RecordPos, Result<Fields<'_>, Bad>),
    ) -> u64 {
        let lines = |b: &[u8]| memchr::memchr_iter(b'\n', b).count() as u64;
        let mut shape = Shape::default();
        let mut pos = 0;
        let mut line = 0u64;
        let mut counted = 0;
        loop {
            let (range, whole) = match scan::next_value(chunk, pos, true) {
                scan::Next::Value(r) => (r, true),
                scan::Next::Cut(r) => (r, false),
                scan::Next::End => break,
            };
            line += lines(&chunk[counted..range.start]);
            counted = range.start;
            let at = RecordPos {
                offset: range.start,
                end: range.end,
                line,
            };
            if whole {
                self.records(&chunk[range.clone()], at, false, &mut shape, f);
            } else {
                f(at, Err(cut()));
            }
            pos = range.end;
        }
        line + lines(&chunk[counted..])
    }
}

/// A value the input ends inside of.
fn cut() -> Bad {
    Bad {
        reason: SkipReason::InvalidJson,
        detail: "the input ends inside this JSON value (a truncated file?)".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_names_match_their_slots() {
        assert_eq!(KEY_NAMES[Key::Hashtags as usize], "hashtags");
        assert_eq!(KEY_NAMES[Key::DollarType as usize], "$type");
        let s = JsonSchema::new(&Columns::default(), Layout::Lines);
        for (i, k) in KEY_NAMES.iter().enumerate() {
            assert_eq!(s.slots.get(k), Some(i), "{k}");
        }
    }

    fn read(schema: &JsonSchema, input: &str) -> Vec<(u64, Result<String, SkipReason>)> {
        let mut out = Vec::new();
        schema.for_each_record(input.as_bytes(), input.len(), &mut |at, r| {
            out.push((
                at.line,
                r.map(|f| {
                    format!(
                        "{}|{}|{}|{}|{}|{:?}",
                        f.text.as_deref().unwrap_or("-"),
                        f.time.as_deref().unwrap_or("-"),
                        f.author.as_deref().unwrap_or("-"),
                        f.id.as_deref().unwrap_or("-"),
                        f.repost,
                        f.tags
                    )
                })
                .map_err(|b| b.reason),
            ));
        });
        out
    }

    #[test]
    fn a_document_reports_each_element_on_its_line() {
        let s = JsonSchema::new(&Columns::default(), Layout::Document);
        let doc = "[\n {\"id\": \"1\", \"text\": \"a ] b\",\n  \"created_at\": \"t\"},\n 7,\n {\"id\": \"2\",\n \"text\": \"c\"}\n]\n";
        let got = read(&s, doc);
        assert_eq!(got.len(), 3);
        assert_eq!(got[0], (1, Ok("a ] b|t|-|1|false|None".into())));
        assert_eq!(got[1], (3, Err(SkipReason::InvalidJson)));
        assert_eq!(got[2], (4, Ok("c|-|-|2|false|None".into())));
        let truncated = read(&s, "[{\"id\": \"1\"},\n{\"id\": ");
        assert_eq!(truncated[1], (1, Err(SkipReason::InvalidJson)));
    }

    #[test]
    fn each_platform_key_alone_sends_a_record_past_the_tweet_reader() {
        // One record per key of the tweet reader's shortcut in `dispatch`,
        // holding that key and none of the others: each is read by its own
        // platform, where the tweet reader would find no text (or, for the
        // Mastodon status, the HTML and no author).
        let s = JsonSchema::new(&Columns::default(), Layout::Lines);
        let post = |f: &str| Ok(f.to_owned());
        let not_a_post = Err(SkipReason::NotAPost);
        let cases = [
            (r#"{"data":[{"text":"a"}]}"#, post("a|-|-|-|false|None")),
            (r#"{"meta":{"result_count":0}}"#, not_a_post.clone()),
            (r#"{"tweet":{"full_text":"x"}}"#, post("x|-|-|-|false|None")),
            (r#"{"did":"d","kind":"identity"}"#, not_a_post.clone()),
            (r#"{"$type":"app.bsky.feed.like"}"#, not_a_post.clone()),
            (
                r#"{"uri":"at://did:x/app.bsky.feed.post/1","value":{"$type":"app.bsky.feed.post","text":"x"}}"#,
                post("x|-|did:x|at://did:x/app.bsky.feed.post/1|false|None"),
            ),
            (
                r#"{"account":{"id":"5"},"content":"<p>x &amp; y</p>"}"#,
                post("x & y|-|5|-|false|None"),
            ),
            (
                r#"{"reblog":{"content":"<p>y</p>"},"content":""}"#,
                post("y|-|-|-|true|None"),
            ),
            (
                r#"{"created_utc":1700000000,"selftext":"s"}"#,
                post("s|1700000000|-|-|false|None"),
            ),
            (
                r#"{"subreddit":"r","title":"t"}"#,
                post("t|-|-|-|false|None"),
            ),
            (r#"{"delete":{"status":{"id":1}}}"#, not_a_post.clone()),
            (r#"{"limit":{"track":5}}"#, not_a_post),
        ];
        for (line, want) in cases {
            assert_eq!(read(&s, line), [(0, want)], "{line}");
        }
    }

    #[test]
    fn a_line_holding_an_array_gives_one_record_per_element() {
        let s = JsonSchema::new(&Columns::default(), Layout::Lines);
        let got = read(
            &s,
            "[{\"text\":\"a\"},{\"text\":\"b\"}]\n{\"text\":\"c\"}\n[1,\n",
        );
        let lines: Vec<u64> = got.iter().map(|g| g.0).collect();
        assert_eq!(lines, [0, 0, 1, 2]);
        assert!(got[2].1.is_ok());
        assert_eq!(got[3].1, Err(SkipReason::InvalidJson));
    }

    #[test]
    fn user_paths_override_the_roles_they_name() {
        let columns = Columns {
            text: Some("tweet.full_text".into()),
            author: Some("owner.name".into()),
            ..Columns::default()
        };
        let s = JsonSchema::new(&columns, Layout::Lines);
        let got = read(
            &s,
            r#"{"owner":{"name":"me"},"tweet":{"id_str":"5","full_text":"x &amp; #y","created_at":"t"}}"#,
        );
        assert_eq!(got[0].1, Ok("x & #y|t|me|5|false|None".into()));
        // A path into the wrapped post works too.
        let columns = Columns {
            time: Some("created_at".into()),
            ..Columns::default()
        };
        let s = JsonSchema::new(&columns, Layout::Lines);
        let got = read(&s, r#"{"tweet":{"full_text":"x","created_at":"t2"}}"#);
        assert_eq!(got[0].1, Ok("x|t2|-|-|false|None".into()));
    }
}
