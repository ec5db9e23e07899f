//! Mastodon statuses, as the REST API returns them (one per line, or an
//! array of them).
//!
//! | role | read from |
//! |---|---|
//! | text | `content`, HTML reduced to text ([`super::html`]); `spoiler_text` is a content warning, not the text |
//! | time | `created_at` (RFC 3339) |
//! | author | `account.id`, else `account.acct` |
//! | id | `uri` (the same on every server, so a status harvested from two servers is counted once), else `id` |
//! | tags | `tags[].name` |
//! | repost | `reblog` holds the boosted status: its content and tags are read, the post is the booster's (their account, id and time) |
//!
//! Mastodon lists each tag once per status however often the text repeats
//! it, so with the platform's list a post's occurrences equal its tags.

use crate::source::Fields;
use crate::source::json::raw::{self, field};
use crate::source::json::{JsonSchema, Key, Post, Record, TextKind};

/// Reads one status.
pub(crate) fn status<'a>(s: &JsonSchema, rec: &Record<'a>) -> Post<'a> {
    let reblog = rec.object(Key::Reblog).and_then(|r| s.pick_raw(r).ok());
    let shown = reblog.as_ref().unwrap_or(rec);
    let text = shown
        .value(Key::Content)
        .or_else(|| s.common_text(shown))
        .and_then(|t| TextKind::Html.clean(t));
    let account = rec.object(Key::Account);
    let author = account.and_then(|a| {
        ["id", "acct"]
            .into_iter()
            .find_map(|k| field(a, k).and_then(raw::value))
    });
    Post {
        fields: Fields {
            text,
            time: s.common_time(rec),
            author,
            id: rec.value(Key::Uri).or_else(|| s.common_id(rec)),
            repost: reblog.is_some(),
            lossy: false,
            tags: shown.get(Key::Tags).and_then(raw::tag_list),
        },
        kind: TextKind::Html,
        inner: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Columns;
    use crate::source::json::Layout;

    #[test]
    fn a_boost_reads_the_boosted_status() {
        let s = JsonSchema::new(&Columns::default(), Layout::Lines);
        let line = r##"{"id":"2","uri":"https://b.example/users/bo/statuses/2/activity","created_at":"2024-01-02T00:00:00.000Z","account":{"id":"77","acct":"bo@b.example"},"content":"","tags":[],"reblog":{"id":"1","content":"<p>it&#39;s <a href=\"https://a.example/tags/flu\" class=\"mention hashtag\" rel=\"tag\">#<span>Flu</span></a></p>","spoiler_text":"#cw","tags":[{"name":"flu","url":"https://a.example/tags/flu"}]}}"##;
        let rec = s.pick(line).unwrap();
        let f = status(&s, &rec).fields;
        assert_eq!(f.text.as_deref(), Some("it's #Flu"));
        assert_eq!(f.tags.unwrap(), ["flu"]);
        assert_eq!(f.author.as_deref(), Some("77"));
        assert_eq!(
            f.id.as_deref(),
            Some("https://b.example/users/bo/statuses/2/activity")
        );
        assert!(f.repost);
    }
}
