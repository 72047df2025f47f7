#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

#include "reqscope/bench/config.hpp"
#include "reqscope/bench/result.hpp"
#include "reqscope/error.hpp"

namespace reqscope::bench {

// What a run has done so far, reported about once a second.
struct Progress {
  bool warming_up = false;
  std::chrono::nanoseconds elapsed{0};
  std::uint64_t requests = 0;
  std::uint64_t errors = 0;
  double current_rps = 0;  // over the last whole second
  double p99_ms = 0;       // of everything measured so far
};
using ProgressFn = std::function<void(const Progress&)>;

// Resolves the host once, then runs the load: `threads` workers, each with its
// own libcurl multi handle and epoll loop over its share of the connections.
// Stops early, marked interrupted, when `config.request.cancel` becomes true.
// Errors are for what stops the run from starting (bad config, DNS); failed
// requests are counted in the result.
Result<BenchResult> run_bench(const BenchConfig& config, const ProgressFn& progress = {});

}  // namespace reqscope::bench
