'use strict'
// Misuse of every exported function and class method: wrong types, lengths, algorithm names,
// tampered data, output buffers (in place, overlap, too small), destroyed handles, String/inspect
// hygiene, secureAlloc, async rejections and AbortSignal. The port of
// python/tests/test_bad_input.py; status numbers and names are those of the C ABI.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const util = require('node:util')
const nodeCrypto = require('node:crypto')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const xps = require('..')
const { S, NAMES, expectStatus, rejectsStatus, expectTypeError, checkError, flip, pattern } = require('./helpers')

const { AuthenticationError, InvalidInputError, XpsError } = xps

const b = (s) => Buffer.from(s)
const EMPTY = Buffer.alloc(0)

// Inputs (xpscrypto outputs are used here only as inputs, never as expected values).
const K16 = pattern(16, 1)
const K32 = pattern(32, 1, 100)
const K64 = pattern(64, 1)
const N12 = pattern(12, 1)
const N24 = pattern(24, 1)
const AEADS = { 'aes-128-gcm': [16, 12], 'aes-256-gcm': [32, 12], 'chacha20-poly1305': [32, 12], 'xchacha20-poly1305': [32, 24] }
const SEALED = xps.aeadSeal('aes-256-gcm', K32, N12, b('pt'), b('ad'))
const { ciphertext: CT, tag: TAG } = xps.aeadSealDetached('aes-256-gcm', K32, N12, b('pt'), b('ad'))
const T32 = xps.hmac('hmac-sha256', b('k'), b('d'))
const ED = xps.signKeypair('ed25519', K32)
const MLDSA = xps.signKeypair('ml-dsa-44', K32)
const MLDSA_SIG = xps.hazmatSignInternal('ml-dsa-44', MLDSA.secretKey, Buffer.from('m'))
const ED_SIG = xps.sign('ed25519', ED.secretKey, b('m'))
const X = xps.kemKeypair('x25519', K32)
const HP = xps.hpkeDeriveKeypair(xps.HPKE_KEM_X25519_HKDF_SHA256, K32)
const HP_SEALED = xps.hpkeSeal(32, 1, 1, HP.publicKey, b('pt'), { info: b('i'), aad: b('a') })
const HP_ENC = HP_SEALED.enc
const HP_CT = HP_SEALED.ciphertext
const MLK = xps.kemKeypair('ml-kem-768', K64)
const MLD = xps.signKeypair('ml-dsa-44', K32)
const FAL = xps.signKeypair('falcon-512')
const ML_HP_PK = xps.hpkeDeriveKeypair(xps.HPKE_KEM_ML_KEM_768, K32).publicKey
// Hot-patch inputs: patchVerify checks signatures and the digest only, so any payload bytes do.
const PATCH_PAYLOAD = b('payload bytes (never loaded by patchVerify)')
const PATCH_TRUST = b(JSON.stringify({
  format: 'xpscrypto-trust-store/1', min_required_signatures: 1, allow_unsigned: false,
  signers: [{ name: 'alice', ed25519: ED.publicKey.toString('hex'), ops: ['*'] }],
})) // prettier-ignore
const PATCH_MANIFEST = b(JSON.stringify({
  format: 'xpscrypto-patch-manifest/1', id: 'p', version: 1, kernel_abi: xps.kernelAbiVersion(), ops: ['hash.sha256'],
  payload: { name: 'p.so', size: PATCH_PAYLOAD.length, sha256: nodeCrypto.createHash('sha256').update(PATCH_PAYLOAD).digest('hex') },
  created: 1,
})) // prettier-ignore
const PATCH_SIGNED = xps.patchSignManifest(PATCH_MANIFEST, 'alice', ED.secretKey)
const MLD65_SK = xps.signKeypair('ml-dsa-65', K32).secretKey
// Keyring inputs: every keyring() holds the same keys (imported from K32), so envelopes, signatures
// and tags made by one open in another. Files go to a temporary directory.
const KR_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'xps-node-bad-input-'))
process.on('exit', () => fs.rmSync(KR_DIR, { recursive: true, force: true }))
let krFiles = 0
const krPath = () => path.join(KR_DIR, `k${krFiles++}.xpk`)
function keyring() {
  const k = xps.Keyring.inMemory()
  k.importKey('a', 'aes-256-gcm', K32)
  k.importKey('s', 'ed25519', K32, { seed: true })
  k.importKey('m', 'hmac-sha256', K32)
  k.importKey('q', 'x25519', K32, { seed: true })
  return k
}
const KR_FILE = krPath()
xps.Keyring.create(KR_FILE, { rawKey: K32 }).importKey('a', 'aes-256-gcm', K32)
const KR_ENV = keyring().encrypt('a', b('pt'), b('ad'))
const KR_SIG = keyring().sign('s', b('m'))
const KR_TAG = keyring().mac('m', b('d')).tag
const KR_CT = xps.kemEncapsulate('x25519', X.publicKey).ciphertext
const krCall = (m, args, meta) => {
  const k = keyring()
  return call((...a) => k[m](...a), args, meta)
}

// ------------------------------------------------------------------------------------------------
// The table: a valid call of every function/method with bytes or algorithm-name arguments
// ------------------------------------------------------------------------------------------------

/**
 * A valid call, and which of its arguments are byte arrays (required, by position; optional, by
 * position or as [position, option field]), which is the algorithm name, and a canonical name of
 * another family. `async`: the function returns a Promise.
 */
function call(fn, args, meta = {}) {
  return { fn, args, buffers: meta.buffers || [], optional: meta.optional || [], alg: meta.alg, other: meta.other, async: !!meta.async }
}

/** Runs a call with argument `at` (a position or [position, field]) replaced by `value`. */
function run(c, at, value) {
  const args = c.args.map((a) => (a && typeof a === 'object' && !ArrayBuffer.isView(a) && !Array.isArray(a) ? { ...a } : a))
  if (Array.isArray(at)) args[at[0]] = { ...(args[at[0]] || {}), [at[1]]: value }
  else if (at !== undefined) args[at] = value
  return c.fn(...args)
}

const aeadKey = () => new xps.AeadKey('aes-256-gcm', K32)
const hpkeAll = (i) => [[i, 'info'], [i, 'psk'], [i, 'pskId']]

const CALLS = {
  hash: () => call(xps.hash, ['sha256', b('d')], { buffers: [1], alg: 0, other: 'aes-256-gcm' }),
  hashAsync: () => call(xps.hashAsync, ['sha256', b('d')], { buffers: [1], alg: 0, other: 'aes-256-gcm', async: true }),
  xof: () => call(xps.xof, ['shake128', b('d'), 8], { buffers: [1], alg: 0, other: 'hmac-sha256' }),
  hashOutbytes: () => call(xps.hashOutbytes, ['sha256'], { alg: 0, other: 'x25519' }),
  blake3Keyed: () => call(xps.blake3Keyed, [K32, b('d'), 32], { buffers: [0, 1] }),
  blake3DeriveKey: () => call(xps.blake3DeriveKey, [b('ctx'), b('d'), 32], { buffers: [0, 1] }),
  Hash: () => call((...a) => new xps.Hash(...a), ['sha256'], { alg: 0, other: 'hkdf-sha256' }),
  'Hash.blake3Keyed': () => call((...a) => xps.Hash.blake3Keyed(...a), [K32], { buffers: [0] }),
  'Hash.blake3DeriveKey': () => call((...a) => xps.Hash.blake3DeriveKey(...a), [b('ctx')], { buffers: [0] }),
  'Hash.update': () => {
    const h = new xps.Hash('sha256')
    return call((...a) => h.update(...a), [b('d')], { buffers: [0] })
  },
  hmac: () => call(xps.hmac, ['hmac-sha256', b('k'), b('d')], { buffers: [1, 2], alg: 0, other: 'sha256' }),
  hmacVerify: () => call(xps.hmacVerify, ['hmac-sha256', b('k'), b('d'), T32], { buffers: [1, 2, 3], alg: 0, other: 'sha256' }),
  hmacVerifyTruncated: () => call(xps.hmacVerifyTruncated, ['hmac-sha256', b('k'), b('d'), T32.subarray(0, 16)], { buffers: [1, 2, 3], alg: 0, other: 'sha256' }),
  macTagbytes: () => call(xps.macTagbytes, ['hmac-sha256'], { alg: 0, other: 'sha256' }),
  macKeybytes: () => call(xps.macKeybytes, ['poly1305'], { alg: 0, other: 'sha256' }),
  Mac: () => call((...a) => new xps.Mac(...a), ['hmac-sha256', b('k')], { buffers: [1], alg: 0, other: 'sha256' }),
  'Mac.update': () => {
    const m = new xps.Mac('hmac-sha256', b('k'))
    return call((...a) => m.update(...a), [b('d')], { buffers: [0] })
  },
  'Mac.verify': () => {
    const m = new xps.Mac('hmac-sha256', b('k')).update(b('d'))
    return call((...a) => m.verify(...a), [T32], { buffers: [0] })
  },
  'Mac.verifyTruncated': () => {
    const m = new xps.Mac('hmac-sha256', b('k'))
    return call((...a) => m.verifyTruncated(...a), [T32.subarray(0, 16)], { buffers: [0] })
  },
  aeadSeal: () => call(xps.aeadSeal, ['aes-256-gcm', K32, N12, b('pt'), b('ad')], { buffers: [1, 2, 3], optional: [4], alg: 0, other: 'sha256' }),
  aeadSealAsync: () => call(xps.aeadSealAsync, ['aes-256-gcm', K32, N12, b('pt'), b('ad')], { buffers: [1, 2, 3], optional: [4], alg: 0, other: 'sha256', async: true }),
  aeadOpen: () => call(xps.aeadOpen, ['aes-256-gcm', K32, N12, SEALED, b('ad')], { buffers: [1, 2, 3], optional: [4], alg: 0, other: 'sha256' }),
  aeadOpenAsync: () => call(xps.aeadOpenAsync, ['aes-256-gcm', K32, N12, SEALED, b('ad')], { buffers: [1, 2, 3], optional: [4], alg: 0, other: 'sha256', async: true }),
  aeadSealDetached: () => call(xps.aeadSealDetached, ['aes-256-gcm', K32, N12, b('pt'), b('ad')], { buffers: [1, 2, 3], optional: [4], alg: 0, other: 'ed25519' }),
  aeadOpenDetached: () => call(xps.aeadOpenDetached, ['aes-256-gcm', K32, N12, CT, TAG, b('ad')], { buffers: [1, 2, 3, 4], optional: [5], alg: 0, other: 'x25519' }),
  aeadKeybytes: () => call(xps.aeadKeybytes, ['aes-256-gcm'], { alg: 0, other: 'sha256' }),
  aeadNoncebytes: () => call(xps.aeadNoncebytes, ['aes-256-gcm'], { alg: 0, other: 'sha256' }),
  aeadTagbytes: () => call(xps.aeadTagbytes, ['aes-256-gcm'], { alg: 0, other: 'sha256' }),
  AeadKey: () => call((...a) => new xps.AeadKey(...a), ['aes-256-gcm', K32], { buffers: [1], alg: 0, other: 'hmac-sha256' }),
  'AeadKey.encrypt': () => {
    const k = aeadKey()
    return call((...a) => k.encrypt(...a), [N12, b('pt'), b('ad')], { buffers: [0, 1], optional: [2] })
  },
  'AeadKey.decrypt': () => {
    const k = aeadKey()
    return call((...a) => k.decrypt(...a), [N12, SEALED, b('ad')], { buffers: [0, 1], optional: [2] })
  },
  'AeadKey.encryptDetached': () => {
    const k = aeadKey()
    return call((...a) => k.encryptDetached(...a), [N12, b('pt'), b('ad')], { buffers: [0, 1], optional: [2] })
  },
  'AeadKey.decryptDetached': () => {
    const k = aeadKey()
    return call((...a) => k.decryptDetached(...a), [N12, CT, TAG, b('ad')], { buffers: [0, 1, 2], optional: [3] })
  },
  'AeadKey.encryptInto': () => {
    const k = aeadKey()
    return call((...a) => k.encryptInto(...a), [N12, b('pt'), Buffer.alloc(18), b('ad')], { buffers: [0, 1, 2], optional: [3] })
  },
  'AeadKey.decryptInto': () => {
    const k = aeadKey()
    return call((...a) => k.decryptInto(...a), [N12, SEALED, Buffer.alloc(2), b('ad')], { buffers: [0, 1, 2], optional: [3] })
  },
  'AeadKey.encryptAsync': () => {
    const k = aeadKey()
    return call((...a) => k.encryptAsync(...a), [N12, b('pt'), b('ad')], { buffers: [0, 1], optional: [2], async: true })
  },
  'AeadKey.decryptAsync': () => {
    const k = aeadKey()
    return call((...a) => k.decryptAsync(...a), [N12, SEALED, b('ad')], { buffers: [0, 1], optional: [2], async: true })
  },
  hkdf: () => call(xps.hkdf, ['hkdf-sha256', b('ikm'), b('salt'), b('info'), 16], { buffers: [1, 2, 3], alg: 0, other: 'hmac-sha256' }),
  hkdfExtract: () => call(xps.hkdfExtract, ['hkdf-sha256', b('salt'), b('ikm')], { buffers: [1, 2], alg: 0, other: 'sha256' }),
  hkdfExpand: () => call(xps.hkdfExpand, ['hkdf-sha256', K32, b('info'), 16], { buffers: [1, 2], alg: 0, other: 'sha256' }),
  pbkdf2: () => call(xps.pbkdf2, ['pbkdf2-sha256', b('pw'), b('salt'), 1, 16], { buffers: [1, 2], alg: 0, other: 'hmac-sha256' }),
  pbkdf2Async: () => call(xps.pbkdf2Async, ['pbkdf2-sha256', b('pw'), b('salt'), 1, 16], { buffers: [1, 2], alg: 0, other: 'hmac-sha256', async: true }),
  argon2id: () => call(xps.argon2id, [b('pw'), b('saltsalt'), 1, 8, 1, 16, { secret: b('s'), ad: b('a') }], { buffers: [0, 1], optional: [[6, 'secret'], [6, 'ad']] }),
  argon2idAsync: () => call(xps.argon2idAsync, [b('pw'), b('saltsalt'), 1, 8, 1, 16, { secret: b('s'), ad: b('a') }], { buffers: [0, 1], optional: [[6, 'secret'], [6, 'ad']], async: true }),
  signKeypair: () => call(xps.signKeypair, ['ed25519', K32], { optional: [1], alg: 0, other: 'x25519' }),
  signKeypairAsync: () => call(xps.signKeypairAsync, ['ed25519', K32], { optional: [1], alg: 0, other: 'x25519', async: true }),
  signPublicFromSecret: () => call(xps.signPublicFromSecret, ['ed25519', ED.secretKey], { buffers: [1], alg: 0, other: 'x25519' }),
  sign: () => call(xps.sign, ['ed25519', ED.secretKey, b('m'), { context: EMPTY }], { buffers: [1, 2], optional: [[3, 'context']], alg: 0, other: 'x25519' }),
  signAsync: () => call(xps.signAsync, ['ed25519', ED.secretKey, b('m'), { context: EMPTY }], { buffers: [1, 2], optional: [[3, 'context']], alg: 0, other: 'x25519', async: true }),
  verify: () => call(xps.verify, ['ed25519', ED.publicKey, b('m'), ED_SIG, { context: EMPTY }], { buffers: [1, 2, 3], optional: [[4, 'context']], alg: 0, other: 'x25519' }),
  verifyAsync: () => call(xps.verifyAsync, ['ed25519', ED.publicKey, b('m'), ED_SIG, { context: EMPTY }], { buffers: [1, 2, 3], optional: [[4, 'context']], alg: 0, other: 'x25519', async: true }),
  hazmatSignInternal: () => call(xps.hazmatSignInternal, ['ml-dsa-44', MLDSA.secretKey, b('m'), K32], { buffers: [1, 2], optional: [3], alg: 0, other: 'x25519' }),
  hazmatVerifyInternal: () => call(xps.hazmatVerifyInternal, ['ml-dsa-44', MLDSA.publicKey, b('m'), MLDSA_SIG], { buffers: [1, 2, 3], alg: 0, other: 'x25519' }),
  signPublickeybytes: () => call(xps.signPublickeybytes, ['ed25519'], { alg: 0, other: 'x25519' }),
  signSecretkeybytes: () => call(xps.signSecretkeybytes, ['ed25519'], { alg: 0, other: 'x25519' }),
  signBytes: () => call(xps.signBytes, ['ed25519'], { alg: 0, other: 'x25519' }),
  signSeedbytes: () => call(xps.signSeedbytes, ['ed25519'], { alg: 0, other: 'x25519' }),
  signContextbytes: () => call(xps.signContextbytes, ['ed25519'], { alg: 0, other: 'x25519' }),
  SigningKey: () => call((...a) => new xps.SigningKey(...a), ['ed25519', ED.secretKey], { buffers: [1], alg: 0, other: 'x25519' }),
  'SigningKey.generate': () => call((...a) => xps.SigningKey.generate(...a), ['ed25519', K32], { optional: [1], alg: 0, other: 'ml-kem-512' }),
  'SigningKey.sign': () => {
    const k = new xps.SigningKey('ed25519', ED.secretKey)
    return call((...a) => k.sign(...a), [b('m'), { context: EMPTY }], { buffers: [0], optional: [[1, 'context']] })
  },
  'SigningKey.signAsync': () => {
    const k = new xps.SigningKey('ed25519', ED.secretKey)
    return call((...a) => k.signAsync(...a), [b('m'), { context: EMPTY }], { buffers: [0], optional: [[1, 'context']], async: true })
  },
  kemKeypair: () => call(xps.kemKeypair, ['x25519', K32], { optional: [1], alg: 0, other: 'ed25519' }),
  kemKeypairAsync: () => call(xps.kemKeypairAsync, ['x25519', K32], { optional: [1], alg: 0, other: 'ed25519', async: true }),
  kemEncapsulate: () => call(xps.kemEncapsulate, ['x25519', X.publicKey, K32], { buffers: [1], optional: [2], alg: 0, other: 'ed25519' }),
  kemEncapsulateAsync: () => call(xps.kemEncapsulateAsync, ['x25519', X.publicKey, K32], { buffers: [1], optional: [2], alg: 0, other: 'ed25519', async: true }),
  kemDecapsulate: () => call(xps.kemDecapsulate, ['x25519', X.secretKey, X.publicKey], { buffers: [1, 2], alg: 0, other: 'ed25519' }),
  kemDecapsulateAsync: () => call(xps.kemDecapsulateAsync, ['x25519', X.secretKey, X.publicKey], { buffers: [1, 2], alg: 0, other: 'ed25519', async: true }),
  kemPublickeybytes: () => call(xps.kemPublickeybytes, ['x25519'], { alg: 0, other: 'ed25519' }),
  kemSecretkeybytes: () => call(xps.kemSecretkeybytes, ['x25519'], { alg: 0, other: 'ed25519' }),
  kemCiphertextbytes: () => call(xps.kemCiphertextbytes, ['x25519'], { alg: 0, other: 'ed25519' }),
  kemSharedsecretbytes: () => call(xps.kemSharedsecretbytes, ['x25519'], { alg: 0, other: 'ed25519' }),
  kemSeedbytes: () => call(xps.kemSeedbytes, ['x25519'], { alg: 0, other: 'ed25519' }),
  kemEncapsseedbytes: () => call(xps.kemEncapsseedbytes, ['x25519'], { alg: 0, other: 'ed25519' }),
  DecapsulationKey: () => call((...a) => new xps.DecapsulationKey(...a), ['x25519', X.secretKey], { buffers: [1], alg: 0, other: 'ed25519' }),
  'DecapsulationKey.decapsulate': () => {
    const k = new xps.DecapsulationKey('x25519', X.secretKey)
    return call((...a) => k.decapsulate(...a), [X.publicKey], { buffers: [0] })
  },
  'DecapsulationKey.decapsulateAsync': () => {
    const k = new xps.DecapsulationKey('x25519', X.secretKey)
    return call((...a) => k.decapsulateAsync(...a), [X.publicKey], { buffers: [0], async: true })
  },
  hpkeDeriveKeypair: () => call(xps.hpkeDeriveKeypair, [32, K32], { buffers: [1] }),
  hpkeSeal: () => call(xps.hpkeSeal, [32, 1, 1, HP.publicKey, b('pt'), { info: b('i'), aad: b('a') }], { buffers: [3, 4], optional: [...hpkeAll(5), [5, 'aad'], [5, 'senderSecretKey'], [5, 'ikmE']] }),
  hpkeOpen: () => call(xps.hpkeOpen, [32, 1, 1, HP.secretKey, HP_ENC, HP_CT, { info: b('i'), aad: b('a') }], { buffers: [3, 4, 5], optional: [...hpkeAll(6), [6, 'aad'], [6, 'senderPublicKey']] }),
  HpkeSender: () => call((...a) => new xps.HpkeSender(...a), [32, 1, 1, HP.publicKey, { info: b('i') }], { buffers: [3], optional: [...hpkeAll(4), [4, 'senderSecretKey'], [4, 'ikmE']] }),
  'HpkeSender.seal': () => {
    const s = new xps.HpkeSender(32, 1, 1, HP.publicKey)
    return call((...a) => s.seal(...a), [b('pt'), b('a')], { buffers: [0], optional: [1] })
  },
  'HpkeSender.export': () => {
    const s = new xps.HpkeSender(32, 1, 1, HP.publicKey)
    return call((...a) => s.export(...a), [b('ctx'), 16], { buffers: [0] })
  },
  HpkeRecipient: () => call((...a) => new xps.HpkeRecipient(...a), [32, 1, 1, HP.secretKey, HP_ENC, { info: b('i') }], { buffers: [3, 4], optional: [...hpkeAll(5), [5, 'senderPublicKey']] }),
  'HpkeRecipient.open': () => {
    const r = new xps.HpkeRecipient(32, 1, 1, HP.secretKey, HP_ENC, { info: b('i') })
    return call((...a) => r.open(...a), [HP_CT, b('a')], { buffers: [0], optional: [1] })
  },
  'HpkeRecipient.export': () => {
    const r = new xps.HpkeRecipient(32, 1, 1, HP.secretKey, HP_ENC)
    return call((...a) => r.export(...a), [b('ctx'), 16], { buffers: [0] })
  },
  patchVerify: () => call(xps.patchVerify, [PATCH_SIGNED, PATCH_PAYLOAD, PATCH_TRUST], { buffers: [0, 1, 2] }),
  patchSignManifest: () => call(xps.patchSignManifest, [PATCH_MANIFEST, 'alice', ED.secretKey, { mlDsa65SecretKey: MLD65_SK }], { buffers: [0, 2], optional: [[3, 'mlDsa65SecretKey']] }),
  ctEqual: () => call(xps.ctEqual, [b('a'), b('a')], { buffers: [0, 1] }),
  ctIsZero: () => call(xps.ctIsZero, [Buffer.alloc(1)], { buffers: [0] }),
  secureZero: () => call(xps.secureZero, [Buffer.alloc(3, 7)], { buffers: [0] }),
  randomBytesAsync: () => call(xps.randomBytesAsync, [8], { async: true }),
  'Keyring.create': () => call((...a) => xps.Keyring.create(...a), [krPath(), { rawKey: K32 }], { optional: [[1, 'rawKey']] }),
  'Keyring.open': () => call((...a) => xps.Keyring.open(...a), [KR_FILE, { rawKey: K32 }], { optional: [[1, 'rawKey']] }),
  'Keyring.saveAs': () => krCall('saveAs', [krPath(), { rawKey: K32 }], { optional: [[1, 'rawKey']] }),
  'Keyring.generate': () => krCall('generate', ['new', 'aes-256-gcm'], { alg: 1, other: 'sha256' }),
  'Keyring.importKey': () => krCall('importKey', ['new', 'aes-256-gcm', K32], { buffers: [2], alg: 1, other: 'hkdf-sha256' }),
  'Keyring.encrypt': () => krCall('encrypt', ['a', b('pt'), b('ad')], { buffers: [1], optional: [2] }),
  'Keyring.decrypt': () => krCall('decrypt', [KR_ENV, b('ad')], { buffers: [0], optional: [1] }),
  'Keyring.rewrap': () => krCall('rewrap', [KR_ENV, b('ad')], { buffers: [0], optional: [1] }),
  'Keyring.seal': () => krCall('seal', ['a', b('pt'), b('ad')], { buffers: [1], optional: [2] }),
  'Keyring.openSealed': () => krCall('openSealed', [KR_ENV, b('ad')], { buffers: [0], optional: [1] }),
  'Keyring.sign': () => krCall('sign', ['s', b('m')], { buffers: [1] }),
  'Keyring.verify': () => krCall('verify', [KR_SIG, b('m')], { buffers: [0, 1] }),
  'Keyring.mac': () => krCall('mac', ['m', b('d')], { buffers: [1] }),
  'Keyring.verifyMac': () => krCall('verifyMac', ['m', 1, b('d'), KR_TAG], { buffers: [2, 3] }),
  'Keyring.decapsulate': () => krCall('decapsulate', ['q', KR_CT], { buffers: [1] }),
}

/** Exported callables without byte/algorithm arguments (or state-only methods and getters): each is
 * covered by a dedicated test below. */
const OTHERS = new Set([
  'hpkeKeypair', 'hpkePkbytes', 'hpkeSkbytes', 'hpkeEncbytes', 'init', 'version', 'versionNumber',
  'statusName', 'statusMessage', 'statusCategory', 'statuses', 'algorithms', 'algFromName', 'algName',
  'randomBytes', 'secureAlloc', 'secureIsLocked', 'secureLockFailures', 'cpuFeatureName', 'cpuFeatures',
  'cpuHardwareFeatures', 'dispatchActiveKernel', 'dispatchForce', 'dispatchGeneration', 'dispatchInfo',
  'dispatchReset', 'dispatchSetAutotune', 'dispatchAutotuneEnabled', 'dispatchKernelForSize', 'policyCtOnly', 'policyIsaMask', 'policyRequireMlock', 'policyRsaPrivateOps',
  'policySetCtOnly', 'policySetIsaMask', 'policySetRequireMlock', 'policySetRsaPrivateOps',
  'policyClearIsaMask', '_benchCore', 'errorClass',
  'Hash.digest', 'Hash.xof', 'Hash.copy', 'Hash.name', 'Hash.digestSize', 'Hash.kernel',
  'Mac.finalize', 'Mac.copy', 'Mac.name', 'Mac.tagSize',
  'AeadKey.destroy', 'AeadKey.alg', 'AeadKey.kernel', 'AeadKey.toString',
  'SigningKey.publicKey', 'SigningKey.destroy', 'SigningKey.alg', 'SigningKey.toString',
  'DecapsulationKey.destroy', 'DecapsulationKey.alg', 'DecapsulationKey.toString',
  'HpkeSender.enc', 'HpkeSender.sequence', 'HpkeRecipient.sequence',
  'patchRollback', 'patchHistory', 'patchApplied', 'patchSetAuditLog', 'patchStepName', 'kernelAbiVersion',
  'policyAllowUnsignedPatchesForDevelopment', 'policySetAllowUnsignedPatchesForDevelopment',
  'policyGet', 'policyDefault', 'policyReplace', 'policySetFipsMode', 'policyFipsMode', 'policySetHotPatchAllowed',
  'policyHotPatchAllowed', 'policyAllowAlgorithm', 'policyAlgorithmAllowed', 'fipsApproved', 'metrics',
  'metricsPrometheus', 'metricsReset', 'metricsSetEnabled', 'metricsEnabled',
]) // prettier-ignore

/** Covered in another file, and why. */
const ELSEWHERE = {
  patchApply: 'patch.test.js: a valid call needs a compiled patch module; its byte arguments are checked there',
  patchApplyAsync: 'patch.test.js, as patchApply',
  'Keyring.createAsync': 'keyring.test.js: writes a file, so it takes no AbortSignal (unlike the twins of this table)',
  'Keyring.saveAsAsync': 'keyring.test.js, as Keyring.createAsync',
  'Keyring.openAsync': 'keyring.test.js: AbortSignal, rejections and the event loop during Argon2id',
}
// Keyring members without byte or algorithm arguments: keyring.test.js checks every one with wrong
// types, bad values and a closed keyring.
for (const m of ['Keyring', 'Keyring.inMemory', 'Keyring.defaultAead', 'Keyring.path', 'Keyring.now', 'Keyring.setClock', 'Keyring.advanceClock',
  'Keyring.rotate', 'Keyring.revoke', 'Keyring.destroy', 'Keyring.setMinDecryptionVersion', 'Keyring.setRotationPolicy', 'Keyring.setExpiry',
  'Keyring.tick', 'Keyring.startAutoRotation', 'Keyring.stopAutoRotation', 'Keyring.autoRotationRunning', 'Keyring.events', 'Keyring.subscribe',
  'Keyring.unsubscribe', 'Keyring.setAuditLog', 'Keyring.refresh', 'Keyring.rewrapMany', 'Keyring.publicKey', 'Keyring.list', 'Keyring.describe',
  'Keyring.envelopeLen', 'Keyring.close', 'Keyring.toString']) {
  ELSEWHERE[m] = 'keyring.test.js: misuse tables (wrong types, bad values, closed keyring)'
}

const ERROR_CLASSES = new Set(['XpsError', 'InvalidInputError', 'AuthenticationError', 'PolicyError', 'ResourceError', 'PatchError', 'InternalError', 'SelfTestError'])

/** Every exported function, class, static factory, method and getter, by name. */
function publicApi() {
  const names = new Set()
  for (const [name, value] of Object.entries(xps)) {
    if (typeof value !== 'function' || ERROR_CLASSES.has(name)) continue
    names.add(name)
    if (!/^[A-Z]/.test(name)) continue
    for (const key of Object.getOwnPropertyNames(value)) {
      if (!['length', 'name', 'prototype'].includes(key) && typeof value[key] === 'function') names.add(`${name}.${key}`)
    }
    for (const key of Object.getOwnPropertyNames(value.prototype)) {
      if (key === 'constructor') continue
      const d = Object.getOwnPropertyDescriptor(value.prototype, key)
      if (typeof d.value === 'function' || d.get) names.add(`${name}.${key}`)
    }
  }
  return names
}

test('the tables cover the whole exported API', () => {
  const api = publicApi()
  assert.ok(api.size > 120, `${api.size} exported callables`)
  const missing = [...api].filter((n) => !(n in CALLS) && !OTHERS.has(n) && !(n in ELSEWHERE))
  assert.deepEqual(missing, [], 'exported but not covered by CALLS, OTHERS or ELSEWHERE')
  const stale = [...Object.keys(CALLS), ...OTHERS, ...Object.keys(ELSEWHERE)].filter((n) => !api.has(n))
  assert.deepEqual(stale, [], 'covered but not exported')
  // Every Promise-returning export is in the table as async.
  for (const n of api) if (/Async$/.test(n)) assert.ok((CALLS[n] && CALLS[n]().async) || n in ELSEWHERE, n)
  // the error classes are exported with the documented hierarchy
  for (const name of ERROR_CLASSES) assert.ok(xps[name].prototype instanceof Error || name === 'XpsError', name)
  assert.ok(new xps.SelfTestError('m', 601, 'XPS_E_SELFTEST_FAILED') instanceof xps.InternalError)
})

// ------------------------------------------------------------------------------------------------
// Types
// ------------------------------------------------------------------------------------------------

const names = Object.keys(CALLS).sort()

test('every table call works as given (the baseline of every failure below)', async () => {
  for (const name of names) {
    const c = CALLS[name]()
    const r = run(c)
    if (c.async) {
      assert.ok(r instanceof Promise, name)
      await r
    } else {
      assert.ok(!(r instanceof Promise), name)
    }
  }
})

const NOT_BYTES = [
  ['a string', 'text'],
  ['a number', 7],
  ['undefined', undefined],
  ['null', null],
  ['a plain object', { length: 2 }],
  ['an array', [1, 2]],
  ['an ArrayBuffer', new ArrayBuffer(32)],
  ['a DataView', new DataView(new ArrayBuffer(32))],
  ['a Uint16Array', new Uint16Array(16)],
  ['a boolean', true],
]

test('required byte arguments: string, number, undefined, null, … → TypeError ERR_INVALID_ARG_TYPE', () => {
  let n = 0
  for (const name of names) {
    for (const at of CALLS[name]().buffers) {
      for (const [what, bad] of NOT_BYTES) {
        expectTypeError(() => run(CALLS[name](), at, bad), `${name} arg ${at} = ${what}`)
        n++
      }
      // the message tells how to fix a string
      assert.throws(() => run(CALLS[name](), at, 'text'), /Buffer\.from|encode/, name)
    }
  }
  assert.ok(n > 500, `${n} cases`)
})

test('optional byte arguments: undefined/null mean absent; string or number → TypeError', async () => {
  let n = 0
  for (const name of names) {
    for (const at of CALLS[name]().optional) {
      const label = `${name} ${JSON.stringify(at)}`
      // (positional optionals are typed `Uint8Array | undefined | null`, option fields `field?: Uint8Array`)
      for (const absent of Array.isArray(at) ? [undefined] : [undefined, null]) {
        try {
          const r = run(CALLS[name](), at, absent)
          if (r instanceof Promise) await r.catch((e) => assert.ok(e instanceof XpsError, `${label}: ${e}`))
        } catch (e) {
          // absent is accepted; the call may then fail for its own reasons (e.g. a psk without pskId)
          assert.ok(e instanceof XpsError, `${label} = ${absent}: ${e && e.constructor.name}: ${e && e.message}`)
        }
      }
      expectTypeError(() => run(CALLS[name](), at, 'text'), `${label} = 'text'`)
      expectTypeError(() => run(CALLS[name](), at, 7), `${label} = 7`)
      expectTypeError(() => run(CALLS[name](), at, [1, 2]), `${label} = [1, 2]`)
      n++
    }
  }
  assert.ok(n > 30, `${n} cases`)
})

const ALG_CALLS = names.filter((n) => CALLS[n]().alg !== undefined)

test('algorithm names: unknown → 108 XPS_E_UNKNOWN_ALGORITHM, other family → 109, non-string → TypeError', async () => {
  assert.ok(ALG_CALLS.length > 50)
  for (const name of ALG_CALLS) {
    const c = CALLS[name]()
    for (const bad of ['no-such-alg', '', 'SHA256', 'aes256gcm', 'sha256 ', 'AES-256-GCM', 'sha256\0']) {
      if (c.async) await rejectsStatus(S.UNKNOWN_ALGORITHM, () => run(CALLS[name](), c.alg, bad), `${name}(${JSON.stringify(bad)})`)
      else expectStatus(S.UNKNOWN_ALGORITHM, () => run(CALLS[name](), c.alg, bad), `${name}(${JSON.stringify(bad)})`)
    }
    if (c.async) await rejectsStatus(S.WRONG_ALGORITHM_FAMILY, () => run(CALLS[name](), c.alg, c.other), `${name}(${c.other})`)
    else expectStatus(S.WRONG_ALGORITHM_FAMILY, () => run(CALLS[name](), c.alg, c.other), `${name}(${c.other})`)
    for (const bad of [b('sha256'), null, undefined, 5, { toString: () => 'sha256' }]) {
      expectTypeError(() => run(CALLS[name](), c.alg, bad), `${name} alg = ${util.inspect(bad)}`)
    }
  }
})

test('HPKE: unknown KEM ids → 108; unknown KDF/AEAD ids → 108; a string id → TypeError', () => {
  const calls = [
    (kem) => xps.hpkeKeypair(kem), (kem) => xps.hpkePkbytes(kem), (kem) => xps.hpkeSkbytes(kem),
    (kem) => xps.hpkeEncbytes(kem), (kem) => xps.hpkeDeriveKeypair(kem, K32),
    (kem) => xps.hpkeSeal(kem, 1, 1, HP.publicKey, EMPTY), (kem) => xps.hpkeOpen(kem, 1, 1, HP.secretKey, HP_ENC, HP_CT),
    (kem) => new xps.HpkeSender(kem, 1, 1, HP.publicKey), (kem) => new xps.HpkeRecipient(kem, 1, 1, HP.secretKey, HP_ENC),
  ] // prettier-ignore
  for (const f of calls) {
    for (const kem of [0, 0x10, 0x21, 0x9999, 0x10000]) expectStatus(S.UNKNOWN_ALGORITHM, () => f(kem), `${f} kem ${kem}`) // P-256, X448: not implemented
    expectTypeError(() => f('x25519'), String(f))
    expectTypeError(() => f(undefined), String(f))
  }
  expectStatus(S.UNKNOWN_ALGORITHM, () => xps.hpkeSeal(32, 9, 1, HP.publicKey, EMPTY))
  expectStatus(S.UNKNOWN_ALGORITHM, () => xps.hpkeSeal(32, 1, 9, HP.publicKey, EMPTY))
  expectStatus(S.UNKNOWN_ALGORITHM, () => new xps.HpkeRecipient(32, 1, 0x10001, HP.secretKey, HP_ENC))
  for (const bad of [-1, 2 ** 32 + 32, 1.5, NaN]) {
    assert.throws(() => xps.hpkePkbytes(bad), (e) => e instanceof RangeError && e.code === 'ERR_OUT_OF_RANGE') // not silently some other id
  }
})

test('classes: constructors need `new`; factories return instances of the exported class', () => {
  for (const cls of [xps.AeadKey, xps.Hash, xps.Mac, xps.SigningKey, xps.DecapsulationKey, xps.HpkeSender, xps.HpkeRecipient]) {
    assert.throws(() => cls('sha256'), TypeError, cls.name)
  }
  assert.ok(xps.Hash.blake3Keyed(K32) instanceof xps.Hash)
  assert.ok(xps.Hash.blake3DeriveKey(b('c')) instanceof xps.Hash)
  assert.ok(new xps.Hash('sha256').copy() instanceof xps.Hash)
  assert.ok(new xps.Mac('hmac-sha256', b('k')).copy() instanceof xps.Mac)
  assert.ok(xps.SigningKey.generate('ed25519') instanceof xps.SigningKey)
  const k = new xps.AeadKey('aes-128-gcm', K16)
  assert.ok(k instanceof xps.AeadKey)
  assert.equal(k.alg, 'aes-128-gcm')
  assert.ok(typeof k.kernel === 'string' && k.kernel.length > 0)
  assert.equal(new xps.SigningKey('ed25519', ED.secretKey).alg, 'ed25519')
  assert.equal(new xps.DecapsulationKey('x25519', X.secretKey).alg, 'x25519')
  // methods and getters called on the wrong receiver throw a TypeError (no type confusion)
  assert.throws(() => xps.AeadKey.prototype.encrypt.call({}, N12, b('x')), TypeError)
  assert.throws(() => xps.AeadKey.prototype.encrypt.call(new xps.Mac('hmac-sha256', K32), N12, b('x')), TypeError)
  assert.throws(() => xps.SigningKey.prototype.sign.call(new xps.AeadKey('aes-256-gcm', K32), b('x')), TypeError)
  assert.throws(() => xps.Hash.prototype.digest.call(new xps.Mac('hmac-sha256', K32)), TypeError)
  assert.throws(() => xps.HpkeSender.prototype.seal.call(new xps.HpkeRecipient(32, 1, 1, HP.secretKey, HP_ENC), b('x')), TypeError)
  assert.throws(() => Object.getOwnPropertyDescriptor(xps.AeadKey.prototype, 'alg').get.call({}), TypeError)
  assert.throws(() => Object.create(xps.AeadKey.prototype).encrypt(N12, b('x')), TypeError)
  const h = new xps.Hash('sha256')
  assert.equal(h.update(b('x')), h) // update chains
  const m = new xps.Mac('hmac-sha256', b('k'))
  assert.equal(m.update(b('x')), m)
})

// ------------------------------------------------------------------------------------------------
// Lengths and parameters: exact statuses, never padded or truncated
// ------------------------------------------------------------------------------------------------

function* aeadLengthCases() {
  for (const [alg, [kl, nl]] of Object.entries(AEADS)) {
    const key = Buffer.alloc(kl)
    const nonce = Buffer.alloc(nl)
    const box = new xps.AeadKey(alg, key)
    const sealed = box.encrypt(nonce, b('x'))
    for (const bad of [EMPTY, Buffer.alloc(kl - 1), Buffer.alloc(kl + 1), Buffer.alloc(kl === 16 ? 32 : 16)]) {
      yield [`${alg} aeadSeal key ${bad.length}`, S.BAD_KEY_LENGTH, () => xps.aeadSeal(alg, bad, nonce, EMPTY)]
      yield [`${alg} aeadOpen key ${bad.length}`, S.BAD_KEY_LENGTH, () => xps.aeadOpen(alg, bad, nonce, sealed)]
      yield [`${alg} aeadSealDetached key ${bad.length}`, S.BAD_KEY_LENGTH, () => xps.aeadSealDetached(alg, bad, nonce, EMPTY)]
      yield [`${alg} aeadOpenDetached key ${bad.length}`, S.BAD_KEY_LENGTH, () => xps.aeadOpenDetached(alg, bad, nonce, EMPTY, Buffer.alloc(16))]
      yield [`${alg} AeadKey key ${bad.length}`, S.BAD_KEY_LENGTH, () => new xps.AeadKey(alg, bad)]
    }
    for (const bad of [EMPTY, Buffer.alloc(nl - 1), Buffer.alloc(nl + 1), Buffer.alloc(12 + 24 - nl)]) {
      const n = bad.length
      yield [`${alg} aeadSeal nonce ${n}`, S.BAD_NONCE_LENGTH, () => xps.aeadSeal(alg, key, bad, EMPTY)]
      yield [`${alg} aeadOpen nonce ${n}`, S.BAD_NONCE_LENGTH, () => xps.aeadOpen(alg, key, bad, sealed)]
      yield [`${alg} aeadSealDetached nonce ${n}`, S.BAD_NONCE_LENGTH, () => xps.aeadSealDetached(alg, key, bad, EMPTY)]
      yield [`${alg} aeadOpenDetached nonce ${n}`, S.BAD_NONCE_LENGTH, () => xps.aeadOpenDetached(alg, key, bad, EMPTY, Buffer.alloc(16))]
      yield [`${alg} encrypt nonce ${n}`, S.BAD_NONCE_LENGTH, () => box.encrypt(bad, EMPTY)]
      yield [`${alg} decrypt nonce ${n}`, S.BAD_NONCE_LENGTH, () => box.decrypt(bad, sealed)]
      yield [`${alg} encryptDetached nonce ${n}`, S.BAD_NONCE_LENGTH, () => box.encryptDetached(bad, EMPTY)]
      yield [`${alg} decryptDetached nonce ${n}`, S.BAD_NONCE_LENGTH, () => box.decryptDetached(bad, b('x'), Buffer.alloc(16))]
      yield [`${alg} encryptInto nonce ${n}`, S.BAD_NONCE_LENGTH, () => box.encryptInto(bad, b('x'), Buffer.alloc(17))]
      yield [`${alg} decryptInto nonce ${n}`, S.BAD_NONCE_LENGTH, () => box.decryptInto(bad, sealed, Buffer.alloc(1))]
    }
    for (const t of [0, 1, 15, 17, 32]) {
      yield [`${alg} aeadOpenDetached tag ${t}`, S.BAD_TAG_LENGTH, () => xps.aeadOpenDetached(alg, key, nonce, b('x'), Buffer.alloc(t))]
      yield [`${alg} decryptDetached tag ${t}`, S.BAD_TAG_LENGTH, () => box.decryptDetached(nonce, b('x'), Buffer.alloc(t))]
    }
    for (const c of [0, 1, 15]) {
      yield [`${alg} aeadOpen sealed ${c}`, S.INVALID_LENGTH, () => xps.aeadOpen(alg, key, nonce, Buffer.alloc(c))]
      yield [`${alg} decrypt sealed ${c}`, S.INVALID_LENGTH, () => box.decrypt(nonce, Buffer.alloc(c))]
      yield [`${alg} decryptInto sealed ${c}`, S.INVALID_LENGTH, () => box.decryptInto(nonce, Buffer.alloc(c), Buffer.alloc(16))]
    }
  }
}

const OTHER_LENGTH_CASES = [
  ['hmacVerify tag 31', S.BAD_TAG_LENGTH, () => xps.hmacVerify('hmac-sha256', b('k'), b('d'), T32.subarray(0, 31))],
  ['hmacVerify tag 33', S.BAD_TAG_LENGTH, () => xps.hmacVerify('hmac-sha256', b('k'), b('d'), Buffer.concat([T32, Buffer.alloc(1)]))],
  ['hmacVerify sha512 tag 32', S.BAD_TAG_LENGTH, () => xps.hmacVerify('hmac-sha512', b('k'), b('d'), T32)],
  ['hmacVerifyTruncated 15', S.BAD_TAG_LENGTH, () => xps.hmacVerifyTruncated('hmac-sha256', b('k'), b('d'), T32.subarray(0, 15))],
  ['hmacVerifyTruncated 33', S.BAD_TAG_LENGTH, () => xps.hmacVerifyTruncated('hmac-sha256', b('k'), b('d'), Buffer.concat([T32, Buffer.alloc(1)]))],
  ['hmacVerifyTruncated 0', S.BAD_TAG_LENGTH, () => xps.hmacVerifyTruncated('hmac-sha256', b('k'), b('d'), EMPTY)],
  ['Mac.verify 31', S.BAD_TAG_LENGTH, () => new xps.Mac('hmac-sha256', b('k')).verify(T32.subarray(0, 31))],
  ['Mac.verifyTruncated 15', S.BAD_TAG_LENGTH, () => new xps.Mac('hmac-sha256', b('k')).verifyTruncated(T32.subarray(0, 15))],
  ['poly1305 key 31', S.BAD_KEY_LENGTH, () => xps.hmac('poly1305', K32.subarray(0, 31), EMPTY)],
  ['poly1305 verify key 33', S.BAD_KEY_LENGTH, () => xps.hmacVerify('poly1305', Buffer.concat([K32, Buffer.alloc(1)]), EMPTY, Buffer.alloc(16))],
  ['blake3-keyed mac key 31', S.BAD_KEY_LENGTH, () => xps.hmac('blake3-keyed', K32.subarray(0, 31), EMPTY)],
  ['Mac poly1305 key 0', S.BAD_KEY_LENGTH, () => new xps.Mac('poly1305', EMPTY)],
  ['blake3Keyed key 33', S.BAD_KEY_LENGTH, () => xps.blake3Keyed(Buffer.concat([K32, Buffer.alloc(1)]), EMPTY)],
  ['Hash.blake3Keyed key 31', S.BAD_KEY_LENGTH, () => xps.Hash.blake3Keyed(K32.subarray(0, 31))],
  ['hkdf too long', S.OUTPUT_TOO_LONG, () => xps.hkdf('hkdf-sha256', EMPTY, EMPTY, EMPTY, 255 * 32 + 1)],
  ['hkdf-sha512 too long', S.OUTPUT_TOO_LONG, () => xps.hkdf('hkdf-sha512', EMPTY, EMPTY, EMPTY, 255 * 64 + 1)],
  ['hkdfExpand prk 31', S.INVALID_LENGTH, () => xps.hkdfExpand('hkdf-sha256', K32.subarray(0, 31), EMPTY, 16)],
  ['hkdfExpand too long', S.OUTPUT_TOO_LONG, () => xps.hkdfExpand('hkdf-sha256', K32, EMPTY, 255 * 32 + 1)],
  ['pbkdf2 length 0', S.INVALID_LENGTH, () => xps.pbkdf2('pbkdf2-sha256', b('p'), b('s'), 1, 0)],
  ['argon2id length 3', S.INVALID_LENGTH, () => xps.argon2id(b('p'), Buffer.alloc(8), 1, 8, 1, 3)],
  ['ed25519 seed 31', S.INVALID_LENGTH, () => xps.signKeypair('ed25519', K32.subarray(0, 31))],
  ['ed25519 seed 33', S.INVALID_LENGTH, () => xps.signKeypair('ed25519', Buffer.concat([K32, Buffer.alloc(1)]))],
  ['ml-dsa seed 33', S.INVALID_LENGTH, () => xps.signKeypair('ml-dsa-44', Buffer.concat([K32, Buffer.alloc(1)]))],
  ['slh-dsa seed 47', S.INVALID_LENGTH, () => xps.signKeypair('slh-dsa-sha2-128s', Buffer.alloc(47))],
  ['SigningKey.generate seed 31', S.INVALID_LENGTH, () => xps.SigningKey.generate('ed25519', K32.subarray(0, 31))],
  ['ed25519 sign sk 31', S.BAD_KEY_LENGTH, () => xps.sign('ed25519', ED.secretKey.subarray(0, 31), b('m'))],
  ['ml-dsa sign sk short', S.BAD_KEY_LENGTH, () => xps.sign('ml-dsa-44', MLD.secretKey.subarray(0, -1), b('m'))],
  ['SigningKey sk 33', S.BAD_KEY_LENGTH, () => new xps.SigningKey('ed25519', Buffer.concat([ED.secretKey, Buffer.alloc(1)]))],
  ['signPublicFromSecret 31', S.BAD_KEY_LENGTH, () => xps.signPublicFromSecret('ed25519', ED.secretKey.subarray(0, 31))],
  ['ed25519 verify pk 31', S.BAD_KEY_LENGTH, () => xps.verify('ed25519', ED.publicKey.subarray(0, 31), b('m'), ED_SIG)],
  ['ed25519 verify sig 63', S.INVALID_LENGTH, () => xps.verify('ed25519', ED.publicKey, b('m'), ED_SIG.subarray(0, 63))],
  ['ed25519 verify sig 65', S.INVALID_LENGTH, () => xps.verify('ed25519', ED.publicKey, b('m'), Buffer.concat([ED_SIG, Buffer.alloc(1)]))],
  ['ml-dsa verify pk short', S.BAD_KEY_LENGTH, () => xps.verify('ml-dsa-44', MLD.publicKey.subarray(0, -1), b('m'), Buffer.alloc(2420))],
  ['ml-dsa verify sig short', S.INVALID_LENGTH, () => xps.verify('ml-dsa-44', MLD.publicKey, b('m'), Buffer.alloc(2419))],
  ['ml-dsa sign context 256', S.INVALID_LENGTH, () => xps.sign('ml-dsa-44', MLD.secretKey, b('m'), { context: Buffer.alloc(256) })],
  ['ml-dsa verify context 256', S.INVALID_LENGTH, () => xps.verify('ml-dsa-44', MLD.publicKey, b('m'), Buffer.alloc(2420), { context: Buffer.alloc(256) })],
  ['x25519 seed 31', S.INVALID_LENGTH, () => xps.kemKeypair('x25519', K32.subarray(0, 31))],
  ['ml-kem seed 63', S.INVALID_LENGTH, () => xps.kemKeypair('ml-kem-768', K64.subarray(0, 63))],
  ['ml-kem seed 65', S.INVALID_LENGTH, () => xps.kemKeypair('ml-kem-768', Buffer.concat([K64, Buffer.alloc(1)]))],
  ['x-wing seed 33', S.INVALID_LENGTH, () => xps.kemKeypair('x-wing', Buffer.concat([K32, Buffer.alloc(1)]))],
  ['ml-kem encaps pk short', S.BAD_KEY_LENGTH, () => xps.kemEncapsulate('ml-kem-768', MLK.publicKey.subarray(0, -1))],
  ['ml-kem encaps seed 31', S.INVALID_LENGTH, () => xps.kemEncapsulate('ml-kem-768', MLK.publicKey, K32.subarray(0, 31))],
  ['ml-kem decaps sk short', S.BAD_KEY_LENGTH, () => xps.kemDecapsulate('ml-kem-768', MLK.secretKey.subarray(0, -1), Buffer.alloc(1088))],
  ['ml-kem decaps ct short', S.INVALID_LENGTH, () => xps.kemDecapsulate('ml-kem-768', MLK.secretKey, Buffer.alloc(1087))],
  ['ml-kem decaps ct long', S.INVALID_LENGTH, () => xps.kemDecapsulate('ml-kem-768', MLK.secretKey, Buffer.alloc(1089))],
  ['x25519 decaps sk 31', S.BAD_KEY_LENGTH, () => xps.kemDecapsulate('x25519', X.secretKey.subarray(0, 31), X.publicKey)],
  ['x25519 decaps ct 33', S.INVALID_LENGTH, () => xps.kemDecapsulate('x25519', X.secretKey, Buffer.concat([X.publicKey, Buffer.alloc(1)]))],
  ['DecapsulationKey sk short', S.BAD_KEY_LENGTH, () => new xps.DecapsulationKey('ml-kem-768', MLK.secretKey.subarray(0, -1))],
  ['DecapsulationKey.decapsulate ct short', S.INVALID_LENGTH, () => new xps.DecapsulationKey('ml-kem-768', MLK.secretKey).decapsulate(Buffer.alloc(1087))],
  ['hpkeSeal pk 31', S.BAD_KEY_LENGTH, () => xps.hpkeSeal(32, 1, 1, HP.publicKey.subarray(0, 31), EMPTY)],
  ['hpkeOpen enc 31', S.INVALID_LENGTH, () => xps.hpkeOpen(32, 1, 1, HP.secretKey, HP_ENC.subarray(0, 31), HP_CT)],
  ['hpkeOpen sk 31', S.BAD_KEY_LENGTH, () => xps.hpkeOpen(32, 1, 1, HP.secretKey.subarray(0, 31), HP_ENC, HP_CT)],
  ['hpkeOpen ct 15', S.INVALID_LENGTH, () => xps.hpkeOpen(32, 1, 1, HP.secretKey, HP_ENC, HP_CT.subarray(0, 15))],
  ['hpkeDeriveKeypair ikm 31', S.INVALID_LENGTH, () => xps.hpkeDeriveKeypair(32, K32.subarray(0, 31))],
  ['HpkeSender ikmE 31', S.INVALID_LENGTH, () => new xps.HpkeSender(32, 1, 1, HP.publicKey, { ikmE: K32.subarray(0, 31) })],
  ['HpkeRecipient enc 33', S.INVALID_LENGTH, () => new xps.HpkeRecipient(32, 1, 1, HP.secretKey, Buffer.concat([HP_ENC, Buffer.alloc(1)]))],
  ['HpkeRecipient.open ct 15', S.INVALID_LENGTH, () => new xps.HpkeRecipient(32, 1, 1, HP.secretKey, HP_ENC).open(HP_CT.subarray(0, 15))],
  ['HpkeSender.export too long', S.OUTPUT_TOO_LONG, () => new xps.HpkeSender(32, 1, 1, HP.publicKey).export(EMPTY, 255 * 32 + 1)],
  ['HpkeRecipient.export too long', S.OUTPUT_TOO_LONG, () => new xps.HpkeRecipient(32, 1, 1, HP.secretKey, HP_ENC).export(EMPTY, 255 * 32 + 1)],
  ['HpkeSender.export 0', S.INVALID_LENGTH, () => new xps.HpkeSender(32, 1, 1, HP.publicKey).export(EMPTY, 0)],
  ['secureAlloc(0)', S.INVALID_LENGTH, () => xps.secureAlloc(0)],
  // parameters out of range
  ['pbkdf2 iterations 0', S.INVALID_PARAMETER, () => xps.pbkdf2('pbkdf2-sha256', b('p'), b('s'), 0, 16)],
  ['argon2id tCost 0', S.INVALID_PARAMETER, () => xps.argon2id(b('p'), Buffer.alloc(8), 0, 8, 1, 16)],
  ['argon2id mCost < 8p', S.INVALID_PARAMETER, () => xps.argon2id(b('p'), Buffer.alloc(8), 1, 15, 2, 16)],
  ['argon2id parallelism 0', S.INVALID_PARAMETER, () => xps.argon2id(b('p'), Buffer.alloc(8), 1, 8, 0, 16)],
  ['argon2id salt 7', S.INVALID_PARAMETER, () => xps.argon2id(b('p'), Buffer.alloc(7), 1, 8, 1, 16)],
  ['argon2id secret 33', S.INVALID_PARAMETER, () => xps.argon2id(b('p'), Buffer.alloc(8), 1, 8, 1, 16, { secret: Buffer.alloc(33) })],
  ['argon2id ad 33', S.INVALID_PARAMETER, () => xps.argon2id(b('p'), Buffer.alloc(8), 1, 8, 1, 16, { ad: Buffer.alloc(33) })],
  ['argon2id memory', S.OUT_OF_MEMORY, () => xps.argon2id(b('p'), Buffer.alloc(8), 1, 2 ** 32 - 1, 1, 16)],
  ['ed25519 context', S.INVALID_PARAMETER, () => xps.sign('ed25519', ED.secretKey, b('m'), { context: b('ctx') })],
  ['falcon deterministic', S.INVALID_PARAMETER, () => xps.sign('falcon-512', FAL.secretKey, b('m'), { deterministic: true })],
  ['falcon seeded keygen', S.INVALID_PARAMETER, () => xps.signKeypair('falcon-512', Buffer.alloc(48))],
  ['hpke psk without pskId', S.INVALID_PARAMETER, () => new xps.HpkeSender(32, 1, 1, HP.publicKey, { psk: K32 })],
  ['hpke pskId without psk', S.INVALID_PARAMETER, () => xps.hpkeSeal(32, 1, 1, HP.publicKey, EMPTY, { pskId: b('id') })],
  ['hpke auth with ML-KEM', S.INVALID_PARAMETER, () => new xps.HpkeSender(xps.HPKE_KEM_ML_KEM_768, 1, 1, ML_HP_PK, { senderSecretKey: Buffer.alloc(64) })],
  ['hpke export-only seal', S.INVALID_PARAMETER, () => new xps.HpkeSender(32, 1, xps.HPKE_AEAD_EXPORT_ONLY, HP.publicKey).seal(b('m'))],
  ['xof on a fixed hash', S.WRONG_ALGORITHM_FAMILY, () => xps.xof('sha256', EMPTY, 8)],
  ['Hash.xof on a fixed hash', S.WRONG_ALGORITHM_FAMILY, () => new xps.Hash('sha256').xof(8)],
  ['truncated poly1305', S.WRONG_ALGORITHM_FAMILY, () => xps.hmacVerifyTruncated('poly1305', K32, EMPTY, Buffer.alloc(16))],
  ['Mac.verifyTruncated poly1305', S.WRONG_ALGORITHM_FAMILY, () => new xps.Mac('poly1305', K32).verifyTruncated(Buffer.alloc(16))],
  ['algName unknown id', S.UNKNOWN_ALGORITHM, () => xps.algName(9999)],
  ['_benchCore unknown', S.UNKNOWN_ALGORITHM, () => xps._benchCore('no-such-alg', 16, 1)],
  ['_benchCore signature alg', S.INVALID_PARAMETER, () => xps._benchCore('ed25519', 16, 1)],
]

test('wrong lengths and parameters throw InvalidInputError with the exact status', () => {
  const cases = [...aeadLengthCases(), ...OTHER_LENGTH_CASES]
  assert.ok(cases.length > 300, `${cases.length} cases`)
  for (const [label, status, fn] of cases) {
    const e = expectStatus(status, fn, label)
    if (status < 200) assert.ok(e instanceof InvalidInputError, label)
  }
})

test('async twins reject (never throw) with the same classes and statuses', async () => {
  const box = new xps.AeadKey('aes-256-gcm', K32)
  const sk = new xps.SigningKey('ed25519', ED.secretKey)
  const dk = new xps.DecapsulationKey('ml-kem-768', MLK.secretKey)
  const cases = [
    ['hashAsync other family', S.WRONG_ALGORITHM_FAMILY, () => xps.hashAsync('hmac-sha256', b('d'))],
    ['aeadSealAsync key 31', S.BAD_KEY_LENGTH, () => xps.aeadSealAsync('aes-256-gcm', K32.subarray(0, 31), N12, EMPTY)],
    ['aeadSealAsync nonce 11', S.BAD_NONCE_LENGTH, () => xps.aeadSealAsync('aes-256-gcm', K32, N12.subarray(0, 11), EMPTY)],
    ['aeadOpenAsync tampered', S.AUTHENTICATION_FAILED, () => xps.aeadOpenAsync('aes-256-gcm', K32, N12, flip(SEALED, 0), b('ad'))],
    ['aeadOpenAsync wrong aad', S.AUTHENTICATION_FAILED, () => xps.aeadOpenAsync('aes-256-gcm', K32, N12, SEALED)],
    ['aeadOpenAsync sealed 15', S.INVALID_LENGTH, () => xps.aeadOpenAsync('aes-256-gcm', K32, N12, Buffer.alloc(15))],
    ['AeadKey.encryptAsync nonce 13', S.BAD_NONCE_LENGTH, () => box.encryptAsync(Buffer.alloc(13), EMPTY)],
    ['AeadKey.decryptAsync tampered', S.AUTHENTICATION_FAILED, () => box.decryptAsync(N12, flip(SEALED, SEALED.length - 1), b('ad'))],
    ['pbkdf2Async iterations 0', S.INVALID_PARAMETER, () => xps.pbkdf2Async('pbkdf2-sha256', b('p'), b('s'), 0, 16)],
    ['pbkdf2Async length 0', S.INVALID_LENGTH, () => xps.pbkdf2Async('pbkdf2-sha256', b('p'), b('s'), 1, 0)],
    ['argon2idAsync salt 7', S.INVALID_PARAMETER, () => xps.argon2idAsync(b('p'), Buffer.alloc(7), 1, 8, 1, 16)],
    ['argon2idAsync secret 33', S.INVALID_PARAMETER, () => xps.argon2idAsync(b('p'), Buffer.alloc(8), 1, 8, 1, 16, { secret: Buffer.alloc(33) })],
    ['signKeypairAsync seed 31', S.INVALID_LENGTH, () => xps.signKeypairAsync('ed25519', K32.subarray(0, 31))],
    ['signAsync sk 31', S.BAD_KEY_LENGTH, () => xps.signAsync('ed25519', ED.secretKey.subarray(0, 31), b('m'))],
    ['signAsync ed25519 context', S.INVALID_PARAMETER, () => xps.signAsync('ed25519', ED.secretKey, b('m'), { context: b('c') })],
    ['SigningKey.signAsync context', S.INVALID_PARAMETER, () => sk.signAsync(b('m'), { context: b('c') })],
    ['verifyAsync sig 63', S.INVALID_LENGTH, () => xps.verifyAsync('ed25519', ED.publicKey, b('m'), ED_SIG.subarray(0, 63))],
    ['verifyAsync pk 31', S.BAD_KEY_LENGTH, () => xps.verifyAsync('ed25519', ED.publicKey.subarray(0, 31), b('m'), ED_SIG)],
    ['kemKeypairAsync seed 63', S.INVALID_LENGTH, () => xps.kemKeypairAsync('ml-kem-768', K64.subarray(0, 63))],
    ['kemEncapsulateAsync pk short', S.BAD_KEY_LENGTH, () => xps.kemEncapsulateAsync('ml-kem-768', MLK.publicKey.subarray(0, -1))],
    ['kemDecapsulateAsync ct short', S.INVALID_LENGTH, () => xps.kemDecapsulateAsync('ml-kem-768', MLK.secretKey, Buffer.alloc(1087))],
    ['kemDecapsulateAsync x25519 low order', S.WEAK_PUBLIC_KEY, () => xps.kemDecapsulateAsync('x25519', X.secretKey, Buffer.alloc(32))],
    ['DecapsulationKey.decapsulateAsync ct long', S.INVALID_LENGTH, () => dk.decapsulateAsync(Buffer.alloc(1089))],
  ]
  for (const [label, status, fn] of cases) {
    const e = await rejectsStatus(status, fn, label)
    assert.ok(status < 200 ? e instanceof InvalidInputError : e instanceof AuthenticationError, label)
    assert.ok(!/^XPS_E_/.test(e.message), `${label}: the status-name prefix is stripped from the message`)
  }
  // verifyAsync of a well-formed wrong signature resolves false (not a rejection)
  assert.equal(await xps.verifyAsync('ed25519', ED.publicKey, b('M'), ED_SIG), false)
})

test('every async twin takes an optional AbortSignal last; a non-signal there is a TypeError', async () => {
  for (const name of names.filter((n) => CALLS[n]().async)) {
    const c = CALLS[name]()
    // The position of the signal: after every optional argument (index.d.ts).
    const argc = { hashAsync: 2, aeadSealAsync: 5, aeadOpenAsync: 5, pbkdf2Async: 5, argon2idAsync: 7, signKeypairAsync: 2, signAsync: 4, verifyAsync: 5, kemKeypairAsync: 2, kemEncapsulateAsync: 3, kemDecapsulateAsync: 3, randomBytesAsync: 1, 'AeadKey.encryptAsync': 3, 'AeadKey.decryptAsync': 3, 'SigningKey.signAsync': 2, 'DecapsulationKey.decapsulateAsync': 1 }[name]
    assert.ok(argc !== undefined && c.args.length <= argc, name)
    const args = [...c.args]
    while (args.length < argc) args.push(undefined)
    const ac = new AbortController()
    assert.ok((await c.fn(...args, ac.signal)) !== undefined, `${name} with a live signal`)
    assert.ok((await c.fn(...args, undefined)) !== undefined, `${name} with signal undefined`)
    expectTypeError(() => c.fn(...args, 'signal'), `${name} signal = 'signal'`)
    expectTypeError(() => c.fn(...args, 5), `${name} signal = 5`)
  }
})

test('an AbortSignal aborted before the call rejects with an AbortError', async () => {
  const ac = new AbortController()
  ac.abort()
  const calls = [
    ['hashAsync', () => xps.hashAsync('sha256', b('d'), ac.signal)],
    ['argon2idAsync', () => xps.argon2idAsync(b('pw'), Buffer.alloc(8), 1, 8, 1, 16, undefined, ac.signal)],
    ['aeadSealAsync', () => xps.aeadSealAsync('aes-256-gcm', K32, N12, b('pt'), undefined, ac.signal)],
    ['randomBytesAsync', () => xps.randomBytesAsync(8, ac.signal)],
    ['AeadKey.encryptAsync', () => aeadKey().encryptAsync(N12, b('pt'), undefined, ac.signal)],
  ]
  for (const [label, fn] of calls) {
    let p
    assert.doesNotThrow(() => {
      p = fn()
    }, label)
    await assert.rejects(p, (e) => e instanceof Error && e.name === 'AbortError', label)
  }
})

test('integer arguments out of the u32 range or not integers are refused, never wrapped or truncated', () => {
  const bad = [2 ** 32 + 5, 1.5, NaN, Infinity, -0.5]
  for (const v of bad) {
    for (const [label, fn] of [
      ['xof length', () => xps.xof('shake128', b('d'), v)],
      ['randomBytes n', () => xps.randomBytes(v)],
      ['blake3Keyed length', () => xps.blake3Keyed(K32, b('d'), v)],
      ['Hash.xof length', () => new xps.Hash('shake256').xof(v)],
      ['pbkdf2 iterations', () => xps.pbkdf2('pbkdf2-sha256', b('pw'), b('salt'), v, 16)],
      ['argon2id tCost', () => xps.argon2id(b('pw'), Buffer.alloc(8), v, 8, 1, 16)],
      ['secureAlloc size', () => xps.secureAlloc(v)],
      ['hpkePkbytes kem', () => xps.hpkePkbytes(32 + (Number.isInteger(v) ? v - 5 : v))],
    ]) {
      assert.throws(fn, (e) => e instanceof RangeError || e instanceof TypeError || e instanceof InvalidInputError, `${label} = ${v}`)
    }
  }
})

test('negative lengths with a limit are refused (not a huge allocation)', () => {
  for (const fn of [
    () => xps.hkdf('hkdf-sha256', EMPTY, EMPTY, EMPTY, -1),
    () => xps.hkdfExpand('hkdf-sha512', Buffer.alloc(64), EMPTY, -1),
    () => new xps.HpkeSender(32, 1, 1, HP.publicKey).export(EMPTY, -1),
    () => new xps.HpkeRecipient(32, 1, 1, HP.secretKey, HP_ENC).export(EMPTY, -1),
  ]) {
    assert.throws(fn, (e) => e instanceof RangeError || e instanceof TypeError || e instanceof InvalidInputError, String(fn))
  }
  for (const n of [255 * 64 + 1, 2 ** 31]) {
    expectStatus(S.OUTPUT_TOO_LONG, () => xps.hkdf('hkdf-sha256', EMPTY, EMPTY, EMPTY, n))
    expectStatus(S.OUTPUT_TOO_LONG, () => xps.hkdfExpand('hkdf-sha512', Buffer.alloc(64), EMPTY, n))
    expectStatus(S.OUTPUT_TOO_LONG, () => new xps.HpkeSender(32, 1, 1, HP.publicKey).export(EMPTY, n))
    expectStatus(S.OUTPUT_TOO_LONG, () => new xps.HpkeRecipient(32, 1, 1, HP.secretKey, HP_ENC).export(EMPTY, n))
  }
})

test('integer arguments of the wrong type → TypeError', () => {
  for (const [label, fn] of [
    ['xof "8"', () => xps.xof('shake128', EMPTY, '8')],
    ['xof undefined', () => xps.xof('shake128', EMPTY)],
    ['xof null', () => xps.xof('shake128', EMPTY, null)],
    ['hkdf "16"', () => xps.hkdf('hkdf-sha256', EMPTY, EMPTY, EMPTY, '16')],
    ['pbkdf2 iterations "1"', () => xps.pbkdf2('pbkdf2-sha256', EMPTY, EMPTY, '1', 16)],
    ['argon2id tCost undefined', () => xps.argon2id(b('p'), Buffer.alloc(8), undefined, 8, 1, 16)],
    ['randomBytes "8"', () => xps.randomBytes('8')],
    ['secureAlloc "8"', () => xps.secureAlloc('8')],
    ['Hash.xof undefined', () => new xps.Hash('shake128').xof()],
    ['HpkeSender.export "16"', () => new xps.HpkeSender(32, 1, 1, HP.publicKey).export(EMPTY, '16')],
    ['hpkeSeal kdf "1"', () => xps.hpkeSeal(32, '1', 1, HP.publicKey, EMPTY)],
    ['blake3Keyed length "8"', () => xps.blake3Keyed(K32, EMPTY, '8')],
    ['sign deterministic "yes"', () => xps.sign('ml-dsa-44', MLD.secretKey, b('m'), { deterministic: 'yes' })],
  ]) {
    expectTypeError(fn, label)
  }
})

test('options arguments that are not objects → TypeError', () => {
  for (const [label, fn] of [
    ['sign options "ctx"', () => xps.sign('ed25519', ED.secretKey, b('m'), 'ctx')],
    ['verify options 5', () => xps.verify('ed25519', ED.publicKey, b('m'), ED_SIG, 5)],
    ['hpkeSeal options "info"', () => xps.hpkeSeal(32, 1, 1, HP.publicKey, EMPTY, 'info')],
    ['HpkeSender options "info"', () => new xps.HpkeSender(32, 1, 1, HP.publicKey, 'info')],
    ['argon2id options "pepper"', () => xps.argon2id(b('p'), Buffer.alloc(8), 1, 8, 1, 16, 'pepper')],
  ]) {
    expectTypeError(fn, label)
  }
})

test('error messages never show key bytes', () => {
  const key = Buffer.from('8f3a9c2e71d04b6a5e19c7f28d3b60a4e5f1c9d7a2b8e6f03c4d5a6b7c8d9e0f', 'hex').subarray(0, 31)
  for (const fn of [() => xps.aeadSeal('aes-256-gcm', key, N12, EMPTY), () => xps.sign('ed25519', key, b('m')), () => new xps.AeadKey('aes-256-gcm', key), () => xps.kemDecapsulate('x25519', key, X.publicKey)]) {
    const e = expectStatus(S.BAD_KEY_LENGTH, fn)
    const text = `${e.message} ${e.stack} ${util.inspect(e)}`.toLowerCase()
    assert.ok(!text.includes(key.toString('hex')) && !text.includes(key.toString('hex').slice(0, 16)), text)
    assert.ok(!text.includes(key.toString('base64').slice(0, 12).toLowerCase()))
  }
})

test('other exported functions: bad types, unknown names, and their documented results', () => {
  for (const fn of [
    () => xps.hpkeKeypair('x'), () => xps.statusName('103'), () => xps.statusMessage(undefined),
    () => xps.statusCategory('1'), () => xps.algFromName(b('sha256')), () => xps.algName('sha256'),
    () => xps.cpuFeatureName('x'), () => xps.dispatchActiveKernel(undefined), () => xps.dispatchForce('aead.aes-256-gcm', undefined),
    () => xps.dispatchSetAutotune('yes'), () => xps.dispatchKernelForSize('hash.sha256', '5'), () => xps.dispatchKernelForSize(5, 5),
    () => xps.policySetCtOnly('yes'), () => xps.policySetRequireMlock(undefined), () => xps.policySetRsaPrivateOps('no'),
    () => xps.randomBytes('8'), () => xps.randomBytesAsync('8'), () => xps.secureAlloc(undefined),
    () => xps._benchCore(5, 16, 1), () => xps.hpkePkbytes(undefined),
    () => xps.patchStepName('506'), () => xps.patchSetAuditLog(42), () => xps.policySetAllowUnsignedPatchesForDevelopment('yes'),
    () => xps.patchSignManifest(PATCH_MANIFEST, undefined, ED.secretKey), () => xps.patchSignManifest(PATCH_MANIFEST, 'alice', ED.secretKey, 5),
    () => xps.policyReplace(5), () => xps.policyReplace({ fipsMode: 'yes' }), () => xps.policyReplace({ allowedAlgorithms: 5 }),
    () => xps.policySetFipsMode('yes'), () => xps.policySetHotPatchAllowed(undefined), () => xps.policyAllowAlgorithm(b('sha256')),
    () => xps.policyAlgorithmAllowed(undefined), () => xps.fipsApproved(1), () => xps.metricsSetEnabled('no'),
  ]) { // prettier-ignore
    expectTypeError(fn, String(fn))
  }
  assert.throws(() => xps.policyReplace(undefined), TypeError)
  assert.deepEqual(xps.policyGet(), xps.policyDefault(), 'the bad calls above changed nothing')
  assert.throws(() => xps.fipsApproved('no-such-alg'), xps.InvalidInputError)
  expectTypeError(() => xps.policySetIsaMask([5]))
  assert.throws(() => xps.policySetIsaMask(null)) // (its class: see the test below)
  assert.equal(xps.algFromName('no-such-alg'), 0)
  assert.equal(xps.algName(xps.algFromName('ml-kem-768')), 'ml-kem-768')
  for (const a of xps.algorithms()) assert.equal(xps.algName(xps.algFromName(a)), a)
  assert.equal(xps.statusName(9999), 'XPS_E_UNKNOWN_STATUS')
  for (const s of [103, 104, 108, 109, 110, 113, 114]) assert.equal(xps.statusName(s), NAMES[s])
  assert.equal(typeof xps.statusMessage(103), 'string')
  assert.equal(xps.statusCategory(203), 2)
  assert.equal(xps.cpuFeatureName(200), null)
  assert.equal(xps.ctEqual(b('a'), b('ab')), false)
  assert.equal(xps.ctEqual(b('ab'), b('ab')), true)
  assert.equal(xps.ctIsZero(Buffer.from([0, 1])), false)
  assert.equal(xps.ctIsZero(Buffer.alloc(5)), true)
  assert.equal(xps.errorClass(103), InvalidInputError)
  assert.equal(xps.errorClass(201), AuthenticationError)
  assert.equal(xps.errorClass(301), xps.PolicyError)
  assert.equal(xps.errorClass(402), xps.ResourceError)
  assert.equal(xps.errorClass(501), xps.PatchError)
  assert.equal(xps.errorClass(601), xps.SelfTestError)
  assert.equal(xps.errorClass(603), xps.InternalError)
  expectStatus(S.UNKNOWN_OP, () => xps.dispatchActiveKernel('no-such-op'))
  const gen = xps.dispatchGeneration()
  expectStatus(S.UNKNOWN_KERNEL, () => xps.dispatchForce('aead.aes-256-gcm', 'no-such-kernel'))
  expectStatus(S.UNKNOWN_OP, () => xps.dispatchForce('no-such-op', 'x'))
  expectStatus(S.UNKNOWN_OP, () => xps.dispatchKernelForSize('no-such-op', 1))
  for (const bad of [-1, 1.5, NaN, 2 ** 32]) assert.throws(() => xps.dispatchKernelForSize('hash.sha256', bad), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' })
  const mask = xps.policyIsaMask()
  expectStatus(S.INVALID_PARAMETER, () => xps.policySetIsaMask(['no-such-feature']))
  assert.equal(xps.dispatchGeneration(), gen)
  assert.deepEqual(xps.policyIsaMask(), mask)
  // the status table: the C header's numbers, each code mapped to its class
  const table = Object.fromEntries(xps.statuses().map((s) => [s.status, s.code]))
  for (const [num, code] of Object.entries(NAMES)) assert.equal(table[num], code)
  const major = xps.version().split('.').map(Number)
  assert.equal(xps.versionNumber(), major[0] * 10000 + major[1] * 100 + major[2])
  for (const a of ['aes-256-gcm', 'ml-kem-768', 'ed25519', 'x-wing']) assert.ok(xps.algorithms().includes(a))
})

test('policySetIsaMask with a non-array → TypeError ERR_INVALID_ARG_TYPE', () => {
  const mask = xps.policyIsaMask()
  try {
    for (const bad of [null, undefined, 'avx2', 5, { length: 1, 0: 'avx2' }]) expectTypeError(() => xps.policySetIsaMask(bad), util.inspect(bad))
    assert.deepEqual(xps.policyIsaMask(), mask)
  } finally {
    xps.policyClearIsaMask()
  }
})

test('static factories work when called detached from their class', () => {
  const { generate } = xps.SigningKey
  const { blake3Keyed, blake3DeriveKey } = xps.Hash
  assert.ok(generate('ed25519') instanceof xps.SigningKey)
  assert.ok(blake3Keyed(K32) instanceof xps.Hash)
  assert.ok(blake3DeriveKey(b('ctx')) instanceof xps.Hash)
  assert.equal([K32].map(xps.Hash.blake3Keyed).length, 1)
})

test('system and policy functions (state restored afterwards)', () => {
  xps.init()
  assert.equal(typeof xps.secureIsLocked(), 'boolean')
  assert.ok(Number.isInteger(xps.secureLockFailures()) && xps.secureLockFailures() >= 0)
  assert.ok(xps.cpuFeatures().every((f) => xps.cpuHardwareFeatures().includes(f)))
  const info = xps.dispatchInfo()
  assert.ok(info.length > 5 && info.every((o) => typeof o.op === 'string' && o.candidates.length > 0))
  const op = info.find((o) => o.op.startsWith('hash.sha256')) || info[0]
  assert.equal(xps.dispatchActiveKernel(op.op), op.active)
  const portable = op.candidates.find((c) => c.available && c.requires.length === 0)
  const gen = xps.dispatchGeneration()
  try {
    xps.dispatchForce(op.op, portable.name)
    assert.equal(xps.dispatchActiveKernel(op.op), portable.name)
    assert.notEqual(xps.dispatchGeneration(), gen)
    assert.deepEqual(xps.hash('sha256', b('abc')), nodeCrypto.createHash('sha256').update('abc').digest())
  } finally {
    xps.dispatchReset()
  }
  assert.equal(xps.dispatchActiveKernel(op.op), op.active)
  const [ct, mlock, rsa] = [xps.policyCtOnly(), xps.policyRequireMlock(), xps.policyRsaPrivateOps()]
  const mask = xps.policyIsaMask()
  try {
    xps.policySetCtOnly(true)
    assert.equal(xps.policyCtOnly(), true)
    xps.policySetIsaMask([])
    assert.deepEqual(xps.policyIsaMask(), [])
    assert.deepEqual(xps.aeadSeal('aes-256-gcm', K32, N12, b('pt'), b('ad')), SEALED) // portable kernels agree
    xps.policySetRsaPrivateOps(!rsa)
    assert.equal(xps.policyRsaPrivateOps(), !rsa)
    xps.policySetRequireMlock(mlock)
    assert.equal(xps.policyRequireMlock(), mlock)
  } finally {
    xps.policySetCtOnly(ct)
    xps.policyClearIsaMask()
    xps.policySetRsaPrivateOps(rsa)
  }
  assert.deepEqual([xps.policyCtOnly(), xps.policyRequireMlock(), xps.policyRsaPrivateOps()], [ct, mlock, rsa])
  assert.deepEqual(xps.policyIsaMask(), mask)
  assert.equal(typeof xps._benchCore('sha256', 16, 2), 'number')
  assert.equal(typeof xps._benchCore('aes-128-gcm', 16, 2), 'number')
  // HPKE sizes and fresh key pairs
  assert.deepEqual([xps.hpkePkbytes(32), xps.hpkeSkbytes(32), xps.hpkeEncbytes(32)], [32, 32, 32])
  const kp = xps.hpkeKeypair(xps.HPKE_KEM_ML_KEM_768)
  assert.equal(kp.publicKey.length, xps.hpkePkbytes(xps.HPKE_KEM_ML_KEM_768))
  assert.equal(kp.secretKey.length, xps.hpkeSkbytes(xps.HPKE_KEM_ML_KEM_768))
  const r1 = xps.randomBytes(32)
  assert.equal(r1.length, 32)
  assert.notDeepEqual(r1, xps.randomBytes(32))
  assert.equal(xps.randomBytes(0).length, 0)
})

test('policy refusals → PolicyError 301 XPS_E_POLICY_DENIED (RSA private-key operations off)', async () => {
  const before = xps.policyRsaPrivateOps()
  xps.policySetRsaPrivateOps(true)
  const kp = xps.signKeypair('rsa-pss-sha256')
  const sig = xps.sign('rsa-pss-sha256', kp.secretKey, b('m'))
  const handle = new xps.SigningKey('rsa-pss-sha256', kp.secretKey)
  try {
    xps.policySetRsaPrivateOps(false)
    for (const [label, fn] of [
      ['sign', () => xps.sign('rsa-pss-sha256', kp.secretKey, b('m'))],
      ['signKeypair', () => xps.signKeypair('rsa-pss-sha256')],
      ['SigningKey#sign', () => handle.sign(b('m'))],
    ]) {
      const e = expectStatus(301, fn, label)
      assert.ok(e instanceof xps.PolicyError, label)
      assert.equal(e.code, 'XPS_E_POLICY_DENIED')
    }
    const e = await rejectsStatus(301, () => xps.signAsync('rsa-pss-sha256', kp.secretKey, b('m')), 'signAsync')
    assert.ok(e instanceof xps.PolicyError)
    assert.equal(xps.verify('rsa-pss-sha256', kp.publicKey, b('m'), sig), true) // public operations stay allowed
  } finally {
    xps.policySetRsaPrivateOps(before)
  }
  assert.equal(xps.policyRsaPrivateOps(), before)
  if (before) assert.equal(xps.verify('rsa-pss-sha256', kp.publicKey, b('m'), handle.sign(b('m'))), true)
})

// ------------------------------------------------------------------------------------------------
// Tampering
// ------------------------------------------------------------------------------------------------

const SIZES = [0, 1, 33, 70000]

test('AEAD tampering (ciphertext, tag, aad, nonce, key, truncation) → AuthenticationError 201, nothing written', () => {
  for (const [alg, [kl, nl]] of Object.entries(AEADS)) {
    for (const size of SIZES) {
      const key = pattern(kl, 1, 1)
      const nonce = pattern(nl, 1)
      const aad = b('header')
      const pt = pattern(size)
      const box = new xps.AeadKey(alg, key)
      const sealed = box.encrypt(nonce, pt, aad)
      const wrong = {
        ciphertext: [key, nonce, size ? flip(sealed, 0) : sealed, aad],
        tag: [key, nonce, flip(sealed, sealed.length - 1), aad],
        'tag high bit': [key, nonce, Buffer.concat([sealed.subarray(0, -1), Buffer.from([sealed[sealed.length - 1] ^ 0x80])]), aad],
        aad: [key, nonce, sealed, Buffer.concat([aad, b('!')])],
        'no aad': [key, nonce, sealed, EMPTY],
        nonce: [key, flip(nonce, nl - 1), sealed, aad],
        key: [flip(key, 0), nonce, sealed, aad],
        truncated: [key, nonce, sealed.subarray(1), aad],
        extended: [key, nonce, Buffer.concat([Buffer.alloc(1), sealed]), aad],
      }
      if (!size) {
        delete wrong.ciphertext // nothing to flip
        delete wrong.truncated // 15 bytes is a length error
      }
      for (const [what, [k, n, s, a]] of Object.entries(wrong)) {
        const label = `${alg} size ${size} wrong ${what}`
        for (const [how, fn] of [
          ['aeadOpen', () => xps.aeadOpen(alg, k, n, s, a)],
          ['aeadOpenDetached', () => xps.aeadOpenDetached(alg, k, n, s.subarray(0, -16), s.subarray(-16), a)],
          ['decrypt', () => new xps.AeadKey(alg, k).decrypt(n, s, a)],
          ['decryptDetached', () => new xps.AeadKey(alg, k).decryptDetached(n, s.subarray(0, -16), s.subarray(-16), a)],
        ]) {
          const e = expectStatus(S.AUTHENTICATION_FAILED, fn, `${label} ${how}`)
          assert.ok(e instanceof AuthenticationError)
        }
        const out = Buffer.alloc(s.length - 16, 0x5a)
        expectStatus(S.AUTHENTICATION_FAILED, () => new xps.AeadKey(alg, k).decryptInto(n, s, out, a), `${label} decryptInto`)
        assert.ok(out.every((x) => x === 0x5a), `${label}: output written on failure`)
        const inplace = Buffer.from(s)
        expectStatus(S.AUTHENTICATION_FAILED, () => new xps.AeadKey(alg, k).decryptInto(n, inplace, inplace, a), `${label} decryptInto in place`)
        assert.deepEqual(inplace, s, `${label}: in-place buffer changed on failure`)
      }
      const ct = sealed.subarray(0, -16)
      const tag = sealed.subarray(-16)
      assert.deepEqual(box.decryptDetached(nonce, ct, tag, aad), pt) // the untouched message still opens
      assert.deepEqual(xps.aeadOpen(alg, key, nonce, sealed, aad), pt)
    }
  }
})

test('HPKE tampering → 201; a failed open keeps the recipient sequence', () => {
  const psk = { psk: K32, pskId: b('id') }
  const { enc, ciphertext: ct } = xps.hpkeSeal(32, 1, 3, HP.publicKey, b('message'), { info: b('i'), aad: b('a'), ...psk })
  const good = { info: b('i'), aad: b('a'), ...psk }
  assert.deepEqual(xps.hpkeOpen(32, 1, 3, HP.secretKey, enc, ct, good), b('message'))
  for (const change of [{ info: b('j') }, { aad: EMPTY }, { psk: Buffer.alloc(32) }, { pskId: b('ie') }]) {
    expectStatus(S.AUTHENTICATION_FAILED, () => xps.hpkeOpen(32, 1, 3, HP.secretKey, enc, ct, { ...good, ...change }), JSON.stringify(Object.keys(change)))
  }
  expectStatus(S.AUTHENTICATION_FAILED, () => xps.hpkeOpen(32, 1, 3, HP.secretKey, enc, flip(ct, 3), good))
  expectStatus(S.AUTHENTICATION_FAILED, () => xps.hpkeOpen(32, 1, 3, HP.secretKey, flip(enc, 5), ct, good))
  expectStatus(S.AUTHENTICATION_FAILED, () => xps.hpkeOpen(32, 1, 1, HP.secretKey, enc, ct, good)) // another AEAD
  const otherSk = xps.hpkeDeriveKeypair(32, Buffer.alloc(32)).secretKey
  expectStatus(S.AUTHENTICATION_FAILED, () => xps.hpkeOpen(32, 1, 3, otherSk, enc, ct, good))

  const sender = new xps.HpkeSender(32, 1, 1, HP.publicKey)
  const recipient = new xps.HpkeRecipient(32, 1, 1, HP.secretKey, sender.enc)
  const c0 = sender.seal(b('zero'))
  const c1 = sender.seal(b('one'), b('aad'))
  expectStatus(S.AUTHENTICATION_FAILED, () => recipient.open(c1, b('aad'))) // out of order
  expectStatus(S.AUTHENTICATION_FAILED, () => recipient.open(flip(c0, 0)))
  assert.equal(recipient.sequence, 0)
  assert.deepEqual(recipient.open(c0), b('zero'))
  assert.deepEqual(recipient.open(c1, b('aad')), b('one'))
  assert.deepEqual([sender.sequence, recipient.sequence], [2, 2])
  assert.deepEqual(sender.export(b('x'), 40), recipient.export(b('x'), 40))
})

test('wrong signatures verify false; malformed ones throw', () => {
  for (const alg of ['ed25519', 'ml-dsa-44', 'falcon-512', 'slh-dsa-sha2-128s', 'ed25519+ml-dsa-65']) {
    const { publicKey: pk, secretKey: sk } = xps.signKeypair(alg)
    const sig = xps.sign(alg, sk, b('message'))
    assert.equal(xps.verify(alg, pk, b('message'), sig), true, alg)
    assert.equal(xps.verify(alg, pk, b('messagE'), sig), false, alg)
    for (const i of [0, sig.length >> 1, sig.length - 1]) assert.equal(xps.verify(alg, pk, b('message'), flip(sig, i)), false, `${alg} byte ${i}`)
    assert.equal(xps.verify(alg, xps.signKeypair(alg).publicKey, b('message'), sig), false, alg)
  }
})

test('ML-KEM: a secret key failing the FIPS 203 hash check → 114 XPS_E_INVALID_KEY (flat and on every decapsulate)', () => {
  const bad = flip(MLK.secretKey, 1152 + 5) // a bit of the embedded ek
  expectStatus(S.INVALID_KEY, () => xps.kemDecapsulate('ml-kem-768', bad, Buffer.alloc(1088)))
  let handle
  try {
    handle = new xps.DecapsulationKey('ml-kem-768', bad)
  } catch (e) {
    checkError(e, S.INVALID_KEY)
    return
  }
  expectStatus(S.INVALID_KEY, () => handle.decapsulate(Buffer.alloc(1088)))
  expectStatus(S.INVALID_KEY, () => handle.decapsulate(Buffer.alloc(1088))) // checked every time
})

test('ML-KEM decapsulateAsync of an invalid secret key rejects with 114', async () => {
  const bad = flip(MLK.secretKey, 1152 + 5)
  await rejectsStatus(S.INVALID_KEY, () => xps.kemDecapsulateAsync('ml-kem-768', bad, Buffer.alloc(1088)))
  await rejectsStatus(S.INVALID_KEY, () => new xps.DecapsulationKey('ml-kem-768', bad).decapsulateAsync(Buffer.alloc(1088)))
})

// ------------------------------------------------------------------------------------------------
// Output buffers of encryptInto / decryptInto
// ------------------------------------------------------------------------------------------------

test('encryptInto/decryptInto: exactly in place works; partial overlap → 107; too small → 106; nothing written on refusal', () => {
  for (const [alg, [kl, nl]] of Object.entries(AEADS)) {
    for (const size of SIZES) {
      const label = `${alg} size ${size}`
      const box = new xps.AeadKey(alg, Buffer.alloc(kl))
      const nonce = pattern(nl, 1)
      const pt = pattern(size)
      const sealed = box.encrypt(nonce, pt, b('a'))
      // exactly in place (the same Buffer), both directions
      const buf = Buffer.alloc(size + 16)
      pt.copy(buf)
      assert.equal(box.encryptInto(nonce, buf.subarray(0, size), buf, b('a')), size + 16, label)
      assert.deepEqual(buf, sealed, label)
      assert.equal(box.decryptInto(nonce, buf, buf, b('a')), size, label)
      assert.deepEqual(buf.subarray(0, size), pt, label)
      // in place with a tight output (same start, plaintext length)
      buf.set(sealed)
      assert.equal(box.decryptInto(nonce, buf, buf.subarray(0, size), b('a')), size, label)
      assert.deepEqual(buf.subarray(0, size), pt, label)
      // a plain Uint8Array works like a Buffer
      const u8 = new Uint8Array(size + 16)
      assert.equal(box.encryptInto(nonce, new Uint8Array(pt), u8, b('a')), size + 16)
      assert.deepEqual(Buffer.from(u8), sealed)
      // separate, larger output: only the first bytes are written
      const out = Buffer.alloc(size + 20, 0xee)
      assert.equal(box.encryptInto(nonce, pt, out, b('a')), size + 16, label)
      assert.deepEqual(out.subarray(0, size + 16), sealed)
      assert.ok(out.subarray(size + 16).every((x) => x === 0xee))
      const out2 = Buffer.alloc(size + 3, 0xee)
      assert.equal(box.decryptInto(nonce, sealed, out2, b('a')), size)
      assert.deepEqual(out2.subarray(0, size), pt)
      assert.ok(out2.subarray(size).every((x) => x === 0xee))
      // partial overlap: two views of one ArrayBuffer, offset by 1; nothing is written
      const work = new Uint8Array(size + 17).fill(0x33)
      if (size) {
        expectStatus(S.OVERLAP, () => box.encryptInto(nonce, work.subarray(1, 1 + size), work.subarray(0, size + 16), b('a')), `${label} encryptInto overlap`)
        assert.ok(work.every((x) => x === 0x33), `${label}: written on overlap`)
      }
      if (size > 1) {
        expectStatus(S.OVERLAP, () => box.encryptInto(nonce, work.subarray(0, size), work.subarray(1), b('a')), `${label} encryptInto overlap +1`)
        assert.ok(work.every((x) => x === 0x33), `${label}: written on overlap`)
      }
      work.set(sealed)
      const before = Buffer.from(work)
      expectStatus(S.OVERLAP, () => box.decryptInto(nonce, work.subarray(0, size + 16), work.subarray(1), b('a')), `${label} decryptInto overlap`)
      assert.deepEqual(Buffer.from(work), before)
      const shifted = new Uint8Array(size + 17)
      shifted.set(sealed, 1)
      const before2 = Buffer.from(shifted)
      if (size) {
        expectStatus(S.OVERLAP, () => box.decryptInto(nonce, shifted.subarray(1), shifted.subarray(0, size + 1), b('a')), `${label} decryptInto overlap -1`)
        assert.deepEqual(Buffer.from(shifted), before2)
      }
      // too small
      const small = Buffer.alloc(size + 15, 0x77)
      expectStatus(S.BUFFER_TOO_SMALL, () => box.encryptInto(nonce, pt, small), label)
      assert.ok(small.every((x) => x === 0x77))
      if (size) {
        const small2 = Buffer.alloc(size - 1, 0x77)
        expectStatus(S.BUFFER_TOO_SMALL, () => box.decryptInto(nonce, sealed, small2, b('a')), label)
        assert.ok(small2.every((x) => x === 0x77))
      }
      // a non-Uint8Array output is a TypeError
      expectTypeError(() => box.encryptInto(nonce, pt, new Uint16Array(size + 16)), label)
      expectTypeError(() => box.decryptInto(nonce, sealed, new DataView(new ArrayBuffer(size + 16)), b('a')), label)
    }
  }
})

test('encryptInto with the nonce or aad inside the output: refused with 107 or encrypted as they were at the call', () => {
  for (const [alg, [kl, nl]] of Object.entries(AEADS)) {
    for (const which of ['nonce', 'aad']) {
      for (const size of [40, 70000]) {
        const box = new xps.AeadKey(alg, pattern(kl, 1))
        const pt = pattern(size, 3)
        const buf = Buffer.alloc(size + 16)
        for (let i = 0; i < buf.length; i++) buf[i] = (i % 13) + 1
        const nonce = which === 'nonce' ? buf.subarray(5, 5 + nl) : Buffer.alloc(nl)
        const aad = which === 'nonce' ? b('aad') : buf.subarray(5, 25)
        const want = box.encrypt(Buffer.from(nonce), pt, Buffer.from(aad))
        try {
          box.encryptInto(nonce, pt, buf, aad)
        } catch (e) {
          checkError(e, S.OVERLAP)
          continue
        }
        assert.deepEqual(buf, want, `${alg} ${which} ${size}`)
      }
    }
  }
})

// ------------------------------------------------------------------------------------------------
// Destroyed handles
// ------------------------------------------------------------------------------------------------

test('destroyed key objects → 113 XPS_E_INVALID_STATE on every use; destroy() is idempotent', () => {
  const box = new xps.AeadKey('aes-256-gcm', K32)
  const sk = new xps.SigningKey('ed25519', ED.secretKey)
  const dk = new xps.DecapsulationKey('x25519', X.secretKey)
  for (const o of [box, sk, dk]) {
    assert.equal(o.destroy(), undefined)
    o.destroy() // idempotent
  }
  const uses = [
    ['AeadKey.encrypt', () => box.encrypt(N12, b('pt'))],
    ['AeadKey.decrypt', () => box.decrypt(N12, SEALED, b('ad'))],
    ['AeadKey.encryptDetached', () => box.encryptDetached(N12, b('pt'))],
    ['AeadKey.decryptDetached', () => box.decryptDetached(N12, CT, TAG, b('ad'))],
    ['AeadKey.encryptInto', () => box.encryptInto(N12, b('pt'), Buffer.alloc(18))],
    ['AeadKey.decryptInto', () => box.decryptInto(N12, SEALED, Buffer.alloc(2), b('ad'))],
    ['AeadKey.kernel', () => box.kernel],
    ['SigningKey.sign', () => sk.sign(b('m'))],
    ['SigningKey.publicKey', () => sk.publicKey()],
    ['DecapsulationKey.decapsulate', () => dk.decapsulate(X.publicKey)],
  ]
  for (const [label, fn] of uses) expectStatus(S.INVALID_STATE, fn, label)
  const out = Buffer.alloc(2, 0x42)
  expectStatus(S.INVALID_STATE, () => box.decryptInto(N12, SEALED, out, b('ad')))
  assert.deepEqual(out, Buffer.alloc(2, 0x42))
  // what needs no key still works
  assert.equal(box.alg, 'aes-256-gcm')
  assert.equal(sk.alg, 'ed25519')
  assert.equal(dk.alg, 'x25519')
  for (const o of [box, sk, dk]) assert.equal(typeof String(o), 'string')
  // other handles are unaffected
  assert.deepEqual(new xps.AeadKey('aes-256-gcm', K32).decrypt(N12, SEALED, b('ad')), b('pt'))
})

test('destroyed key objects: the async methods reject with 113 (not throw)', async () => {
  const box = new xps.AeadKey('aes-256-gcm', K32)
  const sk = new xps.SigningKey('ed25519', ED.secretKey)
  const dk = new xps.DecapsulationKey('x25519', X.secretKey)
  for (const o of [box, sk, dk]) o.destroy()
  await rejectsStatus(S.INVALID_STATE, () => box.encryptAsync(N12, b('pt')), 'AeadKey.encryptAsync')
  await rejectsStatus(S.INVALID_STATE, () => box.decryptAsync(N12, SEALED, b('ad')), 'AeadKey.decryptAsync')
  await rejectsStatus(S.INVALID_STATE, () => sk.signAsync(b('m')), 'SigningKey.signAsync')
  await rejectsStatus(S.INVALID_STATE, () => dk.decapsulateAsync(X.publicKey), 'DecapsulationKey.decapsulateAsync')
})

test('destroyed key objects: the async methods never succeed', async () => {
  // (whatever the delivery, a destroyed handle gives InvalidInputError 113, never a result)
  const box = new xps.AeadKey('aes-256-gcm', K32)
  const sk = new xps.SigningKey('ed25519', ED.secretKey)
  const dk = new xps.DecapsulationKey('x25519', X.secretKey)
  for (const o of [box, sk, dk]) o.destroy()
  for (const fn of [() => box.encryptAsync(N12, b('pt')), () => box.decryptAsync(N12, SEALED, b('ad')), () => sk.signAsync(b('m')), () => dk.decapsulateAsync(X.publicKey)]) {
    let err
    try {
      await fn()
    } catch (e) {
      err = e
    }
    assert.ok(err, String(fn))
    checkError(err, S.INVALID_STATE, String(fn))
  }
})

test('a handle stays usable while its async calls run', async () => {
  const box = new xps.AeadKey('aes-256-gcm', K32)
  const p = box.encryptAsync(N12, b('pt'), b('ad'))
  assert.deepEqual(box.encrypt(N12, b('pt'), b('ad')), SEALED) // a sync call meanwhile
  assert.deepEqual(await p, SEALED)
  box.destroy()
  expectStatus(S.INVALID_STATE, () => box.encrypt(N12, b('pt')))
})

test('destroy() during a pending async call: the call finishes with the right result, later calls → 113', async () => {
  const box = new xps.AeadKey('aes-256-gcm', K32)
  const p = box.encryptAsync(N12, b('pt'), b('ad'))
  let thrown
  try {
    box.destroy()
  } catch (e) {
    thrown = e
  }
  assert.deepEqual(await p, SEALED)
  assert.equal(thrown, undefined, `destroy() threw ${thrown && thrown.message}`)
  expectStatus(S.INVALID_STATE, () => box.encrypt(N12, b('pt')))
  const sk = new xps.SigningKey('ed25519', ED.secretKey)
  const q = sk.signAsync(b('m'))
  sk.destroy()
  assert.deepEqual(await q, ED_SIG)
  expectStatus(S.INVALID_STATE, () => sk.sign(b('m')))
  const dk = new xps.DecapsulationKey('x25519', X.secretKey)
  const r = dk.decapsulateAsync(X.publicKey)
  dk.destroy()
  await r
  expectStatus(S.INVALID_STATE, () => dk.decapsulate(X.publicKey))
})

// ------------------------------------------------------------------------------------------------
// String / inspect hygiene, secureAlloc, streaming state
// ------------------------------------------------------------------------------------------------

test('String(key), util.inspect(key), JSON.stringify(key) never show key bytes', () => {
  const secret = Buffer.from('c0ffee11'.repeat(8), 'hex')
  const edSk = xps.signKeypair('ed25519', secret).secretKey
  const hidden = [secret.toString('hex'), secret.toString('hex').toUpperCase(), secret.toString('hex').slice(0, 8), secret.toString('base64').slice(0, 8), 'c0 ff ee 11', '192, 255, 238, 17', '192,255,238,17']
  const objects = [
    new xps.AeadKey('chacha20-poly1305', secret), new xps.AeadKey('aes-256-gcm', secret), new xps.AeadKey('xchacha20-poly1305', secret),
    new xps.SigningKey('ed25519', edSk), new xps.DecapsulationKey('x25519', secret), new xps.Mac('hmac-sha256', secret),
    new xps.Mac('poly1305', secret), xps.Hash.blake3Keyed(secret),
    new xps.HpkeSender(32, 1, 1, HP.publicKey, { psk: secret, pskId: b('id'), ikmE: secret }),
    new xps.HpkeRecipient(32, 1, 1, secret, HP_ENC), new xps.DecapsulationKey('x-wing', secret),
    new xps.AeadKey('aes-128-gcm', secret.subarray(0, 16)),
  ] // prettier-ignore
  for (const o of objects) {
    const shown = [String(o), `${o}`, util.inspect(o), util.inspect(o, { showHidden: true, depth: Infinity, getters: true }), JSON.stringify(o) || '', Object.keys(o).join(',')].join('\n')
    for (const h of hidden) assert.ok(!shown.includes(h), `${o.constructor.name} shows key bytes (${h}):\n${shown}`)
  }
  assert.match(String(objects[1]), /AeadKey/)
  assert.match(String(objects[1]), /aes-256-gcm/)
  assert.match(String(objects[3]), /SigningKey/)
  assert.match(String(objects[4]), /DecapsulationKey/)
})

test('secureAlloc returns a zeroed Uint8Array of the requested size; secureZero wipes any Uint8Array', () => {
  for (const n of [1, 16, 31, 4096, 100000]) {
    const a = xps.secureAlloc(n)
    assert.ok(a instanceof Uint8Array, `size ${n}`)
    assert.equal(a.length, n)
    assert.ok(a.every((x) => x === 0), `size ${n} not zeroed`)
    a.fill(0xab)
    assert.ok(a.every((x) => x === 0xab)) // writable
    xps.secureZero(a)
    assert.ok(a.every((x) => x === 0))
  }
  // usable as a key
  const key = xps.secureAlloc(32)
  key.set(K32)
  assert.deepEqual(xps.aeadSeal('aes-256-gcm', key, N12, b('pt'), b('ad')), SEALED)
  assert.deepEqual(new xps.AeadKey('aes-256-gcm', key).decrypt(N12, SEALED, b('ad')), b('pt'))
  const buf = Buffer.from('secret material')
  xps.secureZero(buf.subarray(2, 6))
  assert.deepEqual(buf, Buffer.concat([b('se'), Buffer.alloc(4), b(' material')]))
  xps.secureZero(EMPTY)
})

test('Hash: copy forks, digest/xof do not consume', () => {
  const h = new xps.Hash('sha512').update(b('abc'))
  const ref = nodeCrypto.createHash('sha512').update('abc').digest()
  assert.deepEqual(h.digest(), ref)
  assert.deepEqual(h.digest(), ref)
  const fork = h.copy()
  h.update(b('def'))
  fork.update(b('xyz'))
  assert.deepEqual(h.digest(), nodeCrypto.createHash('sha512').update('abcdef').digest())
  assert.deepEqual(fork.digest(), nodeCrypto.createHash('sha512').update('abcxyz').digest())
  const x = new xps.Hash('shake256').update(b('ab'))
  assert.deepEqual(x.xof(10), x.xof(10))
  assert.deepEqual(x.xof(10), nodeCrypto.createHash('shake256', { outputLength: 10 }).update('ab').digest())
  assert.deepEqual(x.copy().update(b('c')).xof(100), nodeCrypto.createHash('shake256', { outputLength: 100 }).update('abc').digest())
  assert.deepEqual(x.digest(), nodeCrypto.createHash('shake256', { outputLength: 64 }).update('ab').digest())
  assert.deepEqual([h.name, h.digestSize, x.digestSize, x.name], ['sha512', 64, 64, 'shake256'])
  assert.equal(typeof h.kernel, 'string')
  assert.deepEqual(new xps.Hash('blake3').xof(0), EMPTY)
})

test('Mac: copy forks, finalize/verify do not consume', () => {
  const m = new xps.Mac('hmac-sha384', b('key')).update(b('abc'))
  const ref = nodeCrypto.createHmac('sha384', 'key').update('abc').digest()
  assert.deepEqual(m.finalize(), ref)
  assert.deepEqual(m.finalize(), ref)
  assert.equal(m.verify(ref), true)
  const fork = m.copy()
  m.update(b('def'))
  assert.deepEqual(m.finalize(), nodeCrypto.createHmac('sha384', 'key').update('abcdef').digest())
  assert.deepEqual(fork.finalize(), ref)
  assert.equal(fork.verify(flip(ref, 0)), false)
  assert.equal(fork.verifyTruncated(ref.subarray(0, 24)), true)
  assert.equal(fork.verifyTruncated(flip(ref, 20).subarray(0, 24)), false)
  assert.deepEqual([m.name, m.tagSize], ['hmac-sha384', 48])
})

test('HPKE sender/recipient getters', () => {
  const s = new xps.HpkeSender(32, 1, 1, HP.publicKey)
  assert.ok(Buffer.isBuffer(s.enc) && s.enc.length === 32)
  assert.equal(s.sequence, 0)
  s.seal(b('x'))
  assert.equal(s.sequence, 1)
  const r = new xps.HpkeRecipient(32, 1, 1, HP.secretKey, s.enc)
  assert.equal(r.sequence, 0)
})

test('HPKE: aad in a context constructor and ikmE in the single-shot seal are refused, not ignored', () => {
  const kp = xps.hpkeKeypair(32)
  for (const f of [
    () => new xps.HpkeSender(32, 1, 1, kp.publicKey, { aad: Buffer.from('a') }),
    () => new xps.HpkeRecipient(32, 1, 1, kp.secretKey, Buffer.alloc(32), { aad: Buffer.from('a') }),
    () => xps.hpkeSeal(32, 1, 1, kp.publicKey, Buffer.alloc(1), { ikmE: Buffer.alloc(32) }),
  ]) {
    assert.throws(f, (e) => e instanceof xps.InvalidInputError && e.code === 'XPS_E_INVALID_PARAMETER')
  }
})

test('an unknown algorithm name is echoed at most 24 characters long', () => {
  const secretish = 'k'.repeat(64)
  assert.throws(() => xps.hash(secretish, Buffer.alloc(1)), (e) => e.status === 108 && !e.message.includes(secretish.slice(0, 25)))
})
