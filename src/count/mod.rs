//! Counting: per (bucket, tag) posts, occurrences and distinct authors.
//!
//! Counting runs in three steps, none of which depends on the number of
//! threads or on how work was shared out:
//!
//! 1. While parsing, each worker thread numbers the hashtag spellings it
//!    meets in its own `Local` table (no locks, no sharing), and normalizes
//!    each new one to its counting key.
//! 2. After each window of chunks, the `Dictionary` gives every new local
//!    number a global one: the work grows with the number of *distinct*
//!    spellings, not with the posts. Spellings and keys fall in 64 sets by
//!    the key's hash, each numbered by the thread that owns it, in parallel.
//!    Authors are numbered the same way: author keys fall in 64 sets
//!    (`Authors`).
//! 3. Counting is split by tag: tag key `k` belongs to shard `k % SHARDS`,
//!    and each thread counts only its own shards (`Shards::count`). All
//!    counts of a tag live in one shard, so nothing is merged at the end.
//!
//! Distinct authors are exact. Each counted (post, tag) with a known author
//! appends one `(cell, author)` pair of 8 bytes (cell number and global
//! author number, 32 bits each) to its shard; when a shard's room is full it
//! sorts the new pairs, merges them into its sorted distinct ones and makes
//! room for half as many again, so it holds at most 1.5 times its distinct
//! (bucket, tag, author) triples: 8 to 12 bytes per triple. At the end
//! the distinct pairs give each cell its authors, and the distinct (tag,
//! author) pairs each tag's total.

mod shard;
mod tables;

use serde::Serialize;

pub(crate) use shard::{ChunkView, Shards};
pub(crate) use tables::{
    Authors, Dictionary, Entry, IdSet, Local, PostParts, PostRecord, PostTags, RawTags,
    author_number, id_shard,
};

/// Where a hashtag was written: file, then record, then position in the
/// post. Used to break ties between spellings deterministically.
pub(crate) type Position = (u32, u64, u32);

/// Number of tag shards; counting threads share them out.
pub(crate) const SHARDS: usize = 64;

/// How many of the [`SHARDS`] sets (tag shards, dictionary, id and author
/// sets) each thread of the current pool takes, a run of them each. Parsing
/// lists each thread's posts and entries by it, so every stage must cut the
/// sets the same way.
pub(crate) fn shards_per_thread() -> usize {
    SHARDS.div_ceil(rayon::current_num_threads().max(1))
}

/// The items whose slots (each below `slots`) `slot_of` lists, grouped by
/// slot in ascending order, in the order given within a slot (a counting
/// sort: one pass counts, one places). Returns where each slot's group
/// starts (`slots + 1` bounds) and the item indices in that order.
pub(crate) fn group_by_slot(
    slot_of: impl Iterator<Item = usize> + Clone,
    slots: usize,
) -> (Vec<usize>, Vec<u32>) {
    let mut starts = vec![0usize; slots + 1];
    for s in slot_of.clone() {
        starts[s + 1] += 1;
    }
    for s in 0..slots {
        starts[s + 1] += starts[s];
    }
    let mut next = starts.clone();
    let mut order = vec![0u32; starts[slots]];
    for (i, s) in slot_of.enumerate() {
        order[next[s]] = i as u32;
        next[s] += 1;
    }
    (starts, order)
}

/// A tag's key and display form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TagInfo {
    /// The counting key (NFKC, lowercased), without the hash sign.
    pub key: String,
    /// The spelling written most often; ties go to the one written first.
    pub display: String,
}

/// The counts of one (bucket, tag) pair, or of one tag over all buckets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tallies {
    /// Distinct posts that contain the tag.
    pub posts: u64,
    /// Uses of the tag: a post that writes it twice counts 2.
    pub occurrences: u64,
    /// Distinct known authors of those posts.
    pub authors: u64,
}

/// One row of the per-bucket table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell {
    /// Index into [`Counts::buckets`].
    pub bucket: u32,
    /// Index into [`Counts::tags`].
    pub tag: u32,
    /// The counts.
    pub tallies: Tallies,
}

/// Every count of a run: tags (sorted by key), buckets (sorted by start),
/// the (bucket, tag) cells and per-tag totals.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    tags: Vec<TagInfo>,
    buckets: Vec<i64>,
    cells: Vec<Cell>,
    totals: Vec<Tallies>,
}

impl Counts {
    /// Every tag, sorted by key (byte order); cells and totals index into it.
    pub fn tags(&self) -> &[TagInfo] {
        &self.tags
    }

    /// Every bucket start that holds a count (Unix seconds), ascending.
    pub fn buckets(&self) -> &[i64] {
        &self.buckets
    }

    /// The (bucket, tag) cells, sorted by bucket, then tag key.
    pub fn cells(&self) -> &[Cell] {
        &self.cells
    }

    /// Per-tag totals over all buckets, in [`Counts::tags`] order. `authors`
    /// counts distinct authors over the whole run, not a sum over buckets.
    pub fn totals(&self) -> &[Tallies] {
        &self.totals
    }

    /// The counts of one (bucket, tag) pair, by index, if the tag was used in
    /// that bucket.
    pub fn cell(&self, bucket: u32, tag: u32) -> Option<&Cell> {
        self.cells
            .binary_search_by_key(&(bucket, tag), |c| (c.bucket, c.tag))
            .ok()
            .map(|i| &self.cells[i])
    }

    /// The index of a tag by its key, if it was seen.
    pub fn tag_index(&self, key: &str) -> Option<u32> {
        self.tags
            .binary_search_by(|t| t.key.as_str().cmp(key))
            .ok()
            .map(|i| i as u32)
    }

    /// The totals of a tag by key (zero if it was never seen).
    pub fn total(&self, key: &str) -> Tallies {
        self.tag_index(key)
            .map(|i| self.totals[i as usize])
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_grouped_by_slot_in_the_order_given() {
        // Slots of items 0..7; slot 1 holds none.
        let slots = [2, 0, 2, 3, 0, 2, 3];
        let (starts, order) = group_by_slot(slots.iter().copied(), 4);
        assert_eq!(starts, [0, 2, 2, 5, 7]);
        assert_eq!(order, [1, 4, 0, 2, 5, 3, 6]);
        let (starts, order) = group_by_slot(std::iter::empty(), 0);
        assert_eq!((starts, order), (vec![0], vec![]));
    }
}
