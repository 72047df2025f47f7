#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace reqscope::util {

// Quotes a user-supplied value for an error message: at most 80 bytes, with
// control and non-ASCII bytes escaped, so hostile input cannot mangle a terminal.
std::string quote(std::string_view text);

// Text from the network made safe for a terminal: control bytes and bytes that
// are not UTF-8 become \xNN, C1 controls and bidi overrides \uNNNN, so a server
// cannot send escape sequences or reorder text through reqscope's output.
std::string printable(std::string_view text);

// The columns `text` takes on a terminal: ANSI colour sequences take none, and
// a UTF-8 character takes one.
std::size_t display_width(std::string_view text);

// Word-wraps `text` to `width` columns (as display_width() counts them): the first line starts with
// `first`, later lines with `rest`; each line ends with '\n'. Words longer than a line stay whole.
std::string wrap(std::string_view text, std::size_t width, std::string_view first,
                 std::string_view rest);

// Splits words longer than `width` characters (a long header value, a signature)
// into pieces of `width`, so wrap() can keep every line within the columns.
std::string split_long_words(std::string_view text, std::size_t width);

std::string to_lower(std::string_view text);
std::string to_upper(std::string_view text);
std::string_view trim(std::string_view text);
bool iequals(std::string_view a, std::string_view b);
std::vector<std::string_view> split(std::string_view text, char separator);
std::string join(const std::vector<std::string>& parts, std::string_view separator);

}  // namespace reqscope::util
