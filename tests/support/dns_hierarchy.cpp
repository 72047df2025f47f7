#include "support/dns_hierarchy.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>

#include "support/dns_probe.hpp"

namespace reqscope::test {

namespace {

// Free ports are only checked on 127.0.0.1 and may be taken on 127.53.0.x.
constexpr int kPortAttempts = 3;

struct Address {
  const char* name;
  const char* ip;
};

constexpr Address kAddresses[] = {
    {"root", "127.53.0.1"},
    {"tld", "127.53.0.2"},
    {"leaf", "127.53.0.3"},
    {"silent", "127.53.0.9"},
};

const char* ip_of(const std::string& which) {
  for (const auto& address : kAddresses) {
    if (which == address.name) return address.ip;
  }
  throw std::invalid_argument("no DNS hierarchy server named " + which);
}

// a.root-servers.test. is below the test. cut, so in the root zone it is glue,
// as a.root-servers.net is for the real root; the test. zone has it too.
constexpr const char* kRootZone = R"($ORIGIN .
$TTL 300
.                     IN SOA a.root-servers.test. hostmaster.nic.test. 1 3600 600 86400 300
.                     IN NS  a.root-servers.test.
a.root-servers.test.  IN A   127.53.0.1
test.                 IN NS  ns1.nic.test.
ns1.nic.test.         IN A   127.53.0.2
)";

constexpr const char* kTestZone = R"($ORIGIN test.
$TTL 300
@               IN SOA ns1.nic.test. hostmaster.nic.test. 1 3600 600 86400 300
@               IN NS  ns1.nic.test.
ns1.nic         IN A   127.53.0.2
dead.nic        IN A   127.53.0.9
a.root-servers  IN A   127.53.0.1
example         IN NS  ns1.example.test.
ns1.example     IN A   127.53.0.3
; glueless: ns.example.test. has an address only in the example.test. zone
other           IN NS  ns.example.test.
; the silent server comes first, so a resolver must time out on it and move on
flaky           IN NS  dead.nic.test.
flaky           IN NS  ns1.example.test.
dead            IN NS  dead.nic.test.
; a glueless cycle: each zone's only server has its name in the other zone
cyc1            IN NS  ns.cyc2.test.
cyc2            IN NS  ns.cyc1.test.
; 70 servers where nothing listens: a walk gives up at its 64-query limit
{many}
)";

constexpr const char* kExampleZone = R"($ORIGIN example.test.
$TTL 300
@           IN SOA ns1.example.test. hostmaster.example.test. 1 3600 600 86400 300
@           IN NS  ns1.example.test.
@           IN MX  10 mail.example.test.
@           IN TXT "v=reqscope-test"
@           IN CAA 0 issue "letsencrypt.org"
ns1         IN A   127.53.0.3
ns          IN A   127.53.0.3
; no MX for www, so www MX is NODATA
www         IN A   127.0.0.1
www         IN AAAA ::1
mail        IN A   127.0.0.1
inzone      IN CNAME www
dangling    IN CNAME gone
alias       IN CNAME www.other.test.
loop        IN CNAME loop.other.test.
; hop0 -> hop1.other.test -> hop2.example.test -> ... -> hop10: ten zone changes
{hops_example}
_http._tcp  IN SRV 0 5 8080 www.example.test.
big         IN TXT ( {big} )
)";

constexpr const char* kOtherZone = R"($ORIGIN other.test.
$TTL 300
@     IN SOA ns.example.test. hostmaster.example.test. 1 3600 600 86400 300
@     IN NS  ns.example.test.
www   IN A   127.0.0.7
loop  IN CNAME loop.example.test.
{hops_other}
)";

constexpr const char* kFlakyZone = R"($ORIGIN flaky.test.
$TTL 300
@     IN SOA ns1.example.test. hostmaster.example.test. 1 3600 600 86400 300
@     IN NS  dead.nic.test.
@     IN NS  ns1.example.test.
www   IN A   127.0.0.8
)";

// Eight full 255-byte strings: 2048 bytes of RDATA, more than a UDP answer may
// carry with EDNS 1232 or without EDNS. Numbered so each string differs.
std::string big_txt() {
  std::string padding;
  while (padding.size() < 255)
    padding += "reqscope-big-txt-record-";
  std::string strings;
  for (int i = 0; i < 8; ++i)
    strings += fmt::format("\"{}\" ", fmt::format("{:02}-{}", i, padding).substr(0, 255));
  return strings;
}

// Delegates many.test. to 70 servers on 127.53.2.x addresses where nothing listens.
std::string many_servers() {
  std::string lines;
  for (int i = 0; i < 70; ++i) {
    lines += fmt::format("many IN NS m{:02}.nic.test.\nm{:02}.nic IN A 127.53.2.{}\n", i, i, i + 1);
  }
  return lines;
}

// A CNAME chain that changes zone at every hop; hop10.example.test has the address.
std::string cname_hops(bool even) {
  std::string lines;
  for (int i = even ? 0 : 1; i < 10; i += 2) {
    lines +=
        fmt::format("hop{} IN CNAME hop{}.{}.\n", i, i + 1, even ? "other.test" : "example.test");
  }
  if (even) lines += "hop10 IN A 127.0.0.10\n";
  return lines;
}

struct Instance {
  const char* name;
  std::vector<NsdZone> zones;
};

std::vector<Instance> instances() {
  return {
      {"root", {{".", kRootZone}}},
      {"tld", {{"test.", fmt::format(kTestZone, fmt::arg("many", many_servers()))}}},
      {"leaf",
       {{"example.test.", fmt::format(kExampleZone, fmt::arg("big", big_txt()),
                                      fmt::arg("hops_example", cname_hops(true)))},
        {"other.test.", fmt::format(kOtherZone, fmt::arg("hops_other", cname_hops(false)))},
        {"flaky.test.", kFlakyZone}}},
  };
}

}  // namespace

// Bound so that queries to it are silently dropped rather than answered with
// ICMP port unreachable: the resolver has to time out, as with a dead server.
class DnsHierarchy::SilentServer {
 public:
  SilentServer(const std::string& ip, int port)
      : fd_(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    inet_pton(AF_INET, ip.c_str(), &addr.sin_addr);
    if (fd_.get() < 0 || bind(fd_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      throw std::runtime_error(
          fmt::format("silent server on {}:{}: {}", ip, port, std::strerror(errno)));
    }
  }

 private:
  FdGuard fd_;
};

DnsHierarchy::DnsHierarchy() {
  for (int attempt = 1;; ++attempt) {
    port_ = free_port();
    try {
      silent_ = std::make_unique<SilentServer>(ip_of("silent"), port_);
      for (const auto& instance : instances())
        nsd_.push_back(std::make_unique<NsdServer>(ip_of(instance.name), port_, instance.zones));
      return;
    } catch (const std::runtime_error& error) {
      nsd_.clear();
      silent_.reset();
      if (attempt == kPortAttempts) {
        throw std::runtime_error(fmt::format("DNS hierarchy did not start on {} ports; last: {}",
                                             attempt, error.what()));
      }
    }
  }
}

DnsHierarchy::~DnsHierarchy() = default;

std::string DnsHierarchy::server(const std::string& which) const {
  return fmt::format("{}:{}", ip_of(which), port_);
}

}  // namespace reqscope::test
