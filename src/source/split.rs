//! Cutting a run of records into chunks that threads parse at the same time,
//! without first walking the records one by one.
//!
//! For JSON lines, and CSV written without quoting, every line feed ends a
//! record: a chunk starts after the first line feed past its nominal start.
//! For quoted CSV a line feed may sit inside a quoted field. In a well-formed
//! file every `"` opens or closes a quoted field or is half of a doubled
//! `""`, so a line feed ends a record exactly when an even number of quotes
//! precede it: the quotes of each nominal chunk are counted in parallel, and
//! their running parity places each chunk start ([`starts`]). A file whose
//! quotes do not pair up that way (a stray `"` inside an unquoted field)
//! makes the guess wrong; the caller checks every guess against where the
//! previous chunk's records really ended, and on a mismatch cuts the rest of
//! the run by walking its records ([`exact_starts`]). Results never depend on
//! the guess.

use memchr::{memchr, memchr2};
use rayon::prelude::*;

use crate::source::csv::{self, Dialect};

/// How records end in a run of bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ends {
    /// At every line feed (JSON lines, CSV without quoting).
    Lines,
    /// At line feeds outside quoted fields.
    Csv(Dialect),
}

/// Guessed chunk starts for the records of `data[..window]` (records that
/// start before `window`), about `chunk` bytes apart, relative to `data`,
/// which starts on a record boundary. The first start is 0; starts are
/// increasing and below `window`.
pub(crate) fn starts(data: &[u8], window: usize, chunk: usize, ends: Ends) -> Vec<usize> {
    let window = window.min(data.len());
    let chunk = chunk.max(1);
    let nominal: Vec<usize> = (0..window).step_by(chunk).collect();
    let guesses: Vec<usize> = match ends {
        Ends::Csv(d) if d.quoting => {
            // Quotes before each nominal start, counted in parallel.
            let counts: Vec<usize> = nominal
                .par_iter()
                .map(|&n| memchr::memchr_iter(b'"', &data[n..(n + chunk).min(window)]).count())
                .collect();
            let mut odd = Vec::with_capacity(nominal.len());
            let mut parity = false;
            for c in &counts {
                odd.push(parity);
                parity ^= c % 2 == 1;
            }
            nominal
                .par_iter()
                .zip(odd)
                .map(|(&n, odd)| even_line_end(data, n, odd))
                .collect()
        }
        _ => nominal
            .par_iter()
            .map(|&n| {
                if n == 0 {
                    0
                } else {
                    memchr(b'\n', &data[n - 1..]).map_or(data.len(), |i| n + i)
                }
            })
            .collect(),
    };
    let mut out: Vec<usize> = Vec::with_capacity(guesses.len());
    for g in guesses {
        let g = if out.is_empty() { 0 } else { g };
        if g < window && out.last().is_none_or(|&l| g > l) {
            out.push(g);
        }
    }
    out
}

/// The first position at or after `from` (0 stays 0) that follows a line
/// feed with an even number of quotes before it, given whether the count
/// before `from` is odd.
fn even_line_end(data: &[u8], from: usize, mut odd: bool) -> usize {
    if from == 0 {
        return 0;
    }
    let mut pos = from - 1;
    // `odd` counts the quotes before `from`; step back over data[from - 1].
    odd ^= data[pos] == b'"';
    while let Some(i) = memchr2(b'"', b'\n', &data[pos..]) {
        let hit = pos + i;
        if data[hit] == b'"' {
            odd = !odd;
        } else if !odd {
            return hit + 1;
        }
        pos = hit + 1;
    }
    data.len()
}

/// Exact chunk starts for the records of `data[from..window]`, about `chunk`
/// bytes apart, found by walking record by record from `from` (a record
/// boundary).
pub(crate) fn exact_starts(
    data: &[u8],
    from: usize,
    window: usize,
    chunk: usize,
    ends: Ends,
) -> Vec<usize> {
    let mut out = Vec::new();
    let mut start = from;
    let mut scan = from;
    while start < window.min(data.len()) {
        out.push(start);
        let target = start + chunk.max(1);
        while scan < target {
            let end = match ends {
                Ends::Lines => memchr(b'\n', &data[scan..]).map(|i| scan + i + 1),
                Ends::Csv(d) => csv::record_end(data, scan, d),
            };
            match end {
                Some(e) => scan = e,
                None => return out,
            }
        }
        start = scan;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv_ends() -> Ends {
        Ends::Csv(Dialect {
            delimiter: b',',
            quoting: true,
        })
    }

    /// Record boundaries by walking, for checking guesses.
    fn boundaries(data: &[u8]) -> Vec<usize> {
        let mut out = vec![0];
        let mut pos = 0;
        while let Some(e) = csv::record_end(data, pos, b',') {
            out.push(e);
            pos = e;
        }
        out
    }

    #[test]
    fn well_formed_csv_guesses_are_record_boundaries() {
        let mut data = Vec::new();
        for i in 0..5000 {
            let text = match i % 4 {
                0 => format!("\"quoted, with \"\"doubled\"\"\nand a newline #t{i}\""),
                1 => format!("plain #t{i}"),
                2 => "\"\"".to_owned(),
                _ => format!("\"\n\n{i}\n\""),
            };
            data.extend_from_slice(format!("{i},{text},x\n").as_bytes());
        }
        let truth = boundaries(&data);
        for chunk in [1, 7, 100, 4096] {
            let s = starts(&data, data.len(), chunk, csv_ends());
            assert_eq!(s[0], 0);
            for g in &s {
                assert!(truth.binary_search(g).is_ok(), "chunk {chunk}: {g}");
            }
            assert_eq!(exact_starts(&data, 0, data.len(), chunk, csv_ends())[0], 0);
            for g in exact_starts(&data, 0, data.len(), chunk, csv_ends()) {
                assert!(truth.binary_search(&g).is_ok());
            }
        }
    }

    #[test]
    fn lines_start_after_line_feeds() {
        let data = b"a\nbb\nccc\n\ndddd\n";
        let s = starts(data, data.len(), 3, Ends::Lines);
        assert_eq!(s, vec![0, 5, 9]);
        assert_eq!(
            exact_starts(data, 0, data.len(), 3, Ends::Lines),
            vec![0, 5, 9]
        );
        // A window ends the starts; records may run past it.
        assert_eq!(starts(data, 4, 3, Ends::Lines), vec![0]);
    }

    #[test]
    fn a_stray_quote_gives_a_wrong_guess_that_walking_corrects() {
        // `5" screen` is a literal quote in an unquoted field: parity flips.
        let data = b"1,5\" screen #a\n2,\"x\ny\"\n3,z\n4,w\n";
        let truth = boundaries(data);
        let guessed = starts(data, data.len(), 4, csv_ends());
        assert!(guessed.iter().any(|g| truth.binary_search(g).is_err()));
        for g in exact_starts(data, 0, data.len(), 4, csv_ends()) {
            assert!(truth.binary_search(&g).is_ok());
        }
    }
}
