//! Reading inputs: opening a path (mapped or streamed), sniffing its format
//! and header, and cutting it into windows of chunks that [`super::window`]
//! parses and counts.

use std::fs::File;
use std::io::{self, Cursor, Read};
use std::path::Path;
use std::sync::mpsc;
use std::time::Instant;

use memmap2::{Advice, Mmap, UncheckedAdvice};

use super::{Analyzer, InputState, Run, Summary};
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
                None,
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
        // 10M posts from zstd in 7.1 s; two: 5.8 s, for 16 MiB more). The
        // reader thread is not joined: after an error (strict mode) it ends
        // at its next batch, or when the process does.
        let (tx, rx) = mpsc::sync_channel(2);
        std::thread::spawn(move || {
            for batch in batcher {
                let failed = batch.is_err();
                if tx.send(batch).is_err() || failed {
                    break;
                }
            }
        });
        self.read_batches(rx, Some(spare_tx), base, &prepared.schema, &mut state, run)?;
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
            if let Some(spare) = &spare {
                // The reader may have finished: then the buffer is dropped.
                let _ = spare.send(batch.data);
            }
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
const WINDOW_CHUNKS: usize = 32;
/// Pages are released in whole pages.
const PAGE: usize = 4096;
