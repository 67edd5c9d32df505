//! HPKE (RFC 9180; ML-KEM and X-Wing per draft-ietf-hpke-pq-05): `hpkeSeal`/`hpkeOpen`, key pairs,
//! and `HpkeSender`/`HpkeRecipient` contexts. Suites are IANA code points (`HPKE_*` constants).
//! The mode follows from the options: `psk`+`pskId` → PSK, a sender key → Auth, both → AuthPSK.

use napi::bindgen_prelude::*;
use napi_derive::napi;
use xpscrypto_core::hpke::{self as core, Mode, RecipientContext, SenderContext, Setup, Suite};
use xpscrypto_core::Status;

use crate::err::{status, OrJs, Result};
use crate::sign::KeyPair;

fn id(v: u32, what: &str) -> Result<u16> {
    u16::try_from(v).map_err(|_| status(Status::UnknownAlgorithm, format!("HPKE {what} id {v:#x} is out of range")))
}

fn suite(kem: u32, kdf: u32, aead: u32) -> Result<Suite> {
    Suite::new(id(kem, "KEM")?, id(kdf, "KDF")?, id(aead, "AEAD")?).js()
}

fn setup<'a>(info: &'a [u8], psk: Option<&'a [u8]>, psk_id: Option<&'a [u8]>, sender_key: Option<&'a [u8]>) -> Setup<'a> {
    let mode = match (psk.is_some() || psk_id.is_some(), sender_key.is_some()) {
        (false, false) => Mode::Base,
        (true, false) => Mode::Psk,
        (false, true) => Mode::Auth,
        (true, true) => Mode::AuthPsk,
    };
    Setup { mode, info, psk: psk.unwrap_or(&[]), psk_id: psk_id.unwrap_or(&[]), sender_key }
}

/// The sender's mode inputs from its options.
fn seal_setup(o: Option<&HpkeSealOptions>) -> Setup<'_> {
    setup(o.and_then(|o| o.info.as_deref()).unwrap_or(&[]), o.and_then(|o| o.psk.as_deref()), o.and_then(|o| o.psk_id.as_deref()), o.and_then(|o| o.sender_secret_key.as_deref()))
}

/// The recipient's mode inputs from its options.
fn open_setup(o: Option<&HpkeOpenOptions>) -> Setup<'_> {
    setup(o.and_then(|o| o.info.as_deref()).unwrap_or(&[]), o.and_then(|o| o.psk.as_deref()), o.and_then(|o| o.psk_id.as_deref()), o.and_then(|o| o.sender_public_key.as_deref()))
}

/// Options of the sending side.
#[napi(object)]
pub struct HpkeSealOptions {
    pub info: Option<Uint8Array>,
    pub aad: Option<Uint8Array>,
    pub psk: Option<Uint8Array>,
    pub psk_id: Option<Uint8Array>,
    /// The sender's secret key (auth modes, DHKEM(X25519) only).
    pub sender_secret_key: Option<Uint8Array>,
    /// Derandomizes the encapsulation, for known-answer tests only (never reuse it).
    pub ikm_e: Option<Uint8Array>,
}

/// Options of the receiving side.
#[napi(object)]
pub struct HpkeOpenOptions {
    pub info: Option<Uint8Array>,
    pub aad: Option<Uint8Array>,
    pub psk: Option<Uint8Array>,
    pub psk_id: Option<Uint8Array>,
    /// The sender's public key (auth modes).
    pub sender_public_key: Option<Uint8Array>,
}

/// `enc` and `ciphertext ‖ tag` of a single-shot seal.
#[napi(object)]
pub struct HpkeSealed {
    pub enc: Buffer,
    pub ciphertext: Buffer,
}

/// A fresh key pair for an HPKE KEM id.
#[napi]
pub fn hpke_keypair(kem: u32) -> Result<KeyPair> {
    let (pk, sk) = core::generate_keypair(id(kem, "KEM")?).js()?;
    Ok(KeyPair { public_key: pk.into(), secret_key: sk.as_slice().to_vec().into() })
}

/// RFC 9180 `DeriveKeyPair(ikm)` for an HPKE KEM id.
#[napi]
pub fn hpke_derive_keypair(kem: u32, ikm: &[u8]) -> Result<KeyPair> {
    let (pk, sk) = core::derive_keypair(id(kem, "KEM")?, ikm).js()?;
    Ok(KeyPair { public_key: pk.into(), secret_key: sk.as_slice().to_vec().into() })
}

/// Public key size of an HPKE KEM.
#[napi]
pub fn hpke_pkbytes(kem: u32) -> Result<u32> {
    Ok(core::kem_sizes(id(kem, "KEM")?).js()?.public_key as u32)
}

/// Secret key size of an HPKE KEM (ML-KEM: the 64-byte seed).
#[napi]
pub fn hpke_skbytes(kem: u32) -> Result<u32> {
    Ok(core::kem_sizes(id(kem, "KEM")?).js()?.secret_key as u32)
}

/// Encapsulated key (`enc`) size of an HPKE KEM.
#[napi]
pub fn hpke_encbytes(kem: u32) -> Result<u32> {
    Ok(core::kem_sizes(id(kem, "KEM")?).js()?.enc as u32)
}

/// Single-shot seal to `publicKey`: `{ enc, ciphertext }`.
#[napi]
pub fn hpke_seal(kem: u32, kdf: u32, aead: u32, public_key: &[u8], plaintext: &[u8], options: Option<HpkeSealOptions>) -> Result<HpkeSealed> {
    let st = suite(kem, kdf, aead)?;
    let o = options.as_ref();
    if o.is_some_and(|o| o.ikm_e.is_some()) {
        return Err(status(Status::InvalidParameter, "ikmE (known-answer tests) is taken by HpkeSender only"));
    }
    let s = seal_setup(o);
    let aad = o.and_then(|o| o.aad.as_deref()).unwrap_or(&[]);
    let (enc, ct) = core::seal(st, public_key, &s, aad, plaintext).js()?;
    Ok(HpkeSealed { enc: enc.into(), ciphertext: ct.into() })
}

/// Single-shot open with the recipient's secret key (throws `XPS_E_AUTHENTICATION_FAILED` on mismatch).
#[napi]
pub fn hpke_open(kem: u32, kdf: u32, aead: u32, secret_key: &[u8], enc: &[u8], ciphertext: &[u8], options: Option<HpkeOpenOptions>) -> Result<Buffer> {
    let st = suite(kem, kdf, aead)?;
    let o = options.as_ref();
    let s = open_setup(o);
    let aad = o.and_then(|o| o.aad.as_deref()).unwrap_or(&[]);
    core::open(st, enc, secret_key, &s, aad, ciphertext).map(Buffer::from).js()
}

fn export_len(st: &Suite, length: u32) -> Result<()> {
    let max = 255 * st.kdf_nh();
    if length as usize > max {
        return Err(status(Status::OutputTooLong, format!("HPKE export is limited to 255*Nh = {max} bytes, asked {length}")));
    }
    Ok(())
}

/// A sender context: send `enc` to the recipient, `seal` messages in order, `export` secrets.
#[napi]
pub struct HpkeSender {
    ctx: SenderContext,
    enc: Vec<u8>,
}

#[napi]
impl HpkeSender {
    /// Options as in `hpkeSeal` (`aad` is per message here, `ikmE` for known-answer tests).
    #[napi(constructor)]
    pub fn new(kem: u32, kdf: u32, aead: u32, public_key: &[u8], options: Option<HpkeSealOptions>) -> Result<Self> {
        let st = suite(kem, kdf, aead)?;
        let o = options.as_ref();
        if o.is_some_and(|o| o.aad.is_some()) {
            return Err(status(Status::InvalidParameter, "a context takes aad per message (seal(plaintext, aad)), not in its options"));
        }
        let s = seal_setup(o);
        let (enc, ctx) = match o.and_then(|o| o.ikm_e.as_deref()) {
            Some(ikm) => core::setup_sender_derand(st, public_key, &s, ikm),
            None => core::setup_sender(st, public_key, &s),
        }
        .js()?;
        Ok(HpkeSender { ctx, enc })
    }

    /// The encapsulated key for the recipient.
    #[napi(getter)]
    pub fn enc(&self) -> Buffer {
        self.enc.clone().into()
    }

    /// Seals the next message: `ciphertext ‖ tag`.
    #[napi]
    pub fn seal(&mut self, plaintext: &[u8], aad: Option<&[u8]>) -> Result<Buffer> {
        self.ctx.seal(aad.unwrap_or(&[]), plaintext).map(Buffer::from).js()
    }

    /// `Export(exporterContext, length)`.
    #[napi]
    pub fn export(&self, exporter_context: &[u8], length: u32) -> Result<Buffer> {
        export_len(&self.ctx.suite(), length)?;
        self.ctx.export_to_vec(exporter_context, length as usize).map(|v| v.to_vec().into()).js()
    }

    /// Sequence number of the next message.
    #[napi(getter)]
    pub fn sequence(&self) -> i64 {
        self.ctx.sequence() as i64
    }
}

/// A recipient context: `open` messages in the sender's order, `export` secrets.
#[napi]
pub struct HpkeRecipient {
    ctx: RecipientContext,
}

#[napi]
impl HpkeRecipient {
    /// Options as in `hpkeOpen` (`aad` is per message here).
    #[napi(constructor)]
    pub fn new(kem: u32, kdf: u32, aead: u32, secret_key: &[u8], enc: &[u8], options: Option<HpkeOpenOptions>) -> Result<Self> {
        let st = suite(kem, kdf, aead)?;
        let o = options.as_ref();
        if o.is_some_and(|o| o.aad.is_some()) {
            return Err(status(Status::InvalidParameter, "a context takes aad per message (open(ciphertext, aad)), not in its options"));
        }
        let s = open_setup(o);
        Ok(HpkeRecipient { ctx: core::setup_recipient(st, enc, secret_key, &s).js()? })
    }

    /// Opens the next message (throws on mismatch; the sequence number then stays).
    #[napi]
    pub fn open(&mut self, ciphertext: &[u8], aad: Option<&[u8]>) -> Result<Buffer> {
        self.ctx.open(aad.unwrap_or(&[]), ciphertext).map(Buffer::from).js()
    }

    /// `Export(exporterContext, length)`.
    #[napi]
    pub fn export(&self, exporter_context: &[u8], length: u32) -> Result<Buffer> {
        export_len(&self.ctx.suite(), length)?;
        self.ctx.export_to_vec(exporter_context, length as usize).map(|v| v.to_vec().into()).js()
    }

    /// Sequence number of the next message.
    #[napi(getter)]
    pub fn sequence(&self) -> i64 {
        self.ctx.sequence() as i64
    }
}

macro_rules! consts {
    ($($doc:literal $name:ident = $v:expr;)*) => { $(#[doc = $doc] #[napi] pub const $name: u32 = $v;)* };
}

consts! {
    "HPKE mode: base." HPKE_MODE_BASE = 0;
    "HPKE mode: pre-shared key." HPKE_MODE_PSK = 1;
    "HPKE mode: sender authenticated by its key pair (DHKEM only)." HPKE_MODE_AUTH = 2;
    "HPKE mode: sender key pair and pre-shared key (DHKEM only)." HPKE_MODE_AUTH_PSK = 3;
    "HPKE KEM: DHKEM(X25519, HKDF-SHA256)." HPKE_KEM_X25519_HKDF_SHA256 = core::KEM_X25519_HKDF_SHA256 as u32;
    "HPKE KEM: ML-KEM-512 (draft-ietf-hpke-pq-05)." HPKE_KEM_ML_KEM_512 = core::KEM_ML_KEM_512 as u32;
    "HPKE KEM: ML-KEM-768 (draft-ietf-hpke-pq-05)." HPKE_KEM_ML_KEM_768 = core::KEM_ML_KEM_768 as u32;
    "HPKE KEM: ML-KEM-1024 (draft-ietf-hpke-pq-05)." HPKE_KEM_ML_KEM_1024 = core::KEM_ML_KEM_1024 as u32;
    "HPKE KEM: X-Wing = MLKEM768-X25519 (draft-ietf-hpke-pq-05)." HPKE_KEM_X_WING = core::KEM_X_WING as u32;
    "HPKE KDF: HKDF-SHA256." HPKE_KDF_HKDF_SHA256 = core::KDF_HKDF_SHA256 as u32;
    "HPKE KDF: HKDF-SHA384." HPKE_KDF_HKDF_SHA384 = core::KDF_HKDF_SHA384 as u32;
    "HPKE KDF: HKDF-SHA512." HPKE_KDF_HKDF_SHA512 = core::KDF_HKDF_SHA512 as u32;
    "HPKE AEAD: AES-128-GCM." HPKE_AEAD_AES_128_GCM = core::AEAD_AES_128_GCM as u32;
    "HPKE AEAD: AES-256-GCM." HPKE_AEAD_AES_256_GCM = core::AEAD_AES_256_GCM as u32;
    "HPKE AEAD: ChaCha20-Poly1305." HPKE_AEAD_CHACHA20_POLY1305 = core::AEAD_CHACHA20_POLY1305 as u32;
    "HPKE AEAD: export-only (no seal/open; export only)." HPKE_AEAD_EXPORT_ONLY = core::AEAD_EXPORT_ONLY as u32;
}
