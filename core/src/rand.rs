//! Operating-system randomness (getrandom(2) on Linux).

use crate::error::{err, Result, Status};

/// Fills `out` from the OS CSPRNG.
pub fn random_bytes(out: &mut [u8]) -> Result<()> {
    getrandom::fill(out).map_err(|e| err(Status::RandomFailed, format!("OS random number generator failed: {e}")))
}
