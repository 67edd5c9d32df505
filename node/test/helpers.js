'use strict'
// Shared helpers of the Node test suite: the repository's external vector files (read in place
// from tests/vectors, never copied), hex and NIST .rsp loaders, and status assertions.

const fs = require('node:fs')
const path = require('node:path')
const assert = require('node:assert/strict')

const xps = require('..')

const VECTORS = path.resolve(__dirname, '..', '..', 'tests', 'vectors')
const REPO = path.resolve(__dirname, '..', '..')

/** Status numbers of the C ABI (include/xpscrypto.h). */
const S = {
  INVALID_LENGTH: 102,
  BAD_KEY_LENGTH: 103,
  BAD_NONCE_LENGTH: 104,
  BAD_TAG_LENGTH: 105,
  BUFFER_TOO_SMALL: 106,
  OVERLAP: 107,
  UNKNOWN_ALGORITHM: 108,
  WRONG_ALGORITHM_FAMILY: 109,
  OUTPUT_TOO_LONG: 110,
  INVALID_PARAMETER: 111,
  INVALID_STATE: 113,
  INVALID_KEY: 114,
  AUTHENTICATION_FAILED: 201,
  BAD_SIGNATURE: 202,
  WEAK_PUBLIC_KEY: 203,
  OUT_OF_MEMORY: 402,
  UNKNOWN_OP: 501,
  UNKNOWN_KERNEL: 502,
}

/** Status number → C name, as the library reports them (checked against the header's numbers). */
const NAMES = {
  102: 'XPS_E_INVALID_LENGTH', 103: 'XPS_E_BAD_KEY_LENGTH', 104: 'XPS_E_BAD_NONCE_LENGTH',
  105: 'XPS_E_BAD_TAG_LENGTH', 106: 'XPS_E_BUFFER_TOO_SMALL', 107: 'XPS_E_OVERLAP',
  108: 'XPS_E_UNKNOWN_ALGORITHM', 109: 'XPS_E_WRONG_ALGORITHM_FAMILY', 110: 'XPS_E_OUTPUT_TOO_LONG',
  111: 'XPS_E_INVALID_PARAMETER', 113: 'XPS_E_INVALID_STATE', 114: 'XPS_E_INVALID_KEY',
  201: 'XPS_E_AUTHENTICATION_FAILED', 202: 'XPS_E_BAD_SIGNATURE', 203: 'XPS_E_WEAK_PUBLIC_KEY',
  402: 'XPS_E_OUT_OF_MEMORY', 501: 'XPS_E_UNKNOWN_OP', 502: 'XPS_E_UNKNOWN_KERNEL',
}

const jsonCache = new Map()

/** A JSON vector file under tests/vectors (cached: the files are read-only inputs). */
function loadJson(rel) {
  if (!jsonCache.has(rel)) {
    const file = path.join(VECTORS, rel)
    assert.ok(fs.existsSync(file), `vector file missing: ${file}`)
    jsonCache.set(rel, JSON.parse(fs.readFileSync(file, 'utf8')))
  }
  return jsonCache.get(rel)
}

/** A text vector file under tests/vectors. */
function loadText(rel) {
  const file = path.join(VECTORS, rel)
  assert.ok(fs.existsSync(file), `vector file missing: ${file}`)
  return fs.readFileSync(file, 'latin1')
}

/** Hex (any case, '' = empty) to a Buffer; refuses odd lengths and non-hex digits. */
function hx(s) {
  assert.equal(typeof s, 'string')
  assert.match(s, /^([0-9a-fA-F]{2})*$/, `not hex: ${s.slice(0, 40)}`)
  return Buffer.from(s, 'hex')
}

/** Optional hex field: a Buffer, or undefined when absent. */
function hxOpt(obj, key) {
  return key in obj ? hx(obj[key]) : undefined
}

/** [group, test] pairs of a Wycheproof or ACVP file (testGroups[].tests[]). */
function* wycheproofTests(doc) {
  for (const g of doc.testGroups) for (const t of g.tests) yield [g, t]
}

/**
 * Records of a NIST CAVP / PQC KAT .rsp file (CRLF tolerant; `[...]` headers and `#` comments
 * skipped; records separated by blank lines).
 */
function rspRecords(rel) {
  const out = []
  let cur = {}
  for (let line of loadText(rel).split(/\r?\n/)) {
    line = line.trim()
    if (!line || line.startsWith('#') || line.startsWith('[')) {
      if (!line && Object.keys(cur).length) {
        out.push(cur)
        cur = {}
      }
      continue
    }
    const eq = line.indexOf('=')
    if (eq >= 0) cur[line.slice(0, eq).trim()] = line.slice(eq + 1).trim()
  }
  if (Object.keys(cur).length) out.push(cur)
  return out
}

/** A readable name for an assertion message. */
function caseId(doc, t) {
  return `${doc} tcId ${t.tcId ?? t.id ?? '?'}`
}

/** The XpsError subclass a status is thrown as. */
function classOf(status) {
  return xps.errorClass(status)
}

function checkError(e, status, msg) {
  const where = msg ? `${msg}: ` : ''
  assert.ok(e instanceof xps.XpsError, `${where}expected an XpsError with status ${status}, got ${e && e.constructor && e.constructor.name}: ${e && e.message}`)
  assert.ok(e instanceof classOf(status), `${where}expected ${classOf(status).name}, got ${e.constructor.name}`)
  assert.equal(e.status, status, `${where}status ${e.status} (${e.code}: ${e.message}), expected ${status}`)
  if (NAMES[status]) assert.equal(e.code, NAMES[status], where)
  assert.equal(e.category, Math.trunc(status / 100))
  assert.ok(e instanceof Error)
  return e
}

/** `fn()` throws (synchronously) the XpsError subclass of `status` with that status and name. */
function expectStatus(status, fn, msg) {
  let thrown
  try {
    fn()
  } catch (e) {
    thrown = e
  }
  assert.ok(thrown !== undefined, `${msg ? msg + ': ' : ''}expected status ${status}, nothing was thrown`)
  return checkError(thrown, status, msg)
}

/** `fn()` returns a promise (it does not throw) that rejects with the class of `status`. */
async function rejectsStatus(status, fn, msg) {
  let p
  try {
    p = fn()
  } catch (e) {
    assert.fail(`${msg ? msg + ': ' : ''}threw synchronously (${e && e.constructor.name} ${e && e.code}) instead of returning a rejected promise`)
  }
  assert.ok(p instanceof Promise, `${msg || ''}: not a promise`)
  let rejected
  await p.then(
    () => {},
    (e) => {
      rejected = e
    },
  )
  assert.ok(rejected !== undefined, `${msg ? msg + ': ' : ''}expected a rejection with status ${status}, it resolved`)
  return checkError(rejected, status, msg)
}

/** `fn()` throws a TypeError with code ERR_INVALID_ARG_TYPE. */
function expectTypeError(fn, msg) {
  assert.throws(
    fn,
    (e) => {
      assert.ok(e instanceof TypeError, `${msg || ''}: expected TypeError, got ${e && e.constructor.name}: ${e && e.message}`)
      assert.equal(e.code, 'ERR_INVALID_ARG_TYPE', msg)
      return true
    },
    msg,
  )
}

/** A copy of `b` with bit 0 of byte `i` flipped. */
function flip(b, i) {
  const c = Buffer.from(b)
  c[i] ^= 1
  return c
}

/** Deterministic filler bytes: byte i = (mul·i + add) mod 256. */
function pattern(n, mul = 7, add = 0) {
  const b = Buffer.alloc(n)
  for (let i = 0; i < n; i++) b[i] = (mul * i + add) & 0xff
  return b
}

module.exports = {
  VECTORS,
  REPO,
  S,
  NAMES,
  loadJson,
  loadText,
  hx,
  hxOpt,
  wycheproofTests,
  rspRecords,
  caseId,
  expectStatus,
  rejectsStatus,
  expectTypeError,
  checkError,
  flip,
  pattern,
}
