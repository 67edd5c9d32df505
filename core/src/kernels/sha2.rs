//! SHA-384 / SHA-512: the `sha2` crate (which picks its own AVX2 path at run time).

use super::digest_kernel;
use crate::dispatch::{HashKernel, KernelDesc};

static D384: KernelDesc = KernelDesc { name: c"sha384/rustcrypto".as_ptr(), requires: 0, constant_time: true, priority: 0 };
static D512: KernelDesc = KernelDesc { name: c"sha512/rustcrypto".as_ptr(), requires: 0, constant_time: true, priority: 0 };

pub static SHA384: [HashKernel; 1] = [digest_kernel::<sha2::Sha384>(&D384)];
pub static SHA512: [HashKernel; 1] = [digest_kernel::<sha2::Sha512>(&D512)];
