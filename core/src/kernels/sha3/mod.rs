//! SHA-3 and SHAKE: the `sha3` and `shake` crates (scalar Keccak on stable Rust), and on x86-64
//! with AVX-512VL our sponge (`sponge.rs`) over our Keccak-f[1600] (`x86_avx512.rs`).

#[cfg(target_arch = "x86_64")]
pub(crate) mod sponge;
#[cfg(target_arch = "x86_64")]
pub mod x86_avx512;

use super::{digest_kernel, xof_kernel};
use crate::dispatch::{HashKernel, KernelDesc};

static D256: KernelDesc = KernelDesc { name: c"sha3-256/rustcrypto".as_ptr(), requires: 0, constant_time: true, priority: 0 };
static D512: KernelDesc = KernelDesc { name: c"sha3-512/rustcrypto".as_ptr(), requires: 0, constant_time: true, priority: 0 };
static DS128: KernelDesc = KernelDesc { name: c"shake128/rustcrypto".as_ptr(), requires: 0, constant_time: true, priority: 0 };
static DS256: KernelDesc = KernelDesc { name: c"shake256/rustcrypto".as_ptr(), requires: 0, constant_time: true, priority: 0 };

#[cfg(target_arch = "x86_64")]
mod avx512 {
    //! Kernels of our sponge over the AVX-512VL permutation. `N` is the digest length (0: an XOF,
    //! all of `out`).
    use super::sponge::Sponge;
    use crate::dispatch::abi::{slice, slice_mut, HashKernel, HashState, KernelDesc};
    use crate::kernels::state::fits;

    pub(super) const REQUIRES: u64 = crate::cpu::bits::AVX512F | crate::cpu::bits::AVX512VL;

    fn perm(st: &mut [u64; 25]) {
        // SAFETY: these kernels require AVX-512F/VL (`REQUIRES`), checked before one can be
        // selected or called.
        unsafe { super::x86_avx512::f1600(st) }
    }

    unsafe extern "C" fn init<const R: usize, const P: u8>(st: *mut HashState, _k: *const u8, _kl: usize, _mode: u32) {
        // SAFETY: `st` is a valid HashState; `fits` proved size and alignment at compile time.
        unsafe { st.cast::<Sponge<R, P>>().write(Sponge::new()) }
    }

    unsafe extern "C" fn update<const R: usize, const P: u8>(st: *mut HashState, data: *const u8, len: usize) {
        // SAFETY: `st` holds a sponge written by `init`; `data` is valid for `len` bytes.
        unsafe { (*st.cast::<Sponge<R, P>>()).absorb(slice(data, len), &perm) }
    }

    fn out_len<const N: usize>(n: usize) -> usize {
        if N == 0 {
            n
        } else {
            n.min(N)
        }
    }

    unsafe extern "C" fn finalize<const R: usize, const P: u8, const N: usize>(st: *mut HashState, out: *mut u8, n: usize) {
        // SAFETY: `st` holds a sponge (the caller wipes the blob afterwards); `out` is valid for
        // `n >= out_len(n)` bytes.
        unsafe { (*st.cast::<Sponge<R, P>>()).squeeze(slice_mut(out, out_len::<N>(n)), &perm) }
    }

    unsafe extern "C" fn oneshot<const R: usize, const P: u8, const N: usize>(data: *const u8, len: usize, out: *mut u8, n: usize) {
        let mut s = Sponge::<R, P>::new();
        // SAFETY: valid pointer/length pairs (caller contract).
        unsafe {
            s.absorb(slice(data, len), &perm);
            s.squeeze(slice_mut(out, out_len::<N>(n)), &perm);
        }
        s.wipe();
    }

    pub(super) const fn kernel<const R: usize, const P: u8, const N: usize>(desc: &'static KernelDesc) -> HashKernel {
        HashKernel {
            desc,
            state_size: fits::<Sponge<R, P>>(),
            init: init::<R, P>,
            update: update::<R, P>,
            finalize: finalize::<R, P, N>,
            oneshot: Some(oneshot::<R, P, N>),
            compress: None,
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod descs {
    use super::avx512::REQUIRES;
    use crate::dispatch::KernelDesc;
    pub(super) static D256: KernelDesc = KernelDesc { name: c"sha3-256/avx512".as_ptr(), requires: REQUIRES, constant_time: true, priority: 10 };
    pub(super) static D512: KernelDesc = KernelDesc { name: c"sha3-512/avx512".as_ptr(), requires: REQUIRES, constant_time: true, priority: 10 };
    pub(super) static DS128: KernelDesc = KernelDesc { name: c"shake128/avx512".as_ptr(), requires: REQUIRES, constant_time: true, priority: 10 };
    pub(super) static DS256: KernelDesc = KernelDesc { name: c"shake256/avx512".as_ptr(), requires: REQUIRES, constant_time: true, priority: 10 };
}

/// Candidates per op: the crate first (portable), ours second where the target has it.
macro_rules! candidates {
    ($name:ident, $crate_kernel:expr, $rate:literal, $pad:literal, $n:literal, $desc:ident) => {
        #[cfg(target_arch = "x86_64")]
        pub static $name: [HashKernel; 2] = [$crate_kernel, avx512::kernel::<$rate, $pad, $n>(&descs::$desc)];
        #[cfg(not(target_arch = "x86_64"))]
        pub static $name: [HashKernel; 1] = [$crate_kernel];
    };
}

candidates!(SHA3_256, digest_kernel::<sha3::Sha3_256>(&D256), 136, 0x06, 32, D256);
candidates!(SHA3_512, digest_kernel::<sha3::Sha3_512>(&D512), 72, 0x06, 64, D512);
candidates!(SHAKE128, xof_kernel::<shake::Shake128>(&DS128), 168, 0x1f, 0, DS128);
candidates!(SHAKE256, xof_kernel::<shake::Shake256>(&DS256), 136, 0x1f, 0, DS256);
