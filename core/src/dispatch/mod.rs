//! The dispatch table: per-op candidate kernels, selection by CPU features ∩ policy, and the
//! active table published atomically with a generation number.
//!
//! Hot path (invariant I-4): [`table`] is one `Acquire` load of a pointer; callers then make one
//! indirect call through it. Published tables are leaked on purpose and never freed, so a reader
//! holding an old table can always finish on it (I-6: in-flight operations complete on the table
//! they started with). Each switch costs one `Table` (~5 KiB with the size buckets) for the life of the process.
//!
//! Size buckets (≤256 B, ≤2 KiB, ≤64 KiB, larger): one-shot hashes and AEAD calls pick their kernel
//! from a per-bucket slot (`hash_sized`, `aead_sized`). They all hold the op's kernel unless
//! autotune (off by default, see [`autotune`]) measured another candidate faster for that size.

pub mod abi;
mod autotune;

use crate::cpu;
use crate::error::{err, Result, Status};
use crate::kernels;
use crate::policy;
pub use abi::*;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicPtr, AtomicU64, Ordering};
use std::sync::Mutex;

/// Hash-shaped ops, in table order.
pub const HASH_OPS: [crate::Alg; 10] = {
    use crate::Alg::*;
    [Sha256, Sha384, Sha512, Sha3_256, Sha3_512, Shake128, Shake256, Blake2b512, Blake2s256, Blake3]
};
/// AEAD ops, in table order.
pub const AEAD_OPS: [crate::Alg; 4] = {
    use crate::Alg::*;
    [Aes128Gcm, Aes256Gcm, ChaCha20Poly1305, XChaCha20Poly1305]
};

/// Signature ops, in table order (ids 0x501..).
pub const SIGN_OPS: [crate::Alg; 9] = {
    use crate::Alg::*;
    [Ed25519, MlDsa44, MlDsa65, MlDsa87, Falcon512, Falcon1024, SlhDsaSha2_128s, RsaPssSha256, Ed25519MlDsa65]
};
/// KEM / key-agreement ops, in table order (ids 0x601..).
pub const KEM_OPS: [crate::Alg; 5] = {
    use crate::Alg::*;
    [X25519, MlKem512, MlKem768, MlKem1024, XWing]
};

/// The active set of kernels. `#[repr(C)]` so patch modules and the C ABI can rely on its layout.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct Table {
    pub abi_version: u32,
    pub generation: u64,
    pub hash: [HashKernel; HASH_OPS.len()],
    pub poly1305: HashKernel,
    pub aead: [AeadKernel; AEAD_OPS.len()],
    pub argon2id: Argon2Kernel,
    pub sign: [SignKernel; SIGN_OPS.len()],
    pub kem: [KemKernel; KEM_OPS.len()],
    /// Per size bucket ([`bucket_of`]): the kernel one-shot calls of each hash op use. Streams,
    /// HMAC and the KDFs use `hash[i]`, which is the largest bucket's kernel.
    pub hash_sized: [[HashKernel; BUCKETS]; HASH_OPS.len()],
    /// Per size bucket: the kernel each AEAD op uses for a message of that size.
    pub aead_sized: [[AeadKernel; BUCKETS]; AEAD_OPS.len()],
}

/// Number of size buckets of the table.
pub const BUCKETS: usize = 4;
/// Largest message length (bytes) of each bucket but the last, which takes everything larger.
pub const BUCKET_LIMITS: [usize; BUCKETS - 1] = [256, 2048, 65536];

/// The size bucket of a call on `len` bytes (branch-free: three compares).
#[inline(always)]
pub fn bucket_of(len: usize) -> usize {
    usize::from(len > BUCKET_LIMITS[0]) + usize::from(len > BUCKET_LIMITS[1]) + usize::from(len > BUCKET_LIMITS[2])
}

/// Index of `alg` in a family table whose ids are `family_base + 1 ..` in table order (checked by
/// the `op_tables_follow_ids` test), without a search on the hot path.
#[inline]
fn slot_of(alg: crate::Alg, family_base: u32, ops: &[crate::Alg]) -> Option<usize> {
    let i = alg.id().wrapping_sub(family_base + 1) as usize;
    (i < ops.len() && ops[i] == alg).then_some(i)
}

impl Table {
    #[inline]
    pub fn hash_kernel(&self, alg: crate::Alg) -> Option<&HashKernel> {
        slot_of(alg, 0x100, &HASH_OPS).map(|i| &self.hash[i])
    }
    #[inline]
    pub fn aead_kernel(&self, alg: crate::Alg) -> Option<&AeadKernel> {
        slot_of(alg, 0x300, &AEAD_OPS).map(|i| &self.aead[i])
    }
    /// The hash kernel for a one-shot call on `len` bytes.
    #[inline]
    pub fn hash_kernel_for(&self, alg: crate::Alg, len: usize) -> Option<&HashKernel> {
        slot_of(alg, 0x100, &HASH_OPS).map(|i| &self.hash_sized[i][bucket_of(len)])
    }
    /// The AEAD kernel for a message of `len` bytes.
    #[inline]
    pub fn aead_kernel_for(&self, alg: crate::Alg, len: usize) -> Option<&AeadKernel> {
        slot_of(alg, 0x300, &AEAD_OPS).map(|i| &self.aead_sized[i][bucket_of(len)])
    }
    #[inline]
    pub fn sign_kernel(&self, alg: crate::Alg) -> Option<&SignKernel> {
        slot_of(alg, 0x500, &SIGN_OPS).map(|i| &self.sign[i])
    }
    #[inline]
    pub fn kem_kernel(&self, alg: crate::Alg) -> Option<&KemKernel> {
        slot_of(alg, 0x600, &KEM_OPS).map(|i| &self.kem[i])
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn op_tables_follow_ids() {
        for (i, a) in super::HASH_OPS.iter().enumerate() {
            assert_eq!(super::slot_of(*a, 0x100, &super::HASH_OPS), Some(i));
        }
        for (i, a) in super::AEAD_OPS.iter().enumerate() {
            assert_eq!(super::slot_of(*a, 0x300, &super::AEAD_OPS), Some(i));
        }
        for (i, a) in super::SIGN_OPS.iter().enumerate() {
            assert_eq!(super::slot_of(*a, 0x500, &super::SIGN_OPS), Some(i));
        }
        for (i, a) in super::KEM_OPS.iter().enumerate() {
            assert_eq!(super::slot_of(*a, 0x600, &super::KEM_OPS), Some(i));
        }
        assert_eq!(super::slot_of(crate::Alg::HmacSha256, 0x100, &super::HASH_OPS), None);
    }

    #[test]
    fn buckets_split_at_their_limits() {
        use super::bucket_of;
        let cases = [(0, 0), (256, 0), (257, 1), (2048, 1), (2049, 2), (65536, 2), (65537, 3), (usize::MAX, 3)];
        for (len, b) in cases {
            assert_eq!(bucket_of(len), b, "len {len}");
        }
    }
}

/// A candidate of some op, by kind.
#[derive(Clone, Copy)]
pub enum Candidate {
    Hash(HashKernel),
    Aead(AeadKernel),
    Argon2(Argon2Kernel),
    Sign(SignKernel),
    Kem(KemKernel),
}

impl Candidate {
    pub fn desc(&self) -> &'static KernelDesc {
        match self {
            Candidate::Hash(k) => k.desc,
            Candidate::Aead(k) => k.desc,
            Candidate::Argon2(k) => k.desc,
            Candidate::Sign(k) => k.desc,
            Candidate::Kem(k) => k.desc,
        }
    }
}

/// An operation of the table: its stable name and its candidates (the first one is portable).
pub struct Op {
    pub name: &'static str,
    pub candidates: Vec<Candidate>,
    slot: Slot,
}

#[derive(Clone, Copy)]
enum Slot {
    Hash(usize),
    Poly1305,
    Aead(usize),
    Argon2id,
    Sign(usize),
    Kem(usize),
}

/// Every op with its candidates, built once.
pub fn ops() -> &'static [Op] {
    static OPS: std::sync::OnceLock<Vec<Op>> = std::sync::OnceLock::new();
    OPS.get_or_init(|| {
        let mut v = Vec::new();
        for (i, alg) in HASH_OPS.iter().enumerate() {
            v.push(Op {
                name: op_name("hash", *alg),
                candidates: kernels::hash_candidates(*alg).iter().map(|k| Candidate::Hash(*k)).collect(),
                slot: Slot::Hash(i),
            });
        }
        v.push(Op {
            name: "mac.poly1305",
            candidates: kernels::poly1305::CANDIDATES.iter().map(|k| Candidate::Hash(*k)).collect(),
            slot: Slot::Poly1305,
        });
        for (i, alg) in AEAD_OPS.iter().enumerate() {
            v.push(Op {
                name: op_name("aead", *alg),
                candidates: kernels::aead_candidates(*alg).iter().map(|k| Candidate::Aead(*k)).collect(),
                slot: Slot::Aead(i),
            });
        }
        v.push(Op {
            name: "kdf.argon2id",
            candidates: kernels::argon2id::CANDIDATES.iter().map(|k| Candidate::Argon2(*k)).collect(),
            slot: Slot::Argon2id,
        });
        // Public-key ops without a kernel in this build are left out (their slot keeps the
        // `kernels::unavailable` entry, which reports `UnknownAlgorithm`).
        for (i, alg) in SIGN_OPS.iter().enumerate() {
            let c = kernels::sign_candidates(*alg);
            if !c.is_empty() {
                v.push(Op { name: op_name("sign", *alg), candidates: c.iter().map(|k| Candidate::Sign(*k)).collect(), slot: Slot::Sign(i) });
            }
        }
        for (i, alg) in KEM_OPS.iter().enumerate() {
            let c = kernels::kem_candidates(*alg);
            if !c.is_empty() {
                v.push(Op { name: op_name("kem", *alg), candidates: c.iter().map(|k| Candidate::Kem(*k)).collect(), slot: Slot::Kem(i) });
            }
        }
        for op in &v {
            assert!(
                op.candidates.first().is_some_and(|c| c.desc().requires == 0),
                "op {} needs a portable first candidate",
                op.name
            );
        }
        v
    })
}

fn op_name(family: &str, alg: crate::Alg) -> &'static str {
    Box::leak(format!("{family}.{}", alg.name()).into_boxed_str())
}

/// Whether a candidate may run here: CPU features ∩ policy ISA mask, and the CT-only policy.
pub fn is_available(desc: &KernelDesc) -> bool {
    cpu::satisfies(cpu::features() & policy::isa_mask(), desc.requires) && (!policy::ct_only() || desc.constant_time)
}

static ACTIVE: AtomicPtr<Table> = AtomicPtr::new(std::ptr::null_mut());
static GENERATION: AtomicU64 = AtomicU64::new(0);
/// What the writer side knows beyond the published table: forced kernels and the stack of
/// applied hot-patches (bottom first).
pub(crate) struct WriterState {
    forced: BTreeMap<&'static str, &'static str>,
    pub(crate) patches: Vec<PatchLayer>,
    /// Autotune on: `tuned` holds the measured winners per op index (ops with one candidate
    /// available here are not measured).
    autotune: bool,
    tuned: BTreeMap<usize, autotune::Tuned>,
}

/// One applied hot-patch: its id/version and, per op index (into [`ops`]), its kernel.
#[derive(Clone)]
pub(crate) struct PatchLayer {
    pub id: String,
    pub version: u64,
    pub kernels: Vec<(usize, Candidate)>,
    /// For audit records and reports of a later rollback.
    pub payload_sha256: [u8; 32],
    pub signers: Vec<String>,
}

/// Writers (init, force, reset, policy changes, patches) serialize here; readers never take it.
static WRITER: Mutex<WriterState> =
    Mutex::new(WriterState { forced: BTreeMap::new(), patches: Vec::new(), autotune: false, tuned: BTreeMap::new() });

fn writer() -> std::sync::MutexGuard<'static, WriterState> {
    WRITER.lock().unwrap_or_else(|e| e.into_inner())
}

/// The active table (initializing and self-testing on first use).
#[inline]
pub fn table() -> Result<&'static Table> {
    let p = ACTIVE.load(Ordering::Acquire);
    if !p.is_null() {
        // SAFETY: non-null values of ACTIVE come from Box::leak in `publish` and are never freed.
        return Ok(unsafe { &*p });
    }
    init_slow()
}

/// The active table if one has been published, without initializing: for constructions over
/// other ops (X-Wing) whose kernels also run inside the power-on self-test, where `table()`
/// would re-enter initialization.
#[inline]
pub(crate) fn table_if_ready() -> Option<&'static Table> {
    let p = ACTIVE.load(Ordering::Acquire);
    // SAFETY: as in `table`: non-null values come from Box::leak and are never freed.
    (!p.is_null()).then(|| unsafe { &*p })
}

#[cold]
fn init_slow() -> Result<&'static Table> {
    let forced = writer();
    let p = ACTIVE.load(Ordering::Acquire);
    if !p.is_null() {
        // SAFETY: as in `table`.
        return Ok(unsafe { &*p });
    }
    let mut state = forced;
    crate::selftest::run_power_on()?;
    let t = publish(&state, build(&state));
    if let Err(e) = crate::selftest::run_constructions() {
        ACTIVE.store(std::ptr::null_mut(), Ordering::Release);
        return Err(e);
    }
    // Tuning runs kernels, so only once a table is published (a kernel reaching `table()` must
    // not re-enter initialization while the writer lock is held).
    if autotune::wanted_by_env() {
        state.autotune = true;
        state.tuned = autotune::tune_all();
        return Ok(publish(&state, build(&state)));
    }
    Ok(t)
}

/// Puts `c` in the op's slot and, for sized ops, in every size bucket.
fn set_slot(t: &mut Table, slot: Slot, c: Candidate) {
    for b in 0..BUCKETS {
        set_bucket(t, slot, b, c);
    }
    match (slot, c) {
        (Slot::Hash(i), Candidate::Hash(k)) => t.hash[i] = k,
        (Slot::Poly1305, Candidate::Hash(k)) => t.poly1305 = k,
        (Slot::Aead(i), Candidate::Aead(k)) => t.aead[i] = k,
        (Slot::Argon2id, Candidate::Argon2(k)) => t.argon2id = k,
        (Slot::Sign(i), Candidate::Sign(k)) => t.sign[i] = k,
        (Slot::Kem(i), Candidate::Kem(k)) => t.kem[i] = k,
        _ => unreachable!("candidate kind does not match its op slot"),
    }
}

/// Puts `c` in size bucket `b` of a sized op (hash, AEAD); other ops have no buckets.
fn set_bucket(t: &mut Table, slot: Slot, b: usize, c: Candidate) {
    match (slot, c) {
        (Slot::Hash(i), Candidate::Hash(k)) => t.hash_sized[i][b] = k,
        (Slot::Aead(i), Candidate::Aead(k)) => t.aead_sized[i][b] = k,
        _ => {}
    }
}

/// Best available candidate of an op (the portable one if nothing else qualifies).
fn select(op: &Op) -> Candidate {
    op.candidates
        .iter()
        .copied()
        .filter(|c| is_available(c.desc()))
        .max_by_key(|c| c.desc().priority)
        .unwrap_or(op.candidates[0])
}

fn build(state: &WriterState) -> Table {
    let ops = ops();
    let first = |i: usize| ops[i].candidates[0];
    let (Candidate::Hash(h0), Candidate::Aead(a0), Candidate::Argon2(g0)) =
        (first(0), first(HASH_OPS.len() + 1), first(HASH_OPS.len() + 1 + AEAD_OPS.len()))
    else {
        unreachable!("op order")
    };
    let mut t = Table {
        abi_version: KERNEL_ABI_VERSION,
        generation: 0,
        hash: [h0; HASH_OPS.len()],
        poly1305: h0,
        aead: [a0; AEAD_OPS.len()],
        argon2id: g0,
        sign: [kernels::unavailable::SIGN; SIGN_OPS.len()],
        kem: [kernels::unavailable::KEM; KEM_OPS.len()],
        hash_sized: [[h0; BUCKETS]; HASH_OPS.len()],
        aead_sized: [[a0; BUCKETS]; AEAD_OPS.len()],
    };
    for (i, op) in ops.iter().enumerate() {
        // A forced kernel (built-in or from an applied patch) wins, then the newest applied
        // patch for this op, then automatic selection; each only if it may run here now.
        let forced = state.forced.get(op.name).and_then(|k| {
            op.candidates.iter().copied().chain(patch_kernels(state, i)).find(|c| c.desc().name() == *k)
        });
        let patched = state.patches.iter().rev().find_map(|l| l.kernels.iter().find(|(j, _)| *j == i).map(|(_, c)| *c));
        let fixed = forced.filter(|c| is_available(c.desc())).or(patched.filter(|c| is_available(c.desc())));
        let chosen = fixed.unwrap_or_else(|| select(op));
        set_slot(&mut t, op.slot, chosen);
        // Autotuned winners fill the size buckets of ops nobody forced or patched; the largest
        // bucket's winner also becomes the op's kernel (streams, constructions, introspection).
        if let (None, Some(tuned)) = (fixed, state.tuned.get(&i)) {
            for (b, name) in tuned.winners.iter().enumerate() {
                if let Some(c) = op.candidates.iter().copied().find(|c| c.desc().name() == *name && is_available(c.desc())) {
                    set_bucket(&mut t, op.slot, b, c);
                    if b == BUCKETS - 1 {
                        match (op.slot, c) {
                            (Slot::Hash(j), Candidate::Hash(k)) => t.hash[j] = k,
                            (Slot::Aead(j), Candidate::Aead(k)) => t.aead[j] = k,
                            _ => {}
                        }
                    }
                }
            }
        }
    }
    t
}

/// Kernels the applied patches provide for op `i`, oldest patch first.
fn patch_kernels(state: &WriterState, i: usize) -> impl Iterator<Item = Candidate> + '_ {
    state.patches.iter().flat_map(move |l| l.kernels.iter().filter(move |(j, _)| *j == i).map(|(_, c)| *c))
}

/// Every table ever published, kept reachable on purpose (readers may still hold old ones; this
/// also keeps leak checkers quiet about them). Only writers touch it, under `WRITER`.
static PUBLISHED: Mutex<Vec<&'static Table>> = Mutex::new(Vec::new());

/// Publishes `t` as the next generation. `_writer` proves the caller holds the writer lock (the
/// generation a writer announces before publishing relies on it).
fn publish(_writer: &WriterState, mut t: Table) -> &'static Table {
    t.generation = GENERATION.fetch_add(1, Ordering::AcqRel) + 1;
    let leaked: &'static Table = Box::leak(Box::new(t));
    PUBLISHED.lock().unwrap_or_else(|e| e.into_inner()).push(leaked);
    // SeqCst here and in `withdraw`/`selftest::run_all`: whichever of "publish" and "fail" comes
    // second sees the other, so a table published while a re-run fails does not stay active.
    ACTIVE.store(std::ptr::from_ref(leaked).cast_mut(), Ordering::SeqCst);
    if crate::selftest::failed_seqcst() {
        ACTIVE.store(std::ptr::null_mut(), Ordering::SeqCst);
    }
    leaked
}

/// After a failed self-test re-run: no table stays active, so every operation goes through
/// initialization, which refuses in the failed state (`SelfTestFailed`). Tables are never freed,
/// so a caller still holding one is unaffected.
pub(crate) fn withdraw() {
    ACTIVE.store(std::ptr::null_mut(), Ordering::SeqCst);
}

/// Re-runs selection (after a policy change), keeping forced kernels that remain available.
pub fn reselect() -> Result<()> {
    table()?;
    let mut state = writer();
    let keep: BTreeMap<_, _> = state
        .forced
        .iter()
        .filter(|(op, k)| {
            ops().iter().enumerate().any(|(i, o)| {
                o.name == **op
                    && o.candidates.iter().copied().chain(patch_kernels(&state, i)).any(|c| c.desc().name() == **k && is_available(c.desc()))
            })
        })
        .map(|(a, b)| (*a, *b))
        .collect();
    state.forced = keep;
    // Publish first: the new policy must not wait for tuning (the build already drops tuned
    // winners the policy excludes), then measure the new eligible set and publish again.
    publish(&state, build(&state));
    if state.autotune {
        state.tuned = autotune::tune_all();
        publish(&state, build(&state));
    }
    Ok(())
}

/// Autotune on: times every op's eligible candidates now (tens of milliseconds in all) at one
/// message size per bucket and publishes the fastest per bucket; again after every change of the
/// ISA mask or the constant-time-only policy (the changes that alter the eligible kernels).
/// Off (the default, or `XPS_AUTOTUNE` unset at start-up): selection by priority, deterministic.
/// Forced kernels and hot-patches override tuned choices either way.
pub fn set_autotune(on: bool) -> Result<()> {
    table()?;
    let mut state = writer();
    state.autotune = on;
    state.tuned = if on { autotune::tune_all() } else { BTreeMap::new() };
    publish(&state, build(&state));
    Ok(())
}

/// Test builds only (feature `testing`): pins size bucket `bucket` of `op` to `kernel` as if autotune had measured it the
/// winner (so the mixed-kernel paths can be exercised deterministically). Cleared by
/// [`set_autotune`]; forced kernels still override it.
#[cfg(feature = "testing")]
pub fn pin_bucket_for_tests(op: &str, bucket: usize, kernel: &str) -> Result<()> {
    let t = table()?;
    let (i, o) = ops().iter().enumerate().find(|(_, o)| o.name == op).ok_or_else(|| err(Status::UnknownOp, format!("no dispatch op named {op:?}")))?;
    if bucket >= BUCKETS || !matches!(o.slot, Slot::Hash(_) | Slot::Aead(_)) {
        return Err(err(Status::InvalidParameter, format!("op {op} has no size bucket {bucket}")));
    }
    if !o.candidates.iter().any(|c| c.desc().name() == kernel && is_available(c.desc())) {
        return Err(err(Status::KernelUnavailable, format!("op {op} has no available kernel named {kernel:?}")));
    }
    let mut state = writer();
    let current: [&'static str; BUCKETS] = std::array::from_fn(|b| sized_desc(t, o.slot, b).name());
    let entry = state.tuned.entry(i).or_insert(autotune::Tuned { winners: current, ns: Vec::new() });
    entry.winners[bucket] = o.candidates.iter().find(|c| c.desc().name() == kernel).map(|c| c.desc().name()).unwrap_or(current[bucket]);
    publish(&state, build(&state));
    Ok(())
}

/// Whether autotune is on.
pub fn autotune_enabled() -> bool {
    writer().autotune
}

/// Environment variable that turns autotune on at initialization (`1`, `on`, `true`, `yes`).
pub const AUTOTUNE_ENV: &str = autotune::ENV;

/// Name of the kernel `op` uses for a call on `len` bytes (ops without size buckets: the active
/// kernel whatever the size).
pub fn kernel_for_size(op: &str, len: usize) -> Result<&'static str> {
    let t = table()?;
    let o = ops().iter().find(|o| o.name == op).ok_or_else(|| err(Status::UnknownOp, format!("no dispatch op named {op:?}")))?;
    Ok(sized_desc(t, o.slot, bucket_of(len)).name())
}

fn sized_desc(t: &Table, slot: Slot, b: usize) -> &'static KernelDesc {
    match slot {
        Slot::Hash(i) => t.hash_sized[i][b].desc,
        Slot::Aead(i) => t.aead_sized[i][b].desc,
        _ => active_desc(t, slot),
    }
}

/// Forces `kernel` for `op` (both by name) until [`reset`]. Fails if the kernel cannot run here.
pub fn force(op: &str, kernel: &str) -> Result<()> {
    table()?;
    let (i, o) = ops()
        .iter()
        .enumerate()
        .find(|(_, o)| o.name == op)
        .ok_or_else(|| err(Status::UnknownOp, format!("no dispatch op named {op:?}")))?;
    let mut state = writer();
    let c = o
        .candidates
        .iter()
        .copied()
        .chain(patch_kernels(&state, i))
        .find(|c| c.desc().name() == kernel)
        .ok_or_else(|| err(Status::UnknownKernel, format!("op {op} has no kernel named {kernel:?}")))?;
    if !is_available(c.desc()) {
        return Err(err(
            Status::KernelUnavailable,
            format!("kernel {kernel} needs CPU features {:?} not available under the current policy", cpu::feature_names(c.desc().requires)),
        ));
    }
    state.forced.insert(o.name, c.desc().name());
    publish(&state, build(&state));
    Ok(())
}

/// Drops every forced choice and selects automatically again.
pub fn reset() -> Result<()> {
    table()?;
    let mut state = writer();
    state.forced.clear();
    publish(&state, build(&state));
    Ok(())
}

/// The generation of the active table (0 before initialization).
pub fn generation() -> u64 {
    let p = ACTIVE.load(Ordering::Acquire);
    if p.is_null() {
        0
    } else {
        // SAFETY: as in `table`.
        unsafe { (*p).generation }
    }
}

/// Introspection of one candidate.
#[derive(Clone, Debug)]
pub struct CandidateInfo {
    pub name: &'static str,
    pub requires: Vec<&'static str>,
    pub constant_time: bool,
    pub priority: i32,
    pub available: bool,
}

/// Introspection of one op.
#[derive(Clone, Debug)]
pub struct OpInfo {
    pub op: &'static str,
    pub active: &'static str,
    pub forced: bool,
    pub candidates: Vec<CandidateInfo>,
    /// The kernel of each size bucket ([`BUCKET_LIMITS`]); all equal to `active` unless autotuned.
    pub by_size: [&'static str; BUCKETS],
    /// Autotune's measurements for this op: per candidate, nanoseconds per call at each bucket's
    /// probe size ([`autotune_probe_sizes`]). Empty when autotune is off or did not measure the op.
    pub tuned_ns: Vec<(&'static str, [f64; BUCKETS])>,
}

/// The message length autotune times for each bucket.
pub fn autotune_probe_sizes() -> [usize; BUCKETS] {
    autotune::PROBE_SIZES
}

/// Every op → candidates → active kernel.
pub fn info() -> Result<Vec<OpInfo>> {
    let t = table()?;
    let state = writer();
    Ok(ops()
        .iter()
        .enumerate()
        .map(|(i, o)| OpInfo {
            op: o.name,
            active: active_desc(t, o.slot).name(),
            forced: state.forced.contains_key(o.name),
            by_size: std::array::from_fn(|b| sized_desc(t, o.slot, b).name()),
            tuned_ns: state.tuned.get(&i).map(|x| x.ns.clone()).unwrap_or_default(),
            candidates: o
                .candidates
                .iter()
                .copied()
                .chain(patch_kernels(&state, i))
                .map(|c| CandidateInfo {
                    name: c.desc().name(),
                    requires: cpu::feature_names(c.desc().requires),
                    constant_time: c.desc().constant_time,
                    priority: c.desc().priority,
                    available: is_available(c.desc()),
                })
                .collect(),
        })
        .collect())
}

fn active_desc(t: &Table, slot: Slot) -> &'static KernelDesc {
    match slot {
        Slot::Hash(i) => t.hash[i].desc,
        Slot::Poly1305 => t.poly1305.desc,
        Slot::Aead(i) => t.aead[i].desc,
        Slot::Argon2id => t.argon2id.desc,
        Slot::Sign(i) => t.sign[i].desc,
        Slot::Kem(i) => t.kem[i].desc,
    }
}

/// Name of the active kernel of `op`.
pub fn active_kernel(op: &str) -> Result<&'static str> {
    let t = table()?;
    ops()
        .iter()
        .find(|o| o.name == op)
        .map(|o| active_desc(t, o.slot).name())
        .ok_or_else(|| err(Status::UnknownOp, format!("no dispatch op named {op:?}")))
}

// ---------------------------------------------------------------------------------------------
// Hot-patch layers (the pipeline in `crate::hotpatch` decides; this only swaps tables).
// ---------------------------------------------------------------------------------------------

/// Candidates of op `i` (index into [`ops`]): the built-in ones, then the kernels of applied
/// patches (oldest patch first). Empty if `i` is out of range.
pub fn candidates_of(i: usize) -> Vec<Candidate> {
    let Some(op) = ops().get(i) else { return Vec::new() };
    let state = writer();
    op.candidates.iter().copied().chain(patch_kernels(&state, i)).collect()
}

/// Index into [`ops`] of the op named `name`.
pub(crate) fn op_index(name: &str) -> Option<usize> {
    ops().iter().position(|o| o.name == name)
}

/// Version of the newest applied patch covering op `i` (0 = built-in kernels only), and its id.
pub(crate) fn patch_version_of(state: &WriterState, i: usize) -> (u64, Option<String>) {
    state
        .patches
        .iter()
        .rev()
        .find(|l| l.kernels.iter().any(|(j, _)| *j == i))
        .map_or((0, None), |l| (l.version, Some(l.id.clone())))
}

/// Builds the table with `layer` on top and, only if every kernel of the layer is what that
/// table would run for its op (not shadowed by a forced kernel, not excluded by the policy) and
/// its kernel names are unique among applied patches, runs `check(state, previous generation,
/// next generation)` (version re-check, audit record) and publishes that table — all under the
/// writer lock, so no writer slips in between. Returns (previous, new) generation.
pub(crate) fn push_patch(layer: PatchLayer, check: impl FnOnce(&WriterState, u64, u64) -> Result<()>) -> Result<(u64, u64)> {
    table()?;
    let mut state = writer();
    let ops = ops();
    for (i, c) in &layer.kernels {
        let name = c.desc().name();
        // The same kernel (same module, re-applied) is fine; another kernel under the same name is not.
        if patch_kernels(&state, *i).any(|o| o.desc().name() == name && !std::ptr::eq(o.desc(), c.desc())) {
            return Err(err(Status::PatchAbi, format!("{}: kernel name {name} is already used by an applied patch", ops[*i].name)));
        }
        if let Some(k) = state.forced.get(ops[*i].name) {
            return Err(err(
                Status::PatchPolicy,
                format!("op {} is forced to kernel {k}: the patch would not take effect (dispatch_reset first)", ops[*i].name),
            ));
        }
    }
    // The table as it would be with the layer on top.
    let mut with_layer =
        WriterState { forced: state.forced.clone(), patches: state.patches.clone(), autotune: state.autotune, tuned: state.tuned.clone() };
    with_layer.patches.push(layer.clone());
    let t = build(&with_layer);
    if let Some((i, c)) = layer.kernels.iter().find(|(i, c)| !std::ptr::eq(active_desc(&t, ops[*i].slot), c.desc())) {
        return Err(err(Status::PatchCpu, format!("{}: kernel {} may not run under the current policy", ops[*i].name, c.desc().name())));
    }
    // Every publisher holds the writer lock, so the next generation is known here.
    let (prev, next) = (generation(), GENERATION.load(Ordering::Acquire) + 1);
    check(&state, prev, next)?;
    state.patches.push(layer);
    let t = publish(&state, t);
    Ok((prev, t.generation))
}

/// Removes the newest applied patch (if `check(layer, previous, next)` passes) and publishes the
/// table without it; forced choices naming its kernels are dropped. `None` if no patch is applied.
pub(crate) fn pop_patch(check: impl FnOnce(&PatchLayer, u64, u64) -> Result<()>) -> Result<Option<(PatchLayer, u64, u64)>> {
    table()?;
    let mut state = writer();
    let Some(layer) = state.patches.last() else { return Ok(None) };
    let (prev, next) = (generation(), GENERATION.load(Ordering::Acquire) + 1);
    check(layer, prev, next)?;
    let layer = state.patches.pop().expect("checked non-empty");
    let gone: Vec<(&'static str, &'static str)> = layer.kernels.iter().map(|(i, c)| (ops()[*i].name, c.desc().name())).collect();
    state.forced.retain(|op, k| !gone.contains(&(*op, *k)));
    let t = publish(&state, build(&state));
    Ok(Some((layer, prev, t.generation)))
}

/// Applied patches, bottom first: (id, version, op names).
pub(crate) fn applied_patches() -> Vec<(String, u64, Vec<&'static str>)> {
    writer().patches.iter().map(|l| (l.id.clone(), l.version, l.kernels.iter().map(|(i, _)| ops()[*i].name).collect())).collect()
}

/// The writer lock, for the pipeline's read-only checks (versions) before the heavy tests.
pub(crate) fn with_state<T>(f: impl FnOnce(&WriterState) -> T) -> T {
    f(&writer())
}
