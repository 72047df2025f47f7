#include "reqscope/ratelimit/network.hpp"

#include <algorithm>
#include <atomic>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "reqscope/util/cancel.hpp"

namespace reqscope::ratelimit {

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class NetworkSender : public Sender {
 public:
  NetworkSender(const http::Url& url, const http::TraceOptions& options, unsigned concurrency)
      : url_(url), options_(options), start_(Clock::now()) {
    for (unsigned i = 0; i < std::max(1u, concurrency); ++i)
      tracers_.push_back(std::make_unique<http::Tracer>(options));
  }

  Nanos now() override { return Clock::now() - start_; }

  std::vector<Exchange> send(unsigned count, bool until_limited, Nanos deadline) override {
    std::vector<std::optional<Exchange>> slots(count);
    std::atomic<unsigned> next{0};
    std::atomic<bool> stop{false};
    auto work = [&](http::Tracer& tracer) {
      while (!stop.load() && !interrupted() && now() < deadline) {
        const unsigned index = next.fetch_add(1);
        if (index >= count) return;
        auto& exchange = slots[index].emplace();
        exchange.sent = now();
        // Keep the connection: a burst measures the limiter, not handshakes.
        const auto trace = tracer.run(url_, true);
        exchange.done = now();
        exchange.received_unix = unix_now();
        if (!trace.hops.empty()) {
          exchange.status = trace.hops.back().status;
          exchange.headers = trace.hops.back().response_headers;
        }
        if (trace.failure) exchange.failure = trace.failure->error;
        if (until_limited &&
            (exchange.failure ||
             is_limited(exchange.status,
                        parse_rate_limit_headers(exchange.headers, exchange.received_unix))))
          stop.store(true);
      }
    };
    const auto workers = std::min<std::size_t>(tracers_.size(), count);
    if (workers <= 1) {
      work(*tracers_.front());
    } else {
      std::vector<std::thread> threads;
      for (std::size_t i = 0; i < workers; ++i)
        threads.emplace_back(work, std::ref(*tracers_[i]));
      for (auto& thread : threads)
        thread.join();
    }
    std::vector<Exchange> exchanges;
    for (auto& slot : slots)
      if (slot) exchanges.push_back(std::move(*slot));
    std::sort(exchanges.begin(), exchanges.end(),
              [](const Exchange& a, const Exchange& b) { return a.sent < b.sent; });
    return exchanges;
  }

  bool sleep_until(Nanos when) override {
    // In short slices, so that Ctrl-C ends even a wait of minutes at once.
    while (now() < when) {
      if (interrupted()) return false;
      std::this_thread::sleep_for(std::min<Nanos>(when - now(), 20ms));
    }
    return !interrupted();
  }

  bool interrupted() override { return util::cancelled(options_.cancel); }

 private:
  http::Url url_;
  http::TraceOptions options_;
  Clock::time_point start_;
  std::vector<std::unique_ptr<http::Tracer>> tracers_;
};

}  // namespace

std::unique_ptr<Sender> make_network_sender(const http::Url& url, const http::TraceOptions& options,
                                            unsigned concurrency) {
  return std::make_unique<NetworkSender>(url, options, concurrency);
}

PassiveResult check_once(const http::Url& url, const http::TraceOptions& options) {
  PassiveResult result;
  http::Tracer tracer(options);
  result.trace = tracer.run(url);
  if (!result.trace.hops.empty() && result.trace.hops.back().status != 0) {
    const auto& hop = result.trace.hops.back();
    result.headers = parse_rate_limit_headers(hop.response_headers, unix_now());
    result.limited = is_limited(hop.status, result.headers);
  }
  return result;
}

}  // namespace reqscope::ratelimit
