//! AEADs: one-shot attached/detached seal/open and reusable key handles (`xps_aead_key`).
//! `out` may be exactly the plaintext/ciphertext buffer (in place); any other overlap with an
//! input is `XPS_E_OVERLAP`. Open verifies the tag before writing anything.

use crate::boundary::*;
use xpscrypto_core::aead::{self, AeadKey, TAG_LEN};
use xpscrypto_core::{Alg, Error, Status};

/// Opaque AEAD key handle: raw key in secure memory plus a cached schedule that follows the
/// dispatch table. Thread-safe for concurrent seal/open. Free with `xps_aead_key_free`.
pub struct xps_aead_key {
    inner: AeadKey,
}

/// Key length of an AEAD algorithm, 0 if `alg` is not an AEAD.
#[no_mangle]
pub extern "C" fn xps_aead_keybytes(alg: u32) -> usize {
    guard_value(0, || crate::boundary::alg(alg).ok().and_then(|a| aead::key_len(a).ok()).unwrap_or(0))
}

/// Nonce length of an AEAD algorithm (12, or 24 for xchacha20-poly1305), 0 if not an AEAD.
#[no_mangle]
pub extern "C" fn xps_aead_noncebytes(alg: u32) -> usize {
    guard_value(0, || crate::boundary::alg(alg).ok().and_then(|a| aead::nonce_len(a).ok()).unwrap_or(0))
}

/// Tag length of an AEAD algorithm (16), 0 if not an AEAD.
#[no_mangle]
pub extern "C" fn xps_aead_tagbytes(alg: u32) -> usize {
    guard_value(0, || crate::boundary::alg(alg).ok().and_then(|a| aead::tag_len(a).ok()).unwrap_or(0))
}

/// The operations shared by one-shot calls (key given each time) and key handles.
enum Keyed<'a> {
    OneShot(Alg, &'a [u8]),
    Handle(&'a AeadKey),
}

impl Keyed<'_> {
    #[inline]
    fn alg(&self) -> Alg {
        match self {
            Keyed::OneShot(a, _) => *a,
            Keyed::Handle(k) => k.alg(),
        }
    }
    #[inline]
    fn seal_in_place(&self, n: &[u8], aad: &[u8], buf: &mut [u8]) -> Result<[u8; TAG_LEN], Error> {
        match self {
            Keyed::OneShot(a, k) => aead::seal_in_place(*a, k, n, aad, buf),
            Keyed::Handle(h) => h.seal_in_place(n, aad, buf),
        }
    }
    #[inline]
    fn seal_detached(&self, n: &[u8], aad: &[u8], pt: &[u8], ct: &mut [u8]) -> Result<[u8; TAG_LEN], Error> {
        match self {
            Keyed::OneShot(a, k) => aead::seal_detached(*a, k, n, aad, pt, ct),
            Keyed::Handle(h) => h.seal_detached(n, aad, pt, ct),
        }
    }
    #[inline]
    fn open_in_place(&self, n: &[u8], aad: &[u8], buf: &mut [u8], tag: &[u8]) -> Result<(), Error> {
        match self {
            Keyed::OneShot(a, k) => aead::open_in_place(*a, k, n, aad, buf, tag),
            Keyed::Handle(h) => h.open_in_place(n, aad, buf, tag),
        }
    }
    #[inline]
    fn open_detached(&self, n: &[u8], aad: &[u8], ct: &[u8], tag: &[u8], pt: &mut [u8]) -> Result<(), Error> {
        match self {
            Keyed::OneShot(a, k) => aead::open_detached(*a, k, n, aad, ct, tag, pt),
            Keyed::Handle(h) => h.open_detached(n, aad, ct, tag, pt),
        }
    }
}

struct Side {
    nonce: *const u8,
    nonce_len: usize,
    aad: *const u8,
    aad_len: usize,
}

/// Validates nonce and AAD, and that neither (nor the key) overlaps the output region.
#[inline]
unsafe fn side<'a>(s: &Side, key: (*const u8, usize), out: *const u8, out_len: usize) -> Result<(&'a [u8], &'a [u8]), Error> {
    // SAFETY: validated pointer/length pairs (caller contract).
    let (n, a) = unsafe { (input(s.nonce, s.nonce_len, "nonce")?, input(s.aad, s.aad_len, "aad")?) };
    check_overlap(s.nonce, s.nonce_len, out, out_len, false, "nonce")?;
    check_overlap(s.aad, s.aad_len, out, out_len, false, "aad")?;
    check_overlap(key.0, key.1, out, out_len, false, "key")?;
    Ok((n, a))
}

/// Attached seal: `ciphertext ‖ tag` (pt_len + 16 bytes) into `out`.
#[inline(never)]
unsafe fn seal_attached(k: &Keyed, key: (*const u8, usize), s: Side, pt: *const u8, pt_len: usize, out: *mut u8, out_cap: usize, out_len: *mut usize) -> Result<(), Error> {
    need_len_ptr(out_len)?;
    let need = aead::sealed_len(pt_len)?;
    if out_cap < need {
        set_len(out_len, need);
        return Err(e(Status::BufferTooSmall, format!("{} sealed output needs {need} bytes, out_cap is {out_cap}", k.alg().name())));
    }
    // SAFETY: validated pointer/length pairs.
    let (n, a) = unsafe { side(&s, key, out, need)? };
    check_overlap(pt, pt_len, out, need, true, "plaintext")?;
    let in_place = pt_len > 0 && std::ptr::eq(pt, out);
    // SAFETY: validated input; not materialized when in place (then `out` is the only view).
    let p = if in_place { &[][..] } else { unsafe { input(pt, pt_len, "plaintext")? } };
    // SAFETY: validated output of `need <= out_cap` bytes; when in place, `pt` is its prefix.
    let o = unsafe { output(out, need, "out")? };
    let (ct, tag_out) = o.split_at_mut(pt_len);
    let tag = if in_place { k.seal_in_place(n, a, ct)? } else { k.seal_detached(n, a, p, ct)? };
    tag_out.copy_from_slice(&tag);
    set_len(out_len, need);
    Ok(())
}

/// Attached open: plaintext (in_len − 16 bytes) into `out`.
#[inline(never)]
unsafe fn open_attached(k: &Keyed, key: (*const u8, usize), s: Side, ct: *const u8, ct_len: usize, out: *mut u8, out_cap: usize, out_len: *mut usize) -> Result<(), Error> {
    need_len_ptr(out_len)?;
    let n_pt = aead::opened_len(ct_len)?;
    if out_cap < n_pt {
        set_len(out_len, n_pt);
        return Err(e(Status::BufferTooSmall, format!("{} plaintext needs {n_pt} bytes, out_cap is {out_cap}", k.alg().name())));
    }
    // SAFETY: validated pointer/length pairs.
    let (n, a) = unsafe { side(&s, key, out, n_pt)? };
    check_overlap(ct, ct_len, out, n_pt, true, "ciphertext")?;
    let in_place = n_pt > 0 && std::ptr::eq(ct, out);
    let mut tag = [0u8; TAG_LEN];
    // SAFETY: validated input; the shared view ends before any mutable view is created.
    tag.copy_from_slice(&unsafe { input(ct, ct_len, "ciphertext")? }[n_pt..]);
    if in_place {
        // SAFETY: validated output; the ciphertext is its prefix (in place).
        let o = unsafe { output(out, n_pt, "out")? };
        k.open_in_place(n, a, o, &tag)?;
    } else {
        // SAFETY: validated input and output, disjoint (checked above).
        let (c, o) = unsafe { (input(ct, n_pt, "ciphertext")?, output(out, n_pt, "out")?) };
        k.open_detached(n, a, c, &tag, o)?;
    }
    set_len(out_len, n_pt);
    Ok(())
}

/// Detached seal: ciphertext (pt_len bytes) into `ct`, 16-byte tag into `tag` (`tag_len` must be 16).
#[allow(clippy::too_many_arguments)]
#[inline]
unsafe fn seal_det(k: &Keyed, key: (*const u8, usize), s: Side, pt: *const u8, pt_len: usize, ct: *mut u8, ct_cap: usize, ct_len: *mut usize, tag: *mut u8, tag_len: usize) -> Result<(), Error> {
    need_len_ptr(ct_len)?;
    if tag_len != TAG_LEN {
        return Err(e(Status::BadTagLength, format!("tag buffer must be exactly {TAG_LEN} bytes, got {tag_len}")));
    }
    if ct_cap < pt_len {
        set_len(ct_len, pt_len);
        return Err(e(Status::BufferTooSmall, format!("ciphertext needs {pt_len} bytes, ct_cap is {ct_cap}")));
    }
    // SAFETY: validated pointer/length pairs.
    let (n, a) = unsafe { side(&s, key, ct, pt_len)? };
    // SAFETY: as above, for the tag output.
    unsafe { side(&s, key, tag, TAG_LEN)? };
    check_overlap(pt, pt_len, ct, pt_len, true, "plaintext")?;
    check_overlap(pt, pt_len, tag, TAG_LEN, false, "plaintext")?;
    check_overlap(ct, pt_len, tag, TAG_LEN, false, "ciphertext output")?;
    let in_place = pt_len > 0 && std::ptr::eq(pt, ct);
    // SAFETY: validated buffers; the plaintext view is not materialized when in place.
    let (p, t) = unsafe { (if in_place { &[][..] } else { input(pt, pt_len, "plaintext")? }, output(tag, TAG_LEN, "tag")?) };
    // SAFETY: validated output.
    let c = unsafe { output(ct, pt_len, "ct")? };
    let tg = if in_place { k.seal_in_place(n, a, c)? } else { k.seal_detached(n, a, p, c)? };
    t.copy_from_slice(&tg);
    set_len(ct_len, pt_len);
    Ok(())
}

/// Detached open: plaintext (ct_len bytes) into `pt`; `tag_len` must be 16.
#[allow(clippy::too_many_arguments)]
#[inline]
unsafe fn open_det(k: &Keyed, key: (*const u8, usize), s: Side, ct: *const u8, ct_len: usize, tag: *const u8, tag_len: usize, pt: *mut u8, pt_cap: usize, pt_len: *mut usize) -> Result<(), Error> {
    need_len_ptr(pt_len)?;
    if tag_len != TAG_LEN {
        return Err(e(Status::BadTagLength, format!("AEAD tags are {TAG_LEN} bytes, got {tag_len}")));
    }
    if pt_cap < ct_len {
        set_len(pt_len, ct_len);
        return Err(e(Status::BufferTooSmall, format!("plaintext needs {ct_len} bytes, pt_cap is {pt_cap}")));
    }
    // SAFETY: validated pointer/length pairs.
    let (n, a) = unsafe { side(&s, key, pt, ct_len)? };
    check_overlap(ct, ct_len, pt, ct_len, true, "ciphertext")?;
    check_overlap(tag, TAG_LEN, pt, ct_len, false, "tag")?;
    let mut tg = [0u8; TAG_LEN];
    // SAFETY: validated input (a tag pointer may not be NULL: tag_len is 16).
    tg.copy_from_slice(unsafe { input(tag, TAG_LEN, "tag")? });
    if ct_len > 0 && std::ptr::eq(ct, pt) {
        // SAFETY: validated output; in place, so it is the only view of the ciphertext.
        k.open_in_place(n, a, unsafe { output(pt, ct_len, "pt")? }, &tg)?;
    } else {
        // SAFETY: validated, disjoint input and output.
        let (c, o) = unsafe { (input(ct, ct_len, "ciphertext")?, output(pt, ct_len, "pt")?) };
        k.open_detached(n, a, c, &tg, o)?;
    }
    set_len(pt_len, ct_len);
    Ok(())
}

unsafe fn one_shot<'a>(alg: u32, key: *const u8, key_len: usize) -> Result<Keyed<'a>, Error> {
    let a = crate::boundary::alg(alg)?;
    // SAFETY: validated pointer/length pair.
    Ok(Keyed::OneShot(a, unsafe { input(key, key_len, "key")? }))
}

/// One-shot AEAD seal: writes `ciphertext ‖ tag` (pt_len + 16 bytes) to `out`. `out` may be
/// exactly `pt` (in place; then it needs pt_len + 16 bytes of room). Nonces must never repeat
/// under one key (use `xps_random_bytes` for xchacha20-poly1305's 24-byte nonces).
#[no_mangle]
pub unsafe extern "C" fn xps_aead_seal(
    alg: u32,
    key: *const u8,
    key_len: usize,
    nonce: *const u8,
    nonce_len: usize,
    aad: *const u8,
    aad_len: usize,
    pt: *const u8,
    pt_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> xps_status {
    guard(|| {
        // SAFETY: all pointers validated inside.
        unsafe {
            let k = one_shot(alg, key, key_len)?;
            seal_attached(&k, (key, key_len), Side { nonce, nonce_len, aad, aad_len }, pt, pt_len, out, out_cap, out_len)
        }
    })
}

/// One-shot AEAD open of `ciphertext ‖ tag` (`ct_len` ≥ 16) into `out` (ct_len − 16 bytes).
/// Returns `XPS_E_AUTHENTICATION_FAILED` and writes nothing if anything was altered. `out` may be
/// exactly `ct` (in place).
#[no_mangle]
pub unsafe extern "C" fn xps_aead_open(
    alg: u32,
    key: *const u8,
    key_len: usize,
    nonce: *const u8,
    nonce_len: usize,
    aad: *const u8,
    aad_len: usize,
    ct: *const u8,
    ct_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> xps_status {
    guard(|| {
        // SAFETY: all pointers validated inside.
        unsafe {
            let k = one_shot(alg, key, key_len)?;
            open_attached(&k, (key, key_len), Side { nonce, nonce_len, aad, aad_len }, ct, ct_len, out, out_cap, out_len)
        }
    })
}

/// One-shot detached seal: ciphertext (pt_len bytes) into `ct` (may be exactly `pt`), the
/// 16-byte tag into `tag` (`tag_len` must be 16).
#[no_mangle]
pub unsafe extern "C" fn xps_aead_seal_detached(
    alg: u32,
    key: *const u8,
    key_len: usize,
    nonce: *const u8,
    nonce_len: usize,
    aad: *const u8,
    aad_len: usize,
    pt: *const u8,
    pt_len: usize,
    ct: *mut u8,
    ct_cap: usize,
    ct_len: *mut usize,
    tag: *mut u8,
    tag_len: usize,
) -> xps_status {
    guard(|| {
        // SAFETY: all pointers validated inside.
        unsafe {
            let k = one_shot(alg, key, key_len)?;
            seal_det(&k, (key, key_len), Side { nonce, nonce_len, aad, aad_len }, pt, pt_len, ct, ct_cap, ct_len, tag, tag_len)
        }
    })
}

/// One-shot detached open: verifies `tag` (16 bytes), then writes ct_len bytes of plaintext to
/// `pt` (may be exactly `ct`). Nothing is written on failure.
#[no_mangle]
pub unsafe extern "C" fn xps_aead_open_detached(
    alg: u32,
    key: *const u8,
    key_len: usize,
    nonce: *const u8,
    nonce_len: usize,
    aad: *const u8,
    aad_len: usize,
    ct: *const u8,
    ct_len: usize,
    tag: *const u8,
    tag_len: usize,
    pt: *mut u8,
    pt_cap: usize,
    pt_len: *mut usize,
) -> xps_status {
    guard(|| {
        // SAFETY: all pointers validated inside.
        unsafe {
            let k = one_shot(alg, key, key_len)?;
            open_det(&k, (key, key_len), Side { nonce, nonce_len, aad, aad_len }, ct, ct_len, tag, tag_len, pt, pt_cap, pt_len)
        }
    })
}

/// Creates a reusable AEAD key handle (raw key copied into secure memory, schedule cached).
#[no_mangle]
pub unsafe extern "C" fn xps_aead_key_new(alg: u32, key: *const u8, key_len: usize, out: *mut *mut xps_aead_key) -> xps_status {
    guard(|| {
        let a = crate::boundary::alg(alg)?;
        if out.is_null() {
            return Err(e(Status::NullPointer, "out (handle pointer) is NULL"));
        }
        // SAFETY: validated pointer/length pair.
        let k = unsafe { input(key, key_len, "key")? };
        put_handle(out, xps_aead_key { inner: AeadKey::new(a, k)? })
    })
}

/// The algorithm id of a key handle (0 for NULL).
#[no_mangle]
pub unsafe extern "C" fn xps_aead_key_alg(k: *const xps_aead_key) -> u32 {
    // SAFETY: NULL or a live handle (caller contract).
    guard_value(0, || unsafe { handle(k, "aead key") }.map(|k| k.inner.alg().id()).unwrap_or(0))
}

/// `xps_aead_seal` with a key handle.
#[no_mangle]
pub unsafe extern "C" fn xps_aead_key_seal(
    k: *const xps_aead_key,
    nonce: *const u8,
    nonce_len: usize,
    aad: *const u8,
    aad_len: usize,
    pt: *const u8,
    pt_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> xps_status {
    guard(|| {
        // Fast path: all the checks of `seal_attached`, combined; if any fails,
        // `key_seal_checked` (out of line) runs them one by one and reports which.
        // (`pt_len + 16` cannot wrap once `pt` passed its range check, which is part of the test.)
        let need = pt_len.wrapping_add(TAG_LEN);
        if !fast::ok(key_call_bad(k, Side { nonce, nonce_len, aad, aad_len }, pt, pt_len, out, need, out_cap, out_len)) {
            // SAFETY: the caller's contract, passed on; every pointer is validated inside.
            return unsafe { key_seal_checked(k, nonce, nonce_len, aad, aad_len, pt, pt_len, out, out_cap, out_len) };
        }
        // SAFETY: `k` is a live handle (caller contract); nonce/aad/pt/out are validated ranges,
        // nonce and pt non-NULL; pt is exactly `out` or disjoint from it; the tag goes to the
        // last 16 of the `need` validated bytes of `out`, disjoint from pt and the ciphertext.
        unsafe {
            (*k).inner.seal_parts(
                std::slice::from_raw_parts(nonce, nonce_len),
                xpscrypto_core::dispatch::slice(aad, aad_len),
                pt,
                out,
                pt_len,
                out.add(pt_len),
            )?
        };
        set_len(out_len, need);
        Ok(())
    })
}

/// The combined fast-path test of the key-handle seal/open exports, as a [`fast`] word (top bit
/// set = take the checked path): a non-NULL handle and
/// `out_len`, `out_cap >= out_n`, every range valid (nonce, input and output non-NULL; AAD may be
/// NULL when empty), nonce/aad disjoint from the `out_n` output bytes, and the input either
/// exactly `out` (in place) or disjoint from it. When it fails (or is merely unsure), the
/// `*_checked` path runs the same checks one by one and names the failing one.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn key_call_bad(k: *const xps_aead_key, side: Side, input: *const u8, in_len: usize, out: *const u8, out_n: usize, out_cap: usize, out_len: *mut usize) -> usize {
    let Side { nonce, nonce_len, aad, aad_len } = side;
    fast::ptr(k)
        | fast::ptr(out_len)
        | fast::at_least(out_cap, out_n)
        | fast::span(nonce, nonce_len)
        | fast::span_or_empty(aad, aad_len)
        | fast::span(input, in_len)
        | fast::span(out, out_n)
        | fast::apart(nonce, nonce_len, out, out_n)
        | fast::apart(aad, aad_len, out, out_n)
        | (fast::apart(input, in_len, out, out_n) & fast::differ(input, out))
}

/// `xps_aead_key_seal` with every check run one by one (the failing one is reported).
///
/// # Safety
/// As `xps_aead_key_seal`.
#[cold]
#[inline(never)]
#[allow(clippy::too_many_arguments)]
unsafe fn key_seal_checked(
    k: *const xps_aead_key,
    nonce: *const u8,
    nonce_len: usize,
    aad: *const u8,
    aad_len: usize,
    pt: *const u8,
    pt_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> Result<(), Error> {
    // SAFETY: live handle; other pointers validated inside.
    unsafe {
        let h = handle(k, "aead key")?;
        seal_attached(&Keyed::Handle(&h.inner), (std::ptr::null(), 0), Side { nonce, nonce_len, aad, aad_len }, pt, pt_len, out, out_cap, out_len)
    }
}

/// `xps_aead_open` with a key handle.
#[no_mangle]
pub unsafe extern "C" fn xps_aead_key_open(
    k: *const xps_aead_key,
    nonce: *const u8,
    nonce_len: usize,
    aad: *const u8,
    aad_len: usize,
    ct: *const u8,
    ct_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> xps_status {
    guard(|| {
        // Fast path: all the checks of `open_attached`, combined; if any fails,
        // `key_open_checked` (out of line) runs them one by one and reports which.
        // `n_pt` wraps (top bit set) when `ct_len < 16`, which the test then refuses.
        let n_pt = ct_len.wrapping_sub(TAG_LEN);
        if !fast::ok(n_pt | key_call_bad(k, Side { nonce, nonce_len, aad, aad_len }, ct, ct_len, out, n_pt, out_cap, out_len)) {
            // SAFETY: the caller's contract, passed on; every pointer is validated inside.
            return unsafe { key_open_checked(k, nonce, nonce_len, aad, aad_len, ct, ct_len, out, out_cap, out_len) };
        }
        // SAFETY: `ct` is a validated range of `ct_len >= 16` bytes; the tag is its last 16.
        let tag: [u8; TAG_LEN] = unsafe { std::ptr::read_unaligned(ct.add(n_pt).cast()) };
        // SAFETY: `k` is a live handle (caller contract); nonce/aad/ct/out are validated ranges,
        // nonce, ct and out non-NULL; the ciphertext is exactly `out` or disjoint from it. The kernel verifies the tag
        // before it writes `out`.
        unsafe {
            (*k).inner.open_parts(
                std::slice::from_raw_parts(nonce, nonce_len),
                xpscrypto_core::dispatch::slice(aad, aad_len),
                ct,
                out,
                n_pt,
                &tag,
            )?
        };
        set_len(out_len, n_pt);
        Ok(())
    })
}

/// `xps_aead_key_open` with every check run one by one (the failing one is reported).
///
/// # Safety
/// As `xps_aead_key_open`.
#[cold]
#[inline(never)]
#[allow(clippy::too_many_arguments)]
unsafe fn key_open_checked(
    k: *const xps_aead_key,
    nonce: *const u8,
    nonce_len: usize,
    aad: *const u8,
    aad_len: usize,
    ct: *const u8,
    ct_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> Result<(), Error> {
    // SAFETY: live handle; other pointers validated inside.
    unsafe {
        let h = handle(k, "aead key")?;
        open_attached(&Keyed::Handle(&h.inner), (std::ptr::null(), 0), Side { nonce, nonce_len, aad, aad_len }, ct, ct_len, out, out_cap, out_len)
    }
}

/// `xps_aead_seal_detached` with a key handle.
#[no_mangle]
pub unsafe extern "C" fn xps_aead_key_seal_detached(
    k: *const xps_aead_key,
    nonce: *const u8,
    nonce_len: usize,
    aad: *const u8,
    aad_len: usize,
    pt: *const u8,
    pt_len: usize,
    ct: *mut u8,
    ct_cap: usize,
    ct_len: *mut usize,
    tag: *mut u8,
    tag_len: usize,
) -> xps_status {
    guard(|| {
        // SAFETY: live handle; other pointers validated inside.
        unsafe {
            let h = handle(k, "aead key")?;
            seal_det(&Keyed::Handle(&h.inner), (std::ptr::null(), 0), Side { nonce, nonce_len, aad, aad_len }, pt, pt_len, ct, ct_cap, ct_len, tag, tag_len)
        }
    })
}

/// `xps_aead_open_detached` with a key handle.
#[no_mangle]
pub unsafe extern "C" fn xps_aead_key_open_detached(
    k: *const xps_aead_key,
    nonce: *const u8,
    nonce_len: usize,
    aad: *const u8,
    aad_len: usize,
    ct: *const u8,
    ct_len: usize,
    tag: *const u8,
    tag_len: usize,
    pt: *mut u8,
    pt_cap: usize,
    pt_len: *mut usize,
) -> xps_status {
    guard(|| {
        // SAFETY: live handle; other pointers validated inside.
        unsafe {
            let h = handle(k, "aead key")?;
            open_det(&Keyed::Handle(&h.inner), (std::ptr::null(), 0), Side { nonce, nonce_len, aad, aad_len }, ct, ct_len, tag, tag_len, pt, pt_cap, pt_len)
        }
    })
}

/// Frees a key handle (NULL accepted); key material and schedule are wiped.
#[no_mangle]
pub unsafe extern "C" fn xps_aead_key_free(k: *mut xps_aead_key) {
    guard_value((), || {
        if !k.is_null() {
            // SAFETY: a handle from `xps_aead_key_new`, freed once.
            drop(unsafe { Box::from_raw(k) });
        }
    })
}
