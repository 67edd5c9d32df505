//! MACs: `hmac` (any MAC algorithm), `hmac_verify`, `hmac_verify_truncated`, streaming `Mac`.

use pyo3::prelude::*;
use pyo3::types::PyBytes;
use xpscrypto_core::{mac as core, Family, Status};

use crate::buf::{bytes_with, Bin, Held, DETACH_AT};
use crate::errors::{core_err, OrPy};
use crate::util::alg;

fn held<'a>(b: &'a Bin<'_>, big: bool) -> Held<'a> {
    if big {
        b.detached()
    } else {
        Held::Borrowed(b.slice())
    }
}

/// The full tag of `data` under `key` (hmac-sha256/384/512, poly1305 (one-time key!), blake3-keyed).
#[pyfunction]
pub fn hmac<'py>(py: Python<'py>, alg_name: &str, key: Bin<'py>, data: Bin<'py>) -> PyResult<Bound<'py, PyBytes>> {
    let a = alg(alg_name, Family::Mac)?;
    let n = core::tag_len(a).py()?;
    let big = data.len() >= DETACH_AT;
    let (k, d) = (held(&key, big), held(&data, big));
    bytes_with(py, n, big, |out| core::mac_into(a, &k, &d, out).map(drop))
}

fn verdict(r: xpscrypto_core::Result<()>) -> PyResult<bool> {
    match r {
        Ok(()) => Ok(true),
        Err(e) if e.status == Status::AuthenticationFailed => Ok(false),
        Err(e) => Err(core_err(e)),
    }
}

/// Constant-time check of a full-length tag: `True`/`False`; a tag of the wrong length raises.
#[pyfunction]
pub fn hmac_verify(py: Python<'_>, alg_name: &str, key: Bin<'_>, data: Bin<'_>, tag: Bin<'_>) -> PyResult<bool> {
    let a = alg(alg_name, Family::Mac)?;
    let big = data.len() >= DETACH_AT;
    let (k, d, t) = (held(&key, big), held(&data, big), held(&tag, big));
    let r = if big { py.detach(|| core::verify(a, &k, &d, &t)) } else { core::verify(a, &k, &d, &t) };
    verdict(r)
}

/// Constant-time check of an HMAC tag truncated to `len(tag)` bytes (16 ≤ len ≤ full length).
#[pyfunction]
pub fn hmac_verify_truncated(alg_name: &str, key: Bin<'_>, data: Bin<'_>, tag: Bin<'_>) -> PyResult<bool> {
    let a = alg(alg_name, Family::Mac)?;
    verdict(core::verify_truncated(a, key.slice(), data.slice(), tag.slice()))
}

/// Tag size of a MAC algorithm.
#[pyfunction]
pub fn mac_tagbytes(alg_name: &str) -> PyResult<usize> {
    core::tag_len(alg(alg_name, Family::Mac)?).py()
}

/// Key size of a MAC algorithm; `None` for HMAC (any key length).
#[pyfunction]
pub fn mac_keybytes(alg_name: &str) -> PyResult<Option<usize>> {
    core::key_len(alg(alg_name, Family::Mac)?).py()
}

/// A streaming MAC. `finalize()` and `verify()` do not consume the state.
#[pyclass(module = "xpscrypto._native", name = "Mac", frozen)]
pub struct Mac {
    inner: std::sync::Mutex<core::Mac>,
}

impl Mac {
    fn wrap(m: core::Mac) -> Self {
        Mac { inner: std::sync::Mutex::new(m) }
    }
    fn state(&self) -> std::sync::MutexGuard<'_, core::Mac> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[pymethods]
impl Mac {
    #[new]
    fn new(alg: &str, key: Bin<'_>) -> PyResult<Self> {
        let a = crate::util::alg(alg, Family::Mac)?;
        Ok(Mac::wrap(core::Mac::new(a, key.slice()).py()?))
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

    /// The full tag of everything absorbed so far.
    fn finalize<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        let t = zeroize::Zeroizing::new(self.state().clone().finalize());
        PyBytes::new(py, &t)
    }

    /// Constant-time check of a full-length tag.
    fn verify(&self, tag: Bin<'_>) -> PyResult<bool> {
        verdict(self.state().clone().verify(tag.slice()))
    }

    /// Constant-time check of a truncated HMAC tag (16 ≤ len ≤ full length).
    fn verify_truncated(&self, tag: Bin<'_>) -> PyResult<bool> {
        verdict(self.state().clone().verify_truncated(tag.slice()))
    }

    /// An independent copy of the current state.
    fn copy(&self) -> Self {
        Mac::wrap(self.state().clone())
    }

    #[getter]
    fn name(&self) -> &'static str {
        self.state().alg().name()
    }

    #[getter]
    fn tag_size(&self) -> PyResult<usize> {
        core::tag_len(self.state().alg()).py()
    }

    fn __repr__(&self) -> String {
        format!("<xpscrypto.Mac {}>", self.state().alg().name())
    }
}
