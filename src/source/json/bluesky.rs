//! Bluesky: `app.bsky.feed.post` records, bare or as the API wraps them
//! (`listRecords` entries `{uri, value}`, post views `{uri, author,
//! record}`), and Jetstream events.
//!
//! | role | read from |
//! |---|---|
//! | text | the record's `text`, as typed (Bluesky does not escape it) |
//! | time | the record's `createdAt` (set by the client); else Jetstream's `time_us` (microseconds, set by the relay) |
//! | author | Jetstream's `did`; a post view's `author.did`; the DID in an `at://` `uri` |
//! | id | the post's `at://{did}/app.bsky.feed.post/{rkey}` URI (built from Jetstream's `did` and `commit.rkey`), so the same post read from Jetstream and from the API is counted once |
//! | tags | `facets[].features[]` of `$type` `app.bsky.richtext.facet#tag` (their `tag`), then the record's `tags[]` (tags not in the text) |
//!
//! Jetstream lines other than the creation of a post (likes, follows,
//! deletions, identity and account events) and records of other types are
//! left out as `not_a_post`. So are reposts: an `app.bsky.feed.repost`
//! record names the reposted post but carries no text, so there is nothing
//! to count (the post itself is counted where it was created).

use std::borrow::Cow;

use crate::source::json::raw::{self, Raw, elements, field};
use crate::source::json::{JsonSchema, Key, Post, Record, TextKind, not_a_post};
use crate::source::{Bad, Fields};

/// The type of a post record.
const POST: &str = "app.bsky.feed.post";
/// The type of a facet feature that is a hashtag.
const TAG_FEATURE: &str = "app.bsky.richtext.facet#tag";

/// True for an API wrapper around a record: an `at://` `uri` with the
/// record under `value` or `record`.
pub(crate) fn is_wrapped(rec: &Record<'_>) -> bool {
    (rec.object(Key::Value).is_some() || rec.object(Key::Record).is_some())
        && rec.value(Key::Uri).is_some_and(|u| u.starts_with("at://"))
}

/// A Jetstream event: a post when it is the creation of one.
pub(crate) fn jetstream<'a>(s: &JsonSchema, rec: &Record<'a>) -> Result<Post<'a>, Bad> {
    let kind = rec.value(Key::Kind);
    if let Some(kind) = kind.as_deref().filter(|k| *k != "commit") {
        return Err(not_a_post(format!("a Jetstream {kind} event")));
    }
    let commit = rec
        .object(Key::Commit)
        .and_then(|c| s.pick_raw(c).ok())
        .ok_or_else(|| not_a_post("a Jetstream event without a commit"))?;
    let operation = commit.value(Key::Operation).unwrap_or_default();
    let collection = commit.value(Key::Collection).unwrap_or_default();
    if operation != "create" || collection != POST {
        return Err(not_a_post(format!(
            "a Jetstream {operation} of {collection}, not the creation of a post"
        )));
    }
    let Some(record) = commit.object(Key::Record).and_then(|r| s.pick_raw(r).ok()) else {
        return Err(not_a_post("a Jetstream post creation without its record"));
    };
    let did = rec.value(Key::Did);
    let id = match (&did, commit.value(Key::Rkey)) {
        (Some(did), Some(rkey)) => Some(Cow::Owned(format!("at://{did}/{POST}/{rkey}"))),
        _ => None,
    };
    let mut post = read(s, &record, did, id);
    post.inner = Some(Box::new(record));
    if post.fields.time.is_none() {
        post.fields.time = rec.get(Key::TimeUs).and_then(micros);
    }
    Ok(post)
}

/// A bare record (`$type` at the top) or a wrapped one (`listRecords`, a
/// post view).
pub(crate) fn record<'a>(s: &JsonSchema, rec: &Record<'a>) -> Result<Post<'a>, Bad> {
    let uri = rec.value(Key::Uri).filter(|u| u.starts_with("at://"));
    let (inner, author) = match rec.object(Key::Value).or_else(|| rec.object(Key::Record)) {
        Some(wrapped) if uri.is_some() => {
            let inner = s.pick_raw(wrapped).map_err(|e| Bad {
                reason: crate::diagnostics::SkipReason::InvalidJson,
                detail: format!("the wrapped record is not a JSON object: {e}"),
            })?;
            let author = rec
                .object(Key::Author)
                .and_then(|a| field(a, "did"))
                .and_then(raw::value)
                .or_else(|| {
                    uri.as_deref()
                        .and_then(did_of)
                        .map(|d| Cow::Owned(d.to_owned()))
                });
            (Some(inner), author)
        }
        _ => (None, None),
    };
    let shown = inner.as_ref().unwrap_or(rec);
    let kind = shown.value(Key::DollarType).unwrap_or_default();
    if kind != POST {
        let kind = if kind.is_empty() { "untyped" } else { &kind };
        return Err(not_a_post(format!("a {kind} record, not a post")));
    }
    let mut post = read(s, shown, author, uri);
    post.inner = inner.map(Box::new);
    Ok(post)
}

/// A post record's fields.
fn read<'a>(
    s: &JsonSchema,
    record: &Record<'a>,
    author: Option<Cow<'a, str>>,
    id: Option<Cow<'a, str>>,
) -> Post<'a> {
    let text = record
        .value(Key::Text)
        .or_else(|| s.common_text(record))
        .and_then(|t| TextKind::Plain.clean(t));
    Post {
        fields: Fields {
            text,
            time: record.value(Key::CreatedAtCamel),
            author,
            id,
            repost: false,
            lossy: false,
            tags: tags(record),
        },
        kind: TextKind::Plain,
        inner: None,
    }
}

/// The tags of facets and of `tags[]`; `None` when the record has neither.
fn tags<'a>(record: &Record<'a>) -> Option<Vec<Cow<'a, str>>> {
    let facets = record.get(Key::Facets).filter(|f| raw::is_array(*f));
    let outside = record.get(Key::Tags).and_then(raw::tag_list);
    if facets.is_none() && outside.is_none() {
        return None;
    }
    let mut tags = Vec::new();
    for facet in facets.map(elements).unwrap_or_default() {
        for feature in field(facet, "features").map(elements).unwrap_or_default() {
            let mut out = [None; 2];
            if raw::pick(feature.get(), &["$type", "tag"], &mut out).is_err() {
                continue;
            }
            if out[0].and_then(raw::text).as_deref() == Some(TAG_FEATURE)
                && let Some(tag) = out[1].and_then(raw::value).and_then(raw::bare_tag)
            {
                tags.push(tag);
            }
        }
    }
    tags.extend(outside.unwrap_or_default());
    Some(tags)
}

/// The DID of an `at://did/collection/rkey` URI.
fn did_of(uri: &str) -> Option<&str> {
    let rest = uri.strip_prefix("at://")?;
    let did = rest.split('/').next()?;
    did.starts_with("did:").then_some(did)
}

/// Microseconds since the epoch as decimal seconds (`1725911162.329308`),
/// a form the time parser reads.
fn micros(raw: Raw<'_>) -> Option<Cow<'static, str>> {
    let us: u64 = raw::value(raw)?.trim().parse().ok()?;
    Some(Cow::Owned(format!(
        "{}.{:06}",
        us / 1_000_000,
        us % 1_000_000
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Columns;
    use crate::source::json::Layout;

    fn schema() -> JsonSchema {
        JsonSchema::new(&Columns::default(), Layout::Lines)
    }

    #[test]
    fn jetstream_post_with_facets_and_tags() {
        let s = schema();
        let line = r##"{"did":"did:plc:abc","time_us":1725911162329308,"kind":"commit","commit":{"rev":"x","operation":"create","collection":"app.bsky.feed.post","rkey":"3l3","record":{"$type":"app.bsky.feed.post","text":"Q&amp;A #LongCovid","facets":[{"index":{"byteStart":10,"byteEnd":19},"features":[{"$type":"app.bsky.richtext.facet#tag","tag":"LongCovid"}]},{"features":[{"$type":"app.bsky.richtext.facet#link","uri":"https://x"}]}],"tags":["mecfs"]}}}"##;
        let rec = s.pick(line).unwrap();
        let f = jetstream(&s, &rec).ok().unwrap().fields;
        assert_eq!(f.text.as_deref(), Some("Q&amp;A #LongCovid"));
        assert_eq!(f.tags.unwrap(), ["LongCovid", "mecfs"]);
        assert_eq!(f.time.as_deref(), Some("1725911162.329308"));
        assert_eq!(f.author.as_deref(), Some("did:plc:abc"));
        assert_eq!(
            f.id.as_deref(),
            Some("at://did:plc:abc/app.bsky.feed.post/3l3")
        );
    }

    #[test]
    fn other_events_are_not_posts() {
        let s = schema();
        for line in [
            r#"{"did":"did:plc:a","time_us":1,"kind":"commit","commit":{"operation":"create","collection":"app.bsky.feed.like","rkey":"1","record":{"$type":"app.bsky.feed.like"}}}"#,
            r#"{"did":"did:plc:a","time_us":1,"kind":"commit","commit":{"operation":"delete","collection":"app.bsky.feed.post","rkey":"1"}}"#,
            r#"{"did":"did:plc:a","time_us":1,"kind":"identity","identity":{"did":"did:plc:a"}}"#,
        ] {
            let rec = s.pick(line).unwrap();
            let bad = jetstream(&s, &rec).err().unwrap();
            assert_eq!(
                bad.reason,
                crate::diagnostics::SkipReason::NotAPost,
                "{line}"
            );
        }
        let rec = s
            .pick(r#"{"$type":"app.bsky.feed.repost","subject":{"uri":"at://x"},"createdAt":"2024-01-01T00:00:00Z"}"#)
            .unwrap();
        assert!(record(&s, &rec).is_err());
    }

    #[test]
    fn wrapped_records() {
        let s = schema();
        let line = r##"{"uri":"at://did:plc:q/app.bsky.feed.post/9","cid":"c","value":{"$type":"app.bsky.feed.post","text":"#a","createdAt":"2024-01-01T00:00:00Z"}}"##;
        let rec = s.pick(line).unwrap();
        assert!(is_wrapped(&rec));
        let f = record(&s, &rec).ok().unwrap().fields;
        assert_eq!(f.author.as_deref(), Some("did:plc:q"));
        assert_eq!(f.id.as_deref(), Some("at://did:plc:q/app.bsky.feed.post/9"));
        assert_eq!(f.tags, None);
    }
}
