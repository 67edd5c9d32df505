//! BLAKE2b-512 and BLAKE2s-256 (RFC 7693), unkeyed: ours, the scalar F of `portable` under our
//! own buffering, with a one-shot that builds the final block in place and writes the digest
//! straight out. It replaced the `blake2` crate behind the generic digest adapter, which was
//! slower than the crate called directly (the state moved out to finalize; in `libxpscrypto.so`
//! the parameter-block set-up was not inlined, ~105 instructions a call). The tests below check
//! ours against that crate.

pub(crate) mod portable;

use super::state::fits;
use crate::dispatch::abi::{slice, HashKernel, HashState, KernelDesc};
use crate::secure::ct::secure_zero;
use portable::{compress, Word};

/// Block bytes (16 words).
const fn block<W: Word>() -> usize {
    16 * W::BYTES
}

/// The initial chaining value of an unkeyed hash with a full-size digest (8 words): IV with
/// the parameter block's first word (digest length, key length 0, fanout 1, depth 1).
fn h0<W: Word>() -> [W; 8] {
    let mut h = W::IV;
    h[0] ^= W::from_u64(0x0101_0000 | (8 * W::BYTES) as u64);
    h
}

/// Writes the first `min(out_len, 8 · BYTES)` digest bytes (the words, little-endian).
///
/// # Safety
/// `out` must be valid for `out_len` bytes.
unsafe fn emit<W: Word>(h: &[W; 8], out: *mut u8, out_len: usize) {
    let mut d = [0u8; 64];
    for (w, o) in h.iter().zip(d.chunks_exact_mut(W::BYTES)) {
        w.store(o);
    }
    let n = out_len.min(8 * W::BYTES);
    // SAFETY: `out` is valid for `out_len >= n` bytes (caller contract).
    unsafe { std::ptr::copy_nonoverlapping(d.as_ptr(), out, n) };
}

/// The streaming state in the `HashState` blob. BLAKE2 flags the *last* block, so a full block
/// stays buffered until more input shows it was not the last.
#[repr(C)]
struct State<W> {
    h: [W; 8],
    buf: [u8; 128],
    buf_len: usize,
    /// Bytes compressed so far.
    t: u64,
}

unsafe extern "C" fn init<W: Word>(st: *mut HashState, _k: *const u8, _kl: usize, _m: u32) {
    // SAFETY: `st` is a valid HashState; `fits::<State<W>>()` checked size and alignment.
    unsafe { st.cast::<State<W>>().write(State { h: h0::<W>(), buf: [0; 128], buf_len: 0, t: 0 }) }
}

unsafe extern "C" fn update<W: Word>(st: *mut HashState, data: *const u8, len: usize) {
    // SAFETY: `st` holds a State written by `init`.
    let s = unsafe { &mut *st.cast::<State<W>>() };
    // SAFETY: `data` is valid for `len` bytes (caller contract).
    let mut data = unsafe { slice(data, len) };
    let b = block::<W>();
    if data.is_empty() {
        return;
    }
    // Top up the buffer; if it fills and input remains, it was not the last block.
    if s.buf_len > 0 {
        let take = (b - s.buf_len).min(data.len());
        s.buf[s.buf_len..s.buf_len + take].copy_from_slice(&data[..take]);
        s.buf_len += take;
        data = &data[take..];
        if data.is_empty() {
            return;
        }
        s.t = s.t.wrapping_add(b as u64);
        compress(&mut s.h, &s.buf[..b], s.t, false);
        s.buf_len = 0;
    }
    // Whole blocks straight from the input, keeping back the last (full or partial) one.
    while data.len() > b {
        s.t = s.t.wrapping_add(b as u64);
        compress(&mut s.h, &data[..b], s.t, false);
        data = &data[b..];
    }
    s.buf[..data.len()].copy_from_slice(data);
    s.buf_len = data.len();
}

unsafe extern "C" fn finalize<W: Word>(st: *mut HashState, out: *mut u8, out_len: usize) {
    // SAFETY: `st` holds a State written by `init` (the caller wipes the blob afterwards).
    let s = unsafe { &mut *st.cast::<State<W>>() };
    let b = block::<W>();
    s.buf[s.buf_len..b].fill(0);
    s.t = s.t.wrapping_add(s.buf_len as u64);
    compress(&mut s.h, &s.buf[..b], s.t, true);
    // SAFETY: `out` is valid for `out_len` bytes (caller contract).
    unsafe { emit(&s.h, out, out_len) }
}

/// Plain one-shot: blocks straight from the input, the last one (zero-padded) in a local block;
/// no streaming state. The local copy of the message bytes is wiped.
unsafe extern "C" fn oneshot<W: Word>(data: *const u8, len: usize, out: *mut u8, out_len: usize) {
    // SAFETY: `data` is valid for `len` bytes (caller contract).
    let data = unsafe { slice(data, len) };
    let b = block::<W>();
    let mut h = h0::<W>();
    // All blocks but the last (an empty message is one block of zeros).
    let body = if len == 0 { 0 } else { (len - 1) / b * b };
    let mut t = 0u64;
    for blk in data[..body].chunks_exact(b) {
        t += b as u64;
        compress(&mut h, blk, t, false);
    }
    let rest = &data[body..];
    let mut last = [0u8; 128];
    last[..rest.len()].copy_from_slice(rest);
    compress(&mut h, &last[..b], len as u64, true);
    // SAFETY: `out` is valid for `out_len` bytes (caller contract).
    unsafe { emit(&h, out, out_len) };
    // The whole (fixed-size) block: a variable-length wipe is a `memset` call.
    secure_zero(&mut last);
}

const fn ours<W: Word>(desc: &'static KernelDesc) -> HashKernel {
    HashKernel {
        desc,
        state_size: fits::<State<W>>(),
        init: init::<W>,
        update: update::<W>,
        finalize: finalize::<W>,
        oneshot: Some(oneshot::<W>),
        compress: None,
    }
}

static PB: KernelDesc = KernelDesc { name: c"blake2b-512/portable".as_ptr(), requires: 0, constant_time: true, priority: 0 };
static PS: KernelDesc = KernelDesc { name: c"blake2s-256/portable".as_ptr(), requires: 0, constant_time: true, priority: 0 };

pub static BLAKE2B_512: [HashKernel; 1] = [ours::<u64>(&PB)];
pub static BLAKE2S_256: [HashKernel; 1] = [ours::<u32>(&PS)];

#[cfg(test)]
mod tests {
    use super::*;
    use blake2::Digest;
    use std::mem::MaybeUninit;

    fn data(n: usize) -> Vec<u8> {
        (0..n).map(|i| (i * 131 + (i >> 8) * 7 + 3) as u8).collect()
    }

    /// One-shot and streaming (split at `cuts`) through the kernel entry points.
    fn ours(k: &HashKernel, msg: &[u8], cuts: &[usize]) -> (Vec<u8>, Vec<u8>) {
        let n = 8 * if k.desc.name().starts_with("blake2b") { 8 } else { 4 };
        let mut one = vec![0u8; n];
        // SAFETY: valid slices with their lengths.
        unsafe { (k.oneshot.unwrap())(msg.as_ptr(), msg.len(), one.as_mut_ptr(), n) };
        let mut st = MaybeUninit::<HashState>::uninit();
        let mut streamed = vec![0u8; n];
        let mut at = 0;
        // SAFETY: init → update → finalize on one blob; slices valid.
        unsafe {
            (k.init)(st.as_mut_ptr(), std::ptr::null(), 0, 0);
            for &c in cuts.iter().chain([msg.len()].iter()) {
                let c = c.clamp(at, msg.len());
                (k.update)(st.as_mut_ptr(), msg[at..c].as_ptr(), c - at);
                at = c;
            }
            (k.finalize)(st.as_mut_ptr(), streamed.as_mut_ptr(), n);
        }
        (one, streamed)
    }

    /// Against the `blake2` crate: every length to 600 (around the 64- and 128-byte blocks), a
    /// few long ones, streamed in pieces that end on, before and after block boundaries.
    #[test]
    fn matches_the_blake2_crate() {
        let big = data(70_000);
        let lens = (0..=600).chain([1023, 1024, 1025, 4096, 65_536, 70_000]);
        for len in lens {
            let msg = &big[..len];
            let cuts = [len / 3, len / 3 + 1, 64, 128, 129, len / 2];
            let want_b = blake2::Blake2b512::digest(msg);
            let want_s = blake2::Blake2s256::digest(msg);
            for (k, want) in [(&BLAKE2B_512[0], &want_b[..]), (&BLAKE2S_256[0], &want_s[..])] {
                let mut sorted = cuts;
                sorted.sort_unstable();
                let (one, streamed) = ours(k, msg, &sorted);
                assert_eq!(one, want, "{} one-shot, len {len}", k.desc.name());
                assert_eq!(streamed, want, "{} streamed, len {len}", k.desc.name());
                let (_, bytewise) = ours(k, msg, &(0..len.min(300)).collect::<Vec<_>>());
                assert_eq!(bytewise, want, "{} byte by byte, len {len}", k.desc.name());
            }
        }
    }

    /// RFC 7693 Appendix A and B: BLAKE2b-512 and BLAKE2s-256 of "abc".
    #[test]
    fn rfc7693_abc() {
        let (b, _) = ours(&BLAKE2B_512[0], b"abc", &[]);
        let (s, _) = ours(&BLAKE2S_256[0], b"abc", &[]);
        assert_eq!(
            b,
            hex::decode("ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923").unwrap()
        );
        assert_eq!(s, hex::decode("508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982").unwrap());
    }
}
