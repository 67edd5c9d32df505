//! HMAC-SHA384 / HMAC-SHA512 (RFC 2104 over FIPS 180-4) on chaining values, using the
//! compression entry of the *dispatched* SHA-384/512 kernel; the twin of `hmac_sha256`. The
//! key's inner/outer chaining values are computed once; each MAC is then plain Merkle–Damgård
//! over the message: a short message costs four compressions, as in the `hmac` crate, with no
//! buffering layer and no hash-state blobs (the generic path's stack `HashState`s and their wipes
//! made HMAC-SHA512 at 64 B ~6% slower than that crate, and HKDF-SHA512 1.33× slower than `hkdf`).

use crate::dispatch::{HashCompressFn, HashKernel};
use crate::secure::ct::{secure_zero, Wiped};

const BLOCK: usize = 128;

fn words_as_bytes(w: &mut [u64; 8]) -> &mut [u8] {
    // SAFETY: [u64; 8] is 64 initialized bytes with no padding; u8 has alignment 1.
    unsafe { std::slice::from_raw_parts_mut(w.as_mut_ptr().cast::<u8>(), 64) }
}

#[derive(Clone)]
pub(crate) struct HmacSha512 {
    compress: HashCompressFn,
    inner: [u64; 8],
    outer: [u64; 8],
    /// Digest (and tag) bytes: 48 for SHA-384, 64 for SHA-512.
    len: usize,
}

impl HmacSha512 {
    /// `None` if the kernel has no compression entry (then the generic HMAC is used). `iv` is the
    /// hash's initial value and `len` its digest length.
    pub(crate) fn new(kernel: &HashKernel, iv: &[u64; 8], len: usize, key: &[u8]) -> Option<Self> {
        debug_assert!(len == 48 || len == 64);
        let compress = kernel.compress?;
        let mut k = Wiped::<BLOCK>::new();
        if key.len() > BLOCK {
            digest_with(compress, *iv, 0, &[key], &mut k[..len]);
        } else {
            k[..key.len()].copy_from_slice(key);
        }
        let mut pad = Wiped::<BLOCK>::new();
        let (mut inner, mut outer) = (*iv, *iv);
        pad.iter_mut().zip(k.iter()).for_each(|(p, k)| *p = k ^ 0x36);
        run(compress, &mut inner, &pad[..]);
        pad.iter_mut().zip(k.iter()).for_each(|(p, k)| *p = k ^ 0x5c);
        run(compress, &mut outer, &pad[..]);
        Some(HmacSha512 { compress, inner, outer, len })
    }

    /// HMAC of the concatenation of `parts` into `out` (the tag length).
    pub(crate) fn mac(&self, parts: &[&[u8]], out: &mut [u8]) {
        self.finish(self.inner, BLOCK as u64, parts, out);
    }

    /// The inner chaining value after the key block: where a stream starts.
    pub(crate) fn inner_cv(&self) -> [u64; 8] {
        self.inner
    }

    /// A stream's step: compresses the whole 128-byte blocks of `blocks` into `cv`.
    pub(crate) fn absorb(&self, cv: &mut [u64; 8], blocks: &[u8]) {
        run(self.compress, cv, blocks);
    }

    /// The tag (`out` is the tag length), from the inner chaining value `cv` after `absorbed`
    /// bytes (the key block included; a multiple of 128) and the rest of the message in `parts`.
    pub(crate) fn finish(&self, cv: [u64; 8], absorbed: u64, parts: &[&[u8]], out: &mut [u8]) {
        let mut d = Wiped::<64>::new();
        digest_with(self.compress, cv, absorbed, parts, &mut d[..self.len]);
        digest_with(self.compress, self.outer, BLOCK as u64, &[&d[..self.len]], out);
    }

    /// PBKDF2's F(P, S, c, i) (RFC 8018 §5.2): after U1 every U_j is the HMAC of one digest, i.e.
    /// one padded block for the inner and for the outer hash, built once; two compressions an
    /// iteration. `out` is the tag length.
    pub(crate) fn pbkdf2_block(&self, salt: &[u8], index: u32, iterations: u32, out: &mut [u8]) {
        let n = self.len;
        let mut u = Wiped::<64>::new();
        self.mac(&[salt, &index.to_be_bytes()], &mut u[..n]);
        let mut acc = Wiped::<64>::new();
        acc[..n].copy_from_slice(&u[..n]);
        let mut blk = Wiped::<BLOCK>::new();
        blk[n] = 0x80;
        blk[BLOCK - 16..].copy_from_slice(&(((BLOCK + n) as u128) * 8).to_be_bytes());
        let mut cv = [0u64; 8];
        for _ in 1..iterations {
            blk[..n].copy_from_slice(&u[..n]);
            cv = self.inner;
            run(self.compress, &mut cv, &blk[..]);
            for (o, w) in blk[..n].chunks_exact_mut(8).zip(cv) {
                o.copy_from_slice(&w.to_be_bytes());
            }
            cv = self.outer;
            run(self.compress, &mut cv, &blk[..]);
            for ((o, a), w) in u[..n].chunks_exact_mut(8).zip(acc.chunks_exact_mut(8)).zip(cv) {
                let b = w.to_be_bytes();
                o.copy_from_slice(&b);
                a.iter_mut().zip(b).for_each(|(a, b)| *a ^= b);
            }
        }
        secure_zero(words_as_bytes(&mut cv));
        out.copy_from_slice(&acc[..n]);
    }
}

/// Runs `compress` on the whole 128-byte blocks of `blocks` into `cv`.
fn run(compress: HashCompressFn, cv: &mut [u64; 8], blocks: &[u8]) {
    debug_assert_eq!(blocks.len() % BLOCK, 0);
    // SAFETY: `cv` is 8 aligned u64 words and `blocks` whole 128-byte blocks (kernel ABI
    // contract of the SHA-384/512 compression entry).
    unsafe { compress(cv.as_mut_ptr().cast::<u32>(), blocks.as_ptr(), blocks.len() / BLOCK) }
}

/// SHA-384/512 continuation: from chaining value `cv` after `prefix` bytes (a multiple of 128),
/// absorbs the concatenation of `parts`, pads, and writes the first `out.len()` digest bytes.
fn digest_with(compress: HashCompressFn, mut cv: [u64; 8], prefix: u64, parts: &[&[u8]], out: &mut [u8]) {
    let mut buf = Wiped::<{ 2 * BLOCK }>::new();
    // `buf` starts zeroed; `dirty` bounds the bytes of it ever written (see the padding).
    let (mut n, mut dirty) = (0usize, 0usize);
    let mut total = u128::from(prefix);
    for (i, p) in parts.iter().enumerate() {
        let mut p = *p;
        total += p.len() as u128;
        if n > 0 {
            let take = (BLOCK - n).min(p.len());
            buf[n..n + take].copy_from_slice(&p[..take]);
            n += take;
            dirty = dirty.max(n);
            p = &p[take..];
            if n < BLOCK {
                continue;
            }
            run(compress, &mut cv, &buf[..BLOCK]);
            // `n` is reset below, where the rest of `p` is buffered.
        }
        let mut full = p.len() - p.len() % BLOCK;
        // The last part keeps its last whole block back when that block, the tail and the
        // padding fit the two-block buffer: one compression call instead of two.
        if i + 1 == parts.len() && full > 0 && p.len() % BLOCK < BLOCK - 16 {
            full -= BLOCK;
        }
        if full > 0 {
            run(compress, &mut cv, &p[..full]);
        }
        let rest = &p[full..];
        buf[..rest.len()].copy_from_slice(rest);
        n = rest.len();
        dirty = dirty.max(n);
    }
    buf[n] = 0x80;
    let used = if n < BLOCK - 16 { BLOCK } else { 2 * BLOCK };
    // The padding's zeros: past `dirty` they are there already (as in `hmac_sha256`).
    if dirty > n + 1 {
        buf[n + 1..dirty].fill(0);
    }
    buf[used - 16..used].copy_from_slice(&(total * 8).to_be_bytes());
    run(compress, &mut cv, &buf[..used]);
    for (o, w) in out.chunks_exact_mut(8).zip(cv) {
        o.copy_from_slice(&w.to_be_bytes());
    }
    secure_zero(words_as_bytes(&mut cv));
}

impl std::fmt::Debug for HmacSha512 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HmacSha512 { <redacted> }")
    }
}

impl Drop for HmacSha512 {
    fn drop(&mut self) {
        secure_zero(words_as_bytes(&mut self.inner));
        secure_zero(words_as_bytes(&mut self.outer));
    }
}

#[cfg(test)]
mod tests {
    use super::HmacSha512;
    use crate::hmac_sha256::tests::parts_at;
    use crate::kernels::sha512::{H384, H512};
    use hmac::{KeyInit, Mac};

    /// As `hmac_sha256`'s test: messages in parts that leave buffered bytes past the final tail,
    /// against the `hmac` crate, for HMAC-SHA512 and HMAC-SHA384.
    #[test]
    fn parts_match_the_crate() {
        let key = [0x0bu8; 20];
        let msg: Vec<u8> = (0..700u32).map(|i| (i * 7 + 3) as u8).collect();
        let splits: [&[usize]; 7] = [&[], &[1], &[127], &[120, 10], &[100, 40, 1], &[20, 108, 1], &[200, 60, 2]];
        for (alg, iv, len) in [(crate::Alg::Sha512, &H512, 64usize), (crate::Alg::Sha384, &H384, 48)] {
            let k = crate::hash::kernel_for(alg).unwrap();
            let hm = HmacSha512::new(&k, iv, len, &key).expect("built-in kernels have a compression entry");
            for n in [0usize, 1, 111, 112, 127, 128, 129, 239, 240, 255, 256, 257, 400, 700] {
                let m = &msg[..n];
                for cuts in splits {
                    let parts = parts_at(m, cuts);
                    let mut got = vec![0u8; len];
                    hm.mac(&parts, &mut got);
                    let want = if len == 64 {
                        let mut h = <hmac::Hmac<sha2::Sha512>>::new_from_slice(&key).unwrap();
                        h.update(m);
                        h.finalize().into_bytes().to_vec()
                    } else {
                        let mut h = <hmac::Hmac<sha2::Sha384>>::new_from_slice(&key).unwrap();
                        h.update(m);
                        h.finalize().into_bytes().to_vec()
                    };
                    assert_eq!(got, want, "{alg:?} len {n} cuts {cuts:?}");
                }
            }
        }
    }
}
