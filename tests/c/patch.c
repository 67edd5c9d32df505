/*
 * patch.c — the hot-patch C ABI under load: a fresh Ed25519 signer, a trust store and a manifest
 * built here, the example SHA-256 patch module (path in argv[1]) applied and rolled back many
 * times while threads hash and seal continuously and check every output; then forged, tampered,
 * downgraded and broken patches refused with the right step, an unchanged generation and an
 * audit line. Usage: patch <libxps_sha256_patch.so> [<scratch dir>]
 */
#include <xpscrypto.h>

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

static uint8_t *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    uint8_t *b;
    long n;
    if (f == NULL) return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    b = (uint8_t *)malloc((size_t)n + 1);
    if (b == NULL || fread(b, 1, (size_t)n, f) != (size_t)n) {
        fclose(f);
        free(b);
        return NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return b;
}

static void hexs(const uint8_t *p, size_t n, char *out) {
    size_t i;
    for (i = 0; i < n; i++) sprintf(out + 2 * i, "%02x", p[i]);
    out[2 * n] = '\0';
}

/* --------------------------------------------------------------------------- load workers */

static atomic_int stop_flag;
static atomic_long worker_ops, worker_bad;
static uint8_t msg[10000];
static uint8_t msg_digest[32];
static const uint8_t aead_key[32] = {1, 2, 3};
static const uint8_t aead_nonce[12] = {4, 5, 6};
static uint8_t sealed_ref[sizeof msg + 16];

static void *hash_worker(void *arg) {
    (void)arg;
    while (!atomic_load(&stop_flag)) {
        uint8_t d[32];
        size_t n = 0;
        xps_hash_ctx *h = NULL;
        size_t off;
        if (xps_hash(XPS_ALG_SHA256, msg, sizeof msg, d, sizeof d, &n) != XPS_OK || memcmp(d, msg_digest, 32) != 0)
            atomic_fetch_add(&worker_bad, 1);
        /* A stream whose pieces straddle swaps finishes on the kernel it started with. */
        if (xps_hash_new(XPS_ALG_SHA256, &h) != XPS_OK) { atomic_fetch_add(&worker_bad, 1); continue; }
        for (off = 0; off < sizeof msg; off += 1000) xps_hash_update(h, msg + off, 1000);
        if (xps_hash_final(h, d, sizeof d, &n) != XPS_OK || memcmp(d, msg_digest, 32) != 0) atomic_fetch_add(&worker_bad, 1);
        xps_hash_free(h);
        atomic_fetch_add(&worker_ops, 2);
    }
    return NULL;
}

static void *aead_worker(void *arg) {
    xps_aead_key *k = (xps_aead_key *)arg; /* created before any patch */
    static uint8_t out[sizeof msg + 16], back[sizeof msg];
    while (!atomic_load(&stop_flag)) {
        size_t n = 0;
        if (xps_aead_key_seal(k, aead_nonce, 12, NULL, 0, msg, sizeof msg, out, sizeof out, &n) != XPS_OK || memcmp(out, sealed_ref, n) != 0)
            atomic_fetch_add(&worker_bad, 1);
        if (xps_aead_key_open(k, aead_nonce, 12, NULL, 0, out, n, back, sizeof back, &n) != XPS_OK || memcmp(back, msg, sizeof msg) != 0)
            atomic_fetch_add(&worker_bad, 1);
        atomic_fetch_add(&worker_ops, 2);
    }
    return NULL;
}

/* ------------------------------------------------------------------------------ fixtures */

static uint8_t signer_pk[32], signer_sk[32], other_pk[32], other_sk[32];
static char trust[1024], trust_other_op[1024];
static uint8_t *payload;
static size_t payload_len;

static void make_trust(char *out, size_t cap, const uint8_t *pk, const char *ops) {
    char h[65];
    hexs(pk, 32, h);
    snprintf(out, cap,
             "{\"format\":\"xpscrypto-trust-store/1\",\"min_required_signatures\":1,\"allow_unsigned\":false,"
             "\"signers\":[{\"name\":\"ops-team\",\"ed25519\":\"%s\",\"ops\":[%s]}]}",
             h, ops);
}

/* An unsigned manifest for `p` (kernel ABI from the library unless `abi` > 0). */
static void make_manifest(char *out, size_t cap, const char *id, unsigned version, const uint8_t *p, size_t n, unsigned abi, long not_after) {
    uint8_t d[32];
    char h[65], window[64] = "";
    size_t dl = 0;
    xps_hash(XPS_ALG_SHA256, p, n, d, sizeof d, &dl);
    hexs(d, 32, h);
    if (not_after > 0) snprintf(window, sizeof window, ",\"not_after\":%ld", not_after);
    snprintf(out, cap,
             "{\"format\":\"xpscrypto-patch-manifest/1\",\"id\":\"%s\",\"version\":%u,\"kernel_abi\":%u,"
             "\"ops\":[\"hash.sha256\"],\"payload\":{\"name\":\"libxps_sha256_patch.so\",\"size\":%zu,\"sha256\":\"%s\"},"
             "\"created\":%ld%s}",
             id, version, abi ? abi : xps_kernel_abi_version(), n, h, (long)time(NULL), window);
}

/* Signs `m` as "ops-team" with `sk`; returns a malloc'ed JSON string. */
static char *sign_manifest(const char *m, const uint8_t *sk) {
    size_t need = 0;
    char *out;
    xps_status st = xps_patch_sign_manifest((const uint8_t *)m, strlen(m), "ops-team", sk, 32, NULL, 0, NULL, 0, &need);
    if (st != XPS_E_BUFFER_TOO_SMALL) return NULL;
    out = (char *)malloc(need + 1);
    if (xps_patch_sign_manifest((const uint8_t *)m, strlen(m), "ops-team", sk, 32, NULL, 0, (uint8_t *)out, need, &need) != XPS_OK) {
        free(out);
        return NULL;
    }
    out[need] = '\0';
    return out;
}

static const char *audit_path;

/* The last line of the audit log contains every needle. */
static int last_audit_has(const char *a, const char *b) {
    size_t n = 0;
    uint8_t *t = read_file(audit_path, &n);
    char *last;
    int ok;
    if (t == NULL) return 0;
    t[n] = '\0';
    while (n > 0 && t[n - 1] == '\n') t[--n] = '\0';
    last = strrchr((char *)t, '\n');
    last = last ? last + 1 : (char *)t;
    ok = strstr(last, a) != NULL && (b == NULL || strstr(last, b) != NULL);
    free(t);
    return ok;
}

static void expect_refused(const char *what, const char *manifest, const uint8_t *p, size_t n, const char *trust_store,
                           xps_status want, const char *step) {
    uint64_t g = xps_dispatch_generation();
    xps_patch_report rep;
    char step_field[64];
    xps_status st;
    tu_fill(&rep, sizeof rep);
    st = xps_patch_apply((const uint8_t *)manifest, strlen(manifest), p, n, (const uint8_t *)trust_store, strlen(trust_store), 0, &rep);
    CHECK(st == want, "%s: status %d (%s), want %d: %s", what, st, xps_status_name(st), want, xps_last_error_detail());
    CHECK(xps_patch_step_name(st) != NULL && strcmp(xps_patch_step_name(st), step) == 0, "%s: step %s", what, step);
    CHECK(xps_dispatch_generation() == g, "%s: generation unchanged", what);
    CHECK(tu_is_pattern(&rep, sizeof rep), "%s: report untouched on failure", what);
    snprintf(step_field, sizeof step_field, "\"step\":\"%s\"", step);
    CHECK(last_audit_has("\"action\":\"reject\"", step_field), "%s: audit line names step %s", what, step);
}

int main(int argc, char **argv) {
    char manifest[2048], audit_file[512];
    char *signed_m, *signed_other, *signed_v1;
    const char *dir = argc > 2 ? argv[2] : ".";
    pthread_t th[3];
    xps_aead_key *key = NULL;
    const char *base_kernel;
    size_t n = 0, pl = 0, sl = 0;
    int i, cycles = getenv("XPS_PATCH_CYCLES") ? atoi(getenv("XPS_PATCH_CYCLES")) : 200;

    if (argc < 2 || (payload = read_file(argv[1], &payload_len)) == NULL) {
        fprintf(stderr, "usage: patch <patch module .so> [scratch dir]\n");
        return 2;
    }
    snprintf(audit_file, sizeof audit_file, "%s/patch-audit-%ld.jsonl", dir, (long)getpid());
    audit_path = audit_file;
    remove(audit_file);
    CHECK(xps_patch_set_audit_log(audit_file) == XPS_OK, "audit log set");

    for (i = 0; i < (int)sizeof msg; i++) msg[i] = (uint8_t)(i * 7);
    xps_hash(XPS_ALG_SHA256, msg, sizeof msg, msg_digest, 32, &n);
    xps_aead_seal(XPS_ALG_AES_256_GCM, aead_key, 32, aead_nonce, 12, NULL, 0, msg, sizeof msg, sealed_ref, sizeof sealed_ref, &n);
    CHECK(xps_sign_keypair(XPS_ALG_ED25519, NULL, 0, signer_pk, 32, &pl, signer_sk, 32, &sl) == XPS_OK, "signer key pair");
    CHECK(xps_sign_keypair(XPS_ALG_ED25519, NULL, 0, other_pk, 32, &pl, other_sk, 32, &sl) == XPS_OK, "second key pair");
    make_trust(trust, sizeof trust, signer_pk, "\"hash.sha256\"");
    make_trust(trust_other_op, sizeof trust_other_op, signer_pk, "\"aead.aes-256-gcm\"");
    make_manifest(manifest, sizeof manifest, "c-sha256", 2, payload, payload_len, 0, 0);
    signed_m = sign_manifest(manifest, signer_sk);
    CHECK(signed_m != NULL, "manifest signed");
    CHECK(xps_patch_verify((const uint8_t *)signed_m, strlen(signed_m), payload, payload_len, (const uint8_t *)trust, strlen(trust)) == XPS_OK,
          "verify without loading: %s", xps_last_error_detail());

    /* -------- live swaps under load */
    CHECK(xps_aead_key_new(XPS_ALG_AES_256_GCM, aead_key, 32, &key) == XPS_OK, "AEAD key handle");
    pthread_create(&th[0], NULL, hash_worker, NULL);
    pthread_create(&th[1], NULL, hash_worker, NULL);
    pthread_create(&th[2], NULL, aead_worker, key);
    base_kernel = xps_dispatch_active_kernel("hash.sha256");
    for (i = 0; i < cycles; i++) {
        xps_patch_report rep, rb;
        uint64_t g = xps_dispatch_generation();
        xps_status st = xps_patch_apply((const uint8_t *)signed_m, strlen(signed_m), payload, payload_len, (const uint8_t *)trust, strlen(trust), 0, &rep);
        if (!CHECK(st == XPS_OK, "apply #%d: %s %s", i, xps_status_name(st), xps_last_error_detail())) break;
        CHECK(rep.previous_generation == g && rep.new_generation == g + 1 && rep.version == 2 && rep.op_count == 1 && rep.signer_count == 1 &&
                  strcmp(rep.patch_id, "c-sha256") == 0,
              "apply #%d report", i);
        CHECK(strcmp(xps_dispatch_active_kernel("hash.sha256"), "sha256/c-portable") == 0, "apply #%d: patch kernel active", i);
        CHECK(xps_patch_applied_count() == 1, "one patch applied");
        if (i == 0) {
            size_t op, k, found = 0;
            for (op = 0; op < xps_dispatch_op_count(); op++) {
                if (strcmp(xps_dispatch_op_name(op), "hash.sha256") != 0) continue;
                for (k = 0; k < xps_dispatch_candidate_count(op); k++)
                    found += strcmp(xps_dispatch_candidate_name(op, k), "sha256/c-portable") == 0 && xps_dispatch_candidate_available(op, k) == 1;
            }
            CHECK(found == 1, "the patch kernel is listed among the op's candidates while applied");
        }
        st = xps_patch_rollback(&rb);
        CHECK(st == XPS_OK && rb.new_generation == g + 2 && strcmp(rb.patch_id, "c-sha256") == 0, "rollback #%d", i);
        CHECK(strcmp(xps_dispatch_active_kernel("hash.sha256"), base_kernel) == 0, "rollback #%d: built-in kernel back", i);
    }
    atomic_store(&stop_flag, 1);
    for (i = 0; i < 3; i++) pthread_join(th[i], NULL);
    CHECK(atomic_load(&worker_bad) == 0, "no wrong or failed operation during %d swaps (%ld checked)", cycles, atomic_load(&worker_ops));
    CHECK(atomic_load(&worker_ops) > 0, "workers ran");
    xps_aead_key_free(key);
    CHECK(xps_patch_rollback(NULL) == XPS_E_NOTHING_TO_ROLLBACK, "rollback with nothing applied");
    {
        xps_patch_history_entry h[4];
        size_t cnt = 0;
        CHECK(xps_patch_history(h, 1, &cnt) == XPS_E_BUFFER_TOO_SMALL && cnt >= 2, "history needs more room");
        CHECK(xps_patch_history(NULL, 0, NULL) == XPS_E_NULL_POINTER, "history count pointer required");
    }

    /* -------- refusals */
    {
        uint8_t *bad = (uint8_t *)malloc(payload_len + 1);
        char *p, *forged;
        memcpy(bad, payload, payload_len);
        bad[payload_len / 2] ^= 1;
        expect_refused("tampered payload", signed_m, bad, payload_len, trust, XPS_E_PATCH_DIGEST, "digest");
        bad[payload_len / 2] ^= 1;
        bad[payload_len] = 0;
        expect_refused("payload of the wrong size", signed_m, bad, payload_len + 1, trust, XPS_E_PATCH_DIGEST, "digest");
        free(bad);
        forged = (char *)malloc(strlen(signed_m) + 1);
        strcpy(forged, signed_m);
        p = strstr(forged, "\"version\": 2");
        if (CHECK(p != NULL, "version field found")) p[11] = '3';
        expect_refused("tampered manifest", forged, payload, payload_len, trust, XPS_E_PATCH_SIGNATURE, "signature");
        free(forged);
        signed_other = sign_manifest(manifest, other_sk);
        expect_refused("unknown signer", signed_other, payload, payload_len, trust, XPS_E_PATCH_SIGNATURE, "signature");
        expect_refused("unsigned", manifest, payload, payload_len, trust, XPS_E_PATCH_SIGNATURE, "signature");
        expect_refused("signer not allowed for the op", signed_m, payload, payload_len, trust_other_op, XPS_E_PATCH_POLICY, "policy");
        expect_refused("malformed JSON", "{\"format\":", payload, payload_len, trust, XPS_E_PATCH_MALFORMED, "parse");
        make_manifest(manifest, sizeof manifest, "c-sha256", 2, payload, payload_len, 0, (long)time(NULL) - 10);
        free(signed_other);
        signed_other = sign_manifest(manifest, signer_sk);
        expect_refused("expired", signed_other, payload, payload_len, trust, XPS_E_PATCH_POLICY, "policy");
        free(signed_other);
        make_manifest(manifest, sizeof manifest, "c-sha256", 2, payload, payload_len, 99, 0);
        signed_other = sign_manifest(manifest, signer_sk);
        expect_refused("other kernel ABI", signed_other, payload, payload_len, trust, XPS_E_PATCH_ABI, "abi");
        free(signed_other);
        /* Not a shared library, correctly signed. */
        make_manifest(manifest, sizeof manifest, "junk", 2, msg, sizeof msg, 0, 0);
        signed_other = sign_manifest(manifest, signer_sk);
        expect_refused("not a shared library", signed_other, msg, sizeof msg, trust, XPS_E_PATCH_LOAD, "load");
        free(signed_other);
        /* Downgrade: v2 active, then v1. */
        CHECK(xps_patch_apply((const uint8_t *)signed_m, strlen(signed_m), payload, payload_len, (const uint8_t *)trust, strlen(trust), 0, NULL) == XPS_OK, "v2 applied");
        make_manifest(manifest, sizeof manifest, "c-sha256", 1, payload, payload_len, 0, 0);
        signed_v1 = sign_manifest(manifest, signer_sk);
        expect_refused("older version", signed_v1, payload, payload_len, trust, XPS_E_PATCH_DOWNGRADE, "policy");
        CHECK(xps_patch_apply((const uint8_t *)signed_v1, strlen(signed_v1), payload, payload_len, (const uint8_t *)trust, strlen(trust), 0x80, NULL) == XPS_E_INVALID_PARAMETER, "unknown flag refused");
        CHECK(xps_patch_apply((const uint8_t *)signed_v1, strlen(signed_v1), payload, payload_len, (const uint8_t *)trust, strlen(trust), XPS_PATCH_ALLOW_DOWNGRADE, NULL) == XPS_OK, "explicit downgrade accepted");
        CHECK(xps_patch_applied_count() == 2, "two patches stacked");
        CHECK(xps_patch_rollback(NULL) == XPS_OK && xps_patch_rollback(NULL) == XPS_OK, "both rolled back");
        free(signed_v1);
    }
    CHECK(xps_patch_apply(NULL, 5, payload, payload_len, (const uint8_t *)trust, strlen(trust), 0, NULL) == XPS_E_NULL_POINTER, "NULL manifest");
    CHECK(xps_patch_step_name(XPS_E_AUTHENTICATION_FAILED) == NULL, "no step for other statuses");
    CHECK(strcmp(xps_status_name(XPS_E_PATCH_DIFFERENTIAL), "XPS_E_PATCH_DIFFERENTIAL") == 0, "status names");
    CHECK(xps_patch_set_audit_log(NULL) == XPS_OK, "audit log reset");
    free(signed_m);
    free(payload);
    remove(audit_file);
    printf("patch: %ld passed, %ld failed\n", tu_counts_p->passed, tu_counts_p->failed);
    return tu_counts_p->failed == 0 ? 0 : 1;
}
