//! xpscrypto-core: the engine of xpscrypto.
//!
//! Every operation goes through the dispatch table ([`dispatch`]): per-op candidate kernels
//! (portable + CPU-accelerated) chosen by CPU features ∩ policy, swappable at run time.
//! The typed API lives in [`hash`], [`mac`], [`aead`], [`kdf`], [`sign`] and [`kem`]; secrets live in
//! [`secure::SecureBuffer`]. Status codes are in [`error`], canonical names in [`alg`].

pub mod aead;
pub mod alg;
pub mod cpu;
pub mod dispatch;
pub mod error;
pub mod hash;
pub mod hpke;
pub mod hazmat;
pub mod hotpatch;
mod hmac_sha256;
mod hmac_sha512;
mod hmac_stream;
pub mod kdf;
pub mod kem;
pub mod kernels;
pub mod keyring;
pub mod mac;
pub mod metrics;
pub mod policy;
pub mod rand;
pub mod secure;
pub mod selftest;
pub mod sign;
mod selftest_pk;

pub use alg::{Alg, Family};
pub use error::{Error, Result, Status};
pub use secure::ct::{ct_equal, ct_is_zero, secure_zero};
pub use secure::SecureBuffer;

/// Library version (the crate version).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Initializes the library: detects CPU features, runs the power-on self-tests, publishes the
/// first dispatch table. Idempotent; every entry point also initializes lazily.
pub fn init() -> Result<()> {
    dispatch::table().map(|_| ())
}

/// Test builds only: a deliberate panic inside the library, to prove the C ABI's panic boundary.
#[cfg(feature = "testing")]
pub fn panic_for_testing() -> Result<()> {
    panic!("deliberate panic (testing feature)")
}
