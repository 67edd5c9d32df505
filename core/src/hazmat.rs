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

/// HPKE known-answer tests only — gives up the confidentiality of the context's secrets:
/// `(key, base_nonce, exporter_secret)` of a sender context (empty key/nonce for export-only).
pub fn hpke_sender_secrets_exposed(ctx: &crate::hpke::SenderContext) -> (Vec<u8>, Vec<u8>, zeroize::Zeroizing<Vec<u8>>) {
    let (k, n, e) = ctx.secrets();
    (k.to_vec(), n.to_vec(), zeroize::Zeroizing::new(e.to_vec()))
}

/// As [`hpke_sender_secrets_exposed`], for a recipient context.
pub fn hpke_recipient_secrets_exposed(ctx: &crate::hpke::RecipientContext) -> (Vec<u8>, Vec<u8>, zeroize::Zeroizing<Vec<u8>>) {
    let (k, n, e) = ctx.secrets();
    (k.to_vec(), n.to_vec(), zeroize::Zeroizing::new(e.to_vec()))
}

/// Tests only — gives up nonce uniqueness: sets the sequence number of an HPKE sender context
/// (to test the message limit). Sealing twice at one sequence number reuses an AEAD nonce.
pub fn hpke_sender_set_sequence_nonce_reuse(ctx: &mut crate::hpke::SenderContext, seq: u64) {
    ctx.set_sequence(seq)
}

/// Tests only: sets the sequence number of an HPKE recipient context.
pub fn hpke_recipient_set_sequence(ctx: &mut crate::hpke::RecipientContext, seq: u64) {
    ctx.set_sequence(seq)
}

/// HPKE known-answer tests only — gives up the KEM: runs the key schedule on a caller-supplied
/// KEM shared secret, so the KDF/AEAD layer of a suite can be checked against published values
/// even when the suite's KEM has no kernel in this build.
pub fn hpke_sender_from_shared_secret(suite: crate::hpke::Suite, setup: &crate::hpke::Setup, shared_secret: &[u8]) -> Result<crate::hpke::SenderContext> {
    crate::hpke::sender_from_shared_secret(suite, setup, shared_secret)
}

/// HPKE known-answer tests only: the `DeriveKeyPair` seed of a PQ KEM (ML-KEM: 64-byte d‖z,
/// which is also its HPKE secret key; X-Wing: the 32-byte seed), without needing its kernel.
pub fn hpke_derive_seed(kem_id: u16, ikm: &[u8]) -> Result<zeroize::Zeroizing<Vec<u8>>> {
    crate::hpke::derive_seed(kem_id, ikm)
}
