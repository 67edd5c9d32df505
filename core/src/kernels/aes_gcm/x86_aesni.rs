//! Fused AES-GCM kernel for x86_64 (AES-NI + PCLMULQDQ), AES-128 and AES-256,
//! 96-bit nonces and 128-bit tags only (NIST SP 800-38D).
//!
//! Design notes:
//! * CTR mode runs 8 independent AES streams per iteration.
//! * GHASH is computed as POLYVAL over byte-reversed blocks (RFC 8452,
//!   Appendix A): `GHASH(H, X) = rev(POLYVAL(mulX(rev(H)), rev(X_1), ...))`.
//!   Blocks are multiplied with Karatsuba PCLMULQDQ products against the
//!   precomputed powers `H^1..H^8`; the eight unreduced 256-bit products are
//!   summed and reduced once per 8 blocks (Montgomery reduction, 2 CLMULs).
//! * `seal` stitches the AES rounds of batch `i` with the GHASH of the
//!   ciphertext of batch `i - 1` in the same loop body.
//! * The GCM counter increments only its low 32 bits (big-endian); this is
//!   done with a 32-bit lane add on a register whose counter lane is kept in
//!   native order, so wrap-around is handled exactly like `inc32`.
//!
//! Nothing branches on or indexes by secret data; lengths are public.

#![cfg(target_arch = "x86_64")]

use core::arch::x86_64::*;

/// Maximum plaintext length of a single GCM message: 2^36 - 32 bytes.
pub(super) const MAX_MESSAGE_LEN: u64 = (1u64 << 36) - 32;

/// `x^63 + x^62 + x^57`: the POLYVAL reduction constant (low qword).
const POLY_P1: u64 = 0xC200_0000_0000_0000;

/// Expanded AES-GCM key: AES round keys and GHASH key powers.
#[derive(Clone)]
#[repr(C, align(16))]
pub struct Key {
    /// AES round keys; only the first `rounds + 1` are used.
    pub(super) round_keys: [__m128i; 15],
    /// `h_pows[i]` is H^(i+1) in POLYVAL (Montgomery) form.
    pub(super) h_pows: [__m128i; 8],
    /// Both qwords of `h_kara[i]` hold `lo ^ hi` of `h_pows[i]` (Karatsuba).
    h_kara: [__m128i; 8],
    /// AES rounds: 10 (AES-128) or 14 (AES-256).
    pub(super) rounds: usize,
}

impl Drop for Key {
    fn drop(&mut self) {
        // SAFETY: SSE2 is part of the x86_64 baseline, so this intrinsic is always available.
        let zero = unsafe { _mm_setzero_si128() };
        for r in self
            .round_keys
            .iter_mut()
            .chain(self.h_pows.iter_mut())
            .chain(self.h_kara.iter_mut())
        {
            // SAFETY: `r` is a valid, aligned, exclusive reference to an __m128i.
            unsafe { core::ptr::write_volatile(r, zero) };
        }
        core::sync::atomic::compiler_fence(core::sync::atomic::Ordering::SeqCst);
    }
}

// ---------------------------------------------------------------------------
// Small SIMD helpers
// ---------------------------------------------------------------------------

/// Reverses all 16 bytes of a block (GHASH <-> POLYVAL byte order).
#[inline]
#[target_feature(enable = "aes,pclmulqdq,sse2,ssse3,sse4.1")]
pub(super) fn bswap_mask() -> __m128i {
    _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
}

/// Reverses only bytes 12..16: turns a register whose top 32-bit lane holds
/// the counter in native (little-endian) order into a GCM counter block.
#[inline]
#[target_feature(enable = "aes,pclmulqdq,sse2,ssse3,sse4.1")]
pub(super) fn ctr_mask() -> __m128i {
    _mm_set_epi8(12, 13, 14, 15, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)
}

/// # Safety
/// `p` must be valid for reading 16 bytes.
#[inline]
#[target_feature(enable = "aes,pclmulqdq,sse2,ssse3,sse4.1")]
pub(super) unsafe fn load(p: *const u8) -> __m128i {
    // SAFETY: the caller guarantees 16 readable bytes; loadu has no alignment requirement.
    unsafe { _mm_loadu_si128(p.cast()) }
}

/// # Safety
/// `p` must be valid for writing 16 bytes.
#[inline]
#[target_feature(enable = "aes,pclmulqdq,sse2,ssse3,sse4.1")]
pub(super) unsafe fn store(p: *mut u8, v: __m128i) {
    // SAFETY: the caller guarantees 16 writable bytes; storeu has no alignment requirement.
    unsafe { _mm_storeu_si128(p.cast(), v) }
}

#[inline]
#[target_feature(enable = "aes,pclmulqdq,sse2,ssse3,sse4.1")]
pub(super) fn load_arr(b: &[u8; 16]) -> __m128i {
    // SAFETY: `b` is 16 readable bytes.
    unsafe { load(b.as_ptr()) }
}

#[inline]
#[target_feature(enable = "aes,pclmulqdq,sse2,ssse3,sse4.1")]
pub(super) fn to_arr(v: __m128i) -> [u8; 16] {
    let mut out = [0u8; 16];
    // SAFETY: `out` is 16 writable bytes.
    unsafe { store(out.as_mut_ptr(), v) };
    out
}

/// Overwrites a stack buffer with zeros in a way the optimizer keeps (memset + opaque use; see
/// `secure::ct::secure_zero` — byte-wise volatile stores cost ~40 ns per short message here).
pub(super) fn wipe(buf: &mut [u8]) {
    crate::secure::ct::secure_zero(buf);
}

// ---------------------------------------------------------------------------
// AES
// ---------------------------------------------------------------------------

macro_rules! expand_step {
    ($prev:expr, $assist:expr) => {{
        let mut k = $prev;
        k = _mm_xor_si128(k, _mm_slli_si128(k, 4));
        k = _mm_xor_si128(k, _mm_slli_si128(k, 4));
        k = _mm_xor_si128(k, _mm_slli_si128(k, 4));
        _mm_xor_si128(k, $assist)
    }};
}

#[target_feature(enable = "aes,pclmulqdq,sse2,ssse3,sse4.1")]
fn expand_aes128(key: &[u8; 16]) -> [__m128i; 15] {
    let mut rk = [_mm_setzero_si128(); 15];
    let mut k = load_arr(key);
    rk[0] = k;
    macro_rules! r {
        ($i:expr, $rcon:expr) => {
            k = expand_step!(
                k,
                _mm_shuffle_epi32(_mm_aeskeygenassist_si128(k, $rcon), 0xff)
            );
            rk[$i] = k;
        };
    }
    r!(1, 0x01);
    r!(2, 0x02);
    r!(3, 0x04);
    r!(4, 0x08);
    r!(5, 0x10);
    r!(6, 0x20);
    r!(7, 0x40);
    r!(8, 0x80);
    r!(9, 0x1b);
    r!(10, 0x36);
    rk
}

#[target_feature(enable = "aes,pclmulqdq,sse2,ssse3,sse4.1")]
fn expand_aes256(key: &[u8; 32]) -> [__m128i; 15] {
    let mut rk = [_mm_setzero_si128(); 15];
    let mut k0 = load_arr(key[..16].try_into().expect("16 bytes"));
    let mut k1 = load_arr(key[16..].try_into().expect("16 bytes"));
    rk[0] = k0;
    rk[1] = k1;
    macro_rules! r {
        ($i:expr, $rcon:expr) => {
            k0 = expand_step!(
                k0,
                _mm_shuffle_epi32(_mm_aeskeygenassist_si128(k1, $rcon), 0xff)
            );
            rk[$i] = k0;
            k1 = expand_step!(
                k1,
                _mm_shuffle_epi32(_mm_aeskeygenassist_si128(k0, 0x00), 0xaa)
            );
            rk[$i + 1] = k1;
        };
    }
    r!(2, 0x01);
    r!(4, 0x02);
    r!(6, 0x04);
    r!(8, 0x08);
    r!(10, 0x10);
    r!(12, 0x20);
    k0 = expand_step!(
        k0,
        _mm_shuffle_epi32(_mm_aeskeygenassist_si128(k1, 0x40), 0xff)
    );
    rk[14] = k0;
    rk
}

/// Encrypt one block with `NR` rounds.
#[inline]
#[target_feature(enable = "aes,pclmulqdq,sse2,ssse3,sse4.1")]
pub(super) fn aes1<const NR: usize>(rk: &[__m128i; 15], block: __m128i) -> __m128i {
    let mut x = _mm_xor_si128(block, rk[0]);
    for k in &rk[1..NR] {
        x = _mm_aesenc_si128(x, *k);
    }
    _mm_aesenclast_si128(x, rk[NR])
}

/// Encrypt eight independent blocks with `NR` rounds.
#[inline]
#[target_feature(enable = "aes,pclmulqdq,sse2,ssse3,sse4.1")]
pub(super) fn aes8<const NR: usize>(rk: &[__m128i; 15], b: &mut [__m128i; 8]) {
    for x in b.iter_mut() {
        *x = _mm_xor_si128(*x, rk[0]);
    }
    for k in &rk[1..NR] {
        for x in b.iter_mut() {
            *x = _mm_aesenc_si128(*x, *k);
        }
    }
    for x in b.iter_mut() {
        *x = _mm_aesenclast_si128(*x, rk[NR]);
    }
}

// ---------------------------------------------------------------------------
// Counter handling
// ---------------------------------------------------------------------------

/// Register holding `nonce` in bytes 0..12 and `counter` as a native u32 in
/// the top lane. `_mm_shuffle_epi8(reg, ctr_mask())` yields the counter block.
#[inline]
#[target_feature(enable = "aes,pclmulqdq,sse2,ssse3,sse4.1")]
pub(super) fn ctr_init(nonce: &[u8; 12], counter: u32) -> __m128i {
    // In registers: a 16-byte block assembled on the stack and loaded back would stall on the
    // failed store-to-load forwarding of its smaller stores.
    // SAFETY: an 8-byte load inside the 12-byte nonce.
    let n01 = unsafe { _mm_loadl_epi64(nonce.as_ptr().cast()) };
    let n2 = u32::from_le_bytes([nonce[8], nonce[9], nonce[10], nonce[11]]);
    _mm_insert_epi32::<3>(_mm_insert_epi32::<2>(n01, n2 as i32), counter as i32)
}

/// The next eight counter blocks; advances `ctr` by 8 (mod 2^32 in the low
/// 32 bits only, as GCM's inc32 requires).
#[inline]
#[target_feature(enable = "aes,pclmulqdq,sse2,ssse3,sse4.1")]
pub(super) fn next8(ctr: &mut __m128i) -> [__m128i; 8] {
    let mask = ctr_mask();
    let mut out = [_mm_setzero_si128(); 8];
    for (i, o) in out.iter_mut().enumerate() {
        *o = _mm_shuffle_epi8(_mm_add_epi32(*ctr, _mm_set_epi32(i as i32, 0, 0, 0)), mask);
    }
    *ctr = _mm_add_epi32(*ctr, _mm_set_epi32(8, 0, 0, 0));
    out
}

// ---------------------------------------------------------------------------
// GHASH (as POLYVAL on byte-reversed blocks)
// ---------------------------------------------------------------------------

/// The reduction constant: `POLY_P1` in the low qword.
#[inline]
#[target_feature(enable = "sse2")]
pub(super) fn poly() -> __m128i {
    _mm_set_epi64x(0, POLY_P1 as i64)
}

/// Montgomery reduction of the 256-bit product `[hi:lo]`: returns
/// `[hi:lo] * x^-128 mod (x^128 + x^127 + x^126 + x^121 + 1)`.
#[inline]
#[target_feature(enable = "aes,pclmulqdq,sse2,ssse3,sse4.1")]
pub(super) fn reduce(lo: __m128i, hi: __m128i) -> __m128i {
    let poly = poly();
    // [A1:A0] = X0 * P1
    let a = _mm_clmulepi64_si128(lo, poly, 0x00);
    // [B1:B0] = [X0 ^ A1 : X1 ^ A0]
    let b = _mm_xor_si128(_mm_shuffle_epi32(lo, 0x4e), a);
    // [C1:C0] = B0 * P1
    let c = _mm_clmulepi64_si128(b, poly, 0x00);
    // [X3 ^ B0 ^ C1 : X2 ^ B1 ^ C0]
    _mm_xor_si128(hi, _mm_xor_si128(_mm_shuffle_epi32(b, 0x4e), c))
}

/// POLYVAL dot product `a * b * x^-128` (schoolbook, used for key setup).
#[target_feature(enable = "aes,pclmulqdq,sse2,ssse3,sse4.1")]
pub(super) fn dot(a: __m128i, b: __m128i) -> __m128i {
    let lo = _mm_clmulepi64_si128(a, b, 0x00);
    let hi = _mm_clmulepi64_si128(a, b, 0x11);
    let mid = _mm_xor_si128(
        _mm_clmulepi64_si128(a, b, 0x01),
        _mm_clmulepi64_si128(a, b, 0x10),
    );
    reduce(
        _mm_xor_si128(lo, _mm_slli_si128(mid, 8)),
        _mm_xor_si128(hi, _mm_srli_si128(mid, 8)),
    )
}

/// Unreduced Karatsuba accumulator for aggregated GHASH.
#[derive(Clone, Copy)]
struct Acc {
    lo: __m128i,
    hi: __m128i,
    mid: __m128i,
}

impl Acc {
    #[inline]
    #[target_feature(enable = "aes,pclmulqdq,sse2,ssse3,sse4.1")]
    fn new() -> Self {
        Acc {
            lo: _mm_setzero_si128(),
            hi: _mm_setzero_si128(),
            mid: _mm_setzero_si128(),
        }
    }

    /// Accumulate `y * H^(power+1)` where `y` is already in POLYVAL order.
    #[inline]
    #[target_feature(enable = "aes,pclmulqdq,sse2,ssse3,sse4.1")]
    fn mul_add(&mut self, key: &Key, y: __m128i, power: usize) {
        let h = key.h_pows[power];
        let hk = key.h_kara[power];
        self.lo = _mm_xor_si128(self.lo, _mm_clmulepi64_si128(y, h, 0x00));
        self.hi = _mm_xor_si128(self.hi, _mm_clmulepi64_si128(y, h, 0x11));
        let ym = _mm_xor_si128(y, _mm_shuffle_epi32(y, 0x4e));
        self.mid = _mm_xor_si128(self.mid, _mm_clmulepi64_si128(ym, hk, 0x00));
    }

    /// Combine the Karatsuba terms and reduce once.
    #[inline]
    #[target_feature(enable = "aes,pclmulqdq,sse2,ssse3,sse4.1")]
    fn finish(self) -> __m128i {
        let mid = _mm_xor_si128(self.mid, _mm_xor_si128(self.lo, self.hi));
        let lo = _mm_xor_si128(self.lo, _mm_slli_si128(mid, 8));
        let hi = _mm_xor_si128(self.hi, _mm_srli_si128(mid, 8));
        reduce(lo, hi)
    }
}

/// Absorb `blocks` (1..=8 raw GHASH blocks, big-endian byte order) into the
/// POLYVAL-form accumulator `acc` with a single reduction:
/// `acc' = (acc ^ X1) H^n ^ X2 H^(n-1) ^ ... ^ Xn H`.
#[inline]
#[target_feature(enable = "aes,pclmulqdq,sse2,ssse3,sse4.1")]
pub(super) fn ghash_agg(key: &Key, acc: __m128i, blocks: &[__m128i]) -> __m128i {
    let n = blocks.len();
    debug_assert!((1..=8).contains(&n));
    let bswap = bswap_mask();
    let mut sum = Acc::new();
    for (i, blk) in blocks.iter().enumerate() {
        let mut y = _mm_shuffle_epi8(*blk, bswap);
        if i == 0 {
            y = _mm_xor_si128(y, acc);
        }
        sum.mul_add(key, y, n - 1 - i);
    }
    sum.finish()
}

/// GHASH an arbitrary-length byte string (zero-padding the final block).
#[inline]
#[target_feature(enable = "aes,pclmulqdq,sse2,ssse3,sse4.1")]
pub(super) fn ghash_bytes(key: &Key, mut acc: __m128i, data: &[u8]) -> __m128i {
    let mut chunks = data.chunks_exact(128);
    for chunk in &mut chunks {
        let mut blocks = [_mm_setzero_si128(); 8];
        for (i, b) in blocks.iter_mut().enumerate() {
            // SAFETY: `chunk` has 128 bytes, so bytes 16*i..16*i+16 are readable.
            *b = unsafe { load(chunk.as_ptr().add(16 * i)) };
        }
        acc = ghash_agg(key, acc, &blocks);
    }
    let rem = chunks.remainder();
    if !rem.is_empty() {
        let mut buf = [0u8; 128];
        buf[..rem.len()].copy_from_slice(rem);
        let n = rem.len().div_ceil(16);
        let mut blocks = [_mm_setzero_si128(); 8];
        for (i, b) in blocks.iter_mut().enumerate().take(n) {
            // SAFETY: `buf` has 128 bytes and i < 8.
            *b = unsafe { load(buf.as_ptr().add(16 * i)) };
        }
        acc = ghash_agg(key, acc, &blocks[..n]);
    }
    acc
}

/// Absorb the GCM length block (bit lengths of AAD and ciphertext).
#[inline]
#[target_feature(enable = "aes,pclmulqdq,sse2,ssse3,sse4.1")]
pub(super) fn ghash_lengths(key: &Key, acc: __m128i, aad_len: usize, ct_len: usize) -> __m128i {
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&(aad_len as u64).wrapping_mul(8).to_be_bytes());
    b[8..].copy_from_slice(&(ct_len as u64).wrapping_mul(8).to_be_bytes());
    ghash_agg(key, acc, &[load_arr(&b)])
}

/// Eight AES encryptions stitched with the GHASH of eight previous
/// ciphertext blocks; returns the new (reduced) GHASH accumulator.
#[inline]
#[target_feature(enable = "aes,pclmulqdq,sse2,ssse3,sse4.1")]
fn aes8_ghash8<const NR: usize>(
    key: &Key,
    b: &mut [__m128i; 8],
    acc: __m128i,
    prev: &[__m128i; 8],
) -> __m128i {
    let rk = &key.round_keys;
    let bswap = bswap_mask();
    for x in b.iter_mut() {
        *x = _mm_xor_si128(*x, rk[0]);
    }
    let mut sum = Acc::new();
    // Rounds 1..=8 each carry one GHASH multiply (NR >= 10 always).
    for (i, k) in rk[1..=8].iter().enumerate() {
        for x in b.iter_mut() {
            *x = _mm_aesenc_si128(*x, *k);
        }
        let mut y = _mm_shuffle_epi8(prev[i], bswap);
        if i == 0 {
            y = _mm_xor_si128(y, acc);
        }
        sum.mul_add(key, y, 7 - i);
    }
    let acc = sum.finish();
    for k in &rk[9..NR] {
        for x in b.iter_mut() {
            *x = _mm_aesenc_si128(*x, *k);
        }
    }
    for x in b.iter_mut() {
        *x = _mm_aesenclast_si128(*x, rk[NR]);
    }
    acc
}

// ---------------------------------------------------------------------------
// Bulk kernels on raw pointers (input and output may be the same buffer)
// ---------------------------------------------------------------------------

/// CTR-encrypt the final `len < 128` bytes with keystream from `ctr`.
/// Returns the (zero-padded) output blocks and their count, for GHASH.
///
/// # Safety
/// `inp` must be readable and `out` writable for `len` bytes; they may be
/// equal but must not otherwise overlap.
#[inline]
#[target_feature(enable = "aes,pclmulqdq,sse2,ssse3,sse4.1")]
pub(super) unsafe fn ctr_tail<const NR: usize>(
    key: &Key,
    ctr: &mut __m128i,
    inp: *const u8,
    out: *mut u8,
    len: usize,
) -> ([__m128i; 8], usize) {
    debug_assert!(len < 128);
    let mut ks = next8(ctr);
    aes8::<NR>(&key.round_keys, &mut ks);
    let mut buf = [0u8; 128];
    // SAFETY: `inp` has `len` readable bytes and `buf` is a distinct local of 128 > len bytes.
    unsafe { core::ptr::copy_nonoverlapping(inp, buf.as_mut_ptr(), len) };
    let n = len.div_ceil(16);
    for (i, k) in ks.iter().enumerate().take(n) {
        // SAFETY: i < 8, so bytes 16*i..16*i+16 lie within the 128-byte `buf`.
        unsafe {
            let p = buf.as_mut_ptr().add(16 * i);
            store(p, _mm_xor_si128(load(p), *k));
        }
    }
    // Zero everything past the message so GHASH sees zero padding.
    buf[len..].fill(0);
    // SAFETY: `out` has `len` writable bytes; `buf` is a distinct local.
    unsafe { core::ptr::copy_nonoverlapping(buf.as_ptr(), out, len) };
    let mut blocks = [_mm_setzero_si128(); 8];
    for (i, b) in blocks.iter_mut().enumerate().take(n) {
        // SAFETY: i < 8 and `buf` has 128 bytes.
        *b = unsafe { load(buf.as_ptr().add(16 * i)) };
    }
    wipe(&mut buf);
    (blocks, n)
}

/// CTR mode from counter 2.
///
/// # Safety
/// `inp` readable and `out` writable for `len` bytes; equal or disjoint.
#[target_feature(enable = "aes,pclmulqdq,sse2,ssse3,sse4.1")]
pub(super) unsafe fn ctr_raw<const NR: usize>(
    key: &Key,
    nonce: &[u8; 12],
    inp: *const u8,
    out: *mut u8,
    len: usize,
) {
    let mut ctr = ctr_init(nonce, 2);
    let batches = len / 128;
    for bi in 0..batches {
        let off = bi * 128;
        let mut ks = next8(&mut ctr);
        aes8::<NR>(&key.round_keys, &mut ks);
        for (i, k) in ks.iter().enumerate() {
            // SAFETY: off + 16*i + 16 <= batches*128 <= len, so in bounds for both buffers;
            // each block is loaded before it is stored, so in==out is fine.
            unsafe {
                let v = _mm_xor_si128(load(inp.add(off + 16 * i)), *k);
                store(out.add(off + 16 * i), v);
            }
        }
    }
    let rem = len % 128;
    if rem > 0 {
        let off = batches * 128;
        // SAFETY: `rem` bytes remain readable/writable at offset `off`.
        let _ = unsafe { ctr_tail::<NR>(key, &mut ctr, inp.add(off), out.add(off), rem) };
    }
}

/// Longest message of the small path: its blocks, one AAD block and the length block fit one
/// eight-block GHASH aggregation.
const SMALL_MAX: usize = 96;

/// The keystream of a short message: [E(J0), E(counter 2) … E(counter 8)] in one AES pass (E(J0)
/// is no longer a serial single-block encryption).
#[inline]
#[target_feature(enable = "aes,pclmulqdq,sse2,ssse3,sse4.1")]
fn small_keystream<const NR: usize>(key: &Key, nonce: &[u8; 12]) -> [__m128i; 8] {
    let mut ctr = ctr_init(nonce, 1);
    let mut ks = next8(&mut ctr);
    aes8::<NR>(&key.round_keys, &mut ks);
    ks
}

/// The tag of a short message: one GHASH reduction over the AAD block, the ciphertext blocks of
/// `ct` (zero past `len`) and the length block, instead of three.
#[inline]
#[target_feature(enable = "aes,pclmulqdq,sse2,ssse3,sse4.1")]
fn small_tag(key: &Key, ek_j0: __m128i, aad: &[u8], ct: &[u8; SMALL_MAX], len: usize) -> [u8; 16] {
    let mut blocks = [_mm_setzero_si128(); 8];
    let mut m = 0;
    if !aad.is_empty() {
        let mut a = [0u8; 16];
        a[..aad.len()].copy_from_slice(aad);
        blocks[0] = load_arr(&a);
        m = 1;
    }
    for i in 0..len.div_ceil(16) {
        // SAFETY: i < 6 and `ct` has SMALL_MAX = 96 bytes.
        blocks[m] = unsafe { load(ct.as_ptr().add(16 * i)) };
        m += 1;
    }
    let mut lens = [0u8; 16];
    lens[..8].copy_from_slice(&(aad.len() as u64 * 8).to_be_bytes());
    lens[8..].copy_from_slice(&(len as u64 * 8).to_be_bytes());
    blocks[m] = load_arr(&lens);
    let acc = ghash_agg(key, _mm_setzero_si128(), &blocks[..=m]);
    to_arr(_mm_xor_si128(_mm_shuffle_epi8(acc, bswap_mask()), ek_j0))
}

/// XORs the keystream blocks `ks` into the first `len` bytes of `buf` (whole blocks: `buf` is
/// zero-padded scratch).
#[inline]
#[target_feature(enable = "aes,pclmulqdq,sse2,ssse3,sse4.1")]
fn small_xor(ks: &[__m128i], buf: &mut [u8; SMALL_MAX], len: usize) {
    for (i, k) in ks.iter().take(len.div_ceil(16)).enumerate() {
        // SAFETY: i < 6, so bytes 16*i..16*i+16 lie within `buf`.
        unsafe {
            let p = buf.as_mut_ptr().add(16 * i);
            store(p, _mm_xor_si128(load(p), *k));
        }
    }
}

/// GCM encryption of at most [`SMALL_MAX`] bytes with at most 16 bytes of AAD (short records).
///
/// # Safety
/// `inp` readable and `out` writable for `len <= SMALL_MAX` bytes; equal or disjoint.
#[target_feature(enable = "aes,pclmulqdq,sse2,ssse3,sse4.1")]
unsafe fn seal_small<const NR: usize>(key: &Key, nonce: &[u8; 12], aad: &[u8], inp: *const u8, out: *mut u8, len: usize) -> [u8; 16] {
    debug_assert!(len <= SMALL_MAX && aad.len() <= 16);
    let ks = small_keystream::<NR>(key, nonce);
    let mut buf = [0u8; SMALL_MAX];
    // SAFETY: `inp` has `len <= SMALL_MAX` readable bytes; `buf` is a distinct local.
    unsafe { core::ptr::copy_nonoverlapping(inp, buf.as_mut_ptr(), len) };
    small_xor(&ks[1..], &mut buf, len);
    // Zero past the message: GHASH sees zero padding.
    buf[len..].fill(0);
    // SAFETY: `out` has `len` writable bytes; `buf` is a distinct local.
    unsafe { core::ptr::copy_nonoverlapping(buf.as_ptr(), out, len) };
    let tag = small_tag(key, ks[0], aad, &buf, len);
    wipe(&mut buf);
    tag
}

/// GCM decryption of at most [`SMALL_MAX`] bytes with at most 16 bytes of AAD: the tag is
/// verified in constant time first; on failure nothing is written and 1 is returned.
///
/// # Safety
/// `ct` readable and `out` writable for `len <= SMALL_MAX` bytes; equal or disjoint.
#[target_feature(enable = "aes,pclmulqdq,sse2,ssse3,sse4.1")]
unsafe fn open_small<const NR: usize>(key: &Key, nonce: &[u8; 12], aad: &[u8], ct: *const u8, out: *mut u8, len: usize, tag: &[u8]) -> i32 {
    use subtle::ConstantTimeEq;
    debug_assert!(len <= SMALL_MAX && aad.len() <= 16);
    let ks = small_keystream::<NR>(key, nonce);
    let mut buf = [0u8; SMALL_MAX];
    // SAFETY: `ct` has `len <= SMALL_MAX` readable bytes; `buf` is a distinct local.
    unsafe { core::ptr::copy_nonoverlapping(ct, buf.as_mut_ptr(), len) };
    let expected = small_tag(key, ks[0], aad, &buf, len);
    if !bool::from(expected.ct_eq(tag)) {
        return 1;
    }
    small_xor(&ks[1..], &mut buf, len);
    // SAFETY: `out` has `len` writable bytes; `buf` is a distinct local.
    unsafe { core::ptr::copy_nonoverlapping(buf.as_ptr(), out, len) };
    wipe(&mut buf);
    0
}

/// GCM encryption; returns the tag.
///
/// # Safety
/// `inp` readable and `out` writable for `len` bytes; equal or disjoint.
#[target_feature(enable = "aes,pclmulqdq,sse2,ssse3,sse4.1")]
pub(super) unsafe fn seal_raw<const NR: usize>(
    key: &Key,
    nonce: &[u8; 12],
    aad: &[u8],
    inp: *const u8,
    out: *mut u8,
    len: usize,
) -> [u8; 16] {
    debug_assert!(len as u64 <= MAX_MESSAGE_LEN, "GCM message too long");
    if len <= SMALL_MAX && aad.len() <= 16 {
        // SAFETY: same contract as this function.
        return unsafe { seal_small::<NR>(key, nonce, aad, inp, out, len) };
    }
    let rk = &key.round_keys;
    let j0 = _mm_shuffle_epi8(ctr_init(nonce, 1), ctr_mask());
    let ek_j0 = aes1::<NR>(rk, j0);
    let mut acc = ghash_bytes(key, _mm_setzero_si128(), aad);
    let mut ctr = ctr_init(nonce, 2);

    let batches = len / 128;
    if batches > 0 {
        // First batch: CTR only.
        let mut prev = next8(&mut ctr);
        aes8::<NR>(rk, &mut prev);
        for (i, p) in prev.iter_mut().enumerate() {
            // SAFETY: 16*i + 16 <= 128 <= len; load precedes store (in==out is fine).
            unsafe {
                *p = _mm_xor_si128(load(inp.add(16 * i)), *p);
                store(out.add(16 * i), *p);
            }
        }
        // Steady state: CTR of batch bi stitched with GHASH of batch bi-1.
        for bi in 1..batches {
            let off = bi * 128;
            let mut ks = next8(&mut ctr);
            acc = aes8_ghash8::<NR>(key, &mut ks, acc, &prev);
            for (i, k) in ks.iter().enumerate() {
                // SAFETY: off + 16*i + 16 <= batches*128 <= len; load precedes store.
                unsafe {
                    prev[i] = _mm_xor_si128(load(inp.add(off + 16 * i)), *k);
                    store(out.add(off + 16 * i), prev[i]);
                }
            }
        }
        acc = ghash_agg(key, acc, &prev);
    }

    let rem = len % 128;
    if rem > 0 {
        let off = batches * 128;
        // SAFETY: `rem` bytes remain readable/writable at offset `off`.
        let (blocks, n) = unsafe { ctr_tail::<NR>(key, &mut ctr, inp.add(off), out.add(off), rem) };
        acc = ghash_agg(key, acc, &blocks[..n]);
    }

    acc = ghash_lengths(key, acc, aad.len(), len);
    to_arr(_mm_xor_si128(_mm_shuffle_epi8(acc, bswap_mask()), ek_j0))
}

/// GCM tag over AAD and ciphertext (no decryption).
#[target_feature(enable = "aes,pclmulqdq,sse2,ssse3,sse4.1")]
pub(super) fn tag_raw<const NR: usize>(key: &Key, nonce: &[u8; 12], aad: &[u8], ct: &[u8]) -> [u8; 16] {
    let j0 = _mm_shuffle_epi8(ctr_init(nonce, 1), ctr_mask());
    let ek_j0 = aes1::<NR>(&key.round_keys, j0);
    let mut acc = ghash_bytes(key, _mm_setzero_si128(), aad);
    acc = ghash_bytes(key, acc, ct);
    acc = ghash_lengths(key, acc, aad.len(), ct.len());
    to_arr(_mm_xor_si128(_mm_shuffle_epi8(acc, bswap_mask()), ek_j0))
}

impl Key {
    /// Expand an AES-128 (16-byte) or AES-256 (32-byte) key; `None` for any
    /// other length.
    ///
    /// # Safety
    /// The CPU must support aes, pclmulqdq, ssse3 and sse4.1 (caller checks).
    #[target_feature(enable = "aes,pclmulqdq,sse2,ssse3,sse4.1")]
    pub unsafe fn new(key: &[u8]) -> Option<Self> {
        let (round_keys, rounds) = match key.len() {
            16 => (expand_aes128(key.try_into().expect("16 bytes")), 10),
            32 => (expand_aes256(key.try_into().expect("32 bytes")), 14),
            _ => return None,
        };
        let zero = _mm_setzero_si128();
        let mut k = Key {
            round_keys,
            h_pows: [zero; 8],
            h_kara: [zero; 8],
            rounds,
        };

        // H = E_K(0^128); POLYVAL key = mulX(rev(H)).
        let h_block = if rounds == 10 {
            aes1::<10>(&k.round_keys, zero)
        } else {
            aes1::<14>(&k.round_keys, zero)
        };
        let mut h_bytes = to_arr(h_block);
        let v = u128::from_be_bytes(h_bytes);
        let carry = 0u128.wrapping_sub(v >> 127);
        let v = (v << 1) ^ (carry & ((1u128 << 127) | (1u128 << 126) | (1u128 << 121) | 1));
        let mut hp_bytes = v.to_le_bytes();
        let h1 = load_arr(&hp_bytes);
        wipe(&mut h_bytes);
        wipe(&mut hp_bytes);

        k.h_pows[0] = h1;
        for i in 1..8 {
            k.h_pows[i] = dot(k.h_pows[i - 1], h1);
        }
        for i in 0..8 {
            let h = k.h_pows[i];
            k.h_kara[i] = _mm_xor_si128(h, _mm_shuffle_epi32(h, 0x4e));
        }
        Some(k)
    }

    /// Encrypt `input` into `output` (same length) with CTR from counter 2
    /// and return the tag `GHASH(aad, ct, lengths) ^ E(J0)`.
    ///
    /// Panics if `input.len() != output.len()`. The caller must keep
    /// `input.len() <= 2^36 - 32` (the GCM limit).
    ///
    /// # Safety
    /// The CPU must support aes, pclmulqdq, ssse3 and sse4.1.
    #[target_feature(enable = "aes,pclmulqdq,sse2,ssse3,sse4.1")]
    pub unsafe fn seal(
        &self,
        nonce: &[u8; 12],
        aad: &[u8],
        input: &[u8],
        output: &mut [u8],
    ) -> [u8; 16] {
        assert_eq!(input.len(), output.len(), "input and output lengths differ");
        let (inp, out, len) = (input.as_ptr(), output.as_mut_ptr(), input.len());
        // SAFETY: both buffers are valid for `len` bytes and, being a shared and
        // an exclusive borrow, cannot overlap; CPU support is the caller's contract.
        unsafe {
            if self.rounds == 10 {
                seal_raw::<10>(self, nonce, aad, inp, out, len)
            } else {
                seal_raw::<14>(self, nonce, aad, inp, out, len)
            }
        }
    }

    /// In-place twin of [`Key::seal`].
    ///
    /// # Safety
    /// The CPU must support aes, pclmulqdq, ssse3 and sse4.1.
    #[target_feature(enable = "aes,pclmulqdq,sse2,ssse3,sse4.1")]
    pub unsafe fn seal_in_place(&self, nonce: &[u8; 12], aad: &[u8], buf: &mut [u8]) -> [u8; 16] {
        let (p, len) = (buf.as_mut_ptr(), buf.len());
        // SAFETY: `p` is valid for reading and writing `len` bytes; input and
        // output are the same pointer, which the kernels support.
        unsafe {
            if self.rounds == 10 {
                seal_raw::<10>(self, nonce, aad, p, p, len)
            } else {
                seal_raw::<14>(self, nonce, aad, p, p, len)
            }
        }
    }

    /// The whole open of a short message (at most 96 bytes, at most 16 bytes of AAD) from one
    /// keystream pass: 0 on success, 1 on a tag mismatch (nothing written); `None` for longer
    /// inputs (use `tag_of_ciphertext` then `ctr_xor`).
    ///
    /// # Safety
    /// The CPU must support AES-NI and PCLMULQDQ; `ct` readable and `out` writable for `len`
    /// bytes, equal or disjoint; `tag` is 16 bytes.
    #[target_feature(enable = "aes,pclmulqdq,sse2,ssse3,sse4.1")]
    pub unsafe fn open_short(&self, nonce: &[u8; 12], aad: &[u8], ct: *const u8, out: *mut u8, len: usize, tag: &[u8]) -> Option<i32> {
        if len > SMALL_MAX || aad.len() > 16 {
            return None;
        }
        // SAFETY: the caller's contract.
        Some(unsafe {
            if self.rounds == 10 {
                open_small::<10>(self, nonce, aad, ct, out, len, tag)
            } else {
                open_small::<14>(self, nonce, aad, ct, out, len, tag)
            }
        })
    }

    /// The GCM tag of ciphertext `ct` with `aad`. For decryption the caller
    /// compares it (in constant time) with the received tag BEFORE calling
    /// [`Key::ctr_xor`].
    ///
    /// # Safety
    /// The CPU must support aes, pclmulqdq, ssse3 and sse4.1.
    #[target_feature(enable = "aes,pclmulqdq,sse2,ssse3,sse4.1")]
    pub unsafe fn tag_of_ciphertext(&self, nonce: &[u8; 12], aad: &[u8], ct: &[u8]) -> [u8; 16] {
        if self.rounds == 10 {
            tag_raw::<10>(self, nonce, aad, ct)
        } else {
            tag_raw::<14>(self, nonce, aad, ct)
        }
    }

    /// CTR keystream XOR starting at counter 2 (GCM decryption after the
    /// tag has been verified). Panics if `input.len() != output.len()`.
    ///
    /// # Safety
    /// The CPU must support aes, pclmulqdq, ssse3 and sse4.1.
    #[target_feature(enable = "aes,pclmulqdq,sse2,ssse3,sse4.1")]
    pub unsafe fn ctr_xor(&self, nonce: &[u8; 12], input: &[u8], output: &mut [u8]) {
        assert_eq!(input.len(), output.len(), "input and output lengths differ");
        let (inp, out, len) = (input.as_ptr(), output.as_mut_ptr(), input.len());
        // SAFETY: both buffers are valid for `len` bytes and do not overlap.
        unsafe {
            if self.rounds == 10 {
                ctr_raw::<10>(self, nonce, inp, out, len)
            } else {
                ctr_raw::<14>(self, nonce, inp, out, len)
            }
        }
    }

    /// In-place twin of [`Key::ctr_xor`].
    ///
    /// # Safety
    /// The CPU must support aes, pclmulqdq, ssse3 and sse4.1.
    #[target_feature(enable = "aes,pclmulqdq,sse2,ssse3,sse4.1")]
    pub unsafe fn ctr_xor_in_place(&self, nonce: &[u8; 12], buf: &mut [u8]) {
        let (p, len) = (buf.as_mut_ptr(), buf.len());
        // SAFETY: `p` is valid for reading and writing `len` bytes; in==out is supported.
        unsafe {
            if self.rounds == 10 {
                ctr_raw::<10>(self, nonce, p, p, len)
            } else {
                ctr_raw::<14>(self, nonce, p, p, len)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::prelude::rust_2021::*;
    use std::{eprintln, println, vec};

    use super::Key;
    use aes_gcm::aead::{AeadInOut, KeyInit};
    use aes_gcm::{Aes128Gcm, Aes256Gcm};

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
            for chunk in buf.chunks_mut(8) {
                let r = self.next_u64().to_le_bytes();
                chunk.copy_from_slice(&r[..chunk.len()]);
            }
        }
    }

    fn cpu_ok() -> bool {
        let ok = std::is_x86_feature_detected!("aes")
            && std::is_x86_feature_detected!("pclmulqdq")
            && std::is_x86_feature_detected!("ssse3")
            && std::is_x86_feature_detected!("sse4.1");
        if !ok {
            eprintln!("skipping: CPU lacks aes/pclmulqdq/ssse3/sse4.1");
        }
        ok
    }

    fn hex(s: &str) -> Vec<u8> {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// Oracle: (ciphertext, tag) from the `aes-gcm` crate.
    fn oracle(key: &[u8], nonce: &[u8; 12], aad: &[u8], pt: &[u8]) -> (Vec<u8>, [u8; 16]) {
        let mut buf = pt.to_vec();
        let n = aes_gcm::Nonce::from(*nonce);
        let tag = match key.len() {
            16 => Aes128Gcm::new_from_slice(key)
                .unwrap()
                .encrypt_inout_detached(&n, aad, buf.as_mut_slice().into()),
            32 => Aes256Gcm::new_from_slice(key)
                .unwrap()
                .encrypt_inout_detached(&n, aad, buf.as_mut_slice().into()),
            _ => unreachable!(),
        }
        .unwrap();
        (buf, tag.into())
    }

    /// Runs every entry point of our kernel on one case and checks them
    /// against the oracle and against each other.
    fn check_case(key_bytes: &[u8], nonce: &[u8; 12], aad: &[u8], pt: &[u8], misalign: usize) {
        // SAFETY: callers only run this after `cpu_ok()` returned true.
        let key = unsafe { Key::new(key_bytes) }.unwrap();
        let (exp_ct, exp_tag) = oracle(key_bytes, nonce, aad, pt);
        let len = pt.len();

        // Out of place, with an unaligned output slice.
        let mut out_storage = vec![0u8; len + 16];
        let out = &mut out_storage[misalign..misalign + len];
        // SAFETY: CPU support checked by the caller.
        let tag = unsafe { key.seal(nonce, aad, pt, out) };
        assert_eq!(
            &out[..],
            &exp_ct[..],
            "seal ct, len {len} aad {}",
            aad.len()
        );
        assert_eq!(tag, exp_tag, "seal tag, len {len} aad {}", aad.len());

        // In place, in an unaligned buffer.
        let mut ip_storage = vec![0u8; len + 16];
        let ip = &mut ip_storage[(misalign + 3) % 16..(misalign + 3) % 16 + len];
        ip.copy_from_slice(pt);
        // SAFETY: CPU support checked by the caller.
        let tag2 = unsafe { key.seal_in_place(nonce, aad, ip) };
        assert_eq!(&ip[..], &exp_ct[..], "seal_in_place ct, len {len}");
        assert_eq!(tag2, exp_tag, "seal_in_place tag, len {len}");

        // Tag of ciphertext (open path) and CTR decryption, both variants.
        // SAFETY: CPU support checked by the caller.
        let tag3 = unsafe { key.tag_of_ciphertext(nonce, aad, &exp_ct) };
        assert_eq!(tag3, exp_tag, "tag_of_ciphertext, len {len}");
        let mut dec = vec![0u8; len];
        // SAFETY: CPU support checked by the caller.
        unsafe { key.ctr_xor(nonce, &exp_ct, &mut dec) };
        assert_eq!(&dec[..], pt, "ctr_xor, len {len}");
        let mut dec2 = exp_ct.clone();
        // SAFETY: CPU support checked by the caller.
        unsafe { key.ctr_xor_in_place(nonce, &mut dec2) };
        assert_eq!(&dec2[..], pt, "ctr_xor_in_place, len {len}");

        // A clone behaves identically (and dropping both is fine).
        let key2 = key.clone();
        drop(key);
        // SAFETY: CPU support checked by the caller.
        let tag4 = unsafe { key2.tag_of_ciphertext(nonce, aad, &exp_ct) };
        assert_eq!(tag4, exp_tag, "cloned key, len {len}");
    }

    #[test]
    fn rejects_bad_key_lengths() {
        if !cpu_ok() {
            return;
        }
        for len in [0usize, 1, 15, 17, 24, 31, 33, 64] {
            // SAFETY: CPU support checked above.
            assert!(unsafe { Key::new(&vec![0u8; len]) }.is_none(), "len {len}");
        }
    }

    #[test]
    fn gcm_spec_vectors() {
        if !cpu_ok() {
            return;
        }
        // McGrew & Viega, "The Galois/Counter Mode of Operation", test cases 1-4, 13-16.
        let zero12 = [0u8; 12];
        let k0 = [0u8; 16];
        // SAFETY: CPU support checked above.
        let key = unsafe { Key::new(&k0) }.unwrap();
        // SAFETY: CPU support checked above.
        let tag = unsafe { key.seal(&zero12, &[], &[], &mut []) };
        assert_eq!(tag.to_vec(), hex("58e2fccefa7e3061367f1d57a4e7455a"));
        let mut buf = [0u8; 16];
        // SAFETY: CPU support checked above.
        let tag = unsafe { key.seal_in_place(&zero12, &[], &mut buf) };
        assert_eq!(buf.to_vec(), hex("0388dace60b6a392f328c2b971b2fe78"));
        assert_eq!(tag.to_vec(), hex("ab6e47d42cec13bdf53a67b21257bddf"));

        let k256 = [0u8; 32];
        // SAFETY: CPU support checked above.
        let key = unsafe { Key::new(&k256) }.unwrap();
        // SAFETY: CPU support checked above.
        let tag = unsafe { key.seal(&zero12, &[], &[], &mut []) };
        assert_eq!(tag.to_vec(), hex("530f8afbc74536b9a963b4f1c4cb738b"));

        let pt = hex(
            "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72\
             1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
        );
        let aad = hex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
        let nonce: [u8; 12] = hex("cafebabefacedbaddecaf888").try_into().unwrap();
        let cases = [
            (
                "feffe9928665731c6d6a8f9467308308",
                "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e\
                 21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
                "5bc94fbc3221a5db94fae95ae7121a47",
            ),
            (
                "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
                "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa\
                 8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
                "76fc6ece0f4e1768cddf8853bb2d551b",
            ),
        ];
        for (k, ct, t) in cases {
            // SAFETY: CPU support checked above.
            let key = unsafe { Key::new(&hex(k)) }.unwrap();
            let mut out = vec![0u8; pt.len()];
            // SAFETY: CPU support checked above.
            let tag = unsafe { key.seal(&nonce, &aad, &pt, &mut out) };
            assert_eq!(out, hex(ct));
            assert_eq!(tag.to_vec(), hex(t));
        }
    }

    #[test]
    fn every_length_0_to_1100_vs_aes_gcm() {
        if !cpu_ok() {
            return;
        }
        let mut rng = TestRng(0x00ae_56c4_0000_0001);
        let mut data = vec![0u8; 1100 + 1000 + 32];
        for key_len in [16usize, 32] {
            for len in 0..=1100usize {
                rng.fill(&mut data);
                let mut key = vec![0u8; key_len];
                rng.fill(&mut key);
                let mut nonce = [0u8; 12];
                rng.fill(&mut nonce);
                let aad_len = if len % 37 == 0 {
                    1000
                } else {
                    (len * 7 + key_len) % 101
                };
                let aad = &data[1100 + 16..1100 + 16 + aad_len];
                let off = len % 16;
                let pt = &data[off..off + len];
                check_case(&key, &nonce, aad, pt, (len / 16) % 16);
            }
        }
    }

    #[test]
    fn every_aad_length_vs_aes_gcm() {
        if !cpu_ok() {
            return;
        }
        let mut rng = TestRng(0x00ae_56c4_0000_0002);
        let mut data = vec![0u8; 2048];
        rng.fill(&mut data);
        for key_len in [16usize, 32] {
            for aad_len in (0..=300usize).chain([1000, 1023, 1024, 1025]) {
                let mut key = vec![0u8; key_len];
                rng.fill(&mut key);
                let mut nonce = [0u8; 12];
                rng.fill(&mut nonce);
                let pt_len = [0usize, 1, 16, 127, 128, 129, 300][aad_len % 7];
                check_case(
                    &key,
                    &nonce,
                    &data[1..1 + aad_len],
                    &data[1024..1024 + pt_len],
                    aad_len % 16,
                );
            }
        }
    }

    #[test]
    fn large_lengths_vs_aes_gcm() {
        if !cpu_ok() {
            return;
        }
        let mut rng = TestRng(0x00ae_56c4_0000_0003);
        let mut data = vec![0u8; 3 * 1024 * 1024 + 64];
        rng.fill(&mut data);
        let lens = [
            16 * 1024,
            16 * 1024 + 1,
            64 * 1024 + 7,
            100_000,
            1024 * 1024,
            3 * 1024 * 1024 + 5,
        ];
        for (i, &len) in lens.iter().enumerate() {
            for key_len in [16usize, 32] {
                let mut key = vec![0u8; key_len];
                rng.fill(&mut key);
                let mut nonce = [0u8; 12];
                rng.fill(&mut nonce);
                let aad = &data[7..7 + [0usize, 13, 100, 1000][i % 4]];
                check_case(&key, &nonce, aad, &data[1..1 + len], i % 16);
            }
        }
    }

    #[test]
    fn counter_low_word_wraps_like_inc32() {
        if !cpu_ok() {
            return;
        }
        // The nonce API always starts at counter 2, so exercise the internal
        // counter directly: blocks at 0xffff_fffe.. must wrap the low 32 bits
        // to 0 without carrying into the nonce bytes.
        let nonce: [u8; 12] = core::array::from_fn(|i| 0xf0 | i as u8);
        // SAFETY: CPU support checked above.
        let blocks = unsafe {
            let mut ctr = super::ctr_init(&nonce, 0xffff_fffc);
            let first = super::next8(&mut ctr);
            let second = super::next8(&mut ctr);
            [
                super::to_arr(first[3]),
                super::to_arr(first[4]),
                super::to_arr(first[5]),
                super::to_arr(second[0]),
            ]
        };
        let expect = |c: u32| {
            let mut b = [0u8; 16];
            b[..12].copy_from_slice(&nonce);
            b[12..].copy_from_slice(&c.to_be_bytes());
            b
        };
        assert_eq!(blocks[0], expect(0xffff_ffff));
        assert_eq!(blocks[1], expect(0));
        assert_eq!(blocks[2], expect(1));
        assert_eq!(blocks[3], expect(4));
    }

    fn mbps(bytes: usize, iters: usize, secs: f64) -> f64 {
        (bytes * iters) as f64 / secs / 1e6
    }

    #[test]
    #[ignore = "benchmark; run with --ignored --nocapture in release"]
    fn bench_seal_vs_aes_gcm() {
        use std::hint::black_box;
        use std::time::Instant;
        if !cpu_ok() {
            return;
        }
        let nonce = [7u8; 12];
        for key_len in [16usize, 32] {
            let key_bytes = vec![0x42u8; key_len];
            // SAFETY: CPU support checked above.
            let key = unsafe { Key::new(&key_bytes) }.unwrap();
            for size in [16 * 1024usize, 1024 * 1024] {
                let iters = (256 * 1024 * 1024 / size).max(1);
                let mut buf = vec![0u8; size];
                // Warm up.
                for _ in 0..iters / 8 {
                    // SAFETY: CPU support checked above.
                    black_box(unsafe { key.seal_in_place(&nonce, &[], black_box(&mut buf)) });
                }
                let t = Instant::now();
                for _ in 0..iters {
                    // SAFETY: CPU support checked above.
                    black_box(unsafe { key.seal_in_place(&nonce, &[], black_box(&mut buf)) });
                }
                let ours = mbps(size, iters, t.elapsed().as_secs_f64());

                let t = Instant::now();
                for _ in 0..iters {
                    // SAFETY: CPU support checked above.
                    black_box(unsafe { key.tag_of_ciphertext(&nonce, &[], black_box(&buf)) });
                    // SAFETY: CPU support checked above.
                    unsafe { key.ctr_xor_in_place(&nonce, black_box(&mut buf)) };
                }
                let ours_open = mbps(size, iters, t.elapsed().as_secs_f64());

                let n = aes_gcm::Nonce::from(nonce);
                let theirs = if key_len == 16 {
                    let c = Aes128Gcm::new_from_slice(&key_bytes).unwrap();
                    let t = Instant::now();
                    for _ in 0..iters {
                        black_box(
                            c.encrypt_inout_detached(&n, &[], black_box(buf.as_mut_slice()).into())
                                .unwrap(),
                        );
                    }
                    mbps(size, iters, t.elapsed().as_secs_f64())
                } else {
                    let c = Aes256Gcm::new_from_slice(&key_bytes).unwrap();
                    let t = Instant::now();
                    for _ in 0..iters {
                        black_box(
                            c.encrypt_inout_detached(&n, &[], black_box(buf.as_mut_slice()).into())
                                .unwrap(),
                        );
                    }
                    mbps(size, iters, t.elapsed().as_secs_f64())
                };
                println!(
                    "AES-{}-GCM {:>7} B: seal {:>8.0} MB/s | open (tag+ctr) {:>8.0} MB/s | aes-gcm crate seal {:>8.0} MB/s",
                    key_len * 8,
                    size,
                    ours,
                    ours_open,
                    theirs
                );
            }
        }
    }
}
