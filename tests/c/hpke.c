/*
 * hpke.c — HPKE (RFC 9180) through the C ABI of the installed library.
 *
 * 1. Every RFC 9180 vector of tests/vectors/hpke/test-vectors.json with DHKEM(X25519,
 *    HKDF-SHA256) (all four modes; HKDF-SHA256 and -SHA512; AES-128-GCM, AES-256-GCM,
 *    ChaCha20-Poly1305, export-only): DeriveKeyPair from ikmR/ikmS, the derandomized sender
 *    context (enc), every encryption through both contexts, every export, single-shot open.
 *    The other KEMs of the file (P-256, P-521, X448) must be refused as unknown; counted.
 * 2. Bad input: unknown suites, wrong lengths, NULLs, short buffers, overlap, tampering, wrong
 *    suite, mode misuse, wrong context role — each a status, nothing written.
 *
 * usage: hpke [--verbose] VECTORS_DIR
 */
#include <xpscrypto.h>

#include "json.h"
#include "testutil.h"

typedef struct {
    uint8_t *p;
    size_t n;
} buf_t;

static void bfree(buf_t *b) {
    free(b->p);
    b->p = NULL;
    b->n = 0;
}

/* Hex member into a buffer; an absent member is the empty string (psk, psk_id). */
static int hexm(const json_value *o, const char *k, buf_t *out) {
    const char *s = json_get_string(o, k);
    out->p = NULL;
    out->n = 0;
    if (s == NULL) {
        out->p = (uint8_t *)malloc(1);
        return out->p != NULL;
    }
    return tu_unhex(s, &out->p, &out->n);
}

static int eqb(const uint8_t *a, size_t an, const buf_t *b) { return an == b->n && (an == 0 || memcmp(a, b->p, an) == 0); }

#define ST(call, want)                                                                                                 \
    do {                                                                                                               \
        st = (call);                                                                                                   \
        CHECK(st == (want), "%s: got %s (%s), want %s", #call, xps_status_name(st), xps_last_error_detail(), #want); \
    } while (0)

static long g_run, g_skipped, g_encryptions, g_exports;
static int g_seen_base_aes, g_seen_base_chacha, g_seen_psk_aes, g_seen_psk_chacha;

static void run_vector(const json_value *v, long idx) {
    long long mode, kem, kdf, aead;
    buf_t info, ikmR, ikmS, ikmE, pkRm, skRm, pkSm, skSm, enc, psk, psk_id;
    uint8_t pkR[32], skR[32], pkS[32], skS[32], encb[32];
    size_t n1, n2, i;
    xps_hpke_ctx *sc = NULL, *rc = NULL;
    xps_status st;
    int auth, ok = 1;
    const json_value *encs, *exps;

    json_get_int(v, "mode", &mode);
    json_get_int(v, "kem_id", &kem);
    json_get_int(v, "kdf_id", &kdf);
    json_get_int(v, "aead_id", &aead);
    if (kem != XPS_HPKE_KEM_X25519_HKDF_SHA256) {
        uint8_t pk[80];
        n1 = TU_LEN_SENTINEL;
        n2 = TU_LEN_SENTINEL;
        memset(pk, 1, sizeof pk);
        CHECK(xps_hpke_pkbytes((uint32_t)kem) == 0, "vector %ld: kem %#llx has no size", idx, kem);
        ST(xps_hpke_seal((uint32_t)kem, (uint32_t)kdf, (uint32_t)aead, pk, sizeof pk, NULL, 0, NULL, 0, NULL, 0, encb, sizeof encb, &n1,
                         pk, 0, &n2),
           XPS_E_UNKNOWN_ALGORITHM);
        CHECK(n1 == TU_LEN_SENTINEL && n2 == TU_LEN_SENTINEL, "vector %ld: lengths untouched", idx);
        g_skipped++;
        return;
    }
    auth = mode == XPS_HPKE_MODE_AUTH || mode == XPS_HPKE_MODE_AUTH_PSK;
    if (!hexm(v, "info", &info) || !hexm(v, "ikmR", &ikmR) || !hexm(v, "ikmS", &ikmS) || !hexm(v, "ikmE", &ikmE) ||
        !hexm(v, "pkRm", &pkRm) || !hexm(v, "skRm", &skRm) || !hexm(v, "pkSm", &pkSm) || !hexm(v, "skSm", &skSm) ||
        !hexm(v, "enc", &enc) || !hexm(v, "psk", &psk) || !hexm(v, "psk_id", &psk_id)) {
        CHECK(0, "vector %ld: bad hex", idx);
        return;
    }
    ST(xps_hpke_derive_keypair((uint32_t)kem, ikmR.p, ikmR.n, pkR, sizeof pkR, &n1, skR, sizeof skR, &n2), XPS_OK);
    ok &= CHECK(eqb(pkR, n1, &pkRm) && eqb(skR, n2, &skRm), "vector %ld: DeriveKeyPair(ikmR)", idx);
    if (auth) {
        ST(xps_hpke_derive_keypair((uint32_t)kem, ikmS.p, ikmS.n, pkS, sizeof pkS, &n1, skS, sizeof skS, &n2), XPS_OK);
        ok &= CHECK(eqb(pkS, n1, &pkSm) && eqb(skS, n2, &skSm), "vector %ld: DeriveKeyPair(ikmS)", idx);
    }
    ST(xps_hpke_sender_new((uint32_t)kem, (uint32_t)kdf, (uint32_t)aead, (uint32_t)mode, psk.p, psk.n, psk_id.p, psk_id.n, auth ? skS : NULL,
                           auth ? 32 : 0, pkR, 32, info.p, info.n, ikmE.p, ikmE.n, encb, sizeof encb, &n1, &sc),
       XPS_OK);
    ok &= CHECK(st == XPS_OK && eqb(encb, n1, &enc), "vector %ld: enc", idx);
    ST(xps_hpke_recipient_new((uint32_t)kem, (uint32_t)kdf, (uint32_t)aead, (uint32_t)mode, psk.p, psk.n, psk_id.p, psk_id.n,
                              auth ? pkS : NULL, auth ? 32 : 0, skR, 32, enc.p, enc.n, info.p, info.n, &rc),
       XPS_OK);
    if (sc == NULL || rc == NULL) {
        ok = 0;
        goto done;
    }
    encs = json_get(v, "encryptions");
    for (i = 0; i < json_count(encs); i++) {
        const json_value *e = json_at(encs, i);
        buf_t aad, pt, ct;
        uint8_t *out;
        size_t n;
        if (!hexm(e, "aad", &aad) || !hexm(e, "pt", &pt) || !hexm(e, "ct", &ct)) {
            CHECK(0, "vector %ld enc %zu: bad hex", idx, i);
            continue;
        }
        out = (uint8_t *)malloc(ct.n + 1);
        if (out != NULL) {
            int c1, c2 = 1;
            ST(xps_hpke_ctx_seal(sc, aad.p, aad.n, pt.p, pt.n, out, ct.n, &n), XPS_OK);
            c1 = st == XPS_OK && eqb(out, n, &ct);
            ST(xps_hpke_ctx_open(rc, aad.p, aad.n, ct.p, ct.n, out, ct.n, &n), XPS_OK);
            c1 &= st == XPS_OK && eqb(out, n, &pt);
            if (i == 0) {
                /* Single-shot open of the first message. */
                ST(xps_hpke_open_ex((uint32_t)kem, (uint32_t)kdf, (uint32_t)aead, (uint32_t)mode, psk.p, psk.n, psk_id.p, psk_id.n,
                                    auth ? pkS : NULL, auth ? 32 : 0, skR, 32, enc.p, enc.n, info.p, info.n, aad.p, aad.n, ct.p,
                                    ct.n, out, ct.n, &n),
                   XPS_OK);
                c2 = st == XPS_OK && eqb(out, n, &pt);
                if (mode == XPS_HPKE_MODE_BASE) {
                    ST(xps_hpke_open((uint32_t)kem, (uint32_t)kdf, (uint32_t)aead, skR, 32, enc.p, enc.n, info.p, info.n, aad.p, aad.n,
                                     ct.p, ct.n, out, ct.n, &n),
                       XPS_OK);
                    c2 &= st == XPS_OK && eqb(out, n, &pt);
                }
            }
            ok &= CHECK(c1 && c2, "vector %ld encryption %zu", idx, i);
            g_encryptions++;
        }
        free(out);
        bfree(&aad);
        bfree(&pt);
        bfree(&ct);
    }
    ok &= CHECK(xps_hpke_ctx_seq(sc) == json_count(encs) && xps_hpke_ctx_seq(rc) == json_count(encs), "vector %ld: sequence numbers", idx);
    if (json_count(encs) == 0) {
        uint8_t out[32];
        tu_fill(out, sizeof out);
        n1 = TU_LEN_SENTINEL;
        ST(xps_hpke_ctx_seal(sc, NULL, 0, (const uint8_t *)"x", 1, out, sizeof out, &n1), XPS_E_INVALID_PARAMETER);
        ok &= CHECK(tu_is_pattern(out, sizeof out) && n1 == TU_LEN_SENTINEL, "vector %ld: export-only seal writes nothing", idx);
    }
    exps = json_get(v, "exports");
    for (i = 0; i < json_count(exps); i++) {
        const json_value *x = json_at(exps, i);
        buf_t c, want;
        long long L = 0;
        uint8_t out[64];
        if (!hexm(x, "exporter_context", &c) || !hexm(x, "exported_value", &want) || !json_get_int(x, "L", &L) || L > 64) {
            CHECK(0, "vector %ld export %zu: bad fields", idx, i);
            continue;
        }
        ST(xps_hpke_ctx_export(sc, c.p, c.n, out, (size_t)L), XPS_OK);
        ok &= CHECK(eqb(out, (size_t)L, &want), "vector %ld export %zu (sender)", idx, i);
        ST(xps_hpke_ctx_export(rc, c.p, c.n, out, (size_t)L), XPS_OK);
        ok &= CHECK(eqb(out, (size_t)L, &want), "vector %ld export %zu (recipient)", idx, i);
        g_exports++;
        bfree(&c);
        bfree(&want);
    }
    if (ok && kdf == XPS_HPKE_KDF_HKDF_SHA256) {
        if (mode == XPS_HPKE_MODE_BASE && aead == XPS_HPKE_AEAD_AES_128_GCM) g_seen_base_aes = 1;
        if (mode == XPS_HPKE_MODE_BASE && aead == XPS_HPKE_AEAD_CHACHA20_POLY1305) g_seen_base_chacha = 1;
        if (mode == XPS_HPKE_MODE_PSK && aead == XPS_HPKE_AEAD_AES_128_GCM) g_seen_psk_aes = 1;
        if (mode == XPS_HPKE_MODE_PSK && aead == XPS_HPKE_AEAD_CHACHA20_POLY1305) g_seen_psk_chacha = 1;
    }
    g_run++;
done:
    xps_hpke_ctx_free(sc);
    xps_hpke_ctx_free(rc);
    bfree(&info);
    bfree(&ikmR);
    bfree(&ikmS);
    bfree(&ikmE);
    bfree(&pkRm);
    bfree(&skRm);
    bfree(&pkSm);
    bfree(&skSm);
    bfree(&enc);
    bfree(&psk);
    bfree(&psk_id);
}

#define K XPS_HPKE_KEM_X25519_HKDF_SHA256
#define F XPS_HPKE_KDF_HKDF_SHA256
#define A XPS_HPKE_AEAD_AES_128_GCM

static void bad_input(void) {
    uint8_t pkR[32], skR[32], pkS[32], skS[32], ikm[32], enc[40], ct[64], pt[64], big[128];
    size_t n1, n2, n3;
    xps_status st;
    xps_hpke_ctx *sc = NULL, *rc = NULL, *h = NULL;
    static const uint8_t msg[5] = {'h', 'e', 'l', 'l', 'o'};
    static const uint8_t psk[32] = {7};

    memset(ikm, 1, sizeof ikm);
    ST(xps_hpke_derive_keypair(K, ikm, sizeof ikm, pkR, sizeof pkR, &n1, skR, sizeof skR, &n2), XPS_OK);
    memset(ikm, 2, sizeof ikm);
    ST(xps_hpke_derive_keypair(K, ikm, sizeof ikm, pkS, sizeof pkS, &n1, skS, sizeof skS, &n2), XPS_OK);
    CHECK(xps_hpke_pkbytes(K) == 32 && xps_hpke_skbytes(K) == 32 && xps_hpke_encbytes(K) == 32, "X25519 sizes");
    CHECK(xps_hpke_pkbytes(0x10) == 0 && xps_hpke_pkbytes(0x10020) == 0, "unknown KEM sizes are 0");

    /* Key pairs: short ikm, short buffers, NULL. */
    tu_fill(big, sizeof big);
    n1 = n2 = TU_LEN_SENTINEL;
    ST(xps_hpke_derive_keypair(K, ikm, 31, big, 32, &n1, big + 64, 32, &n2), XPS_E_INVALID_LENGTH);
    CHECK(tu_is_pattern(big, sizeof big) && n1 == TU_LEN_SENTINEL, "short ikm: nothing written");
    ST(xps_hpke_derive_keypair(K, ikm, 32, big, 31, &n1, big + 64, 32, &n2), XPS_E_BUFFER_TOO_SMALL);
    CHECK(tu_is_pattern(big, sizeof big) && n1 == 32 && n2 == 32, "short pk buffer: sizes reported, nothing else");
    ST(xps_hpke_derive_keypair(K, NULL, 32, big, 32, &n1, big + 64, 32, &n2), XPS_E_NULL_POINTER);
    ST(xps_hpke_derive_keypair(K, ikm, 32, big, 32, &n1, big + 16, 32, &n2), XPS_E_OVERLAP);
    ST(xps_hpke_keypair(0x21, big, 64, &n1, big + 64, 64, &n2), XPS_E_UNKNOWN_ALGORITHM);
    CHECK(tu_is_pattern(big, sizeof big), "failed key pairs wrote nothing");
    ST(xps_hpke_keypair(K, big, 32, &n1, big + 64, 32, &n2), XPS_OK);

    /* Unknown or unavailable suites. */
    n1 = n2 = TU_LEN_SENTINEL;
    tu_fill(enc, sizeof enc);
    tu_fill(ct, sizeof ct);
    ST(xps_hpke_seal(0x10, F, A, pkR, 32, NULL, 0, NULL, 0, msg, 5, enc, 32, &n1, ct, 64, &n2), XPS_E_UNKNOWN_ALGORITHM);
    ST(xps_hpke_seal(0x10020, F, A, pkR, 32, NULL, 0, NULL, 0, msg, 5, enc, 32, &n1, ct, 64, &n2), XPS_E_UNKNOWN_ALGORITHM);
    ST(xps_hpke_seal(K, 4, A, pkR, 32, NULL, 0, NULL, 0, msg, 5, enc, 32, &n1, ct, 64, &n2), XPS_E_UNKNOWN_ALGORITHM);
    ST(xps_hpke_seal(K, 0x11, A, pkR, 32, NULL, 0, NULL, 0, msg, 5, enc, 32, &n1, ct, 64, &n2), XPS_E_UNKNOWN_ALGORITHM);
    ST(xps_hpke_seal(K, F, 4, pkR, 32, NULL, 0, NULL, 0, msg, 5, enc, 32, &n1, ct, 64, &n2), XPS_E_UNKNOWN_ALGORITHM);
    ST(xps_hpke_seal(K, F, XPS_HPKE_AEAD_EXPORT_ONLY, pkR, 32, NULL, 0, NULL, 0, msg, 5, enc, 32, &n1, ct, 64, &n2), XPS_E_INVALID_PARAMETER);
    if (xps_hpke_pkbytes(XPS_HPKE_KEM_ML_KEM_768) == 0) {
        ST(xps_hpke_seal(XPS_HPKE_KEM_ML_KEM_768, F, A, pkR, 32, NULL, 0, NULL, 0, msg, 5, enc, 32, &n1, ct, 64, &n2), XPS_E_UNKNOWN_ALGORITHM);
    }
    if (xps_hpke_pkbytes(XPS_HPKE_KEM_X_WING) == 0) {
        ST(xps_hpke_seal(XPS_HPKE_KEM_X_WING, F, A, pkR, 32, NULL, 0, NULL, 0, msg, 5, enc, 32, &n1, ct, 64, &n2), XPS_E_UNKNOWN_ALGORITHM);
    }
    /* Wrong lengths, NULLs, low-order key, short buffers, overlap. */
    ST(xps_hpke_seal(K, F, A, pkR, 31, NULL, 0, NULL, 0, msg, 5, enc, 32, &n1, ct, 64, &n2), XPS_E_BAD_KEY_LENGTH);
    ST(xps_hpke_seal(K, F, A, NULL, 32, NULL, 0, NULL, 0, msg, 5, enc, 32, &n1, ct, 64, &n2), XPS_E_NULL_POINTER);
    ST(xps_hpke_seal(K, F, A, pkR, 32, NULL, 3, NULL, 0, msg, 5, enc, 32, &n1, ct, 64, &n2), XPS_E_NULL_POINTER);
    memset(big, 0, 32);
    ST(xps_hpke_seal(K, F, A, big, 32, NULL, 0, NULL, 0, msg, 5, enc, 32, &n1, ct, 64, &n2), XPS_E_WEAK_PUBLIC_KEY);
    ST(xps_hpke_seal(K, F, A, pkR, 32, NULL, 0, NULL, 0, msg, 5, enc, 32, NULL, ct, 64, &n2), XPS_E_NULL_POINTER);
    CHECK(tu_is_pattern(enc, sizeof enc) && tu_is_pattern(ct, sizeof ct) && n1 == TU_LEN_SENTINEL && n2 == TU_LEN_SENTINEL,
          "failed seals wrote nothing");
    ST(xps_hpke_seal(K, F, A, pkR, 32, NULL, 0, NULL, 0, msg, 5, enc, 31, &n1, ct, 64, &n2), XPS_E_BUFFER_TOO_SMALL);
    CHECK(n1 == 32 && n2 == 21 && tu_is_pattern(enc, sizeof enc) && tu_is_pattern(ct, sizeof ct), "short enc: sizes only");
    n1 = n2 = TU_LEN_SENTINEL;
    ST(xps_hpke_seal(K, F, A, pkR, 32, NULL, 0, NULL, 0, msg, 5, enc, 32, &n1, ct, 20, &n2), XPS_E_BUFFER_TOO_SMALL);
    CHECK(n1 == 32 && n2 == 21 && tu_is_pattern(ct, sizeof ct), "short ct: sizes only");
    memcpy(big, msg, 5);
    ST(xps_hpke_seal(K, F, A, pkR, 32, NULL, 0, NULL, 0, big, 5, enc, 32, &n1, big + 2, 21, &n2), XPS_E_OVERLAP);
    ST(xps_hpke_seal(K, F, A, pkR, 32, NULL, 0, NULL, 0, big, 5, enc, 32, &n1, big, 21, &n2), XPS_E_OVERLAP);
    ST(xps_hpke_seal(K, F, A, pkR, 32, NULL, 0, NULL, 0, msg, 5, big, 32, &n1, big + 16, 21, &n2), XPS_E_OVERLAP);
    /* Mode misuse. */
    ST(xps_hpke_seal_ex(K, F, A, 4, NULL, 0, NULL, 0, NULL, 0, pkR, 32, NULL, 0, NULL, 0, msg, 5, enc, 32, &n1, ct, 64, &n2), XPS_E_INVALID_PARAMETER);
    ST(xps_hpke_seal_ex(K, F, A, XPS_HPKE_MODE_PSK, NULL, 0, NULL, 0, NULL, 0, pkR, 32, NULL, 0, NULL, 0, msg, 5, enc, 32, &n1, ct, 64, &n2),
       XPS_E_INVALID_PARAMETER);
    ST(xps_hpke_seal_ex(K, F, A, XPS_HPKE_MODE_PSK, psk, 32, NULL, 0, NULL, 0, pkR, 32, NULL, 0, NULL, 0, msg, 5, enc, 32, &n1, ct, 64, &n2),
       XPS_E_INVALID_PARAMETER);
    ST(xps_hpke_seal_ex(K, F, A, XPS_HPKE_MODE_BASE, psk, 32, (const uint8_t *)"id", 2, NULL, 0, pkR, 32, NULL, 0, NULL, 0, msg, 5, enc, 32,
                        &n1, ct, 64, &n2),
       XPS_E_INVALID_PARAMETER);
    ST(xps_hpke_seal_ex(K, F, A, XPS_HPKE_MODE_AUTH, NULL, 0, NULL, 0, NULL, 0, pkR, 32, NULL, 0, NULL, 0, msg, 5, enc, 32, &n1, ct, 64, &n2),
       XPS_E_INVALID_PARAMETER);
    ST(xps_hpke_seal_ex(K, F, A, XPS_HPKE_MODE_BASE, NULL, 0, NULL, 0, skS, 32, pkR, 32, NULL, 0, NULL, 0, msg, 5, enc, 32, &n1, ct, 64, &n2),
       XPS_E_INVALID_PARAMETER);
    ST(xps_hpke_seal_ex(K, F, A, XPS_HPKE_MODE_AUTH, NULL, 0, NULL, 0, skS, 31, pkR, 32, NULL, 0, NULL, 0, msg, 5, enc, 32, &n1, ct, 64, &n2),
       XPS_E_BAD_KEY_LENGTH);
    CHECK(tu_is_pattern(ct, sizeof ct), "mode misuse wrote nothing");

    /* A good auth_psk message, then tampering and the wrong suite on open. */
    ST(xps_hpke_seal_ex(K, F, A, XPS_HPKE_MODE_AUTH_PSK, psk, 32, (const uint8_t *)"id", 2, skS, 32, pkR, 32, (const uint8_t *)"info", 4,
                        (const uint8_t *)"aad", 3, msg, 5, enc, 32, &n1, ct, 64, &n2),
       XPS_OK);
    tu_fill(pt, sizeof pt);
    n3 = TU_LEN_SENTINEL;
    ct[0] ^= 1;
    ST(xps_hpke_open_ex(K, F, A, XPS_HPKE_MODE_AUTH_PSK, psk, 32, (const uint8_t *)"id", 2, pkS, 32, skR, 32, enc, 32, (const uint8_t *)"info",
                        4, (const uint8_t *)"aad", 3, ct, 21, pt, 64, &n3),
       XPS_E_AUTHENTICATION_FAILED);
    ct[0] ^= 1;
    enc[5] ^= 0x10;
    st = xps_hpke_open_ex(K, F, A, XPS_HPKE_MODE_AUTH_PSK, psk, 32, (const uint8_t *)"id", 2, pkS, 32, skR, 32, enc, 32, (const uint8_t *)"info",
                          4, (const uint8_t *)"aad", 3, ct, 21, pt, 64, &n3);
    CHECK(st == XPS_E_AUTHENTICATION_FAILED || st == XPS_E_WEAK_PUBLIC_KEY, "tampered enc: %s", xps_status_name(st));
    enc[5] ^= 0x10;
    ST(xps_hpke_open_ex(K, F, A, XPS_HPKE_MODE_AUTH_PSK, psk, 32, (const uint8_t *)"id", 2, pkS, 32, skR, 32, enc, 32, (const uint8_t *)"infO",
                        4, (const uint8_t *)"aad", 3, ct, 21, pt, 64, &n3),
       XPS_E_AUTHENTICATION_FAILED);
    ST(xps_hpke_open_ex(K, F, A, XPS_HPKE_MODE_AUTH_PSK, psk, 32, (const uint8_t *)"id", 2, pkS, 32, skR, 32, enc, 32, (const uint8_t *)"info",
                        4, (const uint8_t *)"aaD", 3, ct, 21, pt, 64, &n3),
       XPS_E_AUTHENTICATION_FAILED);
    ST(xps_hpke_open_ex(K, F, A, XPS_HPKE_MODE_AUTH_PSK, psk, 32, (const uint8_t *)"id", 2, pkR, 32, skR, 32, enc, 32, (const uint8_t *)"info",
                        4, (const uint8_t *)"aad", 3, ct, 21, pt, 64, &n3),
       XPS_E_AUTHENTICATION_FAILED);
    ST(xps_hpke_open_ex(K, F, XPS_HPKE_AEAD_CHACHA20_POLY1305, XPS_HPKE_MODE_AUTH_PSK, psk, 32, (const uint8_t *)"id", 2, pkS, 32, skR, 32, enc,
                        32, (const uint8_t *)"info", 4, (const uint8_t *)"aad", 3, ct, 21, pt, 64, &n3),
       XPS_E_AUTHENTICATION_FAILED);
    ST(xps_hpke_open_ex(K, XPS_HPKE_KDF_HKDF_SHA384, A, XPS_HPKE_MODE_AUTH_PSK, psk, 32, (const uint8_t *)"id", 2, pkS, 32, skR, 32, enc, 32,
                        (const uint8_t *)"info", 4, (const uint8_t *)"aad", 3, ct, 21, pt, 64, &n3),
       XPS_E_AUTHENTICATION_FAILED);
    ST(xps_hpke_open(K, F, A, skR, 32, enc, 32, (const uint8_t *)"info", 4, (const uint8_t *)"aad", 3, ct, 21, pt, 64, &n3),
       XPS_E_AUTHENTICATION_FAILED);
    ST(xps_hpke_open(K, F, A, skR, 32, enc, 31, NULL, 0, NULL, 0, ct, 21, pt, 64, &n3), XPS_E_INVALID_LENGTH);
    ST(xps_hpke_open(K, F, A, skR, 33, enc, 32, NULL, 0, NULL, 0, ct, 21, pt, 64, &n3), XPS_E_BAD_KEY_LENGTH);
    ST(xps_hpke_open(K, F, A, skR, 32, enc, 32, NULL, 0, NULL, 0, ct, 15, pt, 64, &n3), XPS_E_INVALID_LENGTH);
    CHECK(tu_is_pattern(pt, sizeof pt) && n3 == TU_LEN_SENTINEL, "failed opens wrote nothing");
    ST(xps_hpke_open(K, F, A, skR, 32, enc, 32, NULL, 0, NULL, 0, ct, 21, pt, 4, &n3), XPS_E_BUFFER_TOO_SMALL);
    CHECK(n3 == 5 && tu_is_pattern(pt, sizeof pt), "short pt: size only");
    ST(xps_hpke_open(K, F, A, skR, 32, enc, 32, NULL, 0, NULL, 0, ct, 21, ct + 3, 5, &n3), XPS_E_OVERLAP);
    ST(xps_hpke_open_ex(K, F, A, XPS_HPKE_MODE_AUTH_PSK, psk, 32, (const uint8_t *)"id", 2, pkS, 32, skR, 32, enc, 32, (const uint8_t *)"info",
                        4, (const uint8_t *)"aad", 3, ct, 21, pt, 64, &n3),
       XPS_OK);
    CHECK(n3 == 5 && memcmp(pt, msg, 5) == 0, "auth_psk round trip");

    /* Contexts: roles, export limits, NULLs. */
    ST(xps_hpke_sender_new(K, F, A, 0, NULL, 0, NULL, 0, NULL, 0, pkR, 32, NULL, 0, NULL, 0, enc, 32, &n1, NULL), XPS_E_NULL_POINTER);
    ST(xps_hpke_sender_new(K, F, A, 0, NULL, 0, NULL, 0, NULL, 0, pkR, 32, NULL, 0, NULL, 0, enc, 31, &n1, &h), XPS_E_BUFFER_TOO_SMALL);
    CHECK(h == NULL && n1 == 32, "short enc: no handle");
    ST(xps_hpke_sender_new(K, F, A, 0, NULL, 0, NULL, 0, NULL, 0, pkR, 32, NULL, 0, ikm, 31, enc, 32, &n1, &h), XPS_E_INVALID_LENGTH);
    CHECK(h == NULL, "short ikm_e: no handle");
    ST(xps_hpke_sender_new(K, F, A, 0, NULL, 0, NULL, 0, NULL, 0, pkR, 32, NULL, 0, NULL, 0, enc, 32, &n1, &sc), XPS_OK);
    ST(xps_hpke_recipient_new(K, F, A, 0, NULL, 0, NULL, 0, NULL, 0, skR, 32, enc, 32, NULL, 0, &rc), XPS_OK);
    ST(xps_hpke_recipient_new(K, F, A, 0, NULL, 0, NULL, 0, NULL, 0, skR, 32, enc, 32, NULL, 0, NULL), XPS_E_NULL_POINTER);
    if (sc != NULL && rc != NULL) {
        tu_fill(ct, sizeof ct);
        n1 = TU_LEN_SENTINEL;
        ST(xps_hpke_ctx_seal(rc, NULL, 0, msg, 5, ct, 64, &n1), XPS_E_INVALID_STATE);
        ST(xps_hpke_ctx_open(sc, NULL, 0, ct, 21, pt, 64, &n1), XPS_E_INVALID_STATE);
        ST(xps_hpke_ctx_seal(sc, NULL, 0, msg, 5, ct, 20, &n1), XPS_E_BUFFER_TOO_SMALL);
        CHECK(n1 == 21 && tu_is_pattern(ct, sizeof ct) && xps_hpke_ctx_seq(sc) == 0, "short ct: nothing consumed");
        ST(xps_hpke_ctx_seal(sc, NULL, 0, ct, 5, ct + 1, 21, &n1), XPS_E_OVERLAP);
        ST(xps_hpke_ctx_seal(sc, NULL, 0, msg, 5, ct, 64, &n1), XPS_OK);
        ct[20] ^= 0x80;
        tu_fill(pt, sizeof pt);
        ST(xps_hpke_ctx_open(rc, NULL, 0, ct, 21, pt, 64, &n2), XPS_E_AUTHENTICATION_FAILED);
        CHECK(tu_is_pattern(pt, sizeof pt) && xps_hpke_ctx_seq(rc) == 0, "tampered: nothing written, seq unchanged");
        ct[20] ^= 0x80;
        ST(xps_hpke_ctx_open(rc, NULL, 0, ct, 21, pt, 64, &n2), XPS_OK);
        CHECK(n2 == 5 && memcmp(pt, msg, 5) == 0 && xps_hpke_ctx_seq(rc) == 1, "context round trip");
        ST(xps_hpke_ctx_open(rc, NULL, 0, ct, 21, pt, 64, &n2), XPS_E_AUTHENTICATION_FAILED); /* replay */
        ST(xps_hpke_ctx_export(sc, NULL, 0, big, 0), XPS_E_INVALID_LENGTH);
        ST(xps_hpke_ctx_export(sc, NULL, 0, NULL, 16), XPS_E_NULL_POINTER);
        ST(xps_hpke_ctx_export(sc, NULL, 0, big, 255 * 32 + 1), XPS_E_OUTPUT_TOO_LONG);
        ST(xps_hpke_ctx_export(sc, big, 8, big + 4, 16), XPS_E_OVERLAP);
        ST(xps_hpke_ctx_export(sc, (const uint8_t *)"c", 1, big, 32), XPS_OK);
        ST(xps_hpke_ctx_export(rc, (const uint8_t *)"c", 1, big + 64, 32), XPS_OK);
        CHECK(memcmp(big, big + 64, 32) == 0, "exports agree");
    }
    ST(xps_hpke_ctx_seal(NULL, NULL, 0, msg, 5, ct, 64, &n1), XPS_E_NULL_POINTER);
    ST(xps_hpke_ctx_export(NULL, NULL, 0, big, 16), XPS_E_NULL_POINTER);
    CHECK(xps_hpke_ctx_seq(NULL) == 0, "seq of NULL");
    xps_hpke_ctx_free(sc);
    xps_hpke_ctx_free(rc);
    xps_hpke_ctx_free(NULL);
}

int main(int argc, char **argv) {
    const char *dir = NULL;
    char path[4096], err[256];
    json_value *doc;
    size_t i;
    int a;

    for (a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--verbose") == 0) {
            tu_verbose = 1;
        } else {
            dir = argv[a];
        }
    }
    if (dir == NULL) {
        fprintf(stderr, "usage: %s [--verbose] VECTORS_DIR\n", argv[0]);
        return 2;
    }
    snprintf(path, sizeof path, "%s/hpke/test-vectors.json", dir);
    doc = json_parse_file(path, err, sizeof err);
    if (doc == NULL) {
        printf("cannot read %s: %s\n0 passed, 1 failed\n", path, err);
        return 1;
    }
    for (i = 0; i < json_count(doc); i++) {
        run_vector(json_at(doc, i), (long)i);
    }
    json_free(doc);
    printf("hpke rfc9180: %ld X25519 vectors run (%ld encryptions, %ld exports), %ld vectors of other KEMs refused as unknown\n", g_run,
           g_encryptions, g_exports, g_skipped);
    CHECK(g_run == 32 && g_skipped == 96 && g_encryptions == 24 * 257 && g_exports == 96, "vector counts");
    CHECK(g_seen_base_aes && g_seen_base_chacha && g_seen_psk_aes && g_seen_psk_chacha, "base/psk with AES-128-GCM and ChaCha20 all passed");
    bad_input();
    printf("%ld passed, %ld failed\n", tu_counts_p->passed, tu_counts_p->failed);
    return tu_counts_p->failed == 0 ? 0 : 1;
}
