//! A bound, not a reader: the per-day count of `hashtrend count --bucket
//! day` stripped to its plainest form, to measure how fast a design without
//! hashtrend's checks can go on a machine (issue 4's ratio targets).
//!
//! ```text
//! cargo bench --bench plain_kernel -- FILE.csv [THREADS]
//! ```
//!
//! FILE is a CSV with the columns of `gen_posts.py` (`id,created_at,
//! author_id,text,...`). Each thread takes a part of the file cut at a line
//! feed, and for each record splits the fields with `memchr2`, parses the id
//! and author as decimals, drops ids seen before (ids that rise need no
//! look-up), buckets by the first ten bytes of the time, and finds `#` runs
//! of ASCII letters, digits and `_` (lowercased, numbered in a table whose
//! keys of up to 15 bytes sit in its slots). Occurrences and (day, tag,
//! author) triples go into two vectors, sorted at the end to count cells
//! and distinct authors.
//!
//! What it leaves out is what hashtrend must do: non-ASCII tags and the
//! other twitter-text rules (URLs, `&`, marks, all-digit tags), Unicode case
//! folding, UTF-8 checks, quoting that spans cut points, time zones and
//! other time formats, line numbers, diagnostics, display spellings, the
//! output table. So its counts differ from hashtrend's (on the generator's
//! 1M posts it finds 1,441,433 occurrences where the truth has 1,473,624),
//! and its time is a floor for a plain design, not a target.

use std::time::Instant;

use memchr::{memchr, memchr_iter, memchr2};
use rustc_hash::FxHashMap;

/// Days are numbered in 11 bits, tags in 21, authors must fit 32.
const TAG_BITS: u32 = 21;

/// Slots of the short-tag table (a power of two).
const SLOTS: usize = 1 << 17;

/// A thread's counts, numbered in its own tables.
struct Part {
    posts: u64,
    /// `day << TAG_BITS | tag`, one per occurrence.
    occurrences: Vec<u32>,
    /// `day << 53 | tag << 32 | author`, one per (post, distinct tag).
    triples: Vec<u64>,
    tags: Vec<Vec<u8>>,
    days: Vec<[u8; 10]>,
}

/// Tags of up to 15 bytes as one 16-byte key (length in the last byte).
fn short_key(tag: &[u8]) -> Option<u128> {
    if tag.len() > 15 {
        return None;
    }
    let mut k = [0u8; 16];
    k[..tag.len()].copy_from_slice(tag);
    k[15] = tag.len() as u8;
    Some(u128::from_le_bytes(k))
}

fn decimal(b: &[u8]) -> u64 {
    b.iter().fold(0u64, |n, &c| {
        n.wrapping_mul(10)
            .wrapping_add(u64::from(c.wrapping_sub(b'0')))
    })
}

/// Counts the records of `data[pos..stop]` (`pos` at a record start).
fn count(data: &[u8], mut pos: usize, stop: usize) -> Part {
    let mut part = Part {
        posts: 0,
        occurrences: Vec::new(),
        triples: Vec::new(),
        tags: Vec::new(),
        days: Vec::new(),
    };
    let mut short: Vec<(u128, u32)> = vec![(0, 0); SLOTS];
    let mut long: FxHashMap<Vec<u8>, u32> = FxHashMap::default();
    let mut ids: rustc_hash::FxHashSet<u64> = Default::default();
    let mut max_id = 0;
    let (mut last_date, mut day) = ([0u8; 10], 0u32);
    let mut lower = Vec::new();
    let mut in_post: Vec<u32> = Vec::new();
    let mut starts = [0usize; 16];
    while pos < stop {
        let rec = &data[pos..];
        // Field starts; a field is `rec[starts[k]..starts[k + 1] - 1]`.
        let (mut n, mut p) = (0, 0);
        let end = loop {
            let mut from = p;
            if rec.get(p) == Some(&b'"') {
                from = p + 1;
                while let Some(q) = memchr(b'"', &rec[from..]) {
                    from += q + 1;
                    if rec.get(from) != Some(&b'"') {
                        break;
                    }
                    from += 1;
                }
            }
            starts[n] = p;
            n = (n + 1).min(starts.len() - 2);
            let i = from + memchr2(b',', b'\n', &rec[from..]).unwrap_or(rec.len() - from);
            if i >= rec.len() || rec[i] == b'\n' {
                starts[n] = i + 1;
                break i + 1;
            }
            p = i + 1;
        };
        pos += end;
        if n < 4 {
            continue;
        }
        let field = |k: usize| &rec[starts[k]..starts[k + 1] - 1];
        part.posts += 1;
        let id = decimal(field(0));
        if id > max_id {
            max_id = id;
        } else if !ids.insert(id) {
            continue;
        }
        let Some(date) = field(1).first_chunk::<10>() else {
            continue;
        };
        if *date != last_date {
            last_date = *date;
            day = match part.days.iter().position(|d| d == date) {
                Some(d) => d as u32,
                None => {
                    part.days.push(*date);
                    part.days.len() as u32 - 1
                }
            };
        }
        let author = decimal(field(2)) & 0xFFFF_FFFF;
        let text = field(3);
        in_post.clear();
        for h in memchr_iter(b'#', text) {
            if h > 0 && (text[h - 1].is_ascii_alphanumeric() || matches!(text[h - 1], b'_' | b'&'))
            {
                continue;
            }
            let run = text[h + 1..]
                .iter()
                .position(|c| !(c.is_ascii_alphanumeric() || *c == b'_'))
                .unwrap_or(text.len() - h - 1);
            let tag = &text[h + 1..h + 1 + run];
            if !tag.iter().any(u8::is_ascii_alphabetic) {
                continue;
            }
            lower.clear();
            lower.extend(tag.iter().map(u8::to_ascii_lowercase));
            let number = match short_key(&lower) {
                Some(key) => {
                    let h = (key as u64 ^ ((key >> 64) as u64).rotate_left(29))
                        .wrapping_mul(0x9E37_79B9_7F4A_7C15);
                    let mut i = (h >> 40) as usize % SLOTS;
                    loop {
                        let slot = &mut short[i];
                        if slot.0 == key {
                            break slot.1;
                        }
                        if slot.0 == 0 {
                            part.tags.push(lower.clone());
                            *slot = (key, part.tags.len() as u32 - 1);
                            break slot.1;
                        }
                        i = (i + 1) % SLOTS;
                    }
                }
                None => *long.entry(lower.clone()).or_insert_with(|| {
                    part.tags.push(lower.clone());
                    part.tags.len() as u32 - 1
                }),
            };
            part.occurrences.push(day << TAG_BITS | number);
            if !in_post.contains(&number) {
                in_post.push(number);
                part.triples
                    .push(u64::from(day) << 53 | u64::from(number) << 32 | author);
            }
        }
    }
    part
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first().filter(|a| !a.starts_with("--")) else {
        eprintln!("usage: cargo bench --bench plain_kernel -- FILE.csv [THREADS]");
        return;
    };
    let threads: usize = args.get(1).and_then(|t| t.parse().ok()).unwrap_or(2).max(1);
    let file = std::fs::File::open(path).expect("the file opens");
    // SAFETY: read-only map of a file nobody truncates during the run.
    let map = unsafe { memmap2::Mmap::map(&file) }.expect("the file maps");
    let data = &map[..];
    let t = Instant::now();
    let first = memchr(b'\n', data).map_or(data.len(), |i| i + 1);
    let mut cuts = vec![first];
    for k in 1..threads {
        let at = (data.len() * k / threads).max(first);
        cuts.push(memchr(b'\n', &data[at..]).map_or(data.len(), |i| at + i + 1));
    }
    cuts.push(data.len());
    let parts: Vec<Part> = std::thread::scope(|s| {
        let running: Vec<_> = cuts
            .windows(2)
            .map(|w| s.spawn(move || count(data, w[0], w[1])))
            .collect();
        running
            .into_iter()
            .map(|r| r.join().expect("a part"))
            .collect()
    });
    // Numbers of all parts in the first one's tables, then the two sorts.
    let mut tags: FxHashMap<Vec<u8>, u32> = FxHashMap::default();
    let mut days: Vec<[u8; 10]> = Vec::new();
    let (mut occurrences, mut triples, mut posts) = (Vec::new(), Vec::new(), 0);
    for part in parts {
        posts += part.posts;
        let tag: Vec<u32> = part
            .tags
            .into_iter()
            .map(|t| {
                let next = tags.len() as u32;
                *tags.entry(t).or_insert(next)
            })
            .collect();
        let day: Vec<u32> = part
            .days
            .iter()
            .map(|d| match days.iter().position(|x| x == d) {
                Some(i) => i as u32,
                None => {
                    days.push(*d);
                    days.len() as u32 - 1
                }
            })
            .collect();
        let mask = (1 << TAG_BITS) - 1;
        occurrences.extend(
            part.occurrences
                .iter()
                .map(|&o| day[(o >> TAG_BITS) as usize] << TAG_BITS | tag[(o & mask) as usize]),
        );
        triples.extend(part.triples.iter().map(|&x| {
            let (d, t) = ((x >> 53) as usize, ((x >> 32) & u64::from(mask)) as usize);
            u64::from(day[d]) << 53 | u64::from(tag[t]) << 32 | (x & 0xFFFF_FFFF)
        }));
    }
    occurrences.sort_unstable();
    triples.sort_unstable();
    let cells = occurrences.chunk_by(|a, b| a == b).count();
    let distinct = triples.chunk_by(|a, b| a == b).count();
    println!(
        "{:.3} s on {threads} thread(s): {posts} posts, {} tags, {cells} (day, tag) cells, {} occurrences, {distinct} distinct (day, tag, author)",
        t.elapsed().as_secs_f64(),
        tags.len(),
        occurrences.len(),
    );
}
