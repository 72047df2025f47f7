#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/lab.hpp"
#include "support/nsd.hpp"
#include "support/process.hpp"

using reqscope::test::Lab;
using reqscope::test::Nsd;
using reqscope::test::run_reqscope;
using Json = nlohmann::json;

TEST_CASE("trace resolves through a real DNS server and shows queries and TTLs",
          "[trace][dns][nsd]") {
  Nsd nsd;
  Lab lab;
  const auto url = "http://www.reqscope.test:" + std::to_string(lab.port()) + "/";
  const auto result = run_reqscope({"trace", url, "--dns-server", nsd.server(), "--json"});
  INFO(result.out << result.err);
  REQUIRE(result.exit_code == 0);
  const auto hop = Json::parse(result.out)["hops"][0];
  const auto& dns = hop["dns"];
  CHECK(dns["source"] == "dns");
  CHECK(dns["servers"][0] == nsd.server());
  REQUIRE(dns["queries"].size() == 2);
  for (const auto& query : dns["queries"]) {
    CHECK(query["status"] == "NOERROR");
    CHECK(query["answers"][0]["ttl_s"] == 300);
    CHECK(query["ms"].get<double>() >= 0.0);
  }
  CHECK(dns["addresses"] == Json::array({"::1", "127.0.0.1"}));
  // The lab listens on IPv4 only: IPv6 is refused first, then IPv4 connects.
  REQUIRE(hop["connects"].size() == 2);
  CHECK(hop["connects"][0]["result"] == "refused");
  CHECK(hop["connects"][1]["result"] == "ok");
  CHECK(hop["phases"]["dns_ms"].get<double>() > 0.0);
}

TEST_CASE("a CNAME shows its canonical name", "[trace][dns][nsd]") {
  Nsd nsd;
  Lab lab;
  const auto result =
      run_reqscope({"trace", "http://api.reqscope.test:" + std::to_string(lab.port()) + "/", "-4",
                    "--dns-server", nsd.server(), "--json"});
  REQUIRE(result.exit_code == 0);
  const auto query = Json::parse(result.out)["hops"][0]["dns"]["queries"][0];
  CHECK(query["type"] == "A");
  CHECK(query["canonical_name"] == "www.reqscope.test");
}

TEST_CASE("a name that does not exist is dns_nxdomain and exit 3", "[trace][dns][nsd][errors]") {
  Nsd nsd;
  const auto result = run_reqscope(
      {"trace", "http://missing.reqscope.test/", "--dns-server", nsd.server(), "--json"});
  CHECK(result.exit_code == 3);
  const auto doc = Json::parse(result.out);
  CHECK(doc["error"]["kind"] == "dns_nxdomain");
  CHECK(doc["error"]["phase"] == "dns");
  CHECK(doc["hops"][0]["dns"]["queries"][0]["status"] == "NXDOMAIN");
}

TEST_CASE("a name without an address of the asked family is dns_nodata",
          "[trace][dns][nsd][errors]") {
  Nsd nsd;
  const auto result = run_reqscope(
      {"trace", "http://v4only.reqscope.test/", "-6", "--dns-server", nsd.server(), "--json"});
  CHECK(result.exit_code == 3);
  CHECK(Json::parse(result.out)["error"]["kind"] == "dns_nodata");
}

TEST_CASE("a DNS server that does not answer is dns_timeout", "[trace][dns][errors]") {
  // A UDP port nobody listens on: queries are refused or lost, never answered.
  const auto port = std::to_string(reqscope::test::free_port());
  const auto result = run_reqscope({"trace", "http://www.reqscope.test/", "--dns-server",
                                    "127.0.0.1:" + port, "--timeout", "1s", "--json"});
  CHECK(result.exit_code == 3);
  const auto kind = Json::parse(result.out)["error"]["kind"].get<std::string>();
  CHECK((kind == "dns_timeout" || kind == "dns_refused"));
}

TEST_CASE("a server that refuses the zone is dns_refused with its answer",
          "[trace][dns][nsd][errors]") {
  Nsd nsd;
  const auto result =
      run_reqscope({"trace", "http://elsewhere.example/", "--dns-server", nsd.server(), "--json"});
  CHECK(result.exit_code == 3);
  const auto doc = Json::parse(result.out);
  CHECK(doc["error"]["kind"] == "dns_refused");
  CHECK(doc["hops"][0]["dns"]["queries"][0]["status"] == "REFUSED");
}
