//! Self-describing envelopes (format 1, byte-stable; documented in docs/KEYRING.md).
//!
//! ```text
//! magic "XPSE" | format u8 = 1 | kind u8 | alg u32 | key id: u8 len + bytes | key version u32
//! | kind 1 (AEAD):      nonce: u8 len + bytes | ciphertext ‖ tag (rest)
//! | kind 2 (signature): signature (rest)
//! ```
//! Integers big-endian. For AEAD envelopes the header (everything before the ciphertext) is bound
//! as associated data ahead of the caller's: AAD = header ‖ caller AAD (the header is
//! self-delimiting, so the split is unambiguous).

use crate::error::{err, Result, Status};
use crate::Alg;

pub const MAGIC: &[u8; 4] = b"XPSE";
pub const FORMAT: u8 = 1;
pub const KIND_AEAD: u8 = 1;
pub const KIND_SIGNATURE: u8 = 2;
/// Key names: 1–64 bytes of `[A-Za-z0-9._-]` (they are written into every envelope).
pub const MAX_NAME: usize = 64;

/// A parsed envelope (borrowing the input).
#[derive(Debug, Clone, Copy)]
pub struct Envelope<'a> {
    pub kind: u8,
    pub alg: Alg,
    pub key: &'a str,
    pub version: u32,
    /// AEAD: the nonce; signature: empty.
    pub nonce: &'a [u8],
    /// Everything before the body (AEAD: bound as AAD).
    pub header: &'a [u8],
    /// AEAD: ciphertext ‖ tag; signature: the signature.
    pub body: &'a [u8],
}

pub fn valid_name(s: &str) -> bool {
    !s.is_empty() && s.len() <= MAX_NAME && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

/// The header of an envelope (AEAD: with the nonce).
pub fn header(kind: u8, alg: Alg, key: &str, version: u32, nonce: &[u8]) -> Vec<u8> {
    header_with_room(kind, alg, key, version, nonce, 0)
}

/// [`header`] in a vector with room for `extra` more bytes (the body: one allocation in all).
pub fn header_with_room(kind: u8, alg: Alg, key: &str, version: u32, nonce: &[u8], extra: usize) -> Vec<u8> {
    let mut h = Vec::with_capacity(16 + key.len() + nonce.len() + extra);
    h.extend_from_slice(MAGIC);
    h.push(FORMAT);
    h.push(kind);
    h.extend_from_slice(&alg.id().to_be_bytes());
    h.push(key.len() as u8);
    h.extend_from_slice(key.as_bytes());
    h.extend_from_slice(&version.to_be_bytes());
    if kind == KIND_AEAD {
        h.push(nonce.len() as u8);
        h.extend_from_slice(nonce);
    }
    h
}

fn bad(why: &str) -> crate::Error {
    err(Status::MalformedEnvelope, format!("malformed envelope: {why}"))
}

pub fn parse(b: &[u8]) -> Result<Envelope<'_>> {
    if b.len() < 4 || &b[..4] != MAGIC {
        return Err(bad("not an xpscrypto envelope (magic)"));
    }
    let mut at = 4;
    let mut take = |n: usize| -> Result<&[u8]> {
        let s = b.get(at..at + n).ok_or_else(|| bad("truncated"))?;
        at += n;
        Ok(s)
    };
    let format = take(1)?[0];
    if format != FORMAT {
        return Err(err(Status::UnsupportedFormat, format!("envelope format {format} is not supported (this library reads format {FORMAT})")));
    }
    let kind = take(1)?[0];
    if kind != KIND_AEAD && kind != KIND_SIGNATURE {
        return Err(bad("unknown kind"));
    }
    let id = u32::from_be_bytes(take(4)?.try_into().map_err(|_| bad("alg"))?);
    let alg = Alg::from_id(id).ok_or_else(|| bad("unknown algorithm id"))?;
    let n = take(1)?[0] as usize;
    let key = std::str::from_utf8(take(n)?).map_err(|_| bad("key id is not UTF-8"))?;
    if !valid_name(key) {
        return Err(bad("invalid key id"));
    }
    let version = u32::from_be_bytes(take(4)?.try_into().map_err(|_| bad("version"))?);
    if version == 0 {
        return Err(bad("key version 0"));
    }
    let nonce = if kind == KIND_AEAD {
        let n = take(1)?[0] as usize;
        take(n)?
    } else {
        &[]
    };
    let header = &b[..at];
    let body = &b[at..];
    if body.is_empty() {
        return Err(bad("empty body"));
    }
    Ok(Envelope { kind, alg, key, version, nonce, header, body })
}
