#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "reqscope/error.hpp"
#include "reqscope/jwt/algorithm.hpp"
#include "reqscope/jwt/json.hpp"
#include "reqscope/jwt/key.hpp"

namespace reqscope::jwt {

// Why `key` cannot serve `algorithm`, or nullopt when it can: another key
// family (an RSA public key offered as an HMAC secret is the key-confusion
// attack, and the reason says so for public keys), an EC key on another
// curve, an RSA-PSS-only key for RS256.
std::optional<std::string> key_mismatch(Algorithm algorithm, const Key& key);

// Why a key may not be used for `algorithm` and `purpose`: `reason` is
// "key_type_mismatch" when key_mismatch() says so, or when the JWK's "use" or
// "key_ops" reserve the key for something else; "alg_not_allowed" when its
// JWK "alg" names another algorithm.
struct KeyRefusal {
  std::string reason;
  std::string detail;
};
std::optional<KeyRefusal> refuse_key(Algorithm algorithm, const Key& key, KeyPurpose purpose);

struct SignatureCheck {
  bool ok = false;
  std::string detail;
};

// Verifies a JWS signature over `signing_input` (RFC 7515 §5.2). Checks the
// key fits first; ECDSA signatures must be R || S of the curve's size with
// 0 < r, s < n, which refuses the "psychic signature" (r = s = 0); RSA
// signatures must be as long as the modulus; HMACs are compared in constant
// time.
SignatureCheck verify_signature(Algorithm algorithm, const Key& key, std::string_view signing_input,
                                std::string_view signature);

// Signs `signing_input`; the raw signature bytes (R || S for ECDSA). Errors
// are kind "bad_key" when refuse_key() refuses the key or it holds no
// private half.
Result<std::string> create_signature(Algorithm algorithm, const Key& key,
                                     std::string_view signing_input);

// A compact JWS of `claims` with the header {"alg", "typ":"JWT", "kid"}.
// Errors: "bad_key" as create_signature(), "bad_option" for claims that are
// not valid UTF-8.
Result<std::string> sign_token(Algorithm algorithm, const Key& key, const std::string& kid,
                               const Json& claims);

}  // namespace reqscope::jwt
