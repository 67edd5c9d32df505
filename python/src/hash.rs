//! Hashes and XOFs: `hash`, `xof`, `blake3_keyed`, `blake3_derive_key`, streaming `Hash`.

use pyo3::prelude::*;
use pyo3::types::PyBytes;
use xpscrypto_core::{hash as core, Family};

use crate::buf::{bytes_gil, bytes_with, Bin, DETACH_AT};
use crate::errors::OrPy;
use crate::util::alg;

/// One-shot digest; XOFs give their default length (shake128: 32, shake256: 64 bytes).
#[pyfunction]
pub fn hash<'py>(py: Python<'py>, alg_name: &str, data: Bin<'py>) -> PyResult<Bound<'py, PyBytes>> {
    let a = alg(alg_name, Family::Hash)?;
    let n = core::default_len(a).py()?;
    let big = data.len() >= DETACH_AT;
    let d = if big { data.detached() } else { crate::buf::Held::Borrowed(data.slice()) };
    bytes_with(py, n, big, |out| if core::fixed_len(a).is_some() { core::hash_into(a, &d, out).map(drop) } else { core::xof(a, &d, out) })
}

/// `length` bytes of XOF output (shake128, shake256, blake3).
#[pyfunction]
pub fn xof<'py>(py: Python<'py>, alg_name: &str, data: Bin<'py>, length: usize) -> PyResult<Bound<'py, PyBytes>> {
    let a = alg(alg_name, Family::Hash)?;
    let big = data.len() >= DETACH_AT || length >= DETACH_AT;
    let d = if big { data.detached() } else { crate::buf::Held::Borrowed(data.slice()) };
    bytes_with(py, length, big, |out| core::xof(a, &d, out))
}

/// Output size of a fixed-length hash; `None` for shake128/shake256.
#[pyfunction]
pub fn hash_outbytes(alg_name: &str) -> PyResult<Option<usize>> {
    core::digest_len(alg(alg_name, Family::Hash)?).py()
}

/// BLAKE3 keyed hash (32-byte key) of `length` bytes.
#[pyfunction]
#[pyo3(signature = (key, data, length = 32))]
pub fn blake3_keyed<'py>(py: Python<'py>, key: Bin<'py>, data: Bin<'py>, length: usize) -> PyResult<Bound<'py, PyBytes>> {
    let big = data.len() >= DETACH_AT || length >= DETACH_AT;
    let (k, d) = if big { (key.detached(), data.detached()) } else { (crate::buf::Held::Borrowed(key.slice()), crate::buf::Held::Borrowed(data.slice())) };
    bytes_with(py, length, big, |out| core::blake3_keyed(&k, &d, out))
}

/// BLAKE3 derive_key: `length` bytes derived from `material` under the `context` string.
#[pyfunction]
#[pyo3(signature = (context, material, length = 32))]
pub fn blake3_derive_key<'py>(py: Python<'py>, context: Bin<'py>, material: Bin<'py>, length: usize) -> PyResult<Bound<'py, PyBytes>> {
    bytes_gil(py, length, |out| core::blake3_derive_key(context.slice(), material.slice(), out))
}

/// A streaming hash or XOF. `digest()`/`xof()` do not consume the state (like hashlib):
/// more data may follow. `copy()` forks the state.
#[pyclass(module = "xpscrypto._native", name = "Hash", frozen)]
pub struct Hash {
    inner: std::sync::Mutex<core::Hasher>,
}

impl Hash {
    fn wrap(h: core::Hasher) -> Self {
        Hash { inner: std::sync::Mutex::new(h) }
    }
    fn state(&self) -> std::sync::MutexGuard<'_, core::Hasher> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[pymethods]
impl Hash {
    #[new]
    #[pyo3(signature = (alg, data = None))]
    fn new(alg: &str, data: Option<Bin<'_>>) -> PyResult<Self> {
        let a = crate::util::alg(alg, Family::Hash)?;
        let h = Hash::wrap(core::Hasher::new(a).py()?);
        if let Some(d) = data {
            h.state().update(d.slice());
        }
        Ok(h)
    }

    /// BLAKE3 keyed mode (32-byte key).
    #[staticmethod]
    fn blake3_keyed(key: Bin<'_>) -> PyResult<Self> {
        Ok(Hash::wrap(core::Hasher::new_blake3_keyed(key.slice()).py()?))
    }

    /// BLAKE3 derive_key mode under a context string.
    #[staticmethod]
    fn blake3_derive_key(context: Bin<'_>) -> PyResult<Self> {
        Ok(Hash::wrap(core::Hasher::new_blake3_derive_key(context.slice()).py()?))
    }

    /// Absorbs `data`; returns the same object so calls chain.
    fn update<'py>(slf: Bound<'py, Self>, data: Bin<'py>) -> Bound<'py, Self> {
        if data.len() >= DETACH_AT {
            let d = data.detached();
            let me = slf.get();
            slf.py().detach(|| {
                me.state().update(&d);
            });
        } else {
            slf.get().state().update(data.slice());
        }
        slf
    }

    /// The digest (XOFs: their default length) of everything absorbed so far.
    fn digest<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        let v = self.state().clone().finalize();
        PyBytes::new(py, &v)
    }

    /// The digest as lowercase hex.
    fn hexdigest(&self) -> String {
        self.state().clone().finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// `length` bytes of XOF output (shake128, shake256, blake3 in any mode).
    fn xof<'py>(&self, py: Python<'py>, length: usize) -> PyResult<Bound<'py, PyBytes>> {
        let h = self.state().clone();
        bytes_gil(py, length, |out| h.finalize_xof(out))
    }

    /// An independent copy of the current state.
    fn copy(&self) -> Self {
        Hash::wrap(self.state().clone())
    }

    /// Canonical algorithm name.
    #[getter]
    fn name(&self) -> &'static str {
        self.state().alg().name()
    }

    /// Digest size in bytes (XOFs: the default output length).
    #[getter]
    fn digest_size(&self) -> PyResult<usize> {
        core::default_len(self.state().alg()).py()
    }

    /// Kernel this stream runs on.
    #[getter]
    fn kernel(&self) -> &'static str {
        self.state().kernel_name()
    }

    fn __repr__(&self) -> String {
        let h = self.state();
        format!("<xpscrypto.Hash {} kernel={}>", h.alg().name(), h.kernel_name())
    }
}
