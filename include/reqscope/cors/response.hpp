#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reqscope/cors/request.hpp"
#include "reqscope/http/header.hpp"

namespace reqscope::cors {

// What a browser would see of one response.
struct Response {
  long status = 0;
  http::Headers headers;
};

// One decision of the browser's, named by the Fetch standard's rule.
struct Check {
  std::string id;    // stable: "ok_status", "allow_origin", "allow_credentials",
                     // "allow_methods", "allow_headers", "max_age"
  std::string rule;  // the Fetch standard's term, e.g. "CORS check"
  bool ok = false;
  std::string detail;     // what was found, in one sentence
  http::Headers headers;  // the response headers that decided it (absent ones not listed)
  std::string fix;        // the header change that makes it pass; empty when ok
};

// Fetch "get" from a header list: every value of `name` (any case) joined by ", ",
// or nullopt when there is none.
std::optional<std::string> get_header(const http::Headers& headers, std::string_view name);

// Fetch "extract header list values" for a #token list (Allow-Methods, -Headers,
// Expose-Headers): the members, empty ones dropped; nullopt when the header is
// absent; an error message naming the bad member when it is not a token list.
struct TokenList {
  bool present = false;
  std::vector<std::string> members;
  std::string error;  // non-empty: not a valid list; the browser treats it as a failure
};
TokenList extract_token_list(const http::Headers& headers, std::string_view name);

// Preflight response checks of a CORS-preflight fetch, in the browser's order:
// ok status, the CORS check (allow-origin, allow-credentials), methods, headers, max-age.
std::vector<Check> check_preflight(const Request& request, const PreflightPlan& plan,
                                   const Response& response);

// Fetch's "CORS check" of any response: allow-origin and, with credentials,
// allow-credentials.
std::vector<Check> cors_check(const Request& request, const Response& response);

// The actual response's checks: the CORS check and, for a redirect the browser
// would follow (301, 302, 303, 307, 308 with a Location), the failed check
// "redirect": the verdict depends on a target reqscope does not fetch.
std::vector<Check> check_actual(const Request& request, const Response& response);

// True when no check failed.
bool passed(const std::vector<Check>& checks);

// Fetch "CORS-safelisted response-header name" plus Access-Control-Expose-Headers:
// the names of `response`'s headers a page can read (lower case, sorted), never
// Set-Cookie. Empty when the CORS check fails: the page gets a network error.
std::vector<std::string> readable_headers(const Request& request, const Response& response);

// Whether Vary lists Origin (or is *), so shared caches keep one answer per origin.
bool vary_lists_origin(const http::Headers& headers);

inline constexpr long kMaxAgeDefault = 5;
inline constexpr long kChromiumMaxAgeCap = 7200;

// Seconds the browser may cache a successful preflight: Access-Control-Max-Age,
// 5 when absent or invalid, at most Chromium's cap of 7200.
struct MaxAge {
  long seconds = kMaxAgeDefault;
  bool present = false;
  bool valid = true;
  long capped_from = 0;  // non-zero: the server's larger value
};
MaxAge preflight_max_age(const http::Headers& headers);

}  // namespace reqscope::cors
