#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "reqscope/http/trace.hpp"

namespace reqscope::http {

// What --expect-status, --max-total-ms and --max-ttfb-ms ask of a trace.
struct Expectations {
  std::optional<long> status;
  std::optional<double> max_total_ms;
  std::optional<double> max_ttfb_ms;
  bool empty() const { return !status && !max_total_ms && !max_ttfb_ms; }
};

struct Check {
  std::string name;  // "status", "total", "ttfb"
  bool ok = false;
  std::string detail;
};

// Checks the final hop: its status, the trace's total time and the final
// hop's time to first byte. A failed trace yields no checks.
std::vector<Check> evaluate(const TraceResult& trace, const Expectations& expectations);

// True when every check passed (and when there are none).
bool all_passed(const std::vector<Check>& checks);

}  // namespace reqscope::http
