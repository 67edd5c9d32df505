//! The Merkle–Damgård layer of our SHA-2 kernels (FIPS 180-4 §5.1): buffering, padding and the
//! length field over a compression function. One code path for SHA-256 (64-byte blocks, 64-bit
//! length) and SHA-384/512 (128-byte blocks, 128-bit length); a kernel is an `Md` type.

use crate::dispatch::abi::{slice, HashKernel, HashState, KernelDesc};
use crate::kernels::state::fits;
use crate::secure::ct::secure_zero;

/// A hash of the SHA-2 family over one compression function.
pub(crate) trait Md {
    /// `u32` or `u64`.
    type Word: Copy + BeBytes;
    /// Block size in bytes: 64 or 128 (the length field is an eighth of it).
    const BLOCK: usize;
    /// The initial hash value.
    const IV: [Self::Word; 8];
    /// Digest size in bytes (at most the whole chaining value).
    const OUT: usize;
    /// Compresses `blocks` (a whole number of blocks) into `h`.
    fn compress(h: &mut [Self::Word; 8], blocks: &[u8]);
}

/// Big-endian serialization of a chaining-value word.
pub(crate) trait BeBytes {
    const SIZE: usize;
    fn put(self, out: &mut [u8]);
    /// Writes the `SIZE` bytes at `p`.
    ///
    /// # Safety
    /// `p` must be valid for writes of `SIZE` bytes.
    unsafe fn put_raw(self, p: *mut u8);
}

impl BeBytes for u32 {
    const SIZE: usize = 4;
    fn put(self, out: &mut [u8]) {
        out.copy_from_slice(&self.to_be_bytes())
    }
    unsafe fn put_raw(self, p: *mut u8) {
        // SAFETY: the caller's contract; `[u8; 4]` has alignment 1.
        unsafe { p.cast::<[u8; 4]>().write_unaligned(self.to_be_bytes()) }
    }
}

impl BeBytes for u64 {
    const SIZE: usize = 8;
    fn put(self, out: &mut [u8]) {
        out.copy_from_slice(&self.to_be_bytes())
    }
    unsafe fn put_raw(self, p: *mut u8) {
        // SAFETY: the caller's contract; `[u8; 8]` has alignment 1.
        unsafe { p.cast::<[u8; 8]>().write_unaligned(self.to_be_bytes()) }
    }
}

/// The streaming state in the `HashState` blob. `total` counts bytes (2^64 − 1 at most; the
/// 128-bit length field of SHA-384/512 is that count times 8). `buf` holds two blocks so that
/// `finalize` pads in place like the one-shot does. `buf_len` is 0..=BLOCK: the last block seen
/// is kept back, even when whole, until more data arrives, so that `finalize` hashes it with
/// the padding in one compression call (a 64-byte SHA-256 stream: one call, not two).
#[repr(C)]
pub(crate) struct State<W> {
    pub(crate) h: [W; 8],
    buf: [u8; 256],
    buf_len: usize,
    total: u64,
}

/// Writes the padding and length field after the `n` message bytes at the start of `blk` (two
/// blocks long) and returns how many bytes of `blk` to compress (one or two blocks).
fn pad<M: Md>(blk: &mut [u8], n: usize, total: u64) -> usize {
    let used = if n < M::BLOCK - M::BLOCK / 8 { M::BLOCK } else { 2 * M::BLOCK };
    blk[n + 1..used - M::BLOCK / 8].fill(0);
    pad_zeroed::<M>(blk, n, total)
}

/// [`pad`] for a `blk` whose bytes after the message are already zero: writes only the 0x80 and
/// the length field (no variable-length fill).
fn pad_zeroed<M: Md>(blk: &mut [u8], n: usize, total: u64) -> usize {
    let len_bytes = M::BLOCK / 8;
    let used = if n < M::BLOCK - len_bytes { M::BLOCK } else { 2 * M::BLOCK };
    blk[n] = 0x80;
    let bits = u128::from(total) << 3;
    blk[used - len_bytes..used].copy_from_slice(&bits.to_be_bytes()[16 - len_bytes..]);
    used
}

/// Copies the first `min(out_len, OUT)` digest bytes of `h` to `out`.
///
/// # Safety
/// `out` must be valid for `out_len` bytes.
unsafe fn emit<M: Md>(h: &[M::Word; 8], out: *mut u8, out_len: usize) {
    if out_len >= M::OUT {
        // The whole digest (the usual case) straight into `out`, word by word. Only the digest's
        // words: SHA-384's last two are state, not output.
        for (i, w) in h[..M::OUT / M::Word::SIZE].iter().enumerate() {
            // SAFETY: `out` is valid for `M::OUT` bytes (caller contract, `out_len >= OUT`).
            unsafe { w.put_raw(out.add(i * M::Word::SIZE)) }
        }
        return;
    }
    let mut digest = [0u8; 64];
    for (o, w) in digest[..M::OUT].chunks_exact_mut(M::Word::SIZE).zip(h) {
        w.put(o);
    }
    // SAFETY: `out` is valid for `out_len` bytes (caller contract).
    unsafe { std::ptr::copy_nonoverlapping(digest.as_ptr(), out, out_len) }
}

unsafe extern "C" fn init<M: Md>(st: *mut HashState, _k: *const u8, _kl: usize, _m: u32) {
    let s = st.cast::<State<M::Word>>();
    // SAFETY: `st` is valid for a `State` (`fits::<State>()` checked size and alignment). Field
    // by field, in place: a `State` value built first was a 300-byte copy per stream.
    // The counters as two 8-byte stores (volatile, so they are not merged into the buffer's
    // `memset`): `update` reads them back at once, and a load from inside the `memset`'s 64-byte
    // stores waited for them to retire (~9 ns of a 64-byte SHA-256 stream).
    unsafe {
        std::ptr::addr_of_mut!((*s).h).write(M::IV);
        std::ptr::addr_of_mut!((*s).buf).write_bytes(0, 1);
        std::ptr::addr_of_mut!((*s).buf_len).write_volatile(0);
        std::ptr::addr_of_mut!((*s).total).write_volatile(0);
    }
}

unsafe extern "C" fn update<M: Md>(st: *mut HashState, data: *const u8, len: usize) {
    // SAFETY: `st` holds a State written by `init`.
    let s = unsafe { &mut *st.cast::<State<M::Word>>() };
    // SAFETY: `data` is valid for `len` bytes (caller contract).
    let mut data = unsafe { slice(data, len) };
    let b = M::BLOCK;
    s.total = s.total.wrapping_add(len as u64);
    if s.buf_len > 0 {
        let take = (b - s.buf_len).min(data.len());
        s.buf[s.buf_len..s.buf_len + take].copy_from_slice(&data[..take]);
        s.buf_len += take;
        data = &data[take..];
        if data.is_empty() {
            return;
        }
        // The buffer is full and more follows.
        M::compress(&mut s.h, &s.buf[..b]);
        s.buf_len = 0;
    }
    if data.is_empty() {
        return;
    }
    // Whole blocks go straight to the compression function, except the last (kept back).
    let full = (data.len() - 1) / b * b;
    if full > 0 {
        M::compress(&mut s.h, &data[..full]);
    }
    let rest = &data[full..];
    s.buf[..rest.len()].copy_from_slice(rest);
    s.buf_len = rest.len();
}

unsafe extern "C" fn finalize<M: Md>(st: *mut HashState, out: *mut u8, out_len: usize) {
    // SAFETY: `st` holds a State written by `init` (the caller wipes the blob afterwards).
    let s = unsafe { &mut *st.cast::<State<M::Word>>() };
    let used = pad::<M>(&mut s.buf, s.buf_len, s.total);
    M::compress(&mut s.h, &s.buf[..used]);
    // SAFETY: `out` is valid for `out_len` bytes (caller contract).
    unsafe { emit::<M>(&s.h, out, out_len) }
}

/// Plain one-shot: whole blocks straight from the input, the padded tail in a local block pair;
/// no streaming state. The tail's message bytes are wiped.
unsafe extern "C" fn oneshot<M: Md>(data: *const u8, len: usize, out: *mut u8, out_len: usize) {
    // SAFETY: `data` is valid for `len` bytes (caller contract).
    let data = unsafe { slice(data, len) };
    let mut h = M::IV;
    let full = len - len % M::BLOCK;
    if full > 0 {
        M::compress(&mut h, &data[..full]);
    }
    let rest = &data[full..];
    let mut tail = [0u8; 256];
    tail[..rest.len()].copy_from_slice(rest);
    let used = pad_zeroed::<M>(&mut tail, rest.len(), len as u64);
    M::compress(&mut h, &tail[..used]);
    // SAFETY: `out` is valid for `out_len` bytes (caller contract).
    unsafe { emit::<M>(&h, out, out_len) };
    // The whole (fixed-size) tail: a variable-length wipe is a `memset` call.
    secure_zero(&mut tail);
    if M::OUT < 8 * M::Word::SIZE {
        // A truncated hash (SHA-384): the words past the digest are state, not output.
        // SAFETY: `h` is our own array of plain words.
        unsafe { crate::secure::ct::wipe_raw(h.as_mut_ptr().cast::<u8>(), std::mem::size_of_val(&h)) };
    }
}

/// The streaming kernel of `M`, without a `compress` entry (the SHA-2 modules add theirs).
pub(crate) const fn kernel<M: Md>(desc: &'static KernelDesc) -> HashKernel {
    HashKernel {
        desc,
        state_size: fits::<State<M::Word>>(),
        init: init::<M>,
        update: update::<M>,
        finalize: finalize::<M>,
        oneshot: Some(oneshot::<M>),
        compress: None,
    }
}
