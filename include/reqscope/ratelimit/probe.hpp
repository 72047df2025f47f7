#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "reqscope/error.hpp"
#include "reqscope/http/header.hpp"
#include "reqscope/ratelimit/headers.hpp"

// Finding a rate limit by asking: bursts until the first 429, waits (honouring
// Retry-After), and measures how capacity comes back. The prober talks to the
// server through a Sender, so the same logic runs against a real server and,
// in the unit tests, against simulated limiters in virtual time.
namespace reqscope::ratelimit {

using Nanos = std::chrono::nanoseconds;

// One request and its answer, timed from the start of the probe.
struct Exchange {
  Nanos sent{0};
  Nanos done{0};
  long status = 0;  // 0: no answer (see failure)
  http::Headers headers;
  std::int64_t received_unix = 0;  // wall-clock second the answer arrived
  std::optional<Error> failure;
};

class Sender {
 public:
  virtual ~Sender() = default;
  // Time since the probe started.
  virtual Nanos now() = 0;
  // Sends `count` requests, `concurrency` in flight at once, and returns the
  // exchanges in the order they were sent. With `until_limited`, stops
  // starting new requests once an answer is limited or a request fails;
  // those in flight still complete. Starts none once now() reaches
  // `deadline`, and stops early when interrupted.
  virtual std::vector<Exchange> send(unsigned count, bool until_limited, Nanos deadline) = 0;
  // Sleeps until now() reaches `when`; false when interrupted.
  virtual bool sleep_until(Nanos when) = 0;
  virtual bool interrupted() = 0;
};

enum class Algorithm { unknown, fixed_window, sliding_window, token_bucket, leaky_bucket };
enum class Confidence { low, medium, high };

const char* algorithm_name(Algorithm algorithm);  // "fixed_window", ...
const char* confidence_name(Confidence confidence);

inline constexpr unsigned kDefaultMaxRequests = 200;
inline constexpr unsigned kMaxConcurrency = 64;

struct ProbeOptions {
  unsigned max_requests = kDefaultMaxRequests;  // never exceeded
  unsigned concurrency = 1;
  Nanos max_time = std::chrono::minutes(5);  // the probe stops with what it has
};

// One row of the evidence: a request, its answer and what the answer said.
struct TimelineEntry {
  Nanos sent{0};
  Nanos done{0};
  long status = 0;
  bool limited = false;
  std::optional<std::int64_t> remaining;
  std::optional<double> retry_after_s;
  std::string phase;       // "burst", "wait", "refill", "split", "rate"
  std::string error_kind;  // set when the request failed
};

struct ProbeResult {
  unsigned requests_sent = 0;
  std::optional<unsigned> first_429_at;  // 1-based index of the first limited answer
  // Requests allowed at once from rest: the quota of a window, the size of a
  // bucket. For a window, `window_s` is its length; a bucket has none.
  std::optional<std::int64_t> limit;
  std::optional<double> window_s;
  std::optional<std::int64_t> burst;
  std::optional<double> refill_per_s;  // a bucket's rate; a window's limit / length
  Algorithm algorithm = Algorithm::unknown;
  std::vector<Algorithm> consistent_with;  // every family the evidence fits
  Confidence confidence = Confidence::low;
  std::vector<std::string> evidence;  // what was seen, in the order it was learned
  std::vector<TimelineEntry> timeline;
  Nanos elapsed{0};  // from the first request to the end of the probe, waits included
  // "complete", "no_limit" (no limited answer within --max-requests),
  // "max_requests", "max_time", "interrupted", "failed" (a request got no
  // answer), "error_status" (the first answer was an error, not a limit:
  // probing it would measure nothing).
  std::string stop_reason = "complete";
  std::optional<Error> failure;                   // the request failure that stopped the probe
  std::optional<RateLimitHeaders> first_headers;  // what the first answer said
  bool retry_after_honoured = false;              // a Retry-After or reset was waited out
};

struct ProbeProgress {
  unsigned requests_sent = 0;
  unsigned max_requests = 0;
  std::string phase;  // what the prober is doing, in a few words
};
using ProbeProgressFn = std::function<void(const ProbeProgress&)>;

ProbeResult run_probe(Sender& sender, const ProbeOptions& options,
                      const ProbeProgressFn& progress = {});

}  // namespace reqscope::ratelimit
