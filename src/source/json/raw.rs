//! Borrowed lookups in raw JSON: one pass over an object keeping the raw
//! values of wanted keys, dotted paths, and values read as text.
//!
//! Nothing here builds a `serde_json::Value`: values that are not wanted are
//! stepped over, and wanted ones stay [`Raw`] slices of the input until a
//! platform reader asks for one of their fields.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::walk;
use crate::source::is_placeholder;

/// One JSON value as written in the input, checked to be valid JSON when it
/// was read (by [`walk`] or serde_json): only this module makes one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Raw<'a>(&'a str);

impl<'a> Raw<'a> {
    /// `null`.
    pub(crate) const NULL: Raw<'static> = Raw("null");

    /// The value's text.
    pub(crate) fn get(self) -> &'a str {
        self.0
    }

    /// A value taken as checked, for tests.
    #[cfg(test)]
    pub(crate) fn from_checked(s: &'a str) -> Self {
        Raw(s)
    }
}

impl<'a> From<&'a RawValue> for Raw<'a> {
    fn from(v: &'a RawValue) -> Self {
        Raw(v.get())
    }
}

/// A key or string value that borrows from the input when it holds no escapes.
pub(crate) struct Str<'a>(pub Cow<'a, str>);

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

/// Where [`pick_with`] keeps the raw values it picks, by slot: the first
/// value kept for a slot wins (a key written twice counts once, as its
/// first).
pub(crate) trait Slots<'a> {
    /// Keeps `value` in `slot`, unless the slot holds one already.
    fn keep(&mut self, slot: usize, value: Raw<'a>);
    /// Forgets every value kept.
    fn clear(&mut self);
}

impl<'a> Slots<'a> for [Option<Raw<'a>>] {
    fn keep(&mut self, slot: usize, value: Raw<'a>) {
        if self[slot].is_none() {
            self[slot] = Some(value);
        }
    }

    fn clear(&mut self) {
        self.fill(None);
    }
}

/// Seed that walks an object and keeps, in `out`, the raw value of every
/// key that `slot` knows.
struct Pick<'k, F, S: ?Sized> {
    slot: F,
    out: &'k mut S,
}

impl<'de, F, S> DeserializeSeed<'de> for Pick<'_, F, S>
where
    F: Fn(&str) -> Option<usize>,
    S: Slots<'de> + ?Sized,
{
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, F, S> Visitor<'de> for Pick<'_, F, S>
where
    F: Fn(&str) -> Option<usize>,
    S: Slots<'de> + ?Sized,
{
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(Str(key)) = map.next_key::<Str<'de>>()? {
            match (self.slot)(&key) {
                Some(i) => {
                    let value: &'de RawValue = map.next_value()?;
                    self.out.keep(i, value.into());
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// Walks the JSON object `json` once, keeping in `out` (at the slot that
/// `slot` gives a key) the raw value of each key it knows. Errors when
/// `json` is not exactly one JSON object.
pub(crate) fn pick_with<'a, S: Slots<'a> + ?Sized>(
    json: &'a str,
    slot: impl Fn(&str) -> Option<usize>,
    out: &mut S,
) -> Result<(), serde_json::Error> {
    // The light walk first; serde_json when it gives up, to read what the
    // walk does not take or to say what is wrong.
    let walked = walk::object(json, |key, value| {
        if let Some(i) = slot(key) {
            out.keep(i, Raw(value));
        }
    });
    unless_walked(walked, json, slot, out)
}

/// Done when the walk took `json`; else serde_json reads it into `out`
/// (emptied of what the walk kept) or says what is wrong.
fn unless_walked<'a, S: Slots<'a> + ?Sized>(
    walked: bool,
    json: &'a str,
    slot: impl Fn(&str) -> Option<usize>,
    out: &mut S,
) -> Result<(), serde_json::Error> {
    if walked {
        return Ok(());
    }
    out.clear();
    let mut de = serde_json::Deserializer::from_str(json);
    Pick { slot, out }.deserialize(&mut de)?;
    de.end()
}

/// [`pick_with`] for the objects of one input in turn: an object laid out as
/// the one before it is read by `shape` (see [`walk::Shape`]), any other
/// walked, and its layout learned when the shape asks for it.
pub(crate) fn pick_shaped<'a, S: Slots<'a> + ?Sized>(
    json: &'a str,
    slot: impl Fn(&str) -> Option<usize>,
    out: &mut S,
    shape: &mut walk::Shape,
) -> Result<(), serde_json::Error> {
    if shape.read(json, |i, value| out.keep(i, Raw(value))) {
        return Ok(());
    }
    out.clear();
    if !shape.wants() {
        return pick_with(json, slot, out);
    }
    let walked = shape.learn(json, &slot, |i, value| out.keep(i, Raw(value)));
    unless_walked(walked, json, slot, out)
}

/// Looks up `keys` in the JSON object `json`, filling `out[i]` with the raw
/// value of `keys[i]`. Errors when `json` is not a single JSON object.
pub(crate) fn pick<'a>(
    json: &'a str,
    keys: &[&str],
    out: &mut [Option<Raw<'a>>],
) -> Result<(), serde_json::Error> {
    pick_with(json, |k| keys.iter().position(|w| *w == k), out)
}

/// The raw value of `key` in the object `raw`; `None` when `raw` is not an
/// object or has no such key.
pub(crate) fn field<'a>(raw: Raw<'a>, key: &str) -> Option<Raw<'a>> {
    if !is_object(raw) {
        return None;
    }
    let mut slot = [None];
    pick_with(raw.get(), |k: &str| (k == key).then_some(0), &mut slot[..]).ok()?;
    slot[0]
}

/// Follows a dotted path (`user.id_str`, split into steps) from a raw
/// value. Returns `None` when a step is missing or not an object.
pub(crate) fn path<'a, S: AsRef<str>>(raw: Raw<'a>, rest: &[S]) -> Option<Raw<'a>> {
    rest.iter()
        .try_fold(raw, |cur, key| field(cur, key.as_ref()))
}

/// True when the raw value is a JSON object.
pub(crate) fn is_object(raw: Raw<'_>) -> bool {
    raw.get().starts_with('{')
}

/// True when the raw value is a JSON array.
pub(crate) fn is_array(raw: Raw<'_>) -> bool {
    raw.get().starts_with('[')
}

/// The elements of a JSON array, raw; empty when `raw` is not an array.
pub(crate) fn elements(raw: Raw<'_>) -> Vec<Raw<'_>> {
    if !is_array(raw) {
        return Vec::new();
    }
    serde_json::from_str::<Vec<&RawValue>>(raw.get())
        .map(|v| v.into_iter().map(Raw::from).collect())
        .unwrap_or_default()
}

/// The value as text: strings as their content, numbers and booleans as
/// written (so 64-bit ids never pass through a float), `None` for null,
/// objects, arrays and empty strings.
pub(crate) fn text(raw: Raw<'_>) -> Option<Cow<'_, str>> {
    let s = raw.get();
    match s.as_bytes().first()? {
        b'"' => {
            // A raw value was checked when it was read: a string without a
            // backslash is its bytes between the quotes, nothing to decode.
            let inner = &s[1..s.len() - 1];
            if memchr::memchr(b'\\', inner.as_bytes()).is_none() {
                return (!inner.is_empty()).then_some(Cow::Borrowed(inner));
            }
            let Str(v) = serde_json::from_str::<Str<'_>>(s).ok()?;
            (!v.is_empty()).then_some(v)
        }
        b'{' | b'[' | b'n' => None,
        _ => Some(Cow::Borrowed(s)),
    }
}

/// [`text`], with placeholders ([`is_placeholder`]) read as missing.
pub(crate) fn value(raw: Raw<'_>) -> Option<Cow<'_, str>> {
    text(raw).filter(|v| !is_placeholder(v))
}

/// True for a value that means "yes": `true`, a non-zero number, or a string
/// such as `"true"`, `"True"`, `"1"`, `"yes"`.
pub(crate) fn truthy(raw: Raw<'_>) -> bool {
    // A number or `true`/`false` is its own text: read as written, without
    // making it a `Cow` first (flag columns nearly always hold booleans).
    match raw.get().as_bytes().first() {
        Some(b'"') => text(raw).is_some_and(|v| is_truthy(&v)),
        Some(b'{' | b'[' | b'n') | None => false,
        Some(_) => is_truthy(raw.get()),
    }
}

/// True for the spellings of "yes" that exports use in boolean columns.
pub(crate) fn is_truthy(v: &str) -> bool {
    // The spellings that boolean columns nearly always hold, at once.
    match v.as_bytes() {
        b"False" | b"false" | b"0" | b"FALSE" => return false,
        b"True" | b"true" | b"1" | b"TRUE" => return true,
        _ => {}
    }
    let v = v.trim();
    v.eq_ignore_ascii_case("true")
        || v.eq_ignore_ascii_case("yes")
        || v.eq_ignore_ascii_case("t")
        || v.eq_ignore_ascii_case("y")
        || (!v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) && v.bytes().any(|b| b != b'0'))
}

/// A platform's list of hashtags: a JSON array of strings (`"tag"` or
/// `"#tag"`) or of objects holding the tag under `text` (Twitter v1.1),
/// `tag` (v2) or `name` (Mastodon). Signs are stripped and empty entries
/// dropped. `None` when `raw` is not an array.
pub(crate) fn tag_list(raw: Raw<'_>) -> Option<Vec<Cow<'_, str>>> {
    if !is_array(raw) {
        return None;
    }
    let items = elements(raw);
    let mut tags = Vec::with_capacity(items.len());
    for item in items {
        let tag = if is_object(item) {
            let mut out = [None; 3];
            if pick(item.get(), &["text", "tag", "name"], &mut out).is_err() {
                continue;
            }
            out.into_iter().flatten().find_map(value)
        } else {
            value(item)
        };
        if let Some(tag) = tag.and_then(without_sign) {
            tags.push(tag);
        }
    }
    Some(tags)
}

/// A tag without its leading `#` or `＃`; `None` when nothing is left.
fn without_sign(tag: Cow<'_, str>) -> Option<Cow<'_, str>> {
    let t = tag.trim();
    let bare = t
        .strip_prefix('#')
        .or_else(|| t.strip_prefix('＃'))
        .unwrap_or(t);
    if bare.is_empty() {
        return None;
    }
    if bare.len() == tag.len() {
        return Some(tag);
    }
    // `bare` is a slice of `tag`: find where, to borrow the same bytes.
    let start = bare.as_ptr() as usize - tag.as_ptr() as usize;
    let range = start..start + bare.len();
    Some(match tag {
        Cow::Borrowed(s) => Cow::Borrowed(&s[range]),
        Cow::Owned(s) => Cow::Owned(s[range].to_owned()),
    })
}

/// A tag as given by a platform, without a leading `#` or `＃`.
pub(crate) fn bare_tag(tag: Cow<'_, str>) -> Option<Cow<'_, str>> {
    without_sign(tag)
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
        assert!(path(out[2].unwrap(), &["id_str", "deeper"]).is_none());
    }

    #[test]
    fn picking_by_layout_picks_what_the_walk_picks() {
        // Lines of one layout, then others, values the walk refuses, an
        // escaped key (walked by serde_json) and lines that are no object:
        // each line picked by the layout of those before it equals the line
        // picked alone, errors included.
        let keys = ["id", "text", "user"];
        let lines = [
            r##"{"id": 1, "text": "#a", "user": {"id_str": "7"}}"##,
            r##"{"id": 2, "text": "b \"q\"", "user": null}"##,
            r##"{"id": 3, "text": "#c", "user": {"id_str": "8"}}"##,
            r##"{"text": "#d", "id": 4}"##,
            r##"{"text": "#e", "id": 5}"##,
            r##"{"text": "#e", "id": 05}"##,
            r##"{"\u0074ext": "#f", "id": 6}"##,
            r##"{"id": 7, "text": "#g", "user": {"id_str": "9"}}"##,
            "[1, 2]",
            r##"{"id": 8, "text": "#h", "user": {"id_str": "10"}"##,
            "{}",
            "{}",
        ];
        let mut shape = walk::Shape::default();
        let slot = |k: &str| keys.iter().position(|w| *w == k);
        for (n, line) in lines.iter().enumerate() {
            let mut shaped = [None; 3];
            let by_layout = pick_shaped(line, slot, &mut shaped[..], &mut shape);
            let mut alone = [None; 3];
            let walked = pick_with(line, slot, &mut alone[..]);
            assert_eq!(by_layout.is_ok(), walked.is_ok(), "line {n}");
            if walked.is_ok() {
                assert_eq!(shaped, alone, "line {n}");
            }
        }
        // Lines laid out alike are read by the layout, not walked.
        let mut shape = walk::Shape::default();
        let mut out = [None; 3];
        pick_shaped(lines[0], slot, &mut out[..], &mut shape).unwrap();
        assert!(!shape.wants());
        assert!(shape.read(lines[2], |_, _| {}));
    }

    #[test]
    fn rejects_non_objects_and_garbage() {
        let mut out = [None; 1];
        assert!(pick("[1,2]", &["a"], &mut out).is_err());
        assert!(pick("{\"a\":1} x", &["a"], &mut out).is_err());
        assert!(pick("{\"a\":", &["a"], &mut out).is_err());
    }

    #[test]
    fn placeholders_are_missing() {
        let mut out = [None; 6];
        pick(
            r#"{"a":null,"b":"","c":"[deleted]","d":" None ","e":"[removed]","f":"x"}"#,
            &["a", "b", "c", "d", "e", "f"],
            &mut out,
        )
        .unwrap();
        let got: Vec<_> = out.iter().map(|r| value(r.unwrap())).collect();
        assert_eq!(got, [None, None, None, None, None, Some("x".into())]);
        assert!(text(out[0].unwrap()).is_none());
        assert!(text(out[1].unwrap()).is_none());
    }

    #[test]
    fn tag_lists_of_strings_or_objects() {
        let raw: &RawValue = serde_json::from_str(
            r##"[{"text":"BCSM","indices":["1","5"]},{"tag":"t1d"},{"name":"flu"},"#Asco24","＃ｘ","",{"url":"x"}]"##,
        )
        .unwrap();
        let tags = tag_list(raw.into()).unwrap();
        assert_eq!(tags, ["BCSM", "t1d", "flu", "Asco24", "ｘ"]);
        assert!(tag_list(serde_json::from_str::<&RawValue>("\"#a\"").unwrap().into()).is_none());
    }

    #[test]
    fn truthy_spellings() {
        assert!(is_truthy("True") && is_truthy("1") && !is_truthy("0") && !is_truthy("False"));
        // Raw values: booleans and numbers as written, strings by content.
        for (json, yes) in [
            ("true", true),
            ("false", false),
            ("1", true),
            ("0", false),
            ("2", true),
            ("null", false),
            ("\"yes\"", true),
            ("\" True \"", true),
            ("\"false\"", false),
            ("\"\"", false),
            ("{\"a\":true}", false),
            ("[true]", false),
        ] {
            assert_eq!(truthy(Raw(json)), yes, "{json}");
        }
    }
}
