//! One-shot HMAC-SHA384 / HMAC-SHA512 (RFC 2104 over FIPS 180-4) on chaining values, using the
//! compression entry of the *dispatched* SHA-384/512 kernel: four compressions for a short
//! message, as in the `hmac` crate, with no buffering layer and no hash-state blobs (the generic
//! path's two stack `HashState`s and their wipes made HMAC-SHA512 at 64 B ~6% slower than that
//! crate).

use crate::dispatch::HashCompressFn;
use crate::secure::ct::secure_zero;

const BLOCK: usize = 128;

fn words_as_bytes(w: &mut [u64; 8]) -> &mut [u8] {
    // SAFETY: [u64; 8] is 64 initialized bytes with no padding; u8 has alignment 1.
    unsafe { std::slice::from_raw_parts_mut(w.as_mut_ptr().cast::<u8>(), 64) }
}

/// Runs `compress` on `n` whole blocks at `blocks` into `cv`.
fn run(compress: HashCompressFn, cv: &mut [u64; 8], blocks: &[u8]) {
    debug_assert_eq!(blocks.len() % BLOCK, 0);
    // SAFETY: `cv` is 8 aligned u64 words and `blocks` whole 128-byte blocks (kernel ABI
    // contract of the SHA-384/512 compression entry).
    unsafe { compress(cv.as_mut_ptr().cast::<u32>(), blocks.as_ptr(), blocks.len() / BLOCK) }
}

/// SHA-384/512 continuation: from chaining value `cv` after `prefix` bytes (a multiple of 128),
/// absorbs `data`, pads, and writes the first `out.len()` digest bytes (48 or 64).
fn finish(compress: HashCompressFn, mut cv: [u64; 8], prefix: u64, data: &[u8], out: &mut [u8]) {
    let full = data.len() - data.len() % BLOCK;
    if full > 0 {
        run(compress, &mut cv, &data[..full]);
    }
    let rest = &data[full..];
    let mut buf = [0u8; 2 * BLOCK];
    buf[..rest.len()].copy_from_slice(rest);
    buf[rest.len()] = 0x80;
    let used = if rest.len() < BLOCK - 16 { BLOCK } else { 2 * BLOCK };
    let bits = (u128::from(prefix) + data.len() as u128) << 3;
    buf[used - 16..used].copy_from_slice(&bits.to_be_bytes());
    run(compress, &mut cv, &buf[..used]);
    for (o, w) in out.chunks_exact_mut(8).zip(cv) {
        o.copy_from_slice(&w.to_be_bytes());
    }
    secure_zero(&mut buf[..rest.len()]);
    secure_zero(words_as_bytes(&mut cv));
}

/// HMAC of `data` under `key` into `out` (48 bytes for SHA-384, 64 for SHA-512), `iv` being the
/// hash's initial value.
pub(crate) fn mac(compress: HashCompressFn, iv: &[u64; 8], key: &[u8], data: &[u8], out: &mut [u8]) {
    debug_assert!(out.len() == 48 || out.len() == 64);
    let mut k = [0u8; BLOCK];
    if key.len() > BLOCK {
        finish(compress, *iv, 0, key, &mut k[..out.len()]);
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut pad = [0u8; BLOCK];
    pad.iter_mut().zip(&k).for_each(|(p, k)| *p = k ^ 0x36);
    let mut cv = *iv;
    run(compress, &mut cv, &pad);
    let mut d = [0u8; 64];
    finish(compress, cv, BLOCK as u64, data, &mut d[..out.len()]);
    pad.iter_mut().zip(&k).for_each(|(p, k)| *p = k ^ 0x5c);
    cv = *iv;
    run(compress, &mut cv, &pad);
    finish(compress, cv, BLOCK as u64, &d[..out.len()], out);
    secure_zero(&mut k);
    secure_zero(&mut pad);
    secure_zero(&mut d);
    secure_zero(words_as_bytes(&mut cv));
}
