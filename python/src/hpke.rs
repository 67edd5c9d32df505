//! HPKE (RFC 9180; ML-KEM and X-Wing KEMs per draft-ietf-hpke-pq-05): single-shot
//! `hpke_seal`/`hpke_open`, key pairs, and `HpkeSender`/`HpkeRecipient` contexts.
//! Suites are IANA code points (the `HPKE_*` constants). The mode follows from the arguments:
//! `psk`+`psk_id` → PSK, a sender key → Auth, both → AuthPSK, neither → Base.

use std::sync::{Mutex, MutexGuard};

use pyo3::prelude::*;
use pyo3::types::PyBytes;
use xpscrypto_core::hpke::{self as core, Mode, RecipientContext, SenderContext, Setup, Suite};
use xpscrypto_core::Status;

use crate::buf::{bytes_gil, opt, Bin};
use crate::errors::{status_err, OrPy};

type Pair<'py> = (Bound<'py, PyBytes>, Bound<'py, PyBytes>);

fn id(v: u32, what: &str) -> PyResult<u16> {
    u16::try_from(v).map_err(|_| status_err(Status::UnknownAlgorithm, format!("HPKE {what} id {v:#x} is out of range")))
}

fn suite(kem: u32, kdf: u32, aead: u32) -> PyResult<Suite> {
    Suite::new(id(kem, "KEM")?, id(kdf, "KDF")?, id(aead, "AEAD")?).py()
}

fn setup<'a>(info: &'a [u8], psk: Option<&'a [u8]>, psk_id: Option<&'a [u8]>, sender_key: Option<&'a [u8]>) -> Setup<'a> {
    let has_psk = psk.is_some() || psk_id.is_some();
    let mode = match (has_psk, sender_key.is_some()) {
        (false, false) => Mode::Base,
        (true, false) => Mode::Psk,
        (false, true) => Mode::Auth,
        (true, true) => Mode::AuthPsk,
    };
    Setup { mode, info, psk: psk.unwrap_or(&[]), psk_id: psk_id.unwrap_or(&[]), sender_key }
}

fn info_of<'a>(info: &'a Option<Bin<'_>>) -> &'a [u8] {
    opt(info).unwrap_or(&[])
}

/// A fresh HPKE key pair `(public, secret)` for a KEM id.
#[pyfunction]
pub fn hpke_keypair<'py>(py: Python<'py>, kem: u32) -> PyResult<Pair<'py>> {
    let (pk, sk) = core::generate_keypair(id(kem, "KEM")?).py()?;
    Ok((PyBytes::new(py, &pk), PyBytes::new(py, sk.as_slice())))
}

/// RFC 9180 `DeriveKeyPair(ikm)` for a KEM id.
#[pyfunction]
pub fn hpke_derive_keypair<'py>(py: Python<'py>, kem: u32, ikm: Bin<'py>) -> PyResult<Pair<'py>> {
    let (pk, sk) = core::derive_keypair(id(kem, "KEM")?, ikm.slice()).py()?;
    Ok((PyBytes::new(py, &pk), PyBytes::new(py, sk.as_slice())))
}

#[pyfunction]
pub fn hpke_pkbytes(kem: u32) -> PyResult<usize> {
    Ok(core::kem_sizes(id(kem, "KEM")?).py()?.public_key)
}

#[pyfunction]
pub fn hpke_skbytes(kem: u32) -> PyResult<usize> {
    Ok(core::kem_sizes(id(kem, "KEM")?).py()?.secret_key)
}

#[pyfunction]
pub fn hpke_encbytes(kem: u32) -> PyResult<usize> {
    Ok(core::kem_sizes(id(kem, "KEM")?).py()?.enc)
}

/// Single-shot seal to `public`: `(enc, ciphertext || tag)`.
#[pyfunction]
#[pyo3(signature = (kem, kdf, aead, public, plaintext, *, info = None, aad = None, psk = None, psk_id = None, sender_secret = None))]
#[allow(clippy::too_many_arguments)]
pub fn hpke_seal<'py>(
    py: Python<'py>,
    kem: u32,
    kdf: u32,
    aead: u32,
    public: Bin<'py>,
    plaintext: Bin<'py>,
    info: Option<Bin<'py>>,
    aad: Option<Bin<'py>>,
    psk: Option<Bin<'py>>,
    psk_id: Option<Bin<'py>>,
    sender_secret: Option<Bin<'py>>,
) -> PyResult<Pair<'py>> {
    let st = suite(kem, kdf, aead)?;
    let s = setup(info_of(&info), opt(&psk), opt(&psk_id), opt(&sender_secret));
    let (enc, ct) = core::seal(st, public.slice(), &s, opt(&aad).unwrap_or(&[]), plaintext.slice()).py()?;
    Ok((PyBytes::new(py, &enc), PyBytes::new(py, &ct)))
}

/// Single-shot open with the recipient's secret key (`AuthenticationError` on mismatch).
#[pyfunction]
#[pyo3(signature = (kem, kdf, aead, secret, enc, ciphertext, *, info = None, aad = None, psk = None, psk_id = None, sender_public = None))]
#[allow(clippy::too_many_arguments)]
pub fn hpke_open<'py>(
    py: Python<'py>,
    kem: u32,
    kdf: u32,
    aead: u32,
    secret: Bin<'py>,
    enc: Bin<'py>,
    ciphertext: Bin<'py>,
    info: Option<Bin<'py>>,
    aad: Option<Bin<'py>>,
    psk: Option<Bin<'py>>,
    psk_id: Option<Bin<'py>>,
    sender_public: Option<Bin<'py>>,
) -> PyResult<Bound<'py, PyBytes>> {
    let st = suite(kem, kdf, aead)?;
    let s = setup(info_of(&info), opt(&psk), opt(&psk_id), opt(&sender_public));
    let pt = zeroize::Zeroizing::new(core::open(st, enc.slice(), secret.slice(), &s, opt(&aad).unwrap_or(&[]), ciphertext.slice()).py()?);
    Ok(PyBytes::new(py, &pt))
}

/// A sender context: `enc` goes to the recipient; `seal` messages in order; `export` secrets.
/// Not for concurrent use from several threads (calls are serialized).
#[pyclass(module = "xpscrypto._native", name = "HpkeSender", frozen)]
pub struct HpkeSender {
    ctx: Mutex<SenderContext>,
    enc: Vec<u8>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[pymethods]
impl HpkeSender {
    /// `ikm_e` derandomizes the encapsulation for known-answer tests only (never reuse it).
    #[new]
    #[pyo3(signature = (kem, kdf, aead, public, *, info = None, psk = None, psk_id = None, sender_secret = None, ikm_e = None))]
    #[allow(clippy::too_many_arguments)]
    fn new(kem: u32, kdf: u32, aead: u32, public: Bin<'_>, info: Option<Bin<'_>>, psk: Option<Bin<'_>>, psk_id: Option<Bin<'_>>, sender_secret: Option<Bin<'_>>, ikm_e: Option<Bin<'_>>) -> PyResult<Self> {
        let st = suite(kem, kdf, aead)?;
        let s = setup(info_of(&info), opt(&psk), opt(&psk_id), opt(&sender_secret));
        let (enc, ctx) = match opt(&ikm_e) {
            Some(ikm) => core::setup_sender_derand(st, public.slice(), &s, ikm),
            None => core::setup_sender(st, public.slice(), &s),
        }
        .py()?;
        Ok(HpkeSender { ctx: Mutex::new(ctx), enc })
    }

    /// The encapsulated key for the recipient.
    #[getter]
    fn enc<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.enc)
    }

    /// Seals the next message: `ciphertext || tag`.
    #[pyo3(signature = (plaintext, aad = None))]
    fn seal<'py>(&self, py: Python<'py>, plaintext: Bin<'py>, aad: Option<Bin<'py>>) -> PyResult<Bound<'py, PyBytes>> {
        let ct = lock(&self.ctx).seal(opt(&aad).unwrap_or(&[]), plaintext.slice()).py()?;
        Ok(PyBytes::new(py, &ct))
    }

    /// `Export(exporter_context, length)`.
    fn export<'py>(&self, py: Python<'py>, exporter_context: Bin<'py>, length: usize) -> PyResult<Bound<'py, PyBytes>> {
        let c = lock(&self.ctx);
        export_len(&c.suite(), length)?;
        bytes_gil(py, length, |out| c.export(exporter_context.slice(), out))
    }

    /// Sequence number of the next message.
    #[getter]
    fn sequence(&self) -> u64 {
        lock(&self.ctx).sequence()
    }

    fn __repr__(&self) -> String {
        format!("<xpscrypto.HpkeSender seq={} (secrets hidden)>", self.sequence())
    }
}

/// A recipient context: `open` messages in the sender's order; `export` secrets.
#[pyclass(module = "xpscrypto._native", name = "HpkeRecipient", frozen)]
pub struct HpkeRecipient {
    ctx: Mutex<RecipientContext>,
}

#[pymethods]
impl HpkeRecipient {
    #[new]
    #[pyo3(signature = (kem, kdf, aead, secret, enc, *, info = None, psk = None, psk_id = None, sender_public = None))]
    #[allow(clippy::too_many_arguments)]
    fn new(kem: u32, kdf: u32, aead: u32, secret: Bin<'_>, enc: Bin<'_>, info: Option<Bin<'_>>, psk: Option<Bin<'_>>, psk_id: Option<Bin<'_>>, sender_public: Option<Bin<'_>>) -> PyResult<Self> {
        let st = suite(kem, kdf, aead)?;
        let s = setup(info_of(&info), opt(&psk), opt(&psk_id), opt(&sender_public));
        let ctx = core::setup_recipient(st, enc.slice(), secret.slice(), &s).py()?;
        Ok(HpkeRecipient { ctx: Mutex::new(ctx) })
    }

    /// Opens the next message (`AuthenticationError` on mismatch; the sequence then stays).
    #[pyo3(signature = (ciphertext, aad = None))]
    fn open<'py>(&self, py: Python<'py>, ciphertext: Bin<'py>, aad: Option<Bin<'py>>) -> PyResult<Bound<'py, PyBytes>> {
        let pt = zeroize::Zeroizing::new(lock(&self.ctx).open(opt(&aad).unwrap_or(&[]), ciphertext.slice()).py()?);
        Ok(PyBytes::new(py, &pt))
    }

    /// `Export(exporter_context, length)`.
    fn export<'py>(&self, py: Python<'py>, exporter_context: Bin<'py>, length: usize) -> PyResult<Bound<'py, PyBytes>> {
        let c = lock(&self.ctx);
        export_len(&c.suite(), length)?;
        bytes_gil(py, length, |out| c.export(exporter_context.slice(), out))
    }

    #[getter]
    fn sequence(&self) -> u64 {
        lock(&self.ctx).sequence()
    }

    fn __repr__(&self) -> String {
        format!("<xpscrypto.HpkeRecipient seq={} (secrets hidden)>", self.sequence())
    }
}

/// Refuses an export length above 255·Nh before anything is allocated.
fn export_len(st: &Suite, length: usize) -> PyResult<()> {
    let max = 255 * st.kdf_nh();
    if length > max {
        return Err(status_err(Status::OutputTooLong, format!("HPKE export is limited to 255*Nh = {max} bytes, asked {length}")));
    }
    Ok(())
}

/// `(name, value)` of the HPKE constants exported by the module.
pub const CONSTANTS: &[(&str, u32)] = &[
    ("HPKE_MODE_BASE", 0),
    ("HPKE_MODE_PSK", 1),
    ("HPKE_MODE_AUTH", 2),
    ("HPKE_MODE_AUTH_PSK", 3),
    ("HPKE_KEM_X25519_HKDF_SHA256", core::KEM_X25519_HKDF_SHA256 as u32),
    ("HPKE_KEM_ML_KEM_512", core::KEM_ML_KEM_512 as u32),
    ("HPKE_KEM_ML_KEM_768", core::KEM_ML_KEM_768 as u32),
    ("HPKE_KEM_ML_KEM_1024", core::KEM_ML_KEM_1024 as u32),
    ("HPKE_KEM_X_WING", core::KEM_X_WING as u32),
    ("HPKE_KDF_HKDF_SHA256", core::KDF_HKDF_SHA256 as u32),
    ("HPKE_KDF_HKDF_SHA384", core::KDF_HKDF_SHA384 as u32),
    ("HPKE_KDF_HKDF_SHA512", core::KDF_HKDF_SHA512 as u32),
    ("HPKE_AEAD_AES_128_GCM", core::AEAD_AES_128_GCM as u32),
    ("HPKE_AEAD_AES_256_GCM", core::AEAD_AES_256_GCM as u32),
    ("HPKE_AEAD_CHACHA20_POLY1305", core::AEAD_CHACHA20_POLY1305 as u32),
    ("HPKE_AEAD_EXPORT_ONLY", core::AEAD_EXPORT_ONLY as u32),
];
