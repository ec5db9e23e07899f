//! A walk over the keys of one JSON object, much lighter than serde_json's
//! for the shapes exports nearly always have, that hands out each value's
//! text as written.
//!
//! It takes only what it is sure of: valid JSON (RFC 8259, as serde_json
//! reads it) with keys free of escapes and nesting at most [`MAX_DEPTH`]
//! deep. On anything else it gives up, and the caller reads the object with
//! serde_json, which then reports the error or reads what the walk did not
//! take. So a value it hands out is always one serde_json accepts, cut the
//! same way (from its first byte to its last, white space left out).

use std::ops::Range;

use crate::scan::non_digits;

/// Nesting the walk follows (objects and arrays inside the object); deeper
/// values are left to serde_json, which has no limit on values it skips.
const MAX_DEPTH: usize = 64;

/// Walks `json`, exactly one JSON object with optional white space around
/// it, calling `keep(key, value)` for each member in order (`value` is the
/// member's text as written). Returns false, part way or not, when `json`
/// is not valid JSON or holds what the walk does not take (see the module
/// docs); then the calls made so far mean nothing.
pub(crate) fn object<'a>(json: &'a str, mut keep: impl FnMut(&'a str, &'a str)) -> bool {
    members(json, |key, value| {
        // Both ends of each are ASCII bytes of `json`: char boundaries.
        keep(&json[key], &json[value]);
    })
}

/// [`object`], giving the byte ranges of each member's key and value.
fn members(json: &str, mut each: impl FnMut(Range<usize>, Range<usize>)) -> bool {
    let mut w = Walk {
        b: json.as_bytes(),
        i: 0,
    };
    w.space();
    if w.peek() != Some(b'{') {
        return false;
    }
    let walked = w.nested_with(1, |key, value| {
        if let Some(key) = key {
            each(key, value);
        }
    });
    w.space();
    walked.is_some() && w.i == w.b.len()
}

/// The layout of the last object [`Shape::learn`] walked: the bytes around
/// each member's value (the braces, keys, colons, commas and white space)
/// and the slot of each key. The lines of an export nearly always repeat
/// one layout, so the next object is read by comparing those bytes and
/// checking only the values, without reading a key or looking one up.
///
/// An object read this way gives exactly what [`object`] gives: its bytes
/// between the values are those of an object the walk took, and its values
/// are checked by the walk's own code at the same depth.
///
/// A try that misses has walked part of the object for nothing, so the
/// shape is tried only while it is mostly right (the twarc lines of
/// `shared/data/real` change their keys from tweet to tweet), else once in
/// [`Shape::RETRY`] objects; and an object is learned only after a try
/// missed, not every time.
#[derive(Debug, Default)]
pub(crate) struct Shape {
    /// The bytes before each member's value, back to back (the first from
    /// the object's first byte), then those after the last value; empty
    /// until an object is learned (an object's text holds its braces).
    text: Vec<u8>,
    /// Per member: where in `text` the bytes before its value end, and the
    /// slot of its key, when it has one.
    members: Vec<(usize, Option<usize>)>,
    /// How often tries were right lately, in 256ths: each try moves it an
    /// eighth of the way to 256 (read) or to 0 (missed).
    rate: u32,
    /// Objects not tried since the last try, while the rate is low.
    skipped: u32,
    /// The last try missed: the next object walked is learned.
    stale: bool,
    /// Slot and value range of each member of the object walked, reused.
    scratch: Vec<(Option<usize>, Range<usize>)>,
}

impl Shape {
    /// The rate below which the shape is tried only once in
    /// [`Shape::RETRY`] objects: 5/8, a margin above the one half where a
    /// miss (part of a walk for nothing) costs about what a read saves.
    const WORTH: u32 = 160;
    /// Objects between tries while the rate is below [`Shape::WORTH`].
    const RETRY: u32 = 64;
    /// The rate once the first object is learned: just above
    /// [`Shape::WORTH`], so a miss at once stops the tries.
    const FIRST: u32 = 176;

    /// Reads `json` by the shape, calling `keep(slot, value)` as [`object`]
    /// would call `keep(key, value)` for each key with a slot. False when
    /// `json` does not have the shape (the calls made mean nothing then) or
    /// the shape is not worth trying now.
    pub(crate) fn read<'a>(&mut self, json: &'a str, keep: impl FnMut(usize, &'a str)) -> bool {
        if !self.learned() {
            return false;
        }
        if self.rate < Self::WORTH {
            self.skipped += 1;
            if self.skipped < Self::RETRY {
                return false;
            }
            self.skipped = 0;
        }
        let read = self.matches(json, keep);
        self.rate = if read {
            self.rate + (256 - self.rate) / 8
        } else {
            self.rate - self.rate / 8
        };
        self.stale = !read;
        read
    }

    /// Whether the next object walked should be learned: nothing is yet,
    /// or the last try missed.
    pub(crate) fn wants(&self) -> bool {
        !self.learned() || self.stale
    }

    fn learned(&self) -> bool {
        !self.text.is_empty()
    }

    /// [`Shape::read`] once it is tried.
    fn matches<'a>(&self, json: &'a str, mut keep: impl FnMut(usize, &'a str)) -> bool {
        let b = json.as_bytes();
        let mut w = Walk { b, i: 0 };
        let mut from = 0;
        for &(end, slot) in &self.members {
            let around = &self.text[from..end];
            if !starts_with(&b[w.i..], around) {
                return false;
            }
            w.i += around.len();
            from = end;
            let start = w.i;
            // The depth of an object's members, as the walk reads them.
            if w.value(1).is_none() {
                return false;
            }
            if let Some(slot) = slot {
                // Both ends are next to ASCII bytes of `json`.
                let Some(value) = json.get(start..w.i) else {
                    return false;
                };
                keep(slot, value);
            }
        }
        let tail = &self.text[from..];
        b.len() - w.i == tail.len() && starts_with(&b[w.i..], tail)
    }

    /// Walks `json` as [`object`] does, calling `keep(slot, value)` for each
    /// key with a slot (from `slot`), and learns its shape when the walk
    /// takes it.
    pub(crate) fn learn<'a>(
        &mut self,
        json: &'a str,
        slot: impl Fn(&str) -> Option<usize>,
        mut keep: impl FnMut(usize, &'a str),
    ) -> bool {
        let mut found = std::mem::take(&mut self.scratch);
        found.clear();
        let walked = members(json, |key, value| {
            let s = slot(&json[key]);
            if let Some(i) = s {
                keep(i, &json[value.clone()]);
            }
            found.push((s, value));
        });
        if walked {
            if !self.learned() {
                // Trusted at first, but a miss stops the tries.
                self.rate = Self::FIRST;
            }
            self.text.clear();
            self.members.clear();
            let mut at = 0;
            for (s, value) in &found {
                self.text
                    .extend_from_slice(&json.as_bytes()[at..value.start]);
                self.members.push((self.text.len(), *s));
                at = value.end;
            }
            self.text.extend_from_slice(&json.as_bytes()[at..]);
            self.stale = false;
        }
        self.scratch = found;
        walked
    }
}

/// A position in the bytes of the object walked.
struct Walk<'a> {
    b: &'a [u8],
    i: usize,
}

impl Walk<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    /// Skips JSON white space.
    fn space(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    /// A key at the cursor, without escapes: the range of its characters.
    fn key(&mut self) -> Option<Range<usize>> {
        if self.peek() != Some(b'"') {
            return None;
        }
        let start = self.i + 1;
        let end = start + special(&self.b[start..])?;
        if self.b[end] != b'"' {
            return None;
        }
        self.i = end + 1;
        Some(start..end)
    }

    /// Steps over one value at the cursor, checking it; `depth` is the
    /// nesting of its container.
    fn value(&mut self, depth: usize) -> Option<()> {
        match self.peek()? {
            b'"' => self.string(),
            b'{' | b'[' => self.nested(depth + 1),
            b't' => self.word(b"true"),
            b'f' => self.word(b"false"),
            b'n' => self.word(b"null"),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    fn word(&mut self, w: &[u8]) -> Option<()> {
        self.b[self.i..].starts_with(w).then(|| self.i += w.len())
    }

    /// A string at the cursor: control characters refused, escapes checked
    /// as serde_json checks those of values it skips (`\u` followed by four
    /// hex digits, whatever code point they make).
    fn string(&mut self) -> Option<()> {
        self.i += 1;
        loop {
            self.i += special(&self.b[self.i..])?;
            match self.b[self.i] {
                b'"' => {
                    self.i += 1;
                    return Some(());
                }
                b'\\' => {
                    let len = match *self.b.get(self.i + 1)? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => 2,
                        b'u' => {
                            let hex = self.b.get(self.i + 2..self.i + 6)?;
                            if !hex.iter().all(u8::is_ascii_hexdigit) {
                                return None;
                            }
                            6
                        }
                        _ => return None,
                    };
                    self.i += len;
                }
                _ => return None, // A control character.
            }
        }
    }

    /// A number, in JSON's grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    fn number(&mut self) -> Option<()> {
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek()? {
            b'0' => {
                self.i += 1;
                if self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    return None; // A leading zero.
                }
            }
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            self.some_digits()?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            self.some_digits()?;
        }
        Some(())
    }

    fn digits(&mut self) {
        // Eight at a time while they last (ids run to 19 digits).
        while let Some(w) = self.b.get(self.i..).and_then(<[u8]>::first_chunk::<8>) {
            let bad = non_digits(u64::from_le_bytes(*w));
            if bad != 0 {
                // The lowest byte that is not a digit ends the run.
                self.i += bad.trailing_zeros() as usize / 8;
                return;
            }
            self.i += 8;
        }
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
    }

    /// At least one digit.
    fn some_digits(&mut self) -> Option<()> {
        let start = self.i;
        self.digits();
        (self.i > start).then_some(())
    }

    /// An object or array at the cursor, at nesting `depth`.
    fn nested(&mut self, depth: usize) -> Option<()> {
        self.nested_with(depth, |_, _| {})
    }

    /// [`Walk::nested`], giving `each` the range of every member's key (none
    /// in an array) and of its value.
    fn nested_with(
        &mut self,
        depth: usize,
        mut each: impl FnMut(Option<Range<usize>>, Range<usize>),
    ) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        let close = if self.b[self.i] == b'{' { b'}' } else { b']' };
        self.i += 1;
        self.space();
        if self.peek() == Some(close) {
            self.i += 1;
            return Some(());
        }
        loop {
            let key = if close == b'}' {
                let key = self.key()?;
                self.space();
                if self.peek() != Some(b':') {
                    return None;
                }
                self.i += 1;
                self.space();
                Some(key)
            } else {
                None
            };
            let start = self.i;
            self.value(depth)?;
            each(key, start..self.i);
            self.space();
            match self.peek()? {
                b',' => {
                    self.i += 1;
                    self.space();
                }
                c if c == close => {
                    self.i += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }
}

/// `b.starts_with(head)`, inline for the few bytes between two values (a
/// call to `memcmp` each cost more than the comparison).
#[inline(always)]
fn starts_with(b: &[u8], head: &[u8]) -> bool {
    let n = head.len();
    let Some(b) = b.get(..n) else {
        return false;
    };
    // The first and the last eight bytes (overlapping when `n` < 16), or
    // four, as words.
    match n {
        8..=16 => {
            b.first_chunk::<8>() == head.first_chunk::<8>()
                && b.last_chunk::<8>() == head.last_chunk::<8>()
        }
        4..=7 => {
            b.first_chunk::<4>() == head.first_chunk::<4>()
                && b.last_chunk::<4>() == head.last_chunk::<4>()
        }
        _ => b == head,
    }
}

/// Where in `b` the first `"`, `\` or control character (below 0x20) is;
/// `None` when there is none.
#[inline]
fn special(b: &[u8]) -> Option<usize> {
    let mut i = 0;
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{
            __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_max_epu8, _mm_movemask_epi8,
            _mm_or_si128, _mm_set1_epi8,
        };
        while i + 16 <= b.len() {
            // SAFETY: SSE2 is part of x86-64, and the 16 bytes loaded
            // (unaligned) are inside `b`.
            let hits = unsafe {
                let v = _mm_loadu_si128(b.as_ptr().add(i).cast::<__m128i>());
                let quote = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8));
                let slash = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8));
                // A byte at most 0x1F is its own maximum with 0x1F.
                let low = _mm_set1_epi8(0x1F);
                let control = _mm_cmpeq_epi8(_mm_max_epu8(v, low), low);
                _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, slash), control))
            };
            if hits != 0 {
                return Some(i + hits.trailing_zeros() as usize);
            }
            i += 16;
        }
    }
    b[i..]
        .iter()
        .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
        .map(|j| i + j)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The members as the walk gives them, or `None` when it gives up.
    fn walked(json: &str) -> Option<Vec<(&str, &str)>> {
        let mut out = Vec::new();
        object(json, |k, v| out.push((k, v))).then_some(out)
    }

    /// The members as serde_json reads them, or `None` when it refuses.
    fn serde(json: &str) -> Option<Vec<(String, String)>> {
        use serde::Deserializer as _;
        use serde_json::value::RawValue;
        struct Pairs;
        impl<'de> serde::de::Visitor<'de> for Pairs {
            type Value = Vec<(String, &'de RawValue)>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> Result<Self::Value, A::Error> {
                let mut v = Vec::new();
                while let Some(k) = m.next_key::<String>()? {
                    v.push((k, m.next_value()?));
                }
                Ok(v)
            }
        }
        let mut de = serde_json::Deserializer::from_str(json);
        let pairs = (&mut de).deserialize_map(Pairs).ok()?;
        de.end().ok()?;
        Some(
            pairs
                .into_iter()
                .map(|(k, v)| (k, v.get().to_owned()))
                .collect(),
        )
    }

    /// The walk never takes what serde_json refuses, and reads what it
    /// takes as serde_json does.
    fn agrees(json: &str) {
        let ours = walked(json);
        let theirs = serde(json);
        if let Some(ours) = ours {
            let Some(theirs) = theirs else {
                panic!("the walk took what serde_json refuses: {json:?}");
            };
            let ours: Vec<(String, String)> = ours
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
            assert_eq!(ours, theirs, "{json:?}");
        }
    }

    #[test]
    fn reads_what_exports_hold() {
        let line = r#"{"id": 1765000000000000000, "created_at": "2024-03-08T00:00:10Z", "author_id": 1568887300, "text": "Can #BCSM \"quoted\" caf\u00e9 \ud83d\ude00", "is_retweet": false, "n": -1.5e+3, "z": 0, "o": {"a": [1, {"b": null}], "c": []}, "e": {}}"#;
        let got = walked(line).unwrap();
        assert_eq!(got.len(), 9);
        assert_eq!(got[0], ("id", "1765000000000000000"));
        assert_eq!(got[3].1, r#""Can #BCSM \"quoted\" caf\u00e9 \ud83d\ude00""#);
        assert_eq!(got[6], ("z", "0"));
        assert_eq!(got[7].1, r#"{"a": [1, {"b": null}], "c": []}"#);
        agrees(line);
        assert_eq!(walked(" {} \n").unwrap(), []);
        assert_eq!(walked("{\"a\":\"é\"}").unwrap(), [("a", "\"é\"")]);
    }

    #[test]
    fn gives_up_where_serde_json_refuses_or_decides() {
        for bad in [
            "",
            "[]",
            "{",
            "{\"a\"}",
            "{\"a\":}",
            "{\"a\":1,}",
            "{\"a\":1 \"b\":2}",
            "{\"a\":01}",
            "{\"a\":-}",
            "{\"a\":1.}",
            "{\"a\":1e}",
            "{\"a\":.5}",
            "{\"a\":+1}",
            "{\"a\":tru}",
            "{\"a\":nul}",
            "{\"a\":\"x\ty\"}",
            "{\"a\":\"\\x\"}",
            "{\"a\":\"\\u12G4\"}",
            "{\"a\":\"\\u12\"}",
            "{\"a\":[1,]}",
            "{\"a\":[1 2]}",
            "{\"a\":{\"b\"1}}",
            "{\"a\":{1:2}}",
            "{\"a\":1} x",
            "{\"a\":1}{}",
            "{\"a\":\"unclosed}",
            // Not wrong, but left to serde_json: an escape in a key.
            "{\"\\u0061\":1}",
        ] {
            assert!(walked(bad).is_none(), "{bad:?}");
            agrees(bad);
        }
        let deep = format!("{{\"a\":{}{}}}", "[".repeat(70), "]".repeat(70));
        assert!(walked(&deep).is_none());
        let shallow = format!("{{\"a\":{}{}}}", "[".repeat(60), "]".repeat(60));
        assert!(walked(&shallow).is_some());
        agrees(&shallow);
    }

    fn json_pieces() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let pieces = prop::sample::select(vec![
            "{", "}", "[", "]", ",", ":", "\"", "\"a\"", "\"text\"", " ", "\n", "\t", "0", "1",
            "-", ".", "e", "E", "+", "12", "01", "true", "false", "null", "tru", "\\", "\\n",
            "\\u", "00e9", "\\ud83d", "\u{1}", "x", "é", "#BCSM", "{\"a\":", "\"b\":1",
        ]);
        prop::collection::vec(pieces, 0..30).prop_map(|p| p.concat())
    }

    /// Objects of any JSON values, written compact or pretty.
    fn objects() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        use serde_json::Value;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            "[a-z\\\"\u{0}-\u{1f}é😀#]{0,8}".prop_map(Value::String),
        ];
        let value = leaf.prop_recursive(4, 32, 5, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::vec(("[a-z]{0,3}", inner), 0..5)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        });
        (
            prop::collection::vec(("[a-z]{1,3}", value), 0..6),
            any::<bool>(),
        )
            .prop_map(|(m, pretty)| {
                let v = Value::Object(m.into_iter().collect());
                if pretty {
                    serde_json::to_string_pretty(&v).unwrap_or_default()
                } else {
                    v.to_string()
                }
            })
    }

    /// `json` with the byte at `at` (modulo its length) cut, and with `byte`
    /// put there, each when it is still UTF-8 (nothing for an empty `json`).
    fn damaged(json: &str, at: usize, byte: u8) -> Vec<String> {
        if json.is_empty() {
            return Vec::new();
        }
        let at = at % json.len();
        let mut cut = json.as_bytes().to_vec();
        cut.remove(at);
        let mut more = json.as_bytes().to_vec();
        more.insert(at, byte);
        [cut, more]
            .into_iter()
            .filter_map(|b| String::from_utf8(b).ok())
            .collect()
    }

    #[test]
    fn starts_with_is_the_slices() {
        // Every head length around the word sizes, the bytes after it in
        // `b` or not, and a difference at every place (or none).
        for n in 0..40 {
            let head: Vec<u8> = (0..n).map(|i| b'a' + (i % 26) as u8).collect();
            for extra in [0, 1, 9] {
                for at in 0..=n + extra {
                    let mut b = head.clone();
                    b.extend(std::iter::repeat_n(b'z', extra));
                    if let Some(c) = b.get_mut(at) {
                        *c = b'#';
                    }
                    assert_eq!(
                        starts_with(&b, &head),
                        b.starts_with(&head),
                        "{n} {extra} {at}"
                    );
                    assert_eq!(starts_with(&b[..n.min(b.len()) / 2], &head), n == 0, "{n}");
                }
            }
        }
    }

    /// Slots of a few key names, as a schema gives them.
    fn slot(key: &str) -> Option<usize> {
        ["id", "text", "a", "b", "ab"]
            .iter()
            .position(|k| *k == key)
    }

    /// What the walk keeps of `json`: (slot, value) of each member with a
    /// slot, in order; `None` when it gives up.
    fn kept(json: &str) -> Option<Vec<(usize, &str)>> {
        let members = walked(json)?;
        Some(
            members
                .into_iter()
                .filter_map(|(k, v)| Some((slot(k)?, v)))
                .collect(),
        )
    }

    /// What `shape` keeps of `json`, or `None` when it does not read it.
    fn read<'a>(shape: &mut Shape, json: &'a str) -> Option<Vec<(usize, &'a str)>> {
        let mut got = Vec::new();
        shape.read(json, |i, v| got.push((i, v))).then_some(got)
    }

    /// Learns `first`, then checks that what the shape reads of `next` is
    /// what the walk keeps of it (and that it reads nothing the walk
    /// refuses); true when it read `next`.
    fn shape_agrees(first: &str, next: &str) -> bool {
        let mut shape = Shape::default();
        let mut learned = Vec::new();
        let walked = shape.learn(first, slot, |i, v| learned.push((i, v)));
        assert_eq!(walked, kept(first).is_some(), "{first:?}");
        if walked {
            assert_eq!(Some(learned), kept(first), "{first:?}");
        }
        match read(&mut shape, next) {
            Some(got) => {
                assert_eq!(Some(got), kept(next), "{first:?} then {next:?}");
                true
            }
            None => false,
        }
    }

    #[test]
    fn a_shape_reads_lines_laid_out_alike() {
        let first =
            r##"{"id": 1, "created_at": "2024-03-08T00:00:10Z", "text": "#BCSM", "ab": false}"##;
        // The same layout: read, whatever the values.
        for next in [
            first,
            r##"{"id": 1765000000000000000, "created_at": "", "text": "a \"q\" \u00e9 #T1D", "ab": true}"##,
            r##"{"id": null, "created_at": {"x": [1, {"y": null}]}, "text": [], "ab": -1.5e+3}"##,
        ] {
            assert!(shape_agrees(first, next), "{next:?}");
        }
        // Another layout, or values the walk refuses: not read.
        for next in [
            r##"{"id": 1, "text": "#BCSM", "created_at": "2024", "ab": false}"##,
            r##"{"id":1, "created_at": "2024", "text": "#BCSM", "ab": false}"##,
            r##"{"id": 1, "created_at": "2024", "text": "#BCSM", "ab": false} "##,
            r##"{"id": 1, "created_at": "2024", "text": "#BCSM", "ab": false, "b": 2}"##,
            r##"{"id": 1, "created_at": "2024", "text": "#BCSM"}"##,
            r##"{"id": 01, "created_at": "2024", "text": "#BCSM", "ab": false}"##,
            r##"{"id": 1, "created_at": "20\x24", "text": "#BCSM", "ab": false}"##,
            "{\"id\": 1, \"created_at\": \"2024\", \"text\": \"#BC\u{1}SM\", \"ab\": false}",
            r##"{"id": 1 2, "created_at": "2024", "text": "#BCSM", "ab": false}"##,
            r##"{"id": 1, "created_at": "2024", "text": "#BCSM", "ab": fals}"##,
            "",
            "{",
        ] {
            assert!(!shape_agrees(first, next), "{next:?}");
        }
        // Nesting as deep as the walk follows, and deeper.
        for depth in 60..68 {
            let next = format!("{{\"a\": {}{}}}", "[".repeat(depth), "]".repeat(depth));
            assert_eq!(shape_agrees(r#"{"a": 1}"#, &next), kept(&next).is_some());
        }
        // An object without members has a shape too.
        assert!(shape_agrees("{}", "{}"));
        assert!(!shape_agrees("{}", "{ }"));
        // Nothing is learned from what the walk refuses.
        assert!(!shape_agrees("{\"a\":}", "{\"a\":}"));
    }

    #[test]
    fn a_shape_that_keeps_missing_is_tried_less_often() {
        let mut shape = Shape::default();
        assert!(shape.learn(r#"{"a": 1}"#, slot, |_, _| {}));
        assert!(!shape.wants());
        // Trusted at first; a miss makes it not worth trying.
        let mut misses = 0;
        while shape.rate >= Shape::WORTH {
            assert!(read(&mut shape, r#"{"b": 1}"#).is_none());
            assert!(shape.wants(), "a miss asks for the next object");
            misses += 1;
        }
        assert_eq!(misses, 1);
        // Now one object in RETRY is tried; once one is read, every one is
        // tried again.
        let retry = Shape::RETRY as usize;
        let tries: Vec<bool> = (0..2 * retry)
            .map(|_| read(&mut shape, r#"{"a": 2}"#).is_some())
            .collect();
        assert!(tries[..retry - 1].iter().all(|&t| !t));
        assert!(tries[retry - 1..].iter().all(|&t| t));
        assert!(!shape.wants());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(6000))]
        #[test]
        fn agrees_with_serde_json(body in json_pieces()) {
            agrees(&body);
            agrees(&format!("{{{body}}}"));
            agrees(&format!("{{\"k\":{body}}}"));
        }

        #[test]
        fn takes_written_objects_and_agrees_on_damaged_ones(
            json in objects(),
            at in 0usize..1000,
            byte in proptest::sample::select(b"{}[],:\"\\ 0-.eE\n\x01atn".to_vec()),
        ) {
            proptest::prop_assert!(walked(&json).is_some(), "{json:?}");
            agrees(&json);
            for damaged in damaged(&json, at, byte) {
                agrees(&damaged);
            }
        }

        /// A shape learned from one object reads another exactly as the
        /// walk would: the same object, the same with a value replaced by
        /// any JSON piece, or damaged by a byte cut or added.
        #[test]
        fn a_shape_reads_what_the_walk_keeps(
            json in objects(),
            piece in json_pieces(),
            member in 0usize..8,
            at in 0usize..1000,
            byte in proptest::sample::select(b"{}[],:\"\\ 0-.eE\n\x01atn".to_vec()),
        ) {
            proptest::prop_assert!(shape_agrees(&json, &json), "{json:?}");
            // One member's value replaced.
            if let Some(members) = walked(&json).filter(|m| !m.is_empty()) {
                let (_, value) = members[member % members.len()];
                let start = value.as_ptr() as usize - json.as_ptr() as usize;
                let other = format!("{}{piece}{}", &json[..start], &json[start + value.len()..]);
                let read = shape_agrees(&json, &other);
                // A whole value, without white space around it, in an
                // object the walk takes: the layout is unchanged, so read.
                let whole = piece.trim() == piece
                    && serde_json::from_str::<serde::de::IgnoredAny>(&piece).is_ok();
                if whole && kept(&other).is_some() {
                    proptest::prop_assert!(read, "{json:?} then {other:?}");
                }
            }
            for damaged in damaged(&json, at, byte) {
                shape_agrees(&json, &damaged);
            }
        }
    }
}
