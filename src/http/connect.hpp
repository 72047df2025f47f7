#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "reqscope/error.hpp"
#include "reqscope/http/trace.hpp"

namespace reqscope::http {

// Owns a socket: closed when destroyed unless released.
class UniqueFd {
 public:
  explicit UniqueFd(int fd = -1) : fd_(fd) {}
  ~UniqueFd() { reset(); }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    reset(other.release());
    return *this;
  }
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd = -1);

 private:
  int fd_;
};

// One non-blocking TCP connect with a deadline, stopped early by `cancel`. On
// success `fd` holds the connected socket (the caller owns it); otherwise `fd`
// is -1.
ConnectAttempt connect_once(const std::string& address, std::uint16_t port,
                            std::chrono::nanoseconds timeout, int& fd,
                            const std::atomic<bool>* cancel);

// Tries each address in order until one connects, giving every address but the
// last at most a few seconds so a dead IPv6 path falls back to IPv4 in time.
// Returns the connected socket (the caller owns it) or -1; every try is
// appended to `attempts`.
int connect_in_order(const std::vector<std::string>& addresses, std::uint16_t port,
                     std::chrono::steady_clock::time_point deadline,
                     const std::atomic<bool>* cancel, std::vector<ConnectAttempt>& attempts);

// The error for a connection that could not be made: connect_refused,
// connect_unreachable, connect_timeout, or timeout when the budget ran out
// before any try.
Error connect_error(const std::string& host, std::uint16_t port,
                    const std::vector<ConnectAttempt>& attempts, std::chrono::nanoseconds timeout);

}  // namespace reqscope::http
