#include "reqscope/cors/request.hpp"

#include <algorithm>
#include <array>
#include <map>

#include "reqscope/http/trace.hpp"
#include "reqscope/util/text.hpp"

namespace reqscope::cors {

namespace {

constexpr std::size_t kMaxSafelistedValue = 128;
constexpr std::size_t kMaxSafelistedTotal = 1024;

std::optional<char> first_unsafe_byte(std::string_view value) {
  for (char c : value) {
    if (is_unsafe_header_byte(static_cast<unsigned char>(c))) return c;
  }
  return std::nullopt;
}

std::string describe_byte(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x21 && byte < 0x7f) return util::quote(std::string(1, c));
  constexpr char kHex[] = "0123456789abcdef";
  return std::string("byte 0x") + kHex[byte >> 4] + kHex[byte & 0xf];
}

bool is_language_byte(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if ((byte >= '0' && byte <= '9') || (byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z'))
    return true;
  return c == ' ' || c == '*' || c == ',' || c == '-' || c == '.' || c == ';' || c == '=';
}

// Fetch "parse a MIME type", as far as its essence: type "/" subtype, both tokens.
std::optional<std::string> mime_essence(std::string_view value) {
  value = util::trim(value);
  const auto slash = value.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const auto type = value.substr(0, slash);
  // Only trailing whitespace leaves the subtype: "text/ plain" is not a MIME type.
  auto subtype = value.substr(slash + 1);
  subtype = subtype.substr(0, subtype.find(';'));
  while (!subtype.empty() && (subtype.back() == ' ' || subtype.back() == '\t'))
    subtype.remove_suffix(1);
  if (!http::is_token(type) || !http::is_token(subtype)) return std::nullopt;
  return util::to_lower(type) + "/" + util::to_lower(subtype);
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Whether decimal `a` is greater than decimal `b`, at any length (Fetch puts no
// bound on a Range number).
bool greater_number(std::string_view a, std::string_view b) {
  const auto significant = [](std::string_view digits) {
    const auto first = digits.find_first_not_of('0');
    return first == std::string_view::npos ? std::string_view() : digits.substr(first);
  };
  a = significant(a);
  b = significant(b);
  return a.size() != b.size() ? a.size() > b.size() : a > b;
}

// Fetch "parse a single range header value" without whitespace: "bytes=" start "-" [end].
// Why the value is not one safelisted range with a start (a suffix range is not), if it is not.
std::optional<std::string> range_problem(std::string_view value) {
  constexpr std::string_view kPrefix = "bytes=";
  // Fetch compares "bytes" case-sensitively.
  if (!value.starts_with(kPrefix)) return "a Range value must start with \"bytes=\"";
  auto rest = value.substr(kPrefix.size());
  std::size_t i = 0;
  while (i < rest.size() && is_digit(rest[i]))
    ++i;
  const auto start = rest.substr(0, i);
  if (i >= rest.size() || rest[i] != '-')
    return "a safelisted Range is one range, bytes=START-[END]";
  const auto end = rest.substr(i + 1);
  if (!std::all_of(end.begin(), end.end(), is_digit))
    return "a safelisted Range is one range, bytes=START-[END]";
  if (start.empty()) return "a suffix range (bytes=-N) is not safelisted";
  if (!end.empty() && greater_number(start, end)) return "the range's start is after its end";
  return std::nullopt;
}

std::string unsafe_byte_reason(char c) {
  return "the value contains " + describe_byte(c) + ", a CORS-unsafe request-header byte";
}

constexpr std::array<std::string_view, 21> kForbiddenNames = {
    "accept-charset",
    "accept-encoding",
    "access-control-request-headers",
    "access-control-request-method",
    "connection",
    "content-length",
    "cookie",
    "cookie2",
    "date",
    "dnt",
    "expect",
    "host",
    "keep-alive",
    "origin",
    "referer",
    "set-cookie",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "via",
};

constexpr std::array<std::string_view, 3> kMethodOverrideNames = {
    "x-http-method", "x-http-method-override", "x-method-override"};

}  // namespace

std::string normalize_method(std::string_view method) {
  static constexpr std::array<std::string_view, 6> kNormalized = {"DELETE",  "GET",  "HEAD",
                                                                  "OPTIONS", "POST", "PUT"};
  for (auto name : kNormalized) {
    if (util::iequals(name, method)) return std::string(name);
  }
  return std::string(method);
}

bool is_forbidden_method(std::string_view method) {
  return util::iequals(method, "CONNECT") || util::iequals(method, "TRACE") ||
         util::iequals(method, "TRACK");
}

bool is_safelisted_method(std::string_view normalized_method) {
  return normalized_method == "GET" || normalized_method == "HEAD" || normalized_method == "POST";
}

bool is_unsafe_header_byte(unsigned char byte) {
  if (byte < 0x20) return byte != 0x09;
  switch (byte) {
    case '"':
    case '(':
    case ')':
    case ':':
    case '<':
    case '>':
    case '?':
    case '@':
    case '[':
    case '\\':
    case ']':
    case '{':
    case '}':
    case 0x7f:
      return true;
    default:
      return false;
  }
}

bool is_forbidden_request_header(const http::Header& header) {
  const auto name = util::to_lower(header.name);
  if (std::find(kForbiddenNames.begin(), kForbiddenNames.end(), name) != kForbiddenNames.end())
    return true;
  if (name.starts_with("proxy-") || name.starts_with("sec-")) return true;
  if (std::find(kMethodOverrideNames.begin(), kMethodOverrideNames.end(), name) !=
      kMethodOverrideNames.end()) {
    for (auto member : util::split(header.value, ',')) {
      if (is_forbidden_method(util::trim(member))) return true;
    }
  }
  return false;
}

std::optional<std::string> unsafe_header_reason(const http::Header& header) {
  const auto name = util::to_lower(header.name);
  const std::string_view value = header.value;
  const bool known = name == "accept" || name == "accept-language" || name == "content-language" ||
                     name == "content-type" || name == "range";
  if (!known) {
    return "not a CORS-safelisted request-header (only Accept, Accept-Language, "
           "Content-Language, Content-Type and Range can be)";
  }
  if (value.size() > kMaxSafelistedValue) {
    return "the value is " + std::to_string(value.size()) + " bytes, over the safelist's " +
           std::to_string(kMaxSafelistedValue);
  }
  if (name == "accept") {
    if (auto c = first_unsafe_byte(value)) return unsafe_byte_reason(*c);
  } else if (name == "accept-language" || name == "content-language") {
    const auto bad = std::find_if_not(value.begin(), value.end(), is_language_byte);
    if (bad != value.end()) {
      return "the value contains " + describe_byte(*bad) +
             "; language values may hold only letters, digits, space and *,-.;=";
    }
  } else if (name == "content-type") {
    if (auto c = first_unsafe_byte(value)) return unsafe_byte_reason(*c);
    const auto essence = mime_essence(value);
    if (!essence) return "the value is not a MIME type";
    if (*essence != "application/x-www-form-urlencoded" && *essence != "multipart/form-data" &&
        *essence != "text/plain") {
      return util::quote(*essence) +
             " is not one of the three safelisted types (application/x-www-form-urlencoded, "
             "multipart/form-data, text/plain)";
    }
  } else if (auto problem = range_problem(value)) {
    return *problem;
  }
  return std::nullopt;
}

std::vector<UnsafeHeader> unsafe_request_headers(const http::Headers& headers) {
  std::map<std::string, std::string> unsafe;
  std::vector<std::string> potentially_unsafe;
  std::size_t safelisted_bytes = 0;
  for (const auto& header : headers) {
    auto name = util::to_lower(header.name);
    if (auto reason = unsafe_header_reason(header)) {
      unsafe.emplace(std::move(name), std::move(*reason));
    } else {
      potentially_unsafe.push_back(std::move(name));
      safelisted_bytes += header.value.size();
    }
  }
  if (safelisted_bytes > kMaxSafelistedTotal) {
    for (auto& name : potentially_unsafe) {
      unsafe.emplace(std::move(name), "the safelisted headers' values add up to " +
                                          std::to_string(safelisted_bytes) +
                                          " bytes, over the safelist's " +
                                          std::to_string(kMaxSafelistedTotal));
    }
  }
  std::vector<UnsafeHeader> out;
  for (auto& [name, reason] : unsafe)
    out.push_back({name, std::move(reason)});
  return out;
}

Result<void> check_sendable(const Request& request) {
  if (is_forbidden_method(request.method)) {
    return fail("forbidden_method",
                "method " + util::quote(request.method) +
                    ": the browser would not send this (a forbidden method; fetch() throws)",
                "browsers refuse CONNECT, TRACE and TRACK");
  }
  for (const auto& header : request.headers) {
    if (!is_forbidden_request_header(header)) continue;
    const auto name = util::to_lower(header.name);
    std::string hint = "the browser sets this header itself; a page cannot";
    if (name == "cookie")
      hint =
          "a page cannot set cookies on a request; --credentials is how it asks the browser to "
          "send its own (reqscope has none to send)";
    if (std::find(kMethodOverrideNames.begin(), kMethodOverrideNames.end(), name) !=
        kMethodOverrideNames.end())
      hint = "browsers refuse a method override that names CONNECT, TRACE or TRACK";
    if (name == "origin") hint = "give the page's origin with --origin";
    if (name.starts_with("access-control-request-"))
      hint = "reqscope writes the preflight's headers from --method and --header";
    return fail("forbidden_header",
                "header " + util::quote(header.name) +
                    ": the browser would not send this (a forbidden request-header)",
                hint);
  }
  return {};
}

Result<Request> page_request(const Origin& origin, std::string_view method, http::Headers headers,
                             bool has_body, bool credentials) {
  Request request{origin, normalize_method(http::effective_method(std::string(method), has_body)),
                  std::move(headers), credentials};
  if (has_body) {
    if (request.method == "GET" || request.method == "HEAD") {
      return fail("bad_option", "-d: a " + request.method + " request cannot have a body",
                  "fetch() refuses a body with GET or HEAD; use -X POST or -X PUT");
    }
    const bool typed =
        std::any_of(request.headers.begin(), request.headers.end(),
                    [](const http::Header& h) { return util::iequals(h.name, "Content-Type"); });
    if (!typed) request.headers.push_back({"Content-Type", "text/plain;charset=UTF-8"});
  }
  auto sendable = check_sendable(request);
  if (!sendable) return tl::unexpected(sendable.error());
  return request;
}

PreflightPlan plan_preflight(const Request& request) {
  PreflightPlan plan;
  plan.method = normalize_method(request.method);
  if (!is_safelisted_method(plan.method)) {
    plan.reasons.push_back("method " + plan.method +
                           ": not a CORS-safelisted method (GET, HEAD, POST)");
  }
  plan.unsafe_headers = unsafe_request_headers(request.headers);
  for (const auto& header : plan.unsafe_headers)
    plan.reasons.push_back("header " + header.name + ": " + header.reason);
  plan.needed = !plan.reasons.empty();
  plan.headers.push_back({"Origin", request.origin.serialize()});
  plan.headers.push_back({"Access-Control-Request-Method", plan.method});
  if (!plan.unsafe_headers.empty()) {
    std::vector<std::string> names;
    for (const auto& header : plan.unsafe_headers)
      names.push_back(header.name);
    plan.headers.push_back({"Access-Control-Request-Headers", util::join(names, ",")});
  }
  return plan;
}

http::Headers actual_request_headers(const Request& request) {
  http::Headers headers = request.headers;
  headers.push_back({"Origin", request.origin.serialize()});
  return headers;
}

}  // namespace reqscope::cors
