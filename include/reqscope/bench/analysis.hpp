#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reqscope/bench/result.hpp"
#include "reqscope/error.hpp"

namespace reqscope::bench {

// How a mean response's time divides between phases.
struct PhaseShare {
  std::string phase;   // "queue" (open loop), "connect", "tls", "wait", "transfer", "other"
  double mean_ms = 0;  // per response, connections' costs spread over every response
  double share = 0;    // of the mean latency, in [0, 1]
};

enum class Tail { none, tight, moderate, heavy };  // p99/p50: <2, 2-5, >5

struct Diagnosis {
  std::vector<PhaseShare> shares;  // largest first, phases with no time left out
  std::string dominant_phase;      // empty without responses
  double tail_ratio = 0;           // p99 / p50 of latency, 0 without responses
  Tail tail = Tail::none;
  // Open loop: how much p99 latency exceeds p99 service time, as a ratio; over
  // 1.5 requests waited for a connection, so the server could not keep up.
  double queueing_ratio = 0;
  bool rate_not_met = false;  // open loop: sends fell behind or requests went unsent
};
Diagnosis diagnose(const BenchResult& result);
std::string_view tail_name(Tail tail);

// --max-p50-ms, --max-p99-ms, --max-error-rate, --min-rps.
struct Thresholds {
  std::optional<double> max_p50_ms;
  std::optional<double> max_p99_ms;
  std::optional<double> max_error_rate;  // a fraction in [0, 1]
  std::optional<double> min_rps;
  bool any() const { return max_p50_ms || max_p99_ms || max_error_rate || min_rps; }
};

struct ThresholdCheck {
  std::string option;  // "--max-p99-ms"
  double bound = 0;
  double value = 0;
  bool ok = true;
  std::string message;  // "p99 41.2 ms is above --max-p99-ms 40 ms"
};
std::vector<ThresholdCheck> check_thresholds(const BenchResult& result,
                                             const Thresholds& thresholds);
bool all_passed(const std::vector<ThresholdCheck>& checks);

// The figures --compare puts side by side, read from a reqscope.bench/1 document.
struct Figure {
  std::string name;  // "rps", "p50_ms", "p99_ms", "error_rate", ...
  double value = 0;
};
Result<std::vector<Figure>> read_baseline(std::string_view json_text, std::string_view path);
std::vector<Figure> figures_for_compare(const BenchResult& result);

struct Change {
  std::string name;
  double before = 0;
  double after = 0;
  std::optional<double> change_pct;  // none when `before` is 0 and `after` is not
  bool higher_is_better = false;
  bool better() const;
};
std::vector<Change> compare(const std::vector<Figure>& before, const std::vector<Figure>& after);

}  // namespace reqscope::bench
