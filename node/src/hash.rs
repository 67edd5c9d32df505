//! Hashes and XOFs: `hash`, `xof`, `blake3Keyed`, `blake3DeriveKey`, streaming `Hash`, `hashAsync`.

use napi::bindgen_prelude::*;
use napi_derive::napi;
use xpscrypto_core::{hash as core, Family};

use crate::err::{alg, new_buffer, OrJs, OutBuf, Result};
use crate::task::{own, spawn, Work};

fn digest(a: &str, data: &[u8]) -> xpscrypto_core::Result<Vec<u8>> {
    core::hash(alg(a, Family::Hash)?, data)
}

/// One-shot digest of `data`; XOFs give their default length (shake128: 32, shake256: 64 bytes).
#[napi(ts_return_type = "Buffer")]
pub fn hash(env: &Env, alg: String, data: &[u8]) -> Result<OutBuf> {
    let a = crate::err::alg(&alg, Family::Hash).js()?;
    let n = core::default_len(a).js()?;
    new_buffer(env, n, |out| if core::fixed_len(a).is_some() { core::hash_into(a, data, out).map(drop) } else { core::xof(a, data, out) })
}

/// `hash` on the libuv thread pool (for large inputs; the input is copied first).
#[napi(ts_return_type = "Promise<Buffer>")]
pub fn hash_async(alg: String, data: &[u8], signal: Option<AbortSignal>) -> AsyncTask<Work<Vec<u8>>> {
    let d = own(data);
    spawn(move || digest(&alg, &d), signal)
}

/// `length` bytes of XOF output (shake128, shake256, blake3).
#[napi(ts_return_type = "Buffer")]
pub fn xof(env: &Env, alg: String, data: &[u8], length: u32) -> Result<OutBuf> {
    let a = crate::err::alg(&alg, Family::Hash).js()?;
    new_buffer(env, length as usize, |out| core::xof(a, data, out))
}

/// Output size of a fixed-length hash; `null` for shake128/shake256.
#[napi]
pub fn hash_outbytes(alg: String) -> Result<Option<u32>> {
    Ok(core::digest_len(crate::err::alg(&alg, Family::Hash).js()?).js()?.map(|n| n as u32))
}

/// BLAKE3 keyed hash (32-byte key) of `length` bytes (default 32).
#[napi]
pub fn blake3_keyed(key: &[u8], data: &[u8], length: Option<u32>) -> Result<Buffer> {
    let mut out = vec![0u8; length.unwrap_or(32) as usize];
    core::blake3_keyed(key, data, &mut out).js()?;
    Ok(out.into())
}

/// BLAKE3 derive_key: `length` bytes (default 32) derived from `material` under `context`.
#[napi]
pub fn blake3_derive_key(context: &[u8], material: &[u8], length: Option<u32>) -> Result<Buffer> {
    let mut out = vec![0u8; length.unwrap_or(32) as usize];
    core::blake3_derive_key(context, material, &mut out).js()?;
    Ok(out.into())
}

/// A streaming hash or XOF. `digest()`/`xof()` do not consume the state: more data may follow.
#[napi(js_name = "Hash")]
pub struct JsHash {
    h: core::Hasher,
}

#[napi]
impl JsHash {
    /// A plain hash/XOF stream of `alg`.
    #[napi(constructor)]
    pub fn new(alg: String) -> Result<Self> {
        Ok(JsHash { h: core::Hasher::new(crate::err::alg(&alg, Family::Hash).js()?).js()? })
    }

    /// BLAKE3 keyed mode (32-byte key).
    #[napi(factory)]
    pub fn blake3_keyed(key: &[u8]) -> Result<Self> {
        Ok(JsHash { h: core::Hasher::new_blake3_keyed(key).js()? })
    }

    /// BLAKE3 derive_key mode under a context string.
    #[napi(factory)]
    pub fn blake3_derive_key(context: &[u8]) -> Result<Self> {
        Ok(JsHash { h: core::Hasher::new_blake3_derive_key(context).js()? })
    }

    /// Absorbs `data`; returns `this` so calls chain.
    #[napi]
    pub fn update<'a>(&mut self, this: This<'a>, data: &[u8]) -> This<'a> {
        self.h.update(data);
        this
    }

    /// The digest (XOFs: their default length) of everything absorbed so far.
    #[napi(ts_return_type = "Buffer")]
    pub fn digest(&self, env: &Env) -> Result<OutBuf> {
        let v = self.h.clone().finalize();
        new_buffer(env, v.len(), |out| {
            out.copy_from_slice(&v);
            Ok(())
        })
    }

    /// `length` bytes of XOF output (shake128, shake256, blake3 in any mode).
    #[napi]
    pub fn xof(&self, length: u32) -> Result<Buffer> {
        let mut out = vec![0u8; length as usize];
        self.h.clone().finalize_xof(&mut out).js()?;
        Ok(out.into())
    }

    /// An independent copy of the current state.
    #[napi]
    pub fn copy(&self) -> JsHash {
        JsHash { h: self.h.clone() }
    }

    /// Canonical algorithm name.
    #[napi(getter)]
    pub fn name(&self) -> &'static str {
        self.h.alg().name()
    }

    /// Digest size in bytes (XOFs: the default output length).
    #[napi(getter)]
    pub fn digest_size(&self) -> Result<u32> {
        Ok(core::default_len(self.h.alg()).js()? as u32)
    }

    /// The kernel this stream runs on.
    #[napi(getter)]
    pub fn kernel(&self) -> &'static str {
        self.h.kernel_name()
    }
}

/// Internal (used by index.js, not exported from the package): the digest of `data` into `out`,
/// which must be exactly the algorithm's default output length. The algorithm comes as its id
/// (index.js caches name → id; a string argument costs ~150 ns per call through napi).
#[napi(js_name = "_hashInto", skip_typescript)]
pub fn hash_into_internal(alg_id: u32, data: &[u8], mut out: Uint8ArraySlice) -> Result<()> {
    let a = xpscrypto_core::Alg::from_id_checked(alg_id).and_then(|a| a.expect(Family::Hash)).js()?;
    let out = crate::aead::fresh(&mut out, &[data])?;
    if out.len() != core::default_len(a).js()? {
        return Err(crate::err::status(xpscrypto_core::Status::InvalidLength, "output length"));
    }
    if core::fixed_len(a).is_some() { core::hash_into(a, data, out).map(drop) } else { core::xof(a, data, out) }.js()
}

/// Internal (index.js): default output length of a hash/XOF (shake128: 32, shake256: 64).
#[napi(js_name = "_hashDefaultLen", skip_typescript)]
pub fn hash_default_len(alg: String) -> Result<u32> {
    Ok(core::default_len(crate::err::alg(&alg, Family::Hash).js()?).js()? as u32)
}
