//! Loading a verified payload: the bytes already checked against the manifest digest are copied
//! into a sealed memfd and `dlopen`ed through `/proc/self/fd/N` — never re-read from a path — and
//! the module's descriptors are validated and turned into dispatch candidates.
//!
//! Modules (and their memfds) stay loaded for the life of the process (kernels, descriptors and names they point to
//! must outlive every table that may reference them). The same payload (same SHA-256) is loaded
//! once and reused, so re-applying a patch after a rollback maps nothing new.

use super::{fail, PatchFailure, Step};
use crate::dispatch::abi::*;
use crate::dispatch::{self, Candidate};
use std::collections::HashMap;
use std::ffi::{c_void, CStr, CString};
use std::sync::Mutex;

/// A loaded module handle (dlopen), kept forever.
#[derive(Clone, Copy)]
pub(crate) struct Module {
    handle: usize,
}

impl Module {
    /// Address of an exported symbol of the module, if present (tests use it to read counters).
    pub(crate) fn symbol(&self, name: &str) -> Option<*mut c_void> {
        let c = CString::new(name).ok()?;
        // SAFETY: `handle` came from a successful dlopen and is never closed; `c` is NUL-terminated.
        let p = unsafe { libc::dlsym(self.handle as *mut c_void, c.as_ptr()) };
        (!p.is_null()).then_some(p)
    }
}

static LOADED: Mutex<Option<HashMap<[u8; 32], Module>>> = Mutex::new(None);

fn dl_error() -> String {
    // SAFETY: dlerror returns NULL or a NUL-terminated thread-local string.
    let e = unsafe { libc::dlerror() };
    if e.is_null() {
        "unknown dlopen error".into()
    } else {
        // SAFETY: non-NULL, NUL-terminated (see above).
        unsafe { CStr::from_ptr(e) }.to_string_lossy().chars().take(300).collect()
    }
}

/// Loads `payload` (whose SHA-256 is `digest`, verified by the caller) from memory.
pub(crate) fn load(payload: &[u8], digest: &[u8; 32]) -> Result<Module, PatchFailure> {
    let mut cache = LOADED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(m) = cache.get_or_insert_with(HashMap::new).get(digest) {
        return Ok(*m);
    }
    if payload.len() < 64 || &payload[..4] != b"\x7fELF" {
        return Err(fail(Step::Load, "payload is not a shared library (no ELF header)"));
    }
    let m = load_memfd(payload)?;
    let cache = cache.get_or_insert_with(HashMap::new);
    if cache.values().any(|o| o.handle == m.handle) {
        return Err(fail(Step::Load, "the dynamic loader returned a module loaded earlier for other bytes"));
    }
    cache.insert(*digest, m);
    Ok(m)
}

#[cfg(target_os = "linux")]
fn load_memfd(payload: &[u8]) -> Result<Module, PatchFailure> {
    use std::io::Write;
    use std::os::fd::{AsRawFd, FromRawFd};
    // SAFETY: static NUL-terminated name; flags are valid memfd_create flags.
    let fd = unsafe { libc::memfd_create(c"xps-patch".as_ptr(), libc::MFD_CLOEXEC | libc::MFD_ALLOW_SEALING) };
    if fd < 0 {
        return Err(fail(Step::Load, format!("memfd_create failed: {}", std::io::Error::last_os_error())));
    }
    // SAFETY: `fd` is a fresh descriptor we own; the File closes it.
    let mut f = unsafe { std::fs::File::from_raw_fd(fd) };
    f.write_all(payload).map_err(|e| fail(Step::Load, format!("writing the memfd failed: {e}")))?;
    // Seal it: nothing can change the verified bytes between here and the mapping.
    let seals = libc::F_SEAL_WRITE | libc::F_SEAL_GROW | libc::F_SEAL_SHRINK | libc::F_SEAL_SEAL;
    // SAFETY: fcntl on our own descriptor with valid arguments.
    if unsafe { libc::fcntl(f.as_raw_fd(), libc::F_ADD_SEALS, seals) } != 0 {
        return Err(fail(Step::Load, format!("sealing the memfd failed: {}", std::io::Error::last_os_error())));
    }
    let path = CString::new(format!("/proc/self/fd/{}", f.as_raw_fd())).map_err(|_| fail(Step::Load, "fd path"))?;
    // SAFETY: dlopen of a NUL-terminated path; the bytes behind it were verified by the caller
    // (signatures, digest, policy) — running the module's initializers is the trust decision.
    let h = unsafe { libc::dlopen(path.as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL) };
    if h.is_null() {
        return Err(fail(Step::Load, format!("dlopen refused the payload: {}", dl_error())));
    }
    // The dynamic loader recognizes an already-loaded object by its path string first, so a
    // later memfd reusing this descriptor number would be "found" as this module. Keeping the
    // descriptor open for the life of the process (like the module itself) keeps every path unique.
    std::mem::forget(f);
    Ok(Module { handle: h as usize })
}

#[cfg(not(target_os = "linux"))]
fn load_memfd(_payload: &[u8]) -> Result<Module, PatchFailure> {
    Err(fail(Step::Load, "hot-patch loading needs memfd (Linux); not supported on this OS"))
}

/// Raw mirrors of the kernel structs with nullable function pointers, so a module's NULLs are
/// detected instead of becoming undefined behaviour (`Option<fn>` has the layout of a pointer).
#[repr(C)]
struct RawHash {
    desc: *const KernelDesc,
    state_size: usize,
    init: Option<HashInitFn>,
    update: Option<HashUpdateFn>,
    finalize: Option<HashFinalFn>,
    oneshot: Option<HashOneshotFn>,
    compress: Option<HashCompressFn>,
}
#[repr(C)]
struct RawAead {
    desc: *const KernelDesc,
    sched_size: usize,
    setup: Option<AeadSetupFn>,
    seal: Option<AeadSealFn>,
    open: Option<AeadOpenFn>,
}
#[repr(C)]
struct RawArgon2 {
    desc: *const KernelDesc,
    run: Option<Argon2idFn>,
}
#[repr(C)]
struct RawSign {
    desc: *const KernelDesc,
    pk_len: usize,
    sk_len: usize,
    sig_len: usize,
    seed_len: usize,
    max_ctx_len: usize,
    caps: u32,
    keypair: Option<SignKeypairFn>,
    public_from_secret: Option<SignPublicFn>,
    sign: Option<SignFn>,
    verify: Option<VerifyFn>,
}
#[repr(C)]
struct RawKem {
    desc: *const KernelDesc,
    pk_len: usize,
    sk_len: usize,
    ct_len: usize,
    ss_len: usize,
    seed_len: usize,
    enc_seed_len: usize,
    caps: u32,
    keypair: Option<KemKeypairFn>,
    encaps: Option<KemEncapsFn>,
    decaps: Option<KemDecapsFn>,
}

fn abi(msg: impl Into<String>) -> PatchFailure {
    fail(Step::Abi, msg.into())
}

/// A C string of the module: non-NULL, at most 64 bytes, printable ASCII.
///
/// # Safety
/// `p` is NULL or points into the loaded module's memory.
unsafe fn module_str(p: *const std::ffi::c_char, what: &str) -> Result<&'static str, PatchFailure> {
    if p.is_null() {
        return Err(abi(format!("{what} is NULL")));
    }
    // SAFETY: the module promises NUL-terminated static strings; we read at most until the NUL.
    let s = unsafe { CStr::from_ptr(p) }.to_str().map_err(|_| abi(format!("{what} is not UTF-8")))?;
    if s.is_empty() || s.len() > 64 || !s.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(abi(format!("{what} must be 1-64 printable ASCII characters")));
    }
    Ok(s)
}

/// Reads the module's descriptors and checks them against the manifest's ops and the built-in
/// kernels' shapes. Returns (op index, candidate) per kernel.
pub(crate) fn kernels(m: &Module, manifest_ops: &[String]) -> Result<Vec<(usize, Candidate)>, PatchFailure> {
    let entry = m
        .symbol(PATCH_ENTRY_SYMBOL)
        .ok_or_else(|| fail(Step::Load, format!("the module does not export {PATCH_ENTRY_SYMBOL}")))?;
    // SAFETY: the symbol is the module's entry point, whose type is fixed by the kernel ABI.
    let entry: PatchEntryFn = unsafe { std::mem::transmute::<*mut c_void, PatchEntryFn>(entry) };
    // SAFETY: calling the verified module's entry point (no arguments).
    let pm = unsafe { entry() };
    if pm.is_null() {
        return Err(abi("entry point returned NULL"));
    }
    // SAFETY: non-NULL pointer to the module's static descriptor table.
    let pm = unsafe { &*pm };
    if pm.abi_version != KERNEL_ABI_VERSION {
        return Err(abi(format!("module kernel ABI version {} differs from the library's {KERNEL_ABI_VERSION}", pm.abi_version)));
    }
    let n = pm.kernel_count as usize;
    if n == 0 || n > 64 || pm.kernels.is_null() {
        return Err(abi(format!("module lists {n} kernels (1 to 64 required)")));
    }
    // SAFETY: the module declares `n` entries at `kernels` (non-NULL, checked above).
    let entries = unsafe { std::slice::from_raw_parts(pm.kernels, n) };
    let ops = dispatch::ops();
    let mut out: Vec<(usize, Candidate)> = Vec::with_capacity(n);
    for e in entries {
        // SAFETY: strings of the loaded module.
        let op = unsafe { module_str(e.op, "kernel op name") }?;
        let i = dispatch::op_index(op).ok_or_else(|| abi(format!("module names unknown op {op:?}")))?;
        if !manifest_ops.iter().any(|o| o == op) {
            return Err(abi(format!("module provides op {op}, which the manifest does not list")));
        }
        if out.iter().any(|(j, _)| *j == i) {
            return Err(abi(format!("module provides op {op} twice")));
        }
        if e.kernel.is_null() {
            return Err(abi(format!("kernel of {op} is NULL")));
        }
        let portable = ops[i].candidates[0];
        let c = match (portable, e.kind) {
            // Each arm reads `kernel` once as the raw mirror of the struct `kind` names (nullable
            // pointers), then validates it field by field.
            (Candidate::Hash(p), KERNEL_KIND_HASH) => {
                // SAFETY: `kind` names the struct `kernel` points to, in module memory that stays mapped.
                let r = unsafe { &*e.kernel.cast::<RawHash>() };
                let (Some(init), Some(update), Some(finalize)) = (r.init, r.update, r.finalize) else {
                    return Err(abi(format!("{op}: init/update/finalize must be non-NULL")));
                };
                if r.state_size == 0 || r.state_size > HASH_STATE_BYTES {
                    return Err(abi(format!("{op}: state_size {} not in 1..={HASH_STATE_BYTES}", r.state_size)));
                }
                if r.compress.is_some() && p.compress.is_none() {
                    return Err(abi(format!("{op}: this op has no compression entry; compress must be NULL")));
                }
                // SAFETY: a descriptor pointer of the loaded module (NULL is checked inside).
                let desc = unsafe { desc(r.desc, op) }?;
                Candidate::Hash(HashKernel { desc, state_size: r.state_size, init, update, finalize, oneshot: r.oneshot, compress: r.compress })
            }
            (Candidate::Aead(_), KERNEL_KIND_AEAD) => {
                // SAFETY: `kind` names the struct `kernel` points to, in module memory that stays mapped.
                let r = unsafe { &*e.kernel.cast::<RawAead>() };
                let (Some(setup), Some(seal), Some(open)) = (r.setup, r.seal, r.open) else {
                    return Err(abi(format!("{op}: setup/seal/open must be non-NULL")));
                };
                if r.sched_size == 0 || r.sched_size > AEAD_SCHED_BYTES {
                    return Err(abi(format!("{op}: sched_size {} not in 1..={AEAD_SCHED_BYTES}", r.sched_size)));
                }
                // SAFETY: a descriptor pointer of the loaded module (NULL is checked inside).
                let desc = unsafe { desc(r.desc, op) }?;
                Candidate::Aead(AeadKernel { desc, sched_size: r.sched_size, setup, seal, open })
            }
            (Candidate::Argon2(_), KERNEL_KIND_ARGON2ID) => {
                // SAFETY: `kind` names the struct `kernel` points to, in module memory that stays mapped.
                let r = unsafe { &*e.kernel.cast::<RawArgon2>() };
                let Some(run) = r.run else { return Err(abi(format!("{op}: run must be non-NULL"))) };
                // SAFETY: a descriptor pointer of the loaded module (NULL is checked inside).
                let desc = unsafe { desc(r.desc, op) }?;
                Candidate::Argon2(Argon2Kernel { desc, run })
            }
            (Candidate::Sign(p), KERNEL_KIND_SIGN) => {
                // SAFETY: `kind` names the struct `kernel` points to, in module memory that stays mapped.
                let r = unsafe { &*e.kernel.cast::<RawSign>() };
                let (Some(keypair), Some(public_from_secret), Some(sign), Some(verify)) = (r.keypair, r.public_from_secret, r.sign, r.verify) else {
                    return Err(abi(format!("{op}: keypair/public_from_secret/sign/verify must be non-NULL")));
                };
                if (r.pk_len, r.sk_len, r.sig_len, r.max_ctx_len) != (p.pk_len, p.sk_len, p.sig_len, p.max_ctx_len)
                    || (r.seed_len != p.seed_len && r.seed_len != 0)
                    || r.caps & !p.caps != 0
                {
                    return Err(abi(format!("{op}: sizes or capabilities differ from the op's definition")));
                }
                // SAFETY: a descriptor pointer of the loaded module (NULL is checked inside).
                let desc = unsafe { desc(r.desc, op) }?;
                Candidate::Sign(SignKernel {
                    desc,
                    pk_len: r.pk_len,
                    sk_len: r.sk_len,
                    sig_len: r.sig_len,
                    seed_len: r.seed_len,
                    max_ctx_len: r.max_ctx_len,
                    caps: r.caps,
                    keypair,
                    public_from_secret,
                    sign,
                    verify,
                })
            }
            (Candidate::Kem(p), KERNEL_KIND_KEM) => {
                // SAFETY: `kind` names the struct `kernel` points to, in module memory that stays mapped.
                let r = unsafe { &*e.kernel.cast::<RawKem>() };
                let (Some(keypair), Some(encaps), Some(decaps)) = (r.keypair, r.encaps, r.decaps) else {
                    return Err(abi(format!("{op}: keypair/encaps/decaps must be non-NULL")));
                };
                if (r.pk_len, r.sk_len, r.ct_len, r.ss_len) != (p.pk_len, p.sk_len, p.ct_len, p.ss_len)
                    || (r.seed_len != p.seed_len && r.seed_len != 0)
                    || (r.enc_seed_len != p.enc_seed_len && r.enc_seed_len != 0)
                    || r.caps & !p.caps != 0
                {
                    return Err(abi(format!("{op}: sizes or capabilities differ from the op's definition")));
                }
                // SAFETY: a descriptor pointer of the loaded module (NULL is checked inside).
                let desc = unsafe { desc(r.desc, op) }?;
                Candidate::Kem(KemKernel {
                    desc,
                    pk_len: r.pk_len,
                    sk_len: r.sk_len,
                    ct_len: r.ct_len,
                    ss_len: r.ss_len,
                    seed_len: r.seed_len,
                    enc_seed_len: r.enc_seed_len,
                    caps: r.caps,
                    keypair,
                    encaps,
                    decaps,
                })
            }
            (_, k) => return Err(abi(format!("{op}: kernel kind {k} does not match the op"))),
        };
        let name = c.desc().name();
        if ops[i].candidates.iter().any(|b| b.desc().name() == name) {
            return Err(abi(format!("{op}: kernel name {name} is already taken by a built-in kernel")));
        }
        out.push((i, c));
    }
    if let Some(missing) = manifest_ops.iter().find(|o| !out.iter().any(|(i, _)| ops[*i].name == o.as_str())) {
        return Err(abi(format!("manifest lists op {missing}, which the module does not provide")));
    }
    Ok(out)
}

/// A module descriptor as `&'static` (the module is never unloaded), with its name checked.
///
/// # Safety
/// `p` is NULL or points into the loaded module's memory.
unsafe fn desc(p: *const KernelDesc, op: &str) -> Result<&'static KernelDesc, PatchFailure> {
    if p.is_null() {
        return Err(abi(format!("{op}: descriptor is NULL")));
    }
    // SAFETY: non-NULL pointer into a module that stays mapped for the life of the process.
    let d: &'static KernelDesc = unsafe { &*p };
    // SAFETY: as above.
    unsafe { module_str(d.name, "kernel name") }?;
    let known: u64 = crate::cpu::FEATURES.iter().fold(0, |a, (b, _)| a | b);
    if d.requires & !known != 0 {
        return Err(abi(format!("{op}: kernel requires unknown CPU feature bits {:#x}", d.requires & !known)));
    }
    Ok(d)
}
