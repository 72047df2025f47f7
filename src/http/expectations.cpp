#include "reqscope/http/expectations.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "reqscope/util/duration.hpp"

namespace reqscope::http {

std::vector<Check> evaluate(const TraceResult& trace, const Expectations& expectations) {
  std::vector<Check> checks;
  if (!trace.ok() || trace.hops.empty()) return checks;
  const Hop& last = trace.hops.back();
  if (expectations.status) {
    const bool ok = last.status == *expectations.status;
    checks.push_back({"status", ok,
                      fmt::format("status {} {} expected {}", last.status,
                                  ok ? "==" : "!=", *expectations.status)});
  }
  if (expectations.max_total_ms) {
    const double total = util::to_ms(trace.total);
    const bool ok = total <= *expectations.max_total_ms;
    checks.push_back({"total", ok,
                      fmt::format("total {:.2f} ms {} limit {:.2f} ms", total, ok ? "<=" : ">",
                                  *expectations.max_total_ms)});
  }
  if (expectations.max_ttfb_ms) {
    const double ttfb = util::to_ms(time_to_first_byte(last.phases));
    const bool ok = ttfb <= *expectations.max_ttfb_ms;
    checks.push_back({"ttfb", ok,
                      fmt::format("time to first byte {:.2f} ms {} limit {:.2f} ms", ttfb,
                                  ok ? "<=" : ">", *expectations.max_ttfb_ms)});
  }
  return checks;
}

bool all_passed(const std::vector<Check>& checks) {
  return std::all_of(checks.begin(), checks.end(), [](const Check& c) { return c.ok; });
}

}  // namespace reqscope::http
