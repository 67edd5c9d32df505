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

/// Overwrites `buf` with zeros in a way the compiler may not elide.
pub fn secure_zero(buf: &mut [u8]) {
    zeroize::Zeroize::zeroize(buf);
}
