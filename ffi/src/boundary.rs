//! The panic boundary, the thread-local error detail, and pointer/length validation.

use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicUsize, Ordering};
use xpscrypto_core::{Error, Status};

/// `xps_status`: 0 on success, a stable `XPS_E_*` code otherwise.
pub type xps_status = i32;

thread_local! {
    /// The last failure's detail on this thread, and whether there is one.
    static LAST_ERROR: ErrState = const { ErrState { detail: RefCell::new(Vec::new()), set: Cell::new(false) } };
}

/// One thread-local for the detail and its flag, so that at thread exit both become
/// inaccessible together (never a flag gone while its detail can still be written).
struct ErrState {
    /// NUL-terminated detail; empty = none. The buffer is reused, so success paths never allocate.
    detail: RefCell<Vec<u8>>,
    /// Whether `detail` holds one (counted in [`PENDING`] while it does).
    set: Cell<bool>,
}

impl Drop for ErrState {
    /// A thread that exits holding a detail gives back its count.
    fn drop(&mut self) {
        if self.set.get() {
            PENDING.fetch_sub(1, Ordering::Relaxed);
        }
    }
}

/// How many threads hold an error detail. A successful call must leave its thread's detail
/// empty; while no thread holds one (the usual state) it only reads this word. In a shared
/// library a thread-local costs a call into the dynamic linker (`__tls_get_addr`, ~11
/// instructions), a global one load.
///
/// Exact for the question the success path asks: a thread's own increment is visible to it
/// (program order), and only the thread that set a flag decrements for it, so the count is
/// non-zero whenever the calling thread holds a detail. Relaxed ordering is enough for that.
///
/// While some thread holds a detail and makes no further successful call (it idles after a
/// failed open, say), every thread's successes take the cold path: a thread-local read, as
/// before this count existed, plus a call. So does a child of `fork()` whose parent had such
/// threads (their counts are inherited; the threads are not). Both cost time, never a wrong
/// detail.
static PENDING: AtomicUsize = AtomicUsize::new(0);

pub(crate) fn set_last_error(detail: &str) {
    // `try_with`: an export called from another thread-local's destructor, late in a thread's
    // exit after this one was destroyed, must not panic; it then records nothing.
    let _ = LAST_ERROR.try_with(|s| {
        let mut e = s.detail.borrow_mut();
        e.clear();
        e.extend(detail.bytes().map(|b| if b == 0 { b' ' } else { b }));
        e.push(0);
        if !s.set.replace(true) {
            PENDING.fetch_add(1, Ordering::Relaxed);
        }
    });
}

#[inline(always)]
fn clear_last_error() {
    if PENDING.load(Ordering::Relaxed) != 0 {
        clear_pending();
    }
}

/// Some thread holds a detail: empty this thread's, if it is one of them.
#[cold]
#[inline(never)]
fn clear_pending() {
    let _ = LAST_ERROR.try_with(|s| {
        if s.set.replace(false) {
            s.detail.borrow_mut().clear();
            PENDING.fetch_sub(1, Ordering::Relaxed);
        }
    });
}

pub(crate) fn last_error_ptr() -> *const std::ffi::c_char {
    LAST_ERROR
        .try_with(|s| {
            let e = s.detail.borrow();
            if e.is_empty() { c"".as_ptr() } else { e.as_ptr().cast() }
        })
        .unwrap_or(c"".as_ptr())
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

/// Branch-free pieces of the hot exports' fast-path tests. Each returns a word whose top bit is
/// set when its check fails; a fast path ORs the words of all its checks and tests one sign
/// ([`fast::ok`]), which compiles to straight-line ALU work and a single branch. The test as a
/// whole is conservative, never permissive. These also set the bit, and the exact, error-naming
/// checks then decide:
/// - NULL with length 0 (for [`fast::span`]);
/// - empty ranges that start inside another range (for [`fast::apart`]);
/// - a capacity of `2^63` or more beyond what is needed, such as `SIZE_MAX` for "unbounded";
/// - addresses in the upper half of the address space. These are never user space on x86-64
///   Linux, but they are on aarch64 with top-byte tagging (MTE, Android's tagged heap), where
///   these calls then always take the exact path: slower, still correct.
pub(crate) mod fast {
    /// Non-NULL (and below the upper half).
    #[inline(always)]
    pub(crate) fn ptr<T>(p: *const T) -> usize {
        (p as usize).wrapping_sub(1)
    }

    /// `p` non-NULL, `len <= isize::MAX` and `p + len` neither wraps nor leaves the lower half:
    /// the range can back a slice.
    #[inline(always)]
    pub(crate) fn span(p: *const u8, len: usize) -> usize {
        let p = p as usize;
        p.wrapping_sub(1) | len | p.wrapping_add(len)
    }

    /// As [`span`], but NULL is accepted when `len == 0` (NULL, 0 is the usual "no AAD").
    #[inline(always)]
    pub(crate) fn span_or_empty(p: *const u8, len: usize) -> usize {
        let p = p as usize;
        // `len | -len` has its top bit set exactly when `len != 0`.
        (p.wrapping_sub(1) & (len | len.wrapping_neg())) | len | p.wrapping_add(len)
    }

    /// `a >= b`, given `b < 2^63` (else `a - b` can wrap to a clear top bit). Callers pass a
    /// `b` bounded by a [`span`] in the same test, or a small constant.
    #[inline(always)]
    pub(crate) fn at_least(a: usize, b: usize) -> usize {
        a.wrapping_sub(b)
    }

    /// `[a, a + a_len)` and `[b, b + b_len)` are disjoint. Exact once both ranges passed
    /// [`span`]/[`span_or_empty`] (all ends below `2^63`, so `x - y` has its top bit set exactly
    /// when `x < y`): disjoint means `b >= a + a_len` or `a >= b + b_len`.
    #[inline(always)]
    pub(crate) fn apart(a: *const u8, a_len: usize, b: *const u8, b_len: usize) -> usize {
        let (a, b) = (a as usize, b as usize);
        b.wrapping_sub(a.wrapping_add(a_len)) & a.wrapping_sub(b.wrapping_add(b_len))
    }

    /// `a != b` (for the exact in-place exception: AND it with an [`apart`] word).
    #[inline(always)]
    pub(crate) fn differ(a: *const u8, b: *const u8) -> usize {
        let v = a as usize ^ b as usize;
        v | v.wrapping_neg()
    }

    /// Every check whose word was ORed into `bad` passed.
    #[inline(always)]
    pub(crate) fn ok(bad: usize) -> bool {
        (bad as isize) >= 0
    }
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

#[cfg(test)]
mod tests {
    use super::{clear_last_error, last_error_ptr, set_last_error, PENDING};
    // The count is process-wide: this test assumes no other unit test of this crate leaves a
    // detail behind on a thread while it runs (none calls a failing export).
    use std::ffi::CStr;
    use std::sync::atomic::Ordering;

    fn detail() -> String {
        // SAFETY: last_error_ptr returns a NUL-terminated string valid until the next call.
        unsafe { CStr::from_ptr(last_error_ptr()) }.to_string_lossy().into_owned()
    }

    /// The success path skips the thread-local while no thread holds a detail; the count it
    /// reads must follow set/clear, and a thread that exits holding a detail must give its
    /// count back (else every later success would take the slow path for good).
    #[test]
    fn pending_count_follows_the_details() {
        let base = PENDING.load(Ordering::Relaxed);
        std::thread::spawn(move || {
            set_last_error("first");
            set_last_error("second");
            assert_eq!(PENDING.load(Ordering::Relaxed), base + 1, "one count per thread, however many failures");
            assert_eq!(detail(), "second");
            clear_last_error();
            assert_eq!(detail(), "");
            assert_eq!(PENDING.load(Ordering::Relaxed), base);
            set_last_error("left behind");
        })
        .join()
        .unwrap();
        assert_eq!(PENDING.load(Ordering::Relaxed), base, "the exiting thread gave its count back");
        assert_eq!(detail(), "", "another thread's detail is not this thread's");
    }
}
