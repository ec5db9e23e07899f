//! HTML reduced to the text a reader sees (Mastodon's `content`).
//!
//! Mastodon serves a status as sanitized HTML: paragraphs, line breaks,
//! links (a hashtag is `<a … rel="tag">#<span>tag</span></a>`) and entities
//! such as `&#39;`. Tags are dropped; `<br>` becomes a line feed and block
//! elements (`<p>`, `<li>`, …) start a new line, so words from two
//! paragraphs never run together; entities, named or numeric, are decoded
//! once, so `&amp;#BCSM` reads `&#BCSM` as the author typed it.

use std::borrow::Cow;

/// The text of an HTML fragment: tags removed, `<br>` and block boundaries
/// as line feeds, entities decoded once, surrounding whitespace trimmed.
///
/// Borrows when there is nothing to change.
pub(crate) fn html_to_text(html: &str) -> Cow<'_, str> {
    if !html.contains(['<', '&']) {
        return Cow::Borrowed(html.trim());
    }
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find(['<', '&']) {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if rest.starts_with('&') {
            let (decoded, len) = entity(rest);
            out.push_str(decoded.as_deref().unwrap_or("&"));
            rest = &rest[len..];
        } else if let Some(comment) = rest.strip_prefix("<!--") {
            rest = comment.find("-->").map_or("", |e| &comment[e + 3..]);
        } else {
            let Some(len) = tag_len(rest) else {
                // A `<` that opens no tag is text.
                out.push('<');
                rest = &rest[1..];
                continue;
            };
            match tag_name(&rest[..len]).as_str() {
                "br" => out.push('\n'),
                "p" | "div" | "li" | "ul" | "ol" | "blockquote" | "pre" | "h1" | "h2" | "h3"
                | "h4" | "h5" | "h6" | "tr" | "table" | "hr"
                    if !out.is_empty() && !out.ends_with('\n') =>
                {
                    out.push('\n');
                }
                _ => {}
            }
            rest = &rest[len..];
        }
    }
    out.push_str(rest);
    let trimmed = out.trim();
    if trimmed.len() == out.len() {
        Cow::Owned(out)
    } else {
        Cow::Owned(trimmed.to_owned())
    }
}

/// The length of the tag at the start of `s` (which starts with `<`), up to
/// and including its `>`, skipping quoted attribute values. `None` when `<`
/// is not followed by a tag name (or `/`), or the tag never closes.
fn tag_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    match b.get(1) {
        Some(c) if c.is_ascii_alphabetic() || *c == b'/' || *c == b'!' => {}
        _ => return None,
    }
    let mut quote = None;
    for (i, &c) in b.iter().enumerate().skip(1) {
        match (quote, c) {
            (None, b'"' | b'\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, b'>') => return Some(i + 1),
            _ => {}
        }
    }
    None
}

/// The lower-case element name of a tag such as `</P>` or `<br/>`.
fn tag_name(tag: &str) -> String {
    tag.trim_start_matches('<')
        .trim_start_matches('/')
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Decodes the entity at the start of `s` (which starts with `&`): the text
/// it stands for and its length, or `None` and 1 when it is not one.
fn entity(s: &str) -> (Option<Cow<'static, str>>, usize) {
    let Some(end) = s.as_bytes().iter().take(12).position(|&b| b == b';') else {
        return (None, 1);
    };
    let name = &s[1..end];
    let text: Option<Cow<'static, str>> = match name {
        "amp" => Some("&".into()),
        "lt" => Some("<".into()),
        "gt" => Some(">".into()),
        "quot" => Some("\"".into()),
        "apos" => Some("'".into()),
        "nbsp" => Some("\u{a0}".into()),
        _ => name.strip_prefix('#').and_then(numeric),
    };
    match text {
        Some(t) => (Some(t), end + 1),
        None => (None, 1),
    }
}

/// The character of a numeric entity's digits (`39`, `x27`); U+FFFD for
/// code points that are not characters, `None` when not a number.
fn numeric(num: &str) -> Option<Cow<'static, str>> {
    let code = match num.strip_prefix(['x', 'X']) {
        Some(hex) if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
            u32::from_str_radix(hex, 16).ok()?
        }
        None if !num.is_empty() && num.bytes().all(|b| b.is_ascii_digit()) => num.parse().ok()?,
        _ => return None,
    };
    let c = char::from_u32(code)
        .filter(|&c| c != '\0')
        .unwrap_or('\u{fffd}');
    Some(Cow::Owned(c.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mastodon_hashtag_links_read_as_typed() {
        let html = r##"<p>Flu shots today <a href="https://med.example/tags/FluSeason" class="mention hashtag" rel="tag">#<span>FluSeason</span></a> it&#39;s free</p>"##;
        assert_eq!(html_to_text(html), "Flu shots today #FluSeason it's free");
    }

    #[test]
    fn paragraphs_and_breaks_become_line_feeds() {
        assert_eq!(html_to_text("<p>one</p><p>#two</p>"), "one\n#two");
        assert_eq!(html_to_text("<p>a<br>b<br/>c<br />#d</p>"), "a\nb\nc\n#d");
        assert_eq!(html_to_text("<ul><li>x</li><li>y</li></ul>"), "x\ny");
    }

    #[test]
    fn entities_decode_once() {
        assert_eq!(
            html_to_text("Q&amp;A &amp;#BCSM &#x27;x&#X27; &quot;&lt;&gt;&nbsp;!"),
            "Q&A &#BCSM 'x' \"<>\u{a0}!"
        );
        // Unknown or broken entities stay as written.
        assert_eq!(
            html_to_text("&copy; & &#; &#zz; AT&T"),
            "&copy; & &#; &#zz; AT&T"
        );
        assert_eq!(html_to_text("&#0; &#1114112;"), "\u{fffd} \u{fffd}");
    }

    #[test]
    fn attributes_comments_and_stray_brackets() {
        assert_eq!(
            html_to_text(r#"<a href="x>y" title='a>b'>link</a> <!-- note --> 1 < 2"#),
            "link  1 < 2"
        );
        assert_eq!(html_to_text("plain #text"), "plain #text");
        assert_eq!(
            html_to_text("<p>unclosed <a href=\"x"),
            "unclosed <a href=\"x"
        );
        assert!(matches!(html_to_text(" plain "), Cow::Borrowed("plain")));
    }
}
