// xpscrypto.hpp — header-only C++17 RAII wrapper over the xpscrypto C ABI (xpscrypto.h).
//
//   #include <xpscrypto.hpp>
//   auto digest = xps::hash("sha256", "abc");                       // std::vector<uint8_t>
//   auto sealed = xps::aead_seal("aes-256-gcm", key, nonce, pt, aad); // ciphertext || tag
//   try { auto pt2 = xps::aead_open("aes-256-gcm", key, nonce, sealed, aad); }
//   catch (const xps::AuthenticationError &e) { /* e.status(), e.name(), e.detail() */ }
//
// Conventions
//  - Inputs are xps::bytes_view: implicitly built from std::vector<uint8_t>, std::array<uint8_t, N>,
//    std::string / std::string_view / string literals (their bytes), xps::SecureBuffer, or an
//    explicit (pointer, length) pair. Outputs are std::vector<uint8_t>.
//  - Algorithms are xps::Algorithm: a numeric id (XPS_ALG_*) or a canonical name ("aes-256-gcm");
//    an unknown name throws xps::InvalidInputError (XPS_E_UNKNOWN_ALGORITHM). xps::alg(name) gives
//    the id.
//  - Every failing status throws an xps::Error subclass chosen by category (status / 100):
//    1 InvalidInputError, 2 AuthenticationError, 3 PolicyError, 4 EnvironmentError,
//    5 DispatchError (alias PatchError), 6 InternalError. Error carries the status number, its
//    name (XPS_E_…) and the thread-local detail (xps_last_error_detail()) at the time of failure.
//    Verification helpers (hmac_verify*, Mac::verify) return false for a wrong tag and throw only
//    for misuse (e.g. a wrong tag length).
//  - Secret outputs (KDF results, plaintexts) are returned in std::vector, which is not wiped on
//    destruction: copy them into an xps::SecureBuffer (or use xps::secure_zero) if that matters.
//    Secret keys and KEM shared secrets come back in xps::SecureBuffer.
//  - Signatures: xps::sign_keypair / sign / verify (bool: false for a signature that does not
//    verify, throws for malformed input) with xps::SignOptions{context, deterministic};
//    xps::SigningKey handles. KEMs: xps::kem_keypair / kem_encapsulate / kem_decapsulate and
//    xps::KemKey handles.
//
// Requires C++17. Link with xpscrypto::xpscrypto (CMake) or `pkg-config --libs xpscrypto`.
#ifndef XPSCRYPTO_HPP
#define XPSCRYPTO_HPP

#include <xpscrypto.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace xps {

// ------------------------------------------------------------------------------------------------
// Errors
// ------------------------------------------------------------------------------------------------

/// Base of every exception thrown by this wrapper: a failing xps_status.
class Error : public std::runtime_error {
public:
    Error(xps_status status, std::string detail)
        : std::runtime_error(make_what(status, detail)), status_(status), detail_(std::move(detail)) {}

    /// The numeric status (XPS_E_*).
    xps_status status() const noexcept { return status_; }
    /// Its symbolic name, e.g. "XPS_E_AUTHENTICATION_FAILED".
    const char *name() const noexcept { return ::xps_status_name(status_); }
    /// One-line description of the status.
    const char *message() const noexcept { return ::xps_status_message(status_); }
    /// Category: status / 100 (1 misuse, 2 crypto failure, 3 policy, 4 environment, 5 dispatch, 6 internal).
    int category() const noexcept { return static_cast<int>(::xps_status_category(status_)); }
    /// The library's detail for this failure (xps_last_error_detail() right after the call).
    const std::string &detail() const noexcept { return detail_; }

private:
    static std::string make_what(xps_status status, const std::string &detail) {
        std::string w = ::xps_status_name(status);
        w += ": ";
        w += ::xps_status_message(status);
        if (!detail.empty()) {
            w += " (";
            w += detail;
            w += ")";
        }
        return w;
    }
    xps_status status_;
    std::string detail_;
};

/// 1xx: misuse — bad lengths, NULLs, unknown algorithms, wrong state, out-of-range parameters.
class InvalidInputError : public Error {
public:
    using Error::Error;
};
/// 2xx: a cryptographic check failed (AEAD/MAC authentication, signature).
class AuthenticationError : public Error {
public:
    using Error::Error;
};
/// 3xx: the active policy does not allow the operation.
class PolicyError : public Error {
public:
    using Error::Error;
};
/// 4xx: the environment failed (RNG, memory, mlock).
class EnvironmentError : public Error {
public:
    using Error::Error;
};
/// 5xx: dispatch / hot-patch (unknown op or kernel, kernel unavailable).
class DispatchError : public Error {
public:
    using Error::Error;
};
using PatchError = DispatchError;
/// 6xx: self-test failure, caught panic, internal error.
class InternalError : public Error {
public:
    using Error::Error;
};

namespace detail {

[[noreturn]] inline void throw_status(xps_status s) {
    const char *d = ::xps_last_error_detail();
    std::string det = d ? d : "";
    switch (::xps_status_category(s)) {
        case 1: throw InvalidInputError(s, std::move(det));
        case 2: throw AuthenticationError(s, std::move(det));
        case 3: throw PolicyError(s, std::move(det));
        case 4: throw EnvironmentError(s, std::move(det));
        case 5: throw DispatchError(s, std::move(det));
        case 6: throw InternalError(s, std::move(det));
        default: throw Error(s, std::move(det));
    }
}

inline void check(xps_status s) {
    if (s != XPS_OK) {
        throw_status(s);
    }
}

/// For verification calls: true on XPS_OK, false on XPS_E_AUTHENTICATION_FAILED, throw otherwise.
inline bool check_verify(xps_status s) {
    if (s == XPS_OK) {
        return true;
    }
    if (s == XPS_E_AUTHENTICATION_FAILED) {
        return false;
    }
    throw_status(s);
}

}  // namespace detail

/// Throws the xps::Error subclass for `status` (no-op for XPS_OK).
inline void throw_if_error(xps_status status) { detail::check(status); }

// ------------------------------------------------------------------------------------------------
// Inputs and algorithm ids
// ------------------------------------------------------------------------------------------------

class SecureBuffer;

/// A non-owning view of input bytes.
class bytes_view {
public:
    constexpr bytes_view() noexcept = default;
    bytes_view(const std::uint8_t *p, std::size_t n) noexcept : p_(p), n_(n) {}
    bytes_view(const void *p, std::size_t n) noexcept : p_(static_cast<const std::uint8_t *>(p)), n_(n) {}
    bytes_view(const std::vector<std::uint8_t> &v) noexcept : p_(v.data()), n_(v.size()) {}
    template <std::size_t N>
    bytes_view(const std::array<std::uint8_t, N> &a) noexcept : p_(a.data()), n_(N) {}
    bytes_view(std::string_view s) noexcept : p_(reinterpret_cast<const std::uint8_t *>(s.data())), n_(s.size()) {}
    bytes_view(const std::string &s) noexcept : bytes_view(std::string_view(s)) {}
    bytes_view(const char *s) noexcept : bytes_view(s ? std::string_view(s) : std::string_view()) {}
    inline bytes_view(const SecureBuffer &b) noexcept;

    const std::uint8_t *data() const noexcept { return p_; }
    std::size_t size() const noexcept { return n_; }
    bool empty() const noexcept { return n_ == 0; }
    const std::uint8_t *begin() const noexcept { return p_; }
    const std::uint8_t *end() const noexcept { return p_ + n_; }
    std::uint8_t operator[](std::size_t i) const noexcept { return p_[i]; }
    std::vector<std::uint8_t> to_vector() const { return n_ ? std::vector<std::uint8_t>(p_, p_ + n_) : std::vector<std::uint8_t>(); }

private:
    const std::uint8_t *p_ = nullptr;
    std::size_t n_ = 0;
};

/// Algorithm id of a canonical name ("aes-256-gcm", "sha256", …); throws InvalidInputError
/// (XPS_E_UNKNOWN_ALGORITHM) for an unknown name.
inline std::uint32_t alg(std::string_view name) {
    std::string n(name);
    std::uint32_t id = ::xps_alg_from_name(n.c_str());
    if (id == 0) {
        throw InvalidInputError(XPS_E_UNKNOWN_ALGORITHM, "unknown algorithm name \"" + n + "\"");
    }
    return id;
}

/// Canonical name of an algorithm id; throws InvalidInputError for an unknown id.
inline std::string alg_name(std::uint32_t id) {
    const char *n = ::xps_alg_name(id);
    if (n == nullptr) {
        throw InvalidInputError(XPS_E_UNKNOWN_ALGORITHM, "unknown algorithm id " + std::to_string(id));
    }
    return n;
}

/// Every algorithm id this build knows.
inline std::vector<std::uint32_t> algorithms() {
    std::vector<std::uint32_t> v;
    const std::size_t n = ::xps_alg_count();
    v.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        v.push_back(::xps_alg_at(i));
    }
    return v;
}

/// An algorithm argument: an id (XPS_ALG_*) or a canonical name (looked up with xps::alg, throws
/// on unknown names). Ids are passed through unchecked; the library validates them.
class Algorithm {
public:
    Algorithm(std::uint32_t id) noexcept : id_(id) {}
    Algorithm(int id) noexcept : id_(static_cast<std::uint32_t>(id)) {}
    Algorithm(std::string_view name) : id_(xps::alg(name)) {}
    Algorithm(const std::string &name) : id_(xps::alg(name)) {}
    Algorithm(const char *name) : id_(xps::alg(name ? std::string_view(name) : std::string_view())) {}
    std::uint32_t id() const noexcept { return id_; }
    operator std::uint32_t() const noexcept { return id_; }

private:
    std::uint32_t id_;
};

// ------------------------------------------------------------------------------------------------
// Library, status, sizes
// ------------------------------------------------------------------------------------------------

/// Initializes the library early (optional; every call initializes lazily). Throws on self-test failure.
inline void init() { detail::check(::xps_init()); }
/// Runtime library version, e.g. "0.1.0".
inline std::string version() { return ::xps_version(); }
/// Runtime version as major*10000 + minor*100 + patch.
inline std::uint32_t version_number() noexcept { return ::xps_version_number(); }
inline std::string status_name(xps_status s) { return ::xps_status_name(s); }
inline std::string status_message(xps_status s) { return ::xps_status_message(s); }
inline int status_category(xps_status s) noexcept { return static_cast<int>(::xps_status_category(s)); }
inline std::string last_error_detail() { return ::xps_last_error_detail(); }

inline std::size_t hash_outbytes(Algorithm a) noexcept { return ::xps_hash_outbytes(a); }
inline std::size_t mac_tagbytes(Algorithm a) noexcept { return ::xps_mac_tagbytes(a); }
inline std::size_t mac_keybytes(Algorithm a) noexcept { return ::xps_mac_keybytes(a); }
inline std::size_t aead_keybytes(Algorithm a) noexcept { return ::xps_aead_keybytes(a); }
inline std::size_t aead_noncebytes(Algorithm a) noexcept { return ::xps_aead_noncebytes(a); }
inline std::size_t aead_tagbytes(Algorithm a) noexcept { return ::xps_aead_tagbytes(a); }

namespace detail {
/// Output length of hash(): the digest length, or for the pure XOFs their full-security default
/// (shake128: 32, shake256: 64), as in the other language bindings.
inline std::size_t default_hash_len(std::uint32_t id) {
    std::size_t n = ::xps_hash_outbytes(id);
    if (n != 0) {
        return n;
    }
    if (id == XPS_ALG_SHAKE128) {
        return 32;
    }
    if (id == XPS_ALG_SHAKE256) {
        return 64;
    }
    return 64;  // not a hash: the library reports the error
}
}  // namespace detail

// ------------------------------------------------------------------------------------------------
// Hashes and XOFs
// ------------------------------------------------------------------------------------------------

/// One-shot hash. XOFs (shake128/256) give their default length (32 / 64 bytes).
inline std::vector<std::uint8_t> hash(Algorithm a, bytes_view data) {
    std::vector<std::uint8_t> out(detail::default_hash_len(a));
    std::size_t n = 0;
    detail::check(::xps_hash(a, data.data(), data.size(), out.data(), out.size(), &n));
    out.resize(n);
    return out;
}

/// `length` bytes of shake128, shake256 or blake3 output.
inline std::vector<std::uint8_t> xof(Algorithm a, bytes_view data, std::size_t length) {
    std::vector<std::uint8_t> out(length);
    detail::check(::xps_xof(a, data.data(), data.size(), out.data(), out.size()));
    return out;
}

/// BLAKE3 keyed hash (32-byte key), `length` bytes (32 = the MAC length).
inline std::vector<std::uint8_t> blake3_keyed(bytes_view key, bytes_view data, std::size_t length = XPS_BLAKE3_BYTES) {
    std::vector<std::uint8_t> out(length);
    detail::check(::xps_blake3_keyed(key.data(), key.size(), data.data(), data.size(), out.data(), out.size()));
    return out;
}

/// BLAKE3 derive_key: `length` bytes from `material` under the UTF-8 `context`.
inline std::vector<std::uint8_t> blake3_derive_key(std::string_view context, bytes_view material, std::size_t length = XPS_BLAKE3_BYTES) {
    std::vector<std::uint8_t> out(length);
    detail::check(::xps_blake3_derive_key(reinterpret_cast<const std::uint8_t *>(context.data()), context.size(), material.data(),
                                          material.size(), out.data(), out.size()));
    return out;
}

/// Streaming hash/XOF. Copyable (copies the state: hash a common prefix once), movable.
class Hash {
public:
    explicit Hash(Algorithm a) : alg_(a) { detail::check(::xps_hash_new(a, &ctx_)); }
    Hash(const Hash &other) : alg_(other.alg_) {
        if (other.ctx_ != nullptr) {
            detail::check(::xps_hash_copy(other.ctx_, &ctx_));
        }
    }
    Hash(Hash &&other) noexcept : ctx_(std::exchange(other.ctx_, nullptr)), alg_(other.alg_) {}
    Hash &operator=(const Hash &other) {
        if (this != &other) {
            Hash tmp(other);
            std::swap(ctx_, tmp.ctx_);
            alg_ = other.alg_;
        }
        return *this;
    }
    Hash &operator=(Hash &&other) noexcept {
        if (this != &other) {
            ::xps_hash_free(ctx_);
            ctx_ = std::exchange(other.ctx_, nullptr);
            alg_ = other.alg_;
        }
        return *this;
    }
    ~Hash() { ::xps_hash_free(ctx_); }

    /// Streaming BLAKE3 keyed hash (32-byte key).
    static Hash blake3_keyed(bytes_view key) {
        Hash h;
        detail::check(::xps_hash_new_blake3_keyed(key.data(), key.size(), &h.ctx_));
        return h;
    }
    /// Streaming BLAKE3 derive_key under a UTF-8 context; feed the key material with update().
    static Hash blake3_derive_key(std::string_view context) {
        Hash h;
        detail::check(::xps_hash_new_blake3_derive_key(reinterpret_cast<const std::uint8_t *>(context.data()), context.size(), &h.ctx_));
        return h;
    }

    /// The algorithm id (blake3 for the keyed / derive_key modes).
    std::uint32_t alg() const noexcept { return alg_; }

    Hash &update(bytes_view data) {
        detail::check(::xps_hash_update(ctx_, data.data(), data.size()));
        return *this;
    }
    /// Finishes: the digest (shake128/256: their default length, 32 / 64 bytes). The object is then
    /// finalized: further calls throw InvalidInputError (XPS_E_INVALID_STATE).
    std::vector<std::uint8_t> final() {
        std::vector<std::uint8_t> out(detail::default_hash_len(alg_));
        std::size_t n = 0;
        detail::check(::xps_hash_final(ctx_, out.data(), out.size(), &n));
        out.resize(n);
        return out;
    }
    std::vector<std::uint8_t> digest() { return final(); }
    /// Finishes an XOF stream (shake128, shake256, any BLAKE3 mode) with `length` bytes.
    std::vector<std::uint8_t> final_xof(std::size_t length) {
        std::vector<std::uint8_t> out(length);
        detail::check(::xps_hash_final_xof(ctx_, out.data(), out.size()));
        return out;
    }
    xps_hash_ctx *native() noexcept { return ctx_; }

private:
    Hash() = default;
    xps_hash_ctx *ctx_ = nullptr;
    std::uint32_t alg_ = XPS_ALG_BLAKE3;
};

// ------------------------------------------------------------------------------------------------
// MACs
// ------------------------------------------------------------------------------------------------

/// One-shot MAC (hmac-sha256/384/512, poly1305 — one-time key!, blake3-keyed): the full tag.
inline std::vector<std::uint8_t> hmac(Algorithm a, bytes_view key, bytes_view data) {
    std::vector<std::uint8_t> out(XPS_HASH_MAX_BYTES);
    std::size_t n = 0;
    detail::check(::xps_hmac(a, key.data(), key.size(), data.data(), data.size(), out.data(), out.size(), &n));
    out.resize(n);
    return out;
}

/// Constant-time check of a full-length tag: true/false; throws for misuse (wrong tag length, …).
inline bool hmac_verify(Algorithm a, bytes_view key, bytes_view data, bytes_view tag) {
    return detail::check_verify(::xps_hmac_verify(a, key.data(), key.size(), data.data(), data.size(), tag.data(), tag.size()));
}

/// Constant-time check of an HMAC tag truncated to tag.size() bytes (16 ≤ size ≤ full).
inline bool hmac_verify_truncated(Algorithm a, bytes_view key, bytes_view data, bytes_view tag) {
    return detail::check_verify(::xps_hmac_verify_truncated(a, key.data(), key.size(), data.data(), data.size(), tag.data(), tag.size()));
}

/// Streaming MAC. Copyable (copies the keyed state), movable.
class Mac {
public:
    Mac(Algorithm a, bytes_view key) { detail::check(::xps_mac_new(a, key.data(), key.size(), &ctx_)); }
    Mac(const Mac &other) : ctx_(nullptr) {
        if (other.ctx_ != nullptr) {
            detail::check(::xps_mac_copy(other.ctx_, &ctx_));
        }
    }
    Mac(Mac &&other) noexcept : ctx_(std::exchange(other.ctx_, nullptr)) {}
    Mac &operator=(const Mac &other) {
        if (this != &other) {
            Mac tmp(other);
            std::swap(ctx_, tmp.ctx_);
        }
        return *this;
    }
    Mac &operator=(Mac &&other) noexcept {
        if (this != &other) {
            ::xps_mac_free(ctx_);
            ctx_ = std::exchange(other.ctx_, nullptr);
        }
        return *this;
    }
    ~Mac() { ::xps_mac_free(ctx_); }

    Mac &update(bytes_view data) {
        detail::check(::xps_mac_update(ctx_, data.data(), data.size()));
        return *this;
    }
    /// The full tag; finalizes.
    std::vector<std::uint8_t> final() {
        std::vector<std::uint8_t> out(XPS_HASH_MAX_BYTES);
        std::size_t n = 0;
        detail::check(::xps_mac_final(ctx_, out.data(), out.size(), &n));
        out.resize(n);
        return out;
    }
    /// Constant-time check of a full-length tag; finalizes. False on mismatch, throws on misuse.
    bool verify(bytes_view tag) { return detail::check_verify(::xps_mac_verify_final(ctx_, tag.data(), tag.size())); }
    xps_mac_ctx *native() noexcept { return ctx_; }

private:
    xps_mac_ctx *ctx_ = nullptr;
};

// ------------------------------------------------------------------------------------------------
// AEADs
// ------------------------------------------------------------------------------------------------

/// Ciphertext and tag of a detached seal.
struct Sealed {
    std::vector<std::uint8_t> ciphertext;
    std::vector<std::uint8_t> tag;
};

/// One-shot seal: ciphertext || 16-byte tag. Never reuse a nonce under one key.
inline std::vector<std::uint8_t> aead_seal(Algorithm a, bytes_view key, bytes_view nonce, bytes_view plaintext, bytes_view aad = {}) {
    std::vector<std::uint8_t> out(plaintext.size() + XPS_AEAD_TAGBYTES);
    std::size_t n = 0;
    detail::check(::xps_aead_seal(a, key.data(), key.size(), nonce.data(), nonce.size(), aad.data(), aad.size(), plaintext.data(),
                                  plaintext.size(), out.data(), out.size(), &n));
    out.resize(n);
    return out;
}

/// One-shot open of ciphertext || tag; throws AuthenticationError if anything was altered.
inline std::vector<std::uint8_t> aead_open(Algorithm a, bytes_view key, bytes_view nonce, bytes_view sealed, bytes_view aad = {}) {
    std::vector<std::uint8_t> out(sealed.size() > XPS_AEAD_TAGBYTES ? sealed.size() - XPS_AEAD_TAGBYTES : 0);
    std::size_t n = 0;
    detail::check(::xps_aead_open(a, key.data(), key.size(), nonce.data(), nonce.size(), aad.data(), aad.size(), sealed.data(),
                                  sealed.size(), out.data(), out.size(), &n));
    out.resize(n);
    return out;
}

/// One-shot detached seal.
inline Sealed aead_seal_detached(Algorithm a, bytes_view key, bytes_view nonce, bytes_view plaintext, bytes_view aad = {}) {
    Sealed s{std::vector<std::uint8_t>(plaintext.size()), std::vector<std::uint8_t>(XPS_AEAD_TAGBYTES)};
    std::size_t n = 0;
    detail::check(::xps_aead_seal_detached(a, key.data(), key.size(), nonce.data(), nonce.size(), aad.data(), aad.size(),
                                           plaintext.data(), plaintext.size(), s.ciphertext.data(), s.ciphertext.size(), &n,
                                           s.tag.data(), s.tag.size()));
    s.ciphertext.resize(n);
    return s;
}

/// One-shot detached open; throws AuthenticationError if anything was altered.
inline std::vector<std::uint8_t> aead_open_detached(Algorithm a, bytes_view key, bytes_view nonce, bytes_view ciphertext, bytes_view tag,
                                                    bytes_view aad = {}) {
    std::vector<std::uint8_t> out(ciphertext.size());
    std::size_t n = 0;
    detail::check(::xps_aead_open_detached(a, key.data(), key.size(), nonce.data(), nonce.size(), aad.data(), aad.size(),
                                           ciphertext.data(), ciphertext.size(), tag.data(), tag.size(), out.data(), out.size(), &n));
    out.resize(n);
    return out;
}

/// A reusable AEAD key (raw key in secure memory, schedule cached). Move-only; thread-safe for
/// concurrent seal/open.
class AeadKey {
public:
    AeadKey(Algorithm a, bytes_view key) { detail::check(::xps_aead_key_new(a, key.data(), key.size(), &k_)); }
    AeadKey(const AeadKey &) = delete;
    AeadKey &operator=(const AeadKey &) = delete;
    AeadKey(AeadKey &&other) noexcept : k_(std::exchange(other.k_, nullptr)) {}
    AeadKey &operator=(AeadKey &&other) noexcept {
        if (this != &other) {
            ::xps_aead_key_free(k_);
            k_ = std::exchange(other.k_, nullptr);
        }
        return *this;
    }
    ~AeadKey() { ::xps_aead_key_free(k_); }

    /// The algorithm id (0 for a moved-from key).
    std::uint32_t alg() const noexcept { return ::xps_aead_key_alg(k_); }
    std::size_t noncebytes() const noexcept { return ::xps_aead_noncebytes(alg()); }

    std::vector<std::uint8_t> seal(bytes_view nonce, bytes_view plaintext, bytes_view aad = {}) const {
        std::vector<std::uint8_t> out(plaintext.size() + XPS_AEAD_TAGBYTES);
        std::size_t n = 0;
        detail::check(::xps_aead_key_seal(k_, nonce.data(), nonce.size(), aad.data(), aad.size(), plaintext.data(), plaintext.size(),
                                          out.data(), out.size(), &n));
        out.resize(n);
        return out;
    }
    std::vector<std::uint8_t> open(bytes_view nonce, bytes_view sealed, bytes_view aad = {}) const {
        std::vector<std::uint8_t> out(sealed.size() > XPS_AEAD_TAGBYTES ? sealed.size() - XPS_AEAD_TAGBYTES : 0);
        std::size_t n = 0;
        detail::check(::xps_aead_key_open(k_, nonce.data(), nonce.size(), aad.data(), aad.size(), sealed.data(), sealed.size(),
                                          out.data(), out.size(), &n));
        out.resize(n);
        return out;
    }
    Sealed seal_detached(bytes_view nonce, bytes_view plaintext, bytes_view aad = {}) const {
        Sealed s{std::vector<std::uint8_t>(plaintext.size()), std::vector<std::uint8_t>(XPS_AEAD_TAGBYTES)};
        std::size_t n = 0;
        detail::check(::xps_aead_key_seal_detached(k_, nonce.data(), nonce.size(), aad.data(), aad.size(), plaintext.data(),
                                                   plaintext.size(), s.ciphertext.data(), s.ciphertext.size(), &n, s.tag.data(),
                                                   s.tag.size()));
        s.ciphertext.resize(n);
        return s;
    }
    std::vector<std::uint8_t> open_detached(bytes_view nonce, bytes_view ciphertext, bytes_view tag, bytes_view aad = {}) const {
        std::vector<std::uint8_t> out(ciphertext.size());
        std::size_t n = 0;
        detail::check(::xps_aead_key_open_detached(k_, nonce.data(), nonce.size(), aad.data(), aad.size(), ciphertext.data(),
                                                   ciphertext.size(), tag.data(), tag.size(), out.data(), out.size(), &n));
        out.resize(n);
        return out;
    }
    const xps_aead_key *native() const noexcept { return k_; }

private:
    xps_aead_key *k_ = nullptr;
};

// ------------------------------------------------------------------------------------------------
// KDFs
// ------------------------------------------------------------------------------------------------

/// HKDF (hkdf-sha256/384/512): `length` bytes (1..=255*HashLen).
inline std::vector<std::uint8_t> hkdf(Algorithm a, bytes_view ikm, bytes_view salt, bytes_view info, std::size_t length) {
    std::vector<std::uint8_t> out(length);
    detail::check(::xps_hkdf(a, ikm.data(), ikm.size(), salt.data(), salt.size(), info.data(), info.size(), out.data(), out.size()));
    return out;
}

/// HKDF-Extract: the PRK (HashLen bytes).
inline std::vector<std::uint8_t> hkdf_extract(Algorithm a, bytes_view salt, bytes_view ikm) {
    std::vector<std::uint8_t> prk(XPS_HASH_MAX_BYTES);
    std::size_t n = 0;
    detail::check(::xps_hkdf_extract(a, salt.data(), salt.size(), ikm.data(), ikm.size(), prk.data(), prk.size(), &n));
    prk.resize(n);
    return prk;
}

/// HKDF-Expand: `length` bytes from a PRK (≥ HashLen bytes) and info.
inline std::vector<std::uint8_t> hkdf_expand(Algorithm a, bytes_view prk, bytes_view info, std::size_t length) {
    std::vector<std::uint8_t> out(length);
    detail::check(::xps_hkdf_expand(a, prk.data(), prk.size(), info.data(), info.size(), out.data(), out.size()));
    return out;
}

/// PBKDF2 (pbkdf2-sha256/512).
inline std::vector<std::uint8_t> pbkdf2(Algorithm a, bytes_view password, bytes_view salt, std::uint32_t iterations, std::size_t length) {
    std::vector<std::uint8_t> out(length);
    detail::check(::xps_pbkdf2(a, password.data(), password.size(), salt.data(), salt.size(), iterations, out.data(), out.size()));
    return out;
}

/// Argon2id (v0x13) with optional secret and associated data (each ≤ 32 bytes).
inline std::vector<std::uint8_t> argon2id(bytes_view password, bytes_view salt, std::uint32_t t_cost, std::uint32_t m_cost_kib,
                                          std::uint32_t parallelism, std::size_t length, bytes_view secret = {}, bytes_view ad = {}) {
    std::vector<std::uint8_t> out(length);
    detail::check(::xps_argon2id_ex(password.data(), password.size(), salt.data(), salt.size(), t_cost, m_cost_kib, parallelism,
                                    secret.data(), secret.size(), ad.data(), ad.size(), out.data(), out.size()));
    return out;
}

// ------------------------------------------------------------------------------------------------
// Randomness, constant time, secure memory
// ------------------------------------------------------------------------------------------------

/// `n` bytes from the operating system CSPRNG.
inline std::vector<std::uint8_t> random_bytes(std::size_t n) {
    std::vector<std::uint8_t> out(n);
    detail::check(::xps_random_bytes(out.data(), out.size()));
    return out;
}

/// Constant-time equality (false when the sizes differ; the sizes themselves are not secret).
inline bool ct_equal(bytes_view a, bytes_view b) noexcept {
    return a.size() == b.size() && ::xps_ct_equal(a.data(), b.data(), a.size()) == 1;
}

/// Constant-time all-zero test.
inline bool ct_is_zero(bytes_view a) noexcept { return ::xps_ct_is_zero(a.data(), a.size()) == 1; }

/// Zeroes memory (not optimized away).
inline void secure_zero(void *p, std::size_t n) noexcept { ::xps_secure_zero(p, n); }
inline void secure_zero(std::vector<std::uint8_t> &v) noexcept { ::xps_secure_zero(v.data(), v.size()); }

/// Guard-paged, mlock'ed, never-dumped memory, wiped on destruction. Move-only.
class SecureBuffer {
public:
    explicit SecureBuffer(std::size_t n) : n_(n) {
        void *p = nullptr;
        detail::check(::xps_secure_alloc(n, &p));
        p_ = static_cast<std::uint8_t *>(p);
    }
    /// A secure copy of `bytes` (which must not be empty).
    static SecureBuffer copy_of(bytes_view bytes) {
        SecureBuffer b(bytes.size());
        if (!bytes.empty()) {
            std::memcpy(b.data(), bytes.data(), bytes.size());
        }
        return b;
    }
    SecureBuffer(const SecureBuffer &) = delete;
    SecureBuffer &operator=(const SecureBuffer &) = delete;
    SecureBuffer(SecureBuffer &&o) noexcept : p_(std::exchange(o.p_, nullptr)), n_(std::exchange(o.n_, 0)) {}
    SecureBuffer &operator=(SecureBuffer &&o) noexcept {
        if (this != &o) {
            ::xps_secure_free(p_);
            p_ = std::exchange(o.p_, nullptr);
            n_ = std::exchange(o.n_, 0);
        }
        return *this;
    }
    ~SecureBuffer() { ::xps_secure_free(p_); }

    std::uint8_t *data() noexcept { return p_; }
    const std::uint8_t *data() const noexcept { return p_; }
    std::size_t size() const noexcept { return n_; }
    bool empty() const noexcept { return n_ == 0; }
    std::uint8_t *begin() noexcept { return p_; }
    std::uint8_t *end() noexcept { return p_ + n_; }
    const std::uint8_t *begin() const noexcept { return p_; }
    const std::uint8_t *end() const noexcept { return p_ + n_; }
    std::uint8_t &operator[](std::size_t i) noexcept { return p_[i]; }
    const std::uint8_t &operator[](std::size_t i) const noexcept { return p_[i]; }
    /// Whether the pages are locked in RAM (false if mlock failed; see secure_lock_failures()).
    bool is_locked() const noexcept { return p_ != nullptr && ::xps_secure_is_locked(p_) == 1; }
    bytes_view view() const noexcept { return bytes_view(p_, n_); }

private:
    std::uint8_t *p_ = nullptr;
    std::size_t n_ = 0;
};

inline bytes_view::bytes_view(const SecureBuffer &b) noexcept : p_(b.data()), n_(b.size()) {}

/// How many secure allocations (including AEAD key handles) failed to mlock so far.
inline std::uint64_t secure_lock_failures() noexcept { return ::xps_secure_lock_failures(); }

// ------------------------------------------------------------------------------------------------
// Signatures and KEMs
// ------------------------------------------------------------------------------------------------

/// A key pair: the public key and the secret key (in secure memory).
struct KeyPair {
    std::vector<std::uint8_t> public_key;
    SecureBuffer secret_key;
};

/// Options of sign() / verify(): a context string (ML-DSA and the hybrid: up to 255 bytes; other
/// algorithms take none) and deterministic signing (sign() only; refused by Falcon and RSA-PSS).
struct SignOptions {
    bytes_view context{};
    bool deterministic = false;
};

/// Result of kem_encapsulate(): the ciphertext (x25519: the ephemeral public key) and the shared
/// secret (in secure memory).
struct Encapsulation {
    std::vector<std::uint8_t> ciphertext;
    SecureBuffer shared_secret;
};

inline std::size_t sign_publickeybytes(Algorithm a) noexcept { return ::xps_sign_publickeybytes(a); }
inline std::size_t sign_secretkeybytes(Algorithm a) noexcept { return ::xps_sign_secretkeybytes(a); }
inline std::size_t sign_bytes(Algorithm a) noexcept { return ::xps_sign_bytes(a); }
inline std::size_t sign_seedbytes(Algorithm a) noexcept { return ::xps_sign_seedbytes(a); }
inline std::size_t sign_contextbytes(Algorithm a) noexcept { return ::xps_sign_contextbytes(a); }
inline std::size_t kem_publickeybytes(Algorithm a) noexcept { return ::xps_kem_publickeybytes(a); }
inline std::size_t kem_secretkeybytes(Algorithm a) noexcept { return ::xps_kem_secretkeybytes(a); }
inline std::size_t kem_ciphertextbytes(Algorithm a) noexcept { return ::xps_kem_ciphertextbytes(a); }
inline std::size_t kem_sharedsecretbytes(Algorithm a) noexcept { return ::xps_kem_sharedsecretbytes(a); }
inline std::size_t kem_seedbytes(Algorithm a) noexcept { return ::xps_kem_seedbytes(a); }
inline std::size_t kem_encapsseedbytes(Algorithm a) noexcept { return ::xps_kem_encapsseedbytes(a); }

namespace detail {
/// A secure buffer of `n` bytes (≥ 1: a zero size means the library will report the error).
inline SecureBuffer secure_of(std::size_t n) { return SecureBuffer(n ? n : 1); }
/// The first `n` bytes of `b` (a fresh secure copy when shorter).
inline SecureBuffer secure_prefix(SecureBuffer b, std::size_t n) {
    if (n == b.size()) {
        return b;
    }
    SecureBuffer t(n ? n : 1);
    std::memcpy(t.data(), b.data(), n);
    return t;
}
inline std::uint32_t sign_flags(const SignOptions &o) noexcept { return o.deterministic ? XPS_SIGN_DETERMINISTIC : 0u; }
/// For signature verification: true on XPS_OK, false on XPS_E_BAD_SIGNATURE, throw otherwise.
inline bool check_signature(xps_status s) {
    if (s == XPS_OK) {
        return true;
    }
    if (s == XPS_E_BAD_SIGNATURE) {
        return false;
    }
    throw_status(s);
}
}  // namespace detail

/// Signature key generation: random, or from `seed` (xps::sign_seedbytes(a) bytes; KATs and
/// deterministic derivation).
inline KeyPair sign_keypair(Algorithm a, bytes_view seed = {}) {
    std::vector<std::uint8_t> pk(::xps_sign_publickeybytes(a));
    SecureBuffer sk = detail::secure_of(::xps_sign_secretkeybytes(a));
    std::size_t pl = 0, sl = 0;
    detail::check(::xps_sign_keypair(a, seed.data(), seed.size(), pk.data(), pk.size(), &pl, sk.data(), pk.empty() ? 0 : sk.size(), &sl));
    pk.resize(pl);
    return KeyPair{std::move(pk), detail::secure_prefix(std::move(sk), sl)};
}

/// The public key of a secret key.
inline std::vector<std::uint8_t> sign_public_from_secret(Algorithm a, bytes_view secret_key) {
    std::vector<std::uint8_t> pk(::xps_sign_publickeybytes(a));
    std::size_t n = 0;
    detail::check(::xps_sign_public_from_secret(a, secret_key.data(), secret_key.size(), pk.data(), pk.size(), &n));
    pk.resize(n);
    return pk;
}

/// Signs `msg` (options: context, deterministic).
inline std::vector<std::uint8_t> sign(Algorithm a, bytes_view secret_key, bytes_view msg, const SignOptions &opts = {}) {
    std::vector<std::uint8_t> sig(::xps_sign_bytes(a));
    std::size_t n = 0;
    detail::check(::xps_sign_ex(a, secret_key.data(), secret_key.size(), msg.data(), msg.size(), opts.context.data(), opts.context.size(),
                                detail::sign_flags(opts), sig.data(), sig.size(), &n));
    sig.resize(n);
    return sig;
}

/// Verifies: true if valid, false for a well-formed signature that does not verify; throws
/// InvalidInputError for malformed lengths, keys or contexts.
inline bool verify(Algorithm a, bytes_view public_key, bytes_view msg, bytes_view sig, const SignOptions &opts = {}) {
    return detail::check_signature(::xps_verify_ex(a, public_key.data(), public_key.size(), msg.data(), msg.size(), opts.context.data(),
                                                   opts.context.size(), sig.data(), sig.size()));
}

/// Hazmat: the FIPS 204/205 internal signing interface over `m_prime` as given (no context
/// prefix, no domain separation) — for NIST ACVP internal-interface vectors, not applications.
namespace hazmat {
/// `ML-DSA.Sign_internal` / `slh_sign_internal`; `rnd` (ML-DSA 32 bytes, SLH-DSA 16 bytes) empty =
/// the deterministic variant.
inline std::vector<std::uint8_t> sign_internal(Algorithm a, bytes_view secret_key, bytes_view m_prime, bytes_view rnd = {}) {
    std::vector<std::uint8_t> sig(::xps_sign_bytes(a));
    std::size_t n = 0;
    detail::check(::xps_hazmat_sign_internal(a, secret_key.data(), secret_key.size(), m_prime.data(), m_prime.size(), rnd.data(), rnd.size(),
                                             sig.data(), sig.size(), &n));
    sig.resize(n);
    return sig;
}

/// `ML-DSA.Verify_internal` / `slh_verify_internal`: true / false; throws for malformed input.
inline bool verify_internal(Algorithm a, bytes_view public_key, bytes_view m_prime, bytes_view sig) {
    return detail::check_signature(
        ::xps_hazmat_verify_internal(a, public_key.data(), public_key.size(), m_prime.data(), m_prime.size(), sig.data(), sig.size()));
}
}  // namespace hazmat

/// KEM key generation: random, or from `seed` (ML-KEM: d ‖ z, 64 bytes).
inline KeyPair kem_keypair(Algorithm a, bytes_view seed = {}) {
    std::vector<std::uint8_t> pk(::xps_kem_publickeybytes(a));
    SecureBuffer sk = detail::secure_of(::xps_kem_secretkeybytes(a));
    std::size_t pl = 0, sl = 0;
    detail::check(::xps_kem_keypair(a, seed.data(), seed.size(), pk.data(), pk.size(), &pl, sk.data(), pk.empty() ? 0 : sk.size(), &sl));
    pk.resize(pl);
    return KeyPair{std::move(pk), detail::secure_prefix(std::move(sk), sl)};
}

/// Encapsulation to `public_key`: random, or derandomized from `seed` (KATs only).
inline Encapsulation kem_encapsulate(Algorithm a, bytes_view public_key, bytes_view seed = {}) {
    std::vector<std::uint8_t> ct(::xps_kem_ciphertextbytes(a));
    SecureBuffer ss = detail::secure_of(::xps_kem_sharedsecretbytes(a));
    std::size_t cl = 0, sl = 0;
    detail::check(::xps_kem_encapsulate(a, public_key.data(), public_key.size(), seed.data(), seed.size(), ct.data(), ct.size(), &cl,
                                        ss.data(), ct.empty() ? 0 : ss.size(), &sl));
    ct.resize(cl);
    return Encapsulation{std::move(ct), detail::secure_prefix(std::move(ss), sl)};
}

/// Decapsulation (x25519: `ciphertext` is the peer's public key, i.e. plain DH).
inline SecureBuffer kem_decapsulate(Algorithm a, bytes_view secret_key, bytes_view ciphertext) {
    const std::size_t want = ::xps_kem_sharedsecretbytes(a);
    SecureBuffer ss = detail::secure_of(want);
    std::size_t n = 0;
    detail::check(::xps_kem_decapsulate(a, secret_key.data(), secret_key.size(), ciphertext.data(), ciphertext.size(), ss.data(),
                                        want, &n));
    return detail::secure_prefix(std::move(ss), n);
}

/// A signing key handle (secret key in secure memory inside the library). Move-only; thread-safe
/// for concurrent signing.
class SigningKey {
public:
    SigningKey(Algorithm a, bytes_view secret_key) { detail::check(::xps_sign_key_new(a, secret_key.data(), secret_key.size(), &k_)); }
    /// A fresh key (random, or from `seed`).
    static SigningKey generate(Algorithm a, bytes_view seed = {}) { return SigningKey(a, sign_keypair(a, seed).secret_key); }
    SigningKey(const SigningKey &) = delete;
    SigningKey &operator=(const SigningKey &) = delete;
    SigningKey(SigningKey &&other) noexcept : k_(std::exchange(other.k_, nullptr)) {}
    SigningKey &operator=(SigningKey &&other) noexcept {
        if (this != &other) {
            ::xps_sign_key_free(k_);
            k_ = std::exchange(other.k_, nullptr);
        }
        return *this;
    }
    ~SigningKey() { ::xps_sign_key_free(k_); }

    /// The algorithm id (0 for a moved-from key).
    std::uint32_t alg() const noexcept { return ::xps_sign_key_alg(k_); }
    std::vector<std::uint8_t> public_key() const {
        std::vector<std::uint8_t> pk(::xps_sign_publickeybytes(alg()));
        std::size_t n = 0;
        detail::check(::xps_sign_key_public(k_, pk.data(), pk.size(), &n));
        pk.resize(n);
        return pk;
    }
    std::vector<std::uint8_t> sign(bytes_view msg, const SignOptions &opts = {}) const {
        std::vector<std::uint8_t> sig(::xps_sign_bytes(alg()));
        std::size_t n = 0;
        detail::check(::xps_sign_key_sign_ex(k_, msg.data(), msg.size(), opts.context.data(), opts.context.size(), detail::sign_flags(opts),
                                             sig.data(), sig.size(), &n));
        sig.resize(n);
        return sig;
    }
    const xps_sign_key *native() const noexcept { return k_; }

private:
    xps_sign_key *k_ = nullptr;
};

/// A decapsulation key handle (secret key in secure memory inside the library). Move-only;
/// thread-safe for concurrent decapsulation.
class KemKey {
public:
    KemKey(Algorithm a, bytes_view secret_key) { detail::check(::xps_kem_key_new(a, secret_key.data(), secret_key.size(), &k_)); }
    KemKey(const KemKey &) = delete;
    KemKey &operator=(const KemKey &) = delete;
    KemKey(KemKey &&other) noexcept : k_(std::exchange(other.k_, nullptr)) {}
    KemKey &operator=(KemKey &&other) noexcept {
        if (this != &other) {
            ::xps_kem_key_free(k_);
            k_ = std::exchange(other.k_, nullptr);
        }
        return *this;
    }
    ~KemKey() { ::xps_kem_key_free(k_); }

    /// The algorithm id (0 for a moved-from key).
    std::uint32_t alg() const noexcept { return ::xps_kem_key_alg(k_); }
    SecureBuffer decapsulate(bytes_view ciphertext) const {
        const std::size_t want = ::xps_kem_sharedsecretbytes(alg());
        SecureBuffer ss = detail::secure_of(want);
        std::size_t n = 0;
        detail::check(::xps_kem_key_decapsulate(k_, ciphertext.data(), ciphertext.size(), ss.data(), want, &n));
        return detail::secure_prefix(std::move(ss), n);
    }
    const xps_kem_key *native() const noexcept { return k_; }

private:
    xps_kem_key *k_ = nullptr;
};

// ------------------------------------------------------------------------------------------------
// CPU features, dispatch, policy
// ------------------------------------------------------------------------------------------------

namespace detail {
inline std::vector<std::string> feature_names(std::uint64_t mask) {
    std::vector<std::string> v;
    for (std::uint32_t bit = 0; bit < 64; ++bit) {
        if ((mask >> bit) & 1u) {
            const char *n = ::xps_cpu_feature_name(bit);
            v.emplace_back(n ? n : "bit" + std::to_string(bit));
        }
    }
    return v;
}
}  // namespace detail

/// Names of the CPU features kernels may use (hardware minus XPS_CPU_DISABLE).
inline std::vector<std::string> cpu_features() { return detail::feature_names(::xps_cpu_features()); }
/// Names of the CPU features the hardware reports.
inline std::vector<std::string> cpu_hardware_features() { return detail::feature_names(::xps_cpu_hardware_features()); }
inline std::uint64_t cpu_features_mask() noexcept { return ::xps_cpu_features(); }

/// One candidate kernel of a dispatch operation.
struct DispatchCandidate {
    std::string name;
    bool available = false;
};

/// A dispatch operation, its candidates and the active kernel.
struct DispatchOp {
    std::string name;
    std::string active;
    std::vector<DispatchCandidate> candidates;
};

/// Name of the active kernel of `op`; throws DispatchError (XPS_E_UNKNOWN_OP) for an unknown op.
inline std::string dispatch_active_kernel(const std::string &op) {
    const char *k = ::xps_dispatch_active_kernel(op.c_str());
    if (k == nullptr) {
        throw DispatchError(XPS_E_UNKNOWN_OP, ::xps_last_error_detail());
    }
    return k;
}

/// Every dispatch operation with its candidates and active kernel.
inline std::vector<DispatchOp> dispatch_info() {
    std::vector<DispatchOp> ops;
    const std::size_t n = ::xps_dispatch_op_count();
    ops.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        DispatchOp op;
        const char *name = ::xps_dispatch_op_name(i);
        op.name = name ? name : "";
        const char *act = name ? ::xps_dispatch_active_kernel(name) : nullptr;
        op.active = act ? act : "";
        const std::size_t c = ::xps_dispatch_candidate_count(i);
        for (std::size_t k = 0; k < c; ++k) {
            const char *cn = ::xps_dispatch_candidate_name(i, k);
            op.candidates.push_back(DispatchCandidate{cn ? cn : "", ::xps_dispatch_candidate_available(i, k) == 1});
        }
        ops.push_back(std::move(op));
    }
    return ops;
}

/// Forces `kernel` for `op` until dispatch_reset(); throws DispatchError (unknown op/kernel, unavailable).
inline void dispatch_force(const std::string &op, const std::string &kernel) { detail::check(::xps_dispatch_force(op.c_str(), kernel.c_str())); }
/// Back to automatic selection.
inline void dispatch_reset() { detail::check(::xps_dispatch_reset()); }
/// Generation of the active dispatch table (increments on every switch).
inline std::uint64_t dispatch_generation() noexcept { return ::xps_dispatch_generation(); }
/// Autotune on: time the candidates per size bucket now and publish the fastest; off: by priority.
inline void dispatch_set_autotune(bool on) { detail::check(::xps_dispatch_set_autotune(on ? 1 : 0)); }
inline bool dispatch_autotune_enabled() noexcept { return ::xps_dispatch_autotune_enabled() == 1; }
/// The kernel `op` runs for `len` bytes; throws DispatchError (XPS_E_UNKNOWN_OP) for an unknown op.
inline std::string dispatch_kernel_for_size(const std::string &op, std::size_t len) {
    const char *k = ::xps_dispatch_kernel_for_size(op.c_str(), len);
    if (k == nullptr) {
        throw DispatchError(XPS_E_UNKNOWN_OP, ::xps_last_error_detail());
    }
    return k;
}

inline void policy_set_isa_mask(std::uint64_t mask) { detail::check(::xps_policy_set_isa_mask(mask)); }
inline std::uint64_t policy_isa_mask() noexcept { return ::xps_policy_isa_mask(); }
inline void policy_set_ct_only(bool on) { detail::check(::xps_policy_set_ct_only(on ? 1 : 0)); }
inline void policy_set_require_mlock(bool on) { detail::check(::xps_policy_set_require_mlock(on ? 1 : 0)); }

// ---------------------------------------------------------------------------------------------
// Policy (the whole set; FIPS-like mode) and metrics. Refusals by the policy throw PolicyError
// (XPS_E_POLICY_DENIED) whose detail names the rule.
// ---------------------------------------------------------------------------------------------

/// The whole process-wide policy (the C struct `xps_policy`): get it, change fields, replace it.
using Policy = ::xps_policy;

/// The current policy.
inline Policy policy_get() {
    Policy p{};
    detail::check(::xps_policy_get(&p));
    return p;
}
/// The default policy (everything allowed, no FIPS mode).
inline Policy policy_default() {
    Policy p{};
    detail::check(::xps_policy_default(&p));
    return p;
}
/// Replaces the policy atomically (FIPS mode runs the self-tests again and forces CT-only).
inline void policy_replace(const Policy &p) { detail::check(::xps_policy_replace(&p)); }
/// Whether algorithm `alg` is in the allowed set of `p` (its bit; FIPS mode not applied).
inline bool policy_allows(const Policy &p, std::uint32_t alg) noexcept {
    return (alg >> 8) < XPS_POLICY_ALG_WORDS && ((p.allowed_algorithms[alg >> 8] >> (alg & 63u)) & 1u) != 0;
}
/// Adds `alg` to (or removes it from) the allowed set of `p` (apply with policy_replace).
inline void policy_set_allowed(Policy &p, std::uint32_t alg, bool allowed) noexcept {
    if ((alg >> 8) >= XPS_POLICY_ALG_WORDS) return;
    const std::uint64_t bit = std::uint64_t{1} << (alg & 63u);
    p.allowed_algorithms[alg >> 8] = allowed ? (p.allowed_algorithms[alg >> 8] | bit) : (p.allowed_algorithms[alg >> 8] & ~bit);
}
inline void policy_set_fips_mode(bool on) { detail::check(::xps_policy_set_fips_mode(on ? 1 : 0)); }
inline bool policy_fips_mode() noexcept { return ::xps_policy_fips_mode() == 1; }
inline void policy_set_hot_patch_allowed(bool on) { detail::check(::xps_policy_set_hot_patch_allowed(on ? 1 : 0)); }
inline bool policy_hot_patch_allowed() noexcept { return ::xps_policy_hot_patch_allowed() == 1; }
/// Adds an algorithm (by name) to the allowed set of the current policy, or removes it.
inline void policy_allow_algorithm(std::string_view name, bool allowed = true) { detail::check(::xps_policy_allow_algorithm(alg(name), allowed ? 1 : 0)); }
/// Whether an algorithm may run under the current policy (allowed, FIPS-approved in FIPS mode).
inline bool policy_algorithm_allowed(std::string_view name) { return ::xps_policy_algorithm_allowed(alg(name)) == 1; }
/// Whether an algorithm is FIPS-approved (SECURITY.md has the table and the reasons).
inline bool fips_approved(std::string_view name) { return ::xps_fips_approved(alg(name)) == 1; }

/// Counters of one (op, kernel) pair.
struct MetricEntry {
    std::string op;      ///< e.g. "hash.sha256", "aead.aes-256-gcm.seal"
    std::string alg;     ///< canonical algorithm name
    std::string kernel;  ///< the kernel that ran; "none" if refused before one ran
    std::uint32_t alg_id = 0;
    std::uint64_t calls = 0;
    std::uint64_t bytes = 0;
    std::uint64_t failures = 0;
};
/// Event counters (self-tests, mlock failures, hot-patch and keyring events).
using MetricEvents = ::xps_metric_events;

/// Every (op, kernel) counter, summed over all threads.
inline std::vector<MetricEntry> metrics_snapshot() {
    std::size_t n = 0;
    std::vector<xps_metric_entry> raw;
    xps_status s;
    do {  // new entries may appear between the two calls
        raw.resize(n + 16);
        s = ::xps_metrics_snapshot(raw.data(), raw.size(), &n);
    } while (s == XPS_E_BUFFER_TOO_SMALL);
    detail::check(s);
    std::vector<MetricEntry> out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        const auto &e = raw[i];
        out.push_back(MetricEntry{e.op, e.alg, e.kernel, e.alg_id, e.calls, e.bytes, e.failures});
    }
    return out;
}
/// The event counters.
inline MetricEvents metrics_events() {
    MetricEvents e{};
    detail::check(::xps_metrics_events(&e));
    return e;
}
/// Starts every counter from zero again.
inline void metrics_reset() { detail::check(::xps_metrics_reset()); }
/// Count operations (the default) or not.
inline void metrics_set_enabled(bool on) { detail::check(::xps_metrics_set_enabled(on ? 1 : 0)); }
inline bool metrics_enabled() noexcept { return ::xps_metrics_enabled() == 1; }
/// The metrics as Prometheus text exposition (format 0.0.4).
inline std::string metrics_prometheus() {
    std::size_t need = 0;
    std::string out;
    xps_status s = ::xps_metrics_prometheus(nullptr, 0, &need);
    while (s == XPS_E_BUFFER_TOO_SMALL) {  // the text may grow between the two calls
        out.assign(need + 256, '\0');
        s = ::xps_metrics_prometheus(&out[0], out.size(), &need);
    }
    detail::check(s);
    out.resize(need);
    return out;
}

// ---------------------------------------------------------------------------------------------
// Hot-patch (docs/HOTPATCH.md). Refusals throw DispatchError whose status names the failing step
// (XPS_E_PATCH_DIGEST, ...; patch_step_name() gives "digest", ...).
// ---------------------------------------------------------------------------------------------

/// What patch_apply / patch_rollback did.
struct PatchReport {
    std::string patch_id;
    std::uint64_t version = 0;
    std::uint64_t previous_generation = 0;
    std::uint64_t new_generation = 0;
    std::uint32_t op_count = 0;
    std::uint32_t signer_count = 0;
    std::array<std::uint8_t, 32> payload_sha256{};
};

/// One generation created by an apply or a rollback.
struct PatchHistoryEntry {
    std::uint64_t generation = 0;
    std::uint64_t previous_generation = 0;
    bool is_apply = false;
    std::uint64_t version = 0;
    std::string patch_id;
};

namespace detail {
inline std::string id_string(const char (&id)[XPS_PATCH_ID_BYTES]) { return std::string(id, std::find(id, id + XPS_PATCH_ID_BYTES, '\0')); }
inline PatchReport to_report(const xps_patch_report &r) {
    PatchReport o;
    o.patch_id = detail::id_string(r.patch_id);
    o.version = r.version;
    o.previous_generation = r.previous_generation;
    o.new_generation = r.new_generation;
    o.op_count = r.op_count;
    o.signer_count = r.signer_count;
    std::copy(std::begin(r.payload_sha256), std::end(r.payload_sha256), o.payload_sha256.begin());
    return o;
}
}  // namespace detail

/// Verifies, self-tests and activates a signed patch module (payload = the library's bytes).
inline PatchReport patch_apply(bytes_view manifest, bytes_view payload, bytes_view trust_store, bool allow_downgrade = false) {
    xps_patch_report r{};
    detail::check(::xps_patch_apply(manifest.data(), manifest.size(), payload.data(), payload.size(), trust_store.data(), trust_store.size(),
                                    allow_downgrade ? XPS_PATCH_ALLOW_DOWNGRADE : 0u, &r));
    return detail::to_report(r);
}
/// Removes the newest applied patch.
inline PatchReport patch_rollback() {
    xps_patch_report r{};
    detail::check(::xps_patch_rollback(&r));
    return detail::to_report(r);
}
/// Generations created by apply/rollback, oldest first.
inline std::vector<PatchHistoryEntry> patch_history() {
    std::size_t n = 0;
    std::vector<xps_patch_history_entry> raw;
    xps_status s;
    do {  // the history may grow between the two calls
        raw.resize(n + 8);
        s = ::xps_patch_history(raw.data(), raw.size(), &n);
    } while (s == XPS_E_BUFFER_TOO_SMALL);
    detail::check(s);
    std::vector<PatchHistoryEntry> out;
    for (std::size_t i = 0; i < n; ++i) {
        const auto &e = raw[i];
        out.push_back(PatchHistoryEntry{e.generation, e.previous_generation, e.action == XPS_PATCH_ACTION_APPLY, e.version,
                                        detail::id_string(e.patch_id)});
    }
    return out;
}
/// Number of applied patches.
inline std::size_t patch_applied_count() noexcept { return ::xps_patch_applied_count(); }
/// Checks manifest + payload against a trust store without loading (throws on failure).
inline void patch_verify(bytes_view manifest, bytes_view payload, bytes_view trust_store) {
    detail::check(::xps_patch_verify(manifest.data(), manifest.size(), payload.data(), payload.size(), trust_store.data(), trust_store.size()));
}
/// Adds `signer`'s Ed25519 signature (32-byte secret key) to a manifest; returns the new JSON.
inline std::string patch_sign_manifest(bytes_view manifest, const std::string &signer, bytes_view ed25519_secret_key) {
    std::size_t n = 0;
    xps_status s = ::xps_patch_sign_manifest(manifest.data(), manifest.size(), signer.c_str(), ed25519_secret_key.data(), ed25519_secret_key.size(),
                                             nullptr, 0, nullptr, 0, &n);
    if (s != XPS_E_BUFFER_TOO_SMALL) detail::check(s);
    std::string out(n, '\0');
    detail::check(::xps_patch_sign_manifest(manifest.data(), manifest.size(), signer.c_str(), ed25519_secret_key.data(), ed25519_secret_key.size(),
                                            nullptr, 0, reinterpret_cast<std::uint8_t *>(&out[0]), out.size(), &n));
    out.resize(n);
    return out;
}
/// Audit log file (empty string: back to $XPS_PATCH_AUDIT_LOG).
inline void patch_set_audit_log(const std::string &path) {
    detail::check(::xps_patch_set_audit_log(path.empty() ? nullptr : path.c_str()));
}
/// The pipeline step of an XPS_E_PATCH_* status ("digest", ...), empty for other statuses.
inline std::string patch_step_name(xps_status s) {
    const char *n = ::xps_patch_step_name(s);
    return n ? n : "";
}
/// The kernel ABI version patch modules must be built for.
inline std::uint32_t kernel_abi_version() noexcept { return ::xps_kernel_abi_version(); }

// ---------------------------------------------------------------------------------------------
// Keyring (docs/KEYRING.md): named, versioned keys with rotation, self-describing envelopes, an
// encrypted crash-safe keyring file, lifecycle events. Descriptions come back as JSON text.
// ---------------------------------------------------------------------------------------------

/// A key's rotation policy (0 in max_age / max_uses = no limit; seconds).
struct RotationPolicy {
    std::uint64_t max_age = 0;
    std::uint64_t max_uses = 0;
    std::uint64_t overlap = 0;
};

/// A lifecycle event (never material).
struct KeyringEvent {
    std::uint32_t kind = 0;  ///< XPS_KEYRING_EVENT_*
    std::string kind_name;   ///< "rotated", "retired", ...
    std::string key;
    std::uint32_t old_version = 0;  ///< 0 = none
    std::uint32_t new_version = 0;  ///< 0 = none
    std::uint64_t time = 0;
    std::string actor;
    std::string reason;
};

/// How a keyring file is protected.
struct Kek {
    std::uint32_t kind;
    std::vector<std::uint8_t> bytes;  ///< passphrase or 32-byte raw key
    /// Argon2id parameters for a new passphrase-protected file (0,0,0 = defaults t=3, m=64 MiB, p=1).
    std::uint32_t t_cost = 0, m_cost_kib = 0, parallelism = 0;
    static Kek passphrase(bytes_view p) { return Kek{XPS_KEK_PASSPHRASE, p.to_vector()}; }
    static Kek raw(bytes_view key) { return Kek{XPS_KEK_RAW, key.to_vector()}; }
    ~Kek() { if (!bytes.empty()) ::xps_secure_zero(bytes.data(), bytes.size()); }
    Kek(std::uint32_t k, std::vector<std::uint8_t> b) : kind(k), bytes(std::move(b)) {}
    Kek(const Kek &) = default;
    Kek &operator=(const Kek &) = default;
};

class Keyring {
public:
    /// A keyring that lives only in this process; `manual_clock_start` != 0 gives it a manual
    /// clock starting there (advance_clock / set_clock).
    static Keyring in_memory(std::uint64_t manual_clock_start = 0) {
        xps_keyring_options o = options(manual_clock_start, nullptr);
        Keyring k;
        detail::check(::xps_keyring_new_memory(&o, &k.k_));
        return k;
    }
    /// Creates a new keyring file (never overwrites).
    static Keyring create(const std::string &path, const Kek &kek, std::uint64_t manual_clock_start = 0) {
        xps_keyring_options o = options(manual_clock_start, &kek);
        Keyring k;
        detail::check(::xps_keyring_create(path.c_str(), kek.kind, kek.bytes.data(), kek.bytes.size(), &o, &k.k_));
        return k;
    }
    /// Opens a keyring file (Argon2id runs here for passphrase-protected files).
    static Keyring open(const std::string &path, const Kek &kek, std::uint64_t manual_clock_start = 0) {
        xps_keyring_options o = options(manual_clock_start, nullptr);
        Keyring k;
        detail::check(::xps_keyring_open(path.c_str(), kek.kind, kek.bytes.data(), kek.bytes.size(), &o, &k.k_));
        return k;
    }
    /// The AEAD seal() uses for new keys.
    static std::uint32_t default_aead() noexcept { return ::xps_keyring_default_aead(); }

    Keyring(const Keyring &) = delete;
    Keyring &operator=(const Keyring &) = delete;
    Keyring(Keyring &&o) noexcept : k_(std::exchange(o.k_, nullptr)), subs_(std::move(o.subs_)) {}
    Keyring &operator=(Keyring &&o) noexcept {
        if (this != &o) {
            ::xps_keyring_free(k_);
            k_ = std::exchange(o.k_, nullptr);
            subs_ = std::move(o.subs_);
        }
        return *this;
    }
    /// Stops auto-rotation, wipes and frees (callbacks are released after the handle).
    ~Keyring() { ::xps_keyring_free(k_); }

    /// Writes a copy to a new file under `kek` (never overwrites).
    void save_as(const std::string &path, const Kek &kek) const {
        xps_keyring_options o = options(0, &kek);
        detail::check(::xps_keyring_save_as(k_, path.c_str(), kek.kind, kek.bytes.data(), kek.bytes.size(), &o));
    }

    std::uint64_t now() const noexcept { return ::xps_keyring_now(k_); }
    void set_clock(std::uint64_t t) const { detail::check(::xps_keyring_clock_set(k_, t)); }
    std::uint64_t advance_clock(std::uint64_t seconds) const {
        std::uint64_t t = 0;
        detail::check(::xps_keyring_clock_advance(k_, seconds, &t));
        return t;
    }

    std::uint32_t generate(const std::string &name, Algorithm a) const { return generate_impl(name, a, nullptr); }
    std::uint32_t generate(const std::string &name, Algorithm a, const RotationPolicy &p) const {
        xps_rotation_policy c{p.max_age, p.max_uses, p.overlap};
        return generate_impl(name, a, &c);
    }
    /// Imports raw key material (or a seed with `seed` = true); `primary` makes a new version of an
    /// existing key the primary.
    std::uint32_t import_key(const std::string &name, Algorithm a, bytes_view material, bool seed = false, bool primary = false) const {
        std::uint32_t v = 0;
        const std::uint32_t flags = (seed ? XPS_KEYRING_IMPORT_SEED : 0u) | (primary ? XPS_KEYRING_IMPORT_PRIMARY : 0u);
        detail::check(::xps_keyring_import(k_, name.c_str(), a, material.data(), material.size(), flags, nullptr, &v));
        return v;
    }
    /// New primary (same algorithm, or `a`); returns its version once durable.
    std::uint32_t rotate(const std::string &name, std::uint32_t a = 0) const {
        std::uint32_t v = 0;
        detail::check(::xps_keyring_rotate(k_, name.c_str(), a, &v));
        return v;
    }
    void revoke(const std::string &name, std::uint32_t version) const { detail::check(::xps_keyring_revoke(k_, name.c_str(), version)); }
    void destroy(const std::string &name, std::uint32_t version) const { detail::check(::xps_keyring_destroy(k_, name.c_str(), version)); }
    void set_min_decryption_version(const std::string &name, std::uint32_t v) const {
        detail::check(::xps_keyring_set_min_decryption_version(k_, name.c_str(), v));
    }
    void set_rotation_policy(const std::string &name, const RotationPolicy &p) const {
        xps_rotation_policy c{p.max_age, p.max_uses, p.overlap};
        detail::check(::xps_keyring_set_rotation_policy(k_, name.c_str(), &c));
    }
    /// Expiry in Unix seconds (0 clears it).
    void set_expiry(const std::string &name, std::uint32_t version, std::uint64_t expires) const {
        detail::check(::xps_keyring_set_expiry(k_, name.c_str(), version, expires));
    }

    /// One pass of the rotation policies; returns the number of events it produced.
    std::size_t tick() const {
        std::size_t n = 0;
        detail::check(::xps_keyring_tick(k_, &n));
        return n;
    }
    void start_auto_rotation(std::uint64_t interval_ms) const { detail::check(::xps_keyring_start_auto_rotation(k_, interval_ms)); }
    void stop_auto_rotation() const { detail::check(::xps_keyring_stop_auto_rotation(k_)); }
    bool auto_rotation_running() const noexcept { return ::xps_keyring_auto_rotation_running(k_) == 1; }
    /// Calls `f` for every later event (possibly from the rotation thread); returns an id.
    std::uint64_t subscribe(std::function<void(const KeyringEvent &)> f) {
        auto holder = std::make_unique<std::function<void(const KeyringEvent &)>>(std::move(f));
        std::uint64_t id = 0;
        detail::check(::xps_keyring_subscribe(k_, &Keyring::trampoline, holder.get(), &id));
        subs_.push_back(std::move(holder));
        return id;
    }
    void unsubscribe(std::uint64_t id) const { detail::check(::xps_keyring_unsubscribe(k_, id)); }
    /// Takes the queued events as a JSON array.
    std::string events_json() const { return text(&::xps_keyring_events_json); }
    /// Audit log (JSON lines); empty path stops it.
    void set_audit_log(const std::string &path) const { detail::check(::xps_keyring_set_audit_log(k_, path.empty() ? nullptr : path.c_str())); }
    void refresh() const { detail::check(::xps_keyring_refresh(k_)); }

    std::vector<std::uint8_t> encrypt(const std::string &name, bytes_view plaintext, bytes_view aad = {}) const {
        std::size_t need = 0, n = 0;
        detail::check(::xps_keyring_envelope_len(k_, name.c_str(), plaintext.size(), &need));
        std::vector<std::uint8_t> out(need);
        detail::check(::xps_keyring_encrypt(k_, name.c_str(), plaintext.data(), plaintext.size(), aad.data(), aad.size(), out.data(), out.size(), &n));
        out.resize(n);
        return out;
    }
    std::vector<std::uint8_t> decrypt(bytes_view envelope, bytes_view aad = {}) const {
        return sized([&](std::uint8_t *o, std::size_t c, std::size_t *n) {
            return ::xps_keyring_decrypt(k_, envelope.data(), envelope.size(), aad.data(), aad.size(), o, c, n);
        });
    }
    std::vector<std::uint8_t> rewrap(bytes_view envelope, bytes_view aad = {}) const {
        return sized([&](std::uint8_t *o, std::size_t c, std::size_t *n) {
            return ::xps_keyring_rewrap(k_, envelope.data(), envelope.size(), aad.data(), aad.size(), o, c, n);
        });
    }
    /// encrypt() with the key created on first use (default_aead()).
    std::vector<std::uint8_t> seal(const std::string &name, bytes_view plaintext, bytes_view aad = {}) const {
        return sized([&](std::uint8_t *o, std::size_t c, std::size_t *n) {
            return ::xps_keyring_seal(k_, name.c_str(), plaintext.data(), plaintext.size(), aad.data(), aad.size(), o, c, n);
        });
    }
    std::vector<std::uint8_t> open_sealed(bytes_view envelope, bytes_view aad = {}) const {
        return sized([&](std::uint8_t *o, std::size_t c, std::size_t *n) {
            return ::xps_keyring_open_sealed(k_, envelope.data(), envelope.size(), aad.data(), aad.size(), o, c, n);
        });
    }
    /// A detached signature envelope naming the key and version.
    std::vector<std::uint8_t> sign(const std::string &name, bytes_view msg) const {
        return spend([&](std::uint8_t *o, std::size_t c, std::size_t *n) { return ::xps_keyring_sign(k_, name.c_str(), msg.data(), msg.size(), o, c, n); }, 16384);
    }
    /// true if the signature envelope verifies; false for a bad signature; throws otherwise.
    bool verify(bytes_view signature, bytes_view msg) const {
        const xps_status s = ::xps_keyring_verify(k_, signature.data(), signature.size(), msg.data(), msg.size());
        if (s == XPS_E_BAD_SIGNATURE) return false;
        detail::check(s);
        return true;
    }
    /// (version, tag)
    std::pair<std::uint32_t, std::vector<std::uint8_t>> mac(const std::string &name, bytes_view data) const {
        std::uint32_t v = 0;
        auto tag = spend([&](std::uint8_t *o, std::size_t c, std::size_t *n) { return ::xps_keyring_mac(k_, name.c_str(), data.data(), data.size(), &v, o, c, n); }, 64);
        return {v, std::move(tag)};
    }
    bool verify_mac(const std::string &name, std::uint32_t version, bytes_view data, bytes_view tag) const {
        return detail::check_verify(::xps_keyring_verify_mac(k_, name.c_str(), version, data.data(), data.size(), tag.data(), tag.size()));
    }
    /// Shared secret (version 0 = the primary).
    SecureBuffer decapsulate(const std::string &name, bytes_view ct, std::uint32_t version = 0) const {
        std::uint8_t tmp[64];
        std::size_t n = 0;
        detail::check(::xps_keyring_decapsulate(k_, name.c_str(), version, ct.data(), ct.size(), tmp, sizeof tmp, &n));
        SecureBuffer ss = SecureBuffer::copy_of(bytes_view(tmp, n));
        ::xps_secure_zero(tmp, sizeof tmp);
        return ss;
    }
    /// Public key of a signature/KEM version (0 = the primary): (version, alg id, bytes).
    std::tuple<std::uint32_t, std::uint32_t, std::vector<std::uint8_t>> public_key(const std::string &name, std::uint32_t version = 0) const {
        std::uint32_t v = 0, a = 0;
        auto pk = sized([&](std::uint8_t *o, std::size_t c, std::size_t *n) { return ::xps_keyring_public_key(k_, name.c_str(), version, &v, &a, o, c, n); });
        return {v, a, std::move(pk)};
    }
    std::size_t envelope_len(const std::string &name, std::size_t plaintext_len) const {
        std::size_t n = 0;
        detail::check(::xps_keyring_envelope_len(k_, name.c_str(), plaintext_len, &n));
        return n;
    }
    /// Every key described as a JSON array (never material).
    std::string list_json() const { return text(&::xps_keyring_list_json); }
    std::string describe_json(const std::string &name) const {
        auto v = sized([&](std::uint8_t *o, std::size_t c, std::size_t *n) { return ::xps_keyring_describe_json(k_, name.c_str(), o, c, n); });
        return std::string(v.begin(), v.end());
    }
    const xps_keyring *native() const noexcept { return k_; }

private:
    Keyring() = default;
    static xps_keyring_options options(std::uint64_t clock, const Kek *kek) {
        xps_keyring_options o{};
        o.version = XPS_KEYRING_OPTIONS_VERSION;
        if (clock != 0) {
            o.flags = XPS_KEYRING_MANUAL_CLOCK;
            o.manual_clock_start = clock;
        }
        if (kek != nullptr) {
            o.argon2id_t_cost = kek->t_cost;
            o.argon2id_m_cost_kib = kek->m_cost_kib;
            o.argon2id_parallelism = kek->parallelism;
        }
        return o;
    }
    std::uint32_t generate_impl(const std::string &name, Algorithm a, const xps_rotation_policy *p) const {
        std::uint32_t v = 0;
        detail::check(::xps_keyring_generate(k_, name.c_str(), a, p, &v));
        return v;
    }
    /// Size query (nothing is spent), then the call.
    template <class F>
    static std::vector<std::uint8_t> sized(F f) {
        std::size_t n = 0;
        xps_status s = f(nullptr, 0, &n);
        if (s == XPS_OK) return {};
        if (s != XPS_E_BUFFER_TOO_SMALL) detail::check(s);
        std::vector<std::uint8_t> out(n);
        detail::check(f(out.data(), out.size(), &n));
        out.resize(n);
        return out;
    }
    /// For calls that spend a use before the size is known: a generous buffer, retried once.
    template <class F>
    static std::vector<std::uint8_t> spend(F f, std::size_t guess) {
        std::vector<std::uint8_t> out(guess);
        std::size_t n = 0;
        xps_status s = f(out.data(), out.size(), &n);
        if (s == XPS_E_BUFFER_TOO_SMALL) {
            out.resize(n);
            s = f(out.data(), out.size(), &n);
        }
        detail::check(s);
        out.resize(n);
        return out;
    }
    std::string text(xps_status (*fn)(const xps_keyring *, std::uint8_t *, std::size_t, std::size_t *)) const {
        auto v = sized([&](std::uint8_t *o, std::size_t c, std::size_t *n) { return fn(k_, o, c, n); });
        return std::string(v.begin(), v.end());
    }
    static void trampoline(const xps_keyring_event *e, void *user) {
        auto *f = static_cast<std::function<void(const KeyringEvent &)> *>(user);
        KeyringEvent ev{e->kind, e->kind_name, e->key, e->old_version, e->new_version, e->time, e->actor, e->reason};
        try {
            (*f)(ev);
        } catch (...) {
            // An exception must not unwind into the library.
        }
    }

    xps_keyring *k_ = nullptr;
    std::vector<std::unique_ptr<std::function<void(const KeyringEvent &)>>> subs_;
};

}  // namespace xps

#endif  // XPSCRYPTO_HPP
