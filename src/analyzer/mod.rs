//! The pipeline, configured ([`AnalyzerBuilder`]), run ([`Analyzer`]) and
//! its result ([`TrendReport`]).
//!
//! A plain file is memory-mapped and read in windows of chunks whose starts
//! are guessed in parallel and checked (the private `source::split`
//! module); a stream (standard input, gzip, zstd, UTF-16) is read ahead by a
//! thread of its own in batches of chunks ([`crate::source::batch`]). The chunks of a window
//! are parsed in parallel into bucketed, tagged posts; then duplicate post
//! ids are marked, each thread walking its share of the id sets in input
//! order (so the first copy is the one counted, whatever the thread count);
//! then the posts are counted in parallel, each thread counting its own tags
//! ([`crate::count`]), so nothing is merged at the end.
//!
//! Inside: `read` opens inputs and cuts them into windows, `window` parses
//! and counts one window, `posts` turns one chunk's records into posts.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::bucket::{BucketSpec, Bucketer};
use crate::count::{Authors, Counts, Dictionary, IdSet, Local, SHARDS, Shards};
use crate::diagnostics::Diagnostics;
use crate::error::{Error, ErrorKind, Result};
use crate::report;
use crate::source::open;
use crate::source::{Columns, Format, TagsFrom};
use crate::time::{TimeParser, Zone};

mod posts;
mod read;
mod window;

/// One input: a file, standard input, or any reader.
pub enum Input {
    /// A file path; `-` means standard input.
    Path(PathBuf),
    /// An open reader with a name for messages.
    Reader {
        /// The name used in diagnostics.
        name: String,
        /// The bytes.
        reader: Box<dyn Read + Send>,
    },
}

impl Input {
    /// An input read from `path` (`-` for standard input).
    pub fn from_path(path: impl AsRef<Path>) -> Input {
        Input::Path(path.as_ref().to_path_buf())
    }

    /// An input read from `reader`, named `name` in messages.
    pub fn from_reader(name: impl Into<String>, reader: impl Read + Send + 'static) -> Input {
        Input::Reader {
            name: name.into(),
            reader: Box::new(reader),
        }
    }
}

/// What a run saw, beyond the counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Inputs read.
    pub files: u64,
    /// Records read (posts plus skipped rows).
    pub records: u64,
    /// Posts counted.
    pub posts: u64,
    /// Counted posts with at least one hashtag.
    pub posts_with_tags: u64,
    /// Reposts seen (counted unless excluded).
    pub reposts: u64,
    /// Reposts left out by `exclude_reposts`.
    pub reposts_excluded: u64,
    /// Counted posts without a known author (they count for posts and
    /// occurrences, not for authors).
    pub posts_without_author: u64,
    /// Records with bytes that were not valid UTF-8 (read as Windows-1252;
    /// the record is still used).
    pub invalid_utf8: u64,
    /// Rows left out for any reason (see [`TrendReport::diagnostics`]).
    pub skipped: u64,
    /// Files in the given directories passed over because their extension
    /// names no data format.
    pub files_ignored: u64,
}

impl Summary {
    fn add(&mut self, o: &Summary) {
        self.files += o.files;
        self.records += o.records;
        self.posts += o.posts;
        self.posts_with_tags += o.posts_with_tags;
        self.reposts += o.reposts;
        self.reposts_excluded += o.reposts_excluded;
        self.posts_without_author += o.posts_without_author;
        self.invalid_utf8 += o.invalid_utf8;
        self.skipped += o.skipped;
        self.files_ignored += o.files_ignored;
    }
}

/// Configures an [`Analyzer`]. Every knob has a default: day buckets in UTC,
/// detected columns and format, reposts counted, duplicates dropped, lenient.
#[derive(Debug, Clone, Default)]
pub struct AnalyzerBuilder {
    bucket: BucketSpec,
    zone: Zone,
    input_zone: Zone,
    time_format: Option<String>,
    columns: Columns,
    format: Option<Format>,
    delimiter: Option<u8>,
    from: Option<i64>,
    to: Option<i64>,
    exclude_reposts: bool,
    keep_duplicates: bool,
    strict: bool,
    chunk_bytes: Option<usize>,
    tags_from: TagsFrom,
    time_from_id: bool,
    no_mmap: bool,
}

impl AnalyzerBuilder {
    /// A builder with the defaults.
    pub fn new() -> Self {
        Self::default()
    }
    /// Bucket size (default: one day).
    pub fn bucket(&mut self, spec: BucketSpec) -> &mut Self {
        self.bucket = spec;
        self
    }
    /// Zone in which buckets are cut and labelled (default: UTC).
    pub fn zone(&mut self, zone: Zone) -> &mut Self {
        self.zone = zone;
        self
    }
    /// Zone of timestamps written without an offset (default: UTC).
    pub fn input_zone(&mut self, zone: Zone) -> &mut Self {
        self.input_zone = zone;
        self
    }
    /// A strftime format tried first for every timestamp (default: none).
    pub fn time_format(&mut self, format: Option<String>) -> &mut Self {
        self.time_format = format;
        self
    }
    /// Columns named by the user (default: detected).
    pub fn columns(&mut self, columns: Columns) -> &mut Self {
        self.columns = columns;
        self
    }
    /// Forces the input format (default: from the extension, else sniffed).
    pub fn format(&mut self, format: Option<Format>) -> &mut Self {
        self.format = format;
        self
    }
    /// CSV delimiter (default: `,`, or tab for `.tsv` files).
    pub fn delimiter(&mut self, delimiter: Option<u8>) -> &mut Self {
        self.delimiter = delimiter;
        self
    }
    /// Keeps only posts at or after `from` (Unix seconds; default: no limit).
    pub fn from(&mut self, from: Option<i64>) -> &mut Self {
        self.from = from;
        self
    }
    /// Keeps only posts before `to` (Unix seconds, exclusive; default: no limit).
    pub fn to(&mut self, to: Option<i64>) -> &mut Self {
        self.to = to;
        self
    }
    /// Leaves reposts out (default: they are counted).
    pub fn exclude_reposts(&mut self, yes: bool) -> &mut Self {
        self.exclude_reposts = yes;
        self
    }
    /// Counts every copy of a repeated post id (default: only the first).
    pub fn keep_duplicates(&mut self, yes: bool) -> &mut Self {
        self.keep_duplicates = yes;
        self
    }
    /// Fails on the first unusable row instead of counting it (default: off).
    pub fn strict(&mut self, yes: bool) -> &mut Self {
        self.strict = yes;
        self
    }
    /// Where hashtags come from (default [`TagsFrom::Auto`]: the platform's
    /// own list where the export has one, else the text).
    pub fn tags_from(&mut self, from: TagsFrom) -> &mut Self {
        self.tags_from = from;
        self
    }
    /// Takes each post's time from its id, read as a Twitter snowflake
    /// (milliseconds = (id >> 22) + 1288834974657), for exports without a
    /// time column (default: off, the time column is used).
    pub fn time_from_id(&mut self, yes: bool) -> &mut Self {
        self.time_from_id = yes;
        self
    }
    /// Reads regular files through a memory map (default: on). Off, files
    /// are read with plain reads, like standard input: slower, but safe
    /// for a file that another program may truncate while it is read.
    pub fn mmap(&mut self, yes: bool) -> &mut Self {
        self.no_mmap = !yes;
        self
    }
    /// Target size of the chunks that threads parse (default 512 KiB). A
    /// tuning knob: results never depend on it.
    pub fn chunk_bytes(&mut self, bytes: usize) -> &mut Self {
        self.chunk_bytes = Some(bytes);
        self
    }
    /// The analyzer.
    pub fn build(&self) -> Analyzer {
        Analyzer {
            config: self.clone(),
            time: TimeParser::new(self.input_zone, self.time_format.clone()),
        }
    }
}

/// Runs the pipeline over inputs. Build one with [`AnalyzerBuilder`].
#[derive(Debug, Clone)]
pub struct Analyzer {
    config: AnalyzerBuilder,
    time: TimeParser,
}

/// The result of a run: counts, what was skipped and why, and a summary.
#[derive(Debug, Clone)]
pub struct TrendReport {
    counts: Counts,
    diagnostics: Diagnostics,
    summary: Summary,
    notes: Vec<String>,
    bucketer: Bucketer,
    timings: Timings,
    activity: Activity,
}

/// When the counted posts were written: the first and last post times and
/// the posts in every bucket that holds one, tagged or not. Trend scores
/// use it to zero-fill series and to tell whether the last bucket is
/// complete.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Activity {
    /// The earliest and latest post times (Unix seconds); `None` when no
    /// post was counted.
    pub span: Option<(i64, i64)>,
    /// `(bucket start, posts)` for every bucket with a counted post,
    /// ascending by start. Duplicates left out are not in it.
    pub posts_per_bucket: Vec<(i64, u64)>,
}

/// Wall time spent in each stage of a run, for profiling (the CLI prints
/// them with `--timings`). Stages run one after the other, each on all
/// threads, with one exception: a memory-mapped file's next window is
/// split and parsed while the window before it goes through `ids`, `order`
/// and `count`, so there `split` and `parse` (their own wall time) overlap
/// those three and the stages can add up to more than the run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Timings {
    /// Placing chunk starts in mapped files (quote parity, checks).
    pub split: Duration,
    /// Parsing records: fields, times, hashtags, spelling numbers.
    pub parse: Duration,
    /// Giving spellings (in parallel) and buckets global numbers.
    pub number: Duration,
    /// Marking duplicate ids and numbering authors.
    pub ids: Duration,
    /// Line numbers, skipped rows and summaries, in input order (and
    /// handing a mapped window's pages back).
    pub order: Duration,
    /// Counting posts, uses and (cell, author) pairs per tag shard.
    pub count: Duration,
    /// Distinct authors, sorting tags, buckets and cells.
    pub finish: Duration,
}

impl TrendReport {
    /// The counts.
    pub fn counts(&self) -> &Counts {
        &self.counts
    }
    /// Rows left out, by reason.
    pub fn diagnostics(&self) -> &Diagnostics {
        &self.diagnostics
    }
    /// What the run saw.
    pub fn summary(&self) -> &Summary {
        &self.summary
    }
    /// One line per file about what was unusual in reading it (an empty
    /// file, records read as Windows-1252, files passed over in a directory),
    /// each naming the file.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }
    /// Time spent in each stage.
    pub fn timings(&self) -> &Timings {
        &self.timings
    }
    /// The bucketing used (to format bucket starts).
    pub fn bucketer(&self) -> &Bucketer {
        &self.bucketer
    }
    /// When the counted posts were written, and how many per bucket.
    pub fn activity(&self) -> &Activity {
        &self.activity
    }
}

/// One input being read: its index, name and the line of its next batch.
struct InputState {
    file: u32,
    name: String,
    line: u64,
}

/// What the threads parsing chunks share with the rest of a run: held
/// apart, behind an `Arc`, so that a task parsing a mapped file's next
/// window can hold it while the run counts the window before.
#[derive(Default)]
struct Workers {
    /// Per worker thread: its numbering of spellings.
    locals: Vec<Mutex<Local>>,
    /// Emptied vectors of counted chunks, for the next window's chunks.
    spare: Mutex<Vec<posts::Spare>>,
}

/// What a run accumulates over its inputs.
struct Run<'w> {
    /// Shared with the tasks that parse chunks.
    workers: Arc<Workers>,
    dict: Dictionary,
    shards: Shards,
    /// Post ids seen, in [`SHARDS`] sets by `count::id_shard`.
    seen: Vec<IdSet>,
    authors: Authors,
    diagnostics: Diagnostics,
    summary: Summary,
    notes: Vec<String>,
    timings: Timings,
    skipped: Option<::csv::Writer<&'w mut dyn Write>>,
    /// Counted posts by global bucket number.
    bucket_posts: Vec<u64>,
    /// The earliest and latest counted post times.
    span: Option<(i64, i64)>,
}

impl Run<'_> {
    /// Records the skipped rows of one chunk, in input order: all of them to
    /// the `--skipped` file, the first few in the report.
    fn add_skips(&mut self, mut chunk: Diagnostics) -> Result<()> {
        if let Some(w) = &mut self.skipped {
            for s in chunk.samples() {
                w.write_record([
                    s.location.file.as_str(),
                    &s.location.line.to_string(),
                    &s.location.byte_offset.to_string(),
                    s.reason.as_str(),
                    &s.excerpt,
                ])
                .map_err(report::csv_error)?;
            }
            chunk.truncate_samples();
        }
        self.diagnostics.append(chunk);
        Ok(())
    }
}

impl Analyzer {
    /// Runs over inputs in order, returning the counts or the first fatal
    /// error (an unreadable input, a column the user named that is missing,
    /// or under strict mode the first unusable row or file).
    pub fn run(&self, inputs: Vec<Input>) -> Result<TrendReport> {
        self.run_with(inputs, None)
    }

    /// Like [`Analyzer::run`], also writing every skipped row to `skipped` as
    /// CSV with the columns `file,line,byte_offset,reason,excerpt`, in input
    /// order.
    pub fn run_with(
        &self,
        inputs: Vec<Input>,
        skipped: Option<&mut dyn Write>,
    ) -> Result<TrendReport> {
        let threads = rayon::current_num_threads().max(1);
        let mut run = Run {
            workers: Arc::new(Workers {
                locals: (0..threads).map(|_| Mutex::default()).collect(),
                spare: Mutex::default(),
            }),
            dict: Dictionary::new(threads),
            shards: Shards::default(),
            seen: (0..SHARDS).map(|_| IdSet::default()).collect(),
            authors: Authors::default(),
            diagnostics: Diagnostics::default(),
            summary: Summary::default(),
            notes: Vec::new(),
            timings: Timings::default(),
            skipped: skipped.map(|w| ::csv::WriterBuilder::new().from_writer(w)),
            bucket_posts: Vec::new(),
            span: None,
        };
        if let Some(w) = &mut run.skipped {
            w.write_record(["file", "line", "byte_offset", "reason", "excerpt"])
                .map_err(report::csv_error)?;
        }
        let mut file = 0;
        for input in inputs {
            match input {
                Input::Path(p) => {
                    let (paths, ignored) = open::expand(&p)?;
                    if ignored > 0 {
                        run.summary.files_ignored += ignored as u64;
                        run.notes.push(format!(
                            "{}: {ignored} file{} without a data extension not read",
                            p.display(),
                            if ignored == 1 { "" } else { "s" }
                        ));
                    }
                    for path in paths {
                        self.read_path(&path, file, &mut run)?;
                        file += 1;
                    }
                }
                Input::Reader { name, reader } => {
                    self.read_stream(reader, &PathBuf::from(&name), name, file, &mut run)?;
                    file += 1;
                }
            }
        }
        if let Some(w) = &mut run.skipped {
            w.flush().map_err(report::output_error)?;
        }
        run.summary.skipped = run.diagnostics.total();
        Ok(TrendReport {
            counts: {
                // Ids and authors are done with: free them before the
                // tables are sorted (at 10M posts, 190 MB).
                let authors = run.authors.bound();
                drop(std::mem::take(&mut run.seen));
                drop(std::mem::take(
                    &mut *run
                        .workers
                        .spare
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner),
                ));
                drop(std::mem::take(&mut run.authors.0));
                let t = Instant::now();
                let counts = run.shards.finish(&run.dict, authors);
                run.timings.finish += t.elapsed();
                counts
            },
            diagnostics: run.diagnostics,
            summary: run.summary,
            notes: run.notes,
            timings: run.timings,
            bucketer: Bucketer::new(self.config.bucket, self.config.zone),
            activity: {
                let mut posts_per_bucket: Vec<(i64, u64)> = run
                    .bucket_posts
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| **n > 0)
                    .map(|(b, &n)| (run.dict.bucket_starts[b], n))
                    .collect();
                posts_per_bucket.sort_unstable();
                Activity {
                    span: run.span,
                    posts_per_bucket,
                }
            },
        })
    }

    /// Runs over files given by path (`-` is standard input; directories and
    /// glob patterns are expanded).
    pub fn run_paths<P: AsRef<Path>>(&self, paths: &[P]) -> Result<TrendReport> {
        self.run(paths.iter().map(Input::from_path).collect())
    }

    /// A problem with a whole file: fatal under strict mode, else a note.
    fn file_problem(&self, run: &mut Run<'_>, name: &str, message: String) -> Result<()> {
        if self.config.strict {
            return Err(Error::new(ErrorKind::Input {
                file: name.to_owned(),
                message: format!("{message} (strict mode)"),
            }));
        }
        run.notes.push(format!("{name}: {message}"));
        Ok(())
    }
}
