#include "reqscope/util/text.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cstdint>

namespace reqscope::util {

namespace {
constexpr std::size_t kMaxQuotedBytes = 80;
}

std::string quote(std::string_view text) {
  std::string out = "'";
  const bool truncated = text.size() > kMaxQuotedBytes;
  for (char c : text.substr(0, kMaxQuotedBytes)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte == '\\' || byte == '\'') {
      out += '\\';
      out += c;
    } else if (byte < 0x20 || byte >= 0x7f) {
      out += fmt::format("\\x{:02x}", byte);
    } else {
      out += c;
    }
  }
  out += "'";
  if (truncated) out += fmt::format(" (truncated, {} bytes)", text.size());
  return out;
}

namespace {

// The length of the well-formed UTF-8 sequence at the start of `text`, or 0.
std::size_t utf8_sequence_length(std::string_view text) {
  const auto lead = static_cast<unsigned char>(text[0]);
  const std::size_t length = (lead >= 0xC2 && lead <= 0xDF)   ? 2
                             : (lead >= 0xE0 && lead <= 0xEF) ? 3
                             : (lead >= 0xF0 && lead <= 0xF4) ? 4
                                                              : 0;
  if (length == 0 || text.size() < length) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) return 0;
  }
  return length;
}

std::uint32_t utf8_code_point(std::string_view sequence) {
  std::uint32_t code = static_cast<unsigned char>(sequence[0]) & (0xFF >> (sequence.size() + 1));
  for (std::size_t i = 1; i < sequence.size(); ++i)
    code = (code << 6) | (static_cast<unsigned char>(sequence[i]) & 0x3F);
  return code;
}

// C1 controls (a terminal acts on CSI, U+009B, as on ESC [) and the bidi
// overrides and isolates, which make text display in another order.
bool is_unsafe_code_point(std::uint32_t code) {
  return (code >= 0x80 && code <= 0x9F) || (code >= 0x202A && code <= 0x202E) ||
         (code >= 0x2066 && code <= 0x2069);
}

}  // namespace

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      if (byte < 0x20 || byte == 0x7f) {
        out += fmt::format("\\x{:02x}", byte);
      } else {
        out += text[i];
      }
      ++i;
      continue;
    }
    const auto length = utf8_sequence_length(text.substr(i));
    const auto sequence = text.substr(i, length);
    if (length == 0) {
      out += fmt::format("\\x{:02x}", byte);
      ++i;
    } else if (is_unsafe_code_point(utf8_code_point(sequence))) {
      out += fmt::format("\\u{:04x}", utf8_code_point(sequence));
      i += length;
    } else {
      out += sequence;
      i += length;
    }
  }
  return out;
}

std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  bool in_escape = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (in_escape) {
      // A CSI sequence ends at its final byte, '@' to '~'.
      if (c >= 0x40 && c <= 0x7E) in_escape = false;
      continue;
    }
    if (c == 0x1B && i + 1 < text.size() && text[i + 1] == '[') {
      in_escape = true;
      ++i;
      continue;
    }
    // UTF-8 continuation bytes add no column.
    if ((c & 0xC0) != 0x80) ++width;
  }
  return width;
}

std::string split_long_words(std::string_view text, std::size_t width) {
  std::string out;
  std::size_t run = 0;  // characters since the last space
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const bool starts_character = (byte & 0xC0) != 0x80;
    if (text[i] == ' ') {
      run = 0;
    } else if (starts_character && run++ == width) {
      out += ' ';
      run = 1;
    }
    out += text[i];
  }
  return out;
}

std::string wrap(std::string_view text, std::size_t width, std::string_view first,
                 std::string_view rest) {
  std::string out(first);
  std::size_t column = display_width(first);
  bool line_has_word = false;
  for (auto word : split(text, ' ')) {
    if (word.empty()) continue;
    const auto word_width = display_width(word);
    if (line_has_word && column + 1 + word_width > width) {
      out += "\n";
      out += rest;
      column = display_width(rest);
      line_has_word = false;
    }
    if (line_has_word) {
      out += ' ';
      ++column;
    }
    out += word;
    column += word_width;
    line_has_word = true;
  }
  return out + "\n";
}

std::string to_lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string to_upper(std::string_view text) {
  std::string out(text);
  for (auto& c : out)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view text) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && is_space(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && is_space(text.back()))
    text.remove_suffix(1);
  return text;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += separator;
    out += parts[i];
  }
  return out;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const auto end = text.find(separator, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

}  // namespace reqscope::util
