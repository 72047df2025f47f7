#pragma once

#include <chrono>
#include <string>

#include "reqscope/http/trace.hpp"

namespace reqscope::http {

// One non-blocking TCP connect with a deadline. On success `fd` holds the
// connected socket (the caller owns it); otherwise `fd` is -1.
ConnectAttempt connect_once(const std::string& address, std::uint16_t port,
                            std::chrono::nanoseconds timeout, int& fd);

}  // namespace reqscope::http
