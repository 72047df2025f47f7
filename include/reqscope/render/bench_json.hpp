#pragma once

#include <optional>
#include <vector>

#include "reqscope/bench/analysis.hpp"
#include "reqscope/bench/result.hpp"
#include "reqscope/render/bench_human.hpp"
#include "reqscope/render/trace_json.hpp"

namespace reqscope::render {

inline constexpr const char* kBenchSchema = "reqscope.bench/1";

// The document `reqscope bench --json` prints for a run that started: the
// documented keys in their documented order (schema, url, config, requests,
// errors, duration_ms, rps, latency_ms, service_ms, phases_ms, status,
// error_kinds, histogram, series, partial), then the extras. Milliseconds are
// rounded to microseconds. Its "ok" is true exactly when at least one response
// arrived and every threshold passed.
Json bench_document(const bench::BenchResult& result,
                    const std::vector<bench::ThresholdCheck>& checks,
                    const std::optional<BenchComparison>& comparison);

}  // namespace reqscope::render
