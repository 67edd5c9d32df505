'use strict'
// Node benchmark: per-call cost at 64 B and throughput at 16 KiB against node:crypto in the same run,
// and the binding's overhead against the Rust core (looped in Rust in this process, same output kind:
// a new buffer per call). Prints Markdown for BENCHMARKS.md. Run: scripts/node-bench.sh
const crypto = require('node:crypto')
const xps = require('..')

function perCall(fn, minTime = 0.3, repeats = 5) {
  let n = 1
  for (;;) {
    const t = process.hrtime.bigint()
    for (let i = 0; i < n; i++) fn()
    if (Number(process.hrtime.bigint() - t) / 1e9 > minTime / 5) break
    n *= 4
  }
  const samples = []
  for (let r = 0; r < repeats; r++) {
    const t = process.hrtime.bigint()
    for (let i = 0; i < n; i++) fn()
    samples.push(Number(process.hrtime.bigint() - t) / 1e9 / n)
  }
  samples.sort((a, b) => a - b)
  return samples[Math.floor(samples.length / 2)]
}

function core(op, size, reuse = false) {
  const iters = Math.max(1000, Math.floor(2e8 / Math.max(size, 64)))
  xps._benchCore(op, size, Math.floor(iters / 10), reuse)
  const s = []
  for (let r = 0; r < 5; r++) s.push(xps._benchCore(op, size, iters, reuse) / iters)
  s.sort((a, b) => a - b)
  return s[2]
}

const ns = (s) => `${(s * 1e9).toLocaleString('en-US', { maximumFractionDigits: 0 })} ns`
function row(name, size, ours, peer, coreT) {
  const mbs = ((size / ours) / 1e6).toLocaleString('en-US', { maximumFractionDigits: 0 })
  return `| ${name} | ${size} | ${ns(ours)} · ${mbs} MB/s | ${peer ? `${ns(peer)} (${(peer / ours).toFixed(2)}×)` : '—'} | ${coreT ? `${ns(coreT)} (${(ours / coreT).toFixed(3)})` : '—'} |`
}

const key = crypto.randomBytes(32)
const nonce = crypto.randomBytes(12)
const box = new xps.AeadKey('aes-256-gcm', key)
const cbox = new xps.AeadKey('chacha20-poly1305', key)

function nodeSeal(alg, data) {
  const c = crypto.createCipheriv(alg, key, nonce, { authTagLength: 16 })
  return Buffer.concat([c.update(data), c.final(), c.getAuthTag()])
}

console.log(`xpscrypto ${xps.version()} · Node ${process.version} (OpenSSL ${process.versions.openssl}) · CPU: ${xps.cpuFeatures().join(' ')}\n`)
console.log('| op | bytes | xpscrypto | node:crypto (peer/ours) | Rust core, same output kind (ours/core) |')
console.log('|---|---|---|---|---|')
for (const size of [64, 16384]) {
  const data = crypto.randomBytes(size)
  console.log(row('aes-256-gcm seal (AeadKey)', size, perCall(() => box.encrypt(nonce, data)), perCall(() => nodeSeal('aes-256-gcm', data)), core('aes-256-gcm', size)))
  const out = Buffer.alloc(size + 16)
  console.log(row('aes-256-gcm encryptInto (reused buffer; core: reused too)', size, perCall(() => box.encryptInto(nonce, data, out)), null, core('aes-256-gcm', size, true)))
  console.log(row('aes-256-gcm seal (flat aeadSeal)', size, perCall(() => xps.aeadSeal('aes-256-gcm', key, nonce, data)), perCall(() => nodeSeal('aes-256-gcm', data)), null))
  console.log(row('chacha20-poly1305 seal (AeadKey)', size, perCall(() => cbox.encrypt(nonce, data)), perCall(() => nodeSeal('chacha20-poly1305', data)), core('chacha20-poly1305', size)))
  console.log(row('sha256', size, perCall(() => xps.hash('sha256', data)), perCall(() => crypto.createHash('sha256').update(data).digest()), core('sha256', size)))
  console.log(row('sha3-256', size, perCall(() => xps.hash('sha3-256', data)), perCall(() => crypto.createHash('sha3-256').update(data).digest()), core('sha3-256', size)))
}
