#include "reqscope/http/header.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "reqscope/util/text.hpp"

namespace reqscope::http {

namespace {

bool is_token_char(char c) {
  static constexpr std::string_view kExtra = "!#$%&'*+-.^_`|~";
  return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
         kExtra.find(c) != std::string_view::npos;
}

}  // namespace

bool is_token(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), is_token_char);
}

Result<Header> parse_header_line(std::string_view line) {
  if (line.size() > kMaxHeaderLineLength) {
    return fail("bad_header", "header " + util::quote(line) + " is longer than " +
                                  std::to_string(kMaxHeaderLineLength) + " bytes");
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) {
    return fail("bad_header", "header " + util::quote(line) + " has no ':'",
                "write headers as 'Name: value'");
  }
  const auto name = line.substr(0, colon);
  if (!is_token(name)) {
    return fail("bad_header", "invalid header name " + util::quote(name),
                "header names are letters, digits and !#$%&'*+-.^_`|~, with no spaces");
  }
  const auto value = util::trim(line.substr(colon + 1));
  for (char c : value) {
    if (c == '\r' || c == '\n' || c == '\0') {
      return fail("bad_header", "header value for " + util::quote(name) + " contains CR, LF or NUL",
                  "a header value is one line");
    }
  }
  return Header{std::string(name), std::string(value)};
}

bool parse_response_header(std::string_view line, Header& out) {
  line = util::trim(line);
  if (line.empty() || line.starts_with("HTTP/")) return false;
  const auto colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  out.name = std::string(line.substr(0, colon));
  out.value = std::string(util::trim(line.substr(colon + 1)));
  return true;
}

bool is_secret_header(std::string_view name) {
  static constexpr std::array<std::string_view, 4> kSecret = {
      "authorization", "proxy-authorization", "cookie", "set-cookie"};
  return std::any_of(kSecret.begin(), kSecret.end(),
                     [&](std::string_view s) { return util::iequals(s, name); });
}

std::string redact_value(std::string_view name, std::string_view value) {
  if (!is_secret_header(name)) return std::string(value);
  std::string_view kept;
  if (util::iequals(name, "authorization") || util::iequals(name, "proxy-authorization")) {
    const auto space = value.find(' ');
    if (space != std::string_view::npos) kept = value.substr(0, space + 1);
  } else {
    const auto equals = value.find('=');
    if (equals != std::string_view::npos) kept = value.substr(0, equals + 1);
  }
  return fmt::format("{}[redacted, {} bytes]", kept, value.size());
}

}  // namespace reqscope::http
