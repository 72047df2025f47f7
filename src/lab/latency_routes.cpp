#include "latency_routes.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "parameters.hpp"
#include "reqscope/lab/server.hpp"
#include "reqscope/util/text.hpp"

namespace reqscope::lab {

namespace {

constexpr long kDefaultP50Ms = 20;
constexpr long kDefaultP99Ms = 200;
constexpr double kDefaultErrorRate = 0.1;
// The standard normal distribution's 99th percentile: a log-normal delay's
// 99th percentile is its median times exp(kZ99 * sigma).
constexpr double kZ99 = 2.3263;

// One generator per worker thread: requests are answered on many threads at
// once, and a shared generator would need a lock on every request.
std::mt19937_64& generator() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return engine;
}

// The whole number of milliseconds given as `name`, or `fallback` without it.
std::optional<long> read_milliseconds(const httplib::Params& query, const std::string& name,
                                      long fallback, std::string& why) {
  const auto found = query.find(name);
  if (found == query.end()) return fallback;
  const auto ms = parse_bounded(found->second, kMaxDelayMs, why);
  if (!ms) why = name + " " + why + " (milliseconds, 0-" + std::to_string(kMaxDelayMs) + ")";
  return ms;
}

// error_rate, a decimal from 0 to 1. Only digits and one point are let
// through to std::from_chars, which would also take "nan", "inf" and a sign.
std::optional<double> read_error_rate(const httplib::Params& query, std::string& why) {
  const auto found = query.find("error_rate");
  if (found == query.end()) return kDefaultErrorRate;
  const auto& text = found->second;
  const auto is_digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  const bool decimal =
      std::any_of(text.begin(), text.end(), is_digit) &&
      std::all_of(text.begin(), text.end(), [&](char c) { return is_digit(c) || c == '.'; }) &&
      std::count(text.begin(), text.end(), '.') <= 1;
  double rate = -1;
  if (decimal) {
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, rate, std::chars_format::fixed);
    if (ec != std::errc{} || ptr != end) rate = -1;
  }
  if (rate < 0 || rate > 1) {
    why = "error_rate " + util::quote(text) + " is not a decimal from 0 to 1, such as 0.05";
    return std::nullopt;
  }
  return rate;
}

// A delay from the log-normal distribution with median p50 and 99th
// percentile p99, both in milliseconds, at most kMaxDelayMs.
std::chrono::microseconds draw_delay(long p50, long p99) {
  if (p50 == 0) return std::chrono::microseconds(0);
  const double sigma = std::log(static_cast<double>(p99) / static_cast<double>(p50)) / kZ99;
  std::normal_distribution<double> standard_normal;
  const double ms =
      std::min(static_cast<double>(p50) * std::exp(sigma * standard_normal(generator())),
               static_cast<double>(kMaxDelayMs));
  return std::chrono::round<std::chrono::microseconds>(
      std::chrono::duration<double, std::milli>(ms));
}

}  // namespace

void add_latency_routes(httplib::Server& server, Pause pause) {
  server.Get("/latency", [pause](const httplib::Request& req, httplib::Response& res) {
    std::string why;
    const auto query = read_query(req, {"p50", "p99"}, why);
    if (!query) return bad_request(res, why);
    const auto p50 = read_milliseconds(*query, "p50", kDefaultP50Ms, why);
    if (!p50) return bad_request(res, why);
    const auto p99 = read_milliseconds(*query, "p99", kDefaultP99Ms, why);
    if (!p99) return bad_request(res, why);
    if (*p99 < *p50) {
      return bad_request(res, fmt::format("p99 {} is below p50 {}: the 99th percentile cannot be "
                                          "below the median (they default to {} and {})",
                                          *p99, *p50, kDefaultP50Ms, kDefaultP99Ms));
    }
    // A log-normal delay with a median of 0 is always 0: no tail could reach p99.
    if (*p50 == 0 && *p99 > 0) {
      return bad_request(res, fmt::format("p50 0 with p99 {}: a median of 0 ms makes every delay "
                                          "0 ms (give p50 of at least 1, or p99=0 for no delay)",
                                          *p99));
    }
    const auto delay = draw_delay(*p50, *p99);
    pause(delay);
    res.set_content(
        fmt::format("waited {:.1f} ms (p50 {} ms, p99 {} ms)\n",
                    std::chrono::duration<double, std::milli>(delay).count(), *p50, *p99),
        "text/plain");
  });

  server.Get("/flaky", [pause](const httplib::Request& req, httplib::Response& res) {
    std::string why;
    const auto query = read_query(req, {"error_rate", "delay"}, why);
    if (!query) return bad_request(res, why);
    const auto error_rate = read_error_rate(*query, why);
    if (!error_rate) return bad_request(res, why);
    const auto delay = read_milliseconds(*query, "delay", 0, why);
    if (!delay) return bad_request(res, why);
    pause(std::chrono::milliseconds(*delay));
    if (std::bernoulli_distribution(*error_rate)(generator())) {
      res.status = 500;
      res.set_content(fmt::format("flaky: failed this time (error_rate {})\n", *error_rate),
                      "text/plain");
    } else {
      res.set_content("flaky: ok this time\n", "text/plain");
    }
  });
}

}  // namespace reqscope::lab
