//! KDFs: HKDF (extract, expand, one-shot), PBKDF2, Argon2id. Outputs are written only on success.

use crate::boundary::*;
use xpscrypto_core::kdf::{self, Argon2idParams};
use xpscrypto_core::Status;

/// One-shot HKDF (hkdf-sha256/384/512): `out_len` bytes (1..=255*HashLen, else
/// `XPS_E_OUTPUT_TOO_LONG`) from `ikm`, `salt` (may be empty) and `info`.
#[no_mangle]
pub unsafe extern "C" fn xps_hkdf(
    alg: u32,
    ikm: *const u8,
    ikm_len: usize,
    salt: *const u8,
    salt_len: usize,
    info: *const u8,
    info_len: usize,
    out: *mut u8,
    out_len: usize,
) -> xps_status {
    guard(|| {
        let a = crate::boundary::alg(alg)?;
        check_out_len(out, out_len, kdf::hkdf_max_len(a)? as u64, "out")?;
        // SAFETY: validated pointer/length pairs.
        let (i, s, f, o) =
            unsafe { (input(ikm, ikm_len, "ikm")?, input(salt, salt_len, "salt")?, input(info, info_len, "info")?, output(out, out_len, "out")?) };
        for (p, l, w) in [(ikm, ikm_len, "ikm"), (salt, salt_len, "salt"), (info, info_len, "info")] {
            check_overlap(p, l, out, out_len, false, w)?;
        }
        // The core validates every length before writing and cannot fail afterwards, so the
        // output is written only on success.
        kdf::hkdf(a, i, s, f, o)
    })
}

/// HKDF-Extract: PRK (HashLen bytes) into `prk`; `*prk_len` gets HashLen.
#[no_mangle]
pub unsafe extern "C" fn xps_hkdf_extract(
    alg: u32,
    salt: *const u8,
    salt_len: usize,
    ikm: *const u8,
    ikm_len: usize,
    prk: *mut u8,
    prk_cap: usize,
    prk_len: *mut usize,
) -> xps_status {
    guard(|| {
        let a = crate::boundary::alg(alg)?;
        need_len_ptr(prk_len)?;
        let hl = kdf::hkdf_prk_len(a)?;
        if prk_cap < hl {
            set_len(prk_len, hl);
            return Err(e(Status::BufferTooSmall, format!("PRK needs {hl} bytes, prk_cap is {prk_cap}")));
        }
        // SAFETY: validated pointer/length pairs.
        let (s, i) = unsafe { (input(salt, salt_len, "salt")?, input(ikm, ikm_len, "ikm")?) };
        let mut tmp = zeroize::Zeroizing::new([0u8; 64]);
        kdf::hkdf_extract(a, s, i, &mut tmp[..hl])?;
        // SAFETY: validated output.
        unsafe { output(prk, hl, "prk")? }.copy_from_slice(&tmp[..hl]);
        set_len(prk_len, hl);
        Ok(())
    })
}

/// HKDF-Expand: `out_len` bytes (≤ 255*HashLen) from `prk` (≥ HashLen bytes) and `info`.
#[no_mangle]
pub unsafe extern "C" fn xps_hkdf_expand(alg: u32, prk: *const u8, prk_len: usize, info: *const u8, info_len: usize, out: *mut u8, out_len: usize) -> xps_status {
    guard(|| {
        let a = crate::boundary::alg(alg)?;
        check_out_len(out, out_len, kdf::hkdf_max_len(a)? as u64, "out")?;
        // SAFETY: validated pointer/length pairs.
        let (p, f, o) = unsafe { (input(prk, prk_len, "prk")?, input(info, info_len, "info")?, output(out, out_len, "out")?) };
        check_overlap(prk, prk_len, out, out_len, false, "prk")?;
        check_overlap(info, info_len, out, out_len, false, "info")?;
        // Validated before any write; infallible afterwards.
        kdf::hkdf_expand(a, p, f, o)
    })
}

/// PBKDF2 (pbkdf2-sha256/512): `out_len` ≥ 1 bytes, `iterations` ≥ 1.
#[no_mangle]
pub unsafe extern "C" fn xps_pbkdf2(
    alg: u32,
    password: *const u8,
    password_len: usize,
    salt: *const u8,
    salt_len: usize,
    iterations: u32,
    out: *mut u8,
    out_len: usize,
) -> xps_status {
    guard(|| {
        let a = crate::boundary::alg(alg)?;
        check_out_len(out, out_len, kdf::pbkdf2_max_len(a)?, "out")?;
        // SAFETY: validated pointer/length pairs.
        let (p, s, o) = unsafe { (input(password, password_len, "password")?, input(salt, salt_len, "salt")?, output(out, out_len, "out")?) };
        check_overlap(password, password_len, out, out_len, false, "password")?;
        check_overlap(salt, salt_len, out, out_len, false, "salt")?;
        // Validated before any write; infallible afterwards.
        kdf::pbkdf2(a, p, s, iterations, o)
    })
}

/// Argon2id (v0x13) with optional secret (≤ 32 bytes) and associated data (≤ 32 bytes).
/// Limits: t_cost ≥ 1; 1 ≤ parallelism < 2^24; m_cost_kib ≥ 8*parallelism; salt ≥ 8 bytes
/// (all `XPS_E_INVALID_PARAMETER` when violated); 4 ≤ out_len < 2^32 (`XPS_E_INVALID_LENGTH`).
/// Memory that cannot be reserved gives `XPS_E_OUT_OF_MEMORY` (never an abort).
#[no_mangle]
pub unsafe extern "C" fn xps_argon2id_ex(
    password: *const u8,
    password_len: usize,
    salt: *const u8,
    salt_len: usize,
    t_cost: u32,
    m_cost_kib: u32,
    parallelism: u32,
    secret: *const u8,
    secret_len: usize,
    ad: *const u8,
    ad_len: usize,
    out: *mut u8,
    out_len: usize,
) -> xps_status {
    guard(|| {
        // SAFETY: validated pointer/length pairs.
        let (p, s, k, d) = unsafe {
            (input(password, password_len, "password")?, input(salt, salt_len, "salt")?, input(secret, secret_len, "secret")?, input(ad, ad_len, "ad")?)
        };
        if out.is_null() && out_len != 0 {
            return Err(e(Status::NullPointer, "out is NULL"));
        }
        if out_len > isize::MAX as usize {
            return Err(e(Status::LengthOverflow, format!("out length {out_len} overflows the address space")));
        }
        if !(kdf::argon2_limits::MIN_OUTPUT as u64..=u64::from(u32::MAX)).contains(&(out_len as u64)) {
            return Err(e(Status::InvalidLength, format!("argon2id output must be 4..=2^32-1 bytes, got {out_len}")));
        }
        // SAFETY: validated output (checked before the expensive work).
        let o = unsafe { output(out, out_len, "out")? };
        for (q, l, w) in [(password, password_len, "password"), (salt, salt_len, "salt"), (secret, secret_len, "secret"), (ad, ad_len, "ad")] {
            check_overlap(q, l, out, out_len, false, w)?;
        }
        // The core computes into a fallibly reserved temporary and copies only on success.
        kdf::argon2id(Argon2idParams { t_cost, m_cost_kib, parallelism }, p, s, k, d, o)
    })
}

/// Argon2id without secret or associated data (see `xps_argon2id_ex` for limits).
#[no_mangle]
pub unsafe extern "C" fn xps_argon2id(
    password: *const u8,
    password_len: usize,
    salt: *const u8,
    salt_len: usize,
    t_cost: u32,
    m_cost_kib: u32,
    parallelism: u32,
    out: *mut u8,
    out_len: usize,
) -> xps_status {
    // SAFETY: forwarded unchanged; validated inside.
    unsafe { xps_argon2id_ex(password, password_len, salt, salt_len, t_cost, m_cost_kib, parallelism, std::ptr::null(), 0, std::ptr::null(), 0, out, out_len) }
}
