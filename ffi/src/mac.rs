//! MACs (hmac-sha256/384/512, poly1305, blake3-keyed): one-shot, verify, streaming.

use crate::boundary::*;
use xpscrypto_core::{mac, Alg, Error, Status};

/// Opaque streaming MAC state (keyed). Free with `xps_mac_free` (wipes the key schedule).
pub struct xps_mac_ctx {
    inner: Option<mac::Mac>,
}

/// Full tag length of a MAC algorithm, or 0 if `alg` is not a MAC.
#[no_mangle]
pub extern "C" fn xps_mac_tagbytes(alg: u32) -> usize {
    guard_value(0, || crate::boundary::alg(alg).ok().and_then(|a| mac::tag_len(a).ok()).unwrap_or(0))
}

/// Required key length of a MAC algorithm (32 for poly1305 and blake3-keyed), 0 if any length
/// is accepted (HMAC) or `alg` is not a MAC.
#[no_mangle]
pub extern "C" fn xps_mac_keybytes(alg: u32) -> usize {
    guard_value(0, || crate::boundary::alg(alg).ok().and_then(|a| mac::key_len(a).ok().flatten()).unwrap_or(0))
}

/// One-shot MAC of `in` under `key` (any MAC algorithm: hmac-*, poly1305 (one-time key!),
/// blake3-keyed). Writes the full tag; `*out_len` gets its length. `out` must not overlap inputs.
#[no_mangle]
pub unsafe extern "C" fn xps_hmac(
    alg: u32,
    key: *const u8,
    key_len: usize,
    in_: *const u8,
    in_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> xps_status {
    guard(|| {
        // blake3-keyed first, with its lengths fixed: it is the fastest MAC (~43 ns at 64 B), so
        // the export's own work weighs most there. The same checks as below with both lengths 32.
        if alg == Alg::Blake3Keyed.id() && key_len == 32 && fast::ok(bad_args((key, 32), (in_, in_len), (out, out_cap), out_len, 32)) {
            // SAFETY: validated non-NULL ranges (32 <= out_cap); the input and key are disjoint
            // from the output (checked above); `[u8; 32]` has alignment 1.
            let (k, data, o) = unsafe { (&*key.cast::<[u8; 32]>(), std::slice::from_raw_parts(in_, in_len), &mut *out.cast::<[u8; 32]>()) };
            if let Some(n) = mac::blake3_keyed_fast(k, data, o) {
                set_len(out_len, n);
                return Ok(());
            }
        }
        // Fast path: all the checks of `hmac_checked`, combined; if any fails, `hmac_checked`
        // (out of line) runs them one by one and reports which.
        if let Some(&(a, n)) = TAGS.get(alg.wrapping_sub(TAGS_FIRST) as usize) {
            if fast::ok(bad_args((key, key_len), (in_, in_len), (out, out_cap), out_len, n)) {
                // SAFETY: validated non-NULL ranges (`n <= out_cap`); the inputs are disjoint
                // from the output (checked above).
                let (k, data, o) = unsafe {
                    (std::slice::from_raw_parts(key, key_len), std::slice::from_raw_parts(in_, in_len), std::slice::from_raw_parts_mut(out, n))
                };
                set_len(out_len, mac::mac_into_for_export(a, k, data, o)?);
                return Ok(());
            }
        }
        // SAFETY: the caller's contract, passed on; every pointer is validated inside.
        unsafe { hmac_checked(alg, key, key_len, in_, in_len, out, out_cap, out_len) }
    })
}

/// `xps_hmac`'s fast-path test (a [`fast`] word): every check of `hmac_checked` for a tag of
/// `n` bytes. Inlined, so a constant length folds into it.
#[inline(always)]
fn bad_args(key: (*const u8, usize), in_: (*const u8, usize), out: (*mut u8, usize), out_len: *mut usize, n: usize) -> usize {
    let o = out.0.cast_const();
    fast::ptr(out_len)
        | fast::at_least(out.1, n)
        | fast::span(key.0, key.1)
        | fast::span(in_.0, in_.1)
        | fast::span(o, out.1)
        | fast::apart(in_.0, in_.1, o, out.1)
        | fast::apart(key.0, key.1, o, out.1)
}

/// The fast path's id decode: the MACs by `id - 0x201` (their ids are contiguous), each with its
/// tag length. The `tag_table_matches_the_core` test checks it against `Alg::from_id` and
/// `mac::tag_len` for every id.
const TAGS_FIRST: u32 = 0x201;
const TAGS: [(Alg, usize); 5] = [(Alg::HmacSha256, 32), (Alg::HmacSha384, 48), (Alg::HmacSha512, 64), (Alg::Poly1305, 16), (Alg::Blake3Keyed, 32)];

/// `xps_hmac` with every check run one by one (the failing one is reported).
///
/// # Safety
/// As `xps_hmac`.
#[cold]
#[inline(never)]
#[allow(clippy::too_many_arguments)]
unsafe fn hmac_checked(
    alg: u32,
    key: *const u8,
    key_len: usize,
    in_: *const u8,
    in_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> Result<(), Error> {
    let a = crate::boundary::alg(alg)?;
    need_len_ptr(out_len)?;
    let n = mac::tag_len(a)?;
    if out_cap < n {
        set_len(out_len, n);
        return Err(e(Status::BufferTooSmall, format!("{} tag needs {n} bytes, out_cap is {out_cap}", a.name())));
    }
    // SAFETY: validated pointer/length pairs.
    let (k, data, o) = unsafe { (input(key, key_len, "key")?, input(in_, in_len, "in")?, output(out, out_cap, "out")?) };
    check_overlap(in_, in_len, out, out_cap, false, "in")?;
    check_overlap(key, key_len, out, out_cap, false, "key")?;
    let n = mac::mac_into(a, k, data, o)?;
    set_len(out_len, n);
    Ok(())
}

type VerifyFn = fn(xpscrypto_core::Alg, &[u8], &[u8], &[u8]) -> xpscrypto_core::Result<()>;

/// Shared body of the verify exports: validate the three buffers, then run `verify`.
unsafe fn verify_with(alg: u32, key: (*const u8, usize), msg: (*const u8, usize), tag: (*const u8, usize), verify: VerifyFn) -> xps_status {
    guard(|| {
        let a = crate::boundary::alg(alg)?;
        // SAFETY: validated pointer/length pairs (caller contract for validity).
        let (k, data, t) = unsafe { (input(key.0, key.1, "key")?, input(msg.0, msg.1, "in")?, input(tag.0, tag.1, "tag")?) };
        verify(a, k, data, t)
    })
}

/// Verifies a full-length tag in constant time: `XPS_OK`, `XPS_E_AUTHENTICATION_FAILED`, or
/// `XPS_E_BAD_TAG_LENGTH` if `tag_len` is not the algorithm's full tag length.
#[no_mangle]
pub unsafe extern "C" fn xps_hmac_verify(
    alg: u32,
    key: *const u8,
    key_len: usize,
    in_: *const u8,
    in_len: usize,
    tag: *const u8,
    tag_len: usize,
) -> xps_status {
    // SAFETY: forwarded caller contract; every pointer is validated inside.
    unsafe { verify_with(alg, (key, key_len), (in_, in_len), (tag, tag_len), mac::verify) }
}

/// Verifies an HMAC tag truncated to `tag_len` bytes (16 ≤ tag_len ≤ full length) in constant
/// time. Truncation is accepted only through this explicit call.
#[no_mangle]
pub unsafe extern "C" fn xps_hmac_verify_truncated(
    alg: u32,
    key: *const u8,
    key_len: usize,
    in_: *const u8,
    in_len: usize,
    tag: *const u8,
    tag_len: usize,
) -> xps_status {
    // SAFETY: forwarded caller contract; every pointer is validated inside.
    unsafe { verify_with(alg, (key, key_len), (in_, in_len), (tag, tag_len), mac::verify_truncated) }
}

/// Starts a streaming MAC under `key`. `*out` receives a handle to free with `xps_mac_free`.
#[no_mangle]
pub unsafe extern "C" fn xps_mac_new(alg: u32, key: *const u8, key_len: usize, out: *mut *mut xps_mac_ctx) -> xps_status {
    guard(|| {
        let a = crate::boundary::alg(alg)?;
        if out.is_null() {
            return Err(e(Status::NullPointer, "out (handle pointer) is NULL"));
        }
        // SAFETY: validated pointer/length pair.
        let k = unsafe { input(key, key_len, "key")? };
        put_handle(out, xps_mac_ctx { inner: Some(mac::Mac::new(a, k)?) })
    })
}

fn live(c: &mut xps_mac_ctx) -> Result<&mut mac::Mac, xpscrypto_core::Error> {
    c.inner.as_mut().ok_or_else(|| e(Status::InvalidState, "MAC context already finalized"))
}

/// Absorbs `in`.
#[no_mangle]
pub unsafe extern "C" fn xps_mac_update(ctx: *mut xps_mac_ctx, in_: *const u8, in_len: usize) -> xps_status {
    guard(|| {
        // SAFETY: live handle and validated input.
        let (c, data) = unsafe { (handle_mut(ctx, "mac")?, input(in_, in_len, "in")?) };
        live(c)?.update(data);
        Ok(())
    })
}

/// Writes the full tag and finalizes the context. On `XPS_E_BUFFER_TOO_SMALL` it stays usable.
#[no_mangle]
pub unsafe extern "C" fn xps_mac_final(ctx: *mut xps_mac_ctx, out: *mut u8, out_cap: usize, out_len: *mut usize) -> xps_status {
    guard(|| {
        // SAFETY: live handle.
        let c = unsafe { handle_mut(ctx, "mac")? };
        need_len_ptr(out_len)?;
        // (Not `mac::tag_len`, which checks the policy: streams are checked when they are
        // created, as `xps_hash_final` and the Rust API's `finalize_into` do.)
        let n = live(c)?.full_len();
        if out_cap < n {
            set_len(out_len, n);
            return Err(e(Status::BufferTooSmall, format!("tag needs {n} bytes, out_cap is {out_cap}")));
        }
        // SAFETY: validated output.
        let o = unsafe { output(out, out_cap, "out")? };
        let m = c.inner.take().ok_or_else(|| e(Status::InvalidState, "MAC context already finalized"))?;
        set_len(out_len, m.finalize_into(o)?);
        Ok(())
    })
}

/// Verifies a full-length tag against the stream in constant time and finalizes the context.
#[no_mangle]
pub unsafe extern "C" fn xps_mac_verify_final(ctx: *mut xps_mac_ctx, tag: *const u8, tag_len: usize) -> xps_status {
    guard(|| {
        // SAFETY: live handle and validated input.
        let (c, t) = unsafe { (handle_mut(ctx, "mac")?, input(tag, tag_len, "tag")?) };
        live(c)?;
        let m = c.inner.take().ok_or_else(|| e(Status::InvalidState, "MAC context already finalized"))?;
        m.verify(t)
    })
}

/// Copies a streaming MAC state. `*out` gets a new handle.
#[no_mangle]
pub unsafe extern "C" fn xps_mac_copy(ctx: *const xps_mac_ctx, out: *mut *mut xps_mac_ctx) -> xps_status {
    guard(|| {
        // SAFETY: live handle.
        let c = unsafe { handle(ctx, "mac")? };
        let m = c.inner.as_ref().ok_or_else(|| e(Status::InvalidState, "MAC context already finalized"))?.clone();
        put_handle(out, xps_mac_ctx { inner: Some(m) })
    })
}

/// Frees a MAC context (NULL accepted); the keyed state is wiped.
#[no_mangle]
pub unsafe extern "C" fn xps_mac_free(ctx: *mut xps_mac_ctx) {
    guard_value((), || {
        if !ctx.is_null() {
            // SAFETY: a handle from `xps_mac_new`/`xps_mac_copy`, freed once.
            drop(unsafe { Box::from_raw(ctx) });
        }
    })
}

#[cfg(test)]
mod tests {
    use super::{TAGS, TAGS_FIRST};
    use xpscrypto_core::{mac, Alg, Family};

    #[test]
    fn tag_table_matches_the_core() {
        for id in 0..0x800u32 {
            let table = TAGS.get(id.wrapping_sub(TAGS_FIRST) as usize).copied();
            // (`tag_len` also applies the policy: under one that refuses a MAC this fails loudly.)
            let core = Alg::from_id(id).filter(|a| matches!(a.family(), Family::Mac)).map(|a| (a, mac::tag_len(a).unwrap()));
            assert_eq!(table, core, "id {id:#x}");
        }
    }
}
