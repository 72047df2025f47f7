#include "reqscope/util/ip.hpp"

#include <arpa/inet.h>

#include <string>

namespace reqscope::util {

bool is_ipv4_literal(std::string_view text) {
  in_addr address{};
  return inet_pton(AF_INET, std::string(text).c_str(), &address) == 1;
}

bool is_ipv6_literal(std::string_view text) {
  in6_addr address{};
  return inet_pton(AF_INET6, std::string(text).c_str(), &address) == 1;
}

}  // namespace reqscope::util
