//! Byte search for short distances.

use memchr::memchr2;

/// The first `a` or `b` in `hay`, as `memchr2` finds it, for short
/// distances (between CSV delimiters, between hash signs): 32 bytes at a
/// time (two SSE2 compares), inline, without `memchr`'s set-up per call,
/// which cost more than the search itself on fields of a few dozen bytes;
/// past 64 bytes, `memchr2`'s wide loop takes over. Fields of up to 32
/// bytes (ids, times) take one step and one branch.
#[inline(always)]
pub(crate) fn find2(a: u8, b: u8, hay: &[u8]) -> Option<usize> {
    let mut i = 0;
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{
            __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128,
            _mm_set1_epi8,
        };
        // SAFETY: SSE2 is part of x86-64, and every call below loads 16
        // bytes inside `hay`.
        let hits16 = |at: usize| unsafe {
            let v = _mm_loadu_si128(hay.as_ptr().add(at).cast::<__m128i>());
            let (va, vb) = (_mm_set1_epi8(a as i8), _mm_set1_epi8(b as i8));
            _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vb))) as u32
        };
        while i + 32 <= hay.len() {
            let hits = hits16(i) | hits16(i + 16) << 16;
            if hits != 0 {
                return Some(i + hits.trailing_zeros() as usize);
            }
            i += 32;
            if i >= 64 {
                return memchr2(a, b, &hay[i..]).map(|j| i + j);
            }
        }
        if i + 16 <= hay.len() {
            let hits = hits16(i);
            if hits != 0 {
                return Some(i + hits.trailing_zeros() as usize);
            }
            i += 16;
        }
    }
    hay[i..]
        .iter()
        .position(|&c| c == a || c == b)
        .map(|j| i + j)
}

/// The bytes of the little-endian word `w` that are not ASCII digits, as a
/// mask (high nibble bits set in each such byte; 0 when all eight are
/// digits). A digit byte is 0x30..=0x39: high nibble 3, and adding 6 does
/// not carry out of its low nibble. A carry out of a byte that is not a
/// digit may spoil the bytes above it, never those below, so the lowest
/// byte flagged is always the first that is not a digit.
#[inline(always)]
pub(crate) fn non_digits(w: u64) -> u64 {
    const HIGH: u64 = 0xF0F0_F0F0_F0F0_F0F0;
    ((w & HIGH) ^ ZEROS) | ((w.wrapping_add(0x0606_0606_0606_0606) & HIGH) ^ ZEROS)
}

/// Eight ASCII `0`s as one word: subtracted from a word of digits, it
/// leaves each byte its digit's value.
pub(crate) const ZEROS: u64 = 0x3030_3030_3030_3030;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_non_digit_is_the_lowest_byte_flagged() {
        // Every byte value at every place, after digits and before any byte.
        for at in 0..8 {
            for b in 0..=255u8 {
                for after in [b'5', b'a', 0xFF] {
                    let mut w = [b'7'; 8];
                    w[at] = b;
                    for x in &mut w[at + 1..] {
                        *x = after;
                    }
                    let first = w.iter().position(|c| !c.is_ascii_digit());
                    let mask = non_digits(u64::from_le_bytes(w));
                    let got = (mask != 0).then(|| mask.trailing_zeros() as usize / 8);
                    assert_eq!(got, first, "{w:?}");
                }
            }
        }
    }

    #[test]
    fn find2_finds_what_memchr2_finds() {
        // Every length across the 32- and 16-byte steps and the hand-over
        // to memchr2, with the first hit at every place (or none).
        for len in 0..150 {
            for at in 0..=len {
                for (a, b) in [(b',', b'\n'), (b'\t', b'\n')] {
                    let mut hay = vec![b'x'; len];
                    if at < len {
                        hay[at] = if at % 2 == 0 { a } else { b };
                    }
                    if at + 5 < len {
                        hay[at + 5] = a;
                    }
                    assert_eq!(find2(a, b, &hay), memchr2(a, b, &hay), "{len} {at}");
                }
            }
        }
    }
}
