//! The labeled KDF calls of HPKE (RFC 9180 §4; one-stage `LabeledDerive` from
//! draft-ietf-hpke-hpke-03 §4, used by draft-ietf-hpke-pq for ML-KEM / X-Wing `DeriveKeyPair`).
//!
//! Secret inputs (DH outputs, PSKs, shared secrets) are streamed into our HMAC / SHAKE256
//! states, never copied into a temporary concatenation; the states wipe themselves on drop.

use crate::alg::Alg;
use crate::error::{err, Result, Status};
use crate::hash::Hasher;
use crate::mac::Mac;

/// The version label. (The editor's copy of draft-ietf-hpke-hpke at one point printed
/// `"HPKE_v1"` in `LabeledDerive`; the draft-ietf-hpke-pq-05 test vectors use `"HPKE-v1"`.)
const VERSION: &[u8] = b"HPKE-v1";

/// Largest `Nh` of the KDFs we implement (HKDF-SHA512).
pub(crate) const MAX_NH: usize = 64;

/// `(HMAC algorithm, Nh)` of an HKDF.
pub(crate) fn hkdf_parts(kdf: Alg) -> Result<(Alg, usize)> {
    Ok(match kdf {
        Alg::HkdfSha256 => (Alg::HmacSha256, 32),
        Alg::HkdfSha384 => (Alg::HmacSha384, 48),
        Alg::HkdfSha512 => (Alg::HmacSha512, 64),
        other => return Err(err(Status::Internal, format!("{} is not an HPKE KDF", other.name()))),
    })
}

fn len16(n: usize, what: &str) -> Result<[u8; 2]> {
    u16::try_from(n)
        .map(u16::to_be_bytes)
        .map_err(|_| err(Status::OutputTooLong, format!("HPKE {what} length {n} does not fit in two bytes")))
}

/// `LabeledExtract(salt, label, ikm)` = HKDF-Extract(salt, "HPKE-v1" ‖ suite_id ‖ label ‖ ikm)
/// into `prk[..Nh]`; an empty salt means Nh zero bytes (RFC 5869).
pub(crate) fn extract(kdf: Alg, suite_id: &[u8], salt: &[u8], label: &[u8], ikm: &[u8], prk: &mut [u8]) -> Result<()> {
    let (m, nh) = hkdf_parts(kdf)?;
    let zeros = [0u8; MAX_NH];
    let salt = if salt.is_empty() { &zeros[..nh] } else { salt };
    let mut mac = Mac::new_internal(m, salt)?;
    mac.update(VERSION).update(suite_id).update(label).update(ikm);
    mac.finalize_into(&mut prk[..nh])?;
    Ok(())
}

/// `LabeledExpand(prk, label, info, L)` = HKDF-Expand(prk, I2OSP(L, 2) ‖ "HPKE-v1" ‖ suite_id ‖
/// label ‖ info, L) with `L = out.len()` (≤ 255·Nh, checked by HKDF).
pub(crate) fn expand(kdf: Alg, suite_id: &[u8], prk: &[u8], label: &[u8], info: &[u8], out: &mut [u8]) -> Result<()> {
    let l = len16(out.len(), "output")?;
    let mut labeled = Vec::new();
    labeled.try_reserve_exact(2 + VERSION.len() + suite_id.len() + label.len() + info.len()).map_err(|_| err(Status::OutOfMemory, "HPKE info too large"))?;
    labeled.extend_from_slice(&l);
    labeled.extend_from_slice(VERSION);
    labeled.extend_from_slice(suite_id);
    labeled.extend_from_slice(label);
    labeled.extend_from_slice(info);
    crate::kdf::hkdf_expand_internal(kdf, prk, &labeled, out)
}

/// One-stage `SHAKE256.LabeledDerive(ikm, label, context, L)` = SHAKE256(ikm ‖ "HPKE-v1" ‖
/// suite_id ‖ I2OSP(len(label), 2) ‖ label ‖ I2OSP(L, 2) ‖ context, L) with `L = out.len()`.
pub(crate) fn derive_shake256(suite_id: &[u8], ikm: &[u8], label: &[u8], context: &[u8], out: &mut [u8]) -> Result<()> {
    let l = len16(out.len(), "output")?;
    let ll = len16(label.len(), "label")?;
    let mut h = Hasher::unmetered(Alg::Shake256)?;
    h.update(ikm).update(VERSION).update(suite_id).update(&ll).update(label).update(&l).update(context);
    h.finalize_xof(out)
}
