#include "reqscope/error.hpp"

#include <array>
#include <string_view>

namespace reqscope {

namespace {

constexpr std::array<std::string_view, 11> kUsageKinds = {
    "usage",   "bad_url",   "bad_header", "bad_duration",     "bad_option",       "bad_file",
    "bad_key", "bad_token", "bad_origin", "forbidden_header", "forbidden_method",
};

constexpr std::array<std::string_view, 19> kNetworkKinds = {
    "dns_nxdomain",  "dns_nodata",         "dns_timeout",     "dns_servfail",
    "dns_refused",   "dns_error",          "dns_malformed",   "dns_loop",
    "dns_limit",     "connect_refused",    "connect_timeout", "connect_unreachable",
    "tls_handshake", "tls_verify",         "http_protocol",   "timeout",
    "network",       "too_many_redirects", "http_status",
};

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& kinds, std::string_view kind) {
  for (auto k : kinds) {
    if (k == kind) return true;
  }
  return false;
}

}  // namespace

ExitCode exit_code_for(const std::string& kind) {
  if (contains(kUsageKinds, kind)) return ExitCode::usage;
  if (contains(kNetworkKinds, kind)) return ExitCode::network;
  return ExitCode::internal;
}

}  // namespace reqscope
