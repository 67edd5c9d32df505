//! KDFs: HKDF (extract, expand, one-shot), PBKDF2 and Argon2id (each with an `*Async` twin on the
//! libuv pool).

use napi::bindgen_prelude::*;
use napi_derive::napi;
use xpscrypto_core::{kdf as core, Alg, Family, Status};
use zeroize::Zeroizing;

use crate::err::{alg, status, OrJs, Result};
use crate::task::{own, own_opt, spawn, Work};

fn limit(a: Alg, length: u32, max: u64) -> Result<()> {
    if u64::from(length) > max {
        return Err(status(Status::OutputTooLong, format!("{} output is limited to {max} bytes, asked {length}", a.name())));
    }
    Ok(())
}

/// HKDF (RFC 5869) extract-then-expand: `length` bytes (≤ 255·HashLen); empty salt = zeros.
#[napi]
pub fn hkdf(alg: String, ikm: &[u8], salt: &[u8], info: &[u8], length: u32) -> Result<Buffer> {
    let a = crate::err::alg(&alg, Family::Kdf).js()?;
    limit(a, length, core::hkdf_max_len(a).js()? as u64)?;
    let mut out = vec![0u8; length as usize];
    core::hkdf(a, ikm, salt, info, &mut out).js()?;
    Ok(out.into())
}

/// HKDF-Extract: the pseudorandom key (HashLen bytes).
#[napi]
pub fn hkdf_extract(alg: String, salt: &[u8], ikm: &[u8]) -> Result<Buffer> {
    let a = crate::err::alg(&alg, Family::Kdf).js()?;
    let mut out = vec![0u8; core::hkdf_prk_len(a).js()?];
    core::hkdf_extract(a, salt, ikm, &mut out).js()?;
    Ok(out.into())
}

/// HKDF-Expand: `length` bytes from a PRK (≥ HashLen bytes) and `info`.
#[napi]
pub fn hkdf_expand(alg: String, prk: &[u8], info: &[u8], length: u32) -> Result<Buffer> {
    let a = crate::err::alg(&alg, Family::Kdf).js()?;
    limit(a, length, core::hkdf_max_len(a).js()? as u64)?;
    let mut out = vec![0u8; length as usize];
    core::hkdf_expand(a, prk, info, &mut out).js()?;
    Ok(out.into())
}

fn pbkdf2_run(a: &str, password: &[u8], salt: &[u8], iterations: u32, length: u32) -> xpscrypto_core::Result<Zeroizing<Vec<u8>>> {
    let a = alg(a, Family::Kdf)?;
    let max = core::pbkdf2_max_len(a)?;
    if u64::from(length) > max {
        return Err(xpscrypto_core::Error::new(Status::OutputTooLong, format!("{} output is limited to {max} bytes", a.name())));
    }
    let mut out = Zeroizing::new(vec![0u8; length as usize]);
    core::pbkdf2(a, password, salt, iterations, &mut out)?;
    Ok(out)
}

/// PBKDF2-HMAC (pbkdf2-sha256, pbkdf2-sha512): `length` bytes after `iterations` (≥ 1). Blocks the
/// event loop for its whole run: prefer `pbkdf2Async` on servers.
#[napi]
pub fn pbkdf2(alg: String, password: &[u8], salt: &[u8], iterations: u32, length: u32) -> Result<Buffer> {
    pbkdf2_run(&alg, password, salt, iterations, length).map(|v| v.to_vec().into()).js()
}

/// `pbkdf2` on the libuv pool.
#[napi(ts_return_type = "Promise<Buffer>")]
pub fn pbkdf2_async(alg: String, password: &[u8], salt: &[u8], iterations: u32, length: u32, signal: Option<AbortSignal>) -> AsyncTask<Work<Zeroizing<Vec<u8>>>> {
    let (p, s) = (own(password), own(salt));
    spawn(move || pbkdf2_run(&alg, &p, &s, iterations, length), signal)
}

/// Optional Argon2id inputs.
#[napi(object, js_name = "Argon2idOptions")]
pub struct Argon2idOptions {
    /// Secret (pepper), ≤ 32 bytes.
    pub secret: Option<Uint8Array>,
    /// Associated data, ≤ 32 bytes.
    pub ad: Option<Uint8Array>,
}

#[allow(clippy::too_many_arguments)]
fn argon2_run(password: &[u8], salt: &[u8], t_cost: u32, m_cost_kib: u32, parallelism: u32, length: u32, secret: &[u8], ad: &[u8]) -> xpscrypto_core::Result<Zeroizing<Vec<u8>>> {
    let mut out = Zeroizing::new(vec![0u8; length as usize]);
    core::argon2id(core::Argon2idParams { t_cost, m_cost_kib, parallelism }, password, salt, secret, ad, &mut out)?;
    Ok(out)
}

/// Argon2id (v0x13): `length` bytes (≥ 4). Salt ≥ 8 bytes; `mCostKib` ≥ 8·parallelism. Blocks the
/// event loop for its whole run: prefer `argon2idAsync` on servers.
#[napi(js_name = "argon2id")]
pub fn argon2id(password: &[u8], salt: &[u8], t_cost: u32, m_cost_kib: u32, parallelism: u32, length: u32, options: Option<Argon2idOptions>) -> Result<Buffer> {
    let (sec, ad) = options.map_or((None, None), |o| (o.secret, o.ad));
    argon2_run(password, salt, t_cost, m_cost_kib, parallelism, length, sec.as_deref().unwrap_or(&[]), ad.as_deref().unwrap_or(&[]))
        .map(|v| v.to_vec().into())
        .js()
}

/// `argon2id` on the libuv pool: the event loop keeps running meanwhile.
#[napi(js_name = "argon2idAsync", ts_return_type = "Promise<Buffer>")]
#[allow(clippy::too_many_arguments)]
pub fn argon2id_async(
    password: &[u8],
    salt: &[u8],
    t_cost: u32,
    m_cost_kib: u32,
    parallelism: u32,
    length: u32,
    options: Option<Argon2idOptions>,
    signal: Option<AbortSignal>,
) -> AsyncTask<Work<Zeroizing<Vec<u8>>>> {
    let (p, s) = (own(password), own(salt));
    let (sec, ad) = options.map_or((None, None), |o| (own_opt(o.secret.as_deref()), own_opt(o.ad.as_deref())));
    spawn(
        move || argon2_run(&p, &s, t_cost, m_cost_kib, parallelism, length, sec.as_deref().map_or(&[][..], |v| v), ad.as_deref().map_or(&[][..], |v| v)),
        signal,
    )
}
