//! Poly1305 (one-time key) under our streaming layer (partial-block buffering; the final partial
//! block is processed unpadded per RFC 8439), over two block functions: the `poly1305` crate
//! (`rustcrypto`) and ours (`scalar`, 64-bit limbs: the portable and selected one, lower fixed cost).

pub mod scalar;
#[cfg(target_arch = "x86_64")]
pub(crate) mod x86_ifma;

use crate::dispatch::abi::{slice, slice_mut, HashKernel, HashState, KernelDesc};
use crate::kernels::state::fits;
use poly1305::universal_hash::{KeyInit, UniversalHash};

#[repr(C)]
struct State {
    mac: poly1305::Poly1305,
    buf: [u8; 16],
    buf_len: usize,
}

unsafe extern "C" fn init(st: *mut HashState, key: *const u8, key_len: usize, _m: u32) {
    // SAFETY: `key` is valid for `key_len` (= 32, validated by caller) bytes.
    let key = unsafe { slice(key, key_len) };
    let mac = poly1305::Poly1305::new(key.try_into().expect("poly1305 key length validated by caller"));
    // SAFETY: `st` is a valid HashState; `fits::<State>()` checked size and alignment.
    unsafe { st.cast::<State>().write(State { mac, buf: [0; 16], buf_len: 0 }) }
}

unsafe extern "C" fn update(st: *mut HashState, data: *const u8, len: usize) {
    // SAFETY: `st` holds a State written by `init`.
    let s = unsafe { &mut *st.cast::<State>() };
    // SAFETY: `data` is valid for `len` bytes.
    let mut data = unsafe { slice(data, len) };
    if s.buf_len > 0 {
        let take = (16 - s.buf_len).min(data.len());
        s.buf[s.buf_len..s.buf_len + take].copy_from_slice(&data[..take]);
        s.buf_len += take;
        data = &data[take..];
        if s.buf_len < 16 {
            return;
        }
        s.mac.update(&[s.buf.into()]);
        s.buf_len = 0;
    }
    let full = data.len() & !15;
    let (blocks, _) = data[..full].as_chunks::<16>();
    for b in blocks {
        s.mac.update(&[(*b).into()]);
    }
    let rest = &data[full..];
    s.buf[..rest.len()].copy_from_slice(rest);
    s.buf_len = rest.len();
}

unsafe extern "C" fn finalize(st: *mut HashState, out: *mut u8, out_len: usize) {
    // SAFETY: `st` holds a State; we move it out (the caller wipes the blob).
    let s = unsafe { st.cast::<State>().read() };
    let tag = s.mac.compute_unpadded(&s.buf[..s.buf_len]);
    let n = out_len.min(16);
    // SAFETY: `out` valid for `out_len >= n` bytes.
    unsafe { slice_mut(out, n) }.copy_from_slice(&tag[..n]);
}

static DESC: KernelDesc = KernelDesc { name: c"poly1305/rustcrypto".as_ptr(), requires: 0, constant_time: true, priority: 0 };

/// Streaming state over the scalar block function.
#[repr(C)]
struct ScalarState {
    mac: scalar::Poly1305,
    buf: [u8; 16],
    buf_len: usize,
}

unsafe extern "C" fn scalar_init(st: *mut HashState, key: *const u8, key_len: usize, _m: u32) {
    // SAFETY: `key` is valid for `key_len` (= 32, validated by caller) bytes.
    let key: &[u8; 32] = unsafe { slice(key, key_len) }.try_into().expect("poly1305 key length validated by caller");
    // SAFETY: `st` is a valid HashState; `fits::<ScalarState>()` checked size and alignment.
    unsafe { st.cast::<ScalarState>().write(ScalarState { mac: scalar::Poly1305::new(key), buf: [0; 16], buf_len: 0 }) }
}

unsafe extern "C" fn scalar_update(st: *mut HashState, data: *const u8, len: usize) {
    // SAFETY: `st` holds a ScalarState written by `scalar_init`.
    let s = unsafe { &mut *st.cast::<ScalarState>() };
    // SAFETY: `data` is valid for `len` bytes.
    let mut data = unsafe { slice(data, len) };
    if s.buf_len > 0 {
        let take = (16 - s.buf_len).min(data.len());
        s.buf[s.buf_len..s.buf_len + take].copy_from_slice(&data[..take]);
        s.buf_len += take;
        data = &data[take..];
        if s.buf_len < 16 {
            return;
        }
        s.mac.update_padded(&s.buf);
        s.buf_len = 0;
    }
    let full = data.len() & !15;
    s.mac.update_padded(&data[..full]);
    let rest = &data[full..];
    s.buf[..rest.len()].copy_from_slice(rest);
    s.buf_len = rest.len();
}

unsafe extern "C" fn scalar_finalize(st: *mut HashState, out: *mut u8, out_len: usize) {
    // SAFETY: `st` holds a ScalarState; we move it out (the caller wipes the blob).
    let mut s = unsafe { st.cast::<ScalarState>().read() };
    s.mac.update_unpadded_final(&s.buf[..s.buf_len]);
    let mac = std::mem::replace(&mut s.mac, scalar::Poly1305::new(&[0; 32]));
    let tag = mac.finalize();
    let n = out_len.min(16);
    // SAFETY: `out` valid for `out_len >= n` bytes.
    unsafe { slice_mut(out, n) }.copy_from_slice(&tag[..n]);
}

static SCALAR: KernelDesc = KernelDesc { name: c"poly1305/scalar".as_ptr(), requires: 0, constant_time: true, priority: 10 };

/// The scalar kernel is the portable one (first: selected with every ISA feature masked off); the
/// crate's stays available to force and as the differential tests' second implementation.
pub static CANDIDATES: [HashKernel; 2] = [
    HashKernel { desc: &SCALAR, state_size: fits::<ScalarState>(), init: scalar_init, update: scalar_update, finalize: scalar_finalize, oneshot: None, compress: None },
    HashKernel { desc: &DESC, state_size: fits::<State>(), init, update, finalize, oneshot: None, compress: None },
];
