//! Poly1305 with 64-bit limbs and 128-bit products (the "donna-64" shape): two limbs for r, three
//! for the accumulator, one multiply-and-partially-reduce per 16-byte block. Its fixed cost is a
//! few dozen cycles (no power table to precompute), so short messages — most AEAD calls — are
//! faster here than with a vectorised Poly1305, whose key setup dominates below a few hundred bytes.
//!
//! Constant time: no branches or memory indices depend on the key, the accumulator or the
//! message; the final reduction selects with a mask; the 64×64→128 multiplications are
//! constant-time on x86-64 and AArch64.

use crate::secure::ct::secure_zero;

/// Fewest 128-byte chunks worth the IFMA path: below 640 bytes the power table (seven scalar
/// multiplies) costs more than the eight-way blocks save (ChaCha20-Poly1305 seal at 256–1024 B,
/// `scripts/bench-compare.sh --only chacha-seal`, BENCHMARKS.md; it was 2 before that
/// measurement).
#[cfg(target_arch = "x86_64")]
pub const IFMA_MIN_CHUNKS: usize = 5;

/// Poly1305 state for messages processed as whole 16-byte blocks (the AEAD's padded blocks), with
/// an optional unpadded final block. Wiped on drop.
#[derive(zeroize::Zeroize, zeroize::ZeroizeOnDrop)]
pub struct Poly1305 {
    r0: u64,
    r1: u64,
    /// `r1 + r1/4` = 5·r1/4 (r1 is a multiple of 4 after clamping): folds 2^130 ≡ 5.
    s1: u64,
    h0: u64,
    h1: u64,
    h2: u64,
    pad0: u64,
    pad1: u64,
}

fn le64(b: &[u8]) -> u64 {
    u64::from_le_bytes(b[..8].try_into().expect("8 bytes"))
}

impl Poly1305 {
    /// A MAC keyed with the one-time key `key` (r ‖ s, RFC 8439 §2.5).
    pub fn new(key: &[u8; 32]) -> Self {
        let r0 = le64(&key[0..8]) & 0x0fff_fffc_0fff_ffff;
        let r1 = le64(&key[8..16]) & 0x0fff_fffc_0fff_fffc;
        Poly1305 { r0, r1, s1: r1 + (r1 >> 2), h0: 0, h1: 0, h2: 0, pad0: le64(&key[16..24]), pad1: le64(&key[24..32]) }
    }

    /// Absorbs one block `m0 + m1·2^64 + hibit·2^128`.
    #[inline(always)]
    fn block(&mut self, m0: u64, m1: u64, hibit: u64) {
        let (h0, c) = self.h0.overflowing_add(m0);
        let (h1, c1) = self.h1.overflowing_add(m1);
        let (h1, c2) = h1.overflowing_add(u64::from(c));
        let h2 = self.h2 + u64::from(c1) + u64::from(c2) + hibit;
        let (r0, r1, s1) = (u128::from(self.r0), u128::from(self.r1), u128::from(self.s1));
        // h·r mod 2^130 − 5 with r1·2^128 ≡ s1: bounded by 2^126 per column.
        let d0 = u128::from(h0) * r0 + u128::from(h1) * s1;
        let d1 = u128::from(h0) * r1 + u128::from(h1) * r0 + u128::from(h2) * s1 + (d0 >> 64);
        let d2 = h2 * self.r0 + (d1 >> 64) as u64;
        // Partial reduction: the bits from 2^130 up, times 5, back into the low limb.
        let c = (d2 >> 2) * 5;
        let (h0, k) = (d0 as u64).overflowing_add(c);
        let (h1, k) = (d1 as u64).overflowing_add(u64::from(k));
        self.h0 = h0;
        self.h1 = h1;
        self.h2 = (d2 & 3) + u64::from(k);
    }

    /// Absorbs `data` zero-padded to a multiple of 16 bytes (RFC 8439 §2.8 `pad16`): every block
    /// gets the 2^128 bit.
    pub fn update_padded(&mut self, data: &[u8]) {
        self.absorb(data, true);
    }

    /// [`Self::update_padded`], with whole 128-byte chunks on AVX-512 IFMA (eight blocks per
    /// step) once there are at least [`IFMA_MIN_CHUNKS`] of them: below that the power table
    /// (seven scalar multiplies) costs more than it saves.
    ///
    /// # Safety
    /// The CPU must have AVX-512F and AVX-512 IFMA.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512ifma")]
    pub unsafe fn update_padded_ifma(&mut self, mut data: &[u8]) {
        let chunks = data.len() / 128;
        if chunks >= IFMA_MIN_CHUNKS {
            use super::x86_ifma::{blocks, Fe44};
            use zeroize::Zeroize;
            let mut r = Fe44::from_64(self.r0, self.r1, 0);
            let h = Fe44::from_64(self.h0, self.h1, self.h2);
            // SAFETY: the caller guarantees the CPU features; `data` holds `chunks` whole chunks.
            let mut h = unsafe { blocks(h, r, data.as_ptr(), chunks) };
            (self.h0, self.h1, self.h2) = h.to_64();
            r.zeroize();
            h.zeroize();
            data = &data[128 * chunks..];
        }
        self.update_padded(data)
    }

    /// A chunk-at-a-time IFMA stream continuing from this state (give it back with
    /// [`Self::resume_from`]).
    ///
    /// # Safety
    /// The CPU must have AVX-512F and AVX-512 IFMA.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512ifma")]
    pub(crate) unsafe fn ifma_stream(&self) -> super::x86_ifma::Stream {
        use super::x86_ifma::{Fe44, Stream};
        use zeroize::Zeroize;
        let mut r = Fe44::from_64(self.r0, self.r1, 0);
        let s = Stream::new(Fe44::from_64(self.h0, self.h1, self.h2), r);
        r.zeroize();
        s
    }

    /// Takes the accumulator back from a stream made by [`Self::ifma_stream`].
    ///
    /// # Safety
    /// As [`Self::ifma_stream`].
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512ifma")]
    pub(crate) unsafe fn resume_from(&mut self, mut s: super::x86_ifma::Stream) {
        (self.h0, self.h1, self.h2) = s.finish().to_64();
    }

    /// Absorbs the AEAD's length block (`aad_len ‖ ct_len`, little-endian u64s).
    pub fn update_lengths(&mut self, aad_len: u64, ct_len: u64) {
        self.block(aad_len, ct_len, 1);
    }

    /// Absorbs `data` as a plain Poly1305 message (RFC 8439 §2.5): whole blocks, then a final
    /// partial block with a 1 byte appended and no 2^128 bit. Call once, last.
    pub fn update_unpadded_final(&mut self, data: &[u8]) {
        self.absorb(data, false);
    }

    /// Whole blocks with the 2^128 bit, then a final partial block: zero-padded with the 2^128
    /// bit (`padded`, the AEAD's `pad16`) or with a 1 byte appended and no 2^128 bit (plain MAC).
    fn absorb(&mut self, data: &[u8], padded: bool) {
        let (blocks, rest) = data.as_chunks::<16>();
        for b in blocks {
            self.block(le64(&b[..8]), le64(&b[8..]), 1);
        }
        if !rest.is_empty() {
            let mut last = [0u8; 16];
            last[..rest.len()].copy_from_slice(rest);
            if !padded {
                last[rest.len()] = 1;
            }
            self.block(le64(&last[..8]), le64(&last[8..]), u64::from(padded));
            secure_zero(&mut last);
        }
    }

    /// The tag: h fully reduced mod 2^130 − 5 (constant-time select), plus s mod 2^128.
    pub fn finalize(self) -> [u8; 16] {
        let (mut h0, mut h1, mut h2) = (self.h0, self.h1, self.h2);
        // One more carry pass brings h below 2^130 + small.
        let c = (h2 >> 2) * 5;
        h2 &= 3;
        let (t, k) = h0.overflowing_add(c);
        h0 = t;
        let (t, k) = h1.overflowing_add(u64::from(k));
        h1 = t;
        h2 += u64::from(k);
        // g = h + 5; if g ≥ 2^130 then h ≥ p and h − p = g − 2^130.
        let (g0, k) = h0.overflowing_add(5);
        let (g1, k) = h1.overflowing_add(u64::from(k));
        let g2 = h2 + u64::from(k);
        let mask = 0u64.wrapping_sub(g2 >> 2);
        h0 = (h0 & !mask) | (g0 & mask);
        h1 = (h1 & !mask) | (g1 & mask);
        let (t0, k) = h0.overflowing_add(self.pad0);
        let t1 = h1.wrapping_add(self.pad1).wrapping_add(u64::from(k));
        let mut out = [0u8; 16];
        out[..8].copy_from_slice(&t0.to_le_bytes());
        out[8..].copy_from_slice(&t1.to_le_bytes());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::Poly1305;
    use poly1305::universal_hash::{KeyInit, UniversalHash};

    /// RFC 8439 §2.5.2.
    #[test]
    fn rfc8439_example() {
        let key: [u8; 32] = [
            0x85, 0xd6, 0xbe, 0x78, 0x57, 0x55, 0x6d, 0x33, 0x7f, 0x44, 0x52, 0xfe, 0x42, 0xd5, 0x06, 0xa8, 0x01, 0x03, 0x80, 0x8a, 0xfb, 0x0d,
            0xb2, 0xfd, 0x4a, 0xbf, 0xf6, 0xaf, 0x41, 0x49, 0xf5, 0x1b,
        ];
        let mut p = Poly1305::new(&key);
        p.update_unpadded_final(b"Cryptographic Forum Research Group");
        let want = [0xa8, 0x06, 0x1d, 0xc1, 0x30, 0x51, 0x36, 0xc6, 0xc2, 0x2b, 0x8b, 0xaf, 0x0c, 0x01, 0x27, 0xa9];
        assert_eq!(p.finalize(), want);
    }

    /// Against the `poly1305` crate on random keys and messages (padded AEAD mode and plain MAC),
    /// plus keys and messages of all-ones bytes, which push every limb to its bound.
    #[test]
    fn matches_the_crate() {
        let mut seed = 7u64;
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as u8
        };
        for len in (0..600).chain([1024, 4095, 4096, 65537]) {
            for extreme in [false, true] {
                let key: [u8; 32] = std::array::from_fn(|_| if extreme { 0xff } else { next() });
                let msg: Vec<u8> = (0..len).map(|_| if extreme { 0xff } else { next() }).collect();
                let mut ours = Poly1305::new(&key);
                ours.update_unpadded_final(&msg);
                let theirs = poly1305::Poly1305::new((&key).into()).compute_unpadded(&msg);
                assert_eq!(ours.finalize(), <[u8; 16]>::from(theirs), "plain, len {len}, extreme {extreme}");
                let mut ours = Poly1305::new(&key);
                ours.update_padded(&msg);
                ours.update_lengths(len as u64, 3);
                let mut c = poly1305::Poly1305::new((&key).into());
                c.update_padded(&msg);
                let mut lens = [0u8; 16];
                lens[..8].copy_from_slice(&(len as u64).to_le_bytes());
                lens[8..].copy_from_slice(&3u64.to_le_bytes());
                c.update(&[lens.into()]);
                assert_eq!(ours.finalize(), <[u8; 16]>::from(c.finalize()), "padded, len {len}, extreme {extreme}");
            }
        }
    }

    /// The IFMA path against the scalar one: every length to 2100 and some long ones, random and
    /// all-ones keys and messages (limb bounds), after a non-empty AAD (non-zero starting h).
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn ifma_matches_scalar() {
        if !(std::arch::is_x86_feature_detected!("avx512f") && std::arch::is_x86_feature_detected!("avx512ifma")) {
            eprintln!("skipped: no AVX-512 IFMA");
            return;
        }
        let mut seed = 11u64;
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as u8
        };
        for len in (0..2100).chain([4096, 4097, 16384 + 15, 65536 + 128]) {
            for extreme in [false, true] {
                let key: [u8; 32] = std::array::from_fn(|_| if extreme { 0xff } else { next() });
                let aad: Vec<u8> = (0..len % 37).map(|_| if extreme { 0xff } else { next() }).collect();
                let msg: Vec<u8> = (0..len).map(|_| if extreme { 0xff } else { next() }).collect();
                let mut want = Poly1305::new(&key);
                want.update_padded(&aad);
                want.update_padded(&msg);
                want.update_lengths(aad.len() as u64, len as u64);
                let mut got = Poly1305::new(&key);
                // SAFETY: AVX-512F and IFMA detected above.
                unsafe {
                    got.update_padded_ifma(&aad);
                    got.update_padded_ifma(&msg);
                }
                got.update_lengths(aad.len() as u64, len as u64);
                assert_eq!(got.finalize(), want.finalize(), "len {len}, extreme {extreme}");
            }
        }
    }
}
