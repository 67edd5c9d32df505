"""Encrypt a file with a password: Argon2id + XChaCha20-Poly1305, streamed in chunks.

Usage: python file_encrypt.py encrypt|decrypt IN OUT   (password from $XPS_PASSWORD or a prompt)

Format (version 1; all integers big-endian):

    header (52 bytes) = b"XPSF" | version u8 = 1 | t_cost u32 | m_cost_kib u32 | parallelism u8
                        | chunk_size u32 | salt (16) | nonce_prefix (16) | reserved u16 = 0
    then chunks       = ciphertext || tag (16), each of chunk_size plaintext bytes except the last
                        (0..chunk_size bytes; present even when empty)

    key   = Argon2id(password, salt, t_cost, m_cost_kib, parallelism, 32 bytes)
    nonce = nonce_prefix (16) | chunk index u56 (7 bytes) | last-chunk flag u8 (1 on the last one)
    aad   = the header

The per-chunk nonce is the STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár 2015):
reordering, dropping or duplicating chunks fails authentication, and so does truncation (the
last chunk carries the flag). Decryption writes plaintext only after each chunk verifies; on
failure the partial output is deleted.
"""

from __future__ import annotations

import getpass
import os
import struct
import sys
from typing import BinaryIO

import xpscrypto as xps

MAGIC = b"XPSF"
HEADER = struct.Struct(">4sBIIBI16s16sH")
CHUNK = 64 * 1024
T_COST, M_COST_KIB, PARALLELISM = 3, 64 * 1024, 1
TAG = xps.XChaCha20Poly1305.TAG_SIZE


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    if index >= 1 << 56:
        raise ValueError("file too large for this format")
    return prefix + index.to_bytes(7, "big") + (b"\x01" if last else b"\x00")


def _key(password: bytes, salt: bytes, t: int, m: int, p: int) -> xps.XChaCha20Poly1305:
    return xps.XChaCha20Poly1305(xps.argon2id(password, salt, t, m, p, 32))


def encrypt(src: BinaryIO, dst: BinaryIO, password: bytes) -> None:
    salt, prefix = xps.random_bytes(16), xps.random_bytes(16)
    header = HEADER.pack(MAGIC, 1, T_COST, M_COST_KIB, PARALLELISM, CHUNK, salt, prefix, 0)
    box = _key(password, salt, T_COST, M_COST_KIB, PARALLELISM)
    dst.write(header)
    index, chunk = 0, src.read(CHUNK)
    while True:
        following = src.read(CHUNK)
        last = not following
        dst.write(box.encrypt(_nonce(prefix, index, last), chunk, aad=header))
        if last:
            return
        index, chunk = index + 1, following


def decrypt(src: BinaryIO, dst: BinaryIO, password: bytes) -> None:
    header = src.read(HEADER.size)
    if len(header) != HEADER.size:
        raise ValueError("not an XPSF file (too short)")
    magic, version, t, m, p, chunk_size, salt, prefix, _ = HEADER.unpack(header)
    if magic != MAGIC or version != 1 or not 0 < chunk_size <= 1 << 24:
        raise ValueError("not an XPSF version 1 file")
    box = _key(password, salt, t, m, p)
    index, sealed = 0, src.read(chunk_size + TAG)
    while True:
        following = src.read(chunk_size + TAG)
        last = not following
        dst.write(box.decrypt(_nonce(prefix, index, last), sealed, aad=header))
        if last:
            return
        index, sealed = index + 1, following


def main(argv: list[str]) -> int:
    if len(argv) != 4 or argv[1] not in ("encrypt", "decrypt"):
        print(__doc__.splitlines()[2] if __doc__ else "usage", file=sys.stderr)
        return 2
    password = (os.environ.get("XPS_PASSWORD") or getpass.getpass()).encode()
    with open(argv[2], "rb") as src, open(argv[3], "wb") as dst:
        try:
            (encrypt if argv[1] == "encrypt" else decrypt)(src, dst, password)
        except (xps.AuthenticationError, ValueError) as e:
            dst.close()
            os.remove(argv[3])
            print(f"failed: {e}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
