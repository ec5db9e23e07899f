//! A record as the platform readers see it: the raw values of the keys
//! they look at ([`Key`]), and what a reader makes of it ([`Post`]).

use std::borrow::Cow;
use std::cell::OnceCell;

use crate::diagnostics::SkipReason;
use crate::source::json::html;
use crate::source::json::raw::{self, Raw, Slots};
use crate::source::{Bad, Fields, unescape_html};

macro_rules! keys {
    ($($key:ident = $name:literal,)*) => {
        /// The top-level keys the platform readers look at; a key's slot in
        /// a [`Record`] is its position here.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(crate) enum Key { $($key,)* }
        /// The name of each [`Key`], in slot order.
        pub(crate) const KEY_NAMES: &[&str] = &[$($name,)*];
    };
}

keys! {
    // Twitter API v1.1, v2 and the archive.
    Text = "text",
    ExtendedTweet = "extended_tweet",
    NoteTweet = "note_tweet",
    Entities = "entities",
    RetweetedStatus = "retweeted_status",
    ReferencedTweets = "referenced_tweets",
    Type = "type",
    Id = "id",
    Data = "data",
    Includes = "includes",
    Meta = "meta",
    Tweet = "tweet",
    Delete = "delete",
    Limit = "limit",
    // Mastodon.
    Content = "content",
    Account = "account",
    Reblog = "reblog",
    Tags = "tags",
    Uri = "uri",
    // Bluesky.
    DollarType = "$type",
    CreatedAtCamel = "createdAt",
    Facets = "facets",
    Did = "did",
    TimeUs = "time_us",
    Kind = "kind",
    Commit = "commit",
    Operation = "operation",
    Collection = "collection",
    Rkey = "rkey",
    Value = "value",
    Record = "record",
    // Reddit (and Bluesky post views).
    Author = "author",
    CreatedUtc = "created_utc",
    Subreddit = "subreddit",
    Title = "title",
    Selftext = "selftext",
    Body = "body",
    Name = "name",
    // Any export.
    Hashtags = "hashtags",
}

/// The slot of every key a schema keeps: an open-addressed table, at most a
/// quarter full, hashed on a key's length and three of its bytes, so the
/// look-up made for each top-level key of every record hashes no more and
/// compares the key with one name as a rule. The `FxHashMap<String, usize>`
/// it replaced cost about 125 instructions a key (callgrind, the first 200k
/// of the generator's JSON lines: 99M in its look-ups and 26M in `memcmp`
/// for 1M keys), a sixth of what reading the lines cost.
#[derive(Debug, Clone, Default)]
pub(crate) struct KeyIndex {
    /// Key names, by slot.
    names: Vec<String>,
    /// Slot + 1 of the key hashed to each place (0: none); a power of two
    /// long, at most a quarter full.
    table: Vec<u32>,
}

impl KeyIndex {
    fn hash(key: &[u8]) -> usize {
        let n = key.len();
        let (first, middle, last) = match key {
            [] => (0, 0, 0),
            _ => (key[0], key[n / 2], key[n - 1]),
        };
        let h = u64::from(u32::from_le_bytes([first, middle, last, n as u8]))
            .wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (h >> 40) as usize
    }

    /// The slot of `key`, if kept.
    #[inline]
    pub(crate) fn get(&self, key: &str) -> Option<usize> {
        let mask = self.table.len().checked_sub(1)?;
        let mut i = Self::hash(key.as_bytes()) & mask;
        loop {
            let slot = self.table[i].checked_sub(1)? as usize;
            if self.names[slot] == key {
                return Some(slot);
            }
            i = (i + 1) & mask;
        }
    }

    /// The slot of `key`, given the next one if it has none yet.
    pub(crate) fn slot(&mut self, key: &str) -> usize {
        if let Some(slot) = self.get(key) {
            return slot;
        }
        self.names.push(key.to_owned());
        if self.names.len() * 4 > self.table.len() {
            self.table = vec![0; (self.names.len() * 4).next_power_of_two().max(64)];
            for slot in 0..self.names.len() {
                self.place(slot);
            }
        } else {
            self.place(self.names.len() - 1);
        }
        self.names.len() - 1
    }

    fn place(&mut self, slot: usize) {
        let mask = self.table.len() - 1;
        let mut i = Self::hash(self.names[slot].as_bytes()) & mask;
        while self.table[i] != 0 {
            i = (i + 1) & mask;
        }
        self.table[i] = slot as u32 + 1;
    }
}

impl Key {
    /// The bits of `keys` in a [`Record`]'s mask of the slots it holds
    /// (every key's slot is below 64: they are numbered first).
    pub(crate) const fn mask(keys: &[Key]) -> u64 {
        let mut mask = 0;
        let mut i = 0;
        while i < keys.len() {
            mask |= 1 << keys[i] as u64;
            i += 1;
        }
        mask
    }
}

const _: () = assert!(KEY_NAMES.len() <= 64);

/// The raw values of one object's wanted keys, by slot.
///
/// An object holds a few of the many keys a schema keeps, and readers mostly
/// ask for keys it does not hold: a bit per slot answers those at once, and
/// the values held sit in the record itself (no allocation per record
/// unless it holds more than [`INLINE`] wanted keys).
pub(crate) struct Record<'a> {
    /// Bit `s` set: slot `s` (below 64) holds a value. (A schema has 59
    /// slots, and one more for each user path not among them.)
    present: u64,
    /// The first values kept, in the order met: `inline[..len]` (`index`
    /// says which slot's is where).
    inline: [Raw<'a>; INLINE],
    len: usize,
    /// For each slot below 64 whose bit is set in `present`, where in
    /// `inline` its value is (`u8::MAX`: in `more`); meaningless for the
    /// others. A look-up of a value held reads it at once instead of
    /// searching the values in order.
    index: [u8; 64],
    /// Values past the first [`INLINE`], or of slots from 64 on.
    more: Vec<(usize, Raw<'a>)>,
    /// Its text under a common name, once looked up (the platform is told
    /// by whether there is one, and the reader then reads it).
    pub(crate) common_text: OnceCell<Option<Cow<'a, str>>>,
}

/// Values a [`Record`] holds without allocating: the twarc v1.1 tweets in
/// `shared/data/real` hold six or seven wanted keys, the generator's lines
/// five.
const INLINE: usize = 12;

// `Record::index` holds positions in `inline` as bytes, with `u8::MAX` free.
const _: () = assert!(INLINE < u8::MAX as usize);

impl Default for Record<'_> {
    fn default() -> Self {
        Record {
            present: 0,
            inline: [Raw::NULL; INLINE],
            len: 0,
            index: [u8::MAX; 64],
            more: Vec::new(),
            common_text: OnceCell::new(),
        }
    }
}

impl<'a> Slots<'a> for Record<'a> {
    #[inline]
    fn keep(&mut self, slot: usize, value: Raw<'a>) {
        if slot < 64 {
            let bit = 1u64 << slot;
            if self.present & bit != 0 {
                return;
            }
            self.present |= bit;
            if let Some(free) = self.inline.get_mut(self.len) {
                *free = value;
                self.index[slot] = self.len as u8;
                self.len += 1;
                return;
            }
            self.index[slot] = u8::MAX;
        } else if self.more.iter().any(|&(s, _)| s == slot) {
            return;
        }
        self.more.push((slot, value));
    }

    fn clear(&mut self) {
        self.present = 0;
        self.len = 0;
        self.more.clear();
    }
}

impl<'a> Record<'a> {
    /// The raw value in slot `slot`.
    #[inline]
    pub(crate) fn at(&self, slot: usize) -> Option<Raw<'a>> {
        if slot < 64 {
            if self.present & (1u64 << slot) == 0 {
                return None;
            }
            if let Some(&v) = self.inline.get(usize::from(self.index[slot])) {
                return Some(v);
            }
        }
        self.more
            .iter()
            .find_map(|&(s, v)| (s == slot).then_some(v))
    }

    /// Whether the record holds any of the keys of `mask` (see
    /// [`Key::mask`]), `null` included.
    #[inline]
    pub(crate) fn holds_any(&self, mask: u64) -> bool {
        self.present & mask != 0
    }

    /// The raw value of a key the readers know.
    #[inline]
    pub(crate) fn get(&self, key: Key) -> Option<Raw<'a>> {
        self.at(key as usize)
    }

    /// The raw value of `key`, when it is present and not `null`.
    #[inline]
    pub(crate) fn present(&self, key: Key) -> Option<Raw<'a>> {
        self.get(key).filter(|r| r.get() != "null")
    }

    /// The raw value of `key` when it holds an object.
    #[inline]
    pub(crate) fn object(&self, key: Key) -> Option<Raw<'a>> {
        self.get(key).filter(|r| raw::is_object(*r))
    }

    /// The value of `key` as text, placeholders read as missing.
    pub(crate) fn value(&self, key: Key) -> Option<Cow<'a, str>> {
        self.get(key).and_then(raw::value)
    }
}

/// How a platform writes its text, so a text column the user names is
/// cleaned the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextKind {
    /// `&amp;`, `&lt;` and `&gt;` escaped (Twitter, Reddit, unknown exports).
    Escaped,
    /// HTML (Mastodon).
    Html,
    /// As typed (Bluesky).
    Plain,
}

impl TextKind {
    /// The text as the author typed it.
    pub(crate) fn clean<'a>(self, text: Cow<'a, str>) -> Option<Cow<'a, str>> {
        let cleaned = match self {
            TextKind::Escaped => map_cow(text, unescape_html),
            TextKind::Html => map_cow(text, html::html_to_text),
            TextKind::Plain => text,
        };
        (!crate::source::is_placeholder(&cleaned)).then_some(cleaned)
    }
}

/// Applies a borrowing transformation to a `Cow`, keeping the borrow when
/// both the input and the result borrow.
fn map_cow<'a>(s: Cow<'a, str>, f: impl for<'x> Fn(&'x str) -> Cow<'x, str>) -> Cow<'a, str> {
    match s {
        Cow::Borrowed(b) => f(b),
        Cow::Owned(o) => Cow::Owned(f(&o).into_owned()),
    }
}

/// One post read by a platform reader.
pub(crate) struct Post<'a> {
    pub fields: Fields<'a>,
    /// How the platform writes text.
    pub kind: TextKind,
    /// The post object inside the record, when the record wraps one.
    pub inner: Option<Box<Record<'a>>>,
}

/// A record left out because it is not a post.
pub(crate) fn not_a_post(detail: impl Into<String>) -> Bad {
    Bad {
        reason: SkipReason::NotAPost,
        detail: detail.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_index_finds_every_key_and_nothing_else() {
        let mut index = KeyIndex::default();
        assert_eq!(index.get("text"), None);
        // Same length, first, middle and last bytes: the same hash.
        let mut names: Vec<String> = (b'a'..=b'z')
            .map(|c| format!("a{}bcd", c as char))
            .collect();
        names.extend(KEY_NAMES.iter().map(|k| (*k).to_owned()));
        names.extend((0..300).map(|i| format!("key_{i}")));
        names.push(String::new());
        let mut slots = Vec::new();
        for n in &names {
            slots.push(index.slot(n));
        }
        for (n, &s) in names.iter().zip(&slots) {
            assert_eq!(index.get(n), Some(s), "{n:?}");
            assert_eq!(index.slot(n), s, "{n:?} is given one slot");
        }
        let distinct: std::collections::HashSet<&str> = names.iter().map(String::as_str).collect();
        assert_eq!(
            slots.iter().max().map(|m| m + 1),
            Some(distinct.len()),
            "slots are numbered densely"
        );
        for absent in [
            "a1bcd", "abcd", "aabcde", "key_300", "texts", "tex", "Text", "é",
        ] {
            assert_eq!(index.get(absent), None, "{absent:?}");
        }
    }

    #[test]
    fn a_record_keeps_the_first_value_of_each_slot_whatever_its_number() {
        let values: Vec<String> = (0..80).map(|i| format!("{i}")).collect();
        let mut rec = Record::default();
        // Slots out of order, past the inline values and past 64.
        let order: Vec<usize> = (0..80).map(|i| (i * 37) % 80).collect();
        for &s in &order {
            rec.keep(s, Raw::from_checked(&values[s]));
        }
        for &s in &order {
            rec.keep(s, Raw::NULL);
        }
        for (s, v) in values.iter().enumerate() {
            assert_eq!(rec.at(s).map(Raw::get), Some(v.as_str()), "slot {s}");
        }
        assert_eq!(rec.at(80), None);
        rec.clear();
        assert!((0..81).all(|s| rec.at(s).is_none()));
        // Refilled in the reverse order, the slots first kept inline now
        // come last, past the inline values: what they held before is
        // another slot's now.
        let again: Vec<String> = (0..80).map(|i| format!("again {i}")).collect();
        for &s in order.iter().rev() {
            rec.keep(s, Raw::from_checked(&again[s]));
        }
        for (s, v) in again.iter().enumerate() {
            assert_eq!(
                rec.at(s).map(Raw::get),
                Some(v.as_str()),
                "slot {s} refilled"
            );
        }
        rec.clear();
        rec.keep(70, Raw::from_checked("1"));
        rec.keep(3, Raw::from_checked("2"));
        assert_eq!(
            (rec.at(70), rec.at(3), rec.at(4)),
            (
                Some(Raw::from_checked("1")),
                Some(Raw::from_checked("2")),
                None
            )
        );
    }
}
