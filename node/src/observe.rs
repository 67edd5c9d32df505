//! Policy (the whole set, FIPS-like mode, allowed algorithms, hot-patch switch) and metrics
//! (snapshot object, Prometheus text, reset), mirroring `xps_policy_*` and `xps_metrics_*`.

use napi_derive::napi;
use xpscrypto_core::policy::{self, AlgSet};
use xpscrypto_core::metrics as core_metrics;
use xpscrypto_core::{cpu, Alg, Status};

use crate::err::{shown, status, OrJs, Result};

fn any_alg(name: &str) -> Result<Alg> {
    Alg::from_name(name).ok_or_else(|| status(Status::UnknownAlgorithm, format!("unknown algorithm name {:?} (see algorithms())", shown(name))))
}

/// The whole process-wide policy (`policyGet`, `policyDefault`).
#[napi(object)]
pub struct PolicyInfo {
    /// Canonical names of the allowed algorithms.
    pub allowed_algorithms: Vec<String>,
    /// FIPS-like mode: only FIPS-approved algorithms (see `fipsApproved`).
    pub fips_mode: bool,
    pub min_rsa_bits: u32,
    pub min_hmac_key_bytes: u32,
    pub ct_only: bool,
    /// CPU features kernels may use (names, as `policyIsaMask()`).
    pub isa_mask: Vec<String>,
    pub require_mlock: bool,
    pub hot_patch_allowed: bool,
    pub rsa_private_ops: bool,
}

/// A policy change for `policyReplace`: fields left out keep their current values.
#[napi(object)]
pub struct PolicyUpdate {
    pub allowed_algorithms: Option<Vec<String>>,
    pub fips_mode: Option<bool>,
    pub min_rsa_bits: Option<u32>,
    pub min_hmac_key_bytes: Option<u32>,
    pub ct_only: Option<bool>,
    pub isa_mask: Option<Vec<String>>,
    pub require_mlock: Option<bool>,
    pub hot_patch_allowed: Option<bool>,
    pub rsa_private_ops: Option<bool>,
}

/// Every assigned feature bit.
fn all_features() -> u64 {
    cpu::FEATURES.iter().fold(0, |m, (b, _)| m | b)
}

fn info(p: &policy::Policy) -> PolicyInfo {
    PolicyInfo {
        allowed_algorithms: p.allowed_algorithms.iter().map(|a| a.name().to_string()).collect(),
        fips_mode: p.fips_mode,
        min_rsa_bits: p.min_rsa_bits,
        min_hmac_key_bytes: u32::try_from(p.min_hmac_key_bytes).unwrap_or(u32::MAX),
        ct_only: p.ct_only,
        isa_mask: cpu::feature_names(p.isa_mask).into_iter().map(String::from).collect(),
        require_mlock: p.require_mlock,
        hot_patch_allowed: p.hot_patch_allowed,
        rsa_private_ops: p.rsa_private_ops,
    }
}

/// The current policy (as `xps_policy_get`).
#[napi]
pub fn policy_get() -> PolicyInfo {
    info(&policy::current())
}

/// The default policy: everything allowed, no FIPS mode (as `xps_policy_default`).
#[napi]
pub fn policy_default() -> PolicyInfo {
    info(&policy::Policy::default())
}

/// Replaces the policy atomically (as `xps_policy_replace`); fields left out keep their current
/// values. FIPS mode forces `ctOnly` and raises the minimum key sizes; turning it on runs the
/// self-tests first. Changing `isaMask` or `ctOnly` re-selects kernels.
#[napi]
pub fn policy_replace(update: PolicyUpdate) -> Result<()> {
    let mut p = policy::current();
    if let Some(names) = update.allowed_algorithms {
        let mut set = AlgSet::EMPTY;
        for n in &names {
            set.insert(any_alg(n)?);
        }
        p.allowed_algorithms = set;
    }
    if let Some(names) = update.isa_mask {
        let mut m = 0u64;
        for name in &names {
            let bit = cpu::FEATURES.iter().find(|(_, n)| n == name).map(|(b, _)| *b);
            m |= bit.ok_or_else(|| status(Status::InvalidParameter, format!("unknown CPU feature name {:?}", shown(name))))?;
        }
        // Every feature named = no restriction (the mask `policyGet` reports for the default).
        p.isa_mask = if m == all_features() { u64::MAX } else { m };
    }
    p.fips_mode = update.fips_mode.unwrap_or(p.fips_mode);
    p.min_rsa_bits = update.min_rsa_bits.unwrap_or(p.min_rsa_bits);
    p.min_hmac_key_bytes = update.min_hmac_key_bytes.map_or(p.min_hmac_key_bytes, |n| n as usize);
    p.ct_only = update.ct_only.unwrap_or(p.ct_only);
    p.require_mlock = update.require_mlock.unwrap_or(p.require_mlock);
    p.hot_patch_allowed = update.hot_patch_allowed.unwrap_or(p.hot_patch_allowed);
    p.rsa_private_ops = update.rsa_private_ops.unwrap_or(p.rsa_private_ops);
    policy::replace(p).js()
}

/// FIPS-like mode on (self-tests run again first; CT-only forced; minimum key sizes raised) or off.
#[napi]
pub fn policy_set_fips_mode(on: bool) -> Result<()> {
    policy::set_fips_mode(on).js()
}

/// Whether FIPS-like mode is on.
#[napi]
pub fn policy_fips_mode() -> bool {
    policy::fips_mode()
}

/// Allow (the default) or refuse applying hot-patches (`PatchError`, XPS_E_PATCH_POLICY).
#[napi]
pub fn policy_set_hot_patch_allowed(on: bool) {
    policy::set_hot_patch_allowed(on)
}

/// Whether hot-patches may be applied.
#[napi]
pub fn policy_hot_patch_allowed() -> bool {
    policy::hot_patch_allowed()
}

/// Adds an algorithm to the allowed set (or removes it with `allowed` false; default true).
#[napi]
pub fn policy_allow_algorithm(alg: String, allowed: Option<bool>) -> Result<()> {
    policy::allow_algorithm(any_alg(&alg)?, allowed.unwrap_or(true)).js()
}

/// Whether an algorithm may run under the current policy (allowed, and FIPS-approved in FIPS mode).
#[napi]
pub fn policy_algorithm_allowed(alg: String) -> Result<bool> {
    Ok(policy::allowed(any_alg(&alg)?))
}

/// Whether an algorithm is FIPS-approved (allowed in FIPS mode; see SECURITY.md).
#[napi]
pub fn fips_approved(alg: String) -> Result<bool> {
    Ok(policy::fips_approved(any_alg(&alg)?))
}

/// Counters of one (op, kernel) pair.
#[napi(object)]
pub struct OpMetrics {
    /// e.g. "hash.sha256", "aead.aes-256-gcm.seal".
    pub op: String,
    pub alg: String,
    /// The kernel that ran; "none" for calls refused before a kernel ran.
    pub kernel: String,
    pub calls: i64,
    pub bytes: i64,
    pub failures: i64,
}

/// Self-test results.
#[napi(object)]
pub struct SelftestMetrics {
    pub runs_passed: i64,
    pub runs_failed: i64,
    pub checks_passed: i64,
    pub checks_failed: i64,
}

/// Hot-patch events.
#[napi(object)]
pub struct PatchEvents {
    pub applied: i64,
    pub rejected: i64,
    pub rolled_back: i64,
}

/// Keyring events.
#[napi(object)]
pub struct KeyringEvents {
    pub generate: i64,
    pub rotate: i64,
    pub retire: i64,
    pub revoke: i64,
    pub destroy: i64,
    pub failed: i64,
}

/// Every counter (as `xps_metrics_snapshot` + `xps_metrics_events`).
#[napi(object)]
pub struct MetricsSnapshot {
    pub ops: Vec<OpMetrics>,
    pub selftest: SelftestMetrics,
    pub mlock_failures: i64,
    pub patch_events: PatchEvents,
    pub keyring_events: KeyringEvents,
    /// Whether operations are counted.
    pub enabled: bool,
}

fn n(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// Every counter now (since the start or the last `metricsReset()`), over all threads.
#[napi]
pub fn metrics() -> MetricsSnapshot {
    use core_metrics::{KeyringEvent as K, PatchEvent as P};
    let s = core_metrics::snapshot();
    MetricsSnapshot {
        ops: s
            .ops
            .iter()
            .map(|m| OpMetrics { op: m.op.into(), alg: m.alg.name().into(), kernel: m.kernel.into(), calls: n(m.calls), bytes: n(m.bytes), failures: n(m.failures) })
            .collect(),
        selftest: SelftestMetrics {
            runs_passed: n(s.selftest_runs_passed),
            runs_failed: n(s.selftest_runs_failed),
            checks_passed: n(s.selftest_checks_passed),
            checks_failed: n(s.selftest_checks_failed),
        },
        mlock_failures: n(s.mlock_failures),
        patch_events: PatchEvents { applied: n(s.patch_event(P::Applied)), rejected: n(s.patch_event(P::Rejected)), rolled_back: n(s.patch_event(P::RolledBack)) },
        keyring_events: KeyringEvents {
            generate: n(s.keyring_event(K::Generate)),
            rotate: n(s.keyring_event(K::Rotate)),
            retire: n(s.keyring_event(K::Retire)),
            revoke: n(s.keyring_event(K::Revoke)),
            destroy: n(s.keyring_event(K::Destroy)),
            failed: n(s.keyring_event(K::Failed)),
        },
        enabled: core_metrics::enabled(),
    }
}

/// The metrics as Prometheus text exposition format 0.0.4 (as `xps_metrics_prometheus`).
#[napi]
pub fn metrics_prometheus() -> String {
    core_metrics::prometheus()
}

/// Starts every counter from zero again.
#[napi]
pub fn metrics_reset() {
    core_metrics::reset()
}

/// Count operations (the default) or not (counts are kept; events are always counted).
#[napi]
pub fn metrics_set_enabled(on: bool) {
    core_metrics::set_enabled(on)
}

/// Whether operations are counted.
#[napi]
pub fn metrics_enabled() -> bool {
    core_metrics::enabled()
}
