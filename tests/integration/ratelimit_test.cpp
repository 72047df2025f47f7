#include <fmt/format.h>
#include <signal.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>
#include <chrono>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "support/lab.hpp"
#include "support/nginx.hpp"
#include "support/output.hpp"
#include "support/process.hpp"

using reqscope::test::CommandResult;
using reqscope::test::Lab;
using reqscope::test::Process;
using reqscope::test::run_reqscope;
using reqscope::test::TempDir;
using Json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

using Clock = std::chrono::steady_clock;

// ---------------------------------------------------------------------------
// nginx for ratelimit: /plain answers every request, /limited is behind a
// real limit_req (10r/s, burst=5 nodelay, 429), /malformed sends broken
// rate-limit headers, and with an upstream lab, /ratelimit/ is proxied to it.
// Each counted location logs to its own file, so that a test counts what
// really arrived at the server.
//
// /limited serves a file rather than `return`: `return` answers in the rewrite
// phase, before limit_req (preaccess) is consulted, so it is never limited.

constexpr const char* kServers = R"(  limit_req_zone $binary_remote_addr zone=probe:1m rate=10r/s;
  server {{
    listen 127.0.0.1:{port};
    location = /plain {{
      access_log {dir}/plain.log;
      return 200 "ok\n";
    }}
    location = /limited {{
      access_log {dir}/limited.log;
      limit_req zone=probe burst=5 nodelay;
      limit_req_status 429;
      alias {dir}/ok.txt;
    }}
    location = /malformed {{
      add_header X-RateLimit-Limit "ten";
      add_header RateLimit '"a";r=-;t=1';
      add_header Retry-After "soon";
      return 200 "ok\n";
    }}
{upstream}  }}
}}
)";

constexpr const char* kUpstream = R"(    location /ratelimit/ {{
      access_log {dir}/lab.log;
      proxy_pass http://127.0.0.1:{port};
    }}
)";

class RateLimitNginx {
 public:
  explicit RateLimitNginx(int lab_port = 0) : port_(reqscope::test::free_port()) {
    dir_.write("ok.txt", "ok\n");
    const auto upstream = lab_port == 0 ? std::string()
                                        : fmt::format(kUpstream, fmt::arg("dir", dir_.path()),
                                                      fmt::arg("port", lab_port));
    const auto config = reqscope::test::nginx_config_head(dir_.path()) +
                        fmt::format(kServers, fmt::arg("dir", dir_.path()), fmt::arg("port", port_),
                                    fmt::arg("upstream", upstream));
    process_ = reqscope::test::start_nginx(dir_, config, {port_});
  }

  std::string url(const std::string& path) const {
    return fmt::format("http://127.0.0.1:{}{}", port_, path);
  }

  // The lines of `log` ("plain", "limited", "lab"), once at least `expected`
  // are there (nginx logs a request just after answering it) or after 5 s.
  std::vector<std::string> log_lines(const std::string& log, std::size_t expected) const {
    const auto deadline = Clock::now() + 5s;
    for (;;) {
      std::vector<std::string> lines;
      std::ifstream in(dir_.path() + "/" + log + ".log");
      for (std::string line; std::getline(in, line);)
        lines.push_back(line);
      if (lines.size() >= expected || Clock::now() > deadline) return lines;
      std::this_thread::sleep_for(10ms);
    }
  }

  // How many requests `log` holds once `expected` have arrived, counted again
  // a moment later so that a request beyond the expected ones shows too.
  std::size_t logged(const std::string& log, std::size_t expected) const {
    log_lines(log, expected);
    std::this_thread::sleep_for(200ms);
    return log_lines(log, 0).size();
  }

 private:
  TempDir dir_;
  int port_;
  std::unique_ptr<Process> process_;
};

// ---------------------------------------------------------------------------
// helpers

struct RateLimitRun {
  CommandResult result;
  Json doc;
};

// Runs `reqscope ratelimit ARGS --json` and parses its one document.
RateLimitRun ratelimit_json(std::vector<std::string> args) {
  args.insert(args.begin(), "ratelimit");
  args.emplace_back("--json");
  RateLimitRun run{run_reqscope(args), Json()};
  INFO("stdout: " << run.result.out << "\nstderr: " << run.result.err);
  REQUIRE_NOTHROW(run.doc = Json::parse(run.result.out));
  REQUIRE(run.doc.is_object());
  CHECK(run.doc["schema"] == "reqscope.ratelimit/1");
  return run;
}

// Runs `reqscope ratelimit ARGS` for its human output.
CommandResult ratelimit_text(std::vector<std::string> args) {
  args.insert(args.begin(), "ratelimit");
  return run_reqscope(args);
}

using reqscope::test::columns_of;
using reqscope::test::lines_of;

// The checks every human report passes: something said, lines of at most 80
// columns, and no terminal escapes (the output is not a terminal).
void check_plain_report(const std::string& out) {
  INFO(out);
  CHECK_FALSE(out.empty());
  for (const auto& line : lines_of(out)) {
    INFO(line);
    CHECK(columns_of(line) <= 80);
  }
  CHECK(out.find('\x1b') == std::string::npos);
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

double number(const Json& value) {
  return value.get<double>();
}

// The timeline's invariants: one entry per request sent, each answered after
// it was sent, limited exactly when the answer was a 429 (the lab and nginx
// limit with nothing else), and, with one request at a time, sent in order.
void check_timeline(const Json& probe) {
  const auto& timeline = probe.at("timeline");
  REQUIRE(timeline.is_array());
  CHECK(timeline.size() == probe.at("requests_sent").get<std::size_t>());
  double previous_done = 0;
  for (const auto& entry : timeline) {
    INFO(entry.dump());
    CHECK(number(entry.at("t_ms")) >= 0.0);
    CHECK(number(entry.at("done_ms")) >= number(entry.at("t_ms")));
    CHECK(entry.at("limited") == (entry.at("status") == 429));
    CHECK(number(entry.at("t_ms")) >= previous_done - 1.0);
    previous_done = number(entry.at("done_ms"));
  }
}

// Every limited answer's Retry-After was waited out before the next request
// was sent (50 ms allowed for rounding), and at least one was given.
void check_retry_after_honoured(const Json& probe) {
  auto timeline = probe.at("timeline").get<std::vector<Json>>();
  std::stable_sort(timeline.begin(), timeline.end(), [](const Json& a, const Json& b) {
    return number(a.at("t_ms")) < number(b.at("t_ms"));
  });
  std::size_t waits = 0;
  for (std::size_t i = 0; i + 1 < timeline.size(); ++i) {
    const auto& entry = timeline[i];
    if (entry.at("limited") != true || !entry.at("retry_after_s").is_number()) continue;
    ++waits;
    const double earliest =
        number(entry.at("done_ms")) + number(entry.at("retry_after_s")) * 1000.0 - 50.0;
    INFO(entry.dump() << "\nnext: " << timeline[i + 1].dump());
    CHECK(number(timeline[i + 1].at("t_ms")) >= earliest);
  }
  CHECK(waits >= 1);
  CHECK(probe.at("retry_after_honoured") == true);
}

bool has(const Json& array, const std::string& value) {
  return std::find(array.begin(), array.end(), Json(value)) != array.end();
}

// What a probe of a lab window of 10 requests per 2 s must find.
void check_window_probe(const RateLimitRun& run, const std::string& algorithm) {
  const auto& doc = run.doc;
  INFO(doc.dump(2));
  CHECK(run.result.exit_code == 0);
  CHECK(doc["ok"] == true);
  const auto& probe = doc["probe"];
  REQUIRE(probe.is_object());
  CHECK(probe["stop_reason"] == "complete");
  CHECK(probe["limit"] == 10);
  REQUIRE(probe["window_s"].is_number());
  CHECK(number(probe["window_s"]) >= 1.6);
  CHECK(number(probe["window_s"]) <= 2.4);
  CHECK(probe["algorithm"] == algorithm);
  CHECK(has(probe["consistent_with"], algorithm));
  CHECK(probe["requests_sent"].get<int>() <= 200);
  REQUIRE(probe["first_429_at"].is_number());
  CHECK(probe["first_429_at"].get<int>() >= 11);
  CHECK(probe["failure"].is_null());
  CHECK_FALSE(probe["evidence"].empty());
  check_timeline(probe);
}

// What a probe of the lab's token bucket of 10 refilling 5 a second must
// find. Tokens come back during the burst, so it may pass 11 at once.
void check_bucket_probe(const RateLimitRun& run) {
  const auto& doc = run.doc;
  INFO(doc.dump(2));
  CHECK(run.result.exit_code == 0);
  CHECK(doc["ok"] == true);
  const auto& probe = doc["probe"];
  REQUIRE(probe.is_object());
  CHECK(probe["stop_reason"] == "complete");
  REQUIRE(probe["limit"].is_number());
  CHECK(probe["limit"].get<int>() >= 10);
  CHECK(probe["limit"].get<int>() <= 11);
  REQUIRE(probe["burst"].is_number());
  CHECK(probe["burst"].get<int>() >= 10);
  CHECK(probe["burst"].get<int>() <= 11);
  REQUIRE(probe["refill_per_s"].is_number());
  CHECK(number(probe["refill_per_s"]) >= 4.0);
  CHECK(number(probe["refill_per_s"]) <= 6.0);
  CHECK(probe["algorithm"] == "token_bucket");
  CHECK(has(probe["consistent_with"], "token_bucket"));
  CHECK(probe["requests_sent"].get<int>() <= 200);
  REQUIRE(probe["first_429_at"].is_number());
  CHECK(probe["first_429_at"].get<int>() >= 11);
  CHECK_FALSE(probe["evidence"].empty());
  check_timeline(probe);
}

// Without rate-limit headers, nothing but the statuses was there to learn from.
void check_no_headers(const Json& doc) {
  CHECK(doc["headers"]["dialect"] == "none");
  CHECK(doc["headers"]["limit"].is_null());
  for (const auto& entry : doc["probe"]["timeline"]) {
    INFO(entry.dump());
    CHECK(entry["remaining"].is_null());
    CHECK(entry["retry_after_s"].is_null());
  }
}

// The first answer spoke `dialect` and said 10 allowed, 9 of them left.
void check_dialect_probe(const Json& doc, const std::string& dialect) {
  INFO(doc.dump(2));
  CHECK(doc["headers"]["dialect"] == dialect);
  CHECK(doc["headers"]["limit"] == 10);
  const auto& timeline = doc["probe"]["timeline"];
  REQUIRE_FALSE(timeline.empty());
  CHECK(timeline[0]["remaining"] == 9);
  check_retry_after_honoured(doc["probe"]);
}

// The field named `name` (any case) of a headers.fields array, or null.
Json field_named(const Json& fields, const std::string& name) {
  for (const auto& field : fields) {
    if (lower(field["name"].get<std::string>()) == lower(name)) return field;
  }
  return Json();
}

// Whether `text` shows a Unix time (ten digits) within a window of 60 s after
// `unix_time`.
bool shows_unix_time_near(const std::string& text, long long unix_time) {
  const std::regex ten_digits("\\b[0-9]{10}\\b");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), ten_digits);
       it != std::sregex_iterator(); ++it) {
    const auto shown = std::stoll(it->str());
    if (shown >= unix_time && shown <= unix_time + 60) return true;
  }
  return false;
}

// `reqscope ratelimit ARGS` in the background, its stdout and stderr in
// files: stderr goes through a shell that execs reqscope, so the signal a
// test sends reaches reqscope itself.
class Background {
 public:
  explicit Background(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"/bin/sh", "-c",
                                     "exec \"$0\" \"$@\" 2>'" + dir_.path() + "/err'",
                                     REQSCOPE_BINARY, "ratelimit"};
    argv.insert(argv.end(), args.begin(), args.end());
    process_ = std::make_unique<Process>(argv, dir_.path() + "/out");
  }
  Process& process() { return *process_; }
  std::string out() const { return read("out"); }
  std::string err() const { return read("err"); }

 private:
  std::string read(const std::string& name) const {
    std::ifstream in(dir_.path() + "/" + name);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

  TempDir dir_;
  std::unique_ptr<Process> process_;
};

// Whether nginx logged a 429 answer among `lines` (the combined format puts
// the status after the quoted request line).
bool logged_429(const std::vector<std::string>& lines) {
  return std::any_of(lines.begin(), lines.end(),
                     [](const std::string& line) { return contains(line, "\" 429 "); });
}

}  // namespace

// ---------------------------------------------------------------------------
// inference from 429s alone

TEST_CASE("ratelimit --probe finds a lab fixed window of 10 per 2 s from bare 429s",
          "[ratelimit][probe][lab]") {
  Lab lab;
  const auto run =
      ratelimit_json({lab.url() + "/ratelimit/fixed?limit=10&window=2&headers=none", "--probe"});
  check_window_probe(run, "fixed_window");
  check_no_headers(run.doc);
}

TEST_CASE("ratelimit --probe finds a lab sliding window of 10 per 2 s from bare 429s",
          "[ratelimit][probe][lab]") {
  Lab lab;
  const auto run =
      ratelimit_json({lab.url() + "/ratelimit/sliding?limit=10&window=2&headers=none", "--probe"});
  check_window_probe(run, "sliding_window");
  check_no_headers(run.doc);
}

TEST_CASE("ratelimit --probe finds a lab token bucket of 10 refilling 5/s from bare 429s",
          "[ratelimit][probe][lab]") {
  Lab lab;
  const auto run =
      ratelimit_json({lab.url() + "/ratelimit/token?rate=5&burst=10&headers=none", "--probe"});
  check_bucket_probe(run);
  check_no_headers(run.doc);
}

// ---------------------------------------------------------------------------
// inference with headers, honouring Retry-After

TEST_CASE("ratelimit --probe of a fixed window sending IETF headers honours Retry-After",
          "[ratelimit][probe][lab]") {
  Lab lab;
  const auto run =
      ratelimit_json({lab.url() + "/ratelimit/fixed?limit=10&window=2&headers=ietf", "--probe"});
  check_window_probe(run, "fixed_window");
  check_dialect_probe(run.doc, "ietf");
}

TEST_CASE("ratelimit --probe of a sliding window sending X-RateLimit honours Retry-After",
          "[ratelimit][probe][lab]") {
  Lab lab;
  const auto run =
      ratelimit_json({lab.url() + "/ratelimit/sliding?limit=10&window=2&headers=x", "--probe"});
  check_window_probe(run, "sliding_window");
  check_dialect_probe(run.doc, "x");
}

TEST_CASE("ratelimit --probe of a token bucket sending draft headers honours Retry-After",
          "[ratelimit][probe][lab]") {
  Lab lab;
  const auto run =
      ratelimit_json({lab.url() + "/ratelimit/token?rate=5&burst=10&headers=draft", "--probe"});
  check_bucket_probe(run);
  check_dialect_probe(run.doc, "draft");
}

// ---------------------------------------------------------------------------
// real nginx limit_req

TEST_CASE("ratelimit --probe finds nginx limit_req's rate of 10/s and burst of 5",
          "[ratelimit][probe][nginx]") {
  RateLimitNginx nginx;
  const auto run = ratelimit_json({nginx.url("/limited"), "--probe"});
  const auto& doc = run.doc;
  INFO(doc.dump(2));
  CHECK(run.result.exit_code == 0);
  CHECK(doc["ok"] == true);
  const auto& probe = doc["probe"];
  REQUIRE(probe.is_object());
  CHECK(probe["stop_reason"] == "complete");
  REQUIRE(probe["refill_per_s"].is_number());
  CHECK(number(probe["refill_per_s"]) >= 8.0);
  CHECK(number(probe["refill_per_s"]) <= 12.0);
  REQUIRE(probe["burst"].is_number());
  CHECK(probe["burst"].get<int>() >= 4);
  CHECK(probe["burst"].get<int>() <= 6);
  const auto algorithm = probe["algorithm"].get<std::string>();
  CHECK((algorithm == "token_bucket" || algorithm == "leaky_bucket"));
  // A bucket has no window.
  CHECK(probe["window_s"].is_null());
  CHECK(probe["requests_sent"].get<int>() <= 200);
  check_timeline(probe);
  const auto sent = probe["requests_sent"].get<std::size_t>();
  CHECK(nginx.logged("limited", sent) == sent);

  // The human report of the same probe fits the terminal.
  std::this_thread::sleep_for(1s);  // the bucket drains: 6 tokens at 10/s
  const auto text = ratelimit_text({nginx.url("/limited"), "--probe"});
  CHECK(text.exit_code == 0);
  check_plain_report(text.out);
  CHECK(contains(lower(text.out), "burst"));
}

// ---------------------------------------------------------------------------
// the request budget, counted by the server

TEST_CASE("ratelimit --probe never sends more than --max-requests, as nginx counts",
          "[ratelimit][probe][nginx][limits]") {
  SECTION("no limit to find: exactly the budget, then no_limit") {
    RateLimitNginx nginx;
    const auto run = ratelimit_json({nginx.url("/plain"), "--probe", "--max-requests", "15"});
    INFO(run.doc.dump(2));
    CHECK(run.result.exit_code == 0);
    const auto& probe = run.doc["probe"];
    REQUIRE(probe.is_object());
    CHECK(probe["stop_reason"] == "no_limit");
    CHECK(probe["requests_sent"] == 15);
    CHECK(probe["first_429_at"].is_null());
    CHECK(probe["limit"].is_null());
    check_timeline(probe);
    CHECK(nginx.logged("plain", 15) == 15);
  }
  SECTION("nginx limit_req with -c 4 and a budget of 8") {
    RateLimitNginx nginx;
    const auto run =
        ratelimit_json({nginx.url("/limited"), "--probe", "--max-requests", "8", "-c", "4"});
    INFO(run.doc.dump(2));
    CHECK(run.result.exit_code == 0);
    const auto& probe = run.doc["probe"];
    REQUIRE(probe.is_object());
    const auto sent = probe["requests_sent"].get<std::size_t>();
    CHECK(sent <= 8);
    CHECK(probe["timeline"].size() == sent);
    CHECK(nginx.logged("limited", sent) == sent);
  }
  SECTION("the lab's token bucket behind nginx with -c 4 and a budget of 12") {
    Lab lab;
    RateLimitNginx nginx(lab.port());
    const auto run = ratelimit_json({nginx.url("/ratelimit/token?rate=5&burst=10&headers=none"),
                                     "--probe", "--max-requests", "12", "-c", "4"});
    INFO(run.doc.dump(2));
    CHECK(run.result.exit_code == 0);
    const auto& probe = run.doc["probe"];
    REQUIRE(probe.is_object());
    const auto sent = probe["requests_sent"].get<std::size_t>();
    CHECK(sent <= 12);
    CHECK(probe["timeline"].size() == sent);
    CHECK(nginx.logged("lab", sent) == sent);
  }
}

TEST_CASE("ratelimit --probe stops at --max-time with what it learned",
          "[ratelimit][probe][lab][limits]") {
  Lab lab;
  const auto started = Clock::now();
  const auto run = ratelimit_json({lab.url() + "/ratelimit/fixed?limit=3&window=60&headers=ietf",
                                   "--probe", "--max-time", "1s"});
  const auto took = Clock::now() - started;
  INFO(run.doc.dump(2));
  CHECK(run.result.exit_code == 0);
  const auto& probe = run.doc["probe"];
  REQUIRE(probe.is_object());
  CHECK(probe["stop_reason"] == "max_time");
  CHECK(probe["limit"] == 3);
  CHECK(probe["first_429_at"] == 4);
  check_timeline(probe);
  // Stopped at its budget, not after the server's 60 s Retry-After.
  CHECK(took < 10s);
}

// ---------------------------------------------------------------------------
// passive: one request, its headers read

TEST_CASE("ratelimit reads the first answer's figures in each header dialect",
          "[ratelimit][headers][lab]") {
  for (const std::string dialect : {"ietf", "draft", "x"}) {
    INFO(dialect);
    Lab lab;
    const auto run =
        ratelimit_json({lab.url() + "/ratelimit/fixed?limit=10&window=60&headers=" + dialect});
    const auto& doc = run.doc;
    INFO(doc.dump(2));
    CHECK(run.result.exit_code == 0);
    CHECK(doc["status"] == 200);
    CHECK(doc["probe"].is_null());
    CHECK(doc["expect"].is_null());
    CHECK(doc["ok"] == true);
    const auto& headers = doc["headers"];
    CHECK(headers["dialect"] == dialect);
    CHECK(headers["limit"] == 10);
    CHECK(headers["remaining"] == 9);
    // CHECK, not REQUIRE: one dialect's failure must not hide the next one's.
    CHECK(headers["reset_s"].is_number());
    if (headers["reset_s"].is_number()) {
      CHECK(number(headers["reset_s"]) >= 0.0);
      CHECK(number(headers["reset_s"]) <= 60.0);
    }
    CHECK(headers["retry_after_s"].is_null());
    REQUIRE_FALSE(headers["fields"].empty());
    for (const auto& field : headers["fields"])
      CHECK(field["problem"].is_null());
    if (dialect == "x") {
      // X-RateLimit-Reset is a Unix time, shown as such and as seconds.
      CHECK(headers["reset_form"] == "unix_seconds");
      CHECK(headers["reset_at"].is_string());
      const auto reset = field_named(headers["fields"], "X-RateLimit-Reset");
      REQUIRE(reset.is_object());
      const auto unix_time = std::stoll(reset["value"].get<std::string>());
      CHECK(unix_time >= 1000000000LL);
      // The same parameters, so the same window's end (or the next one's).
      const auto shown =
          ratelimit_text({lab.url() + "/ratelimit/fixed?limit=10&window=60&headers=" + dialect});
      INFO(shown.out);
      CHECK(shown.exit_code == 0);
      CHECK(shows_unix_time_near(shown.out, unix_time));
      CHECK(std::regex_search(shown.out, std::regex("resets in [0-9]+ s")));
    } else {
      // The window comes from the declared policy.
      CHECK(headers["window_s"] == 60);
      CHECK_FALSE(headers["policy"].empty());
    }

    // A fresh parameter set, so that the human view sees the first answer too.
    const auto text =
        ratelimit_text({lab.url() + "/ratelimit/fixed?limit=10&window=30&headers=" + dialect});
    CHECK(text.exit_code == 0);
    check_plain_report(text.out);
    CHECK(contains(text.out, "9 of 10 left"));
  }
}

TEST_CASE("ratelimit shows a 429's Retry-After parsed in each header dialect",
          "[ratelimit][headers][lab]") {
  for (const std::string dialect : {"ietf", "draft", "x"}) {
    INFO(dialect);
    Lab lab;
    // Sliding: a clock-aligned window could turn between the two runs.
    const auto url = lab.url() + "/ratelimit/sliding?limit=1&window=60&headers=" + dialect;
    REQUIRE(ratelimit_json({url}).doc["status"] == 200);
    const auto run = ratelimit_json({url});
    const auto& doc = run.doc;
    INFO(doc.dump(2));
    // A 429 is an answer: the check itself succeeded.
    CHECK(run.result.exit_code == 0);
    CHECK(doc["status"] == 429);
    REQUIRE(doc["headers"]["retry_after_s"].is_number());
    CHECK(number(doc["headers"]["retry_after_s"]) > 0.0);
    CHECK(number(doc["headers"]["retry_after_s"]) <= 60.0);
    CHECK(doc["headers"]["retry_after_form"] == "delta_seconds");
    CHECK(doc["headers"]["remaining"] == 0);

    const auto text = ratelimit_text({url});
    CHECK(text.exit_code == 0);
    check_plain_report(text.out);
    CHECK(contains(text.out, "429"));
    CHECK(contains(text.out, "Retry-After"));
  }
}

TEST_CASE("ratelimit reports malformed rate-limit headers with their raw values, never a guess",
          "[ratelimit][headers][nginx]") {
  RateLimitNginx nginx;
  const std::vector<std::pair<std::string, std::string>> sent = {
      {"X-RateLimit-Limit", "ten"}, {"RateLimit", "\"a\";r=-;t=1"}, {"Retry-After", "soon"}};

  const auto run = ratelimit_json({nginx.url("/malformed")});
  const auto& doc = run.doc;
  INFO(doc.dump(2));
  CHECK(run.result.exit_code == 0);
  CHECK(doc["status"] == 200);
  const auto& headers = doc["headers"];
  CHECK(headers["limit"].is_null());
  CHECK(headers["remaining"].is_null());
  CHECK(headers["reset_s"].is_null());
  CHECK(headers["retry_after_s"].is_null());
  for (const auto& [name, value] : sent) {
    INFO(name);
    const auto field = field_named(headers["fields"], name);
    REQUIRE(field.is_object());
    CHECK(field["value"] == value);
    REQUIRE(field["problem"].is_string());
    CHECK_FALSE(field["problem"].get<std::string>().empty());
  }

  const auto text = ratelimit_text({nginx.url("/malformed")});
  CHECK(text.exit_code == 0);
  check_plain_report(text.out);
  for (const auto& [name, value] : sent) {
    INFO(name);
    CHECK(contains(text.out, name));
    CHECK(contains(text.out, value));
  }
}

// ---------------------------------------------------------------------------
// --expect-limit

TEST_CASE("ratelimit --expect-limit holds the probed limit to the expectation",
          "[ratelimit][expect][lab]") {
  struct Case {
    std::vector<std::string> options;
    int exit_code;
  };
  const std::vector<Case> cases = {
      {{"--expect-limit", "10"}, 0},
      {{"--expect-limit", "20"}, 1},
      {{"--expect-limit", "12", "--tolerance", "20%"}, 0},
  };
  for (const auto& c : cases) {
    INFO(c.options[1]);
    Lab lab;
    std::vector<std::string> args = {lab.url() + "/ratelimit/fixed?limit=10&window=2&headers=none",
                                     "--probe"};
    args.insert(args.end(), c.options.begin(), c.options.end());
    const auto run = ratelimit_json(args);
    const auto& doc = run.doc;
    INFO(doc.dump(2));
    CHECK(run.result.exit_code == c.exit_code);
    CHECK(doc["ok"] == (c.exit_code == 0));
    const auto& expect = doc["expect"];
    REQUIRE(expect.is_object());
    CHECK(expect["expected"] == std::stoi(c.options[1]));
    CHECK(expect["actual"] == 10);
    CHECK(expect["source"] == "probe");
    CHECK(expect["passed"] == (c.exit_code == 0));
    if (c.options.size() > 2) {
      CHECK(number(expect["tolerance"]) == Approx(20.0));
      CHECK(expect["tolerance_percent"] == true);
    }
  }
}

TEST_CASE("ratelimit --expect-limit without --probe holds the header's limit to it",
          "[ratelimit][expect][lab]") {
  Lab lab;
  const auto url = lab.url() + "/ratelimit/fixed?limit=10&window=60&headers=x";
  struct Case {
    std::vector<std::string> options;
    int exit_code;
  };
  const std::vector<Case> cases = {
      {{"--expect-limit", "10"}, 0},
      {{"--expect-limit", "20"}, 1},
      {{"--expect-limit", "11", "--tolerance", "1"}, 0},
      {{"--expect-limit", "12", "--tolerance", "1"}, 1},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {url};
    args.insert(args.end(), c.options.begin(), c.options.end());
    const auto run = ratelimit_json(args);
    INFO(run.doc.dump(2));
    CHECK(run.result.exit_code == c.exit_code);
    const auto& expect = run.doc["expect"];
    REQUIRE(expect.is_object());
    CHECK(expect["actual"] == 10);
    CHECK(expect["source"] == "headers");
    CHECK(expect["passed"] == (c.exit_code == 0));
    CHECK(run.doc["probe"].is_null());
  }

  // No header, nothing to compare: the expectation is not met.
  const auto bare = ratelimit_json(
      {lab.url() + "/ratelimit/fixed?limit=10&window=60&headers=none", "--expect-limit", "10"});
  INFO(bare.doc.dump(2));
  CHECK(bare.result.exit_code == 1);
  CHECK(bare.doc["expect"]["actual"].is_null());
  CHECK(bare.doc["expect"]["passed"] == false);
}

// ---------------------------------------------------------------------------
// failures

TEST_CASE("ratelimit to a closed port exits 3 with a one-line verdict and the error",
          "[ratelimit][errors]") {
  const auto url = fmt::format("http://127.0.0.1:{}/", reqscope::test::free_port());
  for (const auto& mode : std::vector<std::vector<std::string>>{{}, {"--probe"}}) {
    INFO(mode.size());
    std::vector<std::string> args = {url};
    args.insert(args.end(), mode.begin(), mode.end());
    const auto run = ratelimit_json(args);
    INFO(run.doc.dump(2));
    CHECK(run.result.exit_code == 3);
    CHECK(run.doc["error"]["kind"] == "connect_refused");
    CHECK_FALSE(run.doc["error"]["message"].get<std::string>().empty());

    // As trace says it: the verdict on one line, then the reason and a hint.
    const auto text = ratelimit_text(args);
    INFO(text.out << "\nstderr: " << text.err);
    CHECK(text.exit_code == 3);
    check_plain_report(text.out);
    const auto lines = lines_of(text.out);
    REQUIRE(lines.size() >= 3);
    CHECK(lines[1] == "FAILED  connect_refused");
    CHECK(std::count_if(lines.begin(), lines.end(),
                        [](const std::string& line) { return line.rfind("FAILED", 0) == 0; }) == 1);
    CHECK(contains(lines[2], "refused"));
    CHECK(contains(text.out, "hint:"));
  }
}

// ---------------------------------------------------------------------------
// Ctrl-C

TEST_CASE("ratelimit --probe stops at once on Ctrl-C and prints what it learned, exit 130",
          "[ratelimit][probe][interrupt]") {
  for (const bool json : {true, false}) {
    INFO((json ? "--json" : "human"));
    // nginx in front of the lab counts the requests: once the fourth (the
    // first 429) is answered, the probe waits out its Retry-After of 60 s (a
    // sliding window: a fixed one aligned to the clock may end any moment).
    Lab lab;
    RateLimitNginx nginx(lab.port());
    std::vector<std::string> args = {nginx.url("/ratelimit/sliding?limit=3&window=60"), "--probe"};
    if (json) args.emplace_back("--json");
    Background ratelimit(args);
    const auto seen = nginx.log_lines("lab", 4);
    REQUIRE(seen.size() >= 4);
    REQUIRE(logged_429(seen));
    // nginx logs an answer once sent, not once reqscope has read it: a second
    // more lands well inside the 60 s wait.
    std::this_thread::sleep_for(1s);

    const auto started = Clock::now();
    CHECK(ratelimit.process().stop(SIGINT) == 130);
    CHECK(Clock::now() - started < 5s);
    const auto out = ratelimit.out();
    INFO(out << "\nstderr: " << ratelimit.err());
    if (json) {
      Json doc;
      REQUIRE_NOTHROW(doc = Json::parse(out));
      CHECK(doc["schema"] == "reqscope.ratelimit/1");
      const auto& probe = doc["probe"];
      REQUIRE(probe.is_object());
      CHECK(probe["stop_reason"] == "interrupted");
      CHECK(probe["limit"] == 3);
      CHECK(probe["first_429_at"] == 4);
      check_timeline(probe);
      const auto sent = probe["requests_sent"].get<std::size_t>();
      CHECK(nginx.logged("lab", sent) == sent);
    } else {
      check_plain_report(out);
      CHECK(contains(lower(out), "interrupted"));
    }
  }
}

// ---------------------------------------------------------------------------
// --explain

TEST_CASE("ratelimit --explain teaches 429, Retry-After, the four algorithms and jitter",
          "[ratelimit][explain][lab]") {
  Lab lab;
  const auto text =
      ratelimit_text({lab.url() + "/ratelimit/fixed?limit=10&window=60&headers=ietf", "--explain"});
  CHECK(text.exit_code == 0);
  check_plain_report(text.out);
  const auto out = lower(text.out);
  for (const char* topic : {"429", "retry-after", "fixed window", "sliding window", "token bucket",
                            "leaky bucket", "jitter"}) {
    INFO(topic);
    CHECK(contains(out, topic));
  }
}
