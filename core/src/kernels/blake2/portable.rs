//! The BLAKE2b and BLAKE2s compression function F (RFC 7693 §3.2), scalar, one generic body
//! over the word type. Constant time: additions, XORs and fixed rotations only, and the message
//! schedule indexes by round number, never by data.

/// Message word permutations, one per round (RFC 7693 §2.7); BLAKE2b's rounds 10 and 11 reuse
/// the first two.
const SIGMA: [[usize; 16]; 10] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
    [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
    [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
    [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
    [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
    [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
    [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
    [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
    [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
];

/// A BLAKE2 word: u64 for BLAKE2b, u32 for BLAKE2s.
pub(crate) trait Word: Copy + std::ops::BitXor<Output = Self> + std::ops::BitXorAssign {
    /// Bytes per word (8 or 4); a block is 16 words.
    const BYTES: usize;
    /// Rounds of F (12 or 10).
    const ROUNDS: usize;
    /// The G rotations R1..R4 (RFC 7693 §2.1).
    const ROT: [u32; 4];
    /// The initialization vector (RFC 7693 §2.6; SHA-512's or SHA-256's).
    const IV: [Self; 8];
    fn add(self, o: Self) -> Self;
    fn ror(self, n: u32) -> Self;
    fn not(self) -> Self;
    /// The low word of a byte counter (the counter's high word is `from_u64(t >> bits)`).
    fn from_u64(t: u64) -> Self;
    fn load(b: &[u8]) -> Self;
    fn store(self, out: &mut [u8]);
}

macro_rules! word {
    ($w:ty, $rounds:expr, $rot:expr, $iv:expr) => {
        impl Word for $w {
            const BYTES: usize = std::mem::size_of::<$w>();
            const ROUNDS: usize = $rounds;
            const ROT: [u32; 4] = $rot;
            const IV: [$w; 8] = $iv;
            #[inline(always)]
            fn add(self, o: Self) -> Self {
                self.wrapping_add(o)
            }
            #[inline(always)]
            fn ror(self, n: u32) -> Self {
                self.rotate_right(n)
            }
            #[inline(always)]
            fn not(self) -> Self {
                !self
            }
            #[inline(always)]
            fn from_u64(t: u64) -> Self {
                t as $w
            }
            #[inline(always)]
            fn load(b: &[u8]) -> Self {
                <$w>::from_le_bytes(b[..Self::BYTES].try_into().unwrap())
            }
            #[inline(always)]
            fn store(self, out: &mut [u8]) {
                out[..Self::BYTES].copy_from_slice(&self.to_le_bytes())
            }
        }
    };
}

word!(
    u64,
    12,
    [32, 24, 16, 63],
    [
        0x6a09_e667_f3bc_c908,
        0xbb67_ae85_84ca_a73b,
        0x3c6e_f372_fe94_f82b,
        0xa54f_f53a_5f1d_36f1,
        0x510e_527f_ade6_82d1,
        0x9b05_688c_2b3e_6c1f,
        0x1f83_d9ab_fb41_bd6b,
        0x5be0_cd19_137e_2179,
    ]
);
word!(u32, 10, [16, 12, 8, 7], [0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19]);

#[inline(always)]
fn g<W: Word>(v: &mut [W; 16], (a, b, c, d): (usize, usize, usize, usize), x: W, y: W) {
    let r = W::ROT;
    v[a] = v[a].add(v[b]).add(x);
    v[d] = (v[d] ^ v[a]).ror(r[0]);
    v[c] = v[c].add(v[d]);
    v[b] = (v[b] ^ v[c]).ror(r[1]);
    v[a] = v[a].add(v[b]).add(y);
    v[d] = (v[d] ^ v[a]).ror(r[2]);
    v[c] = v[c].add(v[d]);
    v[b] = (v[b] ^ v[c]).ror(r[3]);
}

#[inline(always)]
fn round<W: Word>(v: &mut [W; 16], m: &[W; 16], s: &[usize; 16]) {
    g(v, (0, 4, 8, 12), m[s[0]], m[s[1]]);
    g(v, (1, 5, 9, 13), m[s[2]], m[s[3]]);
    g(v, (2, 6, 10, 14), m[s[4]], m[s[5]]);
    g(v, (3, 7, 11, 15), m[s[6]], m[s[7]]);
    g(v, (0, 5, 10, 15), m[s[8]], m[s[9]]);
    g(v, (1, 6, 11, 12), m[s[10]], m[s[11]]);
    g(v, (2, 7, 8, 13), m[s[12]], m[s[13]]);
    g(v, (3, 4, 9, 14), m[s[14]], m[s[15]]);
}

/// F: one block (16 words, little-endian) into `h`; `t` = bytes hashed so far including this
/// block; `last` marks the final block.
#[inline(always)]
pub(crate) fn compress<W: Word>(h: &mut [W; 8], block: &[u8], t: u64, last: bool) {
    let m: [W; 16] = std::array::from_fn(|i| W::load(&block[i * W::BYTES..]));
    let mut v: [W; 16] = std::array::from_fn(|i| if i < 8 { h[i] } else { W::IV[i - 8] });
    v[12] ^= W::from_u64(t);
    // The counter's high word: bits 64.. of `t` for BLAKE2b (always 0: `t` is a u64), bits 32..63
    // for BLAKE2s.
    v[13] ^= W::from_u64(if W::BYTES == 8 { 0 } else { t >> 32 });
    if last {
        v[14] = v[14].not();
    }
    // Written out (not a loop over rounds) so that every message index is a constant.
    round(&mut v, &m, &SIGMA[0]);
    round(&mut v, &m, &SIGMA[1]);
    round(&mut v, &m, &SIGMA[2]);
    round(&mut v, &m, &SIGMA[3]);
    round(&mut v, &m, &SIGMA[4]);
    round(&mut v, &m, &SIGMA[5]);
    round(&mut v, &m, &SIGMA[6]);
    round(&mut v, &m, &SIGMA[7]);
    round(&mut v, &m, &SIGMA[8]);
    round(&mut v, &m, &SIGMA[9]);
    if W::ROUNDS == 12 {
        round(&mut v, &m, &SIGMA[0]);
        round(&mut v, &m, &SIGMA[1]);
    }
    for i in 0..8 {
        h[i] ^= v[i] ^ v[i + 8];
    }
}
