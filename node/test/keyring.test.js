'use strict'
// Keyring: lifecycle over simulated months (manual clock), minDecryptionVersion, revoke, destroy,
// expiry, rewrap, signatures, MACs, KEMs, events (queue, subscribers, auto-rotation thread), the
// audit log, persistence (raw key and passphrase), wrong keys and damaged, foreign and future
// files, the *Async twins (the event loop keeps ticking during Argon2id), and misuse of every
// method. The Node port of core/tests/keyring.rs and python/tests/test_keyring.py.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const util = require('node:util')
const { spawnSync } = require('node:child_process')

const xps = require('..')
const { checkError, expectTypeError, flip, pattern } = require('./helpers')

const { Keyring } = xps
const b = (s) => Buffer.from(s)
const DAY = 86400
const T0 = 1765000000
const KEK = pattern(32, 3, 1)
// Small Argon2id parameters: the tests are about the file, not the KDF's cost.
const FAST = { tCost: 1, mCostKib: 64, parallelism: 1 }

/** Statuses of the keyring (numbers and names of include/xpscrypto.h). */
const K = {
  INVALID_LENGTH: [102, 'XPS_E_INVALID_LENGTH'],
  BAD_KEY_LENGTH: [103, 'XPS_E_BAD_KEY_LENGTH'],
  UNKNOWN_ALGORITHM: [108, 'XPS_E_UNKNOWN_ALGORITHM'],
  WRONG_ALGORITHM_FAMILY: [109, 'XPS_E_WRONG_ALGORITHM_FAMILY'],
  INVALID_PARAMETER: [111, 'XPS_E_INVALID_PARAMETER'],
  INVALID_STATE: [113, 'XPS_E_INVALID_STATE'],
  UNKNOWN_KEY: [115, 'XPS_E_UNKNOWN_KEY'],
  KEY_EXISTS: [116, 'XPS_E_KEY_EXISTS'],
  MALFORMED_ENVELOPE: [117, 'XPS_E_MALFORMED_ENVELOPE'],
  MALFORMED_KEYRING: [118, 'XPS_E_MALFORMED_KEYRING'],
  UNSUPPORTED_FORMAT: [119, 'XPS_E_UNSUPPORTED_FORMAT'],
  AUTHENTICATION_FAILED: [201, 'XPS_E_AUTHENTICATION_FAILED'],
  BAD_SIGNATURE: [202, 'XPS_E_BAD_SIGNATURE'],
  KEY_REVOKED: [302, 'XPS_E_KEY_REVOKED'],
  KEY_RETIRED: [303, 'XPS_E_KEY_RETIRED'],
  KEY_DESTROYED: [304, 'XPS_E_KEY_DESTROYED'],
  BELOW_MIN_DECRYPTION_VERSION: [305, 'XPS_E_BELOW_MIN_DECRYPTION_VERSION'],
  KEY_USAGE_EXHAUSTED: [306, 'XPS_E_KEY_USAGE_EXHAUSTED'],
  KEYRING_IO: [404, 'XPS_E_KEYRING_IO'],
}

function isStatus(e, [status, code], msg) {
  checkError(e, status, msg)
  assert.equal(e.code, code, msg)
  return e
}

/** `fn()` throws the XpsError of `k` (a K entry). */
function throwsK(k, fn, msg) {
  let thrown
  try {
    fn()
  } catch (e) {
    thrown = e
  }
  assert.ok(thrown !== undefined, `${msg ? msg + ': ' : ''}expected ${k[1]}, nothing was thrown`)
  return isStatus(thrown, k, msg)
}

async function rejectsK(k, fn, msg) {
  const p = fn()
  assert.ok(p instanceof Promise, `${msg || ''}: not a promise`)
  let rejected
  await p.then(
    () => {},
    (e) => {
      rejected = e
    },
  )
  assert.ok(rejected !== undefined, `${msg ? msg + ': ' : ''}expected a rejection with ${k[1]}, it resolved`)
  return isStatus(rejected, k, msg)
}

let tmpRoot
function tmpdir() {
  if (!tmpRoot) {
    tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'xps-node-keyring-'))
    process.on('exit', () => fs.rmSync(tmpRoot, { recursive: true, force: true }))
  }
  return fs.mkdtempSync(path.join(tmpRoot, 't-'))
}

const manual = (t = T0) => Keyring.inMemory({ manualClock: t })
const tick = () => new Promise((r) => setImmediate(r))
const envVersion = (env) => env.readUInt32BE(11 + env[10]) // "XPSE" fmt kind alg(4) len name version

// ------------------------------------------------------------------------------------------------
// Lifecycle
// ------------------------------------------------------------------------------------------------

test('lifecycle over 120 simulated days: rotations by tick, overlap windows, retirement, refusals', async () => {
  const kr = manual()
  assert.equal(kr.generate('orders', 'aes-256-gcm', { policy: { maxAge: 30 * DAY, maxUses: null, overlap: 10 * DAY } }), 1)
  const seen = []
  const id = kr.subscribe((e) => seen.push(e))
  const made = [] // [day, version, envelope]
  for (let day = 0; day < 120; day++) {
    kr.setClock(T0 + day * DAY)
    kr.tick()
    const env = kr.encrypt('orders', b(`day ${day}`), b('ctx'))
    made.push([day, envVersion(env), env])
    for (const [d, v, e] of made) {
      const primaryUntil = T0 + v * 30 * DAY // v1 primary on days 0..30, v2 30..60, …
      const usable = kr.now() < primaryUntil + 10 * DAY
      if (usable) {
        assert.deepEqual(kr.decrypt(e, b('ctx')), b(`day ${d}`), `day ${day}: envelope of day ${d} (v${v})`)
      } else {
        throwsK(K.KEY_RETIRED, () => kr.decrypt(e, b('ctx')), `day ${day}: envelope of day ${d} (v${v}) after its version retired`)
      }
    }
  }
  const info = kr.describe('orders')
  assert.equal(info.primary, 4)
  assert.deepEqual(info.versions.map((v) => v.state), ['retired', 'retired', 'retired', 'primary'])
  assert.deepEqual(info.policy, { maxAge: 30 * DAY, maxUses: null, overlap: 10 * DAY })
  // The queue and the subscriber saw the same events, in order.
  const queued = kr.events()
  await tick()
  assert.deepEqual(seen, queued.slice(1), 'the subscriber came after generate')
  const at = (e) => (e.time - T0) / DAY
  assert.deepEqual(queued.filter((e) => e.kind === 'rotated').map((e) => [e.oldVersion, e.newVersion, at(e)]), [[1, 2, 30], [2, 3, 60], [3, 4, 90]])
  assert.deepEqual(queued.filter((e) => e.kind === 'retired').map((e) => [e.oldVersion, at(e)]), [[1, 40], [2, 70], [3, 100]])
  assert.deepEqual(queued.filter((e) => e.kind === 'planned').map((e) => [e.oldVersion, at(e)]), [[1, 23], [2, 53], [3, 83], [4, 113]])
  assert.deepEqual(queued[0], { kind: 'generated', key: 'orders', oldVersion: null, newVersion: 1, time: T0, actor: 'api', reason: 'aes-256-gcm' })
  for (const e of queued.slice(1)) assert.ok(['api', 'auto-rotation'].includes(e.actor), `tick() event actor ${e.actor}`)
  assert.deepEqual(kr.events(), [], 'drained')
  assert.equal(kr.unsubscribe(id), true)
  assert.equal(kr.unsubscribe(id), false)
  kr.rotate('orders')
  await tick()
  assert.equal(seen.length, queued.length - 1, 'no event after unsubscribe')
  kr.close()
})

test('tick returns its events; rotation at the primary expiry; a decrypt-only window of 0 retires at once', () => {
  const kr = manual()
  kr.generate('k', 'chacha20-poly1305', { policy: { maxAge: null, overlap: 0 } })
  const e1 = kr.encrypt('k', b('one'))
  kr.setExpiry('k', 1, T0 + DAY)
  assert.equal(kr.describe('k').versions[0].expires, T0 + DAY)
  assert.deepEqual(kr.tick(), [])
  kr.events()
  kr.advanceClock(DAY)
  const returned = kr.tick()
  const ev = kr.events()
  assert.deepEqual(ev.map((e) => [e.kind, e.oldVersion, e.newVersion]), [['rotated', 1, 2], ['retired', 1, null]])
  assert.equal(ev[0].reason, 'primary expired')
  // What tick() returns is among the events of its pass (queued and sent to subscribers).
  for (const e of returned) assert.ok(ev.some((q) => util.isDeepStrictEqual(q, e)), JSON.stringify(e))
  throwsK(K.KEY_RETIRED, () => kr.decrypt(e1))
  assert.deepEqual(kr.describe('k').versions.map((v) => v.state), ['retired', 'primary'])
  // Clearing an expiry.
  kr.setExpiry('k', 2, T0 + 5 * DAY)
  kr.setExpiry('k', 2, null)
  assert.equal(kr.describe('k').versions[1].expires, null)
})

test('minDecryptionVersion, revoke, destroy, expiry; states and tombstones', () => {
  const kr = manual()
  kr.generate('k', 'xchacha20-poly1305', { policy: { maxAge: null, maxUses: null, overlap: 100 * DAY } })
  const e1 = kr.encrypt('k', b('one'))
  assert.equal(kr.rotate('k'), 2)
  const e2 = kr.encrypt('k', b('two'))
  assert.equal(kr.rotate('k'), 3)
  const e3 = kr.encrypt('k', b('three'))
  assert.deepEqual(kr.decrypt(e1), b('one'))
  kr.setMinDecryptionVersion('k', 2)
  throwsK(K.BELOW_MIN_DECRYPTION_VERSION, () => kr.decrypt(e1))
  assert.equal(kr.describe('k').minDecryptionVersion, 2)
  assert.deepEqual(kr.decrypt(e2), b('two'))
  throwsK(K.INVALID_PARAMETER, () => kr.setMinDecryptionVersion('k', 9), 'above the primary')
  kr.revoke('k', 2)
  throwsK(K.KEY_REVOKED, () => kr.decrypt(e2))
  throwsK(K.KEY_REVOKED, () => kr.rewrap(e2))
  throwsK(K.INVALID_STATE, () => kr.destroy('k', 3), 'the primary cannot be destroyed')
  kr.destroy('k', 2)
  throwsK(K.KEY_DESTROYED, () => kr.decrypt(e2))
  throwsK(K.KEY_DESTROYED, () => kr.revoke('k', 2))
  assert.deepEqual(kr.decrypt(e3), b('three'))
  const info = kr.describe('k')
  assert.deepEqual(info.versions.map((v) => [v.version, v.state]), [[1, 'decrypt-only'], [2, 'destroyed'], [3, 'primary']])
  assert.deepEqual(kr.events().map((e) => e.kind), ['generated', 'rotated', 'rotated', 'min-decryption-version', 'revoked', 'destroyed'])
  // Expiry: refused from that time on, even before a tick.
  kr.setExpiry('k', 3, kr.now() + DAY)
  kr.advanceClock(2 * DAY)
  throwsK(K.KEY_RETIRED, () => kr.decrypt(e3))
  // Unknown names and versions.
  throwsK(K.UNKNOWN_KEY, () => kr.encrypt('nope', b('')))
  throwsK(K.UNKNOWN_KEY, () => kr.revoke('k', 99))
  throwsK(K.KEY_EXISTS, () => kr.generate('k', 'aes-128-gcm'))
})

test('rewrap and rewrapMany move envelopes to the primary; failures come back as XpsError entries', () => {
  const kr = manual()
  kr.generate('data', 'aes-128-gcm', { policy: { maxAge: null, overlap: 30 * DAY } })
  const old = [0, 1, 100, 5000].map((n) => [pattern(n, 5, n), kr.encrypt('data', pattern(n, 5, n), b('aad'))])
  kr.rotate('data', 'aes-256-gcm') // a rotation may change the algorithm
  for (const [pt, env] of old) {
    const re = kr.rewrap(env, b('aad'))
    assert.equal(envVersion(re), 2)
    assert.deepEqual(kr.decrypt(re, b('aad')), pt)
    assert.equal(re.length, kr.envelopeLen('data', pt.length))
  }
  throwsK(K.AUTHENTICATION_FAILED, () => kr.rewrap(old[0][1], b('other')))
  const out = kr.rewrapMany([old[1][1], b('junk'), flip(old[2][1], old[2][1].length - 1), old[3][1]], b('aad'))
  assert.equal(out.length, 4)
  assert.deepEqual(kr.decrypt(out[0], b('aad')), old[1][0])
  isStatus(out[1], K.MALFORMED_ENVELOPE)
  isStatus(out[2], K.AUTHENTICATION_FAILED)
  assert.deepEqual(kr.decrypt(out[3], b('aad')), old[3][0])
  assert.ok(out[1] instanceof xps.InvalidInputError && out[2] instanceof xps.AuthenticationError)
  assert.deepEqual(kr.rewrapMany([]), [])
  // Retire version 1: its envelopes can no longer be rewrapped.
  kr.advanceClock(31 * DAY)
  kr.tick()
  isStatus(kr.rewrapMany([old[0][1]], b('aad'))[0], K.KEY_RETIRED)
})

test('envelopes are bound to their header, aad and bytes: every single-bit change and truncation is refused', () => {
  const kr = manual()
  kr.generate('e', 'aes-256-gcm')
  const env = kr.encrypt('e', b('secret message'), b('aad'))
  assert.equal(env.subarray(0, 4).toString(), 'XPSE')
  for (let i = 0; i < env.length; i++) {
    for (let bit = 0; bit < 8; bit++) {
      const c = Buffer.from(env)
      c[i] ^= 1 << bit
      // magic / format / kind / algorithm / name / version / nonce length / nonce / ciphertext / tag
      assert.throws(() => kr.decrypt(c, b('aad')), (e) => e instanceof xps.XpsError && [104, 108, 109, 115, 117, 119, 201].includes(e.status), `byte ${i} bit ${bit}`)
    }
  }
  for (let n = 0; n < env.length; n++) assert.throws(() => kr.decrypt(env.subarray(0, n), b('aad')), xps.XpsError, `truncated to ${n}`)
  throwsK(K.AUTHENTICATION_FAILED, () => kr.decrypt(env, b('aae')))
  throwsK(K.AUTHENTICATION_FAILED, () => kr.decrypt(env))
  const future = Buffer.from(env)
  future[4] = 2
  throwsK(K.UNSUPPORTED_FORMAT, () => kr.decrypt(future, b('aad')))
  throwsK(K.MALFORMED_ENVELOPE, () => kr.decrypt(b(''), b('aad')))
  // Another keyring does not know the key.
  throwsK(K.UNKNOWN_KEY, () => manual().decrypt(env, b('aad')))
})

test('seal / openSealed create the key with the default AEAD on first use', () => {
  const kr = manual()
  assert.ok(['aes-256-gcm', 'xchacha20-poly1305'].includes(Keyring.defaultAead()))
  const env = kr.seal('auto', b('x'), b('a'))
  assert.equal(kr.describe('auto').versions[0].alg, Keyring.defaultAead())
  assert.deepEqual(kr.openSealed(env, b('a')), b('x'))
  assert.deepEqual(kr.decrypt(env, b('a')), b('x'))
  assert.deepEqual(kr.openSealed(kr.seal('auto', b('y')), undefined), b('y'))
  throwsK(K.AUTHENTICATION_FAILED, () => kr.openSealed(env, b('b')))
})

// ------------------------------------------------------------------------------------------------
// Signatures, MACs, KEMs, public keys, import
// ------------------------------------------------------------------------------------------------

test('sign / verify: detached envelopes naming the version; the signature inside verifies with the exported public key', () => {
  const kr = manual()
  for (const alg of ['ed25519', 'ml-dsa-44', 'ed25519+ml-dsa-65']) {
    const name = `sig-${alg.replace('+', '-')}`
    kr.generate(name, alg, { policy: { maxAge: null, overlap: DAY } })
    const s1 = kr.sign(name, b('message'))
    kr.verify(s1, b('message'))
    throwsK(K.BAD_SIGNATURE, () => kr.verify(s1, b('massage')), alg)
    // The signature is over the message itself: standard verification with the public key.
    const pub = kr.publicKey(name)
    assert.deepEqual([pub.version, pub.alg], [1, alg])
    const header = 15 + name.length
    assert.equal(xps.verify(alg, pub.publicKey, b('message'), s1.subarray(header)), true)
    kr.rotate(name)
    const s2 = kr.sign(name, b('message'))
    assert.equal(envVersion(s2), 2)
    kr.verify(s1, b('message')) // version 1 verifies during its window
    assert.deepEqual(kr.publicKey(name, { version: 1 }).publicKey, pub.publicKey)
    assert.notDeepEqual(kr.publicKey(name).publicKey, pub.publicKey)
    assert.deepEqual(kr.describe(name).versions[0].publicKey, pub.publicKey)
    kr.advanceClock(DAY)
    throwsK(K.KEY_RETIRED, () => kr.verify(s1, b('message')), `${alg}: after the window`)
    kr.verify(s2, b('message'))
    kr.setClock(T0)
  }
  // A signature envelope is not a ciphertext and the reverse.
  kr.generate('aead', 'aes-256-gcm')
  throwsK(K.WRONG_ALGORITHM_FAMILY, () => kr.decrypt(kr.sign('sig-ed25519', b('m'))))
  throwsK(K.WRONG_ALGORITHM_FAMILY, () => kr.verify(kr.encrypt('aead', b('m')), b('m')))
  throwsK(K.WRONG_ALGORITHM_FAMILY, () => kr.sign('aead', b('m')))
  throwsK(K.WRONG_ALGORITHM_FAMILY, () => kr.publicKey('aead'))
})

test('mac / verifyMac name their version', () => {
  const kr = manual()
  kr.generate('tag', 'hmac-sha256', { policy: { maxAge: null, overlap: DAY } })
  kr.generate('b3', 'blake3-keyed')
  const m1 = kr.mac('tag', b('data'))
  assert.equal(m1.version, 1)
  assert.equal(m1.tag.length, 32)
  kr.verifyMac('tag', 1, b('data'), m1.tag)
  assert.throws(() => kr.verifyMac('tag', 1, b('data!'), m1.tag), (e) => e instanceof xps.XpsError && [201, 202].includes(e.status))
  assert.throws(() => kr.verifyMac('tag', 1, b('data'), m1.tag.subarray(0, 16)), xps.XpsError)
  kr.rotate('tag')
  const m2 = kr.mac('tag', b('data'))
  assert.equal(m2.version, 2)
  assert.notDeepEqual(m2.tag, m1.tag)
  kr.verifyMac('tag', 1, b('data'), m1.tag)
  throwsK(K.UNKNOWN_KEY, () => kr.verifyMac('tag', 7, b('data'), m1.tag))
  kr.verifyMac('b3', 1, b('x'), kr.mac('b3', b('x')).tag)
  throwsK(K.INVALID_PARAMETER, () => kr.generate('p', 'poly1305'), 'poly1305 is one-time')
})

test('KEM keys: decapsulate what kemEncapsulate made for the exported public key', () => {
  const kr = manual()
  for (const alg of ['ml-kem-768', 'x-wing', 'x25519', 'ml-kem-512']) {
    kr.generate(alg, alg, { policy: { maxAge: null, overlap: DAY } })
    const pub = kr.publicKey(alg)
    assert.equal(pub.publicKey.length, xps.kemPublickeybytes(alg))
    const { ciphertext, sharedSecret } = xps.kemEncapsulate(alg, pub.publicKey)
    assert.deepEqual(kr.decapsulate(alg, ciphertext), sharedSecret, alg)
    kr.rotate(alg)
    assert.deepEqual(kr.decapsulate(alg, ciphertext, { version: 1 }), sharedSecret, `${alg} v1 after rotation`)
    const c2 = xps.kemEncapsulate(alg, kr.publicKey(alg).publicKey)
    assert.deepEqual(kr.decapsulate(alg, c2.ciphertext, { version: 2 }), c2.sharedSecret)
    assert.deepEqual(kr.decapsulate(alg, c2.ciphertext, {}), c2.sharedSecret)
    throwsK(K.UNKNOWN_KEY, () => kr.decapsulate(alg, ciphertext, { version: 3 }))
  }
  kr.generate('sym', 'aes-256-gcm')
  throwsK(K.WRONG_ALGORITHM_FAMILY, () => kr.decapsulate('sym', b('x')))
  throwsK(K.WRONG_ALGORITHM_FAMILY, () => kr.encrypt('x-wing', b('x')))
})

test('importKey: raw AEAD/MAC keys, signature secret keys and seeds, KEM seeds; active or primary versions', () => {
  const kr = manual()
  const key = pattern(32, 9, 4)
  assert.equal(kr.importKey('imp', 'aes-256-gcm', key), 1)
  const env = kr.encrypt('imp', b('x'))
  // The same raw key opens the envelope with aeadOpen: header ‖ aad is the associated data.
  const nonceAt = 15 + 3 + 1
  const nonce = env.subarray(nonceAt, nonceAt + 12)
  assert.deepEqual(xps.aeadOpen('aes-256-gcm', key, nonce, env.subarray(nonceAt + 12), env.subarray(0, nonceAt + 12)), b('x'))
  // A second version: active (decrypts, not used for encryption) unless primary.
  assert.equal(kr.importKey('imp', 'aes-256-gcm', pattern(32, 1, 1)), 2)
  assert.equal(envVersion(kr.encrypt('imp', b('y'))), 1)
  assert.equal(kr.describe('imp').versions[1].state, 'active')
  assert.equal(kr.importKey('imp', 'aes-256-gcm', pattern(32, 1, 2), { primary: true }), 3)
  assert.equal(envVersion(kr.encrypt('imp', b('y'))), 3)
  assert.deepEqual(kr.describe('imp').versions.map((v) => v.state), ['decrypt-only', 'active', 'primary'])
  throwsK(K.BAD_KEY_LENGTH, () => kr.importKey('imp2', 'aes-256-gcm', pattern(31)))
  // Signature keys: from the secret key or from the seed, same public key as signKeypair.
  const seed = pattern(32, 3, 3)
  const ref = xps.signKeypair('ed25519', seed)
  kr.importKey('ed', 'ed25519', seed, { seed: true })
  assert.deepEqual(kr.publicKey('ed').publicKey, ref.publicKey)
  kr.importKey('ed-raw', 'ed25519', ref.secretKey)
  assert.deepEqual(kr.publicKey('ed-raw').publicKey, ref.publicKey)
  // KEM keys come from their seed only.
  const kseed = pattern(64, 5, 5)
  kr.importKey('kem', 'ml-kem-768', kseed, { seed: true, policy: { maxAge: null, maxUses: 10, overlap: 0 } })
  assert.deepEqual(kr.publicKey('kem').publicKey, xps.kemKeypair('ml-kem-768', kseed).publicKey)
  assert.equal(kr.describe('kem').policy.maxUses, 10)
  throwsK(K.INVALID_PARAMETER, () => kr.importKey('kem2', 'ml-kem-768', kseed), 'KEM keys need seed: true')
  throwsK(K.INVALID_PARAMETER, () => kr.importKey('aes-seed', 'aes-256-gcm', key, { seed: true }))
  assert.deepEqual(kr.events().filter((e) => e.kind === 'imported').map((e) => e.key), ['imp', 'imp', 'imp', 'ed', 'ed-raw', 'kem'])
})

test('maxUses: a primary never serves more than maxUses (rotation on the spot), default 2^32 for AES-GCM', () => {
  const kr = manual()
  kr.generate('few', 'aes-256-gcm', { policy: { maxAge: null, maxUses: 3, overlap: DAY } })
  const versions = []
  for (let i = 0; i < 7; i++) versions.push(envVersion(kr.encrypt('few', b('x'))))
  assert.deepEqual(versions, [1, 1, 1, 2, 2, 2, 3])
  assert.deepEqual(kr.describe('few').versions.map((v) => v.uses), [3, 3, 1])
  kr.generate('gcm', 'aes-128-gcm')
  kr.generate('cc', 'chacha20-poly1305')
  assert.equal(kr.describe('gcm').policy.maxUses, 2 ** 32)
  assert.deepEqual(kr.describe('cc').policy, { maxAge: 90 * DAY, maxUses: null, overlap: 30 * DAY })
  kr.setRotationPolicy('cc', { overlap: 5, maxUses: 2 ** 40 })
  assert.deepEqual(kr.describe('cc').policy, { maxAge: null, maxUses: 2 ** 40, overlap: 5 })
})

test('list and describe never contain material; toString and inspect show none', () => {
  const kr = manual()
  const secret = pattern(32, 1, 77)
  kr.importKey('a', 'aes-256-gcm', secret)
  kr.generate('s', 'ed25519')
  const list = kr.list()
  assert.deepEqual(list.map((k) => k.name), ['a', 's'])
  assert.deepEqual(Object.keys(list[0]).sort(), ['created', 'minDecryptionVersion', 'name', 'policy', 'primary', 'versions'])
  assert.deepEqual(Object.keys(list[0].versions[0]).sort(), ['alg', 'created', 'expires', 'publicKey', 'state', 'stateSince', 'uses', 'version'])
  assert.equal(list[0].versions[0].publicKey.length, 0, 'symmetric keys have no public key')
  const hex = secret.toString('hex')
  for (const text of [JSON.stringify(list), util.inspect(kr, { showHidden: true, depth: 9 }), String(kr), JSON.stringify(kr.events())]) {
    assert.ok(!text.includes(hex), 'material leaked')
  }
  assert.equal(String(kr), 'Keyring(in memory)')
  throwsK(K.UNKNOWN_KEY, () => kr.describe('zz'))
})

// ------------------------------------------------------------------------------------------------
// Clock, auto-rotation, subscribers, audit log, close
// ------------------------------------------------------------------------------------------------

test('manual clock: now / setClock / advanceClock; the system clock refuses to be set', () => {
  const kr = manual(1000)
  assert.equal(kr.now(), 1000)
  assert.equal(kr.advanceClock(500), 1500)
  kr.setClock(T0)
  assert.equal(kr.now(), T0)
  assert.throws(() => kr.setClock(1.5), { code: 'ERR_OUT_OF_RANGE' })
  assert.throws(() => kr.setClock(Number.NaN), { code: 'ERR_OUT_OF_RANGE' })
  assert.throws(() => kr.advanceClock(-1), { code: 'ERR_OUT_OF_RANGE' })
  const sys = Keyring.inMemory()
  assert.ok(Math.abs(sys.now() - Date.now() / 1000) < 5)
  throwsK(K.INVALID_STATE, () => sys.setClock(5))
  throwsK(K.INVALID_STATE, () => sys.advanceClock(5))
  assert.equal(Keyring.inMemory({}).now() > T0, true)
  throwsK(K.INVALID_PARAMETER, () => Keyring.inMemory({ manualClock: -1 }))
  throwsK(K.INVALID_PARAMETER, () => Keyring.inMemory({ manualClock: 2 ** 60 }))
})

test('auto-rotation on its thread: events reach subscribers on the JS thread; stop, close', async () => {
  const kr = manual()
  kr.generate('auto', 'aes-256-gcm', { policy: { maxAge: 10, maxUses: null, overlap: 5 } })
  const got = []
  kr.subscribe((e) => got.push(e))
  assert.equal(kr.autoRotationRunning(), false)
  kr.startAutoRotation(2)
  assert.equal(kr.autoRotationRunning(), true)
  kr.advanceClock(10)
  const deadline = Date.now() + 10000
  while (!got.some((e) => e.kind === 'rotated') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5))
  const rot = got.find((e) => e.kind === 'rotated')
  assert.ok(rot, 'the rotation thread rotated the key')
  assert.deepEqual([rot.actor, rot.key, rot.oldVersion, rot.newVersion], ['auto-rotation', 'auto', 1, 2])
  kr.stopAutoRotation()
  assert.equal(kr.autoRotationRunning(), false)
  kr.startAutoRotation(1000)
  kr.close()
  throwsK(K.INVALID_STATE, () => kr.autoRotationRunning())
  throwsK(K.INVALID_PARAMETER, () => manual().startAutoRotation(0))
})

test('a subscribed keyring with auto-rotation running does not keep the process alive', () => {
  const script = `
    const { Keyring } = require(${JSON.stringify(path.resolve(__dirname, '..'))})
    const kr = Keyring.inMemory({ manualClock: 1000 })
    kr.generate('k', 'aes-256-gcm', { policy: { maxAge: 1, overlap: 1 } })
    kr.subscribe((e) => {})
    kr.startAutoRotation(1)
    kr.advanceClock(5)
    setTimeout(() => console.log('done'), 20)
  `
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30000 })
  assert.equal(r.error, undefined, 'the child did not exit by itself')
  assert.equal(r.status, 0, r.stderr)
  assert.equal(r.stdout.trim(), 'done')
})

test('the audit log records lifecycle events as JSON lines, never material', () => {
  const d = tmpdir()
  const log = path.join(d, 'audit.jsonl')
  const kr = manual()
  kr.setAuditLog(log)
  const secret = pattern(32, 11, 3)
  kr.importKey('aud', 'aes-256-gcm', secret)
  kr.rotate('aud')
  kr.revoke('aud', 1)
  kr.setAuditLog(null)
  kr.rotate('aud')
  const lines = fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
  assert.deepEqual(lines.map((l) => [l.action, l.key, l.old_version, l.new_version, l.actor]), [
    ['imported', 'aud', null, 1, 'api'],
    ['rotated', 'aud', 1, 2, 'api'],
    ['revoked', 'aud', 1, null, 'api'],
  ])
  assert.equal(lines[0].keyring_time, T0)
  assert.ok(!fs.readFileSync(log, 'utf8').includes(secret.toString('hex')))
})

test('close: stops auto-rotation, drops subscriptions; every later call throws XPS_E_INVALID_STATE', async () => {
  const kr = manual()
  kr.generate('c', 'aes-256-gcm')
  const env = kr.encrypt('c', b('x'))
  kr.subscribe(() => {})
  kr.startAutoRotation(50)
  kr.close()
  kr.close()
  assert.equal(String(kr), 'Keyring(closed)')
  for (const [m, args] of Object.entries(VALID_CALLS(env))) {
    if (m.endsWith('Async')) await rejectsK(K.INVALID_STATE, () => kr[m](...args), m)
    else throwsK(K.INVALID_STATE, () => kr[m](...args), m)
  }
})

// ------------------------------------------------------------------------------------------------
// Persistence
// ------------------------------------------------------------------------------------------------

test('persistence with a raw key: create, changes durable at once, reopen, saveAs to a passphrase', () => {
  const d = tmpdir()
  const file = path.join(d, 'ring.xpk')
  const kr = Keyring.create(file, { rawKey: KEK, manualClock: T0 })
  assert.equal(kr.path, file)
  assert.equal(String(kr), `Keyring(${file})`)
  assert.equal((fs.statSync(file).mode & 0o777).toString(8), '600')
  kr.generate('p', 'aes-256-gcm', { policy: { maxAge: null, overlap: 7 * DAY } })
  const env = kr.encrypt('p', b('persisted'))
  kr.rotate('p')
  kr.generate('s', 'ed25519')
  const sig = kr.sign('s', b('m'))
  // Another handle sees every change without any save call.
  const again = Keyring.open(file, { rawKey: KEK, manualClock: T0 })
  assert.deepEqual(again.decrypt(env), b('persisted'))
  again.verify(sig, b('m'))
  assert.deepEqual(again.list().map((k) => k.name), ['p', 's'])
  assert.deepEqual(again.describe('p').versions.map((v) => v.state), ['decrypt-only', 'primary'])
  // Changes by one handle reach the other (refresh, or an envelope naming an unknown version).
  again.rotate('p')
  kr.refresh()
  assert.equal(kr.describe('p').primary, 3)
  const env3 = again.encrypt('p', b('v3'))
  assert.deepEqual(kr.decrypt(env3), b('v3'))
  throwsK(K.KEY_EXISTS, () => Keyring.create(file, { rawKey: KEK }), 'create never overwrites')
  // saveAs: a copy under a passphrase; the original stays file-backed under its raw key.
  const copy = path.join(d, 'copy.xpk')
  kr.saveAs(copy, { passphrase: 'copy passphrase', argon2id: FAST })
  throwsK(K.KEY_EXISTS, () => kr.saveAs(copy, { rawKey: KEK }))
  const c = Keyring.open(copy, { passphrase: b('copy passphrase'), manualClock: T0 })
  assert.deepEqual(c.decrypt(env), b('persisted'))
  assert.deepEqual(c.decrypt(env3), b('v3'))
  throwsK(K.INVALID_PARAMETER, () => Keyring.open(copy, { rawKey: KEK }), 'passphrase file, raw key given')
  throwsK(K.INVALID_PARAMETER, () => Keyring.open(file, { passphrase: 'x' }), 'raw-key file, passphrase given')
  // An in-memory keyring moved to disk.
  const mem = manual()
  mem.generate('m', 'hmac-sha512')
  const tag = mem.mac('m', b('d'))
  mem.saveAs(path.join(d, 'mem.xpk'), { rawKey: KEK })
  assert.equal(mem.path, null)
  Keyring.open(path.join(d, 'mem.xpk'), { rawKey: KEK }).verifyMac('m', tag.version, b('d'), tag.tag)
})

test('persistence with a passphrase (Uint8Array or string); wrong passphrase and wrong raw key', () => {
  const d = tmpdir()
  const file = path.join(d, 'pw.xpk')
  const kr = Keyring.create(file, { passphrase: b('correct horse'), argon2id: FAST })
  kr.generate('k', 'xchacha20-poly1305')
  const env = kr.encrypt('k', b('behind a passphrase'), b('a'))
  const header = fs.readFileSync(file)
  assert.equal(header.subarray(0, 4).toString(), 'XPSK')
  assert.deepEqual([header[5], header.readUInt32BE(8), header.readUInt32BE(12), header.readUInt32BE(16)], [1, 1, 64, 1], 'KDF parameters in the header')
  assert.deepEqual(Keyring.open(file, { passphrase: 'correct horse' }).decrypt(env, b('a')), b('behind a passphrase'))
  throwsK(K.AUTHENTICATION_FAILED, () => Keyring.open(file, { passphrase: 'correct horsf' }))
  const rawFile = path.join(d, 'raw.xpk')
  Keyring.create(rawFile, { rawKey: KEK }).generate('x', 'aes-256-gcm')
  throwsK(K.AUTHENTICATION_FAILED, () => Keyring.open(rawFile, { rawKey: flip(KEK, 0) }))
  throwsK(K.BAD_KEY_LENGTH, () => Keyring.open(rawFile, { rawKey: KEK.subarray(0, 31) }))
})

test('damaged, truncated, foreign, future and missing files: clear statuses, never a crash', () => {
  const d = tmpdir()
  const file = path.join(d, 'small.xpk')
  const kr = Keyring.create(file, { rawKey: KEK })
  kr.generate('k', 'aes-128-gcm')
  const good = fs.readFileSync(file)
  const probe = path.join(d, 'probe.xpk')
  const openProbe = (bytes) => {
    fs.writeFileSync(probe, bytes)
    return Keyring.open(probe, { rawKey: KEK })
  }
  assert.equal(openProbe(good).list().length, 1)
  // Every byte flipped.
  for (let i = 0; i < good.length; i++) {
    assert.throws(() => openProbe(flip(good, i)), (e) => e instanceof xps.XpsError && [118, 119, 201].includes(e.status), `byte ${i}`)
  }
  // Truncations.
  for (const n of [0, 3, 4, 50, 91, 92, 100, good.length - 1]) throwsK(n >= 92 || n < 4 ? K.MALFORMED_KEYRING : K.MALFORMED_KEYRING, () => openProbe(good.subarray(0, n)), `truncated to ${n}`)
  // A future format, a foreign file, a missing file, a directory.
  const future = Buffer.from(good)
  future[4] = 2
  throwsK(K.UNSUPPORTED_FORMAT, () => openProbe(future))
  throwsK(K.MALFORMED_KEYRING, () => openProbe(b('{"this": "is json"}')))
  throwsK(K.MALFORMED_KEYRING, () => openProbe(fs.readFileSync(__filename)))
  throwsK(K.KEYRING_IO, () => Keyring.open(path.join(d, 'missing.xpk'), { rawKey: KEK }))
  throwsK(K.KEYRING_IO, () => Keyring.create(path.join(d, 'no', 'such', 'dir.xpk'), { rawKey: KEK }))
  // Another keyring's file under the same key: authenticates only as itself.
  const other = path.join(d, 'other.xpk')
  Keyring.create(other, { rawKey: KEK })
  const spliced = Buffer.concat([fs.readFileSync(other).subarray(0, 92), good.subarray(92)])
  throwsK(K.MALFORMED_KEYRING, () => openProbe(spliced))
})

test('async twins: createAsync, openAsync, saveAsAsync; errors reject; AbortSignal on openAsync only', async () => {
  const d = tmpdir()
  const file = path.join(d, 'async.xpk')
  const kr = await Keyring.createAsync(file, { passphrase: 'async pw', argon2id: FAST, manualClock: T0 })
  assert.ok(kr instanceof Keyring)
  assert.equal(kr.now(), T0)
  kr.generate('a', 'aes-256-gcm')
  const env = kr.encrypt('a', b('async'))
  const opened = await Keyring.openAsync(file, { passphrase: b('async pw') })
  assert.ok(opened instanceof Keyring)
  assert.deepEqual(opened.decrypt(env), b('async'))
  assert.equal(await opened.saveAsAsync(path.join(d, 'copy.xpk'), { rawKey: KEK }), undefined)
  assert.deepEqual(Keyring.open(path.join(d, 'copy.xpk'), { rawKey: KEK }).decrypt(env), b('async'))
  await rejectsK(K.AUTHENTICATION_FAILED, () => Keyring.openAsync(file, { passphrase: 'wrong' }))
  await rejectsK(K.KEY_EXISTS, () => Keyring.createAsync(file, { rawKey: KEK }))
  await rejectsK(K.KEY_EXISTS, () => kr.saveAsAsync(file, { rawKey: KEK }))
  await rejectsK(K.KEYRING_IO, () => Keyring.openAsync(path.join(d, 'missing'), { rawKey: KEK }))
  // An aborted signal rejects with an AbortError; a signal after the options of a file-writing
  // twin is refused at once.
  const ac = new AbortController()
  ac.abort()
  await assert.rejects(Keyring.openAsync(file, { passphrase: 'async pw' }, ac.signal), { name: 'AbortError' })
  expectTypeError(() => Keyring.createAsync(path.join(d, 'x.xpk'), { rawKey: KEK }, ac.signal))
  expectTypeError(() => kr.saveAsAsync(path.join(d, 'y.xpk'), { rawKey: KEK }, new AbortController().signal))
  expectTypeError(() => Keyring.openAsync(file, { passphrase: 'async pw' }, 'not a signal'))
  assert.ok(!fs.existsSync(path.join(d, 'x.xpk')) && !fs.existsSync(path.join(d, 'y.xpk')))
  // Bad options reject with their XpsError; wrong types throw a TypeError at once.
  await rejectsK(K.INVALID_PARAMETER, () => Keyring.openAsync(file, {}))
  await rejectsK(K.INVALID_PARAMETER, () => Keyring.createAsync(path.join(d, 'z.xpk'), { passphrase: 'p', rawKey: KEK }))
  expectTypeError(() => Keyring.openAsync(file))
  expectTypeError(() => Keyring.openAsync(file, { rawKey: 'not bytes' }))
})

test('the event loop keeps ticking while openAsync runs Argon2id (default parameters: t=3, m=64 MiB)', async () => {
  const d = tmpdir()
  const file = path.join(d, 'slow.xpk')
  ;(await Keyring.createAsync(file, { passphrase: 'slow' })).generate('k', 'aes-256-gcm')
  assert.deepEqual([...fs.readFileSync(file).subarray(8, 20)], [0, 0, 0, 3, 0, 1, 0, 0, 0, 0, 0, 1], 'default Argon2id parameters')
  let immediate = 0
  let interval = 0
  let running = true
  const spin = () => {
    immediate++
    if (running) setImmediate(spin)
  }
  setImmediate(spin)
  const timer = setInterval(() => interval++, 1)
  let kr
  try {
    kr = await Keyring.openAsync(file, { passphrase: 'slow' })
  } finally {
    running = false
    clearInterval(timer)
  }
  assert.ok(immediate >= 20, `only ${immediate} setImmediate ticks during openAsync`)
  assert.ok(interval >= 3, `only ${interval} setInterval ticks during openAsync`)
  assert.deepEqual(kr.list().map((k) => k.name), ['k'])
  // The sync twin blocks the loop: no tick runs inside it.
  let ticked = 0
  setImmediate(() => ticked++)
  Keyring.open(file, { passphrase: 'slow' })
  assert.equal(ticked, 0)
})

// ------------------------------------------------------------------------------------------------
// Misuse of every method
// ------------------------------------------------------------------------------------------------

/** A valid call of every instance method (on a keyring with keys a (AEAD), s (Ed25519), m (HMAC), q (ML-KEM)). */
function VALID_CALLS(env) {
  return {
    saveAs: ['/nonexistent-dir/x.xpk', { rawKey: KEK }],
    now: [],
    setClock: [T0],
    advanceClock: [1],
    generate: ['new', 'aes-256-gcm'],
    importKey: ['imp', 'aes-256-gcm', KEK],
    rotate: ['a'],
    revoke: ['a', 1],
    destroy: ['a', 1],
    setMinDecryptionVersion: ['a', 1],
    setRotationPolicy: ['a', { overlap: 1 }],
    setExpiry: ['a', 1, null],
    tick: [],
    startAutoRotation: [1000],
    stopAutoRotation: [],
    autoRotationRunning: [],
    events: [],
    subscribe: [() => {}],
    unsubscribe: [1],
    setAuditLog: [null],
    refresh: [],
    encrypt: ['a', b('x')],
    decrypt: [env],
    rewrap: [env],
    rewrapMany: [[env]],
    seal: ['a', b('x')],
    openSealed: [env],
    sign: ['s', b('m')],
    verify: [b('sig'), b('m')],
    mac: ['m', b('d')],
    verifyMac: ['m', 1, b('d'), b('t')],
    decapsulate: ['q', b('ct')],
    publicKey: ['s'],
    list: [],
    describe: ['a'],
    envelopeLen: ['a', 10],
    saveAsAsync: ['/nonexistent-dir/x.xpk', { rawKey: KEK }],
  }
}

test('every instance method is covered by the misuse tables', () => {
  const methods = Object.getOwnPropertyNames(Keyring.prototype).filter((m) => !['constructor', 'toString', 'path', 'close'].includes(m))
  assert.deepEqual(methods.sort(), Object.keys(VALID_CALLS(b(''))).sort())
  assert.deepEqual(Object.getOwnPropertyNames(Keyring).filter((k) => typeof Keyring[k] === 'function').sort(),
    ['create', 'createAsync', 'defaultAead', 'inMemory', 'open', 'openAsync'])
})

test('wrong argument types throw TypeError (ERR_INVALID_ARG_TYPE) or a RangeError for bad numbers', () => {
  const kr = manual()
  kr.generate('a', 'aes-256-gcm')
  const env = kr.encrypt('a', b('x'))
  // [method, args with one wrong argument]
  const bad = [
    ['generate', [5, 'aes-256-gcm']], ['generate', ['n', 7]], ['generate', ['n', 'aes-256-gcm', 'opts']],
    ['generate', ['n', 'aes-256-gcm', { policy: { overlap: 'x' } }]], ['generate', ['n', 'aes-256-gcm', { policy: {} }]],
    ['importKey', ['n', 'aes-256-gcm', 'key as a string']], ['importKey', ['n', 'aes-256-gcm', [1, 2, 3]]],
    ['importKey', ['n', 'aes-256-gcm', KEK, { seed: 'yes' }]],
    ['rotate', [1]], ['rotate', ['a', 5]], ['revoke', ['a', '1']], ['destroy', [null, 1]],
    ['setMinDecryptionVersion', ['a', {}]], ['setRotationPolicy', ['a', 5]], ['setRotationPolicy', ['a']],
    ['setExpiry', ['a', 1]], ['setExpiry', ['a', 1, '2030']], ['startAutoRotation', ['5']], ['unsubscribe', ['1']],
    ['subscribe', ['not a function']], ['subscribe', []], ['setAuditLog', [5]],
    ['encrypt', ['a', 'plaintext string']], ['encrypt', ['a', b('x'), 'aad string']], ['decrypt', ['envelope']], ['decrypt', [env, 5]],
    ['rewrap', [[1]]], ['rewrapMany', [env]], ['rewrapMany', [['x']]], ['seal', ['a', 5]], ['openSealed', [null]],
    ['sign', ['s', 'msg']], ['verify', ['sig', b('m')]], ['mac', ['m', 'data']], ['verifyMac', ['m', 1, b('d'), 'tag']],
    ['decapsulate', ['q', 'ct']], ['decapsulate', ['q', b('ct'), { version: 'one' }]], ['publicKey', ['s', 5]],
    ['describe', [5]], ['envelopeLen', ['a', '10']], ['saveAs', ['/tmp/x', 'opts']], ['saveAs', ['/tmp/x']],
    ['saveAs', ['/tmp/x', { rawKey: 'string key' }]], ['saveAs', ['/tmp/x', { passphrase: 5 }]],
  ]
  for (const [m, args] of bad) {
    assert.throws(() => kr[m](...args), (e) => (e instanceof TypeError && e.code === 'ERR_INVALID_ARG_TYPE') || (e instanceof RangeError && e.code === 'ERR_OUT_OF_RANGE'),
      `${m}(${util.inspect(args, { depth: 0 })})`)
  }
  for (const args of [['v', -1], ['v', 1.5], ['v', 2 ** 32]]) {
    assert.throws(() => kr.revoke(...args), { code: 'ERR_OUT_OF_RANGE' })
  }
  for (const f of ['create', 'open']) {
    expectTypeError(() => Keyring[f](5, { rawKey: KEK }), f)
    expectTypeError(() => Keyring[f]('/tmp/x'), f)
    expectTypeError(() => Keyring[f]('/tmp/x', { rawKey: KEK, manualClock: 'now' }), f)
    expectTypeError(() => Keyring[f]('/tmp/x', { passphrase: 'p', argon2id: { tCost: 1 } }), f)
  }
  expectTypeError(() => Keyring.inMemory(5))
  expectTypeError(() => Keyring.inMemory({ manualClock: '5' }))
  assert.throws(() => new Keyring(), Error, 'no public constructor')
})

test('numbers are never wrapped or truncated: 2**32 + 1 is not version 1, 2.5 is not version 2', () => {
  const BAD = [2 ** 32 + 1, 2 ** 32 + 2, 2.5, 2.9, -1, NaN, Infinity]
  const setup = (kr) => {
    kr.generate('k', 'aes-256-gcm')
    kr.rotate('k')
    kr.rotate('k')
    kr.generate('m', 'hmac-sha256')
    return kr.mac('m', b('data')).tag
  }
  const calls = (v, tag) => [
    ['revoke', ['k', v]], ['destroy', ['k', v]], ['setMinDecryptionVersion', ['k', v]], ['setExpiry', ['k', v, T0 + DAY]],
    ['verifyMac', ['m', v, b('data'), tag]], ['startAutoRotation', [v]], ['unsubscribe', [v]], ['envelopeLen', ['k', v]],
  ]
  const states = (kr) => kr.describe('k').versions.map((x) => [x.version, x.state, x.expires])
  // Through the package: a RangeError before the addon is reached (or the addon's own refusal).
  const kr = manual()
  const tag = setup(kr)
  const before = states(kr)
  for (const v of BAD) {
    for (const [m, args] of calls(v, tag)) {
      assert.throws(() => kr[m](...args), (e) => (e instanceof RangeError && e.code === 'ERR_OUT_OF_RANGE') || (e instanceof xps.XpsError && e.code === K.INVALID_PARAMETER[1]),
        `${m}(${util.inspect(args, { depth: 0 })})`)
    }
  }
  assert.deepEqual(states(kr), before)
  assert.equal(kr.describe('k').minDecryptionVersion, 0)
  assert.equal(kr.autoRotationRunning(), false)
  // Version 0 is no version (setMinDecryptionVersion: 0 is "no minimum").
  for (const [m, args] of [['revoke', ['k', 0]], ['destroy', ['k', 0]], ['setExpiry', ['k', 0, null]], ['verifyMac', ['m', 0, b('data'), tag]]]) {
    throwsK(K.INVALID_PARAMETER, () => kr[m](...args), `${m} version 0`)
  }
  kr.setMinDecryptionVersion('k', 0)
  throwsK(K.INVALID_PARAMETER, () => kr.startAutoRotation(0))
  // Nested numbers (not checked by the package): the addon refuses them.
  const f = path.join(tmpdir(), 'argon-bad.xpk')
  for (const v of BAD) {
    for (const a of [{ tCost: v, mCostKib: 64, parallelism: 1 }, { tCost: 1, mCostKib: v, parallelism: 1 }, { tCost: 1, mCostKib: 64, parallelism: v }]) {
      throwsK(K.INVALID_PARAMETER, () => Keyring.create(f, { passphrase: 'p', argon2id: a }), JSON.stringify(a, (k, x) => (typeof x === 'number' ? String(x) : x)))
    }
  }
  assert.equal(fs.existsSync(f), false)
  // The addon itself (no package wrapper), in a child process: every bad number is refused with
  // XPS_E_INVALID_PARAMETER and nothing changes.
  const script = `
    const { Keyring } = require(${JSON.stringify(path.join(__dirname, '..', 'xpscrypto.node'))})
    const b = (s) => Buffer.from(s)
    const T0 = ${T0}, DAY = ${DAY}
    const kr = Keyring.inMemory({ manualClock: T0 })
    const tag = (${setup.toString()})(kr)
    const calls = ${calls.toString()}
    const out = { refused: [], accepted: [] }
    for (const v of [${BAD.map(String).join(', ')}]) {
      for (const [m, args] of calls(v, tag)) {
        try { kr[m](...args); out.accepted.push(m + ' ' + v) } catch (e) { out.refused.push(e.code) }
      }
    }
    out.states = kr.describe('k').versions.map((x) => [x.version, x.state, x.expires])
    out.min = kr.describe('k').minDecryptionVersion
    out.running = kr.autoRotationRunning()
    kr.close()
    console.log(JSON.stringify(out))`
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' })
  assert.equal(r.status, 0, r.stderr)
  const out = JSON.parse(r.stdout)
  assert.deepEqual(out.accepted, [])
  assert.equal(out.refused.length, BAD.length * calls(0, null).length)
  assert.ok(out.refused.every((c) => c === K.INVALID_PARAMETER[1]), out.refused.join(' '))
  assert.deepEqual(out.states, before)
  assert.equal(out.min, 0)
  assert.equal(out.running, false)
})

test('bad values throw XpsError with their status', () => {
  const kr = manual()
  kr.generate('a', 'aes-256-gcm')
  kr.generate('s', 'ed25519')
  // Names and algorithms.
  for (const name of ['', 'has space', 'x'.repeat(65), 'ümlaut', 'a/b']) throwsK(K.INVALID_PARAMETER, () => kr.generate(name, 'aes-256-gcm'), JSON.stringify(name))
  assert.equal(kr.generate('x'.repeat(64), 'aes-256-gcm'), 1)
  throwsK(K.UNKNOWN_ALGORITHM, () => kr.generate('n', 'aes-512-gcm'))
  for (const alg of ['sha256', 'hkdf-sha256', 'argon2id', 'pbkdf2-sha256']) throwsK(K.WRONG_ALGORITHM_FAMILY, () => kr.generate('n', alg), alg)
  throwsK(K.UNKNOWN_ALGORITHM, () => kr.rotate('a', 'nope'))
  throwsK(K.UNKNOWN_ALGORITHM, () => kr.importKey('n', 'nope', KEK))
  // Policies and times.
  for (const p of [{ overlap: -1 }, { overlap: 1.5 }, { overlap: Infinity }, { overlap: 1, maxAge: -5 }, { overlap: 1, maxUses: 2 ** 53 }, { overlap: NaN }]) {
    throwsK(K.INVALID_PARAMETER, () => kr.setRotationPolicy('a', p), JSON.stringify(p))
    throwsK(K.INVALID_PARAMETER, () => kr.generate('pol', 'aes-256-gcm', { policy: p }), JSON.stringify(p))
  }
  assert.throws(() => kr.setExpiry('a', 1, -1), { code: 'ERR_OUT_OF_RANGE' })
  throwsK(K.INVALID_PARAMETER, () => kr.decapsulate('a', b('x'), { version: 0 }))
  throwsK(K.INVALID_PARAMETER, () => kr.publicKey('s', { version: 1.5 }))
  throwsK(K.INVALID_PARAMETER, () => kr.setAuditLog(''))
  throwsK(K.INVALID_PARAMETER, () => kr.setAuditLog('a\0b'))
  // Unknown keys everywhere a name is taken.
  for (const [m, args] of [['rotate', []], ['revoke', [1]], ['destroy', [1]], ['setMinDecryptionVersion', [1]], ['setRotationPolicy', [{ overlap: 1 }]],
    ['setExpiry', [1, null]], ['encrypt', [b('x')]], ['sign', [b('x')]], ['mac', [b('x')]], ['verifyMac', [1, b('x'), b('t')]],
    ['decapsulate', [b('x')]], ['publicKey', []], ['describe', []], ['envelopeLen', [1]]]) {
    throwsK(K.UNKNOWN_KEY, () => kr[m]('missing', ...args), m)
  }
  // Envelopes that are not envelopes.
  for (const m of ['decrypt', 'rewrap', 'openSealed']) throwsK(K.MALFORMED_ENVELOPE, () => kr[m](b('XPSE')), m)
  throwsK(K.MALFORMED_ENVELOPE, () => kr.verify(b('not an envelope'), b('m')))
  throwsK(K.WRONG_ALGORITHM_FAMILY, () => kr.mac('a', b('x')))
  throwsK(K.WRONG_ALGORITHM_FAMILY, () => kr.envelopeLen('s', 1))
  // File options.
  const d = tmpdir()
  const f = path.join(d, 'opts.xpk')
  throwsK(K.INVALID_PARAMETER, () => Keyring.create(f, {}), 'no key')
  throwsK(K.INVALID_PARAMETER, () => Keyring.create(f, { passphrase: 'p', rawKey: KEK }), 'both')
  throwsK(K.INVALID_PARAMETER, () => Keyring.create(f, { passphrase: '' }), 'empty passphrase')
  throwsK(K.INVALID_PARAMETER, () => Keyring.create(f, { rawKey: KEK, argon2id: FAST }), 'argon2id with a raw key')
  for (const a of [{ tCost: 0, mCostKib: 64, parallelism: 1 }, { tCost: 65, mCostKib: 64, parallelism: 1 }, { tCost: 1, mCostKib: 64, parallelism: 0 },
    { tCost: 1, mCostKib: 64, parallelism: 65 }]) {
    throwsK(K.INVALID_PARAMETER, () => Keyring.create(f, { passphrase: 'p', argon2id: a }), JSON.stringify(a))
  }
  assert.throws(() => Keyring.create(f, { passphrase: 'p', argon2id: { tCost: 1, mCostKib: 4, parallelism: 1 } }), xps.XpsError, 'm < 8p')
  throwsK(K.BAD_KEY_LENGTH, () => Keyring.create(f, { rawKey: KEK.subarray(1) }))
  throwsK(K.INVALID_PARAMETER, () => Keyring.create('', { rawKey: KEK }))
  throwsK(K.INVALID_PARAMETER, () => Keyring.create('a\0b', { rawKey: KEK }))
  assert.ok(!fs.existsSync(f), 'no file made by a refused create')
})
