//! Hashtag extraction on arbitrary text (the bytes read as UTF-8, lossily):
//!
//! - every span lies on char boundaries, starts at `#` or `＃`, and
//!   `text[span]` is the sign followed by the tag, which is non-empty and
//!   is the very slice of the text after the sign;
//! - spans increase and do not overlap;
//! - `code_point_span` agrees with counting chars;
//! - `is_valid_hashtag` never panics (on the text, on each entity);
//! - the counting key is idempotent: `key(key(t)) == key(t)` for each tag,
//!   and `key_into` gives the same key as `key`.
#![no_main]

use hashtrend::hashtag::{hashtags, is_valid_hashtag};
use hashtrend::normalize::{key, key_into};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let text: &str = &text;
    let mut prev_end = 0;
    let mut scratch = String::from("left over from before");
    for h in hashtags(text) {
        let span = h.span.clone();
        assert!(span.start < span.end && span.end <= text.len(), "span {span:?} out of the text");
        assert!(
            text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
            "span {span:?} not on char boundaries"
        );
        assert!(span.start >= prev_end, "span {span:?} starts before the previous end {prev_end}");
        prev_end = span.end;

        let entity = &text[span.clone()];
        let sign = if entity.starts_with('#') {
            '#'
        } else if entity.starts_with('＃') {
            '＃'
        } else {
            panic!("entity {entity:?} does not start with a hash sign");
        };
        assert!(!h.tag.is_empty(), "empty tag at {span:?}");
        assert_eq!(&entity[sign.len_utf8()..], h.tag, "text[span] is not sign + tag");
        // The tag is a slice of the text, right after the sign.
        let tag_start = h.tag.as_ptr() as usize - text.as_ptr() as usize;
        assert_eq!(tag_start, span.start + sign.len_utf8(), "tag is not the slice after the sign");

        let cps = h.code_point_span(text);
        let before = text[..span.start].chars().count();
        assert_eq!(cps, before..before + entity.chars().count(), "code_point_span of {span:?}");

        let _ = is_valid_hashtag(entity);

        let k = key(h.tag);
        key_into(h.tag, &mut scratch);
        assert_eq!(scratch, k, "key_into differs from key for {:?}", h.tag);
        let kk = key(&k);
        assert_eq!(
            kk, k,
            "key is not idempotent: tag {:?} ({:x?}) -> {:?} ({:x?}) -> {:?} ({:x?})",
            h.tag,
            h.tag.chars().map(u32::from).collect::<Vec<_>>(),
            k,
            k.chars().map(u32::from).collect::<Vec<_>>(),
            kk,
            kk.chars().map(u32::from).collect::<Vec<_>>(),
        );
    }
    let _ = is_valid_hashtag(text);
});
