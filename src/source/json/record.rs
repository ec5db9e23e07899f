//! A record as the platform readers see it: the raw values of the keys
//! they look at ([`Key`]), and what a reader makes of it ([`Post`]).

use std::borrow::Cow;
use std::cell::OnceCell;

use crate::diagnostics::SkipReason;
use crate::source::json::html;
use crate::source::json::raw::{self, Raw};
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

/// The raw values of one object's wanted keys, by slot.
pub(crate) struct Record<'a> {
    slots: Vec<Option<Raw<'a>>>,
    /// Its text under a common name, once looked up (the platform is told
    /// by whether there is one, and the reader then reads it).
    pub(crate) common_text: OnceCell<Option<Cow<'a, str>>>,
}

impl<'a> Record<'a> {
    /// A record of `slots`, one per key a schema keeps.
    pub(crate) fn new(slots: Vec<Option<Raw<'a>>>) -> Self {
        Record {
            slots,
            common_text: OnceCell::new(),
        }
    }

    /// The raw value in slot `slot`.
    pub(crate) fn at(&self, slot: usize) -> Option<Raw<'a>> {
        self.slots[slot]
    }

    /// The raw value of a key the readers know.
    pub(crate) fn get(&self, key: Key) -> Option<Raw<'a>> {
        self.slots[key as usize]
    }

    /// The raw value of `key`, when it is present and not `null`.
    pub(crate) fn present(&self, key: Key) -> Option<Raw<'a>> {
        self.get(key).filter(|r| r.get() != "null")
    }

    /// The raw value of `key` when it holds an object.
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
    pub inner: Option<Record<'a>>,
}

/// A record left out because it is not a post.
pub(crate) fn not_a_post(detail: impl Into<String>) -> Bad {
    Bad {
        reason: SkipReason::NotAPost,
        detail: detail.into(),
    }
}
