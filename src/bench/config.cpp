#include "reqscope/bench/config.hpp"

#include <cmath>
#include <string>

namespace reqscope::bench {

std::uint64_t schedule_length(double rate, std::chrono::nanoseconds duration) {
  // 100 req/s for 1.1 s is 110 requests, though 100 * 1.1 is 110.00000000000001 in binary.
  const double exact = rate * std::chrono::duration<double>(duration).count();
  return static_cast<std::uint64_t>(std::ceil(exact * (1 - 1e-12)));
}

std::optional<std::uint64_t> planned_requests(const BenchConfig& config) {
  if (config.requests) return config.requests;
  if (config.rate) {
    const auto duration = config.duration.value_or(kDefaultDuration);
    return schedule_length(*config.rate, duration);
  }
  return std::nullopt;
}

Result<void> validate(const BenchConfig& config) {
  if (config.requests && *config.requests == 0)
    return fail("bad_option", "-n 0: a run needs at least one request", "e.g. -n 1000");
  if (config.requests && config.duration) {
    return fail("bad_option", "-n and -d exclude each other",
                "give the number of requests or the duration, not both");
  }
  if (config.duration && config.duration->count() <= 0)
    return fail("bad_option", "-d: the duration must be longer than 0", "e.g. -d 10s");
  if (config.connections == 0)
    return fail("bad_option", "-c 0: a run needs at least one connection", "e.g. -c 10");
  if (config.threads == 0)
    return fail("bad_option", "-t 0: a run needs at least one thread", "e.g. -t 1");
  if (config.threads > kMaxThreads) {
    return fail("bad_option",
                "-t " + std::to_string(config.threads) + " is more than " +
                    std::to_string(kMaxThreads) + " threads",
                "one thread per CPU core is plenty");
  }
  if (config.threads > config.connections) {
    return fail("bad_option",
                "-t " + std::to_string(config.threads) + " is more than -c " +
                    std::to_string(config.connections) + ": every thread needs a connection",
                "raise -c or lower -t");
  }
  if (config.connections > kMaxConnectionsWithoutForce && !config.force) {
    return fail("bad_option",
                "-c " + std::to_string(config.connections) + " is more than " +
                    std::to_string(kMaxConnectionsWithoutForce) + " connections",
                "add --force if you mean it, and check ulimit -n");
  }
  if (config.streams_per_connection == 0 ||
      config.streams_per_connection > kMaxStreamsPerConnection)
    return fail("bad_option",
                "--streams-per-conn " + std::to_string(config.streams_per_connection) +
                    " is outside 1-" + std::to_string(kMaxStreamsPerConnection),
                "e.g. --streams-per-conn 10");
  if (config.streams_per_connection > 1 &&
      config.request.http_version != http::HttpVersion::http2) {
    return fail("bad_option", "--streams-per-conn needs --http2",
                "streams are multiplexed only over HTTP/2; add --http2");
  }
  if (config.rate && !(std::isfinite(*config.rate) && *config.rate > 0 && *config.rate <= kMaxRate))
    return fail("bad_option", "--rate must be more than 0 and at most 10000000 requests per second",
                "e.g. --rate 200");
  if (config.warmup.duration && config.warmup.duration->count() <= 0)
    return fail("bad_option", "--warmup 0s: give a number of requests or a duration",
                "e.g. --warmup 100 or --warmup 2s, or leave it out");
  if (config.warmup.requests && *config.warmup.requests == 0)
    return fail("bad_option", "--warmup 0: give a number of requests or a duration",
                "e.g. --warmup 100 or --warmup 2s, or leave it out");
  const auto planned = planned_requests(config);
  const auto warmup = config.warmup.requests.value_or(0);
  if (!config.force && planned && *planned + warmup > config.max_requests) {
    const std::string what = config.requests ? "-n " + std::to_string(*config.requests)
                                             : "--rate × -d (" + std::to_string(*planned) + ")";
    return fail("bad_option",
                what + (warmup > 0 ? " plus --warmup " + std::to_string(warmup) : "") +
                    " is more than --max-requests " + std::to_string(config.max_requests),
                "raise --max-requests, or add --force");
  }
  return {};
}

}  // namespace reqscope::bench
