#include "support/nsd.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/dns_probe.hpp"

namespace reqscope::test {

namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kZone = R"($ORIGIN reqscope.test.
$TTL 300
@       IN SOA ns.reqscope.test. admin.reqscope.test. 1 3600 600 86400 300
@       IN NS  ns.reqscope.test.
ns      IN A   127.0.0.1
www     IN A   127.0.0.1
www     IN AAAA ::1
api     IN CNAME www
v4only  IN A   127.0.0.1
)";

constexpr const char* kServerConfig = R"(server:
  ip-address: {ip}
  port: {port}
  zonesdir: "{dir}"
  pidfile: "{dir}/nsd.pid"
  database: ""
  username: ""
  logfile: "{dir}/nsd.log"
  xfrdfile: "{dir}/xfrd.state"
  zonelistfile: "{dir}/zone.list"
  server-count: 1
  verbosity: 1
remote-control:
  control-enable: no
)";

constexpr const char* kZoneConfig = R"(zone:
  name: "{origin}"
  zonefile: "{file}"
)";

constexpr auto kStartTimeout = std::chrono::seconds(10);

// Free ports are only checked on 127.0.0.1 and may be taken before NSD binds them.
constexpr int kPortAttempts = 3;

std::string zone_file_name(const std::string& origin) {
  if (origin == ".") return "root.zone";
  return origin.substr(0, origin.find_last_not_of('.') + 1) + ".zone";
}

std::string read_file(const std::string& path) {
  std::ostringstream out;
  out << std::ifstream(path).rdbuf();
  return out.str();
}

// Asks ip:port for the SOA of `origin` over TCP; the reply's header, or nothing
// when NSD cannot be reached or does not reply in time (it may still be starting).
std::optional<ProbeHeader> ask_soa(const std::string& ip, int port, const std::string& origin) {
  constexpr std::uint16_t kId = 0x5eed;
  constexpr std::uint16_t kSoa = 6;
  const auto reply = probe_tcp(ip, port, plain_query(kId, origin, kSoa), std::chrono::seconds(2));
  if (!reply) return std::nullopt;
  const auto header = read_header(*reply);
  if (!header || header->id != kId) return std::nullopt;
  return header;
}

}  // namespace

NsdServer::NsdServer(const std::string& ip, int port, const std::vector<NsdZone>& zones) {
  auto config = fmt::format(kServerConfig, fmt::arg("ip", ip), fmt::arg("port", port),
                            fmt::arg("dir", dir_.path()));
  for (const auto& zone : zones) {
    const auto file = zone_file_name(zone.origin);
    dir_.write(file, zone.text);
    config += fmt::format(kZoneConfig, fmt::arg("origin", zone.origin), fmt::arg("file", file));
  }
  const auto config_file = dir_.write("nsd.conf", config);
  process_ =
      std::make_unique<Process>(std::vector<std::string>{REQSCOPE_NSD, "-d", "-c", config_file});

  const auto fail = [&](const std::string& why) {
    process_.reset();
    throw std::runtime_error(fmt::format("nsd on {}:{} did not start: {}\n--- nsd.log ---\n{}", ip,
                                         port, why, read_file(dir_.path() + "/nsd.log")));
  };
  const auto deadline = Clock::now() + kStartTimeout;
  for (const auto& zone : zones) {
    while (true) {
      if (!process_->running()) fail("it exited");
      if (const auto reply = ask_soa(ip, port, zone.origin)) {
        if (reply->rcode != 0 || !reply->aa) {
          fail(fmt::format("zone {} answers SOA with rcode {}{}", zone.origin, reply->rcode,
                           reply->aa ? "" : ", not authoritatively"));
        }
        break;
      }
      if (Clock::now() > deadline) fail(fmt::format("no answer for zone {}", zone.origin));
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
}

NsdServer::~NsdServer() = default;

Nsd::Nsd() {
  for (int attempt = 1;; ++attempt) {
    port_ = free_port();
    try {
      server_ = std::make_unique<NsdServer>("127.0.0.1", port_,
                                            std::vector<NsdZone>{{"reqscope.test.", kZone}});
      return;
    } catch (const std::runtime_error&) {
      if (attempt == kPortAttempts) throw;
    }
  }
}

Nsd::~Nsd() = default;

}  // namespace reqscope::test
