#include "reqscope/util/number.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <string>

#include "reqscope/util/text.hpp"

namespace reqscope::util {

Result<long> parse_integer(std::string_view text, long min, long max, std::string_view option) {
  long value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || ptr != end || value < min || value > max) {
    return fail("bad_option", std::string(option) + " value " + quote(text) +
                                  " is not an integer from " + std::to_string(min) + " to " +
                                  std::to_string(max));
  }
  return value;
}

Result<double> parse_number(std::string_view text, double min, double max, std::string_view option,
                            std::string_view unit) {
  double value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || ptr != end || !std::isfinite(value) || value < min ||
      value > max) {
    return fail("bad_option",
                fmt::format("{} value {} is not a number of {} from {:.15g} to {:.15g}", option,
                            quote(text), unit, min, max));
  }
  return value;
}

Result<double> parse_milliseconds(std::string_view text, std::string_view option) {
  return parse_number(text, 0, 86400000, option, "milliseconds");
}

}  // namespace reqscope::util
