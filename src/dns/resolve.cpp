#include "reqscope/dns/resolve.hpp"

#include <ares.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>

#include "ares_channel.hpp"
#include "reqscope/dns/hosts_file.hpp"
#include "reqscope/util/cancel.hpp"
#include "reqscope/util/ip.hpp"
#include "reqscope/util/number.hpp"
#include "reqscope/util/text.hpp"

namespace reqscope::dns {

namespace {

using Clock = std::chrono::steady_clock;

struct HostentDeleter {
  void operator()(hostent* h) const { ares_free_hostent(h); }
};

bool is_ipv6(const std::string& address) {
  return address.find(':') != std::string::npos;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

struct PendingQuery {
  Query query;
  Clock::time_point started;
  bool done = false;
};

// Reads the addresses and TTLs of an A or AAAA reply; false when it is malformed.
template <typename AddressTtl, typename Parser, typename Address>
bool read_addresses(Parser parse, Address AddressTtl::*address, int family,
                    const unsigned char* abuf, int alen, Query& query) {
  constexpr int kMaxAddresses = 64;
  AddressTtl ttls[kMaxAddresses];
  int count = kMaxAddresses;
  hostent* raw_host = nullptr;
  if (parse(abuf, alen, &raw_host, ttls, &count) != ARES_SUCCESS) return false;
  std::unique_ptr<hostent, HostentDeleter> host(raw_host);
  char text[INET6_ADDRSTRLEN] = {};
  for (int i = 0; i < count; ++i) {
    inet_ntop(family, &(ttls[i].*address), text, sizeof text);
    query.answers.push_back({text, ttls[i].ttl});
  }
  if (host && host->h_name != nullptr) query.canonical_name = host->h_name;
  return true;
}

void on_reply(void* arg, int status, int /*timeouts*/, unsigned char* abuf, int alen) {
  auto* pending = static_cast<PendingQuery*>(arg);
  auto& query = pending->query;
  query.duration = Clock::now() - pending->started;
  pending->done = true;
  query.status = status_name(status);
  if (status != ARES_SUCCESS || abuf == nullptr) return;
  const bool parsed =
      query.type == "A"
          ? read_addresses(ares_parse_a_reply, &ares_addrttl::ipaddr, AF_INET, abuf, alen, query)
          : read_addresses(ares_parse_aaaa_reply, &ares_addr6ttl::ip6addr, AF_INET6, abuf, alen,
                           query);
  if (!parsed) {
    query.status = "FORMERR";
  } else if (query.answers.empty()) {
    query.status = "NODATA";
  }
}

Error resolution_error(const Resolution& resolution) {
  const auto any_status = [&](std::string_view status) {
    return std::any_of(resolution.queries.begin(), resolution.queries.end(),
                       [&](const Query& q) { return q.status == status; });
  };
  const auto servers =
      resolution.servers.empty() ? std::string("the system resolver") : resolution.servers.front();
  if (any_status("NXDOMAIN")) {
    return {"dns_nxdomain",
            "DNS: " + resolution.host + " does not exist (NXDOMAIN from " + servers + ")",
            "check the spelling of the host name, or whether the record was ever published"};
  }
  if (any_status("TIMEOUT") || any_status("CANCELLED")) {
    return {"dns_timeout",
            "DNS: no answer for " + resolution.host + " from " + servers + " in time",
            "check that " + servers + " is reachable and serves DNS, or raise --timeout"};
  }
  if (any_status("SERVFAIL")) {
    return {"dns_servfail", "DNS: " + servers + " answered SERVFAIL for " + resolution.host,
            "the resolver could not reach the authoritative servers or DNSSEC validation failed"};
  }
  if (any_status("CONNREFUSED")) {
    return {"dns_refused", "DNS: nothing answers DNS at " + servers + " (connection refused)",
            "check the address and port of the DNS server"};
  }
  if (any_status("REFUSED")) {
    return {"dns_refused", "DNS: " + servers + " refused the query for " + resolution.host,
            "that server does not answer this client's queries; ask another one"};
  }
  if (resolution.source == "literal") {
    return {"dns_nodata",
            "the address " + resolution.host + " in the URL is not of the family -4/-6 asks for",
            "drop -4/-6, or use an address of that family"};
  }
  if (std::all_of(resolution.queries.begin(), resolution.queries.end(),
                  [](const Query& q) { return q.status == "NODATA"; })) {
    return {"dns_nodata",
            "DNS: " + resolution.host + " exists but has no address of the asked family",
            "try the other address family (-4 or -6), or publish an A/AAAA record"};
  }
  return {"dns_error",
          "DNS: lookup of " + resolution.host + " failed (" +
              (resolution.queries.empty() ? std::string("no query")
                                          : resolution.queries.front().status) +
              ")",
          "compare with `getent hosts " + resolution.host + "`, and check /etc/resolv.conf"};
}

}  // namespace

Result<ServerAddress> parse_server_address(std::string_view text, std::string_view option) {
  const auto bad = [&](const std::string& why) {
    return fail("bad_option", std::string(option) + " value " + util::quote(text) + ": " + why,
                "write an IP address with an optional port, e.g. 127.0.0.1:5353 or [::1]:53");
  };
  ServerAddress result;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return bad("unclosed '['");
    result.ip = std::string(text.substr(1, close - 1));
    const auto rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':' || rest.size() == 1) return bad("expected ':PORT' after ']'");
      port_text = rest.substr(1);
    }
  } else if (std::count(text.begin(), text.end(), ':') == 1) {
    const auto colon = text.find(':');
    result.ip = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
    if (port_text.empty()) return bad("empty port after ':'");
  } else {
    result.ip = std::string(text);
  }
  if (!util::is_ip_literal(result.ip)) return bad("not an IP address");
  if (!port_text.empty()) {
    auto parsed = util::parse_integer(port_text, 1, 65535, option);
    if (!parsed) return bad("port " + util::quote(port_text) + " is not from 1 to 65535");
    result.port = static_cast<int>(*parsed);
  }
  return result;
}

std::string format_server_address(const ServerAddress& address) {
  return (is_ipv6(address.ip) ? "[" + address.ip + "]" : address.ip) + ":" +
         std::to_string(address.port);
}

Result<std::string> parse_dns_server(std::string_view text) {
  return parse_server_address(text, "--dns-server").map(format_server_address);
}

std::string status_name(int ares_status) {
  switch (ares_status) {
    case ARES_SUCCESS:
      return "NOERROR";
    case ARES_ENODATA:
      return "NODATA";
    case ARES_ENOTFOUND:
      return "NXDOMAIN";
    case ARES_ESERVFAIL:
      return "SERVFAIL";
    case ARES_EREFUSED:
      return "REFUSED";
    case ARES_ETIMEOUT:
      return "TIMEOUT";
    case ARES_ECANCELLED:
      return "CANCELLED";
    case ARES_ECONNREFUSED:
      return "CONNREFUSED";
    case ARES_EFORMERR:
      return "FORMERR";
    case ARES_EBADRESP:
      return "BADRESP";
    default:
      return util::to_lower(ares_strerror(ares_status));
  }
}

std::vector<std::string> connect_order(const std::vector<std::string>& addresses, Family family) {
  std::vector<std::string> v6;
  std::vector<std::string> v4;
  for (const auto& a : addresses) {
    auto& list = is_ipv6(a) ? v6 : v4;
    if (std::find(list.begin(), list.end(), a) == list.end()) list.push_back(a);
  }
  if (family == Family::ipv4) v6.clear();
  if (family == Family::ipv6) v4.clear();
  std::vector<std::string> ordered;
  for (std::size_t i = 0; i < std::max(v6.size(), v4.size()); ++i) {
    if (i < v6.size()) ordered.push_back(v6[i]);
    if (i < v4.size()) ordered.push_back(v4[i]);
  }
  return ordered;
}

Result<Resolution> resolve(const std::string& host, const ResolveOptions& options,
                           Resolution* partial) {
  const auto started = Clock::now();
  Resolution resolution;
  resolution.host = host;
  const auto finish = [&](std::string source,
                          std::vector<std::string> addresses) -> Result<Resolution> {
    resolution.source = std::move(source);
    resolution.addresses = connect_order(addresses, options.family);
    resolution.duration = Clock::now() - started;
    if (resolution.addresses.empty()) {
      // A source without queries still shows which question found nothing.
      if (resolution.queries.empty()) {
        resolution.queries.push_back(
            {host, options.family == Family::ipv6 ? "AAAA" : "A", "NODATA", "", {}, {}});
      }
      if (partial != nullptr) *partial = resolution;
      return tl::unexpected(resolution_error(resolution));
    }
    return resolution;
  };

  if (util::is_ip_literal(host)) return finish("literal", {host});

  if (options.servers.empty()) {
    auto from_hosts = lookup_hosts(parse_hosts_file(read_file(options.hosts_path)), host);
    if (!connect_order(from_hosts, options.family).empty()) return finish("hosts", from_hosts);
    const auto lower = util::to_lower(host);
    if (lower == "localhost" || lower.ends_with(".localhost"))
      return finish("localhost", {"::1", "127.0.0.1"});
  }

  // Before the channel: destroying it runs pending callbacks, which use these.
  std::vector<std::unique_ptr<PendingQuery>> pending;
  ChannelOptions channel_options;
  channel_options.servers = options.servers;
  auto channel = make_channel(channel_options);
  if (!channel) return tl::unexpected(channel.error());
  resolution.servers = channel_servers(channel->get());

  if (options.family != Family::ipv4) {
    pending.push_back(std::make_unique<PendingQuery>(
        PendingQuery{{host, "AAAA", "", "", {}, {}}, Clock::now(), false}));
  }
  if (options.family != Family::ipv6) {
    pending.push_back(std::make_unique<PendingQuery>(
        PendingQuery{{host, "A", "", "", {}, {}}, Clock::now(), false}));
  }
  for (auto& query : pending) {
    query->started = Clock::now();
    ares_search(channel->get(), host.c_str(), ns_c_in,
                query->query.type == "A" ? ns_t_a : ns_t_aaaa, on_reply, query.get());
  }
  run_until(
      channel->get(),
      [&] {
        return util::cancelled(options.cancel) ||
               std::all_of(pending.begin(), pending.end(), [](const auto& q) { return q->done; });
      },
      started + options.timeout);
  if (util::cancelled(options.cancel))
    return fail("interrupted", "interrupted while resolving " + host);

  std::vector<std::string> addresses;
  for (auto& query : pending) {
    if (!query->done) query->query.status = "TIMEOUT";
    for (const auto& answer : query->query.answers)
      addresses.push_back(answer.address);
    resolution.queries.push_back(std::move(query->query));
  }
  return finish("dns", addresses);
}

Result<Resolution> resolve_by_walk(const std::string& host, Family family,
                                   const WalkOptions& options, Resolution* partial) {
  const auto started = Clock::now();
  Resolution resolution;
  resolution.host = host;
  resolution.source = util::is_ip_literal(host) ? "literal" : "walk";
  std::vector<std::string> addresses;
  if (util::is_ip_literal(host)) {
    addresses.push_back(host);
  } else {
    Walker walker(options);
    for (const auto type : {type::a, type::aaaa}) {
      if ((type == type::a && family == Family::ipv6) ||
          (type == type::aaaa && family == Family::ipv4)) {
        continue;
      }
      auto walk = walker.walk(host, type);
      Query query{host, type_name(type), "", "", {}, walk.duration};
      for (const auto& record : walk.answers) {
        if (record.type == type) {
          query.answers.push_back({record.data, static_cast<int>(record.ttl)});
          addresses.push_back(record.data);
        } else if (record.type == type::cname) {
          query.canonical_name = record.data;
        }
      }
      query.status = walk.error                                         ? std::string("FAILED")
                     : walk.rcode == "NOERROR" && query.answers.empty() ? std::string("NODATA")
                                                                        : walk.rcode;
      resolution.queries.push_back(std::move(query));
      if (!walk.steps.empty() && !walk.steps.back().server_ip.empty() && !walk.error) {
        resolution.servers = {format_server_address({walk.steps.back().server_ip, options.port})};
      }
      const auto error = walk.error;
      const bool nxdomain = walk.rcode == "NXDOMAIN";
      resolution.walks.push_back(std::move(walk));
      // A failed AAAA walk after A found addresses is what getaddrinfo shrugs
      // off too: connect over the family that resolved.
      if (error && error->kind != "interrupted" && !addresses.empty()) continue;
      if (error) {
        resolution.duration = Clock::now() - started;
        if (partial != nullptr) *partial = resolution;
        return tl::unexpected(*error);
      }
      // A name that does not exist has no records of any type: no second walk.
      if (nxdomain) break;
    }
  }
  resolution.addresses = connect_order(addresses, family);
  resolution.duration = Clock::now() - started;
  if (resolution.addresses.empty()) {
    if (partial != nullptr) *partial = resolution;
    return tl::unexpected(resolution_error(resolution));
  }
  return resolution;
}

}  // namespace reqscope::dns
