//! Library-wide calls: version, status codes, algorithm names, randomness, constant-time helpers,
//! secure memory, CPU features, dispatch introspection/control and policy switches.

use napi::bindgen_prelude::*;
use napi_derive::napi;
use xpscrypto_core::{cpu, dispatch, policy, Alg, Status};

use crate::err::{new_buffer, status, OrJs, OutBuf, Result};
use crate::task::{spawn, Work};

/// Runs the power-on self-tests and publishes the dispatch table (idempotent; every call also
/// does it lazily).
#[napi]
pub fn init() -> Result<()> {
    xpscrypto_core::init().js()
}

/// The library version ("0.1.0").
#[napi]
pub fn version() -> &'static str {
    xpscrypto_core::VERSION
}

/// The version as `major * 10000 + minor * 100 + patch`.
#[napi]
pub fn version_number() -> u32 {
    let mut it = xpscrypto_core::VERSION.split('.').map(|p| p.split(|c: char| !c.is_ascii_digit()).next().unwrap_or("0").parse::<u32>().unwrap_or(0));
    let (a, b, c) = (it.next().unwrap_or(0), it.next().unwrap_or(0), it.next().unwrap_or(0));
    a * 10000 + b * 100 + c
}

/// Symbolic name of a status code; "XPS_E_UNKNOWN_STATUS" if unknown.
#[napi]
pub fn status_name(status: i32) -> &'static str {
    Status::from_code(status).map_or("XPS_E_UNKNOWN_STATUS", |s| s.name())
}

/// Fixed English description of a status code.
#[napi]
pub fn status_message(status: i32) -> &'static str {
    Status::from_code(status).map_or("unknown status code", |s| s.message())
}

/// `status / 100`: 1 misuse, 2 crypto failure, 3 policy, 4 environment, 5 dispatch/patch, 6 internal.
#[napi]
pub fn status_category(status: i32) -> i32 {
    status / 100
}

/// A status code with its name and message.
#[napi(object)]
pub struct StatusInfo {
    pub status: i32,
    pub code: String,
    pub message: String,
}

/// Every status code.
#[napi]
pub fn statuses() -> Vec<StatusInfo> {
    Status::ALL.iter().map(|s| StatusInfo { status: s.code(), code: s.name().into(), message: s.message().into() }).collect()
}

/// Canonical names of every algorithm, in id order.
#[napi]
pub fn algorithms() -> Vec<&'static str> {
    Alg::ALL.iter().map(|a| a.name()).collect()
}

/// Numeric id of a canonical name (as `xps_alg_from_name`); 0 if unknown.
#[napi]
pub fn alg_from_name(name: String) -> u32 {
    Alg::from_name(&name).map_or(0, |a| a.id())
}

/// Canonical name of a numeric id (throws `XPS_E_UNKNOWN_ALGORITHM` if unknown).
#[napi]
pub fn alg_name(id: u32) -> Result<&'static str> {
    Ok(Alg::from_id_checked(id).js()?.name())
}

/// `n` bytes from the operating system's CSPRNG.
#[napi(ts_return_type = "Buffer")]
pub fn random_bytes(env: &Env, n: u32) -> Result<OutBuf> {
    new_buffer(env, n as usize, xpscrypto_core::rand::random_bytes)
}

/// `randomBytes` on the libuv pool.
#[napi(ts_return_type = "Promise<Buffer>")]
pub fn random_bytes_async(n: u32, signal: Option<AbortSignal>) -> AsyncTask<Work<Vec<u8>>> {
    spawn(
        move || {
            let mut v = vec![0u8; n as usize];
            xpscrypto_core::rand::random_bytes(&mut v)?;
            Ok(v)
        },
        signal,
    )
}

/// Constant-time equality (lengths are not secret).
#[napi]
pub fn ct_equal(a: &[u8], b: &[u8]) -> bool {
    xpscrypto_core::ct_equal(a, b)
}

/// Constant-time all-zero check.
#[napi]
pub fn ct_is_zero(a: &[u8]) -> bool {
    xpscrypto_core::ct_is_zero(a)
}

/// Overwrites `buf` with zeros in a way the compiler cannot elide.
#[napi]
pub fn secure_zero(mut buf: Uint8Array) {
    // SAFETY: the typed array stays alive for the call; no other Rust view of it exists.
    xpscrypto_core::secure_zero(unsafe { buf.as_mut() })
}

/// A `Uint8Array` of `size` zero bytes in secure memory (locked in RAM when possible, guard pages,
/// excluded from core dumps). The memory is wiped and freed when the array is garbage-collected;
/// wipe it earlier with `secureZero`. Throws `XPS_E_MLOCK_FAILED` under the require-mlock policy.
#[napi]
pub fn secure_alloc(size: u32) -> Result<Uint8Array> {
    if size == 0 {
        return Err(status(Status::InvalidLength, "secure allocation of 0 bytes"));
    }
    let mut b = xpscrypto_core::SecureBuffer::new(size as usize).js()?;
    let (ptr, len) = (b.as_mut_ptr(), b.len());
    let holder = std::sync::Mutex::new(Some(b));
    // SAFETY: `ptr`/`len` describe the SecureBuffer's memory, which `holder` keeps alive until the
    // JS engine calls the finalizer (after the last view of the array is gone); it then drops
    // (wipes and frees) it.
    Ok(unsafe {
        Uint8Array::with_external_data(ptr, len, move |_, _| {
            drop(holder.lock().unwrap_or_else(|e| e.into_inner()).take());
        })
    })
}

/// Whether secure allocations are being locked in RAM (false once any mlock failed).
#[napi]
pub fn secure_is_locked() -> bool {
    xpscrypto_core::secure::lock_failures() == 0
}

/// How many secure allocations could not be locked in RAM so far.
#[napi]
pub fn secure_lock_failures() -> i64 {
    xpscrypto_core::secure::lock_failures() as i64
}

/// CPU features detected, minus those masked by `XPS_CPU_DISABLE`.
#[napi]
pub fn cpu_features() -> Vec<&'static str> {
    cpu::feature_names(cpu::features())
}

/// CPU features the hardware reports, before any masking.
#[napi]
pub fn cpu_hardware_features() -> Vec<&'static str> {
    cpu::feature_names(cpu::hardware_features())
}

/// Name of a feature bit (0..63); `null` if unassigned.
#[napi]
pub fn cpu_feature_name(bit: u32) -> Option<&'static str> {
    cpu::FEATURES.iter().find(|(b, _)| bit < 64 && *b == 1u64 << bit).map(|(_, n)| *n)
}

/// One candidate kernel of an op.
#[napi(object)]
pub struct CandidateInfo {
    pub name: String,
    pub requires: Vec<String>,
    pub constant_time: bool,
    pub priority: i32,
    pub available: bool,
}

/// One op: its candidates and the active kernel.
#[napi(object)]
pub struct OpInfo {
    pub op: String,
    pub active: String,
    pub forced: bool,
    pub candidates: Vec<CandidateInfo>,
    /// The kernel of each size bucket (≤256 B, ≤2 KiB, ≤64 KiB, larger); all `active` unless autotuned.
    pub by_size: Vec<String>,
    /// Autotune's nanoseconds per call, per candidate and bucket (empty when not tuned).
    pub tuned_ns: std::collections::HashMap<String, Vec<f64>>,
}

/// Every op with its candidate kernels and the active one.
#[napi]
pub fn dispatch_info() -> Result<Vec<OpInfo>> {
    Ok(dispatch::info()
        .js()?
        .into_iter()
        .map(|o| OpInfo {
            op: o.op.into(),
            active: o.active.into(),
            forced: o.forced,
            by_size: o.by_size.iter().map(|k| k.to_string()).collect(),
            tuned_ns: o.tuned_ns.iter().map(|(k, ns)| (k.to_string(), ns.to_vec())).collect(),
            candidates: o
                .candidates
                .into_iter()
                .map(|c| CandidateInfo {
                    name: c.name.into(),
                    requires: c.requires.into_iter().map(String::from).collect(),
                    constant_time: c.constant_time,
                    priority: c.priority,
                    available: c.available,
                })
                .collect(),
        })
        .collect())
}

/// Name of the active kernel of `op`.
#[napi]
pub fn dispatch_active_kernel(op: String) -> Result<&'static str> {
    dispatch::active_kernel(&op).js()
}

/// Forces `op` to the candidate `kernel` (available on this CPU and allowed by policy).
#[napi]
pub fn dispatch_force(op: String, kernel: String) -> Result<()> {
    dispatch::force(&op, &kernel).js()
}

/// Clears every forced kernel.
#[napi]
pub fn dispatch_reset() -> Result<()> {
    dispatch::reset().js()
}

/// Generation of the active dispatch table (changes on every swap).
#[napi]
pub fn dispatch_generation() -> i64 {
    dispatch::generation() as i64
}

/// Autotune on: times every op's candidates per size bucket now (about 0.1 s) and publishes the
/// fastest; off: selection by priority (the default, deterministic).
#[napi]
pub fn dispatch_set_autotune(on: bool) -> Result<()> {
    dispatch::set_autotune(on).js()
}

/// Whether autotune is on (`dispatchSetAutotune`, or `XPS_AUTOTUNE=1` at start-up).
#[napi]
pub fn dispatch_autotune_enabled() -> bool {
    dispatch::autotune_enabled()
}

/// Name of the kernel `op` runs for `length` bytes (its size bucket's kernel).
#[napi]
pub fn dispatch_kernel_for_size(op: String, length: u32) -> Result<&'static str> {
    dispatch::kernel_for_size(&op, length as usize).js()
}

/// Restricts the instruction sets kernels may use, by feature names (`[]` = portable only).
#[napi]
pub fn policy_set_isa_mask(features: Vec<String>) -> Result<()> {
    let mut m = 0u64;
    for name in &features {
        let bit = cpu::FEATURES.iter().find(|(_, n)| n == name).map(|(b, _)| *b);
        m |= bit.ok_or_else(|| status(Status::InvalidParameter, format!("unknown CPU feature name {name:?}")))?;
    }
    policy::set_isa_mask(m).js()
}

/// Lifts the ISA restriction (every feature allowed again).
#[napi]
pub fn policy_clear_isa_mask() -> Result<()> {
    policy::set_isa_mask(u64::MAX).js()
}

/// The features the policy allows (names).
#[napi]
pub fn policy_isa_mask() -> Vec<&'static str> {
    cpu::feature_names(policy::isa_mask())
}

/// Constant-time kernels only (reselects kernels).
#[napi]
pub fn policy_set_ct_only(on: bool) -> Result<()> {
    policy::set_ct_only(on).js()
}

/// Whether only constant-time kernels may be selected.
#[napi]
pub fn policy_ct_only() -> bool {
    policy::ct_only()
}

/// Make secure allocations fail (`XPS_E_MLOCK_FAILED`) when mlock fails.
#[napi]
pub fn policy_set_require_mlock(on: bool) {
    policy::set_require_mlock(on)
}

/// Whether secure allocations fail when mlock fails.
#[napi]
pub fn policy_require_mlock() -> bool {
    policy::require_mlock()
}

/// Allow or refuse RSA private-key operations.
#[napi]
pub fn policy_set_rsa_private_ops(on: bool) {
    policy::set_rsa_private_ops(on)
}

/// Whether RSA private-key operations are allowed.
#[napi]
pub fn policy_rsa_private_ops() -> bool {
    policy::rsa_private_ops_allowed()
}

/// Benchmark support (not API): seconds for `iterations` core calls on `size`-byte inputs, looped
/// in Rust (hash names: one-shot digest; AEAD names: seal with a key handle). `reuse`: AEAD output
/// into one reused buffer instead of a new one per call.
#[napi(js_name = "_benchCore")]
pub fn bench_core(op: String, size: u32, iterations: u32, reuse: Option<bool>) -> Result<f64> {
    use xpscrypto_core::{aead, hash, Family};
    let a = Alg::from_name(&op).ok_or_else(|| status(Status::UnknownAlgorithm, op.clone()))?;
    let data = vec![0x5au8; size as usize];
    let t = std::time::Instant::now();
    match a.family() {
        Family::Hash => {
            for _ in 0..iterations {
                std::hint::black_box(hash::hash(a, std::hint::black_box(&data)).js()?);
            }
        }
        Family::Aead => {
            let k = aead::AeadKey::new(a, &vec![7u8; aead::key_len(a).js()?]).js()?;
            let nonce = vec![1u8; aead::nonce_len(a).js()?];
            let mut out = vec![0u8; data.len() + aead::TAG_LEN];
            for _ in 0..iterations {
                if reuse.unwrap_or(false) {
                    k.seal(&nonce, &[], std::hint::black_box(&data), &mut out).js()?;
                } else {
                    std::hint::black_box(k.seal_to_vec(&nonce, &[], std::hint::black_box(&data)).js()?);
                }
            }
        }
        _ => return Err(status(Status::InvalidParameter, "bench: hash or AEAD names only")),
    }
    Ok(t.elapsed().as_secs_f64())
}
