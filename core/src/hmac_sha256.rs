//! HMAC-SHA256 on chaining values (RFC 2104 over FIPS 180-4), using the compression function of
//! the *dispatched* SHA-256 kernel. The key's inner/outer chaining values are computed once; each
//! MAC is then plain Merkle–Damgård over the message — no buffering layer, no state copies — which
//! is what PBKDF2 and HKDF loops need to keep up with the `pbkdf2`/`hmac` crates.

use crate::dispatch::{HashCompressFn, HashKernel};
use crate::kernels::sha256::portable::H0;
use crate::secure::ct::{secure_zero, Wiped};

#[derive(Clone)]
pub(crate) struct HmacSha256 {
    compress: HashCompressFn,
    inner: [u32; 8],
    outer: [u32; 8],
}

fn words_as_bytes(w: &mut [u32; 8]) -> &mut [u8] {
    // SAFETY: [u32; 8] is 32 initialized bytes with no padding; u8 has alignment 1.
    unsafe { std::slice::from_raw_parts_mut(w.as_mut_ptr().cast::<u8>(), 32) }
}

impl HmacSha256 {
    /// `None` if the kernel has no compression entry (then the generic HMAC is used).
    pub(crate) fn new(kernel: &HashKernel, key: &[u8]) -> Option<Self> {
        let compress = kernel.compress?;
        let mut k = Wiped::<64>::new();
        if key.len() > 64 {
            let mut d = Wiped::<32>::new();
            Self::digest_with(compress, H0, 0, &[key], &mut d);
            k[..32].copy_from_slice(&d[..]);
        } else {
            k[..key.len()].copy_from_slice(key);
        }
        let mut pad = Wiped::<64>::new();
        let (mut inner, mut outer) = (H0, H0);
        pad.iter_mut().zip(k.iter()).for_each(|(p, k)| *p = k ^ 0x36);
        // SAFETY: one 64-byte block into an 8-word chaining value.
        unsafe { compress(inner.as_mut_ptr(), pad.as_ptr(), 1) };
        pad.iter_mut().zip(k.iter()).for_each(|(p, k)| *p = k ^ 0x5c);
        // SAFETY: as above.
        unsafe { compress(outer.as_mut_ptr(), pad.as_ptr(), 1) };
        Some(HmacSha256 { compress, inner, outer })
    }

    /// SHA-256 continuation: from chaining value `cv` after `prefix` bytes (a multiple of 64),
    /// absorb the concatenation of `parts`, pad, and write the 32-byte digest.
    fn digest_with(compress: HashCompressFn, mut cv: [u32; 8], prefix: u64, parts: &[&[u8]], out: &mut [u8; 32]) {
        let mut buf = Wiped::<128>::new();
        // `buf` starts zeroed; `dirty` bounds the bytes of it ever written (see the padding).
        let (mut n, mut dirty) = (0usize, 0usize);
        let mut total = prefix;
        for (i, p) in parts.iter().enumerate() {
            let mut p = *p;
            total += p.len() as u64;
            if n > 0 {
                let take = (64 - n).min(p.len());
                buf[n..n + take].copy_from_slice(&p[..take]);
                n += take;
                dirty = dirty.max(n);
                p = &p[take..];
                if n < 64 {
                    continue;
                }
                // SAFETY: one full block in `buf`.
                unsafe { compress(cv.as_mut_ptr(), buf.as_ptr(), 1) };
                // `n` is reset below, where the rest of `p` is buffered.
            }
            let mut full = p.len() / 64;
            // The last part keeps its last whole block back when that block, the tail and the
            // padding fit the two-block buffer: one compression call instead of two.
            if i + 1 == parts.len() && full > 0 && p.len() % 64 < 56 {
                full -= 1;
            }
            if full > 0 {
                // SAFETY: `full` whole blocks of `p`.
                unsafe { compress(cv.as_mut_ptr(), p.as_ptr(), full) };
            }
            let rest = &p[full * 64..];
            buf[..rest.len()].copy_from_slice(rest);
            n = rest.len();
            dirty = dirty.max(n);
        }
        buf[n] = 0x80;
        let blocks = if n < 56 { 1 } else { 2 };
        // The padding's zeros: past `dirty` they are there already. Only bytes a part wrote
        // before its block was compressed can be left over (a fill of the whole padding, of
        // variable length, was ~2 ns of every digest: 4 of a 64-byte HMAC).
        if dirty > n + 1 {
            buf[n + 1..dirty].fill(0);
        }
        buf[64 * blocks - 8..64 * blocks].copy_from_slice(&(total * 8).to_be_bytes());
        // SAFETY: `blocks` (1 or 2) whole blocks in the 128-byte `buf`.
        unsafe { compress(cv.as_mut_ptr(), buf.as_ptr(), blocks) };
        for (o, w) in out.chunks_exact_mut(4).zip(cv) {
            o.copy_from_slice(&w.to_be_bytes());
        }
        secure_zero(words_as_bytes(&mut cv));
    }

    /// HMAC of the concatenation of `parts` into `out` (32 bytes).
    pub(crate) fn mac(&self, parts: &[&[u8]], out: &mut [u8; 32]) {
        self.finish(self.inner, 64, parts, out);
    }

    /// The inner chaining value after the key block: where a stream starts.
    pub(crate) fn inner_cv(&self) -> [u32; 8] {
        self.inner
    }

    /// A stream's step: compresses the whole 64-byte blocks of `blocks` into `cv`.
    pub(crate) fn absorb(&self, cv: &mut [u32; 8], blocks: &[u8]) {
        debug_assert_eq!(blocks.len() % 64, 0);
        // SAFETY: whole 64-byte blocks into an 8-word chaining value.
        unsafe { (self.compress)(cv.as_mut_ptr(), blocks.as_ptr(), blocks.len() / 64) };
    }

    /// The tag, from the inner chaining value `cv` after `absorbed` bytes (the key block
    /// included; a multiple of 64) and the rest of the message in `parts`.
    pub(crate) fn finish(&self, cv: [u32; 8], absorbed: u64, parts: &[&[u8]], out: &mut [u8; 32]) {
        let mut d = Wiped::<32>::new();
        Self::digest_with(self.compress, cv, absorbed, parts, &mut d);
        Self::digest_with(self.compress, self.outer, 64, &[&d[..]], out);
    }
}

impl HmacSha256 {
    /// PBKDF2's F(P, S, c, i) (RFC 8018 §5.2) for HMAC-SHA256: after U1, every U_j is an HMAC of a
    /// 32-byte message, i.e. exactly one padded block for the inner and for the outer hash, so
    /// the block layout is built once and each iteration is two compressions.
    pub(crate) fn pbkdf2_block(&self, salt: &[u8], index: u32, iterations: u32, out: &mut [u8; 32]) {
        let mut u = Wiped::<32>::new();
        self.mac(&[salt, &index.to_be_bytes()], &mut u);
        let mut acc = Wiped::<32>::new();
        acc.copy_from_slice(&u[..]);
        let mut blk = Wiped::<64>::new();
        blk[32] = 0x80;
        blk[56..].copy_from_slice(&((64u64 + 32) * 8).to_be_bytes());
        let mut cv = [0u32; 8];
        for _ in 1..iterations {
            blk[..32].copy_from_slice(&u[..]);
            cv = self.inner;
            // SAFETY: one 64-byte block into an 8-word chaining value.
            unsafe { (self.compress)(cv.as_mut_ptr(), blk.as_ptr(), 1) };
            for (o, w) in blk[..32].chunks_exact_mut(4).zip(cv) {
                o.copy_from_slice(&w.to_be_bytes());
            }
            cv = self.outer;
            // SAFETY: as above.
            unsafe { (self.compress)(cv.as_mut_ptr(), blk.as_ptr(), 1) };
            for ((o, a), w) in u.chunks_exact_mut(4).zip(acc.chunks_exact_mut(4)).zip(cv) {
                let b = w.to_be_bytes();
                o.copy_from_slice(&b);
                a.iter_mut().zip(b).for_each(|(a, b)| *a ^= b);
            }
        }
        secure_zero(words_as_bytes(&mut cv));
        out.copy_from_slice(&acc[..]);
    }
}

impl std::fmt::Debug for HmacSha256 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HmacSha256 { <redacted> }")
    }
}

impl Drop for HmacSha256 {
    fn drop(&mut self) {
        secure_zero(words_as_bytes(&mut self.inner));
        secure_zero(words_as_bytes(&mut self.outer));
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::HmacSha256;
    use hmac::{KeyInit, Mac};

    /// `m` cut after each length in `cuts` (clamped to what is left), then the rest: the parts of
    /// a message as the HMAC tests feed them.
    pub(crate) fn parts_at<'a>(m: &'a [u8], cuts: &[usize]) -> Vec<&'a [u8]> {
        let (mut parts, mut rest) = (Vec::new(), m);
        for &c in cuts {
            let (head, tail) = rest.split_at(c.min(rest.len()));
            parts.push(head);
            rest = tail;
        }
        parts.push(rest);
        parts
    }

    /// The MAC of a message given in parts equals the `hmac` crate's, for splits that leave
    /// message bytes in the buffer past the final tail (a part's bytes buffered, compressed as a
    /// full block, then a shorter tail): the padding must zero them.
    #[test]
    fn parts_match_the_crate() {
        let k = crate::hash::kernel_for(crate::Alg::Sha256).unwrap();
        let key = [0x0bu8; 20];
        let hm = HmacSha256::new(&k, &key).expect("built-in kernels have a compression entry");
        let msg: Vec<u8> = (0..400u32).map(|i| (i * 7 + 3) as u8).collect();
        let splits: [&[usize]; 8] = [&[], &[1], &[63], &[60, 10], &[50, 20, 1], &[10, 54, 1], &[100, 30, 2], &[1, 62, 64, 3]];
        for len in [0usize, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 129, 200, 400] {
            let m = &msg[..len];
            for cuts in splits {
                let parts = parts_at(m, cuts);
                let mut got = [0u8; 32];
                hm.mac(&parts, &mut got);
                let mut want = <hmac::Hmac<sha2::Sha256>>::new_from_slice(&key).unwrap();
                want.update(m);
                assert_eq!(got[..], want.finalize().into_bytes()[..], "len {len} cuts {cuts:?}");
            }
        }
    }
}
