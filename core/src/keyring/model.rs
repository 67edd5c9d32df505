//! The keyring's data: keys, versions, states, rotation policies, and their binary encoding (the
//! plaintext body of a keyring file; built in a pre-sized, wiped buffer so key material is never
//! left behind in reallocated memory).

use super::envelope::valid_name;
use crate::error::{err, Result, Status};
use crate::{Alg, Family, SecureBuffer};
use zeroize::Zeroizing;

/// Lifecycle state of a key version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyState {
    /// Used for new encryptions / signatures; also decrypts and verifies. One per key.
    Primary,
    /// Decrypts and verifies, without a time limit (imported versions, demoted primaries by choice).
    Active,
    /// Decrypts and verifies until the key's overlap window ends, then retires automatically.
    DecryptOnly,
    /// Unusable (window over or expired); material kept until destroyed.
    Retired,
    /// Unusable for everything, immediately.
    Revoked,
    /// Material wiped; a tombstone remains.
    Destroyed,
}

impl KeyState {
    pub fn name(self) -> &'static str {
        match self {
            KeyState::Primary => "primary",
            KeyState::Active => "active",
            KeyState::DecryptOnly => "decrypt-only",
            KeyState::Retired => "retired",
            KeyState::Revoked => "revoked",
            KeyState::Destroyed => "destroyed",
        }
    }
    pub(crate) fn code(self) -> u8 {
        self as u8
    }
    pub(crate) fn from_code(c: u8) -> Option<KeyState> {
        use KeyState::*;
        [Primary, Active, DecryptOnly, Retired, Revoked, Destroyed].get(c as usize).copied()
    }
}

/// Per-key rotation policy. `None` = no limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RotationPolicy {
    /// Rotate when the primary is this old (seconds).
    pub max_age: Option<u64>,
    /// Rotate before the primary has been used this many times (encryptions / signatures).
    pub max_uses: Option<u64>,
    /// How long a replaced primary stays decrypt-only before it retires (seconds).
    pub overlap: u64,
}

/// AES-GCM with random 96-bit nonces: at most 2^32 encryptions per key (NIST SP 800-38D §8.3).
pub const GCM_RANDOM_NONCE_LIMIT: u64 = 1 << 32;

impl RotationPolicy {
    /// Refuses limits that make a key unusable (`max_uses` or `max_age` of 0).
    pub fn check(&self) -> Result<()> {
        if self.max_uses == Some(0) || self.max_age == Some(0) {
            return Err(err(Status::InvalidParameter, "rotation policy: max_uses and max_age must be at least 1 (or no limit)"));
        }
        Ok(())
    }

    /// The default for `alg`: rotate every 90 days, keep old versions decrypt-only for 30 days, and
    /// for AES-GCM at most 2^32 encryptions per version.
    pub fn default_for(alg: Alg) -> RotationPolicy {
        let max_uses = matches!(alg, Alg::Aes128Gcm | Alg::Aes256Gcm).then_some(GCM_RANDOM_NONCE_LIMIT);
        RotationPolicy { max_age: Some(90 * super::clock::DAY), max_uses, overlap: 30 * super::clock::DAY }
    }
}

/// One version of a key.
pub struct Version {
    pub version: u32,
    pub alg: Alg,
    pub state: KeyState,
    pub created: u64,
    /// When the current state began (decrypt-only: start of the overlap window).
    pub state_since: u64,
    pub expires: Option<u64>,
    /// Uses reserved in the file (a ceiling on uses across every process; see `mod.rs`).
    pub uses_reserved: u64,
    /// Secret key material (None once destroyed).
    pub material: Option<SecureBuffer>,
    /// Public key (signature and KEM keys).
    pub public: Vec<u8>,
}

impl Version {
    /// A new version created at `now` with fresh material (no uses yet, no expiry).
    pub fn fresh(version: u32, alg: Alg, state: KeyState, now: u64, material: SecureBuffer, public: Vec<u8>) -> Version {
        Version { version, alg, state, created: now, state_since: now, expires: None, uses_reserved: 0, material: Some(material), public }
    }
}

/// A named key.
pub struct Key {
    pub name: String,
    pub policy: RotationPolicy,
    pub min_decryption_version: u32,
    pub created: u64,
    pub versions: Vec<Version>,
}

impl Key {
    /// A new key whose version 1 is primary (policy: the given one or the default for `alg`).
    pub fn first(name: &str, alg: Alg, policy: Option<RotationPolicy>, now: u64, material: SecureBuffer, public: Vec<u8>) -> Key {
        Key {
            name: name.to_string(),
            policy: policy.unwrap_or_else(|| RotationPolicy::default_for(alg)),
            min_decryption_version: 0,
            created: now,
            versions: vec![Version::fresh(1, alg, KeyState::Primary, now, material, public)],
        }
    }

    pub fn version(&self, v: u32) -> Option<&Version> {
        self.versions.iter().find(|x| x.version == v)
    }
    pub fn version_mut(&mut self, v: u32) -> Option<&mut Version> {
        self.versions.iter_mut().find(|x| x.version == v)
    }
    pub fn primary(&self) -> Option<&Version> {
        self.versions.iter().find(|x| x.state == KeyState::Primary)
    }
    pub fn next_version(&self) -> u32 {
        self.versions.iter().map(|v| v.version).max().unwrap_or(0) + 1
    }
}

/// Families a keyring key may belong to.
pub fn check_keyring_alg(alg: Alg) -> Result<()> {
    match alg.family() {
        Family::Aead | Family::Mac | Family::Sign | Family::Kem => Ok(()),
        f => Err(err(Status::WrongAlgorithmFamily, format!("{} is a {f:?} algorithm; keyring keys are AEAD, MAC, signature or KEM keys", alg.name()))),
    }
}

// ------------------------------------------------------------------------------ encoding

const BODY_MAGIC: &[u8; 4] = b"XKB1";

struct W(Zeroizing<Vec<u8>>);

impl W {
    fn u8(&mut self, x: u8) {
        self.0.push(x);
    }
    fn u32(&mut self, x: u32) {
        self.0.extend_from_slice(&x.to_be_bytes());
    }
    fn u64(&mut self, x: u64) {
        self.0.extend_from_slice(&x.to_be_bytes());
    }
    fn opt(&mut self, x: Option<u64>) {
        self.u8(u8::from(x.is_some()));
        self.u64(x.unwrap_or(0));
    }
    fn bytes(&mut self, b: &[u8]) {
        self.u32(b.len() as u32);
        self.0.extend_from_slice(b);
    }
}

/// Serializes every key (material included) into a wiped buffer of exactly the needed size.
pub fn encode(keys: &[Key]) -> Zeroizing<Vec<u8>> {
    encode_with(keys, |_, v| v.uses_reserved)
}

/// [`encode`] with the uses count of each version given by `uses` (a copy records the uses made,
/// not this process's leases).
pub fn encode_with(keys: &[Key], uses: impl Fn(&Key, &Version) -> u64) -> Zeroizing<Vec<u8>> {
    let size = 8 + keys
        .iter()
        .map(|k| {
            4 + k.name.len() + 4 + 26 + 8 + 4
                + k.versions.iter().map(|v| 4 + 4 + 1 + 8 + 8 + 9 + 8 + 5 + v.material.as_ref().map_or(0, |m| m.len()) + 4 + v.public.len()).sum::<usize>()
        })
        .sum::<usize>();
    let mut w = W(Zeroizing::new(Vec::with_capacity(size)));
    w.0.extend_from_slice(BODY_MAGIC);
    w.u32(keys.len() as u32);
    for k in keys {
        w.bytes(k.name.as_bytes());
        w.u32(k.min_decryption_version);
        w.opt(k.policy.max_age);
        w.opt(k.policy.max_uses);
        w.u64(k.policy.overlap);
        w.u64(k.created);
        w.u32(k.versions.len() as u32);
        for v in &k.versions {
            w.u32(v.version);
            w.u32(v.alg.id());
            w.u8(v.state.code());
            w.u64(v.created);
            w.u64(v.state_since);
            w.opt(v.expires);
            w.u64(uses(k, v));
            w.u8(u8::from(v.material.is_some()));
            w.bytes(v.material.as_ref().map_or(&[][..], |m| m.as_slice()));
            w.bytes(&v.public);
        }
    }
    debug_assert_eq!(w.0.len(), size, "size estimate must be exact (no reallocation of secrets)");
    w.0
}

struct R<'a> {
    b: &'a [u8],
    at: usize,
}

fn malformed(why: &str) -> crate::Error {
    err(Status::MalformedKeyring, format!("keyring body: {why}"))
}

impl<'a> R<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let s = self.b.get(self.at..self.at.checked_add(n).ok_or_else(|| malformed("length overflow"))?).ok_or_else(|| malformed("truncated"))?;
        self.at += n;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_be_bytes(self.take(4)?.try_into().map_err(|_| malformed("u32"))?))
    }
    fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_be_bytes(self.take(8)?.try_into().map_err(|_| malformed("u64"))?))
    }
    fn opt(&mut self) -> Result<Option<u64>> {
        let f = self.u8()?;
        let v = self.u64()?;
        match f {
            0 => Ok(None),
            1 => Ok(Some(v)),
            _ => Err(malformed("option flag")),
        }
    }
    fn bytes(&mut self) -> Result<&'a [u8]> {
        let n = self.u32()? as usize;
        self.take(n)
    }
}

/// Parses a body produced by [`encode`] (already authenticated by the file's AEAD tag; checked
/// anyway, since a bug or a future writer must not crash a reader).
pub fn decode(b: &[u8]) -> Result<Vec<Key>> {
    let mut r = R { b, at: 0 };
    if r.take(4)? != BODY_MAGIC {
        return Err(malformed("magic"));
    }
    let n = r.u32()? as usize;
    let mut keys: Vec<Key> = Vec::with_capacity(n.min(4096));
    for _ in 0..n {
        let name = std::str::from_utf8(r.bytes()?).map_err(|_| malformed("name"))?.to_string();
        if !valid_name(&name) || keys.iter().any(|k| k.name == name) {
            return Err(malformed("key name"));
        }
        let min_decryption_version = r.u32()?;
        let policy = RotationPolicy { max_age: r.opt()?, max_uses: r.opt()?, overlap: r.u64()? };
        let created = r.u64()?;
        let nv = r.u32()? as usize;
        let mut versions: Vec<Version> = Vec::with_capacity(nv.min(4096));
        for _ in 0..nv {
            let version = r.u32()?;
            let alg = Alg::from_id(r.u32()?).ok_or_else(|| malformed("algorithm"))?;
            check_keyring_alg(alg).map_err(|_| malformed("algorithm family"))?;
            let state = KeyState::from_code(r.u8()?).ok_or_else(|| malformed("state"))?;
            let created = r.u64()?;
            let state_since = r.u64()?;
            let expires = r.opt()?;
            let uses_reserved = r.u64()?;
            let has = r.u8()?;
            let m = r.bytes()?;
            let material = match (has, state) {
                (0, KeyState::Destroyed) if m.is_empty() => None,
                (1, s) if s != KeyState::Destroyed => Some(SecureBuffer::from_slice(m)?),
                _ => return Err(malformed("material flag")),
            };
            let public = r.bytes()?.to_vec();
            if version == 0 || versions.iter().any(|v| v.version == version) {
                return Err(malformed("version number"));
            }
            versions.push(Version { version, alg, state, created, state_since, expires, uses_reserved, material, public });
        }
        if versions.iter().filter(|v| v.state == KeyState::Primary).count() > 1 {
            return Err(malformed("two primaries"));
        }
        keys.push(Key { name, policy, min_decryption_version, created, versions });
    }
    if r.at != b.len() {
        return Err(malformed("trailing bytes"));
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_is_presized_and_round_trips() {
        let v = |n: u32, state, m: Option<&[u8]>| Version {
            version: n,
            alg: Alg::Ed25519,
            state,
            created: 10,
            state_since: 11,
            expires: Some(99),
            uses_reserved: 7,
            material: m.map(|m| SecureBuffer::from_slice(m).unwrap()),
            public: vec![5; 32],
        };
        let keys = vec![Key {
            name: "signing-key".into(),
            policy: RotationPolicy { max_age: None, max_uses: Some(3), overlap: 4 },
            min_decryption_version: 1,
            created: 9,
            versions: vec![v(1, KeyState::Destroyed, None), v(2, KeyState::Primary, Some(&[1; 32]))],
        }];
        let b = encode(&keys);
        assert_eq!(b.len(), b.capacity(), "the secret-bearing buffer must never reallocate");
        let back = decode(&b).unwrap();
        assert_eq!(encode(&back)[..], b[..]);
        assert!(decode(&b[..b.len() - 1]).is_err());
    }
}
