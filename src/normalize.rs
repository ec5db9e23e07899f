//! The counting key of a hashtag: NFKC, then whole-string Unicode lowercase
//! (then NFKC again in the rare case lowercasing un-normalizes the string).
//!
//! `#BCSM`, `#bcsm` and the fullwidth `#ＢＣＳＭ` share the key `bcsm`; `#café`
//! written precomposed or with a combining accent shares `café`. Lowercasing is
//! `str::to_lowercase`, not ASCII-only, so `#ΚΑΡΚΙΝΟΣ` gets its final sigma
//! (`καρκινος`). The display form (the spelling most used in the data) is kept
//! separately by the counter.

use unicode_normalization::{IsNormalized, UnicodeNormalization};

/// Writes the counting key of `tag` (without its hash sign) into `out`,
/// replacing what was there. Reuse `out` across calls: ASCII tags, nearly all
/// of them in practice, then cost no allocation.
///
/// # Example
/// ```
/// let mut key = String::new();
/// hashtrend::normalize::key_into("ＢＣＳＭ", &mut key);
/// assert_eq!(key, "bcsm");
/// ```
pub fn key_into(tag: &str, out: &mut String) {
    out.clear();
    if tag.is_ascii() {
        // NFKC leaves ASCII unchanged and ASCII lowercasing equals Unicode
        // lowercasing on ASCII, so this is the same key, far cheaper.
        out.push_str(tag);
        out.make_ascii_lowercase();
    } else {
        let nfkc: String = tag.nfkc().collect();
        let lower = nfkc.to_lowercase();
        // Lowercasing can leave marks out of canonical order (İ + U+0316
        // lowers to i, U+0307, U+0316), so normalize once more when needed:
        // the key must itself be a normalized, idempotent key.
        if unicode_normalization::is_nfkc_quick(lower.chars()) == IsNormalized::Yes {
            out.push_str(&lower);
        } else {
            out.extend(lower.nfkc());
        }
    }
}

/// The counting key of `tag`, as a new string. See [`key_into`].
pub fn key(tag: &str) -> String {
    let mut out = String::new();
    key_into(tag, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_and_width_fold_together() {
        assert_eq!(key("BCSM"), "bcsm");
        assert_eq!(key("Bcsm"), "bcsm");
        assert_eq!(key("ＢＣＳＭ"), "bcsm");
        assert_eq!(key("ｈａｓｈｔａｇ１２３"), "hashtag123");
    }

    #[test]
    fn composed_and_decomposed_accents_fold_together() {
        assert_eq!(key("caf\u{e9}"), key("cafe\u{301}"));
        assert_eq!(key("CAFÉ"), "caf\u{e9}");
    }

    #[test]
    fn unicode_lowercase_with_final_sigma() {
        assert_eq!(key("ΚΑΡΚΙΝΟΣ"), "καρκινος");
        assert_eq!(key("Здоровье"), "здоровье");
        assert_eq!(key("健康"), "健康");
    }

    #[test]
    fn idempotent_on_every_code_point() {
        // Alone and after a letter, so that context-dependent lowercasing
        // (the final sigma) is exercised too.
        let mut bad = Vec::new();
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            for t in [c.to_string(), format!("a{c}"), format!("{c}Σ")] {
                let k = key(&t);
                if key(&k) != k {
                    bad.push(t);
                }
            }
        }
        assert!(
            bad.is_empty(),
            "{} strings, e.g. {:?}",
            bad.len(),
            &bad[..bad.len().min(10)]
        );
    }

    #[test]
    fn idempotent() {
        for t in [
            "BCSM",
            "ＢＣＳＭ",
            "cafe\u{301}",
            "ΚΑΡΚΙΝΟΣ",
            "İstanbul",
            "ﬁ",
            // Lowercasing İ puts U+0307 after U+0316: found by a proptest.
            "İ\u{316}",
        ] {
            let k = key(t);
            assert_eq!(key(&k), k, "{t}");
        }
    }
}
