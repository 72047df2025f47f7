#include "reqscope/jwt/algorithm.hpp"

#include <array>

namespace reqscope::jwt {

namespace {

struct AlgorithmInfo {
  Algorithm algorithm;
  std::string_view name;
  KeyFamily family;
  std::string_view digest;
  int digest_bytes;
  std::string_view curve;
};

constexpr std::array<AlgorithmInfo, 13> kAlgorithms = {{
    {Algorithm::hs256, "HS256", KeyFamily::hmac, "SHA256", 32, ""},
    {Algorithm::hs384, "HS384", KeyFamily::hmac, "SHA384", 48, ""},
    {Algorithm::hs512, "HS512", KeyFamily::hmac, "SHA512", 64, ""},
    {Algorithm::rs256, "RS256", KeyFamily::rsa, "SHA256", 32, ""},
    {Algorithm::rs384, "RS384", KeyFamily::rsa, "SHA384", 48, ""},
    {Algorithm::rs512, "RS512", KeyFamily::rsa, "SHA512", 64, ""},
    {Algorithm::ps256, "PS256", KeyFamily::rsa, "SHA256", 32, ""},
    {Algorithm::ps384, "PS384", KeyFamily::rsa, "SHA384", 48, ""},
    {Algorithm::ps512, "PS512", KeyFamily::rsa, "SHA512", 64, ""},
    {Algorithm::es256, "ES256", KeyFamily::ec, "SHA256", 32, "P-256"},
    {Algorithm::es384, "ES384", KeyFamily::ec, "SHA384", 48, "P-384"},
    {Algorithm::es512, "ES512", KeyFamily::ec, "SHA512", 64, "P-521"},
    {Algorithm::eddsa, "EdDSA", KeyFamily::okp, "", 0, ""},
}};

// The algorithms in table order, derived from the table so the two cannot drift.
constexpr std::array<Algorithm, kAlgorithms.size()> kAll = [] {
  std::array<Algorithm, kAlgorithms.size()> all{};
  for (std::size_t i = 0; i < kAlgorithms.size(); ++i)
    all[i] = kAlgorithms[i].algorithm;
  return all;
}();

const AlgorithmInfo& info(Algorithm algorithm) {
  return kAlgorithms[static_cast<std::size_t>(algorithm)];
}

}  // namespace

std::span<const Algorithm> all_algorithms() {
  return kAll;
}

std::optional<Algorithm> parse_algorithm(std::string_view name) {
  for (const auto& entry : kAlgorithms) {
    if (entry.name == name) return entry.algorithm;
  }
  return std::nullopt;
}

std::string_view algorithm_name(Algorithm algorithm) {
  return info(algorithm).name;
}

KeyFamily key_family(Algorithm algorithm) {
  return info(algorithm).family;
}

std::string_view key_family_name(KeyFamily family) {
  switch (family) {
    case KeyFamily::hmac:
      return "oct";
    case KeyFamily::rsa:
      return "RSA";
    case KeyFamily::ec:
      return "EC";
    case KeyFamily::okp:
      return "OKP";
  }
  return "";
}

std::string_view digest_name(Algorithm algorithm) {
  return info(algorithm).digest;
}

int digest_bytes(Algorithm algorithm) {
  return info(algorithm).digest_bytes;
}

std::string_view required_curve(Algorithm algorithm) {
  return info(algorithm).curve;
}

}  // namespace reqscope::jwt
