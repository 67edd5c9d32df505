//! The keyring file: a fixed header (bound as AAD) and the encrypted body.
//!
//! ```text
//! 0   "XPSK"            magic
//! 4   u8  format = 1
//! 5   u8  kdf: 1 = Argon2id(passphrase), 2 = raw 32-byte key-encryption key
//! 6   u16 reserved = 0
//! 8   u32 t_cost, u32 m_cost_kib, u32 parallelism   (Argon2id; 0 for raw)
//! 20  [16] kdf salt     (Argon2id salt; fixed for the life of the file)
//! 36  u64 revision      (+1 on every save; tells other processes to reload)
//! 44  [32] save salt    (fresh per save)
//! 76  [12] nonce        (fresh per save)
//! 88  u32 body length   (ciphertext ‖ 16-byte tag)
//! 92  AES-256-GCM(file key, nonce, body, aad = bytes 0..92)
//! ```
//! master = Argon2id(passphrase, kdf salt, params) or the raw key; file key =
//! HKDF-SHA256(master, save salt, "xpscrypto keyring v1"). A fresh save salt and nonce per save
//! keep (key, nonce) pairs unique without any counter.
//!
//! Saves are atomic: write `<file>.tmp.<pid>`, fsync, rename over the file, fsync the directory.
//! Writers serialize on an advisory `flock` of `<file>.lock` (kept beside the file, never
//! renamed), re-read the file under the lock if its revision changed, apply their change and save:
//! no update is lost between processes.

use crate::error::{err, Error, Result, Status};
use crate::kdf::Argon2idParams;
use crate::{Alg, SecureBuffer};
use std::io::Write;
use std::path::{Path, PathBuf};

pub const MAGIC: &[u8; 4] = b"XPSK";
pub const FORMAT: u8 = 1;
pub const HEADER_LEN: usize = 92;
const KDF_ARGON2ID: u8 = 1;
const KDF_RAW: u8 = 2;
/// Largest keyring file read (bytes).
pub const MAX_FILE: u64 = 64 * 1024 * 1024;

/// Default Argon2id parameters for passphrase-protected keyrings (RFC 9106 §4 second
/// recommendation scaled to 64 MiB: t=3, m=64 MiB, p=1).
pub const DEFAULT_ARGON2: Argon2idParams = Argon2idParams { t_cost: 3, m_cost_kib: 64 * 1024, parallelism: 1 };

/// How the key-encryption key is obtained.
pub enum Kek<'a> {
    Passphrase { passphrase: &'a [u8], params: Argon2idParams },
    Raw(&'a [u8]),
}

impl<'a> Kek<'a> {
    pub fn passphrase(p: &'a [u8]) -> Self {
        Kek::Passphrase { passphrase: p, params: DEFAULT_ARGON2 }
    }
}

/// What stays in memory after opening: the master key (secure memory) and the header fields
/// that do not change between saves.
pub struct Sealer {
    master: SecureBuffer,
    kdf: u8,
    params: Argon2idParams,
    kdf_salt: [u8; 16],
}

fn io(what: &str, path: &Path, e: std::io::Error) -> Error {
    err(Status::KeyringIo, format!("keyring: {what} {}: {e}", path.display()))
}

fn malformed(why: impl Into<String>) -> Error {
    err(Status::MalformedKeyring, format!("keyring file: {}", why.into()))
}

/// The Argon2id parameters a keyring file may carry (bounds the work an opened file can demand).
fn params_in_range(p: &Argon2idParams) -> bool {
    (1..=64).contains(&p.t_cost) && (1..=64).contains(&p.parallelism) && p.m_cost_kib <= 4 * 1024 * 1024
}

impl Sealer {
    /// For a new file: fresh KDF salt. Argon2id parameters outside what a file may carry are
    /// refused here (a file that could not be reopened is never written).
    pub fn new(kek: &Kek<'_>) -> Result<Sealer> {
        if let Kek::Passphrase { params, .. } = kek {
            if !params_in_range(params) {
                return Err(err(Status::InvalidParameter, "keyring Argon2id parameters out of range (t 1..=64, p 1..=64, m <= 4 GiB)"));
            }
        }
        let mut kdf_salt = [0u8; 16];
        crate::rand::random_bytes(&mut kdf_salt)?;
        Self::derive(kek, kdf_salt)
    }

    fn derive(kek: &Kek<'_>, kdf_salt: [u8; 16]) -> Result<Sealer> {
        let mut master = SecureBuffer::new(32)?;
        match kek {
            Kek::Passphrase { passphrase, params } => {
                crate::kdf::argon2id(*params, passphrase, &kdf_salt, &[], b"xpscrypto keyring", master.as_mut_slice())?;
                Ok(Sealer { master, kdf: KDF_ARGON2ID, params: *params, kdf_salt })
            }
            Kek::Raw(k) => {
                if k.len() != 32 {
                    return Err(err(Status::BadKeyLength, format!("a raw keyring key-encryption key is 32 bytes, got {}", k.len())));
                }
                master.as_mut_slice().copy_from_slice(k);
                Ok(Sealer { master, kdf: KDF_RAW, params: Argon2idParams { t_cost: 0, m_cost_kib: 0, parallelism: 0 }, kdf_salt })
            }
        }
    }

    /// Opens an existing file's header with `kek` (the KDF kind must match).
    pub fn for_file(bytes: &[u8], kek: &Kek<'_>) -> Result<Sealer> {
        let h = Header::parse(bytes)?;
        match (kek, h.kdf) {
            (Kek::Passphrase { passphrase, .. }, KDF_ARGON2ID) => {
                // The file's parameters, not the caller's defaults.
                Self::derive(&Kek::Passphrase { passphrase, params: h.params }, h.kdf_salt)
            }
            (Kek::Raw(_), KDF_RAW) => Self::derive(kek, h.kdf_salt),
            (Kek::Passphrase { .. }, _) => Err(err(Status::InvalidParameter, "this keyring is protected by a raw key, not a passphrase")),
            (Kek::Raw(_), _) => Err(err(Status::InvalidParameter, "this keyring is protected by a passphrase, not a raw key")),
        }
    }

    fn file_key(&self, save_salt: &[u8; 32]) -> Result<SecureBuffer> {
        let mut k = SecureBuffer::new(32)?;
        crate::kdf::hkdf(Alg::HkdfSha256, self.master.as_slice(), save_salt, b"xpscrypto keyring v1", k.as_mut_slice())?;
        Ok(k)
    }

    /// Encrypts `body` into a complete file image with `revision`.
    pub fn seal(&self, body: &[u8], revision: u64) -> Result<Vec<u8>> {
        let mut save_salt = [0u8; 32];
        let mut nonce = [0u8; 12];
        crate::rand::random_bytes(&mut save_salt)?;
        crate::rand::random_bytes(&mut nonce)?;
        let mut out = Vec::with_capacity(HEADER_LEN + body.len() + 16);
        out.extend_from_slice(MAGIC);
        out.push(FORMAT);
        out.push(self.kdf);
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(&self.params.t_cost.to_be_bytes());
        out.extend_from_slice(&self.params.m_cost_kib.to_be_bytes());
        out.extend_from_slice(&self.params.parallelism.to_be_bytes());
        out.extend_from_slice(&self.kdf_salt);
        out.extend_from_slice(&revision.to_be_bytes());
        out.extend_from_slice(&save_salt);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&((body.len() + 16) as u32).to_be_bytes());
        debug_assert_eq!(out.len(), HEADER_LEN);
        out.resize(HEADER_LEN + body.len(), 0);
        let (hdr, ct) = out.split_at_mut(HEADER_LEN);
        let key = self.file_key(&save_salt)?;
        let tag = crate::aead::seal_detached(Alg::Aes256Gcm, key.as_slice(), &nonce, hdr, body, ct)?;
        out.extend_from_slice(&tag);
        Ok(out)
    }

    /// Authenticates and decrypts a file image; returns (revision, body).
    pub fn open(&self, bytes: &[u8]) -> Result<(u64, zeroize::Zeroizing<Vec<u8>>)> {
        let h = Header::parse(bytes)?;
        if h.kdf != self.kdf || h.kdf_salt != self.kdf_salt || h.params != self.params {
            return Err(err(Status::AuthenticationFailed, "keyring file: key derivation header changed (another keyring or tampering)"));
        }
        let (hdr, rest) = bytes.split_at(HEADER_LEN);
        let (ct, tag) = rest.split_at(rest.len() - 16);
        let key = self.file_key(&h.save_salt)?;
        let mut body = zeroize::Zeroizing::new(vec![0u8; ct.len()]);
        crate::aead::open_detached(Alg::Aes256Gcm, key.as_slice(), &h.nonce, hdr, ct, tag, &mut body).map_err(|e| {
            if e.status == Status::AuthenticationFailed {
                err(Status::AuthenticationFailed, "keyring file failed authentication: wrong passphrase or key, or the file was altered")
            } else {
                e
            }
        })?;
        Ok((h.revision, body))
    }
}

struct Header {
    kdf: u8,
    params: Argon2idParams,
    kdf_salt: [u8; 16],
    revision: u64,
    save_salt: [u8; 32],
    nonce: [u8; 12],
}

impl Header {
    fn parse(b: &[u8]) -> Result<Header> {
        if b.len() < 4 || &b[..4] != MAGIC {
            return Err(malformed("not an xpscrypto keyring (magic)"));
        }
        if b.len() < HEADER_LEN {
            return Err(malformed(format!("truncated header ({} bytes)", b.len())));
        }
        if b[4] != FORMAT {
            return Err(err(Status::UnsupportedFormat, format!("keyring file format {} is not supported (this library reads format {FORMAT})", b[4])));
        }
        let kdf = b[5];
        if kdf != KDF_ARGON2ID && kdf != KDF_RAW || b[6] != 0 || b[7] != 0 {
            return Err(malformed("unknown key derivation"));
        }
        let u32_at = |i: usize| u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        let params = Argon2idParams { t_cost: u32_at(8), m_cost_kib: u32_at(12), parallelism: u32_at(16) };
        if kdf == KDF_ARGON2ID && !params_in_range(&params) {
            return Err(malformed("Argon2id parameters out of range (t 1..=64, p 1..=64, m <= 4 GiB)"));
        }
        let body_len = u32_at(88) as usize;
        if body_len < 16 || b.len() != HEADER_LEN + body_len {
            return Err(malformed(format!("body length {body_len} does not match the file size {}", b.len())));
        }
        let mut h = Header { kdf, params, kdf_salt: [0; 16], revision: 0, save_salt: [0; 32], nonce: [0; 12] };
        h.kdf_salt.copy_from_slice(&b[20..36]);
        h.revision = u64::from_be_bytes(b[36..44].try_into().map_err(|_| malformed("revision"))?);
        h.save_salt.copy_from_slice(&b[44..76]);
        h.nonce.copy_from_slice(&b[76..88]);
        Ok(h)
    }
}

/// The revision in a file image (after the header parses), without decrypting.
pub fn peek_revision(bytes: &[u8]) -> Result<u64> {
    Header::parse(bytes).map(|h| h.revision)
}

/// Reads a keyring file (bounded).
pub fn read(path: &Path) -> Result<Vec<u8>> {
    let meta = std::fs::metadata(path).map_err(|e| io("cannot stat", path, e))?;
    if meta.len() > MAX_FILE {
        return Err(malformed(format!("{} bytes, at most {MAX_FILE}", meta.len())));
    }
    std::fs::read(path).map_err(|e| io("cannot read", path, e))
}

/// Writes `image` to a new temporary file next to `path` (random name, created exclusively, never
/// through a symlink, mode 0600) and fsyncs it.
fn write_temp(path: &Path, image: &[u8]) -> Result<PathBuf> {
    let mut r = [0u8; 8];
    crate::rand::random_bytes(&mut r)?;
    let tmp: PathBuf = {
        let mut t = path.as_os_str().to_owned();
        t.push(format!(".tmp.{}", r.iter().map(|b| format!("{b:02x}")).collect::<String>()));
        t.into()
    };
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    let mut f = o.open(&tmp).map_err(|e| io("cannot create", &tmp, e))?;
    let written = f.write_all(image).and_then(|()| f.sync_all());
    drop(f);
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(io("cannot write", &tmp, e));
    }
    Ok(tmp)
}

fn sync_dir(path: &Path) -> Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let d = std::fs::File::open(dir).map_err(|e| io("cannot open directory", dir, e))?;
    d.sync_all().map_err(|e| io("cannot fsync directory", dir, e))
}

/// Atomically replaces `path` with `image`: temp file, fsync, rename, fsync of the directory.
pub fn write_atomic(path: &Path, image: &[u8]) -> Result<()> {
    let tmp = write_temp(path, image)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io("cannot rename over", path, e)
    })?;
    sync_dir(path)
}

/// Writes a new file `path` atomically, never replacing anything already there (not even a
/// dangling symlink): temp file, fsync, hard link to `path` (which fails if it exists), fsync of the
/// directory. `KeyExists` if `path` exists.
pub fn write_new(path: &Path, image: &[u8]) -> Result<()> {
    let tmp = write_temp(path, image)?;
    let linked = std::fs::hard_link(&tmp, path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => sync_dir(path),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(err(Status::KeyExists, format!("keyring file {} already exists", path.display()))),
        Err(e) => Err(io("cannot create", path, e)),
    }
}

/// An exclusive advisory lock on `<path>.lock`, released on drop.
pub struct FileLock {
    _f: std::fs::File,
}

impl FileLock {
    pub fn acquire(path: &Path) -> Result<FileLock> {
        let mut lp = path.as_os_str().to_owned();
        lp.push(".lock");
        let lp = PathBuf::from(lp);
        let mut o = std::fs::OpenOptions::new();
        o.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            o.mode(0o600).custom_flags(libc::O_NOFOLLOW);
        }
        let f = o.open(&lp).map_err(|e| io("cannot open lock file", &lp, e))?;
        #[cfg(unix)]
        {
            use std::os::fd::AsRawFd;
            loop {
                // SAFETY: flock on a descriptor we own; blocks until the lock is ours.
                let rc = unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX) };
                if rc == 0 {
                    break;
                }
                let e = std::io::Error::last_os_error();
                if e.kind() != std::io::ErrorKind::Interrupted {
                    return Err(io("cannot lock", &lp, e));
                }
            }
        }
        Ok(FileLock { _f: f })
    }
}
