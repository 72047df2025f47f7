#include <curl/curl.h>
#include <fmt/format.h>
#include <signal.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "support/lab.hpp"
#include "support/nginx.hpp"
#include "support/output.hpp"
#include "support/process.hpp"
#include "support/usage_errors.hpp"

using reqscope::test::CommandResult;
using reqscope::test::Lab;
using reqscope::test::Process;
using reqscope::test::run_reqscope;
using reqscope::test::TempDir;
using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

namespace {

// ---------------------------------------------------------------------------
// nginx for bench: keep-alive without a practical request limit (so a run's
// connections are never closed under it), a 500 location, an access log to
// count what really arrived, HTTPS with HTTP/2, and plain-text HTTP/2 (h2c).

constexpr const char* kBenchServers = R"(  keepalive_requests 100000;
  keepalive_timeout 60s;
  server {{
    listen 127.0.0.1:{http};
    listen 127.0.0.1:{https} ssl http2;
    server_name localhost;
    ssl_certificate {dir}/leaf.pem;
    ssl_certificate_key {dir}/leaf.key;
    access_log {dir}/access.log;
    location = / {{ return 200 "hello from nginx\n"; }}
    location = /fail {{ return 500 "failing on purpose\n"; }}
{upstream}  }}
  server {{
    listen 127.0.0.1:{h2c} http2;
    location = / {{ return 200 "hello over h2c\n"; }}
  }}
}}
)";

// With an upstream, /delay/ is proxied to it (a lab), so that a test can have
// nginx speak HTTP/2 with responses that take a known time.
constexpr const char* kUpstream = R"(    location /delay/ {{ proxy_pass http://127.0.0.1:{port}; }}
)";

class BenchNginx {
 public:
  explicit BenchNginx(int upstream_port = 0) {
    ca_file_ = write_localhost_pki(dir_, "reqscope bench test CA");

    std::vector<int> ports;
    while (ports.size() < 3) {
      const int port = reqscope::test::free_port();
      if (std::find(ports.begin(), ports.end(), port) == ports.end()) ports.push_back(port);
    }
    http_port_ = ports[0];
    https_port_ = ports[1];
    h2c_port_ = ports[2];
    const auto config =
        reqscope::test::nginx_config_head(dir_.path()) +
        fmt::format(
            kBenchServers, fmt::arg("dir", dir_.path()), fmt::arg("http", http_port_),
            fmt::arg("https", https_port_), fmt::arg("h2c", h2c_port_),
            fmt::arg("upstream", upstream_port == 0
                                     ? std::string()
                                     : fmt::format(kUpstream, fmt::arg("port", upstream_port))));
    process_ = reqscope::test::start_nginx(dir_, config, ports);
  }

  std::string http_url(const std::string& path = "/") const {
    return fmt::format("http://127.0.0.1:{}{}", http_port_, path);
  }
  std::string https_url(const std::string& path = "/") const {
    return fmt::format("https://localhost:{}{}", https_port_, path);
  }
  std::string h2c_url(const std::string& path = "/") const {
    return fmt::format("http://127.0.0.1:{}{}", h2c_port_, path);
  }
  const std::string& ca_file() const { return ca_file_; }
  // The requests the HTTP/HTTPS server has logged, once at least `expected`
  // are (nginx logs a request just after answering it) or after 5 s.
  std::size_t logged_requests(std::size_t expected) const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    for (;;) {
      std::ifstream in(dir_.path() + "/access.log");
      std::size_t lines = 0;
      for (std::string line; std::getline(in, line);)
        ++lines;
      if (lines >= expected || std::chrono::steady_clock::now() > deadline) return lines;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

 private:
  TempDir dir_;
  std::string ca_file_;
  int http_port_ = 0;
  int https_port_ = 0;
  int h2c_port_ = 0;
  std::unique_ptr<Process> process_;
};

// ---------------------------------------------------------------------------
// helpers

struct BenchRun {
  CommandResult result;
  Json doc;
};

// Runs `reqscope bench ARGS --json` and parses its one document.
BenchRun bench_json(std::vector<std::string> args,
                    const std::map<std::string, std::string>& env = {}) {
  args.insert(args.begin(), "bench");
  args.emplace_back("--json");
  BenchRun run{run_reqscope(args, env), Json()};
  INFO("stdout: " << run.result.out << "\nstderr: " << run.result.err);
  REQUIRE_NOTHROW(run.doc = Json::parse(run.result.out));
  REQUIRE(run.doc.is_object());
  return run;
}

// Runs `reqscope bench ARGS` for its human output.
CommandResult bench_text(std::vector<std::string> args,
                         const std::map<std::string, std::string>& env = {}) {
  args.insert(args.begin(), "bench");
  return run_reqscope(args, env);
}

using reqscope::test::columns_of;
using reqscope::test::lines_of;

// The verdict: the first line after the title that is not indented (the
// title's second line, when it wraps, is).
std::string verdict_line(const std::vector<std::string>& lines) {
  for (std::size_t i = 1; i < lines.size(); ++i) {
    if (!lines[i].empty() && lines[i][0] != ' ') return lines[i];
  }
  return "";
}

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

// The checks every human report passes: the title first, lines of at most 80
// columns, and no terminal escapes.
void check_plain_report(const std::string& out) {
  INFO(out);
  const auto lines = lines_of(out);
  REQUIRE(lines.size() > 3);
  CHECK(starts_with(lines[0], "BENCH  "));
  for (const auto& line : lines) {
    INFO(line);
    CHECK(columns_of(line) <= 80);
  }
  CHECK(out.find('\x1b') == std::string::npos);
}

std::uint64_t sum_of(const Json& array, const char* key) {
  std::uint64_t sum = 0;
  for (const auto& item : array)
    sum += item.at(key).get<std::uint64_t>();
  return sum;
}

double number_at(const Json& doc, const char* pointer) {
  return doc.at(Json::json_pointer(pointer)).get<double>();
}

// The per-run invariants every document keeps: the histogram covers the
// responses, the series covers the requests and errors, and every error has
// exactly one kind.
void check_accounting(Json doc) {
  INFO(doc.dump());
  const auto requests = doc["requests"].get<std::uint64_t>();
  const auto errors = doc["errors"].get<std::uint64_t>();
  const auto responses = doc["responses"].get<std::uint64_t>();
  CHECK(sum_of(doc["histogram"], "count") == responses);
  CHECK(sum_of(doc["series"], "requests") == requests);
  CHECK(sum_of(doc["series"], "errors") == errors);
  std::uint64_t kinds = 0;
  for (const auto& [kind, count] : doc["error_kinds"].items())
    kinds += count.get<std::uint64_t>();
  CHECK(kinds == errors);
  std::uint64_t statuses = 0;
  for (const auto& [status, count] : doc["status"].items())
    statuses += count.get<std::uint64_t>();
  CHECK(statuses == responses);
}

}  // namespace

// ---------------------------------------------------------------------------
// latency and load models

TEST_CASE("a closed-loop bench on a 50 ms endpoint reports a p50 of about 50 ms", "[bench][lab]") {
  Lab lab;
  const auto run = bench_json({lab.url() + "/delay/50", "-c", "4", "-n", "40"});
  auto doc = run.doc;
  CHECK(run.result.exit_code == 0);
  CHECK(doc["requests"] == 40);
  CHECK(doc["responses"] == 40);
  CHECK(doc["errors"] == 0);
  CHECK(doc["status"] == Json{{"200", 40}});
  const double p50 = number_at(doc, "/latency_ms/p50");
  CHECK(p50 >= 50.0);
  CHECK(p50 <= 80.0);
  // No response can beat the server's own wait (less the histogram's 1%).
  CHECK(number_at(doc, "/latency_ms/min") >= 49.5);
  CHECK(doc["config"]["model"] == "closed");
  CHECK(doc["service_ms"].is_null());
  CHECK(doc["stop_reason"] == "requests");
  CHECK(doc["partial"] == false);
  CHECK(doc["ok"] == true);
  CHECK(doc["http_version"] == "HTTP/1.1");
  CHECK(doc["address"] == "127.0.0.1");
  check_accounting(doc);
}

TEST_CASE("an open-loop bench at --rate 200 for 2s sends about 400 requests",
          "[bench][lab][rate]") {
  Lab lab;
  const auto run = bench_json({lab.url() + "/", "--rate", "200", "-d", "2s"});
  auto doc = run.doc;
  CHECK(run.result.exit_code == 0);
  const auto requests = doc["requests"].get<std::uint64_t>();
  CHECK(requests >= 380);
  CHECK(requests <= 420);
  CHECK(doc["errors"] == 0);
  CHECK(doc["config"]["model"] == "open");
  CHECK(doc["config"]["rate"].get<double>() == Approx(200.0));
  CHECK(doc["config"]["duration_s"].get<double>() == Approx(2.0));
  CHECK(doc["stop_reason"] == "duration");
  const double rps = doc["rps"].get<double>();
  CHECK(rps >= 150.0);
  CHECK(rps <= 250.0);
  const double duration_ms = doc["duration_ms"].get<double>();
  CHECK(duration_ms >= 1900.0);
  CHECK(duration_ms <= 4000.0);
  CHECK(doc["max_send_lag_ms"].get<double>() >= 0.0);

  // Latency counts from the intended send time, service from the actual one.
  REQUIRE(doc["service_ms"].is_object());
  for (const char* key : {"min", "mean", "stdev", "p50", "p90", "p99", "p999", "max"})
    CHECK(doc["service_ms"][key].is_number());
  const double latency_p50 = number_at(doc, "/latency_ms/p50");
  const double service_p50 = number_at(doc, "/service_ms/p50");
  CHECK(latency_p50 >= service_p50 * 0.99 - 0.002);
  CHECK(number_at(doc, "/latency_ms/max") >= number_at(doc, "/service_ms/max") * 0.99 - 0.002);
  check_accounting(doc);
}

TEST_CASE("a closed-loop bench with -d stops sending after the duration", "[bench][nginx]") {
  BenchNginx nginx;
  const auto run = bench_json({nginx.http_url(), "-c", "2", "-d", "500ms"});
  auto doc = run.doc;
  CHECK(run.result.exit_code == 0);
  CHECK(doc["stop_reason"] == "duration");
  CHECK(doc["config"]["duration_s"].get<double>() == Approx(0.5));
  CHECK(doc["config"]["requests"].is_null());
  CHECK(doc["requests"].get<std::uint64_t>() > 0);
  CHECK(doc["errors"] == 0);
  const double duration_ms = doc["duration_ms"].get<double>();
  CHECK(duration_ms >= 450.0);
  CHECK(duration_ms <= 2000.0);
  check_accounting(doc);
}

// ---------------------------------------------------------------------------
// errors by kind

TEST_CASE("bench counts every request to a closed port as connect_refused and exits 3",
          "[bench][errors]") {
  const int port = reqscope::test::free_port();  // nothing listens there
  const auto url = fmt::format("http://127.0.0.1:{}/", port);
  const auto run = bench_json({url, "-n", "20", "-c", "2"});
  auto doc = run.doc;
  CHECK(run.result.exit_code == 3);
  CHECK(doc["requests"] == 20);
  CHECK(doc["responses"] == 0);
  CHECK(doc["errors"] == 20);
  CHECK(doc["error_kinds"]["connect_refused"] == 20);
  CHECK(doc["status"] == Json::object());
  CHECK(doc["histogram"] == Json::array());
  CHECK(doc["error_samples"].contains("connect_refused"));
  CHECK(doc["error_rate"].get<double>() == Approx(1.0));
  CHECK(doc["ok"] == false);
  check_accounting(doc);

  const auto text = bench_text({url, "-n", "20", "-c", "2"});
  CHECK(text.exit_code == 3);
  check_plain_report(text.out);
  CHECK(starts_with(verdict_line(lines_of(text.out)), "FAILED"));
  CHECK(text.out.find("connect_refused") != std::string::npos);
}

TEST_CASE("bench counts a connection dropped mid-response as reset", "[bench][errors][lab]") {
  Lab lab;
  const auto run = bench_json({lab.url() + "/close", "-n", "10", "-c", "2"});
  auto doc = run.doc;
  CHECK(run.result.exit_code == 3);
  CHECK(doc["requests"] == 10);
  CHECK(doc["responses"] == 0);
  CHECK(doc["errors"] == 10);
  CHECK(doc["error_kinds"]["reset"] == 10);
  CHECK(doc["error_samples"].contains("reset"));
  check_accounting(doc);
}

TEST_CASE("bench counts a response slower than --timeout as timeout", "[bench][errors][lab]") {
  Lab lab;
  const auto run =
      bench_json({lab.url() + "/delay/2000", "-n", "4", "-c", "2", "--timeout", "0.2"});
  auto doc = run.doc;
  CHECK(run.result.exit_code == 3);
  CHECK(doc["requests"] == 4);
  CHECK(doc["error_kinds"]["timeout"] == 4);
  CHECK(doc["config"]["timeout_ms"].get<double>() == Approx(200.0));
  // Two rounds of 200 ms timeouts, not the server's 2 s.
  CHECK(doc["duration_ms"].get<double>() < 1500.0);
  check_accounting(doc);
}

TEST_CASE("bench times 5xx responses and counts them as http_5xx", "[bench][errors][nginx]") {
  BenchNginx nginx;
  const auto run = bench_json({nginx.http_url("/fail"), "-n", "20", "-c", "2"});
  auto doc = run.doc;
  // A response arrived and no threshold was set: the run itself is ok.
  CHECK(run.result.exit_code == 0);
  CHECK(doc["requests"] == 20);
  CHECK(doc["responses"] == 20);
  CHECK(doc["errors"] == 20);
  CHECK(doc["error_kinds"]["http_5xx"] == 20);
  CHECK(doc["status"] == Json{{"500", 20}});
  CHECK(number_at(doc, "/latency_ms/max") > 0.0);
  CHECK(number_at(doc, "/latency_ms/p50") > 0.0);
  CHECK(doc["error_rate"].get<double>() == Approx(1.0));
  check_accounting(doc);
}

TEST_CASE("bench counts about half http_5xx from an endpoint failing half the time",
          "[bench][errors][lab]") {
  Lab lab;
  const auto run = bench_json({lab.url() + "/flaky?error_rate=0.5", "-n", "200", "-c", "4"});
  auto doc = run.doc;
  CHECK(run.result.exit_code == 0);
  CHECK(doc["requests"] == 200);
  CHECK(doc["responses"] == 200);
  const auto failed = doc["error_kinds"]["http_5xx"].get<std::uint64_t>();
  CHECK(failed >= 60);
  CHECK(failed <= 140);
  CHECK(doc["errors"] == failed);
  CHECK(doc["status"]["500"] == failed);
  CHECK(doc["status"]["200"] == 200 - failed);
  check_accounting(doc);
}

// ---------------------------------------------------------------------------
// thresholds

TEST_CASE("bench --max-p50-ms below the latency exits 1 and names the bound",
          "[bench][thresholds][lab]") {
  Lab lab;
  const auto url = lab.url() + "/delay/50";
  const auto run = bench_json({url, "-n", "8", "-c", "4", "--max-p50-ms", "1"});
  auto doc = run.doc;
  CHECK(run.result.exit_code == 1);
  CHECK(doc["ok"] == false);
  REQUIRE(doc["thresholds"].size() == 1);
  const auto& check = doc["thresholds"][0];
  CHECK(check["option"] == "--max-p50-ms");
  CHECK(check["bound"].get<double>() == Approx(1.0));
  CHECK(check["value"].get<double>() >= 49.5);
  CHECK(check["ok"] == false);
  CHECK(check["message"].get<std::string>().find("--max-p50-ms") != std::string::npos);

  const auto text = bench_text({url, "-n", "8", "-c", "4", "--max-p50-ms", "1"});
  CHECK(text.exit_code == 1);
  check_plain_report(text.out);
  CHECK(starts_with(verdict_line(lines_of(text.out)), "CHECK FAILED"));
  const std::regex names_bound(R"(--max-p50-ms 1(\.0+)?( ms)?\b)");
  CHECK(std::regex_search(text.out, names_bound));
}

TEST_CASE("a bench threshold that holds exits 0 and is reported ok", "[bench][thresholds][lab]") {
  Lab lab;
  const auto run =
      bench_json({lab.url() + "/delay/50", "-n", "8", "-c", "4", "--max-p99-ms", "5000"});
  CHECK(run.result.exit_code == 0);
  CHECK(run.doc["ok"] == true);
  REQUIRE(run.doc["thresholds"].size() == 1);
  CHECK(run.doc["thresholds"][0]["option"] == "--max-p99-ms");
  CHECK(run.doc["thresholds"][0]["bound"].get<double>() == Approx(5000.0));
  CHECK(run.doc["thresholds"][0]["ok"] == true);
}

TEST_CASE("bench --min-rps above the reachable rate exits 1", "[bench][thresholds][lab]") {
  Lab lab;
  const auto run = bench_json({lab.url() + "/", "-n", "20", "-c", "2", "--min-rps", "1000000"});
  CHECK(run.result.exit_code == 1);
  REQUIRE(run.doc["thresholds"].size() == 1);
  CHECK(run.doc["thresholds"][0]["option"] == "--min-rps");
  CHECK(run.doc["thresholds"][0]["ok"] == false);
  CHECK(run.doc["ok"] == false);
}

TEST_CASE("bench --max-error-rate fails on 500s and accepts a percentage",
          "[bench][thresholds][lab]") {
  Lab lab;
  const auto failing =
      bench_json({lab.url() + "/status/500", "-n", "10", "-c", "2", "--max-error-rate", "0"});
  CHECK(failing.result.exit_code == 1);
  REQUIRE(failing.doc["thresholds"].size() == 1);
  CHECK(failing.doc["thresholds"][0]["option"] == "--max-error-rate");
  CHECK(failing.doc["thresholds"][0]["value"].get<double>() == Approx(1.0));
  CHECK(failing.doc["thresholds"][0]["ok"] == false);

  const auto percent_ok =
      bench_json({lab.url() + "/", "-n", "10", "-c", "2", "--max-error-rate", "1%"});
  CHECK(percent_ok.result.exit_code == 0);
  REQUIRE(percent_ok.doc["thresholds"].size() == 1);
  CHECK(percent_ok.doc["thresholds"][0]["bound"].get<double>() == Approx(0.01));
  CHECK(percent_ok.doc["thresholds"][0]["ok"] == true);

  const auto percent_failing =
      bench_json({lab.url() + "/status/500", "-n", "10", "-c", "2", "--max-error-rate", "1%"});
  CHECK(percent_failing.result.exit_code == 1);
  CHECK(percent_failing.doc["thresholds"][0]["ok"] == false);
}

// ---------------------------------------------------------------------------
// the JSON document

TEST_CASE("bench --json gives every documented field in the documented order",
          "[bench][json][lab]") {
  Lab lab;
  const auto url = lab.url() + "/flaky?error_rate=0.3";
  const auto run = bench_json({url, "-n", "60", "-c", "3"});
  INFO(run.result.out);
  const auto ordered = OrderedJson::parse(run.result.out);
  const std::vector<std::string> documented = {"schema",     "url",         "config", "requests",
                                               "errors",     "duration_ms", "rps",    "latency_ms",
                                               "service_ms", "phases_ms",   "status", "error_kinds",
                                               "histogram",  "series",      "partial"};
  std::vector<std::string> keys;
  for (const auto& [key, value] : ordered.items())
    keys.push_back(key);
  REQUIRE(keys.size() >= documented.size());
  CHECK(std::vector<std::string>(keys.begin(),
                                 keys.begin() + static_cast<std::ptrdiff_t>(documented.size())) ==
        documented);

  auto doc = run.doc;
  CHECK(doc["schema"] == "reqscope.bench/1");
  CHECK(doc["url"] == url);
  for (const char* key : {"method", "connections", "threads", "streams_per_conn", "model", "rate",
                          "requests", "duration_s", "warmup_requests", "warmup_s", "timeout_ms",
                          "max_requests", "http_version"}) {
    INFO(key);
    CHECK(doc["config"].contains(key));
  }
  CHECK(doc["config"]["method"] == "GET");
  CHECK(doc["config"]["connections"] == 3);
  CHECK(doc["config"]["threads"] == 1);
  CHECK(doc["config"]["streams_per_conn"] == 1);
  CHECK(doc["config"]["requests"] == 60);
  CHECK(doc["config"]["rate"].is_null());
  CHECK(doc["config"]["max_requests"] == 1000000);
  CHECK(doc["requests"].is_number_unsigned());
  CHECK(doc["errors"].is_number_unsigned());
  CHECK(doc["duration_ms"].is_number());
  CHECK(doc["rps"].is_number());

  const char* figures[] = {"min", "mean", "stdev", "p50", "p90", "p99", "p999", "max"};
  for (const char* key : figures) {
    INFO(key);
    CHECK(doc["latency_ms"][key].is_number());
  }
  const auto& latency = doc["latency_ms"];
  CHECK(latency["min"].get<double>() <= latency["p50"].get<double>());
  CHECK(latency["p50"].get<double>() <= latency["p90"].get<double>());
  CHECK(latency["p90"].get<double>() <= latency["p99"].get<double>());
  CHECK(latency["p99"].get<double>() <= latency["p999"].get<double>());
  CHECK(latency["p999"].get<double>() <= latency["max"].get<double>());
  CHECK(latency["mean"].get<double>() >= latency["min"].get<double>());
  CHECK(latency["mean"].get<double>() <= latency["max"].get<double>());
  CHECK(doc["service_ms"].is_null());
  for (const char* phase : {"connect", "tls", "wait", "transfer"}) {
    INFO(phase);
    REQUIRE(doc["phases_ms"][phase].is_object());
    for (const char* key : figures)
      CHECK(doc["phases_ms"][phase][key].is_number());
  }
  CHECK(doc["status"].is_object());
  for (const char* kind : {"connect_refused", "connect_timeout", "timeout", "reset", "tls",
                           "http_protocol", "http_5xx"}) {
    INFO(kind);
    CHECK(doc["error_kinds"][kind].is_number_unsigned());
  }
  REQUIRE(doc["histogram"].is_array());
  REQUIRE_FALSE(doc["histogram"].empty());
  double previous_bound = -1;
  for (const auto& bin : doc["histogram"]) {
    CHECK(bin.size() == 2);
    CHECK(bin["le_ms"].get<double>() > previous_bound);
    previous_bound = bin["le_ms"].get<double>();
    CHECK(bin["count"].is_number_unsigned());
  }
  CHECK(previous_bound >= latency["max"].get<double>() * 0.99);
  REQUIRE(doc["series"].is_array());
  REQUIRE_FALSE(doc["series"].empty());
  for (const auto& second : doc["series"]) {
    for (const char* key : {"t_s", "requests", "p50_ms", "p99_ms", "errors"}) {
      INFO(key);
      CHECK(second[key].is_number());
    }
  }
  CHECK(doc["partial"] == false);

  CHECK(doc["responses"] == 60);
  CHECK(doc["bytes"].get<std::uint64_t>() > 0);
  CHECK(doc["bytes_per_s"].get<double>() > 0.0);
  CHECK(doc["connections_opened"].is_number_unsigned());
  CHECK(doc["error_rate"].get<double>() ==
        Approx(doc["errors"].get<double>() / doc["requests"].get<double>()));
  CHECK(doc["error_samples"].is_object());
  CHECK(doc["address"] == "127.0.0.1");
  CHECK(doc["http_version"] == "HTTP/1.1");
  CHECK(doc["stop_reason"] == "requests");
  CHECK(doc["unsent"] == 0);
  CHECK(doc["max_send_lag_ms"].is_number());
  CHECK(doc["diagnosis"].is_object());
  CHECK(doc["thresholds"] == Json::array());
  CHECK(doc["compare"].is_null());
  CHECK(doc["ok"] == true);
  check_accounting(doc);
}

// ---------------------------------------------------------------------------
// Ctrl-C

TEST_CASE("Ctrl-C stops a bench and reports what was measured as partial", "[bench][lab][signal]") {
  Lab lab;
  TempDir dir;
  const auto out_path = dir.path() + "/bench.json";
  const auto started = std::chrono::steady_clock::now();
  Process bench(
      {REQSCOPE_BINARY, "bench", lab.url() + "/delay/100", "-c", "4", "-d", "30s", "--json"},
      out_path);
  // Run for a while: the assertions below hold for any share of the 30 s.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  REQUIRE(bench.running());
  const auto signalled = std::chrono::steady_clock::now();
  const int exit_code = bench.stop(SIGINT, std::chrono::seconds(5));
  const auto stopped = std::chrono::steady_clock::now();
  CHECK(exit_code == 0);
  CHECK(stopped - signalled < std::chrono::seconds(3));

  std::ifstream in(out_path);
  const std::string out((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  INFO(out);
  Json doc;
  REQUIRE_NOTHROW(doc = Json::parse(out));
  CHECK(doc["partial"] == true);
  CHECK(doc["stop_reason"] == "interrupted");
  const auto requests = doc["requests"].get<std::uint64_t>();
  CHECK(requests > 0);
  CHECK(requests < 300);
  const double duration_ms = doc["duration_ms"].get<double>();
  CHECK(duration_ms > 0.0);
  CHECK(duration_ms < 30000.0);
  CHECK(duration_ms <= std::chrono::duration<double, std::milli>(stopped - started).count() + 1.0);
  CHECK(doc["errors"] == 0);
  check_accounting(doc);
}

TEST_CASE("Ctrl-C in the bench human view says the run is partial", "[bench][lab][signal]") {
  Lab lab;
  TempDir dir;
  const auto out_path = dir.path() + "/bench.txt";
  Process bench({REQSCOPE_BINARY, "bench", lab.url() + "/delay/100", "-c", "2", "-d", "30s"},
                out_path);
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  REQUIRE(bench.running());
  CHECK(bench.stop(SIGINT, std::chrono::seconds(5)) == 0);
  std::ifstream in(out_path);
  const std::string out((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  check_plain_report(out);
  CHECK(starts_with(verdict_line(lines_of(out)), "PARTIAL"));
}

// ---------------------------------------------------------------------------
// connections, threads and HTTP/2

TEST_CASE("bench opens keep-alive connections once and reuses them",
          "[bench][nginx][connections]") {
  BenchNginx nginx;
  const auto five = bench_json({nginx.http_url(), "-c", "5", "-n", "100"});
  CHECK(five.result.exit_code == 0);
  CHECK(five.doc["requests"] == 100);
  CHECK(five.doc["errors"] == 0);
  CHECK(five.doc["connections_opened"] == 5);
  CHECK(five.doc["phases_ms"]["connect"]["count"] == 5);

  const auto threaded = bench_json({nginx.http_url(), "-t", "2", "-c", "4", "-n", "100"});
  CHECK(threaded.result.exit_code == 0);
  CHECK(threaded.doc["config"]["threads"] == 2);
  CHECK(threaded.doc["requests"] == 100);
  CHECK(threaded.doc["responses"] == 100);
  CHECK(threaded.doc["connections_opened"] == 4);
  check_accounting(threaded.doc);
}

TEST_CASE("bench --http2 over TLS multiplexes streams on few connections",
          "[bench][nginx][http2]") {
  // Each response takes 20 ms, so all 2 × 4 streams are busy at once. (Against
  // an instant response, libcurl may put every transfer on the first connection
  // while its streams keep freeing up, and never open the second.)
  Lab lab;
  BenchNginx nginx(lab.port());
  const auto run = bench_json({nginx.https_url("/delay/20"), "--cacert", nginx.ca_file(), "--http2",
                               "-c", "2", "--streams-per-conn", "4", "-n", "200"});
  auto doc = run.doc;
  CHECK(run.result.exit_code == 0);
  CHECK(doc["http_version"] == "HTTP/2");
  CHECK(doc["config"]["http_version"] == "2");
  CHECK(doc["config"]["streams_per_conn"] == 4);
  CHECK(doc["requests"] == 200);
  CHECK(doc["errors"] == 0);
  CHECK(doc["connections_opened"] == 2);
  CHECK(doc["phases_ms"]["tls"]["count"] == 2);
  check_accounting(doc);
}

TEST_CASE("bench --http2 on plain http speaks h2c, or says why this libcurl cannot",
          "[bench][nginx][http2]") {
  BenchNginx nginx;
  const std::vector<std::string> args = {nginx.h2c_url(),      "--http2", "-c", "2",
                                         "--streams-per-conn", "4",       "-n", "200"};
  const auto* curl = curl_version_info(CURLVERSION_NOW);
  if (curl->version_num < 0x080000) {
    // libcurl before 8.0 breaks a reused prior-knowledge connection (curl
    // issue #10634): every reused request would fail, so bench refuses.
    auto with_command = args;
    with_command.insert(with_command.begin(), "bench");
    reqscope::test::check_usage_errors({{with_command, "--http2"}});
    const auto refused = run_reqscope({"bench", nginx.h2c_url(), "--http2", "-n", "1", "--json"});
    CHECK(refused.exit_code == 2);
    auto doc = Json::parse(refused.out, nullptr, false);
    REQUIRE(doc.is_object());
    CHECK(doc["schema"] == "reqscope.bench/1");
    CHECK(doc["error"]["message"].get<std::string>().find(curl->version) != std::string::npos);
    return;
  }
  const auto run = bench_json(args);
  auto doc = run.doc;
  INFO(doc["error_samples"].dump());
  CHECK(run.result.exit_code == 0);
  CHECK(doc["http_version"] == "HTTP/2");
  CHECK(doc["requests"] == 200);
  CHECK(doc["errors"] == 0);
  CHECK(doc["connections_opened"].get<std::uint64_t>() <= 2);
}

// ---------------------------------------------------------------------------
// warm-up and the request cap

TEST_CASE("bench sends warm-up requests but does not count them", "[bench][nginx][warmup]") {
  BenchNginx nginx;
  const auto run = bench_json({nginx.http_url(), "--warmup", "10", "-n", "20", "-c", "2"});
  auto doc = run.doc;
  CHECK(run.result.exit_code == 0);
  CHECK(doc["config"]["warmup_requests"] == 10);
  CHECK(doc["requests"] == 20);
  CHECK(doc["responses"] == 20);
  CHECK(doc["status"] == Json{{"200", 20}});
  // The warm-up opened the connections; the measured run reuses them.
  CHECK(doc["connections_opened"].get<std::uint64_t>() <= 2);
  check_accounting(doc);
  // The server saw them all.
  CHECK(nginx.logged_requests(30) == 30);

  const auto timed = bench_json({nginx.http_url(), "--warmup", "200ms", "-n", "20", "-c", "2"});
  CHECK(timed.result.exit_code == 0);
  CHECK(timed.doc["config"]["warmup_s"].get<double>() == Approx(0.2));
  CHECK(timed.doc["requests"] == 20);
  // At least one warm-up request went out before the 20 measured ones.
  CHECK(nginx.logged_requests(51) >= 51);
}

TEST_CASE("bench --max-requests refuses more unless --force and caps a timed run",
          "[bench][nginx][limits]") {
  BenchNginx nginx;
  reqscope::test::check_usage_errors(
      {{{"bench", nginx.http_url(), "-n", "20", "--max-requests", "10"}, "--max-requests 10"}});
  const auto forced =
      bench_json({nginx.http_url(), "-n", "20", "-c", "2", "--max-requests", "10", "--force"});
  CHECK(forced.result.exit_code == 0);
  CHECK(forced.doc["requests"] == 20);
  CHECK(forced.doc["stop_reason"] == "requests");

  const auto capped =
      bench_json({nginx.http_url(), "-d", "10s", "-c", "2", "--max-requests", "30"});
  CHECK(capped.result.exit_code == 0);
  CHECK(capped.doc["requests"] == 30);
  CHECK(capped.doc["stop_reason"] == "max_requests");
  CHECK(capped.doc["duration_ms"].get<double>() < 10000.0);
}

// ---------------------------------------------------------------------------
// --compare

TEST_CASE("bench --compare shows the changes from an earlier result", "[bench][nginx][compare]") {
  BenchNginx nginx;
  TempDir dir;
  const auto baseline_run = bench_json({nginx.http_url(), "-n", "50", "-c", "2"});
  REQUIRE(baseline_run.result.exit_code == 0);
  const auto baseline = dir.write("baseline.json", baseline_run.result.out);

  const auto text = bench_text({nginx.http_url(), "-n", "50", "-c", "2", "--compare", baseline});
  CHECK(text.exit_code == 0);
  check_plain_report(text.out);
  CHECK(text.out.find("Compared with " + baseline) != std::string::npos);
  for (const char* name : {"rps", "p50_ms", "p99_ms"}) {
    INFO(name);
    CHECK(std::regex_search(text.out, std::regex(std::string("\n  ") + name + " ")));
  }

  const auto run = bench_json({nginx.http_url(), "-n", "50", "-c", "2", "--compare", baseline});
  CHECK(run.result.exit_code == 0);
  const auto& compare = run.doc["compare"];
  REQUIRE(compare.is_object());
  CHECK(compare["baseline"] == baseline);
  std::map<std::string, Json> changes;
  for (const auto& change : compare["changes"])
    changes[change["name"].get<std::string>()] = change;
  for (const char* name :
       {"rps", "p50_ms", "p90_ms", "p99_ms", "p999_ms", "max_ms", "mean_ms", "error_rate"}) {
    INFO(name);
    REQUIRE(changes.count(name) == 1);
    CHECK(changes[name]["before"].is_number());
    CHECK(changes[name]["after"].is_number());
    CHECK(changes[name]["better"].is_boolean());
  }
  const auto& before = baseline_run.doc;
  CHECK(changes["rps"]["before"].get<double>() == Approx(before["rps"].get<double>()));
  CHECK(changes["p50_ms"]["before"].get<double>() == Approx(number_at(before, "/latency_ms/p50")));
  CHECK(changes["p99_ms"]["before"].get<double>() == Approx(number_at(before, "/latency_ms/p99")));
  CHECK(changes["p50_ms"]["after"].get<double>() ==
        Approx(number_at(run.doc, "/latency_ms/p50")).margin(0.001));
  CHECK(changes["error_rate"]["before"].get<double>() == Approx(0.0));
}

TEST_CASE("bench --compare with a bad baseline exits 2 naming the file",
          "[bench][compare][usage]") {
  TempDir dir;
  const auto not_json = dir.write("not-json.txt", "this is not JSON\n");
  const auto other_schema = dir.write("trace.json", R"({"schema": "reqscope.trace/1"})");
  const auto no_figures = dir.write("empty-bench.json", R"({"schema": "reqscope.bench/1"})");
  const auto missing = dir.path() + "/missing.json";
  const std::string url = "http://127.0.0.1:9/";
  std::vector<reqscope::test::UsageErrorCase> cases;
  for (const auto& file : {not_json, other_schema, no_figures, missing})
    cases.push_back({{"bench", url, "-n", "1", "--compare", file}, file});
  reqscope::test::check_usage_errors(cases);

  for (const auto& file : {not_json, other_schema, missing}) {
    INFO(file);
    const auto result = run_reqscope({"bench", url, "-n", "1", "--compare", file, "--json"});
    CHECK(result.exit_code == 2);
    auto doc = Json::parse(result.out, nullptr, false);
    REQUIRE(doc.is_object());
    CHECK(doc["schema"] == "reqscope.bench/1");
    CHECK(doc["error"]["kind"] == "bad_file");
    CHECK(doc["error"]["message"].get<std::string>().find(file) != std::string::npos);
  }
}

// ---------------------------------------------------------------------------
// bad input

TEST_CASE("bench exits 2 on bad options and URLs with one line naming the value",
          "[bench][usage]") {
  // Validation happens before any connection, so the port needs no server.
  const std::string url = "http://127.0.0.1:9/";
  struct BadInput {
    std::vector<std::string> args;
    std::vector<std::string> named;  // the first is the value check_usage_errors looks for
  };
  const std::vector<BadInput> inputs = {
      {{url, "-n", "0"}, {"'0'", "-n"}},
      {{url, "-n", "abc"}, {"abc", "-n"}},
      {{url, "-n", "-5"}, {"-5", "-n"}},
      {{url, "-c", "0"}, {"'0'", "-c"}},
      {{url, "-c", "10001"}, {"10001", "-c", "--force"}},  // --force in the hint
      {{url, "-t", "0"}, {"'0'", "-t"}},
      {{url, "-t", "3", "-c", "2"}, {"-t 3", "-c 2"}},
      {{url, "-d", "0"}, {"-d", "0"}},
      {{url, "-d", "banana"}, {"banana", "-d"}},
      {{url, "-d", "25h"}, {"25h", "-d"}},
      {{url, "-n", "10", "-d", "1s"}, {"-n", "-d"}},
      {{url, "--rate", "0"}, {"'0'", "--rate"}},
      {{url, "--rate", "-1"}, {"-1", "--rate"}},
      {{url, "--rate", "nan"}, {"nan", "--rate"}},
      {{url, "--rate", "1e99"}, {"1e99", "--rate"}},
      {{url, "--warmup", "0"}, {"--warmup", "0"}},
      {{url, "--warmup", "xyz"}, {"xyz", "--warmup"}},
      {{url, "--streams-per-conn", "2"}, {"--streams-per-conn", "--http2"}},
      {{url, "--max-p99-ms", "-1"}, {"-1", "--max-p99-ms"}},
      {{url, "--max-error-rate", "2"}, {"'2'", "--max-error-rate"}},
      {{url, "--max-error-rate", "150%"}, {"150", "--max-error-rate"}},
      {{url, "--min-rps", "abc"}, {"abc", "--min-rps"}},
      {{url, "-n", "2000000"}, {"2000000", "--max-requests"}},
      {{url, "--rate", "1000", "-d", "2000s"}, {"--max-requests", "--rate"}},
      {{url, "--max-requests", "0"}, {"'0'", "--max-requests"}},
      {{"http://exa mple.com/"}, {"exa mple.com"}},
      {{"http://127.0.0.1:99999/"}, {"99999"}},
      {{"ftp://127.0.0.1/"}, {"ftp"}},
      {{url, "-H", "bad header"}, {"bad header"}},
      {{url, "--data", "@/nonexistent"}, {"/nonexistent", "--data"}},
  };

  std::vector<reqscope::test::UsageErrorCase> cases;
  for (const auto& input : inputs) {
    auto args = input.args;
    args.insert(args.begin(), "bench");
    cases.push_back({args, input.named.front()});
  }
  reqscope::test::check_usage_errors(cases);

  // Under --json the same error is one document on stdout, stderr quiet.
  for (const auto& input : inputs) {
    auto args = input.args;
    args.insert(args.begin(), "bench");
    args.emplace_back("--json");
    std::string joined;
    for (const auto& a : args)
      joined += a + " ";
    INFO(joined);
    const auto result = run_reqscope(args);
    INFO(result.out << result.err);
    CHECK(result.exit_code == 2);
    CHECK(result.err.empty());
    auto doc = Json::parse(result.out, nullptr, false);
    REQUIRE(doc.is_object());
    CHECK(doc["schema"] == "reqscope.bench/1");
    auto error = doc["error"];
    CHECK(error["kind"].is_string());
    CHECK_FALSE(error.value("kind", std::string()).empty());
    const auto message =
        error["message"].get<std::string>() + " " + error.value("hint", std::string());
    for (const auto& named : input.named) {
      INFO(named);
      CHECK(message.find(named) != std::string::npos);
    }
  }
}

TEST_CASE("bench refuses a zero warm-up duration like a zero warm-up count", "[bench][usage]") {
  // --warmup 0 is refused; --warmup 0s (the same nothing, with a unit) must be too.
  reqscope::test::check_usage_errors(
      {{{"bench", "http://127.0.0.1:9/", "-n", "1", "--warmup", "0s"}, "--warmup"}});
}

// ---------------------------------------------------------------------------
// human output

TEST_CASE("the bench human report puts the verdict first and fits 80 plain columns",
          "[bench][human][lab]") {
  Lab lab;
  SECTION("a passing run") {
    const auto result = bench_text({lab.url() + "/", "-n", "20", "-c", "2"}, {{"NO_COLOR", "1"}});
    CHECK(result.exit_code == 0);
    check_plain_report(result.out);
    const auto lines = lines_of(result.out);
    REQUIRE(lines.size() > 2);
    CHECK(starts_with(lines[1], "OK  "));
  }
  SECTION("without a terminal and without NO_COLOR") {
    const auto result = bench_text({lab.url() + "/", "-n", "20", "-c", "2"});
    CHECK(result.exit_code == 0);
    check_plain_report(result.out);
  }
  SECTION("a long URL, errors, failed thresholds, a comparison and the series") {
    TempDir dir;
    const auto url = lab.url() + "/flaky?error_rate=0.5&delay=1";
    const auto baseline = bench_json({url, "-n", "40", "-c", "2"});
    const auto file = dir.write("baseline.json", baseline.result.out);
    const auto result =
        bench_text({url, "-n", "40", "-c", "2", "-v", "--max-p99-ms", "0.001", "--max-error-rate",
                    "1%", "--min-rps", "1", "--compare", file, "--color", "never"});
    CHECK(result.exit_code == 1);
    check_plain_report(result.out);
    CHECK(starts_with(verdict_line(lines_of(result.out)), "CHECK FAILED"));
    CHECK(result.out.find("http_5xx") != std::string::npos);
  }
  SECTION("--color always does colour, so the checks above can see escapes") {
    const auto result = bench_text({lab.url() + "/", "-n", "5", "-c", "1", "--color", "always"});
    CHECK(result.exit_code == 0);
    CHECK(result.out.find("\x1b[") != std::string::npos);
  }
}
