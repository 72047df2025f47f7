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

// The 1-based nearest rank of percentile `p` among `count` values: the
// smallest rank with at least p% of values at or below it. 99.9% of 1000 is
// rank 999, though 0.999 * 1000 is a hair above 999 in binary.
std::size_t nearest_rank(double p, std::size_t count);

// Nearest-rank percentile (the smallest value with at least p% of values at
// or below it), so every reported figure is one that was really observed.
// `p` is in [0, 100]; an empty input gives 0.
double percentile(std::vector<double> values, double p);

Summary summarize(const std::vector<double>& values);

}  // namespace reqscope::stats
