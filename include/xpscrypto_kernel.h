/*
 * xpscrypto_kernel.h — the kernel ABI a hot-patch module implements.
 *
 * Hand-written mirror of core/src/dispatch/abi.rs; core/tests/kernel_abi.rs compiles a C file
 * against this header that asserts every size, alignment, field offset and constant equals the
 * Rust definition, so the two cannot drift apart silently.
 *
 * A patch module is a shared library that exports one function,
 *
 *     const xps_patch_module *xps_kernel_module(void);
 *
 * returning a static table: the kernel ABI version it was built for (must equal
 * XPS_KERNEL_ABI_VERSION, or the patch is refused at step "abi") and one entry per kernel, each
 * naming the op it implements ("hash.sha256", "aead.aes-256-gcm", ...), the kind of kernel and a
 * pointer to a static kernel struct below. Everything reachable from that table must stay valid
 * for the life of the process: the library never unloads a patch module.
 *
 * Kernels receive validated inputs (lengths checked by the library), must never write outside
 * the given outputs, must keep their streaming state / key schedule as plain data inside the blob
 * the library hands them (it is copied bytewise and wiped with zeros), and must produce exactly
 * the bytes of the op's portable kernel: before activation the library runs the op's
 * known-answer tests and compares the kernel with the portable one on random inputs.
 *
 * Sign the module with `xps patch sign` and apply it with xps_patch_apply (see docs/HOTPATCH.md).
 */
#ifndef XPSCRYPTO_KERNEL_H
#define XPSCRYPTO_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Version of this ABI; a module built for another version is refused. */
#define XPS_KERNEL_ABI_VERSION 3u

/** Name of the entry point a module exports. */
#define XPS_KERNEL_ENTRY_SYMBOL "xps_kernel_module"

/** Export marker for the entry point. */
#if defined(_WIN32)
#define XPS_KERNEL_EXPORT __declspec(dllexport)
#else
#define XPS_KERNEL_EXPORT __attribute__((visibility("default")))
#endif

/** 64-byte alignment of the state/schedule blobs, in C11 and C++11 spelling. */
#ifdef __cplusplus
#define XPS_KERNEL_ALIGN64 alignas(64)
#else
#define XPS_KERNEL_ALIGN64 _Alignas(64)
#endif

/* ---- CPU feature bits of xps_kernel_desc.requires (same numbering as xps_cpu_features()) ---- */
#define XPS_KCPU_SSE2 (1ull << 0)
#define XPS_KCPU_SSSE3 (1ull << 1)
#define XPS_KCPU_SSE41 (1ull << 2)
#define XPS_KCPU_SSE42 (1ull << 3)
#define XPS_KCPU_AVX (1ull << 4)
#define XPS_KCPU_AVX2 (1ull << 5)
#define XPS_KCPU_BMI2 (1ull << 6)
#define XPS_KCPU_AVX512F (1ull << 7)
#define XPS_KCPU_AVX512BW (1ull << 8)
#define XPS_KCPU_AVX512VL (1ull << 9)
#define XPS_KCPU_AESNI (1ull << 10)
#define XPS_KCPU_PCLMULQDQ (1ull << 11)
#define XPS_KCPU_SHA (1ull << 12)
#define XPS_KCPU_VAES (1ull << 13)
#define XPS_KCPU_VPCLMULQDQ (1ull << 14)
#define XPS_KCPU_AVX512IFMA (1ull << 15)
#define XPS_KCPU_GFNI (1ull << 16)
#define XPS_KCPU_NEON (1ull << 32)
#define XPS_KCPU_ARM_AES (1ull << 33)
#define XPS_KCPU_ARM_PMULL (1ull << 34)
#define XPS_KCPU_ARM_SHA2 (1ull << 35)
#define XPS_KCPU_ARM_SHA3 (1ull << 36)

/** What a kernel is. `name` is "family/variant", 1-64 printable ASCII characters, and must not
 *  equal a built-in kernel's name. Higher `priority` wins only among built-in candidates; an
 *  applied patch always takes its ops. */
typedef struct xps_kernel_desc {
    const char *name;
    uint64_t requires;
    bool constant_time;
    int32_t priority;
} xps_kernel_desc;

/* ------------------------------------------------------------------ hashes, XOFs, Poly1305 */

#define XPS_KERNEL_HASH_STATE_BYTES 2304u
/** Kernel-owned streaming state (plain data, at most XPS_KERNEL_HASH_STATE_BYTES). The
 *  library may hand a kernel exactly its declared state_size bytes (64-byte aligned), so a
 *  kernel must not touch the type's bytes past state_size. */
typedef struct xps_hash_state {
    XPS_KERNEL_ALIGN64 uint8_t bytes[XPS_KERNEL_HASH_STATE_BYTES];
} xps_hash_state;

#define XPS_KERNEL_HASH_MODE_PLAIN 0u
#define XPS_KERNEL_HASH_MODE_KEYED 1u
#define XPS_KERNEL_HASH_MODE_DERIVE_KEY 2u

typedef void (*xps_hash_init_fn)(xps_hash_state *st, const uint8_t *key, size_t key_len, uint32_t mode);
typedef void (*xps_hash_update_fn)(xps_hash_state *st, const uint8_t *data, size_t len);
/** Writes out_len bytes (digest length, or any length for XOFs); the state is consumed. */
typedef void (*xps_hash_final_fn)(xps_hash_state *st, uint8_t *out, size_t out_len);
/** Optional plain-mode one-shot (may be NULL). */
typedef void (*xps_hash_oneshot_fn)(const uint8_t *data, size_t len, uint8_t *out, size_t out_len);
/** Optional compression function of SHA-256 (8 uint32_t chaining words, n 64-byte blocks) or of
 *  SHA-384/512 (8 uint64_t chaining words, 8-byte aligned, passed as uint32_t *; n 128-byte
 *  blocks); NULL for every other op. */
typedef void (*xps_hash_compress_fn)(uint32_t *cv, const uint8_t *blocks, size_t nblocks);

typedef struct xps_hash_kernel {
    const xps_kernel_desc *desc;
    size_t state_size;
    xps_hash_init_fn init;
    xps_hash_update_fn update;
    xps_hash_final_fn finalize;
    xps_hash_oneshot_fn oneshot;
    xps_hash_compress_fn compress;
} xps_hash_kernel;

/* ------------------------------------------------------------------------------- AEADs */

#define XPS_KERNEL_AEAD_SCHED_BYTES 4096u
/** Kernel-owned expanded key (plain data, at most XPS_KERNEL_AEAD_SCHED_BYTES). */
typedef struct xps_aead_schedule {
    XPS_KERNEL_ALIGN64 uint8_t bytes[XPS_KERNEL_AEAD_SCHED_BYTES];
} xps_aead_schedule;

/** Expands key (length already validated). Returns 0 on success. */
typedef int32_t (*xps_aead_setup_fn)(xps_aead_schedule *sched, const uint8_t *key, size_t key_len);
/** Encrypts len bytes (output may be exactly input) and writes the 16-byte tag. */
typedef void (*xps_aead_seal_fn)(const xps_aead_schedule *sched, const uint8_t *nonce, size_t nonce_len,
                                 const uint8_t *aad, size_t aad_len, const uint8_t *input, uint8_t *output,
                                 size_t len, uint8_t *tag);
/** Verifies the tag in constant time, then decrypts. Returns 0, or non-zero without writing
 *  output on authentication failure. */
typedef int32_t (*xps_aead_open_fn)(const xps_aead_schedule *sched, const uint8_t *nonce, size_t nonce_len,
                                    const uint8_t *aad, size_t aad_len, const uint8_t *ct, uint8_t *output,
                                    size_t len, const uint8_t *tag);

typedef struct xps_aead_kernel {
    const xps_kernel_desc *desc;
    size_t sched_size;
    xps_aead_setup_fn setup;
    xps_aead_seal_fn seal;
    xps_aead_open_fn open;
} xps_aead_kernel;

/* ---------------------------------------------------------------------------- Argon2id */

typedef struct xps_argon2_params {
    uint32_t t_cost;
    uint32_t m_cost_kib;
    uint32_t parallelism;
} xps_argon2_params;

typedef int32_t (*xps_argon2id_fn)(const xps_argon2_params *params, const uint8_t *pwd, size_t pwd_len,
                                   const uint8_t *salt, size_t salt_len, const uint8_t *secret, size_t secret_len,
                                   const uint8_t *ad, size_t ad_len, uint8_t *out, size_t out_len);

typedef struct xps_argon2_kernel {
    const xps_kernel_desc *desc;
    xps_argon2id_fn run;
} xps_argon2_kernel;

/* ------------------------------------------------------ signatures and KEMs (0 or a status) */

#define XPS_KERNEL_CAP_SEEDED_KEYPAIR 1u
#define XPS_KERNEL_CAP_DETERMINISTIC 2u
#define XPS_KERNEL_CAP_CONTEXT 4u
#define XPS_KERNEL_CAP_SEEDED_ENCAPS 8u
#define XPS_KERNEL_SIGN_FLAG_DETERMINISTIC 1u

typedef int32_t (*xps_sign_keypair_fn)(const uint8_t *seed, size_t seed_len, uint8_t *pk, size_t pk_cap,
                                       size_t *pk_len, uint8_t *sk, size_t sk_cap, size_t *sk_len);
typedef int32_t (*xps_sign_public_fn)(const uint8_t *sk, size_t sk_len, uint8_t *pk, size_t pk_cap, size_t *pk_len);
typedef int32_t (*xps_sign_fn)(const uint8_t *sk, size_t sk_len, const uint8_t *msg, size_t msg_len,
                               const uint8_t *ctx, size_t ctx_len, uint32_t flags, uint8_t *sig, size_t sig_cap,
                               size_t *sig_len);
typedef int32_t (*xps_verify_fn)(const uint8_t *pk, size_t pk_len, const uint8_t *msg, size_t msg_len,
                                 const uint8_t *ctx, size_t ctx_len, const uint8_t *sig, size_t sig_len);

/** Sizes and caps must equal the op's built-in kernels' (seed lengths may be 0 = unsupported). */
typedef struct xps_sign_kernel {
    const xps_kernel_desc *desc;
    size_t pk_len;
    size_t sk_len;
    size_t sig_len;
    size_t seed_len;
    size_t max_ctx_len;
    uint32_t caps;
    xps_sign_keypair_fn keypair;
    xps_sign_public_fn public_from_secret;
    xps_sign_fn sign;
    xps_verify_fn verify;
} xps_sign_kernel;

typedef int32_t (*xps_kem_keypair_fn)(const uint8_t *seed, size_t seed_len, uint8_t *pk, uint8_t *sk);
typedef int32_t (*xps_kem_encaps_fn)(const uint8_t *pk, const uint8_t *seed, size_t seed_len, uint8_t *ct, uint8_t *ss);
typedef int32_t (*xps_kem_decaps_fn)(const uint8_t *sk, const uint8_t *ct, uint8_t *ss);

typedef struct xps_kem_kernel {
    const xps_kernel_desc *desc;
    size_t pk_len;
    size_t sk_len;
    size_t ct_len;
    size_t ss_len;
    size_t seed_len;
    size_t enc_seed_len;
    uint32_t caps;
    xps_kem_keypair_fn keypair;
    xps_kem_encaps_fn encaps;
    xps_kem_decaps_fn decaps;
} xps_kem_kernel;

/* -------------------------------------------------------------------------- the module */

#define XPS_KERNEL_KIND_HASH 1u
#define XPS_KERNEL_KIND_AEAD 2u
#define XPS_KERNEL_KIND_ARGON2ID 3u
#define XPS_KERNEL_KIND_SIGN 4u
#define XPS_KERNEL_KIND_KEM 5u

/** One kernel of a module: op name, kind, and a pointer to the matching xps_*_kernel. */
typedef struct xps_patch_kernel {
    const char *op;
    uint32_t kind;
    const void *kernel;
} xps_patch_kernel;

typedef struct xps_patch_module {
    uint32_t abi_version;
    uint32_t kernel_count;
    const xps_patch_kernel *kernels;
} xps_patch_module;

typedef const xps_patch_module *(*xps_kernel_module_fn)(void);

/** The entry point every patch module defines. */
XPS_KERNEL_EXPORT const xps_patch_module *xps_kernel_module(void);

#ifdef __cplusplus
}
#endif

#endif /* XPSCRYPTO_KERNEL_H */
