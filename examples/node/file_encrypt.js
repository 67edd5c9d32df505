// Encrypt a file with a password: Argon2id + XChaCha20-Poly1305, streamed in chunks. The format is
// the one of examples/python/file_encrypt.py (a file sealed by either opens with the other):
//
//   header (52 bytes) = "XPSF" | version u8 = 1 | t_cost u32 | m_cost_kib u32 | parallelism u8
//                       | chunk_size u32 | salt (16) | nonce_prefix (16) | reserved u16 = 0   (big-endian)
//   chunks            = ciphertext ‖ tag (16) of chunk_size plaintext bytes each, the last one
//                       shorter (0..chunk_size bytes, present even when empty)
//   key   = Argon2id(password, salt, t_cost, m_cost_kib, parallelism, 32 bytes)
//   nonce = nonce_prefix (16) | chunk index u56 (7 bytes) | last-chunk flag u8 (1 on the last one)
//   aad   = the header
//
// STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár 2015): reordered, dropped, duplicated or
// truncated chunks fail authentication. Decryption writes a chunk only after it verifies and deletes
// the partial output on failure.
//
// Usage: node file_encrypt.js encrypt|decrypt IN OUT   (password from $XPS_PASSWORD)
'use strict'
const fs = require('node:fs')
const xps = require('../../node')

const MAGIC = Buffer.from('XPSF')
const HEADER = 52
const CHUNK = 64 * 1024
const TAG = 16
const [T_COST, M_COST_KIB, PARALLELISM] = [3, 64 * 1024, 1]

/** @param {Buffer} prefix @param {number} index @param {boolean} last */
function nonce(prefix, index, last) {
  if (index >= 2 ** 53) throw new RangeError('file too large')
  const n = Buffer.alloc(24)
  prefix.copy(n, 0)
  n.writeUIntBE(Math.floor(index / 2 ** 24), 16, 4) // high 32 bits of the 56-bit index (index < 2^53)
  n.writeUIntBE(index % 2 ** 24, 20, 3)
  n[23] = last ? 1 : 0
  return n
}

/** @param {Buffer} password @param {Buffer} salt @param {number} t @param {number} m @param {number} p */
async function keyFor(password, salt, t, m, p) {
  return new xps.AeadKey('xchacha20-poly1305', await xps.argon2idAsync(password, salt, t, m, p, 32))
}

/** Reads exactly up to `n` bytes (fewer only at end of file). @param {number} fd @param {number} n */
function readUpTo(fd, n) {
  const buf = Buffer.alloc(n)
  let got = 0
  while (got < n) {
    const r = fs.readSync(fd, buf, got, n - got, null)
    if (r === 0) break
    got += r
  }
  return buf.subarray(0, got)
}

/** @param {number} src @param {number} dst @param {Buffer} password */
async function encrypt(src, dst, password) {
  const salt = xps.randomBytes(16)
  const prefix = xps.randomBytes(16)
  const header = Buffer.alloc(HEADER)
  MAGIC.copy(header, 0)
  header.writeUInt8(1, 4)
  header.writeUInt32BE(T_COST, 5)
  header.writeUInt32BE(M_COST_KIB, 9)
  header.writeUInt8(PARALLELISM, 13)
  header.writeUInt32BE(CHUNK, 14)
  salt.copy(header, 18)
  prefix.copy(header, 34)
  const key = await keyFor(password, salt, T_COST, M_COST_KIB, PARALLELISM)
  fs.writeSync(dst, header)
  let index = 0
  let chunk = readUpTo(src, CHUNK)
  for (;;) {
    const following = readUpTo(src, CHUNK)
    const last = following.length === 0
    fs.writeSync(dst, key.encrypt(nonce(prefix, index, last), chunk, header))
    if (last) break
    index += 1
    chunk = following
  }
  key.destroy()
}

/** @param {number} src @param {number} dst @param {Buffer} password */
async function decrypt(src, dst, password) {
  const header = readUpTo(src, HEADER)
  if (header.length !== HEADER || !header.subarray(0, 4).equals(MAGIC) || header[4] !== 1) throw new Error('not an XPSF version 1 file')
  const [t, m, p, chunkSize] = [header.readUInt32BE(5), header.readUInt32BE(9), header[13], header.readUInt32BE(14)]
  if (chunkSize === 0 || chunkSize > 2 ** 24) throw new Error('not an XPSF version 1 file')
  const key = await keyFor(password, header.subarray(18, 34), t, m, p)
  const prefix = header.subarray(34, 50)
  let index = 0
  let sealed = readUpTo(src, chunkSize + TAG)
  for (;;) {
    const following = readUpTo(src, chunkSize + TAG)
    const last = following.length === 0
    fs.writeSync(dst, key.decrypt(nonce(prefix, index, last), sealed, header))
    if (last) break
    index += 1
    sealed = following
  }
  key.destroy()
}

async function main() {
  const [mode, inPath, outPath] = process.argv.slice(2)
  if (!['encrypt', 'decrypt'].includes(mode) || !inPath || !outPath) {
    console.error('usage: node file_encrypt.js encrypt|decrypt IN OUT   (password from $XPS_PASSWORD)')
    return 2
  }
  const password = Buffer.from(process.env.XPS_PASSWORD || '')
  if (password.length === 0) {
    console.error('set XPS_PASSWORD')
    return 2
  }
  const src = fs.openSync(inPath, 'r')
  const dst = fs.openSync(outPath, 'w')
  try {
    await (mode === 'encrypt' ? encrypt : decrypt)(src, dst, password)
    return 0
  } catch (e) {
    fs.closeSync(dst)
    fs.rmSync(outPath, { force: true })
    console.error(`failed: ${e instanceof Error ? e.message : e}`)
    return 1
  } finally {
    fs.closeSync(src)
    try {
      fs.closeSync(dst)
    } catch {}
  }
}

main().then((code) => process.exit(code))
