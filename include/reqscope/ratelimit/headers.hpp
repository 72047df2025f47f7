#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reqscope/error.hpp"
#include "reqscope/http/header.hpp"

// Reading what a response says about its rate limit, in every dialect in use:
//   "ietf"         RateLimit + RateLimit-Policy, structured fields
//                  (draft-ietf-httpapi-ratelimit-headers-08 and later:
//                  policies "name";q=100;w=60;pk=:...: and "name";r=50;t=30;
//                  also the -07 form RateLimit: limit=100, remaining=50, reset=30)
//   "draft"        RateLimit-Limit / RateLimit-Remaining / RateLimit-Reset
//                  (the earlier drafts; RateLimit-Limit may list "100, 100;w=60")
//   "x"            X-RateLimit-Limit / -Remaining / -Reset / -Used / -Resource
//   "x-rate-limit" X-Rate-Limit-Limit / -Remaining / -Reset
// plus Retry-After. Pure functions: nothing here touches the network or a clock.
namespace reqscope::ratelimit {

// How a reset or Retry-After value was written.
enum class TimeForm {
  delta_seconds,      // "31": seconds from the response
  unix_seconds,       // "1765127431": a Unix time (values from 10^9)
  unix_milliseconds,  // "1765127431000": a Unix time in ms (values from 10^12)
  http_date,          // "Mon, 07 Dec 2026 17:50:31 GMT" (Retry-After only)
};

// A point in time, shown both ways whatever form it came in.
struct ResetTime {
  TimeForm form = TimeForm::delta_seconds;
  double seconds_from_response = 0;  // negative when it is already past
  std::int64_t unix_seconds = 0;     // computed from the response's time for a delta
};

// One quota policy the server declares.
struct Policy {
  std::string name;                          // IETF policy name; empty in older dialects
  std::optional<std::int64_t> quota;         // q (or the integer of older forms)
  std::string quota_unit = "requests";       // qu: requests, content-bytes, concurrent-requests
  std::optional<std::int64_t> window_s;      // w
  std::optional<std::int64_t> remaining;     // r, from the RateLimit field of the same name
  std::optional<std::int64_t> reset_s;       // t, from the RateLimit field of the same name
  std::optional<std::string> partition_key;  // pk: printable text as is, other bytes as base64
};

// Every rate-limit related header the response carried, as received.
struct HeaderField {
  std::string name;                    // as the server spelled it
  std::string value;                   // duplicates joined with ", "
  std::string dialect;                 // "ietf", "draft", "x", "x-rate-limit", "retry-after"
  std::optional<std::string> problem;  // set: malformed, and why (the value is then not used)
};

struct RateLimitHeaders {
  // The dialect the figures below come from: the first found of ietf, draft,
  // x, x-rate-limit; "none" when no rate-limit header was found.
  std::string dialect = "none";
  std::vector<std::string> dialects_found;  // every dialect present, in that order
  std::optional<std::int64_t> limit;
  std::optional<std::int64_t> remaining;
  std::optional<std::int64_t> used;
  std::optional<ResetTime> reset;
  std::optional<std::int64_t> window_s;
  // IETF: every policy, the binding one (fewest remaining) first. Draft:
  // the policies listed in RateLimit-Limit, or in a RateLimit-Policy sent
  // with the draft fields (as draft-06 did).
  std::vector<Policy> policy;
  std::optional<ResetTime> retry_after;
  std::optional<std::string> resource;  // X-RateLimit-Resource (GitHub: "core", "search")
  std::optional<std::string> scope;     // X-RateLimit-Scope ("user", "shared", "global")
  std::vector<HeaderField> fields;

  bool any() const { return !fields.empty(); }
  bool has_problems() const;
};

// Reads every rate-limit header of a response. `received_at` is the Unix time
// the response was received; the response's own Date header is preferred for
// converting Unix-time resets and HTTP-dates, so a skewed local clock does not
// shift them. A malformed field is reported in `fields` with its problem and
// contributes nothing (never a guess).
RateLimitHeaders parse_rate_limit_headers(const http::Headers& headers, std::int64_t received_at);

// The pieces, for tests and reuse.
// RFC 9110 delta-seconds: 1*DIGIT, at most 10 digits; kind "bad_header".
Result<std::int64_t> parse_delta_seconds(std::string_view text);
// A non-negative decimal integer for a count header (limit, remaining, used).
Result<std::int64_t> parse_count(std::string_view text);
// An HTTP-date in any of RFC 9110's three forms (IMF-fixdate, RFC 850,
// asctime) as Unix seconds; nullopt when it is not one or names an impossible date.
std::optional<std::int64_t> parse_http_date(std::string_view text);
// A reset value: delta seconds, or a Unix time in s or ms detected by size;
// digits with an optional fraction ("1765127431.250").
Result<ResetTime> parse_reset(std::string_view text, std::int64_t now_unix);
// Retry-After: delta seconds or an HTTP-date.
Result<ResetTime> parse_retry_after(std::string_view text, std::int64_t now_unix);

// Whether an answer means "you are being limited": 429, or a 403/503 that
// says so (Retry-After, or remaining 0 in a rate-limit header), as GitHub's
// primary limit answers 403.
bool is_limited(long status, const RateLimitHeaders& headers);

// What the limit appears keyed on, from what the response and the request show:
// a partition key, X-RateLimit-Resource or -Scope, policy names, and the
// credentials the request carried. Each hint is one sentence.
std::vector<std::string> keyed_on_hints(const RateLimitHeaders& headers,
                                        const http::Headers& request_headers);

const char* time_form_name(TimeForm form);

}  // namespace reqscope::ratelimit
