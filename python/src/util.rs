//! Shared argument handling.

use pyo3::prelude::*;
use xpscrypto_core::{Alg, Family, Status};

use crate::errors::{status_err, OrPy};

/// A canonical algorithm name of the expected family.
pub fn alg(name: &str, family: Family) -> PyResult<Alg> {
    let a = Alg::from_name(name).ok_or_else(|| status_err(Status::UnknownAlgorithm, format!("unknown algorithm name {:?} (see xpscrypto.algorithms())", shown(name))))?;
    if a.family() != family {
        return a.expect(family).py(); // the wrong-family error
    }
    // The policy is checked (and a refusal counted in the metrics) by the core call itself.
    Ok(a)
}

/// At most 24 characters of a caller's string for an error message (a key passed by mistake where
/// a name belongs must not be echoed whole).
pub fn shown(name: &str) -> String {
    let mut it = name.chars();
    let head: String = it.by_ref().take(24).collect();
    if it.next().is_some() { format!("{head}…") } else { head }
}
