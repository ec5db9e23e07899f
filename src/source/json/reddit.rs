//! Reddit dumps (Pushshift, Arctic Shift): one submission or comment per
//! line.
//!
//! | role | read from |
//! |---|---|
//! | text | submissions: `title`, a line feed, then `selftext`; comments: `body`; HTML-unescaped once (Reddit escapes `&`, `<`, `>`). A `selftext` or `body` of `[deleted]` or `[removed]` is missing (a submission keeps its title) |
//! | time | `created_utc`: epoch seconds as an integer, a float or a string |
//! | author | `author`; `[deleted]` is missing |
//! | id | `name` (the fullname, `t3_…` for a submission, `t1_…` for a comment), else `id` with that prefix, so a submission and a comment never share an id |
//! | tags | none: Reddit has no hashtag list; tags come from the text |
//!
//! Reddit has no reposts (crossposts are new submissions).

use std::borrow::Cow;

use crate::source::Fields;
use crate::source::json::{JsonSchema, Key, Post, Record, TextKind};

/// Reads one submission or comment.
pub(crate) fn item<'a>(s: &JsonSchema, rec: &Record<'a>) -> Post<'a> {
    let title = rec.value(Key::Title);
    let submission = title.is_some() || rec.get(Key::Selftext).is_some();
    let text = match (title, rec.value(Key::Selftext)) {
        (Some(t), Some(body)) => Some(Cow::Owned(format!("{t}\n{body}"))),
        (Some(t), None) => Some(t),
        (None, Some(body)) => Some(body),
        (None, None) => rec.value(Key::Body).or_else(|| s.common_text(rec)),
    };
    let id = rec.value(Key::Name).or_else(|| {
        let id = rec.value(Key::Id)?;
        let prefix = if submission { "t3_" } else { "t1_" };
        Some(if id.starts_with(prefix) {
            id
        } else {
            Cow::Owned(format!("{prefix}{id}"))
        })
    });
    Post {
        fields: Fields {
            text: text.and_then(|t| TextKind::Escaped.clean(t)),
            time: rec.value(Key::CreatedUtc).or_else(|| s.common_time(rec)),
            author: rec.value(Key::Author),
            id,
            repost: false,
            lossy: false,
            tags: None,
        },
        kind: TextKind::Escaped,
        inner: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Columns;
    use crate::source::json::Layout;

    fn one(line: &str) -> Fields<'_> {
        let s = JsonSchema::new(&Columns::default(), Layout::Lines);
        let rec = s.pick(line).unwrap();
        item(&s, &rec).fields
    }

    #[test]
    fn submissions_and_comments() {
        let f = one(
            r#"{"id":"abc","subreddit":"diabetes","title":"Q&amp;A #T1D","selftext":"[removed]","author":"[deleted]","created_utc":1600454175.0}"#,
        );
        assert_eq!(f.text.as_deref(), Some("Q&A #T1D"));
        assert_eq!((f.author, f.id.as_deref()), (None, Some("t3_abc")));
        assert_eq!(f.time.as_deref(), Some("1600454175.0"));
        let f = one(r#"{"id":"abc","body":"[deleted]","author":"u","created_utc":"1600454175"}"#);
        assert_eq!((f.text, f.id.as_deref()), (None, Some("t1_abc")));
    }
}
