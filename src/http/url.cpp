#include "reqscope/http/url.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "reqscope/util/ip.hpp"
#include "reqscope/util/text.hpp"

namespace reqscope::http {

namespace {

bool is_hostname_byte(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.' || c == '_';
}

}  // namespace

std::string Url::host_for_url() const {
  return host_is_ipv6 ? "[" + host + "]" : host;
}

std::string Url::to_string() const {
  const bool default_port = (scheme == "http" && port == 80) || (scheme == "https" && port == 443);
  std::string out = scheme + "://" + host_for_url();
  if (!default_port) out += ":" + std::to_string(port);
  return out + target;
}

Result<std::uint16_t> parse_port(std::string_view text) {
  if (text.empty() || text.size() > 5 || !std::all_of(text.begin(), text.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) != 0;
      })) {
    return fail("bad_url", "invalid port " + util::quote(text),
                "a port is a number from 1 to 65535");
  }
  unsigned value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  if (value == 0 || value > 65535) {
    return fail("bad_url", "port " + util::quote(text) + " is out of range",
                "a port is a number from 1 to 65535");
  }
  return static_cast<std::uint16_t>(value);
}

Result<std::string> parse_host(std::string_view text) {
  if (text.empty())
    return fail("bad_url", "empty host name", "write a host, e.g. http://localhost/");
  if (text.size() > 253) {
    return fail("bad_url",
                "host name " + util::quote(text.substr(0, 40)) + "... is longer than 253 bytes");
  }
  if (util::is_ipv6_literal(text) || util::is_ipv4_literal(text)) return util::to_lower(text);
  if (!std::all_of(text.begin(), text.end(), is_hostname_byte)) {
    return fail("bad_url", "invalid host name " + util::quote(text),
                "host names use letters, digits, '-', '_' and '.' (IPv6 literals go in brackets)");
  }
  std::size_t label_start = 0;
  const std::string_view trimmed = text.back() == '.' ? text.substr(0, text.size() - 1) : text;
  while (label_start <= trimmed.size()) {
    auto dot = trimmed.find('.', label_start);
    if (dot == std::string_view::npos) dot = trimmed.size();
    const auto label_length = dot - label_start;
    if (label_length == 0 || label_length > 63) {
      return fail("bad_url", "invalid host name " + util::quote(text),
                  "each dot-separated label must be 1 to 63 bytes long");
    }
    label_start = dot + 1;
  }
  return util::to_lower(text);
}

Result<Url> parse_url(std::string_view text) {
  if (text.size() > kMaxUrlLength) {
    return fail("bad_url", "URL " + util::quote(text.substr(0, 40)) + "... is longer than " +
                               std::to_string(kMaxUrlLength) + " bytes");
  }
  if (text.empty())
    return fail("bad_url", "empty URL", "give a URL such as http://localhost:8080/");
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7f) {
      return fail("bad_url", "URL " + util::quote(text) + " contains whitespace or a control byte",
                  "percent-encode spaces as %20");
    }
  }

  Url url;
  std::string_view rest = text;
  const auto scheme_end = rest.find("://");
  if (scheme_end == std::string_view::npos) {
    url.scheme = "http";
  } else {
    url.scheme = util::to_lower(rest.substr(0, scheme_end));
    rest.remove_prefix(scheme_end + 3);
    if (url.scheme != "http" && url.scheme != "https") {
      return fail("bad_url",
                  "unsupported scheme " + util::quote(url.scheme) + " in " + util::quote(text),
                  "reqscope traces http:// and https:// URLs");
    }
  }

  const auto authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view remainder =
      authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);

  if (authority.find('@') != std::string_view::npos) {
    return fail("bad_url", "user credentials in URL " + util::quote(text) + " are not supported",
                "send them with -H 'Authorization: ...' instead");
  }

  std::string_view host_text;
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) {
      return fail("bad_url", "unterminated IPv6 literal in " + util::quote(text));
    }
    host_text = authority.substr(1, close - 1);
    if (!util::is_ipv6_literal(host_text)) {
      return fail("bad_url", "invalid IPv6 address " + util::quote(host_text));
    }
    url.host_is_ipv6 = true;
    const auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':')
        return fail("bad_url", "unexpected text after IPv6 literal in " + util::quote(text));
      port_text = after.substr(1);
      if (port_text.empty()) return fail("bad_url", "empty port in " + util::quote(text));
    }
  } else {
    const auto colon = authority.find(':');
    host_text = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) return fail("bad_url", "empty port in " + util::quote(text));
    }
  }

  auto host = parse_host(host_text);
  if (!host) return tl::unexpected(host.error());
  url.host = *host;
  if (!url.host_is_ipv6 && util::is_ipv6_literal(url.host)) {
    return fail("bad_url", "IPv6 address " + util::quote(url.host) + " must be written in brackets",
                "e.g. http://[::1]:8080/");
  }

  if (port_text.empty()) {
    url.port = url.scheme == "https" ? 443 : 80;
  } else {
    auto port = parse_port(port_text);
    if (!port) return tl::unexpected(port.error());
    url.port = *port;
  }

  const auto fragment = remainder.find('#');
  remainder = remainder.substr(0, fragment);
  url.target = remainder.empty() || remainder.front() != '/' ? "/" + std::string(remainder)
                                                             : std::string(remainder);
  return url;
}

}  // namespace reqscope::http
