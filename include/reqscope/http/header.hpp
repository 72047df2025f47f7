#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "reqscope/error.hpp"

namespace reqscope::http {

inline constexpr std::size_t kMaxHeaderLineLength = 8192;

struct Header {
  std::string name;
  std::string value;
};

using Headers = std::vector<Header>;

// Whether `text` is a non-empty RFC 9110 token: what a method or header name may be.
bool is_token(std::string_view text);

// Parses a request header given on the command line as "Name: value".
// "Name:" (empty value) is kept: it removes a header libcurl would add.
// The name must be an RFC 9110 token; the value may not hold CR, LF or NUL.
Result<Header> parse_header_line(std::string_view line);

// Parses one response header line as received ("Name: value\r\n"); returns
// false for the status line, blank lines and lines that are not headers.
bool parse_response_header(std::string_view line, Header& out);

// Whether a header carries a credential that is redacted unless --show-secrets.
bool is_secret_header(std::string_view name);

// The value shown to a user: secrets keep their scheme word ("Bearer") and
// a length, never the credential itself.
std::string redact_value(std::string_view name, std::string_view value);

}  // namespace reqscope::http
