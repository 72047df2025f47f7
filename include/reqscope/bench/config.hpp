#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "reqscope/error.hpp"
#include "reqscope/http/trace.hpp"
#include "reqscope/http/url.hpp"

namespace reqscope::bench {

// The default safety limits: more needs --max-requests or --force.
inline constexpr std::uint64_t kDefaultMaxRequests = 1'000'000;
inline constexpr unsigned kMaxConnectionsWithoutForce = 10'000;
inline constexpr unsigned kMaxThreads = 256;
inline constexpr unsigned kMaxStreamsPerConnection = 1000;
inline constexpr double kMaxRate = 10'000'000;

// How long the warm-up lasts: a number of requests or a duration, never both.
struct Warmup {
  std::optional<std::uint64_t> requests;
  std::optional<std::chrono::nanoseconds> duration;
  bool enabled() const { return requests.has_value() || duration.has_value(); }
};

struct BenchConfig {
  http::Url url;
  // Method, headers, body, connection overrides, TLS and HTTP version, and the
  // per-request timeout. Redirects are never followed; DNS walks are not used.
  http::TraceOptions request;
  std::optional<std::uint64_t> requests;             // -n: stop after this many
  std::optional<std::chrono::nanoseconds> duration;  // -d: stop sending after this long
  unsigned connections = 10;
  unsigned threads = 1;
  unsigned streams_per_connection = 1;  // HTTP/2 only
  std::optional<double> rate;           // requests per second in all; set: open loop
  Warmup warmup;
  std::uint64_t max_requests = kDefaultMaxRequests;
  bool force = false;

  bool open_loop() const { return rate.has_value(); }
  // The connections' transfers in flight at once: connections × streams.
  unsigned concurrency() const { return connections * streams_per_connection; }
};

// The default length of a run given neither -n nor -d.
inline constexpr std::chrono::seconds kDefaultDuration{10};

// Checks the limits and combinations a run needs (exit 2 on failure, each
// error naming the option and the value): counts and rates positive, -n or
// -d but not both, threads no more than connections, the safety limits
// unless forced, --streams-per-conn only with --http2.
Result<void> validate(const BenchConfig& config);

// How many requests an open-loop schedule at `rate` per second holds in `duration`.
std::uint64_t schedule_length(double rate, std::chrono::nanoseconds duration);

// How many requests a run will send at most, when that is known beforehand:
// -n, or rate × duration in the open loop.
std::optional<std::uint64_t> planned_requests(const BenchConfig& config);

}  // namespace reqscope::bench
