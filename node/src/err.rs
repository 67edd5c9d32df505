//! Errors: a failed call throws a JS `Error` whose `code` is the status name (`'XPS_E_…'`) and
//! whose message is the core's detail; `index.js` re-throws it as the matching `XpsError`
//! subclass with the numeric `.status`. Async tasks (fixed napi status type) put the name at the
//! start of the message instead; `index.js` reads either.

use napi::{Error, Status as NapiStatus};
use xpscrypto_core::{Alg, Family, Status};

/// The `code` of a thrown error: a status name.
#[derive(Debug, Clone, Copy)]
pub struct Code(pub &'static str);

impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        self.0
    }
}

pub type Result<T> = std::result::Result<T, Error<Code>>;

pub fn js(e: xpscrypto_core::Error) -> Error<Code> {
    Error::new(Code(e.status.name()), e.detail.to_string())
}

pub fn status(s: Status, detail: impl Into<String>) -> Error<Code> {
    Error::new(Code(s.name()), detail.into())
}


/// The async-task form: napi's status type, the status name leading the message.
pub fn task_err(e: xpscrypto_core::Error) -> Error {
    Error::new(NapiStatus::GenericFailure, format!("{}: {}", e.status.name(), e.detail))
}

pub trait OrJs<T> {
    fn js(self) -> Result<T>;
}

impl<T> OrJs<T> for xpscrypto_core::Result<T> {
    fn js(self) -> Result<T> {
        self.map_err(js)
    }
}

/// A canonical algorithm name of the expected family.
pub fn alg(name: &str, family: Family) -> xpscrypto_core::Result<Alg> {
    let a = Alg::from_name(name)
        .ok_or_else(|| xpscrypto_core::Error::new(Status::UnknownAlgorithm, format!("unknown algorithm name {:?} (see algorithms())", shown(name))))?;
    if a.family() != family {
        return a.expect(family); // the wrong-family error
    }
    // The policy is checked (and a refusal counted in the metrics) by the core call itself.
    Ok(a)
}

/// A new Node `Buffer` of `n` bytes in V8-managed memory, filled by `f` (napi's `Buffer::from(Vec)`
/// makes an *external* buffer whose GC finalizer costs more than a short AEAD call).
pub fn new_buffer(env: &napi::Env, n: usize, f: impl FnOnce(&mut [u8]) -> xpscrypto_core::Result<()>) -> Result<OutBuf> {
    let mut data = std::ptr::null_mut();
    let mut val = std::ptr::null_mut();
    // SAFETY: a plain napi call on the JS thread with out-pointers to locals.
    let st = unsafe { napi::sys::napi_create_buffer(env.raw(), n, &mut data, &mut val) };
    if st != napi::sys::Status::napi_ok || (n > 0 && data.is_null()) {
        return Err(status(Status::OutOfMemory, format!("could not allocate a {n}-byte Buffer")));
    }
    let out: &mut [u8] = if n == 0 {
        &mut []
    } else {
        // SAFETY: napi_create_buffer returned `n` writable bytes owned by the new Buffer, which
        // nothing else references yet; they are zeroed before a slice is formed over them.
        unsafe {
            std::ptr::write_bytes(data.cast::<u8>(), 0, n);
            std::slice::from_raw_parts_mut(data.cast::<u8>(), n)
        }
    };
    f(out).map_err(js)?;
    Ok(OutBuf(val))
}

/// A `Buffer` made by [`new_buffer`].
pub struct OutBuf(napi::sys::napi_value);

impl napi::bindgen_prelude::TypeName for OutBuf {
    fn type_name() -> &'static str {
        "Buffer"
    }
    fn value_type() -> napi::ValueType {
        napi::ValueType::Object
    }
}

impl napi::bindgen_prelude::ToNapiValue for OutBuf {
    unsafe fn to_napi_value(_env: napi::sys::napi_env, val: Self) -> napi::Result<napi::sys::napi_value> {
        Ok(val.0)
    }
}

/// At most 24 characters of a caller's string for an error message (a key passed by mistake where
/// a name belongs must not be echoed whole).
pub fn shown(name: &str) -> String {
    let mut it = name.chars();
    let head: String = it.by_ref().take(24).collect();
    if it.next().is_some() { format!("{head}…") } else { head }
}
