#include "support/dns_probe.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sstream>
#include <stdexcept>

namespace reqscope::test {

namespace {

using Clock = std::chrono::steady_clock;

// Connects `fd`, a socket just made (or -1 when that failed), to ip:port.
bool connect_to(int fd, const std::string& ip, int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  if (inet_pton(AF_INET, ip.c_str(), &addr.sin_addr) != 1)
    throw std::invalid_argument("not an IPv4 address: " + ip);
  return fd >= 0 && connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
}

// Waits until `fd` is readable (or in error, which the read then reports).
bool wait_readable(int fd, Clock::time_point deadline) {
  const auto remaining =
      std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
  pollfd readable{fd, POLLIN, 0};
  return remaining > 0 && poll(&readable, 1, static_cast<int>(remaining)) > 0;
}

bool read_exactly(int fd, char* data, std::size_t size, Clock::time_point deadline) {
  std::size_t done = 0;
  while (done < size) {
    if (!wait_readable(fd, deadline)) return false;
    const auto n = read(fd, data + done, size - done);
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

FdGuard::~FdGuard() {
  if (fd_ >= 0) close(fd_);
}

std::string plain_query(std::uint16_t id, const std::string& name, std::uint16_t type) {
  // ID, then flags 0 (a plain query, no recursion wanted), QDCOUNT 1, no other records.
  std::string query = {
      static_cast<char>(id >> 8), static_cast<char>(id & 0xff), 0, 0, 0, 1, 0, 0, 0, 0, 0, 0};
  std::istringstream labels(name);
  for (std::string label; std::getline(labels, label, '.');) {
    if (label.empty()) continue;  // the root, or a trailing dot
    query += static_cast<char>(label.size());
    query += label;
  }
  // The root label, QTYPE, QCLASS IN.
  query += std::string{0, static_cast<char>(type >> 8), static_cast<char>(type & 0xff), 0, 1};
  return query;
}

std::optional<ProbeHeader> read_header(const std::string& reply) {
  if (reply.size() < 12) return std::nullopt;
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(reply[i]); };
  const auto u16 = [&](std::size_t i) { return byte(i) << 8 | byte(i + 1); };
  return ProbeHeader{static_cast<std::uint16_t>(u16(0)),
                     (byte(2) & 0x80) != 0,
                     (byte(2) & 0x04) != 0,
                     (byte(2) & 0x02) != 0,
                     byte(3) & 0x0f,
                     u16(4),
                     u16(6),
                     u16(8),
                     u16(10)};
}

std::optional<std::string> probe_udp(const std::string& ip, int port, const std::string& query,
                                     std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  const FdGuard udp(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!connect_to(udp.get(), ip, port)) return std::nullopt;
  if (send(udp.get(), query.data(), query.size(), 0) != static_cast<ssize_t>(query.size()))
    return std::nullopt;
  if (!wait_readable(udp.get(), deadline)) return std::nullopt;
  std::string reply(65535, '\0');
  const auto n = recv(udp.get(), reply.data(), reply.size(), 0);
  if (n < 0) return std::nullopt;  // ECONNREFUSED: an ICMP port unreachable came back
  reply.resize(static_cast<std::size_t>(n));
  return reply;
}

std::optional<std::string> probe_tcp(const std::string& ip, int port, const std::string& query,
                                     std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  const FdGuard tcp(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!connect_to(tcp.get(), ip, port)) return std::nullopt;
  std::string framed = {static_cast<char>(query.size() >> 8),
                        static_cast<char>(query.size() & 0xff)};
  framed += query;
  if (send(tcp.get(), framed.data(), framed.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(framed.size())) {
    return std::nullopt;
  }
  unsigned char length[2];
  if (!read_exactly(tcp.get(), reinterpret_cast<char*>(length), 2, deadline)) return std::nullopt;
  std::string reply(static_cast<std::size_t>(length[0] << 8 | length[1]), '\0');
  if (!read_exactly(tcp.get(), reply.data(), reply.size(), deadline)) return std::nullopt;
  return reply;
}

}  // namespace reqscope::test
