//! Hashtag extraction: hand-checked cases and properties.
//!
//! The cases come from `shared/reference/hashtag-rules.md` (its 25 tricky
//! examples, with their code-point offsets, and its further edge cases) and
//! from health-flavoured posts worked out from the same rules. Each expected
//! value sits next to its input: tags, then `[start, end)` in code points,
//! the hash sign included. All were also confirmed against twitter-text
//! 3.1.0's JavaScript implementation.

use std::fmt::Write as _;

use hashtrend::hashtag::{Hashtag, hashtags, is_valid_hashtag};
use proptest::prelude::*;

/// An input and the hashtags expected from it, as (tag, start, end) with
/// code-point offsets.
type Case = (&'static str, &'static [(&'static str, usize, usize)]);

/// Runs every case and reports all the failures at once, each as a block.
fn check(cases: &[Case]) {
    let mut failures = String::new();
    for &(text, expected) in cases {
        let actual: Vec<(&str, usize, usize)> = hashtags(text)
            .map(|h| {
                let span = h.code_point_span(text);
                (h.tag, span.start, span.end)
            })
            .collect();
        if actual != expected {
            let _ = writeln!(
                failures,
                "text:     {text:?}\nexpected: {expected:?}\nactual:   {actual:?}\n"
            );
        }
    }
    assert!(failures.is_empty(), "some cases failed:\n\n{failures}");
}

/// The 25 tricky examples of the rules document, numbered as there.
#[test]
fn the_25_tricky_examples() {
    check(&[
        /* 1 */
        (
            "Join #BCSM tonight, #bcsm too",
            &[("BCSM", 5, 10), ("bcsm", 20, 25)],
        ),
        /* 2 */
        (
            "Living with #T1D since 2010 #COVID19",
            &[("T1D", 12, 16), ("COVID19", 28, 36)],
        ),
        /* 3 */ ("#COVID-19 update", &[("COVID", 0, 6)]),
        /* 4 */ ("Great #MedEd session!", &[("MedEd", 6, 12)]),
        /* 5 */ ("#1", &[]),
        /* 6 */ ("#1a", &[("1a", 0, 3)]),
        /* 7 */ ("foo#bar", &[]),
        /* 8 */
        (
            "It&#x27;s #ASCO24 &amp;#MedEd &#39;",
            &[("ASCO24", 10, 17), ("MedEd", 23, 29)],
        ),
        /* 9 */
        (
            "＃BCSM ＃ｈａｓｈｔａｇ１２３",
            &[("BCSM", 0, 5), ("ｈａｓｈｔａｇ１２３", 6, 17)],
        ),
        /* 10 */ ("🎗\u{FE0F}#BCSM", &[("BCSM", 2, 7)]),
        /* 11 */ ("#BCSM🎗\u{FE0F} rocks", &[("BCSM", 0, 5)]),
        /* 12 */ ("#\u{FE0F}\u{20E3}BCSM", &[]),
        /* 13 */ ("ケア#看護 ケア #看護。", &[("看護", 9, 12)]),
        /* 14 */ ("What is #트위터 anyway?", &[("트위터", 8, 12)]),
        /* 15 */ ("#здоровье!", &[("здоровье", 0, 9)]),
        /* 16 */
        (
            "#برنامه_نویسی  #رییس_جمهور  #رئيس_الوزراء, #ثبت_نام. #لس_آنجلس",
            &[
                ("برنامه_نویسی", 0, 13),
                ("رییس_جمهور", 15, 26),
                ("رئيس_الوزراء", 28, 41),
                ("ثبت_نام", 43, 51),
                ("لس_آنجلس", 53, 62),
            ],
        ),
        /* 17 */
        (
            "#महात्मा #महात्मा_१२३४ #१२३४ गांधी",
            &[("महात्मा", 0, 8), ("महात्मा_१२३४", 9, 22)],
        ),
        /* 18 */
        (
            "#أي\u{200C}بي\u{200C}إم #می\u{200C}خواهم",
            &[
                ("أي\u{200C}بي\u{200C}إم", 0, 9),
                ("می\u{200C}خواهم", 10, 19),
            ],
        ),
        /* 19 */
        (
            "#breast_cancer #_ #1_2 #__a",
            &[("breast_cancer", 0, 14), ("__a", 23, 27)],
        ),
        /* 20 */ ("http://twitter.com/#hashtag twitter.com/#hashtag", &[]),
        /* 21 */
        (
            "Read cancer.org/#BCSM or https://t.co/abc#BCSM (#BCSM)",
            &[("BCSM", 48, 53)],
        ),
        /* 22 */ ("##double", &[("double", 1, 8)]),
        /* 23 */ ("#tag#tag", &[]),
        /* 24 */
        (
            "#BCSM. #BCSM, (#BCSM) #BCSM!",
            &[
                ("BCSM", 0, 5),
                ("BCSM", 7, 12),
                ("BCSM", 15, 20),
                ("BCSM", 22, 27),
            ],
        ),
        /* 25 */ ("#start middle #end", &[("start", 0, 6), ("end", 14, 18)]),
    ]);
}

/// The further edge cases of the rules document, and the variations of R5
/// and R6 it lists.
#[test]
fn further_edge_cases() {
    check(&[
        ("#CO\u{2082}", &[("CO", 0, 3)]),
        ("#BCSM\u{200D}", &[("BCSM\u{200D}", 0, 6)]),
        (
            "#COVID19\u{FE0F}\u{20E3}",
            &[("COVID19\u{FE0F}\u{20E3}", 0, 10)],
        ),
        ("#a##b", &[("b", 3, 5)]),
        ("#\u{FE0E}hashtag", &[("\u{FE0E}hashtag", 0, 9)]),
        ("x\u{200D}#tag", &[]),
        ("#1\u{FE0F}#b", &[]),
        ("❤\u{FE0F}#b", &[("b", 2, 4)]),
        ("#漢〇字", &[("漢", 0, 2)]),
        ("#cancer.org", &[("cancer", 0, 7)]),
        ("#LCSM's", &[("LCSM", 0, 5)]),
        ("#il·lusió", &[("il·lusió", 0, 9)]),
        ("#ta\u{0301}im", &[("ta\u{0301}im", 0, 6)]),
        // R6's exception: a selector that ended a killed candidate blocks.
        ("#a\u{FE0F}#b", &[]),
        ("#a\u{FE0F}＃b", &[]),
        ("x\u{FE0F}#b", &[("b", 2, 4)]),
        ("x#a\u{FE0F}#b", &[("b", 4, 6)]),
        ("＃＃double", &[("double", 1, 8)]),
        ("#tag://x", &[]),
        ("#http://twitter.com", &[]),
        ("#BCSM#LCSM", &[]),
        ("#HCLDR:#MedEd", &[("HCLDR", 0, 6), ("MedEd", 7, 13)]),
        ("#ASCO24/#ESMO24", &[("ASCO24", 0, 7), ("ESMO24", 8, 15)]),
        // R4: a letter or mark is needed, a lone mark will do.
        ("#\u{0301}", &[("\u{0301}", 0, 2)]),
        ("#1 #0 #16 #2024 #१२३४ #١٢", &[]),
        ("#_ #1_2 #〃 #·", &[]),
        ("#__a #a·", &[("__a", 0, 4), ("a·", 5, 8)]),
        (
            "#1a #1st #100DaysOfCode #۳۴۵هشتگ",
            &[
                ("1a", 0, 3),
                ("1st", 4, 8),
                ("100DaysOfCode", 9, 23),
                ("۳۴۵هشتگ", 24, 32),
            ],
        ),
        (
            "#ş #a #İn #ın",
            &[("ş", 0, 2), ("a", 3, 5), ("İn", 6, 9), ("ın", 10, 13)],
        ),
        ("Ⅻ#a #Ⅻa", &[("a", 1, 3)]),
        // R5: what may precede the sign.
        ("2#tag x_#tag 日本語#タグ", &[]),
        (
            ".#a :#a (#a /#a ’#a 。#a ！#a 🎗#a ✌🏿#a @#a $#a ;#a",
            &[
                ("a", 1, 3),
                ("a", 5, 7),
                ("a", 9, 11),
                ("a", 13, 15),
                ("a", 17, 19),
                ("a", 21, 23),
                ("a", 25, 27),
                ("a", 29, 31),
                // `✌🏿` is two code points.
                ("a", 34, 36),
                ("a", 38, 40),
                ("a", 42, 44),
                ("a", 46, 48),
            ],
        ),
        ("&amp;#BCSM", &[("BCSM", 5, 10)]),
        // R7: URLs hide the hashtags they contain.
        ("http://www.example.com/#answer", &[]),
        ("http://x.com/ #BCSM", &[("BCSM", 14, 19)]),
        (
            "cancer.org/#BCSM https://x.com/#/#BCSM http://x.com/?q=#BCSM",
            &[],
        ),
        ("foo.com#BCSM https://t.co/abc#BCSM", &[]),
        (
            "http://en.wikipedia.org/wiki/\"#Punctuation",
            &[("Punctuation", 30, 42)],
        ),
        (
            "#twitter.com #twitter.co.jp",
            &[("twitter", 0, 8), ("twitter", 13, 21)],
        ),
        // A URL starting inside a kept hashtag is dropped, so it hides
        // nothing; a `＃` is a domain character to the URL rules.
        ("#中x.com/#bar", &[("中x", 0, 3), ("bar", 8, 12)]),
        ("x-＃foo.com #y", &[("foo", 2, 6), ("y", 11, 13)]),
        // A URL without scheme keeps its query only with a path.
        ("x.com?q=#tag x.com/?q=#tag", &[("tag", 8, 12)]),
    ]);
}

/// Posts of the kind hashtrend's users analyse.
#[test]
fn health_posts() {
    check(&[
        ("#COVID-19 vaccines work", &[("COVID", 0, 6)]),
        (
            "Live from #ASCO24/#ESMO24 today",
            &[("ASCO24", 10, 17), ("ESMO24", 18, 25)],
        ),
        ("Q&A #BCSM tonight", &[("BCSM", 4, 9)]),
        ("Q&A#BCSM Q&#BCSM &#35;BCSM", &[]),
        ("#BCSM&#LCSM", &[("BCSM", 0, 5)]),
        ("#LCSM's chat at 9pm ET", &[("LCSM", 0, 5)]),
        (
            "#T1D #type1diabetes #1in100",
            &[("T1D", 0, 4), ("type1diabetes", 5, 19), ("1in100", 20, 27)],
        ),
        (
            "#MentalHealthAwarenessWeek2024!",
            &[("MentalHealthAwarenessWeek2024", 0, 30)],
        ),
        (
            "Vaccines save lives. #VaccinesWork.",
            &[("VaccinesWork", 21, 34)],
        ),
        (
            "#OncTwitter (#MedTwitter)",
            &[("OncTwitter", 0, 11), ("MedTwitter", 13, 24)],
        ),
        ("RT @user: #ASCO24 highlights", &[("ASCO24", 10, 17)]),
        (
            "#long_covid #LongCovid",
            &[("long_covid", 0, 11), ("LongCovid", 12, 22)],
        ),
        ("#HIV/AIDS", &[("HIV", 0, 4)]),
        ("#PrEP4All #U=U", &[("PrEP4All", 0, 9), ("U", 10, 12)]),
        (
            "#MeToo #NHS #NHS75",
            &[("MeToo", 0, 6), ("NHS", 7, 11), ("NHS75", 12, 18)],
        ),
        (
            "#GlobalHealth\u{3000}#UHC",
            &[("GlobalHealth", 0, 13), ("UHC", 14, 18)],
        ),
        // Scripts, precomposed and decomposed accents, fullwidth forms.
        (
            "#breastcancer #乳がん #рак #कैंसर #سرطان",
            &[
                ("breastcancer", 0, 13),
                ("乳がん", 14, 18),
                ("рак", 19, 23),
                ("कैंसर", 24, 30),
                ("سرطان", 31, 37),
            ],
        ),
        (
            "#café #cafe\u{0301}",
            &[("café", 0, 5), ("cafe\u{0301}", 6, 12)],
        ),
        (
            "#健康 #здоровье #स्वास्थ्य #صحة",
            &[
                ("健康", 0, 3),
                ("здоровье", 4, 13),
                ("स्वास्थ्य", 14, 24),
                ("صحة", 25, 29),
            ],
        ),
        ("＃ＢＣＳＭ、＃乳癌", &[("ＢＣＳＭ", 0, 5), ("乳癌", 6, 9)]),
        // URLs with fragments and queries, with and without scheme.
        (
            "Slides: https://www.cdc.gov/flu/#vaccine #FluSeason",
            &[("FluSeason", 41, 51)],
        ),
        ("See cdc.gov/#FluSeason", &[]),
        ("who.int #WorldHealthDay", &[("WorldHealthDay", 8, 23)]),
        (
            "Register: https://t.co/AbC123#ESMO24 #ESMO24",
            &[("ESMO24", 37, 44)],
        ),
        ("pubmed.ncbi.nlm.nih.gov/12345678/#abstract", &[]),
        (
            "Read it: en.wikipedia.org/wiki/Breast_cancer#Signs_and_symptoms",
            &[],
        ),
        (
            "nejm.org/doi/full/10.1056/NEJMoa2034577#article_citing_articles #COVID19",
            &[("COVID19", 64, 72)],
        ),
        (
            "https://ascopubs.org/doi/10.1200/JCO.2023.41.16 #JCO #ASCO23",
            &[("JCO", 48, 52), ("ASCO23", 53, 60)],
        ),
        (
            "Email us: info@cancer.org #CancerAwareness",
            &[("CancerAwareness", 26, 42)],
        ),
        (
            "Join at 8pm #BCSM: https://bcsm.org/chat #OncNurses",
            &[("BCSM", 12, 17), ("OncNurses", 41, 51)],
        ),
        ("MLB.tv/#Opening #Day", &[("Day", 16, 20)]),
    ]);
}

#[test]
fn spans_are_byte_ranges_and_tags_slices() {
    let text = "ケア #看護 and ＃BCSM";
    let found: Vec<Hashtag> = hashtags(text).collect();
    assert_eq!(found.len(), 2);
    assert_eq!(&text[found[0].span.clone()], "#看護");
    assert_eq!(found[0].span, 7..14);
    assert_eq!(&text[found[1].span.clone()], "＃BCSM");
    assert_eq!(found[1].tag, "BCSM");
    assert_eq!(found[1].code_point_span(text), 11..16);
}

#[test]
fn validity_follows_extraction() {
    for valid in [
        "#hashtag",
        "#1st",
        "#that1time",
        "#easyas123",
        "#ашок",
        "#트위터",
        "＃BCSM",
        "#\u{0301}",
    ] {
        assert!(is_valid_hashtag(valid), "{valid:?}");
    }
    for invalid in [
        "#12345",
        "",
        "#",
        "BCSM",
        "##a",
        "#a b",
        "#a #b",
        "#tag#",
        "#tag://",
        "#\u{FE0F}a",
        " #a",
        "#a!",
    ] {
        assert!(!is_valid_hashtag(invalid), "{invalid:?}");
    }
}

/// Long repetitive inputs must not take quadratic time. This asserts no
/// timing; a quadratic scan would simply make it run for hours.
#[test]
fn megabyte_inputs_finish() {
    const MEGABYTE: usize = 1 << 20;
    let units = [
        "#",
        "＃",
        "#a",
        "#a ",
        "a.com/",
        "a.com/#a ",
        "a.",
        "中",
        "中.",
        "x-＃a",
        "#中x.com/",
        "http://",
        "(a",
        "🎗.",
        "_.",
        "a.b.c.",
    ];
    for unit in units {
        let mut text = unit.repeat(MEGABYTE / unit.len());
        text.push_str(" #end");
        let count = hashtags(&text).count();
        assert!(count <= text.len(), "{unit:?}");
    }
}

/// Pieces that make hashtags, URLs and their boundary cases likely.
const PIECES: &[&str] = &[
    "#", "#", "#", "＃", "&", "/", ".", ":", "-", "_", "'", "@", "?", "=", "(", ")", " ", " ",
    "\u{3000}", "\n", "a", "Z", "7", "é", "ş", "漢", "〇", "²", "٣", "\u{0301}", "·", "〃",
    "\u{200D}", "\u{200C}", "\u{FE0E}", "\u{FE0F}", "\u{20E3}", "🎗", "𠀡", "http://", "https://",
    ".com", ".co", "t.co/", "x.com", ".org/", "www.", ".рф", "xn--p1ai", "tag", "BCSM", "。", "!",
    ",",
];

/// Strings biased towards hashtags and URLs, or anything at all.
fn texts() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::collection::vec(prop::sample::select(PIECES), 0..40).prop_map(|pieces| pieces.concat()),
        1 => any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Every hashtag is a whole sign-plus-tag slice of the text, in order.
    #[test]
    fn spans_are_well_formed(text in texts()) {
        let mut previous_end = 0;
        for tag in hashtags(&text) {
            let span = tag.span.clone();
            prop_assert!(span.start >= previous_end, "{span:?} overlaps the previous hashtag");
            prop_assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
            let whole = &text[span.clone()];
            let sign = whole.chars().next().unwrap();
            prop_assert!(sign == '#' || sign == '＃', "{whole:?} does not start with a hash sign");
            prop_assert_eq!(&whole[sign.len_utf8()..], tag.tag);
            prop_assert!(!tag.tag.is_empty());
            let points = tag.code_point_span(&text);
            prop_assert_eq!(points.start, text[..span.start].chars().count());
            prop_assert_eq!(points.len(), tag.tag.chars().count() + 1);
            previous_end = span.end;
        }
    }

    /// A string is a valid hashtag exactly when extraction finds one
    /// hashtag spanning all of it; and every hashtag found is valid alone.
    #[test]
    fn validity_agrees_with_extraction(text in texts()) {
        let found: Vec<_> = hashtags(&text).collect();
        let whole = found.len() == 1 && found[0].span == (0..text.len());
        prop_assert_eq!(is_valid_hashtag(&text), whole);
        for tag in &found {
            prop_assert!(is_valid_hashtag(&text[tag.span.clone()]), "{:?}", &text[tag.span.clone()]);
        }
    }
}
