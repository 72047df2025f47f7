#include "support/nsd.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>

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

class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

std::string soa_query(const std::string& origin, std::uint16_t id) {
  // ID, then flags 0 (a plain query, no recursion wanted), QDCOUNT 1, no other records.
  std::string query = {
      static_cast<char>(id >> 8), static_cast<char>(id & 0xff), 0, 0, 0, 1, 0, 0, 0, 0, 0, 0};
  std::istringstream labels(origin);
  for (std::string label; std::getline(labels, label, '.');) {
    if (label.empty()) continue;
    query += static_cast<char>(label.size());
    query += label;
  }
  query += std::string{0, 0, 6, 0, 1};  // root label, QTYPE SOA, QCLASS IN
  return query;
}

bool read_exactly(int fd, char* data, std::size_t size, Clock::time_point deadline) {
  std::size_t done = 0;
  while (done < size) {
    const auto remaining =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    pollfd readable{fd, POLLIN, 0};
    if (remaining <= 0 || poll(&readable, 1, static_cast<int>(remaining)) <= 0) return false;
    const auto n = read(fd, data + done, size - done);
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

struct SoaReply {
  int rcode = 0;
  bool authoritative = false;
};

// Asks ip:port for the SOA of `origin` over TCP; nothing when NSD cannot be
// reached or does not reply in time (it may still be starting).
std::optional<SoaReply> ask_soa(const std::string& ip, int port, const std::string& origin) {
  const Socket tcp(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  if (inet_pton(AF_INET, ip.c_str(), &addr.sin_addr) != 1)
    throw std::invalid_argument("not an IPv4 address: " + ip);
  if (tcp.fd() < 0 || connect(tcp.fd(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    return std::nullopt;
  }
  constexpr std::uint16_t kId = 0x5eed;
  const auto query = soa_query(origin, kId);
  std::string framed = {static_cast<char>(query.size() >> 8),
                        static_cast<char>(query.size() & 0xff)};
  framed += query;
  if (send(tcp.fd(), framed.data(), framed.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(framed.size())) {
    return std::nullopt;
  }
  const auto deadline = Clock::now() + std::chrono::seconds(2);
  unsigned char length[2];
  if (!read_exactly(tcp.fd(), reinterpret_cast<char*>(length), 2, deadline)) return std::nullopt;
  std::string reply(static_cast<std::size_t>(length[0] << 8 | length[1]), '\0');
  if (reply.size() < 12 || !read_exactly(tcp.fd(), reply.data(), reply.size(), deadline))
    return std::nullopt;
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(reply[i]); };
  if ((byte(0) << 8 | byte(1)) != kId) return std::nullopt;
  return SoaReply{byte(3) & 0x0f, (byte(2) & 0x04) != 0};
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
        if (reply->rcode != 0 || !reply->authoritative) {
          fail(fmt::format("zone {} answers SOA with rcode {}{}", zone.origin, reply->rcode,
                           reply->authoritative ? "" : ", not authoritatively"));
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
