//! Signatures (brief §6–§7): key generation (random or from a seed), public-key derivation,
//! sign (with an optional context and deterministic mode where the algorithm has them) and
//! verify, all through the dispatch table.
//!
//! Lengths are checked here against the active kernel's sizes before any kernel runs; kernels
//! check key *contents*. `verify` returns `Err(BadSignature)` for a well-formed signature that
//! does not verify and an invalid-input status only for malformed lengths.
//!
//! Seeded key generation and deterministic signing need kernel support; when the active
//! (accelerated) kernel lacks it, the call runs on the op's portable reference kernel instead
//! (documented per algorithm in `kernels/`).

use crate::dispatch::{self, SignKernel, CAP_CONTEXT, CAP_DETERMINISTIC, CAP_SEEDED_KEYPAIR, SIGN_FLAG_DETERMINISTIC};
use crate::error::{err, Result, Status};
use crate::metrics::{self, OpKind};
use crate::{Alg, Family, SecureBuffer};

/// The policy's `min_rsa_bits` rule for an RSA key (other algorithms: nothing to check). Keys
/// that do not parse are left to the kernel (`InvalidKey`).
fn check_rsa_key(alg: Alg, der: &[u8], secret: bool) -> Result<()> {
    if alg != Alg::RsaPssSha256 || crate::policy::min_rsa_bits() <= crate::policy::FIPS_MIN_RSA_BITS {
        return Ok(()); // the kernel accepts nothing below 2048 bits anyway
    }
    match crate::kernels::rsa_pss::modulus_bits(der, secret) {
        Some(bits) => crate::policy::check_rsa_bits(bits, if secret { "secret key" } else { "public key" }),
        None => Ok(()),
    }
}

/// Sizes of a signature algorithm in bytes. `public_key`/`secret_key` are 0 when variable
/// (RSA: DER encodings); `signature` is exact or the maximum (Falcon, RSA-4096).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignSizes {
    pub public_key: usize,
    pub secret_key: usize,
    pub signature: usize,
    /// 0 = no seeded key generation.
    pub seed: usize,
    /// 0 = no context string.
    pub max_context: usize,
}

/// Options of [`sign_with`] / [`verify_with`].
#[derive(Clone, Copy, Debug, Default)]
pub struct SignOptions<'a> {
    /// Context string (ML-DSA and the hybrid: up to 255 bytes; others: must be empty).
    pub context: &'a [u8],
    /// Deterministic signing (ML-DSA, SLH-DSA: no fresh randomness). Ed25519 is always
    /// deterministic; algorithms that cannot be deterministic refuse it.
    pub deterministic: bool,
}

pub(crate) fn kernel_for(alg: Alg) -> Result<SignKernel> {
    let alg = alg.expect(Family::Sign)?;
    let k = *dispatch::table()?.sign_kernel(alg).ok_or_else(|| err(Status::WrongAlgorithmFamily, format!("{} is not a signature algorithm", alg.name())))?;
    if k.pk_len == 0 && k.sig_len == 0 {
        return Err(err(Status::UnknownAlgorithm, format!("{} has no kernel in this build", alg.name())));
    }
    Ok(k)
}

/// The op's portable reference kernel when the active one lacks `cap` (seeded key generation,
/// deterministic signing); an error naming the missing capability if neither has it.
fn kernel_with(alg: Alg, cap: u32, what: &str) -> Result<SignKernel> {
    let k = kernel_for(alg)?;
    if k.caps & cap != 0 {
        return Ok(k);
    }
    let op = format!("sign.{}", alg.name());
    dispatch::ops()
        .iter()
        .find(|o| o.name == op)
        .and_then(|o| match o.candidates.first() {
            Some(dispatch::Candidate::Sign(p)) if p.caps & cap != 0 => Some(*p),
            _ => None,
        })
        .ok_or_else(|| err(Status::InvalidParameter, format!("{} does not support {what}", alg.name())))
}

pub fn sizes(alg: Alg) -> Result<SignSizes> {
    let k = kernel_for(alg)?;
    Ok(SignSizes { public_key: k.pk_len, secret_key: k.sk_len, signature: k.sig_len, seed: k.seed_len, max_context: k.max_ctx_len })
}

/// Largest public/secret key a variable-size algorithm (RSA) can produce or accept.
pub const MAX_VARIABLE_KEY: usize = 4096;

fn rc(code: i32, what: impl FnOnce() -> String) -> Result<()> {
    if code == 0 {
        return Ok(());
    }
    let status = Status::from_code(code).unwrap_or(Status::Internal);
    Err(err(status, format!("{}: {}", what(), status.message())))
}

fn check_len(what: &str, alg: Alg, got: usize, want: usize, status: Status) -> Result<()> {
    if want != 0 && got != want {
        return Err(err(status, format!("{} {what} is {want} bytes, got {got}", alg.name())));
    }
    if got == 0 || got > MAX_VARIABLE_KEY.max(want) {
        return Err(err(status, format!("{} {what} of {got} bytes is not valid", alg.name())));
    }
    Ok(())
}

/// Key generation into caller buffers; returns `(public_len, secret_len)`. `seed`: `None` for
/// fresh OS randomness, else exactly `sizes(alg).seed` bytes. On error nothing is written except
/// that a too-small buffer reports `BufferTooSmall`.
pub fn keypair_into(alg: Alg, seed: Option<&[u8]>, pk: &mut [u8], sk: &mut [u8]) -> Result<(usize, usize)> {
    metrics::metered(OpKind::SignKeypair, alg, 0, |ran| keypair_core(alg, seed, pk, sk, ran))
}

fn keypair_core(alg: Alg, seed: Option<&[u8]>, pk: &mut [u8], sk: &mut [u8], ran: &mut metrics::Ran) -> Result<(usize, usize)> {
    if alg == Alg::RsaPssSha256 {
        crate::policy::check_rsa_bits(crate::kernels::rsa_pss::KEYGEN_BITS as u32, "key generation")?;
    }
    let k = match seed {
        Some(_) => kernel_with(alg, CAP_SEEDED_KEYPAIR, "seeded key generation")?,
        None => kernel_for(alg)?,
    };
    if let Some(s) = seed {
        if s.len() != k.seed_len {
            return Err(err(Status::InvalidLength, format!("{} key-generation seed is {} bytes, got {}", alg.name(), k.seed_len, s.len())));
        }
    }
    if (k.pk_len != 0 && pk.len() < k.pk_len) || (k.sk_len != 0 && sk.len() < k.sk_len) {
        return Err(err(Status::BufferTooSmall, format!("{} keys need {} + {} bytes", alg.name(), k.pk_len, k.sk_len)));
    }
    let (sp, sn) = seed.map_or((std::ptr::null(), 0), |s| (s.as_ptr(), s.len()));
    let (mut pl, mut sl) = (0usize, 0usize);
    *ran = Some(k.desc);
    // SAFETY: buffers are live with their lengths; the seed length matches the kernel.
    let code = unsafe { (k.keypair)(sp, sn, pk.as_mut_ptr(), pk.len(), &mut pl, sk.as_mut_ptr(), sk.len(), &mut sl) };
    rc(code, || format!("{} key generation", alg.name()))?;
    Ok((pl, sl))
}

/// Key generation: `(public key, secret key in secure memory)`.
pub fn keypair(alg: Alg, seed: Option<&[u8]>) -> Result<(Vec<u8>, SecureBuffer)> {
    metrics::metered(OpKind::SignKeypair, alg, 0, |ran| {
        let s = sizes(alg)?;
        let cap = |n: usize| if n == 0 { MAX_VARIABLE_KEY } else { n };
        let mut pk = vec![0u8; cap(s.public_key)];
        let mut sk = SecureBuffer::new(cap(s.secret_key))?;
        let (pl, sl) = keypair_core(alg, seed, &mut pk, sk.as_mut_slice(), ran)?;
        pk.truncate(pl);
        if sl != sk.len() {
            sk = SecureBuffer::from_slice(&sk.as_slice()[..sl])?;
        }
        Ok((pk, sk))
    })
}

/// The public key of a secret key.
pub fn public_from_secret(alg: Alg, sk: &[u8]) -> Result<Vec<u8>> {
    let k = kernel_for(alg)?;
    check_len("secret key", alg, sk.len(), k.sk_len, Status::BadKeyLength)?;
    check_rsa_key(alg, sk, true)?;
    let mut pk = vec![0u8; if k.pk_len == 0 { MAX_VARIABLE_KEY } else { k.pk_len }];
    let mut pl = 0usize;
    // SAFETY: live buffers with their lengths.
    let code = unsafe { (k.public_from_secret)(sk.as_ptr(), sk.len(), pk.as_mut_ptr(), pk.len(), &mut pl) };
    rc(code, || format!("{} public-key derivation", alg.name()))?;
    pk.truncate(pl);
    Ok(pk)
}

fn check_context(alg: Alg, k: &SignKernel, ctx: &[u8]) -> Result<()> {
    if ctx.is_empty() {
        return Ok(());
    }
    if k.caps & CAP_CONTEXT == 0 {
        return Err(err(Status::InvalidParameter, format!("{} takes no context string", alg.name())));
    }
    if ctx.len() > k.max_ctx_len {
        return Err(err(Status::InvalidLength, format!("{} context is at most {} bytes, got {}", alg.name(), k.max_ctx_len, ctx.len())));
    }
    Ok(())
}

fn sign_kernel(alg: Alg, opts: &SignOptions) -> Result<SignKernel> {
    let k = if opts.deterministic { kernel_with(alg, CAP_DETERMINISTIC, "deterministic signing")? } else { kernel_for(alg)? };
    check_context(alg, &k, opts.context)?;
    Ok(k)
}

/// Signs into `sig` (at least `sizes(alg).signature` bytes); returns the signature length.
pub fn sign_into(alg: Alg, sk: &[u8], msg: &[u8], opts: &SignOptions, sig: &mut [u8]) -> Result<usize> {
    metrics::metered(OpKind::Sign, alg, msg.len(), |ran| sign_core(alg, sk, msg, opts, sig, ran))
}

fn sign_core(alg: Alg, sk: &[u8], msg: &[u8], opts: &SignOptions, sig: &mut [u8], ran: &mut metrics::Ran) -> Result<usize> {
    let k = sign_kernel(alg, opts)?;
    check_len("secret key", alg, sk.len(), k.sk_len, Status::BadKeyLength)?;
    check_rsa_key(alg, sk, true)?;
    if sig.len() < k.sig_len {
        return Err(err(Status::BufferTooSmall, format!("{} signatures need {} bytes, buffer has {}", alg.name(), k.sig_len, sig.len())));
    }
    let flags = if opts.deterministic { SIGN_FLAG_DETERMINISTIC } else { 0 };
    let mut n = 0usize;
    *ran = Some(k.desc);
    // SAFETY: live buffers with their lengths; lengths checked against the kernel above.
    let code = unsafe {
        (k.sign)(sk.as_ptr(), sk.len(), msg.as_ptr(), msg.len(), opts.context.as_ptr(), opts.context.len(), flags, sig.as_mut_ptr(), sig.len(), &mut n)
    };
    rc(code, || format!("{} signing", alg.name()))?;
    Ok(n)
}

/// Signs with options (context, deterministic).
pub fn sign_with(alg: Alg, sk: &[u8], msg: &[u8], opts: &SignOptions) -> Result<Vec<u8>> {
    metrics::metered(OpKind::Sign, alg, msg.len(), |ran| {
        let k = kernel_for(alg)?;
        let mut sig = vec![0u8; k.sig_len];
        let n = sign_core(alg, sk, msg, opts, &mut sig, ran)?;
        sig.truncate(n);
        Ok(sig)
    })
}

/// Signs `msg` (no context, the algorithm's default randomness).
pub fn sign(alg: Alg, sk: &[u8], msg: &[u8]) -> Result<Vec<u8>> {
    sign_with(alg, sk, msg, &SignOptions::default())
}

/// Verifies with options (context). `Ok(())` if valid; `Err(BadSignature)` if well-formed but
/// not valid; an invalid-input status for malformed lengths or keys.
pub fn verify_with(alg: Alg, pk: &[u8], msg: &[u8], sig: &[u8], opts: &SignOptions) -> Result<()> {
    metrics::metered(OpKind::Verify, alg, msg.len(), |ran| verify_core(alg, pk, msg, sig, opts, ran))
}

fn verify_core(alg: Alg, pk: &[u8], msg: &[u8], sig: &[u8], opts: &SignOptions, ran: &mut metrics::Ran) -> Result<()> {
    let k = kernel_for(alg)?;
    check_context(alg, &k, opts.context)?;
    check_len("public key", alg, pk.len(), k.pk_len, Status::BadKeyLength)?;
    if sig.is_empty() || sig.len() > k.sig_len {
        return Err(err(Status::InvalidLength, format!("{} signature of {} bytes (at most {})", alg.name(), sig.len(), k.sig_len)));
    }
    check_rsa_key(alg, pk, false)?;
    *ran = Some(k.desc);
    // SAFETY: live slices with their lengths.
    let code = unsafe { (k.verify)(pk.as_ptr(), pk.len(), msg.as_ptr(), msg.len(), opts.context.as_ptr(), opts.context.len(), sig.as_ptr(), sig.len()) };
    rc(code, || format!("{} verification", alg.name()))
}

/// Verifies `sig` over `msg` (no context).
pub fn verify(alg: Alg, pk: &[u8], msg: &[u8], sig: &[u8]) -> Result<()> {
    verify_with(alg, pk, msg, sig, &SignOptions::default())
}

/// A signing key held in secure memory, for repeated signing.
///
/// What can be derived once is: the Ed25519 public key (signing then costs one base-point
/// multiplication instead of two). The shortcut runs only while the op's active kernel is the
/// built-in one it belongs to; a forced or hot-patched kernel gets the raw secret as usual.
pub struct SigningKey {
    alg: Alg,
    sk: SecureBuffer,
    ed25519: Option<crate::kernels::ed25519::Prepared>,
}

impl SigningKey {
    /// Imports a secret key (validated by deriving its public key).
    pub fn new(alg: Alg, sk: &[u8]) -> Result<Self> {
        public_from_secret(alg, sk)?;
        // From here on only the held copy is read, never the caller's buffer again: the Ed25519
        // public key must come from exactly the secret that will sign (a mismatch leaks it).
        let sk = SecureBuffer::from_slice(sk)?;
        let ed25519 = match (alg, <&[u8; crate::kernels::ed25519::SK_LEN]>::try_from(sk.as_slice())) {
            (Alg::Ed25519, Ok(s)) => Some(crate::kernels::ed25519::Prepared::new(s)),
            _ => None,
        };
        Ok(SigningKey { alg, sk, ed25519 })
    }
    pub fn alg(&self) -> Alg {
        self.alg
    }
    pub fn public_key(&self) -> Result<Vec<u8>> {
        if let Some(p) = &self.ed25519 {
            if std::ptr::eq(kernel_for(self.alg)?.desc, &crate::kernels::ed25519::DESC) {
                return Ok(p.public_key().to_vec());
            }
        }
        public_from_secret(self.alg, self.sk.as_slice())
    }
    pub fn sign_with(&self, msg: &[u8], opts: &SignOptions) -> Result<Vec<u8>> {
        metrics::metered(OpKind::Sign, self.alg, msg.len(), |ran| {
            let k = kernel_for(self.alg)?;
            let mut sig = vec![0u8; k.sig_len];
            let n = self.sign_core(msg, opts, &mut sig, ran)?;
            sig.truncate(n);
            Ok(sig)
        })
    }
    pub fn sign_into(&self, msg: &[u8], opts: &SignOptions, sig: &mut [u8]) -> Result<usize> {
        metrics::metered(OpKind::Sign, self.alg, msg.len(), |ran| self.sign_core(msg, opts, sig, ran))
    }
    fn sign_core(&self, msg: &[u8], opts: &SignOptions, sig: &mut [u8], ran: &mut metrics::Ran) -> Result<usize> {
        use crate::kernels::ed25519;
        if let (Some(p), Ok(s)) = (&self.ed25519, <&[u8; ed25519::SK_LEN]>::try_from(self.sk.as_slice())) {
            let k = sign_kernel(self.alg, opts)?;
            if std::ptr::eq(k.desc, &ed25519::DESC) {
                let Some(out) = sig.get_mut(..ed25519::SIG_LEN) else {
                    return Err(err(Status::BufferTooSmall, format!("{} signatures need {} bytes, buffer has {}", self.alg.name(), ed25519::SIG_LEN, sig.len())));
                };
                *ran = Some(k.desc);
                out.copy_from_slice(&p.sign(s, msg));
                return Ok(ed25519::SIG_LEN);
            }
        }
        sign_core(self.alg, self.sk.as_slice(), msg, opts, sig, ran)
    }
    /// The raw secret key (for export; handle with care).
    pub fn secret_bytes(&self) -> &[u8] {
        self.sk.as_slice()
    }
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey").field("alg", &self.alg.name()).field("key", &"<redacted>").finish()
    }
}
