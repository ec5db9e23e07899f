//! The numbering tables: each post's spellings ([`PostTags`]), each
//! thread's spelling numbers and keys ([`Local`]), their global numbers
//! ([`Dictionary`]), author numbers ([`Authors`]) and the ids seen
//! ([`IdSet`]).

use std::ops::Range;
use std::sync::atomic::AtomicU32;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::SHARDS;
use crate::normalize;

/// One post, reduced to what counting needs. Its tags are a range of its
/// chunk's [`Entry`] list. 64 bytes: windows walk it several times.
#[derive(Debug)]
pub(crate) struct PostRecord {
    /// The post's time, Unix seconds.
    pub time: i64,
    /// The id's key (see `id_key`), when `has_id`.
    id: u64,
    /// The author's key (see `id_key`), when `has_author`.
    author: u64,
    /// Offset of the record in its input, for ordering and diagnostics.
    pub offset: u64,
    /// Line of the record inside its chunk.
    pub line: u64,
    /// Index into its chunk's list of bucket starts.
    pub bucket: u32,
    /// The author's global number ([`NO_AUTHOR`] when there is none), set
    /// by the thread that owns the author's set before counting.
    pub author_id: AtomicU32,
    pub tags: Range<u32>,
    /// Length of the record in bytes (saturating), for diagnostics.
    pub len: u32,
    has_id: bool,
    has_author: bool,
    pub duplicate: bool,
}

/// What [`PostRecord::new`] takes.
pub(crate) struct PostParts {
    pub time: i64,
    pub id: Option<u64>,
    pub author: Option<u64>,
    pub offset: u64,
    pub line: u64,
    pub bucket: u32,
    pub tags: Range<u32>,
    pub len: u32,
}

impl PostRecord {
    /// A post not yet marked duplicate, its author not yet numbered.
    pub fn new(p: PostParts) -> Self {
        PostRecord {
            time: p.time,
            id: p.id.unwrap_or(0),
            author: p.author.unwrap_or(0),
            offset: p.offset,
            line: p.line,
            bucket: p.bucket,
            author_id: AtomicU32::new(NO_AUTHOR),
            tags: p.tags,
            len: p.len,
            has_id: p.id.is_some(),
            has_author: p.author.is_some(),
            duplicate: false,
        }
    }

    /// The id's key, if the post has an id.
    pub fn id(&self) -> Option<u64> {
        self.has_id.then_some(self.id)
    }

    /// The author's key, if the post has an author.
    pub fn author(&self) -> Option<u64> {
        self.has_author.then_some(self.author)
    }
}

/// One distinct spelling of a post: how often it was written there, and the
/// position of its first use among the post's tags.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry {
    /// The spelling: numbered by the chunk's thread ([`Local::number_posts`])
    /// while parsing, by the [`Dictionary`] once [`Dictionary::globalize`]d.
    pub spelling: u32,
    /// The spelling's global key number, once globalized.
    pub key: u32,
    pub first: u32,
    pub count: u64,
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
            key: 0,
            first,
            count: 1,
        });
    }
}

/// [`PostRecord::author_id`] of a post without an author.
pub(crate) const NO_AUTHOR: u32 = u32::MAX;

/// Strings back to back in one buffer, by number: no allocation per string.
#[derive(Debug, Default)]
struct Texts {
    text: String,
    /// (start, length) of each string in `text`, by number.
    spans: Vec<(u32, u32)>,
}

impl Texts {
    fn len(&self) -> u32 {
        self.spans.len() as u32
    }

    /// String number `id`.
    fn get(&self, id: u32) -> &str {
        let (start, len) = self.spans[id as usize];
        &self.text[start as usize..(start + len) as usize]
    }

    /// Adds `s`; returns its number.
    fn push(&mut self, s: &str) -> u32 {
        let id = self.len();
        self.spans.push((self.text.len() as u32, s.len() as u32));
        self.text.push_str(s);
        id
    }
}

/// One worker thread's numbering of the spellings it met: an open-addressing
/// table of 32-byte slots beside one string of all spellings. A lookup
/// hashes the spelling once and compares it, in the few slots whose hash
/// bits match, with the slot's own copy (spellings of up to [`INLINE`]
/// bytes, nearly all) or with the text (longer ones).
///
/// A new spelling is also normalized to its counting key here, once per
/// thread: NFKC and lowercasing (costly for non-ASCII tags) run on every
/// thread while parsing, and the key's hash tells the [`Dictionary`] which
/// of its sets the spelling belongs to.
#[derive(Debug)]
pub(crate) struct Local {
    /// Every spelling, by number.
    spellings: Texts,
    /// The counting key of each spelling, by the spelling's number.
    keys: Texts,
    /// [`spelling_hash`] of each key: it picks the key's dictionary set.
    key_hashes: Vec<u64>,
    /// [`key_set`] of each spelling's key, one byte each: read for every
    /// tag, so kept apart from the wider hashes.
    sets: Vec<u8>,
    /// Scratch space for [`normalize::key_into`].
    key: String,
    /// Open addressing by the hash's low bits: one [`Slot`] a spelling,
    /// holding the spelling itself when short. A lookup reads one slot (and
    /// the text only for a long spelling); the slots of frequent tags stay
    /// in cache by themselves.
    slots: Vec<Slot>,
}

/// A slot of [`Local::slots`]: the hash's top 32 bits and the number + 1
/// (0: empty), and the spelling's bytes zero-padded, when at most
/// [`INLINE`] long (`len` is then its length, else `LONG` and the first
/// eight bytes hold its span in the text, start << 32 | length).
#[derive(Debug, Clone, Copy)]
#[repr(C, align(32))]
struct Slot {
    head: u64,
    bytes: [u8; INLINE],
    len: u8,
}

/// Spellings up to this many bytes are kept in their [`Slot`].
const INLINE: usize = 23;
/// [`Slot::len`] of a longer spelling.
const LONG: u8 = u8::MAX;

impl Slot {
    const EMPTY: Slot = Slot {
        head: 0,
        bytes: [0; INLINE],
        len: 0,
    };

    fn new(head: u64, span: u64, text: &[u8]) -> Slot {
        let mut slot = Slot {
            head,
            ..Slot::EMPTY
        };
        if text.len() <= INLINE {
            slot.bytes[..text.len()].copy_from_slice(text);
            slot.len = text.len() as u8;
        } else {
            slot.bytes[..8].copy_from_slice(&span.to_ne_bytes());
            slot.len = LONG;
        }
        slot
    }
}

impl Default for Local {
    fn default() -> Self {
        Local {
            spellings: Texts::default(),
            keys: Texts::default(),
            key_hashes: Vec::new(),
            sets: Vec::new(),
            key: String::new(),
            slots: vec![Slot::EMPTY; 1024],
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

/// The hashtags of a chunk's posts as written, before [`Local`] numbers
/// them all at once ([`Local::number_posts`]), each tag's slot asked for
/// ahead of its look-up: the slot tables of tens of thousands of spellings
/// do not fit in cache, and looked up one at a time as found, the look-ups
/// took 14% of the run's cycles for 4% of its instructions.
#[derive(Debug, Default)]
pub(crate) struct RawTags {
    text: String,
    spans: Vec<(u32, u32)>,
    /// [`spelling_hash`] of each tag.
    hashes: Vec<u64>,
}

impl RawTags {
    /// Empties it for the next chunk.
    pub fn clear(&mut self) {
        self.text.clear();
        self.spans.clear();
        self.hashes.clear();
    }

    /// Tags held.
    pub fn len(&self) -> u32 {
        self.spans.len() as u32
    }

    /// Adds a tag.
    pub fn push(&mut self, tag: &str) {
        self.spans.push((self.text.len() as u32, tag.len() as u32));
        self.hashes.push(spelling_hash(tag.as_bytes()));
        self.text.push_str(tag);
    }

    fn get(&self, i: usize) -> &str {
        let (start, len) = self.spans[i];
        &self.text[start as usize..(start + len) as usize]
    }
}

/// How many tags ahead [`Local::number_posts`] asks for slots.
const SLOTS_AHEAD: usize = 8;

impl Local {
    /// Numbers the tags of `posts`: each post's `tags` is a range of `raw`
    /// on entry and the range of its entries in `tags` on return, as if each
    /// tag had been numbered ([`Local::spelling_hashed`]) and given to
    /// [`PostTags::push`] in turn.
    ///
    /// `entry(set, post, entry)` is called for each entry, in order, with
    /// the [`SHARDS`] set of its key (the shard that will count it).
    #[inline(always)]
    pub fn number_posts(
        &mut self,
        raw: &RawTags,
        posts: &mut [PostRecord],
        tags: &mut PostTags,
        mut entry: impl FnMut(usize, u32, u32),
    ) {
        for (p, post) in posts.iter_mut().enumerate() {
            let first = tags.start_post();
            for i in post.tags.start as usize..post.tags.end as usize {
                if let Some(&ahead) = raw.hashes.get(i + SLOTS_AHEAD) {
                    let slot = &self.slots[ahead as usize & (self.slots.len() - 1)];
                    super::shard::prefetch(slot);
                }
                tags.push(self.spelling_hashed(raw.get(i), raw.hashes[i]));
            }
            post.tags = first..tags.len();
            for e in post.tags.clone() {
                let spelling = tags.entries[e as usize].spelling;
                entry(usize::from(self.sets[spelling as usize]), p as u32, e);
            }
        }
    }

    /// [`Local::spelling_hashed`], hashing `text` itself.
    #[cfg(test)]
    pub fn spelling(&mut self, text: &str) -> u32 {
        self.spelling_hashed(text, spelling_hash(text.as_bytes()))
    }

    /// The thread's number for the hashtag spelling `text` (as written, no
    /// sign), whose [`spelling_hash`] is `h`.
    fn spelling_hashed(&mut self, text: &str, h: u64) -> u32 {
        let bytes = text.as_bytes();
        let tag = h >> 32;
        let mask = self.slots.len() - 1;
        let mut i = h as usize & mask;
        loop {
            let slot = &self.slots[i];
            if slot.head == 0 {
                break;
            }
            if slot.head >> 32 == tag {
                let found = if slot.len == LONG {
                    let span = u64::from_ne_bytes(slot.bytes[..8].try_into().unwrap_or_default());
                    same(self.at(span), bytes)
                } else {
                    usize::from(slot.len) == bytes.len() && slot.bytes[..bytes.len()] == *bytes
                };
                if found {
                    return (slot.head as u32) - 1;
                }
            }
            i = (i + 1) & mask;
        }
        let span = ((self.spellings.text.len() as u64) << 32) | bytes.len() as u64;
        let id = self.spellings.push(text);
        normalize::key_into(text, &mut self.key);
        self.keys.push(&self.key);
        let key_hash = spelling_hash(self.key.as_bytes());
        self.key_hashes.push(key_hash);
        self.sets.push(key_set(key_hash) as u8);
        self.slots[i] = Slot::new((tag << 32) | u64::from(id + 1), span, bytes);
        if self.spellings.spans.len() * 8 > self.slots.len() * 5 {
            self.grow();
        }
        id
    }

    /// Spellings numbered so far.
    pub fn len(&self) -> u32 {
        self.spellings.len()
    }

    /// Spelling number `id`.
    fn get(&self, id: u32) -> &str {
        self.spellings.get(id)
    }

    /// The bytes of a slot's span (start << 32 | length).
    fn at(&self, span: u64) -> &[u8] {
        let start = (span >> 32) as usize;
        let len = span as u32 as usize;
        self.spellings
            .text
            .as_bytes()
            .get(start..start + len)
            .unwrap_or_default()
    }

    fn grow(&mut self) {
        let mut slots = vec![Slot::EMPTY; self.slots.len() * 2];
        let mask = slots.len() - 1;
        for id in 0..self.len() {
            let text = self.get(id).as_bytes();
            let h = spelling_hash(text);
            let mut i = h as usize & mask;
            while slots[i].head != 0 {
                i = (i + 1) & mask;
            }
            let (start, len) = self.spellings.spans[id as usize];
            let span = (u64::from(start) << 32) | u64::from(len);
            slots[i] = Slot::new(((h >> 32) << 32) | u64::from(id + 1), span, text);
        }
        self.slots = slots;
    }
}

/// Global numbers for authors, in 64 sets by [`id_shard`] of the author's
/// key: the thread that owns a set numbers its authors, in parallel with
/// the others. Number = index in the set × 64 + set.
#[derive(Debug)]
pub(crate) struct Authors(pub Vec<AuthorSet>);

impl Default for Authors {
    fn default() -> Self {
        Authors(vec![AuthorSet::default(); SHARDS])
    }
}

impl Authors {
    /// Every author number so far lies below this.
    pub fn bound(&self) -> u32 {
        let most = self.0.iter().map(|s| s.len).max().unwrap_or(0);
        most.saturating_mul(SHARDS as u32)
    }
}

/// The authors of one set, numbered in the order first met: open
/// addressing with linear probing, keys and numbers in two arrays (12 bytes
/// a slot, at most 3/4 full: 16 to 32 bytes an author), so that a look-up
/// can be asked for ahead of time ([`AuthorSet::prefetch`]): a million
/// authors do not fit in cache.
#[derive(Debug, Clone, Default)]
pub(crate) struct AuthorSet {
    keys: Vec<u64>,
    /// 1 + the number of the key in the same slot; 0 for an empty slot.
    numbers: Vec<u32>,
    len: u32,
}

/// Where the search for `key` starts in an open-addressing table of
/// `slots` slots (a power of two), for [`AuthorSet`] and [`IdSet`]: bits of
/// another multiply than [`id_shard`]'s, so the keys of one set spread over
/// its slots.
fn home(key: u64, slots: usize) -> usize {
    (key.wrapping_mul(0xA076_1D64_78BD_642F) >> 20) as usize & (slots - 1)
}

impl AuthorSet {
    fn home(&self, key: u64) -> usize {
        home(key, self.keys.len())
    }

    /// Hints the processor to load `key`'s first slot.
    pub fn prefetch(&self, key: u64) {
        if !self.keys.is_empty() {
            let i = self.home(key);
            super::shard::prefetch(&self.keys[i]);
            super::shard::prefetch(&self.numbers[i]);
        }
    }

    /// The number of `key`, added if new; `None` for a new key once `limit`
    /// keys are held.
    fn number(&mut self, key: u64, limit: u32) -> Option<u32> {
        if (self.len as usize + 1) * 4 > self.keys.len() * 3 {
            self.grow();
        }
        let mask = self.keys.len() - 1;
        let mut i = self.home(key);
        loop {
            match self.numbers[i] {
                0 if self.len >= limit => return None,
                0 => {
                    self.keys[i] = key;
                    self.len += 1;
                    self.numbers[i] = self.len;
                    return Some(self.len - 1);
                }
                n if self.keys[i] == key => return Some(n - 1),
                _ => i = (i + 1) & mask,
            }
        }
    }

    fn grow(&mut self) {
        let slots = (self.keys.len() * 2).max(1024);
        let keys = std::mem::replace(&mut self.keys, vec![0; slots]);
        let numbers = std::mem::replace(&mut self.numbers, vec![0; slots]);
        for (key, n) in keys.into_iter().zip(numbers).filter(|&(_, n)| n != 0) {
            let mut i = self.home(key);
            while self.numbers[i] != 0 {
                i = (i + 1) & (slots - 1);
            }
            self.keys[i] = key;
            self.numbers[i] = n;
        }
    }
}

/// The post ids seen so far (one of [`SHARDS`] sets), kept for their
/// common order: exports list posts mostly in id order (Twitter and
/// Mastodon ids grow with time). Ids are moved, sorted, from a small table
/// of recent ones into a sorted array (8 bytes per id, with at most an
/// eighth more room). An id above the array's largest needs only the small
/// table, which stays in cache; an older one is also looked up in the array
/// by binary search. An id above every id held (posts in id order) goes
/// straight onto the end of the array: no hashing, no sorting. Exact
/// whatever the order, fastest in id order.
///
/// The small table is open addressing with linear probing, at most 5/8
/// full, so that a look-up can be asked for ahead ([`IdSet::prefetch`]);
/// 0 marks an empty slot, and the id 0 is kept apart.
#[derive(Debug, Default)]
pub(crate) struct IdSet {
    recent: Vec<u64>,
    /// Ids in `recent`, and the id 0 if `zero`.
    recent_len: usize,
    zero: bool,
    sorted: Vec<u64>,
    /// The largest id held.
    max: Option<u64>,
}

/// Ids an [`IdSet`] keeps in its small table, at least.
const RECENT_IDS: usize = 4096;

impl IdSet {
    fn home(&self, id: u64) -> usize {
        home(id, self.recent.len())
    }

    /// The most recent ids held before they are archived.
    fn room(&self) -> usize {
        RECENT_IDS.max(self.sorted.len() / 8)
    }

    /// Hints the processor to load `id`'s first slot.
    pub fn prefetch(&self, id: u64) {
        if !self.recent.is_empty() {
            super::shard::prefetch(&self.recent[self.home(id)]);
        }
    }

    /// Whether `id` lies above every id held (so is new, and goes onto the
    /// end of the sorted array without a look-up).
    pub fn is_above(&self, id: u64) -> bool {
        self.max.is_none_or(|max| id > max)
    }

    /// Adds `id`; false if it was there already.
    pub fn insert(&mut self, id: u64) -> bool {
        if self.is_above(id) {
            self.max = Some(id);
            if self.sorted.len() == self.sorted.capacity() {
                // An eighth more room, as `archive` leaves.
                self.sorted
                    .reserve_exact((self.sorted.len() / 8).max(RECENT_IDS));
            }
            self.sorted.push(id);
            return true;
        }
        if self.sorted.last().is_some_and(|&max| id <= max)
            && self.sorted.binary_search(&id).is_ok()
        {
            return false;
        }
        if id == 0 {
            if self.zero {
                return false;
            }
            self.zero = true;
        } else {
            if self.recent.is_empty() {
                self.recent = vec![0; (self.room() * 8 / 5).next_power_of_two()];
            }
            let mask = self.recent.len() - 1;
            let mut i = self.home(id);
            loop {
                match self.recent[i] {
                    0 => break,
                    x if x == id => return false,
                    _ => i = (i + 1) & mask,
                }
            }
            self.recent[i] = id;
        }
        self.recent_len += 1;
        if self.recent_len >= self.room() {
            self.archive();
        }
        true
    }

    /// Moves the recent ids into the sorted array, in place, and empties
    /// the small table (larger if the array grew enough).
    fn archive(&mut self) {
        let mut fresh: Vec<u64> = self.recent.iter().copied().filter(|&id| id != 0).collect();
        if std::mem::take(&mut self.zero) {
            fresh.push(0);
        }
        self.recent_len = 0;
        fresh.sort_unstable();
        let len = self.sorted.len() + fresh.len();
        if self.sorted.capacity() < len {
            // An eighth more room than needed, never a doubled array.
            self.sorted.reserve_exact(len + len / 8 - self.sorted.len());
        }
        merge_sorted(&mut self.sorted, &fresh);
        let slots = (self.room() * 8 / 5).next_power_of_two();
        if slots > self.recent.len() {
            self.recent = vec![0; slots];
        } else {
            self.recent.fill(0);
        }
    }

    /// Ids held.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.recent_len + self.sorted.len()
    }
}

/// Merges `fresh` (ascending, distinct) into `sorted` (ascending,
/// distinct), leaving `sorted` ascending and distinct: values of `fresh`
/// already there are dropped. In place, from the back: `sorted` only grows
/// at its end, so no second array is filled (with its fresh pages, a page
/// fault each 4 KiB) and, when `fresh` comes after all of `sorted` (ids in
/// order), nothing but `fresh` is copied.
pub(crate) fn merge_sorted(sorted: &mut Vec<u64>, fresh: &[u64]) {
    let Some(&first) = fresh.first() else {
        return;
    };
    if sorted.last().is_none_or(|&max| first > max) {
        sorted.extend_from_slice(fresh);
        return;
    }
    let old = sorted.len();
    let end = old + fresh.len();
    sorted.resize(end, 0);
    // Write at `k - 1`, reading `sorted[i - 1]` and `fresh[j - 1]`; `k` never
    // falls below `i + j`, so nothing unread is overwritten.
    let (mut i, mut j, mut k) = (old, fresh.len(), end);
    while j > 0 {
        let f = fresh[j - 1];
        if i > 0 && sorted[i - 1] >= f {
            if sorted[i - 1] == f {
                j -= 1; // Already there.
                continue;
            }
            sorted[k - 1] = sorted[i - 1];
            i -= 1;
        } else {
            sorted[k - 1] = f;
            j -= 1;
        }
        k -= 1;
    }
    // `sorted[..i]` is in place; close the gap the dropped values left.
    if k > i {
        sorted.copy_within(k..end, i);
        sorted.truncate(end - (k - i));
    }
}

/// The set (of [`SHARDS`]) a post id or author key belongs in: its bits,
/// mixed, top six.
pub(crate) fn id_shard(id: u64) -> usize {
    (id.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58) as usize
}

/// Numbers `key` in `set` (its shard `shard`); `None` past 2^26 authors in
/// one set (four billion in all).
pub(crate) fn author_number(set: &mut AuthorSet, shard: usize, key: u64) -> Option<u32> {
    let index = set.number(key, 1 << 26)?;
    Some((index << 6) | shard as u32)
}

/// The global numbers of a thread's spelling: its own and its key's.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Numbers {
    pub spelling: u32,
    pub key: u32,
}

/// Strings numbered in the order they were first added.
#[derive(Debug, Default)]
struct Interned {
    texts: Texts,
    /// Numbers, found by [`spelling_hash`] of their string.
    table: hashbrown::HashTable<u32>,
}

impl Interned {
    /// The number of `s`, whose [`spelling_hash`] is `hash`, and whether
    /// it was added now.
    fn number(&mut self, hash: u64, s: &str) -> (u32, bool) {
        use hashbrown::hash_table::Entry;
        let texts = &self.texts;
        let next = texts.len();
        match self.table.entry(
            hash,
            |&i| texts.get(i) == s,
            |&i| spelling_hash(texts.get(i).as_bytes()),
        ) {
            Entry::Occupied(e) => (*e.get(), false),
            Entry::Vacant(e) => {
                e.insert(next);
                self.texts.push(s);
                (next, true)
            }
        }
    }
}

/// One of the [`SHARDS`] sets of the [`Dictionary`]: the spellings whose
/// key falls in it (by [`key_set`]), and those keys. Numbers inside a set
/// are indices; global ones are index × [`SHARDS`] + set.
#[derive(Debug, Default)]
struct DictionarySet {
    spellings: Interned,
    /// The index in `keys` of each spelling's key.
    spelling_key: Vec<u32>,
    keys: Interned,
}

/// The set (of [`SHARDS`]) of a key, by its [`spelling_hash`]: bits 32 to
/// 37, which neither the hash tables' slots (low bits) nor their tags (top
/// bits) rely on, so a set's tables stay well spread.
fn key_set(hash: u64) -> usize {
    (hash >> 32) as usize % SHARDS
}

/// Global number of `index` in set `set`. (It fits in 32 bits: a set
/// would need 2^26 strings, and each [`Local`] holds at most 4 GiB of text.)
fn global(index: u32, set: usize) -> u32 {
    index * SHARDS as u32 + set as u32
}

/// Set and index of global number `n`.
fn split(n: u32) -> (usize, usize) {
    (n as usize % SHARDS, n as usize / SHARDS)
}

impl DictionarySet {
    /// The global numbers of spelling `id` of `local`, this being set `set`.
    fn number(&mut self, set: usize, local: &Local, id: u32) -> Numbers {
        let text = local.get(id);
        // Most spellings are known already (another thread, or an earlier
        // window of this one, met them); only a new one adds its key.
        let (spelling, new) = self.spellings.number(spelling_hash(text.as_bytes()), text);
        if new {
            let key = local.keys.get(id);
            let (k, _) = self.keys.number(local.key_hashes[id as usize], key);
            self.spelling_key.push(k);
        }
        Numbers {
            spelling: global(spelling, set),
            key: global(self.spelling_key[spelling as usize], set),
        }
    }
}

/// Global numbers for spellings, tag keys and bucket starts.
///
/// Spellings and keys fall in [`SHARDS`] sets by the hash of the key, so
/// that a spelling and its key are numbered in the same set, and each
/// thread numbers the sets it owns, in parallel with the others. Keys are
/// sorted by text at the end, and ties between spellings broken by
/// position, so no output depends on these numbers.
#[derive(Debug)]
pub(crate) struct Dictionary {
    sets: Vec<DictionarySet>,
    buckets: FxHashMap<i64, u32>,
    /// Each bucket start, by number.
    pub bucket_starts: Vec<i64>,
    /// Per worker thread: the global numbers of each of its local spelling
    /// numbers.
    pub remaps: Vec<Vec<Numbers>>,
}

impl Dictionary {
    /// A dictionary for `threads` worker threads.
    pub fn new(threads: usize) -> Self {
        Dictionary {
            sets: (0..SHARDS).map(|_| DictionarySet::default()).collect(),
            buckets: FxHashMap::default(),
            bucket_starts: Vec::new(),
            remaps: vec![Vec::new(); threads],
        }
    }

    /// Numbers what the threads met since the last call (`locals`, by
    /// thread). Each rayon thread takes a run of the sets and walks every
    /// thread's new spellings, numbering those whose key falls in its sets
    /// (as [`Shards::count`](super::Shards::count) shares out the tags).
    pub fn sync(&mut self, locals: &[&Local]) {
        let per = super::shards_per_thread();
        let remaps = &self.remaps;
        // (thread, local number, global numbers), per run of sets.
        let found: Vec<Vec<(usize, u32, Numbers)>> = self
            .sets
            .par_chunks_mut(per)
            .enumerate()
            .map(|(group, sets)| {
                let mine = group * per..group * per + sets.len();
                let mut found = Vec::new();
                for (t, local) in locals.iter().enumerate() {
                    for id in remaps[t].len() as u32..local.len() {
                        let set = key_set(local.key_hashes[id as usize]);
                        if mine.contains(&set) {
                            found.push((t, id, sets[set - mine.start].number(set, local, id)));
                        }
                    }
                }
                found
            })
            .collect();
        for (remap, local) in self.remaps.iter_mut().zip(locals) {
            remap.resize(local.len() as usize, Numbers::default());
        }
        for (t, id, numbers) in found.into_iter().flatten() {
            self.remaps[t][id as usize] = numbers;
        }
    }

    /// Gives the entries of a chunk parsed by worker `thread` their global
    /// spelling and key numbers (after [`Dictionary::sync`]): once per
    /// entry, so counting threads read a tag's key without a look-up.
    pub fn globalize(&self, thread: usize, entries: &mut [Entry]) {
        let remap = &self.remaps[thread];
        for e in entries {
            let n = remap[e.spelling as usize];
            e.spelling = n.spelling;
            e.key = n.key;
        }
    }

    /// Keys are numbered below this.
    pub fn key_bound(&self) -> u32 {
        let most = self.sets.iter().map(|s| s.keys.texts.len()).max();
        most.unwrap_or(0) * SHARDS as u32
    }

    /// The text of key `k`.
    pub fn key_text(&self, k: u32) -> &str {
        let (set, i) = split(k);
        self.sets[set].keys.texts.get(i as u32)
    }

    /// The text of spelling `s`.
    pub fn spelling_text(&self, s: u32) -> &str {
        let (set, i) = split(s);
        self.sets[set].spellings.texts.get(i as u32)
    }

    /// The key of spelling `s`.
    pub fn spelling_key(&self, s: u32) -> u32 {
        let (set, i) = split(s);
        global(self.sets[set].spelling_key[i], set)
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
    use rustc_hash::FxHashSet;

    #[test]
    fn a_post_record_is_64_bytes() {
        assert_eq!(std::mem::size_of::<PostRecord>(), 64);
        let post = PostRecord::new(PostParts {
            time: 1,
            id: Some(0),
            author: None,
            offset: 2,
            line: 3,
            bucket: 4,
            tags: 5..6,
            len: 7,
        });
        assert_eq!((post.id(), post.author()), (Some(0), None));
    }

    #[test]
    fn numbering_posts_at_once_equals_one_tag_at_a_time() {
        let post = |tags: std::ops::Range<u32>| {
            PostRecord::new(PostParts {
                time: 0,
                id: None,
                author: None,
                offset: 0,
                line: 0,
                bucket: 0,
                tags,
                len: 0,
            })
        };
        // Posts of 0 to 40 tags (some repeated in a post, past the linear
        // look-up), from a vocabulary large enough to grow the table.
        let (mut raw, mut posts) = (RawTags::default(), Vec::new());
        let mut want_local = Local::default();
        let mut want = PostTags::default();
        let mut want_ranges = Vec::new();
        let mut state = 5u64;
        for p in 0..3000u64 {
            let first = raw.len();
            let start = want.start_post();
            for _ in 0..(p * 7 % 41) {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(11);
                let tag = format!("Tag{}", (state >> 40) % 9000);
                raw.push(&tag);
                want.push(want_local.spelling(&tag));
            }
            posts.push(post(first..raw.len()));
            want_ranges.push(start..want.len());
        }
        let (mut local, mut got) = (Local::default(), PostTags::default());
        let mut calls = Vec::new();
        local.number_posts(&raw, &mut posts, &mut got, |set, p, e| {
            calls.push((set, p, e));
        });
        let ranges: Vec<_> = posts.iter().map(|p| p.tags.clone()).collect();
        assert_eq!(ranges, want_ranges);
        // One call an entry, in order, with the set of the entry's key.
        let mut key = String::new();
        let mut want_calls = Vec::new();
        for (p, range) in want_ranges.iter().enumerate() {
            for e in range.clone() {
                let text = want_local.get(want.entries[e as usize].spelling);
                normalize::key_into(text, &mut key);
                want_calls.push((key_set(spelling_hash(key.as_bytes())), p as u32, e));
            }
        }
        assert_eq!(calls, want_calls);
        assert!(
            calls.iter().any(|c| c.0 != calls[0].0),
            "keys in one set only"
        );
        let entry = |e: &Entry| (e.spelling, e.first, e.count);
        assert_eq!(
            got.entries.iter().map(entry).collect::<Vec<_>>(),
            want.entries.iter().map(entry).collect::<Vec<_>>()
        );
        assert_eq!(local.len(), want_local.len());
    }

    #[test]
    fn authors_are_numbered_in_the_order_first_met() {
        let mut set = AuthorSet::default();
        let mut want: FxHashMap<u64, u32> = FxHashMap::default();
        let mut state = 3u64;
        for _ in 0..20_000 {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            // Repeats, zero, and keys that differ only in high bits.
            let key = match state >> 62 {
                0 => 0,
                1 => (state >> 40) << 44,
                _ => (state >> 33) % 5000,
            };
            let next = want.len() as u32;
            let n = *want.entry(key).or_insert(next);
            set.prefetch(key);
            assert_eq!(set.number(key, u32::MAX), Some(n), "{key}");
        }
        // Past the limit, known keys keep their numbers and new ones get none.
        let mut small = AuthorSet::default();
        assert_eq!(small.number(7, 2), Some(0));
        assert_eq!(small.number(9, 2), Some(1));
        assert_eq!(small.number(11, 2), None);
        assert_eq!(small.number(7, 2), Some(0));
        assert_eq!(author_number(&mut small, 5, 9), Some((1 << 6) | 5));
    }

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
    fn dictionary_numbers_agree_across_threads_and_windows() {
        let mut words: Vec<String> = ["BCSM", "bcsm", "ＢＣＳＭ", "健康", "café", "cafe\u{301}"]
            .map(String::from)
            .to_vec();
        words.extend((0..3000).map(|i| format!("Tag{}", i % 1000 + 1000 * (i % 3))));
        words.extend((0..1000).map(|i| format!("tag{i}")));
        // Two threads meet the words in opposite orders, over two windows,
        // with as many rayon threads as the run would have (sets shared out).
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .expect("a pool of two threads");
        let mut locals = [Local::default(), Local::default()];
        let mut dict = Dictionary::new(2);
        for window in words.chunks(2500) {
            for w in window {
                locals[0].spelling(w);
            }
            for w in window.iter().rev() {
                locals[1].spelling(w);
            }
            pool.install(|| dict.sync(&[&locals[0], &locals[1]]));
        }
        let mut spellings = FxHashMap::default();
        let mut keys = FxHashMap::default();
        for (local, remap) in locals.iter().zip(&dict.remaps) {
            assert_eq!(remap.len(), local.len() as usize);
            for (id, n) in remap.iter().enumerate() {
                let text = local.get(id as u32);
                let key = normalize::key(text);
                assert_eq!(dict.spelling_text(n.spelling), text);
                assert_eq!(dict.spelling_key(n.spelling), n.key);
                assert_eq!(dict.key_text(n.key), key);
                assert!(n.key < dict.key_bound());
                // One number per spelling and per key, whichever thread.
                assert_eq!(*spellings.entry(text).or_insert(n.spelling), n.spelling);
                assert_eq!(*keys.entry(key).or_insert(n.key), n.key);
            }
        }
        let distinct = |v: Vec<u32>| v.iter().collect::<FxHashSet<_>>().len();
        assert_eq!(
            distinct(spellings.values().copied().collect()),
            spellings.len()
        );
        assert_eq!(distinct(keys.values().copied().collect()), keys.len());
        assert_eq!(keys.len(), 3003);
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
        // The id 0 (an empty slot's mark) and the largest, more than once.
        for at in [5, 20_000, 70_000, 100_000] {
            ids.insert(at, 0);
            ids.insert(at + 1, u64::MAX);
        }
        let mut set = IdSet::default();
        let mut truth = FxHashSet::default();
        for id in ids {
            set.prefetch(id);
            assert_eq!(set.insert(id), truth.insert(id), "{id}");
        }
        assert_eq!(set.len(), truth.len());
        assert!(set.sorted.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn ids_above_all_held_go_onto_the_array_and_mix_with_others() {
        let mut set = IdSet::default();
        let mut model = FxHashSet::default();
        let mut x: u64 = 9;
        let mut next_above = 1u64 << 40;
        for round in 0..40_000u64 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            if round % 3 == 0 {
                // Ids in order, above all held: onto the array's end.
                next_above += 1 + (x >> 60);
                assert!(set.insert(next_above));
                assert!(model.insert(next_above));
                assert_eq!(set.sorted.last(), Some(&next_above));
            } else {
                // Old, repeated or new ids below: the general path.
                let id = match round % 4 {
                    0 => next_above - (x >> 50) % 5000,
                    1 => x >> 30,
                    _ => (x >> 58) * 97,
                };
                assert_eq!(set.insert(id), model.insert(id), "id {id}");
            }
        }
        assert_eq!(set.len(), model.len());
        for &id in &model {
            assert!(!set.insert(id));
        }
    }

    #[test]
    fn merge_sorted_is_the_sorted_union() {
        let mut x: u64 = 7;
        let mut next = |m: u64| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) % m
        };
        for round in 0..300 {
            let range = [5, 50, 5000][round % 3];
            let mut a: Vec<u64> = (0..next(40)).map(|_| next(range)).collect();
            let mut b: Vec<u64> = (0..next(40))
                .map(|_| next(range) + round as u64 % 2 * range)
                .collect();
            for v in [&mut a, &mut b] {
                v.sort_unstable();
                v.dedup();
            }
            let mut truth: Vec<u64> = a.iter().chain(&b).copied().collect();
            truth.sort_unstable();
            truth.dedup();
            merge_sorted(&mut a, &b);
            assert_eq!(a, truth);
        }
    }
}
