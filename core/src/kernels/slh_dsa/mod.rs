//! SLH-DSA-SHA2-128s (FIPS 205) on the RustCrypto `slh-dsa` crate (=0.2.0-rc.5), pure mode.
//!
//! - Key generation seed (48 bytes) = `SK.seed ‖ SK.prf ‖ PK.seed` (n = 16 each), the inputs of
//!   FIPS 205 `slh_keygen_internal` (Algorithm 18); ACVP keyGen cases map onto it directly.
//! - Secret key (64) = `SK.seed ‖ SK.prf ‖ PK.seed ‖ PK.root`; public key (32) =
//!   `PK.seed ‖ PK.root`, so the public key of a secret key is its last 32 bytes. The embedded
//!   `PK.root` is taken as is (recomputing it costs a full key generation); a secret key with a
//!   wrong root makes signatures that do not verify.
//! - Signature: 7856 bytes, exact.
//! - Signing is FIPS 205 `slh_sign` (Algorithm 22: `M' = 0x00 ‖ len(ctx) ‖ ctx ‖ M`) with a
//!   context of up to 255 bytes; hedged by default (`opt_rand` = 16 fresh OS bytes), deterministic
//!   with `SIGN_FLAG_DETERMINISTIC` (`opt_rand = PK.seed`, as FIPS 205 specifies).
//! - Pre-hash (HashSLH-DSA) is not offered. The internal interface (no `M'` prefix) is exposed
//!   for ACVP only, in `hazmat`.
//!
//! Cost: signing is slow by design (~hundreds of ms for the "s" variant), key generation is
//! tens of ms, verification ~1 ms; so the power-on self-test is a verify-only known answer.
//! Not constant-time-critical beyond hashing: the crate's secret-dependent work is SHA-2 on
//! secret seeds (no secret-dependent branches or indices); claimed constant-time.

use crate::dispatch::abi::{slice, KernelDesc, SignKernel, CAP_CONTEXT, CAP_DETERMINISTIC, CAP_SEEDED_KEYPAIR, SIGN_FLAG_DETERMINISTIC};
use crate::error::Status;
use crate::kernels::pk_util::{code, put, seed_or_random, OK};
use slh_dsa::{Sha2_128s, Signature, SigningKey, VerifyingKey};
use std::panic::{catch_unwind, AssertUnwindSafe};
use zeroize::Zeroize;

const N: usize = 16;
pub const PK_LEN: usize = 2 * N;
pub const SK_LEN: usize = 4 * N;
pub const SIG_LEN: usize = 7856;
pub const SEED_LEN: usize = 3 * N;
pub const MAX_CTX: usize = 255;

fn keygen_from_seed(seed: &[u8; SEED_LEN]) -> SigningKey<Sha2_128s> {
    SigningKey::<Sha2_128s>::slh_keygen_internal(&seed[..N], &seed[N..2 * N], &seed[2 * N..])
}

unsafe extern "C" fn keypair(seed: *const u8, seed_len: usize, pk: *mut u8, pk_cap: usize, pk_len: *mut usize, sk: *mut u8, sk_cap: usize, sk_len: *mut usize) -> i32 {
    if pk_cap < PK_LEN || sk_cap < SK_LEN {
        // SAFETY: valid length pointers (kernel-ABI contract).
        unsafe {
            *pk_len = PK_LEN;
            *sk_len = SK_LEN;
        }
        return code(Status::BufferTooSmall);
    }
    // SAFETY: kernel-ABI contract (seed NULL or valid for `seed_len` bytes).
    let s = match unsafe { seed_or_random::<SEED_LEN>(seed, seed_len) } {
        Ok(s) => s,
        Err(c) => return c,
    };
    let Ok(key) = catch_unwind(|| keygen_from_seed(&s)) else { return code(Status::Internal) };
    let mut skb = key.to_bytes();
    let vk = key.as_ref().to_bytes();
    // SAFETY: capacities checked; outputs valid per the kernel-ABI contract.
    let rc = unsafe {
        put(pk, pk_cap, pk_len, &vk);
        put(sk, sk_cap, sk_len, &skb)
    };
    skb.as_mut_slice().zeroize();
    rc
}

unsafe extern "C" fn public_from_secret(sk: *const u8, sk_len: usize, pk: *mut u8, pk_cap: usize, pk_len: *mut usize) -> i32 {
    if sk_len != SK_LEN {
        return code(Status::BadKeyLength);
    }
    // SAFETY: `sk` holds SK_LEN bytes; the public part is the last PK_LEN.
    let skb = unsafe { slice(sk, SK_LEN) };
    // SAFETY: kernel-ABI output contract.
    unsafe { put(pk, pk_cap, pk_len, &skb[2 * N..]) }
}

/// FIPS 205 `slh_sign` with a context; `opt_rand` `None` = deterministic (PK.seed).
fn sign_ctx(sk: &[u8], msg: &[u8], ctx: &[u8], deterministic: bool) -> Result<Vec<u8>, i32> {
    let key = SigningKey::<Sha2_128s>::try_from(sk).map_err(|_| code(Status::InvalidKey))?;
    let mut rnd = [0u8; N];
    if !deterministic {
        crate::rand::random_bytes(&mut rnd).map_err(|e| code(e.status))?;
    }
    let r = catch_unwind(AssertUnwindSafe(|| key.try_sign_with_context(msg, ctx, if deterministic { None } else { Some(&rnd[..]) })));
    rnd.zeroize();
    match r {
        Ok(Ok(sig)) => Ok(sig.to_vec()),
        Ok(Err(_)) => Err(code(Status::InvalidLength)),
        Err(_) => Err(code(Status::Internal)),
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
    if ctx_len > MAX_CTX {
        return code(Status::InvalidLength);
    }
    if sig_cap < SIG_LEN {
        // SAFETY: valid length pointer (kernel-ABI contract).
        unsafe { *sig_len = SIG_LEN };
        return code(Status::BufferTooSmall);
    }
    // SAFETY: pointers valid for their lengths (kernel-ABI contract).
    let (s, m, c) = unsafe { (slice(sk, sk_len), slice(msg, msg_len), slice(ctx, ctx_len)) };
    match sign_ctx(s, m, c, flags & SIGN_FLAG_DETERMINISTIC != 0) {
        // SAFETY: kernel-ABI output contract.
        Ok(v) => unsafe { put(sig, sig_cap, sig_len, &v) },
        Err(e) => e,
    }
}

/// Pure (`M'` with context) or internal (`M' = msg`) verification.
fn verify_bytes(pk: &[u8], msg: &[u8], ctx: Option<&[u8]>, sig: &[u8]) -> i32 {
    if pk.len() != PK_LEN {
        return code(Status::BadKeyLength);
    }
    if sig.len() != SIG_LEN {
        return code(Status::InvalidLength);
    }
    if ctx.is_some_and(|c| c.len() > MAX_CTX) {
        return code(Status::InvalidLength);
    }
    let ok = catch_unwind(|| {
        let Ok(vk) = VerifyingKey::<Sha2_128s>::try_from(pk) else { return false };
        let Ok(s) = Signature::<Sha2_128s>::try_from(sig) else { return false };
        match ctx {
            Some(c) => vk.try_verify_with_context(msg, c, &s).is_ok(),
            None => vk.slh_verify_internal(&[msg], &s).is_ok(),
        }
    });
    match ok {
        Ok(true) => OK,
        _ => code(Status::BadSignature),
    }
}

unsafe extern "C" fn verify(pk: *const u8, pk_len: usize, msg: *const u8, msg_len: usize, ctx: *const u8, ctx_len: usize, sig: *const u8, sig_len: usize) -> i32 {
    // SAFETY: pointers valid for their lengths (kernel-ABI contract).
    let (p, m, c, s) = unsafe { (slice(pk, pk_len), slice(msg, msg_len), slice(ctx, ctx_len), slice(sig, sig_len)) };
    verify_bytes(p, m, Some(c), s)
}

/// FIPS 205 `slh_verify_internal` (Algorithm 20): `msg` is `M'` itself. ACVP only.
pub(crate) fn verify_internal(pk: &[u8], msg: &[u8], sig: &[u8]) -> i32 {
    verify_bytes(pk, msg, None, sig)
}

/// FIPS 205 `slh_sign_internal` (Algorithm 19) with an explicit `opt_rand` (n bytes; `None` =
/// PK.seed, deterministic). ACVP only.
pub(crate) fn sign_internal(sk: &[u8], msg: &[u8], opt_rand: Option<&[u8]>) -> Result<Vec<u8>, i32> {
    if sk.len() != SK_LEN {
        return Err(code(Status::BadKeyLength));
    }
    if opt_rand.is_some_and(|r| r.len() != N) {
        return Err(code(Status::InvalidLength));
    }
    let key = SigningKey::<Sha2_128s>::try_from(sk).map_err(|_| code(Status::InvalidKey))?;
    catch_unwind(AssertUnwindSafe(|| key.slh_sign_internal(&[msg], opt_rand).to_vec())).map_err(|_| code(Status::Internal))
}

static DESC: KernelDesc = KernelDesc { name: c"slh-dsa-sha2-128s/rustcrypto".as_ptr(), requires: 0, constant_time: true, priority: 0 };

pub static SHA2_128S: [SignKernel; 1] = [SignKernel {
    desc: &DESC,
    pk_len: PK_LEN,
    sk_len: SK_LEN,
    sig_len: SIG_LEN,
    seed_len: SEED_LEN,
    max_ctx_len: MAX_CTX,
    caps: CAP_SEEDED_KEYPAIR | CAP_DETERMINISTIC | CAP_CONTEXT,
    keypair,
    public_from_secret,
    sign,
    verify,
}];

/// Power-on known answer: NIST ACVP SLH-DSA keyGen (FIPS 205), group 1 (SLH-DSA-SHA2-128s),
/// tcId 1: `SK.seed ‖ SK.prf ‖ PK.seed` → pk, sk; plus the public key of that secret key.
/// Signing (hundreds of ms) is not part of the power-on tests; see `selftest_pk`.
pub(crate) fn selftest_kat(k: &SignKernel) -> bool {
    use crate::selftest::hx;
    let seed = hx("AA9CC7DCA491FC86BCB15A709A15E9B3905C800B6E2FB9B54B6B050EE5E4DE9AFA5464D1C661FED38B2A51CA3EAE71BA");
    let want_pk = hx("FA5464D1C661FED38B2A51CA3EAE71BACAE3D1865215E3D3850E8C1B8292BF42");
    let (mut pk, mut sk, mut pk2) = ([0u8; PK_LEN], [0u8; SK_LEN], [0u8; PK_LEN]);
    let (mut pl, mut sl, mut pl2) = (0usize, 0usize, 0usize);
    // SAFETY: live buffers with their lengths.
    let rc = unsafe {
        (k.keypair)(seed.as_ptr(), seed.len(), pk.as_mut_ptr(), PK_LEN, &mut pl, sk.as_mut_ptr(), SK_LEN, &mut sl)
            | (k.public_from_secret)(sk.as_ptr(), SK_LEN, pk2.as_mut_ptr(), PK_LEN, &mut pl2)
    };
    let ok = rc == OK && pk[..] == want_pk[..] && sk[..48] == seed[..] && sk[48..] == want_pk[16..] && pk2 == pk;
    sk.zeroize();
    ok
}
