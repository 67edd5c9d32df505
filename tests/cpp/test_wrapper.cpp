// test_wrapper.cpp — tests of the header-only C++17 wrapper (xpscrypto.hpp) through the
// installed package. Counts checks; the last line is "N passed, M failed".
#include <xpscrypto.hpp>

#include <algorithm>
#include <array>
#include <bitset>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace {

long g_pass = 0, g_fail = 0;

bool check(bool ok, const char *what, int line) {
    if (ok) {
        ++g_pass;
    } else {
        ++g_fail;
        std::printf("FAIL line %d: %s\n", line, what);
    }
    return ok;
}
#define CHECK(cond) check(static_cast<bool>(cond), #cond, __LINE__)

// `stmt` must throw exactly `Type` (or a subclass) carrying `status`, its name and a non-empty detail.
#define EXPECT_THROW(stmt, Type, want_status)                                                                        \
    do {                                                                                                             \
        bool caught_ = false;                                                                                        \
        try {                                                                                                        \
            stmt;                                                                                                    \
        } catch (const Type &e_) {                                                                                   \
            caught_ = true;                                                                                          \
            const xps::Error &base_ = e_;                                                                            \
            bool ok_ = base_.status() == (want_status) && std::string(base_.name()) == xps_status_name(want_status) && \
                       !base_.detail().empty() && base_.category() == (want_status) / 100 &&                         \
                       std::string(base_.what()).find(base_.name()) != std::string::npos;                            \
            if (!check(ok_, #stmt " throws " #Type " with " #want_status, __LINE__)) {                               \
                std::printf("      got status %d (%s), detail \"%s\", what \"%s\"\n", base_.status(), base_.name(),   \
                            base_.detail().c_str(), base_.what());                                                   \
            }                                                                                                        \
        } catch (const std::exception &e_) {                                                                         \
            caught_ = true;                                                                                          \
            check(false, #stmt " threw the wrong exception type", __LINE__);                                         \
            std::printf("      what: %s\n", e_.what());                                                              \
        }                                                                                                            \
        if (!caught_) check(false, #stmt " did not throw", __LINE__);                                                \
    } while (0)

#define EXPECT_NO_THROW(stmt)                                                                                        \
    do {                                                                                                             \
        try {                                                                                                        \
            stmt;                                                                                                    \
            check(true, #stmt, __LINE__);                                                                            \
        } catch (const std::exception &e_) {                                                                         \
            check(false, #stmt " threw", __LINE__);                                                                  \
            std::printf("      what: %s\n", e_.what());                                                              \
        }                                                                                                            \
    } while (0)

using bytes = std::vector<std::uint8_t>;

bytes unhex(std::string_view h) {
    bytes out;
    auto v = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        return c - 'A' + 10;
    };
    for (std::size_t i = 0; i + 1 < h.size(); i += 2) {
        out.push_back(static_cast<std::uint8_t>(v(h[i]) << 4 | v(h[i + 1])));
    }
    return out;
}

bytes seq(std::size_t n, std::uint8_t start = 0) {
    bytes b(n);
    for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(start + i);
    return b;
}

// ------------------------------------------------------------------------------------------------

void test_errors_and_library() {
    CHECK(xps::version() == XPS_VERSION_STRING);
    CHECK(xps::version_number() == XPS_VERSION_NUMBER);
    EXPECT_NO_THROW(xps::init());
    CHECK(xps::status_name(XPS_E_OVERLAP) == "XPS_E_OVERLAP");
    CHECK(!xps::status_message(XPS_E_OVERLAP).empty());
    CHECK(xps::status_category(XPS_E_UNKNOWN_KERNEL) == 5);

    // every category maps to its subclass; all derive from xps::Error and std::runtime_error
    static_assert(std::is_base_of_v<std::runtime_error, xps::Error>);
    static_assert(std::is_base_of_v<xps::Error, xps::InvalidInputError>);
    static_assert(std::is_base_of_v<xps::Error, xps::AuthenticationError>);
    static_assert(std::is_base_of_v<xps::Error, xps::PolicyError>);
    static_assert(std::is_base_of_v<xps::Error, xps::EnvironmentError>);
    static_assert(std::is_base_of_v<xps::Error, xps::DispatchError>);
    static_assert(std::is_same_v<xps::PatchError, xps::DispatchError>);
    static_assert(std::is_base_of_v<xps::Error, xps::InternalError>);
    // a real failure first, so the thread-local detail is non-empty when throw_if_error reads it
    auto fail_first = [] { (void)::xps_hash(0, nullptr, 0, nullptr, 0, nullptr); };
    fail_first();
    EXPECT_THROW(xps::throw_if_error(XPS_E_INVALID_LENGTH), xps::InvalidInputError, XPS_E_INVALID_LENGTH);
    fail_first();
    EXPECT_THROW(xps::throw_if_error(XPS_E_BAD_SIGNATURE), xps::AuthenticationError, XPS_E_BAD_SIGNATURE);
    fail_first();
    EXPECT_THROW(xps::throw_if_error(XPS_E_POLICY_DENIED), xps::PolicyError, XPS_E_POLICY_DENIED);
    fail_first();
    EXPECT_THROW(xps::throw_if_error(XPS_E_RANDOM_FAILED), xps::EnvironmentError, XPS_E_RANDOM_FAILED);
    fail_first();
    EXPECT_THROW(xps::throw_if_error(XPS_E_KERNEL_UNAVAILABLE), xps::DispatchError, XPS_E_KERNEL_UNAVAILABLE);
    fail_first();
    EXPECT_THROW(xps::throw_if_error(XPS_E_INTERNAL), xps::InternalError, XPS_E_INTERNAL);
    EXPECT_NO_THROW(xps::throw_if_error(XPS_OK));
    // detail comes from the library at the time of the failure
    try {
        xps::hash(0x4242, "x");
        CHECK(false);
    } catch (const xps::InvalidInputError &e) {
        CHECK(e.status() == XPS_E_UNKNOWN_ALGORITHM);
        CHECK(e.detail().find("0x4242") != std::string::npos);
        CHECK(std::string(e.message()) == xps_status_message(XPS_E_UNKNOWN_ALGORITHM));
        CHECK(std::string(e.what()).find(e.detail()) != std::string::npos);
    }
    CHECK(xps::last_error_detail().find("0x4242") != std::string::npos);
}

void test_inputs_and_algs() {
    const bytes v{'a', 'b', 'c'};
    const std::array<std::uint8_t, 3> a{{'a', 'b', 'c'}};
    const std::string s = "abc";
    const char raw[] = {'a', 'b', 'c'};
    const bytes want = unhex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(xps::hash("sha256", v) == want);
    CHECK(xps::hash("sha256", a) == want);
    CHECK(xps::hash("sha256", s) == want);
    CHECK(xps::hash("sha256", std::string_view("abcdef", 3)) == want);
    CHECK(xps::hash("sha256", "abc") == want);
    CHECK(xps::hash("sha256", xps::bytes_view(v.data(), v.size())) == want);
    CHECK(xps::hash("sha256", xps::bytes_view(static_cast<const void *>(raw), sizeof raw)) == want);
    CHECK(xps::hash(XPS_ALG_SHA256, v) == want);
    CHECK(xps::hash(xps::alg("sha256"), v) == want);
    CHECK(xps::hash(std::string("sha256"), v) == want);
    xps::bytes_view empty;
    CHECK(empty.empty() && empty.size() == 0 && empty.to_vector().empty());
    CHECK(xps::hash("sha256", empty) == unhex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    xps::bytes_view bv(v);
    CHECK(bv.size() == 3 && bv[1] == 'b' && bv.to_vector() == v && std::distance(bv.begin(), bv.end()) == 3);

    CHECK(xps::alg("aes-256-gcm") == XPS_ALG_AES_256_GCM);
    CHECK(xps::alg_name(XPS_ALG_CHACHA20_POLY1305) == "chacha20-poly1305");
    EXPECT_THROW(xps::alg("aes-512-gcm"), xps::InvalidInputError, XPS_E_UNKNOWN_ALGORITHM);
    EXPECT_THROW(xps::alg(""), xps::InvalidInputError, XPS_E_UNKNOWN_ALGORITHM);
    EXPECT_THROW(xps::alg_name(0xFFFF), xps::InvalidInputError, XPS_E_UNKNOWN_ALGORITHM);
    EXPECT_THROW(xps::hash("no-such-hash", v), xps::InvalidInputError, XPS_E_UNKNOWN_ALGORITHM);
    auto all = xps::algorithms();
    CHECK(all.size() == xps_alg_count() && all.size() >= 25);
    bool roundtrip = true;
    for (auto id : all) roundtrip = roundtrip && xps::alg(xps::alg_name(id)) == id;
    CHECK(roundtrip);
    CHECK(xps::Algorithm("blake3").id() == XPS_ALG_BLAKE3);
    CHECK(static_cast<std::uint32_t>(xps::Algorithm(XPS_ALG_SHA512)) == XPS_ALG_SHA512);

    CHECK(xps::hash_outbytes("sha384") == 48 && xps::hash_outbytes("shake128") == 0);
    CHECK(xps::mac_tagbytes("poly1305") == 16 && xps::mac_keybytes("poly1305") == 32 && xps::mac_keybytes("hmac-sha256") == 0);
    CHECK(xps::aead_keybytes("aes-128-gcm") == 16 && xps::aead_noncebytes("xchacha20-poly1305") == 24 &&
          xps::aead_tagbytes("aes-256-gcm") == 16);
}

void test_hash() {
    const bytes msg = seq(300);
    // fixed digests and XOF defaults
    CHECK(xps::hash("sha512", "abc") ==
          unhex("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"));
    CHECK(xps::hash("shake128", msg).size() == 32);
    CHECK(xps::hash("shake256", msg).size() == 64);
    CHECK(xps::hash("shake128", msg) == xps::xof("shake128", msg, 32));
    CHECK(xps::hash("blake3", msg) == xps::xof("blake3", msg, 32));
    CHECK(xps::xof("shake256", msg, 0).empty());
    EXPECT_THROW(xps::xof("sha256", msg, 32), xps::InvalidInputError, XPS_E_WRONG_ALGORITHM_FAMILY);
    EXPECT_THROW(xps::hash("hmac-sha256", msg), xps::InvalidInputError, XPS_E_WRONG_ALGORITHM_FAMILY);
    // BLAKE3 keyed / derive_key (official test-vector key and context, input_len 0)
    const std::string key = "whats the Elvish word for friend";
    CHECK(xps::blake3_keyed(key, "") == unhex("92b2b75604ed3c761f9d6f62392c8a9227ad0ea3f09573e783f1498a4ed60d26"));
    CHECK(xps::blake3_derive_key("BLAKE3 2019-12-27 16:29:52 test vectors context", "") ==
          unhex("2cc39783c223154fea8dfb7c1b1660f2ac2dcbd1c1de8277b0b0dd39b7e50d7d"));
    CHECK(xps::blake3_keyed(key, msg, 100).size() == 100);
    EXPECT_THROW(xps::blake3_keyed("short key", msg), xps::InvalidInputError, XPS_E_BAD_KEY_LENGTH);
    EXPECT_THROW(xps::blake3_derive_key(std::string_view("\xff\xfe", 2), msg), xps::InvalidInputError, XPS_E_INVALID_PARAMETER);

    // streaming, copy constructor/assignment, move
    xps::Hash h("sha256");
    CHECK(h.alg() == XPS_ALG_SHA256);
    h.update(bytes(msg.begin(), msg.begin() + 100));
    xps::Hash copy(h);  // copies the state
    h.update(bytes(msg.begin() + 100, msg.end()));
    copy.update("tail");
    bytes prefix_tail(msg.begin(), msg.begin() + 100);
    prefix_tail.insert(prefix_tail.end(), {'t', 'a', 'i', 'l'});
    CHECK(copy.final() == xps::hash("sha256", prefix_tail));
    xps::Hash assigned("sha512");
    assigned = h;  // copy assignment
    CHECK(assigned.alg() == XPS_ALG_SHA256);
    xps::Hash moved(std::move(h));
    CHECK(moved.digest() == xps::hash("sha256", msg));
    CHECK(assigned.final() == xps::hash("sha256", msg));
    EXPECT_THROW(moved.update("x"), xps::InvalidInputError, XPS_E_INVALID_STATE);
    EXPECT_THROW(moved.final(), xps::InvalidInputError, XPS_E_INVALID_STATE);
    EXPECT_THROW(xps::Hash copy_of_final(moved), xps::InvalidInputError, XPS_E_INVALID_STATE);
    xps::Hash moved_to("sha256");
    moved_to = std::move(moved);  // move assignment frees the previous state
    EXPECT_THROW(xps::Hash("aes-256-gcm"), xps::InvalidInputError, XPS_E_WRONG_ALGORITHM_FAMILY);
    EXPECT_THROW(xps::Hash(0), xps::InvalidInputError, XPS_E_UNKNOWN_ALGORITHM);

    xps::Hash sh("shake256");
    sh.update(msg);
    CHECK(sh.final_xof(200) == xps::xof("shake256", msg, 200));
    xps::Hash sh2("shake128");
    sh2.update(msg);
    CHECK(sh2.final() == xps::xof("shake128", msg, 32));
    xps::Hash fixed("sha3-256");
    EXPECT_THROW(fixed.final_xof(32), xps::InvalidInputError, XPS_E_WRONG_ALGORITHM_FAMILY);
    CHECK(fixed.update(msg).final() == xps::hash("sha3-256", msg));

    auto kh = xps::Hash::blake3_keyed(key);
    kh.update(msg);
    CHECK(kh.final_xof(64) == xps::blake3_keyed(key, msg, 64));
    auto dk = xps::Hash::blake3_derive_key("ctx");
    dk.update(msg);
    CHECK(dk.final() == xps::blake3_derive_key("ctx", msg));
    EXPECT_THROW(xps::Hash::blake3_keyed("too short"), xps::InvalidInputError, XPS_E_BAD_KEY_LENGTH);
}

void test_mac() {
    // RFC 4231 test case 2
    const bytes tag = unhex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    CHECK(xps::hmac("hmac-sha256", "Jefe", "what do ya want for nothing?") == tag);
    CHECK(xps::hmac_verify("hmac-sha256", "Jefe", "what do ya want for nothing?", tag));
    bytes bad = tag;
    bad[31] ^= 1;
    CHECK(!xps::hmac_verify("hmac-sha256", "Jefe", "what do ya want for nothing?", bad));
    EXPECT_THROW(xps::hmac_verify("hmac-sha256", "Jefe", "x", bytes(tag.begin(), tag.begin() + 16)), xps::InvalidInputError,
                 XPS_E_BAD_TAG_LENGTH);
    CHECK(xps::hmac_verify_truncated("hmac-sha256", "Jefe", "what do ya want for nothing?", bytes(tag.begin(), tag.begin() + 16)));
    CHECK(!xps::hmac_verify_truncated("hmac-sha256", "Jefe", "what do ya want for nothing?", bytes(bad.begin() + 8, bad.end())));
    EXPECT_THROW(xps::hmac_verify_truncated("hmac-sha256", "Jefe", "x", bytes(tag.begin(), tag.begin() + 15)), xps::InvalidInputError,
                 XPS_E_BAD_TAG_LENGTH);
    EXPECT_THROW(xps::hmac("sha256", "k", "m"), xps::InvalidInputError, XPS_E_WRONG_ALGORITHM_FAMILY);
    EXPECT_THROW(xps::hmac("poly1305", "short", "m"), xps::InvalidInputError, XPS_E_BAD_KEY_LENGTH);
    CHECK(xps::hmac("hmac-sha512", "k", "m").size() == 64);
    CHECK(xps::hmac("poly1305", seq(32), "m").size() == 16);

    const bytes msg = seq(200);
    xps::Mac m("hmac-sha384", "key");
    m.update(bytes(msg.begin(), msg.begin() + 50));
    xps::Mac c(m);
    m.update(bytes(msg.begin() + 50, msg.end()));
    c.update(bytes(msg.begin() + 50, msg.end()));
    const bytes full = xps::hmac("hmac-sha384", "key", msg);
    CHECK(m.final() == full);
    CHECK(c.verify(full));
    xps::Mac w("hmac-sha384", "key");
    w.update("other");
    CHECK(!w.verify(full));
    EXPECT_THROW(m.update("x"), xps::InvalidInputError, XPS_E_INVALID_STATE);
    EXPECT_THROW(m.final(), xps::InvalidInputError, XPS_E_INVALID_STATE);
    xps::Mac l("hmac-sha256", "k");
    EXPECT_THROW(l.verify(bytes(31)), xps::InvalidInputError, XPS_E_BAD_TAG_LENGTH);
    xps::Mac mv("blake3-keyed", seq(32));
    mv.update(msg);
    xps::Mac mv2(std::move(mv));
    CHECK(mv2.final() == xps::blake3_keyed(seq(32), msg));
    xps::Mac asg("hmac-sha256", "a");
    EXPECT_THROW(asg = mv2, xps::InvalidInputError, XPS_E_INVALID_STATE);  // copying a finalized MAC
    xps::Mac fresh("hmac-sha256", "a");
    asg = fresh;  // copy assignment
    asg.update("m");
    fresh = std::move(asg);  // move assignment
    CHECK(fresh.final() == xps::hmac("hmac-sha256", "a", "m"));
    EXPECT_THROW(xps::Mac("sha256", "k"), xps::InvalidInputError, XPS_E_WRONG_ALGORITHM_FAMILY);
}

void test_aead() {
    const bytes pt = seq(100, 3), aad = seq(20, 9);
    for (const char *name : {"aes-128-gcm", "aes-256-gcm", "chacha20-poly1305", "xchacha20-poly1305"}) {
        const bytes key = seq(xps::aead_keybytes(name), 1), nonce = seq(xps::aead_noncebytes(name), 7);
        const bytes sealed = xps::aead_seal(name, key, nonce, pt, aad);
        CHECK(sealed.size() == pt.size() + 16);
        CHECK(xps::aead_open(name, key, nonce, sealed, aad) == pt);
        bytes tampered = sealed;
        tampered[5] ^= 0x10;
        EXPECT_THROW(xps::aead_open(name, key, nonce, tampered, aad), xps::AuthenticationError, XPS_E_AUTHENTICATION_FAILED);
        EXPECT_THROW(xps::aead_open(name, key, nonce, sealed), xps::AuthenticationError, XPS_E_AUTHENTICATION_FAILED);
        EXPECT_THROW(xps::aead_open(name, key, nonce, bytes(10)), xps::InvalidInputError, XPS_E_INVALID_LENGTH);
        EXPECT_THROW(xps::aead_seal(name, bytes(5), nonce, pt), xps::InvalidInputError, XPS_E_BAD_KEY_LENGTH);
        EXPECT_THROW(xps::aead_seal(name, key, bytes(5), pt), xps::InvalidInputError, XPS_E_BAD_NONCE_LENGTH);
        const xps::Sealed d = xps::aead_seal_detached(name, key, nonce, pt, aad);
        CHECK(d.ciphertext == bytes(sealed.begin(), sealed.end() - 16) && d.tag == bytes(sealed.end() - 16, sealed.end()));
        CHECK(xps::aead_open_detached(name, key, nonce, d.ciphertext, d.tag, aad) == pt);
        EXPECT_THROW(xps::aead_open_detached(name, key, nonce, d.ciphertext, bytes(16), aad), xps::AuthenticationError,
                     XPS_E_AUTHENTICATION_FAILED);
        EXPECT_THROW(xps::aead_open_detached(name, key, nonce, d.ciphertext, bytes(12), aad), xps::InvalidInputError,
                     XPS_E_BAD_TAG_LENGTH);
        // empty plaintext
        const bytes tag_only = xps::aead_seal(name, key, nonce, bytes{});
        CHECK(tag_only.size() == 16 && xps::aead_open(name, key, nonce, tag_only).empty());

        // key handle
        xps::AeadKey k(name, key);
        CHECK(k.alg() == xps::alg(name) && k.noncebytes() == nonce.size() && k.native() != nullptr);
        CHECK(k.seal(nonce, pt, aad) == sealed);
        CHECK(k.open(nonce, sealed, aad) == pt);
        const xps::Sealed kd = k.seal_detached(nonce, pt, aad);
        CHECK(kd.ciphertext == d.ciphertext && kd.tag == d.tag);
        CHECK(k.open_detached(nonce, kd.ciphertext, kd.tag, aad) == pt);
        EXPECT_THROW(k.open(nonce, tampered, aad), xps::AuthenticationError, XPS_E_AUTHENTICATION_FAILED);
        EXPECT_THROW(k.open_detached(nonce, kd.ciphertext, kd.tag, "wrong aad"), xps::AuthenticationError, XPS_E_AUTHENTICATION_FAILED);
        EXPECT_THROW(k.seal(bytes(3), pt), xps::InvalidInputError, XPS_E_BAD_NONCE_LENGTH);
        xps::AeadKey k2(std::move(k));
        CHECK(k.alg() == 0 && k2.alg() == xps::alg(name));  // NOLINT(bugprone-use-after-move): moved-from is empty by contract
        EXPECT_THROW(k.seal(nonce, pt), xps::InvalidInputError, XPS_E_NULL_POINTER);
        xps::AeadKey k3("aes-256-gcm", seq(32));
        k3 = std::move(k2);
        CHECK(k3.open(nonce, sealed, aad) == pt);
    }
    static_assert(!std::is_copy_constructible_v<xps::AeadKey> && std::is_nothrow_move_constructible_v<xps::AeadKey>);
    EXPECT_THROW(xps::AeadKey("sha256", seq(32)), xps::InvalidInputError, XPS_E_WRONG_ALGORITHM_FAMILY);
    EXPECT_THROW(xps::AeadKey("aes-256-gcm", seq(16)), xps::InvalidInputError, XPS_E_BAD_KEY_LENGTH);
}

void test_kdf() {
    // RFC 5869 A.1
    const bytes ikm = unhex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"), salt = unhex("000102030405060708090a0b0c"),
                info = unhex("f0f1f2f3f4f5f6f7f8f9");
    const bytes prk = unhex("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
    const bytes okm = unhex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
    CHECK(xps::hkdf("hkdf-sha256", ikm, salt, info, 42) == okm);
    CHECK(xps::hkdf_extract("hkdf-sha256", salt, ikm) == prk);
    CHECK(xps::hkdf_expand("hkdf-sha256", prk, info, 42) == okm);
    CHECK(xps::hkdf_extract("hkdf-sha512", salt, ikm).size() == 64);
    EXPECT_THROW(xps::hkdf("hkdf-sha256", ikm, salt, info, 255 * 32 + 1), xps::InvalidInputError, XPS_E_OUTPUT_TOO_LONG);
    EXPECT_THROW(xps::hkdf_expand("hkdf-sha256", bytes(16), info, 32), xps::InvalidInputError, XPS_E_INVALID_LENGTH);
    EXPECT_THROW(xps::hkdf("pbkdf2-sha256", ikm, salt, info, 32), xps::InvalidInputError, XPS_E_WRONG_ALGORITHM_FAMILY);
    // RFC 7914 §11 (PBKDF2-HMAC-SHA256, P="passwd", S="salt", c=1)
    CHECK(xps::pbkdf2("pbkdf2-sha256", "passwd", "salt", 1, 64) ==
          unhex("55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783"));
    EXPECT_THROW(xps::pbkdf2("pbkdf2-sha256", "p", "s", 0, 32), xps::InvalidInputError, XPS_E_INVALID_PARAMETER);
    EXPECT_THROW(xps::pbkdf2("pbkdf2-sha256", "p", "s", 1, 0), xps::InvalidInputError, XPS_E_INVALID_LENGTH);
    // RFC 9106 §5.3 (Argon2id, with secret and associated data)
    CHECK(xps::argon2id(bytes(32, 0x01), bytes(16, 0x02), 3, 32, 4, 32, bytes(8, 0x03), bytes(12, 0x04)) ==
          unhex("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659"));
    CHECK(xps::argon2id("password", "somesalt", 1, 16, 1, 16).size() == 16);
    EXPECT_THROW(xps::argon2id("pw", "short", 1, 16, 1, 32), xps::InvalidInputError, XPS_E_INVALID_PARAMETER);
    EXPECT_THROW(xps::argon2id("pw", "somesalt", 0, 16, 1, 32), xps::InvalidInputError, XPS_E_INVALID_PARAMETER);
    EXPECT_THROW(xps::argon2id("pw", "somesalt", 1, 16, 1, 3), xps::InvalidInputError, XPS_E_INVALID_LENGTH);
    EXPECT_THROW(xps::argon2id("pw", "somesalt", 1, 16, 1, 32, bytes(33)), xps::InvalidInputError, XPS_E_INVALID_PARAMETER);
    // 4 TiB of working memory cannot be reserved: an environment error, not an abort
    EXPECT_THROW(xps::argon2id("pw", "somesalt", 1, 0xFFFFFFFFu, 1, 32), xps::EnvironmentError, XPS_E_OUT_OF_MEMORY);
}

void test_random_ct_secure() {
    const bytes r1 = xps::random_bytes(32), r2 = xps::random_bytes(32);
    CHECK(r1.size() == 32 && r1 != r2 && !xps::ct_is_zero(r1));
    CHECK(xps::random_bytes(0).empty());
    CHECK(xps::ct_equal(r1, r1) && !xps::ct_equal(r1, r2) && !xps::ct_equal(r1, bytes(r1.begin(), r1.end() - 1)));
    CHECK(xps::ct_equal(bytes{}, bytes{}));
    bytes z = r1;
    xps::secure_zero(z);
    CHECK(xps::ct_is_zero(z) && z.size() == 32);
    std::array<std::uint8_t, 8> arr{{1, 2, 3, 4, 5, 6, 7, 8}};
    xps::secure_zero(arr.data(), arr.size());
    CHECK(xps::ct_is_zero(arr));

    const std::uint64_t failures_before = xps::secure_lock_failures();
    xps::SecureBuffer b(100);
    CHECK(b.size() == 100 && !b.empty() && b.data() != nullptr && xps::ct_is_zero(b));
    for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<std::uint8_t>(i);
    CHECK(b.view().size() == 100 && b.view()[99] == 99 && std::distance(b.begin(), b.end()) == 100);
    CHECK(b.is_locked() || xps::secure_lock_failures() > failures_before);
    // a SecureBuffer is a byte input (key material stays out of ordinary heap memory)
    auto key = xps::SecureBuffer::copy_of(seq(32));
    const bytes nonce(12, 0);
    CHECK(xps::aead_seal("aes-256-gcm", key, nonce, "x") == xps::aead_seal("aes-256-gcm", seq(32), nonce, "x"));
    xps::SecureBuffer moved(std::move(b));
    CHECK(moved.size() == 100 && moved[5] == 5 && b.size() == 0 && b.data() == nullptr && !b.is_locked());  // NOLINT
    xps::SecureBuffer other(8);
    other = std::move(moved);
    CHECK(other.size() == 100 && other[99] == 99);
    const xps::SecureBuffer &cref = other;
    CHECK(cref.data()[1] == 1 && *(cref.begin() + 2) == 2 && cref[3] == 3);
    static_assert(!std::is_copy_constructible_v<xps::SecureBuffer> && std::is_nothrow_move_constructible_v<xps::SecureBuffer>);
    EXPECT_THROW(xps::SecureBuffer(0), xps::InvalidInputError, XPS_E_INVALID_LENGTH);
}

void test_dispatch() {
    const auto feats = xps::cpu_features(), hw = xps::cpu_hardware_features();
    CHECK(feats.size() <= hw.size());
    CHECK(feats.size() == std::bitset<64>(xps::cpu_features_mask()).count());
    const auto info = xps::dispatch_info();
    CHECK(!info.empty() && info.size() == xps_dispatch_op_count());
    bool consistent = true;
    for (const auto &op : info) {
        bool found = false;
        for (const auto &c : op.candidates) found = found || (c.name == op.active && c.available);
        consistent = consistent && found && !op.name.empty() && xps::dispatch_active_kernel(op.name) == op.active;
    }
    CHECK(consistent);
    EXPECT_THROW(xps::dispatch_active_kernel("no.such.op"), xps::DispatchError, XPS_E_UNKNOWN_OP);
    EXPECT_THROW(xps::dispatch_force("no.such.op", "x"), xps::DispatchError, XPS_E_UNKNOWN_OP);
    EXPECT_THROW(xps::dispatch_force("hash.sha256", "no-such-kernel"), xps::DispatchError, XPS_E_UNKNOWN_KERNEL);

    // force every available kernel of hash.sha256 and aead.aes-256-gcm: same results
    const bytes msg = seq(1000);
    const bytes ref_hash = xps::hash("sha256", msg);
    const bytes ref_seal = xps::aead_seal("aes-256-gcm", seq(32), bytes(12, 1), msg);
    xps::AeadKey k("aes-256-gcm", seq(32));
    int forced = 0;
    for (const auto &op : info) {
        if (op.name != "hash.sha256" && op.name != "aead.aes-256-gcm") continue;
        for (const auto &c : op.candidates) {
            if (!c.available) continue;
            const std::uint64_t g0 = xps::dispatch_generation();
            xps::dispatch_force(op.name, c.name);
            CHECK(xps::dispatch_generation() > g0);
            CHECK(xps::dispatch_active_kernel(op.name) == c.name);
            CHECK(xps::hash("sha256", msg) == ref_hash);
            CHECK(k.seal(bytes(12, 1), msg) == ref_seal);
            ++forced;
        }
    }
    CHECK(forced >= 2);
    const std::uint64_t g1 = xps::dispatch_generation();
    xps::dispatch_reset();
    CHECK(xps::dispatch_generation() > g1);

    // autotune per size bucket: results unchanged; off again, every size runs the active kernel
    xps::dispatch_set_autotune(true);
    CHECK(xps::dispatch_autotune_enabled());
    CHECK(xps::hash("sha256", msg) == ref_hash);
    CHECK(k.seal(bytes(12, 1), msg) == ref_seal);
    CHECK(!xps::dispatch_kernel_for_size("aead.aes-256-gcm", 64).empty());
    xps::dispatch_set_autotune(false);
    CHECK(!xps::dispatch_autotune_enabled());
    CHECK(xps::dispatch_kernel_for_size("aead.aes-256-gcm", 64) == xps::dispatch_active_kernel("aead.aes-256-gcm"));
    EXPECT_THROW(xps::dispatch_kernel_for_size("no.such.op", 1), xps::DispatchError, XPS_E_UNKNOWN_OP);

    // policy: ISA mask 0 makes accelerated kernels unavailable
    CHECK(xps::policy_isa_mask() == UINT64_MAX);
    xps::policy_set_isa_mask(0);
    CHECK(xps::policy_isa_mask() == 0);
    CHECK(xps::hash("sha256", msg) == ref_hash);
    for (const auto &op : xps::dispatch_info()) {
        for (const auto &c : op.candidates) {
            if (!c.available) {
                EXPECT_THROW(xps::dispatch_force(op.name, c.name), xps::DispatchError, XPS_E_KERNEL_UNAVAILABLE);
            }
        }
    }
    xps::policy_set_isa_mask(UINT64_MAX);
    xps::policy_set_ct_only(true);
    CHECK(k.seal(bytes(12, 1), msg) == ref_seal);
    xps::policy_set_ct_only(false);
    xps::policy_set_require_mlock(false);
    xps::dispatch_reset();
}

// Signatures and KEMs: RFC 8032 TEST 3 and RFC 7748 §6.1 (tests/vectors/rfc/), then round trips
// over every algorithm with a kernel in this build (the others must report XPS_E_UNKNOWN_ALGORITHM).
void test_sign_kem() {
    const bytes sk = unhex("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7");
    const bytes pk = unhex("fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025");
    const bytes msg = unhex("af82");
    const bytes sig = unhex("6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
                            "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a");
    CHECK(xps::sign_publickeybytes("ed25519") == XPS_SIGN_ED25519_PUBLICKEYBYTES && xps::sign_bytes("ed25519") == 64);
    auto kp = xps::sign_keypair("ed25519", sk);
    CHECK(kp.public_key == pk && xps::ct_equal(kp.secret_key, sk));
    CHECK(xps::sign_public_from_secret(XPS_ALG_ED25519, sk) == pk);
    CHECK(xps::sign("ed25519", sk, msg) == sig);
    CHECK(xps::sign("ed25519", kp.secret_key, msg, xps::SignOptions{{}, true}) == sig);
    CHECK(xps::verify("ed25519", pk, msg, sig));
    bytes bad = sig;
    bad[10] ^= 0x01;
    CHECK(!xps::verify("ed25519", pk, msg, bad));
    CHECK(!xps::verify("ed25519", pk, "af83", sig));
    EXPECT_THROW(xps::verify("ed25519", pk, msg, xps::bytes_view(sig.data(), 63)), xps::InvalidInputError, XPS_E_INVALID_LENGTH);
    EXPECT_THROW(xps::verify("ed25519", xps::bytes_view(pk.data(), 31), msg, sig), xps::InvalidInputError, XPS_E_BAD_KEY_LENGTH);
    EXPECT_THROW(xps::verify("ed25519", pk, msg, sig, xps::SignOptions{"ctx", false}), xps::InvalidInputError, XPS_E_INVALID_PARAMETER);
    EXPECT_THROW(xps::sign("ed25519", xps::bytes_view(sk.data(), 31), msg), xps::InvalidInputError, XPS_E_BAD_KEY_LENGTH);
    EXPECT_THROW(xps::sign("x25519", sk, msg), xps::InvalidInputError, XPS_E_WRONG_ALGORITHM_FAMILY);
    EXPECT_THROW(xps::sign(0x5FFu, sk, msg), xps::InvalidInputError, XPS_E_UNKNOWN_ALGORITHM);
    EXPECT_THROW(xps::verify(XPS_ALG_AES_256_GCM, pk, msg, sig), xps::InvalidInputError, XPS_E_WRONG_ALGORITHM_FAMILY);
    EXPECT_THROW(xps::sign_keypair("ed25519", xps::bytes_view(sk.data(), 16)), xps::InvalidInputError, XPS_E_INVALID_LENGTH);
    EXPECT_THROW(xps::sign_keypair("ml-dsa-99"), xps::InvalidInputError, XPS_E_UNKNOWN_ALGORITHM);

    xps::SigningKey key("ed25519", sk);
    CHECK(key.alg() == XPS_ALG_ED25519 && key.public_key() == pk && key.sign(msg) == sig);
    xps::SigningKey moved = std::move(key);
    CHECK(key.alg() == 0 && moved.sign(msg) == sig);  // NOLINT(bugprone-use-after-move): moved-from is empty by contract
    EXPECT_THROW(xps::SigningKey("ed25519", xps::bytes_view(sk.data(), 33)), xps::InvalidInputError, XPS_E_BAD_KEY_LENGTH);
    auto fresh = xps::SigningKey::generate("ed25519");
    CHECK(xps::verify("ed25519", fresh.public_key(), "m", fresh.sign("m")));

    // X25519, RFC 7748 §6.1
    const bytes a_sk = unhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    const bytes a_pk = unhex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    const bytes b_sk = unhex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    const bytes b_pk = unhex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    const bytes shared = unhex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    auto akp = xps::kem_keypair("x25519", a_sk);
    CHECK(akp.public_key == a_pk && xps::ct_equal(akp.secret_key, a_sk));
    CHECK(xps::ct_equal(xps::kem_decapsulate("x25519", a_sk, b_pk), shared));
    auto enc = xps::kem_encapsulate("x25519", b_pk, a_sk);
    CHECK(enc.ciphertext == a_pk && xps::ct_equal(enc.shared_secret, shared));
    xps::KemKey bob("x25519", b_sk);
    CHECK(bob.alg() == XPS_ALG_X25519 && xps::ct_equal(bob.decapsulate(a_pk), shared));
    const bytes zero(32, 0);
    EXPECT_THROW(xps::kem_decapsulate("x25519", a_sk, zero), xps::AuthenticationError, XPS_E_WEAK_PUBLIC_KEY);
    EXPECT_THROW(bob.decapsulate(zero), xps::AuthenticationError, XPS_E_WEAK_PUBLIC_KEY);
    EXPECT_THROW(xps::kem_encapsulate("x25519", zero), xps::AuthenticationError, XPS_E_WEAK_PUBLIC_KEY);
    EXPECT_THROW(xps::kem_decapsulate("x25519", a_sk, xps::bytes_view(b_pk.data(), 31)), xps::InvalidInputError, XPS_E_INVALID_LENGTH);
    EXPECT_THROW(xps::kem_encapsulate("x25519", xps::bytes_view(b_pk.data(), 31)), xps::InvalidInputError, XPS_E_BAD_KEY_LENGTH);
    EXPECT_THROW(xps::kem_keypair("ed25519"), xps::InvalidInputError, XPS_E_WRONG_ALGORITHM_FAMILY);
    EXPECT_THROW(xps::KemKey("x25519", xps::bytes_view(b_sk.data(), 16)), xps::InvalidInputError, XPS_E_BAD_KEY_LENGTH);
    xps::KemKey bob2 = std::move(bob);
    CHECK(bob.alg() == 0 && bob2.alg() == XPS_ALG_X25519);  // NOLINT(bugprone-use-after-move): moved-from is empty by contract

    // every signature algorithm: round trip with a context where supported, or UNKNOWN_ALGORITHM
    int present = 0;
    for (const char *name : {"ed25519", "ml-dsa-44", "ml-dsa-65", "ml-dsa-87", "falcon-512", "falcon-1024", "slh-dsa-sha2-128s",
                             "rsa-pss-sha256", "ed25519+ml-dsa-65"}) {
        if (xps::sign_publickeybytes(name) == 0) {
            EXPECT_THROW(xps::sign_keypair(name), xps::InvalidInputError, XPS_E_UNKNOWN_ALGORITHM);
            continue;
        }
        ++present;
        auto k = xps::sign_keypair(name);
        const bool has_ctx = xps::sign_contextbytes(name) > 0;
        xps::SignOptions o{has_ctx ? xps::bytes_view("context") : xps::bytes_view(), false};
        auto s = xps::sign(name, k.secret_key, "message", o);
        CHECK(xps::verify(name, k.public_key, "message", s, o));
        CHECK(!xps::verify(name, k.public_key, "massage", s, o));
        xps::SigningKey h(name, k.secret_key);
        CHECK(h.public_key() == k.public_key && xps::verify(name, k.public_key, "x", h.sign("x")));
    }
    // hazmat internal interface: the internal signature of M' = 0 ‖ 0 ‖ msg is the deterministic
    // pure-mode signature of msg (empty context); ed25519 has no internal interface
    for (const char *name : {"ml-dsa-44"}) {  // SLH-DSA: the C suites (slow under valgrind)
        auto k = xps::sign_keypair(name);
        const std::string msg = "message";
        const std::string mp = std::string(2, '\0') + msg;
        auto s = xps::hazmat::sign_internal(name, k.secret_key, mp);
        CHECK(s == xps::sign(name, k.secret_key, msg, xps::SignOptions{xps::bytes_view(), true}));
        CHECK(xps::hazmat::verify_internal(name, k.public_key, mp, s) && !xps::hazmat::verify_internal(name, k.public_key, msg, s));
        EXPECT_THROW(xps::hazmat::sign_internal(name, k.secret_key, mp, "short rnd"), xps::InvalidInputError, XPS_E_INVALID_LENGTH);
    }
    EXPECT_THROW(xps::hazmat::sign_internal("ed25519", xps::sign_keypair("ed25519").secret_key, "m"), xps::InvalidInputError,
                 XPS_E_INVALID_PARAMETER);
    for (const char *name : {"x25519", "ml-kem-512", "ml-kem-768", "ml-kem-1024", "x-wing"}) {
        if (xps::kem_publickeybytes(name) == 0) {
            EXPECT_THROW(xps::kem_keypair(name), xps::InvalidInputError, XPS_E_UNKNOWN_ALGORITHM);
            continue;
        }
        ++present;
        auto k = xps::kem_keypair(name);
        auto e = xps::kem_encapsulate(name, k.public_key);
        CHECK(e.ciphertext.size() == xps::kem_ciphertextbytes(name) && e.shared_secret.size() == xps::kem_sharedsecretbytes(name));
        CHECK(xps::ct_equal(xps::kem_decapsulate(name, k.secret_key, e.ciphertext), e.shared_secret));
        CHECK(xps::ct_equal(xps::KemKey(name, k.secret_key).decapsulate(e.ciphertext), e.shared_secret));
    }
    CHECK(present >= 2);
}

// Hot-patch through the wrapper: the example SHA-256 patch module (XPS_TEST_PATCH_MODULE, built by
// this project from examples/), a fresh signer, apply → rollback, and a tampered payload refused.
void test_patch() {
    std::FILE *f = std::fopen(XPS_TEST_PATCH_MODULE, "rb");
    CHECK(f != nullptr);
    if (f == nullptr) return;
    bytes payload;
    for (int c; (c = std::fgetc(f)) != EOF;) payload.push_back(static_cast<std::uint8_t>(c));
    std::fclose(f);
    auto hex = [](const bytes &b) {
        std::string h;
        char t[3];
        for (auto x : b) {
            std::snprintf(t, sizeof t, "%02x", x);
            h += t;
        }
        return h;
    };
    const xps::KeyPair signer = xps::sign_keypair("ed25519");
    const std::string trust = R"({"format":"xpscrypto-trust-store/1","min_required_signatures":1,"allow_unsigned":false,"signers":[{"name":"cpp","ed25519":")" +
                              hex(signer.public_key) + R"(","ops":["hash.sha256"]}]})";
    const std::string manifest = R"({"format":"xpscrypto-patch-manifest/1","id":"cpp-sha256","version":1,"kernel_abi":)" +
                                 std::to_string(xps::kernel_abi_version()) + R"(,"ops":["hash.sha256"],"payload":{"name":"p.so","size":)" +
                                 std::to_string(payload.size()) + R"(,"sha256":")" + hex(xps::hash("sha256", payload)) + R"("},"created":1765000000})";
    const std::string signed_m = xps::patch_sign_manifest(manifest, "cpp", signer.secret_key);
    EXPECT_NO_THROW(xps::patch_verify(signed_m, payload, trust));
    const bytes msg = seq(5000);
    const bytes ref = xps::hash("sha256", msg);
    const std::string before = xps::dispatch_active_kernel("hash.sha256");
    const std::uint64_t g = xps::dispatch_generation();
    const xps::PatchReport r = xps::patch_apply(signed_m, payload, trust);
    CHECK(r.patch_id == "cpp-sha256" && r.version == 1 && r.previous_generation == g && r.new_generation == g + 1 && r.signer_count == 1);
    CHECK(r.payload_sha256.size() == 32 && bytes(r.payload_sha256.begin(), r.payload_sha256.end()) == xps::hash("sha256", payload));
    CHECK(xps::dispatch_active_kernel("hash.sha256") == "sha256/c-portable");
    CHECK(xps::hash("sha256", msg) == ref);
    CHECK(xps::patch_applied_count() == 1);
    const auto h = xps::patch_history();
    CHECK(!h.empty() && h.back().is_apply && h.back().patch_id == "cpp-sha256" && h.back().generation == g + 1);
    const xps::PatchReport rb = xps::patch_rollback();
    CHECK(rb.patch_id == "cpp-sha256" && rb.new_generation == g + 2);
    CHECK(xps::dispatch_active_kernel("hash.sha256") == before);
    EXPECT_THROW(xps::patch_rollback(), xps::DispatchError, XPS_E_NOTHING_TO_ROLLBACK);
    bytes bad = payload;
    bad[bad.size() / 3] ^= 0x10;
    EXPECT_THROW(xps::patch_apply(signed_m, bad, trust), xps::DispatchError, XPS_E_PATCH_DIGEST);
    CHECK(xps::patch_step_name(XPS_E_PATCH_DIGEST) == "digest");
    CHECK(xps::patch_step_name(XPS_E_OVERLAP).empty());
    CHECK(xps::dispatch_generation() == g + 2);
}

// Policy and metrics through the wrapper: a snapshot after known calls, the Prometheus text,
// FIPS-like mode refusing a non-approved algorithm (PolicyError naming the rule), the policy
// struct and its bit-set helpers.
void test_policy_metrics() {
    const bytes msg(64, 7);
    const std::string kernel = xps::dispatch_active_kernel("hash.sha256");
    xps::metrics_set_enabled(true);
    xps::metrics_reset();
    for (int i = 0; i < 3; ++i) xps::hash("sha256", msg);
    bool found = false;
    for (const auto &e : xps::metrics_snapshot()) {
        if (e.op == "hash.sha256") {
            found = true;
            CHECK(e.kernel == kernel && e.alg == "sha256" && e.alg_id == XPS_ALG_SHA256);
            CHECK(e.calls == 3 && e.bytes == 192 && e.failures == 0);
        }
    }
    CHECK(found);
    const std::string text = xps::metrics_prometheus();
    CHECK(text.find("# TYPE xps_op_calls_total counter\n") != std::string::npos);
    CHECK(text.find("\nxps_op_calls_total{op=\"hash.sha256\",alg=\"sha256\",kernel=\"" + kernel + "\"} 3\n") != std::string::npos);
    CHECK(text.find("\nxps_keyring_events_total{kind=\"destroy\"} 0\n") != std::string::npos);
    CHECK(!text.empty() && text.back() == '\n' && text.find('\0') == std::string::npos);
    xps::metrics_set_enabled(false);
    CHECK(!xps::metrics_enabled());
    xps::hash("sha256", msg);
    xps::metrics_set_enabled(true);
    xps::metrics_reset();
    CHECK(xps::metrics_snapshot().empty());

    xps::Policy p = xps::policy_get();
    CHECK(p.version == XPS_POLICY_VERSION && p.fips_mode == 0 && xps::policy_allows(p, XPS_ALG_CHACHA20_POLY1305));
    CHECK(xps::fips_approved("aes-256-gcm") && !xps::fips_approved("chacha20-poly1305"));
    const xps::AeadKey chacha("chacha20-poly1305", bytes(32, 1));
    xps::policy_set_fips_mode(true);
    CHECK(xps::policy_fips_mode() && xps::policy_get().ct_only == 1);
    CHECK(xps::metrics_events().selftest_runs_passed == 1);
    bool refused = false;
    try {
        chacha.seal(bytes(12, 1), msg);
    } catch (const xps::PolicyError &e) {
        refused = e.status() == XPS_E_POLICY_DENIED && std::string(e.detail()).rfind("policy: fips_mode forbids chacha20-poly1305", 0) == 0;
    }
    CHECK(refused);
    EXPECT_THROW(xps::hash("blake3", msg), xps::PolicyError, XPS_E_POLICY_DENIED);
    CHECK(xps::hash("sha3-256", msg).size() == 32);
    xps::policy_replace(xps::policy_default());
    CHECK(!xps::policy_fips_mode() && chacha.seal(bytes(12, 1), msg).size() == 80);
    p = xps::policy_default();
    xps::policy_set_allowed(p, XPS_ALG_SHA512, false);
    CHECK(!xps::policy_allows(p, XPS_ALG_SHA512));
    xps::policy_replace(p);
    CHECK(!xps::policy_algorithm_allowed("sha512") && xps::policy_algorithm_allowed("sha256"));
    EXPECT_THROW(xps::hash("sha512", msg), xps::PolicyError, XPS_E_POLICY_DENIED);
    xps::policy_allow_algorithm("sha512");
    CHECK(xps::hash("sha512", msg).size() == 64);
    xps::policy_set_hot_patch_allowed(false);
    CHECK(!xps::policy_hot_patch_allowed());
    EXPECT_THROW(xps::patch_apply(bytes(2, '{'), bytes(1, 0), bytes(2, '{')), xps::DispatchError, XPS_E_PATCH_POLICY);
    xps::policy_replace(xps::policy_default());
    CHECK(xps::policy_hot_patch_allowed());
}


void test_keyring() {
    const std::uint64_t day = 86400, t0 = 1765000000;
    auto kr = xps::Keyring::in_memory(t0);
    std::vector<std::string> seen;
    kr.subscribe([&](const xps::KeyringEvent &e) { seen.push_back(e.kind_name + ":" + e.key + ":" + std::to_string(e.new_version)); });
    CHECK(kr.generate("app", "aes-256-gcm", xps::RotationPolicy{30 * day, 0, 7 * day}) == 1);
    EXPECT_THROW(kr.generate("app", "aes-256-gcm"), xps::InvalidInputError, XPS_E_KEY_EXISTS);
    EXPECT_THROW(kr.generate("h", "sha256"), xps::InvalidInputError, XPS_E_WRONG_ALGORITHM_FAMILY);
    const bytes env = kr.encrypt("app", "day 0", "ctx");
    CHECK(env.size() == kr.envelope_len("app", 5));
    CHECK(kr.decrypt(env, "ctx") == bytes({'d', 'a', 'y', ' ', '0'}));
    EXPECT_THROW(kr.decrypt(env, "other"), xps::AuthenticationError, XPS_E_AUTHENTICATION_FAILED);
    for (int d = 0; d < 31; ++d) {
        kr.advance_clock(day);
        kr.tick();
    }
    // Rotated on day 30; the old envelope still opens (decrypt-only), then retires after 7 days.
    CHECK(std::find(seen.begin(), seen.end(), "rotated:app:2") != seen.end());
    CHECK(kr.decrypt(env, "ctx").size() == 5);
    const bytes rewrapped = kr.rewrap(env, "ctx");
    CHECK(rewrapped[17] == 2 && kr.decrypt(rewrapped, "ctx").size() == 5);
    kr.advance_clock(7 * day);
    kr.tick();
    EXPECT_THROW(kr.decrypt(env, "ctx"), xps::PolicyError, XPS_E_KEY_RETIRED);
    CHECK(kr.events_json().find("\"kind\":\"retired\"") != std::string::npos);
    CHECK(kr.events_json() == "[]");
    CHECK(kr.describe_json("app").find("\"primary\":2") != std::string::npos);
    EXPECT_THROW(kr.describe_json("nope"), xps::InvalidInputError, XPS_E_UNKNOWN_KEY);

    // Signatures, MACs, KEMs, seal.
    kr.generate("sig", "ed25519");
    const bytes sig = kr.sign("sig", "msg");
    CHECK(kr.verify(sig, "msg") && !kr.verify(sig, "msh"));
    CHECK(kr.generate("mac", "hmac-sha256") == 1);
    auto [v, tag] = kr.mac("mac", "data");
    CHECK(v == 1 && tag.size() == 32 && kr.verify_mac("mac", 1, "data", tag) && !kr.verify_mac("mac", 1, "datA", tag));
    kr.import_key("kem", "x25519", seq(32), true);
    auto [kv, ka, pk] = kr.public_key("kem");
    CHECK(kv == 1 && ka == XPS_ALG_X25519 && pk.size() == 32);
    auto enc = xps::kem_encapsulate("x25519", pk);
    const xps::SecureBuffer ss = kr.decapsulate("kem", enc.ciphertext);
    CHECK(ss.size() == enc.shared_secret.size() && std::memcmp(ss.data(), enc.shared_secret.data(), ss.size()) == 0);
    const bytes sealed = kr.seal("auto", "sealed");
    CHECK(kr.open_sealed(sealed).size() == 6 && xps::Keyring::default_aead() != 0);
    CHECK(kr.list_json().find("\"name\":\"auto\"") != std::string::npos);
    kr.revoke("sig", 1);
    EXPECT_THROW(kr.verify(sig, "msg"), xps::PolicyError, XPS_E_KEY_REVOKED);

    // A file-backed keyring (raw key), reopened; a copy under a passphrase with small Argon2id.
    const std::string path = std::string(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") + "/xps-cpp-keyring-" + std::to_string(t0 ^ reinterpret_cast<std::uintptr_t>(&kr)) + ".xpk";
    std::remove(path.c_str());
    const std::string copy = path + ".copy";
    std::remove(copy.c_str());
    {
        auto f = xps::Keyring::create(path, xps::Kek::raw(seq(32)));
        f.generate("k", "xchacha20-poly1305");
        const bytes e2 = f.encrypt("k", "persisted");
        auto again = xps::Keyring::open(path, xps::Kek::raw(seq(32)));
        CHECK(again.decrypt(e2).size() == 9);
        EXPECT_THROW(xps::Keyring::open(path, xps::Kek::raw(seq(32, 1))), xps::AuthenticationError, XPS_E_AUTHENTICATION_FAILED);
        EXPECT_THROW(xps::Keyring::create(path, xps::Kek::raw(seq(32))), xps::InvalidInputError, XPS_E_KEY_EXISTS);
        xps::Kek pp = xps::Kek::passphrase("correct horse");
        pp.t_cost = 1, pp.m_cost_kib = 64, pp.parallelism = 1;
        f.save_as(copy, pp);
        auto c = xps::Keyring::open(copy, xps::Kek::passphrase("correct horse"));
        CHECK(c.decrypt(e2).size() == 9);
        EXPECT_THROW(xps::Keyring::open(copy, xps::Kek::passphrase("wrong horse")), xps::AuthenticationError, XPS_E_AUTHENTICATION_FAILED);
    }
    std::remove(path.c_str());
    std::remove((path + ".lock").c_str());
    std::remove(copy.c_str());
    std::remove((copy + ".lock").c_str());
    auto moved = std::move(kr);
    CHECK(moved.now() == t0 + 38 * day);
}

}  // namespace

int main() {
    std::printf("xpscrypto %s C++ wrapper tests%s\n", xps::version().c_str(), std::getenv("XPS_CPU_DISABLE") ? " [XPS_CPU_DISABLE set]" : "");
    const struct {
        const char *name;
        void (*fn)();
    } tests[] = {
        {"errors_and_library", test_errors_and_library},
        {"inputs_and_algs", test_inputs_and_algs},
        {"hash", test_hash},
        {"mac", test_mac},
        {"aead", test_aead},
        {"kdf", test_kdf},
        {"random_ct_secure", test_random_ct_secure},
        {"sign_kem", test_sign_kem},
        {"dispatch", test_dispatch},
        {"patch", test_patch},
        {"policy_metrics", test_policy_metrics},
        {"keyring", test_keyring},
    };
    for (const auto &t : tests) {
        const long before = g_fail;
        try {
            t.fn();
        } catch (const std::exception &e) {
            ++g_fail;
            std::printf("FAIL %s: unexpected exception: %s\n", t.name, e.what());
        }
        std::printf("%-20s %s\n", t.name, g_fail == before ? "ok" : "FAILED");
    }
    std::printf("%ld passed, %ld failed\n", g_pass, g_fail);
    return g_fail == 0 ? 0 : 1;
}
