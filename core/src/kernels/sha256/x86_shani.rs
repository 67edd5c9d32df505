//! SHA-256 on the x86 SHA extensions (`sha256rnds2`, `sha256msg1`, `sha256msg2`; Intel's
//! "Intel SHA Extensions" paper, 2013). Ours rather than `sha2::compress256` so that a one-shot
//! keeps the chaining value in registers from the first block to the digest: no store and reload
//! between the message blocks and the padded tail, no per-call CPU-feature check, and the digest
//! leaves through one byte shuffle per half. Every function here needs `sha` and `sse4.1`, which
//! the kernel's descriptor requires before dispatch can select it.

use core::arch::x86_64::*;

use super::portable::{H0, K};
use crate::secure::ct::secure_zero;

/// The chaining value as the round instruction wants it: words A, B, E, F and C, D, G, H
/// (highest lane first).
#[derive(Clone, Copy)]
struct Cv {
    abef: __m128i,
    cdgh: __m128i,
}

/// Within each 32-bit lane, reverses the bytes (big-endian words ↔ lanes).
#[inline]
#[target_feature(enable = "sha,sse4.1")]
fn bswap32_mask() -> __m128i {
    _mm_set_epi64x(0x0c0d_0e0f_0809_0a0b, 0x0405_0607_0001_0203)
}

#[inline]
#[target_feature(enable = "sha,sse4.1")]
fn load(h: &[u32; 8]) -> Cv {
    // SAFETY: `h` is 32 readable bytes; unaligned loads.
    let (dcba, hgfe) = unsafe { (_mm_loadu_si128(h.as_ptr().cast()), _mm_loadu_si128(h.as_ptr().add(4).cast())) };
    let cdab = _mm_shuffle_epi32(dcba, 0xb1);
    let efgh = _mm_shuffle_epi32(hgfe, 0x1b);
    Cv { abef: _mm_alignr_epi8(cdab, efgh, 8), cdgh: _mm_blend_epi16(efgh, cdab, 0xf0) }
}

/// The chaining value back in word order A..H: (A, B, C, D) and (E, F, G, H), lowest lane first.
#[inline]
#[target_feature(enable = "sha,sse4.1")]
fn words(cv: Cv) -> (__m128i, __m128i) {
    let feba = _mm_shuffle_epi32(cv.abef, 0x1b);
    let dchg = _mm_shuffle_epi32(cv.cdgh, 0xb1);
    (_mm_blend_epi16(feba, dchg, 0xf0), _mm_alignr_epi8(dchg, feba, 8))
}

/// Four rounds on the message words `w` (W[t..t+4]) with round constants K[t..t+4].
#[inline]
#[target_feature(enable = "sha,sse4.1")]
fn rounds4(cv: &mut Cv, w: __m128i, t: usize) {
    // SAFETY: `t + 4 <= 64` (callers count t = 0, 4, .., 60); unaligned load.
    let wk = _mm_add_epi32(w, unsafe { _mm_loadu_si128(K.as_ptr().add(t).cast()) });
    // Each `sha256rnds2` runs two rounds on the low two words and returns the new (A, B, E, F);
    // the old (A, B, E, F) becomes the new (C, D, G, H).
    let cdgh = _mm_sha256rnds2_epu32(cv.cdgh, cv.abef, wk);
    let abef = _mm_sha256rnds2_epu32(cv.abef, cdgh, _mm_shuffle_epi32(wk, 0x0e));
    *cv = Cv { abef, cdgh };
}

/// One 64-byte block into `cv`.
#[inline]
#[target_feature(enable = "sha,sse4.1")]
fn block(cv: &mut Cv, b: &[u8; 64]) {
    let start = *cv;
    let m = bswap32_mask();
    // SAFETY: `b` is 64 readable bytes; unaligned loads at 0, 16, 32, 48.
    let [mut w0, mut w1, mut w2, mut w3]: [__m128i; 4] = core::array::from_fn(|i| _mm_shuffle_epi8(unsafe { _mm_loadu_si128(b.as_ptr().add(16 * i).cast()) }, m));
    rounds4(cv, w0, 0);
    rounds4(cv, w1, 4);
    rounds4(cv, w2, 8);
    rounds4(cv, w3, 12);
    // W[t] = σ1(W[t−2]) + W[t−7] + σ0(W[t−15]) + W[t−16], four at a time, in the register that
    // held W[t−16..t−12]: `sha256msg1` adds σ0(W[t−15]) to W[t−16], the `alignr` gives W[t−7],
    // and `sha256msg2` adds the σ1 terms (it needs the new words as it goes, so it finishes the
    // group itself). Written out so that the words stay in registers.
    macro_rules! group {
        ($w16:ident, $w12:ident, $w8:ident, $w4:ident, $t:expr) => {
            let x = _mm_add_epi32(_mm_sha256msg1_epu32($w16, $w12), _mm_alignr_epi8($w4, $w8, 4));
            $w16 = _mm_sha256msg2_epu32(x, $w4);
            rounds4(cv, $w16, $t);
        };
    }
    for t in [16, 32, 48] {
        group!(w0, w1, w2, w3, t);
        group!(w1, w2, w3, w0, t + 4);
        group!(w2, w3, w0, w1, t + 8);
        group!(w3, w0, w1, w2, t + 12);
    }
    cv.abef = _mm_add_epi32(cv.abef, start.abef);
    cv.cdgh = _mm_add_epi32(cv.cdgh, start.cdgh);
}

/// Compresses whole 64-byte blocks into `h`.
///
/// # Safety
/// The CPU must have `sha` and `sse4.1`.
#[target_feature(enable = "sha,sse4.1")]
pub(super) unsafe fn compress(h: &mut [u32; 8], blocks: &[[u8; 64]]) {
    let mut cv = load(h);
    for b in blocks {
        block(&mut cv, b);
    }
    let (abcd, efgh) = words(cv);
    // SAFETY: `h` is 32 writable bytes; unaligned stores.
    unsafe {
        _mm_storeu_si128(h.as_mut_ptr().cast(), abcd);
        _mm_storeu_si128(h.as_mut_ptr().add(4).cast(), efgh);
    }
}

/// One-shot SHA-256 of `data`: the first `min(out_len, 32)` digest bytes to `out`. The copy of
/// the message's last partial block is wiped.
///
/// # Safety
/// The CPU must have `sha` and `sse4.1`; `out` must be valid for `out_len` bytes.
#[target_feature(enable = "sha,sse4.1")]
pub(super) unsafe fn oneshot(data: &[u8], out: *mut u8, out_len: usize) {
    let mut cv = load(&H0);
    let (blocks, rest) = data.as_chunks::<64>();
    for b in blocks {
        block(&mut cv, b);
    }
    // The padded tail (FIPS 180-4 §5.1.1): the last partial block, 0x80, zeros, and the message
    // length in bits as a big-endian u64 at the end of the first or second block. The array
    // starts zeroed, so only those bytes are written (no variable-length fill).
    let mut tail = [[0u8; 64]; 2];
    let flat = tail.as_flattened_mut();
    flat[..rest.len()].copy_from_slice(rest);
    flat[rest.len()] = 0x80;
    let used = if rest.len() < 56 { 1 } else { 2 };
    flat[64 * used - 8..64 * used].copy_from_slice(&((data.len() as u64) << 3).to_be_bytes());
    for b in &tail[..used] {
        block(&mut cv, b);
    }
    let (abcd, efgh) = words(cv);
    let m = bswap32_mask();
    let (lo, hi) = (_mm_shuffle_epi8(abcd, m), _mm_shuffle_epi8(efgh, m));
    if out_len >= 32 {
        // SAFETY: `out` is valid for `out_len >= 32` bytes (caller contract); unaligned stores.
        unsafe {
            _mm_storeu_si128(out.cast(), lo);
            _mm_storeu_si128(out.add(16).cast(), hi);
        }
    } else {
        let mut digest = [0u8; 32];
        // SAFETY: `digest` is 32 writable bytes; `out` is valid for `out_len < 32` bytes.
        unsafe {
            _mm_storeu_si128(digest.as_mut_ptr().cast(), lo);
            _mm_storeu_si128(digest.as_mut_ptr().add(16).cast(), hi);
            std::ptr::copy_nonoverlapping(digest.as_ptr(), out, out_len);
        }
    }
    // The whole (fixed-size) tail: a variable-length wipe is a `memset` call.
    secure_zero(tail.as_flattened_mut());
}

#[cfg(test)]
mod tests {
    use sha2::Digest;

    fn has_sha() -> bool {
        std::arch::is_x86_feature_detected!("sha") && std::arch::is_x86_feature_detected!("sse4.1")
    }

    /// The one-shot with a short output writes exactly `out_len` bytes: the digest's prefix.
    /// (Dispatch always asks for 32; the kernel ABI lets a caller ask for fewer.)
    #[test]
    fn short_output_is_the_digest_prefix() {
        if !has_sha() {
            return;
        }
        let data: Vec<u8> = (0..200u8).collect();
        for len in [0usize, 55, 56, 64, 119, 200] {
            let mut full = [0u8; 32];
            // SAFETY: the CPU has `sha` and `sse4.1`; `full` is 32 writable bytes.
            unsafe { super::oneshot(&data[..len], full.as_mut_ptr(), 32) };
            let want = sha2::Sha256::digest(&data[..len]);
            assert_eq!(full[..], want[..], "len {len}");
            for n in [0usize, 1, 16, 31] {
                let mut out = [0xa5u8; 33];
                // SAFETY: as above; `out` has at least `n` writable bytes.
                unsafe { super::oneshot(&data[..len], out.as_mut_ptr(), n) };
                assert_eq!(out[..n], want[..n], "len {len} out {n}");
                assert!(out[n..].iter().all(|&b| b == 0xa5), "len {len} out {n}: wrote past out_len");
            }
        }
    }
}
