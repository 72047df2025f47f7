#include "layout.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "reqscope/util/text.hpp"

namespace reqscope::render {

std::string clip(const std::string& text, std::size_t width) {
  if (util::display_width(text) <= width) return text;
  std::string out;
  std::size_t columns = 0;
  for (const char c : text) {
    const bool starts_character = (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    if (starts_character && ++columns > width - 3) break;
    out += c;
  }
  return out + "...";
}

std::string fill(const std::vector<std::string>& items, const std::string& first,
                 const std::string& rest) {
  std::string out;
  std::string line = first;
  bool line_has_item = false;
  for (const auto& item : items) {
    if (line_has_item && util::display_width(line) + 2 + util::display_width(item) > kColumns) {
      out += line + "\n";
      line = rest;
      line_has_item = false;
    }
    line += (line_has_item ? "  " : "") + item;
    line_has_item = true;
  }
  return out + line + "\n";
}

std::string fit(const std::string& first, const std::string& text, const std::string& rest) {
  if (util::display_width(first) + util::display_width(text) <= kColumns) {
    return first + text + "\n";
  }
  return util::wrap(util::split_long_words(text, kColumns - rest.size()), kColumns, first, rest);
}

std::string pad(const std::string& text, std::size_t width) {
  return text + std::string(width - std::min(width, util::display_width(text)), ' ');
}

std::string paragraph(const std::string& heading, const std::string& text) {
  return "\n  " + heading + "\n" +
         util::wrap(util::split_long_words(text, kColumns - 4), kColumns, "    ", "    ");
}

std::string times(const Style& style) {
  return style.unicode ? "\u00d7" : "x";
}

std::string plural(std::int64_t count, const char* noun) {
  return fmt::format("{} {}{}", count, noun, count == 1 ? "" : "s");
}

}  // namespace reqscope::render
