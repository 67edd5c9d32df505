//! Portable BLAKE3 (hash, keyed_hash, derive_key, extendable output),
//! written directly from the BLAKE3 specification.
//!
//! The hasher is plain data (fixed-size arrays, no heap), works for inputs
//! of any length (the chaining-value stack holds 54 entries, enough for
//! 2^64 bytes of input) and supports output of arbitrary length.
//! All operations are 32-bit additions, XORs and fixed rotations; table
//! lookups use public indices only, so the code is constant time.

const OUT_LEN: usize = 32;
const BLOCK_LEN: usize = 64;
const CHUNK_LEN: usize = 1024;
/// Maximum depth of the chaining-value stack (log2 of 2^64 / 1024, plus one).
const MAX_DEPTH: usize = 54;

pub(super) const CHUNK_START: u32 = 1 << 0;
pub(super) const CHUNK_END: u32 = 1 << 1;
const PARENT: u32 = 1 << 2;
pub(super) const ROOT: u32 = 1 << 3;
pub(super) const KEYED_HASH: u32 = 1 << 4;
const DERIVE_KEY_CONTEXT: u32 = 1 << 5;
const DERIVE_KEY_MATERIAL: u32 = 1 << 6;

pub(super) const IV: [u32; 8] = [
    0x6A09_E667,
    0xBB67_AE85,
    0x3C6E_F372,
    0xA54F_F53A,
    0x510E_527F,
    0x9B05_688C,
    0x1F83_D9AB,
    0x5BE0_CD19,
];

const MSG_PERMUTATION: [usize; 16] = [2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8];

/// Message word order for each of the 7 rounds (the permutation applied
/// round after round, precomputed at compile time).
pub(super) const MSG_SCHEDULE: [[usize; 16]; 7] = {
    let mut sched = [[0usize; 16]; 7];
    let mut i = 0;
    while i < 16 {
        sched[0][i] = i;
        i += 1;
    }
    let mut r = 1;
    while r < 7 {
        let mut i = 0;
        while i < 16 {
            sched[r][i] = sched[r - 1][MSG_PERMUTATION[i]];
            i += 1;
        }
        r += 1;
    }
    sched
};

#[inline(always)]
fn g(state: &mut [u32; 16], a: usize, b: usize, c: usize, d: usize, mx: u32, my: u32) {
    state[a] = state[a].wrapping_add(state[b]).wrapping_add(mx);
    state[d] = (state[d] ^ state[a]).rotate_right(16);
    state[c] = state[c].wrapping_add(state[d]);
    state[b] = (state[b] ^ state[c]).rotate_right(12);
    state[a] = state[a].wrapping_add(state[b]).wrapping_add(my);
    state[d] = (state[d] ^ state[a]).rotate_right(8);
    state[c] = state[c].wrapping_add(state[d]);
    state[b] = (state[b] ^ state[c]).rotate_right(7);
}

/// The BLAKE3 compression function; returns the full 16-word output.
#[inline(always)]
fn compress(
    cv: &[u32; 8],
    block_words: &[u32; 16],
    counter: u64,
    block_len: u32,
    flags: u32,
) -> [u32; 16] {
    let mut s = [
        cv[0],
        cv[1],
        cv[2],
        cv[3],
        cv[4],
        cv[5],
        cv[6],
        cv[7],
        IV[0],
        IV[1],
        IV[2],
        IV[3],
        counter as u32,
        (counter >> 32) as u32,
        block_len,
        flags,
    ];
    for sched in MSG_SCHEDULE.iter() {
        let m = |i: usize| block_words[sched[i]];
        g(&mut s, 0, 4, 8, 12, m(0), m(1));
        g(&mut s, 1, 5, 9, 13, m(2), m(3));
        g(&mut s, 2, 6, 10, 14, m(4), m(5));
        g(&mut s, 3, 7, 11, 15, m(6), m(7));
        g(&mut s, 0, 5, 10, 15, m(8), m(9));
        g(&mut s, 1, 6, 11, 12, m(10), m(11));
        g(&mut s, 2, 7, 8, 13, m(12), m(13));
        g(&mut s, 3, 4, 9, 14, m(14), m(15));
    }
    for i in 0..8 {
        s[i] ^= s[i + 8];
        s[i + 8] ^= cv[i];
    }
    s
}

#[inline(always)]
fn first_8(words: &[u32; 16]) -> [u32; 8] {
    let mut out = [0u32; 8];
    out.copy_from_slice(&words[..8]);
    out
}

#[inline(always)]
fn words_from_le_bytes(bytes: &[u8; BLOCK_LEN]) -> [u32; 16] {
    let mut w = [0u32; 16];
    for (i, c) in bytes.chunks_exact(4).enumerate() {
        w[i] = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
    }
    w
}

#[inline(always)]
fn key_words(key: &[u8; 32]) -> [u32; 8] {
    let mut w = [0u32; 8];
    for (i, c) in key.chunks_exact(4).enumerate() {
        w[i] = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
    }
    w
}

/// The inputs to a compression that has not been performed yet; it can
/// become either a chaining value or (with ROOT) the root output.
#[derive(Clone, Copy)]
struct Output {
    input_cv: [u32; 8],
    block_words: [u32; 16],
    counter: u64,
    block_len: u32,
    flags: u32,
}

impl Output {
    fn chaining_value(&self) -> [u32; 8] {
        first_8(&compress(
            &self.input_cv,
            &self.block_words,
            self.counter,
            self.block_len,
            self.flags,
        ))
    }

    /// Write `out.len()` bytes of root output, starting at output offset 0.
    fn root_output_bytes(&self, out: &mut [u8]) {
        for (output_block_counter, out_block) in out.chunks_mut(2 * OUT_LEN).enumerate() {
            let words = compress(
                &self.input_cv,
                &self.block_words,
                output_block_counter as u64,
                self.block_len,
                self.flags | ROOT,
            );
            for (word, out_word) in words.iter().zip(out_block.chunks_mut(4)) {
                out_word.copy_from_slice(&word.to_le_bytes()[..out_word.len()]);
            }
        }
    }
}

#[derive(Clone)]
struct ChunkState {
    cv: [u32; 8],
    chunk_counter: u64,
    block: [u8; BLOCK_LEN],
    block_len: u8,
    blocks_compressed: u8,
    flags: u32,
}

impl ChunkState {
    fn new(key_words: &[u32; 8], chunk_counter: u64, flags: u32) -> Self {
        ChunkState {
            cv: *key_words,
            chunk_counter,
            block: [0; BLOCK_LEN],
            block_len: 0,
            blocks_compressed: 0,
            flags,
        }
    }

    fn len(&self) -> usize {
        BLOCK_LEN * self.blocks_compressed as usize + self.block_len as usize
    }

    fn start_flag(&self) -> u32 {
        if self.blocks_compressed == 0 {
            CHUNK_START
        } else {
            0
        }
    }

    fn update(&mut self, mut input: &[u8]) {
        while !input.is_empty() {
            // A full buffered block is compressed only once more input
            // arrives, because the last block of a chunk needs CHUNK_END.
            if self.block_len as usize == BLOCK_LEN {
                let block_words = words_from_le_bytes(&self.block);
                self.cv = first_8(&compress(
                    &self.cv,
                    &block_words,
                    self.chunk_counter,
                    BLOCK_LEN as u32,
                    self.flags | self.start_flag(),
                ));
                self.blocks_compressed += 1;
                self.block = [0; BLOCK_LEN];
                self.block_len = 0;
            }
            let want = BLOCK_LEN - self.block_len as usize;
            let take = core::cmp::min(want, input.len());
            let start = self.block_len as usize;
            self.block[start..start + take].copy_from_slice(&input[..take]);
            self.block_len += take as u8;
            input = &input[take..];
        }
    }

    fn output(&self) -> Output {
        Output {
            input_cv: self.cv,
            block_words: words_from_le_bytes(&self.block),
            counter: self.chunk_counter,
            block_len: self.block_len as u32,
            flags: self.flags | self.start_flag() | CHUNK_END,
        }
    }
}

fn parent_output(left: &[u32; 8], right: &[u32; 8], key_words: &[u32; 8], flags: u32) -> Output {
    let mut block_words = [0u32; 16];
    block_words[..8].copy_from_slice(left);
    block_words[8..].copy_from_slice(right);
    Output {
        input_cv: *key_words,
        block_words,
        counter: 0,
        block_len: BLOCK_LEN as u32,
        flags: PARENT | flags,
    }
}

/// An incremental BLAKE3 hasher. Plain data: no heap allocation.
#[derive(Clone)]
pub struct Hasher {
    chunk_state: ChunkState,
    key_words: [u32; 8],
    cv_stack: [[u32; 8]; MAX_DEPTH],
    cv_stack_len: u8,
    flags: u32,
}

impl Default for Hasher {
    fn default() -> Self {
        Self::new()
    }
}

impl Hasher {
    fn new_internal(key_words: [u32; 8], flags: u32) -> Self {
        Hasher {
            chunk_state: ChunkState::new(&key_words, 0, flags),
            key_words,
            cv_stack: [[0; 8]; MAX_DEPTH],
            cv_stack_len: 0,
            flags,
        }
    }

    /// A hasher for the default `hash` mode.
    pub fn new() -> Self {
        Self::new_internal(IV, 0)
    }

    /// A hasher for the `keyed_hash` mode.
    pub fn new_keyed(key: &[u8; 32]) -> Self {
        Self::new_internal(key_words(key), KEYED_HASH)
    }

    /// A hasher for the `derive_key` mode; `context` is the context string's bytes.
    pub fn new_derive_key(context: &[u8]) -> Self {
        let mut context_hasher = Self::new_internal(IV, DERIVE_KEY_CONTEXT);
        context_hasher.update(context);
        let mut context_key = [0u8; 32];
        context_hasher.finalize_xof(&mut context_key);
        Self::new_internal(key_words(&context_key), DERIVE_KEY_MATERIAL)
    }

    fn push_stack(&mut self, cv: [u32; 8]) {
        self.cv_stack[self.cv_stack_len as usize] = cv;
        self.cv_stack_len += 1;
    }

    fn pop_stack(&mut self) -> [u32; 8] {
        self.cv_stack_len -= 1;
        self.cv_stack[self.cv_stack_len as usize]
    }

    /// Merge completed subtrees: the number of trailing zero bits of the
    /// total chunk count is the number of merges this new chunk completes.
    fn add_chunk_chaining_value(&mut self, mut new_cv: [u32; 8], mut total_chunks: u64) {
        while total_chunks & 1 == 0 {
            let left = self.pop_stack();
            new_cv = parent_output(&left, &new_cv, &self.key_words, self.flags).chaining_value();
            total_chunks >>= 1;
        }
        self.push_stack(new_cv);
    }

    /// Absorb more input.
    pub fn update(&mut self, mut input: &[u8]) {
        while !input.is_empty() {
            // A full chunk is finalized only once more input arrives, since
            // the last chunk may be the root.
            if self.chunk_state.len() == CHUNK_LEN {
                let chunk_cv = self.chunk_state.output().chaining_value();
                let total_chunks = self.chunk_state.chunk_counter + 1;
                self.add_chunk_chaining_value(chunk_cv, total_chunks);
                self.chunk_state = ChunkState::new(&self.key_words, total_chunks, self.flags);
            }
            let want = CHUNK_LEN - self.chunk_state.len();
            let take = core::cmp::min(want, input.len());
            self.chunk_state.update(&input[..take]);
            input = &input[take..];
        }
    }

    /// Fill `out` with output bytes starting at offset 0. Does not consume
    /// or modify the hasher; any output length is allowed.
    pub fn finalize_xof(&self, out: &mut [u8]) {
        let mut output = self.chunk_state.output();
        let mut parent_nodes_remaining = self.cv_stack_len as usize;
        while parent_nodes_remaining > 0 {
            parent_nodes_remaining -= 1;
            output = parent_output(
                &self.cv_stack[parent_nodes_remaining],
                &output.chaining_value(),
                &self.key_words,
                self.flags,
            );
        }
        output.root_output_bytes(out);
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::prelude::rust_2021::*;
    use std::vec;

    use super::Hasher;

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

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    const KEY: &[u8; 32] = b"whats the Elvish word for friend";
    const CONTEXT: &str = "BLAKE3 2019-12-27 16:29:52 test vectors context";

    #[derive(Clone, Copy, Debug)]
    enum Mode {
        Hash,
        Keyed,
        Derive,
    }

    fn ours(mode: Mode) -> Hasher {
        match mode {
            Mode::Hash => Hasher::new(),
            Mode::Keyed => Hasher::new_keyed(KEY),
            Mode::Derive => Hasher::new_derive_key(CONTEXT.as_bytes()),
        }
    }

    fn oracle(mode: Mode, input: &[u8], out_len: usize) -> Vec<u8> {
        let mut h = match mode {
            Mode::Hash => blake3::Hasher::new(),
            Mode::Keyed => blake3::Hasher::new_keyed(KEY),
            Mode::Derive => blake3::Hasher::new_derive_key(CONTEXT),
        };
        h.update(input);
        let mut out = vec![0u8; out_len];
        h.finalize_xof().fill(&mut out);
        out
    }

    fn ours_xof(h: &Hasher, out_len: usize) -> Vec<u8> {
        let mut out = vec![0u8; out_len];
        h.finalize_xof(&mut out);
        out
    }

    #[test]
    fn official_empty_vector() {
        let h = Hasher::new();
        assert_eq!(
            ours_xof(&h, 32),
            hex("af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262")
        );
        // Official test_vectors.json, input_len 0, extended (131-byte) hash prefix.
        assert_eq!(
            ours_xof(&h, 64),
            hex(
                "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262\
                 e00f03e7b69af26b7faaf09fcd333050338ddfe085b8cc869ca98b206c08243a"
            )
        );
    }

    #[test]
    fn official_abc_and_keyed_vectors() {
        let mut h = Hasher::new();
        h.update(b"abc");
        assert_eq!(
            ours_xof(&h, 32),
            hex("6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85")
        );
        // Official test_vectors.json, input_len 1 (byte 0x00), keyed_hash.
        let mut k = Hasher::new_keyed(KEY);
        k.update(&[0u8]);
        assert_eq!(
            ours_xof(&k, 32),
            hex("6d7878dfff2f485635d39013278ae14f1454b8c0a3a2d34bc1ab38228a80c95b")
        );
    }

    /// Checks every output length in `out_lens` against one long oracle output
    /// (the XOF is prefix-consistent), plus the oracle's own short outputs.
    fn check(mode: Mode, input: &[u8], h: &Hasher, out_lens: &[usize]) {
        let expected = oracle(mode, input, 1000);
        for &n in out_lens {
            assert_eq!(
                ours_xof(h, n),
                expected[..n],
                "{mode:?} input {} out {n}",
                input.len()
            );
        }
    }

    #[test]
    fn all_modes_dense_lengths() {
        let mut rng = TestRng(0xb1a4_e300_0000_0001);
        let mut data = vec![0u8; 10_016];
        rng.fill(&mut data);
        for mode in [Mode::Hash, Mode::Keyed, Mode::Derive] {
            for len in 0..=2100usize {
                let off = len % 11;
                let input = &data[off..off + len];
                let mut h = ours(mode);
                h.update(input);
                // Two rotating output lengths cover every length in 0..=300
                // many times over the input-length sweep.
                let varying = len % 301;
                let varying2 = (len * 131 + 17) % 301;
                check(
                    mode,
                    input,
                    &h,
                    &[0, 1, 31, 32, 33, 64, 65, 128, varying, varying2, 1000],
                );
            }
        }
    }

    #[test]
    fn all_output_lengths() {
        let mut rng = TestRng(0xb1a4_e300_0000_0002);
        let mut data = vec![0u8; 10_000];
        rng.fill(&mut data);
        let out_lens: Vec<usize> = (0..=300).chain([1000]).collect();
        for mode in [Mode::Hash, Mode::Keyed, Mode::Derive] {
            for &len in &[
                0usize, 1, 63, 64, 65, 1023, 1024, 1025, 2048, 2049, 3072, 5000, 10_000,
            ] {
                let input = &data[..len];
                let mut h = ours(mode);
                h.update(input);
                check(mode, input, &h, &out_lens);
            }
        }
    }

    #[test]
    fn sparse_large_lengths_and_random_splits() {
        let mut rng = TestRng(0xb1a4_e300_0000_0003);
        let mut data = vec![0u8; 70_000];
        rng.fill(&mut data);
        let mut lens: Vec<usize> = (2101..=10_000).step_by(37).collect();
        lens.extend_from_slice(&[
            4095,
            4096,
            4097,
            8191,
            8192,
            8193,
            9999,
            10_000,
            31 * 1024 + 1,
            65537,
            69_999,
        ]);
        for (i, &len) in lens.iter().enumerate() {
            let mode = [Mode::Hash, Mode::Keyed, Mode::Derive][i % 3];
            let input = &data[1..1 + len];
            let mut h = ours(mode);
            let mut pos = 0;
            while pos < len {
                // Mix tiny, block-sized and multi-chunk steps.
                let max = [3usize, 64, 1024, 5000][rng.below(4)];
                let step = core::cmp::min(len - pos, rng.below(max) + 1);
                h.update(&input[pos..pos + step]);
                pos += step;
            }
            check(mode, input, &h, &[0, 32, rng.below(301), 1000]);
        }
    }

    #[test]
    fn random_splits_dense() {
        let mut rng = TestRng(0xb1a4_e300_0000_0004);
        let mut data = vec![0u8; 4200];
        rng.fill(&mut data);
        for len in 0..=4200usize {
            let mode = [Mode::Hash, Mode::Keyed, Mode::Derive][len % 3];
            let input = &data[..len];
            let mut h = ours(mode);
            // Split at up to three random points.
            let mut cuts = [rng.below(len + 1), rng.below(len + 1), rng.below(len + 1)];
            cuts.sort_unstable();
            let mut prev = 0;
            for c in cuts {
                h.update(&input[prev..c]);
                prev = c;
            }
            h.update(&input[prev..]);
            check(mode, input, &h, &[32, 100]);
        }
    }

    #[test]
    fn finalize_does_not_consume_and_clone_works() {
        let mut h = Hasher::new_keyed(KEY);
        h.update(&[7u8; 3000]);
        let a = ours_xof(&h, 77);
        let b = ours_xof(&h, 77);
        assert_eq!(a, b);
        let mut c = h.clone();
        c.update(b"more");
        h.update(b"more");
        assert_eq!(ours_xof(&c, 64), ours_xof(&h, 64));
        let mut all = vec![7u8; 3000];
        all.extend_from_slice(b"more");
        assert_eq!(ours_xof(&h, 64), oracle(Mode::Keyed, &all, 64));
    }

    #[test]
    fn derive_key_matches_crate_function() {
        let mut rng = TestRng(0xb1a4_e300_0000_0005);
        for len in [0usize, 1, 32, 100, 2000] {
            let mut material = vec![0u8; len];
            rng.fill(&mut material);
            for ctx in ["", "xpscrypto 2024 test", CONTEXT] {
                let mut h = Hasher::new_derive_key(ctx.as_bytes());
                h.update(&material);
                assert_eq!(
                    ours_xof(&h, 32),
                    blake3::derive_key(ctx, &material).to_vec()
                );
            }
        }
    }
}
