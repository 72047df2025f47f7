#pragma once

#include <curl/curl.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "../http/connect.hpp"
#include "../http/curl_handle.hpp"
#include "collector.hpp"
#include "reqscope/bench/config.hpp"
#include "reqscope/bench/result.hpp"
#include "reqscope/stats/histogram.hpp"
#include "transfer_setup.hpp"

namespace reqscope::bench {

using Clock = std::chrono::steady_clock;

// One stretch of load on one worker: the warm-up or the measured run.
struct PhasePlan {
  Clock::time_point start;
  bool measure = false;
  // Closed loop: start at most `share` requests, or none after `send_until`,
  // and never more than `cap`.
  std::optional<std::uint64_t> share;
  std::optional<Clock::time_point> send_until;
  std::uint64_t cap = UINT64_MAX;
  // Open loop: the run's schedule has `limit` requests, the j-th due at
  // start + j / rate; this worker sends every j with j % threads == its index.
  std::uint64_t limit = 0;
};

// What one worker measured; the run adds the workers' up.
struct WorkerTotals {
  stats::Histogram latency, service, connect, tls, wait, transfer;
  std::uint64_t requests = 0;
  std::uint64_t responses = 0;
  std::uint64_t errors = 0;
  std::uint64_t bytes = 0;
  std::uint64_t connections = 0;
  std::array<std::uint64_t, 1000> statuses{};
  std::array<std::uint64_t, kErrorKinds.size()> kinds{};
  std::array<std::string, kErrorKinds.size()> samples;
  std::uint64_t unsent = 0;
  std::chrono::nanoseconds max_lag{0};
  std::optional<Clock::time_point> last_completion;
  bool capped = false;
  long http_version = 0;
};

// One thread's share of the connections: a libcurl multi handle driven by
// its own epoll loop. Every transfer slot is an easy handle made once and
// re-added for each request, so the hot path allocates nothing of ours.
class Worker {
 public:
  Worker(const BenchConfig& config, const TransferSetup& setup, Collector& collector,
         unsigned index, unsigned connections);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  void run_phase(const PhasePlan& plan);
  // Hands the last, unfinished second to the collector.
  void finish();
  const WorkerTotals& totals() const { return totals_; }

 private:
  struct Slot {
    http::EasyHandle easy;
    Clock::time_point intended;
    Clock::time_point sent;
    char errbuf[CURL_ERROR_SIZE] = {};
  };
  struct MultiDeleter {
    void operator()(CURLM* multi) const { curl_multi_cleanup(multi); }
  };

  // What epoll and libcurl watch on one socket.
  struct Watch {
    std::uint32_t registered = 0;  // epoll events, 0 when not registered
    bool curl_watching = false;
  };

  static curl_socket_t on_open_socket(void* user, curlsocktype purpose, curl_sockaddr* address);
  static int on_socket(CURL* easy, curl_socket_t socket, int what, void* user, void* socket_data);
  Watch& watch_of(curl_socket_t socket);
  static int on_timer(CURLM* multi, long timeout_ms, void* user);

  bool cancelled() const;
  Clock::time_point intended_time(std::uint64_t j) const;
  bool may_start_closed(Clock::time_point now) const;
  void start_due(Clock::time_point now);
  void start(Slot& slot, Clock::time_point intended, Clock::time_point now);
  void wait_for_events(Clock::time_point now);
  void collect_completions();
  void complete(Slot& slot, CURLcode code, Clock::time_point now);
  void record_response(Slot& slot, Clock::time_point now, bool new_connection);
  void record_failure(Slot& slot, CURLcode code);
  void roll_second(Clock::time_point now);
  void flush_second();

  const BenchConfig& config_;
  const TransferSetup& setup_;
  Collector& collector_;
  const unsigned index_;
  std::vector<Slot> slots_;
  std::vector<Slot*> idle_;
  std::unique_ptr<CURLM, MultiDeleter> multi_;
  http::UniqueFd epoll_;
  std::optional<Clock::time_point> timer_;
  std::vector<Watch> watches_;  // by socket number
  unsigned in_flight_ = 0;

  PhasePlan plan_;
  std::uint64_t started_ = 0;
  std::uint64_t next_j_ = 0;
  Clock::time_point phase_end_;  // open loop: no sends after this

  WorkerTotals totals_;
  unsigned second_ = 0;
  stats::Histogram second_latency_;
  std::uint64_t second_requests_ = 0;
  std::uint64_t second_errors_ = 0;
};

}  // namespace reqscope::bench
