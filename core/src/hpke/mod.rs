//! HPKE, Hybrid Public Key Encryption (RFC 9180), built from our own KEM, HKDF and AEAD code.
//!
//! - Modes: base, psk, auth, auth_psk (RFC 9180 §5.1). The auth modes need a KEM with
//!   AuthEncap/AuthDecap, i.e. DHKEM; for the PQ KEMs they fail with `InvalidParameter`.
//! - KEMs (ids as in the IANA HPKE registry): DHKEM(X25519, HKDF-SHA256) `0x0020`; ML-KEM-512/
//!   768/1024 `0x0040`–`0x0042` and X-Wing (MLKEM768-X25519) `0x647a` per draft-ietf-hpke-pq-05:
//!   the KEM's own encapsulation with its shared secret used directly, `DeriveKeyPair` by
//!   SHAKE256 `LabeledDerive` into the KEM's key-generation seed, secret keys = that seed
//!   (ML-KEM 64 bytes d‖z — the expanded FIPS 203 key is also accepted by `open` — and X-Wing
//!   32 bytes). They work once their `kem` kernels exist and until then fail with
//!   `UnknownAlgorithm`. P-256/P-384/P-521/X448 DHKEMs are not implemented (`UnknownAlgorithm`).
//! - KDFs: HKDF-SHA256/384/512 (`1`–`3`), RFC 9180's two-stage key schedule. The one-stage
//!   SHAKE/TurboSHAKE KDFs of draft-ietf-hpke-pq are not implemented (`UnknownAlgorithm`).
//! - AEADs: AES-128-GCM (`1`), AES-256-GCM (`2`), ChaCha20-Poly1305 (`3`) and export-only
//!   (`0xFFFF`: `seal`/`open` fail with `InvalidParameter`, `export` works).
//!
//! Contexts ([`SenderContext`], [`RecipientContext`]) keep the AEAD key as an [`AeadKey`] and
//! `key ‖ base_nonce ‖ exporter_secret` in one [`SecureBuffer`]; the KEM shared secret and every
//! intermediate (PRKs, DH outputs) are wiped when dropped. The nonce of message `seq` is
//! `base_nonce XOR I2OSP(seq, Nn)`; the sequence number is a `u64` (RFC 9180 §5.2 allows a
//! shorter counter), and the call that would need `seq = 2^64 - 1` fails with `InvalidState`
//! before anything is computed. A failed `open` does not advance the sequence number.
//!
//! Input checks: `psk` and `psk_id` must be both empty (base/auth) or both non-empty (psk,
//! auth_psk), and the sender key must be given exactly in the auth modes (`InvalidParameter`);
//! key and `enc` lengths must match the KEM (`BadKeyLength` / `InvalidLength`); export lengths
//! are 1..=255·Nh (`InvalidLength` / `OutputTooLong`).

mod kem;
mod labeled;

pub use kem::{KemSizes, KEM_ML_KEM_1024, KEM_ML_KEM_512, KEM_ML_KEM_768, KEM_X25519_HKDF_SHA256, KEM_X_WING, MIN_IKM_LEN};

use crate::aead::{self, AeadKey, TAG_LEN};
use crate::alg::Alg;
use crate::error::{err, Result, Status};
use crate::SecureBuffer;
use kem::HpkeKem;
use zeroize::Zeroizing;

/// KDF id of HKDF-SHA256.
pub const KDF_HKDF_SHA256: u16 = 0x0001;
/// KDF id of HKDF-SHA384.
pub const KDF_HKDF_SHA384: u16 = 0x0002;
/// KDF id of HKDF-SHA512.
pub const KDF_HKDF_SHA512: u16 = 0x0003;
/// AEAD id of AES-128-GCM.
pub const AEAD_AES_128_GCM: u16 = 0x0001;
/// AEAD id of AES-256-GCM.
pub const AEAD_AES_256_GCM: u16 = 0x0002;
/// AEAD id of ChaCha20-Poly1305.
pub const AEAD_CHACHA20_POLY1305: u16 = 0x0003;
/// AEAD id of the export-only "AEAD".
pub const AEAD_EXPORT_ONLY: u16 = 0xFFFF;

/// Every AEAD of HPKE here has a 12-byte nonce.
const NN: usize = 12;

/// HPKE mode (RFC 9180 Table 1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(u8)]
pub enum Mode {
    #[default]
    Base = 0,
    Psk = 1,
    Auth = 2,
    AuthPsk = 3,
}

impl Mode {
    pub fn from_u8(m: u8) -> Result<Mode> {
        Ok(match m {
            0 => Mode::Base,
            1 => Mode::Psk,
            2 => Mode::Auth,
            3 => Mode::AuthPsk,
            _ => return Err(err(Status::InvalidParameter, format!("HPKE mode {m} is not one of 0 (base), 1 (psk), 2 (auth), 3 (auth_psk)"))),
        })
    }
    fn has_psk(self) -> bool {
        matches!(self, Mode::Psk | Mode::AuthPsk)
    }
    fn has_auth(self) -> bool {
        matches!(self, Mode::Auth | Mode::AuthPsk)
    }
}

/// A ciphersuite `(kem_id, kdf_id, aead_id)`, validated against what this library implements.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Suite {
    kem: HpkeKem,
    kdf_id: u16,
    kdf: Alg,
    aead_id: u16,
    aead: Option<Alg>,
}

fn kdf_alg(id: u16) -> Result<Alg> {
    Ok(match id {
        KDF_HKDF_SHA256 => Alg::HkdfSha256,
        KDF_HKDF_SHA384 => Alg::HkdfSha384,
        KDF_HKDF_SHA512 => Alg::HkdfSha512,
        0x0010..=0x0013 => return Err(err(Status::UnknownAlgorithm, format!("HPKE KDF {id:#06x} (one-stage SHAKE/TurboSHAKE, draft-ietf-hpke-pq) is not implemented"))),
        _ => return Err(err(Status::UnknownAlgorithm, format!("HPKE KDF id {id:#06x} is unknown"))),
    })
}

fn aead_alg(id: u16) -> Result<Option<Alg>> {
    Ok(Some(match id {
        AEAD_AES_128_GCM => Alg::Aes128Gcm,
        AEAD_AES_256_GCM => Alg::Aes256Gcm,
        AEAD_CHACHA20_POLY1305 => Alg::ChaCha20Poly1305,
        AEAD_EXPORT_ONLY => return Ok(None),
        _ => return Err(err(Status::UnknownAlgorithm, format!("HPKE AEAD id {id:#06x} is unknown"))),
    }))
}

impl Suite {
    /// Validates the three ids (`UnknownAlgorithm` for an id we do not implement) and checks
    /// their algorithms against the policy (`PolicyDenied`, e.g. X25519 or ChaCha20-Poly1305 in
    /// FIPS mode). Whether the KEM has a kernel in this build is checked when it is used.
    pub fn new(kem_id: u16, kdf_id: u16, aead_id: u16) -> Result<Suite> {
        let suite = Suite { kem: HpkeKem::from_id(kem_id)?, kdf_id, kdf: kdf_alg(kdf_id)?, aead_id, aead: aead_alg(aead_id)? };
        crate::policy::check(suite.kdf)?;
        if let Some(a) = suite.aead {
            crate::policy::check(a)?;
        }
        Ok(suite)
    }
    pub fn kem_id(&self) -> u16 {
        self.kem.id
    }
    pub fn kdf_id(&self) -> u16 {
        self.kdf_id
    }
    pub fn aead_id(&self) -> u16 {
        self.aead_id
    }
    /// The KEM's sizes (fails with `UnknownAlgorithm` if it has no kernel in this build).
    pub fn kem_sizes(&self) -> Result<KemSizes> {
        self.kem.sizes()
    }
    /// Whether the KEM supports the auth modes.
    pub fn kem_has_auth(&self) -> bool {
        self.kem.has_auth()
    }
    /// The AEAD tag length (16), or 0 for export-only.
    pub fn tag_len(&self) -> usize {
        if self.aead.is_some() { TAG_LEN } else { 0 }
    }
    /// `Nh` of the KDF (the exporter secret length; exports are limited to 255·Nh bytes).
    pub fn kdf_nh(&self) -> usize {
        labeled::hkdf_parts(self.kdf).map_or(0, |(_, nh)| nh)
    }
    fn id_bytes(&self) -> [u8; 10] {
        let (k, f, a) = (self.kem.id.to_be_bytes(), self.kdf_id.to_be_bytes(), self.aead_id.to_be_bytes());
        [b'H', b'P', b'K', b'E', k[0], k[1], f[0], f[1], a[0], a[1]]
    }
    fn nk(&self) -> usize {
        self.aead.map_or(0, |a| aead::key_len(a).unwrap_or(0))
    }
    /// `Nn`: 12, or 0 for export-only.
    fn nn(&self) -> usize {
        if self.aead.is_some() { NN } else { 0 }
    }
}

/// Sizes of an HPKE KEM by id.
pub fn kem_sizes(kem_id: u16) -> Result<KemSizes> {
    HpkeKem::from_id(kem_id)?.sizes()
}

/// `DeriveKeyPair(ikm)` of a KEM (`ikm` ≥ 32 bytes): `(public key, secret key)`.
pub fn derive_keypair(kem_id: u16, ikm: &[u8]) -> Result<(Vec<u8>, SecureBuffer)> {
    HpkeKem::from_id(kem_id)?.derive_keypair(ikm)
}

/// `GenerateKeyPair()`: `DeriveKeyPair` of 64 fresh random bytes.
pub fn generate_keypair(kem_id: u16) -> Result<(Vec<u8>, SecureBuffer)> {
    let kem = HpkeKem::from_id(kem_id)?;
    kem.sizes()?;
    let mut ikm = Zeroizing::new([0u8; 64]);
    crate::rand::random_bytes(&mut ikm[..])?;
    kem.derive_keypair(&ikm[..])
}

/// The mode-specific inputs of a setup. `sender_key` is the sender's secret key when sealing
/// and the sender's public key when opening (auth modes only). No `Debug`: it holds the PSK.
#[derive(Clone, Copy, Default)]
pub struct Setup<'a> {
    pub mode: Mode,
    pub info: &'a [u8],
    pub psk: &'a [u8],
    pub psk_id: &'a [u8],
    pub sender_key: Option<&'a [u8]>,
}

impl<'a> Setup<'a> {
    pub fn base(info: &'a [u8]) -> Self {
        Setup { mode: Mode::Base, info, ..Default::default() }
    }
    pub fn psk(info: &'a [u8], psk: &'a [u8], psk_id: &'a [u8]) -> Self {
        Setup { mode: Mode::Psk, info, psk, psk_id, sender_key: None }
    }
    pub fn auth(info: &'a [u8], sender_key: &'a [u8]) -> Self {
        Setup { mode: Mode::Auth, info, sender_key: Some(sender_key), ..Default::default() }
    }
    pub fn auth_psk(info: &'a [u8], psk: &'a [u8], psk_id: &'a [u8], sender_key: &'a [u8]) -> Self {
        Setup { mode: Mode::AuthPsk, info, psk, psk_id, sender_key: Some(sender_key) }
    }

    /// RFC 9180 `VerifyPSKInputs` plus the auth-key and KEM checks.
    fn check(&self, suite: &Suite) -> Result<()> {
        let bad = |m: String| Err(err(Status::InvalidParameter, m));
        let (got_psk, got_id) = (!self.psk.is_empty(), !self.psk_id.is_empty());
        if got_psk != got_id {
            return bad("HPKE psk and psk_id must be given together (both empty or both non-empty)".into());
        }
        if got_psk && !self.mode.has_psk() {
            return bad(format!("HPKE mode {:?} takes no psk", self.mode));
        }
        if !got_psk && self.mode.has_psk() {
            return bad(format!("HPKE mode {:?} needs a non-empty psk and psk_id", self.mode));
        }
        match (self.mode.has_auth(), self.sender_key.is_some()) {
            (true, false) => return bad(format!("HPKE mode {:?} needs the sender key", self.mode)),
            (false, true) => return bad(format!("HPKE mode {:?} takes no sender key", self.mode)),
            _ => {}
        }
        if self.mode.has_auth() && !suite.kem.has_auth() {
            return bad(format!("HPKE KEM {:#06x} has no AuthEncap/AuthDecap: auth modes need DHKEM", suite.kem.id));
        }
        Ok(())
    }
}

/// State shared by both roles: the AEAD key handle, `key ‖ base_nonce ‖ exporter_secret` in
/// secure memory, and the sequence number.
struct Context {
    suite: Suite,
    aead: Option<AeadKey>,
    secrets: SecureBuffer,
    seq: u64,
}

impl Context {
    /// RFC 9180 §5.1 `KeySchedule` (two-stage KDF).
    fn key_schedule(suite: Suite, s: &Setup, shared_secret: &[u8]) -> Result<Context> {
        let sid = suite.id_bytes();
        let (_, nh) = labeled::hkdf_parts(suite.kdf)?;
        let mut ksc = [0u8; 1 + 2 * labeled::MAX_NH];
        ksc[0] = s.mode as u8;
        labeled::extract(suite.kdf, &sid, b"", b"psk_id_hash", s.psk_id, &mut ksc[1..1 + nh])?;
        labeled::extract(suite.kdf, &sid, b"", b"info_hash", s.info, &mut ksc[1 + nh..1 + 2 * nh])?;
        let ksc = &ksc[..1 + 2 * nh];
        let mut secret = Zeroizing::new([0u8; labeled::MAX_NH]);
        labeled::extract(suite.kdf, &sid, shared_secret, b"secret", s.psk, &mut secret[..nh])?;
        let (nk, nn) = (suite.nk(), suite.nn());
        let mut secrets = SecureBuffer::new(nk + nn + nh)?;
        {
            let buf = secrets.as_mut_slice();
            let (key, rest) = buf.split_at_mut(nk);
            let (nonce, exp) = rest.split_at_mut(nn);
            if nk > 0 {
                labeled::expand(suite.kdf, &sid, &secret[..nh], b"key", ksc, key)?;
                labeled::expand(suite.kdf, &sid, &secret[..nh], b"base_nonce", ksc, nonce)?;
            }
            labeled::expand(suite.kdf, &sid, &secret[..nh], b"exp", ksc, exp)?;
        }
        let aead = match suite.aead {
            Some(a) => Some(AeadKey::new(a, &secrets.as_slice()[..nk])?),
            None => None,
        };
        Ok(Context { suite, aead, secrets, seq: 0 })
    }

    fn key(&self) -> Result<&AeadKey> {
        self.aead.as_ref().ok_or_else(|| err(Status::InvalidParameter, "HPKE suite is export-only (AEAD 0xFFFF): seal/open are not available"))
    }

    /// The nonce of the current message, failing when the sequence number is exhausted.
    fn nonce(&self) -> Result<[u8; NN]> {
        if self.seq == u64::MAX {
            return Err(err(Status::InvalidState, "HPKE context sequence number exhausted (message limit reached)"));
        }
        let nk = self.suite.nk();
        let mut n = [0u8; NN];
        n.copy_from_slice(&self.secrets.as_slice()[nk..nk + NN]);
        n[NN - 8..].iter_mut().zip(self.seq.to_be_bytes()).for_each(|(a, b)| *a ^= b);
        Ok(n)
    }

    fn seal_into(&mut self, aad: &[u8], pt: &[u8], out: &mut [u8]) -> Result<usize> {
        let k = self.key()?;
        let need = aead::sealed_len(pt.len())?;
        if out.len() < need {
            return Err(err(Status::BufferTooSmall, format!("HPKE ciphertext needs {need} bytes, buffer has {}", out.len())));
        }
        let nonce = self.nonce()?;
        let n = k.seal(&nonce, aad, pt, out)?;
        self.seq += 1;
        Ok(n)
    }

    fn open_into(&mut self, aad: &[u8], ct: &[u8], out: &mut [u8]) -> Result<usize> {
        let k = self.key()?;
        let need = aead::opened_len(ct.len())?;
        if out.len() < need {
            return Err(err(Status::BufferTooSmall, format!("HPKE plaintext needs {need} bytes, buffer has {}", out.len())));
        }
        let nonce = self.nonce()?;
        let n = k.open(&nonce, aad, ct, out)?;
        self.seq += 1;
        Ok(n)
    }

    /// `Context.Export(exporter_context, L)` = LabeledExpand(exporter_secret, "sec", ctx, L).
    fn export(&self, exporter_context: &[u8], out: &mut [u8]) -> Result<()> {
        let (_, nh) = labeled::hkdf_parts(self.suite.kdf)?;
        if out.is_empty() {
            return Err(err(Status::InvalidLength, "HPKE export length must be at least 1"));
        }
        if out.len() > 255 * nh {
            return Err(err(Status::OutputTooLong, format!("HPKE export is limited to 255*Nh = {} bytes, asked {}", 255 * nh, out.len())));
        }
        let exp = &self.secrets.as_slice()[self.suite.nk() + self.suite.nn()..];
        labeled::expand(self.suite.kdf, &self.suite.id_bytes(), exp, b"sec", exporter_context, out)
    }

    fn secrets(&self) -> (&[u8], &[u8], &[u8]) {
        let (nk, nn) = (self.suite.nk(), self.suite.nn());
        let s = self.secrets.as_slice();
        (&s[..nk], &s[nk..nk + nn], &s[nk + nn..])
    }
}

/// The sender's context: `seal` messages in order, `export` secrets.
pub struct SenderContext(Context);

/// The recipient's context: `open` messages in the sender's order, `export` secrets.
pub struct RecipientContext(Context);

macro_rules! common_ctx {
    ($t:ty) => {
        impl $t {
            pub fn suite(&self) -> Suite {
                self.0.suite
            }
            /// Sequence number of the next message.
            pub fn sequence(&self) -> u64 {
                self.0.seq
            }
            /// Fills `out` with `Export(exporter_context, out.len())` (1..=255·Nh bytes).
            pub fn export(&self, exporter_context: &[u8], out: &mut [u8]) -> Result<()> {
                self.0.export(exporter_context, out)
            }
            pub fn export_to_vec(&self, exporter_context: &[u8], len: usize) -> Result<Zeroizing<Vec<u8>>> {
                let mut v = Zeroizing::new(vec![0u8; len]);
                self.0.export(exporter_context, &mut v)?;
                Ok(v)
            }
            /// KAT/test use: `(key, base_nonce, exporter_secret)` (see `hazmat`).
            pub(crate) fn secrets(&self) -> (&[u8], &[u8], &[u8]) {
                self.0.secrets()
            }
            /// Test use: sets the sequence number (see `hazmat`; reusing one breaks the AEAD).
            pub(crate) fn set_sequence(&mut self, seq: u64) {
                self.0.seq = seq;
            }
        }
        impl std::fmt::Debug for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($t)).field("suite", &self.0.suite).field("seq", &self.0.seq).field("secrets", &"<redacted>").finish()
            }
        }
    };
}
common_ctx!(SenderContext);
common_ctx!(RecipientContext);

impl SenderContext {
    /// Seals the next message: `ciphertext ‖ tag` into `out` (≥ `pt.len() + 16`); returns its length.
    pub fn seal_into(&mut self, aad: &[u8], pt: &[u8], out: &mut [u8]) -> Result<usize> {
        self.0.seal_into(aad, pt, out)
    }
    pub fn seal(&mut self, aad: &[u8], pt: &[u8]) -> Result<Vec<u8>> {
        let mut out = vec![0u8; aead::sealed_len(pt.len())?];
        self.0.seal_into(aad, pt, &mut out)?;
        Ok(out)
    }
}

impl RecipientContext {
    /// Opens the next message into `out` (≥ `ct.len() - 16`); returns the plaintext length.
    /// Nothing is written and the sequence number stays on failure.
    pub fn open_into(&mut self, aad: &[u8], ct: &[u8], out: &mut [u8]) -> Result<usize> {
        self.0.open_into(aad, ct, out)
    }
    pub fn open(&mut self, aad: &[u8], ct: &[u8]) -> Result<Vec<u8>> {
        let mut out = vec![0u8; aead::opened_len(ct.len())?];
        self.0.open_into(aad, ct, &mut out)?;
        Ok(out)
    }
}

/// `Encap` / `AuthEncap` of the suite's KEM for a setup (`ikm_e` for derandomized KATs).
fn encap_for(suite: &Suite, pk_r: &[u8], s: &Setup, ikm_e: Option<&[u8]>) -> Result<(Vec<u8>, Zeroizing<Vec<u8>>)> {
    match s.sender_key {
        Some(sk_s) if s.mode.has_auth() => suite.kem.auth_encap(pk_r, sk_s, ikm_e),
        _ => suite.kem.encap(pk_r, ikm_e),
    }
}

/// Sets up a sender context for `pk_r`: `(enc, context)`.
pub fn setup_sender(suite: Suite, pk_r: &[u8], s: &Setup) -> Result<(Vec<u8>, SenderContext)> {
    setup_sender_inner(suite, pk_r, s, None)
}

/// Derandomized [`setup_sender`] for known-answer tests: the KEM's ephemeral randomness comes
/// from `ikm_e` (DHKEM: `DeriveKeyPair(ikm_e)`, ≥ 32 bytes; ML-KEM: the 32-byte `m`; X-Wing:
/// the 64-byte `eseed`). Reusing `ikm_e` reuses the ephemeral key: never use it outside tests.
pub fn setup_sender_derand(suite: Suite, pk_r: &[u8], s: &Setup, ikm_e: &[u8]) -> Result<(Vec<u8>, SenderContext)> {
    setup_sender_inner(suite, pk_r, s, Some(ikm_e))
}

fn setup_sender_inner(suite: Suite, pk_r: &[u8], s: &Setup, ikm_e: Option<&[u8]>) -> Result<(Vec<u8>, SenderContext)> {
    s.check(&suite)?;
    let (enc, ss) = encap_for(&suite, pk_r, s, ikm_e)?;
    Ok((enc, SenderContext(Context::key_schedule(suite, s, &ss)?)))
}

/// Sets up a recipient context from `enc` and the recipient's secret key.
pub fn setup_recipient(suite: Suite, enc: &[u8], sk_r: &[u8], s: &Setup) -> Result<RecipientContext> {
    s.check(&suite)?;
    let ss = match s.sender_key {
        Some(pk_s) if s.mode.has_auth() => suite.kem.auth_decap(enc, sk_r, pk_s)?,
        _ => suite.kem.decap(enc, sk_r)?,
    };
    Ok(RecipientContext(Context::key_schedule(suite, s, &ss)?))
}

/// KATs only (see `hazmat`): a sender context from a given KEM shared secret.
pub(crate) fn sender_from_shared_secret(suite: Suite, s: &Setup, shared_secret: &[u8]) -> Result<SenderContext> {
    s.check(&suite)?;
    Ok(SenderContext(Context::key_schedule(suite, s, shared_secret)?))
}

/// KATs only (see `hazmat`): the PQ KEMs' `DeriveKeyPair` seed, without their kernel.
pub(crate) fn derive_seed(kem_id: u16, ikm: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    HpkeKem::from_id(kem_id)?.derive_seed(ikm)
}

/// Single-shot seal: `(enc, ciphertext ‖ tag)`.
pub fn seal(suite: Suite, pk_r: &[u8], s: &Setup, aad: &[u8], pt: &[u8]) -> Result<(Vec<u8>, Vec<u8>)> {
    if suite.aead.is_none() {
        return Err(err(Status::InvalidParameter, "HPKE suite is export-only (AEAD 0xFFFF): seal is not available"));
    }
    let (enc, mut ctx) = setup_sender(suite, pk_r, s)?;
    let ct = ctx.seal(aad, pt)?;
    Ok((enc, ct))
}

/// Single-shot open: the plaintext.
pub fn open(suite: Suite, enc: &[u8], sk_r: &[u8], s: &Setup, aad: &[u8], ct: &[u8]) -> Result<Vec<u8>> {
    if suite.aead.is_none() {
        return Err(err(Status::InvalidParameter, "HPKE suite is export-only (AEAD 0xFFFF): open is not available"));
    }
    aead::opened_len(ct.len())?;
    setup_recipient(suite, enc, sk_r, s)?.open(aad, ct)
}

/// `Encap(pkR)` / `AuthEncap(pkR, skS)` of a KEM alone, derandomized with `ikm_e` when given
/// (KATs only): `(enc, shared_secret)`.
pub fn kem_encap(kem_id: u16, pk_r: &[u8], sk_s: Option<&[u8]>, ikm_e: Option<&[u8]>) -> Result<(Vec<u8>, Zeroizing<Vec<u8>>)> {
    let k = HpkeKem::from_id(kem_id)?;
    match sk_s {
        Some(sk) => k.auth_encap(pk_r, sk, ikm_e),
        None => k.encap(pk_r, ikm_e),
    }
}

/// `Decap(enc, skR)` / `AuthDecap(enc, skR, pkS)` of a KEM alone: the shared secret.
pub fn kem_decap(kem_id: u16, enc: &[u8], sk_r: &[u8], pk_s: Option<&[u8]>) -> Result<Zeroizing<Vec<u8>>> {
    let k = HpkeKem::from_id(kem_id)?;
    match pk_s {
        Some(pk) => k.auth_decap(enc, sk_r, pk),
        None => k.decap(enc, sk_r),
    }
}
