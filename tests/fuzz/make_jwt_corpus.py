#!/usr/bin/env python3
"""Writes the seed corpus for the jwt fuzz target.

The files in corpus/jwt/ are committed; the build never runs this script. Run
it by hand (python3 tests/fuzz/make_jwt_corpus.py) after changing a seed here,
and commit the regenerated files. It removes the files it owns first, so the
directory always matches this list.

"ok-*" seeds are tokens decode_token() must accept or key files load_keys()
must accept; "bad-*" seeds must be refused by both (the unit test "the jwt fuzz
seed corpus" checks that). Tokens named "fuzz-secret" are signed with the HMAC
secret the fuzz target verifies with, so they reach every claim check.
"""

import base64
import hashlib
import hmac
import json
import pathlib

OUT = pathlib.Path(__file__).resolve().parent / "corpus" / "jwt"

# Must match kSecret in jwt_fuzz.cpp.
FUZZ_SECRET = b"reqscope-fuzz-hmac-secret-0123456789abcdef"
NOW = 1700000000  # kNow in jwt_fuzz.cpp


def b64(data):
    if isinstance(data, str):
        data = data.encode()
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def compact(value):
    return json.dumps(value, separators=(",", ":"))


def hs256(header, claims, secret=FUZZ_SECRET):
    signing_input = b64(compact(header)) + "." + b64(compact(claims))
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + b64(mac)


def unsigned(header_text, payload_text, signature=b""):
    return b64(header_text) + "." + b64(payload_text) + "." + b64(signature)


# RFC 7515 A.2 (RS256) and A.3 (ES256), as published.
RFC7515_A2 = (
    "eyJhbGciOiJSUzI1NiJ9"
    ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFt"
    "cGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
    ".cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7"
    "AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4"
    "BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K"
    "0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqv"
    "hJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrB"
    "p0igcN_IoypGlUPQGe77Rw"
)
RFC7515_A3 = (
    "eyJhbGciOiJFUzI1NiJ9"
    ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFt"
    "cGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
    ".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSA"
    "pmWQxfKTUJqPP3-Kg6NU1Q"
)
EC_JWK = {
    "kty": "EC",
    "crv": "P-256",
    "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
    "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
}
OKP_JWK = {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}
RSA_JWK = {
    "kty": "RSA",
    "e": "AQAB",
    "n": "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddx"
    "HmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMs"
    "D1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSH"
    "SXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdV"
    "MTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8"
    "NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ",
}


def spki_pem(jwk):
    """The P-256 JWK's public key as an SPKI PEM block."""
    prefix = bytes.fromhex("3059301306072a8648ce3d020106082a8648ce3d030107034200")
    point = b"\x04" + base64.urlsafe_b64decode(jwk["x"] + "=") + base64.urlsafe_b64decode(
        jwk["y"] + "=")
    body = base64.b64encode(prefix + point).decode()
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    return "-----BEGIN PUBLIC KEY-----\n" + "\n".join(lines) + "\n-----END PUBLIC KEY-----\n"


CLAIMS = {"iss": "https://issuer.example", "sub": "alice", "aud": "api", "iat": NOW - 60,
          "exp": NOW + 600}

SEEDS = {
    # Tokens
    "ok-hs256-fuzz-secret.jwt": hs256({"alg": "HS256", "typ": "JWT", "kid": "k1"}, CLAIMS),
    "ok-hs256-fuzz-secret-expired.jwt": hs256({"alg": "HS256"},
                                              dict(CLAIMS, exp=NOW - 30, nbf=NOW + 30)),
    "ok-hs256-fuzz-secret-aud-array.jwt": hs256({"alg": "HS256"},
                                                dict(CLAIMS, aud=["api", 7], iat=NOW + 300)),
    "ok-hs256-crit.jwt": hs256({"alg": "HS256", "crit": ["b64"], "b64": False}, CLAIMS),
    "ok-hs256-other-secret.jwt": hs256({"alg": "HS256"}, CLAIMS, b"another secret"),
    "ok-none.jwt": unsigned('{"alg":"none"}', compact(CLAIMS)),
    "ok-rs256-rfc7515.jwt": RFC7515_A2,
    "ok-es256-rfc7515.jwt": RFC7515_A3,
    "ok-jku-header.jwt": unsigned('{"alg":"RS256","jku":"https://x.example/jwks"}',
                                  '{"exp":"soon","password":"x"}', b"sig"),
    # Keys
    "ok-jwk-ec.json": compact(EC_JWK),
    "ok-jwk-okp.json": compact(OKP_JWK),
    "ok-jwk-oct.json": compact({"kty": "oct", "k": b64(FUZZ_SECRET), "alg": "HS256"}),
    "ok-jwks.json": compact({"keys": [dict(RSA_JWK, kid="r1"), dict(EC_JWK, kid="e1", use="sig"),
                                      {"kty": "OKP", "crv": "X25519", "x": OKP_JWK["x"]}]}),
    "ok-spki.pem": spki_pem(EC_JWK),
    # Refused by both
    "bad-empty.txt": "",
    "bad-two-segments.txt": b64('{"alg":"HS256"}') + "." + b64("{}"),
    "bad-jwe.txt": "eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d",
    "bad-padding.txt": b64('{"alg":"HS256"}') + "==." + b64("{}") + ".",
    "bad-duplicate-alg.txt": unsigned('{"alg":"HS256","alg":"none"}', "{}"),
    "bad-alg-number.txt": unsigned('{"alg":256}', "{}"),
    "bad-payload-array.txt": unsigned('{"alg":"HS256"}', "[1,2]"),
    "bad-deep.txt": unsigned('{"alg":"HS256"}', '{"a":' + "[" * 40 + "]" * 40 + "}"),
    "bad-invalid-utf8.txt": b64(b'{"alg":"\xff"}') + "." + b64("{}") + ".",
    "bad-jwk-x25519.json": compact({"kty": "OKP", "crv": "X25519", "x": OKP_JWK["x"]}),
    "bad-jwk-off-curve.json": compact(dict(EC_JWK, y=EC_JWK["y"][:-1] + "w")),
    "bad-jwks-not-array.json": compact({"keys": {"kty": "oct", "k": "c2VjcmV0"}}),
    "bad-truncated.pem": spki_pem(EC_JWK)[:120],
}


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*"):
        if old.name.startswith(("ok-", "bad-")):
            old.unlink()
    for name, text in SEEDS.items():
        data = text if isinstance(text, bytes) else text.encode()
        (OUT / name).write_bytes(data)
    print(f"wrote {len(SEEDS)} seeds to {OUT}")


if __name__ == "__main__":
    main()
