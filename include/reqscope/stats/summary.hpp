#pragma once

#include <vector>

namespace reqscope::stats {

struct Summary {
  std::size_t count = 0;
  double min = 0;
  double p50 = 0;
  double p90 = 0;
  double p99 = 0;
  double max = 0;
  double mean = 0;
};

// Nearest-rank percentile (the smallest value with at least p% of values at
// or below it), so every reported figure is one that was really observed.
// `p` is in [0, 100]; an empty input gives 0.
double percentile(std::vector<double> values, double p);

Summary summarize(const std::vector<double>& values);

}  // namespace reqscope::stats
