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

/// KEM key generation on an explicit kernel: `(public key, secret key)`. `seed` is refused
/// (`InvalidParameter`) by a kernel without `CAP_SEEDED_KEYPAIR`; no fallback happens here.
pub fn kem_keypair_on_kernel(kernel: &crate::dispatch::KemKernel, seed: Option<&[u8]>) -> Result<(Vec<u8>, zeroize::Zeroizing<Vec<u8>>)> {
    let (sp, sn) = kem_seed(seed, kernel.seed_len, kernel.caps & crate::dispatch::CAP_SEEDED_KEYPAIR != 0)?;
    let (mut pk, mut sk) = (vec![0u8; kernel.pk_len], zeroize::Zeroizing::new(vec![0u8; kernel.sk_len]));
    // SAFETY: buffers of the kernel's sizes; seed NULL/0 or exactly `seed_len` bytes.
    kem_rc(unsafe { (kernel.keypair)(sp, sn, pk.as_mut_ptr(), sk.as_mut_ptr()) })?;
    Ok((pk, sk))
}

/// KEM encapsulation on an explicit kernel: `(ciphertext, shared secret)`; `seed` as in
/// [`kem_keypair_on_kernel`] (with `CAP_SEEDED_ENCAPS`).
pub fn kem_encapsulate_on_kernel(kernel: &crate::dispatch::KemKernel, pk: &[u8], seed: Option<&[u8]>) -> Result<(Vec<u8>, zeroize::Zeroizing<Vec<u8>>)> {
    if pk.len() != kernel.pk_len {
        return Err(err(Status::BadKeyLength, "bad public key length"));
    }
    let (sp, sn) = kem_seed(seed, kernel.enc_seed_len, kernel.caps & crate::dispatch::CAP_SEEDED_ENCAPS != 0)?;
    let (mut ct, mut ss) = (vec![0u8; kernel.ct_len], zeroize::Zeroizing::new(vec![0u8; kernel.ss_len]));
    // SAFETY: input and output buffers of the kernel's sizes; seed as above.
    kem_rc(unsafe { (kernel.encaps)(pk.as_ptr(), sp, sn, ct.as_mut_ptr(), ss.as_mut_ptr()) })?;
    Ok((ct, ss))
}

/// KEM decapsulation on an explicit kernel.
pub fn kem_decapsulate_on_kernel(kernel: &crate::dispatch::KemKernel, sk: &[u8], ct: &[u8]) -> Result<zeroize::Zeroizing<Vec<u8>>> {
    if sk.len() != kernel.sk_len {
        return Err(err(Status::BadKeyLength, "bad secret key length"));
    }
    if ct.len() != kernel.ct_len {
        return Err(err(Status::InvalidLength, "bad ciphertext length"));
    }
    let mut ss = zeroize::Zeroizing::new(vec![0u8; kernel.ss_len]);
    // SAFETY: inputs and output of the kernel's sizes.
    kem_rc(unsafe { (kernel.decaps)(sk.as_ptr(), ct.as_ptr(), ss.as_mut_ptr()) })?;
    Ok(ss)
}

fn kem_seed(seed: Option<&[u8]>, want: usize, capable: bool) -> Result<(*const u8, usize)> {
    match seed {
        None => Ok((std::ptr::null(), 0)),
        Some(_) if !capable => Err(err(Status::InvalidParameter, "kernel has no seeded entry point")),
        Some(s) if s.len() != want => Err(err(Status::InvalidLength, "bad seed length")),
        Some(s) => Ok((s.as_ptr(), s.len())),
    }
}

fn kem_rc(code: i32) -> Result<()> {
    if code == 0 {
        return Ok(());
    }
    let s = Status::from_code(code).unwrap_or(Status::Internal);
    Err(err(s, s.message()))
}
