//! Shared by the format targets: run the analyzer twice over the same bytes,
//! once with tiny chunks and once with the default chunk size, and demand the
//! same report. Errors are allowed; panics and differences are not.

use std::io::Cursor;
use std::sync::OnceLock;

use hashtrend::source::Format;
use hashtrend::{AnalyzerBuilder, Input, Result, TrendReport};

/// A pool of two threads, built once. Two threads make the analyzer keep two
/// tallies and merge them, as on any multi-core machine; run the fuzzer under
/// `taskset -c N` to keep it on one core.
fn pool() -> &'static rayon::ThreadPool {
    static POOL: OnceLock<rayon::ThreadPool> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .expect("a rayon pool")
    })
}

fn run(data: &[u8], format: Option<Format>, chunk_bytes: Option<usize>) -> Result<TrendReport> {
    let mut builder = AnalyzerBuilder::new();
    builder.format(format);
    if let Some(n) = chunk_bytes {
        builder.chunk_bytes(n);
    }
    let analyzer = builder.build();
    let input = Input::from_reader("fuzz", Cursor::new(data.to_vec()));
    pool().install(|| analyzer.run(vec![input]))
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
                s.diagnostics(),
                d.diagnostics(),
                "diagnostics differ: chunk_bytes({chunk}) vs default, format {format:?}"
            );
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
