#include "cors_routes.hpp"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parameters.hpp"
#include "reqscope/util/text.hpp"

namespace reqscope::lab {

namespace {

constexpr std::array<std::string_view, 12> kParameterNames = {
    "origin", "wildcard", "reflect", "credentials",      "methods", "headers",
    "expose", "max_age",  "vary",    "preflight_status", "actual",  "status"};
// Long enough for any real origin list or header list, short enough that a
// response's headers stay small.
constexpr std::size_t kMaxValueBytes = 1024;
constexpr long kMaxAgeCapSeconds = 86400;
constexpr long kLowestStatus = 200;
constexpr long kHighestStatus = 599;

// What one /cors URL's query asks for.
struct CorsSettings {
  std::vector<std::string> allowed_origins;
  bool wildcard = false;
  bool reflect = false;
  bool credentials = false;
  std::optional<std::string> allow_methods;
  std::optional<std::string> allow_headers;
  std::optional<std::string> expose_headers;
  std::optional<long> max_age;
  bool vary = true;
  long preflight_status = 204;
  bool cors_on_actual = true;
  long actual_status = 200;
};

// The value of the parameter `name`, or nullptr when it is absent.
const std::string* find_value(const httplib::Params& query, const std::string& name) {
  const auto found = query.find(name);
  return found == query.end() ? nullptr : &found->second;
}

// Reads the 0/1 parameter `name` into `flag`, which keeps its default when the
// parameter is absent; false, with `why`, for any other value.
bool read_flag(const httplib::Params& query, const std::string& name, bool& flag,
               std::string& why) {
  const auto* value = find_value(query, name);
  if (value == nullptr) return true;
  if (*value != "0" && *value != "1") {
    why = name + " " + util::quote(*value) + " is not 0 or 1";
    return false;
  }
  flag = *value == "1";
  return true;
}

// Reads the whole-number parameter `name`, from `min` to `max`, into `number`,
// which keeps its default when the parameter is absent.
bool read_number(const httplib::Params& query, const std::string& name, long min, long max,
                 long& number, std::string& why) {
  const auto* value = find_value(query, name);
  if (value == nullptr) return true;
  const auto parsed = parse_bounded(*value, max, why);
  if (parsed && *parsed < min) why = util::quote(*value) + " is below " + std::to_string(min);
  if (!parsed || *parsed < min) {
    why = name + " " + why + " (use " + std::to_string(min) + "-" + std::to_string(max) + ")";
    return false;
  }
  number = *parsed;
  return true;
}

void read_text(const httplib::Params& query, const std::string& name,
               std::optional<std::string>& text) {
  if (const auto* value = find_value(query, name)) text = *value;
}

// Checks every parameter's name and bytes before any is used, so that no
// value can reach a response header unchecked.
bool check_parameters(const httplib::Params& query, std::string& why) {
  for (const auto& [name, value] : query) {
    if (std::find(kParameterNames.begin(), kParameterNames.end(), name) == kParameterNames.end()) {
      why = "unknown parameter " + util::quote(name) + " (use " +
            util::join({kParameterNames.begin(), kParameterNames.end()}, ", ") + ")";
      return false;
    }
    if (value.size() > kMaxValueBytes) {
      why = name + " " + util::quote(value) + " is longer than " + std::to_string(kMaxValueBytes) +
            " bytes";
      return false;
    }
    // A CR or LF would end the header the value is copied into and start
    // another: response-header injection.
    const auto is_control = [](char c) {
      const auto byte = static_cast<unsigned char>(c);
      return byte < 0x20 || byte == 0x7f;
    };
    if (std::any_of(value.begin(), value.end(), is_control)) {
      why = name + " " + util::quote(value) +
            " contains a control character, which no header value may hold";
      return false;
    }
    if (name != "origin" && query.count(name) > 1) {
      why = name + " is given more than once (only origin may repeat)";
      return false;
    }
  }
  return true;
}

// The settings in the request's query string: a form POST is a classic
// cross-origin request, and its fields are no settings.
std::optional<CorsSettings> parse_settings(const httplib::Request& req, std::string& why) {
  const auto query = query_of(req);
  if (!check_parameters(query, why)) return std::nullopt;
  CorsSettings settings;
  const auto [first_origin, end_of_origins] = query.equal_range("origin");
  for (auto list = first_origin; list != end_of_origins; ++list) {
    for (const auto entry : util::split(list->second, ',')) {
      const auto origin = util::trim(entry);
      if (origin.empty()) {
        why = "origin " + util::quote(list->second) +
              " has an empty entry (give origins such as https://app.test, separated by commas)";
        return std::nullopt;
      }
      settings.allowed_origins.emplace_back(origin);
    }
  }
  long max_age = 0;
  if (!read_flag(query, "wildcard", settings.wildcard, why) ||
      !read_flag(query, "reflect", settings.reflect, why) ||
      !read_flag(query, "credentials", settings.credentials, why) ||
      !read_flag(query, "vary", settings.vary, why) ||
      !read_flag(query, "actual", settings.cors_on_actual, why) ||
      !read_number(query, "max_age", 0, kMaxAgeCapSeconds, max_age, why) ||
      !read_number(query, "preflight_status", kLowestStatus, kHighestStatus,
                   settings.preflight_status, why) ||
      !read_number(query, "status", kLowestStatus, kHighestStatus, settings.actual_status, why)) {
    return std::nullopt;
  }
  if (query.count("max_age") > 0) settings.max_age = max_age;
  read_text(query, "methods", settings.allow_methods);
  read_text(query, "headers", settings.allow_headers);
  read_text(query, "expose", settings.expose_headers);
  if (settings.wildcard && settings.reflect) {
    why = "wildcard=1 and reflect=1 exclude each other: choose one";
    return std::nullopt;
  }
  if (!settings.allowed_origins.empty() && (settings.wildcard || settings.reflect)) {
    why = std::string("origin and ") + (settings.wildcard ? "wildcard=1" : "reflect=1") +
          " exclude each other: choose one";
    return std::nullopt;
  }
  return settings;
}

// The Access-Control-Allow-Origin value this request gets, if any.
std::optional<std::string> allowed_origin(const CorsSettings& settings,
                                          const httplib::Request& req) {
  if (settings.wildcard) return "*";
  if (!req.has_header("Origin")) return std::nullopt;
  auto origin = req.get_header_value("Origin");
  const auto& allowed = settings.allowed_origins;
  if (settings.reflect || std::find(allowed.begin(), allowed.end(), origin) != allowed.end()) {
    return origin;
  }
  return std::nullopt;
}

void add_origin_headers(const CorsSettings& settings, const httplib::Request& req,
                        httplib::Response& res) {
  if (const auto origin = allowed_origin(settings, req)) {
    res.set_header("Access-Control-Allow-Origin", *origin);
  }
  if (settings.credentials) res.set_header("Access-Control-Allow-Credentials", "true");
  // A cache must not hand one origin's answer to another, whether or not
  // this answer allowed the origin.
  const bool depends_on_origin = settings.reflect || !settings.allowed_origins.empty();
  if (settings.vary && depends_on_origin) res.set_header("Vary", "Origin");
}

// A preflight: no body, and the headers that answer what it asks.
void answer_preflight(const CorsSettings& settings, const httplib::Request& req,
                      httplib::Response& res) {
  res.status = static_cast<int>(settings.preflight_status);
  add_origin_headers(settings, req, res);
  if (settings.allow_methods) {
    res.set_header("Access-Control-Allow-Methods", *settings.allow_methods);
  }
  if (settings.allow_headers) {
    res.set_header("Access-Control-Allow-Headers", *settings.allow_headers);
  }
  if (settings.max_age) {
    res.set_header("Access-Control-Max-Age", std::to_string(*settings.max_age));
  }
}

// The actual request, answered with what the lab saw of it, and headers for
// Access-Control-Expose-Headers to expose.
void answer_actual(const CorsSettings& settings, const httplib::Request& req,
                   httplib::Response& res, std::uint64_t request_id) {
  res.status = static_cast<int>(settings.actual_status);
  res.set_header("X-Request-Id", "lab-" + std::to_string(request_id));
  res.set_header("X-Lab-Cors", "1");
  if (settings.cors_on_actual) {
    add_origin_headers(settings, req, res);
    if (settings.expose_headers) {
      res.set_header("Access-Control-Expose-Headers", *settings.expose_headers);
    }
  }
  // 204, 205 and 304 responses have no body (RFC 9110 §6.4.1, §15.3.6).
  if (res.status == 204 || res.status == 205 || res.status == 304) return;
  using Json = nlohmann::ordered_json;
  const Json body = {
      {"method", req.method},
      {"origin", req.has_header("Origin") ? Json(req.get_header_value("Origin")) : Json(nullptr)},
      {"path", req.path}};
  // The origin and path are the client's bytes, which need not be UTF-8.
  res.set_content(body.dump(2, ' ', false, Json::error_handler_t::replace) + "\n",
                  "application/json");
}

}  // namespace

void CorsRoutes::add_to(httplib::Server& server) {
  const auto answer = [this](const httplib::Request& req, httplib::Response& res) {
    std::string why;
    const auto settings = parse_settings(req, why);
    if (!settings) return bad_request(res, why);
    if (req.method == "OPTIONS" && req.has_header("Access-Control-Request-Method")) {
      return answer_preflight(*settings, req, res);
    }
    answer_actual(*settings, req, res, next_request_id_++);
  };
  route_every_method(server, R"(/cors/[^/]+)", answer);
  // cpp-httplib reads a PATCH, POST or PUT without Content-Length until the
  // connection closes, though RFC 9112 makes its body empty: a browser's
  // bodiless PATCH would stall. This runs before httplib waits for a body.
  server.set_pre_routing_handler([answer](const httplib::Request& req, httplib::Response& res) {
    constexpr std::string_view kPrefix = "/cors/";
    const bool bodiless = !req.has_header("Content-Length") && !req.has_header("Transfer-Encoding");
    const bool cors_path = req.path.starts_with(kPrefix) && req.path.size() > kPrefix.size() &&
                           req.path.find('/', kPrefix.size()) == std::string::npos;
    if (!bodiless || !cors_path) return httplib::Server::HandlerResponse::Unhandled;
    answer(req, res);
    return httplib::Server::HandlerResponse::Handled;
  });
}

}  // namespace reqscope::lab
