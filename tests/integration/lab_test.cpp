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

// The response to one request made with curl: its status line and headers,
// then its body.
std::string curl_response(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"/usr/bin/curl", "-s", "-i", "--max-time", "20"};
  argv.insert(argv.end(), args.begin(), args.end());
  return reqscope::test::run_command(argv).out;
}

// The response to a CORS preflight from `origin` for a PUT with X-Token.
std::string preflight(const std::string& url, const std::string& origin) {
  return curl_response({"-X", "OPTIONS", "-H", "Origin: " + origin, "-H",
                        "Access-Control-Request-Method: PUT", "-H",
                        "Access-Control-Request-Headers: x-token", url});
}

bool has_header(const std::string& response, const std::string& line) {
  return response.find("\r\n" + line + "\r\n") != std::string::npos;
}

bool has_header_named(const std::string& response, const std::string& name) {
  return response.find("\r\n" + name + ":") != std::string::npos;
}

std::string body_of(const std::string& response) {
  const auto end_of_head = response.find("\r\n\r\n");
  return end_of_head == std::string::npos ? "" : response.substr(end_of_head + 4);
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
  for (const char* step : {"Step 1 of 8",
                           "Step 2 of 8",
                           "Step 3 of 8",
                           "Step 4 of 8",
                           "What the phases mean",
                           "Step 5 of 8: The TLS certificate, up close",
                           "self_signed",
                           "Protocol versions",
                           "What the findings mean",
                           "Step 6 of 8: DNS, from the root",
                           "Walk from the root",
                           "What this walk shows",
                           "Step 7 of 8: A JSON Web Token, genuine and forged",
                           "VALID",
                           "What a JWT is",
                           "INVALID  signature",
                           "Step 8 of 8: A cross-origin call, blocked and then allowed",
                           "BLOCKED",
                           "fix: Access-Control-Allow-Methods: GET, PUT",
                           "The same-origin policy",
                           "The fixed server:",
                           "ALLOWED"}) {
    CHECK(result.out.find(step) != std::string::npos);
  }
  const auto json = run_reqscope({"demo", "--json"});
  CHECK(json.exit_code == 0);
  const auto doc = Json::parse(json.out);
  CHECK(doc["schema"] == "reqscope.demo/1");
  REQUIRE(doc["steps"].size() == 8);
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
  const auto& cors = doc["steps"][7];
  CHECK_FALSE(cors["cors"].contains("schema"));
  CHECK(cors["cors"]["verdict"] == "blocked");
  CHECK(cors["cors"]["reason"] == "allow_methods");
  CHECK(cors["cors"]["actual"]["sent"] == false);
  CHECK(cors["fixed"]["verdict"] == "allowed");
  CHECK(cors["fixed"]["preflight"]["max_age_s"] == 600);
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

TEST_CASE("lab /cors answers a preflight from an allowed origin with its parameters' headers",
          "[lab][cors]") {
  Lab lab;
  const auto url = lab.url() +
                   "/cors/api?origin=https://a.test,https://b.test&credentials=1"
                   "&methods=PUT,%20DELETE&headers=X-Token&max_age=600&expose=X-Request-Id";
  const auto response = preflight(url, "https://b.test");
  INFO(response);
  CHECK(response.starts_with("HTTP/1.1 204 "));
  CHECK(has_header(response, "Access-Control-Allow-Origin: https://b.test"));
  CHECK(has_header(response, "Access-Control-Allow-Credentials: true"));
  CHECK(has_header(response, "Access-Control-Allow-Methods: PUT, DELETE"));
  CHECK(has_header(response, "Access-Control-Allow-Headers: X-Token"));
  CHECK(has_header(response, "Access-Control-Max-Age: 600"));
  CHECK(has_header(response, "Vary: Origin"));
  CHECK_FALSE(has_header_named(response, "Access-Control-Expose-Headers"));
  CHECK_FALSE(has_header_named(response, "X-Request-Id"));
  CHECK(body_of(response).empty());

  const auto repeated = preflight(
      lab.url() + "/cors/api?origin=https://a.test&origin=https://b.test", "https://b.test");
  CHECK(has_header(repeated, "Access-Control-Allow-Origin: https://b.test"));
}

TEST_CASE("lab /cors allows no origin but a byte-exact match of one listed", "[lab][cors]") {
  Lab lab;
  const auto url = lab.url() + "/cors/api?origin=https://a.test&credentials=1";
  for (const char* origin : {"https://evil.test", "https://a.test.evil.test", "https://a.test/",
                             "HTTPS://A.TEST", "http://a.test", "null"}) {
    INFO(origin);
    const auto response = preflight(url, origin);
    CHECK(response.starts_with("HTTP/1.1 204 "));
    CHECK_FALSE(has_header_named(response, "Access-Control-Allow-Origin"));
    CHECK(has_header(response, "Access-Control-Allow-Credentials: true"));
    // The answer depends on the origin even when it allows none.
    CHECK(has_header(response, "Vary: Origin"));
    const auto actual = curl_response({"-H", std::string("Origin: ") + origin, url});
    CHECK(actual.starts_with("HTTP/1.1 200 "));
    CHECK_FALSE(has_header_named(actual, "Access-Control-Allow-Origin"));
    CHECK(has_header(actual, "Vary: Origin"));
  }
  CHECK_FALSE(has_header_named(curl_response({url}), "Access-Control-Allow-Origin"));
}

TEST_CASE("lab /cors with wildcard=1 allows every origin and with reflect=1 echoes any",
          "[lab][cors]") {
  Lab lab;
  const auto wildcard = preflight(lab.url() + "/cors/api?wildcard=1", "https://evil.test");
  CHECK(has_header(wildcard, "Access-Control-Allow-Origin: *"));
  CHECK_FALSE(has_header_named(wildcard, "Vary"));
  CHECK(has_header(curl_response({lab.url() + "/cors/api?wildcard=1"}),
                   "Access-Control-Allow-Origin: *"));

  const auto reflect_url = lab.url() + "/cors/api?reflect=1&credentials=1";
  const auto evil = preflight(reflect_url, "https://evil.test");
  CHECK(has_header(evil, "Access-Control-Allow-Origin: https://evil.test"));
  CHECK(has_header(evil, "Access-Control-Allow-Credentials: true"));
  CHECK(has_header(evil, "Vary: Origin"));
  CHECK(has_header(preflight(reflect_url, "null"), "Access-Control-Allow-Origin: null"));
  const auto actual = curl_response({"-H", "Origin: null", reflect_url});
  CHECK(has_header(actual, "Access-Control-Allow-Origin: null"));
  CHECK(has_header(actual, "Access-Control-Allow-Credentials: true"));
  const auto without_origin = curl_response({reflect_url});
  CHECK_FALSE(has_header_named(without_origin, "Access-Control-Allow-Origin"));
  CHECK(has_header(without_origin, "Vary: Origin"));
}

TEST_CASE("lab /cors answers an actual request with a JSON echo and its CORS headers",
          "[lab][cors]") {
  Lab lab;
  const auto url = lab.url() +
                   "/cors/orders?origin=https://a.test&credentials=1"
                   "&expose=X-Request-Id,%20X-Lab-Cors&methods=PUT&max_age=5";
  // A form body, as a cross-origin form POST sends, holds no settings.
  const auto first =
      curl_response({"-X", "POST", "-H", "Origin: https://a.test", "-d", "status=500&nope=1", url});
  INFO(first);
  CHECK(first.starts_with("HTTP/1.1 200 "));
  CHECK(has_header(first, "Access-Control-Allow-Origin: https://a.test"));
  CHECK(has_header(first, "Access-Control-Allow-Credentials: true"));
  CHECK(has_header(first, "Access-Control-Expose-Headers: X-Request-Id, X-Lab-Cors"));
  CHECK(has_header(first, "Vary: Origin"));
  CHECK(has_header(first, "X-Lab-Cors: 1"));
  CHECK(has_header(first, "Content-Type: application/json"));
  CHECK_FALSE(has_header_named(first, "Access-Control-Allow-Methods"));
  CHECK_FALSE(has_header_named(first, "Access-Control-Max-Age"));
  const auto body = Json::parse(body_of(first));
  CHECK(body == Json{{"method", "POST"}, {"origin", "https://a.test"}, {"path", "/cors/orders"}});

  // An OPTIONS without Access-Control-Request-Method is no preflight.
  const auto options = curl_response({"-X", "OPTIONS", url});
  CHECK(options.starts_with("HTTP/1.1 200 "));
  CHECK(Json::parse(body_of(options)) ==
        Json{{"method", "OPTIONS"}, {"origin", nullptr}, {"path", "/cors/orders"}});
  const auto request_id = [](const std::string& response) {
    const auto at = response.find("\r\nX-Request-Id: lab-");
    return at == std::string::npos ? "" : response.substr(at, response.find("\r\n", at + 2) - at);
  };
  CHECK_FALSE(request_id(first).empty());
  CHECK(request_id(first) != request_id(options));

  for (const char* method : {"GET", "PUT", "PATCH", "DELETE"}) {
    INFO(method);
    // Content-Length: 0, as browsers send it: cpp-httplib would wait for the
    // body of a PUT or PATCH without one.
    const auto response = curl_response({"-X", method, "-H", "Origin: https://a.test", "-H",
                                         "Content-Length: 0", url + "&status=500"});
    CHECK(response.starts_with("HTTP/1.1 500 "));
    CHECK(has_header(response, "Access-Control-Allow-Origin: https://a.test"));
    CHECK(Json::parse(body_of(response))["method"] == method);
  }
  const auto head = curl_response({"-I", "-H", "Origin: https://a.test", url});
  CHECK(head.starts_with("HTTP/1.1 200 "));
  CHECK(has_header(head, "Access-Control-Allow-Origin: https://a.test"));
}

TEST_CASE("lab /cors reproduces vary=0, preflight_status=404 and actual=0", "[lab][cors]") {
  Lab lab;
  const auto no_vary = lab.url() + "/cors/api?origin=https://a.test&vary=0";
  CHECK_FALSE(has_header_named(preflight(no_vary, "https://a.test"), "Vary"));
  const auto actual_without_vary = curl_response({"-H", "Origin: https://a.test", no_vary});
  CHECK(has_header(actual_without_vary, "Access-Control-Allow-Origin: https://a.test"));
  CHECK_FALSE(has_header_named(actual_without_vary, "Vary"));

  const auto missing = preflight(lab.url() + "/cors/api?origin=https://a.test&preflight_status=404",
                                 "https://a.test");
  CHECK(missing.starts_with("HTTP/1.1 404 "));
  CHECK(has_header(missing, "Access-Control-Allow-Origin: https://a.test"));
  CHECK(body_of(missing).empty());
  CHECK(preflight(lab.url() + "/cors/api?wildcard=1&preflight_status=200", "https://a.test")
            .starts_with("HTTP/1.1 200 "));
  // A path that is no endpoint still says so.
  const auto not_found = curl_response({"-X", "OPTIONS", lab.url() + "/cors/"});
  CHECK(not_found.starts_with("HTTP/1.1 404 "));
  CHECK(body_of(not_found).starts_with("not found: '/cors/'"));

  const auto preflight_only = lab.url() + "/cors/api?origin=https://a.test&credentials=1&actual=0";
  const auto allowed = preflight(preflight_only, "https://a.test");
  CHECK(has_header(allowed, "Access-Control-Allow-Origin: https://a.test"));
  CHECK(has_header(allowed, "Access-Control-Allow-Credentials: true"));
  const auto actual = curl_response({"-X", "PUT", "-H", "Origin: https://a.test", "-H",
                                     "Content-Type: application/json", "-d", "{}",
                                     preflight_only + "&expose=X-Lab-Cors"});
  CHECK(actual.starts_with("HTTP/1.1 200 "));
  CHECK(has_header(actual, "X-Lab-Cors: 1"));
  for (const char* name : {"Access-Control-Allow-Origin", "Access-Control-Allow-Credentials",
                           "Access-Control-Expose-Headers", "Vary"}) {
    INFO(name);
    CHECK_FALSE(has_header_named(actual, name));
  }

  const auto no_content = curl_response(
      {"-H", "Origin: https://a.test", lab.url() + "/cors/api?wildcard=1&status=204"});
  CHECK(no_content.starts_with("HTTP/1.1 204 "));
  CHECK(body_of(no_content).empty());
}

TEST_CASE("lab /cors answers bad parameters with 400 naming the parameter", "[lab][cors][errors]") {
  Lab lab;
  const std::string long_origin(1025, 'a');
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"nope=1", "unknown parameter 'nope'"},
      {"max_age=abc", "max_age 'abc' is not a non-negative integer"},
      {"max_age=86401", "max_age '86401' exceeds the cap of 86400"},
      {"max_age=-1", "max_age '-1' is not a non-negative integer"},
      {"headers=X-A%0d%0aSet-Cookie:%20evil", "headers 'X-A\\x0d\\x0aSet-Cookie: evil'"},
      {"expose=X%00", "expose 'X\\x00' contains a control character"},
      {"methods=GET%09PUT", "methods 'GET\\x09PUT' contains a control character"},
      {"origin=https://a.test%7f", "origin 'https://a.test\\x7f' contains a control character"},
      {"origin=" + long_origin, "is longer than 1024 bytes"},
      {"wildcard=1&reflect=1", "wildcard=1 and reflect=1 exclude each other"},
      {"origin=https://a.test&wildcard=1", "origin and wildcard=1 exclude each other"},
      {"origin=https://a.test&reflect=1", "origin and reflect=1 exclude each other"},
      {"wildcard=yes", "wildcard 'yes' is not 0 or 1"},
      {"credentials", "credentials '' is not 0 or 1"},
      {"vary=1&vary=0", "vary is given more than once"},
      {"origin=https://a.test,,https://b.test",
       "origin 'https://a.test,,https://b.test' has an "
       "empty entry"},
      {"status=199", "status '199' is below 200"},
      {"status=600", "status '600' exceeds the cap of 599"},
      {"preflight_status=2x", "preflight_status '2x' is not a non-negative integer"},
      {"actual=2", "actual '2' is not 0 or 1"}};
  for (const auto& [query, reason] : cases) {
    INFO(query);
    const auto url = lab.url() + "/cors/api?" + query;
    for (const auto& response : {curl_response({url}), preflight(url, "https://a.test")}) {
      INFO(response);
      CHECK(response.starts_with("HTTP/1.1 400 "));
      CHECK(body_of(response).starts_with("bad request: "));
      CHECK(body_of(response).find(reason) != std::string::npos);
      CHECK_FALSE(has_header_named(response, "Set-Cookie"));
      CHECK_FALSE(has_header_named(response, "Access-Control-Allow-Origin"));
    }
  }
}

TEST_CASE("lab /cors answers a bodiless PATCH or DELETE at once, as browsers send them",
          "[lab][cors]") {
  Lab lab;
  // Without Content-Length, as Chrome sends a PATCH; --max-time bounds a stall.
  for (const char* method : {"PATCH", "DELETE", "POST"}) {
    INFO(method);
    const auto response =
        curl_response({"--max-time", "3", "-X", method, "-H", "Origin: https://a.test",
                       lab.url() + "/cors/api?reflect=1"});
    CHECK(response.starts_with("HTTP/1.1 200 "));
    CHECK(has_header(response, "Access-Control-Allow-Origin: https://a.test"));
    CHECK(response.find(std::string("\"method\": \"") + method + "\"") != std::string::npos);
  }
}
