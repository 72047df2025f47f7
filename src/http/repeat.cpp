#include "reqscope/http/repeat.hpp"

#include "reqscope/util/duration.hpp"

namespace reqscope::http {

double phase_ms(const Phases& phases, const std::string& name) {
  if (name == "dns") return util::to_ms(phases.dns);
  if (name == "connect") return util::to_ms(phases.connect);
  if (name == "tls") return util::to_ms(phases.tls);
  if (name == "send") return util::to_ms(phases.send);
  if (name == "wait") return util::to_ms(phases.wait);
  if (name == "transfer") return util::to_ms(phases.transfer);
  return util::to_ms(phases.total);
}

Phases trace_phases(const TraceResult& trace) {
  Phases sum;
  for (const auto& hop : trace.hops) {
    sum.dns += hop.phases.dns;
    sum.connect += hop.phases.connect;
    sum.tls += hop.phases.tls;
    sum.send += hop.phases.send;
    sum.wait += hop.phases.wait;
    sum.transfer += hop.phases.transfer;
  }
  sum.total = trace.total;
  return sum;
}

std::map<std::string, stats::Summary> summarize_runs(const std::vector<TraceResult>& runs) {
  std::map<std::string, std::vector<double>> values;
  for (const auto& run : runs) {
    if (!run.ok()) continue;
    const auto phases = trace_phases(run);
    for (const char* name : kPhaseNames)
      values[name].push_back(phase_ms(phases, name));
  }
  std::map<std::string, stats::Summary> summaries;
  for (const auto& [name, series] : values)
    summaries[name] = stats::summarize(series);
  return summaries;
}

}  // namespace reqscope::http
