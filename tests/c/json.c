/* json.c — see json.h. C99, no dependencies beyond the C library. */
#include "json.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_MAX_DEPTH 64

typedef struct {
    const char *p;
    const char *end;
    const char *start;
    char *err;
    size_t err_len;
    int failed;
} parser;

static void fail(parser *ps, const char *fmt, ...) {
    if (ps->failed) {
        return;
    }
    ps->failed = 1;
    if (ps->err != NULL && ps->err_len > 0) {
        char msg[200];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        snprintf(ps->err, ps->err_len, "offset %ld: %s", (long)(ps->p - ps->start), msg);
    }
}

static void skip_ws(parser *ps) {
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')) {
        ps->p++;
    }
}

static json_value *new_value(parser *ps, json_type t) {
    json_value *v = (json_value *)calloc(1, sizeof *v);
    if (v == NULL) {
        fail(ps, "out of memory");
        return NULL;
    }
    v->type = t;
    return v;
}

static json_value *parse_value(parser *ps, int depth);

/* Growable byte buffer for strings. */
typedef struct {
    char *b;
    size_t n, cap;
} sbuf;

static int sbuf_put(sbuf *s, char c) {
    if (s->n + 1 >= s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 64;
        char *nb = (char *)realloc(s->b, nc);
        if (nb == NULL) {
            return 0;
        }
        s->b = nb;
        s->cap = nc;
    }
    s->b[s->n++] = c;
    return 1;
}

static int hex4(parser *ps, unsigned *out) {
    unsigned v = 0;
    int i;
    if (ps->end - ps->p < 4) {
        fail(ps, "truncated \\u escape");
        return 0;
    }
    for (i = 0; i < 4; i++) {
        char c = ps->p[i];
        v <<= 4;
        if (c >= '0' && c <= '9') {
            v |= (unsigned)(c - '0');
        } else if (c >= 'a' && c <= 'f') {
            v |= (unsigned)(c - 'a' + 10);
        } else if (c >= 'A' && c <= 'F') {
            v |= (unsigned)(c - 'A' + 10);
        } else {
            fail(ps, "bad hex digit in \\u escape");
            return 0;
        }
    }
    ps->p += 4;
    *out = v;
    return 1;
}

static int put_utf8(sbuf *s, unsigned cp) {
    if (cp < 0x80) {
        return sbuf_put(s, (char)cp);
    }
    if (cp < 0x800) {
        return sbuf_put(s, (char)(0xC0 | (cp >> 6))) && sbuf_put(s, (char)(0x80 | (cp & 0x3F)));
    }
    if (cp < 0x10000) {
        return sbuf_put(s, (char)(0xE0 | (cp >> 12))) && sbuf_put(s, (char)(0x80 | ((cp >> 6) & 0x3F))) &&
               sbuf_put(s, (char)(0x80 | (cp & 0x3F)));
    }
    return sbuf_put(s, (char)(0xF0 | (cp >> 18))) && sbuf_put(s, (char)(0x80 | ((cp >> 12) & 0x3F))) &&
           sbuf_put(s, (char)(0x80 | ((cp >> 6) & 0x3F))) && sbuf_put(s, (char)(0x80 | (cp & 0x3F)));
}

/* Parses a string starting at the opening quote; returns a malloc'ed NUL-terminated buffer. */
static char *parse_string_raw(parser *ps, size_t *len_out) {
    sbuf s = {NULL, 0, 0};
    if (ps->p >= ps->end || *ps->p != '"') {
        fail(ps, "expected '\"'");
        return NULL;
    }
    ps->p++;
    for (;;) {
        unsigned char c;
        if (ps->p >= ps->end) {
            fail(ps, "unterminated string");
            goto bad;
        }
        c = (unsigned char)*ps->p++;
        if (c == '"') {
            break;
        }
        if (c < 0x20) {
            fail(ps, "control character in string");
            goto bad;
        }
        if (c != '\\') {
            if (!sbuf_put(&s, (char)c)) {
                goto oom;
            }
            continue;
        }
        if (ps->p >= ps->end) {
            fail(ps, "truncated escape");
            goto bad;
        }
        c = (unsigned char)*ps->p++;
        switch (c) {
            case '"': if (!sbuf_put(&s, '"')) goto oom; break;
            case '\\': if (!sbuf_put(&s, '\\')) goto oom; break;
            case '/': if (!sbuf_put(&s, '/')) goto oom; break;
            case 'b': if (!sbuf_put(&s, '\b')) goto oom; break;
            case 'f': if (!sbuf_put(&s, '\f')) goto oom; break;
            case 'n': if (!sbuf_put(&s, '\n')) goto oom; break;
            case 'r': if (!sbuf_put(&s, '\r')) goto oom; break;
            case 't': if (!sbuf_put(&s, '\t')) goto oom; break;
            case 'u': {
                unsigned cp;
                if (!hex4(ps, &cp)) {
                    goto bad;
                }
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    unsigned lo;
                    if (ps->end - ps->p < 2 || ps->p[0] != '\\' || ps->p[1] != 'u') {
                        fail(ps, "lone high surrogate");
                        goto bad;
                    }
                    ps->p += 2;
                    if (!hex4(ps, &lo)) {
                        goto bad;
                    }
                    if (lo < 0xDC00 || lo > 0xDFFF) {
                        fail(ps, "bad low surrogate");
                        goto bad;
                    }
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    fail(ps, "lone low surrogate");
                    goto bad;
                }
                if (!put_utf8(&s, cp)) {
                    goto oom;
                }
                break;
            }
            default:
                fail(ps, "bad escape '\\%c'", c);
                goto bad;
        }
    }
    if (!sbuf_put(&s, '\0')) {
        goto oom;
    }
    *len_out = s.n - 1;
    return s.b;
oom:
    fail(ps, "out of memory");
bad:
    free(s.b);
    return NULL;
}

static json_value *parse_number(parser *ps) {
    const char *s = ps->p;
    int integral = 1;
    char buf[64];
    size_t n;
    json_value *v;
    if (ps->p < ps->end && *ps->p == '-') {
        ps->p++;
    }
    if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9') {
        fail(ps, "bad number");
        return NULL;
    }
    if (*ps->p == '0') {
        ps->p++;
    } else {
        while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') {
            ps->p++;
        }
    }
    if (ps->p < ps->end && *ps->p == '.') {
        integral = 0;
        ps->p++;
        if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9') {
            fail(ps, "bad fraction");
            return NULL;
        }
        while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') {
            ps->p++;
        }
    }
    if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
        integral = 0;
        ps->p++;
        if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-')) {
            ps->p++;
        }
        if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9') {
            fail(ps, "bad exponent");
            return NULL;
        }
        while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') {
            ps->p++;
        }
    }
    n = (size_t)(ps->p - s);
    if (n >= sizeof buf) {
        fail(ps, "number literal too long");
        return NULL;
    }
    memcpy(buf, s, n);
    buf[n] = '\0';
    v = new_value(ps, JSON_NUMBER);
    if (v == NULL) {
        return NULL;
    }
    v->number = strtod(buf, NULL);
    if (integral) {
        errno = 0;
        v->integer = strtoll(buf, NULL, 10);
        v->is_integer = errno == 0;
    }
    return v;
}

static int match_literal(parser *ps, const char *lit) {
    size_t n = strlen(lit);
    if ((size_t)(ps->end - ps->p) >= n && memcmp(ps->p, lit, n) == 0) {
        ps->p += n;
        return 1;
    }
    return 0;
}

/* Appends to a growable array of items (and keys, for objects). */
static int push_item(json_value *c, size_t *cap, json_value *item, char *key) {
    if (c->count == *cap) {
        size_t nc = *cap ? *cap * 2 : 8;
        json_value **ni = (json_value **)realloc(c->items, nc * sizeof *ni);
        if (ni == NULL) {
            return 0;
        }
        c->items = ni;
        if (c->type == JSON_OBJECT) {
            char **nk = (char **)realloc(c->keys, nc * sizeof *nk);
            if (nk == NULL) {
                return 0;
            }
            c->keys = nk;
        }
        *cap = nc;
    }
    c->items[c->count] = item;
    if (c->type == JSON_OBJECT) {
        c->keys[c->count] = key;
    }
    c->count++;
    return 1;
}

static json_value *parse_container(parser *ps, int depth, int is_object) {
    json_value *c = new_value(ps, is_object ? JSON_OBJECT : JSON_ARRAY);
    size_t cap = 0;
    char close = is_object ? '}' : ']';
    if (c == NULL) {
        return NULL;
    }
    ps->p++; /* '{' or '[' */
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == close) {
        ps->p++;
        return c;
    }
    for (;;) {
        char *key = NULL;
        size_t klen = 0;
        json_value *item;
        skip_ws(ps);
        if (is_object) {
            key = parse_string_raw(ps, &klen);
            if (key == NULL) {
                goto bad;
            }
            skip_ws(ps);
            if (ps->p >= ps->end || *ps->p != ':') {
                free(key);
                fail(ps, "expected ':'");
                goto bad;
            }
            ps->p++;
        }
        item = parse_value(ps, depth + 1);
        if (item == NULL) {
            free(key);
            goto bad;
        }
        if (!push_item(c, &cap, item, key)) {
            free(key);
            json_free(item);
            fail(ps, "out of memory");
            goto bad;
        }
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == close) {
            ps->p++;
            return c;
        }
        fail(ps, is_object ? "expected ',' or '}'" : "expected ',' or ']'");
        goto bad;
    }
bad:
    json_free(c);
    return NULL;
}

static json_value *parse_value(parser *ps, int depth) {
    json_value *v;
    if (depth > JSON_MAX_DEPTH) {
        fail(ps, "nesting too deep");
        return NULL;
    }
    skip_ws(ps);
    if (ps->p >= ps->end) {
        fail(ps, "unexpected end of input");
        return NULL;
    }
    switch (*ps->p) {
        case '{': return parse_container(ps, depth, 1);
        case '[': return parse_container(ps, depth, 0);
        case '"': {
            size_t n = 0;
            char *s = parse_string_raw(ps, &n);
            if (s == NULL) {
                return NULL;
            }
            v = new_value(ps, JSON_STRING);
            if (v == NULL) {
                free(s);
                return NULL;
            }
            v->string = s;
            v->string_len = n;
            return v;
        }
        case 't':
        case 'f':
        case 'n':
            if (match_literal(ps, "true")) {
                v = new_value(ps, JSON_BOOL);
                if (v) v->boolean = 1;
                return v;
            }
            if (match_literal(ps, "false")) {
                return new_value(ps, JSON_BOOL);
            }
            if (match_literal(ps, "null")) {
                return new_value(ps, JSON_NULL);
            }
            fail(ps, "bad literal");
            return NULL;
        default:
            return parse_number(ps);
    }
}

json_value *json_parse(const char *text, size_t len, char *err, size_t err_len) {
    parser ps;
    json_value *v;
    ps.p = text;
    ps.start = text;
    ps.end = text + len;
    ps.err = err;
    ps.err_len = err_len;
    ps.failed = 0;
    if (err != NULL && err_len > 0) {
        err[0] = '\0';
    }
    /* Skip a UTF-8 byte-order mark. */
    if (len >= 3 && (unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB && (unsigned char)text[2] == 0xBF) {
        ps.p += 3;
    }
    v = parse_value(&ps, 0);
    if (v == NULL) {
        return NULL;
    }
    skip_ws(&ps);
    if (ps.p != ps.end) {
        fail(&ps, "trailing characters after the JSON value");
        json_free(v);
        return NULL;
    }
    return v;
}

json_value *json_parse_file(const char *path, char *err, size_t err_len) {
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0, cap = 0;
    json_value *v;
    if (f == NULL) {
        if (err != NULL && err_len > 0) {
            snprintf(err, err_len, "cannot open %s: %s", path, strerror(errno));
        }
        return NULL;
    }
    for (;;) {
        size_t got;
        if (cap - n < 65536) {
            size_t nc = cap ? cap * 2 : 1 << 20;
            char *nb = (char *)realloc(buf, nc);
            if (nb == NULL) {
                free(buf);
                fclose(f);
                if (err != NULL && err_len > 0) {
                    snprintf(err, err_len, "out of memory reading %s", path);
                }
                return NULL;
            }
            buf = nb;
            cap = nc;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            break;
        }
    }
    if (ferror(f)) {
        free(buf);
        fclose(f);
        if (err != NULL && err_len > 0) {
            snprintf(err, err_len, "read error on %s", path);
        }
        return NULL;
    }
    fclose(f);
    v = json_parse(buf, n, err, err_len);
    free(buf);
    return v;
}

void json_free(json_value *v) {
    size_t i;
    if (v == NULL) {
        return;
    }
    for (i = 0; i < v->count; i++) {
        json_free(v->items[i]);
        if (v->keys != NULL) {
            free(v->keys[i]);
        }
    }
    free(v->items);
    free(v->keys);
    free(v->string);
    free(v);
}

const json_value *json_get(const json_value *obj, const char *key) {
    size_t i;
    if (obj == NULL || obj->type != JSON_OBJECT) {
        return NULL;
    }
    for (i = 0; i < obj->count; i++) {
        if (strcmp(obj->keys[i], key) == 0) {
            return obj->items[i];
        }
    }
    return NULL;
}

const json_value *json_at(const json_value *v, size_t i) {
    if (v == NULL || (v->type != JSON_ARRAY && v->type != JSON_OBJECT) || i >= v->count) {
        return NULL;
    }
    return v->items[i];
}

size_t json_count(const json_value *v) {
    if (v == NULL || (v->type != JSON_ARRAY && v->type != JSON_OBJECT)) {
        return 0;
    }
    return v->count;
}

const char *json_get_string(const json_value *obj, const char *key) {
    const json_value *v = json_get(obj, key);
    return (v != NULL && v->type == JSON_STRING) ? v->string : NULL;
}

int json_get_int(const json_value *obj, const char *key, long long *out) {
    const json_value *v = json_get(obj, key);
    if (v == NULL || v->type != JSON_NUMBER || !v->is_integer) {
        return 0;
    }
    *out = v->integer;
    return 1;
}
