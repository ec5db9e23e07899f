//! Trend scoring after the count: every method ranking one day of the
//! sample data (75 days, about 300 tags), and `bursts` over all its tags,
//! in tags scored per second. The count itself is in `pipeline`.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use hashtrend::AnalyzerBuilder;
use hashtrend::rank::Measure;
use hashtrend::rank::trend::{self, Method, TrendOptions, TrendParams};

fn trending(c: &mut Criterion) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/health_posts.csv");
    let report = AnalyzerBuilder::new().build().run_paths(&[&path]).unwrap();
    let tags = report.counts().tags().len() as u64;
    let mut group = c.benchmark_group("trending");
    group.throughput(Throughput::Elements(tags));
    let options = TrendOptions {
        at: Some(1_717_113_600), // 2024-05-31
        ..TrendOptions::default()
    };
    for method in Method::ALL {
        let scorer = method.scorer(&TrendParams::default());
        group.bench_function(method.to_string(), |b| {
            b.iter(|| black_box(trend::trending(&report, scorer.as_ref(), &options).unwrap()))
        });
    }
    group.bench_function("bursts_all_tags", |b| {
        b.iter(|| {
            black_box(
                trend::bursts(&report, Measure::Posts, &TrendParams::default(), None).unwrap(),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, trending);
criterion_main!(benches);
