/*
 * json.h — a small self-contained JSON reader for the C tests (no third-party code).
 *
 * Parses a whole document into a tree (RFC 8259: objects, arrays, strings with all escapes
 * including \uXXXX surrogate pairs → UTF-8, numbers, true/false/null). Enough to walk the
 * Wycheproof / BLAKE3 / common-schema vector files; not a general-purpose library.
 */
#ifndef XPS_TEST_JSON_H
#define XPS_TEST_JSON_H

#include <stddef.h>

typedef enum { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT } json_type;

typedef struct json_value json_value;
struct json_value {
    json_type type;
    int boolean;          /* JSON_BOOL */
    double number;        /* JSON_NUMBER */
    int is_integer;       /* JSON_NUMBER: the literal had no fraction/exponent and fits in long long */
    long long integer;    /* JSON_NUMBER when is_integer */
    char *string;         /* JSON_STRING: NUL-terminated UTF-8 (may contain NULs: see string_len) */
    size_t string_len;    /* JSON_STRING */
    size_t count;         /* JSON_ARRAY / JSON_OBJECT: number of items */
    json_value **items;   /* JSON_ARRAY / JSON_OBJECT */
    char **keys;          /* JSON_OBJECT: keys[i] names items[i] */
};

/* Parses `len` bytes of JSON. Returns NULL on error (message in err, if given). */
json_value *json_parse(const char *text, size_t len, char *err, size_t err_len);
/* Reads and parses a file. Returns NULL on error (message in err, if given). */
json_value *json_parse_file(const char *path, char *err, size_t err_len);
void json_free(json_value *v);

/* Object member by key (first match), or NULL if `obj` is not an object or has no such key. */
const json_value *json_get(const json_value *obj, const char *key);
/* Array element / object value by index, or NULL when out of range or not a container. */
const json_value *json_at(const json_value *v, size_t i);
/* Number of array/object items (0 for scalars and NULL). */
size_t json_count(const json_value *v);
/* String member (NULL if absent or not a string). */
const char *json_get_string(const json_value *obj, const char *key);
/* Integer member: returns 1 and stores it if present and integral, else 0. */
int json_get_int(const json_value *obj, const char *key, long long *out);

#endif
