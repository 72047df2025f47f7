#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "reqscope/error.hpp"

namespace reqscope::http {

inline constexpr std::size_t kMaxUrlLength = 8192;

struct Url {
  std::string scheme;  // "http" or "https", lower case
  std::string host;    // lower case; IPv6 literals without brackets
  std::uint16_t port = 0;
  std::string target;  // path and query, always starting with '/'
  bool host_is_ipv6 = false;

  // The host as it appears in a URL or Host header: IPv6 literals in brackets.
  std::string host_for_url() const;
  std::string to_string() const;
  bool is_https() const { return scheme == "https"; }
};

// Parses an absolute http(s) URL. A missing scheme means http://, as in curl.
// Rejects user info, other schemes, bad hosts and ports, whitespace and control
// bytes; errors are kind "bad_url" and quote the offending part.
Result<Url> parse_url(std::string_view text);

// Validates a DNS host name or IP literal (no brackets); returns the lower-cased form.
Result<std::string> parse_host(std::string_view text);

// Validates a decimal TCP port (1-65535).
Result<std::uint16_t> parse_port(std::string_view text);

}  // namespace reqscope::http
