//! Signatures: `signKeypair`/`sign`/`verify`/`signPublicFromSecret` (+ `*Async` twins), sizes, and
//! the `SigningKey` handle (secret key in secure memory).

use std::sync::Arc;

use napi::bindgen_prelude::*;
use napi_derive::napi;
use xpscrypto_core::sign::{self as core, SignOptions as CoreOptions};
use xpscrypto_core::{Family, Status};

use crate::err::{alg, status, OrJs, Result};
use crate::task::{own, own_opt, spawn, Outcome, Work};

/// A key pair.
#[napi(object)]
pub struct KeyPair {
    pub public_key: Buffer,
    pub secret_key: Buffer,
}

/// Pool-side key pair (converted to `KeyPair` on the JS thread); also used by the KEM twins.
pub struct PairOut(pub Vec<u8>, pub zeroize::Zeroizing<Vec<u8>>);

impl Outcome for PairOut {
    type Js = KeyPair;
    fn into_js(self) -> KeyPair {
        KeyPair { public_key: self.0.into(), secret_key: self.1.to_vec().into() }
    }
}

/// Signing options.
#[napi(object)]
pub struct SignOptions {
    /// Context string (ML-DSA and the hybrid: ≤ 255 bytes).
    pub context: Option<Uint8Array>,
    /// Deterministic signing (ML-DSA, SLH-DSA; Ed25519 always is; Falcon and RSA-PSS refuse it).
    pub deterministic: Option<bool>,
}

/// Verification options.
#[napi(object)]
pub struct VerifyOptions {
    /// Context string used when signing.
    pub context: Option<Uint8Array>,
}

fn keypair_run(a: &str, seed: Option<&[u8]>) -> xpscrypto_core::Result<PairOut> {
    let (pk, sk) = core::keypair(alg(a, Family::Sign)?, seed)?;
    Ok(PairOut(pk, zeroize::Zeroizing::new(sk.as_slice().to_vec())))
}

/// `{ publicKey, secretKey }`; `seed` (Ed25519: the 32-byte private key; ML-DSA: ξ; see
/// `signSeedbytes`) makes it deterministic.
#[napi]
pub fn sign_keypair(alg: String, seed: Option<&[u8]>) -> Result<KeyPair> {
    keypair_run(&alg, seed).map(PairOut::into_js).js()
}

/// `signKeypair` on the libuv pool.
#[napi(ts_return_type = "Promise<KeyPair>")]
pub fn sign_keypair_async(alg: String, seed: Option<&[u8]>, signal: Option<AbortSignal>) -> AsyncTask<Work<PairOut>> {
    let s = own_opt(seed);
    spawn(move || keypair_run(&alg, s.as_deref().map(|v| &v[..])), signal)
}

/// The public key of a secret key.
#[napi]
pub fn sign_public_from_secret(alg: String, secret: &[u8]) -> Result<Buffer> {
    core::public_from_secret(crate::err::alg(&alg, Family::Sign).js()?, secret).map(Buffer::from).js()
}

fn opts(o: &Option<SignOptions>) -> CoreOptions<'_> {
    CoreOptions {
        context: o.as_ref().and_then(|o| o.context.as_deref()).unwrap_or(&[]),
        deterministic: o.as_ref().and_then(|o| o.deterministic).unwrap_or(false),
    }
}

/// A signature of `msg` (`options.context`, `options.deterministic`).
#[napi]
pub fn sign(alg: String, secret: &[u8], msg: &[u8], options: Option<SignOptions>) -> Result<Buffer> {
    core::sign_with(crate::err::alg(&alg, Family::Sign).js()?, secret, msg, &opts(&options)).map(Buffer::from).js()
}

/// `sign` on the libuv pool.
#[napi(ts_return_type = "Promise<Buffer>")]
pub fn sign_async(alg: String, secret: &[u8], msg: &[u8], options: Option<SignOptions>, signal: Option<AbortSignal>) -> AsyncTask<Work<Vec<u8>>> {
    let (s, m) = (own(secret), own(msg));
    let c = own_opt(options.as_ref().and_then(|o| o.context.as_deref()));
    let det = options.as_ref().and_then(|o| o.deterministic).unwrap_or(false);
    spawn(move || core::sign_with(alg_of(&alg)?, &s, &m, &CoreOptions { context: c.as_deref().map_or(&[][..], |v| v), deterministic: det }), signal)
}

fn alg_of(a: &str) -> xpscrypto_core::Result<xpscrypto_core::Alg> {
    alg(a, Family::Sign)
}

fn verdict(r: xpscrypto_core::Result<()>) -> xpscrypto_core::Result<bool> {
    match r {
        Ok(()) => Ok(true),
        Err(e) if e.status == Status::BadSignature => Ok(false),
        Err(e) => Err(e),
    }
}

/// `true` for a valid signature, `false` for a well-formed wrong one; malformed lengths throw.
#[napi]
pub fn verify(alg: String, public_key: &[u8], msg: &[u8], sig: &[u8], options: Option<VerifyOptions>) -> Result<bool> {
    let c = options.as_ref().and_then(|o| o.context.as_deref()).unwrap_or(&[]);
    verdict(core::verify_with(alg_of(&alg).js()?, public_key, msg, sig, &CoreOptions { context: c, deterministic: false })).js()
}

/// `verify` on the libuv pool.
#[napi(ts_return_type = "Promise<boolean>")]
pub fn verify_async(alg: String, public_key: &[u8], msg: &[u8], sig: &[u8], options: Option<VerifyOptions>, signal: Option<AbortSignal>) -> AsyncTask<Work<bool>> {
    let (p, m, s) = (own(public_key), own(msg), own(sig));
    let c = own_opt(options.as_ref().and_then(|o| o.context.as_deref()));
    spawn(move || verdict(core::verify_with(alg_of(&alg)?, &p, &m, &s, &CoreOptions { context: c.as_deref().map_or(&[][..], |v| v), deterministic: false })), signal)
}

/// Hazmat: FIPS 204/205 *internal* signing (`ML-DSA.Sign_internal`, `slh_sign_internal`) over
/// `mPrime` as given — no context prefix, no domain separation; for ACVP internal-interface
/// vectors. `rnd`: ML-DSA's 32 bytes or SLH-DSA's 16-byte `opt_rand`; absent or empty =
/// deterministic.
/// Synchronous only (a test-vector tool, not an application call).
#[napi]
pub fn hazmat_sign_internal(alg: String, secret: &[u8], m_prime: &[u8], rnd: Option<&[u8]>) -> Result<Buffer> {
    // An empty rnd is the deterministic variant, as NULL/0 is in C.
    xpscrypto_core::hazmat::sign_internal(alg_of(&alg).js()?, secret, m_prime, rnd.filter(|r| !r.is_empty())).map(Buffer::from).js()
}

/// Hazmat: internal-interface verification (see `hazmatSignInternal`): `true` / `false`;
/// malformed lengths throw.
#[napi]
pub fn hazmat_verify_internal(alg: String, public_key: &[u8], m_prime: &[u8], sig: &[u8]) -> Result<bool> {
    verdict(xpscrypto_core::hazmat::verify_internal(alg_of(&alg).js()?, public_key, m_prime, sig)).js()
}

fn sizes(a: &str) -> Result<core::SignSizes> {
    core::sizes(alg_of(a).js()?).js()
}

/// Public key size; `null` when variable (RSA: DER).
#[napi]
pub fn sign_publickeybytes(alg: String) -> Result<Option<u32>> {
    Ok(Some(sizes(&alg)?.public_key as u32).filter(|&n| n != 0))
}

/// Secret key size; `null` when variable (RSA: DER).
#[napi]
pub fn sign_secretkeybytes(alg: String) -> Result<Option<u32>> {
    Ok(Some(sizes(&alg)?.secret_key as u32).filter(|&n| n != 0))
}

/// Signature size (exact, or the maximum for Falcon and RSA).
#[napi]
pub fn sign_bytes(alg: String) -> Result<u32> {
    Ok(sizes(&alg)?.signature as u32)
}

/// Key-generation seed size; `null` if seeded key generation is not offered.
#[napi]
pub fn sign_seedbytes(alg: String) -> Result<Option<u32>> {
    Ok(Some(sizes(&alg)?.seed as u32).filter(|&n| n != 0))
}

/// Largest context string (0: contexts are not supported).
#[napi]
pub fn sign_contextbytes(alg: String) -> Result<u32> {
    Ok(sizes(&alg)?.max_context as u32)
}

/// A signing key handle: the secret key in secure memory, wiped by `destroy()` or by GC.
#[napi]
pub struct SigningKey {
    // A lock so that `destroy()` takes `&self`: napi-rs refuses a `&mut self` call while an
    // async call of the same object is pending.
    k: std::sync::Mutex<Option<Arc<core::SigningKey>>>,
    alg: &'static str,
}

#[napi]
impl SigningKey {
    /// A handle for a signature secret key (the standard encoding for `alg`).
    #[napi(constructor)]
    pub fn new(alg: String, secret: &[u8]) -> Result<Self> {
        let k = core::SigningKey::new(alg_of(&alg).js()?, secret).js()?;
        Ok(SigningKey { alg: k.alg().name(), k: std::sync::Mutex::new(Some(Arc::new(k))) })
    }

    /// A fresh key as a handle (`seed` as in `signKeypair`); the secret never becomes a Buffer.
    #[napi(factory)]
    pub fn generate(alg: String, seed: Option<&[u8]>) -> Result<Self> {
        let a = alg_of(&alg).js()?;
        let (_, sk) = core::keypair(a, seed).js()?;
        let k = core::SigningKey::new(a, sk.as_slice()).js()?;
        Ok(SigningKey { alg: a.name(), k: std::sync::Mutex::new(Some(Arc::new(k))) })
    }

    fn live(&self) -> Result<Arc<core::SigningKey>> {
        self.k.lock().unwrap_or_else(|e| e.into_inner()).clone().ok_or_else(|| status(Status::InvalidState, "the SigningKey was destroyed"))
    }

    /// A signature of `msg` (options as in `sign`).
    #[napi]
    pub fn sign(&self, msg: &[u8], options: Option<SignOptions>) -> Result<Buffer> {
        self.live()?.sign_with(msg, &opts(&options)).map(Buffer::from).js()
    }

    /// `sign` on the libuv pool.
    #[napi(ts_return_type = "Promise<Buffer>")]
    pub fn sign_async(&self, msg: &[u8], options: Option<SignOptions>, signal: Option<AbortSignal>) -> Result<AsyncTask<Work<Vec<u8>>>> {
        let k = self.live()?;
        let m = own(msg);
        let c = own_opt(options.as_ref().and_then(|o| o.context.as_deref()));
        let det = options.as_ref().and_then(|o| o.deterministic).unwrap_or(false);
        Ok(spawn(move || k.sign_with(&m, &CoreOptions { context: c.as_deref().map_or(&[][..], |v| v), deterministic: det }), signal))
    }

    /// The public key.
    #[napi]
    pub fn public_key(&self) -> Result<Buffer> {
        self.live()?.public_key().map(Buffer::from).js()
    }

    /// Wipes the secret key now.
    #[napi]
    pub fn destroy(&self) {
        self.k.lock().unwrap_or_else(|e| e.into_inner()).take();
    }

    /// Canonical algorithm name.
    #[napi(getter)]
    pub fn alg(&self) -> &'static str {
        self.alg
    }

    /// Never shows key material.
    #[napi(js_name = "toString")]
    pub fn to_js_string(&self) -> String {
        format!("SigningKey({}, secret hidden)", self.alg)
    }
}

