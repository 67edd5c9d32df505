'use strict'
// Interoperability with node:crypto (OpenSSL) on random inputs: every value made by one side is
// checked or consumed by the other, in both directions. The port of python/tests/test_interop.py
// (node:crypto has no XChaCha20, Poly1305 MAC, Argon2id, ML-KEM or ML-DSA in Node 20).

const { test } = require('node:test')
const assert = require('node:assert/strict')
const crypto = require('node:crypto')

const xps = require('..')
const { S, expectStatus } = require('./helpers')

const SIZES = [0, 1, 15, 16, 17, 64, 1000, 65536 + 3]
const rnd = (n) => crypto.randomBytes(n)

// ------------------------------------------------------------------------------------------------
// AEAD
// ------------------------------------------------------------------------------------------------

const AEADS = [
  ['aes-128-gcm', 16, 'aes-128-gcm', {}],
  ['aes-256-gcm', 32, 'aes-256-gcm', {}],
  ['chacha20-poly1305', 32, 'chacha20-poly1305', { authTagLength: 16 }],
]

function nodeSeal(cipher, opts, key, nonce, pt, aad) {
  const c = crypto.createCipheriv(cipher, key, nonce, opts)
  c.setAAD(aad, { plaintextLength: pt.length })
  const ct = Buffer.concat([c.update(pt), c.final()])
  return Buffer.concat([ct, c.getAuthTag()])
}

function nodeOpen(cipher, opts, key, nonce, sealed, aad) {
  const d = crypto.createDecipheriv(cipher, key, nonce, opts)
  d.setAAD(aad, { plaintextLength: sealed.length - 16 })
  d.setAuthTag(sealed.subarray(sealed.length - 16))
  return Buffer.concat([d.update(sealed.subarray(0, sealed.length - 16)), d.final()]) // final() throws on a bad tag
}

for (const [alg, klen, cipher, opts] of AEADS) {
  test(`${alg}: node:crypto ⇄ xpscrypto, sizes ${SIZES.join(', ')}`, () => {
    for (const size of SIZES) {
      const [key, nonce, pt] = [rnd(klen), rnd(12), rnd(size)]
      for (const aad of [Buffer.alloc(0), rnd((size % 37) + 1)]) {
        const label = `${alg} size ${size} aad ${aad.length}`
        const theirs = nodeSeal(cipher, opts, key, nonce, pt, aad)
        assert.deepEqual(xps.aeadOpen(alg, key, nonce, theirs, aad), pt, label)
        assert.deepEqual(new xps.AeadKey(alg, key).decryptDetached(nonce, theirs.subarray(0, -16), theirs.subarray(-16), aad), pt, label)
        assert.deepEqual(xps.aeadOpenDetached(alg, key, nonce, theirs.subarray(0, -16), theirs.subarray(-16), aad), pt, label)
        const ours = xps.aeadSeal(alg, key, nonce, pt, aad)
        assert.deepEqual(nodeOpen(cipher, opts, key, nonce, ours, aad), pt, label)
        assert.deepEqual(ours, theirs, label) // deterministic: same key, nonce, aad, message
        const det = xps.aeadSealDetached(alg, key, nonce, pt, aad)
        assert.deepEqual(Buffer.concat([det.ciphertext, det.tag]), theirs, label)
        // in place (one Buffer), then opened by node:crypto
        const buf = Buffer.alloc(size + 16)
        pt.copy(buf)
        assert.equal(new xps.AeadKey(alg, key).encryptInto(nonce, buf.subarray(0, size), buf, aad), size + 16)
        assert.deepEqual(nodeOpen(cipher, opts, key, nonce, buf, aad), pt, label)
        // node:crypto's ciphertext decrypted in place
        const back = Buffer.from(theirs)
        assert.equal(new xps.AeadKey(alg, key).decryptInto(nonce, back, back, aad), size)
        assert.deepEqual(back.subarray(0, size), pt, label)
        // each side refuses the other's tampered message
        const bad = Buffer.from(theirs)
        bad[0] ^= 0x80
        expectStatus(S.AUTHENTICATION_FAILED, () => xps.aeadOpen(alg, key, nonce, bad, aad), label)
        const bad2 = Buffer.from(ours)
        bad2[bad2.length - 1] ^= 1
        assert.throws(() => nodeOpen(cipher, opts, key, nonce, bad2, aad), /unable to authenticate|auth/i, label)
      }
    }
  })
}

// ------------------------------------------------------------------------------------------------
// Hashes, XOFs, MACs, KDFs
// ------------------------------------------------------------------------------------------------

const HASHES = [
  ['sha256', 'sha256'],
  ['sha384', 'sha384'],
  ['sha512', 'sha512'],
  ['sha3-256', 'sha3-256'],
  ['sha3-512', 'sha3-512'],
  ['blake2b-512', 'blake2b512'],
  ['blake2s-256', 'blake2s256'],
]

for (const [alg, nodeName] of HASHES) {
  test(`${alg} = node:crypto ${nodeName} (one-shot, streaming, async)`, async () => {
    for (const size of SIZES) {
      const data = rnd(size)
      const want = crypto.createHash(nodeName).update(data).digest()
      assert.deepEqual(xps.hash(alg, data), want, `size ${size}`)
      const h = new xps.Hash(alg)
      for (let i = 0; i < size; i += 7919) h.update(data.subarray(i, i + 7919))
      assert.deepEqual(h.digest(), want, `size ${size} streaming`)
      assert.equal(h.digestSize, want.length)
      assert.equal(xps.hashOutbytes(alg), want.length)
      assert.deepEqual(await xps.hashAsync(alg, data), want, `size ${size} async`)
    }
  })
}

for (const [alg, def] of [['shake128', 32], ['shake256', 64]]) {
  test(`${alg} = node:crypto ${alg} with outputLength`, () => {
    for (const size of SIZES) {
      const data = rnd(size)
      for (const n of [1, 32, 64, 200, 1000]) {
        const want = crypto.createHash(alg, { outputLength: n }).update(data).digest()
        assert.deepEqual(xps.xof(alg, data, n), want, `size ${size} n ${n}`)
        assert.deepEqual(new xps.Hash(alg).update(data).xof(n), want, `size ${size} n ${n}`)
      }
      assert.deepEqual(xps.hash(alg, data), crypto.createHash(alg, { outputLength: def }).update(data).digest())
      assert.equal(xps.hashOutbytes(alg), null)
    }
  })
}

for (const [alg, h] of [['hmac-sha256', 'sha256'], ['hmac-sha384', 'sha384'], ['hmac-sha512', 'sha512']]) {
  test(`${alg} = node:crypto createHmac('${h}')`, () => {
    for (const size of SIZES) {
      const data = rnd(size)
      for (const key of [Buffer.alloc(0), rnd(16), rnd(200)]) {
        // short, and longer than the block
        const want = crypto.createHmac(h, key).update(data).digest()
        const label = `size ${size} key ${key.length}`
        assert.deepEqual(xps.hmac(alg, key, data), want, label)
        assert.equal(xps.hmacVerify(alg, key, data, want), true, label)
        assert.equal(xps.hmacVerifyTruncated(alg, key, data, want.subarray(0, 16)), true, label)
        assert.deepEqual(new xps.Mac(alg, key).update(data).finalize(), want, label)
        const bad = Buffer.from(want)
        bad[bad.length - 1] ^= 1
        assert.equal(xps.hmacVerify(alg, key, data, bad), false, label)
      }
    }
  })
}

for (const [alg, h, hlen] of [['hkdf-sha256', 'sha256', 32], ['hkdf-sha384', 'sha384', 48], ['hkdf-sha512', 'sha512', 64]]) {
  test(`${alg} = node:crypto hkdfSync('${h}')`, () => {
    for (const size of [0, 1, 16, 17, 64, 1000]) {
      const [ikm, salt, info] = [rnd(size), rnd(size % 50), rnd(size % 30)]
      for (const length of [1, 32, 100, 255 * hlen]) {
        const want = Buffer.from(crypto.hkdfSync(h, ikm, salt, info, length))
        const label = `size ${size} length ${length}`
        assert.deepEqual(xps.hkdf(alg, ikm, salt, info, length), want, label)
        const prk = xps.hkdfExtract(alg, salt, ikm)
        assert.equal(prk.length, hlen)
        assert.deepEqual(prk, crypto.createHmac(h, salt.length ? salt : Buffer.alloc(hlen)).update(ikm).digest(), label) // RFC 5869 extract
        assert.deepEqual(xps.hkdfExpand(alg, prk, info, length), want, label)
      }
    }
  })
}

for (const [alg, h] of [['pbkdf2-sha256', 'sha256'], ['pbkdf2-sha512', 'sha512']]) {
  test(`${alg} = node:crypto pbkdf2Sync('${h}')`, async () => {
    for (const size of [0, 1, 16, 17, 64, 1000]) {
      const [pw, salt] = [rnd(size), rnd(16)]
      for (const [iters, length] of [[1, 1], [2, 32], [100, 65], [1000, 130]]) {
        const want = crypto.pbkdf2Sync(pw, salt, iters, length, h)
        assert.deepEqual(xps.pbkdf2(alg, pw, salt, iters, length), want, `size ${size} iters ${iters}`)
      }
      const want = crypto.pbkdf2Sync(pw, salt, 500, 48, h)
      assert.deepEqual(await xps.pbkdf2Async(alg, pw, salt, 500, 48), want)
    }
  })
}

// ------------------------------------------------------------------------------------------------
// Ed25519, X25519 (keys moved through PKCS#8 / SPKI DER)
// ------------------------------------------------------------------------------------------------

const ED_PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex')
const ED_SPKI = Buffer.from('302a300506032b6570032100', 'hex')
const X_PKCS8 = Buffer.from('302e020100300506032b656e04220420', 'hex')
const X_SPKI = Buffer.from('302a300506032b656e032100', 'hex')

const privKey = (prefix, raw) => crypto.createPrivateKey({ key: Buffer.concat([prefix, raw]), format: 'der', type: 'pkcs8' })
const pubKey = (prefix, raw) => crypto.createPublicKey({ key: Buffer.concat([prefix, raw]), format: 'der', type: 'spki' })
const rawPublic = (key) => {
  const der = key.export({ format: 'der', type: 'spki' })
  return der.subarray(der.length - 32)
}

test('Ed25519: same 32-byte seed → same public key and signatures; each verifies the other', async () => {
  for (const size of SIZES) {
    const [seed, msg] = [rnd(32), rnd(size)]
    const theirs = privKey(ED_PKCS8, seed)
    const theirPk = rawPublic(crypto.createPublicKey(theirs))
    const { publicKey: pk, secretKey: sk } = xps.signKeypair('ed25519', seed)
    assert.deepEqual(pk, theirPk, `size ${size}`)
    assert.deepEqual(xps.signPublicFromSecret('ed25519', sk), theirPk)
    assert.deepEqual(new xps.SigningKey('ed25519', sk).publicKey(), theirPk)
    const theirSig = crypto.sign(null, msg, theirs)
    assert.deepEqual(xps.sign('ed25519', sk, msg), theirSig, `size ${size}`) // Ed25519 is deterministic
    assert.deepEqual(await xps.signAsync('ed25519', sk, msg), theirSig)
    assert.equal(xps.verify('ed25519', theirPk, msg, theirSig), true)
    assert.equal(await xps.verifyAsync('ed25519', theirPk, msg, theirSig), true)
    assert.equal(xps.verify('ed25519', theirPk, Buffer.concat([msg, Buffer.from('!')]), theirSig), false)
    // a fresh xpscrypto key, verified by node:crypto
    const ours = xps.SigningKey.generate('ed25519')
    const sig = ours.sign(msg)
    const peer = pubKey(ED_SPKI, ours.publicKey())
    assert.equal(crypto.verify(null, msg, peer, sig), true, `size ${size}`)
    const bad = Buffer.from(sig)
    bad[63] ^= 1
    assert.equal(crypto.verify(null, msg, peer, bad), false)
  }
})

test('X25519: Diffie-Hellman both ways with node:crypto', () => {
  for (let i = 0; i < 8; i++) {
    const aSeed = rnd(32)
    const a = xps.kemKeypair('x25519', aSeed)
    const theirA = privKey(X_PKCS8, aSeed)
    assert.deepEqual(a.publicKey, rawPublic(crypto.createPublicKey(theirA)))
    const bob = crypto.generateKeyPairSync('x25519')
    const bobPk = rawPublic(bob.publicKey)
    const shared = crypto.diffieHellman({ privateKey: bob.privateKey, publicKey: pubKey(X_SPKI, a.publicKey) })
    assert.deepEqual(xps.kemDecapsulate('x25519', a.secretKey, bobPk), shared)
    assert.deepEqual(new xps.DecapsulationKey('x25519', a.secretKey).decapsulate(bobPk), shared)
    assert.deepEqual(crypto.diffieHellman({ privateKey: theirA, publicKey: bob.publicKey }), shared)
    // ephemeral DH towards bob: kemEncapsulate's ciphertext is the ephemeral public key
    const { ciphertext: eph, sharedSecret: ss } = xps.kemEncapsulate('x25519', bobPk)
    assert.deepEqual(crypto.diffieHellman({ privateKey: bob.privateKey, publicKey: pubKey(X_SPKI, eph) }), ss)
    // derandomized: the seed is the ephemeral scalar
    const eSeed = rnd(32)
    const det = xps.kemEncapsulate('x25519', bobPk, eSeed)
    assert.deepEqual(det.ciphertext, rawPublic(crypto.createPublicKey(privKey(X_PKCS8, eSeed))))
    assert.deepEqual(det.sharedSecret, crypto.diffieHellman({ privateKey: privKey(X_PKCS8, eSeed), publicKey: bob.publicKey }))
  }
})
