//! Keyring file: header parsing and the body decoder never panic on any input (the body is
//! normally authenticated first; the decoder is fuzzed directly as defence in depth).
#![no_main]
use libfuzzer_sys::fuzz_target;
use xpscrypto_core::keyring::{model, store};

fuzz_target!(|data: &[u8]| {
    let _ = store::peek_revision(data);
    if let Ok(keys) = model::decode(data) {
        let again = model::encode(&keys);
        assert_eq!(model::decode(&again).map(|k| k.len()).ok(), Some(keys.len()));
    }
});
