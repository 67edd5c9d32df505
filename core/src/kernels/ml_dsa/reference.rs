//! The portable reference kernel on the pure-Rust `ml-dsa` crate (see the parent module docs).
//!
//! Signing goes through `ExpandedSigningKey::sign_internal` with the pure-mode prefix
//! `0x00 ‖ len(ctx) ‖ ctx` supplied as the first message pieces (FIPS 204 Algorithm 2 builds
//! exactly this M'), so one code path serves deterministic and hedged signing and the hazmat
//! `Sign_internal` entry. Decoding an expanded secret key uses the crate's deprecated
//! `from_expanded`/`to_expanded`: the FIPS 204 private-key encoding is this library's key
//! format (brief §7), and the crate documents that those calls may panic on malformed input,
//! hence the range check before and `catch_unwind` around them.

use super::{sk_in_range, Params, MAX_CTX_LEN, SEED_LEN};
use crate::dispatch::abi::{slice, KernelDesc, SignKernel, CAP_CONTEXT, CAP_DETERMINISTIC, CAP_SEEDED_KEYPAIR, SIGN_FLAG_DETERMINISTIC};
use crate::error::Status;
use crate::kernels::pk_util::{code, put, seed_or_random, OK};
use crate::secure::ct::Wiped;
use digest::{ExtendableOutput, Update, XofReader};
use ml_dsa::signature::Keypair;
use ml_dsa::{ExpandedSigningKey, ExpandedSigningKeyBytes, MlDsa44, MlDsa65, MlDsa87, Signature, SigningKey, VerifyingKey, B32};
use std::panic::{catch_unwind, AssertUnwindSafe};
use zeroize::Zeroize;

/// Runs a crate call that may panic (documented for malformed keys and for an exhausted
/// rejection loop); a panic becomes `Internal`.
fn guard<T>(f: impl FnOnce() -> T) -> Result<T, i32> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|_| code(Status::Internal))
}

/// Decodes an encoded secret key after the contents check. `sk.len() == P::SK` is the caller's.
fn expand<P: Params>(sk: &[u8]) -> Result<ExpandedSigningKey<P>, i32> {
    if !sk_in_range::<P>(sk) {
        return Err(code(Status::InvalidKey));
    }
    let mut enc = ExpandedSigningKeyBytes::<P>::try_from(sk).map_err(|_| code(Status::BadKeyLength))?;
    #[allow(deprecated)] // the expanded encoding is the FIPS 204 key format we must accept
    let r = guard(|| ExpandedSigningKey::<P>::from_expanded(&enc));
    enc.zeroize();
    r
}

/// `ML-DSA.KeyGen_internal(ξ)`: `(pkEncode, skEncode)`; the secret encoding is wiped by the
/// caller through [`Wiped`]-like handling (returned in a zeroizing array).
pub(crate) fn keygen_internal<P: Params>(xi: &[u8; SEED_LEN]) -> Result<(Vec<u8>, ExpandedSigningKeyBytes<P>), i32> {
    guard(|| {
        let key = SigningKey::<P>::from_seed(&B32::from(*xi));
        let pk = key.verifying_key().encode().to_vec();
        #[allow(deprecated)] // the expanded encoding is the FIPS 204 key format we export
        let sk = key.expanded_key().to_expanded();
        (pk, sk)
    })
}

/// `ML-DSA.Sign_internal(sk, M', rnd)` with M' given in pieces (concatenated).
pub(crate) fn sign_internal<P: Params>(sk: &[u8], m_prime: &[&[u8]], rnd: &[u8; 32]) -> Result<Vec<u8>, i32> {
    if sk.len() != P::SK {
        return Err(code(Status::BadKeyLength));
    }
    let esk = expand::<P>(sk)?;
    let mut r = B32::from(*rnd);
    let sig = guard(|| esk.sign_internal(m_prime, &r).encode().to_vec());
    r.zeroize();
    sig
}

/// `ML-DSA.Verify_internal(pk, M', σ)` when `ctx` is `None`, else pure `ML-DSA.Verify(pk, M,
/// σ, ctx)`. 0, `BadSignature`, or a length status.
pub(crate) fn verify_impl<P: Params>(pk: &[u8], msg: &[u8], ctx: Option<&[u8]>, sig: &[u8]) -> i32 {
    if pk.len() != P::PK {
        return code(Status::BadKeyLength);
    }
    if sig.len() != P::SIG {
        return code(Status::InvalidLength);
    }
    if ctx.is_some_and(|c| c.len() > MAX_CTX_LEN) {
        return code(Status::InvalidLength);
    }
    let ok = guard(|| {
        let (Ok(pk_enc), Ok(sig_enc)) = (ml_dsa::EncodedVerifyingKey::<P>::try_from(pk), ml_dsa::EncodedSignature::<P>::try_from(sig)) else {
            return false;
        };
        // sigDecode refuses malformed hints and ‖z‖∞ ≥ γ1 − β: such a signature is invalid.
        let Some(s) = Signature::<P>::decode(&sig_enc) else { return false };
        let vk = VerifyingKey::<P>::decode(&pk_enc);
        match ctx {
            Some(c) => vk.verify_with_context(msg, c, &s),
            None => vk.verify_internal(msg, &s),
        }
    });
    match ok {
        Ok(true) => OK,
        Ok(false) => code(Status::BadSignature),
        Err(c) => c,
    }
}

/// Whether `sig` (exactly `P::SIG` bytes) passes FIPS 204 `sigDecode` and the
/// `‖z‖∞ < γ1 − β` bound of Algorithm 8, through the crate's full decode: the oracle that
/// `sig_shape` (what the accelerated kernel runs) is tested against.
#[cfg(test)]
pub(crate) fn sig_well_formed<P: Params>(sig: &[u8]) -> bool {
    guard(|| ml_dsa::EncodedSignature::<P>::try_from(sig).ok().and_then(|e| Signature::<P>::decode(&e)).is_some()).unwrap_or(false)
}

/// The public key of an encoded secret key, with the `tr == H(pk)` consistency check.
pub(crate) fn public_of<P: Params>(sk: &[u8]) -> Result<Vec<u8>, i32> {
    if sk.len() != P::SK {
        return Err(code(Status::BadKeyLength));
    }
    let esk = expand::<P>(sk)?;
    let pk = guard(|| esk.verifying_key().encode().to_vec())?;
    let mut tr = [0u8; 64];
    let mut h = shake::Shake256::default();
    h.update(&pk);
    h.finalize_xof().read(&mut tr);
    if tr[..] != sk[64..128] {
        return Err(code(Status::InvalidKey));
    }
    Ok(pk)
}

pub(crate) unsafe extern "C" fn keypair<P: Params>(
    seed: *const u8,
    seed_len: usize,
    pk: *mut u8,
    pk_cap: usize,
    pk_len: *mut usize,
    sk: *mut u8,
    sk_cap: usize,
    sk_len: *mut usize,
) -> i32 {
    // SAFETY: kernel-ABI contract (seed valid for `seed_len` bytes when non-NULL).
    let xi = match unsafe { seed_or_random::<SEED_LEN>(seed, seed_len) } {
        Ok(s) => s,
        Err(c) => return c,
    };
    if pk_cap < P::PK || sk_cap < P::SK {
        // SAFETY: kernel-ABI contract: the length outputs are valid for writes.
        unsafe {
            *pk_len = P::PK;
            *sk_len = P::SK;
        }
        return code(Status::BufferTooSmall);
    }
    let (p, mut s) = match keygen_internal::<P>(&xi) {
        Ok(v) => v,
        Err(c) => return c,
    };
    // SAFETY: capacities checked above; outputs valid for their capacities.
    let rc = unsafe {
        match put(pk, pk_cap, pk_len, &p) {
            OK => put(sk, sk_cap, sk_len, &s),
            e => e,
        }
    };
    s.zeroize();
    rc
}

pub(crate) unsafe extern "C" fn public_from_secret<P: Params>(sk: *const u8, sk_len: usize, pk: *mut u8, pk_cap: usize, pk_len: *mut usize) -> i32 {
    // SAFETY: kernel-ABI contract (`sk` readable for `sk_len` bytes).
    let s = unsafe { slice(sk, sk_len) };
    match public_of::<P>(s) {
        // SAFETY: kernel-ABI output contract.
        Ok(p) => unsafe { put(pk, pk_cap, pk_len, &p) },
        Err(c) => c,
    }
}

unsafe extern "C" fn sign<P: Params>(
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
    if sk_len != P::SK {
        return code(Status::BadKeyLength);
    }
    if ctx_len > MAX_CTX_LEN {
        return code(Status::InvalidLength);
    }
    if sig_cap < P::SIG {
        // SAFETY: kernel-ABI contract.
        unsafe { *sig_len = P::SIG };
        return code(Status::BufferTooSmall);
    }
    let mut rnd = Wiped::<32>::new();
    if flags & SIGN_FLAG_DETERMINISTIC == 0 {
        if let Err(e) = crate::rand::random_bytes(&mut rnd.0) {
            return code(e.status);
        }
    }
    // SAFETY: kernel-ABI contract: each pointer readable for its length.
    let (s, m, c) = unsafe { (slice(sk, sk_len), slice(msg, msg_len), slice(ctx, ctx_len)) };
    // Pure ML-DSA (FIPS 204 Algorithm 2): M' = 0x00 ‖ len(ctx) ‖ ctx ‖ M.
    let prefix = [0u8, ctx_len as u8];
    match sign_internal::<P>(s, &[&prefix, c, m], &rnd) {
        // SAFETY: capacity checked; kernel-ABI output contract.
        Ok(v) => unsafe { put(sig, sig_cap, sig_len, &v) },
        Err(e) => e,
    }
}

pub(crate) unsafe extern "C" fn verify<P: Params>(
    pk: *const u8,
    pk_len: usize,
    msg: *const u8,
    msg_len: usize,
    ctx: *const u8,
    ctx_len: usize,
    sig: *const u8,
    sig_len: usize,
) -> i32 {
    // SAFETY: kernel-ABI contract: each pointer readable for its length.
    let (p, m, c, s) = unsafe { (slice(pk, pk_len), slice(msg, msg_len), slice(ctx, ctx_len), slice(sig, sig_len)) };
    verify_impl::<P>(p, m, Some(c), s)
}

const fn kernel<P: Params>(desc: &'static KernelDesc) -> SignKernel {
    SignKernel {
        desc,
        pk_len: P::PK,
        sk_len: P::SK,
        sig_len: P::SIG,
        seed_len: SEED_LEN,
        max_ctx_len: MAX_CTX_LEN,
        caps: CAP_SEEDED_KEYPAIR | CAP_DETERMINISTIC | CAP_CONTEXT,
        keypair: keypair::<P>,
        public_from_secret: public_from_secret::<P>,
        sign: sign::<P>,
        verify: verify::<P>,
    }
}

static D44: KernelDesc = KernelDesc { name: c"ml-dsa-44/rustcrypto".as_ptr(), requires: 0, constant_time: true, priority: 0 };
static D65: KernelDesc = KernelDesc { name: c"ml-dsa-65/rustcrypto".as_ptr(), requires: 0, constant_time: true, priority: 0 };
static D87: KernelDesc = KernelDesc { name: c"ml-dsa-87/rustcrypto".as_ptr(), requires: 0, constant_time: true, priority: 0 };

pub(crate) const KERNEL_44: SignKernel = kernel::<MlDsa44>(&D44);
pub(crate) const KERNEL_65: SignKernel = kernel::<MlDsa65>(&D65);
pub(crate) const KERNEL_87: SignKernel = kernel::<MlDsa87>(&D87);
