//! Portable scalar ChaCha20 (RFC 8439: 32-bit block counter, 96-bit nonce)
//! and HChaCha20 (draft-irtf-cfrg-xchacha, §2.2).
//!
//! Everything here is built from 32-bit additions, XORs and fixed rotations,
//! so it runs in constant time with respect to key, nonce and data.
//!
//! Counter overflow is the caller's job: the block counter is 32 bits wide
//! and a call must never need to go past block `u32::MAX`, i.e.
//! `counter as u64 + ceil(len / 64) <= 2^32` must hold. This is checked with a
//! `debug_assert!`; in release builds the counter would silently wrap, which
//! reuses keystream, so callers must enforce the limit themselves.

const CONSTANTS: [u32; 4] = [0x6170_7865, 0x3320_646e, 0x7962_2d32, 0x6b20_6574];

#[inline(always)]
fn quarter_round(s: &mut [u32; 16], a: usize, b: usize, c: usize, d: usize) {
    s[a] = s[a].wrapping_add(s[b]);
    s[d] = (s[d] ^ s[a]).rotate_left(16);
    s[c] = s[c].wrapping_add(s[d]);
    s[b] = (s[b] ^ s[c]).rotate_left(12);
    s[a] = s[a].wrapping_add(s[b]);
    s[d] = (s[d] ^ s[a]).rotate_left(8);
    s[c] = s[c].wrapping_add(s[d]);
    s[b] = (s[b] ^ s[c]).rotate_left(7);
}

/// The 20-round ChaCha permutation (10 double rounds), without feed-forward.
#[inline(always)]
fn permute(s: &mut [u32; 16]) {
    for _ in 0..10 {
        quarter_round(s, 0, 4, 8, 12);
        quarter_round(s, 1, 5, 9, 13);
        quarter_round(s, 2, 6, 10, 14);
        quarter_round(s, 3, 7, 11, 15);
        quarter_round(s, 0, 5, 10, 15);
        quarter_round(s, 1, 6, 11, 12);
        quarter_round(s, 2, 7, 8, 13);
        quarter_round(s, 3, 4, 9, 14);
    }
}

#[inline(always)]
fn load_le(bytes: &[u8]) -> u32 {
    u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
}

/// Initial state for a given key and nonce, with the counter word set to 0.
#[inline(always)]
fn init_state(key: &[u8; 32], nonce: &[u8; 12]) -> [u32; 16] {
    let mut s = [0u32; 16];
    s[..4].copy_from_slice(&CONSTANTS);
    for i in 0..8 {
        s[4 + i] = load_le(&key[4 * i..]);
    }
    s[12] = 0;
    for i in 0..3 {
        s[13 + i] = load_le(&nonce[4 * i..]);
    }
    s
}

/// Produce one 64-byte keystream block from an initial state.
#[inline(always)]
fn keystream_block(init: &[u32; 16]) -> [u8; 64] {
    let mut w = *init;
    permute(&mut w);
    let mut out = [0u8; 64];
    for i in 0..16 {
        out[4 * i..4 * i + 4].copy_from_slice(&w[i].wrapping_add(init[i]).to_le_bytes());
    }
    out
}

#[inline(always)]
fn debug_check_counter(counter: u32, len: usize) {
    let blocks = (len as u64).div_ceil(64);
    debug_assert!(
        u64::from(counter) + blocks <= 1u64 << 32,
        "ChaCha20 32-bit block counter would wrap"
    );
}

/// The ChaCha20 block function: 64 bytes of keystream for block `counter`.
pub fn block(key: &[u8; 32], nonce: &[u8; 12], counter: u32) -> [u8; 64] {
    let mut s = init_state(key, nonce);
    s[12] = counter;
    keystream_block(&s)
}

/// XOR `input` with the ChaCha20 keystream starting at block `counter`,
/// writing the result to `output`.
///
/// `input.len()` must equal `output.len()` (panics otherwise). The caller
/// must ensure the 32-bit counter does not wrap (see the module docs).
pub fn xor_keystream(
    key: &[u8; 32],
    nonce: &[u8; 12],
    counter: u32,
    input: &[u8],
    output: &mut [u8],
) {
    assert_eq!(input.len(), output.len(), "input and output lengths differ");
    debug_check_counter(counter, input.len());
    let mut s = init_state(key, nonce);
    s[12] = counter;
    for (inp, out) in input.chunks(64).zip(output.chunks_mut(64)) {
        let ks = keystream_block(&s);
        for ((o, i), k) in out.iter_mut().zip(inp.iter()).zip(ks.iter()) {
            *o = *i ^ *k;
        }
        s[12] = s[12].wrapping_add(1);
    }
}

/// In-place twin of [`xor_keystream`].
pub fn xor_keystream_in_place(key: &[u8; 32], nonce: &[u8; 12], counter: u32, buf: &mut [u8]) {
    debug_check_counter(counter, buf.len());
    let mut s = init_state(key, nonce);
    s[12] = counter;
    for chunk in buf.chunks_mut(64) {
        let ks = keystream_block(&s);
        for (b, k) in chunk.iter_mut().zip(ks.iter()) {
            *b ^= *k;
        }
        s[12] = s[12].wrapping_add(1);
    }
}

/// HChaCha20 (draft-irtf-cfrg-xchacha-03, §2.2): derive a 256-bit subkey
/// from a key and a 128-bit nonce.
pub fn hchacha20(key: &[u8; 32], nonce16: &[u8; 16]) -> [u8; 32] {
    let mut s = [0u32; 16];
    s[..4].copy_from_slice(&CONSTANTS);
    for i in 0..8 {
        s[4 + i] = load_le(&key[4 * i..]);
    }
    for i in 0..4 {
        s[12 + i] = load_le(&nonce16[4 * i..]);
    }
    permute(&mut s);
    let mut out = [0u8; 32];
    for i in 0..4 {
        out[4 * i..4 * i + 4].copy_from_slice(&s[i].to_le_bytes());
        out[16 + 4 * i..16 + 4 * i + 4].copy_from_slice(&s[12 + i].to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::prelude::rust_2021::*;
    use std::vec;

    use super::{block, hchacha20, xor_keystream, xor_keystream_in_place};
    use chacha20::cipher::{KeyIvInit, StreamCipher, StreamCipherSeek};

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
    }

    fn hex(s: &str) -> Vec<u8> {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    fn oracle(key: &[u8; 32], nonce: &[u8; 12], counter: u32, data: &[u8]) -> Vec<u8> {
        let mut c = chacha20::ChaCha20::new(&(*key).into(), &(*nonce).into());
        c.seek(u64::from(counter) * 64);
        let mut out = data.to_vec();
        c.apply_keystream(&mut out);
        out
    }

    #[test]
    fn rfc8439_2_3_2_block() {
        let key: [u8; 32] = core::array::from_fn(|i| i as u8);
        let nonce: [u8; 12] = hex("000000090000004a00000000").try_into().unwrap();
        let expected = hex(
            "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e\
             d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e",
        );
        assert_eq!(block(&key, &nonce, 1).to_vec(), expected);
    }

    #[test]
    fn rfc8439_2_4_2_encryption() {
        let key: [u8; 32] = core::array::from_fn(|i| i as u8);
        let nonce: [u8; 12] = hex("000000000000004a00000000").try_into().unwrap();
        let plaintext = b"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.";
        let expected = hex(
            "6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b\
             f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8\
             07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736\
             5af90bbf74a35be6b40b8eedf2785e42874d",
        );
        let mut out = vec![0u8; plaintext.len()];
        xor_keystream(&key, &nonce, 1, plaintext, &mut out);
        assert_eq!(out, expected);
        let mut buf = plaintext.to_vec();
        xor_keystream_in_place(&key, &nonce, 1, &mut buf);
        assert_eq!(buf, expected);
    }

    #[test]
    fn hchacha20_draft_2_2_1() {
        let key: [u8; 32] = core::array::from_fn(|i| i as u8);
        let nonce: [u8; 16] = hex("000000090000004a0000000031415927").try_into().unwrap();
        let expected = hex("82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc");
        assert_eq!(hchacha20(&key, &nonce).to_vec(), expected);
    }

    /// HChaCha20 is the ChaCha20 permutation without feed-forward, keeping
    /// words 0..4 and 12..16. With the IETF layout, input words 12..16 are
    /// (counter, nonce), so the crate's ChaCha20 block minus its input words
    /// gives the expected output. This only needs the crate's default
    /// `cipher` feature.
    #[test]
    fn hchacha20_vs_crate() {
        let mut rng = TestRng(0x4843_4841_4348_4100);
        for _ in 0..200 {
            let mut key = [0u8; 32];
            let mut nonce16 = [0u8; 16];
            rng.fill(&mut key);
            rng.fill(&mut nonce16);
            // The oracle refuses block u32::MAX; keep the counter word below it.
            nonce16[3] &= 0x7f;
            let counter = u32::from_le_bytes(nonce16[..4].try_into().unwrap());
            let nonce: [u8; 12] = nonce16[4..].try_into().unwrap();
            let ks = oracle(&key, &nonce, counter, &[0u8; 64]);
            let word =
                |b: &[u8], i: usize| u32::from_le_bytes(b[4 * i..4 * i + 4].try_into().unwrap());
            let consts = [0x6170_7865u32, 0x3320_646e, 0x7962_2d32, 0x6b20_6574];
            let mut expected = [0u8; 32];
            for i in 0..4 {
                let lo = word(&ks, i).wrapping_sub(consts[i]);
                let hi = word(&ks, 12 + i).wrapping_sub(word(&nonce16, i));
                expected[4 * i..4 * i + 4].copy_from_slice(&lo.to_le_bytes());
                expected[16 + 4 * i..16 + 4 * i + 4].copy_from_slice(&hi.to_le_bytes());
            }
            assert_eq!(hchacha20(&key, &nonce16), expected);
        }
    }

    #[test]
    fn block_vs_crate() {
        let mut rng = TestRng(0x4348_4143_4841_0001);
        for _ in 0..200 {
            let mut key = [0u8; 32];
            let mut nonce = [0u8; 12];
            rng.fill(&mut key);
            rng.fill(&mut nonce);
            let counter = (rng.next_u64() as u32) % 0xffff_0000;
            assert_eq!(
                block(&key, &nonce, counter).to_vec(),
                oracle(&key, &nonce, counter, &[0u8; 64])
            );
        }
    }

    #[test]
    fn random_lengths_vs_crate() {
        let mut rng = TestRng(0x4348_4143_4841_0002);
        let mut data = vec![0u8; 65537 + 16];
        rng.fill(&mut data);
        let mut lens: Vec<usize> = (0..=4096).collect();
        lens.extend_from_slice(&[8191, 8192, 8193, 65536, 65537]);
        for len in lens {
            let mut key = [0u8; 32];
            let mut nonce = [0u8; 12];
            rng.fill(&mut key);
            rng.fill(&mut nonce);
            // Mix zero and non-zero start counters.
            let counter = match len % 3 {
                0 => 0,
                1 => 1,
                _ => (rng.next_u64() as u32) % 0x7fff_ffff,
            };
            let off = len % 7;
            let input = &data[off..off + len];
            let expected = oracle(&key, &nonce, counter, input);

            // Out of place, into an unaligned output slice.
            let mut out_storage = vec![0u8; len + 5];
            let out = &mut out_storage[(len % 5)..(len % 5) + len];
            xor_keystream(&key, &nonce, counter, input, out);
            assert_eq!(&out[..], &expected[..], "len {len}");

            let mut buf = input.to_vec();
            xor_keystream_in_place(&key, &nonce, counter, &mut buf);
            assert_eq!(buf, expected, "in place, len {len}");
        }
    }

    #[test]
    fn counter_up_to_last_block() {
        // Using blocks up to the end of the 32-bit counter space is allowed;
        // wrapping is not. (The oracle crate refuses to emit block u32::MAX
        // itself, so that block is only checked for self-consistency.)
        let mut rng = TestRng(0x4348_4143_4841_0003);
        let mut key = [0u8; 32];
        let mut nonce = [0u8; 12];
        rng.fill(&mut key);
        rng.fill(&mut nonce);
        let data = vec![0x5au8; 64 * 3];
        let expected = oracle(&key, &nonce, u32::MAX - 3, &data);
        let mut out = vec![0u8; data.len()];
        xor_keystream(&key, &nonce, u32::MAX - 3, &data, &mut out);
        assert_eq!(out, expected);

        let mut last = [0u8; 64];
        xor_keystream_in_place(&key, &nonce, u32::MAX, &mut last);
        assert_eq!(last, block(&key, &nonce, u32::MAX));
        let mut two = [0u8; 128];
        xor_keystream_in_place(&key, &nonce, u32::MAX - 1, &mut two);
        assert_eq!(two[..64], block(&key, &nonce, u32::MAX - 1)[..]);
        assert_eq!(two[64..], last[..]);
    }
}
