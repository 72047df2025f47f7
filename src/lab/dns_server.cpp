#include "reqscope/lab/dns_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <optional>
#include <thread>

#include "reqscope/dns/name.hpp"
#include "reqscope/util/text.hpp"

namespace reqscope::lab {

namespace {

using dns::Record;

constexpr std::uint32_t kTtl = 300;
constexpr const char* kSoaTimers = " 1 3600 600 86400 300";

Record rr(std::string name, std::uint16_t type, std::string data) {
  return {std::move(name), type, 1, kTtl, std::move(data)};
}

const Zone* zone_for(const std::vector<Zone>& zones, const std::string& name) {
  const Zone* best = nullptr;
  for (const auto& zone : zones) {
    if (dns::is_within(name, zone.origin) &&
        (best == nullptr || dns::label_count(zone.origin) > dns::label_count(best->origin))) {
      best = &zone;
    }
  }
  return best;
}

std::vector<Record> records_at(const Zone& zone, const std::string& name,
                               std::optional<std::uint16_t> type = std::nullopt) {
  std::vector<Record> found;
  for (const auto& record : zone.records) {
    if (util::iequals(record.name, name) && (!type || record.type == *type)) {
      found.push_back(record);
    }
  }
  return found;
}

// The delegation point (a name below the apex with NS records) above or at `name`.
std::optional<std::string> delegation_for(const Zone& zone, const std::string& name) {
  std::optional<std::string> cut;
  for (const auto& record : zone.records) {
    if (record.type == dns::type::ns && !util::iequals(record.name, zone.origin) &&
        dns::is_within(name, record.name) &&
        (!cut || dns::label_count(record.name) < dns::label_count(*cut))) {
      cut = record.name;
    }
  }
  return cut;
}

bool name_exists(const Zone& zone, const std::string& name) {
  return std::any_of(zone.records.begin(), zone.records.end(),
                     [&](const Record& r) { return dns::is_within(r.name, name); });
}

void answer_from(const Zone& zone, const dns::Question& question, dns::Message& reply) {
  if (const auto cut = delegation_for(zone, question.name)) {
    reply.authorities = records_at(zone, *cut, dns::type::ns);
    for (const auto& ns : reply.authorities) {
      for (const auto type : {dns::type::a, dns::type::aaaa}) {
        for (auto& glue : records_at(zone, ns.data, type))
          reply.additionals.push_back(glue);
      }
    }
    return;
  }
  reply.header.aa = true;
  std::string name = question.name;
  // Follow CNAMEs inside this zone, as authoritative servers do.
  for (int hops = 0; hops < 8; ++hops) {
    auto found = records_at(zone, name, question.type);
    if (!found.empty()) {
      reply.answers.insert(reply.answers.end(), found.begin(), found.end());
      return;
    }
    const auto cname = records_at(zone, name, dns::type::cname);
    if (cname.empty()) break;
    reply.answers.push_back(cname.front());
    name = cname.front().data;
    if (!dns::is_within(name, zone.origin)) return;
  }
  if (!name_exists(zone, name)) reply.header.rcode = dns::rcode::nxdomain;
  reply.authorities = records_at(zone, zone.origin, dns::type::soa);
}

}  // namespace

std::vector<std::uint8_t> answer_query(std::span<const std::uint8_t> query,
                                       const std::vector<Zone>& zones) {
  constexpr std::size_t kHeaderSize = 12;
  constexpr std::uint8_t kResponseBit = 0x80;
  // Never answer a response (two responders would bounce errors forever) or a
  // datagram too short to carry an ID.
  if (query.size() < kHeaderSize || (query[2] & kResponseBit) != 0) return {};
  dns::Message reply;
  reply.header.qr = true;
  reply.header.id = static_cast<std::uint16_t>(query[0] << 8 | query[1]);
  auto parsed = dns::parse_message(query);
  if (!parsed || parsed->questions.size() != 1) {
    reply.header.rcode = dns::rcode::formerr;
    return dns::encode_message(reply).value_or(std::vector<std::uint8_t>{});
  }
  reply.header.rd = parsed->header.rd;
  reply.questions = parsed->questions;
  const auto& question = parsed->questions.front();
  if (const auto* zone = zone_for(zones, question.name)) {
    answer_from(*zone, question, reply);
  } else {
    reply.header.rcode = dns::rcode::refused;
  }
  return dns::encode_message(reply).value_or(std::vector<std::uint8_t>{});
}

std::vector<LabServerZones> demo_hierarchy() {
  using namespace dns::type;
  Zone root{".",
            {rr(".", soa, std::string("a.root-servers.lab hostmaster.nic.lab") + kSoaTimers),
             rr(".", ns, "a.root-servers.lab"), rr("a.root-servers.lab", a, "127.53.1.1"),
             rr("lab", ns, "ns1.nic.lab"), rr("ns1.nic.lab", a, "127.53.1.2")}};
  Zone tld{"lab",
           {rr("lab", soa, std::string("ns1.nic.lab hostmaster.nic.lab") + kSoaTimers),
            rr("lab", ns, "ns1.nic.lab"), rr("ns1.nic.lab", a, "127.53.1.2"),
            rr("a.root-servers.lab", a, "127.53.1.1"), rr("demo.lab", ns, "ns1.demo.lab"),
            rr("ns1.demo.lab", a, "127.53.1.3")}};
  Zone demo{"demo.lab",
            {rr("demo.lab", soa, std::string("ns1.demo.lab hostmaster.demo.lab") + kSoaTimers),
             rr("demo.lab", ns, "ns1.demo.lab"), rr("ns1.demo.lab", a, "127.53.1.3"),
             rr("www.demo.lab", a, "127.0.0.1"), rr("www.demo.lab", aaaa, "::1"),
             rr("api.demo.lab", cname, "www.demo.lab"),
             rr("demo.lab", txt, "\"reqscope demo hierarchy\"")}};
  return {{"127.53.1.1", {root}}, {"127.53.1.2", {tld}}, {"127.53.1.3", {demo}}};
}

struct DnsLab::Impl {
  std::vector<LabServerZones> servers;
  std::vector<int> sockets;  // one per server, in the same order
  std::array<int, 2> wake = {-1, -1};
  std::uint16_t port = 0;
  std::thread thread;

  ~Impl() {
    if (thread.joinable()) {
      const char byte = 0;
      (void)!write(wake[1], &byte, 1);
      thread.join();
    }
    for (const int fd : sockets)
      close(fd);
    for (const int fd : wake) {
      if (fd >= 0) close(fd);
    }
  }

  void serve() {
    std::vector<pollfd> fds;
    for (const int fd : sockets)
      fds.push_back({fd, POLLIN, 0});
    fds.push_back({wake[0], POLLIN, 0});
    std::array<std::uint8_t, 4096> buffer{};
    while (true) {
      if (poll(fds.data(), fds.size(), -1) < 0) continue;
      if (fds.back().revents != 0) return;
      for (std::size_t i = 0; i < sockets.size(); ++i) {
        if ((fds[i].revents & POLLIN) == 0) continue;
        sockaddr_storage peer{};
        socklen_t peer_length = sizeof peer;
        const auto received = recvfrom(sockets[i], buffer.data(), buffer.size(), 0,
                                       reinterpret_cast<sockaddr*>(&peer), &peer_length);
        if (received <= 0) continue;
        const auto reply =
            answer_query({buffer.data(), static_cast<std::size_t>(received)}, servers[i].zones);
        if (reply.empty()) continue;
        sendto(sockets[i], reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&peer),
               peer_length);
      }
    }
  }
};

Result<std::unique_ptr<DnsLab>> DnsLab::start(std::uint16_t port) {
  constexpr int kAttempts = 5;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    auto impl = std::make_unique<Impl>();
    impl->servers = demo_hierarchy();
    impl->port = port;
    bool bound = true;
    std::string bind_error;
    for (const auto& server : impl->servers) {
      const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      if (fd < 0) return fail("network", "DNS lab: cannot create a UDP socket");
      impl->sockets.push_back(fd);
      sockaddr_in address{};
      address.sin_family = AF_INET;
      address.sin_port = htons(impl->port);
      inet_pton(AF_INET, server.ip.c_str(), &address.sin_addr);
      if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        bind_error = std::strerror(errno);
        bound = false;
        break;
      }
      // The first address picks the port; the others take the same one.
      socklen_t length = sizeof address;
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
      impl->port = ntohs(address.sin_port);
    }
    if (!bound) {
      if (port != 0) {
        return fail("network",
                    "DNS lab: cannot listen on port " + std::to_string(port) +
                        " of 127.53.1.x: " + bind_error,
                    "choose another port, or 0 for a free one");
      }
      continue;
    }
    if (pipe2(impl->wake.data(), O_CLOEXEC) != 0) {
      return fail("network", "DNS lab: cannot create a pipe");
    }
    // The server thread takes no signals: they belong to the thread that
    // waits for Ctrl-C (lab) or checks for it (demo).
    sigset_t all;
    sigset_t previous;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &previous);
    auto* raw = impl.get();
    impl->thread = std::thread([raw] { raw->serve(); });
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    return std::unique_ptr<DnsLab>(new DnsLab(std::move(impl)));
  }
  return fail("network", "DNS lab: no port was free on every 127.53.1.x address",
              "check that the loopback network 127.0.0.0/8 is up");
}

DnsLab::DnsLab(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

DnsLab::~DnsLab() = default;

std::string DnsLab::root() const {
  return root_ip() + ":" + std::to_string(impl_->port);
}

std::string DnsLab::root_ip() const {
  return impl_->servers.front().ip;
}

std::uint16_t DnsLab::port() const {
  return impl_->port;
}

}  // namespace reqscope::lab
