//! Core errors → the exception classes defined in `xpscrypto/errors.py` (one class per status
//! category; the instance carries `.status`, `.name` and `.detail`).

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use xpscrypto_core::{Error, Status};

static FROM_STATUS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn make(py: Python<'_>, code: i32, name: &str, detail: &str) -> PyErr {
    let f = FROM_STATUS.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        Ok(py.import("xpscrypto.errors")?.getattr("_from_status")?.unbind())
    });
    match f.and_then(|f| f.bind(py).call1((code, name, detail))) {
        Ok(exc) => PyErr::from_value(exc),
        Err(e) => e,
    }
}

/// A core error as a Python exception.
pub fn core_err(e: Error) -> PyErr {
    Python::attach(|py| make(py, e.status.code(), e.status.name(), &e.detail))
}

/// An exception for `status` with our own detail text.
pub fn status_err(status: Status, detail: impl Into<String>) -> PyErr {
    core_err(Error::new(status, detail.into()))
}

/// `?`-friendly conversion of core results.
pub trait OrPy<T> {
    fn py(self) -> PyResult<T>;
}

impl<T> OrPy<T> for xpscrypto_core::Result<T> {
    fn py(self) -> PyResult<T> {
        self.map_err(core_err)
    }
}
