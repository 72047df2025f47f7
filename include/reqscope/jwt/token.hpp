#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "reqscope/error.hpp"
#include "reqscope/jwt/json.hpp"

namespace reqscope::jwt {

// The longest token accepted. Servers refuse headers long before this, so a
// larger "token" is a mistake or an attack, and is refused before decoding.
inline constexpr std::size_t kMaxTokenBytes = 256 * 1024;

// A JWS in compact serialization (RFC 7515 §7.1) whose payload is a JWT claims
// set (RFC 7519): the three segments as sent, and what they decode to.
struct Token {
  std::string header_segment;
  std::string payload_segment;
  std::string signature_segment;
  Json header;
  Json claims;
  std::string signature;  // the decoded signature bytes
  std::string alg;        // the header's "alg"

  std::string signing_input() const { return header_segment + "." + payload_segment; }
};

// Decodes without checking anything a key is needed for. Errors are kind
// "malformed" and say which segment broke which rule: not three segments (a
// JWE's five are named as such), base64url that is not strict (padding,
// whitespace, standard-alphabet characters), a header or payload that is not
// one JSON object with unique member names, a missing or non-string "alg".
Result<Token> decode_token(std::string_view text);

}  // namespace reqscope::jwt
