// Unit tests of bench's pure core: the log-linear histogram (percentiles
// against an exact sort of random data within 1%, merge across threads), the
// run's configuration checks, the result's figures and display bins, the
// diagnosis, the CI thresholds, --compare baselines, the error kinds and
// util::parse_number. Random data comes from fixed-seed generators, so every
// run sees the same values.

#include <curl/curl.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "reqscope/bench/analysis.hpp"
#include "reqscope/bench/config.hpp"
#include "reqscope/bench/error_kind.hpp"
#include "reqscope/bench/result.hpp"
#include "reqscope/http/url.hpp"
#include "reqscope/render/bench_json.hpp"
#include "reqscope/stats/histogram.hpp"
#include "reqscope/util/number.hpp"
#include "reqscope/util/text.hpp"

using namespace reqscope;
using namespace std::chrono;
using stats::Histogram;

namespace {

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// Whether `text` mentions a number within 1% (or 0.005) of `expected`.
bool mentions_number(const std::string& text, double expected) {
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    const bool after_letter = c >= '0' && c <= '9' && i > 0 &&
                              std::isalpha(static_cast<unsigned char>(text[i - 1])) != 0;  // p99
    if (after_letter) {
      while (i < text.size() && std::isalnum(static_cast<unsigned char>(text[i])) != 0)
        ++i;
      continue;
    }
    if ((c >= '0' && c <= '9') ||
        (c == '-' && i + 1 < text.size() && text[i + 1] >= '0' && text[i + 1] <= '9')) {
      char* end = nullptr;
      const double value = std::strtod(text.c_str() + i, &end);
      if (std::abs(value - expected) <= std::max(0.01 * std::abs(expected), 0.005)) return true;
      i = static_cast<std::size_t>(end - text.c_str());
      if (i == 0) break;
    } else {
      ++i;
    }
  }
  return false;
}

// ---------------------------------------------------------------- histogram

using Values = std::vector<std::int64_t>;
constexpr std::int64_t kMax = Histogram::kMaxValueNs;
constexpr std::size_t kSamples = 100'000;

std::int64_t clamped(std::int64_t value) {
  return std::clamp<std::int64_t>(value, 0, kMax);
}

// The nearest-rank percentile of sorted values, p given in tenths of a
// percent and computed in integers, so 99.9% of 1000 values is the 999th.
std::int64_t exact_percentile(const Values& sorted, std::size_t per_mille) {
  const std::size_t rank = std::max<std::size_t>(1, (per_mille * sorted.size() + 999) / 1000);
  return sorted[rank - 1];
}

struct Exact {
  Values sorted;
  double mean = 0;
  double stdev = 0;  // population
};

// Exact figures of values as the histogram sees them (clamped to [0, 2^42-1]).
Exact exact_of(const Values& values) {
  Exact exact;
  for (const auto value : values)
    exact.sorted.push_back(clamped(value));
  std::sort(exact.sorted.begin(), exact.sorted.end());
  long double sum = 0;
  for (const auto value : exact.sorted)
    sum += static_cast<long double>(value);
  const long double n = static_cast<long double>(exact.sorted.size());
  const long double mean = sum / n;
  long double squares = 0;
  for (const auto value : exact.sorted) {
    const long double d = static_cast<long double>(value) - mean;
    squares += d * d;
  }
  exact.mean = static_cast<double>(mean);
  exact.stdev = static_cast<double>(std::sqrt(squares / n));
  return exact;
}

Histogram histogram_of(const Values& values) {
  Histogram histogram;
  for (const auto value : values)
    histogram.record(nanoseconds(value));
  return histogram;
}

bool within_relative(double actual, double expected, double relative) {
  return std::abs(actual - expected) <= relative * std::abs(expected);
}

using Draw = std::function<std::int64_t(std::mt19937_64&)>;

struct Distribution {
  std::string name;
  Draw draw;
};

Draw uniform(std::int64_t low, std::int64_t high) {
  return [d = std::uniform_int_distribution<std::int64_t>(low, high)](
             std::mt19937_64& rng) mutable { return d(rng); };
}

std::int64_t nearest_ns(double value) {
  return static_cast<std::int64_t>(std::llround(value));
}

std::vector<Distribution> distributions() {
  return {
      {"uniform 1 us to 1 s", uniform(1'000, 1'000'000'000)},
      {"log-normal around 5 ms", [d = std::lognormal_distribution<double>(std::log(5e6), 1.0)](
                                     std::mt19937_64& rng) mutable { return nearest_ns(d(rng)); }},
      {"exponential with a 2 ms mean",
       [d = std::exponential_distribution<double>(1 / 2e6)](std::mt19937_64& rng) mutable {
         return nearest_ns(d(rng));
       }},
      {"bimodal: 90% near 2 ms, 10% near 200 ms",
       [pick = std::uniform_real_distribution<double>(0, 1),
        fast = std::normal_distribution<double>(2e6, 2e5),
        slow = std::normal_distribution<double>(2e8, 2e7)](std::mt19937_64& rng) mutable {
         return nearest_ns(pick(rng) < 0.9 ? fast(rng) : slow(rng));
       }},
      {"constant 42 ms", [](std::mt19937_64&) { return std::int64_t{42'000'000}; }},
      {"below 256 ns", uniform(0, 255)},
      {"within a minute of 1 h", uniform(3'540'000'000'000, 3'660'000'000'000)},
      {"around 2^42-1, half above it (clamped)",
       uniform(kMax - (std::int64_t{1} << 40), kMax + (std::int64_t{1} << 40))},
      {"-1 ms to 1 ms, half negative (clamped to 0)", uniform(-1'000'000, 1'000'000)},
  };
}

Values draw_values(const Draw& draw_in, std::uint64_t seed, std::size_t count) {
  Draw draw = draw_in;
  std::mt19937_64 rng(seed);
  Values values;
  values.reserve(count);
  for (std::size_t i = 0; i < count; ++i)
    values.push_back(draw(rng));
  return values;
}

// Values spread evenly over the orders of magnitude from 1 ns to 2^42 ns.
Values log_uniform_values(std::uint64_t seed, std::size_t count, double low_ns, double high_ns) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> exponent(std::log(low_ns), std::log(high_ns));
  Values values;
  for (std::size_t i = 0; i < count; ++i)
    values.push_back(nearest_ns(std::exp(exponent(rng))));
  return values;
}

std::vector<std::size_t> differing_buckets(const Histogram& a, const Histogram& b) {
  std::vector<std::size_t> differing;
  for (std::size_t i = 0; i < a.bucket_count(); ++i) {
    if (a.count_at(i) != b.count_at(i)) differing.push_back(i);
  }
  return differing;
}

void check_same_histogram(const Histogram& actual, const Histogram& expected) {
  REQUIRE(actual.bucket_count() == expected.bucket_count());
  CHECK(actual.count() == expected.count());
  CHECK(actual.min() == expected.min());
  CHECK(actual.max() == expected.max());
  CHECK(differing_buckets(actual, expected).empty());
  for (const double p : {0.0, 0.1, 1.0, 10.0, 25.0, 50.0, 75.0, 90.0, 99.0, 99.9, 99.99, 100.0}) {
    INFO("p" << p);
    CHECK(actual.percentile(p) == expected.percentile(p));
  }
  CHECK(actual.sum_ns() == Approx(expected.sum_ns()).epsilon(1e-12));
  CHECK(actual.mean_ns() == Approx(expected.mean_ns()).epsilon(1e-12));
  CHECK(actual.stdev_ns() == Approx(expected.stdev_ns()).epsilon(1e-9));
}

}  // namespace

TEST_CASE("histogram percentiles are within 1% of an exact sort for every distribution",
          "[bench][histogram]") {
  std::uint64_t seed = 20240601;
  for (const auto& distribution : distributions()) {
    INFO(distribution.name);
    const Values values = draw_values(distribution.draw, seed++, kSamples);
    const Exact exact = exact_of(values);
    const Histogram histogram = histogram_of(values);

    CHECK(histogram.count() == kSamples);
    CHECK(histogram.min().count() == exact.sorted.front());
    CHECK(histogram.max().count() == exact.sorted.back());
    for (const std::size_t per_mille : {500u, 900u, 990u, 999u}) {
      const auto expected = exact_percentile(exact.sorted, per_mille);
      const auto actual = histogram.percentile(static_cast<double>(per_mille) / 10).count();
      INFO("p" << static_cast<double>(per_mille) / 10 << ": exact " << expected << " ns, histogram "
               << actual << " ns");
      CHECK(within_relative(static_cast<double>(actual), static_cast<double>(expected), 0.01));
    }
  }
}

TEST_CASE("histogram min and max are exact and mean and stdev within 1e-6 of an exact sum",
          "[bench][histogram]") {
  std::uint64_t seed = 7;
  for (const auto& distribution : distributions()) {
    INFO(distribution.name);
    const Values values = draw_values(distribution.draw, seed++, kSamples);
    const Exact exact = exact_of(values);
    const Histogram histogram = histogram_of(values);
    INFO("mean exact " << exact.mean << " histogram " << histogram.mean_ns());
    INFO("stdev exact " << exact.stdev << " histogram " << histogram.stdev_ns());
    CHECK(histogram.min().count() == exact.sorted.front());
    CHECK(histogram.max().count() == exact.sorted.back());
    CHECK(within_relative(histogram.mean_ns(), exact.mean, 1e-6));
    if (exact.stdev == 0) {
      CHECK(histogram.stdev_ns() == 0);
    } else {
      CHECK(within_relative(histogram.stdev_ns(), exact.stdev, 1e-6));
    }
  }
}

// The header promises an exact stdev. Sums of squares lose it to cancellation
// when the spread is small next to the values: 100k values of exactly 1 h
// give a stdev of about 5.6 ms from sum²/n - mean².
TEST_CASE("histogram stdev stays exact for a small spread far from zero", "[bench][histogram]") {
  const Values constant(kSamples, 3'600'000'000'000);
  const Histogram flat = histogram_of(constant);
  INFO("constant 1 h: stdev " << flat.stdev_ns() << " ns");
  CHECK(flat.stdev_ns() <= 1.0);

  const Values narrow = draw_values(
      uniform(3'600'000'000'000 - 1'000'000, 3'600'000'000'000 + 1'000'000), 17, kSamples);
  const Exact exact = exact_of(narrow);
  const Histogram histogram = histogram_of(narrow);
  INFO("1 h ± 1 ms: stdev exact " << exact.stdev << " ns, histogram " << histogram.stdev_ns()
                                  << " ns");
  CHECK(within_relative(histogram.stdev_ns(), exact.stdev, 1e-6));
}

TEST_CASE("histogram values below 256 ns read back exactly", "[bench][histogram]") {
  const Values values = draw_values(uniform(0, 255), 99, 10'000);
  const Exact exact = exact_of(values);
  const Histogram histogram = histogram_of(values);
  for (const std::size_t per_mille : {1u, 100u, 250u, 500u, 750u, 900u, 990u, 1000u}) {
    INFO("per mille " << per_mille);
    CHECK(histogram.percentile(static_cast<double>(per_mille) / 10).count() ==
          exact_percentile(exact.sorted, per_mille));
  }
  for (std::int64_t v = 0; v < 256; ++v) {
    CHECK(Histogram::bucket_lower_ns(Histogram::bucket_of(v)) == v);
  }
}

TEST_CASE("histogram percentiles of 1..100 ns are the nearest-rank values", "[bench][histogram]") {
  Histogram histogram;
  for (std::int64_t v = 100; v >= 1; --v)
    histogram.record(nanoseconds(v));
  CHECK(histogram.percentile(0.5).count() == 1);
  CHECK(histogram.percentile(1).count() == 1);
  CHECK(histogram.percentile(1.5).count() == 2);
  CHECK(histogram.percentile(50).count() == 50);
  CHECK(histogram.percentile(90).count() == 90);
  CHECK(histogram.percentile(99).count() == 99);
  CHECK(histogram.percentile(99.5).count() == 100);
}

// Nearest rank of 99.9% of 1000 values is the 999th, of 10000 the 9990th; a
// single slow outlier must not become p99.9.
TEST_CASE("histogram p99.9 of 1000 values is the 999th, not the maximum", "[bench][histogram]") {
  for (const std::uint64_t count : {1'000u, 2'000u, 10'000u, 100'000u}) {
    INFO(count << " values, " << count / 1000 << " of them 1 s, the rest 1 ms");
    Histogram histogram;
    for (std::uint64_t i = 0; i < count; ++i)
      histogram.record(i < count / 1000 ? seconds(1) : milliseconds(1));
    CHECK(histogram.percentile(99.9).count() < 1'010'000);
    CHECK(histogram.percentile(99.9).count() > 990'000);
  }
}

TEST_CASE("histogram percentile(0) is the minimum, percentile(100) the maximum, empty gives 0",
          "[bench][histogram]") {
  Histogram empty;
  CHECK(empty.percentile(0).count() == 0);
  CHECK(empty.percentile(50).count() == 0);
  CHECK(empty.percentile(100).count() == 0);
  CHECK(empty.min().count() == 0);
  CHECK(empty.max().count() == 0);
  CHECK(empty.mean_ns() == 0);
  CHECK(empty.stdev_ns() == 0);

  const Values values = log_uniform_values(3, 5'000, 300, 3e10);
  const Histogram histogram = histogram_of(values);
  const Exact exact = exact_of(values);
  CHECK(histogram.percentile(0).count() == exact.sorted.front());
  CHECK(histogram.percentile(100).count() == exact.sorted.back());
  CHECK(histogram.percentile(-5).count() == exact.sorted.front());
  CHECK(histogram.percentile(250).count() == exact.sorted.back());
}

TEST_CASE("histogram percentiles never leave [min, max] and never decrease with p",
          "[bench][histogram]") {
  std::uint64_t seed = 11;
  for (const auto& distribution : distributions()) {
    INFO(distribution.name);
    const Histogram histogram = histogram_of(draw_values(distribution.draw, seed++, 2'000));
    nanoseconds previous = histogram.percentile(0);
    for (int step = 0; step <= 400; ++step) {
      const double p = step * 0.25;
      const auto value = histogram.percentile(p);
      if (value < histogram.min() || value > histogram.max() || value < previous) {
        FAIL_CHECK("p" << p << " gives " << value.count() << " ns after " << previous.count()
                       << " ns, range [" << histogram.min().count() << ", "
                       << histogram.max().count() << "]");
        break;
      }
      previous = value;
    }
  }
}

TEST_CASE("histogram buckets are contiguous, each at most 1/128 of its lower bound wide",
          "[bench][histogram]") {
  const Histogram histogram;
  const std::size_t buckets = histogram.bucket_count();
  REQUIRE(buckets > 256);
  CHECK(Histogram::bucket_lower_ns(0) == 0);
  CHECK(Histogram::bucket_upper_ns(buckets - 1) == kMax);
  CHECK(Histogram::bucket_of(kMax) == buckets - 1);
  std::vector<std::size_t> bad;
  for (std::size_t i = 0; i < buckets; ++i) {
    const auto lower = Histogram::bucket_lower_ns(i);
    const auto upper = Histogram::bucket_upper_ns(i);
    const bool contiguous = i == 0 || lower == Histogram::bucket_upper_ns(i - 1) + 1;
    const bool narrow = lower < 256 ? lower == upper : (upper - lower + 1) * 128 <= lower;
    if (lower > upper || !contiguous || !narrow || Histogram::bucket_of(lower) != i ||
        Histogram::bucket_of(upper) != i)
      bad.push_back(i);
  }
  CHECK(bad.empty());
}

TEST_CASE("every value lies within the bounds of its bucket, out-of-range values clamped",
          "[bench][histogram]") {
  Values values = log_uniform_values(5, kSamples, 1, 4.4e12);
  for (int bit = 0; bit < 63; ++bit) {
    const std::int64_t power = std::int64_t{1} << bit;
    values.insert(values.end(), {power - 1, power, power + 1});
  }
  values.insert(values.end(), {0, -1, -1'000'000, std::numeric_limits<std::int64_t>::min(),
                               std::numeric_limits<std::int64_t>::max(), kMax, kMax + 1});
  const std::size_t last_bucket = Histogram().bucket_count() - 1;
  Values outside;
  for (const auto raw : values) {
    const auto value = clamped(raw);
    const auto bucket = Histogram::bucket_of(raw);
    if (bucket > last_bucket || Histogram::bucket_lower_ns(bucket) > value ||
        Histogram::bucket_upper_ns(bucket) < value)
      outside.push_back(raw);
  }
  CHECK(outside.empty());
  CHECK(Histogram::bucket_of(-1) == 0);
  CHECK(Histogram::bucket_of(std::numeric_limits<std::int64_t>::min()) == 0);
  CHECK(Histogram::bucket_of(kMax + 1) == last_bucket);
  CHECK(Histogram::bucket_of(std::numeric_limits<std::int64_t>::max()) == last_bucket);
}

TEST_CASE("histogram clamps negative values to 0 and long ones to 2^42-1 ns",
          "[bench][histogram]") {
  Histogram histogram;
  histogram.record(nanoseconds(-5));
  histogram.record(hours(2));
  histogram.record(nanoseconds(std::numeric_limits<std::int64_t>::max()));
  CHECK(histogram.count() == 3);
  CHECK(histogram.min().count() == 0);
  CHECK(histogram.max().count() == kMax);
  CHECK(histogram.count_at(0) == 1);
  CHECK(histogram.count_at(histogram.bucket_count() - 1) == 2);
  CHECK(histogram.sum_ns() == Approx(2.0 * static_cast<double>(kMax)));
  CHECK(within_relative(static_cast<double>(histogram.percentile(50).count()),
                        static_cast<double>(kMax), 0.004));
}

TEST_CASE("merging 4 threads' histograms equals one histogram of every value",
          "[bench][histogram]") {
  // Each "thread" sees a different part of the load, so the extremes come
  // from different histograms.
  std::vector<Values> per_thread = {
      log_uniform_values(21, 25'000, 1e5, 1e7),
      log_uniform_values(22, 25'000, 1e6, 1e9),
      draw_values(uniform(-1'000, 300), 23, 25'000),
      log_uniform_values(24, 25'000, 1e8, 8e12),
  };
  Histogram all;
  std::vector<Histogram> threads(per_thread.size());
  for (std::size_t t = 0; t < per_thread.size(); ++t) {
    for (const auto value : per_thread[t]) {
      threads[t].record(nanoseconds(value));
      all.record(nanoseconds(value));
    }
  }
  SECTION("merging histograms") {
    Histogram merged;
    for (const auto& thread : threads)
      merged.merge(thread);
    check_same_histogram(merged, all);
  }
  SECTION("merging snapshots equals merging histograms") {
    Histogram from_histograms;
    Histogram from_snapshots;
    for (const auto& thread : threads) {
      from_histograms.merge(thread);
      from_snapshots.merge(thread.snapshot());
    }
    check_same_histogram(from_snapshots, from_histograms);
    check_same_histogram(from_snapshots, all);
  }
  SECTION("merging in another order") {
    Histogram merged;
    for (auto t = threads.size(); t-- > 0;)
      merged.merge(threads[t]);
    check_same_histogram(merged, all);
  }
}

TEST_CASE("merging an empty histogram or snapshot changes nothing", "[bench][histogram]") {
  Histogram histogram;
  histogram.record(milliseconds(5));
  histogram.record(milliseconds(7));
  histogram.merge(Histogram());
  histogram.merge(Histogram().snapshot());
  CHECK(histogram.count() == 2);
  CHECK(histogram.min() == milliseconds(5));
  CHECK(histogram.max() == milliseconds(7));

  Histogram empty;
  empty.merge(histogram);
  CHECK(empty.count() == 2);
  CHECK(empty.min() == milliseconds(5));  // not the empty histogram's 0
  CHECK(empty.max() == milliseconds(7));
  CHECK(empty.mean_ns() == Approx(6e6));
}

TEST_CASE("a histogram snapshot lists the non-empty buckets in order", "[bench][histogram]") {
  const auto empty = Histogram().snapshot();
  CHECK(empty.count == 0);
  CHECK(empty.buckets.empty());
  CHECK(empty.min_ns == 0);
  CHECK(empty.max_ns == 0);
  CHECK(empty.sum_ns == 0);
  CHECK(empty.squared_deviations_ns == 0);

  const Values values = log_uniform_values(31, 20'000, 1, 5e12);
  const Histogram histogram = histogram_of(values);
  const auto snapshot = histogram.snapshot();
  CHECK(snapshot.count == histogram.count());
  CHECK(snapshot.min_ns == histogram.min().count());
  CHECK(snapshot.max_ns == histogram.max().count());
  CHECK(snapshot.sum_ns == histogram.sum_ns());
  std::uint64_t total = 0;
  bool ordered = true;
  bool matches = true;
  for (std::size_t i = 0; i < snapshot.buckets.size(); ++i) {
    const auto [index, count] = snapshot.buckets[i];
    if (i > 0 && index <= snapshot.buckets[i - 1].first) ordered = false;
    if (count == 0 || histogram.count_at(index) != count) matches = false;
    total += count;
  }
  CHECK(ordered);
  CHECK(matches);
  CHECK(total == histogram.count());
  CHECK(snapshot.buckets.size() <= histogram.bucket_count());
}

TEST_CASE("clearing a histogram empties it for reuse", "[bench][histogram]") {
  Histogram histogram = histogram_of(log_uniform_values(41, 1'000, 1e3, 1e9));
  histogram.clear();
  CHECK(histogram.count() == 0);
  CHECK(histogram.min().count() == 0);
  CHECK(histogram.max().count() == 0);
  CHECK(histogram.sum_ns() == 0);
  CHECK(histogram.percentile(50).count() == 0);
  CHECK(differing_buckets(histogram, Histogram()).empty());
  CHECK(histogram.snapshot().buckets.empty());
  histogram.clear();  // clearing an empty histogram is harmless
  histogram.record(milliseconds(3));
  CHECK(histogram.count() == 1);
  CHECK(histogram.min() == milliseconds(3));
  CHECK(histogram.max() == milliseconds(3));
  CHECK(histogram.percentile(50) == milliseconds(3));
}

TEST_CASE("a histogram's memory is fixed at about 36 KiB whatever it records",
          "[bench][histogram]") {
  Histogram histogram;
  const auto buckets = histogram.bucket_count();
  CHECK(buckets * sizeof(std::uint64_t) <= 36 * 1024);
  for (const auto value : log_uniform_values(51, kSamples, 1, 1e13))
    histogram.record(nanoseconds(value));
  CHECK(histogram.bucket_count() == buckets);
  histogram.merge(histogram_of({-1, kMax + 5}));
  CHECK(histogram.bucket_count() == buckets);
  histogram.clear();
  CHECK(histogram.bucket_count() == buckets);
  CHECK(Histogram().bucket_count() == buckets);
}

// ---------------------------------------------------------------- display_bins

namespace {

// The invariants of any display binning: bins cover [min, max], counts sum to
// count(), bounds strictly increase, at most 40 bins, and each value lands in
// a bin whose bounds hold it within the histogram's bucket precision.
void check_display_bins(const Values& raw) {
  const Histogram histogram = histogram_of(raw);
  const Exact exact = exact_of(raw);
  const auto bins = bench::display_bins(histogram);
  REQUIRE_FALSE(bins.empty());
  CHECK(bins.size() <= 40);
  const double min_ms = static_cast<double>(exact.sorted.front()) / 1e6;
  const double max_ms = static_cast<double>(exact.sorted.back()) / 1e6;
  CHECK(bins.front().le_ms >= min_ms * (1 - 1e-6));
  CHECK(bins.back().le_ms >= max_ms * (1 - 1e-6));
  std::uint64_t total = 0;
  bool increasing = true;
  bool placed = true;
  for (std::size_t i = 0; i < bins.size(); ++i) {
    if (i > 0 && !(bins[i].le_ms > bins[i - 1].le_ms)) increasing = false;
    total += bins[i].count;
    // Values at most le (less 1/128) are in this bin or before; values above
    // le (plus 1/128) after it.
    const auto at_most = [&](double ms) {
      const auto bound = static_cast<std::int64_t>(std::floor(ms * 1e6));
      return static_cast<std::uint64_t>(
          std::upper_bound(exact.sorted.begin(), exact.sorted.end(), bound) - exact.sorted.begin());
    };
    const auto surely_in = at_most(bins[i].le_ms * (1 - 1.0 / 128));
    const auto maybe_in = at_most(bins[i].le_ms * (1 + 1.0 / 128));
    if (total < surely_in || total > maybe_in) {
      placed = false;
      UNSCOPED_INFO("bin " << i << " (le " << bins[i].le_ms << " ms): " << total
                           << " values up to it, expected " << surely_in << "-" << maybe_in);
    }
  }
  CHECK(increasing);
  CHECK(placed);
  CHECK(total == histogram.count());
}

}  // namespace

TEST_CASE("display bins of an empty histogram are empty", "[bench][display]") {
  CHECK(bench::display_bins(Histogram()).empty());
}

TEST_CASE("display bins of a single value hold it in one bin", "[bench][display]") {
  for (const std::int64_t value :
       {std::int64_t{0}, std::int64_t{1}, std::int64_t{999}, std::int64_t{3'700'000},
        std::int64_t{1'000'000}, std::int64_t{2'000'000'000}, kMax}) {
    INFO(value << " ns");
    check_display_bins({value});
    const auto bins = bench::display_bins(histogram_of({value, value, value}));
    CHECK(std::count_if(bins.begin(), bins.end(),
                        [](const bench::HistogramBin& bin) { return bin.count != 0; }) == 1);
  }
}

TEST_CASE("display bins of a wide range (1 us to 10 s) cover it in at most 40 bins",
          "[bench][display]") {
  check_display_bins(log_uniform_values(61, 50'000, 1e3, 1e10));
  Values endpoints = {1'000, 10'000'000'000};
  check_display_bins(endpoints);
}

TEST_CASE("display bins hold their invariants for narrow, skewed and extreme data",
          "[bench][display]") {
  check_display_bins(draw_values(uniform(10'000'000, 10'500'000), 62, 10'000));
  check_display_bins(draw_values(uniform(0, 255), 63, 1'000));
  check_display_bins({0, kMax});
  check_display_bins({-5, 1'000'000'000'000'000});
  std::uint64_t seed = 64;
  for (const auto& distribution : distributions()) {
    INFO(distribution.name);
    check_display_bins(draw_values(distribution.draw, seed++, 5'000));
  }
}

// ---------------------------------------------------------------- validate

namespace {

bench::BenchConfig valid_config() {
  bench::BenchConfig config;
  config.url = *http::parse_url("http://127.0.0.1:8080/items");
  config.requests = 1000;
  return config;
}

void check_passes(const bench::BenchConfig& config) {
  const auto result = bench::validate(config);
  INFO((result ? std::string("passed") : result.error().message));
  CHECK(result.has_value());
}

void check_refused(const bench::BenchConfig& config, std::initializer_list<const char*> named) {
  const auto result = bench::validate(config);
  REQUIRE_FALSE(result.has_value());
  INFO("message: " << result.error().message);
  CHECK(result.error().kind == "bad_option");
  for (const char* part : named)
    CHECK(contains(result.error().message, part));
}

}  // namespace

TEST_CASE("validate accepts the default configuration with -n", "[bench][config]") {
  check_passes(valid_config());
  auto config = valid_config();
  config.requests.reset();
  check_passes(config);  // neither -n nor -d: the default duration
}

TEST_CASE("validate refuses -n 0 and accepts -n 1", "[bench][config]") {
  auto config = valid_config();
  config.requests = 0;
  check_refused(config, {"-n 0"});
  config.requests = 1;
  check_passes(config);
}

TEST_CASE("validate refuses -n with -d, with or without --rate", "[bench][config]") {
  auto config = valid_config();
  config.duration = seconds(5);
  check_refused(config, {"-n", "-d"});
  config.rate = 100;
  check_refused(config, {"-n", "-d"});
  config.duration.reset();
  check_passes(config);  // -n with --rate: the schedule sends -n requests
  config.requests.reset();
  config.duration = seconds(5);
  check_passes(config);  // -d with --rate
  config.rate.reset();
  check_passes(config);  // -d alone
}

TEST_CASE("validate refuses a duration of 0 or less", "[bench][config]") {
  auto config = valid_config();
  config.requests.reset();
  config.duration = nanoseconds(0);
  check_refused(config, {"-d"});
  config.duration = seconds(-1);
  check_refused(config, {"-d"});
  config.duration = nanoseconds(1);
  check_passes(config);
}

TEST_CASE("validate refuses -c 0 and -t 0", "[bench][config]") {
  auto config = valid_config();
  config.connections = 0;
  config.threads = 0;
  check_refused(config, {"-c 0"});
  config.connections = 1;
  check_refused(config, {"-t 0"});
  config.threads = 1;
  check_passes(config);
}

TEST_CASE("validate refuses more threads than connections", "[bench][config]") {
  auto config = valid_config();
  config.connections = 3;
  config.threads = 4;
  check_refused(config, {"-t 4", "-c 3"});
  config.connections = 4;
  check_passes(config);
}

TEST_CASE("validate refuses -t 257 and accepts -t 256", "[bench][config]") {
  auto config = valid_config();
  config.connections = 1000;
  config.threads = 257;
  check_refused(config, {"-t 257", "256"});
  config.threads = 256;
  check_passes(config);
}

TEST_CASE("validate refuses -c 10001 unless forced", "[bench][config]") {
  auto config = valid_config();
  config.connections = 10'000;
  check_passes(config);
  config.connections = 10'001;
  check_refused(config, {"-c 10001"});
  config.force = true;
  check_passes(config);
}

TEST_CASE("validate refuses --streams-per-conn outside 1-1000", "[bench][config]") {
  auto config = valid_config();
  config.request.http_version = http::HttpVersion::http2;
  config.streams_per_connection = 0;
  check_refused(config, {"--streams-per-conn 0"});
  config.streams_per_connection = 1001;
  check_refused(config, {"--streams-per-conn 1001"});
  config.streams_per_connection = 1000;
  check_passes(config);
}

TEST_CASE("validate refuses --streams-per-conn above 1 without --http2", "[bench][config]") {
  auto config = valid_config();
  config.streams_per_connection = 2;
  config.request.http_version = http::HttpVersion::automatic;
  check_refused(config, {"--streams-per-conn", "--http2"});
  config.request.http_version = http::HttpVersion::http1_1;
  check_refused(config, {"--streams-per-conn", "--http2"});
  config.request.http_version = http::HttpVersion::http2;
  check_passes(config);
  config.streams_per_connection = 1;
  config.request.http_version = http::HttpVersion::http1_1;
  check_passes(config);
}

TEST_CASE("validate refuses a rate that is 0, negative, not finite or above 10^7",
          "[bench][config]") {
  auto config = valid_config();
  config.requests.reset();
  for (const double rate :
       {0.0, -0.0, -1.0, -1e-9, std::numeric_limits<double>::quiet_NaN(),
        std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
        bench::kMaxRate * 1.0001, 1e300}) {
    INFO("--rate " << rate);
    config.rate = rate;
    check_refused(config, {"--rate"});
  }
  config.force = true;  // 10^7 × 10 s is beyond --max-requests
  for (const double rate : {0.001, 1.0, 200.0, bench::kMaxRate}) {
    INFO("--rate " << rate);
    config.rate = rate;
    check_passes(config);
  }
}

TEST_CASE("validate refuses a warm-up of 0 requests or 0 s and accepts a positive one",
          "[bench][config]") {
  auto config = valid_config();
  config.warmup.requests = 0;
  check_refused(config, {"--warmup"});
  config.warmup.requests = 1;
  check_passes(config);
  config.warmup.requests.reset();
  config.warmup.duration = seconds(2);
  check_passes(config);
  config.warmup.duration = nanoseconds(0);
  check_refused(config, {"--warmup"});
  config.warmup.duration = seconds(-1);
  check_refused(config, {"--warmup"});
  config.warmup.duration = nanoseconds(1);
  check_passes(config);
}

TEST_CASE("validate refuses -n above --max-requests unless forced", "[bench][config]") {
  auto config = valid_config();
  config.requests = bench::kDefaultMaxRequests;
  check_passes(config);
  config.requests = bench::kDefaultMaxRequests + 1;
  check_refused(config, {"-n 1000001", "--max-requests 1000000"});
  config.force = true;
  check_passes(config);
  config.force = false;
  config.max_requests = 5'000'000;
  check_passes(config);
  config.max_requests = 100;
  config.requests = 101;
  check_refused(config, {"-n 101", "--max-requests 100"});
}

TEST_CASE("validate refuses rate × duration above --max-requests unless forced",
          "[bench][config]") {
  auto config = valid_config();
  config.requests.reset();
  config.rate = 1000;
  config.duration = seconds(1000);  // exactly 10^6
  check_passes(config);
  config.duration = seconds(1001);
  check_refused(config, {"--rate", "1001000", "--max-requests 1000000"});
  config.force = true;
  check_passes(config);
  config.force = false;
  config.duration.reset();  // the default 10 s
  config.rate = 100'000;
  check_passes(config);
  config.rate = 100'001;
  check_refused(config, {"--rate", "--max-requests"});
}

TEST_CASE("validate counts warm-up requests toward --max-requests", "[bench][config]") {
  auto config = valid_config();
  config.requests = bench::kDefaultMaxRequests - 1;
  config.warmup.requests = 1;
  check_passes(config);
  config.warmup.requests = 2;
  check_refused(config, {"--warmup 2", "--max-requests"});
  config.force = true;
  check_passes(config);

  config = valid_config();
  config.requests.reset();
  config.rate = 1000;
  config.duration = seconds(1000);
  config.warmup.requests = 1;
  check_refused(config, {"--warmup 1", "--max-requests"});
}

TEST_CASE("validate leaves a closed-loop -d run to the run's own request cap", "[bench][config]") {
  auto config = valid_config();
  config.requests.reset();
  config.duration = hours(1);
  config.max_requests = 1;
  check_passes(config);
}

TEST_CASE("planned_requests is -n, or rate × duration in the open loop", "[bench][config]") {
  auto config = valid_config();
  config.requests = 500;
  CHECK(bench::planned_requests(config) == std::optional<std::uint64_t>(500));
  config.rate = 50;  // -n with --rate: -n counts
  CHECK(bench::planned_requests(config) == std::optional<std::uint64_t>(500));

  config.requests.reset();
  config.rate = 200;
  config.duration = seconds(5);
  CHECK(bench::planned_requests(config) == std::optional<std::uint64_t>(1000));
  config.duration.reset();
  CHECK(bench::planned_requests(config) == std::optional<std::uint64_t>(2000));  // 10 s
  config.rate = 0.5;
  config.duration = seconds(3);
  CHECK(bench::planned_requests(config) == std::optional<std::uint64_t>(2));  // 1.5 rounded up

  config.rate.reset();
  CHECK_FALSE(bench::planned_requests(config).has_value());  // closed loop -d
  config.duration.reset();
  CHECK_FALSE(bench::planned_requests(config).has_value());  // closed loop, default duration
}

TEST_CASE("schedule_length is rate × duration rounded up", "[bench][config]") {
  CHECK(bench::schedule_length(200, seconds(5)) == 1000);
  CHECK(bench::schedule_length(0.5, seconds(3)) == 2);
  CHECK(bench::schedule_length(3, milliseconds(100)) == 1);  // 0.3 rounded up
  CHECK(bench::schedule_length(1000, milliseconds(1)) == 1);
  CHECK(bench::schedule_length(1000, microseconds(1500)) == 2);
  CHECK(bench::schedule_length(0.001, seconds(1)) == 1);
  CHECK(bench::schedule_length(bench::kMaxRate, hours(24)) == 864'000'000'000);
  // Whole in decimal, a hair above in binary floating point.
  CHECK(bench::schedule_length(100, milliseconds(1100)) == 110);
  CHECK(bench::schedule_length(50, milliseconds(1100)) == 55);
  CHECK(bench::schedule_length(10, milliseconds(300)) == 3);
  CHECK(bench::schedule_length(0.1, seconds(30)) == 3);
  // Whole numbers of every rate from 1 to 1000 per second over 0.1 s to 10 s.
  std::vector<std::string> wrong;
  for (int rate = 1; rate <= 1000; rate += 7) {
    for (int tenths = 1; tenths <= 100; ++tenths) {
      if ((rate * tenths) % 10 != 0) continue;
      const auto expected = static_cast<std::uint64_t>(rate * tenths / 10);
      const auto actual = bench::schedule_length(rate, milliseconds(100 * tenths));
      if (actual != expected)
        wrong.push_back(std::to_string(rate) + "/s × " + std::to_string(tenths) + "/10 s gave " +
                        std::to_string(actual));
    }
  }
  CHECK(wrong.empty());
}

// rate × duration that is a whole number in decimal but not in binary
// floating point: 100/s for 1.1 s is 110 requests, not 111.
TEST_CASE("planned_requests of --rate 100 -d 1.1s is 110", "[bench][config]") {
  auto config = valid_config();
  config.requests.reset();
  config.rate = 100;
  config.duration = milliseconds(1100);
  CHECK(bench::planned_requests(config) == std::optional<std::uint64_t>(110));
  config.rate = 50;
  CHECK(bench::planned_requests(config) == std::optional<std::uint64_t>(55));
}

// ---------------------------------------------------------------- result figures

namespace {

void add_response(bench::BenchResult& result, nanoseconds latency, nanoseconds wait,
                  nanoseconds transfer, nanoseconds connect = nanoseconds(0),
                  nanoseconds tls = nanoseconds(0)) {
  result.latency.record(latency);
  result.wait.record(wait);
  result.transfer.record(transfer);
  if (connect.count() > 0) result.connect.record(connect);
  if (tls.count() > 0) result.tls.record(tls);
  ++result.requests;
  ++result.responses;
  ++result.status_counts[200];
}

void add_failure(bench::BenchResult& result) {
  ++result.requests;
  ++result.errors;
  ++result.error_kinds["connect_refused"];
}

double total_share(const bench::Diagnosis& diagnosis) {
  double total = 0;
  for (const auto& share : diagnosis.shares)
    total += share.share;
  return total;
}

void check_shares_well_formed(const bench::Diagnosis& diagnosis) {
  CHECK(total_share(diagnosis) <= 1 + 1e-9);
  for (std::size_t i = 0; i < diagnosis.shares.size(); ++i) {
    INFO(diagnosis.shares[i].phase);
    CHECK(diagnosis.shares[i].share > 0);
    CHECK(diagnosis.shares[i].share <= 1);
    CHECK(diagnosis.shares[i].mean_ms > 0);
    if (i > 0) CHECK(diagnosis.shares[i].share <= diagnosis.shares[i - 1].share);
  }
}

const bench::PhaseShare* share_of(const bench::Diagnosis& diagnosis, std::string_view phase) {
  for (const auto& share : diagnosis.shares) {
    if (share.phase == phase) return &share;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("figures_of reports a histogram's figures in milliseconds", "[bench][result]") {
  const auto empty = bench::figures_of(Histogram());
  CHECK(empty.count == 0);
  CHECK(empty.min_ms == 0);
  CHECK(empty.mean_ms == 0);
  CHECK(empty.stdev_ms == 0);
  CHECK(empty.p50_ms == 0);
  CHECK(empty.p999_ms == 0);
  CHECK(empty.max_ms == 0);

  Histogram histogram;
  for (int ms = 1; ms <= 1000; ++ms)
    histogram.record(milliseconds(ms));
  const auto figures = bench::figures_of(histogram);
  CHECK(figures.count == 1000);
  CHECK(figures.min_ms == 1);
  CHECK(figures.max_ms == 1000);
  CHECK(figures.mean_ms == Approx(500.5));
  CHECK(figures.stdev_ms == Approx(std::sqrt((1000.0 * 1000.0 - 1) / 12)));
  CHECK(figures.p50_ms == Approx(500).epsilon(0.01));
  CHECK(figures.p90_ms == Approx(900).epsilon(0.01));
  CHECK(figures.p99_ms == Approx(990).epsilon(0.01));
  CHECK(figures.p999_ms == Approx(999).epsilon(0.01));
  CHECK(figures.p50_ms == static_cast<double>(histogram.percentile(50).count()) / 1e6);
  CHECK(figures.p99_ms == static_cast<double>(histogram.percentile(99).count()) / 1e6);
}

TEST_CASE("throughput and error rate divide by the duration and requests, never by 0",
          "[bench][result]") {
  bench::BenchResult result;
  CHECK(bench::requests_per_second(result) == 0);
  CHECK(bench::bytes_per_second(result) == 0);
  CHECK(bench::error_rate(result) == 0);

  result.requests = 1000;
  result.errors = 25;
  result.bytes_received = 4'000'000;
  CHECK(bench::requests_per_second(result) == 0);  // duration 0
  CHECK(bench::bytes_per_second(result) == 0);
  CHECK(bench::error_rate(result) == Approx(0.025));

  result.duration = seconds(2);
  CHECK(bench::requests_per_second(result) == Approx(500));
  CHECK(bench::bytes_per_second(result) == Approx(2'000'000));

  result.duration = milliseconds(250);
  CHECK(bench::requests_per_second(result) == Approx(4000));

  result.duration = seconds(-1);
  CHECK(bench::requests_per_second(result) == 0);
  CHECK(bench::bytes_per_second(result) == 0);

  bench::BenchResult failures_only;
  failures_only.errors = 3;  // inconsistent, but must not divide by 0
  CHECK(bench::error_rate(failures_only) == 0);
  add_failure(failures_only);
  CHECK(bench::error_rate(failures_only) == Approx(4.0));
}

TEST_CASE("stop reasons and tail classes have stable names", "[bench][result]") {
  CHECK(bench::stop_reason_name(bench::StopReason::requests) == "requests");
  CHECK(bench::stop_reason_name(bench::StopReason::duration) == "duration");
  CHECK(bench::stop_reason_name(bench::StopReason::max_requests) == "max_requests");
  CHECK(bench::stop_reason_name(bench::StopReason::interrupted) == "interrupted");
  CHECK(bench::tail_name(bench::Tail::none) == "none");
  CHECK(bench::tail_name(bench::Tail::tight) == "tight");
  CHECK(bench::tail_name(bench::Tail::moderate) == "moderate");
  CHECK(bench::tail_name(bench::Tail::heavy) == "heavy");
  bench::BenchResult result;
  result.stop_reason = bench::StopReason::interrupted;
  CHECK(result.partial());
  result.stop_reason = bench::StopReason::max_requests;
  CHECK_FALSE(result.partial());
}

// ---------------------------------------------------------------- diagnose

TEST_CASE("diagnose names server wait when it takes most of the time", "[bench][diagnose]") {
  bench::BenchResult result;
  for (int i = 0; i < 100; ++i) {
    add_response(result, milliseconds(10), milliseconds(9), microseconds(500),
                 i < 4 ? microseconds(300) : nanoseconds(0));
  }
  const auto diagnosis = bench::diagnose(result);
  check_shares_well_formed(diagnosis);
  CHECK(diagnosis.dominant_phase == "wait");
  REQUIRE(share_of(diagnosis, "wait") != nullptr);
  CHECK(share_of(diagnosis, "wait")->share == Approx(0.9));
  CHECK(share_of(diagnosis, "wait")->mean_ms == Approx(9));
  REQUIRE(share_of(diagnosis, "connect") != nullptr);
  CHECK(share_of(diagnosis, "connect")->mean_ms == Approx(0.012));  // spread over every response
  REQUIRE(share_of(diagnosis, "other") != nullptr);
  CHECK(share_of(diagnosis, "other")->mean_ms == Approx(10 - 9 - 0.5 - 0.012));
  CHECK(share_of(diagnosis, "tls") == nullptr);
  CHECK(share_of(diagnosis, "queue") == nullptr);
  CHECK(total_share(diagnosis) == Approx(1));
  CHECK(diagnosis.tail == bench::Tail::tight);
  CHECK(diagnosis.tail_ratio == Approx(1));
  CHECK(diagnosis.queueing_ratio == 0);
  CHECK_FALSE(diagnosis.rate_not_met);
}

TEST_CASE("diagnose names connect or TLS when new connections take most of the time",
          "[bench][diagnose]") {
  SECTION("connect") {
    bench::BenchResult result;
    for (int i = 0; i < 10; ++i)
      add_response(result, milliseconds(100), milliseconds(15), milliseconds(1), milliseconds(80));
    const auto diagnosis = bench::diagnose(result);
    check_shares_well_formed(diagnosis);
    CHECK(diagnosis.dominant_phase == "connect");
    REQUIRE(share_of(diagnosis, "connect") != nullptr);
    CHECK(share_of(diagnosis, "connect")->share == Approx(0.8));
    CHECK(total_share(diagnosis) == Approx(1));
  }
  SECTION("tls") {
    bench::BenchResult result;
    result.config.url = *http::parse_url("https://127.0.0.1:8443/");
    for (int i = 0; i < 10; ++i)
      add_response(result, milliseconds(100), milliseconds(20), milliseconds(5), milliseconds(10),
                   milliseconds(60));
    const auto diagnosis = bench::diagnose(result);
    check_shares_well_formed(diagnosis);
    CHECK(diagnosis.dominant_phase == "tls");
    REQUIRE(diagnosis.shares.size() == 5);
    CHECK(diagnosis.shares[1].phase == "wait");
    CHECK(diagnosis.shares[2].phase == "connect");
    CHECK(total_share(diagnosis) == Approx(1));
  }
}

TEST_CASE("diagnose names the queue when open-loop requests wait for a connection",
          "[bench][diagnose]") {
  bench::BenchResult result;
  result.config.requests.reset();
  result.config.rate = 100;
  for (int i = 0; i < 100; ++i) {
    add_response(result, milliseconds(50), milliseconds(9), milliseconds(1));
    result.service.record(milliseconds(10));
  }
  const auto diagnosis = bench::diagnose(result);
  check_shares_well_formed(diagnosis);
  CHECK(diagnosis.dominant_phase == "queue");
  REQUIRE(share_of(diagnosis, "queue") != nullptr);
  CHECK(share_of(diagnosis, "queue")->share == Approx(0.8));
  CHECK(share_of(diagnosis, "queue")->mean_ms == Approx(40));
  CHECK(share_of(diagnosis, "other") == nullptr);  // service = wait + transfer
  CHECK(total_share(diagnosis) == Approx(1));
  CHECK(diagnosis.queueing_ratio == Approx(5).epsilon(0.01));
  CHECK_FALSE(diagnosis.rate_not_met);

  // The same numbers in the closed loop have no queue.
  result.config.rate.reset();
  const auto closed = bench::diagnose(result);
  CHECK(share_of(closed, "queue") == nullptr);
  CHECK(closed.dominant_phase == "other");
  CHECK(closed.queueing_ratio == 0);
}

TEST_CASE("diagnose classes the tail by p99/p50: tight below 2, heavy above 5",
          "[bench][diagnose]") {
  // Below 256 ns the histogram is exact, so p99/p50 hits the boundaries exactly.
  struct Row {
    std::int64_t p50_ns;
    std::int64_t p99_ns;
    bench::Tail tail;
  };
  const Row rows[] = {
      {100, 100, bench::Tail::tight},    {100, 199, bench::Tail::tight},
      {100, 200, bench::Tail::moderate}, {50, 249, bench::Tail::moderate},
      {50, 250, bench::Tail::moderate},  {50, 251, bench::Tail::heavy},
      {10, 255, bench::Tail::heavy},
  };
  for (const auto& row : rows) {
    INFO("p50 " << row.p50_ns << " ns, p99 " << row.p99_ns << " ns");
    bench::BenchResult result;
    for (int i = 0; i < 100; ++i) {
      const auto value = nanoseconds(i < 50 ? row.p50_ns : row.p99_ns);
      add_response(result, value, value, nanoseconds(0));
    }
    const auto diagnosis = bench::diagnose(result);
    CHECK(diagnosis.tail_ratio ==
          Approx(static_cast<double>(row.p99_ns) / static_cast<double>(row.p50_ns)));
    CHECK(bench::tail_name(diagnosis.tail) == bench::tail_name(row.tail));
  }
  // And at millisecond scale, within the histogram's precision.
  bench::BenchResult result;
  for (int i = 0; i < 100; ++i) {
    const auto value = i < 90 ? milliseconds(2) : milliseconds(40);
    add_response(result, value, value, nanoseconds(0));
  }
  const auto diagnosis = bench::diagnose(result);
  CHECK(diagnosis.tail == bench::Tail::heavy);
  CHECK(diagnosis.tail_ratio == Approx(20).epsilon(0.01));
}

TEST_CASE("diagnose without responses has no shares and no tail", "[bench][diagnose]") {
  bench::BenchResult result;
  for (int i = 0; i < 5; ++i)
    add_failure(result);
  for (const bool open : {false, true}) {
    INFO((open ? "open loop" : "closed loop"));
    if (open) result.config.rate = 10;
    const auto diagnosis = bench::diagnose(result);
    CHECK(diagnosis.shares.empty());
    CHECK(diagnosis.dominant_phase.empty());
    CHECK(diagnosis.tail == bench::Tail::none);
    CHECK(diagnosis.tail_ratio == 0);
    CHECK(diagnosis.queueing_ratio == 0);
  }
  CHECK(bench::diagnose(bench::BenchResult()).shares.empty());
}

TEST_CASE("diagnose says the rate was not met when open-loop sends fell behind",
          "[bench][diagnose]") {
  bench::BenchResult result;
  result.config.requests.reset();
  result.config.rate = 1000;
  add_response(result, milliseconds(5), milliseconds(4), milliseconds(1));
  result.service.record(milliseconds(5));
  CHECK_FALSE(bench::diagnose(result).rate_not_met);
  result.unsent = 1;
  CHECK(bench::diagnose(result).rate_not_met);
  result.unsent = 0;
  result.max_send_lag = milliseconds(100);
  CHECK_FALSE(bench::diagnose(result).rate_not_met);
  result.max_send_lag = milliseconds(100) + nanoseconds(1);
  CHECK(bench::diagnose(result).rate_not_met);
  result.max_send_lag = milliseconds(101);
  CHECK(bench::diagnose(result).rate_not_met);

  // Without responses too.
  bench::BenchResult failed;
  failed.config.rate = 1000;
  failed.unsent = 7;
  add_failure(failed);
  CHECK(bench::diagnose(failed).rate_not_met);

  // The closed loop has no rate to miss.
  result.config.rate.reset();
  result.unsent = 5;
  CHECK_FALSE(bench::diagnose(result).rate_not_met);
}

TEST_CASE("diagnose shares of random consistent runs sum to 1", "[bench][diagnose]") {
  std::mt19937_64 rng(81);
  std::uniform_int_distribution<std::int64_t> part(0, 20'000'000);
  for (int run = 0; run < 20; ++run) {
    bench::BenchResult result;
    if (run % 2 == 1) result.config.rate = 50;
    for (int i = 0; i < 200; ++i) {
      const auto connect = nanoseconds(i % 10 == 0 ? part(rng) : 0);
      const auto wait = nanoseconds(part(rng));
      const auto transfer = nanoseconds(part(rng) / 10);
      const auto service = connect + wait + transfer + nanoseconds(part(rng) / 100);
      const auto queue = nanoseconds(run % 2 == 1 ? part(rng) : 0);
      add_response(result, service + queue, wait, transfer, connect);
      if (run % 2 == 1) result.service.record(service);
    }
    INFO("run " << run);
    const auto diagnosis = bench::diagnose(result);
    check_shares_well_formed(diagnosis);
    CHECK(total_share(diagnosis) == Approx(1).epsilon(1e-9));
  }
}

// ---------------------------------------------------------------- check_thresholds

namespace {

// 100 requests in 2 s: 95 responses near 10 ms, 5 near 50 ms, 5 errors (5xx).
bench::BenchResult threshold_result() {
  bench::BenchResult result;
  for (int i = 0; i < 100; ++i) {
    const auto latency = i < 95 ? milliseconds(10) : milliseconds(50);
    add_response(result, latency, latency - milliseconds(1), milliseconds(1));
  }
  result.errors = 5;
  result.duration = seconds(2);
  return result;
}

bench::ThresholdCheck only_check(const bench::BenchResult& result,
                                 const bench::Thresholds& thresholds) {
  const auto checks = bench::check_thresholds(result, thresholds);
  REQUIRE(checks.size() == 1);
  return checks.front();
}

void check_message(const bench::ThresholdCheck& check, double value_shown, double bound_shown) {
  INFO("message: " << check.message);
  CHECK(contains(check.message, check.option));
  CHECK(mentions_number(check.message, value_shown));
  CHECK(mentions_number(check.message, bound_shown));
}

}  // namespace

TEST_CASE("no thresholds give no checks", "[bench][thresholds]") {
  const bench::Thresholds none;
  CHECK_FALSE(none.any());
  CHECK(bench::check_thresholds(threshold_result(), none).empty());
  bench::Thresholds one;
  one.min_rps = 1;
  CHECK(one.any());
}

TEST_CASE("a --max-p50-ms threshold passes at or above p50 and fails below it",
          "[bench][thresholds]") {
  const auto result = threshold_result();
  const double p50 = bench::figures_of(result.latency).p50_ms;
  REQUIRE(p50 == Approx(10).epsilon(0.01));
  bench::Thresholds thresholds;
  thresholds.max_p50_ms = 20;
  auto check = only_check(result, thresholds);
  CHECK(check.ok);
  CHECK(check.option == "--max-p50-ms");
  CHECK(check.bound == 20);
  CHECK(check.value == p50);
  check_message(check, p50, 20);
  thresholds.max_p50_ms = p50;
  CHECK(only_check(result, thresholds).ok);
  thresholds.max_p50_ms = 5;
  check = only_check(result, thresholds);
  CHECK_FALSE(check.ok);
  check_message(check, p50, 5);
}

TEST_CASE("a --max-p99-ms threshold passes at or above p99 and fails below it",
          "[bench][thresholds]") {
  const auto result = threshold_result();
  const double p99 = bench::figures_of(result.latency).p99_ms;
  REQUIRE(p99 == Approx(50).epsilon(0.01));
  bench::Thresholds thresholds;
  thresholds.max_p99_ms = 60;
  auto check = only_check(result, thresholds);
  CHECK(check.ok);
  CHECK(check.option == "--max-p99-ms");
  check_message(check, p99, 60);
  thresholds.max_p99_ms = 40;
  check = only_check(result, thresholds);
  CHECK_FALSE(check.ok);
  CHECK(check.value == p99);
  check_message(check, p99, 40);
}

TEST_CASE("a --max-error-rate threshold passes at or above the rate and fails below it",
          "[bench][thresholds]") {
  const auto result = threshold_result();  // 5 of 100
  bench::Thresholds thresholds;
  thresholds.max_error_rate = 0.1;
  auto check = only_check(result, thresholds);
  CHECK(check.ok);
  CHECK(check.option == "--max-error-rate");
  CHECK(check.value == Approx(0.05));
  check_message(check, 5, 10);  // shown in percent
  thresholds.max_error_rate = 0.05;
  CHECK(only_check(result, thresholds).ok);
  thresholds.max_error_rate = 0.01;
  check = only_check(result, thresholds);
  CHECK_FALSE(check.ok);
  check_message(check, 5, 1);
  thresholds.max_error_rate = 0;
  CHECK_FALSE(only_check(result, thresholds).ok);
}

TEST_CASE("a --min-rps threshold passes at or below the throughput and fails above it",
          "[bench][thresholds]") {
  const auto result = threshold_result();  // 100 requests in 2 s
  bench::Thresholds thresholds;
  thresholds.min_rps = 40;
  auto check = only_check(result, thresholds);
  CHECK(check.ok);
  CHECK(check.option == "--min-rps");
  CHECK(check.value == Approx(50));
  check_message(check, 50, 40);
  thresholds.min_rps = 50;
  CHECK(only_check(result, thresholds).ok);
  thresholds.min_rps = 60;
  check = only_check(result, thresholds);
  CHECK_FALSE(check.ok);
  check_message(check, 50, 60);
}

TEST_CASE("thresholds are checked in a fixed order, each once", "[bench][thresholds]") {
  bench::Thresholds thresholds;
  thresholds.max_p50_ms = 1;
  thresholds.max_p99_ms = 100;
  thresholds.max_error_rate = 0.5;
  thresholds.min_rps = 1000;
  const auto checks = bench::check_thresholds(threshold_result(), thresholds);
  REQUIRE(checks.size() == 4);
  CHECK(checks[0].option == "--max-p50-ms");
  CHECK_FALSE(checks[0].ok);
  CHECK(checks[1].option == "--max-p99-ms");
  CHECK(checks[1].ok);
  CHECK(checks[2].option == "--max-error-rate");
  CHECK(checks[2].ok);
  CHECK(checks[3].option == "--min-rps");
  CHECK_FALSE(checks[3].ok);
}

TEST_CASE("latency thresholds fail when no response arrived", "[bench][thresholds]") {
  bench::BenchResult result;
  for (int i = 0; i < 10; ++i)
    add_failure(result);
  result.duration = seconds(1);
  bench::Thresholds thresholds;
  thresholds.max_p50_ms = 1e9;
  thresholds.max_p99_ms = 1e9;
  thresholds.max_error_rate = 1;
  const auto checks = bench::check_thresholds(result, thresholds);
  REQUIRE(checks.size() == 3);
  for (std::size_t i = 0; i < 2; ++i) {
    INFO("message: " << checks[i].message);
    CHECK_FALSE(checks[i].ok);
    CHECK(contains(checks[i].message, checks[i].option));
  }
  CHECK(checks[2].ok);  // every request failed: a rate of 1 is within 1
  CHECK(checks[2].value == 1);
}

TEST_CASE("an error-rate threshold fails when no request completed", "[bench][thresholds]") {
  bench::BenchResult result;
  bench::Thresholds thresholds;
  thresholds.max_error_rate = 1;
  const auto check = only_check(result, thresholds);
  CHECK_FALSE(check.ok);
  CHECK(check.option == "--max-error-rate");
  CHECK_FALSE(check.message.empty());
  thresholds.max_error_rate.reset();
  thresholds.min_rps = 0.5;
  CHECK_FALSE(only_check(result, thresholds).ok);
}

// Every other failed check names its option in the message the human view prints.
TEST_CASE("an error-rate threshold with no requests names --max-error-rate",
          "[bench][thresholds]") {
  bench::Thresholds thresholds;
  thresholds.max_error_rate = 0.01;
  const auto check = only_check(bench::BenchResult(), thresholds);
  INFO("message: " << check.message);
  CHECK(contains(check.message, "--max-error-rate"));
}

// ---------------------------------------------------------------- read_baseline

namespace {

constexpr const char* kBaselinePath = "runs/base.json";

const char* const kBaseline = R"({
  "schema": "reqscope.bench/1",
  "url": "http://127.0.0.1:8080/items",
  "requests": 1000,
  "errors": 25,
  "duration_ms": 2000.0,
  "rps": 500.0,
  "latency_ms": {"min": 1.0, "mean": 4.5, "stdev": 1.25, "p50": 4.0, "p90": 7.5,
                 "p99": 12.25, "p999": 20.0, "max": 31.5},
  "partial": false
})";

std::optional<double> figure(const std::vector<bench::Figure>& figures, std::string_view name) {
  for (const auto& f : figures) {
    if (f.name == name) return f.value;
  }
  return std::nullopt;
}

std::vector<std::string> names_of(const std::vector<bench::Figure>& figures) {
  std::vector<std::string> names;
  for (const auto& f : figures)
    names.push_back(f.name);
  return names;
}

std::string edited_baseline(const std::function<void(nlohmann::json&)>& edit) {
  auto document = nlohmann::json::parse(kBaseline);
  edit(document);
  return document.dump();
}

void check_bad_file(const std::string& text, std::string_view path = kBaselinePath) {
  Result<std::vector<bench::Figure>> result = fail("unset", "unset");
  CHECK_NOTHROW(result = bench::read_baseline(text, path));
  REQUIRE_FALSE(result.has_value());
  INFO("message: " << result.error().message.substr(0, 300));
  CHECK(result.error().kind == "bad_file");
  CHECK(contains(result.error().message, "base.json"));
  CHECK(result.error().message.size() < 400);  // never echoes the document
  CHECK_FALSE(result.error().hint.empty());
}

}  // namespace

TEST_CASE("read_baseline reads the figures of a bench --json document", "[bench][compare]") {
  const auto figures = bench::read_baseline(kBaseline, kBaselinePath);
  REQUIRE(figures.has_value());
  CHECK(figure(*figures, "rps") == 500.0);
  CHECK(figure(*figures, "p50_ms") == 4.0);
  CHECK(figure(*figures, "p90_ms") == 7.5);
  CHECK(figure(*figures, "p99_ms") == 12.25);
  CHECK(figure(*figures, "p999_ms") == 20.0);
  CHECK(figure(*figures, "max_ms") == 31.5);
  CHECK(figure(*figures, "mean_ms") == 4.5);
  REQUIRE(figure(*figures, "error_rate").has_value());
  CHECK(*figure(*figures, "error_rate") == Approx(0.025));
  // The same names, in the same order, as a run's own figures.
  CHECK(names_of(*figures) == names_of(bench::figures_for_compare(bench::BenchResult())));
}

TEST_CASE("read_baseline accepts integers and a run without requests", "[bench][compare]") {
  const auto text = edited_baseline([](nlohmann::json& doc) {
    doc["rps"] = 0;
    doc["requests"] = 0;
    doc["errors"] = 0;
    doc["latency_ms"]["p99"] = 12;
  });
  const auto figures = bench::read_baseline(text, kBaselinePath);
  REQUIRE(figures.has_value());
  CHECK(figure(*figures, "rps") == 0.0);
  CHECK(figure(*figures, "p99_ms") == 12.0);
  CHECK(figure(*figures, "error_rate") == 0.0);
}

TEST_CASE("read_baseline reads back what bench --json wrote", "[bench][compare]") {
  bench::BenchResult result = threshold_result();
  result.config.url = *http::parse_url("http://127.0.0.1:8080/items");
  const std::string text = render::bench_document(result, {}, std::nullopt).dump();
  const auto figures = bench::read_baseline(text, kBaselinePath);
  REQUIRE(figures.has_value());
  const auto own = bench::figures_for_compare(result);
  REQUIRE(names_of(*figures) == names_of(own));
  for (std::size_t i = 0; i < own.size(); ++i) {
    INFO(own[i].name);
    CHECK((*figures)[i].value == Approx(own[i].value).margin(0.001));  // rounded to µs
  }
}

TEST_CASE("read_baseline refuses documents that are not reqscope.bench/1 objects",
          "[bench][compare]") {
  for (const char* text :
       {"", " ", "null", "[]", "{}", "42", "true", "\"reqscope.bench/1\"", "{\"schema\":1}",
        "{\"schema\":null}", "{\"schema\":[\"reqscope.bench/1\"]}",
        "{\"schema\":{\"v\":\"reqscope.bench/1\"}}", "{\"schema\":\"reqscope.bench/2\"}",
        "{\"schema\":\"reqscope.bench/10\"}", "{\"schema\":\"reqscope.trace/1\"}",
        "{\"schema\":\"REQSCOPE.BENCH/1\"}", "{\"schema\":\"reqscope.bench/1\\u0000\"}"}) {
    INFO("document: " << text);
    check_bad_file(text);
  }
}

TEST_CASE("read_baseline refuses truncated or malformed JSON", "[bench][compare]") {
  const std::string whole = kBaseline;
  for (const std::size_t length :
       {std::size_t{1}, std::size_t{10}, whole.size() / 2, whole.size() - 2, whole.size() - 1}) {
    INFO("first " << length << " bytes");
    check_bad_file(whole.substr(0, length));
  }
  check_bad_file(whole + "garbage");
  check_bad_file(whole + whole);
  check_bad_file("{\"schema\":\"reqscope.bench/1\",}");
  check_bad_file("{'schema':'reqscope.bench/1'}");
  check_bad_file("{\"schema\":\"reqscope.bench/1\" // comment\n}");
  check_bad_file(std::string("{\"schema\":\"reqscope.bench/1\"\0}", 30));
}

TEST_CASE("read_baseline refuses a document missing any figure it compares", "[bench][compare]") {
  const std::vector<std::function<void(nlohmann::json&)>> removals = {
      [](nlohmann::json& doc) { doc.erase("rps"); },
      [](nlohmann::json& doc) { doc.erase("latency_ms"); },
      [](nlohmann::json& doc) { doc["latency_ms"].erase("p50"); },
      [](nlohmann::json& doc) { doc["latency_ms"].erase("p90"); },
      [](nlohmann::json& doc) { doc["latency_ms"].erase("p99"); },
      [](nlohmann::json& doc) { doc["latency_ms"].erase("p999"); },
      [](nlohmann::json& doc) { doc["latency_ms"].erase("max"); },
      [](nlohmann::json& doc) { doc["latency_ms"].erase("mean"); },
      [](nlohmann::json& doc) { doc.erase("errors"); },
      [](nlohmann::json& doc) { doc.erase("requests"); },
  };
  for (std::size_t i = 0; i < removals.size(); ++i) {
    INFO("removal " << i);
    check_bad_file(edited_baseline(removals[i]));
  }
}

TEST_CASE("read_baseline refuses strings, nulls, booleans and containers for figures",
          "[bench][compare]") {
  const std::vector<nlohmann::json> wrong = {"500",
                                             "",
                                             nullptr,
                                             true,
                                             nlohmann::json::array(),
                                             nlohmann::json::object(),
                                             nlohmann::json::array({500})};
  for (const auto& value : wrong) {
    INFO("value " << value.dump());
    check_bad_file(edited_baseline([&](nlohmann::json& doc) { doc["rps"] = value; }));
    check_bad_file(edited_baseline([&](nlohmann::json& doc) { doc["latency_ms"]["p99"] = value; }));
    check_bad_file(edited_baseline([&](nlohmann::json& doc) { doc["errors"] = value; }));
    check_bad_file(edited_baseline([&](nlohmann::json& doc) { doc["requests"] = value; }));
    check_bad_file(edited_baseline([&](nlohmann::json& doc) { doc["latency_ms"] = value; }));
  }
  check_bad_file(edited_baseline([](nlohmann::json& doc) {
    doc["latency_ms"] = nlohmann::json::array({1, 2, 3});
  }));
}

TEST_CASE("read_baseline refuses deeply nested arrays and objects without crashing",
          "[bench][compare]") {
  const std::size_t depth = 100'000;
  check_bad_file(std::string(depth, '['));
  check_bad_file(std::string(depth, '[') + std::string(depth, ']'));
  check_bad_file(std::string(depth, '{'));
  std::string objects;
  for (std::size_t i = 0; i < depth; ++i)
    objects += "{\"a\":";
  check_bad_file(objects + "1" + std::string(depth, '}'));
  check_bad_file("{\"schema\":\"reqscope.bench/1\",\"rps\":" + std::string(depth, '[') +
                 std::string(depth, ']') + "}");
  check_bad_file("{\"schema\":\"reqscope.bench/1\",\"rps\":" + std::string(depth, '['));
}

TEST_CASE("read_baseline refuses a 5 MB string without echoing it", "[bench][compare]") {
  const std::string big(5 * 1024 * 1024, 'x');
  check_bad_file("\"" + big + "\"");
  check_bad_file("{\"schema\":\"" + big + "\"}");
  check_bad_file(edited_baseline([&](nlohmann::json& doc) { doc["rps"] = big; }));
  check_bad_file(big);
}

TEST_CASE("read_baseline refuses NaN and Infinity tokens", "[bench][compare]") {
  for (const char* token :
       {"NaN", "nan", "Infinity", "-Infinity", "inf", "1e", "--1", "0x10", ".5", "+1", "01"}) {
    INFO("rps: " << token);
    std::string text = edited_baseline([](nlohmann::json& doc) { doc["rps"] = "@"; });
    text.replace(text.find("\"@\""), 3, token);
    check_bad_file(text);
  }
}

// A number too large for a double is Infinity in disguise; it would make every
// change percentage NaN.
TEST_CASE("read_baseline refuses numbers beyond a double's range", "[bench][compare]") {
  for (const char* token : {"1e400", "-1e400"}) {
    INFO("rps: " << token);
    std::string text = edited_baseline([](nlohmann::json& doc) { doc["rps"] = "@"; });
    text.replace(text.find("\"@\""), 3, token);
    check_bad_file(text);
  }
}

TEST_CASE("read_baseline refuses invalid UTF-8", "[bench][compare]") {
  for (const char* bytes :
       {"\xff", "\xfe\xff", "\xc0\xaf", "\xed\xa0\x80", "\xe2\x82", "\xf4\x90\x80\x80", "\x80"}) {
    INFO("bytes " << util::quote(bytes));
    check_bad_file(std::string("{\"schema\":\"reqscope.bench/1") + bytes + "\"}");
    check_bad_file(std::string(kBaseline).replace(std::string(kBaseline).find("127.0.0.1"), 9,
                                                  std::string("127.") + bytes));
    check_bad_file(std::string(bytes) + kBaseline);
  }
}

TEST_CASE("read_baseline errors quote a hostile path safely", "[bench][compare]") {
  const std::string path = "dir/\x1b[31mred\nline\xff.json";
  const auto result = bench::read_baseline("[]", path);
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().kind == "bad_file");
  CHECK(contains(result.error().message, "red"));
  const bool has_control = std::any_of(result.error().message.begin(), result.error().message.end(),
                                       [](char c) { return static_cast<unsigned char>(c) < 0x20; });
  CHECK_FALSE(has_control);
}

// ---------------------------------------------------------------- compare

namespace {

const bench::Change* change_of(const std::vector<bench::Change>& changes, std::string_view name) {
  for (const auto& change : changes) {
    if (change.name == name) return &change;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("compare computes the change in percent and which way is better", "[bench][compare]") {
  const std::vector<bench::Figure> before = {{"rps", 100},        {"p50_ms", 10}, {"p99_ms", 0},
                                             {"error_rate", 0.1}, {"mean_ms", 5}, {"p90_ms", 20}};
  const std::vector<bench::Figure> after = {{"rps", 120},        {"p50_ms", 8},  {"p99_ms", 5},
                                            {"error_rate", 0.2}, {"mean_ms", 5}, {"max_ms", 50}};
  const auto changes = bench::compare(before, after);
  REQUIRE(changes.size() == 5);     // max_ms is not in the baseline, p90_ms not in the run
  CHECK(changes[0].name == "rps");  // in the run's order
  CHECK(changes[4].name == "mean_ms");
  CHECK(change_of(changes, "max_ms") == nullptr);
  CHECK(change_of(changes, "p90_ms") == nullptr);

  const auto* rps = change_of(changes, "rps");
  REQUIRE(rps != nullptr);
  CHECK(rps->before == 100);
  CHECK(rps->after == 120);
  REQUIRE(rps->change_pct.has_value());
  CHECK(*rps->change_pct == Approx(20));
  CHECK(rps->higher_is_better);
  CHECK(rps->better());

  const auto* p50 = change_of(changes, "p50_ms");
  REQUIRE(p50 != nullptr);
  REQUIRE(p50->change_pct.has_value());
  CHECK(*p50->change_pct == Approx(-20));
  CHECK_FALSE(p50->higher_is_better);
  CHECK(p50->better());

  const auto* p99 = change_of(changes, "p99_ms");
  REQUIRE(p99 != nullptr);
  CHECK_FALSE(p99->change_pct.has_value());  // from 0
  CHECK_FALSE(p99->better());

  const auto* errors = change_of(changes, "error_rate");
  REQUIRE(errors != nullptr);
  REQUIRE(errors->change_pct.has_value());
  CHECK(*errors->change_pct == Approx(100));
  CHECK_FALSE(errors->better());

  const auto* mean = change_of(changes, "mean_ms");
  REQUIRE(mean != nullptr);
  REQUIRE(mean->change_pct.has_value());
  CHECK(*mean->change_pct == 0);
  CHECK_FALSE(mean->better());
}

TEST_CASE("compare calls fewer requests per second and higher latency worse", "[bench][compare]") {
  const auto changes = bench::compare({{"rps", 200}, {"p99_ms", 10}, {"error_rate", 0.5}},
                                      {{"rps", 150}, {"p99_ms", 12.5}, {"error_rate", 0.25}});
  REQUIRE(changes.size() == 3);
  CHECK(*changes[0].change_pct == Approx(-25));
  CHECK_FALSE(changes[0].better());
  CHECK(*changes[1].change_pct == Approx(25));
  CHECK_FALSE(changes[1].better());
  CHECK(*changes[2].change_pct == Approx(-50));
  CHECK(changes[2].better());
  CHECK(bench::compare({}, {{"rps", 1}}).empty());
  CHECK(bench::compare({{"rps", 1}}, {}).empty());
}

TEST_CASE("a run compared with its own baseline has no change", "[bench][compare]") {
  const auto result = threshold_result();
  const auto figures = bench::figures_for_compare(result);
  const auto changes = bench::compare(figures, figures);
  REQUIRE(changes.size() == figures.size());
  for (const auto& change : changes) {
    INFO(change.name);
    CHECK_FALSE(change.better());
    if (change.before != 0) CHECK(change.change_pct == std::optional<double>(0));
  }
}

// ---------------------------------------------------------------- error_kind

TEST_CASE("transfer failures map to their error kind", "[bench][error_kind]") {
  struct Row {
    CURLcode code;
    long os_errno;
    bool connected;
    const char* kind;
  };
  const Row rows[] = {
      {CURLE_COULDNT_CONNECT, ECONNREFUSED, false, "connect_refused"},
      {CURLE_COULDNT_CONNECT, ETIMEDOUT, false, "connect_timeout"},
      {CURLE_OPERATION_TIMEDOUT, 0, true, "timeout"},
      {CURLE_OPERATION_TIMEDOUT, 0, false, "connect_timeout"},
      {CURLE_OPERATION_TIMEDOUT, ETIMEDOUT, true, "timeout"},
      {CURLE_SSL_CONNECT_ERROR, 0, false, "tls"},
      {CURLE_PEER_FAILED_VERIFICATION, 0, false, "tls"},
      {CURLE_SSL_CERTPROBLEM, 0, false, "tls"},
      {CURLE_SSL_CIPHER, 0, false, "tls"},
      {CURLE_SSL_CACERT_BADFILE, 0, false, "tls"},
      {CURLE_SSL_ISSUER_ERROR, 0, false, "tls"},
      {CURLE_SSL_PINNEDPUBKEYNOTMATCH, 0, false, "tls"},
      {CURLE_SSL_INVALIDCERTSTATUS, 0, false, "tls"},
      {CURLE_SSL_SHUTDOWN_FAILED, 0, true, "tls"},
      {CURLE_SSL_CRL_BADFILE, 0, false, "tls"},
      {CURLE_USE_SSL_FAILED, 0, false, "tls"},
      {CURLE_RECV_ERROR, ECONNRESET, true, "reset"},
      {CURLE_SEND_ERROR, EPIPE, true, "reset"},
      {CURLE_GOT_NOTHING, 0, true, "reset"},
      {CURLE_PARTIAL_FILE, 0, true, "reset"},
      {CURLE_WEIRD_SERVER_REPLY, 0, true, "http_protocol"},
      {CURLE_HTTP2, 0, true, "http_protocol"},
      {CURLE_UNSUPPORTED_PROTOCOL, 0, false, "http_protocol"},
      {CURLE_TOO_MANY_REDIRECTS, 0, true, "http_protocol"},
      {CURLE_BAD_CONTENT_ENCODING, 0, true, "http_protocol"},
  };
  for (const auto& row : rows) {
    INFO(curl_easy_strerror(row.code) << " (" << static_cast<int>(row.code) << "), errno "
                                      << row.os_errno << ", connected " << row.connected);
    CHECK(bench::error_kind(row.code, row.os_errno, row.connected) == row.kind);
  }
}

// curl reports a TLS 1.3 certificate_required alert (a server asking for a
// client certificate) as CURLE_SSL_CLIENTCERT.
TEST_CASE("a missing client certificate is a tls error", "[bench][error_kind]") {
  CHECK(bench::error_kind(CURLE_SSL_CLIENTCERT, 0, false) == "tls");
  CHECK(bench::error_kind(CURLE_SSL_CLIENTCERT, 0, true) == "tls");
}

TEST_CASE("every transfer failure maps to a listed error kind other than http_5xx",
          "[bench][error_kind]") {
  const std::set<std::string_view> kinds(bench::kErrorKinds.begin(), bench::kErrorKinds.end());
  std::vector<int> unlisted;
  for (int code = 0; code < static_cast<int>(CURL_LAST); ++code) {
    for (const long os_errno : {0L, static_cast<long>(ECONNREFUSED), static_cast<long>(ETIMEDOUT),
                                static_cast<long>(ECONNRESET), static_cast<long>(EHOSTUNREACH)}) {
      for (const bool connected : {false, true}) {
        const auto kind = bench::error_kind(static_cast<CURLcode>(code), os_errno, connected);
        if (!kinds.count(kind) || kind == "http_5xx") unlisted.push_back(code);
      }
    }
  }
  CHECK(unlisted.empty());
}

// ---------------------------------------------------------------- parse_number

TEST_CASE("parse_number reads decimal numbers within the bounds", "[bench][number]") {
  const auto parse = [](std::string_view text) {
    return util::parse_number(text, 0, 100, "--max-p99-ms", "milliseconds");
  };
  const std::pair<const char*, double> valid[] = {
      {"0", 0},         {"100", 100}, {"12.5", 12.5}, {"1e2", 100},  {"1E1", 10},
      {"0.001", 0.001}, {"007", 7},   {"2.50", 2.5},  {"5e-1", 0.5}, {"99.999999", 99.999999},
  };
  for (const auto& [text, value] : valid) {
    INFO("text " << text);
    const auto result = parse(text);
    REQUIRE(result.has_value());
    CHECK(*result == value);
  }
  const auto low = util::parse_number("0.001", 0.001, 1e7, "--rate", "requests per second");
  REQUIRE(low.has_value());
  CHECK(*low == 0.001);
  const auto negative = util::parse_number("-2.5", -10, 10, "--offset", "units");
  REQUIRE(negative.has_value());
  CHECK(*negative == -2.5);
  const auto zero = util::parse_number("-0", 0, 100, "--max-p99-ms", "milliseconds");
  if (zero) CHECK(*zero == 0);
}

TEST_CASE("parse_number refuses garbage and values out of bounds, naming the option",
          "[bench][number]") {
  for (const char* text :
       {"",    "1e",       "abc",   "1,5",      " 1",   "1 ",    "+1",  "inf",  "-inf", "nan",
        "NaN", "infinity", "1e400", "-1e400",   "0x10", "1.2.3", "--1", "1..2", "e5",   ".",
        "-",   "1e+",      "1ms",   "100.0001", "-0.5", "101",   "1e3", "\xff"}) {
    INFO("text " << util::quote(text));
    const auto result = util::parse_number(text, 0, 100, "--max-p99-ms", "milliseconds");
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().kind == "bad_option");
    CHECK(contains(result.error().message, "--max-p99-ms"));
    CHECK(contains(result.error().message, "milliseconds"));
  }
  const auto nul = util::parse_number(std::string_view("1\0", 2), 0, 100, "--max-p99-ms", "ms");
  CHECK_FALSE(nul.has_value());
  const auto bad = util::parse_number("abc", 0.001, 1e7, "--rate", "requests per second");
  REQUIRE_FALSE(bad.has_value());
  CHECK(contains(bad.error().message, "--rate"));
  CHECK(contains(bad.error().message, "abc"));
  CHECK(contains(bad.error().message, "requests per second"));
}

TEST_CASE("parse_number refuses a 10 KB value with a short message", "[bench][number]") {
  for (const std::string& text :
       {std::string(10 * 1024, '9'), std::string(10 * 1024, 'x'), "1" + std::string(10 * 1024, '0'),
        "0." + std::string(10 * 1024, '0') + "1e"}) {
    const auto result = util::parse_number(text, 0, 100, "--min-rps", "requests per second");
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().kind == "bad_option");
    CHECK(contains(result.error().message, "--min-rps"));
    CHECK(result.error().message.size() < 400);
  }
}
