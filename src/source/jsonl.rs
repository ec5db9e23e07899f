//! JSON lines: one object per line, fields found by name or dotted path.
//!
//! Parsing keeps only the fields asked for: the top-level object is walked
//! once, values of wanted keys are kept as borrowed raw JSON, and everything
//! else is skipped without building values. Nested paths (`user.id_str`) walk
//! the kept raw value the same way.

use std::borrow::Cow;
use std::fmt;

use serde::Deserializer as _;
use serde::de::{self, Deserialize, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::diagnostics::SkipReason;
use crate::source::{
    AUTHOR_NAMES, Bad, Columns, Fields, ID_NAMES, REPOST_NAMES, RecordPos, TEXT_NAMES, TIME_NAMES,
    decode, unescape_html,
};

/// A key or string value that borrows from the input when it holds no escapes.
struct Str<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Str<'de> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Str<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Str(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Str(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// Seed that walks an object and keeps the raw values of the keys in `keys`
/// (the first wins if a key repeats; later ones are ignored).
struct Pick<'k, 'a> {
    keys: &'k [&'k str],
    out: &'k mut [Option<&'a RawValue>],
}

impl<'de> DeserializeSeed<'de> for Pick<'_, 'de> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Pick<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(Str(key)) = map.next_key::<Str<'de>>()? {
            match self.keys.iter().position(|k| *k == key) {
                Some(i) if self.out[i].is_none() => {
                    self.out[i] = Some(map.next_value::<&'de RawValue>()?);
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// Looks up `keys` in the JSON object `json`, filling `out[i]` with the raw
/// value of `keys[i]`. Errors when `json` is not a single JSON object.
pub(crate) fn pick<'a>(
    json: &'a str,
    keys: &[&str],
    out: &mut [Option<&'a RawValue>],
) -> Result<(), serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(json);
    Pick { keys, out }.deserialize(&mut de)?;
    de.end()
}

/// Follows a dotted path (`user.id_str`) from a raw value. Returns `None`
/// when a step is missing or not an object.
pub(crate) fn path<'a>(raw: &'a RawValue, rest: &[&str]) -> Option<&'a RawValue> {
    let mut cur = raw;
    for key in rest {
        let mut slot = [None];
        let mut de = serde_json::Deserializer::from_str(cur.get());
        (&mut de)
            .deserialize_map(Pick {
                keys: std::slice::from_ref(key),
                out: &mut slot,
            })
            .ok()?;
        cur = slot[0]?;
    }
    Some(cur)
}

/// The value as text: strings as their content, numbers and booleans as
/// written (so 64-bit ids never pass through a float), `None` for null,
/// objects, arrays and empty strings.
pub(crate) fn text(raw: &RawValue) -> Option<Cow<'_, str>> {
    let s = raw.get();
    match s.as_bytes().first()? {
        b'"' => {
            let Str(v) = serde_json::from_str::<Str<'_>>(s).ok()?;
            (!v.is_empty()).then_some(v)
        }
        b'{' | b'[' | b'n' => None,
        _ => Some(Cow::Borrowed(s)),
    }
}

/// True for a value that means "yes": `true`, a non-zero number, or a string
/// such as `"true"`, `"True"`, `"1"`, `"yes"`.
pub(crate) fn truthy(raw: &RawValue) -> bool {
    match text(raw) {
        Some(v) => is_truthy(&v),
        None => false,
    }
}

/// True for the spellings of "yes" that exports use in boolean columns.
pub(crate) fn is_truthy(v: &str) -> bool {
    let v = v.trim();
    v.eq_ignore_ascii_case("true")
        || v.eq_ignore_ascii_case("yes")
        || v.eq_ignore_ascii_case("t")
        || v.eq_ignore_ascii_case("y")
        || (!v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) && v.bytes().any(|b| b != b'0'))
}

/// True when the value is present and not null (an object for
/// `retweeted_status`, say).
pub(crate) fn present(raw: &RawValue) -> bool {
    raw.get() != "null"
}

/// True when a v2 `referenced_tweets` array has an entry of type `retweeted`.
pub(crate) fn has_retweeted_reference(raw: &RawValue) -> bool {
    #[derive(serde::Deserialize)]
    struct Reference<'a> {
        #[serde(borrow, rename = "type")]
        kind: Option<Cow<'a, str>>,
    }
    match serde_json::from_str::<Vec<Reference<'_>>>(raw.get()) {
        Ok(refs) => refs.iter().any(|r| r.kind.as_deref() == Some("retweeted")),
        Err(_) => false,
    }
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
            text(path(raw, &rest)?)
        })
    }

    fn raw<'a>(&self, raws: &[Option<&'a RawValue>], key: &str) -> Option<&'a RawValue> {
        let i = self.keys.iter().position(|k| k == key)?;
        raws[i]
    }
}

impl JsonSchema {
    pub(crate) fn for_each_record(
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
            if let Err(e) = pick(&text, &keys, &mut raws) {
                f(
                    at,
                    Err(Bad {
                        reason: SkipReason::InvalidJson,
                        detail: e.to_string(),
                    }),
                );
                continue;
            }
            let repost = self.raw(&raws, "retweeted_status").is_some_and(present)
                || self
                    .raw(&raws, "referenced_tweets")
                    .is_some_and(has_retweeted_reference)
                || REPOST_NAMES
                    .iter()
                    .any(|k| self.raw(&raws, k).is_some_and(truthy));
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
                tags: None,
            };
            f(at, Ok(fields));
        }
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_only_wanted_fields() {
        let line = r#"{"id":1234567890123456789,"text":"a \"b\" #BCSM","user":{"id_str":"42"},"x":[1,{"y":2}]}"#;
        let mut out = [None; 3];
        pick(line, &["text", "id", "user"], &mut out).unwrap();
        assert_eq!(text(out[0].unwrap()).unwrap(), "a \"b\" #BCSM");
        assert_eq!(text(out[1].unwrap()).unwrap(), "1234567890123456789");
        let id = path(out[2].unwrap(), &["id_str"]).unwrap();
        assert_eq!(text(id).unwrap(), "42");
    }

    #[test]
    fn rejects_non_objects_and_garbage() {
        let mut out = [None; 1];
        assert!(pick("[1,2]", &["a"], &mut out).is_err());
        assert!(pick("{\"a\":1} x", &["a"], &mut out).is_err());
        assert!(pick("{\"a\":", &["a"], &mut out).is_err());
    }

    #[test]
    fn null_and_empty_are_missing() {
        let mut out = [None; 2];
        pick(r#"{"a":null,"b":""}"#, &["a", "b"], &mut out).unwrap();
        assert!(text(out[0].unwrap()).is_none());
        assert!(text(out[1].unwrap()).is_none());
    }

    #[test]
    fn retweet_markers() {
        let mut out = [None; 1];
        pick(
            r#"{"referenced_tweets":[{"type":"quoted","id":"1"},{"type":"retweeted","id":"2"}]}"#,
            &["referenced_tweets"],
            &mut out,
        )
        .unwrap();
        assert!(has_retweeted_reference(out[0].unwrap()));
        assert!(is_truthy("True") && is_truthy("1") && !is_truthy("0") && !is_truthy("False"));
    }
}
