#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "reqscope/error.hpp"

namespace reqscope::jwt {

// Members keep the order they had in the token, so output matches the input.
using Json = nlohmann::ordered_json;

// The deepest nesting of arrays and objects a token, key or claims file may use.
inline constexpr int kMaxJsonDepth = 32;

// Parses `text` as one JSON value, refusing what RFC 7515 §4 and RFC 8259
// leave to the reader but a verifier must not accept: duplicate member names
// (two parsers could read different values), nesting deeper than
// kMaxJsonDepth, invalid UTF-8, a byte-order mark, and NUL bytes (which some
// parsers, nlohmann's among them, take for the end of the text). Errors are
// kind "malformed" and say what `what` ("the header", "the JWK") broke.
Result<Json> parse_value(std::string_view text, std::string_view what);

// parse_value(), and the value must be an object.
Result<Json> parse_object(std::string_view text, std::string_view what);

}  // namespace reqscope::jwt
