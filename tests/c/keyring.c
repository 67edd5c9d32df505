/*
 * keyring.c — the keyring C ABI through the installed library: a lifecycle over simulated months
 * (manual clock: rotations, overlap expiry, retirement, old envelopes decrypting until their
 * version retires, then refused), events by callback and as JSON, min_decryption_version,
 * revoke, destroy, buffer sizing (nothing written on failure), signatures, MACs, KEM
 * decapsulation; persistence: wrong keys, truncated, every byte flipped, future-format and foreign
 * files; crash safety (a writer process killed with SIGKILL at random moments, 100 times: every
 * rotation it reported is in the file); two writer processes losing no update; FIPS-like mode;
 * the cross-language fixture (tests/interop/keyring: every language's envelopes open here; with
 * XPS_WRITE_INTEROP=1 this program rewrites the "c" entries).
 *
 * Usage: keyring INTEROP_DIR WORK_DIR [--verbose]
 *        keyring --child-rotate FILE KEY COUNT   (writer process: prints "done V" per rotation)
 */
#define _POSIX_C_SOURCE 200809L
#include <xpscrypto.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "json.h"
#include "testutil.h"

#define DAY 86400ull
#define T0 1765000000ull

static const uint8_t KEK[32] = {7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
                                7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7};
static char g_self[4096];
static char g_work[4096];

static void path_in(char *out, size_t cap, const char *dir, const char *name) {
    snprintf(out, cap, "%s/%s", dir, name);
}

static xps_keyring_options manual_clock(uint64_t start) {
    xps_keyring_options o;
    memset(&o, 0, sizeof o);
    o.version = XPS_KEYRING_OPTIONS_VERSION;
    o.flags = XPS_KEYRING_MANUAL_CLOCK;
    o.manual_clock_start = start;
    return o;
}

/* A malloc'ed envelope of `name`'s primary over `pt`. */
static uint8_t *encrypt(xps_keyring *kr, const char *name, const char *pt, const char *aad, size_t *len) {
    size_t need = 0;
    uint8_t *buf;
    if (xps_keyring_envelope_len(kr, name, strlen(pt), &need) != XPS_OK) return NULL;
    buf = (uint8_t *)malloc(need);
    if (buf == NULL) return NULL;
    if (xps_keyring_encrypt(kr, name, (const uint8_t *)pt, strlen(pt), (const uint8_t *)aad, strlen(aad), buf, need, len) != XPS_OK) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* Decrypts and compares with `want`; returns the status. */
static xps_status decrypt_is(xps_keyring *kr, const uint8_t *env, size_t env_len, const char *aad, const char *want) {
    uint8_t out[256];
    size_t n = TU_LEN_SENTINEL;
    xps_status st;
    tu_fill(out, sizeof out);
    st = xps_keyring_decrypt(kr, env, env_len, (const uint8_t *)aad, strlen(aad), out, sizeof out, &n);
    if (st == XPS_OK) {
        if (n != strlen(want) || memcmp(out, want, n) != 0) return XPS_E_INTERNAL;
    } else if (!tu_is_pattern(out, sizeof out) || n != TU_LEN_SENTINEL) {
        return XPS_E_INTERNAL; /* wrote something on failure */
    }
    return st;
}

/* Events seen by the callback, by kind. */
static long g_events[16];
static void on_event(const xps_keyring_event *e, void *user) {
    (void)user;
    if (e->kind < 16) g_events[e->kind]++;
    if (e->key == NULL || e->kind_name == NULL || e->actor == NULL || e->reason == NULL) g_events[0]++;
}

/* The number of occurrences of `needle` in `hay`. */
static int count(const char *hay, const char *needle) {
    int c = 0;
    const char *p = hay;
    while ((p = strstr(p, needle)) != NULL) {
        c++;
        p += strlen(needle);
    }
    return c;
}

static char *json_out(xps_status (*f)(const xps_keyring *, uint8_t *, size_t, size_t *), const xps_keyring *kr) {
    size_t need = 0, n = 0;
    char *buf;
    xps_status st = f(kr, NULL, 0, &need);
    if (st == XPS_OK) need = 1; /* empty output can't happen for JSON, but be safe */
    buf = (char *)calloc(need + 1, 1);
    if (buf == NULL || f(kr, (uint8_t *)buf, need, &n) != XPS_OK) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}

/* The primary version of `name` (0 if none / error). */
static uint32_t primary_of(const xps_keyring *kr, const char *name) {
    char *buf;
    size_t need = 0, n = 0;
    json_value *v;
    long long p = 0;
    if (xps_keyring_describe_json(kr, name, NULL, 0, &need) != XPS_E_BUFFER_TOO_SMALL) return 0;
    buf = (char *)malloc(need);
    if (buf == NULL || xps_keyring_describe_json(kr, name, (uint8_t *)buf, need, &n) != XPS_OK) {
        free(buf);
        return 0;
    }
    v = json_parse(buf, n, NULL, 0);
    free(buf);
    if (v == NULL) return 0;
    if (!json_get_int(v, "primary", &p)) p = 0;
    json_free(v);
    return (uint32_t)p;
}

static void test_lifecycle(void) {
    xps_keyring_options o = manual_clock(T0);
    xps_rotation_policy pol = {30 * DAY, 0, 7 * DAY};
    xps_keyring *kr = NULL;
    uint32_t v = 0;
    uint64_t id = 0, now = 0;
    size_t n1 = 0, n2 = 0, ticks;
    uint8_t *e1, *e2;
    char *ev;
    int day, d1_ok_until = -1, d1_refused_from = -1;

    CHECK(xps_keyring_new_memory(&o, &kr) == XPS_OK && kr != NULL, "in-memory keyring");
    CHECK(xps_keyring_now(kr) == T0, "manual clock starts at T0");
    CHECK(xps_keyring_subscribe(kr, on_event, NULL, &id) == XPS_OK, "subscribe");
    CHECK(xps_keyring_generate(kr, "app", XPS_ALG_AES_256_GCM, &pol, &v) == XPS_OK && v == 1, "generate v1");
    CHECK(xps_keyring_generate(kr, "app", XPS_ALG_AES_256_GCM, &pol, NULL) == XPS_E_KEY_EXISTS, "duplicate name");
    e1 = encrypt(kr, "app", "written on day 0", "ctx", &n1);
    CHECK(e1 != NULL, "encrypt under v1");
    /* 120 simulated days, one tick a day. */
    for (day = 1; day <= 120; day++) {
        xps_status st;
        CHECK(xps_keyring_clock_advance(kr, DAY, &now) == XPS_OK && now == T0 + (uint64_t)day * DAY, "advance day %d", day);
        ticks = 0;
        CHECK(xps_keyring_tick(kr, &ticks) == XPS_OK, "tick day %d", day);
        st = decrypt_is(kr, e1, n1, "ctx", "written on day 0");
        if (st == XPS_OK) {
            d1_ok_until = day;
        } else if (d1_refused_from < 0) {
            d1_refused_from = day;
            CHECK(st == XPS_E_KEY_RETIRED, "v1 envelope refused as retired, got %d", (int)st);
        }
    }
    /* Rotations on days 30, 60, 90, 120; v1 decrypt-only from day 30 for 7 days. */
    CHECK(d1_ok_until == 36 && d1_refused_from == 37, "old envelope decrypts until its version retires (ok until %d, refused from %d)", d1_ok_until, d1_refused_from);
    CHECK(primary_of(kr, "app") == 5, "4 rotations in 120 days");
    CHECK(g_events[XPS_KEYRING_EVENT_ROTATED] == 4, "4 rotated events (%ld)", g_events[XPS_KEYRING_EVENT_ROTATED]);
    CHECK(g_events[XPS_KEYRING_EVENT_RETIRED] == 3, "3 retirements (%ld)", g_events[XPS_KEYRING_EVENT_RETIRED]);
    CHECK(g_events[XPS_KEYRING_EVENT_PLANNED] == 4, "a planned event before each rotation (%ld)", g_events[XPS_KEYRING_EVENT_PLANNED]);
    CHECK(g_events[XPS_KEYRING_EVENT_GENERATED] == 1 && g_events[0] == 0, "generated event, strings set");
    ev = json_out(xps_keyring_events_json, kr);
    CHECK(ev != NULL && count(ev, "\"kind\":\"rotated\"") == 4 && count(ev, "\"actor\":\"api\"") >= 11, "events JSON: %.200s", ev ? ev : "(null)");
    free(ev);
    ev = json_out(xps_keyring_events_json, kr);
    CHECK(ev != NULL && strcmp(ev, "[]") == 0, "events drained");
    free(ev);
    CHECK(xps_keyring_unsubscribe(kr, id) == XPS_OK && xps_keyring_unsubscribe(kr, id) == XPS_E_INVALID_PARAMETER, "unsubscribe once");

    /* A fresh envelope under v5; rotate by hand; min_decryption_version; revoke; destroy. */
    e2 = encrypt(kr, "app", "v5", "", &n2);
    CHECK(e2 != NULL, "encrypt under v5");
    CHECK(xps_keyring_rotate(kr, "app", 0, &v) == XPS_OK && v == 6, "manual rotation -> v6");
    CHECK(decrypt_is(kr, e2, n2, "", "v5") == XPS_OK, "v5 decrypt-only still opens");
    CHECK(decrypt_is(kr, e2, n2, "other", "v5") == XPS_E_AUTHENTICATION_FAILED, "wrong aad");
    CHECK(xps_keyring_set_min_decryption_version(kr, "app", 6) == XPS_OK, "min_decryption_version 6");
    CHECK(decrypt_is(kr, e2, n2, "", "v5") == XPS_E_BELOW_MIN_DECRYPTION_VERSION, "below min version");
    CHECK(xps_keyring_set_min_decryption_version(kr, "app", 1) == XPS_OK, "back to 1");
    CHECK(xps_keyring_revoke(kr, "app", 5) == XPS_OK && decrypt_is(kr, e2, n2, "", "v5") == XPS_E_KEY_REVOKED, "revoked");
    CHECK(xps_keyring_destroy(kr, "app", 5) == XPS_OK && decrypt_is(kr, e2, n2, "", "v5") == XPS_E_KEY_DESTROYED, "destroyed");
    CHECK(xps_keyring_revoke(kr, "app", 99) == XPS_E_UNKNOWN_KEY && xps_keyring_revoke(kr, "nope", 1) == XPS_E_UNKNOWN_KEY, "unknown version / key");
    {
        /* Rewrap an envelope of the decrypt-only v6 -> primary v7. */
        uint8_t *e6 = encrypt(kr, "app", "rewrap me", "r", &n1), out[512];
        size_t n = 0, small = TU_LEN_SENTINEL;
        CHECK(xps_keyring_rotate(kr, "app", 0, &v) == XPS_OK && v == 7, "v7");
        tu_fill(out, sizeof out);
        CHECK(xps_keyring_rewrap(kr, e6, n1, (const uint8_t *)"r", 1, out, 10, &small) == XPS_E_BUFFER_TOO_SMALL && small == n1 && tu_is_pattern(out, sizeof out), "rewrap size query");
        CHECK(xps_keyring_rewrap(kr, e6, n1, (const uint8_t *)"r", 1, out, sizeof out, &n) == XPS_OK && n == n1, "rewrap");
        CHECK(decrypt_is(kr, out, n, "r", "rewrap me") == XPS_OK && out[10] == 3 && out[14] == 0 && out[15] == 0 && out[16] == 0 && out[17] == 7, "rewrapped under v7 (version field)");
        free(e6);
    }
    {
        /* Sizing: too small -> needed size, nothing written; overlap refused. */
        uint8_t out[128];
        size_t n = TU_LEN_SENTINEL, need = 0;
        tu_fill(out, sizeof out);
        CHECK(xps_keyring_envelope_len(kr, "app", 5, &need) == XPS_OK && need == 4 + 1 + 1 + 4 + 1 + 3 + 4 + 1 + 12 + 5 + 16, "envelope_len %zu", need);
        CHECK(xps_keyring_encrypt(kr, "app", (const uint8_t *)"hello", 5, NULL, 0, out, need - 1, &n) == XPS_E_BUFFER_TOO_SMALL && n == need && tu_is_pattern(out, sizeof out), "too small");
        CHECK(xps_keyring_encrypt(kr, "app", out, 5, NULL, 0, out + 2, 100, &n) == XPS_E_OVERLAP, "overlap");
        CHECK(xps_keyring_encrypt(kr, "app", NULL, 5, NULL, 0, out, sizeof out, &n) == XPS_E_NULL_POINTER, "NULL input");
        CHECK(xps_keyring_encrypt(kr, "bad name!", (const uint8_t *)"x", 1, NULL, 0, out, sizeof out, &n) == XPS_E_UNKNOWN_KEY, "unknown name");
        CHECK(xps_keyring_encrypt(NULL, "app", (const uint8_t *)"x", 1, NULL, 0, out, sizeof out, &n) == XPS_E_NULL_POINTER, "NULL handle");
        CHECK(decrypt_is(kr, (const uint8_t *)"XPSE", 4, "", "") == XPS_E_MALFORMED_ENVELOPE, "truncated envelope");
        CHECK(xps_keyring_clock_set(kr, T0) == XPS_OK && xps_keyring_now(kr) == T0, "clock set");
    }
    free(e1);
    free(e2);
    xps_keyring_free(kr);
    xps_keyring_free(NULL);
    {
        xps_keyring *sys = NULL;
        CHECK(xps_keyring_new_memory(NULL, &sys) == XPS_OK, "system-clock keyring");
        CHECK(xps_keyring_clock_advance(sys, 1, NULL) == XPS_E_INVALID_STATE, "no manual clock");
        CHECK(xps_keyring_start_auto_rotation(sys, 0) == XPS_E_INVALID_PARAMETER, "interval 0");
        CHECK(xps_keyring_start_auto_rotation(sys, 5) == XPS_OK && xps_keyring_auto_rotation_running(sys) == 1, "service started");
        CHECK(xps_keyring_stop_auto_rotation(sys) == XPS_OK && xps_keyring_auto_rotation_running(sys) == 0, "service stopped");
        CHECK(xps_keyring_start_auto_rotation(sys, 5) == XPS_OK, "started again; free stops it");
        xps_keyring_free(sys);
    }
}

static void test_other_families(void) {
    xps_keyring *kr = NULL;
    uint8_t sig[8192], tag[64], pk[2048], ct[2048], ss1[64], ss2[64];
    size_t sig_len = 0, tag_len = 0, pk_len = 0, ct_len = 0, ss1_len = 0, ss2_len = 0;
    uint32_t v = 0, a = 0;
    uint8_t seed[64];
    memset(seed, 3, sizeof seed);
    CHECK(xps_keyring_new_memory(NULL, &kr) == XPS_OK, "keyring");
    CHECK(xps_keyring_generate(kr, "sig", XPS_ALG_ED25519, NULL, NULL) == XPS_OK, "ed25519 key");
    {
        size_t need = TU_LEN_SENTINEL;
        char *before = NULL, *after = NULL;
        before = json_out(xps_keyring_list_json, kr);
        CHECK(xps_keyring_sign(kr, "sig", (const uint8_t *)"msg", 3, sig, 10, &need) == XPS_E_BUFFER_TOO_SMALL && need == 15 + 3 + 64, "sign size bound %zu", need);
        CHECK(xps_keyring_sign(kr, "sig", (const uint8_t *)"msg", 3, NULL, 100, &need) == XPS_E_NULL_POINTER, "NULL out with a capacity");
        after = json_out(xps_keyring_list_json, kr);
        CHECK(before != NULL && after != NULL && strcmp(before, after) == 0, "a refused sign spends no use");
        free(before);
        free(after);
    }
    CHECK(xps_keyring_sign(kr, "sig", (const uint8_t *)"msg", 3, sig, sizeof sig, &sig_len) == XPS_OK, "sign");
    CHECK(xps_keyring_verify(kr, sig, sig_len, (const uint8_t *)"msg", 3) == XPS_OK, "verify");
    CHECK(xps_keyring_verify(kr, sig, sig_len, (const uint8_t *)"msh", 3) == XPS_E_BAD_SIGNATURE, "verify other message");
    CHECK(xps_keyring_public_key(kr, "sig", 0, &v, &a, pk, sizeof pk, &pk_len) == XPS_OK && v == 1 && a == XPS_ALG_ED25519 && pk_len == 32, "public key");
    CHECK(xps_verify(XPS_ALG_ED25519, pk, pk_len, (const uint8_t *)"msg", 3, sig + sig_len - 64, 64) == XPS_OK, "the envelope's signature verifies with the plain API");
    CHECK(xps_keyring_generate(kr, "mac", XPS_ALG_HMAC_SHA256, NULL, NULL) == XPS_OK, "hmac key");
    CHECK(xps_keyring_mac(kr, "mac", (const uint8_t *)"data", 4, &v, tag, 31, &tag_len) == XPS_E_BUFFER_TOO_SMALL && tag_len == 32, "mac size");
    CHECK(xps_keyring_mac(kr, "mac", (const uint8_t *)"data", 4, &v, tag, sizeof tag, &tag_len) == XPS_OK && v == 1 && tag_len == 32, "mac");
    CHECK(xps_keyring_verify_mac(kr, "mac", 1, (const uint8_t *)"data", 4, tag, tag_len) == XPS_OK, "verify_mac");
    tag[0] ^= 1;
    CHECK(xps_keyring_verify_mac(kr, "mac", 1, (const uint8_t *)"data", 4, tag, tag_len) == XPS_E_AUTHENTICATION_FAILED, "bad tag");
    CHECK(xps_keyring_import(kr, "kem", XPS_ALG_ML_KEM_768, seed, 64, XPS_KEYRING_IMPORT_SEED, NULL, &v) == XPS_OK && v == 1, "ml-kem from seed");
    CHECK(xps_keyring_public_key(kr, "kem", 1, NULL, NULL, pk, sizeof pk, &pk_len) == XPS_OK && pk_len == 1184, "kem public key");
    CHECK(xps_kem_encapsulate(XPS_ALG_ML_KEM_768, pk, pk_len, NULL, 0, ct, sizeof ct, &ct_len, ss1, sizeof ss1, &ss1_len) == XPS_OK, "encapsulate");
    CHECK(xps_keyring_decapsulate(kr, "kem", 0, ct, ct_len, ss2, sizeof ss2, &ss2_len) == XPS_OK && ss2_len == ss1_len && memcmp(ss1, ss2, ss1_len) == 0, "decapsulate");
    CHECK(xps_keyring_import(kr, "kem", XPS_ALG_ML_KEM_768, seed, 64, 0, NULL, NULL) == XPS_E_INVALID_PARAMETER, "KEM raw import refused");
    CHECK(xps_keyring_import(kr, "x", XPS_ALG_AES_256_GCM, seed, 31, 0, NULL, NULL) == XPS_E_BAD_KEY_LENGTH, "short AES key");
    CHECK(xps_keyring_import(kr, "x", XPS_ALG_AES_256_GCM, seed, 32, 4, NULL, NULL) == XPS_E_INVALID_PARAMETER, "unknown flags");
    CHECK(xps_keyring_generate(kr, "h", XPS_ALG_SHA256, NULL, NULL) == XPS_E_WRONG_ALGORITHM_FAMILY, "hash is not a keyring key");
    CHECK(xps_keyring_generate(kr, "p", XPS_ALG_POLY1305, NULL, NULL) == XPS_E_INVALID_PARAMETER, "poly1305 refused");
    CHECK(xps_keyring_sign(kr, "mac", (const uint8_t *)"m", 1, sig, sizeof sig, &sig_len) == XPS_E_WRONG_ALGORITHM_FAMILY, "sign with a MAC key");
    {
        /* seal: the key is created on first use with the default AEAD. */
        uint8_t env[128], pt[16];
        size_t n = 0, m = 0;
        CHECK(xps_keyring_seal(kr, "auto", (const uint8_t *)"sealed", 6, NULL, 0, env, sizeof env, &n) == XPS_OK, "seal");
        CHECK(xps_keyring_open_sealed(kr, env, n, NULL, 0, pt, sizeof pt, &m) == XPS_OK && m == 6 && memcmp(pt, "sealed", 6) == 0, "open_sealed");
        CHECK(env[6] == 0 && env[7] == 0 && ((uint32_t)env[8] << 8 | env[9]) == xps_keyring_default_aead(), "envelope names the default AEAD");
    }
    {
        char *list = json_out(xps_keyring_list_json, kr);
        CHECK(list != NULL && count(list, "\"name\":") == 4 && strstr(list, "\"state\":\"primary\"") != NULL, "list JSON");
        /* Never material: the HMAC key is not in the description (public keys are). */
        CHECK(list != NULL && strstr(list, "\"alg\":\"ml-kem-768\"") != NULL, "algorithms named");
        free(list);
    }
    xps_keyring_free(kr);
}


/* Every function with a NULL handle / NULL required pointer: a status, no crash, nothing written. */
static void test_null_arguments(void) {
    uint8_t out[64];
    size_t n = TU_LEN_SENTINEL, cnt = 0;
    uint32_t v = 0;
    uint64_t id = 0, now = 0;
    xps_rotation_policy pol = {0, 0, 0};
    xps_keyring *kr = NULL;
    const xps_keyring *z = NULL;
    tu_fill(out, sizeof out);
#define NULLCHECK(call) CHECK((call) == XPS_E_NULL_POINTER, #call)
    NULLCHECK(xps_keyring_new_memory(NULL, NULL));
    NULLCHECK(xps_keyring_create(NULL, XPS_KEK_RAW, KEK, 32, NULL, &kr));
    NULLCHECK(xps_keyring_open("x", XPS_KEK_RAW, NULL, 32, NULL, &kr));
    NULLCHECK(xps_keyring_save_as(z, "x", XPS_KEK_RAW, KEK, 32, NULL));
    NULLCHECK(xps_keyring_clock_set(z, 1));
    NULLCHECK(xps_keyring_clock_advance(z, 1, &now));
    NULLCHECK(xps_keyring_generate(z, "k", XPS_ALG_AES_256_GCM, NULL, &v));
    NULLCHECK(xps_keyring_import(z, "k", XPS_ALG_AES_256_GCM, KEK, 32, 0, NULL, &v));
    NULLCHECK(xps_keyring_rotate(z, "k", 0, &v));
    NULLCHECK(xps_keyring_revoke(z, "k", 1));
    NULLCHECK(xps_keyring_destroy(z, "k", 1));
    NULLCHECK(xps_keyring_set_min_decryption_version(z, "k", 1));
    NULLCHECK(xps_keyring_set_rotation_policy(z, "k", &pol));
    NULLCHECK(xps_keyring_set_expiry(z, "k", 1, 0));
    NULLCHECK(xps_keyring_tick(z, &cnt));
    NULLCHECK(xps_keyring_start_auto_rotation(z, 10));
    NULLCHECK(xps_keyring_stop_auto_rotation(z));
    NULLCHECK(xps_keyring_subscribe(z, on_event, NULL, &id));
    NULLCHECK(xps_keyring_unsubscribe(z, 1));
    NULLCHECK(xps_keyring_events_json(z, out, sizeof out, &n));
    NULLCHECK(xps_keyring_set_audit_log(z, NULL));
    NULLCHECK(xps_keyring_refresh(z));
    NULLCHECK(xps_keyring_envelope_len(z, "k", 1, &n));
    NULLCHECK(xps_keyring_encrypt(z, "k", out, 1, NULL, 0, out + 8, 32, &n));
    NULLCHECK(xps_keyring_decrypt(z, out, 1, NULL, 0, out + 8, 32, &n));
    NULLCHECK(xps_keyring_rewrap(z, out, 1, NULL, 0, out + 8, 32, &n));
    NULLCHECK(xps_keyring_seal(z, "k", out, 1, NULL, 0, out + 8, 32, &n));
    NULLCHECK(xps_keyring_open_sealed(z, out, 1, NULL, 0, out + 8, 32, &n));
    NULLCHECK(xps_keyring_sign(z, "k", out, 1, out + 8, 32, &n));
    NULLCHECK(xps_keyring_verify(z, out, 1, out, 1));
    NULLCHECK(xps_keyring_mac(z, "k", out, 1, &v, out + 8, 32, &n));
    NULLCHECK(xps_keyring_verify_mac(z, "k", 1, out, 1, out, 1));
    NULLCHECK(xps_keyring_decapsulate(z, "k", 0, out, 1, out + 8, 32, &n));
    NULLCHECK(xps_keyring_public_key(z, "k", 0, &v, &v, out, sizeof out, &n));
    NULLCHECK(xps_keyring_list_json(z, out, sizeof out, &n));
    NULLCHECK(xps_keyring_describe_json(z, "k", out, sizeof out, &n));
    CHECK(xps_keyring_now(z) == 0 && xps_keyring_auto_rotation_running(z) == 0, "value functions with NULL");
    CHECK(n == TU_LEN_SENTINEL && v == 0 && id == 0 && now == 0 && cnt == 0 && kr == NULL, "nothing written");
    /* A live handle, other NULLs. */
    CHECK(xps_keyring_new_memory(NULL, &kr) == XPS_OK, "keyring");
    NULLCHECK(xps_keyring_generate(kr, NULL, XPS_ALG_AES_256_GCM, NULL, &v));
    NULLCHECK(xps_keyring_subscribe(kr, NULL, NULL, &id));
    NULLCHECK(xps_keyring_subscribe(kr, on_event, NULL, NULL));
    NULLCHECK(xps_keyring_set_rotation_policy(kr, "k", NULL));
    NULLCHECK(xps_keyring_list_json(kr, out, sizeof out, NULL));
    NULLCHECK(xps_keyring_envelope_len(kr, "k", 1, NULL));
    CHECK(xps_keyring_generate(kr, "k", XPS_ALG_AES_256_GCM, NULL, NULL) == XPS_OK, "generate");
    NULLCHECK(xps_keyring_encrypt(kr, "k", out, 1, NULL, 0, NULL, 64, &n));
    NULLCHECK(xps_keyring_decrypt(kr, NULL, 40, NULL, 0, out, sizeof out, &n));
    CHECK(xps_keyring_generate(kr, "bad name", XPS_ALG_AES_256_GCM, NULL, NULL) == XPS_E_INVALID_PARAMETER, "name with a space");
    CHECK(xps_keyring_generate(kr, "k2", 0x4242, NULL, NULL) == XPS_E_UNKNOWN_ALGORITHM, "unknown algorithm id");
    {
        xps_keyring_options o;
        xps_keyring *k2 = NULL;
        memset(&o, 0, sizeof o);
        o.version = 99;
        CHECK(xps_keyring_new_memory(&o, &k2) == XPS_E_INVALID_PARAMETER && k2 == NULL, "options version");
        o.version = XPS_KEYRING_OPTIONS_VERSION;
        o.flags = 0x80;
        CHECK(xps_keyring_new_memory(&o, &k2) == XPS_E_INVALID_PARAMETER && k2 == NULL, "options flags");
    }
    CHECK(tu_is_pattern(out, sizeof out), "nothing written to out");
#undef NULLCHECK
    xps_keyring_free(kr);
}

/* ------------------------------------------------------------------ files */

static int write_file(const char *path, const uint8_t *b, size_t n) {
    FILE *f = fopen(path, "wb");
    if (f == NULL) return 0;
    if (n && fwrite(b, 1, n, f) != n) {
        fclose(f);
        return 0;
    }
    return fclose(f) == 0;
}

static uint8_t *read_file(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    uint8_t *b;
    long sz;
    if (f == NULL) return NULL;
    fseek(f, 0, SEEK_END);
    sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    b = (uint8_t *)malloc((size_t)sz + 1);
    if (b == NULL || fread(b, 1, (size_t)sz, f) != (size_t)sz) {
        free(b);
        fclose(f);
        return NULL;
    }
    fclose(f);
    *n = (size_t)sz;
    return b;
}

static xps_status open_raw(const char *path, xps_keyring **kr) {
    return xps_keyring_open(path, XPS_KEK_RAW, KEK, sizeof KEK, NULL, kr);
}

static void test_files(void) {
    char path[4200], bad[4200], pp[4200];
    xps_keyring *kr = NULL, *k2 = NULL;
    xps_keyring_options small;
    uint8_t *bytes, *env;
    size_t n = 0, env_len = 0, i;
    int odd = 0;
    path_in(path, sizeof path, g_work, "files.xpk");
    path_in(bad, sizeof bad, g_work, "bad.xpk");
    path_in(pp, sizeof pp, g_work, "pp.xpk");
    unlink(path);
    unlink(pp);
    CHECK(xps_keyring_create(path, XPS_KEK_RAW, KEK, 32, NULL, &kr) == XPS_OK, "create");
    CHECK(xps_keyring_create(path, XPS_KEK_RAW, KEK, 32, NULL, &k2) == XPS_E_KEY_EXISTS && k2 == NULL, "never overwrites");
    CHECK(xps_keyring_create(bad, XPS_KEK_RAW, KEK, 31, NULL, &k2) == XPS_E_BAD_KEY_LENGTH, "31-byte raw key");
    CHECK(xps_keyring_create(bad, 9, KEK, 32, NULL, &k2) == XPS_E_INVALID_PARAMETER, "unknown kek kind");
    CHECK(xps_keyring_generate(kr, "app", XPS_ALG_AES_128_GCM, NULL, NULL) == XPS_OK, "generate (durable)");
    env = encrypt(kr, "app", "persisted", "", &env_len);
    xps_keyring_free(kr);
    kr = NULL;
    CHECK(open_raw(path, &kr) == XPS_OK && decrypt_is(kr, env, env_len, "", "persisted") == XPS_OK, "reopen and decrypt");
    xps_keyring_free(kr);
    {
        uint8_t wrong[32];
        memset(wrong, 8, sizeof wrong);
        kr = NULL;
        CHECK(xps_keyring_open(path, XPS_KEK_RAW, wrong, 32, NULL, &kr) == XPS_E_AUTHENTICATION_FAILED && kr == NULL, "wrong raw key");
        CHECK(xps_keyring_open(path, XPS_KEK_PASSPHRASE, (const uint8_t *)"pw", 2, NULL, &kr) == XPS_E_INVALID_PARAMETER, "passphrase for a raw-key file");
    }
    bytes = read_file(path, &n);
    CHECK(bytes != NULL && n > 92, "file read (%zu bytes)", n);
    for (i = 0; bytes != NULL && i < n; i++) {
        xps_status st;
        bytes[i] ^= 0x01;
        write_file(bad, bytes, n);
        bytes[i] ^= 0x01;
        kr = NULL;
        st = open_raw(bad, &kr);
        if (!(st == XPS_E_AUTHENTICATION_FAILED || st == XPS_E_MALFORMED_KEYRING || st == XPS_E_UNSUPPORTED_FORMAT || st == XPS_E_INVALID_PARAMETER) || kr != NULL) {
            odd++;
            CHECK(0, "byte %zu flipped: status %d", i, (int)st);
        }
    }
    CHECK(odd == 0, "every flipped byte refused with a clear status (%zu bytes)", n);
    for (i = 0; bytes != NULL && i < 8; i++) {
        size_t cut[8] = {0, 3, 4, 50, 91, 92, 100, n - 1};
        write_file(bad, bytes, cut[i]);
        kr = NULL;
        CHECK(open_raw(bad, &kr) == XPS_E_MALFORMED_KEYRING, "truncated to %zu", cut[i]);
    }
    if (bytes != NULL) {
        bytes[4] = 2;
        write_file(bad, bytes, n);
        CHECK(open_raw(bad, &kr) == XPS_E_UNSUPPORTED_FORMAT, "future format version");
    }
    {
        static const char zip[] = "PK\003\004 a zip file, not a keyring ......................................................................";
        write_file(bad, (const uint8_t *)zip, sizeof zip - 1);
    }
    CHECK(open_raw(bad, &kr) == XPS_E_MALFORMED_KEYRING, "foreign file");
    path_in(bad, sizeof bad, g_work, "missing.xpk");
    CHECK(open_raw(bad, &kr) == XPS_E_KEYRING_IO, "missing file");
    CHECK(xps_keyring_open(NULL, XPS_KEK_RAW, KEK, 32, NULL, &kr) == XPS_E_NULL_POINTER, "NULL path");
    CHECK(xps_keyring_open(path, XPS_KEK_RAW, KEK, 32, NULL, NULL) == XPS_E_NULL_POINTER, "NULL out");
    free(bytes);
    /* Passphrase (small Argon2id parameters, stored in the file). */
    memset(&small, 0, sizeof small);
    small.version = XPS_KEYRING_OPTIONS_VERSION;
    small.argon2id_t_cost = 1;
    small.argon2id_m_cost_kib = 64;
    small.argon2id_parallelism = 1;
    kr = NULL;
    CHECK(xps_keyring_create(pp, XPS_KEK_PASSPHRASE, (const uint8_t *)"correct horse", 13, &small, &kr) == XPS_OK, "passphrase keyring");
    CHECK(xps_keyring_generate(kr, "x", XPS_ALG_XCHACHA20_POLY1305, NULL, NULL) == XPS_OK, "generate");
    xps_keyring_free(kr);
    kr = NULL;
    CHECK(xps_keyring_open(pp, XPS_KEK_PASSPHRASE, (const uint8_t *)"wrong horse", 11, NULL, &kr) == XPS_E_AUTHENTICATION_FAILED, "wrong passphrase");
    CHECK(xps_keyring_open(pp, XPS_KEK_PASSPHRASE, (const uint8_t *)"correct horse", 13, NULL, &kr) == XPS_OK && primary_of(kr, "x") == 1, "right passphrase");
    {
        /* save_as: a copy under a raw key (never overwrites). */
        char copy[4200];
        xps_keyring *c = NULL;
        path_in(copy, sizeof copy, g_work, "copy.xpk");
        unlink(copy);
        CHECK(xps_keyring_save_as(kr, copy, XPS_KEK_RAW, KEK, 32, NULL) == XPS_OK, "save_as");
        CHECK(xps_keyring_save_as(kr, copy, XPS_KEK_RAW, KEK, 32, NULL) == XPS_E_KEY_EXISTS, "save_as never overwrites");
        CHECK(open_raw(copy, &c) == XPS_OK && primary_of(c, "x") == 1, "the copy opens with the raw key");
        xps_keyring_free(c);
    }
    xps_keyring_free(kr);
    free(env);
}

/* ------------------------------------------------------------------ processes */

static int child_rotate(const char *file, const char *key, long count) {
    xps_keyring *kr = NULL;
    long i;
    uint32_t v = 0;
    if (open_raw(file, &kr) != XPS_OK) {
        fprintf(stderr, "child: open failed: %s\n", xps_last_error_detail());
        return 3;
    }
    for (i = 0; count < 0 || i < count; i++) {
        if (xps_keyring_rotate(kr, key, 0, &v) != XPS_OK) {
            fprintf(stderr, "child: rotate failed: %s\n", xps_last_error_detail());
            return 4;
        }
        /* Reported only after rotate returned: it is durable. */
        printf("done %u\n", v);
        fflush(stdout);
    }
    xps_keyring_free(kr);
    return 0;
}

/* Starts `self --child-rotate file key count` with stdout to a pipe; returns the pid. */
static pid_t spawn(const char *file, const char *key, long count, int *read_fd) {
    int fds[2];
    pid_t pid;
    char cnt[32];
    snprintf(cnt, sizeof cnt, "%ld", count);
    if (pipe(fds) != 0) return -1;
    pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execl(g_self, g_self, "--child-rotate", file, key, cnt, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    *read_fd = fds[0];
    return pid;
}

/* Highest "done V" in `text`. */
static uint32_t max_done(const char *text) {
    uint32_t best = 0;
    const char *p = text;
    while ((p = strstr(p, "done ")) != NULL) {
        unsigned long v = strtoul(p + 5, NULL, 10);
        if (v > best && strchr(p, '\n') != NULL) best = (uint32_t)v; /* complete lines only */
        p += 5;
    }
    return best;
}

static void test_sigkill(void) {
    char path[4200];
    xps_keyring *kr = NULL;
    int round, lost = 0, reported_total = 0;
    unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();
    path_in(path, sizeof path, g_work, "crash.xpk");
    unlink(path);
    CHECK(xps_keyring_create(path, XPS_KEK_RAW, KEK, 32, NULL, &kr) == XPS_OK && xps_keyring_generate(kr, "k", XPS_ALG_AES_256_GCM, NULL, NULL) == XPS_OK, "crash keyring");
    xps_keyring_free(kr);
    printf("sigkill: seed %u\n", seed);
    for (round = 0; round < 100; round++) {
        int fd = -1, status = 0;
        char buf[1 << 16];
        size_t have = 0;
        ssize_t r;
        struct timespec delay;
        uint32_t reported, primary;
        pid_t pid = spawn(path, "k", -1, &fd);
        if (pid < 0) {
            CHECK(0, "spawn");
            break;
        }
        /* Wait for the first reported rotation (the child is running), then kill it at a random
           moment 0-30 ms later: mid-rotation, mid-save, between saves. */
        while (have < sizeof buf - 1 && memchr(buf, '\n', have) == NULL && (r = read(fd, buf + have, sizeof buf - 1 - have)) > 0) have += (size_t)r;
        delay.tv_sec = 0;
        delay.tv_nsec = (long)(rand_r(&seed) % 30000) * 1000L;
        nanosleep(&delay, NULL);
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        while (have < sizeof buf - 1 && (r = read(fd, buf + have, sizeof buf - 1 - have)) > 0) have += (size_t)r;
        buf[have] = '\0';
        close(fd);
        reported = max_done(buf);
        reported_total += reported > 0;
        kr = NULL;
        if (!CHECK(open_raw(path, &kr) == XPS_OK, "round %d: the keyring opens after SIGKILL (%s)", round, xps_last_error_detail())) break;
        primary = primary_of(kr, "k");
        if (primary < reported) {
            lost++;
            CHECK(0, "round %d: rotation to v%u was reported but the file has v%u", round, reported, primary);
        }
        xps_keyring_free(kr);
    }
    CHECK(lost == 0, "100 SIGKILLs: no reported rotation lost");
    CHECK(reported_total == round, "every round reported rotations before the kill (%d of %d)", reported_total, round);
}

static void test_concurrent_writers(void) {
    char path[4200];
    xps_keyring *kr = NULL;
    int fd1, fd2, s1 = 0, s2 = 0;
    pid_t p1, p2;
    char sink[4096];
    path_in(path, sizeof path, g_work, "concurrent.xpk");
    unlink(path);
    CHECK(xps_keyring_create(path, XPS_KEK_RAW, KEK, 32, NULL, &kr) == XPS_OK && xps_keyring_generate(kr, "c", XPS_ALG_AES_256_GCM, NULL, NULL) == XPS_OK, "shared keyring");
    p1 = spawn(path, "c", 25, &fd1);
    p2 = spawn(path, "c", 25, &fd2);
    while (read(fd1, sink, sizeof sink) > 0) {}
    while (read(fd2, sink, sizeof sink) > 0) {}
    close(fd1);
    close(fd2);
    waitpid(p1, &s1, 0);
    waitpid(p2, &s2, 0);
    CHECK(WIFEXITED(s1) && WEXITSTATUS(s1) == 0 && WIFEXITED(s2) && WEXITSTATUS(s2) == 0, "both writers finished");
    /* This handle was opened before: it sees the other processes' changes. */
    CHECK(xps_keyring_refresh(kr) == XPS_OK && primary_of(kr, "c") == 51, "1 + 2 x 25 rotations, none lost (primary v%u)", primary_of(kr, "c"));
    xps_keyring_free(kr);
}

static void test_fips(void) {
    xps_keyring *kr = NULL;
    CHECK(xps_keyring_new_memory(NULL, &kr) == XPS_OK, "keyring");
    CHECK(xps_policy_set_fips_mode(1) == XPS_OK, "FIPS-like mode on");
    CHECK(xps_keyring_generate(kr, "c", XPS_ALG_XCHACHA20_POLY1305, NULL, NULL) == XPS_E_POLICY_DENIED && strstr(xps_last_error_detail(), "fips_mode") != NULL, "xchacha20-poly1305 refused: %s", xps_last_error_detail());
    CHECK(xps_keyring_generate(kr, "e", XPS_ALG_ED25519, NULL, NULL) == XPS_OK, "ed25519 allowed (FIPS 186-5)");
    CHECK(xps_keyring_generate(kr, "a", XPS_ALG_AES_256_GCM, NULL, NULL) == XPS_OK, "aes-256-gcm allowed");
    CHECK(xps_keyring_default_aead() == XPS_ALG_AES_256_GCM, "seal uses AES-256-GCM in FIPS mode");
    CHECK(xps_policy_set_fips_mode(0) == XPS_OK, "FIPS-like mode off");
    xps_keyring_free(kr);
}

/* ------------------------------------------------------------------ interop fixture */

static void json_str(FILE *f, const char *s) {
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') fputc('\\', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* Writes an object of string members (keys already sorted) at `indent`. */
static void json_obj(FILE *f, const char *const *keys, const char *const *vals, size_t n, int indent) {
    size_t i;
    fprintf(f, "{\n");
    for (i = 0; i < n; i++) {
        fprintf(f, "%*s", indent + 2, "");
        json_str(f, keys[i]);
        fprintf(f, ": ");
        json_str(f, vals[i]);
        fprintf(f, i + 1 < n ? ",\n" : "\n");
    }
    fprintf(f, "%*s}", indent, "");
}

static char *hex_of(const uint8_t *b, size_t n) {
    char *s = (char *)malloc(2 * n + 1);
    size_t i;
    for (i = 0; i < n; i++) sprintf(s + 2 * i, "%02x", b[i]);
    s[2 * n] = '\0';
    return s;
}

static void write_interop(const char *dir, const json_value *doc, xps_keyring *kr) {
    char path[4200], tmp[4300];
    FILE *f;
    size_t i, n_entries = json_count(json_get(doc, "entries")), written = 0;
    const char *aead_keys[] = {"aad_hex", "envelope_hex", "from", "key", "kind", "plaintext_hex"};
    const char *sig_keys[] = {"envelope_hex", "from", "key", "kind", "message_hex"};
    path_in(path, sizeof path, dir, "envelopes.json");
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    f = fopen(tmp, "w");
    if (f == NULL) return;
    fprintf(f, "{\n  \"about\": ");
    json_str(f, json_get_string(doc, "about"));
    fprintf(f, ",\n  \"entries\": [\n");
    /* Other languages' entries, as they were (string members; every writer sorts the keys). */
    for (i = 0; i < n_entries; i++) {
        const json_value *e = json_at(json_get(doc, "entries"), i);
        const char *vals[16];
        size_t k;
        if (strcmp(json_get_string(e, "from"), "c") == 0 || e->count > 16) continue;
        for (k = 0; k < e->count; k++) vals[k] = e->items[k]->type == JSON_STRING ? e->items[k]->string : "";
        if (written++) fprintf(f, ",\n");
        fprintf(f, "    ");
        json_obj(f, (const char *const *)e->keys, vals, e->count, 4);
    }
    {
        /* The C entries. */
        const char *items[2][2] = {{"interop-aes", "c says hello"}, {"interop-xchacha", "c says hello with xchacha"}};
        uint8_t sig[256];
        size_t sig_len = 0, k;
        for (k = 0; k < 2; k++) {
            size_t n = 0;
            uint8_t *env = encrypt(kr, items[k][0], items[k][1], "interop/c", &n);
            char *ehex = hex_of(env, n), *phex = hex_of((const uint8_t *)items[k][1], strlen(items[k][1])), *ahex = hex_of((const uint8_t *)"interop/c", 9);
            const char *vals[6] = {ahex, ehex, "c", items[k][0], "aead", phex};
            fprintf(f, ",\n    ");
            json_obj(f, aead_keys, vals, 6, 4);
            free(env), free(ehex), free(phex), free(ahex);
        }
        if (xps_keyring_sign(kr, "interop-sign", (const uint8_t *)"signed by c", 11, sig, sizeof sig, &sig_len) == XPS_OK) {
            char *shex = hex_of(sig, sig_len), *mhex = hex_of((const uint8_t *)"signed by c", 11);
            const char *vals[5] = {shex, "c", "interop-sign", "signature", mhex};
            fprintf(f, ",\n    ");
            json_obj(f, sig_keys, vals, 5, 4);
            free(shex), free(mhex);
        }
    }
    fprintf(f, "\n  ],\n  \"kek_hex\": ");
    json_str(f, json_get_string(doc, "kek_hex"));
    fprintf(f, "\n}\n");
    fclose(f);
    rename(tmp, path);
    printf("wrote the \"c\" entries of %s\n", path);
}

static void test_interop(const char *dir) {
    char src[4200], copy[4200], err[256];
    json_value *doc;
    uint8_t *kek = NULL, *bytes;
    size_t kek_len = 0, n = 0, i, opened = 0;
    xps_keyring *kr = NULL;
    int from_c = 0, from_rust = 0;
    path_in(src, sizeof src, dir, "envelopes.json");
    doc = json_parse_file(src, err, sizeof err);
    if (!CHECK(doc != NULL, "interop fixture %s: %s", src, err)) return;
    path_in(src, sizeof src, dir, "interop.xpk");
    path_in(copy, sizeof copy, g_work, "interop-copy.xpk");
    bytes = read_file(src, &n);
    CHECK(bytes != NULL && write_file(copy, bytes, n), "copy of interop.xpk");
    free(bytes);
    CHECK(tu_unhex(json_get_string(doc, "kek_hex"), &kek, &kek_len), "kek_hex");
    CHECK(xps_keyring_open(copy, XPS_KEK_RAW, kek, kek_len, NULL, &kr) == XPS_OK, "open the fixture: %s", xps_last_error_detail());
    for (i = 0; kr != NULL && i < json_count(json_get(doc, "entries")); i++) {
        const json_value *e = json_at(json_get(doc, "entries"), i);
        const char *from = json_get_string(e, "from"), *kind = json_get_string(e, "kind");
        uint8_t *env = NULL, *pt = NULL, *aad = NULL, out[512];
        size_t env_len = 0, pt_len = 0, aad_len = 0, m = 0;
        from_c += strcmp(from, "c") == 0;
        from_rust += strcmp(from, "rust") == 0;
        tu_unhex(json_get_string(e, "envelope_hex"), &env, &env_len);
        if (strcmp(kind, "aead") == 0) {
            tu_unhex(json_get_string(e, "plaintext_hex"), &pt, &pt_len);
            tu_unhex(json_get_string(e, "aad_hex"), &aad, &aad_len);
            opened += CHECK(xps_keyring_decrypt(kr, env, env_len, aad, aad_len, out, sizeof out, &m) == XPS_OK && m == pt_len && memcmp(out, pt, m) == 0,
                            "entry %zu from %s (%s) decrypts in C", i, from, json_get_string(e, "key"));
            CHECK(xps_keyring_decrypt(kr, env, env_len, (const uint8_t *)"x", 1, out, sizeof out, &m) == XPS_E_AUTHENTICATION_FAILED, "entry %zu: wrong aad refused", i);
        } else {
            tu_unhex(json_get_string(e, "message_hex"), &pt, &pt_len);
            opened += CHECK(xps_keyring_verify(kr, env, env_len, pt, pt_len) == XPS_OK, "entry %zu from %s: signature verifies in C", i, from);
            CHECK(xps_keyring_verify(kr, env, env_len, (const uint8_t *)"x", 1) == XPS_E_BAD_SIGNATURE, "entry %zu: other message refused", i);
        }
        free(env), free(pt), free(aad);
    }
    CHECK(from_rust > 0 && opened == json_count(json_get(doc, "entries")), "all %zu fixture entries open in C", opened);
    if (getenv("XPS_WRITE_INTEROP") != NULL && kr != NULL) {
        write_interop(dir, doc, kr);
    } else {
        CHECK(from_c > 0, "the fixture has entries written by C (regenerate with XPS_WRITE_INTEROP=1)");
    }
    xps_keyring_free(kr);
    free(kek);
    json_free(doc);
}

int main(int argc, char **argv) {
    if (argc == 5 && strcmp(argv[1], "--child-rotate") == 0) {
        return child_rotate(argv[2], argv[3], strtol(argv[4], NULL, 10));
    }
    if (argc < 3) {
        fprintf(stderr, "usage: %s INTEROP_DIR WORK_DIR [--verbose]\n", argv[0]);
        return 2;
    }
    tu_verbose = argc > 3 && strcmp(argv[3], "--verbose") == 0;
    {
        ssize_t n = readlink("/proc/self/exe", g_self, sizeof g_self - 1);
        if (n > 0) {
            g_self[n] = '\0';
        } else {
            snprintf(g_self, sizeof g_self, "%s", argv[0]);
        }
    }
    snprintf(g_work, sizeof g_work, "%s/keyring-work-%ld", argv[2], (long)getpid());
    if (mkdir(g_work, 0700) != 0 && errno != EEXIST) {
        perror(g_work);
        return 2;
    }
    test_lifecycle();
    test_other_families();
    test_null_arguments();
    test_files();
    test_fips();
    test_concurrent_writers();
    test_sigkill();
    test_interop(argv[1]);
    printf("keyring: %ld passed, %ld failed\n", tu_counts_p->passed, tu_counts_p->failed);
    return tu_counts_p->failed == 0 ? 0 : 1;
}
