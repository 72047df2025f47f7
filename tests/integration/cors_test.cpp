#include <fmt/format.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "reqscope/util/text.hpp"
#include "support/lab.hpp"
#include "support/nginx.hpp"
#include "support/process.hpp"
#include "support/usage_errors.hpp"

using reqscope::test::CommandResult;
using reqscope::test::Lab;
using reqscope::test::run_command;
using reqscope::test::run_reqscope;
using reqscope::test::TempDir;
using Json = nlohmann::json;

namespace {

constexpr const char* kApp = "https://app.example";

// An HTTP server that allows kApp at once and never answers any other origin:
// a --scan's first probe hangs, so Ctrl-C lands mid-scan without timing luck.
class StallingServer {
 public:
  StallingServer() : thread_([this] { serve(); }) {}
  ~StallingServer() {
    stopping_ = true;
    thread_.join();
    for (int client : held_)
      ::close(client);
  }
  StallingServer(const StallingServer&) = delete;
  StallingServer& operator=(const StallingServer&) = delete;

  std::string url() const { return fmt::format("http://127.0.0.1:{}/api", listener_.port()); }
  // Whether a request from another origin arrived (and now waits) within 10 s.
  bool stalled_one() const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!stalled_ && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return stalled_;
  }

 private:
  void serve() {
    while (!stopping_) {
      pollfd pfd{listener_.fd(), POLLIN, 0};
      if (::poll(&pfd, 1, 50) != 1) continue;
      const int client = ::accept4(listener_.fd(), nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) continue;
      std::string request;
      char buffer[4096];
      while (request.find("\r\n\r\n") == std::string::npos) {
        const auto n = ::recv(client, buffer, sizeof buffer, 0);
        if (n <= 0) break;
        request.append(buffer, static_cast<std::size_t>(n));
      }
      if (request.find(std::string("\r\nOrigin: ") + kApp + "\r\n") == std::string::npos) {
        held_.push_back(client);
        stalled_ = true;
        continue;
      }
      const std::string answer = std::string("HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: ") +
                                 kApp + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      (void)::send(client, answer.data(), answer.size(), MSG_NOSIGNAL);
      ::close(client);
    }
  }

  // Declared before the thread, so they exist before it starts serving.
  reqscope::test::LoopbackListener listener_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> stalled_{false};
  std::vector<int> held_;
  std::thread thread_;
};
constexpr const char* kEvil = "https://evil.example";

// The page's call used throughout: fetch(url, {method: "PUT", credentials:
// "include", headers: {"X-Api-Key": "k", "Content-Type": "application/json"}}).
// X-Api-Key comes first so that the preflight's sorted list is tested.
std::vector<std::string> page_put(const std::string& origin = kApp) {
  return {"--origin",         origin,         "-X", "PUT", "-H", "X-Api-Key: k", "--content-type",
          "application/json", "--credentials"};
}

// What fetch() announces for page_put(): lower case, sorted, "," without space.
constexpr const char* kRequestHeaders = "content-type,x-api-key";

// ---------------------------------------------------------------------------
// nginx with one location per server configuration under test

using HeaderList = std::vector<std::pair<std::string, std::string>>;

std::string add_headers(const HeaderList& headers, const std::string& indent) {
  std::string out;
  for (const auto& [name, value] : headers)
    out += fmt::format("{}add_header {} \"{}\" always;\n", indent, name, value);
  return out;
}

// `location = PATH`: OPTIONS gets `preflight_status`, any other method 200.
// `headers` go on every response (`always`: also on 4xx). A non-empty
// `preflight_headers` is added inside the OPTIONS `if`, where, as nginx does,
// it replaces `headers` instead of adding to them.
std::string location(const std::string& path, const HeaderList& headers, int preflight_status,
                     const HeaderList& preflight_headers = {}) {
  return fmt::format(
      "    location = {} {{\n{}"
      "      if ($request_method = OPTIONS) {{\n{}        return {};\n      }}\n"
      "      return 200 \"ok\\n\";\n    }}\n",
      path, add_headers(headers, "      "), add_headers(preflight_headers, "        "),
      preflight_status);
}

// A correct CORS configuration: an allow-list, credentials, the methods and
// headers page_put() needs, an exposed header and a 10-minute preflight cache.
HeaderList allow_list_headers(bool vary = true) {
  HeaderList headers = {{"Access-Control-Allow-Origin", "$allowlisted_origin"},
                        {"Access-Control-Allow-Credentials", "true"},
                        {"Access-Control-Allow-Methods", "GET, PUT"},
                        {"Access-Control-Allow-Headers", "content-type, x-api-key"},
                        {"Access-Control-Expose-Headers", "X-Request-Id"},
                        {"Access-Control-Max-Age", "600"},
                        {"X-Request-Id", "req-1"}};
  if (vary) headers.emplace_back("Vary", "Origin");
  return headers;
}

std::string cors_server_config(const std::string& dir, int port) {
  const HeaderList reflect = {{"Access-Control-Allow-Origin", "$http_origin"},
                              {"Access-Control-Allow-Credentials", "true"},
                              {"Access-Control-Allow-Methods", "GET, PUT"},
                              {"Access-Control-Allow-Headers", "content-type, x-api-key"},
                              {"Vary", "Origin"}};
  const HeaderList wildcard = {{"Access-Control-Allow-Origin", "*"},
                               {"Access-Control-Allow-Credentials", "true"},
                               {"Access-Control-Allow-Methods", "GET, PUT"},
                               {"Access-Control-Allow-Headers", "content-type, x-api-key"}};
  return reqscope::test::nginx_config_head(dir) +
         "  map $http_origin $allowlisted_origin {\n"
         "    default \"\";\n"
         "    \"https://app.example\" $http_origin;\n"
         "  }\n"
         "  log_format cors '$request_method|$request_uri|$http_origin|"
         "$http_access_control_request_method|$http_access_control_request_headers|"
         "$http_content_length';\n" +
         fmt::format("  server {{\n    listen 127.0.0.1:{};\n    access_log {}/access.log cors;\n",
                     port, dir) +
         location("/correct", allow_list_headers(), 204) + location("/wildcard", wildcard, 204) +
         location("/reflect", reflect, 204) + location("/no-vary", allow_list_headers(false), 204) +
         location("/preflight-404", allow_list_headers(), 404) +
         location("/preflight-only", {}, 204, allow_list_headers()) +
         "    location /sync/ { return 204; }\n  }\n}\n";
}

// One request as nginx logged it; "-" stands for an absent header.
struct Received {
  std::string method;
  std::string uri;
  std::string origin;
  std::string request_method;   // Access-Control-Request-Method
  std::string request_headers;  // Access-Control-Request-Headers
  std::string content_length;
};

Received parse_log_line(const std::string& line) {
  const auto fields = reqscope::util::split(line, '|');
  REQUIRE(fields.size() == 6);
  return {std::string(fields[0]), std::string(fields[1]), std::string(fields[2]),
          std::string(fields[3]), std::string(fields[4]), std::string(fields[5])};
}

class CorsNginx {
 public:
  CorsNginx() : port_(reqscope::test::free_port()) {
    process_ = reqscope::test::start_nginx(dir_, cors_server_config(dir_.path(), port_), {port_});
  }

  std::string url(const std::string& path) const {
    return fmt::format("http://127.0.0.1:{}{}", port_, path);
  }

  // Every request nginx received since the last call, in order. nginx (one
  // process) logs a request before it turns to the next event, so once a
  // marker request sent now is logged, every earlier request is too.
  std::vector<Received> received() {
    const auto marker = "/sync/" + std::to_string(++markers_);
    REQUIRE(run_command({"/usr/bin/curl", "-s", "-o", "/dev/null", url(marker)}).exit_code == 0);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (;;) {
      std::vector<std::string> lines;
      std::ifstream in(dir_.path() + "/access.log");
      for (std::string line; std::getline(in, line);)
        lines.push_back(line);
      for (std::size_t i = seen_; i < lines.size(); ++i) {
        const auto request = parse_log_line(lines[i]);
        if (request.uri != marker) continue;
        std::vector<Received> out;
        for (std::size_t j = seen_; j < i; ++j)
          out.push_back(parse_log_line(lines[j]));
        seen_ = i + 1;
        return out;
      }
      REQUIRE(std::chrono::steady_clock::now() < deadline);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

 private:
  TempDir dir_;
  int port_;
  std::unique_ptr<reqscope::test::Process> process_;
  std::size_t seen_ = 0;
  int markers_ = 0;
};

// ---------------------------------------------------------------------------
// running reqscope and reading its JSON

struct Outcome {
  int exit_code = -1;
  Json doc;
};

Json parse_stdout(const CommandResult& result) {
  INFO("stdout: " << result.out << "\nstderr: " << result.err);
  REQUIRE_NOTHROW(Json::parse(result.out));
  return Json::parse(result.out);
}

// `reqscope cors URL ARGS... --json`, a verdict (exit 0 or 1) with every key
// of reqscope.cors/1.
Outcome cors_json(const std::string& url, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"cors", url, "--json"};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto result = run_reqscope(argv);
  INFO("stdout: " << result.out << "\nstderr: " << result.err);
  REQUIRE((result.exit_code == 0 || result.exit_code == 1));
  auto doc = parse_stdout(result);
  CHECK(doc["schema"] == "reqscope.cors/1");
  for (const char* key :
       {"schema", "url", "origin", "method", "credentials", "verdict", "reason", "preflight",
        "actual", "readable_headers", "findings", "scan", "interrupted"}) {
    INFO(key);
    CHECK(doc.contains(key));
  }
  // The reason is the first failed check: there is one exactly when blocked.
  CHECK(doc["reason"].is_null() == (doc["verdict"] == "allowed"));
  return {result.exit_code, std::move(doc)};
}

// `reqscope trace URL ARGS... --json`.
Outcome trace_json(const std::string& url, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"trace", url, "--json"};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto result = run_reqscope(argv);
  return {result.exit_code, parse_stdout(result)};
}

// The element of `array` whose `key` is `value`; null when there is none.
Json find(const Json& array, const std::string& key, const std::string& value) {
  for (const auto& item : array) {
    if (item.contains(key) && item[key] == value) return item;
  }
  return nullptr;
}

std::vector<std::string> ids(const Json& array) {
  std::vector<std::string> out;
  for (const auto& item : array)
    out.push_back(item["id"].get<std::string>());
  return out;
}

bool all_ok(const Json& checks) {
  return std::all_of(checks.begin(), checks.end(), [](const Json& c) { return c["ok"] == true; });
}

bool contains(const Json& array, const std::string& value) {
  return std::find(array.begin(), array.end(), value) != array.end();
}

// Requests a --scan run sent: preflight, actual request and probes.
std::size_t requests_sent(const Json& doc) {
  const bool preflight = doc["preflight"].is_object() && doc["preflight"]["sent"] == true;
  return (preflight ? 1 : 0) + (doc["actual"]["sent"] == true ? 1 : 0) + doc["scan"].size();
}

// Lines of human output, each at most 80 columns as displayed.
void check_lines_fit(const std::string& out) {
  for (auto line : reqscope::util::split(out, '\n')) {
    INFO(line);
    CHECK(reqscope::util::display_width(line) <= 80);
  }
}

}  // namespace

// ---------------------------------------------------------------------------
// nginx configurations

TEST_CASE("cors: an allow-list with credentials allows a credentialed PUT, no other origin",
          "[cors][nginx]") {
  CorsNginx nginx;
  const auto allowed = cors_json(nginx.url("/correct"), page_put());
  const auto& doc = allowed.doc;
  CHECK(allowed.exit_code == 0);
  CHECK(doc["verdict"] == "allowed");
  CHECK(doc["reason"].is_null());
  CHECK(doc["origin"] == kApp);
  CHECK(doc["method"] == "PUT");
  CHECK(doc["credentials"] == true);
  CHECK(doc["url"] == nginx.url("/correct"));
  REQUIRE(doc["preflight"].is_object());
  CHECK(doc["preflight"]["sent"] == true);
  CHECK(doc["preflight"]["status"] == 204);
  CHECK(doc["preflight"]["max_age_s"] == 600);
  CHECK(ids(doc["preflight"]["checks"]) ==
        std::vector<std::string>{"ok_status", "allow_origin", "allow_credentials", "allow_methods",
                                 "allow_headers", "max_age"});
  CHECK(all_ok(doc["preflight"]["checks"]));
  CHECK(find(doc["preflight"]["request_headers"], "name",
             "Access-Control-Request-Headers")["value"] == kRequestHeaders);
  CHECK(doc["actual"]["sent"] == true);
  CHECK(doc["actual"]["status"] == 200);
  CHECK(ids(doc["actual"]["checks"]) ==
        std::vector<std::string>{"allow_origin", "allow_credentials"});
  CHECK(all_ok(doc["actual"]["checks"]));
  CHECK(contains(doc["readable_headers"], "x-request-id"));
  CHECK(contains(doc["readable_headers"], "content-type"));
  CHECK_FALSE(contains(doc["readable_headers"], "access-control-allow-origin"));
  CHECK(doc["findings"].empty());
  CHECK(doc["scan"].is_null());

  // What nginx received: the preflight as a browser sends it, then the PUT,
  // bodiless with Content-Length: 0 as fetch() sends it.
  const auto received = nginx.received();
  REQUIRE(received.size() == 2);
  CHECK(received[0].method == "OPTIONS");
  CHECK(received[0].origin == kApp);
  CHECK(received[0].request_method == "PUT");
  CHECK(received[0].request_headers == kRequestHeaders);
  CHECK(received[1].method == "PUT");
  CHECK(received[1].origin == kApp);
  CHECK(received[1].request_method == "-");
  CHECK(received[1].content_length == "0");

  SECTION("an origin off the list is blocked at the preflight") {
    const auto blocked = cors_json(nginx.url("/correct"), page_put(kEvil));
    CHECK(blocked.exit_code == 1);
    CHECK(blocked.doc["verdict"] == "blocked");
    CHECK(blocked.doc["reason"] == "allow_origin");
    const auto check = find(blocked.doc["preflight"]["checks"], "id", "allow_origin");
    REQUIRE(check.is_object());
    CHECK(check["ok"] == false);
    CHECK(check["fix"] == std::string("Access-Control-Allow-Origin: ") + kEvil);
    CHECK(blocked.doc["actual"]["sent"] == false);
    CHECK(blocked.doc["readable_headers"].empty());
    const auto sent = nginx.received();
    REQUIRE(sent.size() == 1);
    CHECK(sent[0].method == "OPTIONS");
    CHECK(sent[0].origin == kEvil);
  }

  SECTION("--scan finds nothing to fix") {
    const auto scanned = cors_json(nginx.url("/correct"), [] {
      auto args = page_put();
      args.push_back("--scan");
      return args;
    }());
    CHECK(scanned.exit_code == 0);
    CHECK(scanned.doc["findings"].empty());
    REQUIRE(scanned.doc["scan"].is_array());
    for (const auto& probe : scanned.doc["scan"]) {
      INFO(probe.dump());
      CHECK(probe["method"] == "OPTIONS");
      CHECK(probe["allow_origin"].is_null());
    }
  }
}

TEST_CASE("cors: * with Access-Control-Allow-Credentials: true fails credentialed calls",
          "[cors][nginx]") {
  CorsNginx nginx;
  // GET is a simple request (the actual response decides); PUT is preflighted.
  for (const std::string method : {"GET", "PUT"}) {
    INFO(method);
    const std::vector<std::string> page = {"--origin", kApp, "-X", method};
    auto credentialed = page;
    credentialed.push_back("--credentials");
    const auto blocked = cors_json(nginx.url("/wildcard"), credentialed);
    CHECK(blocked.exit_code == 1);
    CHECK(blocked.doc["verdict"] == "blocked");
    CHECK(blocked.doc["reason"] == "allow_origin");
    const auto& exchange = method == "GET" ? blocked.doc["actual"] : blocked.doc["preflight"];
    const auto check = find(exchange["checks"], "id", "allow_origin");
    REQUIRE(check.is_object());
    CHECK(check["ok"] == false);
    CHECK_THAT(check["fix"].get<std::string>(),
               Catch::StartsWith(std::string("Access-Control-Allow-Origin: ") + kApp));

    const auto allowed = cors_json(nginx.url("/wildcard"), page);
    CHECK(allowed.exit_code == 0);
    CHECK(allowed.doc["verdict"] == "allowed");
    CHECK(ids(allowed.doc["findings"]) == std::vector<std::string>{"wildcard_with_credentials"});
  }
}

TEST_CASE("cors --scan: a server reflecting any origin with credentials is high severity",
          "[cors][nginx][scan]") {
  CorsNginx nginx;
  auto args = page_put();
  const auto plain = cors_json(nginx.url("/reflect"), args);
  CHECK(plain.exit_code == 0);
  CHECK(plain.doc["verdict"] == "allowed");
  nginx.received();

  args.push_back("--scan");
  const auto scanned = cors_json(nginx.url("/reflect"), args);
  CHECK(scanned.exit_code == 1);
  CHECK(scanned.doc["verdict"] == "allowed");
  const auto reflected = find(scanned.doc["findings"], "id", "origin_reflected");
  REQUIRE(reflected.is_object());
  CHECK(reflected["severity"] == "high");
  CHECK(reflected["origin"] == "https://unrelated-origin.example");
  const auto null_origin = find(scanned.doc["findings"], "id", "null_origin_allowed");
  REQUIRE(null_origin.is_object());
  CHECK(null_origin["severity"] == "high");
  CHECK(null_origin["origin"] == "null");
  CHECK(ids(scanned.doc["findings"]).front() == "origin_reflected");

  // Bounded: at most 6 probes, 8 requests in all, as nginx counts them; each
  // probe is a preflight like the page's, from the probe's origin.
  const auto& scan = scanned.doc["scan"];
  CHECK(scan.size() <= 6);
  CHECK(requests_sent(scanned.doc) <= 8);
  const auto received = nginx.received();
  CHECK(received.size() == requests_sent(scanned.doc));
  REQUIRE(received.size() == 2 + scan.size());
  for (std::size_t i = 0; i < scan.size(); ++i) {
    INFO(scan[i].dump());
    CHECK(scan[i]["method"] == "OPTIONS");
    CHECK(scan[i]["allow_origin"] == scan[i]["origin"]);
    CHECK(scan[i]["allow_credentials"] == "true");
    CHECK(received[2 + i].method == "OPTIONS");
    CHECK(received[2 + i].origin == scan[i]["origin"].get<std::string>());
    CHECK(received[2 + i].request_headers == kRequestHeaders);
  }
}

TEST_CASE("cors: an allow-list answer without Vary: Origin is a missing_vary finding of --scan",
          "[cors][nginx][scan]") {
  CorsNginx nginx;
  // One answer cannot show that Allow-Origin varies with Origin; the scan's probes can.
  const auto plain = cors_json(nginx.url("/no-vary"), {"--origin", kApp});
  CHECK(plain.exit_code == 0);
  CHECK(plain.doc["verdict"] == "allowed");
  const auto plain_ids = ids(plain.doc["findings"]);
  CHECK(std::count(plain_ids.begin(), plain_ids.end(), "missing_vary") == 0);

  const auto scanned = cors_json(nginx.url("/no-vary"), {"--origin", kApp, "--scan"});
  CHECK(scanned.exit_code == 0);
  CHECK(scanned.doc["verdict"] == "allowed");
  const auto found = ids(scanned.doc["findings"]);
  CHECK(std::count(found.begin(), found.end(), "missing_vary") == 1);
  CHECK(find(scanned.doc["findings"], "id", "missing_vary")["severity"] == "medium");
}

TEST_CASE("cors: a preflight answered 404 blocks and the actual request is never sent",
          "[cors][nginx]") {
  CorsNginx nginx;
  const auto result = cors_json(nginx.url("/preflight-404"), page_put());
  CHECK(result.exit_code == 1);
  CHECK(result.doc["verdict"] == "blocked");
  CHECK(result.doc["reason"] == "ok_status");
  CHECK(result.doc["preflight"]["status"] == 404);
  const auto check = find(result.doc["preflight"]["checks"], "id", "ok_status");
  REQUIRE(check.is_object());
  CHECK(check["ok"] == false);
  CHECK_THAT(check["fix"].get<std::string>(), Catch::Contains("OPTIONS"));
  CHECK(result.doc["actual"]["sent"] == false);
  CHECK(result.doc["actual"]["status"].is_null());
  CHECK(result.doc["actual"]["checks"].empty());
  const auto received = nginx.received();
  REQUIRE(received.size() == 1);
  CHECK(received[0].method == "OPTIONS");
}

TEST_CASE("cors: CORS headers only on the preflight block at the actual response",
          "[cors][nginx]") {
  CorsNginx nginx;
  const auto result = cors_json(nginx.url("/preflight-only"), page_put());
  CHECK(result.exit_code == 1);
  CHECK(result.doc["verdict"] == "blocked");
  CHECK(result.doc["reason"] == "allow_origin");
  CHECK(all_ok(result.doc["preflight"]["checks"]));
  CHECK(result.doc["actual"]["sent"] == true);
  CHECK(result.doc["actual"]["status"] == 200);
  const auto check = find(result.doc["actual"]["checks"], "id", "allow_origin");
  REQUIRE(check.is_object());
  CHECK(check["ok"] == false);
  CHECK(check["fix"] == std::string("Access-Control-Allow-Origin: ") + kApp);
  CHECK(result.doc["readable_headers"].empty());
  const auto received = nginx.received();
  REQUIRE(received.size() == 2);
  CHECK(received[0].method == "OPTIONS");
  CHECK(received[1].method == "PUT");
}

// ---------------------------------------------------------------------------
// the lab's /cors endpoint

TEST_CASE("cors: the lab's /cors endpoint allows and blocks as its parameters say", "[cors][lab]") {
  Lab lab;
  const auto url = [&](const std::string& methods) {
    return lab.url() + "/cors/api?origin=" + kApp + "&credentials=1&methods=" + methods +
           "&headers=content-type,x-api-key&expose=X-Request-Id&max_age=600";
  };
  const auto allowed = cors_json(url("GET,PUT"), page_put());
  CHECK(allowed.exit_code == 0);
  CHECK(allowed.doc["verdict"] == "allowed");
  CHECK(contains(allowed.doc["readable_headers"], "x-request-id"));

  const auto blocked = cors_json(url("GET"), page_put());
  CHECK(blocked.exit_code == 1);
  CHECK(blocked.doc["verdict"] == "blocked");
  CHECK(blocked.doc["reason"] == "allow_methods");
  const auto check = find(blocked.doc["preflight"]["checks"], "id", "allow_methods");
  REQUIRE(check.is_object());
  CHECK(check["fix"] == "Access-Control-Allow-Methods: GET, PUT");
  CHECK(blocked.doc["actual"]["sent"] == false);
}

TEST_CASE("cors --scan against the lab sends a bounded number of requests, never a POST again",
          "[cors][lab][scan]") {
  Lab lab;
  const auto url =
      lab.url() + "/cors/api?reflect=1&credentials=1&methods=PUT&headers=content-type,x-api-key";
  // The page's method, and the one each probe uses.
  const std::vector<std::pair<std::vector<std::string>, std::string>> pages = {
      {{"--origin", kApp, "--credentials"}, "GET"},
      {{"--origin", kApp, "--credentials", "-X", "POST", "-d", "x=1"}, "GET"},
      {page_put(), "OPTIONS"},
  };
  for (auto [args, probe_method] : pages) {
    INFO(fmt::format("{}", fmt::join(args, " ")));
    args.push_back("--scan");
    const auto result = cors_json(url, args);
    CHECK(result.exit_code == 1);
    CHECK(result.doc["verdict"] == "allowed");
    CHECK(find(result.doc["findings"], "id", "origin_reflected")["severity"] == "high");
    const auto& scan = result.doc["scan"];
    REQUIRE(scan.is_array());
    CHECK(!scan.empty());
    CHECK(scan.size() <= 6);
    CHECK(requests_sent(result.doc) <= 8);
    for (const auto& probe : scan) {
      INFO(probe.dump());
      CHECK(probe["method"] == probe_method);
      CHECK(probe["error"].is_null());
    }
  }
}

// ---------------------------------------------------------------------------
// trace --origin

TEST_CASE("trace --origin: the preflight is its own hop and the verdict is a check",
          "[cors][trace][nginx]") {
  CorsNginx nginx;
  const std::vector<std::string> put = {
      "-X", "PUT", "-H", "X-Api-Key: k", "-H", "Content-Type: application/json", "--credentials"};
  const auto with_origin = [&](const std::string& origin) {
    auto args = put;
    args.insert(args.end(), {"--origin", origin});
    return args;
  };

  const auto allowed = trace_json(nginx.url("/correct"), with_origin(kApp));
  CHECK(allowed.exit_code == 0);
  const auto& hops = allowed.doc["hops"];
  REQUIRE(hops.size() == 2);
  CHECK(hops[0]["request"]["method"] == "OPTIONS");
  CHECK(hops[0]["status"] == 204);
  CHECK(hops[1]["request"]["method"] == "PUT");
  CHECK(hops[1]["status"] == 200);
  CHECK(allowed.doc["cors"]["verdict"] == "allowed");
  CHECK(allowed.doc["cors"]["origin"] == kApp);
  CHECK(find(allowed.doc["checks"], "name", "cors")["ok"] == true);
  const auto received = nginx.received();
  REQUIRE(received.size() == 2);
  CHECK(received[0].method == "OPTIONS");
  CHECK(received[0].request_headers == kRequestHeaders);
  CHECK(received[1].method == "PUT");
  CHECK(received[1].origin == kApp);
  // Sent as fetch() sends a bodiless PUT, as cors does.
  CHECK(received[1].content_length == "0");

  SECTION("a failed preflight stops the call: exit 1, one hop, a failed cors check") {
    const auto blocked = trace_json(nginx.url("/correct"), with_origin(kEvil));
    CHECK(blocked.exit_code == 1);
    REQUIRE(blocked.doc["hops"].size() == 1);
    CHECK(blocked.doc["hops"][0]["request"]["method"] == "OPTIONS");
    CHECK(blocked.doc["cors"]["verdict"] == "blocked");
    CHECK(blocked.doc["cors"]["reason"] == "allow_origin");
    const auto check = find(blocked.doc["checks"], "name", "cors");
    REQUIRE(check.is_object());
    CHECK(check["ok"] == false);
    CHECK(blocked.doc["ok"] == false);
    CHECK(nginx.received().size() == 1);
  }

  SECTION("a failure at the actual response keeps both hops") {
    const auto blocked = trace_json(nginx.url("/preflight-only"), with_origin(kApp));
    CHECK(blocked.exit_code == 1);
    REQUIRE(blocked.doc["hops"].size() == 2);
    CHECK(blocked.doc["cors"]["reason"] == "allow_origin");
    CHECK(find(blocked.doc["checks"], "name", "cors")["ok"] == false);
  }

  SECTION("a simple GET needs no preflight: one hop") {
    const auto simple = trace_json(nginx.url("/correct"), {"--origin", kApp});
    CHECK(simple.exit_code == 0);
    REQUIRE(simple.doc["hops"].size() == 1);
    CHECK(simple.doc["hops"][0]["request"]["method"] == "GET");
    CHECK(simple.doc["cors"]["preflight"].is_null());
    CHECK(simple.doc["cors"]["verdict"] == "allowed");
    const auto sent = nginx.received();
    REQUIRE(sent.size() == 1);
    CHECK(sent[0].origin == kApp);
  }
}

// ---------------------------------------------------------------------------
// human output

TEST_CASE("cors human output: verdict first, 80 columns, no colour unless asked",
          "[cors][nginx][human]") {
  CorsNginx nginx;
  auto scan = page_put();
  scan.push_back("--scan");
  auto verbose = page_put();
  verbose.push_back("-v");
  struct HumanRun {
    std::string path;
    std::vector<std::string> args;
    std::string verdict;
    int exit_code;
  };
  const std::vector<HumanRun> runs = {
      {"/correct", verbose, "ALLOWED", 0},
      {"/correct", page_put(kEvil), "BLOCKED", 1},
      {"/preflight-404", page_put(), "BLOCKED", 1},
      {"/preflight-only", page_put(), "BLOCKED", 1},
      {"/reflect", scan, "ALLOWED", 1},  // high-severity scan findings
      {"/wildcard", {"--origin", kApp, "--credentials"}, "BLOCKED", 1},
  };
  for (const auto& run : runs) {
    std::vector<std::string> argv = {"cors", nginx.url(run.path)};
    argv.insert(argv.end(), run.args.begin(), run.args.end());
    INFO(fmt::format("{}", fmt::join(argv, " ")));
    const auto result = run_reqscope(argv, {{"NO_COLOR", "1"}});
    INFO(result.out << result.err);
    CHECK(result.exit_code == run.exit_code);
    CHECK(result.out.starts_with(run.verdict));
    CHECK(result.out.find('\x1b') == std::string::npos);
    check_lines_fit(result.out);
  }

  const auto blocked = run_reqscope(
      {"cors", nginx.url("/preflight-404"), "--origin", kApp, "-X", "PUT", "--color", "never"});
  CHECK(blocked.out.find('\x1b') == std::string::npos);
  CHECK_THAT(blocked.out, Catch::Contains("fix: add a route for OPTIONS"));
  const auto coloured = run_reqscope(
      {"cors", nginx.url("/preflight-404"), "--origin", kApp, "-X", "PUT", "--color", "always"});
  CHECK(coloured.out.find("\x1b[") != std::string::npos);
}

TEST_CASE("cors --explain teaches the same-origin policy and that CORS is not access control",
          "[cors][nginx][human][explain]") {
  CorsNginx nginx;
  auto args = std::vector<std::string>{"cors", nginx.url("/correct")};
  const auto page = page_put();
  args.insert(args.end(), page.begin(), page.end());
  args.push_back("--explain");
  const auto result = run_reqscope(args);
  CHECK(result.exit_code == 0);
  CHECK(result.out.starts_with("ALLOWED"));
  CHECK_THAT(result.out,
             Catch::Contains("same-origin policy") && Catch::Contains("not access control"));
  check_lines_fit(result.out);
}

TEST_CASE("cors on a terminal: colour unless NO_COLOR or --color never", "[cors][nginx][human]") {
  CorsNginx nginx;
  // script(1) gives reqscope a terminal on stdout, so --color auto decides.
  const auto on_terminal = [&](const std::string& env, const std::string& extra) {
    return run_command({"/usr/bin/env", "-u", "NO_COLOR", env, "/usr/bin/script", "-qec",
                        std::string(REQSCOPE_BINARY) + " cors " + nginx.url("/correct") +
                            " --origin " + kApp + extra,
                        "/dev/null"});
  };
  // An empty NO_COLOR counts as unset (no-color.org).
  const auto coloured = on_terminal("NO_COLOR=", "");
  CHECK(coloured.exit_code == 0);
  CHECK(coloured.out.find("\x1b[") != std::string::npos);
  for (const auto& [env, extra] : std::vector<std::pair<std::string, std::string>>{
           {"NO_COLOR=1", ""}, {"NO_COLOR=", " --color never"}}) {
    INFO(env << extra);
    const auto plain = on_terminal(env, extra);
    CHECK(plain.exit_code == 0);
    CHECK(plain.out.find("ALLOWED") != std::string::npos);
    CHECK(plain.out.find('\x1b') == std::string::npos);
  }
}

// ---------------------------------------------------------------------------
// bad input and failures

TEST_CASE("cors and trace --origin refuse bad input with exit 2 naming the value",
          "[cors][usage]") {
  // A closed port: bad input must be refused before anything is sent.
  const auto url = fmt::format("http://127.0.0.1:{}/", reqscope::test::free_port());
  const auto cors = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"cors", url});
    return args;
  };
  const auto origin = [&](const std::string& value) { return cors({"--origin", value}); };
  const auto page = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--origin", kApp});
    return cors(std::move(args));
  };
  const std::string long_origin = "https://" + std::string(5000 - 8, 'a');
  reqscope::test::check_usage_errors({
      {origin("app.example"), "'app.example'"},
      {origin("https://app.example/"), "'https://app.example/'"},
      {origin("ftp://x"), "'ftp://x'"},
      {origin("https://a.test:99999"), "99999"},
      {origin("https://user@a.test"), "'https://user@a.test'"},
      {origin(""), "--origin ''"},
      {origin(long_origin), "--origin 'https://aaaa"},
      {page({"-H", "Host: x"}), "'Host': the browser would not send this"},
      {page({"-H", "Cookie: a=b"}), "'Cookie'"},
      {page({"-H", "Sec-Fetch-Mode: cors"}), "'Sec-Fetch-Mode'"},
      {page({"-X", "TRACE"}), "'TRACE'"},
      {page({"-X", "CONNECT"}), "'CONNECT'"},
      {page({"-X", "track"}), "'track'"},
      {page({"-X", "GET", "-d", "x"}), "GET"},
      {page({"--content-type", "text/plain", "-H", "Content-Type: text/plain"}), "--content-type"},
      {cors({}), "--origin"},
      {{"trace", url, "--credentials"}, "--credentials"},
      {{"trace", url, "--origin", "ftp://x"}, "'ftp://x'"},
      {{"trace", url, "--origin", kApp, "-H", "Host: x"}, "'Host'"},
  });
  // The 5000-byte value is quoted, not echoed whole.
  CHECK(run_reqscope(origin(long_origin)).err.size() < 1000);
  // --json carries the error in the schema's document.
  const auto json = run_reqscope(cors({"--origin", "ftp://x", "--json"}));
  CHECK(json.exit_code == 2);
  const auto doc = parse_stdout(json);
  CHECK(doc["schema"] == "reqscope.cors/1");
  CHECK(doc["error"]["kind"] == "bad_origin");
}

TEST_CASE("cors to a closed port exits 3 with the error in reqscope.cors/1", "[cors][errors]") {
  const auto url = fmt::format("http://127.0.0.1:{}/", reqscope::test::free_port());
  // A simple GET fails at the actual request, a PUT at its preflight.
  for (const std::string method : {"GET", "PUT"}) {
    INFO(method);
    const auto result = run_reqscope({"cors", url, "--origin", kApp, "-X", method, "--json"});
    CHECK(result.exit_code == 3);
    const auto doc = parse_stdout(result);
    CHECK(doc.size() == 2);
    CHECK(doc["schema"] == "reqscope.cors/1");
    CHECK(doc["error"]["kind"] == "connect_refused");
    CHECK_FALSE(doc["error"]["message"].get<std::string>().empty());
  }
  const auto human = run_reqscope({"cors", url, "--origin", kApp});
  CHECK(human.exit_code == 3);
  CHECK(human.out.empty());
  CHECK(std::count(human.err.begin(), human.err.end(), '\n') == 1);
  CHECK_THAT(human.err, Catch::Contains("refused"));
}

TEST_CASE("cors: Ctrl-C during --scan reports the verdict and the probes sent, exit 130",
          "[cors][scan][interrupt]") {
  StallingServer server;
  TempDir dir;
  const auto out = dir.path() + "/out.json";
  reqscope::test::Process cors(
      {REQSCOPE_BINARY, "cors", server.url(), "--origin", kApp, "--scan", "--json"}, out);
  REQUIRE(server.stalled_one());
  const auto started = std::chrono::steady_clock::now();
  CHECK(cors.stop(SIGINT) == 130);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
  std::ifstream file(out);
  const auto doc = Json::parse(file);
  CHECK(doc["schema"] == "reqscope.cors/1");
  CHECK(doc["verdict"] == "allowed");
  CHECK(doc["interrupted"] == true);
  REQUIRE(doc["scan"].size() == 1);
  CHECK(doc["scan"][0]["error"]["kind"] == "interrupted");
}
