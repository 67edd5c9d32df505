//! Algorithm ids (stable; also obtainable from canonical names with `xps_alg_from_name`) and
//! size constants, exported to the header as macros.

/// Algorithm id of "sha256".
pub const XPS_ALG_SHA256: u32 = 0x101;
/// Algorithm id of "sha384".
pub const XPS_ALG_SHA384: u32 = 0x102;
/// Algorithm id of "sha512".
pub const XPS_ALG_SHA512: u32 = 0x103;
/// Algorithm id of "sha3-256".
pub const XPS_ALG_SHA3_256: u32 = 0x104;
/// Algorithm id of "sha3-512".
pub const XPS_ALG_SHA3_512: u32 = 0x105;
/// Algorithm id of "shake128".
pub const XPS_ALG_SHAKE128: u32 = 0x106;
/// Algorithm id of "shake256".
pub const XPS_ALG_SHAKE256: u32 = 0x107;
/// Algorithm id of "blake2b-512".
pub const XPS_ALG_BLAKE2B_512: u32 = 0x108;
/// Algorithm id of "blake2s-256".
pub const XPS_ALG_BLAKE2S_256: u32 = 0x109;
/// Algorithm id of "blake3".
pub const XPS_ALG_BLAKE3: u32 = 0x10a;
/// Algorithm id of "hmac-sha256".
pub const XPS_ALG_HMAC_SHA256: u32 = 0x201;
/// Algorithm id of "hmac-sha384".
pub const XPS_ALG_HMAC_SHA384: u32 = 0x202;
/// Algorithm id of "hmac-sha512".
pub const XPS_ALG_HMAC_SHA512: u32 = 0x203;
/// Algorithm id of "poly1305".
pub const XPS_ALG_POLY1305: u32 = 0x204;
/// Algorithm id of "blake3-keyed".
pub const XPS_ALG_BLAKE3_KEYED: u32 = 0x205;
/// Algorithm id of "aes-128-gcm".
pub const XPS_ALG_AES_128_GCM: u32 = 0x301;
/// Algorithm id of "aes-256-gcm".
pub const XPS_ALG_AES_256_GCM: u32 = 0x302;
/// Algorithm id of "chacha20-poly1305".
pub const XPS_ALG_CHACHA20_POLY1305: u32 = 0x303;
/// Algorithm id of "xchacha20-poly1305".
pub const XPS_ALG_XCHACHA20_POLY1305: u32 = 0x304;
/// Algorithm id of "hkdf-sha256".
pub const XPS_ALG_HKDF_SHA256: u32 = 0x401;
/// Algorithm id of "hkdf-sha384".
pub const XPS_ALG_HKDF_SHA384: u32 = 0x402;
/// Algorithm id of "hkdf-sha512".
pub const XPS_ALG_HKDF_SHA512: u32 = 0x403;
/// Algorithm id of "pbkdf2-sha256".
pub const XPS_ALG_PBKDF2_SHA256: u32 = 0x404;
/// Algorithm id of "pbkdf2-sha512".
pub const XPS_ALG_PBKDF2_SHA512: u32 = 0x405;
/// Algorithm id of "argon2id".
pub const XPS_ALG_ARGON2ID: u32 = 0x406;
/// Algorithm id of "ed25519".
pub const XPS_ALG_ED25519: u32 = 0x501;
/// Algorithm id of "ml-dsa-44".
pub const XPS_ALG_ML_DSA_44: u32 = 0x502;
/// Algorithm id of "ml-dsa-65".
pub const XPS_ALG_ML_DSA_65: u32 = 0x503;
/// Algorithm id of "ml-dsa-87".
pub const XPS_ALG_ML_DSA_87: u32 = 0x504;
/// Algorithm id of "falcon-512".
pub const XPS_ALG_FALCON_512: u32 = 0x505;
/// Algorithm id of "falcon-1024".
pub const XPS_ALG_FALCON_1024: u32 = 0x506;
/// Algorithm id of "slh-dsa-sha2-128s".
pub const XPS_ALG_SLH_DSA_SHA2_128S: u32 = 0x507;
/// Algorithm id of "rsa-pss-sha256".
pub const XPS_ALG_RSA_PSS_SHA256: u32 = 0x508;
/// Algorithm id of "ed25519+ml-dsa-65" (hybrid signature).
pub const XPS_ALG_ED25519_ML_DSA_65: u32 = 0x509;
/// Algorithm id of "x25519".
pub const XPS_ALG_X25519: u32 = 0x601;
/// Algorithm id of "ml-kem-512".
pub const XPS_ALG_ML_KEM_512: u32 = 0x602;
/// Algorithm id of "ml-kem-768".
pub const XPS_ALG_ML_KEM_768: u32 = 0x603;
/// Algorithm id of "ml-kem-1024".
pub const XPS_ALG_ML_KEM_1024: u32 = 0x604;
/// Algorithm id of "x-wing" (X25519 + ML-KEM-768 hybrid KEM).
pub const XPS_ALG_X_WING: u32 = 0x605;
/// Size in bytes: sha256 bytes.
pub const XPS_SHA256_BYTES: usize = 32;
/// Size in bytes: sha384 bytes.
pub const XPS_SHA384_BYTES: usize = 48;
/// Size in bytes: sha512 bytes.
pub const XPS_SHA512_BYTES: usize = 64;
/// Size in bytes: sha3 256 bytes.
pub const XPS_SHA3_256_BYTES: usize = 32;
/// Size in bytes: sha3 512 bytes.
pub const XPS_SHA3_512_BYTES: usize = 64;
/// Size in bytes: blake2b 512 bytes.
pub const XPS_BLAKE2B_512_BYTES: usize = 64;
/// Size in bytes: blake2s 256 bytes.
pub const XPS_BLAKE2S_256_BYTES: usize = 32;
/// Size in bytes: blake3 bytes.
pub const XPS_BLAKE3_BYTES: usize = 32;
/// Size in bytes: blake3 keybytes.
pub const XPS_BLAKE3_KEYBYTES: usize = 32;
/// Size in bytes: hash max bytes.
pub const XPS_HASH_MAX_BYTES: usize = 64;
/// Size in bytes: hmac sha256 bytes.
pub const XPS_HMAC_SHA256_BYTES: usize = 32;
/// Size in bytes: hmac sha384 bytes.
pub const XPS_HMAC_SHA384_BYTES: usize = 48;
/// Size in bytes: hmac sha512 bytes.
pub const XPS_HMAC_SHA512_BYTES: usize = 64;
/// Size in bytes: mac min truncated bytes.
pub const XPS_MAC_MIN_TRUNCATED_BYTES: usize = 16;
/// Size in bytes: poly1305 keybytes.
pub const XPS_POLY1305_KEYBYTES: usize = 32;
/// Size in bytes: poly1305 bytes.
pub const XPS_POLY1305_BYTES: usize = 16;
/// Size in bytes: aead tagbytes.
pub const XPS_AEAD_TAGBYTES: usize = 16;
/// Size in bytes: aead aes128gcm keybytes.
pub const XPS_AEAD_AES128GCM_KEYBYTES: usize = 16;
/// Size in bytes: aead aes128gcm noncebytes.
pub const XPS_AEAD_AES128GCM_NONCEBYTES: usize = 12;
/// Size in bytes: aead aes256gcm keybytes.
pub const XPS_AEAD_AES256GCM_KEYBYTES: usize = 32;
/// Size in bytes: aead aes256gcm noncebytes.
pub const XPS_AEAD_AES256GCM_NONCEBYTES: usize = 12;
/// Size in bytes: aead chacha20poly1305 keybytes.
pub const XPS_AEAD_CHACHA20POLY1305_KEYBYTES: usize = 32;
/// Size in bytes: aead chacha20poly1305 noncebytes.
pub const XPS_AEAD_CHACHA20POLY1305_NONCEBYTES: usize = 12;
/// Size in bytes: aead xchacha20poly1305 keybytes.
pub const XPS_AEAD_XCHACHA20POLY1305_KEYBYTES: usize = 32;
/// Size in bytes: aead xchacha20poly1305 noncebytes.
pub const XPS_AEAD_XCHACHA20POLY1305_NONCEBYTES: usize = 24;
/// Size in bytes: argon2id min saltbytes.
pub const XPS_ARGON2ID_MIN_SALTBYTES: usize = 8;
/// Size in bytes: argon2id min outbytes.
pub const XPS_ARGON2ID_MIN_OUTBYTES: usize = 4;
/// Size in bytes: argon2id max secretbytes.
pub const XPS_ARGON2ID_MAX_SECRETBYTES: usize = 32;
/// Size in bytes: argon2id max adbytes.
pub const XPS_ARGON2ID_MAX_ADBYTES: usize = 32;
