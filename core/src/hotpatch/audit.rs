//! The hot-patch audit log: one JSON object per line, appended, flushed and `fdatasync`ed before
//! `apply`/`rollback` return. Records name patches, signers, digests and outcomes — never key
//! material (patch payloads and manifests hold none). The last records are also kept in memory.

use serde_json::{json, Value};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

/// Environment variable naming the audit log file (read when no path was set by the API).
pub const AUDIT_ENV: &str = "XPS_PATCH_AUDIT_LOG";
const KEEP_IN_MEMORY: usize = 1024;

struct Log {
    path: Option<PathBuf>,
    path_set: bool,
    recent: std::collections::VecDeque<String>,
}

static LOG: Mutex<Log> = Mutex::new(Log { path: None, path_set: false, recent: std::collections::VecDeque::new() });

fn log() -> std::sync::MutexGuard<'static, Log> {
    LOG.lock().unwrap_or_else(|e| e.into_inner())
}

/// Sets the audit log path, overriding the environment variable; `None` goes back to
/// `$XPS_PATCH_AUDIT_LOG` (no file if it is unset or empty; records are kept in memory anyway).
pub fn set_path(path: Option<PathBuf>) {
    let mut l = log();
    l.path_set = path.is_some();
    l.path = path;
}

/// The audit log path in effect: the one set by [`set_path`], else `$XPS_PATCH_AUDIT_LOG`.
pub fn path() -> Option<PathBuf> {
    let l = log();
    if l.path_set {
        l.path.clone()
    } else {
        std::env::var_os(AUDIT_ENV).filter(|v| !v.is_empty()).map(PathBuf::from)
    }
}

/// The most recent records (oldest first), as JSON lines without the newline.
pub fn recent() -> Vec<String> {
    log().recent.iter().cloned().collect()
}

/// RFC 3339 UTC time with milliseconds, from the system clock.
pub(crate) fn now_rfc3339() -> String {
    let d = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs() as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        d.subsec_millis()
    )
}

/// Appends one record (adding `time`). Errors only if a log path is configured and the write
/// or flush fails; the record is kept in memory either way.
pub(crate) fn append(mut record: Value) -> std::io::Result<()> {
    record["time"] = json!(now_rfc3339());
    let target = path();
    let written = match &target {
        Some(p) => append_line(p, &record.to_string()),
        None => Ok(()),
    };
    // The in-memory copy says whether the record reached the file.
    if target.is_some() {
        record["durable"] = json!(written.is_ok());
    }
    let mut l = log();
    if l.recent.len() == KEEP_IN_MEMORY {
        l.recent.pop_front();
    }
    l.recent.push_back(record.to_string());
    written
}

/// Appends `line` and a newline to `path` (created 0600), flushed and `fdatasync`ed.
pub fn append_line(path: &std::path::Path, line: &str) -> std::io::Result<()> {
    let mut o = std::fs::OpenOptions::new();
    o.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    let mut f = o.open(path)?;
    f.write_all(format!("{line}\n").as_bytes())?;
    f.flush()?;
    f.sync_data()
}
