//! Library-wide calls: version, status codes, algorithm names, randomness, constant-time
//! helpers, CPU features, dispatch introspection/control and policy switches.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use xpscrypto_core::{cpu, dispatch, policy, Alg, Status};

use crate::buf::{bytes_with, BOut, Bin};
use crate::errors::OrPy;

/// Runs the power-on self-tests and publishes the dispatch table (idempotent; every call also
/// does it lazily).
#[pyfunction]
pub fn init() -> PyResult<()> {
    xpscrypto_core::init().py()
}

/// The library version ("0.1.0").
#[pyfunction]
pub fn version() -> &'static str {
    xpscrypto_core::VERSION
}

/// The version as `major * 10000 + minor * 100 + patch`, as `xps_version_number()`.
#[pyfunction]
pub fn version_number() -> u32 {
    let mut it = xpscrypto_core::VERSION.split('.').map(|p| p.split(|c: char| !c.is_ascii_digit()).next().unwrap_or("0").parse::<u32>().unwrap_or(0));
    let (a, b, c) = (it.next().unwrap_or(0), it.next().unwrap_or(0), it.next().unwrap_or(0));
    a * 10000 + b * 100 + c
}

/// Symbolic name of a status code ("XPS_E_AUTHENTICATION_FAILED"); "XPS_E_UNKNOWN_STATUS" if unknown.
#[pyfunction]
pub fn status_name(status: i32) -> &'static str {
    Status::from_code(status).map_or("XPS_E_UNKNOWN_STATUS", |s| s.name())
}

/// Fixed English description of a status code.
#[pyfunction]
pub fn status_message(status: i32) -> &'static str {
    Status::from_code(status).map_or("unknown status code", |s| s.message())
}

/// The category of a status code (`status // 100`: 1 misuse, 2 crypto, 3 policy, 4 environment,
/// 5 dispatch/patch, 6 internal).
#[pyfunction]
pub fn status_category(status: i32) -> i32 {
    status / 100
}

/// Every status as `(code, name, message)` (used to build the exception table).
#[pyfunction]
pub fn statuses() -> Vec<(i32, &'static str, &'static str)> {
    Status::ALL.iter().map(|s| (s.code(), s.name(), s.message())).collect()
}

/// Canonical names of every algorithm, in id order.
#[pyfunction]
pub fn algorithms() -> Vec<&'static str> {
    Alg::ALL.iter().map(|a| a.name()).collect()
}

/// Numeric id of a canonical name (as `xps_alg_from_name`); 0 if unknown.
#[pyfunction]
pub fn alg_from_name(name: &str) -> u32 {
    Alg::from_name(name).map_or(0, |a| a.id())
}

/// Canonical name of a numeric id; `InvalidInputError` if unknown.
#[pyfunction]
pub fn alg_name(id: u32) -> PyResult<&'static str> {
    Ok(Alg::from_id_checked(id).py()?.name())
}

/// `n` bytes from the operating system's CSPRNG.
#[pyfunction]
pub fn random_bytes(py: Python<'_>, n: usize) -> PyResult<Bound<'_, PyBytes>> {
    bytes_with(py, n, n >= 1 << 20, xpscrypto_core::rand::random_bytes)
}

/// Constant-time equality (the lengths are not secret).
#[pyfunction]
pub fn ct_equal(a: Bin<'_>, b: Bin<'_>) -> bool {
    xpscrypto_core::ct_equal(a.slice(), b.slice())
}

/// Constant-time all-zero check.
#[pyfunction]
pub fn ct_is_zero(a: Bin<'_>) -> bool {
    xpscrypto_core::ct_is_zero(a.slice())
}

/// Overwrites a writable buffer (bytearray, memoryview, SecureBuffer…) with zeros in a way the
/// compiler cannot elide.
#[pyfunction]
pub fn secure_zero(mut buf: BOut) {
    xpscrypto_core::secure_zero(buf.slice_mut());
}

/// How many secure allocations could not be locked in RAM (mlock) so far.
#[pyfunction]
pub fn secure_lock_failures() -> u64 {
    xpscrypto_core::secure::lock_failures()
}

fn names(mask: u64) -> Vec<&'static str> {
    cpu::feature_names(mask)
}

/// CPU features detected, minus those masked off by `XPS_CPU_DISABLE` (the policy ISA mask
/// is separate: `policy_isa_mask()`).
#[pyfunction]
pub fn cpu_features() -> Vec<&'static str> {
    names(cpu::features())
}

/// CPU features the hardware reports, before any masking.
#[pyfunction]
pub fn cpu_hardware_features() -> Vec<&'static str> {
    names(cpu::hardware_features())
}

/// Name of a feature bit (0..63); `None` if unassigned.
#[pyfunction]
pub fn cpu_feature_name(bit: u32) -> Option<&'static str> {
    cpu::FEATURES.iter().find(|(b, _)| bit < 64 && *b == 1u64 << bit).map(|(_, n)| *n)
}

/// `{name: bit mask}` of every CPU feature this library knows.
#[pyfunction]
pub fn cpu_feature_bits() -> Vec<(&'static str, u64)> {
    cpu::FEATURES.iter().map(|(b, n)| (*n, *b)).collect()
}

/// Every op with its candidates and active kernel: a list of dicts
/// `{op, active, forced, candidates: [{name, requires, constant_time, priority, available}],
/// by_size, tuned_ns}`. `by_size`: the kernel of each size bucket (≤256 B, ≤2 KiB, ≤64 KiB,
/// larger); `tuned_ns`: autotune's ns per call per candidate and bucket (empty when not tuned).
#[pyfunction]
pub fn dispatch_info(py: Python<'_>) -> PyResult<Vec<Bound<'_, PyDict>>> {
    dispatch::info()
        .py()?
        .into_iter()
        .map(|o| {
            let d = PyDict::new(py);
            d.set_item("op", o.op)?;
            d.set_item("active", o.active)?;
            d.set_item("forced", o.forced)?;
            let cands = o
                .candidates
                .into_iter()
                .map(|c| {
                    let cd = PyDict::new(py);
                    cd.set_item("name", c.name)?;
                    cd.set_item("requires", c.requires)?;
                    cd.set_item("constant_time", c.constant_time)?;
                    cd.set_item("priority", c.priority)?;
                    cd.set_item("available", c.available)?;
                    Ok(cd)
                })
                .collect::<PyResult<Vec<_>>>()?;
            d.set_item("candidates", cands)?;
            d.set_item("by_size", o.by_size.to_vec())?;
            let tuned = PyDict::new(py);
            for (k, ns) in o.tuned_ns {
                tuned.set_item(k, ns.to_vec())?;
            }
            d.set_item("tuned_ns", tuned)?;
            Ok(d)
        })
        .collect()
}

/// Name of the active kernel of `op` (e.g. "aead.aes-256-gcm").
#[pyfunction]
pub fn dispatch_active_kernel(op: &str) -> PyResult<&'static str> {
    dispatch::active_kernel(op).py()
}

/// Forces `op` to the candidate `kernel` (it must be available on this CPU and allowed by policy).
#[pyfunction]
pub fn dispatch_force(op: &str, kernel: &str) -> PyResult<()> {
    dispatch::force(op, kernel).py()
}

/// Clears every forced kernel: automatic selection again.
#[pyfunction]
pub fn dispatch_reset() -> PyResult<()> {
    dispatch::reset().py()
}

/// Generation of the active dispatch table (changes on every swap).
#[pyfunction]
pub fn dispatch_generation() -> u64 {
    dispatch::generation()
}

/// Autotune on: times every op's candidates per size bucket now (about 0.1 s, GIL released) and
/// publishes the fastest; off: selection by priority (the default, deterministic).
#[pyfunction]
pub fn dispatch_set_autotune(py: Python<'_>, on: bool) -> PyResult<()> {
    py.detach(|| dispatch::set_autotune(on)).py()
}

/// Whether autotune is on (`dispatch_set_autotune`, or `XPS_AUTOTUNE=1` at start-up).
#[pyfunction]
pub fn dispatch_autotune_enabled() -> bool {
    dispatch::autotune_enabled()
}

/// Name of the kernel `op` runs for `length` bytes (its size bucket's kernel).
#[pyfunction]
pub fn dispatch_kernel_for_size(op: &str, length: usize) -> PyResult<&'static str> {
    dispatch::kernel_for_size(op, length).py()
}

/// Restricts the instruction sets kernels may use (a mask of `cpu_feature_bits()` values, or
/// an iterable of feature names); reselects kernels.
#[pyfunction]
pub fn policy_set_isa_mask(mask: &Bound<'_, PyAny>) -> PyResult<()> {
    let m = if let Ok(v) = mask.extract::<u64>() {
        v
    } else if let Ok(one) = mask.cast::<pyo3::types::PyString>() {
        // One name, not an iterable of its characters.
        let name = one.to_str()?;
        cpu::FEATURES.iter().find(|(_, n)| *n == name).map(|(b, _)| *b).ok_or_else(|| PyValueError::new_err(format!("unknown CPU feature name {name:?}")))?
    } else {
        let mut v = 0u64;
        for item in mask.try_iter()? {
            let name: String = item?.extract()?;
            let bit = cpu::FEATURES.iter().find(|(_, n)| *n == name).map(|(b, _)| *b);
            v |= bit.ok_or_else(|| PyValueError::new_err(format!("unknown CPU feature name {name:?}")))?;
        }
        v
    };
    policy::set_isa_mask(m).py()
}

/// The current ISA mask.
#[pyfunction]
pub fn policy_isa_mask() -> u64 {
    policy::isa_mask()
}

/// Constant-time kernels only (reselects kernels).
#[pyfunction]
pub fn policy_set_ct_only(on: bool) -> PyResult<()> {
    policy::set_ct_only(on).py()
}

/// Whether only constant-time kernels may be selected.
#[pyfunction]
pub fn policy_ct_only() -> bool {
    policy::ct_only()
}

/// Make secure allocations fail (`ResourceError`, XPS_E_MLOCK_FAILED) when mlock fails.
#[pyfunction]
pub fn policy_set_require_mlock(on: bool) {
    policy::set_require_mlock(on)
}

#[pyfunction]
pub fn policy_require_mlock() -> bool {
    policy::require_mlock()
}

/// Allow or refuse RSA private-key operations (signing, key generation).
#[pyfunction]
pub fn policy_set_rsa_private_ops(on: bool) {
    policy::set_rsa_private_ops(on)
}

#[pyfunction]
pub fn policy_rsa_private_ops() -> bool {
    policy::rsa_private_ops_allowed()
}

/// Benchmark support (not API): seconds taken by `iterations` calls of a core operation on
/// `size`-byte inputs, looped in Rust with no Python in between, so the Python benchmark can
/// report binding overhead against the core in the same process. `op`: a hash name (one-shot
/// digest) or an AEAD name (seal with a key handle). `alloc`: each call returns a new `Vec` (like
/// the Python calls, which return new `bytes`) instead of writing into one reused buffer.
#[pyfunction]
#[pyo3(signature = (op, size, iterations, alloc = false))]
pub fn _bench_core(py: Python<'_>, op: &str, size: usize, iterations: u32, alloc: bool) -> PyResult<f64> {
    use xpscrypto_core::{aead, hash, Family};
    let a = Alg::from_name(op).ok_or_else(|| PyValueError::new_err(format!("unknown op {op:?}")))?;
    let data = vec![0x5au8; size];
    py.detach(|| -> xpscrypto_core::Result<f64> {
        let t = std::time::Instant::now();
        match a.family() {
            Family::Hash => {
                let mut out = [0u8; 64];
                for _ in 0..iterations {
                    if alloc {
                        std::hint::black_box(hash::hash(a, std::hint::black_box(&data))?);
                    } else {
                        hash::hash_into(a, std::hint::black_box(&data), &mut out)?;
                    }
                }
            }
            Family::Aead => {
                let k = aead::AeadKey::new(a, &vec![7u8; aead::key_len(a)?])?;
                let nonce = vec![1u8; aead::nonce_len(a)?];
                let mut out = vec![0u8; size + aead::TAG_LEN];
                for _ in 0..iterations {
                    if alloc {
                        std::hint::black_box(k.seal_to_vec(&nonce, &[], std::hint::black_box(&data))?);
                    } else {
                        k.seal(&nonce, &[], std::hint::black_box(&data), &mut out)?;
                    }
                }
            }
            _ => return Err(xpscrypto_core::Error::new(Status::InvalidParameter, "bench: hash or AEAD names only")),
        }
        Ok(t.elapsed().as_secs_f64())
    })
    .py()
}
