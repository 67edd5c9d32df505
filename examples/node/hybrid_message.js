// A message to a recipient with hybrid post-quantum HPKE: X-Wing (X25519 + ML-KEM-768) as the KEM,
// HKDF-SHA256, ChaCha20-Poly1305 (draft-ietf-hpke-pq-05 code points), plus an exported secret.
'use strict'
const xps = require('../../node')

const suite = /** @type {const} */ ([xps.HPKE_KEM_X_WING, xps.HPKE_KDF_HKDF_SHA256, xps.HPKE_AEAD_CHACHA20_POLY1305])
const info = Buffer.from('demo v1')

// The recipient publishes its X-Wing public key.
const { publicKey, secretKey } = xps.hpkeKeypair(xps.HPKE_KEM_X_WING)

// Single shot…
const { enc, ciphertext } = xps.hpkeSeal(...suite, publicKey, Buffer.from('meet at the usual place'), { info, aad: Buffer.from('to: bob') })
console.log(`single shot : enc ${enc.length} bytes, ciphertext ${ciphertext.length} bytes`)
console.log('opened      :', xps.hpkeOpen(...suite, secretKey, enc, ciphertext, { info, aad: Buffer.from('to: bob') }).toString())

// …or a context for a sequence of messages and an exported key.
const sender = new xps.HpkeSender(...suite, publicKey, { info })
const msgs = ['first', 'second'].map((m) => sender.seal(Buffer.from(m)))
const recipient = new xps.HpkeRecipient(...suite, secretKey, sender.enc, { info })
console.log('context     :', msgs.map((m) => recipient.open(m).toString()))
const same = sender.export(Buffer.from('session key'), 32).equals(recipient.export(Buffer.from('session key'), 32))
console.log('exporter    : both sides derived the same 32-byte session key =', same)
if (!same) process.exit(1)
