//! Process-wide policy: which ISA features kernels may use, constant-time-only selection, and
//! whether secure memory must be locked. Changing a selection-relevant setting re-selects kernels
//! (a new dispatch generation).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

static ISA_MASK: AtomicU64 = AtomicU64::new(u64::MAX);
static CT_ONLY: AtomicBool = AtomicBool::new(false);
static REQUIRE_MLOCK: AtomicBool = AtomicBool::new(false);

/// Features kernels may use (intersected with the detected CPU features). Default: all.
pub fn isa_mask() -> u64 {
    ISA_MASK.load(Ordering::Acquire)
}

/// Restricts the ISA features kernels may use and re-selects kernels. Forced kernels that the new
/// mask excludes are dropped back to automatic selection.
pub fn set_isa_mask(mask: u64) -> crate::Result<()> {
    ISA_MASK.store(mask, Ordering::Release);
    crate::dispatch::reselect()
}

pub fn ct_only() -> bool {
    CT_ONLY.load(Ordering::Acquire)
}

/// Allow only kernels that claim constant-time behaviour, and re-select.
pub fn set_ct_only(on: bool) -> crate::Result<()> {
    CT_ONLY.store(on, Ordering::Release);
    crate::dispatch::reselect()
}

pub fn require_mlock() -> bool {
    REQUIRE_MLOCK.load(Ordering::Acquire)
}

/// When on, a secure allocation whose `mlock` fails is an error (`MlockFailed`) instead of a
/// reported-but-tolerated condition.
pub fn set_require_mlock(on: bool) {
    REQUIRE_MLOCK.store(on, Ordering::Release);
}

static RSA_PRIVATE_OPS: AtomicBool = AtomicBool::new(true);

/// Whether RSA private-key operations (RSA-PSS signing, RSA key generation) are allowed.
/// Default: allowed. Verification is never affected.
pub fn rsa_private_ops_allowed() -> bool {
    RSA_PRIVATE_OPS.load(Ordering::Acquire)
}

/// Allows or forbids RSA private-key operations; while off they fail with `PolicyDenied`
/// (the RUSTSEC-2023-0071 switch, see SECURITY.md). Does not re-select kernels.
pub fn set_rsa_private_ops(on: bool) {
    RSA_PRIVATE_OPS.store(on, Ordering::Release);
}

static ALLOW_UNSIGNED_PATCHES: AtomicBool = AtomicBool::new(false);

/// Whether a trust store with `allow_unsigned: true` is honoured (development only). Default: no.
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
