//! The kernel ABI: `#[repr(C)]` function-pointer types and descriptors shared by every kernel
//! (built-in today, hot-patch modules later). Kernels receive validated lengths: the safe API in
//! `hash`/`mac`/`aead`/`kdf` checks every length before calling one.

use std::ffi::c_char;

/// Bumped whenever a type in this file changes shape. `include/xpscrypto_kernel.h` mirrors this
/// file for patch modules written in C; `core/tests/kernel_abi.rs` checks the two agree.
pub const KERNEL_ABI_VERSION: u32 = 3;

/// Opaque, kernel-owned streaming state. A kernel's state must be plain data (no heap, no
/// self-pointers): the library copies it bytewise (`state_size` bytes) to clone a stream and wipes it
/// with zeros when the stream ends. A heap stream gets exactly `state_size` bytes, 64-byte
/// aligned (the type's full size is only the upper bound, and what stack streams reserve).
pub const HASH_STATE_BYTES: usize = 2304;
#[repr(C, align(64))]
pub struct HashState(pub [u8; HASH_STATE_BYTES]);

/// Opaque, kernel-owned expanded AEAD key (plain data, wiped by the library).
pub const AEAD_SCHED_BYTES: usize = 4096;
#[repr(C, align(64))]
pub struct AeadSchedule(pub [u8; AEAD_SCHED_BYTES]);

/// What a kernel is: its name (`op-family/variant`), the CPU features it needs, whether it claims
/// constant-time behaviour, and its priority (higher wins among available candidates).
#[repr(C)]
pub struct KernelDesc {
    pub name: *const c_char,
    pub requires: u64,
    pub constant_time: bool,
    pub priority: i32,
}
// SAFETY: `name` points to a static NUL-terminated string literal; descriptors are immutable.
unsafe impl Sync for KernelDesc {}

impl KernelDesc {
    pub fn name(&self) -> &'static str {
        // SAFETY: every descriptor's `name` is built from a `c"…"` literal (static, NUL-terminated, ASCII).
        unsafe { std::ffi::CStr::from_ptr(self.name) }.to_str().unwrap_or("?")
    }
}

/// Hash/XOF/one-time-MAC kernel. `init` modes: 0 plain; 1 keyed (key = 32-byte key);
/// 2 derive-key (key = context string). Plain hashes ignore key and mode.
pub type HashInitFn = unsafe extern "C" fn(st: *mut HashState, key: *const u8, key_len: usize, mode: u32);
pub type HashUpdateFn = unsafe extern "C" fn(st: *mut HashState, data: *const u8, len: usize);
/// Writes `out_len` bytes (the digest length for fixed-output hashes, any length for XOFs) and
/// leaves the state consumed.
pub type HashFinalFn = unsafe extern "C" fn(st: *mut HashState, out: *mut u8, out_len: usize);

/// Optional plain-mode one-shot (no streaming state): `out_len` bytes of `H(data)`, `out_len`
/// being the digest length for fixed-output hashes (as for `HashFinalFn`). Kernels whose
/// state is large (BLAKE3: ~1.9 KiB) provide it so short one-shot hashes skip the state copy/wipe.
pub type HashOneshotFn = unsafe extern "C" fn(data: *const u8, len: usize, out: *mut u8, out_len: usize);

/// Optional compression-function entry of Merkle–Damgård kernels (SHA-256, SHA-384, SHA-512):
/// processes `nblocks` blocks into the 8-word chaining value `cv`. SHA-256: 64-byte blocks,
/// `u32` words. SHA-384/512: 128-byte blocks, `u64` words, `cv` 8-byte aligned (passed as
/// `*mut u32` so one type serves both). Lets HMAC/PBKDF2/HKDF work on chaining values directly
/// (no buffering layer) while still running on the dispatched kernel.
pub type HashCompressFn = unsafe extern "C" fn(cv: *mut u32, blocks: *const u8, nblocks: usize);

pub const HASH_MODE_PLAIN: u32 = 0;
pub const HASH_MODE_KEYED: u32 = 1;
pub const HASH_MODE_DERIVE_KEY: u32 = 2;

#[repr(C)]
#[derive(Clone, Copy)]
pub struct HashKernel {
    pub desc: &'static KernelDesc,
    pub state_size: usize,
    pub init: HashInitFn,
    pub update: HashUpdateFn,
    pub finalize: HashFinalFn,
    pub oneshot: Option<HashOneshotFn>,
    pub compress: Option<HashCompressFn>,
}

/// Expands `key` (length already validated) into `sched`. Returns 0 on success.
pub type AeadSetupFn = unsafe extern "C" fn(sched: *mut AeadSchedule, key: *const u8, key_len: usize) -> i32;
/// Encrypts `len` bytes from `input` to `output` (which may be exactly `input`) and writes the
/// 16-byte tag. Nonce length is validated by the caller.
pub type AeadSealFn = unsafe extern "C" fn(
    sched: *const AeadSchedule,
    nonce: *const u8,
    nonce_len: usize,
    aad: *const u8,
    aad_len: usize,
    input: *const u8,
    output: *mut u8,
    len: usize,
    tag: *mut u8,
);
/// Verifies `tag` in constant time over (nonce, aad, ciphertext) and only then decrypts into
/// `output` (which may be exactly `ct`). Returns 0 on success, non-zero on authentication failure,
/// in which case `output` has not been written.
pub type AeadOpenFn = unsafe extern "C" fn(
    sched: *const AeadSchedule,
    nonce: *const u8,
    nonce_len: usize,
    aad: *const u8,
    aad_len: usize,
    ct: *const u8,
    output: *mut u8,
    len: usize,
    tag: *const u8,
) -> i32;

#[repr(C)]
#[derive(Clone, Copy)]
pub struct AeadKernel {
    pub desc: &'static KernelDesc,
    pub sched_size: usize,
    pub setup: AeadSetupFn,
    pub seal: AeadSealFn,
    pub open: AeadOpenFn,
}

/// Argon2id parameters as passed to a kernel (validated by the caller).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct Argon2Params {
    pub t_cost: u32,
    pub m_cost_kib: u32,
    pub parallelism: u32,
}

/// Returns 0 on success, non-zero if the kernel rejects the parameters or cannot allocate.
pub type Argon2idFn = unsafe extern "C" fn(
    params: *const Argon2Params,
    pwd: *const u8,
    pwd_len: usize,
    salt: *const u8,
    salt_len: usize,
    secret: *const u8,
    secret_len: usize,
    ad: *const u8,
    ad_len: usize,
    out: *mut u8,
    out_len: usize,
) -> i32;

#[repr(C)]
#[derive(Clone, Copy)]
pub struct Argon2Kernel {
    pub desc: &'static KernelDesc,
    pub run: Argon2idFn,
}

// ---------------------------------------------------------------------------------------------
// Public-key kernels (signatures, KEMs). Every entry returns 0 or a status code
// (`Status::code()`, e.g. 114 `InvalidKey`, 202 `BadSignature`), never panics, and writes its
// outputs only on success. The caller has already checked every length against the kernel's
// sizes and every pointer for NULL/overlap; kernels still check key *contents* (encodings,
// FIPS 203 modulus/hash checks, DER) because callers cannot.
// ---------------------------------------------------------------------------------------------

/// `SignKernel::caps` / `KemKernel::caps` bits.
pub const CAP_SEEDED_KEYPAIR: u32 = 1;
/// Signing supports `SIGN_FLAG_DETERMINISTIC` (otherwise signing is deterministic or hedged by
/// the algorithm's definition and the flag is refused by the caller).
pub const CAP_DETERMINISTIC: u32 = 2;
/// Signing/verification take a context string (up to `max_ctx_len` bytes).
pub const CAP_CONTEXT: u32 = 4;
/// KEM encapsulation accepts caller randomness (`enc_seed_len` bytes).
pub const CAP_SEEDED_ENCAPS: u32 = 8;

/// `flags` of [`SignFn`]: deterministic signing (no fresh randomness) where the algorithm allows it.
pub const SIGN_FLAG_DETERMINISTIC: u32 = 1;

/// Key generation. `seed`/`seed_len`: NULL/0 for fresh OS randomness, else exactly `seed_len` of
/// the kernel (caller-checked). Outputs are `(ptr, capacity, *written)`; capacities are at least
/// the kernel's fixed sizes (or, for variable sizes, the kernel reports `BufferTooSmall`).
pub type SignKeypairFn = unsafe extern "C" fn(
    seed: *const u8,
    seed_len: usize,
    pk: *mut u8,
    pk_cap: usize,
    pk_len: *mut usize,
    sk: *mut u8,
    sk_cap: usize,
    sk_len: *mut usize,
) -> i32;
/// Derives the public key from a secret key.
pub type SignPublicFn = unsafe extern "C" fn(sk: *const u8, sk_len: usize, pk: *mut u8, pk_cap: usize, pk_len: *mut usize) -> i32;
/// Signs `msg` under `sk` with an optional context (`ctx_len == 0` when the kernel has no
/// `CAP_CONTEXT`). `flags`: `SIGN_FLAG_DETERMINISTIC`.
pub type SignFn = unsafe extern "C" fn(
    sk: *const u8,
    sk_len: usize,
    msg: *const u8,
    msg_len: usize,
    ctx: *const u8,
    ctx_len: usize,
    flags: u32,
    sig: *mut u8,
    sig_cap: usize,
    sig_len: *mut usize,
) -> i32;
/// 0 if `sig` is a valid signature of `msg` (and `ctx`) under `pk`; `BadSignature` if it is
/// well-formed but does not verify; `InvalidKey` for a malformed public key.
pub type VerifyFn = unsafe extern "C" fn(
    pk: *const u8,
    pk_len: usize,
    msg: *const u8,
    msg_len: usize,
    ctx: *const u8,
    ctx_len: usize,
    sig: *const u8,
    sig_len: usize,
) -> i32;

/// A signature kernel. Sizes in bytes; `pk_len`/`sk_len` 0 = variable (RSA: DER encodings),
/// `sig_len` is exact or, for variable-length signatures (Falcon, RSA), the maximum.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct SignKernel {
    pub desc: &'static KernelDesc,
    pub pk_len: usize,
    pub sk_len: usize,
    pub sig_len: usize,
    /// Length of a key-generation seed; 0 = no seeded key generation.
    pub seed_len: usize,
    pub max_ctx_len: usize,
    pub caps: u32,
    pub keypair: SignKeypairFn,
    pub public_from_secret: SignPublicFn,
    pub sign: SignFn,
    pub verify: VerifyFn,
}

/// KEM key generation into fixed-size `pk` (`pk_len`) and `sk` (`sk_len`) buffers. `seed`:
/// NULL/0 for OS randomness, else `seed_len` bytes (only with `CAP_SEEDED_KEYPAIR`).
pub type KemKeypairFn = unsafe extern "C" fn(seed: *const u8, seed_len: usize, pk: *mut u8, sk: *mut u8) -> i32;
/// Encapsulation to `pk`: ciphertext (`ct_len`) and shared secret (`ss_len`). `seed`: NULL/0 for
/// OS randomness, else `enc_seed_len` bytes (only with `CAP_SEEDED_ENCAPS`). `InvalidKey` when
/// `pk` fails its checks (ML-KEM: FIPS 203 §7.2 modulus check).
pub type KemEncapsFn = unsafe extern "C" fn(pk: *const u8, seed: *const u8, seed_len: usize, ct: *mut u8, ss: *mut u8) -> i32;
/// Decapsulation of `ct` (`ct_len`) under `sk` (`sk_len`) into `ss` (`ss_len`). `InvalidKey` when
/// `sk` fails its checks (ML-KEM: FIPS 203 §7.3 hash check); implicit rejection otherwise.
pub type KemDecapsFn = unsafe extern "C" fn(sk: *const u8, ct: *const u8, ss: *mut u8) -> i32;

/// A KEM / key-agreement kernel (all sizes fixed, in bytes).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct KemKernel {
    pub desc: &'static KernelDesc,
    pub pk_len: usize,
    pub sk_len: usize,
    pub ct_len: usize,
    pub ss_len: usize,
    pub seed_len: usize,
    pub enc_seed_len: usize,
    pub caps: u32,
    pub keypair: KemKeypairFn,
    pub encaps: KemEncapsFn,
    pub decaps: KemDecapsFn,
}

/// Builds a `&'static [u8]` from a kernel-ABI pointer/length pair (NULL allowed when `len == 0`).
///
/// # Safety
/// If `len > 0`, `p` must be valid for reads of `len` bytes for `'a`.
#[inline]
pub unsafe fn slice<'a>(p: *const u8, len: usize) -> &'a [u8] {
    if len == 0 {
        &[]
    } else {
        // SAFETY: guaranteed by the caller (non-empty range valid for reads).
        unsafe { std::slice::from_raw_parts(p, len) }
    }
}

/// Mutable twin of [`slice`].
///
/// # Safety
/// If `len > 0`, `p` must be valid for writes of `len` bytes for `'a` and not aliased.
#[inline]
pub unsafe fn slice_mut<'a>(p: *mut u8, len: usize) -> &'a mut [u8] {
    if len == 0 {
        &mut []
    } else {
        // SAFETY: guaranteed by the caller (non-empty, exclusive range valid for writes).
        unsafe { std::slice::from_raw_parts_mut(p, len) }
    }
}

// ---------------------------------------------------------------------------------------------
// Patch modules (hot-patch): a shared library exporting `xps_kernel_module`, which returns a
// static `PatchModule` listing the kernels it provides. Everything it points to must stay valid
// for the life of the process (the library never unloads a patch module).
// ---------------------------------------------------------------------------------------------

/// Name of the entry point a patch module exports.
pub const PATCH_ENTRY_SYMBOL: &str = "xps_kernel_module";

/// `PatchKernel::kind`: which kernel struct `PatchKernel::kernel` points to.
pub const KERNEL_KIND_HASH: u32 = 1;
pub const KERNEL_KIND_AEAD: u32 = 2;
pub const KERNEL_KIND_ARGON2ID: u32 = 3;
pub const KERNEL_KIND_SIGN: u32 = 4;
pub const KERNEL_KIND_KEM: u32 = 5;

/// One kernel offered by a patch module: the op it implements (`hash.sha256`,
/// `aead.aes-256-gcm`, …), the kind of `kernel`, and a pointer to a static `HashKernel`,
/// `AeadKernel`, `Argon2Kernel`, `SignKernel` or `KemKernel`.
#[repr(C)]
pub struct PatchKernel {
    pub op: *const c_char,
    pub kind: u32,
    pub kernel: *const std::ffi::c_void,
}

/// What the entry point returns.
#[repr(C)]
pub struct PatchModule {
    pub abi_version: u32,
    pub kernel_count: u32,
    pub kernels: *const PatchKernel,
}

/// Type of the exported entry point `xps_kernel_module`.
pub type PatchEntryFn = unsafe extern "C" fn() -> *const PatchModule;
