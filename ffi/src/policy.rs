//! The whole process-wide policy (get / replace atomically), FIPS-like mode, allowed algorithms,
//! the hot-patch switch. (The single-setting `xps_policy_set_isa_mask`, `_ct_only`,
//! `_require_mlock` and `_rsa_private_ops` are in the dispatch section.)

use crate::boundary::*;
use xpscrypto_core::policy::{self, AlgSet, Policy};
use xpscrypto_core::{Alg, Status};

/// `xps_policy.version` of this layout.
pub const XPS_POLICY_VERSION: u32 = 1;
/// Words of `xps_policy.allowed_algorithms`.
pub const XPS_POLICY_ALG_WORDS: usize = 8;

/// The whole process-wide policy, for `xps_policy_get` / `xps_policy_replace`. Start from
/// `xps_policy_get` (or `xps_policy_default`), change fields, then replace.
///
/// `allowed_algorithms` is a bit set over algorithm ids: id `a` is bit `(a & 63)` of word
/// `a >> 8` (so `XPS_ALG_SHA256` = 0x101 is bit 1 of word 1):
/// `p.allowed_algorithms[a >> 8] &= ~(UINT64_C(1) << (a & 63));` removes `a`. Bits of ids this
/// library does not know are ignored. In FIPS mode only the FIPS-approved algorithms among the
/// allowed ones may run (`xps_fips_approved`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct xps_policy {
    /// `XPS_POLICY_VERSION` (filled in by `xps_policy_get` / `xps_policy_default`; checked by
    /// `xps_policy_replace`).
    pub version: u32,
    /// Non-zero: FIPS-like mode (only FIPS-approved algorithms; turning it on runs the
    /// self-tests again and forces `ct_only`, `min_rsa_bits >= 2048`, `min_hmac_key_bytes >= 14`).
    pub fips_mode: u32,
    /// The allowed algorithms (see above). Default: all.
    pub allowed_algorithms: [u64; XPS_POLICY_ALG_WORDS],
    /// Smallest RSA modulus in bits (default 2048).
    pub min_rsa_bits: u32,
    /// Shortest HMAC key in bytes (default 0; FIPS mode: at least 14).
    pub min_hmac_key_bytes: u32,
    /// CPU features kernels may use (default: all ones).
    pub isa_mask: u64,
    /// Non-zero: only kernels claiming constant-time behaviour are selected.
    pub ct_only: u32,
    /// Non-zero: a secure allocation whose mlock fails is an error.
    pub require_mlock: u32,
    /// Non-zero (default): hot-patches may be applied; zero: `xps_patch_apply` fails with
    /// `XPS_E_PATCH_POLICY`.
    pub hot_patch_allowed: u32,
    /// Non-zero (default): RSA private-key operations are allowed.
    pub rsa_private_ops: u32,
}

fn to_c(p: &Policy) -> xps_policy {
    let mut words = [0u64; XPS_POLICY_ALG_WORDS];
    for a in p.allowed_algorithms.iter() {
        words[(a.id() >> 8) as usize] |= 1u64 << (a.id() & 63);
    }
    xps_policy {
        version: XPS_POLICY_VERSION,
        fips_mode: u32::from(p.fips_mode),
        allowed_algorithms: words,
        min_rsa_bits: p.min_rsa_bits,
        min_hmac_key_bytes: u32::try_from(p.min_hmac_key_bytes).unwrap_or(u32::MAX),
        isa_mask: p.isa_mask,
        ct_only: u32::from(p.ct_only),
        require_mlock: u32::from(p.require_mlock),
        hot_patch_allowed: u32::from(p.hot_patch_allowed),
        rsa_private_ops: u32::from(p.rsa_private_ops),
    }
}

fn from_c(c: &xps_policy) -> Result<Policy, xpscrypto_core::Error> {
    if c.version != XPS_POLICY_VERSION {
        return Err(e(Status::InvalidParameter, format!("xps_policy.version is {}, this library reads version {XPS_POLICY_VERSION}", c.version)));
    }
    let mut p = Policy::default();
    p.allowed_algorithms =
        Alg::ALL.iter().copied().filter(|a| c.allowed_algorithms[(a.id() >> 8) as usize] & (1u64 << (a.id() & 63)) != 0).collect::<AlgSet>();
    p.fips_mode = c.fips_mode != 0;
    p.min_rsa_bits = c.min_rsa_bits;
    p.min_hmac_key_bytes = c.min_hmac_key_bytes as usize;
    p.isa_mask = c.isa_mask;
    p.ct_only = c.ct_only != 0;
    p.require_mlock = c.require_mlock != 0;
    p.hot_patch_allowed = c.hot_patch_allowed != 0;
    p.rsa_private_ops = c.rsa_private_ops != 0;
    Ok(p)
}

fn put(out: *mut xps_policy, p: &Policy) -> Result<(), xpscrypto_core::Error> {
    if out.is_null() {
        return Err(e(Status::NullPointer, "out is NULL"));
    }
    // SAFETY: non-NULL and writable for one xps_policy (caller contract).
    unsafe { out.write(to_c(p)) };
    Ok(())
}

/// The default policy (everything allowed, no FIPS mode) into `*out`.
#[no_mangle]
pub unsafe extern "C" fn xps_policy_default(out: *mut xps_policy) -> xps_status {
    guard(|| put(out, &Policy::default()))
}

/// The current policy into `*out` (a consistent copy).
#[no_mangle]
pub unsafe extern "C" fn xps_policy_get(out: *mut xps_policy) -> xps_status {
    guard(|| put(out, &policy::current()))
}

/// Replaces the whole policy atomically (threads see the old or the new one, never a mix). FIPS
/// mode raises `min_rsa_bits`/`min_hmac_key_bytes` to its floors and forces `ct_only`; turning it
/// on runs the self-tests first (`XPS_E_SELFTEST_FAILED` if they fail: the policy is then
/// unchanged and the library unusable). A change of `isa_mask` or `ct_only` re-selects kernels.
/// `XPS_E_INVALID_PARAMETER` for an unknown `version`.
#[no_mangle]
pub unsafe extern "C" fn xps_policy_replace(p: *const xps_policy) -> xps_status {
    guard(|| {
        if p.is_null() {
            return Err(e(Status::NullPointer, "policy is NULL"));
        }
        // SAFETY: non-NULL and readable for one xps_policy (caller contract).
        let c = unsafe { p.read() };
        policy::replace(from_c(&c)?)
    })
}

/// Non-zero: FIPS-like mode on (self-tests run again first; CT-only forced; minimum key sizes
/// raised); zero: off (nothing else is loosened).
#[no_mangle]
pub extern "C" fn xps_policy_set_fips_mode(on: i32) -> xps_status {
    guard(|| policy::set_fips_mode(on != 0))
}

/// 1 if FIPS-like mode is on, else 0.
#[no_mangle]
pub extern "C" fn xps_policy_fips_mode() -> i32 {
    guard_value(0, || i32::from(policy::fips_mode()))
}

/// Non-zero (the default): hot-patches may be applied; zero: `xps_patch_apply` fails with
/// `XPS_E_PATCH_POLICY` (rollback stays possible).
#[no_mangle]
pub extern "C" fn xps_policy_set_hot_patch_allowed(on: i32) -> xps_status {
    guard(|| {
        policy::set_hot_patch_allowed(on != 0);
        Ok(())
    })
}

/// 1 if hot-patches may be applied, else 0.
#[no_mangle]
pub extern "C" fn xps_policy_hot_patch_allowed() -> i32 {
    guard_value(0, || i32::from(policy::hot_patch_allowed()))
}

/// Adds algorithm `alg` to the allowed set (`allowed` non-zero) or removes it. In FIPS mode a
/// non-approved algorithm stays refused even when it is in the set. `XPS_E_UNKNOWN_ALGORITHM`
/// for an unknown id.
#[no_mangle]
pub extern "C" fn xps_policy_allow_algorithm(alg: u32, allowed: i32) -> xps_status {
    guard(|| policy::allow_algorithm(crate::boundary::alg(alg)?, allowed != 0))
}

/// 1 if `alg` may run under the current policy (allowed, and FIPS-approved in FIPS mode), else 0
/// (also for an unknown id).
#[no_mangle]
pub extern "C" fn xps_policy_algorithm_allowed(alg: u32) -> i32 {
    guard_value(0, || Alg::from_id(alg).map_or(0, |a| i32::from(policy::allowed(a))))
}

/// 1 if `alg` is FIPS-approved (allowed in FIPS mode; the table and reasons are in SECURITY.md),
/// else 0 (also for an unknown id).
#[no_mangle]
pub extern "C" fn xps_fips_approved(alg: u32) -> i32 {
    guard_value(0, || Alg::from_id(alg).map_or(0, |a| i32::from(policy::fips_approved(a))))
}
