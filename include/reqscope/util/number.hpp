#pragma once

#include <string_view>

#include "reqscope/error.hpp"

namespace reqscope::util {

// Parses a decimal integer in [min, max] given for `option`; errors are kind
// "bad_option" and name the option and the value.
Result<long> parse_integer(std::string_view text, long min, long max, std::string_view option);

// Parses a finite decimal number in [min, max] given for `option`; errors are
// kind "bad_option" and name the option, the value and the range with `unit`.
Result<double> parse_number(std::string_view text, double min, double max, std::string_view option,
                            std::string_view unit);

// Parses a finite, non-negative number of milliseconds given for `option`.
Result<double> parse_milliseconds(std::string_view text, std::string_view option);

}  // namespace reqscope::util
