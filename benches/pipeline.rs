//! End-to-end: `count` over the sample data in data/ (CSV and JSON lines),
//! with one thread and with all of them, in bytes per second; and the
//! stages of one thread's run, each bench adding one to the one before:
//! reading records only (`--tags-from field` on a file without a hashtag
//! column: parse, time, bucket, duplicate ids, no tags); counting without
//! extraction (`--tags-from field` on the same posts with their tags in a
//! column, made once by this bench); and the whole run (extraction,
//! counting, final tables), read through a memory map and as a stream.

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use hashtrend::AnalyzerBuilder;
use hashtrend::source::TagsFrom;

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("data")
        .join(name)
}

fn end_to_end(c: &mut Criterion) {
    let mut group = c.benchmark_group("count_sample");
    for file in ["health_posts.csv", "health_posts.jsonl"] {
        let path = data(file);
        let bytes = std::fs::metadata(&path)
            .expect("data/ sample present")
            .len();
        group.throughput(Throughput::Bytes(bytes));
        let analyzer = AnalyzerBuilder::new().build();
        for threads in [1, 0] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let label = if threads == 1 {
                "1-thread"
            } else {
                "all-threads"
            };
            group.bench_function(format!("{file}/{label}"), |b| {
                b.iter(|| pool.install(|| black_box(analyzer.run_paths(&[&path]).unwrap())))
            });
        }
    }
    group.finish();
}

fn stages(c: &mut Criterion) {
    let mut group = c.benchmark_group("stages");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    for file in ["health_posts.csv", "health_posts.jsonl"] {
        let path = data(file);
        let bytes = std::fs::metadata(&path)
            .expect("data/ sample present")
            .len();
        group.throughput(Throughput::Bytes(bytes));
        let runs: [(&str, AnalyzerBuilder); 3] = [
            ("records_only", {
                let mut b = AnalyzerBuilder::new();
                b.tags_from(TagsFrom::Field);
                b
            }),
            ("whole_run", AnalyzerBuilder::new()),
            ("whole_run_streamed", {
                let mut b = AnalyzerBuilder::new();
                b.mmap(false);
                b
            }),
        ];
        for (stage, builder) in runs {
            let analyzer = builder.build();
            group.bench_function(format!("{file}/{stage}"), |b| {
                b.iter(|| pool.install(|| black_box(analyzer.run_paths(&[&path]).unwrap())))
            });
        }
    }
    // Counting without extraction: the sample's posts with their tags in a
    // `hashtags` column, read with --tags-from field.
    let tagged = tagged_copy(&data("health_posts.csv"));
    let bytes = std::fs::metadata(&tagged).unwrap().len();
    group.throughput(Throughput::Bytes(bytes));
    let analyzer = {
        let mut b = AnalyzerBuilder::new();
        b.tags_from(TagsFrom::Field);
        b.build()
    };
    group.bench_function("health_posts.csv+hashtags/tags_from_field", |b| {
        b.iter(|| pool.install(|| black_box(analyzer.run_paths(&[&tagged]).unwrap())))
    });
    group.finish();
}

/// Writes `csv` with a `hashtags` column (the tags of each text, joined by
/// spaces) into the target directory; returns its path.
fn tagged_copy(csv: &Path) -> PathBuf {
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("health_posts_tagged.csv");
    let mut reader = ::csv::Reader::from_path(csv).unwrap();
    let mut writer = ::csv::Writer::from_path(&out).unwrap();
    let mut header = reader.headers().unwrap().clone();
    let text = header.iter().position(|h| h == "text").unwrap();
    header.push_field("hashtags");
    writer.write_record(&header).unwrap();
    for row in reader.records() {
        let mut row = row.unwrap();
        let tags: Vec<&str> = hashtrend::hashtag::hashtags(&row[text])
            .map(|h| h.tag)
            .collect();
        let joined = tags.join(" ");
        row.push_field(&joined);
        writer.write_record(&row).unwrap();
    }
    writer.flush().unwrap();
    out
}

criterion_group!(benches, end_to_end, stages);
criterion_main!(benches);
