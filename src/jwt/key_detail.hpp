#pragma once

#include <string_view>

#include "reqscope/jwt/key.hpp"

namespace reqscope::jwt {

// A Key for an OpenSSL key of a kind JWS can use (RSA, RSA-PSS, EC on P-256,
// P-384 or P-521, Ed25519, Ed448); "bad_key" naming the kind otherwise.
Result<Key> key_from_pkey(tls::Pkey pkey, bool is_private, std::string source,
                          std::string_view where);

// A key from the first key or certificate block of a PEM file.
Result<Key> key_from_pem(std::string_view text, std::string_view name);

}  // namespace reqscope::jwt
