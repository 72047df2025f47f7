#include "reqscope/ratelimit/report.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <system_error>

#include "reqscope/util/text.hpp"

namespace reqscope::ratelimit {

namespace {

// A tolerance beyond this is no check at all, and a typo more likely than intent.
constexpr double kMaxTolerance = 1e6;
// Absorbs rounding in a share such as 0.3% of 1000, so that a difference of
// exactly the tolerance passes; differences are whole numbers, so it admits nothing else.
constexpr double kRoundingSlack = 1e-9;

// Plain decimal digits with at most one '.', digits on both sides of it:
// from_chars alone would also take "inf", "nan" and exponents.
bool is_plain_number(std::string_view text) {
  const auto dot = text.find('.');
  const auto whole = text.substr(0, dot);
  const auto fraction =
      dot == std::string_view::npos ? std::string_view("0") : text.substr(dot + 1);
  const auto digits = [](std::string_view part) {
    return !part.empty() && part.find_first_not_of("0123456789") == std::string_view::npos;
  };
  return digits(whole) && digits(fraction);
}

}  // namespace

Result<Tolerance> parse_tolerance(std::string_view text) {
  Tolerance tolerance;
  auto number = text;
  if (number.ends_with('%')) {
    tolerance.percent = true;
    number.remove_suffix(1);
  }
  double value = 0;
  const auto* end = number.data() + number.size();
  const auto [ptr, error] = std::from_chars(number.data(), end, value);
  const bool parsed = is_plain_number(number) && error == std::errc{} && ptr == end &&
                      std::isfinite(value) && value <= kMaxTolerance;
  if (!parsed) {
    return fail("bad_option",
                "--tolerance " + util::quote(text) + " is not a count or a percentage",
                "give a number of requests (2) or a share of the expected limit (10%), "
                "at most 1000000");
  }
  tolerance.value = value;
  return tolerance;
}

ExpectCheck check_expected_limit(std::int64_t expected, Tolerance tolerance,
                                 std::optional<std::int64_t> actual, std::string source) {
  ExpectCheck check;
  check.expected = expected;
  check.tolerance = tolerance;
  check.actual = actual;
  check.source = std::move(source);
  const double allowed = tolerance.percent
                             ? std::fabs(static_cast<double>(expected)) * tolerance.value / 100
                             : tolerance.value;
  check.passed = actual.has_value() &&
                 std::fabs(static_cast<double>(*actual) - static_cast<double>(expected)) <=
                     allowed + kRoundingSlack;
  return check;
}

RateLimitReport report_of_probe(std::string url, std::string method, ProbeResult probe,
                                const http::Headers& request_headers) {
  RateLimitReport report;
  report.url = std::move(url);
  report.method = std::move(method);
  const auto& timeline = probe.timeline;
  const auto first = std::find_if(timeline.begin(), timeline.end(),
                                  [](const TimelineEntry& entry) { return entry.status != 0; });
  if (first != timeline.end()) report.status = first->status;
  if (probe.first_headers) report.headers = *probe.first_headers;
  report.keyed_on = keyed_on_hints(report.headers, request_headers);
  if (first == timeline.end() && probe.failure) report.failure = probe.failure;
  report.probe = std::move(probe);
  return report;
}

}  // namespace reqscope::ratelimit
