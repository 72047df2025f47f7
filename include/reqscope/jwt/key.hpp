#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "reqscope/error.hpp"
#include "reqscope/jwt/algorithm.hpp"
#include "reqscope/jwt/json.hpp"
#include "reqscope/tls/handles.hpp"

namespace reqscope::jwt {

// A key as reqscope holds it, whatever it was read from: an OpenSSL key for
// RSA, EC and OKP, the raw bytes for an HMAC secret.
struct Key {
  KeyFamily family = KeyFamily::hmac;
  std::string curve;  // "P-256", "P-384", "P-521", "Ed25519" or "Ed448"; empty otherwise
  int bits = 0;       // RSA modulus, EC field, or secret size in bits
  bool has_private = false;
  bool pss_only = false;  // an RSA-PSS key (id-RSASSA-PSS), unusable for RS256..RS512
  std::string kid;        // the JWK members, when the key came from a JWK
  std::string alg;
  std::string use;
  std::vector<std::string> key_ops;
  std::string source;  // what it was read from: "SPKI public key (PEM)", "JWK", "secret"
  tls::Pkey pkey;
  std::string secret;
};

// A JWKS member reqscope could not use, with its kid (when it had one) and why.
struct SkippedKey {
  std::string kid;
  std::string reason;
};

// The keys of a JWKS (or the one key of a key file), and the members of the
// set that were skipped.
struct KeySet {
  std::vector<Key> keys;
  std::vector<SkippedKey> skipped;
  bool is_set = false;  // true for a JWKS: keys are chosen by kid
};

// The most JWKS members read; real sets hold a handful.
inline constexpr std::size_t kMaxJwksKeys = 100;

// What a key is for. Verifying reads only the public members of a JWK, so a
// hostile JWKS costs no private-key checks; signing reads the private half and
// checks that it matches.
enum class KeyPurpose { verify, sign };

struct LoadOptions {
  KeyPurpose purpose = KeyPurpose::verify;
  // The text was fetched from a URL, so anyone can read it: a symmetric
  // ("oct") member is public knowledge and is skipped.
  bool published = false;
};

// Reads a key file: PEM (SPKI or PKCS#1 public keys; PKCS#8, PKCS#1 or SEC1
// private keys; an X.509 certificate, whose public key is used), a JWK, or a
// JWKS of at most kMaxJwksKeys members. `name` says where the text came from
// in errors ("--key k.pem"). Errors are kind "bad_key" and name the problem.
Result<KeySet> load_keys(std::string_view text, std::string_view name,
                         const LoadOptions& options = {});

// One JWK (RFC 7517 §4, RFC 7518 §6, RFC 8037 §2), parameters checked:
// sizes that fit the curve, a point on the curve and, for signing, a private
// half that matches.
Result<Key> key_from_jwk(const Json& jwk, std::string_view name,
                         KeyPurpose purpose = KeyPurpose::verify);

// An HMAC secret given as bytes.
Key secret_key(std::string secret, std::string source);

// A fresh private key for the lab and tests: `kind` is "RSA" (2048 bits),
// "P-256", "P-384", "P-521", "Ed25519" or "Ed448".
Result<Key> generate_key(std::string_view kind);

// The JWK "kty" of the key: "oct", "RSA", "EC" or "OKP".
std::string_view key_type(const Key& key);

// "RSA 2048-bit private key", "EC P-256 public key", "256-bit secret".
std::string describe_key(const Key& key);

// The public half of an asymmetric key as a JWK, with `kid` and `alg` when set.
Result<Json> public_jwk(const Key& key);

}  // namespace reqscope::jwt
