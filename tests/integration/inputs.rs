//! Inputs as analysts have them: other delimiters, no header, no quoting,
//! compression, UTF-16 and Windows-1252, directories and globs, and the
//! unusable files that must get a clear one-line message.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;
use hashtrend::rank::Measure;
use hashtrend::report::count_rows;
use hashtrend::{SkipReason, TrendReport};

use crate::assert_blocks_eq;
use crate::util::{csv_of, expected, fixture, run_all_ways};

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    fs::write(&p, bytes).unwrap();
    p
}

fn totals(r: &TrendReport, tag: &str) -> (u64, u64, u64) {
    let t = r.counts().total(tag);
    (t.posts, t.occurrences, t.authors)
}

#[test]
fn headerless_pipe_file_without_quoting_keeps_extra_pipes_in_the_text() {
    // Like the news-feed exports: id|created_at|text, no header, no quoting,
    // CRLF, a text that starts with a quote that never closes, a text with
    // `|` inside, no final newline. Hand count: #ebola in rows 1, 2 and 4
    // (row 4 after the extra `|`), #NHS in row 3.
    let dir = tempfile::tempdir().unwrap();
    let data = "586266658731388929|Thu Apr 09 20:37:18 +0000 2015|\"Quote without end #Ebola http://x.co/1\r\n\
                586266658731388930|Thu Apr 09 21:37:18 +0000 2015|Second #ebola post\r\n\
                586266658731388931|Fri Apr 10 08:00:00 +0000 2015|National Briefing | #NHS news\r\n\
                586266658731388932|Fri Apr 10 09:00:00 +0000 2015|A | B | C #EBOLA";
    let p = write(dir.path(), "feed.txt", data.as_bytes());
    let r = run_all_ways(&[p], |_| {});
    assert_eq!(r.summary().records, 4);
    assert_eq!(totals(&r, "ebola"), (3, 3, 0));
    assert_eq!(totals(&r, "nhs"), (1, 1, 0));
    assert_eq!(r.counts().buckets().len(), 2);
    assert!(
        r.notes()
            .iter()
            .any(|n| n.contains("2 records had more fields")),
        "{:?}",
        r.notes()
    );
}

#[test]
fn semicolons_and_tabs_are_sniffed() {
    let dir = tempfile::tempdir().unwrap();
    let semi = "date;user;message\n2024-06-01 10:00:00;a;Hola #Salud, y #salud\n2024-06-02 10:00:00;b;\"x; y\" #T1D\n";
    let tabs = semi.replace(';', "\t").replace("\"x\t y\"", "x y");
    for (name, data) in [("semi.csv", semi.to_owned()), ("tabs.txt", tabs)] {
        let p = write(dir.path(), name, data.as_bytes());
        let r = run_all_ways(&[p], |_| {});
        assert_eq!(totals(&r, "salud"), (1, 2, 1), "{name}");
        assert_eq!(totals(&r, "t1d"), (1, 1, 1), "{name}");
    }
}

#[test]
fn time_column_found_by_name_words_whose_values_parse() {
    // `sentiment` holds small numbers that would parse as 1970 epochs and
    // `time_zone` holds names: `firstpost_date` (MM/DD/YY) is the time.
    let dir = tempfile::tempdir().unwrap();
    let data = "sentiment,time_zone,firstpost_date,content,trackback_author_nick,hashtags\n\
                -3,Eastern Time,06/01/14,#Celiac and #GlutenFree tips…,ann,celiac~glutenfree~gftips\n\
                2,None,06/02/14,RT @ann: #celiac day,bob,celiac\n\
                0,None,06/02/14,no tags,cid,None\n";
    let p = write(dir.path(), "hta.csv", data.as_bytes());
    let r = run_all_ways(std::slice::from_ref(&p), |_| {});
    // Tags come from the hashtags column (auto): gftips was cut from the text.
    assert_eq!(totals(&r, "celiac"), (2, 2, 2));
    assert_eq!(totals(&r, "gftips"), (1, 1, 1));
    assert_eq!(r.counts().buckets(), [1_401_580_800, 1_401_667_200]);
    assert_eq!(r.summary().reposts, 1);
    let from_text = run_all_ways(&[p], |b| {
        b.tags_from("text".parse().unwrap());
    });
    assert_eq!(totals(&from_text, "gftips"), (0, 0, 0));
    assert_eq!(totals(&from_text, "glutenfree"), (1, 1, 1));
}

#[test]
fn compressed_and_utf16_copies_count_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let csv = fs::read(fixture("clinic.csv")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&csv).unwrap();
    let zst = zstd::encode_all(&csv[..], 3).unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    for u in String::from_utf8(csv.clone()).unwrap().encode_utf16() {
        utf16.extend(u.to_le_bytes());
    }
    for (name, bytes) in [
        ("c.csv.gz", gz.finish().unwrap()),
        ("c.csv.zst", zst),
        ("c16.csv", utf16),
    ] {
        let p = write(dir.path(), name, &bytes);
        let r = run_all_ways(&[p], |_| {});
        assert_blocks_eq!(
            expected("clinic.count.csv"),
            csv_of(&count_rows(&r, Measure::Posts, None))
        );
    }
}

#[test]
fn windows_1252_records_are_read_and_noted() {
    // 0x92 is ’ and 0xE9 is é in Windows-1252; the second record is UTF-8.
    let dir = tempfile::tempdir().unwrap();
    let mut data = b"created_at,text\n2024-06-01T00:00:00Z,It\x92s #caf\xe9 time\n".to_vec();
    data.extend("2024-06-01T01:00:00Z,#café again\n".as_bytes());
    let p = write(dir.path(), "cp.csv", &data);
    let r = run_all_ways(&[p], |_| {});
    assert_eq!(totals(&r, "café"), (2, 2, 0));
    assert_eq!(r.summary().invalid_utf8, 1);
    assert!(
        r.notes()
            .iter()
            .any(|n| n.contains("1 record not valid UTF-8, read as Windows-1252"))
    );
}

#[test]
fn directories_and_globs_expand_to_their_data_files() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("sub")).unwrap();
    fs::copy(fixture("clinic.csv"), dir.path().join("a.csv")).unwrap();
    fs::copy(fixture("clinic.jsonl"), dir.path().join("sub/b.jsonl")).unwrap();
    write(dir.path(), "README.md", b"# not data\n");
    let r = run_all_ways(&[dir.path().to_path_buf()], |_| {});
    assert_eq!(r.summary().files, 2);
    assert_eq!(r.summary().files_ignored, 1);
    // The JSON copy repeats every id: counts equal the CSV's alone.
    assert_blocks_eq!(
        expected("clinic.count.csv"),
        csv_of(&count_rows(&r, Measure::Posts, None))
    );
    let pattern = dir.path().join("*.csv");
    let r = run_all_ways(&[pattern], |_| {});
    assert_eq!(r.summary().files, 1);
}

#[test]
fn truncated_inputs_count_their_broken_last_record() {
    let dir = tempfile::tempdir().unwrap();
    let csv = write(
        dir.path(),
        "t.csv",
        b"created_at,text\n2024-06-01T00:00:00Z,#ok\n2024-06-01T01:00:00Z,\"cut off #here",
    );
    let r = run_all_ways(&[csv], |_| {});
    assert_eq!(totals(&r, "ok"), (1, 1, 0));
    assert_eq!(r.diagnostics().count(SkipReason::MalformedRecord), 1);
    let jsonl = write(
        dir.path(),
        "t.jsonl",
        b"{\"created_at\":\"2024-06-01T00:00:00Z\",\"text\":\"#ok\"}\n{\"created_at\":\"2024-06-01T01:00",
    );
    let r = run_all_ways(&[jsonl], |_| {});
    assert_eq!(totals(&r, "ok"), (1, 1, 0));
    assert_eq!(r.diagnostics().count(SkipReason::InvalidJson), 1);
}

#[test]
fn nul_bytes_and_a_huge_field_do_not_stop_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let mut data =
        b"created_at,text\n2024-06-01T00:00:00Z,a\0b #nul\n2024-06-01T00:00:01Z,\"".to_vec();
    data.extend(std::iter::repeat_n(b'x', 100 << 20));
    data.extend(b" #huge\"\n2024-06-01T00:00:02Z,#after\n");
    let p = write(dir.path(), "big.csv", &data);
    drop(data);
    let r = hashtrend::AnalyzerBuilder::new()
        .build()
        .run_paths(&[p])
        .unwrap();
    assert_eq!(totals(&r, "nul"), (1, 1, 0));
    assert_eq!(totals(&r, "huge"), (1, 1, 0));
    assert_eq!(totals(&r, "after"), (1, 1, 0));
}

#[test]
fn time_from_id_reads_snowflakes() {
    // (586266658731388929 >> 22) + 1288834974657 = 1428611838123 ms:
    // 2015-04-09T20:37:18Z, the tweet's own created_at.
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "ids.csv",
        b"id,text\n586266658731388929,#vaccines\nnot-an-id,#x\n",
    );
    let r = run_all_ways(&[p], |b| {
        b.time_from_id(true).bucket("minute".parse().unwrap());
    });
    assert_eq!(r.counts().buckets(), [1_428_611_820]);
    assert_eq!(r.diagnostics().count(SkipReason::BadTime), 1);
}

fn hashtrend(args: &[&str]) -> std::process::Output {
    Command::cargo_bin("hashtrend")
        .unwrap()
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn skipped_rows_go_to_a_csv_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("skipped.csv");
    let f = fixture("clinic.csv");
    let o = hashtrend(&[
        "count",
        "--skipped",
        out.to_str().unwrap(),
        f.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let text = fs::read_to_string(out).unwrap();
    let name = f.to_str().unwrap();
    // Byte offsets of the starts of lines 6, 10, 11 and 12 of clinic.csv,
    // computed with Python: [0] + [i + 1 for i, b in enumerate(data) if b == 10].
    let want = format!(
        "file,line,byte_offset,reason,excerpt\n\
         {name},6,326,duplicate_id,\"102,2024-05-31T09:15:00Z,bob,\"\"#asco24 keynote on #bcsm care, #ASCO24 rocks\"\"\"\n\
         {name},10,541,bad_time,\"107,not-a-date,erin,#LCSM\"\n\
         {name},11,567,missing_text,\"108,2024-06-02T05:00:00Z,frank,\"\n\
         {name},12,599,missing_time,\"109,,frank,#LCSM time missing\"\n"
    );
    assert_blocks_eq!(want, text);
}

#[test]
fn unusable_files_get_one_line_each_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let empty = write(dir.path(), "empty.csv", b"");
    let header = write(dir.path(), "header.csv", b"created_at,text\n");
    let garbage = write(
        dir.path(),
        "garbage.csv",
        &[0u8, 159, 146, 150, 255, 0, 1, 2, 3, 10, 200, 201],
    );
    let empty_dir = dir.path().join("nothing");
    fs::create_dir(&empty_dir).unwrap();
    for (path, words) in [
        (&empty, "empty file"),
        (&header, "no records after the header"),
        (&garbage, "no text column"),
        (&empty_dir, "no data files"),
        (&dir.path().join("missing.csv"), "No such file"),
        // Opens, but every read fails: an unreadable path.
        (
            &std::path::PathBuf::from("/proc/self/mem"),
            "Input/output error",
        ),
    ] {
        let o = hashtrend(&["top", path.to_str().unwrap()]);
        let err = String::from_utf8(o.stderr).unwrap();
        assert_eq!(o.status.code(), Some(1), "{}: {err}", path.display());
        assert!(
            err.contains(path.to_str().unwrap()) && err.contains(words),
            "{}: {err}",
            path.display()
        );
        assert!(!err.contains("panicked"), "{err}");
    }
    // Under --strict an unusable file is an input error: exit 2.
    let o = hashtrend(&["top", "--strict", header.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn an_unusable_file_does_not_stop_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let empty = write(dir.path(), "empty.csv", b"");
    let f = fixture("clinic.csv");
    let o = hashtrend(&["count", empty.to_str().unwrap(), f.to_str().unwrap()]);
    assert!(o.status.success());
    assert_blocks_eq!(
        expected("clinic.count.csv"),
        String::from_utf8(o.stdout).unwrap()
    );
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("empty.csv: empty file"), "{err}");
}

#[test]
fn twarc_csv_and_twarc1_csv_columns() {
    let dir = tempfile::tempdir().unwrap();
    // twarc2 csv: the hashtag list is JSON, a retweet names its original in
    // referenced_tweets.retweeted.id. Hand count: #BCSM in posts 1 and 2 (by
    // 11 and 12), post 2 a repost.
    let twarc2 = "id,referenced_tweets.retweeted.id,author_id,created_at,text,entities.hashtags\n\
                  1,,11,2024-06-01T10:00:00.000Z,Hello #BCSM world,\"[{\"\"start\"\": 6, \"\"end\"\": 11, \"\"tag\"\": \"\"BCSM\"\"}]\"\n\
                  2,1,12,2024-06-01T11:00:00.000Z,RT @a: Hello #BCSM world,\"[{\"\"start\"\": 13, \"\"end\"\": 18, \"\"tag\"\": \"\"BCSM\"\"}]\"\n\
                  3,,13,2024-06-02T09:00:00.000Z,no tags here,\n";
    let p = write(dir.path(), "twarc2.csv", twarc2.as_bytes());
    let r = run_all_ways(std::slice::from_ref(&p), |_| {});
    assert_eq!(totals(&r, "bcsm"), (2, 2, 2));
    assert_eq!(r.summary().reposts, 1);
    let r = run_all_ways(&[p], |b| {
        b.exclude_reposts(true);
    });
    assert_eq!(totals(&r, "bcsm"), (1, 1, 1));
    // twarc 1 json2csv: tweet_type says retweet, hashtags are space-separated
    // and a retweet carries the original's (the text is cut: `#T1D…`).
    let twarc1 = "id,created_at,parsed_created_at,user_screen_name,text,tweet_type,hashtags,user_id\n\
                  10,Wed Oct 10 20:19:24 +0000 2018,2018-10-10 20:19:24+00:00,ann,Go #T1D #t1d,original,T1D t1d,100\n\
                  11,Wed Oct 10 21:19:24 +0000 2018,2018-10-10 21:19:24+00:00,bob,RT @ann: Go #T1…,retweet,T1D t1d,101\n";
    let p = write(dir.path(), "twarc1.csv", twarc1.as_bytes());
    let r = run_all_ways(&[p], |_| {});
    assert_eq!(totals(&r, "t1d"), (2, 4, 2));
    assert_eq!(r.summary().reposts, 1);
    assert_eq!(r.counts().buckets(), [1_539_129_600]);
}

#[test]
fn html_escaped_text_is_decoded_once_before_extraction() {
    // The author typed `Q&A #BCSM &#LCSM`; the API escaped it. Decoded once,
    // `&#LCSM` follows `&`, which blocks a tag; #BCSM counts.
    let dir = tempfile::tempdir().unwrap();
    let line = r#"{"id":"1","created_at":"2024-06-01T00:00:00Z","author_id":"9","text":"Q&amp;A #BCSM &amp;#LCSM"}"#;
    let p = write(dir.path(), "api.jsonl", format!("{line}\n").as_bytes());
    let r = run_all_ways(&[p], |_| {});
    assert_eq!(totals(&r, "bcsm"), (1, 1, 1));
    assert_eq!(totals(&r, "lcsm"), (0, 0, 0));
}

/// A CSV of `rows` posts, longer than the 64 KiB read to sniff the format
/// when `rows` is in the thousands, so the rest is read by the thread that
/// reads batches.
fn long_csv(rows: usize) -> Vec<u8> {
    let mut csv = String::from("id,created_at,text\n");
    for i in 0..rows {
        csv += &format!("{i},2024-01-01T00:00:00Z,post number {i} #tag{}\n", i % 7);
    }
    csv.into_bytes()
}

/// Gives its bytes, then panics instead of reporting the end: a caller's
/// reader behind `Input::from_reader` that fails on the thread reading it.
struct PanicsAtEnd(std::io::Cursor<Vec<u8>>);

impl std::io::Read for PanicsAtEnd {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.0.read(buf)?;
        assert!(n > 0, "this test's reader panics on purpose at its end");
        Ok(n)
    }
}

/// Gives its bytes, then an I/O error (a network share gone, a truncated
/// download behind a decoder).
struct FailsAtEnd(std::io::Cursor<Vec<u8>>);

impl std::io::Read for FailsAtEnd {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self.0.read(buf)? {
            0 => Err(std::io::Error::other("the share went away")),
            n => Ok(n),
        }
    }
}

fn run_reader(
    name: &str,
    reader: impl std::io::Read + Send + 'static,
) -> hashtrend::Result<TrendReport> {
    hashtrend::AnalyzerBuilder::new()
        .chunk_bytes(4096)
        .build()
        .run(vec![hashtrend::Input::from_reader(name, reader)])
}

#[test]
fn a_reader_that_panics_is_an_error_not_a_short_count() {
    let csv = long_csv(4000);
    assert!(csv.len() > 128 * 1024);
    let err = run_reader("panics.csv", PanicsAtEnd(std::io::Cursor::new(csv)))
        .expect_err("a reader that panicked must not end the input quietly");
    let message = err.to_string();
    assert!(message.contains("panics.csv"), "{message}");
    assert!(message.contains("stopped unexpectedly"), "{message}");
}

#[test]
fn a_read_error_midway_is_an_error_naming_the_input() {
    let csv = long_csv(4000);
    // The same bytes read to their end count all 4000 posts.
    let whole = run_reader("whole.csv", std::io::Cursor::new(csv.clone())).unwrap();
    assert_eq!(whole.summary().posts, 4000);
    let err = run_reader("share.csv", FailsAtEnd(std::io::Cursor::new(csv)))
        .expect_err("a read error must not end the input quietly");
    let message = err.to_string();
    assert!(message.contains("share.csv"), "{message}");
    assert!(message.contains("the share went away"), "{message}");
}
