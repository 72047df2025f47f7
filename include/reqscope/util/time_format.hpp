#pragma once

#include <chrono>
#include <string>

namespace reqscope::util {

// RFC 3339 UTC with second precision, e.g. "2026-11-23T12:52:27Z".
std::string rfc3339(std::chrono::system_clock::time_point time);

// RFC 3339 UTC with millisecond precision, e.g. "2026-11-23T12:52:27.042Z".
std::string rfc3339_ms(std::chrono::system_clock::time_point time);

}  // namespace reqscope::util
