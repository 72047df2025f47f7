#include "reqscope/http/overrides.hpp"

#include "reqscope/http/url.hpp"
#include "reqscope/util/ip.hpp"
#include "reqscope/util/text.hpp"

namespace reqscope::http {

namespace {

// Splits "a:b:c" where a part may be a bracketed IPv6 literal.
Result<std::vector<std::string>> split_fields(std::string_view text, std::string_view option) {
  std::vector<std::string> fields;
  std::string current;
  bool in_brackets = false;
  for (char c : text) {
    if (c == '[') in_brackets = true;
    if (c == ']') in_brackets = false;
    if (c == ':' && !in_brackets) {
      fields.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  if (in_brackets)
    return fail("bad_option",
                std::string(option) + " value " + util::quote(text) + " has an unclosed '['");
  fields.push_back(current);
  return fields;
}

std::string strip_brackets(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    return std::string(host.substr(1, host.size() - 2));
  }
  return std::string(host);
}

tl::unexpected<Error> bad(std::string_view option, std::string_view text, std::string why,
                          std::string_view form) {
  return fail("bad_option", std::string(option) + " value " + util::quote(text) + ": " + why,
              "the form is " + std::string(option) + " " + std::string(form));
}

}  // namespace

Result<ResolveOverride> parse_resolve_override(std::string_view text) {
  constexpr std::string_view kForm = "HOST:PORT:ADDR[,ADDR...]";
  if (text.size() > 1024) return bad("--resolve", text, "too long", kForm);
  auto fields = split_fields(text, "--resolve");
  if (!fields) return tl::unexpected(fields.error());
  if (fields->size() < 3) return bad("--resolve", text, "expected HOST:PORT:ADDR", kForm);
  // Unbracketed IPv6 addresses bring their own colons: everything after PORT is the list.
  for (std::size_t i = 3; i < fields->size(); ++i)
    (*fields)[2] += ":" + (*fields)[i];
  auto host = parse_host(strip_brackets((*fields)[0]));
  if (!host) return bad("--resolve", text, host.error().message, kForm);
  auto port = parse_port((*fields)[1]);
  if (!port) return bad("--resolve", text, port.error().message, kForm);
  ResolveOverride out{*host, *port, {}};
  for (auto address : util::split((*fields)[2], ',')) {
    auto literal = strip_brackets(address);
    if (!util::is_ip_literal(literal)) {
      return bad("--resolve", text, "address " + util::quote(address) + " is not an IP address",
                 kForm);
    }
    out.addresses.push_back(literal);
  }
  return out;
}

Result<ConnectToOverride> parse_connect_to_override(std::string_view text) {
  constexpr std::string_view kForm = "HOST1:PORT1:HOST2:PORT2";
  if (text.size() > 1024) return bad("--connect-to", text, "too long", kForm);
  auto fields = split_fields(text, "--connect-to");
  if (!fields) return tl::unexpected(fields.error());
  if (fields->size() != 4)
    return bad("--connect-to", text, "expected four ':'-separated parts", kForm);
  ConnectToOverride out;
  const auto host_field = [&](const std::string& field, std::string& dest) -> Result<void> {
    if (field.empty()) return {};
    auto host = parse_host(strip_brackets(field));
    if (!host) return bad("--connect-to", text, host.error().message, kForm);
    dest = *host;
    return {};
  };
  const auto port_field = [&](const std::string& field,
                              std::optional<std::uint16_t>& dest) -> Result<void> {
    if (field.empty()) return {};
    auto port = parse_port(field);
    if (!port) return bad("--connect-to", text, port.error().message, kForm);
    dest = *port;
    return {};
  };
  if (auto r = host_field((*fields)[0], out.from_host); !r) return tl::unexpected(r.error());
  if (auto r = port_field((*fields)[1], out.from_port); !r) return tl::unexpected(r.error());
  if (auto r = host_field((*fields)[2], out.to_host); !r) return tl::unexpected(r.error());
  if (auto r = port_field((*fields)[3], out.to_port); !r) return tl::unexpected(r.error());
  return out;
}

}  // namespace reqscope::http
