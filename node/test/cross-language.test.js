'use strict'
// Cross-language: a file sealed by examples/python/file_encrypt.py opens with
// examples/node/file_encrypt.js and vice versa (both run as child processes, password from
// XPS_PASSWORD); a tampered or truncated file fails to decrypt (exit code 1) and the partial
// output file is removed.
//
// The Python interpreter: $XPS_PYTHON, else /work/main/.venv-py/bin/python, else
// <repo>/.venv-py/bin/python (relative to this file), else /tmp/venv/bin/python; the tests are
// skipped (with the reason) when none of them can `import xpscrypto`.

const { test, after } = require('node:test')
const assert = require('node:assert/strict')
const { spawnSync } = require('node:child_process')
const crypto = require('node:crypto')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const { REPO } = require('./helpers')

const NODE_EXAMPLE = path.join(REPO, 'examples', 'node', 'file_encrypt.js')
const PY_EXAMPLE = path.join(REPO, 'examples', 'python', 'file_encrypt.py')
const PASSWORD = 'correct horse battery staple ✓'
const HEADER = 52
const CHUNK = 64 * 1024

/** The first candidate interpreter that can import xpscrypto, or { skip: reason }. */
function findPython() {
  const candidates = []
  if (process.env.XPS_PYTHON) candidates.push(process.env.XPS_PYTHON)
  candidates.push('/work/main/.venv-py/bin/python', path.join(REPO, '.venv-py', 'bin', 'python'), '/tmp/venv/bin/python')
  const tried = []
  for (const py of [...new Set(candidates)]) {
    if (!fs.existsSync(py)) {
      tried.push(`${py} (missing)`)
      continue
    }
    const r = spawnSync(py, ['-c', 'import xpscrypto'], { encoding: 'utf8', timeout: 60000 })
    if (r.status === 0) return { python: py }
    tried.push(`${py} (import xpscrypto failed: ${(r.stderr || String(r.error || '')).trim().split('\n').pop()})`)
  }
  return { skip: `no Python interpreter with xpscrypto: tried ${tried.join('; ')} (set XPS_PYTHON)` }
}

const found = findPython()
const skip = found.skip || false
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xps-xlang-'))
after(() => fs.rmSync(tmp, { recursive: true, force: true }))

function runExample(lang, mode, input, output, password = PASSWORD) {
  const [cmd, args] = lang === 'python' ? [found.python, [PY_EXAMPLE, mode, input, output]] : [process.execPath, [NODE_EXAMPLE, mode, input, output]]
  const r = spawnSync(cmd, args, { env: { ...process.env, XPS_PASSWORD: password }, encoding: 'utf8', timeout: 120000 })
  assert.equal(r.error, undefined, `${lang} ${mode}: ${r.error}`)
  return r
}

function ok(lang, mode, input, output) {
  const r = runExample(lang, mode, input, output)
  assert.equal(r.status, 0, `${lang} ${mode} exited ${r.status}: ${r.stderr}`)
}

function file(name, data) {
  const p = path.join(tmp, name)
  fs.writeFileSync(p, data)
  return p
}

/** Checks the XPSF v1 layout: header, then ceil(n / 64 KiB) chunks (one when empty), each + 16. */
function checkLayout(sealedPath, n) {
  const sealed = fs.readFileSync(sealedPath)
  assert.deepEqual(sealed.subarray(0, 4), Buffer.from('XPSF'))
  assert.equal(sealed[4], 1)
  const chunks = Math.max(1, Math.ceil(n / CHUNK))
  assert.equal(sealed.length, HEADER + n + 16 * chunks)
  return sealed
}

test('Python-sealed files open with the Node example', { skip }, () => {
  for (const n of [3 * CHUNK + 123, 0]) {
    const plain = file(`py-plain-${n}`, crypto.randomBytes(n))
    const sealed = path.join(tmp, `py-sealed-${n}`)
    const opened = path.join(tmp, `py-opened-by-node-${n}`)
    ok('python', 'encrypt', plain, sealed)
    checkLayout(sealed, n)
    ok('node', 'decrypt', sealed, opened)
    assert.deepEqual(fs.readFileSync(opened), fs.readFileSync(plain), `size ${n}`)
  }
})

test('Node-sealed files open with the Python example', { skip }, () => {
  for (const n of [2 * CHUNK, 1]) {
    const plain = file(`node-plain-${n}`, crypto.randomBytes(n))
    const sealed = path.join(tmp, `node-sealed-${n}`)
    const opened = path.join(tmp, `node-opened-by-py-${n}`)
    ok('node', 'encrypt', plain, sealed)
    checkLayout(sealed, n)
    ok('python', 'decrypt', sealed, opened)
    assert.deepEqual(fs.readFileSync(opened), fs.readFileSync(plain), `size ${n}`)
  }
})

test('one tampered byte, a truncated file or a wrong password: decryption exits 1 and leaves no output', { skip }, () => {
  const n = CHUNK + 500
  const plain = file('t-plain', crypto.randomBytes(n))
  const sealedPy = path.join(tmp, 't-sealed-py')
  const sealedNode = path.join(tmp, 't-sealed-node')
  ok('python', 'encrypt', plain, sealedPy)
  ok('node', 'encrypt', plain, sealedNode)
  const cases = [
    // [label, sealed file, change, decrypting side]
    ['python-sealed, body byte flipped, node decrypts', sealedPy, (s) => (s[HEADER + 100] ^= 1), 'node'],
    ['node-sealed, body byte flipped, python decrypts', sealedNode, (s) => (s[HEADER + 100] ^= 1), 'python'],
    ['python-sealed, last tag byte flipped, node decrypts', sealedPy, (s) => (s[s.length - 1] ^= 0x80), 'node'],
    ['node-sealed, header (nonce prefix) byte flipped, python decrypts', sealedNode, (s) => (s[40] ^= 1), 'python'],
  ]
  for (const [i, [label, src, change, side]] of cases.entries()) {
    const bad = Buffer.from(fs.readFileSync(src))
    change(bad)
    const badPath = file(`bad-${i}`, bad)
    const out = path.join(tmp, `bad-out-${i}`)
    fs.writeFileSync(out, 'stale') // any previous content must not survive either
    const r = runExample(side, 'decrypt', badPath, out)
    assert.equal(r.status, 1, `${label}: exit ${r.status} ${r.stderr}`)
    assert.match(r.stderr, /failed/i, label)
    assert.equal(fs.existsSync(out), false, `${label}: output file left behind`)
  }
  // truncation: the last chunk dropped (the first one is not flagged last)
  const truncated = file('t-truncated', fs.readFileSync(sealedPy).subarray(0, HEADER + CHUNK + 16))
  for (const side of ['node', 'python']) {
    const out = path.join(tmp, `trunc-out-${side}`)
    const r = runExample(side, 'decrypt', truncated, out)
    assert.equal(r.status, 1, `truncated, ${side}: exit ${r.status} ${r.stderr}`)
    assert.equal(fs.existsSync(out), false, `truncated, ${side}: output file left behind`)
  }
  // wrong password
  const out = path.join(tmp, 'wrong-pw-out')
  const r = runExample('node', 'decrypt', sealedPy, out, 'not the password')
  assert.equal(r.status, 1, r.stderr)
  assert.equal(fs.existsSync(out), false)
  // the untouched files still open on both sides
  const good = path.join(tmp, 'good-out')
  ok('node', 'decrypt', sealedNode, good)
  assert.deepEqual(fs.readFileSync(good), fs.readFileSync(plain))
})
