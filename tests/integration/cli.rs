//! The `hashtrend` binary: contract columns, exit codes, pipes.

use std::io::Read;
use std::process::{Command, Stdio};

use assert_cmd::cargo::CommandCargoExt;

use crate::assert_blocks_eq;
use crate::util::{expected, fixture};

fn hashtrend() -> Command {
    Command::cargo_bin("hashtrend").unwrap()
}

fn run_ok(args: &[&str]) -> String {
    let out = hashtrend().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "hashtrend {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn count_writes_the_contract_columns() {
    let f = fixture("clinic.csv");
    let out = run_ok(&["count", f.to_str().unwrap()]);
    assert_blocks_eq!(expected("clinic.count.csv"), out);
}

#[test]
fn count_in_a_zone_labels_buckets_with_the_offset() {
    let f = fixture("clinic.jsonl");
    let out = run_ok(&["count", "--tz", "America/New_York", f.to_str().unwrap()]);
    assert_blocks_eq!(expected("clinic.count.new_york.csv"), out);
}

#[test]
fn top_writes_the_contract_columns() {
    let f = fixture("clinic.csv");
    let out = run_ok(&["top", "--threads", "1", f.to_str().unwrap()]);
    assert_blocks_eq!(expected("clinic.top.csv"), out);
    let two = run_ok(&["top", "--top", "2", "--output", "csv", f.to_str().unwrap()]);
    assert_eq!(two.lines().count(), 3);
}

#[test]
fn count_top_keeps_n_per_bucket() {
    let f = fixture("clinic.csv");
    let out = run_ok(&["count", "--top", "1", f.to_str().unwrap()]);
    let want = "bucket,tag,posts,occurrences,authors\n\
                2024-05-31T00:00:00Z,bcsm,3,3,3\n\
                2024-06-01T00:00:00Z,bcsm,2,2,1\n\
                2024-06-02T00:00:00Z,lcsm,2,4,2\n";
    assert_blocks_eq!(want, out);
}

#[test]
fn json_output_has_the_csv_fields() {
    let f = fixture("clinic.csv");
    let out = run_ok(&["top", "--output", "json", f.to_str().unwrap()]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let first = &v[0];
    let keys: Vec<&str> = first
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut want = ["rank", "tag", "display", "posts", "occurrences", "authors"];
    want.sort_unstable();
    let mut keys_sorted = keys.clone();
    keys_sorted.sort_unstable();
    assert_eq!(keys_sorted, want);
    assert_eq!(first["tag"], "bcsm");
    assert_eq!(first["display"], "BCSM");
    assert_eq!(first["posts"], 5);
    assert_eq!(v.as_array().unwrap().len(), 6);
}

#[test]
fn table_output_aligns_columns() {
    let f = fixture("clinic.csv");
    let out = run_ok(&["top", "--output", "table", f.to_str().unwrap()]);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("rank  tag "), "{out}");
    assert!(
        lines[1].contains("bcsm") && lines[1].contains("BCSM"),
        "{out}"
    );
}

#[test]
fn extract_writes_one_json_array_per_line() {
    let mut child = hashtrend()
        .arg("extract")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(
            "Live #BCSM and #T1D\nnothing here\r\n&amp;#MedEd Q&amp;A #HCLDR\n#café".as_bytes(),
        )
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    // `&amp;#MedEd` is taken literally: `;` precedes the sign, so it is a tag.
    assert_blocks_eq!(
        "[\"BCSM\",\"T1D\"]\n[]\n[\"MedEd\",\"HCLDR\"]\n[\"café\"]\n",
        String::from_utf8(out.stdout).unwrap()
    );
}

#[test]
fn skipped_rows_are_reported_on_stderr_with_totals() {
    let f = fixture("clinic.csv");
    let out = hashtrend()
        .args(["count", f.to_str().unwrap()])
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("clinic.csv:6"), "{err}");
    assert!(err.contains("duplicate_id"), "{err}");
    assert!(
        err.contains("skipped 4: 1 missing_text, 1 missing_time, 1 bad_time, 1 duplicate_id"),
        "{err}"
    );
}

#[test]
fn strict_mode_fails_on_the_first_bad_row_with_exit_2() {
    let f = fixture("clinic.csv");
    let out = hashtrend()
        .args(["count", "--strict", f.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("clinic.csv:6") && err.contains("duplicate_id"),
        "{err}"
    );
}

#[test]
fn a_missing_file_is_named_with_exit_1() {
    let out = hashtrend()
        .args(["top", "no/such/file.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("no/such/file.csv"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn bad_usage_exits_2() {
    let f = fixture("clinic.csv");
    for args in [
        vec!["count", "--tz", "Mars/Olympus", f.to_str().unwrap()],
        vec!["count", "--bucket", "fortnight", f.to_str().unwrap()],
        vec!["count", "--by", "likes", f.to_str().unwrap()],
        vec!["count", "--text-column", "nope", f.to_str().unwrap()],
    ] {
        let out = hashtrend().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn stdin_is_read_with_a_dash() {
    let f = fixture("clinic.csv");
    let out = hashtrend()
        .args(["count", "--format", "csv", "-"])
        .stdin(std::fs::File::open(f).unwrap())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_blocks_eq!(
        expected("clinic.count.csv"),
        String::from_utf8(out.stdout).unwrap()
    );
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let f = fixture("clinic.csv");
    let mut child = hashtrend()
        .args(["count", "--bucket", "minute", f.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(status.success(), "{status:?} {err}");
    assert!(
        !err.contains("panicked") && !err.contains("Broken pipe"),
        "{err}"
    );
}

#[test]
fn every_command_explains_its_options() {
    for cmd in ["top", "count", "extract", "sample"] {
        let help = run_ok(&[cmd, "--help"]);
        assert!(help.contains("Usage"), "{cmd}: {help}");
    }
    let help = run_ok(&["count", "--help"]);
    for flag in [
        "--bucket",
        "--tz",
        "--input-tz",
        "--from",
        "--to",
        "--top",
        "--by",
        "--output",
        "--exclude-reposts",
        "--keep-duplicates",
        "--strict",
        "--threads",
        "--text-column",
        "--time-column",
        "--author-column",
        "--id-column",
        "[default: day]",
    ] {
        assert!(help.contains(flag), "count --help lacks {flag}");
    }
}

#[test]
fn from_and_to_dates_keep_whole_days() {
    let f = fixture("clinic.csv");
    let out = run_ok(&[
        "count",
        "--from",
        "2024-06-01",
        "--to",
        "2024-06-01",
        f.to_str().unwrap(),
    ]);
    let want: String = expected("clinic.count.csv")
        .lines()
        .filter(|l| l.starts_with("bucket") || l.starts_with("2024-06-01"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_blocks_eq!(want, out);
}

#[test]
fn trending_and_bursts_write_the_contract_columns() {
    let f = fixture("../../data/health_posts.csv");
    let f = f.to_str().unwrap();
    let out = run_ok(&["trending", f, "--at", "2024-06-07", "--top", "3"]);
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some("rank,tag,display,bucket,method,score,observed,expected,posts,authors")
    );
    let first: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(
        &first[..5],
        [
            "1",
            "drugshortage",
            "DrugShortage",
            "2024-06-07T00:00:00Z",
            "authors"
        ]
    );
    assert_eq!(out.lines().count(), 4);

    let json = run_ok(&[
        "trending",
        f,
        "--method",
        "poisson",
        "--at",
        "2024-06-07",
        "--top",
        "1",
        "--output",
        "json",
    ]);
    let rows: serde_json::Value = serde_json::from_str(&json).unwrap();
    let c = &rows[0]["components"];
    assert!(
        c["nu"].is_number() && c["interval"].is_array() && c["window"] == 7,
        "{json}"
    );

    let out = run_ok(&["bursts", f, "--tag", "#WorldHealthDay"]);
    assert_eq!(out.lines().next(), Some("tag,start,end,bins,weight"));
    let row: Vec<&str> = out.lines().nth(1).unwrap().split(',').collect();
    assert_eq!(
        &row[..4],
        [
            "worldhealthday",
            "2024-04-07T00:00:00Z",
            "2024-04-07T00:00:00Z",
            "1"
        ]
    );
}

#[test]
fn trending_rejects_bad_buckets_and_durations() {
    let f = fixture("../../data/health_posts.csv");
    let out = hashtrend()
        .args(["trending", f.to_str().unwrap(), "--at", "2030-01-01"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--at"));
    let out = hashtrend()
        .args(["trending", f.to_str().unwrap(), "--at", "yesterday-ish"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = hashtrend()
        .args(["trending", f.to_str().unwrap(), "--half-life", "4 parsecs"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
