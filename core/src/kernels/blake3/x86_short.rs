//! One-chunk BLAKE3 (plain mode, at most 1024 bytes of input, 32 bytes of output) on AVX-512:
//! the state in four 128-bit rows (`vprord` rotations), each block in two ymm registers (masked
//! loads for the last, partial block: no copy of the input), and each round's message words
//! gathered by two `vpermt2d`. For short inputs the `blake3` crate's fixed cost (its chunk-state
//! struct copies around the compression) is as large as the compression itself; this path has
//! none of it.
//!
//! Nothing branches on or indexes by the data; the input length is public.

#![cfg(target_arch = "x86_64")]

use super::portable::{CHUNK_END, CHUNK_START, IV, KEYED_HASH, MSG_SCHEDULE, ROOT};
use core::arch::x86_64::*;

/// Longest input this path takes: one chunk.
pub const MAX_LEN: usize = 1024;

/// Per round, the indices of the two `vpermt2d` (words 0–7, then 8–15 of a row) that put the
/// message words of the column step (`mx`, `my`: the first result's 128-bit halves) and of the
/// diagonal step (`mz`, `mw`: the second's) in place, as four 128-bit lanes: lane 0 = words s[0], s[2],
/// s[4], s[6]; lane 1 = s[1], s[3], s[5], s[7]; lanes 2, 3 the same from s[8], rotated by one
/// word because the diagonal step computes diagonal j − 1 in word j (see `compress`).
static PERM: [[u32; 16]; 7] = {
    let mut p = [[0u32; 16]; 7];
    let mut r = 0;
    while r < 7 {
        let mut i = 0;
        while i < 4 {
            p[r][i] = MSG_SCHEDULE[r][2 * i] as u32;
            p[r][4 + i] = MSG_SCHEDULE[r][2 * i + 1] as u32;
            let k = (i + 3) % 4;
            p[r][8 + i] = MSG_SCHEDULE[r][8 + 2 * k] as u32;
            p[r][12 + i] = MSG_SCHEDULE[r][9 + 2 * k] as u32;
            i += 1;
        }
        r += 1;
    }
    p
};

/// One G step on all four columns (or diagonals): rows `a b c d`, message words `mx my`. The
/// message word is added to `a` before `b` is: `b` is the last value of the previous step, so
/// this keeps one add off the serial chain.
#[inline]
#[target_feature(enable = "avx512f,avx512vl,avx512bw")]
fn g(a: &mut __m128i, b: &mut __m128i, c: &mut __m128i, d: &mut __m128i, mx: __m128i, my: __m128i) {
    *a = _mm_add_epi32(_mm_add_epi32(*a, mx), *b);
    *d = _mm_ror_epi32::<16>(_mm_xor_si128(*d, *a));
    *c = _mm_add_epi32(*c, *d);
    *b = _mm_ror_epi32::<12>(_mm_xor_si128(*b, *c));
    *a = _mm_add_epi32(_mm_add_epi32(*a, my), *b);
    *d = _mm_ror_epi32::<8>(_mm_xor_si128(*d, *a));
    *c = _mm_add_epi32(*c, *d);
    *b = _mm_ror_epi32::<7>(_mm_xor_si128(*b, *c));
}

/// The compression function's first 8 output words (the chaining value, or the first 32 bytes
/// of a root output) for the 16 message words in `m` (words 0–7, 8–15).
///
/// The block is kept in two 256-bit registers, not one 512-bit one: on Intel cores a 512-bit
/// instruction in flight shuts the vector ALU of port 1. The G steps are 128-bit work that needs
/// all three ports. With a zmm block, this path was no faster per block than the `blake3`
/// crate's on an Ice Lake-class Xeon, while it was on Zen 4.
#[inline]
#[target_feature(enable = "avx512f,avx512vl,avx512bw")]
fn compress(cv: [__m128i; 2], m: [__m256i; 2], block_len: u32, flags: u32) -> [__m128i; 2] {
    let [mut a, mut b] = cv;
    // SAFETY: IV is 8 readable u32s; unaligned load of the first four.
    let mut c = unsafe { _mm_loadu_si128(IV.as_ptr().cast()) };
    // Counter 0 (the only chunk, and output block 0 of the root).
    let mut d = _mm_set_epi32(flags as i32, block_len as i32, 0, 0);
    for p in &PERM {
        // SAFETY: `p` is 16 readable u32s: two unaligned 8-word loads.
        let (i0, i1) = unsafe { (_mm256_loadu_si256(p.as_ptr().cast()), _mm256_loadu_si256(p.as_ptr().add(8).cast())) };
        // Index bit 3 picks the register (words 0–7 or 8–15): a 16-word table lookup.
        let (w0, w1) = (_mm256_permutex2var_epi32(m[0], i0, m[1]), _mm256_permutex2var_epi32(m[0], i1, m[1]));
        let (mx, my) = (_mm256_castsi256_si128(w0), _mm256_extracti128_si256::<1>(w0));
        let (mz, mw) = (_mm256_castsi256_si128(w1), _mm256_extracti128_si256::<1>(w1));
        g(&mut a, &mut b, &mut c, &mut d, mx, my);
        // Diagonals: word j of the rows becomes (a[j−1], b[j], c[j+1], d[j+2]), diagonal j − 1.
        // `b`, the last value of a G step, stays in place, so no shuffle lands on the serial
        // chain.
        a = _mm_shuffle_epi32::<0x93>(a);
        c = _mm_shuffle_epi32::<0x39>(c);
        d = _mm_shuffle_epi32::<0x4e>(d);
        g(&mut a, &mut b, &mut c, &mut d, mz, mw);
        a = _mm_shuffle_epi32::<0x39>(a);
        c = _mm_shuffle_epi32::<0x93>(c);
        d = _mm_shuffle_epi32::<0x4e>(d);
    }
    [_mm_xor_si128(a, c), _mm_xor_si128(b, d)]
}

/// Plain BLAKE3 of `data` (at most [`MAX_LEN`] bytes) into `out`.
///
/// # Safety
/// The CPU must have AVX-512F, AVX-512VL and AVX-512BW.
#[target_feature(enable = "avx512f,avx512vl,avx512bw")]
pub unsafe fn hash(data: &[u8], out: &mut [u8; 32]) {
    // SAFETY: IV is 8 readable u32s, i.e. 32 bytes; the caller's contract otherwise.
    unsafe { hash_from(IV.as_ptr().cast(), 0, data, out) }
}

/// BLAKE3 keyed hash (the MAC) of `data` (at most [`MAX_LEN`] bytes) under `key` into `out`.
///
/// # Safety
/// The CPU must have AVX-512F, AVX-512VL and AVX-512BW.
#[target_feature(enable = "avx512f,avx512vl,avx512bw")]
pub unsafe fn keyed_hash(key: &[u8; 32], data: &[u8], out: &mut [u8; 32]) {
    // The key's little-endian words are the chaining value (BLAKE3 §2.3), read as lanes on this
    // little-endian target.
    // SAFETY: `key` is 32 bytes; the caller's contract otherwise.
    unsafe { hash_from(key.as_ptr(), KEYED_HASH, data, out) }
}

/// One-chunk BLAKE3 from the 32-byte initial chaining value at `cv0` (little-endian words) with
/// the mode flag `mode` on every block.
///
/// # Safety
/// The CPU must have AVX-512F, AVX-512VL and AVX-512BW; `cv0` must be 32 readable bytes.
#[inline]
#[target_feature(enable = "avx512f,avx512vl,avx512bw")]
unsafe fn hash_from(cv0: *const u8, mode: u32, data: &[u8], out: &mut [u8; 32]) {
    debug_assert!(data.len() <= MAX_LEN);
    // SAFETY: `cv0` is 32 readable bytes (caller contract); two unaligned 16-byte loads.
    let mut cv = unsafe { [_mm_loadu_si128(cv0.cast()), _mm_loadu_si128(cv0.add(16).cast())] };
    let blocks = data.len().div_ceil(64).max(1);
    for i in 0..blocks {
        let n = (data.len() - 64 * i).min(64);
        // The block's `n` bytes (n = 0 only for the empty input: a zero block).
        let p = data.as_ptr().wrapping_add(64 * i);
        // A whole block with plain loads: a masked load is not served from the store buffer, so
        // one that reads bytes just written (a short stream's buffer, filled by `update` right
        // before) waits for those stores to reach the cache (~7% of a 64-byte stream through C).
        let m = if n == 64 {
            // SAFETY: bytes 64i..64i + 64 of `data` are readable; two unaligned 32-byte loads.
            unsafe { [_mm256_loadu_si256(p.cast()), _mm256_loadu_si256(p.add(32).cast())] }
        } else {
            let mask = (1u64 << n) - 1;
            // SAFETY: bytes 64i..64i + n of `data` are readable and a masked load touches no
            // byte outside its mask (the second half's mask is 0 when n <= 32; its address is
            // formed with `wrapping_add`, so it may lie past the slice without being
            // dereferenced).
            unsafe { [_mm256_maskz_loadu_epi8(mask as u32, p.cast()), _mm256_maskz_loadu_epi8((mask >> 32) as u32, p.wrapping_add(32).cast())] }
        };
        let mut flags = mode | if i == 0 { CHUNK_START } else { 0 };
        if i == blocks - 1 {
            flags |= CHUNK_END | ROOT;
        }
        cv = compress(cv, m, n as u32, flags);
    }
    // SAFETY: `out` is 32 writable bytes: two unaligned 16-byte stores.
    unsafe {
        _mm_storeu_si128(out.as_mut_ptr().cast(), cv[0]);
        _mm_storeu_si128(out.as_mut_ptr().add(16).cast(), cv[1]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every length of one chunk (called directly, so above the dispatch cut-off too), at an odd
    /// offset into a buffer and in an exact-size copy (the empty one is dangling: the masked
    /// loads there touch nothing), against the `blake3` crate and our portable kernel (the
    /// official vectors run through the dispatch table in `tests/vectors.rs`).
    #[test]
    fn every_length_matches_the_crate_and_portable() {
        if !(std::is_x86_feature_detected!("avx512f") && std::is_x86_feature_detected!("avx512vl") && std::is_x86_feature_detected!("avx512bw")) {
            eprintln!("skipping: no AVX-512F/VL/BW");
            return;
        }
        let data: Vec<u8> = (0..MAX_LEN + 3).map(|i| (i % 251) as u8).collect();
        for len in 0..=MAX_LEN {
            let d = &data[3..3 + len];
            let want = *blake3::hash(d).as_bytes();
            let mut p = super::super::portable::Hasher::new();
            p.update(d);
            let mut port = [0u8; 32];
            p.finalize_xof(&mut port);
            assert_eq!(port, want, "portable, len {len}");
            let mut out = [0u8; 32];
            // SAFETY: features detected above.
            unsafe { hash(d, &mut out) };
            assert_eq!(out, want, "avx512, len {len}");
            // The input at the very end of its own allocation.
            let tight = d.to_vec();
            out = [0; 32];
            // SAFETY: as above.
            unsafe { hash(&tight, &mut out) };
            assert_eq!(out, want, "avx512 (tight), len {len}");
        }
    }
}
