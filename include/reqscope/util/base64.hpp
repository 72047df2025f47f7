#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace reqscope::util {

// base64url without padding (RFC 4648 §5, as JOSE uses it, RFC 7515 §2).
std::string base64url_encode(std::string_view bytes);

// Decodes base64url strictly: only the 64 URL-safe characters, no padding, no
// whitespace, no length that cannot occur (4n+1), and zero unused bits in the
// last character, so each byte string has exactly one accepted spelling.
// nullopt when any rule is broken; base64url_problem() says which.
std::optional<std::string> base64url_decode(std::string_view text);

// Why base64url_decode() refused `text` ("contains '=' padding at offset 42"),
// or an empty string when it decodes.
std::string base64url_problem(std::string_view text);

}  // namespace reqscope::util
