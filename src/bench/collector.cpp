#include "collector.hpp"

namespace reqscope::bench {

void Collector::add_second(unsigned second, const stats::Histogram& latencies,
                           std::uint64_t requests_done, std::uint64_t errors_seen) {
  auto snapshot = latencies.snapshot();
  std::lock_guard lock(mutex_);
  so_far_.merge(snapshot);
  auto& slot = seconds_[second];
  slot.requests += requests_done;
  slot.errors += errors_seen;
  slot.parts.push_back(std::move(snapshot));
}

Progress Collector::progress(std::chrono::nanoseconds elapsed) const {
  Progress progress;
  progress.elapsed = elapsed;
  progress.requests = requests.load();
  progress.errors = errors.load();
  std::lock_guard lock(mutex_);
  const auto whole_seconds = std::chrono::duration_cast<std::chrono::seconds>(elapsed).count();
  if (whole_seconds >= 1) {
    const auto last = seconds_.find(static_cast<unsigned>(whole_seconds - 1));
    if (last != seconds_.end()) progress.current_rps = static_cast<double>(last->second.requests);
  }
  progress.p99_ms = static_cast<double>(so_far_.percentile(99).count()) / 1e6;
  return progress;
}

std::vector<SecondSample> Collector::series() const {
  std::lock_guard lock(mutex_);
  std::vector<SecondSample> series;
  if (seconds_.empty()) return series;
  const unsigned last = seconds_.rbegin()->first;
  stats::Histogram merged;
  for (unsigned second = 0; second <= last; ++second) {
    SecondSample sample;
    sample.t_s = second + 1;
    if (const auto found = seconds_.find(second); found != seconds_.end()) {
      merged.clear();
      for (const auto& part : found->second.parts)
        merged.merge(part);
      sample.requests = found->second.requests;
      sample.errors = found->second.errors;
      sample.p50_ms = static_cast<double>(merged.percentile(50).count()) / 1e6;
      sample.p99_ms = static_cast<double>(merged.percentile(99).count()) / 1e6;
    }
    series.push_back(sample);
  }
  return series;
}

}  // namespace reqscope::bench
