//! Algorithm names, randomness, constant-time helpers, secure memory.

use crate::boundary::*;
use std::collections::HashMap;
use std::ffi::{c_char, c_void};
use std::sync::{Mutex, OnceLock};
use xpscrypto_core::{Alg, SecureBuffer, Status};

/// Algorithm id of a canonical name ("aes-256-gcm", …); 0 for an unknown name or NULL.
#[no_mangle]
pub unsafe extern "C" fn xps_alg_from_name(name: *const c_char) -> u32 {
    // SAFETY: NULL or a NUL-terminated string (caller contract).
    guard_value(0, || unsafe { cstr(name, "name") }.ok().and_then(Alg::from_name).map_or(0, Alg::id))
}

/// Canonical name of an algorithm id (static storage), or NULL for an unknown id.
#[no_mangle]
pub extern "C" fn xps_alg_name(alg: u32) -> *const c_char {
    guard_value(std::ptr::null(), || Alg::from_id(alg).map_or(std::ptr::null(), |a| crate::status::interned(a.name())))
}

/// Number of algorithms this build knows (for enumeration with `xps_alg_at`).
#[no_mangle]
pub extern "C" fn xps_alg_count() -> usize {
    Alg::ALL.len()
}

/// The id of the `index`-th algorithm (0 if out of range).
#[no_mangle]
pub extern "C" fn xps_alg_at(index: usize) -> u32 {
    Alg::ALL.get(index).map_or(0, |a| a.id())
}

/// Fills `out` with `len` bytes from the operating system CSPRNG.
#[no_mangle]
pub unsafe extern "C" fn xps_random_bytes(out: *mut u8, len: usize) -> xps_status {
    guard(|| {
        // SAFETY: validated output.
        let o = unsafe { output(out, len, "out")? };
        // getrandom may fail part-way: fill a fallibly reserved temporary, copy on success.
        let mut tmp: Vec<u8> = Vec::new();
        tmp.try_reserve_exact(len).map_err(|_| e(Status::OutOfMemory, format!("cannot reserve {len} bytes")))?;
        tmp.resize(len, 0);
        let tmp = zeroize::Zeroizing::new(tmp);
        let mut tmp = tmp;
        xpscrypto_core::rand::random_bytes(&mut tmp)?;
        o.copy_from_slice(&tmp);
        Ok(())
    })
}

/// Constant-time comparison of `len` bytes: 1 if equal, 0 if different (or if a pointer is
/// NULL while `len > 0`).
#[no_mangle]
pub unsafe extern "C" fn xps_ct_equal(a: *const u8, b: *const u8, len: usize) -> i32 {
    guard_value(0, || {
        // SAFETY: validated inputs.
        match unsafe { (input(a, len, "a"), input(b, len, "b")) } {
            (Ok(x), Ok(y)) => i32::from(xpscrypto_core::ct_equal(x, y)),
            _ => 0,
        }
    })
}

/// Constant-time test that `len` bytes are all zero: 1 if so, 0 otherwise (or on NULL with len > 0).
#[no_mangle]
pub unsafe extern "C" fn xps_ct_is_zero(p: *const u8, len: usize) -> i32 {
    // SAFETY: validated input.
    guard_value(0, || unsafe { input(p, len, "p") }.map_or(0, |x| i32::from(xpscrypto_core::ct_is_zero(x))))
}

/// Overwrites `len` bytes at `p` with zeros (not optimized away). NULL with len > 0 is ignored.
#[no_mangle]
pub unsafe extern "C" fn xps_secure_zero(p: *mut c_void, len: usize) {
    guard_value((), || {
        // SAFETY: validated output.
        if let Ok(b) = unsafe { output(p.cast(), len, "p") } {
            xpscrypto_core::secure_zero(b);
        }
    })
}

fn registry() -> &'static Mutex<HashMap<usize, SecureBuffer>> {
    static R: OnceLock<Mutex<HashMap<usize, SecureBuffer>>> = OnceLock::new();
    R.get_or_init(Default::default)
}

/// Allocates `len` bytes (≥ 1) of secure memory: page-aligned, zero-filled, guard pages before
/// and after, mlock'ed, excluded from core dumps. `*out` gets the pointer. If mlock fails the
/// allocation still succeeds (check `xps_secure_is_locked`, counted by
/// `xps_secure_lock_failures`) unless the require-mlock policy is on (`XPS_E_MLOCK_FAILED`).
#[no_mangle]
pub unsafe extern "C" fn xps_secure_alloc(len: usize, out: *mut *mut c_void) -> xps_status {
    guard(|| {
        if out.is_null() {
            return Err(e(Status::NullPointer, "out is NULL"));
        }
        if len == 0 {
            return Err(e(Status::InvalidLength, "secure allocation of 0 bytes"));
        }
        let mut b = SecureBuffer::new(len)?;
        let p = b.as_mut_ptr();
        registry().lock().unwrap_or_else(|e| e.into_inner()).insert(p as usize, b);
        // SAFETY: `out` is non-NULL and writable (caller contract).
        unsafe { *out = p.cast() };
        Ok(())
    })
}

/// Wipes, unlocks and frees memory from `xps_secure_alloc`. NULL is accepted; a pointer that
/// did not come from `xps_secure_alloc` is ignored (and reported by `xps_last_error_detail`).
#[no_mangle]
pub unsafe extern "C" fn xps_secure_free(p: *mut c_void) {
    guard_value((), || {
        if p.is_null() {
            return;
        }
        if registry().lock().unwrap_or_else(|e| e.into_inner()).remove(&(p as usize)).is_none() {
            set_last_error("xps_secure_free: pointer was not allocated by xps_secure_alloc (ignored)");
        }
    })
}

/// 1 if the secure allocation at `p` is locked in RAM, 0 if mlock failed or `p` is unknown.
#[no_mangle]
pub unsafe extern "C" fn xps_secure_is_locked(p: *const c_void) -> i32 {
    guard_value(0, || {
        registry().lock().unwrap_or_else(|e| e.into_inner()).get(&(p as usize)).map_or(0, |b| i32::from(b.is_locked()))
    })
}

/// How many secure allocations (including key handles) failed to mlock since process start.
#[no_mangle]
pub extern "C" fn xps_secure_lock_failures() -> u64 {
    xpscrypto_core::secure::lock_failures()
}

/// Test builds only: panics inside the library; must return `XPS_E_PANIC`.
#[cfg(feature = "testing")]
#[no_mangle]
pub extern "C" fn xps_test_panic() -> xps_status {
    guard(xpscrypto_core::panic_for_testing)
}

/// Test builds only: makes the (not yet run) power-on self-test fail.
#[cfg(feature = "testing")]
#[no_mangle]
pub extern "C" fn xps_test_inject_selftest_failure() {
    xpscrypto_core::selftest::inject_failure_for_testing()
}
