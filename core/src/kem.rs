//! KEMs and key agreement (brief §6–§7): key generation (random or from a seed), encapsulation
//! (random or derandomized from a seed, for KATs) and decapsulation, through the dispatch table.
//!
//! For `x25519` the "ciphertext" is an ephemeral public key and the shared secret is the raw
//! RFC 7748 output (all-zero results refused), so `decapsulate(sk, peer_public)` is plain DH.
//! Seeded calls need kernel support; when the active (accelerated) kernel lacks it the call runs
//! on the op's portable reference kernel.

use crate::dispatch::{self, KemKernel, CAP_SEEDED_ENCAPS, CAP_SEEDED_KEYPAIR};
use crate::error::{err, Result, Status};
use crate::metrics::{self, OpKind};
use crate::{Alg, Family, SecureBuffer};
use zeroize::Zeroizing;

/// Sizes of a KEM in bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KemSizes {
    pub public_key: usize,
    pub secret_key: usize,
    pub ciphertext: usize,
    pub shared_secret: usize,
    /// Key-generation seed (ML-KEM: d‖z, 64 bytes); 0 = none.
    pub seed: usize,
    /// Encapsulation randomness (ML-KEM: m, 32 bytes); 0 = none.
    pub encaps_seed: usize,
}

pub(crate) fn kernel_for(alg: Alg) -> Result<KemKernel> {
    let alg = alg.expect(Family::Kem)?;
    let k = *dispatch::table()?.kem_kernel(alg).ok_or_else(|| err(Status::WrongAlgorithmFamily, format!("{} is not a KEM", alg.name())))?;
    if k.pk_len == 0 {
        return Err(err(Status::UnknownAlgorithm, format!("{} has no kernel in this build", alg.name())));
    }
    Ok(k)
}

fn kernel_with(alg: Alg, cap: u32, what: &str) -> Result<KemKernel> {
    let k = kernel_for(alg)?;
    if k.caps & cap != 0 {
        return Ok(k);
    }
    let op = format!("kem.{}", alg.name());
    dispatch::ops()
        .iter()
        .find(|o| o.name == op)
        .and_then(|o| match o.candidates.first() {
            Some(dispatch::Candidate::Kem(p)) if p.caps & cap != 0 => Some(*p),
            _ => None,
        })
        .ok_or_else(|| err(Status::InvalidParameter, format!("{} does not support {what}", alg.name())))
}

pub fn sizes(alg: Alg) -> Result<KemSizes> {
    let k = kernel_for(alg)?;
    Ok(KemSizes {
        public_key: k.pk_len,
        secret_key: k.sk_len,
        ciphertext: k.ct_len,
        shared_secret: k.ss_len,
        seed: k.seed_len,
        encaps_seed: k.enc_seed_len,
    })
}

fn rc(code: i32, what: impl FnOnce() -> String) -> Result<()> {
    if code == 0 {
        return Ok(());
    }
    let status = Status::from_code(code).unwrap_or(Status::Internal);
    Err(err(status, format!("{}: {}", what(), status.message())))
}

fn exact(alg: Alg, what: &str, got: usize, want: usize, status: Status) -> Result<()> {
    if got != want {
        return Err(err(status, format!("{} {what} is {want} bytes, got {got}", alg.name())));
    }
    Ok(())
}

fn seed_parts(alg: Alg, seed: Option<&[u8]>, want: usize, what: &str) -> Result<(*const u8, usize)> {
    match seed {
        None => Ok((std::ptr::null(), 0)),
        Some(s) => {
            exact(alg, what, s.len(), want, Status::InvalidLength)?;
            Ok((s.as_ptr(), s.len()))
        }
    }
}

/// Key generation into caller buffers of exactly the algorithm's sizes.
pub fn keypair_into(alg: Alg, seed: Option<&[u8]>, pk: &mut [u8], sk: &mut [u8]) -> Result<()> {
    metrics::metered(OpKind::KemKeypair, alg, 0, |ran| keypair_core(alg, seed, pk, sk, ran))
}

fn keypair_core(alg: Alg, seed: Option<&[u8]>, pk: &mut [u8], sk: &mut [u8], ran: &mut metrics::Ran) -> Result<()> {
    let k = if seed.is_some() { kernel_with(alg, CAP_SEEDED_KEYPAIR, "seeded key generation")? } else { kernel_for(alg)? };
    let (sp, sn) = seed_parts(alg, seed, k.seed_len, "key-generation seed")?;
    if pk.len() < k.pk_len || sk.len() < k.sk_len {
        return Err(err(Status::BufferTooSmall, format!("{} keys need {} + {} bytes", alg.name(), k.pk_len, k.sk_len)));
    }
    *ran = Some(k.desc);
    // SAFETY: buffers hold at least the kernel's sizes; the seed length matches.
    let code = unsafe { (k.keypair)(sp, sn, pk.as_mut_ptr(), sk.as_mut_ptr()) };
    rc(code, || format!("{} key generation", alg.name()))
}

/// Key generation: `(public key, secret key in secure memory)`.
pub fn keypair(alg: Alg, seed: Option<&[u8]>) -> Result<(Vec<u8>, SecureBuffer)> {
    metrics::metered(OpKind::KemKeypair, alg, 0, |ran| {
        let s = sizes(alg)?;
        let mut pk = vec![0u8; s.public_key];
        let mut sk = SecureBuffer::new(s.secret_key)?;
        keypair_core(alg, seed, &mut pk, sk.as_mut_slice(), ran)?;
        Ok((pk, sk))
    })
}

/// Encapsulation into caller buffers (`ct` and `ss` at least the algorithm's sizes).
pub fn encapsulate_into(alg: Alg, pk: &[u8], seed: Option<&[u8]>, ct: &mut [u8], ss: &mut [u8]) -> Result<()> {
    metrics::metered(OpKind::KemEncaps, alg, 0, |ran| encapsulate_core(alg, pk, seed, ct, ss, ran))
}

fn encapsulate_core(alg: Alg, pk: &[u8], seed: Option<&[u8]>, ct: &mut [u8], ss: &mut [u8], ran: &mut metrics::Ran) -> Result<()> {
    let k = if seed.is_some() { kernel_with(alg, CAP_SEEDED_ENCAPS, "derandomized encapsulation")? } else { kernel_for(alg)? };
    exact(alg, "public key", pk.len(), k.pk_len, Status::BadKeyLength)?;
    let (sp, sn) = seed_parts(alg, seed, k.enc_seed_len, "encapsulation seed")?;
    if ct.len() < k.ct_len || ss.len() < k.ss_len {
        return Err(err(Status::BufferTooSmall, format!("{} needs {} ciphertext + {} secret bytes", alg.name(), k.ct_len, k.ss_len)));
    }
    *ran = Some(k.desc);
    // SAFETY: buffers hold at least the kernel's sizes; lengths checked above.
    let code = unsafe { (k.encaps)(pk.as_ptr(), sp, sn, ct.as_mut_ptr(), ss.as_mut_ptr()) };
    rc(code, || format!("{} encapsulation", alg.name()))
}

/// Encapsulation: `(ciphertext, shared secret)`.
pub fn encapsulate(alg: Alg, pk: &[u8], seed: Option<&[u8]>) -> Result<(Vec<u8>, Zeroizing<Vec<u8>>)> {
    metrics::metered(OpKind::KemEncaps, alg, 0, |ran| {
        let s = sizes(alg)?;
        let mut ct = vec![0u8; s.ciphertext];
        let mut ss = Zeroizing::new(vec![0u8; s.shared_secret]);
        encapsulate_core(alg, pk, seed, &mut ct, &mut ss, ran)?;
        Ok((ct, ss))
    })
}

/// Decapsulation into `ss` (at least the shared-secret size). Counted as a call of
/// `kem.<alg>.decaps` with `bytes` = `ct.len()`.
pub fn decapsulate_into(alg: Alg, sk: &[u8], ct: &[u8], ss: &mut [u8]) -> Result<()> {
    metrics::metered(OpKind::KemDecaps, alg, ct.len(), |ran| decapsulate_core(alg, sk, ct, ss, ran))
}

fn decapsulate_core(alg: Alg, sk: &[u8], ct: &[u8], ss: &mut [u8], ran: &mut metrics::Ran) -> Result<()> {
    let k = kernel_for(alg)?;
    check_decaps_lengths(alg, &k, sk, ct, ss)?;
    *ran = Some(k.desc);
    // SAFETY: inputs have exactly the kernel's sizes; `ss` holds at least `ss_len`.
    let code = unsafe { (k.decaps)(sk.as_ptr(), ct.as_ptr(), ss.as_mut_ptr()) };
    rc(code, || format!("{} decapsulation", alg.name()))
}

fn check_decaps_lengths(alg: Alg, k: &KemKernel, sk: &[u8], ct: &[u8], ss: &[u8]) -> Result<()> {
    exact(alg, "secret key", sk.len(), k.sk_len, Status::BadKeyLength)?;
    exact(alg, "ciphertext", ct.len(), k.ct_len, Status::InvalidLength)?;
    if ss.len() < k.ss_len {
        return Err(err(Status::BufferTooSmall, format!("{} shared secrets are {} bytes", alg.name(), k.ss_len)));
    }
    Ok(())
}

/// Decapsulation: the shared secret.
pub fn decapsulate(alg: Alg, sk: &[u8], ct: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    metrics::metered(OpKind::KemDecaps, alg, ct.len(), |ran| {
        let s = sizes(alg)?;
        let mut ss = Zeroizing::new(vec![0u8; s.shared_secret]);
        decapsulate_core(alg, sk, ct, &mut ss, ran)?;
        Ok(ss)
    })
}

/// A decapsulation key held in secure memory.
///
/// The constructor checks the length. ML-KEM keys also get the FIPS 203 §7.3 checks once here:
/// a key that passes skips them on every later decapsulation through the built-in PQClean kernel
/// (the flat call repeats them each time); a key that fails is still accepted and every
/// decapsulation with it reports `InvalidKey`, as the flat call does.
pub struct DecapsulationKey {
    alg: Alg,
    sk: SecureBuffer,
    /// The key passed `ml_kem::dk_ok` (ML-KEM only).
    prechecked: bool,
}

impl DecapsulationKey {
    pub fn new(alg: Alg, sk: &[u8]) -> Result<Self> {
        let k = kernel_for(alg)?;
        exact(alg, "secret key", sk.len(), k.sk_len, Status::BadKeyLength)?;
        // The held copy is what gets checked (and later used), not the caller's buffer.
        let sk = SecureBuffer::from_slice(sk)?;
        let prechecked = crate::kernels::ml_kem::params(alg).is_some_and(|p| crate::kernels::ml_kem::dk_ok(p, sk.as_slice()));
        Ok(DecapsulationKey { alg, sk, prechecked })
    }
    pub fn alg(&self) -> Alg {
        self.alg
    }
    pub fn decapsulate(&self, ct: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        metrics::metered(OpKind::KemDecaps, self.alg, ct.len(), |ran| {
            let s = sizes(self.alg)?;
            let mut ss = Zeroizing::new(vec![0u8; s.shared_secret]);
            self.decapsulate_core(ct, &mut ss, ran)?;
            Ok(ss)
        })
    }
    pub fn decapsulate_into(&self, ct: &[u8], ss: &mut [u8]) -> Result<()> {
        metrics::metered(OpKind::KemDecaps, self.alg, ct.len(), |ran| self.decapsulate_core(ct, ss, ran))
    }
    fn decapsulate_core(&self, ct: &[u8], ss: &mut [u8], ran: &mut metrics::Ran) -> Result<()> {
        if self.prechecked {
            let k = kernel_for(self.alg)?;
            if let Some(decaps) = crate::kernels::ml_kem::prechecked_decaps(k.desc) {
                check_decaps_lengths(self.alg, &k, self.sk.as_slice(), ct, ss)?;
                *ran = Some(k.desc);
                // SAFETY: lengths checked against the kernel; the key passed `dk_ok` in `new`
                // and the secure buffer never changes.
                let code = unsafe { decaps(self.sk.as_slice().as_ptr(), ct.as_ptr(), ss.as_mut_ptr()) };
                return rc(code, || format!("{} decapsulation", self.alg.name()));
            }
        }
        decapsulate_core(self.alg, self.sk.as_slice(), ct, ss, ran)
    }
    pub fn secret_bytes(&self) -> &[u8] {
        self.sk.as_slice()
    }
}

impl std::fmt::Debug for DecapsulationKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DecapsulationKey").field("alg", &self.alg.name()).field("key", &"<redacted>").finish()
    }
}
