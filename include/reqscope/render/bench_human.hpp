#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reqscope/bench/analysis.hpp"
#include "reqscope/bench/result.hpp"
#include "reqscope/render/trace_human.hpp"

namespace reqscope::render {

// What --compare found: the baseline document read and each figure's change.
struct BenchComparison {
  std::string baseline_path;
  std::vector<bench::Change> changes;
};

// The human view of `reqscope bench`: the title (method, URL, load model), the
// verdict with its warnings, throughput, the latency table per phase, status
// codes and errors, the latency histogram, with -v each second, and the
// thresholds and --compare sections when given.
std::string render_bench(const bench::BenchResult& result,
                         const std::vector<bench::ThresholdCheck>& checks,
                         const std::optional<BenchComparison>& comparison,
                         const HumanOptions& options);

// The plain-language notes of --explain, with this run's numbers; starts with
// a blank line so that it can follow render_bench() directly.
std::string explain_bench(const bench::BenchResult& result);

}  // namespace reqscope::render
