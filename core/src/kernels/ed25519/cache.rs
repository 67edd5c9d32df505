//! Per-thread caches of decoded Ed25519 public keys, so the flat calls, which get keys as bytes,
//! cost what a caller holding a key object pays when the same key comes back:
//!
//! - `verify`: public-key bytes → decompressed key (saves a field square root per call);
//! - `sign`: a one-way tag of the 32-byte secret → its public key (saves a base-point
//!   multiplication per call; RFC 8032 signing needs the public key). Whether a call hit is
//!   visible in its timing (one base-point multiplication less), which tells an observer only
//!   that the same secret signed recently on this thread.
//!
//! Everything cached is public or no more revealing than the public key: the tag is
//! SHA-256(domain ‖ secret) (`tag_of`: one 64-byte block, hashed from a buffer that is wiped),
//! like the public key a one-way function of the secret that only lets someone confirm a guess. Sign lookups scan every entry with a constant-time compare (no
//! secret-indexed access). No locks: each thread has its own small round-robin array; a thread's
//! entries go when it exits. A wrong public key in `raw_sign` would leak the secret, so an entry
//! is used only on a full 32-byte tag match.

use crate::secure::ct::ct_equal;
use ed25519_dalek::VerifyingKey;
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
    let tag = tag_of(sk);
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

/// SHA-256(32-byte domain ‖ secret): a 64-byte message, so one data block and the fixed padding
/// block, compressed from a local buffer wiped afterwards (the streaming `Sha256` would leave the
/// secret in its block buffer when dropped).
fn tag_of(sk: &[u8; 32]) -> [u8; 32] {
    const DOMAIN: &[u8; 32] = b"xpscrypto ed25519 pk cache v1\0\0\0";
    const IV: [u32; 8] = [0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19];
    let mut blocks = [[0u8; 64]; 2];
    blocks[0][..32].copy_from_slice(DOMAIN);
    blocks[0][32..].copy_from_slice(sk);
    blocks[1][0] = 0x80;
    blocks[1][56..].copy_from_slice(&512u64.to_be_bytes());
    let mut state = IV;
    sha2::block_api::compress256(&mut state, &blocks);
    crate::secure::ct::secure_zero(blocks.as_flattened_mut());
    let mut tag = [0u8; 32];
    for (o, w) in tag.chunks_exact_mut(4).zip(state) {
        o.copy_from_slice(&w.to_be_bytes());
    }
    tag
}

#[cfg(test)]
mod tests {
    /// `tag_of` is SHA-256(domain ‖ secret), checked against the streaming hasher.
    #[test]
    fn tag_is_sha256_of_domain_and_secret() {
        use sha2::{Digest, Sha256};
        for sk in [[0u8; 32], [0xA5; 32], core::array::from_fn(|i| i as u8)] {
            let want: [u8; 32] = Sha256::new().chain_update(b"xpscrypto ed25519 pk cache v1\0\0\0").chain_update(sk).finalize().into();
            assert_eq!(super::tag_of(&sk), want);
        }
    }
}
