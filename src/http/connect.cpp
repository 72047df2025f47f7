#include "connect.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "reqscope/util/cancel.hpp"
#include "reqscope/util/duration.hpp"

namespace reqscope::http {

namespace {

using Clock = std::chrono::steady_clock;

// A connect attempt that is not the last candidate gets at most this long, so
// a black-holed IPv6 address delays the IPv4 fallback by seconds, not the whole timeout.
constexpr std::chrono::nanoseconds kFallbackAttemptLimit = std::chrono::seconds(3);
constexpr std::chrono::milliseconds kPollSlice{100};

std::string result_for_errno(int error) {
  switch (error) {
    case 0:
      return "ok";
    case ECONNREFUSED:
      return "refused";
    case ETIMEDOUT:
      return "timeout";
    case ENETUNREACH:
    case EHOSTUNREACH:
    case EADDRNOTAVAIL:
    case EAFNOSUPPORT:
      return "unreachable";
    default:
      return "error";
  }
}

}  // namespace

void UniqueFd::reset(int fd) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

ConnectAttempt connect_once(const std::string& address, std::uint16_t port,
                            std::chrono::nanoseconds timeout, int& fd,
                            const std::atomic<bool>* cancel) {
  fd = -1;
  ConnectAttempt attempt;
  attempt.address = address;
  attempt.port = port;
  const bool v6 = address.find(':') != std::string::npos;
  attempt.family = v6 ? "IPv6" : "IPv4";
  const auto started = Clock::now();
  const auto finish = [&](int error) {
    attempt.duration = Clock::now() - started;
    attempt.result = result_for_errno(error);
    if (error != 0) attempt.detail = std::strerror(error);
    return attempt;
  };

  sockaddr_storage storage{};
  socklen_t length = 0;
  if (v6) {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&storage);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(port);
    if (inet_pton(AF_INET6, address.c_str(), &sin6->sin6_addr) != 1) return finish(EINVAL);
    length = sizeof(sockaddr_in6);
  } else {
    auto* sin = reinterpret_cast<sockaddr_in*>(&storage);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(port);
    if (inet_pton(AF_INET, address.c_str(), &sin->sin_addr) != 1) return finish(EINVAL);
    length = sizeof(sockaddr_in);
  }

  UniqueFd sock(::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (sock.get() < 0) return finish(errno);
  const int one = 1;
  setsockopt(sock.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

  if (::connect(sock.get(), reinterpret_cast<sockaddr*>(&storage), length) != 0) {
    if (errno != EINPROGRESS) return finish(errno);
    pollfd pfd{sock.get(), POLLOUT, 0};
    const auto deadline = started + timeout;
    int ready = 0;
    // In slices, so that Ctrl-C is seen and an interrupted poll does not
    // start the whole wait again.
    while (ready <= 0) {
      if (util::cancelled(cancel)) return finish(EINTR);
      const auto remaining = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
      if (remaining.count() <= 0) return finish(ETIMEDOUT);
      ready = ::poll(&pfd, 1, static_cast<int>(std::min(remaining, kPollSlice).count()));
      if (ready < 0 && errno != EINTR) return finish(errno);
    }
    int error = 0;
    socklen_t error_length = sizeof error;
    getsockopt(sock.get(), SOL_SOCKET, SO_ERROR, &error, &error_length);
    if (error != 0) return finish(error);
  }
  fd = sock.release();
  return finish(0);
}

int connect_in_order(const std::vector<std::string>& addresses, std::uint16_t port,
                     Clock::time_point deadline, const std::atomic<bool>* cancel,
                     std::vector<ConnectAttempt>& attempts) {
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    const auto remaining = deadline - Clock::now();
    if (remaining <= std::chrono::nanoseconds(0) || util::cancelled(cancel)) break;
    const bool last = i + 1 == addresses.size();
    const auto limit =
        last ? remaining : std::min<std::chrono::nanoseconds>(remaining, kFallbackAttemptLimit);
    int fd = -1;
    attempts.push_back(connect_once(addresses[i], port, limit, fd, cancel));
    if (fd >= 0) return fd;
  }
  return -1;
}

Error connect_error(const std::string& host, std::uint16_t port,
                    const std::vector<ConnectAttempt>& attempts, std::chrono::nanoseconds timeout) {
  if (attempts.empty()) {
    return {"timeout", "the --timeout of " + util::whole_ms(timeout) + " ran out before connecting",
            "raise --timeout"};
  }
  std::string tried;
  for (const auto& a : attempts) {
    tried += (tried.empty() ? "" : ", ") + a.address + " " + a.result;
  }
  const std::string& result = attempts.back().result;
  if (result == "refused") {
    return {"connect_refused",
            fmt::format("connect: {} port {} refused the connection ({})", host, port, tried),
            "nothing is listening on that port: check the port number and that the server is "
            "running"};
  }
  if (result == "unreachable") {
    return {"connect_unreachable", fmt::format("connect: no route to {} ({})", host, tried),
            "check the address family (-4/-6) and the network path"};
  }
  return {
      "connect_timeout", fmt::format("connect: no answer from {} port {} ({})", host, port, tried),
      "a firewall may be dropping packets, or the host is down; raise --timeout to wait longer"};
}

}  // namespace reqscope::http
