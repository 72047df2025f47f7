#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>

#include "support/dns_hierarchy.hpp"
#include "support/lab.hpp"
#include "support/process.hpp"

using reqscope::test::DnsHierarchy;
using reqscope::test::run_reqscope;
using Json = nlohmann::json;

namespace {

// Started on first use, stopped when the test process exits.
DnsHierarchy& hierarchy() {
  static DnsHierarchy instance;
  return instance;
}

Json walk(const std::vector<std::string>& extra, int expected_exit) {
  std::vector<std::string> args = {"dns", "--trace", "--root", hierarchy().root(), "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto result = run_reqscope(args);
  INFO(result.out << result.err);
  REQUIRE(result.exit_code == expected_exit);
  return Json::parse(result.out);
}

// Wrapped prose with line breaks and runs of spaces folded into one space.
std::string flat(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '\n' || c == ' ') {
      if (out.empty() || out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::vector<std::string> kinds(const Json& doc) {
  std::vector<std::string> out;
  for (const auto& step : doc["steps"])
    out.push_back(step["kind"]);
  return out;
}

std::vector<std::string> zones(const Json& doc) {
  std::vector<std::string> out;
  for (const auto& step : doc["steps"])
    out.push_back(step["zone"]);
  return out;
}

}  // namespace

TEST_CASE("the walk goes root, TLD, authoritative, following glue", "[dns][walk]") {
  const auto doc = walk({"www.example.test"}, 0);
  CHECK(doc["schema"] == "reqscope.dns/1");
  CHECK(doc["mode"] == "trace");
  CHECK(doc["type"] == "A");
  CHECK(doc["rcode"] == "NOERROR");
  CHECK(kinds(doc) == std::vector<std::string>{"referral", "referral", "answer"});
  CHECK(zones(doc) == std::vector<std::string>{".", "test", "example.test"});
  const auto& steps = doc["steps"];
  CHECK(steps[0]["server_ip"] == "127.53.0.1");
  CHECK(steps[0]["referral"]["zone"] == "test");
  CHECK(steps[0]["referral"]["servers"][0] ==
        Json({{"name", "ns1.nic.test"}, {"ip", "127.53.0.2"}}));
  CHECK(steps[1]["server"] == "ns1.nic.test");
  CHECK(steps[2]["server"] == "ns1.example.test");
  CHECK(steps[2]["server_ip"] == "127.53.0.3");
  CHECK(steps[2]["flags"]["aa"] == true);
  CHECK(steps[2]["flags"]["rd"] == false);
  for (const auto& step : steps) {
    CHECK(step["transport"] == "udp");
    CHECK(step["ms"].get<double>() >= 0.0);
  }
  REQUIRE(doc["answers"].size() == 1);
  CHECK(doc["answers"][0] ==
        Json({{"name", "www.example.test"}, {"type", "A"}, {"ttl_s", 300}, {"data", "127.0.0.1"}}));
  CHECK(doc["total_ms"].get<double>() >= 0.0);
  CHECK(doc["error"].is_null());
}

TEST_CASE("the walk asks for other types: AAAA, MX, TXT, SRV, CAA, NS", "[dns][walk]") {
  CHECK(walk({"www.example.test", "-t", "AAAA"}, 0)["answers"][0]["data"] == "::1");
  CHECK(walk({"example.test", "--type", "mx"}, 0)["answers"][0]["data"] == "10 mail.example.test");
  CHECK(walk({"example.test", "-t", "TXT"}, 0)["answers"][0]["data"] == "\"v=reqscope-test\"");
  CHECK(walk({"_http._tcp.example.test", "-t", "SRV"}, 0)["answers"][0]["data"] ==
        "0 5 8080 www.example.test");
  CHECK(walk({"example.test", "-t", "CAA"}, 0)["answers"][0]["data"] ==
        "0 issue \"letsencrypt.org\"");
  const auto ns = walk({"example.test", "-t", "NS"}, 0);
  CHECK(ns["answers"][0]["data"] == "ns1.example.test");
  CHECK(kinds(ns).back() == "answer");
}

TEST_CASE("NXDOMAIN and NODATA end the walk with exit 1", "[dns][walk]") {
  const auto missing = walk({"nope.example.test"}, 1);
  CHECK(missing["rcode"] == "NXDOMAIN");
  CHECK(kinds(missing).back() == "nxdomain");
  CHECK(missing["answers"].empty());

  const auto nodata = walk({"www.example.test", "-t", "MX"}, 1);
  CHECK(nodata["rcode"] == "NOERROR");
  CHECK(kinds(nodata).back() == "nodata");
  CHECK(nodata["answers"].empty());
}

TEST_CASE("a CNAME into another zone is followed from the root, trusting only in-zone data",
          "[dns][walk]") {
  const auto doc = walk({"alias.example.test"}, 0);
  // The leaf also serves other.test and sends www.other.test's A along; a
  // resolver must not take it from the example.test server, so the walk asks
  // other.test's own servers, after resolving their glueless name.
  REQUIRE(doc["answers"].size() == 2);
  CHECK(doc["answers"][0]["type"] == "CNAME");
  CHECK(doc["answers"][0]["data"] == "www.other.test");
  CHECK(doc["answers"][1]["data"] == "127.0.0.7");
  const auto& last = doc["steps"].back();
  CHECK(last["zone"] == "other.test");
  CHECK(last["question"]["name"] == "www.other.test");
  CHECK(last["depth"] == 1);
}

TEST_CASE("a glueless delegation resolves the server name first, in a sub-walk", "[dns][walk]") {
  const auto doc = walk({"www.other.test"}, 0);
  CHECK(doc["answers"][0]["data"] == "127.0.0.7");
  const auto& steps = doc["steps"];
  // root -> test (referral to other.test without glue), then the sub-walk for
  // ns.example.test (cached test delegation -> example.test answer), then other.test.
  REQUIRE(steps.size() >= 4);
  CHECK(steps[1]["referral"]["zone"] == "other.test");
  CHECK(steps[1]["referral"]["servers"][0]["ip"].is_null());
  bool resolved_server_name = false;
  for (const auto& step : steps) {
    if (step["depth"] == 1 && step["question"]["name"] == "ns.example.test" &&
        step["kind"] == "answer") {
      resolved_server_name = true;
    }
  }
  CHECK(resolved_server_name);
  CHECK(steps.back()["zone"] == "other.test");
  CHECK(steps.back()["server_ip"] == "127.53.0.3");
}

TEST_CASE("a truncated UDP reply is asked again over TCP", "[dns][walk]") {
  const auto doc = walk({"big.example.test", "-t", "TXT"}, 0);
  const auto& steps = doc["steps"];
  REQUIRE(steps.size() == 4);
  CHECK(steps[2]["kind"] == "truncated");
  CHECK(steps[2]["transport"] == "udp");
  CHECK(steps[2]["flags"]["tc"] == true);
  CHECK(steps[3]["kind"] == "answer");
  CHECK(steps[3]["transport"] == "tcp");
  REQUIRE(doc["answers"].size() == 1);
  CHECK(doc["answers"][0]["data"].get<std::string>().size() > 2048);
}

TEST_CASE("a lame server is a timeout step, then the next server answers", "[dns][walk]") {
  const auto doc = walk({"www.flaky.test", "--timeout", "20"}, 0);
  CHECK(kinds(doc) == std::vector<std::string>{"referral", "referral", "timeout", "answer"});
  const auto& steps = doc["steps"];
  CHECK(steps[2]["server"] == "dead.nic.test");
  CHECK(steps[2]["server_ip"] == "127.53.0.9");
  // The per-server wait is 1.5 s: the timeout step took about that, not the whole budget.
  CHECK(steps[2]["ms"].get<double>() >= 1000.0);
  CHECK(steps[2]["ms"].get<double>() < 10000.0);
  CHECK(steps[3]["server"] == "ns1.example.test");
  CHECK(doc["answers"][0]["data"] == "127.0.0.8");
}

TEST_CASE("a zone whose only server is dead fails with dns_timeout, exit 3", "[dns][walk]") {
  const auto doc = walk({"www.dead.test"}, 3);
  CHECK(doc["error"]["kind"] == "dns_timeout");
  CHECK(doc["error"]["message"].get<std::string>().find("dead.test") != std::string::npos);
  CHECK(kinds(doc).back() == "timeout");
  CHECK(doc["rcode"].is_null());
}

TEST_CASE("a CNAME loop across zones is a named error, not a runaway walk", "[dns][walk]") {
  const auto doc = walk({"loop.example.test"}, 3);
  CHECK(doc["error"]["kind"] == "dns_loop");
  CHECK(doc["steps"].size() < 64);
}

TEST_CASE("a walk whose time runs out stops with dns_timeout", "[dns][walk][errors]") {
  const auto doc = walk({"www.dead.test", "--timeout", "300ms"}, 3);
  CHECK(doc["error"]["kind"] == "dns_timeout");
}

TEST_CASE("the human walk leads with the verdict and lists every step", "[dns][walk]") {
  const auto result = run_reqscope(
      {"dns", "www.example.test", "--trace", "--root", hierarchy().root(), "--explain"},
      {{"NO_COLOR", "1"}});
  INFO(result.out << result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(result.out.rfind("OK  www.example.test A 127.0.0.1", 0) == 0);
  CHECK(result.out.find("Walk from the root") != std::string::npos);
  CHECK(result.out.find("referral") != std::string::npos);
  CHECK(result.out.find("ns1.example.test (127.53.0.3)") != std::string::npos);
  CHECK(result.out.find("root server") != std::string::npos);
  CHECK(result.out.find("glue") != std::string::npos);
  CHECK(result.out.find("TTL") != std::string::npos);
}

TEST_CASE("stub lookups ask the authoritative server directly with --server", "[dns][stub]") {
  const auto result =
      run_reqscope({"dns", "www.example.test", "--server", hierarchy().server("leaf"), "--json"});
  INFO(result.out << result.err);
  REQUIRE(result.exit_code == 0);
  const auto doc = Json::parse(result.out);
  CHECK(doc["mode"] == "stub");
  REQUIRE(doc["queries"].size() == 2);
  CHECK(doc["queries"][0]["type"] == "A");
  CHECK(doc["queries"][1]["type"] == "AAAA");
  for (const auto& query : doc["queries"]) {
    CHECK(query["outcome"] == "answer");
    CHECK(query["server"] == hierarchy().server("leaf"));
    CHECK(query["rcode"] == "NOERROR");
    CHECK(query["flags"]["aa"] == true);
    CHECK(query["flags"]["rd"] == true);
    CHECK(query["answers"][0]["ttl_s"] == 300);
  }
  CHECK(doc["answers"].size() == 2);
}

TEST_CASE("a stub lookup shows a CNAME chain step by step", "[dns][stub]") {
  const auto doc = Json::parse(run_reqscope({"dns", "inzone.example.test", "-t", "A", "-s",
                                             hierarchy().server("leaf"), "--json"})
                                   .out);
  const auto& query = doc["queries"][0];
  REQUIRE(query["cname_chain"].size() == 1);
  CHECK(query["cname_chain"][0]["data"] == "www.example.test");
  CHECK(query["answers"][0]["data"] == "127.0.0.1");
}

TEST_CASE("stub NXDOMAIN and NODATA exit 1 and say why", "[dns][stub]") {
  auto result = run_reqscope({"dns", "nope.example.test", "-s", hierarchy().server("leaf")},
                             {{"NO_COLOR", "1"}});
  CHECK(result.exit_code == 1);
  CHECK(result.out.rfind("NXDOMAIN  nope.example.test does not exist", 0) == 0);
  CHECK(result.out.find("300 s, the time resolvers cache this negative answer") !=
        std::string::npos);

  result = run_reqscope(
      {"dns", "www.example.test", "-t", "MX", "-s", hierarchy().server("leaf"), "--json"});
  CHECK(result.exit_code == 1);
  const auto doc = Json::parse(result.out);
  CHECK(doc["queries"][0]["outcome"] == "nodata");
  CHECK(doc["queries"][0]["negative_ttl_s"] == 300);
}

TEST_CASE("a stub lookup retries a truncated reply over TCP, or uses TCP with --tcp",
          "[dns][stub]") {
  auto doc = Json::parse(run_reqscope({"dns", "big.example.test", "-t", "TXT", "-s",
                                       hierarchy().server("leaf"), "--json"})
                             .out);
  const auto& attempts = doc["queries"][0]["attempts"];
  REQUIRE(attempts.size() == 2);
  CHECK(attempts[0]["transport"] == "udp");
  CHECK(attempts[1]["transport"] == "tcp");
  CHECK(doc["queries"][0]["outcome"] == "answer");

  doc = Json::parse(run_reqscope({"dns", "www.example.test", "-t", "A", "--tcp", "-s",
                                  hierarchy().server("leaf"), "--json"})
                        .out);
  CHECK(doc["queries"][0]["attempts"].size() == 1);
  CHECK(doc["queries"][0]["transport"] == "tcp");
}

TEST_CASE("a stub lookup moves on from a silent server to the next", "[dns][stub]") {
  const auto result =
      run_reqscope({"dns", "www.example.test", "-t", "A", "-s", hierarchy().server("silent"), "-s",
                    hierarchy().server("leaf"), "--json"});
  INFO(result.out << result.err);
  REQUIRE(result.exit_code == 0);
  const auto doc = Json::parse(result.out);
  const auto& attempts = doc["queries"][0]["attempts"];
  REQUIRE(attempts.size() == 2);
  CHECK(attempts[0]["status"] == "timeout");
  CHECK(attempts[1]["status"] == "answered");
}

TEST_CASE("a stub lookup where no server answers is dns_timeout, exit 3", "[dns][stub][errors]") {
  const auto result = run_reqscope(
      {"dns", "www.example.test", "-s", hierarchy().server("silent"), "--timeout", "300ms"});
  CHECK(result.exit_code == 3);
  CHECK(result.out.find("dns_timeout") != std::string::npos);
}

TEST_CASE("a refused server is dns_refused, exit 3", "[dns][stub][errors]") {
  const auto result =
      run_reqscope({"dns", "www.example.test", "-s",
                    "127.0.0.1:" + std::to_string(reqscope::test::free_port()), "--json"});
  CHECK(result.exit_code == 3);
  CHECK(Json::parse(result.out)["error"]["kind"] == "dns_refused");
}

TEST_CASE("trace --dns-trace resolves by walking, the AAAA walk from the cached delegation",
          "[dns][walk][trace]") {
  reqscope::test::Lab lab;
  const auto url = "http://www.example.test:" + std::to_string(lab.port()) + "/";
  const auto result =
      run_reqscope({"trace", url, "--dns-trace", "--dns-root", hierarchy().root(), "--json"});
  INFO(result.out << result.err);
  REQUIRE(result.exit_code == 0);
  const auto dns = Json::parse(result.out)["hops"][0]["dns"];
  CHECK(dns["source"] == "walk");
  CHECK(dns["addresses"] == Json::array({"::1", "127.0.0.1"}));
  REQUIRE(dns["walks"].size() == 2);
  CHECK(dns["walks"][0]["type"] == "A");
  CHECK(dns["walks"][0]["steps"].size() == 3);
  // The AAAA walk starts at example.test: the delegations are cached.
  CHECK(dns["walks"][1]["type"] == "AAAA");
  REQUIRE(dns["walks"][1]["steps"].size() == 1);
  CHECK(dns["walks"][1]["steps"][0]["from_cache"] == true);
  CHECK(dns["walks"][1]["steps"][0]["zone"] == "example.test");
  CHECK(dns["queries"][0]["answers"][0]["ttl_s"] == 300);
}

TEST_CASE("trace --dns-trace shows the walk under the DNS line", "[dns][walk][trace]") {
  reqscope::test::Lab lab;
  const auto url = "http://www.example.test:" + std::to_string(lab.port()) + "/";
  const auto result = run_reqscope(
      {"trace", url, "-4", "--dns-trace", "--dns-root", hierarchy().root()}, {{"NO_COLOR", "1"}});
  INFO(result.out << result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(result.out.find("www.example.test → 127.0.0.1 (walked from the root)") !=
        std::string::npos);
  CHECK(result.out.find("referral → example.test") != std::string::npos);
}

TEST_CASE("trace --dns-trace of a missing name is dns_nxdomain after one walk",
          "[dns][walk][trace][errors]") {
  const auto result = run_reqscope({"trace", "http://nope.example.test/", "--dns-trace",
                                    "--dns-root", hierarchy().root(), "--json"});
  CHECK(result.exit_code == 3);
  const auto doc = Json::parse(result.out);
  CHECK(doc["error"]["kind"] == "dns_nxdomain");
  CHECK(doc["hops"][0]["dns"]["walks"].size() == 1);
}

TEST_CASE("a CNAME chain through more zones than the depth limit is dns_limit",
          "[dns][walk][errors]") {
  const auto doc = walk({"hop0.example.test"}, 3);
  CHECK(doc["error"]["kind"] == "dns_limit");
  CHECK(doc["error"]["message"].get<std::string>().find("deeper than 8") != std::string::npos);
  int deepest = 0;
  for (const auto& step : doc["steps"])
    deepest = std::max(deepest, step["depth"].get<int>());
  CHECK(deepest == 8);
}

TEST_CASE("a walk stops at 64 queries with dns_limit", "[dns][walk][errors]") {
  const auto doc = walk({"www.many.test"}, 3);
  CHECK(doc["error"]["kind"] == "dns_limit");
  CHECK(doc["steps"].size() == 64);
}

TEST_CASE("dns JSON carries ok, true exactly when the exit code is 0", "[dns][walk][json]") {
  CHECK(walk({"www.example.test"}, 0)["ok"] == true);
  CHECK(walk({"nope.example.test"}, 1)["ok"] == false);
  const auto stub = run_reqscope(
      {"dns", "www.example.test", "-s", hierarchy().server("leaf"), "-t", "MX", "--json"});
  CHECK(stub.exit_code == 1);
  CHECK(Json::parse(stub.out)["ok"] == false);
}

TEST_CASE("a root where nothing listens is dns_refused, and --explain says what failed",
          "[dns][walk][errors]") {
  const auto result =
      run_reqscope({"dns", "www.example.test", "--trace", "--root",
                    "127.53.0.250:" + std::to_string(hierarchy().port()), "--explain"},
                   {{"NO_COLOR", "1"}});
  CHECK(result.exit_code == 3);
  CHECK(result.out.rfind("FAILED  dns_refused", 0) == 0);
  CHECK(result.out.find("no root server could be reached") != std::string::npos);
  CHECK(result.out.find("What this walk shows") != std::string::npos);
  CHECK(
      flat(result.out).find("stopped after 1 query. No server of a zone could be reached at all") !=
      std::string::npos);
}

TEST_CASE("a stub lookup sent to a server that does not recurse says so", "[dns][stub][errors]") {
  const auto result =
      run_reqscope({"dns", "www.example.test", "-t", "A", "-s", hierarchy().root(), "--json"});
  CHECK(result.exit_code == 3);
  const auto doc = Json::parse(result.out);
  CHECK(doc["error"]["kind"] == "dns_error");
  CHECK(doc["queries"][0]["explanation"].get<std::string>().find("does not recurse") !=
        std::string::npos);
}

TEST_CASE("NXDOMAIN after a CNAME is about the CNAME's target", "[dns][walk]") {
  const auto doc = walk({"dangling.example.test"}, 1);
  CHECK(doc["rcode"] == "NXDOMAIN");
  REQUIRE(doc["answers"].size() == 1);
  CHECK(doc["answers"][0]["data"] == "gone.example.test");
  const auto human =
      run_reqscope({"dns", "dangling.example.test", "--trace", "--root", hierarchy().root()},
                   {{"NO_COLOR", "1"}});
  CHECK(flat(human.out).rfind("NXDOMAIN dangling.example.test is a CNAME to gone.example.test, "
                              "which does not exist",
                              0) == 0);
}

TEST_CASE("a glueless delegation cycle fails at once instead of recursing", "[dns][walk][errors]") {
  const auto started = std::chrono::steady_clock::now();
  const auto doc = walk({"www.cyc1.test"}, 3);
  CHECK(doc["error"]["kind"] == "dns_servfail");
  CHECK(doc["steps"].size() < 16);
  // No timeouts are involved: the whole walk is loopback round trips.
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
}
