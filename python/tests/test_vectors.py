"""External test vectors (repository ``tests/vectors``, see its SOURCES.md) through the Python
flat API, with the semantics of the Rust vector tests (``core/tests/*.rs``).

Not run here, on purpose (each is covered by the Rust tests):
- raw ChaCha20 / XChaCha20 / HChaCha20 (``rfc/chacha20.json``, ``xchacha20.json``,
  ``hchacha20.json``): no raw stream cipher in the Python API;
- the SPHINCS+ KAT digest: its DRBG-driven generator is reproduced in Rust only (the
  ``opt_rand`` input itself is reachable through ``hazmat_sign_internal``);
- keyed BLAKE2, Ed25519ctx/Ed25519ph and the 1,000,000-iteration X25519 case: not offered /
  minutes of CPU.
Skipped cases are counted and the counts are asserted, so a skip can never hide a failure.
"""

from __future__ import annotations

import pytest

import xpscrypto as xps
from conftest import VECTORS, case_id, hx, load_json, rsp_records, wycheproof_tests
from xpscrypto import AuthenticationError, InvalidInputError

BAD_KEY_LENGTH, INVALID_LENGTH, BAD_NONCE_LENGTH, BAD_TAG_LENGTH = 103, 102, 104, 105
UNKNOWN_ALGORITHM, OUTPUT_TOO_LONG, AUTH_FAILED, WEAK_PUBLIC_KEY = 108, 110, 201, 203
INVALID_KEY = 114


# --------------------------------------------------------------------------------------------
# Wycheproof AEAD
# --------------------------------------------------------------------------------------------

AEAD_FILES = [
    # file, algorithm by keySize (bits), nonce size (bits), (cases run, cases skipped)
    # AES-GCM skips: 103 AES-192 cases (not offered) + 76 valid non-96-bit-IV cases (refused
    # with BAD_NONCE_LENGTH, checked); the 4 invalid non-96-bit-IV cases count as run.
    ("aes_gcm_test.json", {128: "aes-128-gcm", 256: "aes-256-gcm"}, 96, (137, 179)),
    ("chacha20_poly1305_test.json", {256: "chacha20-poly1305"}, 96, (325, 0)),
    ("xchacha20_poly1305_test.json", {256: "xchacha20-poly1305"}, 192, (315, 0)),
]


@pytest.mark.parametrize("fname,algs,nonce_bits,want", AEAD_FILES, ids=[f[0] for f in AEAD_FILES])
def test_wycheproof_aead(fname, algs, nonce_bits, want):
    doc = load_json(f"wycheproof/{fname}")
    ran = skipped = 0
    for g, t in wycheproof_tests(doc):
        cid = case_id(fname, t)
        alg = algs.get(g["keySize"])
        if alg is None:  # AES-192: not offered by this library
            skipped += 1
            continue
        key, nonce, aad, msg = hx(t["key"]), hx(t["iv"]), hx(t["aad"]), hx(t["msg"])
        sealed = hx(t["ct"]) + hx(t["tag"])
        assert g["tagSize"] == 128
        if g["ivSize"] != nonce_bits:
            # Only the standard nonce size is supported: refused with BAD_NONCE_LENGTH.
            with pytest.raises(InvalidInputError) as e:
                xps.aead_seal(alg, key, nonce, msg, aad)
            assert e.value.status == BAD_NONCE_LENGTH, cid
            if t["result"] == "valid":
                skipped += 1
            else:
                ran += 1
            continue
        if t["result"] == "valid":
            assert xps.aead_open(alg, key, nonce, sealed, aad) == msg, cid
            assert xps.aead_seal(alg, key, nonce, msg, aad) == sealed, cid
            assert xps.aead_open_detached(alg, key, nonce, hx(t["ct"]), hx(t["tag"]), aad) == msg, cid
        else:
            assert t["result"] == "invalid", cid
            with pytest.raises(AuthenticationError) as e:
                xps.aead_open(alg, key, nonce, sealed, aad)
            assert e.value.status == AUTH_FAILED, cid
            out = bytearray(b"\xa5" * max(len(sealed) - 16, 1))
            with pytest.raises(AuthenticationError):
                xps.AeadKey(alg, key).decrypt_into(nonce, sealed, out, aad)
            assert out == b"\xa5" * len(out), f"{cid}: output written on failure"
        ran += 1
    assert ran + skipped == doc["numberOfTests"]
    assert (ran, skipped) == want


# --------------------------------------------------------------------------------------------
# Wycheproof MAC / KDF
# --------------------------------------------------------------------------------------------


def test_wycheproof_hmac_sha256():
    doc = load_json("wycheproof/hmac_sha256_test.json")
    n = truncated = 0
    for g, t in wycheproof_tests(doc):
        cid = case_id("hmac", t)
        key, msg, tag = hx(t["key"]), hx(t["msg"]), hx(t["tag"])
        nbytes = g["tagSize"] // 8
        assert len(tag) == nbytes and nbytes in (16, 32), cid  # this file: full or 128-bit tags
        verify = xps.hmac_verify if nbytes == 32 else xps.hmac_verify_truncated
        truncated += nbytes < 32
        if t["result"] == "valid":
            assert verify("hmac-sha256", key, msg, tag) is True, cid
            assert xps.hmac("hmac-sha256", key, msg)[:nbytes] == tag, cid
        else:
            assert verify("hmac-sha256", key, msg, tag) is False, cid
        n += 1
    assert n == doc["numberOfTests"] == 174
    assert truncated == 87


def test_wycheproof_hkdf_sha256():
    doc = load_json("wycheproof/hkdf_sha256_test.json")
    n = 0
    for _, t in wycheproof_tests(doc):
        args = ("hkdf-sha256", hx(t["ikm"]), hx(t["salt"]), hx(t["info"]), t["size"])
        if t["result"] == "valid":
            assert xps.hkdf(*args) == hx(t["okm"]), case_id("hkdf", t)
        else:
            with pytest.raises(InvalidInputError) as e:
                xps.hkdf(*args)
            assert e.value.status == OUTPUT_TOO_LONG, case_id("hkdf", t)
        n += 1
    assert n == 86


@pytest.mark.parametrize("fname,alg", [("pbkdf2_hmacsha256_test.json", "pbkdf2-sha256"), ("pbkdf2_hmacsha512_test.json", "pbkdf2-sha512")])
def test_wycheproof_pbkdf2(fname, alg):
    doc = load_json(f"wycheproof/{fname}")
    n = 0
    for _, t in wycheproof_tests(doc):
        assert t["result"] == "valid"
        got = xps.pbkdf2(alg, hx(t["password"]), hx(t["salt"]), t["iterationCount"], t["dkLen"])
        assert got == hx(t["dk"]), case_id(fname, t)
        n += 1
    assert n == doc["numberOfTests"]


# --------------------------------------------------------------------------------------------
# Hashes: common-schema JSON, CAVP .rsp, BLAKE3, Argon2
# --------------------------------------------------------------------------------------------

HASH_FILES = ["nist/sha256.json", "nist/sha384.json", "nist/sha512.json", "nist/sha3-256.json", "nist/sha3-512.json", "rfc/blake2b-512.json", "rfc/blake2s-256.json"]


@pytest.mark.parametrize("rel", HASH_FILES)
def test_common_schema_hashes(rel):
    doc = load_json(rel)
    alg = doc["algorithm"]
    ran = keyed = 0
    for t in doc["tests"]:
        if t.get("key"):
            keyed += 1  # keyed BLAKE2 is not an algorithm of this library
            continue
        msg, md = hx(t["msg"]) * t.get("repeat", 1), hx(t["md"])
        assert xps.hash(alg, msg) == md, t["id"]
        h = xps.Hash(alg)
        for i in range(0, len(msg), 4093):  # streaming, odd-sized pieces
            h.update(msg[i : i + 4093])
        assert h.digest() == md, f"{t['id']} (streaming)"
        assert h.hexdigest() == t["md"].lower()
        ran += 1
    assert ran + keyed == len(doc["tests"]) and ran >= 4


@pytest.mark.parametrize("rel", ["nist/shake128.json", "nist/shake256.json"])
def test_common_schema_shake(rel):
    doc = load_json(rel)
    for t in doc["tests"]:
        msg, want = hx(t["msg"]), hx(t["output"])
        assert len(want) == t["outlen"]
        assert xps.xof(doc["algorithm"], msg, t["outlen"]) == want, t["id"]
        assert xps.Hash(doc["algorithm"], msg).xof(t["outlen"]) == want, t["id"]


CAVP_MD = [("SHA256ShortMsg", "sha256"), ("SHA256LongMsg", "sha256"), ("SHA384ShortMsg", "sha384"), ("SHA512ShortMsg", "sha512"), ("SHA3_256ShortMsg", "sha3-256"), ("SHA3_512ShortMsg", "sha3-512")]


@pytest.mark.parametrize("name,alg", CAVP_MD)
def test_cavp_digests(name, alg):
    n = 0
    for r in rsp_records(f"nist/cavp/{name}.rsp"):
        if not {"Len", "Msg", "MD"} <= r.keys():
            continue
        bits = int(r["Len"])
        assert bits % 8 == 0
        msg = hx(r["Msg"])[: bits // 8]  # Len = 0 carries Msg = 00: the message is empty
        assert xps.hash(alg, msg) == hx(r["MD"]), f"{name} Len={bits}"
        n += 1
    assert n >= 64


@pytest.mark.parametrize("name,alg", [("SHAKE128ShortMsg", "shake128"), ("SHAKE256ShortMsg", "shake256"), ("SHAKE128VariableOut", "shake128"), ("SHAKE256VariableOut", "shake256")])
def test_cavp_shake(name, alg):
    n = 0
    for r in rsp_records(f"nist/cavp/{name}.rsp"):
        if "Msg" not in r or "Output" not in r:
            continue
        want = hx(r["Output"])
        if "Outputlen" in r:  # VariableOut: whole Msg, Outputlen bits
            assert int(r["Outputlen"]) == 8 * len(want)
            msg = hx(r["Msg"])
        else:
            msg = hx(r["Msg"])[: int(r["Len"]) // 8]
        assert xps.xof(alg, msg, len(want)) == want, f"{name} {r.get('COUNT', r.get('Len'))}"
        n += 1
    assert n >= 270


def test_blake3_official():
    doc = load_json("blake3/test_vectors.json")
    key, ctx = doc["key"].encode(), doc["context_string"].encode()
    for c in doc["cases"]:
        n = c["input_len"]
        data = bytes(i % 251 for i in range(n))
        want_h, want_k, want_d = hx(c["hash"]), hx(c["keyed_hash"]), hx(c["derive_key"])
        L = len(want_h)
        assert xps.xof("blake3", data, L) == want_h, n
        assert xps.hash("blake3", data) == want_h[:32], n
        assert xps.blake3_keyed(key, data, L) == want_k, n
        assert xps.blake3_keyed(key, data) == want_k[:32], n
        assert xps.hmac("blake3-keyed", key, data) == want_k[:32], n
        assert xps.blake3_derive_key(ctx, data, L) == want_d, n
        # Streaming in 1000-byte pieces (crossing 1024-byte chunk boundaries).
        streams = [(xps.Hash("blake3"), want_h), (xps.Hash.blake3_keyed(key), want_k), (xps.Hash.blake3_derive_key(ctx), want_d)]
        for h, want in streams:
            for i in range(0, n, 1000):
                h.update(data[i : i + 1000])
            assert h.xof(L) == want, f"len {n} streaming {h.name}"
    assert len(doc["cases"]) == 35


def test_argon2id_reference_kat():
    text = (VECTORS / "argon2/kats/argon2id").read_text(encoding="ascii")
    assert "Memory: 32 KiB, Iterations: 3, Parallelism: 4 lanes, Tag length: 32 bytes" in text
    tag_line = next(line for line in text.splitlines() if line.startswith("Tag:"))
    want = hx(tag_line[len("Tag:") :].replace(" ", ""))
    got = xps.argon2id(b"\x01" * 32, b"\x02" * 16, 3, 32, 4, 32, secret=b"\x03" * 8, ad=b"\x04" * 12)
    assert got == want


# --------------------------------------------------------------------------------------------
# RFC MACs / KDFs
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rel", ["rfc/hmac-sha256.json", "rfc/hmac-sha384.json", "rfc/hmac-sha512.json"])
def test_rfc_hmac(rel):
    doc = load_json(rel)
    alg = doc["algorithm"]
    for t in doc["tests"]:
        key, msg, tag = hx(t["key"]), hx(t["msg"]), hx(t["tag"])
        full = xps.hmac(alg, key, msg)
        assert full[: len(tag)] == tag, t["id"]
        mac = xps.Mac(alg, key)
        mac.update(msg[:7]).update(msg[7:])
        if "truncated_to" in t:
            assert len(tag) == t["truncated_to"]
            assert xps.hmac_verify_truncated(alg, key, msg, tag) is True, t["id"]
            assert mac.verify_truncated(tag) is True
        else:
            assert full == tag
            assert xps.hmac_verify(alg, key, msg, tag) is True, t["id"]
            assert mac.finalize() == tag and mac.verify(tag) is True


def test_rfc_poly1305():
    for t in load_json("rfc/poly1305.json")["tests"]:
        key, msg, tag = hx(t["key"]), hx(t["msg"]), hx(t["tag"])
        assert xps.hmac("poly1305", key, msg) == tag, t["id"]
        assert xps.hmac_verify("poly1305", key, msg, tag) is True, t["id"]


def test_rfc_hkdf_sha256():
    for t in load_json("rfc/hkdf-sha256.json")["tests"]:
        ikm, salt, info, prk, okm = (hx(t[k]) for k in ("ikm", "salt", "info", "prk", "okm"))
        assert xps.hkdf_extract("hkdf-sha256", salt, ikm) == prk, t["id"]
        assert xps.hkdf_expand("hkdf-sha256", prk, info, t["length"]) == okm, t["id"]
        assert xps.hkdf("hkdf-sha256", ikm, salt, info, t["length"]) == okm, t["id"]


@pytest.mark.parametrize("rel", ["rfc/pbkdf2-sha256.json", "rfc/pbkdf2-sha512.json"])
def test_rfc_pbkdf2(rel):
    doc = load_json(rel)
    for t in doc["tests"]:
        got = xps.pbkdf2(doc["algorithm"], hx(t["password"]), hx(t["salt"]), t["iterations"], t["length"])
        assert got == hx(t["dk"]), t["id"]


# --------------------------------------------------------------------------------------------
# Ed25519 / X25519
# --------------------------------------------------------------------------------------------


def test_rfc8032_ed25519():
    ran = variants = 0
    for t in load_json("rfc/ed25519.json")["tests"]:
        if "variant" in t:  # Ed25519ctx / Ed25519ph: not offered (ed25519 takes no context)
            variants += 1
            continue
        seed, pk, msg, sig = hx(t["sk"]), hx(t["pk"]), hx(t["msg"]), hx(t["sig"])
        p, s = xps.sign_keypair("ed25519", seed=seed)
        assert p == pk, t["id"]
        assert xps.sign_public_from_secret("ed25519", s) == pk, t["id"]
        assert xps.sign("ed25519", s, msg) == sig, t["id"]
        assert xps.SigningKey("ed25519", s).sign(msg) == sig, t["id"]
        assert xps.verify("ed25519", pk, msg, sig) is True, t["id"]
        ran += 1
    assert (ran, variants) == (5, 5)


def test_wycheproof_ed25519():
    doc = load_json("wycheproof/ed25519_test.json")
    ok = rejected = 0
    for g, t in wycheproof_tests(doc):
        pk, msg, sig = hx(g["publicKey"]["pk"]), hx(t["msg"]), hx(t["sig"])
        cid = case_id("ed25519", t)
        if t["result"] == "valid":
            assert xps.verify("ed25519", pk, msg, sig) is True, cid
            ok += 1
        elif len(sig) != 64:  # malformed length: raises, never True
            with pytest.raises(InvalidInputError) as e:
                xps.verify("ed25519", pk, msg, sig)
            assert e.value.status == INVALID_LENGTH, cid
            rejected += 1
        else:
            assert xps.verify("ed25519", pk, msg, sig) is False, cid
            rejected += 1
    assert ok + rejected == 151


def test_rfc7748_x25519():
    ran = slow = 0
    for t in load_json("rfc/x25519.json")["tests"]:
        if t.get("slow"):
            slow += 1  # 1,000,000 iterations: minutes of CPU
            continue
        if "alice_private" in t:
            a_pub, a_sk = xps.kem_keypair("x25519", seed=hx(t["alice_private"]))
            b_pub, b_sk = xps.kem_keypair("x25519", seed=hx(t["bob_private"]))
            assert (a_pub, b_pub) == (hx(t["alice_public"]), hx(t["bob_public"])), t["id"]
            assert xps.kem_decapsulate("x25519", a_sk, b_pub) == hx(t["shared"]), t["id"]
            assert xps.kem_decapsulate("x25519", b_sk, a_pub) == hx(t["shared"]), t["id"]
        else:
            k, u = hx(t["scalar"]), hx(t["u"])
            for _ in range(t.get("iterations", 1)):
                k, u = xps.kem_decapsulate("x25519", k, u), k
            assert k == hx(t["output"]), t["id"]
        ran += 1
    assert (ran, slow) == (5, 1)


def test_wycheproof_x25519():
    """``acceptable`` cases: low-order public keys (flag ZeroSharedSecret) are refused with
    WEAK_PUBLIC_KEY; all other acceptable ones (twist, non-canonical) must match."""
    doc = load_json("wycheproof/x25519_test.json")
    counts = {"valid": 0, "acceptable": 0, "refused": 0}
    for _, t in wycheproof_tests(doc):
        sk, peer, want = hx(t["private"]), hx(t["public"]), hx(t["shared"])
        cid = case_id("x25519", t)
        if "ZeroSharedSecret" in t["flags"]:
            assert want == bytes(32), cid
            with pytest.raises(AuthenticationError) as e:
                xps.kem_decapsulate("x25519", sk, peer)
            assert e.value.status == WEAK_PUBLIC_KEY, cid
            counts["refused"] += 1
            continue
        assert xps.kem_decapsulate("x25519", sk, peer) == want, cid
        counts[t["result"]] += 1
    assert sum(counts.values()) == 518 and counts["refused"] == 31


# --------------------------------------------------------------------------------------------
# ML-KEM, X-Wing
# --------------------------------------------------------------------------------------------


def _ps(name: str) -> str:
    return name.lower()  # "ML-KEM-768" -> "ml-kem-768"


def test_acvp_mlkem_keygen():
    doc = load_json("acvp/ML-KEM-keyGen-FIPS203/internalProjection.json")
    n = 0
    for g, t in wycheproof_tests(doc):
        pk, sk = xps.kem_keypair(_ps(g["parameterSet"]), seed=hx(t["d"]) + hx(t["z"]))
        assert (pk, sk) == (hx(t["ek"]), hx(t["dk"])), f"tcId {t['tcId']}"
        n += 1
    assert n == 75


def test_acvp_mlkem_encap_decap():
    doc = load_json("acvp/ML-KEM-encapDecap-FIPS203/internalProjection.json")
    enc = dec = 0
    for g, t in wycheproof_tests(doc):
        alg, cid = _ps(g["parameterSet"]), f"tcId {t['tcId']}"
        if g["function"] == "encapsulation":
            ct, ss = xps.kem_encapsulate(alg, hx(t["ek"]), seed=hx(t["m"]))
            assert (ct, ss) == (hx(t["c"]), hx(t["k"])), cid
            assert xps.kem_decapsulate(alg, hx(t["dk"]), hx(t["c"])) == hx(t["k"]), cid
            enc += 1
        else:
            assert g["function"] == "decapsulation"  # includes "modify ciphertext": implicit rejection
            assert xps.kem_decapsulate(alg, hx(g["dk"]), hx(t["c"])) == hx(t["k"]), cid
            assert xps.DecapsulationKey(alg, hx(g["dk"])).decapsulate(hx(t["c"])) == hx(t["k"]), cid
            dec += 1
    assert (enc, dec) == (75, 30)


def test_wycheproof_mlkem_768():
    """All 40 invalid cases are length errors: a seed that is not 64 bytes or a ciphertext
    that is not 1088 bytes."""
    doc = load_json("wycheproof/mlkem_768_test.json")
    valid = bad_seed = bad_ct = 0
    for _, t in wycheproof_tests(doc):
        seed, c, cid = hx(t["seed"]), hx(t["c"]), case_id("mlkem", t)
        if len(seed) != 64:
            assert t["result"] == "invalid", cid
            with pytest.raises(InvalidInputError) as e:
                xps.kem_keypair("ml-kem-768", seed=seed)
            assert e.value.status == INVALID_LENGTH, cid
            bad_seed += 1
            continue
        pk, sk = xps.kem_keypair("ml-kem-768", seed=seed)
        if "ek" in t:
            assert pk == hx(t["ek"]), cid
        if len(c) != 1088:
            assert t["result"] == "invalid", cid
            with pytest.raises(InvalidInputError) as e:
                xps.kem_decapsulate("ml-kem-768", sk, c)
            assert e.value.status == INVALID_LENGTH, cid
            bad_ct += 1
            continue
        assert t["result"] == "valid", cid
        assert xps.kem_decapsulate("ml-kem-768", sk, c) == hx(t["K"]), cid
        valid += 1
    assert valid + bad_seed + bad_ct == 201 and bad_seed + bad_ct == 40


def test_xwing_draft_vectors():
    tests = load_json("rfc/x-wing.json")["tests"]
    for t in tests:
        seed, sk, pk, eseed, ct, ss = (hx(t[k]) for k in ("seed", "sk", "pk", "eseed", "ct", "ss"))
        assert xps.kem_keypair("x-wing", seed=seed) == (pk, sk), t["id"]
        assert xps.kem_encapsulate("x-wing", pk, seed=eseed) == (ct, ss), t["id"]
        assert xps.kem_decapsulate("x-wing", sk, ct) == ss, t["id"]
    assert len(tests) == 3


# --------------------------------------------------------------------------------------------
# ML-DSA, SLH-DSA, Falcon, RSA-PSS
# --------------------------------------------------------------------------------------------


def test_acvp_mldsa_keygen():
    doc = load_json("acvp/ML-DSA-keyGen-FIPS204/internalProjection.json")
    n = 0
    for g, t in wycheproof_tests(doc):
        alg, pk, sk = _ps(g["parameterSet"]), hx(t["pk"]), hx(t["sk"])
        assert xps.sign_keypair(alg, seed=hx(t["seed"])) == (pk, sk), f"tcId {t['tcId']}"
        assert xps.sign_public_from_secret(alg, sk) == pk, f"tcId {t['tcId']}"
        n += 1
    assert n == 75


def test_acvp_mldsa_sigver_internal():
    """ACVP ML-DSA sigVer (internal interface, M' as given) through ``hazmat_verify_internal``:
    testPassed → True, otherwise False; the group key pairs through ``sign_public_from_secret``."""
    doc = load_json("acvp/ML-DSA-sigVer-FIPS204/internalProjection.json")
    n = 0
    for g in doc["testGroups"]:
        alg = _ps(g["parameterSet"])
        assert xps.sign_public_from_secret(alg, hx(g["sk"])) == hx(g["pk"])
        for t in g["tests"]:
            pk = hx(t["pk"]) if "pk" in t else hx(g["pk"])
            got = xps.hazmat_verify_internal(alg, pk, hx(t["message"]), hx(t["signature"]))
            assert got is t["testPassed"], f"tcId {t['tcId']} ({t.get('reason')})"
            n += 1
    assert (len(doc["testGroups"]), n) == (3, 45)


def _mldsa_invalid_status(flags: set[str]) -> int:
    if flags & {"IncorrectPublicKeyLength", "IncorrectPrivateKeyLength"}:
        return BAD_KEY_LENGTH
    if flags & {"IncorrectSignatureLength", "InvalidContext"}:
        return INVALID_LENGTH
    return INVALID_KEY  # InvalidPrivateKey: out-of-range s1/s2 coefficients


@pytest.mark.parametrize(
    "file, alg, counts",
    [
        ("mldsa_44_verify_test", "ml-dsa-44", (63, 17)),
        ("mldsa_65_verify_test", "ml-dsa-65", (79, 131)),
        ("mldsa_87_verify_test", "ml-dsa-87", (56, 20)),
    ],
)
def test_wycheproof_mldsa_verify(file: str, alg: str, counts: tuple[int, int]):
    """valid → True; invalid → wrong public-key length BAD_KEY_LENGTH, wrong signature length or
    over-long context INVALID_LENGTH, anything else False."""
    doc = load_json(f"wycheproof/{file}.json")
    valid = invalid = 0
    for g, t in wycheproof_tests(doc):
        pk, msg, sig, cid = hx(g["publicKey"]), hx(t["msg"]), hx(t["sig"]), case_id("mldsa", t)
        ctx = hx(t["ctx"]) if "ctx" in t else None
        flags = set(t["flags"])

        def run():
            return xps.verify(alg, pk, msg, sig, context=ctx)

        if t["result"] == "valid":
            assert run() is True, cid
            valid += 1
            continue
        assert t["result"] == "invalid", cid
        if flags & {"IncorrectPublicKeyLength", "IncorrectSignatureLength", "InvalidContext"}:
            with pytest.raises(InvalidInputError) as e:
                run()
            assert e.value.status == _mldsa_invalid_status(flags), f"{cid} {flags}"
        else:
            assert run() is False, f"{cid} {flags}"
        invalid += 1
    assert (valid, invalid) == counts


@pytest.mark.parametrize(
    "file, alg, total",
    [
        ("mldsa_44_sign_seed_test", "ml-dsa-44", 59),
        ("mldsa_65_seed_sign_test", "ml-dsa-65", 63),
        ("mldsa_87_sign_seed_test", "ml-dsa-87", 54),
        ("mldsa_44_sign_noseed_test", "ml-dsa-44", 65),
        ("mldsa_65_noseed_sign_test", "ml-dsa-65", 67),
        ("mldsa_87_sign_noseed_test", "ml-dsa-87", 58),
    ],
)
def test_wycheproof_mldsa_sign(file: str, alg: str, total: int):
    """Deterministic signing from the group's seed (key generation) or encoded secret key:
    valid → exactly ``sig`` (flat and through ``SigningKey``); invalid → the flag's status."""
    doc = load_json(f"wycheproof/{file}.json")
    n = 0
    for g, t in wycheproof_tests(doc):
        sk = xps.sign_keypair(alg, seed=hx(g["privateSeed"]))[1] if "privateSeed" in g else hx(g["privateKey"])
        msg, cid = hx(t["msg"]), case_id("mldsa", t)
        ctx = hx(t["ctx"]) if "ctx" in t else None
        if t["result"] == "valid":
            want = hx(t["sig"])
            assert xps.sign(alg, sk, msg, context=ctx, deterministic=True) == want, cid
            assert xps.SigningKey(alg, sk).sign(msg, context=ctx, deterministic=True) == want, cid
        else:
            assert t["result"] == "invalid", cid
            with pytest.raises(InvalidInputError) as e:
                xps.sign(alg, sk, msg, context=ctx, deterministic=True)
            assert e.value.status == _mldsa_invalid_status(set(t["flags"])), f"{cid} {t['flags']}"
        n += 1
    assert n == total


def _acvp_joined(folder: str):
    """(group, prompt test, expected test) of an ACVP prompt/expectedResults pair, by tcId."""
    want = {t["tcId"]: t for _, t in wycheproof_tests(load_json(f"{folder}/expectedResults.json"))}
    out = [(g, t, want.pop(t["tcId"])) for g, t in wycheproof_tests(load_json(f"{folder}/prompt.json"))]
    assert not want
    return out


def test_acvp_slh_dsa_sigver_and_siggen():
    """ACVP SLH-DSA-SHA2-128s: sigVer (testPassed → True; a signature of the wrong length →
    INVALID_LENGTH; otherwise False) and deterministic sigGen (exactly the expected signature);
    external-interface groups (pure, with context) through ``verify``/``sign``, internal ones (M'
    as given) through ``hazmat_verify_internal``/``hazmat_sign_internal``."""
    alg, runs = "slh-dsa-sha2-128s", {"external": 0, "internal": 0}
    for g, t, e in _acvp_joined("acvp/SLH-DSA-sigVer-FIPS205"):
        pk, msg, sig = hx(t["pk"]), hx(t["message"]), hx(t["signature"])
        if g["signatureInterface"] == "internal":

            def run():
                return xps.hazmat_verify_internal(alg, pk, msg, sig)

        else:
            ctx = hx(t["context"])

            def run():
                return xps.verify(alg, pk, msg, sig, context=ctx)

        if e["testPassed"]:
            assert run() is True, t["tcId"]
        elif len(sig) != xps.sign_bytes(alg):
            with pytest.raises(InvalidInputError) as exc:
                run()
            assert exc.value.status == INVALID_LENGTH, t["tcId"]
        else:
            assert run() is False, t["tcId"]
        runs[g["signatureInterface"]] += 1
    for g, t, e in _acvp_joined("acvp/SLH-DSA-sigGen-FIPS205"):
        sk, msg = hx(t["sk"]), hx(t["message"])
        if g["signatureInterface"] == "internal":
            got = xps.hazmat_sign_internal(alg, sk, msg)
            assert xps.hazmat_sign_internal(alg, sk, msg, rnd=b"") == got, "empty rnd = deterministic"
        else:
            got = xps.sign(alg, sk, msg, context=hx(t["context"]), deterministic=True)
        assert got == hx(e["signature"]), t["tcId"]
        runs[g["signatureInterface"]] += 1
    assert runs == {"external": 21, "internal": 21}


def test_acvp_slh_dsa_keygen():
    doc = load_json("acvp/SLH-DSA-keyGen-FIPS205/internalProjection.json")
    n = 0
    for g, t in wycheproof_tests(doc):
        assert g["parameterSet"] == "SLH-DSA-SHA2-128s"
        seed = hx(t["skSeed"]) + hx(t["skPrf"]) + hx(t["pkSeed"])
        assert xps.sign_keypair("slh-dsa-sha2-128s", seed=seed) == (hx(t["pk"]), hx(t["sk"])), f"tcId {t['tcId']}"
        n += 1
    assert n == 10


def _falcon_detached(logn: int, msg: bytes, sm: bytes) -> bytes:
    """Round-3 attached ``len ‖ nonce ‖ msg ‖ 0x20+logn ‖ s2`` → detached ``0x30+logn ‖ nonce ‖ s2``."""
    n = int.from_bytes(sm[:2], "big")
    assert len(sm) == 2 + 40 + len(msg) + n
    assert sm[42 : 42 + len(msg)] == msg and sm[42 + len(msg)] == 0x20 + logn
    return bytes([0x30 + logn]) + sm[2:42] + sm[43 + len(msg) :]


@pytest.mark.parametrize("rel,alg,logn,records", [("falcon/falcon512-KAT.rsp", "falcon-512", 9, 2), ("falcon/falcon1024-KAT-record0.rsp", "falcon-1024", 10, 1)])
def test_falcon_round3_kat(rel, alg, logn, records):
    recs = [r for r in rsp_records(rel) if "sm" in r]
    assert len(recs) == records
    for r in recs:
        pk, msg, sm = hx(r["pk"]), hx(r["msg"]), hx(r["sm"])
        assert len(msg) == int(r["mlen"]) and len(sm) == int(r["smlen"])
        sig = _falcon_detached(logn, msg, sm)
        assert xps.verify(alg, pk, msg, sig) is True, r["count"]
        assert xps.verify(alg, pk, bytes([msg[0] ^ 1]) + msg[1:], sig) is False, r["count"]
        if "sk" in r:
            assert xps.sign_public_from_secret(alg, hx(r["sk"])) == pk, r["count"]


@pytest.mark.parametrize("bits", [2048, 3072, 4096])
def test_wycheproof_rsa_pss_sha256(bits):
    doc = load_json(f"wycheproof/rsa_pss_{bits}_sha256_mgf1_32_test.json")
    ok = rejected = 0
    for g, t in wycheproof_tests(doc):
        assert (g["sha"], g["mgfSha"], g["sLen"]) == ("SHA-256", "SHA-256", 32)
        msg, sig, cid = hx(t["msg"]), hx(t["sig"]), case_id(f"rsa-pss-{bits}", t)
        if t["result"] == "valid":
            assert xps.verify("rsa-pss-sha256", hx(g["publicKeyDer"]), msg, sig) is True, cid
            assert xps.verify("rsa-pss-sha256", hx(g["publicKeyAsn"]), msg, sig) is True, cid
            ok += 1
            continue
        assert t["result"] == "invalid", cid
        try:
            r = xps.verify("rsa-pss-sha256", hx(g["publicKeyDer"]), msg, sig)
        except InvalidInputError as e:  # a signature of the wrong length
            assert e.status == INVALID_LENGTH and len(sig) != bits // 8, cid
        else:
            assert r is False, cid
        rejected += 1
    assert ok + rejected == doc["numberOfTests"] == 108


# --------------------------------------------------------------------------------------------
# HPKE
# --------------------------------------------------------------------------------------------

X25519_KEM = xps.HPKE_KEM_X25519_HKDF_SHA256


def _opt(v: dict, k: str) -> bytes | None:
    return hx(v[k]) if k in v else None


def test_rfc9180_hpke():
    """Every DHKEM(X25519) vector: DeriveKeyPair, the derandomized sender (enc), every
    encryption on both sides, every export; other KEMs are refused as unknown."""
    doc = load_json("hpke/test-vectors.json")
    run = skipped = encryptions = exports = 0
    for v in doc:
        kem, kdf, aead, mode = v["kem_id"], v["kdf_id"], v["aead_id"], v["mode"]
        vid = f"mode {mode} kem {kem:#x} kdf {kdf} aead {aead:#x}"
        if kem != X25519_KEM:  # P-256, P-521, X448: not implemented, and must say so
            with pytest.raises(InvalidInputError) as e:
                xps.hpke_seal(kem, kdf, aead, hx(v["pkRm"]), b"")
            assert e.value.status == UNKNOWN_ALGORITHM, vid
            skipped += 1
            continue
        for who in "RE" + ("S" if mode in (2, 3) else ""):
            assert xps.hpke_derive_keypair(kem, hx(v[f"ikm{who}"])) == (hx(v[f"pk{who}m"]), hx(v[f"sk{who}m"])), f"{vid} {who}"
        common = {"info": hx(v["info"]), "psk": _opt(v, "psk"), "psk_id": _opt(v, "psk_id")}
        sender = xps.HpkeSender(kem, kdf, aead, hx(v["pkRm"]), sender_secret=_opt(v, "skSm"), ikm_e=hx(v["ikmE"]), **common)
        assert sender.enc == hx(v["enc"]), vid
        recipient = xps.HpkeRecipient(kem, kdf, aead, hx(v["skRm"]), hx(v["enc"]), sender_public=_opt(v, "pkSm"), **common)
        for seq, e in enumerate(v["encryptions"]):
            aad, pt, ct = hx(e["aad"]), hx(e["pt"]), hx(e["ct"])
            assert sender.sequence == recipient.sequence == seq
            assert sender.seal(pt, aad) == ct, f"{vid} seal {seq}"
            assert recipient.open(ct, aad) == pt, f"{vid} open {seq}"
            if seq == 0:
                got = xps.hpke_open(kem, kdf, aead, hx(v["skRm"]), hx(v["enc"]), ct, aad=aad, sender_public=_opt(v, "pkSm"), **common)
                assert got == pt, vid
            encryptions += 1
        for x in v["exports"]:
            ctx, want = hx(x["exporter_context"]), hx(x["exported_value"])
            assert sender.export(ctx, x["L"]) == want, f"{vid} export S"
            assert recipient.export(ctx, x["L"]) == want, f"{vid} export R"
            exports += 1
        run += 1
    assert (run, skipped, encryptions, exports) == (32, 96, 24 * 257, 96)


def test_hpke_pq_draft05():
    vectors = load_json("hpke/pq-draft-05.json")["vectors"]
    for v in vectors:
        kem, kdf, aead, vid = v["kem_id"], v["kdf_id"], v["aead_id"], v["id"]
        assert v["mode"] == 0
        pk, sk = xps.hpke_derive_keypair(kem, hx(v["ikmR"]))
        assert (pk, sk) == (hx(v["pkRm"]), hx(v["skRm"])), vid
        sender = xps.HpkeSender(kem, kdf, aead, pk, info=hx(v["info"]), ikm_e=hx(v["ikmE"]))
        assert sender.enc == hx(v["enc"]), vid
        recipient = xps.HpkeRecipient(kem, kdf, aead, sk, sender.enc, info=hx(v["info"]))
        for seq, e in enumerate(v["encryptions"]):
            assert sender.seal(hx(e["pt"]), hx(e["aad"])) == hx(e["ct"]), f"{vid} seal {seq}"
            assert recipient.open(hx(e["ct"]), hx(e["aad"])) == hx(e["pt"]), f"{vid} open {seq}"
        for x in v["exports"]:
            want = hx(x["exported_value"])
            assert sender.export(hx(x["exporter_context"]), x["L"]) == want, vid
            assert recipient.export(hx(x["exporter_context"]), x["L"]) == want, vid
    assert {v["kem_id"] for v in vectors} == {xps.HPKE_KEM_ML_KEM_768, xps.HPKE_KEM_X_WING}
