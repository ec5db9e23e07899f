//! Twitter/X: API v1.1 tweets (twarc 1, the account archive's `tweets.js`),
//! API v2 tweets (flattened by `twarc2 flatten`, or the elements of a
//! twarc2 response page), and any JSON object with common field names.
//!
//! | role | read from (first found) |
//! |---|---|
//! | text | `note_tweet.text` (v2 long posts), `extended_tweet.full_text` (v1.1 streamed long tweets), then the common names: `full_text`, `text`, `tweet`, `content`, `body`, `message`; HTML-unescaped once |
//! | time | `created_at`, then the common names |
//! | author | `author_id`, `user.id_str`, then the common names (none in the archive) |
//! | id | `id_str`, `id` (as written, never through a float), … |
//! | tags | `note_tweet.entities.hashtags`, `extended_tweet.entities.hashtags`, `entities.hashtags` (`text` in v1.1, `tag` in v2), or a top-level `hashtags` array |
//! | repost | `retweeted_status` (v1.1), a `referenced_tweets` entry of type `retweeted` (v2), a flag such as `is_retweet` |
//!
//! A retweet's own text is cut (`RT @x: … #StayHom…`) and its entities
//! list only what survived the cut, so its text and tags come from the
//! original when the export has it: v1.1 `retweeted_status`; in v2 the
//! `retweeted` reference itself when twarc2 flatten inlined the tweet, else
//! the page's `includes.tweets` joined on the reference id. The post stays
//! the retweeter's: their author, id, time, and it counts as a repost.
//!
//! When the tweet has an entities object, its hashtag list is the
//! platform's list even when empty; without one (`entities` not requested,
//! or a long post whose `note_tweet` has none) the tags come from the text.

use std::borrow::Cow;
use std::cell::OnceCell;

use rustc_hash::FxHashMap;

use crate::source::Bad;
use crate::source::Fields;
use crate::source::json::raw::{self, Raw, elements, field, is_object};
use crate::source::json::{JsonSchema, Key, Post, Record, TextKind, not_a_post};

/// The tweets of a v2 page's `includes`, looked up by id (indexed on first
/// use: most pages need it once per retweet).
pub(crate) struct Includes<'a> {
    tweets: Option<Raw<'a>>,
    by_id: OnceCell<FxHashMap<Cow<'a, str>, Raw<'a>>>,
}

impl<'a> Includes<'a> {
    pub(crate) fn new(includes: Option<Raw<'a>>) -> Self {
        Includes {
            tweets: includes.and_then(|i| field(i, "tweets")),
            by_id: OnceCell::new(),
        }
    }

    fn get(&self, id: &str) -> Option<Raw<'a>> {
        let map = self.by_id.get_or_init(|| {
            let all = self.tweets.map(elements).unwrap_or_default();
            all.into_iter()
                .filter_map(|t| Some((field(t, "id").and_then(raw::value)?, t)))
                .collect()
        });
        map.get(id).copied()
    }
}

/// The posts of a v2 response page: the elements of `data` (an array, or
/// one object in a stream), with the page's `includes`. A page without
/// posts is `not_a_post`.
pub(crate) fn page<'a>(rec: &Record<'a>) -> Result<(Vec<Raw<'a>>, Includes<'a>), Bad> {
    let items = match rec.present(Key::Data) {
        Some(data) if raw::is_array(data) => elements(data),
        Some(data) => vec![data],
        None => Vec::new(),
    };
    if items.is_empty() {
        return Err(not_a_post("a response page without posts"));
    }
    Ok((items, Includes::new(rec.object(Key::Includes))))
}

/// An X archive entry, `{"tweet": {…}}`: a v1.1-like tweet without author
/// (the archive's owner is in `account.js`, not on each tweet).
pub(crate) fn archive<'a>(s: &JsonSchema, tweet: Raw<'a>) -> Result<Post<'a>, Bad> {
    let inner = s.pick_raw(tweet).map_err(|e| Bad {
        reason: crate::diagnostics::SkipReason::InvalidJson,
        detail: format!("the archive entry's tweet is not a JSON object: {e}"),
    })?;
    let mut post = post(s, &inner, None);
    post.inner = Some(Box::new(inner));
    Ok(post)
}

/// A v1.1 or flattened v2 tweet, or any object with common names;
/// `includes` are those of the v2 page the tweet is on.
pub(crate) fn post<'a>(
    s: &JsonSchema,
    rec: &Record<'a>,
    includes: Option<&Includes<'a>>,
) -> Post<'a> {
    let (retweet, original) = retweet(s, rec, includes);
    // The original's text and tags when the export has its text.
    let from_original = original.and_then(|o| Some((text(s, &o)?, tags(&o))));
    let (text, tags) = match from_original {
        Some((t, tags)) => (Some(t), tags),
        None => (text(s, rec), tags(rec)),
    };
    Post {
        fields: Fields {
            text,
            time: s.common_time(rec),
            author: s.common_author(rec),
            id: s.common_id(rec),
            repost: retweet || s.flagged(rec),
            lossy: false,
            tags,
        },
        kind: TextKind::Escaped,
        inner: None,
    }
}

/// Whether the tweet is a retweet, and the original tweet when the export
/// holds it.
fn retweet<'a>(
    s: &JsonSchema,
    rec: &Record<'a>,
    includes: Option<&Includes<'a>>,
) -> (bool, Option<Record<'a>>) {
    if let Some(original) = rec.object(Key::RetweetedStatus) {
        return (true, s.pick_raw(original).ok());
    }
    let Some(refs) = rec.present(Key::ReferencedTweets) else {
        return (false, None);
    };
    for r in elements(refs) {
        let Ok(reference) = s.pick_raw(r) else {
            continue;
        };
        if reference.value(Key::Type).as_deref() != Some("retweeted") {
            continue;
        }
        // twarc2 flatten inlines the referenced tweet.
        if reference.get(Key::Text).is_some() || reference.get(Key::NoteTweet).is_some() {
            return (true, Some(reference));
        }
        let found = reference
            .value(Key::Id)
            .and_then(|id| includes?.get(&id))
            .and_then(|t| s.pick_raw(t).ok());
        return (true, found);
    }
    (false, None)
}

/// The tweet's full text, HTML-unescaped once.
fn text<'a>(s: &JsonSchema, rec: &Record<'a>) -> Option<Cow<'a, str>> {
    let nested = |key: Key, name: &str| {
        rec.object(key)
            .and_then(|o| field(o, name))
            .and_then(raw::value)
    };
    nested(Key::NoteTweet, "text")
        .or_else(|| nested(Key::ExtendedTweet, "full_text"))
        .or_else(|| s.common_text(rec))
        .and_then(|t| TextKind::Escaped.clean(t))
}

/// The hashtags the platform lists for the tweet (see the module docs).
fn tags<'a>(rec: &Record<'a>) -> Option<Vec<Cow<'a, str>>> {
    let listed = |entities: Raw<'a>| {
        Some(
            field(entities, "hashtags")
                .and_then(raw::tag_list)
                .unwrap_or_default(),
        )
    };
    for long in [Key::NoteTweet, Key::ExtendedTweet] {
        if let Some(o) = rec.object(long) {
            return field(o, "entities")
                .filter(|e| is_object(*e))
                .and_then(listed);
        }
    }
    if let Some(entities) = rec.object(Key::Entities) {
        return listed(entities);
    }
    rec.get(Key::Hashtags).and_then(raw::tag_list)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Columns;
    use crate::source::json::Layout;

    fn one(line: &str) -> Fields<'_> {
        let s = JsonSchema::new(&Columns::default(), Layout::Lines);
        let rec = s.pick(line).unwrap();
        // The fields borrow only from `line`.
        post(&s, &rec, None).fields
    }

    #[test]
    fn v1_retweet_takes_the_original_text_and_tags() {
        let f = one(
            r#"{"id":1500000000000000001,"id_str":"1500000000000000001","created_at":"Wed Oct 10 20:19:24 +0000 2018","full_text":"RT @a: Stay safe #StayHom…","entities":{"hashtags":[]},"user":{"id_str":"9"},"retweeted_status":{"full_text":"Stay safe #StayHome &amp; well","entities":{"hashtags":[{"text":"StayHome","indices":[10,19]}]}}}"#,
        );
        assert_eq!(f.text.as_deref(), Some("Stay safe #StayHome & well"));
        assert_eq!(f.tags.unwrap(), ["StayHome"]);
        assert_eq!(f.id.as_deref(), Some("1500000000000000001"));
        assert_eq!(f.author.as_deref(), Some("9"));
        assert!(f.repost);
    }

    #[test]
    fn v2_note_tweet_and_flattened_retweet() {
        let f = one(
            r#"{"id":"1","text":"cut #Lon","entities":{"hashtags":[{"tag":"Lon"}]},"note_tweet":{"text":"long #LongCovid","entities":{"hashtags":[{"tag":"LongCovid"}]}},"author_id":"7","created_at":"2024-01-01T00:00:00.000Z"}"#,
        );
        assert_eq!(f.text.as_deref(), Some("long #LongCovid"));
        assert_eq!(f.tags.unwrap(), ["LongCovid"]);
        let f = one(
            r#"{"id":"2","text":"RT @x: a #Fl…","referenced_tweets":[{"type":"retweeted","id":"3","text":"a #Flu","entities":{"hashtags":[{"tag":"Flu"}]}}],"author_id":"8","created_at":"2024-01-01T00:00:00.000Z"}"#,
        );
        assert_eq!((f.text.as_deref(), f.repost), (Some("a #Flu"), true));
        assert_eq!(f.tags.unwrap(), ["Flu"]);
    }

    #[test]
    fn entities_without_hashtags_list_none_and_no_entities_means_the_text() {
        assert_eq!(
            one(r##"{"text":"#a","entities":{"urls":[]}}"##).tags,
            Some(vec![])
        );
        assert_eq!(one(r##"{"text":"#a"}"##).tags, None);
        // A long post whose note has no entities: extract from the note.
        assert_eq!(
            one(r##"{"text":"#a","entities":{"hashtags":[{"tag":"a"}]},"note_tweet":{"text":"#a #b"}}"##).tags,
            None
        );
    }
}
