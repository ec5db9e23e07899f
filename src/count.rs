//! Counting: per (bucket, tag) posts, occurrences and distinct authors.
//!
//! Each worker thread fills its own tally; tallies are merged once at the
//! end into [`Counts`]. Every figure is a sum, a set union or a minimum, so
//! the merge gives the same result whatever the number of threads or the
//! order in which work was shared out.

use std::ops::Range;

use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

/// Where a hashtag was written: file, then record, then position in the
/// post. Used to break ties between spellings deterministically.
pub(crate) type Position = (u32, u64, u32);

/// One post, reduced to what counting needs. Tags live in the chunk's
/// [`TagArena`].
#[derive(Debug, Clone)]
pub(crate) struct PostRecord {
    pub bucket: i64,
    pub id: Option<u64>,
    pub author: Option<u64>,
    pub tags: Range<u32>,
    /// Offset of the record in its input, for ordering and diagnostics.
    pub offset: u64,
    /// Length of the record in bytes (saturating), for diagnostics.
    pub len: u32,
    /// Line of the record inside its chunk.
    pub line: u64,
    pub duplicate: bool,
}

/// One distinct (key, spelling) of a post: how often it was written there,
/// and the position of its first use among the post's tags.
#[derive(Debug, Clone)]
pub(crate) struct ArenaTag {
    key: Range<usize>,
    spelling: Range<usize>,
    count: u64,
    first: u32,
}

/// The hashtags of a chunk's posts, one entry per distinct (key, spelling)
/// of a post, with key and spelling as ranges of one string. A post that
/// writes one tag a million times costs one entry, not a million.
#[derive(Debug, Default)]
pub(crate) struct TagArena {
    text: String,
    tags: Vec<ArenaTag>,
    /// Where the current post's entries start.
    post_start: usize,
    /// Uses of tags in the current post so far.
    post_uses: u32,
    /// For posts with many distinct tags: (key, spelling) → entry.
    index: FxHashMap<(Box<str>, Box<str>), usize>,
}

/// Posts with more distinct tags than this look entries up in a map.
const LINEAR_LOOKUP: usize = 16;

impl TagArena {
    /// Starts a new post; returns the index its entries will start at.
    pub fn start_post(&mut self) -> u32 {
        self.post_start = self.tags.len();
        self.post_uses = 0;
        self.index.clear();
        self.post_start as u32
    }

    /// Number of entries so far (the end of the current post's entries).
    pub fn len(&self) -> u32 {
        self.tags.len() as u32
    }

    /// Adds one use of a tag to the current post.
    pub fn push(&mut self, key: &str, spelling: &str) {
        let n = self.post_uses;
        self.post_uses = self.post_uses.saturating_add(1);
        let found = if self.tags.len() - self.post_start <= LINEAR_LOOKUP {
            self.tags[self.post_start..]
                .iter()
                .position(|t| {
                    &self.text[t.key.clone()] == key && &self.text[t.spelling.clone()] == spelling
                })
                .map(|i| self.post_start + i)
        } else {
            if self.index.is_empty() {
                for (i, t) in self.tags.iter().enumerate().skip(self.post_start) {
                    let k = (
                        self.text[t.key.clone()].into(),
                        self.text[t.spelling.clone()].into(),
                    );
                    self.index.insert(k, i);
                }
            }
            self.index.get(&(key.into(), spelling.into())).copied()
        };
        if let Some(i) = found {
            self.tags[i].count += 1;
            return;
        }
        let k0 = self.text.len();
        self.text.push_str(key);
        let k1 = self.text.len();
        let s = if spelling == key {
            k0..k1
        } else {
            self.text.push_str(spelling);
            k1..self.text.len()
        };
        if !self.index.is_empty() {
            self.index
                .insert((key.into(), spelling.into()), self.tags.len());
        }
        self.tags.push(ArenaTag {
            key: k0..k1,
            spelling: s,
            count: 1,
            first: n,
        });
    }

    fn key(&self, i: usize) -> &str {
        &self.text[self.tags[i].key.clone()]
    }

    fn spelling(&self, i: usize) -> &str {
        &self.text[self.tags[i].spelling.clone()]
    }
}

/// How often one spelling was written, and where first.
#[derive(Debug, Clone)]
struct Spelling {
    text: Box<str>,
    count: u64,
    first: Position,
}

#[derive(Debug, Clone, Copy, Default)]
struct CellCounts {
    posts: u64,
    occurrences: u64,
}

/// Packs a bucket index and a tag index into one map key.
fn cell_key(bucket: u32, tag: u32) -> u64 {
    (u64::from(bucket) << 32) | u64::from(tag)
}

/// One worker's counts, with its own tag and bucket numbering.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    tag_ids: FxHashMap<Box<str>, u32>,
    spellings: Vec<Vec<Spelling>>,
    keys: Vec<Box<str>>,
    bucket_ids: FxHashMap<i64, u32>,
    buckets: Vec<i64>,
    last_bucket: Option<(i64, u32)>,
    cells: FxHashMap<u64, CellCounts>,
    /// (cell, author) pairs: distinct authors per (bucket, tag).
    authors: FxHashSet<(u64, u64)>,
    /// Tags already counted for the current post (reused, never shrunk);
    /// past a few dozen, a set takes over so a hostile post with a million
    /// distinct tags stays linear.
    seen: Vec<u32>,
    seen_set: FxHashSet<u32>,
}

impl Tally {
    fn bucket_id(&mut self, start: i64) -> u32 {
        if let Some((s, id)) = self.last_bucket
            && s == start
        {
            return id;
        }
        let next = self.buckets.len() as u32;
        let id = *self.bucket_ids.entry(start).or_insert(next);
        if id == next {
            self.buckets.push(start);
        }
        self.last_bucket = Some((start, id));
        id
    }

    fn tag_id(&mut self, key: &str) -> u32 {
        if let Some(&id) = self.tag_ids.get(key) {
            return id;
        }
        let id = self.keys.len() as u32;
        self.tag_ids.insert(key.into(), id);
        self.keys.push(key.into());
        self.spellings.push(Vec::new());
        id
    }

    fn note_spelling(&mut self, tag: u32, text: &str, at: Position, count: u64) {
        let list = &mut self.spellings[tag as usize];
        match list.iter_mut().find(|s| &*s.text == text) {
            Some(s) => {
                s.count += count;
                s.first = s.first.min(at);
            }
            None => list.push(Spelling {
                text: text.into(),
                count,
                first: at,
            }),
        }
    }

    /// Counts one post.
    pub fn add(&mut self, post: &PostRecord, arena: &TagArena, file: u32) {
        if post.tags.is_empty() {
            return;
        }
        let bucket = self.bucket_id(post.bucket);
        let mut seen = std::mem::take(&mut self.seen);
        let mut seen_set = std::mem::take(&mut self.seen_set);
        seen.clear();
        seen_set.clear();
        for i in post.tags.clone() {
            let i = i as usize;
            let entry = &arena.tags[i];
            let tag = self.tag_id(arena.key(i));
            let at = (file, post.offset, entry.first);
            self.note_spelling(tag, arena.spelling(i), at, entry.count);
            let key = cell_key(bucket, tag);
            let cell = self.cells.entry(key).or_default();
            cell.occurrences += entry.count;
            // Entries are distinct (key, spelling) pairs: a key comes twice
            // only when the post spells it two ways.
            let first_in_post = if seen.len() < 32 {
                let fresh = !seen.contains(&tag);
                if fresh {
                    seen.push(tag);
                }
                fresh
            } else {
                if seen_set.is_empty() {
                    seen_set.extend(seen.iter().copied());
                }
                seen_set.insert(tag)
            };
            if first_in_post {
                cell.posts += 1;
                if let Some(a) = post.author {
                    self.authors.insert((key, a));
                }
            }
        }
        self.seen = seen;
        self.seen_set = seen_set;
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
    /// Merges worker tallies.
    pub(crate) fn merge(tallies: Vec<Tally>) -> Counts {
        // Global numbering: tags by key bytes, buckets by start.
        let mut keys: Vec<&str> = tallies
            .iter()
            .flat_map(|t| t.keys.iter().map(|k| &**k))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        let tag_index: FxHashMap<&str, u32> = keys
            .iter()
            .enumerate()
            .map(|(i, k)| (*k, i as u32))
            .collect();
        let mut buckets: Vec<i64> = tallies
            .iter()
            .flat_map(|t| t.buckets.iter().copied())
            .collect();
        buckets.sort_unstable();
        buckets.dedup();
        let bucket_index: FxHashMap<i64, u32> = buckets
            .iter()
            .enumerate()
            .map(|(i, b)| (*b, i as u32))
            .collect();

        let mut spellings: Vec<Vec<Spelling>> = vec![Vec::new(); keys.len()];
        // Sized up front: growing these tables rehashes millions of entries.
        let cell_count: usize = tallies.iter().map(|t| t.cells.len()).sum();
        let pair_count: usize = tallies.iter().map(|t| t.authors.len()).sum();
        let mut cells: FxHashMap<u64, Tallies> =
            FxHashMap::with_capacity_and_hasher(cell_count, Default::default());
        let mut pairs: FxHashSet<(u64, u64)> =
            FxHashSet::with_capacity_and_hasher(pair_count, Default::default());
        for t in &tallies {
            let tag_map: Vec<u32> = t.keys.iter().map(|k| tag_index[&**k]).collect();
            let bucket_map: Vec<u32> = t.buckets.iter().map(|b| bucket_index[b]).collect();
            let remap = |key: u64| {
                cell_key(
                    bucket_map[(key >> 32) as usize],
                    tag_map[(key & 0xFFFF_FFFF) as usize],
                )
            };
            for (local, list) in t.spellings.iter().enumerate() {
                let global = &mut spellings[tag_map[local] as usize];
                for s in list {
                    match global.iter_mut().find(|g| g.text == s.text) {
                        Some(g) => {
                            g.count += s.count;
                            g.first = g.first.min(s.first);
                        }
                        None => global.push(s.clone()),
                    }
                }
            }
            for (&key, c) in &t.cells {
                let cell = cells.entry(remap(key)).or_default();
                cell.posts += c.posts;
                cell.occurrences += c.occurrences;
            }
            pairs.extend(t.authors.iter().map(|&(key, a)| (remap(key), a)));
        }
        let mut tag_authors: FxHashSet<(u32, u64)> =
            FxHashSet::with_capacity_and_hasher(pairs.len(), Default::default());
        for &(key, a) in &pairs {
            if let Some(c) = cells.get_mut(&key) {
                c.authors += 1;
            }
            tag_authors.insert(((key & 0xFFFF_FFFF) as u32, a));
        }
        let mut totals = vec![Tallies::default(); keys.len()];
        for (&key, c) in &cells {
            let t = &mut totals[(key & 0xFFFF_FFFF) as usize];
            t.posts += c.posts;
            t.occurrences += c.occurrences;
        }
        for &(tag, _) in &tag_authors {
            totals[tag as usize].authors += 1;
        }
        let mut cells: Vec<Cell> = cells
            .into_iter()
            .map(|(key, tallies)| Cell {
                bucket: (key >> 32) as u32,
                tag: (key & 0xFFFF_FFFF) as u32,
                tallies,
            })
            .collect();
        cells.sort_unstable_by_key(|c| (c.bucket, c.tag));
        let tags = keys
            .iter()
            .zip(spellings)
            .map(|(key, list)| {
                let best = list
                    .iter()
                    .max_by(|a, b| a.count.cmp(&b.count).then(b.first.cmp(&a.first)))
                    .map_or_else(|| (*key).to_owned(), |s| s.text.to_string());
                TagInfo {
                    key: (*key).to_owned(),
                    display: best,
                }
            })
            .collect();
        Counts {
            tags,
            buckets,
            cells,
            totals,
        }
    }

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
