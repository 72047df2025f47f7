#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace reqscope::util {

// Quotes a user-supplied value for an error message: at most 80 bytes, with
// control and non-ASCII bytes escaped, so hostile input cannot mangle a terminal.
std::string quote(std::string_view text);

std::string to_lower(std::string_view text);
std::string_view trim(std::string_view text);
bool iequals(std::string_view a, std::string_view b);
std::vector<std::string_view> split(std::string_view text, char separator);

}  // namespace reqscope::util
