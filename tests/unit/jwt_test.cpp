#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/encoder.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "jwt_vectors.hpp"
#include "reqscope/jwt/algorithm.hpp"
#include "reqscope/jwt/claims.hpp"
#include "reqscope/jwt/json.hpp"
#include "reqscope/jwt/jwks_fetch.hpp"
#include "reqscope/jwt/key.hpp"
#include "reqscope/jwt/signature.hpp"
#include "reqscope/jwt/token.hpp"
#include "reqscope/jwt/verify.hpp"
#include "reqscope/tls/self_signed.hpp"
#include "reqscope/util/base64.hpp"
#include "reqscope/util/text.hpp"
#include "reqscope/util/time_format.hpp"

using namespace reqscope;
using jwt::Algorithm;
using jwt::Json;

namespace {

// The public JWK of a key the test made, which always exports.
Json jwk_of(const jwt::Key& key) {
  return jwt::public_jwk(key).value();
}

// The test's clock: 2023-11-14T22:13:20Z.
constexpr std::int64_t kNow = 1'700'000'000;

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

std::string b64(std::string_view bytes) {
  return util::base64url_encode(bytes);
}

std::string from_hex(std::string_view hex) {
  std::string bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  }
  return bytes;
}

// A token of the given header and payload text and signature bytes; nothing is signed.
std::string unsigned_token(std::string_view header, std::string_view payload,
                           std::string_view signature = "") {
  return b64(header) + "." + b64(payload) + "." + b64(signature);
}

Json parse(std::string_view text) {
  auto parsed = jwt::parse_object(text, "the test JSON");
  INFO(text);
  REQUIRE(parsed);
  return std::move(*parsed);
}

jwt::KeySet one_key(jwt::Key key) {
  jwt::KeySet set;
  set.keys.push_back(std::move(key));
  return set;
}

jwt::KeySet load(std::string_view text) {
  auto loaded = jwt::load_keys(text, "the test key");
  INFO(text);
  if (!loaded) INFO(loaded.error().message);
  REQUIRE(loaded);
  return std::move(*loaded);
}

jwt::Key hmac_key() {
  return jwt::secret_key(std::string(64, 's'), "secret");
}

jwt::VerifyOptions at_now() {
  jwt::VerifyOptions options;
  options.now = static_cast<double>(kNow);
  return options;
}

// Claims that pass every time check at kNow.
Json fresh_claims() {
  Json claims = Json::object();
  claims["iss"] = "https://issuer.example";
  claims["sub"] = "alice";
  claims["aud"] = "api";
  claims["iat"] = kNow - 60;
  claims["exp"] = kNow + 600;
  return claims;
}

std::string sign(Algorithm algorithm, const jwt::Key& key, const Json& claims,
                 const std::string& kid = "") {
  auto token = jwt::sign_token(algorithm, key, kid, claims);
  if (!token) INFO(token.error().message);
  REQUIRE(token);
  return *token;
}

// A token with exactly this header and payload text, signed with `key`.
std::string signed_token(Algorithm algorithm, const jwt::Key& key, std::string_view header,
                         std::string_view payload) {
  const auto input = b64(header) + "." + b64(payload);
  auto signature = jwt::create_signature(algorithm, key, input);
  REQUIRE(signature);
  return input + "." + b64(*signature);
}

// The token with its signature segment replaced by `signature`.
std::string with_signature(const std::string& token, std::string_view signature) {
  return token.substr(0, token.rfind('.') + 1) + b64(signature);
}

// The failing check `name` with `reason`, or null.
const jwt::Check* failed_check(const jwt::Verification& verdict, std::string_view name,
                               std::string_view reason) {
  for (const auto& check : verdict.checks) {
    if (check.name == name && !check.ok && check.reason == reason) return &check;
  }
  return nullptr;
}

void require_reason(const jwt::Verification& verdict, const std::string& reason,
                    const std::string& check) {
  INFO("verdict reason: " << verdict.reason << ": " << verdict.reason_detail);
  CHECK_FALSE(verdict.valid);
  CHECK(verdict.reason == reason);
  CHECK_FALSE(verdict.reason_detail.empty());
  CHECK(failed_check(verdict, check, reason) != nullptr);
}

bool has_warning(const std::vector<jwt::Warning>& warnings, std::string_view id) {
  return std::any_of(warnings.begin(), warnings.end(),
                     [&](const jwt::Warning& warning) { return warning.id == id; });
}

// ---- OpenSSL keys made at test time ----

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using Bio = std::unique_ptr<BIO, BioDeleter>;
struct EncoderDeleter {
  void operator()(OSSL_ENCODER_CTX* context) const { OSSL_ENCODER_CTX_free(context); }
};
struct DigestContextDeleter {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(size));
}

struct PkeyContextDeleter {
  void operator()(EVP_PKEY_CTX* context) const { EVP_PKEY_CTX_free(context); }
};

tls::Pkey generate(const char* type, const char* curve = nullptr) {
  EVP_PKEY* raw = nullptr;
  if (std::string_view(type) == "RSA") {
    raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(2048));
  } else if (std::string_view(type) == "RSA-PSS") {
    const std::unique_ptr<EVP_PKEY_CTX, PkeyContextDeleter> context(
        EVP_PKEY_CTX_new_from_name(nullptr, "RSA-PSS", nullptr));
    REQUIRE(context);
    REQUIRE(EVP_PKEY_keygen_init(context.get()) == 1);
    REQUIRE(EVP_PKEY_CTX_set_rsa_keygen_bits(context.get(), 2048) == 1);
    REQUIRE(EVP_PKEY_generate(context.get(), &raw) == 1);
  } else if (curve != nullptr) {
    raw = EVP_PKEY_Q_keygen(nullptr, nullptr, type, curve);
  } else {
    raw = EVP_PKEY_Q_keygen(nullptr, nullptr, type);
  }
  REQUIRE(raw != nullptr);
  return tls::Pkey(raw);
}

// The key encoded as PEM with an OpenSSL encoder structure ("SubjectPublicKeyInfo",
// "PrivateKeyInfo", or "type-specific" for PKCS#1 and SEC1).
std::string encoded(const EVP_PKEY* key, int selection, const char* structure) {
  const std::unique_ptr<OSSL_ENCODER_CTX, EncoderDeleter> encoder(
      OSSL_ENCODER_CTX_new_for_pkey(key, selection, "PEM", structure, nullptr));
  REQUIRE(encoder);
  unsigned char* data = nullptr;
  std::size_t size = 0;
  REQUIRE(OSSL_ENCODER_to_data(encoder.get(), &data, &size) == 1);
  std::string text(reinterpret_cast<const char*>(data), size);
  OPENSSL_free(data);
  return text;
}

std::string spki_pem(const EVP_PKEY* key) {
  return encoded(key, EVP_PKEY_PUBLIC_KEY, "SubjectPublicKeyInfo");
}

std::string pkcs8_pem(const EVP_PKEY* key) {
  return encoded(key, EVP_PKEY_KEYPAIR, "PrivateKeyInfo");
}

// A self-signed X.509 certificate for `key`, in PEM.
std::string certificate_pem(EVP_PKEY* key) {
  tls::Certificate certificate(X509_new());
  REQUIRE(certificate);
  X509_set_version(certificate.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(certificate.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(certificate.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(certificate.get()), 86400);
  REQUIRE(X509_set_pubkey(certificate.get(), key) == 1);
  X509_NAME* name = X509_get_subject_name(certificate.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("jwt test"), -1, -1, 0);
  X509_set_issuer_name(certificate.get(), name);
  const bool edwards = EVP_PKEY_is_a(key, "ED25519") || EVP_PKEY_is_a(key, "ED448");
  REQUIRE(X509_sign(certificate.get(), key, edwards ? nullptr : EVP_sha256()) > 0);
  return tls::certificate_pem(certificate.get());
}

// Generated once: two RSA keys (the second RSA-PSS only), the three NIST
// curves and both Edwards curves.
struct TestKeys {
  tls::Pkey rsa = generate("RSA");
  tls::Pkey rsa_pss = generate("RSA-PSS");
  tls::Pkey p256 = generate("EC", "P-256");
  tls::Pkey p384 = generate("EC", "P-384");
  tls::Pkey p521 = generate("EC", "P-521");
  tls::Pkey ed25519 = generate("ED25519");
  tls::Pkey ed448 = generate("ED448");
};

const TestKeys& test_keys() {
  static const TestKeys keys;
  return keys;
}

struct PemForm {
  std::string name;  // what load_keys() calls it
  std::string text;
  bool is_private = false;
};

// Every PEM form key.hpp lists that can hold `key`.
std::vector<PemForm> pem_forms(EVP_PKEY* key) {
  const bool rsa = EVP_PKEY_is_a(key, "RSA");
  const bool ec = EVP_PKEY_is_a(key, "EC");
  std::vector<PemForm> forms;
  forms.push_back({"SPKI", spki_pem(key), false});
  if (rsa) {
    forms.push_back({"PKCS#1", encoded(key, EVP_PKEY_PUBLIC_KEY, "type-specific"), false});
  }
  forms.push_back({"PKCS#8", pkcs8_pem(key), true});
  if (rsa) forms.push_back({"PKCS#1", encoded(key, EVP_PKEY_KEYPAIR, "type-specific"), true});
  if (ec) forms.push_back({"SEC1", encoded(key, EVP_PKEY_KEYPAIR, "type-specific"), true});
  forms.push_back({"X.509", certificate_pem(key), false});
  return forms;
}

EVP_PKEY* key_for(Algorithm algorithm, bool edwards448 = false) {
  const auto& keys = test_keys();
  switch (algorithm) {
    case Algorithm::es256:
      return keys.p256.get();
    case Algorithm::es384:
      return keys.p384.get();
    case Algorithm::es512:
      return keys.p521.get();
    case Algorithm::eddsa:
      return edwards448 ? keys.ed448.get() : keys.ed25519.get();
    default:
      return keys.rsa.get();
  }
}

// An ECDSA signature as OpenSSL makes it: DER, not the R || S JWS uses.
std::string der_signature(EVP_PKEY* key, std::string_view input) {
  const std::unique_ptr<EVP_MD_CTX, DigestContextDeleter> context(EVP_MD_CTX_new());
  REQUIRE(EVP_DigestSignInit(context.get(), nullptr, EVP_sha256(), nullptr, key) == 1);
  std::size_t size = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(input.data());
  REQUIRE(EVP_DigestSign(context.get(), nullptr, &size, data, input.size()) == 1);
  std::string signature(size, '\0');
  REQUIRE(EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &size,
                         data, input.size()) == 1);
  signature.resize(size);
  return signature;
}

// A DSA public key (1024 bits): a kind of key JWS has no algorithm for.
constexpr const char* kDsaPublicKey = R"(-----BEGIN PUBLIC KEY-----
MIIBvzCCATMGByqGSM44BAEwggEmAoGBAPh18w4YI1dg1af29h6afQb5ZrCHjYIz
q+snk/83l5vzZ32OuZNCPC1YlNjEwL+FeTs7hNoWkAPqb+4N0W290aj6X7HTAlUh
t+OWrpz6ljYDTUdv7QxLhtZ2bGoyNboxPFBubwmKr8mnmfR+oDebLhQgV6lEroai
A9CByVK9NWhBAh0Ax0sz/clgRzERUPZfDLaKJqxs+LY5Vjior5WylwKBgHYJOVPw
wPUcVoCcXtYJ14YsGamRfxOmBDtNpZ6/J9LjiGrZJICF4wRyCTeNR27qjXQl4vm6
pcDbxLH7sdhtOz93mP31fMABHbKTA0TirZzCWGH5+dh3PWKlLGYCkqgDjt3405aJ
KDOn5n3TCICBGRzpoY53WnFUWf1jDyb8mm1rA4GFAAKBgQCUzkYF/f5+C7fJcSr/
84YCmRBhVUbjAl99fEtoplJCNRev7/mGT1+rQZHXo6n+gYafGOTjIo7DlY8aYj0L
gcVTnTo7rIbm6QQ3kN31N6me+FUFpG8Xlx7UrtsjH4hbFt+HzO5JWxiezfw45OxE
/gIRyEQcEJ9vNiMYywz9cEviuw==
-----END PUBLIC KEY-----
)";

// The "EC PARAMETERS" block `openssl ecparam -name prime256v1 -genkey` writes first.
constexpr const char* kP256Parameters =
    "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n";

const jwt_vectors::Vector& vector_named(std::string_view name) {
  for (const auto& vector : jwt_vectors::kVectors) {
    if (vector.name == name) return vector;
  }
  FAIL("no vector " << name);
  return jwt_vectors::kVectors[0];
}

Json vector_jwk(std::string_view name) {
  return parse(vector_named(name).jwk);
}

// key_from_jwk() refuses `jwk`, read for signing so the private half is
// checked too, with a message containing `part`.
void require_bad_jwk(const Json& jwk, std::string_view part) {
  const auto key = jwt::key_from_jwk(jwk, "the JWK", jwt::KeyPurpose::sign);
  INFO(jwk.dump());
  REQUIRE_FALSE(key);
  INFO(key.error().message);
  CHECK(key.error().kind == "bad_key");
  CHECK(contains(key.error().message, part));
  CHECK(contains(key.error().message, "the JWK"));
}

// load_keys() refuses `text` with a message containing `part`.
void require_bad_keys(std::string_view text, std::string_view part) {
  const auto keys = jwt::load_keys(text, "--key k.pem");
  REQUIRE_FALSE(keys);
  INFO(keys.error().message);
  CHECK(keys.error().kind == "bad_key");
  CHECK(contains(keys.error().message, part));
  CHECK(contains(keys.error().message, "--key k.pem"));
  CHECK_FALSE(contains(keys.error().message, "\n"));
}

// decode_token() either decodes or says "malformed" in one line; never anything else.
void check_decodes_or_is_malformed(std::string_view text) {
  const auto token = jwt::decode_token(text);
  if (token) {
    CHECK(token->header.is_object());
    CHECK(token->claims.is_object());
    CHECK(token->signing_input() + "." + token->signature_segment == text);
    return;
  }
  INFO(util::printable(text.substr(0, 200)));
  CHECK(token.error().kind == "malformed");
  CHECK_FALSE(token.error().message.empty());
  CHECK_FALSE(contains(token.error().message, "\n"));
}

}  // namespace

// ---- base64url ----

TEST_CASE("util::base64url round-trips every byte string and uses the URL-safe alphabet",
          "[jwt][base64]") {
  CHECK(util::base64url_encode("").empty());
  CHECK(util::base64url_encode("f") == "Zg");
  CHECK(util::base64url_encode("fo") == "Zm8");
  CHECK(util::base64url_encode("foo") == "Zm9v");
  CHECK(util::base64url_encode("foob") == "Zm9vYg");
  CHECK(util::base64url_encode("\xfb\xff") == "-_8");
  CHECK(util::base64url_decode("-_8") == std::string("\xfb\xff"));
  CHECK(util::base64url_decode("") == std::string());

  std::string every_byte;
  for (int i = 0; i < 256; ++i)
    every_byte += static_cast<char>(i);
  CHECK(util::base64url_decode(util::base64url_encode(every_byte)) == every_byte);

  std::mt19937 random(7515);
  std::uniform_int_distribution<int> byte(0, 255);
  for (std::size_t size = 0; size <= 70; ++size) {
    std::string bytes;
    for (std::size_t i = 0; i < size; ++i)
      bytes += static_cast<char>(byte(random));
    const auto text = util::base64url_encode(bytes);
    INFO(size);
    CHECK(text.size() == (size * 4 + 2) / 3);
    CHECK(text.find_first_of("=+/") == std::string::npos);
    CHECK(util::base64url_problem(text).empty());
    CHECK(util::base64url_decode(text) == bytes);
  }
}

TEST_CASE("util::base64url_decode is strict and base64url_problem names what broke",
          "[jwt][base64][errors]") {
  const auto refused = [](std::string_view text, std::string_view problem) {
    INFO(util::printable(text));
    CHECK_FALSE(util::base64url_decode(text));
    const auto why = util::base64url_problem(text);
    INFO(why);
    CHECK(contains(why, problem));
  };
  refused("Zg==", "'=' padding at offset 2");
  refused("Zm9v=", "'=' padding at offset 4");
  refused("Zm 9v", "whitespace at offset 2");
  refused("Zm9v\n", "whitespace at offset 4");
  refused("\tZm9v", "whitespace at offset 0");
  refused("ab+c", "'+' (standard base64, not base64url)");
  refused("ab/c", "'/' (standard base64, not base64url)");
  refused("Zm9vY", "has a length of 5");
  refused("Z", "has a length of 1");
  refused("Zh", "non-canonical");   // "f" is "Zg"
  refused("Zm9", "non-canonical");  // "fo" is "Zm8"
  refused("ab.c", "the character");
  refused(std::string("ab\0c", 4), "the character");
  refused("ab\xc3\xa9", "the character");
}

// ---- RFC 3339 and spans ----

TEST_CASE("util::parse_rfc3339 reads UTC, fractions and offsets and refuses impossible dates",
          "[jwt][time]") {
  using util::parse_rfc3339;
  CHECK(parse_rfc3339("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_rfc3339("2023-11-14T22:13:20Z") == kNow);
  CHECK(parse_rfc3339("2023-11-14t22:13:20z") == kNow);
  CHECK(parse_rfc3339("2023-11-14 22:13:20Z") == kNow);
  CHECK(parse_rfc3339("2023-11-14T22:13:20.999Z") == kNow);
  CHECK(parse_rfc3339("2023-11-14T22:13:20.5+00:00") == kNow);
  CHECK(parse_rfc3339("2023-11-14T23:13:20+01:00") == kNow);
  CHECK(parse_rfc3339("2023-11-14T16:43:20-05:30") == kNow);
  CHECK(parse_rfc3339("2023-11-15T00:13:20.123456789+02:00") == kNow);
  CHECK(parse_rfc3339("1969-12-31T23:59:59Z") == -1);
  CHECK(parse_rfc3339("2024-02-29T00:00:00Z") == 1709164800);
  CHECK(parse_rfc3339("2016-12-31T23:59:60Z").has_value());  // a leap second

  for (const char* bad : {
           "",
           "garbage",
           "2023-11-14",
           "2023-11-14T22:13:20",
           "2023-02-30T00:00:00Z",
           "2023-02-29T00:00:00Z",
           "1900-02-29T00:00:00Z",
           "2023-04-31T00:00:00Z",
           "2023-13-01T00:00:00Z",
           "2023-00-01T00:00:00Z",
           "2023-11-00T00:00:00Z",
           "2023-11-14T24:00:00Z",
           "2023-11-14T22:60:00Z",
           "2023-11-14T22:13:61Z",
           "2023-11-14T22:13:20.Z",
           "2023-11-14T22:13:20+0100",
           "2023-11-14T22:13:20+24:00",
           "2023-11-14T22:13:20+01:60",
           "2023-11-14T22:13:20Zjunk",
           "2023-11-14T22:13:20+01:00 ",
           "23-11-14T22:13:20Z",
           "2023-1-14T22:13:20Z",
           "2023/11/14T22:13:20Z",
           "2023-11-14T2:13:20Z",
           "+023-11-14T22:13:20Z",
       }) {
    INFO(bad);
    CHECK_FALSE(parse_rfc3339(bad).has_value());
  }
}

TEST_CASE(
    "util::approximate_span gives whole seconds below 90 s, then rounded minutes, hours, days",
    "[jwt][time]") {
  using util::approximate_span;
  CHECK(approximate_span(0) == "0 s");
  CHECK(approximate_span(42.9) == "42 s");
  CHECK(approximate_span(89) == "89 s");
  CHECK(approximate_span(90) == "2 min");
  CHECK(approximate_span(240) == "4 min");
  CHECK(approximate_span(269) == "4 min");
  CHECK(approximate_span(270) == "5 min");
  CHECK(approximate_span(5399) == "90 min");
  CHECK(approximate_span(5400) == "2 h");
  CHECK(approximate_span(9000 - 1) == "2 h");
  CHECK(approximate_span(7200) == "2 h");
  CHECK(approximate_span(47 * 3600 + 1799) == "47 h");
  CHECK(approximate_span(48 * 3600) == "2 days");
  CHECK(approximate_span(3 * 86400 + 5) == "3 days");
  CHECK(approximate_span(-240) == "4 min");
  CHECK(approximate_span(-7200.5) == "2 h");
  CHECK(approximate_span(1e12) == "over a million days");
}

// ---- JSON objects ----

TEST_CASE("jwt::parse_object refuses duplicate member names at any depth", "[jwt][json][errors]") {
  const auto refused = [](std::string_view text, std::string_view member) {
    const auto parsed = jwt::parse_object(text, "the header");
    INFO(text);
    REQUIRE_FALSE(parsed);
    INFO(parsed.error().message);
    CHECK(parsed.error().kind == "malformed");
    CHECK(contains(parsed.error().message, "the header"));
    CHECK(contains(parsed.error().message, std::string("'") + std::string(member) + "' twice"));
  };
  refused(R"({"alg":"HS256","alg":"none"})", "alg");
  refused(R"({"a":{"b":1,"b":2}})", "b");
  refused(R"({"a":[{"c":1},{"d":1,"d":1}]})", "d");
  refused(R"({"a":1,"\u0061":2})", "a");  // the same name, once escaped

  // The same name in different objects is fine.
  const auto fine = jwt::parse_object(R"({"a":{"a":1},"b":[{"a":1},{"a":2}],"c":{"a":{}}})", "x");
  REQUIRE(fine);
  CHECK(fine->size() == 3);
  // Members keep their order.
  const auto ordered = jwt::parse_object(R"({"z":1,"a":2,"m":3})", "x");
  REQUIRE(ordered);
  CHECK(ordered->dump() == R"({"z":1,"a":2,"m":3})");
}

TEST_CASE("jwt::parse_object refuses deep nesting before parsing, without crashing",
          "[jwt][json][errors]") {
  const auto depth = [](int levels) {
    // An object (one level) holding levels - 1 nested arrays.
    const auto arrays = static_cast<std::size_t>(levels - 1);
    return "{\"a\":" + std::string(arrays, '[') + std::string(arrays, ']') + "}";
  };
  CHECK(jwt::parse_object(depth(jwt::kMaxJsonDepth), "the payload"));
  const auto too_deep = jwt::parse_object(depth(jwt::kMaxJsonDepth + 1), "the payload");
  REQUIRE_FALSE(too_deep);
  CHECK(too_deep.error().kind == "malformed");
  CHECK(contains(too_deep.error().message, "the payload nests JSON deeper than 32 levels"));

  for (const std::string& hostile :
       {std::string(100000, '['), std::string(100000, '{'), "{\"a\":" + std::string(100000, '['),
        std::string(50000, '[') + std::string(50000, ']')}) {
    const auto parsed = jwt::parse_object(hostile, "the header");
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().kind == "malformed");
    CHECK(contains(parsed.error().message, "deeper"));
  }
  // Brackets inside strings, escaped quotes included, are not nesting.
  CHECK(jwt::parse_object("{\"a\":\"" + std::string(100, '[') + "\"}", "x"));
  CHECK(jwt::parse_object("{\"a\":\"\\\"" + std::string(100, '{') + "\"}", "x"));
}

TEST_CASE("jwt::parse_object refuses invalid UTF-8, non-objects and truncated JSON",
          "[jwt][json][errors]") {
  const auto refused = [](std::string_view text, std::string_view part) {
    const auto parsed = jwt::parse_object(text, "the JWK");
    INFO(util::printable(text));
    REQUIRE_FALSE(parsed);
    INFO(parsed.error().message);
    CHECK(parsed.error().kind == "malformed");
    CHECK(contains(parsed.error().message, "the JWK"));
    CHECK(contains(parsed.error().message, part));
    CHECK_FALSE(contains(parsed.error().message, "\n"));
  };
  refused("{\"a\":\"\xff\"}", "not valid JSON");
  refused("{\"a\":\"\xc0\xaf\"}", "not valid JSON");      // overlong '/'
  refused("{\"a\":\"\xed\xa0\x80\"}", "not valid JSON");  // a UTF-8 surrogate
  refused("{\"a\":\"\xe2\x82\"}", "not valid JSON");      // a cut sequence
  refused(R"({"a":"\ud800"})", "not valid JSON");         // a lone surrogate escape
  refused("{\"\xff\":1}", "not valid JSON");
  refused("[]", "JSON array, not an object");
  refused("[{\"alg\":\"HS256\"}]", "JSON array, not an object");
  refused("\"text\"", "JSON string, not an object");
  refused("42", "JSON number, not an object");
  refused("null", "JSON null, not an object");
  refused("true", "JSON boolean, not an object");
  refused("", "not valid JSON");
  refused("{", "not valid JSON");
  refused(R"({"a")", "not valid JSON");
  refused(R"({"a":1)", "not valid JSON");
  refused(R"({"a":"b)", "not valid JSON");
  refused(R"({"a":1}x)", "not valid JSON");
  refused(R"({"a":1}{"b":2})", "not valid JSON");
  refused(R"({'a':1})", "not valid JSON");
  refused(R"({"a":1,})", "not valid JSON");

  CHECK(jwt::parse_object("{\"name\":\"J\xc3\xa9r\xc3\xb4me \xf0\x9f\x94\x91\"}", "x"));
  CHECK(jwt::parse_object(" \n{}\t", "x"));
}

// ---- decoding tokens ----

TEST_CASE("jwt::decode_token reads the segments of a compact JWS", "[jwt][token]") {
  const auto text = unsigned_token(R"({"alg":"HS256","typ":"JWT"})", R"({"sub":"alice"})", "sig");
  const auto token = jwt::decode_token(text);
  REQUIRE(token);
  CHECK(token->alg == "HS256");
  CHECK(token->header["typ"] == "JWT");
  CHECK(token->claims["sub"] == "alice");
  CHECK(token->signature == "sig");
  CHECK(token->header_segment == b64(R"({"alg":"HS256","typ":"JWT"})"));
  CHECK(token->signing_input() + "." + token->signature_segment == text);
  // An unsecured JWS has an empty signature segment.
  const auto unsecured = jwt::decode_token(unsigned_token(R"({"alg":"none"})", "{}"));
  REQUIRE(unsecured);
  CHECK(unsecured->signature.empty());
  CHECK(unsecured->alg == "none");
}

TEST_CASE("jwt::decode_token names every malformed shape", "[jwt][token][errors]") {
  const auto header = b64(R"({"alg":"HS256"})");
  const auto payload = b64(R"({"sub":"alice"})");
  const auto refused = [](std::string_view text, std::string_view part) {
    const auto token = jwt::decode_token(text);
    INFO(util::printable(text.substr(0, 120)));
    REQUIRE_FALSE(token);
    INFO(token.error().message);
    CHECK(token.error().kind == "malformed");
    CHECK(contains(token.error().message, part));
    CHECK_FALSE(contains(token.error().message, "\n"));
  };
  refused("", "empty");
  refused(header, "1 segment;");
  refused(header + "." + payload, "2 segments");
  refused(header + "." + payload + ".c2ln.c2ln", "4 segments");
  refused(header + "." + payload + ".a.b.c.d", "6 segments");
  refused(header + ".a.b.c." + payload, "JWE");
  refused("..", "the header segment is empty");
  refused("." + payload + ".c2ln", "the header segment is empty");
  refused(header + "..c2ln", "the payload segment is empty");
  refused(header + " ." + payload + ".", "whitespace");
  refused(header + "." + payload + "\n.", "whitespace");
  refused(header + "." + payload + ".c2ln\n", "whitespace");
  refused(header + "." + payload + ". c2ln", "whitespace at offset 42");
  refused(b64(R"({"alg":"HS256"})") + "==." + payload + ".", "padding");
  refused(header + "." + payload + ".c2ln=", "padding");
  refused(header + "." + payload + ".ab+/", "standard base64");
  refused(b64("not json") + "." + payload + ".", "the header is not valid JSON");
  refused(b64(R"(["alg","HS256"])") + "." + payload + ".", "the header is a JSON array");
  refused(header + "." + b64(R"("alice")") + ".", "the payload is a JSON string");
  refused(header + "." + b64("Hello, world") + ".", "the payload is not valid JSON");
  refused(header + "." + b64(R"({"a":1,"a":2})") + ".", "twice");
  refused(b64(R"({"typ":"JWT"})") + "." + payload + ".", "no \"alg\"");
  refused(b64(R"({"alg":256})") + "." + payload + ".", "JSON number, not a string");
  refused(b64(R"({"alg":null})") + "." + payload + ".", "JSON null, not a string");
  refused(b64(R"({"alg":["HS256"]})") + "." + payload + ".", "JSON array, not a string");

  const std::string too_long = header + "." + payload + "." + std::string(jwt::kMaxTokenBytes, 'A');
  refused(too_long, "more than the 262144");
  const std::string megabyte(1024 * 1024, 'A');
  refused(megabyte, "1048576 bytes");
  refused(std::string(1024 * 1024, '.'), "1048576 bytes");
}

TEST_CASE("jwt::decode_token survives every prefix of a token and random input", "[jwt][token]") {
  const auto key = hmac_key();
  const auto token = sign(Algorithm::hs256, key, fresh_claims(), "kid-1");
  for (std::size_t size = 0; size <= token.size(); ++size)
    check_decodes_or_is_malformed(std::string_view(token).substr(0, size));
  CHECK(jwt::decode_token(token));

  std::mt19937 random(8037);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<std::size_t> length(0, 300);
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    const auto size = length(random);
    for (std::size_t i = 0; i < size; ++i)
      text += static_cast<char>(byte(random));
    check_decodes_or_is_malformed(text);
  }

  constexpr std::string_view kTokenish =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_....=+/ ";
  std::uniform_int_distribution<std::size_t> pick(0, kTokenish.size() - 1);
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    const auto size = length(random);
    for (std::size_t i = 0; i < size; ++i)
      text += kTokenish[pick(random)];
    check_decodes_or_is_malformed(text);
  }

  // Segments that are base64url of JSON-ish fragments: these get past the
  // base64url checks and exercise the JSON and "alg" checks; verify_token()
  // must never call one valid.
  const std::vector<std::string> fragments = {
      "{",       "}",          "[",         "]",        ":",
      ",",       "\"alg\"",    "\"HS256\"", "\"none\"", "1",
      "-1",      "1e999",      "null",      "true",     "\"kid\"",
      "\"exp\"", "\"crit\"",   "\"a\"",     "\"",       "\\",
      "\\u0000", "\xff",       "\xc3",      " ",        "{\"alg\":\"HS256\"}",
      "{}",      "[]",         "{\"",       "\"aud\"",  "\"iat\"",
      "\"nbf\"", "\"\\ud800\""};
  const std::vector<std::string> objects = {R"({"alg":"HS256"})",
                                            R"({"alg":"none"})",
                                            R"({"alg":"HS256","crit":["x"]})",
                                            R"({"alg":"HS256","kid":1})",
                                            R"({"sub":"a","exp":1})",
                                            R"({"exp":"x","aud":[1]})",
                                            "{}"};
  std::uniform_int_distribution<std::size_t> object(0, objects.size() - 1);
  std::uniform_int_distribution<std::size_t> fragment(0, fragments.size() - 1);
  std::bernoulli_distribution whole(0.4);
  std::uniform_int_distribution<int> count(0, 8);
  std::uniform_int_distribution<int> segments(1, 6);
  const auto keys = one_key(hmac_key());
  int decoded = 0;
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    const int parts = segments(random);
    for (int part = 0; part < parts; ++part) {
      if (part > 0) text += '.';
      std::string json;
      if (whole(random)) {
        json = objects[object(random)];
      } else {
        const int pieces = count(random);
        for (int piece = 0; piece < pieces; ++piece)
          json += fragments[fragment(random)];
      }
      text += b64(json);
    }
    check_decodes_or_is_malformed(text);
    if (jwt::decode_token(text)) ++decoded;
    const auto verdict = jwt::verify_token(text, keys, at_now());
    CHECK_FALSE(verdict.valid);
  }
  CHECK(decoded > 0);
}

// ---- the published vectors ----

TEST_CASE(
    "jwt: every published RFC 7515, 7520 and 8037 vector verifies, and fails with one flipped bit",
    "[jwt][vectors]") {
  for (const auto& vector : jwt_vectors::kVectors) {
    INFO(vector.name);
    const auto algorithm = jwt::parse_algorithm(vector.alg);
    REQUIRE(algorithm);
    const auto jwk = parse(vector.jwk);
    auto from_jwk = jwt::key_from_jwk(jwk, vector.name);
    if (!from_jwk) INFO(from_jwk.error().message);
    REQUIRE(from_jwk);
    const auto keys = load(vector.jwk);
    REQUIRE(keys.keys.size() == 1);
    CHECK_FALSE(keys.is_set);
    const jwt::Key& key = keys.keys.front();
    CHECK(jwt::describe_key(key) == jwt::describe_key(*from_jwk));
    // Loaded to verify, an asymmetric JWK gives only its public half; to sign,
    // the private one too. A secret is always whole.
    const bool secret = key.family == jwt::KeyFamily::hmac;
    CHECK(key.has_private == secret);
    const auto signing = jwt::load_keys(vector.jwk, vector.name, {jwt::KeyPurpose::sign, false});
    REQUIRE(signing);
    CHECK(signing->keys.front().has_private);
    CHECK_FALSE(jwt::key_mismatch(*algorithm, key));

    const auto segments = util::split(vector.token, '.');
    REQUIRE(segments.size() == 3);
    const std::string input = std::string(segments[0]) + "." + std::string(segments[1]);
    const auto signature = util::base64url_decode(segments[2]);
    REQUIRE(signature);
    std::string flipped = *signature;
    flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x10);

    const auto good = jwt::verify_signature(*algorithm, key, input, *signature);
    INFO(good.detail);
    CHECK(good.ok);
    CHECK_FALSE(jwt::verify_signature(*algorithm, key, input, flipped).ok);

    if (vector.claims_are_json) {
      auto options = at_now();
      options.now = static_cast<double>(vector.exp - 60);
      const auto verdict = jwt::verify_token(vector.token, keys, options);
      INFO(verdict.reason << ": " << verdict.reason_detail);
      CHECK(verdict.valid);
      REQUIRE(verdict.key);
      CHECK(verdict.key->alg == vector.alg);
      const auto tampered = jwt::verify_token(with_signature(vector.token, flipped), keys, options);
      require_reason(tampered, "signature", "signature");
    } else {
      // A text payload is no JWT: verify_token() calls it malformed.
      require_reason(jwt::verify_token(vector.token, keys, at_now()), "malformed", "format");
    }

    if (key.family == jwt::KeyFamily::hmac) continue;
    const auto published = jwk_of(key);
    CHECK_FALSE(published.contains("d"));
    CHECK_FALSE(published.contains("p"));
    auto reimported = jwt::key_from_jwk(published, "the public JWK");
    REQUIRE(reimported);
    CHECK_FALSE(reimported->has_private);
    CHECK(reimported->kid == key.kid);
    CHECK(jwt::verify_signature(*algorithm, *reimported, input, *signature).ok);
    CHECK_FALSE(jwt::verify_signature(*algorithm, *reimported, input, flipped).ok);
    if (vector.claims_are_json) {
      auto options = at_now();
      options.now = static_cast<double>(vector.exp - 60);
      CHECK(jwt::verify_token(vector.token, one_key(std::move(*reimported)), options).valid);
    }
  }
}

// ---- keys made with OpenSSL, every PEM form ----

TEST_CASE("jwt: every algorithm signs with a private key and verifies with every public form",
          "[jwt][keys]") {
  const auto claims = fresh_claims();
  for (const auto algorithm : jwt::all_algorithms()) {
    const std::string name(jwt::algorithm_name(algorithm));
    INFO(name);
    if (jwt::key_family(algorithm) == jwt::KeyFamily::hmac) {
      const std::string secret(static_cast<std::size_t>(jwt::digest_bytes(algorithm)), 'k');
      const auto token = sign(algorithm, jwt::secret_key(secret, "secret"), claims);
      CHECK(jwt::verify_token(token, one_key(jwt::secret_key(secret, "secret")), at_now()).valid);
      const auto jwk = load(R"({"kty":"oct","k":")" + b64(secret) + R"("})");
      CHECK(jwt::verify_token(token, jwk, at_now()).valid);
      CHECK_FALSE(
          jwt::verify_token(token, one_key(jwt::secret_key(secret + "x", "secret")), at_now())
              .valid);
      continue;
    }
    for (const bool edwards448 : {false, true}) {
      if (edwards448 && algorithm != Algorithm::eddsa) continue;
      EVP_PKEY* pkey = key_for(algorithm, edwards448);
      const auto forms = pem_forms(pkey);
      for (const auto& signer : forms) {
        if (!signer.is_private) continue;
        INFO("signed with the " << signer.name << " private key");
        const auto private_keys = load(signer.text);
        const jwt::Key& private_key = private_keys.keys.front();
        CHECK(private_key.has_private);
        CHECK(contains(private_key.source, signer.name));
        const auto token = sign(algorithm, private_key, claims, "k1");
        const auto decoded = jwt::decode_token(token);
        REQUIRE(decoded);
        CHECK(decoded->alg == name);
        CHECK(decoded->header["kid"] == "k1");
        CHECK(decoded->header["typ"] == "JWT");
        for (const auto& verifier : forms) {
          INFO("verified with the " << verifier.name << (verifier.is_private ? " private" : "")
                                    << " key");
          const auto keys = load(verifier.text);
          const jwt::Key& key = keys.keys.front();
          CHECK(key.has_private == verifier.is_private);
          CHECK(contains(key.source, verifier.name));
          const auto verdict = jwt::verify_token(token, keys, at_now());
          INFO(verdict.reason << ": " << verdict.reason_detail);
          CHECK(verdict.valid);
        }
        const auto public_jwk = jwk_of(private_key);
        CHECK(jwt::verify_token(token, load(public_jwk.dump()), at_now()).valid);
        auto tampered_claims = claims;
        tampered_claims["sub"] = "mallory";
        const auto forged = token.substr(0, token.find('.') + 1) + b64(tampered_claims.dump()) +
                            token.substr(token.rfind('.'));
        require_reason(jwt::verify_token(forged, load(forms.front().text), at_now()), "signature",
                       "signature");
      }
    }
  }
}

TEST_CASE("jwt::load_keys describes keys by kind, size and curve", "[jwt][keys]") {
  const auto& keys = test_keys();
  const auto rsa = load(spki_pem(keys.rsa.get()));
  CHECK(rsa.keys.front().family == jwt::KeyFamily::rsa);
  CHECK(rsa.keys.front().bits == 2048);
  CHECK(jwt::describe_key(rsa.keys.front()) == "RSA 2048-bit public key");
  CHECK(jwt::key_type(rsa.keys.front()) == "RSA");
  CHECK(rsa.keys.front().source.starts_with("SPKI public key (PEM)"));
  CHECK(contains(rsa.keys.front().source, "the test key"));
  const auto p384 = load(pkcs8_pem(keys.p384.get()));
  CHECK(jwt::describe_key(p384.keys.front()) == "EC P-384 private key");
  CHECK(jwt::key_type(p384.keys.front()) == "EC");
  const auto p521 = load(spki_pem(keys.p521.get()));
  CHECK(p521.keys.front().curve == "P-521");
  CHECK(p521.keys.front().bits == 521);
  const auto ed448 = load(spki_pem(keys.ed448.get()));
  CHECK(jwt::describe_key(ed448.keys.front()) == "Ed448 public key");
  CHECK(jwt::key_type(ed448.keys.front()) == "OKP");
  CHECK(jwt::describe_key(hmac_key()) == "64-byte secret");
  CHECK(jwt::key_type(hmac_key()) == "oct");
  const auto cert = load(certificate_pem(keys.ed25519.get()));
  CHECK(cert.keys.front().source.starts_with("X.509 certificate (PEM)"));
  CHECK(cert.keys.front().curve == "Ed25519");
  CHECK_FALSE(cert.keys.front().has_private);
  // Text around the PEM block, as `openssl x509 -text` writes it, is ignored.
  const auto with_text = load("Certificate:\n    Data: ...\n" + certificate_pem(keys.p256.get()));
  CHECK(with_text.keys.front().curve == "P-256");
}

TEST_CASE("jwt::generate_key makes private keys of each kind that sign and verify", "[jwt][keys]") {
  for (const auto& [kind, algorithm] :
       std::vector<std::pair<std::string, Algorithm>>{{"P-256", Algorithm::es256},
                                                      {"P-384", Algorithm::es384},
                                                      {"P-521", Algorithm::es512},
                                                      {"Ed25519", Algorithm::eddsa},
                                                      {"Ed448", Algorithm::eddsa}}) {
    INFO(kind);
    auto key = jwt::generate_key(kind);
    REQUIRE(key);
    CHECK(key->has_private);
    CHECK(key->curve == kind);
    const auto token = sign(algorithm, *key, fresh_claims());
    CHECK(jwt::verify_token(token, load(jwk_of(*key).dump()), at_now()).valid);
  }
  const auto unknown = jwt::generate_key("DSA");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().kind == "bad_option");
}

TEST_CASE("jwt: a certificate from tls::make_certificate verifies what its key signed",
          "[jwt][keys]") {
  tls::CertificateRequest request;
  request.common_name = "issuer.example";
  auto made = tls::make_certificate(request);
  REQUIRE(made);
  const auto signer = load(tls::private_key_pem(made->key.get()));
  const auto token = sign(Algorithm::es256, signer.keys.front(), fresh_claims());
  const auto verdict =
      jwt::verify_token(token, load(tls::certificate_pem(made->certificate.get())), at_now());
  INFO(verdict.reason_detail);
  CHECK(verdict.valid);
}

TEST_CASE("jwt: an RSA-PSS key signs PS256 but is refused for RS256", "[jwt][keys]") {
  const auto keys = load(pkcs8_pem(test_keys().rsa_pss.get()));
  const jwt::Key& key = keys.keys.front();
  CHECK(key.pss_only);
  CHECK(jwt::describe_key(key) == "RSA-PSS 2048-bit private key");
  const auto token = sign(Algorithm::ps256, key, fresh_claims());
  CHECK(jwt::verify_token(token, load(spki_pem(test_keys().rsa_pss.get())), at_now()).valid);
  const auto refused = jwt::create_signature(Algorithm::rs256, key, "a.b");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().kind == "bad_key");
  CHECK(contains(refused.error().message, "RSA-PSS"));
  const auto rs256 =
      sign(Algorithm::rs256, load(pkcs8_pem(test_keys().rsa.get())).keys.front(), fresh_claims());
  require_reason(jwt::verify_token(rs256, keys, at_now()), "key_type_mismatch", "key_type");
}

TEST_CASE("jwt::sign_token refuses keys that cannot sign and claims that are not UTF-8",
          "[jwt][keys][errors]") {
  const auto public_key = load(spki_pem(test_keys().p256.get()));
  const auto no_private = jwt::sign_token(Algorithm::es256, public_key.keys.front(), "", {});
  REQUIRE_FALSE(no_private);
  CHECK(no_private.error().kind == "bad_key");
  CHECK(contains(no_private.error().message, "private key"));

  const auto wrong_family = jwt::sign_token(Algorithm::rs256, hmac_key(), "", {});
  REQUIRE_FALSE(wrong_family);
  CHECK(wrong_family.error().kind == "bad_key");

  const auto wrong_curve = jwt::sign_token(
      Algorithm::es384, load(pkcs8_pem(test_keys().p256.get())).keys.front(), "", Json::object());
  REQUIRE_FALSE(wrong_curve);
  CHECK(contains(wrong_curve.error().message, "P-384"));

  Json claims = Json::object();
  claims["name"] = std::string("\xff\xfe");
  const auto not_utf8 = jwt::sign_token(Algorithm::hs256, hmac_key(), "", claims);
  REQUIRE_FALSE(not_utf8);
  CHECK(not_utf8.error().kind == "bad_option");
}

// ---- PEM failures ----

TEST_CASE("jwt::load_keys names what is wrong with a PEM file", "[jwt][keys][errors]") {
  const auto& keys = test_keys();
  require_bad_keys("", "is empty");
  require_bad_keys(" \n\t\n", "is empty");
  require_bad_keys("hello, I am not a key", "neither PEM");
  require_bad_keys("[1,2,3]", "neither PEM");

  const auto spki = spki_pem(keys.p256.get());
  require_bad_keys(spki.substr(0, spki.find("-----END")), "does not decode");
  require_bad_keys(spki.substr(0, spki.size() / 2) + "\n-----END PUBLIC KEY-----\n",
                   "does not decode");
  require_bad_keys("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
                   "SPKI public key (PEM) does not decode");
  require_bad_keys("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
                   "X.509 certificate (PEM) does not decode");
  require_bad_keys("-----BEGIN PRIVATE KEY-----\nMIIE", "does not decode");

  {
    const Bio bio(BIO_new(BIO_s_mem()));
    REQUIRE(PEM_write_bio_PKCS8PrivateKey(bio.get(), keys.p256.get(), EVP_aes_256_cbc(), nullptr, 0,
                                          nullptr, const_cast<char*>("passphrase")) == 1);
    const auto encrypted = bio_text(bio.get());
    REQUIRE(contains(encrypted, "ENCRYPTED PRIVATE KEY"));
    require_bad_keys(encrypted, "encrypted private key");
  }
  {
    const Bio bio(BIO_new(BIO_s_mem()));
    static unsigned char passphrase[] = "passphrase";
    REQUIRE(PEM_write_bio_PrivateKey_traditional(bio.get(), keys.p256.get(), EVP_aes_128_cbc(),
                                                 passphrase, 10, nullptr, nullptr) == 1);
    const auto encrypted = bio_text(bio.get());
    REQUIRE(contains(encrypted, "Proc-Type: 4,ENCRYPTED"));
    require_bad_keys(encrypted, "encrypted private key");
  }

  require_bad_keys("-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n",
                   "'CERTIFICATE REQUEST' block, not a key");
  require_bad_keys("-----BEGIN X509 CRL-----\nMIIB\n-----END X509 CRL-----\n", "not a key");
  require_bad_keys(kP256Parameters, "only EC parameters");

  require_bad_keys(kDsaPublicKey, "'DSA' key cannot sign JWS");
  const auto secp256k1 = generate("EC", "secp256k1");
  require_bad_keys(spki_pem(secp256k1.get()), "secp256k1");
  require_bad_keys(pkcs8_pem(secp256k1.get()), "secp256k1");
  const auto x25519 = generate("X25519");
  require_bad_keys(pkcs8_pem(x25519.get()), "X25519");
}

TEST_CASE("jwt::load_keys reads an EC PARAMETERS block followed by the EC PRIVATE KEY",
          "[jwt][keys]") {
  const auto sec1 = encoded(test_keys().p256.get(), EVP_PKEY_KEYPAIR, "type-specific");
  REQUIRE(contains(sec1, "-----BEGIN EC PRIVATE KEY-----"));
  const auto keys = load(std::string(kP256Parameters) + sec1);
  const jwt::Key& key = keys.keys.front();
  CHECK(key.family == jwt::KeyFamily::ec);
  CHECK(key.curve == "P-256");
  CHECK(key.has_private);
  CHECK(key.source.starts_with("SEC1 EC private key (PEM)"));
  const auto token = sign(Algorithm::es256, key, fresh_claims());
  CHECK(jwt::verify_token(token, load(spki_pem(test_keys().p256.get())), at_now()).valid);
}

// ---- JWK and JWKS failures ----

TEST_CASE("jwt::key_from_jwk checks every member and names the problem", "[jwt][keys][errors]") {
  require_bad_jwk(parse(R"({"k":"c2VjcmV0"})"), "no \"kty\"");
  require_bad_jwk(parse(R"({"kty":"DSA"})"), "kty 'DSA' is not supported");
  require_bad_jwk(parse(R"({"kty":7})"), "JSON number, not a string");
  require_bad_jwk(Json::array(), "not a JSON array");
  require_bad_jwk(parse(R"({"kty":"oct"})"), "no 'k' member");
  require_bad_jwk(parse(R"({"kty":"oct","k":""})"), "'k' is empty");
  require_bad_jwk(parse(R"({"kty":"oct","k":"c2VjcmV0","kid":5})"), "'kid' is a JSON number");
  require_bad_jwk(parse(R"({"kty":"oct","k":"c2VjcmV0","alg":true})"), "'alg' is a JSON boolean");
  require_bad_jwk(parse(R"({"kty":"oct","k":"c2VjcmV0","use":["sig"]})"), "'use' is a JSON array");
  require_bad_jwk(parse(R"({"kty":"oct","k":"c2VjcmV0=="})"), "'k' is not base64url");
  require_bad_jwk(parse(R"({"kty":"oct","k":"c2Vj+mV0"})"), "standard base64");
  require_bad_jwk(parse(R"({"kty":"oct","k":123})"), "'k' is a JSON number");

  // EC
  auto ec = vector_jwk("RFC 7515 A.3 ES256");
  CHECK(jwt::key_from_jwk(ec, "the JWK"));
  {
    auto jwk = ec;
    jwk["crv"] = "P-256K";
    require_bad_jwk(jwk, "curve 'P-256K' is not supported");
    jwk.erase("crv");
    require_bad_jwk(jwk, "no \"crv\"");
  }
  {
    auto jwk = ec;
    jwk["x"] = b64(std::string(31, '\x01'));
    require_bad_jwk(jwk, "'x' is 31 bytes; this curve needs 32");
    jwk["x"] = b64(std::string(33, '\x01'));
    require_bad_jwk(jwk, "'x' is 33 bytes");
  }
  {
    auto jwk = ec;
    jwk.erase("y");
    require_bad_jwk(jwk, "no 'y' member");
  }
  {
    auto jwk = ec;
    auto y = *util::base64url_decode(jwk["y"].get<std::string>());
    y.back() = static_cast<char>(y.back() ^ 1);
    jwk["y"] = b64(y);
    require_bad_jwk(jwk, "not on the curve");
    jwk.erase("d");
    require_bad_jwk(jwk, "not on the curve");
  }
  {
    auto jwk = ec;
    jwk["d"] = b64(std::string(31, '\0') + "\x01");
    require_bad_jwk(jwk, "\"d\" is not the private key");
  }
  // OKP
  auto okp = vector_jwk("RFC 8037 A.4 EdDSA");
  CHECK(jwt::key_from_jwk(okp, "the JWK"));
  {
    auto jwk = okp;
    jwk["crv"] = "X25519";
    require_bad_jwk(jwk, "X25519 is for key agreement");
    jwk["crv"] = "X448";
    require_bad_jwk(jwk, "X448 is for key agreement");
    jwk["crv"] = "Ed1174";
    require_bad_jwk(jwk, "OKP curve 'Ed1174' is not supported");
    jwk["crv"] = "Ed448";
    require_bad_jwk(jwk, "is 32 bytes; this curve needs 57");
  }
  {
    auto jwk = okp;
    jwk["x"] = b64(std::string(32, '\x07'));
    require_bad_jwk(jwk, "\"x\" is not the public key of \"d\"");
  }
  // RSA
  auto rsa = vector_jwk("RFC 7515 A.2 RS256");
  CHECK(jwt::key_from_jwk(rsa, "the JWK"));
  {
    auto jwk = rsa;
    jwk["e"] = "AQA";  // 256
    require_bad_jwk(jwk, "\"e\" is not a usable RSA public exponent");
    jwk["e"] = "AQ";  // 1
    require_bad_jwk(jwk, "\"e\" is not a usable RSA public exponent");
    jwk["e"] = jwk["n"];  // e = n
    require_bad_jwk(jwk, "\"e\" is not a usable RSA public exponent");
  }
  {
    auto jwk = rsa;
    jwk["n"] = b64(std::string(2049, '\xff'));
    require_bad_jwk(jwk, "more than 16384");
    jwk["n"] = b64(std::string(32, '\xff'));
    require_bad_jwk(jwk, "not an RSA modulus (256 bits)");
    jwk["n"] = b64(std::string(255, '\xff') + "\xfe");
    require_bad_jwk(jwk, "even");
  }
  {
    auto jwk = rsa;
    jwk["oth"] = Json::array();
    require_bad_jwk(jwk, "\"oth\"");
  }
  for (const char* member : {"p", "q", "dp", "dq", "qi"}) {
    auto jwk = rsa;
    jwk.erase(member);
    INFO(member);
    require_bad_jwk(jwk, "some of p, q, dp, dq, qi but not all");
  }
  {
    auto jwk = rsa;
    jwk["n"] = "ofgW+uLj";
    require_bad_jwk(jwk, "'n' is not base64url");
  }
  {
    // The private exponent of another key.
    auto jwk = rsa;
    for (const char* member : {"p", "q", "dp", "dq", "qi"})
      jwk.erase(member);
    CHECK(jwt::key_from_jwk(jwk, "the JWK"));  // n, e and d alone are a private key
    jwk["d"] = vector_jwk("RFC 7520 4.1 RS256")["d"];
    require_bad_jwk(jwk, "\"d\" is not the private key of (n, e)");
  }
  {
    // All five factors, of another key.
    auto jwk = rsa;
    const auto other = vector_jwk("RFC 7520 4.1 RS256");
    for (const char* member : {"p", "q", "dp", "dq", "qi"})
      jwk[member] = other[member];
    require_bad_jwk(jwk, "d, p, q, dp, dq and qi are not a private key of (n, e)");
    // All five factors and d of another key.
    jwk["d"] = other["d"];
    require_bad_jwk(jwk, "are not a private key of (n, e)");
  }
}

TEST_CASE("jwt::load_keys reads a JWKS, skipping the keys it cannot use", "[jwt][keys]") {
  const auto ec = vector_jwk("RFC 7515 A.3 ES256");
  Json bad_curve = ec;
  bad_curve["crv"] = "P-256K";
  Json set = Json::object();
  set["keys"] = Json::array({bad_curve, ec, Json::object({{"kty", "oct"}})});
  const auto keys = load(set.dump());
  CHECK(keys.is_set);
  REQUIRE(keys.keys.size() == 1);
  CHECK(keys.keys.front().curve == "P-256");
  CHECK(keys.keys.front().source == "the test key");
  REQUIRE(keys.skipped.size() == 2);
  CHECK(contains(keys.skipped[0].reason, "key #1"));
  CHECK(contains(keys.skipped[0].reason, "P-256K"));
  CHECK(contains(keys.skipped[1].reason, "key #3"));

  require_bad_keys(R"({"keys":{"kty":"oct","k":"c2VjcmV0"}})", "\"keys\" is a JSON object");
  require_bad_keys(R"({"keys":"none"})", "not an array");
  require_bad_keys(R"({"keys":[]})", "no usable key");
  require_bad_keys(R"({"keys":[{"kty":"oct"},{"kty":"XYZ"}]})", "no usable key");
  require_bad_keys(R"({"keys":[1,2]})", "no usable key");
  require_bad_keys(R"({"keys":[],"keys":[]})", "twice");
  require_bad_keys(R"({"kty":"oct","k":"c2VjcmV0")", "not valid JSON");
  require_bad_keys(R"({"kty":"RSA"})", "no 'n' member");
}

// ---- verify_token reasons ----

TEST_CASE("jwt::verify_token passes a good token and lists each check it passed", "[jwt][verify]") {
  const auto keys = load(pkcs8_pem(test_keys().p256.get()));
  const auto token = sign(Algorithm::es256, keys.keys.front(), fresh_claims(), "kid-1");
  auto options = at_now();
  options.algorithms = {Algorithm::es256};
  options.issuer = "https://issuer.example";
  options.audiences = {"other", "api"};
  options.subject = "alice";
  options.required = {"iat", "exp"};
  const auto verdict = jwt::verify_token(token, keys, options);
  INFO(verdict.reason << ": " << verdict.reason_detail);
  CHECK(verdict.valid);
  CHECK(verdict.reason.empty());
  REQUIRE(verdict.token);
  CHECK(verdict.token->claims["sub"] == "alice");
  REQUIRE(verdict.key);
  CHECK(verdict.key->type == "EC");
  CHECK(verdict.key->alg == "ES256");
  for (const char* name :
       {"format", "alg", "key_type", "signature", "exp", "iat", "iss", "aud", "sub", "required"}) {
    INFO(name);
    const auto found = std::find_if(verdict.checks.begin(), verdict.checks.end(),
                                    [&](const jwt::Check& check) { return check.name == name; });
    REQUIRE(found != verdict.checks.end());
    CHECK(found->ok);
    CHECK(found->reason.empty());
  }
  for (const auto& check : verdict.checks) {
    INFO(check.name << ": " << check.detail);
    CHECK(check.ok);
  }
}

TEST_CASE("jwt::verify_token: malformed tokens", "[jwt][verify][errors]") {
  const auto keys = one_key(hmac_key());
  require_reason(jwt::verify_token("not.a.token.at.all.x", keys, at_now()), "malformed", "format");
  require_reason(jwt::verify_token("", keys, at_now()), "malformed", "format");
  const auto verdict = jwt::verify_token("abc", keys, at_now());
  require_reason(verdict, "malformed", "format");
  CHECK_FALSE(verdict.token);
  // A kid that is not a string, and a NumericDate that is not a number.
  require_reason(
      jwt::verify_token(signed_token(Algorithm::hs256, hmac_key(), R"({"alg":"HS256","kid":7})",
                                     R"({"sub":"a"})"),
                        load(R"({"keys":[{"kty":"oct","k":"c2VjcmV0","kid":"7"}]})"), at_now()),
      "malformed", "kid");
  require_reason(jwt::verify_token(signed_token(Algorithm::hs256, hmac_key(), R"({"alg":"HS256"})",
                                                R"({"exp":"tomorrow"})"),
                                   keys, at_now()),
                 "malformed", "exp");
}

TEST_CASE("jwt::verify_token: alg none in any case is refused, signature or not",
          "[jwt][verify][errors]") {
  const auto keys = one_key(hmac_key());
  const auto claims = fresh_claims().dump();
  for (const char* alg : {"none", "None", "NONE", "nOnE"}) {
    INFO(alg);
    const std::string header = std::string(R"({"alg":")") + alg + R"("})";
    require_reason(jwt::verify_token(unsigned_token(header, claims), keys, at_now()), "alg_none",
                   "alg");
    require_reason(jwt::verify_token(unsigned_token(header, claims, "sig"), keys, at_now()),
                   "alg_none", "alg");
    auto options = at_now();
    options.algorithms = {Algorithm::hs256};
    require_reason(jwt::verify_token(unsigned_token(header, claims), keys, options), "alg_none",
                   "alg");
    const auto token = jwt::decode_token(unsigned_token(header, claims));
    REQUIRE(token);
    CHECK(has_warning(jwt::token_warnings(*token, static_cast<double>(kNow)), "alg_none"));
  }
}

TEST_CASE("jwt::verify_token: algorithms outside --alg or unknown are not allowed",
          "[jwt][verify][errors]") {
  const auto keys = one_key(hmac_key());
  const auto token = sign(Algorithm::hs256, keys.keys.front(), fresh_claims());
  auto options = at_now();
  options.algorithms = {Algorithm::rs256, Algorithm::es256};
  const auto verdict = jwt::verify_token(token, keys, options);
  require_reason(verdict, "alg_not_allowed", "alg");
  CHECK(contains(verdict.reason_detail, "RS256, ES256"));
  options.algorithms = {Algorithm::hs256};
  CHECK(jwt::verify_token(token, keys, options).valid);

  for (const char* alg : {"HS1", "hs256", "RS1", "ES256K", "", "EdDSA "}) {
    INFO(alg);
    const auto unknown =
        unsigned_token(std::string(R"({"alg":")") + alg + R"("})", fresh_claims().dump(), "sig");
    require_reason(jwt::verify_token(unknown, keys, at_now()), "alg_not_allowed", "alg");
  }
}

TEST_CASE("jwt::verify_token: an HMAC token signed with the RSA public key is key_type_mismatch",
          "[jwt][verify][errors]") {
  // The key-confusion attack: the attacker signs HS256 with the PEM text of
  // the server's RSA public key, hoping the verifier uses that text as the
  // HMAC secret.
  const auto public_pem = spki_pem(test_keys().rsa.get());
  const auto forged = sign(Algorithm::hs256, jwt::secret_key(public_pem, "secret"), fresh_claims());
  const auto rsa_keys = load(public_pem);
  const auto verdict = jwt::verify_token(forged, rsa_keys, at_now());
  require_reason(verdict, "key_type_mismatch", "key_type");
  CHECK(contains(verdict.reason_detail, "key-confusion"));
  CHECK(std::none_of(verdict.checks.begin(), verdict.checks.end(),
                     [](const jwt::Check& check) { return check.name == "signature"; }));
  // The same with a JWKS holding the RSA key, and with the key as a JWK.
  Json set = Json::object();
  set["keys"] = Json::array({jwk_of(rsa_keys.keys.front())});
  const auto via_jwks = jwt::verify_token(forged, load(set.dump()), at_now());
  CHECK_FALSE(via_jwks.valid);
  CHECK(via_jwks.reason == "key_type_mismatch");
  require_reason(jwt::verify_token(forged, load(jwk_of(rsa_keys.keys.front()).dump()), at_now()),
                 "key_type_mismatch", "key_type");

  // ES256 needs P-256.
  const auto es256 =
      sign(Algorithm::es256, load(pkcs8_pem(test_keys().p256.get())).keys.front(), fresh_claims());
  const auto p384 = jwt::verify_token(es256, load(spki_pem(test_keys().p384.get())), at_now());
  require_reason(p384, "key_type_mismatch", "key_type");
  CHECK(contains(p384.reason_detail, "P-384"));
  // An EdDSA token against an EC key, an RS256 token against an Ed25519 key.
  const auto eddsa = sign(Algorithm::eddsa, load(pkcs8_pem(test_keys().ed25519.get())).keys.front(),
                          fresh_claims());
  require_reason(jwt::verify_token(eddsa, load(spki_pem(test_keys().p256.get())), at_now()),
                 "key_type_mismatch", "key_type");
  const auto rs256 =
      sign(Algorithm::rs256, load(pkcs8_pem(test_keys().rsa.get())).keys.front(), fresh_claims());
  require_reason(jwt::verify_token(rs256, load(spki_pem(test_keys().ed25519.get())), at_now()),
                 "key_type_mismatch", "key_type");
  require_reason(jwt::verify_token(rs256, one_key(hmac_key()), at_now()), "key_type_mismatch",
                 "key_type");
}

TEST_CASE("jwt::verify_token: a kid the JWKS lacks, or no kid among several keys, is unknown_kid",
          "[jwt][verify][errors]") {
  const auto signer = load(pkcs8_pem(test_keys().rsa.get()));
  auto first = jwk_of(signer.keys.front());
  first["kid"] = "rsa-1";
  auto second = first;
  second["kid"] = "rsa-2";
  Json set = Json::object();
  set["keys"] = Json::array({first, second});
  const auto jwks = load(set.dump());

  const auto missing = sign(Algorithm::rs256, signer.keys.front(), fresh_claims(), "rsa-3");
  const auto verdict = jwt::verify_token(missing, jwks, at_now());
  require_reason(verdict, "unknown_kid", "kid");
  CHECK(contains(verdict.reason_detail, "'rsa-1', 'rsa-2'"));

  const auto no_kid = sign(Algorithm::rs256, signer.keys.front(), fresh_claims());
  const auto ambiguous = jwt::verify_token(no_kid, jwks, at_now());
  require_reason(ambiguous, "unknown_kid", "kid");
  CHECK(contains(ambiguous.reason_detail, "2 keys"));

  CHECK(jwt::verify_token(sign(Algorithm::rs256, signer.keys.front(), fresh_claims(), "rsa-2"),
                          jwks, at_now())
            .valid);
  // One fitting key and no kid: that key is used.
  Json single = Json::object();
  single["keys"] = Json::array({first});
  CHECK(jwt::verify_token(no_kid, load(single.dump()), at_now()).valid);
}

TEST_CASE("jwt::verify_token: tampered payloads and broken signatures fail the signature check",
          "[jwt][verify][errors]") {
  const auto claims = fresh_claims();
  {
    const auto keys = one_key(hmac_key());
    const auto token = sign(Algorithm::hs256, keys.keys.front(), claims);
    auto tampered = claims;
    tampered["sub"] = "admin";
    const auto forged = token.substr(0, token.find('.') + 1) + b64(tampered.dump()) +
                        token.substr(token.rfind('.'));
    require_reason(jwt::verify_token(forged, keys, at_now()), "signature", "signature");
    const auto other_secret =
        jwt::verify_token(token, one_key(jwt::secret_key(std::string(64, 't'), "s")), at_now());
    require_reason(other_secret, "signature", "signature");
    require_reason(jwt::verify_token(with_signature(token, ""), keys, at_now()), "signature",
                   "signature");
  }

  const auto signer = load(pkcs8_pem(test_keys().p256.get()));
  const auto verifier = load(spki_pem(test_keys().p256.get()));
  const auto token = sign(Algorithm::es256, signer.keys.front(), claims);
  const auto signature = *util::base64url_decode(token.substr(token.rfind('.') + 1));
  REQUIRE(signature.size() == 64);
  const auto fails = [&](const std::string& bad, std::string_view part) {
    const auto verdict = jwt::verify_token(with_signature(token, bad), verifier, at_now());
    require_reason(verdict, "signature", "signature");
    INFO(verdict.reason_detail);
    CHECK(contains(verdict.reason_detail, part));
  };
  // The "psychic signature" (CVE-2022-21449): r = s = 0.
  fails(std::string(64, '\0'), "psychic signature");
  fails(std::string(32, '\0') + signature.substr(32), "r is 0");
  fails(signature.substr(0, 32) + std::string(32, '\0'), "s is 0");
  const auto order = from_hex("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551");
  fails(order + signature.substr(32), "r is not below the order of P-256");
  fails(signature.substr(0, 32) + order, "s is not below the order");
  fails(std::string(64, '\xff'), "not below the order");
  fails(signature.substr(0, 63), "ES256 signatures are 64 bytes (R || S); this one is 63");
  fails(signature + "x", "this one is 65");
  const auto input = token.substr(0, token.rfind('.'));
  fails(der_signature(test_keys().p256.get(), input), "DER-encoded");
  // r and s swapped.
  fails(signature.substr(32) + signature.substr(0, 32), "does not match");

  const auto rsa_signer = load(pkcs8_pem(test_keys().rsa.get()));
  const auto rsa_verifier = load(spki_pem(test_keys().rsa.get()));
  for (const auto algorithm : {Algorithm::rs256, Algorithm::ps512}) {
    const auto rsa_token = sign(algorithm, rsa_signer.keys.front(), claims);
    const auto rsa_signature = *util::base64url_decode(rsa_token.substr(rsa_token.rfind('.') + 1));
    REQUIRE(rsa_signature.size() == 256);
    const auto short_by_one = jwt::verify_token(with_signature(rsa_token, rsa_signature.substr(1)),
                                                rsa_verifier, at_now());
    require_reason(short_by_one, "signature", "signature");
    CHECK(contains(short_by_one.reason_detail, "256 bytes; this one is 255"));
    require_reason(
        jwt::verify_token(with_signature(rsa_token, std::string(1, '\0') + rsa_signature),
                          rsa_verifier, at_now()),
        "signature", "signature");
    require_reason(jwt::verify_token(with_signature(rsa_token, std::string(256, '\0')),
                                     rsa_verifier, at_now()),
                   "signature", "signature");
  }
  // RS256 and PS256 signatures are not interchangeable.
  const auto ps256 = sign(Algorithm::ps256, rsa_signer.keys.front(), claims);
  const auto ps_signature = *util::base64url_decode(ps256.substr(ps256.rfind('.') + 1));
  const auto rs256 = sign(Algorithm::rs256, rsa_signer.keys.front(), claims);
  require_reason(jwt::verify_token(with_signature(rs256, ps_signature), rsa_verifier, at_now()),
                 "signature", "signature");
}

TEST_CASE("jwt::verify_token: crit lists are refused, and malformed crit is malformed",
          "[jwt][verify][errors]") {
  const auto keys = one_key(hmac_key());
  const auto payload = fresh_claims().dump();
  const auto with_header = [&](const std::string& header) {
    return jwt::verify_token(signed_token(Algorithm::hs256, keys.keys.front(), header, payload),
                             keys, at_now());
  };
  const auto unsupported = with_header(R"({"alg":"HS256","crit":["b64"],"b64":false})");
  require_reason(unsupported, "crit_unsupported", "crit");
  CHECK(contains(unsupported.reason_detail, "'b64'"));
  // The header is refused before the signature is checked.
  CHECK(std::none_of(unsupported.checks.begin(), unsupported.checks.end(),
                     [](const jwt::Check& check) { return check.name == "signature"; }));
  require_reason(with_header(R"({"alg":"HS256","crit":["exp"],"exp":1})"), "crit_unsupported",
                 "crit");
  require_reason(with_header(R"({"alg":"HS256","crit":[]})"), "malformed", "crit");
  require_reason(with_header(R"({"alg":"HS256","crit":"b64"})"), "malformed", "crit");
  require_reason(with_header(R"({"alg":"HS256","crit":[1]})"), "malformed", "crit");
  require_reason(with_header(R"({"alg":"HS256","crit":null})"), "malformed", "crit");
}

TEST_CASE("jwt::verify_token: exp, nbf and iat against the clock and the leeway",
          "[jwt][verify][errors]") {
  const auto keys = one_key(hmac_key());
  const auto token_with = [&](const Json& changes) {
    auto claims = fresh_claims();
    for (const auto& [name, value] : changes.items())
      claims[name] = value;
    return sign(Algorithm::hs256, keys.keys.front(), claims);
  };
  const auto expired = jwt::verify_token(token_with({{"exp", kNow - 30}}), keys, at_now());
  require_reason(expired, "expired", "exp");
  CHECK(contains(expired.reason_detail, "expired 30 s ago"));
  require_reason(jwt::verify_token(token_with({{"exp", kNow}}), keys, at_now()), "expired", "exp");
  auto lenient = at_now();
  lenient.leeway = 60;
  CHECK(jwt::verify_token(token_with({{"exp", kNow - 30}}), keys, lenient).valid);
  require_reason(jwt::verify_token(token_with({{"exp", kNow - 61}}), keys, lenient), "expired",
                 "exp");

  const auto early = jwt::verify_token(token_with({{"nbf", kNow + 300}}), keys, at_now());
  require_reason(early, "not_yet_valid", "nbf");
  CHECK(contains(early.reason_detail, "valid in 5 min"));
  CHECK(jwt::verify_token(token_with({{"nbf", kNow + 30}}), keys, lenient).valid);
  CHECK(jwt::verify_token(token_with({{"nbf", kNow}}), keys, at_now()).valid);

  // iat in the future: a warning by default, a failure when iat is required.
  const auto future = token_with({{"iat", kNow + 300}});
  const auto warned = jwt::verify_token(future, keys, at_now());
  CHECK(warned.valid);
  CHECK(has_warning(warned.warnings, "iat_in_future"));
  auto strict = at_now();
  strict.required = {"iat"};
  require_reason(jwt::verify_token(future, keys, strict), "iat_in_future", "iat");
  strict.leeway = 600;
  CHECK(jwt::verify_token(future, keys, strict).valid);

  // Every problem is listed; the reason is the first.
  const auto both =
      jwt::verify_token(token_with({{"exp", kNow - 30}, {"nbf", kNow + 30}}), keys, at_now());
  CHECK(both.reason == "expired");
  CHECK(failed_check(both, "nbf", "not_yet_valid") != nullptr);
  // Claims are checked even when the signature fails.
  const auto bad_signature = jwt::verify_token(
      with_signature(token_with({{"exp", kNow - 30}}), std::string(32, 'x')), keys, at_now());
  CHECK(bad_signature.reason == "signature");
  CHECK(failed_check(bad_signature, "exp", "expired") != nullptr);
}

TEST_CASE("jwt::verify_token: iss, aud and sub must match, and required claims be present",
          "[jwt][verify][errors]") {
  const auto keys = one_key(hmac_key());
  const auto token_with = [&](const Json& changes, const std::vector<std::string>& removed = {}) {
    auto claims = fresh_claims();
    for (const auto& [name, value] : changes.items())
      claims[name] = value;
    for (const auto& name : removed)
      claims.erase(name);
    return sign(Algorithm::hs256, keys.keys.front(), claims);
  };
  const auto token = token_with(Json::object());

  auto options = at_now();
  options.issuer = "https://other.example";
  require_reason(jwt::verify_token(token, keys, options), "bad_issuer", "iss");
  require_reason(jwt::verify_token(token_with({{"iss", 42}}), keys, options), "bad_issuer", "iss");
  require_reason(jwt::verify_token(token_with({}, {"iss"}), keys, options), "missing_claim", "iss");

  options = at_now();
  options.audiences = {"billing"};
  const auto wrong_audience = jwt::verify_token(token, keys, options);
  require_reason(wrong_audience, "bad_audience", "aud");
  CHECK(contains(wrong_audience.reason_detail, "'billing'"));
  require_reason(
      jwt::verify_token(token_with({{"aud", Json::array({"api", "web"})}}), keys, options),
      "bad_audience", "aud");
  require_reason(
      jwt::verify_token(token_with({{"aud", Json::array({"billing", 7})}}), keys, options),
      "bad_audience", "aud");
  require_reason(jwt::verify_token(token_with({{"aud", 7}}), keys, options), "bad_audience", "aud");
  require_reason(jwt::verify_token(token_with({{"aud", Json::object()}}), keys, options),
                 "bad_audience", "aud");
  require_reason(jwt::verify_token(token_with({}, {"aud"}), keys, options), "missing_claim", "aud");
  CHECK(jwt::verify_token(token_with({{"aud", Json::array({"web", "billing"})}}), keys, options)
            .valid);
  CHECK(jwt::verify_token(token_with({{"aud", "billing"}}), keys, options).valid);
  // Without --aud, an aud is only a warning.
  const auto unchecked = jwt::verify_token(token, keys, at_now());
  CHECK(unchecked.valid);
  CHECK(has_warning(unchecked.warnings, "aud_not_checked"));

  options = at_now();
  options.subject = "bob";
  require_reason(jwt::verify_token(token, keys, options), "bad_subject", "sub");
  require_reason(jwt::verify_token(token_with({}, {"sub"}), keys, options), "missing_claim", "sub");
  options.subject = "alice";
  CHECK(jwt::verify_token(token, keys, options).valid);

  options = at_now();
  options.required = {"exp", "jti"};
  const auto missing = jwt::verify_token(token, keys, options);
  require_reason(missing, "missing_claim", "required");
  CHECK(contains(missing.reason_detail, "'jti'"));
  options.required = {"exp", "sub"};
  CHECK(jwt::verify_token(token, keys, options).valid);
  options.required = {"exp"};
  require_reason(jwt::verify_token(token_with({}, {"exp"}), keys, options), "missing_claim",
                 "required");
}

TEST_CASE("jwt::verify_token chooses JWKS keys by kid, never an encryption key", "[jwt][verify]") {
  const auto rsa_signer = load(pkcs8_pem(test_keys().rsa.get()));
  const auto ec_signer = load(pkcs8_pem(test_keys().p256.get()));
  auto rsa = jwk_of(rsa_signer.keys.front());
  rsa["kid"] = "rsa-1";
  rsa["use"] = "sig";
  auto ec = jwk_of(ec_signer.keys.front());
  ec["kid"] = "ec-1";
  auto ed = jwk_of(load(spki_pem(test_keys().ed25519.get())).keys.front());
  ed["kid"] = "ed-1";
  Json set = Json::object();
  set["keys"] = Json::array({ec, rsa, ed});
  const auto jwks = load(set.dump());
  REQUIRE(jwks.keys.size() == 3);

  const auto by_rsa = jwt::verify_token(
      sign(Algorithm::rs256, rsa_signer.keys.front(), fresh_claims(), "rsa-1"), jwks, at_now());
  CHECK(by_rsa.valid);
  REQUIRE(by_rsa.key);
  CHECK(by_rsa.key->kid == "rsa-1");
  CHECK(by_rsa.key->type == "RSA");
  CHECK(by_rsa.key->source == "the test key");
  const auto by_ec = jwt::verify_token(
      sign(Algorithm::es256, ec_signer.keys.front(), fresh_claims(), "ec-1"), jwks, at_now());
  CHECK(by_ec.valid);
  REQUIRE(by_ec.key);
  CHECK(by_ec.key->kid == "ec-1");
  // Without a kid, the one key that fits ES256 is used.
  const auto no_kid = jwt::verify_token(
      sign(Algorithm::es256, ec_signer.keys.front(), fresh_claims()), jwks, at_now());
  CHECK(no_kid.valid);
  // A kid naming a key of another type.
  require_reason(
      jwt::verify_token(sign(Algorithm::es256, ec_signer.keys.front(), fresh_claims(), "rsa-1"),
                        jwks, at_now()),
      "key_type_mismatch", "key_type");

  // "use":"enc" keys are never chosen, with or without a kid.
  auto enc = rsa;
  enc["use"] = "enc";
  const auto rs256 = sign(Algorithm::rs256, rsa_signer.keys.front(), fresh_claims(), "rsa-1");
  Json enc_only = Json::object();
  enc_only["keys"] = Json::array({enc, ec});
  const auto by_enc = jwt::verify_token(rs256, load(enc_only.dump()), at_now());
  require_reason(by_enc, "key_type_mismatch", "key_type");
  CHECK(contains(by_enc.reason_detail, "encryption"));
  CHECK(std::none_of(by_enc.checks.begin(), by_enc.checks.end(), [](const jwt::Check& check) {
    return check.name == "signature" && check.ok;
  }));
  const auto enc_no_kid =
      jwt::verify_token(sign(Algorithm::rs256, rsa_signer.keys.front(), fresh_claims()),
                        load(enc_only.dump()), at_now());
  require_reason(enc_no_kid, "key_type_mismatch", "kid");
  // A lone JWK marked for encryption is not used either.
  require_reason(jwt::verify_token(rs256, load(enc.dump()), at_now()), "key_type_mismatch",
                 "key_type");
  // With a signing key of the same kid beside it, the signing key is used.
  Json both = Json::object();
  both["keys"] = Json::array({enc, rsa});
  const auto by_sig = jwt::verify_token(rs256, load(both.dump()), at_now());
  CHECK(by_sig.valid);

  // A key declared for another algorithm.
  auto ps256_only = rsa;
  ps256_only["alg"] = "PS256";
  Json declared = Json::object();
  declared["keys"] = Json::array({ps256_only});
  require_reason(jwt::verify_token(rs256, load(declared.dump()), at_now()), "alg_not_allowed",
                 "key_type");
  require_reason(jwt::verify_token(rs256, load(ps256_only.dump()), at_now()), "alg_not_allowed",
                 "key_type");
  CHECK(jwt::verify_token(sign(Algorithm::ps256, rsa_signer.keys.front(), fresh_claims(), "rsa-1"),
                          load(declared.dump()), at_now())
            .valid);
}

TEST_CASE("jwt::verify_token warns about weak keys and short secrets", "[jwt][verify]") {
  const auto short_secret = jwt::secret_key("0123456789", "secret");
  const auto token = sign(Algorithm::hs256, short_secret, fresh_claims());
  const auto verdict =
      jwt::verify_token(token, one_key(jwt::secret_key("0123456789", "s")), at_now());
  CHECK(verdict.valid);
  CHECK(has_warning(verdict.warnings, "short_secret"));
  const auto long_enough = jwt::verify_token(sign(Algorithm::hs256, hmac_key(), fresh_claims()),
                                             one_key(hmac_key()), at_now());
  CHECK_FALSE(has_warning(long_enough.warnings, "short_secret"));
}

// ---- claims ----

TEST_CASE("jwt::numeric_date accepts non-negative numbers only", "[jwt][claims]") {
  const auto claims =
      parse(R"({"int":1700000000,"frac":1.5,"zero":0,"str":"1700000000","neg":-1,"bool":true,)"
            R"("null":null,"arr":[1],"negfrac":-0.5})");
  CHECK(jwt::numeric_date(claims, "int").value() == 1700000000.0);
  CHECK(jwt::numeric_date(claims, "frac").value() == 1.5);
  CHECK(jwt::numeric_date(claims, "zero").value() == 0.0);
  CHECK_FALSE(jwt::numeric_date(claims, "absent").value().has_value());
  for (const char* bad : {"str", "neg", "bool", "null", "arr", "negfrac"}) {
    INFO(bad);
    const auto date = jwt::numeric_date(claims, bad);
    REQUIRE_FALSE(date);
    CHECK(date.error().kind == "malformed");
    CHECK(contains(date.error().message, std::string("\"") + bad + "\""));
    CHECK(contains(date.error().message, "not a NumericDate"));
  }
}

TEST_CASE("jwt::time_claims says when in words, exp then nbf then iat", "[jwt][claims]") {
  const double now = static_cast<double>(kNow);
  const auto times = jwt::time_claims(
      parse(R"({"iat":1699999820,"nbf":1700000090,"exp":1700000240,"sub":"a"})"), now);
  REQUIRE(times.size() == 3);
  CHECK(times[0].name == "exp");
  CHECK(times[0].value == 1700000240.0);
  CHECK(times[0].utc == "2023-11-14T22:17:20Z");
  CHECK(times[0].relative == "expires in 4 min");
  CHECK(times[1].name == "nbf");
  CHECK(times[1].relative == "valid in 2 min");
  CHECK(times[2].name == "iat");
  CHECK(times[2].relative == "issued 3 min ago");

  const auto past = jwt::time_claims(parse(R"({"exp":1699992800,"nbf":1699740800})"), now);
  REQUIRE(past.size() == 2);
  CHECK(past[0].relative == "expired 2 h ago");
  CHECK(past[1].relative == "valid since 3 days ago");
  CHECK(jwt::describe_time("iat", now + 120, now).relative == "issued 2 min in the future");
  CHECK(jwt::describe_time("exp", 1e15, now).utc == "after the year 9999");
  CHECK(jwt::describe_time("exp", 1e10, now).utc == "2286-11-20T17:46:40Z");
  CHECK(jwt::describe_time("exp", 253402300799.0, now).utc == "9999-12-31T23:59:59Z");

  // Dates that are not NumericDates are left out.
  CHECK(jwt::time_claims(parse(R"({"exp":"soon","nbf":-5,"iat":true})"), now).empty());
}

TEST_CASE("jwt::token_warnings names what a reader should know", "[jwt][claims]") {
  const double now = static_cast<double>(kNow);
  const auto warnings_for = [&](std::string_view header, std::string_view payload) {
    const auto token = jwt::decode_token(unsigned_token(header, payload, "sig"));
    REQUIRE(token);
    return jwt::token_warnings(*token, now);
  };
  CHECK(warnings_for(R"({"alg":"HS256"})", fresh_claims().dump()).empty());
  const auto no_exp = warnings_for(R"({"alg":"HS256"})", R"({"sub":"a"})");
  REQUIRE(no_exp.size() == 1);
  CHECK(no_exp[0].id == "no_exp");
  CHECK_FALSE(no_exp[0].message.empty());

  const auto long_life =
      warnings_for(R"({"alg":"HS256"})", R"({"iat":1700000000,"exp":1700172800})");
  REQUIRE(long_life.size() == 1);
  CHECK(long_life[0].id == "long_lifetime");
  CHECK(contains(long_life[0].message, "2 days"));
  CHECK(has_warning(warnings_for(R"({"alg":"HS256"})", R"({"exp":1800000000})"), "long_lifetime"));
  CHECK(warnings_for(R"({"alg":"HS256"})", R"({"iat":1700000000,"exp":1700086400})").empty());

  const auto sensitive = warnings_for(
      R"({"alg":"HS256"})", R"({"exp":1700000600,"Password":"x","user_api_key":"y","name":"z"})");
  CHECK(sensitive.size() == 2);
  CHECK(has_warning(sensitive, "sensitive_claim"));

  for (const char* location : {"jku", "x5u", "jwk", "x5c"}) {
    INFO(location);
    const auto header = std::string(R"({"alg":"RS256",")") + location + R"(":"x"})";
    CHECK(has_warning(warnings_for(header, fresh_claims().dump()), "key_in_header"));
  }
  CHECK(has_warning(warnings_for(R"({"alg":"none"})", fresh_claims().dump()), "alg_none"));
  CHECK(has_warning(warnings_for(R"({"alg":"nOnE"})", fresh_claims().dump()), "alg_none"));
}

TEST_CASE("jwt algorithms: names are case-sensitive and each has its key family", "[jwt]") {
  CHECK(jwt::all_algorithms().size() == 13);
  for (const auto algorithm : jwt::all_algorithms()) {
    const auto name = jwt::algorithm_name(algorithm);
    INFO(name);
    CHECK(jwt::parse_algorithm(name) == algorithm);
    CHECK_FALSE(jwt::parse_algorithm(util::to_lower(name)));
  }
  CHECK(jwt::key_family(Algorithm::eddsa) == jwt::KeyFamily::okp);
  CHECK(jwt::digest_name(Algorithm::eddsa).empty());
  CHECK(jwt::digest_bytes(Algorithm::hs384) == 48);
  CHECK(jwt::required_curve(Algorithm::es512) == "P-521");
  CHECK(jwt::required_curve(Algorithm::rs256).empty());
  CHECK_FALSE(jwt::parse_algorithm("none"));
}

TEST_CASE("jwt::is_jwks_url tells http(s) URLs from file names", "[jwt]") {
  CHECK(jwt::is_jwks_url("https://issuer.example/.well-known/jwks.json"));
  CHECK(jwt::is_jwks_url("http://localhost:8080/jwks"));
  CHECK(jwt::is_jwks_url("HTTPS://ISSUER.EXAMPLE/"));
  CHECK(jwt::is_jwks_url("Http://x"));
  CHECK_FALSE(jwt::is_jwks_url("jwks.json"));
  CHECK_FALSE(jwt::is_jwks_url("./https://x"));
  CHECK_FALSE(jwt::is_jwks_url("file:///etc/jwks.json"));
  CHECK_FALSE(jwt::is_jwks_url("ftp://x"));
  CHECK_FALSE(jwt::is_jwks_url("https:/x"));
  CHECK_FALSE(jwt::is_jwks_url("http"));
  CHECK_FALSE(jwt::is_jwks_url(""));
}

TEST_CASE("the jwt fuzz seed corpus: ok- inputs decode or load, bad- inputs are refused",
          "[jwt][errors]") {
  const std::filesystem::path corpus =
      std::filesystem::path(REQSCOPE_SOURCE_DIR) / "tests/fuzz/corpus/jwt";
  int seeds = 0;
  for (const auto& entry : std::filesystem::directory_iterator(corpus)) {
    const auto name = entry.path().filename().string();
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    INFO(name);
    const bool usable = jwt::decode_token(bytes).has_value() || jwt::load_keys(bytes, name);
    CHECK(usable == name.starts_with("ok-"));
    CHECK((name.starts_with("ok-") || name.starts_with("bad-")));
    ++seeds;
  }
  CHECK(seeds >= 10);
}

TEST_CASE("jwt::parse_value refuses NUL bytes and a byte-order mark, which hide members",
          "[jwt][json][errors]") {
  // nlohmann stops at a NUL: without the check the second "sub" would go unseen.
  const std::string hidden("{\"sub\":\"user\"}\0,\"sub\":\"admin\"}", 31);
  const auto nul = jwt::parse_object(hidden, "the payload");
  REQUIRE_FALSE(nul);
  CHECK(contains(nul.error().message, "NUL byte at offset 14"));
  const auto bom = jwt::parse_object("\xEF\xBB\xBF{\"alg\":\"HS256\"}", "the header");
  REQUIRE_FALSE(bom);
  CHECK(contains(bom.error().message, "byte-order mark"));
  const auto token = signed_token(Algorithm::hs256, hmac_key(), R"({"alg":"HS256"})", hidden);
  const auto verdict = jwt::verify_token(token, one_key(hmac_key()), at_now());
  CHECK_FALSE(verdict.valid);
  CHECK(verdict.reason == "malformed");
  CHECK(jwt::parse_value("[1,2]", "a value")->is_array());
  CHECK_FALSE(jwt::parse_value("1,\"b\":2", "a value"));
}

TEST_CASE("jwt::load_keys reads only public members to verify, so hostile JWKS stay cheap",
          "[jwt][keys]") {
  // A private half that does not match is refused for signing, ignored for verifying.
  auto jwk = vector_jwk("RFC 7515 A.3 ES256");
  jwk["d"] = vector_jwk("RFC 7515 A.3 ES256")["x"];
  CHECK(jwt::key_from_jwk(jwk, "the JWK", jwt::KeyPurpose::verify));
  require_bad_jwk(jwk, "is not the private key");

  Json many = Json::object();
  many["keys"] = Json::array();
  for (std::size_t i = 0; i < jwt::kMaxJwksKeys + 5; ++i)
    many["keys"].push_back(vector_jwk("RFC 7515 A.3 ES256"));
  const auto loaded = load(many.dump());
  CHECK(loaded.keys.size() == jwt::kMaxJwksKeys);
  REQUIRE(loaded.skipped.size() == 1);
  CHECK(contains(loaded.skipped.front().reason, "after the 100th"));
}

TEST_CASE("jwt::load_keys skips symmetric keys in a JWKS published at a URL", "[jwt][keys]") {
  Json set = Json::object();
  auto secret = vector_jwk("RFC 7520 4.4 HS256");
  set["keys"] = Json::array({secret, vector_jwk("RFC 7515 A.3 ES256")});
  const auto published = jwt::load_keys(set.dump(), "--jwks URL", {jwt::KeyPurpose::verify, true});
  REQUIRE(published);
  REQUIRE(published->keys.size() == 1);
  CHECK(published->keys.front().family == jwt::KeyFamily::ec);
  REQUIRE(published->skipped.size() == 1);
  CHECK(published->skipped.front().kid == secret["kid"]);
  CHECK(contains(published->skipped.front().reason, "known to everyone"));
  // The token names the skipped key: the verdict says why it was not used.
  const auto token = sign(Algorithm::hs256, jwt::secret_key("x", "secret"), fresh_claims(),
                          secret["kid"].get<std::string>());
  const auto verdict = jwt::verify_token(token, *published, at_now());
  CHECK(verdict.reason == "unknown_kid");
  CHECK(contains(verdict.reason_detail, "known to everyone"));
  CHECK(has_warning(verdict.warnings, "key_skipped"));
  // From a local file, the same set keeps its secret.
  CHECK(load(set.dump()).keys.size() == 2);
}

TEST_CASE("jwt key_ops and use restrict a key for signing and verifying", "[jwt][keys]") {
  const auto signer = load(pkcs8_pem(test_keys().p256.get()));
  auto jwk = jwk_of(signer.keys.front());
  jwk["key_ops"] = Json::array({"encrypt"});
  const auto token = sign(Algorithm::es256, signer.keys.front(), fresh_claims());
  const auto verdict = jwt::verify_token(token, load(jwk.dump()), at_now());
  CHECK(verdict.reason == "key_type_mismatch");
  CHECK(contains(verdict.reason_detail, "key_ops"));
  jwk["key_ops"] = Json::array({"verify"});
  CHECK(jwt::verify_token(token, load(jwk.dump()), at_now()).valid);
  jwk["key_ops"] = "verify";
  require_bad_jwk(jwk, "key_ops");

  auto enc = vector_jwk("RFC 7515 A.3 ES256");
  enc["use"] = "enc";
  const auto key = jwt::key_from_jwk(enc, "the JWK", jwt::KeyPurpose::sign);
  REQUIRE(key);
  const auto signature = jwt::create_signature(Algorithm::es256, *key, "a.b");
  REQUIRE_FALSE(signature);
  CHECK(contains(signature.error().message, "encryption"));
}

TEST_CASE("jwt::verify_token tries every key that shares the token's kid", "[jwt][verify]") {
  // During a rotation a JWKS can list an old and a new key under one kid.
  const auto old_signer = load(pkcs8_pem(test_keys().p256.get()));
  const auto new_key = jwt::generate_key("P-256");
  REQUIRE(new_key);
  auto old_jwk = jwk_of(old_signer.keys.front());
  auto new_jwk = jwk_of(*new_key);
  old_jwk["kid"] = "shared";
  new_jwk["kid"] = "shared";
  Json set = Json::object();
  set["keys"] = Json::array({new_jwk, old_jwk});
  const auto jwks = load(set.dump());
  const auto token = sign(Algorithm::es256, old_signer.keys.front(), fresh_claims(), "shared");
  const auto verdict = jwt::verify_token(token, jwks, at_now());
  CHECK(verdict.valid);
  CHECK(verdict.signature_verified);
  const auto forged = with_signature(token, std::string(64, '\x01'));
  const auto refused = jwt::verify_token(forged, jwks, at_now());
  CHECK(refused.reason == "signature");
  CHECK(contains(refused.reason_detail, "nor with the other 1 keys"));
}

TEST_CASE("jwt::load_keys names an incomplete PEM header", "[jwt][keys][errors]") {
  require_bad_keys("-----BEGIN PUBLIC KEY\nAAAA\n", "not complete");
}
