#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reqscope/error.hpp"

namespace reqscope::http {

// --resolve HOST:PORT:ADDR[,ADDR...]: skip DNS for HOST:PORT and use these addresses.
struct ResolveOverride {
  std::string host;
  std::uint16_t port = 0;
  std::vector<std::string> addresses;  // IP literals without brackets
};

// --connect-to HOST1:PORT1:HOST2:PORT2: connect to HOST2:PORT2 whenever the URL
// names HOST1:PORT1. Empty HOST1/PORT1 match any; empty HOST2/PORT2 keep the URL's.
struct ConnectToOverride {
  std::string from_host;
  std::optional<std::uint16_t> from_port;
  std::string to_host;
  std::optional<std::uint16_t> to_port;
};

Result<ResolveOverride> parse_resolve_override(std::string_view text);
Result<ConnectToOverride> parse_connect_to_override(std::string_view text);

}  // namespace reqscope::http
