// A short tour of xpscrypto from Node.js: hashes, AEAD, KDFs, signatures, KEMs, dispatch.
// (Inside the repository the package is ../../node; elsewhere: require('xpscrypto').)
'use strict'
const xps = require('../../node')

async function main() {
  console.log(`xpscrypto ${xps.version()} · CPU features: ${xps.cpuFeatures().join(' ') || '(portable)'}`)

  // Hashes: Uint8Array/Buffer in, Buffer out; streaming objects fork with copy().
  console.log('sha256("abc")   =', xps.hash('sha256', Buffer.from('abc')).toString('hex'))
  const h = new xps.Hash('blake3').update(Buffer.from('hello ')).update(new TextEncoder().encode('world'))
  console.log('blake3 stream   =', h.digest().toString('hex'), `(kernel ${h.kernel})`)

  // AEAD with a key object (schedule computed once; key in secure memory, wiped by destroy()).
  const key = new xps.AeadKey('xchacha20-poly1305', xps.randomBytes(32))
  const nonce = xps.randomBytes(xps.aeadNoncebytes('xchacha20-poly1305'))
  const ct = key.encrypt(nonce, Buffer.from('attack at dawn'), Buffer.from('v1'))
  console.log('round trip      =', key.decrypt(nonce, ct, Buffer.from('v1')).toString())
  try {
    key.decrypt(nonce, ct, Buffer.from('v2'))
  } catch (e) {
    if (e instanceof xps.AuthenticationError) console.log('tampered aad    ->', e.code, e.status)
  }
  key.destroy()

  // Password hashing on the libuv pool: the event loop keeps running.
  const derived = await xps.argon2idAsync(Buffer.from('correct horse'), Buffer.from('NaCl-salt-16byte'), 2, 19 * 1024, 1, 32)
  console.log('argon2id        =', derived.toString('hex').slice(0, 32), '…')

  // Post-quantum signature and key exchange.
  const { publicKey, secretKey } = await xps.signKeypairAsync('ml-dsa-65')
  const sig = await xps.signAsync('ml-dsa-65', secretKey, Buffer.from('release 1.0'), { context: Buffer.from('tour') })
  console.log('ml-dsa-65       : signature', sig.length, 'bytes, valid =', xps.verify('ml-dsa-65', publicKey, Buffer.from('release 1.0'), sig, { context: Buffer.from('tour') }))
  const kp = xps.kemKeypair('x-wing')
  const { ciphertext, sharedSecret } = xps.kemEncapsulate('x-wing', kp.publicKey)
  console.log('x-wing          : agreed =', xps.kemDecapsulate('x-wing', kp.secretKey, ciphertext).equals(sharedSecret))

  for (const op of xps.dispatchInfo().slice(0, 3)) console.log(`dispatch        : ${op.op.padEnd(24)} -> ${op.active}`)
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
