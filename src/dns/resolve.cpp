#include "reqscope/dns/resolve.hpp"

#include <ares.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <poll.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>

#include "reqscope/dns/hosts_file.hpp"
#include "reqscope/util/ip.hpp"
#include "reqscope/util/number.hpp"
#include "reqscope/util/text.hpp"

namespace reqscope::dns {

namespace {

using Clock = std::chrono::steady_clock;

struct ChannelDeleter {
  void operator()(ares_channeldata* channel) const { ares_destroy(channel); }
};
using Channel = std::unique_ptr<ares_channeldata, ChannelDeleter>;

struct AresDataDeleter {
  void operator()(void* data) const { ares_free_data(data); }
};

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

void init_library_once() {
  static std::once_flag once;
  std::call_once(once, [] { ares_library_init(ARES_LIB_INIT_ALL); });
}

std::string format_server(const ares_addr_port_node& node) {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(node.family, &node.addr, text, sizeof text);
  const int port = node.udp_port != 0 ? node.udp_port : 53;
  const std::string host =
      node.family == AF_INET6 ? "[" + std::string(text) + "]" : std::string(text);
  return host + ":" + std::to_string(port);
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

// Drives c-ares until every query finished or the deadline passed.
void run_until_done(ares_channel channel, const std::vector<std::unique_ptr<PendingQuery>>& queries,
                    Clock::time_point deadline) {
  const auto all_done = [&] {
    return std::all_of(queries.begin(), queries.end(), [](const auto& q) { return q->done; });
  };
  while (!all_done()) {
    const auto now = Clock::now();
    if (now >= deadline) {
      ares_cancel(channel);
      break;
    }
    ares_socket_t sockets[ARES_GETSOCK_MAXNUM];
    const int bits = ares_getsock(channel, sockets, ARES_GETSOCK_MAXNUM);
    std::vector<pollfd> fds;
    for (int i = 0; i < ARES_GETSOCK_MAXNUM; ++i) {
      short events = 0;
      if (ARES_GETSOCK_READABLE(bits, i)) events |= POLLIN;
      if (ARES_GETSOCK_WRITABLE(bits, i)) events |= POLLOUT;
      if (events != 0) fds.push_back({sockets[i], events, 0});
    }
    timeval max_wait{};
    const auto remaining = std::chrono::duration_cast<std::chrono::microseconds>(deadline - now);
    max_wait.tv_sec = static_cast<time_t>(remaining.count() / 1000000);
    max_wait.tv_usec = static_cast<suseconds_t>(remaining.count() % 1000000);
    timeval wait_buffer{};
    const timeval* wait = ares_timeout(channel, &max_wait, &wait_buffer);
    const int wait_ms = static_cast<int>(wait->tv_sec * 1000 + (wait->tv_usec + 999) / 1000);
    const int ready = poll(fds.data(), fds.size(), wait_ms);
    if (ready <= 0) {
      ares_process_fd(channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
      continue;
    }
    for (const auto& fd : fds) {
      const bool readable = (fd.revents & (POLLIN | POLLERR | POLLHUP)) != 0;
      const bool writable = (fd.revents & POLLOUT) != 0;
      ares_process_fd(channel, readable ? fd.fd : ARES_SOCKET_BAD,
                      writable ? fd.fd : ARES_SOCKET_BAD);
    }
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

Result<std::string> parse_dns_server(std::string_view text) {
  const auto bad = [&](const std::string& why) {
    return fail("bad_option", "--dns-server value " + util::quote(text) + ": " + why,
                "write an IP address with an optional port, e.g. 127.0.0.1:5353 or [::1]:53");
  };
  std::string address;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return bad("unclosed '['");
    address = std::string(text.substr(1, close - 1));
    const auto rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':' || rest.size() == 1) return bad("expected ':PORT' after ']'");
      port_text = rest.substr(1);
    }
  } else if (std::count(text.begin(), text.end(), ':') == 1) {
    const auto colon = text.find(':');
    address = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
    if (port_text.empty()) return bad("empty port after ':'");
  } else {
    address = std::string(text);
  }
  if (!util::is_ip_literal(address)) return bad("not an IP address");
  int port = 53;
  if (!port_text.empty()) {
    auto parsed = util::parse_integer(port_text, 1, 65535, "--dns-server port");
    if (!parsed) return bad("port " + util::quote(port_text) + " is not from 1 to 65535");
    port = static_cast<int>(*parsed);
  }
  return (is_ipv6(address) ? "[" + address + "]" : address) + ":" + std::to_string(port);
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

  init_library_once();
  ares_options ares_opts{};
  ares_opts.timeout = 2000;
  ares_opts.tries = 2;
  // Hand SERVFAIL and REFUSED answers back instead of reporting them as an
  // unreachable server, so the diagnosis names what the server said.
  ares_opts.flags = ARES_FLAG_NOCHECKRESP;
  std::string lookups = "b";
  ares_opts.lookups = lookups.data();
  ares_channel raw_channel = nullptr;
  const int init_status =
      ares_init_options(&raw_channel, &ares_opts,
                        ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_LOOKUPS | ARES_OPT_FLAGS);
  if (init_status != ARES_SUCCESS) {
    return fail("dns_error",
                std::string("DNS: cannot initialise the resolver: ") + ares_strerror(init_status),
                "check /etc/resolv.conf");
  }
  Channel channel(raw_channel);
  if (!options.servers.empty()) {
    const auto csv = util::join(options.servers, ",");
    const int set_status = ares_set_servers_ports_csv(channel.get(), csv.c_str());
    if (set_status != ARES_SUCCESS) {
      return fail("bad_option", "--dns-server: c-ares rejected " + util::quote(csv) + ": " +
                                    ares_strerror(set_status));
    }
  }

  ares_addr_port_node* raw_servers = nullptr;
  if (ares_get_servers_ports(channel.get(), &raw_servers) == ARES_SUCCESS) {
    std::unique_ptr<ares_addr_port_node, AresDataDeleter> servers(raw_servers);
    for (auto* node = servers.get(); node != nullptr; node = node->next) {
      resolution.servers.push_back(format_server(*node));
    }
  }

  std::vector<std::unique_ptr<PendingQuery>> pending;
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
    ares_search(channel.get(), host.c_str(), ns_c_in, query->query.type == "A" ? ns_t_a : ns_t_aaaa,
                on_reply, query.get());
  }
  run_until_done(channel.get(), pending, started + options.timeout);

  std::vector<std::string> addresses;
  for (auto& query : pending) {
    if (!query->done) query->query.status = "TIMEOUT";
    for (const auto& answer : query->query.answers)
      addresses.push_back(answer.address);
    resolution.queries.push_back(std::move(query->query));
  }
  return finish("dns", addresses);
}

}  // namespace reqscope::dns
