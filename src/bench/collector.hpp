#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <vector>

#include "reqscope/bench/result.hpp"
#include "reqscope/bench/run.hpp"
#include "reqscope/stats/histogram.hpp"

namespace reqscope::bench {

// Where workers hand over each finished second, once a second, so the
// progress line and the per-second series see every thread's requests.
class Collector {
 public:
  void add_second(unsigned second, const stats::Histogram& latencies, std::uint64_t requests,
                  std::uint64_t errors);

  // The run so far, for the progress line.
  Progress progress(std::chrono::nanoseconds elapsed) const;

  // Every second from the first to the last one seen, empty ones included.
  std::vector<SecondSample> series() const;

  std::atomic<std::uint64_t> requests{0};  // completed while measuring, all threads
  std::atomic<std::uint64_t> errors{0};

 private:
  struct Second {
    std::vector<stats::HistogramSnapshot> parts;  // one per thread that completed a request
    std::uint64_t requests = 0;
    std::uint64_t errors = 0;
  };
  mutable std::mutex mutex_;
  std::map<unsigned, Second> seconds_;
  stats::Histogram so_far_;
};

}  // namespace reqscope::bench
