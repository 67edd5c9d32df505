//! Process-wide policy: which algorithms may run (an allowed set and a FIPS-like mode), minimum
//! key sizes, which ISA features kernels may use, constant-time-only selection, whether secure
//! memory must be locked, whether hot-patches may be applied, and whether RSA private-key
//! operations are allowed.
//!
//! The whole set is one [`Policy`] value. [`current`] reads it; [`replace`] swaps it atomically
//! (readers see the old policy or the new one, never a mix); the single-setting functions
//! (`set_ct_only`, `set_fips_mode`, …) are updates of the current policy through [`replace`].
//! A change that affects kernel selection (ISA mask, CT-only) re-selects kernels (a new
//! dispatch generation).
//!
//! Cost on the hot path: every algorithm check is one `Acquire` load of the active policy pointer
//! plus one load of its "denied" bit set (zero while everything is allowed). Published policies
//! are leaked on purpose and never freed (readers may still hold an old one), as dispatch tables
//! are: each change costs about 100 bytes for the life of the process.
//!
//! Enforcement: every public entry point that takes an algorithm checks it here (through
//! [`Alg::expect`](crate::Alg::expect) or an explicit [`check`]) and refuses a disallowed one
//! with `PolicyDenied` and a message naming the rule, e.g. `policy: fips_mode forbids
//! chacha20-poly1305 (not FIPS-approved: …)` or `policy: allowed_algorithms excludes blake3`. Key
//! handles check at every use, so a handle made before a policy change is refused after it.
//! The policy applies to the algorithm a caller names: the building blocks inside a construction
//! (the HMAC of HKDF and PBKDF2, the hash of HMAC, HPKE's labeled HKDF and SHAKE256) are not checked
//! on their own, so allowing `hkdf-sha256` alone allows HKDF-SHA256 but not `hmac-sha256` or
//! `sha256` as such.

use crate::alg::Alg;
use crate::error::{err, Error, Result, Status};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};
use std::sync::Mutex;

/// A set of algorithms of this build (one bit per algorithm; in-process representation only).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct AlgSet(u64);

impl AlgSet {
    /// No algorithm.
    pub const EMPTY: AlgSet = AlgSet(0);

    /// Every algorithm of this build.
    pub const fn all() -> AlgSet {
        AlgSet(if Alg::ALL.len() >= 64 { u64::MAX } else { (1u64 << Alg::ALL.len()) - 1 })
    }

    #[inline]
    fn bit(a: Alg) -> u64 {
        1u64 << a.index()
    }

    pub fn contains(self, a: Alg) -> bool {
        self.0 & Self::bit(a) != 0
    }

    pub fn insert(&mut self, a: Alg) {
        self.0 |= Self::bit(a);
    }

    pub fn remove(&mut self, a: Alg) {
        self.0 &= !Self::bit(a);
    }

    /// This set with `a` added (`on`) or removed.
    #[must_use]
    pub fn with(mut self, a: Alg, on: bool) -> AlgSet {
        if on {
            self.insert(a)
        } else {
            self.remove(a)
        }
        self
    }

    #[must_use]
    pub fn intersection(self, other: AlgSet) -> AlgSet {
        AlgSet(self.0 & other.0)
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// The algorithms of the set, in id order.
    pub fn iter(self) -> impl Iterator<Item = Alg> {
        Alg::ALL.iter().copied().filter(move |a| self.contains(*a))
    }
}

impl FromIterator<Alg> for AlgSet {
    fn from_iter<I: IntoIterator<Item = Alg>>(it: I) -> Self {
        let mut s = AlgSet::EMPTY;
        for a in it {
            s.insert(a);
        }
        s
    }
}

impl std::fmt::Debug for AlgSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.iter().map(Alg::name)).finish()
    }
}

/// Smallest RSA modulus FIPS mode accepts (FIPS 186-5 / SP 800-131A rev2: 112-bit security).
pub const FIPS_MIN_RSA_BITS: u32 = 2048;
/// Shortest HMAC key FIPS mode accepts: 112 bits (SP 800-107 rev1 §5.3.4, SP 800-131A rev2).
pub const FIPS_MIN_HMAC_KEY_BYTES: usize = 14;

/// The whole process-wide policy. Build one from [`Policy::default`] or [`current`], change
/// fields, and install it with [`replace`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Policy {
    /// Algorithms that may run (default: all). In FIPS mode only the FIPS-approved ones among
    /// them may ([`Policy::effective_algorithms`]).
    pub allowed_algorithms: AlgSet,
    /// FIPS-like mode: only FIPS-approved algorithms ([`fips_approved`]); turning it on runs the
    /// self-tests again and forces `ct_only`, `min_rsa_bits >= 2048` and
    /// `min_hmac_key_bytes >= 14`. Turning it off loosens nothing else.
    pub fips_mode: bool,
    /// Smallest RSA modulus in bits for signing, verification and key generation (default 2048;
    /// the kernels accept 2048, 3072 and 4096).
    pub min_rsa_bits: u32,
    /// Shortest key the HMAC API accepts (default 0; FIPS mode: at least 14). Applies to
    /// `hmac-*` keys, not to PBKDF2 passwords or HKDF salts.
    pub min_hmac_key_bytes: usize,
    /// Only kernels claiming constant-time behaviour may be selected.
    pub ct_only: bool,
    /// CPU features kernels may use (intersected with the detected ones). Default: all.
    pub isa_mask: u64,
    /// A secure allocation whose `mlock` fails is an error (`MlockFailed`).
    pub require_mlock: bool,
    /// Hot-patches may be applied (default: yes). When off, `hotpatch::apply` is refused at
    /// step `policy` (`PatchPolicy`). Rollback stays possible.
    pub hot_patch_allowed: bool,
    /// RSA private-key operations (RSA-PSS signing, RSA key generation) are allowed (default:
    /// yes; the RUSTSEC-2023-0071 switch, see SECURITY.md). Verification is never affected.
    pub rsa_private_ops: bool,
}

impl Policy {
    /// The default policy: everything allowed, no FIPS mode, all ISA features, no CT-only.
    pub const DEFAULT: Policy = Policy {
        allowed_algorithms: AlgSet::all(),
        fips_mode: false,
        min_rsa_bits: FIPS_MIN_RSA_BITS,
        min_hmac_key_bytes: 0,
        ct_only: false,
        isa_mask: u64::MAX,
        require_mlock: false,
        hot_patch_allowed: true,
        rsa_private_ops: true,
    };

    /// The algorithms that may run under this policy: `allowed_algorithms`, and in FIPS mode
    /// only the FIPS-approved ones among them.
    pub fn effective_algorithms(&self) -> AlgSet {
        if self.fips_mode {
            self.allowed_algorithms.intersection(fips_approved_set())
        } else {
            self.allowed_algorithms
        }
    }

    /// Whether `alg` may run under this policy.
    pub fn allows(&self, alg: Alg) -> bool {
        self.effective_algorithms().contains(alg)
    }

    /// The policy as it is enforced: FIPS mode forces CT-only and raises the minimum key sizes
    /// to the FIPS floors.
    #[must_use]
    pub fn normalized(mut self) -> Policy {
        self.allowed_algorithms = self.allowed_algorithms.intersection(AlgSet::all());
        if self.fips_mode {
            self.ct_only = true;
            self.min_rsa_bits = self.min_rsa_bits.max(FIPS_MIN_RSA_BITS);
            self.min_hmac_key_bytes = self.min_hmac_key_bytes.max(FIPS_MIN_HMAC_KEY_BYTES);
        }
        self
    }

    /// Why `alg` is refused under this policy (`None` if it is allowed).
    pub fn denial(&self, alg: Alg) -> Option<String> {
        if self.fips_mode && !fips_approved(alg) {
            Some(format!("policy: fips_mode forbids {} (not FIPS-approved: {})", alg.name(), fips_reason(alg)))
        } else if !self.allowed_algorithms.contains(alg) {
            Some(format!("policy: allowed_algorithms excludes {}", alg.name()))
        } else {
            None
        }
    }
}

impl Default for Policy {
    fn default() -> Self {
        Policy::DEFAULT
    }
}

// ---------------------------------------------------------------------------------------------
// FIPS-approved algorithms (the table in SECURITY.md is checked against this one by a test).
// ---------------------------------------------------------------------------------------------

/// Whether `alg` is FIPS-approved (allowed in FIPS mode) and the reason, for each algorithm.
pub fn fips_status(alg: Alg) -> (bool, &'static str) {
    use Alg::*;
    match alg {
        Sha256 | Sha384 | Sha512 => (true, "FIPS 180-4"),
        Sha3_256 | Sha3_512 => (true, "FIPS 202"),
        Shake128 | Shake256 => (true, "FIPS 202 XOF"),
        Blake2b512 | Blake2s256 => (false, "BLAKE2 (RFC 7693) is not a NIST-approved hash"),
        Blake3 => (false, "BLAKE3 is not a NIST-approved hash"),
        HmacSha256 | HmacSha384 | HmacSha512 => (true, "FIPS 198-1 over FIPS 180-4; keys of at least 112 bits (SP 800-107, SP 800-131A)"),
        Poly1305 => (false, "Poly1305 is not a NIST-approved MAC"),
        Blake3Keyed => (false, "BLAKE3 is not a NIST-approved hash"),
        Aes128Gcm | Aes256Gcm => (true, "FIPS 197 AES in SP 800-38D GCM"),
        ChaCha20Poly1305 | XChaCha20Poly1305 => (false, "ChaCha20-Poly1305 is not a NIST-approved AEAD"),
        HkdfSha256 | HkdfSha384 | HkdfSha512 => (true, "SP 800-56C rev2 two-step (extract-then-expand) KDF with HMAC"),
        Pbkdf2Sha256 | Pbkdf2Sha512 => (true, "SP 800-132"),
        Argon2id => (false, "Argon2id is not NIST-approved; PBKDF2 (SP 800-132) is"),
        Ed25519 => (true, "FIPS 186-5 EdDSA"),
        MlDsa44 | MlDsa65 | MlDsa87 => (true, "FIPS 204"),
        Falcon512 | Falcon1024 => (false, "FIPS 206 (FN-DSA) is not final, and this is round-3 Falcon"),
        SlhDsaSha2_128s => (true, "FIPS 205"),
        RsaPssSha256 => (true, "FIPS 186-5 RSASSA-PSS, moduli of at least 2048 bits"),
        Ed25519MlDsa65 => (false, "the Ed25519+ML-DSA-65 composite is not yet a standard"),
        X25519 => (false, "X25519 is not an approved key agreement under SP 800-56A rev3"),
        MlKem512 | MlKem768 | MlKem1024 => (true, "FIPS 203"),
        XWing => (false, "X-Wing is not a NIST standard and its X25519 part is not an approved key agreement (SP 800-56A rev3)"),
    }
}

/// Whether `alg` is FIPS-approved, i.e. allowed in FIPS mode (see SECURITY.md for the table).
pub fn fips_approved(alg: Alg) -> bool {
    fips_status(alg).0
}

/// The reason `alg` is in or out of the FIPS-approved set (a standard, or why not).
pub fn fips_reason(alg: Alg) -> &'static str {
    fips_status(alg).1
}

fn fips_approved_set() -> AlgSet {
    Alg::ALL.iter().copied().filter(|a| fips_approved(*a)).collect()
}

// ---------------------------------------------------------------------------------------------
// The active policy.
// ---------------------------------------------------------------------------------------------

/// A published policy with what the hot path needs precomputed.
struct Active {
    policy: Policy,
    /// Bits (by [`Alg::index`]) of the algorithms that may not run; 0 = all allowed.
    denied: u64,
    /// 0 for the built-in default, then +1 per replacement.
    generation: u64,
}

static DEFAULT_ACTIVE: Active = Active { policy: Policy::DEFAULT, denied: 0, generation: 0 };
static ACTIVE: AtomicPtr<Active> = AtomicPtr::new(std::ptr::addr_of!(DEFAULT_ACTIVE).cast_mut());
/// Serializes writers and keeps every published policy reachable (readers may still use one).
static WRITER: Mutex<Vec<&'static Active>> = Mutex::new(Vec::new());

#[inline(always)]
fn active() -> &'static Active {
    // SAFETY: ACTIVE always holds `&DEFAULT_ACTIVE` or a pointer from `Box::leak` in `publish`;
    // neither is ever freed.
    unsafe { &*ACTIVE.load(Ordering::Acquire) }
}

/// The current policy (a consistent copy: never a mix of two replacements).
pub fn current() -> Policy {
    active().policy.clone()
}

/// How many times the policy was replaced since the process started (each setter call that
/// changes something counts once).
pub fn generation() -> u64 {
    active().generation
}

/// Replaces the whole policy atomically, after [`Policy::normalized`]. Turning FIPS mode on runs
/// the self-tests first ([`crate::selftest::run_all`]); if they fail the policy is not changed
/// and the library enters its failed state (`SelfTestFailed` from then on). A change of the ISA
/// mask or CT-only re-selects kernels.
pub fn replace(p: Policy) -> Result<()> {
    let mut w = WRITER.lock().unwrap_or_else(|e| e.into_inner());
    replace_locked(&mut w, p)
}

fn replace_locked(w: &mut Vec<&'static Active>, p: Policy) -> Result<()> {
    let old = active();
    let new = p.normalized();
    if new == old.policy {
        return Ok(());
    }
    if new.fips_mode && !old.policy.fips_mode {
        crate::selftest::run_all()?;
    }
    let reselect = new.ct_only != old.policy.ct_only || new.isa_mask != old.policy.isa_mask;
    let denied = !new.effective_algorithms().0 & AlgSet::all().0;
    let a: &'static Active = Box::leak(Box::new(Active { policy: new, denied, generation: old.generation + 1 }));
    w.push(a);
    ACTIVE.store(std::ptr::from_ref(a).cast_mut(), Ordering::Release);
    if reselect {
        crate::dispatch::reselect()?;
    }
    Ok(())
}

/// Applies `f` to the current policy and installs the result (one atomic update: concurrent
/// updates are serialized, none is lost).
pub fn update(f: impl FnOnce(&mut Policy)) -> Result<()> {
    let mut w = WRITER.lock().unwrap_or_else(|e| e.into_inner());
    let mut p = active().policy.clone();
    f(&mut p);
    replace_locked(&mut w, p)
}

/// Like [`update`], but `check` may refuse the change against the current policy first.
fn update_checked(check: impl FnOnce(&Policy) -> Result<()>, f: impl FnOnce(&mut Policy)) -> Result<()> {
    let mut w = WRITER.lock().unwrap_or_else(|e| e.into_inner());
    let mut p = active().policy.clone();
    check(&p)?;
    f(&mut p);
    replace_locked(&mut w, p)
}

fn policy_denied(msg: String) -> Error {
    err(Status::PolicyDenied, msg)
}

// ---------------------------------------------------------------------------------------------
// Enforcement (hot path).
// ---------------------------------------------------------------------------------------------

thread_local! {
    /// Set while the library runs its own self-tests on this thread: they must run whatever the
    /// policy says (a refused known-answer test would put the library into its failed state).
    static BYPASS: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` with algorithm and key-size checks off on this thread (self-tests only).
pub(crate) fn without_enforcement<T>(f: impl FnOnce() -> T) -> T {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            BYPASS.with(|b| b.set(self.0));
        }
    }
    let _restore = Restore(BYPASS.with(|b| b.replace(true)));
    f()
}

/// `Ok(())` if `alg` may run under the active policy, else `PolicyDenied` naming the rule. One
/// atomic load and one test while every algorithm is allowed.
#[inline(always)]
pub fn check(alg: Alg) -> Result<()> {
    let a = active();
    if a.denied == 0 || a.denied & (1u64 << alg.index()) == 0 {
        return Ok(());
    }
    denied(a, alg)
}

#[cold]
#[inline(never)]
fn denied(a: &Active, alg: Alg) -> Result<()> {
    if BYPASS.with(Cell::get) {
        return Ok(());
    }
    Err(policy_denied(a.policy.denial(alg).unwrap_or_else(|| format!("policy: {} is not allowed", alg.name()))))
}

/// Whether `alg` may run under the active policy.
pub fn allowed(alg: Alg) -> bool {
    active().policy.allows(alg)
}

/// The HMAC key-length rule (`min_hmac_key_bytes`), for the HMAC API's entry points.
#[inline]
pub(crate) fn check_hmac_key(alg: Alg, key_len: usize) -> Result<()> {
    let min = active().policy.min_hmac_key_bytes;
    if key_len >= min {
        return Ok(());
    }
    hmac_key_too_short(alg, key_len, min)
}

#[cold]
#[inline(never)]
fn hmac_key_too_short(alg: Alg, key_len: usize, min: usize) -> Result<()> {
    if BYPASS.with(Cell::get) {
        return Ok(());
    }
    Err(policy_denied(format!("policy: min_hmac_key_bytes is {min}; a {key_len}-byte {} key is refused", alg.name())))
}

/// The RSA modulus-size rule (`min_rsa_bits`); `what` names the key ("secret key", …).
pub(crate) fn check_rsa_bits(bits: u32, what: &str) -> Result<()> {
    let min = active().policy.min_rsa_bits;
    if bits >= min || BYPASS.with(Cell::get) {
        return Ok(());
    }
    Err(policy_denied(format!("policy: min_rsa_bits is {min}; rsa-pss-sha256 {what} of {bits} bits is refused")))
}

/// Smallest RSA modulus (bits) the active policy accepts.
pub fn min_rsa_bits() -> u32 {
    active().policy.min_rsa_bits
}

/// Shortest HMAC key (bytes) the active policy accepts.
pub fn min_hmac_key_bytes() -> usize {
    active().policy.min_hmac_key_bytes
}

// ---------------------------------------------------------------------------------------------
// Single settings (each an update of the current policy).
// ---------------------------------------------------------------------------------------------

/// Features kernels may use (intersected with the detected CPU features). Default: all.
pub fn isa_mask() -> u64 {
    active().policy.isa_mask
}

/// Restricts the ISA features kernels may use and re-selects kernels. Forced kernels that the new
/// mask excludes are dropped back to automatic selection.
pub fn set_isa_mask(mask: u64) -> Result<()> {
    update(|p| p.isa_mask = mask)
}

pub fn ct_only() -> bool {
    active().policy.ct_only
}

/// Allow only kernels that claim constant-time behaviour, and re-select. Turning it off while
/// FIPS mode is on is refused (`PolicyDenied`).
pub fn set_ct_only(on: bool) -> Result<()> {
    update_checked(
        |p| {
            if !on && p.fips_mode {
                return Err(policy_denied("policy: fips_mode requires ct_only (turn fips_mode off first)".into()));
            }
            Ok(())
        },
        |p| p.ct_only = on,
    )
}

pub fn require_mlock() -> bool {
    active().policy.require_mlock
}

/// When on, a secure allocation whose `mlock` fails is an error (`MlockFailed`) instead of a
/// reported-but-tolerated condition.
pub fn set_require_mlock(on: bool) {
    // Cannot fail: no FIPS transition, no re-selection.
    let _ = update(|p| p.require_mlock = on);
}

/// Whether RSA private-key operations (RSA-PSS signing, RSA key generation) are allowed.
/// Default: allowed. Verification is never affected.
pub fn rsa_private_ops_allowed() -> bool {
    active().policy.rsa_private_ops
}

/// Allows or forbids RSA private-key operations; while off they fail with `PolicyDenied`
/// (the RUSTSEC-2023-0071 switch, see SECURITY.md). Does not re-select kernels.
pub fn set_rsa_private_ops(on: bool) {
    // Cannot fail: no FIPS transition, no re-selection.
    let _ = update(|p| p.rsa_private_ops = on);
}

/// Whether FIPS-like mode is on.
pub fn fips_mode() -> bool {
    active().policy.fips_mode
}

/// Turns FIPS-like mode on (self-tests run again first; CT-only forced; minimum key sizes raised
/// to the FIPS floors) or off (the other settings stay as they are).
pub fn set_fips_mode(on: bool) -> Result<()> {
    update(|p| p.fips_mode = on)
}

/// Whether hot-patches may be applied.
pub fn hot_patch_allowed() -> bool {
    active().policy.hot_patch_allowed
}

/// Allows or forbids applying hot-patches (rollback stays possible).
pub fn set_hot_patch_allowed(on: bool) {
    // Cannot fail: no FIPS transition, no re-selection.
    let _ = update(|p| p.hot_patch_allowed = on);
}

/// Adds `alg` to (or removes it from) the allowed algorithms. In FIPS mode a non-approved
/// algorithm stays refused even when it is in the set.
pub fn allow_algorithm(alg: Alg, allowed: bool) -> Result<()> {
    update(|p| p.allowed_algorithms = p.allowed_algorithms.with(alg, allowed))
}

/// Replaces the allowed algorithms.
pub fn set_allowed_algorithms(set: AlgSet) -> Result<()> {
    update(|p| p.allowed_algorithms = set)
}

fn below_fips_floor(what: &str, floor: usize) -> Error {
    policy_denied(format!("policy: fips_mode requires {what} >= {floor} (turn fips_mode off first)"))
}

/// Sets the smallest accepted RSA modulus (bits). Below 2048 is refused in FIPS mode.
pub fn set_min_rsa_bits(bits: u32) -> Result<()> {
    update_checked(
        |p| if p.fips_mode && bits < FIPS_MIN_RSA_BITS { Err(below_fips_floor("min_rsa_bits", FIPS_MIN_RSA_BITS as usize)) } else { Ok(()) },
        |p| p.min_rsa_bits = bits,
    )
}

/// Sets the shortest accepted HMAC key (bytes). Below 14 is refused in FIPS mode.
pub fn set_min_hmac_key_bytes(n: usize) -> Result<()> {
    update_checked(
        |p| if p.fips_mode && n < FIPS_MIN_HMAC_KEY_BYTES { Err(below_fips_floor("min_hmac_key_bytes", FIPS_MIN_HMAC_KEY_BYTES)) } else { Ok(()) },
        |p| p.min_hmac_key_bytes = n,
    )
}

static ALLOW_UNSIGNED_PATCHES: AtomicBool = AtomicBool::new(false);

/// Whether a trust store with `allow_unsigned: true` is honoured (development only). Default: no.
/// (A development switch, deliberately not part of [`Policy`].)
pub fn unsigned_patches_allowed() -> bool {
    ALLOW_UNSIGNED_PATCHES.load(Ordering::Acquire)
}

/// Development switch: when on, a trust store saying `allow_unsigned: true` lets hot-patches
/// without signatures through the signature step (every other check still runs, and the audit
/// record says `unsigned`). When off (the default), such a trust store is refused outright.
/// Never turn this on in production: it removes the authenticity guarantee of hot-patches.
pub fn set_allow_unsigned_patches_for_development(on: bool) {
    ALLOW_UNSIGNED_PATCHES.store(on, Ordering::Release);
}
