/*
 * The installed C library against OpenSSL's libcrypto, from C, in one run (issue 8's "independent
 * harness calling the installed C library"; the Rust harness in benches/compare measures the same
 * C ABI through function pointers, this one links the installed libxpscrypto.so like any C user).
 *
 * Per op and size: ours (xps_aead_key_seal / _open on a handle, xps_hash) and OpenSSL EVP (key set
 * once on a reusable context, only the nonce per call; EVP_Digest), batches calibrated to about
 * CELL_MS each, BATCHES batches alternating between the two, the median batch reported. Before
 * timing, both outputs are compared byte for byte (AES-GCM and ChaCha20-Poly1305 are
 * deterministic for a given key, nonce and AAD): a mismatch stops the run.
 *
 *   scripts/c-bench.sh [ID] [--in-place]   (builds this against ./_install and runs it)
 *
 * --in-place: seals run in place for both libraries (the output buffer is also the input; it is
 * re-encrypted each call, which costs the same). Opens always run out of place.
 */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xpscrypto.h>

#define BATCHES 9
#define CELL_MS 20.0

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what) {
    fprintf(stderr, "c_bench: %s\n", what);
    exit(1);
}

/* One implementation of one cell: `run(ctx, n)` performs the operation n times. */
typedef struct {
    void (*run)(void *ctx, long n);
    void *ctx;
    long iters;
    double batch_s[BATCHES];
} imp;

static void calibrate(imp *m) {
    long n = 1;
    for (;;) {
        double t0 = now_s();
        m->run(m->ctx, n);
        double dt = now_s() - t0;
        if (dt > CELL_MS * 1e-3 / 4 || n > (1L << 30)) {
            double per = dt / (double)n;
            m->iters = per > 0 ? (long)(CELL_MS * 1e-3 / per) + 1 : n;
            return;
        }
        n *= 4;
    }
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median seconds per call. */
static double median_per_call(imp *m) {
    double s[BATCHES];
    memcpy(s, m->batch_s, sizeof s);
    qsort(s, BATCHES, sizeof s[0], cmp_double);
    return s[BATCHES / 2] / (double)m->iters;
}

static void measure(imp *a, imp *b) {
    calibrate(a);
    calibrate(b);
    for (int i = 0; i < BATCHES; i++) {
        imp *order[2] = {a, b};
        if (i & 1) {
            order[0] = b;
            order[1] = a;
        }
        for (int j = 0; j < 2; j++) {
            double t0 = now_s();
            order[j]->run(order[j]->ctx, order[j]->iters);
            order[j]->batch_s[i] = now_s() - t0;
        }
    }
}

/* ------------------------------------------------------------------------------------------- */

static const uint8_t AAD[13] = "xpscrypto aad";

static int in_place; /* --in-place: seals read their input from the output buffer */

typedef struct {
    int open; /* 0: seal, 1: open */
    size_t len;
    uint8_t key[32], nonce[12];
    uint8_t *msg;    /* plaintext (seal) or ciphertext || tag (open) */
    uint8_t *out;    /* len + 16 */
    xps_aead_key *k; /* ours */
    EVP_CIPHER_CTX *c;
} aead_cell;

static void ours_aead(void *p, long n) {
    aead_cell *a = p;
    size_t out_len;
    for (long i = 0; i < n; i++) {
        if (!a->open) a->nonce[0] = (uint8_t)i; /* seal: a new nonce per call; open: the valid one */
        xps_status st = a->open ? xps_aead_key_open(a->k, a->nonce, 12, AAD, 13, a->msg, a->len + 16, a->out, a->len, &out_len)
                                : xps_aead_key_seal(a->k, a->nonce, 12, AAD, 13, in_place ? a->out : a->msg, a->len, a->out, a->len + 16, &out_len);
        if (st != XPS_OK) die(a->open ? "xps open failed" : "xps seal failed");
    }
}

static void ossl_aead(void *p, long n) {
    aead_cell *a = p;
    int l;
    for (long i = 0; i < n; i++) {
        if (a->open) {
            /* Key kept on the context; the nonce, AAD, data and expected tag per call. */
            if (!EVP_DecryptInit_ex(a->c, NULL, NULL, NULL, a->nonce) || !EVP_DecryptUpdate(a->c, NULL, &l, AAD, 13) ||
                !EVP_DecryptUpdate(a->c, a->out, &l, a->msg, (int)a->len) ||
                !EVP_CIPHER_CTX_ctrl(a->c, EVP_CTRL_AEAD_SET_TAG, 16, a->msg + a->len) ||
                EVP_DecryptFinal_ex(a->c, a->out + l, &l) <= 0)
                die("EVP open failed");
        } else {
            a->nonce[0] = (uint8_t)i;
            if (!EVP_EncryptInit_ex(a->c, NULL, NULL, NULL, a->nonce) || !EVP_EncryptUpdate(a->c, NULL, &l, AAD, 13) ||
                !EVP_EncryptUpdate(a->c, a->out, &l, in_place ? a->out : a->msg, (int)a->len) || !EVP_EncryptFinal_ex(a->c, a->out + l, &l) ||
                !EVP_CIPHER_CTX_ctrl(a->c, EVP_CTRL_AEAD_GET_TAG, 16, a->out + a->len))
                die("EVP seal failed");
        }
    }
}

typedef struct {
    uint32_t alg;
    const EVP_MD *md;
    size_t len;
    uint8_t *msg;
    uint8_t out[64];
} hash_cell;

static void ours_hash(void *p, long n) {
    hash_cell *h = p;
    size_t out_len;
    for (long i = 0; i < n; i++) {
        if (xps_hash(h->alg, h->msg, h->len, h->out, sizeof h->out, &out_len) != XPS_OK) die("xps_hash failed");
    }
}

static void ossl_hash(void *p, long n) {
    hash_cell *h = p;
    unsigned int out_len;
    for (long i = 0; i < n; i++) {
        if (!EVP_Digest(h->msg, h->len, h->out, &out_len, h->md, NULL)) die("EVP_Digest failed");
    }
}

static void row(const char *op, size_t len, imp *ours, imp *peer) {
    measure(ours, peer);
    double o = median_per_call(ours), p = median_per_call(peer);
    printf("| %s | %zu | %.0f | %.0f | %.2f |\n", op, len, (double)len / o / 1e6, (double)len / p / 1e6, p / o);
    fflush(stdout);
}

static void aead_row(const char *op, uint32_t alg, const EVP_CIPHER *cipher, int open, size_t len) {
    aead_cell a = {.open = open, .len = len};
    size_t key_len = (size_t)EVP_CIPHER_key_length(cipher);
    for (size_t i = 0; i < key_len; i++) a.key[i] = (uint8_t)(i * 7 + 1);
    a.msg = calloc(len + 16, 1);
    a.out = calloc(len + 16, 1);
    uint8_t *theirs = calloc(len + 16, 1);
    if (!a.msg || !a.out || !theirs) die("out of memory");
    for (size_t i = 0; i < len; i++) a.msg[i] = (uint8_t)(i * 31);
    if (xps_aead_key_new(alg, a.key, key_len, &a.k) != XPS_OK) die("xps_aead_key_new failed");
    a.c = EVP_CIPHER_CTX_new();
    if (!a.c || !EVP_EncryptInit_ex(a.c, cipher, NULL, a.key, NULL)) die("EVP init failed");
    /* Cross-check one seal (nonce byte 0 = 0): identical ciphertext and tag. */
    a.open = 0;
    memcpy(a.out, a.msg, len); /* the input of an in-place seal */
    ours_aead(&a, 1);
    memcpy(theirs, a.out, len + 16);
    memcpy(a.out, a.msg, len);
    ossl_aead(&a, 1);
    if (memcmp(theirs, a.out, len + 16) != 0) die("MISMATCH between xpscrypto and OpenSSL");
    a.open = open;
    if (open) {
        memcpy(a.msg, theirs, len + 16); /* the sealed message under nonce byte 0 = 0 */
        a.nonce[0] = 0;
        ours_aead(&a, 1);
        ossl_aead(&a, 1); /* both open it (each dies otherwise) */
    }
    imp ours = {.run = ours_aead, .ctx = &a}, peer = {.run = ossl_aead, .ctx = &a};
    row(op, len, &ours, &peer);
    xps_aead_key_free(a.k);
    EVP_CIPHER_CTX_free(a.c);
    free(a.msg);
    free(a.out);
    free(theirs);
}

static void hash_row(const char *op, uint32_t alg, const EVP_MD *md, size_t len) {
    hash_cell h = {.alg = alg, .md = md, .len = len};
    h.msg = calloc(len ? len : 1, 1);
    if (!h.msg) die("out of memory");
    for (size_t i = 0; i < len; i++) h.msg[i] = (uint8_t)(i * 13);
    uint8_t mine[64];
    ours_hash(&h, 1);
    memcpy(mine, h.out, 64);
    ossl_hash(&h, 1);
    if (memcmp(mine, h.out, (size_t)EVP_MD_size(md)) != 0) die("MISMATCH between xpscrypto and OpenSSL");
    imp ours = {.run = ours_hash, .ctx = &h}, peer = {.run = ossl_hash, .ctx = &h};
    row(op, len, &ours, &peer);
    free(h.msg);
}

int main(int argc, char **argv) {
    static const size_t sizes[] = {64, 1024, 16384, 1048576};
    const char *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--in-place") == 0)
            in_place = 1;
        else
            only = argv[i];
    }
    if (xps_init() != XPS_OK) die("xps_init failed");
    printf("xpscrypto %s (installed library) vs %s; MB/s = 10^6 bytes per second, median of %d batches;"
           " seals %s.\n\n",
           xps_version(), OpenSSL_version(OPENSSL_VERSION), BATCHES, in_place ? "in place" : "out of place");
    printf("| op | bytes | xpscrypto | OpenSSL | xpscrypto/OpenSSL |\n|---|---:|---:|---:|---:|\n");
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        size_t n = sizes[i];
#define WANT(id) (!only || strstr(id, only))
        if (WANT("aes128-seal")) aead_row("AES-128-GCM seal", XPS_ALG_AES_128_GCM, EVP_aes_128_gcm(), 0, n);
        if (WANT("aes256-seal")) aead_row("AES-256-GCM seal", XPS_ALG_AES_256_GCM, EVP_aes_256_gcm(), 0, n);
        if (WANT("aes256-open")) aead_row("AES-256-GCM open", XPS_ALG_AES_256_GCM, EVP_aes_256_gcm(), 1, n);
        if (WANT("chacha-seal")) aead_row("ChaCha20-Poly1305 seal", XPS_ALG_CHACHA20_POLY1305, EVP_chacha20_poly1305(), 0, n);
        if (WANT("sha256")) hash_row("SHA-256", XPS_ALG_SHA256, EVP_sha256(), n);
        if (WANT("sha512")) hash_row("SHA-512", XPS_ALG_SHA512, EVP_sha512(), n);
        if (WANT("sha3-256")) hash_row("SHA3-256", XPS_ALG_SHA3_256, EVP_sha3_256(), n);
    }
    return 0;
}
