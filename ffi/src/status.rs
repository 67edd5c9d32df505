//! Status codes, names, messages, the thread-local error detail, version and init.

use crate::boundary::{guard, guard_value, last_error_ptr};
pub use crate::boundary::xps_status;
use std::ffi::c_char;
use xpscrypto_core::Status;

/// Success.
pub const XPS_OK: xps_status = 0;
/* misuse (1xx) */
/// A required pointer was NULL (or NULL with a non-zero length).
pub const XPS_E_NULL_POINTER: xps_status = 101;
/// An input length is not valid for this operation.
pub const XPS_E_INVALID_LENGTH: xps_status = 102;
/// The key has the wrong length for the algorithm.
pub const XPS_E_BAD_KEY_LENGTH: xps_status = 103;
/// The nonce has the wrong length for the algorithm.
pub const XPS_E_BAD_NONCE_LENGTH: xps_status = 104;
/// The tag has the wrong length for the algorithm.
pub const XPS_E_BAD_TAG_LENGTH: xps_status = 105;
/// The output buffer is too small; the required size was written to `*out_len`.
pub const XPS_E_BUFFER_TOO_SMALL: xps_status = 106;
/// Input and output partially overlap (only exact in-place is allowed, where documented).
pub const XPS_E_OVERLAP: xps_status = 107;
/// Unknown algorithm id or name.
pub const XPS_E_UNKNOWN_ALGORITHM: xps_status = 108;
/// The algorithm exists but not for this kind of operation.
pub const XPS_E_WRONG_ALGORITHM_FAMILY: xps_status = 109;
/// The requested output is longer than the algorithm allows (e.g. HKDF > 255*HashLen).
pub const XPS_E_OUTPUT_TOO_LONG: xps_status = 110;
/// A parameter is out of range (e.g. Argon2id costs).
pub const XPS_E_INVALID_PARAMETER: xps_status = 111;
/// A length computation would overflow.
pub const XPS_E_LENGTH_OVERFLOW: xps_status = 112;
/// The object is in a state that does not allow this call (e.g. update after final).
pub const XPS_E_INVALID_STATE: xps_status = 113;
/// A key is malformed or fails its validity checks (encoding, range, FIPS 203 hash/modulus check, DER).
pub const XPS_E_INVALID_KEY: xps_status = 114;
/// No key of that name, or no such version of it, in the keyring.
pub const XPS_E_UNKNOWN_KEY: xps_status = 115;
/// A key of that name already exists in the keyring.
pub const XPS_E_KEY_EXISTS: xps_status = 116;
/// The envelope is malformed or truncated (not an xpscrypto envelope).
pub const XPS_E_MALFORMED_ENVELOPE: xps_status = 117;
/// The keyring file is malformed, truncated or not an xpscrypto keyring.
pub const XPS_E_MALFORMED_KEYRING: xps_status = 118;
/// The envelope or keyring file uses a format version this library does not read.
pub const XPS_E_UNSUPPORTED_FORMAT: xps_status = 119;
/* crypto failure (2xx) */
/// Authentication failed: ciphertext, tag, nonce or associated data were altered; or a MAC
/// tag did not verify. Outputs are untouched.
pub const XPS_E_AUTHENTICATION_FAILED: xps_status = 201;
/// A well-formed signature did not verify.
pub const XPS_E_BAD_SIGNATURE: xps_status = 202;
/// Key agreement with a low-order peer public key (the shared secret would be all-zero): refused.
pub const XPS_E_WEAK_PUBLIC_KEY: xps_status = 203;
/* policy (3xx) */
/// The active policy does not allow this.
pub const XPS_E_POLICY_DENIED: xps_status = 301;
/// The key version is revoked: unusable for everything.
pub const XPS_E_KEY_REVOKED: xps_status = 302;
/// The key version is retired (its decrypt-only window ended or it expired).
pub const XPS_E_KEY_RETIRED: xps_status = 303;
/// The key version is destroyed: its material was wiped (a tombstone remains).
pub const XPS_E_KEY_DESTROYED: xps_status = 304;
/// The key version is below the key's min_decryption_version.
pub const XPS_E_BELOW_MIN_DECRYPTION_VERSION: xps_status = 305;
/// The primary version reached its maximum number of uses (e.g. 2^32 AES-GCM encryptions with random nonces): rotate.
pub const XPS_E_KEY_USAGE_EXHAUSTED: xps_status = 306;
/* environment (4xx) */
/// The operating system random number generator failed.
pub const XPS_E_RANDOM_FAILED: xps_status = 401;
/// Memory allocation failed.
pub const XPS_E_OUT_OF_MEMORY: xps_status = 402;
/// Memory could not be locked and the policy requires it.
pub const XPS_E_MLOCK_FAILED: xps_status = 403;
/// Reading, writing, syncing or locking the keyring file failed (see the detail).
pub const XPS_E_KEYRING_IO: xps_status = 404;
/* dispatch / patch (5xx) */
/// Unknown dispatch operation name.
pub const XPS_E_UNKNOWN_OP: xps_status = 501;
/// Unknown kernel name for the operation.
pub const XPS_E_UNKNOWN_KERNEL: xps_status = 502;
/// The kernel cannot run here (CPU features or policy).
pub const XPS_E_KERNEL_UNAVAILABLE: xps_status = 503;
/// Hot-patch refused at step `parse`: manifest or trust store malformed, oversized or off-schema.
pub const XPS_E_PATCH_MALFORMED: xps_status = 504;
/// Hot-patch refused at step `signature`: an invalid signature, or fewer distinct trusted signers than the trust store requires.
pub const XPS_E_PATCH_SIGNATURE: xps_status = 505;
/// Hot-patch refused at step `digest`: payload size or SHA-256 differs from the manifest.
pub const XPS_E_PATCH_DIGEST: xps_status = 506;
/// Hot-patch refused at step `policy`: signer not allowed for an op, outside the manifest's time window, or unsigned patches not allowed.
pub const XPS_E_PATCH_POLICY: xps_status = 507;
/// Hot-patch refused at step `policy`: the version is not newer than the active one for an op (no silent downgrade).
pub const XPS_E_PATCH_DOWNGRADE: xps_status = 508;
/// Hot-patch refused at step `load`: the payload is not a loadable shared library or lacks `xps_kernel_module`.
pub const XPS_E_PATCH_LOAD: xps_status = 509;
/// Hot-patch refused at step `abi`: kernel ABI version differs, or the module's kernels do not match the manifest's ops.
pub const XPS_E_PATCH_ABI: xps_status = 510;
/// Hot-patch refused at step `cpu`: a kernel needs CPU features this machine (or the policy's ISA mask / CT-only rule) does not allow.
pub const XPS_E_PATCH_CPU: xps_status = 511;
/// Hot-patch refused at step `kat`: a kernel failed its known-answer tests.
pub const XPS_E_PATCH_KAT: xps_status = 512;
/// Hot-patch refused at step `differential`: a kernel's output differs from the portable kernel on random inputs.
pub const XPS_E_PATCH_DIFFERENTIAL: xps_status = 513;
/// Hot-patch not activated (or rollback not done): the audit record could not be appended to the audit log.
pub const XPS_E_PATCH_AUDIT: xps_status = 514;
/// `xps_patch_rollback` with no applied patch.
pub const XPS_E_NOTHING_TO_ROLLBACK: xps_status = 515;
/* internal (6xx) */
/// A power-on self-test failed; every operation now fails with this status.
pub const XPS_E_SELFTEST_FAILED: xps_status = 601;
/// A Rust panic was caught at the API boundary (a bug; please report it).
pub const XPS_E_PANIC: xps_status = 602;
/// Internal error.
pub const XPS_E_INTERNAL: xps_status = 603;

/// Library version: major.
pub const XPS_VERSION_MAJOR: u32 = 0;
/// Library version: minor.
pub const XPS_VERSION_MINOR: u32 = 1;
/// Library version: patch.
pub const XPS_VERSION_PATCH: u32 = 0;
/// Library version as one number: major*10000 + minor*100 + patch.
pub const XPS_VERSION_NUMBER: u32 = XPS_VERSION_MAJOR * 10000 + XPS_VERSION_MINOR * 100 + XPS_VERSION_PATCH;

pub(crate) fn interned(s: &'static str) -> *const c_char {
    // Names and messages are interned once as NUL-terminated statics.
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static INTERN: OnceLock<Mutex<HashMap<&'static str, &'static std::ffi::CStr>>> = OnceLock::new();
    let mut m = INTERN.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    m.entry(s)
        .or_insert_with(|| Box::leak(std::ffi::CString::new(s).unwrap_or_default().into_boxed_c_str()))
        .as_ptr()
}

/// Initializes the library: CPU detection, power-on self-tests, first dispatch table.
/// Idempotent and thread-safe; every other entry point initializes lazily, so calling it is
/// optional, but it lets a program fail early. Returns `XPS_E_SELFTEST_FAILED` if a self-test
/// failed (then every operation fails).
#[no_mangle]
pub extern "C" fn xps_init() -> xps_status {
    guard(xpscrypto_core::init)
}

/// The runtime library version string, e.g. "0.1.0" (static storage).
#[no_mangle]
pub extern "C" fn xps_version() -> *const c_char {
    VERSION_C.as_ptr()
}

const VERSION_C: &std::ffi::CStr = match std::ffi::CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
    Ok(c) => c,
    Err(_) => panic!("version contains NUL"),
};

#[cfg(test)]
fn xps_version_str() -> &'static str {
    VERSION_C.to_str().unwrap()
}

/// The runtime library version as `major*10000 + minor*100 + patch`.
#[no_mangle]
pub extern "C" fn xps_version_number() -> u32 {
    XPS_VERSION_NUMBER
}

/// Symbolic name of a status ("XPS_E_AUTHENTICATION_FAILED"), or "XPS_E_UNKNOWN_STATUS".
/// Static storage; never NULL.
#[no_mangle]
pub extern "C" fn xps_status_name(status: xps_status) -> *const c_char {
    guard_value(c"XPS_E_UNKNOWN_STATUS".as_ptr(), || {
        Status::from_code(status).map_or(c"XPS_E_UNKNOWN_STATUS".as_ptr(), |s| interned(s.name()))
    })
}

/// One-line description of a status. Static storage; never NULL.
#[no_mangle]
pub extern "C" fn xps_status_message(status: xps_status) -> *const c_char {
    guard_value(c"unknown status code".as_ptr(), || {
        Status::from_code(status).map_or(c"unknown status code".as_ptr(), |s| interned(s.message()))
    })
}

/// Category of a status: `status / 100` (0 ok, 1 misuse, 2 crypto failure, 3 policy,
/// 4 environment, 5 dispatch/patch, 6 internal).
#[no_mangle]
pub extern "C" fn xps_status_category(status: xps_status) -> i32 {
    status / 100
}

/// Detail of the last failure on the calling thread ("" after a success). Valid until the
/// next xpscrypto call on this thread; never NULL; never contains secret material.
#[no_mangle]
pub extern "C" fn xps_last_error_detail() -> *const c_char {
    last_error_ptr()
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn codes_match_core() {
        let pairs = [
            (XPS_OK, Status::Ok),
            (XPS_E_NULL_POINTER, Status::NullPointer),
            (XPS_E_INVALID_LENGTH, Status::InvalidLength),
            (XPS_E_BAD_KEY_LENGTH, Status::BadKeyLength),
            (XPS_E_BAD_NONCE_LENGTH, Status::BadNonceLength),
            (XPS_E_BAD_TAG_LENGTH, Status::BadTagLength),
            (XPS_E_BUFFER_TOO_SMALL, Status::BufferTooSmall),
            (XPS_E_OVERLAP, Status::Overlap),
            (XPS_E_UNKNOWN_ALGORITHM, Status::UnknownAlgorithm),
            (XPS_E_WRONG_ALGORITHM_FAMILY, Status::WrongAlgorithmFamily),
            (XPS_E_OUTPUT_TOO_LONG, Status::OutputTooLong),
            (XPS_E_INVALID_PARAMETER, Status::InvalidParameter),
            (XPS_E_LENGTH_OVERFLOW, Status::LengthOverflow),
            (XPS_E_INVALID_STATE, Status::InvalidState),
            (XPS_E_INVALID_KEY, Status::InvalidKey),
            (XPS_E_UNKNOWN_KEY, Status::UnknownKey),
            (XPS_E_KEY_EXISTS, Status::KeyExists),
            (XPS_E_MALFORMED_ENVELOPE, Status::MalformedEnvelope),
            (XPS_E_MALFORMED_KEYRING, Status::MalformedKeyring),
            (XPS_E_UNSUPPORTED_FORMAT, Status::UnsupportedFormat),
            (XPS_E_AUTHENTICATION_FAILED, Status::AuthenticationFailed),
            (XPS_E_BAD_SIGNATURE, Status::BadSignature),
            (XPS_E_WEAK_PUBLIC_KEY, Status::WeakPublicKey),
            (XPS_E_POLICY_DENIED, Status::PolicyDenied),
            (XPS_E_KEY_REVOKED, Status::KeyRevoked),
            (XPS_E_KEY_RETIRED, Status::KeyRetired),
            (XPS_E_KEY_DESTROYED, Status::KeyDestroyed),
            (XPS_E_BELOW_MIN_DECRYPTION_VERSION, Status::BelowMinDecryptionVersion),
            (XPS_E_KEY_USAGE_EXHAUSTED, Status::KeyUsageExhausted),
            (XPS_E_RANDOM_FAILED, Status::RandomFailed),
            (XPS_E_OUT_OF_MEMORY, Status::OutOfMemory),
            (XPS_E_MLOCK_FAILED, Status::MlockFailed),
            (XPS_E_KEYRING_IO, Status::KeyringIo),
            (XPS_E_UNKNOWN_OP, Status::UnknownOp),
            (XPS_E_UNKNOWN_KERNEL, Status::UnknownKernel),
            (XPS_E_KERNEL_UNAVAILABLE, Status::KernelUnavailable),
            (XPS_E_PATCH_MALFORMED, Status::PatchMalformed),
            (XPS_E_PATCH_SIGNATURE, Status::PatchSignature),
            (XPS_E_PATCH_DIGEST, Status::PatchDigest),
            (XPS_E_PATCH_POLICY, Status::PatchPolicy),
            (XPS_E_PATCH_DOWNGRADE, Status::PatchDowngrade),
            (XPS_E_PATCH_LOAD, Status::PatchLoad),
            (XPS_E_PATCH_ABI, Status::PatchAbi),
            (XPS_E_PATCH_CPU, Status::PatchCpu),
            (XPS_E_PATCH_KAT, Status::PatchKat),
            (XPS_E_PATCH_DIFFERENTIAL, Status::PatchDifferential),
            (XPS_E_PATCH_AUDIT, Status::PatchAudit),
            (XPS_E_NOTHING_TO_ROLLBACK, Status::NothingToRollback),
            (XPS_E_SELFTEST_FAILED, Status::SelfTestFailed),
            (XPS_E_PANIC, Status::Panic),
            (XPS_E_INTERNAL, Status::Internal),
        ];
        assert_eq!(pairs.len(), Status::ALL.len());
        for (c, s) in pairs {
            assert_eq!(c, s.code(), "{}", s.name());
        }
        let v = env!("CARGO_PKG_VERSION");
        let header = include_str!("../../include/xpscrypto.h");
        assert!(header.contains(&format!("#define XPS_VERSION_STRING \"{v}\"")), "header version string out of date");
        assert_eq!(xps_version_str(), v);
        assert_eq!(v, format!("{XPS_VERSION_MAJOR}.{XPS_VERSION_MINOR}.{XPS_VERSION_PATCH}"));
    }
}
