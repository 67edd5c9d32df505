//! Adapters that turn a RustCrypto hasher type into a hash kernel operating on the opaque
//! `HashState` blob (the type is stored in place; it is plain data, so bytewise copies are clones).

use crate::dispatch::abi::{slice, slice_mut, HashKernel, HashState, KernelDesc, HASH_STATE_BYTES};
use crate::secure::ct::secure_zero;
use digest::{ExtendableOutput, FixedOutput, FixedOutputReset, Update};
use std::mem::MaybeUninit;

/// Compile-time proof that `T` fits the blob.
pub(crate) const fn fits<T>() -> usize {
    assert!(std::mem::size_of::<T>() <= HASH_STATE_BYTES, "hash state too large for HashState");
    assert!(std::mem::align_of::<T>() <= 64, "hash state over-aligned for HashState");
    std::mem::size_of::<T>()
}

unsafe extern "C" fn init<T: Default>(st: *mut HashState, _k: *const u8, _kl: usize, _mode: u32) {
    // SAFETY: `st` is a valid HashState; `fits::<T>()` proved size and alignment at compile time.
    unsafe { st.cast::<T>().write(T::default()) }
}

unsafe extern "C" fn update<T: Update>(st: *mut HashState, data: *const u8, len: usize) {
    // SAFETY: `st` holds a `T` written by `init`; `data` is valid for `len` bytes (caller contract).
    unsafe { (*st.cast::<T>()).update(slice(data, len)) }
}

unsafe extern "C" fn fin_fixed<T: FixedOutput>(st: *mut HashState, out: *mut u8, out_len: usize) {
    // SAFETY: `st` holds a `T`; we move it out (the blob is wiped by the caller afterwards).
    let h = unsafe { st.cast::<T>().read() };
    let d = h.finalize_fixed();
    let n = out_len.min(d.len());
    // SAFETY: `out` is valid for `out_len >= n` bytes (caller contract).
    unsafe { std::ptr::copy_nonoverlapping(d.as_ptr(), out, n) }
}

unsafe extern "C" fn fin_xof<T: ExtendableOutput>(st: *mut HashState, out: *mut u8, out_len: usize) {
    // SAFETY: `st` holds a `T`; moved out as in `fin_fixed`.
    let h = unsafe { st.cast::<T>().read() };
    // SAFETY: `out` is valid for `out_len` bytes (caller contract).
    h.finalize_xof_into(unsafe { slice_mut(out, out_len) });
}

/// Plain one-shot on a stack `T` (exactly its size, not a whole `HashState` blob), one call
/// instead of three indirect ones; the state bytes are wiped as on the streaming path. The digest
/// is taken with `finalize_fixed_reset`, in place: moving `T` out to finalize it (by value) copied
/// the whole state right after it was written, a store-forwarding stall on every call.
unsafe extern "C" fn oneshot_fixed<T: Default + Update + FixedOutputReset>(data: *const u8, len: usize, out: *mut u8, out_len: usize) {
    let mut st = MaybeUninit::<T>::new(T::default());
    // SAFETY: `st` was just initialized; `data` is valid for `len` bytes (caller contract).
    let h = unsafe { st.assume_init_mut() };
    // SAFETY: `data` is valid for `len` bytes (caller contract).
    h.update(unsafe { slice(data, len) });
    let mut d = h.finalize_fixed_reset();
    let n = out_len.min(d.len());
    // SAFETY: `out` is valid for `out_len >= n` bytes (caller contract).
    unsafe { std::ptr::copy_nonoverlapping(d.as_ptr(), out, n) };
    secure_zero(&mut d);
    // SAFETY: `st` is our own stack slot of `size_of::<T>()` bytes; plain data, never dropped.
    unsafe { crate::secure::ct::wipe_raw(st.as_mut_ptr().cast::<u8>(), std::mem::size_of::<T>()) };
}

/// A kernel for a fixed-output RustCrypto digest.
pub(crate) const fn digest_kernel<T: Default + Update + FixedOutputReset>(desc: &'static KernelDesc) -> HashKernel {
    HashKernel { desc, state_size: fits::<T>(), init: init::<T>, update: update::<T>, finalize: fin_fixed::<T>, oneshot: Some(oneshot_fixed::<T>), compress: None }
}

/// A kernel for a RustCrypto XOF.
pub(crate) const fn xof_kernel<T: Default + Update + ExtendableOutput>(desc: &'static KernelDesc) -> HashKernel {
    HashKernel { desc, state_size: fits::<T>(), init: init::<T>, update: update::<T>, finalize: fin_xof::<T>, oneshot: None, compress: None }
}
