//! Escape hatches that bypass dispatch selection: run a *specific* kernel. For differential tests,
//! benchmarks and (later) patch self-tests. Lengths are still validated; nothing else is.

use crate::aead;
use crate::alg::Alg;
use crate::dispatch::{AeadKernel, AeadSchedule, HashKernel, AEAD_SCHED_BYTES, HASH_MODE_DERIVE_KEY, HASH_MODE_KEYED, HASH_MODE_PLAIN};
use crate::error::{err, Result, Status};
use crate::hash::Hasher;

/// Starts a stream of `alg` on an explicit kernel (`mode`/`key` as in the kernel ABI:
/// plain, keyed with a 32-byte key, or derive-key with a UTF-8 context).
pub fn hasher_on_kernel(alg: Alg, kernel: &HashKernel, mode: u32, key: &[u8]) -> Result<Hasher> {
    match mode {
        HASH_MODE_PLAIN => {}
        HASH_MODE_KEYED if key.len() == 32 => {}
        HASH_MODE_DERIVE_KEY if std::str::from_utf8(key).is_ok() => {}
        _ => return Err(err(Status::InvalidParameter, "bad mode/key for hasher_on_kernel")),
    }
    let out_len = if alg == Alg::Poly1305 { Some(16) } else { crate::hash::digest_len(alg)? };
    Hasher::start(alg, *kernel, key, mode, out_len)
}

/// Seals with an explicit AEAD kernel; returns `ciphertext ‖ tag`.
pub fn aead_seal_on_kernel(alg: Alg, kernel: &AeadKernel, key: &[u8], nonce: &[u8], aad: &[u8], pt: &[u8]) -> Result<Vec<u8>> {
    check(alg, key, nonce)?;
    let mut s = Box::new(AeadSchedule([0; AEAD_SCHED_BYTES]));
    // SAFETY: fresh blob; key length validated.
    if unsafe { (kernel.setup)(&mut *s, key.as_ptr(), key.len()) } != 0 {
        return Err(err(Status::Internal, "kernel rejected key"));
    }
    let mut out = vec![0u8; aead::sealed_len(pt.len())?];
    let mut tag = [0u8; 16];
    // SAFETY: valid schedule; disjoint input/output of pt.len() bytes; 16-byte tag buffer.
    unsafe { (kernel.seal)(&*s, nonce.as_ptr(), nonce.len(), aad.as_ptr(), aad.len(), pt.as_ptr(), out.as_mut_ptr(), pt.len(), tag.as_mut_ptr()) };
    out[pt.len()..].copy_from_slice(&tag);
    zeroize::Zeroize::zeroize(&mut s.0[..]);
    Ok(out)
}

/// Opens `ciphertext ‖ tag` with an explicit AEAD kernel.
pub fn aead_open_on_kernel(alg: Alg, kernel: &AeadKernel, key: &[u8], nonce: &[u8], aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>> {
    check(alg, key, nonce)?;
    let n = aead::opened_len(sealed.len())?;
    let mut s = Box::new(AeadSchedule([0; AEAD_SCHED_BYTES]));
    // SAFETY: fresh blob; key length validated.
    if unsafe { (kernel.setup)(&mut *s, key.as_ptr(), key.len()) } != 0 {
        return Err(err(Status::Internal, "kernel rejected key"));
    }
    let mut out = vec![0u8; n];
    // SAFETY: valid schedule; disjoint buffers of n bytes; tag is the last 16 bytes of `sealed`.
    let rc = unsafe { (kernel.open)(&*s, nonce.as_ptr(), nonce.len(), aad.as_ptr(), aad.len(), sealed.as_ptr(), out.as_mut_ptr(), n, sealed[n..].as_ptr()) };
    zeroize::Zeroize::zeroize(&mut s.0[..]);
    if rc == 0 {
        Ok(out)
    } else {
        Err(err(Status::AuthenticationFailed, "authentication failed"))
    }
}

fn check(alg: Alg, key: &[u8], nonce: &[u8]) -> Result<()> {
    if key.len() != aead::key_len(alg)? {
        return Err(err(Status::BadKeyLength, "bad key length"));
    }
    if nonce.len() != aead::nonce_len(alg)? {
        return Err(err(Status::BadNonceLength, "bad nonce length"));
    }
    Ok(())
}

fn slh_rc(c: i32, what: &str) -> Result<()> {
    match c {
        0 => Ok(()),
        c => {
            let s = Status::from_code(c).unwrap_or(Status::Internal);
            Err(err(s, format!("slh-dsa-sha2-128s {what}: {}", s.message())))
        }
    }
}

/// SLH-DSA-SHA2-128s `slh_verify_internal` (FIPS 205 Algorithm 20): verifies `sig` over `m_prime`
/// **as given**, without the pure-mode `0x00 ‖ len(ctx) ‖ ctx` prefix. Gives up domain
/// separation; for ACVP `signatureInterface: "internal"` vectors only.
pub fn slh_dsa_sha2_128s_verify_internal(pk: &[u8], m_prime: &[u8], sig: &[u8]) -> Result<()> {
    slh_rc(crate::kernels::slh_dsa::verify_internal(pk, m_prime, sig), "internal verification")
}

/// SLH-DSA-SHA2-128s `slh_sign_internal` (FIPS 205 Algorithm 19) over `m_prime` as given, with an
/// explicit 16-byte `opt_rand` (`None` = PK.seed, deterministic). Gives up domain separation and
/// lets the caller choose the randomizer; for ACVP sigGen vectors only.
pub fn slh_dsa_sha2_128s_sign_internal(sk: &[u8], m_prime: &[u8], opt_rand: Option<&[u8]>) -> Result<Vec<u8>> {
    crate::kernels::slh_dsa::sign_internal(sk, m_prime, opt_rand).map_err(|c| {
        let s = Status::from_code(c).unwrap_or(Status::Internal);
        err(s, format!("slh-dsa-sha2-128s internal signing: {}", s.message()))
    })
}
