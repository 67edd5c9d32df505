/*
 * testutil.h — tiny helpers shared by the C tests: pass/fail counting, hex, buffer patterns.
 * Header-only (static inline) so each test program stays a single translation unit + json.c.
 */
#ifndef XPS_TESTUTIL_H
#define XPS_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Byte written into output buffers before a call: a failed call must leave it there. */
#define TU_PATTERN 0xA5
/* Sentinel for *out_len: only XPS_E_BUFFER_TOO_SMALL and success may change it. */
#define TU_LEN_SENTINEL ((size_t)0x5A5A5A5Au)

/* Counters live in a struct that bad_input.c may place in shared memory (fork isolation). */
typedef struct {
    long passed;
    long failed;
} tu_counts;

static tu_counts tu_local_counts;
static tu_counts *tu_counts_p = &tu_local_counts;
static int tu_verbose = 0;

static inline void tu_vreport(int ok, const char *file, int line, const char *fmt, va_list ap) {
    if (ok) {
        tu_counts_p->passed++;
        if (tu_verbose) {
            fprintf(stdout, "ok   %s:%d: ", file, line);
            vfprintf(stdout, fmt, ap);
            fputc('\n', stdout);
        }
    } else {
        tu_counts_p->failed++;
        fprintf(stdout, "FAIL %s:%d: ", file, line);
        vfprintf(stdout, fmt, ap);
        fputc('\n', stdout);
    }
    fflush(stdout);
}

/* Records one check; returns `ok`. */
static inline int tu_check(int ok, const char *file, int line, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    tu_vreport(ok, file, line, fmt, ap);
    va_end(ap);
    return ok;
}

#define CHECK(cond, ...) tu_check((cond) ? 1 : 0, __FILE__, __LINE__, __VA_ARGS__)

static inline void tu_fill(void *p, size_t n) { memset(p, TU_PATTERN, n); }

static inline int tu_is_pattern(const void *p, size_t n) {
    const unsigned char *b = (const unsigned char *)p;
    size_t i;
    for (i = 0; i < n; i++) {
        if (b[i] != TU_PATTERN) {
            return 0;
        }
    }
    return 1;
}

static inline int tu_hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes a hex string into a new malloc'ed buffer (never NULL on success, even when empty). */
static inline int tu_unhex(const char *hex, uint8_t **out, size_t *out_len) {
    size_t n, i;
    uint8_t *b;
    if (hex == NULL) {
        return 0;
    }
    n = strlen(hex);
    if (n % 2 != 0) {
        return 0;
    }
    b = (uint8_t *)malloc(n / 2 + 1);
    if (b == NULL) {
        return 0;
    }
    for (i = 0; i < n / 2; i++) {
        int hi = tu_hexval(hex[2 * i]), lo = tu_hexval(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            free(b);
            return 0;
        }
        b[i] = (uint8_t)(hi << 4 | lo);
    }
    *out = b;
    *out_len = n / 2;
    return 1;
}

/* Hex of at most `max` bytes (with "…" when cut) into a static buffer, for failure messages. */
static inline const char *tu_hex(const uint8_t *p, size_t n, size_t max) {
    static char buf[4][2 * 64 + 8];
    static int which = 0;
    char *s = buf[which++ & 3];
    size_t i, m = n < max ? n : max;
    if (m > 64) m = 64;
    for (i = 0; i < m; i++) {
        sprintf(s + 2 * i, "%02x", p[i]);
    }
    s[2 * m] = '\0';
    if (m < n) {
        strcat(s, "...");
    }
    return s;
}

#endif
