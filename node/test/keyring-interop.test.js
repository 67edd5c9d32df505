'use strict'
// The cross-language keyring fixture tests/interop/keyring: interop.xpk (a keyring file under the
// raw key kek_hex) and envelopes.json (envelopes and signatures written by each language's
// generator — Rust, C, Python, Node). Node opens every entry, whoever wrote it, and refuses it
// under another aad or message. The Node entries are written by scripts/write-interop.js.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const xps = require('..')
const { REPO } = require('./helpers')
const { format, merge } = require('../scripts/write-interop.js')

const DIR = path.join(REPO, 'tests', 'interop', 'keyring')
const DOC = JSON.parse(fs.readFileSync(path.join(DIR, 'envelopes.json'), 'utf8'))
const hx = (s) => Buffer.from(s, 'hex')

/** A keyring opened from a copy of the fixture (decrypting may refresh; encrypting writes leases). */
function openCopy() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xps-node-interop-'))
  const copy = path.join(tmp, 'interop.xpk')
  fs.copyFileSync(path.join(DIR, 'interop.xpk'), copy)
  const kr = xps.Keyring.open(copy, { rawKey: hx(DOC.kek_hex) })
  return { kr, cleanup: () => { kr.close(); fs.rmSync(tmp, { recursive: true, force: true }) } } // prettier-ignore
}

test('every entry of envelopes.json opens in Node, whichever language wrote it', () => {
  const { kr, cleanup } = openCopy()
  try {
    const from = new Set()
    for (const e of DOC.entries) {
      const where = `${e.from} ${e.kind} ${e.key}`
      from.add(e.from)
      const env = hx(e.envelope_hex)
      if (e.kind === 'aead') {
        const aad = hx(e.aad_hex)
        assert.deepEqual(kr.decrypt(env, aad), hx(e.plaintext_hex), where)
        assert.throws(() => kr.decrypt(env, Buffer.concat([aad, Buffer.from('!')])), (err) => err instanceof xps.AuthenticationError && err.status === 201, where)
        assert.equal(env.readUInt32BE(11 + env[10]) >= 1, true)
      } else if (e.kind === 'signature') {
        const msg = hx(e.message_hex)
        kr.verify(env, msg)
        assert.throws(() => kr.verify(env, Buffer.concat([msg, Buffer.from('!')])), (err) => err instanceof xps.XpsError && err.status === 202, where)
      } else {
        assert.fail(`unknown kind ${e.kind} (${where})`)
      }
    }
    assert.ok(from.has('rust'), [...from].join(','))
    assert.ok(from.has('node'), 'the Node entries are missing: run node scripts/write-interop.js')
  } finally {
    cleanup()
  }
})

test('the fixture keeps its keys and the committed keyring file is never changed by the suite', () => {
  const before = fs.readFileSync(path.join(DIR, 'interop.xpk'))
  const { kr, cleanup } = openCopy()
  try {
    assert.deepEqual(kr.list().map((k) => [k.name, k.versions.map((v) => v.alg)]), [
      ['interop-aes', ['aes-256-gcm', 'aes-256-gcm']],
      ['interop-xchacha', ['xchacha20-poly1305']],
      ['interop-sign', ['ed25519']],
      ['interop-mac', ['hmac-sha256']],
    ])
    // A fresh envelope from this copy opens too (and only touches the copy).
    const env = kr.encrypt('interop-aes', Buffer.from('x'), Buffer.from('y'))
    assert.deepEqual(kr.decrypt(env, Buffer.from('y')), Buffer.from('x'))
  } finally {
    cleanup()
  }
  assert.deepEqual(fs.readFileSync(path.join(DIR, 'interop.xpk')), before)
  assert.ok(!fs.existsSync(path.join(DIR, 'interop.xpk.lock')), 'no lock file left beside the committed keyring')
})

test('envelopes.json is in the shared format; the generator replaces only the Node entries', () => {
  const text = fs.readFileSync(path.join(DIR, 'envelopes.json'), 'utf8')
  assert.equal(format(JSON.parse(text)), text, '2-space indent, sorted keys, trailing newline')
  const fresh = [{ from: 'node', kind: 'signature', key: 'k', message_hex: '', envelope_hex: '00' }]
  const doc = { about: 'a', kek_hex: '00', entries: [{ from: 'rust', n: 1 }, { from: 'node', n: 2 }, { from: 'python', n: 3 }, { from: 'node', n: 4 }] }
  assert.deepEqual(merge(doc, fresh).entries.map((e) => e.from), ['rust', 'node', 'python'])
  assert.deepEqual(merge({ ...doc, entries: [{ from: 'c' }] }, fresh).entries.map((e) => e.from), ['c', 'node'])
  assert.equal(format({ b: 1, a: { d: [{ z: 1, y: 2 }], c: '' } }), '{\n  "a": {\n    "c": "",\n    "d": [\n      {\n        "y": 2,\n        "z": 1\n      }\n    ]\n  },\n  "b": 1\n}\n')
})
