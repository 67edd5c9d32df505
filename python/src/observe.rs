//! Policy (the whole set, FIPS-like mode, allowed algorithms, hot-patch switch) and metrics
//! (snapshot as a dict, Prometheus text, reset), mirroring `xps_policy_*` and `xps_metrics_*`.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use xpscrypto_core::policy::{self, AlgSet, Policy};
use xpscrypto_core::metrics as core_metrics;
use xpscrypto_core::{Alg, Status};

use crate::errors::{status_err, OrPy};
use crate::util::shown;

fn any_alg(name: &str) -> PyResult<Alg> {
    Alg::from_name(name).ok_or_else(|| status_err(Status::UnknownAlgorithm, format!("unknown algorithm name {:?} (see xpscrypto.algorithms())", shown(name))))
}

fn policy_dict<'py>(py: Python<'py>, p: &Policy) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("allowed_algorithms", p.allowed_algorithms.iter().map(Alg::name).collect::<Vec<_>>())?;
    d.set_item("fips_mode", p.fips_mode)?;
    d.set_item("min_rsa_bits", p.min_rsa_bits)?;
    d.set_item("min_hmac_key_bytes", p.min_hmac_key_bytes)?;
    d.set_item("ct_only", p.ct_only)?;
    d.set_item("isa_mask", p.isa_mask)?;
    d.set_item("require_mlock", p.require_mlock)?;
    d.set_item("hot_patch_allowed", p.hot_patch_allowed)?;
    d.set_item("rsa_private_ops", p.rsa_private_ops)?;
    Ok(d)
}

/// The current policy as a dict: `allowed_algorithms` (list of names), `fips_mode`,
/// `min_rsa_bits`, `min_hmac_key_bytes`, `ct_only`, `isa_mask`, `require_mlock`,
/// `hot_patch_allowed`, `rsa_private_ops` (as `xps_policy_get`).
#[pyfunction]
pub fn policy_get(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    policy_dict(py, &policy::current())
}

/// The default policy (everything allowed, no FIPS mode) as a dict (as `xps_policy_default`).
#[pyfunction]
pub fn policy_default(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    policy_dict(py, &Policy::default())
}

/// Replaces the policy atomically (as `xps_policy_replace`). `policy` is a mapping with the keys
/// of `policy_get()`; keys left out keep their current values, unknown keys are a `ValueError`.
/// FIPS mode forces `ct_only` and raises the minimum key sizes; turning it on runs the
/// self-tests first. Changing `isa_mask` or `ct_only` re-selects kernels.
#[pyfunction]
pub fn policy_replace(py: Python<'_>, policy: &Bound<'_, PyAny>) -> PyResult<()> {
    let items = policy.call_method0("items").map_err(|_| PyTypeError::new_err("policy must be a mapping (see policy_get())"))?;
    let mut p = policy::current();
    for item in items.try_iter()? {
        let (k, v): (String, Bound<'_, PyAny>) = item?.extract()?;
        match k.as_str() {
            "allowed_algorithms" => {
                let mut set = AlgSet::EMPTY;
                for n in v.try_iter()? {
                    let n: String = n?.extract()?;
                    set.insert(any_alg(&n)?);
                }
                p.allowed_algorithms = set;
            }
            "fips_mode" => p.fips_mode = v.extract()?,
            "min_rsa_bits" => p.min_rsa_bits = v.extract()?,
            "min_hmac_key_bytes" => p.min_hmac_key_bytes = v.extract()?,
            "ct_only" => p.ct_only = v.extract()?,
            "isa_mask" => p.isa_mask = v.extract()?,
            "require_mlock" => p.require_mlock = v.extract()?,
            "hot_patch_allowed" => p.hot_patch_allowed = v.extract()?,
            "rsa_private_ops" => p.rsa_private_ops = v.extract()?,
            other => return Err(PyValueError::new_err(format!("unknown policy key {:?}", shown(other)))),
        }
    }
    // Turning FIPS mode on runs every self-test: without the GIL.
    py.detach(|| policy::replace(p)).py()
}

/// FIPS-like mode on (self-tests run again first; CT-only forced; minimum key sizes raised) or off.
#[pyfunction]
pub fn policy_set_fips_mode(py: Python<'_>, on: bool) -> PyResult<()> {
    py.detach(|| policy::set_fips_mode(on)).py()
}

/// Whether FIPS-like mode is on.
#[pyfunction]
pub fn policy_fips_mode() -> bool {
    policy::fips_mode()
}

/// Allow (the default) or refuse applying hot-patches (`PatchError`, XPS_E_PATCH_POLICY).
#[pyfunction]
pub fn policy_set_hot_patch_allowed(on: bool) {
    policy::set_hot_patch_allowed(on)
}

/// Whether hot-patches may be applied.
#[pyfunction]
pub fn policy_hot_patch_allowed() -> bool {
    policy::hot_patch_allowed()
}

/// Adds an algorithm to the allowed set (or removes it with `allowed=False`).
#[pyfunction]
#[pyo3(signature = (alg, allowed = true))]
pub fn policy_allow_algorithm(alg: &str, allowed: bool) -> PyResult<()> {
    policy::allow_algorithm(any_alg(alg)?, allowed).py()
}

/// Whether an algorithm may run under the current policy (allowed, and FIPS-approved in FIPS mode).
#[pyfunction]
pub fn policy_algorithm_allowed(alg: &str) -> PyResult<bool> {
    Ok(policy::allowed(any_alg(alg)?))
}

/// Whether an algorithm is FIPS-approved (allowed in FIPS mode; see SECURITY.md).
#[pyfunction]
pub fn fips_approved(alg: &str) -> PyResult<bool> {
    Ok(policy::fips_approved(any_alg(alg)?))
}

/// Every counter as a dict (as `xps_metrics_snapshot` + `xps_metrics_events`): `ops` (a list of
/// dicts `op`, `alg`, `kernel`, `calls`, `bytes`, `failures`), `selftest` (`runs_passed`,
/// `runs_failed`, `checks_passed`, `checks_failed`), `mlock_failures`, `patch_events` and
/// `keyring_events` (kind → count), and `enabled`.
#[pyfunction]
pub fn metrics(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let s = py.detach(core_metrics::snapshot);
    let ops = PyList::empty(py);
    for m in &s.ops {
        let d = PyDict::new(py);
        d.set_item("op", m.op)?;
        d.set_item("alg", m.alg.name())?;
        d.set_item("kernel", m.kernel)?;
        d.set_item("calls", m.calls)?;
        d.set_item("bytes", m.bytes)?;
        d.set_item("failures", m.failures)?;
        ops.append(d)?;
    }
    let st = PyDict::new(py);
    st.set_item("runs_passed", s.selftest_runs_passed)?;
    st.set_item("runs_failed", s.selftest_runs_failed)?;
    st.set_item("checks_passed", s.selftest_checks_passed)?;
    st.set_item("checks_failed", s.selftest_checks_failed)?;
    let events = |v: &[(&str, u64)]| -> PyResult<Bound<'_, PyDict>> {
        let d = PyDict::new(py);
        for (k, n) in v {
            d.set_item(*k, *n)?;
        }
        Ok(d)
    };
    let d = PyDict::new(py);
    d.set_item("ops", ops)?;
    d.set_item("selftest", st)?;
    d.set_item("mlock_failures", s.mlock_failures)?;
    d.set_item("patch_events", events(&s.patch_events)?)?;
    d.set_item("keyring_events", events(&s.keyring_events)?)?;
    d.set_item("enabled", core_metrics::enabled())?;
    Ok(d)
}

/// The metrics as Prometheus text exposition format 0.0.4 (as `xps_metrics_prometheus`).
#[pyfunction]
pub fn metrics_prometheus(py: Python<'_>) -> String {
    py.detach(core_metrics::prometheus)
}

/// Starts every counter from zero again.
#[pyfunction]
pub fn metrics_reset() {
    core_metrics::reset()
}

/// Count operations (the default) or not (counts are kept; events are always counted).
#[pyfunction]
pub fn metrics_set_enabled(on: bool) {
    core_metrics::set_enabled(on)
}

/// Whether operations are counted.
#[pyfunction]
pub fn metrics_enabled() -> bool {
    core_metrics::enabled()
}
