// Fuzz target for the JWT reader: reqscope::jwt::decode_token(), load_keys()
// and verify_token() on the same bytes. Any input must decode or fail with a
// one-line "malformed" error, load as keys or fail with "bad_key", and never
// verify unless its signature really does; a broken invariant aborts, which
// libFuzzer (and the replay test) report as a crash.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz_target.hpp"
#include "reqscope/jwt/key.hpp"
#include "reqscope/jwt/token.hpp"
#include "reqscope/jwt/verify.hpp"

namespace {

namespace jwt = reqscope::jwt;

// The HMAC secret verify_token() is given. Seeds signed with it reach the
// claim checks with a good signature (tests/fuzz/make_jwt_corpus.py).
constexpr std::string_view kSecret = "reqscope-fuzz-hmac-secret-0123456789abcdef";

// 2023-11-14T22:13:20Z, so seeded dates are on both sides of "now".
constexpr double kNow = 1'700'000'000;

[[noreturn]] void invariant_failed(const char* what) {
  std::fprintf(stderr, "jwt_fuzz: invariant failed: %s\n", what);
  std::abort();
}

void check(bool holds, const char* what) {
  if (!holds) invariant_failed(what);
}

bool one_line(const std::string& text) {
  return !text.empty() && text.find('\n') == std::string::npos;
}

void check_decode(std::string_view text) {
  const auto token = jwt::decode_token(text);
  if (!token) {
    check(token.error().kind == "malformed", "decode errors are kind malformed");
    check(one_line(token.error().message), "decode errors are one line");
    return;
  }
  check(token->header.is_object(), "a decoded header is an object");
  check(token->claims.is_object(), "decoded claims are an object");
  const auto alg = token->header.find("alg");
  check(alg != token->header.end() && alg->is_string(), "a decoded header has a string alg");
  check(alg->get<std::string>() == token->alg, "the token's alg is the header's");
  check(token->signing_input() + "." + token->signature_segment == text,
        "the segments re-joined are the input");
}

void check_keys(std::string_view text) {
  const auto keys = jwt::load_keys(text, "the fuzz input");
  if (!keys) {
    check(keys.error().kind == "bad_key", "key errors are kind bad_key");
    check(one_line(keys.error().message), "key errors are one line");
    return;
  }
  check(!keys->keys.empty(), "loaded keys are not empty");
  for (const auto& key : keys->keys) {
    check(key.family == jwt::KeyFamily::hmac ? !key.secret.empty() : key.pkey != nullptr,
          "a key holds its material");
  }
}

void check_verify(std::string_view text, const jwt::KeySet& keys) {
  jwt::VerifyOptions options;
  options.now = kNow;
  const auto verdict = jwt::verify_token(text, keys, options);
  check(verdict.valid == verdict.reason.empty(),
        "a verdict is valid exactly when it has no reason");
  check(verdict.token.has_value() == jwt::decode_token(text).has_value(),
        "verify decodes as decode_token does");
  if (!verdict.valid) {
    check(std::any_of(
              verdict.checks.begin(), verdict.checks.end(),
              [&](const jwt::Check& item) { return !item.ok && item.reason == verdict.reason; }),
          "an invalid verdict names its failing check");
    return;
  }
  check(std::any_of(verdict.checks.begin(), verdict.checks.end(),
                    [](const jwt::Check& item) { return item.name == "signature" && item.ok; }),
        "a valid verdict passed the signature check");
  check(std::none_of(verdict.checks.begin(), verdict.checks.end(),
                     [](const jwt::Check& item) { return !item.ok; }),
        "a valid verdict failed no check");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const jwt::KeySet keys = [] {
    jwt::KeySet set;
    set.keys.push_back(jwt::secret_key(std::string(kSecret), "fuzz secret"));
    return set;
  }();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check_decode(text);
  check_keys(text);
  check_verify(text, keys);
  return 0;
}
