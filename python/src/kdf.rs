//! KDFs: HKDF (extract, expand, one-shot), PBKDF2, Argon2id. PBKDF2 and Argon2id always run
//! without the GIL.

use pyo3::prelude::*;
use pyo3::types::PyBytes;
use xpscrypto_core::{kdf as core, Alg, Family, Status};

use crate::buf::{bytes_gil, bytes_with, Bin};
use crate::errors::{status_err, OrPy};

/// Refuses an output length above the algorithm's limit before anything is allocated.
fn max_len(a: Alg, length: usize, max: u64) -> PyResult<()> {
    if length as u64 > max {
        return Err(status_err(Status::OutputTooLong, format!("{} output is limited to {max} bytes, asked {length}", a.name())));
    }
    Ok(())
}

/// HKDF (RFC 5869) extract-then-expand: `length` bytes (≤ 255·HashLen); empty salt = zeros.
#[pyfunction]
#[pyo3(signature = (alg, ikm, salt, info, length))]
pub fn hkdf<'py>(py: Python<'py>, alg: &str, ikm: Bin<'py>, salt: Bin<'py>, info: Bin<'py>, length: usize) -> PyResult<Bound<'py, PyBytes>> {
    let a = crate::util::alg(alg, Family::Kdf)?;
    max_len(a, length, core::hkdf_max_len(a).py()? as u64)?;
    bytes_gil(py, length, |out| core::hkdf(a, ikm.slice(), salt.slice(), info.slice(), out))
}

/// HKDF-Extract: the pseudorandom key (HashLen bytes).
#[pyfunction]
pub fn hkdf_extract<'py>(py: Python<'py>, alg: &str, salt: Bin<'py>, ikm: Bin<'py>) -> PyResult<Bound<'py, PyBytes>> {
    let a = crate::util::alg(alg, Family::Kdf)?;
    let n = core::hkdf_prk_len(a).py()?;
    bytes_gil(py, n, |out| core::hkdf_extract(a, salt.slice(), ikm.slice(), out).map(drop))
}

/// HKDF-Expand: `length` bytes from a PRK (≥ HashLen bytes) and `info`.
#[pyfunction]
pub fn hkdf_expand<'py>(py: Python<'py>, alg: &str, prk: Bin<'py>, info: Bin<'py>, length: usize) -> PyResult<Bound<'py, PyBytes>> {
    let a = crate::util::alg(alg, Family::Kdf)?;
    max_len(a, length, core::hkdf_max_len(a).py()? as u64)?;
    bytes_gil(py, length, |out| core::hkdf_expand(a, prk.slice(), info.slice(), out))
}

/// PBKDF2-HMAC (pbkdf2-sha256, pbkdf2-sha512): `length` bytes after `iterations` (≥ 1).
#[pyfunction]
pub fn pbkdf2<'py>(py: Python<'py>, alg: &str, password: Bin<'py>, salt: Bin<'py>, iterations: u32, length: usize) -> PyResult<Bound<'py, PyBytes>> {
    let a = crate::util::alg(alg, Family::Kdf)?;
    max_len(a, length, core::pbkdf2_max_len(a).py()?)?;
    let (p, s) = (password.detached(), salt.detached());
    bytes_with(py, length, true, |out| core::pbkdf2(a, &p, &s, iterations, out))
}

/// Argon2id (v0x13): `length` bytes (≥ 4). Salt ≥ 8 bytes; optional `secret` and `ad` ≤ 32
/// bytes each; `m_cost_kib` ≥ 8·parallelism. Memory that cannot be reserved raises
/// `ResourceError` (XPS_E_OUT_OF_MEMORY).
#[pyfunction]
#[pyo3(signature = (password, salt, t_cost, m_cost_kib, parallelism, length, *, secret = None, ad = None))]
#[allow(clippy::too_many_arguments)]
pub fn argon2id<'py>(
    py: Python<'py>,
    password: Bin<'py>,
    salt: Bin<'py>,
    t_cost: u32,
    m_cost_kib: u32,
    parallelism: u32,
    length: usize,
    secret: Option<Bin<'py>>,
    ad: Option<Bin<'py>>,
) -> PyResult<Bound<'py, PyBytes>> {
    max_len(Alg::Argon2id, length, u64::from(u32::MAX))?;
    let (p, s) = (password.detached(), salt.detached());
    let sec = secret.as_ref().map(|b| b.detached());
    let a = ad.as_ref().map(|b| b.detached());
    let params = core::Argon2idParams { t_cost, m_cost_kib, parallelism };
    bytes_with(py, length, true, |out| core::argon2id(params, &p, &s, sec.as_deref().unwrap_or(&[]), a.as_deref().unwrap_or(&[]), out))
}
