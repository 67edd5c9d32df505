//! Constant-time helpers and wiping.

use subtle::ConstantTimeEq;

/// Constant-time equality of two byte strings. Lengths are not secret: different lengths are
/// unequal without looking at the contents.
pub fn ct_equal(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// Constant-time test that every byte is zero.
pub fn ct_is_zero(a: &[u8]) -> bool {
    let acc = a.iter().fold(0u8, |acc, &x| acc | x);
    bool::from(acc.ct_eq(&0))
}

/// Overwrites `buf` with zeros in a way the compiler may not elide: a plain (vectorized) memset,
/// then the buffer escapes through `black_box` (an opaque read of the memory), so the stores are
/// live. Much faster than byte-wise volatile stores on multi-KiB hash states.
pub fn secure_zero(buf: &mut [u8]) {
    // SAFETY: `buf` is a valid, exclusively borrowed slice.
    unsafe { std::ptr::write_bytes(buf.as_mut_ptr(), 0, buf.len()) };
    std::hint::black_box(&*buf);
    std::sync::atomic::compiler_fence(std::sync::atomic::Ordering::SeqCst);
}

/// Wipes `len` bytes at `p` (see [`secure_zero`]). The bytes need not be initialized (an
/// uninitialized buffer's unwritten part, a state's unused tail): no reference to them is formed
/// until they are written.
///
/// # Safety
/// `p` must be valid for writes of `len` bytes.
pub(crate) unsafe fn wipe_raw(p: *mut u8, len: usize) {
    // SAFETY: `p` is valid for writes of `len` bytes (caller contract).
    unsafe { std::ptr::write_bytes(p, 0, len) };
    // SAFETY: the `len` bytes are written (zero) just above, so initialized.
    std::hint::black_box(unsafe { std::slice::from_raw_parts(p.cast_const(), len) });
    std::sync::atomic::compiler_fence(std::sync::atomic::Ordering::SeqCst);
}

/// A fixed-size secret buffer wiped (fast) on drop.
pub(crate) struct Wiped<const N: usize>(pub [u8; N]);

impl<const N: usize> Wiped<N> {
    pub(crate) fn new() -> Self {
        Wiped([0; N])
    }
}

impl<const N: usize> Clone for Wiped<N> {
    fn clone(&self) -> Self {
        Wiped(self.0)
    }
}

impl<const N: usize> Drop for Wiped<N> {
    fn drop(&mut self) {
        secure_zero(&mut self.0);
    }
}

impl<const N: usize> std::ops::Deref for Wiped<N> {
    type Target = [u8; N];
    fn deref(&self) -> &[u8; N] {
        &self.0
    }
}

impl<const N: usize> std::ops::DerefMut for Wiped<N> {
    fn deref_mut(&mut self) -> &mut [u8; N] {
        &mut self.0
    }
}
