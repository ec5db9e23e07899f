//! End-to-end: `count` over the sample data in data/ (CSV and JSON lines),
//! with one thread and with all of them, in bytes per second; and the
//! stages of one thread's run, each bench adding one to the one before:
//! reading records only (`--tags-from field` on a file without a hashtag
//! column: parse, time, bucket, duplicate ids, no tags), then extraction,
//! counting and the final tables (the whole run), read through a memory map
//! and as a stream.

use std::hint::black_box;
use std::path::PathBuf;

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
    group.finish();
}

criterion_group!(benches, end_to_end, stages);
criterion_main!(benches);
