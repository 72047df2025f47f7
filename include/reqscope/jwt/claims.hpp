#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reqscope/error.hpp"
#include "reqscope/jwt/json.hpp"
#include "reqscope/jwt/token.hpp"

namespace reqscope::jwt {

// A NumericDate claim (exp, nbf, iat) in human terms.
struct TimeClaim {
  std::string name;
  double value = 0;      // seconds since the Unix epoch
  std::string utc;       // RFC 3339, or a note when the date cannot be shown
  std::string relative;  // "expires in 4 min", "expired 2 h ago", "issued 3 min ago"
};

// Something a reader of the token should know, whatever the verdict.
struct Warning {
  std::string id;  // stable: no_exp, long_lifetime, alg_none, sensitive_claim, ...
  std::string message;
};

// A lifetime above this is reported as long_lifetime.
inline constexpr double kLongLifetimeSeconds = 24 * 3600;

// The claim `name` as a NumericDate (RFC 7519 §2: a JSON number of seconds,
// fractions allowed): nullopt when absent, "malformed" when not a finite,
// non-negative number.
Result<std::optional<double>> numeric_date(const Json& claims, const std::string& name);

// A NumericDate `value` of the claim `name` (exp, nbf or iat) as seen at `now`.
TimeClaim describe_time(const std::string& name, double value, double now);

// exp, nbf and iat, in that order, for those present as valid NumericDates.
std::vector<TimeClaim> time_claims(const Json& claims, double now);

// What decode warns about: alg none, no exp, a lifetime over a day, claims
// named like secrets, key locations (jku, x5u, jwk, x5c) in the header.
std::vector<Warning> token_warnings(const Token& token, double now);

// What `jwt decode` reports: the token, its dates and its warnings. Nothing
// here is checked against a key.
struct Decoded {
  Token token;
  std::vector<TimeClaim> times;
  std::vector<Warning> warnings;
};
Decoded describe_token(Token token, double now);

}  // namespace reqscope::jwt
