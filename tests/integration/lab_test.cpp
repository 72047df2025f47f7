#include "support/lab.hpp"

#include <signal.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "reqscope/lab/server.hpp"
#include "support/process.hpp"

using reqscope::test::Lab;
using reqscope::test::run_reqscope;
using Json = nlohmann::json;

namespace {

// Fetches a lab URL with reqscope itself and returns the final status.
long status_of(const std::string& url) {
  const auto result = run_reqscope({"trace", url, "--json"});
  const auto doc = Json::parse(result.out);
  return doc["hops"].back()["status"].get<long>();
}

}  // namespace

TEST_CASE("lab prints its URL and stops with exit 0 on SIGTERM and SIGINT", "[lab]") {
  for (int signal : {SIGTERM, SIGINT}) {
    Lab lab;
    CHECK(lab.url().rfind("http://127.0.0.1:", 0) == 0);
    CHECK(reqscope::test::wait_for_port(lab.port()));
    CHECK(lab.process().stop(signal) == 0);
  }
}

TEST_CASE("lab --json prints exactly one {\"schema\",\"url\"} document", "[lab][json]") {
  reqscope::test::TempDir dir;
  const auto out = dir.path() + "/out";
  reqscope::test::Process lab({REQSCOPE_BINARY, "lab", "--port", "0", "--json"}, out);
  std::string line;
  for (int i = 0; i < 500 && line.empty(); ++i) {
    std::ifstream in(out);
    std::getline(in, line);
    if (line.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const auto doc = Json::parse(line);
  REQUIRE(doc.size() == 2);
  CHECK(doc["schema"] == "reqscope.lab/1");
  CHECK(doc["url"].get<std::string>().rfind("http://127.0.0.1:", 0) == 0);
  CHECK(lab.stop(SIGTERM) == 0);
}

TEST_CASE("lab --https serves a generated self-signed certificate", "[lab][tls]") {
  Lab lab({"--https"});
  CHECK(lab.url().rfind("https://127.0.0.1:", 0) == 0);
  const auto rejected = run_reqscope({"trace", lab.url() + "/", "--json"});
  CHECK(rejected.exit_code == 3);
  CHECK(Json::parse(rejected.out)["error"]["kind"] == "tls_verify");
  const auto accepted = run_reqscope({"trace", lab.url() + "/", "--insecure", "--json"});
  REQUIRE(accepted.exit_code == 0);
  const auto tls = Json::parse(accepted.out)["hops"][0]["tls"];
  CHECK(tls["subject"].get<std::string>().find("CN=localhost") != std::string::npos);
  CHECK(tls["days_left"].get<long>() >= 29);
}

TEST_CASE("lab endpoints answer as documented", "[lab]") {
  Lab lab;
  CHECK(status_of(lab.url() + "/") == 200);
  CHECK(status_of(lab.url() + "/status/418") == 418);
  CHECK(status_of(lab.url() + "/status/503") == 503);
  CHECK(status_of(lab.url() + "/redirect/2") == 302);
  CHECK(status_of(lab.url() + "/redirect/0") == 200);
  CHECK(status_of(lab.url() + "/nowhere") == 404);

  const auto bytes =
      Json::parse(run_reqscope({"trace", lab.url() + "/bytes/100000", "--json"}).out);
  CHECK(bytes["hops"][0]["response"]["body_bytes"] == 100000);
}

TEST_CASE("lab answers bad parameters with 400 and a reason", "[lab][errors]") {
  Lab lab;
  for (const char* path :
       {"/delay/abc", "/delay/-5", "/delay/60001", "/delay/99999999999999999999", "/status/99",
        "/status/600", "/status/2x", "/redirect/51", "/bytes/104857601", "/drip?bytes=x",
        "/drip?ms=60001", "/bytes/", "/delay/%00"}) {
    INFO(path);
    CHECK(status_of(lab.url() + path) == 400);
  }
}

TEST_CASE("lab rejects bad options with exit 2", "[lab][cli]") {
  CHECK(run_reqscope({"lab", "--port", "65536"}).exit_code == 2);
  CHECK(run_reqscope({"lab", "--port", "-1"}).exit_code == 2);
  CHECK(run_reqscope({"lab", "--port", "http"}).exit_code == 2);
  CHECK(run_reqscope({"lab", "--cert", "/nonexistent"}).exit_code == 2);
  const auto bad_cert =
      run_reqscope({"lab", "--https", "--cert", "/nonexistent.pem", "--key", "/nonexistent.key"});
  CHECK(bad_cert.exit_code == 2);
  CHECK(bad_cert.err.find("/nonexistent.pem") != std::string::npos);
}

TEST_CASE("demo runs every step offline and exits 0", "[demo]") {
  const auto result = run_reqscope({"demo"});
  CHECK(result.exit_code == 0);
  for (const char* step :
       {"Step 1 of 7", "Step 2 of 7", "Step 3 of 7", "Step 4 of 7", "What the phases mean",
        "Step 5 of 7: The TLS certificate, up close", "self_signed", "Protocol versions",
        "What the findings mean", "Step 6 of 7: DNS, from the root", "Walk from the root",
        "What this walk shows", "Step 7 of 7: A JSON Web Token, genuine and forged", "VALID",
        "What a JWT is", "INVALID  signature"}) {
    CHECK(result.out.find(step) != std::string::npos);
  }
  const auto json = run_reqscope({"demo", "--json"});
  CHECK(json.exit_code == 0);
  const auto doc = Json::parse(json.out);
  CHECK(doc["schema"] == "reqscope.demo/1");
  REQUIRE(doc["steps"].size() == 7);
  const auto& tls = doc["steps"][4]["tls"];
  CHECK_FALSE(tls.contains("schema"));
  CHECK(tls["ok"] == true);
  CHECK(tls["findings"][0]["id"] == "self_signed");
  CHECK(tls["findings"][0]["severity"] == "warning");
  CHECK(tls["versions"]["TLSv1.3"] == "supported");
  CHECK(doc["steps"][5]["dns"]["answers"][0]["data"] == "127.0.0.1");
  CHECK(doc["steps"][5]["dns"]["steps"].size() == 3);
  const auto& jwt = doc["steps"][6];
  CHECK(jwt["jwt"]["valid"] == true);
  CHECK(jwt["jwt"]["key"]["kid"] == "lab-rsa");
  CHECK_FALSE(jwt["jwt"].contains("schema"));
  CHECK(jwt["tampered"]["valid"] == false);
  CHECK(jwt["tampered"]["reason"] == "signature");
}

TEST_CASE("lab --dns serves the demo DNS hierarchy", "[lab][dns]") {
  Lab lab({"--dns"});
  const auto lines = lab.output_lines();
  REQUIRE(lines.size() >= 2);
  REQUIRE(lines[1].rfind("dns-root 127.53.1.1:", 0) == 0);
  const auto root = lines[1].substr(std::string("dns-root ").size());
  const auto walk = run_reqscope({"dns", "api.demo.lab", "--trace", "--root", root, "--json"});
  INFO(walk.out << walk.err);
  REQUIRE(walk.exit_code == 0);
  const auto doc = Json::parse(walk.out);
  CHECK(doc["answers"][0]["type"] == "CNAME");
  CHECK(doc["answers"][1]["data"] == "127.0.0.1");
}

TEST_CASE("a second lab on a busy port fails with exit 3", "[lab][errors]") {
  Lab first;
  const auto second = run_reqscope({"lab", "--port", std::to_string(first.port())});
  CHECK(second.exit_code == 3);
  CHECK(second.err.find("cannot listen") != std::string::npos);
}

TEST_CASE("a lab stopped right after it starts ends at once", "[lab]") {
  for (int i = 0; i < 20; ++i) {
    auto lab = reqscope::lab::LabServer::start({});
    REQUIRE(lab);
    (*lab)->stop();
  }
}
