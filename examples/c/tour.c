/*
 * tour.c — a short tour of the xpscrypto C ABI: version, CPU features, dispatch, AEAD, hashes, KDFs.
 * Every call's status is checked; the program exits non-zero on the first failure.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xpscrypto.h>

static void die_if(xps_status s, const char *what) {
    if (s != XPS_OK) {
        fprintf(stderr, "%s failed: %s (%s): %s\n", what, xps_status_name(s), xps_status_message(s), xps_last_error_detail());
        exit(1);
    }
}

static void print_hex(const char *label, const uint8_t *p, size_t n) {
    size_t i;
    printf("  %-26s ", label);
    for (i = 0; i < n; i++) {
        printf("%02x", p[i]);
    }
    printf("\n");
}

int main(void) {
    size_t i, n;
    unsigned bit;
    uint64_t feats;
    die_if(xps_init(), "xps_init");

    printf("xpscrypto %s (runtime) / %s (header), ABI %d.%d\n", xps_version(), XPS_VERSION_STRING, XPS_VERSION_MAJOR,
           XPS_VERSION_MINOR);

    /* CPU features usable by kernels */
    feats = xps_cpu_features();
    printf("CPU features:");
    for (bit = 0; bit < 64; bit++) {
        if ((feats >> bit) & 1u) {
            printf(" %s", xps_cpu_feature_name(bit));
        }
    }
    printf("%s\n", feats ? "" : " (none: portable kernels)");

    /* dispatch: every operation and its active kernel */
    printf("Dispatch (generation %llu):\n", (unsigned long long)xps_dispatch_generation());
    for (i = 0; i < xps_dispatch_op_count(); i++) {
        const char *op = xps_dispatch_op_name(i);
        printf("  %-26s %s\n", op, xps_dispatch_active_kernel(op));
    }

    /* AEAD: aes-256-gcm seal + open with a random key and nonce */
    {
        const uint32_t alg = xps_alg_from_name("aes-256-gcm");
        const char *text = "attack at dawn";
        const char *aad = "header v1";
        uint8_t key[32], nonce[12], sealed[64], opened[64];
        size_t sealed_len, opened_len;
        die_if(alg == 0 ? XPS_E_UNKNOWN_ALGORITHM : XPS_OK, "xps_alg_from_name");
        die_if(xps_random_bytes(key, sizeof key), "xps_random_bytes");
        die_if(xps_random_bytes(nonce, sizeof nonce), "xps_random_bytes");
        die_if(xps_aead_seal(alg, key, sizeof key, nonce, sizeof nonce, (const uint8_t *)aad, strlen(aad), (const uint8_t *)text,
                             strlen(text), sealed, sizeof sealed, &sealed_len),
               "xps_aead_seal");
        die_if(xps_aead_open(alg, key, sizeof key, nonce, sizeof nonce, (const uint8_t *)aad, strlen(aad), sealed, sealed_len, opened,
                             sizeof opened, &opened_len),
               "xps_aead_open");
        printf("AEAD aes-256-gcm:\n");
        print_hex("ciphertext||tag", sealed, sealed_len);
        printf("  %-26s %.*s\n", "opened", (int)opened_len, (const char *)opened);
        sealed[0] ^= 1;
        n = 0;
        printf("  %-26s %s\n", "tampered open",
               xps_status_name(xps_aead_open(alg, key, sizeof key, nonce, sizeof nonce, (const uint8_t *)aad, strlen(aad), sealed,
                                             sealed_len, opened, sizeof opened, &n)));
        xps_secure_zero(key, sizeof key);
    }

    /* hashes */
    {
        uint8_t d[XPS_HASH_MAX_BYTES];
        printf("Hashes of \"abc\":\n");
        die_if(xps_hash(XPS_ALG_SHA256, (const uint8_t *)"abc", 3, d, sizeof d, &n), "xps_hash(sha256)");
        print_hex("sha256", d, n);
        die_if(xps_hash(xps_alg_from_name("blake3"), (const uint8_t *)"abc", 3, d, sizeof d, &n), "xps_hash(blake3)");
        print_hex("blake3", d, n);
    }

    /* KDFs */
    {
        uint8_t okm[32], tag[32];
        const char *pw = "correct horse battery staple";
        const char *salt = "NaCl-salt-16byte";
        printf("KDFs:\n");
        die_if(xps_hkdf(XPS_ALG_HKDF_SHA256, (const uint8_t *)pw, strlen(pw), (const uint8_t *)salt, strlen(salt),
                        (const uint8_t *)"tour", 4, okm, sizeof okm),
               "xps_hkdf");
        print_hex("hkdf-sha256", okm, sizeof okm);
        die_if(xps_argon2id((const uint8_t *)pw, strlen(pw), (const uint8_t *)salt, strlen(salt), 2, 19 * 1024, 1, tag, sizeof tag),
               "xps_argon2id");
        print_hex("argon2id t=2 m=19MiB p=1", tag, sizeof tag);
    }
    printf("tour ok\n");
    return 0;
}
