#include "reqscope/util/duration.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <string>

#include "reqscope/util/text.hpp"

namespace reqscope::util {

Result<std::chrono::nanoseconds> parse_duration(std::string_view text) {
  const auto bad = [&](std::string why) {
    return fail("bad_duration", "invalid duration " + quote(text) + ": " + why,
                "write a number with a unit, e.g. 250ms, 1.5s, 2m or 1h");
  };
  if (text.empty()) return bad("empty");
  if (text.size() > 32) return bad("too long");

  std::size_t number_end = 0;
  bool seen_dot = false;
  while (number_end < text.size()) {
    const char c = text[number_end];
    if (c == '.' && !seen_dot) {
      seen_dot = true;
    } else if (std::isdigit(static_cast<unsigned char>(c)) == 0) {
      break;
    }
    ++number_end;
  }
  const auto number = text.substr(0, number_end);
  if (number.empty() || number == ".") return bad("no number");
  const auto unit = text.substr(number_end);

  double scale_ns = 0;
  if (unit.empty() || unit == "s") {
    scale_ns = 1e9;
  } else if (unit == "ms") {
    scale_ns = 1e6;
  } else if (unit == "us") {
    scale_ns = 1e3;
  } else if (unit == "m") {
    scale_ns = 60e9;
  } else if (unit == "h") {
    scale_ns = 3600e9;
  } else {
    return bad("unknown unit " + quote(unit) + " (use us, ms, s, m or h)");
  }

  const double value = std::strtod(std::string(number).c_str(), nullptr) * scale_ns;
  if (!std::isfinite(value)) return bad("not a finite number");
  if (value > static_cast<double>(kMaxDuration.count())) return bad("longer than 24h");
  return std::chrono::nanoseconds(static_cast<std::int64_t>(std::llround(value)));
}

double to_ms(std::chrono::nanoseconds duration) {
  return static_cast<double>(duration.count()) / 1e6;
}

std::string whole_ms(std::chrono::nanoseconds duration) {
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(duration).count()) +
         " ms";
}

}  // namespace reqscope::util
