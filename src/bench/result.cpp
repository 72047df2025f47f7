#include "reqscope/bench/result.hpp"

#include <algorithm>
#include <cmath>

namespace reqscope::bench {

namespace {

// About how many equal bins a narrow spread of latencies is drawn in.
constexpr double kLinearBins = 10;

double ms_of(std::int64_t ns) {
  return static_cast<double>(ns) / 1e6;
}

double ms_of(std::chrono::nanoseconds value) {
  return ms_of(value.count());
}

double seconds_of(const BenchResult& result) {
  return std::chrono::duration<double>(result.duration).count();
}

// The smallest bound on the 1-2-5 ladder of milliseconds at or above `ms`.
double ladder_at_or_above(double ms) {
  double decade = std::pow(10.0, std::floor(std::log10(std::max(ms, 1e-6))));
  for (;;) {
    for (const double step : {1.0, 2.0, 5.0}) {
      if (step * decade >= ms * (1 - 1e-9)) return step * decade;
    }
    decade *= 10;
  }
}

double ladder_after(double bound) {
  return ladder_at_or_above(bound * 1.0001);
}

}  // namespace

std::string_view stop_reason_name(StopReason reason) {
  switch (reason) {
    case StopReason::requests:
      return "requests";
    case StopReason::duration:
      return "duration";
    case StopReason::max_requests:
      return "max_requests";
    case StopReason::interrupted:
      return "interrupted";
  }
  return "duration";
}

LatencyFigures figures_of(const stats::Histogram& histogram) {
  LatencyFigures figures;
  figures.count = histogram.count();
  if (figures.count == 0) return figures;
  figures.min_ms = ms_of(histogram.min());
  figures.mean_ms = histogram.mean_ns() / 1e6;
  figures.stdev_ms = histogram.stdev_ns() / 1e6;
  figures.p50_ms = ms_of(histogram.percentile(50));
  figures.p90_ms = ms_of(histogram.percentile(90));
  figures.p99_ms = ms_of(histogram.percentile(99));
  figures.p999_ms = ms_of(histogram.percentile(99.9));
  figures.max_ms = ms_of(histogram.max());
  return figures;
}

bool no_response(const BenchResult& result) {
  return result.responses == 0 && (result.requests > 0 || !result.partial());
}

double requests_per_second(const BenchResult& result) {
  const double seconds = seconds_of(result);
  return seconds > 0 ? static_cast<double>(result.requests) / seconds : 0;
}

double bytes_per_second(const BenchResult& result) {
  const double seconds = seconds_of(result);
  return seconds > 0 ? static_cast<double>(result.bytes_received) / seconds : 0;
}

double error_rate(const BenchResult& result) {
  return result.requests == 0
             ? 0
             : static_cast<double>(result.errors) / static_cast<double>(result.requests);
}

std::vector<HistogramBin> display_bins(const stats::Histogram& histogram) {
  std::vector<HistogramBin> bins;
  if (histogram.count() == 0) return bins;
  const double low = ms_of(histogram.min());
  const double high = ms_of(histogram.max());
  // A narrow spread reads best in equal steps, a wide one on the 1-2-5 ladder.
  const double step = ladder_at_or_above((high - low) / kLinearBins);
  if (high > 0 && high - low > 0 && high / std::max(low, 1e-6) < 10) {
    for (double bound = (std::floor(low / step) + 1) * step;; bound += step) {
      bins.push_back({bound, 0});
      if (bound >= high * (1 - 1e-9)) break;
    }
  } else {
    const double top = ladder_at_or_above(high);
    for (double bound = ladder_at_or_above(low);; bound = ladder_after(bound)) {
      bins.push_back({bound, 0});
      if (bound >= top) break;
    }
  }
  // Each bucket goes to the first bin whose bound is at or above its middle.
  std::size_t bin = 0;
  const std::size_t last = stats::Histogram::bucket_of(histogram.max().count());
  for (std::size_t i = stats::Histogram::bucket_of(histogram.min().count()); i <= last; ++i) {
    const std::uint64_t count = histogram.count_at(i);
    if (count == 0) continue;
    const double middle = ms_of(std::clamp(
        (stats::Histogram::bucket_lower_ns(i) + stats::Histogram::bucket_upper_ns(i)) / 2,
        histogram.min().count(), histogram.max().count()));
    while (bin + 1 < bins.size() && bins[bin].le_ms < middle * (1 - 1e-9))
      ++bin;
    bins[bin].count += count;
  }
  return bins;
}

}  // namespace reqscope::bench
