/*
 * A hot-patch module in C: a portable SHA-256 kernel (FIPS 180-4) for the op "hash.sha256",
 * with the compression-function entry HMAC/HKDF/PBKDF2 use. It counts the messages it finishes
 * (xps_sha256_patch_uses) so a demo or a test can see that calls really run on the patch.
 *
 * Build:  cc -O2 -shared -fPIC -I include -o libxps_sha256_patch.so sha256_patch.c
 * (CMake builds it as target xps_sha256_patch.) Sign it with sign.sh, apply with `xps patch apply`
 * or xps_patch_apply().
 *
 * Knobs for the test suite's negative cases (all off by default):
 *   XPS_PATCH_ABI       kernel ABI version to claim (default XPS_KERNEL_ABI_VERSION)
 *   XPS_PATCH_REQUIRES  CPU feature bits the kernel claims to need (default 0)
 *   XPS_PATCH_FAULT     1: every digest wrong (fails the KATs);
 *                       2: wrong only for inputs of 1000 bytes or more (passes the KATs, fails
 *                          the differential test)
 *   XPS_PATCH_NO_ENTRY  do not export the entry point
 *   XPS_PATCH_NAME      kernel name (default "sha256/c-portable")
 *   XPS_PATCH_CT        constant-time claim (default 1)
 *   XPS_PATCH_STATE_SIZE  declared state size (default the real one)
 */
#include "xpscrypto_kernel.h"

#include <stdatomic.h>
#include <string.h>

#ifndef XPS_PATCH_ABI
#define XPS_PATCH_ABI XPS_KERNEL_ABI_VERSION
#endif
#ifndef XPS_PATCH_REQUIRES
#define XPS_PATCH_REQUIRES 0
#endif
#ifndef XPS_PATCH_FAULT
#define XPS_PATCH_FAULT 0
#endif
#ifndef XPS_PATCH_NAME
#define XPS_PATCH_NAME "sha256/c-portable"
#endif
#ifndef XPS_PATCH_CT
#define XPS_PATCH_CT 1
#endif
#ifndef XPS_PATCH_STATE_SIZE
#define XPS_PATCH_STATE_SIZE sizeof(sha256_ctx)
#endif

/* The kernel's streaming state: plain data inside xps_hash_state. */
typedef struct {
    uint32_t h[8];
    uint64_t total;  /* bytes absorbed */
    uint8_t buf[64];
    uint32_t used;   /* bytes in buf */
} sha256_ctx;

_Static_assert(sizeof(sha256_ctx) <= XPS_KERNEL_HASH_STATE_BYTES, "state fits the blob");

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static const uint32_t H0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                               0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void compress(uint32_t *cv, const uint8_t *p, size_t nblocks) {
    for (; nblocks > 0; nblocks--, p += 64) {
        uint32_t w[64];
        for (int i = 0; i < 16; i++)
            w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
        for (int i = 16; i < 64; i++) {
            uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
            uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        uint32_t a = cv[0], b = cv[1], c = cv[2], d = cv[3], e = cv[4], f = cv[5], g = cv[6], h = cv[7];
        for (int i = 0; i < 64; i++) {
            uint32_t t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
            uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
            h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
        }
        cv[0] += a; cv[1] += b; cv[2] += c; cv[3] += d; cv[4] += e; cv[5] += f; cv[6] += g; cv[7] += h;
    }
}

/* Counts finished messages (the "marks its use" hook): in total, and on the calling thread. */
XPS_KERNEL_EXPORT atomic_ulong xps_sha256_patch_uses;
static _Thread_local unsigned long thread_uses;
XPS_KERNEL_EXPORT unsigned long xps_sha256_patch_thread_uses(void) { return thread_uses; }

static void k_init(xps_hash_state *st, const uint8_t *key, size_t key_len, uint32_t mode) {
    (void)key; (void)key_len; (void)mode;  /* plain hash: no key, no modes */
    sha256_ctx *c = (sha256_ctx *)st->bytes;
    memcpy(c->h, H0, sizeof H0);
    c->total = 0;
    c->used = 0;
}

static void k_update(xps_hash_state *st, const uint8_t *data, size_t len) {
    sha256_ctx *c = (sha256_ctx *)st->bytes;
    c->total += len;
    if (c->used > 0) {
        size_t take = 64 - c->used < len ? 64 - c->used : len;
        memcpy(c->buf + c->used, data, take);
        c->used += (uint32_t)take;
        data += take;
        len -= take;
        if (c->used < 64) return;
        compress(c->h, c->buf, 1);
        c->used = 0;
    }
    if (len >= 64) {
        compress(c->h, data, len / 64);
        data += len & ~(size_t)63;
        len &= 63;
    }
    memcpy(c->buf, data, len);
    c->used = (uint32_t)len;
}

static void k_final(xps_hash_state *st, uint8_t *out, size_t out_len) {
    sha256_ctx *c = (sha256_ctx *)st->bytes;
    uint64_t bits = c->total * 8;
    uint8_t pad[72] = {0x80};
    size_t padlen = (c->used < 56 ? 56 : 120) - c->used;
    for (int i = 0; i < 8; i++) pad[padlen + i] = (uint8_t)(bits >> (56 - 8 * i));
    uint64_t total = c->total;
    k_update(st, pad, padlen + 8);
    uint8_t d[32];
    for (int i = 0; i < 8; i++) {
        d[4 * i] = (uint8_t)(c->h[i] >> 24); d[4 * i + 1] = (uint8_t)(c->h[i] >> 16);
        d[4 * i + 2] = (uint8_t)(c->h[i] >> 8); d[4 * i + 3] = (uint8_t)c->h[i];
    }
#if XPS_PATCH_FAULT == 1
    d[0] ^= 1;
#elif XPS_PATCH_FAULT == 2
    if (total >= 1000) d[31] ^= 0x80;
#endif
    (void)total;
    memcpy(out, d, out_len < 32 ? out_len : 32);
    atomic_fetch_add_explicit(&xps_sha256_patch_uses, 1, memory_order_relaxed);
    thread_uses++;
}

static void k_compress(uint32_t *cv, const uint8_t *blocks, size_t nblocks) {
    compress(cv, blocks, nblocks);
}

static const xps_kernel_desc DESC = {XPS_PATCH_NAME, XPS_PATCH_REQUIRES, XPS_PATCH_CT, 0};
static const xps_hash_kernel KERNEL = {&DESC, XPS_PATCH_STATE_SIZE, k_init, k_update, k_final, NULL, k_compress};
static const xps_patch_kernel KERNELS[] = {{"hash.sha256", XPS_KERNEL_KIND_HASH, &KERNEL}};
static const xps_patch_module MODULE = {XPS_PATCH_ABI, 1, KERNELS};

#ifndef XPS_PATCH_NO_ENTRY
XPS_KERNEL_EXPORT const xps_patch_module *xps_kernel_module(void) { return &MODULE; }
#else
const xps_patch_module *xps_kernel_module_misnamed(void) { return &MODULE; }
#endif
