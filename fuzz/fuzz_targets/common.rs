//! Shared by the format targets: run the analyzer twice over the same bytes,
//! once with tiny chunks from a memory-mapped file (where chunk starts are
//! guessed from quote parity and checked) and once as a stream with the
//! default chunk size, and demand the same report. Errors are allowed;
//! panics and differences are not.

use std::io::Cursor;
use std::sync::OnceLock;

use hashtrend::source::Format;
use hashtrend::{AnalyzerBuilder, Input, Result, TrendReport};

/// A pool of two threads, built once. Two threads make the analyzer share
/// tag shards and id sets out between threads, as on any multi-core
/// machine; run the fuzzer under `taskset -c N` to keep it on one core.
fn pool() -> &'static rayon::ThreadPool {
    static POOL: OnceLock<rayon::ThreadPool> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .expect("a rayon pool")
    })
}

/// Runs the analyzer on `data`; with `chunk_bytes`, from a file (mapped),
/// else as a stream.
fn run(data: &[u8], format: Option<Format>, chunk_bytes: Option<usize>) -> Result<TrendReport> {
    let mut builder = AnalyzerBuilder::new();
    builder.format(format);
    let input = match chunk_bytes {
        Some(n) => {
            builder.chunk_bytes(n);
            let path = std::env::temp_dir().join(format!("hashtrend-fuzz-{}.dat", std::process::id()));
            std::fs::write(&path, data).expect("a temporary file");
            Input::from_path(path)
        }
        None => Input::from_reader("fuzz", Cursor::new(data.to_vec())),
    };
    let analyzer = builder.build();
    pool().install(|| analyzer.run(vec![input]))
}

/// What a report says about skipped rows, without the input's name.
fn places(r: &TrendReport) -> Vec<(u64, u64, hashtrend::SkipReason, String, String)> {
    r.diagnostics()
        .samples()
        .iter()
        .map(|s| {
            (
                s.location.line,
                s.location.byte_offset,
                s.reason,
                s.excerpt.clone(),
                s.detail.clone(),
            )
        })
        .collect()
}

/// The chunk size for the small-chunk run: 1..=64, from the first byte.
pub fn small_chunk(data: &[u8]) -> usize {
    1 + usize::from(data.first().copied().unwrap_or(0) % 64)
}

/// Runs `data` as `format` (`None`: sniffed) with chunks of `chunk` bytes and
/// with the default chunk size; both must agree.
pub fn same_report_whatever_the_chunks(data: &[u8], format: Option<Format>, chunk: usize) {
    let small = run(data, format, Some(chunk));
    let default = run(data, format, None);
    match (&small, &default) {
        (Ok(s), Ok(d)) => {
            assert_eq!(
                s.summary(),
                d.summary(),
                "summary differs: chunk_bytes({chunk}) vs default, format {format:?}"
            );
            assert_eq!(
                places(s),
                places(d),
                "skipped rows differ: chunk_bytes({chunk}) vs default, format {format:?}"
            );
            assert_eq!(s.diagnostics().total(), d.diagnostics().total());
            assert_eq!(
                s.counts(),
                d.counts(),
                "counts differ: chunk_bytes({chunk}) vs default, format {format:?}"
            );
        }
        (Err(_), Err(_)) => {}
        _ => panic!(
            "one run failed and the other did not: chunk_bytes({chunk}) gave {:?}, default gave {:?}, format {format:?}",
            small.as_ref().err().map(|e| e.to_string()),
            default.as_ref().err().map(|e| e.to_string()),
        ),
    }
}
