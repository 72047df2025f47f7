#include "reqscope/stats/summary.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace reqscope::stats {

namespace {

double nearest_rank(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const double clamped = std::clamp(p, 0.0, 100.0);
  const auto rank =
      static_cast<std::size_t>(std::ceil(clamped / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::max<std::size_t>(rank, 1) - 1];
}

}  // namespace

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  return nearest_rank(values, p);
}

Summary summarize(const std::vector<double>& values) {
  Summary summary;
  if (values.empty()) return summary;
  std::vector<double> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  summary.count = sorted.size();
  summary.min = sorted.front();
  summary.max = sorted.back();
  summary.p50 = nearest_rank(sorted, 50);
  summary.p90 = nearest_rank(sorted, 90);
  summary.p99 = nearest_rank(sorted, 99);
  summary.mean =
      std::accumulate(sorted.begin(), sorted.end(), 0.0) / static_cast<double>(sorted.size());
  return summary;
}

}  // namespace reqscope::stats
