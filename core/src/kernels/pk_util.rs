//! Shared plumbing of the public-key kernels: status codes across the kernel ABI, writing
//! `(ptr, cap, *len)` outputs, and seeds (caller-provided or fresh from the OS).

use crate::error::Status;
use crate::secure::ct::Wiped;

pub(crate) const OK: i32 = 0;

#[inline]
pub(crate) fn code(s: Status) -> i32 {
    s.code()
}

/// Copies `src` to a `(ptr, cap, *len)` output; `BufferTooSmall` (and the needed size in `*len`)
/// when it does not fit.
///
/// # Safety
/// `out` valid for writes of `cap` bytes; `len` valid for a write.
pub(crate) unsafe fn put(out: *mut u8, cap: usize, len: *mut usize, src: &[u8]) -> i32 {
    // SAFETY: `len` is a valid pointer (caller contract).
    unsafe { *len = src.len() };
    if cap < src.len() {
        return code(Status::BufferTooSmall);
    }
    // SAFETY: `out` holds at least `src.len()` writable bytes and does not overlap `src` (a
    // kernel-local value).
    unsafe { std::ptr::copy_nonoverlapping(src.as_ptr(), out, src.len()) };
    OK
}

/// Copies exactly `N` bytes to a fixed-size output.
///
/// # Safety
/// `out` valid for writes of `N` bytes.
pub(crate) unsafe fn put_fixed<const N: usize>(out: *mut u8, src: &[u8; N]) {
    // SAFETY: caller contract; `src` is kernel-local.
    unsafe { std::ptr::copy_nonoverlapping(src.as_ptr(), out, N) };
}

/// A fixed-size array from a caller-checked pointer.
///
/// # Safety
/// `p` valid for reads of `N` bytes.
pub(crate) unsafe fn arr<const N: usize>(p: *const u8) -> [u8; N] {
    let mut a = [0u8; N];
    // SAFETY: caller contract.
    unsafe { std::ptr::copy_nonoverlapping(p, a.as_mut_ptr(), N) };
    a
}

/// The `N`-byte seed: the caller's (`seed_len == N`, checked by the caller) or fresh OS
/// randomness (`seed` NULL). Wiped on drop.
///
/// # Safety
/// When non-NULL, `seed` valid for reads of `seed_len` bytes.
pub(crate) unsafe fn seed_or_random<const N: usize>(seed: *const u8, seed_len: usize) -> Result<Wiped<N>, i32> {
    let mut s = Wiped::<N>::new();
    if seed.is_null() || seed_len == 0 {
        crate::rand::random_bytes(&mut s.0).map_err(|e| code(e.status))?;
    } else if seed_len != N {
        return Err(code(Status::InvalidLength));
    } else {
        // SAFETY: caller contract (`seed_len == N` bytes readable).
        unsafe { std::ptr::copy_nonoverlapping(seed, s.0.as_mut_ptr(), N) };
    }
    Ok(s)
}
