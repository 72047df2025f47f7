#include <ares.h>

#include <catch2/catch.hpp>

#include "reqscope/dns/hosts_file.hpp"
#include "reqscope/dns/resolve.hpp"

using namespace reqscope::dns;

TEST_CASE("hosts files are read as the system resolver reads them", "[dns][hosts]") {
  const auto entries = parse_hosts_file(
      "# comment\n"
      "127.0.0.1\tlocalhost Local.Test   # trailing comment\n"
      "::1 localhost ip6-localhost\n"
      "not-an-ip ignored.test\n"
      "10.0.0.1\n"
      "   \n"
      "192.0.2.1 local.test\n"
      "127.0.0.1 localhost\n");
  CHECK(lookup_hosts(entries, "localhost") == std::vector<std::string>{"127.0.0.1", "::1"});
  CHECK(lookup_hosts(entries, "LOCAL.test") == std::vector<std::string>{"127.0.0.1", "192.0.2.1"});
  CHECK(lookup_hosts(entries, "ignored.test").empty());
  CHECK(lookup_hosts(entries, "absent").empty());
}

TEST_CASE("hostile hosts file content does not crash the parser", "[dns][hosts]") {
  CHECK(parse_hosts_file("").empty());
  CHECK(parse_hosts_file(std::string(100000, '#')).empty());
  CHECK(parse_hosts_file(std::string("127.0.0.1 a\0b\n", 14)).size() == 1);
  CHECK(parse_hosts_file(std::string(50000, ' ') + "\n\n\n").empty());
}

TEST_CASE("addresses are ordered IPv6 first, interleaved, filtered by family", "[dns]") {
  const std::vector<std::string> mixed = {"192.0.2.1", "192.0.2.2", "2001:db8::1", "192.0.2.1"};
  CHECK(connect_order(mixed, Family::any) ==
        std::vector<std::string>{"2001:db8::1", "192.0.2.1", "192.0.2.2"});
  CHECK(connect_order(mixed, Family::ipv4) == std::vector<std::string>{"192.0.2.1", "192.0.2.2"});
  CHECK(connect_order(mixed, Family::ipv6) == std::vector<std::string>{"2001:db8::1"});
}

TEST_CASE("c-ares status codes map to DNS names", "[dns]") {
  CHECK(status_name(ARES_SUCCESS) == "NOERROR");
  CHECK(status_name(ARES_ENOTFOUND) == "NXDOMAIN");
  CHECK(status_name(ARES_ENODATA) == "NODATA");
  CHECK(status_name(ARES_ETIMEOUT) == "TIMEOUT");
  CHECK(status_name(ARES_ESERVFAIL) == "SERVFAIL");
  CHECK(status_name(ARES_EREFUSED) == "REFUSED");
}

TEST_CASE("IP literals, hosts entries and localhost need no DNS query", "[dns]") {
  ResolveOptions options;
  options.hosts_path = "/nonexistent/hosts";
  auto literal = resolve("192.0.2.7", options);
  REQUIRE(literal);
  CHECK(literal->source == "literal");
  CHECK(literal->queries.empty());
  auto local = resolve("localhost", options);
  REQUIRE(local);
  CHECK(local->source == "localhost");
  CHECK(local->addresses == std::vector<std::string>{"::1", "127.0.0.1"});
  options.family = Family::ipv4;
  CHECK(resolve("localhost", options)->addresses == std::vector<std::string>{"127.0.0.1"});
  Resolution partial;
  auto v6_only =
      resolve("192.0.2.7", {Family::ipv6, std::chrono::seconds(1), "/nonexistent", {}}, &partial);
  REQUIRE_FALSE(v6_only);
  CHECK(v6_only.error().kind == "dns_nodata");
}

TEST_CASE("option --dns-server values parse into IP:PORT", "[dns][cli]") {
  CHECK(*parse_dns_server("127.0.0.1") == "127.0.0.1:53");
  CHECK(*parse_dns_server("127.0.0.1:5353") == "127.0.0.1:5353");
  CHECK(*parse_dns_server("::1") == "[::1]:53");
  CHECK(*parse_dns_server("[::1]:5353") == "[::1]:5353");
  for (const char* text :
       {"", "dns.example", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:x", "[::1",
        "[::1]5353", "[::1]:", "300.1.1.1", "1.2.3.4:53:53", "[127.0.0.1]x"}) {
    INFO(text);
    auto server = parse_dns_server(text);
    REQUIRE_FALSE(server);
    CHECK(server.error().kind == "bad_option");
    CHECK(server.error().message.find("--dns-server") != std::string::npos);
  }
  CHECK_FALSE(parse_dns_server(std::string(10000, '1')));
}
