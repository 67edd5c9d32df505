//! HPKE (RFC 9180): key pairs, single-shot seal/open (base mode, and `_ex` for every mode) and
//! context handles (`xps_hpke_ctx`) for several messages and secret export.
//!
//! Suites are the IANA HPKE code points (`XPS_HPKE_KEM_*`, `XPS_HPKE_KDF_*`, `XPS_HPKE_AEAD_*`),
//! not `XPS_ALG_*` ids; an id we do not implement is `XPS_E_UNKNOWN_ALGORITHM` (also for the
//! PQ KEMs while this build has no kernel for them). Modes: `XPS_HPKE_MODE_BASE`, `_PSK`,
//! `_AUTH`, `_AUTH_PSK`; `psk`/`psk_id` must both be empty (base, auth) or both non-empty (psk,
//! auth_psk), and the sender key (sender's secret key when sealing, public key when opening) must
//! be given exactly in the auth modes, which only DHKEM(X25519) supports — otherwise
//! `XPS_E_INVALID_PARAMETER`. The export-only AEAD (`0xFFFF`) refuses seal/open with
//! `XPS_E_INVALID_PARAMETER`. Outputs never overlap inputs or each other (`XPS_E_OVERLAP`; no
//! in-place operation here). With two outputs, a too-small one fails with
//! `XPS_E_BUFFER_TOO_SMALL` and both lengths receive the needed sizes.

use crate::boundary::*;
use xpscrypto_core::hpke::{self, Mode, RecipientContext, SenderContext, Setup, Suite};
use xpscrypto_core::{Error, Status};

/// HPKE mode: base.
pub const XPS_HPKE_MODE_BASE: u32 = 0;
/// HPKE mode: pre-shared key.
pub const XPS_HPKE_MODE_PSK: u32 = 1;
/// HPKE mode: sender authenticated by its key pair (DHKEM only).
pub const XPS_HPKE_MODE_AUTH: u32 = 2;
/// HPKE mode: sender key pair and pre-shared key (DHKEM only).
pub const XPS_HPKE_MODE_AUTH_PSK: u32 = 3;
/// HPKE KEM: DHKEM(X25519, HKDF-SHA256).
pub const XPS_HPKE_KEM_X25519_HKDF_SHA256: u32 = 0x0020;
/// HPKE KEM: ML-KEM-512 (draft-ietf-hpke-pq-05; needs the ml-kem-512 kernel).
pub const XPS_HPKE_KEM_ML_KEM_512: u32 = 0x0040;
/// HPKE KEM: ML-KEM-768 (draft-ietf-hpke-pq-05; needs the ml-kem-768 kernel).
pub const XPS_HPKE_KEM_ML_KEM_768: u32 = 0x0041;
/// HPKE KEM: ML-KEM-1024 (draft-ietf-hpke-pq-05; needs the ml-kem-1024 kernel).
pub const XPS_HPKE_KEM_ML_KEM_1024: u32 = 0x0042;
/// HPKE KEM: X-Wing = MLKEM768-X25519 (draft-ietf-hpke-pq-05; needs the x-wing kernel).
pub const XPS_HPKE_KEM_X_WING: u32 = 0x647a;
/// HPKE KDF: HKDF-SHA256.
pub const XPS_HPKE_KDF_HKDF_SHA256: u32 = 0x0001;
/// HPKE KDF: HKDF-SHA384.
pub const XPS_HPKE_KDF_HKDF_SHA384: u32 = 0x0002;
/// HPKE KDF: HKDF-SHA512.
pub const XPS_HPKE_KDF_HKDF_SHA512: u32 = 0x0003;
/// HPKE AEAD: AES-128-GCM.
pub const XPS_HPKE_AEAD_AES_128_GCM: u32 = 0x0001;
/// HPKE AEAD: AES-256-GCM.
pub const XPS_HPKE_AEAD_AES_256_GCM: u32 = 0x0002;
/// HPKE AEAD: ChaCha20-Poly1305.
pub const XPS_HPKE_AEAD_CHACHA20_POLY1305: u32 = 0x0003;
/// HPKE AEAD: export-only (no seal/open; `xps_hpke_ctx_export` only).
pub const XPS_HPKE_AEAD_EXPORT_ONLY: u32 = 0xFFFF;
/// Size in bytes: DHKEM(X25519) public key, secret key and enc.
pub const XPS_HPKE_X25519_BYTES: usize = 32;
/// Size in bytes: HPKE ciphertext expansion (the AEAD tag).
pub const XPS_HPKE_TAGBYTES: usize = 16;

/// An HPKE context (sender or recipient), created by `xps_hpke_sender_new` or
/// `xps_hpke_recipient_new`. It holds the AEAD key, base nonce and exporter secret in secure
/// memory and a sequence number: seal/open mutate it, so one context must not be used by two
/// threads at once. Free with `xps_hpke_ctx_free`.
pub struct xps_hpke_ctx {
    inner: Ctx,
}

enum Ctx {
    Sender(SenderContext),
    Recipient(RecipientContext),
}

fn suite(kem: u32, kdf: u32, aead: u32) -> Result<Suite, Error> {
    let id = |v: u32, what: &str| u16::try_from(v).map_err(|_| e(Status::UnknownAlgorithm, format!("HPKE {what} id {v:#x} is out of range")));
    Suite::new(id(kem, "KEM")?, id(kdf, "KDF")?, id(aead, "AEAD")?)
}

fn kem_id(kem: u32) -> Result<u16, Error> {
    u16::try_from(kem).map_err(|_| e(Status::UnknownAlgorithm, format!("HPKE KEM id {kem:#x} is out of range")))
}

fn mode(m: u32) -> Result<Mode, Error> {
    u8::try_from(m).map_err(|_| e(Status::InvalidParameter, format!("HPKE mode {m} is out of range"))).and_then(Mode::from_u8)
}

/// Public key size of an HPKE KEM; 0 if unknown or without a kernel in this build.
#[no_mangle]
pub extern "C" fn xps_hpke_pkbytes(kem: u32) -> usize {
    guard_value(0, || kem_id(kem).and_then(hpke::kem_sizes).map_or(0, |s| s.public_key))
}

/// Secret key size of an HPKE KEM (ML-KEM: the 64-byte seed); 0 if unknown or unavailable.
#[no_mangle]
pub extern "C" fn xps_hpke_skbytes(kem: u32) -> usize {
    guard_value(0, || kem_id(kem).and_then(hpke::kem_sizes).map_or(0, |s| s.secret_key))
}

/// Encapsulated key (`enc`) size of an HPKE KEM; 0 if unknown or unavailable.
#[no_mangle]
pub extern "C" fn xps_hpke_encbytes(kem: u32) -> usize {
    guard_value(0, || kem_id(kem).and_then(hpke::kem_sizes).map_or(0, |s| s.enc))
}

/// Checks two output lengths (both pointers non-NULL) and capacities; on a short one writes
/// both needed sizes and fails.
fn two_outputs(a_cap: usize, a_need: usize, a_len: *mut usize, b_cap: usize, b_need: usize, b_len: *mut usize, what: &str) -> Result<(), Error> {
    need_len_ptr(a_len)?;
    need_len_ptr(b_len)?;
    if a_cap < a_need || b_cap < b_need {
        set_len(a_len, a_need);
        set_len(b_len, b_need);
        return Err(e(Status::BufferTooSmall, format!("{what} need {a_need} and {b_need} bytes, capacities are {a_cap} and {b_cap}")));
    }
    Ok(())
}

/// Refuses overlap of `out` with any of `ins`.
fn no_overlap(ins: &[(*const u8, usize, &str)], out: *const u8, out_len: usize) -> Result<(), Error> {
    ins.iter().try_for_each(|&(p, n, w)| check_overlap(p, n, out, out_len, false, w))
}

unsafe fn keypair_out(kp: (Vec<u8>, xpscrypto_core::SecureBuffer), pk: *mut u8, pk_len: *mut usize, sk: *mut u8, sk_len: *mut usize) -> Result<(), Error> {
    let (p, s) = kp;
    // SAFETY: capacities were checked against these sizes by the caller.
    let (po, so) = unsafe { (output(pk, p.len(), "pk")?, output(sk, s.len(), "sk")?) };
    po.copy_from_slice(&p);
    so.copy_from_slice(s.as_slice());
    set_len(pk_len, p.len());
    set_len(sk_len, s.len());
    Ok(())
}

unsafe fn keypair_common(kem: u32, ikm: Option<(*const u8, usize)>, pk: *mut u8, pk_cap: usize, pk_len: *mut usize, sk: *mut u8, sk_cap: usize, sk_len: *mut usize) -> Result<(), Error> {
    let k = kem_id(kem)?;
    let sz = hpke::kem_sizes(k)?;
    two_outputs(pk_cap, sz.public_key, pk_len, sk_cap, sz.secret_key, sk_len, "HPKE keys")?;
    check_overlap(pk, sz.public_key, sk, sz.secret_key, false, "pk output")?;
    let kp = match ikm {
        Some((p, n)) => {
            no_overlap(&[(p, n, "ikm")], pk, sz.public_key)?;
            no_overlap(&[(p, n, "ikm")], sk, sz.secret_key)?;
            // SAFETY: validated input.
            hpke::derive_keypair(k, unsafe { input(p, n, "ikm")? })?
        }
        None => hpke::generate_keypair(k)?,
    };
    // SAFETY: capacities checked above.
    unsafe { keypair_out(kp, pk, pk_len, sk, sk_len) }
}

/// `DeriveKeyPair(ikm)` of an HPKE KEM (`ikm_len` ≥ 32): public key into `pk`, secret key into
/// `sk` (sizes: `xps_hpke_pkbytes` / `xps_hpke_skbytes`).
#[no_mangle]
pub unsafe extern "C" fn xps_hpke_derive_keypair(
    kem: u32,
    ikm: *const u8,
    ikm_len: usize,
    pk: *mut u8,
    pk_cap: usize,
    pk_len: *mut usize,
    sk: *mut u8,
    sk_cap: usize,
    sk_len: *mut usize,
) -> xps_status {
    // SAFETY: pointer/length pairs validated inside.
    guard(|| unsafe { keypair_common(kem, Some((ikm, ikm_len)), pk, pk_cap, pk_len, sk, sk_cap, sk_len) })
}

/// `GenerateKeyPair()` of an HPKE KEM (random).
#[no_mangle]
pub unsafe extern "C" fn xps_hpke_keypair(kem: u32, pk: *mut u8, pk_cap: usize, pk_len: *mut usize, sk: *mut u8, sk_cap: usize, sk_len: *mut usize) -> xps_status {
    // SAFETY: pointer/length pairs validated inside.
    guard(|| unsafe { keypair_common(kem, None, pk, pk_cap, pk_len, sk, sk_cap, sk_len) })
}

/// Raw mode inputs from C.
struct ModeArgs {
    mode: u32,
    psk: (*const u8, usize),
    psk_id: (*const u8, usize),
    key: (*const u8, usize),
}

impl ModeArgs {
    fn base() -> Self {
        ModeArgs { mode: XPS_HPKE_MODE_BASE, psk: (std::ptr::null(), 0), psk_id: (std::ptr::null(), 0), key: (std::ptr::null(), 0) }
    }
    /// # Safety
    /// Pointer/length pairs valid per the C contract.
    unsafe fn setup<'a>(&self, info: &'a [u8]) -> Result<Setup<'a>, Error> {
        // SAFETY: validated pointer/length pairs.
        let (psk, psk_id, key) = unsafe { (input(self.psk.0, self.psk.1, "psk")?, input(self.psk_id.0, self.psk_id.1, "psk_id")?, input(self.key.0, self.key.1, "sender key")?) };
        Ok(Setup { mode: mode(self.mode)?, info, psk, psk_id, sender_key: (!key.is_empty()).then_some(key) })
    }
    fn ins(&self) -> [(*const u8, usize, &'static str); 3] {
        [(self.psk.0, self.psk.1, "psk"), (self.psk_id.0, self.psk_id.1, "psk_id"), (self.key.0, self.key.1, "sender key")]
    }
}

#[allow(clippy::too_many_arguments)]
unsafe fn seal_common(
    st: Suite,
    m: ModeArgs,
    pk_r: *const u8,
    pk_r_len: usize,
    info: *const u8,
    info_len: usize,
    aad: *const u8,
    aad_len: usize,
    pt: *const u8,
    pt_len: usize,
    enc: *mut u8,
    enc_cap: usize,
    enc_len: *mut usize,
    ct: *mut u8,
    ct_cap: usize,
    ct_len: *mut usize,
) -> Result<(), Error> {
    if st.tag_len() == 0 {
        return Err(e(Status::InvalidParameter, "HPKE suite is export-only (AEAD 0xFFFF): seal is not available"));
    }
    let ne = st.kem_sizes()?.enc;
    let nc = xpscrypto_core::aead::sealed_len(pt_len)?;
    two_outputs(enc_cap, ne, enc_len, ct_cap, nc, ct_len, "HPKE enc and ciphertext")?;
    let ins = [(pk_r, pk_r_len, "pkR"), (info, info_len, "info"), (aad, aad_len, "aad"), (pt, pt_len, "plaintext")];
    for (o, n) in [(enc as *const u8, ne), (ct as *const u8, nc)] {
        no_overlap(&ins, o, n)?;
        no_overlap(&m.ins(), o, n)?;
    }
    check_overlap(enc, ne, ct, nc, false, "enc output")?;
    // SAFETY: validated pointer/length pairs.
    let (pk, inf, a, p) = unsafe { (input(pk_r, pk_r_len, "pkR")?, input(info, info_len, "info")?, input(aad, aad_len, "aad")?, input(pt, pt_len, "plaintext")?) };
    // SAFETY: as above.
    let setup = unsafe { m.setup(inf)? };
    let (ev, cv) = hpke::seal(st, pk, &setup, a, p)?;
    // SAFETY: capacities checked; disjoint from the inputs (checked).
    let (eo, co) = unsafe { (output(enc, ne, "enc")?, output(ct, nc, "ct")?) };
    eo.copy_from_slice(&ev);
    co.copy_from_slice(&cv);
    set_len(enc_len, ne);
    set_len(ct_len, nc);
    Ok(())
}

#[allow(clippy::too_many_arguments)]
unsafe fn open_common(
    st: Suite,
    m: ModeArgs,
    sk_r: *const u8,
    sk_r_len: usize,
    enc: *const u8,
    enc_len: usize,
    info: *const u8,
    info_len: usize,
    aad: *const u8,
    aad_len: usize,
    ct: *const u8,
    ct_len: usize,
    pt: *mut u8,
    pt_cap: usize,
    pt_len: *mut usize,
) -> Result<(), Error> {
    if st.tag_len() == 0 {
        return Err(e(Status::InvalidParameter, "HPKE suite is export-only (AEAD 0xFFFF): open is not available"));
    }
    need_len_ptr(pt_len)?;
    let n = xpscrypto_core::aead::opened_len(ct_len)?;
    if pt_cap < n {
        set_len(pt_len, n);
        return Err(e(Status::BufferTooSmall, format!("HPKE plaintext needs {n} bytes, pt_cap is {pt_cap}")));
    }
    no_overlap(&[(sk_r, sk_r_len, "skR"), (enc, enc_len, "enc"), (info, info_len, "info"), (aad, aad_len, "aad"), (ct, ct_len, "ciphertext")], pt, n)?;
    no_overlap(&m.ins(), pt, n)?;
    // SAFETY: validated pointer/length pairs.
    let (sk, en, inf, a, c) = unsafe { (input(sk_r, sk_r_len, "skR")?, input(enc, enc_len, "enc")?, input(info, info_len, "info")?, input(aad, aad_len, "aad")?, input(ct, ct_len, "ciphertext")?) };
    // SAFETY: as above.
    let setup = unsafe { m.setup(inf)? };
    let mut ctx = hpke::setup_recipient(st, en, sk, &setup)?;
    // SAFETY: validated output of n bytes, disjoint from every input.
    let o = unsafe { output(pt, n, "pt")? };
    ctx.open_into(a, c, o)?;
    set_len(pt_len, n);
    Ok(())
}

/// Single-shot HPKE seal in base mode: `enc` (`xps_hpke_encbytes(kem)` bytes) and
/// `ct` = ciphertext ‖ tag (`pt_len + 16` bytes) for the recipient public key `pk_r`.
#[no_mangle]
pub unsafe extern "C" fn xps_hpke_seal(
    kem: u32,
    kdf: u32,
    aead: u32,
    pk_r: *const u8,
    pk_r_len: usize,
    info: *const u8,
    info_len: usize,
    aad: *const u8,
    aad_len: usize,
    pt: *const u8,
    pt_len: usize,
    enc: *mut u8,
    enc_cap: usize,
    enc_len: *mut usize,
    ct: *mut u8,
    ct_cap: usize,
    ct_len: *mut usize,
) -> xps_status {
    guard(|| {
        let st = suite(kem, kdf, aead)?;
        // SAFETY: pointer/length pairs validated inside.
        unsafe { seal_common(st, ModeArgs::base(), pk_r, pk_r_len, info, info_len, aad, aad_len, pt, pt_len, enc, enc_cap, enc_len, ct, ct_cap, ct_len) }
    })
}

/// Single-shot HPKE open in base mode: plaintext (`ct_len - 16` bytes) into `pt`. Nothing is
/// written unless the ciphertext authenticates.
#[no_mangle]
pub unsafe extern "C" fn xps_hpke_open(
    kem: u32,
    kdf: u32,
    aead: u32,
    sk_r: *const u8,
    sk_r_len: usize,
    enc: *const u8,
    enc_len: usize,
    info: *const u8,
    info_len: usize,
    aad: *const u8,
    aad_len: usize,
    ct: *const u8,
    ct_len: usize,
    pt: *mut u8,
    pt_cap: usize,
    pt_len: *mut usize,
) -> xps_status {
    guard(|| {
        let st = suite(kem, kdf, aead)?;
        // SAFETY: pointer/length pairs validated inside.
        unsafe { open_common(st, ModeArgs::base(), sk_r, sk_r_len, enc, enc_len, info, info_len, aad, aad_len, ct, ct_len, pt, pt_cap, pt_len) }
    })
}

/// `xps_hpke_seal` in any mode: `psk`/`psk_id` for the psk modes (NULL,0 otherwise), `sk_s`
/// = the sender's secret key for the auth modes (NULL,0 otherwise).
#[no_mangle]
pub unsafe extern "C" fn xps_hpke_seal_ex(
    kem: u32,
    kdf: u32,
    aead: u32,
    mode: u32,
    psk: *const u8,
    psk_len: usize,
    psk_id: *const u8,
    psk_id_len: usize,
    sk_s: *const u8,
    sk_s_len: usize,
    pk_r: *const u8,
    pk_r_len: usize,
    info: *const u8,
    info_len: usize,
    aad: *const u8,
    aad_len: usize,
    pt: *const u8,
    pt_len: usize,
    enc: *mut u8,
    enc_cap: usize,
    enc_len: *mut usize,
    ct: *mut u8,
    ct_cap: usize,
    ct_len: *mut usize,
) -> xps_status {
    guard(|| {
        let st = suite(kem, kdf, aead)?;
        let m = ModeArgs { mode, psk: (psk, psk_len), psk_id: (psk_id, psk_id_len), key: (sk_s, sk_s_len) };
        // SAFETY: pointer/length pairs validated inside.
        unsafe { seal_common(st, m, pk_r, pk_r_len, info, info_len, aad, aad_len, pt, pt_len, enc, enc_cap, enc_len, ct, ct_cap, ct_len) }
    })
}

/// `xps_hpke_open` in any mode: `psk`/`psk_id` for the psk modes, `pk_s` = the sender's public
/// key for the auth modes (NULL,0 otherwise).
#[no_mangle]
pub unsafe extern "C" fn xps_hpke_open_ex(
    kem: u32,
    kdf: u32,
    aead: u32,
    mode: u32,
    psk: *const u8,
    psk_len: usize,
    psk_id: *const u8,
    psk_id_len: usize,
    pk_s: *const u8,
    pk_s_len: usize,
    sk_r: *const u8,
    sk_r_len: usize,
    enc: *const u8,
    enc_len: usize,
    info: *const u8,
    info_len: usize,
    aad: *const u8,
    aad_len: usize,
    ct: *const u8,
    ct_len: usize,
    pt: *mut u8,
    pt_cap: usize,
    pt_len: *mut usize,
) -> xps_status {
    guard(|| {
        let st = suite(kem, kdf, aead)?;
        let m = ModeArgs { mode, psk: (psk, psk_len), psk_id: (psk_id, psk_id_len), key: (pk_s, pk_s_len) };
        // SAFETY: pointer/length pairs validated inside.
        unsafe { open_common(st, m, sk_r, sk_r_len, enc, enc_len, info, info_len, aad, aad_len, ct, ct_len, pt, pt_cap, pt_len) }
    })
}

/// Creates a sender context for `pk_r` and writes `enc` (`xps_hpke_encbytes(kem)` bytes).
/// Mode inputs as in `xps_hpke_seal_ex`. `ikm_e` (NULL,0 = random) derandomizes the
/// encapsulation for known-answer tests only (DHKEM: DeriveKeyPair(ikm_e), ≥ 32 bytes; ML-KEM:
/// the 32-byte m; X-Wing: the 64-byte eseed); never reuse it.
#[no_mangle]
pub unsafe extern "C" fn xps_hpke_sender_new(
    kem: u32,
    kdf: u32,
    aead: u32,
    mode: u32,
    psk: *const u8,
    psk_len: usize,
    psk_id: *const u8,
    psk_id_len: usize,
    sk_s: *const u8,
    sk_s_len: usize,
    pk_r: *const u8,
    pk_r_len: usize,
    info: *const u8,
    info_len: usize,
    ikm_e: *const u8,
    ikm_e_len: usize,
    enc: *mut u8,
    enc_cap: usize,
    enc_len: *mut usize,
    out: *mut *mut xps_hpke_ctx,
) -> xps_status {
    guard(|| {
        let st = suite(kem, kdf, aead)?;
        if out.is_null() {
            return Err(e(Status::NullPointer, "out (handle pointer) is NULL"));
        }
        need_len_ptr(enc_len)?;
        let ne = st.kem_sizes()?.enc;
        if enc_cap < ne {
            set_len(enc_len, ne);
            return Err(e(Status::BufferTooSmall, format!("HPKE enc needs {ne} bytes, enc_cap is {enc_cap}")));
        }
        let m = ModeArgs { mode, psk: (psk, psk_len), psk_id: (psk_id, psk_id_len), key: (sk_s, sk_s_len) };
        no_overlap(&[(pk_r, pk_r_len, "pkR"), (info, info_len, "info"), (ikm_e, ikm_e_len, "ikm_e")], enc, ne)?;
        no_overlap(&m.ins(), enc, ne)?;
        // SAFETY: validated pointer/length pairs.
        let (pk, inf, ikm) = unsafe { (input(pk_r, pk_r_len, "pkR")?, input(info, info_len, "info")?, input(ikm_e, ikm_e_len, "ikm_e")?) };
        // SAFETY: as above.
        let setup = unsafe { m.setup(inf)? };
        let (ev, ctx) = if ikm_e_len == 0 { hpke::setup_sender(st, pk, &setup)? } else { hpke::setup_sender_derand(st, pk, &setup, ikm)? };
        // SAFETY: capacity checked, disjoint from the inputs.
        unsafe { output(enc, ne, "enc")? }.copy_from_slice(&ev);
        set_len(enc_len, ne);
        put_handle(out, xps_hpke_ctx { inner: Ctx::Sender(ctx) })
    })
}

/// Creates a recipient context from `enc` and the recipient's secret key `sk_r`. Mode inputs as
/// in `xps_hpke_open_ex` (`pk_s` = sender's public key for the auth modes).
#[no_mangle]
pub unsafe extern "C" fn xps_hpke_recipient_new(
    kem: u32,
    kdf: u32,
    aead: u32,
    mode: u32,
    psk: *const u8,
    psk_len: usize,
    psk_id: *const u8,
    psk_id_len: usize,
    pk_s: *const u8,
    pk_s_len: usize,
    sk_r: *const u8,
    sk_r_len: usize,
    enc: *const u8,
    enc_len: usize,
    info: *const u8,
    info_len: usize,
    out: *mut *mut xps_hpke_ctx,
) -> xps_status {
    guard(|| {
        let st = suite(kem, kdf, aead)?;
        if out.is_null() {
            return Err(e(Status::NullPointer, "out (handle pointer) is NULL"));
        }
        let m = ModeArgs { mode, psk: (psk, psk_len), psk_id: (psk_id, psk_id_len), key: (pk_s, pk_s_len) };
        // SAFETY: validated pointer/length pairs.
        let (sk, en, inf) = unsafe { (input(sk_r, sk_r_len, "skR")?, input(enc, enc_len, "enc")?, input(info, info_len, "info")?) };
        // SAFETY: as above.
        let setup = unsafe { m.setup(inf)? };
        let ctx = hpke::setup_recipient(st, en, sk, &setup)?;
        put_handle(out, xps_hpke_ctx { inner: Ctx::Recipient(ctx) })
    })
}

/// Seals the next message with a sender context: ciphertext ‖ tag (`pt_len + 16` bytes) into
/// `ct`. Fails with `XPS_E_INVALID_STATE` on a recipient context or when the sequence number is
/// exhausted; a failed call does not consume a sequence number.
#[no_mangle]
pub unsafe extern "C" fn xps_hpke_ctx_seal(ctx: *mut xps_hpke_ctx, aad: *const u8, aad_len: usize, pt: *const u8, pt_len: usize, ct: *mut u8, ct_cap: usize, ct_len: *mut usize) -> xps_status {
    guard(|| {
        // SAFETY: NULL or a live handle used by one thread (caller contract).
        let h = unsafe { handle_mut(ctx, "hpke context")? };
        let Ctx::Sender(s) = &mut h.inner else {
            return Err(e(Status::InvalidState, "xps_hpke_ctx_seal needs a sender context"));
        };
        if s.suite().tag_len() == 0 {
            return Err(e(Status::InvalidParameter, "HPKE suite is export-only (AEAD 0xFFFF): seal is not available"));
        }
        need_len_ptr(ct_len)?;
        let n = xpscrypto_core::aead::sealed_len(pt_len)?;
        if ct_cap < n {
            set_len(ct_len, n);
            return Err(e(Status::BufferTooSmall, format!("HPKE ciphertext needs {n} bytes, ct_cap is {ct_cap}")));
        }
        no_overlap(&[(aad, aad_len, "aad"), (pt, pt_len, "plaintext")], ct, n)?;
        // SAFETY: validated pointer/length pairs; output disjoint from the inputs.
        let (a, p, o) = unsafe { (input(aad, aad_len, "aad")?, input(pt, pt_len, "plaintext")?, output(ct, n, "ct")?) };
        s.seal_into(a, p, o)?;
        set_len(ct_len, n);
        Ok(())
    })
}

/// Opens the next message with a recipient context: plaintext (`ct_len - 16` bytes) into `pt`.
/// Nothing is written, and the sequence number stays, unless the message authenticates.
#[no_mangle]
pub unsafe extern "C" fn xps_hpke_ctx_open(ctx: *mut xps_hpke_ctx, aad: *const u8, aad_len: usize, ct: *const u8, ct_len: usize, pt: *mut u8, pt_cap: usize, pt_len: *mut usize) -> xps_status {
    guard(|| {
        // SAFETY: NULL or a live handle used by one thread (caller contract).
        let h = unsafe { handle_mut(ctx, "hpke context")? };
        let Ctx::Recipient(r) = &mut h.inner else {
            return Err(e(Status::InvalidState, "xps_hpke_ctx_open needs a recipient context"));
        };
        if r.suite().tag_len() == 0 {
            return Err(e(Status::InvalidParameter, "HPKE suite is export-only (AEAD 0xFFFF): open is not available"));
        }
        need_len_ptr(pt_len)?;
        let n = xpscrypto_core::aead::opened_len(ct_len)?;
        if pt_cap < n {
            set_len(pt_len, n);
            return Err(e(Status::BufferTooSmall, format!("HPKE plaintext needs {n} bytes, pt_cap is {pt_cap}")));
        }
        no_overlap(&[(aad, aad_len, "aad"), (ct, ct_len, "ciphertext")], pt, n)?;
        // SAFETY: validated pointer/length pairs; output disjoint from the inputs.
        let (a, c, o) = unsafe { (input(aad, aad_len, "aad")?, input(ct, ct_len, "ciphertext")?, output(pt, n, "pt")?) };
        r.open_into(a, c, o)?;
        set_len(pt_len, n);
        Ok(())
    })
}

/// Secret export: `out_len` bytes (1..=255·Nh) of `Export(exporter_context, out_len)` into `out`.
#[no_mangle]
pub unsafe extern "C" fn xps_hpke_ctx_export(ctx: *const xps_hpke_ctx, exporter_context: *const u8, exporter_context_len: usize, out: *mut u8, out_len: usize) -> xps_status {
    guard(|| {
        // SAFETY: NULL or a live handle (caller contract).
        let h = unsafe { handle(ctx, "hpke context")? };
        let nh = match &h.inner {
            Ctx::Sender(s) => s.suite().kdf_nh(),
            Ctx::Recipient(r) => r.suite().kdf_nh(),
        };
        check_out_len(out, out_len, 255 * nh as u64, "out")?;
        if out_len == 0 {
            return Err(e(Status::InvalidLength, "HPKE export length must be at least 1"));
        }
        no_overlap(&[(exporter_context, exporter_context_len, "exporter_context")], out, out_len)?;
        // SAFETY: validated pointer/length pairs, disjoint.
        let (c, o) = unsafe { (input(exporter_context, exporter_context_len, "exporter_context")?, output(out, out_len, "out")?) };
        match &h.inner {
            Ctx::Sender(s) => s.export(c, o),
            Ctx::Recipient(r) => r.export(c, o),
        }
    })
}

/// Sequence number of the next message of a context (0 for NULL).
#[no_mangle]
pub unsafe extern "C" fn xps_hpke_ctx_seq(ctx: *const xps_hpke_ctx) -> u64 {
    guard_value(0, || {
        // SAFETY: NULL or a live handle (caller contract).
        unsafe { handle(ctx, "hpke context") }.map_or(0, |h| match &h.inner {
            Ctx::Sender(s) => s.sequence(),
            Ctx::Recipient(r) => r.sequence(),
        })
    })
}

/// Frees a context (NULL accepted); its secrets are wiped.
#[no_mangle]
pub unsafe extern "C" fn xps_hpke_ctx_free(ctx: *mut xps_hpke_ctx) {
    guard_value((), || {
        if !ctx.is_null() {
            // SAFETY: a handle from `xps_hpke_*_new`, freed once.
            drop(unsafe { Box::from_raw(ctx) });
        }
    })
}
