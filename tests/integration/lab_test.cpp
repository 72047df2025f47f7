#include "support/lab.hpp"

#include <signal.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
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

// The lines curl writes for `args` (its bodies and -w output), one request
// after another on one keep-alive connection.
std::vector<std::string> curl_lines(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"/usr/bin/curl", "-s", "--max-time", "20"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<std::string> lines;
  std::istringstream out(reqscope::test::run_command(argv).out);
  for (std::string line; std::getline(out, line);)
    lines.push_back(line);
  return lines;
}

// The delay a /latency body says was drawn, in milliseconds.
double waited_ms(const std::string& body) {
  const std::string prefix = "waited ";
  REQUIRE(body.starts_with(prefix));
  return std::stod(body.substr(prefix.size()));
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
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
  for (const char* step : {"Step 1 of 10",
                           "Step 2 of 10",
                           "Step 3 of 10",
                           "Step 4 of 10",
                           "What the phases mean",
                           "Step 5 of 10: The TLS certificate, up close",
                           "self_signed",
                           "Protocol versions",
                           "What the findings mean",
                           "Step 6 of 10: DNS, from the root",
                           "Walk from the root",
                           "What this walk shows",
                           "Step 7 of 10: A JSON Web Token, genuine and forged",
                           "VALID",
                           "What a JWT is",
                           "INVALID  signature",
                           "Step 8 of 10: A cross-origin call, blocked and then allowed",
                           "BLOCKED",
                           "fix: Access-Control-Allow-Methods: GET, PUT",
                           "The same-origin policy",
                           "The fixed server:",
                           "ALLOWED",
                           "Step 9 of 10: Latency under load: the median and the tail",
                           "coordinated omission",
                           "Step 10 of 10: A rate limit, found by asking",
                           "LIMIT FOUND",
                           "token bucket",
                           "Backing off"}) {
    CHECK(result.out.find(step) != std::string::npos);
  }
  const auto json = run_reqscope({"demo", "--json"});
  CHECK(json.exit_code == 0);
  const auto doc = Json::parse(json.out);
  CHECK(doc["schema"] == "reqscope.demo/1");
  REQUIRE(doc["steps"].size() == 10);
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
  const auto& bench = doc["steps"][8]["bench"];
  CHECK_FALSE(bench.contains("schema"));
  CHECK(bench["requests"] == 200);
  CHECK(bench["errors"] == 0);
  CHECK(bench["latency_ms"]["p50"].get<double>() >= 5);
  CHECK(bench["latency_ms"]["p99"].get<double>() > bench["latency_ms"]["p50"].get<double>());
  const auto& limited = doc["steps"][9];
  CHECK(limited["command"].get<std::string>().find("--probe") != std::string::npos);
  const auto& ratelimit = limited["ratelimit"];
  CHECK_FALSE(ratelimit.contains("schema"));
  CHECK(ratelimit["ok"] == true);
  CHECK(ratelimit["probe"]["algorithm"] == "token_bucket");
  CHECK(ratelimit["probe"]["limit"] == 10);
  CHECK(ratelimit["probe"]["refill_per_s"].get<double>() == Approx(10).epsilon(0.2));
  CHECK(ratelimit["probe"]["requests_sent"].get<unsigned>() <= 200);
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

TEST_CASE("lab /latency waits a constant p50 when p99 equals it", "[lab][latency]") {
  Lab lab;
  const auto lines =
      curl_lines({"-w", "%{http_code} %{time_total}\n", lab.url() + "/latency?p50=30&p99=30"});
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == "waited 30.0 ms (p50 30 ms, p99 30 ms)");
  CHECK(lines[1].starts_with("200 "));
  const double seconds = std::stod(lines[1].substr(4));
  CHECK(seconds >= 0.030);
  CHECK(seconds < 5);

  CHECK(curl_lines({lab.url() + "/latency?p99=0&p50=0"}) ==
        std::vector<std::string>{"waited 0.0 ms (p50 0 ms, p99 0 ms)"});
  CHECK(curl_lines({lab.url() + "/latency"}).at(0).ends_with(" ms (p50 20 ms, p99 200 ms)"));
}

TEST_CASE("lab /latency draws delays with the median and spread asked for", "[lab][latency]") {
  Lab lab;
  constexpr int kRequests = 200;
  std::vector<std::string> args;
  for (int i = 0; i < kRequests; ++i) {
    args.insert(args.end(), {"-w", "%{time_total}\n", lab.url() + "/latency?p50=5&p99=50"});
  }
  const auto started = std::chrono::steady_clock::now();
  const auto lines = curl_lines(args);
  const auto took = std::chrono::steady_clock::now() - started;
  REQUIRE(lines.size() == 2 * kRequests);
  std::vector<double> drawn;
  std::vector<double> measured;
  for (std::size_t i = 0; i < lines.size(); i += 2) {
    INFO(lines[i]);
    CHECK(lines[i].ends_with(" ms (p50 5 ms, p99 50 ms)"));
    drawn.push_back(waited_ms(lines[i]));
    measured.push_back(std::stod(lines[i + 1]) * 1000);
    // The lab never answers before the delay it drew is over.
    CHECK(measured.back() >= drawn.back() - 0.5);
  }
  // 200 draws put the median within 30% of 5 ms, barring a 1-in-10^4 chance;
  // a loaded machine adds to the measured times, never takes away.
  CHECK(median(drawn) >= 3.5);
  CHECK(median(drawn) <= 7.5);
  CHECK(median(measured) >= 3.5);
  CHECK(median(measured) <= 15);
  // sigma = ln(10) / 2.3263, so 24% of the draws exceed twice the median.
  const auto above_10_ms =
      std::count_if(drawn.begin(), drawn.end(), [](double ms) { return ms > 10; });
  CHECK(above_10_ms >= 20);
  CHECK(above_10_ms <= 90);
  CHECK(took < std::chrono::seconds(5));
}

TEST_CASE("lab /flaky fails at the rate asked for", "[lab][flaky]") {
  Lab lab;
  const auto statuses = [&](const std::string& query, int requests) {
    std::vector<std::string> args;
    for (int i = 0; i < requests; ++i) {
      args.insert(args.end(), {"-w", "%{http_code}\n", lab.url() + "/flaky" + query});
    }
    std::map<std::string, int> counts;
    for (const auto& line : curl_lines(args))
      ++counts[line];
    return counts;
  };
  CHECK(statuses("?error_rate=0", 50) ==
        std::map<std::string, int>{{"200", 50}, {"flaky: ok this time", 50}});
  CHECK(statuses("?error_rate=1", 50) ==
        std::map<std::string, int>{{"500", 50}, {"flaky: failed this time (error_rate 1)", 50}});
  const auto half = statuses("?error_rate=0.5", 200);
  INFO(half.size());
  CHECK(half.at("200") + half.at("500") == 200);
  CHECK(half.at("500") >= 60);
  CHECK(half.at("500") <= 140);
  CHECK(half.at("flaky: failed this time (error_rate 0.5)") == half.at("500"));

  const auto lines = curl_lines(
      {"-w", "%{http_code} %{time_total}\n", lab.url() + "/flaky?delay=30&error_rate=.0"});
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == "flaky: ok this time");
  CHECK(lines[1].starts_with("200 "));
  CHECK(std::stod(lines[1].substr(4)) >= 0.030);
  // Both answers come at the default rate, 0.1, barring a 1-in-10^9 chance.
  const auto default_rate = statuses("", 200);
  CHECK(default_rate.count("flaky: ok this time") == 1);
  CHECK(default_rate.count("flaky: failed this time (error_rate 0.1)") == 1);
}

TEST_CASE("lab /latency and /flaky answer bad parameters with 400 naming the value",
          "[lab][latency][flaky][errors]") {
  Lab lab;
  // As long as cpp-httplib lets a request line be: it refuses one over 8 KiB itself.
  const std::string huge_number(8000, '9');
  const std::string huge_text(8000, 'x');
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"/latency?p50=20&p99=10", "p99 10 is below p50 20"},
      {"/latency?p50=300", "p99 200 is below p50 300"},
      {"/latency?p50=abc", "p50 'abc' is not a non-negative integer (milliseconds, 0-60000)"},
      {"/latency?p50=-1", "p50 '-1' is not a non-negative integer"},
      {"/latency?p50=2.5", "p50 '2.5' is not a non-negative integer"},
      {"/latency?p50=999999&p99=999999", "p50 '999999' exceeds the cap of 60000"},
      {"/latency?p99=60001", "p99 '60001' exceeds the cap of 60000"},
      {"/latency?p50=", "p50 '' is not a non-negative integer"},
      {"/latency?p50=0&p99=1", "p50 0 with p99 1: a median of 0 ms makes every delay 0 ms"},
      {"/latency?p50=1&p50=2", "p50 is given more than once"},
      {"/latency?unknown=1", "unknown parameter 'unknown' (use p50, p99)"},
      {"/latency?p50=" + huge_number, "(truncated, 8000 bytes) is not a non-negative integer"},
      {"/flaky?error_rate=1.5", "error_rate '1.5' is not a decimal from 0 to 1, such as 0.05"},
      {"/flaky?error_rate=nan", "error_rate 'nan' is not a decimal from 0 to 1"},
      {"/flaky?error_rate=inf", "error_rate 'inf' is not a decimal from 0 to 1"},
      {"/flaky?error_rate=", "error_rate '' is not a decimal from 0 to 1"},
      {"/flaky?error_rate=.", "error_rate '.' is not a decimal from 0 to 1"},
      {"/flaky?error_rate=0x1", "error_rate '0x1' is not a decimal from 0 to 1"},
      {"/flaky?error_rate=1e-1", "error_rate '1e-1' is not a decimal from 0 to 1"},
      {"/flaky?error_rate=-0", "error_rate '-0' is not a decimal from 0 to 1"},
      {"/flaky?error_rate=0..1", "error_rate '0..1' is not a decimal from 0 to 1"},
      {"/flaky?error_rate=" + huge_text, "(truncated, 8000 bytes) is not a decimal from 0 to 1"},
      {"/flaky?delay=60001", "delay '60001' exceeds the cap of 60000 (milliseconds, 0-60000)"},
      {"/flaky?error_rate=0.1&error_rate=0.2", "error_rate is given more than once"},
      {"/flaky?rate=0.1", "unknown parameter 'rate' (use error_rate, delay)"}};
  for (const auto& [path, reason] : cases) {
    INFO(path.substr(0, 100));
    const auto response = curl_response({lab.url() + path});
    INFO(response.substr(0, 500));
    CHECK(response.starts_with("HTTP/1.1 400 "));
    const auto body = body_of(response);
    CHECK(body.starts_with("bad request: "));
    CHECK(body.find(reason) != std::string::npos);
    CHECK(std::count(body.begin(), body.end(), '\n') == 1);
  }
  const std::string too_long(10 * 1024, '9');
  for (const auto& path : {"/latency?p50=" + too_long, "/flaky?error_rate=" + too_long}) {
    CHECK(curl_response({lab.url() + path}).starts_with("HTTP/1.1 414 "));
  }
}

TEST_CASE("a lab stopped during a /latency wait ends at once", "[lab][latency]") {
  auto lab = reqscope::lab::LabServer::start({});
  REQUIRE(lab);
  std::thread client(
      [url = (*lab)->url()] { curl_response({url + "/latency?p50=60000&p99=60000"}); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto started = std::chrono::steady_clock::now();
  (*lab)->stop();
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
  client.join();
}
