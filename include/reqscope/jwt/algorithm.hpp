#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace reqscope::jwt {

// The JWS algorithms reqscope signs and verifies (RFC 7518 §3, RFC 8037 §3.1).
enum class Algorithm {
  hs256,
  hs384,
  hs512,
  rs256,
  rs384,
  rs512,
  ps256,
  ps384,
  ps512,
  es256,
  es384,
  es512,
  eddsa,
};

// What kind of key an algorithm needs; a key of another kind is the
// key-confusion attack (an RSA public key used as an HMAC secret, ...).
enum class KeyFamily { hmac, rsa, ec, okp };

std::span<const Algorithm> all_algorithms();

// The registered name, case-sensitive as RFC 7515 §4.1.1 requires: "HS256", "EdDSA".
std::optional<Algorithm> parse_algorithm(std::string_view name);
std::string_view algorithm_name(Algorithm algorithm);

KeyFamily key_family(Algorithm algorithm);
std::string_view key_family_name(KeyFamily family);

// The digest's OpenSSL name ("SHA256"), empty for EdDSA, which hashes internally.
std::string_view digest_name(Algorithm algorithm);
// The digest size in bytes (0 for EdDSA): HMAC secrets should be at least this long.
int digest_bytes(Algorithm algorithm);

// The curve an ECDSA algorithm is defined over (RFC 7518 §3.4): "P-256" for
// ES256; empty for the others.
std::string_view required_curve(Algorithm algorithm);

}  // namespace reqscope::jwt
