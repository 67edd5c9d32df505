//! Output plumbing shared by the signature and KEM exports (no exports of its own).
//!
//! Public-key calls can have two outputs (key pairs, encapsulation). Both capacities are checked
//! before anything runs: if either is too small the call fails with `XPS_E_BUFFER_TOO_SMALL`
//! and *every* `*_len` of the call receives its required size (so one probe call sizes both
//! buffers); nothing else is written. Every input is checked against every output, and the
//! outputs against each other, for overlap (`XPS_E_OVERLAP`; no in-place mode here).

use crate::boundary::*;
use xpscrypto_core::{Error, Status};

/// One `(out, out_cap, *out_len)` output that will receive `need` bytes at most.
pub(crate) struct Out {
    pub p: *mut u8,
    pub cap: usize,
    pub len: *mut usize,
    pub need: usize,
    pub what: &'static str,
}

/// One `(p, len)` input, for the overlap checks.
pub(crate) struct In {
    pub p: *const u8,
    pub len: usize,
    pub what: &'static str,
}

/// Fails unless every `*_len` pointer is non-NULL (checked before anything else, so a too-small
/// buffer can always report its size).
pub(crate) fn need_len_ptrs(outs: &[&Out]) -> Result<(), Error> {
    for o in outs {
        if o.len.is_null() {
            return Err(e(Status::NullPointer, format!("{} length pointer is NULL", o.what)));
        }
    }
    Ok(())
}

/// Validates a pointer/length pair without forming a slice (outputs are materialized only once
/// every check has passed).
fn check_range(p: *const u8, len: usize, what: &str) -> Result<(), Error> {
    if len == 0 {
        return Ok(());
    }
    if p.is_null() {
        return Err(e(Status::NullPointer, format!("{what} is NULL but its length is {len}")));
    }
    if len > isize::MAX as usize || (p as usize).checked_add(len).is_none() {
        return Err(e(Status::LengthOverflow, format!("{what} length {len} overflows the address space")));
    }
    Ok(())
}

/// Capacity check for all outputs (see the module docs), then NULL/range and overlap checks of
/// the inputs and outputs. Call after [`need_len_ptrs`].
pub(crate) fn check_io(alg: &str, outs: &[&Out], ins: &[In]) -> Result<(), Error> {
    if outs.iter().any(|o| o.cap < o.need) {
        let mut detail = format!("{alg}:");
        for o in outs {
            set_len(o.len, o.need);
            detail.push_str(&format!(" {} needs {} bytes (capacity {});", o.what, o.need, o.cap));
        }
        detail.pop();
        return Err(e(Status::BufferTooSmall, detail));
    }
    for i in ins {
        check_range(i.p, i.len, i.what)?;
    }
    for o in outs {
        check_range(o.p, o.need, o.what)?;
        for i in ins {
            if overlaps(i.p, i.len, o.p, o.need) {
                return Err(e(Status::Overlap, format!("{} overlaps the {} output", i.what, o.what)));
            }
        }
    }
    for (k, a) in outs.iter().enumerate() {
        for b in &outs[k + 1..] {
            if overlaps(a.p, a.need, b.p, b.need) {
                return Err(e(Status::Overlap, format!("the {} and {} outputs overlap", a.what, b.what)));
            }
        }
    }
    Ok(())
}

/// Copies `src` (at most `o.need` bytes, already checked) to the output and sets its length.
///
/// # Safety
/// `o` passed [`check_io`]: `o.p` is valid for writes of `o.need` bytes and overlaps no input.
pub(crate) unsafe fn put(o: &Out, src: &[u8]) -> Result<(), Error> {
    if src.len() > o.need {
        return Err(e(Status::Internal, format!("{} of {} bytes exceeds the checked {} bytes", o.what, src.len(), o.need)));
    }
    // SAFETY: validated by `check_io` for `o.need >= src.len()` bytes (caller contract).
    let dst = unsafe { output(o.p, src.len(), o.what)? };
    dst.copy_from_slice(src);
    set_len(o.len, src.len());
    Ok(())
}
