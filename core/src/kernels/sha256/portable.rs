//! Portable scalar SHA-256 compression function (FIPS 180-4, §6.2).
//!
//! This module only provides the block compression function and the initial
//! hash value; padding and length encoding are the caller's responsibility.
//! The implementation is branch-free with respect to the data and uses no
//! data-dependent table lookups, so it runs in constant time.

/// Initial hash value H(0) (FIPS 180-4, §5.3.3).
pub const H0: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

/// Round constants K (FIPS 180-4, §4.2.2).
pub(super) const K: [u32; 64] = [
    0x428a_2f98,
    0x7137_4491,
    0xb5c0_fbcf,
    0xe9b5_dba5,
    0x3956_c25b,
    0x59f1_11f1,
    0x923f_82a4,
    0xab1c_5ed5,
    0xd807_aa98,
    0x1283_5b01,
    0x2431_85be,
    0x550c_7dc3,
    0x72be_5d74,
    0x80de_b1fe,
    0x9bdc_06a7,
    0xc19b_f174,
    0xe49b_69c1,
    0xefbe_4786,
    0x0fc1_9dc6,
    0x240c_a1cc,
    0x2de9_2c6f,
    0x4a74_84aa,
    0x5cb0_a9dc,
    0x76f9_88da,
    0x983e_5152,
    0xa831_c66d,
    0xb003_27c8,
    0xbf59_7fc7,
    0xc6e0_0bf3,
    0xd5a7_9147,
    0x06ca_6351,
    0x1429_2967,
    0x27b7_0a85,
    0x2e1b_2138,
    0x4d2c_6dfc,
    0x5338_0d13,
    0x650a_7354,
    0x766a_0abb,
    0x81c2_c92e,
    0x9272_2c85,
    0xa2bf_e8a1,
    0xa81a_664b,
    0xc24b_8b70,
    0xc76c_51a3,
    0xd192_e819,
    0xd699_0624,
    0xf40e_3585,
    0x106a_a070,
    0x19a4_c116,
    0x1e37_6c08,
    0x2748_774c,
    0x34b0_bcb5,
    0x391c_0cb3,
    0x4ed8_aa4a,
    0x5b9c_ca4f,
    0x682e_6ff3,
    0x748f_82ee,
    0x78a5_636f,
    0x84c8_7814,
    0x8cc7_0208,
    0x90be_fffa,
    0xa450_6ceb,
    0xbef9_a3f7,
    0xc671_78f2,
];

#[inline(always)]
fn big_sigma0(x: u32) -> u32 {
    x.rotate_right(2) ^ x.rotate_right(13) ^ x.rotate_right(22)
}

#[inline(always)]
fn big_sigma1(x: u32) -> u32 {
    x.rotate_right(6) ^ x.rotate_right(11) ^ x.rotate_right(25)
}

#[inline(always)]
fn small_sigma0(x: u32) -> u32 {
    x.rotate_right(7) ^ x.rotate_right(18) ^ (x >> 3)
}

#[inline(always)]
fn small_sigma1(x: u32) -> u32 {
    x.rotate_right(17) ^ x.rotate_right(19) ^ (x >> 10)
}

#[inline(always)]
fn ch(x: u32, y: u32, z: u32) -> u32 {
    // (x & y) ^ (!x & z), written with one fewer operation.
    z ^ (x & (y ^ z))
}

#[inline(always)]
fn maj(x: u32, y: u32, z: u32) -> u32 {
    (x & y) | (z & (x | y))
}

/// Compress one 64-byte block into `state`.
#[inline(always)]
fn compress_block(state: &mut [u32; 8], block: &[u8; 64]) {
    let mut w = [0u32; 64];
    for (i, word) in block.chunks_exact(4).enumerate() {
        w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
    }
    for t in 16..64 {
        w[t] = small_sigma1(w[t - 2])
            .wrapping_add(w[t - 7])
            .wrapping_add(small_sigma0(w[t - 15]))
            .wrapping_add(w[t - 16]);
    }

    let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h] = *state;
    for t in 0..64 {
        let t1 = h
            .wrapping_add(big_sigma1(e))
            .wrapping_add(ch(e, f, g))
            .wrapping_add(K[t])
            .wrapping_add(w[t]);
        let t2 = big_sigma0(a).wrapping_add(maj(a, b, c));
        h = g;
        g = f;
        f = e;
        e = d.wrapping_add(t1);
        d = c;
        c = b;
        b = a;
        a = t1.wrapping_add(t2);
    }

    state[0] = state[0].wrapping_add(a);
    state[1] = state[1].wrapping_add(b);
    state[2] = state[2].wrapping_add(c);
    state[3] = state[3].wrapping_add(d);
    state[4] = state[4].wrapping_add(e);
    state[5] = state[5].wrapping_add(f);
    state[6] = state[6].wrapping_add(g);
    state[7] = state[7].wrapping_add(h);
}

/// Run the SHA-256 compression function over every 64-byte block in `blocks`.
///
/// `blocks.len()` must be a multiple of 64; any trailing partial block is
/// ignored in release builds (and trips a debug assertion in debug builds).
pub fn compress(state: &mut [u32; 8], blocks: &[u8]) {
    debug_assert!(
        blocks.len().is_multiple_of(64),
        "SHA-256 input must be whole 64-byte blocks"
    );
    for chunk in blocks.chunks_exact(64) {
        let block: &[u8; 64] = chunk
            .try_into()
            .expect("chunks_exact yields 64-byte chunks");
        compress_block(state, block);
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::prelude::rust_2021::*;
    use std::vec;

    use super::{compress, H0};
    use sha2::Digest;

    /// Small deterministic PRNG (SplitMix64) so the tests need no RNG crate.
    struct TestRng(u64);

    impl TestRng {
        fn next_u64(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        }
        fn fill(&mut self, buf: &mut [u8]) {
            for b in buf.iter_mut() {
                *b = self.next_u64() as u8;
            }
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// Streaming wrapper used only by the tests: buffers, pads, compresses.
    struct Sha256 {
        state: [u32; 8],
        buf: [u8; 64],
        buf_len: usize,
        total: u64,
    }

    impl Sha256 {
        fn new() -> Self {
            Sha256 {
                state: H0,
                buf: [0; 64],
                buf_len: 0,
                total: 0,
            }
        }

        fn update(&mut self, mut data: &[u8]) {
            self.total += data.len() as u64;
            if self.buf_len > 0 {
                let take = core::cmp::min(64 - self.buf_len, data.len());
                self.buf[self.buf_len..self.buf_len + take].copy_from_slice(&data[..take]);
                self.buf_len += take;
                data = &data[take..];
                if self.buf_len == 64 {
                    compress(&mut self.state, &self.buf);
                    self.buf_len = 0;
                }
            }
            let whole = data.len() / 64 * 64;
            compress(&mut self.state, &data[..whole]);
            let rest = &data[whole..];
            self.buf[..rest.len()].copy_from_slice(rest);
            self.buf_len += rest.len();
        }

        fn finalize(mut self) -> [u8; 32] {
            let bit_len = self.total.wrapping_mul(8);
            let mut pad = [0u8; 128];
            pad[..self.buf_len].copy_from_slice(&self.buf[..self.buf_len]);
            pad[self.buf_len] = 0x80;
            let n = if self.buf_len < 56 { 64 } else { 128 };
            pad[n - 8..n].copy_from_slice(&bit_len.to_be_bytes());
            compress(&mut self.state, &pad[..n]);
            let mut out = [0u8; 32];
            for (o, w) in out.chunks_exact_mut(4).zip(self.state.iter()) {
                o.copy_from_slice(&w.to_be_bytes());
            }
            out
        }
    }

    fn ours(data: &[u8]) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(data);
        h.finalize()
    }

    fn oracle(data: &[u8]) -> [u8; 32] {
        let d = sha2::Sha256::digest(data);
        let mut out = [0u8; 32];
        out.copy_from_slice(&d);
        out
    }

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn fips_180_4_vectors() {
        assert_eq!(
            ours(b"abc").to_vec(),
            hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        );
        assert_eq!(
            ours(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq").to_vec(),
            hex("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        );
        assert_eq!(
            ours(b"").to_vec(),
            hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        );
    }

    #[test]
    fn compress_matches_single_block_padding() {
        // Directly exercise `compress` on a hand-padded "abc" block.
        let mut block = [0u8; 64];
        block[..3].copy_from_slice(b"abc");
        block[3] = 0x80;
        block[63] = 24;
        let mut st = H0;
        compress(&mut st, &block);
        assert_eq!(st[0], 0xba78_16bf);
        assert_eq!(st[7], 0xf200_15ad);
        // Empty input leaves the state untouched.
        let mut st2 = H0;
        compress(&mut st2, &[]);
        assert_eq!(st2, H0);
    }

    #[test]
    fn random_lengths_vs_sha2() {
        let mut rng = TestRng(0x5348_4132_3536_0001);
        let mut data = vec![0u8; 65537 + 16];
        rng.fill(&mut data);
        for len in 0..=4096usize {
            // Unaligned start offset in 0..8.
            let off = len % 8;
            let msg = &data[off..off + len];
            assert_eq!(ours(msg), oracle(msg), "len {len}");
        }
        for &len in &[8191usize, 8192, 8193, 65535, 65536, 65537] {
            let msg = &data[3..3 + len];
            assert_eq!(ours(msg), oracle(msg), "len {len}");
        }
    }

    #[test]
    fn random_splits_vs_sha2() {
        let mut rng = TestRng(0x5348_4132_3536_0002);
        let mut data = vec![0u8; 10_000];
        rng.fill(&mut data);
        for _ in 0..300 {
            let len = rng.below(data.len() + 1);
            let msg = &data[..len];
            let mut h = Sha256::new();
            let mut pos = 0;
            while pos < len {
                let step = core::cmp::min(len - pos, rng.below(200) + 1);
                h.update(&msg[pos..pos + step]);
                pos += step;
            }
            assert_eq!(h.finalize(), oracle(msg), "len {len}");
        }
    }
}
