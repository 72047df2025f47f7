#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reqscope/error.hpp"
#include "reqscope/ratelimit/headers.hpp"
#include "reqscope/ratelimit/probe.hpp"

namespace reqscope::ratelimit {

// --tolerance: a count ("2") or a share of the expected limit ("10%").
struct Tolerance {
  double value = 0;
  bool percent = false;
};
// Kind "bad_option" naming the value on failure.
Result<Tolerance> parse_tolerance(std::string_view text);

// --expect-limit N ± tolerance, held against the probed limit, or the
// header's limit without --probe.
struct ExpectCheck {
  std::int64_t expected = 0;
  Tolerance tolerance;
  std::optional<std::int64_t> actual;  // nullopt: nothing to compare (fails)
  std::string source;                  // "probe" or "headers"
  bool passed = false;
};
ExpectCheck check_expected_limit(std::int64_t expected, Tolerance tolerance,
                                 std::optional<std::int64_t> actual, std::string source);

// Everything one `reqscope ratelimit` run learned; both views render this.
struct RateLimitReport {
  std::string url;
  std::string method = "GET";  // as sent, for the title of the human view
  long status = 0;             // the first answer's status (0: none)
  std::string http_version;    // of the first answer
  RateLimitHeaders headers;    // of the first answer
  std::vector<std::string> keyed_on;
  std::optional<ProbeResult> probe;
  std::optional<ExpectCheck> expect;
  std::optional<Error> failure;  // no answer at all: exit 3
};

// A probe's report: status and headers from its first answer (asking again
// would cost a request beyond --max-requests), the hints from those headers
// and the request's, and a failure only when no request was answered.
RateLimitReport report_of_probe(std::string url, std::string method, ProbeResult probe,
                                const http::Headers& request_headers);

}  // namespace reqscope::ratelimit
