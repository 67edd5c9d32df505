//! Bytes in, bytes out: any C-contiguous buffer-protocol object as input, `bytes` as output.
//!
//! `bytes` inputs are borrowed (immutable). Other buffers (`bytearray`, `memoryview`, `array`,
//! numpy…) are read in place while the GIL is held, and *copied* before the GIL is released,
//! because another thread could resize or mutate them meanwhile. Copies are wiped on drop.

use std::ops::Deref;

use pyo3::buffer::PyUntypedBuffer;
use pyo3::exceptions::{PyBufferError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};
use zeroize::Zeroizing;

use crate::errors::core_err;

/// Inputs of at least this many bytes release the GIL for hashes, MACs and AEADs. Below it the
/// detach/re-attach pair (and, for non-`bytes` inputs, the copy) costs more than it frees
/// (see BENCHMARKS.md, "Python: GIL release threshold").
pub const DETACH_AT: usize = 16 * 1024;

/// A read-only byte input.
pub enum Bin<'py> {
    Bytes(Bound<'py, PyBytes>),
    Buffer(PyUntypedBuffer),
}

fn type_error(obj: &Bound<'_, PyAny>) -> PyErr {
    if obj.is_instance_of::<PyString>() {
        return PyTypeError::new_err("expected a bytes-like object, got str: encode text first (for example `text.encode()`)");
    }
    let name = obj.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into());
    PyTypeError::new_err(format!("expected a bytes-like object (bytes, bytearray, memoryview, array…), got {name}"))
}

impl<'a, 'py> FromPyObject<'a, 'py> for Bin<'py> {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let obj = obj.to_owned();
        if let Ok(b) = obj.cast::<PyBytes>() {
            return Ok(Bin::Bytes(b.clone()));
        }
        if obj.is_instance_of::<PyString>() {
            return Err(type_error(&obj));
        }
        let buf = PyUntypedBuffer::get(&obj).map_err(|_| type_error(&obj))?;
        if !buf.is_c_contiguous() {
            return Err(PyBufferError::new_err("the buffer is not C-contiguous; pass a contiguous copy (for example `bytes(view)`)"));
        }
        Ok(Bin::Buffer(buf))
    }
}

impl Bin<'_> {
    /// The bytes, for use while the GIL is held.
    pub fn slice(&self) -> &[u8] {
        match self {
            Bin::Bytes(b) => b.as_bytes(),
            Bin::Buffer(buf) => {
                let n = buf.len_bytes();
                if n == 0 {
                    return &[];
                }
                // SAFETY: a C-contiguous exported buffer of `n` bytes, kept exported (so not
                // resized or freed) until `self` drops; callers use the slice only with the GIL held.
                unsafe { std::slice::from_raw_parts(buf.buf_ptr() as *const u8, n) }
            }
        }
    }

    pub fn len(&self) -> usize {
        self.slice().len()
    }

    /// The bytes for code that runs without the GIL: `bytes` borrowed, other buffers copied.
    pub fn detached(&self) -> Held<'_> {
        match self {
            Bin::Bytes(b) => Held::Borrowed(b.as_bytes()),
            Bin::Buffer(_) => Held::Owned(Zeroizing::new(self.slice().to_vec())),
        }
    }
}

/// Input bytes safe to use without the GIL (copies are wiped on drop).
pub enum Held<'a> {
    Borrowed(&'a [u8]),
    Owned(Zeroizing<Vec<u8>>),
}

impl Deref for Held<'_> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Held::Borrowed(s) => s,
            Held::Owned(v) => v,
        }
    }
}

/// A new `bytes` of `n` bytes filled by `f` with the GIL held. On error nothing is returned.
pub fn bytes_gil<'py, F>(py: Python<'py>, n: usize, f: F) -> PyResult<Bound<'py, PyBytes>>
where
    F: FnOnce(&mut [u8]) -> xpscrypto_core::Result<()>,
{
    PyBytes::new_with(py, n, |out| f(out).map_err(core_err))
}

/// An optional input (`None` allowed).
pub fn opt<'a>(b: &'a Option<Bin<'_>>) -> Option<&'a [u8]> {
    b.as_ref().map(|b| b.slice())
}

/// A new `bytes` of `n` bytes filled by `f`; with `detach` the GIL is released while `f` runs
/// (the object is not shared with anyone yet). On error nothing is returned.
pub fn bytes_with<'py, F>(py: Python<'py>, n: usize, detach: bool, f: F) -> PyResult<Bound<'py, PyBytes>>
where
    F: FnOnce(&mut [u8]) -> xpscrypto_core::Result<()> + Send,
{
    PyBytes::new_with(py, n, |out| {
        let r = if detach { py.detach(|| f(out)) } else { f(out) };
        r.map_err(core_err)
    })
}

/// A writable, C-contiguous output buffer for the `*_into` methods.
pub struct BOut {
    buf: PyUntypedBuffer,
}

impl<'a, 'py> FromPyObject<'a, 'py> for BOut {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let obj = obj.to_owned();
        let buf = PyUntypedBuffer::get(&obj).map_err(|_| type_error(&obj))?;
        if buf.readonly() {
            return Err(PyTypeError::new_err("the output buffer is read-only; pass a bytearray or a writable memoryview"));
        }
        if !buf.is_c_contiguous() {
            return Err(PyBufferError::new_err("the output buffer is not C-contiguous"));
        }
        Ok(BOut { buf })
    }
}

impl BOut {
    pub fn len(&self) -> usize {
        self.buf.len_bytes()
    }

    pub fn ptr(&self) -> *const u8 {
        self.buf.buf_ptr() as *const u8
    }

    /// The writable bytes, for use while the GIL is held.
    pub fn slice_mut(&mut self) -> &mut [u8] {
        let n = self.buf.len_bytes();
        if n == 0 {
            return &mut [];
        }
        // SAFETY: a writable C-contiguous exported buffer of `n` bytes held until `self` drops;
        // used only with the GIL held, and `&mut self` keeps this the only Rust view of it.
        unsafe { std::slice::from_raw_parts_mut(self.buf.buf_ptr() as *mut u8, n) }
    }
}

/// `out`'s memory handed to code running without the GIL (see [`BOut::detached`]).
pub struct RawOut {
    ptr: *mut u8,
    len: usize,
}

// SAFETY: the pointer is only dereferenced through `RawOut::slice` while the `BOut` it came from
// (which keeps the buffer exported, so neither freed nor resized) is alive on the calling stack.
unsafe impl Send for RawOut {}

impl RawOut {
    pub fn slice(&mut self) -> &mut [u8] {
        if self.len == 0 {
            return &mut [];
        }
        // SAFETY: see `BOut::detached`.
        unsafe { std::slice::from_raw_parts_mut(self.ptr, self.len) }
    }
}

impl BOut {
    /// The output memory for a call that releases the GIL. Like CPython's own `readinto`, the
    /// buffer is written while other threads run: the caller must not touch `out` from another
    /// thread during the call (documented on the `*_into` methods).
    pub fn detached(&mut self) -> RawOut {
        RawOut { ptr: self.buf.buf_ptr() as *mut u8, len: self.buf.len_bytes() }
    }
}

/// Whether `[a, a+an)` and `[b, b+bn)` share at least one byte.
pub fn overlaps(a: *const u8, an: usize, b: *const u8, bn: usize) -> bool {
    let (a, b) = (a as usize, b as usize);
    an > 0 && bn > 0 && a < b.saturating_add(bn) && b < a.saturating_add(an)
}
