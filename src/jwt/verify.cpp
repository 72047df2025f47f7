#include "reqscope/jwt/verify.hpp"

#include <algorithm>
#include <cmath>

#include "reqscope/jwt/signature.hpp"
#include "reqscope/util/text.hpp"
#include "reqscope/util/time_format.hpp"

namespace reqscope::jwt {

namespace {

void pass(Verification& result, std::string name, std::string detail) {
  result.checks.push_back({std::move(name), true, std::move(detail), {}});
}

void failed(Verification& result, std::string name, std::string reason, std::string detail) {
  if (result.reason.empty()) {
    result.reason = reason;
    result.reason_detail = detail;
  }
  result.checks.push_back({std::move(name), false, std::move(detail), std::move(reason)});
}

std::string names_of(const std::vector<Algorithm>& algorithms) {
  std::vector<std::string> names;
  for (const auto algorithm : algorithms)
    names.emplace_back(algorithm_name(algorithm));
  return util::join(names, ", ");
}

// The algorithm, if the header's alg is one reqscope verifies and --alg allows.
std::optional<Algorithm> check_algorithm(Verification& result, const Token& token,
                                         const VerifyOptions& options) {
  if (util::iequals(token.alg, "none")) {
    failed(result, "alg", "alg_none",
           "the header says alg " + util::quote(token.alg) +
               ": an unsigned token proves nothing, and accepting one lets anyone forge tokens");
    return std::nullopt;
  }
  const auto algorithm = parse_algorithm(token.alg);
  if (!algorithm) {
    failed(result, "alg", "alg_not_allowed",
           "the header's alg " + util::quote(token.alg) +
               " is not a JWS algorithm reqscope verifies (HS, RS, PS, ES 256/384/512, EdDSA)");
    return std::nullopt;
  }
  if (!options.algorithms.empty() && std::find(options.algorithms.begin(), options.algorithms.end(),
                                               *algorithm) == options.algorithms.end()) {
    failed(result, "alg", "alg_not_allowed",
           token.alg + " is not among the allowed algorithms: " + names_of(options.algorithms));
    return std::nullopt;
  }
  pass(result, "alg",
       token.alg + (options.algorithms.empty() ? " (any algorithm that fits the key; --alg pins it)"
                                               : " is allowed"));
  return algorithm;
}

// RFC 7515 §4.1.11: reqscope implements no extension, so any name listed as
// critical must make the token fail.
void check_crit(Verification& result, const Token& token) {
  const auto crit = token.header.find("crit");
  if (crit == token.header.end()) return;
  if (!crit->is_array() || crit->empty()) {
    failed(result, "crit", "malformed", "\"crit\" must be a non-empty array of header names");
    return;
  }
  std::vector<std::string> names;
  for (const auto& name : *crit) {
    if (!name.is_string()) {
      failed(result, "crit", "malformed",
             "\"crit\" lists a JSON " + std::string(name.type_name()) + ", not a name");
      return;
    }
    names.push_back(util::quote(name.get<std::string>()));
  }
  failed(result, "crit", "crit_unsupported",
         "the header marks " + util::join(names, ", ") +
             " as critical, and reqscope implements no JWS extension, so it must refuse the "
             "token (RFC 7515 §4.1.11)");
}

bool usable_for(const Key& key, Algorithm algorithm) {
  return !refuse_key(algorithm, key, KeyPurpose::verify);
}

std::string kids_of(const KeySet& keys) {
  std::vector<std::string> kids;
  for (const auto& key : keys.keys)
    kids.push_back(key.kid.empty() ? "(none)" : util::quote(key.kid));
  return util::join(kids, ", ");
}

// The keys to try: the only key given; the JWKS keys named by kid (those that
// fit the algorithm, or else the first, so its refusal can be told); or,
// without a kid, the one JWKS key that fits the algorithm.
std::vector<const Key*> choose_keys(Verification& result, const Token& token, Algorithm algorithm,
                                    const KeySet& keys) {
  const auto kid_member = token.header.find("kid");
  std::optional<std::string> kid;
  if (kid_member != token.header.end()) {
    if (!kid_member->is_string()) {
      failed(result, "kid", "malformed",
             "the header's \"kid\" is a JSON " + std::string(kid_member->type_name()) +
                 ", not a string");
      return {};
    }
    kid = kid_member->get<std::string>();
  }
  if (!keys.is_set) {
    const Key& key = keys.keys.front();
    if (kid && !key.kid.empty() && *kid != key.kid) {
      result.warnings.push_back({"kid_mismatch", "the token names kid " + util::quote(*kid) +
                                                     " but the key given is kid " +
                                                     util::quote(key.kid)});
    }
    return {&key};
  }
  if (kid) {
    std::vector<const Key*> named;
    std::vector<const Key*> fitting;
    for (const auto& key : keys.keys) {
      if (key.kid != *kid) continue;
      named.push_back(&key);
      if (usable_for(key, algorithm)) fitting.push_back(&key);
    }
    if (named.empty()) {
      std::string why = "the JWKS has no key with kid " + util::quote(*kid);
      const auto skipped = std::find_if(keys.skipped.begin(), keys.skipped.end(),
                                        [&](const SkippedKey& entry) { return entry.kid == *kid; });
      if (skipped != keys.skipped.end()) {
        why += " that reqscope can use: " + skipped->reason;
      } else {
        why += " (it has " + kids_of(keys) +
               "); the key may have been rotated out, or the token is from another issuer";
      }
      failed(result, "kid", "unknown_kid", why);
      return {};
    }
    pass(result, "kid", "the JWKS has kid " + util::quote(*kid));
    return fitting.empty() ? std::vector<const Key*>{named.front()} : fitting;
  }
  std::vector<const Key*> candidates;
  for (const auto& key : keys.keys) {
    if (usable_for(key, algorithm)) candidates.push_back(&key);
  }
  const auto name = std::string(algorithm_name(algorithm));
  if (candidates.empty()) {
    failed(result, "kid", "key_type_mismatch",
           "the token names no kid, and no key in the JWKS fits " + name);
    return {};
  }
  if (candidates.size() > 1) {
    failed(result, "kid", "unknown_kid",
           "the token names no kid, and " + std::to_string(candidates.size()) +
               " keys in the JWKS fit " + name + "; a verifier cannot choose between them");
    return {};
  }
  pass(result, "kid", "the token names no kid; the JWKS has one key that fits " + name);
  return candidates;
}

void use_key(Verification& result, const Key& key, const std::string& name) {
  result.key = KeyUsed{key.kid, std::string(key_type(key)), name, describe_key(key), key.source};
}

// Checks the signature with each candidate (a JWKS may hold several keys
// under one kid during a rotation); the first that verifies wins.
void check_key_and_signature(Verification& result, const Token& token, Algorithm algorithm,
                             const std::vector<const Key*>& candidates) {
  const auto name = std::string(algorithm_name(algorithm));
  const Key& first = *candidates.front();
  use_key(result, first, name);
  if (auto refusal = refuse_key(algorithm, first, KeyPurpose::verify)) {
    failed(result, "key_type", refusal->reason, refusal->detail);
    return;
  }
  pass(result, "key_type", "the " + describe_key(first) + " fits " + name);
  result.signature_checked = true;
  std::optional<SignatureCheck> first_failure;
  for (const Key* key : candidates) {
    auto check = verify_signature(algorithm, *key, token.signing_input(), token.signature);
    if (check.ok) {
      use_key(result, *key, name);
      for (auto& warning : key_warnings(algorithm, *key))
        result.warnings.push_back(std::move(warning));
      pass(result, "signature", check.detail);
      result.signature_verified = true;
      return;
    }
    if (!first_failure) first_failure = std::move(check);
  }
  for (auto& warning : key_warnings(algorithm, first))
    result.warnings.push_back(std::move(warning));
  std::string detail = first_failure->detail;
  if (candidates.size() > 1) {
    detail +=
        " (nor with the other " + std::to_string(candidates.size() - 1) + " keys of that kid)";
  }
  failed(result, "signature", "signature", detail);
}

std::string when(const std::string& name, double value, double now) {
  const auto time = describe_time(name, value, now);
  return time.utc + ", " + time.relative;
}

std::string leeway_note(const VerifyOptions& options) {
  if (options.leeway <= 0) return {};
  return " (with " + util::approximate_span(options.leeway) + " of --leeway)";
}

void check_times(Verification& result, const Token& token, const VerifyOptions& options) {
  const double now = options.now;
  for (const std::string name : {"exp", "nbf", "iat"}) {
    const auto value = numeric_date(token.claims, name);
    if (!value) {
      failed(result, name, "malformed", value.error().message);
      continue;
    }
    if (!*value) continue;
    const double at = **value;
    const auto described = when(name, at, now);
    if (name == "exp") {
      if (now >= at + options.leeway) {
        failed(result, name, "expired", "the token expired on " + described + leeway_note(options));
      } else if (now >= at) {
        pass(result, name,
             "expired on " + described + ", but within the --leeway of " +
                 util::approximate_span(options.leeway));
      } else {
        pass(result, name, "not expired: " + described);
      }
    } else if (name == "nbf") {
      if (now + options.leeway < at) {
        failed(result, name, "not_yet_valid",
               "the token is not valid before " + described + leeway_note(options));
      } else {
        pass(result, name, "valid since " + described);
      }
    } else if (at > now + options.leeway) {
      const std::string detail = "the token was issued in the future: " + described +
                                 leeway_note(options) + "; the issuer's clock may be ahead";
      const bool required = std::find(options.required.begin(), options.required.end(), "iat") !=
                            options.required.end();
      if (required) {
        failed(result, name, "iat_in_future", detail);
      } else {
        pass(result, name, "warning: " + detail);
        result.warnings.push_back({"iat_in_future", detail});
      }
    } else {
      pass(result, name, "issued " + described);
    }
  }
}

// --iss and --sub: the claim must be the string given.
void check_string_claim(Verification& result, const Token& token, const std::string& claim,
                        const std::optional<std::string>& expected, const std::string& reason) {
  if (!expected) return;
  const auto found = token.claims.find(claim);
  if (found == token.claims.end()) {
    failed(result, claim, "missing_claim",
           "the token has no \"" + claim + "\", and --" + claim + " requires " +
               util::quote(*expected));
  } else if (!found->is_string()) {
    failed(result, claim, reason, "\"" + claim + "\" is " + found->dump() + ", not a string");
  } else if (found->get<std::string>() != *expected) {
    failed(result, claim, reason,
           "\"" + claim + "\" is " + util::quote(found->get<std::string>()) + ", not " +
               util::quote(*expected));
  } else {
    pass(result, claim, "\"" + claim + "\" is " + util::quote(*expected));
  }
}

void check_audience(Verification& result, const Token& token, const VerifyOptions& options) {
  const auto aud = token.claims.find("aud");
  if (options.audiences.empty()) {
    if (aud != token.claims.end()) {
      result.warnings.push_back(
          {"aud_not_checked", "the token is for audience " + aud->dump() +
                                  "; pass --aud to check it is meant for your service"});
    }
    return;
  }
  std::vector<std::string> quoted;
  for (const auto& audience : options.audiences)
    quoted.push_back(util::quote(audience));
  const auto wanted = util::join(quoted, " or ");
  if (aud == token.claims.end()) {
    failed(result, "aud", "missing_claim",
           "the token has no \"aud\", and --aud requires " + wanted);
    return;
  }
  std::vector<std::string> values;
  if (aud->is_string()) {
    values.push_back(aud->get<std::string>());
  } else if (aud->is_array()) {
    for (const auto& member : *aud) {
      if (!member.is_string()) {
        failed(result, "aud", "bad_audience",
               "\"aud\" has a JSON " + std::string(member.type_name()) +
                   " member; audiences are strings");
        return;
      }
      values.push_back(member.get<std::string>());
    }
  } else {
    failed(result, "aud", "bad_audience",
           "\"aud\" is a JSON " + std::string(aud->type_name()) +
               ", not a string or an array of strings");
    return;
  }
  for (const auto& value : values) {
    if (std::find(options.audiences.begin(), options.audiences.end(), value) !=
        options.audiences.end()) {
      pass(result, "aud", "\"aud\" includes " + util::quote(value));
      return;
    }
  }
  failed(result, "aud", "bad_audience",
         "the token is for " + aud->dump() + ", not " + wanted +
             ": a token for another service must not be accepted here");
}

void check_required(Verification& result, const Token& token, const VerifyOptions& options) {
  for (const auto& claim : options.required) {
    if (token.claims.contains(claim)) {
      pass(result, "required", "\"" + claim + "\" is present");
    } else {
      failed(result, "required", "missing_claim",
             "the token has no " + util::quote(claim) + ", which --require asks for");
    }
  }
}

}  // namespace

std::vector<Warning> key_warnings(Algorithm algorithm, const Key& key) {
  std::vector<Warning> warnings;
  if (key.family == KeyFamily::rsa && key.bits < 2048) {
    warnings.push_back({"weak_key", "the RSA key has " + std::to_string(key.bits) +
                                        " bits; RFC 7518 §3.3 requires at least 2048"});
  }
  if (key.family == KeyFamily::hmac &&
      static_cast<int>(key.secret.size()) < digest_bytes(algorithm)) {
    warnings.push_back(
        {"short_secret", "the secret is " + std::to_string(key.secret.size()) + " bytes; " +
                             std::string(algorithm_name(algorithm)) + " needs at least " +
                             std::to_string(digest_bytes(algorithm)) +
                             " (RFC 7518 §3.2), and a short secret can be brute-forced offline"});
  }
  return warnings;
}

Verification verify_token(std::string_view text, const KeySet& keys, const VerifyOptions& options) {
  Verification result;
  auto token = decode_token(text);
  if (!token) {
    const auto& error = token.error();
    failed(result, "format", "malformed",
           error.hint.empty() ? error.message : error.message + "; " + error.hint);
    return result;
  }
  pass(result, "format", "three base64url segments; header and claims are JSON objects");
  result.token = std::move(*token);
  const Token& decoded = *result.token;
  result.times = time_claims(decoded.claims, options.now);
  for (auto& warning : token_warnings(decoded, options.now)) {
    if (warning.id != "alg_none") result.warnings.push_back(std::move(warning));
  }
  for (const auto& skipped : keys.skipped)
    result.warnings.push_back({"key_skipped", "a JWKS member was skipped: " + skipped.reason});

  const auto algorithm = check_algorithm(result, decoded, options);
  check_crit(result, decoded);
  const bool header_ok = result.reason.empty();
  if (keys.keys.empty()) {
    failed(result, "kid", "unknown_kid", "no key was given to verify the token with");
  } else if (algorithm && header_ok) {
    if (const auto candidates = choose_keys(result, decoded, *algorithm, keys);
        !candidates.empty()) {
      check_key_and_signature(result, decoded, *algorithm, candidates);
    }
  }
  check_times(result, decoded, options);
  check_string_claim(result, decoded, "iss", options.issuer, "bad_issuer");
  check_audience(result, decoded, options);
  check_string_claim(result, decoded, "sub", options.subject, "bad_subject");
  check_required(result, decoded, options);
  // Valid needs a verified signature as well as no failure: a path that
  // skipped the signature by mistake must not pass.
  result.valid = result.reason.empty() && result.signature_verified;
  return result;
}

}  // namespace reqscope::jwt
