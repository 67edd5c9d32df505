//! The C ABI's panic boundary: a deliberate panic inside the library (test builds only) comes back
//! as XPS_E_PANIC with a detail message, and the library keeps working afterwards.
#![cfg(feature = "testing")]

use std::ffi::CStr;
use xpscrypto::*;

#[test]
fn panic_becomes_status() {
    assert_eq!(xps_init(), XPS_OK);
    let prev = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {})); // keep the test output clean
    let st = xps_test_panic();
    std::panic::set_hook(prev);
    assert_eq!(st, XPS_E_PANIC);
    // SAFETY: the returned pointers are NUL-terminated strings owned by the library.
    let (name, detail) = unsafe { (CStr::from_ptr(xps_status_name(st)), CStr::from_ptr(xps_last_error_detail())) };
    assert_eq!(name.to_str().unwrap(), "XPS_E_PANIC");
    assert!(detail.to_str().unwrap().contains("panic"));
    let mut out = [0u8; 32];
    let mut n = 0usize;
    // SAFETY: valid buffers with their lengths.
    let st = unsafe { xps_hash(XPS_ALG_SHA256, b"abc".as_ptr(), 3, out.as_mut_ptr(), 32, &mut n) };
    assert_eq!((st, n), (XPS_OK, 32));
}

#[test]
fn every_status_has_name_and_message() {
    for s in xpscrypto_core::Status::ALL {
        // SAFETY: static NUL-terminated strings.
        let name = unsafe { CStr::from_ptr(xps_status_name(s.code())) }.to_str().unwrap();
        assert_eq!(name, s.name());
        // SAFETY: as above.
        assert!(!unsafe { CStr::from_ptr(xps_status_message(s.code())) }.to_bytes().is_empty());
    }
    // SAFETY: as above.
    assert_eq!(unsafe { CStr::from_ptr(xps_status_name(12345)) }.to_str().unwrap(), "XPS_E_UNKNOWN_STATUS");
}
