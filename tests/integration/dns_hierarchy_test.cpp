#include "support/dns_hierarchy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>

using reqscope::test::DnsHierarchy;

namespace {

constexpr std::uint16_t kA = 1;
constexpr std::uint16_t kTxt = 16;

// RD clear, as an iterative resolver sends it, and no EDNS, so an answer over
// 512 bytes comes back truncated.
std::string make_query(std::uint16_t id, const std::string& name, std::uint16_t type) {
  std::string query = {
      static_cast<char>(id >> 8), static_cast<char>(id & 0xff), 0, 0, 0, 1, 0, 0, 0, 0, 0, 0};
  std::istringstream labels(name);
  for (std::string label; std::getline(labels, label, '.');) {
    query += static_cast<char>(label.size());
    query += label;
  }
  query += std::string{0, static_cast<char>(type >> 8), static_cast<char>(type & 0xff), 0, 1};
  return query;
}

struct Header {
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

class UdpSocket {
 public:
  UdpSocket() : fd_(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {}
  ~UdpSocket() {
    if (fd_ >= 0) close(fd_);
  }
  UdpSocket(const UdpSocket&) = delete;
  UdpSocket& operator=(const UdpSocket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

// Sends `query` over UDP to "IP:PORT"; the reply's header, or nothing within `timeout`.
std::optional<Header> ask(const std::string& server, const std::string& query,
                          std::chrono::milliseconds timeout = std::chrono::seconds(2)) {
  const auto colon = server.rfind(':');
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(std::stoi(server.substr(colon + 1))));
  REQUIRE(inet_pton(AF_INET, server.substr(0, colon).c_str(), &addr.sin_addr) == 1);
  const UdpSocket udp;
  // Connected, so only datagrams from `server` are received, and an ICMP port
  // unreachable makes recv fail rather than pass for a silent server.
  REQUIRE(connect(udp.fd(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(send(udp.fd(), query.data(), query.size(), 0) == static_cast<ssize_t>(query.size()));
  pollfd readable{udp.fd(), POLLIN, 0};
  if (poll(&readable, 1, static_cast<int>(timeout.count())) != 1) return std::nullopt;
  unsigned char reply[65535];
  const auto n = recv(udp.fd(), reply, sizeof reply, 0);
  REQUIRE(n >= 12);
  const auto u16 = [&](int i) { return reply[i] << 8 | reply[i + 1]; };
  return Header{static_cast<std::uint16_t>(u16(0)),
                (reply[2] & 0x80) != 0,
                (reply[2] & 0x04) != 0,
                (reply[2] & 0x02) != 0,
                reply[3] & 0x0f,
                u16(4),
                u16(6),
                u16(8),
                u16(10)};
}

void check_referral(const std::string& server, const std::string& name) {
  INFO(server << " " << name);
  const auto reply = ask(server, make_query(0x0101, name, kA));
  REQUIRE(reply);
  CHECK(reply->id == 0x0101);
  CHECK(reply->qr);
  CHECK(reply->rcode == 0);
  CHECK_FALSE(reply->aa);
  CHECK(reply->ancount == 0);
  CHECK(reply->nscount >= 1);
  CHECK(reply->arcount >= 1);  // glue
}

}  // namespace

TEST_CASE("the root and the TLD of the DNS hierarchy refer to the next zone down",
          "[dns_hierarchy]") {
  const DnsHierarchy dns;
  CHECK(dns.root() == "127.53.0.1:" + std::to_string(dns.port()));
  check_referral(dns.root(), "www.example.test");
  check_referral(dns.server("tld"), "www.example.test");
}

TEST_CASE("the leaf of the DNS hierarchy answers authoritatively, and truncates big answers",
          "[dns_hierarchy]") {
  const DnsHierarchy dns;
  const auto www = ask(dns.server("leaf"), make_query(0x0202, "www.example.test", kA));
  REQUIRE(www);
  CHECK(www->id == 0x0202);
  CHECK(www->qr);
  CHECK(www->aa);
  CHECK(www->rcode == 0);
  CHECK(www->ancount == 1);

  const auto nope = ask(dns.server("leaf"), make_query(0x0303, "nope.example.test", kA));
  REQUIRE(nope);
  CHECK(nope->aa);
  CHECK(nope->rcode == 3);  // NXDOMAIN

  const auto big = ask(dns.server("leaf"), make_query(0x0404, "big.example.test", kTxt));
  REQUIRE(big);
  CHECK(big->qr);
  CHECK(big->tc);
}

TEST_CASE("the silent server of the DNS hierarchy never replies", "[dns_hierarchy]") {
  const DnsHierarchy dns;
  CHECK_FALSE(ask(dns.server("silent"), make_query(0x0505, "www.dead.test", kA),
                  std::chrono::milliseconds(300)));
}
