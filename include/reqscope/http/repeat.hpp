#pragma once

#include <map>
#include <string>
#include <vector>

#include "reqscope/http/trace.hpp"
#include "reqscope/stats/summary.hpp"

namespace reqscope::http {

// The phase names in display order, as used in JSON ("dns" → "dns_ms").
inline constexpr const char* kPhaseNames[] = {"dns",  "connect",  "tls",  "send",
                                              "wait", "transfer", "total"};

// One phase's duration in milliseconds, by name from kPhaseNames.
double phase_ms(const Phases& phases, const std::string& name);

// Phases of a whole trace: each phase summed over its hops; total is the trace's.
Phases trace_phases(const TraceResult& trace);

// Per-phase statistics over the successful runs of a --repeat series.
std::map<std::string, stats::Summary> summarize_runs(const std::vector<TraceResult>& runs);

}  // namespace reqscope::http
