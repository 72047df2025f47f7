#include "reqscope/http/phases.hpp"

#include <algorithm>

namespace reqscope::http {

Phases compute_phases(const PhaseMarks& marks) {
  const nanoseconds zero{0};
  const auto connected = std::max(marks.connected, zero);
  const auto tls_done = std::max(marks.tls_done, connected);
  const auto first_byte = std::max(marks.first_byte, tls_done);
  const auto done = std::max(marks.done, first_byte);
  const auto sent = std::clamp(marks.request_sent.value_or(tls_done), tls_done, first_byte);

  Phases phases;
  phases.dns = std::max(marks.dns, zero);
  phases.connect = connected;
  phases.tls = tls_done - connected;
  phases.send = sent - tls_done;
  phases.wait = first_byte - sent;
  phases.transfer = done - first_byte;
  phases.total = phases.dns + done;
  return phases;
}

}  // namespace reqscope::http
