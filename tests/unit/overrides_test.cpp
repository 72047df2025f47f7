#include "reqscope/http/overrides.hpp"

#include <catch2/catch.hpp>

using namespace reqscope::http;

TEST_CASE("option --resolve takes HOST:PORT:ADDR with several addresses", "[overrides]") {
  auto rule = parse_resolve_override("api.test:443:127.0.0.1,[::1]");
  REQUIRE(rule);
  CHECK(rule->host == "api.test");
  CHECK(rule->port == 443);
  REQUIRE(rule->addresses.size() == 2);
  CHECK(rule->addresses[1] == "::1");
  rule = parse_resolve_override("api.test:443:::1,127.0.0.1");
  REQUIRE(rule);
  CHECK(rule->addresses == std::vector<std::string>{"::1", "127.0.0.1"});
}

TEST_CASE("option --connect-to allows empty parts", "[overrides]") {
  auto rule = parse_connect_to_override("::backend.test:8080");
  REQUIRE(rule);
  CHECK(rule->from_host.empty());
  CHECK_FALSE(rule->from_port);
  CHECK(rule->to_host == "backend.test");
  CHECK(*rule->to_port == 8080);
  rule = parse_connect_to_override("[::1]:80:[::2]:81");
  REQUIRE(rule);
  CHECK(rule->from_host == "::1");
}

TEST_CASE("malformed overrides are rejected and name the option", "[overrides]") {
  for (const char* text : {"", "host", "host:80", "host:80:", "host:x:127.0.0.1",
                           "host:80:999.1.1.1", "host:80:127.0.0.1,", "bad host:80:127.0.0.1",
                           "host:80:[::1", "a:b:c:d:e", "h:80:1:2:3:4:5:6:7:8:9"}) {
    INFO(text);
    auto rule = parse_resolve_override(text);
    REQUIRE_FALSE(rule);
    CHECK(rule.error().message.find("--resolve") != std::string::npos);
  }
  for (const char* text : {"", "a:b:c:d", "a:80:b", "a:80:b:99999", "a:80:[b:81"}) {
    INFO(text);
    auto rule = parse_connect_to_override(text);
    REQUIRE_FALSE(rule);
    CHECK(rule.error().kind == "bad_option");
  }
  CHECK_FALSE(parse_resolve_override(std::string(5000, ':')));
}
