#pragma once

#include <string_view>

namespace reqscope::util {

// Whether `text` is exactly an IPv4 or IPv6 address literal (no brackets, no port).
bool is_ipv4_literal(std::string_view text);
bool is_ipv6_literal(std::string_view text);
inline bool is_ip_literal(std::string_view text) {
  return is_ipv4_literal(text) || is_ipv6_literal(text);
}

}  // namespace reqscope::util
