//! Reading inputs: opening a path (mapped or streamed), sniffing its format
//! and header, and cutting it into windows of chunks that [`super::window`]
//! parses and counts.

use std::fs::File;
use std::io::{self, Cursor, Read};
use std::path::Path;
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use memmap2::{Advice, Mmap, UncheckedAdvice};

use super::posts::ChunkPosts;
use super::{Analyzer, InputState, Run, Summary, Workers};
use crate::error::{Error, ErrorKind, Result};
use crate::source::batch::{Batch, Batcher, CHUNK_BYTES};
use crate::source::split::{self, Ends};
use crate::source::{self, Format, Schema, open};

impl Analyzer {
    /// Reads one path: a regular file through a memory map when it can be
    /// (plain, not compressed), else as a stream.
    pub(super) fn read_path(&self, path: &Path, file: u32, run: &mut Run<'_>) -> Result<()> {
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
    /// against where the previous chunk's records really ended. Each window
    /// is parsed while the one before it is counted, and its pages are
    /// released once its excerpts are taken, so resident memory does not
    /// grow with the file.
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
                None,
                prepared.start as u64,
                &prepared.schema,
                &mut state,
                run,
            )?;
            return self.finish_input(state.name, &prepared.schema, before, run);
        };
        let keep_all = run.skipped.is_some();
        let workers = Arc::clone(&run.workers);
        let name = state.name.clone();
        let cut = WindowCut {
            window: chunk.saturating_mul(WINDOW_CHUNKS),
            chunk,
            ends,
        };
        let parse = |pos: usize| {
            self.parse_window(map, pos, cut, &prepared.schema, &name, keep_all, &workers)
        };
        let mut released = 0;
        let mut next = (prepared.start < map.len()).then(|| parse(prepared.start));
        while let Some(mut w) = next.take() {
            run.timings.split += w.split;
            run.timings.parse += w.parse;
            self.number_chunks(&mut w.chunks, run);
            let after = w.pos + w.end.max(1);
            // Nothing before `after` is read again once duplicates and
            // skipped rows have their excerpts.
            let upto = after.min(map.len()) / PAGE * PAGE;
            // The next window is parsed while this one is counted: on two
            // threads, one parses while the other would wait on a part of
            // the count that does not split evenly. Numbering (above) locks
            // every thread's spelling table, so it is done first; counting
            // holds no lock while it waits on other threads, so a parse task
            // it picks up meanwhile only locks its own thread's table.
            let mut ahead = None;
            let counted = rayon::in_place_scope(|scope| {
                if after < map.len() {
                    let ahead = &mut ahead;
                    let parse = &parse;
                    scope.spawn(move |_| *ahead = Some(parse(after)));
                }
                let done = || release(map, released..upto);
                let data = &map[w.pos..];
                self.count_chunks(data, w.pos as u64, w.chunks, &mut state, run, done)
            });
            released = released.max(upto);
            counted?;
            next = ahead;
        }
        self.finish_input(state.name, &prepared.schema, before, run)
    }
    /// Reads a stream (standard input, a compressed or UTF-16 file) in
    /// batches, read by a thread of their own while the workers count.
    pub(super) fn read_stream(
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
        let (spare_tx, spare_rx) = mpsc::channel();
        let batcher = Batcher::new(head.chain(reader), format)
            .quoting(quoting)
            .chunk_bytes(self.config.chunk_bytes.unwrap_or(CHUNK_BYTES))
            .recycle(spare_rx);
        // Two batches are read ahead while the one before is counted, so
        // the decompressor is rarely held up by a slow window (one ahead:
        // 10M posts from zstd in 7.1 s; two: 5.8 s, for 16 MiB more).
        let (tx, rx) = mpsc::sync_channel(2);
        let reader = std::thread::spawn(move || {
            for batch in batcher {
                let failed = batch.is_err();
                if tx.send(batch).is_err() || failed {
                    break;
                }
            }
        });
        let mut read_failed = false;
        let batches = rx.iter().inspect(|b| read_failed |= b.is_err());
        let counted = self.read_batches(
            batches,
            Some(spare_tx),
            base,
            &prepared.schema,
            &mut state,
            run,
        );
        // Once every batch is taken, or the reader has sent its error, it
        // has left its loop: joined, it leaves no thread behind (a library
        // caller may run many inputs). After an error in counting (strict
        // mode) it is not waited for: it may be reading a slow stream, and
        // it ends at its next batch, when the channel is found closed, or
        // with the process.
        if let Err(e) = counted {
            if read_failed {
                let _ = reader.join();
            }
            return Err(e);
        }
        if reader.join().is_err() {
            let gone = io::Error::other("the thread reading the input stopped unexpectedly");
            return Err(source::read_error(gone, &state.name));
        }
        self.finish_input(state.name, &prepared.schema, before, run)
    }

    /// Parses and counts batches whose chunks are exact, handing each
    /// batch's buffer to `spare` once it is counted.
    fn read_batches(
        &self,
        batches: impl IntoIterator<Item = io::Result<Batch>>,
        spare: Option<mpsc::Sender<Vec<u8>>>,
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
            let mut chunks = self.parse_chunks(
                &batch.data,
                offset,
                &starts,
                batch.data.len(),
                true,
                schema,
                &state.name,
                run.skipped.is_some(),
                &run.workers,
            );
            run.timings.parse += t.elapsed();
            self.number_chunks(&mut chunks, run);
            self.count_chunks(&batch.data, offset, chunks, state, run, || {})?;
            if let Some(spare) = &spare {
                // The reader may have finished: then the buffer is dropped.
                let _ = spare.send(batch.data);
            }
        }
        Ok(())
    }

    /// Parses the window of a mapped file that starts at `pos` (a record
    /// boundary): its records that start within `cut.window` bytes, in
    /// chunks whose starts are guessed in parallel ([`split::starts`]) and
    /// checked against where the chunk before really ended; from the first
    /// wrong guess, the rest of the window is cut by walking its records.
    #[allow(clippy::too_many_arguments)]
    fn parse_window(
        &self,
        map: &[u8],
        pos: usize,
        cut: WindowCut,
        schema: &Schema,
        name: &str,
        keep_all: bool,
        workers: &Workers,
    ) -> Parsed {
        let WindowCut {
            window,
            chunk,
            ends,
        } = cut;
        let data = &map[pos..];
        let limit = window.min(data.len());
        let t = Instant::now();
        let mut starts = split::starts(data, limit, chunk, ends);
        let split = t.elapsed();
        let parse = |starts: &[usize]| {
            self.parse_chunks(
                data, pos as u64, starts, limit, false, schema, name, keep_all, workers,
            )
        };
        let mut chunks = parse(&starts);
        // Check every guess: a chunk must start where the records of the
        // one before it ended. From the first that does not, walk.
        if let Some(bad) =
            (1..chunks.len()).find(|&i| starts[i - 1] + chunks[i - 1].end != starts[i])
        {
            let from = starts[bad - 1] + chunks[bad - 1].end;
            let exact = split::exact_starts(data, from, limit, chunk, ends);
            chunks.truncate(bad);
            starts.truncate(bad);
            chunks.extend(parse(&exact));
            starts.extend(exact);
        }
        let end = match (starts.last(), chunks.last()) {
            (Some(s), Some(c)) => s + c.end,
            _ => 0,
        };
        Parsed {
            pos,
            end,
            chunks,
            split,
            parse: t.elapsed() - split,
        }
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
}

/// Hands the pages of `range` of a map back: the page cache keeps them,
/// but they no longer count as this process's memory.
fn release(map: &Mmap, range: std::ops::Range<usize>) {
    if range.is_empty() {
        return;
    }
    // SAFETY: the map is read-only and shared; dropping its pages only
    // means a later read of them faults them in again from the file. The
    // caller reads nothing in `range` again.
    unsafe {
        let _ = map.unchecked_advise_range(UncheckedAdvice::DontNeed, range.start, range.len());
    }
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

/// How a mapped file is cut: windows of `window` bytes, chunks of about
/// `chunk`, records ending as `ends` says.
#[derive(Clone, Copy)]
struct WindowCut {
    window: usize,
    chunk: usize,
    ends: Ends,
}

/// A parsed window of a mapped file, not yet counted.
struct Parsed {
    /// Where the window starts in the file.
    pos: usize,
    /// Where its last record ends, relative to `pos`.
    end: usize,
    chunks: Vec<ChunkPosts>,
    /// Time spent placing chunk starts, and parsing.
    split: Duration,
    parse: Duration,
}

/// Bytes read to sniff the format and find the header.
const HEAD_BYTES: usize = 64 * 1024;
/// Chunks per window of a mapped file: the records between two points where
/// duplicates are marked in order and pages are released. Two windows are
/// held at once (one counted, the next parsed): with 32 chunks (16 MiB) the
/// 10M-post CSV peaked at 388 MB against 365 MB counting one window at a
/// time; with 24 (12 MiB), 376 MB, no slower within this machine's noise
/// (30 paired runs at 1M on two threads, +0.4%); with 16, 359 MB.
const WINDOW_CHUNKS: usize = 24;
/// Pages are released in whole pages.
const PAGE: usize = 4096;
