//! Secure memory: page-aligned allocations between PROT_NONE guard pages, `mlock`ed, excluded
//! from core dumps (`MADV_DONTDUMP`), zeroized and unlocked on free. A failed `mlock` is counted
//! and reported through [`SecureBuffer::is_locked`]; with the `require_mlock` policy it is an error.

pub mod ct;

use crate::error::{err, Result, Status};
use std::sync::atomic::{AtomicU64, Ordering};

static LOCK_FAILURES: AtomicU64 = AtomicU64::new(0);

/// How many secure allocations could not be locked into RAM since the process started.
pub fn lock_failures() -> u64 {
    LOCK_FAILURES.load(Ordering::Relaxed)
}

fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    let p = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if p > 0 { p as usize } else { 4096 }
}

/// A guarded, locked, zeroize-on-drop byte buffer. Its contents are never printed.
pub struct SecureBuffer {
    base: *mut u8,
    map_len: usize,
    data: *mut u8,
    data_pages: usize,
    len: usize,
    locked: bool,
}

// SAFETY: the buffer exclusively owns its mapping; access goes through &/&mut.
unsafe impl Send for SecureBuffer {}
// SAFETY: shared access only hands out `&[u8]`.
unsafe impl Sync for SecureBuffer {}

impl SecureBuffer {
    /// A zero-filled buffer of `len` bytes (`len == 0` allowed).
    pub fn new(len: usize) -> Result<Self> {
        let page = page_size();
        let overflow = || err(Status::LengthOverflow, format!("secure allocation of {len} bytes overflows the address space"));
        let data_pages = len.div_ceil(page).max(1).checked_mul(page).ok_or_else(overflow)?;
        let map_len = data_pages.checked_add(2 * page).filter(|n| *n <= isize::MAX as usize).ok_or_else(overflow)?;
        // SAFETY: anonymous private mapping request with valid arguments; result checked below.
        let base = unsafe {
            libc::mmap(std::ptr::null_mut(), map_len, libc::PROT_NONE, libc::MAP_PRIVATE | libc::MAP_ANONYMOUS, -1, 0)
        };
        if base == libc::MAP_FAILED {
            return Err(err(Status::OutOfMemory, format!("mmap of {map_len} bytes failed")));
        }
        let base = base.cast::<u8>();
        // SAFETY: `base + page` lies inside the mapping of `map_len = data_pages + 2 pages`.
        let data = unsafe { base.add(page) };
        // SAFETY: the range [data, data + data_pages) is inside our mapping.
        if unsafe { libc::mprotect(data.cast(), data_pages, libc::PROT_READ | libc::PROT_WRITE) } != 0 {
            // SAFETY: unmapping exactly what we mapped.
            unsafe { libc::munmap(base.cast(), map_len) };
            return Err(err(Status::OutOfMemory, "mprotect of secure buffer failed"));
        }
        #[cfg(any(target_os = "linux", target_os = "android"))]
        // SAFETY: advisory call on our own mapping; failure is harmless and ignored.
        unsafe {
            libc::madvise(data.cast(), data_pages, libc::MADV_DONTDUMP);
        }
        // SAFETY: locking our own readable/writable range.
        let locked = unsafe { libc::mlock(data.cast(), data_pages) } == 0;
        let buf = SecureBuffer { base, map_len, data, data_pages, len, locked };
        if !locked {
            LOCK_FAILURES.fetch_add(1, Ordering::Relaxed);
            if crate::policy::require_mlock() {
                return Err(err(Status::MlockFailed, "mlock failed (RLIMIT_MEMLOCK?) and policy require_mlock is on"));
            }
        }
        Ok(buf)
    }

    /// A secure copy of `bytes`.
    pub fn from_slice(bytes: &[u8]) -> Result<Self> {
        let mut b = Self::new(bytes.len())?;
        b.as_mut_slice().copy_from_slice(bytes);
        Ok(b)
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether the pages are locked in RAM (false if `mlock` failed).
    pub fn is_locked(&self) -> bool {
        self.locked
    }

    pub fn as_slice(&self) -> &[u8] {
        // SAFETY: `data` is valid for `len <= data_pages` readable bytes for the life of self.
        unsafe { std::slice::from_raw_parts(self.data, self.len) }
    }

    pub fn as_mut_slice(&mut self) -> &mut [u8] {
        // SAFETY: as in `as_slice`, and `&mut self` guarantees exclusivity.
        unsafe { std::slice::from_raw_parts_mut(self.data, self.len) }
    }

    pub fn as_ptr(&self) -> *const u8 {
        self.data
    }

    pub fn as_mut_ptr(&mut self) -> *mut u8 {
        self.data
    }
}

impl Drop for SecureBuffer {
    fn drop(&mut self) {
        // SAFETY: the whole data range is ours and writable.
        let all = unsafe { std::slice::from_raw_parts_mut(self.data, self.data_pages) };
        zeroize::Zeroize::zeroize(all);
        // SAFETY: unlocking/unmapping exactly the ranges we locked/mapped.
        unsafe {
            if self.locked {
                libc::munlock(self.data.cast(), self.data_pages);
            }
            libc::munmap(self.base.cast(), self.map_len);
        }
    }
}

impl std::fmt::Debug for SecureBuffer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecureBuffer {{ len: {}, locked: {}, contents: <redacted> }}", self.len, self.locked)
    }
}
