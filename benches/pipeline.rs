//! End-to-end: `count` over the sample data in data/ (CSV and JSON lines),
//! with one thread and with all of them, in bytes per second.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use hashtrend::AnalyzerBuilder;

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

criterion_group!(benches, end_to_end);
criterion_main!(benches);
