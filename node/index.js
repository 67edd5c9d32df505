'use strict'
// xpscrypto for Node.js. The functions and classes are the native addon's (xpscrypto.node, built
// from src/ by scripts/build.js); this file only turns the addon's error codes into the XpsError
// classes and maps argument-type failures to TypeError. Typings: index.d.ts (generated).

const native = require('./xpscrypto.node')

class XpsError extends Error {
  constructor(message, status, code) {
    super(message)
    this.name = new.target.name
    this.status = status
    this.code = code
  }
  get category() {
    return Math.trunc(this.status / 100)
  }
}
class InvalidInputError extends XpsError {}
class AuthenticationError extends XpsError {}
class PolicyError extends XpsError {}
class ResourceError extends XpsError {}
class PatchError extends XpsError {}
class InternalError extends XpsError {}
class SelfTestError extends InternalError {}

const BY_CATEGORY = { 1: InvalidInputError, 2: AuthenticationError, 3: PolicyError, 4: ResourceError, 5: PatchError, 6: InternalError }
const STATUS = new Map(native.statuses().map((s) => [s.code, s.status]))

function errorClass(status) {
  if (status === 601) return SelfTestError
  return BY_CATEGORY[Math.trunc(status / 100)] || XpsError
}

/** The addon's error → XpsError (by `code`, or the `XPS_E_…: ` prefix async rejections carry). */
function convert(e) {
  if (!(e instanceof Error) || e instanceof XpsError) return e
  let code = typeof e.code === 'string' && e.code.startsWith('XPS_E_') ? e.code : undefined
  let message = e.message
  const m = /^(XPS_E_[A-Z0-9_]+): ([\s\S]*)$/.exec(message)
  if (!code && m) [, code, message] = m
  if (code && STATUS.has(code)) {
    const status = STATUS.get(code)
    const err = new (errorClass(status))(message, status, code)
    if (e.stack) err.stack = `${err.name} [${code}]: ${message}\n${e.stack.split('\n').slice(1).join('\n')}`
    return err
  }
  if (['InvalidArg', 'NumberExpected', 'StringExpected', 'ObjectExpected', 'BooleanExpected', 'ArrayExpected', 'FunctionExpected'].includes(e.code)) {
    const hint = /TypedArray|Buffer/.test(message) ? ' (byte inputs must be Uint8Array or Buffer; encode strings first, e.g. Buffer.from(text))' : ''
    const t = new TypeError(`${message}${hint}`)
    t.code = 'ERR_INVALID_ARG_TYPE'
    return t
  }
  // V8's own TypeError for an options object that is missing (undefined or null where an object belongs).
  if (e instanceof TypeError && e.code === undefined) e.code = 'ERR_INVALID_ARG_TYPE'
  return e
}

// Arguments the addon would otherwise coerce silently: napi reads numbers modulo 2^32 (so 2**32 + 1
// iterations would become 1) and reads option fields from any value. Every numeric parameter of the
// API is an integer in [0, 2^32).
function checkNumber(v) {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
    const e = new RangeError(`expected an integer in [0, 2^32), got ${v}`)
    e.code = 'ERR_OUT_OF_RANGE'
    throw e
  }
}

function typeError(msg) {
  const e = new TypeError(msg)
  e.code = 'ERR_INVALID_ARG_TYPE'
  return e
}

function abortError() {
  return new DOMException('This operation was aborted', 'AbortError')
}

// Parameters that are options objects, by export name ('Class#method' for methods).
const OPTIONS_ARG = {
  argon2id: 6, argon2idAsync: 6, sign: 3, signAsync: 3, verify: 4, verifyAsync: 4, hpkeSeal: 5, hpkeOpen: 6,
  HpkeSender: 4, HpkeRecipient: 5, 'SigningKey#sign': 1, 'SigningKey#signAsync': 1,
  patchApply: 3, patchApplyAsync: 3, patchSignManifest: 3, policyReplace: 0,
  'Keyring.inMemory': 0, 'Keyring.create': 1, 'Keyring.open': 1, 'Keyring.createAsync': 1, 'Keyring.openAsync': 1,
  'Keyring#saveAs': 1, 'Keyring#saveAsAsync': 1, 'Keyring#generate': 2, 'Keyring#importKey': 3, 'Keyring#decapsulate': 2,
  'Keyring#publicKey': 1, 'Keyring#setRotationPolicy': 1,
}

// Promise twins that take no AbortSignal: their work changes process or file state (a hot-patch is
// applied or not, a keyring file written or not, never abandoned half-way with its result dropped),
// so nothing may follow the options.
const NO_SIGNAL = new Set(['patchApplyAsync', 'Keyring.createAsync', 'Keyring#saveAsAsync'])

// Status codes are the only numbers that may be anything (unknown ones have a name too).
const ANY_NUMBER = new Set(['statusName', 'statusMessage', 'statusCategory', 'patchStepName'])

function checkArgs(label, args) {
  const opt = OPTIONS_ARG[label]
  for (let i = 0; i < args.length; i++) {
    const v = args[i]
    if (i === opt && v != null && (typeof v !== 'object' || ArrayBuffer.isView(v) || Array.isArray(v) || v instanceof AbortSignal)) {
      throw typeError(`options must be an options object, got ${v instanceof AbortSignal ? 'an AbortSignal (the signal comes after the options)' : typeof v}`)
    }
    if (typeof v === 'number' && !ANY_NUMBER.has(label)) checkNumber(v)
  }
}

/** For the Promise twins: the caller's AbortSignal (last argument), validated, or null. */
function signalOf(label, args) {
  if (NO_SIGNAL.has(label)) {
    if (args.length > OPTIONS_ARG[label] + 1) throw typeError(`${label} takes no AbortSignal (${label === 'patchApplyAsync' ? 'a hot-patch' : 'writing a keyring file'} cannot be cancelled once started)`)
    return null
  }
  const last = args.length - 1
  const sig = args[last]
  if (last < 0 || sig == null || typeof sig !== 'object' || ArrayBuffer.isView(sig) || OPTIONS_ARG[label] === last) return null
  if (!(sig instanceof AbortSignal)) throw typeError('signal must be an AbortSignal')
  return sig
}

function wrapFn(fn, label = fn.name) {
  const isAsync = label.endsWith('Async')
  const w = function (...args) {
    checkArgs(label, args)
    if (isAsync) {
      // The addon gets a private signal linked to the caller's (napi would replace the caller's
      // `onabort`); an aborted call always rejects with an AbortError, also when the work had
      // already started (its result is dropped); the link is removed when the call settles.
      const sig = signalOf(label, args)
      if (sig?.aborted) return Promise.reject(abortError())
      let unlink = () => {}
      if (sig) {
        const ac = new AbortController()
        const onAbort = () => ac.abort()
        sig.addEventListener('abort', onAbort, { once: true })
        unlink = () => sig.removeEventListener('abort', onAbort)
        args[args.length - 1] = ac.signal
      }
      let r
      try {
        r = fn.apply(this, args)
      } catch (e) {
        unlink()
        const c = convert(e)
        if (c instanceof TypeError) throw c // argument types fail at once, as in node:crypto
        return Promise.reject(c)
      }
      return r.then(
        (v) => {
          unlink()
          return sig?.aborted ? Promise.reject(abortError()) : v
        },
        (e) => {
          unlink()
          return Promise.reject(sig?.aborted || e?.code === 'Cancelled' ? abortError() : convert(e))
        },
      )
    }
    try {
      return fn.apply(this, args)
    } catch (e) {
      throw convert(e)
    }
  }
  Object.defineProperty(w, 'name', { value: fn.name })
  Object.defineProperty(w, 'length', { value: fn.length })
  return w
}

/** Calls `fn`, converting the addon's errors. */
function call(fn, self, args) {
  try {
    return fn.apply(self, args)
  } catch (e) {
    throw convert(e)
  }
}

/** A native class with every method, static factory and constructor error converted. */
function wrapClass(cls) {
  const proto = cls.prototype
  for (const key of Object.getOwnPropertyNames(proto)) {
    const d = Object.getOwnPropertyDescriptor(proto, key)
    if (key === 'constructor') continue
    if (key.startsWith('_')) {
      // Internal methods (the fast paths below) are kept here, not on the public prototype.
      INTERNAL.set(`${cls.name}#${key}`, d.value)
      delete proto[key]
      continue
    }
    if (typeof d.value === 'function') d.value = wrapFn(d.value, `${cls.name}#${key}`)
    if (d.get) d.get = wrapFn(d.get, `${cls.name}#${key}`)
    Object.defineProperty(proto, key, d)
  }
  // The exported class: constructing it builds the native object (errors converted); it shares the
  // native prototype, so `instanceof` holds for objects from static factories too. Static
  // factories are non-configurable on the native class, so the wrappers live on this function.
  const F = function (...args) {
    if (!new.target) throw new TypeError(`Class constructor ${cls.name} cannot be invoked without 'new'`)
    checkArgs(cls.name, args)
    try {
      return Reflect.construct(cls, args)
    } catch (e) {
      throw convert(e)
    }
  }
  Object.defineProperty(F, 'name', { value: cls.name })
  Object.defineProperty(F, 'length', { value: cls.length })
  F.prototype = proto
  try {
    Object.defineProperty(proto, 'constructor', { value: F, writable: true, configurable: true })
  } catch {}
  for (const key of Object.getOwnPropertyNames(cls)) {
    if (!['length', 'name', 'prototype'].includes(key) && typeof cls[key] === 'function') F[key] = wrapFn(cls[key].bind(cls), `${cls.name}.${key}`)
  }
  return F
}

const INTERNAL = new Map()
const api = {}
for (const [name, value] of Object.entries(native)) {
  if (name.startsWith('_') && name !== '_benchCore') INTERNAL.set(name, value)
  else if (typeof value !== 'function') api[name] = value
  else if (/^[A-Z]/.test(name)) api[name] = wrapClass(value)
  else api[name] = wrapFn(value)
}

// Fast paths for the short, frequent calls: the output Buffer comes from Node's allocator
// (`Buffer.allocUnsafe`, pooled below 4 KiB) and the addon writes into it, which costs a few
// hundred ns less per call than creating a Buffer from native code. Any argument the fast path
// does not expect goes to the regular function, which reports the error.
const isBytes = (v) => v instanceof Uint8Array
const HASH_LEN = new Map() // hash name → [id, default output length]
const AEAD_ID = new Map() // AEAD name → id (0: not an AEAD: the regular function reports it)
const slow = { hash: api.hash, aeadSeal: api.aeadSeal, aeadOpen: api.aeadOpen }
const hashInto = INTERNAL.get('_hashInto')
const hashLen = INTERNAL.get('_hashDefaultLen')
const sealInto = INTERNAL.get('_aeadSealInto')
const openInto = INTERNAL.get('_aeadOpenInto')
const keySealInto = INTERNAL.get('AeadKey#_sealInto')
const keyOpenInto = INTERNAL.get('AeadKey#_openInto')
const aadOk = (aad) => aad == null || isBytes(aad)

api.hash = function hash(alg, data) {
  if (typeof alg !== 'string' || !isBytes(data)) return slow.hash(alg, data)
  let h = HASH_LEN.get(alg)
  if (h === undefined) {
    h = [native.algFromName(alg), call(hashLen, undefined, [alg])]
    HASH_LEN.set(alg, h)
  }
  const out = Buffer.allocUnsafe(h[1])
  call(hashInto, undefined, [h[0], data, out])
  return out
}
function aeadId(alg) {
  let id = AEAD_ID.get(alg)
  if (id === undefined) {
    try {
      native.aeadKeybytes(alg) // throws unless `alg` is an AEAD
      id = native.algFromName(alg)
    } catch {
      return 0 // not cached: the cache holds valid names only
    }
    AEAD_ID.set(alg, id)
  }
  return id
}
api.aeadSeal = function aeadSeal(alg, key, nonce, plaintext, aad) {
  const id = typeof alg === 'string' ? aeadId(alg) : 0
  if (id === 0 || !isBytes(plaintext) || !aadOk(aad)) return slow.aeadSeal(alg, key, nonce, plaintext, aad)
  const out = Buffer.allocUnsafe(plaintext.length + 16)
  call(sealInto, undefined, [id, key, nonce, plaintext, aad, out])
  return out
}
api.aeadOpen = function aeadOpen(alg, key, nonce, ciphertextAndTag, aad) {
  const id = typeof alg === 'string' ? aeadId(alg) : 0
  if (id === 0 || !isBytes(ciphertextAndTag) || ciphertextAndTag.length < 16 || !aadOk(aad)) {
    return slow.aeadOpen(alg, key, nonce, ciphertextAndTag, aad)
  }
  const out = Buffer.allocUnsafeSlow(ciphertextAndTag.length - 16) // not the shared pool: it is plaintext
  call(openInto, undefined, [id, key, nonce, ciphertextAndTag, aad, out])
  return out
}
{
  const proto = api.AeadKey.prototype
  const slowEncrypt = proto.encrypt
  const slowDecrypt = proto.decrypt
  Object.defineProperty(proto, 'encrypt', {
    value: function encrypt(nonce, plaintext, aad) {
      if (!isBytes(plaintext) || !aadOk(aad)) return slowEncrypt.call(this, nonce, plaintext, aad)
      const out = Buffer.allocUnsafe(plaintext.length + 16)
      call(keySealInto, this, [nonce, plaintext, aad, out])
      return out
    },
    writable: true,
    configurable: true,
  })
  // encryptInto without overlap between input and output (the common case: a reused output
  // buffer) goes through the internal entry point too; in-place and overlap cases (and errors) take
  // the regular method, which resolves or refuses them.
  const slowEncryptInto = proto.encryptInto
  const sameMemory = (a, b) =>
    a.buffer === b.buffer && a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength
  Object.defineProperty(proto, 'encryptInto', {
    value: function encryptInto(nonce, plaintext, out, aad) {
      if (!isBytes(plaintext) || !isBytes(out) || !isBytes(nonce) || !aadOk(aad) || out.length < plaintext.length + 16 ||
          sameMemory(plaintext, out) || sameMemory(nonce, out) || (aad != null && sameMemory(aad, out))) {
        return slowEncryptInto.call(this, nonce, plaintext, out, aad)
      }
      const n = plaintext.length + 16
      call(keySealInto, this, [nonce, plaintext, aad, n === out.length ? out : out.subarray(0, n)])
      return n
    },
    writable: true,
    configurable: true,
  })
  Object.defineProperty(proto, 'decrypt', {
    value: function decrypt(nonce, ciphertextAndTag, aad) {
      if (!isBytes(ciphertextAndTag) || ciphertextAndTag.length < 16 || !aadOk(aad)) return slowDecrypt.call(this, nonce, ciphertextAndTag, aad)
      const out = Buffer.allocUnsafeSlow(ciphertextAndTag.length - 16) // not the shared pool: it is plaintext
      call(keyOpenInto, this, [nonce, ciphertextAndTag, aad, out])
      return out
    },
    writable: true,
    configurable: true,
  })
}

{
  // Keyring#rewrapMany: the addon gives each failure as an "XPS_E_…: detail" string; the caller
  // gets the XpsError (not thrown: one bad envelope does not stop the others).
  const proto = api.Keyring.prototype
  const slowRewrapMany = proto.rewrapMany
  Object.defineProperty(proto, 'rewrapMany', {
    value: function rewrapMany(envelopes, aad) {
      return slowRewrapMany.call(this, envelopes, aad).map((r) => (typeof r === 'string' ? convert(new Error(r)) : r))
    },
    writable: true,
    configurable: true,
  })
  const slowSubscribe = proto.subscribe
  Object.defineProperty(proto, 'subscribe', {
    value: function subscribe(callback) {
      if (typeof callback !== 'function') throw typeError(`callback must be a function, got ${callback === null ? 'null' : typeof callback}`)
      return slowSubscribe.call(this, callback)
    },
    writable: true,
    configurable: true,
  })
}

module.exports = {
  ...api,
  XpsError,
  InvalidInputError,
  AuthenticationError,
  PolicyError,
  ResourceError,
  PatchError,
  InternalError,
  SelfTestError,
  errorClass,
}
