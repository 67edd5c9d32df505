//! SHA-256: our streaming layer (buffering, padding) over two compression functions —
//! `portable` (scalar, ours) and `sha-ni` (the `sha2` crate's `compress256`, which uses the SHA
//! extensions; selected only when the CPU and policy allow `sha` + `sse4.1`).

pub mod portable;

use crate::cpu::bits;
use crate::dispatch::abi::{slice, HashKernel, HashState, KernelDesc};
use crate::kernels::state::fits;
use crate::secure::ct::secure_zero;

trait Compress {
    fn compress(state: &mut [u32; 8], blocks: &[u8]);
}

struct Portable;
impl Compress for Portable {
    fn compress(state: &mut [u32; 8], blocks: &[u8]) {
        portable::compress(state, blocks)
    }
}

struct ShaNi;
impl Compress for ShaNi {
    fn compress(state: &mut [u32; 8], blocks: &[u8]) {
        let (chunks, rest) = blocks.as_chunks::<64>();
        debug_assert!(rest.is_empty());
        sha2::block_api::compress256(state, chunks);
    }
}

#[repr(C)]
struct State {
    h: [u32; 8],
    buf: [u8; 64],
    buf_len: usize,
    total: u64,
}

unsafe extern "C" fn init(st: *mut HashState, _k: *const u8, _kl: usize, _m: u32) {
    // SAFETY: `st` is a valid HashState; `fits::<State>()` checked size/alignment.
    unsafe { st.cast::<State>().write(State { h: portable::H0, buf: [0; 64], buf_len: 0, total: 0 }) }
}

unsafe extern "C" fn update<C: Compress>(st: *mut HashState, data: *const u8, len: usize) {
    // SAFETY: `st` holds a State written by `init`.
    let s = unsafe { &mut *st.cast::<State>() };
    // SAFETY: `data` is valid for `len` bytes (caller contract).
    let mut data = unsafe { slice(data, len) };
    s.total = s.total.wrapping_add(len as u64);
    if s.buf_len > 0 {
        let take = (64 - s.buf_len).min(data.len());
        s.buf[s.buf_len..s.buf_len + take].copy_from_slice(&data[..take]);
        s.buf_len += take;
        data = &data[take..];
        if s.buf_len < 64 {
            return;
        }
        C::compress(&mut s.h, &s.buf);
        s.buf_len = 0;
    }
    let full = data.len() & !63;
    if full > 0 {
        C::compress(&mut s.h, &data[..full]);
    }
    let rest = &data[full..];
    s.buf[..rest.len()].copy_from_slice(rest);
    s.buf_len = rest.len();
}

unsafe extern "C" fn finalize<C: Compress>(st: *mut HashState, out: *mut u8, out_len: usize) {
    // SAFETY: `st` holds a State written by `init`.
    let s = unsafe { &mut *st.cast::<State>() };
    let bit_len = s.total.wrapping_mul(8);
    let n = s.buf_len;
    s.buf[n] = 0x80;
    if n >= 56 {
        s.buf[n + 1..].fill(0);
        C::compress(&mut s.h, &s.buf);
        s.buf[..56].fill(0);
    } else {
        s.buf[n + 1..56].fill(0);
    }
    s.buf[56..].copy_from_slice(&bit_len.to_be_bytes());
    C::compress(&mut s.h, &s.buf);
    let mut digest = [0u8; 32];
    for (o, w) in digest.chunks_exact_mut(4).zip(s.h) {
        o.copy_from_slice(&w.to_be_bytes());
    }
    let n = out_len.min(32);
    // SAFETY: `out` is valid for `out_len >= n` bytes (caller contract).
    unsafe { std::ptr::copy_nonoverlapping(digest.as_ptr(), out, n) }
}

/// Plain one-shot: whole blocks straight from the input, the padded tail in a local block pair;
/// no streaming state. The tail block's message bytes are wiped.
unsafe extern "C" fn oneshot<C: Compress>(data: *const u8, len: usize, out: *mut u8, out_len: usize) {
    // SAFETY: `data` is valid for `len` bytes (caller contract).
    let data = unsafe { slice(data, len) };
    let mut h = portable::H0;
    let full = len & !63;
    if full > 0 {
        C::compress(&mut h, &data[..full]);
    }
    let rest = &data[full..];
    let mut tail = [0u8; 128];
    tail[..rest.len()].copy_from_slice(rest);
    tail[rest.len()] = 0x80;
    let used = if rest.len() < 56 { 64 } else { 128 };
    tail[used - 8..used].copy_from_slice(&(len as u64).wrapping_mul(8).to_be_bytes());
    C::compress(&mut h, &tail[..used]);
    let mut digest = [0u8; 32];
    for (o, w) in digest.chunks_exact_mut(4).zip(h) {
        o.copy_from_slice(&w.to_be_bytes());
    }
    let n = out_len.min(32);
    // SAFETY: `out` is valid for `out_len >= n` bytes (caller contract).
    unsafe { std::ptr::copy_nonoverlapping(digest.as_ptr(), out, n) };
    // The message tail is the only secret left here: `h` and `digest` now hold the output itself.
    secure_zero(&mut tail[..rest.len()]);
}

unsafe extern "C" fn compress<C: Compress>(cv: *mut u32, blocks: *const u8, nblocks: usize) {
    // SAFETY: `cv` points to 8 writable, aligned words and `blocks` to `64 * nblocks` readable
    // bytes (kernel ABI contract).
    unsafe { C::compress(&mut *cv.cast::<[u32; 8]>(), slice(blocks, 64 * nblocks)) }
}

static PORTABLE: KernelDesc = KernelDesc { name: c"sha256/portable".as_ptr(), requires: 0, constant_time: true, priority: 0 };
static SHA_NI: KernelDesc = KernelDesc {
    name: c"sha256/sha-ni".as_ptr(),
    requires: bits::SHA | bits::SSE41,
    constant_time: true,
    priority: 10,
};

pub static CANDIDATES: [HashKernel; 2] = [
    HashKernel { desc: &PORTABLE, state_size: fits::<State>(), init, update: update::<Portable>, finalize: finalize::<Portable>, oneshot: Some(oneshot::<Portable>), compress: Some(compress::<Portable>) },
    HashKernel { desc: &SHA_NI, state_size: fits::<State>(), init, update: update::<ShaNi>, finalize: finalize::<ShaNi>, oneshot: Some(oneshot::<ShaNi>), compress: Some(compress::<ShaNi>) },
];
