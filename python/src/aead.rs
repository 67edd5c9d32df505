//! AEADs: flat `aead_seal`/`aead_open` (+ detached) and the `AeadKey` handle (schedule computed
//! once; `encrypt_into`/`decrypt_into` write into caller buffers, exactly in place allowed).

use pyo3::prelude::*;
use pyo3::types::PyBytes;
use xpscrypto_core::aead::{self as core, AeadKey as CoreKey, TAG_LEN};
use xpscrypto_core::{Alg, Family, Status};

use crate::buf::{bytes_with, overlaps, BOut, Bin, Held, DETACH_AT};
use crate::errors::{status_err, OrPy};
use crate::util::alg;

fn held<'a>(b: &'a Bin<'_>, big: bool) -> Held<'a> {
    if big {
        b.detached()
    } else {
        Held::Borrowed(b.slice())
    }
}

/// A key handle, or a raw key for the flat calls (no handle: a handle's secure allocation costs
/// more than a short message).
#[derive(Clone, Copy)]
enum K<'a> {
    Handle(&'a CoreKey),
    Raw(Alg, &'a [u8]),
}

impl K<'_> {
    fn seal(self, n: &[u8], a: &[u8], p: &[u8], out: &mut [u8]) -> xpscrypto_core::Result<usize> {
        match self {
            K::Handle(k) => k.seal(n, a, p, out),
            K::Raw(alg, key) => core::seal(alg, key, n, a, p, out),
        }
    }
    fn open(self, n: &[u8], a: &[u8], c: &[u8], out: &mut [u8]) -> xpscrypto_core::Result<usize> {
        match self {
            K::Handle(k) => k.open(n, a, c, out),
            K::Raw(alg, key) => core::open(alg, key, n, a, c, out),
        }
    }
    fn seal_detached(self, n: &[u8], a: &[u8], p: &[u8], ct: &mut [u8]) -> xpscrypto_core::Result<[u8; TAG_LEN]> {
        match self {
            K::Handle(k) => k.seal_detached(n, a, p, ct),
            K::Raw(alg, key) => core::seal_detached(alg, key, n, a, p, ct),
        }
    }
    fn open_detached(self, n: &[u8], a: &[u8], c: &[u8], t: &[u8], pt: &mut [u8]) -> xpscrypto_core::Result<()> {
        match self {
            K::Handle(k) => k.open_detached(n, a, c, t, pt),
            K::Raw(alg, key) => core::open_detached(alg, key, n, a, c, t, pt),
        }
    }
}

fn seal<'py>(py: Python<'py>, k: K<'_>, nonce: &Bin<'_>, pt: &Bin<'_>, aad: &Bin<'_>) -> PyResult<Bound<'py, PyBytes>> {
    let big = pt.len() >= DETACH_AT;
    let (n, p, a) = (held(nonce, big), held(pt, big), held(aad, big));
    let len = core::sealed_len(p.len()).py()?;
    bytes_with(py, len, big, |out| k.seal(&n, &a, &p, out).map(drop))
}

fn open<'py>(py: Python<'py>, k: K<'_>, nonce: &Bin<'_>, sealed: &Bin<'_>, aad: &Bin<'_>) -> PyResult<Bound<'py, PyBytes>> {
    let big = sealed.len() >= DETACH_AT;
    let (n, c, a) = (held(nonce, big), held(sealed, big), held(aad, big));
    let len = core::opened_len(c.len()).py()?;
    bytes_with(py, len, big, |out| k.open(&n, &a, &c, out).map(drop))
}

fn seal_detached<'py>(py: Python<'py>, k: K<'_>, nonce: &Bin<'_>, pt: &Bin<'_>, aad: &Bin<'_>) -> PyResult<(Bound<'py, PyBytes>, Bound<'py, PyBytes>)> {
    let big = pt.len() >= DETACH_AT;
    let (n, p, a) = (held(nonce, big), held(pt, big), held(aad, big));
    let mut tag = [0u8; TAG_LEN];
    let ct = bytes_with(py, p.len(), big, |out| k.seal_detached(&n, &a, &p, out).map(|t| tag = t))?;
    Ok((ct, PyBytes::new(py, &tag)))
}

fn open_detached<'py>(py: Python<'py>, k: K<'_>, nonce: &Bin<'_>, ct: &Bin<'_>, tag: &Bin<'_>, aad: &Bin<'_>) -> PyResult<Bound<'py, PyBytes>> {
    let big = ct.len() >= DETACH_AT;
    let (n, c, t, a) = (held(nonce, big), held(ct, big), held(tag, big), held(aad, big));
    bytes_with(py, c.len(), big, |out| k.open_detached(&n, &a, &c, &t, out))
}

/// `ciphertext || tag` of `plaintext` (nonce sizes: GCM/ChaCha20 12 bytes, XChaCha20 24 bytes).
#[pyfunction]
#[pyo3(signature = (alg, key, nonce, plaintext, aad = None))]
pub fn aead_seal<'py>(py: Python<'py>, alg: &str, key: Bin<'py>, nonce: Bin<'py>, plaintext: Bin<'py>, aad: Option<Bin<'py>>) -> PyResult<Bound<'py, PyBytes>> {
    let a = crate::util::alg(alg, Family::Aead)?;
    let k = key.detached();
    seal(py, K::Raw(a, &k), &nonce, &plaintext, &aad.unwrap_or(empty(py)))
}

/// The plaintext of `ciphertext || tag`; `AuthenticationError` (nothing returned) if the tag,
/// key, nonce or aad do not match.
#[pyfunction]
#[pyo3(signature = (alg, key, nonce, ciphertext_and_tag, aad = None))]
pub fn aead_open<'py>(py: Python<'py>, alg: &str, key: Bin<'py>, nonce: Bin<'py>, ciphertext_and_tag: Bin<'py>, aad: Option<Bin<'py>>) -> PyResult<Bound<'py, PyBytes>> {
    let a = crate::util::alg(alg, Family::Aead)?;
    let k = key.detached();
    open(py, K::Raw(a, &k), &nonce, &ciphertext_and_tag, &aad.unwrap_or(empty(py)))
}

/// `(ciphertext, tag)` with the tag separate.
#[pyfunction]
#[pyo3(signature = (alg, key, nonce, plaintext, aad = None))]
pub fn aead_seal_detached<'py>(py: Python<'py>, alg: &str, key: Bin<'py>, nonce: Bin<'py>, plaintext: Bin<'py>, aad: Option<Bin<'py>>) -> PyResult<(Bound<'py, PyBytes>, Bound<'py, PyBytes>)> {
    let a = crate::util::alg(alg, Family::Aead)?;
    let k = key.detached();
    seal_detached(py, K::Raw(a, &k), &nonce, &plaintext, &aad.unwrap_or(empty(py)))
}

/// The plaintext of a ciphertext with a separate 16-byte tag.
#[pyfunction]
#[pyo3(signature = (alg, key, nonce, ciphertext, tag, aad = None))]
pub fn aead_open_detached<'py>(py: Python<'py>, alg: &str, key: Bin<'py>, nonce: Bin<'py>, ciphertext: Bin<'py>, tag: Bin<'py>, aad: Option<Bin<'py>>) -> PyResult<Bound<'py, PyBytes>> {
    let a = crate::util::alg(alg, Family::Aead)?;
    let k = key.detached();
    open_detached(py, K::Raw(a, &k), &nonce, &ciphertext, &tag, &aad.unwrap_or(empty(py)))
}

fn empty(py: Python<'_>) -> Bin<'_> {
    Bin::Bytes(PyBytes::new(py, b""))
}

/// Key size of an AEAD.
#[pyfunction]
pub fn aead_keybytes(alg_name: &str) -> PyResult<usize> {
    core::key_len(alg(alg_name, Family::Aead)?).py()
}

/// Nonce size of an AEAD.
#[pyfunction]
pub fn aead_noncebytes(alg_name: &str) -> PyResult<usize> {
    core::nonce_len(alg(alg_name, Family::Aead)?).py()
}

/// Tag size of an AEAD (16 for all of ours).
#[pyfunction]
pub fn aead_tagbytes(alg_name: &str) -> PyResult<usize> {
    core::tag_len(alg(alg_name, Family::Aead)?).py()
}

/// An AEAD key handle: the raw key lives in secure memory, the schedule is computed once (and
/// again only when the dispatch table changes). Safe to share between threads.
#[pyclass(module = "xpscrypto._native", name = "AeadKey", frozen, subclass)]
pub struct AeadKey {
    k: CoreKey,
}

/// Resolves exact in-place use and refuses any other overlap between `input` and `out`.
fn in_place(input: &[u8], out: &BOut) -> PyResult<bool> {
    let same = !input.is_empty() && std::ptr::eq(input.as_ptr(), out.ptr());
    if !same && overlaps(input.as_ptr(), input.len(), out.ptr(), out.len()) {
        return Err(status_err(Status::Overlap, "input and output buffers partially overlap (only exact in-place use is allowed)"));
    }
    Ok(same)
}

fn too_small(need: usize, have: usize) -> PyErr {
    status_err(Status::BufferTooSmall, format!("output buffer needs {need} bytes, has {have}"))
}

#[pymethods]
impl AeadKey {
    #[new]
    fn new(alg: &str, key: Bin<'_>) -> PyResult<Self> {
        Ok(AeadKey { k: CoreKey::new(crate::util::alg(alg, Family::Aead)?, key.slice()).py()? })
    }

    /// `ciphertext || tag`.
    #[pyo3(signature = (nonce, plaintext, aad = None))]
    fn encrypt<'py>(&self, py: Python<'py>, nonce: Bin<'py>, plaintext: Bin<'py>, aad: Option<Bin<'py>>) -> PyResult<Bound<'py, PyBytes>> {
        seal(py, K::Handle(&self.k), &nonce, &plaintext, &aad.unwrap_or(empty(py)))
    }

    /// The plaintext of `ciphertext || tag` (`AuthenticationError` on any mismatch).
    #[pyo3(signature = (nonce, ciphertext_and_tag, aad = None))]
    fn decrypt<'py>(&self, py: Python<'py>, nonce: Bin<'py>, ciphertext_and_tag: Bin<'py>, aad: Option<Bin<'py>>) -> PyResult<Bound<'py, PyBytes>> {
        open(py, K::Handle(&self.k), &nonce, &ciphertext_and_tag, &aad.unwrap_or(empty(py)))
    }

    /// `(ciphertext, tag)`.
    #[pyo3(signature = (nonce, plaintext, aad = None))]
    fn encrypt_detached<'py>(&self, py: Python<'py>, nonce: Bin<'py>, plaintext: Bin<'py>, aad: Option<Bin<'py>>) -> PyResult<(Bound<'py, PyBytes>, Bound<'py, PyBytes>)> {
        seal_detached(py, K::Handle(&self.k), &nonce, &plaintext, &aad.unwrap_or(empty(py)))
    }

    /// The plaintext of a ciphertext with a separate tag.
    #[pyo3(signature = (nonce, ciphertext, tag, aad = None))]
    fn decrypt_detached<'py>(&self, py: Python<'py>, nonce: Bin<'py>, ciphertext: Bin<'py>, tag: Bin<'py>, aad: Option<Bin<'py>>) -> PyResult<Bound<'py, PyBytes>> {
        open_detached(py, K::Handle(&self.k), &nonce, &ciphertext, &tag, &aad.unwrap_or(empty(py)))
    }

    /// Writes `ciphertext || tag` into the writable buffer `out` (at least `len(plaintext) + 16`
    /// bytes; `out` may be the plaintext's own buffer) and returns the number of bytes written.
    /// Large inputs run without the GIL, writing `out` directly (like `file.readinto`): do not
    /// touch `out` from another thread during the call.
    #[pyo3(signature = (nonce, plaintext, out, aad = None))]
    fn encrypt_into(&self, py: Python<'_>, nonce: Bin<'_>, plaintext: Bin<'_>, mut out: BOut, aad: Option<Bin<'_>>) -> PyResult<usize> {
        let aad = aad.unwrap_or(empty(py));
        // Private copies of nonce and aad (bytes are borrowed): they may live in `out`'s memory.
        let (nonce, aad) = (nonce.detached(), aad.detached());
        let pt = plaintext.slice();
        let need = core::sealed_len(pt.len()).py()?;
        if out.len() < need {
            return Err(too_small(need, out.len()));
        }
        let same = in_place(pt, &out)?;
        let n = pt.len();
        if n >= DETACH_AT {
            // Without the GIL, writing straight into `out` (exactly in place, or from a private
            // copy of a mutable plaintext buffer).
            let mut raw = out.detached();
            let k = &self.k;
            if same {
                return py.detach(move || {
                    let buf = raw.slice();
                    let tag = k.seal_in_place(&nonce, &aad, &mut buf[..n])?;
                    buf[n..need].copy_from_slice(&tag);
                    Ok(need)
                })
                .py();
            }
            let pc = plaintext.detached();
            return py.detach(move || k.seal(&nonce, &aad, &pc, raw.slice())).py();
        }
        if same {
            let buf = out.slice_mut();
            let tag = self.k.seal_in_place(&nonce, &aad, &mut buf[..n]).py()?;
            buf[n..need].copy_from_slice(&tag);
            Ok(need)
        } else {
            self.k.seal(&nonce, &aad, pt, out.slice_mut()).py()
        }
    }

    /// Verifies and writes the plaintext of `ciphertext || tag` into `out` (at least
    /// `len(data) - 16` bytes; may be the input's own buffer); returns its length. On failure
    /// `out` is left as it was. Large inputs run without the GIL (see `encrypt_into`).
    #[pyo3(signature = (nonce, ciphertext_and_tag, out, aad = None))]
    fn decrypt_into(&self, py: Python<'_>, nonce: Bin<'_>, ciphertext_and_tag: Bin<'_>, mut out: BOut, aad: Option<Bin<'_>>) -> PyResult<usize> {
        let aad = aad.unwrap_or(empty(py));
        let (nonce, aad) = (nonce.detached(), aad.detached());
        let c = ciphertext_and_tag.slice();
        let n = core::opened_len(c.len()).py()?;
        if out.len() < n {
            return Err(too_small(n, out.len()));
        }
        let same = in_place(c, &out)?;
        if same || n >= DETACH_AT {
            // The tag comes from the input (`out` may end where the plaintext does).
            let mut tag = [0u8; TAG_LEN];
            tag.copy_from_slice(&c[n..]);
            if n >= DETACH_AT {
                let mut raw = out.detached();
                let k = &self.k;
                if same {
                    return py.detach(move || k.open_in_place(&nonce, &aad, &mut raw.slice()[..n], &tag).map(|()| n)).py();
                }
                let cc = ciphertext_and_tag.detached();
                return py.detach(move || k.open(&nonce, &aad, &cc, raw.slice())).py();
            }
            let buf = out.slice_mut();
            self.k.open_in_place(&nonce, &aad, &mut buf[..n], &tag).py()?;
            Ok(n)
        } else {
            self.k.open(&nonce, &aad, c, out.slice_mut()).py()
        }
    }

    /// Canonical algorithm name.
    #[getter]
    fn alg(&self) -> &'static str {
        self.k.alg().name()
    }

    /// The kernel the next call will use.
    #[getter]
    fn kernel(&self) -> PyResult<&'static str> {
        self.k.kernel_name().py()
    }

    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let cls = slf.get_type().name()?;
        Ok(format!("<xpscrypto.{cls} {} (key hidden)>", slf.get().k.alg().name()))
    }
}
