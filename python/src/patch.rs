//! Hot-patch: apply a signed patch module to the running process, roll back, history, audit log,
//! manifest signing and verification (the `xps_patch_*` functions of the C ABI; docs/HOTPATCH.md).
//! Apply, verify, sign and rollback run without the GIL: apply runs the known-answer and
//! differential tests of the new kernels, and every apply/rollback waits for the one in progress.

use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use xpscrypto_core::hotpatch::{self, ApplyOptions, PatchReport, Step};
use xpscrypto_core::{dispatch, policy, Status};

use crate::buf::Bin;
use crate::errors::{status_err, OrPy};

fn report<'py>(py: Python<'py>, r: PatchReport) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("patch_id", r.patch_id)?;
    d.set_item("version", r.version)?;
    d.set_item("ops", r.ops)?;
    d.set_item("kernels", r.kernels)?;
    d.set_item("signers", r.signers)?;
    d.set_item("payload_sha256", PyBytes::new(py, &r.payload_sha256))?;
    d.set_item("previous_generation", r.previous_generation)?;
    d.set_item("new_generation", r.new_generation)?;
    Ok(d)
}

/// Applies a hot-patch: `manifest` (JSON), `payload` (the shared library's bytes; verified and
/// loaded from these bytes, never re-read from a file), `trust_store` (JSON). Runs parse →
/// signature → digest → policy → abi → load → cpu → kat → differential → audit → swap; on success
/// the patch's kernels serve every later call (a new dispatch generation) and the report dict is
/// returned: `patch_id`, `version`, `ops`, `kernels` (`[(op, kernel)]`), `signers`,
/// `payload_sha256`, `previous_generation`, `new_generation`. On failure nothing changes and
/// `PatchError` is raised with the failing step's status (`XPS_E_PATCH_*`, see
/// `patch_step_name`). `allow_downgrade`: accept a version that is not newer than the active one
/// for its ops (an explicit, audited downgrade or re-apply).
#[pyfunction]
#[pyo3(signature = (manifest, payload, trust_store, *, allow_downgrade = false))]
pub fn patch_apply<'py>(py: Python<'py>, manifest: Bin<'py>, payload: Bin<'py>, trust_store: Bin<'py>, allow_downgrade: bool) -> PyResult<Bound<'py, PyDict>> {
    let (m, p, t) = (manifest.detached(), payload.detached(), trust_store.detached());
    let r = py.detach(|| hotpatch::apply(&m, &p, &t, &ApplyOptions { allow_downgrade })).py()?;
    report(py, r)
}

/// Removes the newest applied patch: its ops return to the kernels they had before it (a new
/// generation). Returns the report of the removed patch (`kernels` empty; `signers` and
/// `payload_sha256` those of the removed patch). `PatchError` with status 515 (`XPS_E_NOTHING_TO_ROLLBACK`) if no
/// patch is applied.
#[pyfunction]
pub fn patch_rollback(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let r = py.detach(hotpatch::rollback).py()?;
    report(py, r)
}

/// Generations created by apply/rollback, oldest first (the last 4096), as dicts: `generation`,
/// `previous_generation`, `action` (`"apply"` or `"rollback"`), `patch_id` (the patch applied or
/// removed), `version`, `ops`, `time` (RFC 3339 UTC) and `active` (the patch ids active in that
/// generation, bottom first).
#[pyfunction]
pub fn patch_history(py: Python<'_>) -> PyResult<Vec<Bound<'_, PyDict>>> {
    hotpatch::history()
        .into_iter()
        .map(|e| {
            let d = PyDict::new(py);
            d.set_item("generation", e.generation)?;
            d.set_item("previous_generation", e.previous_generation)?;
            d.set_item("action", e.action.name())?;
            d.set_item("patch_id", e.patch_id)?;
            d.set_item("version", e.version)?;
            d.set_item("ops", e.ops)?;
            d.set_item("time", e.time)?;
            d.set_item("active", e.active)?;
            Ok(d)
        })
        .collect()
}

/// The applied patches, bottom first (a stack: `patch_rollback` removes the last), as dicts
/// `{patch_id, version, ops}`. `len(patch_applied())` is the C `xps_patch_applied_count()`.
#[pyfunction]
pub fn patch_applied(py: Python<'_>) -> PyResult<Vec<Bound<'_, PyDict>>> {
    hotpatch::applied()
        .into_iter()
        .map(|(id, version, ops)| {
            let d = PyDict::new(py);
            d.set_item("patch_id", id)?;
            d.set_item("version", version)?;
            d.set_item("ops", ops)?;
            Ok(d)
        })
        .collect()
}

/// Sets the audit log file (JSON lines, created with mode 0600, appended and flushed before
/// apply/rollback return; a record that cannot be written refuses the apply or rollback).
/// `None`: back to `$XPS_PATCH_AUDIT_LOG` (no file if unset; records are still kept in memory).
#[pyfunction]
pub fn patch_set_audit_log(path: Option<PathBuf>) -> PyResult<()> {
    if let Some(p) = &path {
        let s = p.as_os_str();
        if s.is_empty() {
            return Err(status_err(Status::InvalidParameter, "empty audit log path"));
        }
        if s.as_encoded_bytes().contains(&0) {
            return Err(status_err(Status::InvalidParameter, "the audit log path contains a NUL character"));
        }
    }
    hotpatch::set_audit_log(path);
    Ok(())
}

/// The pipeline step a hot-patch status stands for ("parse", "signature", "digest", "policy",
/// "abi", "load", "cpu", "kat", "differential", "audit"); `None` for other statuses.
#[pyfunction]
pub fn patch_step_name(status: i32) -> Option<&'static str> {
    Status::from_code(status).and_then(Step::from_status).map(Step::name)
}

/// Signs a manifest as `signer` (its name in the trust store) with a 32-byte Ed25519 secret key
/// (the `sign_keypair("ed25519")` format) and, when given, an ML-DSA-65 secret key as well; a
/// previous signature by the same signer is replaced. Returns the signed manifest (JSON bytes).
/// A manifest that does not parse raises `PatchError` (`XPS_E_PATCH_MALFORMED`).
#[pyfunction]
#[pyo3(signature = (manifest, signer, ed25519_secret_key, *, ml_dsa_65_secret_key = None))]
pub fn patch_sign_manifest<'py>(
    py: Python<'py>,
    manifest: Bin<'py>,
    signer: &str,
    ed25519_secret_key: Bin<'py>,
    ml_dsa_65_secret_key: Option<Bin<'py>>,
) -> PyResult<Bound<'py, PyBytes>> {
    let (m, ed) = (manifest.detached(), ed25519_secret_key.detached());
    let ml = ml_dsa_65_secret_key.as_ref().map(|b| b.detached());
    let signer = signer.to_owned();
    let signed = py.detach(|| hotpatch::sign_manifest(&m, &signer, &ed, ml.as_deref())).py()?;
    Ok(PyBytes::new(py, signed.as_bytes()))
}

/// Checks a manifest and payload against a trust store without loading anything: the parse,
/// signature, digest, policy (signers per op) and ABI-version steps of `patch_apply`. Returns
/// `None`, or raises `PatchError` with the failing step's status. Writes no audit record.
#[pyfunction]
pub fn patch_verify(py: Python<'_>, manifest: Bin<'_>, payload: Bin<'_>, trust_store: Bin<'_>) -> PyResult<()> {
    let (m, p, t) = (manifest.detached(), payload.detached(), trust_store.detached());
    py.detach(|| hotpatch::verify_only(&m, &p, &t).map(drop)).py()
}

/// The kernel ABI version this library accepts from patch modules (`XPS_KERNEL_ABI_VERSION` of
/// `xpscrypto_kernel.h`); a manifest's `kernel_abi` must equal it.
#[pyfunction]
pub fn kernel_abi_version() -> u32 {
    dispatch::KERNEL_ABI_VERSION
}

/// Development only: `True` lets a trust store with `"allow_unsigned": true` admit unsigned
/// patches (every other check still runs; audit records say "unsigned"). `False` (the default):
/// such trust stores are refused. Never enable in production.
#[pyfunction]
pub fn policy_set_allow_unsigned_patches_for_development(on: bool) {
    policy::set_allow_unsigned_patches_for_development(on)
}

/// Whether unsigned development patches are allowed (see
/// `policy_set_allow_unsigned_patches_for_development`).
#[pyfunction]
pub fn policy_allow_unsigned_patches_for_development() -> bool {
    policy::unsigned_patches_allowed()
}
