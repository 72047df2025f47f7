#include "parameters.hpp"

#include <algorithm>
#include <charconv>

#include "reqscope/util/text.hpp"

namespace reqscope::lab {

std::optional<httplib::Params> read_query(const httplib::Request& req,
                                          const std::vector<std::string>& known, std::string& why) {
  auto query = query_of(req);
  for (const auto& parameter : query) {
    const auto& name = parameter.first;
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      why = "unknown parameter " + util::quote(name) + " (use " + util::join(known, ", ") + ")";
      return std::nullopt;
    }
    if (query.count(name) > 1) {
      why = name + " is given more than once";
      return std::nullopt;
    }
  }
  return query;
}

std::optional<long> parse_bounded(const std::string& text, long max, std::string& why) {
  long value = -1;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || ptr != end || value < 0) {
    why = util::quote(text) + " is not a non-negative integer";
    return std::nullopt;
  }
  if (value > max) {
    why = util::quote(text) + " exceeds the cap of " + std::to_string(max);
    return std::nullopt;
  }
  return value;
}

httplib::Params query_of(const httplib::Request& req) {
  httplib::Params query;
  const auto query_start = req.target.find('?');
  if (query_start != std::string::npos) {
    httplib::detail::parse_query_text(req.target.substr(query_start + 1), query);
  }
  return query;
}

void bad_request(httplib::Response& res, const std::string& why) {
  res.status = 400;
  res.set_content("bad request: " + why + "\n", "text/plain");
}

void route_every_method(httplib::Server& server, const std::string& pattern,
                        const httplib::Server::Handler& handler) {
  server.Get(pattern, handler);
  server.Post(pattern, handler);
  server.Put(pattern, handler);
  server.Patch(pattern, handler);
  server.Delete(pattern, handler);
  server.Options(pattern, handler);
}

}  // namespace reqscope::lab
