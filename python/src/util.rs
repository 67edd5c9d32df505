//! Shared argument handling.

use pyo3::prelude::*;
use xpscrypto_core::{Alg, Family, Status};

use crate::errors::{status_err, OrPy};

/// A canonical algorithm name of the expected family.
pub fn alg(name: &str, family: Family) -> PyResult<Alg> {
    let a = Alg::from_name(name).ok_or_else(|| status_err(Status::UnknownAlgorithm, format!("unknown algorithm name {name:?} (see xpscrypto.algorithms())")))?;
    a.expect(family).py()
}
