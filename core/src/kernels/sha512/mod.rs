//! SHA-384 / SHA-512: the `sha2` crate (portable; it picks its own AVX2 path at run time) and, on
//! x86-64 with AVX2 + BMI2, our `md` layer over our compression function (`x86_avx2.rs`).

#[cfg(target_arch = "x86_64")]
pub mod x86_avx2;

use super::digest_kernel;
use crate::dispatch::abi::slice;
use crate::dispatch::{HashKernel, KernelDesc};

/// Initial hash values (FIPS 180-4 §5.3.5 and §5.3.4: fractional parts of the square roots of
/// the first eight primes, and of the ninth to sixteenth).
pub(crate) const H512: [u64; 8] = [
    0x6a09_e667_f3bc_c908, 0xbb67_ae85_84ca_a73b, 0x3c6e_f372_fe94_f82b, 0xa54f_f53a_5f1d_36f1,
    0x510e_527f_ade6_82d1, 0x9b05_688c_2b3e_6c1f, 0x1f83_d9ab_fb41_bd6b, 0x5be0_cd19_137e_2179,
];
pub(crate) const H384: [u64; 8] = [
    0xcbbb_9d5d_c105_9ed8, 0x629a_292a_367c_d507, 0x9159_015a_3070_dd17, 0x152f_ecd8_f70e_5939,
    0x6733_2667_ffc0_0b31, 0x8eb4_4a87_6858_1511, 0xdb0c_2e0d_64f9_8fa7, 0x47b5_481d_befa_4fa4,
];

/// The `sha2` crate's compression function as a kernel entry (`HashCompressFn`, 128-byte blocks).
unsafe extern "C" fn crate_compress(cv: *mut u32, blocks: *const u8, nblocks: usize) {
    // SAFETY: `cv` is 8 aligned, writable u64 words and `blocks` `128 * nblocks` readable bytes
    // (kernel ABI contract for SHA-384/512).
    let (cv, b) = unsafe { (&mut *cv.cast::<[u64; 8]>(), slice(blocks, 128 * nblocks)) };
    sha2::block_api::compress512(cv, b.as_chunks::<128>().0);
}

/// A `sha2` crate kernel with its compression entry.
const fn with_compress(k: HashKernel) -> HashKernel {
    HashKernel { compress: Some(crate_compress), ..k }
}

static D384: KernelDesc = KernelDesc { name: c"sha384/rustcrypto".as_ptr(), requires: 0, constant_time: true, priority: 0 };
static D512: KernelDesc = KernelDesc { name: c"sha512/rustcrypto".as_ptr(), requires: 0, constant_time: true, priority: 0 };

#[cfg(target_arch = "x86_64")]
mod avx2 {
    //! Our SHA-384/512 kernels: the `md` layer over `x86_avx2::compress`.
    use super::{x86_avx2, H384, H512};
    use crate::cpu::bits;
    use crate::dispatch::abi::slice;
    use crate::dispatch::{HashKernel, KernelDesc};
    use crate::kernels::md::{self, Md};

    const REQUIRES: u64 = bits::AVX2 | bits::BMI2;

    pub(super) struct Sha<const OUT: usize>;
    impl<const OUT: usize> Md for Sha<OUT> {
        type Word = u64;
        const BLOCK: usize = 128;
        const IV: [u64; 8] = if OUT == 48 { H384 } else { H512 };
        const OUT: usize = OUT;
        type Buf = [u8; 256];
        fn compress(h: &mut [u64; 8], blocks: &[u8]) {
            // SAFETY: these kernels require AVX2 and BMI2 (`REQUIRES`), checked before one can
            // be selected or called.
            unsafe { x86_avx2::compress(h, blocks) }
        }
    }

    static D384: KernelDesc = KernelDesc { name: c"sha384/avx2".as_ptr(), requires: REQUIRES, constant_time: true, priority: 10 };
    static D512: KernelDesc = KernelDesc { name: c"sha512/avx2".as_ptr(), requires: REQUIRES, constant_time: true, priority: 10 };
    /// The compression entry (`HashCompressFn`, 128-byte blocks).
    unsafe extern "C" fn compress(cv: *mut u32, blocks: *const u8, nblocks: usize) {
        // SAFETY: `cv` is 8 aligned, writable u64 words and `blocks` `128 * nblocks` readable
        // bytes (kernel ABI contract); the CPU has AVX2 and BMI2, as for `Sha::compress`.
        unsafe { x86_avx2::compress(&mut *cv.cast::<[u64; 8]>(), slice(blocks, 128 * nblocks)) }
    }
    pub(super) const SHA384: HashKernel = HashKernel { compress: Some(compress), ..md::kernel::<Sha<48>>(&D384) };
    pub(super) const SHA512: HashKernel = HashKernel { compress: Some(compress), ..md::kernel::<Sha<64>>(&D512) };
}

#[cfg(target_arch = "x86_64")]
pub static SHA384: [HashKernel; 2] = [with_compress(digest_kernel::<sha2::Sha384>(&D384)), avx2::SHA384];
#[cfg(target_arch = "x86_64")]
pub static SHA512: [HashKernel; 2] = [with_compress(digest_kernel::<sha2::Sha512>(&D512)), avx2::SHA512];
#[cfg(not(target_arch = "x86_64"))]
pub static SHA384: [HashKernel; 1] = [with_compress(digest_kernel::<sha2::Sha384>(&D384))];
#[cfg(not(target_arch = "x86_64"))]
pub static SHA512: [HashKernel; 1] = [with_compress(digest_kernel::<sha2::Sha512>(&D512))];
