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
use std::sync::{Arc, Mutex, OnceLock};

/// A loaded module handle (dlopen), kept forever, with its kernels once validated (their
/// descriptors copied into library-owned memory, so identity and contents stay fixed).
#[derive(Clone)]
pub(crate) struct Module {
    handle: usize,
    kernels: Arc<OnceLock<Vec<(usize, Candidate)>>>,
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

/// Loads `payload` (whose SHA-256 is `digest`, verified by the caller; the caller owns these
/// bytes, so they cannot change between the check and here) from memory.
pub(crate) fn load(payload: &[u8], digest: &[u8; 32]) -> Result<Module, PatchFailure> {
    let mut cache = LOADED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(m) = cache.get_or_insert_with(HashMap::new).get(digest) {
        return Ok(m.clone());
    }
    elf::check(payload)?;
    let handle = load_memfd(payload)?;
    let cache = cache.get_or_insert_with(HashMap::new);
    if cache.values().any(|o| o.handle == handle) {
        return Err(fail(Step::Load, "the dynamic loader returned a module loaded earlier for other bytes"));
    }
    let m = Module { handle, kernels: Arc::new(OnceLock::new()) };
    cache.insert(*digest, m.clone());
    Ok(m)
}

#[cfg(target_os = "linux")]
fn load_memfd(payload: &[u8]) -> Result<usize, PatchFailure> {
    use std::io::Write;
    use std::os::fd::{AsRawFd, FromRawFd};
    /// MFD_EXEC (Linux 6.3): needed where `vm.memfd_noexec` defaults memfds to non-executable.
    const MFD_EXEC: libc::c_uint = 0x0010;
    let base = libc::MFD_CLOEXEC | libc::MFD_ALLOW_SEALING;
    // SAFETY: static NUL-terminated name; valid memfd_create flags (older kernels refuse MFD_EXEC
    // with EINVAL, then the call is repeated without it).
    let mut fd = unsafe { libc::memfd_create(c"xps-patch".as_ptr(), base | MFD_EXEC) };
    if fd < 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::EINVAL) {
        // SAFETY: as above.
        fd = unsafe { libc::memfd_create(c"xps-patch".as_ptr(), base) };
    }
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
    Ok(h as usize)
}

#[cfg(not(target_os = "linux"))]
fn load_memfd(_payload: &[u8]) -> Result<usize, PatchFailure> {
    Err(fail(Step::Load, "hot-patch loading needs memfd (Linux); not supported on this OS"))
}

/// Raw mirror of `KernelDesc` (the C `bool` read as a byte, so any value is defined).
#[repr(C)]
struct RawDesc {
    name: *const std::ffi::c_char,
    requires: u64,
    constant_time: u8,
    priority: i32,
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

/// A C string of the module: non-NULL, 1–64 printable ASCII bytes (at most 65 bytes are read).
///
/// # Safety
/// `p` is NULL or points into the loaded module's memory.
unsafe fn module_str(p: *const std::ffi::c_char, what: &str) -> Result<String, PatchFailure> {
    if p.is_null() {
        return Err(abi(format!("{what} is NULL")));
    }
    let mut s = Vec::with_capacity(65);
    for i in 0..65 {
        // SAFETY: reading the module's string byte by byte, stopping at its NUL (or after 65 bytes).
        let b = unsafe { p.add(i).read() } as u8;
        if b == 0 {
            break;
        }
        s.push(b);
    }
    if s.is_empty() || s.len() > 64 || !s.iter().all(|b| b.is_ascii_graphic()) {
        return Err(abi(format!("{what} must be 1-64 printable ASCII characters")));
    }
    Ok(String::from_utf8(s).unwrap_or_default())
}

/// Whether `p` is aligned for `T` (module pointers are checked before any reference is made).
fn aligned<T>(p: *const T) -> bool {
    p.is_aligned()
}

/// Reads the module's descriptors and checks them against the manifest's ops and the built-in
/// kernels' shapes. Returns (op index, candidate) per kernel.
pub(crate) fn kernels(m: &Module, manifest_ops: &[String]) -> Result<Vec<(usize, Candidate)>, PatchFailure> {
    let list = match m.kernels.get() {
        Some(l) => l.clone(),
        None => {
            let l = convert(m)?;
            m.kernels.get_or_init(|| l).clone()
        }
    };
    let ops = dispatch::ops();
    if let Some((_, c)) = list.iter().find(|(i, _)| !manifest_ops.iter().any(|o| o == ops[*i].name)) {
        let op = list.iter().find(|(_, k)| std::ptr::eq(k.desc(), c.desc())).map_or("?", |(i, _)| ops[*i].name);
        return Err(abi(format!("module provides op {op}, which the manifest does not list")));
    }
    if let Some(missing) = manifest_ops.iter().find(|o| !list.iter().any(|(i, _)| ops[*i].name == o.as_str())) {
        return Err(abi(format!("manifest lists op {missing}, which the module does not provide")));
    }
    Ok(list)
}

/// Reads and validates the module's kernel table once.
fn convert(m: &Module) -> Result<Vec<(usize, Candidate)>, PatchFailure> {
    let entry = m
        .symbol(PATCH_ENTRY_SYMBOL)
        .ok_or_else(|| fail(Step::Load, format!("the module does not export {PATCH_ENTRY_SYMBOL}")))?;
    // SAFETY: the symbol is the module's entry point, whose type is fixed by the kernel ABI.
    let entry: PatchEntryFn = unsafe { std::mem::transmute::<*mut c_void, PatchEntryFn>(entry) };
    // SAFETY: calling the verified module's entry point (no arguments).
    let pm = unsafe { entry() };
    if pm.is_null() || !aligned(pm) {
        return Err(abi("entry point returned NULL or a misaligned table"));
    }
    // SAFETY: non-NULL pointer to the module's static descriptor table.
    let pm = unsafe { &*pm };
    if pm.abi_version != KERNEL_ABI_VERSION {
        return Err(abi(format!("module kernel ABI version {} differs from the library's {KERNEL_ABI_VERSION}", pm.abi_version)));
    }
    let n = pm.kernel_count as usize;
    if n == 0 || n > 64 || pm.kernels.is_null() || !aligned(pm.kernels) {
        return Err(abi(format!("module lists {n} kernels (1 to 64 required, in an aligned array)")));
    }
    // SAFETY: the module declares `n` entries at `kernels` (non-NULL, checked above).
    let entries = unsafe { std::slice::from_raw_parts(pm.kernels, n) };
    let ops = dispatch::ops();
    let mut out: Vec<(usize, Candidate)> = Vec::with_capacity(n);
    for e in entries {
        // SAFETY: strings of the loaded module.
        let op_name = unsafe { module_str(e.op, "kernel op name") }?;
        let i = dispatch::op_index(&op_name).ok_or_else(|| abi(format!("module names unknown op {op_name:?}")))?;
        let op = ops[i].name;
        if out.iter().any(|(j, _)| *j == i) {
            return Err(abi(format!("module provides op {op} twice")));
        }
        let kernel_aligned = match e.kind {
            KERNEL_KIND_HASH => aligned(e.kernel.cast::<RawHash>()),
            KERNEL_KIND_AEAD => aligned(e.kernel.cast::<RawAead>()),
            KERNEL_KIND_ARGON2ID => aligned(e.kernel.cast::<RawArgon2>()),
            KERNEL_KIND_SIGN => aligned(e.kernel.cast::<RawSign>()),
            KERNEL_KIND_KEM => aligned(e.kernel.cast::<RawKem>()),
            _ => true, // refused below
        };
        if e.kernel.is_null() || !kernel_aligned {
            return Err(abi(format!("kernel of {op} is NULL or misaligned")));
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
                // Exactly the op's shape: a patch that dropped a capability would leave those
                // entry points silently on the built-in kernel (sign.rs / kem.rs fall back).
                if (r.pk_len, r.sk_len, r.sig_len, r.max_ctx_len, r.seed_len, r.caps) != (p.pk_len, p.sk_len, p.sig_len, p.max_ctx_len, p.seed_len, p.caps) {
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
                if (r.pk_len, r.sk_len, r.ct_len, r.ss_len, r.seed_len, r.enc_seed_len, r.caps)
                    != (p.pk_len, p.sk_len, p.ct_len, p.ss_len, p.seed_len, p.enc_seed_len, p.caps)
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
    Ok(out)
}

/// A copy of a module descriptor in library-owned memory (leaked: it lives as long as the
/// module), validated: the module cannot change a name, a CPU requirement or a constant-time
/// claim after the checks.
///
/// # Safety
/// `p` is NULL or points into the loaded module's memory.
unsafe fn desc(p: *const KernelDesc, op: &str) -> Result<&'static KernelDesc, PatchFailure> {
    let p = p.cast::<RawDesc>();
    if p.is_null() || !aligned(p) {
        return Err(abi(format!("{op}: descriptor is NULL or misaligned")));
    }
    // SAFETY: non-NULL, aligned pointer into the module; every field type accepts any bit pattern.
    let raw = unsafe { p.read() };
    // SAFETY: as above.
    let name = unsafe { module_str(raw.name, "kernel name") }?;
    let known: u64 = crate::cpu::FEATURES.iter().fold(0, |a, (b, _)| a | b);
    if raw.requires & !known != 0 {
        return Err(abi(format!("{op}: kernel requires unknown CPU feature bits {:#x}", raw.requires & !known)));
    }
    if raw.constant_time > 1 {
        return Err(abi(format!("{op}: constant_time must be 0 or 1")));
    }
    let name: &'static std::ffi::CStr = Box::leak(CString::new(name).map_err(|_| abi("kernel name"))?.into_boxed_c_str());
    Ok(Box::leak(Box::new(KernelDesc { name: name.as_ptr(), requires: raw.requires, constant_time: raw.constant_time == 1, priority: raw.priority })))
}

/// ELF checks before `dlopen`: a shared object for this machine whose dependencies are only
/// system libraries this process has already loaded (so nothing is read from disk: I-5), and
/// no RPATH/RUNPATH.
mod elf {
    use super::{fail, PatchFailure, Step};

    /// Libraries a patch module may name in DT_NEEDED (and that must already be loaded).
    pub const ALLOWED_NEEDED: &[&str] = &[
        "libc.so.6",
        "libm.so.6",
        "libgcc_s.so.1",
        "libpthread.so.0",
        "libdl.so.2",
        "librt.so.1",
        "libutil.so.1",
        "ld-linux-x86-64.so.2",
        "ld-linux-aarch64.so.1",
    ];

    fn bad(why: impl Into<String>) -> PatchFailure {
        fail(Step::Load, why.into())
    }

    fn u16_at(b: &[u8], o: usize) -> Option<u16> {
        Some(u16::from_le_bytes(b.get(o..o + 2)?.try_into().ok()?))
    }
    fn u32_at(b: &[u8], o: usize) -> Option<u32> {
        Some(u32::from_le_bytes(b.get(o..o + 4)?.try_into().ok()?))
    }
    fn u64_at(b: &[u8], o: usize) -> Option<u64> {
        Some(u64::from_le_bytes(b.get(o..o + 8)?.try_into().ok()?))
    }

    pub fn check(b: &[u8]) -> Result<(), PatchFailure> {
        if b.len() < 64 || &b[..4] != b"\x7fELF" {
            return Err(bad("payload is not a shared library (no ELF header)"));
        }
        if b[4] != 2 || b[5] != 1 {
            return Err(bad("payload is not a 64-bit little-endian ELF object"));
        }
        let machine = if cfg!(target_arch = "x86_64") { 62 } else if cfg!(target_arch = "aarch64") { 183 } else { 0 };
        let (e_type, e_machine) = (u16_at(b, 16).unwrap_or(0), u16_at(b, 18).unwrap_or(0));
        if e_type != 3 {
            return Err(bad(format!("ELF type {e_type} is not a shared object (ET_DYN)")));
        }
        if e_machine != machine {
            return Err(bad(format!("ELF machine {e_machine} is not this machine's ({machine})")));
        }
        let trunc = || bad("truncated ELF program headers");
        let phoff = u64_at(b, 32).ok_or_else(trunc)? as usize;
        let (phentsize, phnum) = (u16_at(b, 54).ok_or_else(trunc)? as usize, u16_at(b, 56).ok_or_else(trunc)? as usize);
        if phentsize < 56 || phnum > 256 {
            return Err(trunc());
        }
        let ph = |i: usize| -> Option<(u32, u64, u64, u64)> {
            let o = phoff.checked_add(i.checked_mul(phentsize)?)?;
            Some((u32_at(b, o)?, u64_at(b, o + 8)?, u64_at(b, o + 16)?, u64_at(b, o + 32)?))
        };
        let headers: Vec<(u32, u64, u64, u64)> = (0..phnum).map(ph).collect::<Option<_>>().ok_or_else(trunc)?;
        // Virtual address → file offset through the PT_LOAD segments.
        let file_off = |va: u64| {
            headers.iter().filter(|h| h.0 == 1).find(|h| va >= h.2 && va - h.2 < h.3).map(|h| (h.1 + (va - h.2)) as usize)
        };
        let Some(dynamic) = headers.iter().find(|h| h.0 == 2) else {
            return Err(bad("ELF object has no dynamic section (not a shared library)"));
        };
        let (mut needed, mut strtab, mut strsz) = (Vec::new(), None, 0u64);
        let (start, size) = (dynamic.1 as usize, dynamic.3 as usize);
        let mut o = start;
        while o + 16 <= start.saturating_add(size) {
            let (tag, val) = (u64_at(b, o).ok_or_else(trunc)?, u64_at(b, o + 8).ok_or_else(trunc)?);
            match tag {
                0 => break,
                1 => needed.push(val),
                5 => strtab = Some(val),
                10 => strsz = val,
                15 | 29 => return Err(bad("patch modules must not carry an RPATH/RUNPATH (dependencies are not verified)")),
                _ => {}
            }
            o += 16;
        }
        let strtab = strtab.and_then(file_off).ok_or_else(|| bad("ELF dynamic string table not found"))?;
        for off in needed {
            if off >= strsz {
                return Err(bad("ELF DT_NEEDED entry outside the string table"));
            }
            let s = b.get(strtab + off as usize..).ok_or_else(trunc)?;
            let name = &s[..s.iter().position(|&c| c == 0).ok_or_else(trunc)?];
            let name = std::str::from_utf8(name).map_err(|_| bad("ELF DT_NEEDED name is not UTF-8"))?;
            if !ALLOWED_NEEDED.contains(&name) {
                return Err(bad(format!("patch module depends on {name:.64}, which is not a system library on the allowlist (dependencies are loaded from disk, unverified)")));
            }
            if !already_loaded(name) {
                return Err(bad(format!("patch module depends on {name}, which this process has not loaded (it would be read from disk)")));
            }
        }
        Ok(())
    }

    #[cfg(unix)]
    fn already_loaded(name: &str) -> bool {
        let Ok(c) = std::ffi::CString::new(name) else { return false };
        // SAFETY: RTLD_NOLOAD only looks the object up (never loads); the reference it takes is
        // dropped at once with dlclose.
        unsafe {
            let h = libc::dlopen(c.as_ptr(), libc::RTLD_LAZY | libc::RTLD_NOLOAD);
            if h.is_null() {
                return false;
            }
            libc::dlclose(h);
        }
        true
    }
    #[cfg(not(unix))]
    fn already_loaded(_name: &str) -> bool {
        false
    }
}
