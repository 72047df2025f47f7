#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "reqscope/error.hpp"

namespace reqscope::util {

// The longest duration any option accepts: one day.
inline constexpr std::chrono::nanoseconds kMaxDuration = std::chrono::hours(24);

// Parses "250ms", "1.5s", "2m", "1h", "500us" or a bare number of seconds.
// Rejects negative, non-finite, empty, over-long or unit-less garbage values
// with kind "bad_duration" naming the value.
Result<std::chrono::nanoseconds> parse_duration(std::string_view text);

double to_ms(std::chrono::nanoseconds duration);

// Whole milliseconds with the unit, for messages: "3000 ms".
std::string whole_ms(std::chrono::nanoseconds duration);

}  // namespace reqscope::util
