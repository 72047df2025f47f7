#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/process.hpp"
#include "support/usage_errors.hpp"

using reqscope::test::run_reqscope;
using Json = nlohmann::json;

TEST_CASE("dns rejects bad input with exit 2 and one line naming the value", "[dns][cli][errors]") {
  const std::vector<reqscope::test::UsageErrorCase> cases = {
      {{"dns"}, "NAME"},
      {{"dns", ""}, "NAME"},
      {{"dns", "a..b"}, "a..b"},
      {{"dns", ".example.com"}, "empty label"},
      {{"dns", "exa mple.com"}, "' '"},
      {{"dns", "bad!name.com"}, "'!'"},
      {{"dns", std::string(64, 'a') + ".com"}, "63"},
      {{"dns", std::string(300, 'a')}, "253"},
      {{"dns", "b\xc3\xbcro.example"}, "non-ASCII"},
      {{"dns", "tab\there.com"}, "0x09"},
      {{"dns", "192.0.2.1"}, "-x 192.0.2.1"},
      {{"dns", "::1"}, "-x ::1"},
      {{"dns", "example.com", "--type", "BOGUS"}, "BOGUS"},
      {{"dns", "example.com", "-t", "OPT"}, "OPT"},
      {{"dns", "example.com", "-t", "any"}, "any"},
      {{"dns", "example.com", "-t", "TYPE99999"}, "TYPE99999"},
      {{"dns", "example.com", "--server", "not-an-ip"}, "not-an-ip"},
      {{"dns", "example.com", "--server", "127.0.0.1:0"}, "127.0.0.1:0"},
      {{"dns", "example.com", "--server", "127.0.0.1:99999"}, "99999"},
      {{"dns", "example.com", "--server", "[::1"}, "[::1"},
      {{"dns", "example.com", "--server", "127.0.0.1:"}, "127.0.0.1:"},
      {{"dns", "-x", "300.1.2.3"}, "300.1.2.3"},
      {{"dns", "-x", "example.com"}, "example.com"},
      {{"dns", "example.com", "-x", "127.0.0.1"}, "not both"},
      {{"dns", "example.com", "--root", "127.0.0.1"}, "--trace"},
      {{"dns", "example.com", "--trace", "--root", "nope"}, "nope"},
      {{"dns", "example.com", "--trace", "--root", "127.0.0.1:53", "--root", "127.0.0.2:54"},
       "port"},
      {{"dns", "example.com", "--trace", "-t", "A", "-t", "AAAA"}, "one record type"},
      {{"dns", "example.com", "--trace", "--server", "127.0.0.1"}, "--server"},
      {{"dns", "example.com", "--timeout", "soon"}, "soon"},
      {{"trace", "http://localhost/", "--dns-root", "127.0.0.1"}, "--dns-trace"},
      {{"trace", "http://localhost/", "--dns-trace", "--dns-server", "127.0.0.1"}, "exclude"},
      {{"trace", "http://localhost/", "--dns-trace", "--dns-root", "x.y"}, "x.y"},
  };
  reqscope::test::check_usage_errors(cases);
}

TEST_CASE("dns accepts the root, a trailing dot, wildcards and TYPEnnn", "[dns][cli]") {
  // Nothing listens on port 9 of 127.0.0.1: the input is accepted, the lookup refused.
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"dns", ".", "-t", "NS"},
           {"dns", "example.com."},
           {"dns", "*.example.com"},
           {"dns", "_sip._tcp.example.com", "-t", "srv"},
           {"dns", "example.com", "-t", "TYPE65"},
           {"dns", "-x", "2001:db8::1"},
       }) {
    auto full = args;
    full.insert(full.end(), {"--server", "127.0.0.1:9", "--json"});
    const auto result = run_reqscope(full);
    INFO(args[1] << result.err);
    CHECK(result.exit_code == 3);
    CHECK(Json::parse(result.out)["error"]["kind"] == "dns_refused");
  }
}

TEST_CASE("dns -x builds the reverse name", "[dns][cli]") {
  auto doc = Json::parse(
      run_reqscope({"dns", "-x", "192.0.2.10", "--server", "127.0.0.1:9", "--json"}).out);
  CHECK(doc["name"] == "10.2.0.192.in-addr.arpa");
  CHECK(doc["queries"][0]["type"] == "PTR");
  doc = Json::parse(run_reqscope({"dns", "-x", "2001:db8::1", "-s", "127.0.0.1:9", "--json"}).out);
  CHECK(doc["name"] == "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
}

TEST_CASE("dns errors under --json are one document with the dns schema", "[dns][cli][json]") {
  const auto result = run_reqscope({"dns", "a..b", "--json"});
  CHECK(result.exit_code == 2);
  const auto doc = Json::parse(result.out);
  CHECK(doc["schema"] == "reqscope.dns/1");
  CHECK(doc["error"]["kind"] == "bad_option");
}
