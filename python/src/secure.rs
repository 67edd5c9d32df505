//! `SecureBuffer`: secret bytes in memory that is locked in RAM (mlock), kept out of core dumps,
//! surrounded by guard pages and wiped when closed. It exports the buffer protocol, so
//! `memoryview(buf)` reads and writes it in place and every function here accepts it as input.
//! Use it as a context manager: the contents are wiped and freed on exit.

use std::os::raw::c_int;

use pyo3::exceptions::PyBufferError;
use pyo3::ffi;
use pyo3::prelude::*;
use xpscrypto_core::{secure_zero, Status};

use crate::buf::Bin;
use crate::errors::{status_err, OrPy};

#[pyclass(module = "xpscrypto._native", name = "SecureBuffer")]
pub struct SecureBuffer {
    buf: Option<xpscrypto_core::SecureBuffer>,
    exports: usize,
}

impl SecureBuffer {
    fn live(&mut self) -> PyResult<&mut xpscrypto_core::SecureBuffer> {
        self.buf.as_mut().ok_or_else(|| status_err(Status::InvalidState, "the SecureBuffer was closed"))
    }
}

#[pymethods]
impl SecureBuffer {
    /// `size` zero bytes of secure memory (≥ 1).
    #[new]
    fn new(size: usize) -> PyResult<Self> {
        if size == 0 {
            return Err(status_err(Status::InvalidLength, "a SecureBuffer needs at least 1 byte"));
        }
        Ok(SecureBuffer { buf: Some(xpscrypto_core::SecureBuffer::new(size).py()?), exports: 0 })
    }

    /// A SecureBuffer holding a copy of `data` (the caller should wipe its own copy).
    #[staticmethod]
    fn from_bytes(data: Bin<'_>) -> PyResult<Self> {
        let mut s = SecureBuffer::new(data.len().max(1))?;
        if data.len() == 0 {
            return Err(status_err(Status::InvalidLength, "a SecureBuffer needs at least 1 byte"));
        }
        s.live()?.as_mut_slice().copy_from_slice(data.slice());
        Ok(s)
    }

    fn __len__(&self) -> usize {
        self.buf.as_ref().map_or(0, |b| b.len())
    }

    /// Whether the memory is locked in RAM (mlock succeeded).
    #[getter]
    fn locked(&self) -> bool {
        self.buf.as_ref().is_some_and(|b| b.is_locked())
    }

    /// Whether `close()` has run.
    #[getter]
    fn closed(&self) -> bool {
        self.buf.is_none()
    }

    /// Overwrites the contents with zeros (the buffer stays usable).
    fn wipe(&mut self) -> PyResult<()> {
        secure_zero(self.live()?.as_mut_slice());
        Ok(())
    }

    /// Wipes and frees the memory. Refused while a memoryview of it is alive.
    fn close(&mut self) -> PyResult<()> {
        if self.exports > 0 {
            return Err(PyBufferError::new_err("cannot close a SecureBuffer while memoryviews of it exist (release them first)"));
        }
        self.buf = None; // core SecureBuffer wipes on drop
        Ok(())
    }

    fn __enter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    /// Wipes on exit; frees too unless a memoryview is still alive (then it is freed when
    /// collected).
    fn __exit__(&mut self, _t: Option<&Bound<'_, PyAny>>, _v: Option<&Bound<'_, PyAny>>, _tb: Option<&Bound<'_, PyAny>>) -> bool {
        if let Some(b) = self.buf.as_mut() {
            secure_zero(b.as_mut_slice());
        }
        if self.exports == 0 {
            self.buf = None;
        }
        false
    }

    fn __repr__(&self) -> String {
        match &self.buf {
            Some(b) => format!("<xpscrypto.SecureBuffer {} bytes, locked={} (contents hidden)>", b.len(), b.is_locked()),
            None => "<xpscrypto.SecureBuffer closed>".into(),
        }
    }

    /// # Safety
    /// Called by CPython with a valid `view` to fill.
    unsafe fn __getbuffer__(mut slf: PyRefMut<'_, Self>, view: *mut ffi::Py_buffer, flags: c_int) -> PyResult<()> {
        if view.is_null() {
            return Err(PyBufferError::new_err("NULL view"));
        }
        let obj = slf.as_ptr();
        let b = slf.live()?;
        let (ptr, len) = (b.as_mut_ptr(), b.len());
        // SAFETY: `view` is CPython's to fill; the memory stays valid while exported because
        // close() refuses and __exit__ does not free while `exports > 0`.
        let rc = unsafe { ffi::PyBuffer_FillInfo(view, obj, ptr.cast(), len as ffi::Py_ssize_t, 0, flags) };
        if rc != 0 {
            return Err(PyErr::fetch(slf.py()));
        }
        slf.exports += 1;
        Ok(())
    }

    unsafe fn __releasebuffer__(&mut self, _view: *mut ffi::Py_buffer) {
        self.exports = self.exports.saturating_sub(1);
    }
}
