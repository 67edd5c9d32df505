//! The libuv-pool side of the `*Async` twins: a closure over owned (copied, wiped-on-drop) inputs,
//! run by `AsyncTask` with an optional `AbortSignal` (an aborted task that has not started yet
//! rejects with an `AbortError`; a running one finishes, its result is discarded).

use napi::bindgen_prelude::*;
use zeroize::Zeroizing;

use crate::err::task_err;

/// Owned copy of an input for work off the JS thread (JS may mutate the original meanwhile).
pub fn own(b: &[u8]) -> Zeroizing<Vec<u8>> {
    Zeroizing::new(b.to_vec())
}

pub fn own_opt(b: Option<&[u8]>) -> Option<Zeroizing<Vec<u8>>> {
    b.map(own)
}

/// A result computed on the pool and its JS form.
pub trait Outcome: Send + 'static {
    type Js: ToNapiValue + TypeName;
    fn into_js(self) -> Self::Js;
}

impl Outcome for Vec<u8> {
    type Js = Buffer;
    fn into_js(self) -> Buffer {
        self.into()
    }
}

impl Outcome for Zeroizing<Vec<u8>> {
    type Js = Buffer;
    fn into_js(self) -> Buffer {
        self.to_vec().into()
    }
}

impl Outcome for bool {
    type Js = bool;
    fn into_js(self) -> bool {
        self
    }
}

type Job<O> = Box<dyn FnOnce() -> xpscrypto_core::Result<O> + Send>;

pub struct Work<O: Outcome>(Option<Job<O>>);

impl<O: Outcome> Task for Work<O> {
    type Output = O;
    type JsValue = O::Js;

    fn compute(&mut self) -> Result<O> {
        let job = self.0.take().ok_or_else(|| Error::new(Status::GenericFailure, "XPS_E_INVALID_STATE: task ran twice"))?;
        job().map_err(task_err)
    }

    fn resolve(&mut self, _env: Env, out: O) -> Result<O::Js> {
        Ok(out.into_js())
    }
}

pub fn spawn<O: Outcome>(f: impl FnOnce() -> xpscrypto_core::Result<O> + Send + 'static, signal: Option<AbortSignal>) -> AsyncTask<Work<O>> {
    AsyncTask::with_optional_signal(Work(Some(Box::new(f))), signal)
}
