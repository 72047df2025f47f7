#include "reqscope/render/bench_json.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <string>

#include "bench_common.hpp"
#include "reqscope/util/duration.hpp"

namespace reqscope::render {

namespace {

using bench_view::error_count;

// Microsecond precision: finer digits are below the histogram's resolution.
double rounded(double value) {
  return std::round(value * 1000) / 1000;
}

double seconds_of(std::chrono::nanoseconds duration) {
  return std::chrono::duration<double>(duration).count();
}

template <typename T, typename F = std::identity>
Json optional_json(const std::optional<T>& value, F convert = {}) {
  return value ? Json(convert(*value)) : Json(nullptr);
}

const char* http_version_name(http::HttpVersion version) {
  switch (version) {
    case http::HttpVersion::http1_1:
      return "1.1";
    case http::HttpVersion::http2:
      return "2";
    case http::HttpVersion::automatic:
      break;
  }
  return "auto";
}

Json config_json(const bench::BenchConfig& config) {
  const auto& request = config.request;
  return {{"method", bench_view::method_of(config)},
          {"connections", config.connections},
          {"threads", config.threads},
          {"streams_per_conn", config.streams_per_connection},
          {"model", config.open_loop() ? "open" : "closed"},
          {"rate", optional_json(config.rate)},
          {"requests", optional_json(config.requests)},
          {"duration_s", optional_json(config.duration, seconds_of)},
          {"warmup_requests", optional_json(config.warmup.requests)},
          {"warmup_s", optional_json(config.warmup.duration, seconds_of)},
          {"timeout_ms", rounded(util::to_ms(request.timeout))},
          {"max_requests", config.max_requests},
          {"http_version", http_version_name(request.http_version)}};
}

Json figures_json(const bench::LatencyFigures& figures) {
  return {{"min", rounded(figures.min_ms)},     {"mean", rounded(figures.mean_ms)},
          {"stdev", rounded(figures.stdev_ms)}, {"p50", rounded(figures.p50_ms)},
          {"p90", rounded(figures.p90_ms)},     {"p99", rounded(figures.p99_ms)},
          {"p999", rounded(figures.p999_ms)},   {"max", rounded(figures.max_ms)}};
}

Json phases_json(const bench::BenchResult& result) {
  const std::pair<const char*, const stats::Histogram*> phases[] = {{"connect", &result.connect},
                                                                    {"tls", &result.tls},
                                                                    {"wait", &result.wait},
                                                                    {"transfer", &result.transfer}};
  Json out = Json::object();
  for (const auto& [name, histogram] : phases) {
    const auto figures = bench::figures_of(*histogram);
    out[name] = figures_json(figures);
    out[name]["count"] = figures.count;
  }
  return out;
}

Json status_json(const bench::BenchResult& result) {
  Json out = Json::object();
  for (const auto& [status, count] : result.status_counts)
    out[std::to_string(status)] = count;
  return out;
}

Json error_kinds_json(const bench::BenchResult& result) {
  Json out = Json::object();
  for (const auto kind : bench::kErrorKinds)
    out[std::string(kind)] = error_count(result, kind);
  return out;
}

Json histogram_json(const stats::Histogram& histogram) {
  Json out = Json::array();
  for (const auto& bin : bench::display_bins(histogram))
    out.push_back({{"le_ms", rounded(bin.le_ms)}, {"count", bin.count}});
  return out;
}

Json series_json(const std::vector<bench::SecondSample>& series) {
  Json out = Json::array();
  for (const auto& second : series) {
    out.push_back({{"t_s", second.t_s},
                   {"requests", second.requests},
                   {"p50_ms", rounded(second.p50_ms)},
                   {"p99_ms", rounded(second.p99_ms)},
                   {"errors", second.errors}});
  }
  return out;
}

Json error_samples_json(const bench::BenchResult& result) {
  Json out = Json::object();
  for (const auto& [kind, message] : result.error_samples)
    out[kind] = message;
  return out;
}

Json diagnosis_json(const bench::Diagnosis& diagnosis) {
  Json shares = Json::array();
  for (const auto& share : diagnosis.shares) {
    shares.push_back(
        {{"phase", share.phase}, {"mean_ms", rounded(share.mean_ms)}, {"share", share.share}});
  }
  return {{"dominant_phase", diagnosis.dominant_phase},
          {"tail_ratio", rounded(diagnosis.tail_ratio)},
          {"tail", bench::tail_name(diagnosis.tail)},
          {"queueing_ratio", rounded(diagnosis.queueing_ratio)},
          {"rate_not_met", diagnosis.rate_not_met},
          {"shares", shares}};
}

Json thresholds_json(const std::vector<bench::ThresholdCheck>& checks) {
  Json out = Json::array();
  for (const auto& check : checks) {
    out.push_back({{"option", check.option},
                   {"bound", check.bound},
                   {"value", check.value},
                   {"ok", check.ok},
                   {"message", check.message}});
  }
  return out;
}

Json compare_json(const std::optional<BenchComparison>& comparison) {
  if (!comparison) return nullptr;
  Json changes = Json::array();
  for (const auto& change : comparison->changes) {
    changes.push_back({{"name", change.name},
                       {"before", change.before},
                       {"after", change.after},
                       {"change_pct", optional_json(change.change_pct, rounded)},
                       {"better", change.better()}});
  }
  return {{"baseline", comparison->baseline_path}, {"changes", changes}};
}

}  // namespace

Json bench_document(const bench::BenchResult& result,
                    const std::vector<bench::ThresholdCheck>& checks,
                    const std::optional<BenchComparison>& comparison) {
  const bool open = result.config.open_loop();
  return {{"schema", kBenchSchema},
          {"url", result.config.url.to_string()},
          {"config", config_json(result.config)},
          {"requests", result.requests},
          {"errors", result.errors},
          {"duration_ms", rounded(util::to_ms(result.duration))},
          {"rps", rounded(bench::requests_per_second(result))},
          {"latency_ms", figures_json(bench::figures_of(result.latency))},
          {"service_ms", open ? figures_json(bench::figures_of(result.service)) : Json(nullptr)},
          {"phases_ms", phases_json(result)},
          {"status", status_json(result)},
          {"error_kinds", error_kinds_json(result)},
          {"histogram", histogram_json(result.latency)},
          {"series", series_json(result.series)},
          {"partial", result.partial()},
          {"responses", result.responses},
          {"bytes", result.bytes_received},
          {"bytes_per_s", rounded(bench::bytes_per_second(result))},
          {"connections_opened", result.connections_opened},
          {"error_rate", bench::error_rate(result)},
          {"error_samples", error_samples_json(result)},
          {"address", result.address},
          {"http_version", result.http_version},
          {"stop_reason", bench::stop_reason_name(result.stop_reason)},
          {"unsent", result.unsent},
          {"max_send_lag_ms", rounded(util::to_ms(result.max_send_lag))},
          {"diagnosis", diagnosis_json(bench::diagnose(result))},
          {"thresholds", thresholds_json(checks)},
          {"compare", compare_json(comparison)},
          {"ok", bench_view::run_ok(result, checks)}};
}

}  // namespace reqscope::render
