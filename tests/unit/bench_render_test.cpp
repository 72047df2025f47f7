#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "render_checks.hpp"
#include "reqscope/render/bench_human.hpp"
#include "reqscope/render/bench_json.hpp"
#include "reqscope/util/text.hpp"

using namespace reqscope;
using namespace std::chrono;

namespace {

void add_response(bench::BenchResult& result, nanoseconds total, int status = 200) {
  result.latency.record(total);
  result.wait.record(total - microseconds(300));
  result.transfer.record(microseconds(200));
  ++result.requests;
  ++result.responses;
  ++result.status_counts[status];
  result.bytes_received += 512;
  if (status >= 500) {
    ++result.errors;
    ++result.error_kinds["http_5xx"];
  }
}

void add_failure(bench::BenchResult& result, const std::string& kind, const std::string& message) {
  ++result.requests;
  ++result.errors;
  ++result.error_kinds[kind];
  result.error_samples.emplace(kind, message);
}

// 40 responses of about 10 ms over 4 connections, nearly all of it server wait.
bench::BenchResult closed_result() {
  bench::BenchResult result;
  result.config.url = *http::parse_url("http://127.0.0.1:8080/items");
  result.config.connections = 4;
  result.config.requests = 40;
  result.address = "127.0.0.1";
  result.http_version = "HTTP/1.1";
  result.duration = milliseconds(520);
  result.stop_reason = bench::StopReason::requests;
  for (const auto kind : bench::kErrorKinds)
    result.error_kinds[std::string(kind)] = 0;
  for (int i = 0; i < 40; ++i)
    add_response(result, microseconds(10'000 + i * 50));
  for (int i = 0; i < 4; ++i)
    result.connect.record(microseconds(100));
  result.connections_opened = 4;
  result.series.push_back({1, 40, 0, 10.5, 11.9});
  return result;
}

// At 200 req/s, requests waited for a connection: latency far above service.
bench::BenchResult open_result() {
  auto result = closed_result();
  result.config.rate = 200;
  result.config.requests.reset();
  result.config.duration = seconds(2);
  result.stop_reason = bench::StopReason::duration;
  result.latency.clear();
  for (int i = 0; i < 40; ++i) {
    result.service.record(microseconds(10'000 + i * 50));
    result.latency.record(microseconds(10'000 + i * 2'000));
  }
  return result;
}

using reqscope::test::check_fits;
using reqscope::test::contains;
using reqscope::test::flat;
using reqscope::test::lines_of;

std::string human(const bench::BenchResult& result,
                  const std::vector<bench::ThresholdCheck>& checks = {},
                  const std::optional<render::BenchComparison>& comparison = std::nullopt,
                  bool verbose = false) {
  render::HumanOptions options;
  options.verbose = verbose;
  return render::render_bench(result, checks, comparison, options);
}

std::vector<std::string> keys_of(const render::Json& object) {
  std::vector<std::string> keys;
  for (auto it = object.begin(); it != object.end(); ++it)
    keys.push_back(it.key());
  return keys;
}

const std::vector<std::string> kFigureKeys = {"min", "mean", "stdev", "p50",
                                              "p90", "p99",  "p999",  "max"};

}  // namespace

TEST_CASE("the bench human view puts the verdict under the title within 80 columns",
          "[render][bench]") {
  const auto text = human(closed_result());
  INFO(text);
  const auto lines = lines_of(text);
  REQUIRE(lines.size() > 2);
  CHECK(lines[0] == "BENCH  GET http://127.0.0.1:8080/items  closed loop, 4 connections, 1 thread");
  CHECK(lines[1].rfind("OK  40 requests in 520.0 ms, 0 errors (0.0%). Time goes to server wait",
                       0) == 0);
  CHECK(contains(text, "tail p99/p50 = 1.1x (tight)."));
  CHECK(contains(text, "\ntotal "));
  CHECK(contains(text, "\nwait "));
  CHECK(contains(text, "\nconnect "));
  CHECK_FALSE(contains(text, "\ntls "));
  CHECK_FALSE(contains(text, "service"));
  CHECK(contains(text, "200 x40"));
  CHECK(contains(text, "Errors         none"));
  CHECK(contains(text, "76.9 req/s"));
  CHECK(contains(text, "\n  <= "));
  CHECK(contains(text, " ms  #"));
  CHECK(contains(text, std::string(40, '#')));
  CHECK_FALSE(contains(text, std::string(41, '#')));
  CHECK_FALSE(contains(text, "Each second"));
  CHECK_FALSE(contains(text, "\x1b"));
  check_fits(text);
}

TEST_CASE("the bench human view colours and draws Unicode only when allowed", "[render][bench]") {
  render::HumanOptions options;
  options.style.color = true;
  options.style.unicode = true;
  const auto text = render::render_bench(closed_result(), {}, std::nullopt, options);
  CHECK(contains(text, "\x1b["));
  CHECK(contains(text, "\u2588"));
  CHECK(contains(text, "200 \u00d740"));
  check_fits(text);
}

TEST_CASE("an open-loop bench shows latency and service, each labelled", "[render][bench]") {
  const auto text = human(open_result());
  INFO(text);
  const auto lines = lines_of(text);
  CHECK(lines[0] == "BENCH  GET http://127.0.0.1:8080/items");
  CHECK(lines[1] == "       open loop at 200 req/s, 4 connections, 1 thread");
  CHECK(lines[2].rfind("OK  40 requests", 0) == 0);
  CHECK(contains(text, "\nlatency "));
  CHECK(contains(text, "\nservice "));
  CHECK_FALSE(contains(text, "\ntotal "));
  CHECK(contains(text, "latency: from each request's intended send time (what users waited)"));
  CHECK(contains(text, "service: from its actual send (what the server took)"));
  CHECK(contains(text, "(target 200 req/s)"));
  check_fits(text);
}

TEST_CASE("an HTTP/2 bench title names the streams per connection", "[render][bench]") {
  auto result = closed_result();
  result.config.streams_per_connection = 2;
  result.config.threads = 2;
  CHECK(lines_of(human(result))[1] ==
        "       closed loop, 4 connections, 2 threads, 2 streams per connection");
}

TEST_CASE("an interrupted bench says PARTIAL in its verdict", "[render][bench]") {
  auto result = closed_result();
  result.stop_reason = bench::StopReason::interrupted;
  const auto lines = lines_of(human(result));
  CHECK(lines[1].rfind("PARTIAL: stopped by Ctrl-C after 520.0 ms. 40 requests, 0 errors", 0) == 0);
}

TEST_CASE("a bench stopped by its safety limit names --max-requests", "[render][bench]") {
  auto result = closed_result();
  result.stop_reason = bench::StopReason::max_requests;
  result.config.max_requests = 40;
  CHECK(contains(human(result), "Stopped at --max-requests 40."));
}

TEST_CASE("a bench whose every request failed names the most common error", "[render][bench]") {
  bench::BenchResult result;
  result.config.url = *http::parse_url("http://127.0.0.1:9/");
  result.duration = milliseconds(30);
  for (int i = 0; i < 3; ++i)
    add_failure(result, "connect_refused", "Connection refused");
  add_failure(result, "timeout", "timed out");
  const auto text = human(result);
  INFO(text);
  const auto lines = lines_of(text);
  CHECK(lines[1].rfind("FAILED  4 requests in 30.00 ms, every one failed; most often", 0) == 0);
  CHECK(contains(flat(text), "connect_refused (x3): \"Connection refused\"."));
  CHECK(contains(text, "none: no response arrived"));
  CHECK(contains(flat(render::explain_bench(result)), "connect_refused (\"Connection refused\")"));
  check_fits(text);
  check_fits(render::explain_bench(result));
}

TEST_CASE("a hostile bench error sample renders on one line, sanitized", "[render][bench]") {
  const std::string hostile = "\x1b[31mevil\nline\x07" + std::string(10'000, 'A');
  auto result = closed_result();
  add_failure(result, "reset", hostile);
  const auto text = human(result);
  INFO(text);
  CHECK_FALSE(contains(text, "\x1b"));
  CHECK_FALSE(contains(text, "\x07"));
  CHECK_FALSE(contains(text, "evil\n"));
  const auto lines = lines_of(text);
  const auto reset = std::find_if(lines.begin(), lines.end(),
                                  [](const std::string& l) { return l.rfind("  reset", 0) == 0; });
  REQUIRE(reset + 1 < lines.end());
  CHECK(contains(*reset, "(2.4%)"));
  const auto& sample = *(reset + 1);
  CHECK(sample.rfind("    \\x1b[31mevil\\x0aline\\x07AAA", 0) == 0);
  CHECK(sample.ends_with("AAA..."));
  CHECK(util::display_width(sample) == render::kColumns);
  check_fits(text);

  bench::BenchResult failed;
  failed.config.url = result.config.url;
  add_failure(failed, "reset", hostile);
  const auto failed_text = human(failed) + render::explain_bench(failed);
  CHECK_FALSE(contains(failed_text, "\x1b"));
  check_fits(failed_text);
}

TEST_CASE("a bench warns of an unmet rate and of 4xx rejections", "[render][bench]") {
  auto result = open_result();
  result.unsent = 12;
  result.max_send_lag = milliseconds(350);
  add_response(result, milliseconds(3), 404);
  add_response(result, milliseconds(3), 404);
  const auto text = human(result);
  INFO(text);
  CHECK(contains(flat(text), "could not keep up with --rate 200 req/s: 12 requests unsent"));
  CHECK(contains(text, "350.0 ms"));
  CHECK(contains(text, "Raise -c or lower --rate."));
  CHECK(contains(flat(text), "the server rejected 2 requests with a 4xx status"));
  CHECK(contains(text, "404 x2"));
  check_fits(text);
}

TEST_CASE("a verbose bench view shows each second", "[render][bench]") {
  const auto text = human(closed_result(), {}, std::nullopt, true);
  CHECK(contains(text, "Each second"));
  CHECK(contains(text, "     1 s          40    10.50 ms    11.90 ms         0"));
}

TEST_CASE("bench thresholds and --compare render as their own sections", "[render][bench]") {
  const std::vector<bench::ThresholdCheck> checks = {
      {"--max-p99-ms", 50, 11.9, true, "p99 11.90 ms is within --max-p99-ms 50.00 ms"},
      {"--min-rps", 100, 76.9, false, "throughput 76.9 req/s is below --min-rps 100 req/s"}};
  render::BenchComparison comparison{"base.json", {}};
  comparison.changes.push_back({"rps", 100, 76.9, -23.1, true});
  comparison.changes.push_back({"p99_ms", 10, 11, 10.0, false});
  comparison.changes.push_back({"error_rate", 0, 0, std::nullopt, false});
  const auto text = human(closed_result(), checks, comparison);
  INFO(text);
  CHECK(lines_of(text)[1].rfind("CHECK FAILED  40 requests", 0) == 0);
  CHECK(contains(text, "1 of 2 thresholds failed."));
  CHECK(contains(text, "  ok    p99 11.90 ms is within"));
  CHECK(contains(text, "  FAIL  throughput 76.9 req/s"));
  CHECK(contains(text, "Compared with base.json"));
  CHECK(contains(text, "100 req/s"));
  CHECK(contains(text, "-23.1% worse"));
  CHECK(contains(text, "+10.0% worse"));
  CHECK(contains(text, "n/a"));
  comparison.changes = {{"p99_ms", 10, 9, -10.0, false}};
  CHECK(contains(human(closed_result(), {}, comparison), "-10.0% better"));
  check_fits(text);
}

TEST_CASE("bench --explain teaches with this run's numbers within 80 columns",
          "[render][bench][explain]") {
  auto result = closed_result();
  for (int i = 0; i < 4; ++i)
    add_response(result, milliseconds(200));
  const auto text = render::explain_bench(result);
  INFO(text);
  const auto p50 = render::format_ms(bench::figures_of(result.latency).p50_ms);
  CHECK(contains(flat(text), "at most " + p50 + " (total p50"));
  CHECK(contains(text, "server wait"));
  CHECK(contains(text, "N+1"));
  CHECK(contains(text, "coordinated omission"));
  CHECK(contains(flat(text), "4 opened for 44 responses"));
  check_fits(text);

  bench::BenchResult fast;
  fast.config.url = result.config.url;
  for (int i = 0; i < 10; ++i)
    add_response(fast, milliseconds(1));
  CHECK(contains(flat(render::explain_bench(fast)), "no phase is worth a diagnosis"));

  const auto open = render::explain_bench(open_result());
  INFO(open);
  CHECK(contains(flat(open), "open loop at 200 req/s"));
  CHECK(contains(flat(open), "the server cannot keep up with this rate"));
  check_fits(open);
}

TEST_CASE("the bench JSON document has every documented key in order", "[render][bench][json]") {
  const auto doc = render::bench_document(closed_result(), {}, std::nullopt);
  const std::vector<std::string> documented = {"schema",
                                               "url",
                                               "config",
                                               "requests",
                                               "errors",
                                               "duration_ms",
                                               "rps",
                                               "latency_ms",
                                               "service_ms",
                                               "phases_ms",
                                               "status",
                                               "error_kinds",
                                               "histogram",
                                               "series",
                                               "partial",
                                               "responses",
                                               "bytes",
                                               "bytes_per_s",
                                               "connections_opened",
                                               "error_rate",
                                               "error_samples",
                                               "address",
                                               "http_version",
                                               "stop_reason",
                                               "unsent",
                                               "max_send_lag_ms",
                                               "diagnosis",
                                               "thresholds",
                                               "compare",
                                               "ok"};
  CHECK(keys_of(doc) == documented);
  CHECK(doc["schema"] == "reqscope.bench/1");
  CHECK(doc["url"] == "http://127.0.0.1:8080/items");
  CHECK(keys_of(doc["config"]) ==
        std::vector<std::string>{"method", "connections", "threads", "streams_per_conn", "model",
                                 "rate", "requests", "duration_s", "warmup_requests", "warmup_s",
                                 "timeout_ms", "max_requests", "http_version"});
  CHECK(doc["config"]["method"] == "GET");
  CHECK(doc["config"]["model"] == "closed");
  CHECK(doc["config"]["rate"].is_null());
  CHECK(doc["config"]["requests"] == 40);
  CHECK(doc["config"]["duration_s"].is_null());
  CHECK(doc["config"]["timeout_ms"] == 30000.0);
  CHECK(doc["config"]["http_version"] == "auto");
  CHECK(doc["requests"] == 40);
  CHECK(doc["duration_ms"] == 520.0);
  CHECK(keys_of(doc["latency_ms"]) == kFigureKeys);
  CHECK(doc["service_ms"].is_null());
  CHECK(keys_of(doc["phases_ms"]) ==
        std::vector<std::string>{"connect", "tls", "wait", "transfer"});
  auto with_count = kFigureKeys;
  with_count.push_back("count");
  CHECK(keys_of(doc["phases_ms"]["wait"]) == with_count);
  CHECK(doc["phases_ms"]["tls"]["count"] == 0);
  CHECK(doc["phases_ms"]["connect"]["count"] == 4);
  CHECK(doc["status"]["200"] == 40);
  CHECK(keys_of(doc["error_kinds"]) ==
        std::vector<std::string>(bench::kErrorKinds.begin(), bench::kErrorKinds.end()));
  CHECK(keys_of(doc["histogram"][0]) == std::vector<std::string>{"le_ms", "count"});
  CHECK(keys_of(doc["series"][0]) ==
        std::vector<std::string>{"t_s", "requests", "p50_ms", "p99_ms", "errors"});
  CHECK(doc["partial"] == false);
  CHECK(doc["stop_reason"] == "requests");
  CHECK(keys_of(doc["diagnosis"]) == std::vector<std::string>{"dominant_phase", "tail_ratio",
                                                              "tail", "queueing_ratio",
                                                              "rate_not_met", "shares"});
  CHECK(doc["diagnosis"]["dominant_phase"] == "wait");
  CHECK(doc["compare"].is_null());
  CHECK(doc["ok"] == true);
}

TEST_CASE("bench JSON milliseconds are rounded to microseconds", "[render][bench][json]") {
  auto result = closed_result();
  result.duration = nanoseconds(520'123'456);
  const auto doc = render::bench_document(result, {}, std::nullopt);
  CHECK(doc["duration_ms"] == 520.123);
  const auto p50 = doc["latency_ms"]["p50"].get<double>();
  CHECK(p50 * 1000 == Approx(std::round(p50 * 1000)));
}

TEST_CASE("an open-loop bench JSON document carries service time and its rate",
          "[render][bench][json]") {
  const auto doc = render::bench_document(open_result(), {}, std::nullopt);
  CHECK(doc["config"]["model"] == "open");
  CHECK(doc["config"]["rate"] == 200.0);
  CHECK(doc["config"]["requests"].is_null());
  CHECK(doc["config"]["duration_s"] == 2.0);
  CHECK(keys_of(doc["service_ms"]) == kFigureKeys);
  CHECK(doc["service_ms"]["p50"].get<double>() < doc["latency_ms"]["p50"].get<double>());
  CHECK(doc["diagnosis"]["queueing_ratio"].get<double>() > 1.5);
}

TEST_CASE("bench JSON ok needs a response and every threshold passed", "[render][bench][json]") {
  const std::vector<bench::ThresholdCheck> failing = {
      {"--max-p99-ms", 5, 11.9, false, "p99 11.90 ms is above --max-p99-ms 5.00 ms"}};
  render::BenchComparison comparison{"base.json", {{"error_rate", 0, 0, std::nullopt, false}}};
  const auto doc = render::bench_document(closed_result(), failing, comparison);
  CHECK(doc["ok"] == false);
  CHECK(keys_of(doc["thresholds"][0]) ==
        std::vector<std::string>{"option", "bound", "value", "ok", "message"});
  CHECK(doc["compare"]["baseline"] == "base.json");
  CHECK(keys_of(doc["compare"]["changes"][0]) ==
        std::vector<std::string>{"name", "before", "after", "change_pct", "better"});
  CHECK(doc["compare"]["changes"][0]["change_pct"].is_null());

  bench::BenchResult failed;
  failed.config.url = closed_result().config.url;
  add_failure(failed, "reset", "\xff\xfe not UTF-8");
  const auto failed_doc = render::bench_document(failed, {}, std::nullopt);
  CHECK(failed_doc["ok"] == false);
  CHECK(failed_doc["error_kinds"].size() == bench::kErrorKinds.size());
  CHECK(failed_doc["error_kinds"]["reset"] == 1);
  CHECK(failed_doc["latency_ms"]["p99"] == 0.0);
  CHECK(failed_doc["histogram"].empty());
  CHECK_NOTHROW(failed_doc.dump(-1, ' ', false, render::Json::error_handler_t::replace));
}
