//! CPU features, dispatch introspection and control, policy.

use crate::boundary::*;
use std::ffi::c_char;
use xpscrypto_core::{cpu, dispatch, policy};

/// Usable CPU features as a bit mask (hardware minus `XPS_CPU_DISABLE`); bit numbers are
/// stable, names via `xps_cpu_feature_name`.
#[no_mangle]
pub extern "C" fn xps_cpu_features() -> u64 {
    guard_value(0, cpu::features)
}

/// CPU features the hardware reports, before any masking.
#[no_mangle]
pub extern "C" fn xps_cpu_hardware_features() -> u64 {
    guard_value(0, cpu::hardware_features)
}

/// Name of feature bit `bit` (0..63), e.g. "avx2"; NULL if the bit is not assigned.
#[no_mangle]
pub extern "C" fn xps_cpu_feature_name(bit: u32) -> *const c_char {
    guard_value(std::ptr::null(), || {
        if bit >= 64 {
            return std::ptr::null();
        }
        cpu::FEATURES.iter().find(|(b, _)| *b == 1u64 << bit).map_or(std::ptr::null(), |(_, n)| crate::status::interned(n))
    })
}

/// Number of dispatch operations ("hash.sha256", "aead.aes-256-gcm", …).
#[no_mangle]
pub extern "C" fn xps_dispatch_op_count() -> usize {
    guard_value(0, || dispatch::ops().len())
}

/// Name of op `op` (static), NULL if out of range.
#[no_mangle]
pub extern "C" fn xps_dispatch_op_name(op: usize) -> *const c_char {
    guard_value(std::ptr::null(), || dispatch::ops().get(op).map_or(std::ptr::null(), |o| crate::status::interned(o.name)))
}

/// Number of candidate kernels of op `op` (0 if out of range): the built-in ones, then those of
/// applied hot-patches (which come and go with apply/rollback).
#[no_mangle]
pub extern "C" fn xps_dispatch_candidate_count(op: usize) -> usize {
    guard_value(0, || dispatch::candidates_of(op).len())
}

/// Name of candidate `k` of op `op` (static storage: patch modules are never unloaded), NULL if
/// out of range.
#[no_mangle]
pub extern "C" fn xps_dispatch_candidate_name(op: usize, k: usize) -> *const c_char {
    guard_value(std::ptr::null(), || dispatch::candidates_of(op).get(k).map_or(std::ptr::null(), |c| c.desc().name))
}

/// 1 if candidate `k` of op `op` can run here (CPU features ∩ policy), else 0.
#[no_mangle]
pub extern "C" fn xps_dispatch_candidate_available(op: usize, k: usize) -> i32 {
    guard_value(0, || dispatch::candidates_of(op).get(k).map_or(0, |c| i32::from(dispatch::is_available(c.desc()))))
}

/// Name of the active kernel of `op` (static), or NULL (unknown op or self-test failure; see
/// `xps_last_error_detail`).
#[no_mangle]
pub unsafe extern "C" fn xps_dispatch_active_kernel(op: *const c_char) -> *const c_char {
    guard_value(std::ptr::null(), || {
        // SAFETY: NULL or a NUL-terminated string (caller contract).
        let r = unsafe { cstr(op, "op") }.and_then(dispatch::active_kernel);
        match r {
            Ok(n) => crate::status::interned(n),
            Err(err) => {
                set_last_error(&err.detail);
                std::ptr::null()
            }
        }
    })
}

/// Forces `kernel` for `op` (both by name) until `xps_dispatch_reset`. New generation.
/// `XPS_E_UNKNOWN_OP`, `XPS_E_UNKNOWN_KERNEL`, or `XPS_E_KERNEL_UNAVAILABLE` if it cannot run here.
#[no_mangle]
pub unsafe extern "C" fn xps_dispatch_force(op: *const c_char, kernel: *const c_char) -> xps_status {
    guard(|| {
        // SAFETY: NUL-terminated strings (caller contract).
        let (o, k) = unsafe { (cstr(op, "op")?, cstr(kernel, "kernel")?) };
        dispatch::force(o, k)
    })
}

/// Drops all forced kernels and selects automatically again. New generation.
#[no_mangle]
pub extern "C" fn xps_dispatch_reset() -> xps_status {
    guard(dispatch::reset)
}

/// Generation number of the active dispatch table (0 before initialization). Every switch
/// (force, reset, policy change, later hot-patch) increments it.
#[no_mangle]
pub extern "C" fn xps_dispatch_generation() -> u64 {
    guard_value(0, dispatch::generation)
}

/// Non-zero: autotune on. Times every op's eligible candidates now (about 0.1 s in all on an
/// AVX-512 machine) at one message size per size bucket (≤256 B, ≤2 KiB, ≤64 KiB, larger) and
/// publishes the fastest per bucket; re-tunes after changes of the ISA mask or the CT-only
/// policy. Zero: selection by
/// priority again (the default; deterministic). Forced kernels and hot-patches override tuned
/// choices. Setting `XPS_AUTOTUNE=1` in the environment turns it on at initialization. New
/// generation.
#[no_mangle]
pub extern "C" fn xps_dispatch_set_autotune(on: i32) -> xps_status {
    guard(|| dispatch::set_autotune(on != 0))
}

/// 1 if autotune is on, else 0.
#[no_mangle]
pub extern "C" fn xps_dispatch_autotune_enabled() -> i32 {
    guard_value(0, || i32::from(dispatch::autotune_enabled()))
}

/// Name of the kernel `op` runs for a message (AEAD) or one-shot input (hash) of `len` bytes
/// (static), or NULL (unknown op; see `xps_last_error_detail`). Ops without size buckets (MACs
/// over streams, KDFs, signatures, KEMs) answer their active kernel whatever `len`.
#[no_mangle]
pub unsafe extern "C" fn xps_dispatch_kernel_for_size(op: *const c_char, len: usize) -> *const c_char {
    guard_value(std::ptr::null(), || {
        // SAFETY: NULL or a NUL-terminated string (caller contract).
        let r = unsafe { cstr(op, "op") }.and_then(|o| dispatch::kernel_for_size(o, len));
        match r {
            Ok(n) => crate::status::interned(n),
            Err(err) => {
                set_last_error(&err.detail);
                std::ptr::null()
            }
        }
    })
}

/// Restricts the CPU features kernels may use (a mask of feature bits; all ones = no
/// restriction; 0 = portable kernels only) and re-selects kernels.
#[no_mangle]
pub extern "C" fn xps_policy_set_isa_mask(mask: u64) -> xps_status {
    guard(|| policy::set_isa_mask(mask))
}

/// The current ISA policy mask.
#[no_mangle]
pub extern "C" fn xps_policy_isa_mask() -> u64 {
    policy::isa_mask()
}

/// Non-zero: only kernels claiming constant-time behaviour may be selected. Re-selects.
#[no_mangle]
pub extern "C" fn xps_policy_set_ct_only(on: i32) -> xps_status {
    guard(|| policy::set_ct_only(on != 0))
}

/// Non-zero: a secure allocation whose mlock fails becomes an error (`XPS_E_MLOCK_FAILED`).
#[no_mangle]
pub extern "C" fn xps_policy_set_require_mlock(on: i32) -> xps_status {
    guard(|| {
        policy::set_require_mlock(on != 0);
        Ok(())
    })
}

/// Zero: RSA private-key operations (RSA-PSS signing, RSA key generation) fail with
/// `XPS_E_POLICY_DENIED`; non-zero (the default): allowed. Verification is never affected.
#[no_mangle]
pub extern "C" fn xps_policy_set_rsa_private_ops(on: i32) -> xps_status {
    guard(|| {
        policy::set_rsa_private_ops(on != 0);
        Ok(())
    })
}

/// 1 if RSA private-key operations are allowed, else 0.
#[no_mangle]
pub extern "C" fn xps_policy_rsa_private_ops() -> i32 {
    i32::from(policy::rsa_private_ops_allowed())
}
