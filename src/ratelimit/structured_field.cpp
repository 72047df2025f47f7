#include "reqscope/ratelimit/structured_field.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>

#include "reqscope/util/base64.hpp"
#include "reqscope/util/text.hpp"

// The parsing algorithms of RFC 9651 section 4.2, step by step. The parser
// keeps an offset into the whole field instead of consuming a copy, so an
// error can say at which byte of the value as received it went wrong.
namespace reqscope::ratelimit::sf {

namespace {

constexpr const char* kErrorKind = "bad_structured_field";
constexpr std::size_t kMaxIntegerDigits = 15;
constexpr std::size_t kMaxDecimalIntegerDigits = 12;
constexpr std::size_t kMaxDecimalFractionDigits = 3;

constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_lcalpha(char c) {
  return c >= 'a' && c <= 'z';
}
bool is_alpha(char c) {
  return is_lcalpha(c) || (c >= 'A' && c <= 'Z');
}

// RFC 9110 tchar.
bool is_tchar(char c) {
  return is_alpha(c) || is_digit(c) ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_key_char(char c) {
  return is_lcalpha(c) || is_digit(c) || c == '_' || c == '-' || c == '.' || c == '*';
}

constexpr std::array<std::int8_t, 256> make_base64_table() {
  std::array<std::int8_t, 256> table{};
  for (auto& entry : table)
    entry = -1;
  for (std::size_t i = 0; i < kBase64Alphabet.size(); ++i)
    table[static_cast<unsigned char>(kBase64Alphabet[i])] = static_cast<std::int8_t>(i);
  return table;
}

constexpr auto kBase64Decode = make_base64_table();

// Standard base64 (RFC 4648 section 4), as byte sequences are written. As
// RFC 9651 section 4.2.7 asks, missing '=' padding and non-zero pad bits are
// accepted; '=' anywhere but at the end, or a length no bytes encode to, is not.
std::optional<std::string> decode_base64(std::string_view text) {
  const auto padding_at = std::min(text.find('='), text.size());
  const auto data = text.substr(0, padding_at);
  const auto padding = text.substr(padding_at);
  if (padding.find_first_not_of('=') != std::string_view::npos || padding.size() > 2 ||
      (!padding.empty() && text.size() % 4 != 0) || data.size() % 4 == 1) {
    return std::nullopt;
  }
  std::string out;
  out.reserve(data.size() * 3 / 4);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const char c : data) {
    buffer =
        (buffer << 6) | static_cast<std::uint32_t>(kBase64Decode[static_cast<unsigned char>(c)]);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  return out;
}

// base64url without padding becomes standard base64 with padding.
std::string encode_base64(std::string_view bytes) {
  auto out = util::base64url_encode(bytes);
  std::replace(out.begin(), out.end(), '-', '+');
  std::replace(out.begin(), out.end(), '_', '/');
  out.append((4 - out.size() % 4) % 4, '=');
  return out;
}

template <typename Map, typename Value>
void insert_or_overwrite(Map& map, std::string key, Value value) {
  const auto existing =
      std::find_if(map.begin(), map.end(), [&](const auto& entry) { return entry.first == key; });
  if (existing != map.end()) {
    existing->second = std::move(value);
  } else {
    map.emplace_back(std::move(key), std::move(value));
  }
}

class Parser {
 public:
  explicit Parser(std::string_view input) : input_(input) {}

  Result<List> list() {
    skip_sp();
    List members;
    while (!at_end()) {
      auto member = item_or_inner_list();
      if (!member) return tl::unexpected(member.error());
      members.push_back(std::move(*member));
      auto next = after_member();
      if (!next) return tl::unexpected(next.error());
    }
    return members;
  }

  Result<Dictionary> dictionary() {
    skip_sp();
    Dictionary members;
    while (!at_end()) {
      auto name = key();
      if (!name) return tl::unexpected(name.error());
      Member member;
      if (!at_end() && peek() == '=') {
        ++pos_;
        auto value = item_or_inner_list();
        if (!value) return tl::unexpected(value.error());
        member = std::move(*value);
      } else {
        member.item.value.type = Type::boolean;
        member.item.value.boolean = true;
        auto params = parameters();
        if (!params) return tl::unexpected(params.error());
        member.item.parameters = std::move(*params);
      }
      insert_or_overwrite(members, std::move(*name), std::move(member));
      auto next = after_member();
      if (!next) return tl::unexpected(next.error());
    }
    return members;
  }

 private:
  bool at_end() const { return pos_ >= input_.size(); }
  char peek() const { return input_[pos_]; }

  void skip_sp() {
    while (!at_end() && peek() == ' ')
      ++pos_;
  }

  void skip_ows() {
    while (!at_end() && (peek() == ' ' || peek() == '\t'))
      ++pos_;
  }

  std::string found() const {
    return at_end() ? std::string("end of field") : util::quote(input_.substr(pos_, 1));
  }

  tl::unexpected<Error> expected(std::string_view what) const {
    return fail(kErrorKind, fmt::format("at byte {}: expected {}, found {}", pos_, what, found()));
  }

  tl::unexpected<Error> refused(std::size_t at, std::string_view why) const {
    return fail(kErrorKind, fmt::format("at byte {}: {}", at, why));
  }

  // Between list or dictionary members: OWS, a comma, OWS, and another member.
  Result<void> after_member() {
    skip_ows();
    if (at_end()) return {};
    if (peek() != ',') return expected("',' or end of field");
    ++pos_;
    skip_ows();
    if (at_end()) return expected("another member after ','");
    return {};
  }

  Result<Member> item_or_inner_list() {
    if (!at_end() && peek() == '(') return inner_list();
    auto parsed = item();
    if (!parsed) return tl::unexpected(parsed.error());
    Member member;
    member.item = std::move(*parsed);
    return member;
  }

  Result<Member> inner_list() {
    ++pos_;
    Member member;
    member.is_inner_list = true;
    while (!at_end()) {
      skip_sp();
      if (at_end()) break;
      if (peek() == ')') {
        ++pos_;
        auto params = parameters();
        if (!params) return tl::unexpected(params.error());
        member.parameters = std::move(*params);
        return member;
      }
      auto parsed = item();
      if (!parsed) return tl::unexpected(parsed.error());
      member.inner.push_back(std::move(*parsed));
      if (!at_end() && peek() != ' ' && peek() != ')') return expected("' ' or ')'");
    }
    return expected("')' closing the inner list");
  }

  Result<Item> item() {
    auto value = bare_item();
    if (!value) return tl::unexpected(value.error());
    auto params = parameters();
    if (!params) return tl::unexpected(params.error());
    return Item{std::move(*value), std::move(*params)};
  }

  Result<BareItem> bare_item() {
    if (at_end()) return expected("an item");
    const char c = peek();
    if (c == '-' || is_digit(c)) return number();
    if (c == '"') return string();
    if (is_alpha(c) || c == '*') return token();
    if (c == ':') return bytes();
    if (c == '?') return boolean();
    if (c == '@') return refused(pos_, "'@' starts a Date, a type this parser does not support");
    if (c == '%') {
      return refused(pos_, "'%' starts a Display String, a type this parser does not support");
    }
    return expected("an item");
  }

  Result<Parameters> parameters() {
    Parameters params;
    while (!at_end() && peek() == ';') {
      ++pos_;
      skip_sp();
      auto name = key();
      if (!name) return tl::unexpected(name.error());
      BareItem value;
      value.type = Type::boolean;
      value.boolean = true;
      if (!at_end() && peek() == '=') {
        ++pos_;
        auto parsed = bare_item();
        if (!parsed) return tl::unexpected(parsed.error());
        value = std::move(*parsed);
      }
      insert_or_overwrite(params, std::move(*name), std::move(value));
    }
    return params;
  }

  Result<std::string> key() {
    if (at_end() || !(is_lcalpha(peek()) || peek() == '*')) {
      return expected("a key (a lower-case letter or '*')");
    }
    const auto start = pos_;
    while (!at_end() && is_key_char(peek()))
      ++pos_;
    return std::string(input_.substr(start, pos_ - start));
  }

  Result<BareItem> number() {
    bool negative = false;
    if (peek() == '-') {
      negative = true;
      ++pos_;
    }
    if (at_end() || !is_digit(peek())) return expected("a digit");
    std::int64_t integer_part = 0;
    std::int64_t fraction = 0;
    std::size_t integer_digits = 0;
    std::size_t fraction_digits = 0;
    bool decimal = false;
    for (; !at_end(); ++pos_) {
      const char c = peek();
      if (is_digit(c) && decimal) {
        if (++fraction_digits > kMaxDecimalFractionDigits) {
          return refused(pos_, "a decimal has at most 3 digits after '.'");
        }
        fraction = fraction * 10 + (c - '0');
      } else if (is_digit(c)) {
        if (++integer_digits > kMaxIntegerDigits) {
          return refused(pos_, "an integer has at most 15 digits");
        }
        integer_part = integer_part * 10 + (c - '0');
      } else if (c == '.' && !decimal) {
        if (integer_digits > kMaxDecimalIntegerDigits) {
          return refused(pos_, "a decimal has at most 12 digits before '.'");
        }
        decimal = true;
      } else {
        break;
      }
    }
    BareItem item;
    if (!decimal) {
      item.type = Type::integer;
      item.integer = negative ? -integer_part : integer_part;
      return item;
    }
    if (fraction_digits == 0) return expected("a digit after '.'");
    double scale = 1;
    for (std::size_t i = 0; i < fraction_digits; ++i)
      scale *= 10;
    item.type = Type::decimal;
    item.decimal = static_cast<double>(integer_part) + static_cast<double>(fraction) / scale;
    if (negative) item.decimal = -item.decimal;
    return item;
  }

  Result<BareItem> string() {
    ++pos_;
    BareItem item;
    item.type = Type::string;
    while (!at_end()) {
      const char c = peek();
      if (c == '\\') {
        ++pos_;
        if (at_end() || (peek() != '"' && peek() != '\\')) {
          return expected("'\"' or '\\' after '\\'");
        }
        item.text += peek();
      } else if (c == '"') {
        ++pos_;
        return item;
      } else if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
        return expected("a printable ASCII character or '\"'");
      } else {
        item.text += c;
      }
      ++pos_;
    }
    return expected("'\"' closing the string");
  }

  Result<BareItem> token() {
    const auto start = pos_;
    while (!at_end() && (is_tchar(peek()) || peek() == ':' || peek() == '/'))
      ++pos_;
    BareItem item;
    item.type = Type::token;
    item.text = std::string(input_.substr(start, pos_ - start));
    return item;
  }

  Result<BareItem> bytes() {
    ++pos_;
    const auto start = pos_;
    while (!at_end() && peek() != ':') {
      if (kBase64Decode[static_cast<unsigned char>(peek())] < 0 && peek() != '=') {
        return expected("a base64 character or ':'");
      }
      ++pos_;
    }
    if (at_end()) return expected("':' closing the byte sequence");
    const auto content = input_.substr(start, pos_ - start);
    auto decoded = decode_base64(content);
    if (!decoded) {
      return refused(start, "the byte sequence " + util::quote(content) + " is not valid base64");
    }
    ++pos_;
    BareItem item;
    item.type = Type::bytes;
    item.text = std::move(*decoded);
    return item;
  }

  Result<BareItem> boolean() {
    ++pos_;
    if (at_end() || (peek() != '0' && peek() != '1')) return expected("'0' or '1' after '?'");
    BareItem item;
    item.type = Type::boolean;
    item.boolean = peek() == '1';
    ++pos_;
    return item;
  }

  std::string_view input_;
  std::size_t pos_ = 0;
};

tl::unexpected<Error> too_long(std::size_t size) {
  return fail(kErrorKind,
              fmt::format("the field is {} bytes long; fields over {} bytes are refused", size,
                          kMaxFieldLength));
}

std::string serialize_decimal(double value) {
  auto text = fmt::format("{:.3f}", value);
  while (text.ends_with('0') && !text.ends_with(".0"))
    text.pop_back();
  return text;
}

std::string serialize_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

Result<List> parse_list(std::string_view text) {
  if (text.size() > kMaxFieldLength) return too_long(text.size());
  return Parser(text).list();
}

Result<Dictionary> parse_dictionary(std::string_view text) {
  if (text.size() > kMaxFieldLength) return too_long(text.size());
  return Parser(text).dictionary();
}

const BareItem* find_parameter(const Parameters& parameters, std::string_view key) {
  for (auto it = parameters.rbegin(); it != parameters.rend(); ++it) {
    if (it->first == key) return &it->second;
  }
  return nullptr;
}

std::string serialize(const BareItem& item) {
  switch (item.type) {
    case Type::integer:
      return std::to_string(item.integer);
    case Type::decimal:
      return serialize_decimal(item.decimal);
    case Type::string:
      return serialize_string(item.text);
    case Type::token:
      return item.text;
    case Type::bytes:
      return ":" + encode_base64(item.text) + ":";
    case Type::boolean:
      return item.boolean ? "?1" : "?0";
  }
  return {};
}

}  // namespace reqscope::ratelimit::sf
