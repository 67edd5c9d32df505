//! The HPKE KEM layer, written over our `kem` API (so it follows the dispatch table):
//!
//! - DHKEM(X25519, HKDF-SHA256) (0x0020), RFC 9180 §4.1 / §7.1: `DeriveKeyPair` by
//!   LabeledExtract/LabeledExpand ("dkp_prk", "sk"); `Encap`/`Decap` and `AuthEncap`/`AuthDecap`
//!   over raw X25519 (`kem::encapsulate` with the ephemeral scalar as seed, `kem::decapsulate` as
//!   plain DH), shared secret = ExtractAndExpand(dh, kem_context). All-zero DH outputs are refused
//!   (`WeakPublicKey`), as RFC 9180 §7.1.4 requires.
//! - ML-KEM-512/768/1024 (0x0040/0x0041/0x0042) and X-Wing = MLKEM768-X25519 (0x647a), per
//!   draft-ietf-hpke-pq-05 §3–4: `Encap`/`Decap` are the KEM's own and its shared secret is used
//!   directly; `DeriveKeyPair(ikm)` = the KEM's seeded key generation on
//!   SHAKE256.LabeledDerive(ikm, "DeriveKeyPair", "", Nseed) with suite_id "KEM" ‖ I2OSP(kem_id, 2)
//!   (Nseed = 64 = d‖z for ML-KEM, 32 for X-Wing). The HPKE private key of ML-KEM is the 64-byte
//!   seed (Nsk = 64); `decap` also accepts the expanded FIPS 203 decapsulation key. The X-Wing
//!   private key is its 32-byte seed. These KEMs have no AuthEncap (draft §7.2): auth modes are
//!   refused with `InvalidParameter`. Until a KEM's kernel exists in this build, every call for
//!   it returns the `kem` module's `UnknownAlgorithm`.
//!
//! Derandomized encapsulation (`ikm_e`, for known-answer tests): DHKEM derives the ephemeral key
//! pair from `ikm_e` with `DeriveKeyPair`; the PQ KEMs take `ikm_e` as their encapsulation
//! randomness (32 bytes for ML-KEM, 64 for X-Wing), as the draft's `EncapDerand`.

use super::labeled;
use crate::alg::Alg;
use crate::error::{err, Result, Status};
use crate::secure::ct::Wiped;
use crate::SecureBuffer;
use zeroize::Zeroizing;

/// HPKE KEM id of DHKEM(X25519, HKDF-SHA256).
pub const KEM_X25519_HKDF_SHA256: u16 = 0x0020;
/// HPKE KEM id of ML-KEM-512.
pub const KEM_ML_KEM_512: u16 = 0x0040;
/// HPKE KEM id of ML-KEM-768.
pub const KEM_ML_KEM_768: u16 = 0x0041;
/// HPKE KEM id of ML-KEM-1024.
pub const KEM_ML_KEM_1024: u16 = 0x0042;
/// HPKE KEM id of X-Wing (MLKEM768-X25519).
pub const KEM_X_WING: u16 = 0x647a;

/// Shortest `ikm` accepted by `DeriveKeyPair` (RFC 9180: "SHOULD have at least Nsk bytes of
/// entropy"; enforced here as a length floor of 32 bytes for every KEM).
pub const MIN_IKM_LEN: usize = 32;

const X25519_LEN: usize = 32;
const ML_KEM_SEED_LEN: usize = 64;
const X_WING_SEED_LEN: usize = 32;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    DhX25519,
    MlKem,
    XWing,
}

/// Sizes of an HPKE KEM in bytes (RFC 9180 `Npk`, `Nsk`, `Nenc`, `Nsecret`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KemSizes {
    pub public_key: usize,
    pub secret_key: usize,
    pub enc: usize,
    pub shared_secret: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct HpkeKem {
    pub id: u16,
    pub alg: Alg,
    pub kind: Kind,
}

fn kem_name(id: u16) -> Option<&'static str> {
    Some(match id {
        0x0010 => "DHKEM(P-256, HKDF-SHA256)",
        0x0011 => "DHKEM(P-384, HKDF-SHA384)",
        0x0012 => "DHKEM(P-521, HKDF-SHA512)",
        0x0021 => "DHKEM(X448, HKDF-SHA512)",
        0x0050 => "MLKEM768-P256",
        0x0051 => "MLKEM1024-P384",
        _ => return None,
    })
}

impl HpkeKem {
    pub fn from_id(id: u16) -> Result<Self> {
        let (alg, kind) = match id {
            KEM_X25519_HKDF_SHA256 => (Alg::X25519, Kind::DhX25519),
            KEM_ML_KEM_512 => (Alg::MlKem512, Kind::MlKem),
            KEM_ML_KEM_768 => (Alg::MlKem768, Kind::MlKem),
            KEM_ML_KEM_1024 => (Alg::MlKem1024, Kind::MlKem),
            KEM_X_WING => (Alg::XWing, Kind::XWing),
            _ => {
                let what = kem_name(id).map_or_else(|| format!("HPKE KEM id {id:#06x} is unknown"), |n| format!("HPKE KEM {n} ({id:#06x}) is not implemented"));
                return Err(err(Status::UnknownAlgorithm, what));
            }
        };
        crate::policy::check(alg)?;
        Ok(HpkeKem { id, alg, kind })
    }

    fn suite_id(&self) -> [u8; 5] {
        let i = self.id.to_be_bytes();
        [b'K', b'E', b'M', i[0], i[1]]
    }

    pub fn has_auth(&self) -> bool {
        self.kind == Kind::DhX25519
    }

    /// Sizes; fails with the `kem` module's status when the KEM has no kernel in this build.
    pub fn sizes(&self) -> Result<KemSizes> {
        let s = crate::kem::sizes(self.alg)?;
        Ok(match self.kind {
            Kind::DhX25519 => KemSizes { public_key: X25519_LEN, secret_key: X25519_LEN, enc: X25519_LEN, shared_secret: 32 },
            Kind::MlKem => KemSizes { public_key: s.public_key, secret_key: ML_KEM_SEED_LEN, enc: s.ciphertext, shared_secret: s.shared_secret },
            Kind::XWing => KemSizes { public_key: s.public_key, secret_key: s.secret_key, enc: s.ciphertext, shared_secret: s.shared_secret },
        })
    }

    fn check_pk(&self, s: &KemSizes, pk: &[u8], what: &str) -> Result<()> {
        if pk.len() != s.public_key {
            return Err(err(Status::BadKeyLength, format!("HPKE {} {what} is {} bytes, got {}", self.alg.name(), s.public_key, pk.len())));
        }
        Ok(())
    }

    fn check_sk(&self, s: &KemSizes, sk: &[u8], what: &str) -> Result<()> {
        let expanded_ok = self.kind == Kind::MlKem && crate::kem::sizes(self.alg)?.secret_key == sk.len();
        if sk.len() != s.secret_key && !expanded_ok {
            return Err(err(Status::BadKeyLength, format!("HPKE {} {what} is {} bytes, got {}", self.alg.name(), s.secret_key, sk.len())));
        }
        Ok(())
    }

    fn check_enc(&self, s: &KemSizes, enc: &[u8]) -> Result<()> {
        if enc.len() != s.enc {
            return Err(err(Status::InvalidLength, format!("HPKE {} enc is {} bytes, got {}", self.alg.name(), s.enc, enc.len())));
        }
        Ok(())
    }

    fn no_auth(&self) -> Result<()> {
        if self.has_auth() {
            return Ok(());
        }
        Err(err(Status::InvalidParameter, format!("HPKE KEM {} ({:#06x}) has no AuthEncap/AuthDecap: auth modes need DHKEM", self.alg.name(), self.id)))
    }

    /// `DeriveKeyPair(ikm)`: `(pk, sk)`, the secret key in secure memory.
    pub fn derive_keypair(&self, ikm: &[u8]) -> Result<(Vec<u8>, SecureBuffer)> {
        let s = self.sizes()?;
        if ikm.len() < MIN_IKM_LEN {
            return Err(err(Status::InvalidLength, format!("HPKE DeriveKeyPair needs at least {MIN_IKM_LEN} bytes of ikm, got {}", ikm.len())));
        }
        let mut sk = SecureBuffer::new(s.secret_key)?;
        let pk = match self.kind {
            Kind::DhX25519 => {
                self.dh_derive_sk(ikm, sk.as_mut_slice())?;
                self.dh_public(sk.as_slice())?
            }
            Kind::MlKem | Kind::XWing => {
                let seed = self.derive_seed(ikm)?;
                let (pk, ksk) = crate::kem::keypair(self.alg, Some(&seed))?;
                match self.kind {
                    Kind::MlKem => sk.as_mut_slice().copy_from_slice(&seed),
                    _ => sk.as_mut_slice().copy_from_slice(ksk.as_slice()),
                }
                pk
            }
        };
        Ok((pk, sk))
    }

    /// PQ KEMs: the key-generation seed SHAKE256.LabeledDerive(ikm, "DeriveKeyPair", "", Nseed)
    /// (draft-ietf-hpke-pq-05 §3: 64 bytes d‖z for ML-KEM; §4: 32 bytes for X-Wing). Needs no
    /// kernel.
    pub fn derive_seed(&self, ikm: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        let n = match self.kind {
            Kind::MlKem => ML_KEM_SEED_LEN,
            Kind::XWing => X_WING_SEED_LEN,
            Kind::DhX25519 => return Err(err(Status::InvalidParameter, "DHKEM derives its key by HKDF, not by a seed")),
        };
        if ikm.len() < MIN_IKM_LEN {
            return Err(err(Status::InvalidLength, format!("HPKE DeriveKeyPair needs at least {MIN_IKM_LEN} bytes of ikm, got {}", ikm.len())));
        }
        let mut seed = Zeroizing::new(vec![0u8; n]);
        labeled::derive_shake256(&self.suite_id(), ikm, b"DeriveKeyPair", b"", &mut seed)?;
        Ok(seed)
    }

    /// RFC 9180 §7.1.3 for X25519: sk = LabeledExpand(LabeledExtract("", "dkp_prk", ikm), "sk", "", 32).
    fn dh_derive_sk(&self, ikm: &[u8], out: &mut [u8]) -> Result<()> {
        let mut prk = Wiped::<32>::new();
        labeled::extract(Alg::HkdfSha256, &self.suite_id(), b"", b"dkp_prk", ikm, &mut prk[..])?;
        labeled::expand(Alg::HkdfSha256, &self.suite_id(), &prk[..], b"sk", b"", out)
    }

    fn dh_public(&self, sk: &[u8]) -> Result<Vec<u8>> {
        let mut pk = vec![0u8; X25519_LEN];
        let mut scratch = Wiped::<X25519_LEN>::new();
        crate::kem::keypair_into(Alg::X25519, Some(sk), &mut pk, &mut scratch[..])?;
        Ok(pk)
    }

    fn dh(&self, sk: &[u8], peer: &[u8], out: &mut [u8]) -> Result<()> {
        crate::kem::decapsulate_into(Alg::X25519, sk, peer, out)
    }

    /// ExtractAndExpand(dh, kem_context) with HKDF-SHA256 (the KEM's own KDF), Nsecret = 32.
    fn extract_and_expand(&self, dh: &[u8], kem_context: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        let mut prk = Wiped::<32>::new();
        labeled::extract(Alg::HkdfSha256, &self.suite_id(), b"", b"eae_prk", dh, &mut prk[..])?;
        let mut ss = Zeroizing::new(vec![0u8; 32]);
        labeled::expand(Alg::HkdfSha256, &self.suite_id(), &prk[..], b"shared_secret", kem_context, &mut ss)?;
        Ok(ss)
    }

    /// The ephemeral X25519 scalar: derived from `ikm_e` (KATs) or random.
    fn dh_ephemeral(&self, ikm_e: Option<&[u8]>) -> Result<Wiped<X25519_LEN>> {
        let mut e = Wiped::<X25519_LEN>::new();
        match ikm_e {
            Some(ikm) => {
                if ikm.len() < MIN_IKM_LEN {
                    return Err(err(Status::InvalidLength, format!("HPKE ikmE needs at least {MIN_IKM_LEN} bytes, got {}", ikm.len())));
                }
                self.dh_derive_sk(ikm, &mut e[..])?
            }
            None => crate::rand::random_bytes(&mut e[..])?,
        }
        Ok(e)
    }

    /// `Encap(pkR)` (or `EncapDerand` with `ikm_e`): `(enc, shared_secret)`.
    pub fn encap(&self, pk_r: &[u8], ikm_e: Option<&[u8]>) -> Result<(Vec<u8>, Zeroizing<Vec<u8>>)> {
        let s = self.sizes()?;
        self.check_pk(&s, pk_r, "recipient public key")?;
        match self.kind {
            Kind::DhX25519 => {
                let e = self.dh_ephemeral(ikm_e)?;
                let mut enc = vec![0u8; X25519_LEN];
                let mut dh = Wiped::<X25519_LEN>::new();
                crate::kem::encapsulate_into(Alg::X25519, pk_r, Some(&e[..]), &mut enc, &mut dh[..])?;
                let ss = self.extract_and_expand(&dh[..], &[&enc[..], pk_r].concat())?;
                Ok((enc, ss))
            }
            Kind::MlKem | Kind::XWing => crate::kem::encapsulate(self.alg, pk_r, ikm_e),
        }
    }

    /// `Decap(enc, skR)`: the shared secret.
    pub fn decap(&self, enc: &[u8], sk_r: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        let s = self.sizes()?;
        self.check_enc(&s, enc)?;
        self.check_sk(&s, sk_r, "recipient secret key")?;
        match self.kind {
            Kind::DhX25519 => {
                let mut dh = Wiped::<X25519_LEN>::new();
                self.dh(sk_r, enc, &mut dh[..])?;
                let pk_rm = self.dh_public(sk_r)?;
                self.extract_and_expand(&dh[..], &[enc, &pk_rm[..]].concat())
            }
            Kind::MlKem if sk_r.len() == ML_KEM_SEED_LEN => {
                let (_, expanded) = crate::kem::keypair(self.alg, Some(sk_r))?;
                crate::kem::decapsulate(self.alg, expanded.as_slice(), enc)
            }
            Kind::MlKem | Kind::XWing => crate::kem::decapsulate(self.alg, sk_r, enc),
        }
    }

    /// `AuthEncap(pkR, skS)` (DHKEM only): `(enc, shared_secret)`.
    pub fn auth_encap(&self, pk_r: &[u8], sk_s: &[u8], ikm_e: Option<&[u8]>) -> Result<(Vec<u8>, Zeroizing<Vec<u8>>)> {
        self.no_auth()?;
        let s = self.sizes()?;
        self.check_pk(&s, pk_r, "recipient public key")?;
        self.check_sk(&s, sk_s, "sender secret key")?;
        let e = self.dh_ephemeral(ikm_e)?;
        let mut enc = vec![0u8; X25519_LEN];
        let mut dh = Wiped::<{ 2 * X25519_LEN }>::new();
        crate::kem::encapsulate_into(Alg::X25519, pk_r, Some(&e[..]), &mut enc, &mut dh[..X25519_LEN])?;
        self.dh(sk_s, pk_r, &mut dh[X25519_LEN..])?;
        let pk_sm = self.dh_public(sk_s)?;
        let ss = self.extract_and_expand(&dh[..], &[&enc[..], pk_r, &pk_sm[..]].concat())?;
        Ok((enc, ss))
    }

    /// `AuthDecap(enc, skR, pkS)` (DHKEM only): the shared secret.
    pub fn auth_decap(&self, enc: &[u8], sk_r: &[u8], pk_s: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        self.no_auth()?;
        let s = self.sizes()?;
        self.check_enc(&s, enc)?;
        self.check_sk(&s, sk_r, "recipient secret key")?;
        self.check_pk(&s, pk_s, "sender public key")?;
        let mut dh = Wiped::<{ 2 * X25519_LEN }>::new();
        self.dh(sk_r, enc, &mut dh[..X25519_LEN])?;
        self.dh(sk_r, pk_s, &mut dh[X25519_LEN..])?;
        let pk_rm = self.dh_public(sk_r)?;
        self.extract_and_expand(&dh[..], &[enc, &pk_rm[..], pk_s].concat())
    }
}
