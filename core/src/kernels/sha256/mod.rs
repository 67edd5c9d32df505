//! SHA-256: our streaming layer (`md`: buffering, padding) over two compression functions —
//! `portable` (scalar, ours) and `sha-ni` (the `sha2` crate's `compress256`, which uses the SHA
//! extensions; selected only when the CPU and policy allow `sha` + `sse4.1`).

pub mod portable;

use crate::cpu::bits;
use crate::dispatch::abi::{slice, HashKernel, KernelDesc};
use crate::kernels::md::{self, Md};

struct Portable;
impl Md for Portable {
    type Word = u32;
    const BLOCK: usize = 64;
    const IV: [u32; 8] = portable::H0;
    const OUT: usize = 32;
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
    fn compress(state: &mut [u32; 8], blocks: &[u8]) {
        let (chunks, rest) = blocks.as_chunks::<64>();
        debug_assert!(rest.is_empty());
        sha2::block_api::compress256(state, chunks);
    }
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

pub static CANDIDATES: [HashKernel; 2] = [with_compress::<Portable>(&PORTABLE), with_compress::<ShaNi>(&SHA_NI)];
