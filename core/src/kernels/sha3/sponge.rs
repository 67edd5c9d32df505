//! The Keccak sponge (FIPS 202) over a permutation chosen by the kernel: SHA3-256/512 and
//! SHAKE128/256 differ only in the rate and the padding byte. Plain data (bytewise copies are
//! clones), so it lives in the dispatch layer's `HashState` blob as it is.

/// Round constants of Keccak-f[1600] (FIPS 202 §3.2.5), from the rc(t) LFSR at compile time.
pub(crate) const RC: [u64; 24] = {
    let mut rc = [0u64; 24];
    let mut lfsr: u8 = 1;
    let mut r = 0;
    while r < 24 {
        let mut j = 0;
        while j < 7 {
            if lfsr & 1 == 1 {
                rc[r] |= 1u64 << ((1u32 << j) - 1);
            }
            // x^8 + x^6 + x^5 + x^4 + 1
            lfsr = if lfsr & 0x80 != 0 { (lfsr << 1) ^ 0x71 } else { lfsr << 1 };
            j += 1;
        }
        r += 1;
    }
    rc
};

/// XORs a whole block into the state's first lanes.
fn xor_block(st: &mut [u64; 25], block: &[u8]) {
    for (l, w) in st.iter_mut().zip(block.chunks_exact(8)) {
        *l ^= u64::from_le_bytes(w.try_into().expect("8 bytes"));
    }
}

/// A sponge with rate `RATE` bytes and domain/padding byte `PAD` (0x06 SHA-3, 0x1f SHAKE).
#[derive(Clone)]
#[repr(C)]
pub(crate) struct Sponge<const RATE: usize, const PAD: u8> {
    st: [u64; 25],
    buf: [u8; RATE],
    pos: usize,
}

impl<const RATE: usize, const PAD: u8> Sponge<RATE, PAD> {
    pub(crate) const fn new() -> Self {
        Sponge { st: [0; 25], buf: [0; RATE], pos: 0 }
    }


    /// Absorbs `data`, running `f` on every full block.
    pub(crate) fn absorb(&mut self, mut data: &[u8], f: &impl Fn(&mut [u64; 25])) {
        if self.pos > 0 {
            let n = data.len().min(RATE - self.pos);
            self.buf[self.pos..self.pos + n].copy_from_slice(&data[..n]);
            self.pos += n;
            data = &data[n..];
            if self.pos < RATE {
                return;
            }
            xor_block(&mut self.st, &self.buf);
            f(&mut self.st);
            self.pos = 0;
        }
        let mut blocks = data.chunks_exact(RATE);
        for b in &mut blocks {
            xor_block(&mut self.st, b);
            f(&mut self.st);
        }
        let rest = blocks.remainder();
        self.buf[..rest.len()].copy_from_slice(rest);
        self.pos = rest.len();
    }

    /// Pads, then squeezes `out.len()` bytes (consumes the sponge's absorbing phase: call once).
    pub(crate) fn squeeze(&mut self, out: &mut [u8], f: &impl Fn(&mut [u64; 25])) {
        let mut last = [0u8; RATE];
        last[..self.pos].copy_from_slice(&self.buf[..self.pos]);
        last[self.pos] ^= PAD;
        last[RATE - 1] ^= 0x80;
        xor_block(&mut self.st, &last);
        crate::secure::ct::secure_zero(&mut last);
        let mut chunks = out.chunks_mut(RATE).peekable();
        while let Some(c) = chunks.next() {
            f(&mut self.st);
            for (o, l) in c.chunks_mut(8).zip(self.st.iter()) {
                o.copy_from_slice(&l.to_le_bytes()[..o.len()]);
            }
            if chunks.peek().is_none() {
                break;
            }
        }
    }

    /// Wipes the state and buffer.
    pub(crate) fn wipe(&mut self) {
        // SAFETY: `self` is plain data (u64/u8 arrays and a usize); any bit pattern is valid.
        crate::secure::ct::secure_zero(unsafe { core::slice::from_raw_parts_mut((self as *mut Self).cast::<u8>(), core::mem::size_of::<Self>()) });
    }
}
