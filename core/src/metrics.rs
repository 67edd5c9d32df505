//! Metrics: per operation, algorithm and kernel — calls, bytes and failures — plus self-test
//! results, `mlock` failures, hot-patch events and keyring events; as a [`Snapshot`] and as
//! Prometheus text exposition (format 0.0.4, [`prometheus`]).
//!
//! What is counted: every call of a public entry point of [`hash`](crate::hash),
//! [`mac`](crate::mac), [`aead`](crate::aead) (one-shot and [`AeadKey`](crate::aead::AeadKey)),
//! [`kdf`](crate::kdf), [`sign`](crate::sign) and [`kem`](crate::kem) — once per call, with
//! `bytes` = the length of its main input (message, plaintext/ciphertext, input keying material
//! or password, KEM ciphertext), attributed to the kernel that ran (built-in or hot-patched; for
//! HMAC, HKDF and PBKDF2 the hash kernel underneath). A call that fails counts as a call and a
//! failure; if it failed before a kernel ran (bad length, policy refusal) its kernel is `none`.
//! Streaming hashes and MACs count once, when they are finalized, with the bytes fed. Calls with
//! an algorithm of the wrong family (not an op at all) are not counted.
//!
//! Cost: counters live in a per-thread block, written only by their thread with relaxed loads
//! and stores (no atomic read-modify-write, no shared cache line): a call costs a thread-local
//! load, one compare and two adds. Blocks are registered in a global list and summed at snapshot
//! time; when a thread exits its block is folded into a global total. [`reset`] records the
//! current totals as a baseline instead of zeroing counters other threads own. Measured in
//! `core/benches/metrics.rs` (BENCHMARKS.md). [`set_enabled`]`(false)` turns counting off.
//!
//! Metrics never contain key material or data, only names and counts.

use crate::alg::Alg;
use crate::dispatch::KernelDesc;
use std::cell::Cell;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

/// The verb of a counted operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum OpKind {
    Hash = 0,
    Mac,
    MacVerify,
    AeadSeal,
    AeadOpen,
    Kdf,
    SignKeypair,
    Sign,
    Verify,
    KemKeypair,
    KemEncaps,
    KemDecaps,
}

/// Per kind: (algorithm family byte, algorithms in the family, first op index, label prefix,
/// label suffix). Op labels are `prefix.alg-name suffix`, e.g. `aead.aes-256-gcm.seal`.
const KINDS: [(u32, usize, usize, &str, &str); 12] = [
    (1, 10, 0, "hash", ""),
    (2, 5, 10, "mac", ""),
    (2, 5, 15, "mac", ".verify"),
    (3, 4, 20, "aead", ".seal"),
    (3, 4, 24, "aead", ".open"),
    (4, 6, 28, "kdf", ""),
    (5, 9, 34, "sign", ".keypair"),
    (5, 9, 43, "sign", ".sign"),
    (5, 9, 52, "sign", ".verify"),
    (6, 5, 61, "kem", ".keypair"),
    (6, 5, 66, "kem", ".encaps"),
    (6, 5, 71, "kem", ".decaps"),
];
/// Number of (kind, algorithm) ops.
const NUM_OPS: usize = 76;

/// Index of the (kind, alg) op, or `None` if `alg` is not of the kind's family.
#[inline(always)]
fn op_index(kind: OpKind, alg: Alg) -> Option<usize> {
    let (family, count, base, _, _) = KINDS[kind as usize];
    let id = alg.id();
    let i = (id & 0xff).wrapping_sub(1) as usize;
    (id >> 8 == family && i < count).then_some(base + i)
}

/// (label, algorithm) of every op index.
fn op_labels() -> &'static [(&'static str, Alg)] {
    static LABELS: std::sync::OnceLock<Vec<(&'static str, Alg)>> = std::sync::OnceLock::new();
    LABELS.get_or_init(|| {
        let mut v: Vec<(&'static str, Alg)> = Vec::with_capacity(NUM_OPS);
        for (family, count, base, prefix, suffix) in KINDS {
            for i in 0..count {
                let alg = Alg::from_id((family << 8) | (i as u32 + 1)).expect("KINDS matches the algorithm families");
                debug_assert_eq!(v.len(), base + i);
                let label: &'static str = Box::leak(format!("{prefix}.{}{suffix}", alg.name()).into_boxed_str());
                v.push((label, alg));
            }
        }
        v
    })
}

// ---------------------------------------------------------------------------------------------
// Per-thread counter blocks.
// ---------------------------------------------------------------------------------------------

/// Key of a slot: 0 = free, [`NONE_KEY`] = no kernel ran, else the kernel descriptor's address
/// (descriptors are `'static`: built-in, or in patch modules that are never unloaded).
const NONE_KEY: usize = 1;
/// Slots per thread: one home slot per op (its first kernel), then overflow slots for further
/// kernels of an op (after a force, reset, policy change or hot-patch).
const SLOTS: usize = 128;

#[repr(C, align(32))]
struct Slot {
    key: AtomicUsize,
    calls: AtomicU64,
    bytes: AtomicU64,
    failures: AtomicU64,
}

impl Slot {
    /// Owner thread only: plain load + store (no read-modify-write), relaxed.
    #[inline(always)]
    fn bump(&self, bytes: usize, failed: bool) {
        self.calls.store(self.calls.load(Ordering::Relaxed).wrapping_add(1), Ordering::Relaxed);
        self.bytes.store(self.bytes.load(Ordering::Relaxed).wrapping_add(bytes as u64), Ordering::Relaxed);
        if failed {
            self.failures.store(self.failures.load(Ordering::Relaxed).wrapping_add(1), Ordering::Relaxed);
        }
    }

    fn counts(&self) -> Counts {
        Counts { calls: self.calls.load(Ordering::Relaxed), bytes: self.bytes.load(Ordering::Relaxed), failures: self.failures.load(Ordering::Relaxed) }
    }
}

struct Block {
    slots: [Slot; SLOTS],
    /// Op index of each overflow slot (home slots: their index).
    ops: [AtomicU32; SLOTS],
}

impl Block {
    fn new() -> Block {
        Block {
            slots: std::array::from_fn(|_| Slot { key: AtomicUsize::new(0), calls: AtomicU64::new(0), bytes: AtomicU64::new(0), failures: AtomicU64::new(0) }),
            ops: std::array::from_fn(|i| AtomicU32::new(i as u32)),
        }
    }

    /// Claimed slots as (op, key, counts).
    fn each(&self, mut f: impl FnMut(usize, usize, Counts)) {
        for (i, s) in self.slots.iter().enumerate() {
            let key = s.key.load(Ordering::Acquire);
            if key != 0 {
                f(self.ops[i].load(Ordering::Relaxed) as usize, key, s.counts());
            }
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Counts {
    calls: u64,
    bytes: u64,
    failures: u64,
}

impl Counts {
    fn add(&mut self, o: Counts) {
        self.calls = self.calls.wrapping_add(o.calls);
        self.bytes = self.bytes.wrapping_add(o.bytes);
        self.failures = self.failures.wrapping_add(o.failures);
    }
    fn minus(self, o: Counts) -> Counts {
        Counts { calls: self.calls.saturating_sub(o.calls), bytes: self.bytes.saturating_sub(o.bytes), failures: self.failures.saturating_sub(o.failures) }
    }
}

/// Every live block, the totals of exited threads, and the reset baseline.
struct Registry {
    blocks: Vec<*const Block>,
    /// (op, key) → counts of threads that exited (and of calls made when no block was usable).
    exited: BTreeMap<(usize, usize), Counts>,
    /// What [`reset`] saw: per (op, kernel name), and the event counters.
    base_ops: BTreeMap<(usize, &'static str), Counts>,
    base_events: [u64; EVENTS],
}

// SAFETY: the block pointers are only dereferenced under the REGISTRY lock, and a block is freed
// only by its thread's exit guard after it has been removed from `blocks` under that lock.
unsafe impl Send for Registry {}

static REGISTRY: Mutex<Registry> = Mutex::new(Registry { blocks: Vec::new(), exited: BTreeMap::new(), base_ops: BTreeMap::new(), base_events: [0; EVENTS] });

fn registry() -> MutexGuard<'static, Registry> {
    REGISTRY.lock().unwrap_or_else(|e| e.into_inner())
}

thread_local! {
    /// This thread's block, or NULL before its first counted call (and after its exit guard ran).
    static BLOCK: Cell<*const Block> = const { Cell::new(std::ptr::null()) };
    /// Folds and frees this thread's block when the thread exits.
    static GUARD: ExitGuard = const { ExitGuard(Cell::new(std::ptr::null())) };
}

struct ExitGuard(Cell<*const Block>);

impl Drop for ExitGuard {
    fn drop(&mut self) {
        let p = self.0.replace(std::ptr::null());
        if p.is_null() {
            return;
        }
        BLOCK.with(|b| b.set(std::ptr::null()));
        let mut r = registry();
        // SAFETY: `p` is this thread's block (from Box::into_raw in `block`), still registered.
        let b = unsafe { &*p };
        b.each(|op, key, c| r.exited.entry((op, key)).or_default().add(c));
        r.blocks.retain(|x| *x != p);
        drop(r);
        // SAFETY: unregistered above under the lock, so no snapshot can reach it any more; this
        // thread no longer refers to it (BLOCK cleared).
        drop(unsafe { Box::from_raw(p.cast_mut()) });
    }
}

/// This thread's block, registering one on first use; `None` while the thread is exiting.
fn block() -> Option<&'static Block> {
    let p = BLOCK.with(Cell::get);
    if !p.is_null() {
        // SAFETY: a registered block of this thread, freed only by its exit guard (which clears BLOCK first).
        return Some(unsafe { &*p });
    }
    let p: *const Block = Box::into_raw(Box::new(Block::new()));
    if GUARD.try_with(|g| g.0.set(p)).is_err() {
        // SAFETY: just allocated above and never shared.
        drop(unsafe { Box::from_raw(p.cast_mut()) });
        return None;
    }
    registry().blocks.push(p);
    BLOCK.with(|b| b.set(p));
    // SAFETY: as above: registered, owned by this thread until its exit guard runs.
    Some(unsafe { &*p })
}

static ENABLED: AtomicBool = AtomicBool::new(true);

/// Whether counting is on (default: on).
pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// Turns counting of operations on or off (events — self-tests, patches, keyring — are always
/// counted). Counts already made are kept.
pub fn set_enabled(on: bool) {
    ENABLED.store(on, Ordering::Relaxed);
}

/// Counts one call of op (`kind`, `alg`) that ran `kernel` (or none) on `bytes` bytes.
#[inline(always)]
pub(crate) fn record(kind: OpKind, alg: Alg, kernel: Option<&'static KernelDesc>, bytes: usize, failed: bool) {
    if !ENABLED.load(Ordering::Relaxed) {
        return;
    }
    let Some(op) = op_index(kind, alg) else { return };
    let key = match kernel {
        Some(d) => std::ptr::from_ref(d) as usize,
        None => NONE_KEY,
    };
    let p = BLOCK.with(Cell::get);
    if !p.is_null() {
        // SAFETY: this thread's registered block (see `block`); `op < NUM_OPS <= SLOTS`.
        let s = unsafe { (*p).slots.get_unchecked(op) };
        if s.key.load(Ordering::Relaxed) == key {
            s.bump(bytes, failed);
            return;
        }
    }
    record_slow(op, key, bytes, failed);
}

#[cold]
#[inline(never)]
fn record_slow(op: usize, key: usize, bytes: usize, failed: bool) {
    let Some(b) = block() else { return record_global(op, key, bytes, failed) };
    let home = &b.slots[op];
    match home.key.load(Ordering::Relaxed) {
        k if k == key => return home.bump(bytes, failed),
        0 => {
            home.key.store(key, Ordering::Release);
            return home.bump(bytes, failed);
        }
        _ => {}
    }
    for i in NUM_OPS..SLOTS {
        let s = &b.slots[i];
        match s.key.load(Ordering::Relaxed) {
            0 => {
                b.ops[i].store(op as u32, Ordering::Relaxed);
                s.key.store(key, Ordering::Release);
                return s.bump(bytes, failed);
            }
            k if k == key && b.ops[i].load(Ordering::Relaxed) as usize == op => return s.bump(bytes, failed),
            _ => {}
        }
    }
    record_global(op, key, bytes, failed)
}

/// Counting without a usable block (thread exiting, or all its slots taken): under the lock.
fn record_global(op: usize, key: usize, bytes: usize, failed: bool) {
    registry().exited.entry((op, key)).or_default().add(Counts { calls: 1, bytes: bytes as u64, failures: u64::from(failed) });
}

/// The kernel an operation ran on, set by the code that runs it (for [`metered`]).
pub(crate) type Ran = Option<&'static KernelDesc>;

/// Runs `f` (which stores the kernel it used into its argument) and counts the call once:
/// with the kernel if one ran, as a failure if `f` returned an error.
#[inline(always)]
pub(crate) fn metered<T>(kind: OpKind, alg: Alg, bytes: usize, f: impl FnOnce(&mut Ran) -> crate::Result<T>) -> crate::Result<T> {
    let mut ran: Ran = None;
    // Rebuilt rather than passed on: copying the callee's `Result` whole (two 16-byte loads of
    // a value just written by 8-byte stores) stalled store forwarding, ~4 ns a call.
    match f(&mut ran) {
        Ok(v) => {
            record(kind, alg, ran, bytes, false);
            Ok(v)
        }
        Err(e) => {
            record(kind, alg, ran, bytes, true);
            Err(e)
        }
    }
}

/// Counts a call that failed before (or without) running a kernel and returns its error.
#[cold]
#[inline(never)]
pub(crate) fn failed(kind: OpKind, alg: Alg, bytes: usize, e: crate::Error) -> crate::Error {
    record(kind, alg, None, bytes, true);
    e
}

// ---------------------------------------------------------------------------------------------
// Events.
// ---------------------------------------------------------------------------------------------

/// Hot-patch events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatchEvent {
    /// A patch passed every step and was activated.
    Applied,
    /// A patch was refused (any step).
    Rejected,
    /// The newest patch was rolled back.
    RolledBack,
}

impl PatchEvent {
    pub const ALL: [PatchEvent; 3] = [PatchEvent::Applied, PatchEvent::Rejected, PatchEvent::RolledBack];
    pub fn name(self) -> &'static str {
        match self {
            PatchEvent::Applied => "applied",
            PatchEvent::Rejected => "rejected",
            PatchEvent::RolledBack => "rolled_back",
        }
    }
}

/// Keyring lifecycle events (recorded by the keyring).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyringEvent {
    Generate,
    Rotate,
    Retire,
    Revoke,
    Destroy,
    /// A lifecycle operation (or an automatic rotation) failed.
    Failed,
}

impl KeyringEvent {
    pub const ALL: [KeyringEvent; 6] =
        [KeyringEvent::Generate, KeyringEvent::Rotate, KeyringEvent::Retire, KeyringEvent::Revoke, KeyringEvent::Destroy, KeyringEvent::Failed];
    pub fn name(self) -> &'static str {
        match self {
            KeyringEvent::Generate => "generate",
            KeyringEvent::Rotate => "rotate",
            KeyringEvent::Retire => "retire",
            KeyringEvent::Revoke => "revoke",
            KeyringEvent::Destroy => "destroy",
            KeyringEvent::Failed => "failed",
        }
    }
    /// The event of a name (`"rotate"`, …).
    pub fn from_name(name: &str) -> Option<KeyringEvent> {
        KeyringEvent::ALL.into_iter().find(|e| e.name() == name)
    }
}

// Event counters: self-test runs pass/fail, self-test checks pass/fail, patch events, keyring events.
const EV_RUN_PASS: usize = 0;
const EV_RUN_FAIL: usize = 1;
const EV_CHECK_PASS: usize = 2;
const EV_CHECK_FAIL: usize = 3;
const EV_PATCH: usize = 4;
const EV_KEYRING: usize = EV_PATCH + PatchEvent::ALL.len();
const EV_MLOCK: usize = EV_KEYRING + KeyringEvent::ALL.len();
const EVENTS: usize = EV_MLOCK + 1;
static EVENT_COUNTS: [AtomicU64; EVENTS] = [const { AtomicU64::new(0) }; EVENTS];

fn bump_event(i: usize, n: u64) {
    EVENT_COUNTS[i].fetch_add(n, Ordering::Relaxed);
}

/// Counts individual self-test checks (known-answer tests).
pub(crate) fn record_selftest_checks(passed: u64, failed: u64) {
    bump_event(EV_CHECK_PASS, passed);
    bump_event(EV_CHECK_FAIL, failed);
}

/// Counts one complete self-test run (power-on, or on demand) and its result.
pub(crate) fn record_selftest_run(passed: bool) {
    bump_event(if passed { EV_RUN_PASS } else { EV_RUN_FAIL }, 1);
}

/// Counts a hot-patch event.
pub(crate) fn record_patch_event(e: PatchEvent) {
    bump_event(EV_PATCH + e as usize, 1);
}

/// Counts a keyring event (called by the keyring for every lifecycle change).
pub fn record_keyring_event(e: KeyringEvent) {
    bump_event(EV_KEYRING + e as usize, 1);
}

fn event_values() -> [u64; EVENTS] {
    let mut v: [u64; EVENTS] = std::array::from_fn(|i| EVENT_COUNTS[i].load(Ordering::Relaxed));
    v[EV_MLOCK] = crate::secure::lock_failures();
    v
}

// ---------------------------------------------------------------------------------------------
// Snapshot, reset, Prometheus.
// ---------------------------------------------------------------------------------------------

/// Counters of one (op, kernel).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpMetrics {
    /// e.g. `hash.sha256`, `aead.aes-256-gcm.seal`, `sign.ml-dsa-65.verify`, `kem.ml-kem-768.decaps`.
    pub op: &'static str,
    pub alg: Alg,
    /// The kernel that ran, e.g. `sha256/sha-ni`; `none` for calls refused before a kernel ran.
    pub kernel: &'static str,
    pub calls: u64,
    pub bytes: u64,
    pub failures: u64,
}

/// Every counter at one moment (since the start of the process or the last [`reset`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// Per (op, kernel), sorted by op then kernel; entries with nothing counted are left out.
    pub ops: Vec<OpMetrics>,
    pub selftest_runs_passed: u64,
    pub selftest_runs_failed: u64,
    pub selftest_checks_passed: u64,
    pub selftest_checks_failed: u64,
    /// Secure allocations whose `mlock` failed.
    pub mlock_failures: u64,
    /// (kind, count) for every [`PatchEvent`]: `applied`, `rejected`, `rolled_back`.
    pub patch_events: Vec<(&'static str, u64)>,
    /// (kind, count) for every [`KeyringEvent`]: `generate`, `rotate`, `retire`, `revoke`, `destroy`, `failed`.
    pub keyring_events: Vec<(&'static str, u64)>,
}

impl Snapshot {
    /// The entries of `op` (one per kernel).
    pub fn op(&self, op: &str) -> impl Iterator<Item = &OpMetrics> {
        let op = op.to_string();
        self.ops.iter().filter(move |m| m.op == op)
    }

    /// (calls, bytes, failures) of `op` summed over its kernels.
    pub fn totals(&self, op: &str) -> (u64, u64, u64) {
        self.op(op).fold((0, 0, 0), |(c, b, f), m| (c + m.calls, b + m.bytes, f + m.failures))
    }

    /// The entry of (`op`, `kernel`), if anything was counted for it.
    pub fn get(&self, op: &str, kernel: &str) -> Option<&OpMetrics> {
        self.ops.iter().find(|m| m.op == op && m.kernel == kernel)
    }

    /// Count of a patch event kind.
    pub fn patch_event(&self, kind: PatchEvent) -> u64 {
        self.patch_events.iter().find(|(k, _)| *k == kind.name()).map_or(0, |(_, n)| *n)
    }

    /// Count of a keyring event kind.
    pub fn keyring_event(&self, kind: KeyringEvent) -> u64 {
        self.keyring_events.iter().find(|(k, _)| *k == kind.name()).map_or(0, |(_, n)| *n)
    }

    /// Prometheus text exposition format 0.0.4.
    pub fn to_prometheus(&self) -> String {
        let mut s = String::with_capacity(256 + self.ops.len() * 300);
        type Counter = fn(&OpMetrics) -> u64;
        let ops: [(&str, &str, Counter); 3] = [
            ("xps_op_calls_total", "Calls of a public operation by op, algorithm and the kernel that ran (kernel \"none\": refused before a kernel ran).", |m| m.calls),
            ("xps_op_bytes_total", "Input bytes of those calls.", |m| m.bytes),
            ("xps_op_failures_total", "Calls that returned an error.", |m| m.failures),
        ];
        for (name, help, value) in ops {
            family(&mut s, name, help);
            for m in &self.ops {
                let _ = writeln!(s, "{name}{{op=\"{}\",alg=\"{}\",kernel=\"{}\"}} {}", escape_label(m.op), escape_label(m.alg.name()), escape_label(m.kernel), value(m));
            }
        }
        family(&mut s, "xps_selftest_runs_total", "Self-test runs (power-on and on demand, e.g. when FIPS mode is turned on) by result.");
        let _ = writeln!(s, "xps_selftest_runs_total{{result=\"pass\"}} {}", self.selftest_runs_passed);
        let _ = writeln!(s, "xps_selftest_runs_total{{result=\"fail\"}} {}", self.selftest_runs_failed);
        family(&mut s, "xps_selftest_checks_total", "Individual self-test checks (one known-answer test per kernel or construction) by result.");
        let _ = writeln!(s, "xps_selftest_checks_total{{result=\"pass\"}} {}", self.selftest_checks_passed);
        let _ = writeln!(s, "xps_selftest_checks_total{{result=\"fail\"}} {}", self.selftest_checks_failed);
        family(&mut s, "xps_mlock_failures_total", "Secure allocations whose mlock failed.");
        let _ = writeln!(s, "xps_mlock_failures_total {}", self.mlock_failures);
        family(&mut s, "xps_patch_events_total", "Hot-patch events by kind (applied, rejected, rolled_back).");
        for (k, n) in &self.patch_events {
            let _ = writeln!(s, "xps_patch_events_total{{kind=\"{}\"}} {n}", escape_label(k));
        }
        family(&mut s, "xps_keyring_events_total", "Keyring lifecycle events by kind.");
        for (k, n) in &self.keyring_events {
            let _ = writeln!(s, "xps_keyring_events_total{{kind=\"{}\"}} {n}", escape_label(k));
        }
        s
    }
}

fn family(s: &mut String, name: &str, help: &str) {
    let _ = writeln!(s, "# HELP {name} {}", escape_help(help));
    let _ = writeln!(s, "# TYPE {name} counter");
}

/// A label value per the text format: `\` → `\\`, `"` → `\"`, newline → `\n`.
pub fn escape_label(v: &str) -> String {
    let mut o = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '\\' => o.push_str("\\\\"),
            '"' => o.push_str("\\\""),
            '\n' => o.push_str("\\n"),
            c => o.push(c),
        }
    }
    o
}

/// HELP text per the text format: `\` → `\\`, newline → `\n`.
fn escape_help(v: &str) -> String {
    v.replace('\\', "\\\\").replace('\n', "\\n")
}

fn kernel_name(key: usize) -> &'static str {
    if key == NONE_KEY {
        return "none";
    }
    // SAFETY: keys other than 0 and NONE_KEY are addresses of `&'static KernelDesc`s (built-in, or
    // in hot-patch modules, which are never unloaded).
    unsafe { (*(key as *const KernelDesc)).name() }
}

/// Raw totals per (op, kernel name) since the process started, with the registry locked.
fn raw_ops(r: &Registry) -> BTreeMap<(usize, &'static str), Counts> {
    let mut by_key = r.exited.clone();
    for &p in &r.blocks {
        // SAFETY: registered blocks are live while the registry lock is held (see `Registry`).
        let b = unsafe { &*p };
        b.each(|op, key, c| by_key.entry((op, key)).or_default().add(c));
    }
    let mut by_name: BTreeMap<(usize, &'static str), Counts> = BTreeMap::new();
    for ((op, key), c) in by_key {
        by_name.entry((op, kernel_name(key))).or_default().add(c);
    }
    by_name
}

/// Every counter now (since the start or the last [`reset`]), summed over all threads —
/// running and exited.
pub fn snapshot() -> Snapshot {
    let labels = op_labels();
    let r = registry();
    let raw = raw_ops(&r);
    let events = event_values();
    let ev = |i: usize| events[i].saturating_sub(r.base_events[i]);
    let mut ops: Vec<OpMetrics> = raw
        .into_iter()
        .filter_map(|((op, kernel), c)| {
            let c = c.minus(r.base_ops.get(&(op, kernel)).copied().unwrap_or_default());
            let (label, alg) = *labels.get(op)?;
            (c != Counts::default()).then_some(OpMetrics { op: label, alg, kernel, calls: c.calls, bytes: c.bytes, failures: c.failures })
        })
        .collect();
    ops.sort_by(|a, b| (a.op, a.kernel).cmp(&(b.op, b.kernel)));
    Snapshot {
        ops,
        selftest_runs_passed: ev(EV_RUN_PASS),
        selftest_runs_failed: ev(EV_RUN_FAIL),
        selftest_checks_passed: ev(EV_CHECK_PASS),
        selftest_checks_failed: ev(EV_CHECK_FAIL),
        mlock_failures: ev(EV_MLOCK),
        patch_events: PatchEvent::ALL.iter().map(|e| (e.name(), ev(EV_PATCH + *e as usize))).collect(),
        keyring_events: KeyringEvent::ALL.iter().map(|e| (e.name(), ev(EV_KEYRING + *e as usize))).collect(),
    }
}

/// Starts every counter from zero again (for later snapshots). Counting never stops: the current
/// totals become the baseline that snapshots subtract.
pub fn reset() {
    let mut r = registry();
    r.base_ops = raw_ops(&r);
    r.base_events = event_values();
}

/// [`snapshot`] as Prometheus text exposition format 0.0.4.
pub fn prometheus() -> String {
    snapshot().to_prometheus()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn op_table_matches_the_algorithm_families() {
        let labels = op_labels();
        assert_eq!(labels.len(), NUM_OPS);
        const { assert!(NUM_OPS <= SLOTS) };
        for (family, count, _, _, _) in KINDS {
            assert_eq!(Alg::ALL.iter().filter(|a| a.id() >> 8 == family).count(), count);
        }
        assert_eq!(labels[op_index(OpKind::Hash, Alg::Sha256).unwrap()].0, "hash.sha256");
        assert_eq!(labels[op_index(OpKind::AeadOpen, Alg::Aes256Gcm).unwrap()].0, "aead.aes-256-gcm.open");
        assert_eq!(labels[op_index(OpKind::KemDecaps, Alg::XWing).unwrap()].0, "kem.x-wing.decaps");
        assert_eq!(labels[op_index(OpKind::MacVerify, Alg::Blake3Keyed).unwrap()].0, "mac.blake3-keyed.verify");
        assert_eq!(op_index(OpKind::Hash, Alg::Aes256Gcm), None);
        let mut seen = std::collections::HashSet::new();
        for kind in 0..KINDS.len() {
            // Every (kind, alg) of the right family maps to a distinct index.
            for a in Alg::ALL {
                let k: OpKind = [
                    OpKind::Hash,
                    OpKind::Mac,
                    OpKind::MacVerify,
                    OpKind::AeadSeal,
                    OpKind::AeadOpen,
                    OpKind::Kdf,
                    OpKind::SignKeypair,
                    OpKind::Sign,
                    OpKind::Verify,
                    OpKind::KemKeypair,
                    OpKind::KemEncaps,
                    OpKind::KemDecaps,
                ][kind];
                if let Some(i) = op_index(k, *a) {
                    assert!(seen.insert(i));
                    assert_eq!(labels[i].1, *a);
                }
            }
        }
        assert_eq!(seen.len(), NUM_OPS);
    }

    #[test]
    fn label_escaping() {
        assert_eq!(escape_label(r#"a"b\c"#), r#"a\"b\\c"#);
        assert_eq!(escape_label("x\ny"), "x\\ny");
        assert_eq!(escape_help("a\\b\nc"), "a\\\\b\\nc");
    }
}
