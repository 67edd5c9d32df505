//! Escape hatches that bypass dispatch selection: run a *specific* kernel. For differential tests,
//! benchmarks and (later) patch self-tests. Lengths are still validated; nothing else is.

use crate::aead;
use crate::alg::Alg;
use crate::dispatch::{AeadKernel, AeadSchedule, Candidate, HashKernel, AEAD_SCHED_BYTES, HASH_MODE_DERIVE_KEY, HASH_MODE_KEYED, HASH_MODE_PLAIN};
use crate::error::{err, Result, Status};
use crate::hash::Hasher;

/// Refuses a kernel whose CPU requirements this machine (after `XPS_CPU_DISABLE`) does not meet:
/// running it would execute instructions the CPU lacks.
fn runnable(desc: &crate::dispatch::KernelDesc) -> Result<()> {
    if crate::cpu::satisfies(crate::cpu::features(), desc.requires) {
        Ok(())
    } else {
        Err(err(Status::KernelUnavailable, format!("kernel {} needs CPU features this machine does not have", desc.name())))
    }
}

/// The library's own copy of `k`: a built-in candidate, the active table's kernel for `alg`, or
/// an applied patch's kernel, with every field equal. A stream's state blob is exactly the
/// kernel's `state_size` bytes, so a `HashKernel` edited by the caller (its fields are public)
/// must not reach a stream: a smaller `state_size`, or functions of another kernel, would let
/// them write past it.
fn known_hash_kernel(alg: Alg, k: &HashKernel) -> Result<HashKernel> {
    let same = |c: &HashKernel| {
        std::ptr::eq(c.desc, k.desc)
            && c.state_size == k.state_size
            && c.init as usize == k.init as usize
            && c.update as usize == k.update as usize
            && c.finalize as usize == k.finalize as usize
            && c.oneshot.map(|f| f as usize) == k.oneshot.map(|f| f as usize)
            && c.compress.map(|f| f as usize) == k.compress.map(|f| f as usize)
    };
    // The active table first and the built-in candidates next: neither takes the writer lock
    // (x-wing hashes through here, possibly during a patch's self-test).
    let active = crate::dispatch::table_if_ready().and_then(|t| t.hash_kernel(alg)).copied();
    let builtin = crate::dispatch::ops().iter().flat_map(|o| o.candidates.iter().copied());
    let found = active.into_iter().chain(builtin.filter_map(|c| if let Candidate::Hash(h) = c { Some(h) } else { None })).find(same);
    let found = found.or_else(|| {
        (0..crate::dispatch::ops().len()).flat_map(crate::dispatch::candidates_of).find_map(|c| match c {
            Candidate::Hash(h) if same(&h) => Some(h),
            _ => None,
        })
    });
    found.ok_or_else(|| err(Status::KernelUnavailable, format!("kernel {} is not one of this library's hash kernels (or its fields were changed)", k.desc.name())))
}

/// Starts a stream of `alg` on an explicit kernel (`mode`/`key` as in the kernel ABI:
/// plain, keyed with a 32-byte key, or derive-key with a UTF-8 context). The kernel must be one
/// this library has (built in, active, or from an applied patch), unchanged.
pub fn hasher_on_kernel(alg: Alg, kernel: &HashKernel, mode: u32, key: &[u8]) -> Result<Hasher> {
    let kernel = &known_hash_kernel(alg, kernel)?;
    runnable(kernel.desc)?;
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
    runnable(kernel.desc)?;
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
    runnable(kernel.desc)?;
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
    runnable(kernel.desc)?;
    let (sp, sn) = kem_seed(seed, kernel.seed_len, kernel.caps & crate::dispatch::CAP_SEEDED_KEYPAIR != 0)?;
    let (mut pk, mut sk) = (vec![0u8; kernel.pk_len], zeroize::Zeroizing::new(vec![0u8; kernel.sk_len]));
    // SAFETY: buffers of the kernel's sizes; seed NULL/0 or exactly `seed_len` bytes.
    kem_rc(unsafe { (kernel.keypair)(sp, sn, pk.as_mut_ptr(), sk.as_mut_ptr()) })?;
    Ok((pk, sk))
}

/// KEM encapsulation on an explicit kernel: `(ciphertext, shared secret)`; `seed` as in
/// [`kem_keypair_on_kernel`] (with `CAP_SEEDED_ENCAPS`).
pub fn kem_encapsulate_on_kernel(kernel: &crate::dispatch::KemKernel, pk: &[u8], seed: Option<&[u8]>) -> Result<(Vec<u8>, zeroize::Zeroizing<Vec<u8>>)> {
    runnable(kernel.desc)?;
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
    runnable(kernel.desc)?;
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
// ---------------------------------------------------------------------------------------------
// ML-DSA internal interface (FIPS 204 §6), for NIST ACVP. These run on the portable reference
// kernel (`ml-dsa` crate; PQClean has no internal entry points) and give up the pure-mode
// domain separation: `m_prime` is signed/verified as is, with no `0x00 ‖ len(ctx) ‖ ctx` prefix.
// A signature made here over an M' that does not start with such a prefix is not a valid pure
// ML-DSA signature of anything; never use them outside test harnesses.
// ---------------------------------------------------------------------------------------------

fn ml_dsa_status(alg: Alg, code: i32) -> crate::Error {
    let s = Status::from_code(code).unwrap_or(Status::Internal);
    err(s, format!("{}: {}", alg.name(), s.message()))
}

/// `ML-DSA.KeyGen_internal(ξ)` (FIPS 204 Algorithm 6): `(pkEncode, skEncode)` from the 32-byte
/// seed ξ. Same result as `sign::keypair(alg, Some(ξ))`; here for ACVP's keyGen naming.
pub fn ml_dsa_keygen_internal(alg: Alg, xi: &[u8]) -> Result<(Vec<u8>, crate::SecureBuffer)> {
    use crate::kernels::ml_dsa::reference::keygen_internal;
    use ml_dsa::{MlDsa44, MlDsa65, MlDsa87};
    let xi: &[u8; 32] = xi.try_into().map_err(|_| err(Status::InvalidLength, format!("ML-DSA ξ is 32 bytes, got {}", xi.len())))?;
    let (pk, mut sk) = match alg {
        Alg::MlDsa44 => keygen_internal::<MlDsa44>(xi).map(|(p, s)| (p, s.to_vec())),
        Alg::MlDsa65 => keygen_internal::<MlDsa65>(xi).map(|(p, s)| (p, s.to_vec())),
        Alg::MlDsa87 => keygen_internal::<MlDsa87>(xi).map(|(p, s)| (p, s.to_vec())),
        _ => return Err(err(Status::WrongAlgorithmFamily, format!("{} is not ML-DSA", alg.name()))),
    }
    .map_err(|c| ml_dsa_status(alg, c))?;
    let out = crate::SecureBuffer::from_slice(&sk);
    zeroize::Zeroize::zeroize(&mut sk);
    Ok((pk, out?))
}

/// `ML-DSA.Sign_internal(sk, M', rnd)` (FIPS 204 Algorithm 7) with **no** pure-mode prefix;
/// `rnd` is 32 bytes (all zero = the deterministic variant).
pub fn ml_dsa_sign_internal_unprefixed(alg: Alg, sk: &[u8], m_prime: &[u8], rnd: &[u8]) -> Result<Vec<u8>> {
    use crate::kernels::ml_dsa::reference::sign_internal;
    use ml_dsa::{MlDsa44, MlDsa65, MlDsa87};
    let rnd: &[u8; 32] = rnd.try_into().map_err(|_| err(Status::InvalidLength, format!("ML-DSA rnd is 32 bytes, got {}", rnd.len())))?;
    match alg {
        Alg::MlDsa44 => sign_internal::<MlDsa44>(sk, &[m_prime], rnd),
        Alg::MlDsa65 => sign_internal::<MlDsa65>(sk, &[m_prime], rnd),
        Alg::MlDsa87 => sign_internal::<MlDsa87>(sk, &[m_prime], rnd),
        _ => return Err(err(Status::WrongAlgorithmFamily, format!("{} is not ML-DSA", alg.name()))),
    }
    .map_err(|c| ml_dsa_status(alg, c))
}

/// `ML-DSA.Verify_internal(pk, M', σ)` (FIPS 204 Algorithm 8) with **no** pure-mode prefix.
/// `Ok(())` if valid, `BadSignature` if not, `BadKeyLength`/`InvalidLength` for wrong lengths.
pub fn ml_dsa_verify_internal_unprefixed(alg: Alg, pk: &[u8], m_prime: &[u8], sig: &[u8]) -> Result<()> {
    use crate::kernels::ml_dsa::reference::verify_impl;
    use ml_dsa::{MlDsa44, MlDsa65, MlDsa87};
    let rc = match alg {
        Alg::MlDsa44 => verify_impl::<MlDsa44>(pk, m_prime, None, sig),
        Alg::MlDsa65 => verify_impl::<MlDsa65>(pk, m_prime, None, sig),
        Alg::MlDsa87 => verify_impl::<MlDsa87>(pk, m_prime, None, sig),
        _ => return Err(err(Status::WrongAlgorithmFamily, format!("{} is not ML-DSA", alg.name()))),
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(ml_dsa_status(alg, rc))
    }
}

/// Runs one explicit signature kernel (differential tests, benchmarks): key generation from an
/// optional seed, returning `(pk, sk)`. Lengths are checked; capabilities are not (a kernel
/// without seeded key generation refuses a seed with `InvalidParameter`).
pub fn sign_keypair_on_kernel(kernel: &crate::dispatch::SignKernel, seed: Option<&[u8]>) -> Result<(Vec<u8>, crate::SecureBuffer)> {
    runnable(kernel.desc)?;
    let cap = |n: usize| if n == 0 { crate::sign::MAX_VARIABLE_KEY } else { n };
    let (mut pk, mut sk) = (vec![0u8; cap(kernel.pk_len)], crate::SecureBuffer::new(cap(kernel.sk_len))?);
    let (sp, sn) = seed.map_or((std::ptr::null(), 0), |s| (s.as_ptr(), s.len()));
    if seed.is_some_and(|s| s.len() != kernel.seed_len) {
        return Err(err(Status::InvalidLength, "bad seed length for this kernel"));
    }
    let (mut pl, mut sl) = (0usize, 0usize);
    // SAFETY: live buffers with their lengths; seed length checked against the kernel.
    let rc = unsafe { (kernel.keypair)(sp, sn, pk.as_mut_ptr(), pk.len(), &mut pl, sk.as_mut_slice().as_mut_ptr(), sk.len(), &mut sl) };
    if rc != 0 {
        return Err(err(Status::from_code(rc).unwrap_or(Status::Internal), format!("kernel {} key generation", kernel.desc.name())));
    }
    pk.truncate(pl);
    if sl != sk.len() {
        sk = crate::SecureBuffer::from_slice(&sk.as_slice()[..sl])?;
    }
    Ok((pk, sk))
}

/// Signs on one explicit kernel (`flags`: `SIGN_FLAG_DETERMINISTIC`). Lengths are checked
/// against the kernel; capabilities are the kernel's to refuse.
pub fn sign_on_kernel(kernel: &crate::dispatch::SignKernel, sk: &[u8], msg: &[u8], ctx: &[u8], flags: u32) -> Result<Vec<u8>> {
    runnable(kernel.desc)?;
    if ctx.len() > kernel.max_ctx_len {
        return Err(err(Status::InvalidLength, "context too long for this kernel"));
    }
    let mut sig = vec![0u8; kernel.sig_len];
    let mut n = 0usize;
    // SAFETY: live buffers with their lengths.
    let rc = unsafe { (kernel.sign)(sk.as_ptr(), sk.len(), msg.as_ptr(), msg.len(), ctx.as_ptr(), ctx.len(), flags, sig.as_mut_ptr(), sig.len(), &mut n) };
    if rc != 0 {
        return Err(err(Status::from_code(rc).unwrap_or(Status::Internal), format!("kernel {} signing", kernel.desc.name())));
    }
    sig.truncate(n);
    Ok(sig)
}

/// Verifies on one explicit kernel: `Ok(())`, or the kernel's status.
pub fn verify_on_kernel(kernel: &crate::dispatch::SignKernel, pk: &[u8], msg: &[u8], ctx: &[u8], sig: &[u8]) -> Result<()> {
    runnable(kernel.desc)?;
    if ctx.len() > kernel.max_ctx_len {
        return Err(err(Status::InvalidLength, "context too long for this kernel"));
    }
    // SAFETY: live slices with their lengths.
    let rc = unsafe { (kernel.verify)(pk.as_ptr(), pk.len(), msg.as_ptr(), msg.len(), ctx.as_ptr(), ctx.len(), sig.as_ptr(), sig.len()) };
    if rc == 0 {
        Ok(())
    } else {
        Err(err(Status::from_code(rc).unwrap_or(Status::Internal), format!("kernel {} verification", kernel.desc.name())))
    }
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

/// The FIPS 204 / FIPS 205 *internal* signing interface, for the algorithms that have one
/// (`ml-dsa-44/65/87`: `ML-DSA.Sign_internal`, Algorithm 7; `slh-dsa-sha2-128s`:
/// `slh_sign_internal`, Algorithm 19), over `m_prime` **as given**: no `0 ‖ len(ctx) ‖ ctx`
/// prefix, so no domain separation between contexts or from HashML-DSA/HashSLH-DSA. For NIST
/// ACVP `signatureInterface: "internal"` vectors (the C, Python and Node `hazmat` entry points).
/// `rnd`: ML-DSA's 32-byte `rnd`, SLH-DSA's 16-byte `opt_rand`; `None` = the deterministic variant
/// (ML-DSA: 32 zero bytes; SLH-DSA: PK.seed). Unlike the kernel-level helpers above, this is an
/// operation: it refuses to run when the power-on self-tests failed or the policy denies `alg`.
pub fn sign_internal(alg: Alg, sk: &[u8], m_prime: &[u8], rnd: Option<&[u8]>) -> Result<Vec<u8>> {
    internal_gate(alg)?;
    match alg {
        Alg::MlDsa44 | Alg::MlDsa65 | Alg::MlDsa87 => {
            let sizes = crate::sign::sizes(alg)?;
            if sk.len() != sizes.secret_key {
                return Err(err(Status::BadKeyLength, format!("{} secret key is {} bytes, got {}", alg.name(), sizes.secret_key, sk.len())));
            }
            ml_dsa_sign_internal_unprefixed(alg, sk, m_prime, rnd.unwrap_or(&[0u8; 32]))
        }
        Alg::SlhDsaSha2_128s => slh_dsa_sha2_128s_sign_internal(sk, m_prime, rnd),
        _ => Err(no_internal_interface(alg)),
    }
}

/// The internal verification interface (`ML-DSA.Verify_internal`, Algorithm 8;
/// `slh_verify_internal`, Algorithm 20) over `m_prime` as given; see [`sign_internal`].
/// `Ok(())` if valid, `BadSignature` if not; length statuses as [`crate::sign::verify`].
pub fn verify_internal(alg: Alg, pk: &[u8], m_prime: &[u8], sig: &[u8]) -> Result<()> {
    internal_gate(alg)?;
    match alg {
        Alg::MlDsa44 | Alg::MlDsa65 | Alg::MlDsa87 => ml_dsa_verify_internal_unprefixed(alg, pk, m_prime, sig),
        Alg::SlhDsaSha2_128s => slh_dsa_sha2_128s_verify_internal(pk, m_prime, sig),
        _ => Err(no_internal_interface(alg)),
    }
}

/// Self-tests passed (initializing if needed), `alg` has an internal interface, and the policy
/// allows it.
fn internal_gate(alg: Alg) -> Result<()> {
    crate::init()?;
    check_internal(alg)?;
    crate::policy::check(alg)
}

/// `Ok` if `alg` has the FIPS 204/205 internal interface of [`sign_internal`]
/// (`InvalidParameter` for other signature algorithms, `WrongAlgorithmFamily` otherwise).
pub fn check_internal(alg: Alg) -> Result<()> {
    match alg {
        Alg::MlDsa44 | Alg::MlDsa65 | Alg::MlDsa87 | Alg::SlhDsaSha2_128s => Ok(()),
        _ => Err(no_internal_interface(alg)),
    }
}

fn no_internal_interface(alg: Alg) -> crate::Error {
    if alg.family() == crate::Family::Sign {
        err(Status::InvalidParameter, format!("{} has no FIPS 204/205 internal signing interface", alg.name()))
    } else {
        err(Status::WrongAlgorithmFamily, format!("{} is not a signature algorithm", alg.name()))
    }
}
