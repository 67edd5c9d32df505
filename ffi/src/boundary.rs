//! The panic boundary, the thread-local error detail, and pointer/length validation.

use std::cell::{Cell, RefCell};
use xpscrypto_core::{Error, Status};

/// `xps_status`: 0 on success, a stable `XPS_E_*` code otherwise.
pub type xps_status = i32;

thread_local! {
    /// NUL-terminated detail of the last failure on this thread; empty = none. The buffer is
    /// reused, so success paths never allocate.
    static LAST_ERROR: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    /// Whether LAST_ERROR holds a detail: a destructor-free flag, so the success path (the hot
    /// path) costs one thread-local load instead of a RefCell borrow of a Vec.
    static HAS_ERROR: Cell<bool> = const { Cell::new(false) };
}

pub(crate) fn set_last_error(detail: &str) {
    LAST_ERROR.with(|e| {
        let mut e = e.borrow_mut();
        e.clear();
        e.extend(detail.bytes().map(|b| if b == 0 { b' ' } else { b }));
        e.push(0);
    });
    HAS_ERROR.with(|f| f.set(true));
}

#[inline]
fn clear_last_error() {
    if HAS_ERROR.with(Cell::get) {
        LAST_ERROR.with(|e| e.borrow_mut().clear());
        HAS_ERROR.with(|f| f.set(false));
    }
}

pub(crate) fn last_error_ptr() -> *const std::ffi::c_char {
    LAST_ERROR.with(|e| {
        let e = e.borrow();
        if e.is_empty() { c"".as_ptr() } else { e.as_ptr().cast() }
    })
}

/// Runs `f` inside the panic boundary and converts its result into a status, recording the
/// error detail for `xps_last_error_detail()`.
#[inline]
pub(crate) fn guard(f: impl FnOnce() -> Result<(), Error>) -> xps_status {
    // The result is turned into a status inside the unwind boundary, so only an `i32` crosses it
    // (no copies of a 32-byte `Result` on the success path).
    let run = || match f() {
        Ok(()) => {
            clear_last_error();
            0
        }
        Err(e) => fail(e),
    };
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)).unwrap_or_else(|_| panicked())
}

/// Records a failure's detail and returns its status (out of line: the success path stays short).
#[cold]
#[inline(never)]
fn fail(e: Error) -> xps_status {
    set_last_error(&e.detail);
    e.status.code()
}

#[cold]
#[inline(never)]
fn panicked() -> xps_status {
    set_last_error("internal panic caught at the C ABI boundary (this is a bug; please report it)");
    Status::Panic.code()
}

/// Whether `(p, len)` passes the checks of [`input`]/[`output`] (empty, or non-NULL and inside
/// the address space), as one test: the exports' fast paths combine these and fall back to the
/// detailed checks, which name the failing argument, only when one fails.
#[inline(always)]
pub(crate) fn range_ok(p: *const u8, len: usize) -> bool {
    len == 0 || (!p.is_null() && len <= isize::MAX as usize && (p as usize).checked_add(len).is_some())
}

/// `p`, or a dangling (non-NULL, aligned) pointer for an empty range, as a kernel expects.
#[inline(always)]
pub(crate) fn nonnull(p: *mut u8, len: usize) -> *mut u8 {
    if len == 0 { std::ptr::NonNull::dangling().as_ptr() } else { p }
}

/// Panic boundary for exports that return a plain value: on panic, `fallback`.
pub(crate) fn guard_value<T>(fallback: T, f: impl FnOnce() -> T) -> T {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or(fallback)
}

pub(crate) fn e(status: Status, detail: impl Into<std::borrow::Cow<'static, str>>) -> Error {
    Error::new(status, detail)
}

/// An input buffer: NULL is allowed only for an empty one.
///
/// # Safety
/// When non-NULL and `len > 0`, `p` must be valid for reads of `len` bytes for `'a`.
#[inline]
pub(crate) unsafe fn input<'a>(p: *const u8, len: usize, what: &str) -> Result<&'a [u8], Error> {
    if len == 0 {
        return Ok(&[]);
    }
    if p.is_null() {
        return Err(e(Status::NullPointer, format!("{what} is NULL but its length is {len}")));
    }
    if len > isize::MAX as usize || (p as usize).checked_add(len).is_none() {
        return Err(e(Status::LengthOverflow, format!("{what} length {len} overflows the address space")));
    }
    // SAFETY: non-NULL, length in range; validity for reads is the caller's contract.
    Ok(unsafe { std::slice::from_raw_parts(p, len) })
}

/// An output buffer of capacity `cap`: NULL is allowed only for `cap == 0`.
///
/// # Safety
/// When non-NULL and `cap > 0`, `p` must be valid for writes of `cap` bytes for `'a`.
#[inline]
pub(crate) unsafe fn output<'a>(p: *mut u8, cap: usize, what: &str) -> Result<&'a mut [u8], Error> {
    if cap == 0 {
        return Ok(&mut []);
    }
    if p.is_null() {
        return Err(e(Status::NullPointer, format!("{what} is NULL but its capacity is {cap}")));
    }
    if cap > isize::MAX as usize || (p as usize).checked_add(cap).is_none() {
        return Err(e(Status::LengthOverflow, format!("{what} capacity {cap} overflows the address space")));
    }
    // SAFETY: non-NULL, length in range; validity for writes is the caller's contract.
    Ok(unsafe { std::slice::from_raw_parts_mut(p, cap) })
}

/// Checks an output pointer for NULL (with a non-zero length) and its length against `max`
/// *before* any slice is formed over it.
pub(crate) fn check_out_len(p: *const u8, len: usize, max: u64, what: &str) -> Result<(), Error> {
    if p.is_null() && len != 0 {
        return Err(e(Status::NullPointer, format!("{what} is NULL but its length is {len}")));
    }
    if len as u64 > max {
        return Err(e(Status::OutputTooLong, format!("{what} length {len} exceeds the algorithm's maximum of {max}")));
    }
    Ok(())
}

/// Fails unless `out_len` is non-NULL.
#[inline]
pub(crate) fn need_len_ptr(out_len: *mut usize) -> Result<(), Error> {
    if out_len.is_null() {
        Err(e(Status::NullPointer, "out_len is NULL"))
    } else {
        Ok(())
    }
}

/// Writes `*out_len` (checked non-NULL by the caller).
#[inline]
pub(crate) fn set_len(out_len: *mut usize, n: usize) {
    // SAFETY: callers check `out_len` with `need_len_ptr` before calling.
    unsafe { *out_len = n }
}

/// Whether two byte ranges overlap at all.
#[inline]
pub(crate) fn overlaps(a: *const u8, a_len: usize, b: *const u8, b_len: usize) -> bool {
    if a_len == 0 || b_len == 0 {
        return false;
    }
    let (a0, b0) = (a as usize, b as usize);
    a0 < b0.saturating_add(b_len) && b0 < a0.saturating_add(a_len)
}

/// Refuses any overlap between an input and the output (for outputs written while the input is
/// still being read). `allow_exact` admits the identical start address (in place).
#[inline]
pub(crate) fn check_overlap(inp: *const u8, in_len: usize, out: *const u8, out_len: usize, allow_exact: bool, what: &str) -> Result<(), Error> {
    if overlaps(inp, in_len, out, out_len) && !(allow_exact && std::ptr::eq(inp, out)) {
        return Err(e(
            Status::Overlap,
            format!("{what} partially overlaps the output{}", if allow_exact { " (only exact in-place is allowed)" } else { "" }),
        ));
    }
    Ok(())
}

/// A required NUL-terminated string argument.
///
/// # Safety
/// When non-NULL, `p` must point to a NUL-terminated string valid for `'a`.
pub(crate) unsafe fn cstr<'a>(p: *const std::ffi::c_char, what: &str) -> Result<&'a str, Error> {
    if p.is_null() {
        return Err(e(Status::NullPointer, format!("{what} is NULL")));
    }
    // SAFETY: non-NULL, NUL-terminated per the caller's contract.
    unsafe { std::ffi::CStr::from_ptr(p) }
        .to_str()
        .map_err(|_| e(Status::InvalidParameter, format!("{what} is not valid UTF-8")))
}

/// Writes a new handle to `*out` after checking the pointer.
pub(crate) fn put_handle<T>(out: *mut *mut T, value: T) -> Result<(), Error> {
    if out.is_null() {
        return Err(e(Status::NullPointer, "handle output pointer is NULL"));
    }
    // SAFETY: `out` is non-NULL and points to writable storage for a pointer (caller contract).
    unsafe { *out = Box::into_raw(Box::new(value)) };
    Ok(())
}

/// Borrows a handle, failing on NULL.
///
/// # Safety
/// `p` must be NULL or a live handle created by this library and not yet freed.
#[inline]
pub(crate) unsafe fn handle<'a, T>(p: *const T, what: &str) -> Result<&'a T, Error> {
    if p.is_null() {
        return Err(e(Status::NullPointer, format!("{what} handle is NULL")));
    }
    // SAFETY: live handle per the caller's contract.
    Ok(unsafe { &*p })
}

/// Mutable twin of [`handle`].
///
/// # Safety
/// As for [`handle`], and no other reference to the handle may be live.
#[inline]
pub(crate) unsafe fn handle_mut<'a, T>(p: *mut T, what: &str) -> Result<&'a mut T, Error> {
    if p.is_null() {
        return Err(e(Status::NullPointer, format!("{what} handle is NULL")));
    }
    // SAFETY: live, exclusively used handle per the caller's contract.
    Ok(unsafe { &mut *p })
}

/// Looks up an algorithm id.
pub(crate) fn alg(id: u32) -> Result<xpscrypto_core::Alg, Error> {
    xpscrypto_core::Alg::from_id_checked(id)
}
