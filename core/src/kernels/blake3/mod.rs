//! BLAKE3: `portable` (ours, scalar, from the spec) and `simd` (the `blake3` crate, which picks
//! SSE4.1/AVX2/AVX-512/NEON itself at run time); on x86-64 with AVX-512, `avx512` is `simd`
//! with plain one-shots of at most `SHORT_CUTOFF` (512) bytes through our own compression
//! (`x86_short.rs`), and streams that end within `x86_stream::BUF` (256) bytes too
//! (`x86_stream.rs`).
//! Modes: plain, keyed (32-byte key), derive-key (context string, validated as UTF-8 by the safe
//! API before it gets here).

pub mod portable;
#[cfg(target_arch = "x86_64")]
pub mod x86_short;
#[cfg(target_arch = "x86_64")]
mod x86_stream;

/// How many leading bytes of `kernel`'s state `st` a wipe must cover: for this file's AVX-512
/// kernel, what its stream wrote (`x86_stream::in_use`); for any other kernel (a hot-patched one
/// too), its whole `state_size`.
///
/// # Safety
/// `st` holds a state set up by `kernel.init`.
#[inline]
pub(crate) unsafe fn state_in_use(kernel: &HashKernel, st: *const HashState) -> usize {
    #[cfg(target_arch = "x86_64")]
    if std::ptr::eq(kernel.desc, &AVX512) {
        // SAFETY: the AVX-512 kernel's state is a `Stream` (caller contract).
        return unsafe { x86_stream::in_use(st) };
    }
    let _ = st;
    kernel.state_size
}

/// The state size of the one kernel whose wipe covers less than its whole state: the bytes it
/// never wrote stay as the blob had them (`hash` asserts this is a blob that starts zeroed).
#[cfg(target_arch = "x86_64")]
pub(crate) const PARTIAL_WIPE_STATE: usize = fits::<x86_stream::Stream>();

use crate::dispatch::abi::{slice, slice_mut, HashKernel, HashState, KernelDesc, HASH_MODE_DERIVE_KEY, HASH_MODE_KEYED};
use crate::kernels::state::fits;

trait Blake3: Sized {
    fn plain() -> Self;
    fn keyed(key: &[u8; 32]) -> Self;
    fn derive(context: &str) -> Self;
    fn absorb(&mut self, data: &[u8]);
    fn squeeze(&self, out: &mut [u8]);
}

impl Blake3 for portable::Hasher {
    fn plain() -> Self {
        Self::new()
    }
    fn keyed(key: &[u8; 32]) -> Self {
        Self::new_keyed(key)
    }
    fn derive(context: &str) -> Self {
        Self::new_derive_key(context.as_bytes())
    }
    fn absorb(&mut self, data: &[u8]) {
        self.update(data);
    }
    fn squeeze(&self, out: &mut [u8]) {
        self.finalize_xof(out)
    }
}

impl Blake3 for blake3::Hasher {
    fn plain() -> Self {
        Self::new()
    }
    fn keyed(key: &[u8; 32]) -> Self {
        Self::new_keyed(key)
    }
    fn derive(context: &str) -> Self {
        Self::new_derive_key(context)
    }
    fn absorb(&mut self, data: &[u8]) {
        self.update(data);
    }
    fn squeeze(&self, out: &mut [u8]) {
        // The default length through `finalize`: its compression writes the 32 bytes in place;
        // the XOF reader computes a 64-byte block and copies out of it (a 64-byte stream: 49 of
        // its 140 ns were that).
        match <&mut [u8; blake3::OUT_LEN]>::try_from(&mut *out) {
            Ok(o) => *o = *self.finalize().as_bytes(),
            Err(_) => self.finalize_xof().fill(out),
        }
    }
}

unsafe extern "C" fn init<T: Blake3>(st: *mut HashState, key: *const u8, key_len: usize, mode: u32) {
    // SAFETY: `key` is valid for `key_len` bytes (caller contract).
    let key = unsafe { slice(key, key_len) };
    let st = st.cast::<T>();
    // SAFETY: `st` is valid for a `T` (`fits::<T>()` checked size and alignment). One write per
    // arm, so that each constructor can build its ~1.9 KiB state in place.
    unsafe {
        match mode {
            HASH_MODE_KEYED => st.write(T::keyed(key.try_into().expect("keyed BLAKE3 key length validated by caller"))),
            HASH_MODE_DERIVE_KEY => st.write(T::derive(std::str::from_utf8(key).expect("context validated as UTF-8 by caller"))),
            _ => st.write(T::plain()),
        }
    }
}

unsafe extern "C" fn update<T: Blake3>(st: *mut HashState, data: *const u8, len: usize) {
    // SAFETY: `st` holds a `T` written by `init`; `data` valid for `len` bytes.
    unsafe { (*st.cast::<T>()).absorb(slice(data, len)) }
}

unsafe extern "C" fn finalize<T: Blake3>(st: *mut HashState, out: *mut u8, out_len: usize) {
    // SAFETY: `st` holds a `T`; `out` is valid for `out_len` bytes.
    unsafe { (*st.cast::<T>()).squeeze(slice_mut(out, out_len)) }
}

/// Plain one-shot through the crate's all-at-once path (no 1.9 KiB state copy). The crate keeps
/// its transient state on its own stack, unwiped; plain hashing takes no key. (The keyed MAC's
/// `keyed_oneshot` does the same on the crate kernels, see there.)
fn crate_oneshot(d: &[u8], o: &mut [u8]) {
    if let Ok(o) = <&mut [u8; blake3::OUT_LEN]>::try_from(&mut *o) {
        *o = *blake3::hash(d).as_bytes();
    } else {
        let mut h = blake3::Hasher::new();
        h.update(d);
        h.finalize_xof().fill(o);
    }
}

unsafe extern "C" fn simd_oneshot(data: *const u8, len: usize, out: *mut u8, out_len: usize) {
    // SAFETY: valid pointer/length pairs (caller contract).
    let (d, o) = unsafe { (slice(data, len), slice_mut(out, out_len)) };
    crate_oneshot(d, o)
}

/// Longest input `avx512_oneshot` gives to `x86_short` (which takes up to a whole chunk).
/// Measured with `abi_cost --time --size N` on an Ice Lake-class Xeon, our BLAKE3 against the
/// `blake3` crate (< 1 = ours faster). With `x86_short`: 0.98 at 64 B, 0.88 at 128 B,
/// 0.955 at 256 B, 0.998 at 512 B, 1.013 at 768 B, 1.014–1.020 at 1 KiB. Through the crate's
/// path: 1.007 at 1 KiB, where its chunk code catches up with the one-block loop.
#[cfg(target_arch = "x86_64")]
const SHORT_CUTOFF: usize = 512;

/// `simd_oneshot` with short, 32-byte-output calls on `x86_short`.
#[cfg(target_arch = "x86_64")]
unsafe extern "C" fn avx512_oneshot(data: *const u8, len: usize, out: *mut u8, out_len: usize) {
    // SAFETY: valid pointer/length pairs (caller contract).
    let (d, o) = unsafe { (slice(data, len), slice_mut(out, out_len)) };
    const { assert!(SHORT_CUTOFF <= x86_short::MAX_LEN) };
    if d.len() <= SHORT_CUTOFF {
        if let Ok(o) = <&mut [u8; 32]>::try_from(&mut *o) {
            // SAFETY: this kernel's `requires` (checked before it can be selected) has the
            // short path's features.
            return unsafe { x86_short::hash(d, o) };
        }
    }
    crate_oneshot(d, o)
}

/// Keyed BLAKE3 (the `blake3-keyed` MAC, 32-byte tag) of `data` on `kernel`, without a streaming
/// state, when `kernel` is one of these candidates: `false` for any other (a hot-patched kernel),
/// whose keyed mode then runs through its streaming entries. The keyed mode has no one-shot
/// entry in the kernel ABI; through the streaming one (a 1.9 KiB state written, then wiped) the
/// MAC took 4.9× the time of `blake3::keyed_hash` at 64 bytes.
///
/// Secret hygiene: on the crate kernels, `blake3::keyed_hash` leaves the key words (its initial
/// chaining value) and chunk chaining values in its own stack frames, unwiped, as the streaming
/// path already did for its chaining values (SECURITY.md); our portable state is wiped here, and
/// the AVX-512 path keeps them in registers.
pub(crate) fn keyed_oneshot(kernel: &HashKernel, key: &[u8; 32], data: &[u8], out: &mut [u8; 32]) -> bool {
    #[cfg(target_arch = "x86_64")]
    if std::ptr::eq(kernel.desc, &AVX512) && data.len() <= SHORT_CUTOFF {
        // SAFETY: this kernel's `requires` (checked before it can be selected) has the short
        // path's features.
        unsafe { x86_short::keyed_hash(key, data, out) };
        return true;
    }
    #[cfg(target_arch = "x86_64")]
    let on_crate = std::ptr::eq(kernel.desc, &SIMD) || std::ptr::eq(kernel.desc, &AVX512);
    #[cfg(not(target_arch = "x86_64"))]
    let on_crate = std::ptr::eq(kernel.desc, &SIMD);
    if on_crate {
        *out = *blake3::keyed_hash(key, data).as_bytes();
    } else if std::ptr::eq(kernel.desc, &PORTABLE) {
        let mut h = portable::Hasher::new_keyed(key);
        h.update(data);
        h.finalize_xof(out);
        // SAFETY: `h` is our own plain-data value, not used again; its bytes hold key material.
        unsafe { crate::secure::ct::wipe_raw((&raw mut h).cast::<u8>(), std::mem::size_of_val(&h)) };
    } else {
        return false;
    }
    true
}

const SIMD_REQUIRES: u64 = if cfg!(target_arch = "x86_64") {
    crate::cpu::bits::SSE41
} else if cfg!(target_arch = "aarch64") {
    crate::cpu::bits::NEON
} else {
    0
};

static PORTABLE: KernelDesc = KernelDesc { name: c"blake3/portable".as_ptr(), requires: 0, constant_time: true, priority: 0 };
static SIMD: KernelDesc = KernelDesc { name: c"blake3/simd".as_ptr(), requires: SIMD_REQUIRES, constant_time: true, priority: 10 };
#[cfg(target_arch = "x86_64")]
static AVX512: KernelDesc = KernelDesc {
    name: c"blake3/avx512".as_ptr(),
    // AVX and AVX2 too: `x86_short` uses 256-bit AVX2 instructions, and a feature mask that
    // drops them must keep this kernel out.
    requires: crate::cpu::bits::SSE41
        | crate::cpu::bits::AVX
        | crate::cpu::bits::AVX2
        | crate::cpu::bits::AVX512F
        | crate::cpu::bits::AVX512VL
        | crate::cpu::bits::AVX512BW,
    constant_time: true,
    priority: 20,
};

#[cfg(target_arch = "x86_64")]
const N: usize = 3;
#[cfg(not(target_arch = "x86_64"))]
const N: usize = 2;

pub static CANDIDATES: [HashKernel; N] = [
    HashKernel {
        desc: &PORTABLE,
        state_size: fits::<portable::Hasher>(),
        init: init::<portable::Hasher>,
        update: update::<portable::Hasher>,
        finalize: finalize::<portable::Hasher>,
        oneshot: None,
        compress: None,
    },
    HashKernel {
        desc: &SIMD,
        state_size: fits::<blake3::Hasher>(),
        init: init::<blake3::Hasher>,
        update: update::<blake3::Hasher>,
        finalize: finalize::<blake3::Hasher>,
        oneshot: Some(simd_oneshot),
        compress: None,
    },
    // Short streams and one-shots on `x86_short`, longer ones on the crate (which picks AVX-512
    // itself).
    #[cfg(target_arch = "x86_64")]
    HashKernel {
        desc: &AVX512,
        state_size: fits::<x86_stream::Stream>(),
        init: x86_stream::init,
        update: x86_stream::update,
        finalize: x86_stream::finalize,
        oneshot: Some(avx512_oneshot),
        compress: None,
    },
];
