//! File helpers: bounded reads (size checked on the metadata before reading), secret key files
//! (mode 0600, never overwritten silently, decoded into secure memory), atomic writes (replacing,
//! or refusing an existing file, with the mode chosen).

use crate::{refused_at, Fail};
use xpscrypto_core::hotpatch::Step;
use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Read, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;
use xpscrypto_core::{secure_zero, SecureBuffer};

/// Largest key file read (an ML-DSA-65 secret key is 8064 hex digits).
pub const MAX_KEY_FILE: u64 = 64 * 1024;

fn io(path: &Path, action: &str, e: &std::io::Error) -> Fail {
    Fail::Io(format!("cannot {action} {}: {e}", path.display()))
}

pub fn size_text(n: u64) -> String {
    match n {
        n if n >= 1 << 20 && n % (1 << 20) == 0 => format!("{} MiB", n >> 20),
        n if n >= 1 << 10 && n % (1 << 10) == 0 => format!("{} KiB", n >> 10),
        n => format!("{n} bytes"),
    }
}

/// Reads at most `limit` bytes of `path` (`what` names it in messages). A file whose metadata
/// says it is larger is refused without reading it; a file that grows while being read (or a
/// pipe) is cut at `limit + 1` bytes and refused too.
pub fn read_bounded(path: &str, limit: u64, what: &str) -> Result<Vec<u8>, Fail> {
    let p = Path::new(path);
    let md = fs::metadata(p).map_err(|e| io(p, &format!("read {what}"), &e))?;
    if md.is_dir() {
        return Err(Fail::Io(format!("cannot read {what} {path}: is a directory")));
    }
    let too_big = |n: u64| {
        let msg = format!("{what} {path} is {n} bytes, larger than the {} limit; not reading it", size_text(limit));
        // The library refuses an oversized manifest or trust store at its parse step.
        if what == "manifest" || what == "trust store" {
            refused_at(Step::Parse, msg)
        } else {
            Fail::Refused(format!("refused: {msg}"))
        }
    };
    if md.len() > limit {
        return Err(too_big(md.len()));
    }
    let f = File::open(p).map_err(|e| io(p, &format!("read {what}"), &e))?;
    // Reserve the whole size up front so the buffer is not reallocated (and, for key files,
    // no stray copy of the contents is left in freed memory).
    let mut buf = Vec::with_capacity(md.len() as usize + 1);
    f.take(limit + 1).read_to_end(&mut buf).map_err(|e| io(p, &format!("read {what}"), &e))?;
    if buf.len() as u64 > limit {
        let n = buf.len() as u64;
        secure_zero(&mut buf);
        return Err(too_big(n));
    }
    Ok(buf)
}

fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Decodes hex (either case) into `out`, which must be exactly half as long as `hex`.
pub fn decode_hex_into(hex: &[u8], out: &mut [u8]) -> bool {
    if hex.len() != 2 * out.len() {
        return false;
    }
    for (o, pair) in out.iter_mut().zip(hex.chunks_exact(2)) {
        match (hex_value(pair[0]), hex_value(pair[1])) {
            (Some(h), Some(l)) => *o = h << 4 | l,
            _ => return false,
        }
    }
    true
}

fn trim(b: &[u8]) -> &[u8] {
    b.trim_ascii()
}

/// A public value stored as hex in `path` (surrounding white space ignored). `len`: the exact
/// byte length expected.
pub fn read_public_hex(path: &str, len: usize, what: &str) -> Result<Vec<u8>, Fail> {
    let text = read_bounded(path, MAX_KEY_FILE, what)?;
    let mut out = vec![0u8; len];
    if !decode_hex_into(trim(&text), &mut out) {
        return Err(Fail::Refused(format!("{what} {path}: expected {} hex digits", 2 * len)));
    }
    Ok(out)
}

/// Warns (stderr) when the secret file `path` is readable by group or others.
pub fn warn_if_shared(path: &str, what: &str) {
    if let Ok(md) = fs::metadata(path) {
        let mode = md.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            eprintln!("warning: {what} {path} has mode {mode:04o}: readable by others than its owner (chmod 600 it)");
        }
    }
}

/// A secret key stored as hex in `path`, decoded into secure memory; the file's bytes are wiped
/// after decoding. `len`: the exact byte length expected (`None`: any even number of digits).
/// Warns when the file is readable by group or others.
pub fn read_secret_hex(path: &str, len: Option<usize>, what: &str) -> Result<SecureBuffer, Fail> {
    let mut text = read_bounded(path, MAX_KEY_FILE, what)?;
    warn_if_shared(path, what);
    let hex = trim(&text);
    let n = len.unwrap_or(hex.len() / 2);
    let bad = || {
        let want = len.map_or("an even, non-zero number of".to_string(), |l| (2 * l).to_string());
        Fail::Refused(format!("{what} {path}: expected {want} hex digits"))
    };
    let result = if n == 0 || hex.len() != 2 * n {
        Err(bad())
    } else {
        SecureBuffer::new(n)
            .map_err(|e| Fail::Refused(format!("{what}: cannot allocate secure memory: {e}")))
            .and_then(|mut buf| if decode_hex_into(hex, buf.as_mut_slice()) { Ok(buf) } else { Err(bad()) })
    };
    secure_zero(&mut text);
    result
}

/// Creates `path` for writing with `mode`, refusing an existing file unless `force` (then the
/// old file is removed first, so a symlink at `path` is replaced, never followed).
pub fn create_new(path: &Path, mode: u32, force: bool) -> Result<File, Fail> {
    if force {
        match fs::remove_file(path) {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => return Err(io(path, "replace", &e)),
        }
    }
    OpenOptions::new().write(true).create_new(true).mode(mode).open(path).map_err(|e| {
        if e.kind() == ErrorKind::AlreadyExists {
            Fail::Io(format!("{} already exists; not overwriting it (use --force to replace it)", path.display()))
        } else {
            io(path, "create", &e)
        }
    })
}

/// Writes all of `bytes` to a file made by [`create_new`] and syncs it.
pub fn write_new(path: &Path, mode: u32, force: bool, bytes: &[u8]) -> Result<(), Fail> {
    let mut f = create_new(path, mode, force)?;
    f.write_all(bytes).and_then(|()| f.sync_all()).map_err(|e| io(path, "write", &e))
}

/// Replaces `path` with `bytes` atomically (a temporary file in the same directory, synced, then
/// renamed over it), so a failed write never leaves a half-written manifest or trust store.
pub fn write_atomic(path: &str, bytes: &[u8]) -> Result<(), Fail> {
    write_atomic_mode(path, bytes, 0o644, true)
}

/// Writes `bytes` to `path` atomically with permissions `mode`: a temporary file in the same
/// directory (created with `mode`, written, synced), then renamed over `path` (`replace`) or
/// linked to `path` only if no file is there (else refused, exit 3, naming `--force`), then the
/// directory is synced. On any failure the temporary file is removed and `path` is untouched:
/// readers see the old file or the complete new one, never a part.
pub fn write_atomic_mode(path: &str, bytes: &[u8], mode: u32, replace: bool) -> Result<(), Fail> {
    let p = Path::new(path);
    let name = p.file_name().ok_or_else(|| Fail::Io(format!("cannot write {path}: not a file path")))?;
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    let tmp = p.with_file_name(format!(".{}.tmp-{}-{nanos}", name.to_string_lossy(), std::process::id()));
    let exists = || Fail::Io(format!("{path} already exists; not overwriting it (use --force to replace it)"));
    // Whether `tmp` is ours: a file already there under that name (create_new failed) is someone
    // else's, neither removed nor taken for `path` existing.
    let mut created = false;
    let result = (|| {
        let mut f = OpenOptions::new().write(true).create_new(true).mode(mode).open(&tmp)?;
        created = true;
        // Exactly `mode`, whatever the umask (it only ever removes bits).
        f.set_permissions(fs::Permissions::from_mode(mode))?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        if replace {
            return fs::rename(&tmp, p);
        }
        // A hard link never replaces an existing file; fall back to a rename where the file
        // system has no links (after checking, which is racy but the best it offers).
        match fs::hard_link(&tmp, p) {
            Ok(()) => fs::remove_file(&tmp),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => Err(e),
            Err(_) if p.symlink_metadata().is_ok() => Err(std::io::Error::from(ErrorKind::AlreadyExists)),
            Err(_) => fs::rename(&tmp, p),
        }
    })();
    if let Err(e) = result {
        if !created {
            return Err(io(&tmp, "create temporary file", &e));
        }
        let _ = fs::remove_file(&tmp);
        return Err(if e.kind() == ErrorKind::AlreadyExists { exists() } else { io(p, "write", &e) });
    }
    let dir = p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    File::open(dir).and_then(|d| d.sync_all()).map_err(|e| io(dir, "sync directory", &e))
}
