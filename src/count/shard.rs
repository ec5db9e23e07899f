//! Counting by tag shard: [`Shard`] holds the cells, spelling counts and
//! (cell, author) pairs of the tags whose key falls in it; [`Shards::count`]
//! shares the shards out between threads, [`Shards::finish`] builds the
//! final [`Counts`].

use std::sync::atomic::Ordering;

use rayon::prelude::*;
use rustc_hash::FxHashSet;

use super::tables::{Dictionary, Entry, NO_AUTHOR, PostRecord, merge_sorted};
use super::{Cell, Counts, Position, SHARDS, TagInfo, Tallies};

/// How often one spelling was written, and where first.
///
/// Beside it, the bucket and number + 1 (0: none yet) of the cell its key
/// was last counted in through this spelling: posts come mostly in time
/// order, so the next use is nearly always in the same bucket, and its cell
/// is found here, in the memory just read, without hashing.
#[derive(Debug, Clone, Copy)]
#[repr(align(32))]
struct SpellingCount {
    count: u64,
    first: Position,
    last_cell: (u32, u32),
}

impl SpellingCount {
    /// Not written yet.
    const UNUSED: SpellingCount = SpellingCount {
        count: 0,
        first: (u32::MAX, u64::MAX, u32::MAX),
        last_cell: (0, 0),
    };
}

#[derive(Debug, Clone, Copy)]
struct CellCount {
    bucket: u32,
    key: u32,
    posts: u64,
    occurrences: u64,
}

/// The counts of the tags of one shard.
#[derive(Debug, Default)]
pub(crate) struct Shard {
    /// Cell numbers, found by (bucket, key).
    cell_index: CellIndex,
    cells: Blocks<CellCount>,
    /// By spelling index in the shard (spelling / [`SHARDS`]: a spelling
    /// falls in its key's set, see `Dictionary`); a count of 0 is unused.
    spellings: Vec<SpellingCount>,
    /// `(cell << 32) | author` for each counted (post, tag) with an author.
    pairs: Vec<u64>,
    /// Length of `pairs` after its last deduplication.
    distinct: usize,
}

/// A shard's cell numbers by (bucket, key), in one of two forms.
#[derive(Debug)]
enum CellIndex {
    /// Per global bucket number, a row by the key's index in the shard
    /// (key / [`SHARDS`]) holding the cell number + 1 (0: none yet). A
    /// look-up is two loads, without hashing, and since posts come mostly
    /// in time order, the rows of the buckets being counted stay in cache.
    /// Kept while it holds at most [`DENSE_PER_CELL`] slots a cell (plus
    /// [`DENSE_FLOOR`]): with day buckets, one slot in 2.4 was used at the
    /// end of the 10M-post benchmark, one in 9.1 at 1M (with hour buckets
    /// at 1M, every shard had turned to hashing).
    Dense {
        rows: Vec<Vec<u32>>,
        /// The rows' slots, each row's own header counted as 6.
        slots: usize,
    },
    /// Many buckets with few of their keys each (minute or hour buckets
    /// over a long span): a hash table holding only the cell number (5
    /// bytes a slot); the key is read from `cells`.
    Hashed(hashbrown::HashTable<u32>),
}

impl Default for CellIndex {
    fn default() -> Self {
        CellIndex::Dense {
            rows: Vec::new(),
            slots: 0,
        }
    }
}

/// A shard's dense cell index may hold this many slots a cell...
const DENSE_PER_CELL: usize = 12;
/// ...plus this many, before it turns into a hash table.
const DENSE_FLOOR: usize = 1 << 14;

/// The hash of a (bucket, key) cell for [`CellIndex::Hashed`].
fn cell_hash(bucket: u32, key: u32) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one((u64::from(bucket) << 32) | u64::from(key))
}

/// The hash of cell number `i`, read from `cells`.
fn stored_cell_hash(cells: &Blocks<CellCount>, i: u32) -> u64 {
    let c = &cells[i as usize];
    cell_hash(c.bucket, c.key)
}

/// The number of the (bucket, key) cell in a hash table of cell numbers,
/// `next` (and true) if it is not there yet.
fn hashed_cell(
    table: &mut hashbrown::HashTable<u32>,
    cells: &Blocks<CellCount>,
    bucket: u32,
    key: u32,
    next: u32,
) -> (u32, bool) {
    let cell = *table
        .entry(
            cell_hash(bucket, key),
            |&i| cells[i as usize].bucket == bucket && cells[i as usize].key == key,
            |&i| stored_cell_hash(cells, i),
        )
        .or_insert(next)
        .get();
    (cell, cell == next)
}

/// A vector in blocks of [`BLOCK`] items: it grows a block at a time and
/// never copies what it holds, so millions of cells neither double their
/// room nor fault in fresh pages for a copy at every growth.
#[derive(Debug)]
struct Blocks<T> {
    blocks: Vec<Vec<T>>,
    len: usize,
}

/// Items per block of [`Blocks`].
const BLOCK: usize = 4096;

impl<T> Default for Blocks<T> {
    fn default() -> Self {
        Blocks {
            blocks: Vec::new(),
            len: 0,
        }
    }
}

impl<T> Blocks<T> {
    fn len(&self) -> usize {
        self.len
    }

    fn push(&mut self, item: T) {
        if self.len.is_multiple_of(BLOCK) {
            self.blocks.push(Vec::with_capacity(BLOCK));
        }
        if let Some(last) = self.blocks.last_mut() {
            last.push(item);
            self.len += 1;
        }
    }

    fn get_mut(&mut self, i: usize) -> &mut T {
        &mut self.blocks[i / BLOCK][i % BLOCK]
    }

    fn iter(&self) -> impl Iterator<Item = &T> + Clone {
        self.blocks.iter().flatten()
    }
}

impl<T> std::ops::Index<usize> for Blocks<T> {
    type Output = T;
    fn index(&self, i: usize) -> &T {
        &self.blocks[i / BLOCK][i % BLOCK]
    }
}

/// One counted use of a tag in a post, as a shard sees it.
pub(crate) struct Use {
    pub bucket: u32,
    pub key: u32,
    pub spelling: u32,
    pub count: u64,
    pub at: Position,
    /// First use of this key in the post (so the post counts once).
    pub new_in_post: bool,
    pub author: Option<u32>,
}

impl Shard {
    pub fn add(&mut self, u: &Use) {
        let i = u.spelling as usize / SHARDS;
        if i >= self.spellings.len() {
            self.spellings.resize(i + 1, SpellingCount::UNUSED);
        }
        let s = &mut self.spellings[i];
        s.count += u.count;
        s.first = s.first.min(u.at);
        let cell = match s.last_cell {
            (bucket, cell) if bucket == u.bucket && cell > 0 => cell - 1,
            _ => {
                let cell = self.cell(u.bucket, u.key);
                self.spellings[i].last_cell = (u.bucket, cell + 1);
                cell
            }
        };
        let c = self.cells.get_mut(cell as usize);
        c.occurrences += u.count;
        if u.new_in_post {
            c.posts += 1;
            if let Some(a) = u.author {
                if self.pairs.len() == self.pairs.capacity() {
                    self.dedup_pairs();
                }
                self.pairs.push((u64::from(cell) << 32) | u64::from(a));
            }
        }
    }

    /// Hints the processor to load spelling `spelling`'s counts.
    fn prefetch(&self, spelling: u32) {
        if let Some(s) = self.spellings.get(spelling as usize / SHARDS) {
            prefetch(s);
        }
    }

    /// The number of the (bucket, key) cell, added if new.
    fn cell(&mut self, bucket: u32, key: u32) -> u32 {
        let next = self.cells.len() as u32;
        let budget = DENSE_PER_CELL * (self.cells.len() + 1) + DENSE_FLOOR;
        let found = match &mut self.cell_index {
            CellIndex::Dense { rows, slots } => {
                let (b, k) = (bucket as usize, key as usize / SHARDS);
                let len = rows.get(b).map_or(0, Vec::len);
                // Keys are numbered in the order first met, so a row grows
                // at its end as new tags turn up.
                let grown = if k < len {
                    len
                } else {
                    (k + 1).max(len + len / 2).max(16)
                };
                let need = *slots + (b + 1).saturating_sub(rows.len()) * 6 + (grown - len);
                // Past the budget, nothing is grown: the index is hashed.
                (need <= budget).then(|| {
                    *slots = need;
                    if b >= rows.len() {
                        rows.resize_with(b + 1, Vec::new);
                    }
                    let row = &mut rows[b];
                    row.resize(grown, 0);
                    match row[k] {
                        0 => {
                            row[k] = next + 1;
                            (next, true)
                        }
                        n => (n - 1, false),
                    }
                })
            }
            CellIndex::Hashed(table) => Some(hashed_cell(table, &self.cells, bucket, key, next)),
        };
        let (cell, new) = found.unwrap_or_else(|| {
            // Too many buckets with too few of their tags: hash the cells.
            let mut table = self.cell_table();
            let found = hashed_cell(&mut table, &self.cells, bucket, key, next);
            self.cell_index = CellIndex::Hashed(table);
            found
        });
        if new {
            self.cells.push(CellCount {
                bucket,
                key,
                posts: 0,
                occurrences: 0,
            });
        }
        cell
    }

    /// A hash table of the numbers of all cells so far.
    fn cell_table(&self) -> hashbrown::HashTable<u32> {
        let cells = &self.cells;
        let mut table = hashbrown::HashTable::with_capacity(cells.len());
        for (i, c) in cells.iter().enumerate() {
            table.insert_unique(cell_hash(c.bucket, c.key), i as u32, |&i| {
                stored_cell_hash(cells, i)
            });
        }
        table
    }

    /// Sorts and deduplicates the pairs added since the last time, merges
    /// them into the sorted distinct ones before them, and leaves room for
    /// half as many again: a shard holds at most 1.5 times its distinct
    /// pairs (plus a floor of [`PAIRS_FLOOR`]), never a doubled vector.
    fn dedup_pairs(&mut self) {
        thread_local! {
            /// The pairs added since the last round, sorted, reused, and
            /// the counts of [`sort_pairs`].
            static FRESH: std::cell::RefCell<(Vec<u64>, Vec<u32>)> =
                const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
        }
        FRESH.with_borrow_mut(|(fresh, counts)| {
            sort_pairs(&self.pairs[self.distinct..], fresh, counts);
            fresh.dedup();
            self.pairs.truncate(self.distinct);
            merge_sorted(&mut self.pairs, fresh);
        });
        let room = (self.pairs.len() * 3 / 2).max(PAIRS_FLOOR);
        if self.pairs.capacity() > room {
            self.pairs.shrink_to(room);
        } else {
            self.pairs.reserve_exact(room - self.pairs.len());
        }
        self.distinct = self.pairs.len();
    }
}

/// `pairs` (`cell << 32 | author`) sorted into `out`: placed by cell (a
/// counting sort over the range of cells they hold), then each cell's run
/// sorted by author. Posts come mostly in time order, so the pairs of one
/// round belong to the cells of a few recent buckets, numbered close
/// together, and most runs hold a few authors. At 1M posts this took 137M
/// instructions where sorting whole rounds took 181M (the long runs of the
/// most used tags still take most of it). The comparison sort is still
/// used when the cells are spread over more numbers than there are pairs.
fn sort_pairs(pairs: &[u64], out: &mut Vec<u64>, counts: &mut Vec<u32>) {
    out.clear();
    let cell = |p: u64| (p >> 32) as usize;
    let Some((lo, hi)) = pairs.iter().fold(None, |span, &p| {
        let c = cell(p);
        Some(span.map_or((c, c), |(lo, hi): (usize, usize)| (lo.min(c), hi.max(c))))
    }) else {
        return;
    };
    let range = hi - lo + 1;
    if range > pairs.len() || pairs.len() > u32::MAX as usize {
        out.extend_from_slice(pairs);
        out.sort_unstable();
        return;
    }
    // counts[c - lo + 1]: pairs of cell c; then where cell c's run starts.
    counts.clear();
    counts.resize(range + 1, 0);
    for &p in pairs {
        counts[cell(p) - lo + 1] += 1;
    }
    for i in 0..range {
        counts[i + 1] += counts[i];
    }
    out.resize(pairs.len(), 0);
    for &p in pairs {
        let at = &mut counts[cell(p) - lo];
        out[*at as usize] = p;
        *at += 1;
    }
    // counts[c - lo] now holds where cell c's run ends.
    let mut start = 0;
    for &end in &counts[..range] {
        let run = &mut out[start..end as usize];
        if run.len() > 1 {
            run.sort_unstable();
        }
        start = end as usize;
    }
}

/// How many entries ahead [`Shards::count`] prefetches.
const PREFETCH: usize = 6;

/// Hints the processor to bring `value`'s cache line in (a no-op off x86-64).
#[inline]
pub(super) fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch only hints; it reads nothing and cannot fault.
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>((value as *const T).cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

/// Room for pairs a shard starts with, and keeps at least.
const PAIRS_FLOOR: usize = 1 << 14;

/// The tag shards of a run.
#[derive(Debug)]
pub(crate) struct Shards(pub Vec<Shard>);

impl Default for Shards {
    fn default() -> Self {
        Shards(
            (0..SHARDS)
                .map(|_| Shard {
                    pairs: Vec::with_capacity(PAIRS_FLOOR),
                    ..Shard::default()
                })
                .collect(),
        )
    }
}

/// The tags of one post as counting sees them (reused between posts).
#[derive(Default)]
struct PostKeys {
    keys: Vec<u32>,
    set: FxHashSet<u32>,
}

impl PostKeys {
    fn clear(&mut self) {
        self.keys.clear();
        self.set.clear();
    }

    /// True the first time `key` is seen in the post.
    fn insert(&mut self, key: u32) -> bool {
        if self.keys.len() < 32 {
            if self.keys.contains(&key) {
                return false;
            }
            self.keys.push(key);
            return true;
        }
        if self.set.is_empty() {
            self.set.extend(self.keys.iter().copied());
        }
        self.set.insert(key)
    }
}

/// The posts of one chunk, ready to count.
pub(crate) struct ChunkView<'a> {
    pub posts: &'a [PostRecord],
    pub entries: &'a [Entry],
    /// Per counting thread (by run of shards), the (post, entry) pairs of
    /// the entries whose shards it owns, in order.
    pub mine: Vec<&'a [(u32, u32)]>,
    /// Global bucket numbers of the chunk's bucket list.
    pub buckets: &'a [u32],
    pub file: u32,
}

impl Shards {
    /// Counts the posts of `chunks` (in input order) that are not marked
    /// duplicate; each thread takes a run of shards and walks the entries
    /// listed for it ([`ChunkView::mine`]).
    pub fn count(&mut self, chunks: &[ChunkView<'_>]) {
        let per = super::shards_per_thread();
        self.0
            .par_chunks_mut(per)
            .enumerate()
            .for_each(|(group, shards)| {
                let first = group * per;
                let mut seen = PostKeys::default();
                for chunk in chunks {
                    let mine = chunk.mine[group];
                    let mut current = None;
                    let (mut bucket, mut author, mut skip) = (0, None, false);
                    for (i, &(p, e)) in mine.iter().enumerate() {
                        // Ask for the counts of the tag a few entries ahead
                        // while this one is counted: they are far apart in
                        // memory.
                        if let Some(&(_, ahead)) = mine.get(i + PREFETCH) {
                            let ahead = &chunk.entries[ahead as usize];
                            let shard = ahead.key as usize % SHARDS;
                            shards[shard - first].prefetch(ahead.spelling);
                        }
                        let post = &chunk.posts[p as usize];
                        if current != Some(p) {
                            current = Some(p);
                            seen.clear();
                            skip = post.duplicate;
                            bucket = chunk.buckets[post.bucket as usize];
                            author = match post.author_id.load(Ordering::Relaxed) {
                                NO_AUTHOR => None,
                                a => Some(a),
                            };
                        }
                        if skip {
                            continue;
                        }
                        let e = &chunk.entries[e as usize];
                        let shard = e.key as usize % SHARDS;
                        shards[shard - first].add(&Use {
                            bucket,
                            key: e.key,
                            spelling: e.spelling,
                            count: e.count,
                            at: (chunk.file, post.offset, e.first),
                            new_in_post: seen.insert(e.key),
                            author,
                        });
                    }
                }
            });
    }

    /// The final counts; author numbers lie below `authors`.
    pub fn finish(self, dict: &Dictionary, authors: u32) -> Counts {
        // Only keys and buckets that hold a count are listed: a spelling is
        // numbered when it is read, before its post may turn out to be a
        // duplicate, and a bucket may hold only posts without tags.
        let key_bound = dict.key_bound();
        let mut key_used = vec![false; key_bound as usize];
        let mut bucket_used = vec![false; dict.bucket_starts.len()];
        for c in self.0.iter().flat_map(|s| s.cells.iter()) {
            key_used[c.key as usize] = true;
            bucket_used[c.bucket as usize] = true;
        }
        // Key and bucket order: by key bytes, by start.
        // (Key numbers have gaps: those of `key_bound` not in use.)
        // Compared by their first eight bytes as one number (zero-padded,
        // which orders as the bytes do), the text only on a tie.
        let prefix = |k: u32| {
            let text = dict.key_text(k).as_bytes();
            let mut head = [0u8; 8];
            let n = text.len().min(8);
            head[..n].copy_from_slice(&text[..n]);
            u64::from_be_bytes(head)
        };
        let mut keyed: Vec<(u64, u32)> = (0..key_bound)
            .filter(|&k| key_used[k as usize])
            .map(|k| (prefix(k), k))
            .collect();
        keyed.par_sort_unstable_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| dict.key_text(a.1).cmp(dict.key_text(b.1)))
        });
        let key_order: Vec<u32> = keyed.into_iter().map(|(_, k)| k).collect();
        let mut key_rank = vec![u32::MAX; key_used.len()];
        for (rank, &k) in key_order.iter().enumerate() {
            key_rank[k as usize] = rank as u32;
        }
        let mut bucket_order: Vec<u32> = (0..dict.bucket_starts.len() as u32)
            .filter(|&b| bucket_used[b as usize])
            .collect();
        bucket_order.sort_unstable_by_key(|&b| dict.bucket_starts[b as usize]);
        let mut bucket_rank = vec![u32::MAX; bucket_used.len()];
        for (rank, &b) in bucket_order.iter().enumerate() {
            bucket_rank[b as usize] = rank as u32;
        }
        // Every count of a key lives in its shard, so each shard also sums
        // its keys' totals and picks their display spellings: nothing but a
        // scatter is left for one thread.
        struct Done {
            cells: Vec<Cell>,
            /// (key rank, totals, display spelling or `u32::MAX`).
            keys: Vec<(u32, Tallies, u32)>,
        }
        let done: Vec<Done> = self
            .0
            .into_par_iter()
            .enumerate()
            .map_init(Vec::new, |seen, (set, mut shard)| {
                shard.dedup_pairs();
                // The shard's keys are `i * SHARDS + set`: their totals and
                // display spellings sit at `i`, no hashing.
                let mut keys: Vec<(Tallies, Option<(u32, SpellingCount)>)> =
                    vec![Default::default(); (key_bound as usize).div_ceil(SHARDS)];
                let at = |key: u32| key as usize / SHARDS;
                let authors = distinct_authors(&shard, seen, authors, keys.len(), |i, n| {
                    keys[i].0.authors = n;
                });
                drop(shard.pairs);
                let cells = shard
                    .cells
                    .iter()
                    .zip(authors)
                    .map(|(c, authors)| {
                        let tag = key_rank[c.key as usize];
                        let t = &mut keys[at(c.key)].0;
                        t.posts += c.posts;
                        t.occurrences += c.occurrences;
                        Cell {
                            bucket: bucket_rank[c.bucket as usize],
                            tag,
                            tallies: Tallies {
                                posts: c.posts,
                                occurrences: c.occurrences,
                                authors,
                            },
                        }
                    })
                    .collect();
                let used = shard.spellings.into_iter().enumerate();
                for (i, s) in used.filter(|(_, s)| s.count > 0) {
                    let spelling = (i * SHARDS + set) as u32;
                    let best = &mut keys[at(dict.spelling_key(spelling))].1;
                    // The spelling written most often; ties go to the one first.
                    let better = best.is_none_or(|(_, b)| {
                        s.count > b.count || (s.count == b.count && s.first < b.first)
                    });
                    if better {
                        *best = Some((spelling, s));
                    }
                }
                Done {
                    cells,
                    keys: keys
                        .into_iter()
                        .enumerate()
                        .map(|(i, kept)| (i * SHARDS + set, kept))
                        .filter(|&(k, _)| key_used.get(k).is_some_and(|&used| used))
                        .map(|(k, (t, best))| (key_rank[k], t, best.map_or(u32::MAX, |(s, _)| s)))
                        .collect(),
                }
            })
            .collect();
        let mut totals = vec![Tallies::default(); key_order.len()];
        let mut display = vec![u32::MAX; key_order.len()];
        let mut all_cells = Vec::with_capacity(done.len());
        for d in done {
            for (k, t, s) in d.keys {
                totals[k as usize] = t;
                display[k as usize] = s;
            }
            all_cells.push(d.cells);
        }
        let cells = sort_cells(all_cells, bucket_order.len(), key_order.len());
        let tags = key_order
            .par_iter()
            .zip(display)
            .map(|(&k, s)| {
                let key = dict.key_text(k).to_string();
                TagInfo {
                    display: if s == u32::MAX {
                        key.clone()
                    } else {
                        dict.spelling_text(s).to_string()
                    },
                    key,
                }
            })
            .collect();
        let buckets = bucket_order
            .iter()
            .map(|&b| dict.bucket_starts[b as usize])
            .collect();
        Counts {
            tags,
            buckets,
            cells,
            totals,
        }
    }
}

/// The distinct authors of each cell of `shard` (returned, by cell) and of
/// each of its keys over all buckets (given to `key_authors` with the key's
/// index in the shard, below `keys`), from its deduplicated pairs.
///
/// The pairs are sorted by cell, so each cell's authors are one run of
/// them. A key's count walks the runs of its cells, counting each author
/// the first time it is met: `seen` holds, by author number (below
/// `authors`), the last key + 1 it was counted for. Keys are unique across
/// shards, so one `seen` serves every shard a thread finishes, never
/// cleared. This replaced sorting a copy of the pairs by (key, author),
/// which took 4% of a run's instructions.
fn distinct_authors(
    shard: &Shard,
    seen: &mut Vec<u32>,
    authors: u32,
    keys: usize,
    mut key_authors: impl FnMut(usize, u64),
) -> Vec<u64> {
    let cells = &shard.cells;
    if seen.len() < authors as usize {
        seen.resize(authors as usize, 0);
    }
    // Where each cell's run of pairs starts (its length: the cell's
    // distinct authors).
    let mut runs = vec![0usize; cells.len() + 1];
    for &p in &shard.pairs {
        runs[(p >> 32) as usize + 1] += 1;
    }
    let per_cell: Vec<u64> = runs[1..].iter().map(|&n| n as u64).collect();
    for i in 0..cells.len() {
        runs[i + 1] += runs[i];
    }
    // The cells by key index.
    let at = |key: u32| key as usize / SHARDS;
    let (by_key, order) = super::group_by_slot(cells.iter().map(|c| at(c.key)), keys);
    for k in 0..keys {
        let group = &order[by_key[k]..by_key[k + 1]];
        let Some(&first) = group.first() else {
            continue;
        };
        let mark = cells[first as usize].key + 1;
        let mut n = 0;
        for &cell in group {
            let cell = cell as usize;
            for &p in &shard.pairs[runs[cell]..runs[cell + 1]] {
                let slot = &mut seen[p as u32 as usize];
                if *slot != mark {
                    *slot = mark;
                    n += 1;
                }
            }
        }
        key_authors(k, n);
    }
    per_cell
}

/// The cells of all shards, sorted by bucket, then tag: two counting sorts
/// (by tag, then, keeping that order, by bucket), each one pass that counts
/// and one that places: buckets and tags are numbered densely, and a
/// comparison sort of the cells cost several times more.
fn sort_cells(parts: Vec<Vec<Cell>>, buckets: usize, tags: usize) -> Vec<Cell> {
    let by_tag = place(|| parts.iter().flatten(), tags, |c| c.tag);
    drop(parts);
    place(|| by_tag.iter(), buckets, |c| c.bucket)
}

/// The cells that `cells` yields, placed in ascending order of `slot`
/// (below `slots`), those with the same slot in the order given.
///
/// The output is cut into one run of slots per thread, of about as many
/// cells each: every thread reads all the cells and places those of its
/// slots, so the fresh output's pages are touched (and faulted in) by all
/// threads at once.
fn place<'a, I: Iterator<Item = &'a Cell>>(
    cells: impl Fn() -> I + Sync,
    slots: usize,
    slot: impl Fn(&Cell) -> u32 + Sync,
) -> Vec<Cell> {
    let mut next = vec![0usize; slots + 1];
    for c in cells() {
        next[slot(c) as usize + 1] += 1;
    }
    for i in 0..slots {
        next[i + 1] += next[i];
    }
    let total = next[slots];
    let empty = Cell {
        bucket: 0,
        tag: 0,
        tallies: Tallies::default(),
    };
    let mut out = Vec::new();
    (0..total)
        .into_par_iter()
        .map(|_| empty)
        .collect_into_vec(&mut out);
    // Runs of slots, [bounds[k], bounds[k + 1]), and their parts of `out`.
    let threads = rayon::current_num_threads().max(1);
    let mut bounds: Vec<usize> = (0..threads)
        .map(|k| {
            next.partition_point(|&n| n < total * k / threads)
                .min(slots)
        })
        .collect();
    bounds.push(slots);
    bounds.dedup();
    let mut parts = Vec::with_capacity(bounds.len());
    let mut rest = &mut out[..];
    for w in bounds.windows(2) {
        let (part, tail) = rest.split_at_mut(next[w[1]] - next[w[0]]);
        parts.push((w[0]..w[1], part));
        rest = tail;
    }
    parts.into_par_iter().for_each(|(run, part)| {
        let base = next[run.start];
        let mut at: Vec<usize> = next[run.clone()].iter().map(|n| n - base).collect();
        for c in cells() {
            let s = slot(c) as usize;
            if run.contains(&s) {
                let a = &mut at[s - run.start];
                part[*a] = *c;
                *a += 1;
            }
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_numbers_survive_the_switch_to_hashing() {
        // Keys of one shard are i * SHARDS + set; the index is i.
        let key = |i: u32| i * SHARDS as u32 + 5;
        let mut shard = Shard::default();
        let mut want = std::collections::HashMap::new();
        // Day-like: few buckets, many keys each: stays dense.
        for b in 0..30 {
            for i in (0..500).filter(|i| (i + b) % 3 == 0) {
                let n = shard.cell(b, key(i));
                assert_eq!(*want.entry((b, key(i))).or_insert(n), n);
            }
        }
        assert!(matches!(shard.cell_index, CellIndex::Dense { .. }));
        // Minute-like: many buckets, a few keys each, one far out: hashed.
        for b in 30..20_000 {
            for i in [b % 7, 900 + b % 2] {
                let n = shard.cell(b, key(i));
                assert_eq!(*want.entry((b, key(i))).or_insert(n), n);
            }
        }
        assert!(matches!(shard.cell_index, CellIndex::Hashed(_)));
        // Every cell keeps its number, and numbers are dense from 0.
        for (&(b, k), &n) in &want {
            assert_eq!(shard.cell(b, k), n);
            assert_eq!(
                (shard.cells[n as usize].bucket, shard.cells[n as usize].key),
                (b, k)
            );
        }
        assert_eq!(shard.cells.len(), want.len());
        // A first cell in a far bucket (a run of many sparse buckets) is
        // hashed at once, without a million empty rows made first.
        let mut far = Shard::default();
        assert_eq!(far.cell(1_000_000, key(3)), 0);
        assert!(matches!(far.cell_index, CellIndex::Hashed(_)));
        assert_eq!(far.cell(1_000_000, key(3)), 0);
        assert_eq!(far.cell(7, key(3)), 1);
    }

    #[test]
    fn cells_are_sorted_by_bucket_then_tag() {
        let cell = |bucket, tag| Cell {
            bucket,
            tag,
            tallies: Tallies {
                posts: u64::from(bucket * 100 + tag),
                ..Tallies::default()
            },
        };
        let parts = vec![
            vec![cell(2, 5), cell(0, 9), cell(2, 1)],
            vec![],
            vec![cell(1, 3), cell(0, 2), cell(2, 3)],
        ];
        let mut want: Vec<Cell> = parts.iter().flatten().copied().collect();
        want.sort_unstable_by_key(|c| (c.bucket, c.tag));
        assert_eq!(sort_cells(parts, 3, 10), want);
        assert_eq!(sort_cells(vec![vec![], vec![]], 0, 0), []);
        // Many cells, each (bucket, tag) once, in any number of threads.
        let mut state = 1u32;
        let mut parts: Vec<Vec<Cell>> = vec![Vec::new(); 5];
        for bucket in 0..40 {
            for tag in 0..300 {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                if state >> 29 < 3 {
                    parts[(state >> 8) as usize % 5].push(cell(bucket, tag));
                }
            }
        }
        let mut want: Vec<Cell> = parts.iter().flatten().copied().collect();
        want.sort_unstable_by_key(|c| (c.bucket, c.tag));
        for threads in [1, 2, 3, 7] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let got = pool.install(|| sort_cells(parts.clone(), 40, 300));
            assert_eq!(got, want, "{threads} threads");
        }
    }

    /// The next state of a linear congruential generator (Knuth's MMIX
    /// constants): reproducible pseudo-random test data.
    fn step(x: &mut u64) -> u64 {
        *x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        *x
    }

    #[test]
    fn pairs_merged_in_rounds_are_the_distinct_pairs() {
        let mut shard = Shard::default();
        let mut all = std::collections::BTreeSet::new();
        let mut x: u64 = 12345;
        for i in 0..200_000u32 {
            // A small, skewed range of cells and authors: many repeats.
            let x = step(&mut x);
            let bucket = (x >> 60) as u32;
            let author = ((x >> 33) % 5000) as u32;
            shard.add(&Use {
                bucket,
                key: 7,
                spelling: 1,
                count: 1,
                at: (0, u64::from(i), 0),
                new_in_post: true,
                author: Some(author),
            });
            all.insert((bucket, author));
            // Room never grows past 1.5 times the distinct pairs (or the floor).
            assert!(shard.pairs.capacity() <= (shard.distinct * 3 / 2).max(PAIRS_FLOOR) + 1);
        }
        shard.dedup_pairs();
        let got: Vec<(u32, u32)> = shard
            .pairs
            .iter()
            .map(|&p| (shard.cells[(p >> 32) as usize].bucket, p as u32))
            .collect();
        let mut got_sorted = got.clone();
        got_sorted.sort_unstable();
        assert_eq!(got_sorted, all.into_iter().collect::<Vec<_>>());
        assert!(got.windows(2).all(|w| w[0] != w[1]));
    }

    #[test]
    fn pairs_sort_as_a_comparison_sort_does() {
        let (mut out, mut counts) = (Vec::new(), Vec::new());
        let mut x: u64 = 7;
        // Empty, one pair, cells close together (placed by cell) and far
        // apart (compared), runs of one to hundreds of authors.
        for (len, cells, from) in [
            (0, 1, 0),
            (1, 1, 5),
            (50, 3, 1000),
            (5000, 700, 40_000),
            (5000, 50_000, 0),
            (3000, 2, u64::from(u32::MAX) - 1),
        ] {
            let pairs: Vec<u64> = (0..len)
                .map(|_| {
                    let x = step(&mut x);
                    let cell = from + (x >> 33) % cells;
                    (cell << 32) | ((x >> 20) % 900)
                })
                .collect();
            sort_pairs(&pairs, &mut out, &mut counts);
            let mut want = pairs.clone();
            want.sort_unstable();
            assert_eq!(out, want, "{len} pairs over {cells} cells");
        }
    }

    #[test]
    fn distinct_authors_per_cell_and_key_are_those_of_sets() {
        use std::collections::{BTreeMap, BTreeSet};
        // Two shards' keys (sets 3 and 9), cells of each key in many buckets,
        // made in an order that interleaves keys, with authors that repeat
        // within a cell, across a key's buckets and across keys.
        let mut shards = [Shard::default(), Shard::default()];
        let mut per_cell: BTreeMap<(usize, u32), BTreeSet<u32>> = BTreeMap::new();
        let mut per_key: BTreeMap<u32, BTreeSet<u32>> = BTreeMap::new();
        let mut x: u64 = 99;
        for i in 0..60_000u32 {
            let x = step(&mut x);
            let s = (x >> 63) as usize;
            let key = ((x >> 40) % 40) as u32 * SHARDS as u32 + [3, 9][s];
            let bucket = ((x >> 20) % 30) as u32;
            // Authors skewed towards low numbers, below 64 * 300.
            let author = ((x >> 8) % 300 * ((x >> 4) % 64) / 8) as u32;
            let shard = &mut shards[s];
            shard.add(&Use {
                bucket,
                key,
                spelling: key,
                count: 1,
                at: (0, u64::from(i), 0),
                new_in_post: true,
                author: Some(author),
            });
            let cell = shard.cell(bucket, key);
            per_cell.entry((s, cell)).or_default().insert(author);
            per_key.entry(key).or_default().insert(author);
        }
        // One `seen` for both shards, as a thread finishing both uses it.
        let mut seen = Vec::new();
        let mut got_keys = BTreeMap::new();
        for (s, shard) in shards.iter_mut().enumerate() {
            shard.dedup_pairs();
            let cells = distinct_authors(shard, &mut seen, 64 * 300, 40, |i, n| {
                if n > 0 {
                    got_keys.insert(i as u32 * SHARDS as u32 + [3, 9][s], n);
                }
            });
            assert_eq!(cells.len(), shard.cells.len());
            for (cell, &n) in cells.iter().enumerate() {
                let want = per_cell.get(&(s, cell as u32)).map_or(0, BTreeSet::len);
                assert_eq!(n, want as u64, "shard {s} cell {cell}");
            }
        }
        let want_keys: BTreeMap<u32, u64> =
            per_key.iter().map(|(&k, a)| (k, a.len() as u64)).collect();
        assert_eq!(got_keys, want_keys);
        assert!(want_keys.values().any(|&n| n > 100));
    }
}
