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

    /* Post-quantum: an ML-KEM-768 key exchange and an ML-DSA-65 signature */
    {
        static uint8_t ek[XPS_KEM_MLKEM768_PUBLICKEYBYTES], dk[XPS_KEM_MLKEM768_SECRETKEYBYTES];
        static uint8_t ct[XPS_KEM_MLKEM768_CIPHERTEXTBYTES];
        static uint8_t pk[XPS_SIGN_MLDSA65_PUBLICKEYBYTES], sk[XPS_SIGN_MLDSA65_SECRETKEYBYTES], sig[XPS_SIGN_MLDSA65_BYTES];
        uint8_t ss1[32], ss2[32];
        size_t ek_len, dk_len, ct_len, ss1_len, ss2_len, pk_len, sk_len, sig_len;
        const char *msg = "signed by the tour";
        printf("Post-quantum:\n");
        die_if(xps_kem_keypair(XPS_ALG_ML_KEM_768, NULL, 0, ek, sizeof ek, &ek_len, dk, sizeof dk, &dk_len), "xps_kem_keypair");
        die_if(xps_kem_encapsulate(XPS_ALG_ML_KEM_768, ek, ek_len, NULL, 0, ct, sizeof ct, &ct_len, ss1, sizeof ss1, &ss1_len),
               "xps_kem_encapsulate");
        die_if(xps_kem_decapsulate(XPS_ALG_ML_KEM_768, dk, dk_len, ct, ct_len, ss2, sizeof ss2, &ss2_len), "xps_kem_decapsulate");
        printf("  %-26s %s (kernel %s)\n", "ml-kem-768 shared secret", xps_ct_equal(ss1, ss2, sizeof ss1) ? "agrees" : "DIFFERS",
               xps_dispatch_active_kernel("kem.ml-kem-768"));
        die_if(xps_sign_keypair(XPS_ALG_ML_DSA_65, NULL, 0, pk, sizeof pk, &pk_len, sk, sizeof sk, &sk_len), "xps_sign_keypair");
        die_if(xps_sign(XPS_ALG_ML_DSA_65, sk, sk_len, (const uint8_t *)msg, strlen(msg), sig, sizeof sig, &sig_len), "xps_sign");
        printf("  %-26s %zu-byte signature %s; tampered: %s\n", "ml-dsa-65",
               sig_len, xps_verify(XPS_ALG_ML_DSA_65, pk, pk_len, (const uint8_t *)msg, strlen(msg), sig, sig_len) == XPS_OK ? "verifies" : "FAILS",
               xps_status_name(xps_verify(XPS_ALG_ML_DSA_65, pk, pk_len, (const uint8_t *)"tampered", 8, sig, sig_len)));
        xps_secure_zero(dk, sizeof dk);
        xps_secure_zero(sk, sizeof sk);
        xps_secure_zero(ss1, sizeof ss1);
        xps_secure_zero(ss2, sizeof ss2);
    }
    printf("tour ok\n");
    return 0;
}
