#pragma once

#include <string>

#include "reqscope/ratelimit/headers.hpp"
#include "reqscope/ratelimit/report.hpp"
#include "reqscope/render/trace_human.hpp"

namespace reqscope::render {

// What a response's rate-limit headers mean in one sentence, such as
// "50 of 100 left in this 60 s window, resets in 31 s"; empty without headers.
std::string describe_limit(const ratelimit::RateLimitHeaders& headers);

// The human view of `reqscope ratelimit`: the verdict first (limit found,
// no limit found, expectation met or not), the first answer's status and
// every rate-limit header with its meaning or its problem, then with --probe
// the inferred limit, window, burst, refill rate and algorithm with its
// confidence and evidence, and the timeline (-v: every request; otherwise
// condensed runs of equal answers). Fits 80 columns.
std::string render_ratelimit(const ratelimit::RateLimitReport& report, const HumanOptions& options);

// The plain-language notes of --explain: 429 and Retry-After, the four
// algorithm families, how a client should back off (exponential with jitter,
// honouring Retry-After), with this run's numbers. Starts with a blank line
// so that it can follow render_ratelimit() directly.
std::string explain_ratelimit(const ratelimit::RateLimitReport& report);

}  // namespace reqscope::render
