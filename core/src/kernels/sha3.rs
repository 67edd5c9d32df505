//! SHA-3 and SHAKE: the `sha3` and `shake` crates (scalar Keccak on stable Rust).

use super::{digest_kernel, xof_kernel};
use crate::dispatch::{HashKernel, KernelDesc};

static D256: KernelDesc = KernelDesc { name: c"sha3-256/rustcrypto".as_ptr(), requires: 0, constant_time: true, priority: 0 };
static D512: KernelDesc = KernelDesc { name: c"sha3-512/rustcrypto".as_ptr(), requires: 0, constant_time: true, priority: 0 };
static DS128: KernelDesc = KernelDesc { name: c"shake128/rustcrypto".as_ptr(), requires: 0, constant_time: true, priority: 0 };
static DS256: KernelDesc = KernelDesc { name: c"shake256/rustcrypto".as_ptr(), requires: 0, constant_time: true, priority: 0 };

pub static SHA3_256: [HashKernel; 1] = [digest_kernel::<sha3::Sha3_256>(&D256)];
pub static SHA3_512: [HashKernel; 1] = [digest_kernel::<sha3::Sha3_512>(&D512)];
pub static SHAKE128: [HashKernel; 1] = [xof_kernel::<shake::Shake128>(&DS128)];
pub static SHAKE256: [HashKernel; 1] = [xof_kernel::<shake::Shake256>(&DS256)];
