#include "reqscope/cors/response.hpp"

#include <algorithm>
#include <array>
#include <set>

#include "reqscope/util/text.hpp"

namespace reqscope::cors {

namespace {

constexpr const char* kAllowOrigin = "Access-Control-Allow-Origin";
constexpr const char* kAllowCredentials = "Access-Control-Allow-Credentials";
constexpr const char* kAllowMethods = "Access-Control-Allow-Methods";
constexpr const char* kAllowHeaders = "Access-Control-Allow-Headers";
constexpr const char* kMaxAgeHeader = "Access-Control-Max-Age";
constexpr const char* kExposeHeaders = "Access-Control-Expose-Headers";

constexpr const char* kCorsCheck = "CORS check";
constexpr long kMaxAgeSaturation = 1'000'000'000'000;

// The response headers named `name`, as received: the evidence of a check.
http::Headers evidence(const http::Headers& headers, std::string_view name) {
  http::Headers out;
  for (const auto& header : headers) {
    if (util::iequals(header.name, name)) out.push_back(header);
  }
  return out;
}

// A check that fails until it is shown to pass, with the headers named `header` as evidence.
Check failing_check(const char* id, const char* rule, const Response& response,
                    const char* header) {
  return {id, rule, false, "", evidence(response.headers, header), ""};
}

// The names in a list that is not a valid one ("GET PUT"), for a fix that keeps them.
std::vector<std::string> loose_members(const http::Headers& headers, const char* name) {
  std::vector<std::string> members;
  auto value = get_header(headers, name).value_or("");
  std::replace(value.begin(), value.end(), ',', ' ');
  for (auto word : util::split(value, ' ')) {
    if (http::is_token(word)) members.emplace_back(word);
  }
  return members;
}

bool contains_exact(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

bool contains_ignoring_case(const std::vector<std::string>& list, std::string_view item) {
  return std::any_of(list.begin(), list.end(),
                     [&](const std::string& member) { return util::iequals(member, item); });
}

// "Name: a, b, c" with `added` appended to the members a server already sends.
// `*` stays only where it still counts (no credentials). Methods compare byte
// for byte: a member that differs only in case from a method the browser
// upper-cases ("delete") can never match and is replaced; other spellings stay.
std::string list_fix(const char* header, std::vector<std::string> members,
                     const std::vector<std::string>& added, bool keep_wildcard, bool methods) {
  if (!keep_wildcard)
    members.erase(std::remove(members.begin(), members.end(), "*"), members.end());
  for (const auto& name : added) {
    const auto lower = util::to_lower(name);
    if (methods && normalize_method(lower) != lower) {
      members.erase(std::remove_if(members.begin(), members.end(),
                                   [&](const std::string& m) { return util::iequals(m, name); }),
                    members.end());
    }
    const bool listed =
        methods ? contains_exact(members, name) : contains_ignoring_case(members, name);
    if (!listed) members.push_back(name);
  }
  return std::string(header) + ": " + util::join(members, ", ");
}

Check allow_origin_check(const Request& request, const Response& response) {
  auto check = failing_check("allow_origin", kCorsCheck, response, kAllowOrigin);
  const auto origin = request.origin.serialize();
  const auto value = get_header(response.headers, kAllowOrigin);
  const std::string exact_fix = std::string(kAllowOrigin) + ": " + origin;
  if (!value) {
    check.detail = "the response has no Access-Control-Allow-Origin header";
    check.fix = exact_fix;
    if (response.status >= 400) {
      check.fix +=
          " (error responses need it too, or the page cannot read the error: in nginx, "
          "add_header ... always)";
    }
    return check;
  }
  if (*value == "*") {
    if (!request.credentials) {
      check.ok = true;
      check.detail = "* allows every origin, as the request carries no credentials";
      return check;
    }
    check.detail = "* is not allowed when the request includes credentials";
    check.fix = exact_fix + " (echo the allowed origin instead of *, with Vary: Origin)";
    return check;
  }
  if (*value == origin) {
    check.ok = true;
    check.detail = "matches the origin " + origin + " byte for byte";
    return check;
  }
  check.fix = exact_fix;
  if (check.headers.size() > 1 || value->find(',') != std::string::npos ||
      value->find(' ') != std::string::npos) {
    check.detail =
        util::quote(*value) + " holds several values; it must be exactly one origin (or *)";
    check.fix = check.headers.size() > 1
                    ? "send the header once (it comes " + std::to_string(check.headers.size()) +
                          " times, often from both the app and a reverse proxy): " + exact_fix
                    : exact_fix + " (only the request's origin, chosen from your allow-list)";
  } else if (*value == origin + "/") {
    check.detail = util::quote(*value) + " has a trailing slash; an origin has no path";
  } else if (util::iequals(*value, origin)) {
    check.detail = util::quote(*value) + " differs from " + origin +
                   " in case; the browser compares byte for byte";
  } else {
    check.detail = util::quote(*value) + " is not the page's origin " + origin;
  }
  return check;
}

Check allow_credentials_check(const Response& response) {
  auto check = failing_check("allow_credentials", kCorsCheck, response, kAllowCredentials);
  const auto value = get_header(response.headers, kAllowCredentials);
  if (value && *value == "true") {
    check.ok = true;
    check.detail = "Access-Control-Allow-Credentials is true, as credentials require";
    return check;
  }
  check.detail = value ? util::quote(*value) +
                             " is not exactly true (lower case, byte for byte), as the request "
                             "includes credentials"
                       : "absent, but the request includes credentials";
  check.fix = std::string(kAllowCredentials) + ": true";
  if (check.headers.size() > 1) {
    check.fix = "send the header once (it comes " + std::to_string(check.headers.size()) +
                " times, often from both the app and a reverse proxy): " + check.fix;
  }
  return check;
}

// Fetch's "redirect status" with a Location: what the browser follows. Any other
// 3xx reaches the page as it is.
bool is_followed_redirect(const Response& response) {
  const auto status = response.status;
  const bool redirect_status =
      status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  return redirect_status && get_header(response.headers, "Location").has_value();
}

// The text as one shell word: single-quoted, a quote written '\''.
std::string shell_word(std::string_view text) {
  std::string out = "'";
  for (char c : text)
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The browser follows a redirect of the actual request and decides on the
// target's answer, which reqscope does not fetch: the call is not shown allowed.
Check redirect_check(const Response& response) {
  auto check = failing_check("redirect", "HTTP-redirect fetch", response, "Location");
  const auto location = get_header(response.headers, "Location");
  check.detail = "the response is a " + std::to_string(response.status) +
                 " redirect; the browser follows it and decides on the target's answer, after a "
                 "redirect to another origin with Origin: null";
  if (location->starts_with("http://") || location->starts_with("https://")) {
    check.fix = "call the target directly, and check it: reqscope cors " + shell_word(*location);
  } else {
    check.fix = "call the target (Location " + shell_word(*location) +
                ", relative to this URL) directly, and check it with reqscope cors";
  }
  return check;
}

Check ok_status_check(const Response& response) {
  Check check{"ok_status", "ok status", false, "", {}, ""};
  const auto status = std::to_string(response.status);
  if (response.status >= 200 && response.status <= 299) {
    check.ok = true;
    check.detail = "the preflight answered " + status + ", an ok status (200-299)";
    return check;
  }
  check.detail = "the preflight answered " + status + "; the browser needs 200-299";
  if (response.status >= 300 && response.status <= 399) {
    check.fix =
        "answer OPTIONS at this URL with 204 and the CORS headers: preflights never "
        "follow redirects";
  } else if (response.status == 401 || response.status == 403) {
    check.fix =
        "answer OPTIONS with 204 before authentication: preflights never carry "
        "credentials (a 403 without CORS headers can also be a CORS filter refusing this "
        "origin)";
  } else if (response.status == 404 || response.status == 405 || response.status == 501) {
    check.fix = "add a route for OPTIONS that answers 204 with the CORS headers";
  } else {
    check.fix = "answer OPTIONS with 204 and the CORS headers";
  }
  return check;
}

Check allow_methods_check(const Request& request, const PreflightPlan& plan,
                          const Response& response) {
  auto check =
      failing_check("allow_methods", "CORS-preflight fetch: methods", response, kAllowMethods);
  const auto& method = plan.method;
  // An unreadable list fails the preflight even when the method need not be listed.
  const auto list = extract_token_list(response.headers, kAllowMethods);
  if (!list.error.empty()) {
    check.detail = "Access-Control-Allow-Methods is not a comma-separated list: " + list.error;
    check.fix = list_fix(kAllowMethods, loose_members(response.headers, kAllowMethods), {method},
                         !request.credentials, true);
    return check;
  }
  if (is_safelisted_method(method)) {
    check.ok = true;
    check.detail = method + " is a CORS-safelisted method; it need not be listed";
    return check;
  }
  if (contains_exact(list.members, method)) {
    check.ok = true;
    check.detail = "Access-Control-Allow-Methods lists " + method;
    return check;
  }
  if (contains_exact(list.members, "*") && !request.credentials) {
    check.ok = true;
    check.detail = "* allows every method, as the request carries no credentials";
    return check;
  }
  check.fix = list_fix(kAllowMethods, list.members, {method}, !request.credentials, true);
  if (!list.present) {
    check.detail = "the preflight response has no Access-Control-Allow-Methods, and " + method +
                   " is not safelisted";
  } else if (contains_ignoring_case(list.members, method)) {
    const auto upper = util::to_upper(method);
    if (upper != method) {
      check.detail = "the browser sends " + util::quote(method) +
                     " as written (it upper-cases only DELETE, GET, HEAD, OPTIONS, POST and PUT), "
                     "and methods are compared byte for byte";
      check.fix = "write " + upper + " in the page's fetch() call, or " + check.fix;
    } else {
      const auto listed =
          *std::find_if(list.members.begin(), list.members.end(),
                        [&](const std::string& m) { return util::iequals(m, method); });
      check.detail = "the list has " + util::quote(listed) + ", not " + method +
                     "; methods are compared byte for byte";
    }
  } else if (contains_exact(list.members, "*")) {
    check.detail = "* does not count when the request includes credentials";
  } else {
    check.detail = "Access-Control-Allow-Methods does not list " + method;
  }
  return check;
}

Check allow_headers_check(const Request& request, const PreflightPlan& plan,
                          const Response& response) {
  auto check =
      failing_check("allow_headers", "CORS-preflight fetch: headers", response, kAllowHeaders);
  std::vector<std::string> needed;
  for (const auto& header : plan.unsafe_headers)
    needed.push_back(header.name);
  const auto list = extract_token_list(response.headers, kAllowHeaders);
  if (!list.error.empty()) {
    check.detail = "Access-Control-Allow-Headers is not a comma-separated list: " + list.error;
    check.fix = list_fix(kAllowHeaders, loose_members(response.headers, kAllowHeaders), needed,
                         !request.credentials, false);
    return check;
  }
  const bool wildcard = contains_exact(list.members, "*");
  std::vector<std::string> missing;
  bool authorization_under_wildcard = false;
  for (const auto& name : needed) {
    if (contains_ignoring_case(list.members, name)) continue;
    if (wildcard && !request.credentials && name != "authorization") continue;
    if (wildcard && !request.credentials) authorization_under_wildcard = true;
    missing.push_back(name);
  }
  if (missing.empty()) {
    check.ok = true;
    check.detail = "Access-Control-Allow-Headers covers " + util::join(needed, ", ");
    return check;
  }
  check.fix = list_fix(kAllowHeaders, list.members, missing, !request.credentials, false);
  if (!list.present) {
    check.detail =
        "the preflight response has no Access-Control-Allow-Headers, and the request "
        "sends " +
        util::join(missing, ", ");
  } else if (authorization_under_wildcard) {
    check.detail = "* never covers Authorization; list it by name";
  } else if (wildcard) {
    check.detail = "* does not count when the request includes credentials; missing " +
                   util::join(missing, ", ");
  } else {
    check.detail = "Access-Control-Allow-Headers does not list " + util::join(missing, ", ");
  }
  return check;
}

Check max_age_check(const Response& response) {
  auto check = failing_check("max_age", "CORS-preflight cache", response, kMaxAgeHeader);
  check.ok = true;  // an absent or bad max-age only shortens the cache
  const auto age = preflight_max_age(response.headers);
  const auto seconds = std::to_string(age.seconds) + " s";
  if (!age.present) {
    check.detail = "no Access-Control-Max-Age: the browser keeps this preflight for " + seconds +
                   ", so most calls pay for a preflight first";
  } else if (!age.valid) {
    check.detail = "Access-Control-Max-Age is not a number of seconds; the browser uses " + seconds;
  } else if (age.capped_from != 0) {
    check.detail = "the browser keeps this preflight for " + seconds +
                   " (Chromium's cap; the server asked for " +
                   util::quote(get_header(response.headers, kMaxAgeHeader).value_or("")) + " s)";
  } else if (age.seconds == 0) {
    check.detail = "Access-Control-Max-Age is 0: the browser sends a preflight before every call";
  } else {
    check.detail = "the browser may keep this preflight for " + seconds;
  }
  return check;
}

bool is_safelisted_response_header(std::string_view name) {
  static constexpr std::array<std::string_view, 7> kNames = {
      "cache-control", "content-language", "content-length", "content-type",
      "expires",       "last-modified",    "pragma"};
  return std::any_of(kNames.begin(), kNames.end(),
                     [&](std::string_view safe) { return util::iequals(safe, name); });
}

bool is_forbidden_response_header(std::string_view name) {
  return util::iequals(name, "set-cookie") || util::iequals(name, "set-cookie2");
}

}  // namespace

std::optional<std::string> get_header(const http::Headers& headers, std::string_view name) {
  std::optional<std::string> value;
  for (const auto& header : headers) {
    if (!util::iequals(header.name, name)) continue;
    if (value) {
      *value += ", ";
      *value += header.value;
    } else {
      value = header.value;
    }
  }
  return value;
}

TokenList extract_token_list(const http::Headers& headers, std::string_view name) {
  TokenList list;
  const auto value = get_header(headers, name);
  if (!value) return list;
  list.present = true;
  for (auto member : util::split(*value, ',')) {
    member = util::trim(member);
    if (member.empty()) continue;
    if (!http::is_token(member)) {
      list.error = util::quote(member) + " is not a name; separate names with commas";
      list.members.clear();
      return list;
    }
    list.members.emplace_back(member);
  }
  return list;
}

std::vector<Check> cors_check(const Request& request, const Response& response) {
  std::vector<Check> checks{allow_origin_check(request, response)};
  if (request.credentials) checks.push_back(allow_credentials_check(response));
  return checks;
}

std::vector<Check> check_preflight(const Request& request, const PreflightPlan& plan,
                                   const Response& response) {
  std::vector<Check> checks;
  checks.push_back(ok_status_check(response));
  auto cors = cors_check(request, response);
  checks.insert(checks.end(), cors.begin(), cors.end());
  checks.push_back(allow_methods_check(request, plan, response));
  // An unreadable list fails the preflight even when no header needs listing.
  if (!plan.unsafe_headers.empty() ||
      !extract_token_list(response.headers, kAllowHeaders).error.empty()) {
    checks.push_back(allow_headers_check(request, plan, response));
  }
  checks.push_back(max_age_check(response));
  return checks;
}

std::vector<Check> check_actual(const Request& request, const Response& response) {
  auto checks = cors_check(request, response);
  if (is_followed_redirect(response)) checks.push_back(redirect_check(response));
  return checks;
}

bool passed(const std::vector<Check>& checks) {
  return std::all_of(checks.begin(), checks.end(), [](const Check& c) { return c.ok; });
}

std::vector<std::string> readable_headers(const Request& request, const Response& response) {
  if (!passed(cors_check(request, response))) return {};
  const auto exposed = extract_token_list(response.headers, kExposeHeaders);
  const bool expose_all = !request.credentials && contains_exact(exposed.members, "*");
  std::set<std::string> names;
  for (const auto& header : response.headers) {
    if (is_forbidden_response_header(header.name)) continue;
    if (expose_all || is_safelisted_response_header(header.name) ||
        contains_ignoring_case(exposed.members, header.name)) {
      names.insert(util::to_lower(header.name));
    }
  }
  return {names.begin(), names.end()};
}

bool vary_lists_origin(const http::Headers& headers) {
  const auto vary = get_header(headers, "Vary");
  if (!vary) return false;
  for (auto member : util::split(*vary, ',')) {
    member = util::trim(member);
    if (member == "*" || util::iequals(member, "origin")) return true;
  }
  return false;
}

MaxAge preflight_max_age(const http::Headers& headers) {
  MaxAge age;
  const auto value = get_header(headers, kMaxAgeHeader);
  if (!value) return age;
  age.present = true;
  const std::string_view text = *value;
  if (text.empty() ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    age.valid = false;
    return age;
  }
  // Saturates, so a 40-digit value is capped rather than overflowing.
  long seconds = 0;
  for (char c : text)
    seconds = std::min<long>(seconds * 10 + (c - '0'), kMaxAgeSaturation);
  if (seconds > kChromiumMaxAgeCap) {
    age.capped_from = seconds;
    age.seconds = kChromiumMaxAgeCap;
  } else {
    age.seconds = seconds;
  }
  return age;
}

}  // namespace reqscope::cors
