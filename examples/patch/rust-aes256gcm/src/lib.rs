//! A hot-patch module in Rust: an AES-256-GCM kernel for the op `aead.aes-256-gcm` built on
//! RustCrypto's `aes-gcm` (a different implementation from xpscrypto's own fused kernels).
//!
//! The `#[repr(C)]` types below mirror `include/xpscrypto_kernel.h` (what a module author would
//! get from bindgen on that header). The module counts the seals and opens it performs
//! (`xps_aes256gcm_patch_uses`) so a demo or a test can see calls run on it — key handles
//! created before the patch included.
//!
//! Build: `cargo build --release -p xps-patch-aes256gcm` → `libxps_patch_aes256gcm.so`.

use aes_gcm::aead::inout::InOutBuf;
use aes_gcm::aead::{Nonce, Tag};
use aes_gcm::{AeadInOut, Aes256Gcm, KeyInit};
use std::ffi::{c_char, c_void};
use std::sync::atomic::{AtomicU64, Ordering};

const XPS_KERNEL_ABI_VERSION: u32 = 3;
const XPS_KERNEL_KIND_AEAD: u32 = 2;
const SCHED_BYTES: usize = 4096;

#[repr(C)]
pub struct KernelDesc {
    name: *const c_char,
    requires: u64,
    constant_time: bool,
    priority: i32,
}
#[repr(C, align(64))]
pub struct AeadSchedule([u8; SCHED_BYTES]);

type SetupFn = unsafe extern "C" fn(*mut AeadSchedule, *const u8, usize) -> i32;
type SealFn = unsafe extern "C" fn(*const AeadSchedule, *const u8, usize, *const u8, usize, *const u8, *mut u8, usize, *mut u8);
type OpenFn = unsafe extern "C" fn(*const AeadSchedule, *const u8, usize, *const u8, usize, *const u8, *mut u8, usize, *const u8) -> i32;

#[repr(C)]
pub struct AeadKernel {
    desc: *const KernelDesc,
    sched_size: usize,
    setup: SetupFn,
    seal: SealFn,
    open: OpenFn,
}
#[repr(C)]
pub struct PatchKernel {
    op: *const c_char,
    kind: u32,
    kernel: *const c_void,
}
#[repr(C)]
pub struct PatchModule {
    abi_version: u32,
    kernel_count: u32,
    kernels: *const PatchKernel,
}

// SAFETY: the tables below are immutable statics pointing to other statics.
unsafe impl Sync for KernelDesc {}
// SAFETY: as above.
unsafe impl Sync for AeadKernel {}
// SAFETY: as above.
unsafe impl Sync for PatchKernel {}
// SAFETY: as above.
unsafe impl Sync for PatchModule {}

/// Seals and opens performed by this module (read by demos and tests through `dlsym`).
#[no_mangle]
pub static xps_aes256gcm_patch_uses: AtomicU64 = AtomicU64::new(0);

thread_local! {
    static THREAD_USES: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Seals and opens performed by this module on the calling thread.
#[no_mangle]
pub extern "C" fn xps_aes256gcm_patch_thread_uses() -> u64 {
    THREAD_USES.with(|c| c.get())
}

fn mark_use() {
    xps_aes256gcm_patch_uses.fetch_add(1, Ordering::Relaxed);
    THREAD_USES.with(|c| c.set(c.get() + 1));
}

// The expanded key lives inside the library-owned blob (plain data: no heap, no pointers).
const _: () = assert!(std::mem::size_of::<Aes256Gcm>() <= SCHED_BYTES && std::mem::align_of::<Aes256Gcm>() <= 64);

unsafe extern "C" fn setup(sched: *mut AeadSchedule, key: *const u8, key_len: usize) -> i32 {
    // SAFETY: the library passes a valid key of `key_len` (validated: 32) bytes.
    let key = unsafe { std::slice::from_raw_parts(key, key_len) };
    match Aes256Gcm::new_from_slice(key) {
        Ok(c) => {
            // SAFETY: the blob is 64-byte aligned and large enough (checked at compile time).
            unsafe { sched.cast::<Aes256Gcm>().write(c) };
            0
        }
        Err(_) => 1,
    }
}

/// # Safety
/// `sched` was initialized by `setup`.
unsafe fn cipher<'a>(sched: *const AeadSchedule) -> &'a Aes256Gcm {
    // SAFETY: guaranteed by the caller.
    unsafe { &*sched.cast::<Aes256Gcm>() }
}

unsafe extern "C" fn seal(
    sched: *const AeadSchedule,
    nonce: *const u8,
    nonce_len: usize,
    aad: *const u8,
    aad_len: usize,
    input: *const u8,
    output: *mut u8,
    len: usize,
    tag: *mut u8,
) {
    mark_use();
    // SAFETY: the kernel ABI guarantees valid ranges (nonce 12 bytes, aad, input/output `len`
    // bytes, output equal to input or disjoint, tag 16 bytes); NULL only with length 0.
    unsafe {
        let Ok(n) = <&Nonce<Aes256Gcm>>::try_from(slice(nonce, nonce_len)) else { return };
        let buf = InOutBuf::from_raw(if len == 0 { output } else { input }, output, len);
        if let Ok(t) = cipher(sched).encrypt_inout_detached(n, slice(aad, aad_len), buf) {
            std::ptr::copy_nonoverlapping(t.as_ptr(), tag, 16);
        }
    }
}

unsafe extern "C" fn open(
    sched: *const AeadSchedule,
    nonce: *const u8,
    nonce_len: usize,
    aad: *const u8,
    aad_len: usize,
    ct: *const u8,
    output: *mut u8,
    len: usize,
    tag: *const u8,
) -> i32 {
    mark_use();
    // SAFETY: as in `seal`; aes-gcm checks the tag (constant time) before writing any output.
    unsafe {
        let (Ok(n), Ok(t)) = (<&Nonce<Aes256Gcm>>::try_from(slice(nonce, nonce_len)), <&Tag<Aes256Gcm>>::try_from(slice(tag, 16))) else {
            return 1;
        };
        let buf = InOutBuf::from_raw(if len == 0 { output } else { ct }, output, len);
        match cipher(sched).decrypt_inout_detached(n, slice(aad, aad_len), buf, t) {
            Ok(()) => 0,
            Err(_) => 1,
        }
    }
}

/// # Safety
/// `p` is valid for `len` bytes, or `len == 0`.
unsafe fn slice<'a>(p: *const u8, len: usize) -> &'a [u8] {
    if len == 0 {
        &[]
    } else {
        // SAFETY: guaranteed by the caller.
        unsafe { std::slice::from_raw_parts(p, len) }
    }
}

static DESC: KernelDesc = KernelDesc { name: c"aes-256-gcm/rustcrypto-aes-gcm".as_ptr(), requires: 0, constant_time: true, priority: 0 };
static KERNEL: AeadKernel = AeadKernel { desc: &DESC, sched_size: std::mem::size_of::<Aes256Gcm>(), setup, seal, open };
static KERNELS: [PatchKernel; 1] =
    [PatchKernel { op: c"aead.aes-256-gcm".as_ptr(), kind: XPS_KERNEL_KIND_AEAD, kernel: (&raw const KERNEL).cast() }];
static MODULE: PatchModule = PatchModule { abi_version: XPS_KERNEL_ABI_VERSION, kernel_count: 1, kernels: KERNELS.as_ptr() };

/// The entry point the library looks up.
#[no_mangle]
pub extern "C" fn xps_kernel_module() -> *const PatchModule {
    &MODULE
}
