// tour.cpp — the same tour through the header-only C++17 wrapper (xpscrypto.hpp).
#include <xpscrypto.hpp>

#include <cstdio>
#include <string>
#include <vector>

namespace {
void print_hex(const char *label, const std::vector<std::uint8_t> &v) {
    std::printf("  %-26s ", label);
    for (auto b : v) std::printf("%02x", b);
    std::printf("\n");
}
}  // namespace

int main() try {
    xps::init();
    std::printf("xpscrypto %s (C++ wrapper)\n", xps::version().c_str());

    std::printf("CPU features:");
    for (const auto &f : xps::cpu_features()) std::printf(" %s", f.c_str());
    std::printf("\n");

    std::printf("Dispatch (generation %llu):\n", static_cast<unsigned long long>(xps::dispatch_generation()));
    for (const auto &op : xps::dispatch_info()) {
        std::printf("  %-26s %-28s (%zu candidates)\n", op.name.c_str(), op.active.c_str(), op.candidates.size());
    }

    // AEAD with a reusable key handle; the raw key lives in secure memory
    auto key = xps::SecureBuffer::copy_of(xps::random_bytes(32));
    const auto nonce = xps::random_bytes(12);
    xps::AeadKey k("aes-256-gcm", key);
    const auto sealed = k.seal(nonce, "attack at dawn", "header v1");
    const auto opened = k.open(nonce, sealed, "header v1");
    std::printf("AEAD aes-256-gcm:\n");
    print_hex("ciphertext||tag", sealed);
    std::printf("  %-26s %s\n", "opened", std::string(opened.begin(), opened.end()).c_str());
    auto tampered = sealed;
    tampered[0] ^= 1;
    try {
        k.open(nonce, tampered, "header v1");
    } catch (const xps::AuthenticationError &e) {
        std::printf("  %-26s %s (status %d)\n", "tampered open", e.name(), e.status());
    }

    std::printf("Hashes of \"abc\":\n");
    print_hex("sha256", xps::hash("sha256", "abc"));
    print_hex("blake3", xps::hash("blake3", "abc"));

    std::printf("KDFs:\n");
    print_hex("hkdf-sha256", xps::hkdf("hkdf-sha256", "correct horse battery staple", "NaCl-salt-16byte", "tour", 32));
    print_hex("argon2id t=2 m=19MiB p=1", xps::argon2id("correct horse battery staple", "NaCl-salt-16byte", 2, 19 * 1024, 1, 32));
    std::printf("tour ok\n");
    return 0;
} catch (const xps::Error &e) {
    std::fprintf(stderr, "xpscrypto error %d %s: %s\n", e.status(), e.name(), e.what());
    return 1;
}
