#include "reqscope/bench/analysis.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "reqscope/util/text.hpp"

namespace reqscope::bench {

namespace {

// Sends later than this behind their schedule mean the open loop did not hold its rate.
constexpr auto kLagTolerance = std::chrono::milliseconds(100);

std::string ms_text(double ms) {
  return fmt::format("{:.2f} ms", ms);
}

ThresholdCheck bound_check(std::string option, double bound, double value, bool ok,
                           std::string message) {
  return {std::move(option), bound, value, ok, std::move(message)};
}

ThresholdCheck latency_bound(const BenchResult& result, std::string option, std::string_view name,
                             double bound, double value) {
  if (result.latency.count() == 0) {
    return bound_check(std::move(option), bound, 0, false,
                       fmt::format("no response arrived, so there is no {} to hold within {} {}",
                                   name, option, ms_text(bound)));
  }
  const bool ok = value <= bound;
  return bound_check(option, bound, value, ok,
                     fmt::format("{} {} is {} {} {}", name, ms_text(value), ok ? "within" : "above",
                                 option, ms_text(bound)));
}

}  // namespace

std::string_view tail_name(Tail tail) {
  switch (tail) {
    case Tail::none:
      return "none";
    case Tail::tight:
      return "tight";
    case Tail::moderate:
      return "moderate";
    case Tail::heavy:
      return "heavy";
  }
  return "none";
}

Diagnosis diagnose(const BenchResult& result) {
  Diagnosis diagnosis;
  diagnosis.rate_not_met =
      result.config.open_loop() && (result.unsent > 0 || result.max_send_lag > kLagTolerance);
  const auto responses = result.latency.count();
  if (responses == 0) return diagnosis;

  const double total_ns = result.latency.sum_ns();
  const bool open = result.config.open_loop() && result.service.count() > 0;
  const double served_ns = open ? result.service.sum_ns() : total_ns;
  const double phases_ns = result.connect.sum_ns() + result.tls.sum_ns() + result.wait.sum_ns() +
                           result.transfer.sum_ns();
  const std::pair<const char*, double> parts[] = {
      {"queue", open ? std::max(0.0, total_ns - served_ns) : 0.0},
      {"connect", result.connect.sum_ns()},
      {"tls", result.tls.sum_ns()},
      {"wait", result.wait.sum_ns()},
      {"transfer", result.transfer.sum_ns()},
      {"other", std::max(0.0, served_ns - phases_ns)},
  };
  for (const auto& [phase, ns] : parts) {
    if (ns <= 0) continue;
    diagnosis.shares.push_back({phase, ns / static_cast<double>(responses) / 1e6,
                                total_ns > 0 ? std::min(1.0, ns / total_ns) : 0});
  }
  std::stable_sort(diagnosis.shares.begin(), diagnosis.shares.end(),
                   [](const PhaseShare& a, const PhaseShare& b) { return a.share > b.share; });
  if (!diagnosis.shares.empty()) diagnosis.dominant_phase = diagnosis.shares.front().phase;

  const double p50 = static_cast<double>(result.latency.percentile(50).count());
  const double p99 = static_cast<double>(result.latency.percentile(99).count());
  if (p50 > 0) {
    diagnosis.tail_ratio = p99 / p50;
    diagnosis.tail = diagnosis.tail_ratio < 2    ? Tail::tight
                     : diagnosis.tail_ratio <= 5 ? Tail::moderate
                                                 : Tail::heavy;
  }
  if (open) {
    const double service_p99 = static_cast<double>(result.service.percentile(99).count());
    if (service_p99 > 0) diagnosis.queueing_ratio = p99 / service_p99;
  }
  return diagnosis;
}

std::vector<ThresholdCheck> check_thresholds(const BenchResult& result,
                                             const Thresholds& thresholds) {
  std::vector<ThresholdCheck> checks;
  const auto figures = figures_of(result.latency);
  if (thresholds.max_p50_ms) {
    checks.push_back(
        latency_bound(result, "--max-p50-ms", "p50", *thresholds.max_p50_ms, figures.p50_ms));
  }
  if (thresholds.max_p99_ms) {
    checks.push_back(
        latency_bound(result, "--max-p99-ms", "p99", *thresholds.max_p99_ms, figures.p99_ms));
  }
  if (thresholds.max_error_rate) {
    const double bound = *thresholds.max_error_rate;
    if (result.requests == 0) {
      checks.push_back(
          bound_check("--max-error-rate", bound, 0, false,
                      fmt::format("no request completed, so there is no error rate to hold within "
                                  "--max-error-rate {:g}%",
                                  bound * 100)));
    } else {
      const double rate = error_rate(result);
      const bool ok = rate <= bound;
      checks.push_back(bound_check(
          "--max-error-rate", bound, rate, ok,
          fmt::format("error rate {:.2f}% ({} of {}) is {} --max-error-rate {:g}%", rate * 100,
                      result.errors, result.requests, ok ? "within" : "above", bound * 100)));
    }
  }
  if (thresholds.min_rps) {
    const double rps = requests_per_second(result);
    const bool ok = rps >= *thresholds.min_rps;
    checks.push_back(
        bound_check("--min-rps", *thresholds.min_rps, rps, ok,
                    fmt::format("throughput {:.1f} req/s is {} --min-rps {:g} req/s", rps,
                                ok ? "at or above" : "below", *thresholds.min_rps)));
  }
  return checks;
}

bool all_passed(const std::vector<ThresholdCheck>& checks) {
  return std::all_of(checks.begin(), checks.end(),
                     [](const ThresholdCheck& check) { return check.ok; });
}

std::vector<Figure> figures_for_compare(const BenchResult& result) {
  const auto latency = figures_of(result.latency);
  return {{"rps", requests_per_second(result)}, {"p50_ms", latency.p50_ms},
          {"p90_ms", latency.p90_ms},           {"p99_ms", latency.p99_ms},
          {"p999_ms", latency.p999_ms},         {"max_ms", latency.max_ms},
          {"mean_ms", latency.mean_ms},         {"error_rate", error_rate(result)}};
}

Result<std::vector<Figure>> read_baseline(std::string_view json_text, std::string_view path) {
  const std::string where = "--compare " + util::quote(path);
  const auto document = nlohmann::json::parse(json_text, nullptr, false);
  if (document.is_discarded() || !document.is_object()) {
    return fail("bad_file", where + " is not a JSON object",
                "give a file written by reqscope bench --json");
  }
  const auto schema = document.find("schema");
  if (schema == document.end() || !schema->is_string() || *schema != "reqscope.bench/1") {
    return fail("bad_file", where + " is not a reqscope.bench/1 result",
                "give a file written by reqscope bench --json");
  }
  const auto number_at = [&](const nlohmann::json::json_pointer& pointer) -> std::optional<double> {
    if (!document.contains(pointer)) return std::nullopt;
    const auto& value = document.at(pointer);
    if (!value.is_number()) return std::nullopt;
    return value.get<double>();
  };
  std::vector<Figure> figures;
  const std::pair<const char*, const char*> wanted[] = {
      {"rps", "/rps"},
      {"p50_ms", "/latency_ms/p50"},
      {"p90_ms", "/latency_ms/p90"},
      {"p99_ms", "/latency_ms/p99"},
      {"p999_ms", "/latency_ms/p999"},
      {"max_ms", "/latency_ms/max"},
      {"mean_ms", "/latency_ms/mean"},
  };
  for (const auto& [name, pointer] : wanted) {
    const auto value = number_at(nlohmann::json::json_pointer(pointer));
    if (!value) {
      return fail("bad_file", where + " has no number at " + pointer,
                  "give a file written by reqscope bench --json");
    }
    figures.push_back({name, *value});
  }
  const auto errors = number_at(nlohmann::json::json_pointer("/errors"));
  const auto requests = number_at(nlohmann::json::json_pointer("/requests"));
  if (!errors || !requests) {
    return fail("bad_file", where + " has no number at /errors or /requests",
                "give a file written by reqscope bench --json");
  }
  figures.push_back({"error_rate", *requests > 0 ? *errors / *requests : 0});
  return figures;
}

bool Change::better() const {
  if (!change_pct || *change_pct == 0) return false;
  return higher_is_better ? after > before : after < before;
}

std::vector<Change> compare(const std::vector<Figure>& before, const std::vector<Figure>& after) {
  std::vector<Change> changes;
  for (const auto& figure : after) {
    const auto old = std::find_if(before.begin(), before.end(),
                                  [&](const Figure& f) { return f.name == figure.name; });
    if (old == before.end()) continue;
    Change change;
    change.name = figure.name;
    change.before = old->value;
    change.after = figure.value;
    change.higher_is_better = figure.name == "rps";
    if (old->value != 0) {
      change.change_pct = (figure.value - old->value) / old->value * 100;
    } else if (figure.value == 0) {
      change.change_pct = 0;
    }
    changes.push_back(std::move(change));
  }
  return changes;
}

}  // namespace reqscope::bench
