#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "reqscope/bench/analysis.hpp"
#include "reqscope/bench/result.hpp"
#include "reqscope/http/trace.hpp"

// Readings of a bench result that both of its views make, kept in one place so
// that the human view and the JSON document cannot disagree.
namespace reqscope::render::bench_view {

// The method sent: as given, else GET, or POST with a body (as libcurl does).
inline std::string method_of(const bench::BenchConfig& config) {
  return http::effective_method(config.request.method, config.request.body.has_value());
}

inline std::uint64_t error_count(const bench::BenchResult& result, std::string_view kind) {
  const auto found = result.error_kinds.find(kind);
  return found == result.error_kinds.end() ? 0 : found->second;
}

// What the exit code says: a response arrived (or Ctrl-C came before any
// request completed) and every threshold held.
inline bool run_ok(const bench::BenchResult& result,
                   const std::vector<bench::ThresholdCheck>& checks) {
  return !bench::no_response(result) && bench::all_passed(checks);
}

}  // namespace reqscope::render::bench_view
