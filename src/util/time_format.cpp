#include "reqscope/util/time_format.hpp"

#include <fmt/format.h>

#include <cmath>
#include <ctime>

namespace reqscope::util {

std::string rfc3339(std::chrono::system_clock::time_point time) {
  return rfc3339(static_cast<std::int64_t>(std::chrono::system_clock::to_time_t(time)));
}

std::string rfc3339(std::int64_t unix_seconds) {
  const auto seconds = static_cast<std::time_t>(unix_seconds);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", utc.tm_year + 1900, utc.tm_mon + 1,
                     utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
}

std::string rfc3339_ms(std::chrono::system_clock::time_point time) {
  const auto seconds = std::chrono::floor<std::chrono::seconds>(time);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(time - seconds).count();
  auto text = rfc3339(seconds);
  text.pop_back();
  return fmt::format("{}.{:03}Z", text, ms);
}

namespace {

// Reads exactly `width` digits at `at`, advancing it; nullopt otherwise.
std::optional<int> digits(std::string_view text, std::size_t& at, std::size_t width) {
  if (at + width > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = 0; i < width; ++i) {
    const char c = text[at + i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  at += width;
  return value;
}

bool expect(std::string_view text, std::size_t& at, std::string_view choices) {
  if (at >= text.size() || choices.find(text[at]) == std::string_view::npos) return false;
  ++at;
  return true;
}

}  // namespace

std::optional<std::int64_t> parse_rfc3339(std::string_view text) {
  std::size_t at = 0;
  const auto year = digits(text, at, 4);
  if (!year || !expect(text, at, "-")) return std::nullopt;
  const auto month = digits(text, at, 2);
  if (!month || !expect(text, at, "-")) return std::nullopt;
  const auto day = digits(text, at, 2);
  if (!day || !expect(text, at, "Tt ")) return std::nullopt;
  const auto hour = digits(text, at, 2);
  if (!hour || !expect(text, at, ":")) return std::nullopt;
  const auto minute = digits(text, at, 2);
  if (!minute || !expect(text, at, ":")) return std::nullopt;
  const auto second = digits(text, at, 2);
  if (!second) return std::nullopt;
  if (at < text.size() && text[at] == '.') {
    ++at;
    const std::size_t start = at;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9')
      ++at;
    if (at == start) return std::nullopt;
  }
  int offset_seconds = 0;
  if (expect(text, at, "Zz")) {
    if (at != text.size()) return std::nullopt;
  } else {
    if (at >= text.size() || (text[at] != '+' && text[at] != '-')) return std::nullopt;
    const int sign = text[at] == '-' ? -1 : 1;
    ++at;
    const auto offset_hours = digits(text, at, 2);
    if (!offset_hours || !expect(text, at, ":")) return std::nullopt;
    const auto offset_minutes = digits(text, at, 2);
    if (!offset_minutes || at != text.size() || *offset_hours > 23 || *offset_minutes > 59) {
      return std::nullopt;
    }
    offset_seconds = sign * (*offset_hours * 3600 + *offset_minutes * 60);
  }
  static constexpr int kDaysInMonth[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (*month < 1 || *month > 12 || *day < 1 || *day > kDaysInMonth[*month - 1] || *hour > 23 ||
      *minute > 59 || *second > 60) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year(*year),
                                         std::chrono::month(static_cast<unsigned>(*month)),
                                         std::chrono::day(static_cast<unsigned>(*day))};
  if (!date.ok()) return std::nullopt;
  const auto days = std::chrono::sys_days(date).time_since_epoch().count();
  return static_cast<std::int64_t>(days) * 86400 + *hour * 3600 + *minute * 60 + *second -
         offset_seconds;
}

std::string approximate_span(double seconds) {
  const double s = std::floor(std::fabs(seconds));
  if (s < 90) return fmt::format("{:.0f} s", s);
  if (s < 90 * 60) return fmt::format("{:.0f} min", std::round(s / 60));
  if (s < 48 * 3600) return fmt::format("{:.0f} h", std::round(s / 3600));
  const double days = std::round(s / 86400);
  if (days < 1000000) return fmt::format("{:.0f} days", days);
  return "over a million days";
}

}  // namespace reqscope::util
