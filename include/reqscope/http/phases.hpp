#pragma once

#include <chrono>
#include <optional>

namespace reqscope::http {

using std::chrono::nanoseconds;

// Non-cumulative durations of one request; they add up to `total` exactly.
struct Phases {
  nanoseconds dns{0};
  nanoseconds connect{0};
  nanoseconds tls{0};
  nanoseconds send{0};      // from connection ready until the request was written
  nanoseconds wait{0};      // from request written until the first response byte
  nanoseconds transfer{0};  // from the first response byte until the last
  nanoseconds total{0};
};

// Cumulative instants of one transfer, measured from its start (after DNS).
// libcurl reports them this way; missing or out-of-order values (a reused
// connection has no connect or TLS instant) are clamped into order.
struct PhaseMarks {
  nanoseconds dns{0};  // reqscope's own lookup, before the transfer started
  nanoseconds connected{0};
  nanoseconds tls_done{0};
  std::optional<nanoseconds> request_sent;
  nanoseconds first_byte{0};
  nanoseconds done{0};
};

Phases compute_phases(const PhaseMarks& marks);

// Time to first byte of a hop: everything before the transfer phase.
inline nanoseconds time_to_first_byte(const Phases& p) {
  return p.total - p.transfer;
}

}  // namespace reqscope::http
