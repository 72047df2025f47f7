#include <optional>
#include <string>

#include "reqscope/http/url.hpp"
#include "reqscope/tls/inspect.hpp"
#include "reqscope/util/ip.hpp"
#include "reqscope/util/text.hpp"

namespace reqscope::tls {

Result<Target> parse_target(std::string_view text) {
  if (text.empty()) {
    return fail("bad_url", "empty host", "give HOST, HOST:PORT or an https:// URL");
  }
  if (text.find("://") != std::string_view::npos) {
    auto url = http::parse_url(text);
    if (!url) return fail("bad_url", url.error().message, "give HOST[:PORT] or an https:// URL");
    if (!url->is_https()) {
      return fail("bad_url", "not an https URL: " + util::quote(text),
                  "give HOST[:PORT] or an https:// URL");
    }
    return Target{url->host, url->port};
  }
  if (util::is_ipv6_literal(text)) return Target{std::string(text), 443};
  std::string_view host = text;
  std::optional<std::string_view> port;
  if (text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos || (close + 1 < text.size() && text[close + 1] != ':')) {
      return fail("bad_url", "invalid bracketed address " + util::quote(text),
                  "write an IPv6 address as [ADDRESS] or [ADDRESS]:PORT");
    }
    host = text.substr(1, close - 1);
    if (close + 1 < text.size()) port = text.substr(close + 2);
    if (!util::is_ipv6_literal(host)) {
      return fail("bad_url", "not an IPv6 address in brackets: " + util::quote(host),
                  "write an IPv6 address as [ADDRESS] or [ADDRESS]:PORT");
    }
  } else if (const auto colon = text.rfind(':'); colon != std::string_view::npos) {
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) {
      return fail("bad_url", "invalid address " + util::quote(text),
                  "write an IPv6 address with a port as [ADDRESS]:PORT");
    }
  }
  auto parsed_host = http::parse_host(host);
  if (!parsed_host) return tl::unexpected(parsed_host.error());
  Target target{*parsed_host, 443};
  if (port) {
    auto parsed_port = http::parse_port(*port);
    if (!parsed_port) {
      return fail("bad_url", parsed_port.error().message + " in " + util::quote(text),
                  parsed_port.error().hint);
    }
    target.port = *parsed_port;
  }
  return target;
}

}  // namespace reqscope::tls
