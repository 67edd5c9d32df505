//! Streaming HMAC-SHA256/384/512 on chaining values: the `Mac` stream whenever the active SHA-2
//! kernel exports its compression entry. The running inner chaining value, the pending partial
//! block and the length live inline, as in the one-shots (`hmac_sha256`, `hmac_sha512`): no
//! hash-state blobs on the heap. The generic stream (two 2.3 KiB `Hasher` states) made a
//! streaming HMAC-SHA256 of 64 bytes 1.78x as slow as the `hmac` crate's streaming API.

use crate::hmac_sha256::HmacSha256;
use crate::hmac_sha512::HmacSha512;
use crate::secure::ct::Wiped;
use zeroize::Zeroize;

/// The keyed MAC and the running inner chaining value.
#[derive(Clone)]
enum Keyed {
    Sha256(HmacSha256, [u32; 8]),
    Sha512(HmacSha512, [u64; 8]),
}

#[derive(Clone)]
pub(crate) struct CvStream {
    keyed: Keyed,
    /// Bytes compressed into the chaining value so far, the key block included (a multiple of
    /// the block size).
    absorbed: u64,
    /// The pending bytes: `buf[..n]`, `n` ≤ the block size (a whole last block is kept back).
    buf: Wiped<128>,
    n: usize,
}

impl CvStream {
    pub(crate) fn sha256(key: HmacSha256) -> Self {
        let cv = key.inner_cv();
        Self::start(Keyed::Sha256(key, cv), 64)
    }

    /// HMAC-SHA384 or HMAC-SHA512 (as keyed).
    pub(crate) fn sha512(key: HmacSha512) -> Self {
        let cv = key.inner_cv();
        Self::start(Keyed::Sha512(key, cv), 128)
    }

    fn start(keyed: Keyed, key_block: u64) -> Self {
        CvStream { keyed, absorbed: key_block, buf: Wiped::new(), n: 0 }
    }

    fn block_len(&self) -> usize {
        match self.keyed {
            Keyed::Sha256(..) => 64,
            Keyed::Sha512(..) => 128,
        }
    }

    /// Compresses `blocks` (whole blocks) into the chaining value.
    fn absorb(keyed: &mut Keyed, blocks: &[u8]) {
        match keyed {
            Keyed::Sha256(k, cv) => k.absorb(cv, blocks),
            Keyed::Sha512(k, cv) => k.absorb(cv, blocks),
        }
    }

    /// Absorbs `data`. The last block seen is kept back, even when whole, until more data
    /// arrives: at the end it is hashed together with the padding in one compression call (a
    /// stream of exactly 64 bytes takes the one-shot's four calls, not five).
    pub(crate) fn update(&mut self, mut data: &[u8]) {
        let bl = self.block_len();
        if data.is_empty() {
            return;
        }
        if self.n > 0 {
            let take = (bl - self.n).min(data.len());
            self.buf[self.n..self.n + take].copy_from_slice(&data[..take]);
            self.n += take;
            data = &data[take..];
            if data.is_empty() {
                return;
            }
            // The buffer is full and more follows.
            Self::absorb(&mut self.keyed, &self.buf[..bl]);
            self.absorbed += bl as u64;
            self.n = 0;
        }
        // Whole blocks go straight to the kernel, except the last one (kept back, see above).
        let full = (data.len() - 1) / bl * bl;
        if full > 0 {
            Self::absorb(&mut self.keyed, &data[..full]);
            self.absorbed += full as u64;
        }
        let rest = &data[full..];
        self.buf[..rest.len()].copy_from_slice(rest);
        self.n = rest.len();
    }

    /// Writes the tag into `out`, which is the tag length (32, 48 or 64 bytes).
    pub(crate) fn finish(&self, out: &mut [u8]) {
        let tail = &self.buf[..self.n];
        match &self.keyed {
            Keyed::Sha256(k, cv) => match <&mut [u8; 32]>::try_from(&mut *out) {
                Ok(o) => k.finish(*cv, self.absorbed, &[tail], o),
                Err(_) => {
                    let mut t = Wiped::<32>::new();
                    k.finish(*cv, self.absorbed, &[tail], &mut t);
                    out.copy_from_slice(&t[..out.len()]);
                }
            },
            Keyed::Sha512(k, cv) => k.finish(*cv, self.absorbed, &[tail], out),
        }
    }

    /// HMAC of the concatenation of `parts` under this stream's key, ignoring what the stream
    /// absorbed (for the HKDF-Expand loop over a `Mac`). `out` is the tag length.
    pub(crate) fn mac_fresh(&self, parts: &[&[u8]], out: &mut [u8]) {
        match &self.keyed {
            Keyed::Sha256(k, _) => {
                let mut t = Wiped::<32>::new();
                k.mac(parts, &mut t);
                out.copy_from_slice(&t[..out.len()]);
            }
            Keyed::Sha512(k, _) => k.mac(parts, out),
        }
    }
}

impl Drop for CvStream {
    fn drop(&mut self) {
        // The key chaining values wipe themselves (`HmacSha256`/`HmacSha512`); `buf` is `Wiped`.
        match &mut self.keyed {
            Keyed::Sha256(_, cv) => cv.zeroize(),
            Keyed::Sha512(_, cv) => cv.zeroize(),
        }
    }
}

impl std::fmt::Debug for CvStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CvStream { <redacted> }")
    }
}
