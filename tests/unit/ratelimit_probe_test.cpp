// The prober against simulated limiters in virtual time: each algorithm
// family as servers implement it, with and without Retry-After, so the
// inference is checked exactly and without waiting.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <deque>
#include <memory>
#include <string>

#include "reqscope/ratelimit/probe.hpp"

using namespace reqscope::ratelimit;
using namespace std::chrono_literals;

namespace {

double seconds_of(Nanos t) {
  return std::chrono::duration<double>(t).count();
}

// A limiter decides each request at its arrival time and, when it refuses,
// says how long until a request would be accepted.
class Limiter {
 public:
  virtual ~Limiter() = default;
  virtual bool accept(Nanos now) = 0;
  virtual double wait_s(Nanos now) const = 0;
  // How long an accepted request is held before its answer (a queueing limiter).
  virtual Nanos delay(Nanos) const { return 0ns; }
  virtual std::optional<long> window_s() const { return std::nullopt; }
};

// Windows aligned to the clock; `offset` places the probe's start inside one.
class FixedWindow : public Limiter {
 public:
  FixedWindow(int limit, Nanos window, Nanos offset)
      : limit_(limit), window_(window), offset_(offset) {}
  bool accept(Nanos now) override {
    const auto index = (now + offset_) / window_;
    if (index != index_) {
      index_ = index;
      used_ = 0;
    }
    if (used_ >= limit_) return false;
    ++used_;
    return true;
  }
  double wait_s(Nanos now) const override {
    const auto next = ((now + offset_) / window_ + 1) * window_ - offset_;
    return seconds_of(next - now);
  }
  std::optional<long> window_s() const override {
    return static_cast<long>(std::chrono::duration_cast<std::chrono::seconds>(window_).count());
  }

 private:
  int limit_;
  Nanos window_, offset_;
  long index_ = -1;
  int used_ = 0;
};

class SlidingLog : public Limiter {
 public:
  SlidingLog(std::size_t limit, Nanos window) : limit_(limit), window_(window) {}
  bool accept(Nanos now) override {
    while (!log_.empty() && log_.front() + window_ <= now)
      log_.pop_front();
    if (log_.size() >= limit_) return false;
    log_.push_back(now);
    return true;
  }
  double wait_s(Nanos now) const override {
    return log_.empty() ? 0 : seconds_of(log_.front() + window_ - now);
  }
  std::optional<long> window_s() const override {
    return static_cast<long>(std::chrono::duration_cast<std::chrono::seconds>(window_).count());
  }

 private:
  std::size_t limit_;
  Nanos window_;
  std::deque<Nanos> log_;
};

class TokenBucket : public Limiter {
 public:
  TokenBucket(double rate, double size) : rate_(rate), size_(size), tokens_(size) {}
  bool accept(Nanos now) override {
    tokens_ = std::min(size_, tokens_ + rate_ * seconds_of(now - last_));
    last_ = now;
    if (tokens_ < 1) return false;
    tokens_ -= 1;
    return true;
  }
  double wait_s(Nanos) const override { return (1 - tokens_) / rate_; }

 private:
  double rate_, size_, tokens_;
  Nanos last_{0};
};

// nginx limit_req: an "excess" in thousandths that leaks at the rate; a
// request is refused when it would push the excess past the burst. With
// `queue` (no nodelay) accepted requests wait for their turn.
class NginxLimitReq : public Limiter {
 public:
  NginxLimitReq(double rate, int burst, bool queue) : rate_(rate), burst_(burst), queue_(queue) {}
  bool accept(Nanos now) override {
    const double ms = std::floor(seconds_of(now - last_) * 1000);
    const double excess = std::max(0.0, excess_ - rate_ * ms) + 1000;
    if (last_ != Nanos{-1} && excess > burst_ * 1000) return false;
    excess_ = last_ == Nanos{-1} ? 0 : excess;
    last_ = now;
    return true;
  }
  double wait_s(Nanos) const override { return 0; }
  Nanos delay(Nanos) const override {
    return queue_ ? std::chrono::duration_cast<Nanos>(
                        std::chrono::duration<double>(excess_ / 1000 / rate_))
                  : 0ns;
  }

 private:
  double rate_;
  int burst_;
  bool queue_;
  double excess_ = 0;
  Nanos last_{-1};
};

struct ServerStyle {
  bool retry_after = false;      // Retry-After on 429, whole seconds rounded up
  bool declares_window = false;  // RateLimit-Policy with w
};

// Every request takes `service` of virtual time; sleeps jump the clock.
class VirtualSender : public Sender {
 public:
  VirtualSender(Limiter& limiter, ServerStyle style) : limiter_(limiter), style_(style) {}

  Nanos now() override { return clock_; }

  std::vector<Exchange> send(unsigned count, bool until_limited, Nanos deadline) override {
    std::vector<Exchange> out;
    for (unsigned i = 0; i < count && !interrupted() && clock_ < deadline; ++i) {
      Exchange exchange;
      exchange.sent = clock_;
      ++server_count;
      if (fail_at && server_count == *fail_at) {
        exchange.failure = reqscope::Error{"connect_refused", "refused", ""};
        clock_ += service;
        exchange.done = clock_;
        out.push_back(exchange);
        break;
      }
      const Nanos arrival = clock_ + service / 2;
      const bool ok = limiter_.accept(arrival);
      clock_ += service + (ok ? limiter_.delay(arrival) : 0ns);
      exchange.done = clock_;
      exchange.status = ok ? ok_status : 429;
      exchange.received_unix = 1'765'000'000;
      if (!ok && !forced_retry_after.empty()) {
        exchange.headers.push_back({"Retry-After", forced_retry_after});
      } else if (!ok && style_.retry_after) {
        const auto wait = std::max(1.0, std::ceil(limiter_.wait_s(arrival) - 1e-9));
        exchange.headers.push_back({"Retry-After", std::to_string(static_cast<long>(wait))});
      }
      if (style_.declares_window && limiter_.window_s()) {
        exchange.headers.push_back(
            {"RateLimit-Policy", "\"p\";q=10;w=" + std::to_string(*limiter_.window_s())});
      }
      out.push_back(exchange);
      if (until_limited && !ok) break;
    }
    return out;
  }

  bool sleep_until(Nanos when) override {
    clock_ = std::max(clock_, when);
    return !interrupted();
  }
  bool interrupted() override { return interrupt_after && server_count >= *interrupt_after; }

  Nanos service = 1ms;
  long ok_status = 200;
  std::string forced_retry_after;  // sent on every 429 instead of the limiter's wait
  unsigned server_count = 0;
  std::optional<unsigned> interrupt_after;
  std::optional<unsigned> fail_at;

 private:
  Limiter& limiter_;
  ServerStyle style_;
  Nanos clock_{0};
};

ProbeResult probe(Limiter& limiter, ServerStyle style = {}, unsigned max_requests = 200) {
  VirtualSender sender(limiter, style);
  ProbeOptions options;
  options.max_requests = max_requests;
  auto result = run_probe(sender, options);
  REQUIRE(result.requests_sent == sender.server_count);
  REQUIRE(result.timeline.size() == result.requests_sent);
  REQUIRE(result.requests_sent <= max_requests);
  return result;
}

void require_within(std::optional<double> value, double expected, double share) {
  REQUIRE(value.has_value());
  CHECK(*value >= expected * (1 - share));
  CHECK(*value <= expected * (1 + share));
}

// Each limited answer's Retry-After is waited out before the next request.
void require_retry_after_honoured(const ProbeResult& result) {
  for (std::size_t i = 0; i + 1 < result.timeline.size(); ++i) {
    const auto& entry = result.timeline[i];
    if (!entry.limited || !entry.retry_after_s) continue;
    const auto earliest = entry.done + std::chrono::duration_cast<Nanos>(
                                           std::chrono::duration<double>(*entry.retry_after_s));
    INFO("request " << i + 2);
    CHECK(result.timeline[i + 1].sent >= earliest);
  }
}

}  // namespace

TEST_CASE("probe finds a fixed window wherever the probe starts in it", "[ratelimit][probe]") {
  const auto offset_ms = GENERATE(0, 100, 700, 1000, 1500, 1990);
  FixedWindow limiter(10, 2s, std::chrono::milliseconds(offset_ms));
  const auto result = probe(limiter);
  INFO("offset " << offset_ms << " ms");
  CHECK(result.stop_reason == "complete");
  CHECK(result.algorithm == Algorithm::fixed_window);
  CHECK(result.limit == 10);
  // From 1990 ms the first burst crosses into the next window and gets 20.
  CHECK(result.first_429_at == (offset_ms < 1990 ? 11u : 21u));
  require_within(result.window_s, 2, 0.2);
  require_within(result.refill_per_s, 5, 0.2);
  CHECK(result.confidence != Confidence::low);
}

TEST_CASE("probe finds a sliding window", "[ratelimit][probe]") {
  const auto window_s = GENERATE(1, 2, 5, 60);
  SlidingLog limiter(10, std::chrono::seconds(window_s));
  const auto result = probe(limiter);
  INFO("window " << window_s << " s");
  CHECK(result.algorithm == Algorithm::sliding_window);
  CHECK(result.limit == 10);
  require_within(result.window_s, window_s, 0.2);
  CHECK(result.confidence == Confidence::high);
}

TEST_CASE("probe finds a token bucket and its refill rate", "[ratelimit][probe]") {
  const auto rate = GENERATE(0.5, 2.0, 5.0, 20.0);
  TokenBucket limiter(rate, 10);
  const auto result = probe(limiter);
  INFO("rate " << rate);
  CHECK(result.algorithm == Algorithm::token_bucket);
  REQUIRE(result.limit.has_value());
  CHECK(*result.limit >= 9);
  CHECK(*result.limit <= 11);
  CHECK(result.burst == result.limit);
  require_within(result.refill_per_s, rate, 0.2);
  CHECK_FALSE(result.window_s.has_value());
}

TEST_CASE("probe reads nginx limit_req with nodelay as a bucket of burst + 1",
          "[ratelimit][probe]") {
  NginxLimitReq limiter(10, 5, false);
  const auto result = probe(limiter);
  CHECK(result.algorithm == Algorithm::token_bucket);
  CHECK(result.consistent_with.size() == 2);
  REQUIRE(result.burst.has_value());
  CHECK(*result.burst >= 5);
  CHECK(*result.burst <= 7);
  require_within(result.refill_per_s, 10, 0.2);
}

TEST_CASE("probe tells a queueing leaky bucket by the delays", "[ratelimit][probe]") {
  NginxLimitReq limiter(10, 5, true);
  const auto result = probe(limiter);
  for (const auto& line : result.evidence)
    INFO(line);
  INFO(result.stop_reason);
  CHECK(result.algorithm == Algorithm::leaky_bucket);
  require_within(result.refill_per_s, 10, 0.25);
}

TEST_CASE("probe honours Retry-After and still finds each family", "[ratelimit][probe]") {
  ServerStyle style{true, true};
  SECTION("fixed window") {
    FixedWindow limiter(10, 2s, 300ms);
    const auto result = probe(limiter, style);
    CHECK(result.algorithm == Algorithm::fixed_window);
    CHECK(result.limit == 10);
    require_within(result.window_s, 2, 0.2);
    CHECK(result.retry_after_honoured);
    require_retry_after_honoured(result);
  }
  SECTION("sliding window") {
    SlidingLog limiter(10, 2s);
    const auto result = probe(limiter, style);
    CHECK(result.algorithm == Algorithm::sliding_window);
    require_within(result.window_s, 2, 0.2);
    require_retry_after_honoured(result);
  }
  SECTION("token bucket") {
    TokenBucket limiter(5, 10);
    const auto result = probe(limiter, style);
    CHECK(result.algorithm == Algorithm::token_bucket);
    require_within(result.refill_per_s, 5, 0.2);
    CHECK_FALSE(result.window_s.has_value());
    require_retry_after_honoured(result);
  }
}

TEST_CASE("probe without a limit stops at max-requests and says so", "[ratelimit][probe]") {
  TokenBucket limiter(1000, 1000);
  const auto result = probe(limiter, {}, 50);
  CHECK(result.stop_reason == "no_limit");
  CHECK(result.requests_sent == 50);
  CHECK_FALSE(result.limit.has_value());
  CHECK_FALSE(result.first_429_at.has_value());
}

TEST_CASE("probe never sends more than max-requests", "[ratelimit][probe]") {
  const auto budget = GENERATE(1u, 2u, 5u, 10u, 11u, 12u, 20u, 30u, 45u, 60u);
  std::unique_ptr<Limiter> limiters[] = {
      std::make_unique<FixedWindow>(10, 2s, 0ms), std::make_unique<SlidingLog>(10, 2s),
      std::make_unique<TokenBucket>(5, 10), std::make_unique<NginxLimitReq>(10, 5, false)};
  for (auto& limiter : limiters) {
    INFO("budget " << budget);
    const auto result = probe(*limiter, {}, budget);  // probe() checks the server's count
    CHECK(result.requests_sent <= budget);
  }
}

TEST_CASE("probe finds the limit when the quota was used before it started", "[ratelimit][probe]") {
  FixedWindow limiter(10, 2s, 500ms);
  for (int i = 0; i < 10; ++i)
    limiter.accept(0ns);
  const auto result = probe(limiter);
  CHECK(result.limit == 10);
  CHECK(result.algorithm == Algorithm::fixed_window);
}

TEST_CASE("probe stops at once when interrupted, keeping what it learned", "[ratelimit][probe]") {
  FixedWindow limiter(3, 60s, 0ms);
  VirtualSender sender(limiter, {});
  sender.interrupt_after = 5;
  const auto result = run_probe(sender, {});
  CHECK(result.stop_reason == "interrupted");
  CHECK(result.requests_sent == 5);
  CHECK(result.first_429_at == 4);
}

TEST_CASE("probe stops on a failed request and reports it", "[ratelimit][probe]") {
  TokenBucket limiter(5, 10);
  VirtualSender sender(limiter, {});
  sender.fail_at = 3;
  const auto result = run_probe(sender, {});
  CHECK(result.stop_reason == "failed");
  REQUIRE(result.failure.has_value());
  CHECK(result.failure->kind == "connect_refused");
  CHECK(result.timeline.back().error_kind == "connect_refused");
}

TEST_CASE("probe stops at max-time", "[ratelimit][probe]") {
  FixedWindow limiter(5, 3600s, 0ms);
  VirtualSender sender(limiter, {});
  ProbeOptions options;
  options.max_time = 10s;
  const auto result = run_probe(sender, options);
  CHECK(result.stop_reason == "max_time");
  CHECK(sender.now() <= 10s + 10ms);
  CHECK(result.first_429_at == 6);
}

TEST_CASE("probe with a limit of one reports every family as consistent", "[ratelimit][probe]") {
  FixedWindow limiter(1, 2s, 0ms);
  const auto result = probe(limiter);
  CHECK(result.limit == 1);
  CHECK(result.algorithm == Algorithm::unknown);
  CHECK(result.consistent_with.size() == 4);
}

TEST_CASE("probe names algorithms and confidences", "[ratelimit][probe]") {
  CHECK(std::string(algorithm_name(Algorithm::fixed_window)) == "fixed_window");
  CHECK(std::string(algorithm_name(Algorithm::sliding_window)) == "sliding_window");
  CHECK(std::string(algorithm_name(Algorithm::token_bucket)) == "token_bucket");
  CHECK(std::string(algorithm_name(Algorithm::leaky_bucket)) == "leaky_bucket");
  CHECK(std::string(algorithm_name(Algorithm::unknown)) == "unknown");
  CHECK(std::string(confidence_name(Confidence::high)) == "high");
  CHECK(std::string(confidence_name(Confidence::medium)) == "medium");
  CHECK(std::string(confidence_name(Confidence::low)) == "low");
}

TEST_CASE("probe keeps its findings over a slower network", "[ratelimit][probe]") {
  const auto service_ms = GENERATE(5, 20, 50);
  const auto with_retry_after = GENERATE(false, true);
  INFO("round trip " << service_ms << " ms, Retry-After " << with_retry_after);
  const ServerStyle style{with_retry_after, false};
  auto run = [&](Limiter& limiter) {
    VirtualSender sender(limiter, style);
    sender.service = std::chrono::milliseconds(service_ms);
    return run_probe(sender, {});
  };
  SECTION("fixed window of 20 per 10 s") {
    FixedWindow limiter(20, 10s, 4321ms);
    const auto result = run(limiter);
    CHECK(result.algorithm == Algorithm::fixed_window);
    CHECK(result.limit == 20);
    require_within(result.window_s, 10, 0.2);
  }
  SECTION("sliding window of 20 per 10 s") {
    SlidingLog limiter(20, 10s);
    const auto result = run(limiter);
    CHECK(result.algorithm == Algorithm::sliding_window);
    CHECK(result.limit == 20);
    require_within(result.window_s, 10, 0.2);
  }
  SECTION("token bucket of 20 at 2 per second") {
    TokenBucket limiter(2, 20);
    const auto result = run(limiter);
    CHECK(result.algorithm == Algorithm::token_bucket);
    require_within(result.refill_per_s, 2, 0.2);
    REQUIRE(result.burst.has_value());
    CHECK(*result.burst >= 19);
    CHECK(*result.burst <= 22);
  }
}

TEST_CASE("probe measures a fast bucket behind whole-second Retry-After waits",
          "[ratelimit][probe]") {
  // Each Retry-After (1 s) refills the bucket to the brim: what comes back
  // after it is the bucket, and only what is accepted beyond it is refill.
  const auto rate = GENERATE(10.0, 20.0);
  const auto size = GENERATE(5.0, 7.0);
  INFO("rate " << rate << ", bucket " << size);
  TokenBucket limiter(rate, size);
  const auto result = probe(limiter, {true, false});
  CHECK(result.algorithm == Algorithm::token_bucket);
  require_within(result.refill_per_s, rate, 0.2);
  require_retry_after_honoured(result);
}

TEST_CASE("probe stops after one request when the first answer is an error", "[ratelimit][probe]") {
  TokenBucket limiter(5, 10);
  VirtualSender sender(limiter, {});
  sender.ok_status = 404;
  const auto result = run_probe(sender, {});
  CHECK(result.stop_reason == "error_status");
  CHECK(result.requests_sent == 1);
  CHECK_FALSE(result.limit.has_value());
  REQUIRE_FALSE(result.evidence.empty());
  CHECK(result.evidence.front().find("404") != std::string::npos);
}

TEST_CASE("probe starts no request past max-time, however slow the answers", "[ratelimit][probe]") {
  TokenBucket limiter(1000, 1000);
  VirtualSender sender(limiter, {});
  sender.service = 1s;
  ProbeOptions options;
  options.max_time = 3s;
  const auto result = run_probe(sender, options);
  CHECK(result.stop_reason == "max_time");
  CHECK(result.requests_sent == 3);
  CHECK(result.elapsed == 3s);
}

TEST_CASE("probe reports a queue even when max-time ends the first burst", "[ratelimit][probe]") {
  NginxLimitReq limiter(2, 5, true);
  VirtualSender sender(limiter, {});
  ProbeOptions options;
  options.max_time = 10s;
  const auto result = run_probe(sender, options);
  CHECK(result.stop_reason == "max_time");
  CHECK(result.algorithm == Algorithm::leaky_bucket);
  require_within(result.refill_per_s, 2, 0.25);
}

TEST_CASE("probe does not call a short sliding window fixed when Retry-After delays the look",
          "[ratelimit][probe]") {
  // Retry-After: 1 on a 1 s window holds the split test's last look until
  // both halves have aged out: the test cannot decide, and must not guess.
  SlidingLog limiter(10, 1s);
  const auto result = probe(limiter, {true, false});
  CHECK(result.algorithm != Algorithm::fixed_window);
  CHECK(result.limit == 10);
  require_retry_after_honoured(result);
}

TEST_CASE("probe counts the poll that finds capacity after a used-up quota", "[ratelimit][probe]") {
  SECTION("token bucket: one request at a time, and says why the size is unknown") {
    TokenBucket limiter(2, 10);
    for (int i = 0; i < 10; ++i)
      limiter.accept(0ns);
    const auto result = probe(limiter);
    CHECK(result.limit == 1);
    CHECK(result.consistent_with.size() == 4);
    const auto said = std::any_of(
        result.evidence.begin(), result.evidence.end(),
        [](const std::string& line) { return line.find("after a rest") != std::string::npos; });
    CHECK(said);
    require_within(result.refill_per_s, 2, 0.25);
  }
  SECTION("fixed windows of 1 and 2") {
    const auto limit = GENERATE(1, 2);
    FixedWindow limiter(limit, 2s, 500ms);
    for (int i = 0; i < limit; ++i)
      limiter.accept(0ns);
    const auto result = probe(limiter);
    CHECK(result.limit == limit);
  }
}

TEST_CASE("probe stops at once when the server asks to wait past max-time", "[ratelimit][probe]") {
  const auto retry_after = GENERATE(std::string("3600"), std::string("9999999999"));
  INFO("Retry-After: " << retry_after);
  FixedWindow limiter(3, 60s, 0ms);
  VirtualSender sender(limiter, {});
  sender.forced_retry_after = retry_after;
  ProbeOptions options;
  options.max_time = 60s;
  const auto result = run_probe(sender, options);
  CHECK(result.stop_reason == "max_time");
  CHECK(sender.now() < 1s);
  CHECK(result.requests_sent == 4);
  CHECK_FALSE(result.retry_after_honoured);
}
