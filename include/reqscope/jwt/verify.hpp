#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reqscope/jwt/algorithm.hpp"
#include "reqscope/jwt/claims.hpp"
#include "reqscope/jwt/key.hpp"
#include "reqscope/jwt/token.hpp"

namespace reqscope::jwt {

struct VerifyOptions {
  std::vector<Algorithm> algorithms;  // empty: any algorithm the key fits
  std::optional<std::string> issuer;
  std::vector<std::string> audiences;  // the token's aud must name one of these
  std::optional<std::string> subject;
  std::vector<std::string> required;  // claims that must be present
  double leeway = 0;                  // seconds of clock skew allowed for exp, nbf, iat
  double now = 0;                     // Unix seconds
};

// One rule checked. `reason` is the failure's stable name (the verdict's
// reason when it is the first to fail); empty when the check passed.
struct Check {
  std::string name;
  bool ok = false;
  std::string detail;
  std::string reason;
};

struct KeyUsed {
  std::string kid;
  std::string type;  // JWK kty
  std::string alg;   // the algorithm it verified
  std::string description;
  std::string source;
};

// Every verdict of `jwt verify`. Reasons, in the order they are checked:
// malformed, alg_none, alg_not_allowed, crit_unsupported, unknown_kid,
// key_type_mismatch, signature, expired, not_yet_valid, iat_in_future (only
// with "iat" required; a warning otherwise), bad_issuer, bad_audience,
// bad_subject, missing_claim. Claims are checked even when the signature
// fails, so one run shows every problem; the reason is the first.
struct Verification {
  bool valid = false;
  std::string reason;
  std::string reason_detail;
  std::optional<Token> token;
  std::vector<TimeClaim> times;
  std::vector<Check> checks;
  std::vector<Warning> warnings;
  std::optional<KeyUsed> key;
  bool signature_checked = false;   // a "signature" check ran
  bool signature_verified = false;  // and passed
};

// What a key is too weak for: weak_key (RSA under 2048 bits), short_secret
// (an HMAC secret shorter than the hash, RFC 7518 §3.2).
std::vector<Warning> key_warnings(Algorithm algorithm, const Key& key);

// Skipped JWKS members (KeySet::skipped) become key_skipped warnings.
Verification verify_token(std::string_view text, const KeySet& keys, const VerifyOptions& options);

}  // namespace reqscope::jwt
