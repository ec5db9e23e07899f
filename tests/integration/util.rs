//! Helpers shared by the integration tests.

use std::path::PathBuf;

use hashtrend::report::{self, OutputFormat, Row};
use hashtrend::{AnalyzerBuilder, Input, TrendReport};

/// Path of a file under tests/fixtures.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Reads a fixture as text, with CRLF turned into LF.
pub fn expected(name: &str) -> String {
    std::fs::read_to_string(fixture(name))
        .unwrap()
        .replace("\r\n", "\n")
}

/// Asserts two texts are equal, showing both whole when they differ.
#[macro_export]
macro_rules! assert_blocks_eq {
    ($expected:expr, $actual:expr) => {{
        let (e, a): (&str, &str) = (&$expected, &$actual);
        if e != a {
            panic!("\n--- expected ---\n{e}\n--- actual ---\n{a}\n----------------");
        }
    }};
}

/// Runs the analyzer over `inputs` every way it can run: one thread with
/// default chunks, two threads, four threads with tiny chunks (so records
/// straddle many chunk and batch boundaries). Asserts every way gives the
/// same counts, diagnostics and summary, and returns the report.
pub fn run_all_ways(inputs: &[PathBuf], configure: impl Fn(&mut AnalyzerBuilder)) -> TrendReport {
    // (threads, chunk bytes, memory map): mapped files guess chunk starts,
    // streamed ones walk records; both must give the same report.
    let ways: [(usize, Option<usize>, bool); 6] = [
        (1, None, true),
        (2, None, true),
        (4, Some(64), true),
        (3, Some(1), true),
        (2, Some(7), false),
        (1, None, false),
    ];
    let mut first: Option<TrendReport> = None;
    for (threads, chunk, mmap) in ways {
        let mut b = AnalyzerBuilder::new();
        configure(&mut b);
        b.mmap(mmap);
        if let Some(c) = chunk {
            b.chunk_bytes(c);
        }
        let analyzer = b.build();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let report = pool
            .install(|| analyzer.run(inputs.iter().map(Input::from_path).collect()))
            .unwrap_or_else(|e| panic!("run failed: {e}"));
        match &first {
            None => first = Some(report),
            Some(f) => {
                assert_eq!(
                    f.counts(),
                    report.counts(),
                    "counts differ at {threads} threads, chunk {chunk:?}, mmap {mmap}"
                );
                assert_eq!(
                    f.diagnostics(),
                    report.diagnostics(),
                    "diagnostics differ at {threads} threads, chunk {chunk:?}, mmap {mmap}"
                );
                assert_eq!(
                    f.summary(),
                    report.summary(),
                    "summary differs at {threads} threads, chunk {chunk:?}, mmap {mmap}"
                );
                assert_eq!(
                    f.activity(),
                    report.activity(),
                    "activity differs at {threads} threads, chunk {chunk:?}, mmap {mmap}"
                );
            }
        }
    }
    first.unwrap()
}

/// Runs the analyzer over `data` read as `format`, with `chunk` bytes per
/// chunk (default when `None`) on `threads` threads.
pub fn run_bytes(
    data: &[u8],
    format: hashtrend::source::Format,
    chunk: Option<usize>,
    threads: usize,
) -> hashtrend::Result<TrendReport> {
    let input = Input::from_reader("bytes", std::io::Cursor::new(data.to_vec()));
    run_input(input, format, chunk, threads)
}

/// Like [`run_bytes`], but with `data` written to a file that is read
/// through a memory map, where chunk starts are guessed and checked.
pub fn run_mapped_bytes(
    data: &[u8],
    format: hashtrend::source::Format,
    chunk: Option<usize>,
    threads: usize,
) -> hashtrend::Result<TrendReport> {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    std::io::Write::write_all(&mut file, data).unwrap();
    run_input(Input::from_path(file.path()), format, chunk, threads)
}

/// Runs the analyzer (files memory-mapped, the default) over one input.
fn run_input(
    input: Input,
    format: hashtrend::source::Format,
    chunk: Option<usize>,
    threads: usize,
) -> hashtrend::Result<TrendReport> {
    let mut b = AnalyzerBuilder::new();
    b.format(Some(format));
    if let Some(c) = chunk {
        b.chunk_bytes(c);
    }
    let analyzer = b.build();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| analyzer.run(vec![input]))
}

/// Renders rows as the CLI's CSV.
pub fn csv_of<R: Row>(rows: &[R]) -> String {
    let mut out = Vec::new();
    report::write(OutputFormat::Csv, rows, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}
