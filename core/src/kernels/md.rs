//! The Merkle–Damgård layer of our SHA-2 kernels (FIPS 180-4 §5.1): buffering, padding and the
//! length field over a compression function. One code path for SHA-256 (64-byte blocks, 64-bit
//! length) and SHA-384/512 (128-byte blocks, 128-bit length); a kernel is an `Md` type.

use crate::dispatch::abi::{slice, HashKernel, HashState, KernelDesc};
use crate::kernels::state::fits;
use std::mem::MaybeUninit;

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
    /// Two blocks, `[u8; 2 * BLOCK]` (checked in [`kernel`] and [`oneshot`]): the stream's
    /// buffer, and the one-shot's padded tail.
    type Buf;
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
///
/// `buf` is not initialized at `init`: only its first `buf_len` bytes hold data, and `finalize`
/// writes every byte of the padding it compresses. (Zeroing it was ~2 ns of a 64-byte SHA-256
/// stream.) It is two blocks long, no longer: the whole state is wiped at the end, and for
/// SHA-256 a 256-byte buffer was a 304-byte wipe, ~7 ns of a 64-byte stream (176 bytes now).
#[repr(C)]
pub(crate) struct State<W, B> {
    pub(crate) h: [W; 8],
    buf: MaybeUninit<B>,
    buf_len: usize,
    total: u64,
}

impl<W, B> State<W, B> {
    /// Copies `src` into the buffer at `at`.
    fn put(&mut self, at: usize, src: &[u8]) {
        assert!(at + src.len() <= size_of::<B>(), "md buffer overrun");
        // SAFETY: in bounds (checked above); `src` is another object's memory.
        unsafe { std::ptr::copy_nonoverlapping(src.as_ptr(), self.buf.as_mut_ptr().cast::<u8>().add(at), src.len()) }
    }
}

/// The first `n` bytes of a two-block buffer: a stream's (a free function: it borrows the buffer
/// alone, beside the chaining value) or the one-shot's tail.
///
/// # Safety
/// Those bytes were written (by [`State::put`] or the one-shot's copy of the message tail, and
/// [`pad_raw`]).
unsafe fn filled<B>(buf: &MaybeUninit<B>, n: usize) -> &[u8] {
    assert!(n <= size_of::<B>(), "md buffer overrun");
    // SAFETY: in bounds; initialized (caller contract).
    unsafe { std::slice::from_raw_parts(buf.as_ptr().cast::<u8>(), n) }
}

/// Writes the padding and length field after the `n` message bytes at the start of the
/// two-block buffer `blk` (every byte of it up to the returned length) and returns how many
/// bytes to compress (one or two blocks).
fn pad_raw<M: Md>(blk: &mut MaybeUninit<M::Buf>, n: usize, total: u64) -> usize {
    let len_bytes = M::BLOCK / 8;
    let used = if n < M::BLOCK - len_bytes { M::BLOCK } else { 2 * M::BLOCK };
    assert!(used <= size_of::<M::Buf>() && n < used - len_bytes, "md padding out of range");
    let bits = (u128::from(total) << 3).to_be_bytes();
    let p = blk.as_mut_ptr().cast::<u8>();
    // SAFETY: `n < used - len_bytes` and `used <= size_of::<Buf>()` (checked above): bytes n..used of the
    // buffer.
    unsafe {
        p.add(n).write(0x80);
        p.add(n + 1).write_bytes(0, used - len_bytes - n - 1);
        std::ptr::copy_nonoverlapping(bits.as_ptr().add(16 - len_bytes), p.add(used - len_bytes), len_bytes);
    }
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
    let s = st.cast::<State<M::Word, M::Buf>>();
    // SAFETY: `st` is valid for a `State` (`fits::<State>()` checked size and alignment). Field
    // by field, in place (a `State` value built first was copied, 300 bytes per stream when the
    // buffer was zeroed here), and the buffer not at all.
    // The counters as two 8-byte stores (volatile, so that they are never merged into a wider
    // store): `update` reads them back at once. (When `init` still zeroed the buffer, LLVM
    // merged them into that `memset`, and `update`'s loads from inside its 64-byte stores
    // waited for them to retire: ~9 ns of a 64-byte SHA-256 stream.)
    unsafe {
        std::ptr::addr_of_mut!((*s).h).write(M::IV);
        std::ptr::addr_of_mut!((*s).buf_len).write_volatile(0);
        std::ptr::addr_of_mut!((*s).total).write_volatile(0);
    }
}

unsafe extern "C" fn update<M: Md>(st: *mut HashState, data: *const u8, len: usize) {
    // SAFETY: `st` holds a State written by `init`.
    let s = unsafe { &mut *st.cast::<State<M::Word, M::Buf>>() };
    // SAFETY: `data` is valid for `len` bytes (caller contract).
    let mut data = unsafe { slice(data, len) };
    let b = M::BLOCK;
    s.total = s.total.wrapping_add(len as u64);
    if s.buf_len > 0 {
        let take = (b - s.buf_len).min(data.len());
        s.put(s.buf_len, &data[..take]);
        s.buf_len += take;
        data = &data[take..];
        if data.is_empty() {
            return;
        }
        // The buffer is full and more follows.
        // SAFETY: the buffer's `b` bytes were written by `put`.
        M::compress(&mut s.h, unsafe { filled(&s.buf, b) });
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
    s.put(0, rest);
    s.buf_len = rest.len();
}

unsafe extern "C" fn finalize<M: Md>(st: *mut HashState, out: *mut u8, out_len: usize) {
    // SAFETY: `st` holds a State written by `init` (the caller wipes the blob afterwards).
    let s = unsafe { &mut *st.cast::<State<M::Word, M::Buf>>() };
    let used = pad_raw::<M>(&mut s.buf, s.buf_len, s.total);
    // SAFETY: bytes ..buf_len were written by `update` (`put`), buf_len..used by `pad_raw`.
    M::compress(&mut s.h, unsafe { filled(&s.buf, used) });
    // SAFETY: `out` is valid for `out_len` bytes (caller contract).
    unsafe { emit::<M>(&s.h, out, out_len) }
}

/// Plain one-shot: whole blocks straight from the input, the padded tail in a local block pair
/// (not zeroed first: [`pad_raw`] writes every byte it compresses, as for the stream); no
/// streaming state. The tail's message bytes are wiped.
unsafe extern "C" fn oneshot<M: Md>(data: *const u8, len: usize, out: *mut u8, out_len: usize) {
    // SAFETY: `data` is valid for `len` bytes (caller contract).
    let data = unsafe { slice(data, len) };
    let mut h = M::IV;
    let full = len - len % M::BLOCK;
    if full > 0 {
        M::compress(&mut h, &data[..full]);
    }
    let rest = &data[full..];
    const { assert!(size_of::<M::Buf>() == 2 * M::BLOCK, "md: Buf must be two blocks") };
    let mut tail = MaybeUninit::<M::Buf>::uninit();
    // SAFETY: `rest` is shorter than a block, and `Buf` is two blocks (asserted above).
    unsafe { std::ptr::copy_nonoverlapping(rest.as_ptr(), tail.as_mut_ptr().cast::<u8>(), rest.len()) };
    let used = pad_raw::<M>(&mut tail, rest.len(), len as u64);
    // SAFETY: bytes ..rest.len() were copied above, rest.len()..used written by `pad_raw`.
    M::compress(&mut h, unsafe { filled(&tail, used) });
    // SAFETY: `out` is valid for `out_len` bytes (caller contract).
    unsafe { emit::<M>(&h, out, out_len) };
    // The whole (fixed-size) tail: a variable-length wipe is a `memset` call.
    // SAFETY: `tail` is our own `Buf`-sized local.
    unsafe { crate::secure::ct::wipe_raw(tail.as_mut_ptr().cast::<u8>(), size_of::<M::Buf>()) };
    if M::OUT < 8 * M::Word::SIZE {
        // A truncated hash (SHA-384): the words past the digest are state, not output.
        // SAFETY: `h` is our own array of plain words.
        unsafe { crate::secure::ct::wipe_raw(h.as_mut_ptr().cast::<u8>(), std::mem::size_of_val(&h)) };
    }
}

/// The streaming kernel of `M`, without a `compress` entry (the SHA-2 modules add theirs).
pub(crate) const fn kernel<M: Md>(desc: &'static KernelDesc) -> HashKernel {
    assert!(size_of::<M::Buf>() == 2 * M::BLOCK, "md: Buf must be two blocks");
    HashKernel {
        desc,
        state_size: fits::<State<M::Word, M::Buf>>(),
        init: init::<M>,
        update: update::<M>,
        finalize: finalize::<M>,
        oneshot: Some(oneshot::<M>),
        compress: None,
    }
}

#[cfg(test)]
mod tests {
    use crate::dispatch::abi::{HashKernel, HashState, HASH_MODE_PLAIN, HASH_STATE_BYTES};
    use sha2::Digest;

    type Reference = fn(&[u8]) -> Vec<u8>;

    /// Every usable `md` kernel (SHA-256's, and SHA-384/512's AVX2 ones), with its reference.
    /// (SHA-256's SHA-NI kernel streams through `md` but has a one-shot of its own,
    /// `x86_shani::oneshot`, tested here all the same; the portable kernel runs `md`'s one-shot
    /// on every host.)
    fn kernels() -> Vec<(HashKernel, Reference)> {
        let sha256: Reference = |d| sha2::Sha256::digest(d).to_vec();
        let mut v: Vec<(HashKernel, Reference)> = crate::kernels::sha256::CANDIDATES.iter().map(|k| (*k, sha256)).collect();
        #[cfg(target_arch = "x86_64")]
        {
            v.push((crate::kernels::sha512::SHA384[1], |d| sha2::Sha384::digest(d).to_vec()));
            v.push((crate::kernels::sha512::SHA512[1], |d| sha2::Sha512::digest(d).to_vec()));
        }
        v.retain(|(k, _)| crate::cpu::satisfies(crate::cpu::features(), k.desc.requires));
        v
    }

    /// The buffer is not initialized at `init`: a stream in a blob full of another byte (as a
    /// reused allocation may be) must hash only what it was given. Every length to three
    /// blocks, fed whole, bytewise, and split at each block edge and one byte either side.
    #[test]
    fn streams_in_a_dirty_blob_match_the_crate() {
        let data: Vec<u8> = (0..400).map(|i| (i * 7 + 3) as u8).collect();
        for (k, reference) in kernels() {
            let block = if reference(b"").len() > 32 { 128 } else { 64 };
            for len in 0..=3 * block + 1 {
                let d = &data[..len];
                let want = reference(d);
                let mut splits = vec![vec![len]];
                splits.push(vec![1; len]);
                for edge in [block - 1, block, block + 1, 2 * block] {
                    if edge < len {
                        splits.push(vec![edge, len - edge]);
                    }
                }
                for parts in splits {
                    for fill in [0xa5u8, 0xff] {
                        let mut blob = Box::new(HashState([fill; HASH_STATE_BYTES]));
                        let st: *mut HashState = &mut *blob;
                        let mut out = vec![0u8; want.len()];
                        let mut at = 0;
                        // SAFETY: a full-size, 64-byte-aligned blob; valid slices.
                        unsafe {
                            (k.init)(st, [].as_ptr(), 0, HASH_MODE_PLAIN);
                            for n in parts.iter().copied().filter(|&n| n > 0) {
                                (k.update)(st, d[at..].as_ptr(), n);
                                at += n;
                            }
                            (k.finalize)(st, out.as_mut_ptr(), out.len());
                        }
                        assert_eq!(out, want, "{} len {len} parts {parts:?} fill {fill:#x}", k.desc.name());
                    }
                }
            }
        }
    }

    /// Fills 8 KiB of the stack below the caller with `fill` (for the one-shot's tail, which is
    /// not zeroed either).
    #[inline(never)]
    fn dirty_stack(fill: u8) {
        let junk = [fill; 8192];
        std::hint::black_box(&junk);
    }

    /// The one-shot's padded tail is a block pair on the stack, not zeroed first: after the stack
    /// was filled with another byte it must still hash only the message, at every length to
    /// three blocks.
    #[test]
    fn oneshots_on_a_dirty_stack_match_the_crate() {
        let data: Vec<u8> = (0..400).map(|i| (i * 7 + 3) as u8).collect();
        for (k, reference) in kernels() {
            let f = k.oneshot.expect("md kernels have a one-shot entry");
            let block = if reference(b"").len() > 32 { 128 } else { 64 };
            for len in 0..=3 * block + 1 {
                let d = &data[..len];
                let want = reference(d);
                for fill in [0xa5u8, 0xff] {
                    let mut out = vec![0u8; want.len()];
                    dirty_stack(fill);
                    // SAFETY: valid slices.
                    unsafe { f(d.as_ptr(), len, out.as_mut_ptr(), out.len()) };
                    assert_eq!(out, want, "{} len {len} fill {fill:#x}", k.desc.name());
                }
            }
        }
    }
}
