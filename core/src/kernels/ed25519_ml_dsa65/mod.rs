//! `ed25519+ml-dsa-65`: the composite signature `id-MLDSA65-Ed25519-SHA512` of the IETF LAMPS
//! draft **draft-ietf-lamps-pq-composite-sigs-19** (construction notes, with sections, in
//! `tests/vectors/rfc/composite-mldsa65-ed25519.md`). Earlier revisions used a different
//! message representative; this one is valid for -19 only.
//!
//! - Message representative (§2.2, §3.2): `M' = Prefix ‖ Label ‖ len(ctx) ‖ ctx ‖ SHA-512(M)`
//!   with `Prefix = "CompositeAlgorithmSignatures2025"` (32 bytes), `Label =
//!   "COMPSIG-MLDSA65-Ed25519-SHA512"` (30 bytes), `len(ctx)` one byte (ctx ≤ 255 bytes).
//! - ML-DSA-65 signs M' in pure mode **with the Label as its FIPS 204 context**; Ed25519 (pure,
//!   RFC 8032) signs M'. Valid only if **both** components verify; any component failure is a
//!   `BadSignature` (the draft: "Invalid signature").
//! - Encodings (§4), ML-DSA part first: public key `mldsaPK (1952) ‖ Ed25519 pk (32)` = 1984
//!   bytes; secret key `ξ (32) ‖ Ed25519 private key (32)` = 64 bytes (the draft's private key
//!   is the ML-DSA *seed*, so the secret key is also the key-generation seed); signature
//!   `mldsaSig (3309) ‖ Ed25519 sig (64)` = 3373 bytes.
//!
//! The kernel is composed from the component ops of the **active dispatch table**, so it
//! follows whichever ML-DSA-65 / Ed25519 kernels are selected (or forced, or patched). Signing
//! re-derives the ML-DSA expanded key from ξ on every call (the draft's key format); when the
//! active ML-DSA-65 kernel has no seeded key generation (PQClean AVX2), that step runs on the
//! portable reference kernel, and so does deterministic signing when the active kernel cannot
//! do it. Before the first table is published (power-on self-tests) the portable component
//! kernels are used. Signing is hedged by default (fresh randomness for the ML-DSA part);
//! `SIGN_FLAG_DETERMINISTIC` makes both parts deterministic.

use crate::dispatch::abi::{slice, KernelDesc, SignKernel, CAP_CONTEXT, CAP_DETERMINISTIC, CAP_SEEDED_KEYPAIR, SIGN_FLAG_DETERMINISTIC};
use crate::error::Status;
use crate::kernels::ml_dsa;
use crate::kernels::pk_util::{code, put, seed_or_random, OK};
use crate::secure::ct::Wiped;
use crate::Alg;
use sha2::{Digest, Sha512};

pub const PREFIX: &[u8; 32] = b"CompositeAlgorithmSignatures2025";
pub const LABEL: &[u8; 30] = b"COMPSIG-MLDSA65-Ed25519-SHA512";

const MLDSA_PK: usize = 1952;
const MLDSA_SK: usize = 4032;
const MLDSA_SIG: usize = 3309;
const ED_PK: usize = 32;
const ED_SIG: usize = 64;
pub const PK_LEN: usize = MLDSA_PK + ED_PK;
pub const SK_LEN: usize = 64;
pub const SIG_LEN: usize = MLDSA_SIG + ED_SIG;
pub const MAX_CTX_LEN: usize = 255;

/// `M'` of draft -19 §3.2 (ctx length checked by the caller).
fn message_representative(ctx: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(PREFIX.len() + LABEL.len() + 1 + ctx.len() + 64);
    m.extend_from_slice(PREFIX);
    m.extend_from_slice(LABEL);
    m.push(ctx.len() as u8);
    m.extend_from_slice(ctx);
    m.extend_from_slice(&Sha512::digest(msg));
    m
}

/// The component kernels: (active ML-DSA-65, portable ML-DSA-65, active Ed25519). Before the
/// first table exists (self-tests run under the dispatch writer lock) the portable ones.
fn components() -> (SignKernel, SignKernel, SignKernel) {
    let portable_ml = ml_dsa::ML_DSA_65[0];
    let portable_ed = crate::kernels::ed25519::CANDIDATES[0];
    if let Some(t) = crate::dispatch::table_if_ready() {
        if let (Some(m), Some(e)) = (t.sign_kernel(Alg::MlDsa65), t.sign_kernel(Alg::Ed25519)) {
            return (*m, portable_ml, *e);
        }
    }
    (portable_ml, portable_ml, portable_ed)
}

/// ML-DSA-65 `KeyGen_internal(ξ)` on a kernel that can take a seed.
fn mldsa_from_seed(active: &SignKernel, portable: &SignKernel, xi: &[u8], pk: &mut [u8; MLDSA_PK], sk: &mut Wiped<MLDSA_SK>) -> i32 {
    let k = if active.caps & CAP_SEEDED_KEYPAIR != 0 { active } else { portable };
    let (mut pl, mut sl) = (0usize, 0usize);
    // SAFETY: live buffers of the component's fixed sizes; the seed is 32 bytes.
    let rc = unsafe { (k.keypair)(xi.as_ptr(), xi.len(), pk.as_mut_ptr(), MLDSA_PK, &mut pl, sk.0.as_mut_ptr(), MLDSA_SK, &mut sl) };
    if rc == OK && (pl != MLDSA_PK || sl != MLDSA_SK) {
        return code(Status::Internal);
    }
    rc
}

/// Both public keys from the 64-byte secret key, concatenated.
fn public_key(s: &[u8]) -> Result<[u8; PK_LEN], i32> {
    let (ml, ml_portable, ed) = components();
    let mut out = [0u8; PK_LEN];
    let mut mpk = [0u8; MLDSA_PK];
    let mut msk = Wiped::<MLDSA_SK>::new();
    let rc = mldsa_from_seed(&ml, &ml_portable, &s[..32], &mut mpk, &mut msk);
    if rc != OK {
        return Err(rc);
    }
    let mut el = 0usize;
    // SAFETY: 32-byte Ed25519 private key in, 32-byte public key out.
    let rc = unsafe { (ed.public_from_secret)(s[32..].as_ptr(), 32, out[MLDSA_PK..].as_mut_ptr(), ED_PK, &mut el) };
    if rc != OK {
        return Err(rc);
    }
    out[..MLDSA_PK].copy_from_slice(&mpk);
    Ok(out)
}

unsafe extern "C" fn keypair(seed: *const u8, seed_len: usize, pk: *mut u8, pk_cap: usize, pk_len: *mut usize, sk: *mut u8, sk_cap: usize, sk_len: *mut usize) -> i32 {
    // SAFETY: kernel-ABI contract (seed valid for `seed_len` bytes when non-NULL).
    let s = match unsafe { seed_or_random::<SK_LEN>(seed, seed_len) } {
        Ok(s) => s,
        Err(c) => return c,
    };
    if pk_cap < PK_LEN || sk_cap < SK_LEN {
        // SAFETY: kernel-ABI contract.
        unsafe {
            *pk_len = PK_LEN;
            *sk_len = SK_LEN;
        }
        return code(Status::BufferTooSmall);
    }
    let p = match public_key(&s.0) {
        Ok(p) => p,
        Err(c) => return c,
    };
    // SAFETY: capacities checked; kernel-ABI output contract.
    unsafe {
        match put(pk, pk_cap, pk_len, &p) {
            OK => put(sk, sk_cap, sk_len, &s.0),
            e => e,
        }
    }
}

unsafe extern "C" fn public_from_secret(sk: *const u8, sk_len: usize, pk: *mut u8, pk_cap: usize, pk_len: *mut usize) -> i32 {
    if sk_len != SK_LEN {
        return code(Status::BadKeyLength);
    }
    let mut s = Wiped::<SK_LEN>::new();
    // SAFETY: `sk` readable for SK_LEN bytes (checked).
    s.0.copy_from_slice(unsafe { slice(sk, sk_len) });
    match public_key(&s.0) {
        // SAFETY: kernel-ABI output contract.
        Ok(p) => unsafe { put(pk, pk_cap, pk_len, &p) },
        Err(c) => c,
    }
}

unsafe extern "C" fn sign(
    sk: *const u8,
    sk_len: usize,
    msg: *const u8,
    msg_len: usize,
    ctx: *const u8,
    ctx_len: usize,
    flags: u32,
    sig: *mut u8,
    sig_cap: usize,
    sig_len: *mut usize,
) -> i32 {
    if sk_len != SK_LEN {
        return code(Status::BadKeyLength);
    }
    if ctx_len > MAX_CTX_LEN {
        return code(Status::InvalidLength);
    }
    if sig_cap < SIG_LEN {
        // SAFETY: kernel-ABI contract.
        unsafe { *sig_len = SIG_LEN };
        return code(Status::BufferTooSmall);
    }
    // SAFETY: kernel-ABI contract: each pointer readable for its length.
    let (s, m, c) = unsafe { (slice(sk, sk_len), slice(msg, msg_len), slice(ctx, ctx_len)) };
    let mp = message_representative(c, m);
    let (ml, ml_portable, ed) = components();
    let mut mpk = [0u8; MLDSA_PK];
    let mut msk = Wiped::<MLDSA_SK>::new();
    let rc = mldsa_from_seed(&ml, &ml_portable, &s[..32], &mut mpk, &mut msk);
    if rc != OK {
        return rc;
    }
    let det = flags & SIGN_FLAG_DETERMINISTIC != 0;
    let signer = if det && ml.caps & CAP_DETERMINISTIC == 0 { ml_portable } else { ml };
    let mut out = [0u8; SIG_LEN];
    let (mut l1, mut l2) = (0usize, 0usize);
    // SAFETY: live buffers of the components' fixed sizes; M' and the label are live slices.
    let rc = unsafe {
        (signer.sign)(msk.0.as_ptr(), MLDSA_SK, mp.as_ptr(), mp.len(), LABEL.as_ptr(), LABEL.len(), flags & SIGN_FLAG_DETERMINISTIC, out.as_mut_ptr(), MLDSA_SIG, &mut l1)
    };
    if rc != OK {
        return rc;
    }
    // SAFETY: 32-byte Ed25519 key; the output slice holds 64 bytes.
    let rc = unsafe { (ed.sign)(s[32..].as_ptr(), 32, mp.as_ptr(), mp.len(), std::ptr::null(), 0, 0, out[MLDSA_SIG..].as_mut_ptr(), ED_SIG, &mut l2) };
    if rc != OK {
        return rc;
    }
    if l1 != MLDSA_SIG || l2 != ED_SIG {
        return code(Status::Internal);
    }
    // SAFETY: capacity checked; kernel-ABI output contract.
    unsafe { put(sig, sig_cap, sig_len, &out) }
}

unsafe extern "C" fn verify(pk: *const u8, pk_len: usize, msg: *const u8, msg_len: usize, ctx: *const u8, ctx_len: usize, sig: *const u8, sig_len: usize) -> i32 {
    if pk_len != PK_LEN {
        return code(Status::BadKeyLength);
    }
    if sig_len != SIG_LEN || ctx_len > MAX_CTX_LEN {
        return code(Status::InvalidLength);
    }
    // SAFETY: kernel-ABI contract: each pointer readable for its length.
    let (p, m, c, s) = unsafe { (slice(pk, pk_len), slice(msg, msg_len), slice(ctx, ctx_len), slice(sig, sig_len)) };
    let mp = message_representative(c, m);
    let (ml, _, ed) = components();
    // Both components are always checked (no early exit); valid only if both verify.
    // SAFETY: the slices split at the fixed component sizes checked above.
    let (r1, r2) = unsafe {
        (
            (ml.verify)(p.as_ptr(), MLDSA_PK, mp.as_ptr(), mp.len(), LABEL.as_ptr(), LABEL.len(), s.as_ptr(), MLDSA_SIG),
            (ed.verify)(p[MLDSA_PK..].as_ptr(), ED_PK, mp.as_ptr(), mp.len(), std::ptr::null(), 0, s[MLDSA_SIG..].as_ptr(), ED_SIG),
        )
    };
    if r1 == OK && r2 == OK {
        OK
    } else {
        code(Status::BadSignature)
    }
}

static DESC: KernelDesc = KernelDesc { name: c"ed25519+ml-dsa-65/composite-19".as_ptr(), requires: 0, constant_time: true, priority: 0 };

pub static CANDIDATES: [SignKernel; 1] = [SignKernel {
    desc: &DESC,
    pk_len: PK_LEN,
    sk_len: SK_LEN,
    sig_len: SIG_LEN,
    seed_len: SK_LEN,
    max_ctx_len: MAX_CTX_LEN,
    caps: CAP_SEEDED_KEYPAIR | CAP_DETERMINISTIC | CAP_CONTEXT,
    keypair,
    public_from_secret,
    sign,
    verify,
}];
