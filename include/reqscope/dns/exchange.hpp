#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reqscope/dns/message.hpp"

namespace reqscope::dns {

struct ExchangeOptions {
  std::string server;  // "IP:PORT", IPv6 in brackets
  bool tcp = false;
  std::chrono::milliseconds timeout{2000};
  const std::atomic<bool>* cancel = nullptr;  // set (e.g. by SIGINT) to give up at once
};

// How long one query may wait: the time left until `deadline`, at most `cap`,
// rounded up to whole milliseconds (c-ares counts in them, and a sub-millisecond
// budget must not become zero); none once the deadline has passed.
std::optional<std::chrono::milliseconds> query_wait(std::chrono::steady_clock::time_point deadline,
                                                    std::chrono::milliseconds cap);

// Exchange::error when status is "refused": c-ares reports a refused
// connection and an unreachable network alike.
inline constexpr std::string_view kConnectionRefused =
    "nothing answers DNS there (connection refused or no route)";

// One query sent to one server and what came back.
struct Exchange {
  std::string server;
  std::string transport;  // "udp" or "tcp"
  // "answered" (reply parsed), "timeout", "refused" (nothing listens there, or no route),
  // "malformed" (a reply that failed to parse), "error" (anything else)
  std::string status;
  std::string error;  // why, when status is not "answered"
  std::optional<Message> reply;
  std::chrono::nanoseconds duration{0};
};

// Sends `query` (as built by build_query) with c-ares to exactly one server,
// once, without retrying over TCP on truncation: the caller sees the TC bit
// and decides.
Exchange exchange(const std::vector<std::uint8_t>& query, const ExchangeOptions& options);

}  // namespace reqscope::dns
