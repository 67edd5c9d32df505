//! Signatures: flat `sign_keypair`/`sign`/`verify`/`sign_public_from_secret`, size queries, and
//! the `SigningKey` handle (secret key in secure memory). Key generation, signing and
//! verification run without the GIL (PQ schemes take milliseconds).

use pyo3::prelude::*;
use pyo3::types::PyBytes;
use xpscrypto_core::sign::{self as core, SignOptions};
use xpscrypto_core::{Family, Status};

use crate::buf::Bin;
use crate::errors::{core_err, OrPy};
use crate::util::alg;

type Pair<'py> = (Bound<'py, PyBytes>, Bound<'py, PyBytes>);

/// `(public_key, secret_key)`; `seed` (Ed25519: the 32-byte private key; ML-DSA: ξ, 32 bytes;
/// see `sign_seedbytes`) makes it deterministic.
#[pyfunction]
#[pyo3(signature = (alg, seed = None))]
pub fn sign_keypair<'py>(py: Python<'py>, alg: &str, seed: Option<Bin<'py>>) -> PyResult<Pair<'py>> {
    let a = crate::util::alg(alg, Family::Sign)?;
    let s = seed.as_ref().map(|b| b.detached());
    let (pk, sk) = py.detach(|| core::keypair(a, s.as_deref())).py()?;
    Ok((PyBytes::new(py, &pk), PyBytes::new(py, sk.as_slice())))
}

/// The public key of a secret key.
#[pyfunction]
pub fn sign_public_from_secret<'py>(py: Python<'py>, alg: &str, secret: Bin<'py>) -> PyResult<Bound<'py, PyBytes>> {
    let a = crate::util::alg(alg, Family::Sign)?;
    let s = secret.detached();
    let pk = py.detach(|| core::public_from_secret(a, &s)).py()?;
    Ok(PyBytes::new(py, &pk))
}

/// A signature of `msg`. `context` (≤ 255 bytes) for ML-DSA and the hybrid; `deterministic`
/// for ML-DSA/SLH-DSA (Ed25519 always is; Falcon and RSA-PSS refuse it).
#[pyfunction]
#[pyo3(signature = (alg, secret, msg, *, context = None, deterministic = false))]
pub fn sign<'py>(py: Python<'py>, alg: &str, secret: Bin<'py>, msg: Bin<'py>, context: Option<Bin<'py>>, deterministic: bool) -> PyResult<Bound<'py, PyBytes>> {
    let a = crate::util::alg(alg, Family::Sign)?;
    let (s, m) = (secret.detached(), msg.detached());
    let c = context.as_ref().map(|b| b.detached());
    let sig = py.detach(|| core::sign_with(a, &s, &m, &SignOptions { context: c.as_deref().unwrap_or(&[]), deterministic })).py()?;
    Ok(PyBytes::new(py, &sig))
}

/// `True` for a valid signature, `False` for a well-formed wrong one; malformed lengths raise
/// `InvalidInputError`.
#[pyfunction]
#[pyo3(signature = (alg, public, msg, sig, *, context = None))]
pub fn verify(py: Python<'_>, alg: &str, public: Bin<'_>, msg: Bin<'_>, sig: Bin<'_>, context: Option<Bin<'_>>) -> PyResult<bool> {
    let a = crate::util::alg(alg, Family::Sign)?;
    let (p, m, s) = (public.detached(), msg.detached(), sig.detached());
    let c = context.as_ref().map(|b| b.detached());
    match py.detach(|| core::verify_with(a, &p, &m, &s, &SignOptions { context: c.as_deref().unwrap_or(&[]), deterministic: false })) {
        Ok(()) => Ok(true),
        Err(e) if e.status == Status::BadSignature => Ok(false),
        Err(e) => Err(core_err(e)),
    }
}

/// Hazmat: FIPS 204/205 *internal* signing (`ML-DSA.Sign_internal`, `slh_sign_internal`) over
/// `m_prime` as given — no context prefix, no domain separation; for ACVP internal-interface
/// vectors. `rnd`: ML-DSA's 32 bytes or SLH-DSA's 16-byte `opt_rand`; `None` or empty =
/// deterministic.
#[pyfunction]
#[pyo3(signature = (alg, secret, m_prime, *, rnd = None))]
pub fn hazmat_sign_internal<'py>(py: Python<'py>, alg: &str, secret: Bin<'py>, m_prime: Bin<'py>, rnd: Option<Bin<'py>>) -> PyResult<Bound<'py, PyBytes>> {
    let a = crate::util::alg(alg, Family::Sign)?;
    let (s, m) = (secret.detached(), m_prime.detached());
    let r = rnd.as_ref().map(|b| b.detached());
    // An empty rnd is the deterministic variant, as NULL/0 is in C.
    let r = r.as_deref().filter(|v| !v.is_empty());
    let sig = py.detach(|| xpscrypto_core::hazmat::sign_internal(a, &s, &m, r)).py()?;
    Ok(PyBytes::new(py, &sig))
}

/// Hazmat: internal-interface verification (see `hazmat_sign_internal`): `True` / `False`;
/// malformed lengths raise `InvalidInputError`.
#[pyfunction]
pub fn hazmat_verify_internal(py: Python<'_>, alg: &str, public: Bin<'_>, m_prime: Bin<'_>, sig: Bin<'_>) -> PyResult<bool> {
    let a = crate::util::alg(alg, Family::Sign)?;
    let (p, m, s) = (public.detached(), m_prime.detached(), sig.detached());
    match py.detach(|| xpscrypto_core::hazmat::verify_internal(a, &p, &m, &s)) {
        Ok(()) => Ok(true),
        Err(e) if e.status == Status::BadSignature => Ok(false),
        Err(e) => Err(core_err(e)),
    }
}

fn sizes(name: &str) -> PyResult<core::SignSizes> {
    core::sizes(alg(name, Family::Sign)?).py()
}

/// Public key size; `None` when variable (RSA: DER).
#[pyfunction]
pub fn sign_publickeybytes(alg: &str) -> PyResult<Option<usize>> {
    Ok(Some(sizes(alg)?.public_key).filter(|&n| n != 0))
}

/// Secret key size; `None` when variable (RSA: DER).
#[pyfunction]
pub fn sign_secretkeybytes(alg: &str) -> PyResult<Option<usize>> {
    Ok(Some(sizes(alg)?.secret_key).filter(|&n| n != 0))
}

/// Signature size (exact, or the maximum for Falcon and RSA).
#[pyfunction]
pub fn sign_bytes(alg: &str) -> PyResult<usize> {
    Ok(sizes(alg)?.signature)
}

/// Key-generation seed size; `None` if the algorithm has no seeded key generation.
#[pyfunction]
pub fn sign_seedbytes(alg: &str) -> PyResult<Option<usize>> {
    Ok(Some(sizes(alg)?.seed).filter(|&n| n != 0))
}

/// Largest context string (0: contexts are not supported).
#[pyfunction]
pub fn sign_contextbytes(alg: &str) -> PyResult<usize> {
    Ok(sizes(alg)?.max_context)
}

/// A signing key handle: the secret key stays in secure memory (wiped when collected).
#[pyclass(module = "xpscrypto._native", name = "SigningKey", frozen)]
pub struct SigningKey {
    k: core::SigningKey,
}

#[pymethods]
impl SigningKey {
    #[new]
    fn new(alg: &str, secret: Bin<'_>) -> PyResult<Self> {
        let a = crate::util::alg(alg, Family::Sign)?;
        Ok(SigningKey { k: core::SigningKey::new(a, secret.slice()).py()? })
    }

    /// A fresh key pair as a handle (`seed` as in `sign_keypair`); the secret never becomes a
    /// Python `bytes` object.
    #[staticmethod]
    #[pyo3(signature = (alg, seed = None))]
    fn generate(py: Python<'_>, alg: &str, seed: Option<Bin<'_>>) -> PyResult<Self> {
        let a = crate::util::alg(alg, Family::Sign)?;
        let s = seed.as_ref().map(|b| b.detached());
        let k = py.detach(|| core::keypair(a, s.as_deref()).and_then(|(_, sk)| core::SigningKey::new(a, sk.as_slice()))).py()?;
        Ok(SigningKey { k })
    }

    /// A signature of `msg` (options as in `sign`).
    #[pyo3(signature = (msg, *, context = None, deterministic = false))]
    fn sign<'py>(&self, py: Python<'py>, msg: Bin<'py>, context: Option<Bin<'py>>, deterministic: bool) -> PyResult<Bound<'py, PyBytes>> {
        let m = msg.detached();
        let c = context.as_ref().map(|b| b.detached());
        let sig = py.detach(|| self.k.sign_with(&m, &SignOptions { context: c.as_deref().unwrap_or(&[]), deterministic })).py()?;
        Ok(PyBytes::new(py, &sig))
    }

    /// The public key.
    fn public_key<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let pk = py.detach(|| self.k.public_key()).py()?;
        Ok(PyBytes::new(py, &pk))
    }

    #[getter]
    fn alg(&self) -> &'static str {
        self.k.alg().name()
    }

    fn __repr__(&self) -> String {
        format!("<xpscrypto.SigningKey {} (secret hidden)>", self.k.alg().name())
    }
}
