//! KEMs: flat `kem_keypair`/`kem_encapsulate`/`kem_decapsulate`, sizes, and the
//! `DecapsulationKey` handle. Everything here runs without the GIL.

use pyo3::prelude::*;
use pyo3::types::PyBytes;
use xpscrypto_core::kem as core;
use xpscrypto_core::Family;

use crate::buf::Bin;
use crate::errors::OrPy;
use crate::util::alg;

type Pair<'py> = (Bound<'py, PyBytes>, Bound<'py, PyBytes>);

/// `(public_key, secret_key)`; `seed`: X25519 the 32-byte scalar, ML-KEM d‖z (64 bytes),
/// X-Wing its 32-byte seed.
#[pyfunction]
#[pyo3(signature = (alg, seed = None))]
pub fn kem_keypair<'py>(py: Python<'py>, alg: &str, seed: Option<Bin<'py>>) -> PyResult<Pair<'py>> {
    let a = crate::util::alg(alg, Family::Kem)?;
    let s = seed.as_ref().map(|b| b.detached());
    let (pk, sk) = py.detach(|| core::keypair(a, s.as_deref())).py()?;
    Ok((PyBytes::new(py, &pk), PyBytes::new(py, sk.as_slice())))
}

/// `(ciphertext, shared_secret)` for `public`; `seed` (ML-KEM: m, 32 bytes; X-Wing: 64 bytes;
/// X25519: the ephemeral scalar) derandomizes it for known-answer tests only.
#[pyfunction]
#[pyo3(signature = (alg, public, seed = None))]
pub fn kem_encapsulate<'py>(py: Python<'py>, alg: &str, public: Bin<'py>, seed: Option<Bin<'py>>) -> PyResult<Pair<'py>> {
    let a = crate::util::alg(alg, Family::Kem)?;
    let p = public.detached();
    let s = seed.as_ref().map(|b| b.detached());
    let (ct, ss) = py.detach(|| core::encapsulate(a, &p, s.as_deref())).py()?;
    Ok((PyBytes::new(py, &ct), PyBytes::new(py, &ss)))
}

/// The shared secret of `ciphertext` (for x25519: plain DH with the peer's public key).
#[pyfunction]
pub fn kem_decapsulate<'py>(py: Python<'py>, alg: &str, secret: Bin<'py>, ciphertext: Bin<'py>) -> PyResult<Bound<'py, PyBytes>> {
    let a = crate::util::alg(alg, Family::Kem)?;
    let (s, c) = (secret.detached(), ciphertext.detached());
    let ss = py.detach(|| core::decapsulate(a, &s, &c)).py()?;
    Ok(PyBytes::new(py, &ss))
}

fn sizes(name: &str) -> PyResult<core::KemSizes> {
    core::sizes(alg(name, Family::Kem)?).py()
}

#[pyfunction]
pub fn kem_publickeybytes(alg: &str) -> PyResult<usize> {
    Ok(sizes(alg)?.public_key)
}

#[pyfunction]
pub fn kem_secretkeybytes(alg: &str) -> PyResult<usize> {
    Ok(sizes(alg)?.secret_key)
}

#[pyfunction]
pub fn kem_ciphertextbytes(alg: &str) -> PyResult<usize> {
    Ok(sizes(alg)?.ciphertext)
}

#[pyfunction]
pub fn kem_sharedsecretbytes(alg: &str) -> PyResult<usize> {
    Ok(sizes(alg)?.shared_secret)
}

/// Key-generation seed size; `None` if not supported.
#[pyfunction]
pub fn kem_seedbytes(alg: &str) -> PyResult<Option<usize>> {
    Ok(Some(sizes(alg)?.seed).filter(|&n| n != 0))
}

/// Encapsulation seed size; `None` if not supported.
#[pyfunction]
pub fn kem_encapsseedbytes(alg: &str) -> PyResult<Option<usize>> {
    Ok(Some(sizes(alg)?.encaps_seed).filter(|&n| n != 0))
}

/// A decapsulation key handle kept in secure memory. The constructor checks the length; the
/// FIPS 203 §7.2/§7.3 checks of an ML-KEM key run on every `decapsulate` (a corrupted key raises
/// `InvalidInputError`, XPS_E_INVALID_KEY, and yields no secret).
#[pyclass(module = "xpscrypto._native", name = "DecapsulationKey", frozen)]
pub struct DecapsulationKey {
    k: core::DecapsulationKey,
}

#[pymethods]
impl DecapsulationKey {
    #[new]
    fn new(py: Python<'_>, alg: &str, secret: Bin<'_>) -> PyResult<Self> {
        let a = crate::util::alg(alg, Family::Kem)?;
        let s = secret.detached();
        Ok(DecapsulationKey { k: py.detach(|| core::DecapsulationKey::new(a, &s)).py()? })
    }

    /// The shared secret of `ciphertext`.
    fn decapsulate<'py>(&self, py: Python<'py>, ciphertext: Bin<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let c = ciphertext.detached();
        let ss = py.detach(|| self.k.decapsulate(&c)).py()?;
        Ok(PyBytes::new(py, &ss))
    }

    #[getter]
    fn alg(&self) -> &'static str {
        self.k.alg().name()
    }

    fn __repr__(&self) -> String {
        format!("<xpscrypto.DecapsulationKey {} (secret hidden)>", self.k.alg().name())
    }
}
