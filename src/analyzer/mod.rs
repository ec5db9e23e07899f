//! The pipeline, configured ([`AnalyzerBuilder`]), run ([`Analyzer`]) and
//! its result ([`TrendReport`]).
//!
//! A plain file is memory-mapped and read in windows of chunks whose starts
//! are guessed in parallel and checked (the private `source::split` module); a stream
//! (standard input, gzip, zstd, UTF-16) is read ahead by a thread of its own
//! in batches of chunks ([`crate::source::batch`]). The chunks of a window
//! are parsed in parallel into bucketed, tagged posts; then duplicate post
//! ids are marked, each thread walking its share of the id sets in input
//! order (so the first copy is the one counted, whatever the thread count);
//! then the posts are counted in parallel, each thread counting its own tags
//! ([`crate::count`]), so nothing is merged at the end.

use std::fs::File;
use std::io::{self, Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Mutex, PoisonError, mpsc};
use std::time::{Duration, Instant};

use memmap2::{Advice, Mmap, UncheckedAdvice};

use rayon::prelude::*;
use serde::Serialize;

use crate::bucket::{BucketSpec, Bucketer};
use crate::count::{
    self, Authors, ChunkView, Counts, Dictionary, IdSet, Local, SHARDS, Shards, id_shard,
};
use crate::diagnostics::{Diagnostics, Skip, SkipReason};
use crate::error::{Error, ErrorKind, Location, Result};
use crate::report;
use crate::source::batch::{Batch, Batcher, CHUNK_BYTES};
use crate::source::open;
use crate::source::split::{self, Ends};
use crate::source::{self, Columns, Format, Schema, TagsFrom};
use crate::time::{TimeParser, Zone};

mod posts;

use posts::{ChunkPosts, excerpt_at};

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
    /// Target size of the chunks that threads parse (default 1 MiB). A
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
}

/// Wall time spent in each stage of a run, for profiling (the CLI prints
/// them with `--timings`). Stages overlap nothing: they run one after the
/// other, each on all threads.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Timings {
    /// Placing chunk starts in mapped files (quote parity, checks).
    pub split: Duration,
    /// Parsing records: fields, times, hashtags, spelling numbers.
    pub parse: Duration,
    /// Giving spellings and buckets global numbers (sequential).
    pub number: Duration,
    /// Marking duplicate ids and numbering authors.
    pub ids: Duration,
    /// Line numbers, skipped rows and summaries, in input order.
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
}

/// One input being read: its index, name and the line of its next batch.
struct InputState {
    file: u32,
    name: String,
    line: u64,
}

/// What a run accumulates over its inputs.
struct Run<'w> {
    /// Per worker thread: its numbering of spellings and authors.
    locals: Vec<Mutex<Local>>,
    dict: Dictionary,
    shards: Shards,
    /// Post ids seen, in [`SHARDS`] sets by [`id_shard`].
    seen: Vec<IdSet>,
    authors: Authors,
    diagnostics: Diagnostics,
    summary: Summary,
    notes: Vec<String>,
    timings: Timings,
    skipped: Option<::csv::Writer<&'w mut dyn Write>>,
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
            locals: (0..threads).map(|_| Mutex::default()).collect(),
            dict: Dictionary::new(threads),
            shards: Shards::default(),
            seen: (0..SHARDS).map(|_| IdSet::default()).collect(),
            authors: Authors::default(),
            diagnostics: Diagnostics::default(),
            summary: Summary::default(),
            notes: Vec::new(),
            timings: Timings::default(),
            skipped: skipped.map(|w| ::csv::WriterBuilder::new().from_writer(w)),
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
                drop(std::mem::take(&mut run.seen));
                drop(std::mem::take(&mut run.authors.0));
                let t = Instant::now();
                let counts = run.shards.finish(&run.dict);
                run.timings.finish += t.elapsed();
                counts
            },
            diagnostics: run.diagnostics,
            summary: run.summary,
            notes: run.notes,
            timings: run.timings,
            bucketer: Bucketer::new(self.config.bucket, self.config.zone),
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

    /// Reads one path: a regular file through a memory map when it can be
    /// (plain, not compressed), else as a stream.
    fn read_path(&self, path: &Path, file: u32, run: &mut Run<'_>) -> Result<()> {
        let name = path.display().to_string();
        if path.as_os_str() == "-" {
            return self.read_stream(Box::new(io::stdin()), path, name, file, run);
        }
        let f = File::open(path).map_err(|source| {
            Error::new(ErrorKind::Io {
                path: path.to_path_buf(),
                source,
            })
        })?;
        if !self.config.no_mmap
            && let Some(map) = map_file(&f)
            && !open::needs_decoding(&map[..map.len().min(4)])
        {
            return self.read_mapped(&map, path, name, file, run);
        }
        self.read_stream(Box::new(f), path, name, file, run)
    }

    /// Sniffs the format of an input from its `head` (reading more from
    /// `more` when the header needs it) and resolves its schema; `None` when
    /// the file cannot be read as records (noted, or an error under strict
    /// mode).
    fn open_input(
        &self,
        head: &mut Vec<u8>,
        more: &mut dyn Read,
        path: &Path,
        name: &str,
        run: &mut Run<'_>,
    ) -> Result<Option<(Format, source::Prepared)>> {
        if head.iter().all(|b| b.is_ascii_whitespace()) {
            self.file_problem(run, name, "empty file, nothing to read".into())?;
            return Ok(None);
        }
        let format = self
            .config
            .format
            .or_else(|| Format::from_extension(open::data_path(path)))
            .unwrap_or_else(|| Format::sniff(head));
        let opts = source::PrepareOptions {
            delimiter: self.config.delimiter,
            columns: &self.config.columns,
            time: &self.time,
            time_from_id: self.config.time_from_id,
            name,
        };
        match source::prepare(format, head, more, &opts) {
            Ok(p) => Ok(Some((format, p))),
            Err(e) if matches!(e.kind(), ErrorKind::Input { .. }) => {
                let message = match e.kind() {
                    ErrorKind::Input { message, .. } => message.clone(),
                    _ => e.to_string(),
                };
                self.file_problem(run, name, message)?;
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// Reads a memory-mapped file window by window. Chunk starts inside a
    /// window are guessed in parallel ([`split::starts`]) and checked
    /// against where the previous chunk's records really ended; the pages of
    /// each window are released once it is counted, so resident memory does
    /// not grow with the file.
    fn read_mapped(
        &self,
        map: &Mmap,
        path: &Path,
        name: String,
        file: u32,
        run: &mut Run<'_>,
    ) -> Result<()> {
        let before = run.summary;
        run.summary.files += 1;
        let mut head = map[..map.len().min(HEAD_BYTES)].to_vec();
        let mut more = &map[head.len()..];
        let Some((format, prepared)) = self.open_input(&mut head, &mut more, path, &name, run)?
        else {
            return Ok(());
        };
        drop(head);
        let mut state = InputState {
            file,
            name,
            line: 1 + prepared.lines,
        };
        let ends = match (&prepared.schema, format) {
            (Schema::Csv(csv), _) => Some(Ends::Csv(csv.dialect())),
            (_, Format::JsonLines) => Some(Ends::Lines),
            _ => None,
        };
        let chunk = self.config.chunk_bytes.unwrap_or(CHUNK_BYTES);
        let Some(ends) = ends else {
            // A JSON document: its values are found by walking them.
            let batcher = Batcher::new(&map[prepared.start..], format).chunk_bytes(chunk);
            self.read_batches(
                batcher,
                prepared.start as u64,
                &prepared.schema,
                &mut state,
                run,
            )?;
            return self.finish_input(state.name, &prepared.schema, before, run);
        };
        let window = chunk.saturating_mul(WINDOW_CHUNKS);
        let mut pos = prepared.start;
        let mut released = 0;
        while pos < map.len() {
            let data = &map[pos..];
            let limit = window.min(data.len());
            let t = Instant::now();
            let mut starts = split::starts(data, limit, chunk, ends);
            let split_time = t.elapsed();
            let mut chunks = self.parse_chunks(
                data,
                pos as u64,
                &starts,
                limit,
                false,
                &prepared.schema,
                &state.name,
                run,
            );
            // Check every guess: a chunk must start where the records of the
            // one before it ended. From the first that does not, walk.
            if let Some(bad) =
                (1..chunks.len()).find(|&i| starts[i - 1] + chunks[i - 1].end != starts[i])
            {
                let from = starts[bad - 1] + chunks[bad - 1].end;
                let exact = split::exact_starts(data, from, limit, chunk, ends);
                chunks.truncate(bad);
                starts.truncate(bad);
                chunks.extend(self.parse_chunks(
                    data,
                    pos as u64,
                    &exact,
                    limit,
                    false,
                    &prepared.schema,
                    &state.name,
                    run,
                ));
                starts.extend(exact);
            }
            run.timings.split += split_time;
            run.timings.parse += t.elapsed() - split_time;
            let consumed = self.count_chunks(data, pos as u64, &starts, chunks, &mut state, run)?;
            pos += consumed.max(1);
            // Hand the pages read back: the page cache keeps them, but they
            // no longer count as this process's memory.
            let upto = pos / PAGE * PAGE;
            if upto > released {
                // SAFETY: the map is read-only and shared; dropping its pages
                // only means a later read of them faults them in again from
                // the file. Nothing below `pos` is read again.
                unsafe {
                    let _ = map.unchecked_advise_range(
                        UncheckedAdvice::DontNeed,
                        released,
                        upto - released,
                    );
                }
                released = upto;
            }
        }
        self.finish_input(state.name, &prepared.schema, before, run)
    }
    /// Reads a stream (standard input, a compressed or UTF-16 file) in
    /// batches, read by a thread of their own while the workers count.
    fn read_stream(
        &self,
        reader: Box<dyn Read + Send>,
        path: &Path,
        name: String,
        file: u32,
        run: &mut Run<'_>,
    ) -> Result<()> {
        let before = run.summary;
        run.summary.files += 1;
        let (mut reader, _storage) =
            open::decode(reader).map_err(|e| source::read_error(e, &name))?;
        let mut head = Vec::new();
        (&mut reader)
            .take(HEAD_BYTES as u64)
            .read_to_end(&mut head)
            .map_err(|e| source::read_error(e, &name))?;
        let Some((format, prepared)) = self.open_input(&mut head, &mut reader, path, &name, run)?
        else {
            return Ok(());
        };
        let mut state = InputState {
            file,
            name,
            line: 1 + prepared.lines,
        };
        // The sniffed delimiter and quoting decide where CSV records end.
        let (format, quoting) = match &prepared.schema {
            Schema::Csv(csv) => {
                let d = csv.dialect();
                (
                    Format::Csv {
                        delimiter: d.delimiter,
                    },
                    d.quoting,
                )
            }
            _ => (format, true),
        };
        let base = prepared.start as u64;
        // Start reading after the header without copying the head: a first
        // record of a gigabyte is then still held only once.
        let mut head = Cursor::new(head);
        head.set_position(base);
        let batcher = Batcher::new(head.chain(reader), format)
            .quoting(quoting)
            .chunk_bytes(self.config.chunk_bytes.unwrap_or(CHUNK_BYTES));
        // One batch is read ahead while the one before is counted. The
        // reader thread is not joined: after an error (strict mode) it ends
        // at its next batch, or when the process does.
        let (tx, rx) = mpsc::sync_channel(1);
        std::thread::spawn(move || {
            for batch in batcher {
                let failed = batch.is_err();
                if tx.send(batch).is_err() || failed {
                    break;
                }
            }
        });
        self.read_batches(rx, base, &prepared.schema, &mut state, run)?;
        self.finish_input(state.name, &prepared.schema, before, run)
    }

    /// Parses and counts batches whose chunks are exact.
    fn read_batches(
        &self,
        batches: impl IntoIterator<Item = io::Result<Batch>>,
        base: u64,
        schema: &Schema,
        state: &mut InputState,
        run: &mut Run<'_>,
    ) -> Result<()> {
        for batch in batches {
            let batch = batch.map_err(|e| source::read_error(e, &state.name))?;
            let starts: Vec<usize> = batch.chunks.iter().map(|c| c.start).collect();
            let offset = base + batch.offset;
            let t = Instant::now();
            let chunks = self.parse_chunks(
                &batch.data,
                offset,
                &starts,
                batch.data.len(),
                true,
                schema,
                &state.name,
                run,
            );
            run.timings.parse += t.elapsed();
            self.count_chunks(&batch.data, offset, &starts, chunks, state, run)?;
        }
        Ok(())
    }

    /// Once per file: what was read in an unusual way.
    fn finish_input(
        &self,
        name: String,
        schema: &Schema,
        before: Summary,
        run: &mut Run<'_>,
    ) -> Result<()> {
        if let Schema::Csv(csv) = schema
            && csv.ragged() > 0
        {
            run.notes.push(format!(
                "{name}: {} record{} had more fields than the others; the rest of the line was kept in the text",
                csv.ragged(),
                if csv.ragged() == 1 { "" } else { "s" }
            ));
        }
        let cp1252 = run.summary.invalid_utf8 - before.invalid_utf8;
        if cp1252 > 0 {
            run.notes.push(format!(
                "{name}: {cp1252} record{} not valid UTF-8, read as Windows-1252",
                if cp1252 == 1 { "" } else { "s" }
            ));
        }
        if run.summary.records == before.records {
            self.file_problem(run, &name, "no records after the header".into())?;
        }
        Ok(())
    }

    /// Parses, in parallel, the chunks of `data` (whose byte 0 is at
    /// `offset` in the input) starting at `starts`: the records that start
    /// before the next start (the last chunk: before `limit`). Records may
    /// run past that point unless `exact`, where chunks end at the next start
    /// (a JSON document's chunks must: its values are read to the end).
    #[allow(clippy::too_many_arguments)]
    fn parse_chunks(
        &self,
        data: &[u8],
        offset: u64,
        starts: &[usize],
        limit: usize,
        exact: bool,
        schema: &Schema,
        name: &str,
        run: &Run<'_>,
    ) -> Vec<ChunkPosts> {
        let bucketer = Bucketer::new(self.config.bucket, self.config.zone);
        let keep_all = run.skipped.is_some();
        let locals = &run.locals;
        starts
            .par_iter()
            .enumerate()
            .map_init(
                || bucketer.clone(),
                |bucketer, (i, &start)| {
                    let stop = starts.get(i + 1).copied().unwrap_or(limit);
                    let end = if exact { stop } else { data.len() };
                    // Each worker thread numbers tags in its own table.
                    let thread = rayon::current_thread_index().unwrap_or(0) % locals.len();
                    let mut local = locals[thread]
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner);
                    let mut chunk = self.parse_chunk(
                        &data[start..end],
                        stop.saturating_sub(start),
                        offset + start as u64,
                        schema,
                        bucketer,
                        name,
                        keep_all,
                        &mut local,
                    );
                    chunk.thread = thread;
                    chunk
                },
            )
            .collect()
    }

    /// Takes parsed chunks in input order: numbers their lines, marks
    /// duplicate ids (so the first copy is the one counted), gathers what
    /// was skipped, then counts the posts in parallel. Returns where the
    /// last chunk's records end, relative to `data`.
    fn count_chunks(
        &self,
        data: &[u8],
        offset: u64,
        starts: &[usize],
        mut chunks: Vec<ChunkPosts>,
        state: &mut InputState,
        run: &mut Run<'_>,
    ) -> Result<usize> {
        let keep_all = run.skipped.is_some();
        let t = Instant::now();
        // Global numbers for what the threads met in these chunks.
        for (t, local) in run.locals.iter().enumerate() {
            let local = local.lock().unwrap_or_else(PoisonError::into_inner);
            run.dict.sync(t, &local);
        }
        for chunk in &mut chunks {
            chunk.bucket_ids = chunk.buckets.iter().map(|&b| run.dict.bucket(b)).collect();
        }
        let t = lap(&mut run.timings.number, t);
        // Duplicate ids and author numbers: each thread takes a run of the
        // sets of ids and authors and walks the posts in input order, so the
        // first copy of an id is the one counted.
        let per = SHARDS.div_ceil(rayon::current_num_threads().max(1));
        let keep_duplicates = self.config.keep_duplicates;
        let found: Vec<(Vec<(usize, usize)>, bool)> = {
            let chunks = &chunks;
            run.seen
                .par_chunks_mut(per)
                .zip(run.authors.0.par_chunks_mut(per))
                .enumerate()
                .map(|(group, (seen, authors))| {
                    let mine = group * per..group * per + seen.len();
                    let mut duplicates = Vec::new();
                    let mut full = false;
                    for (c, chunk) in chunks.iter().enumerate() {
                        for (p, post) in chunk.posts.iter().enumerate() {
                            if let Some(id) = post.id
                                && !keep_duplicates
                            {
                                let shard = id_shard(id);
                                if mine.contains(&shard) && !seen[shard - mine.start].insert(id) {
                                    duplicates.push((c, p));
                                }
                            }
                            if let Some(a) = post.author {
                                let shard = id_shard(a);
                                if mine.contains(&shard) {
                                    match count::author_number(
                                        &mut authors[shard - mine.start],
                                        shard,
                                        a,
                                    ) {
                                        Some(n) => post.author_id.store(n, Ordering::Relaxed),
                                        None => full = true,
                                    }
                                }
                            }
                        }
                    }
                    (duplicates, full)
                })
                .collect()
        };
        if found.iter().any(|f| f.1) {
            return Err(Error::config(
                "more than four billion distinct authors: too many to count exactly",
            ));
        }
        let mut duplicates: Vec<(usize, usize)> = found.into_iter().flat_map(|f| f.0).collect();
        duplicates.sort_unstable();
        let t = lap(&mut run.timings.ids, t);
        // In input order: number lines, drop duplicates, gather what was
        // skipped.
        let mut duplicates = duplicates.into_iter().peekable();
        for (c, chunk) in chunks.iter_mut().enumerate() {
            for s in chunk.diagnostics.samples_mut() {
                s.location.line += state.line;
            }
            let mut skipped = Diagnostics::keeping_all(keep_all);
            while let Some((_, p)) = duplicates.next_if(|d| d.0 == c) {
                let post = &mut chunk.posts[p];
                post.duplicate = true;
                chunk.summary.posts -= 1;
                chunk.summary.posts_with_tags -= u64::from(!post.tags.is_empty());
                chunk.summary.posts_without_author -= u64::from(post.author.is_none());
                skipped.push_with(SkipReason::DuplicateId, || Skip {
                    location: Location {
                        file: state.name.clone(),
                        line: post.line + state.line,
                        byte_offset: post.offset,
                    },
                    reason: SkipReason::DuplicateId,
                    detail: "this post id was seen before; the first copy is counted".into(),
                    excerpt: {
                        let at = (post.offset - offset) as usize;
                        excerpt_at(data, at, at + post.len as usize)
                    },
                });
            }
            chunk.diagnostics.interleave(skipped);
            state.line += chunk.lines;
            run.summary.add(&chunk.summary);
            run.add_skips(std::mem::take(&mut chunk.diagnostics))?;
            if self.config.strict
                && let Some(first) = run.diagnostics.first()
            {
                return Err(Error::new(ErrorKind::Strict {
                    location: first.location.clone(),
                    reason: first.reason,
                    detail: first.detail.clone(),
                }));
            }
        }
        let end = match (starts.last(), chunks.last()) {
            (Some(s), Some(c)) => s + c.end,
            _ => 0,
        };
        let t = lap(&mut run.timings.order, t);
        let views: Vec<ChunkView<'_>> = chunks
            .iter()
            .map(|c| ChunkView {
                posts: &c.posts,
                entries: &c.tags.entries,
                buckets: &c.bucket_ids,
                remap: &run.dict.remaps[c.thread],
                file: state.file,
            })
            .collect();
        run.shards.count(&run.dict, &views);
        lap(&mut run.timings.count, t);
        Ok(end)
    }
}

/// Adds the time since `since` to `stage`; returns now.
fn lap(stage: &mut Duration, since: Instant) -> Instant {
    let now = Instant::now();
    *stage += now - since;
    now
}

/// Maps a regular, non-empty file into memory; `None` when it cannot be.
fn map_file(f: &File) -> Option<Mmap> {
    let meta = f.metadata().ok()?;
    if !meta.is_file() || meta.len() == 0 {
        return None;
    }
    // SAFETY: the map is only read. If another process truncates the file
    // while it is read, reading the lost pages raises SIGBUS, as with any
    // memory-mapped reader (`--no-mmap` reads with plain reads instead).
    let map = unsafe { Mmap::map(f) }.ok()?;
    let _ = map.advise(Advice::Sequential);
    Some(map)
}

/// Bytes read to sniff the format and find the header.
const HEAD_BYTES: usize = 64 * 1024;
/// Chunks per window of a mapped file: the records between two points where
/// duplicates are marked in order and pages are released.
const WINDOW_CHUNKS: usize = 16;
/// Pages are released in whole pages.
const PAGE: usize = 4096;
