//! Argon2id (RFC 9106, version 0x13): the `argon2` crate.

use crate::dispatch::abi::{slice, slice_mut, Argon2Kernel, Argon2Params, KernelDesc};

unsafe extern "C" fn run(
    p: *const Argon2Params,
    pwd: *const u8,
    pwd_len: usize,
    salt: *const u8,
    salt_len: usize,
    secret: *const u8,
    secret_len: usize,
    ad: *const u8,
    ad_len: usize,
    out: *mut u8,
    out_len: usize,
) -> i32 {
    // SAFETY: all pointers are valid for their lengths (caller contract); `p` is a valid Params.
    let (p, pwd, salt, secret, ad, out) = unsafe {
        (&*p, slice(pwd, pwd_len), slice(salt, salt_len), slice(secret, secret_len), slice(ad, ad_len), slice_mut(out, out_len))
    };
    let data = match argon2::AssociatedData::new(ad) {
        Ok(d) => d,
        Err(_) => return 1,
    };
    let params = match argon2::ParamsBuilder::new()
        .m_cost(p.m_cost_kib)
        .t_cost(p.t_cost)
        .p_cost(p.parallelism)
        .data(data)
        .output_len(out_len)
        .build()
    {
        Ok(x) => x,
        Err(_) => return 1,
    };
    let ctx = if secret.is_empty() {
        argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
    } else {
        match argon2::Argon2::new_with_secret(secret, argon2::Algorithm::Argon2id, argon2::Version::V0x13, params) {
            Ok(c) => c,
            Err(_) => return 1,
        }
    };
    match ctx.hash_password_into(pwd, salt, out) {
        Ok(()) => 0,
        Err(_) => 2,
    }
}

static DESC: KernelDesc = KernelDesc { name: c"argon2id/rustcrypto".as_ptr(), requires: 0, constant_time: true, priority: 0 };

pub static CANDIDATES: [Argon2Kernel; 1] = [Argon2Kernel { desc: &DESC, run }];
