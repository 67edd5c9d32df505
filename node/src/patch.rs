//! Hot-patch: apply a signed patch module to the running process, roll back, history, audit log,
//! manifest signing and verification (the `xps_patch_*` functions of the C ABI; docs/HOTPATCH.md).

use napi::bindgen_prelude::*;
use napi_derive::napi;
use xpscrypto_core::hotpatch::{self, ApplyOptions, Step};
use xpscrypto_core::{dispatch, policy, Status};

use crate::err::{status, OrJs, Result};
use crate::task::{own, spawn, Outcome, Work};

/// A kernel a patch made active.
#[napi(object)]
pub struct PatchKernel {
    /// The dispatch op ("hash.sha256").
    pub op: String,
    /// The kernel's name ("sha256/c-portable").
    pub kernel: String,
}

/// What `patchApply` or `patchRollback` did.
#[napi(object)]
pub struct PatchReport {
    /// The patch applied, or removed by a rollback.
    pub patch_id: String,
    /// The patch's version (a number: exact up to 2^53).
    pub version: f64,
    /// The ops the patch covers.
    pub ops: Vec<String>,
    /// Kernels now active through this patch (empty for a rollback).
    pub kernels: Vec<PatchKernel>,
    /// Distinct trusted signers whose signatures verified (for a rollback: of the removed patch; empty for unsigned
    /// development patches).
    pub signers: Vec<String>,
    /// SHA-256 of the payload (for a rollback: of the removed patch).
    pub payload_sha256: Buffer,
    /// The dispatch generation before the swap.
    pub previous_generation: i64,
    /// The dispatch generation the swap created.
    pub new_generation: i64,
}

impl Outcome for hotpatch::PatchReport {
    type Js = PatchReport;
    fn into_js(self) -> PatchReport {
        PatchReport {
            patch_id: self.patch_id,
            version: self.version as f64,
            ops: self.ops,
            kernels: self.kernels.into_iter().map(|(op, kernel)| PatchKernel { op, kernel }).collect(),
            signers: self.signers,
            payload_sha256: self.payload_sha256.to_vec().into(),
            previous_generation: self.previous_generation as i64,
            new_generation: self.new_generation as i64,
        }
    }
}

/// Options of `patchApply`.
#[napi(object)]
pub struct PatchApplyOptions {
    /// Accept a version that is not newer than the active one for its ops (an explicit, audited
    /// downgrade or re-apply). Default false: no silent downgrade.
    pub allow_downgrade: Option<bool>,
}

fn apply_options(o: &Option<PatchApplyOptions>) -> ApplyOptions {
    ApplyOptions { allow_downgrade: o.as_ref().and_then(|o| o.allow_downgrade).unwrap_or(false) }
}

/// Applies a hot-patch: `manifest` (JSON bytes), `payload` (the shared library's bytes; verified
/// and loaded from these bytes, never re-read from a file), `trustStore` (JSON bytes). Runs parse →
/// signature → digest → policy → abi → load → cpu → kat → differential → audit → swap; on success
/// the patch's kernels serve every later call (a new dispatch generation). On failure nothing
/// changes and a `PatchError` is thrown whose `status` names the failing step (`XPS_E_PATCH_*`,
/// see `patchStepName`).
#[napi]
pub fn patch_apply(manifest: &[u8], payload: &[u8], trust_store: &[u8], options: Option<PatchApplyOptions>) -> Result<PatchReport> {
    hotpatch::apply(manifest, payload, trust_store, &apply_options(&options)).map(Outcome::into_js).js()
}

/// `patchApply` on the libuv pool (the checks take milliseconds). It takes no AbortSignal: a
/// hot-patch is never abandoned half-way.
#[napi(ts_return_type = "Promise<PatchReport>")]
pub fn patch_apply_async(manifest: &[u8], payload: &[u8], trust_store: &[u8], options: Option<PatchApplyOptions>) -> AsyncTask<Work<hotpatch::PatchReport>> {
    let (m, p, t) = (own(manifest), own(payload), own(trust_store));
    let o = apply_options(&options);
    spawn(move || hotpatch::apply(&m, &p, &t, &o), None)
}

/// Removes the newest applied patch: its ops return to the kernels they had before it (a new
/// generation). Throws a `PatchError` with status 515 (`XPS_E_NOTHING_TO_ROLLBACK`) if no patch is
/// applied.
#[napi]
pub fn patch_rollback() -> Result<PatchReport> {
    hotpatch::rollback().map(Outcome::into_js).js()
}

/// One generation created by apply or rollback.
#[napi(object)]
pub struct PatchHistoryEntry {
    pub generation: i64,
    pub previous_generation: i64,
    #[napi(ts_type = "'apply' | 'rollback'")]
    pub action: String,
    /// The patch applied, or the patch removed by a rollback.
    pub patch_id: String,
    /// Its version (exact up to 2^53).
    pub version: f64,
    pub ops: Vec<String>,
    /// RFC 3339 UTC.
    pub time: String,
    /// Patch ids active in this generation, bottom first.
    pub active: Vec<String>,
}

/// Generations created by apply/rollback, oldest first (the last 4096).
#[napi]
pub fn patch_history() -> Vec<PatchHistoryEntry> {
    hotpatch::history()
        .into_iter()
        .map(|e| PatchHistoryEntry {
            generation: e.generation as i64,
            previous_generation: e.previous_generation as i64,
            action: e.action.name().into(),
            patch_id: e.patch_id,
            version: e.version as f64,
            ops: e.ops,
            time: e.time,
            active: e.active,
        })
        .collect()
}

/// An applied patch.
#[napi(object)]
pub struct AppliedPatch {
    pub patch_id: String,
    /// Exact up to 2^53.
    pub version: f64,
    pub ops: Vec<String>,
}

/// The applied patches, bottom first (a stack: `patchRollback` removes the last). Its length is the
/// C `xps_patch_applied_count()`.
#[napi]
pub fn patch_applied() -> Vec<AppliedPatch> {
    hotpatch::applied()
        .into_iter()
        .map(|(patch_id, version, ops)| AppliedPatch { patch_id, version: version as f64, ops: ops.into_iter().map(String::from).collect() })
        .collect()
}

/// Sets the audit log file (JSON lines, created with mode 0600, appended and flushed before
/// apply/rollback return; a record that cannot be written refuses the apply or rollback).
/// `null`: back to `$XPS_PATCH_AUDIT_LOG` (no file if unset; records are still kept in memory).
#[napi]
pub fn patch_set_audit_log(path: Option<String>) -> Result<()> {
    if let Some(p) = &path {
        if p.is_empty() {
            return Err(status(Status::InvalidParameter, "empty audit log path"));
        }
        if p.contains('\0') {
            return Err(status(Status::InvalidParameter, "the audit log path contains a NUL character"));
        }
    }
    hotpatch::set_audit_log(path.map(Into::into));
    Ok(())
}

/// The pipeline step a hot-patch status stands for ("parse", "signature", "digest", "policy",
/// "abi", "load", "cpu", "kat", "differential", "audit"); `null` for other statuses.
#[napi]
pub fn patch_step_name(status: i32) -> Option<&'static str> {
    Status::from_code(status).and_then(Step::from_status).map(Step::name)
}

/// Options of `patchSignManifest`.
#[napi(object)]
pub struct PatchSignOptions {
    /// An ML-DSA-65 secret key: adds an ML-DSA-65 signature (required by trust-store signers that
    /// list an `ml_dsa_65` key).
    #[napi(js_name = "mlDsa65SecretKey")]
    pub ml_dsa_65_secret_key: Option<Uint8Array>,
}

/// Signs a manifest as `signer` (its name in the trust store) with a 32-byte Ed25519 secret key
/// (the `signKeypair('ed25519')` format); a previous signature by the same signer is replaced.
/// Returns the signed manifest (JSON bytes). A manifest that does not parse throws a `PatchError`
/// (`XPS_E_PATCH_MALFORMED`).
#[napi]
pub fn patch_sign_manifest(manifest: &[u8], signer: String, ed25519_secret_key: &[u8], options: Option<PatchSignOptions>) -> Result<Buffer> {
    let ml = options.as_ref().and_then(|o| o.ml_dsa_65_secret_key.as_deref());
    hotpatch::sign_manifest(manifest, &signer, ed25519_secret_key, ml).map(|s| Buffer::from(s.into_bytes())).js()
}

/// Checks a manifest and payload against a trust store without loading anything: the parse,
/// signature, digest, policy (signers per op) and ABI-version steps of `patchApply`. Returns
/// nothing, or throws a `PatchError` whose `status` names the failing step. Writes no audit record.
#[napi]
pub fn patch_verify(manifest: &[u8], payload: &[u8], trust_store: &[u8]) -> Result<()> {
    hotpatch::verify_only(manifest, payload, trust_store).map(drop).js()
}

/// The kernel ABI version this library accepts from patch modules (`XPS_KERNEL_ABI_VERSION` of
/// `xpscrypto_kernel.h`); a manifest's `kernel_abi` must equal it.
#[napi]
pub fn kernel_abi_version() -> u32 {
    dispatch::KERNEL_ABI_VERSION
}

/// Development only: `true` lets a trust store with `"allow_unsigned": true` admit unsigned
/// patches (every other check still runs; audit records say "unsigned"). `false` (the default):
/// such trust stores are refused. Never enable in production.
#[napi]
pub fn policy_set_allow_unsigned_patches_for_development(on: bool) {
    policy::set_allow_unsigned_patches_for_development(on)
}

/// Whether unsigned development patches are allowed.
#[napi]
pub fn policy_allow_unsigned_patches_for_development() -> bool {
    policy::unsigned_patches_allowed()
}
