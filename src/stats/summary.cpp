#include "reqscope/stats/summary.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace reqscope::stats {

std::size_t nearest_rank(double p, std::size_t count) {
  const double share = std::clamp(p, 0.0, 100.0) / 100.0 * static_cast<double>(count);
  const auto rank = static_cast<std::size_t>(std::ceil(share * (1 - 1e-12)));
  return std::clamp<std::size_t>(rank, 1, std::max<std::size_t>(count, 1));
}

namespace {

double value_at_rank(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  return sorted[nearest_rank(p, sorted.size()) - 1];
}

}  // namespace

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  return value_at_rank(values, p);
}

Summary summarize(const std::vector<double>& values) {
  Summary summary;
  if (values.empty()) return summary;
  std::vector<double> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  summary.count = sorted.size();
  summary.min = sorted.front();
  summary.max = sorted.back();
  summary.p50 = value_at_rank(sorted, 50);
  summary.p90 = value_at_rank(sorted, 90);
  summary.p99 = value_at_rank(sorted, 99);
  summary.mean =
      std::accumulate(sorted.begin(), sorted.end(), 0.0) / static_cast<double>(sorted.size());
  return summary;
}

}  // namespace reqscope::stats
