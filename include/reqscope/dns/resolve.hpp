#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "reqscope/dns/walk.hpp"
#include "reqscope/error.hpp"

namespace reqscope::dns {

enum class Family { any, ipv4, ipv6 };

struct AddressAnswer {
  std::string address;
  int ttl_s = 0;
};

// One DNS question sent by reqscope's stub resolver.
struct Query {
  std::string name;
  std::string type;    // "A" or "AAAA"
  std::string status;  // "NOERROR", "NODATA", "NXDOMAIN", "SERVFAIL", "REFUSED", "TIMEOUT", ...
  std::string canonical_name;
  std::vector<AddressAnswer> answers;
  std::chrono::nanoseconds duration{0};
};

// Where a host's addresses came from, and how long it took.
struct Resolution {
  std::string host;
  // "literal" (IP in the URL), "hosts" (/etc/hosts), "localhost" (RFC 6761),
  // "override" (--resolve), "dns" (queries below), "walk" (iterative from the
  // root, `walks` below), "cached" (earlier in this trace)
  std::string source;
  // Resolvers configured, first asked first ("ip:port"); for source "walk", the
  // authoritative server that gave the last answer.
  std::vector<std::string> servers;
  std::vector<Query> queries;
  std::vector<std::string> addresses;  // in connect order (IPv6 and IPv4 interleaved, IPv6 first)
  std::vector<WalkResult> walks;       // source "walk": A, then AAAA from the cached delegations
  std::chrono::nanoseconds duration{0};
};

struct ResolveOptions {
  Family family = Family::any;
  std::chrono::nanoseconds timeout = std::chrono::seconds(10);
  std::string hosts_path = "/etc/hosts";
  // Ask these servers ("IP:PORT", IPv6 in brackets) instead of resolv.conf's;
  // like `dig @server`, /etc/hosts and the localhost rule are then skipped.
  std::vector<std::string> servers;
  const std::atomic<bool>* cancel = nullptr;  // Ctrl-C: stop waiting, error kind "interrupted"
};

struct ServerAddress {
  std::string ip;  // without brackets
  int port = 53;
};

// Parses "IP" or "IP:PORT" ("[IPv6]:PORT"); errors are kind "bad_option" and
// name `option`.
Result<ServerAddress> parse_server_address(std::string_view text, std::string_view option);

// "IP:PORT", IPv6 in brackets: the form c-ares and ResolveOptions::servers take.
std::string format_server_address(const ServerAddress& address);

// Parses a --dns-server value, "IP" or "IP:PORT" ("[IPv6]:PORT"), into the
// "IP:PORT" form ResolveOptions::servers takes; errors are kind "bad_option".
Result<std::string> parse_dns_server(std::string_view text);

// Resolves `host` as the system resolver would (IP literal, /etc/hosts,
// "localhost", then DNS through c-ares with the resolv.conf servers and search
// list), recording every query. Errors: dns_nxdomain, dns_nodata, dns_timeout,
// dns_servfail, dns_refused, dns_error. On error, `partial` receives what was seen.
Result<Resolution> resolve(const std::string& host, const ResolveOptions& options,
                           Resolution* partial = nullptr);

// Resolves `host` by walking from the root (A, then AAAA, as `family` allows),
// the second walk starting from the delegations the first one learned. An IP
// literal needs no walk; /etc/hosts is not consulted, as with an explicit
// server. Errors as resolve(), plus dns_loop and dns_limit.
Result<Resolution> resolve_by_walk(const std::string& host, Family family,
                                   const WalkOptions& options, Resolution* partial = nullptr);

// Orders addresses for connecting: IPv6 and IPv4 interleaved, IPv6 first (RFC 8305),
// keeping each family's own order and dropping families the options exclude.
std::vector<std::string> connect_order(const std::vector<std::string>& addresses, Family family);

// Maps a c-ares status code to the DNS status name shown to users.
std::string status_name(int ares_status);

}  // namespace reqscope::dns
