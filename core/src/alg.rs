//! Canonical algorithm names and their stable numeric ids (brief §6).
//!
//! Ids are grouped by family (0x1xx hash/XOF, 0x2xx MAC, 0x3xx AEAD, 0x4xx KDF, 0x5xx signatures,
//! 0x6xx KEMs / key agreement). Numbers never change once released.

use crate::error::{err, Result, Status};

#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Alg {
    Sha256 = 0x101,
    Sha384 = 0x102,
    Sha512 = 0x103,
    Sha3_256 = 0x104,
    Sha3_512 = 0x105,
    Shake128 = 0x106,
    Shake256 = 0x107,
    Blake2b512 = 0x108,
    Blake2s256 = 0x109,
    Blake3 = 0x10A,
    HmacSha256 = 0x201,
    HmacSha384 = 0x202,
    HmacSha512 = 0x203,
    Poly1305 = 0x204,
    Blake3Keyed = 0x205,
    Aes128Gcm = 0x301,
    Aes256Gcm = 0x302,
    ChaCha20Poly1305 = 0x303,
    XChaCha20Poly1305 = 0x304,
    HkdfSha256 = 0x401,
    HkdfSha384 = 0x402,
    HkdfSha512 = 0x403,
    Pbkdf2Sha256 = 0x404,
    Pbkdf2Sha512 = 0x405,
    Argon2id = 0x406,
    Ed25519 = 0x501,
    MlDsa44 = 0x502,
    MlDsa65 = 0x503,
    MlDsa87 = 0x504,
    Falcon512 = 0x505,
    Falcon1024 = 0x506,
    SlhDsaSha2_128s = 0x507,
    RsaPssSha256 = 0x508,
    Ed25519MlDsa65 = 0x509,
    X25519 = 0x601,
    MlKem512 = 0x602,
    MlKem768 = 0x603,
    MlKem1024 = 0x604,
    XWing = 0x605,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    Hash,
    Mac,
    Aead,
    Kdf,
    Sign,
    Kem,
}

impl Alg {
    pub const ALL: &'static [Alg] = &[
        Alg::Sha256,
        Alg::Sha384,
        Alg::Sha512,
        Alg::Sha3_256,
        Alg::Sha3_512,
        Alg::Shake128,
        Alg::Shake256,
        Alg::Blake2b512,
        Alg::Blake2s256,
        Alg::Blake3,
        Alg::HmacSha256,
        Alg::HmacSha384,
        Alg::HmacSha512,
        Alg::Poly1305,
        Alg::Blake3Keyed,
        Alg::Aes128Gcm,
        Alg::Aes256Gcm,
        Alg::ChaCha20Poly1305,
        Alg::XChaCha20Poly1305,
        Alg::HkdfSha256,
        Alg::HkdfSha384,
        Alg::HkdfSha512,
        Alg::Pbkdf2Sha256,
        Alg::Pbkdf2Sha512,
        Alg::Argon2id,
        Alg::Ed25519,
        Alg::MlDsa44,
        Alg::MlDsa65,
        Alg::MlDsa87,
        Alg::Falcon512,
        Alg::Falcon1024,
        Alg::SlhDsaSha2_128s,
        Alg::RsaPssSha256,
        Alg::Ed25519MlDsa65,
        Alg::X25519,
        Alg::MlKem512,
        Alg::MlKem768,
        Alg::MlKem1024,
        Alg::XWing,
    ];

    /// The canonical name, identical in every language.
    pub fn name(self) -> &'static str {
        match self {
            Alg::Sha256 => "sha256",
            Alg::Sha384 => "sha384",
            Alg::Sha512 => "sha512",
            Alg::Sha3_256 => "sha3-256",
            Alg::Sha3_512 => "sha3-512",
            Alg::Shake128 => "shake128",
            Alg::Shake256 => "shake256",
            Alg::Blake2b512 => "blake2b-512",
            Alg::Blake2s256 => "blake2s-256",
            Alg::Blake3 => "blake3",
            Alg::HmacSha256 => "hmac-sha256",
            Alg::HmacSha384 => "hmac-sha384",
            Alg::HmacSha512 => "hmac-sha512",
            Alg::Poly1305 => "poly1305",
            Alg::Blake3Keyed => "blake3-keyed",
            Alg::Aes128Gcm => "aes-128-gcm",
            Alg::Aes256Gcm => "aes-256-gcm",
            Alg::ChaCha20Poly1305 => "chacha20-poly1305",
            Alg::XChaCha20Poly1305 => "xchacha20-poly1305",
            Alg::HkdfSha256 => "hkdf-sha256",
            Alg::HkdfSha384 => "hkdf-sha384",
            Alg::HkdfSha512 => "hkdf-sha512",
            Alg::Pbkdf2Sha256 => "pbkdf2-sha256",
            Alg::Pbkdf2Sha512 => "pbkdf2-sha512",
            Alg::Argon2id => "argon2id",
            Alg::Ed25519 => "ed25519",
            Alg::MlDsa44 => "ml-dsa-44",
            Alg::MlDsa65 => "ml-dsa-65",
            Alg::MlDsa87 => "ml-dsa-87",
            Alg::Falcon512 => "falcon-512",
            Alg::Falcon1024 => "falcon-1024",
            Alg::SlhDsaSha2_128s => "slh-dsa-sha2-128s",
            Alg::RsaPssSha256 => "rsa-pss-sha256",
            Alg::Ed25519MlDsa65 => "ed25519+ml-dsa-65",
            Alg::X25519 => "x25519",
            Alg::MlKem512 => "ml-kem-512",
            Alg::MlKem768 => "ml-kem-768",
            Alg::MlKem1024 => "ml-kem-1024",
            Alg::XWing => "x-wing",
        }
    }

    pub fn id(self) -> u32 {
        self as u32
    }

    /// `(index in ALL of the family's first algorithm, number of algorithms)` of family byte `f`.
    #[inline]
    const fn family_span(f: u32) -> Option<(usize, usize)> {
        Some(match f {
            1 => (0, 10),
            2 => (10, 5),
            3 => (15, 4),
            4 => (19, 6),
            5 => (25, 9),
            6 => (34, 5),
            _ => return None,
        })
    }

    #[inline]
    pub fn from_id(id: u32) -> Option<Alg> {
        // `ALL` is in id order and each family's ids are contiguous from `family·0x100 + 1`
        // (checked by the `from_id_is_exact` test): an index, not a search.
        let (first, count) = Self::family_span(id >> 8)?;
        let i = (id & 0xff).wrapping_sub(1) as usize;
        if i < count {
            Some(Alg::ALL[first + i])
        } else {
            None
        }
    }

    /// Position of this algorithm in [`Alg::ALL`] (`< 64`): for bit sets inside the process.
    /// Not stable across versions (a new algorithm shifts the ones after it); never store it.
    #[inline]
    pub fn index(self) -> usize {
        let id = self.id();
        match Self::family_span(id >> 8) {
            Some((first, _)) => first + ((id & 0xff) as usize - 1),
            None => 0,
        }
    }

    /// Exact, case-sensitive lookup of a canonical name.
    pub fn from_name(name: &str) -> Option<Alg> {
        Alg::ALL.iter().copied().find(|a| a.name() == name)
    }

    pub fn family(self) -> Family {
        match self.id() >> 8 {
            1 => Family::Hash,
            2 => Family::Mac,
            3 => Family::Aead,
            4 => Family::Kdf,
            5 => Family::Sign,
            _ => Family::Kem,
        }
    }

    /// `Ok(alg)` if it belongs to `family` and the active policy allows it; else a wrong-family
    /// error naming both, or `PolicyDenied` naming the policy rule ([`crate::policy::check`]).
    #[inline]
    pub fn expect(self, family: Family) -> Result<Alg> {
        if self.family() == family {
            crate::policy::check(self)?;
            Ok(self)
        } else {
            Err(err(
                Status::WrongAlgorithmFamily,
                format!("{} is a {:?} algorithm, not a {:?} one", self.name(), self.family(), family),
            ))
        }
    }

    pub fn from_id_checked(id: u32) -> Result<Alg> {
        Alg::from_id(id).ok_or_else(|| err(Status::UnknownAlgorithm, format!("unknown algorithm id {id:#x}")))
    }
}

#[cfg(test)]
mod tests {
    use super::Alg;

    #[test]
    fn from_id_is_exact() {
        for a in Alg::ALL {
            assert_eq!(Alg::from_id(a.id()), Some(*a));
        }
        for id in 0..0x800u32 {
            assert_eq!(Alg::from_id(id), Alg::ALL.iter().copied().find(|a| a.id() == id), "{id:#x}");
        }
        assert_eq!(Alg::from_id(u32::MAX), None);
        for (i, a) in Alg::ALL.iter().enumerate() {
            assert_eq!(a.index(), i);
        }
        assert!(Alg::ALL.len() <= 64, "policy bit sets are u64");
    }
}
