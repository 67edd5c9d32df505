//! Metrics: per op, algorithm and kernel (calls, bytes, failures), events (self-tests, mlock
//! failures, hot-patches, keyring), and Prometheus text exposition.

use crate::boundary::*;
use crate::status::interned;
use std::ffi::c_char;
use xpscrypto_core::metrics::{self, KeyringEvent, PatchEvent};
use xpscrypto_core::Status;

/// Counters of one (op, kernel) pair, from `xps_metrics_snapshot`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct xps_metric_entry {
    /// The op, e.g. "hash.sha256", "aead.aes-256-gcm.seal", "kem.ml-kem-768.decaps" (static,
    /// NUL-terminated; valid for the life of the process).
    pub op: *const c_char,
    /// Canonical algorithm name (static).
    pub alg: *const c_char,
    /// The kernel that ran, e.g. "sha256/sha-ni"; "none" for calls refused before a kernel ran
    /// (static: patch modules are never unloaded).
    pub kernel: *const c_char,
    /// The algorithm id (`XPS_ALG_*`).
    pub alg_id: u32,
    /// Calls, including failed ones.
    pub calls: u64,
    /// Input bytes of those calls (message, plaintext or ciphertext, input key material or
    /// password, KEM ciphertext; 0 for key generation and encapsulation).
    pub bytes: u64,
    /// Calls that returned an error.
    pub failures: u64,
}

/// Event counters, from `xps_metrics_events` (since the process started or `xps_metrics_reset`).
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct xps_metric_events {
    /// Complete self-test runs (power-on, or on demand such as turning FIPS mode on) that passed.
    pub selftest_runs_passed: u64,
    pub selftest_runs_failed: u64,
    /// Individual known-answer checks (one per kernel or construction) that passed / failed.
    pub selftest_checks_passed: u64,
    pub selftest_checks_failed: u64,
    /// Secure allocations whose mlock failed.
    pub mlock_failures: u64,
    /// Hot-patches applied, refused, rolled back.
    pub patch_applied: u64,
    pub patch_rejected: u64,
    pub patch_rolled_back: u64,
    /// Keyring lifecycle events.
    pub keyring_generate: u64,
    pub keyring_rotate: u64,
    pub keyring_retire: u64,
    pub keyring_revoke: u64,
    pub keyring_destroy: u64,
    pub keyring_failed: u64,
}

/// Every (op, kernel) counter, summed over all threads (running and exited), into `out[0..cap)`;
/// `*count` receives the number of entries. With `cap` too small: `XPS_E_BUFFER_TOO_SMALL`,
/// `*count` = the entries needed, nothing else written (`out` may be NULL with `cap` 0 to ask).
/// Entries with nothing counted since the last reset are left out; the number can grow between
/// two calls. Sorted by op, then kernel.
#[no_mangle]
pub unsafe extern "C" fn xps_metrics_snapshot(out: *mut xps_metric_entry, cap: usize, count: *mut usize) -> xps_status {
    guard(|| {
        need_len_ptr(count)?;
        let s = metrics::snapshot();
        if cap < s.ops.len() {
            set_len(count, s.ops.len());
            return Err(e(Status::BufferTooSmall, format!("the snapshot has {} entries, capacity {cap}", s.ops.len())));
        }
        if out.is_null() && !s.ops.is_empty() {
            return Err(e(Status::NullPointer, "out is NULL"));
        }
        for (i, m) in s.ops.iter().enumerate() {
            let entry = xps_metric_entry {
                op: interned(m.op),
                alg: interned(m.alg.name()),
                kernel: interned(m.kernel),
                alg_id: m.alg.id(),
                calls: m.calls,
                bytes: m.bytes,
                failures: m.failures,
            };
            // SAFETY: `out` holds `cap >= s.ops.len()` entries (caller contract).
            unsafe { out.add(i).write(entry) };
        }
        set_len(count, s.ops.len());
        Ok(())
    })
}

/// The event counters into `*out`.
#[no_mangle]
pub unsafe extern "C" fn xps_metrics_events(out: *mut xps_metric_events) -> xps_status {
    guard(|| {
        if out.is_null() {
            return Err(e(Status::NullPointer, "out is NULL"));
        }
        let s = metrics::snapshot();
        let ev = xps_metric_events {
            selftest_runs_passed: s.selftest_runs_passed,
            selftest_runs_failed: s.selftest_runs_failed,
            selftest_checks_passed: s.selftest_checks_passed,
            selftest_checks_failed: s.selftest_checks_failed,
            mlock_failures: s.mlock_failures,
            patch_applied: s.patch_event(PatchEvent::Applied),
            patch_rejected: s.patch_event(PatchEvent::Rejected),
            patch_rolled_back: s.patch_event(PatchEvent::RolledBack),
            keyring_generate: s.keyring_event(KeyringEvent::Generate),
            keyring_rotate: s.keyring_event(KeyringEvent::Rotate),
            keyring_retire: s.keyring_event(KeyringEvent::Retire),
            keyring_revoke: s.keyring_event(KeyringEvent::Revoke),
            keyring_destroy: s.keyring_event(KeyringEvent::Destroy),
            keyring_failed: s.keyring_event(KeyringEvent::Failed),
        };
        // SAFETY: non-NULL and writable for one struct (caller contract).
        unsafe { out.write(ev) };
        Ok(())
    })
}

/// Starts every counter from zero again (later snapshots and events count from now).
#[no_mangle]
pub extern "C" fn xps_metrics_reset() -> xps_status {
    guard(|| {
        metrics::reset();
        Ok(())
    })
}

/// Non-zero (the default): count operations; zero: stop counting them (counts are kept; events
/// are always counted).
#[no_mangle]
pub extern "C" fn xps_metrics_set_enabled(on: i32) -> xps_status {
    guard(|| {
        metrics::set_enabled(on != 0);
        Ok(())
    })
}

/// 1 if operations are counted, else 0.
#[no_mangle]
pub extern "C" fn xps_metrics_enabled() -> i32 {
    guard_value(0, || i32::from(metrics::enabled()))
}

/// The metrics as Prometheus text exposition (format 0.0.4: `# HELP`/`# TYPE` lines, counters
/// `xps_op_calls_total{op=…,alg=…,kernel=…}`, `xps_op_bytes_total`, `xps_op_failures_total`,
/// `xps_selftest_runs_total{result=…}`, `xps_selftest_checks_total{result=…}`,
/// `xps_mlock_failures_total`, `xps_patch_events_total{kind=…}`,
/// `xps_keyring_events_total{kind=…}`), NUL-terminated, into `out`. On success `*out_len` is the
/// text's length without the NUL. If `cap` is smaller than length + 1: `XPS_E_BUFFER_TOO_SMALL`
/// and `*out_len` = the capacity needed (length + 1), nothing else written (`out` may be NULL
/// with `cap` 0 to ask). The text can grow between two calls: retry with the new size.
#[no_mangle]
pub unsafe extern "C" fn xps_metrics_prometheus(out: *mut c_char, cap: usize, out_len: *mut usize) -> xps_status {
    guard(|| {
        need_len_ptr(out_len)?;
        let text = metrics::prometheus();
        let need = text.len() + 1;
        if cap < need {
            set_len(out_len, need);
            return Err(e(Status::BufferTooSmall, format!("the metrics text needs {need} bytes (with its NUL), capacity {cap}")));
        }
        // SAFETY: `cap >= need > 0` bytes writable at `out` (caller contract; `output` checks NULL).
        let o = unsafe { output(out.cast::<u8>(), cap, "out")? };
        o[..text.len()].copy_from_slice(text.as_bytes());
        o[text.len()] = 0;
        set_len(out_len, text.len());
        Ok(())
    })
}
