#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace reqscope::test {

// The lines of a command's output, without their newlines.
std::vector<std::string> lines_of(const std::string& text);

// Terminal columns of a UTF-8 line, taking every code point as one column
// (what reqscope prints beyond ASCII, such as ×, ≤, → and █, takes one).
std::size_t columns_of(const std::string& line);

}  // namespace reqscope::test
