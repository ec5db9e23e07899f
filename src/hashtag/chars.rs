//! Character classes of a hashtag: the hash signs (rule R1 of
//! `shared/reference/hashtag-rules.md`) and the characters a tag is made of
//! (R3).
//!
//! A tag character is a letter or mark (general category L or M), a decimal
//! digit (Nd only) or one of 17 extra characters. Only letters and marks count
//! towards R4's "at least one letter". The general categories are the current
//! Unicode ones of `unicode-properties`, as R11 recommends; twitter-text's
//! JavaScript tables are frozen at about Unicode 7, so letters added since
//! (CJK extensions, Cherokee small letters, …) are tag characters here and
//! not there. `char::is_alphabetic` and `char::is_numeric` are deliberately
//! not used (R12): they disagree with L∪M and Nd on marks and letter-numbers.

use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};

/// U+FF03 FULLWIDTH NUMBER SIGN, the second hash sign besides `#`.
pub(crate) const FULLWIDTH_HASH: char = '\u{FF03}';

/// U+FF03 in UTF-8. Its lead byte is what the scanner looks for.
pub(crate) const FULLWIDTH_HASH_UTF8: &[u8; 3] = b"\xEF\xBC\x83";

/// U+FE0E VARIATION SELECTOR-15 (text presentation).
pub(crate) const TEXT_SELECTOR: char = '\u{FE0E}';

/// U+FE0F VARIATION SELECTOR-16 (emoji presentation).
pub(crate) const EMOJI_SELECTOR: char = '\u{FE0F}';

/// U+20E3 COMBINING ENCLOSING KEYCAP.
pub(crate) const KEYCAP: char = '\u{20E3}';

/// How a character takes part in a tag (R3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TagChar {
    /// Not a tag character: it ends the tag.
    No,
    /// A letter or mark (L or M): part of the tag, and enough for R4.
    Letter,
    /// A decimal digit (Nd) or one of the 17 extra characters: part of the
    /// tag, but not enough on its own.
    Other,
}

/// Classes of the ASCII characters, built once at compile time: the hot
/// path of every scan is ASCII, and a table lookup beats both a `match`
/// chain and the general-category binary search.
static ASCII_CLASS: [TagChar; 128] = {
    let mut table = [TagChar::No; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        table[b] = if c.is_ascii_alphabetic() {
            TagChar::Letter
        } else if c.is_ascii_digit() || c == b'_' {
            TagChar::Other
        } else {
            TagChar::No
        };
        b += 1;
    }
    table
};

/// Classifies the ASCII character `b` by R3 (any byte from 128 up is
/// `No`: it is not a character on its own).
#[inline]
fn ascii_class(b: u8) -> TagChar {
    ASCII_CLASS
        .get(usize::from(b))
        .copied()
        .unwrap_or(TagChar::No)
}

/// The run of ASCII tag characters (letters, digits, `_`) of `bytes` from
/// `at`: its length, and whether it holds a letter. The run ends at the
/// first byte that is not one: an ASCII character that ends the tag, or a
/// byte from 128 up, which starts a character the caller decodes. Sixteen
/// bytes are classed at a time (SSE2 on x86-64), so a tag costs no branch
/// per character.
#[inline]
pub(crate) fn ascii_run(bytes: &[u8], at: usize) -> (usize, bool) {
    let mut i = at;
    let mut letter = false;
    #[cfg(target_arch = "x86_64")]
    while i + 16 <= bytes.len() {
        use std::arch::x86_64::{
            __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_min_epu8, _mm_movemask_epi8,
            _mm_or_si128, _mm_set1_epi8, _mm_sub_epi8,
        };
        // SAFETY: SSE2 is part of x86-64, and the 16 bytes loaded
        // (unaligned) are inside `bytes`.
        let (tag, alpha) = unsafe {
            let v = _mm_loadu_si128(bytes.as_ptr().add(i).cast::<__m128i>());
            // x in [lo, lo + n] for unsigned bytes: min(x - lo, n) == x - lo.
            let within = |x: __m128i, lo: u8, n: u8| {
                let d = _mm_sub_epi8(x, _mm_set1_epi8(lo as i8));
                _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(n as i8)), d)
            };
            let alpha = within(_mm_or_si128(v, _mm_set1_epi8(0x20)), b'a', 25);
            let digit = within(v, b'0', 9);
            let under = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'_' as i8));
            let tag = _mm_or_si128(_mm_or_si128(alpha, digit), under);
            (
                _mm_movemask_epi8(tag) as u32,
                _mm_movemask_epi8(alpha) as u32,
            )
        };
        let run = (!tag).trailing_zeros();
        letter |= alpha & ((1u32 << run) - 1) != 0;
        if run < 16 {
            return (i + run as usize - at, letter);
        }
        i += 16;
    }
    while let Some(&b) = bytes.get(i) {
        match ascii_class(b) {
            TagChar::No => break,
            TagChar::Letter => letter = true,
            TagChar::Other => {}
        }
        i += 1;
    }
    (i - at, letter)
}

/// Classifies `c` by R3.
#[inline]
pub(crate) fn tag_char(c: char) -> TagChar {
    if c.is_ascii() {
        return ascii_class(c as u8);
    }
    if is_special(c) {
        return TagChar::Other;
    }
    match c.general_category_group() {
        GeneralCategoryGroup::Letter | GeneralCategoryGroup::Mark => TagChar::Letter,
        GeneralCategoryGroup::Number if c.general_category() == GeneralCategory::DecimalNumber => {
            TagChar::Other
        }
        _ => TagChar::No,
    }
}

/// Whether `c` can be part of a tag (R3).
#[inline]
pub(crate) fn is_tag_char(c: char) -> bool {
    tag_char(c) != TagChar::No
}

/// Whether `c` is a hash sign (R1): `#` or U+FF03 `＃`.
#[inline]
pub(crate) fn is_hash_sign(c: char) -> bool {
    c == '#' || c == FULLWIDTH_HASH
}

/// The non-ASCII members of R3(c), the extra characters allowed anywhere in a
/// tag (the underscore, the ASCII one, is in the table above).
fn is_special(c: char) -> bool {
    matches!(
        c,
        '\u{200C}' // ZERO WIDTH NON-JOINER
            | '\u{200D}' // ZERO WIDTH JOINER
            | '\u{A67E}' // CYRILLIC KAVYKA
            | '\u{05BE}' // HEBREW PUNCTUATION MAQAF
            | '\u{05F3}' // HEBREW PUNCTUATION GERESH
            | '\u{05F4}' // HEBREW PUNCTUATION GERSHAYIM
            | '\u{FF5E}' // FULLWIDTH TILDE
            | '\u{301C}' // WAVE DASH
            | '\u{309B}' // KATAKANA-HIRAGANA VOICED SOUND MARK
            | '\u{309C}' // KATAKANA-HIRAGANA SEMI-VOICED SOUND MARK
            | '\u{30A0}' // KATAKANA-HIRAGANA DOUBLE HYPHEN
            | '\u{30FB}' // KATAKANA MIDDLE DOT
            | '\u{3003}' // DITTO MARK
            | '\u{0F0B}' // TIBETAN MARK INTERSYLLABIC TSHEG
            | '\u{0F0C}' // TIBETAN MARK DELIMITER TSHEG BSTAR
            | '\u{00B7}' // MIDDLE DOT
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_runs_stop_at_every_byte_that_is_not_an_ascii_tag_character() {
        // Byte by byte, by the table.
        let by_bytes = |bytes: &[u8], at: usize| {
            let run = bytes[at..]
                .iter()
                .take_while(|&&b| ascii_class(b) != TagChar::No);
            let letter = run.clone().any(|&b| ascii_class(b) == TagChar::Letter);
            (run.count(), letter)
        };
        // Every byte value at every place of two blocks and a tail, after
        // letters or digits, from several starts.
        for b in 0..=255u8 {
            for place in 0..40 {
                for fill in [b'x', b'7', b'_'] {
                    let mut bytes = vec![fill; 40];
                    bytes[place] = b;
                    for at in [0, 1, 15, 16, 17, place, 39, 40] {
                        assert_eq!(
                            ascii_run(&bytes, at),
                            by_bytes(&bytes, at),
                            "byte {b:#x} at {place}, from {at}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn ascii_classes() {
        assert_eq!(tag_char('a'), TagChar::Letter);
        assert_eq!(tag_char('Z'), TagChar::Letter);
        assert_eq!(tag_char('7'), TagChar::Other);
        assert_eq!(tag_char('_'), TagChar::Other);
        for c in " \t\n-.,'/:!?()#&@$".chars() {
            assert_eq!(tag_char(c), TagChar::No, "{c:?}");
        }
    }

    #[test]
    fn letters_and_marks_of_every_kind() {
        // Precomposed and combining accents, a virama, the emoji selectors
        // and the keycap are all letters or marks (R3a).
        for c in [
            'é', 'ş', 'ж', '漢', 'ー', '々', '\u{0301}', '\u{094D}', '\u{FE0E}', '\u{FE0F}',
        ] {
            assert_eq!(tag_char(c), TagChar::Letter, "{c:?}");
        }
        assert_eq!(tag_char(KEYCAP), TagChar::Letter);
    }

    #[test]
    fn only_decimal_digits_count_as_digits() {
        for c in ['٣', '۴', '४', '７'] {
            assert_eq!(tag_char(c), TagChar::Other, "{c:?}");
        }
        // Nl and No are not tag characters, though `char::is_numeric` and
        // (for Nl) `char::is_alphabetic` say yes.
        for c in ['Ⅻ', '〇', '²', '₂', '½', '①'] {
            assert_eq!(tag_char(c), TagChar::No, "{c:?}");
        }
    }

    #[test]
    fn the_seventeen_specials() {
        let specials = "_\u{200C}\u{200D}\u{A67E}\u{05BE}\u{05F3}\u{05F4}\u{FF5E}\u{301C}\
                        \u{309B}\u{309C}\u{30A0}\u{30FB}\u{3003}\u{0F0B}\u{0F0C}\u{00B7}";
        assert_eq!(specials.chars().count(), 17);
        for c in specials.chars() {
            assert_eq!(tag_char(c), TagChar::Other, "{c:?}");
        }
    }

    #[test]
    fn what_ends_a_tag() {
        for c in [
            '\u{3000}', '\u{2019}', '。', '、', '「', '！', '🎗', '＃', '﹟', '♯', '+',
        ] {
            assert!(!is_tag_char(c), "{c:?}");
        }
    }

    #[test]
    fn hash_signs() {
        assert!(is_hash_sign('#'));
        assert!(is_hash_sign('＃'));
        assert!(!is_hash_sign('﹟'));
        assert!(!is_hash_sign('♯'));
        assert_eq!(FULLWIDTH_HASH.to_string().as_bytes(), FULLWIDTH_HASH_UTF8);
    }
}
