#pragma once

#include <openssl/obj_mac.h>

#include <array>
#include <string_view>

namespace reqscope::jwt {

// The ECDSA curves of JWS (RFC 7518 §6.2.1.1), the one table of their names and sizes.
struct Curve {
  std::string_view jose;     // "P-256"
  std::string_view openssl;  // OpenSSL's group name
  int nid;
  int field_bytes;  // the size of a coordinate, and of r and s in a signature
};

inline constexpr std::array<Curve, 3> kCurves = {{
    {"P-256", "prime256v1", NID_X9_62_prime256v1, 32},
    {"P-384", "secp384r1", NID_secp384r1, 48},
    {"P-521", "secp521r1", NID_secp521r1, 66},
}};

inline const Curve* curve_by_jose(std::string_view name) {
  for (const auto& curve : kCurves) {
    if (curve.jose == name) return &curve;
  }
  return nullptr;
}

inline const Curve* curve_by_openssl(std::string_view name) {
  for (const auto& curve : kCurves) {
    if (curve.openssl == name) return &curve;
  }
  return nullptr;
}

}  // namespace reqscope::jwt
