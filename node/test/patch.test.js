'use strict'
// Hot-patch from Node, end to end with a real patch module: the example C SHA-256 kernel
// (examples/patch/c-sha256/sha256_patch.c) is compiled with the system C compiler ($CC, default
// cc), its manifest is signed with an Ed25519 key made by this package, then verified, applied,
// rolled back and refused when tampered with. The port of python/tests/test_patch.py. Every test
// leaves no patch applied, also on failure.

const { test, before, beforeEach, afterEach, after } = require('node:test')
const assert = require('node:assert/strict')
const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const nodeCrypto = require('node:crypto')

const xps = require('..')

const ROOT = path.resolve(__dirname, '..', '..')
const SOURCE = path.join(ROOT, 'examples', 'patch', 'c-sha256', 'sha256_patch.c')
const OP = 'hash.sha256'
const KERNEL = 'sha256/c-portable'

const sha256 = (b) => nodeCrypto.createHash('sha256').update(b).digest()
const json = (v) => Buffer.from(JSON.stringify(v))

let tmp
let kit // { payload, publicKey, secretKey, trustStore }

function compilePatch(out) {
  const cc = (process.env.CC || 'cc').split(/\s+/).filter(Boolean)
  const args = [...cc.slice(1), '-std=c11', '-O2', '-shared', '-fPIC', `-I${path.join(ROOT, 'include')}`, '-o', out, SOURCE]
  const r = spawnSync(cc[0], args, { encoding: 'utf8' })
  if (r.error) assert.fail(`no C compiler: cannot run ${JSON.stringify(cc[0])} (${r.error.code}); set $CC. The hot-patch tests build ${path.basename(SOURCE)} with it`)
  if (r.status !== 0) assert.fail(`compiling the patch module failed (${cc.join(' ')} ${args.join(' ')}):\n${r.stderr}`)
  return fs.readFileSync(out)
}

function trustStoreFor(signers, threshold = 1, allowUnsigned = false) {
  return json({ format: 'xpscrypto-trust-store/1', min_required_signatures: threshold, allow_unsigned: allowUnsigned, signers })
}

function manifestFor(payload, { id = 'c-sha256', version = 1 } = {}) {
  return json({
    format: 'xpscrypto-patch-manifest/1',
    id,
    version,
    kernel_abi: xps.kernelAbiVersion(),
    ops: [OP],
    payload: { name: 'lib.so', size: payload.length, sha256: xps.hash('sha256', payload).toString('hex') },
    created: Math.floor(Date.now() / 1000),
  })
}

const signed = (opts) => xps.patchSignManifest(manifestFor(kit.payload, opts), 'alice', kit.secretKey)
const activeKernel = (op) => xps.dispatchInfo().find((o) => o.op === op).active

function rollBackEverything() {
  while (xps.patchApplied().length > 0) xps.patchRollback()
}

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xps-node-patch-'))
  const payload = compilePatch(path.join(tmp, 'lib.so'))
  const { publicKey, secretKey } = xps.signKeypair('ed25519')
  assert.equal(secretKey.length, 32) // the seed: the key format patchSignManifest takes
  kit = { payload, publicKey, secretKey, trustStore: trustStoreFor([{ name: 'alice', ed25519: publicKey.toString('hex'), ops: [OP] }]) }
})
beforeEach(rollBackEverything)
afterEach(() => {
  try {
    rollBackEverything()
  } finally {
    xps.patchSetAuditLog(null)
    xps.policySetAllowUnsignedPatchesForDevelopment(false)
  }
})
after(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
})

/** `fn` throws a PatchError with `status` (and the matching name). */
function throwsPatch(fn, status, code) {
  let err
  assert.throws(fn, (e) => {
    err = e
    return e instanceof xps.PatchError && e.status === status && (!code || e.code === code)
  })
  return err
}

test('sign and verify', () => {
  const m = signed()
  assert.deepEqual(JSON.parse(m).signatures.map((s) => s.signer), ['alice'])
  assert.equal(xps.patchVerify(m, kit.payload, kit.trustStore), undefined)
  xps.patchVerify(new Uint8Array(m), new Uint8Array(kit.payload), new Uint8Array(kit.trustStore))
  assert.equal(JSON.parse(xps.patchSignManifest(m, 'alice', kit.secretKey)).signatures.length, 1) // replaced
  const e = throwsPatch(() => xps.patchVerify(manifestFor(kit.payload), kit.payload, kit.trustStore), 505, 'XPS_E_PATCH_SIGNATURE')
  assert.equal(xps.patchStepName(e.status), 'signature')
})

test('apply switches the kernel; rollback restores it; a second rollback is 515', () => {
  const gen = xps.dispatchGeneration()
  const before = activeKernel(OP)
  assert.notEqual(before, KERNEL)
  const report = xps.patchApply(signed(), kit.payload, kit.trustStore)
  assert.deepEqual(report, {
    patchId: 'c-sha256',
    version: 1,
    ops: [OP],
    kernels: [{ op: OP, kernel: KERNEL }],
    signers: ['alice'],
    payloadSha256: sha256(kit.payload),
    previousGeneration: gen,
    newGeneration: gen + 1,
  })
  assert.ok(Buffer.isBuffer(report.payloadSha256))
  assert.equal(xps.dispatchGeneration(), gen + 1)
  assert.equal(activeKernel(OP), KERNEL)
  assert.equal(xps.dispatchActiveKernel(OP), KERNEL)
  assert.equal(new xps.Hash('sha256').kernel, KERNEL)
  for (const n of [0, 1, 55, 56, 63, 64, 65, 1000, 4096 + 7, 100003]) {
    const data = Buffer.alloc(n)
    for (let i = 0; i < n; i++) data[i] = (i * 7) & 0xff
    assert.deepEqual(xps.hash('sha256', data), sha256(data), String(n))
  }
  const h = new xps.Hash('sha256')
  for (const part of ['a'.repeat(10), 'b'.repeat(100), 'c'.repeat(1000)]) h.update(Buffer.from(part))
  assert.deepEqual(h.digest(), sha256(Buffer.from('a'.repeat(10) + 'b'.repeat(100) + 'c'.repeat(1000))))
  const key = Buffer.alloc(32, 'k')
  assert.deepEqual(xps.hmac('hmac-sha256', key, Buffer.from('msg')), nodeCrypto.createHmac('sha256', key).update('msg').digest())
  assert.deepEqual(xps.patchApplied(), [{ patchId: 'c-sha256', version: 1, ops: [OP] }])
  let last = xps.patchHistory().at(-1)
  assert.equal(last.action, 'apply')
  assert.deepEqual([last.patchId, last.version, last.previousGeneration, last.generation], ['c-sha256', 1, gen, gen + 1])
  assert.deepEqual([last.ops, last.active], [[OP], ['c-sha256']])
  assert.match(last.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)

  const back = xps.patchRollback()
  assert.deepEqual(back, {
    patchId: 'c-sha256',
    version: 1,
    ops: [OP],
    kernels: [],
    signers: ['alice'],
    payloadSha256: sha256(kit.payload),
    previousGeneration: gen + 1,
    newGeneration: gen + 2,
  })
  assert.equal(activeKernel(OP), before)
  assert.equal(xps.dispatchGeneration(), gen + 2)
  assert.deepEqual(xps.patchApplied(), [])
  last = xps.patchHistory().at(-1)
  assert.deepEqual([last.action, last.patchId, last.generation, last.active], ['rollback', 'c-sha256', gen + 2, []])
  throwsPatch(() => xps.patchRollback(), 515, 'XPS_E_NOTHING_TO_ROLLBACK')
  assert.equal(xps.patchStepName(515), null)
  assert.equal(xps.dispatchGeneration(), gen + 2)
})

test('a payload with one bit flipped is refused at the digest step (506), nothing changes', () => {
  const m = signed()
  const bad = Buffer.from(kit.payload)
  bad[bad.length >> 1] ^= 0x10
  const gen = xps.dispatchGeneration()
  const before = activeKernel(OP)
  for (const fn of [xps.patchVerify, xps.patchApply]) {
    const e = throwsPatch(() => fn(m, bad, kit.trustStore), 506, 'XPS_E_PATCH_DIGEST')
    assert.match(e.message, /digest/)
    assert.equal(e.category, 5)
  }
  assert.equal(xps.patchStepName(506), 'digest')
  assert.equal(xps.dispatchGeneration(), gen)
  assert.equal(activeKernel(OP), before)
  assert.deepEqual(xps.patchApplied(), [])
})

test('a manifest signed with the wrong key is refused (505)', () => {
  const mallory = xps.signKeypair('ed25519').secretKey
  throwsPatch(() => xps.patchApply(xps.patchSignManifest(manifestFor(kit.payload), 'alice', mallory), kit.payload, kit.trustStore), 505)
  assert.deepEqual(xps.patchApplied(), [])
})

test('no silent downgrade; allowDowngrade applies an older version on top', () => {
  xps.patchApply(signed({ version: 2 }), kit.payload, kit.trustStore)
  const gen = xps.dispatchGeneration()
  const old = signed({ id: 'c-sha256-old', version: 1 })
  const e = throwsPatch(() => xps.patchApply(old, kit.payload, kit.trustStore), 508, 'XPS_E_PATCH_DOWNGRADE')
  assert.equal(xps.patchStepName(e.status), 'policy')
  throwsPatch(() => xps.patchApply(old, kit.payload, kit.trustStore, { allowDowngrade: false }), 508)
  assert.equal(xps.dispatchGeneration(), gen)
  assert.equal(xps.patchApply(old, kit.payload, kit.trustStore, { allowDowngrade: true }).newGeneration, gen + 1)
  assert.deepEqual(xps.patchApplied().map((p) => p.patchId), ['c-sha256', 'c-sha256-old'])
  assert.deepEqual(xps.patchHistory().at(-1).active, ['c-sha256', 'c-sha256-old'])
  assert.equal(xps.patchRollback().patchId, 'c-sha256-old')
  assert.equal(activeKernel(OP), KERNEL) // the patch below is active again
  assert.equal(xps.patchRollback().patchId, 'c-sha256')
})

test('the audit log gets one JSON line for an apply', () => {
  const log = path.join(tmp, 'audit.jsonl')
  xps.patchSetAuditLog(log)
  xps.patchApply(signed(), kit.payload, kit.trustStore)
  const lines = fs.readFileSync(log, 'utf8').split('\n').filter(Boolean)
  assert.equal(lines.length, 1)
  const rec = JSON.parse(lines[0])
  assert.deepEqual([rec.action, rec.result, rec.patch_id, rec.signers], ['apply', 'ok', 'c-sha256', ['alice']])
  assert.equal(rec.payload_sha256, sha256(kit.payload).toString('hex'))
  assert.equal(rec.new_generation, rec.previous_generation + 1)
  xps.patchRollback()
  assert.deepEqual(fs.readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).action), ['apply', 'rollback'])
  const other = path.join(tmp, 'other.jsonl')
  xps.patchSetAuditLog(other)
  throwsPatch(() => xps.patchRollback(), 515)
  assert.equal(JSON.parse(fs.readFileSync(other, 'utf8')).result, 'rejected')
  xps.patchSetAuditLog(null)
  xps.patchSetAuditLog(undefined)
  for (const bad of ['', 'a\0b']) {
    assert.throws(() => xps.patchSetAuditLog(bad), (e) => e instanceof xps.InvalidInputError && e.status === 111)
  }
})

test('patchApplyAsync applies on the libuv pool and refuses an AbortSignal', async () => {
  const gen = xps.dispatchGeneration()
  const p = xps.patchApplyAsync(signed(), kit.payload, kit.trustStore, { allowDowngrade: false })
  assert.ok(p instanceof Promise)
  const r = await p
  assert.deepEqual([r.patchId, r.kernels, r.newGeneration], ['c-sha256', [{ op: OP, kernel: KERNEL }], gen + 1])
  assert.equal(activeKernel(OP), KERNEL)
  await assert.rejects(xps.patchApplyAsync(signed(), kit.payload, kit.trustStore), (e) => e instanceof xps.PatchError && e.status === 508)
  const bad = Buffer.from(kit.payload)
  bad[100] ^= 1
  await assert.rejects(xps.patchApplyAsync(signed(), bad, kit.trustStore, { allowDowngrade: true }), (e) => e instanceof xps.PatchError && e.status === 506)
  assert.throws(() => xps.patchApplyAsync(signed(), kit.payload, kit.trustStore, {}, new AbortController().signal), TypeError)
  assert.equal(xps.dispatchGeneration(), gen + 1)
})

test('ML-DSA-65 co-signature', () => {
  const ml = xps.signKeypair('ml-dsa-65')
  const trust = trustStoreFor([{ name: 'alice', ed25519: kit.publicKey.toString('hex'), ml_dsa_65: ml.publicKey.toString('hex'), ops: ['*'] }])
  const m = manifestFor(kit.payload)
  throwsPatch(() => xps.patchVerify(xps.patchSignManifest(m, 'alice', kit.secretKey), kit.payload, trust), 505) // ML-DSA-65 required too
  const both = xps.patchSignManifest(m, 'alice', kit.secretKey, { mlDsa65SecretKey: ml.secretKey })
  assert.ok('ml_dsa_65' in JSON.parse(both).signatures[0])
  xps.patchVerify(both, kit.payload, trust)
})

test('unsigned patches need the development switch', () => {
  const trust = trustStoreFor([], 0, true)
  assert.equal(xps.policyAllowUnsignedPatchesForDevelopment(), false)
  throwsPatch(() => xps.patchVerify(manifestFor(kit.payload), kit.payload, trust), 507, 'XPS_E_PATCH_POLICY')
  xps.policySetAllowUnsignedPatchesForDevelopment(true)
  assert.equal(xps.policyAllowUnsignedPatchesForDevelopment(), true)
  xps.patchVerify(manifestFor(kit.payload), kit.payload, trust)
})

test('bad arguments: non-bytes → TypeError, options checked, malformed JSON → 504', () => {
  const good = [signed(), kit.payload, kit.trustStore]
  for (const fn of [xps.patchApply, xps.patchApplyAsync]) {
    for (let at = 0; at < 3; at++) {
      for (const bad of ['text', 7, undefined, null, [1, 2], new ArrayBuffer(8)]) {
        const args = [...good]
        args[at] = bad
        assert.throws(() => fn(...args), (e) => e instanceof TypeError && e.code === 'ERR_INVALID_ARG_TYPE', `${fn.name} arg ${at} = ${String(bad)}`)
      }
    }
    assert.throws(() => fn(...good, 'yes'), TypeError)
    assert.throws(() => fn(...good, { allowDowngrade: 'yes' }), TypeError)
  }
  const e = throwsPatch(() => xps.patchApply(Buffer.from('{}'), kit.payload, kit.trustStore), 504, 'XPS_E_PATCH_MALFORMED')
  assert.equal(xps.patchStepName(e.status), 'parse')
  throwsPatch(() => xps.patchSignManifest(Buffer.from('not json'), 'alice', kit.secretKey), 504)
  assert.throws(() => xps.patchSignManifest(manifestFor(kit.payload), 'alice', kit.secretKey.subarray(0, 31)), (err) => err instanceof xps.InvalidInputError && err.code === 'XPS_E_BAD_KEY_LENGTH')
  assert.deepEqual(xps.patchApplied(), [])
})

test('calls made while patches are applied and rolled back stay correct', async () => {
  const data = Buffer.alloc(256 * 9)
  for (let i = 0; i < data.length; i++) data[i] = i & 0xff
  const want = sha256(data)
  const m = signed()
  let stop = false
  let n = 0
  // Async hashes on the libuv pool run while the JS thread swaps tables.
  const workers = Array.from({ length: 3 }, async () => {
    while (!stop) {
      assert.deepEqual(await xps.hashAsync('sha256', data), want)
      n++
    }
  })
  for (let i = 0; i < 3; i++) {
    await xps.patchApplyAsync(m, kit.payload, kit.trustStore, { allowDowngrade: true })
    await new Promise((r) => setImmediate(r))
    xps.patchRollback()
  }
  stop = true
  await Promise.all(workers)
  assert.ok(n > 0)
})
