#!/usr/bin/env node
// Writes the Node entries of the cross-language keyring fixture tests/interop/keyring/envelopes.json
// (run by hand, the result committed): an envelope under interop-aes and one under
// interop-xchacha ("node says hello", aad "interop/node") and a signature by interop-sign, made
// with a COPY of interop.xpk (encrypting writes use leases to the file; the committed keyring is
// never rotated or rewritten). Only the `"from": "node"` entries are replaced: the file is re-read
// right before writing (other languages' generators write it too), and written in the Rust
// writer's format (2-space indent, keys sorted at every level, trailing newline).
//
//   node scripts/write-interop.js [path/to/tests/interop/keyring]
'use strict'
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const DEFAULT_DIR = path.resolve(__dirname, '..', '..', 'tests', 'interop', 'keyring')

/** `v` with the keys of every object sorted (arrays keep their order). */
function sortKeys(v) {
  if (Array.isArray(v)) return v.map(sortKeys)
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]))
  return v
}

/** The fixture text in the Rust writer's format. */
function format(doc) {
  return `${JSON.stringify(sortKeys(doc), null, 2)}\n`
}

/** `doc` with its "node" entries replaced by `entries` (where the first old one was, else at the end). */
function merge(doc, entries) {
  const old = doc.entries
  const at = old.findIndex((e) => e.from === 'node')
  const others = old.filter((e) => e.from !== 'node')
  const pos = at < 0 ? others.length : old.slice(0, at).filter((e) => e.from !== 'node').length
  return { ...doc, entries: [...others.slice(0, pos), ...entries, ...others.slice(pos)] }
}

/** Fresh Node entries made with a copy of `dir`/interop.xpk. */
function makeEntries(dir) {
  const { Keyring } = require('..')
  const doc = JSON.parse(fs.readFileSync(path.join(dir, 'envelopes.json'), 'utf8'))
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xps-interop-node-'))
  try {
    const copy = path.join(tmp, 'interop.xpk')
    fs.copyFileSync(path.join(dir, 'interop.xpk'), copy)
    const kr = Keyring.open(copy, { rawKey: Buffer.from(doc.kek_hex, 'hex') })
    const hex = (b) => Buffer.from(b).toString('hex')
    const aead = (key, pt, aad) => ({ from: 'node', kind: 'aead', key, plaintext_hex: hex(pt), aad_hex: hex(aad), envelope_hex: hex(kr.encrypt(key, pt, aad)) })
    const msg = Buffer.from('signed by node')
    const entries = [
      aead('interop-aes', Buffer.from('node says hello'), Buffer.from('interop/node')),
      aead('interop-xchacha', Buffer.from('node says hello'), Buffer.from('interop/node')),
      { from: 'node', kind: 'signature', key: 'interop-sign', message_hex: hex(msg), envelope_hex: hex(kr.sign('interop-sign', msg)) },
    ]
    // Check them before writing: they open with the committed keyring's material.
    for (const e of entries) {
      const env = Buffer.from(e.envelope_hex, 'hex')
      if (e.kind === 'aead') {
        if (!kr.decrypt(env, Buffer.from(e.aad_hex, 'hex')).equals(Buffer.from(e.plaintext_hex, 'hex'))) throw new Error('round trip failed')
      } else {
        kr.verify(env, msg)
      }
    }
    kr.close()
    return entries
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true })
  }
}

function main() {
  const dir = path.resolve(process.argv[2] || DEFAULT_DIR)
  const entries = makeEntries(dir)
  const file = path.join(dir, 'envelopes.json')
  // Re-read right before writing: another generator may have written meanwhile.
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'))
  const text = format(merge(doc, entries))
  const tmp = `${file}.tmp.${process.pid}`
  fs.writeFileSync(tmp, text)
  fs.renameSync(tmp, file)
  console.log(`wrote ${entries.length} node entries to ${file}`)
}

module.exports = { sortKeys, format, merge }
if (require.main === module) main()
