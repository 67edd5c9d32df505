//! Hashes and XOFs: one-shot and streaming (`xps_hash_ctx`).

use crate::boundary::*;
use xpscrypto_core::{hash, Alg, Error, Status};

/// Opaque streaming hash state. Create with `xps_hash_new*`, free with `xps_hash_free`.
// (A handle is the core stream's own allocation, `Hasher::into_handle`: this type is never
// instantiated.)
pub struct xps_hash_ctx {
    _opaque: [u8; 0],
}

/// Digest length of a hash algorithm in bytes (BLAKE3: 32), or 0 for the pure XOFs
/// (shake128/256) and for ids that are not hashes.
#[no_mangle]
pub extern "C" fn xps_hash_outbytes(alg: u32) -> usize {
    guard_value(0, || crate::boundary::alg(alg).ok().and_then(|a| hash::digest_len(a).ok().flatten()).unwrap_or(0))
}

/// One-shot hash of `in`. Fixed-output hashes write their digest (`out_cap` must be at least
/// `xps_hash_outbytes(alg)`); XOFs (shake128, shake256) write exactly `out_cap` bytes.
/// `*out_len` receives the number of bytes written (or the required size on
/// `XPS_E_BUFFER_TOO_SMALL`). `out` must not overlap `in`.
#[no_mangle]
pub unsafe extern "C" fn xps_hash(alg: u32, in_: *const u8, in_len: usize, out: *mut u8, out_cap: usize, out_len: *mut usize) -> xps_status {
    guard(|| {
        // Fast path: all the checks of `hash_checked`, combined; if any fails, `hash_checked`
        // (out of line) runs them one by one and reports which. Fixed-output hashes write their
        // digest, XOFs (`n` = 0 in the table) all of `out_cap`. (The XOFs took `hash_checked`,
        // whose calls the shared library does not inline: SHAKE at 64 B cost 1.07 of the Rust
        // API through `libxpscrypto.so`.)
        if let Some(&(a, n)) = FIXED.get(alg.wrapping_sub(FIXED_FIRST) as usize) {
            let n = if n == 0 { out_cap } else { n };
            let bad = fast::ptr(out_len) | fast::at_least(out_cap, n) | fast::span(in_, in_len) | fast::span(out, out_cap) | fast::apart(in_, in_len, out, out_cap);
            if fast::ok(bad) {
                // SAFETY: validated non-NULL ranges (`n <= out_cap`), disjoint (checked above).
                let (data, o) = unsafe { (std::slice::from_raw_parts(in_, in_len), std::slice::from_raw_parts_mut(out, n)) };
                // SAFETY: `FIXED` pairs each fixed-output hash with its digest length and each
                // XOF with 0 (checked against the core by `fixed_table_matches_the_core`); `o`
                // is exactly the digest, or for an XOF all of `out_cap`.
                set_len(out_len, unsafe { hash::hash_digest_into(a, data, o)? });
                return Ok(());
            }
        }
        // SAFETY: the caller's contract, passed on; every pointer is validated inside.
        unsafe { hash_checked(alg, in_, in_len, out, out_cap, out_len) }
    })
}

/// The fast path's id decode: the hashes by `id - 0x101` (their ids are contiguous), each with its
/// digest length, 0 for the XOFs. The `fixed_table_matches_the_core` test checks it against
/// `Alg::from_id` and `hash::fixed_len` for every id.
const FIXED_FIRST: u32 = 0x101;
const FIXED: [(Alg, usize); 10] = [
    (Alg::Sha256, 32),
    (Alg::Sha384, 48),
    (Alg::Sha512, 64),
    (Alg::Sha3_256, 32),
    (Alg::Sha3_512, 64),
    (Alg::Shake128, 0),
    (Alg::Shake256, 0),
    (Alg::Blake2b512, 64),
    (Alg::Blake2s256, 32),
    (Alg::Blake3, 32),
];

/// `xps_hash` with every check run one by one (the failing one is reported). (SHAKE128 /
/// SHAKE256 write exactly `out_cap` bytes, here as on the fast path.)
///
/// # Safety
/// As `xps_hash`.
#[cold]
#[inline(never)]
unsafe fn hash_checked(alg: u32, in_: *const u8, in_len: usize, out: *mut u8, out_cap: usize, out_len: *mut usize) -> Result<(), Error> {
    let a = crate::boundary::alg(alg)?;
    need_len_ptr(out_len)?;
    if let Some(n) = hash::digest_len(a)? {
        if out_cap < n {
            set_len(out_len, n);
            return Err(e(Status::BufferTooSmall, format!("{} digest needs {n} bytes, out_cap is {out_cap}", a.name())));
        }
    }
    // SAFETY: pointer/length pairs from the caller, validated by `input`/`output`.
    let (data, o) = unsafe { (input(in_, in_len, "in")?, output(out, out_cap, "out")?) };
    check_overlap(in_, in_len, out, out_cap, false, "in")?;
    let n = hash::hash_into(a, data, o)?;
    set_len(out_len, n);
    Ok(())
}

/// One-shot XOF: `out_len` bytes of shake128, shake256 or blake3 output.
#[no_mangle]
pub unsafe extern "C" fn xps_xof(alg: u32, in_: *const u8, in_len: usize, out: *mut u8, out_len: usize) -> xps_status {
    guard(|| {
        let a = crate::boundary::alg(alg)?;
        // SAFETY: validated pointer/length pairs.
        let (data, o) = unsafe { (input(in_, in_len, "in")?, output(out, out_len, "out")?) };
        check_overlap(in_, in_len, out, out_len, false, "in")?;
        hash::xof(a, data, o)
    })
}

/// BLAKE3 keyed hash (`key_len` must be 32) producing `out_len` bytes (32 is the MAC length).
#[no_mangle]
pub unsafe extern "C" fn xps_blake3_keyed(key: *const u8, key_len: usize, in_: *const u8, in_len: usize, out: *mut u8, out_len: usize) -> xps_status {
    guard(|| {
        // SAFETY: validated pointer/length pairs.
        let (k, data, o) = unsafe { (input(key, key_len, "key")?, input(in_, in_len, "in")?, output(out, out_len, "out")?) };
        check_overlap(in_, in_len, out, out_len, false, "in")?;
        check_overlap(key, key_len, out, out_len, false, "key")?;
        hash::blake3_keyed(k, data, o)
    })
}

/// BLAKE3 derive_key: `out_len` bytes derived from `material` under the UTF-8 `context`.
#[no_mangle]
pub unsafe extern "C" fn xps_blake3_derive_key(
    context: *const u8,
    context_len: usize,
    material: *const u8,
    material_len: usize,
    out: *mut u8,
    out_len: usize,
) -> xps_status {
    guard(|| {
        // SAFETY: validated pointer/length pairs.
        let (c, m, o) = unsafe { (input(context, context_len, "context")?, input(material, material_len, "material")?, output(out, out_len, "out")?) };
        check_overlap(material, material_len, out, out_len, false, "material")?;
        check_overlap(context, context_len, out, out_len, false, "context")?;
        hash::blake3_derive_key(c, m, o)
    })
}

fn new_ctx(out: *mut *mut xps_hash_ctx, h: xpscrypto_core::Result<hash::Hasher>) -> Result<(), xpscrypto_core::Error> {
    if out.is_null() {
        return Err(e(Status::NullPointer, "out (handle pointer) is NULL"));
    }
    let p = h?.into_handle();
    // SAFETY: `out` is non-NULL and points to writable storage for a pointer (caller contract).
    unsafe { *out = p.as_ptr().cast() };
    Ok(())
}

/// The stream behind a handle, borrowed (not freed when it goes out of scope); [`live`] checks
/// that it was not finalized. (Two steps: the exports check the handle, then their other
/// arguments, then the stream's state, as they did when a handle boxed an `Option<Hasher>`.)
///
/// # Safety
/// `ctx` is NULL or a handle from `xps_hash_new*`/`xps_hash_copy`, not yet freed, not used by
/// another thread at the same time (the C ABI's contract).
unsafe fn stream(ctx: *const xps_hash_ctx) -> Result<std::mem::ManuallyDrop<hash::Hasher>, Error> {
    let Some(p) = std::ptr::NonNull::new(ctx.cast_mut()) else {
        return Err(e(Status::NullPointer, "hash handle is NULL"));
    };
    // SAFETY: a handle from `into_handle` (caller contract); `ManuallyDrop`: the handle stays.
    Ok(std::mem::ManuallyDrop::new(unsafe { hash::Hasher::from_handle(p.cast()) }))
}

fn live(h: &mut hash::Hasher) -> Result<&mut hash::Hasher, Error> {
    if h.is_finished() {
        return Err(e(Status::InvalidState, "hash context already finalized"));
    }
    Ok(h)
}

/// Starts a streaming hash/XOF. On success `*out` receives a handle to free with `xps_hash_free`.
#[no_mangle]
pub unsafe extern "C" fn xps_hash_new(alg: u32, out: *mut *mut xps_hash_ctx) -> xps_status {
    guard(|| {
        let a = crate::boundary::alg(alg)?;
        new_ctx(out, hash::Hasher::new(a))
    })
}

/// Starts a streaming BLAKE3 keyed hash (`key_len` must be 32).
#[no_mangle]
pub unsafe extern "C" fn xps_hash_new_blake3_keyed(key: *const u8, key_len: usize, out: *mut *mut xps_hash_ctx) -> xps_status {
    guard(|| {
        // SAFETY: validated pointer/length pair.
        let k = unsafe { input(key, key_len, "key")? };
        new_ctx(out, hash::Hasher::new_blake3_keyed(k))
    })
}

/// Starts a streaming BLAKE3 derive_key with a UTF-8 `context`; feed the key material.
#[no_mangle]
pub unsafe extern "C" fn xps_hash_new_blake3_derive_key(context: *const u8, context_len: usize, out: *mut *mut xps_hash_ctx) -> xps_status {
    guard(|| {
        // SAFETY: validated pointer/length pair.
        let c = unsafe { input(context, context_len, "context")? };
        new_ctx(out, hash::Hasher::new_blake3_derive_key(c))
    })
}

/// Absorbs `in`. Fails with `XPS_E_INVALID_STATE` after a final call.
#[no_mangle]
pub unsafe extern "C" fn xps_hash_update(ctx: *mut xps_hash_ctx, in_: *const u8, in_len: usize) -> xps_status {
    guard(|| {
        // SAFETY: live handle and validated input per the caller's contract.
        let (mut h, data) = unsafe { (stream(ctx)?, input(in_, in_len, "in")?) };
        live(&mut h)?.update(data);
        Ok(())
    })
}

/// Finishes: fixed-output hashes write their digest (`out_cap` ≥ digest size), XOFs write
/// `out_cap` bytes. The context is then finalized (free it; `xps_hash_copy` first to continue).
/// On `XPS_E_BUFFER_TOO_SMALL` the context stays usable.
#[no_mangle]
pub unsafe extern "C" fn xps_hash_final(ctx: *mut xps_hash_ctx, out: *mut u8, out_cap: usize, out_len: *mut usize) -> xps_status {
    guard(|| {
        // SAFETY: live handle per the caller's contract.
        let mut h = unsafe { stream(ctx)? };
        need_len_ptr(out_len)?;
        let h = live(&mut h)?;
        let alg = h.alg();
        // (`fixed_len`, not `digest_len`: the stream passed the policy when it started, and the
        // Rust API's `finalize_into` does not check it again either.)
        if let Some(n) = hash::fixed_len(alg) {
            if out_cap < n {
                set_len(out_len, n);
                return Err(e(Status::BufferTooSmall, format!("{} digest needs {n} bytes, out_cap is {out_cap}", alg.name())));
            }
        }
        // SAFETY: validated output.
        let o = unsafe { output(out, out_cap, "out")? };
        // SAFETY: the handle is only checked (`live`) and freed after this.
        let n = unsafe { h.finalize_handle(o, false)? };
        set_len(out_len, n);
        Ok(())
    })
}

/// Finishes an XOF stream (shake128, shake256, any BLAKE3 mode) with `out_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn xps_hash_final_xof(ctx: *mut xps_hash_ctx, out: *mut u8, out_len: usize) -> xps_status {
    guard(|| {
        // SAFETY: live handle and validated output per the caller's contract.
        let (mut h, o) = unsafe { (stream(ctx)?, output(out, out_len, "out")?) };
        let h = live(&mut h)?;
        // (Not an XOF: `WrongAlgorithmFamily`, the stream stays usable.) SAFETY: the handle is
        // only checked (`live`) and freed after this.
        unsafe { h.finalize_handle(o, true) }.map(drop)
    })
}

/// Copies a streaming state (e.g. to hash a common prefix once). `*out` gets a new handle.
#[no_mangle]
pub unsafe extern "C" fn xps_hash_copy(ctx: *const xps_hash_ctx, out: *mut *mut xps_hash_ctx) -> xps_status {
    guard(|| {
        // SAFETY: live handle per the caller's contract.
        let mut h = unsafe { stream(ctx)? };
        let h = live(&mut h)?;
        if out.is_null() {
            return Err(e(Status::NullPointer, "handle output pointer is NULL"));
        }
        new_ctx(out, Ok(h.clone()))
    })
}

/// Frees a hash context (NULL is accepted). The state is wiped.
#[no_mangle]
pub unsafe extern "C" fn xps_hash_free(ctx: *mut xps_hash_ctx) {
    guard_value((), || {
        if let Some(p) = std::ptr::NonNull::new(ctx) {
            // SAFETY: a handle from `xps_hash_new*`/`xps_hash_copy` (`into_handle`), freed once
            // (caller contract).
            drop(unsafe { hash::Hasher::from_handle(p.cast()) });
        }
    })
}

#[cfg(test)]
mod tests {
    use super::{FIXED, FIXED_FIRST};
    use xpscrypto_core::alg::Family;
    use xpscrypto_core::{hash, Alg};

    #[test]
    fn fixed_table_matches_the_core() {
        for id in 0..0x800u32 {
            let table = FIXED.get(id.wrapping_sub(FIXED_FIRST) as usize).copied();
            let core = Alg::from_id(id).filter(|a| matches!(a.family(), Family::Hash)).map(|a| (a, hash::fixed_len(a).unwrap_or(0)));
            assert_eq!(table, core, "id {id:#x}");
        }
    }

    /// SHAKE through `xps_hash` fills all of `out_cap` (with `*out_len` = `out_cap`), as
    /// `xps_xof` does, at lengths around the SHAKE rates; an empty output writes nothing. (An
    /// equivalence test: the checked path, which the XOFs took before, passes it too.)
    #[test]
    fn xofs_fill_out_cap() {
        let msg: Vec<u8> = (0..64u8).collect();
        for alg in [Alg::Shake128, Alg::Shake256] {
            for cap in [0usize, 1, 32, 135, 136, 167, 168, 169, 500] {
                let (mut got, mut want) = (vec![0xeeu8; cap + 1], vec![0u8; cap]);
                let mut n = usize::MAX;
                // SAFETY: valid buffers of the lengths given.
                let (a, b) = unsafe {
                    (super::xps_hash(alg.id(), msg.as_ptr(), msg.len(), got.as_mut_ptr(), cap, &mut n), super::xps_xof(alg.id(), msg.as_ptr(), msg.len(), want.as_mut_ptr(), cap))
                };
                assert_eq!((a, b, n), (0, 0, cap), "{} cap {cap}", alg.name());
                assert_eq!(&got[..cap], &want[..], "{} cap {cap}", alg.name());
                assert_eq!(got[cap], 0xee, "{} cap {cap}: wrote past out_cap", alg.name());
            }
        }
    }
}
