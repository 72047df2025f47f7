#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reqscope/bench/config.hpp"
#include "reqscope/stats/histogram.hpp"

namespace reqscope::bench {

// Why requests fail, in the order reports list them. All but http_5xx are
// transport failures, which have no latency; a 5xx response is timed and
// counted as an error too.
inline constexpr std::array<std::string_view, 7> kErrorKinds = {
    "connect_refused", "connect_timeout", "timeout", "reset", "tls", "http_protocol", "http_5xx"};

// One second of the measured run, counted by when requests completed.
struct SecondSample {
  unsigned t_s = 0;  // the second's end, from the start of measuring
  std::uint64_t requests = 0;
  std::uint64_t errors = 0;
  double p50_ms = 0;
  double p99_ms = 0;
};

// Why the run ended.
enum class StopReason { requests, duration, max_requests, interrupted };
std::string_view stop_reason_name(StopReason reason);

struct BenchResult {
  BenchConfig config;
  std::string address;                   // the IP address connected to
  std::string http_version;              // of the responses, "HTTP/1.1" or "HTTP/2"
  std::chrono::nanoseconds duration{0};  // from the start of measuring to the last completion
  std::uint64_t requests = 0;            // completed: responses and transport failures
  std::uint64_t responses = 0;
  std::uint64_t errors = 0;          // transport failures and 5xx responses
  std::uint64_t bytes_received = 0;  // headers and bodies
  std::uint64_t connections_opened = 0;
  // Responses only. Closed loop: from the request's start; open loop: from
  // its intended send time, so waiting for a free connection counts.
  stats::Histogram latency;
  stats::Histogram service;   // open loop: from the actual send (what the server took)
  stats::Histogram connect;   // new connections only
  stats::Histogram tls;       // new https connections only
  stats::Histogram wait;      // request sent to first response byte
  stats::Histogram transfer;  // first byte to last
  std::map<int, std::uint64_t> status_counts;
  std::map<std::string, std::uint64_t, std::less<>> error_kinds;  // every kind, 0 when none
  std::map<std::string, std::string, std::less<>> error_samples;  // kind → first message
  std::vector<SecondSample> series;
  // Open loop: requests due before the end that never got a free connection,
  // and the furthest any send fell behind its intended time.
  std::uint64_t unsent = 0;
  std::chrono::nanoseconds max_send_lag{0};
  StopReason stop_reason = StopReason::duration;
  bool partial() const { return stop_reason == StopReason::interrupted; }
};

// The figures reports show for one histogram, in milliseconds.
struct LatencyFigures {
  std::uint64_t count = 0;
  double min_ms = 0;
  double mean_ms = 0;
  double stdev_ms = 0;
  double p50_ms = 0;
  double p90_ms = 0;
  double p99_ms = 0;
  double p999_ms = 0;
  double max_ms = 0;
};
LatencyFigures figures_of(const stats::Histogram& histogram);

// Requests completed and none was answered (exit 3): every one failed, or the
// run ended without one completing, unless Ctrl-C stopped it first.
bool no_response(const BenchResult& result);

double requests_per_second(const BenchResult& result);
double bytes_per_second(const BenchResult& result);
double error_rate(const BenchResult& result);  // errors / requests, 0 without requests

// A coarse view of a histogram for display: bins on a 1-2-5 ladder of
// milliseconds covering [min, max], each counting the values in (previous
// bound, le_ms]. Empty for an empty histogram.
struct HistogramBin {
  double le_ms = 0;
  std::uint64_t count = 0;
};
std::vector<HistogramBin> display_bins(const stats::Histogram& histogram);

}  // namespace reqscope::bench
