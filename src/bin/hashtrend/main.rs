//! The `hashtrend` command: a thin client of the library.

mod args;

use std::io::{self, BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::str::FromStr;

use clap::Parser;
use hashtrend::rank::trend::{self, Method};
use hashtrend::report::{self, OutputFormat};
use hashtrend::{Error, ErrorKind, Input, TrendReport, hashtag, synth};

use crate::args::{Cli, Command, RunArgs, RunConfig, SampleArgs, TrendingArgs};

/// How the process ends.
#[derive(Debug, Clone, Copy)]
enum Exit {
    Success = 0,
    /// I/O or runtime failure.
    Failure = 1,
    /// Bad usage, or an input error under --strict.
    Usage = 2,
}

fn main() -> ExitCode {
    return_large_blocks();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Top(a) => run(&a.run, |r, c, out| {
            report::write(c.output, &report::top_rows(r, c.measure, Some(a.top)), out)
        }),
        Command::Count(a) => run(&a.run, |r, c, out| match c.output {
            // Millions of rows: formatted in parallel, no row structs.
            OutputFormat::Csv => report::write_count_csv(r, c.measure, a.top, out),
            _ => report::write(c.output, &report::count_rows(r, c.measure, a.top), out),
        }),
        Command::Trending(a) => match trending_setup(&a) {
            Ok((scorer, options)) => run(&a.run, |r, c, out| {
                let trending = trend::trending(r, scorer.as_ref(), &options)?;
                for note in &trending.notes {
                    eprintln!("hashtrend: {note}");
                }
                eprintln!("hashtrend: {} ranks {}", trending.method, trending.why);
                if trending.rows.is_empty() {
                    let hint = if trending.method == "authors" {
                        " (authors needs at least --rise-authors distinct authors in the bucket)"
                    } else {
                        ""
                    };
                    eprintln!(
                        "hashtrend: no tag rose above its expectation: {} tag{} scored{hint}",
                        trending.scored,
                        if trending.scored == 1 { "" } else { "s" }
                    );
                }
                report::write(c.output, &report::trend_rows(r, &trending), out)
            }),
            Err(e) => Err(e),
        },
        Command::Bursts(a) => match a.params.resolve() {
            Ok(params) => run(&a.run, |r, c, out| {
                let tags: Vec<String> = a.tag.iter().map(|t| args::tag_key(t)).collect();
                let chosen = (!tags.is_empty()).then_some(tags.as_slice());
                let bursts = trend::bursts(r, c.measure, &params, chosen)?;
                report::write(c.output, &report::burst_rows(r, &bursts), out)
            }),
            Err(e) => Err(e),
        },
        Command::Extract => extract().map(|()| Exit::Success),
        Command::Sample(a) => sample(&a).map(|()| Exit::Success),
    };
    let code = match result {
        Ok(code) => code,
        Err(e) if e.is_broken_pipe() => Exit::Success,
        Err(e) => {
            eprintln!("hashtrend: {e}");
            match e.kind() {
                ErrorKind::Io { .. } | ErrorKind::Output(_) => Exit::Failure,
                _ => Exit::Usage,
            }
        }
    };
    ExitCode::from(code as u8)
}

/// glibc raises its threshold for serving allocations from their own
/// mapping as large blocks are freed, after which freed tables stay in the
/// heap: at 10M posts, 90 MB more peak memory. A fixed threshold of 256 KiB
/// hands every large block back to the kernel when it is freed.
fn return_large_blocks() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; called before any
    // thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
    }
}

/// Runs `f` in `pool` if there is one, else in rayon's global pool.
fn in_pool<R: Send>(pool: &Option<rayon::ThreadPool>, f: impl FnOnce() -> R + Send) -> R {
    match pool {
        Some(p) => p.install(f),
        None => f(),
    }
}

/// Runs the analyzer over the inputs, then `write`s the report.
fn run(
    args: &RunArgs,
    write: impl Fn(&TrendReport, &RunConfig, &mut dyn Write) -> Result<(), Error> + Sync,
) -> Result<Exit, Error> {
    let config = args.resolve(io::stdout().is_terminal())?;
    let analyzer = config.builder.build();
    let skipped = match &args.skipped {
        Some(p) => Some(io::BufWriter::new(std::fs::File::create(p).map_err(
            |e| {
                Error::new(ErrorKind::Io {
                    path: p.clone(),
                    source: e,
                })
            },
        )?)),
        None => None,
    };
    let inputs = || args.files.iter().map(Input::from_path).collect();
    let work = move || {
        let mut skipped = skipped;
        analyzer.run_with(inputs(), skipped.as_mut().map(|w| w as &mut dyn Write))
    };
    // --threads N holds for the whole run, writing included.
    let pool = match config.threads {
        Some(n) => Some(
            rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .map_err(|e| Error::config(format!("--threads: {e}")))?,
        ),
        None => None,
    };
    let report = in_pool(&pool, work)?;
    print_diagnostics(&report);
    if report.summary().records == 0 && !report.notes().is_empty() {
        eprintln!("hashtrend: no records could be read from the input");
        return Ok(Exit::Failure);
    }
    let written = std::time::Instant::now();
    in_pool(&pool, || {
        let mut out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
        write(&report, &config, &mut out)
    })?;
    if args.timings {
        let t = report.timings();
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
        eprintln!(
            "hashtrend: timings (ms): split {:.1}, parse {:.1}, number {:.1}, ids {:.1}, order {:.1}, count {:.1}, finish {:.1}, write {:.1}",
            ms(t.split),
            ms(t.parse),
            ms(t.number),
            ms(t.ids),
            ms(t.order),
            ms(t.count),
            ms(t.finish),
            ms(written.elapsed())
        );
    }
    // The process ends here: the operating system takes the report's
    // memory back at once, where freeing its tables one by one took 10-20
    // ms at 1M posts.
    std::mem::forget(report);
    Ok(Exit::Success)
}

/// The first few skipped rows, then the totals by reason, on stderr.
fn print_diagnostics(report: &TrendReport) {
    const SHOWN: usize = 5;
    let d = report.diagnostics();
    let s = report.summary();
    let mut err = io::stderr().lock();
    for note in report.notes() {
        let _ = writeln!(err, "hashtrend: {note}");
    }
    for skip in d.samples().iter().take(SHOWN) {
        let _ = writeln!(err, "hashtrend: skipped {skip}");
    }
    let mut line = format!(
        "hashtrend: {} posts counted ({} with hashtags) from {} records in {} file{}",
        s.posts,
        s.posts_with_tags,
        s.records,
        s.files,
        if s.files == 1 { "" } else { "s" }
    );
    if d.total() > 0 {
        let reasons: Vec<String> = d
            .counts()
            .filter(|(_, n)| *n > 0)
            .map(|(r, n)| format!("{n} {r}"))
            .collect();
        line.push_str(&format!("; skipped {}: {}", d.total(), reasons.join(", ")));
    }
    if s.reposts_excluded > 0 {
        line.push_str(&format!("; {} reposts excluded", s.reposts_excluded));
    }
    if s.invalid_utf8 > 0 {
        line.push_str(&format!(
            "; {} records not valid UTF-8, read as Windows-1252",
            s.invalid_utf8
        ));
    }
    let _ = writeln!(err, "{line}");
}

/// The scorer and ranking options of `trending`, checked before any input
/// is read.
fn trending_setup(
    a: &TrendingArgs,
) -> Result<(Box<dyn trend::TrendScorer>, trend::TrendOptions), Error> {
    let params = a.params.resolve()?;
    let scorer = Method::from_str(&a.method)?.scorer(&params);
    let zone = a
        .run
        .tz
        .parse()
        .map_err(|e| Error::config(format!("--tz: {e}")))?;
    let options = a.options(zone, a.run.by.parse()?)?;
    // A seasonal baseline for weeks or months fails here, not after reading.
    let bucket = a
        .run
        .bucket
        .parse()
        .map_err(|e| Error::config(format!("--bucket: {e}")))?;
    trend::Baseline::new(
        options.baseline,
        options.seasonal,
        &hashtrend::bucket::Bucketer::new(bucket, zone),
    )?;
    Ok((scorer, options))
}

/// `hashtrend extract`: one JSON array of tags per input line.
fn extract() -> Result<(), Error> {
    let out_err = |e: io::Error| Error::new(ErrorKind::Output(e));
    let stdin = io::stdin();
    let mut input = stdin.lock();
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let n = input.read_until(b'\n', &mut buf).map_err(|e| {
            Error::new(ErrorKind::Io {
                path: "-".into(),
                source: e,
            })
        })?;
        if n == 0 {
            break;
        }
        if buf.last() == Some(&b'\n') {
            buf.pop();
            if buf.last() == Some(&b'\r') {
                buf.pop();
            }
        }
        let line = String::from_utf8_lossy(&buf);
        let tags: Vec<&str> = hashtag::hashtags(&line).map(|h| h.tag).collect();
        serde_json::to_writer(&mut out, &tags).map_err(|e| out_err(e.into()))?;
        out.write_all(b"\n").map_err(out_err)?;
    }
    out.flush().map_err(out_err)
}

/// `hashtrend sample`: the seeded synthetic dataset.
fn sample(a: &SampleArgs) -> Result<(), Error> {
    let options = synth::SynthOptions {
        posts: a.posts,
        seed: a.seed,
        ..Default::default()
    };
    let posts = synth::generate(&options);
    let out: Box<dyn Write> = match &a.out {
        Some(p) => Box::new(std::fs::File::create(p).map_err(|e| {
            Error::new(ErrorKind::Io {
                path: p.clone(),
                source: e,
            })
        })?),
        None => Box::new(io::stdout().lock()),
    };
    let out = io::BufWriter::new(out);
    let written = if a.format == "jsonl" {
        synth::write_jsonl(&posts, out)
    } else {
        synth::write_csv(&posts, out)
    };
    written.map_err(|e| Error::new(ErrorKind::Output(e)))
}
