#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "reqscope/error.hpp"

namespace reqscope::render {

// How a human view may be drawn: colour and Unicode are each allowed or not.
struct Style {
  bool color = false;
  bool unicode = false;

  std::string green(std::string_view text) const { return wrap("32", text); }
  std::string red(std::string_view text) const { return wrap("31", text); }
  std::string yellow(std::string_view text) const { return wrap("33", text); }
  std::string bold(std::string_view text) const { return wrap("1", text); }
  std::string dim(std::string_view text) const { return wrap("2", text); }
  std::string cyan(std::string_view text) const { return wrap("36", text); }

  // Separators that degrade to ASCII when the locale is not UTF-8.
  const char* arrow() const { return unicode ? "\u2192" : "->"; }
  const char* dot() const { return unicode ? "\u00b7" : "-"; }
  const char* bar() const { return unicode ? "\u2588" : "#"; }

 private:
  std::string wrap(std::string_view code, std::string_view text) const {
    if (!color) return std::string(text);
    return "\x1b[" + std::string(code) + "m" + std::string(text) + "\x1b[0m";
  }
};

// The width every human view is laid out for.
inline constexpr std::size_t kColumns = 80;

// An error's message and hint, wrapped under a verdict line: "  message" then
// "  hint: ..." (no hint line when the hint is empty).
std::string error_block(const Error& error);

// Milliseconds with a unit and precision that suits their size: "0.12 ms", "203.4 ms", "2.31 s".
std::string format_ms(double ms);
// A byte count with a unit: "512 B", "1.5 KiB", "3.2 MiB".
std::string format_bytes(std::uint64_t bytes);

}  // namespace reqscope::render
