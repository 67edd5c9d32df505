'use strict'
// The *Async twins: they run on the libuv pool (the event loop keeps ticking), give the same bytes
// as their sync twins, copy their inputs first, and honour an AbortSignal. No timing thresholds:
// the event-loop assertions count ticks, throughput belongs to the benchmarks.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const crypto = require('node:crypto')

const xps = require('..')
const { S, checkError, pattern } = require('./helpers')

const b = (s) => Buffer.from(s)
const POOL = Number(process.env.UV_THREADPOOL_SIZE) || 4

/** Runs `fn()` (a promise) while counting setImmediate and setInterval ticks of the event loop. */
async function countTicks(fn) {
  let immediate = 0
  let interval = 0
  let running = true
  const spin = () => {
    immediate++
    if (running) setImmediate(spin)
  }
  setImmediate(spin)
  const timer = setInterval(() => interval++, 1)
  try {
    const result = await fn()
    return { result, immediate, interval }
  } finally {
    running = false
    clearInterval(timer)
  }
}

test('the event loop keeps ticking while argon2idAsync (t=3, m=64 MiB) runs', async () => {
  const args = [b('correct horse'), pattern(16, 5), 3, 64 * 1024, 1, 32]
  const { result, immediate, interval } = await countTicks(() => xps.argon2idAsync(...args))
  assert.ok(immediate >= 20, `only ${immediate} setImmediate ticks during argon2idAsync`)
  assert.ok(interval >= 3, `only ${interval} setInterval ticks during argon2idAsync`)
  // the sync twin blocks the loop: no tick can run inside it; same bytes
  let ticked = 0
  setImmediate(() => ticked++)
  const sync = xps.argon2id(...args)
  assert.equal(ticked, 0)
  assert.deepEqual(result, sync)
  assert.equal(result.length, 32)
})

test('the event loop keeps ticking while pbkdf2Async and hashAsync (64 MiB) run', async () => {
  const p = await countTicks(() => xps.pbkdf2Async('pbkdf2-sha512', b('pw'), b('salt'), 200000, 64))
  assert.ok(p.immediate >= 5, `only ${p.immediate} ticks during pbkdf2Async`)
  assert.deepEqual(p.result, crypto.pbkdf2Sync('pw', 'salt', 200000, 64, 'sha512'))
  const big = crypto.randomBytes(64 << 20)
  const h = await countTicks(() => xps.hashAsync('sha3-256', big))
  assert.ok(h.immediate >= 2, `only ${h.immediate} ticks during hashAsync of 64 MiB`)
  assert.deepEqual(h.result, crypto.createHash('sha3-256').update(big).digest())
})

test('async twins give the same bytes as the sync twins', async () => {
  // KDFs
  assert.deepEqual(await xps.pbkdf2Async('pbkdf2-sha256', b('pw'), b('salt'), 5000, 48), xps.pbkdf2('pbkdf2-sha256', b('pw'), b('salt'), 5000, 48))
  const opts = { secret: b('pepper'), ad: b('ad') }
  assert.deepEqual(await xps.argon2idAsync(b('pw'), pattern(16), 2, 256, 2, 40, opts), xps.argon2id(b('pw'), pattern(16), 2, 256, 2, 40, opts))
  // hash of 16 MiB
  const data = crypto.randomBytes(16 << 20)
  for (const alg of ['sha256', 'blake3', 'shake256']) assert.deepEqual(await xps.hashAsync(alg, data), xps.hash(alg, data), alg)
  // AEAD
  for (const [alg, kl, nl] of [['aes-256-gcm', 32, 12], ['chacha20-poly1305', 32, 12], ['xchacha20-poly1305', 32, 24], ['aes-128-gcm', 16, 12]]) {
    const [key, nonce, pt, aad] = [crypto.randomBytes(kl), crypto.randomBytes(nl), crypto.randomBytes(100003), b('aad')]
    const sealed = xps.aeadSeal(alg, key, nonce, pt, aad)
    assert.deepEqual(await xps.aeadSealAsync(alg, key, nonce, pt, aad), sealed, alg)
    assert.deepEqual(await xps.aeadSealAsync(alg, key, nonce, pt), xps.aeadSeal(alg, key, nonce, pt), alg)
    assert.deepEqual(await xps.aeadOpenAsync(alg, key, nonce, sealed, aad), pt, alg)
    const box = new xps.AeadKey(alg, key)
    assert.deepEqual(await box.encryptAsync(nonce, pt, aad), sealed, alg)
    assert.deepEqual(await box.decryptAsync(nonce, sealed, aad), pt, alg)
  }
  // signatures: seeded key generation, deterministic signing
  for (const alg of ['ml-dsa-65', 'ml-dsa-44', 'ed25519', 'slh-dsa-sha2-128s']) {
    const seed = pattern(xps.signSeedbytes(alg), 3, 1)
    const kp = xps.signKeypair(alg, seed)
    assert.deepEqual(await xps.signKeypairAsync(alg, seed), kp, alg)
    const o = alg === 'ed25519' ? undefined : { deterministic: true, context: b('ctx') }
    const sig = xps.sign(alg, kp.secretKey, b('message'), o)
    assert.deepEqual(await xps.signAsync(alg, kp.secretKey, b('message'), o), sig, alg)
    assert.deepEqual(await new xps.SigningKey(alg, kp.secretKey).signAsync(b('message'), o), sig, alg)
    const vo = o && { context: o.context }
    assert.equal(await xps.verifyAsync(alg, kp.publicKey, b('message'), sig, vo), true, alg)
    assert.equal(await xps.verifyAsync(alg, kp.publicKey, b('messagE'), sig, vo), false, alg)
  }
  // an unseeded ML-DSA-65 key pair from the pool is a working pair of the right sizes
  const fresh = await xps.signKeypairAsync('ml-dsa-65')
  assert.equal(fresh.publicKey.length, xps.signPublickeybytes('ml-dsa-65'))
  assert.equal(fresh.secretKey.length, xps.signSecretkeybytes('ml-dsa-65'))
  assert.deepEqual(xps.signPublicFromSecret('ml-dsa-65', fresh.secretKey), fresh.publicKey)
  assert.equal(xps.verify('ml-dsa-65', fresh.publicKey, b('m'), await xps.signAsync('ml-dsa-65', fresh.secretKey, b('m'))), true)
  // KEMs: seeded key generation and encapsulation, decapsulation
  for (const alg of ['ml-kem-768', 'ml-kem-512', 'x-wing', 'x25519']) {
    const seed = pattern(xps.kemSeedbytes(alg), 5, 2)
    const kp = xps.kemKeypair(alg, seed)
    assert.deepEqual(await xps.kemKeypairAsync(alg, seed), kp, alg)
    const eseed = pattern(xps.kemEncapsseedbytes(alg), 11, 7)
    const enc = xps.kemEncapsulate(alg, kp.publicKey, eseed)
    assert.deepEqual(await xps.kemEncapsulateAsync(alg, kp.publicKey, eseed), enc, alg)
    assert.deepEqual(await xps.kemDecapsulateAsync(alg, kp.secretKey, enc.ciphertext), enc.sharedSecret, alg)
    assert.deepEqual(await new xps.DecapsulationKey(alg, kp.secretKey).decapsulateAsync(enc.ciphertext), enc.sharedSecret, alg)
    const rnd = await xps.kemEncapsulateAsync(alg, kp.publicKey)
    assert.deepEqual(xps.kemDecapsulate(alg, kp.secretKey, rnd.ciphertext), rnd.sharedSecret, alg)
  }
  // randomness
  const r = await xps.randomBytesAsync(64)
  assert.ok(Buffer.isBuffer(r) && r.length === 64)
  assert.notDeepEqual(r, await xps.randomBytesAsync(64))
  assert.equal((await xps.randomBytesAsync(0)).length, 0)
})

test('async twins copy their inputs at the call: later changes do not affect the result', async () => {
  const data = crypto.randomBytes(4 << 20)
  const want = xps.hash('sha256', data)
  const p = xps.hashAsync('sha256', data)
  data.fill(0)
  assert.deepEqual(await p, want)
  const [key, nonce, pt] = [crypto.randomBytes(32), crypto.randomBytes(12), crypto.randomBytes(1 << 20)]
  const sealed = xps.aeadSeal('aes-256-gcm', key, nonce, pt)
  const q = xps.aeadSealAsync('aes-256-gcm', key, nonce, pt)
  key.fill(1)
  nonce.fill(1)
  pt.fill(1)
  assert.deepEqual(await q, sealed)
})

test('many concurrent async calls (more than the pool) all resolve correctly', async () => {
  const inputs = Array.from({ length: 4 * POOL }, (_, i) => pattern(10000 + i, i + 1, i))
  const results = await Promise.all(inputs.map((d, i) => (i % 2 ? xps.hashAsync('sha512', d) : xps.aeadSealAsync('chacha20-poly1305', pattern(32), pattern(12), d))))
  results.forEach((r, i) => {
    const d = inputs[i]
    assert.deepEqual(r, i % 2 ? crypto.createHash('sha512').update(d).digest() : xps.aeadSeal('chacha20-poly1305', pattern(32), pattern(12), d), `call ${i}`)
  })
})

// ------------------------------------------------------------------------------------------------
// AbortSignal
// ------------------------------------------------------------------------------------------------

/** Occupies every libuv pool thread with a ~0.1 s Argon2id run; returns their promises. */
function fillPool() {
  return Array.from({ length: POOL }, (_, i) => xps.argon2idAsync(b(`busy ${i}`), pattern(16), 1, 32 * 1024, 1, 32))
}

test('AbortSignal: a task aborted while still queued rejects with an AbortError; others are unaffected', async () => {
  const busy = fillPool()
  const ac = new AbortController()
  const aborted = xps.argon2idAsync(b('pw'), pattern(16), 1, 8, 1, 32, undefined, ac.signal)
  const other = xps.hashAsync('sha256', b('abc'), new AbortController().signal)
  const queuedAborts = [
    xps.hashAsync('sha256', b('abc'), ac.signal),
    xps.aeadSealAsync('aes-256-gcm', pattern(32), pattern(12), b('pt'), undefined, ac.signal),
    xps.signKeypairAsync('ml-dsa-65', undefined, ac.signal),
    xps.kemKeypairAsync('ml-kem-768', undefined, ac.signal),
    new xps.AeadKey('aes-256-gcm', pattern(32)).encryptAsync(pattern(12), b('pt'), undefined, ac.signal),
  ]
  ac.abort()
  for (const p of [aborted, ...queuedAborts]) {
    await assert.rejects(p, (e) => {
      assert.ok(e instanceof Error)
      assert.equal(e.name, 'AbortError')
      assert.ok(!(e instanceof xps.XpsError))
      return true
    })
  }
  assert.deepEqual(await other, crypto.createHash('sha256').update('abc').digest())
  for (const p of busy) assert.equal((await p).length, 32)
})

test('AbortSignal: aborting after completion changes nothing; aborting a running task still settles', async () => {
  const ac = new AbortController()
  const r = await xps.hashAsync('sha256', b('abc'), ac.signal)
  ac.abort()
  assert.deepEqual(r, crypto.createHash('sha256').update('abc').digest())
  // a running task finishes; its promise settles either with the right result or an AbortError
  const args = [b('pw'), pattern(16), 2, 32 * 1024, 1, 32]
  const want = xps.argon2id(...args)
  const ac2 = new AbortController()
  const p = xps.argon2idAsync(...args, undefined, ac2.signal)
  await new Promise((resolve) => setTimeout(resolve, 20))
  ac2.abort()
  try {
    assert.deepEqual(await p, want)
  } catch (e) {
    assert.equal(e.name, 'AbortError')
  }
})

test('XpsError rejections keep their class through the pool (not AbortError, not a plain Error)', async () => {
  const e = await xps.aeadOpenAsync('aes-256-gcm', pattern(32), pattern(12), Buffer.alloc(32), undefined, new AbortController().signal).then(
    () => assert.fail('resolved'),
    (err) => err,
  )
  checkError(e, S.AUTHENTICATION_FAILED)
  assert.ok(e.stack.includes('XPS_E_AUTHENTICATION_FAILED'))
})

test("AbortSignal: passing a signal leaves the caller's own onabort handler in place", async () => {
  const ac = new AbortController()
  let called = 0
  const mine = () => called++
  ac.signal.onabort = mine
  await xps.hashAsync('sha256', b('abc'), ac.signal)
  assert.equal(ac.signal.onabort, mine)
  ac.abort()
  assert.equal(called, 1)
})

test('AbortSignal: an object that is not an AbortSignal is refused with a TypeError', () => {
  const notASignal = {}
  assert.throws(() => xps.hashAsync('sha256', b('abc'), notASignal), TypeError)
  assert.deepEqual(Object.keys(notASignal), [])
})

test('a signal is unlinked when the call settles; one in the options slot is refused; an abort after the start still rejects', async () => {
  const { getEventListeners } = require('node:events')
  const ac = new AbortController()
  for (let i = 0; i < 20; i++) await xps.hashAsync('sha256', Buffer.alloc(100), ac.signal)
  assert.equal(getEventListeners(ac.signal, 'abort').length, 0)
  assert.throws(() => xps.signAsync('ed25519', Buffer.alloc(32), Buffer.alloc(1), AbortSignal.abort()), TypeError)
  const late = new AbortController()
  const p = xps.pbkdf2Async('pbkdf2-sha256', Buffer.alloc(8), Buffer.alloc(16), 300000, 32, late.signal)
  setImmediate(() => late.abort())
  await assert.rejects(p, { name: 'AbortError' })
})
