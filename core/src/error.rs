//! Stable status codes (never renumbered once released) and the core error type.
//!
//! Codes are grouped by category, one hundred per category, so a caller can classify an unknown
//! future code by `code / 100`: 1 misuse, 2 crypto failure, 3 policy, 4 environment,
//! 5 dispatch/patch, 6 internal.

use std::borrow::Cow;
use std::fmt;

/// A status code of the library. `Ok` is 0; every other value is an error.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Status {
    Ok = 0,
    // --- misuse (1xx): the caller passed something the API does not accept
    NullPointer = 101,
    InvalidLength = 102,
    BadKeyLength = 103,
    BadNonceLength = 104,
    BadTagLength = 105,
    BufferTooSmall = 106,
    Overlap = 107,
    UnknownAlgorithm = 108,
    WrongAlgorithmFamily = 109,
    OutputTooLong = 110,
    InvalidParameter = 111,
    LengthOverflow = 112,
    InvalidState = 113,
    InvalidKey = 114,
    UnknownKey = 115,
    KeyExists = 116,
    MalformedEnvelope = 117,
    MalformedKeyring = 118,
    UnsupportedFormat = 119,
    // --- crypto failure (2xx): the inputs were well-formed but did not verify
    AuthenticationFailed = 201,
    BadSignature = 202,
    WeakPublicKey = 203,
    // --- policy (3xx)
    PolicyDenied = 301,
    KeyRevoked = 302,
    KeyRetired = 303,
    KeyDestroyed = 304,
    BelowMinDecryptionVersion = 305,
    KeyUsageExhausted = 306,
    // --- environment (4xx)
    RandomFailed = 401,
    OutOfMemory = 402,
    MlockFailed = 403,
    KeyringIo = 404,
    // --- dispatch / patch (5xx)
    UnknownOp = 501,
    UnknownKernel = 502,
    KernelUnavailable = 503,
    PatchMalformed = 504,
    PatchSignature = 505,
    PatchDigest = 506,
    PatchPolicy = 507,
    PatchDowngrade = 508,
    PatchLoad = 509,
    PatchAbi = 510,
    PatchCpu = 511,
    PatchKat = 512,
    PatchDifferential = 513,
    PatchAudit = 514,
    NothingToRollback = 515,
    // --- internal (6xx)
    SelfTestFailed = 601,
    Panic = 602,
    Internal = 603,
}

impl Status {
    /// Every status, in numeric order (used by the C ABI tables and tests).
    pub const ALL: &'static [Status] = &[
        Status::Ok,
        Status::NullPointer,
        Status::InvalidLength,
        Status::BadKeyLength,
        Status::BadNonceLength,
        Status::BadTagLength,
        Status::BufferTooSmall,
        Status::Overlap,
        Status::UnknownAlgorithm,
        Status::WrongAlgorithmFamily,
        Status::OutputTooLong,
        Status::InvalidParameter,
        Status::LengthOverflow,
        Status::InvalidState,
        Status::InvalidKey,
        Status::UnknownKey,
        Status::KeyExists,
        Status::MalformedEnvelope,
        Status::MalformedKeyring,
        Status::UnsupportedFormat,
        Status::AuthenticationFailed,
        Status::BadSignature,
        Status::WeakPublicKey,
        Status::PolicyDenied,
        Status::KeyRevoked,
        Status::KeyRetired,
        Status::KeyDestroyed,
        Status::BelowMinDecryptionVersion,
        Status::KeyUsageExhausted,
        Status::RandomFailed,
        Status::OutOfMemory,
        Status::MlockFailed,
        Status::KeyringIo,
        Status::UnknownOp,
        Status::UnknownKernel,
        Status::KernelUnavailable,
        Status::PatchMalformed,
        Status::PatchSignature,
        Status::PatchDigest,
        Status::PatchPolicy,
        Status::PatchDowngrade,
        Status::PatchLoad,
        Status::PatchAbi,
        Status::PatchCpu,
        Status::PatchKat,
        Status::PatchDifferential,
        Status::PatchAudit,
        Status::NothingToRollback,
        Status::SelfTestFailed,
        Status::Panic,
        Status::Internal,
    ];

    pub fn code(self) -> i32 {
        self as i32
    }

    pub fn from_code(code: i32) -> Option<Status> {
        Status::ALL.iter().copied().find(|s| s.code() == code)
    }

    /// The stable symbolic name, as in the C header (`XPS_E_…`).
    pub fn name(self) -> &'static str {
        match self {
            Status::Ok => "XPS_OK",
            Status::NullPointer => "XPS_E_NULL_POINTER",
            Status::InvalidLength => "XPS_E_INVALID_LENGTH",
            Status::BadKeyLength => "XPS_E_BAD_KEY_LENGTH",
            Status::BadNonceLength => "XPS_E_BAD_NONCE_LENGTH",
            Status::BadTagLength => "XPS_E_BAD_TAG_LENGTH",
            Status::BufferTooSmall => "XPS_E_BUFFER_TOO_SMALL",
            Status::Overlap => "XPS_E_OVERLAP",
            Status::UnknownAlgorithm => "XPS_E_UNKNOWN_ALGORITHM",
            Status::WrongAlgorithmFamily => "XPS_E_WRONG_ALGORITHM_FAMILY",
            Status::OutputTooLong => "XPS_E_OUTPUT_TOO_LONG",
            Status::InvalidParameter => "XPS_E_INVALID_PARAMETER",
            Status::LengthOverflow => "XPS_E_LENGTH_OVERFLOW",
            Status::InvalidState => "XPS_E_INVALID_STATE",
            Status::InvalidKey => "XPS_E_INVALID_KEY",
            Status::UnknownKey => "XPS_E_UNKNOWN_KEY",
            Status::KeyExists => "XPS_E_KEY_EXISTS",
            Status::MalformedEnvelope => "XPS_E_MALFORMED_ENVELOPE",
            Status::MalformedKeyring => "XPS_E_MALFORMED_KEYRING",
            Status::UnsupportedFormat => "XPS_E_UNSUPPORTED_FORMAT",
            Status::AuthenticationFailed => "XPS_E_AUTHENTICATION_FAILED",
            Status::BadSignature => "XPS_E_BAD_SIGNATURE",
            Status::WeakPublicKey => "XPS_E_WEAK_PUBLIC_KEY",
            Status::PolicyDenied => "XPS_E_POLICY_DENIED",
            Status::KeyRevoked => "XPS_E_KEY_REVOKED",
            Status::KeyRetired => "XPS_E_KEY_RETIRED",
            Status::KeyDestroyed => "XPS_E_KEY_DESTROYED",
            Status::BelowMinDecryptionVersion => "XPS_E_BELOW_MIN_DECRYPTION_VERSION",
            Status::KeyUsageExhausted => "XPS_E_KEY_USAGE_EXHAUSTED",
            Status::RandomFailed => "XPS_E_RANDOM_FAILED",
            Status::OutOfMemory => "XPS_E_OUT_OF_MEMORY",
            Status::MlockFailed => "XPS_E_MLOCK_FAILED",
            Status::KeyringIo => "XPS_E_KEYRING_IO",
            Status::UnknownOp => "XPS_E_UNKNOWN_OP",
            Status::UnknownKernel => "XPS_E_UNKNOWN_KERNEL",
            Status::KernelUnavailable => "XPS_E_KERNEL_UNAVAILABLE",
            Status::PatchMalformed => "XPS_E_PATCH_MALFORMED",
            Status::PatchSignature => "XPS_E_PATCH_SIGNATURE",
            Status::PatchDigest => "XPS_E_PATCH_DIGEST",
            Status::PatchPolicy => "XPS_E_PATCH_POLICY",
            Status::PatchDowngrade => "XPS_E_PATCH_DOWNGRADE",
            Status::PatchLoad => "XPS_E_PATCH_LOAD",
            Status::PatchAbi => "XPS_E_PATCH_ABI",
            Status::PatchCpu => "XPS_E_PATCH_CPU",
            Status::PatchKat => "XPS_E_PATCH_KAT",
            Status::PatchDifferential => "XPS_E_PATCH_DIFFERENTIAL",
            Status::PatchAudit => "XPS_E_PATCH_AUDIT",
            Status::NothingToRollback => "XPS_E_NOTHING_TO_ROLLBACK",
            Status::SelfTestFailed => "XPS_E_SELFTEST_FAILED",
            Status::Panic => "XPS_E_PANIC",
            Status::Internal => "XPS_E_INTERNAL",
        }
    }

    /// A one-line, human-readable description (stable wording is not promised).
    pub fn message(self) -> &'static str {
        match self {
            Status::Ok => "success",
            Status::NullPointer => "a required pointer was NULL",
            Status::InvalidLength => "an input length is not valid for this operation",
            Status::BadKeyLength => "the key has the wrong length for this algorithm",
            Status::BadNonceLength => "the nonce has the wrong length for this algorithm",
            Status::BadTagLength => "the tag has the wrong length for this algorithm",
            Status::BufferTooSmall => "the output buffer is too small (required size written to *out_len)",
            Status::Overlap => "input and output buffers partially overlap (only exact in-place is allowed)",
            Status::UnknownAlgorithm => "unknown algorithm id or name",
            Status::WrongAlgorithmFamily => "the algorithm exists but not for this kind of operation",
            Status::OutputTooLong => "the requested output length exceeds what the algorithm can produce",
            Status::InvalidParameter => "a parameter is out of its allowed range",
            Status::LengthOverflow => "a length computation would overflow",
            Status::InvalidState => "the object is in a state that does not allow this call",
            Status::InvalidKey => "the key is malformed or fails its validity checks (encoding, range, hash or modulus check)",
            Status::UnknownKey => "no such key or key version in the keyring",
            Status::KeyExists => "a key of that name already exists in the keyring",
            Status::MalformedEnvelope => "the envelope is malformed or truncated",
            Status::MalformedKeyring => "the keyring file is malformed, truncated or not a keyring file",
            Status::UnsupportedFormat => "the envelope or file uses a format version this library does not read",
            Status::AuthenticationFailed => "authentication failed: ciphertext, tag, nonce or associated data were altered",
            Status::BadSignature => "the signature or tag does not verify",
            Status::WeakPublicKey => "the peer public key is of low order: the shared secret would be all-zero",
            Status::PolicyDenied => "the active policy does not allow this",
            Status::KeyRevoked => "the key version is revoked",
            Status::KeyRetired => "the key version is retired",
            Status::KeyDestroyed => "the key version is destroyed (its material was wiped)",
            Status::BelowMinDecryptionVersion => "the key version is below the key's minimum decryption version",
            Status::KeyUsageExhausted => "the key version reached its maximum number of uses; rotate the key",
            Status::RandomFailed => "the operating system random number generator failed",
            Status::OutOfMemory => "memory allocation failed",
            Status::MlockFailed => "memory could not be locked (mlock) and the policy requires it",
            Status::KeyringIo => "reading, writing or locking the keyring file failed",
            Status::UnknownOp => "unknown dispatch operation",
            Status::UnknownKernel => "unknown kernel for this operation",
            Status::KernelUnavailable => "the kernel cannot run here (CPU features or policy)",
            Status::PatchMalformed => "hot-patch refused at step parse: the manifest or trust store is malformed, oversized or breaks the schema",
            Status::PatchSignature => "hot-patch refused at step signature: a signature is invalid or fewer trusted signers than required signed the manifest",
            Status::PatchDigest => "hot-patch refused at step digest: the payload size or SHA-256 differs from the manifest",
            Status::PatchPolicy => "hot-patch refused at step policy: a signer may not patch an op, the time window is closed, or the policy forbids it",
            Status::PatchDowngrade => "hot-patch refused at step policy: the patch version is not newer than the one active for an op",
            Status::PatchLoad => "hot-patch refused at step load: the payload is not a loadable shared library or lacks the entry point",
            Status::PatchAbi => "hot-patch refused at step abi: kernel ABI version or kernel descriptors do not match",
            Status::PatchCpu => "hot-patch refused at step cpu: a kernel needs CPU features this machine or the policy does not allow",
            Status::PatchKat => "hot-patch refused at step kat: a kernel failed its known-answer tests",
            Status::PatchDifferential => "hot-patch refused at step differential: a kernel differs from the portable kernel on random inputs",
            Status::PatchAudit => "hot-patch not activated: the audit record could not be written",
            Status::NothingToRollback => "no applied hot-patch to roll back",
            Status::SelfTestFailed => "a power-on self-test failed; the library refuses to operate",
            Status::Panic => "internal panic caught at the API boundary",
            Status::Internal => "internal error",
        }
    }

    /// The category number (`code / 100`).
    pub fn category(self) -> i32 {
        self.code() / 100
    }
}

/// An error: a stable [`Status`] plus a detail message for humans.
#[derive(Clone, PartialEq, Eq)]
pub struct Error {
    pub status: Status,
    pub detail: Cow<'static, str>,
}

impl Error {
    pub fn new(status: Status, detail: impl Into<Cow<'static, str>>) -> Self {
        Error { status, detail: detail.into() }
    }
}

impl From<Status> for Error {
    fn from(status: Status) -> Self {
        Error { status, detail: Cow::Borrowed(status.message()) }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}({}): {}", self.status.name(), self.status.code(), self.detail)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.status.name(), self.detail)
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;

/// Shorthand: `Err(err(Status::X, "detail"))`.
pub(crate) fn err(status: Status, detail: impl Into<Cow<'static, str>>) -> Error {
    Error::new(status, detail)
}
