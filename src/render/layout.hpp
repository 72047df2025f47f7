#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "reqscope/render/style.hpp"

// Laying text out in the human views: 80 columns, colour and UTF-8 measured
// by what they show, and server text never allowed to take over the screen.
namespace reqscope::render {

// Server text cut to `width` columns at a character boundary, the cut marked
// with "...", so one hostile message cannot take over the screen.
std::string clip(const std::string& text, std::size_t width);

// Items separated by two spaces, lines broken only between items.
std::string fill(const std::vector<std::string>& items, const std::string& first,
                 const std::string& rest);

// `first` then `text` on one line when it fits, else word-wrapped under `rest`.
std::string fit(const std::string& first, const std::string& text, const std::string& rest);

// `text` padded with spaces to `width` columns, colour and UTF-8 taking none.
std::string pad(const std::string& text, std::size_t width);

// An --explain paragraph: its heading indented by 2, its text wrapped under 4.
std::string paragraph(const std::string& heading, const std::string& text);

// The multiplication sign, or "x" where only ASCII is allowed.
std::string times(const Style& style);

// "1 request", "3 requests".
std::string plural(std::int64_t count, const char* noun);

}  // namespace reqscope::render
