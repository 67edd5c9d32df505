//! SHA-256: our streaming layer (`md`: buffering, padding) over two compression functions —
//! `portable` (scalar, ours) and `sha-ni` (the SHA extensions; selected only when the CPU and
//! policy allow `sha` + `sse4.1`). On x86-64 `sha-ni` is ours (`x86_shani`, with a one-shot that
//! keeps the chaining value in registers); elsewhere it is the `sha2` crate's `compress256`.

pub mod portable;
#[cfg(target_arch = "x86_64")]
mod x86_shani;

use crate::cpu::bits;
use crate::dispatch::abi::{slice, HashKernel, KernelDesc};
use crate::kernels::md::{self, Md};

struct Portable;
impl Md for Portable {
    type Word = u32;
    const BLOCK: usize = 64;
    const IV: [u32; 8] = portable::H0;
    const OUT: usize = 32;
    type Buf = [u8; 128];
    fn compress(state: &mut [u32; 8], blocks: &[u8]) {
        portable::compress(state, blocks)
    }
}

struct ShaNi;
impl Md for ShaNi {
    type Word = u32;
    const BLOCK: usize = 64;
    const IV: [u32; 8] = portable::H0;
    const OUT: usize = 32;
    type Buf = [u8; 128];
    fn compress(state: &mut [u32; 8], blocks: &[u8]) {
        let (chunks, rest) = blocks.as_chunks::<64>();
        debug_assert!(rest.is_empty());
        #[cfg(target_arch = "x86_64")]
        // SAFETY: dispatch selects this kernel only where the CPU has `sha` and `sse4.1` (SHA_NI).
        unsafe {
            x86_shani::compress(state, chunks)
        }
        #[cfg(not(target_arch = "x86_64"))]
        sha2::block_api::compress256(state, chunks);
    }
}

/// `sha-ni`'s one-shot (x86-64): the chaining value stays in registers throughout.
#[cfg(target_arch = "x86_64")]
unsafe extern "C" fn shani_oneshot(data: *const u8, len: usize, out: *mut u8, out_len: usize) {
    // SAFETY: the CPU has `sha` and `sse4.1` (as in `ShaNi::compress`); `data` is valid for `len`
    // bytes and `out` for `out_len` (kernel ABI contract).
    unsafe { x86_shani::oneshot(slice(data, len), out, out_len) }
}

unsafe extern "C" fn compress<C: Md<Word = u32>>(cv: *mut u32, blocks: *const u8, nblocks: usize) {
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

/// The `md` kernel of `C` plus its compression-function entry (used by `hmac_sha256`).
const fn with_compress<C: Md<Word = u32>>(desc: &'static KernelDesc) -> HashKernel {
    HashKernel { compress: Some(compress::<C>), ..md::kernel::<C>(desc) }
}

#[cfg(target_arch = "x86_64")]
const SHA_NI_KERNEL: HashKernel = HashKernel { oneshot: Some(shani_oneshot), ..with_compress::<ShaNi>(&SHA_NI) };
#[cfg(not(target_arch = "x86_64"))]
const SHA_NI_KERNEL: HashKernel = with_compress::<ShaNi>(&SHA_NI);

pub static CANDIDATES: [HashKernel; 2] = [with_compress::<Portable>(&PORTABLE), SHA_NI_KERNEL];
