#include "reqscope/stats/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

#include "reqscope/stats/summary.hpp"

namespace reqscope::stats {

namespace {

// Values below 2 * kSubBuckets get a bucket each; above, each power of two
// [2^e, 2^(e+1)) is split into kSubBuckets equal buckets, so a bucket is at
// most 1/kSubBuckets of the values in it wide.
constexpr int kSubBucketBits = 7;
constexpr std::int64_t kSubBuckets = std::int64_t{1} << kSubBucketBits;
constexpr std::int64_t kLinearLimit = 2 * kSubBuckets;
constexpr int kTopExponent = 41;  // kMaxValueNs < 2^42
constexpr std::size_t kBuckets =
    static_cast<std::size_t>(kLinearLimit + (kTopExponent - kSubBucketBits) * kSubBuckets);

}  // namespace

Histogram::Histogram() : counts_(kBuckets, 0) {}

std::size_t Histogram::bucket_of(std::int64_t value_ns) {
  const std::int64_t value = std::clamp<std::int64_t>(value_ns, 0, kMaxValueNs);
  if (value < kLinearLimit) return static_cast<std::size_t>(value);
  const int exponent = static_cast<int>(std::bit_width(static_cast<std::uint64_t>(value))) - 1;
  const int shift = exponent - kSubBucketBits;
  const std::int64_t top = value >> shift;  // in [kSubBuckets, 2 * kSubBuckets)
  return static_cast<std::size_t>(kLinearLimit + (exponent - kSubBucketBits - 1) * kSubBuckets +
                                  (top - kSubBuckets));
}

std::int64_t Histogram::bucket_lower_ns(std::size_t index) {
  const auto i = static_cast<std::int64_t>(index);
  if (i < kLinearLimit) return i;
  const std::int64_t octave = (i - kLinearLimit) / kSubBuckets;  // exponent - kSubBucketBits - 1
  const std::int64_t top = kSubBuckets + (i - kLinearLimit) % kSubBuckets;
  return top << (octave + 1);
}

std::int64_t Histogram::bucket_upper_ns(std::size_t index) {
  if (index + 1 >= kBuckets) return kMaxValueNs;
  return bucket_lower_ns(index + 1) - 1;
}

void Histogram::record(std::chrono::nanoseconds value) {
  const std::int64_t ns = std::clamp<std::int64_t>(value.count(), 0, kMaxValueNs);
  ++counts_[bucket_of(ns)];
  if (count_ == 0 || ns < min_ns_) min_ns_ = ns;
  if (count_ == 0 || ns > max_ns_) max_ns_ = ns;
  ++count_;
  const auto as_double = static_cast<double>(ns);
  sum_ns_ += as_double;
  const double before = as_double - mean_ns_;
  mean_ns_ += before / static_cast<double>(count_);
  squared_deviations_ns_ += before * (as_double - mean_ns_);
}

void Histogram::merge(const Histogram& other) {
  merge(other.snapshot());
}

void Histogram::merge(const HistogramSnapshot& snapshot) {
  if (snapshot.count == 0) return;
  for (const auto& [index, count] : snapshot.buckets) {
    if (index < counts_.size()) counts_[index] += count;
  }
  if (count_ == 0 || snapshot.min_ns < min_ns_) min_ns_ = snapshot.min_ns;
  if (count_ == 0 || snapshot.max_ns > max_ns_) max_ns_ = snapshot.max_ns;
  // Chan et al.'s pairwise update of the mean and the squared deviations.
  const auto mine = static_cast<double>(count_);
  const auto theirs = static_cast<double>(snapshot.count);
  const double delta = snapshot.mean_ns - mean_ns_;
  const double total = mine + theirs;
  mean_ns_ += delta * theirs / total;
  squared_deviations_ns_ += snapshot.squared_deviations_ns + delta * delta * mine * theirs / total;
  count_ += snapshot.count;
  sum_ns_ += snapshot.sum_ns;
}

void Histogram::clear() {
  if (count_ == 0) return;
  std::fill(counts_.begin(), counts_.end(), 0);
  count_ = 0;
  min_ns_ = max_ns_ = 0;
  sum_ns_ = mean_ns_ = squared_deviations_ns_ = 0;
}

HistogramSnapshot Histogram::snapshot() const {
  HistogramSnapshot snapshot;
  snapshot.count = count_;
  snapshot.min_ns = min_ns_;
  snapshot.max_ns = max_ns_;
  snapshot.sum_ns = sum_ns_;
  snapshot.mean_ns = mean_ns_;
  snapshot.squared_deviations_ns = squared_deviations_ns_;
  if (count_ == 0) return snapshot;
  const std::size_t first = bucket_of(min_ns_);
  const std::size_t last = bucket_of(max_ns_);
  for (std::size_t i = first; i <= last; ++i) {
    if (counts_[i] != 0) snapshot.buckets.emplace_back(static_cast<std::uint32_t>(i), counts_[i]);
  }
  return snapshot;
}

double Histogram::mean_ns() const {
  return mean_ns_;
}

double Histogram::stdev_ns() const {
  if (count_ == 0) return 0;
  return std::sqrt(std::max(0.0, squared_deviations_ns_ / static_cast<double>(count_)));
}

std::chrono::nanoseconds Histogram::percentile(double p) const {
  if (count_ == 0) return std::chrono::nanoseconds(0);
  if (!(p > 0)) return min();
  if (p >= 100) return max();
  const auto rank = nearest_rank(p, count_);
  std::uint64_t seen = 0;
  const std::size_t last = bucket_of(max_ns_);
  for (std::size_t i = bucket_of(min_ns_); i <= last; ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      const std::int64_t middle =
          bucket_lower_ns(i) + (bucket_upper_ns(i) - bucket_lower_ns(i)) / 2;
      return std::chrono::nanoseconds(std::clamp(middle, min_ns_, max_ns_));
    }
  }
  return max();
}

}  // namespace reqscope::stats
