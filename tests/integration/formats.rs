//! Every JSON-shaped export of the formats issue
//! (<https://github.com/hashtrend/hashtrend/issues/3>), on small fixtures in
//! tests/fixtures/formats/. The expected numbers were counted by hand from
//! the fixtures; tests/fixtures/formats/README.md explains each of them.
//! Each fixture runs every way (threads, tiny chunks) and must agree.

use std::io::Cursor;
use std::path::PathBuf;

use hashtrend::source::TagsFrom;
use hashtrend::{AnalyzerBuilder, Input, SkipReason, TrendReport};

use crate::assert_blocks_eq;
use crate::util::{fixture, run_all_ways};

fn path(name: &str) -> PathBuf {
    fixture(&format!("formats/{name}"))
}

fn run(names: &[&str], tags_from: TagsFrom) -> TrendReport {
    let paths: Vec<PathBuf> = names.iter().map(|n| path(n)).collect();
    run_all_ways(&paths, |b| {
        b.tags_from(tags_from);
    })
}

/// Every tag's totals over the run, one `key posts occurrences authors`
/// line each, in key order.
fn totals(r: &TrendReport) -> String {
    let c = r.counts();
    c.tags()
        .iter()
        .zip(c.totals())
        .map(|(tag, t)| format!("{} {} {} {}\n", tag.key, t.posts, t.occurrences, t.authors))
        .collect()
}

/// Every (day, tag) cell as `day key posts`, by day then key.
fn days(r: &TrendReport) -> String {
    let c = r.counts();
    c.cells()
        .iter()
        .map(|cell| {
            let day = r.bucketer().format(c.buckets()[cell.bucket as usize]);
            let key = &c.tags()[cell.tag as usize].key;
            format!("{} {key} {}\n", &day[..10], cell.tallies.posts)
        })
        .collect()
}

/// Skips as (line, reason), in input order.
fn skips(r: &TrendReport) -> Vec<(u64, SkipReason)> {
    r.diagnostics()
        .samples()
        .iter()
        .map(|s| (s.location.line, s.reason))
        .collect()
}

/// records, posts, reposts, posts without author, skipped.
fn summary(r: &TrendReport) -> (u64, u64, u64, u64, u64) {
    let s = r.summary();
    (
        s.records,
        s.posts,
        s.reposts,
        s.posts_without_author,
        s.skipped,
    )
}

#[test]
fn twitter_v1_retweets_take_the_original_text_and_tags() {
    let auto = run(&["twitter_v1.jsonl"], TagsFrom::Auto);
    assert_blocks_eq!(
        "covid19 3 3 2\nnhs 1 1 1\nppe 1 1 1\nstayhome 2 2 2\nvaccineswork 1 1 1\n",
        totals(&auto)
    );
    assert_blocks_eq!(
        "2020-04-01 covid19 1\n2020-04-01 nhs 1\n2020-04-01 ppe 1\n2020-04-01 stayhome 2\n\
         2020-04-02 covid19 1\n2020-04-02 vaccineswork 1\n2020-04-03 covid19 1\n",
        days(&auto)
    );
    assert_eq!(summary(&auto), (8, 5, 1, 0, 3));
    assert_eq!(auto.summary().posts_with_tags, 4);
    assert_eq!(
        skips(&auto),
        [
            (5, SkipReason::NotAPost),
            (6, SkipReason::DuplicateId),
            (8, SkipReason::InvalidJson),
        ]
    );
    // From the text, the compat-mode tweet cut at `#StayHom…` yields a tag
    // its entities leave out; everything else agrees.
    let text = run(&["twitter_v1.jsonl"], TagsFrom::Text);
    assert_blocks_eq!(
        "covid19 3 3 2\nnhs 1 1 1\nppe 1 1 1\nstayhom 1 1 1\nstayhome 2 2 2\nvaccineswork 1 1 1\n",
        totals(&text)
    );
    assert_eq!(text.summary().posts_with_tags, 5);
}

#[test]
fn twitter_v2_flattened_reads_note_tweets_and_inlined_retweets() {
    let r = run(&["twitter_v2_flat.jsonl"], TagsFrom::Auto);
    assert_blocks_eq!("longcovid 3 5 3\nmecfs 2 2 2\n", totals(&r));
    assert_eq!(summary(&r), (5, 4, 1, 0, 1));
    assert_eq!(skips(&r), [(5, SkipReason::MissingText)]);
    // The note's full text holds the same tags as its entities.
    let text = run(&["twitter_v2_flat.jsonl"], TagsFrom::Text);
    assert_eq!(totals(&text), totals(&r));
}

#[test]
fn twarc2_pages_join_retweets_to_their_includes() {
    let auto = run(&["twarc2_page.jsonl"], TagsFrom::Auto);
    assert_blocks_eq!(
        "covid19 1 1 1\nflu 1 1 1\nflushot 2 2 2\nmaskswork 1 1 1\n",
        totals(&auto)
    );
    assert_blocks_eq!(
        "2023-10-02 covid19 1\n2023-10-02 flu 1\n2023-10-02 flushot 2\n2023-10-03 maskswork 1\n",
        days(&auto)
    );
    assert_eq!(summary(&auto), (4, 3, 2, 0, 1));
    assert_eq!(skips(&auto), [(2, SkipReason::NotAPost)]);
    // The retweet whose original is not in `includes` keeps its cut text:
    // `#Publ…` is a tag only when read from the text.
    let text = run(&["twarc2_page.jsonl"], TagsFrom::Text);
    assert_blocks_eq!(
        "covid19 1 1 1\nflu 1 1 1\nflushot 2 2 2\nmaskswork 1 1 1\npubl 1 1 1\n",
        totals(&text)
    );
}

#[test]
fn a_pretty_printed_json_array_is_read_element_by_element() {
    let r = run(&["array_pretty.json"], TagsFrom::Auto);
    assert_blocks_eq!("audiology 2 2 1\nworldhearingday 2 2 2\n", totals(&r));
    assert_eq!(summary(&r), (6, 3, 0, 1, 3));
    assert_eq!(
        skips(&r),
        [
            (20, SkipReason::BadTime),
            (26, SkipReason::InvalidJson),
            (27, SkipReason::MissingText),
        ]
    );
}

#[test]
fn the_x_archive_tweets_js_has_no_authors() {
    let r = run(&["tweets.js"], TagsFrom::Auto);
    assert_blocks_eq!("kidneyhealth 1 1 0\nworldkidneyday 3 3 0\n", totals(&r));
    assert_eq!(summary(&r), (4, 4, 1, 4, 0));
    // The older `window.YTD.tweet.part0` prefix, in the same run.
    let both = run(&["tweets.js", "tweet-old.js"], TagsFrom::Auto);
    assert_blocks_eq!("kidneyhealth 1 1 0\nworldkidneyday 4 4 0\n", totals(&both));
    assert_eq!(both.summary().files, 2);
}

#[test]
fn mastodon_statuses_reduce_html_and_follow_boosts() {
    let auto = run(&["mastodon.jsonl"], TagsFrom::Auto);
    assert_blocks_eq!(
        "fluseason 2 2 2\nmentalhealth 1 1 1\nselfcare 1 1 1\n",
        totals(&auto)
    );
    assert_eq!(summary(&auto), (5, 3, 1, 0, 2));
    assert_eq!(
        skips(&auto),
        [(4, SkipReason::DuplicateId), (5, SkipReason::MissingText)]
    );
    // `tags` lists FluSeason once per status; the text writes it twice.
    let text = run(&["mastodon.jsonl"], TagsFrom::Text);
    assert_blocks_eq!(
        "fluseason 2 4 2\nmentalhealth 1 1 1\nselfcare 1 1 1\n",
        totals(&text)
    );
    // The same statuses as one JSON array (as the API returns them).
    let array = run(&["mastodon_array.json"], TagsFrom::Auto);
    assert_eq!(array.counts(), auto.counts());
    assert_eq!(summary(&array), summary(&auto));
}

#[test]
fn jetstream_counts_post_creations_and_names_the_rest() {
    let auto = run(&["jetstream.jsonl"], TagsFrom::Auto);
    assert_blocks_eq!(
        "cardio 1 1 1\nhearthealth 2 2 2\nnofacet 1 1 1\nwalking 1 1 1\n",
        totals(&auto)
    );
    // The post without `createdAt` falls on 06-11 by its `time_us`.
    assert_blocks_eq!(
        "2024-06-10 cardio 1\n2024-06-10 hearthealth 1\n2024-06-10 walking 1\n\
         2024-06-11 hearthealth 1\n2024-06-11 nofacet 1\n",
        days(&auto)
    );
    assert_eq!(summary(&auto), (8, 3, 0, 0, 5));
    assert_eq!(auto.diagnostics().count(SkipReason::NotAPost), 4);
    assert_eq!(
        skips(&auto),
        [
            (2, SkipReason::NotAPost),
            (3, SkipReason::NotAPost),
            (4, SkipReason::NotAPost),
            (5, SkipReason::NotAPost),
            (8, SkipReason::DuplicateId),
        ]
    );
    // `tags[]` holds tags that are not in the text.
    let text = run(&["jetstream.jsonl"], TagsFrom::Text);
    assert_blocks_eq!(
        "hearthealth 2 2 2\nnofacet 1 1 1\nwalking 1 1 1\n",
        totals(&text)
    );
}

#[test]
fn bluesky_records_bare_listed_and_viewed() {
    let r = run(&["bluesky_records.jsonl"], TagsFrom::Auto);
    assert_blocks_eq!("naps 1 1 1\nsleephealth 3 3 2\n", totals(&r));
    assert_eq!(summary(&r), (4, 3, 0, 1, 1));
    assert_eq!(skips(&r), [(4, SkipReason::NotAPost)]);
}

#[test]
fn reddit_submissions_and_comments() {
    let r = run(&["reddit.ndjson"], TagsFrom::Auto);
    assert_blocks_eq!("cgm 2 2 2\ninsulin 1 1 1\nt1d 2 2 1\n", totals(&r));
    assert_blocks_eq!(
        "2023-11-14 cgm 1\n2023-11-14 t1d 2\n2023-11-15 cgm 1\n2023-11-15 insulin 1\n",
        days(&r)
    );
    assert_eq!(summary(&r), (6, 5, 0, 1, 1));
    assert_eq!(r.summary().posts_with_tags, 4);
    assert_eq!(skips(&r), [(3, SkipReason::MissingText)]);
}

/// Runs inline JSON as one input named `name` (its extension counts).
fn run_text(name: &str, json: &str) -> TrendReport {
    AnalyzerBuilder::new()
        .chunk_bytes(16)
        .build()
        .run(vec![Input::from_reader(
            name,
            Cursor::new(json.as_bytes().to_vec()),
        )])
        .unwrap()
}

#[test]
fn dot_json_is_told_by_its_content() {
    let lines = "{\"text\":\"#a\",\"created_at\":\"2024-01-01T00:00:00Z\"}\n\
                 {\"text\":\"#b\",\"created_at\":\"2024-01-01T00:00:00Z\"}\n";
    let array = "[{\"text\":\"#a\",\"created_at\":\"2024-01-01T00:00:00Z\"},\
                 {\"text\":\"#b\",\"created_at\":\"2024-01-01T00:00:00Z\"}]";
    // Objects pretty-printed one after another, as `jq .` writes them.
    let pretty = "{\n  \"text\": \"#a\",\n  \"created_at\": \"2024-01-01T00:00:00Z\"\n}\n\
                  {\n  \"text\": \"#b\",\n  \"created_at\": \"2024-01-01T00:00:00Z\"\n}\n";
    for (name, json) in [
        ("lines.json", lines),
        ("array.json", array),
        ("pretty.json", pretty),
        ("array.jsonl", array),
    ] {
        let r = run_text(name, json);
        assert_eq!((r.summary().posts, r.summary().skipped), (2, 0), "{name}");
        assert_eq!(totals(&r), "a 1 1 0\nb 1 1 0\n", "{name}");
    }
}

#[test]
fn a_truncated_array_loses_only_its_last_element() {
    let r = run_text(
        "cut.json",
        "[\n{\"text\":\"#a\",\"created_at\":\"2024-01-01T00:00:00Z\"},\n{\"text\":\"#b\",\"crea",
    );
    assert_eq!(r.summary().posts, 1);
    assert_eq!(skips(&r), [(3, SkipReason::InvalidJson)]);
}

mod chunking {
    //! Properties: however a JSON array is cut into chunks and counted by
    //! threads, the counts, diagnostics (with their quotes) and summary are
    //! the same, and arbitrary bytes read as a JSON document never panic.

    use hashtrend::TrendReport;
    use hashtrend::source::Format;
    use proptest::prelude::*;

    fn run(data: &[u8], chunk: Option<usize>, threads: usize) -> hashtrend::Result<TrendReport> {
        crate::util::run_bytes(data, Format::JsonArray, chunk, threads)
    }

    /// An element: a post (v1.1, v2 or Mastodon shaped, text with brackets,
    /// commas and escapes), a scalar, or a broken object.
    fn element() -> impl Strategy<Value = String> {
        let text = "[#a-c \\]\\[,{}\"\\\\é&<>p/]{0,30}";
        (0u8..6, 0u8..4, text, 0u8..3).prop_map(|(kind, id, text, time)| {
            let time = ["2024-06-01T10:00:00Z", "1717236000", "nope"][time as usize];
            let text = serde_json::to_string(&text).unwrap();
            match kind {
                0 => format!(
                    "{{\"id\": \"{id}\", \"created_at\": \"{time}\", \"text\": {text}, \"extra\": [[1], {{\"x\": \"]\"}}]}}"
                ),
                1 => format!(
                    "{{\"id_str\": \"{id}\", \"created_at\": \"{time}\", \"user\": {{\"id_str\": \"u\"}}, \"full_text\": {text}, \"entities\": {{\"hashtags\": [{{\"text\": \"a\"}}]}}}}"
                ),
                2 => format!(
                    "{{\"id\": \"{id}\", \"created_at\": \"{time}\", \"account\": {{\"id\": \"1\"}}, \"content\": {text}, \"tags\": []}}"
                ),
                3 => format!("{id}"),
                4 => "{\"broken\": ]".to_owned(),
                _ => format!("{{\"tweet\": {{\"id_str\": \"{id}\", \"created_at\": \"{time}\", \"full_text\": {text}}}}}"),
            }
        })
    }

    fn document() -> impl Strategy<Value = String> {
        let sep = prop_oneof![Just(","), Just(",\n  "), Just(" ,\r\n"), Just(",\n")];
        (
            proptest::collection::vec((element(), sep), 0..25),
            prop_oneof![
                Just("["),
                Just("[\n  "),
                Just("window.YTD.tweets.part0 = [ ")
            ],
            prop_oneof![Just("]"), Just("\n]\n"), Just(""), Just("] trailing")],
        )
            .prop_map(|(items, open, close)| {
                let mut s = open.to_owned();
                for (i, (item, sep)) in items.iter().enumerate() {
                    if i > 0 {
                        s.push_str(sep);
                    }
                    s.push_str(item);
                }
                s.push_str(close);
                s
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn json_array_chunking_and_threads_never_change_counts(input in document(), chunk in 1usize..300) {
            let whole = run(input.as_bytes(), None, 1).unwrap();
            let cut = run(input.as_bytes(), Some(chunk), 3).unwrap();
            prop_assert_eq!(whole.counts(), cut.counts());
            prop_assert_eq!(whole.diagnostics(), cut.diagnostics());
            prop_assert_eq!(whole.summary(), cut.summary());
            let s = whole.summary();
            prop_assert_eq!(s.records, s.posts + s.skipped + s.reposts_excluded);
        }

        #[test]
        fn arbitrary_bytes_as_a_json_document_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let _ = run(&bytes, Some(16), 2);
        }
    }
}
