//! AEADs: flat `aeadSeal`/`aeadOpen` (+ detached, + `*Async`) and the `AeadKey` handle (schedule
//! computed once, raw key in secure memory; `destroy()` wipes it at once, GC wipes it otherwise).

use std::sync::Arc;

use napi::bindgen_prelude::*;
use napi_derive::napi;
use xpscrypto_core::aead::{self as core, AeadKey as CoreKey, TAG_LEN};
use xpscrypto_core::{Family, Status};
use zeroize::Zeroizing;

use crate::err::{alg, new_buffer, status, OrJs, OutBuf, Result};
use crate::task::{own, own_opt, spawn, Work};

/// A ciphertext and its separate tag.
#[napi(object)]
pub struct Detached {
    pub ciphertext: Buffer,
    pub tag: Buffer,
}

fn key(a: &str, k: &[u8]) -> xpscrypto_core::Result<CoreKey> {
    CoreKey::new(alg(a, Family::Aead)?, k)
}

/// `ciphertext ‖ tag` of `plaintext` (nonce: 12 bytes, XChaCha20 24). Never reuse a nonce with a key.
#[napi(ts_return_type = "Buffer")]
pub fn aead_seal(env: &Env, alg: String, key: &[u8], nonce: &[u8], plaintext: &[u8], aad: Option<&[u8]>) -> Result<OutBuf> {
    let a = crate::err::alg(&alg, Family::Aead).js()?;
    new_buffer(env, core::sealed_len(plaintext.len()).js()?, |out| core::seal(a, key, nonce, aad.unwrap_or(&[]), plaintext, out).map(drop))
}

/// The plaintext of `ciphertext ‖ tag`; throws `XPS_E_AUTHENTICATION_FAILED` (nothing returned) on
/// any mismatch of key, nonce, aad, ciphertext or tag.
#[napi(ts_return_type = "Buffer")]
pub fn aead_open(env: &Env, alg: String, key: &[u8], nonce: &[u8], ciphertext_and_tag: &[u8], aad: Option<&[u8]>) -> Result<OutBuf> {
    let a = crate::err::alg(&alg, Family::Aead).js()?;
    new_buffer(env, core::opened_len(ciphertext_and_tag.len()).js()?, |out| core::open(a, key, nonce, aad.unwrap_or(&[]), ciphertext_and_tag, out).map(drop))
}

/// `{ ciphertext, tag }` with the tag separate.
#[napi]
pub fn aead_seal_detached(alg: String, key: &[u8], nonce: &[u8], plaintext: &[u8], aad: Option<&[u8]>) -> Result<Detached> {
    let a = crate::err::alg(&alg, Family::Aead).js()?;
    let mut ct = vec![0u8; plaintext.len()];
    let tag = core::seal_detached(a, key, nonce, aad.unwrap_or(&[]), plaintext, &mut ct).js()?;
    Ok(Detached { ciphertext: ct.into(), tag: tag.to_vec().into() })
}

/// The plaintext of a ciphertext with a separate 16-byte tag.
#[napi]
pub fn aead_open_detached(alg: String, key: &[u8], nonce: &[u8], ciphertext: &[u8], tag: &[u8], aad: Option<&[u8]>) -> Result<Buffer> {
    let a = crate::err::alg(&alg, Family::Aead).js()?;
    let mut pt = vec![0u8; ciphertext.len()];
    core::open_detached(a, key, nonce, aad.unwrap_or(&[]), ciphertext, tag, &mut pt).js()?;
    Ok(pt.into())
}

/// `aeadSeal` on the libuv pool (inputs are copied first).
#[napi(ts_return_type = "Promise<Buffer>")]
pub fn aead_seal_async(alg: String, key: &[u8], nonce: &[u8], plaintext: &[u8], aad: Option<&[u8]>, signal: Option<AbortSignal>) -> AsyncTask<Work<Vec<u8>>> {
    let (k, n, p, a) = (own(key), own(nonce), own(plaintext), own_opt(aad));
    spawn(move || self::key(&alg, &k)?.seal_to_vec(&n, a.as_deref().map_or(&[][..], |v| v), &p), signal)
}

/// `aeadOpen` on the libuv pool (inputs are copied first).
#[napi(ts_return_type = "Promise<Buffer>")]
pub fn aead_open_async(alg: String, key: &[u8], nonce: &[u8], ciphertext_and_tag: &[u8], aad: Option<&[u8]>, signal: Option<AbortSignal>) -> AsyncTask<Work<Zeroizing<Vec<u8>>>> {
    let (k, n, c, a) = (own(key), own(nonce), own(ciphertext_and_tag), own_opt(aad));
    spawn(move || self::key(&alg, &k)?.open_to_vec(&n, a.as_deref().map_or(&[][..], |v| v), &c).map(Zeroizing::new), signal)
}

/// Internal (index.js): `aeadSeal` into a fresh `out` of exactly `plaintext.length + 16` bytes.
#[napi(js_name = "_aeadSealInto", skip_typescript)]
pub fn aead_seal_into(alg_id: u32, key: &[u8], nonce: &[u8], plaintext: &[u8], aad: Option<&[u8]>, mut out: Uint8ArraySlice) -> Result<()> {
    let a = xpscrypto_core::Alg::from_id_checked(alg_id).and_then(|a| a.expect(Family::Aead)).js()?;
    let aad = aad.unwrap_or(&[]);
    let out = fresh(&mut out, &[key, nonce, plaintext, aad])?;
    core::seal(a, key, nonce, aad, plaintext, out).map(drop).js()
}

/// Internal (index.js): `aeadOpen` into a fresh `out` of exactly `length - 16` bytes.
#[napi(js_name = "_aeadOpenInto", skip_typescript)]
pub fn aead_open_into(alg_id: u32, key: &[u8], nonce: &[u8], ciphertext_and_tag: &[u8], aad: Option<&[u8]>, mut out: Uint8ArraySlice) -> Result<()> {
    let a = xpscrypto_core::Alg::from_id_checked(alg_id).and_then(|a| a.expect(Family::Aead)).js()?;
    let aad = aad.unwrap_or(&[]);
    let out = fresh(&mut out, &[key, nonce, ciphertext_and_tag, aad])?;
    core::open(a, key, nonce, aad, ciphertext_and_tag, out).map(drop).js()
}

/// Key size of an AEAD.
#[napi]
pub fn aead_keybytes(alg: String) -> Result<u32> {
    Ok(core::key_len(crate::err::alg(&alg, Family::Aead).js()?).js()? as u32)
}

/// Nonce size of an AEAD.
#[napi]
pub fn aead_noncebytes(alg: String) -> Result<u32> {
    Ok(core::nonce_len(crate::err::alg(&alg, Family::Aead).js()?).js()? as u32)
}

/// Tag size of an AEAD (16).
#[napi]
pub fn aead_tagbytes(alg: String) -> Result<u32> {
    Ok(core::tag_len(crate::err::alg(&alg, Family::Aead).js()?).js()? as u32)
}

/// An AEAD key handle: the raw key in secure memory, the schedule computed once (again only when
/// the dispatch table changes). `destroy()` wipes the key now; otherwise garbage collection does.
#[napi]
pub struct AeadKey {
    // A lock so that `destroy()` takes `&self`: napi-rs refuses a `&mut self` call while an
    // async call of the same object is pending.
    k: std::sync::Mutex<Option<Arc<CoreKey>>>,
    alg: &'static str,
}

/// The writable bytes of an output that must not share memory with any input (the internal
/// `*Into` calls get a fresh buffer from index.js; a direct caller overlapping them is refused).
pub fn fresh<'a>(out: &'a mut Uint8ArraySlice, inputs: &[&[u8]]) -> Result<&'a mut [u8]> {
    let (op, ol) = (out.as_ptr(), out.len());
    if inputs.iter().any(|i| range_overlap(i.as_ptr(), i.len(), op, ol)) {
        return Err(status(Status::Overlap, "output overlaps an input"));
    }
    // SAFETY: the typed array is alive for the call and, checked above, shares no byte with any
    // input slice, so this is the only view of its bytes.
    Ok(unsafe { out.as_mut() })
}

fn range_overlap(a: *const u8, an: usize, b: *const u8, bn: usize) -> bool {
    let (a, b) = (a as usize, b as usize);
    an > 0 && bn > 0 && a < b.saturating_add(bn) && b < a.saturating_add(an)
}

#[napi]
impl AeadKey {
    /// A handle for `key` (its exact length for `alg`: 16 or 32 bytes).
    #[napi(constructor)]
    pub fn new(alg: String, key: &[u8]) -> Result<Self> {
        let k = self::key(&alg, key).js()?;
        Ok(AeadKey { alg: k.alg().name(), k: std::sync::Mutex::new(Some(Arc::new(k))) })
    }

    fn live(&self) -> Result<Arc<CoreKey>> {
        self.k.lock().unwrap_or_else(|e| e.into_inner()).clone().ok_or_else(|| status(Status::InvalidState, "the AeadKey was destroyed"))
    }

    /// `ciphertext ‖ tag`.
    #[napi(ts_return_type = "Buffer")]
    pub fn encrypt(&self, env: &Env, nonce: &[u8], plaintext: &[u8], aad: Option<&[u8]>) -> Result<OutBuf> {
        let k = self.live()?;
        new_buffer(env, core::sealed_len(plaintext.len()).js()?, |out| k.seal(nonce, aad.unwrap_or(&[]), plaintext, out).map(drop))
    }

    /// The plaintext of `ciphertext ‖ tag` (throws `XPS_E_AUTHENTICATION_FAILED` on any mismatch).
    #[napi(ts_return_type = "Buffer")]
    pub fn decrypt(&self, env: &Env, nonce: &[u8], ciphertext_and_tag: &[u8], aad: Option<&[u8]>) -> Result<OutBuf> {
        let k = self.live()?;
        new_buffer(env, core::opened_len(ciphertext_and_tag.len()).js()?, |out| k.open(nonce, aad.unwrap_or(&[]), ciphertext_and_tag, out).map(drop))
    }

    /// `{ ciphertext, tag }`.
    #[napi]
    pub fn encrypt_detached(&self, nonce: &[u8], plaintext: &[u8], aad: Option<&[u8]>) -> Result<Detached> {
        let mut ct = vec![0u8; plaintext.len()];
        let tag = self.live()?.seal_detached(nonce, aad.unwrap_or(&[]), plaintext, &mut ct).js()?;
        Ok(Detached { ciphertext: ct.into(), tag: tag.to_vec().into() })
    }

    /// The plaintext of a ciphertext with a separate tag.
    #[napi]
    pub fn decrypt_detached(&self, nonce: &[u8], ciphertext: &[u8], tag: &[u8], aad: Option<&[u8]>) -> Result<Buffer> {
        let mut pt = vec![0u8; ciphertext.len()];
        self.live()?.open_detached(nonce, aad.unwrap_or(&[]), ciphertext, tag, &mut pt).js()?;
        Ok(pt.into())
    }

    /// Writes `ciphertext ‖ tag` into `out` (≥ plaintext.length + 16 bytes; may be the plaintext's
    /// own memory, exactly in place; any other overlap throws `XPS_E_OVERLAP`). Returns the bytes written.
    #[napi]
    pub fn encrypt_into(&self, nonce: Uint8Array, plaintext: Uint8Array, mut out: Uint8Array, aad: Option<Uint8Array>) -> Result<u32> {
        let k = self.live()?;
        // Private copies, taken before `out` is viewed mutably: nonce and aad may live inside it.
        let (n, a) = (own(&nonce), own_opt(aad.as_deref()));
        let (pp, pl) = (plaintext.as_ptr(), plaintext.len());
        let need = core::sealed_len(pl).js()?;
        // SAFETY: the typed array stays alive for the call; no other Rust view of it exists now.
        let o = unsafe { out.as_mut() };
        if o.len() < need {
            return Err(status(Status::BufferTooSmall, format!("output needs {need} bytes, has {}", o.len())));
        }
        let same = pl > 0 && std::ptr::eq(pp, o.as_ptr());
        if !same && range_overlap(pp, pl, o.as_ptr(), o.len()) {
            return Err(status(Status::Overlap, "plaintext and output partially overlap (only exact in-place use is allowed)"));
        }
        let aad = a.as_deref().map_or(&[][..], |v| v);
        if same {
            let tag = k.seal_in_place(&n, aad, &mut o[..pl]).js()?;
            o[pl..need].copy_from_slice(&tag);
        } else {
            k.seal(&n, aad, &plaintext, o).js()?;
        }
        Ok(need as u32)
    }

    /// Verifies and writes the plaintext of `ciphertext ‖ tag` into `out` (≥ length − 16 bytes; may
    /// be the input's own memory); returns its length. On failure `out` is unchanged.
    #[napi]
    pub fn decrypt_into(&self, nonce: Uint8Array, ciphertext_and_tag: Uint8Array, mut out: Uint8Array, aad: Option<Uint8Array>) -> Result<u32> {
        let k = self.live()?;
        let (n, a) = (own(&nonce), own_opt(aad.as_deref()));
        let (cp, cl) = (ciphertext_and_tag.as_ptr(), ciphertext_and_tag.len());
        let pl = core::opened_len(cl).js()?;
        let mut tag = [0u8; TAG_LEN];
        tag.copy_from_slice(&ciphertext_and_tag[pl..]);
        // SAFETY: as in `encrypt_into`.
        let o = unsafe { out.as_mut() };
        if o.len() < pl {
            return Err(status(Status::BufferTooSmall, format!("output needs {pl} bytes, has {}", o.len())));
        }
        let same = cl > 0 && std::ptr::eq(cp, o.as_ptr());
        if !same && range_overlap(cp, cl, o.as_ptr(), o.len()) {
            return Err(status(Status::Overlap, "ciphertext and output partially overlap (only exact in-place use is allowed)"));
        }
        let aad = a.as_deref().map_or(&[][..], |v| v);
        if same {
            k.open_in_place(&n, aad, &mut o[..pl], &tag).js()?;
        } else {
            k.open(&n, aad, &ciphertext_and_tag, o).js()?;
        }
        Ok(pl as u32)
    }

    /// `encrypt` on the libuv pool (inputs copied first).
    #[napi(ts_return_type = "Promise<Buffer>")]
    pub fn encrypt_async(&self, nonce: &[u8], plaintext: &[u8], aad: Option<&[u8]>, signal: Option<AbortSignal>) -> Result<AsyncTask<Work<Vec<u8>>>> {
        let k = self.live()?;
        let (n, p, a) = (own(nonce), own(plaintext), own_opt(aad));
        Ok(spawn(move || k.seal_to_vec(&n, a.as_deref().map_or(&[][..], |v| v), &p), signal))
    }

    /// `decrypt` on the libuv pool (inputs copied first).
    #[napi(ts_return_type = "Promise<Buffer>")]
    pub fn decrypt_async(&self, nonce: &[u8], ciphertext_and_tag: &[u8], aad: Option<&[u8]>, signal: Option<AbortSignal>) -> Result<AsyncTask<Work<Zeroizing<Vec<u8>>>>> {
        let k = self.live()?;
        let (n, c, a) = (own(nonce), own(ciphertext_and_tag), own_opt(aad));
        Ok(spawn(move || k.open_to_vec(&n, a.as_deref().map_or(&[][..], |v| v), &c).map(Zeroizing::new), signal))
    }

    /// Internal (index.js): `encrypt` into a fresh `out` of exactly `plaintext.length + 16` bytes.
    #[napi(js_name = "_sealInto", skip_typescript)]
    pub fn seal_into_internal(&self, nonce: &[u8], plaintext: &[u8], aad: Option<&[u8]>, mut out: Uint8ArraySlice) -> Result<()> {
        let aad = aad.unwrap_or(&[]);
        let out = fresh(&mut out, &[nonce, plaintext, aad])?;
        self.live()?.seal(nonce, aad, plaintext, out).map(drop).js()
    }

    /// Internal (index.js): `decrypt` into a fresh `out` of exactly `length - 16` bytes.
    #[napi(js_name = "_openInto", skip_typescript)]
    pub fn open_into_internal(&self, nonce: &[u8], ciphertext_and_tag: &[u8], aad: Option<&[u8]>, mut out: Uint8ArraySlice) -> Result<()> {
        let aad = aad.unwrap_or(&[]);
        let out = fresh(&mut out, &[nonce, ciphertext_and_tag, aad])?;
        self.live()?.open(nonce, aad, ciphertext_and_tag, out).map(drop).js()
    }

    /// Wipes the key now (later calls throw `XPS_E_INVALID_STATE`; running async calls finish).
    #[napi]
    pub fn destroy(&self) {
        self.k.lock().unwrap_or_else(|e| e.into_inner()).take();
    }

    /// Canonical algorithm name.
    #[napi(getter)]
    pub fn alg(&self) -> &'static str {
        self.alg
    }

    /// The kernel the next call will use.
    #[napi(getter)]
    pub fn kernel(&self) -> Result<&'static str> {
        self.live()?.kernel_name().js()
    }

    /// Never shows key material.
    #[napi(js_name = "toString")]
    pub fn to_js_string(&self) -> String {
        format!("AeadKey({}, key hidden)", self.alg)
    }
}

