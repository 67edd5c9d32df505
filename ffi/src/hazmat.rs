//! Hazmat: the FIPS 204 / FIPS 205 *internal* signing interface (`ML-DSA.Sign_internal` /
//! `Verify_internal`, `slh_sign_internal` / `slh_verify_internal`) over a message taken as M′
//! itself — no `0 ‖ len(ctx) ‖ ctx` prefix, so no domain separation. It exists so that NIST ACVP
//! vectors with `signatureInterface: "internal"` can be run through the C ABI; applications use
//! `xps_sign_ex` / `xps_verify_ex`. The names carry the contract (`xps_hazmat_*`).

use crate::boundary::*;
use crate::pk_io::{check_io, need_len_ptrs, put, In, Out};
use xpscrypto_core::{hazmat, sign};

/// Hazmat: signs `m_prime` with the FIPS 204/205 internal interface (no context prefix, no
/// domain separation; for ACVP internal-interface vectors). `alg`: `XPS_ALG_ML_DSA_44/65/87`
/// or `XPS_ALG_SLH_DSA_SHA2_128S` (other signature algorithms: `XPS_E_INVALID_PARAMETER`).
/// `rnd`: ML-DSA's 32-byte `rnd` or SLH-DSA's 16-byte `opt_rand`; NULL/0 for the deterministic
/// variant (ML-DSA: 32 zero bytes; SLH-DSA: PK.seed). Writes `xps_sign_bytes(alg)` bytes.
#[no_mangle]
pub unsafe extern "C" fn xps_hazmat_sign_internal(
    alg: u32,
    sk: *const u8,
    sk_len: usize,
    m_prime: *const u8,
    m_prime_len: usize,
    rnd: *const u8,
    rnd_len: usize,
    sig: *mut u8,
    sig_cap: usize,
    sig_len: *mut usize,
) -> xps_status {
    guard(|| {
        let a = crate::boundary::alg(alg)?;
        // Before the size lookup: no size probe succeeds for an algorithm without the interface.
        hazmat::check_internal(a)?;
        let mut so = Out { p: sig, cap: sig_cap, len: sig_len, need: 0, what: "signature" };
        need_len_ptrs(&[&so])?;
        so.need = sign::sizes(a)?.signature;
        check_io(
            a.name(),
            &[&so],
            &[In { p: sk, len: sk_len, what: "secret key" }, In { p: m_prime, len: m_prime_len, what: "message" }, In { p: rnd, len: rnd_len, what: "rnd" }],
        )?;
        // SAFETY: pointer/length pairs validated by check_io (caller contract for validity).
        let (k, m, r) = unsafe { (input(sk, sk_len, "secret key")?, input(m_prime, m_prime_len, "message")?, input(rnd, rnd_len, "rnd")?) };
        let s = hazmat::sign_internal(a, k, m, (!r.is_empty()).then_some(r))?;
        // SAFETY: the output was validated for `need` bytes and overlaps no input (check_io).
        unsafe { put(&so, &s) }
    })
}

/// Hazmat: verifies `sig` over `m_prime` with the FIPS 204/205 internal interface (see
/// `xps_hazmat_sign_internal`). `XPS_OK` if valid, `XPS_E_BAD_SIGNATURE` if not; the statuses of
/// `xps_verify_ex` for malformed lengths and keys.
#[no_mangle]
pub unsafe extern "C" fn xps_hazmat_verify_internal(
    alg: u32,
    pk: *const u8,
    pk_len: usize,
    m_prime: *const u8,
    m_prime_len: usize,
    sig: *const u8,
    sig_len: usize,
) -> xps_status {
    guard(|| {
        let a = crate::boundary::alg(alg)?;
        // SAFETY: validated pointer/length pairs (caller contract for validity).
        let (p, m, s) = unsafe { (input(pk, pk_len, "public key")?, input(m_prime, m_prime_len, "message")?, input(sig, sig_len, "signature")?) };
        hazmat::verify_internal(a, p, m, s)
    })
}
