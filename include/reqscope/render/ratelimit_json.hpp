#pragma once

#include "reqscope/ratelimit/report.hpp"
#include "reqscope/render/trace_json.hpp"

namespace reqscope::render {

inline constexpr const char* kRateLimitSchema = "reqscope.ratelimit/1";

// The document `reqscope ratelimit --json` prints: schema, url, status,
// headers {dialect, limit, remaining, reset_s, policy[], retry_after_s, ...},
// probe {requests_sent, first_429_at, limit, window_s, burst, refill_per_s,
// algorithm, confidence, timeline[{t_ms, status, remaining}], ...} or null,
// expect, ok. The keys come first and in its order.
Json ratelimit_document(const ratelimit::RateLimitReport& report);

}  // namespace reqscope::render
