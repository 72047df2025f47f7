#include <catch2/catch.hpp>

#include "reqscope/stats/summary.hpp"

using namespace reqscope::stats;

TEST_CASE("nearest-rank percentiles report observed values", "[stats]") {
  std::vector<double> values;
  for (int i = 1; i <= 100; ++i)
    values.push_back(i);
  CHECK(percentile(values, 50) == 50);
  CHECK(percentile(values, 90) == 90);
  CHECK(percentile(values, 99) == 99);
  CHECK(percentile(values, 100) == 100);
  CHECK(percentile(values, 0) == 1);
  CHECK(percentile({7.0}, 99) == 7);
  CHECK(percentile({}, 50) == 0);
  CHECK(percentile({3, 1, 2}, 50) == 2);
  CHECK(percentile({1, 2}, 250) == 2);
  CHECK(percentile({1, 2}, -5) == 1);
}

TEST_CASE("a summary has ordered figures and the mean", "[stats]") {
  const auto s = summarize({5, 1, 9, 3});
  CHECK(s.count == 4);
  CHECK(s.min == 1);
  CHECK(s.max == 9);
  CHECK(s.p50 == 3);
  CHECK(s.mean == Approx(4.5));
  CHECK(summarize({}).count == 0);
}
