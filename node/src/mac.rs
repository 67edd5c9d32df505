//! MACs: `hmac` (any MAC algorithm), `hmacVerify`, `hmacVerifyTruncated`, streaming `Mac`.

use napi::bindgen_prelude::*;
use napi_derive::napi;
use xpscrypto_core::{mac as core, Family, Status};

use crate::err::{alg, js, new_buffer, OrJs, OutBuf, Result};

/// The full tag of `data` under `key` (hmac-sha256/384/512, poly1305 (one-time key!), blake3-keyed).
#[napi(ts_return_type = "Buffer")]
pub fn hmac(env: &Env, alg: String, key: &[u8], data: &[u8]) -> Result<OutBuf> {
    let a = crate::err::alg(&alg, Family::Mac).js()?;
    new_buffer(env, core::tag_len(a).js()?, |out| core::mac_into(a, key, data, out).map(drop))
}

fn verdict(r: xpscrypto_core::Result<()>) -> Result<bool> {
    match r {
        Ok(()) => Ok(true),
        Err(e) if e.status == Status::AuthenticationFailed => Ok(false),
        Err(e) => Err(js(e)),
    }
}

/// Constant-time check of a full-length tag: `true`/`false`; a tag of the wrong length throws.
#[napi]
pub fn hmac_verify(alg: String, key: &[u8], data: &[u8], tag: &[u8]) -> Result<bool> {
    verdict(core::verify(crate::err::alg(&alg, Family::Mac).js()?, key, data, tag))
}

/// Constant-time check of an HMAC tag truncated to `tag.length` bytes (16 ≤ length ≤ full).
#[napi]
pub fn hmac_verify_truncated(alg: String, key: &[u8], data: &[u8], tag: &[u8]) -> Result<bool> {
    verdict(core::verify_truncated(crate::err::alg(&alg, Family::Mac).js()?, key, data, tag))
}

/// Tag size of a MAC algorithm.
#[napi]
pub fn mac_tagbytes(alg: String) -> Result<u32> {
    Ok(core::tag_len(crate::err::alg(&alg, Family::Mac).js()?).js()? as u32)
}

/// Key size of a MAC algorithm; `null` for HMAC (any key length).
#[napi]
pub fn mac_keybytes(alg: String) -> Result<Option<u32>> {
    Ok(core::key_len(crate::err::alg(&alg, Family::Mac).js()?).js()?.map(|n| n as u32))
}

/// A streaming MAC. `finalize()`/`verify()` do not consume the state.
#[napi(js_name = "Mac")]
pub struct JsMac {
    m: core::Mac,
}

#[napi]
impl JsMac {
    /// A MAC stream of `alg` keyed with `key`.
    #[napi(constructor)]
    pub fn new(alg: String, key: &[u8]) -> Result<Self> {
        Ok(JsMac { m: core::Mac::new(self::alg(&alg, Family::Mac).js()?, key).js()? })
    }

    /// Absorbs `data`; returns `this`.
    #[napi]
    pub fn update<'a>(&mut self, this: This<'a>, data: &[u8]) -> This<'a> {
        self.m.update(data);
        this
    }

    /// The full tag of everything absorbed so far.
    #[napi]
    pub fn finalize(&self) -> Buffer {
        let t = zeroize::Zeroizing::new(self.m.clone().finalize());
        t.to_vec().into()
    }

    /// Constant-time check of a full-length tag.
    #[napi]
    pub fn verify(&self, tag: &[u8]) -> Result<bool> {
        verdict(self.m.clone().verify(tag))
    }

    /// Constant-time check of a truncated HMAC tag.
    #[napi]
    pub fn verify_truncated(&self, tag: &[u8]) -> Result<bool> {
        verdict(self.m.clone().verify_truncated(tag))
    }

    /// An independent copy of the current state.
    #[napi]
    pub fn copy(&self) -> JsMac {
        JsMac { m: self.m.clone() }
    }

    /// Canonical algorithm name.
    #[napi(getter)]
    pub fn name(&self) -> &'static str {
        self.m.alg().name()
    }

    /// Tag size in bytes.
    #[napi(getter)]
    pub fn tag_size(&self) -> Result<u32> {
        Ok(core::tag_len(self.m.alg()).js()? as u32)
    }
}
