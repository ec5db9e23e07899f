//! Counting: per (bucket, tag) posts, occurrences and distinct authors.
//!
//! Counting runs in three steps, none of which depends on the number of
//! threads or on how work was shared out:
//!
//! 1. While parsing, each worker thread numbers the hashtag spellings it
//!    meets in its own `Local` table (no locks, no sharing).
//! 2. After each window of chunks, the `Dictionary` gives every new local
//!    number a global one, in one short sequential step: the work grows with
//!    the number of *distinct* spellings, not with the posts. Each spelling
//!    is normalized to its counting key once, here. Authors are numbered in
//!    parallel: author keys fall in 64 sets (`Authors`), each numbered by
//!    the thread that owns it.
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

use std::ops::Range;
use std::sync::atomic::{AtomicU32, Ordering};

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use crate::normalize;

/// Where a hashtag was written: file, then record, then position in the
/// post. Used to break ties between spellings deterministically.
pub(crate) type Position = (u32, u64, u32);

/// Number of tag shards; counting threads share them out.
pub(crate) const SHARDS: usize = 64;

/// One post, reduced to what counting needs. Its tags are a range of its
/// chunk's [`Entry`] list.
#[derive(Debug)]
pub(crate) struct PostRecord {
    /// Index into its chunk's list of bucket starts.
    pub bucket: u32,
    pub id: Option<u64>,
    /// The author's key (see `id_key`).
    pub author: Option<u64>,
    /// The author's global number ([`NO_AUTHOR`] when there is none), set
    /// by the thread that owns the author's set before counting.
    pub author_id: AtomicU32,
    pub tags: Range<u32>,
    /// Offset of the record in its input, for ordering and diagnostics.
    pub offset: u64,
    /// Length of the record in bytes (saturating), for diagnostics.
    pub len: u32,
    /// Line of the record inside its chunk.
    pub line: u64,
    pub duplicate: bool,
}

/// One distinct spelling of a post: how often it was written there, and the
/// position of its first use among the post's tags.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry {
    /// The spelling, numbered by the chunk's thread ([`Local::spelling`]).
    pub spelling: u32,
    pub count: u64,
    pub first: u32,
}

/// The hashtags of a chunk's posts, one [`Entry`] per distinct spelling of a
/// post: a post that writes one tag a million times costs one entry.
#[derive(Debug, Default)]
pub(crate) struct PostTags {
    pub entries: Vec<Entry>,
    post_start: usize,
    post_uses: u32,
    /// For posts with many distinct spellings: spelling → entry.
    index: FxHashMap<u32, usize>,
}

/// Posts with more distinct spellings than this look entries up in a map.
const LINEAR_LOOKUP: usize = 16;

impl PostTags {
    /// Starts a new post; returns the index its entries will start at.
    pub fn start_post(&mut self) -> u32 {
        self.post_start = self.entries.len();
        self.post_uses = 0;
        self.index.clear();
        self.post_start as u32
    }

    /// Number of entries so far (the end of the current post's entries).
    pub fn len(&self) -> u32 {
        self.entries.len() as u32
    }

    /// Adds one use of a spelling to the current post.
    pub fn push(&mut self, spelling: u32) {
        let first = self.post_uses;
        self.post_uses = self.post_uses.saturating_add(1);
        let post = &mut self.entries[self.post_start..];
        let found = if post.len() <= LINEAR_LOOKUP {
            post.iter().position(|e| e.spelling == spelling)
        } else {
            if self.index.is_empty() {
                self.index
                    .extend(post.iter().enumerate().map(|(i, e)| (e.spelling, i)));
            }
            self.index.get(&spelling).copied()
        };
        if let Some(i) = found {
            post[i].count += 1;
            return;
        }
        if !self.index.is_empty() {
            self.index.insert(spelling, post.len());
        }
        self.entries.push(Entry {
            spelling,
            count: 1,
            first,
        });
    }
}

/// [`PostRecord::author_id`] of a post without an author.
pub(crate) const NO_AUTHOR: u32 = u32::MAX;

/// One worker thread's numbering of the spellings it met: an open-addressing
/// table over one string of all spellings. A lookup hashes the spelling once
/// and compares it word by word with at most the few entries whose hash
/// bits match (short strings; no call to `memcmp`).
#[derive(Debug)]
pub(crate) struct Local {
    /// Every spelling, back to back.
    text: String,
    /// (start, length) of each spelling in `text`, by number.
    spans: Vec<(u32, u32)>,
    /// Empty (0), or the hash's top 32 bits and the number + 1.
    slots: Vec<u64>,
    /// The same for the spellings met last, by other bits of the hash: a
    /// table small enough to stay in cache, where the frequent tags are.
    recent: Vec<u64>,
}

/// Slots of [`Local::recent`].
const RECENT: usize = 4096;

impl Default for Local {
    fn default() -> Self {
        Local {
            text: String::new(),
            spans: Vec::new(),
            slots: vec![0; 1024],
            recent: vec![0; RECENT],
        }
    }
}

/// A spelling's hash, mixed so that its low bits (the slot) and high bits
/// (kept beside the number) are both well spread.
fn spelling_hash(s: &[u8]) -> u64 {
    use std::hash::BuildHasher;
    let h = rustc_hash::FxBuildHasher.hash_one(s);
    (h ^ (h >> 29)).wrapping_mul(0xBF58_476D_1CE4_E5B9) ^ (h >> 32)
}

/// Byte equality, eight bytes at a time, for short strings.
fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (a8, a1) = a.split_at(a.len() / 8 * 8);
    let (b8, b1) = b.split_at(a8.len());
    a8.chunks_exact(8).zip(b8.chunks_exact(8)).all(|(x, y)| {
        u64::from_ne_bytes(x.try_into().unwrap_or_default())
            == u64::from_ne_bytes(y.try_into().unwrap_or_default())
    }) && a1.iter().zip(b1).all(|(x, y)| x == y)
}

impl Local {
    /// The thread's number for a hashtag spelling (as written, no sign).
    pub fn spelling(&mut self, text: &str) -> u32 {
        let bytes = text.as_bytes();
        let h = spelling_hash(bytes);
        let tag = h >> 32;
        let r = (h >> 20) as usize % RECENT;
        let recent = self.recent[r];
        if recent >> 32 == tag && recent != 0 {
            let id = (recent as u32) - 1;
            if same(self.get(id).as_bytes(), bytes) {
                return id;
            }
        }
        let mask = self.slots.len() - 1;
        let mut i = h as usize & mask;
        loop {
            let slot = self.slots[i];
            if slot == 0 {
                break;
            }
            if slot >> 32 == tag {
                let id = (slot as u32) - 1;
                if same(self.get(id).as_bytes(), bytes) {
                    self.recent[r] = slot;
                    return id;
                }
            }
            i = (i + 1) & mask;
        }
        let id = self.spans.len() as u32;
        self.spans
            .push((self.text.len() as u32, bytes.len() as u32));
        self.text.push_str(text);
        self.slots[i] = (tag << 32) | u64::from(id + 1);
        self.recent[r] = self.slots[i];
        if self.spans.len() * 8 > self.slots.len() * 5 {
            self.grow();
        }
        id
    }

    /// Spelling number `id`.
    fn get(&self, id: u32) -> &str {
        let (start, len) = self.spans[id as usize];
        &self.text[start as usize..(start + len) as usize]
    }

    fn grow(&mut self) {
        let mut slots = vec![0u64; self.slots.len() * 2];
        let mask = slots.len() - 1;
        for id in 0..self.spans.len() as u32 {
            let h = spelling_hash(self.get(id).as_bytes());
            let mut i = h as usize & mask;
            while slots[i] != 0 {
                i = (i + 1) & mask;
            }
            slots[i] = ((h >> 32) << 32) | u64::from(id + 1);
        }
        self.slots = slots;
    }
}

/// Global numbers for authors, in 64 sets by [`id_shard`] of the author's
/// key: the thread that owns a set numbers its authors, in parallel with
/// the others. Number = index in the set × 64 + set.
#[derive(Debug)]
pub(crate) struct Authors(pub Vec<FxHashMap<u64, u32>>);

impl Default for Authors {
    fn default() -> Self {
        Authors(vec![FxHashMap::default(); SHARDS])
    }
}

/// The post ids seen so far (one of [`SHARDS`] sets), kept for their
/// common order: exports list posts mostly in id order (Twitter and
/// Mastodon ids grow with time). Ids are moved, sorted, from a small hash set
/// of recent ones into a sorted array (8 bytes per id, with at most an
/// eighth more room). An id above the array's largest needs only the small
/// set, which stays in cache; an older one is also looked up in the array
/// by binary search. Exact whatever the order, fastest in id order.
#[derive(Debug, Default)]
pub(crate) struct IdSet {
    recent: FxHashSet<u64>,
    sorted: Vec<u64>,
}

/// Ids an [`IdSet`] keeps in its hash set, at least.
const RECENT_IDS: usize = 4096;

impl IdSet {
    /// Adds `id`; false if it was there already.
    pub fn insert(&mut self, id: u64) -> bool {
        if self.sorted.last().is_some_and(|&max| id <= max)
            && self.sorted.binary_search(&id).is_ok()
        {
            return false;
        }
        if !self.recent.insert(id) {
            return false;
        }
        if self.recent.len() >= RECENT_IDS.max(self.sorted.len() / 8) {
            self.archive();
        }
        true
    }

    /// Moves the recent ids into the sorted array.
    fn archive(&mut self) {
        let mut fresh: Vec<u64> = self.recent.drain().collect();
        fresh.sort_unstable();
        let old = std::mem::take(&mut self.sorted);
        let len = old.len() + fresh.len();
        let mut merged = Vec::with_capacity(len + len / 8);
        if old
            .last()
            .is_none_or(|&max| fresh.first().is_some_and(|&min| min > max))
        {
            // In id order: the new ids all come after the old.
            merged.extend_from_slice(&old);
            merged.extend_from_slice(&fresh);
        } else {
            let (mut i, mut j) = (0, 0);
            while i < old.len() && j < fresh.len() {
                if old[i] < fresh[j] {
                    merged.push(old[i]);
                    i += 1;
                } else {
                    merged.push(fresh[j]);
                    j += 1;
                }
            }
            merged.extend_from_slice(&old[i..]);
            merged.extend_from_slice(&fresh[j..]);
        }
        self.sorted = merged;
    }

    /// Ids held.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.recent.len() + self.sorted.len()
    }
}

/// The set (of [`SHARDS`]) a post id or author key belongs in: its bits,
/// mixed, top six.
pub(crate) fn id_shard(id: u64) -> usize {
    (id.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58) as usize
}

/// Numbers `key` in `set` (its shard `shard`); `None` past 2^26 authors in
/// one set (four billion in all).
pub(crate) fn author_number(set: &mut FxHashMap<u64, u32>, shard: usize, key: u64) -> Option<u32> {
    let next = set.len();
    if next >= 1 << 26 && !set.contains_key(&key) {
        return None;
    }
    let index = *set.entry(key).or_insert(next as u32);
    Some((index << 6) | shard as u32)
}

/// One thread's local numbers, as global numbers.
#[derive(Debug, Default, Clone)]
pub(crate) struct Remap {
    pub spelling: Vec<u32>,
}

/// Global numbers for spellings, tag keys, authors and bucket starts.
#[derive(Debug, Default)]
pub(crate) struct Dictionary {
    spellings: FxHashMap<Box<str>, u32>,
    spelling_text: Vec<Box<str>>,
    /// The key of each spelling.
    pub spelling_key: Vec<u32>,
    keys: FxHashMap<Box<str>, u32>,
    key_text: Vec<Box<str>>,
    buckets: FxHashMap<i64, u32>,
    bucket_starts: Vec<i64>,
    /// Per worker thread.
    pub remaps: Vec<Remap>,
}

impl Dictionary {
    /// A dictionary for `threads` worker threads.
    pub fn new(threads: usize) -> Self {
        Dictionary {
            remaps: vec![Remap::default(); threads],
            ..Dictionary::default()
        }
    }

    /// Numbers what thread `t` met since the last call.
    pub fn sync(&mut self, t: usize, local: &Local) {
        let mut remap = std::mem::take(&mut self.remaps[t]);
        let mut key = String::new();
        for local_id in remap.spelling.len() as u32..local.spans.len() as u32 {
            let text = local.get(local_id);
            // Look up before inserting: most spellings are known already
            // (another thread met them), and a key costs an allocation.
            let id = match self.spellings.get(text) {
                Some(&id) => id,
                None => {
                    let id = self.spelling_text.len() as u32;
                    self.spellings.insert(text.into(), id);
                    normalize::key_into(text, &mut key);
                    let k = match self.keys.get(key.as_str()) {
                        Some(&k) => k,
                        None => {
                            let k = self.key_text.len() as u32;
                            self.keys.insert(key.as_str().into(), k);
                            self.key_text.push(key.as_str().into());
                            k
                        }
                    };
                    self.spelling_text.push(text.into());
                    self.spelling_key.push(k);
                    id
                }
            };
            remap.spelling.push(id);
        }
        self.remaps[t] = remap;
    }

    /// The global number of a bucket start.
    pub fn bucket(&mut self, start: i64) -> u32 {
        let next = self.bucket_starts.len() as u32;
        let id = *self.buckets.entry(start).or_insert(next);
        if id == next {
            self.bucket_starts.push(start);
        }
        id
    }
}

/// How often one spelling was written, and where first.
#[derive(Debug, Clone, Copy)]
struct SpellingCount {
    count: u64,
    first: Position,
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
    /// Cell numbers, found by (bucket, key): the table holds only the
    /// number (5 bytes a slot), the key is read from `cells`.
    cell_index: hashbrown::HashTable<u32>,
    cells: Vec<CellCount>,
    spellings: FxHashMap<u32, SpellingCount>,
    /// `(cell << 32) | author` for each counted (post, tag) with an author.
    pairs: Vec<u64>,
    /// Length of `pairs` after its last deduplication.
    distinct: usize,
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
        let cell_hash = |bucket: u32, key: u32| {
            use std::hash::BuildHasher;
            rustc_hash::FxBuildHasher.hash_one((u64::from(bucket) << 32) | u64::from(key))
        };
        let cells = &self.cells;
        let next = cells.len() as u32;
        let cell = *self
            .cell_index
            .entry(
                cell_hash(u.bucket, u.key),
                |&i| cells[i as usize].bucket == u.bucket && cells[i as usize].key == u.key,
                |&i| cell_hash(cells[i as usize].bucket, cells[i as usize].key),
            )
            .or_insert(next)
            .get();
        if cell == next {
            if self.cells.len() == self.cells.capacity() {
                // Grow by a quarter, not double: millions of cells at 10M.
                self.cells.reserve_exact((self.cells.len() / 4).max(1024));
            }
            self.cells.push(CellCount {
                bucket: u.bucket,
                key: u.key,
                posts: 0,
                occurrences: 0,
            });
        }
        let c = &mut self.cells[cell as usize];
        c.occurrences += u.count;
        self.spellings
            .entry(u.spelling)
            .and_modify(|s| {
                s.count += u.count;
                s.first = s.first.min(u.at);
            })
            .or_insert(SpellingCount {
                count: u.count,
                first: u.at,
            });
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

    /// Sorts and deduplicates the pairs added since the last time, merges
    /// them into the sorted distinct ones before them, and leaves room for
    /// half as many again: a shard holds at most 1.5 times its distinct
    /// pairs (plus a floor of [`PAIRS_FLOOR`]), never a doubled vector.
    fn dedup_pairs(&mut self) {
        let mut fresh = self.pairs.split_off(self.distinct);
        fresh.sort_unstable();
        fresh.dedup();
        let old = std::mem::take(&mut self.pairs);
        let mut merged = Vec::with_capacity(old.len() + fresh.len());
        let (mut i, mut j) = (0, 0);
        while i < old.len() && j < fresh.len() {
            let (a, b) = (old[i], fresh[j]);
            merged.push(a.min(b));
            i += usize::from(a <= b);
            j += usize::from(b <= a);
        }
        merged.extend_from_slice(&old[i..]);
        merged.extend_from_slice(&fresh[j..]);
        let room = (merged.len() * 3 / 2).max(PAIRS_FLOOR);
        if merged.capacity() > room {
            merged.shrink_to(room);
        } else {
            merged.reserve_exact(room - merged.len());
        }
        self.distinct = merged.len();
        self.pairs = merged;
    }
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
    /// Global bucket numbers of the chunk's bucket list.
    pub buckets: &'a [u32],
    pub remap: &'a Remap,
    pub file: u32,
}

impl Shards {
    /// Counts the posts of `chunks` (in input order) that are not marked
    /// duplicate; each thread takes a run of shards and skips other tags.
    pub fn count(&mut self, dict: &Dictionary, chunks: &[ChunkView<'_>]) {
        let per = SHARDS.div_ceil(rayon::current_num_threads().max(1));
        self.0
            .par_chunks_mut(per)
            .enumerate()
            .for_each(|(group, shards)| {
                let mine = group * per..group * per + shards.len();
                let mut seen = PostKeys::default();
                for chunk in chunks {
                    for post in chunk.posts {
                        if post.duplicate || post.tags.is_empty() {
                            continue;
                        }
                        seen.clear();
                        let bucket = chunk.buckets[post.bucket as usize];
                        let author = match post.author_id.load(Ordering::Relaxed) {
                            NO_AUTHOR => None,
                            a => Some(a),
                        };
                        let tags = post.tags.start as usize..post.tags.end as usize;
                        for e in &chunk.entries[tags] {
                            let spelling = chunk.remap.spelling[e.spelling as usize];
                            let key = dict.spelling_key[spelling as usize];
                            let shard = key as usize % SHARDS;
                            if !mine.contains(&shard) {
                                continue;
                            }
                            shards[shard - mine.start].add(&Use {
                                bucket,
                                key,
                                spelling,
                                count: e.count,
                                at: (chunk.file, post.offset, e.first),
                                new_in_post: seen.insert(key),
                                author,
                            });
                        }
                    }
                }
            });
    }

    /// The final counts.
    pub fn finish(self, dict: &Dictionary) -> Counts {
        // Only keys and buckets that hold a count are listed: a spelling is
        // numbered when it is read, before its post may turn out to be a
        // duplicate, and a bucket may hold only posts without tags.
        let mut key_used = vec![false; dict.key_text.len()];
        let mut bucket_used = vec![false; dict.bucket_starts.len()];
        for c in self.0.iter().flat_map(|s| &s.cells) {
            key_used[c.key as usize] = true;
            bucket_used[c.bucket as usize] = true;
        }
        // Key and bucket order: by key bytes, by start.
        let mut key_order: Vec<u32> = (0..dict.key_text.len() as u32)
            .filter(|&k| key_used[k as usize])
            .collect();
        key_order.par_sort_unstable_by(|&a, &b| {
            dict.key_text[a as usize].cmp(&dict.key_text[b as usize])
        });
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
        struct Done {
            cells: Vec<Cell>,
            tag_authors: Vec<(u32, u64)>,
            spellings: Vec<(u32, SpellingCount)>,
        }
        let done: Vec<Done> = self
            .0
            .into_par_iter()
            .map(|mut shard| {
                shard.dedup_pairs();
                let mut authors = vec![0u64; shard.cells.len()];
                let mut tag_pairs: Vec<u64> = Vec::with_capacity(shard.pairs.len());
                for &p in &shard.pairs {
                    let cell = (p >> 32) as usize;
                    authors[cell] += 1;
                    tag_pairs.push((u64::from(shard.cells[cell].key) << 32) | (p & 0xFFFF_FFFF));
                }
                drop(shard.pairs);
                tag_pairs.sort_unstable();
                tag_pairs.dedup();
                let mut tag_authors: Vec<(u32, u64)> = Vec::new();
                for p in tag_pairs {
                    let key = key_rank[(p >> 32) as usize];
                    match tag_authors.last_mut() {
                        Some((k, n)) if *k == key => *n += 1,
                        _ => tag_authors.push((key, 1)),
                    }
                }
                let cells = shard
                    .cells
                    .iter()
                    .zip(authors)
                    .map(|(c, authors)| Cell {
                        bucket: bucket_rank[c.bucket as usize],
                        tag: key_rank[c.key as usize],
                        tallies: Tallies {
                            posts: c.posts,
                            occurrences: c.occurrences,
                            authors,
                        },
                    })
                    .collect();
                Done {
                    cells,
                    tag_authors,
                    spellings: shard.spellings.into_iter().collect(),
                }
            })
            .collect();
        let mut totals = vec![Tallies::default(); key_order.len()];
        let mut best: Vec<Option<(u32, SpellingCount)>> = vec![None; key_order.len()];
        let mut cells = Vec::with_capacity(done.iter().map(|d| d.cells.len()).sum());
        for d in done {
            for c in &d.cells {
                let t = &mut totals[c.tag as usize];
                t.posts += c.tallies.posts;
                t.occurrences += c.tallies.occurrences;
            }
            cells.extend(d.cells);
            for (key, n) in d.tag_authors {
                totals[key as usize].authors = n;
            }
            for (spelling, s) in d.spellings {
                let key = key_rank[dict.spelling_key[spelling as usize] as usize] as usize;
                // The spelling written most often; ties go to the one first.
                let better = best[key].is_none_or(|(_, b)| {
                    s.count > b.count || (s.count == b.count && s.first < b.first)
                });
                if better {
                    best[key] = Some((spelling, s));
                }
            }
        }
        cells.par_sort_unstable_by_key(|c| (c.bucket, c.tag));
        let tags = key_order
            .iter()
            .zip(best)
            .map(|(&k, best)| {
                let key = dict.key_text[k as usize].to_string();
                TagInfo {
                    display: best.map_or_else(
                        || key.clone(),
                        |(s, _)| dict.spelling_text[s as usize].to_string(),
                    ),
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
    fn local_numbers_are_stable_through_growth() {
        let mut local = Local::default();
        let words: Vec<String> = (0..5000)
            .map(|i| match i % 3 {
                0 => format!("t{i}"),
                1 => format!("Tag{i}longer_than_sixteen_bytes"),
                _ => format!("健康{i}"),
            })
            .collect();
        let first: Vec<u32> = words.iter().map(|w| local.spelling(w)).collect();
        assert_eq!(first, (0..5000).collect::<Vec<u32>>());
        for (w, id) in words.iter().zip(&first) {
            assert_eq!(local.spelling(w), *id);
            assert_eq!(local.get(*id), w);
        }
        assert_eq!(local.spelling(""), 5000);
        assert_eq!(local.spelling("t"), 5001);
        assert!(same(b"abcdefghij", b"abcdefghij") && !same(b"abcdefghij", b"abcdefghiJ"));
    }

    #[test]
    fn id_sets_agree_with_a_hash_set_in_any_order() {
        let mut x: u64 = 99;
        let mut next = || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            x >> 20
        };
        // Ascending with repeats, then shuffled old ones, then random.
        let mut ids: Vec<u64> = (0..60_000u64).map(|i| i * 7 + next() % 3).collect();
        ids.extend((0..30_000).map(|_| next() % 420_000));
        ids.extend((0..30_000).map(|_| next()));
        let mut set = IdSet::default();
        let mut truth = FxHashSet::default();
        for id in ids {
            assert_eq!(set.insert(id), truth.insert(id), "{id}");
        }
        assert_eq!(set.len(), truth.len());
        assert!(set.sorted.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn pairs_merged_in_rounds_are_the_distinct_pairs() {
        let mut shard = Shard::default();
        let mut all = std::collections::BTreeSet::new();
        let mut x: u64 = 12345;
        for i in 0..200_000u32 {
            // A small, skewed range of cells and authors: many repeats.
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
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
}
