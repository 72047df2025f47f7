#pragma once

#include <string>
#include <vector>

#include "reqscope/cors/evaluation.hpp"

namespace reqscope::cors {

// One origin --scan sends instead of the page's own.
struct ScanProbe {
  std::string id;      // "unrelated", "null", "prefix", "suffix", "other_scheme", "other_port"
  std::string origin;  // serialized, as sent in Origin
};

// The origins to try for `origin`: an unrelated one, "null", look-alikes that
// start or end with the real host (not for IP addresses), the other scheme and
// another port. Opaque origins get only the unrelated probe.
std::vector<ScanProbe> scan_probes(const Origin& origin);

struct ProbeResponse {
  ScanProbe probe;
  Response response;
};

// Misconfigurations shown by the probes' responses compared with `baseline`
// (the response to the page's own origin, of the same kind: the preflight when
// one was needed): origins allowed that should not be, credentials with a
// wildcard or a reflected origin, a varying allow-origin without Vary: Origin,
// and allow-methods broader than the request needs.
std::vector<Finding> scan_findings(const Request& request, const Response& baseline,
                                   const std::vector<ProbeResponse>& probes);

}  // namespace reqscope::cors
