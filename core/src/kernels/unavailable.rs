//! Table filler for a public-key slot that has no kernel in this build: every entry reports
//! `UnknownAlgorithm`. Such an op is not listed by `dispatch::ops()` and cannot be forced.

use crate::dispatch::abi::{KemKernel, KernelDesc, SignKernel};
use crate::error::Status;

static DESC: KernelDesc = KernelDesc { name: c"unavailable".as_ptr(), requires: 0, constant_time: true, priority: i32::MIN };

fn none() -> i32 {
    Status::UnknownAlgorithm.code()
}

unsafe extern "C" fn s_keypair(_: *const u8, _: usize, _: *mut u8, _: usize, _: *mut usize, _: *mut u8, _: usize, _: *mut usize) -> i32 {
    none()
}
unsafe extern "C" fn s_public(_: *const u8, _: usize, _: *mut u8, _: usize, _: *mut usize) -> i32 {
    none()
}
unsafe extern "C" fn s_sign(_: *const u8, _: usize, _: *const u8, _: usize, _: *const u8, _: usize, _: u32, _: *mut u8, _: usize, _: *mut usize) -> i32 {
    none()
}
unsafe extern "C" fn s_verify(_: *const u8, _: usize, _: *const u8, _: usize, _: *const u8, _: usize, _: *const u8, _: usize) -> i32 {
    none()
}
unsafe extern "C" fn k_keypair(_: *const u8, _: usize, _: *mut u8, _: *mut u8) -> i32 {
    none()
}
unsafe extern "C" fn k_encaps(_: *const u8, _: *const u8, _: usize, _: *mut u8, _: *mut u8) -> i32 {
    none()
}
unsafe extern "C" fn k_decaps(_: *const u8, _: *const u8, _: *mut u8) -> i32 {
    none()
}

pub const SIGN: SignKernel = SignKernel {
    desc: &DESC,
    pk_len: 0,
    sk_len: 0,
    sig_len: 0,
    seed_len: 0,
    max_ctx_len: 0,
    caps: 0,
    keypair: s_keypair,
    public_from_secret: s_public,
    sign: s_sign,
    verify: s_verify,
};

pub const KEM: KemKernel = KemKernel {
    desc: &DESC,
    pk_len: 0,
    sk_len: 0,
    ct_len: 0,
    ss_len: 0,
    seed_len: 0,
    enc_seed_len: 0,
    caps: 0,
    keypair: k_keypair,
    encaps: k_encaps,
    decaps: k_decaps,
};
