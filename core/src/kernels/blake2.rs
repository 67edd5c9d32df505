//! BLAKE2b-512 and BLAKE2s-256: the `blake2` crate.

use super::digest_kernel;
use crate::dispatch::{HashKernel, KernelDesc};

static DB: KernelDesc = KernelDesc { name: c"blake2b-512/rustcrypto".as_ptr(), requires: 0, constant_time: true, priority: 0 };
static DS: KernelDesc = KernelDesc { name: c"blake2s-256/rustcrypto".as_ptr(), requires: 0, constant_time: true, priority: 0 };

pub static BLAKE2B_512: [HashKernel; 1] = [digest_kernel::<blake2::Blake2b512>(&DB)];
pub static BLAKE2S_256: [HashKernel; 1] = [digest_kernel::<blake2::Blake2s256>(&DS)];
