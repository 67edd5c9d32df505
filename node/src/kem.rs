//! KEMs: `kemKeypair`/`kemEncapsulate`/`kemDecapsulate` (+ `*Async` twins), sizes, and the
//! `DecapsulationKey` handle.

use std::sync::Arc;

use napi::bindgen_prelude::*;
use napi_derive::napi;
use xpscrypto_core::kem as core;
use xpscrypto_core::{Family, Status};
use zeroize::Zeroizing;

use crate::err::{alg, status, OrJs, Result};
use crate::sign::{KeyPair, PairOut};
use crate::task::{own, own_opt, spawn, Outcome, Work};

/// The result of an encapsulation.
#[napi(object)]
pub struct Encapsulation {
    pub ciphertext: Buffer,
    pub shared_secret: Buffer,
}

/// Pool-side encapsulation (converted to `Encapsulation` on the JS thread).
pub struct EncapsOut(Vec<u8>, Zeroizing<Vec<u8>>);

impl Outcome for EncapsOut {
    type Js = Encapsulation;
    fn into_js(self) -> Encapsulation {
        Encapsulation { ciphertext: self.0.into(), shared_secret: self.1.to_vec().into() }
    }
}

fn kem_alg(a: &str) -> xpscrypto_core::Result<xpscrypto_core::Alg> {
    alg(a, Family::Kem)
}

fn keypair_run(a: &str, seed: Option<&[u8]>) -> xpscrypto_core::Result<PairOut> {
    let (pk, sk) = core::keypair(kem_alg(a)?, seed)?;
    Ok(PairOut(pk, Zeroizing::new(sk.as_slice().to_vec())))
}

fn encaps_run(a: &str, pk: &[u8], seed: Option<&[u8]>) -> xpscrypto_core::Result<EncapsOut> {
    let (ct, ss) = core::encapsulate(kem_alg(a)?, pk, seed)?;
    Ok(EncapsOut(ct, ss))
}

/// `{ publicKey, secretKey }`; `seed`: X25519 the 32-byte scalar, ML-KEM d‖z (64 bytes), X-Wing 32 bytes.
#[napi]
pub fn kem_keypair(alg: String, seed: Option<&[u8]>) -> Result<KeyPair> {
    keypair_run(&alg, seed).map(PairOut::into_js).js()
}

/// `kemKeypair` on the libuv pool.
#[napi(ts_return_type = "Promise<KeyPair>")]
pub fn kem_keypair_async(alg: String, seed: Option<&[u8]>, signal: Option<AbortSignal>) -> AsyncTask<Work<PairOut>> {
    let s = own_opt(seed);
    spawn(move || keypair_run(&alg, s.as_deref().map(|v| &v[..])), signal)
}

/// `{ ciphertext, sharedSecret }` for `publicKey`; `seed` (ML-KEM: m, 32 bytes; X-Wing: 64 bytes;
/// X25519: the ephemeral scalar) derandomizes it, for known-answer tests only.
#[napi]
pub fn kem_encapsulate(alg: String, public_key: &[u8], seed: Option<&[u8]>) -> Result<Encapsulation> {
    encaps_run(&alg, public_key, seed).map(EncapsOut::into_js).js()
}

/// `kemEncapsulate` on the libuv pool.
#[napi(ts_return_type = "Promise<Encapsulation>")]
pub fn kem_encapsulate_async(alg: String, public_key: &[u8], seed: Option<&[u8]>, signal: Option<AbortSignal>) -> AsyncTask<Work<EncapsOut>> {
    let (p, s) = (own(public_key), own_opt(seed));
    spawn(move || encaps_run(&alg, &p, s.as_deref().map(|v| &v[..])), signal)
}

/// The shared secret of `ciphertext` (x25519: plain DH with the peer's public key).
#[napi]
pub fn kem_decapsulate(alg: String, secret_key: &[u8], ciphertext: &[u8]) -> Result<Buffer> {
    core::decapsulate(kem_alg(&alg).js()?, secret_key, ciphertext).map(|s| s.to_vec().into()).js()
}

/// `kemDecapsulate` on the libuv pool.
#[napi(ts_return_type = "Promise<Buffer>")]
pub fn kem_decapsulate_async(alg: String, secret_key: &[u8], ciphertext: &[u8], signal: Option<AbortSignal>) -> AsyncTask<Work<Zeroizing<Vec<u8>>>> {
    let (s, c) = (own(secret_key), own(ciphertext));
    spawn(move || core::decapsulate(kem_alg(&alg)?, &s, &c), signal)
}

fn sizes(a: &str) -> Result<core::KemSizes> {
    core::sizes(kem_alg(a).js()?).js()
}

/// Public key size of a KEM.
#[napi]
pub fn kem_publickeybytes(alg: String) -> Result<u32> {
    Ok(sizes(&alg)?.public_key as u32)
}

/// Secret key size of a KEM (ML-KEM: the FIPS 203 decapsulation key).
#[napi]
pub fn kem_secretkeybytes(alg: String) -> Result<u32> {
    Ok(sizes(&alg)?.secret_key as u32)
}

/// Ciphertext size of a KEM (x25519: the peer's public key).
#[napi]
pub fn kem_ciphertextbytes(alg: String) -> Result<u32> {
    Ok(sizes(&alg)?.ciphertext as u32)
}

/// Shared-secret size of a KEM.
#[napi]
pub fn kem_sharedsecretbytes(alg: String) -> Result<u32> {
    Ok(sizes(&alg)?.shared_secret as u32)
}

/// Key-generation seed size; `null` if not offered.
#[napi]
pub fn kem_seedbytes(alg: String) -> Result<Option<u32>> {
    Ok(Some(sizes(&alg)?.seed as u32).filter(|&n| n != 0))
}

/// Encapsulation seed size; `null` if not offered.
#[napi]
pub fn kem_encapsseedbytes(alg: String) -> Result<Option<u32>> {
    Ok(Some(sizes(&alg)?.encaps_seed as u32).filter(|&n| n != 0))
}

/// A decapsulation key handle in secure memory (length checked here; the FIPS 203 §7.2/§7.3
/// checks of an ML-KEM key run on every `decapsulate`). `destroy()` wipes it now.
#[napi]
pub struct DecapsulationKey {
    // A lock so that `destroy()` takes `&self`: napi-rs refuses a `&mut self` call while an
    // async call of the same object is pending.
    k: std::sync::Mutex<Option<Arc<core::DecapsulationKey>>>,
    alg: &'static str,
}

#[napi]
impl DecapsulationKey {
    /// A handle for a KEM secret key (its exact length for `alg`).
    #[napi(constructor)]
    pub fn new(alg: String, secret_key: &[u8]) -> Result<Self> {
        let k = core::DecapsulationKey::new(kem_alg(&alg).js()?, secret_key).js()?;
        Ok(DecapsulationKey { alg: k.alg().name(), k: std::sync::Mutex::new(Some(Arc::new(k))) })
    }

    fn live(&self) -> Result<Arc<core::DecapsulationKey>> {
        self.k.lock().unwrap_or_else(|e| e.into_inner()).clone().ok_or_else(|| status(Status::InvalidState, "the DecapsulationKey was destroyed"))
    }

    /// The shared secret of `ciphertext`.
    #[napi]
    pub fn decapsulate(&self, ciphertext: &[u8]) -> Result<Buffer> {
        self.live()?.decapsulate(ciphertext).map(|s| s.to_vec().into()).js()
    }

    /// `decapsulate` on the libuv pool.
    #[napi(ts_return_type = "Promise<Buffer>")]
    pub fn decapsulate_async(&self, ciphertext: &[u8], signal: Option<AbortSignal>) -> Result<AsyncTask<Work<Zeroizing<Vec<u8>>>>> {
        let k = self.live()?;
        let c = own(ciphertext);
        Ok(spawn(move || k.decapsulate(&c), signal))
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
        format!("DecapsulationKey({}, secret hidden)", self.alg)
    }
}
