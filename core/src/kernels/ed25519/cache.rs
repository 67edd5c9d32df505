//! Per-thread caches of decoded Ed25519 public keys, so the flat calls, which get keys as bytes,
//! cost what a caller holding a key object pays when the same key comes back:
//!
//! - `verify`: public-key bytes → decompressed key (saves a field square root per call);
//! - `sign`: a one-way tag of the 32-byte secret → its public key (saves a base-point
//!   multiplication per call; RFC 8032 signing needs the public key).
//!
//! Everything cached is public or no more revealing than the public key: the tag is
//! SHA-256(domain ‖ secret), like the public key a one-way function of the secret that only lets
//! someone confirm a guess. Sign lookups scan every entry with a constant-time compare (no
//! secret-indexed access). No locks: each thread has its own small round-robin array; a thread's
//! entries go when it exits. A wrong public key in `raw_sign` would leak the secret, so an entry
//! is used only on a full 32-byte tag match.

use crate::secure::ct::ct_equal;
use ed25519_dalek::VerifyingKey;
use sha2::{Digest, Sha256};
use std::cell::RefCell;

const WAYS: usize = 8;

struct Ring<K> {
    entries: [Option<(K, VerifyingKey)>; WAYS],
    next: usize,
}

impl<K> Ring<K> {
    const fn new() -> Self {
        Ring { entries: [const { None }; WAYS], next: 0 }
    }
    fn insert(&mut self, k: K, v: VerifyingKey) {
        self.entries[self.next] = Some((k, v));
        self.next = (self.next + 1) % WAYS;
    }
}

thread_local! {
    static VERIFY: RefCell<Ring<[u8; 32]>> = const { RefCell::new(Ring::new()) };
    static SIGN: RefCell<Ring<[u8; 32]>> = const { RefCell::new(Ring::new()) };
}

// `try_with` everywhere: during thread teardown the caches may be gone; the calls then just
// compute (nothing may panic inside a kernel).

/// The decompressed public key of `pk`; `None` if the bytes are not a curve point (not cached).
pub(super) fn verifying_key(pk: &[u8; 32]) -> Option<VerifyingKey> {
    let hit = VERIFY.try_with(|c| c.borrow().entries.iter().flatten().find(|(k, _)| k == pk).map(|(_, v)| *v)).ok().flatten();
    if hit.is_some() {
        return hit;
    }
    let vk = VerifyingKey::from_bytes(pk).ok()?;
    let _ = VERIFY.try_with(|c| c.borrow_mut().insert(*pk, vk));
    Some(vk)
}

/// The public key of the secret `sk`, whose expanded form is `esk` (computed on a miss).
pub(super) fn public_of(sk: &[u8; 32], esk: &ed25519_dalek::hazmat::ExpandedSecretKey) -> VerifyingKey {
    let tag: [u8; 32] = Sha256::new().chain_update(b"xpscrypto ed25519 public-key cache v1").chain_update(sk).finalize().into();
    let hit = SIGN
        .try_with(|c| {
            let mut hit = None;
            for (k, v) in c.borrow().entries.iter().flatten() {
                if ct_equal(k, &tag) {
                    hit = Some(*v);
                }
            }
            hit
        })
        .ok()
        .flatten();
    if let Some(v) = hit {
        return v;
    }
    let vk = VerifyingKey::from(esk);
    let _ = SIGN.try_with(|c| c.borrow_mut().insert(tag, vk));
    vk
}
