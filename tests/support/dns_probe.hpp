#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

// Just enough DNS on the wire for the harness to ask a server something and
// read the answer's header: readiness checks (nsd.cpp) and sanity tests of the
// test servers themselves. Written apart from the product's parser on purpose,
// so that the harness does not depend on the code it tests.
namespace reqscope::test {

// Owns a file descriptor and closes it; a negative one is held but not closed.
class FdGuard {
 public:
  explicit FdGuard(int fd) : fd_(fd) {}
  ~FdGuard();
  FdGuard(const FdGuard&) = delete;
  FdGuard& operator=(const FdGuard&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// A query for `name` (IN class, `type`) with RD clear, as an iterative
// resolver sends it, and no EDNS, so an answer over 512 bytes comes back
// truncated over UDP. "." or "" is the root; a trailing dot is optional.
std::string plain_query(std::uint16_t id, const std::string& name, std::uint16_t type);

// The fixed 12-byte header of a DNS message.
struct ProbeHeader {
  std::uint16_t id = 0;
  bool qr = false;
  bool aa = false;
  bool tc = false;
  int rcode = 0;
  int qdcount = 0;
  int ancount = 0;
  int nscount = 0;
  int arcount = 0;
};

// The header of `reply`; nothing when it is shorter than a header.
std::optional<ProbeHeader> read_header(const std::string& reply);

// Sends `query` in one datagram to ip:port and returns the first datagram back,
// or nothing within `timeout`. The socket is connected, so only datagrams from
// ip:port are received, and an ICMP port unreachable is an error (nothing,
// at once) rather than a wait for the whole timeout. Throws
// std::invalid_argument when `ip` is not an IPv4 address.
std::optional<std::string> probe_udp(const std::string& ip, int port, const std::string& query,
                                     std::chrono::milliseconds timeout);

// Sends `query` over TCP to ip:port, with the 2-byte length in front, and
// returns exactly the one reply back (without its length), or nothing when the
// connection fails or the reply is not complete within `timeout`. Throws
// std::invalid_argument when `ip` is not an IPv4 address.
std::optional<std::string> probe_tcp(const std::string& ip, int port, const std::string& query,
                                     std::chrono::milliseconds timeout);

}  // namespace reqscope::test
