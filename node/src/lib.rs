//! `xpscrypto` for Node.js: the napi-rs layer. It converts arguments, runs heavy work on the libuv
//! pool (the `*Async` twins) and maps statuses to error codes; every cryptographic operation is a
//! call into `xpscrypto-core` (invariant I-8). `index.js` turns the codes into `XpsError` classes.

mod aead;
mod err;
mod hash;
mod hpke;
mod kdf;
mod kem;
mod keyring;
mod mac;
mod observe;
mod patch;
mod sign;
mod system;
mod task;
