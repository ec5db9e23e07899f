//! One window of chunks: parsed in parallel, then, in input order, lines
//! numbered, duplicates marked and skipped rows gathered, then counted.

use std::sync::atomic::Ordering;
use std::sync::{MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use super::posts::{ChunkPosts, excerpt_at};
use super::{Analyzer, InputState, Run, Workers};
use crate::bucket::Bucketer;
use crate::count::{self, ChunkView, Local, id_shard};
use crate::diagnostics::{Diagnostics, Skip, SkipReason};
use crate::error::{Error, ErrorKind, Location, Result};
use crate::source::Schema;

impl Analyzer {
    /// Parses, in parallel, the chunks of `data` (whose byte 0 is at
    /// `offset` in the input) starting at `starts`: the records that start
    /// before the next start (the last chunk: before `limit`). Records may
    /// run past that point unless `exact`, where chunks end at the next start
    /// (a JSON document's chunks must: its values are read to the end).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn parse_chunks(
        &self,
        data: &[u8],
        offset: u64,
        starts: &[usize],
        limit: usize,
        exact: bool,
        schema: &Schema,
        name: &str,
        keep_all: bool,
        workers: &Workers,
    ) -> Vec<ChunkPosts> {
        let bucketer = Bucketer::new(self.config.bucket, self.config.zone);
        let locals = &workers.locals;
        let spares = &workers.spare;
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
                    let spare = spares
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .pop()
                        .unwrap_or_default();
                    let mut chunk = self.parse_chunk(
                        &data[start..end],
                        stop.saturating_sub(start),
                        offset + start as u64,
                        schema,
                        bucketer,
                        name,
                        keep_all,
                        &mut local,
                        spare,
                    );
                    chunk.thread = thread;
                    chunk
                },
            )
            .collect()
    }

    /// Gives what the threads met in parsed chunks global numbers (before
    /// [`Analyzer::count_chunks`]; no chunk may be parsed meanwhile).
    pub(super) fn number_chunks(&self, chunks: &mut [ChunkPosts], run: &mut Run<'_>) {
        let t = Instant::now();
        {
            let locals: Vec<MutexGuard<'_, Local>> = run
                .workers
                .locals
                .iter()
                .map(|l| l.lock().unwrap_or_else(PoisonError::into_inner))
                .collect();
            let locals: Vec<&Local> = locals.iter().map(|l| &**l).collect();
            run.dict.sync(&locals);
        }
        let dict = &run.dict;
        chunks
            .par_iter_mut()
            .for_each(|c| dict.globalize(c.thread, &mut c.tags.entries));
        for chunk in chunks {
            chunk.bucket_ids = chunk.buckets.iter().map(|&b| run.dict.bucket(b)).collect();
        }
        lap(&mut run.timings.number, t);
    }

    /// Takes numbered chunks ([`Analyzer::number_chunks`]) in input order:
    /// numbers their lines, marks duplicate ids (so the first copy is the
    /// one counted), gathers what was skipped, then counts the posts in
    /// parallel. Chunks of a later window may be parsed meanwhile.
    /// `done_with_data` is called once `data` is no longer read (before the
    /// posts are counted).
    pub(super) fn count_chunks(
        &self,
        data: &[u8],
        offset: u64,
        mut chunks: Vec<ChunkPosts>,
        state: &mut InputState,
        run: &mut Run<'_>,
        done_with_data: impl FnOnce(),
    ) -> Result<()> {
        let keep_all = run.skipped.is_some();
        let t = Instant::now();
        // Duplicate ids and author numbers: each thread takes a run of the
        // sets of ids and authors and walks, in input order, the posts that
        // parsing listed for it, so the first copy of an id is the one
        // counted.
        let per = count::shards_per_thread();
        let found: Vec<(Vec<(usize, usize)>, bool)> = {
            let chunks = &chunks;
            run.seen
                .par_chunks_mut(per)
                .zip(run.authors.0.par_chunks_mut(per))
                .enumerate()
                .map(|(group, (seen, authors))| {
                    let first = group * per;
                    let mut duplicates = Vec::new();
                    let mut full = false;
                    for (c, chunk) in chunks.iter().enumerate() {
                        let walk = &chunk.walks[group];
                        let id_of = |p: u32| chunk.posts[p as usize].id().unwrap_or_default();
                        for (i, &p) in walk.ids.iter().enumerate() {
                            let id = id_of(p);
                            let set = id_shard(id) - first;
                            // Ask for the slot of an id a few posts ahead,
                            // unless ids come in order (then none needs one).
                            if !seen[set].is_above(id)
                                && let Some(&ahead) = walk.ids.get(i + SETS_AHEAD)
                            {
                                let ahead = id_of(ahead);
                                seen[id_shard(ahead) - first].prefetch(ahead);
                            }
                            if !seen[set].insert(id) {
                                duplicates.push((c, p as usize));
                            }
                        }
                        for (i, &p) in walk.authors.iter().enumerate() {
                            // Ask for the slot of an author a few posts ahead.
                            if let Some(&ahead) = walk.authors.get(i + SETS_AHEAD) {
                                let a = chunk.posts[ahead as usize].author().unwrap_or_default();
                                authors[id_shard(a) - first].prefetch(a);
                            }
                            let post = &chunk.posts[p as usize];
                            let a = post.author().unwrap_or_default();
                            let shard = id_shard(a);
                            match count::author_number(&mut authors[shard - first], shard, a) {
                                Some(n) => post.author_id.store(n, Ordering::Relaxed),
                                None => full = true,
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
            let mut had_duplicates = false;
            while let Some((_, p)) = duplicates.next_if(|d| d.0 == c) {
                had_duplicates = true;
                let post = &mut chunk.posts[p];
                post.duplicate = true;
                chunk.summary.posts -= 1;
                chunk.summary.posts_with_tags -= u64::from(!post.tags.is_empty());
                chunk.summary.posts_without_author -= u64::from(post.author().is_none());
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
            // Posts per bucket and the time span, without the duplicates
            // (rare: a chunk that has one walks its posts again).
            let mut span = chunk.span;
            if had_duplicates {
                span = None;
                for post in chunk.posts.iter() {
                    if post.duplicate {
                        chunk.bucket_posts[post.bucket as usize] -= 1;
                    } else {
                        span = Some(span.map_or((post.time, post.time), |(lo, hi)| {
                            (lo.min(post.time), hi.max(post.time))
                        }));
                    }
                }
            }
            for (&b, &n) in chunk.bucket_ids.iter().zip(&chunk.bucket_posts) {
                let b = b as usize;
                if b >= run.bucket_posts.len() {
                    run.bucket_posts.resize(b + 1, 0);
                }
                run.bucket_posts[b] += n;
            }
            if let Some((lo, hi)) = span {
                run.span = Some(run.span.map_or((lo, hi), |(a, b)| (a.min(lo), b.max(hi))));
            }
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
        done_with_data();
        let t = lap(&mut run.timings.order, t);
        let views: Vec<ChunkView<'_>> = chunks
            .iter()
            .map(|c| ChunkView {
                posts: &c.posts,
                entries: &c.tags.entries,
                mine: c.walks.iter().map(|w| &w.entries[..]).collect(),
                buckets: &c.bucket_ids,
                file: state.file,
            })
            .collect();
        run.shards.count(&views);
        drop(views);
        let spare = chunks.into_iter().map(ChunkPosts::into_spare);
        run.workers
            .spare
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend(spare);
        lap(&mut run.timings.count, t);
        Ok(())
    }
}

/// How many posts ahead the walk over ids and authors prefetches an id's
/// or an author's slot.
const SETS_AHEAD: usize = 8;

/// Adds the time since `since` to `stage`; returns now.
fn lap(stage: &mut Duration, since: Instant) -> Instant {
    let now = Instant::now();
    *stage += now - since;
    now
}
