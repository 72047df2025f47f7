#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace reqscope::util {

// RFC 3339 UTC with second precision, e.g. "2026-11-23T12:52:27Z".
std::string rfc3339(std::chrono::system_clock::time_point time);
// The same for whole Unix seconds, which reach past the year 2262 where a
// nanosecond system_clock::time_point overflows.
std::string rfc3339(std::int64_t unix_seconds);

// RFC 3339 UTC with millisecond precision, e.g. "2026-11-23T12:52:27.042Z".
std::string rfc3339_ms(std::chrono::system_clock::time_point time);

// Parses an RFC 3339 date-time ("2026-11-23T12:52:27Z", "...27.5+01:00") into
// whole Unix seconds (a fraction is dropped); nullopt when it is not one.
std::optional<std::int64_t> parse_rfc3339(std::string_view text);

// A span of time in the largest unit that keeps it readable: whole seconds
// below 90 s, then rounded minutes, hours below 48 h, days: "42 s", "4 min",
// "2 h", "3 days".
std::string approximate_span(double seconds);

}  // namespace reqscope::util
