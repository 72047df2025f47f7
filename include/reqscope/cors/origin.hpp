#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "reqscope/error.hpp"

namespace reqscope::cors {

// A web origin as the browser serializes it in the Origin header: a tuple
// (scheme, host, port), or the opaque origin "null" (sandboxed frames, file: pages).
struct Origin {
  std::string scheme;  // "http" or "https"; empty when opaque
  std::string host;    // lower case; IPv6 literals without brackets
  std::uint16_t port = 0;
  bool host_is_ipv6 = false;
  bool opaque = false;

  // "https://app.example", "http://[::1]:8080", "null": the default port is left out.
  std::string serialize() const;
  bool default_port() const;
};

// Parses `scheme://host[:port]` (http or https) or `null`. Scheme and host are
// lower-cased as a browser would; a path, query, user info or other scheme is
// refused with kind "bad_origin", naming the value.
Result<Origin> parse_origin(std::string_view text);

}  // namespace reqscope::cors
