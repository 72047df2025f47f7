#include "ares_channel.hpp"

#include <arpa/inet.h>
#include <poll.h>

#include <mutex>

#include "reqscope/util/text.hpp"

namespace reqscope::dns {

namespace {

struct AresDataDeleter {
  void operator()(void* data) const { ares_free_data(data); }
};

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

}  // namespace

Result<Channel> make_channel(const ChannelOptions& options) {
  init_library_once();
  ares_options ares_opts{};
  ares_opts.timeout = static_cast<int>(options.timeout.count());
  ares_opts.tries = options.tries;
  ares_opts.flags = options.flags | ARES_FLAG_NOCHECKRESP;
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
      return fail("bad_option", "DNS server list " + util::quote(csv) +
                                    " rejected by c-ares: " + ares_strerror(set_status));
    }
  }
  return channel;
}

std::vector<std::string> channel_servers(ares_channel channel) {
  std::vector<std::string> servers;
  ares_addr_port_node* raw_servers = nullptr;
  if (ares_get_servers_ports(channel, &raw_servers) == ARES_SUCCESS) {
    std::unique_ptr<ares_addr_port_node, AresDataDeleter> list(raw_servers);
    for (auto* node = list.get(); node != nullptr; node = node->next) {
      servers.push_back(format_server(*node));
    }
  }
  return servers;
}

void run_until(ares_channel channel, const std::function<bool()>& done,
               std::chrono::steady_clock::time_point deadline) {
  using Clock = std::chrono::steady_clock;
  while (!done()) {
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

}  // namespace reqscope::dns
