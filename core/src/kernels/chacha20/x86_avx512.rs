//! ChaCha20 (RFC 8439, 32-bit counter, 96-bit nonce) on AVX-512F, in two layouts:
//! - 16 blocks (1 KiB) at a time in the "one state word per register" layout (lane j = block j):
//!   no shuffles in the rounds, one 16×16 transpose at the end (`keystream16`);
//! - 4 blocks at a time for the tail and short inputs: one zmm register per state row, one 128-bit
//!   lane per block; the diagonal rounds rotate words within lanes (`vpshufd`) and a 4×4 transpose
//!   of 128-bit lanes (`vshufi32x4`) turns rows back into blocks (`keystream`).
//!
//! Rotations are single `vprold`s. Block counters are `counter + i` with 32-bit wrap-around like
//! the scalar code. Data-independent: no branches or indices depend on the key, nonce or data.

#![cfg(target_arch = "x86_64")]

use core::arch::x86_64::*;

#[derive(Clone, Copy)]
struct Group {
    a: __m512i,
    b: __m512i,
    c: __m512i,
    d: __m512i,
}

#[inline]
#[target_feature(enable = "avx512f")]
fn quarter(g: &mut Group) {
    g.a = _mm512_add_epi32(g.a, g.b);
    g.d = _mm512_rol_epi32::<16>(_mm512_xor_si512(g.d, g.a));
    g.c = _mm512_add_epi32(g.c, g.d);
    g.b = _mm512_rol_epi32::<12>(_mm512_xor_si512(g.b, g.c));
    g.a = _mm512_add_epi32(g.a, g.b);
    g.d = _mm512_rol_epi32::<8>(_mm512_xor_si512(g.d, g.a));
    g.c = _mm512_add_epi32(g.c, g.d);
    g.b = _mm512_rol_epi32::<7>(_mm512_xor_si512(g.b, g.c));
}

/// 20 rounds (10 column + diagonal double rounds) on every group; `between(i)` runs after double
/// round `i` (other work to interleave with the rounds; only the 16-block layout's caller in
/// `xor_keystream_and_mac` uses it today).
#[inline]
#[target_feature(enable = "avx512f")]
fn rounds<const G: usize>(gs: &mut [Group; G], mut between: impl FnMut(usize)) {
    for i in 0..10 {
        for g in gs.iter_mut() {
            quarter(g);
            // Diagonalize within each block's lane: word j of the rows becomes (a[j−1], b[j],
            // c[j+1], d[j+2]), diagonal j − 1. Row b, the last value of a quarter round, stays
            // in place, so no shuffle sits on the serial chain (a, c and d are ready earlier).
            g.a = _mm512_shuffle_epi32::<0x93>(g.a);
            g.c = _mm512_shuffle_epi32::<0x39>(g.c);
            g.d = _mm512_shuffle_epi32::<0x4e>(g.d);
        }
        for g in gs.iter_mut() {
            quarter(g);
            g.a = _mm512_shuffle_epi32::<0x39>(g.a);
            g.c = _mm512_shuffle_epi32::<0x93>(g.c);
            g.d = _mm512_shuffle_epi32::<0x4e>(g.d);
        }
        between(i);
    }
}

/// The 16 state words as four rows broadcast to the four lanes; row d with lane j's counter + j.
#[inline]
#[target_feature(enable = "avx512f")]
fn initial(key: &[u8; 32], nonce: &[u8; 12], counter: u32) -> Group {
    // Built in registers from the key and nonce themselves: a row array written word by word and
    // read back with 16-byte loads stalled every call on the failed store-to-load forwarding
    // (about 8% of a 64-byte seal), and left a key copy on the stack to wipe.
    // SAFETY: 16-byte loads inside the 32-byte key; an 8-byte load inside the 12-byte nonce.
    let (k0, k1, n01) = unsafe {
        (_mm_loadu_si128(key.as_ptr().cast()), _mm_loadu_si128(key.as_ptr().add(16).cast()), _mm_loadl_epi64(nonce.as_ptr().cast()))
    };
    let n2 = u32::from_le_bytes([nonce[8], nonce[9], nonce[10], nonce[11]]);
    // [counter, n0, n1, n2]: the nonce words moved up one word, the counter into word 0.
    let d = _mm_insert_epi32::<0>(_mm_slli_si128::<4>(_mm_insert_epi32::<2>(n01, n2 as i32)), counter as i32);
    let a = _mm_setr_epi32(0x6170_7865, 0x3320_646e, 0x7962_2d32, 0x6b20_6574);
    Group {
        a: _mm512_broadcast_i32x4(a),
        b: _mm512_broadcast_i32x4(k0),
        c: _mm512_broadcast_i32x4(k1),
        d: _mm512_add_epi32(_mm512_broadcast_i32x4(d), _mm512_set_epi32(0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0)),
    }
}

fn bytes_of(w: &mut [u32; 16]) -> &mut [u8] {
    // SAFETY: [u32; 16] is 64 initialized bytes without padding; u8 has alignment 1.
    unsafe { std::slice::from_raw_parts_mut(w.as_mut_ptr().cast::<u8>(), 64) }
}

/// Keystream of 4·G blocks from block `first` on (relative to `init`'s counter), transposed to
/// block order: `out[4g + j]` is block `first + 4g + j`. `N` = 4·G.
#[inline]
#[target_feature(enable = "avx512f")]
fn keystream<const G: usize, const N: usize>(init: &Group, first: u32, between: impl FnMut(usize)) -> [__m512i; N] {
    let mut start = [*init; G];
    for (g, s) in start.iter_mut().enumerate() {
        let add = (4 * g as u32).wrapping_add(first) as i32;
        s.d = _mm512_add_epi32(s.d, _mm512_set_epi32(0, 0, 0, add, 0, 0, 0, add, 0, 0, 0, add, 0, 0, 0, add));
    }
    let mut gs = start;
    rounds(&mut gs, between);
    let mut out = [_mm512_setzero_si512(); N];
    for (g, (x, s)) in gs.iter().zip(start.iter()).enumerate() {
        let (a, b, c, d) = (_mm512_add_epi32(x.a, s.a), _mm512_add_epi32(x.b, s.b), _mm512_add_epi32(x.c, s.c), _mm512_add_epi32(x.d, s.d));
        // 4×4 transpose of 128-bit lanes: [a_j b_j c_j d_j] is block j.
        let t0 = _mm512_shuffle_i32x4::<0x44>(a, b);
        let t1 = _mm512_shuffle_i32x4::<0xee>(a, b);
        let t2 = _mm512_shuffle_i32x4::<0x44>(c, d);
        let t3 = _mm512_shuffle_i32x4::<0xee>(c, d);
        out[4 * g] = _mm512_shuffle_i32x4::<0x88>(t0, t2);
        out[4 * g + 1] = _mm512_shuffle_i32x4::<0xdd>(t0, t2);
        out[4 * g + 2] = _mm512_shuffle_i32x4::<0x88>(t1, t3);
        out[4 * g + 3] = _mm512_shuffle_i32x4::<0xdd>(t1, t3);
    }
    out
}

/// The 16 input words (constants, key, `counter`, nonce); the caller wipes them.
fn words(key: &[u8; 32], nonce: &[u8; 12], counter: u32) -> [u32; 16] {
    let mut w = [0u32; 16];
    w[..4].copy_from_slice(&[0x6170_7865, 0x3320_646e, 0x7962_2d32, 0x6b20_6574]);
    for (i, x) in w[4..12].iter_mut().enumerate() {
        *x = u32::from_le_bytes(key[4 * i..4 * i + 4].try_into().expect("4 bytes"));
    }
    w[12] = counter;
    for (i, x) in w[13..16].iter_mut().enumerate() {
        *x = u32::from_le_bytes(nonce[4 * i..4 * i + 4].try_into().expect("4 bytes"));
    }
    w
}

/// One quarter round on words a, b, c, d of 16 blocks at once (one word per register).
#[inline]
#[target_feature(enable = "avx512f")]
fn qr16(x: &mut [__m512i; 16], a: usize, b: usize, c: usize, d: usize) {
    x[a] = _mm512_add_epi32(x[a], x[b]);
    x[d] = _mm512_rol_epi32::<16>(_mm512_xor_si512(x[d], x[a]));
    x[c] = _mm512_add_epi32(x[c], x[d]);
    x[b] = _mm512_rol_epi32::<12>(_mm512_xor_si512(x[b], x[c]));
    x[a] = _mm512_add_epi32(x[a], x[b]);
    x[d] = _mm512_rol_epi32::<8>(_mm512_xor_si512(x[d], x[a]));
    x[c] = _mm512_add_epi32(x[c], x[d]);
    x[b] = _mm512_rol_epi32::<7>(_mm512_xor_si512(x[b], x[c]));
}

/// 16 blocks from block `first` on (relative to `w`'s counter), in the "one state word per
/// register" layout (lane j = block first + j): no diagonal shuffles in the rounds, one 16×16
/// transpose at the end. `out[j]` is block `first + j`. `between(i)` runs after double round i.
#[inline]
#[target_feature(enable = "avx512f")]
fn keystream16(w: &[u32; 16], first: u32, mut between: impl FnMut(usize)) -> [__m512i; 16] {
    let mut s: [__m512i; 16] = core::array::from_fn(|i| _mm512_set1_epi32(w[i] as i32));
    let lanes = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
    s[12] = _mm512_add_epi32(_mm512_add_epi32(s[12], _mm512_set1_epi32(first as i32)), lanes);
    let mut x = s;
    for i in 0..10 {
        qr16(&mut x, 0, 4, 8, 12);
        qr16(&mut x, 1, 5, 9, 13);
        qr16(&mut x, 2, 6, 10, 14);
        qr16(&mut x, 3, 7, 11, 15);
        qr16(&mut x, 0, 5, 10, 15);
        qr16(&mut x, 1, 6, 11, 12);
        qr16(&mut x, 2, 7, 8, 13);
        qr16(&mut x, 3, 4, 9, 14);
        between(i);
    }
    for (a, b) in x.iter_mut().zip(s.iter()) {
        *a = _mm512_add_epi32(*a, *b);
    }
    // Within 128-bit lanes: y[4a + c], lane L = words 4a..4a+3 of block 4L + c.
    let mut y = [_mm512_setzero_si512(); 16];
    for a in 0..4 {
        let (x0, x1, x2, x3) = (x[4 * a], x[4 * a + 1], x[4 * a + 2], x[4 * a + 3]);
        let (t0, t1) = (_mm512_unpacklo_epi32(x0, x1), _mm512_unpackhi_epi32(x0, x1));
        let (t2, t3) = (_mm512_unpacklo_epi32(x2, x3), _mm512_unpackhi_epi32(x2, x3));
        y[4 * a] = _mm512_unpacklo_epi64(t0, t2);
        y[4 * a + 1] = _mm512_unpackhi_epi64(t0, t2);
        y[4 * a + 2] = _mm512_unpacklo_epi64(t1, t3);
        y[4 * a + 3] = _mm512_unpackhi_epi64(t1, t3);
    }
    // Across registers: block 4L + c gathers lane L of y[c], y[4 + c], y[8 + c], y[12 + c].
    let mut out = [_mm512_setzero_si512(); 16];
    for c in 0..4 {
        let (a, b, cc, d) = (y[c], y[4 + c], y[8 + c], y[12 + c]);
        let t0 = _mm512_shuffle_i32x4::<0x44>(a, b);
        let t1 = _mm512_shuffle_i32x4::<0xee>(a, b);
        let t2 = _mm512_shuffle_i32x4::<0x44>(cc, d);
        let t3 = _mm512_shuffle_i32x4::<0xee>(cc, d);
        out[c] = _mm512_shuffle_i32x4::<0x88>(t0, t2);
        out[4 + c] = _mm512_shuffle_i32x4::<0xdd>(t0, t2);
        out[8 + c] = _mm512_shuffle_i32x4::<0x88>(t1, t3);
        out[12 + c] = _mm512_shuffle_i32x4::<0xdd>(t1, t3);
    }
    out
}

/// XORs the keystream starting at block `counter` into `buf` (in place).
///
/// # Safety
/// The CPU must support AVX-512F.
#[target_feature(enable = "avx512f")]
pub unsafe fn xor_keystream_in_place(key: &[u8; 32], nonce: &[u8; 12], counter: u32, buf: &mut [u8]) {
    // SAFETY: in place; AVX-512F per this function's contract.
    unsafe { xor_keystream(key, nonce, counter, None, buf) }
}

/// Writes `src` XOR the keystream starting at block `counter` to `out`; `src` = `None`: in
/// place (`out` is the input). Reading the input and writing the output in one pass (instead of
/// copying first) is what keeps an out-of-place seal as fast as an in-place one.
///
/// # Safety
/// The CPU must support AVX-512F; `src`, if given, is readable for `out.len()` bytes and does
/// not overlap `out`.
#[target_feature(enable = "avx512f")]
pub unsafe fn xor_keystream(key: &[u8; 32], nonce: &[u8; 12], counter: u32, src: Option<*const u8>, out: &mut [u8]) {
    let init = initial(key, nonce, counter);
    let mut w = if out.len() > 512 { words(key, nonce, counter) } else { [0u32; 16] };
    let (len, dst) = (out.len(), out.as_mut_ptr());
    let src = src.unwrap_or(dst.cast_const());
    let mut done = 0usize;
    let mut block = 0u32;
    while done < len {
        // One pass per 16 blocks; a shorter rest in one pass of 4, 8 or 16 blocks. A pass is
        // bound by the latency of its 20 rounds, not by how many blocks it computes, so a rest of
        // 5–16 blocks costs one pass instead of two to four 4-block ones.
        let n = (len - done).min(64 * 16);
        // SAFETY: bytes done..done + n of the input and the output (caller contract).
        unsafe {
            let (s, d) = (src.add(done), dst.add(done));
            match n {
                0..=256 => xor_blocks(&keystream::<1, 4>(&init, block, |_| {}), s, d, n),
                257..=512 => xor_blocks(&keystream::<2, 8>(&init, block, |_| {}), s, d, n),
                _ => xor_blocks(&keystream16(&w, block, |_| {}), s, d, n),
            };
        }
        done += n;
        block = block.wrapping_add(n.div_ceil(64) as u32);
    }
    crate::secure::ct::secure_zero(bytes_of(&mut w));
}

/// Seal of a message of at most 15 blocks (960 bytes) in one vector pass: blocks 0..=n of the
/// keystream (n = the message's blocks) from one pass of 4, 8 or 16 blocks, blocks 1..=n XORed
/// into `buf` in place, the first 32 bytes of block 0 (the Poly1305 key) into `otk`. No
/// intermediate keystream buffer: the blocks go from registers to the message.
///
/// # Safety
/// The CPU must support AVX-512F; `buf.len() <= 960`.
#[target_feature(enable = "avx512f")]
pub(crate) unsafe fn xor_message_from_block1(key: &[u8; 32], nonce: &[u8; 12], buf: &mut [u8], otk: &mut [u8; 32]) {
    debug_assert!(buf.len() <= 15 * 64);
    #[inline]
    #[target_feature(enable = "avx512f")]
    fn finish(ks: &[__m512i], buf: &mut [u8], otk: &mut [u8; 32]) {
        let mut b0 = [0u8; 64];
        // SAFETY: `b0` is 64 writable bytes.
        unsafe { _mm512_storeu_si512(b0.as_mut_ptr().cast(), ks[0]) };
        otk.copy_from_slice(&b0[..32]);
        crate::secure::ct::secure_zero(&mut b0);
        let p = buf.as_mut_ptr();
        // SAFETY: `buf` is readable and writable for its length (in place).
        unsafe { xor_blocks(&ks[1..], p, p, buf.len()) };
    }
    match 1 + buf.len().div_ceil(64) {
        0..=4 => finish(&keystream::<1, 4>(&initial(key, nonce, 0), 0, |_| {}), buf, otk),
        5..=8 => finish(&keystream::<2, 8>(&initial(key, nonce, 0), 0, |_| {}), buf, otk),
        _ => {
            let mut w = words(key, nonce, 0);
            finish(&keystream16(&w, 0, |_| {}), buf, otk);
            crate::secure::ct::secure_zero(bytes_of(&mut w));
        }
    }
}

/// Seal's stitched path: writes `src` (`None`: `buf` itself) XOR the keystream from block
/// `counter` to `buf` (whole 1 KiB batches) and absorbs the ciphertext into `mac`; the eight
/// Poly1305 chunks of batch k run between the double rounds of batch k + 1, so the multiply
/// units work while the vector ALUs do ChaCha20. Returns the number of bytes processed
/// (`buf.len()` rounded down to 1 KiB).
///
/// # Safety
/// The CPU must support AVX-512F and AVX-512 IFMA; `src`, if given, is readable for
/// `buf.len()` bytes and does not overlap `buf`.
#[target_feature(enable = "avx512f,avx512ifma")]
pub(crate) unsafe fn xor_keystream_and_mac(
    key: &[u8; 32],
    nonce: &[u8; 12],
    counter: u32,
    src: Option<*const u8>,
    buf: &mut [u8],
    mac: &mut crate::kernels::poly1305::x86_ifma::Stream,
) -> usize {
    const BATCH: usize = 64 * 16;
    let mut w = words(key, nonce, counter);
    let batches = buf.len() / BATCH;
    let base = buf.as_mut_ptr();
    let src = src.unwrap_or(base.cast_const());
    for k in 0..batches {
        // Ciphertext of the previous batch (already written), absorbed during this batch's rounds.
        let prev = (k > 0).then(|| base.wrapping_add(BATCH * (k - 1)).cast_const());
        let ks = keystream16(&w, (16 * k) as u32, |i| {
            if let (Some(p), true) = (prev, i < 8) {
                // SAFETY: chunk i of the previous batch: 128 bytes inside `buf`, written before
                // this batch started; the features are those of this function.
                unsafe { mac.absorb(p.add(128 * i)) }
            }
        });
        // SAFETY: batch k: BATCH bytes of the input and of `buf` (an earlier batch is `prev`).
        unsafe { xor_blocks(&ks, src.add(BATCH * k), base.add(BATCH * k), BATCH) };
    }
    crate::secure::ct::secure_zero(bytes_of(&mut w));
    if batches > 0 {
        for i in 0..8 {
            // SAFETY: the last batch's chunks, inside `buf`.
            unsafe { mac.absorb(base.add(BATCH * (batches - 1) + 128 * i)) }
        }
    }
    BATCH * batches
}

/// Writes `n` bytes (at most `64 · ks.len()`) of `src` XOR the keystream blocks `ks` to `dst`.
///
/// # Safety
/// `src` readable and `dst` writable for `n` bytes; equal (in place) or disjoint.
#[inline]
#[target_feature(enable = "avx512f")]
unsafe fn xor_blocks(ks: &[__m512i], src: *const u8, dst: *mut u8, n: usize) {
    debug_assert!(n <= 64 * ks.len());
    let whole = n / 64;
    for (i, k) in ks.iter().enumerate().take(whole) {
        // SAFETY: 64·i + 64 <= n bytes at `src` and `dst`; unaligned load/store of one block.
        unsafe { _mm512_storeu_si512(dst.add(64 * i).cast(), _mm512_xor_si512(_mm512_loadu_si512(src.add(64 * i).cast()), *k)) };
    }
    if !n.is_multiple_of(64) {
        let mut tmp = [0u8; 64];
        // SAFETY: `tmp` is 64 writable bytes.
        unsafe { _mm512_storeu_si512(tmp.as_mut_ptr().cast(), ks[whole]) };
        for (j, k) in tmp.iter().enumerate().take(n - 64 * whole) {
            let at = 64 * whole + j;
            // SAFETY: `at < n`: in bounds of both buffers.
            unsafe { *dst.add(at) = *src.add(at) ^ k };
        }
        crate::secure::ct::secure_zero(&mut tmp);
    }
}

#[cfg(test)]
mod tests {
    /// Against the scalar kernel on every length to 2100 (all group/tail splits), counters near the
    /// 32-bit wrap, unaligned buffers.
    #[test]
    fn matches_the_portable_kernel() {
        if !std::is_x86_feature_detected!("avx512f") {
            eprintln!("skipping: no AVX-512F");
            return;
        }
        let mut seed = 3u64;
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as u8
        };
        for len in (0..2100).chain([4096, 65536 + 7]) {
            let key: [u8; 32] = std::array::from_fn(|_| next());
            let nonce: [u8; 12] = std::array::from_fn(|_| next());
            let counter = [0u32, 1, 7, u32::MAX - 3][len % 4];
            if u64::from(counter) + (len as u64).div_ceil(64) > 1 << 32 {
                continue;
            }
            let data: Vec<u8> = (0..len).map(|_| next()).collect();
            let mut want = data.clone();
            super::super::portable::xor_keystream_in_place(&key, &nonce, counter, &mut want);
            let mis = len % 5;
            let mut store = vec![0u8; len + 5];
            store[mis..mis + len].copy_from_slice(&data);
            // SAFETY: AVX-512F checked above.
            unsafe { super::xor_keystream_in_place(&key, &nonce, counter, &mut store[mis..mis + len]) };
            assert_eq!(&store[mis..mis + len], &want[..], "len {len} counter {counter}");
        }
        // Out of place (`xor_keystream` with a separate input): misaligned input and output,
        // every pass size, and near the top of the counter.
        for len in (0..1100).step_by(7).chain([2048, 4097, 16384 + 65]) {
            let key: [u8; 32] = std::array::from_fn(|_| next());
            let nonce: [u8; 12] = std::array::from_fn(|_| next());
            let counter = [0u32, 5, u32::MAX - 300][len % 3];
            let data: Vec<u8> = (0..len + 3).map(|_| next()).collect();
            let mut want = data[3..].to_vec();
            super::super::portable::xor_keystream_in_place(&key, &nonce, counter, &mut want);
            let mut out = vec![0u8; len + 1];
            // SAFETY: AVX-512F checked above; the input is `len` readable bytes, disjoint from `out`.
            unsafe { super::xor_keystream(&key, &nonce, counter, Some(data[3..].as_ptr()), &mut out[1..]) };
            assert_eq!(&out[1..], &want[..], "out of place, len {len} counter {counter}");
            assert_eq!(out[0], 0, "nothing before the output");
        }
        // The 16-block path near the top of the 32-bit counter (room for the whole input).
        for len in [1024usize, 2048, 4096, 4096 + 100] {
            let counter = u32::MAX - 80;
            let key: [u8; 32] = std::array::from_fn(|_| next());
            let nonce: [u8; 12] = std::array::from_fn(|_| next());
            let data: Vec<u8> = (0..len).map(|_| next()).collect();
            let mut want = data.clone();
            super::super::portable::xor_keystream_in_place(&key, &nonce, counter, &mut want);
            let mut got = data.clone();
            // SAFETY: AVX-512F checked above.
            unsafe { super::xor_keystream_in_place(&key, &nonce, counter, &mut got) };
            assert_eq!(got, want, "len {len} counter {counter}");
        }
    }

    /// The one-pass seal keystream on every length to 960 (4-, 8- and 16-block passes) against the
    /// scalar kernel: the first 32 bytes of block 0 to `otk`, blocks 1.. over the message,
    /// unaligned buffers.
    #[test]
    fn message_from_block1_matches_the_portable_kernel() {
        if !std::is_x86_feature_detected!("avx512f") {
            eprintln!("skipping: no AVX-512F");
            return;
        }
        let mut seed = 11u64;
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as u8
        };
        for len in 0..=960 {
            let key: [u8; 32] = std::array::from_fn(|_| next());
            let nonce: [u8; 12] = std::array::from_fn(|_| next());
            let data: Vec<u8> = (0..len).map(|_| next()).collect();
            let mut want = vec![0u8; 64];
            want.extend_from_slice(&data);
            super::super::portable::xor_keystream_in_place(&key, &nonce, 0, &mut want);
            let mis = len % 7;
            let mut store = vec![0xEEu8; len + 7 + 1];
            store[mis..mis + len].copy_from_slice(&data);
            let mut otk = [0u8; 32];
            // SAFETY: AVX-512F checked above; len <= 960.
            unsafe { super::xor_message_from_block1(&key, &nonce, &mut store[mis..mis + len], &mut otk) };
            assert_eq!(&otk[..], &want[..32], "len {len}: Poly1305 key");
            assert_eq!(&store[mis..mis + len], &want[64..], "len {len}: message");
            assert_eq!(store[mis + len], 0xEE, "len {len}: wrote past the message");
        }
    }
}
