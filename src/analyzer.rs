//! The pipeline, configured ([`AnalyzerBuilder`]), run ([`Analyzer`]) and
//! its result ([`TrendReport`]).
//!
//! Each input is read in batches of chunks ([`crate::source::batch`]). For a
//! batch, the chunks are parsed in parallel into bucketed, tagged posts; then
//! duplicate post ids are marked in input order (so the first copy is the one
//! counted, whatever the thread count); then the posts are counted in
//! parallel, each thread into its own tally, merged once at the end.

use std::fs::File;
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
use std::io::{self, Cursor, Read};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use rustc_hash::FxHashSet;
use serde::Serialize;

use crate::bucket::{BucketSpec, Bucketer};
use crate::count::{Counts, PostRecord, TagArena, Tally};
use crate::diagnostics::{Diagnostics, Skip, SkipReason};
use crate::error::{Error, ErrorKind, Location, Result};
use crate::hashtag::hashtags;
use crate::normalize;
use crate::source::batch::{Batch, Batcher};
use crate::source::{self, Columns, Fields, Format, Schema, TagsFrom};
use crate::time::{TimeParser, Zone};

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

    fn name(&self) -> String {
        match self {
            Input::Path(p) => p.display().to_string(),
            Input::Reader { name, .. } => name.clone(),
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
    /// Records with bytes that were not valid UTF-8 (decoded with U+FFFD
    /// replacement characters; the record is still used).
    pub invalid_utf8: u64,
    /// Rows left out for any reason (see [`TrendReport::diagnostics`]).
    pub skipped: u64,
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
    bucketer: Bucketer,
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
    /// The bucketing used (to format bucket starts).
    pub fn bucketer(&self) -> &Bucketer {
        &self.bucketer
    }
}

/// A parsed chunk: its posts, their tags, and what was skipped.
#[derive(Default)]
struct ChunkPosts {
    posts: Vec<PostRecord>,
    arena: TagArena,
    diagnostics: Diagnostics,
    summary: Summary,
    lines: u64,
}

/// A 64-bit key for an id or author: the number itself when it is a plain
/// decimal that fits (no collision possible), else a SipHash of the bytes.
fn id_key(s: &str) -> u64 {
    let s = s.trim();
    if !s.is_empty()
        && s.len() <= 19
        && s.bytes().all(|b| b.is_ascii_digit())
        && let Ok(n) = s.parse::<u64>()
    {
        return n;
    }
    BuildHasherDefault::<DefaultHasher>::default().hash_one(s)
}

fn excerpt(s: &str) -> String {
    const MAX: usize = 60;
    match s.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

/// Per-input state that outlives one batch.
struct InputState {
    file: u32,
    name: String,
    /// Line number of the first line of the next batch.
    line: u64,
}

impl Analyzer {
    /// Runs over inputs in order, returning the counts or the first fatal
    /// error (an unreadable input, a missing column, or under strict mode
    /// the first unusable row).
    pub fn run(&self, inputs: Vec<Input>) -> Result<TrendReport> {
        let mut tallies: Vec<Tally> = (0..rayon::current_num_threads().max(1))
            .map(|_| Tally::default())
            .collect();
        let mut seen: FxHashSet<u64> = FxHashSet::default();
        let mut diagnostics = Diagnostics::default();
        let mut summary = Summary::default();
        for (i, input) in inputs.into_iter().enumerate() {
            let name = input.name();
            let reader: Box<dyn Read + Send> = match input {
                Input::Path(p) if p.as_os_str() == "-" => Box::new(io::stdin()),
                Input::Path(p) => match File::open(&p) {
                    Ok(f) if f.metadata().is_ok_and(|m| m.is_dir()) => {
                        return Err(Error::new(ErrorKind::Input {
                            file: name,
                            message: "is a directory, expected a file".into(),
                        }));
                    }
                    Ok(f) => Box::new(f),
                    Err(source) => return Err(Error::new(ErrorKind::Io { path: p, source })),
                },
                Input::Reader { reader, .. } => reader,
            };
            let ext = PathBuf::from(&name);
            let mut state = InputState {
                file: i as u32,
                name,
                line: 1,
            };
            self.run_input(
                reader,
                &ext,
                &mut state,
                &mut tallies,
                &mut seen,
                &mut diagnostics,
                &mut summary,
            )?;
            summary.files += 1;
        }
        summary.skipped = diagnostics.total();
        Ok(TrendReport {
            counts: Counts::merge(tallies),
            diagnostics,
            summary,
            bucketer: Bucketer::new(self.config.bucket, self.config.zone),
        })
    }

    /// Runs over files given by path (`-` is standard input).
    pub fn run_paths<P: AsRef<Path>>(&self, paths: &[P]) -> Result<TrendReport> {
        self.run(paths.iter().map(Input::from_path).collect())
    }

    #[allow(clippy::too_many_arguments)]
    fn run_input(
        &self,
        mut reader: Box<dyn Read + Send>,
        path: &Path,
        state: &mut InputState,
        tallies: &mut [Tally],
        seen: &mut FxHashSet<u64>,
        diagnostics: &mut Diagnostics,
        summary: &mut Summary,
    ) -> Result<()> {
        // Read a head to sniff the format and find the header.
        let mut head = Vec::new();
        (&mut reader)
            .take(64 * 1024)
            .read_to_end(&mut head)
            .map_err(|e| source::read_error(e, &state.name))?;
        let mut format = self
            .config
            .format
            .or_else(|| Format::from_extension(path))
            .unwrap_or_else(|| Format::sniff(&head));
        if let (Format::Csv { delimiter }, Some(d)) = (&mut format, self.config.delimiter) {
            *delimiter = d;
        }
        let prepared = source::prepare(
            format,
            &mut head,
            &mut reader,
            &self.config.columns,
            &state.name,
        )?;
        state.line += prepared.lines;
        let skip = prepared.start;
        let schema = prepared.schema;
        let base = skip as u64;
        let rest = Cursor::new(head.split_off(skip)).chain(reader);
        let mut batcher = Batcher::new(rest, format).chunk_bytes(
            self.config
                .chunk_bytes
                .unwrap_or(crate::source::batch::CHUNK_BYTES),
        );
        while let Some(batch) = batcher
            .next_batch()
            .map_err(|e| source::read_error(e, &state.name))?
        {
            self.run_batch(
                &batch,
                base,
                &schema,
                state,
                tallies,
                seen,
                diagnostics,
                summary,
            )?;
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn run_batch(
        &self,
        batch: &Batch,
        base: u64,
        schema: &Schema,
        state: &mut InputState,
        tallies: &mut [Tally],
        seen: &mut FxHashSet<u64>,
        diagnostics: &mut Diagnostics,
        summary: &mut Summary,
    ) -> Result<()> {
        let bucketer = Bucketer::new(self.config.bucket, self.config.zone);
        let mut chunks: Vec<ChunkPosts> = batch
            .chunks
            .par_iter()
            .map_init(
                || bucketer.clone(),
                |bucketer, range| {
                    let offset = base + batch.offset + range.start as u64;
                    self.parse_chunk(
                        &batch.data[range.clone()],
                        offset,
                        schema,
                        bucketer,
                        &state.name,
                    )
                },
            )
            .collect();
        // In input order: fix line numbers, mark duplicates, gather diagnostics.
        for chunk in &mut chunks {
            for s in chunk.diagnostics.samples_mut() {
                s.location.line += state.line;
            }
            let mut duplicates = Diagnostics::default();
            for post in &mut chunk.posts {
                post.line += state.line;
                if self.config.keep_duplicates {
                    continue;
                }
                if let Some(id) = post.id
                    && !seen.insert(id)
                {
                    post.duplicate = true;
                    chunk.summary.posts -= 1;
                    chunk.summary.posts_with_tags -= u64::from(!post.tags.is_empty());
                    chunk.summary.posts_without_author -= u64::from(post.author.is_none());
                    duplicates.push(Skip {
                        location: Location {
                            file: state.name.clone(),
                            line: post.line,
                            byte_offset: post.offset,
                        },
                        reason: SkipReason::DuplicateId,
                        detail: "this post id was seen before; the first copy is counted".into(),
                    });
                }
            }
            chunk.diagnostics.interleave(duplicates);
            state.line += chunk.lines;
            summary.add(&chunk.summary);
            diagnostics.append(std::mem::take(&mut chunk.diagnostics));
            if self.config.strict
                && let Some(first) = diagnostics.first()
            {
                return Err(Error::new(ErrorKind::Strict {
                    location: first.location.clone(),
                    reason: first.reason,
                    detail: first.detail.clone(),
                }));
            }
        }
        // Count: thread t takes the t-th run of chunks.
        let per = chunks.len().div_ceil(tallies.len()).max(1);
        let file = state.file;
        tallies
            .par_iter_mut()
            .zip(chunks.par_chunks(per))
            .for_each(|(tally, group)| {
                for chunk in group {
                    for post in chunk.posts.iter().filter(|p| !p.duplicate) {
                        tally.add(post, &chunk.arena, file);
                    }
                }
            });
        Ok(())
    }

    fn parse_chunk(
        &self,
        data: &[u8],
        offset: u64,
        schema: &Schema,
        bucketer: &mut Bucketer,
        name: &str,
    ) -> ChunkPosts {
        let mut out = ChunkPosts::default();
        let mut key = String::new();
        out.lines = schema.for_each_record(data, |at, fields| {
            out.summary.records += 1;
            let location = || Location {
                file: name.to_owned(),
                line: at.line,
                byte_offset: offset + at.offset as u64,
            };
            let fields: Fields<'_> = match fields {
                Ok(f) => f,
                Err(bad) => {
                    out.diagnostics.push(Skip {
                        location: location(),
                        reason: bad.reason,
                        detail: bad.detail,
                    });
                    return;
                }
            };
            out.summary.invalid_utf8 += u64::from(fields.lossy);
            let mut skip = |reason: SkipReason, detail: String| {
                out.diagnostics.push(Skip {
                    location: location(),
                    reason,
                    detail,
                });
            };
            let Some(text) = fields.text else {
                return skip(SkipReason::MissingText, "no text".into());
            };
            let Some(time) = fields.time else {
                return skip(SkipReason::MissingTime, "no time".into());
            };
            let ts = match self.time.parse(&time) {
                Ok(ts) => ts,
                Err(e) => return skip(SkipReason::BadTime, e.to_string()),
            };
            if self.config.from.is_some_and(|f| ts < f) || self.config.to.is_some_and(|t| ts >= t) {
                return skip(
                    SkipReason::OutOfRange,
                    format!("{} is outside --from/--to", excerpt(&time)),
                );
            }
            let repost = fields.repost || is_rt_prefix(&text);
            out.summary.reposts += u64::from(repost);
            if repost && self.config.exclude_reposts {
                out.summary.reposts_excluded += 1;
                return;
            }
            let first = out.arena.tags.len() as u32;
            match (self.config.tags_from, &fields.tags) {
                (TagsFrom::Auto | TagsFrom::Field, Some(list)) => {
                    for tag in list {
                        normalize::key_into(tag, &mut key);
                        out.arena.push(&key, tag);
                    }
                }
                (TagsFrom::Field, None) => {}
                (TagsFrom::Text, _) | (TagsFrom::Auto, None) => {
                    for h in hashtags(&text) {
                        normalize::key_into(h.tag, &mut key);
                        out.arena.push(&key, h.tag);
                    }
                }
            }
            let tags = first..out.arena.tags.len() as u32;
            out.summary.posts += 1;
            out.summary.posts_with_tags += u64::from(!tags.is_empty());
            out.summary.posts_without_author += u64::from(fields.author.is_none());
            out.posts.push(PostRecord {
                bucket: bucketer.start(ts),
                id: fields.id.as_deref().map(id_key),
                author: fields.author.as_deref().map(id_key),
                tags,
                offset: offset + at.offset as u64,
                line: at.line,
                duplicate: false,
            });
        });
        out
    }
}

/// True for a classic retweet: the text starts with `RT @name`.
fn is_rt_prefix(text: &str) -> bool {
    text.trim_start().starts_with("RT @")
}
