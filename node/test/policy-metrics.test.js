'use strict'
// Policy (FIPS-like mode, allowed algorithms, hot-patch switch) and metrics (snapshot object,
// Prometheus text, reset) from Node. Both are process-wide: every test starts from the default
// policy and a metrics reset (node --test runs each file in its own process).

const { test, beforeEach, afterEach } = require('node:test')
const assert = require('node:assert/strict')
const { Worker } = require('node:worker_threads')

const xps = require('..')

beforeEach(() => {
  xps.policyReplace(xps.policyDefault())
  xps.metricsSetEnabled(true)
  xps.metricsReset()
})
afterEach(() => xps.policyReplace(xps.policyDefault()))

const totals = (op) =>
  xps.metrics().ops.filter((m) => m.op === op).reduce((t, m) => [t[0] + m.calls, t[1] + m.bytes, t[2] + m.failures], [0, 0, 0])

test('metrics: calls, bytes, failures per op and kernel', () => {
  const kernel = xps.dispatchActiveKernel('hash.sha256')
  for (let i = 0; i < 3; i++) xps.hash('sha256', Buffer.alloc(64, 7))
  const key = Buffer.alloc(32)
  const nonce = Buffer.alloc(12)
  const ct = xps.aeadSeal('aes-256-gcm', key, nonce, Buffer.alloc(100))
  ct[0] ^= 1
  assert.throws(() => xps.aeadOpen('aes-256-gcm', key, nonce, ct), xps.AuthenticationError)
  const m = xps.metrics()
  assert.deepEqual(m.ops.filter((e) => e.op === 'hash.sha256'), [{ op: 'hash.sha256', alg: 'sha256', kernel, calls: 3, bytes: 192, failures: 0 }])
  assert.deepEqual(totals('aead.aes-256-gcm.seal'), [1, 100, 0])
  assert.deepEqual(totals('aead.aes-256-gcm.open'), [1, 100, 1])
  assert.deepEqual(Object.keys(m.patchEvents).sort(), ['applied', 'rejected', 'rolledBack'])
  assert.deepEqual(Object.keys(m.keyringEvents).sort(), ['destroy', 'failed', 'generate', 'retire', 'revoke', 'rotate'])
  assert.equal(m.enabled, true)
  assert.equal(typeof m.mlockFailures, 'number')
  xps.metricsSetEnabled(false)
  xps.hash('sha256', Buffer.alloc(1))
  assert.deepEqual(totals('hash.sha256'), [3, 192, 0])
  assert.equal(xps.metricsEnabled(), false)
  xps.metricsSetEnabled(true)
  xps.metricsReset()
  assert.deepEqual(xps.metrics().ops, [])
})

test('metrics: calls from worker threads that ended are counted', async () => {
  const code = `const xps = require(${JSON.stringify(require.resolve('..'))}); for (let i = 0; i < 100; i++) xps.hash('sha3-256', Buffer.from('abc'))`
  await Promise.all([0, 1, 2].map(() => new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true })
    w.on('error', reject)
    w.on('exit', (c) => (c === 0 ? resolve() : reject(new Error(`worker exit ${c}`))))
  })))
  assert.deepEqual(totals('hash.sha3-256'), [300, 900, 0])
})

test('metrics: Prometheus text exposition', () => {
  const kernel = xps.dispatchActiveKernel('hash.sha256')
  xps.hash('sha256', Buffer.alloc(64))
  xps.hash('sha256', Buffer.alloc(64))
  const text = xps.metricsPrometheus()
  assert.ok(text.endsWith('\n'))
  const lines = text.trimEnd().split('\n')
  const families = []
  let current = null
  const sample = /^([a-z_]+)(\{([a-z_]+="(?:[^"\\\n]|\\["\\n])*")(,[a-z_]+="(?:[^"\\\n]|\\["\\n])*")*\})? (\d+)$/
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]
    if (l.startsWith('# HELP ')) {
      current = l.split(' ')[2]
      families.push(current)
      assert.equal(lines[i + 1], `# TYPE ${current} counter`)
    } else if (!l.startsWith('#')) {
      const m = sample.exec(l)
      assert.ok(m, `not a sample line: ${l}`)
      assert.equal(m[1], current, l)
    }
  }
  assert.deepEqual(families, ['xps_op_calls_total', 'xps_op_bytes_total', 'xps_op_failures_total', 'xps_selftest_runs_total',
    'xps_selftest_checks_total', 'xps_mlock_failures_total', 'xps_patch_events_total', 'xps_keyring_events_total'])
  assert.ok(lines.includes(`xps_op_calls_total{op="hash.sha256",alg="sha256",kernel="${kernel}"} 2`))
  assert.ok(lines.includes(`xps_op_bytes_total{op="hash.sha256",alg="sha256",kernel="${kernel}"} 128`))
  assert.ok(lines.includes('xps_keyring_events_total{kind="rotate"} 0'))
})

test('policy: FIPS mode refuses non-approved algorithms, naming the rule', () => {
  const key = Buffer.alloc(32)
  const handle = new xps.AeadKey('chacha20-poly1305', key)
  const before = xps.metrics().selftest.runsPassed
  xps.policySetFipsMode(true)
  assert.equal(xps.policyFipsMode(), true)
  assert.equal(xps.metrics().selftest.runsPassed, before + 1)
  const p = xps.policyGet()
  assert.equal(p.fipsMode, true)
  assert.equal(p.ctOnly, true)
  assert.equal(p.minHmacKeyBytes, 14)
  assert.throws(() => xps.aeadSeal('chacha20-poly1305', key, Buffer.alloc(12), Buffer.from('x')), (e) =>
    e instanceof xps.PolicyError && e.status === 301 && e.message.startsWith('policy: fips_mode forbids chacha20-poly1305 (not FIPS-approved'))
  assert.throws(() => handle.encrypt(Buffer.alloc(12), Buffer.from('x')), /fips_mode forbids chacha20-poly1305/)
  assert.throws(() => xps.kemKeypair('x25519'), /fips_mode forbids x25519/)
  assert.throws(() => xps.hash('blake3', Buffer.alloc(0)), xps.PolicyError)
  assert.throws(() => xps.hmac('hmac-sha256', Buffer.alloc(13), Buffer.alloc(0)), /min_hmac_key_bytes is 14/)
  assert.equal(xps.hash('sha3-256', Buffer.alloc(0)).length, 32)
  assert.equal(xps.fipsApproved('ml-dsa-65'), true)
  assert.equal(xps.fipsApproved('x-wing'), false)
  assert.deepEqual(xps.algorithms().filter(xps.policyAlgorithmAllowed), xps.algorithms().filter(xps.fipsApproved))
  assert.throws(() => xps.policySetCtOnly(false), xps.PolicyError)
  xps.policySetFipsMode(false)
  assert.equal(handle.decrypt(Buffer.alloc(12), handle.encrypt(Buffer.alloc(12), Buffer.from('x'))).toString(), 'x')
})

test('policy: get / replace / allowed algorithms / hot-patch switch', () => {
  const d = xps.policyDefault()
  assert.deepEqual(xps.policyGet(), d)
  assert.deepEqual(d.allowedAlgorithms, xps.algorithms())
  assert.equal(d.hotPatchAllowed, true)
  xps.policyReplace({ allowedAlgorithms: ['sha256'], minRsaBits: 3072 })
  assert.deepEqual(xps.policyGet().allowedAlgorithms, ['sha256'])
  assert.equal(xps.policyGet().minRsaBits, 3072)
  assert.throws(() => xps.hash('sha512', Buffer.alloc(0)), /policy: allowed_algorithms excludes sha512/)
  xps.policyAllowAlgorithm('sha512')
  assert.equal(xps.hash('sha512', Buffer.alloc(0)).length, 64)
  xps.policyAllowAlgorithm('sha512', false)
  assert.equal(xps.policyAlgorithmAllowed('sha512'), false)
  assert.throws(() => xps.policyReplace({ allowedAlgorithms: ['nope'] }), xps.InvalidInputError)
  xps.policyReplace({ isaMask: [] })
  assert.equal(xps.dispatchActiveKernel('hash.sha256'), 'sha256/portable')
  xps.policyReplace(xps.policyDefault())
  assert.deepEqual(xps.policyGet(), d, 'round trip through the feature names')
  xps.policySetHotPatchAllowed(false)
  assert.equal(xps.policyHotPatchAllowed(), false)
  assert.throws(() => xps.patchApply(Buffer.from('{}'), Buffer.alloc(0), Buffer.from('{}')), (e) => e instanceof xps.PatchError && e.status === 507 && /hot_patch_allowed/.test(e.message))
  assert.equal(xps.metrics().patchEvents.rejected, 1)
})

test('dispatch: autotune per size bucket (off by default; on, same bytes; off again, deterministic)', () => {
  const EDGES = [0, 64, 256, 257, 2048, 2049, 65536, 65537, 200000]
  const BUCKET = [0, 0, 0, 1, 1, 2, 2, 3, 3]
  if (process.env.XPS_AUTOTUNE) xps.dispatchSetAutotune(false) // the suite may run with XPS_AUTOTUNE set
  assert.equal(xps.dispatchAutotuneEnabled(), false)
  for (const o of xps.dispatchInfo()) {
    assert.deepEqual(o.bySize, [o.active, o.active, o.active, o.active])
    assert.deepEqual(o.tunedNs, {})
  }
  const msgs = EDGES.map((n) => Buffer.alloc(n, n & 0xff))
  const key = Buffer.alloc(32, 7), nonce = Buffer.alloc(12, 9)
  const run = () => msgs.map((m) => [xps.hash('sha256', m), xps.aeadSeal('aes-256-gcm', key, nonce, m), xps.aeadSeal('chacha20-poly1305', key, nonce, m)].map((x) => x.toString('hex')).join())
  const want = run()
  const gen = xps.dispatchGeneration()
  try {
    xps.dispatchSetAutotune(true)
    assert.equal(xps.dispatchAutotuneEnabled(), true)
    assert.ok(xps.dispatchGeneration() > gen)
    for (const o of xps.dispatchInfo()) {
      const available = o.candidates.filter((c) => c.available).map((c) => c.name)
      assert.ok(o.bySize.every((k) => available.includes(k)), o.op)
      assert.equal(o.active, o.bySize[3])
      for (const [k, ns] of Object.entries(o.tunedNs)) {
        assert.ok(available.includes(k) && ns.length === 4 && ns.every((t) => t > 0), o.op)
      }
      EDGES.forEach((n, i) => assert.equal(xps.dispatchKernelForSize(o.op, n), o.bySize[BUCKET[i]]))
    }
    assert.deepEqual(run(), want)
  } finally {
    xps.dispatchSetAutotune(false)
  }
  assert.equal(xps.dispatchAutotuneEnabled(), false)
  for (const o of xps.dispatchInfo()) assert.equal(xps.dispatchKernelForSize(o.op, 1e6), o.active)
})
