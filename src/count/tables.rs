//! The numbering tables: each post's spellings ([`PostTags`]), each
//! thread's spelling numbers ([`Local`]), their global numbers
//! ([`Dictionary`]), author numbers ([`Authors`]) and the ids seen
//! ([`IdSet`]).

use std::ops::Range;
use std::sync::atomic::AtomicU32;

use rustc_hash::{FxHashMap, FxHashSet};

use super::SHARDS;
use crate::normalize;

/// One post, reduced to what counting needs. Its tags are a range of its
/// chunk's [`Entry`] list.
#[derive(Debug)]
pub(crate) struct PostRecord {
    /// Index into its chunk's list of bucket starts.
    pub bucket: u32,
    /// The post's time, Unix seconds.
    pub time: i64,
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

/// Global numbers for spellings, tag keys and bucket starts.
#[derive(Debug, Default)]
pub(crate) struct Dictionary {
    spellings: FxHashMap<Box<str>, u32>,
    /// Each spelling, by number.
    pub spelling_text: Vec<Box<str>>,
    /// The key of each spelling.
    pub spelling_key: Vec<u32>,
    keys: FxHashMap<Box<str>, u32>,
    /// Each key, by number.
    pub key_text: Vec<Box<str>>,
    buckets: FxHashMap<i64, u32>,
    /// Each bucket start, by number.
    pub bucket_starts: Vec<i64>,
    /// Per worker thread: the global number of each of its local spelling
    /// numbers.
    pub remaps: Vec<Vec<u32>>,
}

impl Dictionary {
    /// A dictionary for `threads` worker threads.
    pub fn new(threads: usize) -> Self {
        Dictionary {
            remaps: vec![Vec::new(); threads],
            ..Dictionary::default()
        }
    }

    /// Numbers what thread `t` met since the last call.
    pub fn sync(&mut self, t: usize, local: &Local) {
        let mut remap = std::mem::take(&mut self.remaps[t]);
        let mut key = String::new();
        for local_id in remap.len() as u32..local.spans.len() as u32 {
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
            remap.push(id);
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
}
