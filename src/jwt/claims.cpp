#include "reqscope/jwt/claims.hpp"

#include <array>
#include <chrono>
#include <cmath>

#include "reqscope/util/text.hpp"
#include "reqscope/util/time_format.hpp"

namespace reqscope::jwt {

namespace {

// The last second of year 9999: later dates have no RFC 3339 form.
constexpr double kLatestShownDate = 253402300799.0;

std::string utc_of(double seconds) {
  if (seconds > kLatestShownDate) return "after the year 9999";
  return util::rfc3339(static_cast<std::int64_t>(std::floor(seconds)));
}

std::string relative_of(const std::string& name, double value, double now) {
  const double delta = value - now;
  if (std::fabs(delta) < 1) {
    if (name == "exp") return delta > 0 ? "expires now" : "expired just now";
    return name == "nbf" ? "valid from now" : "issued just now";
  }
  const auto span = util::approximate_span(delta);
  if (name == "exp") return delta > 0 ? "expires in " + span : "expired " + span + " ago";
  if (name == "nbf") return delta > 0 ? "valid in " + span : "valid since " + span + " ago";
  return delta > 0 ? "issued " + span + " in the future" : "issued " + span + " ago";
}

// Claim names that suggest a secret travels in a token anyone can read.
// Long names match anywhere in the claim's name; short ones only as a whole
// word, so "classname" is not taken for "ssn".
constexpr std::array<std::string_view, 9> kSensitiveParts = {
    "password", "passwd",      "secret",     "credit_card", "card_number",
    "apikey",   "private_key", "access_key", "api_key",
};
constexpr std::array<std::string_view, 3> kSensitiveWords = {"pwd", "ssn", "cvv"};

// "clientSecret", "client-secret" and "Client.Secret" all become "client_secret".
std::string snake_case(std::string_view name) {
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool upper = c >= 'A' && c <= 'Z';
    if (upper && i > 0 && name[i - 1] >= 'a' && name[i - 1] <= 'z') out += '_';
    out += c == '-' || c == '.' || c == ' ' ? '_' : c;
  }
  return util::to_lower(out);
}

bool looks_sensitive(std::string_view name) {
  const auto words = snake_case(name);
  for (const auto part : kSensitiveParts) {
    if (words.find(part) != std::string::npos) return true;
  }
  for (const auto word : util::split(words, '_')) {
    for (const auto sensitive : kSensitiveWords) {
      if (word == sensitive) return true;
    }
  }
  return false;
}

}  // namespace

Result<std::optional<double>> numeric_date(const Json& claims, const std::string& name) {
  const auto found = claims.find(name);
  if (found == claims.end()) return std::optional<double>();
  if (!found->is_number()) {
    return fail("malformed", "\"" + name + "\" is a JSON " + std::string(found->type_name()) +
                                 ", not a NumericDate (a number of seconds since 1970)");
  }
  const double value = found->get<double>();
  if (!std::isfinite(value) || value < 0) {
    return fail("malformed", "\"" + name + "\" is " + found->dump() +
                                 ", not a NumericDate (a number of seconds since 1970)");
  }
  return std::optional<double>(value);
}

TimeClaim describe_time(const std::string& name, double value, double now) {
  return {name, value, utc_of(value), relative_of(name, value, now)};
}

std::vector<TimeClaim> time_claims(const Json& claims, double now) {
  std::vector<TimeClaim> times;
  for (const std::string name : {"exp", "nbf", "iat"}) {
    const auto value = numeric_date(claims, name);
    if (!value || !*value) continue;
    times.push_back(describe_time(name, **value, now));
  }
  return times;
}

std::vector<Warning> token_warnings(const Token& token, double now) {
  std::vector<Warning> warnings;
  if (util::iequals(token.alg, "none")) {
    warnings.push_back({"alg_none", "the header says alg " + util::quote(token.alg) +
                                        ": the token is unsigned and anyone can forge it"});
  }
  for (const char* location : {"jku", "x5u", "jwk", "x5c"}) {
    if (token.header.contains(location)) {
      warnings.push_back(
          {"key_in_header", std::string("the header carries \"") + location +
                                "\": a verifier must use its own trusted keys, never a key or "
                                "key URL the token itself names"});
    }
  }
  const auto exp = numeric_date(token.claims, "exp");
  const auto iat = numeric_date(token.claims, "iat");
  if (exp && !*exp) {
    warnings.push_back({"no_exp",
                        "there is no \"exp\": the token never expires, so a leaked "
                        "copy works until the key changes"});
  }
  if (exp && *exp) {
    const bool from_iat = iat && *iat;
    const double start = from_iat ? **iat : now;
    const double lifetime = **exp - start;
    if (lifetime > kLongLifetimeSeconds) {
      warnings.push_back(
          {"long_lifetime", "the token " + std::string(from_iat ? "lives " : "is valid for ") +
                                util::approximate_span(lifetime) +
                                (from_iat ? " (exp - iat)" : " more") +
                                "; access tokens usually live minutes, with refresh tokens for "
                                "longer sessions"});
    }
  }
  for (const auto& [name, value] : token.claims.items()) {
    if (looks_sensitive(name)) {
      warnings.push_back({"sensitive_claim", "the claim " + util::quote(name) +
                                                 " looks like a secret, but anyone holding the "
                                                 "token can read every claim"});
    }
  }
  return warnings;
}

Decoded describe_token(Token token, double now) {
  Decoded decoded;
  decoded.times = time_claims(token.claims, now);
  decoded.warnings = token_warnings(token, now);
  decoded.token = std::move(token);
  return decoded;
}

}  // namespace reqscope::jwt
