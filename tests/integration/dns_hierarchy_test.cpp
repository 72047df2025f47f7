#include "support/dns_hierarchy.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "support/dns_probe.hpp"

using reqscope::test::DnsHierarchy;
using reqscope::test::plain_query;
using reqscope::test::probe_udp;
using reqscope::test::ProbeHeader;
using reqscope::test::read_header;

namespace {

constexpr std::uint16_t kA = 1;
constexpr std::uint16_t kTxt = 16;

// Sends `query` over UDP to "IP:PORT"; the reply's header, or nothing within `timeout`.
std::optional<ProbeHeader> ask(const std::string& server, const std::string& query,
                               std::chrono::milliseconds timeout = std::chrono::seconds(2)) {
  const auto colon = server.rfind(':');
  const auto reply =
      probe_udp(server.substr(0, colon), std::stoi(server.substr(colon + 1)), query, timeout);
  if (!reply) return std::nullopt;
  const auto header = read_header(*reply);
  REQUIRE(header);  // a reply too short to be DNS
  return header;
}

void check_referral(const std::string& server, const std::string& name) {
  INFO(server << " " << name);
  const auto reply = ask(server, plain_query(0x0101, name, kA));
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
  const auto www = ask(dns.server("leaf"), plain_query(0x0202, "www.example.test", kA));
  REQUIRE(www);
  CHECK(www->id == 0x0202);
  CHECK(www->qr);
  CHECK(www->aa);
  CHECK(www->rcode == 0);
  CHECK(www->ancount == 1);

  const auto nope = ask(dns.server("leaf"), plain_query(0x0303, "nope.example.test", kA));
  REQUIRE(nope);
  CHECK(nope->aa);
  CHECK(nope->rcode == 3);  // NXDOMAIN

  const auto big = ask(dns.server("leaf"), plain_query(0x0404, "big.example.test", kTxt));
  REQUIRE(big);
  CHECK(big->qr);
  CHECK(big->tc);
}

TEST_CASE("the silent server of the DNS hierarchy never replies", "[dns_hierarchy]") {
  const DnsHierarchy dns;
  constexpr auto kTimeout = std::chrono::milliseconds(300);
  const auto start = std::chrono::steady_clock::now();
  CHECK_FALSE(ask(dns.server("silent"), plain_query(0x0505, "www.dead.test", kA), kTimeout));
  // Nothing also comes back, but at once, for an ICMP port unreachable (the
  // socket is connected); only a server that stays silent takes the whole timeout.
  CHECK(std::chrono::steady_clock::now() - start >= kTimeout);
}
