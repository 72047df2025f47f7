#include "reqscope/cors/origin.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <optional>

#include "reqscope/http/url.hpp"
#include "reqscope/util/text.hpp"

namespace reqscope::cors {

namespace {

constexpr std::size_t kMaxOriginLength = 2048;
constexpr const char* kOriginHint = "an origin is scheme://host[:port], e.g. https://app.example";

tl::unexpected<Error> bad_origin(std::string_view text, std::string_view why,
                                 std::string hint = kOriginHint) {
  return fail("bad_origin",
              "--origin " + util::quote(text.substr(0, 200)) + ": " + std::string(why),
              std::move(hint));
}

// Whether the last label is a number (decimal or 0x hex): the URL standard then
// reads the whole host as an IPv4 address, as browsers do ("127.1").
bool ends_in_number(std::string_view host) {
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  auto label = host.substr(host.rfind('.') + 1);
  if (label.starts_with("0x") || label.starts_with("0X")) label.remove_prefix(2);
  return !label.empty() && label.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos &&
         (host.substr(host.rfind('.') + 1) != label ||
          label.find_first_not_of("0123456789") == std::string::npos);
}

// The URL standard's IPv6 serializer: eight hexadecimal pieces, the first
// longest run of two or more zero pieces written "::". Unlike inet_ntop it
// never writes a trailing IPv4 part ("::ffff:7f00:1", not "::ffff:127.0.0.1").
std::string serialize_ipv6(const in6_addr& address) {
  std::array<unsigned, 8> pieces{};
  for (std::size_t i = 0; i < pieces.size(); ++i)
    pieces[i] = (unsigned{address.s6_addr[2 * i]} << 8) | address.s6_addr[2 * i + 1];
  std::size_t best_start = pieces.size();
  std::size_t best_length = 1;
  for (std::size_t i = 0; i < pieces.size();) {
    std::size_t length = 0;
    while (i + length < pieces.size() && pieces[i + length] == 0)
      ++length;
    if (length > best_length) {
      best_start = i;
      best_length = length;
    }
    i += length == 0 ? 1 : length;
  }
  std::string out;
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    if (i == best_start) {
      out += i == 0 ? "::" : ":";
      i += best_length - 1;
      continue;
    }
    out += fmt::format("{:x}", pieces[i]);
    if (i + 1 < pieces.size()) out += ":";
  }
  return out;
}

// The address as a browser serializes it: IPv4 dotted decimal, IPv6 compressed.
std::optional<std::string> canonical_address(const std::string& host, bool ipv6) {
  char text[INET6_ADDRSTRLEN] = {};
  if (ipv6) {
    in6_addr address{};
    if (inet_pton(AF_INET6, host.c_str(), &address) != 1) return std::nullopt;
    return serialize_ipv6(address);
  }
  in_addr address{};
  // The URL standard drops one trailing dot before reading the number.
  const auto number = host.ends_with('.') ? host.substr(0, host.size() - 1) : host;
  if (inet_aton(number.c_str(), &address) == 0) return std::nullopt;
  return inet_ntop(AF_INET, &address, text, sizeof text);
}

}  // namespace

bool Origin::default_port() const {
  return (scheme == "http" && port == 80) || (scheme == "https" && port == 443);
}

std::string Origin::serialize() const {
  if (opaque) return "null";
  std::string out = scheme + "://" + (host_is_ipv6 ? "[" + host + "]" : host);
  if (!default_port()) out += ":" + std::to_string(port);
  return out;
}

Result<Origin> parse_origin(std::string_view text) {
  if (text.size() > kMaxOriginLength) {
    return bad_origin(text, "is longer than " + std::to_string(kMaxOriginLength) + " bytes");
  }
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f) {
      return bad_origin(text, "contains a space, control or non-ASCII byte",
                        "browsers send origins in ASCII; write an IDN host in its xn-- form");
    }
  }
  if (text == "null") return Origin{"", "", 0, false, true};
  if (util::iequals(text, "null")) {
    return bad_origin(text, "is not an origin",
                      "the opaque origin is written null, in lower case, as browsers send it");
  }
  const auto separator = text.find("://");
  if (separator == std::string_view::npos) {
    return bad_origin(text, "has no scheme", "write the scheme, e.g. https://app.example");
  }
  const auto scheme = util::to_lower(text.substr(0, separator));
  if (scheme != "http" && scheme != "https") {
    return bad_origin(text, "scheme " + util::quote(scheme) + " is not http or https",
                      "reqscope checks web origins: http:// or https://");
  }
  auto rest = text.substr(separator + 3);
  const auto path = rest.find_first_of("/?#");
  if (path != std::string_view::npos) {
    return bad_origin(text, "has a path, query or fragment",
                      "an origin ends after the host and port: --origin " + scheme + "://" +
                          std::string(rest.substr(0, path)));
  }
  if (rest.find('@') != std::string_view::npos) {
    return bad_origin(text, "has user info", kOriginHint);
  }
  Origin origin;
  origin.scheme = scheme;
  std::string_view host = rest;
  std::string_view port;
  if (rest.starts_with("[")) {
    const auto close = rest.find(']');
    if (close == std::string_view::npos) return bad_origin(text, "has an unclosed '['");
    host = rest.substr(1, close - 1);
    const auto after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad_origin(text, "has text after the IPv6 address");
      port = after.substr(1);
      if (port.empty()) return bad_origin(text, "has an empty port");
    }
    origin.host_is_ipv6 = true;
  } else {
    if (std::count(rest.begin(), rest.end(), ':') > 1) {
      return bad_origin(text, "an IPv6 address goes in brackets", "e.g. http://[::1]:8080");
    }
    const auto colon = rest.find(':');
    if (colon != std::string_view::npos) {
      host = rest.substr(0, colon);
      port = rest.substr(colon + 1);
      if (port.empty()) return bad_origin(text, "has an empty port");
    }
  }
  if (host.empty()) return bad_origin(text, "has no host");
  auto parsed_host = http::parse_host(host);
  if (!parsed_host) return bad_origin(text, parsed_host.error().message, parsed_host.error().hint);
  if (origin.host_is_ipv6 != (parsed_host->find(':') != std::string::npos)) {
    return bad_origin(text, "an IPv6 address goes in brackets, and only an IPv6 address",
                      "e.g. http://[::1]:8080");
  }
  origin.host = *parsed_host;
  if (origin.host_is_ipv6 || ends_in_number(origin.host)) {
    auto address = canonical_address(origin.host, origin.host_is_ipv6);
    if (!address) return bad_origin(text, "is not a valid IP address");
    origin.host = *address;
  }
  if (port.empty()) {
    origin.port = scheme == "https" ? 443 : 80;
  } else {
    auto parsed_port = http::parse_port(port);
    if (!parsed_port)
      return bad_origin(text, parsed_port.error().message, parsed_port.error().hint);
    origin.port = *parsed_port;
  }
  return origin;
}

}  // namespace reqscope::cors
