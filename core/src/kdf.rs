//! KDFs: HKDF (RFC 5869) and PBKDF2 (RFC 8018) — our constructions over the dispatched HMAC —
//! and Argon2id (RFC 9106) through its kernel, with memory we allocate fallibly.

use crate::alg::{Alg, Family};
use crate::dispatch::{self, Argon2Params};
use crate::error::{err, Result, Status};
use crate::mac::{CvHmac, Mac};
use crate::metrics::{self, OpKind};
use crate::secure::ct::Wiped;

fn hkdf_mac(alg: Alg) -> Result<(Alg, usize)> {
    Ok(match alg.expect(Family::Kdf)? {
        Alg::HkdfSha256 => (Alg::HmacSha256, 32),
        Alg::HkdfSha384 => (Alg::HmacSha384, 48),
        Alg::HkdfSha512 => (Alg::HmacSha512, 64),
        other => return Err(err(Status::WrongAlgorithmFamily, format!("{} is not an HKDF", other.name()))),
    })
}

fn pbkdf2_mac(alg: Alg) -> Result<(Alg, usize)> {
    Ok(match alg.expect(Family::Kdf)? {
        Alg::Pbkdf2Sha256 => (Alg::HmacSha256, 32),
        Alg::Pbkdf2Sha512 => (Alg::HmacSha512, 64),
        other => return Err(err(Status::WrongAlgorithmFamily, format!("{} is not a PBKDF2", other.name()))),
    })
}

/// Hash output length of an HKDF (= PRK length).
pub fn hkdf_prk_len(alg: Alg) -> Result<usize> {
    Ok(hkdf_mac(alg)?.1)
}

/// Largest HKDF output: 255 · HashLen.
pub fn hkdf_max_len(alg: Alg) -> Result<usize> {
    Ok(255 * hkdf_mac(alg)?.1)
}

/// Largest PBKDF2 output: (2^32 − 1) · HashLen.
pub fn pbkdf2_max_len(alg: Alg) -> Result<u64> {
    Ok(u64::from(u32::MAX) * pbkdf2_mac(alg)?.1 as u64)
}

/// HKDF-Extract: PRK = HMAC(salt, ikm) into `prk` (≥ HashLen); empty salt = HashLen zeros.
/// Counted as a call of `kdf.<alg>` with `bytes` = `ikm.len()`.
pub fn hkdf_extract(alg: Alg, salt: &[u8], ikm: &[u8], prk: &mut [u8]) -> Result<usize> {
    metrics::metered(OpKind::Kdf, alg, ikm.len(), |ran| extract_core(alg, salt, ikm, prk, ran))
}

fn extract_core(alg: Alg, salt: &[u8], ikm: &[u8], prk: &mut [u8], ran: &mut metrics::Ran) -> Result<usize> {
    let (m, hl) = hkdf_mac(alg)?;
    if prk.len() < hl {
        return Err(err(Status::BufferTooSmall, format!("PRK needs {hl} bytes, buffer has {}", prk.len())));
    }
    let zeros = [0u8; 64];
    let salt = if salt.is_empty() { &zeros[..hl] } else { salt };
    if let Some((f, desc)) = CvHmac::new(m, salt)? {
        f.mac(&[ikm], &mut prk[..hl]);
        *ran = Some(desc);
        return Ok(hl);
    }
    let mut mac = Mac::new_internal(m, salt)?;
    mac.update(ikm);
    *ran = Some(mac.desc());
    mac.finalize_into(&mut prk[..hl])
}

/// HKDF-Expand: fills `okm` (1 ≤ len ≤ 255·HashLen) from `prk` (≥ HashLen bytes) and `info`.
/// Counted as a call of `kdf.<alg>` with `bytes` = `prk.len()`.
pub fn hkdf_expand(alg: Alg, prk: &[u8], info: &[u8], okm: &mut [u8]) -> Result<()> {
    metrics::metered(OpKind::Kdf, alg, prk.len(), |ran| expand_core(alg, prk, info, okm, ran))
}

/// HKDF-Expand inside a construction (HPKE): not counted on its own.
pub(crate) fn hkdf_expand_internal(alg: Alg, prk: &[u8], info: &[u8], okm: &mut [u8]) -> Result<()> {
    expand_core(alg, prk, info, okm, &mut None)
}

fn expand_core(alg: Alg, prk: &[u8], info: &[u8], okm: &mut [u8], ran: &mut metrics::Ran) -> Result<()> {
    let (m, hl) = hkdf_mac(alg)?;
    if okm.len() > 255 * hl {
        return Err(err(Status::OutputTooLong, format!("{} output is limited to 255*{hl} = {} bytes, asked {}", alg.name(), 255 * hl, okm.len())));
    }
    if prk.len() < hl {
        return Err(err(Status::InvalidLength, format!("{} PRK must be at least {hl} bytes, got {}", alg.name(), prk.len())));
    }
    let mut t = Wiped::<64>::new();
    let mut prev_t = Wiped::<64>::new();
    let mut prev = 0usize;
    if let Some((f, desc)) = CvHmac::new(m, prk)? {
        *ran = Some(desc);
        for (i, chunk) in okm.chunks_mut(hl).enumerate() {
            prev_t[..prev].copy_from_slice(&t[..prev]);
            f.mac(&[&prev_t[..prev], info, &[(i + 1) as u8]], &mut t[..hl]);
            chunk.copy_from_slice(&t[..chunk.len()]);
            prev = hl;
        }
        return Ok(());
    }
    let keyed = Mac::new_internal(m, prk)?;
    *ran = Some(keyed.desc());
    let mut scratch = keyed.scratch();
    for (i, chunk) in okm.chunks_mut(hl).enumerate() {
        prev_t[..prev].copy_from_slice(&t[..prev]);
        keyed.compute_with(&mut scratch, &[&prev_t[..prev], info, &[(i + 1) as u8]], &mut t[..hl]);
        chunk.copy_from_slice(&t[..chunk.len()]);
        prev = hl;
    }
    Ok(())
}

/// HKDF (extract then expand) into `okm`. Counted as one call of `kdf.<alg>` with `bytes` =
/// `ikm.len()`.
pub fn hkdf(alg: Alg, ikm: &[u8], salt: &[u8], info: &[u8], okm: &mut [u8]) -> Result<()> {
    metrics::metered(OpKind::Kdf, alg, ikm.len(), |ran| hkdf_core(alg, ikm, salt, info, okm, ran))
}

/// [`hkdf`] without metering (the self-tests).
pub(crate) fn hkdf_unmetered(alg: Alg, ikm: &[u8], salt: &[u8], info: &[u8], okm: &mut [u8]) -> Result<()> {
    hkdf_core(alg, ikm, salt, info, okm, &mut None)
}

fn hkdf_core(alg: Alg, ikm: &[u8], salt: &[u8], info: &[u8], okm: &mut [u8], ran: &mut metrics::Ran) -> Result<()> {
    let (_, hl) = hkdf_mac(alg)?;
    if okm.len() > 255 * hl {
        return Err(err(Status::OutputTooLong, format!("{} output is limited to 255*{hl} = {} bytes, asked {}", alg.name(), 255 * hl, okm.len())));
    }
    let mut prk = Wiped::<64>::new();
    extract_core(alg, salt, ikm, &mut prk[..hl], ran)?;
    expand_core(alg, &prk[..hl], info, okm, ran)
}

/// PBKDF2-HMAC into `out` (1 ≤ len); `iterations ≥ 1`. Counted as a call of `kdf.<alg>` with
/// `bytes` = `password.len()`.
pub fn pbkdf2(alg: Alg, password: &[u8], salt: &[u8], iterations: u32, out: &mut [u8]) -> Result<()> {
    metrics::metered(OpKind::Kdf, alg, password.len(), |ran| pbkdf2_core(alg, password, salt, iterations, out, ran))
}

/// [`pbkdf2`] without metering (the self-tests).
pub(crate) fn pbkdf2_unmetered(alg: Alg, password: &[u8], salt: &[u8], iterations: u32, out: &mut [u8]) -> Result<()> {
    pbkdf2_core(alg, password, salt, iterations, out, &mut None)
}

fn pbkdf2_core(alg: Alg, password: &[u8], salt: &[u8], iterations: u32, out: &mut [u8], ran: &mut metrics::Ran) -> Result<()> {
    let (m, hl) = pbkdf2_mac(alg)?;
    if iterations == 0 {
        return Err(err(Status::InvalidParameter, "PBKDF2 iterations must be at least 1"));
    }
    if out.is_empty() {
        return Err(err(Status::InvalidLength, "PBKDF2 output length must be at least 1"));
    }
    if out.len() as u64 > u64::from(u32::MAX) * hl as u64 {
        return Err(err(Status::OutputTooLong, "PBKDF2 output exceeds (2^32-1)*HashLen"));
    }
    if let Some((f, desc)) = CvHmac::new(m, password)? {
        *ran = Some(desc);
        let mut t = Wiped::<64>::new();
        for (i, chunk) in out.chunks_mut(hl).enumerate() {
            f.pbkdf2_block(salt, (i as u32) + 1, iterations, &mut t[..hl]);
            chunk.copy_from_slice(&t[..chunk.len()]);
        }
        return Ok(());
    }
    let keyed = Mac::new_internal(m, password)?;
    *ran = Some(keyed.desc());
    let mut scratch = keyed.scratch();
    let mut u = Wiped::<64>::new();
    let mut prev = Wiped::<64>::new();
    let mut acc = Wiped::<64>::new();
    for (i, chunk) in out.chunks_mut(hl).enumerate() {
        keyed.compute_with(&mut scratch, &[salt, &((i as u32) + 1).to_be_bytes()], &mut u[..hl]);
        acc[..hl].copy_from_slice(&u[..hl]);
        for _ in 1..iterations {
            prev[..hl].copy_from_slice(&u[..hl]);
            keyed.compute_with(&mut scratch, &[&prev[..hl]], &mut u[..hl]);
            acc[..hl].iter_mut().zip(&u[..hl]).for_each(|(a, b)| *a ^= b);
        }
        chunk.copy_from_slice(&acc[..chunk.len()]);
    }
    Ok(())
}

/// Argon2id limits enforced before calling the kernel (RFC 9106 §3.1 plus the kernel's own).
pub mod argon2_limits {
    pub const MIN_SALT: usize = 8;
    pub const MIN_OUTPUT: usize = 4;
    pub const MAX_SECRET: usize = 32;
    pub const MAX_AD: usize = 32;
    pub const MAX_PARALLELISM: u32 = 0xFF_FFFF;
}

/// Argon2id parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Argon2idParams {
    /// Passes over memory (≥ 1).
    pub t_cost: u32,
    /// Memory in KiB (≥ 8 · parallelism).
    pub m_cost_kib: u32,
    /// Lanes (1 ..= 2^24 − 1).
    pub parallelism: u32,
}

/// Argon2id (version 0x13) of `password` and `salt` into `out`, with optional secret (≤ 32 bytes)
/// and associated data (≤ 32 bytes). The working memory is reserved fallibly: too much memory is
/// an `OutOfMemory` status, never an abort. Counted as a call of `kdf.argon2id` with `bytes` =
/// `password.len()`.
pub fn argon2id(p: Argon2idParams, password: &[u8], salt: &[u8], secret: &[u8], ad: &[u8], out: &mut [u8]) -> Result<()> {
    metrics::metered(OpKind::Kdf, Alg::Argon2id, password.len(), |ran| argon2id_core(p, password, salt, secret, ad, out, ran))
}

fn argon2id_core(p: Argon2idParams, password: &[u8], salt: &[u8], secret: &[u8], ad: &[u8], out: &mut [u8], ran: &mut metrics::Ran) -> Result<()> {
    use argon2_limits::*;
    crate::policy::check(Alg::Argon2id)?;
    let bad = |m: String| Err(err(Status::InvalidParameter, m));
    if p.t_cost < 1 {
        return bad("argon2id t_cost must be >= 1".into());
    }
    if p.parallelism < 1 || p.parallelism > MAX_PARALLELISM {
        return bad(format!("argon2id parallelism must be 1..={MAX_PARALLELISM}, got {}", p.parallelism));
    }
    if u64::from(p.m_cost_kib) < 8 * u64::from(p.parallelism) {
        return bad(format!("argon2id m_cost_kib must be >= 8*parallelism = {}, got {}", 8 * u64::from(p.parallelism), p.m_cost_kib));
    }
    if salt.len() < MIN_SALT {
        return bad(format!("argon2id salt must be at least {MIN_SALT} bytes, got {}", salt.len()));
    }
    if out.len() < MIN_OUTPUT || out.len() as u64 > u64::from(u32::MAX) {
        return Err(err(Status::InvalidLength, format!("argon2id output must be {MIN_OUTPUT}..=2^32-1 bytes, got {}", out.len())));
    }
    if secret.len() > MAX_SECRET {
        return bad(format!("argon2id secret is limited to {MAX_SECRET} bytes here, got {}", secret.len()));
    }
    if ad.len() > MAX_AD {
        return bad(format!("argon2id associated data is limited to {MAX_AD} bytes here, got {}", ad.len()));
    }
    if password.len() as u64 > u64::from(u32::MAX) || salt.len() as u64 > u64::from(u32::MAX) {
        return Err(err(Status::InvalidLength, "argon2id password and salt must be shorter than 2^32 bytes"));
    }
    // Probe the allocation first: the kernel's own allocation would abort the process on failure.
    let bytes = u64::from(p.m_cost_kib) * 1024;
    let mut probe: Vec<u8> = Vec::new();
    if probe.try_reserve_exact(usize::try_from(bytes).unwrap_or(usize::MAX)).is_err() {
        return Err(err(Status::OutOfMemory, format!("argon2id cannot reserve {} KiB of memory", p.m_cost_kib)));
    }
    drop(probe);
    let k = dispatch::table()?.argon2id;
    *ran = Some(k.desc);
    let params = Argon2Params { t_cost: p.t_cost, m_cost_kib: p.m_cost_kib, parallelism: p.parallelism };
    let mut tmp: Vec<u8> = Vec::new();
    tmp.try_reserve_exact(out.len()).map_err(|_| err(Status::OutOfMemory, format!("argon2id cannot reserve {} output bytes", out.len())))?;
    tmp.resize(out.len(), 0);
    let mut tmp = zeroize::Zeroizing::new(tmp);
    // SAFETY: every pointer/length pair comes from a live slice; parameters validated above.
    let rc = unsafe {
        (k.run)(
            &params,
            password.as_ptr(),
            password.len(),
            salt.as_ptr(),
            salt.len(),
            secret.as_ptr(),
            secret.len(),
            ad.as_ptr(),
            ad.len(),
            tmp.as_mut_ptr(),
            tmp.len(),
        )
    };
    if rc != 0 {
        return Err(err(Status::InvalidParameter, format!("argon2id kernel {} rejected the parameters", k.desc.name())));
    }
    out.copy_from_slice(&tmp);
    Ok(())
}
