'use strict'
// Parity with the C ABI: every function, algorithm, status code, HPKE constant and size macro of
// include/xpscrypto.h must be reachable from Node. A new C export without a JS counterpart fails
// here until it is mapped (or excluded with a reason).
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const xps = require('..')

const TEXT = fs.readFileSync(path.resolve(__dirname, '..', '..', 'include', 'xpscrypto.h'), 'utf8')
const FUNCS = [...new Set([...TEXT.matchAll(/\b(xps_[a-z0-9_]+)\(/g)].map((m) => m[1]))].sort()
const DEFINES = Object.fromEntries([...TEXT.matchAll(/#define (XPS_[A-Z0-9_]+) (\d+)\b/g)].map((m) => [m[1], Number(m[2])]))

const camel = (s) => s.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase())

// C function -> where it lives in JS ("name" or "Class#method" / "Class.static"). Default: camelCase without xps_.
const RENAMED = {
  xps_hash_new: 'Hash', xps_hash_new_blake3_keyed: 'Hash.blake3Keyed', xps_hash_new_blake3_derive_key: 'Hash.blake3DeriveKey',
  xps_hash_update: 'Hash#update', xps_hash_final: 'Hash#digest', xps_hash_final_xof: 'Hash#xof', xps_hash_copy: 'Hash#copy',
  xps_mac_new: 'Mac', xps_mac_update: 'Mac#update', xps_mac_final: 'Mac#finalize', xps_mac_verify_final: 'Mac#verify', xps_mac_copy: 'Mac#copy',
  xps_aead_key_new: 'AeadKey', xps_aead_key_alg: 'AeadKey#alg', xps_aead_key_seal: 'AeadKey#encrypt', xps_aead_key_open: 'AeadKey#decrypt',
  xps_aead_key_seal_detached: 'AeadKey#encryptDetached', xps_aead_key_open_detached: 'AeadKey#decryptDetached',
  xps_aead_key_free: 'AeadKey#destroy',
  xps_argon2id_ex: 'argon2id', // options.secret / options.ad
  xps_sign_ex: 'sign', xps_verify_ex: 'verify', // options.context / options.deterministic
  xps_sign_key_new: 'SigningKey', xps_sign_key_alg: 'SigningKey#alg', xps_sign_key_sign: 'SigningKey#sign', xps_sign_key_sign_ex: 'SigningKey#sign',
  xps_sign_key_public: 'SigningKey#publicKey', xps_sign_key_free: 'SigningKey#destroy',
  xps_kem_key_new: 'DecapsulationKey', xps_kem_key_alg: 'DecapsulationKey#alg', xps_kem_key_decapsulate: 'DecapsulationKey#decapsulate',
  xps_kem_key_free: 'DecapsulationKey#destroy',
  xps_hpke_seal_ex: 'hpkeSeal', xps_hpke_open_ex: 'hpkeOpen', // mode from options.psk/pskId/sender key
  xps_hpke_sender_new: 'HpkeSender', xps_hpke_recipient_new: 'HpkeRecipient', xps_hpke_ctx_seal: 'HpkeSender#seal',
  xps_hpke_ctx_open: 'HpkeRecipient#open', xps_hpke_ctx_export: 'HpkeSender#export', xps_hpke_ctx_seq: 'HpkeSender#sequence',
  xps_alg_count: 'algorithms', xps_alg_at: 'algorithms',
  xps_dispatch_op_count: 'dispatchInfo', xps_dispatch_op_name: 'dispatchInfo', xps_dispatch_candidate_count: 'dispatchInfo',
  xps_dispatch_candidate_name: 'dispatchInfo', xps_dispatch_candidate_available: 'dispatchInfo',
  xps_last_error_detail: 'XpsError', // the message of the thrown error
  xps_patch_applied_count: 'patchApplied', // the length of the list of applied patches
  xps_metrics_snapshot: 'metrics', xps_metrics_events: 'metrics', // metrics().ops and its event fields
  // Keyring: a class; options (manual clock, Argon2id, KEK kind) are option objects.
  xps_keyring_new_memory: 'Keyring.inMemory', xps_keyring_create: 'Keyring.create', xps_keyring_open: 'Keyring.open',
  xps_keyring_save_as: 'Keyring#saveAs', xps_keyring_free: 'Keyring#close', xps_keyring_now: 'Keyring#now',
  xps_keyring_clock_set: 'Keyring#setClock', xps_keyring_clock_advance: 'Keyring#advanceClock',
  xps_keyring_generate: 'Keyring#generate', xps_keyring_import: 'Keyring#importKey', xps_keyring_rotate: 'Keyring#rotate',
  xps_keyring_revoke: 'Keyring#revoke', xps_keyring_destroy: 'Keyring#destroy',
  xps_keyring_set_min_decryption_version: 'Keyring#setMinDecryptionVersion', xps_keyring_set_rotation_policy: 'Keyring#setRotationPolicy',
  xps_keyring_set_expiry: 'Keyring#setExpiry', xps_keyring_tick: 'Keyring#tick', // tick() returns the events
  xps_keyring_start_auto_rotation: 'Keyring#startAutoRotation', xps_keyring_stop_auto_rotation: 'Keyring#stopAutoRotation',
  xps_keyring_auto_rotation_running: 'Keyring#autoRotationRunning', xps_keyring_subscribe: 'Keyring#subscribe',
  xps_keyring_unsubscribe: 'Keyring#unsubscribe', xps_keyring_events_json: 'Keyring#events', // objects, not JSON
  xps_keyring_set_audit_log: 'Keyring#setAuditLog', xps_keyring_refresh: 'Keyring#refresh',
  xps_keyring_encrypt: 'Keyring#encrypt', xps_keyring_decrypt: 'Keyring#decrypt', xps_keyring_rewrap: 'Keyring#rewrap',
  xps_keyring_seal: 'Keyring#seal', xps_keyring_open_sealed: 'Keyring#openSealed', xps_keyring_sign: 'Keyring#sign',
  xps_keyring_verify: 'Keyring#verify', xps_keyring_mac: 'Keyring#mac', xps_keyring_verify_mac: 'Keyring#verifyMac',
  xps_keyring_decapsulate: 'Keyring#decapsulate', xps_keyring_public_key: 'Keyring#publicKey',
  xps_keyring_list_json: 'Keyring#list', xps_keyring_describe_json: 'Keyring#describe', // objects, not JSON
  xps_keyring_envelope_len: 'Keyring#envelopeLen', xps_keyring_default_aead: 'Keyring.defaultAead',
}
const EXCLUDED = {
  xps_hash_free: 'garbage collection frees (and wipes) Hash objects',
  xps_mac_free: 'garbage collection frees (and wipes) Mac objects',
  xps_hpke_ctx_free: 'garbage collection frees (and wipes) HPKE contexts',
  xps_secure_free: 'secureAlloc memory is wiped and freed when the Uint8Array is collected',
  xps_test_panic: 'test builds of the C library only',
  xps_test_inject_selftest_failure: 'test builds of the C library only',
}

function resolve(p) {
  const [head, rest] = p.split(/[#.]/)
  const obj = xps[head]
  if (obj === undefined) return undefined
  if (!rest) return obj
  if (p.includes('#')) return rest in obj.prototype ? true : undefined
  return obj[rest]
}

test('header parsed', () => {
  assert.ok(FUNCS.length > 100 && FUNCS.includes('xps_aead_seal'))
  assert.equal(DEFINES.XPS_ALG_AES_256_GCM, 770)
})

test('every C function has a JS counterpart', () => {
  const missing = []
  for (const f of FUNCS) {
    if (f in EXCLUDED) continue
    const p = RENAMED[f] ?? camel(f.slice(4))
    if (resolve(p) === undefined) missing.push(`${f} -> ${p}`)
  }
  assert.deepEqual(missing, [], 'add these to the binding (or map/exclude them here with a reason)')
  const stale = [...Object.keys(RENAMED), ...Object.keys(EXCLUDED)].filter((f) => !FUNCS.includes(f))
  assert.deepEqual(stale, [], 'mapped C functions that no longer exist')
  for (const m of ['export', 'sequence', 'open']) assert.ok(m in xps.HpkeRecipient.prototype)
})

const norm = (s) => s.toUpperCase().replace(/[^A-Z0-9]/g, '')

test('algorithm lists match', () => {
  const algs = Object.entries(DEFINES).filter(([k]) => k.startsWith('XPS_ALG_'))
  const names = xps.algorithms()
  assert.equal(names.length, algs.length)
  const byNorm = new Map(names.map((n) => [norm(n), n]))
  for (const [macro, id] of algs) {
    const name = byNorm.get(norm(macro.slice(8)))
    assert.ok(name, `${macro} has no JS algorithm`)
    assert.equal(xps.algFromName(name), id)
    assert.equal(xps.algName(id), name)
  }
})

test('status codes match, each with its error class', () => {
  const codes = Object.fromEntries(Object.entries(DEFINES).filter(([k]) => k.startsWith('XPS_E_') || k === 'XPS_OK'))
  assert.deepEqual(Object.fromEntries(xps.statuses().map((s) => [s.code, s.status])), codes)
  const classes = { 1: xps.InvalidInputError, 2: xps.AuthenticationError, 3: xps.PolicyError, 4: xps.ResourceError, 5: xps.PatchError, 6: xps.InternalError }
  for (const [name, code] of Object.entries(codes)) {
    if (code === 0) continue
    assert.equal(xps.statusName(code), name)
    const cls = xps.errorClass(code)
    assert.ok(cls === classes[Math.trunc(code / 100)] || Object.getPrototypeOf(cls) === classes[Math.trunc(code / 100)], name)
  }
  assert.equal(xps.errorClass(601), xps.SelfTestError)
  assert.ok(new xps.InvalidInputError('x', 102, 'XPS_E_INVALID_LENGTH') instanceof Error)
})

test('HPKE constants match', () => {
  for (const [macro, v] of Object.entries(DEFINES)) {
    if (macro.startsWith('XPS_HPKE_') && !macro.endsWith('BYTES')) assert.equal(xps[macro.slice(4)], v, macro)
  }
  assert.equal(xps.hpkePkbytes(DEFINES.XPS_HPKE_KEM_X25519_HKDF_SHA256), DEFINES.XPS_HPKE_X25519_BYTES)
})

test('size macros match the size functions', () => {
  const fns = {
    AEAD: { KEYBYTES: 'aeadKeybytes', NONCEBYTES: 'aeadNoncebytes', TAGBYTES: 'aeadTagbytes' },
    SIGN: { PUBLICKEYBYTES: 'signPublickeybytes', SECRETKEYBYTES: 'signSecretkeybytes', BYTES: 'signBytes', SEEDBYTES: 'signSeedbytes' },
    KEM: { PUBLICKEYBYTES: 'kemPublickeybytes', SECRETKEYBYTES: 'kemSecretkeybytes', CIPHERTEXTBYTES: 'kemCiphertextbytes',
      SHAREDSECRETBYTES: 'kemSharedsecretbytes', SEEDBYTES: 'kemSeedbytes', ENCAPSSEEDBYTES: 'kemEncapsseedbytes' },
  }
  const byNorm = new Map(xps.algorithms().map((n) => [norm(n), n]))
  let checked = 0
  for (const [macro, value] of Object.entries(DEFINES)) {
    const m = /^XPS_(AEAD|SIGN|KEM)_([A-Z0-9]+)_([A-Z]*BYTES)$/.exec(macro)
    if (!m || m[2] === 'MAX' || m[2] === 'MLDSA') continue
    const alg = byNorm.get(m[2])
    assert.ok(alg, `${macro}: no algorithm`)
    const got = xps[fns[m[1]][m[3]]](alg)
    if (m[1] === 'SIGN' && alg === 'rsa-pss-sha256' && m[3] !== 'BYTES') assert.equal(got, null)
    else if (m[3].endsWith('SEEDBYTES') && value === 0) assert.equal(got, null)
    else assert.equal(got, value, `${macro}=${value}, ${fns[m[1]][m[3]]}(${alg}) = ${got}`)
    checked++
  }
  assert.ok(checked > 40)
})

// XPS_PATCH_* macros and where their meaning lives in JS (none is a JS constant).
const PATCH_MACROS = {
  XPS_PATCH_ALLOW_DOWNGRADE: 'options.allowDowngrade of patchApply',
  XPS_PATCH_ACTION_APPLY: "patchHistory() entries say action: 'apply'",
  XPS_PATCH_ACTION_ROLLBACK: "patchHistory() entries say action: 'rollback'",
  XPS_PATCH_ID_BYTES: 'size of the NUL-terminated id field of the C structs; JS ids are strings',
}

test('XPS_PATCH_* macros are mapped; patch statuses name their step', () => {
  const macros = Object.keys(DEFINES).filter((k) => k.startsWith('XPS_PATCH_')).sort()
  assert.deepEqual(macros, Object.keys(PATCH_MACROS).sort(), 'map new XPS_PATCH_* macros here (with where they live in JS)')
  assert.equal(DEFINES.XPS_PATCH_ALLOW_DOWNGRADE, 1)
  assert.deepEqual([DEFINES.XPS_PATCH_ACTION_APPLY, DEFINES.XPS_PATCH_ACTION_ROLLBACK], [1, 2])
  assert.equal(DEFINES.XPS_PATCH_ID_BYTES, 65) // ids of at most 64 characters
  const steps = { 504: 'parse', 505: 'signature', 506: 'digest', 507: 'policy', 508: 'policy', 509: 'load', 510: 'abi', 511: 'cpu', 512: 'kat', 513: 'differential', 514: 'audit' }
  for (const [code, step] of Object.entries(steps)) {
    assert.equal(xps.patchStepName(Number(code)), step, code)
    assert.equal(xps.errorClass(Number(code)), xps.PatchError)
  }
  for (const code of [0, 201, 501, 515, 999, -1]) assert.equal(xps.patchStepName(code), null, String(code))
  assert.ok(xps.kernelAbiVersion() >= 1)
})

test('every heavy operation has a Promise twin', () => {
  for (const f of ['argon2id', 'pbkdf2', 'signKeypair', 'sign', 'verify', 'kemKeypair', 'kemEncapsulate', 'kemDecapsulate', 'hash', 'aeadSeal', 'aeadOpen', 'randomBytes', 'patchApply']) {
    assert.equal(typeof xps[`${f}Async`], 'function', f)
  }
  for (const [cls, m] of [['AeadKey', 'encryptAsync'], ['AeadKey', 'decryptAsync'], ['SigningKey', 'signAsync'], ['DecapsulationKey', 'decapsulateAsync'],
    ['Keyring', 'saveAsAsync']]) {
    assert.equal(typeof xps[cls].prototype[m], 'function', `${cls}#${m}`)
  }
  // Keyring files protected by a passphrase run Argon2id when created or opened.
  for (const f of ['createAsync', 'openAsync']) assert.equal(typeof xps.Keyring[f], 'function', `Keyring.${f}`)
})

// XPS_POLICY_* macros and where their meaning lives in JS (policies are objects there).
const POLICY_MACROS = {
  XPS_POLICY_VERSION: 'version of the C struct xps_policy; JS policies are objects (policyGet())',
  XPS_POLICY_ALG_WORDS: 'size of the bit set of xps_policy; JS lists allowed algorithms by name',
}

test('XPS_POLICY_* macros are mapped', () => {
  const macros = Object.keys(DEFINES).filter((k) => k.startsWith('XPS_POLICY_')).sort()
  assert.deepEqual(macros, Object.keys(POLICY_MACROS).sort(), 'map new XPS_POLICY_* macros here (with where they live in JS)')
  assert.deepEqual([DEFINES.XPS_POLICY_VERSION, DEFINES.XPS_POLICY_ALG_WORDS], [1, 8])
  assert.deepEqual(Object.keys(xps.policyGet()).sort(), ['allowedAlgorithms', 'ctOnly', 'fipsMode', 'hotPatchAllowed', 'isaMask', 'minHmacKeyBytes',
    'minRsaBits', 'requireMlock', 'rsaPrivateOps'])
})

// XPS_KEK_* and XPS_KEYRING_* macros and where their meaning lives in JS.
const KEYRING_MACROS = {
  XPS_KEK_PASSPHRASE: 'options.passphrase of Keyring.create / open / saveAs',
  XPS_KEK_RAW: 'options.rawKey of Keyring.create / open / saveAs',
  XPS_KEYRING_IMPORT_SEED: 'options.seed of Keyring#importKey',
  XPS_KEYRING_IMPORT_PRIMARY: 'options.primary of Keyring#importKey',
  XPS_KEYRING_MANUAL_CLOCK: 'options.manualClock of Keyring.inMemory / create / open',
  XPS_KEYRING_OPTIONS_VERSION: 'version of the C struct xps_keyring_options; JS options are objects',
  XPS_KEYRING_EVENT_GENERATED: "event.kind 'generated'",
  XPS_KEYRING_EVENT_IMPORTED: "event.kind 'imported'",
  XPS_KEYRING_EVENT_PLANNED: "event.kind 'planned'",
  XPS_KEYRING_EVENT_ROTATED: "event.kind 'rotated'",
  XPS_KEYRING_EVENT_RETIRED: "event.kind 'retired'",
  XPS_KEYRING_EVENT_REVOKED: "event.kind 'revoked'",
  XPS_KEYRING_EVENT_DESTROYED: "event.kind 'destroyed'",
  XPS_KEYRING_EVENT_MIN_DECRYPTION_VERSION: "event.kind 'min-decryption-version'",
  XPS_KEYRING_EVENT_FAILED: "event.kind 'failed'",
}

test('XPS_KEK_* and XPS_KEYRING_* macros are mapped', () => {
  const macros = Object.keys(DEFINES).filter((k) => k.startsWith('XPS_KEK_') || k.startsWith('XPS_KEYRING_')).sort()
  assert.deepEqual(macros, Object.keys(KEYRING_MACROS).sort(), 'map new XPS_KEK_* / XPS_KEYRING_* macros here (with where they live in JS)')
  // Event kinds: the JS names are the C macro names, lower case with dashes.
  for (const [macro, where] of Object.entries(KEYRING_MACROS)) {
    if (!macro.startsWith('XPS_KEYRING_EVENT_')) continue
    assert.equal(where, `event.kind '${macro.slice('XPS_KEYRING_EVENT_'.length).toLowerCase().replace(/_/g, '-')}'`, macro)
  }
  const kr = xps.Keyring.inMemory()
  kr.generate('parity', 'hmac-sha256')
  assert.deepEqual(kr.events().map((e) => e.kind), ['generated'])
  assert.equal(xps.algFromName(xps.Keyring.defaultAead()) > 0, true)
  kr.close()
})
