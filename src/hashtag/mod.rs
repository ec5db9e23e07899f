//! Hashtag extraction, exactly by the rules of twitter-text 3.1.0.
//!
//! The rules, R1 to R12, are restated in `shared/reference/hashtag-rules.md`
//! and checked against twitter-text's conformance suite
//! (`shared/conformance/twitter-text`). In short, [`hashtags`] scans the text
//! with `memchr` for hash signs, `#` or `＃` (R1), and for each one:
//!
//! 1. checks the code point before it: the start of the text, U+FE0E/U+FE0F,
//!    or anything that is neither a tag character nor `&` (R5), and not the
//!    last character of the previous candidate (the one exception of R6);
//! 2. rejects U+FE0F and U+20E3 right after it (R2);
//! 3. takes the longest run of tag characters (R3), which must hold a letter
//!    or mark (R4);
//! 4. drops the candidate if `#`, `＃` or `://` follows it (R6);
//! 5. drops it if it overlaps a URL (R7). URLs are only looked for when a
//!    candidate gets this far, only as far as its hash sign, and not at all
//!    for a sign at the start of the text or after white space, which no
//!    URL can hold; the private `url` module explains how they are
//!    recognized.
//!
//! Letters, marks and digits are those of the current Unicode general
//! categories (L, M, Nd), as R11 recommends, not twitter-text's JavaScript
//! tables, which stop at about Unicode 7. Tags are returned as written: no
//! case mapping, no normalization (R9). Offsets are byte ranges;
//! [`Hashtag::code_point_span`] gives the code-point offsets of Twitter's API
//! and of the conformance suite (R10).
//!
//! # Example
//! ```
//! use hashtrend::hashtag::hashtags;
//!
//! let text = "Join #BCSM tonight! Notes at cancer.org/#BCSM, #COVID-19 #1";
//! let tags: Vec<&str> = hashtags(text).map(|h| h.tag).collect();
//! assert_eq!(tags, ["BCSM", "COVID"]);
//! ```

mod chars;
mod tld;
mod url;

use std::iter::FusedIterator;
use std::ops::Range;

use crate::scan::find2;

use self::chars::{
    EMOJI_SELECTOR, FULLWIDTH_HASH_UTF8, KEYCAP, TEXT_SELECTOR, TagChar, ascii_run, is_hash_sign,
    is_tag_char, tag_char,
};
use self::url::Urls;

/// One hashtag found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hashtag<'a> {
    /// Byte range of the whole entity in the text, hash sign included: from
    /// the `#` or `＃` to the end of the tag.
    pub span: Range<usize>,
    /// The tag as written, without the hash sign (a slice of the text).
    pub tag: &'a str,
}

impl Hashtag<'_> {
    /// The span in code points rather than bytes, as Twitter's API entities
    /// and the conformance suite's indices count (JavaScript's UTF-16 units
    /// differ for astral characters).
    ///
    /// `text` must be the text the hashtag was extracted from. This counts
    /// the characters before the hashtag, so it costs a pass over them; with
    /// another text the result is meaningless, but it does not panic.
    ///
    /// # Example
    /// ```
    /// let text = "会議中 #hashtag";
    /// let tag = hashtrend::hashtag::hashtags(text).next().unwrap();
    /// assert_eq!(tag.span, 10..18);
    /// assert_eq!(tag.code_point_span(text), 4..12);
    /// ```
    pub fn code_point_span(&self, text: &str) -> Range<usize> {
        // A code point starts at every byte that is not a UTF-8
        // continuation byte (0b10xx_xxxx).
        let count = |bytes: &[u8]| bytes.iter().filter(|&&b| (b as i8) >= -0x40).count();
        let bytes = text.as_bytes();
        let end = self.span.end.min(bytes.len());
        let start = self.span.start.min(end);
        let before = count(&bytes[..start]);
        before..before + count(&bytes[start..end])
    }
}

/// Iterator over the hashtags of a text, in text order. Made by [`hashtags`].
///
/// It holds a few offsets and never allocates.
#[derive(Debug, Clone)]
pub struct Hashtags<'a> {
    text: &'a str,
    /// Where the search for the next hash sign resumes.
    pos: usize,
    /// End of the previous candidate's run of tag characters (R6's
    /// exception: the character there was consumed by that candidate).
    run_end: Option<usize>,
    /// End of the last entity, hashtag or URL, kept by R7's overlap rule.
    kept_end: usize,
    urls: Urls<'a>,
    /// Whether a sign right after ASCII white space may skip the URL scan:
    /// only the test that checks the shortcut changes nothing turns it off
    /// (outside tests it is always taken).
    #[cfg(test)]
    url_shortcut: bool,
}

/// Returns an iterator over the hashtags of `text`, in text order.
///
/// A text without a hash sign costs one `memchr` pass; URLs are only looked
/// for when there is a hashtag to check against them.
pub fn hashtags(text: &str) -> Hashtags<'_> {
    Hashtags {
        text,
        pos: 0,
        run_end: None,
        kept_end: 0,
        urls: Urls::new(text),
        #[cfg(test)]
        url_shortcut: true,
    }
}

/// Whether `s` is one valid hashtag, sign included: extracting from it gives
/// exactly one hashtag, whose tag is `s` without its first character
/// (twitter-text's `isValidHashtag`).
///
/// # Example
/// ```
/// use hashtrend::hashtag::is_valid_hashtag;
///
/// assert!(is_valid_hashtag("#BCSM"));
/// assert!(is_valid_hashtag("＃1st"));
/// assert!(!is_valid_hashtag("#2024")); // no letter
/// assert!(!is_valid_hashtag("BCSM"));
/// assert!(!is_valid_hashtag("#a #b"));
/// ```
pub fn is_valid_hashtag(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    let mut found = hashtags(s);
    match (found.next(), found.next()) {
        (Some(tag), None) => tag.tag == &s[first.len_utf8()..],
        _ => false,
    }
}

impl<'a> Hashtags<'a> {
    /// Judges the hash sign at `sign`, whose tag would start at `start`.
    fn candidate(&mut self, sign: usize, start: usize) -> Option<Hashtag<'a>> {
        let text = self.text;
        // R5, and R6's exception: right after a candidate's run, the
        // character before the sign belongs to that candidate, so even a
        // variation selector there blocks.
        if let Some(before) = text[..sign].chars().next_back() {
            let exempt = before == TEXT_SELECTOR || before == EMOJI_SELECTOR;
            if self.run_end == Some(sign) || (!exempt && (before == '&' || is_tag_char(before))) {
                return None;
            }
        }
        // R2.
        let rest = &text[start..];
        if rest.starts_with([EMOJI_SELECTOR, KEYCAP]) {
            return None;
        }
        // R3 and R4: ASCII bytes by their table, other characters decoded.
        let (end, letter) = tag_run(text, start);
        if !letter {
            return None;
        }
        self.run_end = Some(end);
        self.pos = end;
        // R6.
        let after = &text[end..];
        if after.starts_with(is_hash_sign) || after.starts_with("://") {
            return None;
        }
        // R7: entities sorted by start, each dropped if it starts before the
        // end of the last one kept. URLs starting before this sign come
        // first (none starts at a hash sign, so there are no ties).
        //
        // A URL holds no white space, so none overlaps a sign at the start
        // of the text or right after ASCII white space: every URL before
        // such a sign ends before it, and whether it is kept changes neither
        // this tag nor, once this tag is kept, anything after it. The URLs
        // are then left for the next sign's scan (which drops them, as they
        // start before this tag's end), and most tags cost no URL scan.
        let clear = sign == 0 || text.as_bytes()[sign - 1].is_ascii_whitespace();
        #[cfg(test)]
        let clear = clear && self.url_shortcut;
        if !clear {
            while let Some(url) = self.urls.next_before(sign) {
                if url.start >= self.kept_end {
                    self.kept_end = url.end;
                }
            }
        }
        if sign < self.kept_end {
            return None;
        }
        self.kept_end = end;
        Some(Hashtag {
            span: sign..end,
            tag: &text[start..end],
        })
    }
}

/// The end of the run of tag characters of `text` from `start` (a char
/// boundary), and whether it holds a letter or mark: runs of ASCII bytes
/// classed sixteen at a time, other characters decoded one by one.
#[inline]
fn tag_run(text: &str, start: usize) -> (usize, bool) {
    let bytes = text.as_bytes();
    let mut end = start;
    let mut letter = false;
    loop {
        let (run, ascii_letter) = ascii_run(bytes, end);
        end += run;
        letter |= ascii_letter;
        // The run ends at the end, at an ASCII byte that ends the tag, or
        // at a character from U+0080 up.
        let Some(c) = bytes
            .get(end)
            .filter(|b| !b.is_ascii())
            .and_then(|_| text.get(end..)?.chars().next())
        else {
            return (end, letter);
        };
        match tag_char(c) {
            TagChar::No => return (end, letter),
            TagChar::Letter => letter = true,
            TagChar::Other => {}
        }
        end += c.len_utf8();
    }
}

impl<'a> Iterator for Hashtags<'a> {
    type Item = Hashtag<'a>;

    fn next(&mut self) -> Option<Hashtag<'a>> {
        let bytes = self.text.as_bytes();
        // `#` is one byte; `＃` is EF BC 83, so look for its lead byte and
        // check the rest. Neither byte occurs inside another character.
        while let Some(i) = find2(b'#', FULLWIDTH_HASH_UTF8[0], &bytes[self.pos..]) {
            let sign = self.pos + i;
            let width = if bytes[sign] == b'#' {
                1
            } else if bytes[sign..].starts_with(FULLWIDTH_HASH_UTF8) {
                3
            } else {
                // Another character of U+F000..U+FFFF: skip it whole.
                self.pos = sign + 3;
                continue;
            };
            self.pos = sign + width;
            if let Some(tag) = self.candidate(sign, sign + width) {
                return Some(tag);
            }
        }
        self.pos = bytes.len();
        None
    }
}

impl FusedIterator for Hashtags<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(text: &str) -> Vec<&str> {
        hashtags(text).map(|h| h.tag).collect()
    }

    #[test]
    fn basic_tags_and_spans() {
        let found: Vec<_> = hashtags("#start middle #end").collect();
        assert_eq!(
            found[0],
            Hashtag {
                span: 0..6,
                tag: "start"
            }
        );
        assert_eq!(
            found[1],
            Hashtag {
                span: 14..18,
                tag: "end"
            }
        );
        assert_eq!(found.len(), 2);
    }

    #[test]
    fn fullwidth_sign() {
        let text = "＃BCSM ＃ｈａｓｈｔａｇ１２３";
        assert_eq!(tags(text), ["BCSM", "ｈａｓｈｔａｇ１２３"]);
        let first = hashtags(text).next().unwrap();
        assert_eq!(first.span, 0..7);
        assert_eq!(first.code_point_span(text), 0..5);
    }

    #[test]
    fn preceding_character_rule() {
        assert!(tags("foo#bar").is_empty());
        assert!(tags("&#39; &#x27;").is_empty());
        assert_eq!(tags("&amp;#MedEd"), ["MedEd"]);
        assert_eq!(tags("✌\u{FE0F}#a"), ["a"]);
        assert!(tags("x\u{200D}#tag").is_empty());
    }

    #[test]
    fn run_end_exception() {
        assert!(tags("#tag#tag").is_empty());
        assert_eq!(tags("#a##b"), ["b"]);
        assert!(tags("#1\u{FE0F}#b").is_empty());
        assert!(tags("#a\u{FE0F}＃b").is_empty());
        assert_eq!(tags("x\u{FE0F}#b"), ["b"]);
        assert_eq!(tags("x#a\u{FE0F}#b"), ["b"]);
        assert_eq!(tags("##double"), ["double"]);
    }

    #[test]
    fn keycap_and_selectors() {
        assert!(tags("#\u{FE0F}\u{20E3}BCSM").is_empty());
        assert!(tags("#\u{20E3}BCSM").is_empty());
        assert_eq!(tags("#\u{FE0E}hashtag"), ["\u{FE0E}hashtag"]);
        assert_eq!(
            tags("#COVID19\u{FE0F}\u{20E3}"),
            ["COVID19\u{FE0F}\u{20E3}"]
        );
    }

    #[test]
    fn url_overlap() {
        assert!(tags("http://twitter.com/#hashtag twitter.com/#hashtag").is_empty());
        assert_eq!(
            tags("Read cancer.org/#BCSM or https://t.co/abc#BCSM (#BCSM)"),
            ["BCSM"]
        );
        assert_eq!(tags("http://x.com/ #BCSM"), ["BCSM"]);
        assert_eq!(tags("#cancer.org"), ["cancer"]);
        // A URL starting inside a kept hashtag is dropped, so it does not
        // hide the hashtag in its path.
        assert_eq!(tags("#中x.com/#bar"), ["中x", "bar"]);
    }

    /// Texts of URL pieces, hash signs, white space and tag characters.
    fn url_texts() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let pieces = prop::sample::select(vec![
            "#",
            "＃",
            "#BCSM",
            "#a1",
            "#1",
            "http://",
            "https://",
            "x.com",
            "cancer.org",
            "t.co/",
            "abc",
            "/",
            "/#",
            ".",
            ".com",
            "www.",
            "?q=",
            "=",
            "://",
            " ",
            "\n",
            "\t",
            "a",
            "é",
            "中",
            "1",
            "&",
            "-",
            "_",
            "\u{FE0F}",
            "\u{3000}",
            "(",
            ")",
            "@",
            "!",
        ]);
        prop::collection::vec(pieces, 0..24).prop_map(|p| p.concat())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]
        /// Skipping the URL scan for signs after white space finds exactly
        /// what scanning every URL finds.
        #[test]
        fn url_shortcut_changes_nothing(text in url_texts()) {
            let fast: Vec<_> = hashtags(&text).collect();
            let mut slow = hashtags(&text);
            slow.url_shortcut = false;
            let slow: Vec<_> = slow.collect();
            proptest::prop_assert_eq!(fast, slow);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// The run of tag characters, ASCII classed sixteen bytes at a
        /// time, ends where classing every character one by one ends it.
        #[test]
        fn tag_runs_end_where_character_classes_say(
            text in "([a-zA-Z0-9_]{0,20}|[ #.\\-]|é|健|\u{0301}|\u{0663}|\u{200D}|\u{00B7}|€|😀|\u{FE0F}){0,12}",
            start in 0usize..80,
        ) {
            proptest::prop_assume!(text.is_char_boundary(start.min(text.len())));
            let start = start.min(text.len());
            let mut end = start;
            let mut letter = false;
            for c in text[start..].chars() {
                match tag_char(c) {
                    TagChar::No => break,
                    TagChar::Letter => letter = true,
                    TagChar::Other => {}
                }
                end += c.len_utf8();
            }
            proptest::prop_assert_eq!(tag_run(&text, start), (end, letter));
        }
    }

    #[test]
    fn fused_and_no_panic_at_edges() {
        let mut found = hashtags("#a");
        assert!(found.next().is_some());
        assert!(found.next().is_none());
        assert!(found.next().is_none());
        for text in [
            "",
            "#",
            "＃",
            "\u{EF}",
            "a\u{FFFF}",
            "#\u{FE0F}",
            "&#",
            "http://#",
        ] {
            let _ = tags(text);
        }
    }

    #[test]
    fn validity() {
        assert!(is_valid_hashtag("#hashtag"));
        assert!(is_valid_hashtag("#1st"));
        assert!(!is_valid_hashtag("#12345"));
        assert!(!is_valid_hashtag(""));
        assert!(!is_valid_hashtag("#"));
        assert!(!is_valid_hashtag("##a"));
        assert!(!is_valid_hashtag("#a b"));
    }

    #[test]
    fn code_points_of_a_foreign_text_do_not_panic() {
        let tag = Hashtag {
            span: 3..40,
            tag: "",
        };
        assert_eq!(tag.code_point_span("ab"), 2..2);
    }
}
