/*
 * bad_input.c — every bad-input case of the C ABI, plus the happy paths of the object APIs.
 *
 * Each failing call is checked for: its specific status; output buffers untouched (pre-filled with
 * a pattern); *out_len untouched, or holding the required size for XPS_E_BUFFER_TOO_SMALL; a
 * non-empty xps_last_error_detail(). Each successful call is checked for an empty detail.
 *
 * Every section runs in a forked child (counters in shared memory), so a crash or abort inside the
 * library is reported as a failure of that section and the rest of the suite still runs. Cases
 * that are known to be able to take the process down (huge lengths) run in a child of their own.
 *
 *   bad_input [--verbose]      last line: "N passed, M failed"
 */
#define _DEFAULT_SOURCE
#define _POSIX_C_SOURCE 200809L

#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xpscrypto.h>

#include "testutil.h"

#define OUTSZ 4160
static uint8_t out[OUTSZ];
static size_t olen;
static uint8_t key32[64], key64[64], nonce24[24], msg[256], aad[13];
static uint8_t scratch[1024];

#define HUGE_LEN ((size_t)1 << 40)

/* ------------------------------------------------------------------------------------------ */
/* expectations                                                                               */
/* ------------------------------------------------------------------------------------------ */

/* One failing call: status `want`; `buf` (n bytes) still the pattern; *lenp == want_len. */
static void expect_fail(const char *file, int line, const char *call, xps_status got, xps_status want, const void *buf, size_t n,
                        const size_t *lenp, size_t want_len) {
    const char *detail = xps_last_error_detail();
    int st_ok = got == want;
    int buf_ok = buf == NULL || tu_is_pattern(buf, n);
    int len_ok = lenp == NULL || *lenp == want_len;
    int det_ok = detail != NULL && detail[0] != '\0';
    tu_check(st_ok && buf_ok && len_ok && det_ok, file, line, "%s -> %s%s%s%s%s%s [%s]", call, xps_status_name(got),
             st_ok ? "" : " (want ", st_ok ? "" : xps_status_name(want), st_ok ? "" : ")", buf_ok ? "" : " OUTPUT WRITTEN",
             len_ok ? (det_ok ? "" : " EMPTY DETAIL") : " OUT_LEN WRONG", detail ? detail : "(null detail)");
}

/* `call` must fail with `want`, leaving `out` and `olen` untouched. */
#define FAILS(call, want)                                                                                          \
    do {                                                                                                           \
        xps_status s_;                                                                                             \
        tu_fill(out, sizeof out);                                                                                  \
        olen = TU_LEN_SENTINEL;                                                                                    \
        s_ = (call);                                                                                               \
        expect_fail(__FILE__, __LINE__, #call, s_, (want), out, sizeof out, &olen, TU_LEN_SENTINEL);               \
    } while (0)

/* `call` must fail with XPS_E_BUFFER_TOO_SMALL, write `need` to olen and nothing else. */
#define TOO_SMALL(call, need)                                                                                      \
    do {                                                                                                           \
        xps_status s_;                                                                                             \
        tu_fill(out, sizeof out);                                                                                  \
        olen = TU_LEN_SENTINEL;                                                                                    \
        s_ = (call);                                                                                               \
        expect_fail(__FILE__, __LINE__, #call, s_, XPS_E_BUFFER_TOO_SMALL, out, sizeof out, &olen, (need));        \
    } while (0)

/* `call` must succeed and leave an empty error detail. */
#define OK(call)                                                                                                   \
    do {                                                                                                           \
        xps_status s_ = (call);                                                                                    \
        const char *d_ = xps_last_error_detail();                                                                  \
        CHECK(s_ == XPS_OK && d_ != NULL && d_[0] == '\0', "%s -> %s [%s]", #call, xps_status_name(s_), d_ ? d_ : "(null)"); \
    } while (0)

/* A failing call whose output is some other buffer (checked against a saved copy). */
#define FAILS_KEEP(call, want, region, region_n, saved)                                                            \
    do {                                                                                                           \
        xps_status s_ = (call);                                                                                    \
        const char *d_ = xps_last_error_detail();                                                                  \
        int same_ = memcmp((region), (saved), (region_n)) == 0;                                                    \
        CHECK(s_ == (want) && same_ && d_ != NULL && d_[0] != '\0', "%s -> %s (want %s)%s [%s]", #call, xps_status_name(s_), \
              xps_status_name(want), same_ ? "" : " BUFFER MODIFIED", d_ ? d_ : "(null)");                         \
    } while (0)

static int eq(const void *a, const void *b, size_t n) { return n == 0 || memcmp(a, b, n) == 0; }

/* ------------------------------------------------------------------------------------------ */
/* fork isolation                                                                             */
/* ------------------------------------------------------------------------------------------ */

static void isolated(const char *name, void (*fn)(void)) {
    pid_t pid;
    int st = 0;
    long before = tu_counts_p->passed + tu_counts_p->failed;
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid < 0) {
        perror("fork");
        fn();
        return;
    }
    if (pid == 0) {
        fn();
        fflush(stdout);
        /* exit(), not _exit(): LeakSanitizer and valgrind check the child for leaks at exit */
        exit(0);
    }
    if (waitpid(pid, &st, 0) < 0) {
        perror("waitpid");
    }
    if (WIFSIGNALED(st)) {
        tu_counts_p->failed++;
        printf("FAIL %s: CRASHED with signal %d after %ld checks (a bug in the library: the process was killed)\n", name, WTERMSIG(st),
               tu_counts_p->passed + tu_counts_p->failed - before - 1);
    } else if (WIFEXITED(st) && WEXITSTATUS(st) != 0) {
        tu_counts_p->failed++;
        printf("FAIL %s: exited with status %d (sanitizer/valgrind error or abort)\n", name, WEXITSTATUS(st));
    }
    fflush(stdout);
}

/* ------------------------------------------------------------------------------------------ */
/* status, version, algorithm names, sizes                                                    */
/* ------------------------------------------------------------------------------------------ */

#define ST(x) {x, #x}
static const struct {
    xps_status code;
    const char *name;
} k_statuses[] = {
    ST(XPS_OK),
    ST(XPS_E_NULL_POINTER),
    ST(XPS_E_INVALID_LENGTH),
    ST(XPS_E_BAD_KEY_LENGTH),
    ST(XPS_E_BAD_NONCE_LENGTH),
    ST(XPS_E_BAD_TAG_LENGTH),
    ST(XPS_E_BUFFER_TOO_SMALL),
    ST(XPS_E_OVERLAP),
    ST(XPS_E_UNKNOWN_ALGORITHM),
    ST(XPS_E_WRONG_ALGORITHM_FAMILY),
    ST(XPS_E_OUTPUT_TOO_LONG),
    ST(XPS_E_INVALID_PARAMETER),
    ST(XPS_E_LENGTH_OVERFLOW),
    ST(XPS_E_INVALID_STATE),
    ST(XPS_E_AUTHENTICATION_FAILED),
    ST(XPS_E_BAD_SIGNATURE),
    ST(XPS_E_POLICY_DENIED),
    ST(XPS_E_RANDOM_FAILED),
    ST(XPS_E_OUT_OF_MEMORY),
    ST(XPS_E_MLOCK_FAILED),
    ST(XPS_E_UNKNOWN_OP),
    ST(XPS_E_UNKNOWN_KERNEL),
    ST(XPS_E_KERNEL_UNAVAILABLE),
    ST(XPS_E_SELFTEST_FAILED),
    ST(XPS_E_PANIC),
    ST(XPS_E_INTERNAL),
};

static void t_status(void) {
    size_t i;
    static const xps_status unknown[] = {-1, 1, 99, 100, 114, 199, 200, 203, 300, 302, 400, 404, 500, 504, 600, 604, 700, 999, INT32_MIN, INT32_MAX};
    for (i = 0; i < sizeof k_statuses / sizeof k_statuses[0]; i++) {
        const char *n = xps_status_name(k_statuses[i].code), *m = xps_status_message(k_statuses[i].code);
        CHECK(n != NULL && strcmp(n, k_statuses[i].name) == 0, "xps_status_name(%d) = %s, want %s", k_statuses[i].code, n ? n : "NULL",
              k_statuses[i].name);
        CHECK(m != NULL && m[0] != '\0' && strcmp(m, "unknown status code") != 0, "xps_status_message(%s) = \"%s\"", k_statuses[i].name,
              m ? m : "NULL");
        CHECK(xps_status_category(k_statuses[i].code) == k_statuses[i].code / 100, "xps_status_category(%s)", k_statuses[i].name);
    }
    for (i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        const char *n = xps_status_name(unknown[i]), *m = xps_status_message(unknown[i]);
        CHECK(n != NULL && strcmp(n, "XPS_E_UNKNOWN_STATUS") == 0, "xps_status_name(%d) = %s, want XPS_E_UNKNOWN_STATUS", unknown[i],
              n ? n : "NULL");
        CHECK(m != NULL && m[0] != '\0', "xps_status_message(%d) is non-empty", unknown[i]);
    }
    CHECK(xps_status_category(XPS_E_AUTHENTICATION_FAILED) == 2 && xps_status_category(XPS_E_UNKNOWN_KERNEL) == 5 &&
              xps_status_category(XPS_OK) == 0,
          "xps_status_category groups by hundreds");
    /* version */
    CHECK(strcmp(xps_version(), XPS_VERSION_STRING) == 0, "xps_version() = %s, header says %s", xps_version(), XPS_VERSION_STRING);
    CHECK(xps_version_number() == XPS_VERSION_NUMBER, "xps_version_number() = %u", xps_version_number());
    OK(xps_init());
    OK(xps_init());
}

static const struct {
    const char *name;
    uint32_t id;
} k_algs[] = {
    {"sha256", XPS_ALG_SHA256},
    {"sha384", XPS_ALG_SHA384},
    {"sha512", XPS_ALG_SHA512},
    {"sha3-256", XPS_ALG_SHA3_256},
    {"sha3-512", XPS_ALG_SHA3_512},
    {"shake128", XPS_ALG_SHAKE128},
    {"shake256", XPS_ALG_SHAKE256},
    {"blake2b-512", XPS_ALG_BLAKE2B_512},
    {"blake2s-256", XPS_ALG_BLAKE2S_256},
    {"blake3", XPS_ALG_BLAKE3},
    {"hmac-sha256", XPS_ALG_HMAC_SHA256},
    {"hmac-sha384", XPS_ALG_HMAC_SHA384},
    {"hmac-sha512", XPS_ALG_HMAC_SHA512},
    {"poly1305", XPS_ALG_POLY1305},
    {"blake3-keyed", XPS_ALG_BLAKE3_KEYED},
    {"aes-128-gcm", XPS_ALG_AES_128_GCM},
    {"aes-256-gcm", XPS_ALG_AES_256_GCM},
    {"chacha20-poly1305", XPS_ALG_CHACHA20_POLY1305},
    {"xchacha20-poly1305", XPS_ALG_XCHACHA20_POLY1305},
    {"hkdf-sha256", XPS_ALG_HKDF_SHA256},
    {"hkdf-sha384", XPS_ALG_HKDF_SHA384},
    {"hkdf-sha512", XPS_ALG_HKDF_SHA512},
    {"pbkdf2-sha256", XPS_ALG_PBKDF2_SHA256},
    {"pbkdf2-sha512", XPS_ALG_PBKDF2_SHA512},
    {"argon2id", XPS_ALG_ARGON2ID},
};
#define N_ALGS (sizeof k_algs / sizeof k_algs[0])

static void t_names_sizes(void) {
    size_t i, n = xps_alg_count();
    static const uint32_t fixed_hash[] = {XPS_ALG_SHA256, XPS_ALG_SHA384, XPS_ALG_SHA512, XPS_ALG_SHA3_256, XPS_ALG_SHA3_512,
                                          XPS_ALG_BLAKE2B_512, XPS_ALG_BLAKE2S_256, XPS_ALG_BLAKE3};
    static const size_t fixed_len[] = {32, 48, 64, 32, 64, 64, 32, 32};
    for (i = 0; i < N_ALGS; i++) {
        const char *nm = xps_alg_name(k_algs[i].id);
        CHECK(xps_alg_from_name(k_algs[i].name) == k_algs[i].id, "xps_alg_from_name(\"%s\") = %u", k_algs[i].name,
              xps_alg_from_name(k_algs[i].name));
        CHECK(nm != NULL && strcmp(nm, k_algs[i].name) == 0, "xps_alg_name(%u) = %s", k_algs[i].id, nm ? nm : "NULL");
    }
    CHECK(n >= N_ALGS, "xps_alg_count() = %zu >= %zu", n, (size_t)N_ALGS);
    for (i = 0; i < n; i++) {
        uint32_t id = xps_alg_at(i);
        const char *nm = xps_alg_name(id);
        CHECK(id != 0 && nm != NULL && xps_alg_from_name(nm) == id, "xps_alg_at(%zu) = %u round-trips through its name", i, id);
    }
    CHECK(xps_alg_at(n) == 0 && xps_alg_at(SIZE_MAX) == 0, "xps_alg_at out of range is 0");
    CHECK(xps_alg_from_name("aes-512-gcm") == 0, "unknown name -> 0");
    CHECK(xps_alg_from_name("") == 0, "empty name -> 0");
    CHECK(xps_alg_from_name(NULL) == 0, "NULL name -> 0");
    CHECK(xps_alg_from_name("sha256 ") == 0, "name with trailing space -> 0");
    CHECK(xps_alg_name(0) == NULL && xps_alg_name(0xFFFF) == NULL && xps_alg_name(0xFFFFFFFFu) == NULL, "unknown ids have no name");
    /* sizes */
    for (i = 0; i < sizeof fixed_hash / sizeof fixed_hash[0]; i++) {
        CHECK(xps_hash_outbytes(fixed_hash[i]) == fixed_len[i], "xps_hash_outbytes(%s) = %zu", xps_alg_name(fixed_hash[i]),
              xps_hash_outbytes(fixed_hash[i]));
    }
    CHECK(xps_hash_outbytes(XPS_ALG_SHAKE128) == 0 && xps_hash_outbytes(XPS_ALG_SHAKE256) == 0, "XOFs report outbytes 0");
    CHECK(xps_hash_outbytes(XPS_ALG_AES_256_GCM) == 0 && xps_hash_outbytes(0) == 0 && xps_hash_outbytes(0xFFFF) == 0,
          "non-hash ids report outbytes 0");
    CHECK(xps_mac_tagbytes(XPS_ALG_HMAC_SHA256) == 32 && xps_mac_tagbytes(XPS_ALG_HMAC_SHA384) == 48 &&
              xps_mac_tagbytes(XPS_ALG_HMAC_SHA512) == 64 && xps_mac_tagbytes(XPS_ALG_POLY1305) == 16 &&
              xps_mac_tagbytes(XPS_ALG_BLAKE3_KEYED) == 32,
          "xps_mac_tagbytes");
    CHECK(xps_mac_tagbytes(XPS_ALG_SHA256) == 0 && xps_mac_tagbytes(0) == 0, "xps_mac_tagbytes of non-MACs is 0");
    CHECK(xps_mac_keybytes(XPS_ALG_POLY1305) == 32 && xps_mac_keybytes(XPS_ALG_BLAKE3_KEYED) == 32 &&
              xps_mac_keybytes(XPS_ALG_HMAC_SHA256) == 0 && xps_mac_keybytes(XPS_ALG_SHA256) == 0,
          "xps_mac_keybytes");
    CHECK(xps_aead_keybytes(XPS_ALG_AES_128_GCM) == XPS_AEAD_AES128GCM_KEYBYTES &&
              xps_aead_keybytes(XPS_ALG_AES_256_GCM) == XPS_AEAD_AES256GCM_KEYBYTES &&
              xps_aead_keybytes(XPS_ALG_CHACHA20_POLY1305) == XPS_AEAD_CHACHA20POLY1305_KEYBYTES &&
              xps_aead_keybytes(XPS_ALG_XCHACHA20_POLY1305) == XPS_AEAD_XCHACHA20POLY1305_KEYBYTES,
          "xps_aead_keybytes matches the macros");
    CHECK(xps_aead_noncebytes(XPS_ALG_AES_128_GCM) == 12 && xps_aead_noncebytes(XPS_ALG_AES_256_GCM) == 12 &&
              xps_aead_noncebytes(XPS_ALG_CHACHA20_POLY1305) == 12 && xps_aead_noncebytes(XPS_ALG_XCHACHA20_POLY1305) == 24,
          "xps_aead_noncebytes");
    CHECK(xps_aead_tagbytes(XPS_ALG_AES_256_GCM) == XPS_AEAD_TAGBYTES && xps_aead_tagbytes(XPS_ALG_XCHACHA20_POLY1305) == 16,
          "xps_aead_tagbytes");
    CHECK(xps_aead_keybytes(XPS_ALG_SHA256) == 0 && xps_aead_noncebytes(0) == 0 && xps_aead_tagbytes(XPS_ALG_HKDF_SHA256) == 0,
          "AEAD sizes of non-AEADs are 0");
}

/* ------------------------------------------------------------------------------------------ */
/* hashes                                                                                     */
/* ------------------------------------------------------------------------------------------ */

static const uint8_t k_sha256_empty[32] = {0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4,
                                           0xc8, 0x99, 0x6f, 0xb9, 0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b,
                                           0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55};

static void t_hash_oneshot(void) {
    static const uint32_t fixed[] = {XPS_ALG_SHA256, XPS_ALG_SHA384, XPS_ALG_SHA512, XPS_ALG_SHA3_256, XPS_ALG_SHA3_512,
                                     XPS_ALG_BLAKE2B_512, XPS_ALG_BLAKE2S_256, XPS_ALG_BLAKE3};
    static const uint32_t not_hash[] = {XPS_ALG_HMAC_SHA256, XPS_ALG_POLY1305, XPS_ALG_BLAKE3_KEYED, XPS_ALG_AES_256_GCM,
                                        XPS_ALG_HKDF_SHA256, XPS_ALG_ARGON2ID};
    size_t i;
    uint8_t saved[128];

    FAILS(xps_hash(0, msg, 3, out, 64, &olen), XPS_E_UNKNOWN_ALGORITHM);
    FAILS(xps_hash(0xFFFF, msg, 3, out, 64, &olen), XPS_E_UNKNOWN_ALGORITHM);
    FAILS(xps_hash(0xFFFFFFFFu, msg, 3, out, 64, &olen), XPS_E_UNKNOWN_ALGORITHM);
    for (i = 0; i < sizeof not_hash / sizeof not_hash[0]; i++) {
        FAILS(xps_hash(not_hash[i], msg, 3, out, 64, &olen), XPS_E_WRONG_ALGORITHM_FAMILY);
    }
    FAILS(xps_hash(XPS_ALG_SHA256, NULL, 3, out, 64, &olen), XPS_E_NULL_POINTER);
    FAILS(xps_hash(XPS_ALG_SHA256, msg, 3, NULL, 64, &olen), XPS_E_NULL_POINTER);
    FAILS(xps_hash(XPS_ALG_SHA256, msg, 3, out, 64, NULL), XPS_E_NULL_POINTER);
    FAILS(xps_hash(XPS_ALG_SHAKE128, msg, 3, NULL, 32, &olen), XPS_E_NULL_POINTER);
    FAILS(xps_hash(XPS_ALG_SHA256, msg, SIZE_MAX, out, 64, &olen), XPS_E_LENGTH_OVERFLOW);
    FAILS(xps_hash(XPS_ALG_SHA256, msg, SIZE_MAX / 2 + 1, out, 64, &olen), XPS_E_LENGTH_OVERFLOW);
    FAILS(xps_hash(XPS_ALG_SHA256, msg, 3, out, SIZE_MAX, &olen), XPS_E_LENGTH_OVERFLOW);
    FAILS(xps_hash(XPS_ALG_SHAKE128, msg, 3, out, SIZE_MAX, &olen), XPS_E_LENGTH_OVERFLOW);
    for (i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        size_t n = xps_hash_outbytes(fixed[i]);
        TOO_SMALL(xps_hash(fixed[i], msg, 3, out, n - 1, &olen), n);
        TOO_SMALL(xps_hash(fixed[i], msg, 3, NULL, 0, &olen), n);
    }
    /* overlap: partial both ways, and exact in place (refused for hashes) */
    tu_fill(scratch, sizeof scratch);
    memcpy(saved, scratch, sizeof saved);
    FAILS_KEEP(xps_hash(XPS_ALG_SHA256, scratch, 40, scratch + 8, 32, &olen), XPS_E_OVERLAP, scratch, sizeof saved, saved);
    FAILS_KEEP(xps_hash(XPS_ALG_SHA256, scratch + 8, 40, scratch, 32, &olen), XPS_E_OVERLAP, scratch, sizeof saved, saved);
    FAILS_KEEP(xps_hash(XPS_ALG_SHA256, scratch, 32, scratch, 32, &olen), XPS_E_OVERLAP, scratch, sizeof saved, saved);
    FAILS_KEEP(xps_hash(XPS_ALG_SHA256, scratch + 31, 1, scratch, 32, &olen), XPS_E_OVERLAP, scratch, sizeof saved, saved);
    FAILS_KEEP(xps_hash(XPS_ALG_SHAKE256, scratch, 64, scratch + 63, 64, &olen), XPS_E_OVERLAP, scratch, sizeof saved, saved);
    /* adjacent (not overlapping) is fine */
    OK(xps_hash(XPS_ALG_SHA256, scratch, 32, scratch + 32, 32, &olen));

    /* happy edges: empty input as (NULL, 0); XOF with 0 bytes */
    tu_fill(out, sizeof out);
    OK(xps_hash(XPS_ALG_SHA256, NULL, 0, out, 64, &olen));
    CHECK(olen == 32 && eq(out, k_sha256_empty, 32) && tu_is_pattern(out + 32, 32), "sha256(\"\") digest, nothing written past 32 bytes");
    olen = TU_LEN_SENTINEL;
    OK(xps_hash(XPS_ALG_SHAKE128, msg, 3, NULL, 0, &olen));
    CHECK(olen == 0, "shake128 with out_cap 0 writes 0 bytes (olen %zu)", olen);

    /* xps_xof */
    FAILS(xps_xof(0, msg, 3, out, 32), XPS_E_UNKNOWN_ALGORITHM);
    FAILS(xps_xof(XPS_ALG_SHA256, msg, 3, out, 32), XPS_E_WRONG_ALGORITHM_FAMILY);
    FAILS(xps_xof(XPS_ALG_HMAC_SHA256, msg, 3, out, 32), XPS_E_WRONG_ALGORITHM_FAMILY);
    FAILS(xps_xof(XPS_ALG_SHAKE128, NULL, 3, out, 32), XPS_E_NULL_POINTER);
    FAILS(xps_xof(XPS_ALG_SHAKE128, msg, 3, NULL, 32), XPS_E_NULL_POINTER);
    FAILS(xps_xof(XPS_ALG_SHAKE256, msg, SIZE_MAX, out, 32), XPS_E_LENGTH_OVERFLOW);
    FAILS(xps_xof(XPS_ALG_BLAKE3, msg, 3, out, SIZE_MAX), XPS_E_LENGTH_OVERFLOW);
    tu_fill(scratch, sizeof scratch);
    memcpy(saved, scratch, sizeof saved);
    FAILS_KEEP(xps_xof(XPS_ALG_BLAKE3, scratch, 64, scratch + 32, 64), XPS_E_OVERLAP, scratch, sizeof saved, saved);
    FAILS_KEEP(xps_xof(XPS_ALG_SHAKE128, scratch, 64, scratch, 64), XPS_E_OVERLAP, scratch, sizeof saved, saved);

    /* BLAKE3 keyed / derive_key */
    FAILS(xps_blake3_keyed(key32, 31, msg, 3, out, 32), XPS_E_BAD_KEY_LENGTH);
    FAILS(xps_blake3_keyed(key32, 33, msg, 3, out, 32), XPS_E_BAD_KEY_LENGTH);
    FAILS(xps_blake3_keyed(NULL, 0, msg, 3, out, 32), XPS_E_BAD_KEY_LENGTH);
    FAILS(xps_blake3_keyed(NULL, 32, msg, 3, out, 32), XPS_E_NULL_POINTER);
    FAILS(xps_blake3_keyed(key32, 32, NULL, 3, out, 32), XPS_E_NULL_POINTER);
    FAILS(xps_blake3_keyed(key32, 32, msg, 3, NULL, 32), XPS_E_NULL_POINTER);
    FAILS(xps_blake3_keyed(key32, SIZE_MAX, msg, 3, out, 32), XPS_E_LENGTH_OVERFLOW);
    memcpy(scratch, key32, 32);
    memcpy(saved, scratch, sizeof saved);
    FAILS_KEEP(xps_blake3_keyed(scratch, 32, msg, 3, scratch + 16, 32), XPS_E_OVERLAP, scratch, sizeof saved, saved);
    FAILS_KEEP(xps_blake3_keyed(key32, 32, scratch, 48, scratch + 40, 32), XPS_E_OVERLAP, scratch, sizeof saved, saved);
    FAILS(xps_blake3_derive_key((const uint8_t *)"\xff\xfe context", 10, msg, 3, out, 32), XPS_E_INVALID_PARAMETER);
    FAILS(xps_blake3_derive_key(NULL, 5, msg, 3, out, 32), XPS_E_NULL_POINTER);
    FAILS(xps_blake3_derive_key((const uint8_t *)"ctx", 3, NULL, 3, out, 32), XPS_E_NULL_POINTER);
    FAILS(xps_blake3_derive_key((const uint8_t *)"ctx", 3, msg, 3, NULL, 32), XPS_E_NULL_POINTER);
    FAILS_KEEP(xps_blake3_derive_key((const uint8_t *)"ctx", 3, scratch, 48, scratch + 40, 32), XPS_E_OVERLAP, scratch, sizeof saved,
               saved);
}

static xps_hash_ctx *const HASH_SENTINEL = (xps_hash_ctx *)(uintptr_t)0x1000;
static xps_mac_ctx *const MAC_SENTINEL = (xps_mac_ctx *)(uintptr_t)0x1000;
static xps_aead_key *const KEY_SENTINEL = (xps_aead_key *)(uintptr_t)0x1000;

static void t_hash_streaming(void) {
    xps_hash_ctx *h = HASH_SENTINEL, *h2 = HASH_SENTINEL;
    uint8_t ref_abc[32], ref_abd[32], d[64], x[100];
    size_t n;

    FAILS(xps_hash_new(0, &h), XPS_E_UNKNOWN_ALGORITHM);
    CHECK(h == HASH_SENTINEL, "xps_hash_new(0) left *out untouched");
    FAILS(xps_hash_new(XPS_ALG_HMAC_SHA256, &h), XPS_E_WRONG_ALGORITHM_FAMILY);
    FAILS(xps_hash_new(XPS_ALG_AES_128_GCM, &h), XPS_E_WRONG_ALGORITHM_FAMILY);
    CHECK(h == HASH_SENTINEL, "xps_hash_new(wrong family) left *out untouched");
    FAILS(xps_hash_new(XPS_ALG_SHA256, NULL), XPS_E_NULL_POINTER);
    FAILS(xps_hash_new_blake3_keyed(key32, 16, &h), XPS_E_BAD_KEY_LENGTH);
    FAILS(xps_hash_new_blake3_keyed(NULL, 32, &h), XPS_E_NULL_POINTER);
    FAILS(xps_hash_new_blake3_keyed(key32, 32, NULL), XPS_E_NULL_POINTER);
    FAILS(xps_hash_new_blake3_derive_key((const uint8_t *)"\xc3\x28", 2, &h), XPS_E_INVALID_PARAMETER);
    FAILS(xps_hash_new_blake3_derive_key(NULL, 4, &h), XPS_E_NULL_POINTER);
    CHECK(h == HASH_SENTINEL, "failed xps_hash_new_* left *out untouched");
    FAILS(xps_hash_update(NULL, msg, 3), XPS_E_NULL_POINTER);
    FAILS(xps_hash_final(NULL, out, 64, &olen), XPS_E_NULL_POINTER);
    FAILS(xps_hash_final_xof(NULL, out, 64), XPS_E_NULL_POINTER);
    FAILS(xps_hash_copy(NULL, &h2), XPS_E_NULL_POINTER);
    CHECK(h2 == HASH_SENTINEL, "xps_hash_copy(NULL) left *out untouched");

    OK(xps_hash(XPS_ALG_SHA256, (const uint8_t *)"abc", 3, ref_abc, 32, &n));
    OK(xps_hash(XPS_ALG_SHA256, (const uint8_t *)"abd", 3, ref_abd, 32, &n));

    /* happy path with copy: common prefix once */
    h = NULL;
    OK(xps_hash_new(XPS_ALG_SHA256, &h));
    CHECK(h != NULL && h != HASH_SENTINEL, "xps_hash_new gave a handle");
    OK(xps_hash_update(h, (const uint8_t *)"ab", 2));
    OK(xps_hash_update(h, NULL, 0));
    FAILS(xps_hash_update(h, NULL, 3), XPS_E_NULL_POINTER);
    FAILS(xps_hash_update(h, msg, SIZE_MAX), XPS_E_LENGTH_OVERFLOW);
    FAILS(xps_hash_copy(h, NULL), XPS_E_NULL_POINTER);
    h2 = NULL;
    OK(xps_hash_copy(h, &h2));
    OK(xps_hash_update(h, (const uint8_t *)"c", 1));
    OK(xps_hash_update(h2, (const uint8_t *)"d", 1));
    /* errors that leave the context usable */
    TOO_SMALL(xps_hash_final(h, out, 31, &olen), 32);
    FAILS(xps_hash_final(h, out, 64, NULL), XPS_E_NULL_POINTER);
    FAILS(xps_hash_final(h, NULL, 64, &olen), XPS_E_NULL_POINTER);
    FAILS(xps_hash_final(h, out, SIZE_MAX, &olen), XPS_E_LENGTH_OVERFLOW);
    FAILS(xps_hash_final_xof(h, out, 32), XPS_E_WRONG_ALGORITHM_FAMILY);
    tu_fill(d, sizeof d);
    OK(xps_hash_final(h, d, sizeof d, &n));
    CHECK(n == 32 && eq(d, ref_abc, 32) && tu_is_pattern(d + 32, 32), "streamed sha256(ab|c) after recoverable errors = sha256(abc)");
    OK(xps_hash_final(h2, d, 32, &n));
    CHECK(n == 32 && eq(d, ref_abd, 32), "copied stream sha256(ab|d) = sha256(abd)");
    /* use after final */
    FAILS(xps_hash_update(h, msg, 3), XPS_E_INVALID_STATE);
    FAILS(xps_hash_final(h, out, 64, &olen), XPS_E_INVALID_STATE);
    FAILS(xps_hash_final_xof(h, out, 32), XPS_E_INVALID_STATE);
    {
        xps_hash_ctx *h3 = HASH_SENTINEL;
        FAILS(xps_hash_copy(h, &h3), XPS_E_INVALID_STATE);
        CHECK(h3 == HASH_SENTINEL, "xps_hash_copy of a finalized context left *out untouched");
    }
    xps_hash_free(h);
    xps_hash_free(h2);

    /* XOF streams: final writes out_cap bytes; final_xof any length; then finalized */
    OK(xps_xof(XPS_ALG_SHAKE128, msg, 100, x, sizeof x));
    OK(xps_hash_new(XPS_ALG_SHAKE128, &h));
    OK(xps_hash_update(h, msg, 60));
    OK(xps_hash_update(h, msg + 60, 40));
    OK(xps_hash_copy(h, &h2));
    tu_fill(out, sizeof out);
    OK(xps_hash_final(h2, out, 40, &n));
    CHECK(n == 40 && eq(out, x, 40) && tu_is_pattern(out + 40, 64), "shake128 stream final(out_cap 40) = xof prefix");
    tu_fill(out, sizeof out);
    OK(xps_hash_final_xof(h, out, sizeof x));
    CHECK(eq(out, x, sizeof x) && tu_is_pattern(out + sizeof x, 64), "shake128 stream final_xof(100) = xof(100)");
    FAILS(xps_hash_final_xof(h, out, 16), XPS_E_INVALID_STATE);
    FAILS(xps_hash_update(h, msg, 1), XPS_E_INVALID_STATE);
    xps_hash_free(h);
    xps_hash_free(h2);

    /* keyed and derive_key streams equal the one-shots */
    OK(xps_blake3_keyed(key32, 32, msg, 200, x, 64));
    OK(xps_hash_new_blake3_keyed(key32, 32, &h));
    OK(xps_hash_update(h, msg, 77));
    OK(xps_hash_update(h, msg + 77, 123));
    OK(xps_hash_final_xof(h, d, 64));
    CHECK(eq(d, x, 64), "streaming blake3 keyed = one-shot");
    xps_hash_free(h);
    OK(xps_blake3_derive_key((const uint8_t *)"xps test ctx", 12, msg, 200, x, 48));
    OK(xps_hash_new_blake3_derive_key((const uint8_t *)"xps test ctx", 12, &h));
    OK(xps_hash_update(h, msg, 200));
    OK(xps_hash_final(h, d, 32, &n));
    CHECK(n == 32 && eq(d, x, 32), "streaming blake3 derive_key final = one-shot prefix");
    xps_hash_free(h);
}

/* ------------------------------------------------------------------------------------------ */
/* MACs                                                                                       */
/* ------------------------------------------------------------------------------------------ */

static void t_mac(void) {
    static const uint32_t macs[] = {XPS_ALG_HMAC_SHA256, XPS_ALG_HMAC_SHA384, XPS_ALG_HMAC_SHA512, XPS_ALG_POLY1305, XPS_ALG_BLAKE3_KEYED};
    uint8_t tag[64], t2[64], saved[128];
    size_t i, n;
    xps_mac_ctx *m = MAC_SENTINEL, *m2 = MAC_SENTINEL;

    FAILS(xps_hmac(0, key32, 32, msg, 3, out, 64, &olen), XPS_E_UNKNOWN_ALGORITHM);
    FAILS(xps_hmac(0xFFFF, key32, 32, msg, 3, out, 64, &olen), XPS_E_UNKNOWN_ALGORITHM);
    FAILS(xps_hmac(XPS_ALG_SHA256, key32, 32, msg, 3, out, 64, &olen), XPS_E_WRONG_ALGORITHM_FAMILY);
    FAILS(xps_hmac(XPS_ALG_AES_256_GCM, key32, 32, msg, 3, out, 64, &olen), XPS_E_WRONG_ALGORITHM_FAMILY);
    FAILS(xps_hmac(XPS_ALG_HKDF_SHA256, key32, 32, msg, 3, out, 64, &olen), XPS_E_WRONG_ALGORITHM_FAMILY);
    FAILS(xps_hmac(XPS_ALG_HMAC_SHA256, NULL, 32, msg, 3, out, 64, &olen), XPS_E_NULL_POINTER);
    FAILS(xps_hmac(XPS_ALG_HMAC_SHA256, key32, 32, NULL, 3, out, 64, &olen), XPS_E_NULL_POINTER);
    FAILS(xps_hmac(XPS_ALG_HMAC_SHA256, key32, 32, msg, 3, NULL, 64, &olen), XPS_E_NULL_POINTER);
    FAILS(xps_hmac(XPS_ALG_HMAC_SHA256, key32, 32, msg, 3, out, 64, NULL), XPS_E_NULL_POINTER);
    FAILS(xps_hmac(XPS_ALG_HMAC_SHA256, key32, SIZE_MAX, msg, 3, out, 64, &olen), XPS_E_LENGTH_OVERFLOW);
    FAILS(xps_hmac(XPS_ALG_HMAC_SHA256, key32, 32, msg, SIZE_MAX, out, 64, &olen), XPS_E_LENGTH_OVERFLOW);
    FAILS(xps_hmac(XPS_ALG_HMAC_SHA256, key32, 32, msg, 3, out, SIZE_MAX, &olen), XPS_E_LENGTH_OVERFLOW);
    for (i = 0; i < sizeof macs / sizeof macs[0]; i++) {
        size_t t = xps_mac_tagbytes(macs[i]);
        TOO_SMALL(xps_hmac(macs[i], key32, 32, msg, 3, out, t - 1, &olen), t);
        TOO_SMALL(xps_hmac(macs[i], key32, 32, msg, 3, NULL, 0, &olen), t);
    }
    FAILS(xps_hmac(XPS_ALG_POLY1305, key32, 31, msg, 3, out, 64, &olen), XPS_E_BAD_KEY_LENGTH);
    FAILS(xps_hmac(XPS_ALG_POLY1305, key32, 33, msg, 3, out, 64, &olen), XPS_E_BAD_KEY_LENGTH);
    FAILS(xps_hmac(XPS_ALG_BLAKE3_KEYED, key32, 16, msg, 3, out, 64, &olen), XPS_E_BAD_KEY_LENGTH);
    FAILS(xps_hmac(XPS_ALG_BLAKE3_KEYED, NULL, 0, msg, 3, out, 64, &olen), XPS_E_BAD_KEY_LENGTH);
    /* overlaps */
    memcpy(scratch, key32, 32);
    memcpy(saved, scratch, sizeof saved);
    FAILS_KEEP(xps_hmac(XPS_ALG_HMAC_SHA256, scratch, 32, msg, 3, scratch + 31, 32, &olen), XPS_E_OVERLAP, scratch, sizeof saved, saved);
    FAILS_KEEP(xps_hmac(XPS_ALG_HMAC_SHA256, key32, 32, scratch, 64, scratch + 10, 32, &olen), XPS_E_OVERLAP, scratch, sizeof saved, saved);
    FAILS_KEEP(xps_hmac(XPS_ALG_HMAC_SHA256, key32, 32, scratch, 32, scratch, 32, &olen), XPS_E_OVERLAP, scratch, sizeof saved, saved);

    /* verify */
    OK(xps_hmac(XPS_ALG_HMAC_SHA256, key32, 32, msg, 100, tag, sizeof tag, &n));
    CHECK(n == 32, "hmac-sha256 tag is 32 bytes");
    OK(xps_hmac_verify(XPS_ALG_HMAC_SHA256, key32, 32, msg, 100, tag, 32));
    for (i = 0; i < 32; i += 15) {
        memcpy(t2, tag, 32);
        t2[i] ^= 0x01;
        FAILS(xps_hmac_verify(XPS_ALG_HMAC_SHA256, key32, 32, msg, 100, t2, 32), XPS_E_AUTHENTICATION_FAILED);
    }
    FAILS(xps_hmac_verify(XPS_ALG_HMAC_SHA256, key32, 32, msg, 99, tag, 32), XPS_E_AUTHENTICATION_FAILED);
    FAILS(xps_hmac_verify(XPS_ALG_HMAC_SHA256, key64, 32, msg, 100, tag, 32), XPS_E_AUTHENTICATION_FAILED);
    FAILS(xps_hmac_verify(XPS_ALG_HMAC_SHA256, key32, 32, msg, 100, tag, 31), XPS_E_BAD_TAG_LENGTH);
    FAILS(xps_hmac_verify(XPS_ALG_HMAC_SHA256, key32, 32, msg, 100, tag, 33), XPS_E_BAD_TAG_LENGTH);
    FAILS(xps_hmac_verify(XPS_ALG_HMAC_SHA256, key32, 32, msg, 100, tag, 16), XPS_E_BAD_TAG_LENGTH);
    FAILS(xps_hmac_verify(XPS_ALG_HMAC_SHA256, key32, 32, msg, 100, NULL, 0), XPS_E_BAD_TAG_LENGTH);
    FAILS(xps_hmac_verify(XPS_ALG_HMAC_SHA256, key32, 32, msg, 100, NULL, 32), XPS_E_NULL_POINTER);
    FAILS(xps_hmac_verify(XPS_ALG_HMAC_SHA256, NULL, 32, msg, 100, tag, 32), XPS_E_NULL_POINTER);
    FAILS(xps_hmac_verify(XPS_ALG_HMAC_SHA256, key32, 32, NULL, 100, tag, 32), XPS_E_NULL_POINTER);
    FAILS(xps_hmac_verify(XPS_ALG_HMAC_SHA256, key32, 32, msg, 100, tag, SIZE_MAX), XPS_E_LENGTH_OVERFLOW);
    FAILS(xps_hmac_verify(0, key32, 32, msg, 100, tag, 32), XPS_E_UNKNOWN_ALGORITHM);
    FAILS(xps_hmac_verify(XPS_ALG_SHA256, key32, 32, msg, 100, tag, 32), XPS_E_WRONG_ALGORITHM_FAMILY);
    /* truncated verify: 16 ≤ len ≤ full, only through the explicit call */
    OK(xps_hmac_verify_truncated(XPS_ALG_HMAC_SHA256, key32, 32, msg, 100, tag, 16));
    OK(xps_hmac_verify_truncated(XPS_ALG_HMAC_SHA256, key32, 32, msg, 100, tag, 24));
    OK(xps_hmac_verify_truncated(XPS_ALG_HMAC_SHA256, key32, 32, msg, 100, tag, 32));
    memcpy(t2, tag, 32);
    t2[15] ^= 0x80;
    FAILS(xps_hmac_verify_truncated(XPS_ALG_HMAC_SHA256, key32, 32, msg, 100, t2, 16), XPS_E_AUTHENTICATION_FAILED);
    FAILS(xps_hmac_verify_truncated(XPS_ALG_HMAC_SHA256, key32, 32, msg, 100, tag, 15), XPS_E_BAD_TAG_LENGTH);
    FAILS(xps_hmac_verify_truncated(XPS_ALG_HMAC_SHA256, key32, 32, msg, 100, tag, 8), XPS_E_BAD_TAG_LENGTH);
    FAILS(xps_hmac_verify_truncated(XPS_ALG_HMAC_SHA256, key32, 32, msg, 100, tag, 33), XPS_E_BAD_TAG_LENGTH);
    FAILS(xps_hmac_verify_truncated(XPS_ALG_HMAC_SHA256, key32, 32, msg, 100, NULL, 16), XPS_E_NULL_POINTER);
    FAILS(xps_hmac_verify_truncated(XPS_ALG_POLY1305, key32, 32, msg, 100, tag, 16), XPS_E_WRONG_ALGORITHM_FAMILY);
    FAILS(xps_hmac_verify_truncated(XPS_ALG_BLAKE3_KEYED, key32, 32, msg, 100, tag, 16), XPS_E_WRONG_ALGORITHM_FAMILY);
    FAILS(xps_hmac_verify_truncated(XPS_ALG_SHA256, key32, 32, msg, 100, tag, 16), XPS_E_WRONG_ALGORITHM_FAMILY);
    FAILS(xps_hmac_verify_truncated(0, key32, 32, msg, 100, tag, 16), XPS_E_UNKNOWN_ALGORITHM);

    /* streaming MAC */
    FAILS(xps_mac_new(0, key32, 32, &m), XPS_E_UNKNOWN_ALGORITHM);
    FAILS(xps_mac_new(XPS_ALG_SHA256, key32, 32, &m), XPS_E_WRONG_ALGORITHM_FAMILY);
    FAILS(xps_mac_new(XPS_ALG_HMAC_SHA256, key32, 32, NULL), XPS_E_NULL_POINTER);
    FAILS(xps_mac_new(XPS_ALG_HMAC_SHA256, NULL, 32, &m), XPS_E_NULL_POINTER);
    FAILS(xps_mac_new(XPS_ALG_POLY1305, key32, 16, &m), XPS_E_BAD_KEY_LENGTH);
    FAILS(xps_mac_new(XPS_ALG_BLAKE3_KEYED, key32, 64, &m), XPS_E_BAD_KEY_LENGTH);
    CHECK(m == MAC_SENTINEL, "failed xps_mac_new left *out untouched");
    FAILS(xps_mac_update(NULL, msg, 3), XPS_E_NULL_POINTER);
    FAILS(xps_mac_final(NULL, out, 64, &olen), XPS_E_NULL_POINTER);
    FAILS(xps_mac_verify_final(NULL, tag, 32), XPS_E_NULL_POINTER);
    FAILS(xps_mac_copy(NULL, &m2), XPS_E_NULL_POINTER);
    CHECK(m2 == MAC_SENTINEL, "xps_mac_copy(NULL) left *out untouched");

    for (i = 0; i < sizeof macs / sizeof macs[0]; i++) {
        size_t t = xps_mac_tagbytes(macs[i]);
        uint8_t ref[64];
        OK(xps_hmac(macs[i], key32, 32, msg, 200, ref, sizeof ref, &n));
        m = NULL;
        m2 = NULL;
        OK(xps_mac_new(macs[i], key32, 32, &m));
        OK(xps_mac_update(m, msg, 50));
        FAILS(xps_mac_update(m, NULL, 5), XPS_E_NULL_POINTER);
        OK(xps_mac_copy(m, &m2));
        OK(xps_mac_update(m, msg + 50, 150));
        OK(xps_mac_update(m2, msg + 50, 150));
        TOO_SMALL(xps_mac_final(m, out, t - 1, &olen), t);
        FAILS(xps_mac_final(m, out, 64, NULL), XPS_E_NULL_POINTER);
        tu_fill(t2, sizeof t2);
        OK(xps_mac_final(m, t2, sizeof t2, &n));
        CHECK(n == t && eq(t2, ref, t) && tu_is_pattern(t2 + t, sizeof t2 - t), "%s: streaming tag (after recoverable errors) = one-shot",
              xps_alg_name(macs[i]));
        OK(xps_mac_verify_final(m2, ref, t));
        /* after final */
        FAILS(xps_mac_update(m, msg, 3), XPS_E_INVALID_STATE);
        FAILS(xps_mac_final(m, out, 64, &olen), XPS_E_INVALID_STATE);
        FAILS(xps_mac_verify_final(m, ref, t), XPS_E_INVALID_STATE);
        FAILS(xps_mac_update(m2, msg, 3), XPS_E_INVALID_STATE);
        {
            xps_mac_ctx *m3 = MAC_SENTINEL;
            FAILS(xps_mac_copy(m, &m3), XPS_E_INVALID_STATE);
            CHECK(m3 == MAC_SENTINEL, "xps_mac_copy of a finalized context left *out untouched");
        }
        xps_mac_free(m);
        xps_mac_free(m2);
        /* streaming verify: wrong tag, wrong length */
        OK(xps_mac_new(macs[i], key32, 32, &m));
        OK(xps_mac_update(m, msg, 200));
        memcpy(t2, ref, t);
        t2[t - 1] ^= 0x40;
        FAILS(xps_mac_verify_final(m, t2, t), XPS_E_AUTHENTICATION_FAILED);
        xps_mac_free(m);
        OK(xps_mac_new(macs[i], key32, 32, &m));
        FAILS(xps_mac_verify_final(m, ref, t - 1), XPS_E_BAD_TAG_LENGTH);
        xps_mac_free(m);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* AEADs                                                                                      */
/* ------------------------------------------------------------------------------------------ */

static const uint32_t k_aeads[] = {XPS_ALG_AES_128_GCM, XPS_ALG_AES_256_GCM, XPS_ALG_CHACHA20_POLY1305, XPS_ALG_XCHACHA20_POLY1305};

static void t_aead_one(uint32_t a) {
    const size_t kb = xps_aead_keybytes(a), nb = xps_aead_noncebytes(a), pt_n = 64, ct_n = 80;
    uint8_t sealed[80], sealed2[80], tg[16], t17[17], pt[64], region[400], saved[400], io[96];
    size_t n, i;
    const char *name = xps_alg_name(a);

    /* reference */
    OK(xps_aead_seal(a, key32, kb, nonce24, nb, aad, sizeof aad, msg, pt_n, sealed, sizeof sealed, &n));
    CHECK(n == ct_n, "%s: sealed length %zu", name, n);
    OK(xps_aead_open(a, key32, kb, nonce24, nb, aad, sizeof aad, sealed, ct_n, pt, sizeof pt, &n));
    CHECK(n == pt_n && eq(pt, msg, pt_n), "%s: round trip", name);
    OK(xps_aead_seal(a, key32, kb, nonce24, nb, aad, sizeof aad, msg, pt_n, sealed2, sizeof sealed2, &n));
    CHECK(eq(sealed, sealed2, ct_n), "%s: deterministic for one key/nonce", name);

    /* algorithm ids */
    FAILS(xps_aead_seal(0, key32, kb, nonce24, nb, aad, 13, msg, pt_n, out, 128, &olen), XPS_E_UNKNOWN_ALGORITHM);
    FAILS(xps_aead_seal(0xFFFF, key32, kb, nonce24, nb, aad, 13, msg, pt_n, out, 128, &olen), XPS_E_UNKNOWN_ALGORITHM);
    FAILS(xps_aead_seal(XPS_ALG_SHA256, key32, kb, nonce24, nb, aad, 13, msg, pt_n, out, 128, &olen), XPS_E_WRONG_ALGORITHM_FAMILY);
    FAILS(xps_aead_seal(XPS_ALG_HMAC_SHA256, key32, kb, nonce24, nb, aad, 13, msg, pt_n, out, 128, &olen), XPS_E_WRONG_ALGORITHM_FAMILY);
    FAILS(xps_aead_open(0, key32, kb, nonce24, nb, aad, 13, sealed, ct_n, out, 128, &olen), XPS_E_UNKNOWN_ALGORITHM);
    FAILS(xps_aead_open(XPS_ALG_HKDF_SHA256, key32, kb, nonce24, nb, aad, 13, sealed, ct_n, out, 128, &olen), XPS_E_WRONG_ALGORITHM_FAMILY);
    FAILS(xps_aead_seal_detached(0, key32, kb, nonce24, nb, aad, 13, msg, pt_n, out, 128, &olen, tg, 16), XPS_E_UNKNOWN_ALGORITHM);
    FAILS(xps_aead_open_detached(XPS_ALG_SHA256, key32, kb, nonce24, nb, aad, 13, sealed, pt_n, sealed + pt_n, 16, out, 128, &olen),
          XPS_E_WRONG_ALGORITHM_FAMILY);

    /* key and nonce lengths */
    FAILS(xps_aead_seal(a, key32, kb - 1, nonce24, nb, aad, 13, msg, pt_n, out, 128, &olen), XPS_E_BAD_KEY_LENGTH);
    FAILS(xps_aead_seal(a, key32, kb + 1, nonce24, nb, aad, 13, msg, pt_n, out, 128, &olen), XPS_E_BAD_KEY_LENGTH);
    FAILS(xps_aead_seal(a, NULL, 0, nonce24, nb, aad, 13, msg, pt_n, out, 128, &olen), XPS_E_BAD_KEY_LENGTH);
    FAILS(xps_aead_open(a, key32, kb - 1, nonce24, nb, aad, 13, sealed, ct_n, out, 128, &olen), XPS_E_BAD_KEY_LENGTH);
    FAILS(xps_aead_seal(a, key32, kb, nonce24, nb - 1, aad, 13, msg, pt_n, out, 128, &olen), XPS_E_BAD_NONCE_LENGTH);
    FAILS(xps_aead_seal(a, key32, kb, nonce24, nb == 24 ? 12 : 24, aad, 13, msg, pt_n, out, 128, &olen), XPS_E_BAD_NONCE_LENGTH);
    FAILS(xps_aead_seal(a, key32, kb, NULL, 0, aad, 13, msg, pt_n, out, 128, &olen), XPS_E_BAD_NONCE_LENGTH);
    FAILS(xps_aead_open(a, key32, kb, nonce24, nb + 1, aad, 13, sealed, ct_n, out, 128, &olen), XPS_E_BAD_NONCE_LENGTH);
    FAILS(xps_aead_seal_detached(a, key32, kb, nonce24, nb - 1, aad, 13, msg, pt_n, out, 128, &olen, tg, 16), XPS_E_BAD_NONCE_LENGTH);
    FAILS(xps_aead_open_detached(a, key32, kb, nonce24, 0, aad, 13, sealed, pt_n, sealed + pt_n, 16, out, 128, &olen),
          XPS_E_BAD_NONCE_LENGTH);

    /* NULL pointers with non-zero lengths (every pointer argument) */
    FAILS(xps_aead_seal(a, NULL, kb, nonce24, nb, aad, 13, msg, pt_n, out, 128, &olen), XPS_E_NULL_POINTER);
    FAILS(xps_aead_seal(a, key32, kb, NULL, nb, aad, 13, msg, pt_n, out, 128, &olen), XPS_E_NULL_POINTER);
    FAILS(xps_aead_seal(a, key32, kb, nonce24, nb, NULL, 13, msg, pt_n, out, 128, &olen), XPS_E_NULL_POINTER);
    FAILS(xps_aead_seal(a, key32, kb, nonce24, nb, aad, 13, NULL, pt_n, out, 128, &olen), XPS_E_NULL_POINTER);
    FAILS(xps_aead_seal(a, key32, kb, nonce24, nb, aad, 13, msg, pt_n, NULL, 128, &olen), XPS_E_NULL_POINTER);
    FAILS(xps_aead_seal(a, key32, kb, nonce24, nb, aad, 13, msg, pt_n, out, 128, NULL), XPS_E_NULL_POINTER);
    FAILS(xps_aead_open(a, NULL, kb, nonce24, nb, aad, 13, sealed, ct_n, out, 128, &olen), XPS_E_NULL_POINTER);
    FAILS(xps_aead_open(a, key32, kb, NULL, nb, aad, 13, sealed, ct_n, out, 128, &olen), XPS_E_NULL_POINTER);
    FAILS(xps_aead_open(a, key32, kb, nonce24, nb, NULL, 13, sealed, ct_n, out, 128, &olen), XPS_E_NULL_POINTER);
    FAILS(xps_aead_open(a, key32, kb, nonce24, nb, aad, 13, NULL, ct_n, out, 128, &olen), XPS_E_NULL_POINTER);
    FAILS(xps_aead_open(a, key32, kb, nonce24, nb, aad, 13, sealed, ct_n, NULL, 128, &olen), XPS_E_NULL_POINTER);
    FAILS(xps_aead_open(a, key32, kb, nonce24, nb, aad, 13, sealed, ct_n, out, 128, NULL), XPS_E_NULL_POINTER);
    FAILS(xps_aead_seal_detached(a, key32, kb, nonce24, nb, aad, 13, msg, pt_n, NULL, 128, &olen, tg, 16), XPS_E_NULL_POINTER);
    FAILS(xps_aead_seal_detached(a, key32, kb, nonce24, nb, aad, 13, msg, pt_n, out, 128, NULL, tg, 16), XPS_E_NULL_POINTER);
    FAILS(xps_aead_seal_detached(a, key32, kb, nonce24, nb, aad, 13, msg, pt_n, out, 128, &olen, NULL, 16), XPS_E_NULL_POINTER);
    FAILS(xps_aead_open_detached(a, key32, kb, nonce24, nb, aad, 13, sealed, pt_n, NULL, 16, out, 128, &olen), XPS_E_NULL_POINTER);
    FAILS(xps_aead_open_detached(a, key32, kb, nonce24, nb, aad, 13, NULL, pt_n, sealed + pt_n, 16, out, 128, &olen), XPS_E_NULL_POINTER);
    FAILS(xps_aead_open_detached(a, key32, kb, nonce24, nb, aad, 13, sealed, pt_n, sealed + pt_n, 16, NULL, 128, &olen),
          XPS_E_NULL_POINTER);
    FAILS(xps_aead_open_detached(a, key32, kb, nonce24, nb, aad, 13, sealed, pt_n, sealed + pt_n, 16, out, 128, NULL), XPS_E_NULL_POINTER);

    /* lengths that overflow */
    FAILS(xps_aead_seal(a, key32, kb, nonce24, nb, aad, 13, msg, SIZE_MAX, out, 128, &olen), XPS_E_LENGTH_OVERFLOW);
    FAILS(xps_aead_seal(a, key32, kb, nonce24, nb, aad, 13, msg, SIZE_MAX - 15, out, 128, &olen), XPS_E_LENGTH_OVERFLOW);
    FAILS(xps_aead_seal(a, key32, SIZE_MAX, nonce24, nb, aad, 13, msg, pt_n, out, 128, &olen), XPS_E_LENGTH_OVERFLOW);
    FAILS(xps_aead_seal(a, key32, kb, nonce24, SIZE_MAX, aad, 13, msg, pt_n, out, 128, &olen), XPS_E_LENGTH_OVERFLOW);
    FAILS(xps_aead_seal(a, key32, kb, nonce24, nb, aad, SIZE_MAX, msg, pt_n, out, 128, &olen), XPS_E_LENGTH_OVERFLOW);
    FAILS(xps_aead_open(a, key32, kb, nonce24, nb, aad, SIZE_MAX, sealed, ct_n, out, 128, &olen), XPS_E_LENGTH_OVERFLOW);

    /* output too small: the required size in *out_len, nothing else */
    TOO_SMALL(xps_aead_seal(a, key32, kb, nonce24, nb, aad, 13, msg, pt_n, out, ct_n - 1, &olen), ct_n);
    TOO_SMALL(xps_aead_seal(a, key32, kb, nonce24, nb, aad, 13, msg, pt_n, NULL, 0, &olen), ct_n);
    TOO_SMALL(xps_aead_seal(a, key32, kb, nonce24, nb, aad, 13, NULL, 0, out, 15, &olen), 16);
    TOO_SMALL(xps_aead_open(a, key32, kb, nonce24, nb, aad, 13, sealed, ct_n, out, pt_n - 1, &olen), pt_n);
    TOO_SMALL(xps_aead_seal_detached(a, key32, kb, nonce24, nb, aad, 13, msg, pt_n, out, pt_n - 1, &olen, tg, 16), pt_n);
    TOO_SMALL(xps_aead_open_detached(a, key32, kb, nonce24, nb, aad, 13, sealed, pt_n, sealed + pt_n, 16, out, pt_n - 1, &olen), pt_n);

    /* sealed input shorter than the tag; wrong detached tag lengths */
    FAILS(xps_aead_open(a, key32, kb, nonce24, nb, aad, 13, sealed, 15, out, 128, &olen), XPS_E_INVALID_LENGTH);
    FAILS(xps_aead_open(a, key32, kb, nonce24, nb, aad, 13, NULL, 0, out, 128, &olen), XPS_E_INVALID_LENGTH);
    FAILS(xps_aead_seal_detached(a, key32, kb, nonce24, nb, aad, 13, msg, pt_n, out, 128, &olen, t17, 15), XPS_E_BAD_TAG_LENGTH);
    FAILS(xps_aead_seal_detached(a, key32, kb, nonce24, nb, aad, 13, msg, pt_n, out, 128, &olen, t17, 17), XPS_E_BAD_TAG_LENGTH);
    FAILS(xps_aead_open_detached(a, key32, kb, nonce24, nb, aad, 13, sealed, pt_n, sealed + pt_n, 15, out, 128, &olen),
          XPS_E_BAD_TAG_LENGTH);
    FAILS(xps_aead_open_detached(a, key32, kb, nonce24, nb, aad, 13, sealed, pt_n, sealed + pt_n, 0, out, 128, &olen),
          XPS_E_BAD_TAG_LENGTH);

    /* tampering: ciphertext, tag, AAD, nonce, key → AUTHENTICATION_FAILED, nothing written */
    {
        static const size_t pos[] = {0, 31, 63, 64, 79};
        uint8_t bad[80], badn[24], bada[13], badk[32];
        for (i = 0; i < sizeof pos / sizeof pos[0]; i++) {
            memcpy(bad, sealed, ct_n);
            bad[pos[i]] ^= 0x01;
            FAILS(xps_aead_open(a, key32, kb, nonce24, nb, aad, 13, bad, ct_n, out, 128, &olen), XPS_E_AUTHENTICATION_FAILED);
            FAILS(xps_aead_open_detached(a, key32, kb, nonce24, nb, aad, 13, bad, pt_n, bad + pt_n, 16, out, 128, &olen),
                  XPS_E_AUTHENTICATION_FAILED);
            /* in place: the buffer must come back unchanged */
            memcpy(io, bad, ct_n);
            FAILS_KEEP(xps_aead_open(a, key32, kb, nonce24, nb, aad, 13, io, ct_n, io, ct_n, &olen), XPS_E_AUTHENTICATION_FAILED, io, ct_n,
                       bad);
            FAILS_KEEP(xps_aead_open_detached(a, key32, kb, nonce24, nb, aad, 13, io, pt_n, bad + pt_n, 16, io, pt_n, &olen),
                       XPS_E_AUTHENTICATION_FAILED, io, ct_n, bad);
        }
        memcpy(bada, aad, 13);
        bada[12] ^= 0x80;
        FAILS(xps_aead_open(a, key32, kb, nonce24, nb, bada, 13, sealed, ct_n, out, 128, &olen), XPS_E_AUTHENTICATION_FAILED);
        FAILS(xps_aead_open(a, key32, kb, nonce24, nb, aad, 12, sealed, ct_n, out, 128, &olen), XPS_E_AUTHENTICATION_FAILED);
        FAILS(xps_aead_open(a, key32, kb, nonce24, nb, NULL, 0, sealed, ct_n, out, 128, &olen), XPS_E_AUTHENTICATION_FAILED);
        memcpy(badn, nonce24, 24);
        badn[nb - 1] ^= 0x01;
        FAILS(xps_aead_open(a, key32, kb, badn, nb, aad, 13, sealed, ct_n, out, 128, &olen), XPS_E_AUTHENTICATION_FAILED);
        memcpy(badk, key32, 32);
        badk[0] ^= 0x01;
        FAILS(xps_aead_open(a, badk, kb, nonce24, nb, aad, 13, sealed, ct_n, out, 128, &olen), XPS_E_AUTHENTICATION_FAILED);
        FAILS(xps_aead_open(a, key32, kb, nonce24, nb, aad, 13, sealed, ct_n - 1, out, 128, &olen), XPS_E_AUTHENTICATION_FAILED);
    }

    /* overlap: partial refused (buffers unchanged), exact in place allowed */
    for (i = 0; i < sizeof region; i++) region[i] = (uint8_t)(i * 7 + 1);
    memcpy(region, msg, pt_n);            /* plaintext at [0, 64) */
    memcpy(region + 200, nonce24, 24);    /* nonce at [200, 224) */
    memcpy(region + 240, aad, 13);        /* aad at [240, 253) */
    memcpy(region + 300, key32, 32);      /* key at [300, 332) */
    memcpy(saved, region, sizeof region);
    FAILS_KEEP(xps_aead_seal(a, key32, kb, nonce24, nb, aad, 13, region, pt_n, region + 1, 128, &olen), XPS_E_OVERLAP, region,
               sizeof region, saved);
    FAILS_KEEP(xps_aead_seal(a, key32, kb, nonce24, nb, aad, 13, region + 8, pt_n, region, 128, &olen), XPS_E_OVERLAP, region,
               sizeof region, saved);
    FAILS_KEEP(xps_aead_seal(a, key32, kb, region + 200, nb, aad, 13, msg, pt_n, region + 150, 128, &olen), XPS_E_OVERLAP, region,
               sizeof region, saved);
    FAILS_KEEP(xps_aead_seal(a, key32, kb, nonce24, nb, region + 240, 13, msg, pt_n, region + 180, 128, &olen), XPS_E_OVERLAP, region,
               sizeof region, saved);
    FAILS_KEEP(xps_aead_seal(a, region + 300, kb, nonce24, nb, aad, 13, msg, pt_n, region + 250, 128, &olen), XPS_E_OVERLAP, region,
               sizeof region, saved);
    /* open: put the sealed message at region[0, 80) */
    memcpy(region, sealed, ct_n);
    memcpy(saved, region, sizeof region);
    FAILS_KEEP(xps_aead_open(a, key32, kb, nonce24, nb, aad, 13, region, ct_n, region + 16, 128, &olen), XPS_E_OVERLAP, region,
               sizeof region, saved);
    FAILS_KEEP(xps_aead_open(a, key32, kb, nonce24, nb, aad, 13, region + 16, ct_n, region, 128, &olen), XPS_E_OVERLAP, region,
               sizeof region, saved);
    FAILS_KEEP(xps_aead_open(a, key32, kb, region + 200, nb, aad, 13, sealed, ct_n, region + 190, 64, &olen), XPS_E_OVERLAP, region,
               sizeof region, saved);
    /* detached: tag output overlapping the ciphertext output, or the plaintext */
    FAILS_KEEP(xps_aead_seal_detached(a, key32, kb, nonce24, nb, aad, 13, msg, pt_n, region, 64, &olen, region + 60, 16), XPS_E_OVERLAP,
               region, sizeof region, saved);
    FAILS_KEEP(xps_aead_seal_detached(a, key32, kb, nonce24, nb, aad, 13, region, pt_n, region + 100, 64, &olen, region + 8, 16),
               XPS_E_OVERLAP, region, sizeof region, saved);
    FAILS_KEEP(xps_aead_open_detached(a, key32, kb, nonce24, nb, aad, 13, sealed, pt_n, region + 10, 16, region, 64, &olen),
               XPS_E_OVERLAP, region, sizeof region, saved);

    /* exact in place: seal (room for the tag) and open, attached and detached */
    memcpy(io, msg, pt_n);
    OK(xps_aead_seal(a, key32, kb, nonce24, nb, aad, 13, io, pt_n, io, sizeof io, &n));
    CHECK(n == ct_n && eq(io, sealed, ct_n), "%s: in-place seal = out-of-place seal", name);
    OK(xps_aead_open(a, key32, kb, nonce24, nb, aad, 13, io, ct_n, io, ct_n, &n));
    CHECK(n == pt_n && eq(io, msg, pt_n), "%s: in-place open", name);
    memcpy(io, msg, pt_n);
    OK(xps_aead_seal_detached(a, key32, kb, nonce24, nb, aad, 13, io, pt_n, io, pt_n, &n, tg, 16));
    CHECK(n == pt_n && eq(io, sealed, pt_n) && eq(tg, sealed + pt_n, 16), "%s: in-place detached seal", name);
    OK(xps_aead_open_detached(a, key32, kb, nonce24, nb, aad, 13, io, pt_n, tg, 16, io, pt_n, &n));
    CHECK(n == pt_n && eq(io, msg, pt_n), "%s: in-place detached open", name);

    /* empty plaintext and AAD as (NULL, 0) */
    tu_fill(out, sizeof out);
    OK(xps_aead_seal(a, key32, kb, nonce24, nb, NULL, 0, NULL, 0, out, 16, &n));
    CHECK(n == 16 && !tu_is_pattern(out, 16) && tu_is_pattern(out + 16, 16), "%s: empty message gives a 16-byte tag", name);
    memcpy(tg, out, 16);
    olen = TU_LEN_SENTINEL;
    OK(xps_aead_open(a, key32, kb, nonce24, nb, NULL, 0, tg, 16, NULL, 0, &olen));
    CHECK(olen == 0, "%s: opening a tag-only message gives 0 bytes", name);
}

static void t_aead(void) {
    size_t i;
    for (i = 0; i < sizeof k_aeads / sizeof k_aeads[0]; i++) {
        t_aead_one(k_aeads[i]);
    }
}

static void t_aead_keys(void) {
    size_t i, n;
    xps_aead_key *k = KEY_SENTINEL;
    uint8_t tg[16];
    FAILS(xps_aead_key_new(0, key32, 32, &k), XPS_E_UNKNOWN_ALGORITHM);
    FAILS(xps_aead_key_new(XPS_ALG_SHA256, key32, 32, &k), XPS_E_WRONG_ALGORITHM_FAMILY);
    FAILS(xps_aead_key_new(XPS_ALG_AES_256_GCM, key32, 16, &k), XPS_E_BAD_KEY_LENGTH);
    FAILS(xps_aead_key_new(XPS_ALG_AES_128_GCM, key32, 32, &k), XPS_E_BAD_KEY_LENGTH);
    FAILS(xps_aead_key_new(XPS_ALG_CHACHA20_POLY1305, NULL, 0, &k), XPS_E_BAD_KEY_LENGTH);
    FAILS(xps_aead_key_new(XPS_ALG_AES_256_GCM, NULL, 32, &k), XPS_E_NULL_POINTER);
    FAILS(xps_aead_key_new(XPS_ALG_AES_256_GCM, key32, 32, NULL), XPS_E_NULL_POINTER);
    CHECK(k == KEY_SENTINEL, "failed xps_aead_key_new left *out untouched");
    CHECK(xps_aead_key_alg(NULL) == 0, "xps_aead_key_alg(NULL) == 0");
    FAILS(xps_aead_key_seal(NULL, nonce24, 12, aad, 13, msg, 64, out, 128, &olen), XPS_E_NULL_POINTER);
    FAILS(xps_aead_key_open(NULL, nonce24, 12, aad, 13, msg, 80, out, 128, &olen), XPS_E_NULL_POINTER);
    FAILS(xps_aead_key_seal_detached(NULL, nonce24, 12, aad, 13, msg, 64, out, 128, &olen, tg, 16), XPS_E_NULL_POINTER);
    FAILS(xps_aead_key_open_detached(NULL, nonce24, 12, aad, 13, msg, 64, msg + 64, 16, out, 128, &olen), XPS_E_NULL_POINTER);

    for (i = 0; i < sizeof k_aeads / sizeof k_aeads[0]; i++) {
        uint32_t a = k_aeads[i];
        size_t kb = xps_aead_keybytes(a), nb = xps_aead_noncebytes(a);
        uint8_t ref[80], got[80], pt[64], bad[80], io[80];
        const char *name = xps_alg_name(a);
        OK(xps_aead_seal(a, key32, kb, nonce24, nb, aad, 13, msg, 64, ref, sizeof ref, &n));
        k = NULL;
        OK(xps_aead_key_new(a, key32, kb, &k));
        CHECK(xps_aead_key_alg(k) == a, "%s: xps_aead_key_alg", name);
        OK(xps_aead_key_seal(k, nonce24, nb, aad, 13, msg, 64, got, sizeof got, &n));
        CHECK(n == 80 && eq(got, ref, 80), "%s: key handle seal = one-shot seal", name);
        OK(xps_aead_key_open(k, nonce24, nb, aad, 13, ref, 80, pt, sizeof pt, &n));
        CHECK(n == 64 && eq(pt, msg, 64), "%s: key handle open", name);
        OK(xps_aead_key_seal_detached(k, nonce24, nb, aad, 13, msg, 64, got, 64, &n, tg, 16));
        CHECK(n == 64 && eq(got, ref, 64) && eq(tg, ref + 64, 16), "%s: key handle detached seal", name);
        OK(xps_aead_key_open_detached(k, nonce24, nb, aad, 13, ref, 64, ref + 64, 16, pt, 64, &n));
        CHECK(n == 64 && eq(pt, msg, 64), "%s: key handle detached open", name);
        memcpy(io, ref, 80);
        OK(xps_aead_key_open(k, nonce24, nb, aad, 13, io, 80, io, 80, &n));
        CHECK(n == 64 && eq(io, msg, 64), "%s: key handle in-place open", name);
        /* bad input through the handle */
        FAILS(xps_aead_key_seal(k, nonce24, nb + 1, aad, 13, msg, 64, out, 128, &olen), XPS_E_BAD_NONCE_LENGTH);
        FAILS(xps_aead_key_seal(k, NULL, nb, aad, 13, msg, 64, out, 128, &olen), XPS_E_NULL_POINTER);
        FAILS(xps_aead_key_seal(k, nonce24, nb, aad, 13, msg, 64, out, 128, NULL), XPS_E_NULL_POINTER);
        FAILS(xps_aead_key_seal(k, nonce24, nb, aad, 13, msg, SIZE_MAX, out, 128, &olen), XPS_E_LENGTH_OVERFLOW);
        TOO_SMALL(xps_aead_key_seal(k, nonce24, nb, aad, 13, msg, 64, out, 79, &olen), 80);
        TOO_SMALL(xps_aead_key_open(k, nonce24, nb, aad, 13, ref, 80, out, 63, &olen), 64);
        FAILS(xps_aead_key_open(k, nonce24, nb, aad, 13, ref, 15, out, 128, &olen), XPS_E_INVALID_LENGTH);
        FAILS(xps_aead_key_seal_detached(k, nonce24, nb, aad, 13, msg, 64, out, 128, &olen, tg, 12), XPS_E_BAD_TAG_LENGTH);
        FAILS(xps_aead_key_open_detached(k, nonce24, nb, aad, 13, ref, 64, ref + 64, 17, out, 128, &olen), XPS_E_BAD_TAG_LENGTH);
        memcpy(bad, ref, 80);
        bad[70] ^= 0x04;
        FAILS(xps_aead_key_open(k, nonce24, nb, aad, 13, bad, 80, out, 128, &olen), XPS_E_AUTHENTICATION_FAILED);
        FAILS(xps_aead_key_open_detached(k, nonce24, nb, aad, 13, bad, 64, bad + 64, 16, out, 128, &olen), XPS_E_AUTHENTICATION_FAILED);
        memcpy(io, bad, 80);
        FAILS_KEEP(xps_aead_key_open(k, nonce24, nb, aad, 13, io, 80, io, 80, &olen), XPS_E_AUTHENTICATION_FAILED, io, 80, bad);
        FAILS(xps_aead_key_open(k, nonce24, nb, aad, 12, ref, 80, out, 128, &olen), XPS_E_AUTHENTICATION_FAILED);
        {
            uint8_t room[100], keep[100];
            memset(room, 0x33, sizeof room);
            memcpy(room, msg, 64);
            memcpy(keep, room, sizeof room);
            FAILS_KEEP(xps_aead_key_seal(k, nonce24, nb, aad, 13, room, 64, room + 1, 80, &olen), XPS_E_OVERLAP, room, sizeof room, keep);
            memcpy(keep, ref, 80);
            FAILS_KEEP(xps_aead_key_open(k, nonce24, nb, aad, 13, ref, 80, ref + 8, 64, &olen), XPS_E_OVERLAP, ref, 80, keep);
        }
        xps_aead_key_free(k);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* KDFs                                                                                       */
/* ------------------------------------------------------------------------------------------ */

static void t_hkdf(void) {
    static const uint32_t hk[] = {XPS_ALG_HKDF_SHA256, XPS_ALG_HKDF_SHA384, XPS_ALG_HKDF_SHA512};
    static const size_t hl[] = {32, 48, 64};
    size_t i, n;
    uint8_t *big = (uint8_t *)malloc(255 * 64 + 64);
    uint8_t prk[64], a1[100], a2[100];
    if (big == NULL) {
        CHECK(0, "out of memory");
        return;
    }
    FAILS(xps_hkdf(0, key32, 32, msg, 16, aad, 13, out, 32), XPS_E_UNKNOWN_ALGORITHM);
    FAILS(xps_hkdf(0xFFFF, key32, 32, msg, 16, aad, 13, out, 32), XPS_E_UNKNOWN_ALGORITHM);
    FAILS(xps_hkdf(XPS_ALG_SHA256, key32, 32, msg, 16, aad, 13, out, 32), XPS_E_WRONG_ALGORITHM_FAMILY);
    FAILS(xps_hkdf(XPS_ALG_HMAC_SHA256, key32, 32, msg, 16, aad, 13, out, 32), XPS_E_WRONG_ALGORITHM_FAMILY);
    FAILS(xps_hkdf(XPS_ALG_PBKDF2_SHA256, key32, 32, msg, 16, aad, 13, out, 32), XPS_E_WRONG_ALGORITHM_FAMILY);
    FAILS(xps_hkdf(XPS_ALG_ARGON2ID, key32, 32, msg, 16, aad, 13, out, 32), XPS_E_WRONG_ALGORITHM_FAMILY);
    FAILS(xps_hkdf(XPS_ALG_HKDF_SHA256, NULL, 32, msg, 16, aad, 13, out, 32), XPS_E_NULL_POINTER);
    FAILS(xps_hkdf(XPS_ALG_HKDF_SHA256, key32, 32, NULL, 16, aad, 13, out, 32), XPS_E_NULL_POINTER);
    FAILS(xps_hkdf(XPS_ALG_HKDF_SHA256, key32, 32, msg, 16, NULL, 13, out, 32), XPS_E_NULL_POINTER);
    FAILS(xps_hkdf(XPS_ALG_HKDF_SHA256, key32, 32, msg, 16, aad, 13, NULL, 32), XPS_E_NULL_POINTER);
    FAILS(xps_hkdf(XPS_ALG_HKDF_SHA256, key32, SIZE_MAX, msg, 16, aad, 13, out, 32), XPS_E_LENGTH_OVERFLOW);
    FAILS(xps_hkdf(XPS_ALG_HKDF_SHA256, key32, 32, msg, SIZE_MAX, aad, 13, out, 32), XPS_E_LENGTH_OVERFLOW);
    for (i = 0; i < 3; i++) {
        const char *name = xps_alg_name(hk[i]);
        tu_fill(big, 255 * 64 + 64);
        {
            xps_status s = xps_hkdf(hk[i], key32, 32, msg, 16, aad, 13, big, 255 * hl[i] + 1);
            expect_fail(__FILE__, __LINE__, "xps_hkdf(out_len = 255*HashLen + 1)", s, XPS_E_OUTPUT_TOO_LONG, big, 255 * 64 + 64, NULL, 0);
        }
        tu_fill(big, 255 * 64 + 64);
        OK(xps_hkdf(hk[i], key32, 32, msg, 16, aad, 13, big, 255 * hl[i]));
        CHECK(tu_is_pattern(big + 255 * hl[i], 64), "%s: 255*HashLen bytes written, nothing more", name);
        /* extract/expand */
        FAILS(xps_hkdf_extract(hk[i], msg, 16, key32, 32, NULL, 64, &olen), XPS_E_NULL_POINTER);
        FAILS(xps_hkdf_extract(hk[i], msg, 16, key32, 32, out, 64, NULL), XPS_E_NULL_POINTER);
        TOO_SMALL(xps_hkdf_extract(hk[i], msg, 16, key32, 32, out, hl[i] - 1, &olen), hl[i]);
        OK(xps_hkdf_extract(hk[i], msg, 16, key32, 32, prk, sizeof prk, &n));
        CHECK(n == hl[i], "%s: PRK is HashLen bytes", name);
        FAILS(xps_hkdf_expand(hk[i], prk, hl[i] - 1, aad, 13, out, 32), XPS_E_INVALID_LENGTH);
        FAILS(xps_hkdf_expand(hk[i], NULL, hl[i], aad, 13, out, 32), XPS_E_NULL_POINTER);
        FAILS(xps_hkdf_expand(hk[i], prk, hl[i], NULL, 13, out, 32), XPS_E_NULL_POINTER);
        FAILS(xps_hkdf_expand(hk[i], prk, hl[i], aad, 13, NULL, 32), XPS_E_NULL_POINTER);
        tu_fill(big, 255 * 64 + 64);
        {
            xps_status s = xps_hkdf_expand(hk[i], prk, hl[i], aad, 13, big, 255 * hl[i] + 1);
            expect_fail(__FILE__, __LINE__, "xps_hkdf_expand(out_len = 255*HashLen + 1)", s, XPS_E_OUTPUT_TOO_LONG, big, 255 * 64 + 64,
                        NULL, 0);
        }
        OK(xps_hkdf_expand(hk[i], prk, hl[i], aad, 13, a1, sizeof a1));
        OK(xps_hkdf(hk[i], key32, 32, msg, 16, aad, 13, a2, sizeof a2));
        CHECK(eq(a1, a2, sizeof a1), "%s: extract+expand = hkdf", name);
    }
    FAILS(xps_hkdf_extract(0, msg, 16, key32, 32, out, 64, &olen), XPS_E_UNKNOWN_ALGORITHM);
    FAILS(xps_hkdf_extract(XPS_ALG_PBKDF2_SHA512, msg, 16, key32, 32, out, 64, &olen), XPS_E_WRONG_ALGORITHM_FAMILY);
    FAILS(xps_hkdf_extract(XPS_ALG_HKDF_SHA256, NULL, 16, key32, 32, out, 64, &olen), XPS_E_NULL_POINTER);
    FAILS(xps_hkdf_extract(XPS_ALG_HKDF_SHA256, msg, 16, NULL, 32, out, 64, &olen), XPS_E_NULL_POINTER);
    FAILS(xps_hkdf_expand(0, prk, 32, aad, 13, out, 32), XPS_E_UNKNOWN_ALGORITHM);
    FAILS(xps_hkdf_expand(XPS_ALG_SHA512, prk, 64, aad, 13, out, 32), XPS_E_WRONG_ALGORITHM_FAMILY);
    /* empty salt and info as (NULL, 0) */
    OK(xps_hkdf(XPS_ALG_HKDF_SHA256, key32, 32, NULL, 0, NULL, 0, a1, 42));
    free(big);
}

static void t_pbkdf2(void) {
    uint8_t a[64], b[64];
    FAILS(xps_pbkdf2(XPS_ALG_PBKDF2_SHA256, key32, 8, msg, 16, 0, out, 32), XPS_E_INVALID_PARAMETER);
    FAILS(xps_pbkdf2(XPS_ALG_PBKDF2_SHA256, key32, 8, msg, 16, 1, out, 0), XPS_E_INVALID_LENGTH);
    FAILS(xps_pbkdf2(0, key32, 8, msg, 16, 1, out, 32), XPS_E_UNKNOWN_ALGORITHM);
    FAILS(xps_pbkdf2(XPS_ALG_HKDF_SHA256, key32, 8, msg, 16, 1, out, 32), XPS_E_WRONG_ALGORITHM_FAMILY);
    FAILS(xps_pbkdf2(XPS_ALG_SHA256, key32, 8, msg, 16, 1, out, 32), XPS_E_WRONG_ALGORITHM_FAMILY);
    FAILS(xps_pbkdf2(XPS_ALG_ARGON2ID, key32, 8, msg, 16, 1, out, 32), XPS_E_WRONG_ALGORITHM_FAMILY);
    FAILS(xps_pbkdf2(XPS_ALG_PBKDF2_SHA256, NULL, 8, msg, 16, 1, out, 32), XPS_E_NULL_POINTER);
    FAILS(xps_pbkdf2(XPS_ALG_PBKDF2_SHA256, key32, 8, NULL, 16, 1, out, 32), XPS_E_NULL_POINTER);
    FAILS(xps_pbkdf2(XPS_ALG_PBKDF2_SHA256, key32, 8, msg, 16, 1, NULL, 32), XPS_E_NULL_POINTER);
    FAILS(xps_pbkdf2(XPS_ALG_PBKDF2_SHA256, key32, SIZE_MAX, msg, 16, 1, out, 32), XPS_E_LENGTH_OVERFLOW);
    OK(xps_pbkdf2(XPS_ALG_PBKDF2_SHA512, NULL, 0, NULL, 0, 2, a, 64));
    OK(xps_pbkdf2(XPS_ALG_PBKDF2_SHA512, key32, 8, msg, 16, 2, a, 64));
    OK(xps_pbkdf2(XPS_ALG_PBKDF2_SHA512, key32, 8, msg, 16, 3, b, 64));
    CHECK(!eq(a, b, 64), "pbkdf2: the iteration count matters");
}

static void t_argon2(void) {
    uint8_t a[32], b[32];
    /* parameters out of range → INVALID_PARAMETER; output length → INVALID_LENGTH */
    FAILS(xps_argon2id(key32, 8, msg, 16, 0, 8, 1, out, 32), XPS_E_INVALID_PARAMETER);                   /* t = 0 */
    FAILS(xps_argon2id(key32, 8, msg, 16, 1, 8, 0, out, 32), XPS_E_INVALID_PARAMETER);                   /* p = 0 */
    FAILS(xps_argon2id(key32, 8, msg, 16, 1, 0xFFFFFFFFu, 1u << 24, out, 32), XPS_E_INVALID_PARAMETER);  /* p ≥ 2^24 */
    FAILS(xps_argon2id(key32, 8, msg, 16, 1, 7, 1, out, 32), XPS_E_INVALID_PARAMETER);                   /* m < 8p */
    FAILS(xps_argon2id(key32, 8, msg, 16, 1, 31, 4, out, 32), XPS_E_INVALID_PARAMETER);                  /* m < 8p */
    FAILS(xps_argon2id(key32, 8, msg, 16, 1, 0, 1, out, 32), XPS_E_INVALID_PARAMETER);                   /* m = 0 */
    FAILS(xps_argon2id(key32, 8, msg, 7, 1, 8, 1, out, 32), XPS_E_INVALID_PARAMETER);                    /* salt < 8 */
    FAILS(xps_argon2id(key32, 8, NULL, 0, 1, 8, 1, out, 32), XPS_E_INVALID_PARAMETER);                   /* no salt */
    FAILS(xps_argon2id(key32, 8, msg, 16, 1, 8, 1, out, 3), XPS_E_INVALID_LENGTH);                       /* out < 4 */
    FAILS(xps_argon2id(key32, 8, msg, 16, 1, 8, 1, out, 0), XPS_E_INVALID_LENGTH);
    FAILS(xps_argon2id_ex(key32, 8, msg, 16, 1, 8, 1, key64, 33, NULL, 0, out, 32), XPS_E_INVALID_PARAMETER); /* secret > 32 */
    FAILS(xps_argon2id_ex(key32, 8, msg, 16, 1, 8, 1, NULL, 0, msg, 33, out, 32), XPS_E_INVALID_PARAMETER);   /* ad > 32 */
    /* NULL pointers with lengths */
    FAILS(xps_argon2id(NULL, 8, msg, 16, 1, 8, 1, out, 32), XPS_E_NULL_POINTER);
    FAILS(xps_argon2id(key32, 8, NULL, 16, 1, 8, 1, out, 32), XPS_E_NULL_POINTER);
    FAILS(xps_argon2id(key32, 8, msg, 16, 1, 8, 1, NULL, 32), XPS_E_NULL_POINTER);
    FAILS(xps_argon2id_ex(key32, 8, msg, 16, 1, 8, 1, NULL, 8, NULL, 0, out, 32), XPS_E_NULL_POINTER);
    FAILS(xps_argon2id_ex(key32, 8, msg, 16, 1, 8, 1, NULL, 0, NULL, 8, out, 32), XPS_E_NULL_POINTER);
    FAILS(xps_argon2id(key32, SIZE_MAX, msg, 16, 1, 8, 1, out, 32), XPS_E_LENGTH_OVERFLOW);
    FAILS(xps_argon2id(key32, 8, msg, 16, 1, 8, 1, out, SIZE_MAX), XPS_E_LENGTH_OVERFLOW);
    /* limits themselves are fine */
    OK(xps_argon2id_ex(key32, 8, msg, 8, 1, 8, 1, key64, 32, msg, 32, a, 4));
    OK(xps_argon2id(NULL, 0, msg, 16, 1, 16, 2, a, sizeof a));
    OK(xps_argon2id(key32, 8, msg, 16, 1, 16, 2, a, sizeof a));
    OK(xps_argon2id(key32, 8, msg, 16, 1, 16, 1, b, sizeof b));
    CHECK(!eq(a, b, sizeof a), "argon2id: parallelism matters");
    OK(xps_argon2id(key32, 8, msg, 16, 1, 16, 2, b, sizeof b));
    CHECK(eq(a, b, sizeof a), "argon2id: deterministic");
}

/* ---- cases that may take the process down: each runs in its own child ---- */
static void h_hkdf_sizemax(void) {
    xps_status s;
    tu_fill(out, sizeof out);
    s = xps_hkdf(XPS_ALG_HKDF_SHA256, key32, 32, NULL, 0, NULL, 0, out, SIZE_MAX);
    expect_fail(__FILE__, __LINE__, "xps_hkdf(out_len = SIZE_MAX) [want XPS_E_OUTPUT_TOO_LONG]", s,
                s == XPS_E_LENGTH_OVERFLOW ? XPS_E_LENGTH_OVERFLOW : XPS_E_OUTPUT_TOO_LONG, out, sizeof out, NULL, 0);
}
static void h_hkdf_huge(void) {
    FAILS(xps_hkdf(XPS_ALG_HKDF_SHA256, key32, 32, NULL, 0, NULL, 0, out, HUGE_LEN), XPS_E_OUTPUT_TOO_LONG);
}
static void h_hkdf_null_sizemax(void) {
    xps_status s = xps_hkdf(XPS_ALG_HKDF_SHA512, key32, 32, NULL, 0, NULL, 0, NULL, SIZE_MAX);
    expect_fail(__FILE__, __LINE__, "xps_hkdf(out = NULL, out_len = SIZE_MAX) [want XPS_E_NULL_POINTER]", s,
                s == XPS_E_OUTPUT_TOO_LONG ? XPS_E_OUTPUT_TOO_LONG : XPS_E_NULL_POINTER, NULL, 0, NULL, 0);
}
static void h_hkdf_expand_huge(void) {
    FAILS(xps_hkdf_expand(XPS_ALG_HKDF_SHA256, key32, 32, NULL, 0, out, HUGE_LEN), XPS_E_OUTPUT_TOO_LONG);
}
static void h_hkdf_expand_sizemax(void) {
    xps_status s;
    tu_fill(out, sizeof out);
    s = xps_hkdf_expand(XPS_ALG_HKDF_SHA256, key32, 32, NULL, 0, out, SIZE_MAX);
    expect_fail(__FILE__, __LINE__, "xps_hkdf_expand(out_len = SIZE_MAX) [want XPS_E_OUTPUT_TOO_LONG]", s,
                s == XPS_E_LENGTH_OVERFLOW ? XPS_E_LENGTH_OVERFLOW : XPS_E_OUTPUT_TOO_LONG, out, sizeof out, NULL, 0);
}
static void h_pbkdf2_huge(void) {
    FAILS(xps_pbkdf2(XPS_ALG_PBKDF2_SHA256, key32, 8, msg, 16, 1, out, HUGE_LEN), XPS_E_OUTPUT_TOO_LONG);
}
static void h_pbkdf2_sizemax(void) {
    xps_status s;
    tu_fill(out, sizeof out);
    s = xps_pbkdf2(XPS_ALG_PBKDF2_SHA256, key32, 8, msg, 16, 1, out, SIZE_MAX);
    expect_fail(__FILE__, __LINE__, "xps_pbkdf2(out_len = SIZE_MAX) [want XPS_E_OUTPUT_TOO_LONG]", s,
                s == XPS_E_LENGTH_OVERFLOW ? XPS_E_LENGTH_OVERFLOW : XPS_E_OUTPUT_TOO_LONG, out, sizeof out, NULL, 0);
}
static void h_argon2_huge_out(void) {
    FAILS(xps_argon2id(key32, 8, msg, 16, 1, 8, 1, out, HUGE_LEN), XPS_E_INVALID_LENGTH);
}
static void h_argon2_huge_mem(void) {
    /* 4 TiB of working memory cannot be reserved: a status, never an abort */
    FAILS(xps_argon2id(key32, 8, msg, 16, 1, 0xFFFFFFFFu, 1, out, 32), XPS_E_OUT_OF_MEMORY);
}
static void h_secure_alloc_sizemax(void) {
    void *p = (void *)&olen;
    xps_status s = xps_secure_alloc(SIZE_MAX, &p);
    CHECK((s == XPS_E_LENGTH_OVERFLOW || s == XPS_E_OUT_OF_MEMORY) && p == (void *)&olen,
          "xps_secure_alloc(SIZE_MAX) -> %s, want XPS_E_LENGTH_OVERFLOW or XPS_E_OUT_OF_MEMORY with *out untouched [%s]", xps_status_name(s),
          xps_last_error_detail());
    if (s == XPS_OK) {
        /* do not touch the memory: it cannot be SIZE_MAX bytes */
        xps_secure_free(p);
    }
}
static void h_secure_alloc_pagewrap(void) {
    /* a size that wraps when rounded up to whole pages */
    void *p = (void *)&olen;
    size_t len = SIZE_MAX - (size_t)sysconf(_SC_PAGESIZE) + 2;
    xps_status s = xps_secure_alloc(len, &p);
    CHECK((s == XPS_E_LENGTH_OVERFLOW || s == XPS_E_OUT_OF_MEMORY) && p == (void *)&olen,
          "xps_secure_alloc(SIZE_MAX - page + 2) -> %s, want XPS_E_LENGTH_OVERFLOW or XPS_E_OUT_OF_MEMORY [%s]", xps_status_name(s),
          xps_last_error_detail());
    if (s == XPS_OK) {
        xps_secure_free(p);
    }
}
static void h_secure_alloc_huge(void) {
    void *p = (void *)&olen;
    xps_status s = xps_secure_alloc((size_t)1 << 62, &p);
    CHECK((s == XPS_E_OUT_OF_MEMORY || s == XPS_E_LENGTH_OVERFLOW) && p == (void *)&olen, "xps_secure_alloc(2^62) -> %s [%s]",
          xps_status_name(s), xps_last_error_detail());
    if (s == XPS_OK) {
        xps_secure_free(p);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* randomness, constant time, secure memory, frees                                            */
/* ------------------------------------------------------------------------------------------ */

static void t_random_ct(void) {
    uint8_t a[64], b[64], z[32];
    FAILS(xps_random_bytes(NULL, 16), XPS_E_NULL_POINTER);
    FAILS(xps_random_bytes(out, SIZE_MAX), XPS_E_LENGTH_OVERFLOW);
    OK(xps_random_bytes(NULL, 0));
    tu_fill(out, sizeof out);
    OK(xps_random_bytes(out, 0));
    CHECK(tu_is_pattern(out, sizeof out), "random_bytes(out, 0) writes nothing");
    OK(xps_random_bytes(a, sizeof a));
    OK(xps_random_bytes(b, sizeof b));
    CHECK(!eq(a, b, sizeof a) && !xps_ct_is_zero(a, sizeof a), "two 64-byte random draws differ and are not zero");
    memcpy(b, a, sizeof a);
    CHECK(xps_ct_equal(a, b, sizeof a) == 1, "ct_equal(equal) == 1");
    b[63] ^= 1;
    CHECK(xps_ct_equal(a, b, sizeof a) == 0, "ct_equal(last byte differs) == 0");
    b[63] ^= 1;
    b[0] ^= 0x80;
    CHECK(xps_ct_equal(a, b, sizeof a) == 0, "ct_equal(first byte differs) == 0");
    CHECK(xps_ct_equal(NULL, NULL, 0) == 1 && xps_ct_equal(a, b, 0) == 1, "ct_equal of 0 bytes == 1");
    CHECK(xps_ct_equal(NULL, b, 4) == 0 && xps_ct_equal(a, NULL, 4) == 0, "ct_equal with NULL and len > 0 == 0");
    memset(z, 0, sizeof z);
    CHECK(xps_ct_is_zero(z, sizeof z) == 1 && xps_ct_is_zero(NULL, 0) == 1, "ct_is_zero(zeros) == 1");
    z[17] = 1;
    CHECK(xps_ct_is_zero(z, sizeof z) == 0 && xps_ct_is_zero(NULL, 5) == 0, "ct_is_zero(non-zero / NULL) == 0");
    xps_secure_zero(a, sizeof a);
    CHECK(xps_ct_is_zero(a, sizeof a) == 1, "secure_zero zeroes");
    xps_secure_zero(NULL, 16);
    tu_fill(b, sizeof b);
    xps_secure_zero(b, 0);
    CHECK(tu_is_pattern(b, sizeof b), "secure_zero(NULL, 16) is ignored and (p, 0) writes nothing");
}

static void t_secure_memory(void) {
    void *p = (void *)&olen, *q = NULL;
    uint64_t f0 = xps_secure_lock_failures(), f1;
    long page = sysconf(_SC_PAGESIZE);
    int locked;
    size_t big = 3 * (size_t)page + 1;
    char local = 0;
    FAILS(xps_secure_alloc(0, &p), XPS_E_INVALID_LENGTH);
    CHECK(p == (void *)&olen, "secure_alloc(0) left *out untouched");
    FAILS(xps_secure_alloc(16, NULL), XPS_E_NULL_POINTER);
    p = NULL;
    OK(xps_secure_alloc(100, &p));
    CHECK(p != NULL && ((uintptr_t)p % (uintptr_t)page) == 0, "secure allocation is page-aligned");
    CHECK(p != NULL && xps_ct_is_zero((const uint8_t *)p, 100) == 1, "secure allocation is zero-filled");
    if (p != NULL) {
        memset(p, 0x5c, 100);
    }
    locked = xps_secure_is_locked(p);
    f1 = xps_secure_lock_failures();
    CHECK((locked == 1 && f1 == f0) || (locked == 0 && f1 > f0),
          "is_locked (%d) agrees with lock_failures (%" PRIu64 " -> %" PRIu64 ")", locked, f0, f1);
    OK(xps_secure_alloc(big, &q));
    if (q != NULL) {
        memset(q, 0x11, big); /* the whole requested length is writable */
        CHECK(((uint8_t *)q)[big - 1] == 0x11, "secure allocation of %zu bytes is writable to the end", big);
    }
    CHECK(xps_secure_is_locked(NULL) == 0, "is_locked(NULL) == 0");
    CHECK(xps_secure_is_locked(&local) == 0, "is_locked(unknown pointer) == 0");
    CHECK(xps_secure_is_locked((uint8_t *)p + 1) == 0, "is_locked(interior pointer) == 0");
    xps_secure_free(&local);
    {
        const char *d = xps_last_error_detail();
        CHECK(d != NULL && d[0] != '\0', "secure_free(foreign pointer) is ignored and reported [%s]", d ? d : "(null)");
    }
    xps_secure_free(p);
    xps_secure_free(q);
    CHECK(xps_secure_is_locked(p) == 0, "is_locked after free == 0");
    /* require-mlock policy: either a locked allocation or XPS_E_MLOCK_FAILED */
    OK(xps_policy_set_require_mlock(1));
    p = NULL;
    {
        xps_status s = xps_secure_alloc(64, &p);
        CHECK((s == XPS_OK && xps_secure_is_locked(p) == 1) || (s == XPS_E_MLOCK_FAILED && p == NULL),
              "require_mlock: alloc -> %s, locked %d", xps_status_name(s), p ? xps_secure_is_locked(p) : -1);
        xps_secure_free(p);
    }
    OK(xps_policy_set_require_mlock(0));
}

static void t_frees(void) {
    xps_hash_free(NULL);
    xps_mac_free(NULL);
    xps_aead_key_free(NULL);
    xps_secure_free(NULL);
    CHECK(1, "NULL-safe frees returned");
}

/* ------------------------------------------------------------------------------------------ */
/* dispatch, CPU features, policy                                                             */
/* ------------------------------------------------------------------------------------------ */

/* Runs the operation behind dispatch op `op` on fixed inputs; output into res (≤ 64 bytes). */
static int run_op(const char *op, uint8_t res[64]) {
    const char *dot = strchr(op, '.');
    uint32_t alg;
    size_t n;
    memset(res, 0, 64);
    if (dot == NULL) return 0;
    alg = xps_alg_from_name(dot + 1);
    if (strncmp(op, "hash.", 5) == 0) {
        if (xps_hash_outbytes(alg) == 0) return xps_xof(alg, msg, 200, res, 64) == XPS_OK;
        return xps_hash(alg, msg, 200, res, 64, &n) == XPS_OK;
    }
    if (strncmp(op, "mac.", 4) == 0) {
        return xps_hmac(alg, key32, 32, msg, 200, res, 64, &n) == XPS_OK;
    }
    if (strncmp(op, "aead.", 5) == 0) {
        uint8_t ct[48 + 16];
        if (xps_aead_seal(alg, key32, xps_aead_keybytes(alg), nonce24, xps_aead_noncebytes(alg), aad, 13, msg, 48, ct, sizeof ct, &n) !=
            XPS_OK) {
            return 0;
        }
        memcpy(res, ct, 64);
        return 1;
    }
    if (strcmp(op, "kdf.argon2id") == 0) {
        return xps_argon2id(key32, 8, msg, 16, 1, 16, 2, res, 64) == XPS_OK;
    }
    return 0;
}

static void t_dispatch(void) {
    size_t nops = xps_dispatch_op_count(), i, k;
    uint64_t g0, g1, hw = xps_cpu_hardware_features(), feat = xps_cpu_features();
    const char *portable = getenv("XPS_CPU_DISABLE");
    unsigned b;
    uint8_t ref[64], got[64];
    size_t forced = 0;

    /* CPU features */
    CHECK((feat & ~hw) == 0, "usable features (%#" PRIx64 ") are a subset of the hardware's (%#" PRIx64 ")", feat, hw);
    for (b = 0; b < 64; b++) {
        if ((hw >> b) & 1u) {
            CHECK(xps_cpu_feature_name(b) != NULL, "feature bit %u has a name", b);
        }
    }
    CHECK(xps_cpu_feature_name(64) == NULL && xps_cpu_feature_name(UINT32_MAX) == NULL, "feature names out of range are NULL");
    if (portable != NULL && strcmp(portable, "all") == 0) {
        CHECK(feat == 0, "XPS_CPU_DISABLE=all: no usable CPU features (%#" PRIx64 ")", feat);
    }
    printf("  cpu features: ");
    for (b = 0; b < 64; b++) {
        if ((feat >> b) & 1u) printf("%s ", xps_cpu_feature_name(b));
    }
    printf("\n");

    /* introspection: ops → candidates → active kernel */
    CHECK(nops >= 1, "xps_dispatch_op_count() = %zu", nops);
    for (i = 0; i < nops; i++) {
        const char *op = xps_dispatch_op_name(i), *act;
        size_t nc = xps_dispatch_candidate_count(i), found = 0;
        if (!CHECK(op != NULL, "op %zu has a name", i)) continue;
        act = xps_dispatch_active_kernel(op);
        CHECK(nc >= 1, "%s has candidates (%zu)", op, nc);
        for (k = 0; k < nc; k++) {
            const char *cn = xps_dispatch_candidate_name(i, k);
            CHECK(cn != NULL, "%s candidate %zu has a name", op, k);
            if (cn != NULL && act != NULL && strcmp(cn, act) == 0) {
                found = 1;
                CHECK(xps_dispatch_candidate_available(i, k) == 1, "%s: active kernel %s is available", op, act);
            }
        }
        CHECK(act != NULL && found, "%s: active kernel %s is one of its candidates", op, act ? act : "(null)");
        CHECK(xps_dispatch_candidate_name(i, nc) == NULL && xps_dispatch_candidate_available(i, nc) == 0,
              "%s: candidate index out of range", op);
    }
    CHECK(xps_dispatch_op_name(nops) == NULL && xps_dispatch_candidate_count(nops) == 0 && xps_dispatch_candidate_name(nops, 0) == NULL &&
              xps_dispatch_candidate_available(nops, 0) == 0,
          "op index out of range");
    CHECK(xps_dispatch_active_kernel("no.such.op") == NULL && xps_last_error_detail()[0] != '\0', "active_kernel(unknown op) is NULL + detail");
    CHECK(xps_dispatch_active_kernel(NULL) == NULL, "active_kernel(NULL) is NULL");

    /* force errors leave the generation alone */
    g0 = xps_dispatch_generation();
    CHECK(g0 >= 1, "generation after init is %" PRIu64, g0);
    FAILS(xps_dispatch_force("no.such.op", "x"), XPS_E_UNKNOWN_OP);
    FAILS(xps_dispatch_force("hash.sha256", "no-such-kernel"), XPS_E_UNKNOWN_KERNEL);
    FAILS(xps_dispatch_force("hash.sha256", "blake3/portable"), XPS_E_UNKNOWN_KERNEL);
    FAILS(xps_dispatch_force("", ""), XPS_E_UNKNOWN_OP);
    FAILS(xps_dispatch_force(NULL, "sha256/portable"), XPS_E_NULL_POINTER);
    FAILS(xps_dispatch_force("hash.sha256", NULL), XPS_E_NULL_POINTER);
    CHECK(xps_dispatch_generation() == g0, "failed force calls keep the generation (%" PRIu64 " -> %" PRIu64 ")", g0,
          xps_dispatch_generation());

    /* force every available candidate by name: generation increases, result unchanged */
    for (i = 0; i < nops; i++) {
        const char *op = xps_dispatch_op_name(i);
        const char *orig = op ? xps_dispatch_active_kernel(op) : NULL;
        size_t nc = xps_dispatch_candidate_count(i);
        if (op == NULL || orig == NULL) continue;
        if (!CHECK(run_op(op, ref), "%s: reference computation", op)) continue;
        for (k = 0; k < nc; k++) {
            const char *cn = xps_dispatch_candidate_name(i, k);
            const char *now;
            if (cn == NULL || !xps_dispatch_candidate_available(i, k)) continue;
            g0 = xps_dispatch_generation();
            OK(xps_dispatch_force(op, cn));
            g1 = xps_dispatch_generation();
            now = xps_dispatch_active_kernel(op);
            CHECK(g1 > g0, "%s: force %s: generation %" PRIu64 " -> %" PRIu64, op, cn, g0, g1);
            CHECK(now != NULL && strcmp(now, cn) == 0, "%s: active kernel after force is %s (got %s)", op, cn, now ? now : "(null)");
            memset(got, 0, sizeof got);
            CHECK(run_op(op, got) && eq(got, ref, 64), "%s: result with %s equals the default kernel's", op, cn);
            forced++;
        }
        g0 = xps_dispatch_generation();
        OK(xps_dispatch_reset());
        CHECK(xps_dispatch_generation() > g0, "%s: reset increments the generation", op);
        {
            const char *after = xps_dispatch_active_kernel(op);
            CHECK(after != NULL && strcmp(after, orig) == 0, "%s: reset restores %s (got %s)", op, orig, after ? after : "(null)");
        }
    }
    printf("  forced %zu kernels across %zu ops\n", forced, nops);

    /* an unavailable kernel cannot be forced: restrict the ISA policy to nothing */
    OK(xps_policy_set_isa_mask(0));
    CHECK(xps_policy_isa_mask() == 0, "policy_isa_mask() == 0 after set");
    {
        size_t refused = 0;
        for (i = 0; i < nops; i++) {
            const char *op = xps_dispatch_op_name(i);
            for (k = 0; op && k < xps_dispatch_candidate_count(i); k++) {
                const char *cn = xps_dispatch_candidate_name(i, k);
                if (cn && !xps_dispatch_candidate_available(i, k)) {
                    g0 = xps_dispatch_generation();
                    FAILS(xps_dispatch_force(op, cn), XPS_E_KERNEL_UNAVAILABLE);
                    CHECK(xps_dispatch_generation() == g0, "refused force keeps the generation");
                    refused++;
                }
            }
            if (op != NULL) {
                /* with mask 0 every active kernel is still available and computes the same */
                CHECK(run_op(op, got), "%s runs with ISA mask 0", op);
            }
        }
        printf("  %zu kernels refused with XPS_E_KERNEL_UNAVAILABLE under ISA mask 0\n", refused);
    }
    OK(xps_policy_set_isa_mask(UINT64_MAX));
    OK(xps_dispatch_reset());
}

static void t_policy_and_handles(void) {
    /* I-6: a key handle created before a dispatch switch follows the new table */
    size_t n, i, k, nops = xps_dispatch_op_count(), switches = 0;
    uint8_t ref[80], got[80], h1[32], h2[32];
    xps_aead_key *key = NULL;
    uint64_t g0;
    OK(xps_aead_seal(XPS_ALG_AES_256_GCM, key32, 32, nonce24, 12, aad, 13, msg, 64, ref, sizeof ref, &n));
    OK(xps_aead_key_new(XPS_ALG_AES_256_GCM, key32, 32, &key));
    OK(xps_aead_key_seal(key, nonce24, 12, aad, 13, msg, 64, got, sizeof got, &n));
    CHECK(eq(got, ref, 80), "key handle seal = one-shot seal");
    for (i = 0; i < nops; i++) {
        const char *op = xps_dispatch_op_name(i);
        if (op == NULL || strcmp(op, "aead.aes-256-gcm") != 0) continue;
        for (k = 0; k < xps_dispatch_candidate_count(i); k++) {
            const char *cn = xps_dispatch_candidate_name(i, k);
            if (cn == NULL || !xps_dispatch_candidate_available(i, k)) continue;
            g0 = xps_dispatch_generation();
            OK(xps_dispatch_force(op, cn));
            CHECK(xps_dispatch_generation() > g0, "generation increased after forcing %s", cn);
            tu_fill(got, sizeof got);
            OK(xps_aead_key_seal(key, nonce24, 12, aad, 13, msg, 64, got, sizeof got, &n));
            CHECK(eq(got, ref, 80), "key handle created earlier seals identically with %s", cn);
            OK(xps_aead_key_open(key, nonce24, 12, aad, 13, ref, 80, got, 64, &n));
            CHECK(eq(got, msg, 64), "key handle created earlier opens with %s", cn);
            switches++;
        }
    }
    CHECK(switches >= 1, "aead.aes-256-gcm has at least one available kernel (%zu)", switches);
    OK(xps_dispatch_reset());
    OK(xps_aead_key_seal(key, nonce24, 12, aad, 13, msg, 64, got, sizeof got, &n));
    CHECK(eq(got, ref, 80), "key handle after reset seals identically");
    xps_aead_key_free(key);

    /* policy */
    CHECK(xps_policy_isa_mask() == UINT64_MAX, "default ISA mask is all ones (%#" PRIx64 ")", xps_policy_isa_mask());
    OK(xps_hash(XPS_ALG_SHA256, msg, 200, h1, 32, &n));
    OK(xps_policy_set_isa_mask(0));
    OK(xps_hash(XPS_ALG_SHA256, msg, 200, h2, 32, &n));
    CHECK(eq(h1, h2, 32), "sha256 with ISA mask 0 (portable) = default");
    OK(xps_policy_set_isa_mask(UINT64_MAX));
    OK(xps_policy_set_ct_only(1));
    OK(xps_hash(XPS_ALG_SHA256, msg, 200, h2, 32, &n));
    OK(xps_aead_seal(XPS_ALG_AES_256_GCM, key32, 32, nonce24, 12, aad, 13, msg, 64, got, sizeof got, &n));
    CHECK(eq(h1, h2, 32) && eq(got, ref, 80), "ct_only policy computes the same");
    OK(xps_policy_set_ct_only(0));
}

/* ------------------------------------------------------------------------------------------ */
/* thread-local error detail                                                                  */
/* ------------------------------------------------------------------------------------------ */

static char g_thread_detail_fail[256], g_thread_detail_ok[8];
static xps_status g_thread_status;

static void *thread_body(void *arg) {
    size_t n;
    uint8_t o[8];
    (void)arg;
    g_thread_status = xps_hash(XPS_ALG_SHA256, msg, 3, o, sizeof o, &n); /* too small */
    snprintf(g_thread_detail_fail, sizeof g_thread_detail_fail, "%s", xps_last_error_detail());
    xps_ct_equal(msg, msg, 1);
    (void)xps_random_bytes(o, sizeof o);
    snprintf(g_thread_detail_ok, sizeof g_thread_detail_ok, "%s", xps_last_error_detail());
    return NULL;
}

static void t_error_detail(void) {
    pthread_t th;
    char mine[256];
    size_t n;
    (void)xps_hash(0x4242, msg, 3, out, 64, &n);
    snprintf(mine, sizeof mine, "%s", xps_last_error_detail());
    CHECK(mine[0] != '\0', "detail after a failure is non-empty [%s]", mine);
    if (pthread_create(&th, NULL, thread_body, NULL) == 0) {
        pthread_join(th, NULL);
        CHECK(g_thread_status == XPS_E_BUFFER_TOO_SMALL && g_thread_detail_fail[0] != '\0' && strcmp(g_thread_detail_fail, mine) != 0,
              "other thread has its own detail [%s]", g_thread_detail_fail);
        CHECK(g_thread_detail_ok[0] == '\0', "other thread's detail is empty after its success");
        CHECK(strcmp(xps_last_error_detail(), mine) == 0, "this thread's detail is unchanged by the other thread");
    } else {
        CHECK(0, "pthread_create failed");
    }
    OK(xps_hash(XPS_ALG_SHA256, msg, 3, out, 64, &n));
    CHECK(xps_last_error_detail()[0] == '\0', "detail is empty after a success");
}

/* ------------------------------------------------------------------------------------------ */

int main(int argc, char **argv) {
    size_t i;
    tu_counts *shared;
    for (i = 1; i < (size_t)argc; i++) {
        if (strcmp(argv[i], "--verbose") == 0) tu_verbose = 1;
    }
    shared = (tu_counts *)mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared != MAP_FAILED) {
        memset(shared, 0, sizeof *shared);
        tu_counts_p = shared;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (i = 0; i < sizeof key32; i++) key32[i] = (uint8_t)(0x40 + i);
    for (i = 0; i < sizeof key64; i++) key64[i] = (uint8_t)(0x80 ^ i);
    for (i = 0; i < sizeof nonce24; i++) nonce24[i] = (uint8_t)(0xA0 + i);
    for (i = 0; i < sizeof msg; i++) msg[i] = (uint8_t)(i * 13 + 7);
    for (i = 0; i < sizeof aad; i++) aad[i] = (uint8_t)('A' + i);
    printf("xpscrypto %s bad-input suite%s\n", xps_version(), getenv("XPS_CPU_DISABLE") ? " [XPS_CPU_DISABLE set]" : "");

    isolated("status", t_status);
    isolated("names_sizes", t_names_sizes);
    isolated("hash_oneshot", t_hash_oneshot);
    isolated("hash_streaming", t_hash_streaming);
    isolated("mac", t_mac);
    isolated("aead", t_aead);
    isolated("aead_keys", t_aead_keys);
    isolated("hkdf", t_hkdf);
    isolated("pbkdf2", t_pbkdf2);
    isolated("argon2id", t_argon2);
    isolated("random_ct", t_random_ct);
    isolated("secure_memory", t_secure_memory);
    isolated("frees", t_frees);
    isolated("dispatch", t_dispatch);
    isolated("policy_and_handles", t_policy_and_handles);
    isolated("error_detail", t_error_detail);
    /* huge lengths, one child each */
    isolated("hkdf out_len SIZE_MAX", h_hkdf_sizemax);
    isolated("hkdf out_len 2^40", h_hkdf_huge);
    isolated("hkdf out NULL, out_len SIZE_MAX", h_hkdf_null_sizemax);
    isolated("hkdf_expand out_len 2^40", h_hkdf_expand_huge);
    isolated("hkdf_expand out_len SIZE_MAX", h_hkdf_expand_sizemax);
    isolated("pbkdf2 out_len 2^40", h_pbkdf2_huge);
    isolated("pbkdf2 out_len SIZE_MAX", h_pbkdf2_sizemax);
    isolated("argon2id out_len 2^40", h_argon2_huge_out);
    isolated("argon2id m_cost 2^32-1 KiB", h_argon2_huge_mem);
    isolated("secure_alloc SIZE_MAX", h_secure_alloc_sizemax);
    isolated("secure_alloc page wrap", h_secure_alloc_pagewrap);
    isolated("secure_alloc 2^62", h_secure_alloc_huge);

    printf("%ld passed, %ld failed\n", tu_counts_p->passed, tu_counts_p->failed);
    return tu_counts_p->failed == 0 ? 0 : 1;
}
