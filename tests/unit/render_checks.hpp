#pragma once

// Checks the human-view tests share: lines within 80 columns, and prose
// found wherever the wrapping broke it.

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "reqscope/render/style.hpp"
#include "reqscope/util/text.hpp"

namespace reqscope::test {

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  for (const auto line : util::split(text, '\n'))
    lines.emplace_back(line);
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

inline void check_fits(const std::string& text) {
  for (const auto& line : lines_of(text)) {
    INFO(line);
    CHECK(util::display_width(line) <= render::kColumns);
  }
}

// Wrapped prose joined back into one line, to find a phrase wherever it broke.
inline std::string flat(const std::string& text) {
  std::string out;
  for (const auto& line : lines_of(text))
    out += std::string(out.empty() ? "" : " ") + std::string(util::trim(line));
  return out;
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace reqscope::test
