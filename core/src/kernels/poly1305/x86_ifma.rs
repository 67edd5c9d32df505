//! Poly1305 over eight 16-byte blocks at a time with AVX-512 IFMA (52-bit multiply-accumulate):
//! the accumulator lives in radix 2^44 (limbs of 44, 44 and 42 bits), one message block per
//! 64-bit lane. Lane j of chunk k absorbs block 8k + j; every chunk multiplies all lanes by r^8,
//! and the last one multiplies lane j by r^(8−j) instead, so the sum of the lanes is the scalar
//! Horner result. Whole 128-byte chunks only: the caller's scalar code does the rest.
//!
//! Limb bounds (why no product exceeds 52 bits): after a multiply the limbs are below 2^44,
//! 2^44 + 2^14 and 2^42; adding a message block keeps them below 2^46; multipliers are powers of
//! r reduced the same way, times 20 at most (2^130 ≡ 5, and 2^132 ≡ 20 folds limb products that
//! overflow position 130), so below 2^49.
//!
//! Constant time: no branch or memory index depends on the key, the accumulator or the message.

use core::arch::x86_64::*;

const M44: u64 = (1 << 44) - 1;
const M42: u64 = (1 << 42) - 1;

/// A field element in radix 2^44, partially reduced.
#[derive(Clone, Copy, zeroize::Zeroize)]
pub(crate) struct Fe44(pub [u64; 3]);

impl Fe44 {
    /// From the scalar code's radix-2^64 limbs (`h2` at most a few bits).
    pub(crate) fn from_64(h0: u64, h1: u64, h2: u64) -> Self {
        Fe44([h0 & M44, ((h0 >> 44) | (h1 << 20)) & M44, (h1 >> 24) | (h2 << 40)])
    }

    /// To radix 2^64 after a full carry pass (so `h2` stays within the scalar code's bound).
    pub(crate) fn to_64(self) -> (u64, u64, u64) {
        let [mut a0, mut a1, mut a2] = self.0;
        a1 += a0 >> 44;
        a0 &= M44;
        a2 += a1 >> 44;
        a1 &= M44;
        a0 += (a2 >> 42) * 5;
        a2 &= M42;
        a1 += a0 >> 44;
        a0 &= M44;
        a2 += a1 >> 44;
        a1 &= M44;
        (a0 | (a1 << 44), (a1 >> 20) | (a2 << 24), a2 >> 40)
    }

    /// `self · b mod 2^130 − 5`, partially reduced (scalar, for the power table).
    fn mul(self, b: Fe44) -> Fe44 {
        let [a0, a1, a2] = self.0.map(u128::from);
        let [b0, b1, b2] = b.0.map(u128::from);
        let (s1, s2) = (b1 * 20, b2 * 20);
        let d0 = a0 * b0 + a1 * s2 + a2 * s1;
        let d1 = a0 * b1 + a1 * b0 + a2 * s2 + (d0 >> 44);
        let d2 = a0 * b2 + a1 * b1 + a2 * b0 + (d1 >> 44);
        let r0 = (d0 as u64 & M44) + (d2 >> 42) as u64 * 5;
        let r1 = (d1 as u64 & M44) + (r0 >> 44);
        Fe44([r0 & M44, r1, d2 as u64 & M42])
    }
}

/// The limbs of one multiplier per lane: b0, b1, b2 and 20·b1, 20·b2.
#[derive(Clone, Copy)]
struct Mul {
    b0: __m512i,
    b1: __m512i,
    b2: __m512i,
    s1: __m512i,
    s2: __m512i,
}

impl Mul {
    /// Lane j multiplies by `p[j]`.
    #[target_feature(enable = "avx512f,avx512ifma")]
    fn lanes(p: &[Fe44; 8]) -> Self {
        let limb = |i: usize| _mm512_set_epi64(
            p[7].0[i] as i64, p[6].0[i] as i64, p[5].0[i] as i64, p[4].0[i] as i64,
            p[3].0[i] as i64, p[2].0[i] as i64, p[1].0[i] as i64, p[0].0[i] as i64,
        ); // prettier-ignore
        let (b0, b1, b2) = (limb(0), limb(1), limb(2));
        let times20 = |x: __m512i| _mm512_add_epi64(_mm512_slli_epi64::<4>(x), _mm512_slli_epi64::<2>(x));
        Mul { b0, b1, b2, s1: times20(b1), s2: times20(b2) }
    }
}

/// Eight accumulators (one per lane), radix 2^44.
#[derive(Clone, Copy)]
struct Acc {
    a0: __m512i,
    a1: __m512i,
    a2: __m512i,
}

/// `acc · m` lane by lane, partially reduced.
#[inline]
#[target_feature(enable = "avx512f,avx512ifma")]
fn mul(acc: &Acc, m: &Mul) -> Acc {
    let z = _mm512_setzero_si512();
    let lo = |x: __m512i, y: __m512i, acc: __m512i| _mm512_madd52lo_epu64(acc, x, y);
    let hi = |x: __m512i, y: __m512i, acc: __m512i| _mm512_madd52hi_epu64(acc, x, y);
    let (a0, a1, a2) = (acc.a0, acc.a1, acc.a2);
    // Column i as lo_i + hi_i · 2^52 (IFMA splits each product at bit 52).
    let l0 = lo(a2, m.s1, lo(a1, m.s2, lo(a0, m.b0, z)));
    let h0 = hi(a2, m.s1, hi(a1, m.s2, hi(a0, m.b0, z)));
    let l1 = lo(a2, m.s2, lo(a1, m.b0, lo(a0, m.b1, z)));
    let h1 = hi(a2, m.s2, hi(a1, m.b0, hi(a0, m.b1, z)));
    let l2 = lo(a2, m.b0, lo(a1, m.b1, lo(a0, m.b2, z)));
    let h2 = hi(a2, m.b0, hi(a1, m.b1, hi(a0, m.b2, z)));
    let m44 = _mm512_set1_epi64(M44 as i64);
    let m42 = _mm512_set1_epi64(M42 as i64);
    // Carry in radix 2^44: hi_i · 2^52 is (hi_i << 8) units of limb i + 1 (limb 2: << 10 units of 2^130).
    let c0 = _mm512_add_epi64(_mm512_srli_epi64::<44>(l0), _mm512_slli_epi64::<8>(h0));
    let t1 = _mm512_add_epi64(l1, c0);
    let c1 = _mm512_add_epi64(_mm512_srli_epi64::<44>(t1), _mm512_slli_epi64::<8>(h1));
    let t2 = _mm512_add_epi64(l2, c1);
    let c2 = _mm512_add_epi64(_mm512_srli_epi64::<42>(t2), _mm512_slli_epi64::<10>(h2));
    // 2^130 ≡ 5.
    let r0 = _mm512_add_epi64(_mm512_and_si512(l0, m44), _mm512_add_epi64(c2, _mm512_slli_epi64::<2>(c2)));
    let r1 = _mm512_add_epi64(_mm512_and_si512(t1, m44), _mm512_srli_epi64::<44>(r0));
    Acc { a0: _mm512_and_si512(r0, m44), a1: r1, a2: _mm512_and_si512(t2, m42) }
}

/// Eight message blocks (128 bytes) as lane limbs, with the 2^128 bit.
#[inline]
#[target_feature(enable = "avx512f,avx512ifma")]
unsafe fn load(p: *const u8) -> Acc {
    // SAFETY: the caller guarantees 128 readable bytes at `p`.
    let (x, y) = unsafe { (_mm512_loadu_si512(p.cast()), _mm512_loadu_si512(p.add(64).cast())) };
    let lo = _mm512_permutex2var_epi64(x, _mm512_set_epi64(14, 12, 10, 8, 6, 4, 2, 0), y);
    let hi = _mm512_permutex2var_epi64(x, _mm512_set_epi64(15, 13, 11, 9, 7, 5, 3, 1), y);
    let m44 = _mm512_set1_epi64(M44 as i64);
    Acc {
        a0: _mm512_and_si512(lo, m44),
        a1: _mm512_and_si512(_mm512_or_si512(_mm512_srli_epi64::<44>(lo), _mm512_slli_epi64::<20>(hi)), m44),
        a2: _mm512_or_si512(_mm512_srli_epi64::<24>(hi), _mm512_set1_epi64(1 << 40)),
    }
}

#[inline]
#[target_feature(enable = "avx512f,avx512ifma")]
fn add(a: &Acc, b: &Acc) -> Acc {
    Acc { a0: _mm512_add_epi64(a.a0, b.a0), a1: _mm512_add_epi64(a.a1, b.a1), a2: _mm512_add_epi64(a.a2, b.a2) }
}

/// Poly1305 over a sequence of 128-byte chunks, one at a time (so a caller can interleave the
/// chunks with other work, e.g. the ChaCha20 rounds of the next batch). The powers of r, the
/// lane multipliers and the accumulator are wiped on drop (copies the compiler makes when the
/// stream moves, or leaves in registers, are not: best effort, as for every kernel's keys).
pub(crate) struct Stream {
    pow: [Fe44; 8],
    r8: Mul,
    acc: Acc,
    h: Fe44,
    started: bool,
}

impl Stream {
    /// A stream continuing from accumulator `h` under key `r`.
    #[target_feature(enable = "avx512f,avx512ifma")]
    pub(crate) fn new(h: Fe44, r: Fe44) -> Self {
        let mut pow = [r; 8];
        for i in 1..8 {
            pow[i] = pow[i - 1].mul(r);
        }
        let z = _mm512_setzero_si512();
        Stream { r8: Mul::lanes(&[pow[7]; 8]), pow, acc: Acc { a0: z, a1: z, a2: z }, h, started: false }
    }

    /// Absorbs the eight blocks (each with the 2^128 bit) at `p`.
    ///
    /// # Safety
    /// `p` must be valid for 128 reads (the CPU features are those of `new`).
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    pub(crate) unsafe fn absorb(&mut self, p: *const u8) {
        // SAFETY: 128 readable bytes (caller contract).
        let m = unsafe { load(p) };
        if self.started {
            self.acc = add(&mul(&self.acc, &self.r8), &m);
        } else {
            // The running accumulator joins the first block (lane 0).
            let h = |i: usize| _mm512_set_epi64(0, 0, 0, 0, 0, 0, 0, self.h.0[i] as i64);
            self.acc = Acc { a0: _mm512_add_epi64(m.a0, h(0)), a1: _mm512_add_epi64(m.a1, h(1)), a2: _mm512_add_epi64(m.a2, h(2)) };
            self.started = true;
        }
    }

    /// The accumulator after every absorbed block (lane j still needs r^(8−j)).
    #[target_feature(enable = "avx512f,avx512ifma")]
    pub(crate) fn finish(&mut self) -> Fe44 {
        if !self.started {
            return self.h;
        }
        let p = &self.pow;
        let mut last = Mul::lanes(&[p[7], p[6], p[5], p[4], p[3], p[2], p[1], p[0]]);
        let mut acc = mul(&self.acc, &last);
        let out = Fe44([_mm512_reduce_add_epi64(acc.a0) as u64, _mm512_reduce_add_epi64(acc.a1) as u64, _mm512_reduce_add_epi64(acc.a2) as u64]);
        wipe_pod(&mut last);
        wipe_pod(&mut acc);
        out
    }
}

/// Zeroes the bytes of a plain-data value (vectors of integers) so the write is not elided.
fn wipe_pod<T: Copy>(x: &mut T) {
    // SAFETY: `T` is plain data (integer vectors) without padding or invariants; all-zero bytes
    // are a valid value, and the slice covers exactly `x`.
    crate::secure::ct::secure_zero(unsafe { std::slice::from_raw_parts_mut((x as *mut T).cast::<u8>(), std::mem::size_of::<T>()) });
}

impl Drop for Stream {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.pow);
        zeroize::Zeroize::zeroize(&mut self.h);
        wipe_pod(&mut self.r8);
        wipe_pod(&mut self.acc);
    }
}

/// Absorbs `chunks` whole 128-byte chunks at `p` (each block with the 2^128 bit) into `h` under
/// the key `r`: `h = (…((h + m1)·r + m2)·r … + mn)·r`, as the scalar loop would.
///
/// # Safety
/// The CPU must have AVX-512F and AVX-512 IFMA; `p` must be valid for `128 · chunks` reads.
#[target_feature(enable = "avx512f,avx512ifma")]
pub(super) unsafe fn blocks(h: Fe44, r: Fe44, p: *const u8, chunks: usize) -> Fe44 {
    let mut s = Stream::new(h, r);
    for k in 0..chunks {
        // SAFETY: chunk k < chunks is readable (caller contract).
        unsafe { s.absorb(p.add(128 * k)) };
    }
    s.finish()
}
