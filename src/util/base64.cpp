#include "reqscope/util/base64.hpp"

#include <array>
#include <cstdint>

#include "reqscope/util/text.hpp"

namespace reqscope::util {

namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

constexpr std::array<std::int8_t, 256> make_decode_table() {
  std::array<std::int8_t, 256> table{};
  for (auto& entry : table)
    entry = -1;
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
    table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::int8_t>(i);
  }
  return table;
}

constexpr auto kDecode = make_decode_table();

std::string describe_byte(char c) {
  if (c == '=') return "'=' padding";
  if (c == ' ' || c == '\t' || c == '\r' || c == '\n') return "whitespace";
  if (c == '+' || c == '/') return std::string("'") + c + "' (standard base64, not base64url)";
  return "the character " + quote(std::string_view(&c, 1));
}

}  // namespace

std::string base64url_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  std::size_t i = 0;
  const auto byte = [&](std::size_t at) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at]));
  };
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t group = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out += kAlphabet[(group >> 18) & 63];
    out += kAlphabet[(group >> 12) & 63];
    out += kAlphabet[(group >> 6) & 63];
    out += kAlphabet[group & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    const std::uint32_t group = byte(i) << 16;
    out += kAlphabet[(group >> 18) & 63];
    out += kAlphabet[(group >> 12) & 63];
  } else if (rest == 2) {
    const std::uint32_t group = (byte(i) << 16) | (byte(i + 1) << 8);
    out += kAlphabet[(group >> 18) & 63];
    out += kAlphabet[(group >> 12) & 63];
    out += kAlphabet[(group >> 6) & 63];
  }
  return out;
}

std::string base64url_problem(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (kDecode[static_cast<unsigned char>(text[i])] < 0) {
      return "contains " + describe_byte(text[i]) + " at offset " + std::to_string(i);
    }
  }
  if (text.size() % 4 == 1) {
    return "has a length of " + std::to_string(text.size()) + ", which no byte string encodes to";
  }
  const std::size_t rest = text.size() % 4;
  if (rest != 0) {
    const auto last = static_cast<std::uint32_t>(kDecode[static_cast<unsigned char>(text.back())]);
    const std::uint32_t unused_mask = rest == 2 ? 0x0f : 0x03;
    if ((last & unused_mask) != 0) {
      return "ends in " + quote(text.substr(text.size() - 1)) +
             ", whose unused low bits are not zero (a non-canonical spelling)";
    }
  }
  return {};
}

std::optional<std::string> base64url_decode(std::string_view text) {
  if (!base64url_problem(text).empty()) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const char c : text) {
    buffer = (buffer << 6) | static_cast<std::uint32_t>(kDecode[static_cast<unsigned char>(c)]);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  return out;
}

}  // namespace reqscope::util
