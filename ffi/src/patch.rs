//! Hot-patch: apply a signed patch module, roll back, history, audit log (docs/HOTPATCH.md).

use crate::boundary::*;
use std::ffi::c_char;
use xpscrypto_core::hotpatch::{self, ApplyOptions, Step};
use xpscrypto_core::{policy, Status};

/// `flags` of `xps_patch_apply`: accept a version that is not newer than the active one for its
/// ops (an explicit, audited downgrade or re-apply).
pub const XPS_PATCH_ALLOW_DOWNGRADE: u32 = 1;
/// `xps_patch_history_entry.action`: the generation was created by an apply.
pub const XPS_PATCH_ACTION_APPLY: u32 = 1;
/// `xps_patch_history_entry.action`: the generation was created by a rollback.
pub const XPS_PATCH_ACTION_ROLLBACK: u32 = 2;
/// Size of the NUL-terminated patch-id fields (ids are at most 64 characters).
pub const XPS_PATCH_ID_BYTES: usize = 65;

/// What `xps_patch_apply` / `xps_patch_rollback` did (written only on success).
#[repr(C)]
pub struct xps_patch_report {
    /// The patch applied, or removed by a rollback (NUL-terminated).
    pub patch_id: [c_char; XPS_PATCH_ID_BYTES],
    pub version: u64,
    pub previous_generation: u64,
    pub new_generation: u64,
    /// Number of ops the patch covers.
    pub op_count: u32,
    /// Distinct trusted signers whose signatures verified (for a rollback: of the removed patch).
    pub signer_count: u32,
    /// SHA-256 of the payload (for a rollback: of the removed patch).
    pub payload_sha256: [u8; 32],
}

/// One generation created by apply/rollback.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct xps_patch_history_entry {
    pub generation: u64,
    pub previous_generation: u64,
    /// `XPS_PATCH_ACTION_APPLY` or `XPS_PATCH_ACTION_ROLLBACK`.
    pub action: u32,
    pub version: u64,
    pub patch_id: [c_char; XPS_PATCH_ID_BYTES],
}

fn id_field(id: &str) -> [c_char; XPS_PATCH_ID_BYTES] {
    let mut f = [0 as c_char; XPS_PATCH_ID_BYTES];
    for (d, s) in f.iter_mut().zip(id.bytes().take(XPS_PATCH_ID_BYTES - 1)) {
        *d = s as c_char;
    }
    f
}

fn write_report(out: *mut xps_patch_report, r: &hotpatch::PatchReport) {
    if out.is_null() {
        return;
    }
    let rep = xps_patch_report {
        patch_id: id_field(&r.patch_id),
        version: r.version,
        previous_generation: r.previous_generation,
        new_generation: r.new_generation,
        op_count: r.ops.len() as u32,
        signer_count: r.signers.len() as u32,
        payload_sha256: r.payload_sha256,
    };
    // SAFETY: non-NULL; the caller passes a writable xps_patch_report (contract).
    unsafe { out.write(rep) };
}

/// Applies a hot-patch: `manifest` (JSON), `payload` (the shared library's bytes, already in
/// memory: it is verified and loaded from these bytes, never re-read), `trust_store` (JSON).
/// Runs parse → signature → digest → policy → abi → load → cpu → kat → differential → audit →
/// swap; on success the patch's kernels serve every later call (a new generation) and `*report`
/// (may be NULL) is filled. On failure the active table is unchanged, an audit record says why,
/// nothing is written to `*report`, and the status names the failing step
/// (`XPS_E_PATCH_*`, see `xps_patch_step_name`). `flags`: 0 or `XPS_PATCH_ALLOW_DOWNGRADE`.
#[no_mangle]
pub unsafe extern "C" fn xps_patch_apply(
    manifest: *const u8,
    manifest_len: usize,
    payload: *const u8,
    payload_len: usize,
    trust_store: *const u8,
    trust_store_len: usize,
    flags: u32,
    report: *mut xps_patch_report,
) -> xps_status {
    guard(|| {
        // SAFETY: (pointer, length) pairs per the C conventions.
        let (m, p, t) = unsafe { (input(manifest, manifest_len, "manifest")?, input(payload, payload_len, "payload")?, input(trust_store, trust_store_len, "trust_store")?) };
        if flags & !XPS_PATCH_ALLOW_DOWNGRADE != 0 {
            return Err(e(Status::InvalidParameter, format!("unknown xps_patch_apply flags {flags:#x}")));
        }
        let r = hotpatch::apply(m, p, t, &ApplyOptions { allow_downgrade: flags & XPS_PATCH_ALLOW_DOWNGRADE != 0 })?;
        write_report(report, &r);
        Ok(())
    })
}

/// Removes the newest applied patch: its ops return to the kernels they had before it (a new
/// generation). `XPS_E_NOTHING_TO_ROLLBACK` if none is applied. `*report` (may be NULL) is
/// filled on success.
#[no_mangle]
pub unsafe extern "C" fn xps_patch_rollback(report: *mut xps_patch_report) -> xps_status {
    guard(|| {
        let r = hotpatch::rollback()?;
        write_report(report, &r);
        Ok(())
    })
}

/// Generations created by apply/rollback, oldest first (the last 4096). Writes all of them to
/// `out` (capacity `cap` entries) and their number to `*count`; if `cap` is too small, fails with
/// `XPS_E_BUFFER_TOO_SMALL` and writes only the needed number to `*count`.
#[no_mangle]
pub unsafe extern "C" fn xps_patch_history(out: *mut xps_patch_history_entry, cap: usize, count: *mut usize) -> xps_status {
    guard(|| {
        need_len_ptr(count)?;
        let h = hotpatch::history();
        if cap < h.len() {
            set_len(count, h.len());
            return Err(e(Status::BufferTooSmall, format!("history has {} entries, capacity {cap}", h.len())));
        }
        if out.is_null() && !h.is_empty() {
            return Err(e(Status::NullPointer, "out is NULL"));
        }
        for (i, x) in h.iter().enumerate() {
            let entry = xps_patch_history_entry {
                generation: x.generation,
                previous_generation: x.previous_generation,
                action: if x.action == hotpatch::Action::Apply { XPS_PATCH_ACTION_APPLY } else { XPS_PATCH_ACTION_ROLLBACK },
                version: x.version,
                patch_id: id_field(&x.patch_id),
            };
            // SAFETY: `out` holds `cap >= h.len()` entries (caller contract).
            unsafe { out.add(i).write(entry) };
        }
        set_len(count, h.len());
        Ok(())
    })
}

/// Number of patches currently applied (a stack; `xps_patch_rollback` pops the newest).
#[no_mangle]
pub extern "C" fn xps_patch_applied_count() -> usize {
    guard_value(0, || hotpatch::applied().len())
}

/// Sets the audit log file (JSON lines, created 0600, appended and flushed before apply/rollback
/// return). NULL: back to `$XPS_PATCH_AUDIT_LOG` (no file if unset; records are still kept in
/// memory).
#[no_mangle]
pub unsafe extern "C" fn xps_patch_set_audit_log(path: *const c_char) -> xps_status {
    guard(|| {
        if path.is_null() {
            hotpatch::set_audit_log(None);
        } else {
            // SAFETY: NUL-terminated string (caller contract).
            let p = unsafe { cstr(path, "path") }?;
            if p.is_empty() {
                return Err(e(Status::InvalidParameter, "empty audit log path"));
            }
            hotpatch::set_audit_log(Some(p.into()));
        }
        Ok(())
    })
}

/// The pipeline step an `XPS_E_PATCH_*` status stands for ("parse", "signature", "digest",
/// "policy", "abi", "load", "cpu", "kat", "differential", "audit"); NULL for other statuses.
#[no_mangle]
pub extern "C" fn xps_patch_step_name(status: xps_status) -> *const c_char {
    guard_value(std::ptr::null(), || {
        Status::from_code(status).and_then(Step::from_status).map_or(std::ptr::null(), |s| crate::status::interned(s.name()))
    })
}

/// The kernel ABI version this library accepts from patch modules (`XPS_KERNEL_ABI_VERSION` of
/// `xpscrypto_kernel.h`).
#[no_mangle]
pub extern "C" fn xps_kernel_abi_version() -> u32 {
    xpscrypto_core::dispatch::KERNEL_ABI_VERSION
}

/// Development only: non-zero lets a trust store with `allow_unsigned: true` admit unsigned
/// patches (every other check still runs; audit records say "unsigned"). Zero (the default):
/// such trust stores are refused. Never enable in production.
#[no_mangle]
pub extern "C" fn xps_policy_set_allow_unsigned_patches_for_development(on: i32) -> xps_status {
    guard(|| {
        policy::set_allow_unsigned_patches_for_development(on != 0);
        Ok(())
    })
}

/// Signs a manifest as `signer` (trust-store name) with a 32-byte Ed25519 secret key (the
/// `xps_sign_keypair(XPS_ALG_ED25519)` format) and, when `ml_dsa_65_sk` is non-NULL, an ML-DSA-65
/// secret key as well; a previous signature by the same signer is replaced. Writes the signed
/// manifest JSON to `out` (`*out_len` bytes; `XPS_E_BUFFER_TOO_SMALL` with the needed size).
/// Refuses manifests that do not parse (`XPS_E_PATCH_MALFORMED`).
#[no_mangle]
pub unsafe extern "C" fn xps_patch_sign_manifest(
    manifest: *const u8,
    manifest_len: usize,
    signer: *const c_char,
    ed25519_sk: *const u8,
    ed25519_sk_len: usize,
    ml_dsa_65_sk: *const u8,
    ml_dsa_65_sk_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> xps_status {
    guard(|| {
        need_len_ptr(out_len)?;
        // SAFETY: (pointer, length) pairs and a NUL-terminated string per the C conventions.
        let (m, s, ed) = unsafe { (input(manifest, manifest_len, "manifest")?, cstr(signer, "signer")?, input(ed25519_sk, ed25519_sk_len, "ed25519_sk")?) };
        let ml = if ml_dsa_65_sk.is_null() {
            None
        } else {
            // SAFETY: as above.
            Some(unsafe { input(ml_dsa_65_sk, ml_dsa_65_sk_len, "ml_dsa_65_sk") }?)
        };
        let signed = hotpatch::sign_manifest(m, s, ed, ml)?;
        check_out_len(out, out_cap, u64::MAX, "out")?;
        if out_cap < signed.len() {
            set_len(out_len, signed.len());
            return Err(e(Status::BufferTooSmall, format!("the signed manifest needs {} bytes, buffer has {out_cap}", signed.len())));
        }
        // SAFETY: `out` is valid for `out_cap >= signed.len()` bytes (caller contract).
        let o = unsafe { output(out, out_cap, "out") }?;
        o[..signed.len()].copy_from_slice(signed.as_bytes());
        set_len(out_len, signed.len());
        Ok(())
    })
}

/// Checks a manifest and payload against a trust store without loading anything: the parse,
/// signature, digest, policy (signers per op, time window, version against this process's active
/// patches) and manifest-ABI steps of `xps_patch_apply`. Writes no audit record and changes
/// nothing. `XPS_OK` or the `XPS_E_PATCH_*` status of the failing step.
#[no_mangle]
pub unsafe extern "C" fn xps_patch_verify(
    manifest: *const u8,
    manifest_len: usize,
    payload: *const u8,
    payload_len: usize,
    trust_store: *const u8,
    trust_store_len: usize,
) -> xps_status {
    guard(|| {
        // SAFETY: (pointer, length) pairs per the C conventions.
        let (m, p, t) = unsafe { (input(manifest, manifest_len, "manifest")?, input(payload, payload_len, "payload")?, input(trust_store, trust_store_len, "trust_store")?) };
        hotpatch::verify_only(m, p, t).map(|_| ())
    })
}
