#pragma once

#include <chrono>
#include <cstdint>
#include <utility>
#include <vector>

namespace reqscope::stats {

// The non-empty buckets of a Histogram plus its exact extremes and sums: what
// a worker hands over once a second, small enough to keep for every second.
struct HistogramSnapshot {
  std::vector<std::pair<std::uint32_t, std::uint64_t>> buckets;  // (index, count)
  std::uint64_t count = 0;
  std::int64_t min_ns = 0;
  std::int64_t max_ns = 0;
  double sum_ns = 0;
  double mean_ns = 0;
  double squared_deviations_ns = 0;  // sum of (value - mean)^2
};

// Counts durations in log-linear buckets with fixed memory (about 36 KiB):
// exact below 256 ns, then 128 buckets per power of two up to 2^42 ns (73
// minutes), so every value read back is within 0.4% of one recorded, and every
// percentile within 1% of an exact sort. Longer values count as the longest
// bucket; min, max, mean and stdev are exact. Recording never allocates.
class Histogram {
 public:
  static constexpr std::int64_t kMaxValueNs = (std::int64_t{1} << 42) - 1;

  Histogram();

  void record(std::chrono::nanoseconds value);
  void merge(const Histogram& other);
  void merge(const HistogramSnapshot& snapshot);
  void clear();
  HistogramSnapshot snapshot() const;

  std::uint64_t count() const { return count_; }
  std::chrono::nanoseconds min() const { return std::chrono::nanoseconds(min_ns_); }
  std::chrono::nanoseconds max() const { return std::chrono::nanoseconds(max_ns_); }
  double sum_ns() const { return sum_ns_; }
  double mean_ns() const;
  double stdev_ns() const;  // population standard deviation

  // Nearest rank: the value at or below which p% of the recorded values lie
  // (p in [0, 100]), within bucket precision and never outside [min, max].
  // An empty histogram gives 0.
  std::chrono::nanoseconds percentile(double p) const;

  // Buckets in order, for drawing: how many values fell in [lower, upper].
  std::size_t bucket_count() const { return counts_.size(); }
  std::uint64_t count_at(std::size_t index) const { return counts_[index]; }
  static std::int64_t bucket_lower_ns(std::size_t index);
  static std::int64_t bucket_upper_ns(std::size_t index);
  static std::size_t bucket_of(std::int64_t value_ns);

 private:
  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0;
  std::int64_t min_ns_ = 0;
  std::int64_t max_ns_ = 0;
  double sum_ns_ = 0;
  // Welford's running mean and squared deviations: a sum of squares minus the
  // squared mean loses every digit when the spread is small next to the values.
  double mean_ns_ = 0;
  double squared_deviations_ns_ = 0;
};

}  // namespace reqscope::stats
