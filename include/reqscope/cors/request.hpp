#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reqscope/cors/origin.hpp"
#include "reqscope/error.hpp"
#include "reqscope/http/header.hpp"

namespace reqscope::cors {

// The cross-origin request a page would make: fetch(url, {method, headers, credentials}).
struct Request {
  Origin origin;
  std::string method = "GET";  // as the page wrote it; see normalize_method
  http::Headers headers;       // the page's own headers, not Origin
  bool credentials = false;    // credentials mode "include" (cookies, HTTP auth)
};

// Fetch "normalize a method": DELETE, GET, HEAD, OPTIONS, POST and PUT are
// upper-cased whatever their case; any other method is sent exactly as written.
std::string normalize_method(std::string_view method);

// Fetch "forbidden method": CONNECT, TRACE, TRACK in any case; fetch() throws.
bool is_forbidden_method(std::string_view method);

// Fetch "CORS-safelisted method": GET, HEAD, POST (after normalizing).
bool is_safelisted_method(std::string_view normalized_method);

// Fetch "CORS-unsafe request-header byte".
bool is_unsafe_header_byte(unsigned char byte);

// Fetch "forbidden request-header": names the browser sets itself and never
// lets a page set (Host, Cookie, Origin, Sec-*, Proxy-*, ...), and the
// method-override headers when they name a forbidden method.
bool is_forbidden_request_header(const http::Header& header);

// Why (name, value) is not a "CORS-safelisted request-header", or nullopt when it
// is one: only Accept, Accept-Language, Content-Language, Content-Type and Range
// qualify, each with value rules and a 128-byte limit.
std::optional<std::string> unsafe_header_reason(const http::Header& header);

// One of the "CORS-unsafe request-header names", with why it is unsafe.
struct UnsafeHeader {
  std::string name;  // lower case
  std::string reason;
};

// Fetch "CORS-unsafe request-header names": the sorted, lower-cased, duplicate-free
// names of headers that are not safelisted, plus every safelisted one when their
// values add up to more than 1024 bytes.
std::vector<UnsafeHeader> unsafe_request_headers(const http::Headers& headers);

// Refuses what a page cannot send: a forbidden method (kind "forbidden_method") or
// a forbidden request-header such as Host (kind "forbidden_header"), each
// "the browser would not send this" with the value named.
Result<void> check_sendable(const Request& request);

// The request fetch() makes from a page's call: the method normalized (GET, or
// POST when there is a body), Content-Type text/plain;charset=UTF-8 added for a
// body without one; a body on GET or HEAD (kind "bad_option") and whatever
// check_sendable() refuses are errors.
Result<Request> page_request(const Origin& origin, std::string_view method, http::Headers headers,
                             bool has_body, bool credentials);

// Whether and why a preflight precedes the request, and what it carries.
struct PreflightPlan {
  bool needed = false;
  std::vector<std::string> reasons;  // one sentence per cause; empty when not needed
  std::string method;                // the normalized method
  std::vector<UnsafeHeader> unsafe_headers;
  // OPTIONS request headers: Origin, Access-Control-Request-Method and, when there
  // are unsafe names, Access-Control-Request-Headers (joined by "," as browsers do).
  http::Headers headers;
};

PreflightPlan plan_preflight(const Request& request);

// The actual request's headers as the browser sends them: the page's headers and Origin.
http::Headers actual_request_headers(const Request& request);

}  // namespace reqscope::cors
